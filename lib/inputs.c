/*
 * inputs.c — the `inputs` section: each input's type (decimal, integer,
 * money, bool, enum, string, date), its scale or currency, enum values,
 * bounds, default and whether it is required, checked against each
 * other, and the index of inputs by name.
 */
#include "date.h"
#include "decimal.h"
#include "rules.h"
#include "ruleset.h"
#include "snippet.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *word;
    vkind kind;
    int integer;
} input_types[] = {{"decimal", VK_NUMBER, 0}, {"integer", VK_NUMBER, 1},
                   {"money", VK_NUMBER, 0},   {"bool", VK_BOOL, 0},
                   {"enum", VK_ENUM, 0},      {"string", VK_STRING, 0},
                   {"date", VK_DATE, 0}};

static ql_status build_enum(loader *L, input_def *d, const ynode *vals)
{
    ql_status st;
    if (!vals)
        return qli_yfail(
            L->err, QL_ESCHEMA, d->key,
            "enum input '%s' needs 'values', the list of allowed values",
            d->name);
    if ((st = qli_rl_want(L, vals, YN_SEQ, "'values'")))
        return st;
    if (vals->n == 0)
        return qli_yfail(L->err, QL_ESCHEMA, vals, "'values' is empty");
    if (vals->n > QL_MAX_ENUM_VALUES) /* 200,000 took 9 minutes to load */
        return qli_yfail(L->err, QL_ELIMIT, vals->items[QL_MAX_ENUM_VALUES],
                         "more than %d enum values (QL_MAX_ENUM_VALUES)",
                         QL_MAX_ENUM_VALUES);
    d->en.name = d->name;
    d->en.n = vals->n;
    d->en.values = qli_ar_alloc(L->ar, vals->n * sizeof *d->en.values);
    d->en.lens = qli_ar_alloc(L->ar, vals->n * sizeof *d->en.lens);
    if (!d->en.values || !d->en.lens)
        return qli_rl_oom(L);
    for (size_t i = 0; i < vals->n; i++) {
        const ynode *v = vals->items[i];
        if ((st = qli_rl_want(L, v, YN_SCALAR, "an enum value")))
            return st;
        if (v->len == 0)
            return qli_yfail(
                L->err, QL_ESCHEMA, v,
                "an enum value cannot be empty (an empty field means "
                "'not given')");
        /* a record's field is read with its surrounding blanks
         * trimmed, so a value with such blanks could never be given
         * (P2-29): a formula comparing with it would be always false */
        if (v->text[0] == ' ' || v->text[0] == '\t' ||
            v->text[v->len - 1] == ' ' || v->text[v->len - 1] == '\t')
            return qli_yfail(L->err, QL_ESCHEMA, v,
                             "enum value %s begins or ends with a blank, "
                             "which a record's field never does (its "
                             "surrounding blanks are ignored)",
                             QLI_QUOTE_N(v->text, v->len));
        /* two values that look alike would be two values (P4-09) */
        if ((st = qli_rl_text_ok(L, v, "enum value")))
            return st;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d->en.values[j], v->text))
                return qli_yfail(L->err, QL_ESCHEMA, v,
                                 "enum value %s is listed twice",
                                 QLI_QUOTE_N(v->text, v->len));
        d->en.values[i] = v->text;
        d->en.lens[i] = v->len;
    }
    d->type.en = &d->en;
    return QL_OK;
}

/* The places an input's values may have: a decimal's `scale:` (any when
 * absent), none for an integer, the currency's minor unit for money. */
