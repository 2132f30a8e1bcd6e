/*
 * compile.c — code generation: the checked syntax trees (typecheck.c) to
 * flat stack-machine code, each built-in function's by its emitter
 * (builtins.c); and the compiler's driver, which runs the passes.
 *
 * Each expression becomes one block of instructions whose operands are
 * slots (input, parameter, computed value, check) and constant indices,
 * followed by OP_RET.  Every instruction keeps where its expression stands
 * in the rules file, for runtime errors.  Evaluation then does no name
 * lookup, no parsing and no allocation.
 */
#include "util.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "code.h"
#include "ruleset.h"
#include "compile.h"
#include "builtins.h"
#include "lists.h"
#include "typecheck.h"
#include "columns.h"
#include "scale.h"
#include "fast_code.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- emit */

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *q = realloc(*p, nc * size);
    if (!q)
        return -1;
    *p = q;
    *cap = nc;
    return 0;
}

static QLI_NOINLINE int emit(cc *c, opcode op, int a8, int a16, int32_t arg,
                             size_t pos)
{
    if (grow((void **)&c->code, &c->capcode, c->ncode, sizeof *c->code) ||
        grow((void **)&c->locs, &c->caplocs, c->ncode, sizeof *c->locs))
        return -1;
    instr *in = &c->code[c->ncode];
    in->op = (uint8_t)op;
    in->a8 = (uint8_t)a8;
    in->a16 = (uint16_t)a16;
    in->arg = arg;
    code_loc *l = &c->locs[c->ncode];
    l->node = c->emit_node;
    l->offset = (uint32_t)pos;
    l->what = c->emit_what;
    return (int)c->ncode++;
}

/* A constant and its kind (the fast path reads the value by it). */
static QLI_NOINLINE int add_const(cc *c, qval v, vkind kind)
{
    size_t cap = c->capconsts;
    if (grow((void **)&c->consts, &c->capconsts, c->nconsts, sizeof *c->consts))
        return -1;
    if (c->capconsts != cap || !c->ckinds) {
        uint8_t *k = realloc(c->ckinds, c->capconsts);
        if (!k)
            return -1;
        c->ckinds = k;
    }
    c->consts[c->nconsts] = v;
    c->ckinds[c->nconsts] = (uint8_t)kind;
    return (int)c->nconsts++;
}

static int gen(cc *c, const ast *n);

/* Whether n is a ratio a comparison decides exactly (qli_ast_ratio). */
static int is_ratio(const ast *n)
{
    const ast *p[3];
    return qli_ast_ratio(n, p) != 0;
}

/* Ratios compared exactly, cross-multiplied (OP_CMP_DIV): out of line,
 * so that gen's frame, on the stack once a level, stays small. */
static QLI_NOINLINE int gen_ratio_cmp(cc *c, const ast *n)
{
    const ast *pl[3], *pr[3];
    int sl = qli_ast_ratio(n->args[0], pl), sr = qli_ast_ratio(n->args[1], pr);
    if (!sl)
        pl[0] = n->args[0];
    if (!sr)
        pr[0] = n->args[1];
    for (int i = 0; i <= sl; i++)
        if (gen(c, pl[i]) < 0)
            return -1;
    for (int i = 0; i <= sr; i++)
        if (gen(c, pr[i]) < 0)
            return -1;
    return emit(c, OP_CMP_DIV, n->op, sl | sr << 2, 0, n->pos);
}

static QLI_NOINLINE int gen_const(cc *c, const ast *n)
{
    int k = add_const(c, n->cval, n->type.kind);
    return k < 0 ? -1 : emit(c, OP_CONST, 0, 0, k, n->pos);
}

static opcode cmp_op(vtype t)
{
    switch (t.kind) {
    case VK_NUMBER: return OP_CMP_NUM;
    case VK_DATE: return OP_CMP_DATE;
    case VK_STRING: return OP_CMP_STR;
    case VK_BOOL: return OP_CMP_BOOL;
    default: return OP_CMP_ENUM;
    }
}

