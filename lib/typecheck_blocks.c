/*
 * typecheck_blocks.c — the type check of whole blocks: each computed
 * value, check and validation checked as a block, in the order order.c
 * settles them; a block's dependency chain against its limit, the value
 * stack it needs, and cycles found where a name is met again while its
 * block is in progress.  The expressions inside are typecheck.c's.
 */
#include "code.h"
#include "compile.h"
#include "decimal.h"
#include "expr.h"
#include "lists.h"
#include "ruleset.h"
#include "typecheck.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"

#include <string.h>

#define T qli_tc_type

static int max2(int a, int b)
{
    return a > b ? a : b;
}

/* Type-checks one expression tree as the block `what` at scalar `node`.
 * The dependency walk may recurse into other blocks: save our context. */
static ql_status check_tree(cc *c, ast *tree, int elem, int len,
                            const ynode *node, const char *what, int *need,
                            int *chain)
{
    const ynode *sn = c->node;
    const char *sw = c->what;
    int schain = c->chain, sneed = c->need;
    ql_status slist = c->list_status;
    c->node = node;
    c->what = what;
    c->chain = 0;
    c->need = 0;
    /* lists.c's error, if any, is reported where the type checker meets
     * the node it marked, so that an error before it comes first */
    c->list_status = qli_ls_expand(c, tree, elem, len);
    ql_status st = qli_tc_expr(c, tree);
    if (st == QL_OK)
        st = c->list_status;
    if (st == QL_OK)
        st = qli_tc_fold_root(c, tree);
    *need = tree->sdepth + c->need;
    *chain = c->chain + 1;
    c->node = sn;
    c->what = sw;
    c->chain = schain;
    c->need = sneed;
    c->list_status = slist;
    return st;
}

/* Records a dependency's chain length and stack need in the caller. */
static ql_status note_dep(cc *c, int chain, int need, size_t pos)
{
    if (chain > c->chain)
        c->chain = chain;
    if (need > c->need)
        c->need = need;
    if (c->chain >= QL_MAX_DEPENDENCY_DEPTH)
        return qli_cc_fail_at(c, pos, QL_ELIMIT,
                              "values depend on each other more than " QL_STR(
                                  QL_MAX_DEPENDENCY_DEPTH) " levels deep");
    return QL_OK;
}

/* Checks computed value idx or check idx − n_computed, which order.c
 * has put in progress (state 1) after everything it names. */
