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
#include <string.h>

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

/* Loads path, makes a record and a result and, for Jilin (`jilin`), sets
 * and evaluates one record; returns the first failing status. */
static ql_status attempt(const char *path, int jilin)
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
    if (st == QL_OK && jilin)
        st = ql_record_set(rec, "id", "a string the record copies", &err);
    if (st == QL_OK && jilin) {
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

/* Every allocation of one attempt() at path
 * fails in turn, and each such run must end in QL_ENOMEM. */
static void every_failure_is_clean(const char *path, int jilin)
{
    fail_after = -1;
    calls = 0;
    assert_int_equal(attempt(path, jilin), QL_OK);
    long total = calls;
    assert_true(total > 10);
    for (long n = 0; n < total; n++) {
        fail_after = n;
        ql_status st = attempt(path, jilin);
        fail_after = -1;
        if (st != QL_ENOMEM) {
            print_error("%s: allocation %ld of %ld failed: got %s, want QL_ENOMEM\n",
                        path, n + 1, total, ql_status_name(st));
            fail();
        }
    }
}

static void test_alloc_every_failure_is_clean(void **state)
{
    (void)state;
    every_failure_is_clean(QL_SOURCE_DIR "/rules/cn/jilin.yaml", 1);
}

/* The other bundled rule sets, each of its own shape (lists, enums, other
 * currencies): an allocation whose failure was passed on as a NULL name
 * (inputs.c, a list input's count) showed only where an arena block
 * happened to end, so every rule set is swept. */
static void test_alloc_every_rule_set(void **state)
{
    (void)state;
    static const char *const sets[] = {"cn/national", "de/sgb9", "jp/levy", "fr/oeth"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/rules/%s.yaml", QL_SOURCE_DIR, sets[i]);
        every_failure_is_clean(path, 0);
    }
}

/* A list input's count named through an allocation whose failure was
 * passed on as a NULL name, not QL_ENOMEM (inputs.c): it failed only
 * where an arena block happened to end, so a small rules file with a
 * list input is loaded with a comment of every length, in steps of 8
 * bytes, that moves the end of a block across the whole load. */
static void test_alloc_block_ends_everywhere(void **state)
{
    (void)state;
    static char text[20000];
    for (int pad = 0; pad < 16384 + 512; pad += 8) {
        int n = snprintf(text, sizeof text, RULES_HEAD "#");
        memset(text + n, 'x', (size_t)pad);
        snprintf(text + n + pad, sizeof text - (size_t)(n + pad),
                 "\ninputs:\n  staff: {type: integer, count: 3, default: 0}\n"
                 "computed:\n  total: sum(staff)\noutputs: [total]\n");
        size_t len = strlen(text);
        fail_after = -1;
        calls = 0;
        ql_ruleset *rs = NULL;
        ql_error err;
        assert_int_equal(ql_ruleset_load_buffer(&rs, text, len, "pad.yaml", &err), QL_OK);
        ql_ruleset_free(rs);
        long total = calls;
        for (long k = 0; k < total; k++) {
            fail_after = k;
            rs = NULL;
            ql_status st = ql_ruleset_load_buffer(&rs, text, len, "pad.yaml", &err);
            fail_after = -1;
            ql_ruleset_free(rs);
            if (st != QL_ENOMEM) {
                print_error("comment of %d bytes: allocation %ld of %ld failed: "
                            "got %s, want QL_ENOMEM\n",
                            pad, k + 1, total, ql_status_name(st));
                fail();
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_every_failure_is_clean),
        cmocka_unit_test(test_alloc_every_rule_set),
        cmocka_unit_test(test_alloc_block_ends_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
