/*
 * test_remove.c — `remove:` and the check for definitions nothing reads
 * across an `extends` chain, with files on disk: a middle file's
 * misspelt redefinition is refused, a middle file's definition whose
 * readers a file over it removed is not (P2-03).
 * Public API only: linked against the shipped shared library.
 */
#include "test_util.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static const char *put(const char *name, const char *text)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ql_remove_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

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

/* P2-03 along the chain: top extends middle extends parent. */
static void test_unread_in_a_middle_file(void **state)
{
    (void)state;
    put("parent.yaml", PARENT);
    put("middle.yaml",
        HEAD("middle") "extends: parent.yaml\n"
                       "computed:\n  xx: n * 3\n" /* a slip of x */
                       "outputs: [x, c]\n");
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(
        ql_ruleset_load(
            &rs, put("top.yaml", HEAD("top") "extends: middle.yaml\n"), &err),
        QL_ENAME);
    assert_non_null(strstr(err.file, "middle.yaml"));
    assert_int_equal(err.line, 8);
    assert_non_null(
        strstr(err.message, "computed value 'xx' is read by no formula"));
    assert_non_null(strstr(err.message, "defines computed value 'x'"));
    /* a middle file's definition read by what the top removes: loads
     * (jilin-pool removes the checks that read jilin's thresholds) */
    put("middle.yaml",
        HEAD("middle") "extends: parent.yaml\n"
                       "parameters:\n  floor:\n    values:\n"
                       "      - {from: 2020-01-01, value: 1, source: s}\n"
                       "checks:\n  d: {title: T, source: s, required: floor, "
                       "actual: n}\n");
    assert_int_equal(
        ql_ruleset_load(&rs,
                        put("top.yaml", HEAD("top") "extends: middle.yaml\n"
                                                    "remove:\n  checks: [d]\n"),
                        &err),
        QL_OK);
    ql_ruleset_free(rs);
    /* the top file's own unread definition is refused as before */
    assert_int_equal(
        ql_ruleset_load(&rs,
                        put("top.yaml",
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
        cmocka_unit_test(test_unread_in_a_middle_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
