/*
 * csv.c — RFC 4180 reading and writing (see csv.h).
 */
#include "csv.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define CHUNK (1u << 20)
/* The record buffer's first size: a row's bytes, most often, fit; the
 * buffer may go to a caller (csv_take_record), one per row in flight. */
#define REC_FIRST 256
/* The field arrays' first size: they too may go to a caller
 * (csv_take_record), one pair per row in flight, so they start small. */
#define FIELDS_FIRST 16

struct csv_reader {
    FILE *f;
    int general_only; /* never the plain-line shortcut (tests) */
    char *buf;        /* input chunk */
    size_t pos, end;
    int eof, started;
    int ferr;     /* the end came from a read error */
    long records; /* records given so far (the first is the header) */
    long line;    /* current physical line */
    long long consumed;
    char *rec; /* the record's field bytes */
    size_t rlen, rcap;
    size_t *starts, scap; /* the general reader's field offsets */
    size_t *lens;
    const char **fields;
    size_t nf, fcap;           /* fcap: of lens and fields */
    const unsigned char *skip; /* per field: 1 = not kept (csv_skip) */
    size_t nskip;
    int skips;       /* some field is not kept */
    int maybe_bom;   /* the record may hold a byte order mark (0xEF) */
    int have_fields; /* fields[] set as it was read (else from starts) */
    /* the record being read */
    size_t rbytes;   /* its field bytes, kept or not */
    int dropping;    /* the current field's bytes are not kept */
    const char *err; /* its first problem: read on to its end */
    long err_line;
    int err_column;
    char msg[192];
};

csv_reader *csv_open(FILE *f)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->f = f;
    r->buf = malloc(CHUNK);
    r->line = 1;
    if (!r->buf) {
        free(r);
        return NULL;
    }
    return r;
}

void csv_close(csv_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->rec);
    free(r->starts);
    free(r->lens);
    free(r->fields);
    free(r);
}

long long csv_offset(const csv_reader *r)
{
    return r->consumed;
}

void csv_general_only(csv_reader *r, int on)
{
    r->general_only = on;
}

int csv_take_record(csv_reader *r, char **p, size_t *cap, size_t *len,
                    const char ***fields, size_t **lens, size_t *fcap)
{
    /* the room for the NUL is there (end_field, plain_line): growing the
     * buffer now would move the bytes the fields point at */
    if (r->rlen + 1 > r->rcap)
        return -1;
    r->rec[r->rlen] = '\0';
    char *q = *p;
    size_t c = *cap;
    *p = r->rec;
    *cap = r->rcap;
    *len = r->rlen;
    r->rec = q;
    r->rcap = c;
    r->rlen = 0;
    const char **f = *fields;
    size_t *l = *lens;
    c = *fcap;
    *fields = r->fields;
    *lens = r->lens;
    *fcap = r->fcap;
    r->fields = f;
    r->lens = l;
    r->fcap = c;
    return 0;
}

void csv_skip(csv_reader *r, const unsigned char *skip, size_t n)
{
    r->skip = skip;
    r->nskip = n;
    r->skips = 0;
    for (size_t i = 0; i < n; i++)
        r->skips |= skip[i] != 0;
}

/* Next byte, or −1 at the end; −2 on a read error. */
static int next_byte(csv_reader *r)
{
    if (r->pos == r->end) {
        if (r->eof)
            return r->ferr ? -2 : -1;
        r->end = fread(r->buf, 1, CHUNK, r->f);
        r->pos = 0;
        if (r->end == 0) {
            r->eof = 1;
            r->ferr = ferror(r->f) != 0;
            return r->ferr ? -2 : -1;
        }
    }
    r->consumed++;
    return (unsigned char)r->buf[r->pos++];
}

static int peek_byte(csv_reader *r)
{
    int c = next_byte(r);
    if (c >= 0) {
        r->pos--;
        r->consumed--;
    }
    return c;
}

/* Notes the record's first problem; the reader goes on to the record's
 * end as the grammar defines it, keeping nothing more. */
static void problem(csv_reader *r, const char *msg, long line)
{
    if (r->err)
        return;
    r->err = msg;
    r->err_line = line;
    r->err_column = (int)r->nf + 1;
}

/* Counts k field bytes against the limits: past CSV_MAX_RECORD the
 * record is refused; past CSV_MAX_SKIP without an end the input is not
 * records at all (−3: give up). */
