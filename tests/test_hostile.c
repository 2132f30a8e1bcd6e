/*
 * test_hostile.c — input made to hurt: every one is refused with a clear
 * error, never a crash, a hang or a runaway allocation (the suite also
 * runs under ASan + UBSan).  Limits are documented in docs/security.md.
 */
#include "test_util.h"

#include <stdlib.h>

static void test_hostile_billion_laughs(void **state)
{
    (void)state;
    const char *bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
    assert_load_error(bomb, QL_EPARSE, 1, 4, "anchors");
}

static void test_hostile_deep_nesting(void **state)
{
    (void)state;
    size_t n = 100000;
    char *deep = malloc(2 * n + 16);
    strcpy(deep, "a: ");
    memset(deep + 3, '[', n);
    deep[3 + n] = '\0';
    assert_load_error(deep, QL_EPARSE, 0, 0, "deeper than 64");
    /* an expression 100,000 parentheses deep */
    char *y = malloc(2 * n + 512);
    int o = snprintf(y, 512, RULES_HEAD "computed:\n  x: ");
    memset(y + o, '(', n);
    y[o + n] = '1';
    memset(y + o + n + 1, ')', n);
    strcpy(y + o + 2 * n + 1, "\noutputs: [x]\n");
    assert_load_error(y, QL_EPARSE, 0, 0, "nested too deeply");
    free(deep);
    free(y);
}

static void test_hostile_huge_scalar(void **state)
{
    (void)state;
    size_t n = (1u << 20) + 10;
    char *y = malloc(n + 64);
    strcpy(y, "a: ");
    memset(y + 3, 'x', n);
    strcpy(y + 3 + n, "\n");
    assert_load_error(y, QL_EPARSE, 1, 4, "scalar longer than 1 MiB");
    free(y);
}

static void test_hostile_invalid_utf8_and_nul(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    const char bad[] = "quotalevy: 1\nid: \xff\xfe\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, bad, sizeof bad - 1, "u.yaml", &err),
                     QL_EPARSE);
    assert_int_equal(err.line, 2);
    const char overlong[] = "id: \xc0\xaf\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, overlong, sizeof overlong - 1, "u.yaml", &err),
                     QL_EPARSE);
    const char nul[] = "quotalevy: 1\nid: a\0b\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, nul, sizeof nul - 1, "n.yaml", &err),
                     QL_EPARSE);
}

static void test_hostile_self_extends(void **state)
{
    (void)state;
    const char *path = "/tmp/ql_self.yaml";
    FILE *f = fopen(path, "w");
    fputs("quotalevy: 1\nextends: ql_self.yaml\nid: s\ntitle: s\n"
          "jurisdiction: s\nversion: '1'\noutputs: []\n", f);
    fclose(f);
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, path, &err), QL_ENAME);
    assert_non_null(strstr(err.message, "makes a cycle"));
    /* extends pointing at a device that never ends stops at the size limit */
    f = fopen(path, "w");
    fputs("quotalevy: 1\nextends: /dev/zero\nid: s\ntitle: s\n"
          "jurisdiction: s\nversion: '1'\noutputs: []\n", f);
    fclose(f);
    assert_int_equal(ql_ruleset_load(&rs, path, &err), QL_ELIMIT);
    remove(path);
}

static void test_hostile_record_values(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, QL_SOURCE_DIR "/rules/cn/jilin.yaml", &err), QL_OK);
    ql_record *rec;
    ql_result *res;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    const char *bad[] = {"NaN", "nan", "inf", "-Infinity", "1e400", "0x1p3",
                         "1_000", "١٢٣", "12.", ".5", "--1", "1..2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(ql_record_set(rec, "employees", bad[i], &err), QL_ERECORD);
        assert_text(err.field, "employees");
    }
    char digits[10002];
    memset(digits, '9', 10000);
    digits[10000] = '\0';
    assert_int_equal(ql_record_set(rec, "employees", digits, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "too long"));
    /* values that overflow an intermediate: an error naming the place */
    ql_record_set(rec, "unit_type", "enterprise", &err);
    ql_record_set(rec, "employees", "999999999999999999999999999999999999", &err);
    ql_record_set(rec, "disabled", "0", &err);
    ql_record_set(rec, "disabled_severe", "0", &err);
    ql_record_set(rec, "wage_total", "999999999999999999999999999999999999", &err);
    ql_record_set(rec, "local_avg_wage", "999999999999999999999999999999999999", &err);
    ql_status st = ql_evaluate(res, rec, D("2024-06-30"), 0, &err);
    assert_int_equal(st, QL_ERANGE);
    assert_non_null(strstr(err.message, "more than 36"));
    assert_true(err.line > 0);
    /* huge but representable: no overflow, exact answers */
    ql_record_set(rec, "employees", "100000000000", &err);
    ql_record_set(rec, "wage_total", "10000000000000000", &err);
    ql_record_set(rec, "local_avg_wage", "100000", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2024-06-30"), 0, &err), QL_OK);
    /* a string field of 20 MB is taken as data, not a crash */
    size_t n = 20u << 20;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    assert_int_equal(ql_record_set_text(rec, 0, big, n, &err), QL_OK);
    free(big);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_billion_laughs),
        cmocka_unit_test(test_hostile_deep_nesting),
        cmocka_unit_test(test_hostile_huge_scalar),
        cmocka_unit_test(test_hostile_invalid_utf8_and_nul),
        cmocka_unit_test(test_hostile_self_extends),
        cmocka_unit_test(test_hostile_record_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
