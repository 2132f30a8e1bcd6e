/*
 * test_ruletest.c — ql_test_file, a rule set's YAML test cases run by the
 * library: passing and failing cases with their lines and messages, a
 * broken test file located, the load options honoured for the rules it
 * names, files that are not regular refused without blocking, NULLs.
 * Public API only: linked against the shipped shared library.
 */
#define QL_TEST_SCRATCH "ruletest"
#include "test_util.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE QL_SOURCE_DIR "/tests/rules/base.yaml"

typedef struct failures {
    int n;
    int line[8];
    char text[8][QL_TEST_MESSAGE_MAX + 256];
} failures;

static void note(const char *file, int line, const char *case_name,
                 const char *message, void *payload)
{
    failures *f = payload;
    assert_non_null(strstr(file, "t.yaml"));
    if (f->n < 8) {
        f->line[f->n] = line;
        snprintf(f->text[f->n], sizeof f->text[0], "case '%s': %s", case_name,
                 message);
    }
    f->n++;
}

static const char CASES[] =
    "rules: " BASE "\n"
    "description: two cases right, one wrong in three ways\n"
    "cases:\n"
    "  - name: right\n"
    "    date: 2024-01-01\n"
    "    input: {kind: firm, staff: 50, wages: 10000000, area_wage: 40000}\n"
    "    expect: {required: 0.750, short: 0.750}\n"
    "  - name: wrong on purpose\n"
    "    date: 2024-01-01\n"
    "    input: {kind: firm, staff: 50, wages: 10000000, area_wage: 40000}\n"
    "    expect:\n"
    "      required: 0.76\n"
    "      nothing_like_this: 1\n"
    "  - date: 2024-01-01\n"
    "    input: {kind: firm, staff: -1, wages: 1, area_wage: 1}\n"
    "    error: {code: QL_ERECORD, field: staff}\n";

static void test_ruletest_cases(void **state)
{
    (void)state;
    const char *t = scratch_put("t.yaml", CASES);
    size_t passed = 99, failed = 99;
    failures f = {0};
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 2);
    assert_int_equal(failed, 1);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.line[0], 12);
    assert_text(
        f.text[0],
        "case 'wrong on purpose': required: expected 0.76, got 0.75000");
    assert_int_equal(f.line[1], 13);
    assert_non_null(strstr(f.text[1], "'nothing_like_this' is not an output"));
    /* a case that compares nothing fails, and a file with no case is
     * refused: neither can fail, so neither may pass */
    t = scratch_put(
        "t.yaml", "rules: " BASE "\n"
                  "cases:\n"
                  "  - name: empty\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: 50, wages: 1, area_wage: 1}\n"
                  "    expect: {}\n"
                  "  - name: empty list\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: 50, wages: 1, area_wage: 1}\n"
                  "    expect: {required: []}\n"
                  "  - name: empty check mapping\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: 50, wages: 1, area_wage: 1}\n"
                  "    expect: {post_minimum: {}}\n");
    memset(&f, 0, sizeof f);
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 0);
    assert_int_equal(failed, 3);
    assert_int_equal(f.line[0], 6);
    assert_non_null(strstr(f.text[0], "'expect' is empty"));
    assert_int_equal(f.line[1], 10);
    assert_non_null(strstr(f.text[1], "an empty list expects nothing"));
    /* a check's `{}` compared no field and passed (probe18 P18-04) */
    assert_int_equal(f.line[2], 14);
    assert_non_null(strstr(f.text[2], "post_minimum: an empty mapping "
                                      "expects nothing"));
    t = scratch_put("t.yaml", "rules: " BASE "\ncases: []\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_ESCHEMA);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "'cases' is empty"));
    t = scratch_put("t.yaml", CASES);
    /* no callback: counted all the same */
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_OK);
    assert_int_equal(passed + failed, 3);
    /* a byte order mark (Windows editors write one) is skipped, as in a
     * rules file: it was "did not find expected <document start>" at
     * line 2 (probe7 P7-05) */
    char bom[sizeof CASES + 3] = "\xEF\xBB\xBF";
    strcat(bom, CASES);
    t = scratch_put("t.yaml", bom);
    memset(&f, 0, sizeof f);
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 2);
    assert_int_equal(failed, 1);
    assert_int_equal(f.line[0], 12);
}

