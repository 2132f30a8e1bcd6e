/*
 * test_eval.c — evaluation: outputs worked out by hand, parameters on the
 * day before and the day a value changes, brackets, checks and their
 * applicability, laziness, record errors located in the rules, traces,
 * batches and the record API.
 */
#include "test_util.h"

#define RULES(f) QL_SOURCE_DIR "/tests/rules/" f

typedef struct fixture {
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
} fixture;

static int setup_file(void **state, const char *path)
{
    fixture *f = calloc(1, sizeof *f);
    ql_error err;
    if (ql_ruleset_load(&f->rs, path, &err) || ql_record_new(&f->rec, f->rs, &err) ||
        ql_result_new(&f->res, f->rs, &err)) {
        char msg[1024];
        ql_error_format(msg, sizeof msg, &err);
        fprintf(stderr, "setup: %s\n", msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int setup_base(void **state) { return setup_file(state, RULES("base.yaml")); }
static int setup_child(void **state) { return setup_file(state, RULES("child.yaml")); }

static int teardown(void **state)
{
    fixture *f = *state;
    ql_result_free(f->res);
    ql_record_free(f->rec);
    ql_ruleset_free(f->rs);
    free(f);
    return 0;
}

/* Sets "name=value name=value …" on the record (after clearing it). */
static void set_all(fixture *f, const char *fields)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", fields);
    ql_record_clear(f->rec);
    char *save = NULL;
    for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '=');
        *eq = '\0';
        ql_error err;
        if (ql_record_set(f->rec, w, eq + 1, &err)) {
            print_error("set %s: %s\n", w, err.message);
            fail();
        }
    }
}

static int output_index(const ql_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++)
        if (!strcmp(ql_ruleset_output_name(rs, i), name))
            return (int)i;
    return -1;
}

static const char *out(fixture *f, const char *name)
{
    static char buf[8][QL_DECIMAL_TEXT_MAX];
    static int k;
    k = (k + 1) % 8;
    int i = output_index(f->rs, name);
    if (i < 0) {
        print_error("no output %s\n", name);
        fail();
    }
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_result_output(&v, f->res, (size_t)i), QL_OK);
    ql_value_format(buf[k], sizeof buf[k], &v);
    if (v.type == QL_TYPE_NONE)
        strcpy(buf[k], "-");
    return buf[k];
}

static void eval_ok(fixture *f, const char *date)
{
    ql_error err;
    if (ql_evaluate(f->res, f->rec, D(date), QL_EVAL_TRACE, &err)) {
        char msg[1024];
        ql_error_format(msg, sizeof msg, &err);
        print_error("evaluate: %s\n", msg);
        fail();
    }
}

#define FIRM "kind=firm staff=100.5 disabled=1 wages=8000000 area_wage=40000"

static void test_eval_worked_example(void **state)
{
    fixture *f = *state;
    /* required = 100.5 × 1.5 % = 1.5075; short = 0.5075;
     * avg = round(8000000 / 100.5, 2) = 79601.99 (79601.990049…);
     * cap 2 × 40000 = 80000 does not bind; own ratio 1/100.5 < 1 %
     * so rate 0.9 (2021 relief); gross = round(0.5075 × 79601.99, 2)
     * = round(40398.009925, 2) = 40398.01; levy = round(40398.01 × 0.9, 2)
     * = round(36358.209, 2) = 36358.21. */
    set_all(f, FIRM);
    eval_ok(f, "2021-06-01");
    assert_text(out(f, "required"), "1.50750");
    assert_text(out(f, "short"), "0.50750");
    assert_text(out(f, "avg_wage"), "79601.99");
    assert_text(out(f, "levy_wage"), "79601.99");
    assert_text(out(f, "rate"), "0.9");
    assert_text(out(f, "levy"), "36358.21");
    assert_text(out(f, "post_minimum"), "-"); /* not an office */
    assert_text(out(f, "ratio_check"), "false");
    ql_check_result c = QL_CHECK_RESULT_INIT;
    assert_int_equal(ql_result_check(&c, f->res, 1), QL_OK);
    assert_true(c.applicable);
    assert_false(c.compliant);
    char buf[64];
    ql_value_format(buf, sizeof buf, &c.shortfall);
    assert_text(buf, "0.50750");
    ql_value_format(buf, sizeof buf, &c.required);
    assert_text(buf, "1.50750");
    assert_int_equal(ql_result_check(&c, f->res, 0), QL_OK);
    assert_false(c.applicable);
    assert_int_equal(c.shortfall.type, QL_TYPE_NONE);
    assert_int_equal(ql_result_check(&c, f->res, 9), QL_EINVAL);
}

