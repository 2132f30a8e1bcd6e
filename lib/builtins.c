/*
 * builtins.c — the built-in functions of the rules language: the table
 * (builtins.h) and, per function, its type rule and its code emitter.
 *
 * A type rule checks the call's arguments itself (some take a name or a
 * literal, not a value), then sets the node's type and the value-stack
 * slots it needs; an emitter writes the call's instructions (code.h).
 * Calls over lists (sum, count, min and max of one argument, index) are
 * rewritten by lists.c before any rule here sees them.
 */
#include "builtins.h"
#include "code.h"
#include "compile.h"
#include "date.h"
#include "decimal.h"
#include "expr.h"
#include "ruleset.h"
#include "typecheck.h"
#include "util.h"
#include "value.h"

#include <string.h>

static int max2(int a, int b)
{
    return a > b ? a : b;
}

/* ------------------------------------------------------------ helpers */

/* Checks every argument as a value: the call then needs, at its i-th
 * argument, the i slots below it. */
static ql_status check_args(cc *c, ast *n)
{
    int depth = 0;
    for (size_t i = 0; i < n->nargs; i++) {
        ql_status st = qli_tc_expr(c, n->args[i]);
        if (st)
            return st;
        depth = max2(depth, (int)i + n->args[i]->sdepth);
    }
    n->sdepth = depth;
    return QL_OK;
}

/* Every argument's code, in order. */
static int emit_args(cc *c, const ast *n)
{
    for (size_t i = 0; i < n->nargs; i++)
        if (qli_compile_expr(c, n->args[i]) < 0)
            return -1;
    return 0;
}

/* A name argument for qli_tc_wrong_name: its text, length and place. */
#define NAME_OF(a) (a)->kind == A_NAME ? (a)->text : NULL, (a)->len, (a)->pos

/* A parameter named as the first argument (at, bracket), or NULL. */
static const sym *param_arg(cc *c, ast *a, int table)
{
    const sym *s = a->kind == A_NAME ? qli_cc_lookup(c, a->text, a->len) : NULL;
    if (!s || s->kind != S_PARAM ||
        (c->rs->params[s->index].type.kind == VK_TABLE) != table)
        return NULL;
    a->ref = (int)(s - c->syms);
    qli_cc_mark_read(c, s);
    return s;
}

/* ----------------------------------------------- min, max, abs, if */

static QLI_NOINLINE ql_status rule_extreme(cc *c, ast *n)
{
    ql_status st;
    vtype t = n->args[0]->type;
    if (t.kind != VK_NUMBER && t.kind != VK_DATE && n->nargs > 1 &&
        (st = qli_tc_param_mismatch(c, n->args[0], n->args[1])))
        return st;
    if (t.kind != VK_NUMBER && t.kind != VK_DATE)
        return qli_cc_fail_at(c, n->args[0]->pos, QL_ETYPE,
                              "%s() takes numbers or dates, not %s %s",
                              n->fn->name, qli_cc_article(t),
                              qli_cc_type_name(t));
    const ast *ref = n->args[0];
    for (size_t i = 1; i < n->nargs; i++) {
        vtype u = n->args[i]->type;
        if (!qli_tc_same_type(u, t) &&
            (st = qli_tc_param_mismatch(c, n->args[0], n->args[i])))
            return st;
        if (!qli_tc_same_type(u, t))
            return qli_cc_fail_at(c, n->args[i]->pos, QL_ETYPE,
                                  "%s() arguments must all be of one type "
                                  "(%s %s, then %s %s)",
                                  n->fn->name, qli_cc_article(t),
                                  qli_cc_type_name(t), qli_cc_article(u),
                                  qli_cc_type_name(u));
        if (t.kind == VK_NUMBER) {
            /* compared with the first argument that is no literal */
            if (qli_tc_literal_number(ref))
                ref = n->args[i];
            else if ((st = qli_tc_same_unit(c, ref, n->args[i], n->args[i]->pos,
                                            n->fn->name)))
                return st;
            t = qli_tc_num_of(max2(t.scale, u.scale), t, u);
        }
    }
    n->type = t;
    return t.kind == VK_NUMBER
               ? qli_tc_percent_among(c, n->args, n->nargs, 1,
                                      n->fn->op == OP_MIN ? "this min()"
                                                          : "this max()")
               : QL_OK;
}

