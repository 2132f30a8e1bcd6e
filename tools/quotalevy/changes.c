/*
 * changes.c — totals of a what-if comparison, per group: see changes.h.
 */
#include "changes.h"
#include "groups.h"
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

/* A group's running values: its rows, how each ended (compared under
 * both, failed under one, not compared), the changed ones, one cacc per
 * output (over the units compared). */
typedef struct cgroup {
    long long rows, both, changed, fail_current, fail_override, neither;
    cacc a[];
} cgroup;

struct changes {
    const ql_ruleset *rs;
    size_t ngroup, nout;
    unsigned char *summed, *money; /* per output */
    int *scale;                    /* per output: the places of its sums */
    group_table *groups;           /* key → cgroup */
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
    c->scale = calloc(c->nout + 1, sizeof *c->scale);
    c->groups = groups_new(sizeof(cgroup) + c->nout * sizeof(cacc));
    if (!c->summed || !c->money || !c->scale || !c->groups) {
        chg_free(c);
        return NULL;
    }
    for (size_t i = 0; i < c->nout; i++) {
        c->summed[i] = ql_ruleset_output_type(rs, i) == QL_TYPE_NUMBER &&
                       ql_ruleset_output_aggregate(rs, i) == QL_AGG_SUM;
        c->money[i] = c->summed[i] && ql_ruleset_output_is_money(rs, i);
        c->scale[i] = ql_ruleset_output_scale(rs, i);
    }
    return c;
}

void chg_free(changes *c)
{
    if (!c)
        return;
    groups_free(c->groups);
    free(c->summed);
    free(c->money);
    free(c->scale);
    free(c);
}

static int add(side *s, const ql_decimal *v)
{
    if (widesum_add(&s->v, v))
        return -1;
    s->has = 1;
    return 0;
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
    group_entry *e = groups_find(c->groups, key, len, c->ngroup);
    if (!e)
        return -1;
    cgroup *g = e->data;
    g->rows++;
    g->both++;
    g->changed += changed != 0;
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        ql_value x = QL_VALUE_INIT, y = QL_VALUE_INIT;
        ql_result_output(&x, before, i);
        ql_result_output(&y, after, i);
        if ((x.type == QL_TYPE_NUMBER && add(&g->a[i].before, &x.number)) ||
            (y.type == QL_TYPE_NUMBER && add(&g->a[i].after, &y.number)))
            return -1;
        if (c->money[i]) {
            g->a[i].liable += !positive(&x) && positive(&y);
            g->a[i].exempt += positive(&x) && !positive(&y);
        }
    }
    return 0;
}

int chg_count(changes *c, const char *const *key, const size_t *len,
              enum chg_outcome how)
{
    group_entry *e = groups_find(c->groups, key, len, c->ngroup);
    if (!e)
        return -1;
    cgroup *g = e->data;
    g->rows++;
    g->changed += how != CHG_NEITHER; /* evaluates under one side only */
    g->fail_current += how == CHG_FAILS_CURRENT;
    g->fail_override += how == CHG_FAILS_OVERRIDE;
    g->neither += how == CHG_NEITHER;
    return 0;
}

/* A total, at least at `scale` places: the total of no values (no rows,
 * or none with a value) is 0 at them, never an empty cell. */
static void put_dec(strbuf *out, const side *s, int scale)
{
    char buf[160];
    widesum v = s->v;
    if (scale > v.scale)
        v.scale = scale;
    widesum_format(&v, buf, sizeof buf);
    sb_putc(out, ',');
    sb_puts(out, buf);
}

static void put_count(strbuf *out, long long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, ",%lld", n);
    sb_puts(out, buf);
}

/* One row: scope, key cells (none: the total), rows, then the outputs. */
static void put_row(const changes *c, const char *key, const cgroup *g,
                    strbuf *out)
{
    int total = !key;
    sb_puts(out, total ? "total" : "group");
    const char *k = key;
    for (size_t i = 0; i < c->ngroup; i++) {
        size_t n = total ? 0 : strlen(k);
        sb_putc(out, ',');
        csv_put_field(out, total ? "" : k, n);
        if (!total)
            k += n + 1;
    }
    put_count(out, g->rows);
    put_count(out, g->both);
    put_count(out, g->changed);
    put_count(out, g->fail_current);
    put_count(out, g->fail_override);
    put_count(out, g->neither);
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        const cacc *a = &g->a[i];
        put_dec(out, &a->before, c->scale[i]);
        put_dec(out, &a->after, c->scale[i]);
        /* the difference: after − before, none counting as 0 */
        side d = a->after;
        widesum_sub(&d.v, &a->before.v);
        put_dec(out, &d, c->scale[i]);
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
    to->both += g->both;
    to->changed += g->changed;
    to->fail_current += g->fail_current;
    to->fail_override += g->fail_override;
    to->neither += g->neither;
    for (size_t i = 0; i < c->nout; i++) {
        cacc *a = &to->a[i];
        const cacc *b = &g->a[i];
        merge_side(&a->before, &b->before);
        merge_side(&a->after, &b->after);
        a->liable += b->liable;
        a->exempt += b->exempt;
    }
}

void chg_write_csv(const changes *c, const char *const *group_names,
                   const unsigned char *by_value, strbuf *out)
{
    sb_puts(out, "scope");
    for (size_t i = 0; i < c->ngroup; i++) {
        sb_putc(out, ',');
        csv_put_field(out, group_names[i], strlen(group_names[i]));
    }
    sb_puts(out, ",rows,compared,changed,fails_current,fails_override,not_compared");
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
    const group_entry **order = groups_sorted(c->groups, c->ngroup, by_value);
    cgroup *all = calloc(1, sizeof *all + c->nout * sizeof *all->a);
    if (order && all) {
        for (size_t i = 0; i < groups_count(c->groups); i++) {
            if (c->ngroup)
                put_row(c, order[i]->key, order[i]->data, out);
            merge(c, all, order[i]->data);
        }
        put_row(c, NULL, all, out);
    }
    free(all);
    free(order);
}
