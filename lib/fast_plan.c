/*
 * fast_plan.c — what the fast path's main program holds, and in which
 * order, read from the stack code (code.h) before fast_compile.c emits
 * it.
 *
 * Every output is evaluated on every run, and so is every check, and
 * what their code reads wherever no earlier jump can pass over it: those
 * computed values are "eager", inline in the main program, each after
 * what it names.  A value named only inside a branch (own_ratio, inside
 * levy_rate's else) is evaluated only when the branch runs, as eval.c
 * does: evaluating it regardless could fail where eval.c does not, and
 * hand a good record to the exact engine.  The inputs eager code always
 * reads are checked once, when the record is read.
 */
#include "code.h"
#include "fast_code.h"
#include "fast_compile.h"
#include "ruleset.h"
#include "util.h"
#include "value.h"

#include <stdlib.h>

/* ------------------------------------------------------------ analysis */

/* The instructions of block b every run of it reaches (unless it fails
 * first): those no earlier jump passes over.  Calls visit(arg, in) for
 * each. */
static void sure_reads(const ql_ruleset *rs, int b,
                       void (*visit)(void *, const instr *), void *arg)
{
    size_t start = rs->blocks[b].start, reach = start;
    for (size_t i = start;; i++) {
        const instr *in = &rs->code[i];
        if (i >= reach)
            visit(arg, in);
        if (in->op == OP_RET)
            return;
        if ((in->op == OP_JMP || in->op == OP_JF || in->op == OP_JF_KEEP ||
             in->op == OP_JT_KEEP) &&
            (size_t)in->arg > reach)
            reach = (size_t)in->arg;
    }
}

typedef struct eager_walk {
    uint8_t *eager, *msure;
    int *todo;
    size_t n;
} eager_walk;

static void eager_visit(void *arg, const instr *in)
{
    eager_walk *w = arg;
    if (in->op == OP_COMPUTED && !w->eager[in->arg]) {
        w->eager[in->arg] = 1;
        w->todo[w->n++] = in->arg;
    } else if (in->op == OP_INPUT) {
        w->msure[in->arg] = 1;
    }
}

int qli_fast_find_eager(const ql_ruleset *rs, uint8_t *eager, uint8_t *msure)
{
    eager_walk w = {eager, msure, malloc((rs->n_computed + 1) * sizeof(int)),
                    0};
    if (!w.todo)
        return -1;
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        if (o->kind == OUT_COMPUTED && !eager[o->index]) {
            eager[o->index] = 1;
            w.todo[w.n++] = o->index;
        }
    }
    for (size_t k = 0; k < rs->n_checks; k++) {
        const check_def *d = &rs->checks[k];
        if (d->from >= 0 || d->until >= 0)
            continue; /* runs on some dates only */
        if (d->applies >= 0) {
            sure_reads(rs, d->applies, eager_visit, &w);
            continue;
        }
        int parts[4] = {d->required, d->actual, d->shortfall, d->compliant};
        for (int j = 0; j < 4; j++)
            if (parts[j] >= 0)
                sure_reads(rs, parts[j], eager_visit, &w);
    }
    while (w.n > 0)
        sure_reads(rs, rs->computed[w.todo[--w.n]].block, eager_visit, &w);
    free(w.todo);
    return 0;
}

/* The blocks of node nd (computed value i is i, check i n_computed + i). */
static int node_blocks(const ql_ruleset *rs, size_t nd, int out[5])
{
    if (nd < rs->n_computed) {
        out[0] = rs->computed[nd].block;
        return 1;
    }
    const check_def *d = &rs->checks[nd - rs->n_computed];
    int parts[5] = {d->applies, d->required, d->actual, d->shortfall,
                    d->compliant},
        n = 0;
    for (int j = 0; j < 5; j++)
        if (parts[j] >= 0)
            out[n++] = parts[j];
    return n;
}

