/*
 * test_hostile.c — input made to hurt: every one is refused with a clear
 * error, never a crash, a hang or a runaway allocation (the suite also
 * runs under ASan + UBSan).  Limits are documented in docs/security.md.
 */
#include "test_util.h"
#include "eval.h"
#include "fast.h"
#include "util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

static void test_hostile_billion_laughs(void **state)
{
    (void)state;
    const char *bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
    assert_load_error(bomb, QL_EPARSE, 1, 4, "anchors");
}

static void test_hostile_deep_nesting(void **state)
{
    (void)state;
    size_t n = 100000;
    char *deep = malloc(2 * n + 16);
    strcpy(deep, "a: ");
    memset(deep + 3, '[', n);
    deep[3 + n] = '\0';
    char want[32];
    snprintf(want, sizeof want, "deeper than %d levels", QL_MAX_YAML_DEPTH);
    assert_load_error(deep, QL_EPARSE, 0, 0, want);
    /* an expression 100,000 parentheses deep */
    char *y = malloc(2 * n + 512);
    int o = snprintf(y, 512, RULES_HEAD "computed:\n  x: ");
    memset(y + o, '(', n);
    y[o + n] = '1';
    memset(y + o + n + 1, ')', n);
    strcpy(y + o + 2 * n + 1, "\noutputs: [x]\n");
    assert_load_error(y, QL_EPARSE, 0, 0, "nested too deeply");
    free(deep);
    free(y);
}

static void test_hostile_huge_scalar(void **state)
{
    (void)state;
    size_t n = (1u << 20) + 10;
    char *y = malloc(n + 64);
    strcpy(y, "a: ");
    memset(y + 3, 'x', n);
    strcpy(y + 3 + n, "\n");
    assert_load_error(y, QL_EPARSE, 1, 4, "scalar longer than 1 MiB");
    free(y);
}

static void test_hostile_invalid_utf8_and_nul(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    const char bad[] = "quotalevy: 1\nid: \xff\xfe\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, bad, sizeof bad - 1, "u.yaml", &err),
                     QL_EPARSE);
    assert_int_equal(err.line, 2);
    const char overlong[] = "id: \xc0\xaf\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, overlong, sizeof overlong - 1, "u.yaml", &err),
                     QL_EPARSE);
    const char nul[] = "quotalevy: 1\nid: a\0b\n";
    assert_int_equal(ql_ruleset_load_buffer(&rs, nul, sizeof nul - 1, "n.yaml", &err),
                     QL_EPARSE);
}

/* A NUL made by an escape inside a YAML string: every name, value and
 * path is a C string past the YAML reader, so "ok.yaml\u0000x" would be
 * read as ok.yaml.  Each is refused at the scalar that holds it. */
static void test_hostile_escaped_nul(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line, col;
    } cases[] = {
        {"quotalevy: 1\nextends: \"ok.yaml\\u0000x\"\n", 2, 10},
        {"quotalevy: 1\nid: \"t\\0\"\n", 2, 5},
        {"quotalevy: 1\n\"i\\x00d\": t\n", 2, 1},
        {RULES_HEAD "inputs:\n  k: {type: enum, values: [a, \"b\\0c\"]}\n", 10, 31},
        {RULES_HEAD "inputs:\n  \"n\\u0000m\": decimal\n", 10, 3},
        {RULES_HEAD "    article: \"art. 8\\0\"\n", 9, 14},
        {"quotalevy: 1\nid: 't'\ntitle: |\n  a\n  \\0 is text here\n", 0, 0},
    };
    /* the file named before the NUL exists: before, it was loaded */
    FILE *f = fopen("/tmp/ql_nul_ok.yaml", "w");
    fputs(RULES_HEAD "outputs: []\n", f);
    fclose(f);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (!cases[i].line) { /* a literal block has no escapes: loads on */
            ql_ruleset *rs = NULL;
            ql_error err;
            ql_status st = ql_ruleset_load_buffer(&rs, cases[i].text,
                                                  strlen(cases[i].text),
                                                  "/tmp/n.yaml", &err);
            assert_true(st != QL_OK && !strstr(err.message, "NUL"));
            continue;
        }
        assert_load_error(cases[i].text, QL_EPARSE, cases[i].line, cases[i].col,
                          "a NUL character");
    }
    ql_ruleset *rs;
    ql_error err;
    const char top[] = "quotalevy: 1\nextends: \"ql_nul_ok.yaml\\u0000x\"\nid: u\n";
    f = fopen("/tmp/ql_nul_top.yaml", "w");
    fputs(top, f);
    fclose(f);
    assert_int_equal(ql_ruleset_load(&rs, "/tmp/ql_nul_top.yaml", &err), QL_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.message, "a NUL character"));
    remove("/tmp/ql_nul_top.yaml");
    remove("/tmp/ql_nul_ok.yaml");
}

