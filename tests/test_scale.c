/*
 * test_scale.c — output scales are part of the type: money is shown in
 * its currency's minor unit, every other number at a fixed scale, and a
 * formula whose value could carry more places than it is shown with is a
 * load error at the formula, unless the rule set declared a rounding for
 * display only.  Every bundled rule set loads and declares a scale for
 * every number it outputs.
 */
#include "test_util.h"

#include <stdlib.h>

/* RULES_HEAD with a currency (line 6), so sources start at line 7. */
#define MONEY_HEAD                                                           \
    "quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"      \
    "currency: EUR\n"                                                        \
    "sources:\n  s:\n    title: Test source (not law)\n"

/* Evaluates rs with "name=value …" on 2024-01-01 and returns output
 * `name` as text (static buffer). */
static const char *eval_out(const ql_ruleset *rs, const char *fields,
                            const char *name)
{
    static char buf[QL_DECIMAL_TEXT_MAX];
    ql_record *rec;
    ql_result *res;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
    char *copy = strdup(fields), *save = NULL;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(t, '=');
        *eq = '\0';
        assert_int_equal(ql_record_set(rec, t, eq + 1, &err), QL_OK);
    }
    free(copy);
    ql_date d;
    ql_date_parse(&d, "2024-01-01", 10, NULL);
    assert_int_equal(ql_evaluate(res, rec, d, 0, &err), QL_OK);
    int i = ql_ruleset_output_index(rs, name);
    assert_true(i >= 0);
    size_t n = ql_result_output_text(buf, sizeof buf, res, (size_t)i);
    /* the text functions and ql_value_format agree */
    ql_value v = QL_VALUE_INIT;
    char again[QL_DECIMAL_TEXT_MAX];
    assert_int_equal(ql_result_output(&v, res, (size_t)i), QL_OK);
    ql_value_format(again, sizeof again, &v);
    assert_string_equal(buf, again);
    if (v.type == QL_TYPE_NUMBER)
        assert_int_equal(v.number.scale, ql_ruleset_output_scale(rs, (size_t)i));
    assert_true(n < sizeof buf);
    ql_result_free(res);
    ql_record_free(rec);
    return buf;
}

static void test_scale_money_in_the_minor_unit(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(
        MONEY_HEAD
        "inputs:\n  wage: {type: money, min: 0}\n  cap: {type: money}\n"
        "  n: {type: decimal, scale: 2}\n"
        "computed:\n  capped: min(wage, 3 * cap)\n"
        "  levy: round(n * capped, 2)\n"
        "  share: {expr: \"round(levy / 3, 2)\", aggregate: sum}\n"
        "outputs: [capped, levy, share]\n");
    assert_string_equal(ql_ruleset_meta(rs, "currency"), "EUR");
    assert_string_equal(ql_ruleset_currency(rs), "EUR");
    assert_int_equal(ql_ruleset_currency_places(rs), 2);
    assert_null(ql_ruleset_currency(NULL));
    assert_int_equal(ql_ruleset_currency_places(NULL), -1);
    /* the wage cap binds or not: both are shown to the cent */
    assert_string_equal(eval_out(rs, "wage=120000 cap=60291.33 n=1", "capped"),
                        "120000.00");
    assert_string_equal(eval_out(rs, "wage=200000 cap=60291.33 n=1", "capped"),
                        "180873.99");
    assert_string_equal(eval_out(rs, "wage=100 cap=100 n=0.5", "levy"), "50.00");
    assert_int_equal(ql_ruleset_output_scale(rs, 0), 2);
    assert_int_equal(ql_ruleset_output_is_money(rs, 1), 1);
    assert_int_equal(ql_ruleset_output_aggregate(rs, 1), QL_AGG_SUM);
    ql_ruleset_free(rs);
    /* yen have no minor unit */
    rs = load_text("quotalevy: 1\nid: t\ntitle: T\njurisdiction: JP\n"
                   "version: \"1\"\ncurrency: JPY\n"
                   "inputs:\n  n: {type: integer}\n"
                   "parameters:\n  per:\n    type: money\n    values:\n"
                   "      - {from: 2020-01-01, value: 50000, source: s}\n"
                   "sources:\n  s: {title: S}\n"
                   "computed:\n  levy: n * per\n"
                   "outputs: [levy]\n");
    assert_string_equal(eval_out(rs, "n=3", "levy"), "150000");
    assert_int_equal(ql_ruleset_output_scale(rs, 0), 0);
    assert_string_equal(ql_ruleset_currency(rs), "JPY");
    assert_int_equal(ql_ruleset_currency_places(rs), 0);
    ql_ruleset_free(rs);
    /* no currency: no money */
    rs = load_text(RULES_HEAD "inputs:\n  n: integer\noutputs: [n]\n");
    assert_null(ql_ruleset_currency(rs));
    assert_int_equal(ql_ruleset_currency_places(rs), -1);
    ql_ruleset_free(rs);
}

