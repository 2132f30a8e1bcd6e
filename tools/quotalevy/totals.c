/*
 * totals.c — exact totals of a batch, per group: see totals.h.
 */
#include "totals.h"
#include "widesum.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One output's running value in one group. */
typedef struct acc {
    widesum sum;         /* a sum: wide, so it never overflows */
    ql_decimal v;        /* least or greatest */
    long long n;         /* values seen, or true ones (count) */
    unsigned char has;
    /* a check: units it applies to, compliant ones, sum of shortfalls */
    long long applicable, compliant;
    widesum shortfall;
    unsigned char has_short;
} acc;

typedef struct group {
    char *key; /* the key columns' texts, each followed by a NUL */
    size_t key_len;
    long long rows;
    acc *a; /* one per output */
} group;

struct totals {
    const ql_ruleset *rs;
    size_t ngroup, nout;
    int *check;           /* per output: its check index, or −1 */
    ql_aggregate *agg;    /* per output */
    group *g;
    size_t n, cap;
    size_t *hash, hcap;   /* open addressing: index + 1, 0 empty */
};

static size_t hash_key(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

totals *tot_new(const ql_ruleset *rs, size_t ngroup)
{
    totals *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->rs = rs;
    t->ngroup = ngroup;
    t->nout = ql_ruleset_output_count(rs);
    t->check = calloc(t->nout + 1, sizeof *t->check);
    t->agg = calloc(t->nout + 1, sizeof *t->agg);
    t->hcap = 64;
    t->hash = calloc(t->hcap, sizeof *t->hash);
    if (!t->check || !t->agg || !t->hash) {
        tot_free(t);
        return NULL;
    }
    for (size_t i = 0; i < t->nout; i++) {
        t->check[i] = ql_ruleset_output_is_check(rs, i)
                          ? ql_ruleset_check_index(rs, ql_ruleset_output_name(rs, i))
                          : -1;
        t->agg[i] = ql_ruleset_output_aggregate(rs, i);
    }
    return t;
}

void tot_free(totals *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->g[i].key);
        free(t->g[i].a);
    }
    free(t->g);
    free(t->hash);
    free(t->check);
    free(t->agg);
    free(t);
}

static int rehash(totals *t)
{
    size_t cap = t->hcap * 2;
    size_t *h = calloc(cap, sizeof *h);
    if (!h)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = hash_key(t->g[i].key, t->g[i].key_len) & (cap - 1);
        while (h[j])
            j = (j + 1) & (cap - 1);
        h[j] = i + 1;
    }
    free(t->hash);
    t->hash = h;
    t->hcap = cap;
    return 0;
}

/* The group of key k (n bytes), made if new; NULL out of memory. */
static group *find_group(totals *t, const char *k, size_t n)
{
    size_t j = hash_key(k, n) & (t->hcap - 1);
    while (t->hash[j]) {
        group *g = &t->g[t->hash[j] - 1];
        if (g->key_len == n && !memcmp(g->key, k, n))
            return g;
        j = (j + 1) & (t->hcap - 1);
    }
    if (2 * (t->n + 1) > t->hcap) {
        if (rehash(t))
            return NULL;
        return find_group(t, k, n);
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        group *g = realloc(t->g, cap * sizeof *g);
        if (!g)
            return NULL;
        t->g = g;
        t->cap = cap;
    }
    group *g = &t->g[t->n];
    memset(g, 0, sizeof *g);
    g->key = malloc(n + 1);
    g->a = calloc(t->nout + 1, sizeof *g->a);
    if (!g->key || !g->a) {
        free(g->key);
        free(g->a);
        return NULL;
    }
    memcpy(g->key, k, n);
    g->key[n] = '\0';
    g->key_len = n;
    t->hash[j] = ++t->n;
    return g;
}

static void add_num(widesum *to, unsigned char *has, const ql_decimal *v)
{
    widesum_add(to, v);
    *has = 1;
}

