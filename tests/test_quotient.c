/*
 * test_quotient.c — a quotient is cut at 20 places, or fewer when its
 * integer part is long (36 digits in all), with a sticky last digit.
 * Rounding it, showing it at a declared scale or comparing it is exact
 * where the kept digits decide, and otherwise a located QL_ERANGE: never
 * the cut digits taken as exact (round(a / b, 17, "up") below the true
 * value, a sticky digit shown as a real one, a / b == c true when false).
 *
 * Each case is one computed value in a small rule set, evaluated by the
 * fast path and the exact engine (tests/fast_diff.h: both must agree),
 * against the exact rational answer (worked out with Python's Fraction).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "decimal.h"
#include "fast_diff.h"

static qd num(const char *s)
{
    qd r;
    assert_int_equal(qli_qd_parse(&r, s, strlen(s)), QD_OK);
    return r;
}

static void text_is(const qd *v, const char *want)
{
    char t[QD_TEXT_MAX];
    qli_qd_format(v, t);
    assert_string_equal(t, want);
}

/* 1234567890123456789 / 7 = 176366841446208112.714285714285714285…:
 * 18 integer digits, so 17 places are kept. */
static const qd num_zero = {0, 0, 0};

static void test_quotient_decimal_cut(void **state)
{
    (void)state;
    qd a = num("1234567890123456789"), b = num("7"), q, r;
    assert_int_equal(qli_qd_div(&q, &a, &b), QD_OK);
    text_is(&q, "176366841446208112.71428571428571428");
    assert_true(q.cut);
    assert_false(qli_qd_is_integer(&q));
    /* fewer places than kept: the true ratio's rounding */
    assert_int_equal(qli_qd_round_to(&r, &q, 16, QD_HALF_UP), QD_OK);
    text_is(&r, "176366841446208112.7142857142857143");
    assert_false(r.cut);
    /* as many or more: the digit that decides is not known */
    assert_int_equal(qli_qd_round_to(&r, &q, 17, QD_UP), QD_CUT);
    assert_int_equal(qli_qd_round_to(&r, &q, 25, QD_DOWN), QD_CUT);
    assert_false(qli_qd_holds(&q, 17));
    assert_true(qli_qd_holds(&q, 16));
    /* compared: decided when the other side is outside the last place */
    int c;
    qd near = num("176366841446208112.714285714285714285");
    qd next = num("176366841446208112.71428571428571429");
    qd far = num("176366841446208112.7142857142857143");
    qd same = num("176366841446208112.71428571428571428");
    assert_int_equal(qli_qd_cmp_exact(&c, &q, &near), QD_CUT);
    assert_int_equal(qli_qd_cmp_exact(&c, &q, &same), QD_CUT);
    /* one unit past the kept digits: the true value is below it */
    assert_int_equal(qli_qd_cmp_exact(&c, &q, &next), QD_OK);
    assert_int_equal(c, -1);
    assert_int_equal(qli_qd_cmp_exact(&c, &q, &far), QD_OK);
    assert_int_equal(c, -1);
    assert_int_equal(qli_qd_cmp_exact(&c, &far, &q), QD_OK);
    assert_int_equal(c, 1);
    /* two cut quotients: apart by their units of doubt, or refused */
    qd q2, b2 = num("-7");
    assert_int_equal(qli_qd_div(&q2, &a, &b2), QD_OK);
    assert_int_equal(qli_qd_cmp_exact(&c, &q2, &q), QD_OK);
    assert_int_equal(c, -1);
    assert_int_equal(qli_qd_cmp_exact(&c, &q, &q), QD_CUT);
    /* negation keeps the mark, and so do + − × ÷ (F-num-5): the digits
     * of q + 7 are not its exact value */
    assert_int_equal(qli_qd_neg(&r, &q), QD_OK);
    assert_true(r.cut);
    assert_int_equal(qli_qd_add(&r, &q, &b), QD_OK);
    assert_true(r.cut);
    assert_int_equal(qli_qd_mul(&r, &q, &b), QD_OK);
    assert_true(r.cut);
    assert_int_equal(qli_qd_div(&r, &q, &b), QD_OK);
    assert_true(r.cut);
    /* an exact quotient is not cut */
    qd e = num("1"), eight = num("8");
    assert_int_equal(qli_qd_div(&q, &e, &eight), QD_OK);
    assert_false(q.cut);
    assert_int_equal(qli_qd_round_to(&r, &q, 25, QD_DOWN), QD_OK);
    text_is(&r, "0.1250000000000000000000000");
    /* round(a / b, n) whose result needs more than 36 digits: refused */
    qd big = num("12345678901234567890.1234567890"), nine = num("0.9999999999");
    assert_int_equal(qli_qd_div_round(&r, &big, &nine, 17, QD_UP), QD_CUT);
    assert_int_equal(qli_qd_div_round(&r, &big, &nine, 15, QD_UP), QD_OK);
    text_is(&r, "12345678902469135780.370370367037038");
}

