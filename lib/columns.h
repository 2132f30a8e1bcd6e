/*
 * columns.h — one column name, one meaning: the column names a rule
 * set's outputs make in every front end's tables, checked at load
 * (columns.c).  Internal.
 */
#ifndef QL_COLUMNS_H
#define QL_COLUMNS_H

#include "ruleset.h"

/* After the outputs' aggregates are known (qli_sc_outputs): fails, at
 * the output listed later, when two outputs make one column name — in
 * a record's row (`id`, then each output, a check as its five
 * NAME_applicable … NAME_shortfall) or in the summary (`scope`, `rows`,
 * then each totalled output: NAME for a sum, NAME_count, NAME_min,
 * NAME_max, a check as NAME_applicable, _compliant, _short,
 * _shortfall).  In diagnose mode every collision is noted. */
ql_status qli_col_check(ql_ruleset *rs, ql_error *err, ql_diag *diag);

#endif