/* Folds value v into a as aggregation `agg` says. */
static void fold(acc *a, ql_aggregate agg, const ql_value *v)
{
    if (v->type == QL_TYPE_NONE)
        return;
    switch (agg) {
    case QL_AGG_SUM:
        if (v->type == QL_TYPE_NUMBER)
            add_num(&a->sum, &a->has, &v->number);
        break;
    case QL_AGG_COUNT:
        a->has = 1;
        a->n += v->type == QL_TYPE_BOOL ? v->boolean != 0 : 1;
        break;
    case QL_AGG_MIN:
    case QL_AGG_MAX:
        if (v->type != QL_TYPE_NUMBER)
            break;
        if (!a->has ||
            ql_decimal_compare(&v->number, &a->v) == (agg == QL_AGG_MIN ? -1 : 1))
            a->v = v->number;
        a->has = 1;
        break;
    default:
        break;
    }
}

int tot_add(totals *t, const char *const *key, const size_t *len,
            const ql_result *res)
{
    char stack[512] = "";
    size_t n = 0;
    for (size_t i = 0; i < t->ngroup; i++)
        n += len[i] + 1;
    char *k = n <= sizeof stack ? stack : malloc(n);
    if (!k)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < t->ngroup; i++) {
        memcpy(k + o, key[i], len[i]);
        o += len[i];
        k[o++] = '\0';
    }
    group *g = find_group(t, k, n);
    if (k != stack)
        free(k);
    if (!g)
        return -1;
    g->rows++;
    for (size_t i = 0; i < t->nout; i++) {
        acc *a = &g->a[i];
        if (t->check[i] >= 0) {
            ql_check_result c = QL_CHECK_RESULT_INIT;
            if (ql_result_check(&c, res, (size_t)t->check[i]) || !c.applicable)
                continue;
            a->applicable++;
            a->compliant += c.compliant != 0;
            if (c.shortfall.type == QL_TYPE_NUMBER)
                add_num(&a->shortfall, &a->has_short, &c.shortfall.number);
            continue;
        }
        if (t->agg[i] == QL_AGG_NONE)
            continue;
        ql_value v = QL_VALUE_INIT;
        if (ql_result_output(&v, res, i) == QL_OK)
            fold(a, t->agg[i], &v);
    }
    return 0;
}

/* Combines b into a, for output i. */
static void combine(const totals *t, size_t i, acc *a, const acc *b)
{
    if (t->check[i] >= 0) {
        a->applicable += b->applicable;
        a->compliant += b->compliant;
        if (b->has_short) {
            widesum_merge(&a->shortfall, &b->shortfall);
            a->has_short = 1;
        }
        return;
    }
    if (!b->has)
        return;
    switch (t->agg[i]) {
    case QL_AGG_SUM:
        widesum_merge(&a->sum, &b->sum);
        a->has = 1;
        break;
    case QL_AGG_COUNT:
        a->n += b->n;
        a->has = 1;
        break;
    case QL_AGG_MIN:
    case QL_AGG_MAX: {
        ql_value v = QL_VALUE_INIT;
        v.type = QL_TYPE_NUMBER;
        v.number = b->v;
        fold(a, t->agg[i], &v);
        break;
    }
    default:
        break;
    }
}

int tot_merge(totals *t, const totals *from)
{
    for (size_t gi = 0; gi < from->n; gi++) {
        const group *b = &from->g[gi];
        group *a = find_group(t, b->key, b->key_len);
        if (!a)
            return -1;
        a->rows += b->rows;
        for (size_t i = 0; i < t->nout; i++)
            combine(t, i, &a->a[i], &b->a[i]);
    }
    return 0;
}

static int by_key(const void *x, const void *y)
{
    const group *a = *(const group *const *)x, *b = *(const group *const *)y;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(a->key, b->key, n);
    return c ? c : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

static void put_count(strbuf *out, long long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, ",%lld", n);
    sb_puts(out, buf);
}

