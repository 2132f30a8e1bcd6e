/*
 * typecheck.c — names and types.
 *
 * Resolves every name to an input, parameter, computed value or check,
 * infers and checks types and scales, and, for each name of a computed
 * value or check, settles that block first (typecheck_blocks.c, which
 * checks whole blocks, their chains, stacks and cycles).  Each
 * node of the syntax tree is annotated (type, symbol, function, stack
 * depth) for compile.c, which then only writes code.  A tree comes here
 * once lists.c has rewritten it to name no list; each built-in function
 * brings its own type rule (builtins.c).  Every error is located at the
 * offending token inside its YAML scalar.
 */
#include "decimal.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "code.h"
#include "ruleset.h"
#include "compile.h"
#include "lists.h"
#include "builtins.h"
#include "typecheck.h"
#include "snippet.h"

#include <stdio.h>
#include <string.h>

/* Fields readable as check.field, in CF_ order. */
static const char *check_fields[] = {"applicable", "compliant", "required",
                                     "actual", "shortfall"};
const char *const qli_tc_check_parts[5] = {"applies", "required", "actual",
                                    "shortfall", "compliant"};

/* ------------------------------------------------------------ errors */

const char *qli_cc_article(vtype t)
{
    return t.kind == VK_ENUM ? "an" : "a";
}

const char *qli_cc_type_name(vtype t)
{
    switch (t.kind) {
    case VK_NUMBER: return "number";
    case VK_BOOL: return "bool";
    case VK_STRING: return "string";
    case VK_DATE: return "date";
    case VK_ENUM: return "enum";
    case VK_TABLE: return "table";
    }
    return "?";
}

static int max2(int a, int b);

/* ------------------------------------------------------- type checking */

int qli_tc_same_type(vtype a, vtype b)
{
    return a.kind == b.kind && (a.kind != VK_ENUM || a.en == b.en);
}

vtype qli_tc_type(vkind k)
{
    vtype t = {k, NULL};
    return t;
}

#define T qli_tc_type

static int enum_lookup(const enum_def *en, const char *s, size_t len)
{
    for (size_t i = 0; i < en->n; i++)
        if (en->lens[i] == len && memcmp(en->values[i], s, len) == 0)
            return (int)i;
    return -1;
}

/* Turns a string literal compared with an enum into that enum's value. */
static ql_status coerce_enum(cc *c, ast *lit, vtype et)
{
    int k = enum_lookup(et.en, lit->text, lit->len);
    if (k < 0) {
        char list[256];
        qli_snip_list(list, sizeof list, et.en->values, et.en->lens, et.en->n);
        /* an enum a province narrowed, read by its parent's formula:
         * the slip is the province's list (probe13 P13-14) */
        const input_def *in = NULL;
        for (size_t i = 0; i < c->rs->n_inputs && !in; i++)
            if (&c->rs->inputs[i].en == et.en)
                in = &c->rs->inputs[i];
        if (in && in->key && in->key->doc == c->rs->top_doc &&
            c->node->doc != c->rs->top_doc) {
            int line = 0, col = 0;
            qli_ynode_locate(c->node, lit->pos, &line, &col);
            return qli_yfail(
                c->err, QL_ETYPE, in->key,
                "input '%s': its values (%s) leave out %s, which %s "
                "compares it with (%s:%d:%d): a file that extends another "
                "keeps the values the formulas there read; add it again, or "
                "remove what reads it and define it anew",
                in->name, list, QLI_DQUOTE_N(lit->text, lit->len),
                c->what ? c->what : "a formula", c->node->doc->file, line, col);
        }
        char hint[QL_MAX_NAME + 32];
        return qli_cc_fail_at(c, lit->pos, QL_ETYPE,
                       "%s is not a value of %s (expected one of: %s)%s",
                       QLI_DQUOTE_N(lit->text, lit->len), et.en->name, list,
                       qli_enum_suggest(et.en, lit->text, lit->len, hint,
                                        sizeof hint));
    }
    lit->type = et;
    lit->cval.en = k;
    return QL_OK;
}

