/*
 * test_text.c — numbers written straight from 64 bits (decimal.c's
 * qli_qd_format_i64, what ql_result_output_text and ql_result_check_text
 * use) against the general way: the exact display (scale.c's
 * qli_sc_display: padding, dropping zeros, display rounding) and then
 * qli_qd_format.  Every text written from 64 bits must be the general
 * way's to the byte, and the 64-bit way must decline only where digits
 * are to be rounded or padding passes what it does.
 */
#include "test_util.h"

#include "decimal.h"
#include "scale.h"
#include "text64.h"

static uint64_t rnd_state = 0x2545F4914F6CDD1DULL;
static uint64_t rnd64(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}
static unsigned rnd(unsigned n)
{
    return (unsigned)(rnd64() % n);
}

/* A coefficient of any size up to 64 bits, often with trailing zeros. */
static int64_t random_coef(void)
{
    static const int64_t edges[] = {0,
                                    1,
                                    -1,
                                    9,
                                    10,
                                    -10,
                                    99,
                                    100,
                                    INT64_MAX,
                                    INT64_MIN,
                                    INT64_MAX - 1,
                                    INT64_MIN + 1,
                                    999999999999999999LL,
                                    1000000000000000000LL,
                                    -1000000000000000000LL};
    if (rnd(10) == 0)
        return edges[rnd(sizeof edges / sizeof *edges)];
    int digits = (int)rnd(20);
    uint64_t m = digits
                     ? rnd64() % (digits >= 19 ? UINT64_MAX
                                               : (uint64_t)qli_qd_pow10[digits])
                     : 0;
    int zeros = rnd(3) == 0 ? (int)rnd(8) : 0;
    while (zeros-- > 0 && m <= (uint64_t)INT64_MAX / 10)
        m *= 10;
    int64_t c = (int64_t)(m & (uint64_t)INT64_MAX);
    return rnd(2) ? -c : c;
}

static void one(int64_t c, int scale, display d, size_t *fast, size_t *slow)
{
    qd v = qli_qd_make(c, scale);
    qd shown;
    int st = qli_sc_show(&shown, &v, d);
    char want[QD_TEXT_MAX], got[QD_TEXT_MAX];
    memset(got, 'x', sizeof got);
    size_t gn = qli_qd_format_i64(c, scale, d.scale, got);
    if (st != QD_OK) {
        /* not showable at d (places it would lose): the 64-bit way
         * declines too, and evaluation never hands such a value out */
        if (gn)
            fail_msg("%lld scale %d shown with %d: \"%s\", not declined",
                     (long long)c, scale, d.scale, got);
        (*slow)++;
        return;
    }
    size_t wn = qli_qd_format(&shown, want);
    if (gn == 0) {
        /* declined: only when the display rounds or pads past 17 places */
        int drops_digits = d.scale >= 0 && scale > d.scale;
        int pads_far = d.scale >= 0 && d.scale - scale > 17;
        if (!drops_digits && !pads_far)
            fail_msg("%lld scale %d shown with %d: declined", (long long)c,
                     scale, d.scale);
        if (drops_digits && !pads_far && scale - d.scale <= 18 &&
            c % (int64_t)qli_qd_pow10[scale - d.scale] == 0)
            fail_msg("%lld scale %d shown with %d: declined dropping zeros",
                     (long long)c, scale, d.scale);
        (*slow)++;
        return;
    }
    if (gn != wn || strcmp(got, want) != 0)
        fail_msg("%lld scale %d shown with %d (mode %d): \"%s\" against the "
                 "general way's \"%s\"",
                 (long long)c, scale, d.scale, d.mode, got, want);
    (*fast)++;
}

static void test_text_i64_as_general_way(void **state)
{
    (void)state;
    size_t fast = 0, slow = 0;
    for (int r = 0; r < 300000; r++) {
        int scale = rnd(4) == 0 ? (int)rnd(37) : (int)rnd(7);
        display d;
        d.scale = (int8_t)(rnd(6) == 0   ? -1
                           : rnd(4) == 0 ? (int)rnd(37)
                                         : (int)rnd(7));
        d.mode = (int8_t)(rnd(2) ? -1 : (int)rnd(8));
        one(random_coef(), scale, d, &fast, &slow);
    }
    /* every padding of every scale, and the edges of 64 bits */
    for (int s = 0; s <= 36; s++)
        for (int shown = -1; shown <= 36; shown++) {
            display d = {(int8_t)shown, -1};
            one(INT64_MIN, s, d, &fast, &slow);
            one(INT64_MAX, s, d, &fast, &slow);
            one(0, s, d, &fast, &slow);
            one(-5, s, d, &fast, &slow);
        }
    print_message("64-bit way %zu, general way %zu\n", fast, slow);
    assert_true(fast > slow);
}

/* The row writer's inline case (text64.h: qli_put_fixed) against the
 * general way (qli_sc_show, qli_qd_format): the same text wherever it does
 * not decline, declining only past 18 places of the value or 24 shown,
 * and nothing written past QLI_FIXED_ROOM.  (18 places padded to 26 once
 * came out with its last two bytes unwritten.) */
static void fixed_one(int64_t c, int s, int shown)
{
    char want[QD_TEXT_MAX], got[QLI_FIXED_ROOM + 16];
    memset(got, 'x', sizeof got);
    size_t gn = qli_put_fixed(got, c, s, shown);
    assert_int_equal(got[QLI_FIXED_ROOM], 'x');
    if (s < 0 || s > 18 || shown < s || shown > 24) {
        assert_int_equal(gn, 0);
        return;
    }
    /* the general way (qli_qd_format_i64 itself declines past 17 zeros
     * of padding) */
    qd v = qli_qd_make(c, s), out;
    display d = {(int8_t)shown, -1};
    if (qli_sc_show(&out, &v, d) != QD_OK)
        return; /* past 128 bits at those places: no result holds it */
    size_t wn = qli_qd_format(&out, want);
    got[gn] = '\0';
    if (gn != wn || strcmp(got, want) != 0)
        fail_msg("%lld scale %d with %d places: \"%s\" against \"%s\"",
                 (long long)c, s, shown, got, want);
}

static void test_text_fixed_as_i64(void **state)
{
    (void)state;
    for (int r = 0; r < 300000; r++) {
        int s = (int)rnd(20),
            shown = s + (int)rnd(rnd(2) ? 10 : 28) - (rnd(8) == 0);
        fixed_one(random_coef(), s, shown);
    }
    /* every digit count and its neighbours, at every place */
    for (int d = 0; d <= 19; d++)
        for (int s = 0; s <= 18; s++) {
            uint64_t p = d ? (uint64_t)qli_qd_pow10[d - 1] : 0;
            int64_t edge[] = {(int64_t)p, (int64_t)p - 1, (int64_t)p + 1,
                              -(int64_t)p};
            for (int k = 0; k < 4; k++)
                for (int pad = 0; pad <= 26; pad++)
                    fixed_one(edge[k], s, s + pad);
        }
    for (int s = 0; s <= 18; s++) {
        fixed_one(INT64_MIN, s, s);
        fixed_one(INT64_MAX, s, s + 8);
        fixed_one(0, s, s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_i64_as_general_way),
        cmocka_unit_test(test_text_fixed_as_i64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
