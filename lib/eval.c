/*
 * eval.c — the interpreter: one loop over a block's flat code.
 *
 * Computed values and checks are evaluated on demand and remembered for the
 * rest of the evaluation, so a value needed by nobody (the federation check
 * of an enterprise, say) never reads the fields it would need, and an
 * if() only evaluates the branch it takes.  A nested value runs on the same
 * value stack above its caller's slots; the compiler sized that stack.
 * Nothing here allocates.
 */
#include "decimal.h"
#include "util.h"
#include "date.h"
#include "value.h"
#include "yamltree.h"
#include "expr.h"
#include "code.h"
#include "ruleset.h"
#include "eval.h"

#include <stdio.h>
#include <string.h>

/* Internal outcome: a validation read an empty field and is skipped. */
#define E_SKIP 1

/* A computed value being evaluated inside run(): where its caller goes
 * on and where the caller's stack ended.  Entering a value is a jump, not
 * a C call: most of an evaluation is values calling values. */
typedef struct eval_frame {
    uint32_t ret_pc;
    int32_t idx;
    qval *base;
} eval_frame;

const size_t qli_eval_frame_size = sizeof(eval_frame);

typedef struct ectx {
    ql_result *res;
    const ql_ruleset *rs;
    const ql_record *rec;
    qval *top; /* first free stack slot */
    eval_frame *frames;
    int nframes;
    int in_validation;
} ectx;

static ql_status run(ectx *e, int block, qval *out);

/* The located errors (eval_errors.c), from an evaluation context. */
#define fail_pc(e, pc, ...) qli_eval_fail_pc((e)->res, (pc), __VA_ARGS__)
#define qd_fail(e, pc, st) qli_eval_qd_fail((e)->res, (pc), (st))
#define cmp_fail(e, pc, a, b) qli_eval_cmp_fail((e)->res, (pc), (a), (b))
#define round_fail(e, pc, a, digits, divided)                                \
    qli_eval_round_fail((e)->res, (pc), (a), (digits), (divided))
#define div_fail(e, pc, b) qli_eval_div_fail((e)->res, (pc), (b))
#define no_value_on(e, pc, d, date)                                          \
    qli_eval_no_value_on((e)->res, (pc), (d), (date))


/* x against y in an expression: exact, or a located QL_ERANGE. */
#define CMP(c, x, y)                                                         \
    do {                                                                     \
        if (qli_qd_cmp_exact(&(c), (x), (y)))                                \
            return cmp_fail(e, pc, (x), (y));                                \
    } while (0)

static void trace_add(ectx *e, ql_step_kind kind, int index)
{
    ql_result *r = e->res;
    if (!(r->flags & QL_EVAL_TRACE))
        return;
    r->trace[r->ntrace].kind = (uint8_t)kind;
    r->trace[r->ntrace].index = index;
    r->ntrace++;
}

static ql_status param_at(ectx *e, size_t pc, int p, const param_value **out)
{
    ql_result *r = e->res;
    if (r->pidx[p] == -2)
        r->pidx[p] = qli_param_index_at(&e->rs->params[p], r->date);
    if (r->pidx[p] < 0) {
        const param_def *d = &e->rs->params[p];
        char when[16], edge[16];
        ql_date_format(when, sizeof when, r->date);
        int before = r->date < d->values[0].from;
        if (before) {
            ql_date_format(edge, sizeof edge, d->values[0].from);
        } else {
            /* after an `until`, in a gap or past the end */
            int k;
            for (k = (int)d->nvalues - 1; k > 0 && d->values[k].from > r->date;)
                k--;
            ql_date_format(edge, sizeof edge, d->values[k].until);
        }
        return fail_pc(e, pc, QL_ENODATA, NULL,
                       "parameter '%s' has no value in force on %s (%s %s)",
                       d->name, when,
                       before ? "its first value holds from"
                              : "the value before it ended on",
                       edge);
    }
    if ((r->flags & QL_EVAL_TRACE) && !r->seen_par[p]) {
        r->seen_par[p] = 1;
        trace_add(e, QL_STEP_PARAM, p);
    }
    *out = &e->rs->params[p].values[r->pidx[p]];
    return QL_OK;
}


