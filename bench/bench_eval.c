/*
 * bench_eval.c — the library's own speed, records already in memory:
 * rule set load time, batch evaluation throughput (one core and all
 * cores) and single-record latency, each the median of several runs.
 * The load is also given as the thread's CPU time, its fastest run and
 * the process's first load, with how often the loads were preempted:
 * on a shared machine the wall median moves with the machine's load
 * (0.96 and 1.49 ms for the same code, docs/performance.md), and these
 * say which way a change of it went.
 *
 *   bench_eval RULES UNITS.csv DATE [REPEATS]
 *
 * UNITS.csv is bench/gen_units.py output (no quoted fields).  Prints one
 * "name value unit" line per measurement, for bench/run.py to collect:
 * the default evaluation (the fast path, lib/fast*.c) and, in the same
 * run, the exact engine alone (the rule set loaded with QUOTALEVY_FAST=0)
 * with their ratio, and the share of records the fast path hands to the
 * exact engine.  Linked with the library's internal twin for that share.
 */
#include <quotalevy.h>
#include "fast.h" /* qli_fast_eval: the fallback share */
#include "units_csv.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* Involuntary context switches of the process so far. */
static long preempted(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_nivcsw;
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

typedef struct slice {
    ql_record **recs;
    ql_result **res;
    size_t n;
    ql_date date;
} slice;

static void *eval_slice(void *arg)
{
    slice *s = arg;
    ql_evaluate_many(s->res, (const ql_record *const *)s->recs, s->n, s->date, 0);
    return NULL;
}

/* UNITS.csv's rows as int64 columns for ql_evaluate_columns: per input
 * of rs a column (values, present) at the most places its texts have
 * (a number of fewer places padded, as an int64 column holds it). */
typedef struct columns_in {
    size_t n, ninputs;
    int64_t **v;
    uint8_t **present;
    int *scale;
} columns_in;

/* A number text as units of 10^−scale into *out; 0 if it does not fit. */
static int text_units(const char *p, size_t len, int scale, int64_t *out)
{
    int64_t c = 0;
    int places = -1, neg = len && *p == '-';
    for (size_t k = neg; k < len; k++) {
        if (p[k] == '.') {
            places = 0;
            continue;
        }
        if (p[k] < '0' || p[k] > '9' || __builtin_mul_overflow(c, 10, &c) ||
            __builtin_add_overflow(c, p[k] - '0', &c))
            return 0;
        places += places >= 0;
    }
    for (int k = places < 0 ? 0 : places; k < scale; k++)
        if (__builtin_mul_overflow(c, 10, &c))
            return 0;
    *out = neg ? -c : c;
    return 1;
}

static int text_places(const char *p, size_t len)
{
    const char *dot = memchr(p, '.', len);
    return dot ? (int)(len - (size_t)(dot - p) - 1) : 0;
}

/* One field's text as input i's column value at row r (scale fixed). */
static int column_value(const ql_ruleset *rs, columns_in *c, size_t i, size_t r,
                        const char *p, size_t len)
{
    const char *type = ql_ruleset_input_type(rs, i);
    int64_t x = 0;
    if (!len)
        return 1;
    if (!strcmp(type, "enum")) {
        const char *e;
        size_t k = 0;
        while ((e = ql_ruleset_input_enum(rs, i, k)) &&
               !(strlen(e) == len && !memcmp(e, p, len)))
            k++;
        if (!e)
            return 0;
        x = (int64_t)k;
    } else if (!strcmp(type, "bool")) {
        x = len == 4 && !memcmp(p, "true", 4);
    } else if (!strcmp(type, "date")) {
        ql_date d;
        if (ql_date_parse(&d, p, len, NULL))
            return 0;
        x = d;
    } else if (!strcmp(type, "string")) {
        return 0;
    } else if (!text_units(p, len, c->scale[i], &x)) {
        return 0;
    }
    c->v[i][r] = x;
    c->present[i][r] = 1;
    return 1;
}

/* The file as columns of rs (two passes: the places, then the values);
 * 0 on a row it cannot hold (a string, a number past 64 bits). */
static int read_columns(const ql_ruleset *rs, const char *path, size_t n,
                        columns_in *c)
{
    size_t ni = ql_ruleset_input_count(rs);
    c->n = n;
    c->ninputs = ni;
    c->v = calloc(ni, sizeof *c->v);
    c->present = calloc(ni, sizeof *c->present);
    c->scale = calloc(ni, sizeof *c->scale);
    char line[8192];
    int col[64], ncol = 0;
    for (int pass = 0; pass < 2; pass++) {
        FILE *f = fopen(path, "r");
        if (!f || !fgets(line, sizeof line, f))
            return 0;
        ncol = 0;
        for (char *tok = strtok(line, ",\r\n"); tok && ncol < 64; tok = strtok(NULL, ",\r\n")) {
            int i = ql_ruleset_input_index(rs, tok);
            /* a string (the id) has no int64 column: left empty */
            col[ncol++] = i >= 0 && strcmp(ql_ruleset_input_type(rs, (size_t)i), "string") ? i : -1;
        }
        if (pass == 1)
            for (int k = 0; k < ncol; k++)
                if (col[k] >= 0) {
                    c->v[col[k]] = calloc(n, sizeof **c->v);
                    c->present[col[k]] = calloc(n, 1);
                }
        for (size_t r = 0; r < n && fgets(line, sizeof line, f); r++) {
            char *p = line;
            for (int k = 0; k < ncol; k++) {
                char *end = strpbrk(p, ",\r\n");
                size_t len = end ? (size_t)(end - p) : strlen(p);
                if (col[k] >= 0 && pass == 0) {
                    int pl = text_places(p, len);
                    if (pl > c->scale[col[k]] &&
                        strcmp(ql_ruleset_input_type(rs, (size_t)col[k]), "date"))
                        c->scale[col[k]] = pl;
                } else if (col[k] >= 0 &&
                           !column_value(rs, c, (size_t)col[k], r, p, len)) {
                    fprintf(stderr, "row %zu: '%.*s' does not fit an int64 column of %s\n",
                            r + 2, (int)len, p, ql_ruleset_input_name(rs, (size_t)col[k]));
                    fclose(f);
                    return 0;
                }
                if (!end)
                    break;
                p = end + 1;
            }
        }
        fclose(f);
    }
    return 1;
}

/* A batch's output columns: every output and every check field. */
#define COL_CHUNK 4096
typedef struct columns_out {
    size_t nout, nchk;
    int64_t *coef; /* (nout + 5 nchk) × COL_CHUNK */
    int8_t *scale;
} columns_out;

static ql_columns *columns_setup(const ql_ruleset *rs, columns_out *o)
{
    ql_columns *c;
    ql_error err;
    if (ql_columns_new(&c, rs, &err)) {
        fprintf(stderr, "columns: %s\n", err.message);
        return NULL;
    }
    o->nout = ql_ruleset_output_count(rs);
    o->nchk = ql_ruleset_check_count(rs);
    size_t ncols = o->nout + 5 * o->nchk;
    o->coef = malloc(ncols * COL_CHUNK * sizeof *o->coef);
    o->scale = malloc(ncols * COL_CHUNK);
    for (size_t i = 0; i < o->nout; i++)
        ql_columns_set_output(c, i, o->coef + i * COL_CHUNK, o->scale + i * COL_CHUNK, NULL);
    for (size_t k = 0; k < 5 * o->nchk; k++) {
        size_t at = (o->nout + k) * COL_CHUNK;
        ql_columns_set_check(c, k / 5, (ql_check_field)(k % 5), o->coef + at,
                             o->scale + at, NULL);
    }
    return c;
}

/* All rows of in, COL_CHUNK at a time (as a caller streaming its arrays
 * would), each chunk's outputs into o; levy, if not NULL, adds output
 * `lev`'s coefficients (at scale 2). */
static ql_status columns_pass(ql_columns *c, const columns_in *in, columns_out *o,
                              ql_date date, int lev, int64_t *levy)
{
    ql_status first = QL_OK;
    for (size_t at = 0; at < in->n; at += COL_CHUNK) {
        size_t m = in->n - at < COL_CHUNK ? in->n - at : COL_CHUNK;
        for (size_t i = 0; i < in->ninputs; i++)
            if (in->v[i])
                ql_columns_set_input(c, i, in->v[i] + at, in->scale[i],
                                     in->present[i] + at, NULL);
        ql_status st = ql_evaluate_columns(c, m, date, NULL, NULL, NULL);
        if (st && !first)
            first = st;
        for (size_t r = 0; levy && r < m; r++) {
            int8_t sc = o->scale[(size_t)lev * COL_CHUNK + r];
            int64_t v = o->coef[(size_t)lev * COL_CHUNK + r];
            for (int k = sc; k < 2 && sc >= 0; k++)
                v *= 10;
            if (sc >= 0 && sc <= 2)
                *levy += v;
        }
    }
    return first;
}

/* Records per second of ql_evaluate_columns on one thread (median). */
static double columns_1core(ql_columns *c, const columns_in *in, columns_out *o,
                            ql_date date, int repeats, double *t)
{
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        columns_pass(c, in, o, date, 0, NULL);
        t[r] = now() - t0;
    }
    return (double)in->n / median(t, repeats);
}

