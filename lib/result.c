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
#include "fast_run.h"  /* a batch's records after one qli_fast_begin */
#include "text64.h"
#include "result_access.h"
#include "block.h"

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

/* The error's code, which every evaluation writes, in the struct's
 * first two cache lines with what a fast evaluation reads and writes. */
_Static_assert(offsetof(ql_result, error) + sizeof(ql_status) <= 2 * QLI_LINE,
               "a fast evaluation's part of ql_result is two cache lines");
#define RESULT_HEAD (2 * QLI_LINE)

/* Where a result's arrays go in its block: first what a fast evaluation
 * touches (ov's outputs, kv, the checks' states, drow, dtext), at
 * qli_result_hot_at, then the rest, eval.c's. */
typedef struct result_layout {
    size_t ov, kv, checks, drow, dtext, hot_end;
    size_t cvals, cstate, ckvals, pidx, seen_in, seen_par, trace, stack,
        frames;
    qli_block b;
} result_layout;

static size_t n_dates(const ql_ruleset *rs)
{
    size_t n = 0;
    for (size_t i = 0; rs->fast && i < rs->n_outputs; i++)
        n += rs->fast->row[i].kind == FR_DATE;
    return n;
}

static void result_layout_of(result_layout *l, const ql_ruleset *rs)
{
    size_t steps = rs->n_inputs + rs->n_params + rs->n_computed + rs->n_checks;
    qli_block *b = &l->b;
    b->size = sizeof(ql_result);
    b->overflow = 0;
    /* ov: the computed outputs, each once (fprog.n_out_vals) */
    l->ov = qli_block_part(b, (rs->fast ? rs->fast->n_out_vals : 0) + 1,
                           sizeof(fval), QLI_LINE);
    l->kv = qli_block_part(b, 3 * rs->n_checks + 1, sizeof(fval), _Alignof(fval));
    l->checks = qli_block_part(b, rs->n_checks + 1, sizeof(check_out), 1);
    l->drow = qli_block_part(b, n_dates(rs) + 1, sizeof(uint32_t),
                             _Alignof(uint32_t));
    l->dtext = qli_block_part(b, n_dates(rs) + 1, sizeof(struct date_text),
                              _Alignof(struct date_text));
    l->hot_end = b->size;
    l->cvals = qli_block_part(b, rs->n_computed + 1, sizeof(qval), _Alignof(qval));
    l->cstate = qli_block_part(b, rs->n_computed + 1, 1, 1);
    l->ckvals = qli_block_part(b, rs->n_checks + 1, sizeof(check_vals),
                               _Alignof(check_vals));
    l->pidx = qli_block_part(b, rs->n_params + 1, sizeof(int32_t),
                             _Alignof(int32_t));
    l->seen_in = qli_block_part(b, rs->n_inputs + 1, 1, 1);
    l->seen_par = qli_block_part(b, rs->n_params + 1, 1, 1);
    l->trace = qli_block_part(b, steps + 1, sizeof(trace_ent),
                              _Alignof(trace_ent));
    l->stack = qli_block_part(b, rs->stack_need + 1, sizeof(qval), _Alignof(qval));
    l->frames = qli_block_part(b, rs->n_computed + 1, qli_eval_frame_size,
                               _Alignof(max_align_t));
}

