/*
 * decimal.c — exact decimal arithmetic on 128-bit coefficients.
 *
 * Each operation has a fast path for the common case (operands that fit in
 * 64 bits, results that fit in 36 digits) and falls back to an exact
 * 256-bit magnitude, which qd_pack() then fits into a qd.  Addition,
 * subtraction and multiplication never round: a result that a qd cannot
 * hold exactly is QD_INEXACT (or QD_OVERFLOW).  Only a quotient is cut,
 * with the sticky 05up mode that keeps every later explicit rounding exact
 * (see decimal.h); a cut value carries its doubt (`cut`) through further
 * arithmetic, and its roundings and comparisons are decided from it.
 * Rounding is decimal_round.c, comparisons decimal_cmp.c, the 256-bit
 * magnitudes and the doubt they share decimal_wide.h; reading and writing
 * numbers as text is decimal_text.c.
 */
#include "decimal.h"
#include "decimal_wide.h"

#include <string.h>

#define P(n) ((qd_u128)(n))
#define E19 10000000000000000000ULL

const qd_u128 qli_qd_pow10[39] = {
    P(1), P(10), P(100), P(1000), P(10000), P(100000), P(1000000),
    P(10000000), P(100000000), P(1000000000), P(10000000000ULL),
    P(100000000000ULL), P(1000000000000ULL), P(10000000000000ULL),
    P(100000000000000ULL), P(1000000000000000ULL), P(10000000000000000ULL),
    P(100000000000000000ULL), P(1000000000000000000ULL), P(E19),
    P(E19) * 10, P(E19) * 100, P(E19) * 1000, P(E19) * 10000,
    P(E19) * 100000, P(E19) * 1000000, P(E19) * 10000000,
    P(E19) * 100000000, P(E19) * 1000000000, P(E19) * 10000000000ULL,
    P(E19) * 100000000000ULL, P(E19) * 1000000000000ULL,
    P(E19) * 10000000000000ULL, P(E19) * 100000000000000ULL,
    P(E19) * 1000000000000000ULL, P(E19) * 10000000000000000ULL,
    P(E19) * 100000000000000000ULL, P(E19) * 1000000000000000000ULL,
    P(E19) * E19};

/* ------------------------------------------------------------ rounding */

/* Drops the last k ≥ 1 digits of mag with the rounding mode. */
void qli_qd_drop_digits(u256 *mag, int k, qd_round mode, int negative)
{
    int sticky = 0;
    int rest = k - 1;
    while (rest > 0) {
        int step = rest > 19 ? 19 : rest;
        if (u256_divmod64(mag, (uint64_t)qli_qd_pow10[step]))
            sticky = 1;
        rest -= step;
    }
    unsigned dropped = (unsigned)u256_divmod64(mag, 10);
    u256 t = *mag;
    unsigned last = (unsigned)u256_divmod64(&t, 10);
    if (qli_qd_round_up(mode, negative, last, dropped, sticky)) {
        u256 one = u256_from(1);
        *mag = u256_add(mag, &one);
    }
}

/* Whether the last k ≥ 1 digits of x are all zero. */
static int low_digits_zero(u256 x, int k)
{
    while (k > 0) {
        int step = k > 19 ? 19 : k;
        if (u256_divmod64(&x, (uint64_t)qli_qd_pow10[step]))
            return 0;
        k -= step;
    }
    return 1;
}

/* Makes r from a sign, an exact magnitude and a scale (which may be up to
 * 2 × QD_MAX_SCALE).  Digits that do not fit are cut with `mode`, or, when
 * `exact` is set, only if they are zeros: QD_INEXACT otherwise. */
int qli_qd_pack(qd *r, int negative, u256 mag, int scale, qd_round mode,
                   int exact)
{
    if (scale < 0) {
        if (u256_mul_pow10(&mag, -scale))
            return QD_OVERFLOW;
        scale = 0;
    }
    int k = scale > QD_MAX_SCALE ? scale - QD_MAX_SCALE : 0;
    if (!u256_fits128(&mag) || u256_low(&mag) >= LIMIT) {
        int excess = u256_digits(mag) - QD_DIGITS;
        if (excess > k)
            k = excess;
    }
    if (k > 0) {
        if (k > scale)
            return QD_OVERFLOW;
        if (exact && !low_digits_zero(mag, k))
            return QD_INEXACT;
        qli_qd_drop_digits(&mag, k, mode, negative);
        scale -= k;
        if (!u256_fits128(&mag) || u256_low(&mag) >= LIMIT) {
            /* rounding carried into a 37th digit: 10^36 exactly */
            if (scale == 0)
                return QD_OVERFLOW;
            u256_divmod64(&mag, 10);
            scale--;
        }
    }
    qd_i128 c = (qd_i128)u256_low(&mag);
    r->coef = negative ? -c : c;
    r->scale = scale;
    r->cut = 0;
    return QD_OK;
}

