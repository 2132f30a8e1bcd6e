/*
 * decimal_wide.h — what the exact decimal code (decimal.c, decimal_round.c,
 * decimal_cmp.c) works in below a qd: unsigned 256-bit magnitudes, which
 * hold any product or aligned pair of 36-digit coefficients exactly, and a
 * cut value's doubt (dbt), the bound that roundings and comparisons of a
 * quotient are decided from.  Static inline, so each file compiles them
 * into its own loops; __int128 stays inside these files.  Internal to the
 * decimal code: no other file includes it.
 */
#ifndef QL_DECIMAL_WIDE_H
#define QL_DECIMAL_WIDE_H

#include "decimal.h"

#define LIMIT (qli_qd_pow10[QD_DIGITS]) /* coefficients stay below 10^36 */

/* ------------------------------------------------------------ 256 bits */

/* An unsigned 256-bit magnitude, least significant limb first. */
typedef struct u256 {
    uint64_t w[4];
} u256;

static inline u256 u256_from(qd_u128 x)
{
    u256 r = {{(uint64_t)x, (uint64_t)(x >> 64), 0, 0}};
    return r;
}

static inline int u256_fits128(const u256 *x)
{
    return (x->w[2] | x->w[3]) == 0;
}

static inline qd_u128 u256_low(const u256 *x)
{
    return ((qd_u128)x->w[1] << 64) | x->w[0];
}

static inline int u256_is_zero(const u256 *x)
{
    return (x->w[0] | x->w[1] | x->w[2] | x->w[3]) == 0;
}

static inline int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static inline u256 u256_add(const u256 *a, const u256 *b)
{
    u256 r;
    qd_u128 carry = 0;
    for (int i = 0; i < 4; i++) {
        carry += (qd_u128)a->w[i] + b->w[i];
        r.w[i] = (uint64_t)carry;
        carry >>= 64;
    }
    return r; /* operands stay below 10^73, so no carry leaves the top */
}

/* a − b, with a ≥ b. */
static inline u256 u256_sub(const u256 *a, const u256 *b)
{
    u256 r;
    uint64_t borrow = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x = a->w[i], y = b->w[i];
        uint64_t d = x - y;
        r.w[i] = d - borrow;
        borrow = (x < y) | (d < borrow);
    }
    return r;
}

/* x × m; returns 1 if the product does not fit in 256 bits. */
static inline int u256_mul64(u256 *x, uint64_t m)
{
    qd_u128 carry = 0;
    for (int i = 0; i < 4; i++) {
        carry += (qd_u128)x->w[i] * m;
        x->w[i] = (uint64_t)carry;
        carry >>= 64;
    }
    return carry != 0;
}

/* x × 10^k for 0 ≤ k ≤ 76; 1 on overflow. */
static inline int u256_mul_pow10(u256 *x, int k)
{
    while (k > 0) {
        int step = k > 19 ? 19 : k;
        if (u256_mul64(x, (uint64_t)qli_qd_pow10[step]))
            return 1;
        k -= step;
    }
    return 0;
}

static inline u256 u256_mul128(qd_u128 a, qd_u128 b)
{
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    qd_u128 p00 = (qd_u128)a0 * b0, p01 = (qd_u128)a0 * b1;
    qd_u128 p10 = (qd_u128)a1 * b0, p11 = (qd_u128)a1 * b1;
    u256 r;
    qd_u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
    r.w[0] = (uint64_t)p00;
    r.w[1] = (uint64_t)mid;
    qd_u128 high = (mid >> 64) + (p01 >> 64) + (p10 >> 64) + p11;
    r.w[2] = (uint64_t)high;
    r.w[3] = (uint64_t)(high >> 64);
    return r;
}

/* x ÷ d in place, returning the remainder. */
static inline uint64_t u256_divmod64(u256 *x, uint64_t d)
{
    qd_u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
        qd_u128 cur = (rem << 64) | x->w[i];
        x->w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return (uint64_t)rem;
}