static int count_bytes(csv_reader *r, size_t k, long start_line)
{
    r->rbytes += k;
    if (r->rbytes > CSV_MAX_RECORD)
        problem(r, "a record longer than 16 MiB", start_line);
    return r->rbytes > CSV_MAX_SKIP ? -3 : 0;
}

static int keeping(const csv_reader *r)
{
    return !r->err && !r->dropping;
}

/* One field byte: kept unless the record or field is dropped.  −2 out
 * of memory, −3 give up. */
static int put(csv_reader *r, char c, long start_line)
{
    if (keeping(r)) {
        if (buf_grow(&r->rec, &r->rcap, r->rlen + 2, REC_FIRST))
            return -2;
        r->rec[r->rlen++] = c;
    }
    return count_bytes(r, 1, start_line);
}

/* Takes bytes that need no thought (not , " CR LF NUL) from the chunk,
 * as many as the chunk holds in a row; −2 out of memory, −3 give up. */
static int copy_plain(csv_reader *r, long start_line)
{
    const char *p = r->buf + r->pos;
    size_t avail = r->end - r->pos, k = 0;
    while (k < avail && p[k] != ',' && p[k] != '"' && p[k] != '\n' &&
           p[k] != '\r' && p[k] != '\0')
        k++;
    if (keeping(r)) {
        if (buf_grow(&r->rec, &r->rcap, r->rlen + k + 2, REC_FIRST))
            return -2;
        memcpy(r->rec + r->rlen, p, k);
        r->rlen += k;
    }
    r->pos += k;
    r->consumed += (long long)k;
    return count_bytes(r, k, start_line);
}

/* Room for `need` fields in lens and fields (fields_room) or in starts
 * (starts_room), doubling; −1 out of memory. */
static int fields_room(csv_reader *r, size_t need)
{
    size_t cap = r->fcap ? r->fcap : FIELDS_FIRST;
    while (cap < need)
        cap *= 2;
    size_t *l = realloc(r->lens, cap * sizeof *l);
    if (l)
        r->lens = l;
    const char **f = realloc(r->fields, cap * sizeof *f);
    if (f)
        r->fields = f;
    if (!l || !f)
        return -1;
    r->fcap = cap;
    return 0;
}

static int starts_room(csv_reader *r, size_t need)
{
    size_t cap = r->scap ? r->scap : FIELDS_FIRST;
    while (cap < need)
        cap *= 2;
    size_t *s = realloc(r->starts, cap * sizeof *s);
    if (!s)
        return -1;
    r->starts = s;
    r->scap = cap;
    return 0;
}

/* Room for one more field, with its offset; −1 out of memory. */
static int room_for_field(csv_reader *r)
{
    return (r->nf >= r->fcap && fields_room(r, r->nf + 1)) ||
                   (r->nf >= r->scap && starts_room(r, r->nf + 1))
               ? -1
               : 0;
}

static int field_dropped(const csv_reader *r, size_t i)
{
    return i < r->nskip && r->skip[i];
}

static int end_field(csv_reader *r, size_t start, long start_line)
{
    if (r->err)
        return 0; /* nothing more is kept of a refused record */
    if (r->nf == CSV_MAX_FIELDS) {
        problem(r, "more than 4096 fields in a record", start_line);
        return 0;
    }
    /* the field's NUL, and one more for csv_take_record's after the last */
    if (room_for_field(r) ||
        buf_grow(&r->rec, &r->rcap, r->rlen + 2, REC_FIRST))
        return -1;
    r->starts[r->nf] = start;
    r->lens[r->nf] = r->rlen - start;
    r->nf++;
    r->rec[r->rlen++] = '\0';
    r->dropping = field_dropped(r, r->nf);
    return 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* 0x80 in each byte of x that is zero, 0 in the others (exactly: no
 * byte is taken for another). */
static inline uint64_t zero_bytes(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((x & low7) + low7) | x | low7);
}
#define BYTES(c) (0x0101010101010101ULL * (unsigned char)(c))

/* Nonzero when some byte of x is below n (n ≤ 128): a word with no
 * byte below '"' + 1 holds no quote, CR or NUL (blanks and '!' set it
 * too, and the word is then looked at closely). */
#define BELOW(x, n) (((x)-BYTES(n)) & ~(x)&BYTES(0x80))

