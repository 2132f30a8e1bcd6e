/*
 * test_loader.c — loading rules files: every kind of error a rules author
 * can make gets its code, its line and column and a message saying what
 * was expected; `extends` merges by name; the introspection API reports
 * what was loaded.
 */
#include "test_util.h"
#include "util.h" /* the limits */

#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#define RULES(dir) QL_SOURCE_DIR "/tests/rules/" dir

static void test_loader_io_and_yaml_errors(void **state)
{
    (void)state;
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, "/nonexistent/x.yaml", &err), QL_EIO);
    assert_null(rs);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_int_equal(ql_ruleset_load(NULL, "x", &err), QL_EINVAL);
    assert_int_equal(ql_ruleset_load(&rs, NULL, &err), QL_EINVAL);
    assert_load_error("a: [1, 2\nb: 3\n", QL_EPARSE, 2, 2, "YAML syntax");
    assert_load_error("quotalevy: 1\na: 1\nb: 2\na: 3\n", QL_EPARSE, 4, 1,
                      "duplicate key 'a' (first at line 2)");
    assert_load_error("a: &x 1\nb: *x\n", QL_EPARSE, 1, 4, "anchors");
    assert_load_error("a: !!str 1\n", QL_EPARSE, 1, 4, "tags");
    assert_load_error("a: 1\n---\nb: 2\n", QL_EPARSE, 2, 1, "one YAML document");
    assert_load_error("", QL_ESCHEMA, 1, 1, "empty");
    assert_load_error("- 1\n- 2\n", QL_ESCHEMA, 1, 1, "a rules file must be a mapping");
    assert_load_error("? [a]\n: 1\n", QL_EPARSE, 1, 3, "plain scalar");
    char deep[400] = "a: ";
    for (int i = 0; i < 70; i++)
        strcat(deep, "[");
    assert_load_error(deep, QL_EPARSE, 1, 0 + 67, "deeper than 64");
    const char nul[] = "quotalevy: 1\0x";
    assert_int_equal(ql_ruleset_load_buffer(&rs, nul, sizeof nul - 1, "n.yaml", &err), QL_EPARSE);
    assert_non_null(strstr(err.message, "NUL byte"));
}

/* A CR alone, a NEL and U+2028/U+2029 are refused at the first of them,
 * whichever kind it is, located by LF lines; the same bytes that start
 * no such line end (CRLF, an em dash, a section sign) are read on. */
static void test_loader_odd_line_ends_located(void **state)
{
    (void)state;
    assert_load_error("a: 1\rb: 2\n", QL_EPARSE, 1, 5, "a CR without LF");
    assert_load_error("a: 1\r\nb: 2\r", QL_EPARSE, 2, 5, "a CR without LF");
    assert_load_error("t: \"x\xC2\x85\"\n", QL_EPARSE, 1, 6, "a NEL (U+0085)");
    assert_load_error("a: 1\n#\xE2\x80\xA8", QL_EPARSE, 2, 2,
                      "a line or paragraph separator");
    assert_load_error("a: \xE2\x80\xA9\rb\xC2\x85\n", QL_EPARSE, 1, 4,
                      "a line or paragraph separator");
    assert_load_error("a: \xC2\xA7\xC2\x85\r\n", QL_EPARSE, 1, 5, "a NEL");
    assert_load_error("a: \xE2\x80\x94\xE2\x80\x94\r\n# \xE2\x80\xA8\n",
                      QL_EPARSE, 2, 3, "a line or paragraph separator");
    assert_load_error("a: \xE2\x80\x94 \xC2\xA7\r\n", QL_ESCHEMA, 0, 0, "");
}

/* A byte that is not UTF-8 is named, at its own line and column, with
 * what it would start and what breaks it (lib13b 5a: libyaml's offset and
 * value are the byte after a broken lead byte, so "caf\xE9" was put at the
 * closing quote, as byte 0x22); so are a NUL and the characters YAML text
 * may not hold.  At a line's start, middle and end; in keys, plain and
 * quoted values, block scalars and comments; after wide characters. */
static void test_loader_bad_bytes_located(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        size_t len; /* 0: strlen */
        int line, col;
        const char *needle;
    } cases[] = {
        {"quotalevy: 1\n\xE9" "d: x\n", 0, 2, 1,
         "byte 0xE9 is not UTF-8 (it starts a 3-byte sequence, but 0x64 follows "
         "where a continuation byte (0x80-0xBF) belongs): rules and test files are "
         "UTF-8 text; save this one as UTF-8"},
        {"quotalevy: 1\nid\xFF: x\n", 0, 2, 3,
         "byte 0xFF is not UTF-8 (no UTF-8 sequence holds it)"},
        {"quotalevy: 1\ntitle: caf\xE9\n", 0, 2, 11,
         "byte 0xE9 is not UTF-8 (it starts a 3-byte sequence, but 0x0A follows"},
        {"quotalevy: 1\ntitle: \"caf\xE9\"\n", 0, 2, 12,
         "byte 0xE9 is not UTF-8 (it starts a 3-byte sequence, but 0x22 follows"},
        {"quotalevy: 1\ntitle: '\xE5\x90\x89\x80'\n", 0, 2, 10,
         "byte 0x80 is not UTF-8 (a continuation byte with no lead byte before it)"},
        {"quotalevy: 1\ntitle: |\n  ok\n  \xE6\x9E\x97 x\xC3(\n", 0, 4, 6,
         "byte 0xC3 is not UTF-8 (it starts a 2-byte sequence, but 0x28 follows"},
        {"quotalevy: 1 # caf\xE9s\n", 0, 1, 19,
         "byte 0xE9 is not UTF-8 (it starts a 3-byte sequence, but 0x73 follows"},
        {"# \xC3\n", 0, 1, 3, "byte 0xC3 is not UTF-8 (it starts a 2-byte sequence, "
                              "but 0x0A follows"},
        {"quotalevy: 1\ntitle: x\xE2\x82", 0, 2, 9,
         "byte 0xE2 is not UTF-8 (it starts a 3-byte sequence that the end of "
         "the text cuts short)"},
        {"quotalevy: 1\nid: \xC0\xAF\n", 0, 2, 5,
         "byte 0xC0 is not UTF-8 (it would start an overlong form)"},
        {"id: \xE0\x80\xAF\n", 0, 1, 5,
         "byte 0xE0 is not UTF-8 (it starts an overlong form of U+002F (3 bytes"},
        {"id: \xED\xA0\x80\n", 0, 1, 5,
         "byte 0xED is not UTF-8 (it starts U+D800, a surrogate"},
        {"id: \xF4\x90\x80\x80\n", 0, 1, 5,
         "byte 0xF4 is not UTF-8 (it starts a value past U+10FFFF"},
        {"quotalevy: 1\nid: a\x01" "b\n", 0, 2, 6,
         "U+0001, a control character, is not allowed in YAML text: write it as "
         "the escape \\u0001 in a double-quoted string"},
        {"id: \xE5\x90\x89\x7F\n", 0, 1, 6, "U+007F, a control character"},
        {"id: a\xC2\x80\n", 0, 1, 6, "U+0080, a control character"},
        {"id: \"\xEF\xBF\xBE\"\n", 0, 1, 6, "U+FFFE, a noncharacter"},
        {"quotalevy: 1\nid: a\0b\n", 21, 2, 6,
         "the file holds a NUL byte: rules and test files are UTF-8 text"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ql_ruleset *rs = NULL;
        ql_error err;
        size_t len = cases[k].len ? cases[k].len : strlen(cases[k].yaml);
        ql_status st = ql_ruleset_load_buffer(&rs, cases[k].yaml, len, "u.yaml", &err);
        if (st != QL_EPARSE || err.line != cases[k].line || err.column != cases[k].col ||
            !strstr(err.message, cases[k].needle))
            fail_msg("case %zu: expected %d:%d \"%s\"; got %s %d:%d %s", k,
                     cases[k].line, cases[k].col, cases[k].needle,
                     ql_status_name(st), err.line, err.column, err.message);
    }
    /* the same bytes, valid, load on (a wide character before a column) */
    assert_load_error("quotalevy: 1\ntitle: '\xE5\x90\x89'\nzz: [\n", QL_EPARSE, 0, 0,
                      "YAML syntax");
}

/* An empty extends names no file: said so at the extends, not "cannot
 * open ''" (before, it was an I/O error on the folder's name). */
static void test_loader_empty_extends(void **state)
{
    (void)state;
    static const char *const empties[] = {"\"\"", "", "\"  \"", "''"};
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        char y[512];
        snprintf(y, sizeof y, RULES_HEAD "extends: %s\noutputs: []\n", empties[i]);
        assert_load_error(y, QL_ESCHEMA, 9, i == 1 ? 9 : 10,
                          "an empty extends is not a file name");
    }
}

