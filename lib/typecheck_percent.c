/*
 * typecheck_percent.c — percentages in formulas.
 *
 * A percentage is held as its share (5% is 0.05).  The loader already
 * makes a parameter's values and bounds say so (`unit: percent` wants
 * '%'; one table writes every bound alike), so that a forgotten '%' is
 * an error rather than a value a hundred times too large.  A formula
 * could still write `share > 50` for 50 % and compare with 5000 %,
 * always false without a word.  The type checker therefore marks which
 * numbers are percentages (vtype.pct, set by typecheck.c and builtins.c)
 * and this file refuses, at the literal, a bare nonzero number written
 * in the formula where it meets one: in a comparison, '+' or '-', min(),
 * max(), if()'s branches, an 'in' list, a check's required against its
 * actual, and a bracket() whose table's bounds are in percent — or a
 * percentage looking up a table whose bounds are bare.  Zero is zero in
 * every unit; × and ÷ by a bare number scale (share × 100 is a number of
 * percent, no percentage), so they are never refused.
 */
#include "builtins.h"
#include "compile.h"
#include "decimal.h"
#include "expr.h"
#include "ruleset.h"
#include "snippet.h"
#include "typecheck.h"
#include "util.h"
#include "yamltree.h"

#include <stdio.h>
#include <string.h>

/* Message parts: names are at most QL_MAX_NAME bytes, numbers
 * QD_TEXT_MAX. */
#define SUBJECT_SIZE (8 * QL_MAX_NAME + 256)
#define ADVICE_SIZE (8 * QD_TEXT_MAX + 128)

/* "0", "0.00", "-0%": zero, written either way. */
static int zero_text(const ynode *n)
{
    size_t k = strspn(n->text, "+-0.%");
    return k == n->len && memchr(n->text, '0', n->len);
}

static int pct_text(const ynode *n)
{
    return n->len && n->text[n->len - 1] == '%';
}

/* The first nonzero number of table value list `rows` (bounds when
 * `bounds`, else values), or NULL. */
static const ynode *first_in_rows(const ynode *rows, int bounds)
{
    for (size_t i = 0; rows && rows->kind == YN_SEQ && i < rows->n; i++) {
        const ynode *r = rows->items[i], *b;
        if (bounds) {
            b = qli_ymap_get(r, "from");
            if (!b)
                b = qli_ymap_get(r, "above");
        } else
            b = qli_ymap_get(r, "value");
        if (b && b->kind == YN_SCALAR && !zero_text(b))
            return b;
    }
    return NULL;
}

/* The first nonzero number written for parameter p (a table's bounds
 * when `bounds`, else its values), or NULL: the loader holds all of a
 * parameter's numbers to the writing of its first (same_writing). */
static const ynode *first_written(const param_def *p, int bounds)
{
    for (size_t i = 0; i < p->nvalues; i++) {
        const ynode *n = p->values[i].node, *f;
        if (!n)
            continue;
        if (p->type.kind == VK_TABLE)
            f = first_in_rows(n, bounds);
        else
            f = !bounds && n->kind == YN_SCALAR && !zero_text(n) ? n : NULL;
        if (f)
            return f;
    }
    return NULL;
}

int qli_tc_param_pct(const param_def *p)
{
    if (p->type.kind == VK_NUMBER && p->percent)
        return 1;
    if (p->type.kind != VK_NUMBER && p->type.kind != VK_TABLE)
        return 0;
    const ynode *f = first_written(p, 0);
    return f && pct_text(f);
}

/* ------------------------------------------------------------ messages */

/* Where percentage n comes from: the first parameter, table or literal
 * down its percentage operands (through computed values and check
 * fields), a few levels deep and without backtracking, so that any
 * tree is walked in bounded time. */
