/*
 * formulas.c — the sections of a rules file that hold expressions:
 * computed values (a list with `count:` becomes one definition an item),
 * checks, validations, and the outputs that report them.  Each
 * expression is parsed here; names and types are checked when the rule
 * set is compiled (typecheck.c).  See sections.c for the helpers.
 */
#include "util.h"
#include "yamltree.h"
#include "expr.h"
#include "ruleset.h"
#include "rules.h"
#include "snippet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses the expression in scalar n; `what` names it in messages. */
ql_status qli_rl_expression(loader *L, const ynode *n, const char *what,
                            ast **out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    const char *msg;
    size_t pos, open;
    *out = qli_parse_expression(n->text, n->len, L->ar, &msg, &pos, &open);
    if (*out)
        return QL_OK;
    if (msg == qli_msg_oom)
        return qli_rl_oom(L);
    int line, col, oline, ocol;
    qli_ynode_locate(n, pos, &line, &col);
    if (open == SIZE_MAX)
        return qli_fail(L->err, msg == qli_msg_too_high ? QL_ELIMIT : QL_EPARSE,
                       n->doc->file, line, col, "%s: %s", what, msg);
    qli_ynode_locate(n, open, &oline, &ocol);
    return qli_fail(L->err, QL_EPARSE, n->doc->file, line, col,
                   "%s: %s (to close the one at line %d, column %d)", what, msg,
                   oline, ocol);
}

/* `scale: N` (the places a number is shown with) and `display: MODE`
 * (the rounding, for display only, of a value with more places). */
static ql_status display_keys(loader *L, const ynode *v, const char *what,
                              int *scale, int *mode, const ynode **node)
{
    const ynode *sn, *dn = qli_ymap_get(v, "display");
    ql_status st = qli_rl_int_key(L, v, "scale", 0, QD_MAX_SCALE, scale, &sn);
    if (st)
        return st;
    *node = sn;
    if (!dn)
        return QL_OK;
    if ((st = qli_rl_want(L, dn, YN_SCALAR, "'display'")))
        return st;
    *mode = qli_qd_round_named(dn->text, dn->len);
    if (*mode < 0)
        return qli_yfail(L->err, QL_ESCHEMA, dn,
                     "%s: 'display' is the rounding for display only: "
                     "half_up, half_even, half_down, up, down, ceiling or "
                     "floor, not %s",
                     what, QLI_QUOTE_N(dn->text, dn->len));
    if (!sn)
        return qli_yfail(L->err, QL_ESCHEMA, dn,
                     "%s: 'display' rounds to the places of 'scale': give "
                     "'scale' too",
                     what);
    return QL_OK;
}

static ql_status unit_key(loader *L, const ynode *v, const char *what,
                          int *money)
{
    const ynode *un = qli_ymap_get(v, "unit");
    *money = 0;
    if (!un)
        return QL_OK;
    ql_status st = qli_rl_want(L, un, YN_SCALAR, "'unit'");
    if (st)
        return st;
    if (strcmp(un->text, "money"))
        return qli_yfail(L->err, QL_ESCHEMA, un,
                     "%s: unknown unit %s (expected money)", what,
                     QLI_QUOTE_N(un->text, un->len));
    if (L->rs->minor < 0)
        return qli_yfail(L->err, QL_ESCHEMA, un,
                     "%s is money, but the rule set names no currency: add "
                     "e.g. 'currency: CNY' at the top of the file",
                     what);
    *money = 1;
    return QL_OK;
}

static ql_status aggregate_key(loader *L, const ynode *v, const char *what,
                               int *agg, const ynode **node)
{
    static const char *const words[] = {"none", "sum", "count", "min", "max"};
    const ynode *an = qli_ymap_get(v, "aggregate");
    *node = an;
    if (!an)
        return QL_OK;
    ql_status st = qli_rl_want(L, an, YN_SCALAR, "'aggregate'");
    if (st)
        return st;
    for (int i = 0; i < (int)(sizeof words / sizeof *words); i++)
        if (!strcmp(an->text, words[i])) {
            *agg = i;
            return QL_OK;
        }
    return qli_yfail(L->err, QL_ESCHEMA, an,
                 "%s: 'aggregate' says how totals combine it: none, sum, "
                 "count, min or max, not %s",
                 what, QLI_QUOTE_N(an->text, an->len));
}

