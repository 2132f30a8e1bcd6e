/*
 * fast_emit.c — one block of the stack code (code.h) as the fast path's
 * register bytecode (fast_code.h): the emitter fast_compile.c builds the
 * whole program with (fast_emit.h).
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
 */
#include "fast_emit.h"
#include "code.h"
#include "expr.h"
#include "fast_code.h"
#include "ruleset.h"
#include "util.h"
#include "value.h"

#include <stdlib.h>
#include <string.h>

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
        return; /* all jumps in agree: the branch left its value in a register
                 */
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
    size_t at; /* fast instruction */
    size_t to; /* relative stack pc */
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
int qli_fast_compile_block(fcc *f, int b, int checked, uint32_t dst)
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
            int sure = id->required ||
                       (id->has_default && p->default_ok[in->arg]) ||
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
        case OP_DATE: push(f, p->s_date); break;
        case OP_CMP_NUM:
        case OP_CMP_DATE:
        case OP_CMP_BOOL:
        case OP_CMP_ENUM:
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
        case OP_ADD:
        case OP_SUB:
        case OP_MUL:
        case OP_DIV:
        case OP_CMP_STR:
        case OP_DIVROUND:
        case OP_DAYS:
        case OP_ADD_DATE: {
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
        case OP_NEG:
        case OP_ABS:
        case OP_ROUND:
        case OP_YEAR:
        case OP_MONTH:
        case OP_DAY:
        case OP_BRACKET: {
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
                    emit(f, FO_DIV, 0, reg(f, at), f->stack[at],
                         f->stack[at + 1], 0);
                    side[k] = reg(f, at);
                }
                if (s == 2)
                    emit(f, FO_MUL, 0, reg(f, at), reg(f, at), f->stack[at + 2],
                         0);
            }
            emit(f, FO_CMP_NUM, cmp_mask(in->a8), reg(f, pl), side[0], side[1],
                 0);
            f->depth = pl + 1;
            f->stack[pl] = reg(f, pl);
            break;
        }
        case OP_MULDIVROUND:
            /* (x / y) × z rounded: exact in 64 bits when x / y ends, else
             * the exact engine's (one division of x × z by y) */
            emit(f, FO_DIV, 0, reg(f, d - 3), f->stack[d - 3], f->stack[d - 2],
                 0);
            emit(f, FO_MUL, 0, reg(f, d - 3), reg(f, d - 3), f->stack[d - 1],
                 0);
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
            cond_jump(f, in, start, fx, &nfx,
                      in->op == OP_JT_KEEP ? FO_JT : FO_JF,
                      in->op == OP_JT_KEEP, f->stack[d - 1], 0);
            break;
        case OP_IN_NUM:
        case OP_IN_STR:
        case OP_IN_ENUM:
        case OP_IN_DATE: {
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
                emit(f, in->op == OP_MIN ? FO_MIN2 : FO_MAX2, in->a8,
                     reg(f, d - 2), f->stack[d - 2], f->stack[d - 1], 0);
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

void qli_fast_emit(fcc *f, int op, int a8, uint32_t dst, uint32_t x, uint32_t y,
                   int32_t arg)
{
    emit(f, op, a8, dst, x, y, arg);
}

uint32_t qli_fast_reg_window(const fcc *f, int d)
{
    return reg_window(f, d);
}