/* v × 10^(−scale) as it is, or QD_INEXACT/QD_OVERFLOW; with `exact`
 * 0, cut toward zero to fit instead of QD_INEXACT. */
static int pack128(qd *r, qd_i128 v, int scale, int exact)
{
    if (scale <= QD_MAX_SCALE && mag128(v) < LIMIT) {
        r->coef = v;
        r->scale = scale;
        r->cut = 0;
        return QD_OK;
    }
    return qli_qd_pack(r, v < 0, u256_from(mag128(v)), scale, QD_DOWN, exact);
}

/* ----------------------------------------------------------- arithmetic */

static int add_signed(qd *r, const qd *a, const qd *b, int negate_b, int exact)
{
    qd_i128 bc = negate_b ? -b->coef : b->coef;
    if (a->scale == b->scale)
        return pack128(r, a->coef + bc, a->scale, exact);
    const qd *lo = a->scale < b->scale ? a : b; /* the one to scale up */
    int d = (a->scale > b->scale ? a->scale : b->scale) - lo->scale;
    qd_i128 loc = lo == a ? a->coef : bc, hic = lo == a ? bc : a->coef;
    if (mag128(loc) < qli_qd_pow10[QD_DIGITS - d])
        return pack128(r, loc * (qd_i128)qli_qd_pow10[d] + hic, lo->scale + d,
                       exact);
    /* Exact alignment needs more than 128 bits: add the magnitudes. */
    u256 ml = u256_from(mag128(loc)), mh = u256_from(mag128(hic));
    u256_mul_pow10(&ml, d); /* < 10^72, fits */
    int nl = loc < 0, nh = hic < 0, neg;
    u256 sum;
    if (nl == nh) {
        sum = u256_add(&ml, &mh);
        neg = nl;
    } else if (u256_cmp(&ml, &mh) >= 0) {
        sum = u256_sub(&ml, &mh);
        neg = nl;
    } else {
        sum = u256_sub(&mh, &ml);
        neg = nh;
    }
    return qli_qd_pack(r, neg && !u256_is_zero(&sum), sum, lo->scale + d, QD_DOWN,
                   exact);
}

/* A cut operand's result: x, the result of the operands' digits, exact
 * where a qd holds it, else cut toward zero to fit (its doubt then grows
 * by one unit of its last place); the doubt w, rounded up, goes with it.
 * `st` is the exact attempt's status, `redo` the same step cutting. */
typedef int (*step_fn)(qd *, const qd *, const qd *, int, int);

static int with_doubt(qd *r, int st, qd *x, dbt w, step_fn redo, const qd *a,
                      const qd *b, int negate_b)
{
    if (st == QD_INEXACT) {
        st = redo(x, a, b, negate_b, 0);
        if (st)
            return st;
        w = dbt_add(w, dbt_norm(1, -x->scale, 1));
    } else if (st) {
        return st;
    }
    *r = *x;
    r->cut = dbt_pack(w);
    return QD_OK;
}

/* a ± b when either is cut: the doubts add. */
__attribute__((noinline)) static int add_cut(qd *r, const qd *a, const qd *b,
                                             int negate_b)
{
    qd x = *a, y = *b, t;
    x.cut = y.cut = 0;
    dbt w = dbt_add(dbt_of(a), dbt_of(b));
    return with_doubt(r, add_signed(&t, &x, &y, negate_b, 1), &t, w,
                      add_signed, &x, &y, negate_b);
}

int qli_qd_add(qd *r, const qd *a, const qd *b)
{
    if (a->cut | b->cut)
        return add_cut(r, a, b, 0);
    return add_signed(r, a, b, 0, 1);
}

int qli_qd_sub(qd *r, const qd *a, const qd *b)
{
    if (a->cut | b->cut)
        return add_cut(r, a, b, 1);
    return add_signed(r, a, b, 1, 1);
}

int qli_qd_neg(qd *r, const qd *a)
{
    r->coef = -a->coef;
    r->scale = a->scale;
    r->cut = a->cut;
    return QD_OK;
}

int qli_qd_abs(qd *r, const qd *a)
{
    r->coef = a->coef < 0 ? -a->coef : a->coef;
    r->scale = a->scale;
    r->cut = a->cut;
    return QD_OK;
}