static ql_status eval_computed(ectx *e, int idx)
{
    ql_result *r = e->res;
    r->cstate[idx] = 1;
    ql_status st = run(e, e->rs->computed[idx].block, &r->cvals[idx]);
    if (st) {
        r->cstate[idx] = 0; /* a skipped validation may come back to it */
        return st;
    }
    r->cstate[idx] = 2;
    trace_add(e, QL_STEP_COMPUTED, idx);
    return QL_OK;
}

static ql_status eval_check(ectx *e, int idx)
{
    ql_result *r = e->res;
    check_out *o = &r->checks[idx];
    check_vals *w = &r->ckvals[idx];
    const check_def *k = &e->rs->checks[idx];
    ql_status st;
    qval v;
    o->applicable = 0;
    o->compliant = 0;
    if ((k->from >= 0 && r->date < k->from) ||
        (k->until >= 0 && r->date > k->until))
        goto done;
    if (k->applies >= 0) {
        if ((st = run(e, k->applies, &v)))
            return st;
        if (!v.b)
            goto done;
    }
    o->applicable = 1;
    if ((st = run(e, k->required, &w->required)) ||
        (st = run(e, k->actual, &w->actual)))
        return st;
    if (k->shortfall >= 0) {
        if ((st = run(e, k->shortfall, &w->shortfall)))
            return st;
    } else {
        /* max(required − actual, 0) */
        int q = qli_qd_sub(&w->shortfall.num, &w->required.num, &w->actual.num);
        if (q)
            return qd_fail(e, e->rs->blocks[k->required].start, q);
        qd zero = qli_qd_make(0, 0);
        int c;
        if (qli_qd_cmp_exact(&c, &w->shortfall.num, &zero))
            return cmp_fail(e, e->rs->blocks[k->required].start,
                            &w->shortfall.num, &zero);
        if (c < 0)
            w->shortfall.num = zero;
    }
    if (k->compliant >= 0) {
        if ((st = run(e, k->compliant, &v)))
            return st;
        o->compliant = (uint8_t)v.b;
    } else {
        int c;
        if (qli_qd_cmp_exact(&c, &w->actual.num, &w->required.num))
            return cmp_fail(e, e->rs->blocks[k->required].start,
                            &w->actual.num, &w->required.num);
        o->compliant = c >= 0;
    }
done:
    o->state = 2;
    trace_add(e, QL_STEP_CHECK, idx);
    return QL_OK;
}

/* A number compared as a ratio (OP_CMP_DIV): n / d exactly when its
 * operands are exact, else v — the quotient as written, its doubt
 * carried. */
typedef struct ratio {
    int exact;
    qd n, d, v;
} ratio;

/* The side of shape s (code.h) whose operands are at x: x, x / y or
 * x / y × z. */
static ql_status ratio_of(ectx *e, size_t pc, const qval *x, int s, ratio *r)
{
    int q;
    const qd one = qli_qd_make(1, 0);
    r->exact = 0;
    if (s == 0) {
        r->v = r->n = x[0].num;
        r->d = one;
        r->exact = !x[0].num.cut;
        return QL_OK;
    }
    const qd *a = &x[0].num, *b = &x[1].num, *c = &x[2].num;
    if (!a->cut && !b->cut && (s == 1 || !c->cut)) {
        if (b->coef == 0)
            return qd_fail(e, pc, QD_DIVZERO);
        r->n = *a;
        r->d = *b;
        if (s == 1 || qli_qd_mul(&r->n, a, c) == QD_OK) {
            r->exact = 1;
            return QL_OK;
        }
    }
    /* as written: the quotient, then × z, its doubt carried */
    if ((q = qli_qd_div(&r->v, a, b)))
        return q == QD_CUT ? div_fail(e, pc, b) : qd_fail(e, pc, q);
    if (s == 2 && (q = qli_qd_mul(&r->v, &r->v, c)))
        return qd_fail(e, pc, q);
    return QL_OK;
}

/* An exact ratio as a number, for a comparison with an inexact one. */
static ql_status ratio_value(ectx *e, size_t pc, ratio *r)
{
    int q;
    if (r->exact && (q = qli_qd_div(&r->v, &r->n, &r->d)))
        return qd_fail(e, pc, q);
    return QL_OK;
}

static int cmp_result(int c, int op)
{
    switch (op) {
    case T_EQ: return c == 0;
    case T_NE: return c != 0;
    case T_LT: return c < 0;
    case T_LE: return c <= 0;
    case T_GT: return c > 0;
    default: return c >= 0;
    }
}

