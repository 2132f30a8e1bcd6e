/*
 * test_expr.c — the expression language: tokens, the parser's precedence
 * and error positions, and the type checker's messages, each located at
 * the right line and column of the rules file.
 */
#include "test_util.h"

#include "expr.h"
#include "unicode.h"

/* Renders a tree in prefix form, to check precedence and shape. */
static void render(const ast *n, char *out, size_t size)
{
    char buf[1024] = "";
    char a[200], b[200];
    switch (n->kind) {
    case A_NUMBER: qli_qd_format(&n->num, buf); break;
    case A_STRING: snprintf(buf, sizeof buf, "\"%.*s\"", (int)n->len, n->text); break;
    case A_BOOL: snprintf(buf, sizeof buf, "%s", n->b ? "true" : "false"); break;
    case A_NAME: snprintf(buf, sizeof buf, "%.*s", (int)n->len, n->text); break;
    case A_MEMBER:
        snprintf(buf, sizeof buf, "%.*s.%.*s", (int)n->len, n->text,
                 (int)n->member_len, n->member);
        break;
    case A_UNARY:
        render(n->args[0], a, sizeof a);
        snprintf(buf, sizeof buf, "(%s %s)", n->op == T_NOT ? "not" : "neg", a);
        break;
    case A_BINARY:
        render(n->args[0], a, sizeof a);
        render(n->args[1], b, sizeof b);
        snprintf(buf, sizeof buf, "(%s %s %s)", qli_lex_tok_name(n->op), a, b);
        break;
    case A_IN: {
        render(n->args[0], a, sizeof a);
        size_t o = (size_t)snprintf(buf, sizeof buf, "(%s %s", n->neg ? "notin" : "in", a);
        for (size_t i = 1; i < n->nargs; i++) {
            render(n->args[i], b, sizeof b);
            o += (size_t)snprintf(buf + o, sizeof buf - o, " %s", b);
        }
        snprintf(buf + o, sizeof buf - o, ")");
        break;
    }
    case A_CALL: {
        size_t o = (size_t)snprintf(buf, sizeof buf, "(%.*s", (int)n->len, n->text);
        for (size_t i = 0; i < n->nargs; i++) {
            render(n->args[i], b, sizeof b);
            o += (size_t)snprintf(buf + o, sizeof buf - o, " %s", b);
        }
        snprintf(buf + o, sizeof buf - o, ")");
        break;
    }
    }
    snprintf(out, size, "%s", buf);
}

static void check_parse(const char *src, const char *want)
{
    ql_arena ar = {0};
    const char *msg;
    size_t pos, open;
    ast *n = qli_parse_expression(src, strlen(src), &ar, &msg, &pos, &open);
    if (!n) {
        print_error("parse of '%s' failed at %zu: %s\n", src, pos, msg);
        qli_ar_free(&ar);
        fail();
    }
    char out[200];
    render(n, out, sizeof out);
    qli_ar_free(&ar);
    assert_text(out, want);
}

static void check_parse_error(const char *src, size_t want_pos,
                              const char *needle)
{
    ql_arena ar = {0};
    const char *msg = NULL;
    size_t pos = 0, open;
    ast *n = qli_parse_expression(src, strlen(src), &ar, &msg, &pos, &open);
    int ok = !n && pos == want_pos && msg && strstr(msg, needle);
    if (!ok)
        print_error("'%s': want error at %zu with \"%s\", got %s at %zu: %s\n",
                    src, want_pos, needle, n ? "success" : "error", pos,
                    msg ? msg : "");
    qli_ar_free(&ar);
    assert_true(ok);
}

/* c as UTF-8 into o (NUL-terminated). */
static void utf8_of(uint32_t c, char *o)
{
    if (c < 0x80) {
        o[0] = (char)c, o[1] = 0;
    } else if (c < 0x800) {
        o[0] = (char)(0xC0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3F)), o[2] = 0;
    } else {
        o[0] = (char)(0xE0 | c >> 12), o[1] = (char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F)), o[3] = 0;
    }
}

/* Every character of the look-alike table (lib/unicode.c, shared with the
 * number readers) in a formula: named where it stands, with its code
 * point, its name and what to write. */