static int mul_digits(qd *r, const qd *a, const qd *b, int unused, int exact)
{
    (void)unused;
    const qd_i128 small = (qd_i128)1 << 62;
    if (a->coef < small && a->coef > -small && b->coef < small &&
        b->coef > -small)
        return pack128(r, a->coef * b->coef, a->scale + b->scale, exact);
    int neg = (a->coef < 0) != (b->coef < 0);
    u256 p = u256_mul128(mag128(a->coef), mag128(b->coef));
    return qli_qd_pack(r, neg && !u256_is_zero(&p), p, a->scale + b->scale,
                   QD_DOWN, exact);
}

/* a × b when either is cut: |va·vb − xa·xb| < |xa|·wb + |xb|·wa + wa·wb. */
__attribute__((noinline)) static int mul_cut(qd *r, const qd *a, const qd *b)
{
    qd x = *a, y = *b, t;
    x.cut = y.cut = 0;
    dbt wa = dbt_of(a), wb = dbt_of(b);
    dbt w = dbt_add(dbt_add(dbt_mul(dbt_mag(&x, 1), wb, 1),
                            dbt_mul(dbt_mag(&y, 1), wa, 1)),
                    dbt_mul(wa, wb, 1));
    return with_doubt(r, mul_digits(&t, &x, &y, 0, 1), &t, w, mul_digits, &x,
                      &y, 0);
}

int qli_qd_mul(qd *r, const qd *a, const qd *b)
{
    if (a->cut | b->cut)
        return mul_cut(r, a, b);
    return mul_digits(r, a, b, 0, 1);
}

static int div_digits(qd *r, const qd *a, const qd *b);

/* a ÷ b when either is cut.  With |va − xa| < wa, |vb − xb| < wb and
 * |xb| > wb: |va/vb − xa/xb| < (wa·|xb| + |xa|·wb) / ((|xb| − wb)·|xb|);
 * the quotient of the digits adds its own unit when it does not end. */
__attribute__((noinline)) static int div_cut(qd *r, const qd *a, const qd *b)
{
    qd x = *a, y = *b, q;
    x.cut = y.cut = 0;
    dbt wa = dbt_of(a), wb = dbt_of(b);
    if (!wb.m && y.coef == 0)
        return QD_DIVZERO;
    u256 my = u256_from(mag128(y.coef)), W;
    if (dbt_at(&W, wb, y.scale) || u256_cmp(&my, &W) <= 0)
        return QD_CUT; /* the divisor's doubt reaches zero */
    u256 least = u256_sub(&my, &W); /* (|xb| − wb) at xb's scale, < 10^36 */
    dbt lo = dbt_norm(u256_low(&least), -y.scale, 0);
    dbt den = dbt_mul(lo, dbt_mag(&y, 0), 0);
    if (!den.m)
        return QD_CUT;
    dbt num = dbt_add(dbt_mul(wa, dbt_mag(&y, 1), 1),
                      dbt_mul(dbt_mag(&x, 1), wb, 1));
    int st = div_digits(&q, &x, &y);
    if (st)
        return st;
    *r = q;
    r->cut = dbt_pack(dbt_add(dbt_div_up(num, den), dbt_of(&q)));
    return QD_OK;
}

int qli_qd_div(qd *r, const qd *a, const qd *b)
{
    if (a->cut | b->cut)
        return div_cut(r, a, b);
    return div_digits(r, a, b);
}