static void test_loader_top_level_schema(void **state)
{
    (void)state;
    assert_load_error("id: x\n", QL_ESCHEMA, 1, 1, "needs 'quotalevy'");
    assert_load_error("quotalevy: 2\n", QL_ESCHEMA, 1, 12, "unsupported format version '2'");
    /* The version is judged before any other key is named: a file that
     * is not a version-1 rules file has none of its keys quoted. */
    assert_load_error("quotalevy: 2\nsecret_hunter2: x\n", QL_ESCHEMA, 1, 12,
                      "unsupported format version '2'");
    {
        const char *odd = "quotalevy: secret-hunter2\nid: x\n";
        ql_ruleset *rs = NULL;
        ql_error err;
        assert_int_equal(ql_ruleset_load_buffer(&rs, odd, strlen(odd), "odd.yaml", &err),
                         QL_ESCHEMA);
        assert_non_null(strstr(err.message, "unsupported format version"));
        assert_null(strstr(err.message, "hunter2"));
    }
    /* Whatever the keys' order: the version is the first key, and a file
     * that only holds one somewhere, or none, or repeats a key before its
     * version is known, is refused as not a rules file, quoting nothing
     * (before, its keys were named in "unknown key" and "duplicate key"
     * messages). */
    static const char *const not_rules[] = {
        "secret_hunter2: 1\nquotalevy: 1\n",
        "id: secret_hunter2\nquotalevy: 1\nbogus: 1\n",
        "root:secret_hunter2:0:0: 1\nquotalevy: 1\n",
        "secret_hunter2: 1\nsecret_hunter2: 2\n",
        "secret_hunter2: 1\nsecret_hunter2: 2\nquotalevy: 1\n",
        "x: {secret_hunter2: 1, secret_hunter2: 2}\n",
        "quotalevy: 2\nsecret_hunter2: 1\nsecret_hunter2: 2\n",
        "quotalevy: 2\nx: {secret_hunter2: 1, secret_hunter2: 2}\n",
    };
    for (size_t i = 0; i < sizeof not_rules / sizeof *not_rules; i++) {
        ql_ruleset *rs = NULL;
        ql_error err;
        assert_int_equal(ql_ruleset_load_buffer(&rs, not_rules[i],
                                                strlen(not_rules[i]), "o.yaml",
                                                &err),
                         QL_ESCHEMA);
        if (i < 6)
            assert_non_null(strstr(err.message, "not a quotalevy rules file"));
        assert_null(strstr(err.message, "hunter2"));
    }
    assert_load_error("a: 1\nquotalevy: 1\n", QL_ESCHEMA, 1, 1,
                      "starts with another key");
    assert_load_error("quotalevy: 1\nid: x\n", QL_ESCHEMA, 1, 1, "needs 'title'");
    assert_load_error("quotalevy: 1\nid: \"\"\n", QL_ESCHEMA, 2, 5, "'id' of a rules file is empty");
    assert_load_error(RULES_HEAD "outputz: []\n", QL_ESCHEMA, 9, 1,
                      "unknown key 'outputz' in a rules file; did you mean 'outputs'? (expected one of: quotalevy, id,");
    assert_load_error(RULES_HEAD, QL_ESCHEMA, 2, 5, "needs 'outputs'");
    assert_load_error(RULES_HEAD "outputs: x\n", QL_ESCHEMA, 9, 10, "'outputs' must be a list");
    assert_load_error(RULES_HEAD "inputs: [a]\noutputs: []\n", QL_ESCHEMA, 9, 9, "inputs must be a mapping");
    /* A BOM is fine. */
    const char *bom = "\xEF\xBB\xBF" RULES_HEAD "outputs: []\n";
    ql_ruleset *rs = load_text(bom);
    assert_int_equal(ql_ruleset_output_count(rs), 0);
    ql_ruleset_free(rs);
}

static void test_loader_input_errors(void **state)
{
    (void)state;
    assert_load_error(RULES_HEAD "inputs:\n  n: float\noutputs: []\n", QL_ESCHEMA, 10, 6,
                      "unknown type 'float' (expected decimal, integer");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: enum}\noutputs: []\n", QL_ESCHEMA, 10, 3,
                      "needs 'values'");
    assert_load_error(RULES_HEAD "inputs:\n  n: enum\noutputs: []\n", QL_ESCHEMA, 10, 6,
                      "mapping form");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: enum, values: [a, b, a]}\noutputs: []\n",
                      QL_ESCHEMA, 10, 34, "listed twice");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: enum, values: [a, \"\"]}\noutputs: []\n",
                      QL_ESCHEMA, 10, 31, "cannot be empty");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: bool, min: 0}\noutputs: []\n", QL_ESCHEMA, 10, 24,
                      "'min' is only for number inputs");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: decimal, min: 0, above: 1}\noutputs: []\n",
                      QL_ESCHEMA, 10, 37, "give only one of 'min' and 'above'");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: decimal, min: zero}\noutputs: []\n",
                      QL_ESCHEMA, 10, 27, "'zero' is not a number");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: bool, default: maybe}\noutputs: []\n",
                      QL_ESCHEMA, 10, 28, "expected true or false");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: decimal, required: true, default: 1}\noutputs: []\n",
                      QL_ESCHEMA, 10, 47, "required input cannot have a default");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: decimal, requird: true}\noutputs: []\n",
                      QL_ESCHEMA, 10, 22, "unknown key 'requird' in input 'n'");
    assert_load_error(RULES_HEAD "inputs:\n  9lives: decimal\noutputs: []\n", QL_ENAME, 10, 3,
                      "'9lives' is not a valid name");
    assert_load_error(RULES_HEAD "inputs:\n  and: decimal\noutputs: []\n", QL_ENAME, 10, 3,
                      "not a keyword");
    assert_load_error(RULES_HEAD "inputs:\n  date: decimal\noutputs: []\n", QL_ENAME, 10, 3,
                      "'date' is reserved");
}

#define PARAM(body)                                                          \
    RULES_HEAD "parameters:\n  p:\n    values:\n" body "outputs: []\n"
/* PARAM's first value item is on line 12. */

/* A number in exponent form that a decimal cannot hold written out is
 * "number too long" wherever a number is read, zero or tiny too: 0e-400
 * said "not a plain decimal number" (cli13's known edge), and a rules
 * file's parameter took any exponent form for text ("'1e400' is a string,
 * but … needs a number").  One that fits is the wrong notation still. */
static void test_loader_exponent_form_too_long_everywhere(void **state)
{
    (void)state;
    static const char head[] = "number too long: at most 36 significant digits and 36 "
                               "digits after the point ";
    static const struct {
        const char *text, *how;
    } cases[] = {
        {"0e-400", "(written out, it has 400 digits after the point)"},
        {"-0e-400", "(written out, it has 400 digits after the point)"},
        {"0.0e-36", "(written out, it has 37 digits after the point)"},
        {"1e-400", "(written out, it has 400 digits after the point)"},
        {"1e400", "(written out, it has 401 digits before the point)"},
        {"0E+999999", "(its exponent, 999999, puts the point past the 36 digits a decimal "
                      "holds before it)"},
        {"0e+37", "(its exponent, 37, puts the point past the 36 digits"},
        {"-0.00E+99999999999", "(its exponent, more than 1000000, puts the point past"},
    };
    ql_ruleset *rs = load_text(RULES_HEAD "inputs:\n  n: decimal\noutputs: []\n");
    ql_record *rec;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char *t = cases[k].text;
        char want[300], y[1024];
        snprintf(want, sizeof want, "'%s': %s%s", t, head, cases[k].how);
        ql_decimal d;
        ql_error err;
        /* the C API */
        assert_int_equal(ql_decimal_parse(&d, t, strlen(t), &err), QL_ERANGE);
        if (!strstr(err.message, want))
            fail_msg("ql_decimal_parse %s: %s", t, err.message);
        /* a record's field */
        assert_int_equal(ql_record_set_text(rec, 0, t, strlen(t), &err), QL_ERECORD);
        snprintf(want, sizeof want, "'%s' is not a valid decimal: %s%s", t, head,
                 cases[k].how);
        if (!strstr(err.message, want))
            fail_msg("record %s: %s", t, err.message);
        /* a rules file's parameter value, and an input's bound */
        snprintf(want, sizeof want, "'%s' is not a number: %s%s", t, head, cases[k].how);
        snprintf(y, sizeof y, PARAM("      - {from: 2020-01-01, value: %s, source: s}\n"), t);
        assert_load_error(y, QL_ERANGE, 12, 35, want);
        snprintf(y, sizeof y, RULES_HEAD "inputs:\n  n: {type: decimal, min: %s}\noutputs: []\n",
                 t);
        assert_load_error(y, QL_ERANGE, 10, 27, want);
        /* an override */
        ql_override o = QL_OVERRIDE_INIT;
        o.param = "wage_cap";
        o.value = t;
        o.from = D("2024-01-01");
        ql_ruleset *ors = NULL;
        assert_int_equal(ql_ruleset_load_overridden(&ors, RULES("base.yaml"), &o, 1, &err),
                         QL_ERANGE);
        snprintf(want, sizeof want, "override of parameter 'wage_cap': '%s': %s%s", t, head,
                 cases[k].how);
        if (!strstr(err.message, want))
            fail_msg("override %s: %s", t, err.message);
    }
    /* in range written out: only the notation is wrong */
    static const char *const fits[] = {"0e+36", "0.0e-35", "1e2", "-0E-36"};
    for (size_t k = 0; k < sizeof fits / sizeof *fits; k++) {
        ql_decimal d;
        ql_error err;
        assert_int_equal(ql_decimal_parse(&d, fits[k], strlen(fits[k]), &err), QL_EPARSE);
        assert_non_null(strstr(err.message, "not a plain decimal number"));
        char y[1024];
        snprintf(y, sizeof y, PARAM("      - {from: 2020-01-01, value: %s, source: s}\n"),
                 fits[k]);
        assert_load_error(y, QL_ESCHEMA, 12, 35, "is not a number: not a plain decimal number");
    }
    ql_record_free(rec);
    ql_ruleset_free(rs);
}

