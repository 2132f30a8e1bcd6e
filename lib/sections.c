/*
 * sections.c — the sections of a rules file that hold values, from merged
 * YAML definitions to the rule set's tables: sources, inputs, parameters
 * (dated values and bracket tables), and what-if overrides of them; and
 * the helpers every section uses.  formulas.c has the sections that hold
 * expressions.  Every key is checked against the keys its section allows;
 * every number, date and citation is parsed and checked, each error
 * located.
 */
#include "decimal.h"
#include "util.h"
#include "date.h"
#include "value.h"
#include "yamltree.h"
#include "ruleset.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- helpers */

ql_status qli_rl_oom(loader *L)
{
    return qli_fail(L->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Refuses keys of map `m` that are not in the NULL-terminated `allowed`. */
ql_status qli_rl_keys(loader *L, const ynode *m, const char *what,
                            const char *const *allowed)
{
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->items[2 * i];
        int ok = 0;
        for (size_t j = 0; allowed[j] && !ok; j++)
            ok = strcmp(k->text, allowed[j]) == 0;
        if (!ok) {
            char list[400];
            size_t o = 0;
            for (size_t j = 0; allowed[j] && o < sizeof list - 40; j++)
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                                      j ? ", " : "", allowed[j]);
            qli_suggest sg;
            char hint[QL_MAX_NAME + 32];
            qli_suggest_init(&sg, k->text, k->len);
            for (size_t j = 0; allowed[j]; j++)
                qli_suggest_try(&sg, allowed[j]);
            return qli_yfail(L->err, QL_ESCHEMA, k,
                         "unknown key '%.60s' in %s%s (expected one of: %s)",
                         k->text, what, qli_suggest_text(&sg, hint, sizeof hint),
                         list);
        }
    }
    return QL_OK;
}

ql_status qli_rl_want(loader *L, const ynode *n, yn_kind kind, const char *what)
{
    static const char *kinds[] = {"a scalar", "a mapping", "a list"};
    if (n->kind != kind)
        return qli_yfail(L->err, QL_ESCHEMA, n, "%s must be %s, not %s", what,
                     kinds[kind], kinds[n->kind]);
    return QL_OK;
}

ql_status qli_rl_scalar(loader *L, const ynode *n, const char *what,
                        const char **out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st == QL_OK)
        *out = n->text;
    return st;
}

ql_status qli_rl_required(loader *L, const ynode *map, const char *key,
                                 const char *what, const char **out)
{
    const ynode *n = qli_ymap_get(map, key);
    if (!n)
        return qli_yfail(L->err, QL_ESCHEMA, map, "%s needs '%s'", what, key);
    ql_status st = qli_rl_scalar(L, n, key, out);
    if (st == QL_OK && !**out)
        return qli_yfail(L->err, QL_ESCHEMA, n, "'%s' of %s is empty", key, what);
    return st;
}

ql_status qli_rl_optional(loader *L, const ynode *map, const char *key,
                                 const char **out)
{
    const ynode *n = qli_ymap_get(map, key);
    *out = NULL;
    return n ? qli_rl_scalar(L, n, key, out) : QL_OK;
}

ql_status qli_rl_keep_going(loader *L, ql_status st)
{
    return qli_diag_note(L->diag, L->err, st) ? QL_OK : st;
}

int qli_rl_valid_name(const char *s)
{
    static const char *reserved[] = {"and", "or", "not", "in", "true", "false"};
    size_t n = strlen(s);
    if (n == 0 || n > QL_MAX_NAME)
        return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
          s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (!strcmp(s, reserved[i]))
            return 0;
    return 1;
}

ql_status qli_rl_int_key(loader *L, const ynode *map, const char *key, int lo,
                     int hi, int *out, const ynode **node)
{
    const ynode *n = map->kind == YN_MAP ? qli_ymap_get(map, key) : NULL;
    if (node)
        *node = n;
    if (!n)
        return QL_OK;
    ql_status st = qli_rl_want(L, n, YN_SCALAR, key);
    if (st)
        return st;
    long v = 0;
    size_t i = 0;
    for (; i < n->len && n->text[i] >= '0' && n->text[i] <= '9' && v <= hi; i++)
        v = v * 10 + (n->text[i] - '0');
    if (i == 0 || i != n->len || v < lo || v > hi)
        return qli_yfail(L->err, QL_ESCHEMA, n,
                     "'%s' must be a whole number from %d to %d, found '%.40s'",
                     key, lo, hi, n->text);
    *out = (int)v;
    return QL_OK;
}

