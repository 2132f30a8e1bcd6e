/*
 * lists.c — lists (`count:`), a pass of their own between parsing and
 * type checking: the table of list names, and the rewriting of each
 * syntax tree so that it names no list.  In the value of a list's item k
 * a list's name becomes its item (x → x[k]) and index() the number k;
 * sum(), count(), min() and max() over lists become plain expressions,
 * one copy of the argument per item.  The type checker, the code
 * generator and the interpreter then never see a list.
 */
#include "decimal.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "ruleset.h"
#include "compile.h"
#include "builtins.h"
#include "lists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *list_name(const void *c, size_t i)
{
    return ((const cc *)c)->lists[i].name;
}

const list_sym *qli_ls_lookup(const cc *c, const char *name, size_t len)
{
    long k = qli_names_find(&c->list_index, name, len, list_name, c);
    return k < 0 ? NULL : &c->lists[k];
}

/* One list per input or computed value declared with `count:`; its name
 * must not be any other definition's. */
static ql_status add_list(cc *c, const char *family, int len,
                          const ynode *key)
{
    char first[QL_MAX_NAME + 16];
    snprintf(first, sizeof first, "%s[1]", family);
    const sym *s1 = qli_cc_lookup(c, first, strlen(first));
    const sym *old = qli_cc_lookup(c, family, strlen(family));
    ql_status st = QL_OK;
    if (old)
        st = qli_yfail(c->err, QL_ENAME, key,
                       "'%s' is already defined as %s %s (%s:%d)", family,
                       old->kind == S_INPUT ? "an" : "a",
                       qli_cc_kind_word(old->kind),
                       old->key ? old->key->doc->file : "?",
                       old->key ? old->key->line : 0);
    else if (!s1) /* a duplicate item was skipped in diagnose mode */
        return QL_OK;
    if (st)
        return qli_diag_note(c->diag, c->err, st) ? QL_OK : st;
    list_sym *l = &c->lists[c->nlists];
    l->name = family;
    l->first = (int)(s1 - c->syms);
    l->len = len;
    if (qli_names_add(&c->list_index, c->nlists, family, strlen(family)))
        return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    c->nlists++;
    return QL_OK;
}

ql_status qli_ls_build(cc *c)
{
    ql_ruleset *rs = c->rs;
    c->lists = calloc(rs->n_inputs + rs->n_computed + 1, sizeof *c->lists);
    if (!c->lists || qli_names_init(&c->list_index, 16, NULL))
        return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    ql_status st;
    for (size_t i = 0; i < rs->n_inputs; i++)
        if (rs->inputs[i].elem == 1 &&
            (st = add_list(c, rs->inputs[i].family, rs->inputs[i].family_len,
                           rs->inputs[i].key)))
            return st;
    for (size_t i = 0; i < rs->n_computed; i++)
        if (rs->computed[i].elem == 1 &&
            (st = add_list(c, rs->computed[i].family,
                           rs->computed[i].family_len, rs->computed[i].key)))
            return st;
    return QL_OK;
}

/* The list a name names, if it is one: a defined name or `date` is not. */
static const list_sym *list_of(cc *c, const ast *n)
{
    if (n->kind != A_NAME || (n->len == 4 && memcmp(n->text, "date", 4) == 0) ||
        qli_cc_lookup(c, n->text, n->len))
        return NULL;
    return qli_ls_lookup(c, n->text, n->len);
}

/* The function a call calls, when the type checker will look at its
 * arguments: not for an unknown function or a wrong number of them. */
static const builtin *checked_call(const ast *n)
{
    const builtin *f = qli_bi_find(n->text, n->len);
    return f && qli_bi_arity_ok(f, n->nargs) ? f : NULL;
}

/* The size of the lists an expression goes over item by item: the lists
 * named in it outside any inner reduction, which binds its own.  0 if
 * none; an error if two differ. */
static ql_status list_span(cc *c, const ast *n, int *len, const char **name)
{
    const list_sym *l = list_of(c, n);
    if (l) {
        if (*len && *len != l->len)
            return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                                  "lists of different sizes item by item: "
                                  "'%s' has %d items, '%s' %d",
                                  *name, *len, l->name, l->len);
        *len = l->len;
        *name = l->name;
        return QL_OK;
    }
    if (n->kind == A_CALL) {
        const builtin *f = qli_bi_find(n->text, n->len);
        if (f && qli_bi_reduces(f, n->nargs))
            return QL_OK;
    }
    for (size_t i = 0; i < n->nargs; i++) {
        ql_status st = list_span(c, n->args[i], len, name);
        if (st)
            return st;
    }
    return QL_OK;
}