/* Its arguments, then its rule: the recursion's frame stays small. */
static ql_status check_extreme(cc *c, ast *n)
{
    ql_status st = check_args(c, n);
    return st ? st : rule_extreme(c, n);
}

static QLI_NOINLINE ql_status rule_abs(cc *c, ast *n)
{
    n->type = n->args[0]->type;
    return qli_tc_expect(c, n->args[0], VK_NUMBER, "abs()'s argument");
}

/* Its arguments, then its rule: the recursion's frame stays small. */
static ql_status check_abs(cc *c, ast *n)
{
    ql_status st = check_args(c, n);
    return st ? st : rule_abs(c, n);
}

/* Every argument's code, then the row's instruction. */
static int emit_op(cc *c, const ast *n)
{
    if (emit_args(c, n) < 0)
        return -1;
    return qli_compile_op(c, (opcode)n->fn->op, n->fn->a8, 0, 0, n->pos);
}

/* min(), max(): a8 says whether they are dates, a16 how many. */
static int emit_extreme(cc *c, const ast *n)
{
    if (emit_args(c, n) < 0)
        return -1;
    return qli_compile_op(c, (opcode)n->fn->op, n->type.kind == VK_DATE,
                          (int)n->nargs, 0, n->pos);
}

/* if(c1, v1, c2, v2, …, else): conditions at even places but the last;
 * each value must agree with the first (enum literals are coerced). */
static QLI_NOINLINE ql_status rule_if(cc *c, ast *n)
{
    ql_status st;
    for (size_t i = 0; i + 1 < n->nargs; i += 2)
        if ((st = qli_tc_expect(c, n->args[i], VK_BOOL,
                                n->count_if ? "count()'s condition"
                                            : "an if() condition")))
            return st;
    static const char mix[] = "if() branches must have one type: cannot mix";
    ast *first = n->args[1];
    for (size_t i = 3; i <= n->nargs; i += 2) {
        ast *v = n->args[i < n->nargs ? i : n->nargs - 1];
        if ((st = qli_tc_unify(c, first, v, v->pos, mix)))
            return st;
    }
    ast *last = n->args[n->nargs - 1];
    if ((st = qli_tc_unify(c, first, last, last->pos, mix)))
        return st;
    const ast *ref = first; /* the first branch that is no literal */
    for (size_t i = 3; first->type.kind == VK_NUMBER && i <= n->nargs; i += 2) {
        ast *v = n->args[i < n->nargs ? i : n->nargs - 1];
        if (qli_tc_literal_number(ref))
            ref = v;
        else if ((st = qli_tc_same_unit(c, ref, v, v->pos, "if")))
            return st;
    }
    /* a bare number beside a percentage among the branches */
    const ast *pct = NULL;
    for (size_t i = 1; first->type.kind == VK_NUMBER && i <= n->nargs; i += 2)
        if (!pct && n->args[i < n->nargs ? i : n->nargs - 1]->type.pct)
            pct = n->args[i < n->nargs ? i : n->nargs - 1];
    for (size_t i = 1; pct && i <= n->nargs; i += 2)
        if ((st = qli_tc_same_percent(c, pct,
                                      n->args[i < n->nargs ? i : n->nargs - 1],
                                      "this if()")))
            return st;
    n->type = first->type;
    for (size_t i = 1; n->type.kind == VK_NUMBER && i <= n->nargs; i += 2) {
        vtype b = n->args[i < n->nargs ? i : n->nargs - 1]->type;
        n->type = qli_tc_num_of(max2(n->type.scale, b.scale), n->type, b);
    }
    /* only one branch is on the stack at a time */
    int d = 0;
    for (size_t i = 0; i < n->nargs; i++)
        d = max2(d, n->args[i]->sdepth);
    n->sdepth = d;
    return QL_OK;
}

/* Its arguments, then its rule: the recursion's frame stays small. */
static ql_status check_if(cc *c, ast *n)
{
    ql_status st = check_args(c, n);
    return st ? st : rule_if(c, n);
}