static const ast *pct_leaf(const cc *c, const ast *n, int depth)
{
    while (n && depth++ < 32) {
        if (n->kind == A_NUMBER)
            return n;
        if (n->kind == A_NAME && n->ref >= 0 && (size_t)n->ref < c->nsyms) {
            const sym *s = &c->syms[n->ref];
            if (s->kind == S_PARAM)
                return n;
            if (s->kind != S_COMPUTED)
                return NULL;
            n = c->rs->computed[s->index].tree;
            continue;
        }
        if (n->kind == A_MEMBER && n->ref >= 0 && (size_t)n->ref < c->nsyms) {
            const check_def *k = &c->rs->checks[c->syms[n->ref].index];
            const ast *next = NULL;
            for (int f = 1; f <= 3 && !next; f++)
                if (k->tree[f] && k->tree[f]->type.pct)
                    next = k->tree[f];
            n = next;
            continue;
        }
        if (n->kind == A_CALL && n->fn &&
            (!strcmp(n->fn->name, "bracket") || !strcmp(n->fn->name, "at")))
            return n;
        const ast *next = NULL;
        for (size_t i = 0; i < n->nargs && !next; i++)
            if (n->args[i]->type.kind == VK_NUMBER && n->args[i]->type.pct)
                next = n->args[i];
        n = next;
    }
    return NULL;
}

/* Why leaf (pct_leaf's) is a percentage, into buf. */
static void leaf_reason(const cc *c, const ast *leaf, char *buf, size_t size)
{
    if (!leaf) {
        snprintf(buf, size, "made of percentages");
        return;
    }
    if (leaf->kind == A_NUMBER) {
        char t[QD_TEXT_MAX + 4];
        qd h, v = leaf->num;
        static const qd hundred = {100, 0};
        if (qli_qd_mul(&h, &v, &hundred) == 0) {
            qli_qd_trim(&h);
            qli_qd_format(&h, t);
            snprintf(buf, size, "the literal %s%%", t);
        } else {
            qli_qd_format(&v, t);
            snprintf(buf, size, "the literal share %s", t);
        }
        return;
    }
    const ast *name = leaf->kind == A_CALL ? leaf->args[0] : leaf;
    const param_def *p = &c->rs->params[c->syms[name->ref].index];
    if (leaf->kind == A_CALL && p->type.kind == VK_TABLE)
        snprintf(buf, size, "table '%s', whose values are written with '%%'",
                 p->name);
    else if (p->percent)
        snprintf(buf, size, "'%s', unit: percent", p->name);
    else
        snprintf(buf, size, "'%s', whose values are written with '%%'",
                 p->name);
}

/* Percentage n for the messages below: "'rate' is a percentage
 * ('quota', unit: percent) and meets" or "a percentage (…) meets"
 * (`noun` 0), or "'rate', a percentage (…)" (`noun` 1). */
static void subject(const cc *c, const ast *n, int noun, char *buf, size_t size)
{
    const ast *leaf = pct_leaf(c, n, 0);
    char why[SUBJECT_SIZE / 2];
    leaf_reason(c, leaf, why, sizeof why);
    const char *reason = why; /* the leaf itself: no need to name it */
    if (leaf == n && n->kind == A_NAME)
        reason = c->rs->params[c->syms[n->ref].index].percent
                     ? "unit: percent"
                     : "its values are written with '%'";
    char name[SUBJECT_SIZE / 4] = "";
    if (n->kind == A_NAME)
        snprintf(name, sizeof name, "'%.*s'", (int)n->len, n->text);
    else if (n->kind == A_MEMBER)
        snprintf(name, sizeof name, "'%.*s.%.*s'", (int)n->len, n->text,
                 (int)n->member_len, n->member);
    if (!name[0])
        snprintf(buf, size, "a percentage (%s)%s", reason,
                 noun ? "" : " meets");
    else if (noun)
        snprintf(buf, size, "%s, a percentage (%s)", name, reason);
    else
        snprintf(buf, size, "%s is a percentage (%s) and meets", name, reason);
}

/* v and v × 100 as text, for "write 50% … or 5000%". */
static void both_ways(const qd *v, char *as_pct, char *as_share)
{
    static const qd hundred = {100, 0};
    qd h;
    qli_qd_format(v, as_pct);
    if (qli_qd_mul(&h, v, &hundred))
        snprintf(as_share, 2 * QD_TEXT_MAX, "%s × 100", as_pct);
    else {
        qli_qd_trim(&h); /* 0.5 is 50%, not 50.0% */
        qli_qd_format(&h, as_share);
    }
}

/* Bare number v as text (num) and the advice for it (buf): "which is
 * 5000%: write 50% if …", the more likely meaning first — past 1 most
 * often a number of percent, up to 1 (the whole) most often the share. */
