/*
 * bench_slots.c — the measured prototype of issue #18's per-shape
 * programs (bench/slotgen.c, which writes slots_gen.c for one rule set
 * from sample records): every record of UNITS.csv evaluated three ways
 * in the same run —
 *
 *   many   ql_evaluate_many, the library's batch (the reference of speed);
 *   next   the library's fast path one record after another in one set-up
 *          (qli_fast_begin once, qli_fast_next a record): the same work
 *          without the batch's prefetch;
 *   slots  the generated per-shape program (qli_fast_begin once, then
 *          slots_run a record and qli_fast_put into its result), a record
 *          it hands back taken by qli_fast_next, and one that hands back
 *          too by ql_evaluate (the exact engine);
 *
 * first checked record by record against ql_evaluate (status, error,
 * every output and check field as text and as a 64-bit coefficient with
 * its scale: any difference is printed and the exit status is 1), then
 * timed, the three in turn each round, medians and ratios of the same
 * run; single evaluations likewise (a record in no cache, and the first
 * 64 in turn).  For callgrind: pass_many, pass_next and pass_slots each
 * run the whole file once (--toggle-collect=pass_slots, ÷ records).
 *
 *   bench_slots RULES UNITS.csv DATE [REPEATS | --check]
 *
 * With --check it only compares (a test of the suite: exit 1 on any
 * difference), without timing anything.
 * The rules and the date must be those slotgen was given (checked: the
 * program's size and the parameters' scales, else every record is handed
 * back and said so).
 */
#include <quotalevy.h>

#include "eval.h"
#include "fast.h"
#include "fast_code.h"
#include "fast_num.h"
#include "fast_ops.h"
#include "fast_run.h"
#include "ruleset.h"
#include "units_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The operations of the generated program on slots held as scalars
 * (coefficient c, divisor d of an undivided quotient, scale s), so that
 * a value stays in registers (no address of it escapes) and, with its
 * scale a constant, every scale test folds away.  Each gives exactly
 * what the fast path's body gives (fast_ops.h, fast_num.h: the same
 * steps and the same hand-backs); where one needs the general routine
 * it builds an fval for it. */
#define SLI static inline __attribute__((always_inline))

static inline fval sl_fv(int64_t c, int64_t d, int32_t s)
{
    fval v = {.c = c, .s = s};
    v.d = d;
    return v;
}

/* x × 10^k (k ≥ 0) as fn_scale_up. */
SLI int sl_scale_up(int64_t *x, int k)
{
    if (k > 18)
        return *x != 0 ? FN_NO : FN_OK;
    return __builtin_mul_overflow(*x, fn_p10[k], x) ? FN_NO : FN_OK;
}

__attribute__((noinline)) static int sl_cmp_any(int64_t ac, int64_t ad,
                                                int32_t as, int64_t bc,
                                                int64_t bd, int32_t bs,
                                                int *out)
{
    fval a = sl_fv(ac, ad, as), b = sl_fv(bc, bd, bs);
    return fn_cmp_any(&a, &b, out);
}

/* fn_cmp (qli_fop_cmp, whose equal-scale case is the bodies' shortcut):
 * plain numbers whose scales differ by a power of ten that fits inline,
 * the rest by fn_cmp_any. */
SLI int sl_cmp(int64_t ac, int64_t ad, int32_t as, int64_t bc, int64_t bd,
               int32_t bs, int *out)
{
    if ((ad | bd) == 0) {
        int64_t x = ac, y = bc;
        int k = as - bs;
        if (k > 0 ? k > 18 || __builtin_mul_overflow(y, fn_p10[k], &y)
                  : k < 0 &&
                        (k < -18 || __builtin_mul_overflow(x, fn_p10[-k], &x)))
            return sl_cmp_any(ac, ad, as, bc, bd, bs, out);
        *out = (x > y) - (x < y);
        return FN_OK;
    }
    return sl_cmp_any(ac, ad, as, bc, bd, bs, out);
}

/* fn_plain in place (PLAIN2's step), for a quotient. */
__attribute__((noinline)) static int sl_plain(int64_t *c, int64_t *d,
                                              int32_t *s)
{
    fval t = sl_fv(*c, *d, *s);
    if (fn_plain(&t, &t))
        return FN_NO;
    *c = t.c;
    *d = t.d;
    *s = t.s;
    return FN_OK;
}

