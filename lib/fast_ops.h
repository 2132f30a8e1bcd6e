/*
 * fast_ops.h — what each instruction of the fast path's bytecode does
 * (fast_code.h), written once for its two runners: the interpreter
 * (fast_eval.c), which reads each instruction as it comes, and the C
 * generated at build time for the bundled rule sets (fast_gen.c), which
 * has one copy of a body per instruction with its operands constant.
 * Both runners give the same results because they run the same bodies.
 *
 * A body reads its instruction through `o` and the slots through `v`;
 * the runner declares e, p, s, v, a, b, xp, yp and c, and defines
 * NEXT() (on to the next instruction) and JUMP(off) (to the instruction
 * at byte offset off, the one target an instruction has).  A body ends
 * in one of them or in a return of F_FALL or F_SKIP.  Entering a value
 * or a check (FO_EVAL, FO_CHECK) and FO_RET are the runners' own.
 * Internal.
 */
#ifndef QL_FAST_OPS_H
#define QL_FAST_OPS_H

#include "date.h"
#include "fast_code.h"
#include "fast_num.h"
#include "fast_run.h"
#include "ruleset.h"

#include <string.h>

/* fn_cmp with its result in *out through a local, so that the runner's
 * own c stays in a register. */
static inline int qli_fop_cmp(const fval *a, const fval *b, int *out)
{
    int c;
    int st = fn_cmp(a, b, &c);
    *out = c;
    return st;
}

/* Whether a comparison holds, from the compiler's mask (fast_compile.c):
 * bit c + 1 for the ordering c of −1, 0, 1. */
static inline int qli_fop_holds(int c, int mask)
{
    return (mask >> (c + 1)) & 1;
}

