/*
 * test_divzero.c — values known at load (typecheck_fold.c): a divisor
 * that is 0 on every date for every record (x / 0, x / (1 - 1), x / -0%,
 * a parameter 0 in every period, a table 0 in every bracket, a computed
 * value always 0, and min, max, abs, rounding, at() and if() of such)
 * fails every record that reaches it, so it is a load error at the
 * divisor naming the values it is made of; so are such values whose
 * product or sum overflows.  A division in a branch that can never run
 * (if(z == 0, 0, x / z)) loads; a divisor that is 0 only on some dates
 * or for some records loads and fails at evaluation, as before.
 */
#include "test_util.h"

/* One formula, x on line 11 from column 6. */
#define RULES(expr)                                                            \
    RULES_HEAD "inputs:\n  n: integer\n"                                       \
               "computed:\n  x: " expr "\n"                                    \
               "outputs: [x]\n"

#define LINE 12
#define COL(k) (6 + (k))

#define REFUSED(expr, at, needle)                                              \
    assert_load_error_(RULES(expr), QL_ERANGE, LINE, COL(at), needle,          \
                       __FILE__, __LINE__)

static void test_divzero_a_literal_zero_divisor(void **state)
{
    (void)state;
    REFUSED("n / 0 > 1", 4,
            "computed 'x': division by zero: the divisor is the number 0, so "
            "every record that reaches it fails");
    REFUSED("n / 0.00 > 1", 4, "the divisor is the number 0");
    REFUSED("n / -0 > 1", 4, "the divisor is the number 0");
    REFUSED("n / 0% > 1", 4, "the divisor is the number 0");
    /* inside a rounding and a branch alike: it can never be right */
    REFUSED("round(n / 0, 2) > 1", 10, "division by zero");
    REFUSED("if(n > 0, n / 0, 0) > 1", 14, "division by zero");
}

static void test_divzero_a_constant_zero_divisor(void **state)
{
    (void)state;
    REFUSED("n / (1 - 1) > 1", 5,
            "division by zero: the divisor is made only of numbers written "
            "in the formula and is always 0");
    REFUSED("n / (2 * 3 - 6) > 1", 5, "always 0");
    REFUSED("n / (50% - 50%) > 1", 5, "always 0");
    REFUSED("n / -(3 - 3) > 1", 4, "always 0");
    REFUSED("n / (1 / 4 - 0.25) > 1", 5, "always 0");
    REFUSED("(1 - 1) / (1 - 1) > 1", 11, "always 0");
    REFUSED("1 / 0 > n", 4, "the divisor is the number 0");
}

static void test_divzero_constant_overflow(void **state)
{
    (void)state;
    REFUSED("n * (100000000000000000000 * 100000000000000000000) > 1", 5,
            "these numbers, all written in the formula, give no value");
}

