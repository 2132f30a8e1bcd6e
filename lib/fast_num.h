/*
 * fast_num.h — exact decimal arithmetic on 64-bit coefficients, for the
 * fast path (fast_eval.c).
 *
 * A number is coef × 10^(−scale) with an int64 coefficient, or a quotient
 * not yet divided: n ÷ d carried as (n, d, scale(n) − scale(d)).  Every
 * operation gives exactly what decimal.c gives for the same operands —
 * same value, same scale — or reports that it cannot (FN_NO), and the
 * record goes to the exact engine.  Nothing here rounds where decimal.c
 * would not, and nothing wraps: each step is checked.
 *
 * A quotient stays undivided because most are only compared (an own ratio
 * against a bracket bound) or rounded (round(a / b, 2)).  decimal.c's
 * quotient Q is cut at s places with sticky 05up rounding: its last digit
 * is never 0 or 5 when digits were dropped.  So for any c with fewer than
 * s places, Q and the true ratio n/d compare alike with c (an inexact Q
 * lies strictly between two multiples of 10^−(s−1) exactly as n/d does),
 * and rounding Q to fewer than s places gives the true ratio's rounding.
 * Both are computed here by cross-multiplying and one integer division.
 *
 * Internal; __int128 stays in lib/.
 */
#ifndef QL_FAST_NUM_H
#define QL_FAST_NUM_H

#include "decimal.h"
#include "value.h" /* fval */

#include <stdint.h>


enum { FN_OK = 0, FN_NO = 1 }; /* FN_NO: not in 64 bits, ask the exact engine */

