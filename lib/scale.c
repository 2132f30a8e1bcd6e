/*
 * scale.c — how numbers are shown: the currency's minor unit for money,
 * a fixed number of places for every other number.
 *
 * The type checker derives for every expression the most places its
 * value can carry (round(x, n) → n, + → the larger, × → the sum, ÷ →
 * unbounded) and whether it is an amount of money.  Here, once the rule
 * set is checked, each computed value, check field and output gets its
 * display: money at the currency's places, other numbers at their
 * declared `scale:` or the derived one.  An output that could carry more
 * places than it is shown with is a load error at its formula — unless
 * the rule set declared a rounding for display only (`display:`), which
 * money never may: the law says where an amount is rounded, so the
 * formula must.  Values stay exact inside; only what is handed out is
 * padded (or, when declared, rounded) to its scale.
 */
#include "eval.h"
#include "typecheck.h"
#include "scale.h"
#include "yamltree.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ISO 4217 minor units of the currencies rule sets may name. */
static const struct {
    char code[4];
    int minor;
} currencies[] = {
    {"AUD", 2}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CNY", 2}, {"CZK", 2},
    {"DKK", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"HUF", 2}, {"IDR", 2},
    {"INR", 2}, {"ISK", 0}, {"JPY", 0}, {"KRW", 0}, {"MOP", 2}, {"MXN", 2},
    {"NOK", 2}, {"NZD", 2}, {"PLN", 2}, {"RUB", 2}, {"SEK", 2}, {"SGD", 2},
    {"THB", 2}, {"TRY", 2}, {"TWD", 2}, {"USD", 2}, {"VND", 0}, {"ZAR", 2},
    {"BHD", 3}, {"JOD", 3}, {"KWD", 3}, {"OMR", 3}, {"TND", 3}};

int qli_sc_currency_minor(const char *code)
{
    for (size_t i = 0; i < sizeof currencies / sizeof *currencies; i++)
        if (!strcmp(currencies[i].code, code))
            return currencies[i].minor;
    return -1;
}

const char *qli_sc_currency_suggest(const char *code, char *buf, size_t size)
{
    /* only what is surely meant: another case of a code, or a common
     * name of one — an edit distance over three-letter codes would offer
     * RUB for RMB */
    static const char *const names[][2] = {{"RMB", "CNY"}, {"YEN", "JPY"},
                                           {"EURO", "EUR"}, {"WON", "KRW"}};
    for (size_t i = 0; i < sizeof currencies / sizeof *currencies; i++)
        if (!strcasecmp(currencies[i].code, code)) {
            snprintf(buf, size, "; did you mean '%s'?", currencies[i].code);
            return buf;
        }
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(names[i][0], code)) {
            snprintf(buf, size, "; did you mean '%s', its ISO 4217 code?",
                     names[i][1]);
            return buf;
        }
    return "";
}

int qli_sc_show(qd *out, const qd *v, display d)
{
    *out = *v;
    if (d.scale < 0 || v->scale == d.scale)
        return QD_OK;
    if (v->scale < d.scale) {
        int up = d.scale - v->scale;
        qd_u128 mag = v->coef < 0 ? -(qd_u128)v->coef : (qd_u128)v->coef;
        if (mag >= qli_qd_pow10[QD_DIGITS - up])
            return QD_OVERFLOW; /* its places would take a 37th digit */
        *out = qli_qd_make(v->coef * (qd_i128)qli_qd_pow10[up], d.scale);
        return QD_OK;
    }
    qd cut;
    if (qli_qd_round_to(&cut, v, d.scale, QD_DOWN) == QD_OK &&
        qli_qd_cmp(&cut, v) == 0) {
        *out = cut; /* only zeros dropped */
        return QD_OK;
    }
    if (d.mode >= 0 && qli_qd_round_to(&cut, v, d.scale, (qd_round)d.mode) == QD_OK) {
        *out = cut;
        return QD_OK;
    }
    return QD_INEXACT;
}

/* ------------------------------------------------------------ display */

