/*
 * test_snippet.c — lib/snippet.c, how a message quotes what the user
 * wrote (P16-02, P16-03): at every cut of texts of 1-, 2-, 3- and 4-byte
 * characters, invalid bytes and controls, and every buffer size, the
 * quote is valid UTF-8 on one line with nothing invisible, fits its
 * buffer, shows a prefix of the text cut at a character, and says that
 * it was cut and how long the whole was.  Short plain text is quoted as
 * '%s' always quoted it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message_text.h"
#include "quotalevy.h"
#include "snippet.h"

static const char *snip(const char *s, size_t n)
{
    static char buf[QLI_SNIP_SIZE];
    return qli_snip(buf, sizeof buf, s, n, '\'', 0);
}

static void test_snippet_plain_text_is_quoted_whole(void **state)
{
    (void)state;
    char buf[QLI_SNIP_SIZE];
    assert_string_equal(snip("abc", 3), "'abc'");
    assert_string_equal(snip("", 0), "''");
    assert_string_equal(qli_snip(buf, sizeof buf, NULL, 5, '"', 0), "\"\"");
    assert_string_equal(qli_snip_str(buf, sizeof buf, "企业 café", 0),
                        "企业 café");
    char sixty[61];
    memset(sixty, 'x', 60);
    sixty[60] = '\0';
    char want[64];
    snprintf(want, sizeof want, "'%s'", sixty);
    assert_string_equal(snip(sixty, 60), want); /* at the bound: whole */
}

static void test_snippet_escapes_what_cannot_be_seen(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\xC2\xA0"
         "b",
         "'a\\u00A0b'"},                       /* no-break space */
        {"\xF4\x8F\xBF\xBF", "'\\U0010FFFF'"}, /* a noncharacter */
        {"\xEF\xBF\xBE", "'\\uFFFE'"},
        {"\xEF\xB7\x90", "'\\uFDD0'"},
        {"\xEF\xBB\xBF"
         "id",
         "'\\uFEFFid'"}, /* byte order mark */
        {"E\xE2\x80\xAE"
         "1",
         "'E\\u202E1'"}, /* right-to-left override */
        {"a\xE2\x80\x8B"
         "b",
         "'a\\u200Bb'"}, /* zero-width space */
        {"a\xE2\x80\xA8"
         "b",
         "'a\\u2028b'"}, /* line separator */
        {"\xE3\x80\x80"
         "b",
         "'\\u3000b'"},            /* ideographic space */
        {"\xC2\x85", "'\\u0085'"}, /* C1 next line */
        {"a\nb\rc\td", "'a\\nb\\rc\\td'"},
        {"\x01\x1B[2J\x7F", "'\\x01\\x1B[2J\\x7F'"},
        {"\x80", "'\\x80'"},                   /* no lead byte */
        {"\xE4\xBC", "'\\xE4\\xBC'"},          /* cut short */
        {"\xC0\xAF", "'\\xC0\\xAF'"},          /* overlong */
        {"\xED\xA0\x80", "'\\xED\\xA0\\x80'"}, /* a surrogate */
        {"\xF5\x80\x80\x80", "'\\xF5\\x80\\x80\\x80'"},
        {"\xF0\x9F\x99\x82 \xE4\xBC\x81", "'\xF0\x9F\x99\x82 \xE4\xBC\x81'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(snip(cases[i].in, strlen(cases[i].in)),
                            cases[i].out);
    char buf[QLI_SNIP_SIZE];
    assert_string_equal(
        qli_snip(buf, sizeof buf, "cafe\xCC\x81", 6, '\'', QLI_SNIP_MARKS),
        "'cafe\\u0301'");
    assert_string_equal(snip("cafe\xCC\x81", 6), "'cafe\xCC\x81'");
}

