/*
 * test_unicode.c — lib/unicode.c: a text is refused where it is not in
 * Unicode normalization form C or holds an invisible character (P4-09),
 * and folded for "did you mean".  Expected answers are Python's
 * unicodedata.is_normalized("NFC", s) (Unicode 14/15 agree on each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "snippet.h"
#include "unicode.h"

static int check(const char *s, qli_uc_problem *p)
{
    return qli_uc_check(s, strlen(s), p);
}

static void test_unicode_nfc_text_is_ok(void **state)
{
    (void)state;
    const char *ok[] = {
        "",
        "enterprise",
        "caf\xC3\xA9",              /* café, U+00E9 */
        "\xE4\xBC\x81\xE4\xB8\x9A", /* 企业 */
        "\xE3\x81\x8C",             /* が, U+304C */
        "\xED\x95\x9C\xEA\xB8\x80", /* 한글 */
        "q\xCC\x83",                /* q + U+0303: no composite */
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        qli_uc_problem p;
        assert_int_equal(check(ok[i], &p), QLI_UC_OK);
    }
    /* ạ́: U+1EA1 U+0301 — NFC (no composite of U+1EA1 with U+0301) */
    assert_int_equal(check("\xE1\xBA\xA1\xCC\x81", NULL), QLI_UC_OK);
    /* a + U+0305 (overline, class 230) + U+0301 (230): blocked, so NFC */
    assert_int_equal(check("a\xCC\x85\xCC\x81", NULL), QLI_UC_OK);
}

static void test_unicode_decomposed_text_is_refused(void **state)
{
    (void)state;
    qli_uc_problem p;
    /* café as e + U+0301 */
    assert_int_equal(check("cafe\xCC\x81", &p), QLI_UC_NOT_NFC);
    assert_int_equal(p.cp, 0x301);
    assert_int_equal(p.nth, 5);
    assert_int_equal(p.at, 4);
    /* か + U+3099 (NFC: が) */
    assert_int_equal(check("\xE3\x81\x8B\xE3\x82\x99", &p), QLI_UC_NOT_NFC);
    assert_int_equal(p.cp, 0x3099);
    /* Hangul as jamo: U+1112 U+1161 (NFC: 하) */
    assert_int_equal(check("\xE1\x84\x92\xE1\x85\xA1", &p), QLI_UC_NOT_NFC);
    assert_int_equal(p.cp, 0x1161);
    /* 하 + U+11AB (NFC: 한) */
    assert_int_equal(check("\xED\x95\x98\xE1\x86\xAB", &p), QLI_UC_NOT_NFC);
    /* a + U+0323 + U+0302: ậ after the dot below composes */
    assert_int_equal(check("a\xCC\xA3\xCC\x82", &p), QLI_UC_NOT_NFC);
    assert_int_equal(p.cp, 0x323);
    /* q + U+0301 + U+0323: out of canonical order (230 before 220) */
    assert_int_equal(check("q\xCC\x81\xCC\xA3", &p), QLI_UC_NOT_NFC);
    assert_int_equal(p.cp, 0x323);
    /* OHM SIGN U+2126 (NFC: U+03A9), ANGSTROM SIGN U+212B, a CJK
     * compatibility ideograph U+F900 */
    assert_int_equal(check("\xE2\x84\xA6", &p), QLI_UC_NOT_NFC);
    assert_int_equal(check("\xE2\x84\xAB", &p), QLI_UC_NOT_NFC);
    assert_int_equal(check("\xEF\xA4\x80", &p), QLI_UC_NOT_NFC);
    /* Devanagari QA U+0958 (a composition exclusion) */
    assert_int_equal(check("\xE0\xA5\x98", &p), QLI_UC_NOT_NFC);
}

static void test_unicode_invisible_characters_are_refused(void **state)
{
    (void)state;
    qli_uc_problem p;
    const char *cases[] = {"a\xE2\x80\x8B"
                           "b", /* U+200B ZERO WIDTH SPACE */
                           "\xEF\xBB\xBF"
                           "ab",             /* U+FEFF BOM */
                           "ab\xC2\xAD",     /* U+00AD SOFT HYPHEN */
                           "a\xE2\x81\xA0",  /* U+2060 WORD JOINER */
                           "a\xE2\x80\x8E"}; /* U+200E LRM */
    uint32_t cps[] = {0x200B, 0xFEFF, 0xAD, 0x2060, 0x200E};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(check(cases[i], &p), QLI_UC_INVISIBLE);
        assert_int_equal(p.cp, cps[i]);
    }
    assert_int_equal(check("a\xFF", &p), QLI_UC_BAD_UTF8);
    assert_int_equal(p.at, 1);
}