static int gen(cc *c, const ast *n)
{
    const sym *s;
    switch (n->kind) {
    case A_NUMBER:
    case A_STRING:
    case A_BOOL:
        return gen_const(c, n);
    case A_NAME:
        if (n->ref < 0)
            return emit(c, OP_DATE, 0, 0, 0, n->pos);
        s = &c->syms[n->ref];
        switch (s->kind) {
        case S_INPUT: return emit(c, OP_INPUT, 0, 0, s->index, n->pos);
        case S_PARAM: return emit(c, OP_PARAM, 0, 0, s->index, n->pos);
        case S_COMPUTED: return emit(c, OP_COMPUTED, 0, 0, s->index, n->pos);
        case S_CHECK: return -1;
        }
        return -1;
    case A_MEMBER:
        s = &c->syms[n->ref];
        return emit(c, OP_CHECKF, n->field, 0, s->index, n->pos);
    case A_CALL:
        return n->fn->emit(c, n);
    case A_UNARY:
        if (gen(c, n->args[0]) < 0)
            return -1;
        return emit(c, n->op == T_NOT ? OP_NOT : OP_NEG, 0, 0, 0, n->pos);
    case A_IN: {
        if (gen(c, n->args[0]) < 0)
            return -1;
        int first = -1;
        for (size_t i = 1; i < n->nargs; i++) {
            int k = add_const(c, n->args[i]->cval, n->args[i]->type.kind);
            if (k < 0)
                return -1;
            if (first < 0)
                first = k;
        }
        opcode op;
        switch (n->args[0]->type.kind) {
        case VK_NUMBER: op = OP_IN_NUM; break;
        case VK_STRING: op = OP_IN_STR; break;
        case VK_DATE: op = OP_IN_DATE; break;
        default: op = OP_IN_ENUM; break;
        }
        return emit(c, op, n->neg, (int)n->nargs - 1, first, n->pos);
    }
    case A_BINARY: {
        if (n->op == T_AND || n->op == T_OR) {
            if (gen(c, n->args[0]) < 0)
                return -1;
            int j = emit(c, n->op == T_AND ? OP_JF_KEEP : OP_JT_KEEP, 0, 0, 0,
                         n->pos);
            if (j < 0 || gen(c, n->args[1]) < 0)
                return -1;
            c->code[j].arg = (int32_t)c->ncode;
            return 0;
        }
        if (n->op != T_PLUS && n->op != T_MINUS && n->op != T_STAR &&
            n->op != T_SLASH && n->args[0]->type.kind == VK_NUMBER &&
            (is_ratio(n->args[0]) || is_ratio(n->args[1])))
            return gen_ratio_cmp(c, n);
        if (gen(c, n->args[0]) < 0 || gen(c, n->args[1]) < 0)
            return -1;
        switch (n->op) {
        case T_PLUS: return emit(c, OP_ADD, 0, 0, 0, n->pos);
        case T_MINUS: return emit(c, OP_SUB, 0, 0, 0, n->pos);
        case T_STAR: return emit(c, OP_MUL, 0, 0, 0, n->pos);
        case T_SLASH: return emit(c, OP_DIV, 0, 0, 0, n->pos);
        default:
            return emit(c, cmp_op(n->args[0]->type), n->op, 0, 0, n->pos);
        }
    }
    }
    return -1;
}

int qli_compile_expr(cc *c, const ast *n) { return gen(c, n); }

int qli_compile_op(cc *c, opcode op, int a8, int a16, int32_t arg, size_t pos)
{
    return emit(c, op, a8, a16, arg, pos);
}

int qli_compile_const(cc *c, const ast *n) { return gen_const(c, n); }

/* Emits one block; returns its index or −1 (out of memory). */
static int gen_block(cc *c, const ast *tree, const ynode *node,
                     const char *what)
{
    if (grow((void **)&c->blocks, &c->capblocks, c->nblocks, sizeof *c->blocks))
        return -1;
    c->emit_node = node;
    c->emit_what = what;
    block *b = &c->blocks[c->nblocks];
    b->start = (uint32_t)c->ncode;
    b->type = tree->type;
    if (gen(c, tree) < 0 || emit(c, OP_RET, 0, 0, 0, 0) < 0)
        return -1;
    return (int)c->nblocks++;
}

/* ---------------------------------------------------------- driver */

