/*
 * totals.c — exact totals of a batch, per group: see totals.h.
 */
#include "totals.h"
#include "groups.h"
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
    /* a check: units it applies to, compliant ones, and its shortfalls
     * combined as the check says (sum, or least/greatest in v) */
    long long applicable, compliant;
    widesum shortfall;
    unsigned char has_short;
} acc;

/* A group's running values: its rows, then one acc per output. */
typedef struct group {
    long long rows;
    acc a[];
} group;

struct totals {
    const ql_ruleset *rs;
    size_t ngroup, nout;
    int *check;           /* per output: its check index, or −1 */
    ql_aggregate *agg;    /* per output: its own, or a check's shortfall's */
    int *scale;           /* per output: the places its sum is shown with */
    group_table *groups;  /* key → group */
};

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
    t->groups = groups_new(sizeof(group) + t->nout * sizeof(acc));
    if (!t->check || !t->agg || !t->scale || !t->groups) {
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
    }
    return t;
}

void tot_free(totals *t)
{
    if (!t)
        return;
    groups_free(t->groups);
    free(t->check);
    free(t->agg);
    free(t->scale);
    free(t);
}

static int add_num(widesum *to, unsigned char *has, const ql_decimal *v)
{
    if (widesum_add(to, v))
        return -1;
    *has = 1;
    return 0;
}

/* Folds value v into a as aggregation `agg` says; −1 for a number
 * outside the decimal's range (widesum_add). */
static int fold(acc *a, ql_aggregate agg, const ql_value *v)
{
    if (v->type == QL_TYPE_NONE)
        return 0;
    switch (agg) {
    case QL_AGG_SUM:
        if (v->type == QL_TYPE_NUMBER)
            return add_num(&a->sum, &a->has, &v->number);
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
        acc *a = &g->a[i];
        if (t->check[i] >= 0) {
            ql_check_result c = QL_CHECK_RESULT_INIT;
            if (ql_result_check(&c, res, (size_t)t->check[i]) || !c.applicable)
                continue;
            a->applicable++;
            a->compliant += c.compliant != 0;
            if (t->agg[i] == QL_AGG_SUM) {
                if (c.shortfall.type == QL_TYPE_NUMBER &&
                    add_num(&a->shortfall, &a->has_short, &c.shortfall.number))
                    return -1;
            } else if (t->agg[i] != QL_AGG_NONE) {
                (void)fold(a, t->agg[i], &c.shortfall);
            }
            continue;
        }
        if (t->agg[i] == QL_AGG_NONE)
            continue;
        ql_value v = QL_VALUE_INIT;
        if (ql_result_output(&v, res, i) == QL_OK && fold(a, t->agg[i], &v))
            return -1;
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
        if (!b->has || (t->agg[i] != QL_AGG_MIN && t->agg[i] != QL_AGG_MAX))
            return;
    } else if (!b->has) {
        return;
    }
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
        (void)fold(a, t->agg[i], &v); /* least or greatest: no sum */
        break;
    }
    default:
        break;
    }
}

int tot_merge(totals *t, const totals *from)
{
    for (size_t gi = 0; gi < groups_count(from->groups); gi++) {
        const group_entry *be = groups_at(from->groups, gi);
        group_entry *ae = groups_find_key(t->groups, be->key, be->key_len);
        if (!ae)
            return -1;
        group *a = ae->data;
        const group *b = be->data;
        a->rows += b->rows;
        for (size_t i = 0; i < t->nout; i++)
            combine(t, i, &a->a[i], &b->a[i]);
    }
    return 0;
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

/* A sum, at least at `scale` places: the sum of no values (no rows, or
 * none with a value) is 0 at them, never an empty cell. */
static void put_sum(strbuf *out, const widesum *w, int scale)
{
    char buf[160];
    widesum v = *w;
    if (scale > v.scale)
        v.scale = scale;
    widesum_format(&v, buf, sizeof buf);
    sb_putc(out, ',');
    sb_puts(out, buf);
}

/* One row of totals: scope, key cells (none: the total), rows, then the
 * outputs. */
static void put_row(const totals *t, const char *key, const group *g,
                    const long long *read_rejected, strbuf *out)
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
    put_count(out, g->rows);
    if (read_rejected) {
        put_count(out, read_rejected[0]);
        put_count(out, read_rejected[1]);
    } else {
        sb_puts(out, ",,");
    }
    for (size_t i = 0; i < t->nout; i++) {
        const acc *a = &g->a[i];
        if (t->check[i] >= 0) {
            put_count(out, a->applicable);
            put_count(out, a->compliant);
            put_count(out, a->applicable - a->compliant);
            if (t->agg[i] == QL_AGG_SUM)
                put_sum(out, &a->shortfall, t->scale[i]);
            else if (t->agg[i] != QL_AGG_NONE)
                put_dec(out, &a->v, a->has);
            continue;
        }
        switch (t->agg[i]) {
        case QL_AGG_NONE: break;
        case QL_AGG_COUNT: put_count(out, a->n); break;
        case QL_AGG_SUM: put_sum(out, &a->sum, t->scale[i]); break;
        default: put_dec(out, &a->v, a->has); break;
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
    /* the groups in key order, then all of them together */
    const group_entry **order = groups_sorted(t->groups, t->ngroup, by_value);
    group *sum = calloc(1, sizeof *sum + t->nout * sizeof *sum->a);
    if (!order || !sum) {
        free(order);
        free(sum);
        return -1;
    }
    for (size_t gi = 0; gi < groups_count(t->groups); gi++) {
        const group *g = order[gi]->data;
        if (t->ngroup)
            put_row(t, order[gi]->key, g, NULL, out);
        sum->rows += g->rows;
        for (size_t i = 0; i < t->nout; i++)
            combine(t, i, &sum->a[i], &g->a[i]);
    }
    put_row(t, NULL, sum, counts, out);
    free(sum);
    free(order);
    return 0;
}
