/*
 * test_decimal.c — the exact decimal type: parsing and formatting, each
 * operation's exact and rounded paths, every rounding mode, the sticky
 * rounding that keeps later roundings exact, and overflow at the edges.
 */
#include "test_util.h"

#include "decimal.h"

static qd P(const char *s)
{
    qd r;
    int st = qli_qd_parse(&r, s, strlen(s));
    if (st) {
        print_error("cannot parse %s\n", s);
        fail();
    }
    return r;
}

static const char *F(qd a)
{
    static char buf[4][QD_TEXT_MAX];
    static int k;
    k = (k + 1) % 4;
    qli_qd_format(&a, buf[k]);
    return buf[k];
}

typedef int (*binop)(qd *, const qd *, const qd *);

static void check_op(binop op, const char *a, const char *b, const char *want)
{
    qd x = P(a), y = P(b), r;
    assert_int_equal(op(&r, &x, &y), QD_OK);
    assert_text(F(r), want);
}

static void test_decimal_parse_and_format(void **state)
{
    (void)state;
    const char *same[] = {"0", "12.75", "-3", "0.015", "1234567890.12",
                          "-0.000000000000000000000000000000000001",
                          "999999999999999999999999999999999999",
                          "0.00", "100"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
        assert_text(F(P(same[i])), same[i]);
    assert_text(F(P("+7.50")), "7.50");
    assert_text(F(P("007")), "7");
    assert_text(F(P("-0")), "0");
    /* The 18-digit boundary of the 64-bit reader, and numbers around
     * 2^64 and 10^18 on the writer's two paths. */
    const char *edge[] = {"123456789012345678", "-12345678901234567.8",
                          "1234567890123456789", "-0.123456789012345678",
                          "18446744073709551615", "18446744073709551616",
                          "1000000000000000000", "999999999999999999",
                          "100000000000000000000000000000000000",
                          "-100000000000000000.000000000000000001",
                          "0.000000000000000001", "-9.9"};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        assert_text(F(P(edge[i])), edge[i]);
    qd e = P("0.50");
    assert_true(e.coef == 50 && e.scale == 2);
    e = P("-007.0");
    assert_true(e.coef == -70 && e.scale == 1);
    /* Trailing zeros past 36 places are dropped, not refused. */
    assert_text(F(P("1.5000000000000000000000000000000000000000")), "1.50000000000000000000000000000000000");
}

static void test_decimal_parse_rejects(void **state)
{
    (void)state;
    qd r;
    const char *bad[] = {"", "-", "+", ".5", "5.", "1e5", "1,000", " 1",
                         "1 ", "NaN", "inf", "0x10", "1.2.3", "--1", "١٢"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(qli_qd_parse(&r, bad[i], strlen(bad[i])), QD_SYNTAX);
    assert_int_equal(qli_qd_parse(&r, "1000000000000000000000000000000000000", 37),
                     QD_TOOLONG); /* 37 digits */
    assert_int_equal(qli_qd_parse(&r, "0.0000000000000000000000000000000000001", 39),
                     QD_TOOLONG); /* 37 places */
    char huge[10002];
    memset(huge, '9', 10000);
    huge[10000] = '\0';
    assert_int_equal(qli_qd_parse(&r, huge, 10000), QD_TOOLONG);
}

/* op(a, b) has no exact qd: an error, never a rounded number. */
static void check_inexact(binop op, const char *a, const char *b)
{
    qd x = P(a), y = P(b), r = qli_qd_make(7, 0);
    assert_int_equal(op(&r, &x, &y), QD_INEXACT);
    assert_true(r.coef == 7 && r.scale == 0); /* left alone */
}

/* The rounding modes by the names rules files use: one table for both
 * round()'s third argument and an output's `rounding:`. */
static void test_decimal_round_mode_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int mode;
    } t[] = {{"half_up", QD_HALF_UP},     {"half_even", QD_HALF_EVEN},
             {"half_down", QD_HALF_DOWN}, {"up", QD_UP},
             {"down", QD_DOWN},           {"ceiling", QD_CEILING},
             {"floor", QD_FLOOR},         {"Half_up", -1},
             {"half", -1},                {"", -1},
             {"floor ", -1},              {"bankers", -1}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        assert_int_equal(qli_qd_round_named(t[i].name, strlen(t[i].name)),
                         t[i].mode);
    /* a prefix of a longer text is not the name */
    assert_int_equal(qli_qd_round_named("upward", 2), QD_UP);
    assert_int_equal(qli_qd_round_named("upward", 6), -1);
}

static void test_decimal_add_sub(void **state)
{
    (void)state;
    check_op(qli_qd_add, "0.1", "0.2", "0.3");
    check_op(qli_qd_add, "12.75", "0.015", "12.765");
    check_op(qli_qd_sub, "1", "0.001", "0.999");
    check_op(qli_qd_sub, "-5.5", "-5.5", "0.0");
    check_op(qli_qd_add, "100", "-100.01", "-0.01");
    /* Exact alignment needs more than 128 bits: exact where 36 digits
     * hold the sum, an error where they do not. */
    check_op(qli_qd_add, "100000000000000000000000", "0.000000000001",
             "100000000000000000000000.000000000001");
    check_op(qli_qd_add, "1000000000000000000000000000000000", "-0.001",
             "999999999999999999999999999999999.999");
    check_op(qli_qd_add, "100000000000000000000000000000000000", "0.0000",
             "100000000000000000000000000000000000");
    check_inexact(qli_qd_add, "100000000000000000000000000000000000", "0.5");
    check_inexact(qli_qd_add, "100000000000000000000000", "0.000000000000000000001");
    check_inexact(qli_qd_sub, "1000000000000000000000000000000000", "0.0000000001");
    check_inexact(qli_qd_add, "0.000000000000000000000000000000000001",
                  "1.1"); /* 37 digits */
    check_inexact(qli_qd_sub, "-0.5", "99999999999999999999999999999999999.9");
}

static void test_decimal_mul(void **state)
{
    (void)state;
    check_op(qli_qd_mul, "125.5", "0.016", "2.0080");
    check_op(qli_qd_mul, "0.5075", "79601.99", "40398.009925");
    check_op(qli_qd_mul, "-3", "0.5", "-1.5");
    check_op(qli_qd_mul, "123456789012345678", "1000000000000000000",
             "123456789012345678000000000000000000");
    /* More than 36 significant digits or places: an error, not a cut. */
    check_inexact(qli_qd_mul, "1.2345678901234567890", "1.2345678901234567890");
    check_inexact(qli_qd_mul, "744330394067141706.5409", "232527208896030686.55105825");
    check_inexact(qli_qd_mul, "0.000000000000000000001", "0.0000000000000001");
    check_inexact(qli_qd_mul, "-7", "0.333333333333333333333333333333333333");
    /* … unless the digits past 36 are zeros */
    check_op(qli_qd_mul, "0.000000000000000000000000000000000010", "0.10",
             "0.000000000000000000000000000000000001");
    check_op(qli_qd_mul, "1.000000000000000000000000000000000000", "2.5",
             "2.50000000000000000000000000000000000"); /* zeros dropped */
}

static void test_decimal_div(void **state)
{
    (void)state;
    /* "a%" is a ÷ 100, exactly or not at all */
    qd pc = P("1.7"), pr;
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0.017");
    pc = P("0.000000000000000000000000000000000125");
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_TOOLONG);
    /* a shift of the point, not a quotient carried to 20 places */
    pc = P("1.1234567890123456789");
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0.011234567890123456789");
    pc = P("12345678901234567890.1234567890123456");
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "123456789012345678.901234567890123456");
    pc = P("1.50"); /* the zeros the shift adds are dropped, as before */
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0.015");
    pc = P("2");
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0.02");
    pc = P("0");
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0");
    pc = P("0.0000000000000000000000000000000001"); /* 34 places: fits */
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0.000000000000000000000000000000000001");
    pc = P("0.00000000000000000000000000000000010"); /* a zero past 34 */
    assert_int_equal(qli_qd_percent(&pr, &pc), QD_OK);
    assert_text(F(pr), "0.000000000000000000000000000000000001");
    check_op(qli_qd_div, "1", "8", "0.125");
    check_op(qli_qd_div, "10.00", "2", "5.00");   /* the ideal scale */
    check_op(qli_qd_div, "120000", "4", "30000");
    check_op(qli_qd_div, "1", "3", "0.33333333333333333333");
    check_op(qli_qd_div, "-2", "3", "-0.66666666666666666666");
    check_op(qli_qd_div, "8000000", "100.5", "79601.99004975124378109452");
    /* 1/19 = 0.05263157894736842105|26…: a kept 5 becomes 6 (sticky). */
    check_op(qli_qd_div, "1", "19", "0.05263157894736842106");
    qd x = P("1"), z = P("0"), r;
    assert_int_equal(qli_qd_div(&r, &x, &z), QD_DIVZERO);
}

