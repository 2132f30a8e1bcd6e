/*
 * csv.h — a streaming RFC 4180 reader and a field writer.
 *
 * The reader takes one record at a time from a FILE, whatever its size:
 * quoted fields with doubled quotes, commas and line breaks inside quotes,
 * LF, CRLF or CR alone as line ends (as Python's csv reads them), a UTF-8
 * byte order mark at the start.  A malformed record is reported with its
 * line and column and read on to its end as the grammar defines it (a
 * stray quote or text after a closing quote is read as Python's csv reads
 * it, never by jumping to the next line end, which may lie inside a
 * quoted field), so a batch can reject it and go on without a forged row.
 */
#ifndef QL_CSV_H
#define QL_CSV_H

#include <stddef.h>
#include <stdio.h>

/* A record longer than this is refused (and skipped), not buffered. */
#define CSV_MAX_RECORD (16u << 20)
#define CSV_MAX_FIELDS 4096
/* A record that has not ended this far from its start ends the reading:
 * the input is not line-structured text (/dev/zero, say). */
#define CSV_MAX_SKIP (64u << 20)

typedef struct csv_reader csv_reader;

typedef struct csv_record {
    long line;            /* the line the record starts on, 1-based */
    size_t nfields;
    const char **field;   /* NUL-terminated copies, valid until the next call */
    const size_t *len;
    /* on a malformed record (csv_next returns −1): */
    const char *error;
    long error_line;
    int error_column;     /* 1-based field number */
} csv_record;

csv_reader *csv_open(FILE *f);
void csv_close(csv_reader *r);
/* 1: a record; 0: end of input; −1: a malformed record (see error);
 * −2: a read error, out of memory, or (error set) an input that is not
 * records at all. */
int csv_next(csv_reader *r, csv_record *rec);
/* Fields i < n with skip[i] set are not kept: they come back empty, and
 * their bytes are never copied (a wide column the run ignores costs no
 * memory).  skip must stay valid while the reader is used. */
void csv_skip(csv_reader *r, const unsigned char *skip, size_t n);
/* Turns off the shortcut for plain lines, so that tests can compare
 * the two ways of reading. */
void csv_general_only(csv_reader *r, int on);
/* Bytes consumed so far (for progress). */
long long csv_offset(const csv_reader *r);

/* Appends one field to buf, quoted if it must be. */
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
int csv_put_field(strbuf *b, const char *s, size_t n);
int json_put_string(strbuf *b, const char *s, size_t n);
/* The length of the longest prefix of s that is valid UTF-8 (n: all). */
size_t utf8_check(const char *s, size_t n);
/* Appends text for a message line: control characters and bytes that are
 * not UTF-8 as \n, \t, \xNN, so that no value can forge a line. */
int sb_put_escaped(strbuf *b, const char *s, size_t n);

#endif
