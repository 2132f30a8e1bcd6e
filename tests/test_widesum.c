/*
 * test_widesum.c — the command's exact totals (tools/quotalevy/widesum.c),
 * which add a decimal's coefficient digits directly: each total equals
 * the library's own exact sum (ql_decimal_add) wherever that fits, at
 * the largest scale added; values at the edges of the decimal's range
 * (36 digits, scale 0 and 36, negative) add exactly past what a decimal
 * holds; a decimal outside the range is refused.
 */
#include "test_util.h"

#include "widesum.h"

static ql_decimal dec(const char *s)
{
    ql_decimal d;
    assert_int_equal(ql_decimal_parse(&d, s, strlen(s), NULL), QL_OK);
    return d;
}

static void assert_total_(const widesum *w, const char *want, const char *file,
                          int line)
{
    char buf[160];
    widesum_format(w, buf, sizeof buf);
    assert_text_(buf, want, file, line);
}
#define assert_total(w, want) assert_total_((w), (want), __FILE__, __LINE__)

static void test_widesum_equals_the_library_sum(void **state)
{
    (void)state;
    /* a fixed pseudo-random walk over signs, scales and lengths */
    uint64_t x = 88172645463325252ull;
    for (int run = 0; run < 2000; run++) {
        widesum w = {0};
        ql_decimal lib = dec("0");
        int terms = 1 + run % 7;
        for (int t = 0; t < terms; t++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            char text[64];
            int digits = 1 + (int)(x % 17), scale = (int)((x >> 8) % 9);
            int neg = (x >> 16) & 1;
            size_t o = 0;
            if (neg)
                text[o++] = '-';
            uint64_t y = x >> 20;
            for (int k = 0; k < digits; k++, y = y * 6364136223846793005ull + 1)
                text[o++] = (char)('0' + (y >> 60) % 10);
            text[o] = '\0';
            if (scale && scale < digits) {
                memmove(text + o - scale + 1, text + o - scale,
                        (size_t)scale + 1);
                text[o - scale] = '.';
            }
            ql_decimal d = dec(text);
            assert_int_equal(widesum_add(&w, &d), 0);
            assert_int_equal(ql_decimal_add(&lib, &lib, &d), QL_OK);
        }
        char want[QL_DECIMAL_TEXT_MAX];
        ql_decimal_format(want, sizeof want, &lib);
        assert_total(&w, want);
    }
}

static void test_widesum_edges_of_the_range(void **state)
{
    (void)state;
    const char *nines = "999999999999999999999999999999999999"; /* 36 */
    ql_decimal big = dec(nines);
    widesum w = {0};
    for (int i = 0; i < 1000; i++)
        assert_int_equal(widesum_add(&w, &big), 0);
    assert_total(&w, "999999999999999999999999999999999999000");
    ql_decimal tiny = dec("0.000000000000000000000000000000000001");
    assert_int_equal(widesum_add(&w, &tiny), 0);
    assert_total(&w, "999999999999999999999999999999999999000."
                     "000000000000000000000000000000000001");
    /* 36 places of nines: carries through every fractional limb */
    widesum f = {0};
    ql_decimal frac = dec("0.999999999999999999999999999999999999");
    assert_int_equal(widesum_add(&f, &frac), 0);
    assert_int_equal(widesum_add(&f, &tiny), 0);
    assert_total(&f, "1.000000000000000000000000000000000000");
    /* negative values, and a total that comes back to zero */
    widesum z = {0};
    ql_decimal a = dec("-12.50"), b = dec("12.5");
    assert_int_equal(widesum_add(&z, &a), 0);
    assert_total(&z, "-12.50");
    assert_int_equal(widesum_add(&z, &b), 0);
    assert_total(&z, "0.00");
    ql_decimal m = dec("-999999999999999999999999999999999999");
    assert_int_equal(widesum_add(&z, &m), 0);
    assert_int_equal(widesum_add(&z, &m), 0);
    assert_total(&z, "-1999999999999999999999999999999999998.00");
}

static void test_widesum_refuses_a_decimal_outside_the_range(void **state)
{
    (void)state;
    widesum w = {0};
    ql_decimal d = dec("5");
    ql_decimal bad = d;
    bad.scale = 37;
    assert_int_equal(widesum_add(&w, &bad), -1);
    bad.scale = -1;
    assert_int_equal(widesum_add(&w, &bad), -1);
    bad = d;
    bad.coef_hi = INT64_MAX; /* |coef| ≥ 10^36 */
    assert_int_equal(widesum_add(&w, &bad), -1);
    bad.coef_hi = INT64_MIN;
    bad.coef_lo = 0;
    assert_int_equal(widesum_add(&w, &bad), -1);
    assert_total(&w, "0"); /* nothing was added */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widesum_equals_the_library_sum),
        cmocka_unit_test(test_widesum_edges_of_the_range),
        cmocka_unit_test(test_widesum_refuses_a_decimal_outside_the_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
