/*
 * lookalike.c — Unicode look-alikes of ASCII names (see lookalike.h).
 * A small table, not a Unicode library: the characters a spreadsheet or
 * a copy from a web page slips into a header without a visible trace.
 */
#include "lookalike.h"

/* the library's one decoder, header-only: static inline, no symbol */
#include "../../lib/utf8.h"

#include <stdio.h>

int32_t utf8_decode(const char *str, size_t n, size_t *len)
{
    return (int32_t)qli_utf8_decode((const unsigned char *)str, n, len);
}

/* Characters that print as nothing (Unicode's default ignorables and
 * format controls), as ranges. */
static const int32_t empty_ranges[][2] = {
    {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C},   {0x115F, 0x1160},
    {0x17B4, 0x17B5}, {0x180B, 0x180F}, {0x200B, 0x200F},   {0x202A, 0x202E},
    {0x2060, 0x206F}, {0x3164, 0x3164}, {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},
    {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFFB}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
};

/* Blanks other than the ASCII space. */
static const int32_t blank_ranges[][2] = {
    {0x00A0, 0x00A0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
    {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

static int in_ranges(int32_t c, const int32_t (*r)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c >= r[i][0] && c <= r[i][1])
            return 1;
    return 0;
}

static int prints_empty(int32_t c)
{
    return in_ranges(c, empty_ranges,
                     sizeof empty_ranges / sizeof empty_ranges[0]);
}

static int blank(int32_t c)
{
    return in_ranges(c, blank_ranges,
                     sizeof blank_ranges / sizeof blank_ranges[0]);
}

int cp_invisible(int32_t c)
{
    /* a noncharacter (U+FDD0-FDEF, U+xFFFE, U+xFFFF) no font draws: shown
     * by its number, as the library's messages show it (lib/snippet.h) */
    return (c >= 0x80 && c <= 0x9F) || prints_empty(c) || blank(c) ||
           (c >= 0xFDD0 && c <= 0xFDEF) || (c >= 0 && (c & 0xFFFE) == 0xFFFE);
}

int cp_escape(int32_t c, unsigned char b, char esc[CP_ESCAPE_SIZE])
{
    if (c >= 0x20 && c != 0x7F && !cp_invisible(c))
        return 0;
    if (c == '\n' || c == '\r' || c == '\t')
        snprintf(esc, CP_ESCAPE_SIZE, "\\%c",
                 c == '\n'   ? 'n'
                 : c == '\r' ? 'r'
                             : 't');
    else if (c < 0x80) /* a control, or not UTF-8 (c < 0) */
        snprintf(esc, CP_ESCAPE_SIZE, "\\x%02X", b);
    else /* prints as nothing, or as a blank: shown by its number */
        snprintf(esc, CP_ESCAPE_SIZE, c > 0xFFFF ? "\\U%08X" : "\\u%04X",
                 (unsigned)c);
    return 1;
}

static int is_digit(int32_t c)
{
    return c >= '0' && c <= '9';
}

size_t name_fold(const char *s, int32_t *out)
{
    size_t n = 0, len;
    /* first the look-alikes to ASCII */
    for (const char *p = s; *p; p += len) {
        int32_t c = utf8_decode(p, __builtin_strlen(p), &len);
        if (c < 0)
            c = 0xFFFD; /* not UTF-8: unlike any ASCII name */
        else if (prints_empty(c))
            continue;
        else if (blank(c))
            c = ' ';
        else if (c >= 0xFF01 && c <= 0xFF5E)
            c -= 0xFEE0; /* full-width ！ … ～ */
        out[n++] = c;
    }
    /* blanks around a name are no part of it ('b ', 'b<U+00A0>', ' b' are
     * b): trimmed, not counted as an edit, which a one-letter name's
     * threshold would let through */
    size_t lo = 0;
    while (lo < n && (out[lo] == ' ' || out[lo] == '\t' || out[lo] == '\r' ||
                      out[lo] == '\n'))
        lo++;
    while (n > lo && (out[n - 1] == ' ' || out[n - 1] == '\t' ||
                      out[n - 1] == '\r' || out[n - 1] == '\n'))
        n--;
    for (size_t i = lo; lo && i < n; i++)
        out[i - lo] = out[i];
    n -= lo;
    /* then case, separators and zero padding */
    size_t m = 0;
    int after_digit = 0;
    for (size_t i = 0; i < n; i++) {
        int32_t c = out[i];
        if (is_digit(c) && !after_digit) /* out[i + 1] is not written yet */
            while (c == '0' && i + 1 < n && is_digit(out[i + 1]))
                c = out[++i];
        after_digit = is_digit(c);
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        else if (c == '-' || c == '.' || c == ' ')
            c = '_';
        out[m++] = c;
    }
    return m;
}
