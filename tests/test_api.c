/*
 * test_api.c — every public function of include/quotalevy.h given NULL
 * and out-of-range arguments, one by one: QL_EINVAL, or the documented
 * safe result for functions returning a count, a name or an int.  Never a
 * crash, never a write past a buffer (the suite runs under ASan + UBSan).
 */
#include "test_util.h"

#include <limits.h>

#define BASE QL_SOURCE_DIR "/tests/rules/base.yaml"

typedef struct fixture {
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ql_error err;
    if (ql_ruleset_load(&f->rs, BASE, &err) || ql_record_new(&f->rec, f->rs, &err) ||
        ql_result_new(&f->res, f->rs, &err))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ql_result_free(f->res);
    ql_record_free(f->rec);
    ql_ruleset_free(f->rs);
    free(f);
    return 0;
}

static void test_api_errors_and_names(void **state)
{
    (void)state;
    ql_error_clear(NULL);
    char buf[64];
    assert_true(ql_error_format(buf, sizeof buf, NULL) > 0);
    assert_true(ql_error_format(NULL, 0, NULL) > 0);
    /* a caller's error struct that is not NUL terminated anywhere */
    ql_error junk;
    memset(&junk, 'x', sizeof junk);
    junk.line = 3;
    size_t n = ql_error_format(buf, sizeof buf, &junk);
    assert_true(n > sizeof buf && strlen(buf) == sizeof buf - 1);
    assert_text(ql_status_name(12345), "QL_UNKNOWN");
    assert_text(ql_status_name(INT_MIN), "QL_UNKNOWN");
    assert_text(ql_step_kind_name((ql_step_kind)99), "?");
    assert_non_null(ql_version());
}

/* Every override error calls its parameter a parameter, and the text
 * ql_error_format gives (the bindings' exception text) never calls it a
 * field: "field 'Ratio': override: …" before (probe7 P7-04, the rest).
 * A record field is still "field 'x': …", said once. */
static void test_api_override_errors_name_a_parameter(void **state)
{
    (void)state;
    static const struct {
        const char *param, *value, *want;
    } cases[] = {
        {"Ratio", "2%", "override: the rule set has no parameter called 'Ratio'; did you mean "
                        "'ratio'?"},
        {"ratio", "", "override of parameter 'ratio': '' is not a number"},
        {"ratio", "1.234567%", "override of parameter 'ratio': '1.234567%' has 8 decimal"},
        {"ratio", "1e400%", "override of parameter 'ratio': '1e400%': number too long"},
        {"ratio", "\xef\xbc\x91%", "override of parameter 'ratio': '\xef\xbc\x91%' is not a "
                                  "number: it has"},
        {"relief", "1", "override of parameter 'relief': it is a table of brackets"},
        {"small_limit", "1.5", "override of parameter 'small_limit': '1.5' has 1 decimal place"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ql_override o = QL_OVERRIDE_INIT;
        o.param = cases[k].param;
        o.value = cases[k].value;
        o.from = D("2024-01-01");
        ql_ruleset *rs = NULL;
        ql_error err;
        char text[1024];
        assert_int_not_equal(ql_ruleset_load_overridden(&rs, BASE, &o, 1, &err), QL_OK);
        ql_error_format(text, sizeof text, &err);
        if (strncmp(text, cases[k].want, strlen(cases[k].want)) || strstr(text, "field '"))
            fail_msg("override %s=%s: want \"%s…\", got \"%s\"", o.param, o.value,
                     cases[k].want, text);
        assert_string_equal(err.field, cases[k].param); /* still the field member */
    }
    ql_override two[2] = {{QL_OVERRIDE_VERSION, "ratio", "2%", D("2024-01-01")},
                          {QL_OVERRIDE_VERSION, "ratio", "3%", D("2024-01-01")}};
    ql_ruleset *rs = NULL;
    ql_error err;
    char text[1024];
    assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, two, 2, &err), QL_EINVAL);
    ql_error_format(text, sizeof text, &err);
    assert_non_null(strstr(text, "two overrides of parameter 'ratio' from 2024-01-01"));
    assert_null(strstr(text, "field '"));
    /* a record's field keeps its prefix, and is named once */
    ql_error e;
    ql_error_clear(&e);
    e.code = QL_ERECORD;
    strcpy(e.field, "staff");
    strcpy(e.message, "'x' is not a valid decimal");
    ql_error_format(text, sizeof text, &e);
    assert_text(text, "field 'staff': 'x' is not a valid decimal");
    strcpy(e.message, "field 'staff' is required but empty");
    ql_error_format(text, sizeof text, &e);
    assert_text(text, "field 'staff' is required but empty");
    strcpy(e.message, "'staff' is not one of: a, b"); /* a value, not the field */
    ql_error_format(text, sizeof text, &e);
    assert_text(text, "field 'staff': 'staff' is not one of: a, b");
}

/* An override of the wrong type says what to write, as a rules file's
 * value does (probe17 P17-02: "'yes' is not a bool", "'2026' is not a
 * date" left the reader to guess; records take yes, overrides do not). */