/* The bytes of a plain line's word that the general reader must see: a
 * quote, CR or NUL (0x80 in each); a byte order mark's first byte sets
 * *bom. */
static inline uint64_t word_stops(uint64_t x, int *bom)
{
    if (!(BELOW(x, '"' + 1) | (x & BYTES(0x80))))
        return 0; /* most words: letters, digits, '.', ',' */
    *bom |= zero_bytes(x ^ BYTES(0xEF)) != 0;
    return zero_bytes(x ^ BYTES('"')) | zero_bytes(x ^ BYTES('\r')) |
           zero_bytes(x);
}

/* plain_line's way when every field is kept: the line's n bytes copied
 * in one piece with a ',' and eight NULs after them (r->rec has the
 * room), then read eight at a time for a comma (a field's end, made its
 * NUL) or a quote, CR or NUL (the general reader's line, as is one of
 * more fields than CSV_MAX_FIELDS or near it); the last word, the
 * line's last bytes and the ',', is read whole too, the NULs after it
 * not taken for the line's.  1 done, 0 not a plain line, −2 out of
 * memory. */
static int plain_words(csv_reader *r, const char *p, size_t n)
{
    char *rec = r->rec;
    const uint64_t zero = 0;
    memcpy(rec, p, n);
    rec[n] = ',';
    memcpy(rec + n + 1, &zero, 8);
    size_t start = 0, nf = 0;
    int bom = 0;
    /* the arrays in locals: a store through rec (a char *) could be to
     * any of r's members, so the compiler would load them again a field */
    const char **fields = r->fields;
    size_t *lens = r->lens, fcap = r->fcap;
    for (size_t i = 0; i <= n; i += 8) {
        /* at most 8 fields end in a word */
        if (nf + 8 > CSV_MAX_FIELDS)
            return 0;
        uint64_t x;
        memcpy(&x, rec + i, 8);
        if (i + 8 <= n) {
            if (word_stops(x, &bom))
                return 0;
        } else { /* n − i < 8 of the line's bytes, the ',', NULs */
            uint64_t line = (1ULL << (8 * (n - i))) - 1;
            if (word_stops(x, &bom) & line)
                return 0;
        }
        for (uint64_t c = zero_bytes(x ^ BYTES(',')); c; c &= c - 1) {
            size_t at = i + ((size_t)__builtin_ctzll(c) >> 3);
            if (nf == fcap) {
                if (fields_room(r, nf + 1))
                    return -2;
                fields = r->fields;
                lens = r->lens;
                fcap = r->fcap;
            }
            rec[at] = '\0';
            fields[nf] = rec + start;
            lens[nf] = at - start;
            nf++;
            start = at + 1;
        }
    }
    r->nf = nf;
    r->rlen = n + 1;
    r->maybe_bom = bom; /* finish looks for one only then */
    r->have_fields = 1;
    return 1;
}
#endif

/* The common record: a whole line in the chunk with no quote, no NUL
 * and no CR but a final one.  Cut at its commas straight from the chunk,
 * the fields not kept left empty; the fields are exactly those the
 * general reader below would give.  1: done; 0: not such a line (nothing
 * consumed); −2: out of memory. */
static int plain_line(csv_reader *r)
{
    const char *p = r->buf + r->pos;
    const char *nl = memchr(p, '\n', r->end - r->pos);
    if (!nl)
        return 0; /* the line goes on in the next chunk */
    size_t n = (size_t)(nl - p);
    if (n && p[n - 1] == '\r')
        n--;
    if (n == 0)
        return 0;
    /* the line, a ',' or NUL after it and (plain_words) eight NULs */
    if (n + 9 > r->rcap && buf_grow(&r->rec, &r->rcap, n + 9, REC_FIRST))
        return -2;
#ifdef BYTES
    if (!r->skips) {
        int st = plain_words(r, p, n);
        if (st <= 0) {
            r->nf = 0;
            return st;
        }
        size_t used = (size_t)(nl - p) + 1;
        r->pos += used;
        r->consumed += (long long)used;
        r->line++;
        return 1;
    }
#endif
    /* one pass over the line: bytes copied as they are scanned, a comma
     * ends a field, a quote, CR or NUL sends the line to the general
     * reader (nothing consumed) */
    char *rec = r->rec;
    size_t at = 0, start = 0;
    int drop = field_dropped(r, 0);
    for (size_t i = 0;; i++) {
        unsigned char c = i < n ? (unsigned char)p[i] : ',';
        if (c > ',' || (c != ',' && c != '"' && c != '\r' && c != '\0')) {
            if (!drop)
                rec[at++] = (char)c;
            continue;
        }
        if (c != ',')
            return 0;
        if (r->nf == CSV_MAX_FIELDS)
            return 0; /* the general reader says why */
        if (room_for_field(r))
            return -2;
        rec[at] = '\0';
        r->starts[r->nf] = start;
        r->lens[r->nf] = at - start;
        r->nf++;
        start = ++at;
        if (i >= n)
            break;
        drop = field_dropped(r, r->nf);
    }
    r->rlen = at;
    size_t used = (size_t)(nl - p) + 1;
    r->pos += used;
    r->consumed += (long long)used;
    r->line++;
    return 1;
}

