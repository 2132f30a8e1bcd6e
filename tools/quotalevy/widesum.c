/*
 * widesum.c — see widesum.h.
 */
#include "widesum.h"

#include <stdio.h>

#define BASE 1000000000u

static void add_limbs(uint32_t *a, const uint32_t *b)
{
    uint32_t carry = 0;
    for (int k = 0; k < WIDESUM_LIMBS; k++) {
        uint64_t s = (uint64_t)a[k] + b[k] + carry;
        a[k] = (uint32_t)(s % BASE);
        carry = (uint32_t)(s / BASE);
    }
}

static const uint32_t pow10_9[9] = {1,      10,      100,      1000,     10000,
                                    100000, 1000000, 10000000, 100000000};

/* The magnitude of d's coefficient in base 10^9, least significant limb
 * first, into m (2^127 has 39 digits: 5 limbs); returns the limbs used.
 * Beyond 64 bits the 128 are taken as four 32-bit words and divided by
 * 10^9 in turn, with no 128-bit type (it stays inside lib/). */
static int coef_limbs(const ql_decimal *d, uint32_t m[6])
{
    uint64_t hi = (uint64_t)d->coef_hi, lo = d->coef_lo;
    if (d->coef_hi < 0) { /* two's complement negation of hi:lo */
        lo = ~lo + 1;
        hi = ~hi + (lo == 0);
    }
    int n = 0;
    if (hi == 0) { /* most values: one 64-bit word */
        for (; lo; lo /= BASE)
            m[n++] = (uint32_t)(lo % BASE);
        return n;
    }
    uint32_t w[4] = {(uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)(lo >> 32),
                     (uint32_t)lo};
    while (w[0] | w[1] | w[2] | w[3]) {
        uint64_t rem = 0;
        for (int k = 0; k < 4; k++) {
            uint64_t cur = rem << 32 | w[k];
            w[k] = (uint32_t)(cur / BASE);
            rem = cur % BASE;
        }
        m[n++] = (uint32_t)rem;
    }
    return n;
}

int widesum_add(widesum *w, const ql_decimal *d)
{
    uint32_t m[6] = {0};
    int n = coef_limbs(d, m);
    /* |coef| < 10^36 is 4 limbs at most; scale 0…36 (quotalevy.h) */
    if (n > 4 || d->scale < 0 || d->scale > WIDESUM_FRAC * 9)
        return -1;
    if (d->scale > w->scale)
        w->scale = d->scale;
    /* coef × 10^−scale in units of 10^−36 is coef × 10^(36 − scale):
     * the limbs times 10^(shift mod 9), placed `at` limbs up */
    int shift = WIDESUM_FRAC * 9 - d->scale, at = shift / 9;
    uint32_t p = pow10_9[shift % 9], carry = 0;
    for (int k = 0; k <= n; k++) {
        uint64_t v = (uint64_t)m[k] * p + carry;
        m[k] = (uint32_t)(v % BASE);
        carry = (uint32_t)(v / BASE);
    }
    uint32_t *to = d->coef_hi < 0 ? w->neg : w->pos;
    carry = 0;
    for (int k = at; k < WIDESUM_LIMBS && (k - at <= n || carry); k++) {
        uint64_t s = (uint64_t)to[k] + carry + (k - at <= n ? m[k - at] : 0);
        to[k] = (uint32_t)(s % BASE);
        carry = (uint32_t)(s / BASE);
    }
    return 0;
}

void widesum_merge(widesum *w, const widesum *b)
{
    add_limbs(w->pos, b->pos);
    add_limbs(w->neg, b->neg);
    if (b->scale > w->scale)
        w->scale = b->scale;
}

void widesum_sub(widesum *w, const widesum *b)
{
    add_limbs(w->pos, b->neg);
    add_limbs(w->neg, b->pos);
    if (b->scale > w->scale)
        w->scale = b->scale;
}

static int compare(const uint32_t *a, const uint32_t *b)
{
    for (int k = WIDESUM_LIMBS - 1; k >= 0; k--)
        if (a[k] != b[k])
            return a[k] < b[k] ? -1 : 1;
    return 0;
}

void widesum_format(const widesum *w, char *buf, size_t size)
{
    int neg = compare(w->pos, w->neg) < 0;
    const uint32_t *big = neg ? w->neg : w->pos, *small = neg ? w->pos : w->neg;
    uint32_t r[WIDESUM_LIMBS];
    int64_t borrow = 0;
    for (int k = 0; k < WIDESUM_LIMBS; k++) {
        int64_t v = (int64_t)big[k] - small[k] - borrow;
        borrow = v < 0;
        r[k] = (uint32_t)(v < 0 ? v + BASE : v);
    }
    /* by hand, not 12 snprintf calls: a summary by unit formats
     * millions of totals, and this was most of its time */
    char digits[WIDESUM_LIMBS * 9 + 1];
    for (int k = WIDESUM_LIMBS - 1, at = 0; k >= 0; k--, at += 9) {
        uint32_t v = r[k];
        for (int j = 8; j >= 0; j--, v /= 10)
            digits[at + j] = (char)('0' + v % 10);
    }
    digits[WIDESUM_LIMBS * 9] = '\0';
    size_t nint = (WIDESUM_LIMBS - WIDESUM_FRAC) * 9;
    const char *ip = digits;
    while (ip < digits + nint - 1 && *ip == '0')
        ip++;
    int zero = 1;
    for (const char *p = digits; *p; p++)
        zero &= *p == '0';
    snprintf(buf, size, "%s%.*s%s%.*s", neg && !zero ? "-" : "",
             (int)(digits + nint - ip), ip, w->scale ? "." : "", w->scale,
             digits + nint);
}