static void test_api_override_type_errors_say_what_to_write(void **state)
{
    (void)state;
    static const struct {
        const char *param, *value, *want;
    } cases[] = {
        {"wage_capped", "yes", "override of parameter 'wage_capped': 'yes' is not a "
                               "bool (expected true or false)"},
        {"post_rule_deadline", "2026", "override of parameter 'post_rule_deadline': "
                                       "'2026' is not a date (expected YYYY-MM-DD)"},
        {"severe_weight", "two", "override of parameter 'severe_weight': 'two' is not "
                                 "a number (expected a plain decimal number, e.g. 12.75)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ql_override o = QL_OVERRIDE_INIT;
        o.param = cases[k].param;
        o.value = cases[k].value;
        o.from = D("2024-01-01");
        ql_ruleset *rs = NULL;
        ql_error err;
        char text[1024];
        assert_int_equal(ql_ruleset_load_overridden(
                             &rs, QL_SOURCE_DIR "/rules/cn/national.yaml", &o, 1, &err),
                         QL_ESCHEMA);
        ql_error_format(text, sizeof text, &err);
        assert_text(text, cases[k].want);
        assert_null(rs);
    }
}

static void test_api_decimals(void **state)
{
    (void)state;
    ql_decimal d, e;
    ql_error err;
    assert_int_equal(ql_decimal_parse(NULL, "1", 1, &err), QL_EINVAL);
    assert_int_equal(ql_decimal_parse(&d, NULL, 1, &err), QL_EINVAL);
    assert_int_equal(ql_decimal_parse(&d, NULL, 0, NULL), QL_EINVAL);
    assert_int_equal(ql_decimal_from_int64(NULL, 1, 0), QL_EINVAL);
    assert_int_equal(ql_decimal_from_int64(&d, 1, -1), QL_EINVAL);
    assert_int_equal(ql_decimal_from_int64(&d, 1, 19), QL_EINVAL);
    assert_int_equal(ql_decimal_from_int64(&d, INT64_MIN, 18), QL_OK);
    int64_t u;
    assert_int_equal(ql_decimal_to_int64(&u, NULL, 0), QL_EINVAL);
    assert_int_equal(ql_decimal_to_int64(NULL, &d, 0), QL_EINVAL);
    assert_int_equal(ql_decimal_to_int64(&u, &d, -1), QL_EINVAL);
    assert_int_equal(ql_decimal_to_int64(&u, &d, 37), QL_EINVAL);
    /* malformed decimals: coefficient ≥ 10^36, scale out of range */
    ql_decimal bad = {INT64_MAX, UINT64_MAX, 0}, badscale = {0, 5, 37},
               negscale = {0, 5, -1};
    char buf[QL_DECIMAL_TEXT_MAX];
    assert_int_equal(ql_decimal_format(buf, sizeof buf, NULL), 3);
    assert_text(buf, "NaN");
    assert_int_equal(ql_decimal_format(buf, sizeof buf, &bad), 3);
    assert_int_equal(ql_decimal_format(NULL, 0, &badscale), 3);
    assert_int_equal(ql_decimal_to_int64(&u, &bad, 0), QL_EINVAL);
    ql_decimal_from_int64(&d, 1, 0);
    assert_int_equal(ql_decimal_add(NULL, &d, &d), QL_EINVAL);
    assert_int_equal(ql_decimal_add(&e, NULL, &d), QL_EINVAL);
    assert_int_equal(ql_decimal_add(&e, &d, NULL), QL_EINVAL);
    assert_int_equal(ql_decimal_add(&e, &bad, &d), QL_EINVAL);
    assert_int_equal(ql_decimal_sub(&e, &d, &negscale), QL_EINVAL);
    assert_int_equal(ql_decimal_sub(NULL, NULL, NULL), QL_EINVAL);
    /* compare: NULL and malformed sort first, equal to each other */
    assert_int_equal(ql_decimal_compare(NULL, NULL), 0);
    assert_int_equal(ql_decimal_compare(NULL, &d), -1);
    assert_int_equal(ql_decimal_compare(&d, NULL), 1);
    assert_int_equal(ql_decimal_compare(&bad, &d), -1);
    assert_int_equal(ql_decimal_compare(&d, &badscale), 1);
    assert_int_equal(ql_decimal_compare(&bad, NULL), 0);
}

static void test_api_dates(void **state)
{
    (void)state;
    ql_date d;
    ql_error err;
    assert_int_equal(ql_date_parse(NULL, "2024-01-01", 10, &err), QL_EINVAL);
    assert_int_equal(ql_date_parse(&d, NULL, 10, &err), QL_EINVAL);
    assert_int_equal(ql_date_from_ymd(NULL, 2024, 1, 1), QL_EINVAL);
    assert_int_equal(ql_date_from_ymd(&d, 0, 1, 1), QL_ERANGE);
    assert_int_equal(ql_date_from_ymd(&d, 10000, 1, 1), QL_ERANGE);
    assert_int_equal(ql_date_from_ymd(&d, INT_MIN, INT_MIN, INT_MIN), QL_ERANGE);
    assert_int_equal(ql_date_from_ymd(&d, 2023, 2, 29), QL_ERANGE);
    /* format: 10 characters for every date of years 1…9999, "" outside */
    char buf[32];
    assert_int_equal(ql_date_from_ymd(&d, 1, 1, 1), QL_OK);
    assert_int_equal(ql_date_format(buf, sizeof buf, d), 10);
    assert_text(buf, "0001-01-01");
    assert_int_equal(ql_date_format(buf, sizeof buf, d - 1), 0);
    assert_text(buf, "");
    assert_int_equal(ql_date_from_ymd(&d, 9999, 12, 31), QL_OK);
    assert_int_equal(ql_date_format(buf, sizeof buf, d), 10);
    assert_text(buf, "9999-12-31");
    assert_int_equal(ql_date_format(buf, sizeof buf, d + 1), 0);
    const ql_date odd[] = {INT32_MAX, INT32_MIN, INT32_MAX - 719468,
                           INT32_MIN + 1, -719469, 2932897};
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        memset(buf, 'x', sizeof buf);
        assert_int_equal(ql_date_format(buf, sizeof buf, odd[i]), 0);
        assert_text(buf, "");
    }
    assert_int_equal(ql_date_format(NULL, 0, 0), 10);
    assert_int_equal(ql_date_format(buf, 4, 0), 10);
    assert_text(buf, "197"); /* cut to fit */
}

static void test_api_values(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(ql_value_format(buf, sizeof buf, NULL), 0);
    assert_text(buf, "");
    ql_value v = QL_VALUE_INIT;
    v.type = (ql_type)42;
    assert_int_equal(ql_value_format(buf, sizeof buf, &v), 0);
    v.type = QL_TYPE_STRING;
    v.string = NULL;
    v.length = 1000;
    assert_int_equal(ql_value_format(buf, sizeof buf, &v), 0);
    v.type = QL_TYPE_DATE;
    v.date = INT32_MAX;
    assert_int_equal(ql_value_format(buf, sizeof buf, &v), 0);
}