/* After a CR: a CRLF pair or a CR alone is one line end (as Python's csv
 * reads old Mac files). */
static void take_lf(csv_reader *r)
{
    if (peek_byte(r) == '\n')
        next_byte(r);
}

/* The end of the record: the fields, or its first problem. */
static int finish(csv_reader *r, csv_record *rec)
{
    /* A byte order mark starts only a file: at the start of a later
     * record's field it is a second file's start (exports concatenated)
     * and would stay, unseen, inside the id or the value. */
    if (!r->have_fields)
        for (size_t i = 0; i < r->nf; i++)
            r->fields[i] = r->rec + r->starts[i];
    for (size_t i = 0; i < r->nf && r->records > 0 && !r->err && r->maybe_bom;
         i++)
        if (r->lens[i] >= 3 && !memcmp(r->fields[i], "\xEF\xBB\xBF", 3)) {
            r->err =
                "a byte order mark (U+FEFF) at the start of the field: the "
                "start of another file inside this one (files joined "
                "together?); remove it";
            r->err_line = rec->line;
            r->err_column = (int)i + 1;
        }
    r->records++;
    if (r->err) {
        rec->error = r->err;
        rec->error_line = r->err_line;
        rec->error_column = r->err_column;
        /* the fields read whole before the fault, for the reject to name
         * what it can of the row (its id) */
        rec->nfields = (size_t)r->err_column - 1 < r->nf ? (size_t)r->err_column - 1 : r->nf;
        rec->field = r->fields;
        rec->len = r->lens;
        return -1;
    }
    rec->nfields = r->nf;
    rec->field = r->fields;
    rec->len = r->lens;
    return 1;
}

static int give_up(csv_reader *r, csv_record *rec, int st)
{
    if (st == -3) {
        snprintf(r->msg, sizeof r->msg,
                 "no end of the record in %u MiB from line %ld: giving up "
                 "(is this CSV text?)",
                 CSV_MAX_SKIP >> 20, rec->line);
        rec->error = r->msg;
        rec->error_line = rec->line;
    }
    return -2;
}

/* A quoted field, after its opening quote, up to just after its closing
 * one; c gets the byte after it.  0, −2 out of memory or read error, −3. */
static int quoted(csv_reader *r, csv_record *rec, int *cp)
{
    long open_line = r->line;
    int c, st, ended = 0; /* the last byte ended a line */
    for (;;) {
        c = next_byte(r);
        if (c == -2)
            return -2;
        if (c == -1) {
            /* the lines it took in, when it took any: "the 0 lines" was
             * noise, "the 1 lines" wrong */
            long took = r->line - open_line - ended;
            char tail[64] = "";
            if (took == 1)
                snprintf(tail, sizeof tail, " (it took in the line after it)");
            else if (took > 1)
                snprintf(tail, sizeof tail, " (it took in the %ld lines after it)", took);
            snprintf(r->msg, sizeof r->msg,
                     "a quoted field opened on line %ld is not closed before "
                     "the end of the input%s",
                     open_line, tail);
            r->err = NULL; /* this is the record's real problem */
            problem(r, r->msg, open_line);
            *cp = -1;
            return 0;
        }
        ended = c == '\n' || (c == '\r' && peek_byte(r) != '\n');
        if (c == '"') {
            if (peek_byte(r) != '"')
                break;
            next_byte(r);
        } else if (ended) {
            r->line++;
        } else if (c == '\0') {
            problem(r, "a NUL byte in a field (binary data, not text)",
                    r->line);
        }
        if ((st = put(r, (char)c, rec->line)))
            return st;
    }
    c = next_byte(r);
    if (c == '\r') {
        take_lf(r);
        c = '\n';
    }
    if (c != ',' && c != '\n' && c != -1 && c != -2) {
        /* read on as Python's csv does: the rest is part of the field */
        problem(r,
                "a closing quote must end the field (expected ',' or a line "
                "end after it)",
                r->line);
    }
    *cp = c;
    return 0;
}

