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

/* UNITS.csv's rows as records of rs (*n set); NULL on a bad row. */
static ql_record **read_records(const ql_ruleset *rs, const char *path, size_t *n_out)
{
    ql_error err;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[8192];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return NULL;
    }
    int col[64], ncol = 0;
    for (char *tok = strtok(line, ",\r\n"); tok && ncol < 64; tok = strtok(NULL, ",\r\n"))
        col[ncol++] = ql_ruleset_input_index(rs, tok);
    size_t cap = 1 << 16, n = 0;
    ql_record **recs = malloc(cap * sizeof *recs);
    while (fgets(line, sizeof line, f)) {
        if (n == cap)
            recs = realloc(recs, (cap *= 2) * sizeof *recs);
        ql_record_new(&recs[n], rs, &err);
        char *p = line;
        for (int c = 0; c < ncol; c++) {
            char *end = strpbrk(p, ",\r\n");
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (col[c] >= 0 && ql_record_set_text(recs[n], (size_t)col[c], p, len, &err)) {
                fprintf(stderr, "row %zu: %s\n", n + 2, err.message);
                fclose(f);
                return NULL;
            }
            if (!end)
                break;
            p = end + 1;
        }
        n++;
    }
    fclose(f);
    *n_out = n;
    return recs;
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
    ql_record **recs = read_records(rs, argv[2], &n);
    ql_record **recx = read_records(rsx, argv[2], &n);
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

    /* a checksum: the levy due over all records, so the work is real */
    int lev = -1;
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++)
        if (!strcmp(ql_ruleset_output_name(rs, i), "levy_due"))
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
