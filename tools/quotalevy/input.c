/*
 * input.c — one record reader over CSV and JSON Lines (see input.h).
 */
#include "input.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "jsonl.h"
#include "snippet.h"

struct in_reader {
    int jsonl;
    csv_reader *csv;
    jsonl_reader *jl;
    char **header;
    size_t nheader;
    size_t id_col; /* the header's 'id' column, or nheader: none */
    long header_line; /* the line the header is on (2 after 'sep=,') */
    char msg[160];
    /* in_peek: the row the next in_next gives again (JSON Lines) */
    int replay, replay_st;
    in_row peeked;
};

static int header_ok(in_reader *r, const csv_record *h, const char *name,
                     char *errbuf, size_t errsize)
{
    r->header_line = h->line;
    r->header = calloc(h->nfields, sizeof *r->header);
    if (!r->header)
        return -1;
    r->nheader = h->nfields;
    r->id_col = h->nfields;
    for (size_t i = 0; i < h->nfields; i++) {
        /* names are trimmed of blanks: " employees" is employees */
        const char *s = h->field[i];
        size_t n = h->len[i];
        while (n && (*s == ' ' || *s == '\t'))
            s++, n--;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        r->header[i] = strndup(s, n);
        if (!r->header[i])
            return -1;
        if (n == 0) {
            snprintf(errbuf, errsize, "%s:%ld:%zu: an empty column name in the header",
                     name, h->line, i + 1);
            return -1;
        }
        if (!strcmp(r->header[i], "id"))
            r->id_col = i;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r->header[j], r->header[i])) {
                snprintf(errbuf, errsize,
                         "%s:%ld:%zu: column %s appears twice in the header (first as "
                         "column %zu)",
                         name, h->line, i + 1, QLI_QUOTE(r->header[i]), j + 1);
                return -1;
            }
    }
    return 0;
}

ql_status in_parse_date(ql_date *out, const char *text, size_t len, ql_error *err)
{
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    return ql_date_parse(out, text, len, err);
}

int in_fill_record(const ql_ruleset *rs, ql_record *rec, const in_row *row,
                   ql_date *date, int *have_date, const char **id, int *column,
                   ql_error *err)
{
    ql_record_clear(rec);
    int best = -1; /* the input index of the refusal reported */
    for (size_t k = 0; k < row->n; k++) /* first: a refusal names it */
        if (!strcmp(row->name[k], "id"))
            *id = row->val[k] ? row->val[k] : "";
    for (size_t k = 0; k < row->n; k++) {
        const char *v = row->val[k] ? row->val[k] : "";
        size_t len = row->val[k] ? row->len[k] : 0;
        if (!strcmp(row->name[k], "date") && len && !*have_date) {
            if (in_parse_date(date, v, len, err)) {
                snprintf(err->field, sizeof err->field, "date");
                *column = in_row_column(row, k);
                return -1;
            }
            *have_date = 1;
        }
    }
    for (size_t k = 0; k < row->n; k++) {
        const char *v = row->val[k] ? row->val[k] : "";
        size_t len = row->val[k] ? row->len[k] : 0;
        int i = strcmp(row->name[k], "date") ? ql_ruleset_input_index(rs, row->name[k]) : -1;
        ql_error e;
        if (i >= 0 && (best < 0 || i < best) &&
            ql_record_set_text(rec, (size_t)i, v, len, &e)) {
            best = i;
            *column = in_row_column(row, k);
            *err = e;
        }
    }
    return best < 0 ? 0 : -1;
}

int in_guess_jsonl(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && (!strcmp(dot, ".jsonl") || !strcmp(dot, ".ndjson") ||
                !strcmp(dot, ".json")))
        return 1;
    return dot && !strcmp(dot, ".csv") ? 0 : -1;
}

/* JSON Lines open with an object; a CSV header never starts with '{'.
 * The first character is read ahead and put back.  Only when the format
 * is unknown (standard input, no extension) are blank lines before it
 * skipped, and no more than LOOK_BLANKS of them: an endless run of
 * blanks is not read to its end here (the reader gives up on it). */
