/*
 * fast_eval.c — the fast path's interpreter: one loop over the register
 * bytecode (fast_code.h), values in 64 bits (fast_num.h).
 *
 * It follows eval.c step for step where a step can be seen: required
 * fields first, validations in order (one that reads an empty field is
 * skipped), then the outputs, then every check; computed values and
 * checks evaluated on demand and once.  Where eval.c would fail — and
 * wherever 64 bits do not suffice — it stops and says so, leaving the
 * result untouched, and qli_evaluate asks eval.c, so every message and
 * location stays eval.c's.  Nothing here allocates.
 */
#include "decimal.h"
#include "util.h"
#include "date.h"
#include "value.h"
#include "expr.h"
#include "code.h"
#include "ruleset.h"
#include "eval.h"
#include "fast_num.h"
#include "fast_code.h"
#include "fast.h"

#include <stdlib.h>
#include <string.h>

/* How a block ended, besides FN_OK. */
enum { F_FALL = 1, F_SKIP = 2 };

typedef struct fast_check {
    uint8_t applicable, compliant;
} fast_check;

struct fast_scratch {
    const ql_ruleset *rs;
    fval *v;            /* the slots */
    uint8_t *avail;     /* per input, then per parameter: 1 usable */
    uint8_t *cst, *kst; /* computed values and checks: 2 done */
    fast_check *ck;
    const ftable **tab; /* per parameter: its table on pdate */
    uint8_t *blk_ok;    /* per block: every parameter it reads is in force */
    const fop **entry;  /* per block: where it starts on pdate */
    const fop **centry; /* per computed value: its block's entry */
    const fop **mentry; /* the same, its form for the main program */
    const fop *main_entry; /* the main program's form for pdate */
    int date_ok; /* the date's program ran (fprog.date_start) */
    const fop **kentry; /* per check: its code's entry */
    uint8_t *in_period; /* per check: pdate within its from … until */
    struct fframe *frames; /* computed values being evaluated */
    ql_date pdate;
};

/* A computed value entered by FO_EVAL: where its caller goes on.
 * Entering a value is a jump, not a C call, as in eval.c. */
typedef struct fframe {
    const fop *ret;
    uint32_t dst; /* where the value goes, or FS_NONE */
    int32_t k;    /* computed value k ≥ 0 done; check −k − 2 done; −1 none */
} fframe;

typedef struct fctx {
    const ql_ruleset *rs;
    const fprog *p;
    struct fast_scratch *s;
    fval *v;
    const ql_record *rec;
    int in_validation;
    int nframes;
} fctx;

struct fast_scratch *qli_fast_scratch_new(const ql_ruleset *rs)
{
    const fprog *p = rs->fast;
    if (!p)
        return NULL;
    struct fast_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->v = calloc(p->nslots + 1, sizeof *s->v);
    s->avail = calloc(rs->n_inputs + rs->n_params + 1, 1);
    s->cst = calloc(rs->n_computed + 1, 1);
    s->kst = calloc(rs->n_checks + 1, 1);
    s->ck = calloc(rs->n_checks + 1, sizeof *s->ck);
    s->tab = calloc(rs->n_params + 1, sizeof *s->tab);
    s->blk_ok = calloc(rs->nblocks + 1, 1);
    s->entry = calloc(rs->nblocks + 1, sizeof *s->entry);
    s->centry = calloc(rs->n_computed + 1, sizeof *s->centry);
    s->mentry = calloc(rs->n_computed + 1, sizeof *s->mentry);
    s->kentry = calloc(rs->n_checks + 1, sizeof *s->kentry);
    s->in_period = calloc(rs->n_checks + 1, 1);
    /* every computed value and every check may be in progress at once
     * (a check reading another enters it too) */
    s->frames = calloc(rs->n_computed + rs->n_checks + 1, sizeof *s->frames);
    if (!s->v || !s->avail || !s->cst || !s->kst || !s->ck || !s->tab ||
        !s->blk_ok || !s->in_period || !s->frames || !s->entry || !s->centry ||
        !s->mentry || !s->kentry) {
        qli_fast_scratch_free(s);
        return NULL;
    }
    if (rs->nconsts)
        memcpy(s->v + p->s_const, p->consts, rs->nconsts * sizeof *s->v);
    for (size_t k = 0; k < rs->n_computed; k++)
        if (p->comp_const[k] >= 0)
            s->v[p->s_comp + k] = p->consts[p->comp_const[k]];
    s->rs = rs;
    s->pdate = INT32_MIN;
    return s;
}

