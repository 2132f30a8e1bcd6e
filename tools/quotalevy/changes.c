/*
 * changes.c — totals of a what-if comparison, per group: see changes.h.
 */
#include "changes.h"
#include "groups.h"
#include "sumcell.h"
#include "widesum.h"

#include <stddef.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A group's running values are one block: its rows, how each ended
 * (compared under both, failed under one, not compared), the changed
 * ones, then for each output that is summed (over the units compared)
 * its cacc — the units newly liable and exempt only for money. */
typedef struct cacc {
    sumcell before, after;    /* exact, 16 bytes each (sumcell.h) */
    long long liable, exempt; /* money: units newly liable, newly exempt */
} cacc;

typedef struct cgroup {
    long long rows, both, changed, fail_current, fail_override, neither;
    long long a[]; /* the outputs' caccs, at changes.at[i] bytes */
} cgroup;

struct changes {
    const ql_ruleset *rs;
    size_t ngroup, nout;
    unsigned char *summed, *money; /* per output */
    int *scale;                    /* per output: the places of its sums */
    int *at;                       /* per output: its cacc's offset, or −1 */
    size_t size;                   /* bytes of cgroup.a */
    sumpool pool;                  /* the wide sums of cells past 64 bits */
    group_table *groups;           /* key → cgroup */
};

/* Output i's cacc in g: a money output's whole, another's sums only. */
static cacc *cacc_of(const changes *c, const cgroup *g, size_t i)
{
    return (cacc *)(void *)((char *)g->a + c->at[i]);
}

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
    c->at = calloc(c->nout + 1, sizeof *c->at);
    if (!c->summed || !c->money || !c->scale || !c->at) {
        chg_free(c);
        return NULL;
    }
    for (size_t i = 0; i < c->nout; i++) {
        c->summed[i] = ql_ruleset_output_type(rs, i) == QL_TYPE_NUMBER &&
                       ql_ruleset_output_aggregate(rs, i) == QL_AGG_SUM;
        c->money[i] = c->summed[i] && ql_ruleset_output_is_money(rs, i);
        c->scale[i] = ql_ruleset_output_scale(rs, i);
        c->at[i] = c->summed[i] ? (int)c->size : -1;
        if (c->summed[i])
            c->size += c->money[i] ? sizeof(cacc) : offsetof(cacc, liable);
    }
    c->groups = groups_new(sizeof(cgroup) + c->size);
    if (!c->groups) {
        chg_free(c);
        return NULL;
    }
    return c;
}

void chg_free(changes *c)
{
    if (!c)
        return;
    groups_free(c->groups);
    sumpool_free(&c->pool);
    free(c->summed);
    free(c->money);
    free(c->scale);
    free(c->at);
    free(c);
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
        cacc *a = cacc_of(c, g, i);
        ql_value x = QL_VALUE_INIT, y = QL_VALUE_INIT;
        ql_result_output(&x, before, i);
        ql_result_output(&y, after, i);
        if ((x.type == QL_TYPE_NUMBER && sumcell_add(&a->before, &c->pool, &x.number)) ||
            (y.type == QL_TYPE_NUMBER && sumcell_add(&a->after, &c->pool, &y.number)))
            return -1;
        if (c->money[i]) {
            a->liable += !positive(&x) && positive(&y);
            a->exempt += positive(&x) && !positive(&y);
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
static void put_dec(strbuf *out, const widesum *w, int scale)
{
    char buf[160];
    widesum v = *w;
    if (scale > v.scale)
        v.scale = scale;
    widesum_format(&v, buf, sizeof buf);
    sb_putc(out, ',');
    sb_puts(out, buf);
}

static void put_sum(strbuf *out, const sumcell *cell, const sumpool *pool,
                    int scale)
{
    char buf[160];
    sumcell_format(cell, pool, scale, buf, sizeof buf);
    sb_putc(out, ',');
    sb_puts(out, buf);
}

/* One row: scope, key cells (none: the total), rows, then the outputs
 * (their wide sums in pool). */
static void put_row(const changes *c, const char *key, const cgroup *g,
                    const sumpool *pool, strbuf *out)
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
    sb_put_cell_count(out, g->rows);
    sb_put_cell_count(out, g->both);
    sb_put_cell_count(out, g->changed);
    sb_put_cell_count(out, g->fail_current);
    sb_put_cell_count(out, g->fail_override);
    sb_put_cell_count(out, g->neither);
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        const cacc *a = cacc_of(c, g, i);
        put_sum(out, &a->before, pool, c->scale[i]);
        put_sum(out, &a->after, pool, c->scale[i]);
        /* the difference: after − before, none counting as 0 */
        widesum x, y;
        sumcell_get(&a->before, pool, &x);
        sumcell_get(&a->after, pool, &y);
        widesum_sub(&y, &x);
        put_dec(out, &y, c->scale[i]);
        if (c->money[i]) {
            sb_put_cell_count(out, a->liable);
            sb_put_cell_count(out, a->exempt);
        }
    }
    sb_putc(out, '\n');
}

/* Adds group g (its wide sums in gpool) into `to` (in pool); −1 out of
 * memory. */
static int merge(const changes *c, cgroup *to, sumpool *pool, const cgroup *g,
                 const sumpool *gpool)
{
    to->rows += g->rows;
    to->both += g->both;
    to->changed += g->changed;
    to->fail_current += g->fail_current;
    to->fail_override += g->fail_override;
    to->neither += g->neither;
    for (size_t i = 0; i < c->nout; i++) {
        if (!c->summed[i])
            continue;
        cacc *a = cacc_of(c, to, i);
        const cacc *b = cacc_of(c, g, i);
        if (sumcell_merge(&a->before, pool, &b->before, gpool) ||
            sumcell_merge(&a->after, pool, &b->after, gpool))
            return -1;
        if (c->money[i]) {
            a->liable += b->liable;
            a->exempt += b->exempt;
        }
    }
    return 0;
}

int chg_write_csv(const changes *c, const char *const *group_names,
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
    /* the groups in key order, then all units (the total's wide sums in a
     * pool of its own: c is not changed) */
    const group_entry **order = groups_sorted(c->groups, c->ngroup, by_value);
    cgroup *all = calloc(1, sizeof *all + c->size);
    sumpool pool = {0};
    int rc = order && all ? 0 : -1;
    for (size_t i = 0; !rc && i < groups_count(c->groups); i++) {
        if (c->ngroup)
            put_row(c, order[i]->key, order[i]->data, &c->pool, out);
        rc = merge(c, all, &pool, order[i]->data, &c->pool);
    }
    if (!rc)
        put_row(c, NULL, all, &pool, out);
    sumpool_free(&pool);
    free(all);
    free(order);
    return rc;
}