static ql_status computed_entry(loader *L, const entry *ent, computed_def *d)
{

    static const char *const keys[] = {"expr", "description", "source",
                                       "count", "scale", "display", "unit",
                                       "aggregate", NULL};
    const ynode *v = ent->val;
    d->name = ent->name;
    d->key = ent->key;
    const char *what = qli_ar_printf(L->ar, "computed '%s'", d->name);
    if (!what)
        return qli_rl_oom(L);
    ql_status st;
    d->expr = v;
    d->decl_scale = d->decl_mode = d->agg = -1;
    if (v->kind == YN_MAP) {
        if ((st = qli_rl_keys(L, v, what, keys)) ||
            (st = qli_rl_optional(L, v, "description", &d->description)) ||
            (st = qli_rl_citation(L, v, what, 0, &d->source)) ||
            (st = display_keys(L, v, what, &d->decl_scale, &d->decl_mode,
                               &d->scale_node)) ||
            (st = unit_key(L, v, what, &d->decl_money)) ||
            (st = aggregate_key(L, v, what, &d->agg, &d->agg_node)))
            return st;
        d->expr = qli_ymap_get(v, "expr");
        if (!d->expr)
            return qli_yfail(L->err, QL_ESCHEMA, v, "%s needs 'expr'", what);
    }
    if ((st = qli_rl_expression(L, d->expr, what, &d->tree)))
        return st;
    d->formula = d->expr->text;
    return QL_OK;
}

ql_status qli_rl_build_computed(loader *L)
{
    section *s = &L->sec[SEC_COMPUTED];
    ql_ruleset *rs = L->rs;
    size_t items;
    ql_status lim = qli_rl_section_items(L, s, "computed values", &items);
    if (lim)
        return lim;
    rs->computed = qli_ar_alloc(L->ar, (items + 1) * sizeof *rs->computed);
    if (!rs->computed)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        computed_def *d = &rs->computed[rs->n_computed];
        int count = 0;
        ql_status st = computed_entry(L, &s->items[i], d);
        /* its name for messages, made once: NULL is out of memory */
        const char *what = st ? NULL
                              : qli_ar_printf(L->ar, "computed '%s'", d->name);
        if (st == QL_OK && !what)
            return qli_rl_oom(L);
        if (st == QL_OK)
            st = qli_rl_list_count(L, s->items[i].val, what, &count);
        if (st == QL_OK && count == 0) {
            rs->n_computed++;
            continue;
        }
        /* a list: each item gets its own syntax tree, since the type
         * checker resolves the list names in it to that item */
        computed_def tmpl = *d;
        for (int k = 1; st == QL_OK && k <= count; k++) {
            computed_def *it = &rs->computed[rs->n_computed + (size_t)k - 1];
            *it = tmpl;
            if (!(it->name = qli_rl_item_name(L, tmpl.name, k))) {
                st = qli_rl_oom(L);
                break;
            }
            it->family = tmpl.name;
            it->elem = k;
            it->family_len = count;
            if (k > 1)
                st = qli_rl_expression(L, tmpl.expr, what, &it->tree);
        }
        if (st == QL_OK)
            rs->n_computed += (size_t)count;
        else if ((st = qli_rl_keep_going(L, st)))
            return st;
        else
            memset(d, 0, sizeof *d);
    }
    return QL_OK;
}

static ql_status check_entry(loader *L, const entry *ent, check_def *d)
{

    static const char *const keys[] = {"title", "description", "source",
                                       "from", "until", "applies", "required",
                                       "actual", "shortfall", "compliant",
                                       "scale", "display", "aggregate", NULL};
    static const char *const parts[5] = {"applies", "required", "actual",
                                         "shortfall", "compliant"};
    const ynode *v = ent->val;
    d->name = ent->name;
    d->key = ent->key;
    const char *what = qli_ar_printf(L->ar, "check '%s'", d->name);
    if (!what)
        return qli_rl_oom(L);
    ql_status st;
    if ((st = qli_rl_want(L, v, YN_MAP, what)) ||
        (st = qli_rl_keys(L, v, what, keys)) ||
        (st = qli_rl_required(L, v, "title", what, &d->title)) ||
        (st = qli_rl_optional(L, v, "description", &d->description)) ||
        (st = qli_rl_citation(L, v, what, 1, &d->source)))
        return st;
    const ynode *sn;
    d->decl_scale = d->decl_mode = d->agg = -1;
    if ((st = display_keys(L, v, what, &d->decl_scale, &d->decl_mode, &sn)) ||
        (st = aggregate_key(L, v, what, &d->agg, &d->agg_node)))
        return st;
    d->from = d->until = -1;
    const ynode *f = qli_ymap_get(v, "from"), *u = qli_ymap_get(v, "until");
    if (f && (st = qli_rl_date_value(L, f, "from", &d->from)))
        return st;
    if (u && (st = qli_rl_date_value(L, u, "until", &d->until)))
        return st;
    if (f && u && d->until < d->from)
        return qli_rl_until_before_from(L, u, what, d->from, d->until);
    for (int p = 0; p < 5; p++) {
        const ynode *e = qli_ymap_get(v, parts[p]);
        if (!e) {
            if (p == 1 || p == 2)
                return qli_yfail(L->err, QL_ESCHEMA, v, "%s needs '%s'", what,
                             parts[p]);
            continue;
        }
        const char *pw = qli_ar_printf(L->ar, "check '%s' %s", d->name, parts[p]);
        if (!pw)
            return qli_rl_oom(L);
        d->expr[p] = e;
        if ((st = qli_rl_expression(L, e, pw, &d->tree[p])))
            return st;
    }
    return QL_OK;
}