void qli_fast_scratch_free(struct fast_scratch *s)
{
    if (!s)
        return;
    free(s->v);
    free(s->avail);
    free(s->cst);
    free(s->kst);
    free(s->ck);
    free(s->tab);
    free(s->blk_ok);
    free(s->entry);
    free(s->centry);
    free(s->mentry);
    free(s->kentry);
    free(s->in_period);
    free(s->frames);
    free(s);
}

/* The parameters in force on date, in their slots. */
static void load_params(fctx *e, ql_date date)
{
    const ql_ruleset *rs = e->rs;
    struct fast_scratch *s = e->s;
    uint8_t *avail = s->avail + rs->n_inputs;
    for (size_t i = 0; i < rs->n_params; i++) {
        const fparam *fp = &e->p->params[i];
        int k = qli_param_index_at(&rs->params[i], date);
        avail[i] = k >= 0 && fp->ok[k];
        s->tab[i] = NULL;
        if (!avail[i])
            continue;
        if (fp->tab)
            s->tab[i] = &fp->tab[k];
        else
            e->v[e->p->s_param + i] = fp->v[k];
    }
    for (size_t b = 0; b < rs->nblocks; b++) {
        uint8_t ok = 1;
        for (uint32_t k = e->p->par_first[b]; k < e->p->par_first[b + 1]; k++)
            ok &= avail[e->p->par[k]];
        s->blk_ok[b] = ok;
        s->entry[b] = &e->p->code[ok ? e->p->start[b] : e->p->start_chk[b]];
    }
    for (size_t k = 0; k < rs->n_computed; k++) {
        int b = rs->computed[k].block;
        s->centry[k] = s->entry[b];
        s->mentry[k] = &e->p->code[s->blk_ok[b] ? e->p->mstart[b] : e->p->mstart_chk[b]];
    }
    uint8_t main_ok = 1;
    for (size_t k = 0; k < e->p->n_main_par; k++)
        main_ok &= avail[e->p->main_par[k]];
    s->main_entry = &e->p->code[main_ok ? e->p->main_start : e->p->main_start_chk];
    for (size_t k = 0; k < rs->n_checks; k++) {
        const check_def *d = &rs->checks[k];
        s->in_period[k] = !((d->from >= 0 && date < d->from) ||
                            (d->until >= 0 && date > d->until));
        int parts[5] = {d->applies, d->required, d->actual, d->shortfall,
                        d->compliant};
        uint8_t ok = 1;
        for (int j = 0; j < 5; j++)
            if (parts[j] >= 0)
                ok &= s->blk_ok[parts[j]];
        s->kentry[k] = &e->p->code[ok ? e->p->check_start[k] : e->p->check_start_chk[k]];
    }
    s->pdate = date;
}

/* The record's fields in their slots; F_FALL if one does not fit, or
 * is empty where that is eval.c's error (p->in_empty 3). */
__attribute__((noinline)) /* its own line in a profile */
static int load_inputs(fctx *e)
{
    const fprog *p = e->p;
    const uint8_t *present = e->rec->present, *empty = p->in_empty,
                  *kind = p->in_kind;
    const qval *q = e->rec->vals;
    const fval *def = p->defaults;
    fval *v = e->v + p->s_input;
    uint8_t *avail = e->s->avail;
    size_t n = e->rs->n_inputs;
    for (size_t i = 0; i < n; i++) {
        if (!present[i]) {
            uint8_t a = empty[i];
            if (a == 3)
                return F_FALL;
            avail[i] = a;
            if (a == 1)
                v[i] = def[i];
            continue;
        }
        avail[i] = 1;
        switch (kind[i]) {
        case VK_NUMBER: {
            int64_t c = (int64_t)q[i].num.coef;
            if ((qd_i128)c != q[i].num.coef)
                return F_FALL;
            fn_set(&v[i], c, q[i].num.scale);
            break;
        }
        case VK_BOOL: v[i].c = q[i].b != 0; break;
        case VK_DATE: v[i].c = q[i].date; break;
        case VK_ENUM: v[i].c = q[i].en; break;
        default:
            v[i].p = q[i].str.s;
            v[i].len = q[i].str.len;
            break;
        }
    }
    return FN_OK;
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

/* Where block blk starts on this date. */
static inline const fop *block_code(const fctx *e, int blk)
{
    return e->s->entry[blk];
}

/* Two number operands made plain (a quotient divided). */
#define PLAIN2(a, b)                                                         \
    do {                                                                     \
        a = v[o->x];                                                         \
        b = v[o->y];                                                         \
        if (((a.d | b.d) != 0) && (fn_plain(&a, &a) || fn_plain(&b, &b)))    \
            return F_FALL;                                                   \
    } while (0)

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
        [FO_FALLBACK] = &&op_fallback};
    const fprog *p = e->p;
    const fop *code = p->code;
    fval *v = e->v;
    struct fast_scratch *s = e->s;
    fval a, b;
    int c;
    DISPATCH();
