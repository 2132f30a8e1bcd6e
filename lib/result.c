/*
 * result.c — result areas, the evaluate entry points and reading results
 * and traces back out.  A result is sized for its rule set once, at
 * ql_result_new; every evaluation after that reuses its memory.
 */
#include "decimal.h"
#include "util.h"
#include "date.h"
#include "value.h"
#include "ruleset.h"
#include "eval.h"
#include "scale.h"
#include "fast.h"
#include "fast_code.h" /* fprog.out_pos */
#include "text64.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Room for output i's fields between each's separator after the last
 * (put_planned). */
#define ROW_ROOM (5 * (QD_TEXT_MAX + 1) + 1)

/* The most bytes a row written from the fast path's plan takes, with its
 * NUL (each output's most, as put_planned writes it), or 0 when the plan
 * does not cover every output. */
static size_t planned_room(const ql_ruleset *rs)
{
    size_t room = 1;
    for (size_t i = 0; rs->fast && i < rs->n_outputs; i++)
        switch (rs->fast->row[i].kind) {
        case FR_NUMBER: room += 1 + QD_TEXT_MAX; break;
        case FR_BOOL: room += 6; break;
        case FR_DATE: room += 12; break;
        case FR_CHECK: room += ROW_ROOM; break;
        default: return 0;
        }
    return rs->fast ? room : 0;
}

ql_status ql_result_new(ql_result **out, const ql_ruleset *rs, ql_error *err)
{
    if (!out || !rs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    *out = NULL;
    ql_result *r = calloc(1, sizeof *r);
    if (!r)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    r->rs = rs;
    r->status = QL_EINVAL; /* nothing evaluated yet */
    qli_fail(&r->error, QL_EINVAL, NULL, 0, 0, "no evaluation has run yet");
    r->date = INT32_MIN;
    size_t steps = rs->n_inputs + rs->n_params + rs->n_computed + rs->n_checks;
    r->cvals = calloc(rs->n_computed + 1, sizeof *r->cvals);
    r->cstate = calloc(rs->n_computed + 1, 1);
    r->checks = calloc(rs->n_checks + 1, sizeof *r->checks);
    r->pidx = calloc(rs->n_params + 1, sizeof *r->pidx);
    r->seen_in = calloc(rs->n_inputs + 1, 1);
    r->seen_par = calloc(rs->n_params + 1, 1);
    r->trace = calloc(steps + 1, sizeof *r->trace);
    r->stack = calloc(rs->stack_need + 1, sizeof *r->stack);
    r->frames = calloc(rs->n_computed + 1, qli_eval_frame_size);
    r->ov = calloc(rs->n_outputs + 1, sizeof *r->ov);
    r->kv = calloc(3 * rs->n_checks + 1, sizeof *r->kv);
    r->drow = calloc(rs->n_outputs + 1, sizeof *r->drow);
    r->dtext = calloc(rs->n_outputs + 1, sizeof *r->dtext);
    if (!r->cvals || !r->cstate || !r->checks || !r->pidx || !r->seen_in ||
        !r->seen_par || !r->trace || !r->stack || !r->frames || !r->ov ||
        !r->kv || !r->drow || !r->dtext) {
        ql_result_free(r);
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; rs->fast && i < rs->n_outputs; i++)
        if (rs->fast->row[i].kind == FR_DATE) {
            r->drow[r->ndrow++] = (uint32_t)i;
            r->dtext[i].d = INT32_MIN; /* no date: written at the first */
        }
    r->row_room = planned_room(rs);
    *out = r;
    return QL_OK;
}

void ql_result_free(ql_result *res)
{
    if (!res)
        return;
    free(res->cvals);
    free(res->cstate);
    free(res->checks);
    free(res->pidx);
    free(res->seen_in);
    free(res->seen_par);
    free(res->trace);
    free(res->stack);
    free(res->frames);
    free(res->ov);
    free(res->kv);
    free(res->drow);
    free(res->dtext);
    qli_fast_scratch_free(res->fast);
    free(res);
}

/* After a fast evaluation: the text of each date of a row whose value
 * changed (dtext). */
static void note_dates(ql_result *res)
{
    const frow *row = res->rs->fast->row;
    for (size_t k = 0; k < res->ndrow; k++) {
        uint32_t i = res->drow[k];
        ql_date d = (ql_date)res->ov[row[i].at].c;
        struct date_text *t = &res->dtext[i];
        if (t->d != d) {
            t->d = d;
            t->len = (uint8_t)ql_date_format(t->t, sizeof t->t, d);
        }
    }
}

/* One evaluation, then the check that what it hands out can be shown. */
static ql_status evaluate_one(ql_result *res, const ql_record *rec, ql_date date,
                              unsigned flags, struct fast_scratch *s)
{
    ql_status st = qli_evaluate(res, rec, date, flags, s);
    if (!st && res->fastv && res->ndrow)
        note_dates(res);
    if (st || (res->fastv && res->rs->fast->n_out_input == 0))
        return st; /* the fast path checked every number it hands out */
    return qli_sc_check_result(res);
}

/* A date a record can be evaluated on, and only flags that exist. */
static int eval_args_ok(ql_date date, unsigned flags)
{
    return (flags & ~(unsigned)QL_EVAL_TRACE) == 0 && qli_date_in_range(date);
}

ql_status ql_evaluate(ql_result *res, const ql_record *rec, ql_date date,
                      unsigned flags, ql_error *err)
{
    if (!res || !rec)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    if (!eval_args_ok(date, flags)) {
        res->status = qli_fail(&res->error, QL_EINVAL, NULL, 0, 0,
                              "bad argument: an unknown flag, or a date "
                              "outside 0001-01-01 … 9999-12-31");
        if (err)
            *err = res->error;
        return QL_EINVAL;
    }
    if (res->rs != rec->rs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "the record and the result belong to different rule sets");
    ql_status st = evaluate_one(res, rec, date, flags, NULL);
    if (st && err)
        *err = res->error;
    return st;
}

/* A batch's records and results are each in memory of their own, and a
 * large batch's are in no cache: each record waits on a dozen lines of
 * its fields (v64, present, wide) and its result's on as many (its
 * struct, the outputs' and checks' values, each check's state).  Asked
 * for PREFETCH_AHEAD records ahead (their structs twice as far, since
 * the arrays' addresses are in them), they arrive while earlier records
 * evaluate.  Only what the fast path reads and writes is asked for. */
#define PREFETCH_AHEAD 4

/* A cache line asked for; written as an instruction of its own on x86-64,
 * since the compiler drops a loop of nothing but __builtin_prefetch. */
static inline void prefetch_line(const char *c)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __asm__ volatile("prefetcht0 %0" : : "m"(*c));
#else
    __builtin_prefetch(c);
#endif
}