/* The sticky digit is what makes a later explicit rounding exact. */
static void test_decimal_sticky_keeps_rounding_exact(void **state)
{
    (void)state;
    /* 1 / 199.99999999999999999 = 0.00500000000000000000025…: cut at 20
     * places it would look like the tie 0.005. */
    qd a = P("1"), b = P("199.99999999999999999"), q, r;
    assert_int_equal(qli_qd_div(&q, &a, &b), QD_OK);
    assert_text(F(q), "0.00500000000000000001");
    qli_qd_round_to(&r, &q, 2, QD_HALF_EVEN);
    assert_text(F(r), "0.01"); /* true value is above the tie */
    qli_qd_round_to(&r, &q, 2, QD_HALF_DOWN);
    assert_text(F(r), "0.01");
    qli_qd_round_to(&r, &q, 3, QD_CEILING);
    assert_text(F(r), "0.006");
    qli_qd_round_to(&r, &q, 3, QD_FLOOR);
    assert_text(F(r), "0.005");
}

static void test_decimal_rounding_modes(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        qd_round mode;
        const char *out;
    } t[] = {
        {"2.5", QD_HALF_UP, "3"},    {"-2.5", QD_HALF_UP, "-3"},
        {"2.4", QD_HALF_UP, "2"},    {"2.5", QD_HALF_EVEN, "2"},
        {"3.5", QD_HALF_EVEN, "4"},  {"-2.5", QD_HALF_EVEN, "-2"},
        {"2.51", QD_HALF_EVEN, "3"}, {"2.5", QD_HALF_DOWN, "2"},
        {"2.51", QD_HALF_DOWN, "3"}, {"-2.5", QD_HALF_DOWN, "-2"},
        {"2.1", QD_UP, "3"},         {"-2.1", QD_UP, "-3"},
        {"2.9", QD_DOWN, "2"},       {"-2.9", QD_DOWN, "-2"},
        {"2.1", QD_CEILING, "3"},    {"-2.9", QD_CEILING, "-2"},
        {"2.9", QD_FLOOR, "2"},      {"-2.1", QD_FLOOR, "-3"},
        {"2.0", QD_UP, "2"},         {"-0.4", QD_HALF_UP, "0"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        qd a = P(t[i].in), r;
        assert_int_equal(qli_qd_round_to(&r, &a, 0, t[i].mode), QD_OK);
        assert_text(F(r), t[i].out);
    }
    qd a = P("40398.009925"), r;
    qli_qd_round_to(&r, &a, 2, QD_HALF_UP);
    assert_text(F(r), "40398.01");
    a = P("0.005");
    qli_qd_round_to(&r, &a, 2, QD_HALF_UP);
    assert_text(F(r), "0.01"); /* 四舍五入 */
    a = P("5");
    qli_qd_round_to(&r, &a, 2, QD_HALF_UP);
    assert_text(F(r), "5.00"); /* padded to the fen */
    a = P("1250.5");
    qli_qd_round_to(&r, &a, -2, QD_HALF_UP);
    assert_text(F(r), "1300");
    a = P("999.995");
    qli_qd_round_to(&r, &a, 2, QD_HALF_UP);
    assert_text(F(r), "1000.00"); /* a carry through every digit */
    a = P("0.000000000000000000000000000000000001");
    qli_qd_round_to(&r, &a, 0, QD_CEILING);
    assert_text(F(r), "1");
    qli_qd_round_to(&r, &a, 0, QD_HALF_UP);
    assert_text(F(r), "0");
}