static void put_dec(strbuf *out, const ql_decimal *v, int has)
{
    sb_putc(out, ',');
    if (has) {
        char buf[QL_DECIMAL_TEXT_MAX];
        sb_puts(out, (ql_decimal_format(buf, sizeof buf, v), buf));
    }
}

static void put_sum(strbuf *out, const widesum *w, int has)
{
    sb_putc(out, ',');
    if (has) {
        char buf[160];
        widesum_format(w, buf, sizeof buf);
        sb_puts(out, buf);
    }
}

/* One row of totals: scope, key cells, rows, then the outputs. */
static void put_row(const totals *t, const group *g, int total, strbuf *out)
{
    sb_puts(out, total ? "total" : "group");
    const char *k = g->key;
    for (size_t i = 0; i < t->ngroup; i++) {
        sb_putc(out, ',');
        size_t n = total ? 0 : strlen(k);
        csv_put_field(out, total ? "" : k, n);
        if (!total)
            k += n + 1;
    }
    put_count(out, g->rows);
    for (size_t i = 0; i < t->nout; i++) {
        const acc *a = &g->a[i];
        if (t->check[i] >= 0) {
            put_count(out, a->applicable);
            put_count(out, a->compliant);
            put_count(out, a->applicable - a->compliant);
            put_sum(out, &a->shortfall, a->has_short);
            continue;
        }
        switch (t->agg[i]) {
        case QL_AGG_NONE: break;
        case QL_AGG_COUNT: put_count(out, a->n); break;
        case QL_AGG_SUM: put_sum(out, &a->sum, a->has); break;
        default: put_dec(out, &a->v, a->has); break;
        }
    }
    sb_putc(out, '\n');
}

int tot_write_csv(const totals *t, const char *const *group_names, strbuf *out)
{
    static const char *const agg_word[] = {"", "sum", "count", "min", "max"};
    sb_puts(out, "scope");
    for (size_t i = 0; i < t->ngroup; i++) {
        sb_putc(out, ',');
        csv_put_field(out, group_names[i], strlen(group_names[i]));
    }
    sb_puts(out, ",rows");
    for (size_t i = 0; i < t->nout; i++) {
        const char *name = ql_ruleset_output_name(t->rs, i);
        if (t->check[i] >= 0) {
            static const char *const f[] = {"applicable", "compliant", "short",
                                            "shortfall"};
            for (int j = 0; j < 4; j++) {
                strbuf h = {0};
                sb_puts(&h, name);
                sb_putc(&h, '_');
                sb_puts(&h, f[j]);
                sb_putc(out, ',');
                csv_put_field(out, h.p, h.len);
                free(h.p);
            }
            continue;
        }
        if (t->agg[i] == QL_AGG_NONE)
            continue;
        /* a sum keeps the output's name; the others say what they are */
        strbuf h = {0};
        sb_puts(&h, name);
        if (t->agg[i] != QL_AGG_SUM) {
            sb_putc(&h, '_');
            sb_puts(&h, agg_word[t->agg[i] <= QL_AGG_MAX ? t->agg[i] : 0]);
        }
        sb_putc(out, ',');
        csv_put_field(out, h.p, h.len);
        free(h.p);
    }
    sb_putc(out, '\n');
    /* the groups in key order, then all of them together */
    const group **order = calloc(t->n + 1, sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < t->n; i++)
        order[i] = &t->g[i];
    qsort(order, t->n, sizeof *order, by_key);
    group sum = {0};
    sum.a = calloc(t->nout + 1, sizeof *sum.a);
    if (!sum.a) {
        free(order);
        return -1;
    }
    for (size_t gi = 0; gi < t->n; gi++) {
        if (t->ngroup)
            put_row(t, order[gi], 0, out);
        sum.rows += order[gi]->rows;
        for (size_t i = 0; i < t->nout; i++)
            combine(t, i, &sum.a[i], &order[gi]->a[i]);
    }
    put_row(t, &sum, 1, out);
    free(sum.a);
    free(order);
    return 0;
}
