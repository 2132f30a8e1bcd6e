/*
 * test_param_scale.c — a parameter's places are part of its type: its
 * `scale:` (in its unit, so in percent for a percentage), the currency's
 * for money, else the most of its values in the rules file.  File values
 * and what-if overrides are padded to them; more places is an error
 * naming the parameter and what fixes its places, so a what-if never
 * changes how an output is shown (P5-03).
 */
#include "test_util.h"

#include <unistd.h>

/* RULES_HEAD with a currency (line 6), so sources start at line 7. */
#define MONEY_HEAD                                                             \
    "quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"        \
    "currency: EUR\n"                                                          \
    "sources:\n  s:\n    title: Test source (not law)\n"

/* rate: line 13, its scale (when given) line 17; its value line 18
 * without a scale, 19 with one. */
#define RATE_RULES(scale_line)                                                 \
    MONEY_HEAD                                                                 \
    "inputs:\n  n: integer\n"                                                  \
    "parameters:\n"                                                            \
    "  rate:\n    unit: percent\n    min: 0%\n    max: 5%\n" scale_line        \
    "    values:\n"                                                            \
    "      - {from: 2020-01-01, value: 1.5%, source: s}\n"                     \
    "  fee:\n    type: money\n    values:\n"                                   \
    "      - {from: 2020-01-01, value: 1.2, source: s}\n"                      \
    "computed:\n  r: rate * n\n  pay: round(n * fee * rate, 2)\n"              \
    "  f: fee * 1\n"                                                           \
    "outputs: [r, pay, f]\n"

/* Output `name` for n=100 on 2024-01-01, as text (static buffer); its
 * scale is the output's declared one. */
static const char *out_text(const ql_ruleset *rs, const char *name)
{
    static char buf[QL_DECIMAL_TEXT_MAX];
    ql_record *rec;
    ql_result *res;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "n", "100", &err), QL_OK);
    ql_date d;
    ql_date_parse(&d, "2024-01-01", 10, NULL);
    assert_int_equal(ql_evaluate(res, rec, d, 0, &err), QL_OK);
    int i = ql_ruleset_output_index(rs, name);
    assert_true(i >= 0);
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_result_output(&v, res, (size_t)i), QL_OK);
    assert_int_equal(v.number.scale, ql_ruleset_output_scale(rs, (size_t)i));
    ql_result_output_text(buf, sizeof buf, res, (size_t)i);
    ql_result_free(res);
    ql_record_free(rec);
    return buf;
}

/* Loads yaml with param=value from `from`; the rule set or NULL. */
static ql_status load_with(ql_ruleset **rs, const char *yaml, const char *param,
                           const char *value, const char *from, ql_error *err)
{
    ql_override o = {QL_OVERRIDE_VERSION, param, value, 0};
    ql_date_parse(&o.from, from, 10, NULL);
    ql_load_options opts = QL_LOAD_OPTIONS_INIT;
    opts.buffer = yaml;
    opts.buffer_len = strlen(yaml);
    opts.overrides = &o;
    opts.n_overrides = 1;
    *rs = NULL;
    return ql_ruleset_load_ext(rs, "t.yaml", &opts, err);
}

typedef struct ovr_case {
    const char *param, *value;
    ql_status st;
    const char *r; /* output r (or f for fee) for n=100, or the message */
} ovr_case;

/* Each case from before every value of the file (the override is then
 * all the parameter's values) and from a day after it. */
static void check_cases(const char *yaml, const ovr_case *c, size_t n,
                        int r_scale)
{
    static const char *const froms[] = {"2019-01-01", "2023-01-01"};
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < 2; f++) {
            ql_ruleset *rs;
            ql_error err;
            ql_status st =
                load_with(&rs, yaml, c[i].param, c[i].value, froms[f], &err);
            if (st != c[i].st)
                fail_msg("%s=%s@%s: status %d, want %d (%s)", c[i].param,
                         c[i].value, froms[f], st, c[i].st, err.message);
            if (st != QL_OK) {
                assert_string_equal(err.field, c[i].param);
                if (!strstr(err.message, c[i].r))
                    fail_msg("%s=%s: %s", c[i].param, c[i].value, err.message);
                continue;
            }
            int fee = !strcmp(c[i].param, "fee");
            assert_int_equal(ql_ruleset_output_scale(rs, 0), r_scale);
            assert_int_equal(ql_ruleset_output_scale(rs, 2), 2);
            assert_string_equal(out_text(rs, fee ? "f" : "r"), c[i].r);
            ql_ruleset_free(rs);
        }
}

