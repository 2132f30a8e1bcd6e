/*
 * test_explain.c — ql_result_explain, the one text rendering of an
 * evaluation that every front end shows: the exact text of a known
 * evaluation (tests/explain/child-office.txt), the buffer convention
 * (cut to fit, NUL terminated, full length returned), an evaluation
 * without a trace, and the cases with nothing to explain.  Public API
 * only: linked against the shipped shared library.
 */
#include "test_util.h"

#define RULES(f) QL_SOURCE_DIR "/tests/rules/" f

typedef struct fixture {
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
} fixture;

static int setup(void **state)
{
    static fixture f;
    ql_error err;
    if (ql_ruleset_load(&f.rs, RULES("child.yaml"), &err) ||
        ql_record_new(&f.rec, f.rs, &err) || ql_result_new(&f.res, f.rs, &err))
        return -1;
    const char *v[][2] = {{"kind", "office"}, {"staff", "100"}, {"posts", "60"},
                          {"wages", "8000000"}, {"area_wage", "40000"},
                          {"kiosks", "5"}};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (ql_record_set(f.rec, v[i][0], v[i][1], &err))
            return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ql_result_free(f->res);
    ql_record_free(f->rec);
    ql_ruleset_free(f->rs);
    return 0;
}

static char *golden(size_t *len)
{
    FILE *fp = fopen(QL_SOURCE_DIR "/tests/explain/child-office.txt", "rb");
    assert_non_null(fp);
    static char buf[16384];
    *len = fread(buf, 1, sizeof buf - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

static void test_explain_text(void **state)
{
    fixture *f = *state;
    ql_error err;
    assert_int_equal(ql_evaluate(f->res, f->rec, D("2022-06-30"), QL_EVAL_TRACE, &err), QL_OK);
    size_t want_len;
    const char *want = golden(&want_len);
    char buf[16384];
    size_t n = ql_result_explain(buf, sizeof buf, f->res);
    assert_int_equal(n, want_len);
    assert_text(buf, want);
    /* what the result says about itself */
    assert_ptr_equal(ql_result_ruleset(f->res), f->rs);
    assert_int_equal(ql_result_date(f->res), D("2022-06-30"));
}

/* The ql_text_out convention at every cut. */
static void test_explain_buffer_convention(void **state)
{
    fixture *f = *state;
    ql_error err;
    assert_int_equal(ql_evaluate(f->res, f->rec, D("2022-06-30"), QL_EVAL_TRACE, &err), QL_OK);
    size_t full = ql_result_explain(NULL, 0, f->res);
    char *whole = malloc(full + 1);
    assert_int_equal(ql_result_explain(whole, full + 1, f->res), full);
    assert_int_equal(strlen(whole), full);
    char *buf = malloc(full + 8);
    size_t sizes[] = {1, 2, 17, 100, full - 1, full, full + 1, full + 8};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t size = sizes[k];
        memset(buf, 'x', full + 8);
        assert_int_equal(ql_result_explain(buf, size, f->res), full);
        size_t kept = full < size ? full : size - 1;
        assert_int_equal(buf[kept], '\0');
        assert_memory_equal(buf, whole, kept);
        if (size < full + 8)
            assert_int_equal(buf[size], 'x'); /* nothing past size */
    }
    /* size 0: nothing written at all */
    buf[0] = 'x';
    assert_int_equal(ql_result_explain(buf, 0, f->res), full);
    assert_int_equal(buf[0], 'x');
    free(buf);
    free(whole);
}

static void test_explain_without_trace(void **state)
{
    fixture *f = *state;
    ql_error err;
    assert_int_equal(ql_evaluate(f->res, f->rec, D("2022-06-30"), 0, &err), QL_OK);
    char buf[4096];
    ql_result_explain(buf, sizeof buf, f->res);
    assert_non_null(strstr(buf, "test-child — Test child rule set\nversion 2, evaluated on 2022-06-30\n"));
    assert_null(strstr(buf, "  input "));
    assert_non_null(strstr(buf, "\nOutputs\n  required                     1.60000\n"));
    assert_non_null(strstr(buf, "  kiosk_share                  NOT MET (required 1, actual 0.00, shortfall 1.00)\n"));
}

/* Nothing to explain: "" and 0. */
static void test_explain_nothing(void **state)
{
    fixture *f = *state;
    char buf[64] = "x";
    assert_int_equal(ql_result_explain(buf, sizeof buf, NULL), 0);
    assert_text(buf, "");
    assert_null(ql_result_ruleset(NULL));
    ql_result *fresh;
    ql_error err;
    assert_int_equal(ql_result_new(&fresh, f->rs, &err), QL_OK);
    strcpy(buf, "x");
    assert_int_equal(ql_result_explain(buf, sizeof buf, fresh), 0); /* never evaluated */
    assert_text(buf, "");
    assert_int_equal(ql_result_date(fresh), INT32_MIN);
    /* a failed evaluation: disabled above staff breaks a validation */
    assert_int_equal(ql_record_set(f->rec, "disabled", "500", &err), QL_OK);
    assert_int_equal(ql_evaluate(f->res, f->rec, D("2022-06-30"), QL_EVAL_TRACE, &err), QL_ERECORD);
    strcpy(buf, "x");
    assert_int_equal(ql_result_explain(buf, sizeof buf, f->res), 0);
    assert_text(buf, "");
    assert_int_equal(ql_result_date(f->res), INT32_MIN);
    assert_int_equal(ql_record_set(f->rec, "disabled", "", &err), QL_OK);
    ql_result_free(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explain_text),
        cmocka_unit_test(test_explain_buffer_convention),
        cmocka_unit_test(test_explain_without_trace),
        cmocka_unit_test(test_explain_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
