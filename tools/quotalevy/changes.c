/*
 * changes.c — totals of a what-if comparison, per group: see changes.h.
 */
#include "changes.h"
#include "widesum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct side {
    widesum v; /* wide: a total never overflows */
    unsigned char has;
} side;

typedef struct cacc {
    side before, after;
    long long liable, exempt; /* money: units newly liable, newly exempt */
} cacc;

typedef struct cgroup {
    char *key;
    size_t key_len;
    long long rows, changed;
    cacc *a;
} cgroup;

struct changes {
    const ql_ruleset *rs;
    size_t ngroup, nout;
    unsigned char *summed, *money; /* per output */
    cgroup *g;
    size_t n, cap;
};

changes *chg_new(const ql_ruleset *rs, size_t ngroup)
{
    changes *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->rs = rs;
    c->ngroup = ngroup;
    c->nout = ql_ruleset_output_count(rs);
    c->summed = calloc(c->nout + 1, 1);
    c->money = calloc(c->nout + 1, 1);
    if (!c->summed || !c->money) {
        chg_free(c);
        return NULL;
    }
    for (size_t i = 0; i < c->nout; i++) {
        c->summed[i] = ql_ruleset_output_type(rs, i) == QL_TYPE_NUMBER &&
                       ql_ruleset_output_aggregate(rs, i) == QL_AGG_SUM;
        c->money[i] = c->summed[i] && ql_ruleset_output_is_money(rs, i);
    }
    return c;
}

void chg_free(changes *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->g[i].key);
        free(c->g[i].a);
    }
    free(c->g);
    free(c->summed);
    free(c->money);
    free(c);
}

/* The group of a key; a comparison has few groups (regions, unit
 * types), so a linear search is enough. */
static cgroup *find(changes *c, const char *k, size_t n)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->g[i].key_len == n && !memcmp(c->g[i].key, k, n))
            return &c->g[i];
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        cgroup *g = realloc(c->g, cap * sizeof *g);
        if (!g)
            return NULL;
        c->g = g;
        c->cap = cap;
    }
    cgroup *g = &c->g[c->n];
    memset(g, 0, sizeof *g);
    g->key = malloc(n + 1);
    g->a = calloc(c->nout + 1, sizeof *g->a);
    if (!g->key || !g->a) {
        free(g->key);
        free(g->a);
        return NULL;
    }
    memcpy(g->key, k, n);
    g->key[n] = '\0';
    g->key_len = n;
    c->n++;
    return g;
}

static void add(side *s, const ql_decimal *v)
{
    widesum_add(&s->v, v);
    s->has = 1;
}

static void merge_side(side *s, const side *b)
{
    if (!b->has)
        return;
    widesum_merge(&s->v, &b->v);
    s->has = 1;
}

static int positive(const ql_value *v)
{
    ql_decimal zero = {0, 0, 0};
    return v->type == QL_TYPE_NUMBER && ql_decimal_compare(&v->number, &zero) > 0;
}

int chg_add(changes *c, const char *const *key, const size_t *len,
            const ql_result *before, const ql_result *after, int changed)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ngroup; i++)
        n += len[i] + 1;
    char *k = malloc(n + 1);
    if (!k)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < c->ngroup; i++) {
        memcpy(k + o, key[i], len[i]);
        o += len[i];
        k[o++] = '\0';
    }
    cgroup *g = find(c, k, n);
    free(k);
    if (!g)
        return -1;
    g->rows++;
    g->changed += changed != 0;
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        ql_value x = QL_VALUE_INIT, y = QL_VALUE_INIT;
        ql_result_output(&x, before, i);
        ql_result_output(&y, after, i);
        if (x.type == QL_TYPE_NUMBER)
            add(&g->a[i].before, &x.number);
        if (y.type == QL_TYPE_NUMBER)
            add(&g->a[i].after, &y.number);
        if (c->money[i]) {
            g->a[i].liable += !positive(&x) && positive(&y);
            g->a[i].exempt += positive(&x) && !positive(&y);
        }
    }
    return 0;
}

static void put_dec(strbuf *out, const side *s)
{
    sb_putc(out, ',');
    if (s->has) {
        char buf[160];
        widesum_format(&s->v, buf, sizeof buf);
        sb_puts(out, buf);
    }
}

static void put_count(strbuf *out, long long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, ",%lld", n);
    sb_puts(out, buf);
}

static void put_row(const changes *c, const cgroup *g, int total, strbuf *out)
{
    sb_puts(out, total ? "total" : "group");
    const char *k = g->key;
    for (size_t i = 0; i < c->ngroup; i++) {
        size_t n = total ? 0 : strlen(k);
        sb_putc(out, ',');
        csv_put_field(out, total ? "" : k, n);
        if (!total)
            k += n + 1;
    }
    put_count(out, g->rows);
    put_count(out, g->changed);
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        const cacc *a = &g->a[i];
        put_dec(out, &a->before);
        put_dec(out, &a->after);
        /* the difference: after − before, none counting as 0 */
        side d = a->after;
        widesum_sub(&d.v, &a->before.v);
        d.has = a->before.has || a->after.has;
        put_dec(out, &d);
        if (c->money[i]) {
            put_count(out, a->liable);
            put_count(out, a->exempt);
        }
    }
    sb_putc(out, '\n');
}

static void merge(const changes *c, cgroup *to, const cgroup *g)
{
    to->rows += g->rows;
    to->changed += g->changed;
    for (size_t i = 0; i < c->nout; i++) {
        cacc *a = &to->a[i];
        const cacc *b = &g->a[i];
        merge_side(&a->before, &b->before);
        merge_side(&a->after, &b->after);
        a->liable += b->liable;
        a->exempt += b->exempt;
    }
}

static int by_key(const void *x, const void *y)
{
    const cgroup *a = *(const cgroup *const *)x, *b = *(const cgroup *const *)y;
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int r = memcmp(a->key, b->key, n);
    return r ? r : (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

void chg_write_csv(const changes *c, const char *const *group_names,
                   strbuf *out)
{
    sb_puts(out, "scope");
    for (size_t i = 0; i < c->ngroup; i++) {
        sb_putc(out, ',');
        csv_put_field(out, group_names[i], strlen(group_names[i]));
    }
    sb_puts(out, ",rows,changed");
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        static const char *const part[] = {"current", "override", "change",
                                           "newly_liable", "newly_exempt"};
        for (int p = 0; p < (c->money[i] ? 5 : 3); p++) {
            strbuf h = {0};
            sb_puts(&h, ql_ruleset_output_name(c->rs, i));
            sb_putc(&h, '_');
            sb_puts(&h, part[p]);
            sb_putc(out, ',');
            csv_put_field(out, h.p, h.len);
            free(h.p);
        }
    }
    sb_putc(out, '\n');
    const cgroup **order = calloc(c->n + 1, sizeof *order);
    cgroup all = {0};
    all.a = calloc(c->nout + 1, sizeof *all.a);
    if (order && all.a) {
        for (size_t i = 0; i < c->n; i++)
            order[i] = &c->g[i];
        qsort(order, c->n, sizeof *order, by_key);
        for (size_t i = 0; i < c->n; i++) {
            if (c->ngroup)
                put_row(c, order[i], 0, out);
            merge(c, &all, order[i]);
        }
        put_row(c, &all, 1, out);
    }
    free(all.a);
    free(order);
}
