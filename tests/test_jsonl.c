/*
 * test_jsonl.c — the command's JSON Lines reader (tools/quotalevy/jsonl.c)
 * on the edges of its grammar, from a table: each input is read to its end
 * and its records must come out as the table says.
 *
 * A record is written as LINE{key=value|…} (a null as <null>) and a
 * malformed line as LINE!COLUMN:message, the column the byte at fault
 * (a bad escape's backslash, a string never closed at its opening quote,
 * a key given twice at the second one's quote, a bad value at its first
 * byte: what a reject of the command points at);
 * CR, LF and control bytes as \r, \n, \xNN.  A read error (or an input
 * that is not lines at all) is READ-ERROR, with its message.
 */
#include "test_util.h"

#include "jsonl.h"
#include "test_readers.h"

static char *read_all(const char *in, size_t n)
{
    FILE *f = fmemopen((void *)in, n, "rb");
    assert_non_null(f);
    jsonl_reader *r = jsonl_open(f);
    assert_non_null(r);
    strbuf b = {0};
    sb_puts(&b, "");
    jsonl_record rec;
    int st;
    while ((st = jsonl_next(r, &rec)) != 0) {
        int out = reader_outcome(&b, st, rec.error, rec.line,
                                 rec.error_column, rec.line, '{');
        if (out == READ_STOP)
            break;
        if (out == READ_SKIP)
            continue;
        for (size_t k = 0; k < rec.n; k++) {
            if (k)
                sb_putc(&b, '|');
            sb_put_shown(&b, rec.key[k], strlen(rec.key[k]));
            sb_putc(&b, '=');
            if (!rec.val[k]) {
                sb_puts(&b, "<null>");
                continue;
            }
            assert_int_equal(strlen(rec.val[k]), rec.vlen[k]); /* NUL after */
            sb_put_shown(&b, rec.val[k], rec.vlen[k]);
        }
        sb_putc(&b, '}');
    }
    jsonl_close(r);
    fclose(f);
    return b.p;
}

typedef struct {
    const char *name, *in, *want;
} jsonl_case;

#define NOT_JSON_NUMBER \
    "not a JSON number (RFC 8259: no leading zeros, and digits on both sides of a " \
    "'.' and after an 'e')"
#define SURROGATE "a lone surrogate in \\u escapes"