/* Records per second of ql_evaluate_many on one thread (median), or −1. */
static double batch_1core(ql_record **recs, ql_result **res, size_t n,
                          ql_date date, int repeats, double *t)
{
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        ql_status st = ql_evaluate_many(res, (const ql_record *const *)recs, n, date, 0);
        t[r] = now() - t0;
        if (st) {
            fprintf(stderr, "batch failed: %s\n", ql_status_name(st));
            return -1;
        }
    }
    return (double)n / median(t, repeats);
}

static double batch_all(ql_record **recs, ql_result **res, size_t n,
                        ql_date date, int repeats, double *t, long cores)
{
    for (int r = 0; r < repeats; r++) {
        pthread_t tid[64];
        slice s[64];
        double t0 = now();
        for (long k = 0; k < cores; k++) {
            size_t a = n * (size_t)k / (size_t)cores, b = n * (size_t)(k + 1) / (size_t)cores;
            s[k] = (slice){recs + a, res + a, b - a, date};
            pthread_create(&tid[k], NULL, eval_slice, &s[k]);
        }
        for (long k = 0; k < cores; k++)
            pthread_join(tid[k], NULL);
        t[r] = now() - t0;
    }
    return (double)n / median(t, repeats);
}

/* One ql_evaluate after another into the same result (median ns), over
 * the first n records in turn: with every record of the file (up to
 * 200,000 of them), each is read from memory, not from a cache; with 64,
 * as a program that fills one record and evaluates it finds it. */