/* Without `scale:`: the places of the file's values (1.5 % is 0.015,
 * three) bound every override; fewer are padded (2 % dated before every
 * value was 0.02, and `compare` showed r at two scales); money has its
 * currency's. */
static void test_param_scale_from_the_files_values(void **state)
{
    (void)state;
    const char *yaml = RATE_RULES("");
    ql_ruleset *rs = load_text(yaml);
    assert_string_equal(out_text(rs, "r"), "1.500");
    assert_string_equal(out_text(rs, "f"), "1.20");
    ql_ruleset_free(rs);
    static const ovr_case cases[] = {
        {"rate", "2%", QL_OK, "2.000"},
        {"rate", "2.0000%", QL_OK, "2.000"},
        {"rate", "1.7%", QL_OK, "1.700"},
        {"rate", "0%", QL_OK, "0.000"},
        {"rate", "1.75%", QL_ESCHEMA,
         "override of parameter 'rate': '1.75%' has 2 decimal places in "
         "percent, more "
         "than the 1 of its values in the rules file (t.yaml:18); to allow "
         "them, declare 'scale: 2' on 'rate' (places in percent): a "
         "parameter's places are part of its type"},
        {"rate", "1.7000000000000000000000000000000001%", QL_ESCHEMA,
         "has 34 decimal places in percent"},
        {"fee", "1.3", QL_OK, "1.30"},
        {"fee", "3", QL_OK, "3.00"},
        {"fee", "1.25", QL_ESCHEMA,
         "override of parameter 'fee': '1.25' has 2 decimal places, more than "
         "the 1 "
         "of its values in the rules file (t.yaml:22); to allow them, "
         "declare 'scale: 2' on 'fee':"},
        {"fee", "1.255", QL_ESCHEMA,
         "money in EUR, which has 2 decimal places"},
    };
    check_cases(yaml, cases, sizeof cases / sizeof *cases, 3);
}

/* `scale: 2` on a percentage: places in percent, so the share has four;
 * the file's 1.5% is padded to 0.0150 and every output from it follows. */
static void test_param_scale_declared(void **state)
{
    (void)state;
    const char *yaml = RATE_RULES("    scale: 2\n");
    ql_ruleset *rs = load_text(yaml);
    assert_string_equal(out_text(rs, "r"), "1.5000");
    ql_ruleset_free(rs);
    static const ovr_case cases[] = {
        {"rate", "1.75%", QL_OK, "1.7500"},
        {"rate", "2%", QL_OK, "2.0000"},
        {"rate", "0.05%", QL_OK, "0.0500"},
        {"rate", "0.055%", QL_ESCHEMA,
         "override of parameter 'rate': '0.055%' has 3 decimal places in "
         "percent, more "
         "than its 'scale: 2' (t.yaml:17) allows: a parameter's places are "
         "part of its type"},
    };
    check_cases(yaml, cases, sizeof cases / sizeof *cases, 4);
    /* money may declare up to its currency's places for a what-if */
    ql_ruleset *m;
    ql_error err;
    const char *money = MONEY_HEAD
        "parameters:\n  fee:\n    type: money\n    scale: 2\n    values:\n"
        "      - {from: 2020-01-01, value: 1, source: s}\n"
        "computed:\n  f: fee * 1\noutputs: [f]\n";
    assert_int_equal(load_with(&m, money, "fee", "1.25", "2023-01-01", &err),
                     QL_OK);
    ql_ruleset_free(m);
    /* a file value with more places than the declared scale */
    assert_load_error(
        MONEY_HEAD "parameters:\n  rate:\n    unit: percent\n"
                   "    scale: 1\n    values:\n"
                   "      - {from: 2020-01-01, value: 1.5%, source: s}\n"
                   "      - {from: 2021-01-01, value: 1.25%, source: s}\n"
                   "outputs: []\n",
        QL_ESCHEMA, 16, 35,
        "parameter 'rate': '1.25%' has 2 decimal places in "
        "percent, more than its 'scale: 1' (inline.yaml:13) allows");
    /* trailing zeros are not places: 1.50% fits scale 1 */
    rs = load_text(MONEY_HEAD
                   "inputs:\n  n: integer\n"
                   "parameters:\n  rate:\n    scale: 1\n    values:\n"
                   "      - {from: 2020-01-01, value: 1.50, source: s}\n"
                   "computed:\n  r: rate * n\noutputs: [r]\n");
    assert_string_equal(out_text(rs, "r"), "150.0");
    ql_ruleset_free(rs);
    /* a table's bracket values are padded too */
    rs = load_text(MONEY_HEAD
                   "inputs:\n  n: integer\n"
                   "parameters:\n  t:\n    scale: 3\n    values:\n"
                   "      - from: 2020-01-01\n        source: s\n"
                   "        brackets:\n          - {from: 0, value: 0.5}\n"
                   "          - {from: 10, value: 1}\n"
                   "computed:\n  r: bracket(t, n) * 1\noutputs: [r]\n");
    assert_string_equal(out_text(rs, "r"), "1.000");
    ql_ruleset_free(rs);
}

