/*
 * nearidx.c — candidates for a near miss without comparing every pair
 * (see nearidx.h).
 */
#include "nearidx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookalike.h"
#include "nearmiss.h" /* near_item_base */

/* Names up to this many folded characters are indexed by their forms
 * with characters left out (at most 1 + 8 + 28 = 37 a name); longer ones
 * by their three parts, each of at least 3 characters. */
#define SHORT_MAX 8

typedef struct entry {
    uint64_t hash;
    size_t who;
} entry;

struct near_idx {
    entry *e;
    size_t n, cap;
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    for (int k = 0; k < 4; k++) { /* FNV-1a over v's four low bytes */
        h ^= (v >> (8 * k)) & 0xff;
        h *= 1099511628211u;
    }
    return h;
}

/* A form with characters left out: tag 'D', its code points. */
static uint64_t hash_form(const int32_t *s, size_t n, size_t skip1,
                          size_t skip2)
{
    uint64_t h = mix(14695981039346656037u, 'D');
    for (size_t i = 0; i < n; i++)
        if (i != skip1 && i != skip2)
            h = mix(h, (uint32_t)s[i]);
    return h;
}

/* Part k of a name of len characters, here the code points s[0…n). */
static uint64_t hash_part(size_t len, int k, const int32_t *s, size_t n)
{
    uint64_t h =
        mix(mix(mix(14695981039346656037u, 'S'), (uint64_t)len), (uint64_t)k);
    for (size_t i = 0; i < n; i++)
        h = mix(h, (uint32_t)s[i]);
    return h;
}

static size_t part_start(size_t len, int k)
{
    return len * (size_t)k / 3;
}

typedef struct sink {
    near_idx *x;          /* adding to x, or */
    const near_idx *look; /* looking up in it */
    size_t who;
    void (*visit)(void *, size_t);
    void *ctx;
    int oom;
} sink;

static void put(sink *s, uint64_t h)
{
    if (s->look) {
        const entry *e = s->look->e;
        size_t lo = 0, hi = s->look->n;
        while (lo < hi) { /* the first entry of hash h */
            size_t mid = lo + (hi - lo) / 2;
            if (e[mid].hash < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < s->look->n && e[lo].hash == h; lo++)
            s->visit(s->ctx, e[lo].who);
        return;
    }
    near_idx *x = s->x;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 256;
        entry *p = realloc(x->e, cap * sizeof *p);
        if (!p) {
            s->oom = 1;
            return;
        }
        x->e = p;
        x->cap = cap;
    }
    x->e[x->n].hash = h;
    x->e[x->n++].who = s->who;
}

/* Every form of s[0…n) with up to two characters left out. */
static void forms(sink *s, const int32_t *f, size_t n)
{
    put(s, hash_form(f, n, SIZE_MAX, SIZE_MAX));
    for (size_t i = 0; i < n; i++) {
        put(s, hash_form(f, n, i, SIZE_MAX));
        for (size_t j = i + 1; j < n; j++)
            put(s, hash_form(f, n, i, j));
    }
}

static int by_hash(const void *a, const void *b)
{
    uint64_t x = ((const entry *)a)->hash, y = ((const entry *)b)->hash;
    return x < y ? -1 : x > y;
}

/* The folded form of s, malloc'd, its length in *n; NULL out of memory. */
static int32_t *folded(const char *s, size_t *n)
{
    int32_t *f = malloc((strlen(s) + 1) * sizeof *f);
    if (f)
        *n = name_fold(s, f);
    return f;
}

near_idx *near_idx_new(size_t n, const char *(*name)(void *ctx, size_t i),
                       void *ctx)
{
    near_idx *x = calloc(1, sizeof *x);
    sink s = {x, NULL, 0, NULL, NULL, 0};
    for (size_t i = 0; x && i < n && !s.oom; i++) {
        size_t len;
        int32_t *f = folded(name(ctx, i), &len);
        if (!f) {
            s.oom = 1;
            break;
        }
        s.who = i;
        if (len <= SHORT_MAX)
            forms(&s, f, len);
        else
            for (int k = 0; k < 3; k++) {
                size_t a = part_start(len, k), b = part_start(len, k + 1);
                put(&s, hash_part(len, k, f + a, b - a));
            }
        free(f);
    }
    if (!x || s.oom) {
        near_idx_free(x);
        return NULL;
    }
    if (x->n) /* no entry: x->e may be NULL, which qsort may not take */
        qsort(x->e, x->n, sizeof *x->e, by_hash);
    return x;
}

void near_idx_free(near_idx *x)
{
    if (!x)
        return;
    free(x->e);
    free(x);
}

/* Visits the names that may be within 2 of the folded f[0…lq). */
static void each_near(sink *s, const int32_t *f, size_t lq)
{
    if (lq <= SHORT_MAX + 2)
        forms(s, f, lq); /* the short names within 2 */
    /* the long names within 2: of length lq − 2 … lq + 2, each has a
     * part that q holds whole within two places of where it was */
    for (size_t len = lq > SHORT_MAX + 3 ? lq - 2 : SHORT_MAX + 1;
         len <= lq + 2; len++)
        for (int k = 0; k < 3; k++) {
            size_t a = part_start(len, k), b = part_start(len, k + 1);
            for (int shift = -2; shift <= 2; shift++) {
                long at = (long)a + shift;
                if (at < 0 || (size_t)at + (b - a) > lq)
                    continue;
                put(s, hash_part(len, k, f + at, b - a));
            }
        }
}

int near_idx_each(const near_idx *x, const char *q,
                  void (*visit)(void *ctx, size_t i), void *ctx)
{
    size_t lq;
    int32_t *f = folded(q, &lq);
    if (!f)
        return -1;
    sink s = {NULL, x, 0, visit, ctx, 0};
    each_near(&s, f, lq);
    /* an item a[1] is a slip of the one-value a too (nearmiss.h): the
     * names near its base are candidates as well */
    size_t base = near_item_base(f, lq);
    if (base < lq)
        each_near(&s, f, base);
    free(f);
    return 0;
}
