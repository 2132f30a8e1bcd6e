/*
 * groups.c — the groups of a summary: see groups.h.  Open addressing
 * over the entries' indexes, kept at most half full, FNV-1a over the key.
 * A group's block and key are cut from large zeroed chunks, not a
 * malloc each: a summary by unit has a group per row, and two small
 * allocations a group cost more than the key itself (P16-01).
 */
#include "groups.h"

#include <quotalevy.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The chunks grow from 4 KiB to 1 MiB, so one group costs little and
 * a million of them few allocations. */
#define CHUNK_MIN (4u << 10)
#define CHUNK_MAX (1u << 20)

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    long long bytes[]; /* aligned for the caller's block */
} chunk;

struct group_table {
    size_t data_size; /* rounded up to 8 */
    group_entry *g;   /* in the order made */
    size_t n, cap;
    uint32_t *slot; /* index + 1 into g, 0 empty */
    size_t nslot;   /* a power of 2 */
    chunk *chunks;  /* the newest first */
};

static size_t hash_key(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return (size_t)h;
}

/* n zeroed bytes, 8-aligned, from the table's chunks; NULL out of memory. */
static void *carve(group_table *t, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    chunk *c = t->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = c && c->cap < CHUNK_MAX ? 2 * c->cap
                     : c                     ? CHUNK_MAX
                                             : CHUNK_MIN;
        if (cap < n)
            cap = n;
        chunk *k = calloc(1, sizeof *k + cap);
        if (!k)
            return NULL;
        k->cap = cap;
        k->next = c;
        t->chunks = c = k;
    }
    void *p = (char *)c->bytes + c->used;
    c->used += n;
    return p;
}

group_table *groups_new(size_t data_size)
{
    group_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->data_size = (data_size + 7) & ~(size_t)7;
    t->nslot = 64;
    t->slot = calloc(t->nslot, sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    return t;
}

void groups_free(group_table *t)
{
    if (!t)
        return;
    for (chunk *c = t->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(t->g);
    free(t->slot);
    free(t);
}

static int grow_slots(group_table *t)
{
    size_t n = t->nslot * 2;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = hash_key(t->g[i].key, t->g[i].key_len) & (n - 1);
        while (s[j])
            j = (j + 1) & (n - 1);
        s[j] = (uint32_t)(i + 1);
    }
    free(t->slot);
    t->slot = s;
    t->nslot = n;
    return 0;
}

group_entry *groups_find_key(group_table *t, const char *key, size_t n)
{
    size_t j = hash_key(key, n) & (t->nslot - 1);
    for (; t->slot[j]; j = (j + 1) & (t->nslot - 1)) {
        group_entry *g = &t->g[t->slot[j] - 1];
        if (g->key_len == n && !memcmp(g->key, key, n))
            return g;
    }
    if (2 * (t->n + 1) > t->nslot) {
        if (grow_slots(t))
            return NULL;
        return groups_find_key(t, key, n);
    }
    if (t->n == t->cap) {
        if (t->n >= UINT32_MAX - 1)
            return NULL; /* a slot holds the index */
        size_t cap = t->cap ? 2 * t->cap : 16;
        group_entry *g = realloc(t->g, cap * sizeof *g);
        if (!g)
            return NULL;
        t->g = g;
        t->cap = cap;
    }
    /* the block, then the key: one piece of a chunk */
    char *mem = carve(t, t->data_size + n + 1);
    if (!mem)
        return NULL;
    group_entry *g = &t->g[t->n];
    g->data = mem;
    g->key = mem + t->data_size;
    memcpy(g->key, key, n);
    g->key[n] = '\0';
    g->key_len = n;
    t->slot[j] = (uint32_t)++t->n;
    return g;
}

group_entry *groups_find(group_table *t, const char *const *cols,
                         const size_t *len, size_t ncols)
{
    if (!ncols)
        return groups_find_key(t, "", 0); /* one group: no key to build */
    char stack[512];
    size_t n = 0;
    for (size_t i = 0; i < ncols; i++)
        n += len[i] + 1;
    char *k = n <= sizeof stack ? stack : malloc(n);
    if (!k)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < ncols; i++) {
        memcpy(k + o, cols[i], len[i]);
        o += len[i];
        k[o++] = '\0';
    }
    group_entry *g = groups_find_key(t, k, n);
    if (k != stack)
        free(k);
    return g;
}

size_t groups_count(const group_table *t)
{
    return t->n;
}

const group_entry *groups_at(const group_table *t, size_t i)
{
    return i < t->n ? &t->g[i] : NULL;
}

/* Two key columns' texts: numbers (by_value) by their value, the empty
 * text first; any other column byte by byte. */