int csv_next(csv_reader *r, csv_record *rec)
{
    memset(rec, 0, sizeof *rec);
    if (!r->started) {
        r->started = 1;
        if (peek_byte(r) == 0xEF) { /* a UTF-8 byte order mark */
            int a = next_byte(r), b = next_byte(r), c = next_byte(r);
            if (!(a == 0xEF && b == 0xBB && c == 0xBF))
                return -2; /* not a BOM: not text we can read */
        }
    }
    int c;
    /* Lines that are entirely empty hold no record. */
    while ((c = peek_byte(r)) == '\n' || c == '\r') {
        next_byte(r);
        if (c == '\r')
            take_lf(r);
        r->line++;
    }
    if (c == -1)
        return 0;
    if (c == -2)
        return -2;
    r->rlen = 0;
    r->nf = 0;
    r->rbytes = 0;
    r->err = NULL;
    r->dropping = field_dropped(r, 0);
    r->maybe_bom = 1;
    r->have_fields = 0;
    rec->line = r->line;
    int fast = r->general_only ? 0 : plain_line(r);
    if (fast < 0)
        return -2;
    if (fast)
        return finish(r, rec);
    /* the general reader starts over */
    r->nf = 0;
    r->rlen = 0;
    int st;
    for (;;) { /* one field */
        size_t start = r->rlen;
        c = next_byte(r);
        if (c == '"') {
            if ((st = quoted(r, rec, &c)))
                return give_up(r, rec, st);
        }
        /* unquoted bytes (or, after a stray quote, the rest of the field) */
        while (c != ',' && c != '\n' && c != -1) {
            if (c == -2)
                return -2;
            if (c == '\r') {
                take_lf(r);
                c = '\n';
                break;
            }
            if (c == '"')
                problem(r,
                        "a quote inside an unquoted field (quote the whole "
                        "field and double the quote)",
                        r->line);
            else if (c == '\0')
                problem(r, "a NUL byte in a field (binary data, not text)",
                        r->line);
            if ((st = put(r, (char)c, rec->line)))
                return give_up(r, rec, st);
            if ((st = copy_plain(r, rec->line)))
                return give_up(r, rec, st);
            c = next_byte(r);
        }
        if (end_field(r, start, rec->line))
            return -2;
        if (c == '\n') {
            r->line++;
            break;
        }
        if (c == -1)
            break;
    }
    return finish(r, rec);
}

/* ------------------------------------------------- runs of plain lines */

/* What csv_plain_lines looks for in a byte: 1 a byte that only the
 * general reader handles (a quote, CR, NUL, a byte order mark's first
 * byte), 2 the line end. */
static const unsigned char plain_class[256] = {
    ['"'] = 1, ['\r'] = 1, [0] = 1, [0xEF] = 1, ['\n'] = 2};

/* Moves the chunk's unread bytes to its start and reads on after them
 * (a line cut by the chunk's end, for csv_plain_lines to see whole). */
static void refill(csv_reader *r)
{
    size_t left = r->end - r->pos;
    memmove(r->buf, r->buf + r->pos, left);
    r->pos = 0;
    r->end = left;
    size_t got = fread(r->buf + left, 1, CHUNK - left, r->f);
    r->end += got;
    if (got == 0) {
        r->eof = 1;
        r->ferr = ferror(r->f) != 0;
    }
}

/* What quoted_line looks for in a byte: 1 a quote, 2 a comma, 3 a byte
 * only the general reader handles (CR, NUL, a byte order mark's first
 * byte); a table lookup a byte, not four comparisons. */
static const unsigned char quoted_class[256] = {
    ['"'] = 1, [','] = 2, ['\r'] = 3, [0] = 3, [0xEF] = 3};

/* Whether a line of n bytes (no LF in it) quotes only whole fields, as
 * csv_plain_lines takes them: each field either holds no quote, or opens
 * with one and ends with one just before a comma or the line end, every
 * quote between doubled; no CR, NUL or 0xEF anywhere.  Anything else is
 * the general reader's, which says what is wrong or reads it as
 * Python's csv does. */