static void test_scale_unrounded_money_is_a_load_error(void **state)
{
    (void)state;
    /* France's contribution before any rounding: 4484.375 € */
    assert_load_error(MONEY_HEAD
                      "inputs:\n  smic: money\n  missing: {type: decimal, scale: 2}\n"
                      "computed:\n  contribution: missing * 400 * smic\n"
                      "outputs: [contribution]\n",
                      QL_ETYPE, 14, 17,
                      "output 'contribution' is an amount in EUR, which has 2 "
                      "decimal places, but its value can carry 4 places: round it");
    /* a quotient of money is unbounded */
    assert_load_error(MONEY_HEAD
                      "inputs:\n  total: money\n  n: integer\n"
                      "computed:\n  avg: total / n\n"
                      "outputs: [avg]\n",
                      QL_ETYPE, 14, 8, "can carry any number of places");
    /* money takes no display rounding */
    assert_load_error(MONEY_HEAD
                      "inputs:\n  total: money\n"
                      "computed:\n  x: {expr: total / 3, scale: 2, display: half_up}\n"
                      "outputs: [x]\n",
                      QL_ESCHEMA, 13, 31, "is money: it is shown with EUR's 2 places");
    /* money needs a currency */
    assert_load_error(RULES_HEAD "inputs:\n  w: money\noutputs: []\n", QL_ESCHEMA,
                      10, 3, "names no currency: add e.g. 'currency: CNY'");
    assert_load_error(RULES_HEAD "currency: XYZ\noutputs: []\n", QL_ESCHEMA, 9, 11,
                      "unknown currency 'XYZ' (an ISO");
    /* a slip of a known code: the one meant (P13-06) */
    assert_load_error(RULES_HEAD "currency: krw\noutputs: []\n", QL_ESCHEMA, 9, 11,
                      "unknown currency 'krw'; did you mean 'KRW'?");
    assert_load_error(RULES_HEAD "currency: rmb\noutputs: []\n", QL_ESCHEMA, 9, 11,
                      "unknown currency 'rmb'; did you mean 'CNY', its ISO 4217 code?");
    assert_load_error(RULES_HEAD "currency: EUX\noutputs: []\n", QL_ESCHEMA, 9, 11,
                      "unknown currency 'EUX' (an ISO");
    /* a money parameter has the minor unit at most */
    assert_load_error(MONEY_HEAD
                      "parameters:\n  p:\n    type: money\n    values:\n"
                      "      - {from: 2020-01-01, value: 1.005, source: s}\n"
                      "outputs: []\n",
                      QL_ESCHEMA, 14, 35, "which has 2 decimal places");
}