static void test_snippet_long_text_is_cut_and_says_so(void **state)
{
    (void)state;
    char in[400], want[QLI_SNIP_SIZE];
    for (int i = 0; i < 100; i++)
        memcpy(in + 3 * i, "\xE4\xBC\x81", 3); /* 企 */
    /* 50 characters fill the 150 bytes */
    size_t o = 1;
    want[0] = '\'';
    for (int i = 0; i < 50; i++, o += 3)
        memcpy(want + o, "\xE4\xBC\x81", 3);
    snprintf(want + o, sizeof want - o, "\xE2\x80\xA6' (100 characters)");
    assert_string_equal(snip(in, 300), want);
    memset(in, 'x', 61);
    memset(want, 'x', 61);
    want[0] = '\'';
    snprintf(want + 61, sizeof want - 61, "\xE2\x80\xA6' (61 characters)");
    assert_string_equal(snip(in, 61), want);
    /* escapes count against the bytes: 15 of 10 bytes each */
    for (int i = 0; i < 40; i++)
        memcpy(in + 4 * i, "\xF4\x8F\xBF\xBF", 4);
    const char *q = snip(in, 160);
    assert_int_equal(strlen(q),
                     1 + 15 * 10 + strlen("\xE2\x80\xA6' (40 characters)"));
}

/* The texts every cut is tried on: each kind of character alone, and
 * mixed with the ones a message escapes. */
static const char *const texts[] = {
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv"
    "wxyz",
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
    "\xC3\xA9"
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
    "\xC3\xA9"
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
    "\xC3\xA9"
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
    "\xC3\xA9",
    "吉林省残疾人联合会吉林省残疾人联合会吉林省残疾人联合会吉林省残疾人联合会吉"
    "林省残疾人联合会吉林省残疾人联合会吉林省残疾人联合会",
    "𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡",
    "\x80\xFF\xC3\xE4\xBC\xF0\x9F\x99\xC0\xAF\xED\xA0\x80\xF5\x80\x80\x80\xFE"
    "\xFE\xFE"
    "\x80\xFF\xC3\xE4\xBC\xF0\x9F\x99\xC0\xAF\xED\xA0\x80\xF5\x80\x80\x80\xFE"
    "\xFE\xFE",
    "\x01\x02\n\r\t\x1B\x7F\x01\x02\n\r\t\x1B\x7F\x01\x02\n\r\t\x1B\x7F\x01\x02"
    "\n\r\t\x1B\x7F"
    "\x01\x02\n\r\t\x1B\x7F\x01\x02\n\r\t\x1B\x7F\x01\x02\n\r\t\x1B\x7F\x01\x02"
    "\n\r\t\x1B\x7F",
    "企\xC2\xA0业\xE2\x80\x8B单\xEF\xBB\xBF位\xE2\x80\xAE名\xF4\x8F\xBF\xBF称"
    "\xC2\x85"
    "a\nb"
    "企\xC2\xA0业\xE2\x80\x8B单\xEF\xBB\xBF位\xE2\x80\xAE名\xF4\x8F\xBF\xBF称"
    "\xC2\x85"
    "a\nb"
    "企\xC2\xA0业\xE2\x80\x8B单\xEF\xBB\xBF位\xE2\x80\xAE名\xF4\x8F\xBF\xBF称"
    "\xC2\x85"
    "a\nb",
};

/* The characters of s[0, n) as the test counts them: a byte that starts
 * no character is one. */
static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0, len;
    for (size_t i = 0; i < n; i += len, k++)
        if (mt_decode((const unsigned char *)s + i, n - i, &len) < 0)
            len = 1;
    return k;
}

/* Undoes qli_snip's escapes of s[0, n) into out; its length. */
static size_t unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        char k = s[i + 1];
        if (k == 'n' || k == 'r' || k == 't') {
            out[o++] = k == 'n' ? '\n' : k == 'r' ? '\r' : '\t';
            i += 2;
            continue;
        }
        size_t digits = k == 'x' ? 2 : k == 'u' ? 4 : 8;
        char hex[9] = {0};
        memcpy(hex, s + i + 2, digits);
        unsigned long c = strtoul(hex, NULL, 16);
        i += 2 + digits;
        if (k == 'x')
            out[o++] = (char)c;
        else if (c < 0x800)
            out[o++] = (char)(0xC0 | c >> 6),
            out[o++] = (char)(0x80 | (c & 0x3F));
        else if (c < 0x10000)
            out[o++] = (char)(0xE0 | c >> 12),
            out[o++] = (char)(0x80 | (c >> 6 & 0x3F)),
            out[o++] = (char)(0x80 | (c & 0x3F));
        else
            out[o++] = (char)(0xF0 | c >> 18),
            out[o++] = (char)(0x80 | (c >> 12 & 0x3F)),
            out[o++] = (char)(0x80 | (c >> 6 & 0x3F)),
            out[o++] = (char)(0x80 | (c & 0x3F));
    }
    return o;
}

