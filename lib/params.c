/*
 * params.c — the `parameters` section: each parameter's dated values
 * (a number, bool, date, string or a bracket table), held to its type,
 * its currency's places and its min and max, each error located at the
 * value that breaks it, in whichever file of the `extends` chain wrote it.
 */
#include "date.h"
#include "decimal.h"
#include "rules.h"
#include "ruleset.h"
#include "snippet.h"
#include "unicode.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const qd qd_one = {1, 0};

static vkind scalar_kind(const ynode *n)
{
    qd tmp;
    ql_date dt;
    size_t len = n->len;
    if (n->quoted)
        return VK_STRING;
    if (!strcmp(n->text, "true") || !strcmp(n->text, "false"))
        return VK_BOOL;
    if (qli_date_parse_text(n->text, len, &dt) != -1)
        return VK_DATE; /* 2027-13-31 too: refused as no real date */
    if (len && n->text[len - 1] == '%')
        len--;
    /* 1e400, 0e-400 and 1e2 are numbers, refused as such (they were
     * taken for text: "'1e400' is a string, but … needs a number") */
    if (qli_qd_parse(&tmp, n->text, len) != QD_SYNTAX ||
        qli_qd_exponent_form(n->text, len))
        return VK_NUMBER;
    /* １.７％ is a number an IME typed: refused as one, naming the
     * look-alike, not taken for a text (P6-06) */
    char fixed[96];
    size_t fl = qli_uc_number_untwinned(n->text, n->len, fixed, sizeof fixed);
    if (fl && fixed[fl - 1] == '%')
        fl--;
    if (fl && qli_qd_parse(&tmp, fixed, fl) != QD_SYNTAX)
        return VK_NUMBER;
    return VK_STRING;
}

static ql_status build_brackets(loader *L, const ynode *list, param_value *pv,
                                const char *what)
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
        const ynode *from = qli_ymap_get(r, "from"),
                    *above = qli_ymap_get(r, "above");
        const ynode *val = qli_ymap_get(r, "value");
        if (!!from == !!above)
            return qli_yfail(L->err, QL_ESCHEMA, r,
                             "%s: bracket %zu has %s: it needs exactly one "
                             "lower bound, 'from: N' (N and above) or "
                             "'above: N' (above N)",
                             what, i + 1,
                             from ? "both 'from' and 'above'"
                                  : "neither 'from' nor 'above'");
        if (!val)
            return qli_yfail(L->err, QL_ESCHEMA, r,
                             "%s: bracket %zu needs a 'value'", what, i + 1);
        if ((st = qli_rl_number_value(L, from ? from : above, "bracket bound",
                                      &row->bound)) ||
            (st = qli_rl_number_value(L, val, "bracket value", &row->value)))
            return st;
        row->exclusive = above != NULL;
        if (i > 0) {
            const bracket_row *prev = &pv->rows[i - 1];
            int c = qli_qd_cmp(&row->bound, &prev->bound);
            if (c < 0 || (c == 0 && !(row->exclusive && !prev->exclusive))) {
                char nb[QD_TEXT_MAX], pb[QD_TEXT_MAX];
                qli_qd_format(&row->bound, nb);
                qli_qd_format(&prev->bound, pb);
                return qli_yfail(
                    L->err, QL_ESCHEMA, r,
                    "%s: brackets must be listed by their bound, lowest "
                    "first: '%s: %s' does not come after '%s: %s' (line %d), "
                    "the bracket before it (each bound above the one "
                    "before, or 'above: x' right after 'from: x')",
                    what, row->exclusive ? "above" : "from", nb,
                    prev->exclusive ? "above" : "from", pb,
                    list->items[i - 1]->line);
            }
        }
        char b[QD_TEXT_MAX], v[QD_TEXT_MAX];
        qli_qd_format(&row->bound, b);
        qli_qd_format(&row->value, v);
        if (o < sizeof text - 200)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s%s %s → %s",
                                  i ? "; " : "", row->exclusive ? ">" : "≥", b,
                                  v);
    }
    pv->nrows = list->n;
    pv->text = qli_ar_strndup(L->ar, text, o);
    return pv->text ? QL_OK : qli_rl_oom(L);
}