/* An enum's values are scanned (at load for duplicates, per record for
 * the value): bounded, at and past QL_MAX_ENUM_VALUES. */
static char *enum_rules(int n)
{
    size_t cap = (size_t)n * 8 + 1024;
    char *y = malloc(cap);
    size_t o = (size_t)snprintf(y, cap, RULES_HEAD
                                "inputs:\n  k:\n    type: enum\n    values: [v0");
    for (int i = 1; i < n; i++)
        o += (size_t)snprintf(y + o, cap - o, ",v%d", i);
    snprintf(y + o, cap - o, "]\ncomputed:\n  x: if(k == \"v0\", 1, 0)\n"
                             "outputs: [x]\n");
    return y;
}

static void test_hostile_enum_values(void **state)
{
    (void)state;
    char *y = enum_rules(1000);
    ql_ruleset *rs = load_text(y);
    ql_ruleset_free(rs);
    free(y);
    y = enum_rules(1001);
    assert_load_error(y, QL_ELIMIT, 12, 4904, /* at v1000 */
                      "more than 1000 enum values");
    free(y);
}

static void test_hostile_self_extends(void **state)
{
    (void)state;
    const char *path = "/tmp/ql_self.yaml";
    FILE *f = fopen(path, "w");
    fputs("quotalevy: 1\nextends: ql_self.yaml\nid: s\ntitle: s\n"
          "jurisdiction: s\nversion: '1'\noutputs: []\n", f);
    fclose(f);
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, path, &err), QL_ENAME);
    assert_non_null(strstr(err.message, "makes a cycle"));
    /* extends naming a device: refused as an absolute path, and when any
     * path is allowed, as a device, before a byte of it is read */
    f = fopen(path, "w");
    fputs("quotalevy: 1\nextends: /dev/zero\nid: s\ntitle: s\n"
          "jurisdiction: s\nversion: '1'\noutputs: []\n", f);
    fclose(f);
    assert_int_equal(ql_ruleset_load(&rs, path, &err), QL_EIO);
    assert_non_null(strstr(err.message, "refused, an absolute path"));
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.extends_policy = QL_EXTENDS_ANY;
    assert_int_equal(ql_ruleset_load_ext(&rs, path, &o, &err), QL_EIO);
    assert_non_null(strstr(err.message, "not read: a device"));
    remove(path);
}

