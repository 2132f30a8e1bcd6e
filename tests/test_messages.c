/*
 * test_messages.c — every message that quotes what the user wrote, driven
 * with a long text of 3-byte characters (and one with U+00A0 and a
 * noncharacter in it) at each site that quotes it (P16-02, P16-03): the
 * message is valid UTF-8 on one line with nothing invisible in it, fits
 * its buffer without being cut, shows the text cut with its length
 * ("…' (N characters)"), and still ends with what it says was expected.
 * Rules files, records, overrides and the public parsers alike.
 */
#define QL_TEST_SCRATCH "messages"
#include "test_util.h"

#include "message_text.h"

/* "@" in a case's text stands for the long value. */
#define V "@"

/* The two long values: 120 × 企 (360 bytes), and 企业 U+00A0 U+10FFFF
 * repeated (a blank and a noncharacter a message must show escaped). */
static char plain[400], mixed[400];

static void make_values(void)
{
    size_t o = 0;
    for (int i = 0; i < 120; i++, o += 3)
        memcpy(plain + o, "\xE4\xBC\x81", 3);
    plain[o] = '\0';
    o = 0;
    for (int i = 0; i < 30; i++, o += 12)
        memcpy(mixed + o, "\xE4\xBC\x81\xE4\xB8\x9A\xC2\xA0\xF4\x8F\xBF\xBF",
               12);
    mixed[o] = '\0';
}

/* text with each "@" replaced by value, into a new string. */
static char *fill(const char *text, const char *value)
{
    size_t n = 1, vl = strlen(value);
    for (const char *p = text; *p; p++)
        n += *p == '@' ? vl : 1;
    char *out = malloc(n), *o = out;
    assert_non_null(out);
    for (const char *p = text; *p; p++)
        if (*p == '@')
            memcpy(o, value, vl), o += vl;
        else
            *o++ = *p;
    *o = '\0';
    return out;
}

/* The checks every message of these cases must pass: `what` names the
 * case, `tail` is how the message ends. */
static void check_message(const char *what, const ql_error *err,
                          const char *tail)
{
    char text[2048];
    size_t n = ql_error_format(text, sizeof text, err);
    size_t ml = strnlen(err->message, sizeof err->message);
    size_t bad = mt_fault(text, n);
    int ok = 1;
    if (bad) {
        print_error("%s: not one line of visible UTF-8 at byte %zu\n", what,
                    bad);
        ok = 0;
    }
    if (ml + 1 >= sizeof err->message) {
        print_error("%s: the message fills its buffer (cut)\n", what);
        ok = 0;
    }
    if (!strstr(err->message, "\xE2\x80\xA6' (") &&
        !strstr(err->message, "\xE2\x80\xA6\" (") &&
        !strstr(err->message, "\xE2\x80\xA6")) {
        print_error("%s: the long value is not shown cut\n", what);
        ok = 0;
    }
    size_t tl = strlen(tail);
    if (ml < tl || memcmp(err->message + ml - tl, tail, tl)) {
        print_error("%s: does not end with \"%s\"\n", what, tail);
        ok = 0;
    }
    if (!ok) {
        print_error("  message: %s\n", text);
        fail();
    }
}

typedef struct {
    const char *name, *yaml, *tail;
} load_case;

#define HEAD RULES_HEAD "inputs:\n  n: integer\n"
#define OUT "computed:\n  x: n * 2\noutputs: [x]\n"

