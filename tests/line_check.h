/*
 * line_check.h — what a plain CSV line set in one pass
 * (qli_record_set_line) is checked against, shared by the test that
 * draws random lines (test_record.c) and the fuzz target that takes
 * them from its input (fuzz/fuzz_line.c): the line cut the plain way,
 * at every comma, and whether a field holds the same in two records,
 * its 64-bit copy too.  Reaches into the library's record (eval.h).
 */
#ifndef QL_TEST_LINE_CHECK_H
#define QL_TEST_LINE_CHECK_H

#include <stddef.h>
#include <string.h>

#include "eval.h"
#include "quotalevy.h"

/* Cuts text (len bytes, NUL after them) at every comma, in place: each
 * column's text (NUL ended) and length into texts[] and lens[], room for
 * one more than the line's commas.  Returns the number of columns. */
static inline size_t line_cut_at_commas(char *text, size_t len,
                                        const char **texts, size_t *lens)
{
    size_t n = 0, start = 0;
    for (size_t k = 0; k <= len; k++)
        if (k == len || text[k] == ',') {
            text[k] = '\0';
            texts[n] = text + start;
            lens[n++] = k - start;
            start = k + 1;
        }
    return n;
}

/* Whether field i holds the same in both records (empty, or the same
 * value and 64-bit copy). */
static inline int same_field(const ql_record *x, const ql_record *y, size_t i)
{
    ql_value a = QL_VALUE_INIT, b = QL_VALUE_INIT;
    if (ql_record_get(&a, x, i) || ql_record_get(&b, y, i) || a.type != b.type)
        return 0;
    switch (a.type) {
    case QL_TYPE_NONE: return 1;
    case QL_TYPE_NUMBER:
        return a.number.coef_hi == b.number.coef_hi &&
               a.number.coef_lo == b.number.coef_lo &&
               a.number.scale == b.number.scale && x->wide[i] == y->wide[i] &&
               (x->wide[i] ||
                (x->v64[i].c == y->v64[i].c && x->v64[i].s == y->v64[i].s));
    case QL_TYPE_BOOL: return a.boolean == b.boolean;
    case QL_TYPE_DATE: return a.date == b.date;
    default:
        return a.length == b.length && !memcmp(a.string, b.string, a.length);
    }
}

#endif