ql_status qli_rl_build_checks(loader *L)
{
    section *s = &L->sec[SEC_CHECKS];
    ql_ruleset *rs = L->rs;
    rs->checks = qli_ar_alloc(L->ar, (s->n + 1) * sizeof *rs->checks);
    if (!rs->checks)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        check_def *d = &rs->checks[rs->n_checks];
        ql_status st = check_entry(L, &s->items[i], d);
        if (st == QL_OK)
            rs->n_checks++;
        else if ((st = qli_rl_keep_going(L, st)))
            return st;
        else
            memset(d, 0, sizeof *d);
    }
    return QL_OK;
}

/* Whether `field`, no input, names one (for "p[3]", the list p) whose
 * definition failed — an error of its own, already reported — rather
 * than one that is nowhere, or a list that loaded without that item. */
static int failed_input(const loader *L, const char *field)
{
    size_t n = strlen(field);
    const char *br = n && field[n - 1] == ']' ? strrchr(field, '[') : NULL;
    size_t bl = br ? (size_t)(br - field) : n;
    char name[QL_MAX_NAME + 8];
    if (bl > QL_MAX_NAME || !qli_rl_failed_definition(L, SEC_INPUTS, field, bl))
        return 0;
    snprintf(name, sizeof name, "%.*s", (int)bl, field);
    if (ql_ruleset_input_index(L->rs, name) >= 0)
        return 0; /* an input that loaded: no such item of it */
    snprintf(name, sizeof name, "%.*s[1]", (int)bl, field);
    return ql_ruleset_input_index(L->rs, name) < 0;
}

/* Builds validation d; *derived set (and QL_OK) when its `field:` names
 * an input whose definition failed: not reported again (P13-15). */
static ql_status validation_entry(loader *L, const entry *ent, validation_def *d,
                                  int *derived)
{
    ql_ruleset *rs = L->rs;

    static const char *const keys[] = {"rule", "message", "field", NULL};
    const ynode *v = ent->val;
    d->name = ent->name;
    d->key = ent->key;
    const char *what = qli_ar_printf(L->ar, "validation '%s'", d->name);
    if (!what)
        return qli_rl_oom(L);
    const char *field;
    ql_status st;
    if ((st = qli_rl_want(L, v, YN_MAP, what)) ||
        (st = qli_rl_keys(L, v, what, keys)) ||
        (st = qli_rl_required(L, v, "message", what, &d->message)) ||
        (st = qli_rl_optional(L, v, "field", &field)))
        return st;
    d->field = -1;
    if (field) {
        d->field = ql_ruleset_input_index(rs, field);
        if (d->field < 0 && failed_input(L, field)) {
            *derived = 1; /* its input failed, and said so */
            return QL_OK;
        }
        if (d->field < 0) {
            qli_suggest sg;
            char hint[QL_MAX_NAME + 32];
            qli_suggest_init(&sg, field, strlen(field));
            for (size_t i = 0; i < rs->n_inputs; i++)
                qli_suggest_try(&sg, rs->inputs[i].name);
            return qli_yfail(L->err, QL_ENAME, qli_ymap_get(v, "field"),
                         "%s: %s is not an input%s", what, QLI_QUOTE(field),
                         qli_suggest_text(&sg, hint, sizeof hint));
        }
    }
    d->expr = qli_ymap_get(v, "rule");
    if (!d->expr)
        return qli_yfail(L->err, QL_ESCHEMA, v, "%s needs a 'rule'", what);
    if ((st = qli_rl_expression(L, d->expr, what, &d->tree)))
        return st;
    return QL_OK;
}