ql_status qli_tc_check_block(cc *c, int blk)
{
    ql_status st;
    if ((size_t)blk < c->rs->n_computed) {
        computed_def *d = &c->rs->computed[blk];
        const char *what =
            qli_ar_printf(&c->rs->arena, "computed '%s'", d->name);
        if (!what) {
            c->cstate[blk] = 3;
            return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* a list's item: its lists mean item elem */
        st = check_tree(c, d->tree, d->elem, d->family_len, d->expr, what,
                        &c->cneed[blk], &c->cchain[blk]);
        if (st) {
            c->cstate[blk] = 3;
            return st;
        }
        d->type = d->tree->type;
        if (d->decl_money && d->type.kind == VK_NUMBER) {
            d->type.money = 1; /* `unit: money`: the author says so */
            d->type.pct = 0;
        }
        c->cstate[blk] = 2;
        return QL_OK;
    }
    int idx = blk - (int)c->rs->n_computed;
    check_def *k = &c->rs->checks[idx];
    int need = 0, chain = 0;
    for (int f = 0; f < 5; f++) {
        if (!k->tree[f])
            continue;
        const char *what = qli_ar_printf(&c->rs->arena, "check '%s' %s",
                                         k->name, qli_tc_check_parts[f]);
        if (!what) {
            c->kstate[idx] = 3;
            return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        }
        int n1, c1;
        st = check_tree(c, k->tree[f], 0, 0, k->expr[f], what, &n1, &c1);
        if (st) {
            c->kstate[idx] = 3;
            return st;
        }
        vkind want = f == 0 || f == 4 ? VK_BOOL : VK_NUMBER;
        if (k->tree[f]->type.kind != want) {
            const ynode *sn = c->node;
            const char *sw = c->what;
            c->node = k->expr[f];
            c->what = what;
            st = qli_cc_fail_at(c, 0, QL_ETYPE, "must be a %s, not %s %s",
                                qli_cc_type_name(T(want)),
                                qli_cc_article(k->tree[f]->type),
                                qli_cc_type_name(k->tree[f]->type));
            c->node = sn;
            c->what = sw;
            c->kstate[idx] = 3;
            return st;
        }
        need = max2(need, n1);
        chain = max2(chain, c1);
    }
    /* compliant compares actual with required: a bare number for one
     * and a percentage for the other, reported at the bare one */
    if (k->tree[1] && k->tree[2]) {
        int lit = !k->tree[1]->type.pct; /* the field that may be bare */
        const ynode *sn = c->node;
        const char *sw = c->what;
        c->node = k->expr[lit ? 1 : 2];
        c->what = qli_ar_printf(&c->rs->arena, "check '%s' %s", k->name,
                                qli_tc_check_parts[lit ? 1 : 2]);
        st = qli_tc_same_percent(c, k->tree[1], k->tree[2],
                                 lit ? "the check's comparison of actual "
                                       "with required"
                                     : "the check's comparison of actual "
                                       "with required");
        c->node = sn;
        c->what = sw;
        if (st) {
            c->kstate[idx] = 3;
            return st;
        }
    }
    /* default shortfall and compliant work on two more slots */
    c->kneed[idx] = need + 2;
    c->kchain[idx] = chain;
    c->kstate[idx] = 2;
    return QL_OK;
}

ql_status qli_tc_check_computed(cc *c, int idx, size_t pos)
{
    computed_def *d = &c->rs->computed[idx];
    if (c->cstate[idx] == 3)
        return QL_POISONED; /* failed already, and said so */
    if (c->cstate[idx] == 1)
        return qli_cc_fail_at(
            c, pos, QL_ENAME,
            "'%s' depends on itself (a cycle through computed "
            "values or checks)",
            d->name);
    ql_status st;
    if (c->cstate[idx] == 0 && (st = qli_tc_settle(c, idx)))
        return st;
    return note_dep(c, c->cchain[idx], c->cneed[idx], pos);
}

ql_status qli_tc_check_check(cc *c, int idx, size_t pos)
{
    check_def *k = &c->rs->checks[idx];
    if (c->kstate[idx] == 3)
        return QL_POISONED;
    if (c->kstate[idx] == 1)
        return qli_cc_fail_at(c, pos, QL_ENAME,
                              "check '%s' depends on itself (a cycle through "
                              "computed values or checks)",
                              k->name);
    ql_status st;
    if (c->kstate[idx] == 0 &&
        (st = qli_tc_settle(c, (int)c->rs->n_computed + idx)))
        return st;
    return note_dep(c, c->kchain[idx], c->kneed[idx], pos);
}

/* After a block failed with st: in diagnose mode the error is noted
 * (once: a poisoned block stays silent) and checking goes on. */
static int keep_going(cc *c, ql_status st)
{
    return st == QL_POISONED || qli_diag_note(c->diag, c->err, st);
}

/* A block checked from the top, where nothing names it: settled (its
 * own dependencies noted, located, by check_tree), then its own chain
 * against the limit — located at its formula, and silent when a value
 * it depends on was already refused for depth (said_deep): one message,
 * never one per value after it, never one without a place (P4-02). */
static ql_status top_block(cc *c, int blk, int said_deep)
{
    const ql_ruleset *rs = c->rs;
    int is_comp = (size_t)blk < rs->n_computed;
    size_t k = is_comp ? (size_t)blk : (size_t)blk - rs->n_computed;
    unsigned char *state = is_comp ? &c->cstate[k] : &c->kstate[k];
    ql_status st;
    if (*state == 3)
        return QL_POISONED;
    if (*state == 0 && (st = qli_tc_settle(c, blk)))
        return st;
    int chain = is_comp ? c->cchain[k] : c->kchain[k];
    if (chain < QL_MAX_DEPENDENCY_DEPTH)
        return QL_OK;
    if (said_deep)
        return QL_POISONED;
    const ynode *sn = c->node;
    const char *sw = c->what;
    c->node = is_comp ? rs->computed[k].expr : rs->checks[k].key;
    c->what = is_comp ? qli_ar_printf(&c->rs->arena, "computed '%s'",
                                      rs->computed[k].name)
                      : qli_ar_printf(&c->rs->arena, "check '%s'",
                                      rs->checks[k].name);
    st = qli_cc_fail_at(c, 0, QL_ELIMIT,
                        "values depend on each other more than " QL_STR(
                            QL_MAX_DEPENDENCY_DEPTH) " levels deep");
    c->node = sn;
    c->what = sw;
    return st;
}

ql_status qli_tc_check_all(cc *c)
{
    ql_ruleset *rs = c->rs;
    ql_status st;
    int need = 0, chain = 0;
    size_t max_need = 0;
    int said_deep = 0;
    c->chain = c->need = 0;
    /* the computed values, then the checks: blocks 0 … n_computed − 1 and
     * n_computed … as top_block numbers them */
    for (size_t blk = 0; blk < rs->n_computed + rs->n_checks; blk++) {
        if ((st = top_block(c, (int)blk, said_deep))) {
            if (said_deep && st == QL_ELIMIT)
                st = QL_POISONED; /* deeper still: said once */
            said_deep |= st == QL_ELIMIT;
            if (!keep_going(c, st))
                return st;
            continue;
        }
        int blk_need = blk < rs->n_computed ? c->cneed[blk]
                                            : c->kneed[blk - rs->n_computed];
        if ((size_t)blk_need > max_need)
            max_need = (size_t)blk_need;
    }
    for (size_t i = 0; i < rs->n_valid; i++) {
        validation_def *v = &rs->valid[i];
        const char *what =
            qli_ar_printf(&rs->arena, "validation '%s'", v->name);
        if (!what)
            return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        st = qli_tc_settle_tree(c, v->tree);
        if (st == QL_OK)
            st = check_tree(c, v->tree, 0, 0, v->expr, what, &need, &chain);
        if (st == QL_OK && v->tree->type.kind != VK_BOOL) {
            c->node = v->expr;
            c->what = what;
            st = qli_cc_fail_at(
                c, 0, QL_ETYPE, "a rule must be a bool, not %s %s",
                qli_cc_article(v->tree->type), qli_cc_type_name(v->tree->type));
        }
        if (st) {
            if (!keep_going(c, st))
                return st;
            continue;
        }
        if ((size_t)need > max_need)
            max_need = (size_t)need;
    }
    if (c->diag && c->diag->total)
        return c->diag->first;
    rs->stack_need = max_need + 4;
    return QL_OK;
}
