/*
 * typecheck_fold.c — values known at load.
 *
 * A number or bool that has one value on every date for every record —
 * a number written in the formula (5, 0%), a parameter whose every
 * period holds the same value, a table whose every bracket does, a
 * computed value made of such, and + − × ÷, negation, comparisons,
 * and/or/not, min, max, abs, rounding, at() and if() of them — is
 * folded here as the type checker checks each node, bottom up, with the
 * evaluator's own arithmetic (decimal.c: + − × exact or an error; ÷
 * folded only when its quotient ends).  What would then fail every
 * record that reaches it — a division whose divisor is always 0, or
 * such values whose sum, difference or product overflows — is noted on
 * the node (ast.fails) and carried up to the formula's root, except out
 * of what can never run: an if() branch whose condition is false on
 * every date (or follows one that is always true), the right side of an
 * 'and' whose left is always false or an 'or' whose left is always
 * true.  So `if(rate == 0, 0, x / rate)` with a rate of 0 loads, and
 * `x / rate` alone is a load error at the divisor naming the rate.  A
 * divisor that is zero only on some dates or for some records is left
 * to the evaluation, which says where.  The folded values serve these
 * checks only; the compiled code is as written.
 */
#include "builtins.h"
#include "code.h"
#include "compile.h"
#include "decimal.h"
#include "expr.h"
#include "ruleset.h"
#include "typecheck.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* The first token of n: where a message about all of it points. */
static size_t first_pos(const ast *n)
{
    while ((n->kind == A_BINARY || n->kind == A_IN) && n->nargs)
        n = n->args[0];
    return n->pos;
}

static void set_konst(ast *n, qd v)
{
    n->konst = 1;
    n->kval = v;
}

static void set_bool(ast *n, int b)
{
    set_konst(n, qli_qd_make(b != 0, 0));
}

static int is_true(const ast *n)
{
    return n->konst && !qli_qd_is_zero(&n->kval);
}

static int is_false(const ast *n)
{
    return n->konst && qli_qd_is_zero(&n->kval);
}

/* What may fail in a reached operand fails its node too. */
static void keep_fail(ast *n, const ast *arg)
{
    if (!n->fails && arg->fails)
        n->fails = arg->fails;
}

/* The one value every period of number parameter p holds, if it has
 * one; for a table, the one value of every bracket of every period. */
static int param_konst(const param_def *p, qd *out)
{
    const qd *first = NULL;
    for (size_t i = 0; i < p->nvalues; i++) {
        const param_value *pv = &p->values[i];
        size_t nrows = p->type.kind == VK_TABLE ? pv->nrows : 1;
        if (nrows == 0)
            return 0;
        for (size_t r = 0; r < nrows; r++) {
            const qd *v =
                p->type.kind == VK_TABLE ? &pv->rows[r].value : &pv->v.num;
            if (v->cut || (first && qli_qd_cmp(first, v) != 0))
                return 0;
            first = first ? first : v;
        }
    }
    if (!first)
        return 0;
    *out = *first;
    return 1;
}

/* The parameter a call's first argument names (at, bracket). */
static const param_def *arg_param(const cc *c, const ast *a)
{
    if (a->ref < 0 || (size_t)a->ref >= c->nsyms ||
        c->syms[a->ref].kind != S_PARAM)
        return NULL;
    return &c->rs->params[c->syms[a->ref].index];
}

static void fold_name(const cc *c, ast *n)
{
    if (n->ref < 0 || (size_t)n->ref >= c->nsyms)
        return;
    const sym *s = &c->syms[n->ref];
    qd v;
    if (s->kind == S_PARAM && n->type.kind == VK_NUMBER &&
        param_konst(&c->rs->params[s->index], &v))
        set_konst(n, v);
    else if (s->kind == S_PARAM && n->type.kind == VK_BOOL) {
        const param_def *p = &c->rs->params[s->index];
        int same = p->nvalues > 0;
        for (size_t i = 1; same && i < p->nvalues; i++)
            same = !p->values[i].v.b == !p->values[0].v.b;
        if (same)
            set_bool(n, p->values[0].v.b);
    } else if (s->kind == S_COMPUTED) {
        /* checked already (tc_name settles it first); a failure inside
         * it is reported at its own formula */
        const ast *t = c->rs->computed[s->index].tree;
        if (t && t->konst)
            set_konst(n, t->kval);
    }
}