op_move:
    v[o->dst] = v[o->x];
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
        o = &code[o->x];
        DISPATCH();
    }
    NEXT();
}
op_assert:
    if (!v[o->x].c)
        return F_FALL; /* the validation fails: eval.c's message */
    NEXT();
op_need_par:
    if (!s->avail[e->rs->n_inputs + (size_t)o->arg])
        return F_FALL;
    NEXT();
op_present:
    fn_set(&v[o->dst], e->rec->present[o->arg], 0);
    NEXT();
op_eval:
    if (s->cst[o->arg] != 2) {
        s->cst[o->arg] = 1;
        ENTER((o->a8 ? s->mentry : s->centry)[o->arg], p->s_comp + (uint32_t)o->arg,
              o->arg);
    }
    NEXT();
op_check:
    if (s->kst[o->arg] != 2)
        ENTER(s->kentry[o->arg], FS_NONE, -o->arg - 2);
    NEXT();
op_ck_period:
    if (!s->in_period[o->dst]) {
        o = &code[o->arg];
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
        if (fn_cmp(&f[CF_ACTUAL], &f[CF_REQUIRED], &c))
            return F_FALL;
        k->compliant = c >= 0;
    } else {
        k->compliant = v[o->x].c != 0;
    }
    k->applicable = 1;
    fn_set(&f[CF_APPLICABLE], 1, 0);
    fn_set(&f[CF_COMPLIANT], k->compliant, 0);
    NEXT();
}
op_ck_na: {
    fval *f = &v[p->s_check + 5 * o->dst];
    s->ck[o->dst].applicable = 0;
    s->ck[o->dst].compliant = 0;
    fn_set(&f[CF_APPLICABLE], 0, 0);
    fn_set(&f[CF_COMPLIANT], 1, 0);
    fn_set(&f[CF_REQUIRED], 0, 0);
    fn_set(&f[CF_ACTUAL], 0, 0);
    fn_set(&f[CF_SHORTFALL], 0, 0);
    NEXT();
}
op_param_at: {
    const fparam *fp = &p->params[o->arg];
    int k = qli_param_index_at(&e->rs->params[o->arg], (ql_date)v[o->x].c);
    if (k < 0 || !fp->ok[k])
        return F_FALL;
    v[o->dst] = fp->v[k];
    NEXT();
}
op_add:
    a = v[o->x];
    b = v[o->y];
    if ((a.d | b.d) == 0 && a.s == b.s) {
        int64_t z;
        if (__builtin_add_overflow(a.c, b.c, &z))
            return F_FALL;
        fn_set(&v[o->dst], z, a.s);
        NEXT();
    }
    PLAIN2(a, b);
    if (fn_add(&v[o->dst], &a, &b, 0))
        return F_FALL;
    NEXT();
op_sub:
    PLAIN2(a, b);
    if (fn_add(&v[o->dst], &a, &b, 1))
        return F_FALL;
    NEXT();
op_mul:
    PLAIN2(a, b);
    if (fn_mul(&v[o->dst], &a, &b))
        return F_FALL;
    NEXT();
op_div:
    PLAIN2(a, b);
    if (b.c == 0)
        return F_FALL; /* division by zero: eval.c says where */
    v[o->dst].c = a.c;
    v[o->dst].d = b.c;
    v[o->dst].s = a.s - b.s;
    NEXT();