int qli_rl_round_mode(const char *name, size_t len)
{
    static const char *const modes[] = {"half_up", "half_even", "half_down",
                                        "up",      "down",      "ceiling",
                                        "floor"};
    static const qd_round ids[] = {QD_HALF_UP, QD_HALF_EVEN, QD_HALF_DOWN,
                                   QD_UP,      QD_DOWN,      QD_CEILING,
                                   QD_FLOOR};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        if (strlen(modes[i]) == len && memcmp(modes[i], name, len) == 0)
            return (int)ids[i];
    return -1;
}

static const qd qd_one = {1, 0};

/* A number as written in a rules file: "0.015", "-3", "1.6%". */
static ql_status number_value(loader *L, const ynode *n, const char *what,
                              qd *out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    size_t len = n->len;
    int percent = len > 0 && n->text[len - 1] == '%';
    int q = qli_qd_parse(out, n->text, percent ? len - 1 : len);
    if (!q && percent)
        q = qli_qd_percent(out, out);
    if (q)
        return qli_yfail(L->err, q == QD_TOOLONG ? QL_ERANGE : QL_ESCHEMA, n,
                     "%s: '%.40s%s' is not a number (%s)", what, n->text,
                     n->len > 40 ? "…" : "", qli_qd_message(q));
    return QL_OK;
}

ql_status qli_rl_date_value(loader *L, const ynode *n, const char *what,
                            ql_date *out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    int r = qli_date_parse_text(n->text, n->len, out);
    if (r)
        return qli_yfail(L->err, QL_ESCHEMA, n, "%s: '%.60s' is not %s", what,
                     n->text,
                     r == -1 ? "a date (expected YYYY-MM-DD)"
                             : "a real calendar date");
    return QL_OK;
}

static ql_status bool_value(loader *L, const ynode *n, const char *what,
                            int *out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    if (!strcmp(n->text, "true"))
        *out = 1;
    else if (!strcmp(n->text, "false"))
        *out = 0;
    else
        return qli_yfail(L->err, QL_ESCHEMA, n,
                     "%s: expected true or false, found '%.60s'", what, n->text);
    return QL_OK;
}

/* `count: N` makes an entry a list of N items, name[1] … name[N]; *n is
 * 0 when the key is absent. */
ql_status qli_rl_list_count(loader *L, const ynode *map, const char *what,
                            int *n)
{
    *n = 0;
    const ynode *c = map->kind == YN_MAP ? qli_ymap_get(map, "count") : NULL;
    if (!c)
        return QL_OK;
    ql_status st = qli_rl_want(L, c, YN_SCALAR, "'count'");
    if (st)
        return st;
    long v = 0;
    size_t i = 0;
    for (; i < c->len && c->text[i] >= '0' && c->text[i] <= '9' && v <= QL_MAX_LIST; i++)
        v = v * 10 + (c->text[i] - '0');
    if (i == 0 || i != c->len || v < 1 || v > QL_MAX_LIST)
        return qli_yfail(L->err, QL_ESCHEMA, c,
                     "%s: 'count' must be a whole number from 1 to %d, "
                     "found '%.40s'",
                     what, QL_MAX_LIST, c->text);
    *n = (int)v;
    return QL_OK;
}

/* The definitions a section will hold, in *total: its entries, lists
 * counted item by item (a bad count counts one; its entry fails later).
 * More than QL_MAX_ITEMS is an error at the entry that goes past it:
 * a few lines of YAML must not make millions of definitions. */
ql_status qli_rl_section_items(loader *L, const section *s, const char *what,
                           size_t *total)
{
    *total = 0;
    for (size_t i = 0; i < s->n; i++) {
        const ynode *v = s->items[i].val;
        const ynode *c = v->kind == YN_MAP ? qli_ymap_get(v, "count") : NULL;
        long n = 1;
        if (c && c->kind == YN_SCALAR) {
            char *end;
            n = strtol(c->text, &end, 10);
            if (*end || n < 1 || n > QL_MAX_LIST)
                n = 1;
        }
        *total += (size_t)n;
        if (*total > QL_MAX_ITEMS) {
            /* the section cannot be built: said once, also when
             * diagnosing, and the load stops */
            ql_status st = qli_yfail(L->err, QL_ELIMIT, c ? c : s->items[i].key,
                                 "more than %d %s, lists counted item by item",
                                 QL_MAX_ITEMS, what);
            qli_diag_note(L->diag, L->err, st);
            return st;
        }
    }
    return QL_OK;
}

/* The name of item k of list `name`: "name[k]". */
const char *qli_rl_item_name(loader *L, const char *name, int k)
{
    return qli_ar_printf(L->ar, "%s[%d]", name, k);
}

static const char *source_id(const void *rs, size_t i)
{
    return ((const ql_ruleset *)rs)->sources[i].id;
}