/* One quote of s[0, n) into a buffer of `size`, checked. */
static void check_one(const char *s, size_t n, size_t size, int quote)
{
    char *buf = malloc(size + 1), canary = '#';
    assert_non_null(buf);
    buf[size] = canary;
    const char *q = qli_snip(buf, size, s, n, quote, 0);
    assert_int_equal(buf[size], canary); /* never past size */
    if (size == 0) {
        assert_string_equal(q, "");
        free(buf);
        return;
    }
    assert_ptr_equal(q, buf);
    size_t ql = strlen(q);
    assert_true(ql < size);
    if (mt_fault(q, ql)) {
        print_error(
            "not one clean line of UTF-8 (size %zu, %zu bytes of input): %s\n",
            size, n, q);
        fail();
    }
    if (ql == 0) { /* too small even for the mark */
        assert_true(size <= 32 || (n == 0 && !quote));
        free(buf);
        return;
    }
    const char *body = q + (quote ? 1 : 0), *end;
    char tail[64];
    size_t all = count_chars(s, n);
    if (quote)
        assert_int_equal(q[0], quote);
    snprintf(tail, sizeof tail, "\xE2\x80\xA6%s%c (%zu character%s)", "",
             quote ? quote : ' ', all, all == 1 ? "" : "s");
    const char *cut = quote ? strstr(q, tail) : NULL;
    if (!quote) {
        size_t tl = strlen("\xE2\x80\xA6");
        cut = ql >= tl && !strcmp(q + ql - tl, "\xE2\x80\xA6") ? q + ql - tl
                                                               : NULL;
    }
    end = cut ? cut : q + ql - (quote ? 1 : 0);
    if (!cut && quote)
        assert_int_equal(q[ql - 1], quote);
    if (cut) {
        assert_string_equal(cut, quote ? tail : "\xE2\x80\xA6");
        assert_true((size_t)(end - body) <= QLI_SNIP_BYTES);
    }
    /* what it shows is the text's start, whole characters of it */
    char *raw = malloc(ql * 4 + 1);
    assert_non_null(raw);
    size_t rl = unescape(body, (size_t)(end - body), raw);
    assert_true(rl <= n);
    assert_memory_equal(raw, s, rl);
    if (!cut)
        assert_int_equal(rl, n);
    else {
        assert_true(count_chars(s, rl) <= QLI_SNIP_CHARS);
        /* a cut between the bytes of a character would show the rest
         * of it as stray bytes: the shown part ends where a character
         * (or a stray byte) of the text ends */
        size_t at = 0, len;
        while (at < rl) {
            if (mt_decode((const unsigned char *)s + at, n - at, &len) < 0)
                len = 1;
            at += len;
        }
        assert_int_equal(at, rl);
    }
    free(raw);
    free(buf);
}

static void test_snippet_every_cut_and_every_size(void **state)
{
    (void)state;
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        size_t full = strlen(texts[t]);
        for (size_t n = 0; n <= full; n++) /* every cut of the input */
            for (size_t size = 0; size <= QLI_SNIP_SIZE + 8;
                 size++) /* every buffer */
                for (int quote = 0; quote < 3; quote++)
                    check_one(texts[t], n, size,
                              quote == 0   ? '\''
                              : quote == 1 ? '"'
                                           : 0);
    }
}

/* A quote fits QLI_SNIP_SIZE whatever the text: the worst escapes, a
 * length of many digits. */
