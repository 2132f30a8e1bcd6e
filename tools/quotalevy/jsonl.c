/*
 * jsonl.c — reading JSON Lines records (see jsonl.h).
 */
#include "jsonl.h"

#include "quotalevy.h" /* ql_decimal_parse */
#include "strbuf.h"   /* buf_grow */

/* the library's UTF-8 encoder, header-only: static inline, no symbol */
#include "../../lib/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct jsonl_reader {
    FILE *f;
    long line;
    long long consumed;
    char *buf;      /* the current line */
    size_t cap;
    char *out;      /* unescaped keys and values */
    size_t ocap, olen;
    size_t *koff, *voff, *vlens;
    int *isnull;
    int *vcol; /* per key: the byte column its value starts at */
    int col_base; /* bytes before buf[0] in the line: 3 after a BOM */
    const char **keys, **vals;
    size_t kcap;
    /* the record's keys by hash, to refuse a duplicate: slot k is in use
     * when seen[k] is this record's number */
    unsigned seen[2 * JSONL_MAX_KEYS];
    unsigned short at[2 * JSONL_MAX_KEYS];
    unsigned records;
    char msg[192];
    /* while a record is parsed: the key being read (its offset in out, or
     * SIZE_MAX) and the id read so far (likewise), for a reject to name */
    size_t at_key, id_off;
};

jsonl_reader *jsonl_open(FILE *f)
{
    jsonl_reader *r = calloc(1, sizeof *r);
    if (r)
        r->f = f;
    return r;
}

void jsonl_close(jsonl_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->out);
    free(r->koff);
    free(r->voff);
    free(r->vlens);
    free(r->isnull);
    free(r->vcol);
    free(r->keys);
    free(r->vals);
    free(r);
}

long long jsonl_offset(const jsonl_reader *r) { return r->consumed; }

/* Reads one line (without its end: LF, CRLF or CR alone) into r->buf;
 * −1 at the end, −3 too long (the rest of the line is skipped), −4 no
 * line end within JSONL_MAX_SKIP bytes (give up), −2 read error. */
static long read_line(jsonl_reader *r)
{
    size_t n = 0;
    long long skipped = 0;
    int c, too_long = 0;
    while ((c = getc(r->f)) != EOF) {
        r->consumed++;
        if (c == '\n')
            break;
        if (c == '\r') {
            int d = getc(r->f);
            if (d == '\n')
                r->consumed++;
            else if (d != EOF)
                ungetc(d, r->f);
            break;
        }
        if (n >= JSONL_MAX_LINE) {
            too_long = 1;
            if (++skipped > (long long)(JSONL_MAX_SKIP - JSONL_MAX_LINE))
                return -4;
            continue;
        }
        if (n + 2 > r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 4096;
            char *p = realloc(r->buf, cap);
            if (!p)
                return -2;
            r->buf = p;
            r->cap = cap;
        }
        r->buf[n++] = (char)c;
    }
    if (c == EOF && ferror(r->f))
        return -2;
    if (c == EOF && n == 0 && !too_long)
        return -1;
    if (r->buf)
        r->buf[n] = '\0';
    return too_long ? -3 : (long)n;
}