static void prefetch_span(const void *p, size_t bytes)
{
    const char *c = p;
    for (size_t off = 0; off < bytes; off += 64)
        prefetch_line(c + off);
}

static void prefetch_pair(const ql_result *res, const ql_record *rec)
{
    const ql_ruleset *rs = res->rs;
    prefetch_span(rec->v64, rec->n * sizeof *rec->v64);
    prefetch_span(rec->present, QLI_REC_PADDED(rec->n));
    prefetch_span(rec->wide, QLI_REC_PADDED(rec->n));
    prefetch_span(&res->date, sizeof *res - offsetof(ql_result, date));
    if (!rs->fast)
        return;
    prefetch_span(res->ov, rs->fast->n_out_vals * sizeof *res->ov);
    prefetch_span(res->kv, 3 * rs->n_checks * sizeof *res->kv);
    for (size_t k = 0; k < rs->n_checks; k++)
        prefetch_line((const char *)&res->checks[k]); /* state, applicable */
    if (res->ndrow)
        prefetch_span(res->dtext, rs->n_outputs * sizeof *res->dtext);
}

ql_status ql_evaluate_many(ql_result *const *results,
                           const ql_record *const *recs, size_t n, ql_date date,
                           unsigned flags)
{
    if (n && (!recs || !results))
        return QL_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!recs[i] || !results[i] || recs[i]->rs != results[i]->rs)
            return QL_EINVAL;
    if (!eval_args_ok(date, flags)) {
        /* every result says so: none keeps an earlier evaluation's status */
        for (size_t i = 0; i < n; i++)
            results[i]->status =
                qli_fail(&results[i]->error, QL_EINVAL, NULL, 0, 0,
                        "bad argument: an unknown flag, or a date outside "
                        "0001-01-01 … 9999-12-31");
        return QL_EINVAL;
    }
    ql_status first = QL_OK;
    /* one fast-path scratch for the batch: the first result's */
    struct fast_scratch *s = n ? qli_fast_scratch_of(results[0]) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 * PREFETCH_AHEAD < n) {
            __builtin_prefetch(recs[i + 2 * PREFETCH_AHEAD]);
            __builtin_prefetch(results[i + 2 * PREFETCH_AHEAD]);
        }
        if (i + PREFETCH_AHEAD < n)
            prefetch_pair(results[i + PREFETCH_AHEAD], recs[i + PREFETCH_AHEAD]);
        ql_status st = evaluate_one(results[i], recs[i], date, flags, s);
        if (st && first == QL_OK)
            first = st;
    }
    return first;
}