/* A parameter's value (or each bracket's) with at most
 * QL_MAX_PARAM_PLACES places: every output computed from it takes them,
 * and one with 34 would leave no digit for a whole part. */
static ql_status few_places(loader *L, const param_def *d,
                            const param_value *pv, const ynode *n)
{
    const ynode *at = n;
    int places = 0;
    if (d->type.kind == VK_NUMBER)
        places = pv->v.num.scale;
    for (size_t r = 0; d->type.kind == VK_TABLE && r < pv->nrows; r++)
        if (pv->rows[r].value.scale > places) {
            places = pv->rows[r].value.scale;
            at = n->kind == YN_SEQ && r < n->n ? n->items[r] : n;
        }
    if (places <= QL_MAX_PARAM_PLACES)
        return QL_OK;
    return qli_yfail(
        L->err, QL_ERANGE, at,
        "parameter '%s': this value has %d decimal places, more "
        "than the " QL_STR(QL_MAX_PARAM_PLACES) " a parameter may "
                                                "have (every output computed "
                                                "from it is shown with its "
                                                "places)",
        d->name, places);
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
        const qd *v =
            d->type.kind == VK_TABLE ? &pv->rows[i].value : &pv->v.num;
        qd cut;
        qli_qd_round_to(&cut, v, L->rs->minor, QD_DOWN);
        if (qli_qd_cmp(&cut, v) != 0) /* the value and its places (P13-09) */
            return qli_yfail(L->err, QL_ESCHEMA, n,
                             "parameter '%s' is money in %s, which has %d "
                             "decimal place%s: %s has more; write it "
                             "in the currency's minor unit, or round it where "
                             "the law says",
                             d->name, L->rs->currency, L->rs->minor,
                             L->rs->minor == 1 ? "" : "s",
                             n->kind == YN_SCALAR ? QLI_QUOTE_N(n->text, n->len)
                                                  : "the value");
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
                         "parameter '%s' is an integer: %s is not a whole "
                         "number",
                         d->name,
                         n->kind == YN_SCALAR ? QLI_QUOTE_N(n->text, n->len)
                                              : "'…'");
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
static ql_status within_limits(loader *L, const param_def *d, const limits *lim,
                               const param_value *pv, const ynode *n)
{
    if (!lim->min && !lim->max && !lim->percent)
        return QL_OK;
    if (d->type.kind != VK_NUMBER && d->type.kind != VK_TABLE)
        return qli_yfail(L->err, QL_ETYPE, n,
                         "parameter '%s' has bounds or a unit, so its values "
                         "are numbers: %s is not one",
                         d->name,
                         n->kind == YN_SCALAR ? QLI_QUOTE_N(n->text, n->len)
                                              : "'…'");
    size_t k = d->type.kind == VK_TABLE ? pv->nrows : 1;
    for (size_t i = 0; i < k; i++) {
        const qd *v =
            d->type.kind == VK_TABLE ? &pv->rows[i].value : &pv->v.num;
        const ynode *at = n;
        if (d->type.kind == VK_TABLE && n->kind == YN_SEQ && i < n->n) {
            const ynode *vn = qli_ymap_get(n->items[i], "value");
            at = vn ? vn : n->items[i];
        }
        int pct =
            at->kind == YN_SCALAR && at->len && at->text[at->len - 1] == '%';
        if (lim->percent && !pct)
            return qli_yfail(
                L->err, QL_ESCHEMA, at,
                "parameter '%s' is a percentage%s: write it with "
                "'%%' (e.g. '%s%%'), not %s",
                d->name, limit_origin(L, lim->percent, at),
                at->kind == YN_SCALAR ? QLI_BARE_SHORT(at->text) : "…",
                at->kind == YN_SCALAR ? QLI_QUOTE_SHORT(at->text) : "'…'");
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
                         at->kind == YN_SCALAR ? QLI_BARE_SHORT(at->text)
                                               : "the value",
                         over ? "above" : "below", over ? "maximum" : "minimum",
                         QLI_BARE_SHORT(bad->text), limit_origin(L, bad, at),
                         over && !pct && qli_qd_cmp(v, &qd_one) > 0 &&
                                 bad->len && bad->text[bad->len - 1] == '%'
                             ? ": is a '%' missing?"
                             : "");
    }
    return QL_OK;
}