static void advice(const qd *v, char *num, char *buf, size_t size)
{
    char s[2 * QD_TEXT_MAX];
    both_ways(v, num, s);
    static const qd one = {1, 0};
    qd a;
    qli_qd_abs(&a, v);
    if (qli_qd_cmp(&a, &one) > 0)
        snprintf(buf, size,
                 "which is %s%%: write %s%% if %s percent is meant (or %s%% "
                 "for the value as written)",
                 s, num, num, s);
    else
        snprintf(buf, size,
                 "which is %s%%: write %s%% (or %s%% if %s percent is meant)",
                 s, s, num, num);
}

/* The bare number n stands for (through '-'), in *v; 0 when n is no
 * bare number written in the formula or is zero. */
static int bare_number(const ast *n, qd *v)
{
    int neg = 0;
    while (n->kind == A_UNARY && n->op == T_MINUS) {
        neg ^= 1;
        n = n->args[0];
    }
    if (n->kind != A_NUMBER || n->pct || qli_qd_is_zero(&n->num))
        return 0;
    *v = n->num;
    if (neg)
        qli_qd_neg(v, v);
    return 1;
}

__attribute__((noinline, cold)) static ql_status
bare_fail(cc *c, const ast *pct, const ast *lit, qd v, const char *where)
{
    char who[SUBJECT_SIZE], num[QD_TEXT_MAX], adv[ADVICE_SIZE];
    subject(c, pct, 0, who, sizeof who);
    advice(&v, num, adv, sizeof adv);
    return qli_cc_fail_at(c, lit->pos, QL_ETYPE,
                          "%s the bare number %s in %s, %s; a number meeting "
                          "a percentage is written in percent, as its values "
                          "are (0 needs no '%%')",
                          who, num, where, adv);
}

ql_status qli_tc_same_percent(cc *c, const ast *a, const ast *b,
                              const char *where)
{
    if (a->type.kind != VK_NUMBER || b->type.kind != VK_NUMBER ||
        a->type.pct == b->type.pct)
        return QL_OK;
    const ast *pct = a->type.pct ? a : b, *lit = a->type.pct ? b : a;
    qd v;
    return bare_number(lit, &v) ? bare_fail(c, pct, lit, v, where) : QL_OK;
}

ql_status qli_tc_percent_among(cc *c, ast *const *v, size_t n, size_t step,
                               const char *where)
{
    const ast *pct = NULL;
    for (size_t i = 0; i < n && !pct; i += step)
        if (v[i]->type.kind == VK_NUMBER && v[i]->type.pct)
            pct = v[i];
    ql_status st = QL_OK;
    for (size_t i = 0; pct && i < n && !st; i += step)
        st = qli_tc_same_percent(c, pct, v[i], where);
    return st;
}

/* bracket(table, x): x a bare number and the table's bounds in percent
 * (located at x), or x a percentage and the bounds bare (located at
 * the first bare bound, naming the formula, as a parameter's value of
 * the wrong type is: the slip is the table's). */
ql_status qli_tc_bracket_percent(cc *c, const ast *n, const param_def *p)
{
    const ast *x = n->args[1];
    const ynode *b = first_written(p, 1);
    if (!b)
        return QL_OK; /* every bound zero */
    qd v;
    if (pct_text(b) && bare_number(x, &v)) {
        char num[QD_TEXT_MAX], adv[ADVICE_SIZE];
        advice(&v, num, adv, sizeof adv);
        return qli_cc_fail_at(c, x->pos, QL_ETYPE,
                              "table '%s' has its bounds in percent (e.g. "
                              "%s) and is looked up with the bare number %s, "
                              "%s; a number meeting a percentage is written "
                              "in percent, as its values are (0 needs no "
                              "'%%')",
                              p->name, QLI_QUOTE_SHORT(b->text), num, adv);
    }
    if (pct_text(b) || x->type.kind != VK_NUMBER || !x->type.pct)
        return QL_OK;
    char who[SUBJECT_SIZE];
    subject(c, x, 1, who, sizeof who);
    int line = 0, col = 0;
    qli_ynode_locate(c->node, x->pos, &line, &col);
    return qli_yfail(c->err, QL_ETYPE, b,
                     "parameter '%s': the bound %s is a bare number, but %s "
                     "looks the table up by %s (%s:%d:%d): "
                     "write the bounds in percent with '%%' (%s%% if %s "
                     "percent is meant) and declare 'bounds: percent'",
                     p->name, QLI_QUOTE_SHORT(b->text),
                     c->what ? c->what : "a formula", who, c->node->doc->file,
                     line, col, QLI_BARE_SHORT(b->text),
                     QLI_BARE_SHORT(b->text));
}