static void test_api_loading(void **state)
{
    (void)state;
    ql_ruleset *rs = (ql_ruleset *)&rs; /* must be left alone or NULLed */
    ql_error err;
    assert_int_equal(ql_ruleset_load(NULL, BASE, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load(&rs, NULL, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load(&rs, NULL, NULL), QL_EINVAL);
    assert_int_equal(ql_ruleset_load_buffer(NULL, "a", 1, NULL, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load_buffer(&rs, NULL, 5, NULL, &err), QL_EINVAL);
    assert_int_not_equal(ql_ruleset_load_buffer(&rs, NULL, 0, NULL, &err), QL_OK);
    ql_override o = {QL_OVERRIDE_VERSION, "x", NULL, 0};
    assert_int_equal(ql_ruleset_load_overridden(NULL, BASE, &o, 0, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, NULL, 1, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, &o, 1, &err), QL_EINVAL);
    ql_ruleset_free(NULL);
    /* diagnose: NULL errs is allowed when max is 0, on a bad file too */
    const char *bad = "/tmp/ql_api_bad.yaml";
    FILE *f = fopen(bad, "w");
    fputs(RULES_HEAD "inputs:\n  a: decimal\ncomputed:\n  x: a +\n  y: nope\n"
          "outputs: [x, y]\n", f);
    fclose(f);
    size_t count = 99;
    assert_int_equal(ql_ruleset_diagnose(NULL, 0, &count, bad), QL_EPARSE);
    assert_true(count >= 1);
    ql_error one;
    assert_int_equal(ql_ruleset_diagnose(&one, 1, &count, bad), QL_EPARSE);
    assert_int_equal(one.code, QL_EPARSE);
    assert_int_equal(ql_ruleset_diagnose(NULL, 0, &count, BASE), QL_OK);
    assert_int_equal(count, 0);
    assert_int_equal(ql_ruleset_diagnose(NULL, 0, &count, NULL), QL_EINVAL);
    assert_int_equal(ql_ruleset_diagnose(NULL, 1, &count, bad), QL_EINVAL);
    assert_int_equal(ql_ruleset_diagnose(&one, 1, NULL, bad), QL_EINVAL);
    /* a file whose type errors come after its definitions load */
    f = fopen(bad, "w");
    fputs(RULES_HEAD "inputs:\n  a: decimal\ncomputed:\n  x: a + true\n"
          "outputs: [x]\n", f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(NULL, 0, &count, bad), QL_ETYPE);
    assert_int_equal(count, 1);
    remove(bad);
}

static void test_api_ruleset_queries(void **state)
{
    fixture *f = *state;
    const ql_ruleset *rs = f->rs;
    assert_null(ql_ruleset_meta(NULL, "id"));
    assert_null(ql_ruleset_meta(rs, NULL));
    assert_null(ql_ruleset_meta(rs, "nope"));
    assert_int_equal(ql_ruleset_input_count(NULL), 0);
    assert_int_equal(ql_ruleset_output_count(NULL), 0);
    assert_int_equal(ql_ruleset_check_count(NULL), 0);
    assert_int_equal(ql_ruleset_param_count(NULL), 0);
    size_t big[] = {ql_ruleset_input_count(rs) + ql_ruleset_output_count(rs) +
                        ql_ruleset_check_count(rs) + ql_ruleset_param_count(rs),
                    SIZE_MAX, (size_t)INT_MAX + 1};
    for (size_t k = 0; k < 3; k++) {
        size_t i = big[k];
        assert_null(ql_ruleset_input_name(rs, i));
        assert_null(ql_ruleset_input_type(rs, i));
        assert_null(ql_ruleset_input_description(rs, i));
        assert_null(ql_ruleset_output_name(rs, i));
        assert_int_equal(ql_ruleset_output_is_check(rs, i), 0);
        assert_int_equal(ql_ruleset_output_type(rs, i), QL_TYPE_NONE);
        assert_null(ql_ruleset_check_name(rs, i));
        assert_null(ql_ruleset_check_title(rs, i));
        assert_null(ql_ruleset_check_source(rs, i));
        assert_null(ql_ruleset_param_name(rs, i));
        assert_int_equal(ql_ruleset_param_unit(rs, i), QL_PARAM_NOT_NUMBER);
        ql_value v = QL_VALUE_INIT;
        assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, i, 0, NULL),
                         QL_EINVAL);
    }
    assert_null(ql_ruleset_input_name(NULL, 0));
    assert_null(ql_ruleset_input_type(NULL, 0));
    assert_null(ql_ruleset_input_description(NULL, 0));
    assert_null(ql_ruleset_output_name(NULL, 0));
    assert_int_equal(ql_ruleset_output_is_check(NULL, 0), 0);
    assert_int_equal(ql_ruleset_output_type(NULL, 0), QL_TYPE_NONE);
    assert_null(ql_ruleset_check_name(NULL, 0));
    assert_null(ql_ruleset_check_title(NULL, 0));
    assert_null(ql_ruleset_check_source(NULL, 0));
    assert_null(ql_ruleset_param_name(NULL, 0));
    assert_int_equal(ql_ruleset_param_unit(NULL, 0), QL_PARAM_NOT_NUMBER);
    assert_int_equal(ql_ruleset_input_index(NULL, "a"), -1);
    assert_int_equal(ql_ruleset_input_index(rs, NULL), -1);
    assert_int_equal(ql_ruleset_input_index(rs, "no such input"), -1);
    ql_value v = QL_VALUE_INIT;
    ql_error err;
    assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, NULL, 0, 0, &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_param_value(NULL, NULL, NULL, rs, 0, 0, &err), QL_EINVAL);
    /* a day number no calendar has */
    assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, 0, INT32_MAX, &err),
                     QL_EINVAL);
    assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, 0, INT32_MIN, &err),
                     QL_EINVAL);
}

/* Each parameter's kind of number, for a binding that writes an override
 * from a number: a percentage as its share in percent, any other number
 * as it is (bind14: a Decimal of 1E+34 for an amount was sent as a
 * 37-digit percent and refused as too long). */
static void test_api_param_unit(void **state)
{
    (void)state;
    ql_ruleset *rs = load_text(
        RULES_HEAD "currency: EUR\n"
        "inputs:\n  a: {type: decimal, scale: 0}\n"
        "parameters:\n"
        "  rate: {unit: percent, values: [{from: 2000-01-01, value: 5%, source: s}]}\n"
        "  share: {values: [{from: 2000-01-01, value: 1.5%, source: s}]}\n"
        "  factor: {values: [{from: 2000-01-01, value: 2.5, source: s}]}\n"
        "  count: {type: integer, values: [{from: 2000-01-01, value: 3, source: s}]}\n"
        "  amount: {type: money, values: [{from: 2000-01-01, value: 10.50, source: s}]}\n"
        "  on: {values: [{from: 2000-01-01, value: true, source: s}]}\n"
        "  label: {values: [{from: 2000-01-01, value: x, source: s}]}\n"
        "  since: {values: [{from: 2000-01-01, value: 2001-01-01, source: s}]}\n"
        "  table:\n    values:\n      - from: 2000-01-01\n        source: s\n"
        "        brackets: [{from: 0, value: 1}, {from: 5, value: 2}]\n"
        "computed:\n"
        "  x: 'a * rate * share * factor * count * bracket(table, a) + "
        "if(on and label == \"x\" and since < date, 0, 1)'\n"
        "  y: round(a * amount, 2)\n"
        "outputs: [x, y]\n");
    static const struct {
        const char *name;
        ql_param_unit unit;
    } want[] = {{"rate", QL_PARAM_PERCENT},   {"share", QL_PARAM_NUMBER},
                {"factor", QL_PARAM_NUMBER},  {"count", QL_PARAM_INTEGER},
                {"amount", QL_PARAM_MONEY},   {"on", QL_PARAM_NOT_NUMBER},
                {"label", QL_PARAM_NOT_NUMBER}, {"since", QL_PARAM_NOT_NUMBER},
                {"table", QL_PARAM_NOT_NUMBER}};
    size_t n = ql_ruleset_param_count(rs);
    assert_int_equal(n, sizeof want / sizeof *want);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(ql_ruleset_param_name(rs, i), want[i].name);
        assert_int_equal(ql_ruleset_param_unit(rs, i), want[i].unit);
    }
    assert_int_equal(ql_ruleset_param_unit(rs, n), QL_PARAM_NOT_NUMBER);
    assert_int_equal(ql_ruleset_param_unit(rs, SIZE_MAX), QL_PARAM_NOT_NUMBER);
    assert_int_equal(ql_ruleset_param_unit(NULL, 0), QL_PARAM_NOT_NUMBER);
    ql_ruleset_free(rs);
}