static void test_eval_parameter_boundaries(void **state)
{
    fixture *f = *state;
    /* Average wage 200000 against an area wage of 40000: the cap was
     * 100× until 2017-03-31, 3× from 2017-04-01, 2× from 2018-04-01. */
    set_all(f, "kind=firm staff=50 disabled=0 wages=10000000 area_wage=40000");
    eval_ok(f, "2017-03-31");
    assert_text(out(f, "levy_wage"), "200000.00");
    eval_ok(f, "2017-04-01");
    assert_text(out(f, "levy_wage"), "120000.00");
    eval_ok(f, "2018-03-31");
    assert_text(out(f, "levy_wage"), "120000.00");
    eval_ok(f, "2018-04-01");
    assert_text(out(f, "levy_wage"), "80000.00");
    /* The relief table holds 2020-01-01 … 2022-12-31 only. */
    eval_ok(f, "2019-12-31");
    assert_text(out(f, "rate"), "1.0");
    eval_ok(f, "2020-01-01");
    assert_text(out(f, "rate"), "0.9");
    eval_ok(f, "2022-12-31");
    assert_text(out(f, "rate"), "0.9");
    eval_ok(f, "2023-01-01");
    assert_text(out(f, "rate"), "1.0");
    /* A wage exactly at the cap is used as it is. */
    set_all(f, "kind=firm staff=50 disabled=0 wages=4000000 area_wage=40000");
    eval_ok(f, "2019-01-01");
    assert_text(out(f, "levy_wage"), "80000.00");
}

/* One result over dates in any order, back to an earlier one, and after
 * a failed evaluation: the parameters resolved for the previous date are
 * reused only on that same date. */
static void test_eval_parameters_follow_the_date(void **state)
{
    fixture *f = *state;
    set_all(f, "kind=firm staff=50 disabled=0 wages=10000000 area_wage=40000");
    const char *dates[] = {"2018-04-01", "2017-04-01", "2018-04-01", "2017-03-31",
                           "2017-03-31", "2018-04-01"};
    const char *want[] = {"80000.00", "120000.00", "80000.00", "200000.00", "200000.00",
                          "80000.00"};
    for (int i = 0; i < 6; i++) {
        eval_ok(f, dates[i]);
        assert_text(out(f, "levy_wage"), want[i]);
    }
    /* a failed evaluation (no wage cap before 2000) leaves nothing stale */
    ql_error err;
    assert_int_equal(ql_evaluate(f->res, f->rec, D("1999-01-01"), 0, &err), QL_ENODATA);
    eval_ok(f, "2017-04-01");
    assert_text(out(f, "levy_wage"), "120000.00");
    assert_int_equal(ql_evaluate(f->res, f->rec, D("1999-01-01"), 0, &err), QL_ENODATA);
    assert_int_equal(ql_evaluate(f->res, f->rec, D("1999-01-01"), 0, &err), QL_ENODATA);
    eval_ok(f, "2018-04-01");
    assert_text(out(f, "levy_wage"), "80000.00");
    /* the fast path (no trace) moves the result to its date too: the
     * exact engine's next evaluation on that date must not reuse the
     * parameters it resolved for the date before */
    for (int i = 0; i < 6; i++) {
        int j = (i + 1) % 6;
        eval_ok(f, dates[i]);
        assert_int_equal(ql_evaluate(f->res, f->rec, D(dates[j]), 0, &err), QL_OK);
        assert_text(out(f, "levy_wage"), want[j]);
        eval_ok(f, dates[j]);
        assert_text(out(f, "levy_wage"), want[j]);
    }
}

static void test_eval_brackets_and_ratio_edges(void **state)
{
    fixture *f = *state;
    /* own ratio exactly 1 %: the 0.01 bracket (from: is inclusive). */
    set_all(f, "kind=firm staff=100 disabled=1 wages=5000000 area_wage=40000");
    eval_ok(f, "2021-01-01");
    assert_text(out(f, "rate"), "0.5");
    /* just under 1 % */
    set_all(f, "kind=firm staff=100.01 disabled=1 wages=5000000 area_wage=40000");
    eval_ok(f, "2021-01-01");
    assert_text(out(f, "rate"), "0.9");
    /* ratio met exactly: 200 × 1.5 % = 3 */
    set_all(f, "kind=firm staff=200 disabled=3 wages=5000000 area_wage=40000");
    eval_ok(f, "2021-01-01");
    assert_text(out(f, "short"), "0.00000");
    assert_text(out(f, "levy"), "0.00");
    assert_text(out(f, "ratio_check"), "true");
    /* 30 vs 31 staff: the small-firm exemption */
    set_all(f, "kind=firm staff=30 disabled=0 wages=1500000 area_wage=40000");
    eval_ok(f, "2024-01-01");
    assert_text(out(f, "levy"), "0.00");
    set_all(f, "kind=firm staff=31 disabled=0 wages=1550000 area_wage=40000");
    eval_ok(f, "2024-01-01");
    assert_text(out(f, "levy"), "23250.00"); /* 0.465 × 50000 */
    /* 0 staff owes nothing and is not an error */
    set_all(f, "kind=school staff=0 wages=0 area_wage=40000");
    eval_ok(f, "2024-01-01");
    assert_text(out(f, "levy"), "0.00");
    assert_text(out(f, "ratio_check"), "-");
}