/* A percentage's bound is written as its values are, with '%' (zero
 * aside, which reads the same either way): `max: 100` meant as 100 % is
 * the share 100, 10,000 %, and would guard nothing (probe13 P13-01). */
static ql_status percent_bound(loader *L, const param_def *d, const ynode *unit,
                               const ynode *b, const char *key, const qd *v)
{
    if (!b || b->kind != YN_SCALAR || v->coef == 0 ||
        (b->len && b->text[b->len - 1] == '%'))
        return QL_OK;
    return qli_yfail(L->err, QL_ESCHEMA, b,
                     "parameter '%s' is a percentage%s: write its bound with "
                     "'%%' (e.g. '%s: %s%%'), not %s",
                     d->name, limit_origin(L, unit, b), key,
                     QLI_BARE_SHORT(b->text), QLI_QUOTE_SHORT(b->text));
}

/* The places of a share as written in the parameter's unit: two fewer
 * for a percentage (0.00055 is 0.055%, three). */
static int written_places(const param_def *d, int places)
{
    int w = places - (d->percent ? 2 : 0);
    return w < 0 ? 0 : w;
}

/* `scale:`, the places a number parameter's values are written with in
 * its unit (in percent for a percentage: `scale: 3` allows 0.055%), so
 * that a what-if may have more places than the law's own values without
 * changing the places of an output.  It is how values are written, not
 * a number of the law, so it cites no source.  At most
 * QL_MAX_PARAM_PLACES for the share, as every value. */
static ql_status declared_scale(loader *L, param_def *d, const ynode *sn,
                                const char *what)
{
    int hi = QL_MAX_PARAM_PLACES - (d->percent ? 2 : 0);
    ql_status st = qli_rl_want(L, sn, YN_SCALAR, "'scale'");
    if (st)
        return st;
    long v = 0;
    size_t i = 0;
    for (; i < sn->len && sn->text[i] >= '0' && sn->text[i] <= '9' && v <= hi;
         i++)
        v = v * 10 + (sn->text[i] - '0');
    if (i == 0 || i != sn->len || v > hi)
        return qli_yfail(
            L->err, QL_ESCHEMA, sn,
            "%s: 'scale' must be a whole number from 0 to %d "
            "(places of its values as written%s; a parameter's "
            "values have at most " QL_STR(QL_MAX_PARAM_PLACES) "), found %s",
            what, hi, d->percent ? " in percent, the share has two more" : "",
            QLI_QUOTE_N(sn->text, sn->len));
    d->scale_node = sn;
    d->places = (int)v + (d->percent ? 2 : 0);
    return QL_OK;
}

/* `scale:` only where values have places of their own to declare. */
static ql_status scale_fits_kind(loader *L, const param_def *d, vkind kind,
                                 const char *what)
{
    static const char *const kinds[] = {"", "numbers", "bools", "strings",
                                        "dates"};
    if (!d->scale_node)
        return QL_OK;
    const char *why = NULL;
    if (kind != VK_NUMBER && kind != VK_TABLE)
        why = qli_ar_printf(L->ar, "its values are %s, which have no places",
                            kind <= VK_DATE ? kinds[kind] : "not numbers");
    else if (d->integer)
        why = "an integer has none";
    else if (d->type.money && written_places(d, d->places) > L->rs->minor)
        why = qli_ar_printf(
            L->ar, "money in %s has at most %d decimal %s, not %d",
            L->rs->currency, L->rs->minor, qli_places(L->rs->minor),
            written_places(d, d->places));
    if (!why)
        return QL_OK;
    return qli_yfail(L->err, QL_ESCHEMA, d->scale_node,
                     "%s: 'scale' is for decimal parameters (%s)", what, why);
}