static const jsonl_case cases[] = {
    {"strings and numbers", "{\"a\":\"x\",\"b\":1}", "1{a=x|b=1}"},
    {"null, true, false", "{\"a\":null,\"b\":true,\"c\":false}",
     "1{a=<null>|b=true|c=false}"},
    {"numbers keep their exact text (never a binary float)",
     "{\"a\":-0.10,\"b\":\"0.5\",\"c\":12345678901234567890.123}",
     "1{a=-0.10|b=0.5|c=12345678901234567890.123}"},
    /* as PostgreSQL's numeric reads them: max(0, places − exponent) places */
    {"a number with an exponent is the plain decimal it writes",
     "{\"a\":-0.10e3,\"b\":2.50E-3,\"c\":1e+2,\"d\":0e5,\"e\":7e0}",
     "1{a=-100|b=0.00250|c=100|d=0|e=7}"},
    {"too long written out: kept, for the record to refuse",
     "{\"d\":1e400,\"e\":-1E-400}", "1{d=1e400|e=-1E-400}"},
    /* not JSON (RFC 8259 section 6), which PostgreSQL's and Python's JSON
     * refuse too (probe5 P5-06): the line's error at the number */
    {"a leading zero", "{\"a\":0100}", "1!6:" NOT_JSON_NUMBER},
    {"a leading zero before an exponent", "{\"a\":01e2}", "1!6:" NOT_JSON_NUMBER},
    {"no digit after the point", "{\"a\":1.e2}", "1!6:" NOT_JSON_NUMBER},
    {"a point at the end", "{\"a\":-1.}", "1!6:" NOT_JSON_NUMBER},
    {"no digit in the exponent", "{\"a\":1e}", "1!6:" NOT_JSON_NUMBER},
    {"no digit after the sign", "{\"a\":-e1}", "1!6:" NOT_JSON_NUMBER},
    {"a zero, then digits", "{\"b\":1,\"a\":-00}", "1!12:" NOT_JSON_NUMBER},
    {"a negative zero is JSON", "{\"a\":-0,\"b\":0.0e0}", "1{a=-0|b=0.0}"},
    {"every escape", "{\"a\":\"\\n\\t\\\"\\\\\\/\\u00e9\\b\\f\\r\"}",
     "1{a=\\n\\x09\"\\\\/\xC3\xA9\\x08\\x0C\\r}"},
    {"a surrogate pair is one character", "{\"e\":\"\\ud83d\\ude00\"}",
     "1{e=\xF0\x9F\x98\x80}"},
    {"a high surrogate alone", "{\"e\":\"\\ud83d\"}", "1!7:" SURROGATE},
    {"a low surrogate alone", "{\"e\":\"\\ude00x\"}", "1!7:" SURROGATE},
    {"a high surrogate before a letter", "{\"e\":\"\\ud83dx\"}", "1!7:" SURROGATE},
    {"\\u with too few digits", "{\"a\":\"\\u12\"}", "1!7:\\u needs four hex digits"},
    {"an escaped NUL", "{\"a\":\"\\u0000\"}", "1!7:a NUL character in a string"},
    {"an unknown escape", "{\"a\":\"\\x\"}", "1!7:an unknown escape in a string"},
    {"a raw control character", "{\"a\":\"x\ty\"}",
     "1!8:a control character inside a string (escape it)"},
    {"escapes in keys too", "{\"\\u00e9\":\"\\u00E9\"}", "1{\xC3\xA9=\xC3\xA9}"},
    {"UTF-8 as it is", "{\"\xE5\x90\x89\":\"\xE6\x9E\x97\"}",
     "1{\xE5\x90\x89=\xE6\x9E\x97}"},
    {"blanks around everything", " { \"a\" : 1 , \"b\" : \"y\" } ", "1{a=1|b=y}"},
    {"an empty object", "{}", "1{}"},
    {"blank lines hold no record, but count", "\n  \n\t\n{\"a\":1}\n", "4{a=1}"},
    {"LF, CRLF and CR alone end lines", "{\"a\":1}\r\n{\"a\":2}\r{\"a\":3}\n{\"a\":4}",
     "1{a=1} 2{a=2} 3{a=3} 4{a=4}"},
    {"two CRs are two line ends", "{\"a\":\"x\"}\r\r{\"b\":1}", "1{a=x} 3{b=1}"},
    {"a byte order mark on the first line", "\xEF\xBB\xBF{\"a\":1}", "1{a=1}"},
    {"a byte order mark's bytes count in its line's columns", "\xEF\xBB\xBF{\"a\":x}",
     "1!9:expected a string, number, true, false or null"},
    {"a key named twice",
     "{\"a\":1,\"a\":2}",
     "1!8:key 'a' appears twice in the record (a record names each field once)"},
    {"a nested object", "{\"a\":{\"b\":1}}",
     "1!6:nested objects and arrays are not supported: a record is flat"},
    {"an array", "{\"a\":[1]}",
     "1!6:nested objects and arrays are not supported: a record is flat"},
    {"text after the object", "{\"a\":1} x", "1!9:text after the end of the object"},
    {"two objects on a line", "{\"a\":1}{\"b\":2}", "1!8:text after the end of the object"},
    {"not an object", "[1]", "1!1:expected a JSON object '{\xE2\x80\xA6}'"},
    {"a bare string", "\"str\"", "1!1:expected a JSON object '{\xE2\x80\xA6}'"},
    {"a string never closed", "{\"a\":\"abc", "1!6:a string is not closed"},
    {"a bare word", "{\"a\":word}", "1!6:expected a string, number, true, false or null"},
    {"no colon", "{\"a\" 1}", "1!6:expected ':' after a key"},
    {"an unquoted key", "{a:1}", "1!2:expected a key in double quotes"},
    {"a comma before the end", "{\"a\":1,}", "1!8:expected a key in double quotes"},
    {"an object not closed", "{\"a\":1", "1!7:expected ',' or '}'"},
    {"a bad line, then a good one", "{\"a\":1\n{\"a\":2}",
     "1!7:expected ',' or '}' 2{a=2}"},
};

static void test_jsonl_grammar_table(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = read_all(cases[i].in, strlen(cases[i].in));
        if (strcmp(got, cases[i].want)) {
            print_error("%s: expected\n  %s\ngot\n  %s\n", cases[i].name,
                        cases[i].want, got);
            bad = 1;
        }
        free(got);
    }
    assert_false(bad);
}

/* JSONL_MAX_KEYS keys are a record; one more is refused, and the next
 * line is read. */
