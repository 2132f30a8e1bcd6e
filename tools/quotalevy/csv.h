/*
 * csv.h — a streaming RFC 4180 reader and a field writer (the string
 * builder it writes into is strbuf.h's).
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

#include "strbuf.h"

/* A record longer than this is refused (and skipped), not buffered. */
#define CSV_MAX_RECORD (16u << 20)
#define CSV_MAX_FIELDS 4096
/* A record that has not ended this far from its start ends the reading:
 * the input is not line-structured text (/dev/zero, say). */
#define CSV_MAX_SKIP (64u << 20)

typedef struct csv_reader csv_reader;

typedef struct csv_record {
    long line; /* the line the record starts on, 1-based */
    size_t nfields; /* on a malformed record: those read whole before the fault */
    const char **field; /* NUL-terminated copies, valid until the next call */
    const size_t *len;
    /* on a malformed record (csv_next returns −1): */
    const char *error;
    long error_line;
    int error_column; /* 1-based field number */
} csv_record;

csv_reader *csv_open(FILE *f);
void csv_close(csv_reader *r);
/* 1: a record; 0: end of input; −1: a malformed record (see error);
 * −2: a read error, out of memory, or (error set) an input that is not
 * records at all. */
int csv_next(csv_reader *r, csv_record *rec);
/* Right after csv_next gave a record (1): hands its bytes — the fields
 * one after another, each followed by a NUL, `*len` bytes in all — to the
 * caller as the buffer *p (capacity *cap), and the record's field
 * pointers into it and their lengths as the arrays *fields and *lens
 * (capacity *fcap, the record's nfields used), each in exchange for the
 * caller's old one (or NULL, capacity 0), which the reader fills next.
 * Nothing is copied.  −1 (nothing exchanged) if the record's bytes have
 * no room for their final NUL, which csv_next always leaves. */
int csv_take_record(csv_reader *r, char **p, size_t *cap, size_t *len,
                    const char ***fields, size_t **lens, size_t *fcap);
/* Fields i < n with skip[i] set are not kept: they come back empty, and
 * their bytes are never copied (a wide column the run ignores costs no
 * memory).  skip must stay valid while the reader is used. */
void csv_skip(csv_reader *r, const unsigned char *skip, size_t n);
/* Turns off the shortcut for plain lines, so that tests can compare
 * the two ways of reading. */
void csv_general_only(csv_reader *r, int on);
/* A plain line of a run (csv_plain_lines): its `len` bytes at `off` in
 * the caller's buffer, the line end after them not counted. */
typedef struct csv_line {
    size_t off, len;
    int quoted; /* it has quoted fields: cut it with csv_split_quoted */
} csv_line;

/* The longest line csv_plain_lines takes (and shorter than any with
 * CSV_MAX_FIELDS fields, so that no such line is past the limit). */
#define CSV_PLAIN_MAX 4000

/* Takes the run of plain lines at the reader's place, for the caller to
 * cut (csv_split_plain), on another thread say: lines of 1 to
 * CSV_PLAIN_MAX − 1 bytes that end in LF alone and hold no quote, CR,
 * NUL or 0xEF (a byte order mark's first byte), after the first record
 * (the header) — exactly the lines csv_next would cut at every comma
 * with nothing else to say of them.  Lines whose quotes only enclose
 * whole fields (a quote opens a field and, doubled or not, closes it
 * just before a comma or the line end; no line break, CR, NUL or 0xEF
 * inside) are taken too, flagged `quoted`, for csv_split_quoted: an
 * export that quotes every field is cut on the caller's threads as
 * well.  Any other quote (a stray one, one still open at the line end,
 * text after a closing quote) ends the run: csv_next reads that record
 * and says what is wrong with it.  At most `max` lines, and once the
 * run's bytes reach `room` no more; their bytes, each line with its LF,
 * are appended to dst and lines[i] says where each is; *first_line is
 * the line number of the first (the others follow it one by one).
 * Returns the number taken, 0 when the next record is not such a line
 * (csv_next reads it), −1 out of memory.  Fields not kept (csv_skip) are
 * in the lines all the same: the caller does not read them. */
int csv_plain_lines(csv_reader *r, strbuf *dst, csv_line *lines, size_t max,
                    size_t room, long *first_line);
/* Cuts a line csv_plain_lines took (its n bytes at p) at its commas: the
 * line is copied into rec (room for n + 17 bytes) with a NUL after each
 * field, and the first `cap` fields' texts and lengths are stored in
 * fields[] and lens[].  Returns the number of fields, which may be more
 * than cap. */
size_t csv_split_plain(char *rec, const char *p, size_t n, const char **fields,
                       size_t *lens, size_t cap);
/* Cuts a `quoted` line csv_plain_lines took (its n bytes at p): its
 * fields, unquoted and their doubled quotes made one, into rec (room for
 * n + 1 bytes) with a NUL after each, the first `cap` fields' texts and
 * lengths in fields[] and lens[] — the fields csv_next would give.
 * Returns the number of fields, which may be more than cap. */
size_t csv_split_quoted(char *rec, const char *p, size_t n,
                        const char **fields, size_t *lens, size_t cap);
/* Bytes consumed so far (for progress). */
long long csv_offset(const csv_reader *r);

/* Appends one field to b, quoted (and its quotes doubled) if it must be:
 * a comma, a quote, CR or LF in it. */
int csv_put_field(strbuf *b, const char *s, size_t n);
/* csv_put_field for a field cut from a plain line (csv_plain_lines): it
 * holds no quote, comma, CR or LF, so only a blank at either end quotes
 * it. */
int csv_put_plain_field(strbuf *b, const char *s, size_t n);

#endif
