/*
 * fast_compile.c — the stack code (code.h) compiled a second time, into
 * the fast path's register bytecode (fast_code.h).
 *
 * The stack machine pushes every operand; here an operand that is
 * already in a slot (a constant, the date, a parameter, an input, a
 * computed value, a check field) is not copied at all: the instruction
 * that consumes it names the slot.  Only results go to registers, one
 * per stack position.  What the stack machine did on a push — refuse an
 * empty field, a parameter without a value, evaluate a computed value —
 * becomes a NEED or EVAL instruction, emitted once per straight run of
 * code.  Where two paths join (an if's branches, and/or), the value they
 * leave is stored by the jump, or moved, to the register of its stack
 * position; a comparison or a `not` before a jump is the jump.
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
#include "expr.h"
#include "ruleset.h"
#include "fast_code.h"
#include "fast_gen.h"
#include "fast_compile.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ emitter */

typedef struct fcc {
    ql_ruleset *rs;
    fprog *p;
    fop *code;
    size_t n, cap;
    int oom;
    /* the block being compiled */
    uint32_t *stack;   /* slot of each stack position */
    int depth, maxdepth;
    uint32_t rbase;    /* its register window */
    /* per stack pc of the block: the fast pc, and the stack at a jump in */
    uint32_t *fpc;
    int *saved;        /* index into pool, −1 none */
    uint32_t *pool;
    size_t npool, cappool;
    uint8_t *target;
    /* what the current straight run has made sure of */
    uint32_t gen;
    uint32_t *known; /* inputs, params, computed, checks */
    size_t k_par, k_comp, k_check;
    /* compiling for the main program: the values every evaluation
     * reaches and every check are in their slots already */
    int ctx_main;
    uint8_t *eager;  /* per computed value: every evaluation reaches it */
    uint8_t *datec;  /* per computed value: the date alone decides it */
    uint8_t *msure;  /* per input: checked once before the main program */
    uint32_t reg0;   /* inline: the slot stack position 0 lives in */
    uint32_t *blk_rbase; /* per block: its register window */
    /* compiling a validation inline: an empty field skips it (FO_NEED_SKIP,
     * to be pointed past its end) */
    int in_valid;
    size_t *skip;
    size_t nskip, capskip;
} fcc;

static void emit(fcc *f, int op, int a8, uint32_t dst, uint32_t x, uint32_t y,
                 int32_t arg)
{
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 256;
        fop *c = realloc(f->code, nc * sizeof *c);
        if (!c) {
            f->oom = 1;
            return;
        }
        f->code = c;
        f->cap = nc;
    }
    fop *o = &f->code[f->n++];
    o->op = (uint8_t)op;
    o->a8 = (uint8_t)a8;
    o->pad = 0;
    o->dst = dst;
    o->x = x;
    o->y = y;
    o->arg = arg;
}

/* The register of stack position d.  A block compiled inline keeps its
 * bottom position in its destination, so its value needs no move. */
static uint32_t reg(const fcc *f, int d)
{
    if (d == 0 && f->reg0 != FS_NONE)
        return f->reg0;
    return f->p->s_reg + f->rbase + (uint32_t)d;
}

static uint32_t reg_window(const fcc *f, int d)
{
    return f->p->s_reg + f->rbase + (uint32_t)d;
}

static void push(fcc *f, uint32_t slot)
{
    f->stack[f->depth++] = slot;
    if (f->depth > f->maxdepth)
        f->maxdepth = f->depth;
}

/* The value at stack position d into its register. */
static void materialize(fcc *f, int d)
{
    if (d >= 0 && f->stack[d] != reg(f, d)) {
        emit(f, FO_MOVE, 0, reg(f, d), f->stack[d], 0, 0);
        f->stack[d] = reg(f, d);
    }
}

/* Whether the straight run already made sure of item k; marks it. */
static int known(fcc *f, size_t k)
{
    if (f->known[k] == f->gen)
        return 1;
    f->known[k] = f->gen;
    return 0;
}