/* Makes the two sides of a comparison agree, coercing enum literals. */
ql_status qli_tc_unify(cc *c, ast *a, ast *b, size_t pos, const char *ctx)
{
    if (a->type.kind == VK_ENUM && b->kind == A_STRING)
        return coerce_enum(c, b, a->type);
    if (b->type.kind == VK_ENUM && a->kind == A_STRING)
        return coerce_enum(c, a, b->type);
    if (!qli_tc_same_type(a->type, b->type)) {
        ql_status st = qli_tc_param_mismatch(c, a, b);
        if (st)
            return st;
        if (a->type.kind == VK_ENUM && b->type.kind == VK_ENUM)
            return qli_cc_fail_at(c, pos, QL_ETYPE,
                           "%s values of two different enums (%s and %s)", ctx,
                           a->type.en->name, b->type.en->name);
        return qli_cc_fail_at(c, pos, QL_ETYPE, "%s %s %s with %s %s", ctx,
                              qli_cc_article(a->type), qli_cc_type_name(a->type),
                              qli_cc_article(b->type), qli_cc_type_name(b->type));
    }
    return QL_OK;
}

/* A literal number (0, 5, -1): it takes the unit of what it meets. */
int qli_tc_literal_number(const ast *n)
{
    while (n->kind == A_UNARY && n->op == T_MINUS)
        n = n->args[0];
    return n->kind == A_NUMBER;
}

ql_status qli_tc_same_unit(cc *c, const ast *a, const ast *b, size_t pos,
                           const char *what)
{
    if (a->type.kind != VK_NUMBER || b->type.kind != VK_NUMBER ||
        a->type.money == b->type.money)
        return QL_OK;
    const ast *plain = a->type.money ? b : a;
    if (qli_tc_literal_number(plain))
        return QL_OK;
    const char *cur = c->rs->currency ? c->rs->currency : "money";
    const char *name = plain->kind == A_NAME ? plain->text : NULL;
    int nl = plain->kind == A_NAME ? (int)plain->len : 0;
    return qli_cc_fail_at(c, pos, QL_ETYPE,
                          "%s%s of an amount in %s and a plain number%s%.*s%s: "
                          "expected amounts on both sides (a count or a rate "
                          "added to, compared with or chosen instead of money "
                          "is no amount); if it is an amount, declare it money "
                          "('type: money' on an input or parameter, 'unit: "
                          "money' on a computed value)",
                          what, what[0] == '\'' || what[0] == 'a' ? "" : "()",
                          cur, name ? " ('" : "", nl, name ? name : "",
                          name ? "')" : "");
}

/* A parameter whose values have the wrong type is reported at its
 * value — in the file that wrote it, often a child's — naming the
 * parameter and the formula that needed the other type. */
static ql_status param_type_fail(cc *c, const ast *n, const param_def *p,
                                 vkind k)
{
    const param_value *pv = &p->values[0];
    for (size_t i = 0; i < p->nvalues; i++)
        if (p->values[i].node && p->values[i].node->doc != c->node->doc)
            pv = &p->values[i]; /* prefer a value written elsewhere */
    int line = 0, col = 0;
    qli_ynode_locate(c->node, n->pos, &line, &col);
    const char *val = pv->node && pv->node->kind == YN_SCALAR
                          ? QLI_QUOTE_N(pv->node->text, pv->node->len)
                          : "'…'";
    return qli_yfail(c->err, QL_ETYPE, pv->node,
                     "parameter '%s': %s is %s %s, but %s needs %s %s "
                     "(%s:%d:%d)",
                     p->name, val, qli_cc_article(p->type),
                     qli_cc_type_name(p->type), c->what ? c->what : "a formula",
                     qli_cc_article(T(k)), qli_cc_type_name(T(k)),
                     c->node->doc->file, line, col);
}

ql_status qli_tc_expect(cc *c, ast *n, vkind k, const char *role)
{
    if (n->type.kind == k)
        return QL_OK;
    if (n->kind == A_NAME && n->ref >= 0 && c->syms[n->ref].kind == S_PARAM) {
        const param_def *p = &c->rs->params[c->syms[n->ref].index];
        if (p->nvalues && p->values[0].node)
            return param_type_fail(c, n, p, k);
    }
    return qli_cc_fail_at(c, n->pos, QL_ETYPE, "%s must be %s %s, not %s %s",
                          role, qli_cc_article(T(k)), qli_cc_type_name(T(k)),
                          qli_cc_article(n->type), qli_cc_type_name(n->type));
}

/* The parameter n reads by name, when its values are written in a file
 * (so there is a value to point at), else NULL. */