static int emit_if(cc *c, const ast *n)
{
    /* the jumps to the end wait in a list threaded through their own
     * arguments, not in an array on this (recursive) frame */
    int32_t pending = -1;
    size_t i = 0;
    for (; i + 1 < n->nargs; i += 2) {
        if (qli_compile_expr(c, n->args[i]) < 0)
            return -1;
        int jf = qli_compile_op(c, OP_JF, 0, 0, 0, n->args[i]->pos);
        if (jf < 0 || qli_compile_expr(c, n->args[i + 1]) < 0)
            return -1;
        int end = qli_compile_op(c, OP_JMP, 0, 0, pending, n->pos);
        if (end < 0)
            return -1;
        pending = end;
        c->code[jf].arg = (int32_t)c->ncode;
    }
    if (qli_compile_expr(c, n->args[i]) < 0)
        return -1;
    while (pending >= 0) {
        int32_t next = c->code[pending].arg;
        c->code[pending].arg = (int32_t)c->ncode;
        pending = next;
    }
    return 0;
}

/* ------------------------------------------------------- rounding */

/* A whole-number literal, e.g. the digits of round(); sets *out. */
static ql_status int_literal(cc *c, ast *n, int lo, int hi, int *out,
                             const char *role)
{
    if (n->kind != A_NUMBER || !qli_qd_is_integer(&n->num))
        return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                              "%s must be a whole-number literal", role);
    qd v;
    qli_qd_round_to(&v, &n->num, 0, QD_DOWN);
    if (v.coef < lo || v.coef > hi)
        return qli_cc_fail_at(c, n->pos, QL_ERANGE,
                              "%s must be between %d and %d", role, lo, hi);
    *out = (int)v.coef;
    return QL_OK;
}

/* round(x, digits[, mode]), ceil/floor/trunc(x[, digits]): the value,
 * then the places and the mode, which are literals. */
static QLI_NOINLINE ql_status rule_rounding(cc *c, ast *n, qd_round mode)
{
    ql_status st;
    if ((st = qli_tc_expect(c, n->args[0], VK_NUMBER, "the value to round")))
        return st;
    int digits = 0;
    if (n->nargs >= 2 &&
        (st = int_literal(c, n->args[1], -QD_DIGITS, QD_MAX_SCALE, &digits,
                          "the number of digits")))
        return st;
    if (n->nargs == 3) {
        ast *m = n->args[2];
        int found =
            m->kind == A_STRING ? qli_qd_round_named(m->text, m->len) : -1;
        if (found < 0)
            return qli_cc_fail_at(c, m->pos, QL_ETYPE,
                                  "unknown rounding mode (expected "
                                  "\"half_up\", \"half_even\", \"half_down\", "
                                  "\"up\", \"down\", \"ceiling\" or "
                                  "\"floor\")");
        mode = (qd_round)found;
    }
    n->digits = digits;
    n->mode = mode;
    n->type =
        qli_tc_num_of(max2(digits, 0), n->args[0]->type, n->args[0]->type);
    n->sdepth = n->args[0]->sdepth;
    const ast *p[3];
    if (qli_ast_ratio(n->args[0], p) == 2)
        n->sdepth += 2; /* x, y and z at once (emit_rounding) */
    return QL_OK;
}

/* The value, then the rule: the recursion's frame stays small. */
static ql_status check_rounding(cc *c, ast *n, qd_round mode)
{
    ql_status st = qli_tc_expr(c, n->args[0]);
    return st ? st : rule_rounding(c, n, mode);
}

static ql_status check_round(cc *c, ast *n)
{
    return check_rounding(c, n, QD_HALF_UP);
}

static ql_status check_ceil(cc *c, ast *n)
{
    return check_rounding(c, n, QD_CEILING);
}

static ql_status check_floor(cc *c, ast *n)
{
    return check_rounding(c, n, QD_FLOOR);
}

static ql_status check_trunc(cc *c, ast *n)
{
    return check_rounding(c, n, QD_DOWN);
}