/* The display of a number of type t with a declared scale and mode. */
static display display_of(const ql_ruleset *rs, vtype t, int decl, int mode)
{
    display d = {-1, -1};
    if (t.kind != VK_NUMBER)
        return d;
    if (t.money && rs->minor >= 0) {
        /* an amount before its rounding (an output never is: see
         * showable) keeps the fixed places of its formula, so a trace
         * shows France's exact gross contribution with its 4; a quotient
         * of money has no fixed places and is shown as it is, never
         * with the cents its value does not have */
        if (t.scale == QL_SCALE_ANY)
            return d;
        d.scale = (int8_t)(t.scale > rs->minor ? t.scale : rs->minor);
    } else if (decl >= 0)
        d.scale = (int8_t)decl;
    else if (t.scale != QL_SCALE_ANY)
        d.scale = (int8_t)t.scale;
    if (t.scale != QL_SCALE_ANY && t.scale <= d.scale)
        return d; /* every value fits: no rounding is ever needed */
    d.mode = (int8_t)mode;
    return d;
}

/* "place" or "places" after the number n (P2-18: "1 places"). */
#define PLACES(n) ((n) == 1 ? "place" : "places")

/* The most places a number of type t can carry, in words, with the word
 * "places" or "place" after it ("3 places", "1 place", "any number of
 * places"); `dec` puts "decimal " before that word. */
static const char *places(vtype t, char *buf, size_t size, int dec)
{
    if (t.scale == QL_SCALE_ANY)
        snprintf(buf, size, "any number of %splaces", dec ? "decimal " : "");
    else
        snprintf(buf, size, "%d %s%s", t.scale, dec ? "decimal " : "",
                 PLACES(t.scale));
    return buf;
}

/* An error if the values of a number of type t, shown as d, could lose
 * digits; `what` names it, `formula` and `scale_node` locate it. */
static ql_status showable(const ql_ruleset *rs, ql_error *err, vtype t,
                          display d, int decl, const char *what,
                          const ynode *formula, const ynode *scale_node)
{
    char buf[48];
    if (t.kind != VK_NUMBER)
        return QL_OK;
    if (t.money) {
        if (t.scale <= rs->minor)
            return QL_OK;
        return qli_yfail(err, QL_ETYPE, formula,
                     "%s is an amount in %s, which has %d decimal %s, "
                     "but its value can carry %s: round it where the "
                     "law says, e.g. round(…, %d); money is never rounded on "
                     "the way out",
                     what, rs->currency, rs->minor, PLACES(rs->minor),
                     places(t, buf, sizeof buf, 0), rs->minor);
    }
    if ((t.scale != QL_SCALE_ANY && t.scale <= d.scale) || d.mode >= 0)
        return QL_OK;
    if (decl >= 0)
        return qli_yfail(err, QL_ETYPE, scale_node ? scale_node : formula,
                     "%s is shown with %d %s ('scale: %d') but its value "
                     "can carry %s: round it in the formula, or declare "
                     "'display: half_up' (or another mode) to round it for "
                     "display only",
                     what, decl, PLACES(decl), decl,
                     places(t, buf, sizeof buf, 0));
    return qli_yfail(err, QL_ETYPE, formula,
                 "%s can carry %s (a quotient, an input "
                 "without 'scale', or a product whose operands' places add "
                 "up to more than " QL_STR(QD_MAX_SCALE) "): round it, or "
                 "declare 'scale: N' (with 'display: MODE' to round for "
                 "display only)",
                 what, places(t, buf, sizeof buf, 1));
}

/* An error if the values of a number shown as d are added up (agg) but
 * d rounds them for display only: a total of the shown values is not the
 * total of the values (three of 2/3 shown at 2 places add up to 2.01,
 * not 2.00), and a total of the values would not be what the rows show.
 * `what` names it, `at` locates it (its `aggregate:`). */
static ql_status summable(ql_error *err, display d, int agg, const char *what,
                          const ynode *at)
{
    if (agg != QL_AGG_SUM || d.mode < 0)
        return QL_OK;
    return qli_yfail(err, QL_ETYPE, at,
                 "%s is added up in totals ('aggregate: sum') but is rounded "
                 "to its %d %s for display only ('display:'), and a total "
                 "of rounded values is not the total of the values: round it "
                 "in the formula where the rules say it is rounded "
                 "(round(…, %d, \"half_up\") or another mode), or declare "
                 "another aggregation (none, min or max)",
                 what, d.scale, qli_places(d.scale), d.scale);
}