static const param_def *named_param(const cc *c, const ast *n)
{
    if (n->kind != A_NAME || n->ref < 0 || c->syms[n->ref].kind != S_PARAM)
        return NULL;
    const param_def *p = &c->rs->params[c->syms[n->ref].index];
    return p->nvalues && p->values[0].node ? p : NULL;
}

ql_status qli_tc_param_mismatch(cc *c, const ast *a, const ast *b)
{
    const param_def *pa = named_param(c, a), *pb = named_param(c, b);
    if (pa && !pb)
        return param_type_fail(c, a, pa, b->type.kind);
    if (pb && !pa)
        return param_type_fail(c, b, pb, a->type.kind);
    return QL_OK;
}

static int max2(int a, int b) { return a > b ? a : b; }

/* Scales: the most places a number can carry (see vtype).  A sum has
 * the larger of its terms', a product the sum of its factors' — past
 * what a decimal holds, nothing bounds it. */
vtype qli_tc_num(int scale, int money)
{
    vtype t = {VK_NUMBER, NULL, 0, 0};
    t.scale = (uint8_t)(scale < 0 || scale > QD_MAX_SCALE ? QL_SCALE_ANY : scale);
    t.money = (uint8_t)!!money;
    return t;
}

/* Whether n is the same for every record: a literal or a parameter (or
 * its negation).  An amount divided by such a number is still an amount
 * (a twelfth of a wage sums as the wages do); divided by anything else
 * (a headcount), it is an amount per unit. */
static int fixed_number(const cc *c, const ast *n)
{
    while (n->kind == A_UNARY && n->op == T_MINUS)
        n = n->args[0];
    return n->kind == A_NUMBER ||
           (n->kind == A_NAME && n->ref >= 0 && c->syms[n->ref].kind == S_PARAM);
}

/* A number made of a and b (+, −, ×, min, max, if) with `scale`
 * places: money if either is, an amount per unit if either is, and a
 * share if either is and it is not money. */
vtype qli_tc_num_of(int scale, vtype a, vtype b)
{
    vtype t = qli_tc_num(scale, a.money || b.money);
    t.per = (uint8_t)(t.money && (a.per || b.per));
    t.share = (uint8_t)(!t.money && (a.share || b.share));
    t.pct = (uint8_t)(!t.money && (a.pct || b.pct));
    return t;
}

#define NUM qli_tc_num

static int scale_sum(int a, int b)
{
    return a == QL_SCALE_ANY || b == QL_SCALE_ANY ? QL_SCALE_ANY : a + b;
}

/* "Did you mean": kept out of line (and cold), so that the suggestion's
 * buffers never enlarge the frames of the recursive type check, which a
 * loader on a small thread stack runs 2,000 levels deep. */
__attribute__((noinline, cold)) static ql_status unknown_name(cc *c, ast *n)
{
    qli_suggest sg;
    char hint[QL_MAX_NAME + 32];
    qli_suggest_init(&sg, n->text, n->len);
    for (size_t i = 0; i < c->nsyms; i++)
        if (!strchr(c->syms[i].name, '['))
            qli_suggest_try(&sg, c->syms[i].name);
    for (size_t i = 0; i < c->nlists; i++)
        qli_suggest_try(&sg, c->lists[i].name);
    qli_suggest_try(&sg, "date");
    const ynode *gone = qli_removed_name(c->rs, n->text, n->len);
    if (gone) /* P2-04: a child's `remove:` took what this formula reads */
        return qli_cc_fail_at(c, n->pos, QL_ENAME,
                              "'%.*s' is removed by %s:%d:%d ('remove:'), "
                              "but this formula still reads it: remove "
                              "what reads it too, or define '%.*s' again",
                              (int)n->len, n->text, gone->doc->file,
                              gone->line, gone->column, (int)n->len, n->text);
    return qli_cc_fail_at(c, n->pos, QL_ENAME,
                          "unknown name '%.*s'%s (not an input, parameter, "
                          "computed value, check or list)",
                          (int)n->len, n->text, qli_suggest_text(&sg, hint, sizeof hint));
}

