/*
 * fast_passes.c — the passes over the fast path's finished bytecode
 * (fast_code.h), after fast_compile.c has laid it out: jumps threaded,
 * the number operations that never meet a quotient made their _P forms,
 * and slots and jump targets made byte offsets for the interpreter.
 */
#include "code.h"
#include "fast_code.h"
#include "fast_compile.h"
#include "ruleset.h"

#include <stdlib.h>

/* ------------------------------------------------------------ jumps */

/* What a taken jump o leaves known: slot *slot holds the bool *val.
 * 0 if o is not a conditional jump. */
static int jump_fact(const fop *o, uint32_t slot, int *val)
{
    switch (o->op) {
    case FO_JF:
    case FO_JT:
        if (slot == o->dst) {
            *val = o->a8;
            return 1;
        }
        if (slot == o->x) {
            *val = o->op == FO_JT;
            return 1;
        }
        return 0;
    case FO_JCMP_NUM:
    case FO_JCMP_DATE:
    case FO_JCMP_EQ:
        if (slot != o->dst)
            return 0;
        *val = o->a8 >> 7;
        return 1;
    default: return 0;
    }
}

/* A jump whose target tests a bool the jump has settled takes that
 * test's way: to its target when the stored value there is the same (so
 * skipping its store changes nothing), past it otherwise. */
void qli_fast_thread_jumps(fop *code, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fop *o = &code[i];
        if (o->op != FO_JMP && o->op != FO_JF && o->op != FO_JT &&
            o->op != FO_JCMP_NUM && o->op != FO_JCMP_DATE &&
            o->op != FO_JCMP_EQ)
            continue;
        for (int guard = 0; guard < 64; guard++) {
            const fop *t = &code[o->arg];
            int val;
            if (t->op == FO_JMP) {
                o->arg = t->arg;
            } else if ((t->op == FO_JF || t->op == FO_JT) && o->op != FO_JMP &&
                       jump_fact(o, t->x, &val)) {
                int taken = (t->op == FO_JT) == (val != 0);
                int same;
                if (!taken)
                    o->arg = o->arg + 1;
                else if (jump_fact(o, t->dst, &same) && same == t->a8)
                    o->arg = t->arg;
                else
                    break;
            } else {
                break;
            }
        }
    }
}

/* ------------------------------------------------------------ quotients */

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
 * _P forms, which do not look for a quotient, and the outputs a result
 * must look at for one (out_num) are those in such a slot.
 * Flow-insensitive: a register is marked if any writer anywhere may
 * leave one in it.  0, or
 * −1 on no memory (the code is then left as it is). */
int qli_fast_plain_slots(const ql_ruleset *rs, fprog *p, fop *code, size_t n,
                         size_t nslots, const uint8_t *eager)
{
    uint8_t *q = calloc(nslots + 1, 1);
    if (!q)
        return -1;
    for (int changed = 1; changed;) {
        changed = 0;
#define MARK(slot)                                                             \
    do {                                                                       \
        if ((slot) < nslots && !q[slot]) {                                     \
            q[slot] = 1;                                                       \
            changed = 1;                                                       \
        }                                                                      \
    } while (0)
        for (size_t i = 0; i < n; i++) {
            const fop *o = &code[i];
            switch ((fop_code)o->op) {
            case FO_DIV: MARK(o->dst); break;
            case FO_MOVE:
            case FO_NEG:
            case FO_ABS:
                if (o->x < nslots && q[o->x])
                    MARK(o->dst);
                break;
            case FO_MIN2:
            case FO_MAX2:
                if ((o->x < nslots && q[o->x]) || (o->y < nslots && q[o->y]))
                    MARK(o->dst);
                break;
            case FO_MIN:
            case FO_MAX:
                /* the window's first register takes the result too */
                for (uint32_t k = 0; k < o->y; k++)
                    if (o->x + k < nslots && q[o->x + k]) {
                        MARK(o->x);
                        MARK(o->dst);
                    }
                break;
            default: break;
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
        case FO_ADD:
            if (px && py)
                o->op = FO_ADD_P;
            break;
        case FO_SUB:
            if (px && py)
                o->op = FO_SUB_P;
            break;
        case FO_MUL:
            if (px && py)
                o->op = FO_MUL_P;
            break;
        case FO_CMP_NUM:
            if (px && py)
                o->op = FO_CMP_P;
            break;
        case FO_JCMP_NUM:
            if (px && py)
                o->op = FO_JCMP_P;
            break;
        case FO_MIN2:
            if (px && py && !o->a8)
                o->op = FO_MIN2_P;
            break;
        case FO_MAX2:
            if (px && py && !o->a8)
                o->op = FO_MAX2_P;
            break;
        case FO_ROUND:
            if (px)
                o->op = FO_ROUND_P;
            break;
        case FO_DIVROUND:
            if (px && py)
                o->op = FO_DIVROUND_P;
            break;
        default: break;
        }
    }
    /* an output's place j in the result is slot s_comp + j (fprog.out_pos) */
    size_t m = 0;
    for (size_t k = 0; k < p->n_out_num; k++) {
        size_t slot = p->s_comp + p->out_num[k];
        if (slot >= nslots || q[slot])
            p->out_num[m++] = p->out_num[k];
    }
    p->n_out_num = m;
    free(q);
    return 0;
}

/* The slot operands of every instruction as byte offsets into the slot
 * array (fast_code.h), after everything that reasons about slots (jump
 * threading) is done, and jump targets as byte offsets into the code.
 * Counts, check, input and parameter indices stay as they are, as do
 * FO_RET's operand (its callers read the slot it names) and FS_NONE.
 * FO_CK_NA gets its check's first field in x. */
void qli_fast_slots_to_offsets(fop *code, size_t n, uint32_t s_check)
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
        case FO_NEED_IN:
        case FO_NEED_PAR:
        case FO_EVAL:
        case FO_CHECK:
        case FO_JMP:
        case FO_CK_PERIOD:
        case FO_CK_SHORT:
        case FO_RET:
        case FO_FALLBACK: dst = x = 0; break;
        case FO_CK_DONE: dst = 0; break;
        case FO_ASSERT: dst = 0; break;
        case FO_PRESENT: x = 0; break;
        case FO_ADD:
        case FO_SUB:
        case FO_MUL:
        case FO_DIV:
        case FO_CMP_NUM:
        case FO_CMP_DATE:
        case FO_CMP_EQ:
        case FO_CMP_STR:
        case FO_JCMP_NUM:
        case FO_JCMP_DATE:
        case FO_JCMP_EQ:
        case FO_MIN2:
        case FO_MAX2:
        case FO_DIVROUND:
        case FO_DAYS:
        case FO_ADD_DATE:
        case FO_ADD_P:
        case FO_SUB_P:
        case FO_MUL_P:
        case FO_CMP_P:
        case FO_JCMP_P:
        case FO_MIN2_P:
        case FO_MAX2_P:
        case FO_DIVROUND_P: y = 1; break;
        case FO_IN_NUM:
        case FO_IN_INT:
        case FO_IN_STR:
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
