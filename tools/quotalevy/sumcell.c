/*
 * sumcell.c — see sumcell.h.
 */
#include "sumcell.h"

#include "pow10.h"

#include <stdlib.h>
#include <string.h>

/* x × 10^k into *out; 1 when it does not fit 64 bits. */
static int scale_up(int64_t x, int k, int64_t *out)
{
    if (x == 0 || k == 0) {
        *out = x;
        return 0;
    }
    return k > QLI_POW10_MAX || __builtin_mul_overflow(x, qli_pow10[k], out);
}

/* Whether d's 128-bit coefficient is one 64-bit word's value. */
static int fits64(const ql_decimal *d)
{
    return d->coef_hi == ((int64_t)d->coef_lo < 0 ? -1 : 0);
}

static ql_decimal as_decimal(int64_t coef, int32_t scale)
{
    ql_decimal d = {coef < 0 ? -1 : 0, (uint64_t)coef, scale};
    return d;
}

/* Makes c wide: its sum so far into a new wide sum of the pool. */
static widesum *widen(sumcell *c, sumpool *pool)
{
    if (c->wide)
        return &pool->w[c->wide - 1];
    if (pool->n == UINT32_MAX - 1)
        return NULL; /* the index must fit the cell */
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? 2 * pool->cap : 16;
        widesum *w = realloc(pool->w, cap * sizeof *w);
        if (!w)
            return NULL;
        pool->w = w;
        pool->cap = cap;
    }
    widesum *w = &pool->w[pool->n];
    *w = (widesum){0};
    ql_decimal d = as_decimal(c->coef, c->scale); /* in range: 64 bits */
    (void)widesum_add(w, &d);
    c->wide = (uint32_t)++pool->n;
    c->coef = 0;
    return w;
}

int sumcell_add(sumcell *c, sumpool *pool, const ql_decimal *d)
{
    if (d->scale < 0 || d->scale > QL_DECIMAL_MAX_SCALE)
        return -1;
    if (!c->wide && fits64(d)) {
        int s = d->scale > c->scale ? d->scale : c->scale;
        int64_t a, b, sum;
        if (!scale_up(c->coef, s - c->scale, &a) &&
            !scale_up((int64_t)d->coef_lo, s - d->scale, &b) &&
            !__builtin_add_overflow(a, b, &sum)) {
            c->coef = sum;
            c->scale = s;
            return 0;
        }
    }
    widesum *w = widen(c, pool);
    if (!w || widesum_add(w, d))
        return -1;
    c->scale = w->scale;
    return 0;
}

int sumcell_merge(sumcell *c, sumpool *pool, const sumcell *b,
                  const sumpool *bpool)
{
    if (!b->wide) {
        ql_decimal d = as_decimal(b->coef, b->scale);
        return sumcell_add(c, pool, &d);
    }
    widesum *w = widen(c, pool);
    if (!w)
        return -1;
    widesum_merge(w, &bpool->w[b->wide - 1]);
    c->scale = w->scale;
    return 0;
}

void sumcell_get(const sumcell *c, const sumpool *pool, widesum *out)
{
    if (c->wide) {
        *out = pool->w[c->wide - 1];
        return;
    }
    *out = (widesum){0};
    ql_decimal d = as_decimal(c->coef, c->scale);
    (void)widesum_add(out, &d);
}

void sumcell_format(const sumcell *c, const sumpool *pool, int min_scale,
                    char *buf, size_t size)
{
    if (c->wide) {
        widesum w = pool->w[c->wide - 1];
        if (min_scale > w.scale)
            w.scale = min_scale;
        widesum_format(&w, buf, size);
        return;
    }
    /* |coef| in d, least significant digit first */
    uint64_t u = c->coef < 0 ? 0 - (uint64_t)c->coef : (uint64_t)c->coef;
    char d[20], t[2 + 20 + QL_DECIMAL_MAX_SCALE + 1];
    int n = 0, cs = c->scale, s = min_scale > cs ? min_scale : cs;
    do
        d[n++] = (char)('0' + u % 10);
    while (u /= 10);
    size_t o = 0;
    if (c->coef < 0)
        t[o++] = '-';
    if (n > cs)
        for (int k = n - 1; k >= cs; k--)
            t[o++] = d[k];
    else
        t[o++] = '0';
    if (s) {
        t[o++] = '.';
        for (int k = cs - 1; k >= 0; k--)
            t[o++] = k < n ? d[k] : '0';
        for (int k = cs; k < s; k++)
            t[o++] = '0';
    }
    if (size) {
        if (o >= size)
            o = size - 1;
        memcpy(buf, t, o);
        buf[o] = '\0';
    }
}

void sumpool_free(sumpool *pool)
{
    free(pool->w);
    *pool = (sumpool){0};
}
