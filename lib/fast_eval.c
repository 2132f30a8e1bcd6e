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

#include <string.h>

/* fn_cmp with its result in *out through a local, so that the
 * interpreter's own c stays in a register. */
static inline int cmp_of(const fval *a, const fval *b, int *out)
{
    int c;
    int st = fn_cmp(a, b, &c);
    *out = c;
    return st;
}

/* Whether a comparison holds, from the compiler's mask (fast_compile.c):
 * bit c + 1 for the ordering c of −1, 0, 1. */
static inline int cmp_holds(int c, int mask) { return (mask >> (c + 1)) & 1; }

static int str_eq(const fval *a, const fval *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* eval.c's add_to_date on a 64-bit number. */
static int add_to_date(ql_date d, const fval *nv, int months, ql_date *out)
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

/* The slot an operand names: the compiler writes slots as byte offsets
 * into the slot array (fast_code.h), so an operand is one load and an
 * address, not an index times 24. */
#define SL(off) (*(fval *)((char *)v + (off)))

/* A jump's target, likewise a byte offset into the code. */
#define AT(off) ((const fop *)((const char *)code + (off)))

/* Two number operands made plain (a quotient divided). */
#define PLAIN2(a, b)                                                         \
    do {                                                                     \
        a = SL(o->x);                                                         \
        b = SL(o->y);                                                         \
        if (((a.d | b.d) != 0) && (fn_plain(&a, &a) || fn_plain(&b, &b)))    \
            return F_FALL;                                                   \
    } while (0)

/* x and y pointing at the two number operands, or at plain copies of
 * them (a, b) when one is a quotient; every fn_* reads its operands
 * before it writes its result, so they may be the result's slot. */
#define OPERANDS(px, py)                                                     \
    do {                                                                     \
        px = &SL(o->x);                                                       \
        py = &SL(o->y);                                                       \
        if ((px->d | py->d) != 0) {                                          \
            PLAIN2(a, b);                                                    \
            px = &a;                                                         \
            py = &b;                                                         \
        }                                                                    \
    } while (0)

/* A check's five fields where it does not apply, as eval.c leaves them:
 * not applicable, compliant, 0 required, 0 actual, 0 short. */
static const fval ck_na_fields[5] = {
    [CF_APPLICABLE] = {0}, [CF_COMPLIANT] = {.c = 1}, [CF_REQUIRED] = {0},
    [CF_ACTUAL] = {0}, [CF_SHORTFALL] = {0}};

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
op_move:
    SL(o->dst) = SL(o->x);
    NEXT();
op_need_in: {
    uint8_t av = s->avail[o->arg];
    if (av != 1)
        return av == 0 && e->in_validation ? F_SKIP : F_FALL;
    NEXT();
}
op_need_skip: {
    uint8_t av = s->avail[o->arg];
    if (av != 1) {
        if (av != 0)
            return F_FALL;
        o = AT(o->x);
        DISPATCH();
    }
    NEXT();
}
op_assert:
    if (!SL(o->x).c)
        return F_FALL; /* the validation fails: eval.c's message */
    NEXT();
op_need_par:
    if (!s->pavail[o->arg])
        return F_FALL;
    NEXT();
op_present:
    fn_set(&SL(o->dst), e->rec->present[o->arg], 0);
    NEXT();
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
op_ck_period:
    if (!s->in_period[o->dst]) {
        o = AT(o->arg);
        DISPATCH();
    }
    NEXT();
op_ck_short: {
    fval *f = &v[p->s_check + 5 * o->dst];
    if (fn_plain(&a, &f[CF_REQUIRED]) || fn_plain(&b, &f[CF_ACTUAL]) ||
        fn_add(&f[CF_SHORTFALL], &a, &b, 1))
        return F_FALL;
    if (f[CF_SHORTFALL].c < 0)
        fn_set(&f[CF_SHORTFALL], 0, 0);
    NEXT();
}
op_ck_done: {
    fval *f = &v[p->s_check + 5 * o->dst];
    fast_check *k = &s->ck[o->dst];
    if (o->x == FS_NONE) {
        if (cmp_of(&f[CF_ACTUAL], &f[CF_REQUIRED], &c))
            return F_FALL;
        k->compliant = c >= 0;
    } else {
        k->compliant = SL(o->x).c != 0;
    }
    k->applicable = 1;
    fn_set(&f[CF_APPLICABLE], 1, 0);
    fn_set(&f[CF_COMPLIANT], k->compliant, 0);
    NEXT();
}
op_ck_na: /* x: the check's first field */
    s->ck[o->dst] = (fast_check){0, 0};
    memcpy(&SL(o->x), ck_na_fields, sizeof ck_na_fields);
    NEXT();
op_param_at: {
    const fparam *fp = &p->params[o->arg];
    int k = qli_param_index_at(&e->rs->params[o->arg], (ql_date)SL(o->x).c);
    if (k < 0 || !fp->ok[k])
        return F_FALL;
    SL(o->dst) = fp->v[k];
    NEXT();
}
op_add:
    OPERANDS(xp, yp);
    if (xp->s == yp->s) {
        int64_t z;
        if (__builtin_add_overflow(xp->c, yp->c, &z))
            return F_FALL;
        fn_set(&SL(o->dst), z, xp->s);
        NEXT();
    }
    if (fn_add(&SL(o->dst), xp, yp, 0))
        return F_FALL;
    NEXT();
op_sub:
    OPERANDS(xp, yp);
    if (fn_add(&SL(o->dst), xp, yp, 1))
        return F_FALL;
    NEXT();
op_mul:
    OPERANDS(xp, yp);
    if (fn_mul(&SL(o->dst), xp, yp))
        return F_FALL;
    NEXT();
op_div: {
    OPERANDS(xp, yp);
    if (yp->c == 0)
        return F_FALL; /* division by zero: eval.c says where */
    int64_t n = xp->c, d = yp->c; /* dst may be x or y */
    int32_t sc = xp->s - yp->s;
    SL(o->dst).c = n;
    SL(o->dst).d = d;
    SL(o->dst).s = sc;
    NEXT();
}
op_neg: /* and abs */
    a = SL(o->x);
    if (a.c == INT64_MIN || a.d == INT64_MIN)
        return F_FALL;
    if (o->op == FO_NEG) {
        a.c = -a.c;
    } else {
        a.c = a.c < 0 ? -a.c : a.c;
        a.d = a.d < 0 ? -a.d : a.d;
    }
    SL(o->dst) = a;
    NEXT();
op_cmp_num: {
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if ((x->d | y->d) == 0 && x->s == y->s)
        c = (x->c > y->c) - (x->c < y->c);
    else if (cmp_of(x, y, &c))
        return F_FALL;
    fn_set(&SL(o->dst), cmp_holds(c, o->a8), 0);
    NEXT();
}
op_cmp_date:
    c = (SL(o->x).c > SL(o->y).c) - (SL(o->x).c < SL(o->y).c);
    fn_set(&SL(o->dst), cmp_holds(c, o->a8), 0);
    NEXT();
op_cmp_eq:
    fn_set(&SL(o->dst), cmp_holds(SL(o->x).c != SL(o->y).c, o->a8), 0);
    NEXT();
op_cmp_str:
    fn_set(&SL(o->dst), cmp_holds(str_eq(&SL(o->x), &SL(o->y)) ? 0 : 1, o->a8), 0);
    NEXT();
op_not:
    fn_set(&SL(o->dst), !SL(o->x).c, 0);
    NEXT();
op_jmp:
    o = AT(o->arg);
    DISPATCH();
op_jf:
    if (!SL(o->x).c) {
        SL(o->dst).c = o->a8;
        o = AT(o->arg);
        DISPATCH();
    }
    NEXT();
op_jt:
    if (SL(o->x).c) {
        SL(o->dst).c = o->a8;
        o = AT(o->arg);
        DISPATCH();
    }
    NEXT();
op_jcmp_num: {
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if ((x->d | y->d) == 0 && x->s == y->s)
        c = (x->c > y->c) - (x->c < y->c);
    else if (cmp_of(x, y, &c))
        return F_FALL;
    goto jcmp;
}
op_jcmp_date:
    c = (SL(o->x).c > SL(o->y).c) - (SL(o->x).c < SL(o->y).c);
    goto jcmp;
op_jcmp_eq:
    c = SL(o->x).c != SL(o->y).c;
jcmp:
    if (cmp_holds(c, o->a8 & 127) == o->a8 >> 7) {
        SL(o->dst).c = o->a8 >> 7;
        o = AT(o->arg);
        DISPATCH();
    }
    NEXT();
op_min2: { /* and max2: y replaces x only when strictly beyond it */
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if (o->a8)
        c = (y->c > x->c) - (y->c < x->c);
    else if ((x->d | y->d) == 0 && x->s == y->s)
        c = (y->c > x->c) - (y->c < x->c);
    else if (cmp_of(y, x, &c))
        return F_FALL;
    SL(o->dst) = c == (o->op == FO_MIN2 ? -1 : 1) ? *y : *x;
    NEXT();
}
op_in: {
    const fval *k = &SL(o->arg), *x = &SL(o->x);
    int hit = 0;
    for (uint32_t i = 0; i < o->y && !hit; i++) {
        if (o->op == FO_IN_NUM) {
            if (cmp_of(x, &k[i], &c))
                return F_FALL;
            hit = c == 0;
        } else if (o->op == FO_IN_STR) {
            hit = str_eq(x, &k[i]);
        } else {
            hit = x->c == k[i].c;
        }
    }
    fn_set(&SL(o->dst), o->a8 ? !hit : hit, 0);
    NEXT();
}
op_minmax: {
    int want = o->op == FO_MIN ? -1 : 1;
    fval *first = &SL(o->x);
    for (uint32_t i = 1; i < o->y; i++) {
        if (o->a8)
            c = (first[i].c > first[0].c) - (first[i].c < first[0].c);
        else if (cmp_of(&first[i], &first[0], &c))
            return F_FALL;
        if (c == want)
            first[0] = first[i];
    }
    SL(o->dst) = first[0];
    NEXT();
}
op_round:
    if (fn_round_any(&SL(o->dst), &SL(o->x), o->arg, (qd_round)o->a8))
        return F_FALL;
    NEXT();
op_divround:
    OPERANDS(xp, yp);
    if (fn_div_round(&SL(o->dst), xp, yp, o->arg, (qd_round)o->a8))
        return F_FALL;
    NEXT();
op_bracket: {
    const ftable *t = s->tab[o->arg];
    if (!t || !t->ok)
        return F_FALL;
    const fval *x = &SL(o->x);
    int hit = -1;
    /* a quotient (an own ratio) is compared with each bound undivided,
     * its places found once */
    int qs = x->d && x->c ? fn_quot_scale(x->c, x->d, x->s) : 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (x->d ? fn_cmp_quot_plain(x, qs, &t->bound[i], &c)
                 : cmp_of(x, &t->bound[i], &c))
            return F_FALL;
        if (c > 0 || (c == 0 && !t->exclusive[i]))
            hit = (int)i;
        else
            break;
    }
    if (hit < 0)
        return F_FALL; /* no bracket covers it: eval.c's error */
    SL(o->dst) = t->value[hit];
    NEXT();
}
op_ymd: {
    int y, m, d;
    qli_date_ymd((ql_date)SL(o->x).c, &y, &m, &d);
    fn_set(&SL(o->dst), o->op == FO_YEAR ? y : o->op == FO_MONTH ? m : d, 0);
    NEXT();
}
op_days:
    fn_set(&SL(o->dst), SL(o->y).c - SL(o->x).c, 0);
    NEXT();