static ast *new_node(cc *c, ast_kind kind, size_t pos, size_t nargs)
{
    if (++c->expanded > QL_MAX_YAML_NODES)
        return NULL;
    ast *n = qli_ar_alloc(&c->rs->arena, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->pos = pos;
    n->nargs = nargs;
    if (nargs &&
        !(n->args = qli_ar_alloc(&c->rs->arena, nargs * sizeof *n->args)))
        return NULL;
    return n;
}

/* A fresh copy of a syntax tree. */
static ast *copy_tree(cc *c, const ast *src)
{
    ast *n = new_node(c, src->kind, src->pos, src->nargs);
    if (!n)
        return NULL;
    ast **args = n->args;
    *n = *src;
    n->args = args;
    for (size_t i = 0; i < src->nargs; i++)
        if (!(n->args[i] = copy_tree(c, src->args[i])))
            return NULL;
    return n;
}

static ql_status expand_failed(cc *c, size_t pos)
{
    if (c->expanded > QL_MAX_YAML_NODES)
        return qli_cc_fail_at(c, pos, QL_ELIMIT,
                              "lists expand to more than %d expression nodes",
                              QL_MAX_YAML_NODES);
    return qli_cc_fail_at(c, pos, QL_ENOMEM, "out of memory");
}

static ql_status expand(cc *c, ast *n, int elem, int len);

/* A failure at n: its message is written, and the type checker reports
 * it on reaching n (an error it meets first wins, as when the lists were
 * expanded during type checking). */
static ql_status fail_at_node(ast *n, ql_status st)
{
    n->list_failed = 1;
    return st;
}

/* if(e, 1, 0): count()'s term for one item. */
static ast *count_term(cc *c, ast *e)
{
    ast *w = new_node(c, A_CALL, e->pos, 3);
    ast *one = new_node(c, A_NUMBER, e->pos, 0);
    ast *zero = new_node(c, A_NUMBER, e->pos, 0);
    if (!w || !one || !zero)
        return NULL;
    w->text = "if";
    w->len = 2;
    w->count_if = 1; /* for messages: a count()'s condition */
    one->num = qli_qd_make(1, 0);
    zero->num = qli_qd_make(0, 0);
    w->args[0] = e;
    w->args[1] = one;
    w->args[2] = zero;
    return w;
}

/* sum(e), count(e), min(e), max(e) over lists: e is copied once per item,
 * each copy reading that item of every list in it, and the call becomes
 * e[1] + e[2] + …, if(e[1], 1, 0) + …, or min(e[1], e[2], …).  Without a
 * list in e, min(e) and max(e) stay as they are, and sum() and count()
 * are left for the type checker to refuse. */
static QLI_NOINLINE ql_status reduce(cc *c, ast *n, const builtin *f,
                                     int elem, int len)
{
    int span = 0;
    const char *name = NULL;
    ql_status st = list_span(c, n->args[0], &span, &name);
    if (st)
        return fail_at_node(n, st);
    if (span == 0)
        return f->reduce == RD_EXTREME ? expand(c, n->args[0], elem, len)
                                       : QL_OK;
    ast **item = qli_ar_alloc(&c->rs->arena, (size_t)span * sizeof *item);
    if (!item)
        return fail_at_node(n, expand_failed(c, n->pos));
    /* On a failure inside item k, the items up to k are kept: the type
     * checker goes through them, in order, to the failure. */
    int made = 0;
    while (made < span && st == QL_OK) {
        ast *e = copy_tree(c, n->args[0]);
        if (!e)
            return fail_at_node(n, expand_failed(c, n->pos));
        st = expand(c, e, made + 1, span);
        if (f->reduce == RD_COUNT && !(e = count_term(c, e)))
            return fail_at_node(n, expand_failed(c, n->pos));
        item[made++] = e;
    }
    if (f->reduce == RD_EXTREME) {
        n->args = item; /* checked as min(e[1], e[2], …) */
        n->nargs = (size_t)made;
        return st;
    }
    /* The sum as a balanced tree, pairs of pairs: ⌈log2 made⌉ levels
     * rather than made, so a long list adds no recursion depth. */
    for (int width = made; width > 1;) {
        int half = 0;
        for (int k = 0; k < width; k += 2, half++) {
            if (k + 1 == width) {
                item[half] = item[k];
                continue;
            }
            ast *plus = new_node(c, A_BINARY, n->pos, 2);
            if (!plus)
                return fail_at_node(n, expand_failed(c, n->pos));
            plus->op = T_PLUS;
            plus->args[0] = item[k];
            plus->args[1] = item[k + 1];
            plus->height = 1 + (item[k]->height > item[k + 1]->height
                                    ? item[k]->height
                                    : item[k + 1]->height);
            item[half] = plus;
        }
        width = half;
    }
    *n = *item[0];
    n->sum_of = f->reduce == RD_SUM;
    return st;
}

/* A list's name in the value of item elem of a list of len: that item. */
static QLI_NOINLINE ql_status item_name(cc *c, ast *n, int elem, int len)
{
    const list_sym *l = elem ? list_of(c, n) : NULL;
    if (!l)
        return QL_OK; /* not a list, or an error for the type checker */
    if (l->len != len)
        return fail_at_node(n, qli_cc_fail_at(c, n->pos, QL_ETYPE,
                                              "'%s' has %d items but is used "
                                              "item by item with a list of %d",
                                              l->name, l->len, len));
    n->text = c->syms[l->first + elem - 1].name;
    n->len = strlen(n->text);
    return QL_OK;
}

/* Rewrites n, in the value of item elem (1-based; 0: none) of lists of
 * len items.  Calls the type checker refuses before their arguments are
 * left alone, as are names of parameters in at() and bracket(). */
static ql_status expand(cc *c, ast *n, int elem, int len)
{
    size_t from = 0;
    switch (n->kind) {
    case A_NAME:
        return item_name(c, n, elem, len);
    case A_MEMBER:
        return QL_OK;
    case A_CALL: {
        const builtin *f = checked_call(n);
        if (!f)
            return QL_OK;
        if (qli_bi_reduces(f, n->nargs))
            return reduce(c, n, f, elem, len);
        if ((f->flags & BI_INDEX) && elem) {
            n->kind = A_NUMBER;
            n->num = qli_qd_make(elem, 0);
            return QL_OK;
        }
        if (f->flags & BI_PARAM_FIRST)
            from = 1;
        break;
    }
    default:
        break;
    }
    for (size_t i = from; i < n->nargs; i++) {
        ql_status st = expand(c, n->args[i], elem, len);
        if (st)
            return st;
    }
    return QL_OK;
}

ql_status qli_ls_expand(cc *c, ast *tree, int elem, int len)
{
    return expand(c, tree, elem, len);
}
