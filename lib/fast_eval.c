/*
 * fast_eval.c — the fast path's interpreter: one loop over the register
 * bytecode (fast_code.h), values in 64 bits (fast_num.h).
 *
 * It follows eval.c step for step where a step can be seen: computed
 * values and checks evaluated on demand and once, a validation that reads
 * an empty field skipped.  Where eval.c would fail — and wherever 64 bits
 * do not suffice — it stops and says so, and the record goes to eval.c,
 * so every message and location stays eval.c's.  Nothing here allocates.
 * The record's fields are read in and the result written out by
 * fast_io.c.
 */
#include "decimal.h"
#include "date.h"
#include "value.h"
#include "ruleset.h"
#include "fast_num.h"
#include "fast_code.h"
#include "fast_run.h"
#include "fast_ops.h"

#include <string.h>

/* eval.c's add_to_date on a 64-bit number. */
int qli_fop_add_date(ql_date d, const fval *nv, int months, ql_date *out)
{
    fval n;
    if (fn_plain(&n, nv))
        return -1;
    int64_t whole;
    if (n.s == 0) {
        whole = n.c;
    } else if (n.s > 18) {
        if (n.c != 0)
            return -1; /* |c| < 10^19: not whole */
        whole = 0;
    } else {
        if (n.c % fn_p10[n.s] != 0)
            return -1;
        whole = n.c / fn_p10[n.s];
    }
    if (whole > 3660000 || whole < -3660000)
        return -1;
    int k = (int)whole, y, m, dd;
    if (months == 0) {
        qli_date_ymd(d + k, &y, &m, &dd);
        *out = d + k;
        return y >= 1 && y <= 9999 ? 0 : -1;
    }
    qli_date_ymd(d, &y, &m, &dd);
    long total = (long)y * 12 + (m - 1) + (long)k * months;
    int ny = (int)(total / 12), nm = (int)(total % 12) + 1;
    if (ny < 1 || ny > 9999)
        return -1;
    while (ql_date_from_ymd(out, ny, nm, dd) != QL_OK)
        dd--;
    return 0;
}

/* A jump's target, a byte offset into the code. */
#define AT(off) ((const fop *)((const char *)code + (off)))

/* Threaded dispatch: each instruction jumps to the next one's code. */
#define DISPATCH() goto *labels[o->op]
#define NEXT()                                                               \
    do {                                                                     \
        o++;                                                                 \
        DISPATCH();                                                          \
    } while (0)

/* Enters a block: a jump, not a C call; its FO_RET comes back to o. */
#define ENTER(start, to, kk)                                                 \
    do {                                                                     \
        fframe *f_ = &s->frames[e->nframes++];                               \
        f_->ret = o;                                                         \
        f_->dst = (to);                                                      \
        f_->k = (kk);                                                        \
        o = (start);                                                         \
        DISPATCH();                                                          \
    } while (0)