/* The citation's first word must name a declared source. */
ql_status qli_rl_citation(loader *L, const ynode *map, const char *what,
                          int required, const char **out)
{
    const ynode *n = qli_ymap_get(map, "source");
    *out = NULL;
    if (!n) {
        if (required)
            return qli_yfail(L->err, QL_ESCHEMA, map,
                         "%s needs a 'source' citation (a source id and "
                         "article, e.g. \"law-2007 art. 8\")",
                         what);
        return QL_OK;
    }
    ql_status st = qli_rl_scalar(L, n, "source", out);
    if (st)
        return st;
    size_t w = strcspn(*out, " \t");
    if (qli_names_find(&L->source_ids, *out, w, source_id, L->rs) >= 0)
        return QL_OK;
    return qli_yfail(L->err, QL_ENAME, n,
                 "%s cites '%.*s', which is not declared under 'sources'", what,
                 (int)w, *out);
}

/* ------------------------------------------------------- definitions */

static ql_status source_entry(loader *L, const entry *ent, source_def *d)
{

    static const char *const keys[] = {"title", "document", "date", "url",
                                       "note", NULL};
    const ynode *v = ent->val;
    ql_status st;
    const char *what = qli_ar_printf(L->ar, "source '%s'", ent->name);
    if (!what)
        return qli_rl_oom(L);
    if ((st = qli_rl_want(L, v, YN_MAP, what)) ||
        (st = qli_rl_keys(L, v, what, keys)) ||
        (st = qli_rl_required(L, v, "title", what, &d->title)) ||
        (st = qli_rl_optional(L, v, "document", &d->document)) ||
        (st = qli_rl_optional(L, v, "date", &d->date)) ||
        (st = qli_rl_optional(L, v, "url", &d->url)))
        return st;
    d->id = ent->name;
    return QL_OK;
}

ql_status qli_rl_build_sources(loader *L)
{
    section *s = &L->sec[SEC_SOURCES];
    ql_ruleset *rs = L->rs;
    rs->sources = qli_ar_alloc(L->ar, (s->n + 1) * sizeof *rs->sources);
    if (!rs->sources)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        source_def *d = &rs->sources[rs->n_sources];
        ql_status st = source_entry(L, &s->items[i], d);
        if (st == QL_OK)
            rs->n_sources++;
        else if ((st = qli_rl_keep_going(L, st)))
            return st;
        else
            memset(d, 0, sizeof *d);
    }
    if (qli_names_init(&L->source_ids, rs->n_sources, NULL))
        return qli_rl_oom(L);
    for (size_t i = 0; i < rs->n_sources; i++)
        if (qli_names_add(&L->source_ids, i, rs->sources[i].id,
                          strlen(rs->sources[i].id)))
            return qli_rl_oom(L);
    return QL_OK;
}

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
        return qli_yfail(L->err, QL_ESCHEMA, d->key,
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
            return qli_yfail(L->err, QL_ESCHEMA, v,
                         "an enum value cannot be empty (an empty field means "
                         "'not given')");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d->en.values[j], v->text))
                return qli_yfail(L->err, QL_ESCHEMA, v, "enum value '%s' is listed twice",
                             v->text);
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
                     money ? "money has the currency's minor unit"
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
    case VK_NUMBER:
        return number_value(L, n, "default", &out->num);
    case VK_BOOL:
        return bool_value(L, n, "default", &out->b);
    case VK_DATE:
        return qli_rl_date_value(L, n, "default", &out->date);
    case VK_STRING:
        if ((st = qli_rl_want(L, n, YN_SCALAR, "default")))
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
                     "default '%.60s' is not one of the enum's values", n->text);
    default:
        return qli_yfail(L->err, QL_ESCHEMA, n, "bad type");
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