static void test_expr_every_lookalike_in_a_formula(void **state)
{
    (void)state;
    assert_true(qli_uc_n_twins > 50);
    for (size_t k = 0; k < qli_uc_n_twins; k++) {
        const qli_uc_twin *t = &qli_uc_twins[k];
        for (uint32_t c = t->lo; c <= t->hi; c++) {
            char ch[8], src[32], want[256], write[96];
            utf8_of(c, ch);
            snprintf(src, sizeof src, "x %s y", ch);
            if (t->formula)
                snprintf(write, sizeof write, "%s", t->formula);
            else
                snprintf(write, sizeof write, "the ASCII digit '%c'",
                         (char)(t->number + (c - t->lo)));
            if (t->name)
                snprintf(want, sizeof want, "(U+%04X, %s): write %s", (unsigned)c, t->name,
                         write);
            else
                snprintf(want, sizeof want, "unexpected character '%s': write %s", ch, write);
            check_parse_error(src, 2, want);
            assert_ptr_equal(qli_uc_twin_of(c), t);
        }
    }
}

static void test_expr_precedence(void **state)
{
    (void)state;
    check_parse("1 + 2 * 3", "('+' 1 ('*' 2 3))");
    check_parse("(1 + 2) * 3", "('*' ('+' 1 2) 3)");
    check_parse("a - b - c", "('-' ('-' a b) c)");
    check_parse("a / b * c", "('*' ('/' a b) c)");
    check_parse("-a * b", "('*' (neg a) b)");
    check_parse("-3 + x", "('+' -3 x)");
    check_parse("a or b and not c", "('or' a ('and' b (not c)))");
    check_parse("not a == b", "(not ('==' a b))");
    check_parse("x + 1 >= y * 2", "('>=' ('+' x 1) ('*' y 2))");
    check_parse("k in [\"a\", 'b']", "(in k \"a\" \"b\")");
    check_parse("k not in [1, 2.5]", "(notin k 1 2.5)");
    check_parse("max(a, b + 1, 0)", "(max a ('+' b 1) 0)");
    check_parse("if(a, 1, b, 2, 3)", "(if a 1 b 2 3)");
    check_parse("check.compliant and true", "('and' check.compliant true)");
    check_parse("1.6%", "0.016");
    check_parse("round(x / 3, 2, \"half_even\")", "(round ('/' x 3) 2 \"half_even\")");
    check_parse("\"it\\'s\"", "\"it's\"");
    check_parse("f()", "(f)");
}