static void test_decimal_overflow_is_an_error(void **state)
{
    (void)state;
    qd max = P("999999999999999999999999999999999999"), one = P("1"), r;
    assert_int_equal(qli_qd_add(&r, &max, &one), QD_OVERFLOW);
    qd neg = P("-999999999999999999999999999999999999");
    assert_int_equal(qli_qd_sub(&r, &neg, &one), QD_OVERFLOW);
    qd big = P("100000000000000000000000000000000000"), ten = P("10");
    assert_int_equal(qli_qd_mul(&r, &big, &ten), QD_OVERFLOW);
    assert_int_equal(qli_qd_mul(&r, &big, &big), QD_OVERFLOW);
    qd tiny = P("0.000000000000000000000000000000000001");
    assert_int_equal(qli_qd_div(&r, &big, &tiny), QD_OVERFLOW);
    /* 0.999…9 (36 places) + 0.000…1 carries into a 37th digit: exact
     * after dropping a place, not an overflow. */
    qd f = P("0.999999999999999999999999999999999999");
    assert_int_equal(qli_qd_add(&r, &f, &tiny), QD_OK);
    assert_text(F(r), "1.00000000000000000000000000000000000");
    assert_int_equal(qli_qd_round_to(&r, &max, 0, QD_HALF_UP), QD_OK);
    /* 99…9.5 carries into a 36th integer digit, which still fits… */
    qd m5 = P("99999999999999999999999999999999999.5");
    assert_int_equal(qli_qd_round_to(&r, &m5, 0, QD_HALF_UP), QD_OK);
    assert_text(F(r), "100000000000000000000000000000000000");
    /* …but rounding 36 nines to tens needs a 37th: an overflow. */
    assert_int_equal(qli_qd_round_to(&r, &max, -1, QD_HALF_UP), QD_OVERFLOW);
}

