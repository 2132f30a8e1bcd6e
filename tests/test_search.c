/*
 * test_search.c — rule sets found by name (lib/search.c): a path that
 * exists is that file; `cn/jilin` and `cn/jilin.yaml` are looked for on
 * $QUOTALEVY_RULES_PATH and then the installed rules folder; names that
 * could leave a folder ("..", "./", absolute) are never searched; a name
 * found nowhere says where it was looked for; `extends` names a rule set
 * on the path when no file of that name stands beside the including file.
 */
#include "test_util.h"

#include <unistd.h>

static void use_path(const char *p)
{
    if (p)
        setenv("QUOTALEVY_RULES_PATH", p, 1);
    else
        unsetenv("QUOTALEVY_RULES_PATH");
}

static void test_search_by_name(void **state)
{
    (void)state;
    ql_ruleset *rs = NULL;
    ql_error err;
    use_path("/nonexistent:" QL_SOURCE_DIR "/rules");
    assert_int_equal(ql_ruleset_load(&rs, "cn/jilin", &err), QL_OK);
    assert_text(ql_ruleset_meta(rs, "file"), QL_SOURCE_DIR "/rules/cn/jilin.yaml");
    ql_ruleset_free(rs);
    assert_int_equal(ql_ruleset_load(&rs, "de/sgb9.yaml", &err), QL_OK);
    assert_text(ql_ruleset_meta(rs, "file"), QL_SOURCE_DIR "/rules/de/sgb9.yaml");
    ql_ruleset_free(rs);
    /* An existing path is that file, whatever the search path holds. */
    assert_int_equal(ql_ruleset_load(&rs, QL_SOURCE_DIR "/tests/rules/child.yaml", &err), QL_OK);
    ql_ruleset_free(rs);
    use_path(NULL);
}

static void test_search_refuses_escaping_names(void **state)
{
    (void)state;
    ql_ruleset *rs = NULL;
    ql_error err;
    use_path(QL_SOURCE_DIR "/rules/cn");
    /* "../de/sgb9" from rules/cn would be a file, but is not searched. */
    assert_int_equal(ql_ruleset_load(&rs, "../de/sgb9", &err), QL_EIO);
    assert_null(rs);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_int_equal(ql_ruleset_load(&rs, "x/../jilin", &err), QL_EIO);
    assert_int_equal(ql_ruleset_load(&rs, "./jilin", &err), QL_EIO);
    assert_int_equal(ql_ruleset_load(&rs, "", &err), QL_EIO);
    /* Found as a plain name. */
    assert_int_equal(ql_ruleset_load(&rs, "jilin", &err), QL_OK);
    ql_ruleset_free(rs);
    use_path(NULL);
}

static void test_search_not_found_names_the_folders(void **state)
{
    (void)state;
    ql_ruleset *rs = NULL;
    ql_error err;
    use_path("/nowhere/a:/nowhere/b");
    assert_int_equal(ql_ruleset_load(&rs, "cn/nowhere", &err), QL_EIO);
    assert_null(rs);
    assert_text(err.file, "cn/nowhere");
    assert_non_null(strstr(err.message, "cn/nowhere.yaml"));
    assert_non_null(strstr(err.message, "/nowhere/a:/nowhere/b"));
    assert_non_null(strstr(err.message, "share/quotalevy/rules"));
    /* A directory on the path is not a rules file. */
    use_path(QL_SOURCE_DIR);
    assert_int_equal(ql_ruleset_load(&rs, "rules", &err), QL_EIO);
    use_path(NULL);
}

static void test_search_extends_by_name(void **state)
{
    (void)state;
    ql_ruleset *rs = NULL;
    ql_error err;
    const char *child = "quotalevy: 1\nid: t\ntitle: t\njurisdiction: CN-XX\n"
                        "version: \"1\"\nextends: cn/national\n";
    use_path(QL_SOURCE_DIR "/rules");
    assert_int_equal(ql_ruleset_load_buffer(&rs, child, strlen(child), "/tmp/child.yaml", &err), QL_OK);
    assert_true(ql_ruleset_input_index(rs, "employees") >= 0);
    ql_ruleset_free(rs);
    use_path("/nowhere");
    assert_int_equal(ql_ruleset_load_buffer(&rs, child, strlen(child), "/tmp/child.yaml", &err), QL_EIO);
    assert_int_equal(err.line, 6);
    use_path(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_by_name),
        cmocka_unit_test(test_search_refuses_escaping_names),
        cmocka_unit_test(test_search_not_found_names_the_folders),
        cmocka_unit_test(test_search_extends_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