static ql_status input_scale(loader *L, input_def *d, const ynode *v,
                             const char *what)
{
    const ynode *sn;
    int scale = -1;
    ql_status st = qli_rl_int_key(L, v, "scale", 0, QD_MAX_SCALE, &scale, &sn);
    if (st)
        return st;
    int money = !strcmp(d->type_word, "money");
    if (sn && (d->type.kind != VK_NUMBER || d->integer || money))
        return qli_yfail(L->err, QL_ESCHEMA, sn,
                         "%s: 'scale' is for decimal inputs (%s)", what,
                         money        ? "money has the currency's minor unit"
                         : d->integer ? "an integer has none"
                                      : "only numbers have places");
    if (money) {
        if (L->rs->minor < 0)
            return qli_yfail(L->err, QL_ESCHEMA, d->key,
                             "%s is money, but the rule set names no currency: "
                             "add e.g. 'currency: CNY' at the top of the file",
                             what);
        scale = L->rs->minor;
    }
    if (d->integer)
        scale = 0;
    d->scale = scale;
    d->type.money = (uint8_t)money;
    d->type.scale = (uint8_t)(scale < 0 ? QL_SCALE_ANY : scale);
    return QL_OK;
}

/* Parses a default value (or any typed scalar) for input d. */
static ql_status typed_scalar(loader *L, const input_def *d, const ynode *n,
                              qval *out)
{
    ql_status st;
    switch (d->type.kind) {
    case VK_NUMBER: return qli_rl_number_value(L, n, "default", &out->num);
    case VK_BOOL: { /* naming the input (P13-15); no allocation */
        char what[QL_MAX_NAME + 32];
        snprintf(what, sizeof what, "input '%s': default", d->name);
        return qli_rl_bool_value(L, n, what, &out->b);
    }
    case VK_DATE: return qli_rl_date_value(L, n, "default", &out->date);
    case VK_STRING:
        if ((st = qli_rl_want(L, n, YN_SCALAR, "default")) ||
            (st = qli_rl_text_ok(L, n, "default")))
            return st;
        out->str.s = n->text;
        out->str.len = (uint32_t)n->len;
        return QL_OK;
    case VK_ENUM:
        if ((st = qli_rl_want(L, n, YN_SCALAR, "default")))
            return st;
        for (size_t i = 0; i < d->en.n; i++)
            if (!strcmp(d->en.values[i], n->text)) {
                out->en = (int32_t)i;
                return QL_OK;
            }
        return qli_yfail(L->err, QL_ESCHEMA, n,
                         "default %s is not one of the enum's values",
                         QLI_QUOTE_N(n->text, n->len));
    default: return qli_yfail(L->err, QL_ESCHEMA, n, "bad type");
    }
}

/* Whether an integer input's bounds leave a whole number between them:
 * the least whole number they admit is not above the greatest. */
static int bounds_admit_integer(const input_def *d)
{
    static const qd one = {1, 0};
    qd lo, hi;
    if (qli_qd_round_to(&lo, &d->min, 0, QD_CEILING) ||
        qli_qd_round_to(&hi, &d->max, 0, QD_FLOOR))
        return 1; /* at the edge of the range: leave it to the record */
    if (d->min_excl && !qli_qd_cmp(&lo, &d->min) && qli_qd_add(&lo, &lo, &one))
        return 1;
    if (d->max_excl && !qli_qd_cmp(&hi, &d->max) && qli_qd_sub(&hi, &hi, &one))
        return 1;
    return qli_qd_cmp(&lo, &hi) <= 0;
}

/* A lower bound above the upper one admits no value at all; for an
 * integer, bounds with no whole number between them neither. */
static ql_status bounds_agree(loader *L, const input_def *d, const ynode *v)
{
    if (!d->has_min || !d->has_max)
        return QL_OK;
    int c = qli_qd_cmp(&d->min, &d->max);
    int empty = !(c < 0 || (c == 0 && !d->min_excl && !d->max_excl));
    if (!empty && (!d->integer || bounds_admit_integer(d)))
        return QL_OK;
    const ynode *hi = qli_ymap_get(v, d->max_excl ? "below" : "max");
    char lo_t[QD_TEXT_MAX], hi_t[QD_TEXT_MAX];
    qli_qd_format(&d->min, lo_t);
    qli_qd_format(&d->max, hi_t);
    return qli_yfail(L->err, QL_ESCHEMA, hi,
                     "input '%s': %s %s and %s %s leave no %s possible",
                     d->name, d->min_excl ? "above" : "min", lo_t,
                     d->max_excl ? "below" : "max", hi_t,
                     empty ? "value" : "whole number");
}

