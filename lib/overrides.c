/*
 * overrides.c — what-if overrides (ql_load_options.overrides,
 * `--override`): a parameter's value replaced from a date on, each held
 * to what the rules file holds that parameter's own values to.
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

const char *qli_override_given(const ql_override *o, char *buf, size_t size)
{
    /* a program's value as its user wrote it (Decimal('1E+1')), not the
     * text it was sent as ('1000%': P8-02); a text quoted */
    const char *t = o->shown ? o->shown : o->value;
    return qli_snip(buf, size, t, strlen(t), o->shown ? 0 : '\'', 0);
}

/* An override's number held to what the rules file holds the
 * parameter's own values to: a whole number for an integer, the
 * currency's places for money, its min and max — and, checked where it
 * is parsed, the '%' a percentage is written with.  Bounds alone do not
 * catch a forgotten '%': Germany's quota=1 meant as 1 % is 100 %, within
 * 0 %…100 %, and China's late fee of 0.05 % a day written 0.05 is 5 % a
 * day (probe6 P6-03).  Bindings write a program's number (a Python
 * Decimal, a Java BigDecimal) as the share it is, with '%'. */
static ql_status override_fits(loader *L, const param_def *d,
                               const ql_override *o, qd *x)
{
    char lim[QD_TEXT_MAX], why[256] = "";
    ql_status code = QL_ESCHEMA;
    qd cut;
    if (d->integer) {
        if (qli_qd_round_to(&cut, x, 0, QD_DOWN) != QD_OK ||
            qli_qd_cmp(&cut, x))
            snprintf(why, sizeof why,
                     "the parameter is an integer: give a whole "
                     "number");
        else
            *x = cut;
    }
    if (!why[0] && d->type.money &&
        (qli_qd_round_to(&cut, x, L->rs->minor, QD_DOWN) != QD_OK ||
         qli_qd_cmp(&cut, x)))
        snprintf(why, sizeof why,
                 "the parameter is money in %s, which has %d "
                 "decimal places: this value has more",
                 L->rs->currency, L->rs->minor);
    const ynode *bound = NULL;
    if (!why[0] && d->min_node && qli_qd_cmp(x, &d->lo) < 0)
        bound = d->min_node;
    if (!why[0] && d->max_node && qli_qd_cmp(x, &d->hi) > 0)
        bound = d->max_node;
    if (bound) {
        qli_qd_format(bound == d->min_node ? &d->lo : &d->hi, lim);
        snprintf(why, sizeof why, "%s its %s of %s (%s:%d)",
                 bound == d->min_node ? "below" : "above",
                 bound == d->min_node ? "minimum" : "maximum",
                 bound->kind == YN_SCALAR ? QLI_BARE_SHORT(bound->text) : lim,
                 bound->doc->file, bound->line);
        code = QL_ERANGE;
    }
    if (!why[0])
        return QL_OK;
    char given[QLI_OVERRIDE_GIVEN_MAX];
    qli_fail(L->err, code, NULL, 0, 0, "override of parameter '%s': %s: %s",
             d->name, qli_override_given(o, given, sizeof given), why);
    qli_error_set_field(L->err, d->name);
    return code;
}

/* A parameter's places are part of its type (param_def.places: its
 * `scale:`, else the most of the rules file's values), and every output
 * computed from it is shown with places derived from them, so a what-if may not
 * change them (P5-03: compare showed one output as 294.00 and 294.000).  An
 * override's zeros past its value are dropped (0.01700000 is 0.017), one with
 * fewer places is padded to the parameter's — from before every value of the
 * file too — and one that needs more is refused, naming what fixes them. */