static void test_expr_syntax_errors(void **state)
{
    (void)state;
    check_parse_error("1 +", 3, "expected a value");
    check_parse_error("(1 + 2", 6, "expected ')'");
    check_parse_error("a b", 2, "expected an operator");
    check_parse_error("a = b", 2, "use '=='");
    check_parse_error("!a", 0, "use 'not'");
    check_parse_error("1e5", 1, "exponent");
    check_parse_error("1.", 2, "digit after the decimal point");
    check_parse_error("\"abc", 0, "unterminated string");
    check_parse_error("a < b < c", 6, "do not chain");
    check_parse_error("a in b", 5, "'['");
    check_parse_error("a in []", 5, "at least one item");
    check_parse_error("x.", 2, "field name");
    check_parse_error("a @ b", 2, "unexpected character '@'");
    /* a look-alike of an operator is named with its code point and the
     * operator to write (probe7 P7-03: "unexpected character" alone) */
    check_parse_error("x \xc3\x97 r", 2,
                      "'\xc3\x97' (U+00D7, a multiplication sign): write '*'");
    check_parse_error("x \xe2\x88\x92 y", 2, "(U+2212, a minus sign): write '-'");
    check_parse_error("x \xc2\xb7 y", 2, "(U+00B7, a middle dot): write '*'");
    check_parse_error("round\xef\xbc\x88x, 2)", 5,
                      "(U+FF08, a full-width left parenthesis): write '('");
    check_parse_error("round(x\xef\xbc\x8c 2)", 7, "(U+FF0C, a full-width comma): write ','");
    check_parse_error("round(x, 2, \xe2\x80\x9c" "floor\xe2\x80\x9d)", 12,
                      "(U+201C, a left double quotation mark): write '\"'");
    check_parse_error("x \xe2\x89\xa4 2", 2,
                      "(U+2264, a less-than or equal sign): write '<='");
    check_parse_error("x * \xef\xbc\x92", 4, "(U+FF12, a full-width digit): write the ASCII digit '2'");
    check_parse_error("x *\xc2\xa0y", 3, "(U+00A0, a no-break space): write a plain space");
    check_parse_error("x > 1 && x < 3", 6, "'&': write 'and'");
    check_parse_error("x * 1.5 %", 8, "'%': write '%' right after its number");
    check_parse_error("x * 1.5\xe2\x80\xb0", 7, "(U+2030, a per mille sign): write a percentage");
    /* the number readers' look-alikes are the formula's too (one table):
     * before, an Arabic-Indic digit or an Arabic percent sign was named by
     * its code point alone */
    check_parse_error("x * \xd9\xa3", 4,
                      "'\xd9\xa3' (U+0663, an Arabic-Indic digit): write the ASCII digit '3'");
    check_parse_error("x * 5\xd9\xaa", 5,
                      "(U+066A, an Arabic percent sign): write '%' right after its number");
    check_parse_error("x \xe2\x80\x92 y", 2, "(U+2012, a figure dash): write '-'");
    check_parse_error("x \xe2\x88\x9a y", 2, "unexpected character '\xe2\x88\x9a' (U+221A)");
    check_parse_error("x \x01 y", 2, "'\\u0001'");
    check_parse_error("x \xff y", 2, "not UTF-8 text: byte 0xFF (no UTF-8 sequence holds it)");
    check_parse_error("x \xe2\x82", 2, "not UTF-8 text: byte 0xE2 (it starts a 3-byte "
                                        "sequence that the end of the text cuts short)");
    /* an overlong form and a surrogate are not UTF-8 (they were
     * "unexpected character '\xC0\xAF'" and "... (U+D800)", decoded by
     * hand as if they were characters) */
    check_parse_error("x \xc0\xaf y", 2, "not UTF-8 text: byte 0xC0 (it would start an overlong");
    check_parse_error("x \xe0\x80\xaf y", 2, "not UTF-8 text: byte 0xE0 (it starts an overlong "
                                              "form of U+002F");
    check_parse_error("x \xed\xa0\x80 y", 2, "not UTF-8 text: byte 0xED (it starts U+D800, a "
                                              "surrogate");
    check_parse_error("x \xf4\x90\x80\x80 y", 2, "not UTF-8 text: byte 0xF4 (it starts a value "
                                                   "past U+10FFFF");
    check_parse_error("x \xe2\x88 y", 2, "not UTF-8 text: byte 0xE2 (it starts a 3-byte sequence, "
                                         "but 0x20 follows");
    check_parse_error("12abc", 2, "runs into a name");
    check_parse_error("", 0, "expected a value");
    /* Depth is bounded: 300 nested parentheses are refused, not a crash. */
    char deep[700];
    memset(deep, '(', 300);
    strcpy(deep + 300, "1");
    memset(deep + 301, ')', 300);
    deep[601] = '\0';
    ql_arena ar = {0};
    const char *msg;
    size_t pos, open;
    assert_null(qli_parse_expression(deep, strlen(deep), &ar, &msg, &pos, &open));
    assert_non_null(strstr(msg, "nested too deeply"));
    qli_ar_free(&ar);
}

/* A limit's message says the limit's own value (QL_MAX_*), one past it. */
static void expect_limit(const char *src, const char *want)
{
    ql_arena ar = {0};
    const char *msg = NULL;
    size_t pos, open;
    assert_null(qli_parse_expression(src, strlen(src), &ar, &msg, &pos, &open));
    if (!strstr(msg, want)) {
        print_error("expected \"%s\" in \"%s\"\n", want, msg);
        fail();
    }
    qli_ar_free(&ar);
}

static void test_expr_limit_messages_say_their_constants(void **state)
{
    (void)state;
    char want[64], *src = malloc(1 << 16);
    /* a name one byte too long */
    memset(src, 'a', QL_MAX_NAME + 1);
    src[QL_MAX_NAME + 1] = '\0';
    snprintf(want, sizeof want, "longer than %d characters", QL_MAX_NAME);
    expect_limit(src, want);
    /* one argument too many, one item too many */
    int o = snprintf(src, 16, "min(");
    for (int i = 0; i <= QL_MAX_CALL_ARGS; i++)
        o += snprintf(src + o, 8, i ? ", 1" : "1");
    strcpy(src + o, ")");
    snprintf(want, sizeof want, "more than %d arguments", QL_MAX_CALL_ARGS);
    expect_limit(src, want);
    o = snprintf(src, 16, "x in [");
    for (int i = 0; i <= QL_MAX_CALL_ARGS; i++)
        o += snprintf(src + o, 8, i ? ", 1" : "1");
    strcpy(src + o, "]");
    snprintf(want, sizeof want, "more than %d items", QL_MAX_CALL_ARGS);
    expect_limit(src, want);
    /* nesting one past the depth */
    memset(src, '(', QL_MAX_EXPR_DEPTH + 1);
    strcpy(src + QL_MAX_EXPR_DEPTH + 1, "1");
    snprintf(want, sizeof want, "(limit %d)", QL_MAX_EXPR_DEPTH);
    expect_limit(src, want);
    /* a list item past the longest list */
    snprintf(src, 64, "x[%d]", QL_MAX_LIST + 1);
    snprintf(want, sizeof want, "from 1 to %d", QL_MAX_LIST);
    expect_limit(src, want);
    free(src);
}