#define LOOK_BLANKS 65536
static int looks_jsonl(FILE *f, int skip_blanks)
{
    int c = getc(f);
    if (c == 0xEF) {
        /* a byte order mark before a '{': JSON Lines, whose reader needs
         * no mark; before anything else the bytes are put back as read
         * (glibc takes several), for the CSV reader to judge */
        int c2 = getc(f), c3 = c2 == 0xBB ? getc(f) : EOF;
        int c4 = c3 == 0xBF ? getc(f) : EOF;
        if (c4 == '{') {
            ungetc(c4, f);
            return 1;
        }
        if (c4 != EOF)
            ungetc(c4, f);
        if (c3 != EOF)
            ungetc(c3, f);
        if (c2 != EOF)
            ungetc(c2, f);
        ungetc(c, f);
        return 0;
    }
    for (long n = 0; skip_blanks && n < LOOK_BLANKS &&
                     (c == ' ' || c == '\t' || c == '\r' || c == '\n');
         n++)
        c = getc(f);
    if (c != EOF)
        ungetc(c, f);
    return c == '{' ? 1 : c == '[' ? 2 : 0; /* 2: a JSON array, no CSV */
}

int in_is_jsonl(const in_reader *r)
{
    return r->jsonl;
}

/* Whether a CSV record is Excel's separator hint 'sep=,' (a first line
 * of exactly that, which Excel reads and drops): the header follows it. */
static int sep_comma_hint(const csv_record *h)
{
    return h->line == 1 && h->nfields == 2 && h->len[0] == 4 &&
           !memcmp(h->field[0], "sep=", 4) && h->len[1] == 0;
}

in_reader *in_open(FILE *f, int jsonl, const char *name, char *errbuf, size_t errsize)
{
    in_reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(errbuf, errsize, "%s: out of memory", name);
        return NULL;
    }
    int look = jsonl != 1 ? looks_jsonl(f, jsonl < 0) : 0;
    int json_like = look == 1;
    if (jsonl < 0 && look == 2) {
        /* standard input (or a name of no known kind) opening with '[':
         * JSON, not a CSV header, as a .json file is told (P13-12) */
        snprintf(errbuf, errsize,
                 "%s: expected a JSON object '{…}' or a CSV header: the input is "
                 "a JSON array (or a document written over several lines?): "
                 "JSON Lines needs one object per line (jq -c '.[]' converts "
                 "an array), then --input-format jsonl or a .jsonl name",
                 name);
        free(r);
        return NULL;
    }
    if (jsonl < 0)
        jsonl = json_like;
    if (!jsonl && json_like) {
        snprintf(errbuf, errsize,
                 "%s: the input looks like JSON Lines, not CSV: say so with "
                 "--input-format jsonl (or name the file .jsonl)",
                 name);
        free(r);
        return NULL;
    }
    r->jsonl = jsonl;
    if (jsonl) {
        r->jl = jsonl_open(f);
        if (!r->jl) {
            snprintf(errbuf, errsize, "%s: out of memory", name);
            free(r);
            return NULL;
        }
        return r;
    }
    r->csv = csv_open(f);
    csv_record h;
    int st = r->csv ? csv_next(r->csv, &h) : -2;
    /* Excel's 'sep=,' line says what is read anyway: skipped, the header
     * is the next line.  Another separator is refused (colslips.c says
     * so): the reader splits at commas only. */
    int hint = st == 1 && sep_comma_hint(&h);
    if (hint)
        st = csv_next(r->csv, &h);
    if (st == 1 && header_ok(r, &h, name, errbuf, errsize) == 0)
        return r;
    if (st == 0)
        snprintf(errbuf, errsize, "%s: the input is empty: expected a header row naming the "
                                  "fields%s",
                 name, hint ? " after the first line 'sep=,'" : "");
    else if (st == -1)
        snprintf(errbuf, errsize, "%s:%ld:%d: the header row: %s", name, h.error_line,
                 h.error_column, h.error);
    else if (st == -2 && h.error)
        snprintf(errbuf, errsize, "%s: the header row: %s", name, h.error);
    else if (st == -2)
        snprintf(errbuf, errsize, "%s: cannot read the input (or it is not UTF-8 text)",
                 name);
    in_close(r);
    return NULL;
}

void in_close(in_reader *r)
{
    if (!r)
        return;
    csv_close(r->csv);
    jsonl_close(r->jl);
    for (size_t i = 0; i < r->nheader; i++)
        free(r->header[i]);
    free(r->header);
    free(r);
}

long long in_offset(const in_reader *r)
{
    return r->jsonl ? jsonl_offset(r->jl) : csv_offset(r->csv);
}

void in_skip(in_reader *r, const unsigned char *skip, size_t n)
{
    if (r->csv)
        csv_skip(r->csv, skip, n);
}