static int note(ql_diag *diag, ql_error *err, ql_status st)
{
    return st == QL_OK || qli_diag_note(diag, err, st);
}

/* The defaults of `aggregate:`: money adds up, a bool (a check) is
 * counted where true; any other number says how, or is not totalled. */
static int default_agg(vtype t)
{
    if (t.kind == VK_BOOL)
        return QL_AGG_COUNT;
    return t.kind == VK_NUMBER && t.money ? QL_AGG_SUM : QL_AGG_NONE;
}

/* An error if computed value d's aggregation (its `aggregate:`, or the
 * default) cannot apply to its type, or if the default would add up an
 * amount per unit; `what` names it.  A sum is of numbers, a count of
 * bools, a min or max of numbers: anything else would leave every total
 * empty (P2-17).  Money adds up by default, but not an amount that was
 * divided by a plain number (a wage per head, a levy per position)
 * somewhere in its making: whether that total means something (levy per
 * head summed over units does not; a shortfall times a wage per head
 * does) only the author knows, so the rules must say (P2-32). */
static ql_status aggregable(ql_error *err, const computed_def *d,
                            const char *what)
{
    static const char *const words[] = {"none", "sum", "count", "min", "max"};
    vtype t = d->type;
    if (d->agg < 0) {
        if (t.kind != VK_NUMBER || !t.money || !t.per)
            return QL_OK;
        return qli_yfail(err, QL_ETYPE, d->expr ? d->expr : d->key,
                         "%s is an amount divided by a number somewhere in "
                         "its making (an amount per unit, like a wage per "
                         "head), and whether its total over records means "
                         "anything the rules must say: declare 'aggregate: "
                         "sum' if it adds up (a shortfall times a wage per "
                         "head) or 'aggregate: none' if not (a levy per head)",
                         what);
    }
    int ok = d->agg == QL_AGG_NONE ||
             (d->agg == QL_AGG_COUNT ? t.kind == VK_BOOL : t.kind == VK_NUMBER);
    if (ok)
        return QL_OK;
    return qli_yfail(err, QL_ETYPE, d->agg_node ? d->agg_node : d->key,
                     "%s is %s %s, and 'aggregate: %s' is for %s: declare %s",
                     what, qli_cc_article(t), qli_cc_type_name(t),
                     words[d->agg],
                     d->agg == QL_AGG_COUNT ? "bools (counted where true)"
                                            : "numbers",
                     t.kind == VK_BOOL     ? "'aggregate: count' (or none)"
                     : t.kind == VK_NUMBER ? "sum, min, max or none"
                                           : "'aggregate: none' (or leave it "
                                             "out)");
}

/* Settles how check k's shortfall combines over records (k->agg) and
 * says when it cannot: a shortfall is added up by default, but not one
 * made of a share (a number divided by a per-record number, like a
 * quota rate of a unit's staff), whose total is percentage points of
 * different units (P3-11): the rules must say, as for an amount per
 * unit.  A count of true values is for bools; `output` is whether the
 * check is an output (only an output is totalled). */
static ql_status check_aggregable(ql_error *err, check_def *k, int output)
{
    int share = 0;
    for (int f = 0; f < 3; f++)
        share |= qli_cc_check_field_type(k, CF_REQUIRED + f).share;
    if (k->agg == QL_AGG_COUNT)
        return qli_yfail(err, QL_ETYPE, k->agg_node ? k->agg_node : k->key,
                         "check '%s': its shortfall is a number, and "
                         "'aggregate: count' is for bools: declare sum, min, "
                         "max or none (the check's compliant units are "
                         "counted whatever it says)",
                         k->name);
    if (k->agg >= 0)
        return QL_OK;
    if (!share) {
        k->agg = QL_AGG_SUM;
        return QL_OK;
    }
    k->agg = QL_AGG_NONE;
    if (!output)
        return QL_OK;
    return qli_yfail(err, QL_ETYPE, k->key,
                     "check '%s' compares shares (a number divided by a "
                     "number that differs from record to record), and "
                     "whether its shortfalls add up over records the rules "
                     "must say: declare 'aggregate: none' if they do not (a "
                     "shortfall in percentage points of each unit's own "
                     "staff), or 'aggregate: sum' if they do",
                     k->name);
}