/* fn_add: a + b, or a − b (neg), at the larger scale. */
SLI int sl_add(int64_t *rc, int32_t *rs, int64_t ac, int32_t as, int64_t bc,
               int32_t bs, int neg)
{
    int64_t x = ac, y = bc, z;
    int s = as;
    if (as < bs) {
        if (sl_scale_up(&x, bs - as))
            return FN_NO;
        s = bs;
    } else if (as > bs && sl_scale_up(&y, as - bs)) {
        return FN_NO;
    }
    if (neg ? __builtin_sub_overflow(x, y, &z)
            : __builtin_add_overflow(x, y, &z))
        return FN_NO;
    *rc = z;
    *rs = s;
    return FN_OK;
}

SLI int sl_mul(int64_t *rc, int32_t *rs, int64_t ac, int32_t as, int64_t bc,
               int32_t bs)
{
    int64_t z;
    int s = as + bs;
    if (s > QD_MAX_SCALE || __builtin_mul_overflow(ac, bc, &z))
        return FN_NO;
    *rc = z;
    *rs = s;
    return FN_OK;
}

__attribute__((noinline)) static int sl_round_slow(int64_t *rc, int32_t *rs,
                                                   int64_t ac, int32_t as,
                                                   int digits, qd_round mode)
{
    fval a = sl_fv(ac, 0, as), t;
    if (fn_round_any_mode(&t, &a, digits, mode))
        return FN_NO;
    *rc = t.c;
    *rs = t.s;
    return FN_OK;
}

/* fn_round of a plain number: half up to 1 … 18 fewer places inline,
 * else fn_round_any_mode. */
SLI int sl_round(int64_t *rc, int32_t *rs, int64_t ac, int32_t as, int digits,
                 qd_round mode)
{
    int k = as - digits;
    if (mode == QD_HALF_UP && k > 0 && k <= 18 && digits >= 0 &&
        digits <= QD_MAX_SCALE) {
        uint64_t m = fn_mag(ac), p = (uint64_t)fn_p10[k];
        uint64_t q = m / p;
        q += (m - q * p) * 2 >= p;
        *rc = ac < 0 ? -(int64_t)q : (int64_t)q;
        *rs = digits;
        return FN_OK;
    }
    return sl_round_slow(rc, rs, ac, as, digits, mode);
}

__attribute__((noinline)) static int sl_round_quot(int64_t *rc, int64_t *rd,
                                                   int32_t *rs, int64_t ac,
                                                   int64_t ad, int32_t as,
                                                   int digits, qd_round mode)
{
    fval a = sl_fv(ac, ad, as), t;
    if (fn_round_any(&t, &a, digits, mode))
        return FN_NO;
    *rc = t.c;
    *rd = t.d;
    *rs = t.s;
    return FN_OK;
}

/* fn_round_any: of a plain number as sl_round, of a quotient out of
 * line. */
SLI int sl_round_any(int64_t *rc, int64_t *rd, int32_t *rs, int64_t ac,
                     int64_t ad, int32_t as, int digits, qd_round mode)
{
    if (ad == 0) {
        *rd = 0;
        return sl_round(rc, rs, ac, as, digits, mode);
    }
    return sl_round_quot(rc, rd, rs, ac, ad, as, digits, mode);
}

/* fn_div_round: round(a / b, digits), both plain. */
SLI int sl_div_round(int64_t *rc, int32_t *rs, int64_t ac, int32_t as,
                     int64_t bc, int32_t bs, int digits, qd_round mode)
{
    if (bc == 0 || digits < 0 || digits > QD_MAX_SCALE)
        return FN_NO;
    int neg = (ac < 0) != (bc < 0) && ac != 0;
    int e = digits - as + bs;
    uint64_t n = fn_mag(ac), d = fn_mag(bc), n64;
    int64_t q;
    if (mode == QD_HALF_UP && e >= 0 && e <= 18 && d <= (uint64_t)INT64_MAX &&
        !__builtin_mul_overflow(n, (uint64_t)fn_p10[e], &n64)) {
        uint64_t u = n64 / d;
        u += (n64 - u * d) * 2 >= d;
        if (u > (uint64_t)INT64_MAX)
            return FN_NO;
        q = neg ? -(int64_t)u : (int64_t)u;
    } else if (fn_div_round_mag(&q, n, d, e, neg, mode)) {
        return FN_NO;
    }
    *rc = q;
    *rs = digits;
    return FN_OK;
}