static ql_status input_entry(loader *L, const entry *ent, input_def *d)
{

    static const char *const keys[] = {"type", "description", "values", "min",
                                       "max", "above", "below", "required",
                                       "default", "count", "scale", NULL};
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
    size_t t;
    for (t = 0; t < sizeof input_types / sizeof *input_types; t++)
        if (!strcmp(tnode->text, input_types[t].word))
            break;
    if (t == sizeof input_types / sizeof *input_types)
        return qli_yfail(L->err, QL_ESCHEMA, tnode,
                     "unknown type '%.60s' (expected decimal, integer, money, "
                     "bool, enum, string or date)",
                     tnode->text);
    d->type_word = input_types[t].word;
    d->type.kind = input_types[t].kind;
    d->integer = input_types[t].integer;
    if ((st = input_scale(L, d, v, what)))
        return st;
    if (v->kind != YN_MAP) {
        if (d->type.kind == VK_ENUM)
            return qli_yfail(L->err, QL_ESCHEMA, v,
                         "%s: an enum needs the mapping form with 'values'",
                         what);
        return QL_OK;
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
            return qli_yfail(L->err, QL_ESCHEMA, bn,
                         "give only one of %s", lower ? "'min' and 'above'"
                                                      : "'max' and 'below'");
        if ((st = number_value(L, bn, bounds[b], lower ? &d->min : &d->max)))
            return st;
        if (lower) {
            d->has_min = 1;
            d->min_excl = b == 1;
        } else {
            d->has_max = 1;
            d->max_excl = b == 3;
        }
    }
    if ((st = bounds_agree(L, d, v)))
        return st;
    const ynode *rq = qli_ymap_get(v, "required");
    if (rq && (st = bool_value(L, rq, "required", &d->required)))
        return st;
    const ynode *df = qli_ymap_get(v, "default");
    if (df) {
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
                                       "default '%s' has more than %d decimal "
                                       "places: money is in %s's minor unit",
                                       df->text, d->scale, L->rs->currency)
                           : qli_yfail(L->err, QL_ESCHEMA, df,
                                       "default '%s' has more than %d decimal "
                                       "places ('scale: %d')",
                                       df->text, d->scale, d->scale);
        }
        d->has_default = 1;
    }
    return QL_OK;
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
        if (st == QL_OK)
            st = qli_rl_list_count(L, s->items[i].val,
                            qli_ar_printf(L->ar, "input '%s'", d->name), &count);
        if (st == QL_OK && count == 0) {
            rs->n_inputs++;
        } else if (st == QL_OK) {
            /* a list: the checked definition copied to each item */
            input_def tmpl = *d;
            for (int k = 1; k <= count; k++) {
                input_def *it = &rs->inputs[rs->n_inputs++];
                *it = tmpl;
                it->name = qli_rl_item_name(L, tmpl.name, k);
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

static vkind scalar_kind(const ynode *n)
{
    qd tmp;
    ql_date dt;
    size_t len = n->len;
    if (n->quoted)
        return VK_STRING;
    if (!strcmp(n->text, "true") || !strcmp(n->text, "false"))
        return VK_BOOL;
    if (qli_date_parse_text(n->text, len, &dt) == 0)
        return VK_DATE;
    if (len && n->text[len - 1] == '%')
        len--;
    if (qli_qd_parse(&tmp, n->text, len) != QD_SYNTAX)
        return VK_NUMBER;
    return VK_STRING;
}

static ql_status build_brackets(loader *L, const ynode *list, param_value *pv)
{
    static const char *const keys[] = {"from", "above", "value", NULL};
    ql_status st;
    if ((st = qli_rl_want(L, list, YN_SEQ, "'brackets'")))
        return st;
    if (list->n == 0)
        return qli_yfail(L->err, QL_ESCHEMA, list, "'brackets' is empty");
    pv->rows = qli_ar_alloc(L->ar, list->n * sizeof *pv->rows);
    if (!pv->rows)
        return qli_rl_oom(L);
    char text[4096];
    size_t o = 0;
    for (size_t i = 0; i < list->n; i++) {
        const ynode *r = list->items[i];
        bracket_row *row = &pv->rows[i];
        if ((st = qli_rl_want(L, r, YN_MAP, "a bracket")) ||
            (st = qli_rl_keys(L, r, "a bracket", keys)))
            return st;
        const ynode *from = qli_ymap_get(r, "from"), *above = qli_ymap_get(r, "above");
        const ynode *val = qli_ymap_get(r, "value");
        if (!!from == !!above)
            return qli_yfail(L->err, QL_ESCHEMA, r,
                         "a bracket needs exactly one of 'from' (≥) and "
                         "'above' (>)");
        if (!val)
            return qli_yfail(L->err, QL_ESCHEMA, r, "a bracket needs a 'value'");
        if ((st = number_value(L, from ? from : above, "bracket bound",
                               &row->bound)) ||
            (st = number_value(L, val, "bracket value", &row->value)))
            return st;
        row->exclusive = above != NULL;
        if (i > 0) {
            int c = qli_qd_cmp(&row->bound, &pv->rows[i - 1].bound);
            if (c < 0 || (c == 0 && !(row->exclusive && !pv->rows[i - 1].exclusive)))
                return qli_yfail(L->err, QL_ESCHEMA, r,
                             "brackets must go up: each bound above the one "
                             "before (or 'above: x' right after 'from: x')");
        }
        char b[QD_TEXT_MAX], v[QD_TEXT_MAX];
        qli_qd_format(&row->bound, b);
        qli_qd_format(&row->value, v);
        if (o < sizeof text - 200)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s%s %s → %s",
                                  i ? "; " : "", row->exclusive ? ">" : "≥", b, v);
    }
    pv->nrows = list->n;
    pv->text = qli_ar_strndup(L->ar, text, o);
    return pv->text ? QL_OK : qli_rl_oom(L);
}

/* A money parameter's value (or each bracket's) in the currency's minor
 * unit at most: 1234.565 yuan is no amount of money. */
static ql_status money_places(loader *L, const param_def *d,
                              const param_value *pv, const ynode *n)
{
    if (d->type.kind != VK_NUMBER && d->type.kind != VK_TABLE)
        return qli_yfail(L->err, QL_ESCHEMA, n,
                     "parameter '%s': only numbers can be money", d->name);
    size_t k = d->type.kind == VK_TABLE ? pv->nrows : 1;
    for (size_t i = 0; i < k; i++) {
        const qd *v = d->type.kind == VK_TABLE ? &pv->rows[i].value : &pv->v.num;
        qd cut;
        qli_qd_round_to(&cut, v, L->rs->minor, QD_DOWN);
        if (qli_qd_cmp(&cut, v) != 0)
            return qli_yfail(L->err, QL_ESCHEMA, n,
                         "parameter '%s' is money in %s, which has %d "
                         "decimal places: this value has more",
                         d->name, L->rs->currency, L->rs->minor);
    }
    return QL_OK;
}

/* An integer parameter's value is a whole number, kept and shown
 * without places (2.0 is 2). */
static ql_status whole_value(loader *L, const param_def *d, param_value *pv,
                             const ynode *n)
{
    qd whole;
    if (qli_qd_round_to(&whole, &pv->v.num, 0, QD_DOWN) != QD_OK ||
        qli_qd_cmp(&whole, &pv->v.num) != 0)
        return qli_yfail(L->err, QL_ESCHEMA, n,
                         "parameter '%s' is an integer: '%.40s' is not a whole "
                         "number",
                         d->name, n->kind == YN_SCALAR ? n->text : "…");
    pv->v.num = whole;
    return QL_OK;
}

/* A parameter's bounds (`min`, `max`) and `unit: percent`, perhaps
 * inherited from the definition it replaces. */
typedef struct limits {
    const ynode *min, *max, *percent;
    qd lo, hi;
} limits;

/* Where a limit was set, for messages: " (national.yaml:118)". */
static const char *limit_origin(loader *L, const ynode *n, const ynode *val)
{
    if (!n || n->doc == val->doc)
        return "";
    return qli_ar_printf(L->ar, " (%s:%d)", n->doc->file, n->line);
}

/* One value, or each bracket value, against the parameter's limits. */
static ql_status within_limits(loader *L, const param_def *d,
                               const limits *lim, const param_value *pv,
                               const ynode *n)
{
    if (!lim->min && !lim->max && !lim->percent)
        return QL_OK;
    if (d->type.kind != VK_NUMBER && d->type.kind != VK_TABLE)
        return qli_yfail(L->err, QL_ETYPE, n,
                         "parameter '%s' has bounds or a unit, so its values "
                         "are numbers: '%.40s' is not one",
                         d->name, n->kind == YN_SCALAR ? n->text : "…");
    size_t k = d->type.kind == VK_TABLE ? pv->nrows : 1;
    for (size_t i = 0; i < k; i++) {
        const qd *v = d->type.kind == VK_TABLE ? &pv->rows[i].value : &pv->v.num;
        const ynode *at = n;
        if (d->type.kind == VK_TABLE && n->kind == YN_SEQ && i < n->n) {
            const ynode *vn = qli_ymap_get(n->items[i], "value");
            at = vn ? vn : n->items[i];
        }
        int pct = at->kind == YN_SCALAR && at->len && at->text[at->len - 1] == '%';
        if (lim->percent && !pct)
            return qli_yfail(L->err, QL_ESCHEMA, at,
                             "parameter '%s' is a percentage%s: write it with "
                             "'%%' (e.g. '%s%%'), not '%s'",
                             d->name, limit_origin(L, lim->percent, at),
                             at->kind == YN_SCALAR ? at->text : "…",
                             at->kind == YN_SCALAR ? at->text : "…");
        const ynode *bad = NULL;
        if (lim->min && qli_qd_cmp(v, &lim->lo) < 0)
            bad = lim->min;
        if (lim->max && qli_qd_cmp(v, &lim->hi) > 0)
            bad = lim->max;
        if (!bad)
            continue;
        int over = bad == lim->max;
        return qli_yfail(L->err, QL_ERANGE, at,
                         "parameter '%s': %s is %s its %s of %s%s%s", d->name,
                         at->kind == YN_SCALAR ? at->text : "the value",
                         over ? "above" : "below", over ? "maximum" : "minimum",
                         bad->text, limit_origin(L, bad, at),
                         over && !pct && qli_qd_cmp(v, &qd_one) > 0 &&
                                 bad->len && bad->text[bad->len - 1] == '%'
                             ? ": is a '%' missing?"
                             : "");
    }
    return QL_OK;
}

static ql_status param_entry(loader *L, const entry *ent, param_def *d)
{

    static const char *const keys[] = {"type", "description", "values",
                                       "unit", "min", "max", NULL};
    static const char *const vkeys[] = {"from", "until", "value", "brackets",
                                        "source", "note", NULL};
    const ynode *v = ent->val;
    d->name = ent->name;
    d->key = ent->key;
    const char *what = qli_ar_printf(L->ar, "parameter '%s'", d->name);
    if (!what)
        return qli_rl_oom(L);
    ql_status st;
    if ((st = qli_rl_want(L, v, YN_MAP, what)) ||
        (st = qli_rl_keys(L, v, what, keys)) ||
        (st = qli_rl_optional(L, v, "description", &d->description)))
        return st;
    const ynode *tn = ent->type; /* its own or the definition it replaces */
    vkind declared = 0;
    if (tn) {
        const char *tw;
        if ((st = qli_rl_scalar(L, tn, "type", &tw)))
            return st;
        d->type.money = !strcmp(tw, "money");
        d->integer = !strcmp(tw, "integer");
        if (!strcmp(tw, "decimal") || !strcmp(tw, "integer") ||
            !strcmp(tw, "money"))
            declared = VK_NUMBER;
        else if (!strcmp(tw, "bool"))
            declared = VK_BOOL;
        else if (!strcmp(tw, "date"))
            declared = VK_DATE;
        else if (!strcmp(tw, "string"))
            declared = VK_STRING;
        else if (!strcmp(tw, "table"))
            declared = VK_TABLE;
        else
            return qli_yfail(L->err, QL_ESCHEMA, tn,
                         "unknown parameter type '%.60s' (expected decimal, "
                         "integer, money, bool, date, string or table)",
                         tw);
    }
    const ynode *un = ent->unit;
    int percent = 0;
    if (un) {
        const char *uw;
        if ((st = qli_rl_scalar(L, un, "unit", &uw)))
            return st;
        if (!strcmp(uw, "money"))
            d->type.money = 1;
        else if (!strcmp(uw, "percent"))
            percent = 1;
        else
            return qli_yfail(L->err, QL_ESCHEMA, un,
                             "unknown unit '%s' (expected money or percent)",
                             uw);
    }
    limits lim = {ent->min, ent->max, percent ? un : NULL, {0, 0}, {0, 0}};
    if ((lim.min && (st = number_value(L, lim.min, "min", &lim.lo))) ||
        (lim.max && (st = number_value(L, lim.max, "max", &lim.hi))))
        return st;
    if ((lim.min || lim.max || percent) && !declared)
        declared = VK_NUMBER; /* bounds and a unit are for numbers */
    d->percent = percent;
    d->min_node = lim.min;
    d->max_node = lim.max;
    d->lo = lim.lo;
    d->hi = lim.hi;
    if (d->type.money && L->rs->minor < 0)
        return qli_yfail(L->err, QL_ESCHEMA, tn ? tn : un,
                     "%s is money, but the rule set names no currency: add "
                     "e.g. 'currency: CNY' at the top of the file",
                     what);
    const ynode *vals = qli_ymap_get(v, "values");
    if (!vals)
        return qli_yfail(L->err, QL_ESCHEMA, v,
                     "%s needs 'values': a list of {from, value, source}",
                     what);
    if ((st = qli_rl_want(L, vals, YN_SEQ, "'values'")))
        return st;
    if (vals->n == 0)
        return qli_yfail(L->err, QL_ESCHEMA, vals, "%s has no values", what);
    d->values = qli_ar_alloc(L->ar, vals->n * sizeof *d->values);
    if (!d->values)
        return qli_rl_oom(L);
    for (size_t k = 0; k < vals->n; k++) {
        const ynode *e = vals->items[k];
        param_value *pv = &d->values[k];
        if ((st = qli_rl_want(L, e, YN_MAP, "a parameter value")) ||
            (st = qli_rl_keys(L, e, "a parameter value", vkeys)))
            return st;
        const ynode *from = qli_ymap_get(e, "from");
        if (!from)
            return qli_yfail(L->err, QL_ESCHEMA, e,
                         "a parameter value needs 'from', the first day "
                         "it holds");
        if ((st = qli_rl_date_value(L, from, "from", &pv->from)))
            return st;
        pv->until = -1;
        const ynode *until = qli_ymap_get(e, "until");
        if (until) {
            if ((st = qli_rl_date_value(L, until, "until", &pv->until)))
                return st;
            if (pv->until < pv->from)
                return qli_yfail(L->err, QL_ESCHEMA, until,
                             "'until' is before 'from'");
        }
        if (k > 0) {
            const param_value *prev = &d->values[k - 1];
            if (pv->from <= prev->from)
                return qli_yfail(L->err, QL_ESCHEMA, from,
                             "values must be listed by 'from', oldest first");
            if (prev->until >= pv->from)
                return qli_yfail(L->err, QL_ESCHEMA, from,
                             "this value starts before the previous one's "
                             "'until'");
        }
        if ((st = qli_rl_citation(L, e, what, 1, &pv->source)))
            return st;
        const ynode *val = qli_ymap_get(e, "value"), *br = qli_ymap_get(e, "brackets");
        if (!!val == !!br)
            return qli_yfail(L->err, QL_ESCHEMA, e,
                         "a parameter value needs exactly one of 'value' "
                         "and 'brackets'");
        vkind kind = br ? VK_TABLE : declared ? declared : 0;
        if (!kind) {
            if ((st = qli_rl_want(L, val, YN_SCALAR, "'value'")))
                return st;
            kind = scalar_kind(val);
        }
        if (d->type.kind && kind != d->type.kind)
            return qli_yfail(L->err, QL_ETYPE, br ? br : val,
                         "%s: every value must have the same type as the "
                         "first",
                         what);
        if (kind == VK_TABLE && !br)
            return qli_yfail(L->err, QL_ESCHEMA, e,
                         "%s is a table: give 'brackets', not 'value'", what);
        d->type.kind = kind;
        switch (kind) {
        case VK_TABLE: st = build_brackets(L, br, pv); break;
        case VK_NUMBER: st = number_value(L, val, what, &pv->v.num); break;
        case VK_BOOL: st = bool_value(L, val, "value", &pv->v.b); break;
        case VK_DATE: st = qli_rl_date_value(L, val, "value", &pv->v.date); break;
        default:
            if ((st = qli_rl_want(L, val, YN_SCALAR, "'value'")) == QL_OK) {
                pv->v.str.s = val->text;
                pv->v.str.len = (uint32_t)val->len;
            }
        }
        if (st)
            return st;
        pv->node = br ? br : val;
        if (d->integer && kind == VK_NUMBER && (st = whole_value(L, d, pv, val)))
            return st;
        if (d->type.money && (st = money_places(L, d, pv, br ? br : val)))
            return st;
        if ((st = within_limits(L, d, &lim, pv, br ? br : val)))
            return st;
        d->nvalues++;
    }
    return QL_OK;
}

ql_status qli_rl_build_params(loader *L)
{
    section *s = &L->sec[SEC_PARAMS];
    ql_ruleset *rs = L->rs;
    rs->params = qli_ar_alloc(L->ar, (s->n + 1) * sizeof *rs->params);
    if (!rs->params)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        param_def *d = &rs->params[rs->n_params];
        ql_status st = param_entry(L, &s->items[i], d);
        if (st == QL_OK)
            rs->n_params++;
        else if ((st = qli_rl_keep_going(L, st)))
            return st;
        else
            memset(d, 0, sizeof *d);
    }
    return QL_OK;
}

