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
 * Reading and writing numbers as text is decimal_text.c.
 */
#include "decimal.h"

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

#define LIMIT (qli_qd_pow10[QD_DIGITS]) /* coefficients stay below 10^36 */

/* ------------------------------------------------------------ 256 bits */

/* An unsigned 256-bit magnitude, least significant limb first. */
typedef struct u256 {
    uint64_t w[4];
} u256;

static u256 u256_from(qd_u128 x)
{
    u256 r = {{(uint64_t)x, (uint64_t)(x >> 64), 0, 0}};
    return r;
}

static int u256_fits128(const u256 *x) { return (x->w[2] | x->w[3]) == 0; }

static qd_u128 u256_low(const u256 *x)
{
    return ((qd_u128)x->w[1] << 64) | x->w[0];
}

static int u256_is_zero(const u256 *x)
{
    return (x->w[0] | x->w[1] | x->w[2] | x->w[3]) == 0;
}

static int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static u256 u256_add(const u256 *a, const u256 *b)
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
static u256 u256_sub(const u256 *a, const u256 *b)
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
static int u256_mul64(u256 *x, uint64_t m)
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
static int u256_mul_pow10(u256 *x, int k)
{
    while (k > 0) {
        int step = k > 19 ? 19 : k;
        if (u256_mul64(x, (uint64_t)qli_qd_pow10[step]))
            return 1;
        k -= step;
    }
    return 0;
}

static u256 u256_mul128(qd_u128 a, qd_u128 b)
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
static uint64_t u256_divmod64(u256 *x, uint64_t d)
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
static int u128_digits(qd_u128 x)
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

static int u256_digits(u256 x)
{
    int d = 0;
    while (!u256_fits128(&x)) {
        u256_divmod64(&x, E19);
        d += 19;
    }
    return d + u128_digits(u256_low(&x));
}

/* n ÷ d (d ≠ 0) by shift and subtract, for the rare quotient that needs
 * more than 128 bits of dividend.  The quotient must fit in 128 bits. */
static qd_u128 u256_div128(const u256 *n, qd_u128 d, qd_u128 *rem_out)
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

/* ------------------------------------------------------------ rounding */

/* Drops the last k ≥ 1 digits of mag with the rounding mode. */
static void drop_digits(u256 *mag, int k, qd_round mode, int negative)
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
static int qd_pack(qd *r, int negative, u256 mag, int scale, qd_round mode,
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
        drop_digits(&mag, k, mode, negative);
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

static qd_u128 mag128(qd_i128 x) { return x < 0 ? -(qd_u128)x : (qd_u128)x; }

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
    return qd_pack(r, v < 0, u256_from(mag128(v)), scale, QD_DOWN, exact);
}

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

static dbt dbt_norm(qd_u128 m, int e, int up)
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
            return d; /* below every unit: no lower bound but 0 */
        m = m / 10 + (m % 10 != 0); /* stays ≥ 1 */
        e++;
    }
    d.m = m;
    d.e = e;
    return d;
}

static dbt dbt_of(const qd *a)
{
    dbt d = {0, 0};
    uint32_t c = (uint32_t)a->cut;
    if (c) {
        d.m = c >> 8;
        d.e = (int)(c & 255) - QD_DOUBT_BIAS;
    }
    return d;
}

static int32_t dbt_pack(dbt d)
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
static dbt dbt_add(dbt a, dbt b)
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

static dbt dbt_mul(dbt a, dbt b, int up)
{
    return dbt_norm(a.m * b.m, a.e + b.e, up);
}

/* |x| as a bound, rounded up or down. */
static dbt dbt_mag(const qd *x, int up)
{
    qd_u128 m = x->coef < 0 ? -(qd_u128)x->coef : (qd_u128)x->coef;
    return dbt_norm(m, -x->scale, up);
}

/* n ÷ d rounded up, d.m ≠ 0. */
static dbt dbt_div_up(dbt n, dbt d)
{
    if (!n.m)
        return n;
    qd_u128 N = n.m * qli_qd_pow10[16]; /* < 2^23 · 10^16 < 2^78 */
    return dbt_norm(N / d.m + (N % d.m != 0), n.e - 16 - d.e, 1);
}

/* *out = an integer ≥ w × 10^S (w's units at scale S, rounded up); 1 if
 * that takes more than 10^67. */
