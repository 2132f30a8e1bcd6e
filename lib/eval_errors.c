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

/* "place" or "places" after n (P2-18: "1 place", never "1 places"). */
static const char *places(int n)
{
    return n == 1 ? "place" : "places";
}

/* The two ways a cut quotient is described, one wording for every
 * message (D7), into buf (QUOTIENT_TEXT bytes):
 * sticky (unless `within`) — "the quotient X is carried to N places (…)
 *   and its exact value has more digits";
 * within — "X comes from a quotient carried to 20 places at most and is
 *   known only to within W" (W its doubt, one digit rounded up). */
#define QUOTIENT_TEXT (3 * QD_TEXT_MAX + 256)

static void quotient_text(char *buf, const qd *x, int within)
{
    char tx[QD_TEXT_MAX], tw[QD_TEXT_MAX];
    qli_qd_format(x, tx);
    if (!within && qli_qd_sticky(x)) {
        snprintf(buf, QUOTIENT_TEXT,
                 "the quotient %s is carried to %d %s " CARRIED
                 " and its exact value has more digits",
                 tx, (int)x->scale, places((int)x->scale));
        return;
    }
    qli_qd_doubt_text(x, tw);
    snprintf(buf, QUOTIENT_TEXT,
             "%s comes from a quotient carried to " QL_STR(
                 QD_DIV_SCALE) " places at most and is known only to within %s",
             tx, tw);
}

/* A cut value compared with a number within its doubt: the digits kept
 * cannot say which is larger.  Out of line, like no_value_on. */
__attribute__((noinline, cold)) ql_status
qli_eval_cmp_fail(ql_result *res, size_t pc, const qd *a, const qd *b)
{
    char qa[QUOTIENT_TEXT], tb[QD_TEXT_MAX];
    const qd *q = a->cut ? a : b, *o = a->cut ? b : a;
    quotient_text(qa, q, a->cut && b->cut);
    if (a->cut && b->cut) {
        char qb[QUOTIENT_TEXT];
        quotient_text(qb, o, 1);
        return qli_eval_fail_pc(res, pc, QL_ERANGE, NULL,
                                "cannot compare exactly: %s, and %s, closer "
                                "than that; round the quotients first",
                                qa, qb);
    }
    qli_qd_format(o, tb);
    return qli_eval_fail_pc(
        res, pc, QL_ERANGE, NULL,
        "cannot compare exactly: %s, and %s lies within %s; "
        "compare with fewer places, or round the quotient "
        "first",
        qa, tb, qli_qd_sticky(q) ? "its last place" : "that");
}

/* round() of a cut value whose doubt holds a boundary of the rounding. */
__attribute__((noinline, cold)) ql_status
qli_eval_round_fail(ql_result *res, size_t pc, const qd *a, int digits,
                    int divided)
{
    if (divided && !a)
        return qli_eval_fail_pc(
            res, pc, QL_ERANGE, NULL,
            "the quotient rounded to %d %s needs more than " QL_STR(
                QD_DIGITS) " significant digits: round it to "
                           "fewer places",
            digits, places(digits));
    char qa[QUOTIENT_TEXT];
    quotient_text(qa, a, 0);
    return qli_eval_fail_pc(
        res, pc, QL_ERANGE, NULL,
        "cannot round to %d %s exactly: %s%s; round the "
        "division itself, round(a / b, n)%s",
        digits, places(digits), qa,
        qli_qd_sticky(a) ? "" : ", which holds a rounding boundary",
        qli_qd_sticky(a) ? ", or to fewer places" : "");
}

/* A division by a cut value that may be zero. */
__attribute__((noinline, cold)) ql_status
qli_eval_div_fail(ql_result *res, size_t pc, const qd *b)
{
    char qb[QUOTIENT_TEXT];
    quotient_text(qb, b, 1);
    return qli_eval_fail_pc(res, pc, QL_ERANGE, NULL,
                            "cannot divide exactly: the divisor %s, which "
                            "holds zero",
                            qb);
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
    char qn[QUOTIENT_TEXT];
    quotient_text(qn, n, 0);
    if (!qli_qd_sticky(n))
        return qli_yfail(&res->error, QL_ERANGE, at,
                         "%s '%s' is shown with %d %s, but its value %s, which "
                         "holds a boundary of that display: round the division "
                         "in the formula, round(a / b, n), before further "
                         "arithmetic",
                         what, name, (int)d.scale, places(d.scale), qn);
    return qli_yfail(&res->error, QL_ERANGE, at,
                     "%s '%s' is shown with %d %s, but %s: round the division "
                     "in the formula, round(a / b, %d), or show fewer places",
                     what, name, (int)d.scale, places(d.scale), qn,
                     (int)d.scale);
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
        const check_vals *w = &res->ckvals[i];
        const qval *f[3] = {&w->required, &w->actual, &w->shortfall};
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
