/*
 * totals.c — exact totals of a batch, per group: see totals.h.
 */
#include "totals.h"
#include "groups.h"
#include "sumcell.h"
#include "widesum.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A group's running values are one block: its rows, then for each
 * output that is totalled only what its aggregation needs (a Jilin
 * group is 28 cells, not 28 of every kind):
 *   a sum                      a sumcell (16 bytes, exact, sumcell.h)
 *   a count                    a long long
 *   a least or greatest value  an extreme
 *   a check                    its check_counts, then its shortfall's
 *                              sum or extreme (nothing with none)
 * and nothing for an output that is not totalled. */
typedef struct check_counts {
    long long applicable, compliant;
} check_counts;

typedef struct extreme {
    ql_decimal v;
    unsigned char has;
} extreme;

typedef struct group {
    long long rows;
    long long a[]; /* the outputs' cells, at totals.at[i] bytes */
} group;

struct totals {
    const ql_ruleset *rs;
    size_t ngroup, nout;
    int *check;           /* per output: its check index, or −1 */
    ql_aggregate *agg;    /* per output: its own, or a check's shortfall's */
    int *scale;           /* per output: the places its sum is shown with */
    int *at;              /* per output: its cells' offset in group.a, or −1 */
    size_t size;          /* bytes of group.a */
    sumpool pool;         /* the wide sums of cells past 64 bits */
    group_table *groups;  /* key → group */
};

/* The bytes a value aggregated as `agg` keeps in each group. */
static size_t cell_size(ql_aggregate agg)
{
    switch (agg) {
    case QL_AGG_SUM: return sizeof(sumcell);
    case QL_AGG_COUNT: return sizeof(long long);
    case QL_AGG_MIN:
    case QL_AGG_MAX: return sizeof(extreme);
    default: return 0;
    }
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
    t->scale = calloc(t->nout + 1, sizeof *t->scale);
    t->at = calloc(t->nout + 1, sizeof *t->at);
    if (!t->check || !t->agg || !t->scale || !t->at) {
        tot_free(t);
        return NULL;
    }
    for (size_t i = 0; i < t->nout; i++) {
        t->check[i] = ql_ruleset_output_is_check(rs, i)
                          ? ql_ruleset_check_index(rs, ql_ruleset_output_name(rs, i))
                          : -1;
        t->agg[i] = t->check[i] >= 0
                        ? ql_ruleset_check_aggregate(rs, (size_t)t->check[i])
                        : ql_ruleset_output_aggregate(rs, i);
        /* a sum of no values is 0 at the places its values have */
        t->scale[i] = t->check[i] >= 0 ? ql_ruleset_check_scale(rs, (size_t)t->check[i],
                                                                QL_CHECK_SHORTFALL)
                                       : ql_ruleset_output_scale(rs, i);
        /* a check's shortfalls combine as sum, min, max or not at all */
        if (t->check[i] >= 0 && t->agg[i] == QL_AGG_COUNT)
            t->agg[i] = QL_AGG_NONE;
        size_t n = (t->check[i] >= 0 ? sizeof(check_counts) : 0) + cell_size(t->agg[i]);
        t->at[i] = n ? (int)t->size : -1;
        t->size += n; /* every cell a multiple of 8 bytes: aligned */
    }
    t->groups = groups_new(sizeof(group) + t->size);
    if (!t->groups) {
        tot_free(t);
        return NULL;
    }
    return t;
}

void tot_free(totals *t)
{
    if (!t)
        return;
    groups_free(t->groups);
    sumpool_free(&t->pool);
    free(t->check);
    free(t->agg);
    free(t->scale);
    free(t->at);
    free(t);
}

static void fold_extreme(extreme *e, ql_aggregate agg, const ql_decimal *v)
{
    if (!e->has || ql_decimal_compare(v, &e->v) == (agg == QL_AGG_MIN ? -1 : 1))
        e->v = *v;
    e->has = 1;
}

/* Folds value v into the cell at p as aggregation `agg` says; −1 for a
 * number outside the decimal's range, or out of memory (sumcell_add). */