ql_status ql_result_status(const ql_result *res)
{
    return res ? res->status : QL_EINVAL;
}

const ql_error *ql_result_error(const ql_result *res)
{
    return res ? &res->error : NULL;
}

const ql_ruleset *ql_result_ruleset(const ql_result *res)
{
    return res ? res->rs : NULL;
}

ql_date ql_result_date(const ql_result *res)
{
    return res && res->status == QL_OK ? res->date : INT32_MIN;
}

static int usable(const ql_result *res) { return res && res->status == QL_OK; }

/* Computed output k's 64-bit value after a fast evaluation, else NULL
 * (eval.c's value is in cvals). */
static const fval *fast_value(const ql_result *res, size_t k)
{
    if (!res->fastv)
        return NULL;
    int32_t j = res->rs->fast->out_pos[k];
    return j >= 0 ? &res->ov[j] : NULL;
}

/* Computed value k as the evaluation left it: eval.c's, or the fast
 * path's as a qval in tmp. */
static const qval *cval(const ql_result *res, size_t k, qval *tmp)
{
    const fval *f = fast_value(res, k);
    if (!f)
        return &res->cvals[k];
    switch (res->rs->computed[k].type.kind) {
    case VK_NUMBER: tmp->num = qli_qd_make(f->c, f->s); break;
    case VK_BOOL: tmp->b = f->c != 0; break;
    case VK_DATE: tmp->date = (ql_date)f->c; break;
    case VK_ENUM: tmp->en = (int32_t)f->c; break;
    default:
        tmp->str.s = f->p;
        tmp->str.len = f->len;
        break;
    }
    return tmp;
}

/* Number j (0 required, 1 actual, 2 shortfall) of applicable check i:
 * eval.c's, or the fast path's in tmp. */
static const qd *check_num(const ql_result *res, size_t i, int j, qd *tmp)
{
    if (res->fastv) {
        const fval *f = &res->kv[3 * i + (size_t)j];
        *tmp = qli_qd_make(f->c, f->s);
        return tmp;
    }
    const check_out *c = &res->checks[i];
    return j == 0 ? &c->required.num : j == 1 ? &c->actual.num : &c->shortfall.num;
}

/* A value of type t as the public value, a number shown as d says.  A
 * number that cannot be (qli_sc_check_result failed the evaluation first, so
 * never after a successful one) is NONE, never other places. */
static void shown_as(const qval *v, vtype t, display d, int whole,
                     ql_value *out)
{
    qval s;
    if (t.kind != VK_NUMBER || d.scale < 0) {
        qli_qval_to_public(v, t, out);
        return;
    }
    if (qli_sc_show(&s.num, &v->num, d) == QD_OK)
        qli_qval_to_public(&s, t, out);
    else if (whole)
        qli_qval_to_public(v, t, out);
    else
        qli_value_none(out);
}

static void shown(const qval *v, vtype t, display d, ql_value *out)
{
    shown_as(v, t, d, 0, out);
}

/* A value as a step of a trace shows it: as shown() says, or, when it
 * cannot be shown at its places (35 digits with 2 places; a computed
 * value with more places than its `scale:` and no output showing it),
 * exactly as it was read or computed.  The trace is never checked more
 * tightly than the evaluation: asking for it changes no outcome. */
static void traced(const qval *v, vtype t, display d, ql_value *out)
{
    shown_as(v, t, d, 1, out);
}

/* An input's values have its declared places (money its currency's). */
static display input_display(const input_def *d)
{
    display s = {(int8_t)d->scale, -1};
    return s;
}

/* The value of input i the evaluation used: the default for an empty
 * field. */