static void test_divzero_what_loads(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "n / 1 > 1",
        "n / (1 - 0.5) > 1",
        "n / (n - 1) > 1",        /* zero for some records only */
        "n / (1 / 3 - 0.33) > 1", /* a cut quotient: not folded */
        "0 / 1 > n",
        "n * 0 > 1",
        "(1 - 1) * n > 1",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char yaml[2048];
        snprintf(yaml, sizeof yaml,
                 RULES_HEAD "inputs:\n  n: integer\n"
                            "computed:\n  x: %s\noutputs: [x]\n",
                 ok[i]);
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

/* Parameters and values the formula x may read: z is 0 in both its
 * periods, zp 0%, one 1, some 0 only until 2022, zt 0 in every bracket,
 * t 0 in one; zc is always 0.  x is on the line after "computed:". */
#define PARAMS                                                                 \
    RULES_HEAD "inputs:\n  n: integer\n"                                       \
               "parameters:\n"                                                 \
               "  z: {values: [{from: 2020-01-01, value: 0, source: s}, "      \
               "{from: 2022-01-01, value: 0.00, source: s}]}\n"                \
               "  zp: {unit: percent, values: [{from: 2020-01-01, value: 0%, " \
               "source: s}]}\n"                                                \
               "  one: {values: [{from: 2020-01-01, value: 1, source: s}]}\n"  \
               "  some: {values: [{from: 2020-01-01, value: 0, source: s}, "   \
               "{from: 2022-01-01, value: 2, source: s}]}\n"                   \
               "  zt:\n    type: table\n    values:\n"                         \
               "      - from: 2020-01-01\n        source: s\n"                 \
               "        brackets:\n          - {from: 0, value: 0}\n"          \
               "          - {from: 10, value: 0.00}\n"                         \
               "  t:\n    type: table\n    values:\n"                          \
               "      - from: 2020-01-01\n        source: s\n"                 \
               "        brackets:\n          - {from: 0, value: 0}\n"          \
               "          - {from: 10, value: 5}\n"

#define WITH(expr)                                                             \
    PARAMS "computed:\n  x: " expr "\n  zc: 1 - one\n  nz: z != 0\n"           \
           "outputs: [x]\n"

/* The line of "  x: " in yaml. */
static int x_line(const char *yaml)
{
    int line = 1;
    const char *at = strstr(yaml, "\n  x: ");
    for (const char *p = yaml; p <= at; p++)
        line += *p == '\n';
    return line;
}

#define REFUSED_P(expr, at, needle)                                            \
    assert_load_error_(WITH(expr), QL_ERANGE, x_line(WITH(expr)), COL(at),     \
                       needle, __FILE__, __LINE__)

static void loads_(const char *yaml, const char *file, int line)
{
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_buffer(&rs, yaml, strlen(yaml), "inline.yaml", &err)) {
        print_error("%s\n", err.message);
        _fail(file, line);
    }
    ql_ruleset_free(rs);
}
#define LOADS(expr) loads_(WITH(expr), __FILE__, __LINE__)

static void test_divzero_a_parameter_zero_in_every_period(void **state)
{
    (void)state;
    REFUSED_P("n / z > 1", 4,
              "computed 'x': division by zero: the divisor is 0 on every date "
              "for every record (parameter 'z' is 0 in every period, at "
              "inline.yaml:12:3), so every record that reaches it fails: "
              "correct the value, or guard the division (if(z == 0, …, …))");
    REFUSED_P("n / zp > 1", 4, "parameter 'zp' is 0% in every period");
    REFUSED_P("n / at(z, date) > 1", 4, "parameter 'z' is 0 in every period");
    REFUSED_P("n / (1 - one) > 1", 5,
              "(parameter 'one' is 1 in every period, at inline.yaml:14:3)");
    REFUSED_P("n / (z * n) > 1", 5, "parameter 'z' is 0");
    REFUSED_P("n / (n * z) > 1", 5, "parameter 'z' is 0");
    REFUSED_P("n / (0 * n) > 1", 5,
              "the divisor is 0 for every record on every date (a product "
              "with a factor that is always 0)");
    REFUSED_P("round(n / (z + zp), 2) > 1", 11,
              "parameter 'z' is 0 in every period, at inline.yaml:12:3; "
              "parameter 'zp' is 0% in every period");
}

static void test_divzero_a_table_computed_or_function_always_zero(void **state)
{
    (void)state;
    REFUSED_P("n / bracket(zt, n) > 1", 4,
              "table 'zt' gives 0 in every bracket of every period, at "
              "inline.yaml:16:3");
    REFUSED_P("n / zc > 1", 4, "(computed 'zc' is always 0, at inline.yaml:");
    REFUSED_P("n / max(z, 0) > 1", 4, "parameter 'z' is 0");
    REFUSED_P("n / min(0, one - 1) > 1", 4, "parameter 'one' is 1");
    REFUSED_P("n / abs(-z) > 1", 4, "parameter 'z' is 0");
    REFUSED_P("n / round(0.004, 2) > 1", 4,
              "made only of numbers written in the formula");
    REFUSED_P("n / floor(one / 2) > 1", 4, "parameter 'one' is 1");
    REFUSED_P("n / trunc(zp * 100) > 1", 4, "parameter 'zp' is 0");
    /* every branch that can be taken is 0 */
    REFUSED_P("n / if(n > 1, z, 0) > 1", 4, "parameter 'z' is 0");
    /* a branch that can run, its condition not known at load */
    REFUSED_P("if(n > 1, n / z, 0) > 1", 14, "parameter 'z' is 0");
    REFUSED_P("n > 1 and n / z > 1", 14, "parameter 'z' is 0");
}