/* The FO_NEED_SKIP about to be emitted, to be pointed past its
 * validation. */
static void note_skip(fcc *f)
{
    if (f->nskip == f->capskip) {
        size_t nc = f->capskip ? f->capskip * 2 : 16;
        size_t *q = realloc(f->skip, nc * sizeof *q);
        if (!q) {
            f->oom = 1;
            return;
        }
        f->skip = q;
        f->capskip = nc;
    }
    f->skip[f->nskip++] = f->n;
}

/* Remembers the stack for the jump target t (relative stack pc). */
static void save_state(fcc *f, size_t t)
{
    if (f->saved[t] >= 0)
        return; /* all jumps in agree: the branch left its value in a register */
    if (f->npool + (size_t)f->depth + 1 > f->cappool) {
        size_t nc = (f->cappool + (size_t)f->depth + 1) * 2;
        uint32_t *q = realloc(f->pool, nc * sizeof *q);
        if (!q) {
            f->oom = 1;
            return;
        }
        f->pool = q;
        f->cappool = nc;
    }
    f->saved[t] = (int)f->npool;
    f->pool[f->npool++] = (uint32_t)f->depth;
    memcpy(f->pool + f->npool, f->stack, (size_t)f->depth * sizeof *f->stack);
    f->npool += (size_t)f->depth;
}

/* A number constant k that does not fit: the code reading it falls back. */
static void need_const(fcc *f, int k)
{
    if (!f->p->const_ok[k])
        emit(f, FO_FALLBACK, 0, 0, 0, 0, 0);
}

typedef struct fixup {
    size_t at;  /* fast instruction */
    size_t to;  /* relative stack pc */
} fixup;

/* A comparison (T_EQ …) as the fast code's mask: bit c + 1 is set when
 * the comparison holds for an ordering c of −1, 0 or 1. */
static int cmp_mask(int t)
{
    switch (t) {
    case T_EQ: return 2;
    case T_NE: return 5;
    case T_LT: return 1;
    case T_LE: return 3;
    case T_GT: return 4;
    default: return 6; /* T_GE */
    }
}

static int is_cond_jump(int op)
{
    return op == OP_JF || op == OP_JF_KEEP || op == OP_JT_KEEP;
}

/* The stack code's conditional jump `in` (OP_JF, OP_JF_KEEP, OP_JT_KEEP)
 * on the value at the top, as the fast jump `op` on x and y (FO_JF or
 * FO_JT on x, or a comparison of x and y).  The jump stores the value it
 * jumped on (a8's or the sense's) in the top's register, where the
 * keeping forms leave it for their target; no move is needed. */
static void cond_jump(fcc *f, const instr *in, size_t start, fixup *fx,
                      size_t *nfx, int op, int a8, uint32_t x, uint32_t y)
{
    int d = f->depth;
    uint32_t r = reg(f, d - 1);
    size_t to = (size_t)in->arg - start;
    fx[*nfx].at = f->n;
    fx[(*nfx)++].to = to;
    emit(f, op, a8, r, x, y, 0);
    if (in->op == OP_JF) {
        f->depth = d - 1;
        save_state(f, to);
        return;
    }
    f->stack[d - 1] = r;
    save_state(f, to);
    f->depth = d - 1;
}

/* Compiles block b: as a block of its own ending in FO_RET (dst
 * FS_NONE), or inline, its value moved to slot dst.  `checked`: with a
 * FO_NEED_PAR before each parameter.  Its registers start at f->rbase;
 * f->maxdepth is how many it used. */