/* ------------------------------------------------------- what-if */

/* An override's number held to what the rules file holds the
 * parameter's own values to: a whole number for an integer, the
 * currency's places for money, its min and max.  Not the '%' a
 * percentage's values are written with: an override comes from programs
 * too (a Python Decimal, a PostgreSQL numeric is 0.017), and its bounds
 * catch the forgotten '%' (1.7 is past a ratio's maximum). */
static ql_status override_fits(loader *L, const param_def *d, const char *t,
                               qd *x)
{
    char lim[QD_TEXT_MAX], why[256] = "";
    ql_status code = QL_ESCHEMA;
    qd cut;
    if (d->integer) {
        if (qli_qd_round_to(&cut, x, 0, QD_DOWN) != QD_OK || qli_qd_cmp(&cut, x))
            snprintf(why, sizeof why, "the parameter is an integer: give a whole "
                                      "number");
        else
            *x = cut;
    }
    if (!why[0] && d->type.money &&
        (qli_qd_round_to(&cut, x, L->rs->minor, QD_DOWN) != QD_OK ||
         qli_qd_cmp(&cut, x)))
        snprintf(why, sizeof why, "the parameter is money in %s, which has %d "
                                  "decimal places: this value has more",
                 L->rs->currency, L->rs->minor);
    const ynode *bound = NULL;
    if (!why[0] && d->min_node && qli_qd_cmp(x, &d->lo) < 0)
        bound = d->min_node;
    if (!why[0] && d->max_node && qli_qd_cmp(x, &d->hi) > 0)
        bound = d->max_node;
    if (bound) {
        qli_qd_format(bound == d->min_node ? &d->lo : &d->hi, lim);
        snprintf(why, sizeof why, "%s its %s of %.40s (%s:%d)",
                 bound == d->min_node ? "below" : "above",
                 bound == d->min_node ? "minimum" : "maximum",
                 bound->kind == YN_SCALAR ? bound->text : lim, bound->doc->file,
                 bound->line);
        code = QL_ERANGE;
    }
    if (!why[0])
        return QL_OK;
    qli_fail(L->err, code, NULL, 0, 0, "override of '%s': '%.60s': %s", d->name,
             t, why);
    qli_error_set_field(L->err, d->name);
    return code;
}

