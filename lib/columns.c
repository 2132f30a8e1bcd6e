/*
 * columns.c — one column name, one meaning.  Every front end writes a
 * record's outputs under the same column names (the command's CSV and
 * JSON Lines, Python's dicts and frames): `id`, then each output by its
 * name, a check as NAME_applicable … NAME_shortfall.  The command's
 * summary has `scope`, `rows`, then each totalled output under a name
 * its aggregate makes.  Two outputs making one name (a check `k` and a
 * computed `k_applicable`, an output `n` with `aggregate: min` and an
 * output `n_min`, an output called `id` or `rows`) would give a file
 * two columns of that name, and a reader keeps one of them without a
 * word; so the rule set does not load, and the message names both.
 */
#include "columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamltree.h"

typedef struct col {
    char *name;
    int out;         /* the output making it; −1: the table's own column */
    const char *how; /* what of the output it holds, or what the own
                        column is */
} col;

typedef struct table {
    const char *what; /* "column", "summary column" */
    col *c;
    size_t n, cap;
    int oom;
} table;

static void add(table *t, int out, const char *how, const char *name,
                const char *suffix)
{
    if (t->oom)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        col *c = realloc(t->c, cap * sizeof *c);
        if (!c) {
            t->oom = 1;
            return;
        }
        t->c = c;
        t->cap = cap;
    }
    size_t a = strlen(name), b = suffix ? strlen(suffix) : 0;
    char *s = malloc(a + b + 2);
    if (!s) {
        t->oom = 1;
        return;
    }
    memcpy(s, name, a);
    if (suffix) {
        s[a] = '_';
        memcpy(s + a + 1, suffix, b);
        a += b + 1;
    }
    s[a] = '\0';
    t->c[t->n++] = (col){s, out, how};
}

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->c[i].name);
    free(t->c);
}

static int by_name(const void *x, const void *y)
{
    const col *a = x, *b = y;
    int r = strcmp(a->name, b->name);
    return r ? r : (a->out > b->out) - (a->out < b->out);
}

/* "check 'k' (its applicable part)", "output 'n' (aggregate: min)". */
static void describe(char *buf, size_t size, const ql_ruleset *rs, const col *c)
{
    const output_def *o = &rs->outputs[c->out];
    snprintf(buf, size, "%s '%.60s'%s%s%s",
             o->kind == OUT_CHECK ? "check" : "output", o->name,
             c->how ? " (" : "", c->how ? c->how : "", c->how ? ")" : "");
}

/* Each name made twice, reported at the output listed later. */
static ql_status collisions(const ql_ruleset *rs, table *t, ql_error *err,
                            ql_diag *diag)
{
    ql_status first = QL_OK;
    qsort(t->c, t->n, sizeof *t->c, by_name);
    for (size_t i = 1; i < t->n; i++) {
        size_t j = i;
        while (j > 0 && !strcmp(t->c[j - 1].name, t->c[i].name))
            j--;
        if (j == i)
            continue; /* the first of its name */
        const col *a = &t->c[j], *b = &t->c[i];
        char later[256], other[256];
        describe(later, sizeof later, rs, b);
        ql_status st;
        if (a->out < 0) {
            st = qli_yfail(err, QL_ENAME, rs->outputs[b->out].node,
                           "%s makes the %s '%.80s', which is %s: rename it",
                           later, t->what, b->name, a->how);
        } else {
            const ynode *n = rs->outputs[a->out].node;
            const ynode *m = rs->outputs[b->out].node;
            describe(other, sizeof other, rs, a);
            char at[96];
            if (n->doc == m->doc)
                snprintf(at, sizeof at, "line %d", n->line);
            else
                snprintf(at, sizeof at, "%.60s:%d", n->doc->file, n->line);
            st = qli_yfail(err, QL_ENAME, m,
                           "%s makes the %s '%.80s', as %s at %s does: a "
                           "file would have two columns of that name; "
                           "rename one",
                           later, t->what, b->name, other, at);
        }
        if (!first)
            first = st;
        if (!qli_diag_note(diag, err, st))
            return st;
    }
    return first;
}

static const char *const check_parts[] = {"applicable", "compliant", "required",
                                          "actual", "shortfall"};
static const char *const check_part_how[] = {
    "its applicable part", "its compliant part", "its required part",
    "its actual part", "its shortfall part"};
/* The summary's columns of a check: units it applies to, compliant,
 * short, and the total shortfall. */
static const char *const summary_parts[] = {"applicable", "compliant", "short",
                                            "shortfall"};
static const char *const summary_part_how[] = {
    "its count of units it applies to", "its count of compliant units",
    "its count of units short", "its total shortfall"};

static void record_columns(const ql_ruleset *rs, table *t)
{
    add(t, -1, "the record's id", "id", NULL);
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        if (o->kind != OUT_CHECK) {
            add(t, (int)i, NULL, o->name, NULL);
            continue;
        }
        for (int p = 0; p < 5; p++)
            add(t, (int)i, check_part_how[p], o->name, check_parts[p]);
    }
}

static void summary_columns(const ql_ruleset *rs, table *t)
{
    add(t, -1, "the summary's first column (group or total)", "scope", NULL);
    add(t, -1, "the summary's row count", "rows", NULL);
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        if (o->kind == OUT_CHECK) {
            int agg = rs->checks[o->index].agg;
            for (int p = 0; p < 3; p++)
                add(t, (int)i, summary_part_how[p], o->name, summary_parts[p]);
            if (agg == QL_AGG_SUM)
                add(t, (int)i, summary_part_how[3], o->name, summary_parts[3]);
            else if (agg == QL_AGG_MIN || agg == QL_AGG_MAX)
                add(t, (int)i, summary_part_how[3], o->name,
                    agg == QL_AGG_MIN ? "shortfall_min" : "shortfall_max");
            continue;
        }
        switch (o->agg) {
        case QL_AGG_SUM: add(t, (int)i, "aggregate: sum", o->name, NULL); break;
        case QL_AGG_COUNT:
            add(t, (int)i, "aggregate: count", o->name, "count");
            break;
        case QL_AGG_MIN:
            add(t, (int)i, "aggregate: min", o->name, "min");
            break;
        case QL_AGG_MAX:
            add(t, (int)i, "aggregate: max", o->name, "max");
            break;
        default: break; /* not in the summary */
        }
    }
}

ql_status qli_col_check(ql_ruleset *rs, ql_error *err, ql_diag *diag)
{
    table rec = {"column", NULL, 0, 0, 0};
    table sum = {"summary column", NULL, 0, 0, 0};
    record_columns(rs, &rec);
    summary_columns(rs, &sum);
    ql_status st;
    if (rec.oom || sum.oom) {
        st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    } else {
        st = collisions(rs, &rec, err, diag);
        if (st == QL_OK || (diag && !diag->stopped && st != QL_ENOMEM)) {
            ql_status s2 = collisions(rs, &sum, err, diag);
            st = st ? st : s2;
        }
    }
    table_free(&rec);
    table_free(&sum);
    return st;
}