static void test_eval_checks_and_dates(void **state)
{
    fixture *f = *state;
    set_all(f, "kind=office staff=80 disabled=0 wages=4000000 area_wage=40000 posts=50");
    eval_ok(f, "2021-01-01");
    assert_text(out(f, "post_minimum"), "false");
    set_all(f, "kind=office staff=80 disabled=0 wages=4000000 area_wage=40000 posts=49");
    eval_ok(f, "2021-01-01");
    assert_text(out(f, "post_minimum"), "-");
    /* The check holds from 2010-01-01 only. */
    set_all(f, "kind=office staff=80 disabled=0 wages=4000000 area_wage=40000 posts=50");
    eval_ok(f, "2009-12-31");
    assert_text(out(f, "post_minimum"), "-");
    set_all(f, "kind=office staff=80 disabled=2 wages=4000000 area_wage=40000 posts=50");
    eval_ok(f, "2010-01-01");
    assert_text(out(f, "post_minimum"), "true");
}

static void expect_eval_error(fixture *f, const char *date, ql_status code,
                              const char *field, int line, const char *needle)
{
    ql_error err;
    ql_status st = ql_evaluate(f->res, f->rec, D(date), 0, &err);
    char msg[1024];
    ql_error_format(msg, sizeof msg, &err);
    int ok = st == code && ql_result_status(f->res) == code &&
             strcmp(err.field, field) == 0 && err.line == line &&
             strstr(msg, needle) != NULL &&
             ql_result_error(f->res)->code == code;
    if (!ok)
        print_error("want %s field '%s' line %d \"%s\"; got %s field '%s': %s\n",
                    ql_status_name(code), field, line, needle,
                    ql_status_name(st), err.field, msg);
    assert_true(ok);
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_result_output(&v, f->res, 0), QL_EINVAL);
}

static void test_eval_record_errors(void **state)
{
    fixture *f = *state;
    set_all(f, "kind=firm staff=10 disabled=11 wages=1 area_wage=1");
    expect_eval_error(f, "2021-01-01", QL_ERECORD, "disabled", 0, "disabled exceeds staff");
    /* wages is needed by avg_wage (line 99 of base.yaml) */
    set_all(f, "kind=firm staff=10 disabled=1 area_wage=1");
    expect_eval_error(f, "2021-01-01", QL_ERECORD, "wages", 99,
                      "base.yaml:99:31: computed 'avg_wage': field 'wages' is empty but is needed here");
    /* no ratio before 2000 */
    set_all(f, FIRM);
    expect_eval_error(f, "1999-12-31", QL_ENODATA, "", 93,
                      "parameter 'ratio' has no value in force on 1999-12-31 (its first value holds from 2000-01-01)");
    /* an empty field a validation needs skips the validation, and the
     * default of 'disabled' (0) applies in the formulas */
    set_all(f, "kind=firm staff=10 wages=100 area_wage=1");
    eval_ok(f, "2021-01-01");
    assert_text(out(f, "short"), "0.15000");
}