static int compile_block(fcc *f, int b, int checked, uint32_t dst)
{
    const ql_ruleset *rs = f->rs;
    const fprog *p = f->p;
    size_t start = rs->blocks[b].start, len = 0;
    while (rs->code[start + len].op != OP_RET)
        len++;
    len++;
    f->fpc = calloc(len + 1, sizeof *f->fpc);
    f->saved = malloc((len + 1) * sizeof *f->saved);
    f->target = calloc(len + 1, 1);
    fixup *fx = malloc((len + 1) * sizeof *fx);
    size_t nfx = 0;
    if (!f->fpc || !f->saved || !f->target || !fx) {
        free(fx);
        free(f->fpc);
        free(f->saved);
        free(f->target);
        f->oom = 1;
        return -1;
    }
    for (size_t i = 0; i <= len; i++)
        f->saved[i] = -1;
    for (size_t i = 0; i < len; i++) {
        const instr *in = &rs->code[start + i];
        if (in->op == OP_JMP || in->op == OP_JF || in->op == OP_JF_KEEP ||
            in->op == OP_JT_KEEP)
            f->target[(size_t)in->arg - start] = 1;
    }
    f->depth = 0;
    f->maxdepth = 0;
    f->npool = 0;
    f->gen++;
    f->reg0 = dst;
    int dead = 0;
    if (dst == FS_NONE) {
        uint32_t *at = f->ctx_main ? (checked ? p->mstart_chk : p->mstart)
                                   : (checked ? p->start_chk : p->start);
        at[b] = (uint32_t)f->n;
    }
    for (size_t i = 0; i < len && !f->oom; i++) {
        const instr *in = &rs->code[start + i];
        if (f->target[i]) {
            if (dead && f->saved[i] >= 0) {
                const uint32_t *st = f->pool + f->saved[i];
                f->depth = (int)st[0];
                memcpy(f->stack, st + 1, (size_t)f->depth * sizeof *f->stack);
            } else if (f->depth > 0) {
                materialize(f, f->depth - 1); /* the fall-through's value */
            }
            f->gen++; /* paths join: what one made sure of, the other may not */
            dead = 0;
        }
        f->fpc[i] = (uint32_t)f->n;
        int d = f->depth;
        switch ((opcode)in->op) {
        case OP_CONST:
            need_const(f, in->arg);
            push(f, p->s_const + (uint32_t)in->arg);
            break;
        case OP_INPUT: {
            const input_def *id = &rs->inputs[in->arg];
            int sure = id->required || (id->has_default && p->default_ok[in->arg]) ||
                       (f->ctx_main && f->msure[in->arg]);
            if (!sure && !known(f, (size_t)in->arg)) {
                if (f->in_valid)
                    note_skip(f);
                emit(f, f->in_valid ? FO_NEED_SKIP : FO_NEED_IN, 0, 0, 0, 0,
                     in->arg);
            }
            push(f, p->s_input + (uint32_t)in->arg);
            break;
        }
        case OP_PRESENT:
            emit(f, FO_PRESENT, 0, reg(f, d), 0, 0, in->arg);
            push(f, reg(f, d));
            /* past a jump if it is false, the field is there */
            if (i + 1 < len && !f->target[i + 1] &&
                (in[1].op == OP_JF || in[1].op == OP_JF_KEEP))
                (void)known(f, (size_t)in->arg);
            break;
        case OP_PARAM:
            if (checked && !known(f, f->k_par + (size_t)in->arg))
                emit(f, FO_NEED_PAR, 0, 0, 0, 0, in->arg);
            push(f, p->s_param + (uint32_t)in->arg);
            break;
        case OP_PARAM_AT:
            emit(f, FO_PARAM_AT, 0, reg(f, d - 1), f->stack[d - 1], 0, in->arg);
            f->stack[d - 1] = reg(f, d - 1);
            break;
        case OP_COMPUTED:
            if (p->comp_const[in->arg] >= 0) {
                push(f, p->s_const + (uint32_t)p->comp_const[in->arg]);
                break;
            }
            if (!(f->ctx_main && f->eager[in->arg]) &&
                !known(f, f->k_comp + (size_t)in->arg))
                emit(f, FO_EVAL, f->ctx_main, 0, 0, 0, in->arg);
            push(f, p->comp_slot[in->arg]);
            break;
        case OP_CHECKF:
            /* the main program has evaluated every check before its
             * readers */
            if (!f->ctx_main && !known(f, f->k_check + (size_t)in->arg))
                emit(f, FO_CHECK, 0, 0, 0, 0, in->arg);
            push(f, p->s_check + 5 * (uint32_t)in->arg + in->a8);
            break;
        case OP_DATE:
            push(f, p->s_date);
            break;
        case OP_CMP_NUM: case OP_CMP_DATE: case OP_CMP_BOOL: case OP_CMP_ENUM:
        case OP_NOT:
            if (i + 1 < len && !f->target[i + 1] && is_cond_jump(in[1].op)) {
                /* the comparison is the jump's condition: one instruction */
                int sense = in[1].op == OP_JT_KEEP;
                f->fpc[++i] = (uint32_t)f->n;
                if (in->op == OP_NOT) {
                    cond_jump(f, &in[1], start, fx, &nfx, sense ? FO_JF : FO_JT,
                              sense, f->stack[d - 1], 0);
                    break;
                }
                int op = in->op == OP_CMP_NUM    ? FO_JCMP_NUM
                         : in->op == OP_CMP_DATE ? FO_JCMP_DATE
                                                 : FO_JCMP_EQ;
                uint32_t x = f->stack[d - 2], y = f->stack[d - 1];
                f->depth = d - 1;
                cond_jump(f, &in[1], start, fx, &nfx, op,
                          cmp_mask(in->a8) | sense << 7, x, y);
                break;
            }
            if (in->op == OP_NOT) {
                emit(f, FO_NOT, 0, reg(f, d - 1), f->stack[d - 1], 0, 0);
                f->stack[d - 1] = reg(f, d - 1);
                break;
            }
            /* fall through */
        case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV:
        case OP_CMP_STR: case OP_DIVROUND: case OP_DAYS: case OP_ADD_DATE: {
            int op, a8 = in->a8;
            switch ((opcode)in->op) {
            case OP_ADD: op = FO_ADD; break;
            case OP_SUB: op = FO_SUB; break;
            case OP_MUL: op = FO_MUL; break;
            case OP_DIV: op = FO_DIV; break;
            case OP_CMP_NUM: op = FO_CMP_NUM; break;
            case OP_CMP_STR: op = FO_CMP_STR; break;
            case OP_CMP_DATE: op = FO_CMP_DATE; break;
            case OP_DIVROUND: op = FO_DIVROUND; break;
            case OP_DAYS: op = FO_DAYS; break;
            case OP_ADD_DATE: op = FO_ADD_DATE; break;
            default: op = FO_CMP_EQ; break; /* bools, enums */
            }
            if (op == FO_CMP_NUM || op == FO_CMP_STR || op == FO_CMP_DATE ||
                op == FO_CMP_EQ)
                a8 = cmp_mask(in->a8);
            emit(f, op, a8, reg(f, d - 2), f->stack[d - 2], f->stack[d - 1],
                 in->arg);
            f->depth = d - 1;
            f->stack[d - 2] = reg(f, d - 2);
            break;
        }
        case OP_NEG: case OP_ABS: case OP_ROUND: case OP_YEAR:
        case OP_MONTH: case OP_DAY: case OP_BRACKET: {
            int op;
            switch ((opcode)in->op) {
            case OP_NEG: op = FO_NEG; break;
            case OP_ABS: op = FO_ABS; break;
            case OP_ROUND: op = FO_ROUND; break;
            case OP_YEAR: op = FO_YEAR; break;
            case OP_MONTH: op = FO_MONTH; break;
            case OP_DAY: op = FO_DAY; break;
            default: op = FO_BRACKET; break;
            }
            emit(f, op, in->a8, reg(f, d - 1), f->stack[d - 1], 0, in->arg);
            f->stack[d - 1] = reg(f, d - 1);
            break;
        }
        case OP_CMP_DIV: {
            /* as the ratios were written: each side's x / y (× z) made,
             * then compared; a quotient that did not end goes to the
             * exact engine (fn_plain, fn_cmp), which cross-multiplies */
            int sl = in->a16 & 3, sr = in->a16 >> 2;
            int pl = d - (sl + 1) - (sr + 1), pr = d - (sr + 1);
            uint32_t side[2];
            for (int k = 0; k < 2; k++) {
                int s = k ? sr : sl, at = k ? pr : pl;
                side[k] = f->stack[at];
                if (s >= 1) {
                    emit(f, FO_DIV, 0, reg(f, at), f->stack[at], f->stack[at + 1], 0);
                    side[k] = reg(f, at);
                }
                if (s == 2)
                    emit(f, FO_MUL, 0, reg(f, at), reg(f, at), f->stack[at + 2], 0);
            }
            emit(f, FO_CMP_NUM, cmp_mask(in->a8), reg(f, pl), side[0], side[1], 0);
            f->depth = pl + 1;
            f->stack[pl] = reg(f, pl);
            break;
        }
        case OP_MULDIVROUND:
            /* (x / y) × z rounded: exact in 64 bits when x / y ends, else
             * the exact engine's (one division of x × z by y) */
            emit(f, FO_DIV, 0, reg(f, d - 3), f->stack[d - 3], f->stack[d - 2], 0);
            emit(f, FO_MUL, 0, reg(f, d - 3), reg(f, d - 3), f->stack[d - 1], 0);
            emit(f, FO_ROUND, in->a8, reg(f, d - 3), reg(f, d - 3), 0, in->arg);
            f->depth = d - 2;
            f->stack[d - 3] = reg(f, d - 3);
            break;
        case OP_JMP:
            materialize(f, d - 1);
            fx[nfx].at = f->n;
            fx[nfx++].to = (size_t)in->arg - start;
            emit(f, FO_JMP, 0, 0, 0, 0, 0);
            save_state(f, (size_t)in->arg - start);
            dead = 1;
            break;
        case OP_JF:
        case OP_JF_KEEP:
        case OP_JT_KEEP:
            cond_jump(f, in, start, fx, &nfx, in->op == OP_JT_KEEP ? FO_JT : FO_JF,
                      in->op == OP_JT_KEEP, f->stack[d - 1], 0);
            break;
        case OP_IN_NUM: case OP_IN_STR: case OP_IN_ENUM: case OP_IN_DATE: {
            for (int k = 0; k < in->a16; k++)
                need_const(f, in->arg + k);
            int op = in->op == OP_IN_NUM   ? FO_IN_NUM
                     : in->op == OP_IN_STR ? FO_IN_STR
                                           : FO_IN_INT;
            emit(f, op, in->a8, reg(f, d - 1), f->stack[d - 1], in->a16,
                 (int32_t)(p->s_const + (uint32_t)in->arg));
            f->stack[d - 1] = reg(f, d - 1);
            break;
        }
        case OP_MIN:
        case OP_MAX: {
            int n = in->a16;
            if (n == 2) {
                emit(f, in->op == OP_MIN ? FO_MIN2 : FO_MAX2, in->a8, reg(f, d - 2),
                     f->stack[d - 2], f->stack[d - 1], 0);
                f->depth = d - 1;
                f->stack[d - 2] = reg(f, d - 2);
                break;
            }
            /* the operands in consecutive registers of the window */
            for (int k = d - n; k < d; k++)
                if (f->stack[k] != reg_window(f, k))
                    emit(f, FO_MOVE, 0, reg_window(f, k), f->stack[k], 0, 0);
            emit(f, in->op == OP_MIN ? FO_MIN : FO_MAX, in->a8, reg(f, d - n),
                 reg_window(f, d - n), (uint32_t)n, 0);
            f->depth = d - n + 1;
            f->stack[d - n] = reg(f, d - n);
            break;
        }
        case OP_RET:
            if (dst == FS_NONE)
                emit(f, FO_RET, 0, 0, f->stack[d - 1], 0, 0);
            else if (f->stack[d - 1] != dst)
                emit(f, FO_MOVE, 0, dst, f->stack[d - 1], 0, 0);
            break;
        }
    }
    f->fpc[len] = (uint32_t)f->n;
    for (size_t i = 0; i < nfx && !f->oom; i++)
        f->code[fx[i].at].arg = (int32_t)f->fpc[fx[i].to];
    free(fx);
    free(f->fpc);
    free(f->saved);
    free(f->target);
    return f->oom ? -1 : 0;
}

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
    emit(f, FO_CK_PERIOD, 0, kk, 0, 0, 0);
    tmp = reg_window(f, 0);
    f->rbase++;