static inline int qli_fop_str_eq(const fval *a, const fval *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* eval.c's add_to_date on a 64-bit number (fast_eval.c). */
int qli_fop_add_date(ql_date d, const fval *nv, int months, ql_date *out);

/* The slot an operand names: the compiler writes slots as byte offsets
 * into the slot array (fast_code.h), so an operand is one load and an
 * address, not an index times 24. */
#define SL(off) (*(fval *)((char *)v + (off)))

/* Two number operands made plain (a quotient divided). */
#define PLAIN2(a, b)                                                           \
    do {                                                                       \
        a = SL(o->x);                                                          \
        b = SL(o->y);                                                          \
        if (((a.d | b.d) != 0) && (fn_plain(&a, &a) || fn_plain(&b, &b)))      \
            return F_FALL;                                                     \
    } while (0)

/* x and y pointing at the two number operands, or at plain copies of
 * them (a, b) when one is a quotient; every fn_* reads its operands
 * before it writes its result, so they may be the result's slot. */
#define OPERANDS(px, py)                                                       \
    do {                                                                       \
        px = &SL(o->x);                                                        \
        py = &SL(o->y);                                                        \
        if ((px->d | py->d) != 0) {                                            \
            PLAIN2(a, b);                                                      \
            px = &a;                                                           \
            py = &b;                                                           \
        }                                                                      \
    } while (0)

/* A check's five fields where it does not apply, as eval.c leaves them:
 * not applicable, compliant, 0 required, 0 actual, 0 short. */
static const fval qli_fop_ck_na[5] = {[CF_APPLICABLE] = {0},
                                      [CF_COMPLIANT] = {.c = 1},
                                      [CF_REQUIRED] = {0},
                                      [CF_ACTUAL] = {0},
                                      [CF_SHORTFALL] = {0}};

#define FOPB_MOVE                                                              \
    SL(o->dst) = SL(o->x);                                                     \
    NEXT();

#define FOPB_NEED_IN                                                           \
    {                                                                          \
        uint8_t av = s->avail[o->arg];                                         \
        if (av != 1)                                                           \
            return av == 0 && e->in_validation ? F_SKIP : F_FALL;              \
        NEXT();                                                                \
    }

#define FOPB_NEED_SKIP                                                         \
    {                                                                          \
        uint8_t av = s->avail[o->arg];                                         \
        if (av != 1) {                                                         \
            if (av != 0)                                                       \
                return F_FALL;                                                 \
            JUMP(o->x);                                                        \
        }                                                                      \
        NEXT();                                                                \
    }

#define FOPB_ASSERT                                                            \
    if (!SL(o->x).c)                                                           \
        return F_FALL; /* the validation fails: eval.c's message */            \
    NEXT();

#define FOPB_NEED_PAR                                                          \
    if (!s->pavail[o->arg])                                                    \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_PRESENT                                                           \
    fn_set(&SL(o->dst), e->present[o->arg], 0);                                \
    NEXT();

#define FOPB_CK_PERIOD                                                         \
    if (!s->in_period[o->dst])                                                 \
        JUMP(o->arg);                                                          \
    NEXT();

#define FOPB_CK_SHORT                                                          \
    {                                                                          \
        fval *f = &v[p->s_check + 5 * o->dst];                                 \
        if (fn_plain(&a, &f[CF_REQUIRED]) || fn_plain(&b, &f[CF_ACTUAL]) ||    \
            fn_add(&f[CF_SHORTFALL], &a, &b, 1))                               \
            return F_FALL;                                                     \
        if (f[CF_SHORTFALL].c < 0)                                             \
            fn_set(&f[CF_SHORTFALL], 0, 0);                                    \
        NEXT();                                                                \
    }

#define FOPB_CK_DONE                                                           \
    {                                                                          \
        fval *f = &v[p->s_check + 5 * o->dst];                                 \
        fast_check *k = &s->ck[o->dst];                                        \
        if (o->x == FS_NONE) {                                                 \
            if (qli_fop_cmp(&f[CF_ACTUAL], &f[CF_REQUIRED], &c))               \
                return F_FALL;                                                 \
            k->compliant = c >= 0;                                             \
        } else {                                                               \
            k->compliant = SL(o->x).c != 0;                                    \
        }                                                                      \
        k->applicable = 1;                                                     \
        fn_set(&f[CF_APPLICABLE], 1, 0);                                       \
        fn_set(&f[CF_COMPLIANT], k->compliant, 0);                             \
        NEXT();                                                                \
    }

#define FOPB_CK_NA /* x: the check's first field */                            \
    s->ck[o->dst] = (fast_check){0, 0};                                        \
    memcpy(&SL(o->x), qli_fop_ck_na, sizeof qli_fop_ck_na);                    \
    NEXT();

#define FOPB_PARAM_AT                                                          \
    {                                                                          \
        const fparam *fp = &p->params[o->arg];                                 \
        int k =                                                                \
            qli_param_index_at(&e->rs->params[o->arg], (ql_date)SL(o->x).c);   \
        if (k < 0 || !fp->ok[k])                                               \
            return F_FALL;                                                     \
        SL(o->dst) = fp->v[k];                                                 \
        NEXT();                                                                \
    }

#define FOPB_ADD                                                               \
    OPERANDS(xp, yp);                                                          \
    if (xp->s == yp->s) {                                                      \
        int64_t z;                                                             \
        if (__builtin_add_overflow(xp->c, yp->c, &z))                          \
            return F_FALL;                                                     \
        fn_set(&SL(o->dst), z, xp->s);                                         \
        NEXT();                                                                \
    }                                                                          \
    if (fn_add(&SL(o->dst), xp, yp, 0))                                        \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_SUB                                                               \
    OPERANDS(xp, yp);                                                          \
    if (fn_add(&SL(o->dst), xp, yp, 1))                                        \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_MUL                                                               \
    OPERANDS(xp, yp);                                                          \
    if (fn_mul(&SL(o->dst), xp, yp))                                           \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_DIV                                                               \
    {                                                                          \
        OPERANDS(xp, yp);                                                      \
        if (yp->c == 0)                                                        \
            return F_FALL; /* division by zero: eval.c says where */           \
        int64_t n = xp->c, d = yp->c; /* dst may be x or y */                  \
        int32_t sc = xp->s - yp->s;                                            \
        SL(o->dst).c = n;                                                      \
        SL(o->dst).d = d;                                                      \
        SL(o->dst).s = sc;                                                     \
        NEXT();                                                                \
    }

#define FOPB_NEG /* and abs */                                                 \
    a = SL(o->x);                                                              \
    if (a.c == INT64_MIN || a.d == INT64_MIN)                                  \
        return F_FALL;                                                         \
    if (o->op == FO_NEG) {                                                     \
        a.c = -a.c;                                                            \
    } else {                                                                   \
        a.c = a.c < 0 ? -a.c : a.c;                                            \
        a.d = a.d < 0 ? -a.d : a.d;                                            \
    }                                                                          \
    SL(o->dst) = a;                                                            \
    NEXT();

#define FOPB_CMP_NUM                                                           \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if ((x->d | y->d) == 0 && x->s == y->s)                                \
            c = (x->c > y->c) - (x->c < y->c);                                 \
        else if (qli_fop_cmp(x, y, &c))                                        \
            return F_FALL;                                                     \
        fn_set(&SL(o->dst), qli_fop_holds(c, o->a8), 0);                       \
        NEXT();                                                                \
    }

#define FOPB_CMP_DATE                                                          \
    c = (SL(o->x).c > SL(o->y).c) - (SL(o->x).c < SL(o->y).c);                 \
    fn_set(&SL(o->dst), qli_fop_holds(c, o->a8), 0);                           \
    NEXT();

