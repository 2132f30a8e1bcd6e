/*
 * fast_compile.c — the stack code (code.h) compiled a second time, into
 * the fast path's register bytecode (fast_code.h): the program laid out
 * from its blocks (each compiled by fast_emit.c), its checks, the main
 * program and the date's program, then the passes over the code
 * (fast_passes.c), and the generated C chosen (fast_gen.c).
 *
 * The main program (fast_code.h) is every computed value that every
 * evaluation reaches and every check, inline, in the order fast_plan.c
 * finds; inside it a value is read from its slot, not entered.  Values
 * only some evaluations reach are blocks of their own, entered on
 * demand, as are all values a validation reads.
 */
#include "util.h"
#include "value.h"
#include "code.h"
#include "ruleset.h"
#include "fast_code.h"
#include "fast_emit.h"
#include "fast_gen.h"
#include "fast_compile.h"

#include <stdlib.h>
#include <string.h>

/* One form of check k's code: its period, then its parts inline
 * (applies, the three numbers, compliant), each in registers of its own.
 * As a block of its own (`inline` 0: entered by FO_CHECK, its FO_RET
 * marks the check done; the same windows for both forms) or inline in
 * the main program, going on after it. */
static void compile_check(fcc *f, size_t k, int checked, int inline_)
{
    const check_def *d = &f->rs->checks[k];
    fprog *p = f->p;
    uint32_t base = p->s_check + 5 * (uint32_t)k, kk = (uint32_t)k, tmp;
    if (!inline_)
        (checked ? p->check_start_chk : p->check_start)[k] = (uint32_t)f->n;
    size_t period = f->n, jf = 0;
    qli_fast_emit(f, FO_CK_PERIOD, 0, kk, 0, 0, 0);
    tmp = qli_fast_reg_window(f, 0);
    f->rbase++;
#define PART(blk, to)                                                        \
    do {                                                                     \
        if (qli_fast_compile_block(f, (blk), checked, (to)))                 \
            return;                                                          \
        f->rbase += (uint32_t)f->maxdepth;                                   \
    } while (0)
    if (d->applies >= 0) {
        PART(d->applies, tmp);
        jf = f->n;
        qli_fast_emit(f, FO_JF, 0, tmp, tmp, 0, 0);
    }
    PART(d->required, base + CF_REQUIRED);
    PART(d->actual, base + CF_ACTUAL);
    if (d->shortfall >= 0)
        PART(d->shortfall, base + CF_SHORTFALL);
    else
        qli_fast_emit(f, FO_CK_SHORT, 0, kk, 0, 0, 0);
    if (d->compliant >= 0) {
        PART(d->compliant, tmp);
        qli_fast_emit(f, FO_CK_DONE, 0, kk, tmp, 0, 0);
    } else {
        qli_fast_emit(f, FO_CK_DONE, 0, kk, FS_NONE, 0, 0);
    }
#undef PART
    size_t jmp = f->n;
    qli_fast_emit(f, FO_JMP, 0, 0, 0, 0, 0);
    size_t na = f->n;
    qli_fast_emit(f, FO_CK_NA, 0, kk, 0, 0, 0);
    if (!inline_)
        qli_fast_emit(f, FO_RET, 0, 0, tmp, 0, 0);
    if (f->oom)
        return;
    f->code[period].arg = (int32_t)na;
    if (d->applies >= 0)
        f->code[jf].arg = (int32_t)na;
    f->code[jmp].arg = (int32_t)(inline_ ? f->n : na + 1);
}

/* Every check's code, for validations and the values they read. */
static void compile_checks(fcc *f)
{
    for (size_t k = 0; k < f->rs->n_checks && !f->oom; k++) {
        uint32_t r0 = f->rbase;
        compile_check(f, k, 0, 0);
        f->rbase = r0;
        compile_check(f, k, 1, 0);
    }
}