static void test_decimal_compare(void **state)
{
    (void)state;
    qd a = P("1.50"), b = P("1.5"), c = P("-2"), d = P("0.016"),
       e = P("0.0160000000000000000000000000000001");
    assert_int_equal(qli_qd_cmp(&a, &b), 0);
    assert_int_equal(qli_qd_cmp(&c, &a), -1);
    assert_int_equal(qli_qd_cmp(&a, &c), 1);
    assert_int_equal(qli_qd_cmp(&d, &e), -1);
    qd big = P("999999999999999999999999999999999999"),
       small = P("0.000000000000000000000000000000000001");
    assert_int_equal(qli_qd_cmp(&big, &small), 1);
    qd nb = P("-999999999999999999999999999999999999");
    assert_int_equal(qli_qd_cmp(&nb, &c), -1);
    assert_true(qli_qd_is_integer(&c));
    assert_true(qli_qd_is_integer(&a) == 0);
    qd whole = P("3.000");
    assert_true(qli_qd_is_integer(&whole));
}

static void test_decimal_public_api(void **state)
{
    (void)state;
    ql_decimal d, e;
    ql_error err;
    char buf[QL_DECIMAL_TEXT_MAX];
    assert_int_equal(ql_decimal_parse(&d, "-12.34", 6, &err), QL_OK);
    ql_decimal_format(buf, sizeof buf, &d);
    assert_text(buf, "-12.34");
    int64_t units;
    assert_int_equal(ql_decimal_to_int64(&units, &d, 2), QL_OK);
    assert_int_equal(units, -1234);
    assert_int_equal(ql_decimal_to_int64(&units, &d, 4), QL_OK);
    assert_int_equal(units, -123400);
    assert_int_equal(ql_decimal_to_int64(&units, &d, 1), QL_ERANGE);
    assert_int_equal(ql_decimal_from_int64(&e, 1234, 2), QL_OK);
    ql_decimal_format(buf, sizeof buf, &e);
    assert_text(buf, "12.34");
    assert_int_equal(ql_decimal_compare(&d, &e), -1);
    ql_decimal sum;
    assert_int_equal(ql_decimal_add(&sum, &d, &e), QL_OK); /* -12.34 + 12.34 */
    ql_decimal_format(buf, sizeof buf, &sum);
    assert_text(buf, "0.00");
    ql_decimal big;
    ql_decimal_parse(&big, "999999999999999999999999999999999999", 36, &err);
    assert_int_equal(ql_decimal_add(&sum, &big, &big), QL_ERANGE);
    /* a sum with more than 36 significant digits is refused, not cut */
    ql_decimal half;
    ql_decimal_parse(&half, "0.5", 3, &err);
    ql_decimal_parse(&big, "100000000000000000000000000000000000", 36, &err);
    sum = d;
    assert_int_equal(ql_decimal_add(&sum, &big, &half), QL_ERANGE);
    assert_int_equal(ql_decimal_sub(&sum, &big, &e), QL_ERANGE);
    assert_int_equal(ql_decimal_compare(&sum, &d), 0); /* left alone */
    assert_int_equal(ql_decimal_sub(&sum, &e, &d), QL_OK); /* 12.34 − −12.34 */
    ql_decimal_format(buf, sizeof buf, &sum);
    assert_text(buf, "24.68");
    assert_int_equal(ql_decimal_parse(&d, "1e3", 3, &err), QL_EPARSE);
    assert_non_null(strstr(err.message, "not a plain decimal"));
    assert_int_equal(ql_decimal_parse(&d, "1234567890123456789012345678901234567", 37, &err), QL_ERANGE);
    assert_int_equal(ql_decimal_parse(&d, "99999999999999999999999", 23, &err), QL_OK);
    assert_int_equal(ql_decimal_to_int64(&units, &d, 0), QL_ERANGE);
    assert_int_equal(ql_decimal_parse(NULL, "1", 1, &err), QL_EINVAL);
    /* A small buffer still ends in NUL and the full length is returned. */
    assert_int_equal(ql_decimal_parse(&d, "123456.789", 10, &err), QL_OK);
    assert_int_equal(ql_decimal_format(buf, 4, &d), 10);
    assert_text(buf, "123");
}