static int str_eq(const qval *a, const qval *b)
{
    return a->str.len == b->str.len &&
           memcmp(a->str.s, b->str.s, a->str.len) == 0;
}

/* The row of x in a table, or NULL; a bound x's doubt holds is an error. */
static ql_status bracket_find(ectx *e, size_t pc, const param_value *pv,
                              const qd *x, const bracket_row **hit)
{
    *hit = NULL;
    for (size_t i = 0; i < pv->nrows; i++) {
        int c;
        CMP(c, x, &pv->rows[i].bound);
        if (c > 0 || (c == 0 && !pv->rows[i].exclusive))
            *hit = &pv->rows[i];
        else
            break;
    }
    return QL_OK;
}

/* d + n days (months = 0) or n × months months, the day clamped to the
 * month's end (2024-02-29 plus a year is 2025-02-28).  −1 on a fractional
 * n or a year outside 1…9999. */
static int add_to_date(ql_date d, const qd *n, int months, ql_date *out)
{
    if (!qli_qd_is_integer(n))
        return -1;
    qd whole;
    qli_qd_round_to(&whole, n, 0, QD_DOWN);
    if (whole.coef > 3660000 || whole.coef < -3660000)
        return -1;
    int k = (int)whole.coef;
    if (months == 0) {
        int y, m, dd;
        qli_date_ymd(d + k, &y, &m, &dd);
        *out = d + k;
        return y >= 1 && y <= 9999 ? 0 : -1;
    }
    int y, m, dd;
    qli_date_ymd(d, &y, &m, &dd);
    long total = (long)y * 12 + (m - 1) + (long)k * months;
    int ny = (int)(total / 12), nm = (int)(total % 12) + 1;
    if (ny < 1 || ny > 9999)
        return -1;
    while (ql_date_from_ymd(out, ny, nm, dd) != QL_OK)
        dd--; /* past the month's end */
    return 0;
}