/* One form of the main program (fprog.main_start): the nodes in `order`
 * (computed value i is i, check i is n_computed + i), every value that
 * every evaluation reaches and every check inline, all in one register
 * window from f->rbase.  f->maxdepth is left at the registers it used. */
static void compile_main(fcc *f, const int *order, int checked)
{
    const ql_ruleset *rs = f->rs;
    fprog *p = f->p;
    uint32_t r0 = f->rbase, top = r0;
    (checked ? &p->main_start_chk : &p->main_start)[0] = (uint32_t)f->n;
    f->ctx_main = 1;
    /* the validations that read fields and parameters only: each true,
     * or skipped at an empty field it reads */
    for (size_t i = 0; i < rs->n_valid && !f->oom; i++) {
        if (!p->valid_inline[i])
            continue;
        f->rbase = r0;
        uint32_t tmp = qli_fast_reg_window(f, 0);
        f->rbase++;
        f->in_valid = 1;
        f->nskip = 0;
        int st = qli_fast_compile_block(f, rs->valid[i].block, checked, tmp);
        f->in_valid = 0;
        if (st)
            break;
        if (f->rbase + (uint32_t)f->maxdepth > top)
            top = f->rbase + (uint32_t)f->maxdepth;
        qli_fast_emit(f, FO_ASSERT, 0, 0, tmp, 0, 0);
        for (size_t k = 0; k < f->nskip && !f->oom; k++)
            f->code[f->skip[k]].x = (uint32_t)f->n;
    }
    for (size_t i = 0; i < rs->n_computed + rs->n_checks && !f->oom; i++) {
        int nd = order[i];
        f->rbase = r0;
        if ((size_t)nd < rs->n_computed) {
            if (!f->eager[nd] || p->comp_const[nd] >= 0 || f->datec[nd])
                continue; /* lazy, a constant, or the date's program's */
            if (qli_fast_compile_block(f, rs->computed[nd].block, checked,
                                       p->comp_slot[nd]))
                break;
            f->rbase += (uint32_t)f->maxdepth;
        } else {
            compile_check(f, (size_t)nd - rs->n_computed, checked, 1);
        }
        if (f->rbase > top)
            top = f->rbase;
    }
    qli_fast_emit(f, FO_RET, 0, 0, p->s_date, 0, 0);
    f->ctx_main = 0;
    f->rbase = r0;
    f->maxdepth = (int)(top - r0);
}

/* The date's program (fprog.date_start): the values every evaluation
 * reaches that depend on the date alone, run once per date, in the main
 * program's window (from f->rbase) and forms; f->maxdepth as there. */
static void compile_date_program(fcc *f, const int *order)
{
    const ql_ruleset *rs = f->rs;
    fprog *p = f->p;
    uint32_t r0 = f->rbase, top = r0;
    p->date_start = (uint32_t)f->n;
    f->ctx_main = 1;
    for (size_t i = 0; i < rs->n_computed + rs->n_checks && !f->oom; i++) {
        size_t nd = (size_t)order[i];
        if (nd >= rs->n_computed || !f->eager[nd] || !f->datec[nd] ||
            p->comp_const[nd] >= 0)
            continue;
        f->rbase = r0;
        if (qli_fast_compile_block(f, rs->computed[nd].block, 1,
                                   p->comp_slot[nd]))
            break;
        if (f->rbase + (uint32_t)f->maxdepth > top)
            top = f->rbase + (uint32_t)f->maxdepth;
    }
    qli_fast_emit(f, FO_RET, 0, 0, p->s_date, 0, 0);
    f->ctx_main = 0;
    f->rbase = r0;
    f->maxdepth = (int)(top - r0);
}

/* The environment switch for differential testing: QUOTALEVY_FAST=0 at
 * load leaves every record of that rule set to eval.c. */
static int fast_disabled(void)
{
    const char *e = getenv("QUOTALEVY_FAST");
    return e && strcmp(e, "0") == 0;
}