ql_status qli_rl_build_validations(loader *L)
{
    section *s = &L->sec[SEC_VALID];
    ql_ruleset *rs = L->rs;
    rs->valid = qli_ar_alloc(L->ar, (s->n + 1) * sizeof *rs->valid);
    if (!rs->valid)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        validation_def *d = &rs->valid[rs->n_valid];
        int derived = 0;
        ql_status st = validation_entry(L, &s->items[i], d, &derived);
        if (st == QL_OK && derived)
            memset(d, 0, sizeof *d);
        else if (st == QL_OK)
            rs->n_valid++;
        else if ((st = qli_rl_keep_going(L, st)))
            return st;
        else
            memset(d, 0, sizeof *d);
    }
    return QL_OK;
}

/* What an output may name, found by name in one lookup: computed
 * values (index k), then checks (n_computed + k), then inputs; and the
 * lists, by the name of their first item's family. */
typedef struct out_names {
    const ql_ruleset *rs;
    qli_names values, lists;
    uint8_t *listed; /* per value: already an output */
} out_names;

static const char *value_name(const void *owner, size_t i)
{
    const ql_ruleset *rs = ((const out_names *)owner)->rs;
    if (i < rs->n_computed)
        return rs->computed[i].name;
    i -= rs->n_computed;
    return i < rs->n_checks ? rs->checks[i].name
                            : rs->inputs[i - rs->n_checks].name;
}

static const char *list_name(const void *owner, size_t i)
{
    const ql_ruleset *rs = ((const out_names *)owner)->rs;
    return i < rs->n_computed ? rs->computed[i].family
                              : rs->inputs[i - rs->n_computed].family;
}

static int out_names_init(out_names *t, const ql_ruleset *rs)
{
    size_t nc = rs->n_computed, nk = rs->n_checks, ni = rs->n_inputs;
    memset(t, 0, sizeof *t);
    t->rs = rs;
    if (qli_names_init(&t->values, nc + nk + ni, NULL) ||
        qli_names_init(&t->lists, nc + ni, NULL) ||
        !(t->listed = calloc(nc + nk + ni + 1, 1)))
        return -1;
    for (size_t k = 0; k < nc + nk + ni; k++) {
        const char *s = value_name(t, k);
        if (qli_names_add(&t->values, k, s, strlen(s)))
            return -1;
    }
    for (size_t k = 0; k < nc + ni; k++) {
        const char *f = list_name(t, k);
        int first = k < nc ? rs->computed[k].elem == 1
                           : rs->inputs[k - nc].elem == 1;
        if (f && first && qli_names_add(&t->lists, k, f, strlen(f)))
            return -1;
    }
    return 0;
}

static void out_names_free(out_names *t)
{
    qli_names_free(&t->values);
    qli_names_free(&t->lists);
    free(t->listed);
}

static ql_status build_outputs(loader *L, const ynode *o, out_names *t);

/* The size of the list `name` (a computed value's first, then an
 * input's), or 0 if no list has that name. */
static int list_size(const out_names *t, const char *name)
{
    long k = qli_names_find(&t->lists, name, strlen(name), list_name, t);
    if (k < 0)
        return 0;
    const ql_ruleset *rs = t->rs;
    return (size_t)k < rs->n_computed
               ? rs->computed[k].family_len
               : rs->inputs[(size_t)k - rs->n_computed].family_len;
}