/* One value (each bracket's, for a table) padded to the parameter's
 * declared places (`scale:`), so that it and every override are shown
 * alike.  More places than a declared
 * scale is an error at the value: a digit would be lost. */
static ql_status pad_places(loader *L, const param_def *d, param_value *pv,
                            const ynode *n)
{
    if (!d->scale_node)
        return QL_OK;
    size_t k = d->type.kind == VK_TABLE ? pv->nrows : 1;
    for (size_t i = 0; i < k; i++) {
        qd *v = d->type.kind == VK_TABLE ? &pv->rows[i].value : &pv->v.num;
        const ynode *at = n;
        if (d->type.kind == VK_TABLE && n->kind == YN_SEQ && i < n->n) {
            const ynode *vn = qli_ymap_get(n->items[i], "value");
            at = vn ? vn : n->items[i];
        }
        const ynode *sn = d->scale_node;
        if (sn && v->scale > d->places)
            return qli_yfail(
                L->err, QL_ESCHEMA, at,
                "parameter '%s': %s has %d decimal %s%s, more than its "
                "'scale: %s' (%s:%d) allows",
                d->name,
                at->kind == YN_SCALAR ? QLI_QUOTE_N(at->text, at->len) : "'…'",
                written_places(d, v->scale),
                qli_places(written_places(d, v->scale)),
                d->percent ? " in percent" : "", sn->text, sn->doc->file,
                sn->line);
        qd padded;
        if (qli_qd_round_to(&padded, v, d->places, QD_DOWN) != QD_OK ||
            padded.scale != d->places)
            return qli_yfail(
                L->err, QL_ERANGE, at,
                "parameter '%s': %s has too many digits to "
                "be written with its %d decimal %s",
                d->name,
                at->kind == YN_SCALAR ? QLI_QUOTE_N(at->text, at->len) : "'…'",
                written_places(d, d->places),
                qli_places(written_places(d, d->places)));
        *v = padded;
    }
    return QL_OK;
}

/* The places of a parameter without a fixed scale: the most of its
 * values in the rules file, and the value that has them. */
static void most_places(param_def *d)
{
    for (size_t k = 0; k < d->nvalues; k++) {
        const param_value *pv = &d->values[k];
        size_t n = d->type.kind == VK_TABLE ? pv->nrows : 1;
        for (size_t r = 0; r < n; r++) {
            int sc = d->type.kind == VK_TABLE ? pv->rows[r].value.scale
                                              : pv->v.num.scale;
            if (!d->places_node || sc > d->places) {
                d->places = sc;
                d->places_node = pv->node;
            }
        }
    }
}

/* A percentage without `scale:` whose values are whole percents (10 %,
 * the share 0.1) has the places of a whole percent, two as a share, as if
 * it declared `scale: 0` in the unit its values are written in: so a
 * what-if of 15 % is taken, where counting places as a share refused it
 * (probe8 P8-05: 13 of the shipped percentages took no whole percent but
 * a multiple of 10).  Its values are padded to them, so that every value
 * and override is shown alike; padding loses no digit. */
static void whole_percent_places(param_def *d)
{
    d->places = 2;
    for (size_t k = 0; k < d->nvalues; k++) {
        qd padded, *v = &d->values[k].v.num;
        if (qli_qd_round_to(&padded, v, d->places, QD_DOWN) == QD_OK &&
            padded.scale == d->places)
            *v = padded;
    }
}