/* An expected number that is no number says why, as a rules file's
 * value would: "expected 0e-400, got 0.75000" hid that it can never
 * match (and that 0e-400 is too long written out). */
static void test_ruletest_expected_numbers_that_are_none(void **state)
{
    (void)state;
    const char *t = scratch_put(
        "t.yaml",
        "rules: " BASE "\n"
        "cases:\n"
        "  - name: tiny\n"
        "    date: 2024-01-01\n"
        "    input: {kind: firm, staff: 50, wages: 10000000, area_wage: "
        "40000}\n"
        "    expect: {required: 0e-400, short: 1e400%, avg_wage: 5O}\n");
    size_t passed = 9, failed = 9;
    failures f = {0};
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(failed, 1);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.line[0], 6);
    assert_text(
        f.text[0],
        "case 'tiny': required: expected 0e-400, which is not a number: "
        "number too long: at most 36 significant digits and 36 digits "
        "after the point (written out, it has 400 digits after the point)");
    assert_text(
        f.text[1],
        "case 'tiny': short: expected 1e400%, which is not a number: "
        "number too long: at most 36 significant digits and 36 digits "
        "after the point (written out, it has 401 digits before the point)");
    assert_non_null(
        strstr(f.text[2], "avg_wage: expected 5O, which is not a number: not a "
                          "plain decimal number"));
}