/* Number of decimal digits of x (0 for zero). */
static inline int u128_digits(qd_u128 x)
{
    int lo = 0, hi = 39;
    while (lo < hi) { /* smallest n with x < 10^n */
        int mid = (lo + hi) / 2;
        if (mid < 39 && x < qli_qd_pow10[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static inline int u256_digits(u256 x)
{
    int d = 0;
    while (!u256_fits128(&x)) {
        u256_divmod64(&x, 10000000000000000000ULL); /* 10^19 */
        d += 19;
    }
    return d + u128_digits(u256_low(&x));
}

/* n ÷ d (d ≠ 0) by shift and subtract, for the rare quotient that needs
 * more than 128 bits of dividend.  The quotient must fit in 128 bits. */
static inline qd_u128 u256_div128(const u256 *n, qd_u128 d, qd_u128 *rem_out)
{
    qd_u128 rem = 0, q = 0;
    for (int i = 255; i >= 0; i--) {
        int carry = (int)(rem >> 127);
        rem = (rem << 1) | ((n->w[i / 64] >> (i % 64)) & 1);
        q <<= 1;
        if (carry || rem >= d) {
            rem -= d;
            q |= 1;
        }
    }
    *rem_out = rem;
    return q;
}

static inline qd_u128 mag128(qd_i128 x)
{
    return x < 0 ? -(qd_u128)x : (qd_u128)x;
}

/* A signed 256-bit value as a sign and a magnitude: plus (bneg = 0) or
 * minus (1) b. */
static inline void add_signed256(int *neg, u256 *m, int bneg, const u256 *b)
{
    if (*neg == bneg) {
        *m = u256_add(m, b);
    } else if (u256_cmp(m, b) >= 0) {
        *m = u256_sub(m, b);
    } else {
        *m = u256_sub(b, m);
        *neg = bneg;
    }
}

/* ------------------------------------------------------------ rounding */

/* Drops the last k ≥ 1 digits of mag with the rounding mode. */
void qli_qd_drop_digits(u256 *mag, int k, qd_round mode, int negative);
/* Makes r from a sign, an exact magnitude and a scale (which may be up to
 * 2 × QD_MAX_SCALE).  Digits that do not fit are cut with `mode`, or, when
 * `exact` is set, only if they are zeros: QD_INEXACT otherwise. */
int qli_qd_pack(qd *r, int negative, u256 mag, int scale, qd_round mode,
                int exact);

/* ------------------------------------------------------------ doubt */

/* A cut value's doubt, m × 10^e (m = 0: exact), while it is worked on:
 * m may grow past what `cut` packs until dbt_norm brings it back.  Every
 * step rounds a bound the safe way (up for a doubt, down for a divisor's
 * least size), so what is decided from it is never wrong — at worst a
 * case is refused that exact arithmetic could have decided. */
typedef struct dbt {
    qd_u128 m;
    int e;
} dbt;

#define DBT_MMAX ((1u << 23) - 1)

static inline dbt dbt_norm(qd_u128 m, int e, int up)
{
    dbt d = {0, 0};
    if (m == 0)
        return d;
    while (m > DBT_MMAX) {
        m = m / 10 + (up && m % 10 != 0);
        e++;
    }
    while (e < -QD_DOUBT_BIAS) {
        if (!up)
            return d;               /* below every unit: no lower bound but 0 */
        m = m / 10 + (m % 10 != 0); /* stays ≥ 1 */
        e++;
    }
    d.m = m;
    d.e = e;
    return d;
}

static inline dbt dbt_of(const qd *a)
{
    dbt d = {0, 0};
    uint32_t c = (uint32_t)a->cut;
    if (c) {
        d.m = c >> 8;
        d.e = (int)(c & 255) - QD_DOUBT_BIAS;
    }
    return d;
}

static inline int32_t dbt_pack(dbt d)
{
    if (d.m == 0)
        return 0;
    if (d.e > 255 - QD_DOUBT_BIAS) { /* past every value: decides nothing */
        d.m = DBT_MMAX;
        d.e = 255 - QD_DOUBT_BIAS;
    }
    return (int32_t)(((uint32_t)d.m << 8) | (uint32_t)(d.e + QD_DOUBT_BIAS));
}

/* a + b, rounded up; both normalized. */
static inline dbt dbt_add(dbt a, dbt b)
{
    if (!a.m)
        return b;
    if (!b.m)
        return a;
    if (a.e < b.e) {
        dbt t = a;
        a = b;
        b = t;
    }
    int d = a.e - b.e;
    if (d > 30) /* b < 10^7 · 10^b.e < one unit of a's last place */
        return dbt_norm(a.m + 1, a.e, 1);
    return dbt_norm(a.m * qli_qd_pow10[d] + b.m, b.e, 1);
}

static inline dbt dbt_mul(dbt a, dbt b, int up)
{
    return dbt_norm(a.m * b.m, a.e + b.e, up);
}

/* |x| as a bound, rounded up or down. */
static inline dbt dbt_mag(const qd *x, int up)
{
    qd_u128 m = x->coef < 0 ? -(qd_u128)x->coef : (qd_u128)x->coef;
    return dbt_norm(m, -x->scale, up);
}

/* n ÷ d rounded up, d.m ≠ 0. */
static inline dbt dbt_div_up(dbt n, dbt d)
{
    if (!n.m)
        return n;
    qd_u128 N = n.m * qli_qd_pow10[16]; /* < 2^23 · 10^16 < 2^78 */
    return dbt_norm(N / d.m + (N % d.m != 0), n.e - 16 - d.e, 1);
}

/* *out = an integer ≥ w × 10^S (w's units at scale S, rounded up); 1 if
 * that takes more than 10^67. */
static inline int dbt_at(u256 *out, dbt w, int S)
{
    int k = w.e + S;
    if (w.m == 0) {
        *out = u256_from(0);
    } else if (k >= 0) {
        if (k > 60)
            return 1;
        *out = u256_from(w.m);
        u256_mul_pow10(out, k);
    } else if (-k >= 8) {
        *out = u256_from(1); /* m < 10^7: under one unit */
    } else {
        qd_u128 p = qli_qd_pow10[-k];
        *out = u256_from(w.m / p + (w.m % p != 0));
    }
    return 0;
}

#endif