static void test_api_records(void **state)
{
    fixture *f = *state;
    ql_error err;
    ql_record *rec = (ql_record *)&rec;
    assert_int_equal(ql_record_new(NULL, f->rs, &err), QL_EINVAL);
    assert_int_equal(ql_record_new(&rec, NULL, &err), QL_EINVAL);
    ql_record_free(NULL);
    ql_record_clear(NULL);
    size_t n = ql_ruleset_input_count(f->rs);
    const size_t bad[] = {n, SIZE_MAX};
    ql_decimal d;
    ql_decimal_from_int64(&d, 1, 0);
    for (size_t k = 0; k < 2; k++) {
        size_t i = bad[k];
        assert_int_equal(ql_record_set_text(f->rec, i, "1", 1, &err), QL_EINVAL);
        assert_int_equal(ql_record_set_decimal(f->rec, i, &d, &err), QL_EINVAL);
        assert_int_equal(ql_record_set_int(f->rec, i, 1, &err), QL_EINVAL);
        assert_int_equal(ql_record_set_bool(f->rec, i, 1, &err), QL_EINVAL);
        assert_int_equal(ql_record_set_date(f->rec, i, 0, &err), QL_EINVAL);
        assert_int_equal(ql_record_unset(f->rec, i, &err), QL_EINVAL);
        ql_value v = QL_VALUE_INIT;
        assert_int_equal(ql_record_get(&v, f->rec, i), QL_EINVAL);
    }
    assert_int_equal(ql_record_set_text(NULL, 0, "1", 1, &err), QL_EINVAL);
    assert_int_equal(ql_record_set_text(f->rec, 0, NULL, 1, &err), QL_EINVAL);
    assert_int_equal(ql_record_set(NULL, "a", "1", &err), QL_EINVAL);
    assert_int_equal(ql_record_set(f->rec, NULL, "1", &err), QL_EINVAL);
    assert_int_equal(ql_record_set_decimal(NULL, 0, &d, &err), QL_EINVAL);
    assert_int_equal(ql_record_set_decimal(f->rec, 0, NULL, &err), QL_EINVAL);
    assert_int_equal(ql_record_set_int(NULL, 0, 1, &err), QL_EINVAL);
    assert_int_equal(ql_record_set_bool(NULL, 0, 1, &err), QL_EINVAL);
    assert_int_equal(ql_record_set_date(NULL, 0, 0, &err), QL_EINVAL);
    assert_int_equal(ql_record_unset(NULL, 0, &err), QL_EINVAL);
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_record_get(&v, NULL, 0), QL_EINVAL);
    assert_int_equal(ql_record_get(NULL, f->rec, 0), QL_EINVAL);
    /* a date field given a day number no calendar has */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ql_ruleset_input_type(f->rs, i), "date"))
            continue;
        assert_int_equal(ql_record_set_date(f->rec, i, INT32_MAX, &err), QL_ERECORD);
        assert_int_equal(ql_record_set_date(f->rec, i, INT32_MIN, &err), QL_ERECORD);
    }
}

static void test_api_results(void **state)
{
    fixture *f = *state;
    ql_error err;
    ql_result *res = (ql_result *)&res;
    assert_int_equal(ql_result_new(NULL, f->rs, &err), QL_EINVAL);
    assert_int_equal(ql_result_new(&res, NULL, &err), QL_EINVAL);
    ql_result_free(NULL);
    ql_date day;
    ql_date_from_ymd(&day, 2024, 1, 1);
    assert_int_equal(ql_evaluate(NULL, f->rec, day, 0, &err), QL_EINVAL);
    assert_int_equal(ql_evaluate(f->res, NULL, day, 0, &err), QL_EINVAL);
    assert_int_equal(ql_evaluate(f->res, f->rec, day, 0x80, &err), QL_EINVAL);
    assert_int_equal(ql_result_status(f->res), QL_EINVAL);
    assert_int_equal(ql_evaluate(f->res, f->rec, INT32_MAX, 0, &err), QL_EINVAL);
    assert_int_equal(ql_evaluate(f->res, f->rec, INT32_MIN, 0, NULL), QL_EINVAL);
    assert_int_equal(ql_evaluate_many(NULL, NULL, 0, day, 0), QL_OK);
    assert_int_equal(ql_evaluate_many(NULL, NULL, 1, day, 0), QL_EINVAL);
    const ql_record *recs[2] = {f->rec, NULL};
    ql_result *ress[2] = {f->res, f->res};
    assert_int_equal(ql_evaluate_many(ress, recs, 2, day, 0), QL_EINVAL);
    assert_int_equal(ql_evaluate_many(ress, recs, 1, INT32_MAX, 0), QL_EINVAL);
    assert_int_equal(ql_result_status(f->res), QL_EINVAL);
    assert_int_equal(ql_evaluate_many(ress, recs, 1, day, ~0u), QL_EINVAL);
    assert_int_equal(ql_result_status(NULL), QL_EINVAL);
    assert_null(ql_result_error(NULL));
    /* reading a result that has not evaluated: QL_EINVAL / 0 */
    ql_value v = QL_VALUE_INIT;
    ql_check_result c = QL_CHECK_RESULT_INIT;
    ql_trace_step t = QL_TRACE_STEP_INIT;
    char buf[8] = "x";
    assert_int_equal(ql_result_output(&v, f->res, 0), QL_EINVAL);
    assert_int_equal(ql_result_check(&c, f->res, 0), QL_EINVAL);
    assert_int_equal(ql_result_trace_count(f->res), 0);
    assert_int_equal(ql_result_trace_step(&t, f->res, 0), QL_EINVAL);
    assert_int_equal(ql_result_output_text(buf, sizeof buf, f->res, 0), 0);
    assert_text(buf, "");
    assert_int_equal(ql_result_output(&v, NULL, 0), QL_EINVAL);
    assert_int_equal(ql_result_check(&c, NULL, 0), QL_EINVAL);
    assert_int_equal(ql_result_trace_count(NULL), 0);
    assert_int_equal(ql_result_trace_step(&t, NULL, 0), QL_EINVAL);
    assert_int_equal(ql_result_output_text(NULL, 0, NULL, 0), 0);
    assert_int_equal(ql_result_check_text(NULL, 0, NULL, 0, QL_CHECK_COMPLIANT), 0);
    /* an evaluated result, read out of range */
    const char *fields[][2] = {{"kind", "firm"}, {"staff", "50"}, {"disabled", "0"},
                               {"wages", "10000000"}, {"area_wage", "40000"}};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(ql_record_set(f->rec, fields[i][0], fields[i][1], &err), QL_OK);
    assert_int_equal(ql_evaluate(f->res, f->rec, day, QL_EVAL_TRACE, &err), QL_OK);
    size_t no = ql_ruleset_output_count(f->rs), nc = ql_ruleset_check_count(f->rs);
    assert_int_equal(ql_result_output(&v, f->res, no), QL_EINVAL);
    assert_int_equal(ql_result_output(NULL, f->res, 0), QL_EINVAL);
    assert_int_equal(ql_result_check(&c, f->res, nc), QL_EINVAL);
    assert_int_equal(ql_result_check(NULL, f->res, 0), QL_EINVAL);
    size_t nt = ql_result_trace_count(f->res);
    assert_int_equal(ql_result_trace_step(&t, f->res, nt), QL_EINVAL);
    assert_int_equal(ql_result_trace_step(NULL, f->res, 0), QL_EINVAL);
    assert_int_equal(ql_result_output_text(buf, sizeof buf, f->res, SIZE_MAX), 0);
    assert_int_equal(ql_result_check_text(buf, sizeof buf, f->res, nc, QL_CHECK_REQUIRED), 0);
    assert_int_equal(ql_result_check_text(buf, sizeof buf, f->res, 0, (ql_check_field)77), 0);
}

/* Versioned structs: a struct not set up with its _INIT (version 0) or of
 * a version this library does not know is refused, never written as if
 * it had another layout; the _init functions match the macros. */
