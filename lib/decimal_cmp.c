/*
 * decimal_cmp.c — comparing decimals exactly: two values, two cut values
 * by their doubts, two ratios by cross-multiplying; a cut value's doubt as
 * text for messages; whether a value is whole.  See decimal.c.
 */
#include "decimal.h"
#include "decimal_wide.h"

int qli_qd_cmp(const qd *a, const qd *b)
{
    if (a->scale == b->scale)
        return (a->coef > b->coef) - (a->coef < b->coef);
    int sa = qli_qd_sign(a), sb = qli_qd_sign(b);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    /* Fast path: align in 128 bits when the scaled side stays small. */
    const qd *lo = a->scale < b->scale ? a : b, *hi = lo == a ? b : a;
    int d = hi->scale - lo->scale;
    qd_u128 ml = mag128(lo->coef), mh = mag128(hi->coef);
    if (d <= 18 && ml < ((qd_u128)1 << 64)) {
        qd_u128 scaled = ml * qli_qd_pow10[d]; /* < 2^64 · 10^18 < 2^124 */
        int c = (scaled > mh) - (scaled < mh); /* |lo| against |hi| */
        if (lo != a)
            c = -c;
        return sa > 0 ? c : -c;
    }
    u256 ma = u256_from(mag128(a->coef)), mb = u256_from(mag128(b->coef));
    if (a->scale < b->scale)
        u256_mul_pow10(&ma, b->scale - a->scale);
    else
        u256_mul_pow10(&mb, a->scale - b->scale);
    int c = u256_cmp(&ma, &mb);
    return sa > 0 ? c : -c;
}

int qli_qd_cmp_cut(int *out, const qd *a, const qd *b)
{
    /* At the larger scale S: the exact value of a cut x lies strictly
     * within its doubt of x and is not x.  D = a − b; W = the two doubts,
     * in units of S rounded up.  |D| ≥ W decides by D's sign; otherwise
     * the doubt holds the other side. */
    int S = a->scale > b->scale ? a->scale : b->scale;
    u256 ma = u256_from(mag128(a->coef)), mb = u256_from(mag128(b->coef));
    u256_mul_pow10(&ma, S - a->scale); /* < 10^72: fits */
    u256_mul_pow10(&mb, S - b->scale);
    int neg = a->coef < 0;
    u256 d = ma, w;
    add_signed256(&neg, &d, !(b->coef < 0), &mb);
    if (dbt_at(&w, dbt_add(dbt_of(a), dbt_of(b)), S) || u256_cmp(&d, &w) < 0)
        return QD_CUT;
    *out = neg ? -1 : 1; /* d ≥ w > 0 */
    return QD_OK;
}

size_t qli_qd_doubt_text(const qd *a, char *buf)
{
    dbt d = dbt_of(a);
    /* one digit, rounded up: 3E-20, not 2984571E-26 */
    while (d.m >= 10) {
        d.m = d.m / 10 + (d.m % 10 != 0);
        d.e++;
    }
    if (d.m == 0 || d.e > 0 || d.e < -QD_MAX_SCALE) {
        int n = 0;
        if (d.m == 0)
            buf[n++] = '0';
        else {
            buf[n++] = (char)('0' + (int)d.m);
            buf[n++] = 'E';
            buf[n++] = d.e < 0 ? '-' : '+';
            int x = d.e < 0 ? -d.e : d.e;
            if (x >= 100)
                buf[n++] = (char)('0' + x / 100);
            if (x >= 10)
                buf[n++] = (char)('0' + x / 10 % 10);
            buf[n++] = (char)('0' + x % 10);
        }
        buf[n] = '\0';
        return (size_t)n;
    }
    qd w = qli_qd_make((qd_i128)d.m, -d.e);
    return qli_qd_format(&w, buf);
}

/* a × b as a sign (−1, 0, 1), a magnitude and a scale. */
static int prod256(const qd *a, const qd *b, u256 *m, int *scale)
{
    *m = u256_mul128(mag128(a->coef), mag128(b->coef));
    *scale = a->scale + b->scale;
    return qli_qd_sign(a) * qli_qd_sign(b);
}

void qli_qd_cmp_ratio(int *out, const qd *n1, const qd *d1, const qd *n2,
                      const qd *d2)
{
    u256 p, q;
    int sp, sq, c;
    int gp = prod256(n1, d2, &p, &sp), gq = prod256(n2, d1, &q, &sq);
    if (gp != gq || gp == 0) {
        c = (gp > gq) - (gp < gq);
    } else {
        /* at the larger scale; a product scaled past 2^256 is the larger
         * (the other is below 10^72) */
        int m;
        if (sp > sq)
            m = u256_mul_pow10(&q, sp - sq) ? -1 : u256_cmp(&p, &q);
        else if (sq > sp)
            m = u256_mul_pow10(&p, sq - sp) ? 1 : u256_cmp(&p, &q);
        else
            m = u256_cmp(&p, &q);
        c = gp > 0 ? m : -m;
    }
    *out = c * qli_qd_sign(d1) * qli_qd_sign(d2);
}

int qli_qd_is_integer(const qd *a)
{
    if (a->cut)
        return 0; /* a quotient that did not end is no integer */
    if (a->scale == 0)
        return 1;
    return mag128(a->coef) % qli_qd_pow10[a->scale] == 0;
}