/* showable for the three numbers of check k, each noted in diag (the
 * first problem kept in *first); non-zero when the load must stop. */
static ql_status check_showable(ql_ruleset *rs, ql_error *err, ql_diag *diag,
                                const check_def *k, ql_status *first)
{
    for (int f = 0; f < 3; f++) {
        const char *what = qli_ar_printf(&rs->arena, "check '%s' %s", k->name,
                                         qli_tc_check_parts[1 + f]);
        if (!what)
            return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        const ynode *at = k->expr[1 + f] ? k->expr[1 + f] : k->key;
        ql_status st = showable(rs, err, qli_cc_check_field_type(k, CF_REQUIRED + f),
                                k->disp[f], k->decl_scale, what, at, NULL);
        if (st && !*first)
            *first = st;
        if (st && !note(diag, err, st))
            return st;
    }
    return QL_OK;
}

ql_status qli_sc_outputs(ql_ruleset *rs, ql_error *err, ql_diag *diag)
{
    ql_status first = QL_OK, st;
#define NOTE(expr)                                                           \
    do {                                                                     \
        if ((st = (expr))) {                                                 \
            if (!first)                                                      \
                first = st;                                                  \
            if (!note(diag, err, st))                                        \
                return st;                                                   \
        }                                                                    \
    } while (0)
    for (size_t i = 0; i < rs->n_computed; i++) {
        computed_def *d = &rs->computed[i];
        if (d->decl_money && d->type.kind == VK_NUMBER)
            d->type.money = 1;
        if (d->type.money && (d->decl_scale >= 0 || d->decl_mode >= 0))
            NOTE(qli_yfail(err, QL_ESCHEMA, d->scale_node ? d->scale_node : d->key,
                       "computed '%s' is money: it is shown with %s's %d "
                       "places, and rounded only by its formula",
                       d->name, rs->currency, rs->minor));
        if ((d->decl_scale >= 0 || d->decl_mode >= 0) &&
            d->type.kind != VK_NUMBER)
            NOTE(qli_yfail(err, QL_ESCHEMA, d->scale_node ? d->scale_node : d->key,
                       "computed '%s' is %s %s: only numbers have a 'scale'",
                       d->name, qli_cc_article(d->type), qli_cc_type_name(d->type)));
        d->disp = display_of(rs, d->type, d->decl_scale, d->decl_mode);
    }
    unsigned char *ck_out = qli_ar_alloc(&rs->arena, rs->n_checks + 1);
    if (!ck_out)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    memset(ck_out, 0, rs->n_checks + 1);
    for (size_t j = 0; j < rs->n_outputs; j++)
        if (rs->outputs[j].kind == OUT_CHECK)
            ck_out[rs->outputs[j].index] = 1;
    for (size_t i = 0; i < rs->n_checks; i++) {
        check_def *k = &rs->checks[i];
        for (int f = 0; f < 3; f++)
            k->disp[f] = display_of(rs, qli_cc_check_field_type(k, CF_REQUIRED + f),
                                    k->decl_scale, k->decl_mode);
        NOTE(check_aggregable(err, k, ck_out[i]));
    }
    for (size_t i = 0; i < rs->n_outputs; i++) {
        output_def *o = &rs->outputs[i];
        o->disp.scale = o->disp.mode = -1;
        if (o->kind == OUT_COMPUTED) {
            const computed_def *d = &rs->computed[o->index];
            const char *what = qli_ar_printf(&rs->arena, "output '%s'", o->name);
            if (!what)
                return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
            NOTE(showable(rs, err, d->type, d->disp, d->decl_scale, what,
                          d->expr, d->scale_node));
            o->disp = d->disp;
            o->money = d->type.money;
            NOTE(aggregable(err, d, what));
            o->agg = d->agg >= 0 ? d->agg : default_agg(d->type);
            NOTE(summable(err, d->disp, o->agg, what,
                          d->agg_node ? d->agg_node : d->key));
        } else if (o->kind == OUT_CHECK) {
            const check_def *k = &rs->checks[o->index];
            if ((st = check_showable(rs, err, diag, k, &first)))
                return st;
            o->agg = QL_AGG_COUNT;
            /* a summary combines its shortfalls as the check says */
            const char *what = qli_ar_printf(&rs->arena, "check '%s' shortfall", k->name);
            if (!what)
                return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
            NOTE(summable(err, k->disp[2], k->agg, what,
                          k->agg_node ? k->agg_node : k->key));
        } else {
            const input_def *d = &rs->inputs[o->index];
            o->disp = display_of(rs, d->type, -1, -1);
            o->money = d->type.money;
            o->agg = default_agg(d->type);
            if (d->type.kind == VK_NUMBER && d->type.scale == QL_SCALE_ANY)
                NOTE(qli_yfail(err, QL_ETYPE, o->node,
                           "output '%s' is a decimal input without 'scale': "
                           "declare the places its values have",
                           o->name));
        }
    }
    /* an input's default is shown with the input's places */
    for (size_t i = 0; i < rs->n_inputs; i++) {
        const input_def *d = &rs->inputs[i];
        display at = {(int8_t)d->scale, -1};
        qd shown_v;
        if (d->has_default && d->type.kind == VK_NUMBER &&
            qli_sc_show(&shown_v, &d->def.num, at) == QD_OVERFLOW)
            NOTE(qli_yfail(err, QL_ERANGE, d->key,
                       "input '%s': its default would take more than %d "
                       "digits with its %d decimal places: too large to be "
                       "shown", d->name, QD_DIGITS, d->scale));
    }
    /* A value that is no output is still shown: a computed value in a
     * trace, a check's numbers by ql_result_check.  A `scale:` it
     * declares holds there as at an output. */
    unsigned char *is_out = qli_ar_alloc(&rs->arena, rs->n_computed + rs->n_checks + 1);
    if (!is_out)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < rs->n_outputs; i++)
        if (rs->outputs[i].kind != OUT_INPUT)
            is_out[(rs->outputs[i].kind == OUT_CHECK ? rs->n_computed : 0) +
                   (size_t)rs->outputs[i].index] = 1;
    for (size_t i = 0; i < rs->n_computed; i++) {
        const computed_def *d = &rs->computed[i];
        if (is_out[i] || ((d->decl_scale < 0 || d->type.money) && d->agg < 0))
            continue;
        const char *what = qli_ar_printf(&rs->arena, "computed '%s'", d->name);
        if (!what)
            return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        if (d->decl_scale >= 0 && !d->type.money)
            NOTE(showable(rs, err, d->type, d->disp, d->decl_scale, what,
                          d->expr, d->scale_node));
        /* an `aggregate:` it declares fits its type, output or not, as
         * it must once a file that extends this one reports it (P2-17) */
        if (d->agg >= 0)
            NOTE(aggregable(err, d, what));
    }
    for (size_t i = 0; i < rs->n_checks; i++) {
        const check_def *k = &rs->checks[i];
        if (!is_out[rs->n_computed + i] && k->decl_scale >= 0 &&
            (st = check_showable(rs, err, diag, k, &first)))
            return st;
    }