/* + − × ÷ of two values known at load: *st is the arithmetic's status. */
static int arith(tok_kind op, qd *r, const qd *a, const qd *b, int *st)
{
    switch (op) {
    case T_PLUS: *st = qli_qd_add(r, a, b); return 1;
    case T_MINUS: *st = qli_qd_sub(r, a, b); return 1;
    case T_STAR: *st = qli_qd_mul(r, a, b); return 1;
    case T_SLASH: *st = qli_qd_div(r, a, b); return 1;
    default: return 0;
    }
}

static void fold_binary(ast *n)
{
    const ast *a = n->args[0], *b = n->args[1];
    keep_fail(n, a);
    if (n->op == T_AND || n->op == T_OR) {
        /* the right side runs only when the left does not decide */
        int decided = n->op == T_AND ? is_false(a) : is_true(a);
        if (decided) {
            set_bool(n, n->op == T_OR);
            return;
        }
        keep_fail(n, b);
        if (a->konst && b->konst)
            set_bool(n, is_true(b));
        return;
    }
    keep_fail(n, b);
    if (n->op == T_SLASH && b->konst && qli_qd_is_zero(&b->kval)) {
        if (!n->fails)
            n->fails = n;
        return;
    }
    if (a->type.kind != VK_NUMBER || b->type.kind != VK_NUMBER)
        return;
    /* 0 × x and 0 ÷ x are 0 whatever x is (or fail as x does) */
    if ((n->op == T_STAR || n->op == T_SLASH) && a->konst &&
        qli_qd_is_zero(&a->kval)) {
        set_konst(n, a->kval);
        return;
    }
    if (n->op == T_STAR && b->konst && qli_qd_is_zero(&b->kval)) {
        set_konst(n, b->kval);
        return;
    }
    if (!a->konst || !b->konst)
        return;
    qd r;
    int st;
    if (arith(n->op, &r, &a->kval, &b->kval, &st)) {
        if (st) {
            if (!n->fails)
                n->fails = n; /* overflow on every date */
            return;
        }
        if (!r.cut) /* a quotient cut at its places: not folded on */
            set_konst(n, r);
        return;
    }
    int k = qli_qd_cmp(&a->kval, &b->kval);
    switch (n->op) {
    case T_EQ: set_bool(n, k == 0); break;
    case T_NE: set_bool(n, k != 0); break;
    case T_LT: set_bool(n, k < 0); break;
    case T_LE: set_bool(n, k <= 0); break;
    case T_GT: set_bool(n, k > 0); break;
    case T_GE: set_bool(n, k >= 0); break;
    default: break;
    }
}

/* if(c1, v1, c2, v2, …, else): only the branches that can run count. */
static void fold_if(ast *n)
{
    const ast *val = NULL;
    int same = 1, taken = 0;
    for (size_t i = 0; i + 1 < n->nargs && !taken; i += 2) {
        const ast *cond = n->args[i], *v = n->args[i + 1];
        keep_fail(n, cond);
        if (is_false(cond))
            continue; /* never taken */
        keep_fail(n, v);
        same =
            same && v->konst && (!val || qli_qd_cmp(&val->kval, &v->kval) == 0);
        val = val ? val : v;
        taken = is_true(cond); /* always taken: what follows never runs */
    }
    if (!taken) {
        const ast *v = n->args[n->nargs - 1];
        keep_fail(n, v);
        same =
            same && v->konst && (!val || qli_qd_cmp(&val->kval, &v->kval) == 0);
        val = val ? val : v;
    }
    if (same && val && (n->type.kind == VK_NUMBER || n->type.kind == VK_BOOL))
        set_konst(n, val->kval);
}