/* The override's value as the parameter's type, like a rules file's. */
static ql_status override_value(loader *L, const param_def *d,
                                const ql_override *o, qval *v)
{
    const char *t = o->value;
    size_t len = strlen(t);
    int bad = 0;
    switch (d->type.kind) {
    case VK_NUMBER: {
        int pct = len && t[len - 1] == '%';
        int q = qli_qd_parse(&v->num, t, pct ? len - 1 : len);
        if (!q && pct)
            q = qli_qd_percent(&v->num, &v->num);
        bad = q != QD_OK;
        break;
    }
    case VK_BOOL:
        bad = strcmp(t, "true") && strcmp(t, "false");
        v->b = !strcmp(t, "true");
        break;
    case VK_DATE:
        bad = qli_date_parse_text(t, len, &v->date) != 0;
        break;
    case VK_STRING:
        v->str.s = qli_ar_strndup(L->ar, t, len);
        v->str.len = (uint32_t)len;
        if (!v->str.s)
            return qli_rl_oom(L);
        break;
    default:
        bad = 1;
    }
    if (bad) {
        static const char *kinds[] = {"", "number", "bool", "string", "date"};
        qli_fail(L->err, QL_ESCHEMA, NULL, 0, 0,
                "override of '%s': '%s' is not a %s", d->name, t,
                d->type.kind <= VK_DATE ? kinds[d->type.kind] : "value");
        qli_error_set_field(L->err, d->name);
        return QL_ESCHEMA;
    }
    return d->type.kind == VK_NUMBER ? override_fits(L, d, t, &v->num) : QL_OK;
}