static void test_hostile_record_values(void **state)
{
    (void)state;
    ql_ruleset *rs;
    ql_error err;
    assert_int_equal(ql_ruleset_load(&rs, QL_SOURCE_DIR "/rules/cn/jilin.yaml", &err), QL_OK);
    ql_record *rec;
    ql_result *res;
    ql_record_new(&rec, rs, &err);
    ql_result_new(&res, rs, &err);
    const char *bad[] = {"NaN", "nan", "inf", "-Infinity", "1e400", "0x1p3",
                         "1_000", "١٢٣", "12.", ".5", "--1", "1..2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(ql_record_set(rec, "employees", bad[i], &err), QL_ERECORD);
        assert_text(err.field, "employees");
    }
    char digits[10002];
    memset(digits, '9', 10000);
    digits[10000] = '\0';
    assert_int_equal(ql_record_set(rec, "employees", digits, &err), QL_ERECORD);
    assert_non_null(strstr(err.message, "too long"));
    /* values that overflow an intermediate: an error naming the place */
    ql_record_set(rec, "unit_type", "enterprise", &err);
    ql_record_set(rec, "employees", "999999999999999999999999999999999999", &err);
    ql_record_set(rec, "disabled", "0", &err);
    ql_record_set(rec, "disabled_severe", "0", &err);
    ql_record_set(rec, "wage_total", "999999999999999999999999999999999999", &err);
    ql_record_set(rec, "local_avg_wage", "999999999999999999999999999999999999", &err);
    ql_status st = ql_evaluate(res, rec, D("2024-06-30"), 0, &err);
    assert_int_equal(st, QL_ERANGE);
    assert_non_null(strstr(err.message, "more than 36"));
    assert_true(err.line > 0);
    /* huge but representable: no overflow, exact answers */
    ql_record_set(rec, "employees", "100000000000", &err);
    ql_record_set(rec, "wage_total", "10000000000000000", &err);
    ql_record_set(rec, "local_avg_wage", "100000", &err);
    assert_int_equal(ql_evaluate(res, rec, D("2024-06-30"), 0, &err), QL_OK);
    /* a string field of 20 MB is taken as data, not a crash */
    size_t n = 20u << 20;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    assert_int_equal(ql_record_set_text(rec, 0, big, n, &err), QL_OK);
    free(big);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
}


/* "x OP x OP …" with n terms as computed 'x', over inputs a (decimal) and
 * b (bool).  Returns a malloc'd rules text. */
static char *chain_rules(const char *op, const char *term, int n)
{
    size_t cap = (size_t)n * (strlen(op) + strlen(term)) + 1024;
    char *y = malloc(cap);
    size_t o = (size_t)snprintf(y, cap, RULES_HEAD
                                "inputs:\n  a: {type: decimal, scale: 0}\n  b: bool\n"
                                "computed:\n  x: %s", term);
    for (int i = 1; i < n; i++)
        o += (size_t)snprintf(y + o, cap - o, "%s%s", op, term);
    /* a chain of quotients has no bounded scale: checked, not reported */
    snprintf(y + o, cap - o, strcmp(op, "/") ? "\noutputs: [x]\n" : "\noutputs: []\n");
    return y;
}

/* Flat chains build trees as deep as they are long: refused past
 * QL_MAX_EXPR_HEIGHT with a located QL_ELIMIT, never a stack overflow,
 * whatever the operator. */
static void test_hostile_long_chains(void **state)
{
    (void)state;
    static const char *const ops[][2] = {
        {"+", "a"}, {"-", "a"}, {"*", "a"}, {"/", "a"}, {" and ", "b"},
        {" or ", "b"}, {" == ", "b"}};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        char *y = chain_rules(ops[i][0], ops[i][1], 30000);
        int ol = (int)strlen(ops[i][0]), tl = (int)strlen(ops[i][1]);
        int col = 6 + tl + (QL_MAX_EXPR_HEIGHT - 1) * (ol + tl) +
                  (int)strspn(ops[i][0], " ");
        assert_load_error(y, i == 6 ? QL_EPARSE : QL_ELIMIT, 13,
                          i == 6 ? 13 : col, /* the operator past the limit */
                          i == 6 ? "do not chain" : "expression too long");
        free(y);
        if (i == 6)
            continue;
        y = chain_rules(ops[i][0], ops[i][1], QL_MAX_EXPR_HEIGHT); /* at the limit */
        ql_ruleset *rs = load_text(y);
        ql_ruleset_free(rs);
        free(y);
    }
    /* unary operators and calls nest: the depth limit holds them */
    char *y = chain_rules("", "-", 30000);
    assert_load_error(y, QL_EPARSE, 0, 0, "nested too deeply");
    free(y);
    y = chain_rules(" ", "not", 30000);
    assert_load_error(y, QL_EPARSE, 0, 0, "nested too deeply");
    free(y);
}