static void fold_call(const cc *c, ast *n)
{
    const builtin *f = n->fn;
    if (!strcmp(f->name, "if")) {
        fold_if(n);
        return;
    }
    int param_first = (f->flags & BI_PARAM_FIRST) != 0;
    for (size_t i = param_first; i < n->nargs; i++)
        keep_fail(n, n->args[i]);
    if (n->type.kind != VK_NUMBER)
        return;
    qd v;
    if (param_first) { /* at(p, date), bracket(table, x) */
        const param_def *p = arg_param(c, n->args[0]);
        if (p && param_konst(p, &v))
            set_konst(n, v);
        return;
    }
    for (size_t i = 0; i < n->nargs; i++)
        if (n->args[i]->type.kind == VK_NUMBER && !n->args[i]->konst)
            return;
    v = n->args[0]->kval;
    if (f->op == OP_MIN || f->op == OP_MAX) {
        for (size_t i = 1; i < n->nargs; i++) {
            int k = qli_qd_cmp(&n->args[i]->kval, &v);
            if (f->op == OP_MIN ? k < 0 : k > 0)
                v = n->args[i]->kval;
        }
    } else if (f->op == OP_ABS)
        qli_qd_abs(&v, &n->args[0]->kval);
    else if (!strcmp(f->name, "round") || !strcmp(f->name, "ceil") ||
             !strcmp(f->name, "floor") || !strcmp(f->name, "trunc")) {
        if (qli_qd_round_to(&v, &n->args[0]->kval, n->digits, n->mode))
            return; /* the evaluation says why */
    } else
        return;
    set_konst(n, v);
}

void qli_tc_fold(const cc *c, ast *n)
{
    switch (n->kind) {
    case A_NUMBER: set_konst(n, n->num); return;
    case A_BOOL: set_bool(n, n->b); return;
    case A_NAME: fold_name(c, n); return;
    case A_MEMBER:
    case A_STRING: return;
    case A_UNARY:
        keep_fail(n, n->args[0]);
        if (!n->args[0]->konst)
            return;
        if (n->op == T_NOT)
            set_bool(n, !is_true(n->args[0]));
        else {
            qd v;
            qli_qd_neg(&v, &n->args[0]->kval);
            set_konst(n, v);
        }
        return;
    case A_IN:
        for (size_t i = 0; i < n->nargs; i++)
            keep_fail(n, n->args[i]);
        return;
    case A_BINARY: fold_binary(n); return;
    case A_CALL: fold_call(c, n); return;
    }
}

/* ------------------------------------------------- the root's report */

/* "parameter 'rate' is 0 in every period, at r.yaml:9:3" and the like
 * for the names in tree t (at most three, as many as fit), written to
 * buf; the first name that is no table in *param (for the hint), NULL
 * when none. */
static void names_of(const cc *c, const ast *t, char *buf, size_t size,
                     const char **param)
{
    const ast *stack[64];
    size_t top = 0, said = 0, used = strlen(buf);
    const void *seen[3];
    stack[top++] = t;
    *param = NULL;
    while (top && said < 3) {
        const ast *n = stack[--top];
        const ast *name = n->kind == A_NAME ? n
                          : n->kind == A_CALL && n->fn &&
                                  (n->fn->flags & BI_PARAM_FIRST) && n->konst
                              ? n->args[0]
                              : NULL;
        const sym *s = name && name->ref >= 0 && (size_t)name->ref < c->nsyms
                           ? &c->syms[name->ref]
                           : NULL;
        if (s && (s->kind == S_PARAM || s->kind == S_COMPUTED) && n->konst) {
            int dup = 0;
            for (size_t i = 0; i < said; i++)
                dup |= seen[i] == s;
            char v[QD_TEXT_MAX + 1];
            qd shown = n->kval;
            int pct = s->kind == S_PARAM &&
                      qli_tc_param_pct(&c->rs->params[s->index]);
            if (pct && shown.scale >= 2)
                shown.scale -= 2; /* a share shown in percent */
            else if (pct)
                shown = qli_qd_make(shown.coef * (shown.scale ? 10 : 100), 0);
            size_t vl = qli_qd_format(&shown, v);
            if (pct)
                memcpy(v + vl, "%", 2);
            const ynode *at = s->kind == S_PARAM
                                  ? c->rs->params[s->index].key
                                  : c->rs->computed[s->index].expr;
            int table = s->kind == S_PARAM &&
                        c->rs->params[s->index].type.kind == VK_TABLE;
            char one[QL_MAX_NAME + QD_TEXT_MAX + 4400]; /* a path too */
            int w = snprintf(one, sizeof one, "%s%s '%s' %s %s%s, at %s:%d:%d",
                             said ? "; " : "",
                             s->kind == S_COMPUTED ? "computed"
                             : table               ? "table"
                                                   : "parameter",
                             s->name,
                             s->kind == S_COMPUTED ? "is always"
                             : table               ? "gives"
                                                   : "is",
                             v,
                             s->kind == S_COMPUTED ? ""
                             : table ? " in every bracket of every period"
                                     : " in every period",
                             at && at->doc ? at->doc->file : "?",
                             at ? at->line : 0, at ? at->column : 0);
            if (dup || w < 0 || used + (size_t)w >= size)
                continue;
            memcpy(buf + used, one, (size_t)w + 1);
            used += (size_t)w;
            if (!table && !*param)
                *param = s->name;
            seen[said++] = s;
            continue; /* what made a computed value is its own formula's */
        }
        for (size_t i = n->nargs; i-- > 0 && top < 64;)
            stack[top++] = n->args[i];
    }
}