static double single_ns(ql_record **recs, ql_result **res, size_t n,
                        ql_date date, int repeats, double *t)
{
    size_t iters = 200000;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        for (size_t i = 0; i < iters; i++)
            ql_evaluate(res[0], recs[i % n], date, 0, NULL);
        t[r] = now() - t0;
    }
    return median(t, repeats) / (double)iters * 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_eval RULES UNITS.csv DATE [REPEATS]\n");
        return 2;
    }
    int repeats = argc > 4 ? atoi(argv[4]) : 5;
    ql_error err;
    ql_date date;
    if (ql_date_parse(&date, argv[3], strlen(argv[3]), &err))
        return 2;

    /* load time: wall and the thread's CPU time of each of 41 loads */
    enum { LOADS = 41 };
    double t[64], cpu[LOADS];
    ql_ruleset *rs = NULL;
    long sw0 = preempted();
    for (int r = 0; r < LOADS; r++) {
        ql_ruleset *x;
        double t0 = now(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        if (ql_ruleset_load(&x, argv[1], &err)) {
            fprintf(stderr, "%s\n", err.message);
            return 2;
        }
        t[r] = now() - t0;
        cpu[r] = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
        if (rs)
            ql_ruleset_free(x);
        else
            rs = x;
    }
    long sw = preempted() - sw0;
    double first = t[0], first_cpu = cpu[0];
    printf("load_ms %.4f ms\n", median(t, LOADS) * 1e3);
    printf("load_cpu_ms %.4f ms (the thread's CPU time, median)\n",
           median(cpu, LOADS) * 1e3);
    printf("load_min_ms %.4f ms (the fastest of %d)\n", t[0] * 1e3, LOADS);
    printf("load_first_ms %.4f ms (the process's first load; CPU %.4f ms)\n",
           first * 1e3, first_cpu * 1e3);
    printf("load_preempted %ld times in %d loads\n", sw, LOADS);

    /* the same rule set for the exact engine alone (QUOTALEVY_FAST=0 at
     * load), measured in the same run for the ratios */
    ql_ruleset *rsx = NULL;
    setenv("QUOTALEVY_FAST", "0", 1);
    ql_status lst = ql_ruleset_load(&rsx, argv[1], &err);
    unsetenv("QUOTALEVY_FAST");
    if (lst) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }

    size_t n = 0;
    ql_record **recs = units_read(rs, argv[2], &n);
    ql_record **recx = units_read(rsx, argv[2], &n);
    if (!recs || !recx)
        return 2;
    ql_result **res = malloc(n * sizeof *res), **resx = malloc(n * sizeof *resx);
    for (size_t i = 0; i < n; i++) {
        ql_result_new(&res[i], rs, &err);
        ql_result_new(&resx[i], rsx, &err);
    }

    /* the share of records the fast path hands to the exact engine */
    size_t fell = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (qli_fast_eval(res[i], recs[i], date, qli_fast_scratch_of(res[0])) != 0) {
            fell++;
            failed += ql_evaluate(res[i], recs[i], date, 0, NULL) != QL_OK;
        }
    }
    printf("fallback_share %.4f %% (%zu of %zu records, %zu of them errors)\n",
           100.0 * (double)fell / (double)(n ? n : 1), fell, n, failed);

    double fast_1 = batch_1core(recs, res, n, date, repeats, t);
    double exact_1 = batch_1core(recx, resx, n, date, repeats, t);
    if (fast_1 < 0 || exact_1 < 0)
        return 2;
    printf("batch_1core %.0f records/s\n", fast_1);
    printf("exact_batch_1core %.0f records/s\n", exact_1);
    printf("fast_ratio_1core %.2f x\n", fast_1 / exact_1);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        cores = 1;
    if (cores > 64)
        cores = 64;
    printf("batch_allcores %.0f records/s (%ld cores)\n",
           batch_all(recs, res, n, date, repeats, t, cores), cores);
    printf("exact_batch_allcores %.0f records/s (%ld cores)\n",
           batch_all(recx, resx, n, date, repeats, t, cores), cores);

    double fs = single_ns(recs, res, n, date, repeats, t);
    double xs = single_ns(recx, resx, n, date, repeats, t);
    printf("single_ns %.1f ns\n", fs);
    printf("exact_single_ns %.1f ns\n", xs);
    size_t hot = n < 64 ? n : 64;
    printf("single_hot_ns %.1f ns (64 records in turn, in the caches)\n",
           single_ns(recs, res, hot, date, repeats, t));
    printf("exact_single_hot_ns %.1f ns\n",
           single_ns(recx, resx, hot, date, repeats, t));

    /* a checksum: the levy due over all records, so the work is real
     * (Jilin's levy_due; Germany's levy) */
    int lev = -1;
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++)
        if (!strcmp(ql_ruleset_output_name(rs, i), "levy_due") ||
            (lev < 0 && !strcmp(ql_ruleset_output_name(rs, i), "levy")))
            lev = (int)i;
    ql_evaluate_many(res, (const ql_record *const *)recs, n, date, 0);
    ql_decimal total;
    ql_decimal_from_int64(&total, 0, 0);
    for (size_t i = 0; i < n && lev >= 0; i++) {
        ql_value v = QL_VALUE_INIT;
        ql_result_output(&v, res[i], (size_t)lev);
        ql_decimal_add(&total, &total, &v.number);
    }
    char buf[QL_DECIMAL_TEXT_MAX];
    ql_decimal_format(buf, sizeof buf, &total);
    printf("levy_total %s yuan (%zu records)\n", buf, n);

    /* the same rows as int64 columns (ql_evaluate_columns), in chunks of
     * COL_CHUNK rows, every output and check field written */
    columns_in cin;
    columns_out cout;
    ql_columns *cols = NULL;
    if (lev >= 0 && read_columns(rs, argv[2], n, &cin) &&
        (cols = columns_setup(rs, &cout))) {
        int64_t levy = 0;
        if (columns_pass(cols, &cin, &cout, date, lev, &levy) != QL_OK)
            fprintf(stderr, "a row of the columns failed\n");
        printf("columns_1core %.0f records/s\n",
               columns_1core(cols, &cin, &cout, date, repeats, t));
        printf("columns_levy_total %lld.%02lld yuan (%s the records')\n",
               (long long)(levy / 100), (long long)(levy % 100),
               ql_decimal_compare(&total, &(ql_decimal){levy >> 63, (uint64_t)levy, 2}) == 0
                   ? "equal to" : "NOT equal to");
        ql_columns_free(cols);
        for (size_t i = 0; i < cin.ninputs; i++) {
            free(cin.v[i]);
            free(cin.present[i]);
        }
        free(cin.v);
        free(cin.present);
        free(cin.scale);
        free(cout.coef);
        free(cout.scale);
    } else {
        printf("columns_1core – (the file does not fit int64 columns)\n");
    }

    for (size_t i = 0; i < n; i++) {
        ql_record_free(recs[i]);
        ql_result_free(res[i]);
        ql_record_free(recx[i]);
        ql_result_free(resx[i]);
    }
    free(recs);
    free(res);
    free(recx);
    free(resx);
    ql_ruleset_free(rs);
    ql_ruleset_free(rsx);
    return 0;
}