/* Type errors, located in the file. */
#define TYPED_HEAD                                                           \
    RULES_HEAD                                                               \
    "inputs:\n"                                                              \
    "  n: decimal\n"                                                         \
    "  flag: bool\n"                                                         \
    "  name: string\n"                                                       \
    "  day: date\n"                                                          \
    "  kind:\n"                                                              \
    "    type: enum\n"                                                       \
    "    values: [a, b]\n"                                                   \
    "parameters:\n"                                                          \
    "  tbl:\n"                                                               \
    "    values:\n"                                                          \
    "      - from: 2000-01-01\n"                                             \
    "        brackets: [{from: 0, value: 1}]\n"                              \
    "        source: s\n"                                                    \
    "computed:\n"
/* TYPED_HEAD is 23 lines; the computed value is on line 24. */

static void check_type_error(const char *expr, int col, ql_status code,
                             const char *needle)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s  x: %s\noutputs: [x]\n", TYPED_HEAD, expr);
    assert_load_error(yaml, code, 24, col, needle);
}

static void test_expr_type_errors(void **state)
{
    (void)state;
    check_type_error("n + flag", 10, QL_ETYPE, "arithmetic operand must be a number, not a bool");
    check_type_error("n == name", 8, QL_ETYPE, "cannot compare a number with a string");
    check_type_error("kind == \"c\"", 14, QL_ETYPE, "\"c\" is not a value of kind (expected one of: a, b)");
    check_type_error("kind in [\"a\", \"z\"]", 20, QL_ETYPE, "\"z\" is not a value of kind");
    check_type_error("name < \"x\"", 11, QL_ETYPE, "only be compared with == or !=");
    check_type_error("if(n, 1, 2)", 9, QL_ETYPE, "if() condition must be a bool");
    check_type_error("if(flag, 1, \"x\")", 18, QL_ETYPE, "if() branches must have one type");
    check_type_error("nope + 1", 6, QL_ENAME, "unknown name 'nope'");
    check_type_error("frob(n)", 6, QL_ENAME, "unknown function 'frob'");
    check_type_error("round(n)", 6, QL_ETYPE, "wrong number of arguments: round(x, digits)");
    check_type_error("round(n, 1.5)", 15, QL_ETYPE, "whole-number literal");
    check_type_error("round(n, 2, \"bankers\")", 18, QL_ETYPE, "unknown rounding mode");
    check_type_error("tbl + 1", 6, QL_ETYPE, "'tbl' is a table");
    check_type_error("bracket(n, 1)", 14, QL_ETYPE, "bracket() takes a table parameter");
    check_type_error("date(\"2024-02-30\")", 11, QL_ETYPE, "real date");
    check_type_error("year(n)", 11, QL_ETYPE, "must be a date");
    check_type_error("n in [n]", 12, QL_ETYPE, "must be literals");
    check_type_error("flag in [true]", 11, QL_ETYPE, "'in' cannot test a bool");
    check_type_error("min(n, day)", 13, QL_ETYPE, "arguments must all be of one type");
    check_type_error("present(n + 1)", 16, QL_ETYPE, "present() takes the name of an input");
    check_type_error("n.compliant", 6, QL_ETYPE,
                     "'n' is an input: only checks have fields");
    /* P3-04: an unknown name where a kind of name is wanted says so */
    check_type_error("nn.compliant", 6, QL_ENAME,
                     "unknown check 'nn' (only checks have fields)");
    check_type_error("present(nn)", 14, QL_ENAME,
                     "unknown input 'nn'; did you mean 'n'? (present() takes");
    check_type_error("at(n, date)", 9, QL_ETYPE,
                     "'n' is an input: at() takes a parameter");
    check_type_error("at(date, date)", 9, QL_ETYPE,
                     "'date' is the evaluation date: at() takes");
    check_type_error("-flag", 7, QL_ETYPE, "operand of '-' must be a number");
    check_type_error("not n", 10, QL_ETYPE, "operand of 'not' must be a bool");
}

/* Lists are rewritten away before the type check (lib/lists.c), but a
 * formula's first error is still the first in reading order: an error
 * the list pass finds waits for the type checker to reach its node. */