static int div_digits(qd *r, const qd *a, const qd *b)
{
    if (b->coef == 0)
        return QD_DIVZERO;
    if (a->coef == 0) {
        r->coef = 0;
        r->scale = a->scale > b->scale ? a->scale - b->scale : 0;
        r->cut = 0;
        return QD_OK;
    }
    qd_u128 ma = mag128(a->coef), mb = mag128(b->coef);
    int s0 = a->scale - b->scale; /* the scale of an exact quotient */
    int da = u128_digits(ma), db = u128_digits(mb);
    /* Carry QD_DIV_SCALE digits, but never more than 36 in all. */
    int s = s0 > QD_DIV_SCALE ? s0 : QD_DIV_SCALE;
    int cap = QD_DIGITS - 1 - da + db + s0;
    if (s > cap)
        s = cap;
    if (s > QD_MAX_SCALE)
        s = QD_MAX_SCALE;
    if (s < 0) {
        /* The integer part alone may need more than 36 digits. */
        if (da - s0 - db - 1 >= QD_DIGITS)
            return QD_OVERFLOW;
        s = 0;
    }
    int e = s - s0; /* ≥ 0; the dividend stays below 10^72 */
    qd_u128 q, rem;
    u256 n = u256_from(ma);
    if (u256_mul_pow10(&n, e))
        return QD_OVERFLOW;
    if (u256_fits128(&n)) {
        qd_u128 nn = u256_low(&n);
        q = nn / mb;
        rem = nn % mb;
    } else {
        q = u256_div128(&n, mb, &rem);
    }
    int neg = (a->coef < 0) != (b->coef < 0);
    if (rem == 0) {
        int floor_scale = s0 > 0 ? s0 : 0;
        while (s > floor_scale && q % 10 == 0) { /* exact: drop padding */
            q /= 10;
            s--;
        }
    } else {
        unsigned last = (unsigned)(q % 10);
        if (last == 0 || last == 5)
            q++;
    }
    if (q >= LIMIT)
        return QD_OVERFLOW;
    r->coef = neg ? -(qd_i128)q : (qd_i128)q;
    r->scale = s;
    r->cut = rem != 0 ? QD_ULP(s) : 0;
    return QD_OK;
}

int qli_qd_percent(qd *r, const qd *a)
{
    /* a shift of the point by two places; the zeros it adds at the end
     * are dropped as a division would (1.50% is 0.015, 2% is 0.02) */
    qd_i128 c = a->coef;
    int s = a->scale + 2;
    while (s > a->scale && c % 10 == 0) {
        c /= 10;
        s--;
    }
    if (s > QD_MAX_SCALE)
        return QD_TOOLONG; /* more than QD_PERCENT_SCALE places before the % */
    r->coef = c;
    r->scale = s;
    r->cut = 0;
    return QD_OK;
}

int qli_qd_div_round(qd *r, const qd *a, const qd *b, int digits, qd_round mode)
{
    if (a->cut | b->cut) { /* the operands' doubt decides, or not */
        qd quot;
        int st = qli_qd_div(&quot, a, b);
        return st ? st : qli_qd_round_to(r, &quot, digits, mode);
    }
    if (b->coef == 0)
        return QD_DIVZERO;
    int e = digits - a->scale + b->scale; /* N / D = |a / b| · 10^digits */
    qd_u128 ma = mag128(a->coef), mb = mag128(b->coef);
    u256 n = u256_from(ma), d = u256_from(mb);
    int exact = digits >= 0 && digits <= QD_MAX_SCALE &&
                !(e >= 0 && u256_mul_pow10(&n, e)) &&
                !(e < 0 && u256_mul_pow10(&d, -e)) && u256_fits128(&d);
    qd_u128 q = 0, rem = 0, dd = u256_low(&d);
    if (exact && u256_fits128(&n)) {
        qd_u128 nn = u256_low(&n);
        q = nn / dd;
        rem = nn % dd;
    } else if (exact && (((qd_u128)n.w[3] << 64) | n.w[2]) < dd) {
        q = u256_div128(&n, dd, &rem); /* the quotient fits 128 bits */
    } else {
        exact = 0;
    }
    if (!exact || q >= LIMIT) {
        /* Not representable at `digits` places: what round(a / b, digits)
         * gives through a sticky quotient. */
        qd quot;
        int st = qli_qd_div(&quot, a, b);
        return st ? st : qli_qd_round_to(r, &quot, digits, mode);
    }
    int neg = (a->coef < 0) != (b->coef < 0) && ma != 0;
    /* the remainder against half the divisor decides, exactly */
    unsigned dropped;
    int sticky;
    qli_qd_rem_digits(rem, dd, &dropped, &sticky); /* rem < dd < 2^127 */
    q += (qd_u128)qli_qd_round_up(mode, neg, (unsigned)(q % 10), dropped, sticky);
    if (q >= LIMIT) { /* 99…9 rounded up into a 37th digit */
        qd quot;
        int st = qli_qd_div(&quot, a, b);
        return st ? st : qli_qd_round_to(r, &quot, digits, mode);
    }
    r->coef = neg ? -(qd_i128)q : (qd_i128)q;
    r->scale = digits;
    r->cut = 0;
    return QD_OK;
}

int qli_qd_sticky(const qd *a)
{
    dbt w = dbt_of(a);
    int k = -a->scale - w.e; /* w ≤ 10^−scale ⇔ m ≤ 10^k */
    if (!w.m || k < 0 || (k < 7 && w.m > qli_qd_pow10[k]))
        return 0;
    unsigned last = (unsigned)(mag128(a->coef) % 10);
    return last != 0 && last != 5;
}