/* The check output i shows, found by name as the command finds it; −1
 * for an output that is not a check. */
static int check_of(const ql_ruleset *rs, size_t i)
{
    for (size_t k = 0; ql_ruleset_output_is_check(rs, i) && k < ql_ruleset_check_count(rs); k++)
        if (!strcmp(ql_ruleset_check_name(rs, k), ql_ruleset_output_name(rs, i)))
            return (int)k;
    return -1;
}

/* The row as ql_result_output_text / ql_result_check_text give its
 * values, each after sep: what ql_result_row_text must write. */
static size_t row_by_values(char *out, const ql_result *res, char sep)
{
    const ql_ruleset *rs = ql_result_ruleset(res);
    size_t o = 0;
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        int k = check_of(rs, i);
        for (int f = 0; f < (k >= 0 ? 5 : 1); f++) {
            out[o++] = sep;
            o += k >= 0 ? ql_result_check_text(out + o, QL_DECIMAL_TEXT_MAX, res,
                                               (size_t)k, (ql_check_field)f)
                        : ql_result_output_text(out + o, QL_DECIMAL_TEXT_MAX, res, i);
        }
    }
    out[o] = '\0';
    return o;
}

/* Every cut of the row: the full length, and the text's start. */
static void assert_row_cuts(const ql_result *res, char sep, const char *want)
{
    size_t n = strlen(want);
    char buf[4096];
    for (size_t size = 0; size <= n + 1; size++) {
        memset(buf, 'x', sizeof buf);
        assert_int_equal(ql_result_row_text(size ? buf : NULL, size, res, sep), n);
        if (size == 0)
            continue;
        size_t keep = size - 1 < n ? size - 1 : n;
        assert_memory_equal(buf, want, keep);
        assert_int_equal(buf[keep], '\0');
        assert_int_equal(buf[size], 'x'); /* nothing past size */
    }
}

static void test_api_row_text(void **state)
{
    fixture *f = *state;
    ql_error err;
    ql_date day;
    ql_date_from_ymd(&day, 2024, 6, 30);
    char buf[4096], want[4096];
    /* before an evaluation, and for bad arguments: 0 and "" */
    memset(buf, 'x', sizeof buf);
    assert_int_equal(ql_result_row_text(buf, sizeof buf, f->res, ','), 0);
    assert_text(buf, "");
    assert_int_equal(ql_result_row_text(buf, sizeof buf, NULL, ','), 0);
    const char *rows[] = {"kind=firm staff=120 disabled=1 posts=3 wages=6000000 area_wage=50000",
                          "kind=office staff=12.75 posts=0 wages=0 area_wage=61234.57",
                          "kind=school staff=0 wages=1 area_wage=0.01"};
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        ql_record_clear(f->rec);
        char *copy = strdup(rows[r]), *save = NULL;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            char *eq = strchr(t, '=');
            *eq = '\0';
            assert_int_equal(ql_record_set(f->rec, t, eq + 1, &err), QL_OK);
        }
        free(copy);
        assert_int_equal(ql_evaluate(f->res, f->rec, day, 0, &err), QL_OK);
        for (int s = 0; s < 5; s++) {
            char sep = ",\t;| "[s];
            size_t n = row_by_values(want, f->res, sep);
            assert_int_equal(ql_result_row_text(buf, sizeof buf, f->res, sep), n);
            assert_text(buf, want);
            assert_row_cuts(f->res, sep, want);
        }
        /* and every separator that a number, date or bool holds, or that
         * is no ASCII character: the row could not be split back (P2-06) */
        static const char bad[] = {'"', '\n', '\r', '\0', '-', '.', '+', '0', '7',
                                   'a', 'T', '\x01', '\x7f', (char)0xC3, (char)0x80};
        for (size_t b = 0; b < sizeof bad; b++)
            assert_int_equal(ql_result_row_text(buf, sizeof buf, f->res, bad[b]), 0);
    }
    /* strings and enum values are quoted where they hold sep, '"', CR or LF */
    ql_ruleset *rs = load_text(RULES_HEAD
                               "currency: EUR\n"
                               "inputs:\n"
                               "  name: string\n"
                               "  kind: {type: enum, values: [plain, \"b,c\", \"say \\\"hi\\\"\"]}\n"
                               "  n: {type: decimal, scale: 2, default: 0}\n"
                               "  when: date\n"
                               "computed:\n"
                               "  twice: {expr: n * 2, scale: 2}\n"
                               "  big: n > 1\n"
                               "outputs: [name, kind, twice, big, when]\n");
    ql_record *rec;
    ql_result *res;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, NULL), QL_OK);
    static const struct {
        const char *name, *kind, *n, *when, *csv, *tsv;
    } cases[] = {
        {"Acme", "plain", "1.5", "2024-01-31", ",Acme,plain,3.00,true,2024-01-31",
         "\tAcme\tplain\t3.00\ttrue\t2024-01-31"},
        {"A, B and \"C\"", "b,c", "-0.25", "", ",\"A, B and \"\"C\"\"\",\"b,c\",-0.50,false,",
         "\t\"A, B and \"\"C\"\"\"\tb,c\t-0.50\tfalse\t"},
        {"two\nlines\r", "say \"hi\"", "0", "", ",\"two\nlines\r\",\"say \"\"hi\"\"\",0.00,false,",
         "\t\"two\nlines\r\"\t\"say \"\"hi\"\"\"\t0.00\tfalse\t"},
        {"tab\there", "plain", "", "", ",tab\there,plain,0.00,false,",
         "\t\"tab\there\"\tplain\t0.00\tfalse\t"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ql_record_clear(rec);
        assert_int_equal(ql_record_set(rec, "name", cases[k].name, &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "kind", cases[k].kind, &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "n", cases[k].n, &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "when", cases[k].when, &err), QL_OK);
        ql_status st = ql_evaluate(res, rec, day, 0, &err);
        if (st)
            fail_msg("case %zu: %s", k, err.message);
        assert_int_equal(ql_result_row_text(buf, sizeof buf, res, ','), strlen(cases[k].csv));
        assert_text(buf, cases[k].csv);
        assert_row_cuts(res, ',', cases[k].csv);
        assert_int_equal(ql_result_row_text(buf, sizeof buf, res, '\t'), strlen(cases[k].tsv));
        assert_text(buf, cases[k].tsv);
        assert_row_cuts(res, '\t', cases[k].tsv);
    }
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* A row's numbers written straight from 64 bits at their places (zeros
 * padded, signs, the int64 edges, more zeros than the short way pads),
 * and its dates from the text the evaluation noted: the same as the
 * values one by one, row after row in one result, as each date changes
 * (a date noted for one row is never written for the next). */