__attribute__((noinline, cold)) static ql_status unknown_function(cc *c, ast *n)
{
    qli_suggest sg;
    char hint[QL_MAX_NAME + 32];
    qli_suggest_init(&sg, n->text, n->len);
    if (sg.dist < 3)
        sg.dist = 3; /* few names, short ones: rnd is round */
    for (size_t i = 0; i < qli_n_builtins; i++)
        qli_suggest_try(&sg, qli_builtins[i].name);
    return qli_cc_fail_at(c, n->pos, QL_ENAME,
                          "unknown function '%.*s'%s (see docs/rules-language.md "
                          "for the list)",
                          (int)n->len, n->text, qli_suggest_text(&sg, hint, sizeof hint));
}

/* Whether symbol s is of kind `want` (TC_WANT_*). */
static int of_kind(const cc *c, const sym *s, int want)
{
    switch (want) {
    case TC_WANT_PARAM:
    case TC_WANT_TABLE:
        return s->kind == S_PARAM &&
               (c->rs->params[s->index].type.kind == VK_TABLE) ==
                   (want == TC_WANT_TABLE);
    case TC_WANT_INPUT: return s->kind == S_INPUT;
    default: return s->kind == S_CHECK;
    }
}

__attribute__((noinline, cold)) ql_status
qli_tc_wrong_name(cc *c, const char *text, size_t len, size_t pos, int want,
                  const char *needs)
{
    static const char *const kind[] = {"parameter", "table parameter",
                                       "input", "check"};
    if (!text)
        return qli_cc_fail_at(c, pos, QL_ETYPE, "%s", needs);
    const sym *s = qli_cc_lookup(c, text, len);
    if (s) {
        int table = s->kind == S_PARAM &&
                    c->rs->params[s->index].type.kind == VK_TABLE;
        return qli_cc_fail_at(c, pos, QL_ETYPE, "'%s' is %s %s: %s", s->name,
                              s->kind == S_INPUT ? "an" : "a",
                              table ? "table parameter"
                                    : qli_cc_kind_word(s->kind),
                              needs);
    }
    int is_date = len == 4 && !memcmp(text, "date", 4);
    if (is_date || qli_ls_lookup(c, text, len))
        return qli_cc_fail_at(c, pos, QL_ETYPE, "'%.*s' is %s: %s", (int)len,
                              text, is_date ? "the evaluation date" : "a list",
                              needs);
    qli_suggest sg;
    char hint[QL_MAX_NAME + 32];
    qli_suggest_init(&sg, text, len);
    for (size_t i = 0; i < c->nsyms; i++)
        if (of_kind(c, &c->syms[i], want) && !strchr(c->syms[i].name, '['))
            qli_suggest_try(&sg, c->syms[i].name);
    return qli_cc_fail_at(c, pos, QL_ENAME, "unknown %s '%.*s'%s (%s)",
                          kind[want], (int)len, text,
                          qli_suggest_text(&sg, hint, sizeof hint), needs);
}

/* lists.c has rewritten every list name that means an item: one left
 * is a list named where a single value is wanted. */
ql_status qli_tc_resolve(cc *c, const ast *n, const sym **out)
{
    *out = NULL;
    if (n->list_failed)
        return c->list_status;
    *out = qli_cc_lookup(c, n->text, n->len);
    const list_sym *l = *out ? NULL : qli_ls_lookup(c, n->text, n->len);
    if (!l)
        return QL_OK;
    return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                          "'%s' is a list of %d items: name one (%s[1]), "
                          "reduce it (sum(%s), count(…), min(%s), max(%s)) "
                          "or use it in a computed value with 'count: %d'",
                          l->name, l->len, l->name, l->name, l->name,
                          l->name, l->len);
}

