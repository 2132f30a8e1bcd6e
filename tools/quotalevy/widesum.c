/*
 * widesum.c — see widesum.h.
 */
#include "widesum.h"

#include <stdio.h>
#include <string.h>

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

/* Adds the digits of text (no sign, at most 36 before the point and 36
 * after) to the limbs a. */
static void add_text(uint32_t *a, const char *t)
{
    const char *dot = strchr(t, '.');
    size_t ni = dot ? (size_t)(dot - t) : strlen(t);
    const char *frac = dot ? dot + 1 : "";
    uint32_t add[WIDESUM_LIMBS] = {0};
    /* fraction: 36 digits, padded on the right, limb 3 = first nine */
    char f[37];
    memset(f, '0', 36);
    f[36] = '\0';
    memcpy(f, frac, strlen(frac) < 36 ? strlen(frac) : 36);
    for (int k = 0; k < WIDESUM_FRAC; k++) {
        uint32_t v = 0;
        for (int j = 0; j < 9; j++)
            v = v * 10 + (uint32_t)(f[(WIDESUM_FRAC - 1 - k) * 9 + j] - '0');
        add[k] = v;
    }
    /* integer digits from the right, nine a limb */
    for (size_t k = 0, end = ni; end > 0; k++) {
        size_t start = end > 9 ? end - 9 : 0;
        uint32_t v = 0;
        for (size_t j = start; j < end; j++)
            v = v * 10 + (uint32_t)(t[j] - '0');
        add[WIDESUM_FRAC + k] = v;
        end = start;
    }
    add_limbs(a, add);
}

void widesum_add(widesum *w, const ql_decimal *d)
{
    char t[QL_DECIMAL_TEXT_MAX];
    ql_decimal_format(t, sizeof t, d);
    if (d->scale > w->scale)
        w->scale = d->scale;
    if (t[0] == '-')
        add_text(w->neg, t + 1);
    else
        add_text(w->pos, t[0] == '+' ? t + 1 : t);
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
    char digits[WIDESUM_LIMBS * 9 + 1];
    for (int k = WIDESUM_LIMBS - 1, at = 0; k >= 0; k--, at += 9)
        snprintf(digits + at, 10, "%09u", r[k]);
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