static int emit_rounding(cc *c, const ast *n)
{
    const ast *x = n->args[0], *p[3];
    if (n->digits >= 0 && qli_ast_ratio(x, p) == 2) {
        /* round(x / y × z, n): one exact division of x × z by y */
        for (int i = 0; i < 3; i++)
            if (qli_compile_expr(c, p[i]) < 0)
                return -1;
        return qli_compile_op(c, OP_MULDIVROUND, n->mode, 0, n->digits, x->pos);
    }
    if (x->kind == A_BINARY && x->op == T_SLASH && n->digits >= 0) {
        /* round(a / b, n): one exact division at the final scale */
        if (qli_compile_expr(c, x->args[0]) < 0 ||
            qli_compile_expr(c, x->args[1]) < 0)
            return -1;
        return qli_compile_op(c, OP_DIVROUND, n->mode, 0, n->digits, x->pos);
    }
    if (qli_compile_expr(c, x) < 0)
        return -1;
    return qli_compile_op(c, OP_ROUND, n->mode, 0, n->digits, n->pos);
}

/* --------------------------------------------- parameters, inputs */

static ql_status check_bracket(cc *c, ast *n)
{
    ast *a = n->args[0];
    const sym *s = param_arg(c, a, 1);
    if (!s)
        return qli_tc_wrong_name(c, NAME_OF(a), TC_WANT_TABLE,
                                 "bracket() takes a table parameter first");
    ql_status st;
    if ((st = qli_tc_expr(c, n->args[1])) ||
        (st = qli_tc_expect(c, n->args[1], VK_NUMBER, "bracket()'s value")))
        return st;
    const param_def *p = &c->rs->params[s->index];
    n->type = qli_tc_num(p->type.scale, p->type.money);
    n->type.pct = (uint8_t)(!p->type.money && qli_tc_param_pct(p));
    n->sdepth = n->args[1]->sdepth;
    return qli_tc_bracket_percent(c, n, p);
}

static int emit_bracket(cc *c, const ast *n)
{
    if (qli_compile_expr(c, n->args[1]) < 0)
        return -1;
    return qli_compile_op(c, OP_BRACKET, 0, 0, c->syms[n->args[0]->ref].index,
                          n->pos);
}

static ql_status check_at(cc *c, ast *n)
{
    ast *a = n->args[0];
    const sym *s = param_arg(c, a, 0);
    if (!s)
        return qli_tc_wrong_name(c, NAME_OF(a), TC_WANT_PARAM,
                                 "at() takes a parameter (not a table) first");
    ql_status st;
    if ((st = qli_tc_expr(c, n->args[1])) ||
        (st = qli_tc_expect(c, n->args[1], VK_DATE, "at()'s date")))
        return st;
    n->type = c->rs->params[s->index].type;
    n->type.pct = (uint8_t)(n->type.kind == VK_NUMBER &&
                            qli_tc_param_pct(&c->rs->params[s->index]));
    n->sdepth = n->args[1]->sdepth;
    return QL_OK;
}

static int emit_at(cc *c, const ast *n)
{
    if (qli_compile_expr(c, n->args[1]) < 0)
        return -1;
    return qli_compile_op(c, OP_PARAM_AT, 0, 0, c->syms[n->args[0]->ref].index,
                          n->pos);
}

static ql_status check_present(cc *c, ast *n)
{
    ast *a = n->args[0];
    const sym *s = NULL;
    ql_status st;
    if (a->kind == A_NAME && (st = qli_tc_resolve(c, a, &s)))
        return st;
    if (!s || s->kind != S_INPUT)
        return qli_tc_wrong_name(c, NAME_OF(a), TC_WANT_INPUT,
                                 "present() takes the name of an input");
    a->ref = (int)(s - c->syms);
    qli_cc_mark_read(c, s);
    n->type = qli_tc_type(VK_BOOL);
    n->sdepth = 1;
    return QL_OK;
}

static int emit_present(cc *c, const ast *n)
{
    return qli_compile_op(c, OP_PRESENT, 0, 0, c->syms[n->args[0]->ref].index,
                          n->pos);
}

/* ---------------------------------------------------------- dates */

