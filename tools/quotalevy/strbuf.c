/*
 * strbuf.c — the growing byte buffer the command builds its lines in,
 * and the text appends that are not one format's (see strbuf.h).
 */
#include "strbuf.h"
#include "lookalike.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_grow(char **p, size_t *cap, size_t need, size_t first)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    char *q = realloc(*p, c);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int sb_grow_put(strbuf *b, const char *s, size_t n)
{
    if (sb_reserve(b, n))
        return -1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int sb_reserve(strbuf *b, size_t n)
{
    return buf_grow(&b->p, &b->cap, b->len + n + 1, 256);
}

int sb_puts(strbuf *b, const char *s) { return sb_put(b, s, strlen(s)); }

int json_put_string(strbuf *b, const char *s, size_t n)
{
    if (sb_putc(b, '"'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            if (sb_put(b, esc, 2))
                return -1;
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            if (sb_puts(b, esc))
                return -1;
        } else if (sb_putc(b, (char)c)) {
            return -1;
        }
    }
    return sb_putc(b, '"');
}

/* ------------------------------------------------------- text checks */

size_t utf8_check(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, len;
    while (i < n) {
        if (s[i] < 0x80)
            i++;
        else if (utf8_decode(str + i, n - i, &len) < 0)
            return i;
        else
            i += len;
    }
    return n;
}

int sb_put_escaped(strbuf *b, const char *s, size_t n)
{
    size_t i = 0, len;
    while (i < n) {
        int32_t c = utf8_decode(s + i, n - i, &len);
        char esc[CP_ESCAPE_SIZE];
        if (cp_escape(c, (unsigned char)s[i], esc) ? sb_puts(b, esc)
                                                   : sb_put(b, s + i, len))
            return -1;
        i += len;
    }
    return 0;
}

void sb_put_cell_count(strbuf *b, long long n)
{
    char buf[24];
    size_t o = sizeof buf;
    unsigned long long u = n < 0 ? 0 - (unsigned long long)n : (unsigned long long)n;
    do
        buf[--o] = (char)('0' + u % 10);
    while (u /= 10);
    if (n < 0)
        buf[--o] = '-';
    buf[--o] = ',';
    sb_put(b, buf + o, sizeof buf - o);
}