#define PART(blk, to)                                                        \
    do {                                                                     \
        if (compile_block(f, (blk), checked, (to)))                          \
            return;                                                          \
        f->rbase += (uint32_t)f->maxdepth;                                   \
    } while (0)
    if (d->applies >= 0) {
        PART(d->applies, tmp);
        jf = f->n;
        emit(f, FO_JF, 0, tmp, tmp, 0, 0);
    }
    PART(d->required, base + CF_REQUIRED);
    PART(d->actual, base + CF_ACTUAL);
    if (d->shortfall >= 0)
        PART(d->shortfall, base + CF_SHORTFALL);
    else
        emit(f, FO_CK_SHORT, 0, kk, 0, 0, 0);
    if (d->compliant >= 0) {
        PART(d->compliant, tmp);
        emit(f, FO_CK_DONE, 0, kk, tmp, 0, 0);
    } else {
        emit(f, FO_CK_DONE, 0, kk, FS_NONE, 0, 0);
    }
#undef PART
    size_t jmp = f->n;
    emit(f, FO_JMP, 0, 0, 0, 0, 0);
    size_t na = f->n;
    emit(f, FO_CK_NA, 0, kk, 0, 0, 0);
    if (!inline_)
        emit(f, FO_RET, 0, 0, tmp, 0, 0);
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
        uint32_t tmp = reg_window(f, 0);
        f->rbase++;
        f->in_valid = 1;
        f->nskip = 0;
        int st = compile_block(f, rs->valid[i].block, checked, tmp);
        f->in_valid = 0;
        if (st)
            break;
        if (f->rbase + (uint32_t)f->maxdepth > top)
            top = f->rbase + (uint32_t)f->maxdepth;
        emit(f, FO_ASSERT, 0, 0, tmp, 0, 0);
        for (size_t k = 0; k < f->nskip && !f->oom; k++)
            f->code[f->skip[k]].x = (uint32_t)f->n;
    }
    for (size_t i = 0; i < rs->n_computed + rs->n_checks && !f->oom; i++) {
        int nd = order[i];
        f->rbase = r0;
        if ((size_t)nd < rs->n_computed) {
            if (!f->eager[nd] || p->comp_const[nd] >= 0 || f->datec[nd])
                continue; /* lazy, a constant, or the date's program's */
            if (compile_block(f, rs->computed[nd].block, checked,
                              p->comp_slot[nd]))
                break;
            f->rbase += (uint32_t)f->maxdepth;
        } else {
            compile_check(f, (size_t)nd - rs->n_computed, checked, 1);
        }
        if (f->rbase > top)
            top = f->rbase;
    }
    emit(f, FO_RET, 0, 0, p->s_date, 0, 0);
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
        if (compile_block(f, rs->computed[nd].block, 1, p->comp_slot[nd]))
            break;
        if (f->rbase + (uint32_t)f->maxdepth > top)
            top = f->rbase + (uint32_t)f->maxdepth;
    }
    emit(f, FO_RET, 0, 0, p->s_date, 0, 0);
    f->ctx_main = 0;
    f->rbase = r0;
    f->maxdepth = (int)(top - r0);
}