/* A chain of computed values, each a long chain naming the next one
 * first: checking one checks the others from inside it, so the sum of
 * their depths is bounded too (QL_MAX_CHECK_DEPTH). */
static char *dependency_rules(int values, int terms)
{
    size_t cap = (size_t)values * ((size_t)terms * 2 + 16) + 1024;
    char *y = malloc(cap);
    size_t o = (size_t)snprintf(y, cap, RULES_HEAD
                                "inputs:\n  a: {type: decimal, scale: 0}\n"
                                "computed:\n");
    for (int v = values - 1; v >= 0; v--) {
        o += (size_t)snprintf(y + o, cap - o, "  v%d: ", v);
        if (v)
            o += (size_t)snprintf(y + o, cap - o, "v%d", v - 1);
        else
            o += (size_t)snprintf(y + o, cap - o, "a");
        for (int t = 1; t < terms; t++)
            o += (size_t)snprintf(y + o, cap - o, "+a");
        y[o++] = '\n';
    }
    snprintf(y + o, cap - o, "outputs: [v%d]\n", values - 1);
    return y;
}

/* Checking one value no longer checks the values it uses from inside it
 * (lib/order.c settles them first), so a chain of values as long as
 * QL_MAX_DEPENDENCY_DEPTH allows, each a chain near QL_MAX_EXPR_HEIGHT,
 * each naming the next, load: the type checker's stack is one tree's. */
/* A chain of values past the depth limit is one located problem,
 * declared in either order: it was 199 bare copies of the message (no
 * file, line or name) and "… 57 more" when declared last-first (P4-02). */
static void test_hostile_deep_chain_said_once(void **state)
{
    (void)state;
    char path[] = "/tmp/ql_deepchain_XXXXXX";
    for (int reversed = 0; reversed < 2; reversed++) {
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        FILE *f = fdopen(fd, "w");
        fprintf(f, "quotalevy: 1\nid: t\ntitle: t\njurisdiction: XX\n"
                   "version: \"1\"\ninputs:\n  a: {type: decimal, scale: 2}\n"
                   "computed:\n");
        for (int k = 0; k < 1000; k++) {
            int i = reversed ? 999 - k : k;
            if (i)
                fprintf(f, "  c%d: c%d + 1\n", i, i - 1);
            else
                fprintf(f, "  c0: a + 1\n");
        }
        fprintf(f, "outputs: [c999]\n");
        fclose(f);
        ql_error errs[8];
        size_t count = 0;
        assert_int_equal(ql_ruleset_diagnose(errs, 8, &count, path), QL_ELIMIT);
        assert_int_equal(count, 1);
        assert_non_null(strstr(errs[0].message, "levels deep"));
        assert_true(errs[0].line > 0);
        assert_string_equal(errs[0].file, path);
        assert_true(errs[0].line > 0 && errs[0].column > 0);
        remove(path);
        strcpy(path, "/tmp/ql_deepchain_XXXXXX");
    }
}

static void test_hostile_deep_dependencies(void **state)
{
    (void)state;
    char *y = dependency_rules(QL_MAX_DEPENDENCY_DEPTH - 6, QL_MAX_EXPR_HEIGHT - 10);
    ql_ruleset *rs = load_text(y);
    assert_non_null(rs);
    ql_ruleset_free(rs);
    free(y);
    y = dependency_rules(QL_MAX_DEPENDENCY_DEPTH + 44, 1); /* past the limit */
    char want[64];
    snprintf(want, sizeof want, "more than %d levels deep", QL_MAX_DEPENDENCY_DEPTH);
    assert_load_error(y, QL_ELIMIT, 0, 0, want);
    free(y);
}

/* An extends path longer than the system takes: the reason is said, and
 * the path quoted short (it was quoted whole, 6,000 bytes, and the
 * message cut at its limit before the reason). */