static void test_jsonl_key_limit(void **state)
{
    (void)state;
    for (int extra = 0; extra < 2; extra++) {
        strbuf in = {0};
        sb_putc(&in, '{');
        for (int k = 0; k < JSONL_MAX_KEYS + extra; k++) {
            char key[32];
            snprintf(key, sizeof key, "%s\"k%d\":%d", k ? "," : "", k, k);
            sb_puts(&in, key);
        }
        sb_puts(&in, "}\n{\"next\":1}\n");
        FILE *f = fmemopen(in.p, in.len, "rb");
        jsonl_reader *r = jsonl_open(f);
        jsonl_record rec;
        int st = jsonl_next(r, &rec);
        if (extra) {
            assert_int_equal(st, -1);
            assert_text(rec.error, "more than 4096 keys");
        } else {
            assert_int_equal(st, 1);
            assert_int_equal(rec.n, JSONL_MAX_KEYS);
            assert_text(rec.key[JSONL_MAX_KEYS - 1], "k4095");
        }
        assert_int_equal(jsonl_next(r, &rec), 1);
        assert_int_equal(rec.line, 2);
        assert_text(rec.key[0], "next");
        assert_int_equal(jsonl_next(r, &rec), 0);
        jsonl_close(r);
        fclose(f);
        free(in.p);
    }
}

/* A line past JSONL_MAX_LINE is refused and skipped to its end; the next
 * line is read with its own number. */
static void test_jsonl_line_limit(void **state)
{
    (void)state;
    size_t n = JSONL_MAX_LINE + 1;
    char *in = malloc(n + 16);
    assert_non_null(in);
    memcpy(in, "{\"a\":\"", 6);
    memset(in + 6, 'x', n - 6);
    memcpy(in + n, "\n{\"b\":2}\n", 9);
    FILE *f = fmemopen(in, n + 9, "rb");
    jsonl_reader *r = jsonl_open(f);
    jsonl_record rec;
    assert_int_equal(jsonl_next(r, &rec), -1);
    assert_text(rec.error, "a line longer than 16 MiB");
    assert_int_equal(rec.line, 1);
    assert_int_equal(jsonl_next(r, &rec), 1);
    assert_int_equal(rec.line, 2);
    assert_text(rec.key[0], "b");
    jsonl_close(r);
    fclose(f);
    free(in);
}

/* No line end in JSONL_MAX_SKIP bytes: not JSON Lines, the reading stops. */
static void test_jsonl_gives_up_on_endless_input(void **state)
{
    (void)state;
    size_t n = JSONL_MAX_SKIP + 2;
    char *in = malloc(n);
    assert_non_null(in);
    memset(in, 'z', n);
    FILE *f = fmemopen(in, n, "rb");
    jsonl_reader *r = jsonl_open(f);
    jsonl_record rec;
    assert_int_equal(jsonl_next(r, &rec), -2);
    assert_text(rec.error, "no line end in 64 MiB: giving up (is this JSON Lines text?)");
    jsonl_close(r);
    fclose(f);
    free(in);
}

/* What json_put_string writes reads back as the same text. */
static void test_json_put_string_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *text, *written;
    } w[] = {
        {"", "\"\""},
        {"plain", "\"plain\""},
        {"q\"b\\", "\"q\\\"b\\\\\""},
        {"tab\tnl\ncr\r", "\"tab\\u0009nl\\u000acr\\u000d\""},
        {"\x01\x1f", "\"\\u0001\\u001f\""},
        {"\xE5\x90\x89", "\"\xE5\x90\x89\""},
    };
    for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
        strbuf b = {0};
        sb_puts(&b, "{\"k\":");
        assert_int_equal(json_put_string(&b, w[i].text, strlen(w[i].text)), 0);
        assert_text(b.p + 5, w[i].written);
        sb_puts(&b, "}\n");
        FILE *f = fmemopen(b.p, b.len, "rb");
        jsonl_reader *r = jsonl_open(f);
        jsonl_record rec;
        assert_int_equal(jsonl_next(r, &rec), 1);
        assert_int_equal(rec.n, 1);
        assert_text(rec.val[0], w[i].text);
        jsonl_close(r);
        fclose(f);
        free(b.p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_grammar_table),
        cmocka_unit_test(test_jsonl_key_limit),
        cmocka_unit_test(test_jsonl_line_limit),
        cmocka_unit_test(test_jsonl_gives_up_on_endless_input),
        cmocka_unit_test(test_json_put_string_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