static void test_loader_parameter_errors(void **state)
{
    (void)state;
    /* P6-06: a number an IME typed (full-width, Arabic-Indic digits,
     * '％', U+2212) is refused naming the look-alike and what is meant,
     * never taken for a text */
    assert_load_error(PARAM("      - {from: 2020-01-01, value: 1.7\xef\xbc\x85, source: s}\n"),
                      QL_ESCHEMA, 12, 35,
                      "'1.7\xef\xbc\x85' is not a number: it has '\xef\xbc\x85' (U+FF05, "
                      "a full-width percent sign) where '%' is meant: write 1.7%");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: \xef\xbc\x91.\xef\xbc\x97%, "
                            "source: s}\n"),
                      QL_ESCHEMA, 12, 35, "(U+FF11, a full-width digit) where '1' is "
                      "meant: write 1.7%");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: \xe2\x88\x92" "3, source: s}\n"),
                      QL_ESCHEMA, 12, 35, "(U+2212, a minus sign) where '-' is meant: write -3");
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: decimal, min: \xd9\xa5}\noutputs: []\n",
                      QL_ESCHEMA, 10, 27,
                      "min: '\xd9\xa5' is not a number: it has '\xd9\xa5' (U+0665, an "
                      "Arabic-Indic digit) where '5' is meant: write 5");
    /* one message, no parentheses inside parentheses */
    assert_load_error(RULES_HEAD "inputs:\n  n: {type: decimal, min: 1x}\noutputs: []\n",
                      QL_ESCHEMA, 10, 27, "min: '1x' is not a number: not a plain decimal");
    assert_load_error(RULES_HEAD "parameters:\n  p: {}\noutputs: []\n", QL_ESCHEMA, 10, 6,
                      "needs 'values'");
    assert_load_error(PARAM("      - value: 1\n        source: s\n"), QL_ESCHEMA, 12, 9,
                      "needs 'from'");
    assert_load_error(PARAM("      - from: 2020-01-01\n        value: 1\n"), QL_ESCHEMA, 12, 9,
                      "needs a 'source' citation");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: 1, source: law art. 1}\n"),
                      QL_ENAME, 12, 46, "cites 'law', which is not declared under 'sources'");
    assert_load_error(PARAM("      - {from: 2020-02-30, value: 1, source: s}\n"), QL_ESCHEMA, 12, 16,
                      "not a real calendar date");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: 1, source: s}\n"
                            "      - {from: 2019-01-01, value: 2, source: s}\n"),
                      QL_ESCHEMA, 13, 16,
                      "parameter 'p': its values must be listed by the day each "
                      "starts ('from'), oldest first: this one's 'from: 2019-01-01' "
                      "does not come after 'from: 2020-01-01' (line 12)");
    assert_load_error(PARAM("      - {from: 2020-01-01, until: 2021-06-30, value: 1, source: s}\n"
                            "      - {from: 2021-01-01, value: 2, source: s}\n"),
                      QL_ESCHEMA, 13, 16,
                      "parameter 'p': this value starts ('from: 2021-01-01') before "
                      "the value before it ends ('until: 2021-06-30', line 12)");
    assert_load_error(PARAM("      - {from: 2020-01-01, until: 2019-06-30, value: 1, source: s}\n"),
                      QL_ESCHEMA, 12, 35,
                      "parameter 'p': 'until: 2019-06-30' is before 'from: 2020-01-01'");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: 1, source: s}\n"
                            "      - {from: 2021-01-01, value: true, source: s}\n"),
                      QL_ETYPE, 13, 35, "same type as the first");
    assert_load_error(PARAM("      - {from: 2020-01-01, source: s}\n"), QL_ESCHEMA, 12, 9,
                      "exactly one of 'value' and 'brackets'");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: 1, brackets: [], source: s}\n"),
                      QL_ESCHEMA, 12, 9, "exactly one of 'value' and 'brackets'");
    assert_load_error(PARAM("      - from: 2020-01-01\n        source: s\n        brackets:\n"
                            "          - {from: 0.02, value: 1}\n          - {from: 0.01, value: 2}\n"),
                      QL_ESCHEMA, 16, 13,
                      "parameter 'p': brackets must be listed by their bound, lowest "
                      "first: 'from: 0.01' does not come after 'from: 0.02' (line 15)");
    assert_load_error(PARAM("      - from: 2020-01-01\n        source: s\n        brackets:\n"
                            "          - {above: 1, value: 1}\n          - {from: 1, value: 2}\n"),
                      QL_ESCHEMA, 16, 13, "'from: 1' does not come after 'above: 1'");
    assert_load_error(PARAM("      - from: 2020-01-01\n        source: s\n        brackets:\n"
                            "          - {from: 0, above: 0, value: 1}\n"),
                      QL_ESCHEMA, 15, 13,
                      "parameter 'p': bracket 1 has both 'from' and 'above': it "
                      "needs exactly one lower bound");
    assert_load_error(PARAM("      - from: 2020-01-01\n        source: s\n        brackets:\n"
                            "          - {from: 0, value: 1}\n          - {value: 2}\n"),
                      QL_ESCHEMA, 16, 13, "parameter 'p': bracket 2 has neither 'from' nor 'above'");
    assert_load_error(PARAM("      - {from: 2020-01-01, value: 1, source: s, untl: 2021-01-01}\n"),
                      QL_ESCHEMA, 12, 49, "unknown key 'untl' in a parameter value");
    assert_load_error(RULES_HEAD "parameters:\n  p:\n    type: float\n    values: []\noutputs: []\n",
                      QL_ESCHEMA, 11, 11, "unknown parameter type 'float'");
    /* 10,000 digits is refused as too long, not parsed into garbage. */
    char *big = malloc(12000);
    strcpy(big, PARAM("      - {from: 2020-01-01, source: s, value: "));
    size_t n = strlen(big);
    big[n - strlen("outputs: []\n")] = '\0';
    n = strlen(big);
    memset(big + n, '7', 10000);
    strcpy(big + n + 10000, "}\noutputs: []\n");
    assert_load_error(big, QL_ERANGE, 12, 46, "number too long");
    free(big);
}