static const load_case load_cases[] = {
    {"unknown key", HEAD OUT "\"" V "\": 1\n", "validations, outputs)"},
    {"duplicate key", HEAD "  \"" V "\": integer\n  \"" V "\": integer\n" OUT,
     "(first at line 11)"},
    {"not a valid name", HEAD "  \"" V "\": integer\n" OUT,
     "not starting with a digit, not a keyword)"},
    {"unknown type", HEAD "  t: \"" V "\"\n" OUT,
     "bool, enum, string or date)"},
    {"scale not a whole number",
     HEAD "  t: {type: decimal, scale: \"" V "\"}\n" OUT, ""},
    {"count not a whole number",
     HEAD "  t: {type: integer, count: \"" V "\"}\n" OUT, ""},
    {"bool", HEAD "  t: {type: integer, required: \"" V "\"}\n" OUT, ""},
    {"enum value with a blank",
     HEAD "  t: {type: enum, values: [\" " V "\"]}\n" OUT,
     "(its surrounding blanks are ignored)"},
    {"enum value twice",
     HEAD "  t: {type: enum, values: [\"" V "\", \"" V "\"]}\n" OUT,
     "is listed twice"},
    {"enum value not NFC",
     HEAD "  t: {type: enum, values: [\"" V "e\\u0301\"]}\n" OUT,
     " characters))"},
    {"enum default",
     HEAD "  t: {type: enum, values: [a, b], default: \"" V "\"}\n" OUT,
     "is not one of the enum's values"},
    {"enum literal",
     HEAD "  t: {type: enum, values: [a, b]}\ncomputed:\n  x: {expr: 't == \"" V
          "\"'}\noutputs: [x]\n",
     ""},
    {"string literal not NFC",
     HEAD "computed:\n  x: {expr: 'n == 1 and \"" V
          "e\xCC\x81\" == \"a\"'}\noutputs: [x]\n",
     "with no invisible characters"},
    {"currency", RULES_HEAD "currency: \"" V "\"\ninputs:\n  n: integer\n" OUT,
     ""},
    {"source date",
     RULES_HEAD "    date: \"" V "\"\ninputs:\n  n: integer\n" OUT, ""},
    {"citation",
     HEAD OUT "checks:\n  k:\n    title: K\n    source: \"" V
              " art. 1\"\n    applies: n > 1\n    required: 1\n    actual: n\n",
     ""},
    {"parameter type",
     HEAD
     "parameters:\n  p:\n    type: \"" V
     "\"\n    values:\n      - {from: 2020-01-01, value: 1, source: s}\n" OUT,
     ""},
    {"parameter unit",
     HEAD
     "parameters:\n  p:\n    unit: \"" V
     "\"\n    values:\n      - {from: 2020-01-01, value: 1, source: s}\n" OUT,
     ""},
    {"parameter integer",
     HEAD "parameters:\n  p:\n    type: integer\n    values:\n      - {from: "
          "2020-01-01, value: \"" V "\", source: s}\n" OUT,
     ""},
    {"parameter not a number",
     HEAD "parameters:\n  p:\n    min: 1\n    values:\n      - {from: "
          "2020-01-01, value: \"" V "\", source: s}\n" OUT,
     ""},
    {"parameter percent",
     HEAD "parameters:\n  p:\n    unit: percent\n    values:\n      - {from: "
          "2020-01-01, value: \"" V "\", source: s}\n" OUT,
     ""},
    {"computed display",
     HEAD "computed:\n  x: {expr: n * 2, scale: 0, display: \"" V
          "\"}\noutputs: [x]\n",
     ""},
    {"computed unit",
     HEAD "computed:\n  x: {expr: n * 2, unit: \"" V "\"}\noutputs: [x]\n", ""},
    {"computed aggregate",
     HEAD "computed:\n  x: {expr: n * 2, aggregate: \"" V "\"}\noutputs: [x]\n",
     ""},
    {"output", HEAD "computed:\n  x: n * 2\noutputs: [x, \"" V "\"]\n", ""},
    {"validation field",
     HEAD OUT "validations:\n  v: {rule: n > 0, message: m, field: \"" V
              "\"}\n",
     ""},
    {"extends", RULES_HEAD "extends: \"" V "\"\n", ""},
};

static void test_messages_rules_files(void **state)
{
    (void)state;
    const char *values[] = {plain, mixed};
    for (size_t i = 0; i < sizeof load_cases / sizeof *load_cases; i++)
        for (int v = 0; v < 2; v++) {
            char *yaml = fill(load_cases[i].yaml, values[v]);
            ql_ruleset *rs = NULL;
            ql_error err;
            ql_status st = ql_ruleset_load_buffer(&rs, yaml, strlen(yaml),
                                                  "rules.yaml", &err);
            if (st == QL_OK) {
                print_error("%s: loaded\n", load_cases[i].name);
                ql_ruleset_free(rs);
                fail();
            }
            check_message(load_cases[i].name, &err, load_cases[i].tail);
            free(yaml);
        }
}

/* Ten full-width zeros: a number as an input method types it. */
#define FW10                                                                   \
    "\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90" \
    "\xEF\xBC\x90"                                                             \
    "\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90"