static void test_eval_runtime_arithmetic_errors(void **state)
{
    (void)state;
    const char *yaml = RULES_HEAD
        "inputs:\n  a: decimal\n  b: decimal\n"
        "computed:\n"
        "  q: {expr: a / b, scale: 2, display: half_up}\n"
        "  big: a * a * a\n"
        "  lazy: {expr: \"if(a > 0, 1, b / (a - a))\", scale: 0, display: half_up}\n"
        "outputs: [lazy, q]\n";
    ql_ruleset *rs = load_text(yaml);
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_record_set(rec, "a", "1", &err);
    ql_record_set(rec, "b", "0", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_ERANGE);
    assert_int_equal(err.line, 13);
    assert_int_equal(err.column, 15); /* the '/' */
    assert_non_null(strstr(err.message, "computed 'q': division by zero"));
    /* if() only evaluates the branch it takes: no division by zero */
    ql_record_set(rec, "b", "2", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_OK);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    /* an overflow names the expression */
    const char *yaml2 = RULES_HEAD
        "inputs:\n  a: {type: decimal, scale: 0}\n"
        "computed:\n  big: a * a * a\n"
        "outputs: [big]\n";
    rs = load_text(yaml2);
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_record_set(rec, "a", "100000000000000", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_ERANGE);
    assert_int_equal(err.line, 12);
    assert_int_equal(err.column, 14); /* the second '*' */
    assert_non_null(strstr(err.message, "overflow"));
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    /* + and * past 36 significant digits: an error naming the expression,
     * never a rounded number */
    const char *yaml3 = RULES_HEAD
        "inputs:\n  a: {type: decimal, scale: 4}\n  b: decimal\n"
        "computed:\n  s: a + 0.5\n  p: round(a * b, 3)\n"
        "outputs: [s, p]\n";
    rs = load_text(yaml3);
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_record_set(rec, "a", "100000000000000000000000000000000000", &err);
    ql_record_set(rec, "b", "1", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_ERANGE);
    assert_int_equal(err.line, 13);
    assert_int_equal(err.column, 8); /* the '+' */
    assert_non_null(strstr(err.message, "computed 's': the exact result needs more than 36"));
    ql_record_set(rec, "a", "744330394067141706.5409", &err);
    ql_record_set(rec, "b", "232527208896030686.55105825", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_ERANGE);
    assert_int_equal(err.line, 14);
    assert_non_null(strstr(err.message, "computed 'p'"));
    ql_record_set(rec, "a", "744330394067141706.54", &err);
    ql_record_set(rec, "b", "2325272088.55", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_OK);
    char buf[QL_DECIMAL_TEXT_MAX];
    ql_result_output_text(buf, sizeof buf, res, 1);
    assert_text(buf, "1730770689983747124895076994.117"); /* exact */
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* Regression: a skipped last validation leaked its internal status and
 * failed the whole evaluation with no message. */
static void test_eval_last_validation_skipped(void **state)
{
    (void)state;
    const char *yaml = RULES_HEAD
        "inputs:\n  a: {type: decimal, scale: 0}\n  b: decimal\n"
        "validations:\n  v: {rule: b >= 0, message: m}\n"
        "computed:\n  x: a * 2\n"
        "outputs: [x]\n";
    ql_ruleset *rs = load_text(yaml);
    ql_record *rec;
    ql_result *res;
    ql_error err;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_record_set(rec, "a", "21", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2020-01-01"), 0, &err), QL_OK);
    ql_value v = QL_VALUE_INIT;
    char buf[16];
    ql_result_output(&v, res, 0);
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "42");
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

static void test_eval_trace(void **state)
{
    fixture *f = *state;
    set_all(f, FIRM);
    eval_ok(f, "2021-06-01");
    size_t n = ql_result_trace_count(f->res);
    assert_true(n > 10);
    assert_text(ql_step_kind_name(QL_STEP_INPUT), "input");
    assert_text(ql_step_kind_name(QL_STEP_PARAM), "param");
    assert_text(ql_step_kind_name(QL_STEP_COMPUTED), "computed");
    assert_text(ql_step_kind_name(QL_STEP_CHECK), "check");
    assert_text(ql_step_kind_name((ql_step_kind)0), "?");
    int seen_ratio = 0, seen_levy = 0, seen_cap = 0, pos_required = -1,
        pos_short = -1;
    for (size_t i = 0; i < n; i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        assert_int_equal(ql_result_trace_step(&s, f->res, i), QL_OK);
        char v[QL_DECIMAL_TEXT_MAX];
        ql_value_format(v, sizeof v, &s.value);
        if (s.kind == QL_STEP_PARAM && !strcmp(s.name, "ratio")) {
            seen_ratio = 1;
            assert_text(v, "0.015");
            assert_text(s.source, "fict-act art. 3");
            assert_int_equal(s.from, D("2000-01-01"));
            assert_int_equal(s.until, -1);
        }
        if (s.kind == QL_STEP_PARAM && !strcmp(s.name, "wage_cap")) {
            seen_cap = 1;
            assert_int_equal(s.from, D("2018-04-01"));
            assert_text(s.source, "fict-notice item 2");
        }
        if (s.kind == QL_STEP_COMPUTED && !strcmp(s.name, "levy")) {
            seen_levy = 1;
            assert_text(v, "36358.21");
            assert_text(s.formula, "if(small, 0, round(round(short * levy_wage, 2) * rate, 2))");
        }
        if (s.kind == QL_STEP_COMPUTED && !strcmp(s.name, "required"))
            pos_required = (int)i;
        if (s.kind == QL_STEP_COMPUTED && !strcmp(s.name, "short")) {
            pos_short = (int)i;
            assert_text(s.description, "Persons short of the quota.");
            assert_text(s.source, "fict-act art. 3");
        }
    }
    assert_true(seen_ratio && seen_levy && seen_cap);
    assert_true(pos_required >= 0 && pos_required < pos_short);
    /* Without the flag there is no trace. */
    ql_error err;
    assert_int_equal(ql_evaluate(f->res, f->rec, D("2021-06-01"), 0, &err), QL_OK);
    assert_int_equal(ql_result_trace_count(f->res), 0);
}

static void test_eval_child_rules(void **state)
{
    fixture *f = *state;
    /* 2022: ratio 1.6 %; 12 kiosks need ceil(1.2) = 2 persons */
    set_all(f, "kind=firm staff=125 disabled=2 wages=6250000 area_wage=40000 kiosks=12");
    eval_ok(f, "2022-03-01");
    assert_text(out(f, "required"), "2.00000");
    assert_text(out(f, "ratio_check"), "true");
    assert_text(out(f, "kiosk_share"), "true");
    assert_text(out(f, "all_ok"), "true");
    eval_ok(f, "2021-12-31");
    assert_text(out(f, "required"), "1.87500");
    set_all(f, "kind=firm staff=125 disabled=1 wages=6250000 area_wage=40000 kiosks=12");
    eval_ok(f, "2022-03-01");
    assert_text(out(f, "kiosk_share"), "false");
    assert_text(out(f, "all_ok"), "false");
    ql_check_result c = QL_CHECK_RESULT_INIT;
    assert_int_equal(ql_result_check(&c, f->res, 2), QL_OK);
    char buf[32];
    ql_value_format(buf, sizeof buf, &c.shortfall);
    assert_text(buf, "1.00");
    /* kiosks defaults to 0: the check does not apply */
    set_all(f, "kind=firm staff=125 disabled=2 wages=6250000 area_wage=40000");
    eval_ok(f, "2022-03-01");
    assert_text(out(f, "kiosk_share"), "-");
    assert_text(out(f, "all_ok"), "true");
}

static void test_eval_many(void **state)
{
    fixture *f = *state;
    ql_record *recs[3];
    ql_result *res[3];
    ql_error err;
    const char *staff[3] = {"100.5", "10", "200"};
    const char *dis[3] = {"1", "11", "3"};
    for (int i = 0; i < 3; i++) {
        ql_record_new(&recs[i], f->rs, &err);
        ql_result_new(&res[i], f->rs, &err);
        ql_record_set(recs[i], "kind", "firm", &err);
        ql_record_set(recs[i], "staff", staff[i], &err);
        ql_record_set(recs[i], "disabled", dis[i], &err);
        ql_record_set(recs[i], "wages", "8000000", &err);
        ql_record_set(recs[i], "area_wage", "40000", &err);
    }
    assert_int_equal(ql_evaluate_many(res, (const ql_record *const *)recs, 3,
                                      D("2021-06-01"), 0),
                     QL_ERECORD);
    assert_int_equal(ql_result_status(res[0]), QL_OK);
    assert_int_equal(ql_result_status(res[1]), QL_ERECORD);
    assert_text(ql_result_error(res[1])->field, "disabled");
    assert_int_equal(ql_result_status(res[2]), QL_OK);
    ql_value v = QL_VALUE_INIT;
    char buf[64];
    ql_result_output(&v, res[0], (size_t)output_index(f->rs, "levy"));
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "36358.21");
    /* A mismatched pair runs nothing, and every result says so: none
     * keeps the batch before's QL_OK and numbers (probe5 P5-08). */
    ql_record *tmp = recs[1];
    recs[1] = NULL;
    assert_int_equal(ql_evaluate_many(res, (const ql_record *const *)recs, 3,
                                      D("2021-06-01"), 0),
                     QL_EINVAL);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ql_result_status(res[i]), QL_EINVAL);
        assert_int_equal(ql_result_date(res[i]), INT32_MIN);
        assert_int_equal(ql_result_output(&v, res[i], 0), QL_EINVAL);
    }
    recs[1] = tmp;
    assert_int_equal(ql_evaluate_many(res, (const ql_record *const *)recs, 3,
                                      D("2021-06-01"), 0),
                     QL_ERECORD);
    assert_int_equal(ql_result_status(res[0]), QL_OK);
    ql_ruleset *other;
    ql_record *foreign;
    assert_int_equal(ql_ruleset_load(&other, RULES("base.yaml"), &err), QL_OK);
    assert_int_equal(ql_record_new(&foreign, other, &err), QL_OK);
    tmp = recs[2];
    recs[2] = foreign;
    assert_int_equal(ql_evaluate_many(res, (const ql_record *const *)recs, 3,
                                      D("2021-06-01"), 0),
                     QL_EINVAL);
    assert_int_equal(ql_result_status(res[0]), QL_EINVAL);
    assert_non_null(strstr(ql_result_error(res[0])->message, "different rule sets"));
    recs[2] = tmp;
    ql_record_free(foreign);
    ql_ruleset_free(other);
    assert_int_equal(ql_evaluate_many(NULL, NULL, 0, 0, 0), QL_OK);
    for (int i = 0; i < 3; i++) {
        ql_result_free(res[i]);
        ql_record_free(recs[i]);
    }
}