/* A default must be a value the input itself would accept: a whole
 * number for an integer, inside min/max/above/below. */
static ql_status default_fits(loader *L, const input_def *d, const ynode *df,
                              const char *what)
{
    if (d->type.kind != VK_NUMBER)
        return QL_OK; /* enum, bool, date: typed_scalar checked it */
    const qd *x = &d->def.num;
    char t[QD_TEXT_MAX], lim[QD_TEXT_MAX];
    qli_qd_format(x, t);
    if (d->integer && !qli_qd_is_integer(x))
        return qli_yfail(L->err, QL_ESCHEMA, df,
                         "%s: default %s is not a whole number (the input is "
                         "an %s)",
                         what, t, d->type_word);
    if (d->has_min) {
        int c = qli_qd_cmp(x, &d->min);
        if (c < 0 || (c == 0 && d->min_excl)) {
            qli_qd_format(&d->min, lim);
            return qli_yfail(L->err, QL_ESCHEMA, df,
                             "%s: default %s is out of the input's range "
                             "(expected %s %s)",
                             what, t, d->min_excl ? ">" : ">=", lim);
        }
    }
    if (d->has_max) {
        int c = qli_qd_cmp(x, &d->max);
        if (c > 0 || (c == 0 && d->max_excl)) {
            qli_qd_format(&d->max, lim);
            return qli_yfail(L->err, QL_ESCHEMA, df,
                             "%s: default %s is out of the input's range "
                             "(expected %s %s)",
                             what, t, d->max_excl ? "<" : "<=", lim);
        }
    }
    return QL_OK;
}

/* The input_types row of a type word, or the table's size for none. */
static size_t type_row(const char *word)
{
    size_t t;
    for (t = 0; t < sizeof input_types / sizeof *input_types; t++)
        if (!strcmp(word, input_types[t].word))
            break;
    return t;
}

/* "an enum", "money": a type word as a sentence wants it. */
static const char *type_phrase(loader *L, const char *word)
{
    if (!strcmp(word, "money"))
        return "money";
    return qli_ar_printf(L->ar, "%s %s", strchr("aeiou", word[0]) ? "an" : "a",
                         word);
}

/* A child file may narrow an input it redefines (its values, bounds,
 * default) but not give it another type: the parent's formulas, their
 * types and their outputs' places were checked against the parent's,
 * and a clash would be reported at the parent's lines, which the child's
 * author did not write. */
static ql_status same_type_as_replaced(loader *L, const entry *ent,
                                       const ynode *tnode)
{
    const ynode *old = ent->replaced;
    if (old && old->kind == YN_MAP)
        old = qli_ymap_get(old, "type");
    if (!old || old->kind != YN_SCALAR || !strcmp(old->text, tnode->text) ||
        type_row(old->text) == sizeof input_types / sizeof *input_types)
        return QL_OK; /* the same, or the parent's own error, said there */
    const char *was = type_phrase(L, old->text),
               *now = type_phrase(L, tnode->text);
    if (!was || !now)
        return qli_rl_oom(L);
    return qli_yfail(L->err, QL_ETYPE, tnode,
                     "input '%s' is %s in %s:%d, and the formulas there read "
                     "it so: a file that extends it may narrow it (values, "
                     "bounds, default), not make it %s; to define another "
                     "input, remove it first ('remove: {inputs: [%s]}')",
                     ent->name, was, ent->replaced_key->doc->file,
                     ent->replaced_key->line, now, ent->name);
}

/* The same for a decimal's places: a child may give fewer than the
 * parent's `scale`, never more or none, which would change the places
 * of the parent's outputs. */