/* A record's value of each type, and a field named that is none. */
static void test_messages_records(void **state)
{
    (void)state;
    static const char rules[] = RULES_HEAD
        "inputs:\n  d: decimal\n  b: bool\n  t: date\n  e: {type: enum, "
        "values: [agency, enterprise]}\n"
        "  f: {type: enum, values: [a, \"" V
        "\"]}\ncomputed:\n  x: {expr: 'round(d * 2, 2)'}\noutputs: [x]\n";
    static const struct {
        const char *field, *value, *tail;
    } cases[] = {
        {"d", V, "decimal point, e.g. 12.75)"},
        {"d", FW10 FW10 FW10 FW10 FW10 FW10 FW10 "\xEF\xBC\x91",
         "0001"}, /* full-width digits */
        {"b", V, "(expected true/false, yes/no or 1/0)"},
        {"t", V, "is not a date (expected YYYY-MM-DD)"},
        {"e", V, "is not one of the allowed values: agency, enterprise"},
        {"f", "\xE2\x80\x8B" V, "\xE2\x80\xA6"}, /* the list of values, cut */
    };
    const char *values[] = {plain, mixed};
    for (int v = 0; v < 2; v++) {
        char *text = fill(rules, values[v]);
        ql_ruleset *rs = load_text(text);
        ql_record *rec = NULL;
        assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            char *value = fill(cases[i].value, values[v]),
                 *tail = fill(cases[i].tail, "");
            ql_error err;
            ql_record_clear(rec);
            int k = ql_ruleset_input_index(rs, cases[i].field);
            assert_true(k >= 0);
            ql_status st =
                ql_record_set_text(rec, (size_t)k, value, strlen(value), &err);
            if (st == QL_OK) {
                print_error("record %s = %s: taken\n", cases[i].field, value);
                fail();
            }
            check_message(cases[i].field, &err, tail);
            free(value);
            free(tail);
        }
        ql_error err;
        assert_int_not_equal(ql_record_set(rec, values[v], "1", &err), QL_OK);
        check_message("unknown field", &err, "");
        ql_record_free(rec);
        ql_ruleset_free(rs);
        free(text);
    }
}

/* An override's value, and the parameter it names. */
static void test_messages_overrides(void **state)
{
    (void)state;
    static const char rules[] = RULES_HEAD
        "inputs:\n  n: integer\nparameters:\n"
        "  p:\n    values:\n      - {from: 2020-01-01, value: 1, source: s}\n"
        "  r:\n    unit: percent\n    values:\n      - {from: 2020-01-01, "
        "value: 1%, source: s}\n"
        "  w:\n    type: string\n    values:\n      - {from: 2020-01-01, "
        "value: a, source: s}\n"
        "computed:\n  x: n * p * r\n  y: {expr: 'w == \"a\"'}\noutputs: [x, "
        "y]\n";
    static const struct {
        const char *param, *value, *tail;
    } cases[] = {
        {"p", V,
         "is not a number (expected a plain decimal number, e.g. 12.75)"},
        {"p", "1." V,
         "is not a number (expected a plain decimal number, e.g. 12.75)"},
        {"w", V "e\xCC\x81", "(it is compared byte for byte)"},
        {V, "1", ""},
    };
    const char *values[] = {plain, mixed};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int v = 0; v < 2; v++) {
            char *param = fill(cases[i].param, values[v]),
                 *value = fill(cases[i].value, values[v]);
            ql_override o = QL_OVERRIDE_INIT;
            o.param = param;
            o.value = value;
            o.from = D("2020-01-01");
            ql_load_options opts = QL_LOAD_OPTIONS_INIT;
            opts.buffer = rules;
            opts.buffer_len = strlen(rules);
            opts.overrides = &o;
            opts.n_overrides = 1;
            ql_ruleset *rs = NULL;
            ql_error err;
            if (ql_ruleset_load_ext(&rs, "rules.yaml", &opts, &err) == QL_OK) {
                print_error("override %s = %s: taken\n", param, value);
                ql_ruleset_free(rs);
                fail();
            }
            check_message("override", &err, cases[i].tail);
            free(param);
            free(value);
        }
}

/* The public parsers quote what they refuse. */
static void test_messages_parsers(void **state)
{
    (void)state;
    const char *values[] = {plain, mixed};
    for (int v = 0; v < 2; v++) {
        ql_error err;
        ql_decimal d;
        ql_date day;
        assert_int_not_equal(
            ql_decimal_parse(&d, values[v], strlen(values[v]), &err), QL_OK);
        check_message("ql_decimal_parse", &err, "decimal point, e.g. 12.75)");
        assert_int_not_equal(
            ql_date_parse(&day, values[v], strlen(values[v]), &err), QL_OK);
        check_message("ql_date_parse", &err,
                      "is not a date (expected YYYY-MM-DD)");
    }
}