static void test_scale_other_numbers_fixed(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(
        RULES_HEAD
        "inputs:\n  staff: {type: decimal, scale: 2}\n  n: integer\n"
        "parameters:\n  ratio:\n    values:\n"
        "      - {from: 2020-01-01, value: 1.5%, source: s}\n"
        "computed:\n  required: staff * ratio\n"
        "  short: max(required - n, 0)\n"
        "  avg: {expr: staff / n, scale: 2, display: half_up}\n"
        "  third: {expr: \"round(staff / 3, 4)\", scale: 6}\n"
        "outputs: [required, short, avg, third]\n");
    /* whatever the digits of the input: 20, 20.5, 20.25 */
    assert_string_equal(eval_out(rs, "staff=20 n=1", "required"), "0.30000");
    assert_string_equal(eval_out(rs, "staff=20.5 n=1", "required"), "0.30750");
    assert_string_equal(eval_out(rs, "staff=20.25 n=1", "required"), "0.30375");
    assert_string_equal(eval_out(rs, "staff=20 n=1", "short"), "0.00000");
    /* the declared display rounding, for display only */
    assert_string_equal(eval_out(rs, "staff=10 n=3", "avg"), "3.33");
    assert_string_equal(eval_out(rs, "staff=10 n=3", "third"), "3.333300");
    assert_int_equal(ql_ruleset_output_scale(rs, 2), 2);
    assert_int_equal(ql_ruleset_output_aggregate(rs, 0), QL_AGG_NONE);
    ql_ruleset_free(rs);
    /* more places than the input's scale are refused at the field */
    rs = load_text(RULES_HEAD "inputs:\n  staff: {type: decimal, scale: 2}\n"
                   "outputs: [staff]\n");
    ql_record *rec;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "staff", "12.755", &err), QL_ERECORD);
    assert_string_equal(err.field, "staff");
    assert_non_null(strstr(err.message, "more than 2 decimal places"));
    assert_int_equal(ql_record_set(rec, "staff", "12.7500", &err), QL_OK);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    /* an unbounded output without a declared scale */
    assert_load_error(RULES_HEAD "inputs:\n  a: decimal\n"
                      "computed:\n  x: a * 2\noutputs: [x]\n",
                      QL_ETYPE, 12, 6,
                      "output 'x' can carry any number of decimal places");
    /* a declared scale the value can pass, without a display rounding */
    assert_load_error(RULES_HEAD "inputs:\n  a: {type: decimal, scale: 3}\n"
                      "computed:\n  x: {expr: a * 2, scale: 2}\noutputs: [x]\n",
                      QL_ETYPE, 12, 27,
                      "is shown with 2 places ('scale: 2') but its value can carry 3");
    assert_load_error(RULES_HEAD "inputs:\n  a: {type: integer, scale: 2}\noutputs: []\n",
                      QL_ESCHEMA, 10, 29, "'scale' is for decimal inputs");
    assert_load_error(RULES_HEAD "inputs:\n  a: {type: decimal, scale: 2}\n"
                      "computed:\n  x: {expr: a, display: up}\noutputs: [x]\n",
                      QL_ESCHEMA, 12, 25, "give 'scale' too");
}

/* Every bundled rule set loads, and each number it outputs has a scale;
 * money outputs the currency's. */
static void test_scale_every_bundled_rule_set(void **state)
{
    (void)state;
    static const char *const files[] = {
        "cn/national.yaml", "cn/jilin.yaml", "cn/jilin-pool.yaml",
        "cn/late-fee.yaml", "de/sgb9.yaml", "jp/levy.yaml", "fr/oeth.yaml"};
    static const struct { const char *code; int minor; } cur[] = {
        {"CNY", 2}, {"EUR", 2}, {"JPY", 0}};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/rules/%s", QL_SOURCE_DIR, files[f]);
        ql_ruleset *rs;
        ql_error err;
        if (ql_ruleset_load(&rs, path, &err) != QL_OK)
            fail_msg("%s: %s", path, err.message);
        const char *c = ql_ruleset_meta(rs, "currency");
        assert_non_null(c);
        int minor = -1;
        for (size_t k = 0; k < 3; k++)
            if (!strcmp(cur[k].code, c))
                minor = cur[k].minor;
        assert_true(minor >= 0);
        for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
            if (ql_ruleset_output_type(rs, i) != QL_TYPE_NUMBER)
                continue;
            int sc = ql_ruleset_output_scale(rs, i);
            if (sc < 0)
                fail_msg("%s: output %s has no scale", files[f],
                         ql_ruleset_output_name(rs, i));
            if (ql_ruleset_output_is_money(rs, i))
                assert_int_equal(sc, minor);
        }
        ql_ruleset_free(rs);
    }
}

