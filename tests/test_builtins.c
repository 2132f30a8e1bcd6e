/*
 * test_builtins.c — the table of built-in functions (lib/builtins.c): each
 * row whole (found by its name, its usage written for its name, a type
 * rule and an emitter), and each function documented in
 * docs/rules-language.md, so a function added to the table without its
 * documentation fails here.
 */
#include "test_util.h"

#include "builtins.h"

static char *read_doc(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 18];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    assert_true(n < sizeof buf - 1);
    buf[n] = '\0';
    return buf;
}

static void test_builtins_rows_are_whole(void **state)
{
    (void)state;
    assert_true(qli_n_builtins >= 22);
    for (size_t i = 0; i < qli_n_builtins; i++) {
        const builtin *f = &qli_builtins[i];
        size_t len = strlen(f->name);
        assert_ptr_equal(qli_bi_find(f->name, len), f);
        assert_non_null(f->check);
        assert_non_null(f->emit);
        assert_true(f->min_args >= 0);
        assert_true(f->max_args < 0 || f->max_args >= f->min_args);
        if (strncmp(f->usage, f->name, len) != 0 || f->usage[len] != '(') {
            print_error("%s: usage \"%s\" is not of it\n", f->name, f->usage);
            fail();
        }
        /* its arity as the usage and the checks see it */
        assert_true(qli_bi_arity_ok(f, (size_t)f->min_args) ||
                    (f->flags & BI_ODD_ARGS));
        if (f->max_args >= 0)
            assert_false(qli_bi_arity_ok(f, (size_t)f->max_args + 1));
        if (f->min_args > 0)
            assert_false(qli_bi_arity_ok(f, (size_t)f->min_args - 1));
    }
    assert_null(qli_bi_find("sqrt", 4));
    assert_null(qli_bi_find("mi", 2));
    /* if() takes an odd number of arguments, 3 or more */
    const builtin *f = qli_bi_find("if", 2);
    assert_false(qli_bi_arity_ok(f, 4));
    assert_true(qli_bi_arity_ok(f, 5));
    /* reductions: sum and count, min and max of one argument */
    assert_true(qli_bi_reduces(qli_bi_find("sum", 3), 1));
    assert_true(qli_bi_reduces(qli_bi_find("count", 5), 1));
    assert_true(qli_bi_reduces(qli_bi_find("min", 3), 1));
    assert_false(qli_bi_reduces(qli_bi_find("min", 3), 2));
    assert_false(qli_bi_reduces(qli_bi_find("abs", 3), 1));
}

static void test_builtins_each_is_documented(void **state)
{
    (void)state;
    const char *doc = read_doc(QL_SOURCE_DIR "/docs/rules-language.md");
    for (size_t i = 0; i < qli_n_builtins; i++) {
        char want[64];
        snprintf(want, sizeof want, "`%s(", qli_builtins[i].name);
        if (!strstr(doc, want)) {
            print_error("docs/rules-language.md does not show %s\n", want);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtins_rows_are_whole),
        cmocka_unit_test(test_builtins_each_is_documented),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