static void test_api_row_text_numbers_dates(void **state)
{
    (void)state;
    ql_error err;
    ql_date day;
    ql_date_from_ymd(&day, 2024, 6, 30);
    ql_ruleset *rs = load_text(RULES_HEAD
                               "inputs:\n"
                               "  n: {type: decimal, scale: 2}\n"
                               "  k: integer\n"
                               "  when: date\n"
                               "computed:\n"
                               "  due: add_days(when, k)\n"
                               "  later: add_months(when, 1)\n"
                               "  same: {expr: n, scale: 2}\n"
                               "  wider: {expr: n * 3, scale: 6}\n"
                               "  whole: k\n"
                               "  many: {expr: k, scale: 12}\n"
                               "  tiny: round(n / 1000, 5)\n"
                               "outputs: [due, same, wider, whole, later, many, tiny]\n");
    ql_record *rec;
    ql_result *res;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, NULL), QL_OK);
    static const char *rows[][3] = {
        {"0", "0", "2024-01-31"},
        {"0.05", "1", "2024-01-31"},
        {"-0.05", "-1", "2024-02-29"},
        {"123456.78", "31", "2024-02-29"},
        {"-99.99", "365", "2023-12-31"},
        {"30744573456182584.07", "9223372036854775807", "0001-01-01"},
        {"-30744573456182584.07", "-9223372036854775807", "9999-01-01"},
        {"1", "-9223372036854775808", "2000-02-29"},
        {"7", "0", "2000-02-29"},
    };
    char buf[4096], want[4096];
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        ql_record_clear(rec);
        assert_int_equal(ql_record_set(rec, "n", rows[r][0], &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "k", rows[r][1], &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "when", rows[r][2], &err), QL_OK);
        if (ql_evaluate(res, rec, day, 0, &err) != QL_OK)
            continue; /* a date past 9999 or a product past 36 digits */
        size_t n = row_by_values(want, res, ',');
        assert_int_equal(ql_result_row_text(buf, sizeof buf, res, ','), n);
        assert_text(buf, want);
        assert_row_cuts(res, ';', (row_by_values(want, res, ';'), want));
    }
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* The column readers (ql_results_output_i64 / ql_results_check_i64) of
 * res beside a NULL result and one not evaluated: for res what the
 * one-value reader gives (want, coef), a bool as 0 or 1 at scale 0,
 * anything else WIDE (or NONE where there is no value); NONE for the
 * others. */
static void assert_column_of(const ql_result *res, size_t i, int field, int want,
                             int64_t coef, const ql_value *v)
{
    const ql_result *rows[3] = {NULL, res, NULL};
    ql_result *idle;
    assert_int_equal(ql_result_new(&idle, ql_result_ruleset(res), NULL), QL_OK);
    rows[2] = idle;
    int64_t c[3] = {5, 5, 5};
    int8_t s[3] = {9, 9, 9};
    ql_error err;
    ql_status st = field < 0 ? ql_results_output_i64(c, s, rows, 3, i, &err)
                             : ql_results_check_i64(c, s, rows, 3, i,
                                                    (ql_check_field)field, &err);
    assert_int_equal(st, QL_OK);
    assert_int_equal(s[0], QL_I64_NONE);
    assert_int_equal(s[2], QL_I64_NONE);
    assert_int_equal(c[0], 5); /* not written */
    /* every row with values (the readers' fast loop): the same */
    const ql_result *full[2] = {res, res};
    int64_t fc[2] = {5, 5};
    int8_t fs[2] = {9, 9};
    st = field < 0 ? ql_results_output_i64(fc, fs, full, 2, i, &err)
                   : ql_results_check_i64(fc, fs, full, 2, i, (ql_check_field)field, &err);
    assert_int_equal(st, QL_OK);
    assert_int_equal(fs[0], s[1]);
    assert_int_equal(fs[1], s[1]);
    if (s[1] >= 0)
        assert_true(fc[0] == c[1] && fc[1] == c[1]);
    else
        assert_true(fc[0] == 5 && fc[1] == 5);
    if (v && v->type == QL_TYPE_BOOL) {
        assert_int_equal(s[1], 0);
        assert_int_equal(c[1], v->boolean);
    } else if (want == QL_I64_NONE && v && v->type != QL_TYPE_NONE) {
        assert_int_equal(s[1], QL_I64_WIDE); /* a date, a string */
    } else if (want == QL_I64_NONE && v) {
        assert_true(s[1] == QL_I64_NONE || s[1] == QL_I64_WIDE);
    } else {
        assert_int_equal(s[1], want);
        if (want >= 0)
            assert_true(c[1] == coef);
    }
    ql_result_free(idle);
}

/* ql_result_output_i64 / ql_result_check_i64 give each number as
 * ql_result_output / ql_result_check do (the same digits at the same
 * scale), NONE where there is none, WIDE only where a number is there;
 * and the column readers agree with them (assert_column_of). */
static void assert_i64_agrees(const ql_result *res)
{
    const ql_ruleset *rs = ql_result_ruleset(res);
    int64_t c = 0;
    char got[128], want[128];
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_value v = QL_VALUE_INIT;
        assert_int_equal(ql_result_output(&v, res, i), QL_OK);
        int s = ql_result_output_i64(&c, res, i);
        assert_column_of(res, i, -1, s, c, &v);
        if (s == QL_I64_NONE) {
            assert_true(v.type != QL_TYPE_NUMBER);
            continue;
        }
        assert_int_equal(v.type, QL_TYPE_NUMBER);
        if (s == QL_I64_WIDE)
            continue;
        ql_decimal d = {0};
        d.coef_lo = (uint64_t)c;
        d.coef_hi = c < 0 ? -1 : 0;
        d.scale = s;
        ql_decimal_format(got, sizeof got, &d);
        ql_result_output_text(want, sizeof want, res, i);
        assert_string_equal(got, want);
        assert_int_equal(s, v.number.scale);
    }
    for (size_t i = 0; i < ql_ruleset_check_count(rs); i++) {
        ql_check_result k = QL_CHECK_RESULT_INIT;
        assert_int_equal(ql_result_check(&k, res, i), QL_OK);
        const ql_value *f[3] = {&k.required, &k.actual, &k.shortfall};
        for (int j = 0; j < 3; j++) {
            ql_check_field fld = (ql_check_field)(QL_CHECK_REQUIRED + j);
            int s = ql_result_check_i64(&c, res, i, fld);
            assert_column_of(res, i, fld, s, c, NULL);
            assert_int_equal(s == QL_I64_NONE, f[j]->type != QL_TYPE_NUMBER);
            if (s < 0)
                continue;
            ql_decimal d = {0};
            d.coef_lo = (uint64_t)c;
            d.coef_hi = c < 0 ? -1 : 0;
            d.scale = s;
            ql_decimal_format(got, sizeof got, &d);
            ql_result_check_text(want, sizeof want, res, i, fld);
            assert_string_equal(got, want);
        }
        assert_int_equal(ql_result_check_i64(&c, res, i, QL_CHECK_APPLICABLE), QL_I64_NONE);
        ql_value b = QL_VALUE_INIT;
        b.type = QL_TYPE_BOOL;
        b.boolean = k.applicable;
        assert_column_of(res, i, QL_CHECK_APPLICABLE, 0, 0, &b);
        b.boolean = k.compliant;
        b.type = k.applicable ? QL_TYPE_BOOL : QL_TYPE_NONE;
        assert_column_of(res, i, QL_CHECK_COMPLIANT, QL_I64_NONE, 0, &b);
    }
}

