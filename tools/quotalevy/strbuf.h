/*
 * strbuf.h — the growing byte buffer the command builds its output and
 * message lines in (always NUL-terminated, so a line can be printed as it
 * stands), and the text appends that are no one format's: a JSON string,
 * text escaped for a message line, the UTF-8 check.  The CSV field writer
 * is csv.h's.
 */
#ifndef QL_STRBUF_H
#define QL_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
    char *p;
    size_t len, cap;
} strbuf;

/* Grows the byte buffer *p (capacity *cap) to hold at least `need`
 * bytes, doubling from `first`; −1 out of memory (the buffer is kept). */
int buf_grow(char **p, size_t *cap, size_t need, size_t first);
int sb_grow_put(strbuf *b, const char *s, size_t n);
/* Makes room for n more bytes and a NUL after them; −1 out of memory. */
int sb_reserve(strbuf *b, size_t n);
/* Appends n bytes (and keeps a NUL after them); −1 out of memory. */
static inline int sb_put(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        return sb_grow_put(b, s, n);
    __builtin_memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}
int sb_puts(strbuf *b, const char *s);
static inline int sb_putc(strbuf *b, char c)
{
    if (b->len + 2 > b->cap)
        return sb_grow_put(b, &c, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
    return 0;
}
/* Appends s as a JSON string: quoted, '"' and '\\' escaped, control
 * characters as \u00XX; other bytes as they are (the caller checks
 * UTF-8 where it matters). */
int json_put_string(strbuf *b, const char *s, size_t n);
/* The length of the longest prefix of s that is valid UTF-8 (n: all). */
size_t utf8_check(const char *s, size_t n);
/* Appends text for a message line: control characters and bytes that are
 * not UTF-8 as \n, \t, \xNN, so that no value can forge a line, and
 * characters that print as nothing or as a blank other than the space
 * (lookalike.h: U+200B, U+FEFF, U+00A0, …) as \u200B, so that the name a
 * message prints is the name in the file. */
int sb_put_escaped(strbuf *b, const char *s, size_t n);
/* Appends ",n", the CSV cell of a count (by hand: a summary by unit
 * writes millions of counts). */
void sb_put_cell_count(strbuf *b, long long n);

#endif