static void test_eval_record_api(void **state)
{
    fixture *f = *state;
    ql_record *r = f->rec;
    ql_error err;
    int staff = ql_ruleset_input_index(f->rs, "staff");
    int pub = ql_ruleset_input_index(f->rs, "public");
    int founded = ql_ruleset_input_index(f->rs, "founded");
    int id = ql_ruleset_input_index(f->rs, "id");
    int posts = ql_ruleset_input_index(f->rs, "posts");
    int area = ql_ruleset_input_index(f->rs, "area_wage");
    ql_value v = QL_VALUE_INIT;
    char buf[64];
    assert_int_equal(ql_record_set_text(r, (size_t)staff, "  12.75\t", 8, &err), QL_OK);
    ql_record_get(&v, r, (size_t)staff);
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "12.75");
    assert_int_equal(ql_record_set_text(r, (size_t)staff, "", 0, &err), QL_OK);
    ql_record_get(&v, r, (size_t)staff);
    assert_int_equal(v.type, QL_TYPE_NONE);
    assert_int_equal(ql_record_set_text(r, (size_t)staff, "12,5", 4, &err), QL_ERECORD);
    assert_text(err.field, "staff");
    assert_non_null(strstr(err.message, "'12,5' is not a valid decimal"));
    assert_int_equal(ql_record_set_text(r, (size_t)staff, "NaN", 3, &err), QL_ERECORD);
    assert_int_equal(ql_record_set_text(r, (size_t)area, "0", 1, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "expected > 0"));
    assert_int_equal(ql_record_set(r, "public", "Yes", &err), QL_OK);
    ql_record_get(&v, r, (size_t)pub);
    assert_true(v.type == QL_TYPE_BOOL && v.boolean);
    assert_int_equal(ql_record_set(r, "public", "0", &err), QL_OK);
    ql_record_get(&v, r, (size_t)pub);
    assert_false(v.boolean);
    assert_int_equal(ql_record_set(r, "public", "maybe", &err), QL_ERECORD);
    assert_int_equal(ql_record_set(r, "founded", "2024-02-30", &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "real calendar date"));
    assert_int_equal(ql_record_set(r, "founded", "2024-02-29", &err), QL_OK);
    ql_record_get(&v, r, (size_t)founded);
    assert_int_equal(v.date, D("2024-02-29"));
    assert_int_equal(ql_record_set(r, "id", "吉林-001", &err), QL_OK);
    ql_record_get(&v, r, (size_t)id);
    assert_int_equal(v.length, strlen("吉林-001"));
    assert_int_equal(ql_record_set_text(r, (size_t)id, "a\xff", 2, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(ql_record_set_text(r, (size_t)id, "a\0b", 3, &err), QL_ERECORD);
    assert_int_equal(ql_record_set(r, "nope", "1", &err), QL_ERECORD);
    assert_text(err.field, "nope");
    assert_int_equal(ql_record_set_text(r, 999, "1", 1, &err), QL_EINVAL);
    assert_int_equal(ql_record_set_int(r, (size_t)posts, 60, &err), QL_OK);
    assert_int_equal(ql_record_set_int(r, (size_t)posts, -1, &err), QL_ERECORD);
    ql_decimal d;
    ql_decimal_parse(&d, "2.5", 3, &err);
    assert_int_equal(ql_record_set_decimal(r, (size_t)posts, &d, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "not a whole number"));
    assert_int_equal(ql_record_set_decimal(r, (size_t)staff, &d, &err), QL_OK);
    assert_int_equal(ql_record_set_bool(r, (size_t)staff, 1, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "is a decimal, not a bool"));
    assert_int_equal(ql_record_set_bool(r, (size_t)pub, 1, &err), QL_OK);
    assert_int_equal(ql_record_set_date(r, (size_t)founded, D("2000-01-01"), &err), QL_OK);
    assert_int_equal(ql_record_unset(r, (size_t)founded, &err), QL_OK);
    ql_record_get(&v, r, (size_t)founded);
    assert_int_equal(v.type, QL_TYPE_NONE);
    /* Misuse gives codes, not crashes. */
    assert_int_equal(ql_record_new(NULL, f->rs, &err), QL_EINVAL);
    assert_int_equal(ql_evaluate(NULL, r, 0, 0, &err), QL_EINVAL);
    assert_int_equal(ql_record_get(&v, NULL, 0), QL_EINVAL);
    ql_record_free(NULL);
    ql_result_free(NULL);
    ql_ruleset_free(NULL);
    assert_int_equal(ql_result_status(NULL), QL_EINVAL);
}

static void test_eval_result_before_and_across_rule_sets(void **state)
{
    fixture *f = *state;
    ql_result *fresh;
    ql_error err;
    ql_value v = QL_VALUE_INIT;
    ql_result_new(&fresh, f->rs, &err);
    assert_int_equal(ql_result_output(&v, fresh, 0), QL_EINVAL);
    assert_int_equal(ql_result_trace_count(fresh), 0);
    ql_result_free(fresh);
    ql_ruleset *other;
    ql_result *ores;
    assert_int_equal(ql_ruleset_load(&other, RULES("base.yaml"), &err), QL_OK);
    ql_result_new(&ores, other, &err);
    assert_int_equal(ql_evaluate(ores, f->rec, 0, 0, &err), QL_EINVAL);
    assert_non_null(strstr(err.message, "different rule sets"));
    /* a refused call marks the result: after a good evaluation, neither
     * another rule set's record nor NULL leaves its QL_OK and numbers
     * (probe5 P5-08) */
    ql_record *own;
    ql_result *mine;
    ql_record_new(&own, other, &err);
    ql_result_new(&mine, f->rs, &err);
    set_all(f, FIRM);
    assert_int_equal(ql_evaluate(mine, f->rec, D("2021-06-01"), 0, &err), QL_OK);
    assert_int_equal(ql_evaluate(mine, own, D("2021-06-01"), 0, &err), QL_EINVAL);
    assert_int_equal(ql_result_status(mine), QL_EINVAL);
    assert_non_null(strstr(ql_result_error(mine)->message, "different rule sets"));
    assert_int_equal(ql_result_output(&v, mine, 0), QL_EINVAL);
    assert_int_equal(ql_evaluate(mine, f->rec, D("2021-06-01"), 0, &err), QL_OK);
    assert_int_equal(ql_evaluate(mine, NULL, D("2021-06-01"), 0, &err), QL_EINVAL);
    assert_int_equal(ql_result_status(mine), QL_EINVAL);
    assert_int_equal(ql_result_date(mine), INT32_MIN);
    ql_result_free(mine);
    ql_record_free(own);
    ql_result_free(ores);
    ql_ruleset_free(other);
}

/* Regression: a record freed after its rule set read the freed rule set
 * (a garbage collector frees in any order). */
static void test_eval_free_in_any_order(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, RULES("base.yaml"), &err), QL_OK);
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    ql_record_set(rec, "id", "a string, so the record owns memory", &err);
    ql_ruleset_free(rs);
    ql_record_free(rec);
    ql_result_free(res);
}

