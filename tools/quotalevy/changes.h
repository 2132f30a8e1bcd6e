/*
 * changes.h — what `quotalevy compare` adds up: per group (--group-by)
 * and over all units, the exact totals of every output its rule set
 * marks as summed, under the current rules and under the override, their
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
/* The CSV: a header, a row per group in key order (a key column flagged
 * in by_value by its numbers' value: groups_sorted; scope "group"), then
 * the row of all units (scope "total").  A total of no values is 0 at its
 * output's places. */
void chg_write_csv(const changes *c, const char *const *group_names,
                   const unsigned char *by_value, strbuf *out);

#endif
