/*
 * fast_io.c — the fast path's entry (fast.h): its working memory, the
 * parameters of a date and the record's fields into the slots, the
 * interpreter (fast_eval.c) run over them as eval.c runs a record —
 * required fields first, validations in order, then the outputs, then
 * every check — and the outputs and checks written into the result.
 * Where anything fails it leaves the result untouched, and qli_evaluate
 * asks eval.c.  Nothing here allocates but the scratch.
 */
#include "decimal.h"
#include "eval.h"
#include "fast.h"
#include "fast_code.h"
#include "fast_num.h"
#include "fast_run.h"
#include "ruleset.h"
#include "scale.h"
#include "value.h"

#include <stdlib.h>
#include <string.h>

struct fast_scratch *qli_fast_scratch_new(const ql_ruleset *rs)
{
    const fprog *p = rs->fast;
    if (!p)
        return NULL;
    struct fast_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->v = calloc(p->nslots + 1, sizeof *s->v);
    s->avail = calloc(QLI_REC_PADDED(rs->n_inputs) + rs->n_params + 1, 1);
    /* the checks' states right after the computed values': one memset
     * clears both an evaluation */
    s->cst = calloc(rs->n_computed + rs->n_checks + 1, 1);
    s->kst = s->cst ? s->cst + rs->n_computed : NULL;
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
    if (s->avail)
        s->pavail = s->avail + QLI_REC_PADDED(rs->n_inputs);
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
            s->v[p->comp_slot[k]] = p->consts[p->comp_const[k]];
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
    free(s->cst); /* and kst */
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
    uint8_t *avail = s->pavail;
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
        s->mentry[k] =
            &e->p->code[s->blk_ok[b] ? e->p->mstart[b] : e->p->mstart_chk[b]];
    }
    uint8_t main_ok = 1;
    for (size_t k = 0; k < e->p->n_main_par; k++)
        main_ok &= avail[e->p->main_par[k]];
    s->main_entry =
        &e->p->code[main_ok ? e->p->main_start : e->p->main_start_chk];
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
        s->kentry[k] =
            &e->p->code[ok ? e->p->check_start[k] : e->p->check_start_chk[k]];
    }
    s->pdate = date;
}

/* The record's fields in their slots, copied as the setters wrote them
 * (ql_record.v64), and whether each can be read (s->avail), eight
 * fields a word; F_FALL if a number does not fit 64 bits, or a field is
 * empty where that is eval.c's error (fprog.in_fall). */
__attribute__((noinline)) /* its own line in a profile */
static int
load_inputs(fctx *e)
{
    const fprog *p = e->p;
    const ql_record *rec = e->rec;
    const uint64_t ones = 0x0101010101010101ULL;
    fval *v = e->v + p->s_input;
    memcpy(v, rec->v64, e->rs->n_inputs * sizeof *v);
    for (size_t w = 0; w < p->n_in_words; w++) {
        uint64_t present, wide, absent, dflt, fall;
        memcpy(&present, rec->present + 8 * w, 8);
        memcpy(&wide, rec->wide + 8 * w, 8);
        memcpy(&dflt, p->in_avail + 8 * w, 8);
        memcpy(&fall, p->in_fall + 8 * w, 8);
        absent = (present ^ ones) * 0xFF; /* 0xFF a byte where empty */
        if ((present & wide) | (absent & fall))
            return F_FALL;
        present |= dflt & absent;
        memcpy(e->s->avail + 8 * w, &present, 8);
    }
    for (size_t k = 0; k < p->n_in_def; k++) {
        uint32_t i = p->in_def[k];
        if (!rec->present[i])
            v[i] = p->defaults[i];
    }
    return FN_OK;
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

/* The outputs and checks into res as eval.c leaves them, as qvals: the
 * way of a result holding a quotient (rare), which
 * qli_sc_check_result then checks as after eval.c. */
static int write_back_exact(fctx *e, ql_result *res)
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
            return F_FALL; /* a cut quotient shown past its places: eval.c says
                              so */
        }
    }
    const fast_check *ck = e->s->ck;
    const fval *fv = &v[p->s_check];
    for (size_t k = 0; k < rs->n_checks; k++, fv += 5) {
        check_out *o = &res->checks[k];
        check_vals *c = &res->ckvals[k];
        o->state = 2;
        o->applicable = ck[k].applicable;
        o->compliant = ck[k].compliant;
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
                   !qli_qd_holds(&c->required.num,
                                 rs->checks[k].disp[0].scale) ||
                   !qli_qd_holds(&c->actual.num, rs->checks[k].disp[1].scale) ||
                   !qli_qd_holds(&c->shortfall.num,
                                 rs->checks[k].disp[2].scale)) {
            return F_FALL;
        }
    }
    res->fastv = 0;
    return FN_OK;
}

/* Whether number f (not a quotient) is shown with d's places as
 * qli_sc_check_result requires: at its own places, with more that fit
 * (19 digits and 17 zeros are 36), or with fewer as qli_sc_show allows. */
static int shown_fits(const fval *f, display d)
{
    if (d.scale < 0 || f->s == d.scale ||
        (f->s < d.scale && d.scale - f->s <= 17))
        return 1;
    qd v = qli_qd_make(f->c, f->s), out;
    return qli_sc_show(&out, &v, d) == QD_OK;
}

/* The outputs and checks into res as eval.c leaves them: the values as
 * they are, in 64 bits (res->ov, res->kv, fastv 1; cvals and cstate are
 * not written), every number shown at its places (as
 * qli_sc_check_result requires) checked unless its type proves it;
 * write_back_exact where one is a quotient or is not shown so. */