static int column_cmp(const char *a, const char *b, int by_value)
{
    if (by_value && *a && *b) {
        ql_decimal x, y;
        if (ql_decimal_parse(&x, a, strlen(a), NULL) == QL_OK &&
            ql_decimal_parse(&y, b, strlen(b), NULL) == QL_OK) {
            int c = ql_decimal_compare(&x, &y);
            if (c)
                return c;
        }
    }
    return strcmp(a, b);
}

/* How the groups are ordered (qsort passes no context: each item points
 * here). */
typedef struct sort_ctx {
    const unsigned char *by_value;
    size_t ncols;
} sort_ctx;

/* An entry, with its first column's number parsed once (first_ok) when
 * that column is ordered by value: parsed at each comparison, two
 * million groups spent more time sorting than evaluating. */
typedef struct sort_item {
    const group_entry *e;
    const sort_ctx *ctx;
    ql_decimal first;
    int first_ok;
} sort_item;

static int by_key(const void *x, const void *y)
{
    const sort_item *ia = x, *ib = y;
    const sort_ctx *ctx = ia->ctx;
    const char *a = ia->e->key, *b = ib->e->key;
    for (size_t j = 0; j < ctx->ncols; j++) {
        int c;
        if (j == 0 && ia->first_ok && ib->first_ok &&
            (c = ql_decimal_compare(&ia->first, &ib->first)))
            return c;
        if (j == 0 && ctx->by_value && ctx->by_value[0])
            c = strcmp(
                a, b); /* as column_cmp: equal values, or not both numbers */
        else
            c = column_cmp(a, b, ctx->by_value && ctx->by_value[j]);
        if (c || j + 1 == ctx->ncols)
            return c;
        a += strlen(a) + 1;
        b += strlen(b) + 1;
    }
    return 0;
}

const group_entry **groups_sorted(const group_table *t, size_t ncols,
                                  const unsigned char *by_value)
{
    const group_entry **order = calloc(t->n + 1, sizeof *order);
    sort_item *items = calloc(t->n + 1, sizeof *items);
    if (!order || !items) {
        free(order);
        free(items);
        return NULL;
    }
    sort_ctx ctx = {by_value, ncols};
    int first_by_value = ncols && by_value && by_value[0];
    for (size_t i = 0; i < t->n; i++) {
        sort_item *it = &items[i];
        it->e = &t->g[i];
        it->ctx = &ctx;
        const char *k = it->e->key;
        it->first_ok =
            first_by_value && *k &&
            ql_decimal_parse(&it->first, k, strlen(k), NULL) == QL_OK;
    }
    qsort(items, t->n, sizeof *items, by_key);
    for (size_t i = 0; i < t->n; i++)
        order[i] = items[i].e;
    free(items);
    return order;
}

int groups_input_is_number(const ql_ruleset *rs, size_t i)
{
    const char *t = ql_ruleset_input_type(rs, i);
    return t && (!strcmp(t, "decimal") || !strcmp(t, "integer") ||
                 !strcmp(t, "money"));
}

const char *groups_value_key(const ql_value *v, int places, char *buf,
                             size_t size, size_t *len)
{
    if (v->type == QL_TYPE_STRING) { /* an enum's value as declared */
        *len = v->length;
        return v->string;
    }
    if (v->type == QL_TYPE_NONE) {
        *len = 0;
        return "";
    }
    size_t n = ql_value_format(buf, size, v);
    if (n >= size)
        n = size ? size - 1 : 0;
    if (v->type == QL_TYPE_NUMBER && memchr(buf, '.', n)) {
        /* the value, not its digits: 118.0 and 118 are one group */
        while (n && buf[n - 1] == '0')
            n--;
        if (n && buf[n - 1] == '.')
            n--;
        buf[n] = '\0';
        if (!strcmp(buf, "-0"))
            buf[0] = '0', buf[n = 1] = '\0';
    }
    if (v->type == QL_TYPE_NUMBER && places > 0) {
        /* at the input's places, so one column has one scale and money
         * its minor unit (P13-11: a KWD group 7, not 7.000) */
        const char *dot = memchr(buf, '.', n);
        int have = dot ? (int)(n - (size_t)(dot - buf) - 1) : 0;
        if (!dot && n + 1 < size)
            buf[n++] = '.';
        while (have < places && n + 1 < size)
            buf[n++] = '0', have++;
        buf[n] = '\0';
    }
    *len = n;
    return buf;
}

const char *groups_text_key(const char *text, size_t n, int places, char *buf,
                            size_t size, size_t *len)
{
    ql_value v = QL_VALUE_INIT;
    while (n && (*text == ' ' || *text == '\t'))
        text++, n--;
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (!n || ql_decimal_parse(&v.number, text, n, NULL) != QL_OK)
        return NULL;
    v.type = QL_TYPE_NUMBER;
    return groups_value_key(&v, places, buf, size, len);
}
