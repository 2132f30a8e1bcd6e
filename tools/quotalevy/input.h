/*
 * input.h — records from CSV (with a header row) or JSON Lines, as
 * (name, value, column) triples with the line they start on.  A
 * malformed record comes back as an error row, so the batch can reject it
 * and go on.
 */
#ifndef QL_INPUT_H
#define QL_INPUT_H

#include <stdio.h>

#include "quotalevy.h"
#include "csv.h"
#include "strbuf.h"

typedef struct in_row {
    long line;
    size_t n;
    const char **name;
    const char **val;   /* NULL: null in JSON (an empty field) */
    const size_t *len;
    /* per field, the column a reject names (in_row_column), or NULL */
    const int *col;
    const char *error;  /* a malformed record: the reason */
    int error_column;   /* …where (see in_row_column), or 0: nowhere */
    const char *error_field; /* …the field it concerns, or NULL */
    const char *error_id;    /* …the record's id when it was read, or NULL */
    ql_status error_status;  /* …its status, 0 for QL_EPARSE */
    struct in_reader *from; /* the reader, for in_take_bytes */
} in_row;

typedef struct in_reader in_reader;

/* Where a reject of field k of `row` points, its "column" (1-based): in
 * CSV the field's number in the row; in JSON Lines, whose keys have no
 * fixed place, the byte of the line its value starts at (a string's
 * opening quote) — the unit a JSON Lines reader's own faults are
 * reported in, at the byte at fault.  The field (key) is named apart. */
static inline int in_row_column(const in_row *row, size_t k)
{
    return row->col ? row->col[k] : (int)k + 1;
}

/* Makes `row` (a record read whole) an error row of `why` about `field`
 * (or NULL), keeping its id when it has one: its rejection names both,
 * at the field's column when the row has that field. */
void in_row_reject(in_row *row, const char *why, const char *field, ql_status st);

/* Whether a file name says JSON Lines (.jsonl, .ndjson, .json): 1; CSV
 * (.csv): 0; anything else (standard input, no extension): −1, for
 * in_open to tell from the first character. */
int in_guess_jsonl(const char *path);

/* Opens f (named `name` in messages); reads a CSV header now — after a
 * first line 'sep=,' (Excel's separator hint), which is skipped.  NULL
 * with the whole message in errbuf on failure, located as
 * NAME:LINE:COLUMN: when it is about a place in the header, NAME: when
 * not. */
in_reader *in_open(FILE *f, int jsonl, const char *name, char *errbuf, size_t errsize);
/* Whether r reads JSON Lines (as named, or as told from the input). */
int in_is_jsonl(const in_reader *r);
void in_close(in_reader *r);
/* 1 a row (maybe an error row), 0 end, −2 a read error (row->error
 * says why when the input is not records at all). */
int in_next(in_reader *r, in_row *row);
/* JSON Lines: in_next's row, which the next in_next gives again (the
 * first record's keys checked before any output is written); −3 for
 * CSV or a row already peeked. */
int in_peek(in_reader *r, in_row *row);
long long in_offset(const in_reader *r);
/* Sets rec from the row's columns the rule set knows (after emptying it);
 * a 'date' column goes to *date unless *have_date is already set, an 'id'
 * column to *id.  On a bad value: −1, with err filled and *column the
 * 1-based column: the date's, else that of the input declared first
 * among those refused (the reject of `run`, whatever the column order). */
/* A row's evaluation date (its 'date' column or key) from len bytes,
 * surrounding blanks (space, tab) ignored as in every field. */
ql_status in_parse_date(ql_date *out, const char *text, size_t len, ql_error *err);
int in_fill_record(const ql_ruleset *rs, ql_record *rec, const in_row *row,
                   ql_date *date, int *have_date, const char **id, int *column,
                   ql_error *err);

/* CSV: moves the bytes of the row in_next just gave (not an error row)
 * into *into, the fields one after another, each followed by a NUL, and
 * the row's field pointers (row->val) and lengths (row->len) into the
 * arrays *vals and *lens (capacity *cap).  The reader keeps the old
 * buffer and arrays for the next row: nothing is copied.  0 done, 1 not
 * a CSV row (copy the fields), −1 failed (nothing moved). */
int in_take_bytes(const in_row *row, strbuf *into, const char ***vals, size_t **lens,
                  size_t *cap);
/* CSV: columns i < n with skip[i] set are not kept (they read as empty,
 * their bytes never copied); skip stays valid while r is used. */
void in_skip(in_reader *r, const unsigned char *skip, size_t n);
/* CSV: a run of plain lines (csv_plain_lines) for the caller to cut
 * with csv_split_plain and check against the header's width (in_ragged);
 * 0 for JSON Lines or when the next record is not a plain line (in_next
 * reads it), −1 out of memory. */
int in_plain_lines(in_reader *r, strbuf *dst, csv_line *lines, size_t max, size_t room,
                   long *first_line);
/* The reason a CSV row of nfields fields is refused under a header of
 * nheader names `header` (written into buf, returned), and where it
 * points (docs/architecture.md, "Where a reject points"): a row too short
 * at the first column it lacks (*column, and its name in *field), a row
 * too long at the first field past the header (*field NULL). */
const char *in_ragged(char *buf, size_t size, size_t nfields, size_t nheader,
                      const char *const *header, int *column, const char **field);
/* An id read from a row a reject names (`len` bytes at id), or NULL when
 * there is none to name: absent, empty, or not UTF-8 text (which the
 * rejects, text, must not copy). */
const char *in_id_named(const char *id, size_t len);
/* CSV: the line the header is on (1, or 2 after a 'sep=,' line). */
long in_header_line(const in_reader *r);
/* CSV: the header's column names; NULL for JSONL. */
const char *const *in_header(const in_reader *r, size_t *n);

#endif
