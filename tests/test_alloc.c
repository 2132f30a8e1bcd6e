/*
 * test_alloc.c — every allocation of the library fails in turn.
 *
 * The test is linked with -Wl,--wrap for malloc, calloc and realloc, so
 * the library's calls come here; the n-th one returns NULL.  For every n,
 * loading a rule set, making a record and a result and evaluating must
 * either succeed or fail with QL_ENOMEM and free everything: the
 * ASan + LeakSanitizer run of the suite turns any leak into a failure.
 */
#include "test_util.h"

#include <stdlib.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long fail_after = -1; /* allocations left before one fails; −1 never */
static long calls;

static int should_fail(void)
{
    calls++;
    if (fail_after < 0)
        return 0;
    return fail_after-- == 0;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t s) { return should_fail() ? NULL : __real_calloc(n, s); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

/* Loads path and evaluates one record; returns the first failing status. */
static ql_status attempt(const char *path)
{
    ql_ruleset *rs = NULL;
    ql_record *rec = NULL;
    ql_result *res = NULL;
    ql_error err;
    ql_status st = ql_ruleset_load(&rs, path, &err);
    if (st == QL_OK)
        st = ql_record_new(&rec, rs, &err);
    if (st == QL_OK)
        st = ql_result_new(&res, rs, &err);
    if (st == QL_OK)
        st = ql_record_set(rec, "id", "a string the record copies", &err);
    if (st == QL_OK) {
        ql_record_set(rec, "unit_type", "enterprise", &err);
        ql_record_set(rec, "employees", "100", &err);
        ql_record_set(rec, "disabled", "1", &err);
        ql_record_set(rec, "disabled_severe", "0", &err);
        ql_record_set(rec, "wage_total", "6000000", &err);
        ql_record_set(rec, "local_avg_wage", "50000", &err);
        st = ql_evaluate(res, rec, D("2024-06-30"), QL_EVAL_TRACE, &err);
    }
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    return st;
}

static void test_alloc_every_failure_is_clean(void **state)
{
    (void)state;
    const char *path = QL_SOURCE_DIR "/rules/cn/jilin.yaml";
    fail_after = -1;
    calls = 0;
    assert_int_equal(attempt(path), QL_OK);
    long total = calls;
    assert_true(total > 10);
    for (long n = 0; n < total; n++) {
        fail_after = n;
        ql_status st = attempt(path);
        fail_after = -1;
        if (st != QL_ENOMEM) {
            print_error("allocation %ld of %ld failed: got %s, want QL_ENOMEM\n",
                        n + 1, total, ql_status_name(st));
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_every_failure_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