static int quoted_line(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0;
    for (;;) { /* at a field's start */
        if (i < n && u[i] == '"') {
            for (i++;; i++) {
                while (i < n && !(quoted_class[u[i]] & 1))
                    i++; /* not a quote, CR, NUL or 0xEF (a comma is 2) */
                if (i == n || u[i] != '"')
                    return 0; /* open at the line end, or a stop byte */
                if (i + 1 < n && u[i + 1] == '"') {
                    i++; /* a doubled quote */
                    continue;
                }
                break;
            }
            i++; /* past the closing quote: a comma or the end */
            if (i == n)
                return 1;
            if (u[i] != ',')
                return 0; /* text after a closing quote */
            i++;
            continue;
        }
        while (i < n && !quoted_class[u[i]])
            i++;
        if (i == n)
            return 1;
        if (u[i] != ',')
            return 0; /* a quote inside an unquoted field, or a stop byte */
        i++;
    }
}

/* The run of plain lines from the chunk's byte `pos` (see csv_plain_lines):
 * their count (at most max) in *count, stored into lines[] with offsets
 * from pos, and the offset of the first byte not taken; *cut is set when
 * the scan met the chunk's end inside a line that may be plain.  A line
 * with a stop byte is taken when it quotes only whole fields
 * (quoted_line); the scan for line ends goes on past a quote for that. */
static size_t scan_plain(const char *b, size_t pos, size_t end, csv_line *lines,
                         size_t max, size_t room, size_t *count, int *cut)
{
    size_t i = pos, ls = pos, k = 0;
    int stop = 0; /* the line from ls has a stop byte before i */
    *cut = 0;
#ifdef __SSE2__
    const __m128i nl_ = _mm_set1_epi8('\n'), q_ = _mm_set1_epi8('"'),
                  cr_ = _mm_set1_epi8('\r'), z_ = _mm_setzero_si128(),
                  ef_ = _mm_set1_epi8((char)0xEF);
    for (; i + 16 <= end; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl_));
        unsigned st = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, q_), _mm_cmpeq_epi8(v, cr_)),
            _mm_or_si128(_mm_cmpeq_epi8(v, z_), _mm_cmpeq_epi8(v, ef_))));
        for (; nl; nl &= nl - 1) {
            unsigned at = (unsigned)__builtin_ctz(nl);
            size_t e = i + at, n = e - ls;
            /* a stop byte in the line (those before ls were cleared) */
            int q = stop || (st & ((1u << at) - 1));
            if (n == 0 || n >= CSV_PLAIN_MAX || (q && !quoted_line(b + ls, n)))
                goto done;
            lines[k].off = ls - pos;
            lines[k].len = n;
            lines[k].quoted = q;
            k++;
            ls = e + 1;
            stop = 0;
            st &= ~((2u << at) - 1);
            if (k == max || ls - pos >= room)
                goto done;
        }
        stop |= st != 0; /* in the line that goes on */
        if (i + 16 - ls >= CSV_PLAIN_MAX)
            goto done; /* the line that goes on is too long */
    }
#endif
    for (; i < end; i++) {
        unsigned c = plain_class[(unsigned char)b[i]];
        if (!c)
            continue;
        if (c == 1) {
            stop = 1;
            continue;
        }
        size_t n = i - ls;
        if (n == 0 || n >= CSV_PLAIN_MAX || (stop && !quoted_line(b + ls, n)))
            goto done;
        lines[k].off = ls - pos;
        lines[k].len = n;
        lines[k].quoted = stop;
        k++;
        ls = i + 1;
        stop = 0;
        if (k == max || ls - pos >= room)
            goto done;
    }
    *cut = end - ls < CSV_PLAIN_MAX;
done:
    *count = k;
    return ls;
}