static void test_divzero_in_checks_and_validations(void **state)
{
    (void)state;
    assert_load_error(
        PARAMS "checks:\n  k:\n    title: K\n    source: s\n"
               "    required: n / z\n    actual: n\noutputs: [k]\n",
        QL_ERANGE, 36, 19, "check 'k' required: division by zero");
    assert_load_error(PARAMS "validations:\n  v:\n    rule: n / z > 0\n"
                             "    message: m\n"
                             "computed:\n  x: n\noutputs: [x]\n",
                      QL_ERANGE, 34, 15, "validation 'v': division by zero");
}

/* A division that can never run: the guard the docs give. */
static void test_divzero_a_guarded_division_loads(void **state)
{
    (void)state;
    LOADS("if(z == 0, 0, n / z) > 1");
    LOADS("if(z != 0, n / z, 0) > 1");
    LOADS("if(z > 0, n / z, z < 0, n / z, 0) > 1");
    LOADS("if(not (z == 0), n / z, 0) > 1");
    LOADS("if(nz, n / z, 0) > 1");
    LOADS("if(zc == 0, 0, n / zc) > 1");
    LOADS("if(bracket(zt, n) == 0, 0, n / bracket(zt, n)) > 1");
    LOADS("z != 0 and n / z > 1");
    LOADS("z == 0 or n / z > 1");
    LOADS("if(true, 0, n / 0) > 1");
}

/* Zero on some dates or for some records: the evaluation says so there,
 * and the other dates and records evaluate. */
static void test_divzero_zero_for_some_dates_or_records(void **state)
{
    (void)state;
    LOADS("n / some > 1");
    LOADS("n / bracket(t, n) > 1");
    LOADS("n / (n - 1) > 1");
    LOADS("n / if(n > 1, z, 1) > 1");
    static const char yaml[] =
        PARAMS "computed:\n  x: round(n / some, 2)\n"
               "  y: round(6 / (n - 1), 2)\noutputs: [x, y]\n";
    ql_ruleset *rs = load_text(yaml);
    ql_record *rec = NULL;
    ql_result *res = NULL;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "n", "4", &err), QL_OK);
    assert_int_equal(ql_evaluate(res, rec, D("2021-06-30"), 0, &err),
                     QL_ERANGE);
    assert_non_null(strstr(err.message, "division by zero"));
    assert_int_equal(ql_evaluate(res, rec, D("2023-06-30"), 0, &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "n", "1", &err), QL_OK);
    assert_int_equal(ql_evaluate(res, rec, D("2023-06-30"), 0, &err),
                     QL_ERANGE);
    assert_non_null(strstr(err.message, "division by zero"));
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_divzero_a_literal_zero_divisor),
        cmocka_unit_test(test_divzero_a_constant_zero_divisor),
        cmocka_unit_test(test_divzero_constant_overflow),
        cmocka_unit_test(test_divzero_what_loads),
        cmocka_unit_test(test_divzero_a_parameter_zero_in_every_period),
        cmocka_unit_test(test_divzero_a_table_computed_or_function_always_zero),
        cmocka_unit_test(test_divzero_in_checks_and_validations),
        cmocka_unit_test(test_divzero_a_guarded_division_loads),
        cmocka_unit_test(test_divzero_zero_for_some_dates_or_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