static void input_value(const ql_result *res, size_t i, int whole,
                        ql_value *out)
{
    const input_def *d = &res->rs->inputs[i];
    qli_value_none(out);
    if (res->rec->present[i])
        shown_as(&res->rec->vals[i], d->type, input_display(d), whole, out);
    else if (d->has_default)
        shown_as(&d->def, d->type, input_display(d), whole, out);
    else if (d->type.kind == VK_STRING || d->type.kind == VK_ENUM)
        ql_record_get(out, res->rec, i); /* NONE */
}

ql_status ql_result_output(ql_value *out, const ql_result *res, size_t i)
{
    if (!out || out->version != QL_VALUE_VERSION)
        return QL_EINVAL; /* a struct of a layout this library does not know */
    qli_value_none(out); /* NONE whatever happens below */
    if (!usable(res) || i >= res->rs->n_outputs)
        return QL_EINVAL;
    const output_def *o = &res->rs->outputs[i];
    switch (o->kind) {
    case OUT_COMPUTED: {
        qval tmp;
        shown(cval(res, (size_t)o->index, &tmp), res->rs->computed[o->index].type,
              o->disp, out);
        break;
    }
    case OUT_INPUT:
        if (res->rec->present[o->index] || res->rs->inputs[o->index].has_default)
            input_value(res, (size_t)o->index, 0, out);
        else
            ql_record_get(out, res->rec, (size_t)o->index);
        break;
    case OUT_CHECK: {
        const check_out *c = &res->checks[o->index];
        if (c->applicable) {
            out->type = QL_TYPE_BOOL;
            out->boolean = c->compliant;
        }
        break;
    }
    }
    return QL_OK;
}

ql_status ql_result_check(ql_check_result *out, const ql_result *res, size_t i)
{
    if (!out || out->version != QL_CHECK_RESULT_VERSION)
        return QL_EINVAL; /* a struct of a layout this library does not know */
    memset(out, 0, sizeof *out);
    out->version = QL_CHECK_RESULT_VERSION;
    qli_value_none(&out->required);
    qli_value_none(&out->actual);
    qli_value_none(&out->shortfall);
    if (!usable(res) || i >= res->rs->n_checks)
        return QL_EINVAL;
    const check_out *c = &res->checks[i];
    const display *d = res->rs->checks[i].disp;
    out->applicable = c->applicable;
    out->compliant = 1; /* not applicable: nothing is required */
    if (!c->applicable)
        return QL_OK;
    vtype num = {VK_NUMBER, NULL, 0, 0};
    ql_value *f[3] = {&out->required, &out->actual, &out->shortfall};
    out->compliant = c->compliant;
    for (int j = 0; j < 3; j++) {
        qval tmp;
        tmp.num = *check_num(res, i, j, &tmp.num);
        shown(&tmp, num, d[j], f[j]);
    }
    return QL_OK;
}

/* A number shown as d says, straight into buf when it is big enough
 * for any: from 64 bits when it fits and needs no rounding (nearly
 * always: the fast path's values), else through the exact display. */
static size_t number_text(const qd *raw, display d, char *buf, size_t size)
{
    if (buf && size >= QD_TEXT_MAX && raw->coef <= INT64_MAX &&
        raw->coef >= INT64_MIN) {
        size_t n = qli_qd_format_i64((int64_t)raw->coef, raw->scale, d.scale, buf);
        if (n)
            return n;
    }
    qd shown_v;
    const qd *v = &shown_v;
    if (qli_sc_show(&shown_v, raw, d) != QD_OK)
        return qli_text_out("", 0, buf, size); /* as shown(): no number */
    if (buf && size >= QD_TEXT_MAX)
        return qli_qd_format(v, buf);
    char tmp[QD_TEXT_MAX];
    size_t n = qli_qd_format(v, tmp);
    return qli_text_out(tmp, n, buf, size);
}

/* number_text of a 64-bit number c × 10^−s, without the qd when buf
 * has room for any. */
static size_t number_text64(int64_t c, int s, display d, char *buf, size_t size)
{
    if (buf && size >= QD_TEXT_MAX) {
        size_t n = qli_qd_format_i64(c, s, d.scale, buf);
        if (n)
            return n;
    }
    qd v = qli_qd_make(c, s);
    return number_text(&v, d, buf, size);
}

/* Number j of applicable check i as text. */
static size_t check_num_text(const ql_result *res, size_t i, int j, char *buf,
                             size_t size)
{
    display d = res->rs->checks[i].disp[j];
    if (res->fastv) {
        const fval *f = &res->kv[3 * i + (size_t)j];
        return number_text64(f->c, f->s, d, buf, size);
    }
    qd tmp;
    return number_text(check_num(res, i, j, &tmp), d, buf, size);
}

