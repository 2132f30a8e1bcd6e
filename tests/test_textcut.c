/*
 * test_textcut.c — the public text functions cut a text that does not
 * fit the caller's buffer at a UTF-8 character boundary (F-api-1): every
 * size from 0 to the full length, for ql_result_explain,
 * ql_result_row_text, ql_result_output_text, ql_value_format and
 * ql_error_format, gives a NUL-terminated prefix of the full text that is
 * valid UTF-8 and one character short of the next size's at most.  Public
 * API only: linked against the shipped shared library.
 */
#include "test_util.h"

/* A rule set whose texts are mostly not ASCII: two, three and four bytes
 * a character. */
static const char rules[] =
    "quotalevy: 1\n"
    "id: levy\n"
    "title: \"Levy — 残疾人就业保障金 €𝟙\"\n"
    "jurisdiction: XX\n"
    "version: \"1\"\n"
    "inputs:\n"
    "  name: {type: string, description: \"Name — 名称\"}\n"
    "  n: integer\n"
    "computed:\n"
    "  twice: {expr: n * 2, description: \"Twice — 两倍 ü\"}\n"
    "outputs: [name, twice]\n";

static const char name[] = "Ünïcödé — 吉林省残疾人联合会 𝟙𝟚, \"quoted\"";

/* Whether s (n bytes) is whole UTF-8: every sequence complete. */
static int utf8_whole(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = (unsigned char)s[i];
        size_t k = c < 0x80    ? 1
                   : c >= 0xF0 ? 4
                   : c >= 0xE0 ? 3
                   : c >= 0xC0 ? 2
                               : 0;
        if (!k || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k;
    }
    return 1;
}

typedef size_t (*text_fn)(char *buf, size_t size, const void *arg);

/* Every buffer size against the full text: a prefix, whole UTF-8, NUL
 * terminated, as long as fits but for at most one character, and the
 * full length returned each time. */
static void check_cuts(const char *what, text_fn f, const void *arg)
{
    size_t full = f(NULL, 0, arg);
    assert_true(full > 0);
    char *want = malloc(full + 1), *buf = malloc(full + 2);
    assert_non_null(want);
    assert_non_null(buf);
    assert_int_equal(f(want, full + 1, arg), full);
    assert_true(utf8_whole(want, full));
    int multi = 0;
    for (size_t size = 1; size <= full + 1; size++) {
        memset(buf, 'x', full + 2);
        assert_int_equal(f(buf, size, arg), full);
        size_t got = strlen(buf);
        if (got >= size || memcmp(buf, want, got) != 0 || !utf8_whole(buf, got))
            fail_msg("%s cut to %zu bytes: '%s' (%zu bytes) is not a whole "
                     "prefix of '%s'",
                     what, size, buf, got, want);
        /* cut only the character that does not fit: at most 3 bytes */
        assert_true(got + 4 > size - 1 || got == full);
        multi += got < size - 1;
    }
    assert_true(multi > 0); /* some cut fell inside a character */
    free(want);
    free(buf);
}

typedef struct fixture {
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
} fixture;

static int setup(void **state)
{
    static fixture f;
    ql_error err;
    if (ql_ruleset_load_buffer(&f.rs, rules, sizeof rules - 1, "levy.yaml",
                               &err) ||
        ql_record_new(&f.rec, f.rs, &err) ||
        ql_result_new(&f.res, f.rs, &err) ||
        ql_record_set(f.rec, "name", name, &err) ||
        ql_record_set(f.rec, "n", "21", &err) ||
        ql_evaluate(f.res, f.rec, D("2024-01-01"), QL_EVAL_TRACE, &err)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ql_result_free(f->res);
    ql_record_free(f->rec);
    ql_ruleset_free(f->rs);
    return 0;
}

static size_t explain(char *buf, size_t size, const void *arg)
{
    return ql_result_explain(buf, size, arg);
}

static size_t row(char *buf, size_t size, const void *arg)
{
    return ql_result_row_text(buf, size, arg, ',');
}

static size_t output0(char *buf, size_t size, const void *arg)
{
    return ql_result_output_text(buf, size, arg, 0);
}

static size_t value(char *buf, size_t size, const void *arg)
{
    ql_value v = QL_VALUE_INIT;
    assert_int_equal(ql_result_output(&v, arg, 0), QL_OK);
    return ql_value_format(buf, size, &v);
}

static size_t error_text(char *buf, size_t size, const void *arg)
{
    return ql_error_format(buf, size, arg);
}

static void test_textcut_result_texts(void **state)
{
    fixture *f = *state;
    check_cuts("ql_result_explain", explain, f->res);
    check_cuts("ql_result_row_text", row, f->res);
    check_cuts("ql_result_output_text", output0, f->res);
    check_cuts("ql_value_format", value, f->res);
}

static void test_textcut_error_format(void **state)
{
    (void)state;
    /* an error whose message quotes non-ASCII text from the rules */
    static const char bad[] =
        "quotalevy: 1\nid: x\ntitle: x\njurisdiction: XX\n"
        "version: \"1\"\ninputs:\n  n: integer\n"
        "computed:\n  y: n + 残疾人\noutputs: [y]\n";
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_not_equal(
        ql_ruleset_load_buffer(&rs, bad, sizeof bad - 1, "吉林—省.yaml", &err),
        QL_OK);
    check_cuts("ql_error_format", error_text, &err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textcut_result_texts),
        cmocka_unit_test(test_textcut_error_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