static void test_loader_check_and_output_errors(void **state)
{
    (void)state;
    const char *in = RULES_HEAD "inputs:\n  n: decimal\n";
    char y[2048];
    snprintf(y, sizeof y, "%schecks:\n  c: {title: T, source: s, required: 1}\noutputs: []\n", in);
    assert_load_error(y, QL_ESCHEMA, 12, 6, "check 'c' needs 'actual'");
    snprintf(y, sizeof y, "%schecks:\n  c: {source: s, required: 1, actual: n}\noutputs: []\n", in);
    assert_load_error(y, QL_ESCHEMA, 12, 6, "needs 'title'");
    snprintf(y, sizeof y, "%schecks:\n  c: {title: T, required: 1, actual: n}\noutputs: []\n", in);
    assert_load_error(y, QL_ESCHEMA, 12, 6, "needs a 'source' citation");
    snprintf(y, sizeof y, "%schecks:\n  c: {title: T, source: s, applies: n, required: 1, actual: n}\noutputs: []\n", in);
    assert_load_error(y, QL_ETYPE, 12, 37, "check 'c' applies: must be a bool, not a number");
    snprintf(y, sizeof y, "%schecks:\n  c: {title: T, source: s, required: n > 1, actual: n}\noutputs: []\n", in);
    assert_load_error(y, QL_ETYPE, 12, 38, "check 'c' required: must be a number, not a bool");
    snprintf(y, sizeof y, "%schecks:\n  c: {title: T, source: s, from: 2024-01-01, until: 2023-01-01, required: 1, actual: n}\noutputs: []\n", in);
    assert_load_error(y, QL_ESCHEMA, 12, 53,
                      "check 'c': 'until: 2023-01-01' is before 'from: 2024-01-01'");
    snprintf(y, sizeof y, "%svalidations:\n  v: {message: m}\noutputs: []\n", in);
    assert_load_error(y, QL_ESCHEMA, 12, 6, "needs a 'rule'");
    snprintf(y, sizeof y, "%svalidations:\n  v: {rule: n, message: m}\noutputs: []\n", in);
    assert_load_error(y, QL_ETYPE, 12, 13, "a rule must be a bool");
    snprintf(y, sizeof y, "%svalidations:\n  v: {rule: n > 0, message: m, field: x}\noutputs: []\n", in);
    assert_load_error(y, QL_ENAME, 12, 39, "'x' is not an input");
    snprintf(y, sizeof y, "%soutputs: [n, zzz]\n", in);
    assert_load_error(y, QL_ENAME, 11, 14, "output 'zzz' is not a computed value, check or input");
    snprintf(y, sizeof y, "%soutputs: [n, n]\n", in);
    assert_load_error(y, QL_ENAME, 11, 14, "listed twice");
    snprintf(y, sizeof y, "%scomputed:\n  n: 1\noutputs: []\n", in);
    assert_load_error(y, QL_ENAME, 12, 3, "'n' is already defined as an input (inline.yaml:10)");
    snprintf(y, sizeof y, "%scomputed:\n  x: {description: d}\noutputs: []\n", in);
    assert_load_error(y, QL_ESCHEMA, 12, 6, "needs 'expr'");
    /* A cycle through a computed value and a check. */
    snprintf(y, sizeof y,
             "%scomputed:\n  x: c.shortfall + 1\nchecks:\n"
             "  c: {title: T, source: s, required: x, actual: n}\noutputs: [x]\n", in);
    assert_load_error(y, QL_ENAME, 0, 0, "depends on itself");
}

static void test_loader_dependency_depth_limit(void **state)
{
    (void)state;
    /* v0 ← v1 ← … ← v300: deeper than the limit (QL_MAX_DEPENDENCY_DEPTH). */
    size_t cap = 20000, o = 0;
    char *y = malloc(cap);
    o += (size_t)snprintf(y + o, cap - o, "%scomputed:\n  v0: 1\n", RULES_HEAD);
    for (int i = 1; i <= 300; i++)
        o += (size_t)snprintf(y + o, cap - o, "  v%d: v%d + 1\n", i, i - 1);
    snprintf(y + o, cap - o, "outputs: [v300]\n");
    char want[64];
    snprintf(want, sizeof want, "more than %d levels deep", QL_MAX_DEPENDENCY_DEPTH);
    assert_load_error(y, QL_ELIMIT, 0, 0, want);
    free(y);
}

static void test_loader_extends_overrides_by_name(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, RULES("child.yaml"), &err), QL_OK);
    assert_text(ql_ruleset_meta(rs, "id"), "test-child");
    assert_text(ql_ruleset_meta(rs, "jurisdiction"), "XX-1");
    assert_null(ql_ruleset_meta(rs, "nonsense"));
    /* Parent inputs first, in order, then the child's. */
    assert_text(ql_ruleset_input_name(rs, 0), "id");
    size_t n = ql_ruleset_input_count(rs);
    assert_text(ql_ruleset_input_name(rs, n - 1), "kiosks");
    assert_text(ql_ruleset_input_type(rs, n - 1), "integer");
    assert_int_equal(ql_ruleset_input_index(rs, "kiosks"), (int)n - 1);
    assert_int_equal(ql_ruleset_input_index(rs, "nope"), -1);
    /* The overridden ratio keeps its place among the parameters. */
    assert_text(ql_ruleset_param_name(rs, 0), "ratio");
    ql_value v = QL_VALUE_INIT;
    ql_date from;
    const char *src;
    char buf[64];
    assert_int_equal(ql_ruleset_param_value(&v, &from, &src, rs, 0, D("2021-12-31"), &err), QL_OK);
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "0.015");
    assert_int_equal(ql_ruleset_param_value(&v, &from, &src, rs, 0, D("2022-01-01"), &err), QL_OK);
    ql_value_format(buf, sizeof buf, &v);
    assert_text(buf, "0.016");
    assert_text(src, "fict-regional art. 2");
    assert_int_equal(from, D("2022-01-01"));
    assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, 0, D("1999-12-31"), &err), QL_ENODATA);
    /* A table parameter reads as text. */
    int relief = -1;
    for (size_t i = 0; i < ql_ruleset_param_count(rs); i++)
        if (!strcmp(ql_ruleset_param_name(rs, i), "relief"))
            relief = (int)i;
    assert_true(relief >= 0);
    assert_int_equal(ql_ruleset_param_value(&v, NULL, NULL, rs, (size_t)relief, D("2021-01-01"), &err), QL_OK);
    assert_int_equal(v.type, QL_TYPE_TABLE);
    assert_non_null(strstr(v.string, "0.01 → 0.5"));
    /* Checks: the parent's, then the child's; outputs: the child's list. */
    assert_int_equal(ql_ruleset_check_count(rs), 3);
    assert_text(ql_ruleset_check_name(rs, 2), "kiosk_share");
    assert_text(ql_ruleset_check_source(rs, 2), "fict-regional art. 7");
    assert_non_null(strstr(ql_ruleset_check_title(rs, 0), "50 posts"));
    assert_int_equal(ql_ruleset_output_count(rs), 7);
    assert_text(ql_ruleset_output_name(rs, 6), "all_ok");
    assert_true(ql_ruleset_output_is_check(rs, 5));
    assert_int_equal(ql_ruleset_output_type(rs, 0), QL_TYPE_NUMBER);
    assert_int_equal(ql_ruleset_output_type(rs, 5), QL_TYPE_BOOL);
    assert_int_equal(ql_ruleset_output_type(rs, 6), QL_TYPE_BOOL);
    assert_int_equal(ql_ruleset_output_type(rs, 99), QL_TYPE_NONE);
    assert_false(ql_ruleset_output_is_check(rs, 6));
    ql_ruleset_free(rs);
}

static void test_loader_extends_errors(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, RULES("cycle_a.yaml"), &err), QL_ENAME);
    assert_non_null(strstr(err.message, "makes a cycle"));
    assert_non_null(strstr(err.file, "cycle_b.yaml"));
    assert_int_equal(err.line, 2);
    /* a text from memory named without a folder: by name only */
    assert_load_error(RULES_HEAD "extends: missing.yaml\noutputs: []\n", QL_EIO, 9, 10,
                      "extends 'missing.yaml': no rule set of that name");
    /* A buffer named inside tests/rules resolves its parent there; a
     * source id may not be declared twice along the chain. */
    const char *child = "quotalevy: 1\nextends: base.yaml\nid: c\ntitle: C\n"
                        "jurisdiction: XX\nversion: \"1\"\n"
                        "sources:\n  fict-act: {title: again}\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, child, strlen(child), RULES("mem.yaml"), &err),
                     QL_ENAME);
    assert_non_null(strstr(err.message, "source 'fict-act' is already declared"));
    assert_int_equal(err.line, 8);
}

/* A date move written in the formula that fails every record: refused
 * at load, at the number (lib13 item 7). */
static void test_loader_date_shift_literals(void **state)
{
    (void)state;
#define SHIFT(x) RULES_HEAD "computed:\n  d: " x "\noutputs: [d]\n"
    assert_load_error(SHIFT("add_days(date, 1.5)"), QL_ERANGE, 10, 21,
                      "add_days() moves a date by whole days, not by a "
                      "fraction");
    assert_load_error(SHIFT("add_days(date, 3652059)"), QL_ERANGE, 10, 21,
                      "add_days(): no date moved by this many days stays "
                      "within the years 1 to 9999 (at most 3652058)");
    assert_load_error(SHIFT("add_months(date, -119988)"), QL_ERANGE, 10, 23,
                      "(at most 119987)");
    assert_load_error(SHIFT("add_years(date, 10000)"), QL_ERANGE, 10, 22,
                      "add_years(): no date moved by this many years");
#undef SHIFT
    /* the widest moves load */
    const char *ok = RULES_HEAD "computed:\n  d: add_days(date, -3652058)\n"
                                "  e: add_years(date, 9998)\n"
                                "  f: add_months(date, 2.0)\noutputs: [d, e, f]\n";
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load_buffer(&rs, ok, strlen(ok), "ok.yaml", &err), QL_OK);
    ql_ruleset_free(rs);
}