static ql_status check_date(cc *c, ast *n)
{
    ast *a = n->args[0];
    if (a->kind != A_STRING ||
        qli_date_parse_text(a->text, a->len, &n->cval.date) != 0)
        return qli_cc_fail_at(c, a->pos, QL_ETYPE,
                              "date() takes a literal \"YYYY-MM-DD\" of a "
                              "real date");
    n->type = qli_tc_type(VK_DATE);
    n->sdepth = 1;
    return QL_OK;
}

static int emit_date(cc *c, const ast *n)
{
    return qli_compile_const(c, n);
}

/* year(), month(), day() of a date */
static ql_status check_date_part(cc *c, ast *n)
{
    ql_status st = check_args(c, n);
    if (st)
        return st;
    n->type = qli_tc_type(VK_NUMBER);
    return qli_tc_expect(c, n->args[0], VK_DATE, "the argument");
}

/* A date and a `second`, giving a `result`. */
static ql_status check_date_and(cc *c, ast *n, vkind second, vkind result)
{
    ql_status st = check_args(c, n);
    if (st)
        return st;
    n->type = qli_tc_type(result);
    if ((st = qli_tc_expect(c, n->args[0], VK_DATE, "the first argument")))
        return st;
    return qli_tc_expect(c, n->args[1], second, "the second argument");
}

static ql_status check_days_between(cc *c, ast *n)
{
    return check_date_and(c, n, VK_DATE, VK_NUMBER);
}

/* add_days(), add_months(), add_years(): a date moved by a number.  A
 * number written in the formula that is not whole, or moves every date
 * past the years 1 to 9999, fails every record: refused at load. */
static ql_status check_date_shift(cc *c, ast *n)
{
    ql_status st = check_date_and(c, n, VK_NUMBER, VK_DATE);
    const ast *k = n->args[1];
    int neg = k->kind == A_UNARY && k->op == T_MINUS;
    if (st || (neg ? k->args[0] : k)->kind != A_NUMBER)
        return st;
    const qd *v = &(neg ? k->args[0] : k)->num;
    /* the widest move inside the years 1 to 9999, in the unit's steps */
    static const long widest[13] = {[0] = 3652058, [1] = 119987, [12] = 9998};
    long lim = widest[n->fn->a8];
    qd whole;
    int bad = !qli_qd_is_integer(v);
    if (!bad) {
        qli_qd_round_to(&whole, v, 0, QD_DOWN);
        bad = whole.coef > lim || whole.coef < -lim ? 2 : 0;
    }
    const char *unit = n->fn->a8 == 0   ? "days"
                       : n->fn->a8 == 1 ? "months"
                                        : "years";
    if (bad == 1)
        return qli_cc_fail_at(c, k->pos, QL_ERANGE,
                              "%s() moves a date by whole %s, not by a "
                              "fraction (%s)",
                              n->fn->name, unit, n->fn->usage);
    return bad ? qli_cc_fail_at(c, k->pos, QL_ERANGE,
                                "%s(): no date moved by this many %s stays "
                                "within the years 1 to 9999 (at most %ld)",
                                n->fn->name, unit, lim)
               : QL_OK;
}

/* ---------------------------------------------------------- lists */

/* sum(), count() and index() reach a type rule only where lists.c could
 * not rewrite them. */
static ql_status check_sum_count(cc *c, ast *n)
{
    return qli_cc_fail_at(c, n->args[0]->pos, QL_ETYPE,
                          "%s() goes over a list: name one in its argument "
                          "(%s)",
                          n->fn->name, n->fn->usage);
}

static ql_status check_index(cc *c, ast *n)
{
    return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                          "index() is the item number of a list: use it in "
                          "a computed value with 'count' or inside sum(), "
                          "count(), min() or max() of a list");
}

static int emit_none(cc *c, const ast *n)
{
    (void)c;
    (void)n;
    return -1; /* never type-checked: see check_sum_count */
}

/* ---------------------------------------------------------- table */