/* The last instruction of the block starting at `at`: its FO_RET. */
static size_t block_ret(const fop *code, size_t n, size_t at)
{
    while (at < n && code[at].op != FO_RET)
        at++;
    return at;
}

/* Which slots may ever hold an undivided quotient: where FO_DIV writes,
 * and where a move, negation, min or max, or a computed value's FO_RET
 * (which its frame copies to the value's slot) carries one from such a
 * slot; every other writer leaves a plain number (or no number).  Then
 * the number operations whose operands are in no such slot become their
 * _P forms, which do not look for a quotient.  Flow-insensitive: a
 * register is marked if any writer anywhere may leave one in it.  0, or
 * −1 on no memory (the code is then left as it is). */
static int plain_slots(const ql_ruleset *rs, const fprog *p, fop *code,
                       size_t n, size_t nslots, const uint8_t *eager)
{
    uint8_t *q = calloc(nslots + 1, 1);
    if (!q)
        return -1;
    for (int changed = 1; changed;) {
        changed = 0;
#define MARK(slot)                                                           \
    do {                                                                     \
        if ((slot) < nslots && !q[slot]) {                                   \
            q[slot] = 1;                                                     \
            changed = 1;                                                     \
        }                                                                    \
    } while (0)
        for (size_t i = 0; i < n; i++) {
            const fop *o = &code[i];
            switch ((fop_code)o->op) {
            case FO_DIV:
                MARK(o->dst);
                break;
            case FO_MOVE: case FO_NEG: case FO_ABS:
                if (o->x < nslots && q[o->x])
                    MARK(o->dst);
                break;
            case FO_MIN2: case FO_MAX2:
                if ((o->x < nslots && q[o->x]) || (o->y < nslots && q[o->y]))
                    MARK(o->dst);
                break;
            case FO_MIN: case FO_MAX:
                /* the window's first register takes the result too */
                for (uint32_t k = 0; k < o->y; k++)
                    if (o->x + k < nslots && q[o->x + k]) {
                        MARK(o->x);
                        MARK(o->dst);
                    }
                break;
            default:
                break;
            }
        }
        for (size_t k = 0; k < rs->n_computed; k++) {
            int b = rs->computed[k].block;
            size_t at[4] = {p->start[b], p->start_chk[b], 0, 0};
            int forms = 2;
            if (!eager[k] && p->comp_const[k] < 0) {
                at[2] = p->mstart[b];
                at[3] = p->mstart_chk[b];
                forms = 4;
            }
            for (int j = 0; j < forms; j++) {
                size_t r = block_ret(code, n, at[j]);
                if (r < n && code[r].x < nslots && q[code[r].x])
                    MARK(p->comp_slot[k]);
            }
        }
#undef MARK
    }
    for (size_t i = 0; i < n; i++) {
        fop *o = &code[i];
        int px = o->x < nslots && !q[o->x], py = o->y < nslots && !q[o->y];
        switch ((fop_code)o->op) {
        case FO_ADD: if (px && py) o->op = FO_ADD_P; break;
        case FO_SUB: if (px && py) o->op = FO_SUB_P; break;
        case FO_MUL: if (px && py) o->op = FO_MUL_P; break;
        case FO_CMP_NUM: if (px && py) o->op = FO_CMP_P; break;
        case FO_JCMP_NUM: if (px && py) o->op = FO_JCMP_P; break;
        case FO_MIN2: if (px && py && !o->a8) o->op = FO_MIN2_P; break;
        case FO_MAX2: if (px && py && !o->a8) o->op = FO_MAX2_P; break;
        case FO_ROUND: if (px) o->op = FO_ROUND_P; break;
        case FO_DIVROUND: if (px && py) o->op = FO_DIVROUND_P; break;
        default: break;
        }
    }
    free(q);
    return 0;
}