static void test_hostile_long_extends_path(void **state)
{
    (void)state;
    size_t n = 3000;
    char *y = malloc(2 * n + 512);
    size_t o = (size_t)snprintf(y, 512, "quotalevy: 1\nextends: ");
    for (size_t i = 0; i < n; i++, o += 2)
        memcpy(y + o, "a/", 2);
    snprintf(y + o, 512, "x.yaml\nid: t\ntitle: T\njurisdiction: XX\nversion: '1'\n");
    ql_ruleset *rs = NULL;
    ql_error err;
    assert_int_equal(ql_ruleset_load_buffer(&rs, y, strlen(y), "./t.yaml", &err), QL_EIO);
    assert_true(strstr(err.message, ": No such file or directory") ||
                strstr(err.message, ": File name too long"));
    assert_true(strlen(err.message) < 300);
    free(y);
}

/* What every limit allows at once loads, evaluates and explains on a
 * 128 KiB thread stack in every build (release, debug -O0, ASan): the
 * deepest input of each recursive pass, at its limit, for nesting of
 * every kind.  128 KiB is musl's default thread stack (Alpine), and
 * small stacks are usual in PostgreSQL background workers and Java
 * threads run with -Xss; docs/security.md ("The C stack") has each
 * pass's measured peak (probe12 P12-06: 199 levels of `(a + (…))`, inside
 * the 200 then allowed, overflowed a 128 KiB stack in the parser). */
#define SMALL_STACK (128u << 10)

/* Shorthands for the limits the inputs are built at. */
#define DEPTH QL_MAX_EXPR_DEPTH
#define HEIGHT QL_MAX_EXPR_HEIGHT
#define DEPS QL_MAX_DEPENDENCY_DEPTH

/* Values v9 … v0, each calls nested DEPTH − 10 deep around the next one. */
static char *nested_call_rules(void)
{
    size_t cap = 64 * 1024;
    char *y = malloc(cap);
    size_t o = (size_t)snprintf(y, cap, RULES_HEAD "inputs:\n  a: {type: decimal, scale: 0}\n"
                                "computed:\n");
    for (int v = 9; v >= 0; v--) {
        o += (size_t)snprintf(y + o, cap - o, "  v%d: ", v);
        for (int k = 0; k < DEPTH - 10; k++)
            o += (size_t)snprintf(y + o, cap - o, "max(a, ");
        o += (size_t)snprintf(y + o, cap - o, v ? "v%d" : "a", v - 1);
        for (int k = 0; k < DEPTH - 10; k++)
            y[o++] = ')';
        y[o++] = '\n';
    }
    snprintf(y + o, cap - o, "outputs: [v9]\n");
    return y;
}

/* One tree as deep as the limits let it be: `open` levels of `open_text`
 * (each closed by `close`), around `core` and then a chain of `terms`
 * more a's (0: none). */
static char *deep_core_rules(const char *open_text, const char *close,
                             int open, const char *core, int terms)
{
    size_t cap = (size_t)open * (strlen(open_text) + strlen(close)) +
                 (size_t)terms * 2 + 1024;
    char *y = malloc(cap);
    size_t o = (size_t)snprintf(y, cap, RULES_HEAD
                                "inputs:\n  a: {type: decimal, scale: 0}\n  b: bool\n"
                                "computed:\n  x: \"");
    for (int k = 0; k < open; k++)
        o += (size_t)snprintf(y + o, cap - o, "%s", open_text);
    o += (size_t)snprintf(y + o, cap - o, "%s", core);
    for (int t = 1; t < terms; t++)
        o += (size_t)snprintf(y + o, cap - o, "+a");
    for (int k = 0; k < open; k++)
        o += (size_t)snprintf(y + o, cap - o, "%s", close);
    snprintf(y + o, cap - o, "\"\noutputs: [x]\n");
    return y;
}

static char *deep_tree_rules(const char *open_text, const char *close,
                             int open, int terms)
{
    return deep_core_rules(open_text, close, open, "a", terms);
}