/* After a failed evaluation, ql_result_output leaves a defined NONE. */
static void test_scale_output_after_failure_is_none(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(RULES_HEAD "inputs:\n  a: {type: integer}\n"
                               "computed:\n  x: a * 2\noutputs: [x]\n");
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_date d;
    ql_date_parse(&d, "2024-01-01", 10, NULL);
    assert_int_equal(ql_evaluate(res, rec, d, 0, &err), QL_ERECORD);
    ql_value v = QL_VALUE_INIT;
    memset(&v, 0x5a, sizeof v);
    v.version = QL_VALUE_VERSION; /* a struct of a known layout: NONE */
    assert_int_equal(ql_result_output(&v, res, 0), QL_EINVAL);
    assert_int_equal(v.type, QL_TYPE_NONE);
    assert_null(v.string);
    ql_check_result c = QL_CHECK_RESULT_INIT;
    memset(&c, 0x5a, sizeof c);
    c.version = QL_CHECK_RESULT_VERSION;
    assert_int_equal(ql_result_check(&c, res, 0), QL_EINVAL);
    assert_int_equal(c.applicable, 0);
    assert_int_equal(c.required.type, QL_TYPE_NONE);
    assert_int_equal(ql_ruleset_output_index(rs, "x"), 0);
    assert_int_equal(ql_ruleset_output_index(rs, "y"), -1);
    assert_int_equal(ql_ruleset_check_index(rs, "x"), -1);
    assert_int_equal(ql_ruleset_output_index(NULL, "x"), -1);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* Messages say "an enum", "an integer". */
static void test_scale_messages_speak_english(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(RULES_HEAD
                               "inputs:\n  kind: {type: enum, values: [a, b]}\n"
                               "  n: integer\noutputs: [kind]\n");
    ql_record *rec;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_record_set_bool(rec, 0, 1, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "field 'kind' is an enum, not a bool"));
    assert_int_equal(ql_record_set_bool(rec, 1, 1, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "field 'n' is an integer, not a bool"));
    ql_record_free(rec);
    ql_ruleset_free(rs);
    assert_load_error(RULES_HEAD "inputs:\n  kind: {type: enum, values: [a]}\n"
                      "computed:\n  x: kind + 1\noutputs: [x]\n",
                      QL_ETYPE, 12, 6, "must be a number, not an enum");
}

/* A check that does not apply: compliant 1 in the struct, as in
 * expressions; no value where results are written out. */
static void test_scale_inapplicable_check_is_met(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(RULES_HEAD "inputs:\n  n: integer\n"
                               "checks:\n  c:\n    title: T\n    source: s\n"
                               "    applies: n > 0\n    required: 1\n    actual: n\n"
                               "computed:\n  all_met: c.compliant\n"
                               "outputs: [c, all_met]\n");
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_record_set(rec, "n", "0", &err);
    ql_date d;
    ql_date_parse(&d, "2024-01-01", 10, NULL);
    assert_int_equal(ql_evaluate(res, rec, d, 0, &err), QL_OK);
    ql_check_result c = QL_CHECK_RESULT_INIT;
    assert_int_equal(ql_result_check(&c, res, 0), QL_OK);
    assert_int_equal(c.applicable, 0);
    assert_int_equal(c.compliant, 1);
    assert_int_equal(c.required.type, QL_TYPE_NONE);
    char buf[16];
    assert_int_equal(ql_result_check_text(buf, sizeof buf, res, 0, QL_CHECK_COMPLIANT), 0);
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_result_output(&v, res, 0), QL_OK);
    assert_int_equal(v.type, QL_TYPE_NONE);
    assert_int_equal(ql_result_output(&v, res, 1), QL_OK);
    assert_int_equal(v.boolean, 1); /* the expression's view */
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* P3-11: how a check's shortfall combines, through the C API: a sum by
 * default for persons, what the rules say for shares; the output of a
 * check still counts compliant units. */
static void test_scale_check_shortfall_aggregation(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(
        RULES_HEAD "inputs:\n  n: {type: integer, min: 1}\n  k: integer\n"
        "checks:\n  persons:\n    title: T\n    source: s\n"
        "    required: 2\n    actual: k\n"
        "  share:\n    title: T\n    source: s\n    required: 1.5%\n"
        "    actual: round(k / n, 4)\n    aggregate: max\n"
        "  quiet:\n    title: T\n    source: s\n    required: 1.5%\n"
        "    actual: round(k / n, 4)\n"
        "computed:\n  q: quiet.compliant\n"
        "outputs: [persons, share, q]\n");
    assert_int_equal(ql_ruleset_check_aggregate(rs, 0), QL_AGG_SUM);
    assert_int_equal(ql_ruleset_check_aggregate(rs, 1), QL_AGG_MAX);
    /* not an output: never totalled, so it need not say */
    assert_int_equal(ql_ruleset_check_aggregate(rs, 2), QL_AGG_NONE);
    assert_int_equal(ql_ruleset_check_aggregate(rs, 3), QL_AGG_NONE);
    assert_int_equal(ql_ruleset_check_aggregate(NULL, 0), QL_AGG_NONE);
    assert_int_equal(ql_ruleset_output_aggregate(rs, 1), QL_AGG_COUNT);
    ql_ruleset_free(rs);
}