static void test_eval_what_if_overrides(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    ql_override o[2] = {{QL_OVERRIDE_VERSION, "ratio", "2%", D("2021-01-01")},
                        {QL_OVERRIDE_VERSION, "wage_cap", "1", D("2019-01-01")}};
    assert_int_equal(ql_ruleset_load_overridden(&rs, RULES("base.yaml"), o, 2, &err), QL_OK);
    ql_record *rec;
    ql_result *res;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    const char *f[][2] = {{"kind", "firm"}, {"staff", "100"}, {"disabled", "1"},
                          {"wages", "8000000"}, {"area_wage", "40000"}};
    for (int i = 0; i < 5; i++)
        ql_record_set(rec, f[i][0], f[i][1], &err);
    ql_value v = QL_VALUE_INIT;
    char buf[64];
    /* before the override date the rule set's own 1.5 % holds */
    assert_int_equal(ql_evaluate(res, rec, D("2020-12-31"), QL_EVAL_TRACE, &err), QL_OK);
    ql_result_output(&v, res, 0);
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "1.50000");
    assert_int_equal(ql_evaluate(res, rec, D("2021-01-01"), QL_EVAL_TRACE, &err), QL_OK);
    ql_result_output(&v, res, 0);
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "2.00000"); /* 100 × 0.02 */
    ql_result_output(&v, res, 3); /* levy_wage: capped at 1 × 40000 */
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "40000.00");
    int cited = 0;
    for (size_t i = 0; i < ql_result_trace_count(res); i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&s, res, i);
        if (s.kind == QL_STEP_PARAM && !strcmp(s.name, "ratio")) {
            assert_text(s.source, "what-if override");
            assert_int_equal(s.from, D("2021-01-01"));
            cited = 1;
        }
    }
    assert_true(cited);
    /* the value before the override now ends the day before it */
    ql_date from;
    assert_int_equal(ql_ruleset_param_value(&v, &from, NULL, rs, 0, D("2020-06-30"), &err), QL_OK);
    assert_int_equal(from, D("2000-01-01"));
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    /* errors */
    ql_override bad[] = {{QL_OVERRIDE_VERSION, "nope", "1", 0},
                         {QL_OVERRIDE_VERSION, "relief", "1", 0},
                         {QL_OVERRIDE_VERSION, "ratio", "x", 0},
                         {QL_OVERRIDE_VERSION, "ratio", NULL, 0}};
    ql_status want[] = {QL_ENAME, QL_ETYPE, QL_ESCHEMA, QL_EINVAL};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ql_ruleset_load_overridden(&rs, RULES("base.yaml"), &bad[i], 1, &err),
                         want[i]);
        if (i < 3)
            assert_text(err.field, bad[i].param);
    }
    /* two overrides of one parameter from different days: each holds
     * until the next, in whichever order they are given (given the later
     * first, the earlier one used to erase it) */
    ql_override two[2][2] = {
        {{QL_OVERRIDE_VERSION, "ratio", "1.7%", D("2024-01-01")},
         {QL_OVERRIDE_VERSION, "ratio", "1.8%", D("2023-01-01")}},
        {{QL_OVERRIDE_VERSION, "ratio", "1.8%", D("2023-01-01")},
         {QL_OVERRIDE_VERSION, "ratio", "1.7%", D("2024-01-01")}}};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ql_ruleset_load_overridden(&rs, RULES("base.yaml"), two[k], 2, &err),
                         QL_OK);
        const char *on[][3] = {{"2022-06-30", "0.015", "2000-01-01"},
                               {"2023-06-30", "0.018", "2023-01-01"},
                               {"2024-06-30", "0.017", "2024-01-01"}};
        for (int j = 0; j < 3; j++) {
            assert_int_equal(ql_ruleset_param_value(&v, &from, NULL, rs, 0, D(on[j][0]), &err),
                             QL_OK);
            ql_value_format(buf, sizeof buf, &v);
            assert_text(buf, on[j][1]);
            assert_int_equal(from, D(on[j][2]));
        }
        ql_ruleset_free(rs);
    }
}