/* The kind of value the definition this one replaces holds, 0 for none
 * or one that says its type (inherited through ent->type): a child that
 * redefines national.yaml's `post_rule_deadline` gives dates too, or the
 * parent's formulas would read text where they were written for a date. */
static vkind replaced_kind(const entry *ent, const ynode **first)
{
    const ynode *old = ent->replaced;
    const ynode *vals =
        old && old->kind == YN_MAP ? qli_ymap_get(old, "values") : NULL;
    *first = NULL;
    if (ent->type || !vals || vals->kind != YN_SEQ || !vals->n ||
        vals->items[0]->kind != YN_MAP)
        return 0;
    const ynode *e = vals->items[0];
    if ((*first = qli_ymap_get(e, "brackets")))
        return VK_TABLE;
    *first = qli_ymap_get(e, "value");
    return *first && (*first)->kind == YN_SCALAR ? scalar_kind(*first) : 0;
}

/* `bounds: percent`: a table whose brackets are looked up by a share
 * (national.yaml's levy_share, by the unit's own ratio) has every bound
 * written with '%' and between 0% and 100%, so that `from: 1` meant as
 * 1 % is an error at its line rather than 100 %. */
static ql_status percent_bounds(loader *L, const param_def *d, const ynode *bn,
                                const ynode *list)
{
    static const qd hundred = {1, 0};
    if (d->type.kind != VK_TABLE || list->kind != YN_SEQ)
        return qli_yfail(L->err, QL_ESCHEMA, bn,
                         "parameter '%s': 'bounds' is for tables (the unit "
                         "of their brackets' bounds)",
                         d->name);
    for (size_t i = 0; i < list->n; i++) {
        const ynode *r = list->items[i];
        const ynode *b = qli_ymap_get(r, "from");
        if (!b)
            b = qli_ymap_get(r, "above");
        if (!b || b->kind != YN_SCALAR)
            continue; /* build_brackets said so */
        const char *where = limit_origin(L, bn, b);
        if (!b->len || b->text[b->len - 1] != '%')
            return qli_yfail(L->err, QL_ESCHEMA, b,
                             "parameter '%s' has bounds in percent%s: write "
                             "this one with '%%' (e.g. '%s%%'), not %s",
                             d->name, where, QLI_BARE_SHORT(b->text),
                             QLI_QUOTE_SHORT(b->text));
        qd v;
        ql_status st = qli_rl_number_value(L, b, "bracket bound", &v);
        if (st)
            return st;
        if (v.coef < 0 || qli_qd_cmp(&v, &hundred) > 0)
            return qli_yfail(L->err, QL_ERANGE, b,
                             "parameter '%s': a bound in percent is between "
                             "0%% and 100%%, not %s",
                             d->name, b->text);
    }
    return QL_OK;
}

/* How the numbers of one parameter are written: the first nonzero one
 * seen of its bounds, and of its values, with or without '%'. */
typedef struct written {
    const ynode *bound, *value;
} written;

static int is_pct(const ynode *n)
{
    return n->len && n->text[n->len - 1] == '%';
}

/* "0", "0.00", "-0%": zero is the same written either way. */
static int zero_text(const ynode *n)
{
    size_t k = strspn(n->text, "+-0.%");
    return k == n->len && strchr(n->text, '0');
}

/* Number n (a bound if `bound`) against the way the parameter's first
 * nonzero one was written: '2%' then a bare '3' in one table or one
 * parameter's dated values is the forgotten '%' (3 read as 300 %), or
 * a stray one — a load error at the odd number (P2-31's class). */