__attribute__((noinline)) /* its own line in a profile */
static int
write_back(fctx *e, ql_result *res)
{
    const ql_ruleset *rs = e->rs;
    const fprog *p = e->p;
    fval *ov = res->ov;
    memcpy(ov, e->v + p->s_comp, p->n_out_vals * sizeof *ov);
    int64_t quotient = 0;
    for (size_t k = 0; k < p->n_out_num; k++)
        quotient |= ov[p->out_num[k]].d;
    if (quotient)
        return write_back_exact(e, res);
    for (size_t k = 0; k < p->n_out_chk; k++) {
        uint32_t j = p->out_chk[k];
        if (!shown_fits(&ov[p->out_pos[p->out_comp[j]]], p->out_disp[j]))
            return write_back_exact(e, res);
    }
    const fast_check *ck = e->s->ck;
    const fval *fv = &e->v[p->s_check];
    fval *kv = res->kv;
    for (size_t k = 0; k < rs->n_checks; k++, fv += 5, kv += 3) {
        check_out *c = &res->checks[k];
        c->state = 2;
        c->applicable = ck[k].applicable;
        c->compliant = ck[k].compliant;
        if (!ck[k].applicable)
            continue;
        const display *d = rs->checks[k].disp;
        if ((fv[CF_REQUIRED].d | fv[CF_ACTUAL].d | fv[CF_SHORTFALL].d) != 0 ||
            !shown_fits(&fv[CF_REQUIRED], d[0]) ||
            !shown_fits(&fv[CF_ACTUAL], d[1]) ||
            !shown_fits(&fv[CF_SHORTFALL], d[2]))
            return write_back_exact(e, res);
        memcpy(kv, &fv[CF_REQUIRED],
               3 * sizeof *kv); /* required, actual, shortfall */
    }
    res->fastv = 1;
    return FN_OK;
}

static inline __attribute__((always_inline)) int
fast_begin(fctx *e, const ql_ruleset *rs, struct fast_scratch *s, ql_date date)
{
    e->rs = rs;
    e->p = rs->fast;
    e->s = s;
    e->in_validation = 0;
    e->nframes = 0;
    if (!e->p || !s || s->rs != rs)
        return F_FALL;
    e->v = s->v;
    uint32_t at;
    if (s->pdate != date) {
        load_params(e, date);
        /* what the date alone decides, once: a failure there is every
         * record's on this date */
        e->v[e->p->s_date].c = date;
        memset(s->cst, 0, rs->n_computed);
        s->date_ok =
            qli_fast_run(e, &e->p->code[e->p->date_start], &at) == FN_OK;
    }
    if (!s->date_ok)
        return F_FALL;
    e->v[e->p->s_date].c = date;
    return FN_OK;
}

static inline __attribute__((always_inline)) int fast_body(fctx *e)
{
    const ql_ruleset *rs = e->rs;
    uint32_t at;
    /* cst and kst, adjacent (qli_fast_scratch_new) */
    memset(e->s->cst, 0, rs->n_computed + rs->n_checks);
    e->in_validation = 1;
    /* the validations not in the main program, before it */
    for (size_t k = 0; k < e->p->n_valid_run; k++) {
        size_t i = e->p->valid_run[k];
        int st = qli_fast_run(e, e->s->entry[rs->valid[i].block], &at);
        if (st == F_SKIP)
            continue;
        if (st || !e->v[at].c)
            return F_FALL; /* an error, or the validation fails */
    }
    e->in_validation = 0;
    /* every output, then every check, as eval.c */
    return qli_fast_run(e, e->s->main_entry, &at) ? F_FALL : FN_OK;
}

int qli_fast_begin(fctx *e, const ql_ruleset *rs, struct fast_scratch *s,
                   ql_date date)
{
    return fast_begin(e, rs, s, date);
}

int qli_fast_body(fctx *e)
{
    return fast_body(e);
}

int qli_fast_shown_fits(const fval *f, display d)
{
    return shown_fits(f, d);
}

/* After fast_body: the outputs and checks into res, and res's state as
 * an evaluation of rec on date leaves it. */
static inline __attribute__((always_inline)) int
fast_put(fctx *e, ql_result *res, const ql_record *rec, ql_date date)
{
    /* from here on res changes: what eval.c would have left in it */
    if (write_back(e, res))
        return F_FALL;
    res->rec = rec;
    res->flags = 0;
    res->ntrace = 0;
    qli_eval_set_date(res, date); /* eval.c's parameters: of it */
    res->error.code = QL_OK;
    res->status = QL_OK;
    return FN_OK;
}

int qli_fast_put(fctx *e, ql_result *res, const ql_record *rec, ql_date date)
{
    return fast_put(e, res, rec, date);
}

int qli_fast_next(fctx *e, ql_result *res, const ql_record *rec, ql_date date)
{
    /* what fast_begin sets a record and a failed record may have left */
    e->in_validation = 0;
    e->nframes = 0;
    e->v[e->p->s_date].c = date;
    e->rec = rec;
    e->present = rec->present;
    if (load_inputs(e) || fast_body(e))
        return F_FALL;
    return fast_put(e, res, rec, date);
}

int qli_fast_eval(ql_result *res, const ql_record *rec, ql_date date,
                  struct fast_scratch *s)
{
    const ql_ruleset *rs = res->rs;
    fctx e;
    if (fast_begin(&e, rs, s, date))
        return F_FALL;
    e.rec = rec;
    e.present = rec->present;
    if (load_inputs(&e))
        return F_FALL;
    if (fast_body(&e))
        return F_FALL;
    return fast_put(&e, res, rec, date);
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
    res->fastv = 0; /* eval.c writes cvals and the checks */
    return qli_eval_record(res, rec, date, flags);
}

struct fast_scratch *qli_fast_scratch_of(ql_result *res)
{
    return res->rs->fast ? scratch_of(res) : NULL;
}