/* Lists: items, reductions over them, at() on another date. */
static void test_eval_lists(void **state)
{
    (void)state;
    const char *yaml = RULES_HEAD
        "inputs:\n  m: {type: decimal, scale: 0, count: 3, default: 0}\n"
        "parameters:\n  r:\n    values:\n"
        "      - {from: 2024-01-01, value: 10%, source: s}\n"
        "      - {from: 2024-02-01, value: 20%, source: s}\n"
        "computed:\n"
        "  due: {count: 3, expr: \"m * at(r, add_months(date, index() - 1))\"}\n"
        "  total: sum(due)\n"
        "  given: count(present(m))\n"
        "  low: min(m)\n"
        "outputs: [due, total, given, low]\n";
    ql_ruleset *rs = load_text(yaml);
    ql_record *rec;
    ql_result *res;
    ql_error err;
    char buf[64];
    ql_value v = QL_VALUE_INIT;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    assert_int_equal(ql_record_set(rec, "m[1]", "100", &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "m[3]", "50", &err), QL_OK);
    assert_int_equal(ql_record_set(rec, "m[4]", "1", &err), QL_ERECORD);
    assert_int_equal(ql_evaluate(res, rec, D("2024-01-01"), 0, &err), QL_OK);
    const char *want[] = {"10.0", "0.0", "10.0", "20.0", "2", "0"};
    for (size_t i = 0; i < 6; i++) {
        ql_result_output(&v, res, i);
        ql_value_format(buf, sizeof buf, &v);
        assert_text(buf, want[i]);
    }
    /* the rate of the first item's month: none before 2024 */
    assert_int_equal(ql_evaluate(res, rec, D("2023-12-15"), 0, &err), QL_ENODATA);
    assert_non_null(strstr(err.message, "computed 'due[1]'"));
    assert_non_null(strstr(err.message, "parameter 'r' has no value in force on 2023-12-15"));
    assert_int_equal(err.line, 17);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

/* ql_result_output_text / ql_result_check_text write what
 * ql_value_format writes for ql_result_output / ql_result_check. */
static void test_eval_text_outputs(void **state)
{
    fixture *f = *state;
    set_all(f, FIRM);
    eval_ok(f, "2024-06-30");
    const ql_ruleset *rs = f->rs;
    char want[QL_DECIMAL_TEXT_MAX * 4], got[QL_DECIMAL_TEXT_MAX];
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_value v = QL_VALUE_INIT;
        assert_int_equal(ql_result_output(&v, f->res, i), QL_OK);
        size_t n = ql_value_format(want, sizeof want, &v);
        assert_int_equal(ql_result_output_text(got, sizeof got, f->res, i), n);
        assert_text(got, want);
    }
    for (size_t k = 0; k < ql_ruleset_check_count(rs); k++) {
        ql_check_result c = QL_CHECK_RESULT_INIT;
        ql_result_check(&c, f->res, k);
        ql_value app = QL_VALUE_INIT, comp = QL_VALUE_INIT;
        app.type = comp.type = QL_TYPE_BOOL;
        app.boolean = c.applicable;
        comp.boolean = c.compliant;
        if (!c.applicable)
            comp.type = QL_TYPE_NONE;
        const ql_value *parts[5] = {&app, &comp, &c.required, &c.actual, &c.shortfall};
        for (int p = 0; p < 5; p++) {
            size_t n = ql_value_format(want, sizeof want, parts[p]);
            assert_int_equal(ql_result_check_text(got, sizeof got, f->res, k, (ql_check_field)p), n);
            assert_text(got, want);
        }
    }
    /* cut to fit, full length returned; bad arguments give "" and 0 */
    size_t i = (size_t)output_index(rs, "levy");
    size_t full = ql_result_output_text(NULL, 0, f->res, i);
    char small[4];
    assert_int_equal(ql_result_output_text(small, sizeof small, f->res, i), full);
    assert_int_equal(strlen(small), 3);
    assert_int_equal(ql_result_output_text(got, sizeof got, f->res, 999), 0);
    assert_text(got, "");
    assert_int_equal(ql_result_check_text(got, sizeof got, f->res, 999, QL_CHECK_REQUIRED), 0);
    assert_int_equal(ql_result_output_text(got, sizeof got, NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_eval_worked_example, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_parameter_boundaries, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_parameters_follow_the_date, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_brackets_and_ratio_edges, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_checks_and_dates, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_record_errors, setup_base, teardown),
        cmocka_unit_test(test_eval_runtime_arithmetic_errors),
        cmocka_unit_test(test_eval_last_validation_skipped),
        cmocka_unit_test(test_eval_free_in_any_order),
        cmocka_unit_test(test_eval_what_if_overrides),
        cmocka_unit_test(test_eval_lists),
        cmocka_unit_test_setup_teardown(test_eval_text_outputs, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_trace, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_child_rules, setup_child, teardown),
        cmocka_unit_test_setup_teardown(test_eval_many, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_record_api, setup_base, teardown),
        cmocka_unit_test_setup_teardown(test_eval_result_before_and_across_rule_sets, setup_base, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
