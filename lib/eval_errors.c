/*
 * eval_errors.c — why an evaluation fails, located at the instruction's
 * place in the rules file: the interpreter's errors (a parameter with no
 * value on the date, a decimal operation out of range) and the numbers it
 * cannot decide exactly (a cut quotient compared, rounded, divided by or
 * shown within its doubt), with qli_eval_shown_exactly, the check after
 * an evaluation that every value is shown at its scale exactly.  Kept out
 * of eval.c's loop, which calls these only on the way out.
 */
#include "code.h"
#include "date.h"
#include "decimal.h"
#include "eval.h"
#include "ruleset.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"

#include <stdarg.h>
#include <stdio.h>

ql_status qli_eval_fail_pc(ql_result *res, size_t pc, ql_status code,
                           const char *field, const char *fmt, ...)
{
    const code_loc *l = &res->rs->locs[pc];
    int line = 0, col = 0;
    if (l->node)
        qli_ynode_locate(l->node, l->offset, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    qli_vfail(&res->error, code, l->node ? l->node->doc->file : NULL, line, col,
              l->what ? l->what : "expression", fmt, ap);
    va_end(ap);
    if (field)
        qli_error_set_field(&res->error, field);
    return code;
}

ql_status qli_eval_qd_fail(ql_result *res, size_t pc, int st)
{
    return qli_eval_fail_pc(res, pc, QL_ERANGE, NULL, "%s", qli_qd_message(st));
}

/* How far a quotient is carried, for messages. */
#define CARRIED                                                                \
    "(" QL_STR(QD_DIV_SCALE) " at most, fewer when its integer part is "       \
                             "long: " QL_STR(QD_DIGITS) " digits in all)"

/* How well a cut value x is known: "to within W" in words, W its doubt
 * rounded up to one digit.  ta and tw need QD_TEXT_MAX bytes. */
static void doubt_text(const qd *x, char *tx, char *tw)
{
    qli_qd_format(x, tx);
    qli_qd_doubt_text(x, tw);
}

/* A cut value compared with a number within its doubt: the digits kept
 * cannot say which is larger.  Out of line, like no_value_on. */
__attribute__((noinline, cold)) ql_status
qli_eval_cmp_fail(ql_result *res, size_t pc, const qd *a, const qd *b)
{
    char ta[QD_TEXT_MAX], tb[QD_TEXT_MAX], tw[QD_TEXT_MAX];
    int both = a->cut && b->cut;
    const qd *q = a->cut ? a : b, *o = a->cut ? b : a;
    if (!both && qli_qd_sticky(q)) {
        qli_qd_format(q, ta);
        qli_qd_format(o, tb);
        return qli_eval_fail_pc(
            res, pc, QL_ERANGE, NULL,
            "cannot compare exactly: the quotient %s is carried to "
            "%d places " CARRIED " and its exact value has more "
            "digits, and %s lies within its last place; compare "
            "with fewer places, or round the quotient first",
            ta, (int)q->scale, tb);
    }
    doubt_text(q, ta, tw);
    if (both) {
        char tv[QD_TEXT_MAX];
        doubt_text(o, tb, tv);
        return qli_eval_fail_pc(
            res, pc, QL_ERANGE, NULL,
            "cannot compare exactly: %s and %s come from "
            "quotients carried to " QL_STR(
                QD_DIV_SCALE) " places "
                              "at most and are known only to within %s and %s, "
                              "closer than that; round the quotients first",
            ta, tb, tw, tv);
    }
    qli_qd_format(o, tb);
    return qli_eval_fail_pc(
        res, pc, QL_ERANGE, NULL,
        "cannot compare exactly: %s comes from a quotient carried "
        "to " QL_STR(QD_DIV_SCALE) " places at most and is known "
                                   "only to within %s, and %s lies within "
                                   "that; round the "
                                   "quotient first",
        ta, tw, tb);
}

/* round() of a cut value whose doubt holds a boundary of the rounding. */
__attribute__((noinline, cold)) ql_status
qli_eval_round_fail(ql_result *res, size_t pc, const qd *a, int digits,
                    int divided)
{
    if (divided && !a)
        return qli_eval_fail_pc(
            res, pc, QL_ERANGE, NULL,
            "the quotient rounded to %d places needs more than " QL_STR(
                QD_DIGITS) " significant digits: round it to "
                           "fewer places",
            digits);
    if (qli_qd_sticky(a))
        return qli_eval_fail_pc(
            res, pc, QL_ERANGE, NULL,
            "cannot round to %d places exactly: the quotient is "
            "carried to %d places " CARRIED " and its exact value "
            "has more digits; round the division itself, "
            "round(a / b, n), or to fewer places",
            digits, (int)a->scale);
    char tx[QD_TEXT_MAX], tw[QD_TEXT_MAX];
    doubt_text(a, tx, tw);
    return qli_eval_fail_pc(
        res, pc, QL_ERANGE, NULL,
        "cannot round to %d places exactly: %s comes from a "
        "quotient carried to " QL_STR(
            QD_DIV_SCALE) " places at "
                          "most and is known only to within %s, which holds a "
                          "rounding boundary; round the division first, "
                          "round(a / b, n)",
        digits, tx, tw);
}

/* A division by a cut value that may be zero. */
__attribute__((noinline, cold)) ql_status
qli_eval_div_fail(ql_result *res, size_t pc, const qd *b)
{
    char tx[QD_TEXT_MAX], tw[QD_TEXT_MAX];
    doubt_text(b, tx, tw);
    return qli_eval_fail_pc(
        res, pc, QL_ERANGE, NULL,
        "cannot divide exactly: the divisor %s comes from a "
        "quotient carried to " QL_STR(
            QD_DIV_SCALE) " places at "
                          "most and is known only to within %s, which holds "
                          "zero",
        tx, tw);
}

/* at(): the parameter has no value on that date.  Out of line: the
 * interpreter loop stays free of the message's buffer. */
__attribute__((noinline, cold)) ql_status
qli_eval_no_value_on(ql_result *res, size_t pc, const param_def *d,
                     ql_date date)
{
    char when[16];
    ql_date_format(when, sizeof when, date);
    return qli_eval_fail_pc(res, pc, QL_ENODATA, NULL,
                            "parameter '%s' has no value in force on %s",
                            d->name, when);
}

/* Whether n, shown as d, is shown exactly: a cut quotient only rounded
 * to fewer places than it carries (a display never pads its sticky
 * digit with zeros, nor shows it as a real one). */
static int holds(const qd *n, display d)
{
    return d.scale < 0 || qli_qd_shows(n, d.scale, d.mode);
}

static ql_status not_shown(ql_result *res, const ynode *at, const char *what,
                           const char *name, const qd *n, display d)
{
    if (!qli_qd_sticky(n)) {
        char tx[QD_TEXT_MAX], tw[QD_TEXT_MAX];
        doubt_text(n, tx, tw);
        return qli_yfail(
            &res->error, QL_ERANGE, at,
            "%s '%s' is shown with %d places, but its value %s "
            "comes from a quotient carried to " QL_STR(
                QD_DIV_SCALE) " places at most and is known "
                              "only to within %s, which holds a boundary of "
                              "that "
                              "display: round the division in the formula, "
                              "round(a / b, n), before further arithmetic",
            what, name, (int)d.scale, tx, tw);
    }
    return qli_yfail(&res->error, QL_ERANGE, at,
                     "%s '%s' is shown with %d places, but its value is a "
                     "quotient carried to %d places " CARRIED " whose "
                     "exact value has more digits: round the division in "
                     "the formula, round(a / b, %d), or show fewer places",
                     what, name, (int)d.scale, (int)n->scale, (int)d.scale);
}

ql_status qli_eval_shown_exactly(ql_result *res, int report)
{
    const ql_ruleset *rs = res->rs;
    for (size_t i = 0; i < rs->n_computed; i++) {
        const computed_def *d = &rs->computed[i];
        if (res->cstate[i] != 2 || d->type.kind != VK_NUMBER ||
            holds(&res->cvals[i].num, d->disp))
            continue;
        if (!report)
            return QL_ERANGE;
        return not_shown(res, d->scale_node ? d->scale_node : d->expr,
                         "computed", d->name, &res->cvals[i].num, d->disp);
    }
    for (size_t i = 0; i < rs->n_checks; i++) {
        const check_out *o = &res->checks[i];
        const check_def *k = &rs->checks[i];
        if (o->state != 2 || !o->applicable)
            continue;
        const qval *f[3] = {&o->required, &o->actual, &o->shortfall};
        for (int j = 0; j < 3; j++) {
            if (holds(&f[j]->num, k->disp[j]))
                continue;
            if (!report)
                return QL_ERANGE;
            char what[32];
            snprintf(what, sizeof what, "check field %s of",
                     j == 0   ? "required"
                     : j == 1 ? "actual"
                              : "shortfall");
            return not_shown(res, k->expr[1 + j] ? k->expr[1 + j] : k->key,
                             what, k->name, &f[j]->num, k->disp[j]);
        }
    }
    return QL_OK;
}