/* One computed value `x` (YAML after "x: "), inputs a, b decimal with 10
 * places and n, m integers; the record's fields; the output's text, or
 * the error's message contains `error`. */
typedef struct qcase {
    const char *x, *fields, *want, *error;
} qcase;

#define BIG "a=12345678901234567890.1234567890 b=0.9999999999"
#define I64 "n=1234567890123456789 m=7"
#define CUT_ROUND "cannot round to"
#define CUT_SHOW "is shown with"
#define CUT_CMP "cannot compare exactly"

static const qcase cases[] = {
    /* F-num-2: round(a / b, n) needing more than 36 digits */
    {"'round(a / b, 17, \"up\")'", BIG, NULL,
     "needs more than 36 significant digits"},
    {"'round(a / b, 17, \"down\")'", BIG, NULL,
     "needs more than 36 significant digits"},
    {"'round(a / b, 15, \"up\")'", BIG, "12345678902469135780.370370367037038",
     NULL},
    {"'round(n / m, 17, \"floor\")'", I64,
     "176366841446208112.71428571428571428", NULL},
    /* a computed quotient rounded by round(), ceil, floor, trunc */
    {"'round(r, 16, \"floor\")'", BIG, NULL, CUT_ROUND " 16 places exactly"},
    {"'round(r, 15, \"up\")'", BIG, NULL, CUT_ROUND " 15 places exactly"},
    {"'round(r, 14, \"ceiling\")'", BIG, "12345678902469135780.37037036703704",
     NULL},
    {"'ceil(s, 17)'", I64, NULL, CUT_ROUND " 17 places exactly"},
    {"'trunc(s, 17)'", I64, NULL, CUT_ROUND " 17 places exactly"},
    {"'floor(s, 16)'", I64, "176366841446208112.7142857142857142", NULL},
    {"'round(s, 16)'", I64, "176366841446208112.7142857142857143", NULL},
    /* F-num-3: a display rounding at the quotient's places or more */
    {"{expr: a / b, scale: 15, display: down}", BIG, NULL,
     CUT_SHOW " 15 places"},
    {"{expr: a / b, scale: 14, display: half_even}", BIG,
     "12345678902469135780.37037036703704", NULL},
    {"{expr: n / m, scale: 17, display: down}", I64, NULL,
     CUT_SHOW " 17 places"},
    {"{expr: n / m, scale: 16, display: floor}", I64,
     "176366841446208112.7142857142857142", NULL},
    {"{expr: n / m, scale: 25, display: down}", "n=1 m=3", NULL,
     CUT_SHOW " 25 places"},
    {"{expr: n / m, scale: 20, display: half_even}", "n=2 m=3", NULL,
     CUT_SHOW " 20 places"},
    {"{expr: n / m, scale: 19, display: half_even}", "n=2 m=3",
     "0.6666666666666666667", NULL},
    {"{expr: n / m, scale: 25, display: down}", "n=1 m=8",
     "0.1250000000000000000000000", NULL},
    /* F-num-4: comparisons */
    /* … and F-num-6: a quotient written in the comparison is compared
     * exactly, cross-multiplied, whatever the other side's places */
    {"a / b == 12345678902469135780.3703703670370370", BIG, "false", NULL},
    {"a / b > 12345678902469135780.3703703670370370", BIG, "true", NULL},
    {"a / b > 12345678902469135780.37037036703703", BIG, "true", NULL},
    {"a / b < 12345678902469135780.37037036703704", BIG, "true", NULL},
    {"n / m == 176366841446208112.71428571428571428", I64, "false", NULL},
    {"n / m < 176366841446208112.714285714285714285", I64, "false", NULL},
    {"s == 176366841446208112.71428571428571428", I64, NULL, CUT_CMP},
    {"n / m < 176366841446208112.71428571428571429", I64, "true", NULL},
    {"n / m > 176366841446208112.71428571428571427", I64, "true", NULL},
    {"n / m < 176366841446208112.7142857142857143", I64, "true", NULL},
    {"n / m >= 176366841446208112.7142857142857142", I64, "true", NULL},
    {"s != n / m", I64, NULL, CUT_CMP},
    {"n / m > -(n / m)", I64, "true", NULL},
    {"n / m in [176366841446208112.71428571428571428, 1]", I64, NULL, CUT_CMP},
    {"n / m in [176366841446208112.7142857142857143, 1]", I64, "false", NULL},
    {"{expr: 'max(n / m, 176366841446208112.714285714285714286)', scale: 2, "
     "display: down}",
     I64, NULL, CUT_CMP},
    {"{expr: 'max(n / m, 176366841446208112.7142857142857143)', scale: 2, "
     "display: down}",
     I64, "176366841446208112.71", NULL},
    /* F-num-5: a quotient worked on keeps its doubt through + − × ÷,
     * min/max and if(); what the doubt cannot decide is an error */
    {"floor(s * m)", "n=10 m=6", NULL, CUT_ROUND " 0 places exactly"},
    {"floor(-(s * m))", "n=1 m=3", NULL, CUT_ROUND " 0 places exactly"},
    {"s * m == n", "n=1 m=7", NULL, CUT_CMP},
    /* … but a / b × c rounded or compared where it is written is one
     * exact division of a × c by b */
    {"floor(n / m * m)", "n=1 m=3", "1", NULL},
    {"ceil(n / m * m)", "n=2 m=3", "2", NULL},
    {"floor(m * (n / m))", "n=10 m=6", "10", NULL},
    {"trunc(n / m * 12, 2)", "n=5 m=7", "8.57", NULL},
    {"n / m * m == n", "n=1 m=7", "true", NULL},
    {"n / m * m != n", "n=1 m=7", "false", NULL},
    {"n < n / m * m", "n=2 m=3", "false", NULL},
    {"n / m * 12 >= 8.571428571428571428571428571428571", "n=5 m=7", "true",
     NULL},
    {"n / m * 12 <= 8.571428571428571428571428571428572", "n=5 m=7", "true",
     NULL},
    /* F-num-6: two quotients, exactly (1/3 = 2/6; a pair 1.2E-20 apart) */
    {"n / m == a / b", "n=1 m=3 a=2 b=6", "true", NULL},
    {"n / m >= a / b", "n=1 m=3 a=2 b=6", "true", NULL},
    {"n / m > a / b", "n=1 m=3 a=2 b=6", "false", NULL},
    {"n / m > a / b", "n=608559293 m=8930227124 a=646207685 b=9482693737",
     "true", NULL},
    {"n / m == a / b", "n=608559293 m=8930227124 a=646207685 b=9482693737",
     "false", NULL},
    {"n / m < 0.666666666666666666667", "n=2 m=3", "true", NULL},
    {"n / m == 0.666666666666666666667", "n=2 m=3", "false", NULL},
    {"n / m * m == a / b * b", "n=1 m=3 a=1 b=7", "true", NULL},
    {"-n / m < a / -b", "n=1 m=3 a=2 b=7", "true", NULL},
    {"n / m == a / b", "n=1 m=0 a=1 b=3", NULL, "division by zero"},
    {"floor(n / m * 2)", "n=1 m=3", "0", NULL},
    {"ceil(n / m + n / m)", "n=1 m=3", "1", NULL},
    {"round(n / m * 100, 2)", "n=1 m=3", "33.33", NULL},
    {"round(n / m * m, 2)", "n=1 m=3", "1.00", NULL},
    {"round(s * m, 2, \"down\")", "n=1 m=3", NULL,
     CUT_ROUND " 2 places exactly"},
    {"round(s * m, 1, \"down\")", "n=1 m=3", NULL,
     CUT_ROUND " 1 place exactly"},
    {"round(n / m / 7, 3)", "n=1 m=3", "0.048", NULL},
    {"round(7 / (n / m), 3)", "n=1 m=3", "21.000", NULL},
    {"round(n / (n / m - s), 2)", "n=1 m=3", NULL, "cannot divide exactly"},
    {"round(n / (s - 1), 2)", "n=1 m=3", "-1.50", NULL},
    {"n / m * 3 > 0.99", "n=1 m=3", "true", NULL},
    {"n / m * 3 in [1, 2]", "n=1 m=3", NULL, CUT_CMP},
    {"{expr: 'max(n / m * m, 1)', scale: 2, display: down}", "n=1 m=3", NULL,
     CUT_CMP},
    {"{expr: 'min(n / m * m, 2)', scale: 2, display: half_up}", "n=1 m=3",
     "1.00", NULL},
    {"{expr: 'min(n / m * m, 2)', scale: 2, display: down}", "n=1 m=3", NULL,
     CUT_SHOW " 2 places"},
    {"{expr: 'if(n > 0, n / m * m, 0)', scale: 1, display: floor}", "n=2 m=3",
     NULL, CUT_SHOW " 1 place, but"}, /* "1 places" before P2-18's rest */
    {"round(a / b * b, 5)", "a=1 b=0.0000000007", "1.00000", NULL},
    {"round(abs(n / m - 1) * 3, 4)", "n=1 m=3", "2.0000", NULL},
};