int csv_plain_lines(csv_reader *r, strbuf *dst, csv_line *lines, size_t max,
                    size_t room, long *first_line)
{
    /* the header and a byte order mark before it are csv_next's */
    if (r->general_only || !r->started || r->records == 0 || max == 0 ||
        room == 0)
        return 0;
    size_t k = 0, ls = 0;
    for (int pass = 0; pass < 2; pass++) {
        int cut;
        ls = scan_plain(r->buf, r->pos, r->end, lines, max, room, &k, &cut);
        if (k || !cut || r->eof)
            break;
        refill(r); /* no whole line left in the chunk: read on, once */
    }
    if (k == 0)
        return 0;
    size_t n = ls - r->pos;
    size_t at = dst->len;
    if (sb_put(dst, r->buf + r->pos, n))
        return -1;
    for (size_t j = 0; j < k; j++)
        lines[j].off += at;
    *first_line = r->line;
    r->pos = ls;
    r->consumed += (long long)n;
    r->line += (long)k;
    r->records += (long)k;
    return (int)k;
}

size_t csv_split_plain(char *rec, const char *p, size_t n, const char **fields,
                       size_t *lens, size_t cap)
{
    memcpy(rec, p, n);
    rec[n] = ',';
    size_t start = 0, nf = 0;
#ifdef __SSE2__
    /* the line's last bytes and the ',' read as one step too: the bytes
     * after them are no commas */
    memset(rec + n + 1, 0, 16);
    const __m128i comma = _mm_set1_epi8(',');
    for (size_t i = 0; i <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(rec + i));
        for (unsigned c = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
             c; c &= c - 1) {
            size_t at = i + (size_t)__builtin_ctz(c);
            rec[at] = '\0';
            if (nf < cap) {
                fields[nf] = rec + start;
                lens[nf] = at - start;
            }
            nf++;
            start = at + 1;
        }
    }
#else
    for (size_t i = 0; i <= n; i++) {
        if (rec[i] != ',')
            continue;
        rec[i] = '\0';
        if (nf < cap) {
            fields[nf] = rec + start;
            lens[nf] = i - start;
        }
        nf++;
        start = i + 1;
    }
#endif
    return nf;
}

size_t csv_split_quoted(char *rec, const char *p, size_t n,
                        const char **fields, size_t *lens, size_t cap)
{
    size_t i = 0, at = 0, nf = 0;
    for (;;) { /* at a field's start (quoted_line checked the line) */
        size_t start = at;
        if (i < n && p[i] == '"') {
            for (i++;; i++) {
                if (p[i] == '"') {
                    if (i + 1 < n && p[i + 1] == '"') {
                        rec[at++] = '"';
                        i++;
                        continue;
                    }
                    i++;
                    break;
                }
                rec[at++] = p[i];
            }
        } else {
            for (; i < n && p[i] != ','; i++)
                rec[at++] = p[i];
        }
        rec[at] = '\0';
        if (nf < cap) {
            fields[nf] = rec + start;
            lens[nf] = at - start;
        }
        nf++;
        at++;
        if (i >= n)
            return nf;
        i++; /* the comma */
    }
}

/* ------------------------------------------------------------ writing */

/* The bytes that make a field quoted. */
static const unsigned char must_quote[256] = {
    [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1};

/* Whether s[0..n) holds a byte that makes a field quoted: eight bytes a
 * step where the word reader is built, the rest by the table. */
static int needs_quote(const char *s, size_t n)
{
    size_t i = 0;
    unsigned quote = 0;
#ifdef BYTES
    for (uint64_t x; i + 8 <= n; i += 8) {
        memcpy(&x, s + i, 8);
        if (zero_bytes(x ^ BYTES(',')) | zero_bytes(x ^ BYTES('"')) |
            zero_bytes(x ^ BYTES('\n')) | zero_bytes(x ^ BYTES('\r')))
            return 1;
    }
#endif
    for (; i < n; i++) /* no early exit: a short tail */
        quote |= must_quote[(unsigned char)s[i]];
    return quote != 0;
}

int csv_put_field(strbuf *b, const char *s, size_t n)
{
    int quote = needs_quote(s, n);
    /* blanks at either end quoted: many readers (spreadsheets, CSV
     * libraries told to skip initial spaces) trim an unquoted field's */
    if (n &&
        (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        quote = 1;
    if (!quote)
        return sb_put(b, s, n);
    if (sb_putc(b, '"'))
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((s[i] == '"' && sb_putc(b, '"')) || sb_putc(b, s[i]))
            return -1;
    return sb_putc(b, '"');
}

int csv_put_plain_field(strbuf *b, const char *s, size_t n)
{
    /* no comma, quote, CR or LF in a plain line's field: only a blank at
     * either end makes it quoted (csv_put_field says why) */
    if (n &&
        (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        return csv_put_field(b, s, n);
    return sb_put(b, s, n);
}