/* Checks each reading the one before (a check's fields are evaluated by
 * a C call each, bounded by QL_MAX_DEPENDENCY_DEPTH). */
static char *check_chain_rules(int n)
{
    size_t cap = (size_t)n * 128 + 1024;
    char *y = malloc(cap);
    size_t o = (size_t)snprintf(y, cap, RULES_HEAD "inputs:\n  a: {type: decimal, scale: 0}\n"
                                "computed:\n  x: k%d.shortfall\nchecks:\n",
                                n - 1);
    for (int v = 0; v < n; v++) {
        o += (size_t)snprintf(y + o, cap - o, "  k%d: {title: t, source: s, ", v);
        if (v)
            o += (size_t)snprintf(y + o, cap - o,
                                  "required: k%d.required + 1, actual: a}\n",
                                  v - 1);
        else
            o += (size_t)snprintf(y + o, cap - o, "required: a, actual: a}\n");
    }
    snprintf(y + o, cap - o, "outputs: [x]\n");
    return y;
}

/* The deepest input of each recursive pass, at its limit, and of each
 * kind of nesting (want: the status its load must end in). */
enum { DEEPEST = 20 };
static void deepest_inputs(char **texts, ql_status *want, const char **what)
{
    memset(want, 0, DEEPEST * sizeof *want);
    texts[0] = chain_rules("+", "a", HEIGHT);
    what[0] = "a chain a+a+… as high as a tree may be";
    texts[1] = dependency_rules(DEPS - 6, 7);
    what[1] = "values of 7-term chains, each naming the next, to the limit";
    texts[2] = malloc(512);
    snprintf(texts[2], 512, RULES_HEAD
             "inputs:\n  a: {type: decimal, scale: 0}\n  l: {type: decimal, scale: 0, count: 1000, default: 1}\n"
             "  m: {type: decimal, scale: 0, count: 1000, default: 2}\n"
             "computed:\n  w: {expr: l * m, count: 1000}\n"
             "  x: sum(w) + sum(l * m) + max(w) + count(l > a)\n"
             "outputs: [x]\n");
    what[2] = "sums over 1,000-item lists";
    texts[3] = chain_rules("+", "a", 5 * HEIGHT);
    want[3] = QL_ELIMIT;
    what[3] = "a chain five times too long (refused)";
    texts[4] = nested_call_rules();
    what[4] = "10 values of nested max(a, …), each around the next";
    texts[5] = dependency_rules(DEPS - 6, HEIGHT - 10);
    what[5] = "values of chains near the height limit, each naming the next";
    texts[6] = deep_tree_rules("(", ")", DEPTH - 1, 1);
    what[6] = "nested parentheses around a";
    texts[7] = deep_tree_rules("max(a, ", ")", DEPTH - 1, HEIGHT - DEPTH);
    what[7] = "nested max(a, …) around a chain";
    texts[8] = deep_tree_rules("if(b, a, ", ")", DEPTH - 1, HEIGHT - DEPTH);
    what[8] = "nested if(b, a, …) around a chain";
    texts[9] = deep_tree_rules("-(", ")", DEPTH / 2 - 1, HEIGHT - DEPTH);
    what[9] = "nested -( around a chain";
    texts[10] = check_chain_rules(DEPS - 2);
    what[10] = "checks, each reading the one before";
    texts[11] = deep_tree_rules("(a + ", ")", DEPTH - 1, 1);
    what[11] = "nested (a + …)";
    texts[12] = deep_tree_rules("- ", "", DEPTH - 1, 1);
    what[12] = "unary minus, nested";
    texts[13] = deep_core_rules("not ", "", DEPTH - 2, "b", 0);
    what[13] = "not, nested";
    texts[14] = deep_core_rules("(a > 0) == (", ")", DEPTH - 2, "b", 0);
    what[14] = "comparisons, nested";
    texts[15] = deep_tree_rules("round(", ", 0)", DEPTH - 1, 1);
    what[15] = "nested round(…, 0)";
    texts[16] = deep_tree_rules("abs(a - ", ")", DEPTH - 1, 1);
    what[16] = "nested abs(a - …)";
    /* each level every precedence's frame at once, then '-(' and if(): 3
     * levels of nesting */
    texts[17] = deep_tree_rules("if(b or b and a < a + a * -(", "), a, a)",
                                (DEPTH - 1) / 3, 1);
    what[17] = "nested if(b or b and a < a + a * -(…), a, a)";
    texts[18] = chain_rules(" and ", "a > 0", HEIGHT / 2);
    what[18] = "comparisons joined by and, to the height limit";
    texts[19] = deep_core_rules("(b == (", "))", DEPTH / 2 - 1, "b", 0);
    what[19] = "nested (b == (…))";
}