/* A cut quotient worked on (F-num-5): 1/3 × 3 is 0.99999999999999999999
 * known to within 3E-20, which decides round(…, 2) but not floor(…). */
static void test_quotient_decimal_doubt(void **state)
{
    (void)state;
    qd one = num("1"), three = num("3"), two = num("2"), q, p, r;
    int c;
    assert_int_equal(qli_qd_div(&q, &one, &three), QD_OK);
    assert_int_equal(qli_qd_mul(&p, &q, &three), QD_OK);
    text_is(&p, "0.99999999999999999999");
    assert_true(p.cut);
    assert_false(qli_qd_sticky(&p));
    char w[QD_TEXT_MAX];
    qli_qd_doubt_text(&p, w);
    assert_string_equal(w, "0.00000000000000000003");
    /* floor, ceil and every mode at 0 places: 1 lies within the doubt */
    for (int m = QD_HALF_UP; m <= QD_FLOOR; m++)
        if (m != QD_HALF_UP && m != QD_HALF_EVEN && m != QD_HALF_DOWN)
            assert_int_equal(qli_qd_round_to(&r, &p, 0, (qd_round)m), QD_CUT);
    assert_int_equal(qli_qd_round_to(&r, &p, 0, QD_HALF_UP), QD_OK);
    text_is(&r, "1");
    assert_int_equal(qli_qd_round_to(&r, &p, 2, QD_HALF_EVEN), QD_OK);
    text_is(&r, "1.00");
    assert_false(r.cut);
    assert_int_equal(qli_qd_round_to(&r, &p, 19, QD_HALF_UP), QD_OK);
    text_is(&r, "1.0000000000000000000");
    assert_int_equal(qli_qd_round_to(&r, &p, 20, QD_HALF_UP), QD_CUT);
    assert_false(qli_qd_shows(&p, 2, QD_DOWN));
    assert_true(qli_qd_shows(&p, 2, QD_HALF_UP));
    assert_false(qli_qd_shows(&p, 2, -1));
    /* compared with 1: within the doubt; with 0.9999: decided */
    assert_int_equal(qli_qd_cmp_exact(&c, &p, &one), QD_CUT);
    qd near1 = num("0.9999");
    assert_int_equal(qli_qd_cmp_exact(&c, &p, &near1), QD_OK);
    assert_int_equal(c, 1);
    /* 1/3 + 1/3 against 2/3: 0.66666666666666666666 ± 2E-20 holds it */
    qd s, t;
    assert_int_equal(qli_qd_add(&s, &q, &q), QD_OK);
    assert_int_equal(qli_qd_div(&t, &two, &three), QD_OK);
    assert_int_equal(qli_qd_cmp_exact(&c, &s, &t), QD_CUT);
    /* 1/3 − 1/3 is 0 ± 2E-20: dividing by it is refused, never 1/0 */
    assert_int_equal(qli_qd_sub(&s, &q, &q), QD_OK);
    assert_true(s.cut);
    assert_int_equal(qli_qd_div(&r, &one, &s), QD_CUT);
    assert_int_equal(qli_qd_cmp_exact(&c, &s, &num_zero), QD_CUT);
    /* (1/3) ÷ (1/3): 1 within a few units of 10^-20 */
    assert_int_equal(qli_qd_div(&r, &q, &q), QD_OK);
    assert_true(r.cut);
    assert_int_equal(qli_qd_round_to(&t, &r, 10, QD_DOWN), QD_CUT);
    assert_int_equal(qli_qd_round_to(&t, &r, 10, QD_HALF_UP), QD_OK);
    text_is(&t, "1.0000000000");
    /* (1/3)² needs 40 places: cut to 36, its doubt grows by that unit */
    assert_int_equal(qli_qd_mul(&r, &q, &q), QD_OK);
    assert_int_equal(r.scale, 36);
    assert_int_equal(qli_qd_round_to(&t, &r, 5, QD_HALF_UP), QD_OK);
    text_is(&t, "0.11111");
    /* a product by exact 0 is exact */
    assert_int_equal(qli_qd_mul(&r, &q, &num_zero), QD_OK);
    assert_false(r.cut);
}

