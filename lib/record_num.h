/*
 * record_num.h — a record's plan of each field (how a text is set into
 * it) and a number's 64-bit check and store, for the two ways a text
 * reaches a record: field by field (record.c) and a whole plain line cut
 * and set in one pass (record_line.c).  Internal.
 *
 * A number of at most 18 digits is read into (coefficient, scale) by the
 * caller's digit loop; qli_rec_num_store checks it against the field's
 * integer, places and bounds in 64 bits as check_number would, and
 * stores it (the exact value and its 64-bit copy) — or says that it
 * cannot tell, and the exact way is to decide and say why.
 */
#ifndef QL_RECORD_NUM_H
#define QL_RECORD_NUM_H

#include "decimal.h"
#include "eval.h"
#include "pow10.h"
#include "value.h"

#include <stdint.h>

/* A field's plan, worked out once a record from its input_def: the
 * kind, and for a number the checks of check_number in 64 bits — a bound
 * that does not fit is BOUND_WIDE, and the exact way decides. */
enum { BOUND_NONE, BOUND_IN, BOUND_EXCL, BOUND_WIDE, BOUND_NONNEG };
struct rec_field {
    uint8_t kind; /* vkind */
    uint8_t integer;
    int8_t scale;   /* the places a value may have, −1 any */
    uint8_t lo, hi; /* BOUND_* */
    int32_t lo_s, hi_s;
    int64_t lo_c, hi_c; /* the bounds: lo_c × 10^−lo_s, hi_c × 10^−hi_s */
};

/* Field i's 64-bit copy: x × 10^−s (wide 0), or a number past 64 bits. */
static inline void qli_rec_put64(ql_record *rec, size_t i, int64_t x, int32_t s,
                                 int wide)
{
    fval *w = &rec->v64[i];
    w->c = x;
    w->d = 0;
    w->s = s;
    w->len = 0;
    rec->wide[i] = (uint8_t)wide;
    rec->present[i] = 1;
}

/* −1, 0 or 1 as v × 10^−s is below, at or above m × 10^−ms; 2 when that
 * cannot be told in 64 bits (s, ms ≤ 18). */
static inline int qli_rec_cmp64(int64_t v, int s, int64_t m, int ms)
{
    if (s < ms) {
        if (__builtin_mul_overflow(v, qli_pow10[ms - s], &v))
            return 2;
    } else if (s > ms) {
        if (__builtin_mul_overflow(m, qli_pow10[s - ms], &m))
            return 2;
    }
    return (v > m) - (v < m);
}

/* Whether the number *v × 10^−*scale (scale ≤ 18) passes plan d's
 * checks as check_number would pass it: 1, with *v and *scale as
 * check_number keeps them (zeros past the field's places dropped); 0
 * when it breaks or might break a constraint (the exact way is to decide
 * and say why).  Also for a batch's int64 columns (eval_columns.c). */
static inline __attribute__((always_inline)) int
qli_rec_num_ok(const struct rec_field *d, int64_t *vp, int *sp)
{
    int64_t v = *vp;
    int scale = *sp;
    if (d->integer && scale > 0 && v % qli_pow10[scale] != 0)
        return 0;
    if (d->scale >= 0 && scale > d->scale) {
        /* kept at the field's places when only zeros go (check_number) */
        int64_t p10 = qli_pow10[scale - d->scale];
        if (v % p10 != 0)
            return 0;
        v /= p10;
        scale = d->scale;
    }
    if (d->lo == BOUND_NONNEG) {
        if (v < 0)
            return 0;
    } else if (d->lo) {
        int k =
            d->lo == BOUND_WIDE ? 2 : qli_rec_cmp64(v, scale, d->lo_c, d->lo_s);
        if (k == 2 || k < 0 || (k == 0 && d->lo == BOUND_EXCL))
            return 0;
    }
    if (d->hi == BOUND_NONNEG) { /* `max: 0` */
        if (v > 0)
            return 0;
    } else if (d->hi) {
        int k =
            d->hi == BOUND_WIDE ? 2 : qli_rec_cmp64(v, scale, d->hi_c, d->hi_s);
        if (k == 2 || k > 0 || (k == 0 && d->hi == BOUND_EXCL))
            return 0;
    }
    *vp = v;
    *sp = scale;
    return 1;
}

/* The number v × 10^−scale (v of at most 18 digits, scale ≤ 18) into
 * field i of plan d, checked as check_number would check it: 1 when
 * stored, 0 when it breaks or might break a constraint (the exact way is
 * to decide and say why). */
static inline __attribute__((always_inline)) int
qli_rec_num_store(ql_record *rec, size_t i, const struct rec_field *d,
                  int64_t v, int scale)
{
    if (!qli_rec_num_ok(d, &v, &scale))
        return 0;
    rec->vals[i].num = qli_qd_make(v, scale);
    qli_rec_put64(rec, i, v, scale, 0);
    return 1;
}

/* record.c: field i (in range) from text (not NULL, len > 0) as
 * ql_record_set_text sets it (blanks trimmed; every error the exact
 * way, with its message). */
ql_status qli_record_set_text_at(ql_record *rec, size_t i, const char *text,
                                 size_t len, ql_error *err);

#endif