SLI int sl_str_eq(const char *ap, uint32_t al, const char *bp, uint32_t bl)
{
    return al == bl && memcmp(ap, bp, al) == 0;
}

/* FOPB_BRACKET: parameter table t's bracket of x. */
__attribute__((noinline)) static int sl_bracket(int64_t *rc, int64_t *rd,
                                                int32_t *rs, int64_t xc,
                                                int64_t xd, int32_t xs,
                                                const ftable *t)
{
    fval xv = sl_fv(xc, xd, xs);
    const fval *x = &xv;
    int c;
    if (!t || !t->ok)
        return F_FALL;
    int hit = -1;
    int qs = x->d && x->c ? fn_quot_scale(x->c, x->d, x->s) : 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (x->d ? fn_cmp_quot_plain(x, qs, &t->bound[i], &c)
                 : qli_fop_cmp(x, &t->bound[i], &c))
            return F_FALL;
        if (c > 0 || (c == 0 && !t->exclusive[i]))
            hit = (int)i;
        else
            break;
    }
    if (hit < 0)
        return F_FALL;
    *rc = t->value[hit].c;
    *rd = t->value[hit].d;
    *rs = t->value[hit].s;
    return FN_OK;
}

/* qli_fop_add_date of a number slot. */
__attribute__((noinline)) static int sl_add_date(ql_date x, int64_t yc,
                                                 int64_t yd, int32_t ys,
                                                 int months, ql_date *out)
{
    fval y = sl_fv(yc, yd, ys);
    return qli_fop_add_date(x, &y, months, out);
}

#include "slots_gen.h" /* bench/slotgen.c's output (bench/meson.build) */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct run {
    const ql_ruleset *rs;
    ql_record **recs;
    ql_result **res;
    size_t n;
    ql_date date;
    size_t shaped, generic, next, exact; /* how the slots pass took each */
} run;

/* Which instance a record takes: its shape's (0 … SLOTS_NSHAPES − 1) or
 * the one reading scales (SLOTS_NSHAPES). */
static int instance_of(const ql_record *rec)
{
    for (int k = 0; k < SLOTS_NSHAPES; k++) {
        int ok = 1;
        for (size_t i = 0; i < rec->n && ok; i++) {
            int pr = slots_shape[k][i] >= 0;
            ok = rec->present[i] == pr &&
                 (!pr || rec->rs->fast->in_kind[i] != VK_NUMBER ||
                  rec->v64[i].s == slots_shape[k][i]);
        }
        if (ok)
            return k;
    }
    return SLOTS_NSHAPES;
}

static inline void prefetch(const void *p, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += 64)
        __builtin_prefetch((const char *)p + off);
}

__attribute__((noinline)) static void pass_many(run *r)
{
    ql_evaluate_many(r->res, (const ql_record *const *)r->recs, r->n, r->date,
                     0);
}

__attribute__((noinline)) static void pass_next(run *r)
{
    fctx e;
    struct fast_scratch *s = qli_fast_scratch_of(r->res[0]);
    if (qli_fast_begin(&e, r->rs, s, r->date)) {
        pass_many(r);
        return;
    }
    for (size_t i = 0; i < r->n; i++)
        if (qli_fast_next(&e, r->res[i], r->recs[i], r->date))
            ql_evaluate(r->res[i], r->recs[i], r->date, 0, NULL);
}

__attribute__((noinline)) static void pass_slots(run *r)
{
    fctx e;
    struct fast_scratch *s = qli_fast_scratch_of(r->res[0]);
    if (qli_fast_begin(&e, r->rs, s, r->date)) {
        pass_many(r);
        return;
    }
    int ok = slots_date_ok(&e);
    size_t hot = qli_record_hot_bytes(r->rs->n_inputs);
    for (size_t i = 0; i < r->n; i++) {
        if (i + 4 < r->n)
            prefetch(r->recs[i + 4], hot);
        const ql_record *rec = r->recs[i];
        if (ok && slots_run(&e, rec) == FN_OK &&
            qli_fast_put(&e, r->res[i], rec, r->date) == FN_OK)
            continue;
        e.in_validation = 0;
        e.nframes = 0;
        if (qli_fast_next(&e, r->res[i], rec, r->date))
            ql_evaluate(r->res[i], rec, r->date, 0, NULL);
    }
}

