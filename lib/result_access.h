/*
 * result_access.h — how result_value.c and result_text.c read a result
 * area: a value as the evaluation left it, from eval.c's exact values or
 * the fast path's 64-bit ones.  Internal to the result files.
 */
#ifndef QL_RESULT_ACCESS_H
#define QL_RESULT_ACCESS_H

#include "decimal.h"
#include "eval.h"
#include "fast.h"
#include "fast_code.h" /* fprog.out_pos */
#include "ruleset.h"
#include "value.h"

#include <stddef.h>

/* Room for output i's fields between each's separator after the last
 * (put_planned). */
#define ROW_ROOM (5 * (QD_TEXT_MAX + 1) + 1)

/* c × 10^−s at display d's places into *coef: its scale, or QL_I64_WIDE
 * when that takes a rounding or more than 64 bits (the column readers,
 * result_value.c, and the column batch, eval_columns.c). */
static inline int qli_i64_shown(int64_t *coef, int64_t c, int s, display d)
{
    if (d.scale < 0 || s == d.scale) {
        *coef = c;
        return s;
    }
    if (s < d.scale) {
        int up = d.scale - s;
        int64_t v;
        if (up > 18 || __builtin_mul_overflow(c, (int64_t)qli_qd_pow10[up], &v))
            return QL_I64_WIDE;
        *coef = v;
        return d.scale;
    }
    int down = s - d.scale;
    if (down > 18 || c % (int64_t)qli_qd_pow10[down] != 0)
        return QL_I64_WIDE; /* a rounding for display: the general reader */
    *coef = c / (int64_t)qli_qd_pow10[down];
    return d.scale;
}

static inline int usable(const ql_result *res)
{
    return res && res->status == QL_OK;
}

/* Computed output k's 64-bit value after a fast evaluation, else NULL
 * (eval.c's value is in cvals). */
static inline const fval *fast_value(const ql_result *res, size_t k)
{
    if (!res->fastv)
        return NULL;
    int32_t j = res->rs->fast->out_pos[k];
    return j >= 0 ? &res->ov[j] : NULL;
}

/* Computed value k as the evaluation left it: eval.c's, or the fast
 * path's as a qval in tmp. */
static inline const qval *cval(const ql_result *res, size_t k, qval *tmp)
{
    const fval *f = fast_value(res, k);
    if (!f)
        return &res->cvals[k];
    switch (res->rs->computed[k].type.kind) {
    case VK_NUMBER: tmp->num = qli_qd_make(f->c, f->s); break;
    case VK_BOOL: tmp->b = f->c != 0; break;
    case VK_DATE: tmp->date = (ql_date)f->c; break;
    case VK_ENUM: tmp->en = (int32_t)f->c; break;
    default:
        tmp->str.s = f->p;
        tmp->str.len = f->len;
        break;
    }
    return tmp;
}

/* Number j (0 required, 1 actual, 2 shortfall) of applicable check i:
 * eval.c's, or the fast path's in tmp. */
static inline const qd *check_num(const ql_result *res, size_t i, int j,
                                  qd *tmp)
{
    if (res->fastv) {
        const fval *f = &res->kv[3 * i + (size_t)j];
        *tmp = qli_qd_make(f->c, f->s);
        return tmp;
    }
    const check_vals *c = &res->ckvals[i];
    return j == 0   ? &c->required.num
           : j == 1 ? &c->actual.num
                    : &c->shortfall.num;
}

#endif