/* The column readers' arguments and their one rule set. */
static void test_api_columns_as_i64(void **state)
{
    fixture *f = *state;
    ql_error err;
    int64_t c[2];
    int8_t s[2] = {9, 9};
    const ql_result *rows[2] = {f->res, NULL};
    assert_int_equal(ql_results_output_i64(NULL, s, rows, 1, 0, &err), QL_EINVAL);
    assert_int_equal(ql_results_output_i64(c, NULL, rows, 1, 0, &err), QL_EINVAL);
    assert_int_equal(ql_results_check_i64(c, s, NULL, 1, 0, QL_CHECK_ACTUAL, &err),
                     QL_EINVAL);
    assert_int_equal(ql_results_output_i64(NULL, NULL, NULL, 0, 0, &err), QL_OK);
    /* nothing evaluated: all empty; a bad index or field is still one
     * (probe12 P12-04: QL_OK whenever no result of the column had values) */
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 0, &err), QL_OK);
    assert_true(s[0] == QL_I64_NONE && s[1] == QL_I64_NONE);
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 9999, &err), QL_EINVAL);
    assert_int_equal(ql_results_check_i64(c, s, rows, 2, 0, (ql_check_field)7, &err),
                     QL_EINVAL);
    assert_int_equal(ql_results_check_i64(c, s, rows, 2, 9999, QL_CHECK_ACTUAL, &err),
                     QL_EINVAL);
    ql_date day;
    ql_date_from_ymd(&day, 2024, 6, 30);
    const char *fields[][2] = {{"kind", "firm"}, {"staff", "120"}, {"disabled", "1"},
                               {"posts", "3"}, {"wages", "6000000"}, {"area_wage", "50000"}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        assert_int_equal(ql_record_set(f->rec, fields[i][0], fields[i][1], &err), QL_OK);
    assert_int_equal(ql_evaluate(f->res, f->rec, day, 0, &err), QL_OK);
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 9999, &err), QL_EINVAL);
    assert_int_equal(ql_results_check_i64(c, s, rows, 2, 0, (ql_check_field)7, &err),
                     QL_EINVAL);
    assert_int_equal(ql_results_check_i64(c, s, rows, 2, 9999, QL_CHECK_ACTUAL, &err),
                     QL_EINVAL);
    /* results of another rule set beside them */
    ql_ruleset *other = load_text(RULES_HEAD "inputs:\n  n: {type: decimal, scale: 1}\n"
                                             "computed:\n  m: {expr: n * 2, scale: 1}\n"
                                             "outputs: [m, n]\n");
    ql_record *orec;
    ql_result *ores;
    assert_int_equal(ql_record_new(&orec, other, NULL), QL_OK);
    assert_int_equal(ql_result_new(&ores, other, NULL), QL_OK);
    assert_int_equal(ql_record_set(orec, "n", "1.5", &err), QL_OK);
    /* another rule set's result that has no values yet: still refused */
    rows[1] = ores;
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 0, &err), QL_EINVAL);
    assert_non_null(strstr(err.message, "different rule sets"));
    assert_int_equal(ql_evaluate(ores, orec, day, 0, &err), QL_OK);
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 0, &err), QL_EINVAL);
    assert_non_null(strstr(err.message, "different rule sets"));
    assert_int_equal(ql_results_check_i64(c, s, rows, 2, 0, QL_CHECK_APPLICABLE, &err),
                     QL_EINVAL);
    rows[0] = NULL; /* the first with values decides */
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 0, &err), QL_OK);
    assert_true(s[0] == QL_I64_NONE && s[1] == 1 && c[1] == 30);
    assert_int_equal(ql_results_output_i64(c, s, rows, 2, 1, &err), QL_OK);
    assert_int_equal(s[1], QL_I64_WIDE); /* an input shown: the general reader */
    ql_result_free(ores);
    ql_record_free(orec);
    ql_ruleset_free(other);
}

static void test_api_numbers_as_i64(void **state)
{
    fixture *f = *state;
    ql_error err;
    ql_date day;
    int64_t c = 7;
    ql_date_from_ymd(&day, 2024, 6, 30);
    /* nothing evaluated yet, bad arguments */
    assert_int_equal(ql_result_output_i64(&c, f->res, 0), QL_I64_NONE);
    assert_int_equal(ql_result_output_i64(NULL, f->res, 0), QL_I64_NONE);
    assert_int_equal(ql_result_output_i64(&c, NULL, 0), QL_I64_NONE);
    assert_int_equal(ql_result_check_i64(&c, NULL, 0, QL_CHECK_REQUIRED), QL_I64_NONE);
    assert_int_equal(c, 7); /* not written */
    const char *rows[] = {"kind=firm staff=120 disabled=1 posts=3 wages=6000000 area_wage=50000",
                          "kind=office staff=12.75 posts=0 wages=0 area_wage=61234.57",
                          "kind=school staff=0 wages=1 area_wage=0.01"};
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        ql_record_clear(f->rec);
        char *copy = strdup(rows[r]), *save = NULL;
        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            char *eq = strchr(t, '=');
            *eq = '\0';
            assert_int_equal(ql_record_set(f->rec, t, eq + 1, &err), QL_OK);
        }
        free(copy);
        assert_int_equal(ql_evaluate(f->res, f->rec, day, 0, &err), QL_OK);
        assert_i64_agrees(f->res);
        assert_int_equal(ql_result_output_i64(&c, f->res, 9999), QL_I64_NONE);
    }
    /* a value past 64 bits, an input passed through, a date, a negative,
     * more places than declared and fewer: each as the general reader */
    ql_ruleset *rs = load_text(RULES_HEAD
                               "inputs:\n"
                               "  n: {type: decimal, scale: 4}\n"
                               "  when: date\n"
                               "computed:\n"
                               "  big: {expr: n * 1000000000000000000000, scale: 4}\n"
                               "  neg: {expr: 0 - n, scale: 4}\n"
                               "  wide: {expr: n * 1, scale: 6}\n"
                               "  later: add_days(when, 1)\n"
                               "outputs: [big, neg, wide, n, later]\n");
    ql_record *rec;
    ql_result *res;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&res, rs, NULL), QL_OK);
    const char *ns[] = {"0", "1.5", "-2.0001", "9223372036.8547"};
    for (size_t k = 0; k < sizeof ns / sizeof *ns; k++) {
        ql_record_clear(rec);
        assert_int_equal(ql_record_set(rec, "n", ns[k], &err), QL_OK);
        assert_int_equal(ql_record_set(rec, "when", "2024-01-31", &err), QL_OK);
        if (ql_evaluate(res, rec, day, 0, &err))
            fail_msg("%s: %s", ns[k], err.message);
        assert_i64_agrees(res);
        int s = ql_result_output_i64(&c, res, 0);
        assert_true(s == QL_I64_WIDE || (s == 4 && ns[k][0] == '0'));
        assert_int_equal(ql_result_output_i64(&c, res, 3), QL_I64_WIDE); /* the input */
        assert_int_equal(ql_result_output_i64(&c, res, 4), QL_I64_NONE); /* a date */
        assert_int_equal(ql_result_output_i64(&c, res, 2), 6);
    }
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