#define LISTS_HEAD                                                           \
    RULES_HEAD                                                               \
    "inputs:\n"                                                              \
    "  m: {type: decimal, count: 3}\n"                                       \
    "  q: {type: decimal, count: 2}\n"                                       \
    "  f: {type: bool, count: 3}\n"                                          \
    "computed:\n"
/* LISTS_HEAD is 13 lines; the computed value is on line 14. */

static void check_list_error(const char *value, int col, ql_status code,
                             const char *needle)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s  x: %s\noutputs: [x]\n", LISTS_HEAD, value);
    assert_load_error(yaml, code, 14, col, needle);
}

static void test_expr_list_errors_in_reading_order(void **state)
{
    (void)state;
    check_list_error("sum(m * q)", 14, QL_ETYPE, "lists of different sizes item by item: 'm' has 3 items, 'q' 2");
    check_list_error("nope + sum(m * q)", 6, QL_ENAME, "unknown name 'nope'");
    check_list_error("sum(m * q) + nope", 14, QL_ETYPE, "lists of different sizes");
    check_list_error("true + sum(m * q)", 21, QL_ETYPE, "lists of different sizes");
    check_list_error("true + sum(m)", 6, QL_ETYPE, "arithmetic operand must be a number, not a bool");
    check_list_error("sum(m * sum(q * m))", 22, QL_ETYPE, "lists of different sizes");
    check_list_error("{count: 3, expr: \"nope + q\"}", 24, QL_ENAME, "unknown name 'nope'");
    check_list_error("{count: 3, expr: \"q + nope\"}", 24, QL_ETYPE, "'q' has 2 items but is used item by item with a list of 3");
    check_list_error("{count: 3, expr: \"present(q)\"}", 32, QL_ETYPE, "'q' has 2 items but is used item by item");
    check_list_error("m + 1", 6, QL_ETYPE, "'m' is a list of 3 items");
    check_list_error("sum(f)", 10, QL_ETYPE, "an arithmetic operand must be a number, not a bool");
    check_list_error("sum(1)", 10, QL_ETYPE, "sum() goes over a list");
    check_list_error("count(f and nope)", 18, QL_ENAME, "unknown name 'nope'");
    check_list_error("index()", 6, QL_ETYPE, "index() is the item number of a list");
}

static void test_expr_positions_in_block_scalars(void **state)
{
    (void)state;
    /* A literal block scalar: the error is on the block's second line. */
    const char *yaml = RULES_HEAD
        "inputs:\n  n: decimal\n"
        "computed:\n"
        "  x: |\n"
        "    n * 2 +\n"
        "      missing\n"
        "outputs: [x]\n";
    assert_load_error(yaml, QL_ENAME, 14, 7, "unknown name 'missing'");
    /* A double-quoted scalar: the column counts the quote. */
    const char *yaml2 = RULES_HEAD
        "inputs:\n  n: decimal\n"
        "computed:\n"
        "  x: \"n + nope\"\n"
        "outputs: [x]\n";
    assert_load_error(yaml2, QL_ENAME, 12, 11, "unknown name 'nope'");
    /* Chinese text before the expression: columns count characters. */
    const char *yaml3 = RULES_HEAD
        "inputs:\n  n: decimal\n"
        "computed:\n"
        "  x: {description: 平均工资, expr: n * oops}\n"
        "outputs: [x]\n";
    assert_load_error(yaml3, QL_ENAME, 12, 36, "unknown name 'oops'");
    /* Escapes in a double-quoted scalar are a step each of the walk to
     * the source: the error after one was put past the file's last line
     * (probe7 P7-08: "13:1" here). */
    const char *yaml4 = RULES_HEAD
        "inputs:\n  n: decimal\n"
        "computed:\n"
        "  x: \"\\u006e + \\x6e +\\tnope\"\n"
        "outputs: [x]\n";
    assert_load_error(yaml4, QL_ENAME, 12, 24, "unknown name 'nope'");
    const char *yaml5 = RULES_HEAD
        "inputs:\n  n: decimal\n"
        "computed:\n"
        "  x: \"n \\u00e9 + nope\"\n"
        "outputs: [x]\n";
    assert_load_error(yaml5, QL_EPARSE, 12, 9, "unexpected character");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_precedence),
        cmocka_unit_test(test_expr_syntax_errors),
        cmocka_unit_test(test_expr_every_lookalike_in_a_formula),
        cmocka_unit_test(test_expr_limit_messages_say_their_constants),
        cmocka_unit_test(test_expr_type_errors),
        cmocka_unit_test(test_expr_list_errors_in_reading_order),
        cmocka_unit_test(test_expr_positions_in_block_scalars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