static QLI_NOINLINE ql_status tc_name(cc *c, ast *n)
{
    if (n->len == 4 && memcmp(n->text, "date", 4) == 0) {
        n->type = T(VK_DATE);
        n->ref = -1;
        n->sdepth = 1;
        return QL_OK;
    }
    const sym *s;
    ql_status st = qli_tc_resolve(c, n, &s);
    if (st)
        return st;
    const char *br = memchr(n->text, '[', n->len);
    const list_sym *l = br ? qli_ls_lookup(c, n->text, (size_t)(br - n->text)) : NULL;
    if (!s && l)
        return qli_cc_fail_at(c, n->pos, QL_ENAME,
                       "'%s' has %d items: '%.*s' is past its end", l->name,
                       l->len, (int)n->len, n->text);
    if (!s)
        return unknown_name(c, n);
    n->ref = (int)(s - c->syms);
    qli_cc_mark_read(c, s);
    n->sdepth = 1;
    ql_ruleset *rs = c->rs;
    switch (s->kind) {
    case S_INPUT:
        n->type = rs->inputs[s->index].type;
        return QL_OK;
    case S_PARAM:
        n->type = rs->params[s->index].type;
        n->type.pct = (uint8_t)(n->type.kind == VK_NUMBER &&
                                qli_tc_param_pct(&rs->params[s->index]));
        if (n->type.kind == VK_TABLE)
            return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                           "'%s' is a table: use it as bracket(%s, x)", s->name,
                           s->name);
        return QL_OK;
    case S_COMPUTED:
        st = qli_tc_check_computed(c, s->index, n->pos);
        n->type = rs->computed[s->index].type;
        return st;
    case S_CHECK:
        return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                       "'%s' is a check: name one of its fields, e.g. %s.compliant",
                       s->name, s->name);
    }
    return QL_OK;
}

static QLI_NOINLINE ql_status tc_member(cc *c, ast *n)
{
    const sym *s = qli_cc_lookup(c, n->text, n->len);
    if (!s || s->kind != S_CHECK)
        return qli_tc_wrong_name(c, n->text, n->len, n->pos, TC_WANT_CHECK,
                                 "only checks have fields");
    int f = -1;
    for (int i = 0; i < 5; i++)
        if (strlen(check_fields[i]) == n->member_len &&
            memcmp(check_fields[i], n->member, n->member_len) == 0)
            f = i;
    if (f < 0)
        return qli_cc_fail_at(c, n->member_pos, QL_ENAME,
                       "a check has no field '%.*s' (expected applicable, "
                       "compliant, required, actual or shortfall)",
                       (int)n->member_len, n->member);
    n->ref = (int)(s - c->syms);
    qli_cc_mark_read(c, s);
    n->field = f;
    n->type = T(VK_BOOL);
    n->sdepth = 1;
    ql_status st = qli_tc_check_check(c, s->index, n->pos);
    if (st == QL_OK && f > CF_COMPLIANT)
        n->type = qli_cc_check_field_type(&c->rs->checks[s->index], f);
    return st;
}

vtype qli_cc_check_field_type(const check_def *k, int f)
{
    if (f == CF_SHORTFALL && !k->tree[3]) {
        /* the default, max(required − actual, 0) */
        vtype r = k->tree[1]->type, a = k->tree[2]->type;
        return qli_tc_num_of(max2(r.scale, a.scale), r, a);
    }
    const ast *t = k->tree[f == CF_REQUIRED ? 1 : f == CF_ACTUAL ? 2 : 3];
    return t->type;
}

/* A call: the function's own type rule checks its arguments. */
static ql_status tc_call(cc *c, ast *n)
{
    const builtin *f = qli_bi_find(n->text, n->len);
    if (!f)
        return unknown_function(c, n);
    n->fn = f;
    if (!qli_bi_arity_ok(f, n->nargs))
        return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                              "wrong number of arguments: %s", f->usage);
    return f->check(c, n);
}

static ql_status tc_node(cc *c, ast *n);

/* The string inputs a compared string n is made of are compared byte
 * for byte, so their records' text must be NFC with nothing invisible
 * (P4-09): marked through names and the computed strings they name
 * (their trees checked already), a few levels deep. */
static void mark_compared(cc *c, const ast *n, int depth)
{
    if (!n || depth > 32 || n->type.kind != VK_STRING)
        return;
    if (n->kind == A_NAME && n->ref >= 0 && (size_t)n->ref < c->nsyms) {
        const sym *s = &c->syms[n->ref];
        if (s->kind == S_INPUT)
            c->rs->inputs[s->index].compared = 1;
        else if (s->kind == S_COMPUTED)
            mark_compared(c, c->rs->computed[s->index].tree, depth + 1);
        return;
    }
    for (size_t i = 0; i < n->nargs; i++)
        mark_compared(c, n->args[i], depth + 1);
}

