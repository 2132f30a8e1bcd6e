/*
 * result.c — result areas and the evaluate entry points.  A result is
 * sized for its rule set once, at ql_result_new; every evaluation after
 * that reuses its memory.  Reading values and traces back out is
 * result_value.c; writing them as text and rows is result_text.c.
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
#include "result_access.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* Why a record cannot go into `res` (NULL: it can): a NULL record, or
 * one of another rule set. */
static const char *bad_pair(const ql_result *res, const ql_record *rec)
{
    return !rec ? "NULL argument: no record"
           : res->rs != rec->rs
               ? "the record and the result belong to different rule sets"
               : NULL;
}

/* A refused call marks its result: none keeps an earlier evaluation's
 * status and numbers, which a caller reading each result's status would
 * take for this call's (probe5 P5-08). */
static ql_status refuse(ql_result *res, const char *why)
{
    res->status = qli_fail(&res->error, QL_EINVAL, NULL, 0, 0, "%s", why);
    return QL_EINVAL;
}

ql_status ql_evaluate(ql_result *res, const ql_record *rec, ql_date date,
                      unsigned flags, ql_error *err)
{
    if (!res)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    const char *why = !eval_args_ok(date, flags)
                          ? "bad argument: an unknown flag, or a date "
                            "outside 0001-01-01 … 9999-12-31"
                          : bad_pair(res, rec);
    if (why) {
        refuse(res, why);
        if (err)
            *err = res->error;
        return QL_EINVAL;
    }
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
    if (n && !results)
        return QL_EINVAL;
    /* a refused batch runs none, and every result says so: none keeps an
     * earlier evaluation's status (probe5 P5-08) */
    const char *why = n && !recs ? "NULL argument: no records" : NULL;
    for (size_t i = 0; i < n && !why; i++)
        why = !results[i] ? "NULL argument: a NULL result in the batch"
                          : bad_pair(results[i], recs[i]);
    if (!why && !eval_args_ok(date, flags))
        why = "bad argument: an unknown flag, or a date outside "
              "0001-01-01 … 9999-12-31";
    if (why) {
        for (size_t i = 0; i < n; i++)
            if (results[i])
                refuse(results[i], why);
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
