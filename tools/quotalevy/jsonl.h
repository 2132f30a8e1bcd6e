/*
 * jsonl.h — JSON Lines input: one flat JSON object per line.  Values may
 * be strings, numbers (kept as their exact text, never as binary floats),
 * true, false or null (an empty field).  Nested objects and arrays are
 * refused: a record is flat, and names each key once.  LF, CRLF or CR
 * alone end a line.
 */
#ifndef QL_JSONL_H
#define QL_JSONL_H

#include <stdio.h>

#define JSONL_MAX_LINE (16u << 20)
#define JSONL_MAX_KEYS 4096
/* A line that has not ended this far from its start ends the reading. */
#define JSONL_MAX_SKIP (64u << 20)

typedef struct jsonl_reader jsonl_reader;

typedef struct jsonl_record {
    long line;
    size_t n;
    const char **key;
    const char **val; /* NULL for null */
    const size_t *vlen;
    /* where a reject points in the line, as a 1-based byte column (the
     * bytes as in the file, a byte order mark's too): per key, the first
     * byte of its value (a string's opening quote) */
    const int *vcol;
    const char *error;
    int error_column;        /* the byte at fault (a value broken: its first) */
    const char *error_field; /* the key whose value broke, or NULL */
    const char *error_id;    /* the record's id when read before, or NULL */
} jsonl_record;

jsonl_reader *jsonl_open(FILE *f);
void jsonl_close(jsonl_reader *r);
/* 1 a record, 0 end of input, −1 a malformed line (error), −2 read error
 * (or, error set, an input with no line end in JSONL_MAX_SKIP bytes). */
int jsonl_next(jsonl_reader *r, jsonl_record *rec);
long long jsonl_offset(const jsonl_reader *r);

#endif