/* Loads `yaml` with one override; its status, the message in err. */
static ql_status load_overridden(const char *yaml, const char *param,
                                 const char *value, ql_error *err)
{
    ql_override o = {QL_OVERRIDE_VERSION, param, value, 0};
    ql_date_parse(&o.from, "2024-01-01", 10, NULL);
    ql_load_options opts = QL_LOAD_OPTIONS_INIT;
    opts.buffer = yaml;
    opts.buffer_len = strlen(yaml);
    opts.overrides = &o;
    opts.n_overrides = 1;
    ql_ruleset *rs = NULL;
    ql_status st = ql_ruleset_load_ext(&rs, "t.yaml", &opts, err);
    if (st == QL_OK) {
        /* a whole override is shown as one: 3.00 is 3 */
        assert_string_equal(eval_out(rs, "n=1", "total"), "4");
        ql_ruleset_free(rs);
    }
    return st;
}

/* An integer parameter's values are whole numbers shown without places
 * (2.0 is 2); a fraction is a load error at the value.  A what-if
 * override is held to everything the file's values are: whole for an
 * integer, the currency's places for money, min and max. */
static void test_scale_parameters_and_overrides_keep_their_type(void **state)
{
    (void)state;
    const char *yaml = MONEY_HEAD
        "inputs:\n  n: integer\n"
        "parameters:\n"
        "  per:\n    type: integer\n    values:\n"
        "      - {from: 2020-01-01, value: 3.0, source: s}\n"
        "  fee:\n    type: money\n    values:\n"
        "      - {from: 2020-01-01, value: 1.20, source: s}\n"
        "  rate:\n    unit: percent\n    min: 0%\n    max: 5%\n    values:\n"
        "      - {from: 2020-01-01, value: 1.5%, source: s}\n"
        "computed:\n  total: n + per\n  pay: n * fee\n  r: rate * 1\n"
        "outputs: [total, pay, r]\n";
    ql_ruleset *rs = load_text(yaml);
    assert_string_equal(eval_out(rs, "n=1", "total"), "4");
    assert_int_equal(ql_ruleset_output_scale(rs, 0), 0);
    ql_ruleset_free(rs);
    assert_load_error(MONEY_HEAD "parameters:\n  per:\n    type: integer\n"
                      "    values:\n      - {from: 2020-01-01, value: 2.5, source: s}\n"
                      "outputs: []\n",
                      QL_ESCHEMA, 14, 35, "parameter 'per' is an integer: '2.5' is "
                                          "not a whole number");
    ql_error err;
    assert_int_equal(load_overridden(yaml, "per", "3.00", &err), QL_OK);
    assert_int_equal(load_overridden(yaml, "per", "2.5", &err), QL_ESCHEMA);
    assert_string_equal(err.field, "per");
    assert_non_null(strstr(err.message, "override of parameter 'per': '2.5': the parameter "
                                        "is an integer"));
    assert_int_equal(load_overridden(yaml, "fee", "1.234", &err), QL_ESCHEMA);
    assert_non_null(strstr(err.message, "money in EUR, which has 2 decimal places"));
    assert_int_equal(load_overridden(yaml, "fee", "1.5", &err), QL_OK);
    /* a percentage is written with '%', as in the file (probe6 P6-03:
     * bounds alone let 1 meant as 1 % through as 100 %, 0.05 meant as
     * 0.05 % as 5 %) */
    static const char *const bare[] = {"1.7", "0.017", "1", "0.05", "0", "-0"};
    for (size_t k = 0; k < sizeof bare / sizeof *bare; k++) {
        assert_int_equal(load_overridden(yaml, "rate", bare[k], &err), QL_ESCHEMA);
        assert_string_equal(err.field, "rate");
        assert_non_null(strstr(err.message, "override of parameter 'rate': '"));
        assert_non_null(strstr(err.message, "': the parameter is a percentage: "
                                            "write it with '%', e.g. '"));
        assert_non_null(strstr(err.message, "(unit: percent, t.yaml:"));
    }
    assert_int_equal(load_overridden(yaml, "rate", "1.7%", &err), QL_OK);
    assert_int_equal(load_overridden(yaml, "rate", "0%", &err), QL_OK);
    assert_int_equal(load_overridden(yaml, "rate", "7%", &err), QL_ERANGE);
    assert_non_null(strstr(err.message, "above its maximum of 5% (t.yaml:"));
    assert_int_equal(load_overridden(yaml, "rate", "-1%", &err), QL_ERANGE);
    assert_non_null(strstr(err.message, "below its minimum of 0%"));
    assert_int_equal(load_overridden(yaml, "rate", "4%", &err), QL_OK);
}

/* An amount before its rounding (not an output) is traced with its
 * formula's fixed places, whatever the inputs' digits: 4 for
 * missing × 400 × SMIC, then the output rounded to the cent. */