static void test_snippet_fits_its_size(void **state)
{
    (void)state;
    size_t n = 5u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    for (size_t i = 0; i + 4 <= n; i += 4)
        memcpy(big + i, "\xF4\x8F\xBF\xBF", 4);
    char buf[QLI_SNIP_SIZE];
    const char *q = qli_snip(buf, sizeof buf, big, n, '\'', QLI_SNIP_MARKS);
    assert_true(strlen(q) < QLI_SNIP_SIZE);
    assert_non_null(strstr(q, "(1310720 characters)"));
    memset(big, 0x01, n);
    q = qli_snip(buf, sizeof buf, big, n, '"', 0);
    assert_non_null(strstr(q, "\xE2\x80\xA6\" (5242880 characters)"));
    free(big);
}

/* ql_text_quote, the bindings' way to quote a name or value in their own
 * messages (they formatted "%.200s", which cut inside a character: Python
 * raised UnicodeDecodeError instead of the message): 120 × 企 and a byte
 * that is no UTF-8 give a quote that is valid UTF-8, bounded, cut at a
 * character, and says how long the text was, at every buffer size. */
static void test_snippet_public_text_quote(void **state)
{
    (void)state;
    char text[400], buf[QL_TEXT_QUOTE_MAX];
    size_t n = 0;
    for (int i = 0; i < 120; i++)
        memcpy(text + n, "\xE4\xBC\x81", 3), n += 3;
    text[n++] = (char)0xFF;
    size_t w = ql_text_quote(buf, sizeof buf, text, n, '\'');
    assert_int_equal(w, strlen(buf));
    assert_true(w < QL_TEXT_QUOTE_MAX);
    assert_int_equal(mt_fault(buf, w), 0);
    assert_non_null(strstr(buf, "(121 characters)"));
    assert_int_equal(strncmp(buf, "'\xE4\xBC\x81\xE4\xBC\x81", 7), 0);
    for (size_t size = 1; size <= sizeof buf; size++) {
        char small[QL_TEXT_QUOTE_MAX];
        memset(small, 'z', sizeof small);
        size_t k = ql_text_quote(small, size, text, n, '\'');
        assert_true(k < size);
        assert_int_equal(k, strlen(small));
        assert_int_equal(mt_fault(small, k), 0);
    }
    /* the invalid byte, escaped, when the text is short */
    assert_int_equal(ql_text_quote(buf, sizeof buf, "a\xFF\n", 3, '\''), 9);
    assert_string_equal(buf, "'a\\xFF\\n'");
    assert_int_equal(ql_text_quote(buf, sizeof buf, "staff", 5, '\''), 7);
    assert_string_equal(buf, "'staff'");
    assert_int_equal(ql_text_quote(buf, sizeof buf, "staff", 5, '"'), 7);
    assert_string_equal(buf, "\"staff\"");
    assert_int_equal(ql_text_quote(buf, sizeof buf, "staff", 5, 0), 5);
    assert_string_equal(buf, "staff");
    /* unquoted and cut: "…" alone, still valid and bounded */
    size_t u = ql_text_quote(buf, sizeof buf, text, n, 0);
    assert_int_equal(mt_fault(buf, u), 0);
    assert_int_equal(strcmp(buf + u - 3, "\xE2\x80\xA6"), 0);
    assert_int_equal(ql_text_quote(buf, sizeof buf, NULL, 4, '\''), 2);
    assert_string_equal(buf, "''");
    assert_int_equal(ql_text_quote(buf, sizeof buf, "x", 1, '`'), 0);
    assert_string_equal(buf, "");
    assert_int_equal(ql_text_quote(NULL, 10, "x", 1, '\''), 0);
    buf[0] = 'q';
    assert_int_equal(ql_text_quote(buf, 0, "x", 1, '\''), 0);
    assert_int_equal(buf[0], 'q');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippet_plain_text_is_quoted_whole),
        cmocka_unit_test(test_snippet_escapes_what_cannot_be_seen),
        cmocka_unit_test(test_snippet_long_text_is_cut_and_says_so),
        cmocka_unit_test(test_snippet_every_cut_and_every_size),
        cmocka_unit_test(test_snippet_fits_its_size),
        cmocka_unit_test(test_snippet_public_text_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