static ql_status places_within_replaced(loader *L, const entry *ent,
                                        const input_def *d, const ynode *v)
{
    const ynode *old = ent->replaced;
    const ynode *os =
        old && old->kind == YN_MAP ? qli_ymap_get(old, "scale") : NULL;
    if (!os || os->kind != YN_SCALAR || d->integer || d->type.money ||
        d->type.kind != VK_NUMBER)
        return QL_OK;
    int was = atoi(os->text);
    if (d->scale >= 0 && d->scale <= was)
        return QL_OK;
    const ynode *at = v->kind == YN_MAP && qli_ymap_get(v, "scale")
                          ? qli_ymap_get(v, "scale")
                          : ent->key;
    return qli_yfail(L->err, QL_ESCHEMA, at,
                     "input '%s' has 'scale: %d' in %s:%d, and the places of "
                     "the outputs there follow from it: a file that extends "
                     "it may give %d %s or fewer, not %s",
                     ent->name, was, os->doc->file, os->line, was,
                     qli_places(was),
                     d->scale < 0 ? "leave the scale out" : "more");
}

/* A bound as a number, quietly: 0 when it is not one (input_entry says
 * so at the file's own line). */
static int bound_number(const ynode *n, qd *out)
{
    return n && n->kind == YN_SCALAR && qli_rl_number_text(n, out) == QD_OK;
}

/* Whether bound (x, excl) leaves out at least what (was, was_excl) does:
 * for a lower bound, x above was, or equal and no less strict. */
static int bound_within(const qd *x, int excl, const qd *was, int was_excl,
                        int upper)
{
    int c = qli_qd_cmp(x, was);
    if (upper)
        c = -c;
    return c > 0 || (c == 0 && (excl || !was_excl));
}

ql_status qli_rl_inherit_input(loader *L, entry *e, const ynode *v)
{
    static const char *const words[2][2] = {{"min", "above"}, {"max", "below"}};
    int map = v->kind == YN_MAP;
    for (int up = 0; up < 2; up++) {
        const ynode *incl = map ? qli_ymap_get(v, words[up][0]) : NULL;
        const ynode *excl = map ? qli_ymap_get(v, words[up][1]) : NULL;
        if (!incl == !excl)
            continue; /* none: the one in force holds; both: said later */
        const ynode *mine = incl ? incl : excl;
        const ynode **was = up ? &e->in_hi : &e->in_lo;
        int *was_excl = up ? &e->in_hi_excl : &e->in_lo_excl;
        qd a, b;
        if (*was && bound_number(mine, &a) && bound_number(*was, &b) &&
            !bound_within(&a, excl != NULL, &b, *was_excl, up))
            return qli_yfail(
                L->err, QL_ESCHEMA, mine,
                "input '%s': '%s: %s' lets through values that '%s: %s' "
                "in %s:%d leaves out, and the formulas there were written "
                "for values within it: a file that extends it may narrow "
                "its bounds, not widen them; to define another input, "
                "remove it first ('remove: {inputs: [%s]}')",
                e->name, words[up][excl != NULL], QLI_BARE_SHORT(mine->text),
                words[up][*was_excl], QLI_BARE_SHORT((*was)->text),
                (*was)->doc->file, (*was)->line, e->name);
        *was = mine;
        *was_excl = excl != NULL;
    }
    const ynode *rq = map ? qli_ymap_get(v, "required") : NULL;
    const ynode *df = map ? qli_ymap_get(v, "default") : NULL;
    if (rq)
        e->in_required = rq;
    if (df)
        e->in_default = df;
    else if (rq && rq->kind == YN_SCALAR && !strcmp(rq->text, "true"))
        e->in_default = NULL; /* a child that requires it drops the default */
    return QL_OK;
}

/* The bounds, `required` and `default` an input has from the definition
 * it replaces and does not give again (qli_rl_inherit_input). */