static const char *rules_of(const char *x, char *buf, size_t size)
{
    snprintf(
        buf, size,
        "quotalevy: 1\nid: q\ntitle: q\njurisdiction: XX\nversion: \"1\"\n"
        "inputs:\n  a: {type: decimal, scale: 10}\n"
        "  b: {type: decimal, scale: 10, default: 1}\n"
        "  n: {type: integer, default: 1}\n  m: {type: integer, default: 1}\n"
        "computed:\n  r: a / b\n  s: n / m\n  x: %s\noutputs: [x]\n",
        x);
    return buf;
}

static void set_fields(ql_record *rec, const char *fields)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", fields);
    ql_record_clear(rec);
    if (!strchr(fields, 'a')) /* a has no default */
        assert_int_equal(ql_record_set(rec, "a", "0", NULL), QL_OK);
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w;
         w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '=');
        *eq = '\0';
        ql_error err;
        if (ql_record_set(rec, w, eq + 1, &err))
            fail_msg("set %s: %s", w, err.message);
    }
}

static void test_quotient_rules_both_engines(void **state)
{
    (void)state;
    char yaml[1024], why[512], text[128];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const qcase *k = &cases[i];
        fd_buf b = {0};
        fd_put(&b, "%s", rules_of(k->x, yaml, sizeof yaml));
        ql_ruleset *rs = fd_load(&b);
        if (!rs)
            fail_msg("case %zu does not load:\n%s", i, b.s);
        ql_record *rec;
        ql_result *fr, *xr;
        assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
        assert_int_equal(ql_result_new(&fr, rs, NULL), QL_OK);
        assert_int_equal(ql_result_new(&xr, rs, NULL), QL_OK);
        set_fields(rec, k->fields);
        fd_stats st = {0};
        ql_date d;
        assert_int_equal(ql_date_parse(&d, "2024-01-01", 10, NULL), QL_OK);
        if (!fd_compare(fr, xr, rec, d, &st, why, sizeof why))
            fail_msg("case %zu (%s): the engines differ: %s", i, k->x, why);
        if (k->error) {
            if (ql_result_status(xr) != QL_ERANGE ||
                !strstr(ql_result_error(xr)->message, k->error))
                fail_msg("case %zu (%s): want an error '%s', got %s '%s'", i,
                         k->x, k->error, ql_status_name(ql_result_status(xr)),
                         ql_result_error(xr)->message);
        } else {
            if (ql_result_status(xr) != QL_OK)
                fail_msg("case %zu (%s): %s", i, k->x,
                         ql_result_error(xr)->message);
            ql_result_output_text(text, sizeof text, xr, 0);
            if (strcmp(text, k->want))
                fail_msg("case %zu (%s): got %s, want %s", i, k->x, text,
                         k->want);
        }
        ql_result_free(fr);
        ql_result_free(xr);
        ql_record_free(rec);
        ql_ruleset_free(rs);
        free(b.s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quotient_decimal_cut),
        cmocka_unit_test(test_quotient_decimal_doubt),
        cmocka_unit_test(test_quotient_rules_both_engines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
