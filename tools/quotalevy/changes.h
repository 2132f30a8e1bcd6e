/*
 * changes.h — what `quotalevy compare` adds up: per group (--group-by)
 * and over all units, the units read and how each ended, the exact
 * totals over the units compared of every output its rule set marks as
 * summed, under the current rules and under the override, their
 * difference, the units whose outcome changes, and for each amount of
 * money the units that become liable (0 or none → more) or exempt (more
 * → 0 or none).
 */
#ifndef QL_CHANGES_H
#define QL_CHANGES_H

#include "csv.h"

#include <quotalevy.h>

typedef struct changes changes;

changes *chg_new(const ql_ruleset *rs, size_t ngroup);
void chg_free(changes *c);
/* One unit evaluated under both: output i before as x(i), after as y(i)
 * (ql_result_output of each), `changed` if its outcome changes.  −1 out
 * of memory. */
int chg_add(changes *c, const char *const *key, const size_t *len,
            const ql_result *before, const ql_result *after, int changed);
/* How a unit not compared under both ended: it fails under the current
 * rules only, under the override only (its outcome changes), or it is
 * compared under neither (unreadable, or failing under both). */
enum chg_outcome { CHG_FAILS_CURRENT, CHG_FAILS_OVERRIDE, CHG_NEITHER };
/* Counts such a unit in its group (its outputs add nothing).  −1 out of
 * memory. */
int chg_count(changes *c, const char *const *key, const size_t *len,
              enum chg_outcome how);
/* The CSV: a header (scope, the group columns, rows, compared, changed —
 * with the units failing under one side — fails_current, fails_override,
 * not_compared, so that rows = compared + fails_current + fails_override +
 * not_compared, then the totals over the units compared), a row per group in
 * key order (a key column flagged in by_value by its numbers' value:
 * groups_sorted; scope "group"), then the row of all units (scope "total").  A
 * total of no values is 0 at its output's places.  −1 out of memory. */
int chg_write_csv(const changes *c, const char *const *group_names,
                  const unsigned char *by_value, strbuf *out);

#endif