/* Checks n; in a subtree marked with a list item, list names mean it. */
ql_status qli_tc_expr(cc *c, ast *n)
{
    /* Each tree is at most QL_MAX_EXPR_HEIGHT deep, but checking one may
     * check the values it uses first, from inside it: bound the sum. */
    if (c->depth >= QL_MAX_CHECK_DEPTH)
        return qli_cc_fail_at(c, n->pos, QL_ELIMIT,
                          "expressions nest more than %d levels deep, "
                          "counting those of the values they use "
                          "(QL_MAX_CHECK_DEPTH): split long formulas",
                          QL_MAX_CHECK_DEPTH);
    if (n->list_failed)
        return c->list_status; /* its message was written by lists.c */
    c->depth++;
    ql_status st = tc_node(c, n);
    c->depth--;
    if (st == QL_OK && n->sum_of && n->type.kind != VK_NUMBER)
        return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                              "sum() adds numbers, not %s %s",
                              qli_cc_article(n->type),
                              qli_cc_type_name(n->type));
    return st;
}

/* A literal's type and constant value. */
static QLI_NOINLINE ql_status tc_literal(ast *n)
{
    switch (n->kind) {
    case A_NUMBER:
        n->type = NUM(n->num.scale, 0);
        n->type.pct = n->pct; /* 5%: a percentage */
        n->cval.num = n->num;
        n->sdepth = 1;
        break;
    case A_STRING:
        n->type = T(VK_STRING);
        n->cval.str.s = n->text;
        n->cval.str.len = (uint32_t)n->len;
        n->sdepth = 1;
        break;
    case A_BOOL:
        n->type = T(VK_BOOL);
        n->cval.b = n->b;
        n->sdepth = 1;
        break;
    default:
        break;
    }
    return QL_OK;
}

/* The type rule of '-' or 'not', its operand checked. */
static QLI_NOINLINE ql_status tc_unary(cc *c, ast *n)
{
    n->sdepth = n->args[0]->sdepth;
    if (n->op == T_NOT) {
        n->type = T(VK_BOOL);
        return qli_tc_expect(c, n->args[0], VK_BOOL, "the operand of 'not'");
    }
    n->type = n->args[0]->type;
    return qli_tc_expect(c, n->args[0], VK_NUMBER, "the operand of '-'");
}

/* The type rule of 'in' for argument i, checked: the value tested
 * (i = 0), then each item, a literal of its type. */
static QLI_NOINLINE ql_status tc_in_item(cc *c, ast *n, size_t i)
{
    ast *l = n->args[0], *it = n->args[i];
    if (i == 0)
        return l->type.kind == VK_BOOL || l->type.kind == VK_TABLE
                   ? qli_cc_fail_at(c, n->pos, QL_ETYPE, "'in' cannot test a %s",
                                    qli_cc_type_name(l->type))
                   : QL_OK;
    int literal = it->kind == A_NUMBER || it->kind == A_STRING ||
                  (it->kind == A_CALL && (it->fn->flags & BI_CONSTANT));
    if (!literal)
        return qli_cc_fail_at(c, it->pos, QL_ETYPE,
                              "the items of an 'in' list must be literals");
    ql_status st = qli_tc_unify(c, l, it, it->pos, "'in' cannot compare");
    return st ? st : qli_tc_same_percent(c, l, it, "this 'in' list");
}

/* 'in', its value and items checked. */
static QLI_NOINLINE ql_status tc_in(cc *c, ast *n)
{
    ast *l = n->args[0];
    mark_compared(c, l, 0);
    n->type = T(VK_BOOL);
    n->sdepth = l->sdepth;
    return QL_OK;
}

/* The type rules of a binary operator, its operands checked: out of
 * line, so that the recursion's frames stay small (docs/security.md,
 * "The C stack"). */