ql_status qli_rl_apply_overrides(loader *L)
{
    ql_ruleset *rs = L->rs;
    for (size_t k = 0; k < L->novr; k++) {
        const ql_override *o = &L->ovr[k];
        param_def *d = NULL;
        for (size_t i = 0; i < rs->n_params && !d; i++)
            if (!strcmp(rs->params[i].name, o->param))
                d = &rs->params[i];
        if (!d) {
            qli_fail(L->err, QL_ENAME, NULL, 0, 0,
                    "override: the rule set has no parameter called '%s'",
                    o->param);
            qli_error_set_field(L->err, o->param);
            return QL_ENAME;
        }
        if (d->type.kind == VK_TABLE) {
            qli_fail(L->err, QL_ETYPE, NULL, 0, 0,
                    "override: '%s' is a table of brackets; only single "
                    "values can be overridden",
                    d->name);
            qli_error_set_field(L->err, d->name);
            return QL_ETYPE;
        }
        qval v;
        memset(&v, 0, sizeof v);
        ql_status st = override_value(L, d, o, &v);
        if (st)
            return st;
        /* keep the values that start before the override, ending them
         * the day before it; the override holds from then on */
        param_value *vals = qli_ar_alloc(L->ar, (d->nvalues + 1) * sizeof *vals);
        if (!vals)
            return qli_rl_oom(L);
        size_t n = 0;
        for (size_t i = 0; i < d->nvalues; i++) {
            if (d->values[i].from >= o->from)
                continue;
            vals[n] = d->values[i];
            if (vals[n].until < 0 || vals[n].until >= o->from)
                vals[n].until = o->from - 1;
            n++;
        }
        vals[n].from = o->from;
        vals[n].until = -1;
        vals[n].v = v;
        vals[n].source = "what-if override";
        vals[n].text = qli_ar_strndup(L->ar, o->value, strlen(o->value));
        if (!vals[n].text)
            return qli_rl_oom(L);
        d->values = vals;
        d->nvalues = n + 1;
    }
    return QL_OK;
}