static ql_status inherited_limits(loader *L, const entry *ent, input_def *d,
                                  const ynode *v)
{
    int map = v->kind == YN_MAP;
    ql_status st;
    if (d->type.kind == VK_NUMBER && !d->has_min && ent->in_lo) {
        if ((st = qli_rl_number_value(L, ent->in_lo, "min", &d->min)))
            return st;
        d->has_min = 1;
        d->min_excl = ent->in_lo_excl;
    }
    if (d->type.kind == VK_NUMBER && !d->has_max && ent->in_hi) {
        if ((st = qli_rl_number_value(L, ent->in_hi, "max", &d->max)))
            return st;
        d->has_max = 1;
        d->max_excl = ent->in_hi_excl;
    }
    if ((!map || !qli_ymap_get(v, "required")) && ent->in_required &&
        (st = qli_rl_bool_value(L, ent->in_required, "required", &d->required)))
        return st;
    return QL_OK;
}

/* The default in force (own or inherited): a value the input accepts,
 * never beside `required: true`. */
static ql_status input_default(loader *L, input_def *d, const ynode *df,
                               const char *what)
{
    ql_status st;
    if (!df)
        return QL_OK;
    if (d->required)
        return qli_yfail(L->err, QL_ESCHEMA, df,
                         "a required input cannot have a default");
    if ((st = typed_scalar(L, d, df, &d->def)) ||
        (st = default_fits(L, d, df, what)))
        return st;
    if (d->type.kind == VK_NUMBER && d->scale >= 0) {
        qd cut;
        qli_qd_round_to(&cut, &d->def.num, d->scale, QD_DOWN);
        if (qli_qd_cmp(&cut, &d->def.num) != 0)
            return d->type.money
                       ? qli_yfail(L->err, QL_ESCHEMA, df,
                                   "default %s has more than %d decimal "
                                   "places: money is in %s's minor unit",
                                   QLI_QUOTE_N(df->text, df->len), d->scale,
                                   L->rs->currency)
                       : qli_yfail(L->err, QL_ESCHEMA, df,
                                   "default %s has more than %d decimal "
                                   "places ('scale: %d')",
                                   QLI_QUOTE_N(df->text, df->len), d->scale,
                                   d->scale);
    }
    d->has_default = 1;
    return QL_OK;
}

