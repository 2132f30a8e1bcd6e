/*
 * utf8.h — the library's one UTF-8 decoder and encoder, shared by the
 * text checks (unicode.c, record.c's string inputs) and the text a person
 * reads (explain.c), and by the front ends (tools/quotalevy/lookalike.c's
 * name checks, which the command and the bindings link, and jsonl.c's
 * \u escapes).  Header-only, so no symbol of it exists to leak; it
 * includes only standard headers.  Internal.
 */
#ifndef QL_UTF8_H
#define QL_UTF8_H

#include <stddef.h>
#include <stdio.h>

/* The code point of the UTF-8 sequence at s (n > 0 bytes left), its
 * length in *len; −1 (and *len 1) for a byte that starts no valid one:
 * overlong forms, surrogates, past U+10FFFF, a sequence cut short. */
static inline long qli_utf8_decode(const unsigned char *s, size_t n,
                                   size_t *len)
{
    unsigned c = s[0], k, min;
    unsigned long cp;
    *len = 1;
    if (c < 0x80)
        return (long)c;
    if (c >= 0xC2 && c <= 0xDF)
        k = 1, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 2, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 3, cp = c & 0x07, min = 0x10000;
    else
        return -1;
    for (unsigned j = 1; j <= k; j++) {
        if (j >= n || (s[j] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *len = k + 1;
    return (long)cp;
}

/* Why the bytes at s (n > 0 left), where qli_utf8_decode found no
 * character, are not UTF-8: a phrase saying what s[0] would start and what
 * breaks it ("starts a 2-byte sequence, but 0x22 follows where a
 * continuation byte (0x80-0xBF) belongs"), into buf.  For messages that
 * name the byte where it stands, never the byte after it (lib13b 5a). */
static inline void qli_utf8_why(const unsigned char *s, size_t n, char *buf,
                                size_t size)
{
    unsigned c = s[0], k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
    if (c >= 0x80 && c <= 0xBF) {
        snprintf(buf, size, "a continuation byte with no lead byte before it");
        return;
    }
    if (c == 0xC0 || c == 0xC1 || c >= 0xF5) {
        snprintf(buf, size, "%s",
                 c < 0xF5 ? "it would start an overlong form"
                          : "no UTF-8 sequence holds it");
        return;
    }
    for (unsigned j = 1; j <= k; j++) {
        if (j >= n) {
            snprintf(buf, size,
                     "it starts a %u-byte sequence that the end of "
                     "the text cuts short",
                     k + 1);
            return;
        }
        if ((s[j] & 0xC0) != 0x80) {
            snprintf(buf, size,
                     "it starts a %u-byte sequence, but 0x%02X "
                     "follows where a continuation byte (0x80-0xBF) belongs",
                     k + 1, s[j]);
            return;
        }
    }
    unsigned long cp = c & (0x3Fu >> k);
    for (unsigned j = 1; j <= k; j++)
        cp = cp << 6 | (s[j] & 0x3F);
    if (cp >= 0xD800 && cp <= 0xDFFF)
        snprintf(buf, size,
                 "it starts U+%04lX, a surrogate, which UTF-8 never "
                 "holds",
                 cp);
    else if (cp > 0x10FFFF)
        snprintf(buf, size,
                 "it starts a value past U+10FFFF, the last code "
                 "point");
    else
        snprintf(buf, size,
                 "it starts an overlong form of U+%04lX (%u bytes "
                 "for what UTF-8 writes shorter)",
                 cp, k + 1);
}

/* The UTF-8 bytes of code point c (at most U+10FFFF) into o, which has
 * room for 4; their count. */
static inline size_t qli_utf8_encode(unsigned long c, char *o)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xC0 | c >> 6);
        o[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | c >> 12);
        o[1] = (char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | c >> 18);
    o[1] = (char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

#endif