static void test_api_struct_versions(void **state)
{
    fixture *f = *state;
    ql_error err;
    ql_date day;
    ql_date_from_ymd(&day, 2024, 1, 1);
    const char *fields[][2] = {{"kind", "firm"}, {"staff", "50"}, {"disabled", "0"},
                               {"wages", "10000000"}, {"area_wage", "40000"}};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(ql_record_set(f->rec, fields[i][0], fields[i][1], &err), QL_OK);
    assert_int_equal(ql_evaluate(f->res, f->rec, day, QL_EVAL_TRACE, &err), QL_OK);
    unsigned bad[] = {0, 2, 0xffffffffu};
    for (size_t k = 0; k < 3; k++) {
        ql_value v;
        memset(&v, 0x5a, sizeof v);
        v.version = bad[k];
        assert_int_equal(ql_result_output(&v, f->res, 0), QL_EINVAL);
        assert_int_equal(ql_record_get(&v, f->rec, 1), QL_EINVAL);
        assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, f->rs, 0, day, &err),
                         QL_EINVAL);
        assert_int_equal(v.version, bad[k]);
        char buf[16] = "x";
        assert_int_equal(ql_value_format(buf, sizeof buf, &v), 0);
        assert_text(buf, "");
        ql_check_result c;
        memset(&c, 0x5a, sizeof c);
        c.version = bad[k];
        assert_int_equal(ql_result_check(&c, f->res, 0), QL_EINVAL);
        assert_int_equal(c.version, bad[k]);
        ql_trace_step s;
        memset(&s, 0x5a, sizeof s);
        s.version = bad[k];
        assert_int_equal(ql_result_trace_step(&s, f->res, 0), QL_EINVAL);
        assert_int_equal(ql_value_init(&v, bad[k]), QL_EINVAL);
        assert_int_equal(ql_check_result_init(&c, bad[k]), QL_EINVAL);
        assert_int_equal(ql_trace_step_init(&s, bad[k]), QL_EINVAL);
        ql_override o;
        /* ql_override has versions 2 and 3: the one after is unknown */
        unsigned ob = bad[k] == 2 ? QL_OVERRIDE_VERSION + 1 : bad[k];
        assert_int_equal(ql_override_init(&o, ob), QL_EINVAL);
        o.version = ob;
        o.param = "ratio";
        o.value = "2%";
        o.from = day;
        ql_ruleset *rs = (ql_ruleset *)&rs;
        assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, &o, 1, &err), QL_EINVAL);
        assert_null(rs);
        assert_non_null(strstr(err.message, "QL_OVERRIDE_INIT"));
    }
    /* an array's later element of another version: refused too */
    ql_override two[2] = {{QL_OVERRIDE_VERSION, "ratio", "2%", day},
                          {0, "ratio", "3%", day + 1}};
    ql_ruleset *rs;
    assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, two, 2, &err), QL_EINVAL);
    two[1].version = QL_OVERRIDE_VERSION;
    assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, two, 2, &err), QL_OK);
    ql_ruleset_free(rs);
    /* a `from` that is no date of 0001…9999 (probe12 P12-05: QL_OK) */
    ql_date far[] = {INT32_MIN, -719163, 2932897, INT32_MAX};
    for (size_t k = 0; k < sizeof far / sizeof far[0]; k++) {
        ql_override o1 = {QL_OVERRIDE_VERSION, "ratio", "2%", far[k]};
        rs = (ql_ruleset *)&rs;
        assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, &o1, 1, &err), QL_EINVAL);
        assert_null(rs);
        assert_non_null(strstr(err.message, "years 1 to 9999"));
    }
    /* two values of one parameter from one day: neither silently wins */
    two[1].from = day;
    assert_int_equal(ql_ruleset_load_overridden(&rs, BASE, two, 2, &err), QL_EINVAL);
    assert_non_null(strstr(err.message, "two overrides of parameter 'ratio'"));
    assert_string_equal(err.field, "ratio");
    /* the _init functions give what the macros give */
    ql_value v;
    memset(&v, 0x5a, sizeof v);
    assert_int_equal(ql_value_init(&v, QL_VALUE_VERSION), QL_OK);
    assert_int_equal(v.version, QL_VALUE_VERSION);
    assert_int_equal(v.type, QL_TYPE_NONE);
    assert_null(v.string);
    assert_int_equal(v.length, 0);
    ql_override o;
    memset(&o, 0x5a, sizeof o);
    assert_int_equal(ql_override_init(&o, QL_OVERRIDE_VERSION), QL_OK);
    assert_int_equal(o.version, QL_OVERRIDE_VERSION);
    assert_null(o.param);
    assert_null(o.value);
    assert_int_equal(o.from, 0);
    ql_check_result c;
    memset(&c, 0x5a, sizeof c);
    assert_int_equal(ql_check_result_init(&c, QL_CHECK_RESULT_VERSION), QL_OK);
    assert_int_equal(c.version, QL_CHECK_RESULT_VERSION);
    assert_int_equal(c.required.version, QL_VALUE_VERSION);
    assert_int_equal(c.applicable, 0);
    ql_trace_step s;
    memset(&s, 0x5a, sizeof s);
    assert_int_equal(ql_trace_step_init(&s, QL_TRACE_STEP_VERSION), QL_OK);
    assert_int_equal(s.value.version, QL_VALUE_VERSION);
    assert_null(s.name);
    assert_int_equal(ql_value_init(NULL, QL_VALUE_VERSION), QL_EINVAL);
    assert_int_equal(ql_override_init(NULL, QL_OVERRIDE_VERSION), QL_EINVAL);
    assert_int_equal(ql_check_result_init(NULL, QL_CHECK_RESULT_VERSION), QL_EINVAL);
    assert_int_equal(ql_trace_step_init(NULL, QL_TRACE_STEP_VERSION), QL_EINVAL);
    /* filled structs keep their version, and so do the values inside */
    ql_check_result cm = QL_CHECK_RESULT_INIT;
    assert_int_equal(ql_result_check(&cm, f->res, 0), QL_OK);
    assert_int_equal(cm.version, QL_CHECK_RESULT_VERSION);
    assert_int_equal(cm.required.version, QL_VALUE_VERSION);
    assert_int_equal(cm.shortfall.version, QL_VALUE_VERSION);
    ql_trace_step sm = QL_TRACE_STEP_INIT;
    assert_int_equal(ql_result_trace_step(&sm, f->res, 0), QL_OK);
    assert_int_equal(sm.value.version, QL_VALUE_VERSION);
    char buf[32];
    assert_true(ql_value_format(buf, sizeof buf, &sm.value) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_errors_and_names),
        cmocka_unit_test(test_api_override_errors_name_a_parameter),
        cmocka_unit_test(test_api_override_type_errors_say_what_to_write),
        cmocka_unit_test(test_api_decimals),
        cmocka_unit_test(test_api_dates),
        cmocka_unit_test(test_api_values),
        cmocka_unit_test(test_api_loading),
        cmocka_unit_test_setup_teardown(test_api_ruleset_queries, setup, teardown),
        cmocka_unit_test(test_api_param_unit),
        cmocka_unit_test_setup_teardown(test_api_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_struct_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_row_text, setup, teardown),
        cmocka_unit_test(test_api_row_text_numbers_dates),
        cmocka_unit_test_setup_teardown(test_api_numbers_as_i64, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_columns_as_i64, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