static ql_status input_entry(loader *L, const entry *ent, input_def *d)
{

    static const char *const keys[] = {
        "type",  "description", "values",  "min",   "max",   "above",
        "below", "required",    "default", "count", "scale", NULL};
    const ynode *v = ent->val;
    d->name = ent->name;
    d->key = ent->key;
    const char *what = qli_ar_printf(L->ar, "input '%s'", d->name);
    if (!what)
        return qli_rl_oom(L);
    const ynode *tnode = v;
    ql_status st;
    if (v->kind == YN_MAP) {
        if ((st = qli_rl_keys(L, v, what, keys)))
            return st;
        tnode = qli_ymap_get(v, "type");
        if (!tnode)
            return qli_yfail(L->err, QL_ESCHEMA, v, "%s needs a 'type'", what);
        if ((st = qli_rl_optional(L, v, "description", &d->description)))
            return st;
    }
    if ((st = qli_rl_want(L, tnode, YN_SCALAR, "a type")))
        return st;
    size_t t = type_row(tnode->text);
    if (t == sizeof input_types / sizeof *input_types)
        return qli_yfail(L->err, QL_ESCHEMA, tnode,
                         "unknown type %s (expected decimal, integer, money, "
                         "bool, enum, string or date)",
                         QLI_QUOTE_N(tnode->text, tnode->len));
    if ((st = same_type_as_replaced(L, ent, tnode)))
        return st;
    d->type_word = input_types[t].word;
    d->type.kind = input_types[t].kind;
    d->integer = input_types[t].integer;
    if ((st = input_scale(L, d, v, what)) ||
        (st = places_within_replaced(L, ent, d, v)))
        return st;
    if (v->kind != YN_MAP) {
        if (d->type.kind == VK_ENUM)
            return qli_yfail(L->err, QL_ESCHEMA, v,
                             "%s: an enum needs the mapping form with 'values'",
                             what);
        if ((st = inherited_limits(L, ent, d, v)) ||
            (st = bounds_agree(L, d, v)))
            return st;
        return input_default(L, d, ent->in_default, what);
    }
    if (d->type.kind == VK_ENUM) {
        if ((st = build_enum(L, d, qli_ymap_get(v, "values"))))
            return st;
    } else if (qli_ymap_get(v, "values")) {
        return qli_yfail(L->err, QL_ESCHEMA, qli_ymap_get(v, "values"),
                         "'values' is only for enum inputs");
    }
    const char *bounds[4] = {"min", "above", "max", "below"};
    for (int b = 0; b < 4; b++) {
        const ynode *bn = qli_ymap_get(v, bounds[b]);
        if (!bn)
            continue;
        if (d->type.kind != VK_NUMBER)
            return qli_yfail(L->err, QL_ESCHEMA, bn,
                             "'%s' is only for number inputs", bounds[b]);
        int lower = b < 2;
        if ((lower && d->has_min) || (!lower && d->has_max))
            return qli_yfail(L->err, QL_ESCHEMA, bn, "give only one of %s",
                             lower ? "'min' and 'above'" : "'max' and 'below'");
        if ((st = qli_rl_number_value(L, bn, bounds[b],
                                      lower ? &d->min : &d->max)))
            return st;
        if (lower) {
            d->has_min = 1;
            d->min_excl = b == 1;
        } else {
            d->has_max = 1;
            d->max_excl = b == 3;
        }
    }
    if ((st = inherited_limits(L, ent, d, v)) || (st = bounds_agree(L, d, v)))
        return st;
    const ynode *rq = qli_ymap_get(v, "required");
    if (rq && (st = qli_rl_bool_value(L, rq, "required", &d->required)))
        return st;
    return input_default(L, d, ent->in_default, what);
}

ql_status qli_rl_build_inputs(loader *L)
{
    section *s = &L->sec[SEC_INPUTS];
    ql_ruleset *rs = L->rs;
    size_t items;
    ql_status lim = qli_rl_section_items(L, s, "inputs", &items);
    if (lim)
        return lim;
    rs->inputs = qli_ar_alloc(L->ar, (items + 1) * sizeof *rs->inputs);
    if (!rs->inputs)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        input_def *d = &rs->inputs[rs->n_inputs];
        int count = 0;
        ql_status st = input_entry(L, &s->items[i], d);
        if (st == QL_OK) {
            /* the name for count's messages: its allocation failing is
             * the load's QL_ENOMEM, not a NULL passed on (test_alloc) */
            const char *what = qli_ar_printf(L->ar, "input '%s'", d->name);
            if (!what)
                return qli_rl_oom(L);
            st = qli_rl_list_count(L, s->items[i].val, what, &count);
        }
        if (st == QL_OK && count == 0) {
            rs->n_inputs++;
        } else if (st == QL_OK) {
            /* a list: the checked definition copied to each item */
            input_def tmpl = *d;
            for (int k = 1; k <= count; k++) {
                input_def *it = &rs->inputs[rs->n_inputs++];
                *it = tmpl;
                if (!(it->name = qli_rl_item_name(L, tmpl.name, k)))
                    return qli_rl_oom(L);
                it->family = tmpl.name;
                it->elem = k;
                it->family_len = count;
            }
        } else if ((st = qli_rl_keep_going(L, st))) {
            return st;
        } else {
            memset(d, 0, sizeof *d);
        }
    }
    /* ql_ruleset_input_index, and a record set by name, in one lookup */
    if (qli_names_init(&rs->input_index, rs->n_inputs, L->ar))
        return qli_rl_oom(L);
    for (size_t i = 0; i < rs->n_inputs; i++)
        if (qli_names_add(&rs->input_index, i, rs->inputs[i].name,
                          strlen(rs->inputs[i].name)))
            return qli_rl_oom(L);
    return QL_OK;
}