/* One evaluation of rs with a=1, b=true on 2024-01-01: traced by the
 * exact engine and explained (fast = 0), or untraced (fast = 1), which
 * must take the fast path: evaluated by qli_fast_eval, then through
 * ql_evaluate.  1 if all went as it must. */
static int evaluate_deepest(const ql_ruleset *rs, int fast)
{
    ql_record *rec = NULL;
    ql_result *res = NULL;
    ql_error err;
    ql_date d;
    ql_date_from_ymd(&d, 2024, 1, 1);
    int good = ql_record_new(&rec, rs, &err) == QL_OK &&
               ql_result_new(&res, rs, &err) == QL_OK &&
               ql_record_set(rec, "a", "1", &err) == QL_OK &&
               ql_record_set(rec, "b", "true", &err) != QL_ENOMEM;
    if (good && fast)
        good = qli_fast_eval(res, rec, d, qli_fast_scratch_of(res)) == 0 &&
               ql_evaluate(res, rec, d, 0, &err) == QL_OK;
    else if (good)
        good = ql_evaluate(res, rec, d, QL_EVAL_TRACE, &err) == QL_OK &&
               ql_result_explain(NULL, 0, res) > 0;
    if (!good)
        fprintf(stderr, "%s evaluation: %s\n", fast ? "fast" : "traced", err.message);
    ql_result_free(res);
    ql_record_free(rec);
    return good;
}

static void *small_stack_work(void *arg)
{
    int *ok = arg;
    char *texts[DEEPEST];
    const char *what[DEEPEST];
    ql_status want[DEEPEST];
    deepest_inputs(texts, want, what);
    *ok = 1;
    for (int i = 0; i < DEEPEST; i++) {
        ql_ruleset *rs = NULL;
        ql_error err;
        ql_status st = ql_ruleset_load_buffer(&rs, texts[i], strlen(texts[i]),
                                              "t.yaml", &err);
        if (want[i] || st) {
            if (st != want[i])
                fprintf(stderr, "text %d: status %d, not %d: %s\n", i, st,
                        want[i], err.message);
            *ok &= st == want[i];
            continue;
        }
        int good = evaluate_deepest(rs, 0) && evaluate_deepest(rs, 1);
        if (!good)
            fprintf(stderr, "text %d (%s)\n", i, what[i]);
        *ok &= good;
        ql_ruleset_free(rs);
    }
    for (int i = 0; i < DEEPEST; i++)
        free(texts[i]);
    return NULL;
}

