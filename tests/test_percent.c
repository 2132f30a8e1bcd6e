/*
 * test_percent.c — a bare number meeting a percentage in a formula is a
 * load error at the number (typecheck_percent.c): `rate > 5` for 5 %
 * compares with 500 %, always false without a word.  Each way a
 * percentage can meet a number written in a formula, each way a value
 * becomes a percentage, and what stays allowed (zero, scaling by × and
 * ÷, numbers written with '%').
 */
#include "test_util.h"

/* The rule set around one formula, x on line 33 from column 6: rate is
 * `unit: percent` (5 %), q a parameter written with '%' (1.5 %), share_t
 * a table with bounds and values in percent, bare_t one with bare
 * bounds. */
#define RULES(expr)                                                            \
    RULES_HEAD                                                                 \
    "inputs:\n  n: integer\n  c: bool\n"                                       \
    "parameters:\n"                                                            \
    "  rate: {unit: percent, values: [{from: 2020-01-01, value: 5%, "          \
    "source: s}]}\n"                                                           \
    "  q: {values: [{from: 2020-01-01, value: 1.5%, source: s}]}\n"            \
    "  share_t:\n    type: table\n    bounds: percent\n    values:\n"          \
    "      - from: 2020-01-01\n        source: s\n        brackets:\n"         \
    "          - {from: 0%, value: 100%}\n"                                    \
    "          - {from: 1%, value: 50%}\n"                                     \
    "  bare_t:\n    type: table\n    values:\n"                                \
    "      - from: 2020-01-01\n        source: s\n        brackets:\n"         \
    "          - {from: 0, value: 3}\n"                                        \
    "          - {from: 1.5, value: 2}\n"                                      \
    "computed:\n  x: " expr "\n"                                               \
    "  r: rate\n"                                                              \
    "checks:\n  k:\n    title: K\n    source: s\n    required: rate\n    "     \
    "actual: n / 100\n"                                                        \
    "outputs: [x]\n"

#define LINE 33
#define COL(k) (6 + (k))

static void refused(const char *yaml, int col, const char *needle,
                    const char *file, int line)
{
    assert_load_error_(yaml, QL_ETYPE, LINE, col, needle, file, line);
}
#define REFUSED(expr, at, needle)                                              \
    refused(RULES(expr), COL(at), needle, __FILE__, __LINE__)

static void test_percent_compared_with_a_bare_number(void **state)
{
    (void)state;
    REFUSED("rate > 50", 7,
            "'rate' is a percentage (unit: percent) and meets the bare "
            "number 50 in this comparison, which is 5000%: write 50% if 50 "
            "percent is meant (or 5000% for the value as written)");
    REFUSED("50 <= rate", 0, "the bare number 50 in this comparison");
    REFUSED("rate == 0.5", 8,
            "the bare number 0.5 in this comparison, which is 50%: write "
            "50% (or 0.5% if 0.5 percent is meant)");
    REFUSED("rate > -5", 7,
            "the bare number -5 in this comparison, which "
            "is -500%");
    REFUSED("rate < - 5", 7, "the bare number -5");
    /* a parameter without `unit:` whose values are written with '%' */
    REFUSED("q >= 2", 5,
            "'q' is a percentage (its values are written with '%')");
    REFUSED("rate in [5%, 10]", 13, "in this 'in' list");
}

static void test_percent_through_computed_values_and_functions(void **state)
{
    (void)state;
    /* a computed value of a percentage, and what it is made of */
    REFUSED("r >= 2", 5, "'r' is a percentage ('rate', unit: percent)");
    REFUSED("round(rate, 3) > 2", 17,
            "a percentage ('rate', unit: percent) meets the bare number 2");
    REFUSED("-rate < 1", 8,
            "the bare number 1 in this comparison, which is "
            "100%: write 100% (or 1% if 1 percent is meant)");
    REFUSED("rate + q > 3", 11, "the bare number 3");
    REFUSED("rate * q > 3", 11, "the bare number 3"); /* a share of a share */
    REFUSED("min(rate, 5) > 0", 10, "in this min()");
    REFUSED("max(5, rate) > 0", 4, "in this max()");  /* literal first */
    REFUSED("if(c, 1, rate) > 0", 6, "in this if()"); /* before the share */
    REFUSED("if(c, rate, n > 1, 2, 0%) > 0", 19, "in this if()");
    REFUSED("at(rate, date) > 5", 17, "the bare number 5");
    REFUSED("k.required > 5", 13,
            "'k.required' is a percentage ('rate', unit: percent)");
    /* a table's values written with '%' */
    REFUSED("bracket(share_t, rate) > 1", 25,
            "a percentage (table 'share_t', whose values are written with "
            "'%') meets the bare number 1");
}