static void test_ruletest_broken_files(void **state)
{
    (void)state;
    size_t passed = 7, failed = 7;
    ql_error err;
    const char *t =
        scratch_put("t.yaml", "rules: x.yaml\ncases: []\nextra: 1\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_ESCHEMA);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "a key that is not rules, cases or "
                                        "description"));
    assert_null(strstr(err.message, "extra"));
    assert_int_equal(passed, 7); /* nothing counted */
    t = scratch_put("t.yaml", "rules: x.yaml\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "'cases:'"));
    t = scratch_put("t.yaml", "rules: [\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_EPARSE);
    /* a byte that is not UTF-8, at its own place, named (lib13b 5a) */
    t = scratch_put("t.yaml", "rules: x.yaml\ncases: [] # caf\xE9\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 16);
    assert_non_null(strstr(err.message,
                           "byte 0xE9 is not UTF-8 (it starts a 3-byte "
                           "sequence, but 0x0A follows"));
    /* located at the test file's `rules:`, the one place to mend, not
     * at a path the user never wrote (P13-03) */
    t = scratch_put("t.yaml", "rules: missing.yaml\ncases: []\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_EIO);
    assert_string_equal(err.file, t);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 8);
    assert_non_null(strstr(err.message, "rules: no file 'missing.yaml' beside "
                                        "this test file"));
    /* a directory and a FIFO: refused at once, never read or waited on */
    assert_int_equal(
        ql_test_file(&passed, &failed, scratch_dir, NULL, NULL, NULL, &err),
        QL_EIO);
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo", scratch_dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(
        ql_test_file(&passed, &failed, fifo, NULL, NULL, NULL, &err), QL_EIO);
    assert_non_null(strstr(err.message, "FIFO"));
    assert_int_equal(passed, 7);
}

/* P3-08: a YAML file that is not a test file is refused without a word
 * of its text; a near miss is named with the key meant. */
static void test_ruletest_quotes_no_other_file(void **state)
{
    (void)state;
    size_t passed = 7, failed = 7;
    ql_error err;
    const char *t = scratch_put("t.yaml", "secret_key: hunter2-very-secret\n"
                                          "password: swordfish\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "not a quotalevy test file"));
    assert_null(strstr(err.message, "secret"));
    assert_int_equal(err.line, 1);
    t = scratch_put("t.yaml", "cases: []\nrules: x.yaml\n"
                              "root:x:0:0:root:/root:/bin/bash: 1\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_ESCHEMA);
    assert_null(strstr(err.message, "root"));
    assert_int_equal(err.line, 3);
    /* a first key that is a slip of one: named, the text still unquoted
     * (P13-02) */
    t = scratch_put("t.yaml", "rule: x.yaml\ncases: []\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "not a quotalevy test file: its first "
                                        "key is not rules, cases or "
                                        "description (a slip of 'rules'?)"));
    t = scratch_put("t.yaml", "rules: x.yaml\ncase: []\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_ESCHEMA);
    assert_non_null(strstr(err.message, "unknown key 'case'; did you mean "
                                        "'cases'?"));
    assert_int_equal(passed, 7);
}

/* P2-18: two cases of one name, a case with both expect and error, and a
 * date of the right form that is no day each fail with what is wrong. */
static void test_ruletest_case_checks(void **state)
{
    (void)state;
    failures f = {0};
    size_t passed, failed;
    ql_error err;
    const char *t = scratch_put(
        "t.yaml", "rules: " BASE "\n"
                  "cases:\n"
                  "  - name: basic\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: 50, wages: 10000000, "
                  "area_wage: 40000}\n"
                  "    expect: {required: 0.750}\n"
                  "  - name: basic\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: 50, wages: 10000000, "
                  "area_wage: 40000}\n"
                  "    expect: {required: 0.750}\n"
                  "  - name: both\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: -1, wages: 1, area_wage: 1}\n"
                  "    expect: {required: 0.750}\n"
                  "    error: {code: QL_ERECORD}\n"
                  "  - name: no day\n"
                  "    date: 2024-02-30\n"
                  "    expect: {required: 0.750}\n");
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 3);
    assert_int_equal(f.n, 3);
    assert_int_equal(f.line[0], 7);
    assert_non_null(strstr(f.text[0], "case name 'basic' is given to case 1 "
                                      "(line 3) too"));
    assert_int_equal(f.line[1], 15);
    assert_non_null(strstr(f.text[1], "both 'expect' and 'error'"));
    assert_int_equal(f.line[2], 17);
    assert_non_null(strstr(f.text[2], "'2024-02-30' is not a real calendar "
                                      "date"));
}

/* P4-15: an expected error the case could never tell apart — a status
 * name the library does not have (a typo), QL_OK, an empty message or
 * field part (matched by every error), an unknown key of the error — is
 * a located failure saying so, never "expected QL_ERECROD, got …" nor a
 * pass. */
static void test_ruletest_expected_error_checks(void **state)
{
    (void)state;
    failures f = {0};
    size_t passed, failed;
    ql_error err;
#define BAD_CASE(name, error)                                                  \
    "  - name: " name "\n"                                                     \
    "    date: 2024-01-01\n"                                                   \
    "    input: {kind: firm, staff: -1, wages: 1, area_wage: 1}\n"             \
    "    error: " error "\n"
    const char *t = scratch_put(
        "t.yaml",
        "rules: " BASE "\n"
        "cases:\n" BAD_CASE("right", "{code: QL_ERECORD, field: staff}")
            BAD_CASE("typo", "QL_ERECROD") BAD_CASE("ok", "QL_OK")
                BAD_CASE("empty message", "{code: QL_ERECORD, message: \"\"}")
                    BAD_CASE("empty field", "{code: QL_ERECORD, field: ''}")
                        BAD_CASE("misspelt key",
                                 "{code: QL_ERECORD, mesage: staff}"));
#undef BAD_CASE
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 5);
    assert_int_equal(f.n, 5);
    assert_int_equal(f.line[0], 10);
    assert_non_null(strstr(f.text[0],
                           "'QL_ERECROD' is not a status name; did you "
                           "mean 'QL_ERECORD'?"));
    assert_int_equal(f.line[1], 14);
    assert_non_null(strstr(f.text[1], "'QL_OK' is not a status name"));
    assert_int_equal(f.line[2], 18);
    assert_non_null(strstr(f.text[2],
                           "'message' must be a part of the expected "
                           "message: an empty one matches every error"));
    assert_int_equal(f.line[3], 22);
    assert_non_null(strstr(f.text[3], "'field' must be a field name"));
    assert_int_equal(f.line[4], 26);
    assert_non_null(strstr(f.text[4], "unknown key 'mesage'; did you mean "
                                      "'message'?"));
}

static void test_ruletest_load_options(void **state)
{
    (void)state;
    /* the rules named by the test file extend a file outside its folder:
     * refused by default, run with QL_EXTENDS_ANY */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/top", scratch_dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    scratch_put("base.yaml", "quotalevy: 1\nid: x\ntitle: x\njurisdiction: x\n"
                             "version: '1'\ninputs:\n  n: {type: decimal, "
                             "scale: 1}\noutputs: [n]\n");
    scratch_put("top/top.yaml",
                "quotalevy: 1\nid: y\ntitle: y\njurisdiction: y\n"
                "version: '1'\nextends: ../base.yaml\n");
    const char *t = scratch_put("top/t.yaml", "rules: top.yaml\ncases:\n"
                                              "  - date: 2024-01-01\n"
                                              "    input: {n: 2}\n"
                                              "    expect: {n: 2.0}\n");
    size_t passed = 0, failed = 0;
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, NULL, NULL, &err),
                     QL_EIO);
    assert_non_null(strstr(err.message, "refused"));
    assert_non_null(strstr(err.file, "top.yaml"));
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.extends_policy = QL_EXTENDS_ANY;
    assert_int_equal(ql_test_file(&passed, &failed, t, &o, NULL, NULL, &err),
                     QL_OK);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 0);
    /* the rules come from the file the test names, never a buffer */
    o.buffer = "quotalevy: 1";
    o.buffer_len = 12;
    assert_int_equal(ql_test_file(&passed, &failed, t, &o, NULL, NULL, &err),
                     QL_EINVAL);
    o.version = 0;
    o.buffer = NULL;
    assert_int_equal(ql_test_file(&passed, &failed, t, &o, NULL, NULL, &err),
                     QL_EINVAL);
}

