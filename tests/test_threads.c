/*
 * test_threads.c — one rule set shared by many threads.  Each thread has
 * its own record and result and must get exactly the answers a single
 * thread gets; the rule set is never written after load.
 */
#include "test_util.h"

#include <pthread.h>
#include <stdlib.h>

#define N_RECORDS 2000
#define N_THREADS 4

typedef struct job {
    const ql_ruleset *rs;
    char (*expected)[QL_DECIMAL_TEXT_MAX];
    int mismatches;
    int offset; /* threads walk the records from different places */
} job;

static void fill(ql_record *rec, int i)
{
    char buf[64];
    ql_error err;
    ql_record_clear(rec);
    ql_record_set(rec, "kind", i % 3 == 0 ? "firm" : i % 3 == 1 ? "office" : "school", &err);
    snprintf(buf, sizeof buf, "%d.%02d", 20 + i % 400, i % 100);
    ql_record_set(rec, "staff", buf, &err);
    snprintf(buf, sizeof buf, "%d", i % 5);
    ql_record_set(rec, "disabled", buf, &err);
    snprintf(buf, sizeof buf, "%d.%02d", 1000000 + i * 7919, i % 97);
    ql_record_set(rec, "wages", buf, &err);
    ql_record_set(rec, "area_wage", "41234.56", &err);
    snprintf(buf, sizeof buf, "%d", i % 90);
    ql_record_set(rec, "posts", buf, &err);
    snprintf(buf, sizeof buf, "%d", i % 13);
    ql_record_set(rec, "kiosks", buf, &err);
}

static ql_date date_of(int i) { return D("2016-01-01") + (i * 37) % 3650; }

/* All outputs of one evaluation as one line of text. */
static void render(const ql_ruleset *rs, ql_result *res, ql_status st, char *out)
{
    size_t o = 0;
    if (st) {
        snprintf(out, QL_DECIMAL_TEXT_MAX, "error %d", st);
        return;
    }
    for (size_t k = 0; k < ql_ruleset_output_count(rs) && o < QL_DECIMAL_TEXT_MAX - 20; k++) {
        ql_value v = QL_VALUE_INIT;
        char buf[QL_DECIMAL_TEXT_MAX];
        ql_result_output(&v, res, k);
        ql_value_format(buf, sizeof buf, &v);
        o += (size_t)snprintf(out + o, QL_DECIMAL_TEXT_MAX - o, "%.12s|", buf);
    }
}

static void *worker(void *arg)
{
    job *j = arg;
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_record_new(&rec, j->rs, &err);
    ql_result_new(&res, j->rs, &err);
    for (int n = 0; n < N_RECORDS; n++) {
        int i = (n + j->offset) % N_RECORDS;
        fill(rec, i);
        char got[QL_DECIMAL_TEXT_MAX];
        ql_status st = ql_evaluate(res, rec, date_of(i), QL_EVAL_TRACE, NULL);
        render(j->rs, res, st, got);
        if (strcmp(got, j->expected[i]) != 0)
            j->mismatches++;
    }
    ql_result_free(res);
    ql_record_free(rec);
    return NULL;
}

static void test_threads_share_one_ruleset(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, QL_SOURCE_DIR "/tests/rules/child.yaml", &err), QL_OK);
    char (*expected)[QL_DECIMAL_TEXT_MAX] = calloc(N_RECORDS, QL_DECIMAL_TEXT_MAX);
    ql_record *rec;
    ql_result *res;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    int ok = 0;
    for (int i = 0; i < N_RECORDS; i++) {
        fill(rec, i);
        ql_status st = ql_evaluate(res, rec, date_of(i), 0, NULL);
        ok += st == QL_OK;
        render(rs, res, st, expected[i]);
    }
    assert_true(ok > N_RECORDS / 2); /* the data is mostly valid */
    ql_result_free(res);
    ql_record_free(rec);

    pthread_t t[N_THREADS];
    job jobs[N_THREADS];
    for (int k = 0; k < N_THREADS; k++) {
        jobs[k] = (job){rs, expected, 0, k * (N_RECORDS / N_THREADS)};
        assert_int_equal(pthread_create(&t[k], NULL, worker, &jobs[k]), 0);
    }
    for (int k = 0; k < N_THREADS; k++) {
        pthread_join(t[k], NULL);
        assert_int_equal(jobs[k].mismatches, 0);
    }
    free(expected);
    ql_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_share_one_ruleset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