int in_plain_lines(in_reader *r, strbuf *dst, csv_line *lines, size_t max, size_t room,
                   long *first_line)
{
    if (r->jsonl)
        return 0;
    return csv_plain_lines(r->csv, dst, lines, max, room, first_line);
}

const char *in_id_named(const char *id, size_t len)
{
    return id && len && utf8_check(id, len) == len ? id : NULL;
}

const char *in_ragged(char *buf, size_t size, size_t nfields, size_t nheader,
                      const char *const *header, int *column, const char **field)
{
    /* too few: the first column without a field, named; too many: the
     * first field past the header, which has no name */
    *field = nfields < nheader && header ? header[nfields] : NULL;
    *column = (int)(nfields < nheader ? nfields + 1 : nheader + 1);
    snprintf(buf, size, "the row has %zu field%s but the header has %zu (a ragged row%s)",
             nfields, nfields == 1 ? "" : "s", nheader,
             nfields < nheader ? ": this column is the first it lacks" : "");
    return buf;
}

long in_header_line(const in_reader *r)
{
    return r->header_line;
}

const char *const *in_header(const in_reader *r, size_t *n)
{
    *n = r->nheader;
    return r->jsonl ? NULL : (const char *const *)r->header;
}

int in_take_bytes(const in_row *row, strbuf *into, const char ***vals, size_t **lens,
                  size_t *cap)
{
    in_reader *r = row->from;
    if (!r || r->jsonl || row->error)
        return 1;
    return csv_take_record(r->csv, &into->p, &into->cap, &into->len, vals, lens, cap);
}

void in_row_reject(in_row *row, const char *why, const char *field, ql_status st)
{
    for (size_t k = 0; k < row->n && !row->error_id; k++)
        if (!strcmp(row->name[k], "id") && row->val[k])
            row->error_id = in_id_named(row->val[k], row->len[k]);
    row->error = why;
    row->error_field = field;
    row->error_status = st;
    /* a key of the row (a name refused): at its value, as a value's
     * refusal; a key the row lacks has no place in the line */
    row->error_column = 0;
    for (size_t k = 0; field && k < row->n; k++)
        if (!strcmp(row->name[k], field))
            row->error_column = in_row_column(row, k);
}

int in_peek(in_reader *r, in_row *row)
{
    if (!r->jsonl || r->replay)
        return -3;
    r->replay_st = in_next(r, row);
    r->peeked = *row;
    r->replay = 1;
    return r->replay_st;
}

int in_next(in_reader *r, in_row *row)
{
    if (r->replay) { /* the JSON Lines reader's buffers still hold it */
        r->replay = 0;
        *row = r->peeked;
        return r->replay_st;
    }
    memset(row, 0, sizeof *row);
    if (r->jsonl) {
        jsonl_record j;
        int st = jsonl_next(r->jl, &j);
        row->line = j.line;
        if (st == -1) {
            row->error = j.error;
            row->error_column = j.error_column;
            row->error_field = j.error_field;
            row->error_id = j.error_id ? in_id_named(j.error_id, strlen(j.error_id)) : NULL;
            return 1;
        }
        if (st != 1) {
            row->error = st == -2 ? j.error : NULL;
            return st;
        }
        row->n = j.n;
        row->name = j.key;
        row->val = j.val;
        row->len = j.vlen;
        row->col = j.vcol;
        return 1;
    }
    csv_record c;
    int st = csv_next(r->csv, &c);
    row->line = c.line;
    if (st == -1) {
        row->line = c.error_line;
        row->error = c.error;
        row->error_column = c.error_column;
        /* the column's name, and the id when it was read before the fault */
        size_t at = (size_t)c.error_column - 1;
        row->error_field = at < r->nheader ? r->header[at] : NULL;
        row->error_id = in_id_named(r->id_col < c.nfields ? c.field[r->id_col] : NULL,
                                    r->id_col < c.nfields ? c.len[r->id_col] : 0);
        return 1;
    }
    if (st != 1) {
        row->error = st == -2 ? c.error : NULL;
        return st;
    }
    if (c.nfields != r->nheader) {
        row->error = in_ragged(r->msg, sizeof r->msg, c.nfields, r->nheader,
                               (const char *const *)r->header, &row->error_column,
                               &row->error_field);
        row->error_id = in_id_named(r->id_col < c.nfields ? c.field[r->id_col] : NULL,
                                    r->id_col < c.nfields ? c.len[r->id_col] : 0);
        return 1;
    }
    row->n = c.nfields;
    row->from = r;
    row->name = (const char **)r->header;
    row->val = c.field;
    row->len = c.len;
    return 1;
}