static int run_loop(fctx *e, const fop *o, uint32_t *ret, int entry)
{
    static const void *const labels[] = {
        [FO_MOVE] = &&op_move, [FO_NEED_IN] = &&op_need_in,
        [FO_NEED_PAR] = &&op_need_par, [FO_NEED_SKIP] = &&op_need_skip,
        [FO_ASSERT] = &&op_assert, [FO_PRESENT] = &&op_present,
        [FO_EVAL] = &&op_eval, [FO_CHECK] = &&op_check,
        [FO_PARAM_AT] = &&op_param_at, [FO_ADD] = &&op_add, [FO_SUB] = &&op_sub,
        [FO_MUL] = &&op_mul, [FO_DIV] = &&op_div, [FO_NEG] = &&op_neg,
        [FO_ABS] = &&op_neg, [FO_CMP_NUM] = &&op_cmp_num,
        [FO_CMP_DATE] = &&op_cmp_date, [FO_CMP_EQ] = &&op_cmp_eq,
        [FO_CMP_STR] = &&op_cmp_str, [FO_NOT] = &&op_not, [FO_JMP] = &&op_jmp,
        [FO_JF] = &&op_jf, [FO_JT] = &&op_jt, [FO_JCMP_NUM] = &&op_jcmp_num,
        [FO_JCMP_DATE] = &&op_jcmp_date, [FO_JCMP_EQ] = &&op_jcmp_eq,
        [FO_MIN2] = &&op_min2, [FO_MAX2] = &&op_min2, [FO_IN_NUM] = &&op_in,
        [FO_IN_INT] = &&op_in, [FO_IN_STR] = &&op_in, [FO_MIN] = &&op_minmax,
        [FO_MAX] = &&op_minmax, [FO_ROUND] = &&op_round,
        [FO_DIVROUND] = &&op_divround, [FO_BRACKET] = &&op_bracket,
        [FO_YEAR] = &&op_ymd, [FO_MONTH] = &&op_ymd, [FO_DAY] = &&op_ymd,
        [FO_DAYS] = &&op_days, [FO_ADD_DATE] = &&op_add_date,
        [FO_CK_PERIOD] = &&op_ck_period,
        [FO_CK_SHORT] = &&op_ck_short, [FO_CK_DONE] = &&op_ck_done,
        [FO_CK_NA] = &&op_ck_na, [FO_RET] = &&op_ret,
        [FO_FALLBACK] = &&op_fallback, [FO_ADD_P] = &&op_add_p,
        [FO_SUB_P] = &&op_sub_p, [FO_MUL_P] = &&op_mul_p,
        [FO_CMP_P] = &&op_cmp_p, [FO_JCMP_P] = &&op_jcmp_p,
        [FO_MIN2_P] = &&op_min2_p, [FO_MAX2_P] = &&op_min2_p,
        [FO_ROUND_P] = &&op_round_p, [FO_DIVROUND_P] = &&op_divround_p};
    const fprog *p = e->p;
    const fop *code = p->code;
    fval *v = e->v;
    struct fast_scratch *s = e->s;
    fval a, b;
    const fval *xp, *yp;
    int c;
    DISPATCH();
#define JUMP(off)                                                            \
    do {                                                                     \
        o = AT(off);                                                         \
        DISPATCH();                                                          \
    } while (0)
op_move: FOPB_MOVE
op_need_in: FOPB_NEED_IN
op_need_skip: FOPB_NEED_SKIP
op_assert: FOPB_ASSERT
op_need_par: FOPB_NEED_PAR
op_present: FOPB_PRESENT
op_eval:
    if (s->cst[o->arg] != 2) {
        s->cst[o->arg] = 1;
        ENTER((o->a8 ? s->mentry : s->centry)[o->arg], p->comp_slot[o->arg],
              o->arg);
    }
    NEXT();
op_check:
    if (s->kst[o->arg] != 2)
        ENTER(s->kentry[o->arg], FS_NONE, -o->arg - 2);
    NEXT();
op_ck_period: FOPB_CK_PERIOD
op_ck_short: FOPB_CK_SHORT
op_ck_done: FOPB_CK_DONE
op_ck_na: FOPB_CK_NA
op_param_at: FOPB_PARAM_AT
op_add: FOPB_ADD
op_sub: FOPB_SUB
op_mul: FOPB_MUL
op_div: FOPB_DIV
op_neg: FOPB_NEG
op_cmp_num: FOPB_CMP_NUM
op_cmp_date: FOPB_CMP_DATE
op_cmp_eq: FOPB_CMP_EQ
op_cmp_str: FOPB_CMP_STR
op_not: FOPB_NOT
op_jmp: FOPB_JMP
op_jf: FOPB_JF
op_jt: FOPB_JT
op_jcmp_num: FOPB_JCMP_NUM
op_jcmp_date: FOPB_JCMP_DATE
op_jcmp_eq: FOPB_JCMP_EQ
op_min2: FOPB_MIN2
op_in: FOPB_IN
op_minmax: FOPB_MINMAX
op_round: FOPB_ROUND
op_divround: FOPB_DIVROUND
op_bracket: FOPB_BRACKET
op_ymd: FOPB_YMD
op_days: FOPB_DAYS
op_add_date: FOPB_ADD_DATE
op_ret:
    if (e->nframes > entry) {
        /* a block entered above is done */
        fframe *f = &s->frames[--e->nframes];
        if (f->dst != FS_NONE)
            v[f->dst] = v[o->x];
        if (f->k >= 0)
            s->cst[f->k] = 2;
        else if (f->k < -1)
            s->kst[-f->k - 2] = 2;
        o = f->ret;
        NEXT();
    }
    *ret = o->x;
    return FN_OK;
op_fallback: FOPB_FALLBACK
op_add_p: FOPB_ADD_P
op_sub_p: FOPB_SUB_P
op_mul_p: FOPB_MUL_P
op_cmp_p: FOPB_CMP_P
op_jcmp_p: FOPB_JCMP_P
op_min2_p: FOPB_MIN2_P
op_round_p: FOPB_ROUND_P
op_divround_p: FOPB_DIVROUND_P
#undef JUMP
}

int qli_fast_run(fctx *e, const fop *start, uint32_t *ret)
{
    int entry = e->nframes;
    int st = e->p->native ? e->p->native(e, start, ret)
                          : run_loop(e, start, ret, entry);
    if (st)
        while (e->nframes > entry) {
            int k = e->s->frames[--e->nframes].k;
            if (k >= 0)
                e->s->cst[k] = 0;
        }
    return st;
}