#define FOPB_CMP_EQ                                                            \
    fn_set(&SL(o->dst), qli_fop_holds(SL(o->x).c != SL(o->y).c, o->a8), 0);    \
    NEXT();

#define FOPB_CMP_STR                                                           \
    fn_set(&SL(o->dst),                                                        \
           qli_fop_holds(qli_fop_str_eq(&SL(o->x), &SL(o->y)) ? 0 : 1, o->a8), \
           0);                                                                 \
    NEXT();

#define FOPB_NOT                                                               \
    fn_set(&SL(o->dst), !SL(o->x).c, 0);                                       \
    NEXT();

#define FOPB_JMP JUMP(o->arg);

#define FOPB_JF                                                                \
    if (!SL(o->x).c) {                                                         \
        SL(o->dst).c = o->a8;                                                  \
        JUMP(o->arg);                                                          \
    }                                                                          \
    NEXT();

#define FOPB_JT                                                                \
    if (SL(o->x).c) {                                                          \
        SL(o->dst).c = o->a8;                                                  \
        JUMP(o->arg);                                                          \
    }                                                                          \
    NEXT();

/* A compare-and-jump's end, c the ordering (or inequality) found. */
#define FOPB_JCMP_TAIL                                                         \
    if (qli_fop_holds(c, o->a8 & 127) == o->a8 >> 7) {                         \
        SL(o->dst).c = o->a8 >> 7;                                             \
        JUMP(o->arg);                                                          \
    }                                                                          \
    NEXT();

#define FOPB_JCMP_NUM                                                          \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if ((x->d | y->d) == 0 && x->s == y->s)                                \
            c = (x->c > y->c) - (x->c < y->c);                                 \
        else if (qli_fop_cmp(x, y, &c))                                        \
            return F_FALL;                                                     \
    }                                                                          \
    FOPB_JCMP_TAIL

#define FOPB_JCMP_DATE                                                         \
    c = (SL(o->x).c > SL(o->y).c) - (SL(o->x).c < SL(o->y).c);                 \
    FOPB_JCMP_TAIL

#define FOPB_JCMP_EQ                                                           \
    c = SL(o->x).c != SL(o->y).c;                                              \
    FOPB_JCMP_TAIL

#define FOPB_MIN2 /* and max2: y replaces x only when strictly beyond it */    \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if (o->a8)                                                             \
            c = (y->c > x->c) - (y->c < x->c);                                 \
        else if ((x->d | y->d) == 0 && x->s == y->s)                           \
            c = (y->c > x->c) - (y->c < x->c);                                 \
        else if (qli_fop_cmp(y, x, &c))                                        \
            return F_FALL;                                                     \
        SL(o->dst) = c == (o->op == FO_MIN2 ? -1 : 1) ? *y : *x;               \
        NEXT();                                                                \
    }

#define FOPB_IN                                                                \
    {                                                                          \
        const fval *k = &SL(o->arg), *x = &SL(o->x);                           \
        int hit = 0;                                                           \
        for (uint32_t i = 0; i < o->y && !hit; i++) {                          \
            if (o->op == FO_IN_NUM) {                                          \
                if (qli_fop_cmp(x, &k[i], &c))                                 \
                    return F_FALL;                                             \
                hit = c == 0;                                                  \
            } else if (o->op == FO_IN_STR) {                                   \
                hit = qli_fop_str_eq(x, &k[i]);                                \
            } else {                                                           \
                hit = x->c == k[i].c;                                          \
            }                                                                  \
        }                                                                      \
        fn_set(&SL(o->dst), o->a8 ? !hit : hit, 0);                            \
        NEXT();                                                                \
    }

#define FOPB_MINMAX                                                            \
    {                                                                          \
        int want = o->op == FO_MIN ? -1 : 1;                                   \
        fval *first = &SL(o->x);                                               \
        for (uint32_t i = 1; i < o->y; i++) {                                  \
            if (o->a8)                                                         \
                c = (first[i].c > first[0].c) - (first[i].c < first[0].c);     \
            else if (qli_fop_cmp(&first[i], &first[0], &c))                    \
                return F_FALL;                                                 \
            if (c == want)                                                     \
                first[0] = first[i];                                           \
        }                                                                      \
        SL(o->dst) = first[0];                                                 \
        NEXT();                                                                \
    }