static size_t bool_text(int b, char *buf, size_t size)
{
    if (buf && size >= 6) { /* as qli_text_out, without its checks */
        memcpy(buf, b ? "true\0" : "false", 6);
        return b ? 4 : 5;
    }
    return b ? qli_text_out("true", 4, buf, size)
             : qli_text_out("false", 5, buf, size);
}

size_t ql_result_output_text(char *buf, size_t size, const ql_result *res,
                             size_t i)
{
    if (buf && size)
        buf[0] = '\0';
    if (!usable(res) || i >= res->rs->n_outputs)
        return 0;
    const output_def *o = &res->rs->outputs[i];
    if (o->kind == OUT_COMPUTED) {
        vkind k = res->rs->computed[o->index].type.kind;
        const fval *f = fast_value(res, (size_t)o->index);
        if (f && k == VK_NUMBER)
            return number_text64(f->c, f->s, o->disp, buf, size);
        qval tmp;
        const qval *v = cval(res, (size_t)o->index, &tmp);
        switch (k) {
        case VK_NUMBER: return number_text(&v->num, o->disp, buf, size);
        case VK_BOOL: return bool_text(v->b, buf, size);
        case VK_DATE: return ql_date_format(buf, size, v->date);
        default: break;
        }
    } else if (o->kind == OUT_CHECK) {
        const check_out *c = &res->checks[o->index];
        return c->applicable ? bool_text(c->compliant, buf, size) : 0;
    }
    ql_value v = QL_VALUE_INIT; /* inputs, strings and enums: the general way */
    ql_result_output(&v, res, i);
    return ql_value_format(buf, size, &v);
}

size_t ql_result_check_text(char *buf, size_t size, const ql_result *res,
                            size_t i, ql_check_field f)
{
    if (buf && size)
        buf[0] = '\0';
    if (!usable(res) || i >= res->rs->n_checks)
        return 0;
    const check_out *c = &res->checks[i];
    if (f == QL_CHECK_APPLICABLE)
        return bool_text(c->applicable, buf, size);
    if (!c->applicable)
        return 0;
    switch (f) {
    case QL_CHECK_COMPLIANT: return bool_text(c->compliant, buf, size);
    case QL_CHECK_REQUIRED: return check_num_text(res, i, 0, buf, size);
    case QL_CHECK_ACTUAL: return check_num_text(res, i, 1, buf, size);
    case QL_CHECK_SHORTFALL: return check_num_text(res, i, 2, buf, size);
    default: return 0;
    }
}

/* c × 10^−s at display d's places into *coef: its scale, or QL_I64_WIDE
 * when that takes a rounding or more than 64 bits. */
static int i64_shown(int64_t *coef, int64_t c, int s, display d)
{
    if (d.scale < 0 || s == d.scale) {
        *coef = c;
        return s;
    }
    if (s < d.scale) {
        int up = d.scale - s;
        int64_t v;
        if (up > 18 || __builtin_mul_overflow(c, (int64_t)qli_qd_pow10[up], &v))
            return QL_I64_WIDE;
        *coef = v;
        return d.scale;
    }
    int down = s - d.scale;
    if (down > 18 || c % (int64_t)qli_qd_pow10[down] != 0)
        return QL_I64_WIDE; /* a rounding for display: the general reader */
    *coef = c / (int64_t)qli_qd_pow10[down];
    return d.scale;
}

/* An exact engine's number, shown as d says, into *coef. */
static int i64_of_qd(int64_t *coef, const qd *v, display d)
{
    qd s;
    if (v->cut || qli_sc_show(&s, v, d) != QD_OK || s.coef > INT64_MAX ||
        s.coef < INT64_MIN)
        return QL_I64_WIDE;
    *coef = (int64_t)s.coef;
    return (int)s.scale;
}

int ql_result_output_i64(int64_t *coef, const ql_result *res, size_t i)
{
    if (!coef || !usable(res) || i >= res->rs->n_outputs)
        return QL_I64_NONE;
    const output_def *o = &res->rs->outputs[i];
    if (o->kind != OUT_COMPUTED)
        return o->kind == OUT_INPUT ? QL_I64_WIDE : QL_I64_NONE;
    if (res->rs->computed[o->index].type.kind != VK_NUMBER)
        return QL_I64_NONE;
    const fval *f = fast_value(res, (size_t)o->index);
    if (f)
        return i64_shown(coef, f->c, f->s, o->disp);
    return i64_of_qd(coef, &res->cvals[o->index].num, o->disp);
}