static void test_scale_amount_before_rounding_keeps_its_places(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(MONEY_HEAD
        "inputs:\n  smic: money\n  missing: {type: decimal, scale: 2}\n"
        "computed:\n  gross: missing * 400 * smic\n"
        "  contribution: round(gross, 2)\n"
        "outputs: [contribution]\n");
    static const char *const cases[][3] = {
        {"11.88", "1.63", "7745.7600"}, {"11.88", "2", "9504.0000"},
        {"11.21", "0.37", "1659.0800"}, {"10.57", "1.01", "4270.2800"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ql_record *rec;
        ql_result *res;
        ql_error err;
        assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
        assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "smic", cases[c][0], &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "missing", cases[c][1], &err), QL_OK);
        ql_date d;
        ql_date_parse(&d, "2024-01-01", 10, NULL);
        assert_int_equal(ql_evaluate(res, rec, d, QL_EVAL_TRACE, &err), QL_OK);
        int found = 0;
        for (size_t i = 0; i < ql_result_trace_count(res); i++) {
            ql_trace_step st = QL_TRACE_STEP_INIT;
            assert_int_equal(ql_result_trace_step(&st, res, i), QL_OK);
            if (strcmp(st.name, "gross"))
                continue;
            char buf[QL_DECIMAL_TEXT_MAX];
            ql_value_format(buf, sizeof buf, &st.value);
            assert_string_equal(buf, cases[c][2]);
            found = 1;
        }
        assert_true(found);
        ql_result_free(res);
        ql_record_free(rec);
    }
    ql_ruleset_free(rs);
}

/* Evaluates rs on 2024-01-01 with a=`a` (flags as given, one record and
 * as a batch of one) and returns the status; the error in *err. */
static ql_status eval_a(const ql_ruleset *rs, const char *a, unsigned flags,
                        ql_error *err)
{
    ql_record *rec;
    ql_result *res;
    assert_int_equal(ql_record_new(&rec, rs, err), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, err), QL_OK);
    assert_int_equal(ql_record_set(rec, "a", a, err), QL_OK);
    ql_status st = ql_evaluate(res, rec, D("2024-01-01"), flags, err);
    const ql_result *const results[1] = {res};
    const ql_record *const recs[1] = {rec};
    assert_int_equal(ql_evaluate_many((ql_result *const *)results, recs, 1,
                                      D("2024-01-01"), flags), st);
    assert_int_equal(ql_result_status(res), st);
    if (st == QL_OK) {
        /* every number res hands out has its places */
        for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
            ql_value v = QL_VALUE_INIT;
            assert_int_equal(ql_result_output(&v, res, i), QL_OK);
            if (v.type == QL_TYPE_NUMBER)
                assert_int_equal(v.number.scale, ql_ruleset_output_scale(rs, i));
        }
    } else {
        assert_int_equal(ql_result_error(res)->code, st);
        assert_string_equal(ql_result_error(res)->message, err->message);
    }
    ql_result_free(res);
    ql_record_free(rec);
    return st;
}

/* scale.c's "known only to within" branch (unshowable, QD_CUT) is
 * reachable, which session 9 could not show: a check that is no output
 * and declares no 'scale:' loads (only outputs and declared scales are
 * judged at load), its numbers are shown by ql_result_check as they are,
 * and a quotient whose doubt later arithmetic widened (n / 3 * 7) has no
 * digits that may be shown as if exact.  A quotient cut once (n / 3) is
 * sticky and shown; an exact one (n = 9) is. */
static void test_scale_cut_quotient_of_a_check_no_output_shows(void **state)
{
    (void)state;
    ql_error err;
    ql_ruleset *rs = load_text(RULES_HEAD "inputs:\n  a: {type: decimal, scale: 0}\n"
                                          "checks:\n  k:\n    title: K\n    source: s\n"
                                          "    required: a / 3 * 7\n    actual: a\n"
                                          "  j:\n    title: J\n    source: s\n"
                                          "    required: a / 3\n    actual: a\n"
                                          "outputs: [a]\n");
    assert_int_equal(eval_a(rs, "10", 0, &err), QL_ERANGE);
    assert_text(err.message, "required number of check 'k' is 23.33333333333333333331, which "
                             "comes from a quotient carried to 20 places at most and is known "
                             "only to within 0.00000000000000000007: it cannot be shown as it "
                             "is; round the division in the formula, round(a / b, n), or "
                             "declare 'scale:'");
    assert_int_equal(err.line, 15);
    assert_int_equal(err.column, 15);
    assert_int_equal(eval_a(rs, "9", 0, &err), QL_OK);
    ql_ruleset_free(rs);
    /* the same check with only the single cut: shown, its last digit sticky */
    rs = load_text(RULES_HEAD "inputs:\n  a: {type: decimal, scale: 0}\n"
                              "checks:\n  j:\n    title: J\n    source: s\n"
                              "    required: a / 3\n    actual: a\n"
                              "outputs: [a]\n");
    assert_int_equal(eval_a(rs, "10", 0, &err), QL_OK);
    ql_ruleset_free(rs);
}