/* A depth-first walk from the outputs, then the checks, then the rest. */
int *qli_fast_node_order(const ql_ruleset *rs)
{
    size_t nn = rs->n_computed + rs->n_checks, ne = 0;
    size_t *first = calloc(nn + 2, sizeof *first);
    int *order = malloc((nn + 1) * sizeof *order);
    int *stk = malloc((nn + 1) * sizeof *stk);
    size_t *next = malloc((nn + 1) * sizeof *next);
    uint8_t *state = calloc(nn + 1, 1);
    int *edge = NULL, *root = malloc((rs->n_outputs + nn + 1) * sizeof *root);
    int ok = first && order && stk && next && state && root;
    /* each node's names, as a list of nodes */
    for (int pass = 0; ok && pass < 2; pass++) {
        ne = 0;
        for (size_t nd = 0; nd < nn; nd++) {
            int blk[5], nb = node_blocks(rs, nd, blk);
            if (pass == 0)
                first[nd] = ne;
            for (int j = 0; j < nb; j++)
                for (size_t i = rs->blocks[blk[j]].start;
                     rs->code[i].op != OP_RET; i++) {
                    const instr *in = &rs->code[i];
                    int to = in->op == OP_COMPUTED ? in->arg
                             : in->op == OP_CHECKF
                                 ? (int)rs->n_computed + in->arg
                                 : -1;
                    if (to < 0)
                        continue;
                    if (pass == 1)
                        edge[ne] = to;
                    ne++;
                }
        }
        first[nn] = ne;
        if (pass == 0 && !(edge = malloc((ne + 1) * sizeof *edge)))
            ok = 0;
    }
    size_t nr = 0, no = 0;
    if (ok) {
        for (size_t i = 0; i < rs->n_outputs; i++)
            if (rs->outputs[i].kind == OUT_COMPUTED)
                root[nr++] = rs->outputs[i].index;
        for (size_t k = 0; k < rs->n_checks; k++)
            root[nr++] = (int)(rs->n_computed + k);
        for (size_t nd = 0; nd < rs->n_computed; nd++)
            root[nr++] = (int)nd;
    }
    for (size_t r = 0; ok && r < nr; r++) {
        if (state[root[r]])
            continue;
        size_t sp = 0;
        stk[sp++] = root[r];
        state[root[r]] = 1;
        next[root[r]] = first[root[r]];
        while (sp > 0) {
            int nd = stk[sp - 1];
            if (next[nd] < first[nd + 1]) {
                int to = edge[next[nd]++];
                if (state[to] == 0) {
                    state[to] = 1;
                    next[to] = first[to];
                    stk[sp++] = to;
                }
                continue;
            }
            state[nd] = 2;
            order[no++] = nd;
            sp--;
        }
    }
    free(first);
    free(stk);
    free(next);
    free(state);
    free(edge);
    free(root);
    if (!ok) {
        free(order);
        return NULL;
    }
    return order;
}

int qli_fast_main_params(ql_ruleset *rs, fprog *p, const uint8_t *eager)
{
    uint8_t *seen = calloc(rs->n_params + 1, 1);
    p->main_par =
        qli_ar_alloc(&rs->arena, (rs->n_params + 1) * sizeof *p->main_par);
    if (!seen || !p->main_par) {
        free(seen);
        return -1;
    }
    p->n_main_par = 0;
    for (size_t nd = 0; nd < rs->n_computed + rs->n_checks; nd++) {
        if (nd < rs->n_computed && !eager[nd])
            continue;
        int blk[5], nb = node_blocks(rs, nd, blk);
        for (int j = 0; j < nb; j++)
            for (uint32_t k = p->par_first[blk[j]];
                 k < p->par_first[blk[j] + 1]; k++)
                if (!seen[p->par[k]]) {
                    seen[p->par[k]] = 1;
                    p->main_par[p->n_main_par++] = p->par[k];
                }
    }
    free(seen);
    return 0;
}

int qli_fast_date_only(const ql_ruleset *rs, const int *order, uint8_t *datec)
{
    for (size_t i = 0; i < rs->n_computed + rs->n_checks; i++) {
        size_t nd = (size_t)order[i];
        if (nd >= rs->n_computed)
            continue;
        int ok = 1;
        for (size_t k = rs->blocks[rs->computed[nd].block].start;
             ok && rs->code[k].op != OP_RET; k++) {
            const instr *in = &rs->code[k];
            if (in->op == OP_INPUT || in->op == OP_PRESENT ||
                in->op == OP_CHECKF)
                ok = 0;
            else if (in->op == OP_COMPUTED)
                ok = datec[in->arg]; /* before nd in the order */
        }
        datec[nd] = (uint8_t)ok;
    }
    return 0;
}
