/*
 * outcols.h — one header name, one meaning, in every file a command
 * writes.  The loader refuses a rule set whose own outputs make one
 * column name twice (lib/columns.c); what is left is the options: a
 * --keep column called like an output, a --group-by column called
 * `rows`, an output called `explain` with --explain, compare's
 * NAME_current next to an output of that name.  Each check lists the
 * columns (JSON Lines keys) a file will have, with what makes each, and
 * a name made twice is a usage error said before any row is read.
 */
#ifndef QL_OUTCOLS_H
#define QL_OUTCOLS_H

#include <stddef.h>

#include "quotalevy.h"

/* `run`: the output (CSV, or JSON Lines when jsonl), with `id`, the
 * --keep columns, the outputs, and --explain's column (`explain`, the
 * JSON Lines key `trace`); and, when summary, the --summary file with
 * `scope`, the --group-by columns, `rows` and the totals.  −1 after
 * saying the first name made twice. */
int oc_check_run(const ql_ruleset *rs, const char *const *keep, size_t nkeep,
                 int jsonl, int explain, const char *const *group,
                 size_t ngroup, int summary);

/* `compare`: the units file (-o: `id`, the --group-by columns, then
 * NAME_current and NAME_override of each watched output) when units,
 * and the --summary file (`scope`, the --group-by columns, `rows`,
 * `changed`, then NAME_current, _override, _change and for money
 * _newly_liable, _newly_exempt of each summed output) when summary. */
int oc_check_compare(const ql_ruleset *rs, const unsigned char *watch,
                     const char *const *group, size_t ngroup, int units,
                     int summary);

#endif