static void test_date_parse_and_format(void **state)
{
    (void)state;
    ql_date d;
    char buf[16];
    assert_int_equal(ql_date_parse(&d, "1970-01-01", 10, NULL), QL_OK);
    assert_int_equal(d, 0);
    assert_int_equal(ql_date_parse(&d, "2024-02-29", 10, NULL), QL_OK);
    ql_date_format(buf, sizeof buf, d);
    assert_text(buf, "2024-02-29");
    assert_int_equal(ql_date_parse(&d, "2023-02-29", 10, NULL), QL_EPARSE);
    assert_int_equal(ql_date_parse(&d, "2023-2-28", 9, NULL), QL_EPARSE);
    assert_int_equal(ql_date_parse(&d, "2023-13-01", 10, NULL), QL_EPARSE);
    assert_int_equal(ql_date_parse(&d, "0000-01-01", 10, NULL), QL_EPARSE);
    ql_date a = D("2017-03-31"), b = D("2017-04-01");
    assert_int_equal(b - a, 1);
    assert_int_equal(D("2000-03-01") - D("2000-02-28"), 2); /* 2000 leaps */
    assert_int_equal(D("1900-03-01") - D("1900-02-28"), 1); /* 1900 not */
    assert_int_equal(ql_date_from_ymd(&d, 9999, 12, 31), QL_OK);
    ql_date_format(buf, sizeof buf, d);
    assert_text(buf, "9999-12-31");
}

/* Every day of years 1…9999 written as YYYY-MM-DD (zero-padded, as
 * "%04d-%02d-%02d" writes it) and read back as the same day. */
static void test_date_format_every_day(void **state)
{
    (void)state;
    ql_date first, last;
    assert_int_equal(ql_date_from_ymd(&first, 1, 1, 1), QL_OK);
    assert_int_equal(ql_date_from_ymd(&last, 9999, 12, 31), QL_OK);
    int y = 1, m = 1, dd = 1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (ql_date d = first; d <= last; d++) {
        char buf[16], want[40];
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, dd);
        assert_int_equal(ql_date_format(buf, sizeof buf, d), 10);
        if (strcmp(buf, want))
            fail_msg("day %d: '%s', expected '%s'", (int)d, buf, want);
        ql_date back;
        assert_int_equal(ql_date_parse(&back, buf, 10, NULL), QL_OK);
        assert_int_equal(back, d);
        int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        if (++dd > mdays[m - 1] + (m == 2 && leap)) {
            dd = 1;
            if (++m > 12)
                m = 1, y++;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal_parse_and_format),
        cmocka_unit_test(test_decimal_parse_rejects),
        cmocka_unit_test(test_decimal_round_mode_names),
        cmocka_unit_test(test_decimal_add_sub),
        cmocka_unit_test(test_decimal_mul),
        cmocka_unit_test(test_decimal_div),
        cmocka_unit_test(test_decimal_sticky_keeps_rounding_exact),
        cmocka_unit_test(test_decimal_rounding_modes),
        cmocka_unit_test(test_decimal_overflow_is_an_error),
        cmocka_unit_test(test_decimal_compare),
        cmocka_unit_test(test_decimal_public_api),
        cmocka_unit_test(test_date_parse_and_format),
        cmocka_unit_test(test_date_format_every_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