ql_status ql_result_new(ql_result **out, const ql_ruleset *rs, ql_error *err)
{
    if (!out || !rs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    *out = NULL;
    result_layout l;
    result_layout_of(&l, rs);
    ql_result *r = qli_block_alloc(&l.b);
    if (!r)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    r->rs = rs;
    r->status = QL_EINVAL; /* nothing evaluated yet */
    qli_fail(&r->error, QL_EINVAL, NULL, 0, 0, "no evaluation has run yet");
    r->date = INT32_MIN;
    r->ov = QLI_PART(r, l.ov);
    r->kv = QLI_PART(r, l.kv);
    r->checks = QLI_PART(r, l.checks);
    r->drow = QLI_PART(r, l.drow);
    r->dtext = QLI_PART(r, l.dtext);
    r->cvals = QLI_PART(r, l.cvals);
    r->cstate = QLI_PART(r, l.cstate);
    r->ckvals = QLI_PART(r, l.ckvals);
    r->pidx = QLI_PART(r, l.pidx);
    r->seen_in = QLI_PART(r, l.seen_in);
    r->seen_par = QLI_PART(r, l.seen_par);
    r->trace = QLI_PART(r, l.trace);
    r->stack = QLI_PART(r, l.stack);
    r->frames = QLI_PART(r, l.frames);
    for (size_t i = 0; rs->fast && i < rs->n_outputs; i++)
        if (rs->fast->row[i].kind == FR_DATE) {
            /* no date yet: written at the first */
            r->dtext[r->ndrow].d = INT32_MIN;
            r->drow[r->ndrow++] = (uint32_t)i;
        }
    r->row_room = planned_room(rs);
    *out = r;
    return QL_OK;
}

void ql_result_free(ql_result *res)
{
    if (!res)
        return;
    qli_fast_scratch_free(res->fast);
    free(res);
}

/* After a fast evaluation: the text of each date of a row whose value
 * changed (dtext).  Inline in both callers: a call of its own cost a
 * single evaluation 11 instructions. */
static inline __attribute__((always_inline)) void note_dates(ql_result *res)
{
    const frow *row = res->rs->fast->row;
    for (size_t k = 0; k < res->ndrow; k++) {
        uint32_t i = res->drow[k];
        ql_date d = (ql_date)res->ov[row[i].at].c;
        struct date_text *t = &res->dtext[k];
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

/* evaluate_one of a record the fast path handed back: eval.c, then the
 * check of what it hands out. */
static ql_status exact_one(ql_result *res, const ql_record *rec, ql_date date,
                           unsigned flags)
{
    res->fastv = 0; /* eval.c writes cvals and the checks */
    ql_status st = qli_eval_record(res, rec, date, flags);
    return st ? st : qli_sc_check_result(res);
}

/* evaluate_one of a batch's record after one qli_fast_begin in e (of
 * the batch's rule set rs): the set-up of each record's fast evaluation
 * (the scratch, the date, the flags) made once a batch. */
static inline ql_status next_one(fctx *e, const ql_ruleset *rs, ql_result *res,
                                 const ql_record *rec, ql_date date,
                                 unsigned flags)
{
    if (qli_fast_next(e, res, rec, date) != FN_OK)
        return exact_one(res, rec, date, flags);
    if (res->fastv && res->ndrow)
        note_dates(res);
    return res->fastv && rs->fast->n_out_input == 0 ? QL_OK
                                                     : qli_sc_check_result(res);
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

static inline void prefetch_record(const ql_result *res, const ql_record *rec);

ql_status ql_evaluate(ql_result *res, const ql_record *rec, ql_date date,
                      unsigned flags, ql_error *err)
{
    if (!res)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    prefetch_record(res, rec);
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

/* A large batch's records and results are in no cache: each is one
 * block (record.c, ql_result_new), and the lines a fast evaluation
 * touches — the record's struct and fields, the result's first two lines
 * and its outputs', checks' and dates' — are asked for PREFETCH_AHEAD
 * records ahead, from the handles alone, so that they arrive while
 * earlier records evaluate. */
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

/* The n lines from p (on a line), eight a step and the rest by one jump
 * into a row of them: a pair asks for some twenty lines, and a loop of
 * four a step spent as many instructions on itself as on the lines (70 a
 * Jilin record, 43 now). */
static inline __attribute__((always_inline)) void
prefetch_lines(const void *p, size_t n)
{
    const char *c = p;
    for (; n >= 8; n -= 8, c += 8 * QLI_LINE) {
        prefetch_line(c);
        prefetch_line(c + QLI_LINE);
        prefetch_line(c + 2 * QLI_LINE);
        prefetch_line(c + 3 * QLI_LINE);
        prefetch_line(c + 4 * QLI_LINE);
        prefetch_line(c + 5 * QLI_LINE);
        prefetch_line(c + 6 * QLI_LINE);
        prefetch_line(c + 7 * QLI_LINE);
    }
    switch (n) {
    case 7: prefetch_line(c + 6 * QLI_LINE); /* fall through */
    case 6: prefetch_line(c + 5 * QLI_LINE); /* fall through */
    case 5: prefetch_line(c + 4 * QLI_LINE); /* fall through */
    case 4: prefetch_line(c + 3 * QLI_LINE); /* fall through */
    case 3: prefetch_line(c + 2 * QLI_LINE); /* fall through */
    case 2: prefetch_line(c + QLI_LINE);     /* fall through */
    case 1: prefetch_line(c);                /* fall through */
    default: break;
    }
}

/* Lines that bytes from a line's start take. */
static inline size_t lines_of(size_t bytes)
{
    return (bytes + QLI_LINE - 1) / QLI_LINE;
}

/* A single evaluation's record, which may be in no cache (a record
 * filled long before, as in an HR system's call): every line the fast
 * path reads of it asked for at once, from the handle alone — not the
 * struct's line first and its fields' when it has come, two waits in
 * turn.  The result and the rule set are the caller's, most often in
 * the caches. */
static inline void prefetch_record(const ql_result *res, const ql_record *rec)
{
    if (rec)
        prefetch_lines(rec, lines_of(qli_record_hot_bytes(res->rs->n_inputs)));
}

/* What a batch asks for of each record and result (bytes from each's
 * start), worked out once a batch. */
typedef struct prefetch_plan {
    size_t rec_lines, hot_at, hot_lines;
} prefetch_plan;

static void prefetch_plan_of(prefetch_plan *pp, const ql_ruleset *rs)
{
    result_layout l;
    result_layout_of(&l, rs);
    pp->rec_lines = lines_of(qli_record_hot_bytes(rs->n_inputs));
    pp->hot_at = l.ov; /* on a line (result_layout_of) */
    /* a fast evaluation writes ov's first n_out_vals */
    pp->hot_lines = rs->fast ? lines_of(l.hot_end - l.ov) : 0;
}

static void prefetch_pair(const prefetch_plan *pp, const ql_result *res,
                          const ql_record *rec)
{
    prefetch_lines(rec, pp->rec_lines);
    prefetch_lines(res, RESULT_HEAD / QLI_LINE);
    prefetch_lines((const char *)res + pp->hot_at, pp->hot_lines);
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
    const ql_ruleset *rs = n ? results[0]->rs : NULL;
    prefetch_plan pp;
    if (n)
        prefetch_plan_of(&pp, rs);
    /* the fast path's set-up once for the batch, where it can take it */
    fctx e;
    int fast = s && !(flags & QL_EVAL_TRACE) &&
               qli_fast_begin(&e, rs, s, date) == FN_OK;
    for (size_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n)
            prefetch_pair(&pp, results[i + PREFETCH_AHEAD],
                          recs[i + PREFETCH_AHEAD]);
        ql_status st =
            fast && results[i]->rs == rs
                ? next_one(&e, rs, results[i], recs[i], date, flags)
                : evaluate_one(results[i], recs[i], date, flags, s);
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