static const int64_t fn_p10[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
    100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
    1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

static inline uint64_t fn_mag(int64_t x)
{
    return x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
}

/* Decimal digits of x (0 for 0). */
static inline int fn_digits(uint64_t x)
{
    int n = 0;
    while (n < 19 && x >= (uint64_t)fn_p10[n])
        n++;
    return n < 19 ? n : (x >= 10000000000000000000ULL ? 20 : 19);
}

static inline void fn_set(fval *r, int64_t c, int32_t s)
{
    r->c = c;
    r->d = 0;
    r->s = s;
}

/* x × 10^k in 64 bits. */
static inline int fn_scale_up(int64_t x, int k, int64_t *out)
{
    if (k > 18)
        return x == 0 ? (*out = 0, FN_OK) : FN_NO;
    return __builtin_mul_overflow(x, fn_p10[k], out) ? FN_NO : FN_OK;
}

/* ------------------------------------------------------------ quotients */

/* The places qli_qd_div carries c ÷ d to (c ≠ 0, d ≠ 0), or −1 where
 * decimal.c would take its rare integer-part path. */
static inline int fn_quot_scale(int64_t c, int64_t d, int s0)
{
    int da = fn_digits(fn_mag(c)), db = fn_digits(fn_mag(d));
    int s = s0 > QD_DIV_SCALE ? s0 : QD_DIV_SCALE;
    int cap = QD_DIGITS - 1 - da + db + s0;
    if (s > cap)
        s = cap;
    if (s > QD_MAX_SCALE)
        s = QD_MAX_SCALE;
    return s < 0 ? -1 : s;
}

/* qli_qd_div's quotient of a quotient value, as a plain 64-bit number;
 * *cut is 1 where qli_qd_div marks it cut (digits were dropped). */
static inline int fn_divide_cut(fval *r, const fval *a, int *cut)
{
    int64_t c = a->c, d = a->d;
    int s0 = a->s;
    *cut = 0;
    if (c == 0) {
        fn_set(r, 0, s0 > 0 ? s0 : 0);
        return FN_OK;
    }
    int s = fn_quot_scale(c, d, s0);
    if (s < 0)
        return FN_NO;
    int e = s - s0; /* ≥ 0 */
    uint64_t ma = fn_mag(c), mb = fn_mag(d);
    if (e > 38 || (qd_u128)ma > ~(qd_u128)0 / qli_qd_pow10[e])
        return FN_NO;
    qd_u128 n = (qd_u128)ma * qli_qd_pow10[e];
    qd_u128 q, rem;
    if (n >> 64 == 0) {
        q = (uint64_t)n / mb;
        rem = (uint64_t)n % mb;
    } else {
        q = n / mb;
        rem = n % mb;
    }
    if (rem == 0) {
        int floor_scale = s0 > 0 ? s0 : 0;
        while (s > floor_scale && q % 10 == 0) {
            q /= 10;
            s--;
        }
    } else {
        unsigned last = (unsigned)(q % 10);
        if (last == 0 || last == 5)
            q++;
    }
    if (q > (qd_u128)INT64_MAX)
        return FN_NO;
    int neg = (c < 0) != (d < 0);
    fn_set(r, neg ? -(int64_t)q : (int64_t)q, s);
    *cut = rem != 0;
    return FN_OK;
}

/* A plain number from any number value: a quotient that ends.  One that
 * does not is FN_NO: + − × ÷ carry its doubt, which is the exact
 * engine's (decimal.c), so the record goes there. */
static inline int fn_plain(fval *r, const fval *a)
{
    if (a->d == 0) {
        *r = *a;
        return FN_OK;
    }
    int cut;
    return fn_divide_cut(r, a, &cut) || cut ? FN_NO : FN_OK;
}

/* A plain number from any number value, and whether it is cut. */
static inline int fn_plain_cut(fval *r, const fval *a, int *cut)
{
    if (a->d == 0) {
        *r = *a;
        *cut = 0;
        return FN_OK;
    }
    return fn_divide_cut(r, a, cut);
}

/* qli_qd_rem_digits in 64 bits: what a remainder rem < d < 2^63 says of
 * the dropped digits, compared with half the divisor. */
static inline void fn_rem_digits(uint64_t rem, uint64_t d, unsigned *dropped,
                                 int *sticky)
{
    uint64_t twice = rem << 1;
    *dropped = rem && twice >= d ? 5 : 0;
    *sticky = rem && twice != d;
}

/* |n| × 10^e ÷ |d| rounded to an integer with mode (the sign is neg's),
 * as qli_qd_div_round's exact branch does it. */
static inline int fn_div_round_mag(int64_t *out, uint64_t n, uint64_t d,
                                   int e, int neg, qd_round mode)
{
    /* in 64 bits when |n| × 10^e (or |d| × 10^−e) fits and the divisor
     * is below 2^63, so that twice the remainder does too: one division */
    uint64_t n64 = n, d64 = d;
    if (e >= 0 ? e <= 18 && !__builtin_mul_overflow(n, (uint64_t)fn_p10[e], &n64)
               : -e <= 18 && !__builtin_mul_overflow(d, (uint64_t)fn_p10[-e], &d64)) {
        if (d64 <= (uint64_t)INT64_MAX) {
            uint64_t q = n64 / d64, rem = n64 - q * d64;
            unsigned dropped;
            int sticky;
            fn_rem_digits(rem, d64, &dropped, &sticky);
            q += (uint64_t)qli_qd_round_up(mode, neg, (unsigned)(q % 10), dropped,
                                           sticky);
            if (q > (uint64_t)INT64_MAX)
                return FN_NO;
            *out = neg ? -(int64_t)q : (int64_t)q;
            return FN_OK;
        }
    }
    qd_u128 N = n, D = d;
    if (e >= 0) {
        if (e > 38 || N > ~(qd_u128)0 / qli_qd_pow10[e])
            return FN_NO;
        N *= qli_qd_pow10[e];
    } else {
        if (-e > 38 || D > (~(qd_u128)0 >> 2) / qli_qd_pow10[-e])
            return FN_NO;
        D *= qli_qd_pow10[-e];
    }
    qd_u128 q, rem;
    if ((N | D) >> 64 == 0) {
        q = (uint64_t)N / (uint64_t)D;
        rem = (uint64_t)N % (uint64_t)D;
    } else {
        q = N / D;
        rem = N % D;
    }
    unsigned dropped;
    int sticky;
    qli_qd_rem_digits(rem, D, &dropped, &sticky); /* rem < D < 2^126 */
    q += (qd_u128)qli_qd_round_up(mode, neg, (unsigned)(q % 10), dropped, sticky);
    if (q > (qd_u128)INT64_MAX)
        return FN_NO;
    *out = neg ? -(int64_t)q : (int64_t)q;
    return FN_OK;
}

/* round(a / b, digits) as qli_qd_div_round, both plain. */
static inline int fn_div_round(fval *r, const fval *a, const fval *b,
                               int digits, qd_round mode)
{
    if (b->c == 0 || digits < 0 || digits > QD_MAX_SCALE)
        return FN_NO;
    int neg = (a->c < 0) != (b->c < 0) && a->c != 0;
    int e = digits - a->s + b->s;
    uint64_t n = fn_mag(a->c), d = fn_mag(b->c), n64;
    /* half up with the numerator scaled in 64 bits and the divisor below
     * 2^63 inline: fn_div_round_mag's 64-bit way, its one rule for the
     * mode */
    if (mode == QD_HALF_UP && e >= 0 && e <= 18 && d <= (uint64_t)INT64_MAX &&
        !__builtin_mul_overflow(n, (uint64_t)fn_p10[e], &n64)) {
        uint64_t q = n64 / d;
        q += (n64 - q * d) * 2 >= d;
        if (q > (uint64_t)INT64_MAX)
            return FN_NO;
        fn_set(r, neg ? -(int64_t)q : (int64_t)q, digits);
        return FN_OK;
    }
    int64_t q;
    if (fn_div_round_mag(&q, n, d, e, neg, mode))
        return FN_NO;
    fn_set(r, q, digits);
    return FN_OK;
}

/* ------------------------------------------------------------ arithmetic */

static inline int fn_add(fval *r, const fval *a, const fval *b, int negate_b)
{
    int64_t x = a->c, y = b->c, z;
    int s = a->s;
    if (a->s < b->s) {
        if (fn_scale_up(x, b->s - a->s, &x))
            return FN_NO;
        s = b->s;
    } else if (a->s > b->s && fn_scale_up(y, a->s - b->s, &y)) {
        return FN_NO;
    }
    if (negate_b ? __builtin_sub_overflow(x, y, &z)
                 : __builtin_add_overflow(x, y, &z))
        return FN_NO;
    fn_set(r, z, s);
    return FN_OK;
}

static inline int fn_mul(fval *r, const fval *a, const fval *b)
{
    int64_t z;
    int s = a->s + b->s;
    if (s > QD_MAX_SCALE || __builtin_mul_overflow(a->c, b->c, &z))
        return FN_NO;
    fn_set(r, z, s);
    return FN_OK;
}

/* qli_qd_round_to on a plain number, for digits ≥ 0. */
__attribute__((noinline, unused)) static int fn_round_any_mode(fval *r, const fval *a,
                                                               int digits, qd_round mode)
{
    if (digits < 0)
        return FN_NO;
    if (digits > QD_MAX_SCALE)
        digits = QD_MAX_SCALE;
    if (digits >= a->s) {
        int64_t c;
        if (fn_scale_up(a->c, digits - a->s, &c))
            return FN_NO;
        fn_set(r, c, digits);
        return FN_OK;
    }
    int k = a->s - digits;
    if (k > 19)
        return FN_NO;
    int neg = a->c < 0;
    uint64_t m = fn_mag(a->c);
    uint64_t q;
    unsigned dropped;
    int sticky;
    if (k <= 18) {
        /* the remainder against half of 10^k: one division */
        uint64_t p = (uint64_t)fn_p10[k];
        q = m / p;
        fn_rem_digits(m - q * p, p, &dropped, &sticky);
    } else {
        /* |c| < 10^19: every digit is dropped */
        q = 0;
        dropped = (unsigned)(m / 1000000000000000000ULL);
        sticky = m % 1000000000000000000ULL != 0;
    }
    q += (uint64_t)qli_qd_round_up(mode, neg, (unsigned)(q % 10), dropped, sticky);
    if (q > (uint64_t)INT64_MAX)
        return FN_NO;
    fn_set(r, neg ? -(int64_t)q : (int64_t)q, digits);
    return FN_OK;
}

/* fn_round_any_mode, with the common case inline: half up (round()'s
 * default) to between 1 and 18 fewer places, where the remainder against
 * half of 10^k is qli_qd_round_up's whole rule. */
static inline int fn_round(fval *r, const fval *a, int digits, qd_round mode)
{
    int k = a->s - digits;
    if (mode == QD_HALF_UP && k > 0 && k <= 18 && digits >= 0 &&
        digits <= QD_MAX_SCALE) {
        uint64_t m = fn_mag(a->c), p = (uint64_t)fn_p10[k];
        uint64_t q = m / p;
        q += (m - q * p) * 2 >= p; /* the remainder is below p ≤ 10^18 */
        fn_set(r, a->c < 0 ? -(int64_t)q : (int64_t)q, digits); /* q < 2^63 */
        return FN_OK;
    }
    return fn_round_any_mode(r, a, digits, mode);
}

/* round(x, digits) for any number value: a quotient rounded to fewer
 * places than it carries is its ratio's rounding, in one division. */
static inline int fn_round_any(fval *r, const fval *a, int digits,
                               qd_round mode)
{
    if (a->d == 0)
        return fn_round(r, a, digits, mode);
    if (a->c != 0 && digits >= 0) {
        int s = fn_quot_scale(a->c, a->d, a->s);
        if (s > digits) {
            int neg = (a->c < 0) != (a->d < 0);
            int64_t q;
            if (fn_div_round_mag(&q, fn_mag(a->c), fn_mag(a->d),
                                 digits - a->s, neg, mode))
                return FN_NO;
            fn_set(r, q, digits);
            return FN_OK;
        }
    }
    /* to as many places as the quotient carries, or more: exact only if
     * the division ended (qli_qd_round_to refuses a cut quotient) */
    fval p;
    int cut;
    if (fn_divide_cut(&p, a, &cut) || cut)
        return FN_NO;
    return fn_round(r, &p, digits, mode);
}

/* ------------------------------------------------------------ comparison */

static inline int fn_sign(int64_t x) { return (x > 0) - (x < 0); }

/* qli_qd_cmp of two plain numbers. */
static inline int fn_cmp_plain(const fval *a, const fval *b, int *out)
{
    if (a->s == b->s) {
        *out = (a->c > b->c) - (a->c < b->c);
        return FN_OK;
    }
    int sa = fn_sign(a->c), sb = fn_sign(b->c);
    if (sa != sb || sa == 0) {
        *out = sa < sb ? -1 : sa > sb;
        return FN_OK;
    }
    int d = a->s - b->s;
    qd_i128 x = a->c, y = b->c;
    if (d > 19 || d < -19)
        return FN_NO; /* |coef| < 2^63 and 10^19: the product fits */
    if (d > 0)
        y *= (qd_i128)qli_qd_pow10[d];
    else
        x *= (qd_i128)qli_qd_pow10[-d];
    *out = (x > y) - (x < y);
    return FN_OK;
}

/* The quotient a (a->d ≠ 0, a->c ≠ 0) against the plain b with fewer
 * places than the quotient carries: n/d against b, exactly. */
static inline int fn_cmp_quot_s(const fval *a, int s, const fval *b, int *out)
{
    if (s < 0 || b->s >= s)
        return FN_NO;
    /* sign(c·sgn(d)·10^(t−s0) − b·|d|·10^(t−sb)), t = max(s0, sb); with
     * |c|, |b|, |d| ≤ 2^63 and 10^19 < 2^64 neither c·10^kl nor b·|d|
     * can overflow, only b·|d|·10^kr */
    int t = a->s > b->s ? a->s : b->s;
    qd_i128 l = a->d < 0 ? -(qd_i128)a->c : (qd_i128)a->c, rr;
    int kl = t - a->s, kr = t - b->s;
    if (kl > 19 || kr > 19)
        return FN_NO;
    if (kl)
        l *= (qd_i128)qli_qd_pow10[kl];
    rr = (qd_i128)b->c * (qd_i128)fn_mag(a->d);
    if (kr && __builtin_mul_overflow(rr, (qd_i128)qli_qd_pow10[kr], &rr))
        return FN_NO;
    *out = (l > rr) - (l < rr);
    return FN_OK;
}

static inline int fn_cmp_quot(const fval *a, const fval *b, int *out)
{
    return fn_cmp_quot_s(a, fn_quot_scale(a->c, a->d, a->s), b, out);
}

/* qli_qd_cmp_cut of two plain numbers of which one or both are cut:
 * decided when they lie apart by at least their units of doubt, as
 * decimal.c decides it; FN_NO otherwise (the exact engine says why). */
static inline int fn_cmp_cut(const fval *a, int ca, const fval *b, int cb,
                             int *out)
{
    int t = a->s > b->s ? a->s : b->s, ka = t - a->s, kb = t - b->s;
    if (ka > 19 || kb > 19)
        return FN_NO;
    /* |coef| < 2^63, 10^19 < 2^64: each term below 2^127 */
    qd_i128 x = (qd_i128)a->c * (qd_i128)qli_qd_pow10[ka];
    qd_i128 y = (qd_i128)b->c * (qd_i128)qli_qd_pow10[kb];
    qd_i128 w = (qd_i128)(ca ? qli_qd_pow10[ka] : 0) +
                (qd_i128)(cb ? qli_qd_pow10[kb] : 0);
    qd_i128 dd;
    if (__builtin_sub_overflow(x, y, &dd))
        return FN_NO;
    if (dd < w && dd > -w)
        return FN_NO;
    *out = dd > 0 ? 1 : -1;
    return FN_OK;
}

/* qli_qd_cmp_exact of any two number values. */
__attribute__((noinline, unused)) static int fn_cmp_any(const fval *a,
                                                        const fval *b, int *out)
{
    if ((a->d | b->d) == 0)
        return fn_cmp_plain(a, b, out);
    if (a->d && b->d == 0 && a->c != 0 && fn_cmp_quot(a, b, out) == FN_OK)
        return FN_OK;
    if (b->d && a->d == 0 && b->c != 0 && fn_cmp_quot(b, a, out) == FN_OK) {
        *out = -*out;
        return FN_OK;
    }
    fval x, y;
    int cx, cy;
    if (fn_plain_cut(&x, a, &cx) || fn_plain_cut(&y, b, &cy))
        return FN_NO;
    if (cx | cy)
        return fn_cmp_cut(&x, cx, &y, cy, out);
    return fn_cmp_plain(&x, &y, out);
}

/* fn_cmp_any of the quotient a (a->d ≠ 0) and b, with a's places
 * s = fn_quot_scale(a) computed once by the caller, which compares a with
 * several plain numbers (a bracket's bounds).  A zero quotient is 0. */
static inline int fn_cmp_quot_plain(const fval *a, int s, const fval *b, int *out)
{
    if (b->d != 0)
        return fn_cmp_any(a, b, out);
    if (a->c == 0) {
        *out = -fn_sign(b->c);
        return FN_OK;
    }
    if (fn_cmp_quot_s(a, s, b, out) == FN_OK)
        return FN_OK;
    return fn_cmp_any(a, b, out);
}

/* qli_qd_cmp of any two number values: two plain numbers whose scales
 * differ by a power of ten that fits in 64 bits inline, the rest out of
 * line. */
static inline int fn_cmp(const fval *a, const fval *b, int *out)
{
    if ((a->d | b->d) == 0) {
        int64_t x = a->c, y = b->c;
        int k = a->s - b->s;
        if (k > 0 ? k > 18 || __builtin_mul_overflow(y, fn_p10[k], &y)
                  : k < 0 && (k < -18 || __builtin_mul_overflow(x, fn_p10[-k], &x)))
            return fn_cmp_any(a, b, out);
        *out = (x > y) - (x < y);
        return FN_OK;
    }
    return fn_cmp_any(a, b, out);
}

#endif