/* Whether tree t is made of numbers written in the formula alone. */
static int only_literals(const ast *t)
{
    const ast *stack[64];
    size_t top = 0;
    stack[top++] = t;
    while (top) {
        const ast *n = stack[--top];
        if (n->kind == A_NAME || n->kind == A_MEMBER ||
            (n->kind == A_CALL && n->fn && (n->fn->flags & BI_PARAM_FIRST)))
            return 0;
        for (size_t i = 0; i < n->nargs; i++) {
            if (top == 64)
                return 0;
            stack[top++] = n->args[i];
        }
    }
    return 1;
}

__attribute__((noinline, cold)) static ql_status report(cc *c, const ast *f)
{
    char names[3 * (QL_MAX_NAME + QD_TEXT_MAX + 4400)] = "";
    const char *param;
    if (f->op == T_SLASH && f->args[1]->konst &&
        qli_qd_is_zero(&f->args[1]->kval)) {
        const ast *d = f->args[1];
        names_of(c, d, names, sizeof names, &param);
        int literals = only_literals(d);
        if (!names[0] && qli_tc_literal_number(d))
            return qli_cc_fail_at(c, first_pos(d), QL_ERANGE,
                                  "division by zero: the divisor is the "
                                  "number 0, so every record that reaches "
                                  "it fails");
        if (!names[0] && literals)
            return qli_cc_fail_at(c, first_pos(d), QL_ERANGE,
                                  "division by zero: the divisor is made "
                                  "only of numbers written in the formula "
                                  "and is always 0, so every record that "
                                  "reaches it fails");
        if (!names[0])
            return qli_cc_fail_at(c, first_pos(d), QL_ERANGE,
                                  "division by zero: the divisor is 0 for "
                                  "every record on every date (a product "
                                  "with a factor that is always 0), so every "
                                  "record that reaches it fails");
        if (param)
            return qli_cc_fail_at(
                c, first_pos(d), QL_ERANGE,
                "division by zero: the divisor is 0 on every date for every "
                "record (%s), so every record that reaches it fails: correct "
                "the value, or guard the division (if(%s == 0, …, …))",
                names, param);
        return qli_cc_fail_at(
            c, first_pos(d), QL_ERANGE,
            "division by zero: the divisor is 0 on every date for every "
            "record (%s), so every record that reaches it fails: correct "
            "the values, or guard the division with an if() whose condition "
            "is false where it is 0",
            names);
    }
    int st = 0;
    qd r;
    arith(f->op, &r, &f->args[0]->kval, &f->args[1]->kval, &st);
    names_of(c, f, names, sizeof names, &param);
    if (!names[0])
        return qli_cc_fail_at(c, first_pos(f), QL_ERANGE,
                              "these numbers, all written in the formula, "
                              "give no value: %s (every record that reaches "
                              "them would fail)",
                              qli_qd_message(st));
    return qli_cc_fail_at(c, first_pos(f), QL_ERANGE,
                          "these values, the same on every date for every "
                          "record (%s), give no value: %s (every record that "
                          "reaches them would fail)",
                          names, qli_qd_message(st));
}

ql_status qli_tc_fold_root(cc *c, const ast *tree)
{
    return tree->fails ? report(c, tree->fails) : QL_OK;
}