static void test_unicode_fold_and_show(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(qli_uc_fold("cafe\xCC\x81", 6, out, sizeof out), 5);
    assert_string_equal(out, "caf\xC3\xA9");
    assert_int_equal(qli_uc_fold("a\xE2\x80\x8B"
                                 "b",
                                 5, out, sizeof out),
                     2);
    assert_string_equal(out, "ab");
    assert_int_equal(
        qli_uc_fold("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB", 9, out, sizeof out),
        3);
    assert_string_equal(out, "\xED\x95\x9C"); /* 한 */
    assert_int_equal(qli_uc_fold("abc", 3, out, 3),
                     0); /* no room for the NUL */
    assert_string_equal(
        qli_snip(out, sizeof out, "cafe\xCC\x81", 6, 0, QLI_SNIP_MARKS),
        "cafe\\u0301");
    assert_string_equal(qli_snip(out, sizeof out,
                                 "a\xE2\x80\x8B"
                                 "b",
                                 5, 0, QLI_SNIP_MARKS),
                        "a\\u200Bb");
    assert_string_equal(
        qli_snip(out, sizeof out, "caf\xC3\xA9", 5, 0, QLI_SNIP_MARKS),
        "caf\xC3\xA9");
    char small[10];
    qli_snip(small, sizeof small, "abcdefghijkl", 12, 0, QLI_SNIP_MARKS);
    assert_string_equal(small, "abcdef\xE2\x80\xA6");
}

/* Every character of the look-alike table in a number: a digit, '%', '.',
 * '-' or '+' is named with what it stands for and the number rewritten in
 * ASCII; a character that stands for nothing in a number (an operator's
 * look-alike) is no number's.  The table is the lexer's too
 * (test_expr_every_lookalike_in_a_formula). */
static void test_unicode_every_lookalike_in_a_number(void **state)
{
    (void)state;
    size_t numeric = 0;
    for (size_t k = 0; k < qli_uc_n_twins; k++) {
        const qli_uc_twin *t = &qli_uc_twins[k];
        assert_true(t->formula || (t->number >= '0' && t->number <= '9'));
        assert_true(t->name || t->lo < 0x80);
        for (uint32_t c = t->lo; c <= t->hi; c++) {
            char ch[8] = "", text[32], fixed[32], want[256], got[256];
            if (c < 0x80)
                ch[0] = (char)c;
            else if (c < 0x800)
                ch[0] = (char)(0xC0 | c >> 6),
                ch[1] = (char)(0x80 | (c & 0x3F));
            else
                ch[0] = (char)(0xE0 | c >> 12),
                ch[1] = (char)(0x80 | (c >> 6 & 0x3F)),
                ch[2] = (char)(0x80 | (c & 0x3F));
            char m = t->number ? (char)(t->number + (c - t->lo)) : 0;
            /* where the character stands in a number: 1X5, X3, 1.7X */
            if (m == '%')
                snprintf(text, sizeof text, "1.7%s", ch),
                    snprintf(fixed, sizeof fixed, "1.7%%");
            else if (m == '-' || m == '+')
                snprintf(text, sizeof text, "%s3", ch),
                    snprintf(fixed, sizeof fixed, "%c3", m);
            else
                snprintf(text, sizeof text, "1%s5", ch),
                    snprintf(fixed, sizeof fixed, "1%c5", m);
            size_t n =
                qli_uc_number_lookalike(text, strlen(text), 1, got, sizeof got);
            if (!m) {
                assert_int_equal(n, 0);
                assert_string_equal(got, "");
                assert_int_equal(qli_uc_number_untwinned(text, strlen(text),
                                                         fixed, sizeof fixed),
                                 0);
                continue;
            }
            numeric++;
            snprintf(want, sizeof want,
                     "'%s' (U+%04X, %s) where '%c' is meant: write %s", ch,
                     (unsigned)c, t->name, m, fixed);
            assert_string_equal(got, want);
            assert_int_equal(n, strlen(want));
            char out[32];
            assert_int_equal(
                qli_uc_number_untwinned(text, strlen(text), out, sizeof out),
                strlen(fixed));
            assert_memory_equal(out, fixed, strlen(fixed));
        }
    }
    assert_int_equal(numeric, 4 * 10 + 16); /* the digits and 16 signs */
    /* one character, two meanings: U+00B7 is a point in a number */
    char got[256];
    qli_uc_number_lookalike("1\xC2\xB7"
                            "5",
                            4, 1, got, sizeof got);
    assert_string_equal(
        got, "'\xC2\xB7' (U+00B7, a middle dot) where '.' is meant: write 1.5");
    /* no "write" for a '%' where a percentage is no number */
    qli_uc_number_lookalike("7\xEF\xBC\x85", 4, 0, got, sizeof got);
    assert_string_equal(
        got, "'\xEF\xBC\x85' (U+FF05, a full-width percent sign) where '%' is "
             "meant");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unicode_nfc_text_is_ok),
        cmocka_unit_test(test_unicode_decomposed_text_is_refused),
        cmocka_unit_test(test_unicode_invisible_characters_are_refused),
        cmocka_unit_test(test_unicode_fold_and_show),
        cmocka_unit_test(test_unicode_every_lookalike_in_a_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
