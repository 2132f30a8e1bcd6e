/*
 * test_remove.c — `remove:` and the check for definitions nothing reads
 * across an `extends` chain, with files on disk: what a child removes
 * that a parent's formula or `outputs` still reads is a load error at
 * the reader that names the `remove:` (P2-04); a middle file's
 * misspelt redefinition is refused, a middle file's definition whose
 * readers a file over it removed is not (P2-03).
 * Public API only: linked against the shipped shared library.
 */
#define QL_TEST_SCRATCH "remove"
#include "test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#define HEAD(id)                                                               \
    "quotalevy: 1\nid: " id "\ntitle: t\njurisdiction: XX\n"                   \
    "version: '1'\n"
/* The parent: input n read by computed x, x read by check c; outputs
 * list x and c. */
static const char PARENT[] = HEAD(
    "parent") "sources:\n  s: {title: S, url: 'https://example.org'}\n"
              "inputs:\n  n: {type: decimal, scale: 1}\n" /* n: line 9 */
              "computed:\n  x: n * 2\n"                   /* x: line 11 */
              "checks:\n  c: {title: T, source: s, required: x, actual: n}\n"
              "outputs: [x, c]\n"; /* line 14 */

/* Loads `child` over PARENT; the status, the error in *err. */
static ql_status load_child(const char *child, ql_error *err)
{
    scratch_put("parent.yaml", PARENT);
    ql_ruleset *rs = NULL;
    ql_status st = ql_ruleset_load(&rs, scratch_put("child.yaml", child), err);
    ql_ruleset_free(rs);
    return st;
}

static void expect_error(const char *child, const char *file, int line,
                         int column, const char *text)
{
    ql_error err;
    assert_int_equal(load_child(child, &err), QL_ENAME);
    assert_non_null(strstr(err.file, file));
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    if (!strstr(err.message, text))
        fail_msg("message: %s\nwanted: %s", err.message, text);
}

/* P2-04: a child removes what the parent's formulas or outputs read. */
static void test_remove_what_a_parent_reads(void **state)
{
    (void)state;
    /* the input x reads: the error at x's formula names the remove */
    expect_error(
        HEAD("child") "extends: parent.yaml\n"
                      "remove:\n  inputs: [n]\n", /* n at line 8, column 12 */
        "parent.yaml", 11, 6, "'n' is removed by ");
    ql_error err;
    load_child(HEAD("child") "extends: parent.yaml\nremove:\n  inputs: [n]\n",
               &err);
    assert_non_null(strstr(err.message, "child.yaml:8:12 ('remove:'), but "
                                        "this formula still reads it"));
    /* the computed value the parent's outputs list, and its check reads */
    expect_error(HEAD("child") "extends: parent.yaml\n"
                               "remove:\n  computed: [x]\n",
                 "parent.yaml", 14, 11, "output 'x' is removed by ");
    expect_error(HEAD("child") "extends: parent.yaml\n"
                               "remove:\n  computed: [x]\noutputs: [n]\n",
                 "parent.yaml", 13, 38, "'x' is removed by ");
    /* the check the parent's outputs list */
    expect_error(HEAD("child") "extends: parent.yaml\n"
                               "remove:\n  checks: [c]\n",
                 "parent.yaml", 14, 14, "output 'c' is removed by ");
    /* with outputs of its own and what read it removed too: loads */
    assert_int_equal(
        load_child(HEAD("child") "extends: parent.yaml\n"
                                 "remove:\n  checks: [c]\n  computed: [x]\n"
                                 "outputs: [n]\n",
                   &err),
        QL_OK);
    /* removed, then defined again: read as the new one */
    assert_int_equal(load_child(HEAD("child") "extends: parent.yaml\n"
                                              "remove:\n  computed: [x]\n"
                                              "computed:\n  x: n * 3\n",
                                &err),
                     QL_OK);
}

/* P2-03 along the chain: top extends middle extends parent. */
static void test_unread_in_a_middle_file(void **state)
{
    (void)state;
    scratch_put("parent.yaml", PARENT);
    scratch_put("middle.yaml",
                HEAD("middle") "extends: parent.yaml\n"
                               "computed:\n  xx: n * 3\n" /* a slip of x */
                               "outputs: [x, c]\n");
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(
        ql_ruleset_load(
            &rs, scratch_put("top.yaml", HEAD("top") "extends: middle.yaml\n"),
            &err),
        QL_ENAME);
    assert_non_null(strstr(err.file, "middle.yaml"));
    assert_int_equal(err.line, 8);
    assert_non_null(
        strstr(err.message, "computed value 'xx' is read by no formula"));
    assert_non_null(strstr(err.message, "defines computed value 'x'"));
    /* a middle file's definition read by what the top removes: loads
     * (jilin-pool removes the checks that read jilin's thresholds) */
    scratch_put(
        "middle.yaml",
        HEAD("middle") "extends: parent.yaml\n"
                       "parameters:\n  floor:\n    values:\n"
                       "      - {from: 2020-01-01, value: 1, source: s}\n"
                       "checks:\n  d: {title: T, source: s, required: floor, "
                       "actual: n}\n");
    assert_int_equal(
        ql_ruleset_load(&rs,
                        scratch_put("top.yaml",
                                    HEAD("top") "extends: middle.yaml\n"
                                                "remove:\n  checks: [d]\n"),
                        &err),
        QL_OK);
    ql_ruleset_free(rs);
    /* the top file's own unread definition is refused as before */
    assert_int_equal(
        ql_ruleset_load(&rs,
                        scratch_put("top.yaml",
                                    HEAD("top") "extends: middle.yaml\n"
                                                "computed:\n  lone: n + 1\n"),
                        &err),
        QL_ENAME);
    assert_non_null(strstr(err.file, "top.yaml"));
    assert_non_null(strstr(err.message, "computed value 'lone' is read by no "
                                        "formula, check or output: a file "
                                        "that extends another changes "
                                        "nothing by it"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remove_what_a_parent_reads),
        cmocka_unit_test(test_unread_in_a_middle_file),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