#define FOPB_ROUND                                                             \
    if (fn_round_any(&SL(o->dst), &SL(o->x), o->arg, (qd_round)o->a8))         \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_DIVROUND                                                          \
    OPERANDS(xp, yp);                                                          \
    if (fn_div_round(&SL(o->dst), xp, yp, o->arg, (qd_round)o->a8))            \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_BRACKET                                                           \
    {                                                                          \
        const ftable *t = s->tab[o->arg];                                      \
        if (!t || !t->ok)                                                      \
            return F_FALL;                                                     \
        const fval *x = &SL(o->x);                                             \
        int hit = -1;                                                          \
        /* a quotient (an own ratio) is compared with each bound               \
         * undivided, its places found once */                                 \
        int qs = x->d && x->c ? fn_quot_scale(x->c, x->d, x->s) : 0;           \
        for (size_t i = 0; i < t->nrows; i++) {                                \
            if (x->d ? fn_cmp_quot_plain(x, qs, &t->bound[i], &c)              \
                     : qli_fop_cmp(x, &t->bound[i], &c))                       \
                return F_FALL;                                                 \
            if (c > 0 || (c == 0 && !t->exclusive[i]))                         \
                hit = (int)i;                                                  \
            else                                                               \
                break;                                                         \
        }                                                                      \
        if (hit < 0)                                                           \
            return F_FALL; /* no bracket covers it: eval.c's error */          \
        SL(o->dst) = t->value[hit];                                            \
        NEXT();                                                                \
    }

#define FOPB_YMD                                                               \
    {                                                                          \
        int y, m, d;                                                           \
        qli_date_ymd((ql_date)SL(o->x).c, &y, &m, &d);                         \
        fn_set(&SL(o->dst),                                                    \
               o->op == FO_YEAR    ? y                                         \
               : o->op == FO_MONTH ? m                                         \
                                   : d,                                        \
               0);                                                             \
        NEXT();                                                                \
    }

#define FOPB_DAYS                                                              \
    fn_set(&SL(o->dst), SL(o->y).c - SL(o->x).c, 0);                           \
    NEXT();

#define FOPB_ADD_DATE                                                          \
    {                                                                          \
        ql_date moved;                                                         \
        if (qli_fop_add_date((ql_date)SL(o->x).c, &SL(o->y), o->a8, &moved))   \
            return F_FALL;                                                     \
        fn_set(&SL(o->dst), moved, 0);                                         \
        NEXT();                                                                \
    }

#define FOPB_FALLBACK return F_FALL;

/* the operations on plain numbers (fast_code.h): as above, without
 * looking for a quotient */
/* x + y (overflow = __builtin_add_overflow, negate 0) or x − y
 * (__builtin_sub_overflow, 1): at one scale in one checked step, else
 * fn_add aligns the scales. */
#define FOPB_ADDSUB_P(overflow, negate)                                        \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if (x->s == y->s) {                                                    \
            int64_t z;                                                         \
            if (overflow(x->c, y->c, &z))                                      \
                return F_FALL;                                                 \
            fn_set(&SL(o->dst), z, x->s);                                      \
            NEXT();                                                            \
        }                                                                      \
        if (fn_add(&SL(o->dst), x, y, (negate)))                               \
            return F_FALL;                                                     \
        NEXT();                                                                \
    }
#define FOPB_ADD_P FOPB_ADDSUB_P(__builtin_add_overflow, 0)
#define FOPB_SUB_P FOPB_ADDSUB_P(__builtin_sub_overflow, 1)

#define FOPB_MUL_P                                                             \
    if (fn_mul(&SL(o->dst), &SL(o->x), &SL(o->y)))                             \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_CMP_P                                                             \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if (x->s == y->s)                                                      \
            c = (x->c > y->c) - (x->c < y->c);                                 \
        else if (qli_fop_cmp(x, y, &c))                                        \
            return F_FALL;                                                     \
        fn_set(&SL(o->dst), qli_fop_holds(c, o->a8), 0);                       \
        NEXT();                                                                \
    }

#define FOPB_JCMP_P                                                            \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if (x->s == y->s)                                                      \
            c = (x->c > y->c) - (x->c < y->c);                                 \
        else if (qli_fop_cmp(x, y, &c))                                        \
            return F_FALL;                                                     \
    }                                                                          \
    FOPB_JCMP_TAIL

#define FOPB_MIN2_P /* and max2_p */                                           \
    {                                                                          \
        const fval *x = &SL(o->x), *y = &SL(o->y);                             \
        if (x->s == y->s)                                                      \
            c = (y->c > x->c) - (y->c < x->c);                                 \
        else if (qli_fop_cmp(y, x, &c))                                        \
            return F_FALL;                                                     \
        SL(o->dst) = c == (o->op == FO_MIN2_P ? -1 : 1) ? *y : *x;             \
        NEXT();                                                                \
    }

#define FOPB_ROUND_P                                                           \
    if (fn_round(&SL(o->dst), &SL(o->x), o->arg, (qd_round)o->a8))             \
        return F_FALL;                                                         \
    NEXT();

#define FOPB_DIVROUND_P                                                        \
    if (fn_div_round(&SL(o->dst), &SL(o->x), &SL(o->y), o->arg,                \
                     (qd_round)o->a8))                                         \
        return F_FALL;                                                         \
    NEXT();

#endif
