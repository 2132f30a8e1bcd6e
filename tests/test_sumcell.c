/*
 * test_sumcell.c — the summary's 16-byte exact sums (tools/quotalevy/
 * sumcell.c) against the wide sums they stand for (widesum.c): random
 * sequences of additions and merges, with values of 1 to 36 digits at
 * scales 0 to 36, negative ones, totals that leave 64 bits (by their
 * digits or by a scale raised under them) and come back; cells of two
 * pools merged both ways.  After every step a cell's total is the wide
 * sum's, digit for digit and at its scale.
 */
#include "test_util.h"

#include "sumcell.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* A random decimal: `digits` significant digits (the first non-zero),
 * `scale` places, negative or not. */
static ql_decimal random_dec(int digits, int scale, int neg)
{
    char d[40], text[96];
    for (int k = 0; k < digits; k++)
        d[k] = (char)('0' + (k == 0 ? 1 + next() % 9 : next() % 10));
    d[digits] = '\0';
    size_t o = 0;
    if (neg)
        text[o++] = '-';
    if (scale >= digits) { /* 0.00ddd */
        text[o++] = '0';
        text[o++] = '.';
        for (int k = digits; k < scale; k++)
            text[o++] = '0';
        memcpy(text + o, d, (size_t)digits);
        o += (size_t)digits;
    } else {
        memcpy(text + o, d, (size_t)(digits - scale));
        o += (size_t)(digits - scale);
        if (scale)
            text[o++] = '.';
        memcpy(text + o, d + digits - scale, (size_t)scale);
        o += (size_t)scale;
    }
    text[o] = '\0';
    ql_decimal v;
    assert_int_equal(ql_decimal_parse(&v, text, o, NULL), QL_OK);
    assert_int_equal(v.scale, scale);
    return v;
}

/* Digits biased to the edges of 64 bits (18, 19) and to small values. */
static ql_decimal some_dec(void)
{
    static const int len[] = {1, 2, 5, 9, 17, 18, 18, 19, 19, 20, 25, 36};
    int digits = len[next() % 12];
    int scale = (int)(next() % 4 == 0 ? next() % 37 : next() % 5);
    return random_dec(digits, scale, (int)(next() & 1));
}

/* c's total is w's: as a wide sum, and as text straight from the cell
 * at its own scale and at more places (a sum shown at its output's). */
static void assert_same_(const sumcell *c, const sumpool *p, const widesum *w,
                         const char *file, int line)
{
    char got[160], want[160];
    widesum g;
    sumcell_get(c, p, &g);
    widesum_format(&g, got, sizeof got);
    widesum_format(w, want, sizeof want);
    assert_text_(got, want, file, line);
    _assert_int_equal(c->scale, w->scale, file, line);
    for (int min = 0; min <= 36; min += 1 + min / 3) {
        widesum v = *w;
        if (min > v.scale)
            v.scale = min;
        widesum_format(&v, want, sizeof want);
        sumcell_format(c, p, min, got, sizeof got);
        assert_text_(got, want, file, line);
    }
}
#define assert_same(c, p, w) assert_same_((c), (p), (w), __FILE__, __LINE__)

static void test_sumcell_equals_the_wide_sum(void **state)
{
    (void)state;
    enum { CELLS = 8 };
    int spilled = 0, stayed = 0;
    for (int run = 0; run < 400; run++) {
        sumcell a[CELLS] = {{0}}, b[CELLS] = {{0}};
        widesum wa[CELLS] = {{{0}}}, wb[CELLS] = {{{0}}};
        sumpool pa = {0}, pb = {0};
        for (int step = 0; step < 60; step++) {
            int i = (int)(next() % CELLS), j = (int)(next() % CELLS);
            switch (next() % 4) {
            case 0:
            case 1: { /* into a cell of either pool */
                ql_decimal d = some_dec();
                int left = (int)(next() & 1);
                sumcell *c = left ? &a[i] : &b[i];
                widesum *w = left ? &wa[i] : &wb[i];
                assert_int_equal(sumcell_add(c, left ? &pa : &pb, &d), 0);
                assert_int_equal(widesum_add(w, &d), 0);
                assert_same(c, left ? &pa : &pb, w);
                break;
            }
            case 2: /* b's cell j into a's cell i (another thread's table) */
                assert_int_equal(sumcell_merge(&a[i], &pa, &b[j], &pb), 0);
                widesum_merge(&wa[i], &wb[j]);
                assert_same(&a[i], &pa, &wa[i]);
                assert_same(&b[j], &pb, &wb[j]); /* unchanged */
                break;
            default: /* and the other way round */
                assert_int_equal(sumcell_merge(&b[j], &pb, &a[i], &pa), 0);
                widesum_merge(&wb[j], &wa[i]);
                assert_same(&b[j], &pb, &wb[j]);
                break;
            }
        }
        for (int i = 0; i < CELLS; i++) {
            assert_same(&a[i], &pa, &wa[i]);
            assert_same(&b[i], &pb, &wb[i]);
            spilled += (a[i].wide != 0) + (b[i].wide != 0);
            stayed += !a[i].wide + !b[i].wide;
        }
        sumpool_free(&pa);
        sumpool_free(&pb);
        assert_null(pa.w);
    }
    /* the sequences took both ways, many times */
    assert_true(spilled > 500);
    assert_true(stayed > 500);
}