static ql_status same_writing(loader *L, const param_def *d, written *w,
                              const ynode *n, int bound)
{
    if (!n || n->kind != YN_SCALAR || zero_text(n))
        return QL_OK;
    const ynode **first = bound ? &w->bound : &w->value;
    if (!*first) {
        *first = n;
        return QL_OK;
    }
    if (is_pct(*first) == is_pct(n))
        return QL_OK;
    const ynode *f = *first;
    const char *where =
        f->doc == n->doc ? qli_ar_printf(L->ar, "line %d", f->line)
                         : qli_ar_printf(L->ar, "%s:%d", f->doc->file, f->line);
    if (!where)
        return qli_rl_oom(L);
    return qli_yfail(L->err, QL_ESCHEMA, n,
                     "parameter '%s': %s %s is written %s '%%', but %s "
                     "(%s) is written %s it: write every %s of the parameter "
                     "alike, all with '%%' or all as shares (3%% or 0.03), "
                     "so that none is read a hundred times too large or "
                     "too small",
                     d->name, bound ? "the bound" : "the value",
                     QLI_QUOTE_SHORT(n->text), is_pct(n) ? "with" : "without",
                     QLI_QUOTE_SHORT(f->text), where,
                     is_pct(n) ? "without" : "with", bound ? "bound" : "value");
}

/* same_writing over one value: each bracket's bound and value of a
 * table, or the scalar. */
static ql_status written_alike(loader *L, const param_def *d, written *w,
                               const ynode *n, int table)
{
    if (!table)
        return d->type.kind == VK_NUMBER ? same_writing(L, d, w, n, 0) : QL_OK;
    ql_status st = QL_OK;
    for (size_t i = 0; n->kind == YN_SEQ && i < n->n && !st; i++) {
        const ynode *r = n->items[i], *b = qli_ymap_get(r, "from");
        if (!b)
            b = qli_ymap_get(r, "above");
        if (!(st = same_writing(L, d, w, b, 1)))
            st = same_writing(L, d, w, qli_ymap_get(r, "value"), 0);
    }
    return st;
}