op_neg: /* and abs */
    a = v[o->x];
    if (a.c == INT64_MIN || a.d == INT64_MIN)
        return F_FALL;
    if (o->op == FO_NEG) {
        a.c = -a.c;
    } else {
        a.c = a.c < 0 ? -a.c : a.c;
        a.d = a.d < 0 ? -a.d : a.d;
    }
    v[o->dst] = a;
    NEXT();
op_cmp_num: {
    const fval *x = &v[o->x], *y = &v[o->y];
    if ((x->d | y->d) == 0 && x->s == y->s)
        c = (x->c > y->c) - (x->c < y->c);
    else if (fn_cmp(x, y, &c))
        return F_FALL;
    fn_set(&v[o->dst], cmp_holds(c, o->a8), 0);
    NEXT();
}
op_cmp_date:
    c = (v[o->x].c > v[o->y].c) - (v[o->x].c < v[o->y].c);
    fn_set(&v[o->dst], cmp_holds(c, o->a8), 0);
    NEXT();
op_cmp_eq:
    fn_set(&v[o->dst], cmp_holds(v[o->x].c != v[o->y].c, o->a8), 0);
    NEXT();
op_cmp_str:
    fn_set(&v[o->dst], cmp_holds(str_eq(&v[o->x], &v[o->y]) ? 0 : 1, o->a8), 0);
    NEXT();
op_not:
    fn_set(&v[o->dst], !v[o->x].c, 0);
    NEXT();
op_jmp:
    o = &code[o->arg];
    DISPATCH();
op_jf:
    if (!v[o->x].c) {
        v[o->dst].c = o->a8;
        o = &code[o->arg];
        DISPATCH();
    }
    NEXT();
op_jt:
    if (v[o->x].c) {
        v[o->dst].c = o->a8;
        o = &code[o->arg];
        DISPATCH();
    }
    NEXT();
op_jcmp_num: {
    const fval *x = &v[o->x], *y = &v[o->y];
    if ((x->d | y->d) == 0 && x->s == y->s)
        c = (x->c > y->c) - (x->c < y->c);
    else if (fn_cmp(x, y, &c))
        return F_FALL;
    goto jcmp;
}
op_jcmp_date:
    c = (v[o->x].c > v[o->y].c) - (v[o->x].c < v[o->y].c);
    goto jcmp;
op_jcmp_eq:
    c = v[o->x].c != v[o->y].c;
jcmp:
    if (cmp_holds(c, o->a8 & 127) == o->a8 >> 7) {
        v[o->dst].c = o->a8 >> 7;
        o = &code[o->arg];
        DISPATCH();
    }
    NEXT();
op_min2: { /* and max2: y replaces x only when strictly beyond it */
    const fval *x = &v[o->x], *y = &v[o->y];
    if (o->a8)
        c = (y->c > x->c) - (y->c < x->c);
    else if ((x->d | y->d) == 0 && x->s == y->s)
        c = (y->c > x->c) - (y->c < x->c);
    else if (fn_cmp(y, x, &c))
        return F_FALL;
    v[o->dst] = c == (o->op == FO_MIN2 ? -1 : 1) ? *y : *x;
    NEXT();
}
op_in: {
    const fval *k = &v[o->arg], *x = &v[o->x];
    int hit = 0;
    for (uint32_t i = 0; i < o->y && !hit; i++) {
        if (o->op == FO_IN_NUM) {
            if (fn_cmp(x, &k[i], &c))
                return F_FALL;
            hit = c == 0;
        } else if (o->op == FO_IN_STR) {
            hit = str_eq(x, &k[i]);
        } else {
            hit = x->c == k[i].c;
        }
    }
    fn_set(&v[o->dst], o->a8 ? !hit : hit, 0);
    NEXT();
}
op_minmax: {
    int want = o->op == FO_MIN ? -1 : 1;
    fval *first = &v[o->x];
    for (uint32_t i = 1; i < o->y; i++) {
        if (o->a8)
            c = (first[i].c > first[0].c) - (first[i].c < first[0].c);
        else if (fn_cmp(&first[i], &first[0], &c))
            return F_FALL;
        if (c == want)
            first[0] = first[i];
    }
    v[o->dst] = first[0];
    NEXT();
}
op_round:
    if (fn_round_any(&v[o->dst], &v[o->x], o->arg, (qd_round)o->a8))
        return F_FALL;
    NEXT();
