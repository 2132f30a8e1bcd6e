/*
 * order.c — the order the type checker settles computed values and
 * checks in: every block a block uses before the block itself.
 *
 * Checking a tree needs the types of the values it names.  Found from
 * inside the tree walk, each would be checked from inside the one that
 * names it, and a chain v1 = v0 + …, v2 = v1 + … would nest every tree in
 * the next on the C stack.  Instead the names a block's trees mention are
 * read first (an iterative walk), the blocks they name are settled by an
 * iterative depth-first walk with its stack on the heap, and only then is
 * the block itself checked.  The type checker's recursion is then that of
 * one tree, whatever the chain of values.
 *
 * The names read here are those the type checker resolves (a list's name
 * inside an item-by-item value means that item, inside sum/count/min/max
 * every item); a block on the walk's path named again is left for the
 * type checker, which reports the cycle at that name as before.
 */
#include "util.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "ruleset.h"
#include "compile.h"
#include "builtins.h"
#include "lists.h"
#include "typecheck.h"

#include <stdlib.h>
#include <string.h>

typedef struct frame {
    int blk;           /* computed i is i, check i is n_computed + i */
    size_t first, next; /* its dependencies: dep[first .. end of dep) */
} frame;

typedef struct walk {
    frame *f;
    size_t nf, capf;
    int *dep; /* dependencies of every frame, each frame's after its parent's */
    size_t nd, capd;
    struct item {
        const ast *n;
        int all; /* inside a reduction: a list's name means every item */
    } *todo;  /* the tree walk's own stack */
    size_t nt, capt;
} walk;

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 16;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static uint8_t *state_of(cc *c, int blk)
{
    size_t nc = c->rs->n_computed;
    return (size_t)blk < nc ? &c->cstate[blk] : &c->kstate[(size_t)blk - nc];
}

static int add_dep(cc *c, walk *w, int blk)
{
    if (*state_of(c, blk) != 0)
        return 0; /* settled, failed, or on the path (a cycle, said later) */
    if (grow((void **)&w->dep, &w->capd, w->nd, sizeof *w->dep))
        return -1;
    w->dep[w->nd++] = blk;
    return 0;
}

static int add_sym(cc *c, walk *w, const sym *s)
{
    if (s->kind == S_COMPUTED)
        return add_dep(c, w, s->index);
    if (s->kind == S_CHECK)
        return add_dep(c, w, (int)c->rs->n_computed + s->index);
    return 0;
}

static int push(walk *w, const ast *n, int all)
{
    if (grow((void **)&w->todo, &w->capt, w->nt, sizeof *w->todo))
        return -1;
    w->todo[w->nt].n = n;
    w->todo[w->nt++].all = all;
    return 0;
}

/* The blocks one tree names, appended to w->dep.  A call the type checker
 * refuses before its arguments (unknown, wrong arity) names nothing. */
static int scan(cc *c, walk *w, const ast *root, int elem, int elem_len)
{
    w->nt = 0;
    if (push(w, root, 0))
        return -1;
    while (w->nt) {
        struct item it = w->todo[--w->nt];
        const ast *n = it.n;
        size_t from = 0, to = n->nargs;
        if (n->kind == A_NAME) {
            const sym *s = qli_cc_lookup(c, n->text, n->len);
            const list_sym *l = s ? NULL : qli_ls_lookup(c, n->text, n->len);
            if (s && add_sym(c, w, s))
                return -1;
            for (int k = 0; l && it.all && k < l->len; k++)
                if (add_sym(c, w, &c->syms[l->first + k]))
                    return -1;
            if (l && !it.all && elem && l->len == elem_len &&
                add_sym(c, w, &c->syms[l->first + elem - 1]))
                return -1;
            continue;
        }
        if (n->kind == A_MEMBER) {
            const sym *s = qli_cc_lookup(c, n->text, n->len);
            if (s && s->kind == S_CHECK && add_sym(c, w, s))
                return -1;
            continue;
        }
        int all = it.all;
        if (n->kind == A_CALL) {
            const builtin *f = qli_bi_find(n->text, n->len);
            if (!f || (f->flags & BI_NO_VALUES))
                continue;
            int param_first = (f->flags & BI_PARAM_FIRST) != 0;
            if (param_first)
                from = 1; /* a parameter's name first */
            if (param_first ? n->nargs != 2 : n->nargs == 0)
                continue;
            if (qli_bi_reduces(f, n->nargs))
                all = 1;
        }
        for (size_t i = from; i < to; i++)
            if (push(w, n->args[i], all))
                return -1;
    }
    return 0;
}

/* Puts blk on the walk's path with the blocks its trees name. */
static int enter(cc *c, walk *w, int blk)
{
    if (grow((void **)&w->f, &w->capf, w->nf, sizeof *w->f))
        return -1;
    *state_of(c, blk) = 1;
    frame *f = &w->f[w->nf++];
    f->blk = blk;
    f->first = f->next = w->nd;
    ql_ruleset *rs = c->rs;
    if ((size_t)blk < rs->n_computed) {
        const computed_def *d = &rs->computed[blk];
        return scan(c, w, d->tree, d->elem, d->family_len);
    }
    const check_def *k = &rs->checks[(size_t)blk - rs->n_computed];
    for (int part = 0; part < 5; part++)
        if (k->tree[part] && scan(c, w, k->tree[part], 0, 0))
            return -1;
    return 0;
}

static void walk_free(walk *w)
{
    free(w->f);
    free(w->dep);
    free(w->todo);
}

static ql_status out_of_memory(cc *c, walk *w)
{
    for (size_t i = 0; i < w->nf; i++)
        *state_of(c, w->f[i].blk) = 3;
    walk_free(w);
    return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
}

ql_status qli_tc_settle(cc *c, int blk)
{
    walk w = {0};
    if (enter(c, &w, blk))
        return out_of_memory(c, &w);
    ql_status st = QL_OK;
    while (w.nf) {
        frame *f = &w.f[w.nf - 1];
        if (f->next < w.nd) {
            int d = w.dep[f->next++];
            if (*state_of(c, d) == 0 && enter(c, &w, d))
                return out_of_memory(c, &w);
            continue;
        }
        /* everything it names is settled: check the block itself */
        int b = f->blk;
        w.nd = f->first;
        w.nf--;
        if ((st = qli_tc_check_block(c, b)))
            break;
    }
    /* a failure fails every block that was waiting on it, as a check
     * made from inside them would have */
    for (size_t i = 0; i < w.nf; i++)
        *state_of(c, w.f[i].blk) = 3;
    walk_free(&w);
    return st;
}

ql_status qli_tc_settle_tree(cc *c, const ast *tree)
{
    walk w = {0};
    if (scan(c, &w, tree, 0, 0))
        return out_of_memory(c, &w);
    ql_status st = QL_OK;
    for (size_t i = 0; i < w.nd && !st; i++)
        if (*state_of(c, w.dep[i]) == 0)
            st = qli_tc_settle(c, w.dep[i]);
    walk_free(&w);
    return st;
}