int ql_result_check_i64(int64_t *coef, const ql_result *res, size_t i,
                        ql_check_field f)
{
    if (!coef || !usable(res) || i >= res->rs->n_checks || f < QL_CHECK_REQUIRED ||
        f > QL_CHECK_SHORTFALL || !res->checks[i].applicable)
        return QL_I64_NONE;
    int j = (int)f - QL_CHECK_REQUIRED;
    display d = res->rs->checks[i].disp[j];
    if (res->fastv) {
        const fval *v = &res->kv[3 * i + (size_t)j];
        return i64_shown(coef, v->c, v->s, d);
    }
    qd tmp;
    return i64_of_qd(coef, check_num(res, i, j, &tmp), d);
}

/* Value text s (n bytes) as a field of a delimited line, quoted where it
 * holds sep, '"', CR or LF, at o in buf (cut at size − 1: only what
 * fits is written); returns the field's full length. */
static size_t put_field(char *buf, size_t size, size_t o, const char *s,
                        size_t n, char sep)
{
    int quote = 0;
    for (size_t k = 0; k < n && !quote; k++)
        quote = s[k] == sep || s[k] == '"' || s[k] == '\n' || s[k] == '\r';
    size_t len = 0;
#define PUT(c)                                                               \
    do {                                                                     \
        if (buf && o + len + 1 < size)                                       \
            buf[o + len] = (c);                                              \
        len++;                                                               \
    } while (0)
    if (quote)
        PUT('"');
    for (size_t k = 0; k < n; k++) {
        if (quote && s[k] == '"')
            PUT('"');
        PUT(s[k]);
    }
    if (quote)
        PUT('"');
#undef PUT
    return len;
}

/* Output i, or field f of check i (f ≥ 0), as text at o in buf: straight
 * there when room for any number is left, else through a copy cut to
 * fit (or just measured).  Returns its full length. */
static size_t row_value(char *buf, size_t size, size_t o, const ql_result *res,
                        size_t i, int f, char sep)
{
    if (f < 0 && res->rs->outputs[i].kind != OUT_CHECK) {
        const output_def *od = &res->rs->outputs[i];
        vkind k = od->kind == OUT_COMPUTED ? res->rs->computed[od->index].type.kind
                                           : res->rs->inputs[od->index].type.kind;
        if (k == VK_STRING || k == VK_ENUM) {
            ql_value v = QL_VALUE_INIT;
            ql_result_output(&v, res, i);
            return put_field(buf, size, o, v.string ? v.string : "", v.length, sep);
        }
    }
    if (buf && o + QD_TEXT_MAX <= size)
        return f < 0 ? ql_result_output_text(buf + o, QD_TEXT_MAX, res, i)
                     : ql_result_check_text(buf + o, QD_TEXT_MAX, res, i,
                                            (ql_check_field)f);
    char tmp[QD_TEXT_MAX];
    size_t n = f < 0 ? ql_result_output_text(tmp, sizeof tmp, res, i)
                     : ql_result_check_text(tmp, sizeof tmp, res, i,
                                            (ql_check_field)f);
    if (buf && o < size)
        qli_text_out(tmp, n, buf + o, size - o);
    return n;
}

/* Output i's fields, each after sep, straight at buf, which has room
 * for five numbers: the work of row_value without a call a value.  −1
 * when the output is a string, an enum or an input, for row_value. */