op_divround:
    PLAIN2(a, b);
    if (fn_div_round(&v[o->dst], &a, &b, o->arg, (qd_round)o->a8))
        return F_FALL;
    NEXT();
op_bracket: {
    const ftable *t = s->tab[o->arg];
    if (!t || !t->ok)
        return F_FALL;
    const fval *x = &v[o->x];
    int hit = -1;
    for (size_t i = 0; i < t->nrows; i++) {
        if (fn_cmp(x, &t->bound[i], &c))
            return F_FALL;
        if (c > 0 || (c == 0 && !t->exclusive[i]))
            hit = (int)i;
        else
            break;
    }
    if (hit < 0)
        return F_FALL; /* no bracket covers it: eval.c's error */
    v[o->dst] = t->value[hit];
    NEXT();
}
op_ymd: {
    int y, m, d;
    qli_date_ymd((ql_date)v[o->x].c, &y, &m, &d);
    fn_set(&v[o->dst], o->op == FO_YEAR ? y : o->op == FO_MONTH ? m : d, 0);
    NEXT();
}
op_days:
    fn_set(&v[o->dst], v[o->y].c - v[o->x].c, 0);
    NEXT();
op_add_date: {
    ql_date moved;
    if (add_to_date((ql_date)v[o->x].c, &v[o->y], o->a8, &moved))
        return F_FALL;
    fn_set(&v[o->dst], moved, 0);
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
}

/* Runs block blk; on failure the values it entered and did not finish
 * are marked not evaluated (a skipped validation may need them later). */
static int run_at(fctx *e, const fop *start, uint32_t *ret)
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

/* A slot's value as eval.c holds it. */
static int to_qval(const fval *f, vkind k, qval *out)
{
    switch (k) {
    case VK_NUMBER:
        if (f->d == 0) {
            out->num = qli_qd_make(f->c, f->s);
            return FN_OK;
        } else {
            qd a = qli_qd_make(f->c, f->s > 0 ? f->s : 0);
            qd b = qli_qd_make(f->d, f->s < 0 ? -f->s : 0);
            return qli_qd_div(&out->num, &a, &b) ? F_FALL : FN_OK;
        }
    case VK_BOOL: out->b = f->c != 0; return FN_OK;
    case VK_DATE: out->date = (ql_date)f->c; return FN_OK;
    case VK_ENUM: out->en = (int32_t)f->c; return FN_OK;
    default:
        out->str.s = f->p;
        out->str.len = f->len;
        return FN_OK;
    }
}

/* The outputs and checks into res as eval.c leaves them. */
__attribute__((noinline)) /* its own line in a profile */
static int write_back(fctx *e, ql_result *res)
{
    const ql_ruleset *rs = e->rs;
    const fprog *p = e->p;
    const fval *v = e->v;
    const uint32_t *slot = p->out_slot, *idx = p->out_comp;
    const uint8_t *kind = p->out_kind;
    qval *cv = res->cvals;
    size_t n = p->n_out_comp;
    memcpy(res->cstate, p->out_done, rs->n_computed);
    for (size_t j = 0; j < n; j++) {
        const fval *f = &v[slot[j]];
        qval *q = &cv[idx[j]];
        if (kind[j] == VK_NUMBER && f->d == 0) {
            q->num.coef = f->c;
            q->num.scale = f->s;
            q->num.cut = 0;
        } else if (to_qval(f, (vkind)kind[j], q) ||
                   (kind[j] == VK_NUMBER &&
                    !qli_qd_holds(&q->num, rs->computed[idx[j]].disp.scale))) {
            return F_FALL; /* a cut quotient shown past its places: eval.c says so */
        }
    }
    const fast_check *ck = e->s->ck;
    const fval *fv = &v[p->s_check];
    for (size_t k = 0; k < rs->n_checks; k++, fv += 5) {
        check_out *c = &res->checks[k];
        c->state = 2;
        c->applicable = ck[k].applicable;
        c->compliant = ck[k].compliant;
        if (!ck[k].applicable)
            continue;
        if ((fv[CF_REQUIRED].d | fv[CF_ACTUAL].d | fv[CF_SHORTFALL].d) == 0) {
            c->required.num.coef = fv[CF_REQUIRED].c;
            c->required.num.scale = fv[CF_REQUIRED].s;
            c->required.num.cut = 0;
            c->actual.num.coef = fv[CF_ACTUAL].c;
            c->actual.num.scale = fv[CF_ACTUAL].s;
            c->actual.num.cut = 0;
            c->shortfall.num.coef = fv[CF_SHORTFALL].c;
            c->shortfall.num.scale = fv[CF_SHORTFALL].s;
            c->shortfall.num.cut = 0;
        } else if (to_qval(&fv[CF_REQUIRED], VK_NUMBER, &c->required) ||
                   to_qval(&fv[CF_ACTUAL], VK_NUMBER, &c->actual) ||
                   to_qval(&fv[CF_SHORTFALL], VK_NUMBER, &c->shortfall) ||
                   !qli_qd_holds(&c->required.num, rs->checks[k].disp[0].scale) ||
                   !qli_qd_holds(&c->actual.num, rs->checks[k].disp[1].scale) ||
                   !qli_qd_holds(&c->shortfall.num, rs->checks[k].disp[2].scale)) {
            return F_FALL;
        }
    }
    return FN_OK;
}