static void test_percent_added_to_a_bare_number(void **state)
{
    (void)state;
    REFUSED("1 - rate > 0%", 0,
            "'rate' is a percentage (unit: percent) and meets the bare "
            "number 1 in this '-', which is 100%: write 100%");
    REFUSED("rate + 2 > 0", 7, "in this '+'");
}

static void test_percent_table_lookups(void **state)
{
    (void)state;
    /* bounds in percent, looked up with a bare number */
    REFUSED("bracket(share_t, 2) > 0", 17,
            "table 'share_t' has its bounds in percent (e.g. '1%') and is "
            "looked up with the bare number 2, which is 200%: write 2% if 2 "
            "percent is meant");
    /* a percentage looking up bare bounds: the slip is the table's,
     * reported at its first nonzero bound, naming the formula */
    assert_load_error(
        RULES("bracket(bare_t, rate) > 0"), QL_ETYPE, 31, 20,
        "parameter 'bare_t': the bound '1.5' is a bare number, but computed "
        "'x' looks the table up by 'rate', a percentage (unit: percent) "
        "(inline.yaml:33:22): write the bounds in percent with '%' (1.5% if "
        "1.5 percent is meant) and declare 'bounds: percent'");
}

static void test_percent_check_compares_required_and_actual(void **state)
{
    (void)state;
    assert_load_error(
        RULES_HEAD "inputs:\n  n: integer\nparameters:\n"
                   "  rate: {unit: percent, values: [{from: 2020-01-01, "
                   "value: 5%, source: s}]}\n"
                   "checks:\n  k:\n    title: K\n    source: s\n    required: "
                   "3\n    actual: rate\n"
                   "outputs: [k]\n",
        QL_ETYPE, 17, 15,
        "check 'k' required: 'rate' is a percentage (unit: percent) and "
        "meets the bare number 3 in the check's comparison of actual with "
        "required, which is 300%");
}

/* What stays allowed: zero, scaling, numbers written with '%', and
 * numbers that meet no percentage. */
static void test_percent_what_stays_allowed(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "rate > 0",
        "0 < rate",
        "rate != 0.00",
        "rate > 4.5%",
        "rate * 100 > 4.5",
        "rate * n > 3",
        "rate / 2 > 0.01",
        "100 * rate >= 5",
        "n / 100 >= 1.5",
        "n / 100 >= rate",
        "max(rate, 0) > 1%",
        "if(c, rate, 0) > 2%",
        "100% - rate > 0%",
        "bracket(share_t, n / 100) > 50%",
        "bracket(bare_t, n / 100) > 2",
        "bracket(share_t, 0) > 0%",
        "n * 1.5% > 3",
        "rate in [5%, 10%]",
        "k.actual > 3",
        "min(n, 5) > 1",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char yaml[4096];
        snprintf(yaml, sizeof yaml, "%s", RULES("EXPR"));
        char *at = strstr(yaml, "EXPR");
        char rest[4096];
        snprintf(rest, sizeof rest, "%s", at + 4);
        snprintf(at, sizeof yaml - (size_t)(at - yaml), "%s%s", ok[i], rest);
        ql_ruleset *rs = NULL;
        ql_error err;
        if (ql_ruleset_load_buffer(&rs, yaml, strlen(yaml), "inline.yaml",
                                   &err)) {
            print_error("%s: %s\n", ok[i], err.message);
            fail();
        }
        ql_ruleset_free(rs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percent_compared_with_a_bare_number),
        cmocka_unit_test(test_percent_through_computed_values_and_functions),
        cmocka_unit_test(test_percent_added_to_a_bare_number),
        cmocka_unit_test(test_percent_table_lookups),
        cmocka_unit_test(test_percent_check_compares_required_and_actual),
        cmocka_unit_test(test_percent_what_stays_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