static int dbt_at(u256 *out, dbt w, int S)
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
    return qd_pack(r, neg && !u256_is_zero(&sum), sum, lo->scale + d, QD_DOWN,
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
    return qd_pack(r, neg && !u256_is_zero(&p), p, a->scale + b->scale,
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

int qli_qd_round_named(const char *name, size_t len)
{
    static const struct {
        const char *name;
        qd_round mode;
    } modes[] = {{"half_up", QD_HALF_UP},     {"half_even", QD_HALF_EVEN},
                 {"half_down", QD_HALF_DOWN}, {"up", QD_UP},
                 {"down", QD_DOWN},           {"ceiling", QD_CEILING},
                 {"floor", QD_FLOOR}};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        if (strlen(modes[i].name) == len && !memcmp(modes[i].name, name, len))
            return (int)modes[i].mode;
    return -1;
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

/* A signed magnitude plus (bneg = 0) or minus (1) b. */
static void add_signed256(int *neg, u256 *m, int bneg, const u256 *b);

/* qli_qd_round_to of a cut value by its doubt: with x its digits and w
 * its doubt, the exact value lies in the open interval (x − w, x + w).
 * Rounding is monotone, so it rounds alike everywhere there exactly when
 * it rounds alike just inside both ends: at T, one place past x, w and
 * every boundary of the rounding, the ends are lo + 1 and hi − 1 units. */
static int round_doubt(qd *r, const qd *a, int digits, qd_round mode)
{
    int T = a->scale > digits + 1 ? a->scale : digits + 1;
    if (T < 0)
        T = 0;
    u256 x = u256_from(mag128(a->coef)), W;
    u256_mul_pow10(&x, T - a->scale); /* < 10^36 · 10^37 */
    if (dbt_at(&W, dbt_of(a), T))
        return QD_CUT;
    int neg[2];
    u256 end[2];
    u256 one = u256_from(1);
    for (int i = 0; i < 2; i++) {
        neg[i] = a->coef < 0;
        end[i] = x;
        add_signed256(&neg[i], &end[i], i == 0, &W); /* x − w, x + w */
        u256_mul64(&end[i], 10);                     /* < 10^75 */
        add_signed256(&neg[i], &end[i], i == 1, &one);
        drop_digits(&end[i], T + 1 - digits, mode, neg[i]);
        if (u256_is_zero(&end[i]))
            neg[i] = 0;
    }
    if (neg[0] != neg[1] || u256_cmp(&end[0], &end[1]) != 0)
        return QD_CUT; /* a boundary lies within its doubt */
    int scale = digits;
    if (digits < 0) {
        if (u256_mul_pow10(&end[0], -digits))
            return QD_OVERFLOW;
        scale = 0;
    }
    return qd_pack(r, neg[0], end[0], scale, QD_DOWN, 1);
}

int qli_qd_shows(const qd *a, int places, int mode)
{
    if (qli_qd_holds(a, places))
        return 1;
    qd t;
    return mode >= 0 && round_doubt(&t, a, places, (qd_round)mode) == QD_OK;
}

int qli_qd_round_to(qd *r, const qd *a, int digits, qd_round mode)
{
    if (digits > QD_MAX_SCALE)
        digits = QD_MAX_SCALE;
    if (digits < -QD_DIGITS)
        digits = -QD_DIGITS;
    if (a->cut && !(digits < a->scale && qli_qd_sticky(a)))
        return round_doubt(r, a, digits, mode);
    if (digits >= a->scale) {
        /* Pad to the asked scale where it fits: round(5, 2) is 5.00. */
        int d = digits - a->scale;
        qd_u128 m = mag128(a->coef);
        if (m < qli_qd_pow10[QD_DIGITS - d]) {
            r->coef = a->coef * (qd_i128)qli_qd_pow10[d];
            r->scale = digits;
            r->cut = 0;
        } else {
            *r = *a;
        }
        return QD_OK;
    }
    int k = a->scale - digits; /* digits to drop: 1 ≤ k ≤ 72 */
    int neg = a->coef < 0;
    qd_u128 mm = mag128(a->coef);
    if (digits >= 0 && k <= 19 && mm < ((qd_u128)1 << 64)) {
        /* Fast path: the whole magnitude in 64 bits, one division. */
        uint64_t m64 = (uint64_t)mm, p = (uint64_t)qli_qd_pow10[k];
        uint64_t q = m64 / p, rem = m64 % p, tenth = p / 10;
        unsigned dropped = (unsigned)(tenth ? rem / tenth : rem);
        int sticky = tenth ? rem % tenth != 0 : 0;
        q += (uint64_t)qli_qd_round_up(mode, neg, (unsigned)(q % 10), dropped, sticky);
        r->coef = neg ? -(qd_i128)q : (qd_i128)q;
        r->scale = digits;
        r->cut = 0;
        return QD_OK; /* q ≤ m64 + 1 < 2^64 + 1 < 10^36: always fits */
    }
    u256 m = u256_from(mm);
    drop_digits(&m, k, mode, neg);
    int scale = digits;
    if (digits < 0) {
        if (u256_mul_pow10(&m, -digits))
            return QD_OVERFLOW;
        scale = 0;
    }
    return qd_pack(r, neg && !u256_is_zero(&m), m, scale, QD_05UP, 0);
}

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

/* A signed 256-bit value as a sign and a magnitude. */
static void add_signed256(int *neg, u256 *m, int bneg, const u256 *b)
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