/* A number too long for its places (padding it would pass 36 digits) is
 * QL_ERANGE naming it, never shown with fewer places — at an output, an
 * input shown as an output, a check's number, and a step of a trace. */
static void test_scale_never_shown_short(void **state)
{
    (void)state;
    ql_error err;
    /* 34 digits and 2 places fit; 35 digits do not */
    static const char fits[] = "1234567890123456789012345678901234";
    static const char too_long[] = "12345678901234567890123456789012345";
    static const struct {
        const char *rules, *needle;
        int line, col;
        unsigned flags;
    } cases[] = {
        {"inputs:\n  a: {type: decimal, scale: 0}\n"
         "computed:\n  x: {expr: a * 1, scale: 2}\noutputs: [x]\n",
         "output 'x' is 12345678901234567890123456789012345, which with its 2 "
         "decimal places would take more than 36 digits", 12, 13, 0},
        {"inputs:\n  a: {type: decimal, scale: 2}\noutputs: [a]\n",
         "output 'a' is 12345678901234567890123456789012345, which with its 2", 11,
         11, 0},
        {"inputs:\n  a: {type: decimal, scale: 0}\n"
         "checks:\n  k:\n    title: K\n    source: s\n"
         "    required: a\n    actual: \"0\"\n    scale: 2\noutputs: [k]\n",
         "required number of check 'k' is 1234567890", 15, 15, 0},
        /* a check that is no output: ql_result_check shows it too */
        {"inputs:\n  a: {type: decimal, scale: 0}\n"
         "checks:\n  k:\n    title: K\n    source: s\n"
         "    required: \"0\"\n    actual: a\n    scale: 2\noutputs: []\n",
         "actual number of check 'k' is", 16, 13, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml, "%s%s", RULES_HEAD, cases[c].rules);
        ql_ruleset *rs = load_text(yaml);
        assert_int_equal(eval_a(rs, fits, cases[c].flags, &err), QL_OK);
        assert_int_equal(eval_a(rs, too_long, cases[c].flags, &err), QL_ERANGE);
        if (!strstr(err.message, cases[c].needle))
            fail_msg("case %zu: '%s' has no '%s'", c, err.message, cases[c].needle);
        assert_int_equal(err.line, cases[c].line);
        assert_int_equal(err.column, cases[c].col);
        assert_non_null(strstr(err.file, "inline.yaml"));
        ql_ruleset_free(rs);
    }
    /* A value only a trace shows fails nothing: the trace shows it as
     * it was read or computed, and asking for the trace changes no
     * outcome (P4-06: `run --explain` rejected rows `run` levies). */
    static const struct {
        const char *rules, *step, *shown;
    } traced[] = {
        {"inputs:\n  a: {type: decimal, scale: 0}\n"
         "computed:\n  x: {expr: a * 1, scale: 2}\n  y: x > 0\noutputs: [y]\n",
         "x", too_long},
        {"inputs:\n  a: {type: decimal, scale: 2}\n"
         "computed:\n  y: a > 0\noutputs: [y]\n", "a", too_long},
        {"inputs:\n  a: {type: decimal, scale: 0}\n"
         "computed:\n  x: a * 1\n  y: x > 0\noutputs: [y]\n", "x", too_long},
    };
    for (size_t c = 0; c < sizeof traced / sizeof *traced; c++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml, "%s%s", RULES_HEAD, traced[c].rules);
        ql_ruleset *rs = load_text(yaml);
        for (unsigned flags = 0; flags <= QL_EVAL_TRACE; flags += QL_EVAL_TRACE)
            assert_int_equal(eval_a(rs, too_long, flags, &err), QL_OK);
        ql_record *rec;
        ql_result *res;
        assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
        assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "a", too_long, &err), QL_OK);
        assert_int_equal(ql_evaluate(res, rec, D("2024-01-01"), QL_EVAL_TRACE, &err),
                         QL_OK);
        int found = 0;
        for (size_t i = 0; i < ql_result_trace_count(res); i++) {
            ql_trace_step st = QL_TRACE_STEP_INIT;
            assert_int_equal(ql_result_trace_step(&st, res, i), QL_OK);
            if (strcmp(st.name, traced[c].step))
                continue;
            char buf[QL_DECIMAL_TEXT_MAX];
            ql_value_format(buf, sizeof buf, &st.value);
            assert_string_equal(buf, traced[c].shown);
            found = 1;
        }
        assert_true(found);
        ql_result_free(res);
        ql_record_free(rec);
        ql_ruleset_free(rs);
    }
}