static QLI_NOINLINE ql_status tc_binary(cc *c, ast *n)
{
    ast *a = n->args[0], *b = n->args[1];
    ql_status st;
    switch (n->op) {
    case T_AND:
    case T_OR:
        if ((st = qli_tc_expect(c, a, VK_BOOL, "an operand of 'and'/'or'")) ||
            (st = qli_tc_expect(c, b, VK_BOOL, "an operand of 'and'/'or'")))
            return st;
        n->type = T(VK_BOOL);
        n->sdepth = max2(a->sdepth, b->sdepth);
        return QL_OK;
    case T_PLUS:
    case T_MINUS:
    case T_STAR:
    case T_SLASH:
        if ((st = qli_tc_expect(c, a, VK_NUMBER, "an arithmetic operand")) ||
            (st = qli_tc_expect(c, b, VK_NUMBER, "an arithmetic operand")))
            return st;
        if (n->op == T_STAR && a->type.money && b->type.money)
            return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                           "an amount times an amount is not an amount "
                           "(%s × %s): one side of '*' must be a plain "
                           "number — a rate, a count or a multiple",
                           c->rs->currency ? c->rs->currency : "money",
                           c->rs->currency ? c->rs->currency : "money");
        if ((n->op == T_PLUS || n->op == T_MINUS) &&
            ((st = qli_tc_same_unit(c, a, b, n->pos,
                                    n->op == T_PLUS ? "'+'" : "'-'")) ||
             (st = qli_tc_same_percent(c, a, b,
                                       n->op == T_PLUS ? "this '+'"
                                                       : "this '-'"))))
            return st;
        if (n->op == T_SLASH) { /* an amount ÷ a number: per unit */
            n->type = NUM(QL_SCALE_ANY, a->type.money && !b->type.money);
            n->type.per = (uint8_t)(n->type.money &&
                                    (a->type.per || !fixed_number(c, b)));
            /* a number ÷ a per-record number: a share */
            n->type.share = (uint8_t)(!n->type.money &&
                                      (a->type.share || b->type.share ||
                                       !fixed_number(c, b)));
        } else if (n->op == T_STAR) { /* per head × heads, or × a rate? */
            n->type = qli_tc_num_of(scale_sum(a->type.scale, b->type.scale),
                                    a->type, b->type);
            /* a share of a share is one; a share × 100 or × a headcount
             * is no percentage */
            n->type.pct = (uint8_t)(n->type.pct && a->type.pct && b->type.pct);
        } else
            n->type = qli_tc_num_of(max2(a->type.scale, b->type.scale),
                                    a->type, b->type);
        n->sdepth = max2(a->sdepth, 1 + b->sdepth);
        return QL_OK;
    default: /* comparisons */
        if ((st = qli_tc_unify(c, a, b, n->pos, "cannot compare")) ||
            (st = qli_tc_same_unit(c, a, b, n->pos, "a comparison")) ||
            (st = qli_tc_same_percent(c, a, b, "this comparison")))
            return st;
        mark_compared(c, a, 0);
        mark_compared(c, b, 0);
        if ((a->type.kind == VK_STRING || a->type.kind == VK_ENUM ||
             a->type.kind == VK_BOOL) &&
            n->op != T_EQ && n->op != T_NE)
            return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                           "%s %s can only be compared with == or !=",
                           qli_cc_article(a->type), qli_cc_type_name(a->type));
        n->type = T(VK_BOOL);
        n->sdepth = max2(a->sdepth, 1 + b->sdepth);
        const ast *p[3];
        if (a->type.kind == VK_NUMBER &&
            (qli_ast_ratio(a, p) || qli_ast_ratio(b, p)))
            n->sdepth += 5; /* compared as ratios: up to 6 operands */
        return QL_OK;
    }
}

/* The node's own rule, its operands first; then its value if it is
 * known at load (typecheck_fold.c). */
static ql_status tc_node(cc *c, ast *n)
{
    ql_status st = QL_OK;
    switch (n->kind) {
    case A_NUMBER:
    case A_STRING:
    case A_BOOL:
        st = tc_literal(n);
        break;
    case A_NAME:
        st = tc_name(c, n);
        break;
    case A_MEMBER:
        st = tc_member(c, n);
        break;
    case A_CALL:
        st = tc_call(c, n);
        break;
    case A_UNARY:
        if ((st = qli_tc_expr(c, n->args[0])) == QL_OK)
            st = tc_unary(c, n);
        break;
    case A_IN:
        for (size_t i = 0; i < n->nargs && st == QL_OK; i++)
            if ((st = qli_tc_expr(c, n->args[i])) == QL_OK)
                st = tc_in_item(c, n, i);
        if (st == QL_OK)
            st = tc_in(c, n);
        break;
    case A_BINARY:
        if ((st = qli_tc_expr(c, n->args[0])) == QL_OK &&
            (st = qli_tc_expr(c, n->args[1])) == QL_OK)
            st = tc_binary(c, n);
        break;
    }
    if (st == QL_OK)
        qli_tc_fold(c, n);
    return st;
}