/* What on_loaded saw, and the failures reported by then. */
typedef struct loaded {
    int calls, failures_before;
    char file[3][256], id[32];
    failures f;
} loaded;

static void saw_rules(const ql_ruleset *rs, void *payload)
{
    loaded *l = payload;
    l->calls++;
    l->failures_before = l->f.n;
    for (int i = 0; i < 3; i++) {
        char key[16];
        snprintf(key, sizeof key, "file.%d", i + 1);
        const char *f = ql_ruleset_meta(rs, key);
        snprintf(l->file[i], sizeof l->file[i], "%s", f ? f : "");
    }
    snprintf(l->id, sizeof l->id, "%s", ql_ruleset_meta(rs, "id"));
}

static void note_loaded(const char *file, int line, const char *case_name,
                        const char *message, void *payload)
{
    note(file, line, case_name, message, &((loaded *)payload)->f);
}

/* A report can say which rules a test file tested (P4-22: a stale copy
 * beside a linked test file was tested without a word): ql_test_file_ext
 * hands over the loaded rule set, with the file `rules:` names and its
 * extends chain, once and before any failure; never when they fail to
 * load. */
static void test_ruletest_names_the_rules_it_tested(void **state)
{
    (void)state;
    char sub[128], real[2][PATH_MAX];
    snprintf(sub, sizeof sub, "%s/chain", scratch_dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    scratch_put("chain/base.yaml",
                "quotalevy: 1\nid: base\ntitle: x\njurisdiction: x\n"
                "version: '1'\ninputs:\n  n: {type: decimal, scale: 1}\n"
                "outputs: [n]\n");
    assert_non_null(realpath(scratch_put("chain/top.yaml",
                                         "quotalevy: 1\nid: top\ntitle: y\n"
                                         "jurisdiction: y\nversion: '2'\n"
                                         "extends: base.yaml\n"),
                             real[0]));
    snprintf(sub, sizeof sub, "%s/chain/base.yaml", scratch_dir);
    assert_non_null(realpath(sub, real[1]));
    const char *t = scratch_put("chain/t.yaml", "rules: top.yaml\ncases:\n"
                                                "  - date: 2024-01-01\n"
                                                "    input: {n: 2}\n"
                                                "    expect: {n: 3.0}\n");
    size_t passed = 9, failed = 9;
    loaded l = {0};
    ql_error err;
    assert_int_equal(ql_test_file_ext(&passed, &failed, t, NULL, saw_rules,
                                      note_loaded, &l, &err),
                     QL_OK);
    assert_int_equal(passed, 0);
    assert_int_equal(failed, 1);
    assert_int_equal(l.calls, 1);
    assert_int_equal(l.failures_before, 0);
    assert_int_equal(l.f.n, 1);
    assert_string_equal(l.file[0], real[0]);
    assert_string_equal(l.file[1], real[1]);
    assert_string_equal(l.file[2], "");
    assert_string_equal(l.id, "top");
    /* no callback: the same run */
    assert_int_equal(
        ql_test_file_ext(&passed, &failed, t, NULL, NULL, NULL, NULL, &err),
        QL_OK);
    assert_int_equal(failed, 1);
    /* rules that do not load: no call, the error names the rules file */
    scratch_put("chain/top.yaml", "quotalevy: 1\nid: top\n");
    memset(&l, 0, sizeof l);
    assert_int_not_equal(ql_test_file_ext(&passed, &failed, t, NULL, saw_rules,
                                          note_loaded, &l, &err),
                         QL_OK);
    assert_int_equal(l.calls, 0);
    assert_non_null(strstr(err.file, "top.yaml"));
    assert_int_equal(
        ql_test_file_ext(NULL, &failed, t, NULL, saw_rules, NULL, &l, &err),
        QL_EINVAL);
    assert_int_equal(l.calls, 0);
}

/* P6-04: a misspelt expect key gets the nearest name, and a check's
 * outcome or boolean field that is not one (`applicable: maybe`) is
 * refused where it stands instead of compared ("expected maybe, got
 * false" read as a wrong result). */
static void test_ruletest_expect_slips(void **state)
{
    (void)state;
    const char *t = scratch_put(
        "t.yaml", "rules: " BASE "\n"
                  "cases:\n"
                  "  - name: slips\n"
                  "    date: 2024-01-01\n"
                  "    input: {kind: firm, staff: 50, wages: 10000000, "
                  "area_wage: 40000}\n"
                  "    expect:\n"
                  "      levy_wagr: 1\n"
                  "      post_minimum: {applicable: maybe, compliant: yes}\n"
                  "      ratio_check: sometimes\n");
    size_t passed = 9, failed = 9;
    failures f = {0};
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(failed, 1);
    assert_int_equal(f.n, 4);
    assert_int_equal(f.line[0], 7);
    assert_text(f.text[0], "case 'slips': 'levy_wagr' is not an output, "
                           "check or evaluated computed value; did you "
                           "mean 'levy_wage'?");
    assert_int_equal(f.line[1], 8);
    assert_text(f.text[1], "case 'slips': post_minimum.applicable: 'maybe' "
                           "is not a boolean (expected true or false)");
    assert_text(f.text[2], "case 'slips': post_minimum.compliant: 'yes' is "
                           "not a boolean or n/a (expected true or false, "
                           "or n/a when the check does not apply)");
    assert_int_equal(f.line[3], 9);
    assert_text(f.text[3], "case 'slips': ratio_check: 'sometimes' is not a "
                           "check's outcome (expected n/a, true, false or a "
                           "mapping of its fields)");
}

/* probe17 P17-01: a bool output's or computed value's expected value that
 * is no boolean (`yes`, `maybe`) is refused where it stands, as a
 * check's is: it was compared, "expected yes, got true", a wrong result
 * to the reader, though the case's own input took `yes` as true. */
static void test_ruletest_bool_expect_slips(void **state)
{
    (void)state;
    char rules[192];
    snprintf(
        rules, sizeof rules, "%s",
        scratch_put("flag.yaml",
                    "quotalevy: 1\nid: xx-flag\ntitle: t\njurisdiction: XX\n"
                    "version: \"1\"\ninputs:\n  n: integer\n"
                    "computed:\n  big: n > 10\n  twice: if(big, n * 2, n)\n"
                    "outputs: [twice, big]\n"));
    char text[512];
    snprintf(text, sizeof text,
             "rules: %s\n"
             "cases:\n"
             "  - name: slips\n"
             "    date: 2024-01-01\n"
             "    input: {n: 20}\n"
             "    expect: {big: yes, twice: 40}\n"
             "  - name: right\n"
             "    date: 2024-01-01\n"
             "    input: {n: 2}\n"
             "    expect: {big: false}\n",
             rules);
    const char *t = scratch_put("t.yaml", text);
    size_t passed = 9, failed = 9;
    failures f = {0};
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 1);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.line[0], 6);
    assert_text(f.text[0], "case 'slips': big: 'yes' is not a boolean "
                           "(expected true or false)");
}