static void test_hostile_small_thread_stack(void **state)
{
    (void)state;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    assert_int_equal(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
    pthread_t t;
    int ok = 0;
    assert_int_equal(pthread_create(&t, &attr, small_stack_work, &ok), 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    assert_true(ok);
}

/* ------------------------------------------------ peaks, measured */

/* A thread's stack for measuring: SMALL_STACK bytes filled with a
 * pattern, above a guard that no byte may reach (an overflow faults). */
#define STACK_GUARD (64u << 10)
#define STACK_FILL 0xA5

typedef struct peak_job {
    const ql_ruleset *rs; /* evaluate it, or */
    const char *text;     /* load it */
    int pass;             /* 0 load, 1 traced + explain, 2 fast path */
    int ok;
    uintptr_t entry;      /* the stack pointer where the job began */
} peak_job;

static void *peak_work(void *arg)
{
    peak_job *j = arg;
    volatile char here = 0;
    j->entry = (uintptr_t)&here;
    if (j->pass == 0) {
        ql_ruleset *rs = NULL;
        ql_error err;
        j->ok = ql_ruleset_load_buffer(&rs, j->text, strlen(j->text), "t.yaml",
                                       &err) == QL_OK;
        ql_ruleset_free(rs);
    } else {
        j->ok = evaluate_deepest(j->rs, j->pass == 2);
    }
    return NULL;
}

/* The bytes of stack job j takes from its entry: run on a fresh
 * pattern-filled stack, then the lowest byte written found. */
static size_t stack_peak(peak_job *j)
{
    size_t size = STACK_GUARD + SMALL_STACK;
    unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m, STACK_GUARD, PROT_NONE), 0);
    unsigned char *base = m + STACK_GUARD;
    memset(base, STACK_FILL, SMALL_STACK);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    assert_int_equal(pthread_attr_setstack(&attr, base, SMALL_STACK), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, &attr, peak_work, j), 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    size_t low = 0;
    while (low < SMALL_STACK && base[low] == STACK_FILL)
        low++;
    size_t peak = j->entry - (uintptr_t)(base + low);
    munmap(m, size);
    return peak;
}

/* The peak of each pass over the deepest inputs, printed for
 * docs/security.md ("The C stack"); every one within 512 KiB, and the
 * fast path's the same whatever the input's depth: it runs every
 * block in one loop, its frames on the heap. */
static void test_hostile_stack_peaks(void **state)
{
    (void)state;
    char *texts[DEEPEST];
    const char *what[DEEPEST];
    ql_status want[DEEPEST];
    deepest_inputs(texts, want, what);
    size_t fast_lo = SIZE_MAX, fast_hi = 0;
    printf("  %-58s %8s %8s %8s\n", "deepest input of its kind", "load", "traced", "fast");
    for (int i = 0; i < DEEPEST; i++) {
        if (want[i])
            continue;
        ql_ruleset *rs = load_text(texts[i]);
        size_t peak[3];
        for (int pass = 0; pass < 3; pass++) {
            peak_job j = {rs, texts[i], pass, 0, 0};
            peak[pass] = stack_peak(&j);
            if (!j.ok)
                fail_msg("text %d (%s), pass %d failed", i, what[i], pass);
            assert_true(peak[pass] < SMALL_STACK);
        }
        printf("  %-58s %5zu KB %5zu KB %5zu KB\n", what[i], peak[0] / 1000,
               peak[1] / 1000, peak[2] / 1000);
        fast_lo = peak[2] < fast_lo ? peak[2] : fast_lo;
        fast_hi = peak[2] > fast_hi ? peak[2] : fast_hi;
        ql_ruleset_free(rs);
    }
    for (int i = 0; i < DEEPEST; i++)
        free(texts[i]);
    printf("  the fast path: %zu to %zu bytes\n", fast_lo, fast_hi);
    assert_true(fast_hi - fast_lo < 4096);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_billion_laughs),
        cmocka_unit_test(test_hostile_deep_nesting),
        cmocka_unit_test(test_hostile_huge_scalar),
        cmocka_unit_test(test_hostile_invalid_utf8_and_nul),
        cmocka_unit_test(test_hostile_escaped_nul),
        cmocka_unit_test(test_hostile_enum_values),
        cmocka_unit_test(test_hostile_self_extends),
        cmocka_unit_test(test_hostile_record_values),
        cmocka_unit_test(test_hostile_long_chains),
        cmocka_unit_test(test_hostile_deep_dependencies),
        cmocka_unit_test(test_hostile_deep_chain_said_once),
        cmocka_unit_test(test_hostile_long_extends_path),
        cmocka_unit_test(test_hostile_small_thread_stack),
        cmocka_unit_test(test_hostile_stack_peaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