static ql_status run_loop(ectx *e, int blk, qval *out, int entry)
{
    const ql_ruleset *rs = e->rs;
    const instr *code = rs->code;
    size_t pc = rs->blocks[blk].start;
    qval *base = e->top, *sp = base;
    ql_result *r = e->res;
    const ql_record *rec = e->rec;
    ql_status st;
    int q, c;
    for (;; pc++) {
        const instr *in = &code[pc];
        switch ((opcode)in->op) {
        case OP_CONST:
            *sp++ = rs->consts[in->arg];
            break;
        case OP_INPUT: {
            int i = in->arg;
            const input_def *d = &rs->inputs[i];
            if (rec->present[i]) {
                *sp++ = rec->vals[i];
            } else if (d->has_default) {
                *sp++ = d->def;
            } else {
                if (e->in_validation)
                    return E_SKIP;
                return fail_pc(e, pc, QL_ERECORD, d->name,
                               "field '%s' is empty but is needed here",
                               d->name);
            }
            if ((r->flags & QL_EVAL_TRACE) && !r->seen_in[i]) {
                r->seen_in[i] = 1;
                trace_add(e, QL_STEP_INPUT, i);
            }
            break;
        }
        case OP_PRESENT:
            sp->b = rec->present[in->arg];
            sp++;
            break;
        case OP_PARAM: {
            int k = r->pidx[in->arg];
            if (k >= 0 && !(r->flags & QL_EVAL_TRACE)) {
                /* resolved for this date already */
                *sp++ = rs->params[in->arg].values[k].v;
                break;
            }
            const param_value *pv;
            if ((st = param_at(e, pc, in->arg, &pv)))
                return st;
            *sp++ = pv->v;
            break;
        }
        case OP_PARAM_AT: {
            const param_def *d = &rs->params[in->arg];
            int k = qli_param_index_at(d, sp[-1].date);
            if (k < 0)
                return no_value_on(e, pc, d, sp[-1].date);
            sp[-1] = d->values[k].v;
            break;
        }
        case OP_COMPUTED: {
            int k = in->arg;
            if (r->cstate[k] == 2) {
                *sp++ = r->cvals[k];
                break;
            }
            /* enter the value's block on this stack; OP_RET comes back */
            eval_frame *f = &e->frames[e->nframes++];
            f->ret_pc = (uint32_t)pc;
            f->idx = k;
            f->base = sp;
            r->cstate[k] = 1;
            pc = (size_t)rs->blocks[rs->computed[k].block].start - 1;
            break;
        }
        case OP_CHECKF: {
            check_out *o = &r->checks[in->arg];
            if (o->state != 2) {
                e->top = sp;
                st = eval_check(e, in->arg);
                e->top = base;
                if (st)
                    return st;
            }
            switch (in->a8) {
            case CF_APPLICABLE: sp->b = o->applicable; break;
            case CF_COMPLIANT: sp->b = !o->applicable || o->compliant; break;
            case CF_REQUIRED: sp->num = o->applicable ? r->ckvals[in->arg].required.num : qli_qd_make(0, 0); break;
            case CF_ACTUAL: sp->num = o->applicable ? r->ckvals[in->arg].actual.num : qli_qd_make(0, 0); break;
            default: sp->num = o->applicable ? r->ckvals[in->arg].shortfall.num : qli_qd_make(0, 0); break;
            }
            sp++;
            break;
        }
        case OP_DATE:
            sp->date = r->date;
            sp++;
            break;
        case OP_ADD:
            sp--;
            if ((q = qli_qd_add(&sp[-1].num, &sp[-1].num, &sp[0].num)))
                return qd_fail(e, pc, q);
            break;
        case OP_SUB:
            sp--;
            if ((q = qli_qd_sub(&sp[-1].num, &sp[-1].num, &sp[0].num)))
                return qd_fail(e, pc, q);
            break;
        case OP_MUL:
            sp--;
            if ((q = qli_qd_mul(&sp[-1].num, &sp[-1].num, &sp[0].num)))
                return qd_fail(e, pc, q);
            break;
        case OP_DIV:
            sp--;
            if ((q = qli_qd_div(&sp[-1].num, &sp[-1].num, &sp[0].num)))
                return q == QD_CUT ? div_fail(e, pc, &sp[0].num)
                                   : qd_fail(e, pc, q);
            break;
        case OP_NEG:
            qli_qd_neg(&sp[-1].num, &sp[-1].num);
            break;
        case OP_CMP_NUM:
            sp--;
            CMP(c, &sp[-1].num, &sp[0].num);
            sp[-1].b = cmp_result(c, in->a8);
            break;
        case OP_CMP_DIV: {
            int sl = in->a16 & 3, sr = in->a16 >> 2;
            qval *left = sp - (sl + 1) - (sr + 1);
            ratio rl, rr;
            if ((st = ratio_of(e, pc, left, sl, &rl)) ||
                (st = ratio_of(e, pc, sp - (sr + 1), sr, &rr)))
                return st;
            if (rl.exact && rr.exact) {
                qli_qd_cmp_ratio(&c, &rl.n, &rl.d, &rr.n, &rr.d);
            } else {
                if ((st = ratio_value(e, pc, &rl)) ||
                    (st = ratio_value(e, pc, &rr)))
                    return st;
                CMP(c, &rl.v, &rr.v);
            }
            sp = left + 1;
            left->b = cmp_result(c, in->a8);
            break;
        }
        case OP_CMP_DATE:
            sp--;
            sp[-1].b = cmp_result((sp[-1].date > sp[0].date) -
                                      (sp[-1].date < sp[0].date),
                                  in->a8);
            break;
        case OP_CMP_STR:
            sp--;
            sp[-1].b = cmp_result(str_eq(&sp[-1], &sp[0]) ? 0 : 1, in->a8);
            break;
        case OP_CMP_BOOL:
            sp--;
            sp[-1].b = cmp_result(sp[-1].b == sp[0].b ? 0 : 1, in->a8);
            break;
        case OP_CMP_ENUM:
            sp--;
            sp[-1].b = cmp_result(sp[-1].en == sp[0].en ? 0 : 1, in->a8);
            break;
        case OP_NOT:
            sp[-1].b = !sp[-1].b;
            break;
        case OP_JMP:
            pc = (size_t)in->arg - 1;
            break;
        case OP_JF:
            sp--;
            if (!sp->b)
                pc = (size_t)in->arg - 1;
            break;
        case OP_JF_KEEP:
            if (!sp[-1].b)
                pc = (size_t)in->arg - 1;
            else
                sp--;
            break;
        case OP_JT_KEEP:
            if (sp[-1].b)
                pc = (size_t)in->arg - 1;
            else
                sp--;
            break;
        case OP_IN_NUM:
        case OP_IN_STR:
        case OP_IN_ENUM:
        case OP_IN_DATE: {
            const qval *k = &rs->consts[in->arg];
            int hit = 0;
            for (int i = 0; i < in->a16 && !hit; i++) {
                switch ((opcode)in->op) {
                case OP_IN_NUM:
                    CMP(c, &sp[-1].num, &k[i].num);
                    hit = c == 0;
                    break;
                case OP_IN_STR: hit = str_eq(&sp[-1], &k[i]); break;
                case OP_IN_ENUM: hit = sp[-1].en == k[i].en; break;
                default: hit = sp[-1].date == k[i].date; break;
                }
            }
            sp[-1].b = in->a8 ? !hit : hit;
            break;
        }
        case OP_MIN:
        case OP_MAX: {
            int n = in->a16, want = in->op == OP_MIN ? -1 : 1;
            qval *first = sp - n;
            for (int i = 1; i < n; i++) {
                if (in->a8)
                    c = (first[i].date > first[0].date) -
                        (first[i].date < first[0].date);
                else
                    CMP(c, &first[i].num, &first[0].num);
                if (c == want)
                    first[0] = first[i];
            }
            sp = first + 1;
            break;
        }
        case OP_ABS:
            qli_qd_abs(&sp[-1].num, &sp[-1].num);
            break;
        case OP_ROUND:
            if ((q = qli_qd_round_to(&sp[-1].num, &sp[-1].num, in->arg,
                                 (qd_round)in->a8)))
                return q == QD_CUT ? round_fail(e, pc, &sp[-1].num, in->arg, 0)
                                   : qd_fail(e, pc, q);
            break;
        case OP_DIVROUND:
            sp--;
            if ((q = qli_qd_div_round(&sp[-1].num, &sp[-1].num, &sp[0].num, in->arg,
                                  (qd_round)in->a8))) {
                if (q != QD_CUT)
                    return qd_fail(e, pc, q);
                if (!sp[-1].num.cut && !sp[0].num.cut)
                    return round_fail(e, pc, NULL, in->arg, 1);
                qd quot;
                if (qli_qd_div(&quot, &sp[-1].num, &sp[0].num))
                    return div_fail(e, pc, &sp[0].num);
                return round_fail(e, pc, &quot, in->arg, 1);
            }
            break;
        case OP_MULDIVROUND: {
            sp -= 2;
            qd *x = &sp[-1].num, t;
            const qd *y = &sp[0].num, *z = &sp[1].num;
            if (!x->cut && !y->cut && !z->cut && qli_qd_mul(&t, x, z) == QD_OK) {
                /* exact operands: one exact division of x × z by y */
                if ((q = qli_qd_div_round(x, &t, y, in->arg, (qd_round)in->a8)))
                    return q == QD_CUT ? round_fail(e, pc, NULL, in->arg, 1)
                                       : qd_fail(e, pc, q);
                break;
            }
            /* as written: (x / y) × z, the quotient's doubt carried */
            if ((q = qli_qd_div(&t, x, y)))
                return q == QD_CUT ? div_fail(e, pc, y) : qd_fail(e, pc, q);
            if ((q = qli_qd_mul(&t, &t, z)))
                return qd_fail(e, pc, q);
            if ((q = qli_qd_round_to(x, &t, in->arg, (qd_round)in->a8)))
                return q == QD_CUT ? round_fail(e, pc, &t, in->arg, 0)
                                   : qd_fail(e, pc, q);
            break;
        }
        case OP_BRACKET: {
            const param_value *pv;
            if ((st = param_at(e, pc, in->arg, &pv)))
                return st;
            const bracket_row *row;
            if ((st = bracket_find(e, pc, pv, &sp[-1].num, &row)))
                return st;
            if (!row) {
                char t[QD_TEXT_MAX];
                qli_qd_format(&sp[-1].num, t);
                return fail_pc(e, pc, QL_ERANGE, NULL,
                               "no bracket of '%s' covers the value %s",
                               rs->params[in->arg].name, t);
            }
            sp[-1].num = row->value;
            break;
        }
        case OP_YEAR:
        case OP_MONTH:
        case OP_DAY: {
            int y, m, d;
            qli_date_ymd(sp[-1].date, &y, &m, &d);
            int v = in->op == OP_YEAR ? y : in->op == OP_MONTH ? m : d;
            sp[-1].num = qli_qd_make(v, 0);
            break;
        }
        case OP_DAYS:
            sp--;
            sp[-1].num = qli_qd_make((qd_i128)sp[0].date - sp[-1].date, 0);
            break;
        case OP_ADD_DATE: {
            sp--;
            ql_date moved;
            if (add_to_date(sp[-1].date, &sp[0].num, in->a8, &moved))
                return fail_pc(e, pc, QL_ERANGE, NULL,
                               "the date moves by a number that is not whole "
                               "or leaves the years 1 to 9999");
            sp[-1].date = moved;
            break;
        }
        case OP_RET:
            if (e->nframes > entry) {
                /* a computed value entered above is done */
                eval_frame *f = &e->frames[--e->nframes];
                qval v = sp[-1];
                r->cvals[f->idx] = v;
                r->cstate[f->idx] = 2;
                trace_add(e, QL_STEP_COMPUTED, f->idx);
                sp = f->base;
                *sp++ = v;
                pc = f->ret_pc;
                break;
            }
            *out = sp[-1];
            return QL_OK;
        }
    }
}