/* One single evaluation the slots way (the set-up each call, as
 * ql_evaluate's). */
static void single_slots(ql_result *res, const ql_record *rec, ql_date date)
{
    fctx e;
    struct fast_scratch *s = qli_fast_scratch_of(res);
    prefetch(rec, qli_record_hot_bytes(res->rs->n_inputs));
    if (qli_fast_begin(&e, res->rs, s, date) == FN_OK && slots_date_ok(&e)) {
        e.rec = rec;
        e.present = rec->present;
        if (slots_run(&e, rec) == FN_OK &&
            qli_fast_put(&e, res, rec, date) == FN_OK)
            return;
    }
    ql_evaluate(res, rec, date, 0, NULL);
}

__attribute__((noinline)) static double single_ns(run *r, size_t n, int slots)
{
    size_t iters = 200000;
    double t0 = now();
    for (size_t i = 0; i < iters; i++) {
        if (slots)
            single_slots(r->res[0], r->recs[i % n], r->date);
        else
            ql_evaluate(r->res[0], r->recs[i % n], r->date, 0, NULL);
    }
    return (now() - t0) / (double)iters * 1e9;
}

/* res against ref: 0 when identical in every way a caller can read. */
static int differ(const ql_result *res, const ql_result *ref, char *why,
                  size_t whylen)
{
    const ql_ruleset *rs = ql_result_ruleset(ref);
    if (ql_result_status(res) != ql_result_status(ref)) {
        snprintf(why, whylen, "status %d, want %d", ql_result_status(res),
                 ql_result_status(ref));
        return 1;
    }
    if (ql_result_status(ref) != QL_OK) {
        if (strcmp(ql_result_error(res)->message,
                   ql_result_error(ref)->message)) {
            snprintf(why, whylen, "error '%.400s', want '%.400s'",
                     ql_result_error(res)->message,
                     ql_result_error(ref)->message);
            return 1;
        }
        return 0;
    }
    static char a[1 << 14], b[1 << 14];
    ql_result_row_text(a, sizeof a, res, ',');
    ql_result_row_text(b, sizeof b, ref, ',');
    if (strcmp(a, b)) {
        snprintf(why, whylen, "row '%.400s', want '%.400s'", a, b);
        return 1;
    }
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        int64_t x = 0, y = 0;
        int sx = ql_result_output_i64(&x, res, i),
            sy = ql_result_output_i64(&y, ref, i);
        if (sx != sy || (sx >= 0 && x != y)) {
            snprintf(why, whylen,
                     "output %zu: %lld scale %d, want %lld scale %d", i,
                     (long long)x, sx, (long long)y, sy);
            return 1;
        }
    }
    for (size_t i = 0; i < ql_ruleset_check_count(rs); i++)
        for (int f = QL_CHECK_REQUIRED; f <= QL_CHECK_SHORTFALL; f++) {
            int64_t x = 0, y = 0;
            int sx = ql_result_check_i64(&x, res, i, (ql_check_field)f),
                sy = ql_result_check_i64(&y, ref, i, (ql_check_field)f);
            if (sx != sy || (sx >= 0 && x != y)) {
                snprintf(
                    why, whylen,
                    "check %zu field %d: %lld scale %d, want %lld scale %d", i,
                    f, (long long)x, sx, (long long)y, sy);
                return 1;
            }
        }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_slots RULES UNITS.csv DATE [REPEATS]\n");
        return 2;
    }
    int check_only = argc > 4 && strcmp(argv[4], "--check") == 0;
    int repeats = argc > 4 && !check_only ? atoi(argv[4]) : 5;
    if (repeats < 1 || repeats > 64)
        repeats = 5;
    ql_ruleset *rs;
    ql_error err;
    ql_date date;
    if (ql_date_parse(&date, argv[3], strlen(argv[3]), &err) ||
        ql_ruleset_load(&rs, argv[1], &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    run r = {.rs = rs, .date = date};
    r.recs = units_read(rs, argv[2], &r.n);
    if (!r.recs || !rs->fast)
        return 2;
    r.res = malloc(r.n * sizeof *r.res);
    ql_result **ref = malloc(r.n * sizeof *ref);
    for (size_t i = 0; i < r.n; i++) {
        ql_result_new(&r.res[i], rs, &err);
        ql_result_new(&ref[i], rs, &err);
    }

    /* which way each record goes, and every record against ql_evaluate */
    fctx e;
    int date_ok =
        qli_fast_begin(&e, rs, qli_fast_scratch_of(r.res[0]), date) == FN_OK &&
        slots_date_ok(&e);
    if (!date_ok)
        printf("note: the generated program does not fit these rules on this "
               "date: "
               "every record is handed back\n");
    size_t by_inst[SLOTS_NSHAPES + 1] = {0}, handed = 0, bad = 0;
    for (size_t i = 0; i < r.n; i++) {
        by_inst[instance_of(r.recs[i])]++;
        ql_evaluate(ref[i], r.recs[i], date, 0, NULL);
        e.in_validation = 0;
        e.nframes = 0;
        handed += !date_ok || slots_run(&e, r.recs[i]) != FN_OK;
    }
    pass_slots(&r);
    for (size_t i = 0; i < r.n; i++) {
        char why[1024];
        if (differ(r.res[i], ref[i], why, sizeof why)) {
            if (bad++ < 10)
                printf("DIFFERENT record %zu: %s\n", i, why);
        }
    }
    printf("records %zu\n", r.n);
    for (int k = 0; k <= SLOTS_NSHAPES; k++)
        printf("instance_%s%d %zu records\n",
               k == SLOTS_NSHAPES ? "scales_read_" : "shape_", k, by_inst[k]);
    printf("handed_back %zu records (to the library's fast path, then the "
           "exact engine)\n",
           handed);
    printf("identical %zu of %zu records (status, error, row text, every "
           "value's coefficient and scale)\n",
           r.n - bad, r.n);

    if (check_only || bad) {
        for (size_t i = 0; i < r.n; i++) {
            ql_record_free(r.recs[i]);
            ql_result_free(r.res[i]);
            ql_result_free(ref[i]);
        }
        free(r.recs);
        free(r.res);
        free(ref);
        ql_ruleset_free(rs);
        return bad ? 1 : 0;
    }
    double tm[64], tn[64], ts[64], ratio_n[64], ratio_m[64];
    for (int k = 0; k < repeats; k++) {
        double t0 = now();
        pass_many(&r);
        double t1 = now();
        pass_next(&r);
        double t2 = now();
        pass_slots(&r);
        double t3 = now();
        tm[k] = t1 - t0;
        tn[k] = t2 - t1;
        ts[k] = t3 - t2;
        ratio_m[k] = tm[k] / ts[k];
        ratio_n[k] = tn[k] / ts[k];
    }
    printf("many_1core %.0f records/s\n", (double)r.n / median(tm, repeats));
    printf("next_1core %.0f records/s\n", (double)r.n / median(tn, repeats));
    printf("slots_1core %.0f records/s\n", (double)r.n / median(ts, repeats));
    printf("slots_vs_many %.2f x (median of the rounds' ratios)\n",
           median(ratio_m, repeats));
    printf("slots_vs_next %.2f x\n", median(ratio_n, repeats));

    size_t hot = r.n < 64 ? r.n : 64, cold = r.n < 200000 ? r.n : 200000;
    double sc[64], ss[64], hc[64], hs[64], rc[64], rh[64];
    for (int k = 0; k < repeats; k++) {
        sc[k] = single_ns(&r, cold, 0);
        ss[k] = single_ns(&r, cold, 1);
        hc[k] = single_ns(&r, hot, 0);
        hs[k] = single_ns(&r, hot, 1);
        rc[k] = sc[k] / ss[k];
        rh[k] = hc[k] / hs[k];
    }
    printf("single_ns %.1f ns (ql_evaluate, %zu records in turn)\n",
           median(sc, repeats), cold);
    printf("slots_single_ns %.1f ns\n", median(ss, repeats));
    printf("single_hot_ns %.1f ns (64 records in turn, in the caches)\n",
           median(hc, repeats));
    printf("slots_single_hot_ns %.1f ns\n", median(hs, repeats));
    printf("single_vs_slots %.2f x cold, %.2f x hot (medians of the ratios)\n",
           median(rc, repeats), median(rh, repeats));

    for (size_t i = 0; i < r.n; i++) {
        ql_record_free(r.recs[i]);
        ql_result_free(r.res[i]);
        ql_result_free(ref[i]);
    }
    free(r.recs);
    free(r.res);
    free(ref);
    ql_ruleset_free(rs);
    return bad ? 1 : 0;
}