const builtin qli_builtins[] = {
    /* name, arguments (max −1: any), flags, reduction, usage,
     * type rule, emitter[, emit_op's instruction and its a8] */
    {"min", 1, -1, 0, RD_EXTREME, "min(x, y, …)", check_extreme, emit_extreme,
     OP_MIN},
    {"max", 1, -1, 0, RD_EXTREME, "max(x, y, …)", check_extreme, emit_extreme,
     OP_MAX},
    {"abs", 1, 1, 0, RD_NONE, "abs(x)", check_abs, emit_op, OP_ABS},
    {"round", 2, 3, 0, RD_NONE,
     "round(x, digits) or round(x, digits, \"mode\")", check_round,
     emit_rounding},
    {"ceil", 1, 2, 0, RD_NONE, "ceil(x) or ceil(x, digits)", check_ceil,
     emit_rounding},
    {"floor", 1, 2, 0, RD_NONE, "floor(x) or floor(x, digits)", check_floor,
     emit_rounding},
    {"trunc", 1, 2, 0, RD_NONE, "trunc(x) or trunc(x, digits)", check_trunc,
     emit_rounding},
    {"if", 3, -1, BI_ODD_ARGS, RD_NONE,
     "if(condition, then, else) or if(c1, v1, c2, v2, …, else)", check_if,
     emit_if},
    {"bracket", 2, 2, BI_PARAM_FIRST, RD_NONE, "bracket(table_parameter, x)",
     check_bracket, emit_bracket},
    {"present", 1, 1, BI_NO_VALUES, RD_NONE, "present(input)", check_present,
     emit_present},
    {"date", 1, 1, BI_NO_VALUES | BI_CONSTANT, RD_NONE, "date(\"YYYY-MM-DD\")",
     check_date, emit_date},
    {"year", 1, 1, 0, RD_NONE, "year(date)", check_date_part, emit_op, OP_YEAR},
    {"month", 1, 1, 0, RD_NONE, "month(date)", check_date_part, emit_op,
     OP_MONTH},
    {"day", 1, 1, 0, RD_NONE, "day(date)", check_date_part, emit_op, OP_DAY},
    {"days_between", 2, 2, 0, RD_NONE, "days_between(from, to)",
     check_days_between, emit_op, OP_DAYS},
    /* OP_ADD_DATE's a8: 0 for days, else the months in one unit */
    {"add_days", 2, 2, 0, RD_NONE, "add_days(date, n)", check_date_shift,
     emit_op, OP_ADD_DATE, 0},
    {"add_months", 2, 2, 0, RD_NONE, "add_months(date, n)", check_date_shift,
     emit_op, OP_ADD_DATE, 1},
    {"add_years", 2, 2, 0, RD_NONE, "add_years(date, n)", check_date_shift,
     emit_op, OP_ADD_DATE, 12},
    {"sum", 1, 1, 0, RD_SUM, "sum(list) or sum(expression over lists)",
     check_sum_count, emit_none},
    {"count", 1, 1, 0, RD_COUNT, "count(condition over lists)", check_sum_count,
     emit_none},
    {"index", 0, 0, BI_NO_VALUES | BI_INDEX, RD_NONE, "index()", check_index,
     emit_none},
    {"at", 2, 2, BI_PARAM_FIRST, RD_NONE, "at(parameter, date)", check_at,
     emit_at},
};
const size_t qli_n_builtins = sizeof qli_builtins / sizeof qli_builtins[0];

const builtin *qli_bi_find(const char *name, size_t len)
{
    for (size_t i = 0; i < qli_n_builtins; i++)
        if (strlen(qli_builtins[i].name) == len &&
            memcmp(qli_builtins[i].name, name, len) == 0)
            return &qli_builtins[i];
    return NULL;
}

int qli_bi_arity_ok(const builtin *f, size_t nargs)
{
    return (int)nargs >= f->min_args &&
           (f->max_args < 0 || (int)nargs <= f->max_args) &&
           !((f->flags & BI_ODD_ARGS) && nargs % 2 == 0);
}

int qli_bi_reduces(const builtin *f, size_t nargs)
{
    return f->reduce == RD_SUM || f->reduce == RD_COUNT ||
           (f->reduce == RD_EXTREME && nargs == 1);
}