static void test_loader_size_limit(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    size_t n = (16u << 20) + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    assert_int_equal(ql_ruleset_load_buffer(&rs, big, n, "big.yaml", &err), QL_ELIMIT);
    free(big);
    const char *path = "/tmp/ql_test_big.yaml";
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 17 * 1024; i++)
        fprintf(f, "%1023s\n", "#");
    fclose(f);
    assert_int_equal(ql_ruleset_load(&rs, path, &err), QL_ELIMIT);
    assert_non_null(strstr(err.message, "16 MiB"));
    remove(path);
}

static void test_loader_diagnose_reports_every_problem(void **state)
{
    (void)state;
    const char *path = "/tmp/ql_test_diag.yaml";
    ql_error errs[8];
    size_t count = 0;
    FILE *f = fopen(path, "w");
    /* Three independent problems in the sections. */
    fputs(RULES_HEAD
          "inputs:\n  a: float\n  b: decimal\n"
          "parameters:\n  p: {values: [{from: 2020-01-01, value: 1}]}\n"
          "checks:\n  c: {title: T, source: s, required: 1, actual: b, colour: red}\n"
          "outputs: [b, zzz]\n", f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(errs, 8, &count, path), QL_ESCHEMA);
    assert_int_equal(count, 4);
    assert_int_equal(errs[0].line, 10);
    assert_non_null(strstr(errs[0].message, "unknown type 'float'"));
    assert_int_equal(errs[1].line, 13);
    assert_non_null(strstr(errs[1].message, "needs a 'source' citation"));
    assert_int_equal(errs[2].line, 15);
    assert_non_null(strstr(errs[2].message, "unknown key 'colour'"));
    assert_int_equal(errs[3].line, 16);
    assert_non_null(strstr(errs[3].message, "output 'zzz'"));
    /* Expressions: each bad one once; a value using a bad one is silent. */
    f = fopen(path, "w");
    fputs(RULES_HEAD
          "inputs:\n  n: decimal\n  flag: bool\n"
          "computed:\n"
          "  x: n + flag\n"
          "  y: x * 2\n"
          "  z: nope\n"
          "  w: n\n"
          "validations:\n  v: {rule: n, message: m}\n"
          "outputs: [w]\n", f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(errs, 8, &count, path), QL_ETYPE);
    assert_int_equal(count, 3);
    assert_int_equal(errs[0].line, 13);
    assert_int_equal(errs[1].line, 15);
    assert_non_null(strstr(errs[1].message, "unknown name 'nope'"));
    assert_int_equal(errs[2].line, 18);
    assert_non_null(strstr(errs[2].message, "must be a bool"));
    /* Fewer slots than problems: the count still says how many. */
    assert_int_equal(ql_ruleset_diagnose(errs, 1, &count, path), QL_ETYPE);
    assert_int_equal(count, 3);
    /* A good file. */
    assert_int_equal(ql_ruleset_diagnose(errs, 8, &count, QL_SOURCE_DIR "/tests/rules/child.yaml"), QL_OK);
    assert_int_equal(count, 0);
    assert_int_equal(ql_ruleset_diagnose(errs, 8, &count, "/nonexistent.yaml"), QL_EIO);
    assert_int_equal(count, 1);
    remove(path);
}

/* A definition that fails is said once: a citation of that source, or
 * an output naming that input, computed value, check or list (or one of
 * its items), adds no second, misleading message ("is not declared", "is
 * not a computed value, check or input"). */
static void test_loader_diagnose_failed_definition_said_once(void **state)
{
    (void)state;
    const char *path = "/tmp/ql_test_diag_once.yaml";
    ql_error errs[16];
    size_t count = 0;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"
          "sources:\n"
          "  s: {title: S, url: [1]}\n"               /* 7: url not a scalar */
          "  ok: {title: Fine}\n"
          "inputs:\n"
          "  n: {type: decimal, scale: x}\n"          /* 10: bad scale */
          "  k: {type: decimal, count: 0}\n"          /* 11: bad count */
          "  m: decimal\n"
          "computed:\n"
          "  bad: {expr: \"m +\"}\n"                  /* 14: bad formula */
          "  good: {expr: m * 2, source: s art. 1}\n" /* cites the bad s */
          "checks:\n"
          "  c1: {title: C}\n"                       /* 17: no source */
          "outputs: [n, k, \"k[2]\", bad, c1, good, m, zzz]\n", /* 18 */
          f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(errs, 16, &count, path), QL_ESCHEMA);
    static const int lines[] = {7, 10, 11, 14, 17, 18};
    for (size_t i = 0; i < count && i < 16; i++)
        print_message("  %d:%d %s\n", errs[i].line, errs[i].column, errs[i].message);
    assert_int_equal(count, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(errs[i].line, lines[i]);
    /* the one output error left is the real one: zzz is nowhere */
    assert_non_null(strstr(errs[5].message, "output 'zzz'"));
    /* an item past a list that loaded is still an error */
    f = fopen(path, "w");
    fputs(RULES_HEAD "inputs:\n  p: {type: decimal, count: 3}\n"
          "  q: {type: decimal, scale: 99}\n"
          "outputs: [\"p[4]\", q]\n", f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(errs, 16, &count, path), QL_ESCHEMA);
    assert_int_equal(count, 2);
    assert_int_equal(errs[0].line, 11);
    assert_non_null(strstr(errs[1].message, "output 'p[4]'"));
    remove(path);
}

/* A validation's `field:` naming an input whose definition failed — a
 * child's misspelt key in the input a parent's validation names (probe13
 * P13-15: "did you mean 'default'?", then "validation '…': 'disabled' is
 * not an input" at the parent) — adds no second, derived message; a
 * `field:` naming no input at all is still one, with its suggestion. */
static void test_loader_diagnose_validation_of_failed_input(void **state)
{
    (void)state;
    char dir[] = "/tmp/ql_test_diag_valid_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char parent[64], child[64];
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    FILE *f = fopen(parent, "w");
    assert_non_null(f);
    fputs(RULES_HEAD "inputs:\n"
          "  staff: {type: integer, min: 0}\n"
          "  disabled: {type: integer, min: 0}\n"
          "  posts: {type: decimal, count: 3}\n"
          "validations:\n"
          "  within: {rule: disabled <= staff, message: m, field: disabled}\n"
          "  post_two: {rule: \"posts[2] >= 0\", message: m, field: \"posts[2]\"}\n"
          "outputs: [staff]\n",
          f);
    fclose(f);
    f = fopen(child, "w");
    assert_non_null(f);
    fputs("quotalevy: 1\nextends: parent.yaml\nid: c\ntitle: C\n"
          "jurisdiction: XX-1\nversion: \"1\"\n"
          "inputs:\n"
          "  disabled: {type: integer, min: 0, defualt: 0}\n" /* 8 */
          "  posts: {type: decimal, count: 3, scale: x}\n"    /* 9 */
          "validations:\n"
          "  slip: {rule: staff >= 0, message: m, field: staf}\n" /* 11 */
          "outputs: [staff]\n",
          f);
    fclose(f);
    ql_error errs[16];
    size_t count = 0;
    assert_int_equal(ql_ruleset_diagnose(errs, 16, &count, child), QL_ESCHEMA);
    for (size_t i = 0; i < count && i < 16; i++)
        print_message("  %s:%d:%d %s\n", errs[i].file, errs[i].line, errs[i].column,
                      errs[i].message);
    assert_int_equal(count, 3);
    assert_int_equal(errs[0].line, 8);
    assert_non_null(strstr(errs[0].message, "did you mean 'default'"));
    assert_int_equal(errs[1].line, 9);
    /* the one validation error left is the real slip, in the child */
    assert_int_equal(errs[2].line, 11);
    assert_non_null(strstr(errs[2].file, "child.yaml"));
    assert_non_null(strstr(errs[2].message, "'staf' is not an input"));
    assert_non_null(strstr(errs[2].message, "did you mean 'staff'"));
    /* loading stops at the first, the misspelt key */
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, child, &err), QL_ESCHEMA);
    assert_int_equal(err.line, 8);
    /* a list that loaded is no failed definition: its bare name and an
     * item past it are still errors */
    f = fopen(parent, "w");
    fputs(RULES_HEAD "inputs:\n  p: {type: decimal, count: 3}\n"
          "  q: {type: decimal, scale: 99}\n" /* 11 */
          "validations:\n"
          "  v1: {rule: \"p[1] >= 0\", message: m, field: p}\n"      /* 13 */
          "  v2: {rule: q >= 0, message: m, field: q}\n"
          "  v3: {rule: \"p[1] >= 0\", message: m, field: \"p[4]\"}\n" /* 15 */
          "outputs: [\"p[1]\"]\n",
          f);
    fclose(f);
    assert_int_equal(ql_ruleset_diagnose(errs, 16, &count, parent), QL_ESCHEMA);
    assert_int_equal(count, 3);
    assert_int_equal(errs[0].line, 11);
    assert_int_equal(errs[1].line, 13);
    assert_non_null(strstr(errs[1].message, "'p' is not an input"));
    assert_int_equal(errs[2].line, 15);
    assert_non_null(strstr(errs[2].message, "'p[4]' is not an input"));
    remove(child);
    remove(parent);
    rmdir(dir);
}