/* A message a binding or a caller built itself ("%.200s" of a key, cut
 * inside a character; a newline; U+00A0) is shown by ql_error_format as
 * one line of valid UTF-8, its file's name too, while err->file keeps
 * the name's bytes (a binding opens it). */
static void test_messages_format_shows_any_error_clean(void **state)
{
    (void)state;
    ql_error err;
    ql_error_clear(&err);
    err.code = QL_ERECORD;
    snprintf(err.message, sizeof err.message,
             "no input called '%.200s': a\nb\xC2\xA0"
             "c",
             plain);
    snprintf(err.field, sizeof err.field, "%.127s", plain);
    char text[4096];
    size_t n = ql_error_format(text, sizeof text, &err);
    assert_int_equal(mt_fault(text, n), 0);
    assert_non_null(strstr(text, "': a\\nb\\u00A0c"));
    assert_non_null(
        strstr(text, "\\xE4\\xBC'")); /* the cut shown, not hidden */
    ql_error_clear(&err);
    snprintf(err.file, sizeof err.file, "/tmp/r\xFF.yaml");
    err.line = 2;
    snprintf(err.message, sizeof err.message, "x");
    n = ql_error_format(text, sizeof text, &err);
    assert_string_equal(text, "/tmp/r\\xFF.yaml:2:0: x");
    /* a load keeps the name's bytes */
    ql_ruleset *rs = NULL;
    assert_int_not_equal(
        ql_ruleset_load(&rs, "/nonexistent/r\xFF\n.yaml", &err), QL_OK);
    assert_non_null(strstr(err.file, "r\xFF\\n.yaml"));
    n = ql_error_format(text, sizeof text, &err);
    assert_int_equal(mt_fault(text, n), 0);
}

/* A rule test's failures: the messages its callback gets. */
typedef struct {
    int n;
    const char *tail;
} failures;

static void on_failure(const char *file, int line, const char *name,
                       const char *msg, void *payload)
{
    (void)file, (void)line, (void)name;
    failures *f = payload;
    f->n++;
    size_t n = strlen(msg), bad = mt_fault(msg, n), tl = strlen(f->tail);
    if (bad || n + 1 >= QL_TEST_MESSAGE_MAX || !strstr(msg, "\xE2\x80\xA6") ||
        n < tl || strcmp(msg + n - tl, f->tail)) {
        print_error("rule test failure message: %s\n", msg);
        fail();
    }
}

static void test_messages_rule_tests(void **state)
{
    (void)state;
    static const char rules[] = RULES_HEAD
        "inputs:\n  n: integer\ncomputed:\n  x: n * 2\noutputs: [x]\n"
        "checks:\n  k:\n    title: K\n    source: s art. 1\n    applies: n > "
        "1\n"
        "    required: 1\n    actual: n\n";
    static const struct {
        const char *text, *tail;
    } cases[] = {
        {"    expect: {\"" V "\": 1}\n", ""},
        {"    expect: {k: \"" V "\"}\n",
         "true, false or a mapping of its fields)"},
        {"    expect: {k: {\"" V "\": 1}}\n",
         "compliant, required, actual or shortfall)"},
        {"    \"" V "\": 1\n", "error or note)"},
    };
    const char *values[] = {plain, mixed};
    scratch_put("rules.yaml", rules);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (int v = 0; v < 2; v++) {
            char *body = fill(cases[i].text, values[v]);
            size_t tl = strlen(body) + 128;
            char *text = malloc(tl);
            assert_non_null(text);
            snprintf(
                text, tl,
                "rules: rules.yaml\ncases:\n  - name: c\n    date: 2024-01-01\n"
                "    input: {n: 2}\n%s",
                body);
            const char *path = scratch_put("t.yaml", text);
            failures f = {0, cases[i].tail};
            size_t passed, failed;
            ql_error err;
            ql_status st = ql_test_file(&passed, &failed, path, NULL,
                                        on_failure, &f, &err);
            if (st != QL_OK)
                check_message("rule test", &err, cases[i].tail);
            else
                assert_true(f.n > 0);
            free(body);
            free(text);
        }
}

int main(void)
{
    make_values();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_rules_files),
        cmocka_unit_test(test_messages_records),
        cmocka_unit_test(test_messages_overrides),
        cmocka_unit_test(test_messages_parsers),
        cmocka_unit_test(test_messages_format_shows_any_error_clean),
        cmocka_unit_test_setup_teardown(test_messages_rule_tests, scratch_setup,
                                        scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