static ql_status override_places(loader *L, const param_def *d,
                                 const ql_override *o, qd *x)
{
    qli_qd_trim(x);
    if (x->scale > d->places) {
        const ynode *sn = d->scale_node, *at = sn ? sn : d->places_node;
        int pct = d->percent, given = x->scale - (pct ? 2 : 0);
        char why[400];
        if (sn)
            snprintf(why, sizeof why,
                     "has %d decimal %s%s, more than its 'scale: %.8s' "
                     "(%s:%d) allows",
                     given, qli_places(given), pct ? " in percent" : "",
                     sn->text, sn->doc->file, sn->line);
        else /* one unit in the sentence: percent for a percentage */
            snprintf(why, sizeof why,
                     "has %d decimal %s%s, more than the %d of its values "
                     "in the rules file (%s:%d); to allow them, declare "
                     "'scale: %d' on '%s'%s",
                     given, qli_places(given), pct ? " in percent" : "",
                     d->places - (pct ? 2 : 0), at ? at->doc->file : "?",
                     at ? at->line : 0, given < 0 ? 0 : given, d->name,
                     pct ? " (places in percent)" : "");
        char as_given[QLI_OVERRIDE_GIVEN_MAX];
        qli_fail(L->err, QL_ESCHEMA, NULL, 0, 0,
                 "override of parameter '%s': %s %s: a parameter's places are "
                 "part of its type, which the outputs computed from it are "
                 "shown with",
                 d->name, qli_override_given(o, as_given, sizeof as_given),
                 why);
        qli_error_set_field(L->err, d->name);
        return QL_ESCHEMA;
    }
    qd padded;
    if (qli_qd_round_to(&padded, x, d->places, QD_DOWN) != QD_OK ||
        padded.scale != d->places) {
        char given[QLI_OVERRIDE_GIVEN_MAX];
        qli_fail(L->err, QL_ERANGE, NULL, 0, 0,
                 "override of parameter '%s': %s has too many digits to be "
                 "written with the parameter's %d decimal %s",
                 d->name, qli_override_given(o, given, sizeof given), d->places,
                 qli_places(d->places));
        qli_error_set_field(L->err, d->name);
        return QL_ERANGE;
    }
    *x = padded;
    return QL_OK;
}

/* The override's value as the parameter's type, like a rules file's. */
static ql_status override_value(loader *L, const param_def *d,
                                const ql_override *o, qval *v)
{
    const char *t = o->value;
    size_t len = strlen(t), nlen = len;
    int bad = 0, q = QD_OK;
    char given[QLI_OVERRIDE_GIVEN_MAX];
    qli_override_given(o, given, sizeof given);
    switch (d->type.kind) {
    case VK_NUMBER: {
        /* QL_OVERRIDE_NUMBER: a program's number, the value itself (a
         * percentage's share), so no '%' is read or asked for */
        int number = (o->flags & QL_OVERRIDE_NUMBER) != 0;
        int pct = !number && len && t[len - 1] == '%';
        nlen = pct ? len - 1 : len;
        q = qli_qd_parse(&v->num, t, nlen);
        if (!q && pct)
            q = qli_qd_percent(&v->num, &v->num);
        bad = q != QD_OK;
        if (!bad && d->percent && !pct && !number) {
            const ynode *u = d->percent_node;
            qli_fail(L->err, QL_ESCHEMA, NULL, 0, 0,
                     "override of parameter '%s': %s: the parameter is a "
                     "percentage: write it with '%%', e.g. '%s%%', as its "
                     "values are (unit: percent, %s:%d)",
                     d->name, given, QLI_BARE_SHORT(t), u ? u->doc->file : "?",
                     u ? u->line : 0);
            qli_error_set_field(L->err, d->name);
            return QL_ESCHEMA;
        }
        break;
    }
    case VK_BOOL:
        bad = strcmp(t, "true") && strcmp(t, "false");
        v->b = !strcmp(t, "true");
        break;
    case VK_DATE: bad = qli_date_parse_text(t, len, &v->date) != 0; break;
    case VK_STRING:
        if (qli_uc_check(t, len, NULL) != QLI_UC_OK) {
            char shown[QLI_SNIP_SHORT];
            qli_snip(shown, sizeof shown, t, len, '\'', QLI_SNIP_MARKS);
            qli_fail(L->err, QL_ESCHEMA, NULL, 0, 0,
                     "override of parameter '%s': %s is not text in Unicode "
                     "normalization "
                     "form C with no invisible characters (it is compared byte "
                     "for byte)",
                     d->name, shown);
            qli_error_set_field(L->err, d->name);
            return QL_ESCHEMA;
        }
        v->str.s = qli_ar_strndup(L->ar, t, len);
        v->str.len = (uint32_t)len;
        if (!v->str.s)
            return qli_rl_oom(L);
        break;
    default: bad = 1;
    }
    long before, after; /* 1e400: a number, too long written out */
    if (bad && q != QD_OK &&
        (q != QD_SYNTAX ||
         qli_qd_exponent_too_long(t, nlen, &before, &after))) {
        char why[256];
        qli_fail(L->err, QL_ERANGE, NULL, 0, 0,
                 "override of parameter '%s': %s: %s", d->name, given,
                 qli_qd_text_message(q, t, nlen, why, sizeof why));
        qli_error_set_field(L->err, d->name);
        return QL_ERANGE;
    }
    char twin[160];
    if (bad && q == QD_SYNTAX &&
        qli_uc_number_lookalike(t, len, 1, twin, sizeof twin)) {
        qli_fail(L->err, QL_ESCHEMA, NULL, 0, 0,
                 "override of parameter '%s': %s is not a number: it has %s",
                 d->name, given, twin);
        qli_error_set_field(L->err, d->name);
        return QL_ESCHEMA;
    }
    if (bad) {
        /* what to write, as a rules file's value is told (probe17 P17-02:
         * "'yes' is not a bool" left the reader to guess) */
        static const char *kinds[] = {
            "", "number (expected a plain decimal number, e.g. 12.75)",
            "bool (expected true or false)", "string",
            "date (expected YYYY-MM-DD)"};
        qli_fail(L->err, QL_ESCHEMA, NULL, 0, 0,
                 "override of parameter '%s': %s is not a %s", d->name, given,
                 d->type.kind <= VK_DATE ? kinds[d->type.kind] : "value");
        qli_error_set_field(L->err, d->name);
        return QL_ESCHEMA;
    }
    return d->type.kind == VK_NUMBER ? override_fits(L, d, o, &v->num) : QL_OK;
}