/* The slot operands of every instruction as byte offsets into the slot
 * array (fast_code.h), after everything that reasons about slots (jump
 * threading) is done, and jump targets as byte offsets into the code.
 * Counts, check, input and parameter indices stay as they are, as do
 * FO_RET's operand (its callers read the slot it names) and FS_NONE.
 * FO_CK_NA gets its check's first field in x. */
static void slots_to_offsets(fop *code, size_t n, uint32_t s_check)
{
    const uint32_t w = (uint32_t)sizeof(fval);
    for (size_t i = 0; i < n; i++) {
        fop *o = &code[i];
        int dst = 1, x = 1, y = 0;
        switch ((fop_code)o->op) {
        case FO_NEED_SKIP: /* x: where a skipped validation goes on */
            o->x *= (uint32_t)sizeof(fop);
            dst = x = 0;
            break;
        case FO_CK_NA: /* x: the check's first field */
            o->x = (s_check + 5 * o->dst) * w;
            dst = x = 0;
            break;
        case FO_NEED_IN: case FO_NEED_PAR: case FO_EVAL: case FO_CHECK:
        case FO_JMP: case FO_CK_PERIOD: case FO_CK_SHORT: case FO_RET:
        case FO_FALLBACK:
            dst = x = 0;
            break;
        case FO_CK_DONE:
            dst = 0;
            break;
        case FO_ASSERT:
            dst = 0;
            break;
        case FO_PRESENT:
            x = 0;
            break;
        case FO_ADD: case FO_SUB: case FO_MUL: case FO_DIV: case FO_CMP_NUM:
        case FO_CMP_DATE: case FO_CMP_EQ: case FO_CMP_STR: case FO_JCMP_NUM:
        case FO_JCMP_DATE: case FO_JCMP_EQ: case FO_MIN2: case FO_MAX2:
        case FO_DIVROUND: case FO_DAYS: case FO_ADD_DATE: case FO_ADD_P:
        case FO_SUB_P: case FO_MUL_P: case FO_CMP_P: case FO_JCMP_P:
        case FO_MIN2_P: case FO_MAX2_P: case FO_DIVROUND_P:
            y = 1;
            break;
        case FO_IN_NUM: case FO_IN_INT: case FO_IN_STR:
            o->arg = (int32_t)((uint32_t)o->arg * w); /* the constants */
            break;
        default: /* MOVE NOT NEG ABS JF JT MIN MAX ROUND BRACKET YEAR MONTH
                    DAY PARAM_AT: dst and x; MIN and MAX's y is a count */
            break;
        }
        if (o->op == FO_JMP || o->op == FO_JF || o->op == FO_JT ||
            o->op == FO_JCMP_NUM || o->op == FO_JCMP_DATE ||
            o->op == FO_JCMP_EQ || o->op == FO_JCMP_P || o->op == FO_CK_PERIOD)
            o->arg = (int32_t)((uint32_t)o->arg * (uint32_t)sizeof(fop));
        if (dst && o->dst != FS_NONE)
            o->dst *= w;
        if (x && o->x != FS_NONE)
            o->x *= w;
        if (y && o->y != FS_NONE)
            o->y *= w;
    }
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
    if (!p->start || !p->start_chk || !p->par_first || !p->check_start ||
        !p->check_start_chk || !p->mstart || !p->mstart_chk || !p->comp_const ||
        !p->valid_inline ||
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
        ok = compile_block(&f, (int)b, 0, FS_NONE) == 0 &&
             compile_block(&f, (int)b, 1, FS_NONE) == 0;
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
        ok = compile_block(&f, b, 0, FS_NONE) == 0 &&
             compile_block(&f, b, 1, FS_NONE) == 0;
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
     * (slots_to_offsets): a rule set with more stays exact */
    int fits = (size_t)p->s_reg + f.rbase <= (UINT32_MAX - 1) / sizeof(fval) &&
               f.n <= INT32_MAX / sizeof(fop);
    if (ok && fits) {
        qli_fast_thread_jumps(f.code, f.n);
        ok = plain_slots(rs, p, f.code, f.n, p->s_reg + f.rbase, f.eager) == 0;
        slots_to_offsets(f.code, f.n, p->s_check);
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