static int fold(sumpool *pool, void *p, ql_aggregate agg, const ql_value *v)
{
    if (v->type == QL_TYPE_NONE)
        return 0;
    switch (agg) {
    case QL_AGG_SUM:
        if (v->type == QL_TYPE_NUMBER)
            return sumcell_add(p, pool, &v->number);
        break;
    case QL_AGG_COUNT:
        *(long long *)p += v->type == QL_TYPE_BOOL ? v->boolean != 0 : 1;
        break;
    case QL_AGG_MIN:
    case QL_AGG_MAX:
        if (v->type == QL_TYPE_NUMBER)
            fold_extreme(p, agg, &v->number);
        break;
    default:
        break;
    }
    return 0;
}

int tot_add(totals *t, const char *const *key, const size_t *len,
            const ql_result *res)
{
    group_entry *e = groups_find(t->groups, key, len, t->ngroup);
    if (!e)
        return -1;
    group *g = e->data;
    g->rows++;
    for (size_t i = 0; i < t->nout; i++) {
        if (t->at[i] < 0)
            continue;
        char *p = (char *)g->a + t->at[i];
        ql_value v = QL_VALUE_INIT;
        if (t->check[i] >= 0) {
            ql_check_result c = QL_CHECK_RESULT_INIT;
            if (ql_result_check(&c, res, (size_t)t->check[i]) || !c.applicable)
                continue;
            check_counts *n = (check_counts *)(void *)p;
            n->applicable++;
            n->compliant += c.compliant != 0;
            p += sizeof *n;
            v = c.shortfall;
        } else if (ql_result_output(&v, res, i) != QL_OK) {
            continue;
        }
        if (fold(&t->pool, p, t->agg[i], &v))
            return -1;
    }
    return 0;
}

/* Combines group b's cells (their wide sums in bpool) into a's (in
 * pool); −1 out of memory. */
static int combine(const totals *t, group *a, sumpool *pool, const group *b,
                   const sumpool *bpool)
{
    a->rows += b->rows;
    for (size_t i = 0; i < t->nout; i++) {
        if (t->at[i] < 0)
            continue;
        char *x = (char *)a->a + t->at[i];
        const char *y = (const char *)b->a + t->at[i];
        if (t->check[i] >= 0) {
            check_counts *n = (check_counts *)(void *)x;
            const check_counts *m = (const check_counts *)(const void *)y;
            n->applicable += m->applicable;
            n->compliant += m->compliant;
            x += sizeof *n;
            y += sizeof *m;
        }
        switch (t->agg[i]) {
        case QL_AGG_SUM:
            if (sumcell_merge((sumcell *)(void *)x, pool,
                              (const sumcell *)(const void *)y, bpool))
                return -1;
            break;
        case QL_AGG_COUNT:
            *(long long *)(void *)x += *(const long long *)(const void *)y;
            break;
        case QL_AGG_MIN:
        case QL_AGG_MAX: {
            const extreme *e = (const extreme *)(const void *)y;
            if (e->has)
                fold_extreme((extreme *)(void *)x, t->agg[i], &e->v);
            break;
        }
        default:
            break;
        }
    }
    return 0;
}

int tot_merge(totals *t, const totals *from)
{
    for (size_t gi = 0; gi < groups_count(from->groups); gi++) {
        const group_entry *be = groups_at(from->groups, gi);
        group_entry *ae = groups_find_key(t->groups, be->key, be->key_len);
        if (!ae || combine(t, ae->data, &t->pool, be->data, &from->pool))
            return -1;
    }
    return 0;
}

static void put_extreme(strbuf *out, const extreme *e)
{
    sb_putc(out, ',');
    if (e->has) {
        char buf[QL_DECIMAL_TEXT_MAX];
        sb_puts(out, (ql_decimal_format(buf, sizeof buf, &e->v), buf));
    }
}

/* A sum, at least at `scale` places: the sum of no values (no rows, or
 * none with a value) is 0 at them, never an empty cell. */