/* probe17 P17-05: one field of a check as formulas name it,
 * `check.field: value`, is expected as that field (it was "not an output,
 * check or evaluated computed value"). */
static void test_ruletest_check_field_dotted(void **state)
{
    (void)state;
    const char *t = scratch_put(
        "t.yaml",
        "rules: " BASE "\n"
        "cases:\n"
        "  - name: dotted\n"
        "    date: 2024-01-01\n"
        "    input: {kind: office, staff: 50, posts: 60, wages: 10000000, "
        "area_wage: 40000}\n"
        "    expect:\n"
        "      post_minimum.applicable: true\n"
        "      post_minimum.compliant: false\n"
        "      ratio_check.shortfall: 0.75\n"
        "      ratio_check.compliant: true\n"
        "      post_minimum.aplicable: true\n");
    size_t passed = 9, failed = 9;
    failures f = {0};
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(failed, 1);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.line[0], 10);
    assert_text(f.text[0], "case 'dotted': ratio_check.compliant: expected "
                           "true, got false");
    assert_int_equal(f.line[1], 11);
    assert_text(f.text[1], "case 'dotted': post_minimum: a check has no field "
                           "'aplicable' (expected applicable, compliant, "
                           "required, actual or shortfall)");
}

/* A case key that is a slip of one gets the one meant (P13-02:
 * 'expected' for expect was only "unknown key"), and `rules:` naming an
 * installed rule set is found on the search path from any working
 * directory (P13-18: it was looked for as TESTDIR/NAME). */