static ql_status emit_all(cc *c)
{
    ql_ruleset *rs = c->rs;
    for (size_t i = 0; i < rs->n_computed; i++) {
        computed_def *d = &rs->computed[i];
        const char *what = qli_ar_printf(&rs->arena, "computed '%s'", d->name);
        if (!what || (d->block = gen_block(c, d->tree, d->expr, what)) < 0)
            goto oom;
    }
    for (size_t i = 0; i < rs->n_checks; i++) {
        check_def *k = &rs->checks[i];
        int *slots[5] = {&k->applies, &k->required, &k->actual, &k->shortfall,
                         &k->compliant};
        for (int f = 0; f < 5; f++) {
            *slots[f] = -1;
            if (!k->tree[f])
                continue;
            const char *what = qli_ar_printf(&rs->arena, "check '%s' %s", k->name,
                                         qli_tc_check_parts[f]);
            if (!what || (*slots[f] = gen_block(c, k->tree[f], k->expr[f], what)) < 0)
                goto oom;
        }
    }
    for (size_t i = 0; i < rs->n_valid; i++) {
        validation_def *v = &rs->valid[i];
        const char *what = qli_ar_printf(&rs->arena, "validation '%s'", v->name);
        if (!what || (v->block = gen_block(c, v->tree, v->expr, what)) < 0)
            goto oom;
    }
    /* Move the code into the rule set's arena. */
    rs->code = qli_ar_alloc(&rs->arena, c->ncode * sizeof *rs->code);
    rs->locs = qli_ar_alloc(&rs->arena, c->ncode * sizeof *rs->locs);
    rs->consts = qli_ar_alloc(&rs->arena, (c->nconsts + 1) * sizeof *rs->consts);
    rs->blocks = qli_ar_alloc(&rs->arena, (c->nblocks + 1) * sizeof *rs->blocks);
    rs->const_kind = qli_ar_alloc(&rs->arena, c->nconsts + 1);
    if (!rs->code || !rs->locs || !rs->consts || !rs->blocks || !rs->const_kind)
        goto oom;
    if (c->ncode) {
        memcpy(rs->code, c->code, c->ncode * sizeof *rs->code);
        memcpy(rs->locs, c->locs, c->ncode * sizeof *rs->locs);
    }
    if (c->nconsts) {
        memcpy(rs->consts, c->consts, c->nconsts * sizeof *rs->consts);
        memcpy(rs->const_kind, c->ckinds, c->nconsts);
    }
    if (c->nblocks)
        memcpy(rs->blocks, c->blocks, c->nblocks * sizeof *rs->blocks);
    rs->ncode = c->ncode;
    rs->nconsts = c->nconsts;
    rs->nblocks = c->nblocks;
    return QL_OK;
oom:
    return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
}

ql_status qli_compile_ruleset(ql_ruleset *rs, ql_error *err, ql_diag *diag)
{
    rs->required = qli_ar_alloc(&rs->arena, (rs->n_inputs + 1) * sizeof *rs->required);
    if (!rs->required)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < rs->n_inputs; i++)
        if (rs->inputs[i].required)
            rs->required[rs->n_required++] = i;
    cc c;
    memset(&c, 0, sizeof c);
    c.rs = rs;
    c.err = err;
    c.diag = diag;
    size_t nc = rs->n_computed + 1, nk = rs->n_checks + 1;
    c.cstate = calloc(nc, 1);
    c.kstate = calloc(nk, 1);
    c.cneed = calloc(nc, sizeof(int));
    c.kneed = calloc(nk, sizeof(int));
    c.cchain = calloc(nc, sizeof(int));
    c.kchain = calloc(nk, sizeof(int));
    ql_status st;
    if (!c.cstate || !c.kstate || !c.cneed || !c.kneed || !c.cchain ||
        !c.kchain)
        st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    else if ((st = qli_cc_build_symbols(&c)) == QL_OK &&
             (st = qli_ls_build(&c)) == QL_OK &&
             (st = qli_tc_check_all(&c)) == QL_OK &&
             (st = qli_cc_param_kinds(&c)) == QL_OK &&
             (st = qli_cc_unread_near_misses(&c)) == QL_OK &&
             (st = qli_sc_outputs(rs, err, diag)) == QL_OK &&
             (st = qli_col_check(rs, err, diag)) == QL_OK &&
             (st = emit_all(&c)) == QL_OK)
        st = qli_fast_compile(rs, err); /* the second, 64-bit form */
    free(c.cstate);
    free(c.kstate);
    free(c.cneed);
    free(c.kneed);
    free(c.cchain);
    free(c.kchain);
    free(c.syms);
    free(c.read);
    free(c.hash);
    free(c.lists);
    qli_names_free(&c.list_index);
    free(c.code);
    free(c.locs);
    free(c.consts);
    free(c.ckinds);
    free(c.blocks);
    return st;
}