/* The overrides in the order of their dates, the caller's order among
 * equal dates (two of one parameter on one day were refused before). */
static ql_status overrides_by_date(loader *L, const ql_override ***out)
{
    const ql_override **by = qli_ar_alloc(L->ar, (L->novr + 1) * sizeof *by);
    if (!by)
        return qli_rl_oom(L);
    for (size_t k = 0; k < L->novr; k++) { /* insertion: stable, n small */
        size_t j = k;
        while (j > 0 && by[j - 1]->from > L->ovr[k].from) {
            by[j] = by[j - 1];
            j--;
        }
        by[j] = &L->ovr[k];
    }
    *out = by;
    return QL_OK;
}

/* Each override replaces its parameter's values from its day on, so they
 * are applied earliest first: each then holds until the next one of its
 * parameter, whatever order they were given in (applied in the caller's
 * order, "1.7% from 2024, 1.8% from 2023" erased the 1.7 %). */
ql_status qli_rl_apply_overrides(loader *L)
{
    ql_ruleset *rs = L->rs;
    const ql_override **by = NULL;
    ql_status by_st = overrides_by_date(L, &by);
    if (by_st)
        return by_st;
    for (size_t k = 0; k < L->novr; k++) {
        const ql_override *o = by[k];
        param_def *d = NULL;
        for (size_t i = 0; i < rs->n_params && !d; i++)
            if (!strcmp(rs->params[i].name, o->param))
                d = &rs->params[i];
        if (!d) { /* --override Ratio=… said no more (probe7 P7-04) */
            qli_suggest sg;
            char near[QL_ERROR_FIELD_MAX + 24];
            qli_suggest_init(&sg, o->param, strlen(o->param));
            for (size_t i = 0; i < rs->n_params; i++)
                qli_suggest_try(&sg, rs->params[i].name);
            qli_fail(L->err, QL_ENAME, NULL, 0, 0,
                     "override: the rule set has no parameter called %s%s",
                     QLI_QUOTE(o->param),
                     qli_suggest_text(&sg, near, sizeof near));
            qli_error_set_field(L->err, o->param);
            return QL_ENAME;
        }
        if (d->type.kind == VK_TABLE) {
            qli_fail(L->err, QL_ETYPE, NULL, 0, 0,
                     "override of parameter '%s': it is a table of brackets; "
                     "only single values can be overridden",
                     d->name);
            qli_error_set_field(L->err, d->name);
            return QL_ETYPE;
        }
        qval v;
        memset(&v, 0, sizeof v);
        ql_status st = override_value(L, d, o, &v);
        if (st)
            return st;
        if (d->type.kind == VK_NUMBER &&
            (st = override_places(L, d, o, &v.num)))
            return st;
        /* keep the values that start before the override, ending them
         * the day before it; the override holds from then on */
        param_value *vals =
            qli_ar_alloc(L->ar, (d->nvalues + 1) * sizeof *vals);
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