/* Whether key k (of this record) was seen before in it; notes it. */
static int duplicate_key(jsonl_reader *r, size_t k, size_t len)
{
    const char *key = r->out + r->koff[k];
    unsigned h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    for (h %= 2 * JSONL_MAX_KEYS; r->seen[h] == r->records; h = (h + 1) % (2 * JSONL_MAX_KEYS)) {
        const char *other = r->out + r->koff[r->at[h]];
        if (!strcmp(other, key))
            return 1;
    }
    r->seen[h] = r->records;
    r->at[h] = (unsigned short)k;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Whether t[0, n) is a number as JSON writes it (RFC 8259 section 6):
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?.  The record reads the
 * same text as a decimal, which would also take 0100 or 1. (PostgreSQL's
 * and Python's JSON refuse them: one grammar in every front end). */
static int json_number(const char *t, size_t n)
{
    size_t i = t[0] == '-';
    if (i >= n || !is_digit(t[i]))
        return 0;
    if (t[i++] != '0')
        while (i < n && is_digit(t[i]))
            i++;
    if (i < n && t[i] == '.') {
        size_t d = ++i;
        while (i < n && is_digit(t[i]))
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && is_digit(t[i]))
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

/* The longest plain form of a number with an exponent: digits, zeros,
 * a sign and a point (longer ones are left as written, and refused). */
#define JSONL_PLAIN_MAX 160

/* A JSON number written with an exponent (1e2, 1.5E+1, 2.50e-3) as the
 * plain decimal it is, into out, read as PostgreSQL's numeric and jsonb
 * read it — the same value, max(0, places − exponent) places: 100, 15,
 * 0.00250 — so that a record levies alike in the command and in the
 * database.  Returns its length; 0 (out untouched) for text that is not
 * such a number, or whose plain form is longer than JSONL_PLAIN_MAX. */
static size_t plain_number(const char *t, size_t n, char *out)
{
    size_t i = 0, o = 0;
    int neg = i < n && t[i] == '-';
    i += (size_t)neg;
    size_t int0 = i;
    if (i < n && t[i] == '0')
        i++;
    else
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
    size_t nint = i - int0, frac0 = 0, nfrac = 0;
    if (nint == 0)
        return 0;
    if (i < n && t[i] == '.') {
        frac0 = ++i;
        while (i < n && t[i] >= '0' && t[i] <= '9')
            i++;
        nfrac = i - frac0;
        if (nfrac == 0)
            return 0;
    }
    if (i >= n || (t[i] != 'e' && t[i] != 'E'))
        return 0; /* no exponent: plain already, or not a number */
    i++;
    int eneg = i < n && t[i] == '-';
    i += (size_t)(i < n && (t[i] == '-' || t[i] == '+'));
    long exp = 0;
    size_t e0 = i;
    while (i < n && t[i] >= '0' && t[i] <= '9' && exp < 100000)
        exp = exp * 10 + (t[i++] - '0');
    if (i == e0 || i != n)
        return 0;
    exp = eneg ? -exp : exp;
    /* the digits d (integer part then fraction) and the places they get */
    char d[JSONL_PLAIN_MAX];
    size_t nd = 0;
    if (nint + nfrac >= sizeof d)
        return 0;
    memcpy(d, t + int0, nint);
    memcpy(d + nint, t + frac0, nfrac);
    nd = nint + nfrac;
    long places = (long)nfrac - exp;
    long zeros = places < 0 ? -places : 0; /* appended to the digits */
    places = places < 0 ? 0 : places;
    if ((long)nd + zeros + places + 3 >= JSONL_PLAIN_MAX)
        return 0;
    memset(d + nd, '0', (size_t)zeros);
    nd += (size_t)zeros;
    /* integer part: the digits before the last `places`, without leading
     * zeros ("0" when none); then the point and the rest, zero padded */
    size_t whole = nd > (size_t)places ? nd - (size_t)places : 0, k = 0;
    while (k + 1 < whole && d[k] == '0')
        k++;
    if (neg)
        out[o++] = '-';
    if (whole == 0)
        out[o++] = '0';
    memcpy(out + o, d + k, whole - k);
    o += whole - k;
    if (places) {
        out[o++] = '.';
        for (long z = (long)nd; z < places; z++)
            out[o++] = '0';
        memcpy(out + o, d + whole, nd - whole);
        o += nd - whole;
    }
    return o;
}

/* Whether a number with an exponent is one no decimal holds written out
 * (1e400, 1e-50, 0E+40: past 36 digits before or after the point), as the
 * library judges it (ql_decimal_parse's QL_ERANGE).  Such a number is left
 * as written, so the record refuses it in the words it gives the same
 * text in a CSV field ("number too long … written out, it has …"),
 * never read as a plain form the library would not have read (0E+40 was
 * 0) nor refused in other words (1e50's 51 digits). */
static int too_long_written_out(const char *t, size_t n)
{
    ql_decimal d;
    ql_error e;
    return ql_decimal_parse(&d, t, n, &e) == QL_ERANGE;
}

static int out_put(jsonl_reader *r, const char *s, size_t n)
{
    if (buf_grow(&r->out, &r->ocap, r->olen + n + 1, 4096))
        return -1;
    memcpy(r->out + r->olen, s, n);
    r->olen += n;
    return 0;
}

typedef struct cursor {
    const char *s;
    size_t i, n;
    const char *err;
} cursor;

static void ws(cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
        c->i++;
}

static int hex4(cursor *c, unsigned *out)
{
    if (c->i + 4 > c->n)
        return -1;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char h = c->s[c->i++];
        v <<= 4;
        if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

/* A JSON string at c (after its opening quote) into r->out, NUL ended.
 * On an error c->i is the byte it is at: the control character, the
 * escape's backslash, or for a string not closed its opening quote. */
static int string(jsonl_reader *r, cursor *c, size_t *off, size_t *len)
{
    size_t open = c->i - 1, esc;
    *off = r->olen;
    while (c->i < c->n) {
        char ch = c->s[c->i++];
        if (ch == '"') {
            *len = r->olen - *off;
            return out_put(r, "", 1);
        }
        if ((unsigned char)ch < 0x20) {
            c->err = "a control character inside a string (escape it)";
            c->i--;
            return -1;
        }
        if (ch != '\\') {
            if (out_put(r, &ch, 1))
                return -1;
            continue;
        }
        if (c->i >= c->n)
            break;
        esc = c->i - 1;
        char e = c->s[c->i++];
        const char *map = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *k = strchr(map, e);
        if (e && k) {
            if (out_put(r, &to[k - map], 1))
                return -1;
            continue;
        }
        const char *bad = NULL;
        unsigned cp = 0, lo;
        if (e != 'u')
            bad = "an unknown escape in a string";
        else if (hex4(c, &cp))
            bad = "\\u needs four hex digits";
        else if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* a high half: a "\\u" low half must follow it */
            int pair = c->i + 2 <= c->n && c->s[c->i] == '\\' && c->s[c->i + 1] == 'u';
            if (pair)
                c->i += 2;
            if (!pair || hex4(c, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                bad = "a lone surrogate in \\u escapes";
            else
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF)
            bad = "a lone surrogate in \\u escapes";
        else if (cp == 0)
            bad = "a NUL character in a string";
        if (bad) {
            c->err = bad;
            c->i = esc;
            return -1;
        }
        char b[4];
        size_t bn = qli_utf8_encode(cp, b);
        if (out_put(r, b, bn))
            return -1;
    }
    c->err = "a string is not closed";
    c->i = open;
    return -1;
}

static int grow_keys(jsonl_reader *r, size_t n)
{
    if (n < r->kcap)
        return 0;
    size_t cap = r->kcap ? r->kcap * 2 : 32;
    size_t *a = realloc(r->koff, cap * sizeof *a);
    if (a) r->koff = a;
    size_t *b = realloc(r->voff, cap * sizeof *b);
    if (b) r->voff = b;
    size_t *l = realloc(r->vlens, cap * sizeof *l);
    if (l) r->vlens = l;
    int *z = realloc(r->isnull, cap * sizeof *z);
    if (z) r->isnull = z;
    int *vc = realloc(r->vcol, cap * sizeof *vc);
    if (vc) r->vcol = vc;
    const char **k = realloc(r->keys, cap * sizeof *k);
    if (k) r->keys = k;
    const char **v = realloc(r->vals, cap * sizeof *v);
    if (v) r->vals = v;
    if (!a || !b || !l || !z || !vc || !k || !v)
        return -1;
    r->kcap = cap;
    return 0;
}

static int parse(jsonl_reader *r, cursor *c, jsonl_record *rec)
{
    size_t n = 0;
    ws(c);
    if (c->i >= c->n || c->s[c->i] != '{') {
        c->err = "expected a JSON object '{…}'";
        return -1;
    }
    c->i++;
    ws(c);
    if (c->i < c->n && c->s[c->i] == '}') {
        c->i++;
        goto done;
    }
    for (;;) {
        ws(c);
        if (c->i >= c->n || c->s[c->i] != '"') {
            c->err = "expected a key in double quotes";
            return -1;
        }
        if (n >= JSONL_MAX_KEYS) {
            c->err = "more than 4096 keys";
            return -1;
        }
        size_t key_at = c->i++;
        if (grow_keys(r, n + 1))
            return -2;
        size_t klen;
        if (string(r, c, &r->koff[n], &klen))
            return -1;
        r->at_key = r->koff[n];
        if (duplicate_key(r, n, klen)) {
            /* a long key cut at a character, never inside one (the reject
             * line escapes what is left; the test programs link this file
             * without the library's internal quoting, lib/snippet.h) */
            const char *key = r->out + r->koff[n];
            int cut = klen > 64 ? 64 : (int)klen;
            while (cut > 0 && cut < (int)klen && ((unsigned char)key[cut] & 0xC0) == 0x80)
                cut--;
            snprintf(r->msg, sizeof r->msg,
                     "key '%.*s%s' appears twice in the record (a record names each field once)",
                     cut, key, (size_t)cut < klen ? "…" : "");
            c->err = r->msg;
            c->i = key_at; /* the second one */
            return -1;
        }
        ws(c);
        if (c->i >= c->n || c->s[c->i] != ':') {
            c->err = "expected ':' after a key";
            return -1;
        }
        c->i++;
        ws(c);
        r->isnull[n] = 0;
        r->vcol[n] = r->col_base + (int)c->i + 1;
        if (c->i < c->n && c->s[c->i] == '"') {
            c->i++;
            if (string(r, c, &r->voff[n], &r->vlens[n]))
                return -1;
            if (klen == 2 && !memcmp(r->out + r->koff[n], "id", 2))
                r->id_off = r->voff[n];
        } else if (c->i < c->n && (c->s[c->i] == '{' || c->s[c->i] == '[')) {
            c->err = "nested objects and arrays are not supported: a record is flat";
            return -1;
        } else {
            size_t s = c->i;
            while (c->i < c->n && c->s[c->i] != ',' && c->s[c->i] != '}' &&
                   c->s[c->i] != ' ' && c->s[c->i] != '\t')
                c->i++;
            size_t len = c->i - s;
            const char *t = c->s + s;
            if (len == 4 && !memcmp(t, "null", 4)) {
                r->isnull[n] = 1;
            } else if ((len == 4 && !memcmp(t, "true", 4)) ||
                       (len == 5 && !memcmp(t, "false", 5))) {
            } else if (len > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9'))) {
                /* numbers keep their exact text; the record checks them */
                if (!json_number(t, len)) {
                    c->err = "not a JSON number (RFC 8259: no leading zeros, and "
                             "digits on both sides of a '.' and after an 'e')";
                    c->i = s;
                    return -1;
                }
            } else {
                c->err = "expected a string, number, true, false or null";
                c->i = s;
                return -1;
            }
            char plain[JSONL_PLAIN_MAX];
            size_t plen = plain_number(t, len, plain);
            if (plen && !too_long_written_out(t, len))
                t = plain, len = plen;
            r->voff[n] = r->olen;
            r->vlens[n] = len;
            if (out_put(r, t, len) || out_put(r, "", 1))
                return -2;
            if (!r->isnull[n] && klen == 2 && !memcmp(r->out + r->koff[n], "id", 2))
                r->id_off = r->voff[n];
        }
        r->at_key = SIZE_MAX; /* the key is read whole */
        n++;
        ws(c);
        if (c->i < c->n && c->s[c->i] == ',') {
            c->i++;
            continue;
        }
        if (c->i < c->n && c->s[c->i] == '}') {
            c->i++;
            break;
        }
        c->err = "expected ',' or '}'";
        return -1;
    }
done:
    ws(c);
    if (c->i != c->n) {
        c->err = "text after the end of the object";
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        r->keys[k] = r->out + r->koff[k];
        r->vals[k] = r->isnull[k] ? NULL : r->out + r->voff[k];
    }
    rec->n = n;
    rec->key = r->keys;
    rec->val = r->vals;
    rec->vlen = r->vlens;
    rec->vcol = r->vcol;
    return 0;
}

int jsonl_next(jsonl_reader *r, jsonl_record *rec)
{
    memset(rec, 0, sizeof *rec);
    for (;;) {
        long n = read_line(r);
        r->line++;
        rec->line = r->line;
        if (n == -1)
            return 0;
        if (n == -2)
            return -2;
        if (n == -4) {
            snprintf(r->msg, sizeof r->msg,
                     "no line end in %u MiB: giving up (is this JSON Lines text?)",
                     JSONL_MAX_SKIP >> 20);
            rec->error = r->msg;
            return -2;
        }
        if (n == -3) {
            rec->error = "a line longer than 16 MiB";
            rec->error_column = 1;
            return -1;
        }
        r->col_base = 0;
        size_t k = 0;
        while (k < (size_t)n && (r->buf[k] == ' ' || r->buf[k] == '\t'))
            k++;
        if (k == (size_t)n)
            continue; /* a blank line holds no record */
        if (n - (long)k >= 3 && !memcmp(r->buf + k, "\xEF\xBB\xBF", 3)) {
            if (r->line == 1 && k == 0) {
                memmove(r->buf, r->buf + 3, (size_t)n - 2);
                n -= 3;
                r->col_base = 3; /* columns count the mark's bytes */
            } else { /* only a file starts with one: files joined together */
                rec->error = "a byte order mark (U+FEFF) at the start of the line: the "
                             "start of another file inside this one (files joined "
                             "together?); remove it";
                rec->error_column = (int)k + 1;
                return -1;
            }
        }
        cursor c = {r->buf, 0, (size_t)n, NULL};
        r->olen = 0;
        if (++r->records == 0) { /* wrapped: forget every old mark */
            memset(r->seen, 0, sizeof r->seen);
            r->records = 1;
        }
        r->at_key = r->id_off = SIZE_MAX;
        int st = parse(r, &c, rec);
        if (st == -2)
            return -2;
        if (st) {
            rec->error = c.err ? c.err : "malformed JSON";
            rec->error_column = r->col_base + (int)c.i + 1;
            /* what was read of the record before it broke: named */
            rec->error_field = r->at_key != SIZE_MAX ? r->out + r->at_key : NULL;
            rec->error_id = r->id_off != SIZE_MAX ? r->out + r->id_off : NULL;
            return -1;
        }
        return 1;
    }
}