/* Lists (`count:`): every misuse is located and says what to write. */
static void test_loader_list_errors(void **state)
{
    (void)state;
#define LIST_HEAD RULES_HEAD "inputs:\n  p: {type: decimal, count: 3}\n  q: {type: decimal, count: 2}\n"
    /* line 10 is p, 11 is q; computed entries start on line 13 */
    assert_load_error(RULES_HEAD "inputs:\n  p: {type: decimal, count: 0}\noutputs: []\n",
                      QL_ESCHEMA, 10, 29, "'count' must be a whole number from 1 to 1000");
    assert_load_error(RULES_HEAD "inputs:\n  p: {type: decimal, count: 1001}\noutputs: []\n",
                      QL_ESCHEMA, 10, 29, "from 1 to 1000, found '1001'");
    assert_load_error(RULES_HEAD "inputs:\n  p: {type: decimal, count: x}\noutputs: []\n",
                      QL_ESCHEMA, 10, 29, "found 'x'");
    assert_load_error(LIST_HEAD "computed:\n  x: p * 2\noutputs: [x]\n", QL_ETYPE, 13, 6,
                      "'p' is a list of 3 items: name one (p[1]), reduce it");
    assert_load_error(LIST_HEAD "computed:\n  x: sum(p - q)\noutputs: [x]\n", QL_ETYPE, 13, 14,
                      "lists of different sizes item by item: 'p' has 3 items, 'q' 2");
    assert_load_error(LIST_HEAD "computed:\n  x: {count: 2, expr: p}\noutputs: [x]\n",
                      QL_ETYPE, 13, 23, "'p' has 3 items but is used item by item with a list of 2");
    assert_load_error(LIST_HEAD "computed:\n  x: p[4]\noutputs: [x]\n", QL_ENAME, 13, 6,
                      "'p' has 3 items: 'p[4]' is past its end");
    assert_load_error(LIST_HEAD "computed:\n  x: p[0]\noutputs: [x]\n", QL_EPARSE, 13, 8,
                      "expected a list item number from 1 to 1000");
    assert_load_error(LIST_HEAD "computed:\n  x: p[1.5]\noutputs: [x]\n", QL_EPARSE, 13, 8,
                      "list item number");
    assert_load_error(LIST_HEAD "computed:\n  x: p[1\noutputs: [x]\n", QL_EPARSE, 13, 9,
                      "expected ']'");
    assert_load_error(LIST_HEAD "computed:\n  x: sum(3)\noutputs: [x]\n", QL_ETYPE, 13, 10,
                      "sum() goes over a list");
    assert_load_error(LIST_HEAD "computed:\n  x: count(p)\noutputs: [x]\n", QL_ETYPE, 13, 12,
                      "count()'s condition must be a bool, not a number");
    assert_load_error(LIST_HEAD "computed:\n  x: index()\noutputs: [x]\n", QL_ETYPE, 13, 6,
                      "index() is the item number of a list");
    assert_load_error(LIST_HEAD "computed:\n  x: at(p, date)\noutputs: [x]\n", QL_ETYPE, 13, 9,
                      "at() takes a parameter (not a table) first");
    assert_load_error(LIST_HEAD "computed:\n  p: 1\noutputs: [p]\n", QL_ENAME, 10, 3,
                      "'p' is already defined as a computed value");
    assert_load_error(LIST_HEAD "checks:\n  k: {count: 2, required: 1, actual: 1}\noutputs: []\n",
                      QL_ESCHEMA, 13, 7, "unknown key 'count'");
    /* a list of 1,000 reduced inside a list of 1,000: a million copies */
    assert_load_error(RULES_HEAD "inputs:\n  p: {type: decimal, count: 1000}\n"
                      "computed:\n  x: {count: 1000, expr: p / sum(p)}\noutputs: [x]\n",
                      QL_ELIMIT, 12, 30, "lists expand to more than 1000000 expression nodes");
#undef LIST_HEAD
    /* 101 lists of 1,000 items: past the 100,000 inputs a rule set may
     * hold, refused before anything is made of them */
    size_t cap = 64 * 1024, o = 0;
    char *big = malloc(cap);
    assert_non_null(big);
    o += (size_t)snprintf(big + o, cap - o, "%sinputs:\n", RULES_HEAD);
    for (int k = 0; k < 101; k++)
        o += (size_t)snprintf(big + o, cap - o,
                              "  l%d: {type: decimal, count: 1000}\n", k);
    snprintf(big + o, cap - o, "outputs: []\n");
    assert_load_error(big, QL_ELIMIT, 110, 32,
                      "more than 100000 inputs, lists counted item by item");
    free(big);
    /* outputs: a list's name reports each item */
    ql_ruleset *rs = load_text(RULES_HEAD "inputs:\n  p: {type: decimal, scale: 1, count: 3}\n"
                               "computed:\n  d: {count: 3, expr: p * 2}\noutputs: [d, p]\n");
    assert_int_equal(ql_ruleset_input_count(rs), 3);
    assert_string_equal(ql_ruleset_input_name(rs, 2), "p[3]");
    assert_int_equal(ql_ruleset_output_count(rs), 6);
    assert_string_equal(ql_ruleset_output_name(rs, 0), "d[1]");
    assert_string_equal(ql_ruleset_output_name(rs, 5), "p[3]");
    ql_ruleset_free(rs);
}

/* A default or a range its own input would refuse is a load error, at
 * the default or the bound: never a value no record could carry. */
/* Loading input n: `x` must fail at the value after `key` in x. */
static void refuse_(const char *x, const char *key, const char *needle,
                    const char *file, int line)
{
    char y[512];
    snprintf(y, sizeof y, RULES_HEAD "inputs:\n  n: %s\noutputs: []\n", x);
    int col = 6 + (int)(strstr(x, key) - x + strlen(key)); /* "  n: " */
    assert_load_error_(y, QL_ESCHEMA, 10, col, needle, file, line);
}
#define refuse(x, key, needle) refuse_((x), (key), (needle), __FILE__, __LINE__)

static void test_loader_defaults_obey_their_input(void **state)
{
    (void)state;
#define IN(x) RULES_HEAD "inputs:\n  n: " x "\noutputs: []\n"
    refuse("{type: integer, default: 1.5}", "default: ", "input 'n': default 1.5 is not a whole number");
    refuse("{type: integer, default: -0.001}", "default: ", "not a whole number");
    refuse("{type: decimal, min: 5, default: 1}", "default: ", "default 1 is out of the input's range (expected >= 5)");
    refuse("{type: decimal, above: 5, default: 5}", "default: ", "(expected > 5)");
    refuse("{type: decimal, max: 100, default: 100.01}", "default: ", "(expected <= 100)");
    refuse("{type: decimal, below: 0, default: 0}", "default: ", "(expected < 0)");
    refuse("{type: decimal, min: 5, max: 1}", "max: ", "input 'n': min 5 and max 1 leave no value possible");
    refuse("{type: decimal, above: 1, max: 1}", "max: ", "above 1 and max 1 leave no value possible");
    refuse("{type: decimal, min: 1, below: 1}", "below: ", "min 1 and below 1");
    /* An integer input needs a whole number between its bounds. */
    refuse("{type: integer, above: 1, below: 2}", "below: ",
           "input 'n': above 1 and below 2 leave no whole number possible");
    refuse("{type: integer, min: 1.5, max: 1.9}", "max: ", "min 1.5 and max 1.9 leave no whole number");
    refuse("{type: integer, min: -0.5, max: -0.1}", "max: ", "leave no whole number");
    refuse("{type: integer, above: 3, max: 3.5}", "max: ", "leave no whole number");
    refuse("{type: enum, values: [a, b], default: c}", "default: ", "default 'c' is not one of the enum's values");
    refuse("{type: date, default: 2024-02-30}", "default: ", "default");
    refuse("{type: decimal, default: yes}", "default: ", "not a number");
    refuse("{type: bool, default: 2}", "default: ", "expected true or false");
    refuse("{type: string, default: [a]}", "default: ", "default must be a scalar");
    refuse("{type: decimal, count: 3, min: 0, default: -1}", "default: ", "out of the input's range");
    /* at the edges: fine */
    ql_ruleset_free(load_text(IN("{type: integer, min: 5, max: 5, default: 5}")));
    ql_ruleset_free(load_text(IN("{type: integer, default: 2.000}")));
    ql_ruleset_free(load_text(IN("{type: integer, min: 1.5, max: 2}")));
    ql_ruleset_free(load_text(IN("{type: integer, above: -1, below: 0.5}")));
    ql_ruleset_free(load_text(IN("{type: integer, min: 2, below: 2.1}")));
    ql_ruleset_free(load_text(IN("{type: decimal, above: 0, below: 0.001, default: 0.0005}")));
#undef IN
}

