/*
 * utf8.h — the library's one UTF-8 decoder, shared by the text checks
 * (unicode.c) and the text a person reads (explain.c).  Header-only, so
 * no symbol of it exists to leak.  Internal.
 */
#ifndef QL_UTF8_H
#define QL_UTF8_H

#include <stddef.h>

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

#endif