int qli_fast_eval(ql_result *res, const ql_record *rec, ql_date date,
                  struct fast_scratch *s)
{
    const ql_ruleset *rs = res->rs;
    fctx e;
    e.rs = rs;
    e.p = rs->fast;
    e.s = s;
    e.rec = rec;
    e.in_validation = 0;
    e.nframes = 0;
    if (!e.p || !s || s->rs != rs)
        return F_FALL;
    e.v = e.s->v;
    uint32_t at;
    if (e.s->pdate != date) {
        load_params(&e, date);
        /* what the date alone decides, once: a failure there is every
         * record's on this date */
        e.v[e.p->s_date].c = date;
        memset(e.s->cst, 0, rs->n_computed);
        e.s->date_ok = run_at(&e, &e.p->code[e.p->date_start], &at) == FN_OK;
    }
    if (!e.s->date_ok)
        return F_FALL;
    e.v[e.p->s_date].c = date;
    if (load_inputs(&e))
        return F_FALL;
    memset(e.s->cst, 0, rs->n_computed);
    memset(e.s->kst, 0, rs->n_checks);
    e.in_validation = 1;
    for (size_t i = 0; i < rs->n_valid; i++) {
        if (e.p->valid_inline[i])
            continue; /* in the main program */
        int st = run_at(&e, block_code(&e, rs->valid[i].block), &at);
        if (st == F_SKIP)
            continue;
        if (st || !e.v[at].c)
            return F_FALL; /* an error, or the validation fails */
    }
    e.in_validation = 0;
    /* every output, then every check, as eval.c */
    if (run_at(&e, e.s->main_entry, &at))
        return F_FALL;
    /* from here on res changes: what eval.c would have left in it */
    if (write_back(&e, res))
        return F_FALL;
    res->rec = rec;
    res->flags = 0;
    res->ntrace = 0;
    qli_eval_set_date(res, date); /* eval.c's parameters: of it */
    res->error.code = QL_OK;
    res->status = QL_OK;
    return FN_OK;
}

/* The result's scratch, made on its first fast evaluation (NULL: no fast
 * code, or no memory, and eval.c does the work). */
static struct fast_scratch *scratch_of(ql_result *res)
{
    if (!res->fast && res->rs->fast)
        res->fast = qli_fast_scratch_new(res->rs);
    return res->fast;
}

ql_status qli_evaluate(ql_result *res, const ql_record *rec, ql_date date,
                       unsigned flags, struct fast_scratch *s)
{
    if (!(flags & QL_EVAL_TRACE) && res->rs->fast) {
        if (!s || s->rs != res->rs)
            s = scratch_of(res);
        if (qli_fast_eval(res, rec, date, s) == FN_OK)
            return QL_OK;
    }
    return qli_eval_record(res, rec, date, flags);
}

struct fast_scratch *qli_fast_scratch_of(ql_result *res)
{
    return res->rs->fast ? scratch_of(res) : NULL;
}