/* One column name, one meaning: two outputs making one column name in a
 * record's row or in the summary do not load (a reader of the file would
 * keep one of the two columns without a word). */
#define COLS(inputs, computed, outputs)                                      \
    RULES_HEAD "inputs:\n  a: {type: integer}\n" inputs                     \
               "checks:\n  k: {title: k, source: s, required: 1, actual: a}\n" \
               "computed:\n  z: a + 0\n" computed "outputs:\n" outputs
static void test_loader_column_names_collide(void **state)
{
    (void)state;
    /* lines: 1-8 the head, 9 inputs, 10 a, [inputs], checks, k, computed,
     * z, [computed], outputs, then one line an output */
    assert_load_error(COLS("", "  k_applicable: a > 100\n", "  - k\n  - k_applicable\n"),
                      QL_ENAME, 18, 5,
                      "output 'k_applicable' makes the column 'k_applicable', "
                      "as check 'k' (its applicable part) at line 17 does");
    assert_load_error(COLS("", "  k_shortfall: a + 1\n", "  - k_shortfall\n  - k\n"),
                      QL_ENAME, 18, 5,
                      "check 'k' (its shortfall part) makes the column "
                      "'k_shortfall', as output 'k_shortfall' at line 17 does");
    assert_load_error(COLS("  id: {type: integer}\n", "", "  - id\n"), QL_ENAME, 17, 5,
                      "output 'id' makes the column 'id', which is the record's id");
    assert_load_error(COLS("", "  id: a + 1\n", "  - z\n  - id\n"), QL_ENAME, 0, 0,
                      "which is the record's id");
    /* the summary: an aggregate's name, the row count, the scope */
    assert_load_error(COLS("", "  n: {expr: a + 0, aggregate: min}\n"
                               "  n_min: {expr: a + 1, aggregate: sum}\n",
                           "  - n\n  - n_min\n"),
                      QL_ENAME, 19, 5,
                      "output 'n_min' (aggregate: sum) makes the summary column "
                      "'n_min', as output 'n' (aggregate: min) at line 18 does");
    assert_load_error(COLS("", "  m: {expr: a > 1, aggregate: count}\n"
                               "  m_count: {expr: a + 1, aggregate: sum}\n",
                           "  - m_count\n  - m\n"),
                      QL_ENAME, 0, 0, "'m_count'");
    assert_load_error(COLS("", "  rows: {expr: a + 0, aggregate: sum}\n", "  - rows\n"),
                      QL_ENAME, 17, 5,
                      "output 'rows' (aggregate: sum) makes the summary column "
                      "'rows', which is the summary's row count");
    assert_load_error(COLS("", "  scope: {expr: a + 0, aggregate: sum}\n",
                           "  - scope\n"),
                      QL_ENAME, 0, 0, "output 'scope'");
    /* not an output, or not totalled: no column, nothing to refuse */
    ql_ruleset_free(load_text(COLS("", "  k_applicable: a > 100\n", "  - k\n")));
    ql_ruleset_free(load_text(COLS("  rows: {type: integer}\n", "  n_min: a + 1\n"
                                   "  n: {expr: a + 0, aggregate: min}\n",
                                   "  - rows\n  - n_min\n  - n\n")));
    /* diagnose mode reports every collision, of both tables */
    const char *y = COLS("", "  k_actual: a + 0\n  rows: {expr: a + 0, aggregate: sum}\n",
                         "  - k\n  - k_actual\n  - rows\n");
    ql_error errs[4];
    size_t count = 0;
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = y;
    o.buffer_len = strlen(y);
    o.diag_errors = errs;
    o.diag_max = 4;
    o.diag_count = &count;
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(ql_ruleset_load_ext(&rs, "inline.yaml", &o, &err), QL_ENAME);
    assert_null(rs);
    assert_int_equal(count, 2);
    assert_non_null(strstr(errs[0].message, "'k_actual'"));
    assert_non_null(strstr(errs[1].message, "row count"));
}
#undef COLS

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define TOP(ext) "quotalevy: 1\nid: t\ntitle: t\njurisdiction: XX\nversion: '1'\n" \
                 "extends: " ext "\noutputs: []\n"

/* Loads dir/top.yaml after writing it with `extends: ext`. */
static ql_status load_top(const char *dir, const char *ext, unsigned policy,
                          ql_error *err)
{
    char text[1024], path[512];
    snprintf(text, sizeof text, TOP("%s"), ext);
    write_text(dir, "top.yaml", text);
    snprintf(path, sizeof path, "%s/top.yaml", dir);
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.extends_policy = policy;
    ql_ruleset *rs = NULL;
    ql_status st = ql_ruleset_load_ext(&rs, path, &o, err);
    ql_ruleset_free(rs);
    return st;
}

/* Loads the text TOP(ext) from memory, named `name`. */
static ql_status load_text_named(const char *name, const char *ext,
                                 unsigned policy, const char *search,
                                 ql_error *err)
{
    char text[1024];
    snprintf(text, sizeof text, TOP("%s"), ext);
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = text;
    o.buffer_len = strlen(text);
    o.extends_policy = policy;
    o.search_path = search;
    ql_ruleset *rs = NULL;
    ql_status st = ql_ruleset_load_ext(&rs, name, &o, err);
    ql_ruleset_free(rs);
    return st;
}

/* A rules text from memory named without a folder is beside no file:
 * its extends name rule sets on the search path, never files of the
 * working directory (P4-24: a service running in / opened etc/shadow
 * for `extends: etc/shadow`), and the refusal reads alike whether the
 * file exists or not; a name with a folder, or QL_EXTENDS_ANY, is the
 * caller's say. */
