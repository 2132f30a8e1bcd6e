/*
 * eval_columns.h — what the tests may ask of a batch of columns
 * (eval_columns.c) beyond the public API.  Internal.
 */
#ifndef QL_EVAL_COLUMNS_H
#define QL_EVAL_COLUMNS_H

#include "quotalevy.h"

#include <stddef.h>

/* The rows cols has evaluated in place, the fast way, since it was made
 * (the others went through a record and ql_evaluate): so a differential
 * test can tell that the fast rows were compared, not only the others. */
size_t qli_columns_fast_rows(const ql_columns *cols);

#endif
