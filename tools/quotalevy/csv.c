/*
 * csv.c — RFC 4180 reading and writing (see csv.h), and the small string
 * builder the command formats its output rows with.
 */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

struct csv_reader {
    FILE *f;
    int general_only;  /* never the plain-line shortcut (tests) */
    char *buf;         /* input chunk */
    size_t pos, end;
    int eof, started;
    long line;         /* current physical line */
    long long consumed;
    char *rec;         /* the record's field bytes */
    size_t rlen, rcap;
    size_t *starts, *lens;
    const char **fields;
    size_t nf, fcap;
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

long long csv_offset(const csv_reader *r) { return r->consumed; }

void csv_general_only(csv_reader *r, int on) { r->general_only = on; }

/* Next byte, or −1 at the end; −2 on a read error. */
static int next_byte(csv_reader *r)
{
    if (r->pos == r->end) {
        if (r->eof)
            return -1;
        r->end = fread(r->buf, 1, CHUNK, r->f);
        r->pos = 0;
        if (r->end == 0) {
            r->eof = 1;
            return ferror(r->f) ? -2 : -1;
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

static int put(csv_reader *r, char c)
{
    if (buf_grow(&r->rec, &r->rcap, r->rlen + 2, 4096))
        return -1;
    r->rec[r->rlen++] = c;
    return 0;
}

/* Copies bytes that need no thought (not , " CR LF) from the chunk into
 * the record, as many as the chunk holds in a row; −1 out of memory. */
static int copy_plain(csv_reader *r)
{
    const char *p = r->buf + r->pos;
    size_t avail = r->end - r->pos, k = 0;
    while (k < avail && p[k] != ',' && p[k] != '"' && p[k] != '\n' &&
           p[k] != '\r')
        k++;
    if (buf_grow(&r->rec, &r->rcap, r->rlen + k + 2, 4096))
        return -1;
    memcpy(r->rec + r->rlen, p, k);
    r->rlen += k;
    r->pos += k;
    r->consumed += (long long)k;
    return 0;
}

/* Room for one more field; −1 out of memory. */
static int room_for_field(csv_reader *r)
{
    if (r->nf < r->fcap)
        return 0;
    size_t cap = r->fcap ? r->fcap * 2 : 64;
    size_t *s = realloc(r->starts, cap * sizeof *s);
    if (s)
        r->starts = s;
    size_t *l = realloc(r->lens, cap * sizeof *l);
    if (l)
        r->lens = l;
    const char **f = realloc(r->fields, cap * sizeof *f);
    if (f)
        r->fields = f;
    if (!s || !l || !f)
        return -1;
    r->fcap = cap;
    return 0;
}

static int end_field(csv_reader *r, size_t start)
{
    if (room_for_field(r))
        return -1;
    r->starts[r->nf] = start;
    r->lens[r->nf] = r->rlen - start;
    r->nf++;
    return put(r, '\0');
}

/* Skips to just after the next line end, after a malformed record. */
static void skip_line(csv_reader *r)
{
    int c;
    while ((c = next_byte(r)) >= 0 && c != '\n')
        ;
    if (c == '\n')
        r->line++;
}

static int fail(csv_reader *r, csv_record *rec, const char *msg, long line)
{
    rec->error = msg;
    rec->error_line = line;
    rec->error_column = (int)r->nf + 1;
    skip_line(r);
    return -1;
}

/* The common record: a whole line in the chunk with no quote and no CR
 * but a final one.  Copied in one go and cut at its commas; the fields
 * are exactly those the general reader below would give.  1: done; 0:
 * not such a line (nothing consumed); −2: out of memory. */
static int plain_line(csv_reader *r)
{
    const char *p = r->buf + r->pos;
    const char *nl = memchr(p, '\n', r->end - r->pos);
    if (!nl)
        return 0; /* the line goes on in the next chunk */
    size_t n = (size_t)(nl - p);
    if (n && p[n - 1] == '\r')
        n--;
    if (n == 0 || memchr(p, '"', n) || memchr(p, '\r', n))
        return 0;
    if (buf_grow(&r->rec, &r->rcap, n + 1, 4096))
        return -2;
    memcpy(r->rec, p, n);
    r->rec[n] = '\0';
    r->rlen = n + 1;
    size_t start = 0;
    for (size_t i = 0;; i++) {
        if (i < n && r->rec[i] != ',')
            continue;
        if (r->nf == CSV_MAX_FIELDS)
            return 0; /* the general reader says why */
        if (room_for_field(r))
            return -2;
        r->rec[i] = '\0';
        r->starts[r->nf] = start;
        r->lens[r->nf] = i - start;
        r->nf++;
        start = i + 1;
        if (i == n)
            break;
    }
    size_t used = (size_t)(nl - p) + 1;
    r->pos += used;
    r->consumed += (long long)used;
    r->line++;
    return 1;
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
        if (c == '\n')
            r->line++;
    }
    if (c == -1)
        return 0;
    if (c == -2)
        return -2;
    r->rlen = 0;
    r->nf = 0;
    rec->line = r->line;
    int fast = r->general_only ? 0 : plain_line(r);
    if (fast < 0)
        return -2;
    if (!fast) { /* the general reader starts over */
        r->nf = 0;
        r->rlen = 0;
    }
    size_t start = 0;
    for (; !fast;) {
        /* one field */
        start = r->rlen;
        c = next_byte(r);
        if (c == '"') {
            long open_line = r->line;
            for (;;) {
                c = next_byte(r);
                if (c == -2)
                    return -2;
                if (c == -1)
                    return fail(r, rec, "a quoted field is not closed before the end of the input", open_line);
                if (c == '"') {
                    if (peek_byte(r) == '"') {
                        next_byte(r);
                        if (put(r, '"'))
                            return -2;
                        continue;
                    }
                    break;
                }
                if (c == '\n')
                    r->line++;
                if (put(r, (char)c))
                    return -2;
                if (r->rlen > CSV_MAX_RECORD)
                    return fail(r, rec, "a record longer than 16 MiB", rec->line);
            }
            c = next_byte(r);
            if (c == '\r' && peek_byte(r) == '\n')
                c = next_byte(r);
            if (c != ',' && c != '\n' && c != -1) {
                if (c == -2)
                    return -2;
                return fail(r, rec, "a closing quote must end the field (expected ',' or a line end after it)", r->line);
            }
        } else {
            if (c >= 0 && c != ',' && c != '\n' && c != '"' && c != '\r') {
                /* the common case: copy plain bytes in bulk */
                if (put(r, (char)c) || copy_plain(r))
                    return -2;
                if (r->rlen > CSV_MAX_RECORD)
                    return fail(r, rec, "a record longer than 16 MiB", rec->line);
                c = next_byte(r);
            }
            while (c != ',' && c != '\n' && c != -1) {
                if (c == -2)
                    return -2;
                if (c == '"')
                    return fail(r, rec, "a quote inside an unquoted field (quote the whole field and double the quote)", r->line);
                if (c == '\r' && peek_byte(r) == '\n') {
                    c = next_byte(r);
                    break;
                }
                if (put(r, (char)c))
                    return -2;
                if (r->rlen > CSV_MAX_RECORD)
                    return fail(r, rec, "a record longer than 16 MiB", rec->line);
                c = next_byte(r);
            }
        }
        if (end_field(r, start))
            return -2;
        if (r->nf > CSV_MAX_FIELDS)
            return fail(r, rec, "more than 4096 fields in a record", rec->line);
        if (c == '\n') {
            r->line++;
            break;
        }
        if (c == -1)
            break;
    }
    for (size_t i = 0; i < r->nf; i++)
        r->fields[i] = r->rec + r->starts[i];
    rec->nfields = r->nf;
    rec->field = r->fields;
    rec->len = r->lens;
    return 1;
}

/* ------------------------------------------------------------ writing */

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

int csv_put_field(strbuf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote)
        return sb_put(b, s, n);
    if (sb_putc(b, '"'))
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((s[i] == '"' && sb_putc(b, '"')) || sb_putc(b, s[i]))
            return -1;
    return sb_putc(b, '"');
}

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