static void test_loader_buffer_has_no_folder(void **state)
{
    (void)state;
    char root[] = "/tmp/ql_bufext_XXXXXX";
    assert_non_null(mkdtemp(root));
    const char *base = "quotalevy: 1\nid: b\ntitle: b\njurisdiction: XX\nversion: '1'\n"
                       "inputs:\n  a: decimal\noutputs: [a]\n";
    write_text(root, "base.yaml", base);
    write_text(root, "passwd", "root:*:19000:0:99999:7:::\n");
    char cwd[4096], named[600];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(root), 0);
    ql_error err;
    char said[3][1024];
    const char *names[] = {"inline.yaml", NULL};
    for (int n = 0; n < 2; n++) {
        const char *exts[] = {"base.yaml", "passwd", "nothing-here.yaml"};
        for (int i = 0; i < 3; i++) {
            assert_int_equal(load_text_named(names[n], exts[i], QL_EXTENDS_CONFINED,
                                             NULL, &err), QL_EIO);
            assert_non_null(strstr(err.message, "no rule set of that name"));
            assert_non_null(strstr(err.message, "never files of the working directory"));
            assert_null(strstr(err.message, "root"));
            assert_int_equal(err.line, 6);
            /* the same words whatever is on the disk, bar the name */
            const char *tail = strstr(err.message, "': ");
            assert_non_null(tail);
            snprintf(said[i], sizeof said[i], "%s", tail);
        }
        assert_string_equal(said[0], said[1]);
        assert_string_equal(said[0], said[2]);
    }
    /* an absolute path or a way up: the same account as any name (it was
     * "only files inside the top rules file's folder (the working
     * directory) may be named", as if the text had a folder) */
    const char *outs[] = {"/etc/shadow", "../base.yaml", "/tmp"};
    for (int n = 0; n < 2; n++)
        for (int i = 0; i < 3; i++) {
            assert_int_equal(load_text_named(names[n], outs[i], QL_EXTENDS_CONFINED,
                                             NULL, &err), QL_EIO);
            assert_non_null(strstr(err.message, "no rule set of that name"));
            assert_non_null(strstr(err.message, "has no folder"));
            assert_null(strstr(err.message, "top rules file's folder"));
            const char *tail = strstr(err.message, "': ");
            assert_non_null(tail);
            assert_string_equal(tail, said[0]);
        }
    /* a text named with a folder has one: an absolute path is refused as
     * leaving it */
    snprintf(named, sizeof named, "%s/inline.yaml", root);
    assert_int_equal(load_text_named(named, "/etc/shadow", QL_EXTENDS_CONFINED, NULL,
                                     &err), QL_EIO);
    assert_non_null(strstr(err.message, "refused, an absolute path"));
    /* by name on the search path: found */
    assert_int_equal(load_text_named("inline.yaml", "base", QL_EXTENDS_CONFINED,
                                     root, &err), QL_OK);
    assert_int_equal(load_text_named("inline.yaml", "base.yaml", QL_EXTENDS_CONFINED,
                                     root, &err), QL_OK);
    /* as the caller allows: a folder in the name, or any path */
    snprintf(named, sizeof named, "%s/inline.yaml", root);
    assert_int_equal(load_text_named(named, "base.yaml", QL_EXTENDS_CONFINED, NULL,
                                     &err), QL_OK);
    assert_int_equal(load_text_named("./inline.yaml", "base.yaml",
                                     QL_EXTENDS_CONFINED, NULL, &err), QL_OK);
    assert_int_equal(load_text_named("inline.yaml", "base.yaml", QL_EXTENDS_ANY,
                                     NULL, &err), QL_OK);
    assert_int_equal(chdir(cwd), 0);
    snprintf(named, sizeof named, "%s/base.yaml", root);
    remove(named);
    snprintf(named, sizeof named, "%s/passwd", root);
    remove(named);
    rmdir(root);
}

/* extends: relative to the including file, confined to the top file's
 * folder unless the caller allows any path; only regular files are
 * read, and a file that is not a rules file is refused without a word
 * of its text. */
static void test_loader_extends_policy(void **state)
{
    (void)state;
    char root[] = "/tmp/ql_extends_XXXXXX";
    assert_non_null(mkdtemp(root));
    char top[600], sub[600], path[700];
    snprintf(top, sizeof top, "%s/top", root);
    snprintf(sub, sizeof sub, "%s/top/sub", root);
    assert_int_equal(mkdir(top, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    const char *base = "quotalevy: 1\nid: b\ntitle: b\njurisdiction: XX\nversion: '1'\n"
                       "inputs:\n  a: decimal\noutputs: [a]\n";
    write_text(root, "outside.yaml", base);
    write_text(top, "base.yaml", base);
    write_text(sub, "child.yaml", TOP("../base.yaml")); /* up, but inside */
    write_text(top, "passwd.txt", "root:*:19000:0:99999:7:::\nsecretuser:$6$abc:1:2\n");
    write_text(top, "list.yaml", "- root:x:0:0:root:/root:/bin/bash\n");
    snprintf(path, sizeof path, "%s/fifo", top);
    assert_int_equal(mkfifo(path, 0600), 0);
    snprintf(path, sizeof path, "%s/link.yaml", top);
    char target[700];
    snprintf(target, sizeof target, "%s/outside.yaml", root);
    assert_int_equal(symlink(target, path), 0);
    ql_error err;
    /* inside the folder: fine, and relative to the including file */
    assert_int_equal(load_top(top, "base.yaml", QL_EXTENDS_CONFINED, &err), QL_OK);
    assert_int_equal(load_top(top, "sub/child.yaml", QL_EXTENDS_CONFINED, &err), QL_OK);
    assert_int_equal(load_top(top, "./sub/../base.yaml", QL_EXTENDS_CONFINED, &err), QL_OK);
    /* leaving it: refused by default, each way */
    assert_int_equal(load_top(top, "../outside.yaml", QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_non_null(strstr(err.message, "refused, a file outside the folder"));
    assert_int_equal(err.line, 6);
    assert_int_equal(load_top(top, "../nothing-here.yaml", QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_non_null(strstr(err.message, "refused, '..' leaving the folder"));
    assert_int_equal(load_top(top, target, QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_non_null(strstr(err.message, "refused, an absolute path"));
    assert_int_equal(load_top(top, "/etc/passwd", QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_null(strstr(err.message, "root"));
    assert_int_equal(load_top(top, "link.yaml", QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_non_null(strstr(err.message, "outside the folder"));
    /* … allowed when the caller says so */
    assert_int_equal(load_top(top, "../outside.yaml", QL_EXTENDS_ANY, &err), QL_OK);
    assert_int_equal(load_top(top, target, QL_EXTENDS_ANY, &err), QL_OK);
    assert_int_equal(load_top(top, "link.yaml", QL_EXTENDS_ANY, &err), QL_OK);
    /* not regular files: refused at once (a FIFO must not block) */
    assert_int_equal(load_top(top, "fifo", QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_non_null(strstr(err.message, "not read: a FIFO"));
    assert_int_equal(err.line, 6); /* at the extends: that named it */
    assert_int_equal(load_top(top, "sub", QL_EXTENDS_CONFINED, &err), QL_EIO);
    assert_non_null(strstr(err.message, "not read: a directory"));
    assert_int_equal(load_top(top, "/dev/zero", QL_EXTENDS_ANY, &err), QL_EIO);
    assert_non_null(strstr(err.message, "not read: a device"));
    snprintf(path, sizeof path, "%s/fifo", top);
    ql_ruleset *rs;
    assert_int_equal(ql_ruleset_load(&rs, path, &err), QL_EIO);
    assert_int_equal(ql_ruleset_load(&rs, top, &err), QL_EIO);
    /* not rules files: refused as such, their text never quoted */
    write_text(top, "hostname", "secretuser-host\n");
    write_text(top, "map.yaml", "root: x\nsecretuser: y\n");
    const char *texts[] = {"passwd.txt", "list.yaml", "hostname", "map.yaml"};
    for (int i = 0; i < 4; i++) {
        ql_status st = load_top(top, texts[i], QL_EXTENDS_CONFINED, &err);
        if (i == 0) {
            assert_int_equal(st, QL_EPARSE); /* not YAML: libyaml's words */
        } else {
            assert_int_equal(st, QL_ESCHEMA);
            assert_non_null(strstr(err.message, "not a quotalevy rules file"));
        }
        char all[2048];
        ql_error_format(all, sizeof all, &err);
        assert_null(strstr(all, "root"));
        assert_null(strstr(all, "secretuser"));
    }
    assert_int_equal(load_top(top, "/etc/shadow", QL_EXTENDS_ANY, &err) != QL_OK, 1);
    assert_null(strstr(err.message, "root:"));
    /* clean up */
    const char *names[] = {"top/top.yaml", "top/base.yaml", "top/sub/child.yaml",
                           "top/passwd.txt", "top/list.yaml", "top/fifo",
                           "top/hostname", "top/map.yaml",
                           "top/link.yaml", "outside.yaml", "top/sub", "top"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", root, names[i]);
        remove(path);
    }
    rmdir(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_io_and_yaml_errors),
        cmocka_unit_test(test_loader_odd_line_ends_located),
        cmocka_unit_test(test_loader_bad_bytes_located),
        cmocka_unit_test(test_loader_exponent_form_too_long_everywhere),
        cmocka_unit_test(test_loader_top_level_schema),
        cmocka_unit_test(test_loader_empty_extends),
        cmocka_unit_test(test_loader_input_errors),
        cmocka_unit_test(test_loader_parameter_errors),
        cmocka_unit_test(test_loader_check_and_output_errors),
        cmocka_unit_test(test_loader_dependency_depth_limit),
        cmocka_unit_test(test_loader_extends_overrides_by_name),
        cmocka_unit_test(test_loader_extends_errors),
        cmocka_unit_test(test_loader_date_shift_literals),
        cmocka_unit_test(test_loader_size_limit),
        cmocka_unit_test(test_loader_diagnose_reports_every_problem),
        cmocka_unit_test(test_loader_diagnose_failed_definition_said_once),
        cmocka_unit_test(test_loader_diagnose_validation_of_failed_input),
        cmocka_unit_test(test_loader_list_errors),
        cmocka_unit_test(test_loader_defaults_obey_their_input),
        cmocka_unit_test(test_loader_extends_policy),
        cmocka_unit_test(test_loader_buffer_has_no_folder),
        cmocka_unit_test(test_loader_column_names_collide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