static ql_status param_entry(loader *L, const entry *ent, param_def *d)
{

    static const char *const keys[] = {"type",   "description", "values",
                                       "unit",   "min",         "max",
                                       "bounds", "scale",       NULL};
    static const char *const vkeys[] = {"from",   "until", "value", "brackets",
                                        "source", "note",  NULL};
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
                             "unknown parameter type %s (expected decimal, "
                             "integer, money, bool, date, string or table)",
                             QLI_QUOTE(tw));
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
                             "unknown unit %s (expected money or percent)",
                             QLI_QUOTE(uw));
    }
    const ynode *bn = ent->bounds;
    if (bn) {
        const char *bw;
        if ((st = qli_rl_scalar(L, bn, "bounds", &bw)))
            return st;
        if (strcmp(bw, "percent"))
            return qli_yfail(L->err, QL_ESCHEMA, bn,
                             "unknown 'bounds' unit %s (expected percent)",
                             QLI_QUOTE(bw));
        if (declared && declared != VK_TABLE)
            return qli_yfail(L->err, QL_ESCHEMA, bn,
                             "%s: 'bounds' is for tables (the unit of their "
                             "brackets' bounds)",
                             what);
    }
    limits lim = {ent->min, ent->max, percent ? un : NULL, {0, 0}, {0, 0}};
    if ((lim.min && (st = qli_rl_number_value(L, lim.min, "min", &lim.lo))) ||
        (lim.max && (st = qli_rl_number_value(L, lim.max, "max", &lim.hi))))
        return st;
    if (percent &&
        (st = percent_bound(L, d, un, lim.min, "min", &lim.lo)) == QL_OK)
        st = percent_bound(L, d, un, lim.max, "max", &lim.hi);
    if (st)
        return st;
    if ((lim.min || lim.max || percent) && !declared)
        declared = VK_NUMBER; /* bounds and a unit are for numbers */
    d->percent = percent;
    d->percent_node = percent ? un : NULL;
    d->min_node = lim.min;
    d->max_node = lim.max;
    d->lo = lim.lo;
    d->hi = lim.hi;
    if (d->type.money && L->rs->minor < 0)
        return qli_yfail(L->err, QL_ESCHEMA, tn ? tn : un,
                         "%s is money, but the rule set names no currency: add "
                         "e.g. 'currency: CNY' at the top of the file",
                         what);
    if (ent->scale && (st = declared_scale(L, d, ent->scale, what)))
        return st;
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
    written wr = {NULL, NULL};
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
                return qli_rl_until_before_from(L, until, what, pv->from,
                                                pv->until);
        }
        if (k > 0) {
            const param_value *prev = &d->values[k - 1];
            char a[16], b[16];
            ql_date_format(a, sizeof a, pv->from);
            if (pv->from <= prev->from) {
                ql_date_format(b, sizeof b, prev->from);
                return qli_yfail(
                    L->err, QL_ESCHEMA, from,
                    "%s: its values must be listed by the day each starts "
                    "('from'), oldest first: this one's 'from: %s' does not "
                    "come after 'from: %s' (line %d), the value before it",
                    what, a, b, vals->items[k - 1]->line);
            }
            if (prev->until >= pv->from) {
                ql_date_format(b, sizeof b, prev->until);
                return qli_yfail(
                    L->err, QL_ESCHEMA, from,
                    "%s: this value starts ('from: %s') before the value "
                    "before it ends ('until: %s', line %d): two values "
                    "would hold on one day",
                    what, a, b, vals->items[k - 1]->line);
            }
        }
        if ((st = qli_rl_citation(L, e, what, 1, &pv->source)))
            return st;
        const ynode *val = qli_ymap_get(e, "value"),
                    *br = qli_ymap_get(e, "brackets");
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
        const ynode *pfirst;
        vkind inherited = replaced_kind(ent, &pfirst);
        if (inherited && kind != inherited && !d->clash) {
            d->clash = br ? br : val;
            d->was = pfirst;
            d->was_kind = inherited;
        }
        if (d->type.kind && kind != d->type.kind)
            return qli_yfail(L->err, QL_ETYPE, br ? br : val,
                             "%s: every value must have the same type as the "
                             "first",
                             what);
        if (kind == VK_TABLE && !br)
            return qli_yfail(L->err, QL_ESCHEMA, e,
                             "%s is a table: give 'brackets', not 'value'",
                             what);
        d->type.kind = kind;
        if (k == 0 && (st = scale_fits_kind(L, d, kind, what)))
            return st;
        switch (kind) {
        case VK_TABLE: st = build_brackets(L, br, pv, what); break;
        case VK_NUMBER:
            st = qli_rl_number_value(L, val, what, &pv->v.num);
            break;
        case VK_BOOL: st = qli_rl_bool_value(L, val, what, &pv->v.b); break;
        case VK_DATE: st = qli_rl_date_value(L, val, what, &pv->v.date); break;
        default:
            if ((st = qli_rl_want(L, val, YN_SCALAR, "'value'")) == QL_OK &&
                (st = qli_rl_text_ok(L, val, "value")) == QL_OK) {
                pv->v.str.s = val->text;
                pv->v.str.len = (uint32_t)val->len;
            }
        }
        if (st)
            return st;
        pv->node = br ? br : val;
        if (d->integer && kind == VK_NUMBER &&
            (st = whole_value(L, d, pv, val)))
            return st;
        if ((st = few_places(L, d, pv, br ? br : val)) ||
            (d->type.money && (st = money_places(L, d, pv, br ? br : val))))
            return st;
        if ((st = within_limits(L, d, &lim, pv, br ? br : val)) ||
            (bn && (st = percent_bounds(L, d, bn, br ? br : val))) ||
            (st = written_alike(L, d, &wr, br ? br : val, br != NULL)) ||
            ((kind == VK_NUMBER || kind == VK_TABLE) &&
             (st = pad_places(L, d, pv, br ? br : val))))
            return st;
        d->nvalues++;
    }
    if (!d->scale_node && !d->integer)
        most_places(d);
    if (!d->scale_node && d->percent && d->type.kind == VK_NUMBER &&
        d->places < 2)
        whole_percent_places(d);
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