static void test_ruletest_slips_and_rules_by_name(void **state)
{
    (void)state;
    char rdir[128], sub[160], tfile[160];
    snprintf(rdir, sizeof rdir, "%s/installed", scratch_dir);
    snprintf(sub, sizeof sub, "%s/xx", rdir);
    assert_int_equal(mkdir(rdir, 0700), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    char rules[192];
    snprintf(rules, sizeof rules, "%s/levy.yaml", sub);
    FILE *f = fopen(rules, "w");
    assert_non_null(f);
    fputs("quotalevy: 1\nid: xx-levy\ntitle: t\njurisdiction: XX\n"
          "version: \"1\"\ninputs:\n  n: integer\ncomputed:\n"
          "  twice: n * 2\noutputs: [twice]\n",
          f);
    fclose(f);
    setenv("QUOTALEVY_RULES_PATH", rdir, 1);
    snprintf(tfile, sizeof tfile, "%s/sub", scratch_dir);
    assert_int_equal(mkdir(tfile, 0700), 0);
    snprintf(tfile, sizeof tfile, "%s/sub/t.yaml", scratch_dir);
    f = fopen(tfile, "w");
    assert_non_null(f);
    fputs("rules: xx/levy\n"
          "cases:\n"
          "  - name: right\n"
          "    date: 2024-01-01\n"
          "    input: {n: 2}\n"
          "    expect: {twice: 4}\n"
          "  - name: slips\n"
          "    date: 2024-01-01\n"
          "    inputs: {n: 2}\n"
          "    expected: {twice: 4}\n",
          f);
    fclose(f);
    size_t passed = 9, failed = 9;
    failures fl = {0};
    ql_error err;
    /* from the test's own folder and from elsewhere alike */
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir("/"), 0);
    ql_status st = ql_test_file(&passed, &failed, tfile, NULL, note, &fl, &err);
    assert_int_equal(chdir(cwd), 0);
    unsetenv("QUOTALEVY_RULES_PATH");
    assert_int_equal(st, QL_OK);
    assert_int_equal(passed, 1);
    assert_int_equal(failed, 1);
    assert_int_equal(fl.line[0], 9);
    assert_text(fl.text[0], "case 'slips': unknown key 'inputs'; did you mean "
                            "'input'? (expected name, date, input, expect, "
                            "error or note)");
}

/* A list input in a case is given whole: a short list, one item key
 * alone or a scalar was read with the other items empty, so a month
 * left out by a slip passed on the list's default (probe13 P13-17). */
