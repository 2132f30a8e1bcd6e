/*
 * lists.c — lists (`count:`) for the type checker: the table of list
 * names, what a list's name means inside an item-by-item expression, and
 * the reductions sum(), count(), min() and max() over lists, which are
 * expanded here into plain expressions (one copy of the argument per
 * item) so that the code generator and the interpreter never see a list.
 */
#include "decimal.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "ruleset.h"
#include "compile.h"

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
static ql_status add_list(cc *c, const char *family, int len, const ynode *key)
{
    char first[QL_MAX_NAME + 16];
    snprintf(first, sizeof first, "%s[1]", family);
    const sym *s1 = qli_cc_lookup(c, first, strlen(first));
    const sym *old = qli_cc_lookup(c, family, strlen(family));
    ql_status st = QL_OK;
    if (old)
        st = qli_yfail(c->err, QL_ENAME, key,
                   "'%s' is already defined as %s %s (%s:%d)", family,
                   old->kind == S_INPUT ? "an" : "a", qli_cc_kind_word(old->kind),
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

/* The symbol a name stands for: a list's name means the item being
 * checked (c->elem).  *out is NULL for an unknown name. */
ql_status qli_ls_resolve_name(cc *c, const ast *n, const sym **out)
{
    *out = qli_cc_lookup(c, n->text, n->len);
    if (*out)
        return QL_OK;
    const list_sym *l = qli_ls_lookup(c, n->text, n->len);
    if (!l)
        return QL_OK;
    if (c->elem == 0)
        return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                       "'%s' is a list of %d items: name one (%s[1]), reduce "
                       "it (sum(%s), count(…), min(%s), max(%s)) or use it in "
                       "a computed value with 'count: %d'",
                       l->name, l->len, l->name, l->name, l->name, l->name,
                       l->len);
    if (l->len != c->elem_len)
        return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                       "'%s' has %d items but is used item by item with a "
                       "list of %d",
                       l->name, l->len, c->elem_len);
    *out = &c->syms[l->first + c->elem - 1];
    return QL_OK;
}

int qli_ls_is_reduction(int id, size_t nargs)
{
    return id == F_SUM || id == F_COUNT ||
           ((id == F_MIN || id == F_MAX) && nargs == 1);
}

/* The size of the lists an expression goes over item by item: the lists
 * named in it outside any inner reduction, which binds its own.  0 if
 * none; an error if two differ. */
static ql_status list_span(cc *c, const ast *n, int *len, const char **name)
{
    if (n->elem)
        return QL_OK; /* a reduction's copy: bound already */
    if (n->kind == A_NAME && !qli_cc_lookup(c, n->text, n->len)) {
        const list_sym *l = qli_ls_lookup(c, n->text, n->len);
        if (!l)
            return QL_OK;
        if (*len && *len != l->len)
            return qli_cc_fail_at(c, n->pos, QL_ETYPE,
                           "lists of different sizes item by item: '%s' has "
                           "%d items, '%s' %d",
                           *name, *len, l->name, l->len);
        *len = l->len;
        *name = l->name;
        return QL_OK;
    }
    if (n->kind == A_CALL && qli_ls_is_reduction(qli_cc_fn_id(n->text, n->len), n->nargs))
        return QL_OK;
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
    if (nargs && !(n->args = qli_ar_alloc(&c->rs->arena, nargs * sizeof *n->args)))
        return NULL;
    return n;
}

/* A fresh, unchecked copy of a syntax tree. */
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

/* sum(e), count(e), min(e), max(e) over lists: e is copied once per item,
 * each copy reading that item of every list in it, and the call becomes
 * e[1] + e[2] + …, if(e[1], 1, 0) + …, or min(e[1], e[2], …). */
ql_status qli_ls_reduce(cc *c, ast *n, int id, int *done)
{
    int len = 0;
    const char *name = NULL;
    ql_status st = list_span(c, n->args[0], &len, &name);
    *done = 0;
    if (st)
        return st;
    if (len == 0) {
        if (id == F_MIN || id == F_MAX)
            return QL_OK; /* min(x) of one value: x */
        return qli_cc_fail_at(c, n->args[0]->pos, QL_ETYPE,
                       "%s() goes over a list: name one in its argument "
                       "(%s)",
                       qli_cc_fn_name(id), qli_cc_fn_usage(id));
    }
    ast **item = qli_ar_alloc(&c->rs->arena, (size_t)len * sizeof *item);
    if (!item)
        return expand_failed(c, n->pos);
    for (int k = 0; k < len; k++) {
        ast *e = copy_tree(c, n->args[0]);
        if (!e)
            return expand_failed(c, n->pos);
        e->elem = k + 1;
        e->elem_len = len;
        if (id == F_COUNT) {
            ast *w = new_node(c, A_CALL, e->pos, 3);
            ast *one = new_node(c, A_NUMBER, e->pos, 0);
            ast *zero = new_node(c, A_NUMBER, e->pos, 0);
            if (!w || !one || !zero)
                return expand_failed(c, n->pos);
            w->text = "if";
            w->len = 2;
            w->count_if = 1; /* for messages: a count()'s condition */
            one->num = qli_qd_make(1, 0);
            zero->num = qli_qd_make(0, 0);
            w->args[0] = e;
            w->args[1] = one;
            w->args[2] = zero;
            e = w;
        }
        item[k] = e;
    }
    if (id == F_MIN || id == F_MAX) {
        n->args = item; /* checked as min(e[1], e[2], …) */
        n->nargs = (size_t)len;
        return QL_OK;
    }
    /* The sum as a balanced tree, pairs of pairs: ⌈log2 len⌉ levels
     * rather than len, so a long list adds no recursion depth. */
    for (int width = len; width > 1;) {
        int half = 0;
        for (int k = 0; k < width; k += 2, half++) {
            if (k + 1 == width) {
                item[half] = item[k];
                continue;
            }
            ast *plus = new_node(c, A_BINARY, n->pos, 2);
            if (!plus)
                return expand_failed(c, n->pos);
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
    ast *acc = item[0];
    *n = *acc;
    *done = 1;
    if ((st = qli_tc_expr(c, n)))
        return st;
    if (id == F_SUM && n->type.kind != VK_NUMBER)
        return qli_cc_fail_at(c, n->pos, QL_ETYPE, "sum() adds numbers, not %s %s", qli_cc_article(n->type),
                       qli_cc_type_name(n->type));
    return QL_OK;
}