static void test_sumcell_leaves_64_bits_and_comes_back(void **state)
{
    (void)state;
    sumpool p = {0};
    sumcell c = {0};
    widesum w = {0};
    /* the least 64-bit coefficient, then one less */
    ql_decimal min = {-1, (uint64_t)INT64_MIN, 0}, one = {-1, UINT64_MAX, 0};
    assert_int_equal(sumcell_add(&c, &p, &min), 0);
    widesum_add(&w, &min);
    assert_int_equal(c.wide, 0);
    assert_same(&c, &p, &w);
    assert_int_equal(sumcell_add(&c, &p, &one), 0);
    widesum_add(&w, &one);
    assert_int_equal(c.wide, 1);
    assert_same(&c, &p, &w);
    assert_int_equal(p.n, 1);
    /* a total that fits 64 bits again stays exact in its wide sum */
    ql_decimal up = {0, (uint64_t)INT64_MAX, 0};
    assert_int_equal(sumcell_add(&c, &p, &up), 0);
    widesum_add(&w, &up);
    assert_same(&c, &p, &w);
    char buf[160];
    widesum g;
    sumcell_get(&c, &p, &g);
    widesum_format(&g, buf, sizeof buf);
    assert_text(buf, "-2");
    /* a scale raised under a large sum: 10^17 at scale 0, then 0.01 */
    sumcell s = {0};
    widesum ws = {0};
    ql_decimal big = random_dec(18, 0, 0), cent = random_dec(1, 2, 0);
    assert_int_equal(sumcell_add(&s, &p, &big), 0);
    widesum_add(&ws, &big);
    assert_int_equal(s.wide, 0);
    assert_int_equal(sumcell_add(&s, &p, &cent), 0);
    widesum_add(&ws, &cent);
    assert_int_equal(s.wide, 2); /* 20 digits at scale 2 */
    assert_same(&s, &p, &ws);
    /* a zero at scale 36 raises the scale and needs no wide sum */
    sumcell z = {0};
    widesum wz = {0};
    ql_decimal zero = {0, 0, 36};
    assert_int_equal(sumcell_add(&z, &p, &zero), 0);
    widesum_add(&wz, &zero);
    assert_int_equal(z.wide, 0);
    assert_same(&z, &p, &wz);
    sumpool_free(&p);
}

static void test_sumcell_text_at_the_edges(void **state)
{
    (void)state;
    static const struct {
        int64_t coef;
        int scale, min;
        const char *text;
    } cases[] = {
        {0, 0, 0, "0"},
        {0, 3, 0, "0.000"},
        {0, 0, 2, "0.00"},
        {5, 3, 0, "0.005"},
        {-5, 3, 5, "-0.00500"},
        {-1234567, 2, 2, "-12345.67"},
        {INT64_MIN, 0, 0, "-9223372036854775808"},
        {INT64_MIN, 19, 0, "-0.9223372036854775808"},
        {INT64_MAX, 36, 36, "0.000000000000000009223372036854775807"},
        {INT64_MAX, 0, 36,
         "9223372036854775807.000000000000000000000000000000000000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sumcell c = {cases[i].coef, cases[i].scale, 0};
        char buf[160];
        sumcell_format(&c, NULL, cases[i].min, buf, sizeof buf);
        assert_text(buf, cases[i].text);
        /* cut to the buffer, terminated */
        sumcell_format(&c, NULL, cases[i].min, buf, 3);
        assert_int_equal(strlen(buf),
                         strlen(cases[i].text) < 2 ? strlen(cases[i].text) : 2);
    }
}

static void test_sumcell_small_sums_need_no_pool(void **state)
{
    (void)state;
    /* a province's totals: every cell stays 16 bytes, the pool empty */
    assert_int_equal(sizeof(sumcell), 16);
    sumpool p = {0};
    sumcell c = {0};
    widesum w = {0};
    for (int i = 0; i < 100000; i++) {
        ql_decimal d = random_dec(1 + (int)(next() % 9), 2, (int)(next() & 1));
        assert_int_equal(sumcell_add(&c, &p, &d), 0);
        widesum_add(&w, &d);
    }
    assert_same(&c, &p, &w);
    assert_int_equal(p.n, 0);
    assert_null(p.w);
}

static void test_sumcell_refuses_a_decimal_outside_the_range(void **state)
{
    (void)state;
    sumpool p = {0};
    sumcell c = {0};
    ql_decimal bad = {0, 5, 37};
    assert_int_equal(sumcell_add(&c, &p, &bad), -1);
    bad.scale = -1;
    assert_int_equal(sumcell_add(&c, &p, &bad), -1);
    bad.scale = 0;
    bad.coef_hi = INT64_MAX; /* |coef| ≥ 10^36 */
    assert_int_equal(sumcell_add(&c, &p, &bad), -1);
    bad.coef_hi = INT64_MIN;
    bad.coef_lo = 0;
    assert_int_equal(sumcell_add(&c, &p, &bad), -1);
    widesum g, zero = {0};
    sumcell_get(&c, &p, &g);
    char got[160], want[160];
    widesum_format(&g, got, sizeof got);
    widesum_format(&zero, want, sizeof want);
    assert_text(got, want); /* nothing was added */
    sumpool_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sumcell_equals_the_wide_sum),
        cmocka_unit_test(test_sumcell_leaves_64_bits_and_comes_back),
        cmocka_unit_test(test_sumcell_text_at_the_edges),
        cmocka_unit_test(test_sumcell_small_sums_need_no_pool),
        cmocka_unit_test(test_sumcell_refuses_a_decimal_outside_the_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