static void test_ruletest_list_inputs_whole(void **state)
{
    (void)state;
    scratch_put("months.yaml",
                "quotalevy: 1\nid: m\ntitle: m\njurisdiction: XX\n"
                "version: \"1\"\n"
                "inputs:\n  staff: {type: integer, count: 3, default: 0}\n"
                "  kind: {type: enum, values: [a, b]}\n"
                "computed:\n  total: sum(staff)\n"
                "outputs: [total, kind]\n");
    const char *t = scratch_put(
        "t.yaml",
        "rules: months.yaml\n"
        "cases:\n"
        "  - name: two of three\n"
        "    date: 2024-01-01\n"
        "    input: {staff: [5, 5]}\n"
        "    expect: {total: 10}\n"
        "  - name: four of three\n"
        "    date: 2024-01-01\n"
        "    input: {staff: [5, 5, 5, 5]}\n"
        "    expect: {total: 15}\n"
        "  - name: one item key\n"
        "    date: 2024-01-01\n"
        "    input: {\"staff[1]\": 5}\n"
        "    expect: {total: 5}\n"
        "  - name: a scalar\n"
        "    date: 2024-01-01\n"
        "    input: {staff: 5}\n"
        "    expect: {total: 5}\n"
        "  - name: an item past the end\n"
        "    date: 2024-01-01\n"
        "    input: {\"staff[4]\": 5}\n"
        "    expect: {total: 5}\n"
        "  - name: a list for a value\n"
        "    date: 2024-01-01\n"
        "    input: {kind: [a]}\n"
        "    expect: {total: 0}\n"
        "  - name: whole, with an empty item\n"
        "    date: 2024-01-01\n"
        "    input: {staff: [5, ~, 5]}\n"
        "    expect: {total: 10}\n"
        "  - name: every item key\n"
        "    date: 2024-01-01\n"
        "    input: {\"staff[1]\": 5, \"staff[2]\": ~, \"staff[3]\": 1}\n"
        "    expect: {total: 6}\n");
    size_t passed = 9, failed = 9;
    failures f = {0};
    ql_error err;
    assert_int_equal(ql_test_file(&passed, &failed, t, NULL, note, &f, &err),
                     QL_OK);
    assert_int_equal(passed, 2);
    assert_int_equal(failed, 6);
    assert_int_equal(f.n, 6);
    assert_int_equal(f.line[0], 5);
    assert_text(f.text[0], "case 'two of three': input 'staff' is a list of 3 "
                           "items, but the case gives 2 (~ leaves an item "
                           "empty)");
    assert_non_null(
        strstr(f.text[1], "a list of 3 items, but the case gives 4"));
    assert_int_equal(f.line[2], 13);
    assert_text(f.text[2], "case 'one item key': input 'staff' is a list of 3 "
                           "items, and the case gives 1 of them (no staff[2]): "
                           "the others would be read as empty; give every "
                           "item (~ for one left empty), or the list as […]");
    assert_non_null(strstr(f.text[3], "input 'staff' is a list of 3 items: "
                                      "give them as a YAML list"));
    assert_text(f.text[4], "case 'an item past the end': 'staff' is a list of "
                           "3 items, staff[1] … staff[3]");
    assert_text(f.text[5], "case 'a list for a value': input 'kind' is not a "
                           "list: give it one value");
}

static void test_ruletest_null_arguments(void **state)
{
    (void)state;
    size_t n;
    ql_error err;
    assert_int_equal(ql_test_file(NULL, &n, BASE, NULL, NULL, NULL, &err),
                     QL_EINVAL);
    assert_int_equal(ql_test_file(&n, NULL, BASE, NULL, NULL, NULL, &err),
                     QL_EINVAL);
    assert_int_equal(ql_test_file(&n, &n, NULL, NULL, NULL, NULL, NULL),
                     QL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ruletest_cases),
        cmocka_unit_test(test_ruletest_expected_numbers_that_are_none),
        cmocka_unit_test(test_ruletest_broken_files),
        cmocka_unit_test(test_ruletest_quotes_no_other_file),
        cmocka_unit_test(test_ruletest_case_checks),
        cmocka_unit_test(test_ruletest_expected_error_checks),
        cmocka_unit_test(test_ruletest_load_options),
        cmocka_unit_test(test_ruletest_names_the_rules_it_tested),
        cmocka_unit_test(test_ruletest_expect_slips),
        cmocka_unit_test(test_ruletest_bool_expect_slips),
        cmocka_unit_test(test_ruletest_check_field_dotted),
        cmocka_unit_test(test_ruletest_slips_and_rules_by_name),
        cmocka_unit_test(test_ruletest_list_inputs_whole),
        cmocka_unit_test(test_ruletest_null_arguments),
    };
    return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