/* A child that redefines the parameter keeps the parent's scale unless it
 * gives its own. */
static void test_param_scale_inherited(void **state)
{
    (void)state;
    char dir[] = "/tmp/ql_pscale_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char parent[128], child[128];
    snprintf(parent, sizeof parent, "%s/p.yaml", dir);
    snprintf(child, sizeof child, "%s/c.yaml", dir);
    FILE *f = fopen(parent, "w");
    assert_non_null(f);
    fputs(RATE_RULES("    scale: 2\n"), f);
    fclose(f);
    f = fopen(child, "w");
    assert_non_null(f);
    fputs("quotalevy: 1\nid: c\ntitle: C\njurisdiction: XX\nversion: \"1\"\n"
          "extends: p.yaml\nparameters:\n  rate:\n    values:\n"
          "      - {from: 2020-01-01, value: 1.7%, source: s}\n",
          f);
    fclose(f);
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, child, &err), QL_OK);
    assert_string_equal(out_text(rs, "r"), "1.7000");
    ql_ruleset_free(rs);
    remove(child);
    remove(parent);
    rmdir(dir);
}

/* A bad `scale:` is a load error at it; a misspelt key is suggested. */
static void test_param_scale_refused(void **state)
{
    (void)state;
    static const struct {
        const char *lines, *value;
        int line, col;
        const char *msg;
    } bad[] = {
        {"    scale: -1\n", "1", 12, 12,
         "'scale' must be a whole number from 0 to 24 "},
        {"    scale: 25\n", "1", 12, 12,
         "from 0 to 24 (places of its values as written"},
        {"    scale: 37\n", "1", 12, 12, "found '37'"},
        {"    scale: 1.5\n", "1", 12, 12, "found '1.5'"},
        {"    scale: two\n", "1", 12, 12, "found 'two'"},
        {"    scale: [2]\n", "1", 12, 12, "'scale'"},
        {"    type: string\n    scale: 2\n", "a", 13, 12,
         "parameter 'p': 'scale' is for decimal parameters (its values are "
         "strings, which have no places)"},
        {"    type: bool\n    scale: 2\n", "true", 13, 12,
         "its values are bools"},
        {"    type: date\n    scale: 2\n", "2024-01-01", 13, 12,
         "its values are dates"},
        {"    scale: 2\n", "2024-01-01", 12, 12, "its values are dates"},
        {"    type: integer\n    scale: 2\n", "1", 13, 12,
         "an integer has none"},
        {"    type: money\n    scale: 3\n", "1", 13, 12,
         "money in EUR has at most 2 decimal places, not 3"},
        {"    scael: 2\n", "1", 12, 5,
         "unknown key 'scael' in parameter 'p'; did you mean 'scale'?"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 MONEY_HEAD "parameters:\n  p:\n%s    values:\n"
                            "      - {from: 2020-01-01, value: %s, source: s}\n"
                            "outputs: []\n",
                 bad[i].lines, bad[i].value);
        assert_load_error(yaml, QL_ESCHEMA, bad[i].line, bad[i].col,
                          bad[i].msg);
    }
    /* a percentage's scale is in percent: 22 at most, the share's 24 */
    assert_load_error(MONEY_HEAD
                      "parameters:\n  p:\n    unit: percent\n"
                      "    scale: 23\n    values:\n"
                      "      - {from: 2020-01-01, value: 1%, source: s}\n"
                      "outputs: []\n",
                      QL_ESCHEMA, 13, 12,
                      "'scale' must be a whole number from 0 to 22 (places of "
                      "its values as written in percent, the share has two "
                      "more");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_param_scale_from_the_files_values),
        cmocka_unit_test(test_param_scale_declared),
        cmocka_unit_test(test_param_scale_inherited),
        cmocka_unit_test(test_param_scale_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