#undef NOTE
    return first;
}

/* ------------------------------------------- results, as shown */

/* Fails res with QL_ERANGE at `at`: value v, `what`, cannot be shown as
 * d says (st: qli_sc_show's status). */
static ql_status unshowable(ql_result *res, const ynode *at, const char *what,
                            const char *name, const qd *v, display d, int st)
{
    char num[QD_TEXT_MAX];
    qli_qd_format(v, num);
    if (st == QD_CUT) {
        char w[QD_TEXT_MAX];
        qli_qd_doubt_text(v, w);
        qli_yfail(&res->error, QL_ERANGE, at,
                  "%s '%s' is %s, which comes from a quotient carried to "
                  "%d places at most and is known only to within %s: it "
                  "cannot be shown as it is; round the division in the "
                  "formula, round(a / b, n), or declare 'scale:'",
                  what, name, num, QD_DIV_SCALE, w);
    } else if (st == QD_OVERFLOW)
        qli_yfail(&res->error, QL_ERANGE, at,
                  "%s '%s' is %s, which with its %d decimal places would "
                  "take more than %d digits: too large to be shown",
                  what, name, num, d.scale, QD_DIGITS);
    else
        qli_yfail(&res->error, QL_ERANGE, at,
                  "%s '%s' is %s, which has more than the %d decimal places "
                  "it is shown with",
                  what, name, num, d.scale);
    return res->status = QL_ERANGE;
}

