/*
 * totals.h — the exact totals of a batch, over all rows and per group
 * (`quotalevy run --summary FILE [--group-by COLS]`).  Each output is
 * combined as its rule set marks it (ql_ruleset_output_aggregate): sums
 * of money, headcounts and shortfalls, counts of what is true, least and
 * greatest values; a rate or an average is never added up.  A check
 * gives the units it applies to, the compliant and short ones, and the
 * sum of its shortfalls.
 *
 * Each worker thread totals the rows it evaluated; the tables are merged
 * at the end.  Sums are exact and wide enough never to overflow, so the
 * order rows arrive in changes nothing.  A group keeps only what its
 * outputs' aggregations need, a sum in 16 bytes (sumcell.h): memory is
 * a few hundred bytes a group (docs/security.md, "Memory of a run").
 */
#ifndef QL_TOTALS_H
#define QL_TOTALS_H

#include "csv.h"

#include <quotalevy.h>

typedef struct totals totals;

/* Totals for rs, by the values of `ngroup` key columns (0: one total). */
totals *tot_new(const ql_ruleset *rs, size_t ngroup);
void tot_free(totals *t);
/* Adds one evaluated row whose group key is key[0…ngroup−1] (lengths in
 * len).  −1 out of memory. */
int tot_add(totals *t, const char *const *key, const size_t *len,
            const ql_result *res);
/* Adds every group of `from` into t.  −1 out of memory. */
int tot_merge(totals *t, const totals *from);
/* The CSV: a header, one row per group (ordered by key, a key column
 * flagged in by_value by its numbers' value: groups_sorted) with scope
 * "group", then one row of all groups with scope "total".  `rows` is the
 * rows evaluated (written); the total row also says the rows `read` and
 * `rejected` (empty in group rows: a rejected row's group was not read),
 * so that the file alone shows read = rows + rejected.  Sums are wide
 * (sumcell.h, widesum.h) and never overflow; a sum of no values is 0 at its
 * output's places.  −1 out of memory. */
int tot_write_csv(const totals *t, const char *const *group_names,
                  const unsigned char *by_value, long long read,
                  long long rejected, strbuf *out);

#endif
