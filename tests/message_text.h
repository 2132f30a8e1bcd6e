/*
 * message_text.h — what every message a user can read must be, checked
 * by the tests of how messages quote user text (test_snippet.c,
 * test_messages.c): valid UTF-8, one line, nothing in it that prints as
 * nothing or as a blank other than the ASCII space.  Written apart from
 * lib/utf8.h's decoder, so the tests do not trust what they test.
 */
#ifndef QL_MESSAGE_TEXT_H
#define QL_MESSAGE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The code point at s (n bytes left) and its length, or −1 when the
 * bytes there are not one well-formed UTF-8 character (RFC 3629). */
static inline long mt_decode(const unsigned char *s, size_t n, size_t *len)
{
    static const struct {
        unsigned char lo, hi;
    } second[256] = {
        [0xE0] = {0xA0, 0xBF},
        [0xED] = {0x80, 0x9F},
        [0xF0] = {0x90, 0xBF},
        [0xF4] = {0x80, 0x8F},
    };
    unsigned c = s[0];
    size_t k = c < 0x80   ? 1
               : c < 0xC2 ? 0
               : c < 0xE0 ? 2
               : c < 0xF0 ? 3
               : c < 0xF5 ? 4
                          : 0;
    if (!k || k > n)
        return -1;
    if (k == 1) {
        *len = 1;
        return (long)c;
    }
    unsigned char lo = second[c].hi ? second[c].lo : 0x80;
    unsigned char hi = second[c].hi ? second[c].hi : 0xBF;
    if (s[1] < lo || s[1] > hi)
        return -1;
    long cp = (long)(c & (0x7F >> k));
    for (size_t j = 1; j < k; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[j] & 0x3F);
    }
    *len = k;
    return cp;
}

/* Whether c is one a message must not show as itself. */
static inline int mt_unseen(long c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xA0 ||
           c == 0xAD || c == 0x061C || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
           (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF ||
           (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

/* 0 when s[0, n) is valid UTF-8 with nothing unseen in it, else the
 * 1-based byte offset of the first fault. */
static inline size_t mt_fault(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len;
    for (size_t i = 0; i < n; i += len) {
        long c = mt_decode(s + i, n - i, &len);
        if (c < 0 || mt_unseen(c))
            return i + 1;
    }
    return 0;
}

#endif