ql_status qli_fast_compile(ql_ruleset *rs, ql_error *err)
{
    rs->fast = NULL;
    if (fast_disabled())
        return QL_OK;
    /* slots are 32-bit indices; a rule set beyond that stays exact */
    size_t nslots = rs->nconsts + 1 + rs->n_params + rs->n_inputs +
                    rs->n_computed + 5 * rs->n_checks;
    if (nslots + rs->ncode > (size_t)1 << 30)
        return QL_OK;
    fprog *p = qli_ar_alloc(&rs->arena, sizeof *p);
    if (!p)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    p->s_const = 0;
    p->s_date = (uint32_t)rs->nconsts;
    p->s_param = p->s_date + 1;
    p->s_input = p->s_param + (uint32_t)rs->n_params;
    p->s_comp = p->s_input + (uint32_t)rs->n_inputs;
    p->s_check = p->s_comp + (uint32_t)rs->n_computed;
    p->s_reg = p->s_check + 5 * (uint32_t)rs->n_checks;
    size_t nb = rs->nblocks + 1;
    p->start = qli_ar_alloc(&rs->arena, nb * sizeof *p->start);
    p->start_chk = qli_ar_alloc(&rs->arena, nb * sizeof *p->start_chk);
    p->par_first = qli_ar_alloc(&rs->arena, nb * sizeof *p->par_first);
    p->check_start = qli_ar_alloc(&rs->arena, (rs->n_checks + 1) * sizeof *p->check_start);
    p->check_start_chk = qli_ar_alloc(&rs->arena, (rs->n_checks + 1) * sizeof *p->check_start_chk);
    p->mstart = qli_ar_alloc(&rs->arena, nb * sizeof *p->mstart);
    p->mstart_chk = qli_ar_alloc(&rs->arena, nb * sizeof *p->mstart_chk);
    p->comp_const = qli_ar_alloc(&rs->arena, (rs->n_computed + 1) * sizeof *p->comp_const);
    p->valid_inline = qli_ar_alloc(&rs->arena, rs->n_valid + 1);
    p->valid_run = qli_ar_alloc(&rs->arena, (rs->n_valid + 1) * sizeof *p->valid_run);
    if (!p->start || !p->start_chk || !p->par_first || !p->check_start ||
        !p->check_start_chk || !p->mstart || !p->mstart_chk || !p->comp_const ||
        !p->valid_inline || !p->valid_run ||
        qli_fast_build_values(rs, p) ||
        qli_fast_block_params(rs, p))
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    /* a value that is a constant (date("2025-06-25")) is one slot, filled
     * once */
    for (size_t k = 0; k < rs->n_computed; k++) {
        const instr *in = &rs->code[rs->blocks[rs->computed[k].block].start];
        p->comp_const[k] = in[0].op == OP_CONST && in[1].op == OP_RET &&
                                   p->const_ok[in[0].arg]
                               ? in[0].arg
                               : -1;
    }
    /* a validation that reads no computed value or check is part of the
     * main program; the others run before it, as blocks of their own */
    for (size_t i = 0; i < rs->n_valid; i++) {
        p->valid_inline[i] = 1;
        for (size_t k = rs->blocks[rs->valid[i].block].start; rs->code[k].op != OP_RET; k++)
            if (rs->code[k].op == OP_COMPUTED || rs->code[k].op == OP_CHECKF)
                p->valid_inline[i] = 0;
        if (!p->valid_inline[i])
            p->valid_run[p->n_valid_run++] = (uint32_t)i;
    }
    fcc f;
    memset(&f, 0, sizeof f);
    f.rs = rs;
    f.p = p;
    f.k_par = rs->n_inputs;
    f.k_comp = f.k_par + rs->n_params;
    f.k_check = f.k_comp + rs->n_computed;
    f.reg0 = FS_NONE;
    f.stack = malloc((rs->stack_need + 1) * sizeof *f.stack);
    f.known = calloc(f.k_check + rs->n_checks + 1, sizeof *f.known);
    f.eager = calloc(rs->n_computed + 1, 1);
    f.msure = calloc(rs->n_inputs + 1, 1);
    f.blk_rbase = malloc(nb * sizeof *f.blk_rbase);
    f.datec = calloc(rs->n_computed + 1, 1);
    uint8_t *in_main = calloc(rs->n_computed + 1, 1);
    int *order = NULL;
    int ok = f.stack && f.known && f.eager && f.msure && f.blk_rbase && f.datec &&
             in_main && qli_fast_find_eager(rs, f.eager, f.msure) == 0 &&
             (order = qli_fast_node_order(rs)) != NULL &&
             qli_fast_date_only(rs, order, f.datec) == 0;
    for (size_t k = 0; ok && k < rs->n_computed; k++)
        in_main[k] = f.eager[k] && !f.datec[k];
    ok = ok && qli_fast_main_params(rs, p, in_main) == 0;
    free(in_main);
    for (size_t b = 0; ok && b < rs->nblocks; b++) {
        /* both forms share the block's register window */
        f.blk_rbase[b] = f.rbase;
        ok = qli_fast_compile_block(&f, (int)b, 0, FS_NONE) == 0 &&
             qli_fast_compile_block(&f, (int)b, 1, FS_NONE) == 0;
        f.rbase += (uint32_t)f.maxdepth;
    }
    if (ok) {
        compile_checks(&f);
        ok = !f.oom;
    }
    /* the values the main program enters on demand, in its form: they
     * read what it evaluated inline from the slots, in their own windows */
    uint32_t top = f.rbase;
    f.ctx_main = 1;
    for (size_t k = 0; ok && k < rs->n_computed; k++) {
        int b = rs->computed[k].block;
        if (f.eager[k] || p->comp_const[k] >= 0)
            continue;
        f.rbase = f.blk_rbase[b];
        ok = qli_fast_compile_block(&f, b, 0, FS_NONE) == 0 &&
             qli_fast_compile_block(&f, b, 1, FS_NONE) == 0;
    }
    f.ctx_main = 0;
    f.rbase = top;
    if (ok) {
        compile_main(&f, order, 0);
        int depth = f.maxdepth;
        compile_main(&f, order, 1);
        if (f.maxdepth > depth)
            depth = f.maxdepth;
        compile_date_program(&f, order);
        if (f.maxdepth > depth)
            depth = f.maxdepth;
        f.rbase += (uint32_t)depth;
        ok = !f.oom;
    }
    for (size_t i = 0; i < rs->n_inputs; i++)
        if (rs->inputs[i].required || (f.msure && f.msure[i] && p->in_empty[i] != 1))
            p->in_empty[i] = 3;
    if (ok)
        ok = qli_fast_input_words(rs, p) == 0;
    /* slots and jump targets are byte offsets of 32 bits
     * (qli_fast_slots_to_offsets): a rule set with more stays exact */
    int fits = (size_t)p->s_reg + f.rbase <= (UINT32_MAX - 1) / sizeof(fval) &&
               f.n <= INT32_MAX / sizeof(fop);
    if (ok && fits) {
        qli_fast_thread_jumps(f.code, f.n);
        ok = qli_fast_plain_slots(rs, p, f.code, f.n, p->s_reg + f.rbase,
                                  f.eager) == 0;
        qli_fast_slots_to_offsets(f.code, f.n, p->s_check);
        if (ok) {
            p->code = qli_ar_alloc(&rs->arena, (f.n + 1) * sizeof *p->code);
            ok = p->code != NULL;
        }
    }
    if (ok && fits) {
        memcpy(p->code, f.code, f.n * sizeof *p->code);
        p->ncode = f.n;
        p->nslots = p->s_reg + f.rbase;
        qli_fast_gen_pick(p);
        rs->fast = p;
    }
    free(f.code);
    free(f.pool);
    free(f.stack);
    free(f.known);
    free(f.eager);
    free(f.msure);
    free(f.blk_rbase);
    free(f.skip);
    free(f.datec);
    free(order);
    return ok ? QL_OK : qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
}