static void put_sum(strbuf *out, const sumcell *c, const sumpool *pool,
                    int scale)
{
    char buf[160];
    sumcell_format(c, pool, scale, buf, sizeof buf);
    sb_putc(out, ',');
    sb_puts(out, buf);
}

/* One row of totals: scope, key cells (none: the total), rows, then the
 * outputs (their wide sums in pool). */
static void put_row(const totals *t, const char *key, const group *g,
                    const sumpool *pool, const long long *read_rejected,
                    strbuf *out)
{
    int total = !key;
    sb_puts(out, total ? "total" : "group");
    const char *k = key;
    for (size_t i = 0; i < t->ngroup; i++) {
        sb_putc(out, ',');
        size_t n = total ? 0 : strlen(k);
        csv_put_field(out, total ? "" : k, n);
        if (!total)
            k += n + 1;
    }
    sb_put_cell_count(out, g->rows);
    if (read_rejected) {
        sb_put_cell_count(out, read_rejected[0]);
        sb_put_cell_count(out, read_rejected[1]);
    } else {
        sb_puts(out, ",,");
    }
    for (size_t i = 0; i < t->nout; i++) {
        if (t->at[i] < 0)
            continue;
        const char *p = (const char *)g->a + t->at[i];
        if (t->check[i] >= 0) {
            const check_counts *n = (const check_counts *)(const void *)p;
            sb_put_cell_count(out, n->applicable);
            sb_put_cell_count(out, n->compliant);
            sb_put_cell_count(out, n->applicable - n->compliant);
            p += sizeof *n;
        }
        switch (t->agg[i]) {
        case QL_AGG_NONE: break;
        case QL_AGG_COUNT: sb_put_cell_count(out, *(const long long *)(const void *)p); break;
        case QL_AGG_SUM:
            put_sum(out, (const sumcell *)(const void *)p, pool, t->scale[i]);
            break;
        default: put_extreme(out, (const extreme *)(const void *)p); break;
        }
    }
    sb_putc(out, '\n');
}

int tot_write_csv(const totals *t, const char *const *group_names,
                  const unsigned char *by_value, long long read,
                  long long rejected, strbuf *out)
{
    const long long counts[2] = {read, rejected};
    static const char *const agg_word[] = {"", "sum", "count", "min", "max"};
    sb_puts(out, "scope");
    for (size_t i = 0; i < t->ngroup; i++) {
        sb_putc(out, ',');
        csv_put_field(out, group_names[i], strlen(group_names[i]));
    }
    sb_puts(out, ",rows,read,rejected");
    for (size_t i = 0; i < t->nout; i++) {
        const char *name = ql_ruleset_output_name(t->rs, i);
        if (t->check[i] >= 0) {
            static const char *const f[] = {"applicable", "compliant", "short",
                                            "shortfall"};
            for (int j = 0; j < 4; j++) {
                if (j == 3 && t->agg[i] == QL_AGG_NONE)
                    break; /* shortfalls that do not combine */
                strbuf h = {0};
                sb_puts(&h, name);
                sb_putc(&h, '_');
                sb_puts(&h, f[j]);
                if (j == 3 && t->agg[i] != QL_AGG_SUM) {
                    sb_putc(&h, '_');
                    sb_puts(&h, agg_word[t->agg[i] <= QL_AGG_MAX ? t->agg[i] : 0]);
                }
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
    /* the groups in key order, then all of them together (the total's
     * wide sums in a pool of its own: t is not changed) */
    const group_entry **order = groups_sorted(t->groups, t->ngroup, by_value);
    group *sum = calloc(1, sizeof *sum + t->size);
    sumpool pool = {0};
    int rc = order && sum ? 0 : -1;
    for (size_t gi = 0; !rc && gi < groups_count(t->groups); gi++) {
        const group *g = order[gi]->data;
        if (t->ngroup)
            put_row(t, order[gi]->key, g, &t->pool, NULL, out);
        rc = combine(t, sum, &pool, g, &t->pool);
    }
    if (!rc)
        put_row(t, NULL, sum, &pool, counts, out);
    sumpool_free(&pool);
    free(sum);
    free(order);
    return rc;
}