op_add_date: {
    ql_date moved;
    if (add_to_date((ql_date)SL(o->x).c, &SL(o->y), o->a8, &moved))
        return F_FALL;
    fn_set(&SL(o->dst), moved, 0);
    NEXT();
}
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
op_fallback:
    return F_FALL;
    /* the operations on plain numbers (fast_code.h): as above, without
     * looking for a quotient */
op_add_p: {
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if (x->s == y->s) {
        int64_t z;
        if (__builtin_add_overflow(x->c, y->c, &z))
            return F_FALL;
        fn_set(&SL(o->dst), z, x->s);
        NEXT();
    }
    if (fn_add(&SL(o->dst), x, y, 0))
        return F_FALL;
    NEXT();
}
op_sub_p: {
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if (x->s == y->s) {
        int64_t z;
        if (__builtin_sub_overflow(x->c, y->c, &z))
            return F_FALL;
        fn_set(&SL(o->dst), z, x->s);
        NEXT();
    }
    if (fn_add(&SL(o->dst), x, y, 1))
        return F_FALL;
    NEXT();
}
op_mul_p:
    if (fn_mul(&SL(o->dst), &SL(o->x), &SL(o->y)))
        return F_FALL;
    NEXT();
op_cmp_p: {
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if (x->s == y->s)
        c = (x->c > y->c) - (x->c < y->c);
    else if (cmp_of(x, y, &c))
        return F_FALL;
    fn_set(&SL(o->dst), cmp_holds(c, o->a8), 0);
    NEXT();
}
op_jcmp_p: {
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if (x->s == y->s)
        c = (x->c > y->c) - (x->c < y->c);
    else if (cmp_of(x, y, &c))
        return F_FALL;
    goto jcmp;
}
op_min2_p: { /* and max2_p */
    const fval *x = &SL(o->x), *y = &SL(o->y);
    if (x->s == y->s)
        c = (y->c > x->c) - (y->c < x->c);
    else if (cmp_of(y, x, &c))
        return F_FALL;
    SL(o->dst) = c == (o->op == FO_MIN2_P ? -1 : 1) ? *y : *x;
    NEXT();
}
op_round_p:
    if (fn_round(&SL(o->dst), &SL(o->x), o->arg, (qd_round)o->a8))
        return F_FALL;
    NEXT();
op_divround_p:
    if (fn_div_round(&SL(o->dst), &SL(o->x), &SL(o->y), o->arg, (qd_round)o->a8))
        return F_FALL;
    NEXT();
}

int qli_fast_run(fctx *e, const fop *start, uint32_t *ret)
{
    int entry = e->nframes;
    int st = run_loop(e, start, ret, entry);
    if (st)
        while (e->nframes > entry) {
            int k = e->s->frames[--e->nframes].k;
            if (k >= 0)
                e->s->cst[k] = 0;
        }
    return st;
}