static long row_fast(char *buf, const ql_result *res, size_t i, char sep)
{
    const output_def *od = &res->rs->outputs[i];
    char *o = buf;
    if (od->kind == OUT_CHECK) {
        size_t k = (size_t)od->index;
        const check_out *c = &res->checks[k];
        *o++ = sep;
        o += bool_text(c->applicable, o, QD_TEXT_MAX);
        *o++ = sep;
        if (!c->applicable) {
            memset(o, sep, 3);
            o[3] = '\0';
            return 3 + (long)(o - buf);
        }
        o += bool_text(c->compliant, o, QD_TEXT_MAX);
        for (int j = 0; j < 3; j++) {
            *o++ = sep;
            o += check_num_text(res, k, j, o, QD_TEXT_MAX);
        }
        return (long)(o - buf);
    }
    if (od->kind != OUT_COMPUTED)
        return -1;
    vkind k = res->rs->computed[od->index].type.kind;
    const fval *f = fast_value(res, (size_t)od->index);
    *o++ = sep;
    if (f) { /* the fast path's values, read as they are */
        switch (k) {
        case VK_NUMBER: o += number_text64(f->c, f->s, od->disp, o, QD_TEXT_MAX); break;
        case VK_BOOL: o += bool_text(f->c != 0, o, QD_TEXT_MAX); break;
        case VK_DATE: o += ql_date_format(o, QD_TEXT_MAX, (ql_date)f->c); break;
        default: return -1;
        }
        return (long)(o - buf);
    }
    const qval *v = &res->cvals[od->index];
    switch (k) {
    case VK_NUMBER: o += number_text(&v->num, od->disp, o, QD_TEXT_MAX); break;
    case VK_BOOL: o += bool_text(v->b, o, QD_TEXT_MAX); break;
    case VK_DATE: o += ql_date_format(o, QD_TEXT_MAX, v->date); break;
    default: return -1;
    }
    return (long)(o - buf);
}

/* Output i's fields, each after sep, at o in buf, whatever room is left
 * (cut at size − 1, as ql_result_row_text says); returns o after them. */
static size_t row_output(char *buf, size_t size, size_t o, const ql_result *res,
                         size_t i, char sep)
{
    const output_def *od = &res->rs->outputs[i];
    if (o + 5 * (QD_TEXT_MAX + 1) <= size) {
        long n = row_fast(buf + o, res, i, sep);
        if (n >= 0)
            return o + (size_t)n;
    }
    int fields = od->kind == OUT_CHECK ? 5 : 1;
    for (int f = 0; f < fields; f++) {
        if (o + 1 < size)
            buf[o] = sep;
        o++;
        o += od->kind == OUT_CHECK
                 ? row_value(buf, size, o, res, (size_t)od->index, f, sep)
                 : row_value(buf, size, o, res, i, -1, sep);
    }
    return o;
}

/* Output i's fields from the plan r, each after sep, at b (room for
 * ROW_ROOM): a number straight from 64 bits at its display places
 * (qli_put_fixed), a date from its text of the evaluation (dtext), a
 * check that does not apply as its fixed text.  Returns their length. */
static inline __attribute__((always_inline)) size_t
put_planned(char *b, const ql_result *res, size_t i, const frow *r, char sep)
{
    const fval *f = &res->ov[r->at];
    *b = sep;
    switch (r->kind) {
    case FR_NUMBER: {
        size_t k = qli_put_fixed(b + 1, f->c, f->s, r->disp.scale < 0 ? f->s : r->disp.scale);
        return 1 + (k ? k : number_text64(f->c, f->s, r->disp, b + 1, QD_TEXT_MAX));
    }
    case FR_BOOL:
        memcpy(b + 1, f->c ? "true" : "false", 5);
        return f->c ? 5 : 6;
    case FR_DATE: {
        const struct date_text *t = &res->dtext[i];
        if (t->d != (ql_date)f->c)
            return 1 + ql_date_format(b + 1, 11, (ql_date)f->c);
        memcpy(b + 1, t->t, 10);
        return 1 + t->len;
    }
    default: /* FR_CHECK */
        if (res->checks[r->at].applicable)
            return (size_t)row_fast(b, res, i, sep);
        memcpy(b + 1, "false", 5);
        memset(b + 6, sep, 4);
        return 10;
    }
}

/* The row after a fast evaluation, from the rule set's plan of it
 * (fprog.row): with room for the longest such row (row_room), one
 * output after another with nothing checked between; else each with
 * room for it checked, and what the plan does not cover, and the end of
 * a buffer too short, the general way (row_output). */
static size_t row_planned(char *buf, size_t size, const ql_result *res, char sep)
{
    const frow *row = res->rs->fast->row;
    size_t n = res->rs->n_outputs, o = 0;
    if (res->row_room && size >= res->row_room) {
        for (size_t i = 0; i < n; i++)
            o += put_planned(buf + o, res, i, &row[i], sep);
        return o;
    }
    for (size_t i = 0; i < n; i++) {
        if (o >= size || size - o < ROW_ROOM || row[i].kind == FR_OTHER)
            o = row_output(buf, size, o, res, i, sep);
        else
            o += put_planned(buf + o, res, i, &row[i], sep);
    }
    return o;
}