/* A `scale:` declared where no output shows it still holds: a computed
 * value (a trace shows it) or a check (ql_result_check shows it) whose
 * value can carry more places is a load error, as at an output; an
 * input's default too long for its places is one at the input.  A money
 * quotient before its rounding has no fixed places and a trace shows it
 * whole, not with cents it does not have. */
static void test_scale_declared_where_no_output_shows(void **state)
{
    (void)state;
    assert_load_error(RULES_HEAD "inputs:\n  a: {type: decimal, scale: 2}\n"
                      "computed:\n  x: {expr: a / 3, scale: 2}\n"
                      "  y: round(x, 1)\noutputs: [y]\n",
                      QL_ETYPE, 12, 27,
                      "computed 'x' is shown with 2 places ('scale: 2') but its "
                      "value can carry any number of places");
    assert_load_error(RULES_HEAD "inputs:\n  a: {type: decimal, scale: 3}\n"
                      "checks:\n  k:\n    title: K\n    source: s\n"
                      "    required: a\n    actual: \"0\"\n    scale: 2\n"
                      "outputs: []\n",
                      QL_ETYPE, 15, 15,
                      "check 'k' required is shown with 2 places ('scale: 2') "
                      "but its value can carry 3 places");
    assert_load_error(MONEY_HEAD "inputs:\n  a: {type: decimal, scale: 2, "
                      "default: 12345678901234567890123456789012345}\n"
                      "outputs: [a]\n",
                      QL_ERANGE, 11, 3,
                      "input 'a': its default would take more than 36 digits "
                      "with its 2 decimal places");
    ql_ruleset *rs = load_text(MONEY_HEAD "inputs:\n  w: money\n  n: integer\n"
                               "computed:\n  avg: w / n\n  r: {expr: \"round(avg, 2)\", aggregate: none}\n"
                               "outputs: [r]\n");
    ql_record *rec;
    ql_result *res;
    ql_error err;
    assert_int_equal(ql_record_new(&rec, rs, &err), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "w", "100", &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "n", "3", &err), QL_OK);
    assert_int_equal(ql_evaluate(res, rec, D("2024-01-01"), QL_EVAL_TRACE, &err),
                     QL_OK);
    int found = 0;
    for (size_t i = 0; i < ql_result_trace_count(res); i++) {
        ql_trace_step st = QL_TRACE_STEP_INIT;
        assert_int_equal(ql_result_trace_step(&st, res, i), QL_OK);
        if (strcmp(st.name, "avg"))
            continue;
        char buf[QL_DECIMAL_TEXT_MAX];
        ql_value_format(buf, sizeof buf, &st.value);
        assert_true(st.value.number.scale > 2);
        assert_memory_equal(buf, "33.3333", 7);
        found = 1;
    }
    assert_true(found);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scale_money_in_the_minor_unit),
        cmocka_unit_test(test_scale_unrounded_money_is_a_load_error),
        cmocka_unit_test(test_scale_other_numbers_fixed),
        cmocka_unit_test(test_scale_every_bundled_rule_set),
        cmocka_unit_test(test_scale_output_after_failure_is_none),
        cmocka_unit_test(test_scale_messages_speak_english),
        cmocka_unit_test(test_scale_inapplicable_check_is_met),
        cmocka_unit_test(test_scale_check_shortfall_aggregation),
        cmocka_unit_test(test_scale_parameters_and_overrides_keep_their_type),
        cmocka_unit_test(test_scale_amount_before_rounding_keeps_its_places),
        cmocka_unit_test(test_scale_never_shown_short),
        cmocka_unit_test(test_scale_cut_quotient_of_a_check_no_output_shows),
        cmocka_unit_test(test_scale_declared_where_no_output_shows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
