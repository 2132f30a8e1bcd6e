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

#include <string.h>

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
    assert_string_equal(qli_uc_shown("cafe\xCC\x81", 6, out, sizeof out),
                        "cafe\\u0301");
    assert_string_equal(qli_uc_shown("a\xE2\x80\x8B"
                                     "b",
                                     5, out, sizeof out),
                        "a\\u200Bb");
    assert_string_equal(qli_uc_shown("caf\xC3\xA9", 5, out, sizeof out),
                        "caf\xC3\xA9");
    char small[10];
    qli_uc_shown("abcdefghijkl", 12, small, sizeof small);
    assert_string_equal(small, "abcde\xE2\x80\xA6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unicode_nfc_text_is_ok),
        cmocka_unit_test(test_unicode_decomposed_text_is_refused),
        cmocka_unit_test(test_unicode_invisible_characters_are_refused),
        cmocka_unit_test(test_unicode_fold_and_show),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