/* Runs block `blk` into *out.  On failure the values it entered and did
 * not finish are marked not evaluated: a skipped validation may need
 * them later. */
static ql_status run(ectx *e, int blk, qval *out)
{
    int entry = e->nframes;
    ql_status st = run_loop(e, blk, out, entry);
    if (st)
        while (e->nframes > entry)
            e->res->cstate[e->frames[--e->nframes].idx] = 0;
    return st;
}

void qli_eval_set_date(ql_result *res, ql_date date)
{
    if (res->date == date)
        return;
    for (size_t i = 0; i < res->rs->n_params; i++)
        res->pidx[i] = -2;
    res->date = date;
}


ql_status qli_eval_record(ql_result *res, const ql_record *rec, ql_date date,
                      unsigned flags)
{
    const ql_ruleset *rs = res->rs;
    ectx e;
    e.res = res;
    e.rs = rs;
    e.rec = rec;
    e.top = res->stack;
    e.frames = res->frames;
    e.nframes = 0;
    e.in_validation = 0;
    res->rec = rec;
    res->flags = flags;
    res->ntrace = 0;
    res->fastv = 0; /* the values are in cvals and the checks */
    res->status = QL_OK;
    res->error.code = QL_OK;
    qli_eval_set_date(res, date);
    memset(res->cstate, 0, rs->n_computed);
    for (size_t i = 0; i < rs->n_checks; i++)
        res->checks[i].state = 0;
    if (flags & QL_EVAL_TRACE) {
        memset(res->seen_in, 0, rs->n_inputs);
        memset(res->seen_par, 0, rs->n_params);
    }
    ql_status st = QL_OK;
    for (size_t k = 0; k < rs->n_required; k++) {
        size_t i = rs->required[k];
        if (!rec->present[i]) {
            qli_fail(&res->error, QL_ERECORD, NULL, 0, 0,
                    "field '%s' is required but empty", rs->inputs[i].name);
            qli_error_set_field(&res->error, rs->inputs[i].name);
            return res->status = QL_ERECORD;
        }
    }
    e.in_validation = 1;
    for (size_t i = 0; i < rs->n_valid; i++) {
        const validation_def *v = &rs->valid[i];
        qval ok;
        st = run(&e, v->block, &ok);
        if (st == E_SKIP)
            continue;
        if (st)
            return res->status = st;
        if (!ok.b) {
            qli_fail(&res->error, QL_ERECORD, NULL, 0, 0, "%s", v->message);
            if (v->field >= 0)
                qli_error_set_field(&res->error, rs->inputs[v->field].name);
            return res->status = QL_ERECORD;
        }
    }
    e.in_validation = 0;
    st = QL_OK; /* the last validation may have been skipped */
    for (size_t i = 0; i < rs->n_outputs && st == QL_OK; i++) {
        const output_def *o = &rs->outputs[i];
        if (o->kind == OUT_COMPUTED && res->cstate[o->index] != 2)
            st = eval_computed(&e, o->index);
        else if (o->kind == OUT_CHECK && res->checks[o->index].state != 2)
            st = eval_check(&e, o->index);
    }
    for (size_t i = 0; i < rs->n_checks && st == QL_OK; i++)
        if (res->checks[i].state != 2)
            st = eval_check(&e, (int)i);
    if (st == QL_OK)
        st = qli_eval_shown_exactly(res, 1);
    return res->status = st;
}