/* 0 if a number of type t, value v, can be shown as d says; else
 * qli_sc_show's status. */
static int show_status(vtype t, const qd *v, display d)
{
    qd shown_v;
    if (t.kind != VK_NUMBER)
        return QD_OK;
    if (d.scale < 0 && v->cut && !qli_qd_sticky(v))
        return QD_CUT; /* shown as it is, its digits would pass for exact */
    if (d.scale < 0 || v->scale == d.scale)
        return QD_OK;
    return qli_sc_show(&shown_v, v, d);
}

/* Computed value k, shown as d and named `what` `name`: QL_OK, or res
 * failed at its formula. */
static ql_status computed_fits(ql_result *res, size_t k, display d,
                               const char *what, const char *name)
{
    const computed_def *c = &res->rs->computed[k];
    const qd *v = &res->cvals[k].num;
    int st = show_status(c->type, v, d);
    return st ? unshowable(res, c->expr, what, name, v, d, st) : QL_OK;
}

/* Input i as res shows it (the record's value, else the default; money
 * and decimals at their places): QL_OK, or res failed at `at`. */
static ql_status input_fits(ql_result *res, size_t i, const ynode *at,
                            const char *what, const char *name)
{
    const input_def *d = &res->rs->inputs[i];
    const qval *v = res->rec->present[i] ? &res->rec->vals[i]
                    : d->has_default     ? &d->def
                                         : NULL;
    display s = {(int8_t)d->scale, -1};
    int st = v ? show_status(d->type, &v->num, s) : QD_OK;
    return st ? unshowable(res, at, what, name, &v->num, s, st) : QL_OK;
}

/* Nothing is ever shown with fewer places, or more, than its type says
 * (a number of 35 digits has no room for 2 more). */
ql_status qli_sc_check_result(ql_result *res)
{
    static const char *const part[3] = {"required number of check",
                                        "actual number of check",
                                        "shortfall of check"};
    const ql_ruleset *rs = res->rs;
    vtype num = {VK_NUMBER, NULL, 0, 0};
    ql_status e = QL_OK;
    for (size_t i = 0; i < rs->n_outputs && !e; i++) {
        const output_def *o = &rs->outputs[i];
        if (o->kind == OUT_COMPUTED && !res->fastv) /* fastv: checked */
            e = computed_fits(res, (size_t)o->index, o->disp, "output", o->name);
        else if (o->kind == OUT_INPUT)
            e = input_fits(res, (size_t)o->index, o->node, "output", o->name);
    }
    for (size_t i = 0; i < rs->n_checks && !e && !res->fastv; i++) {
        const check_def *k = &rs->checks[i];
        const check_out *c = &res->checks[i];
        const check_vals *w = &res->ckvals[i];
        const qd *f[3] = {&w->required.num, &w->actual.num, &w->shortfall.num};
        for (int j = 0; c->applicable && j < 3 && !e; j++) {
            int st = show_status(num, f[j], k->disp[j]);
            if (st)
                e = unshowable(res, k->expr[1 + j] ? k->expr[1 + j] : k->key,
                               part[j], k->name, f[j], k->disp[j], st);
        }
    }
    /* A trace's steps are not checked here: a step whose value cannot
     * be shown at its places is traced as it is (ql_result_trace_step),
     * so asking for the explanation never changes which records fail. */
    return e;
}