/* One reported value: a computed value, check or input, listed once. */
static ql_status output_entry(loader *L, out_names *t, const ynode *n,
                              const char *name, output_def *d)
{
    const ql_ruleset *rs = L->rs;
    d->name = name;
    d->node = n;
    d->index = -1;
    long k = qli_names_find(&t->values, name, strlen(name), value_name, t);
    const ynode *gone = k < 0 ? qli_removed_name(rs, name, strlen(name)) : NULL;
    if (gone)
        return qli_yfail(L->err, QL_ENAME, n,
                         "output %s is removed by %s:%d:%d ('remove:'), "
                         "but 'outputs' still lists it: give the file that "
                         "removes it its own 'outputs', or keep it",
                         QLI_QUOTE(name), gone->doc->file, gone->line, gone->column);
    if (k < 0) {
        qli_suggest sg;
        char hint[QL_MAX_NAME + 32];
        qli_suggest_init(&sg, name, strlen(name));
        for (size_t j = 0; j < rs->n_computed; j++)
            qli_suggest_try(&sg, rs->computed[j].name);
        for (size_t j = 0; j < rs->n_checks; j++)
            qli_suggest_try(&sg, rs->checks[j].name);
        for (size_t j = 0; j < rs->n_inputs; j++)
            qli_suggest_try(&sg, rs->inputs[j].name);
        return qli_yfail(L->err, QL_ENAME, n,
                     "output %s is not a computed value, check or input%s",
                     QLI_QUOTE(name), qli_suggest_text(&sg, hint, sizeof hint));
    }
    size_t nc = rs->n_computed, nk = rs->n_checks;
    if ((size_t)k < nc)
        d->kind = OUT_COMPUTED, d->index = (int)k;
    else if ((size_t)k < nc + nk)
        d->kind = OUT_CHECK, d->index = (int)((size_t)k - nc);
    else
        d->kind = OUT_INPUT, d->index = (int)((size_t)k - nc - nk);
    if (t->listed[k]) {
        d->index = -1;
        return qli_yfail(L->err, QL_ENAME, n, "output %s is listed twice",
                         QLI_QUOTE(name));
    }
    t->listed[k] = 1;
    return QL_OK;
}

ql_status qli_rl_build_outputs(loader *L, const ynode *fallback)
{
    ql_ruleset *rs = L->rs;
    const ynode *o = L->outputs;
    ql_status st;
    if (!o)
        return qli_yfail(L->err, QL_ESCHEMA, fallback,
                     "a rules file needs 'outputs': the list of computed "
                     "values and checks to report");
    if ((st = qli_rl_want(L, o, YN_SEQ, "'outputs'")))
        return st;
    out_names t;
    if (out_names_init(&t, rs)) {
        out_names_free(&t);
        return qli_rl_oom(L);
    }
    st = build_outputs(L, o, &t);
    out_names_free(&t);
    return st;
}

/* Whether output `name` is not a value because the definition it names
 * (an input, computed value or check; for "p[3]", the list p) failed. */
static int failed_value(loader *L, const out_names *t, const char *name)
{
    size_t n = strlen(name);
    if (qli_names_find(&t->values, name, n, value_name, t) >= 0)
        return 0;
    const char *br = n && name[n - 1] == ']' ? strrchr(name, '[') : NULL;
    if (br) {
        n = (size_t)(br - name);
        if (qli_names_find(&t->lists, name, n, list_name, t) >= 0)
            return 0; /* the list is there: the item is not */
    }
    return qli_rl_failed_definition(L, SEC_INPUTS, name, n) ||
           qli_rl_failed_definition(L, SEC_COMPUTED, name, n) ||
           qli_rl_failed_definition(L, SEC_CHECKS, name, n);
}

static ql_status build_outputs(loader *L, const ynode *o, out_names *t)
{
    ql_ruleset *rs = L->rs;
    ql_status st;
    /* a list's name reports each of its items */
    size_t room = 1;
    for (size_t i = 0; i < o->n; i++) {
        int len = o->items[i]->kind == YN_SCALAR
                      ? list_size(t, o->items[i]->text) : 0;
        room += len ? (size_t)len : 1;
    }
    rs->outputs = qli_ar_alloc(L->ar, room * sizeof *rs->outputs);
    if (!rs->outputs)
        return qli_rl_oom(L);
    for (size_t i = 0; i < o->n; i++) {
        const ynode *n = o->items[i];
        if ((st = qli_rl_want(L, n, YN_SCALAR, "an output"))) {
            if ((st = qli_rl_keep_going(L, st)))
                return st;
            continue;
        }
        int len = list_size(t, n->text);
        if (!len && failed_value(L, t, n->text))
            continue; /* its definition failed, and said so */
        for (int k = len ? 1 : 0; k <= len; k++) {
            output_def *d = &rs->outputs[rs->n_outputs];
            const char *name = k ? qli_rl_item_name(L, n->text, k) : n->text;
            if (!name)
                return qli_rl_oom(L);
            st = output_entry(L, t, n, name, d);
            if (st == QL_OK) {
                rs->n_outputs++;
            } else if ((st = qli_rl_keep_going(L, st))) {
                return st;
            } else {
                memset(d, 0, sizeof *d);
                break;
            }
        }
    }
    return QL_OK;
}