/* Whether sep can part a row's values: a tab or ASCII punctuation that
 * no number, date or bool is written with (digits, letters, '-', '.',
 * '+'), never '"', a control character, or a byte of a UTF-8 sequence —
 * else the row could not be split back. */
static int row_sep_ok(char sep)
{
    unsigned char c = (unsigned char)sep;
    if (c == '\t')
        return 1;
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '-' || c == '.' || c == '+')
        return 0;
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

size_t ql_result_row_text(char *buf, size_t size, const ql_result *res, char sep)
{
    if (buf && size)
        buf[0] = '\0';
    if (!usable(res) || !row_sep_ok(sep))
        return 0;
    if (!buf)
        size = 0;
    size_t o = 0;
    if (res->fastv && size) {
        o = row_planned(buf, size, res, sep);
    } else {
        for (size_t i = 0; i < res->rs->n_outputs; i++)
            o = row_output(buf, size, o, res, i, sep);
    }
    if (size)
        buf[o < size ? o : qli_utf8_cut(buf, size - 1)] = '\0';
    return o;
}

ql_status ql_check_result_init(ql_check_result *c, unsigned int version)
{
    if (!c || version == 0 || version > QL_CHECK_RESULT_VERSION)
        return QL_EINVAL;
    memset(c, 0, sizeof *c);
    c->version = version;
    qli_value_none(&c->required);
    qli_value_none(&c->actual);
    qli_value_none(&c->shortfall);
    return QL_OK;
}

ql_status ql_trace_step_init(ql_trace_step *s, unsigned int version)
{
    if (!s || version == 0 || version > QL_TRACE_STEP_VERSION)
        return QL_EINVAL;
    memset(s, 0, sizeof *s);
    s->version = version;
    qli_value_none(&s->value);
    return QL_OK;
}

const char *ql_step_kind_name(ql_step_kind kind)
{
    switch (kind) {
    case QL_STEP_INPUT: return "input";
    case QL_STEP_PARAM: return "param";
    case QL_STEP_COMPUTED: return "computed";
    case QL_STEP_CHECK: return "check";
    }
    return "?";
}

size_t ql_result_trace_count(const ql_result *res)
{
    return usable(res) ? res->ntrace : 0;
}

ql_status ql_result_trace_step(ql_trace_step *out, const ql_result *res,
                               size_t i)
{
    if (!usable(res) || !out || out->version != QL_TRACE_STEP_VERSION ||
        i >= res->ntrace)
        return QL_EINVAL;
    const ql_ruleset *rs = res->rs;
    const trace_ent *t = &res->trace[i];
    memset(out, 0, sizeof *out);
    out->version = QL_TRACE_STEP_VERSION;
    qli_value_none(&out->value);
    out->kind = (ql_step_kind)t->kind;
    out->until = -1;
    switch (out->kind) {
    case QL_STEP_INPUT: {
        const input_def *d = &rs->inputs[t->index];
        out->name = d->name;
        out->description = d->description;
        input_value(res, (size_t)t->index, 1, &out->value);
        break;
    }
    case QL_STEP_PARAM: {
        const param_def *d = &rs->params[t->index];
        const param_value *pv = &d->values[res->pidx[t->index]];
        out->name = d->name;
        out->description = d->description;
        out->source = pv->source;
        out->from = pv->from;
        out->until = pv->until;
        if (d->type.kind == VK_TABLE) {
            out->value.type = QL_TYPE_TABLE;
            out->value.string = pv->text;
            out->value.length = strlen(pv->text);
        } else {
            qli_qval_to_public(&pv->v, d->type, &out->value);
        }
        break;
    }
    case QL_STEP_COMPUTED: {
        const computed_def *d = &rs->computed[t->index];
        out->name = d->name;
        out->formula = d->formula;
        out->description = d->description;
        out->source = d->source;
        qval tmp;
        traced(cval(res, (size_t)t->index, &tmp), d->type, d->disp, &out->value);
        break;
    }
    case QL_STEP_CHECK: {
        const check_def *d = &rs->checks[t->index];
        const check_out *c = &res->checks[t->index];
        out->name = d->name;
        out->description = d->title;
        out->source = d->source;
        out->formula = d->expr[0] ? d->expr[0]->text : NULL;
        if (c->applicable) {
            out->value.type = QL_TYPE_BOOL;
            out->value.boolean = c->compliant;
        }
        break;
    }
    }
    return QL_OK;
}
