/*
 * error.c — filling and formatting ql_error reports.  Errors are values
 * owned by the caller, never global state, so threads never share them.
 */
#include "decimal.h"
#include "snippet.h"
#include "util.h"
#include "value.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char qli_msg_oom[] = "out of memory";

size_t qli_utf8_cut(const char *s, size_t n)
{
    size_t k = n; /* back over the continuation bytes to their lead byte */
    while (k > 0 && n - k < 3 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
        k--;
    if (k == 0)
        return n; /* not UTF-8: nothing to keep whole */
    unsigned lead = (unsigned char)s[k - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return n - (k - 1) < need ? k - 1 : n;
}

size_t qli_text_out(const char *s, size_t n, char *buf, size_t size)
{
    if (buf && size > 0) {
        size_t c = n < size - 1 ? n : qli_utf8_cut(s, size - 1);
        memcpy(buf, s, c);
        buf[c] = '\0';
    }
    return n;
}

void ql_error_clear(ql_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

/* src into dst, with each character a message must not show as itself
 * escaped as snippet.h says (controls as \n, \t, \r, \xNN; a byte that
 * is not UTF-8 as \xNN; U+00A0, U+200B, bidi controls, noncharacters as
 * \uXXXX): a name, value or path in a message (a rules file's key
 * holding a newline, an `extends` path ending in one, a Latin-1 file
 * name) never forges a line of the caller's output nor makes it invalid
 * UTF-8, whichever site formatted it. */
void qli_message_clean(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0, len, all = 0, o = 0;
    char esc[QLI_SNIP_ESC];
    if (!dst || size == 0)
        return;
    for (size_t i = 0; i < n; i += len)
        all += qli_snip_char(src + i, n - i, 0, &len, esc);
    /* too long: whole characters (or escapes) up to room for "…" */
    size_t room = all < size ? all : size > 4 ? size - 4 : 0;
    for (size_t i = 0; i < n; i += len) {
        size_t w = qli_snip_char(src + i, n - i, 0, &len, esc);
        if (o + w > room)
            break;
        memcpy(dst + o, esc, w);
        o += w;
    }
    if (all >= size && size > 4)
        memcpy(dst + o, "\xE2\x80\xA6", 3), o += 3;
    dst[o] = '\0';
}

/* A file's name into err->file: only its controls escaped (\n, \t, \r,
 * \xNN), so it never forges a line, but its other bytes kept as they are
 * (a Latin-1 name too), since a binding hands the name back as a path to
 * open (Python's RulesError.file); ql_error_format's text then shows the
 * bytes that are not UTF-8 escaped.  Cut at a character, as a message. */
static void copy_file(char *dst, size_t size, const char *src)
{
    size_t o = 0, room = size - 1;
    int cut = 0;
    for (const char *p = src ? src : ""; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char esc[8];
        size_t w = 1;
        if (c < 0x20 || c == 0x7F)
            w = c == '\n' || c == '\t' || c == '\r'
                    ? (size_t)snprintf(esc, sizeof esc, "\\%c",
                                       c == '\n' ? 'n' : c == '\t' ? 't' : 'r')
                    : (size_t)snprintf(esc, sizeof esc, "\\x%02X", c);
        else
            esc[0] = (char)c;
        if (o + w > room) {
            cut = 1;
            break;
        }
        memcpy(dst + o, esc, w);
        o += w;
    }
    if (cut) /* not inside a character */
        o = qli_utf8_cut(dst, o);
    dst[o] = '\0';
}

ql_status qli_vfail(ql_error *err, ql_status code, const char *file, int line,
                   int column, const char *prefix, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->line = line;
    err->column = column;
    copy_file(err->file, sizeof err->file, file);
    char tmp[QL_ERROR_MESSAGE_MAX * 2];
    int n = prefix ? snprintf(tmp, sizeof tmp, "%s: ", prefix) : 0;
    vsnprintf(tmp + n, sizeof tmp - (size_t)n, fmt, ap);
    qli_message_clean(err->message, sizeof err->message, tmp);
    return code;
}

ql_status qli_fail(ql_error *err, ql_status code, const char *file, int line,
                  int column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qli_vfail(err, code, file, line, column, NULL, fmt, ap);
    va_end(ap);
    return code;
}

void qli_error_set_field(ql_error *err, const char *field)
{
    if (err)
        qli_message_clean(err->field, sizeof err->field, field);
}

/* Whether message m[0, ml) already names the element f[0, fl) by its
 * kind: "field 'f'", "parameter 'f'", "parameter called 'f'".  Then the
 * "field 'f': " prefix would only repeat it, and for a parameter (an
 * override's error) would call it what it is not (probe7 P7-04). */
static int names_it(const char *m, int ml, const char *f, int fl)
{
    static const char *const kinds[] = {"field ", "parameter ", "parameter called "};
    for (int i = 0; i + fl + 2 <= ml; i++) {
        if (m[i] != '\'' || memcmp(m + i + 1, f, (size_t)fl) || m[i + 1 + fl] != '\'')
            continue;
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
            int kl = (int)strlen(kinds[k]);
            if (i >= kl && !memcmp(m + i - kl, kinds[k], (size_t)kl))
                return 1;
        }
    }
    return 0;
}

/* A member of a caller's ql_error (n bytes at most, not necessarily NUL
 * terminated) as ql_error_format shows it: through qli_message_clean,
 * into out (4 n + 1 bytes: an escape is at most 4 bytes a byte). */
static size_t shown_member(char *out, size_t size, const char *s, size_t n)
{
    char raw[QL_ERROR_FILE_MAX + QL_ERROR_MESSAGE_MAX + 1];
    size_t len = strnlen(s, n < sizeof raw - 1 ? n : sizeof raw - 1);
    memcpy(raw, s, len);
    raw[len] = '\0';
    qli_message_clean(out, size, raw);
    return strlen(out);
}

size_t ql_error_format(char *buf, size_t size, const ql_error *err)
{
    /* every member shown escaped, as the library's own messages are: a
     * binding's or a caller's message with a control or a byte that is
     * not UTF-8 in it (a key cut by "%.200s") still gives one line of
     * UTF-8 (a file's name keeps its bytes in err->file, to be opened) */
    char file[QL_ERROR_FILE_MAX * 4 + 1], field[QL_ERROR_FIELD_MAX * 4 + 1],
        msg[QL_ERROR_MESSAGE_MAX * 4 + 1];
    char tmp[sizeof file + sizeof field + sizeof msg + 64];
    int n;
    if (!err)
        n = snprintf(tmp, sizeof tmp, "(no error)");
    else {
        /* bounded reads: a caller's struct need not be NUL terminated */
        int fl = (int)shown_member(file, sizeof file, err->file, sizeof err->file);
        int dl = (int)shown_member(field, sizeof field, err->field, sizeof err->field);
        int ml = (int)shown_member(msg, sizeof msg, err->message, sizeof err->message);
        if (fl && err->line > 0)
            n = snprintf(tmp, sizeof tmp, "%.*s:%d:%d: %.*s", fl, file, err->line,
                         err->column, ml, msg);
        else if (fl)
            n = snprintf(tmp, sizeof tmp, "%.*s: %.*s", fl, file, ml, msg);
        else if (dl && !names_it(msg, ml, field, dl))
            n = snprintf(tmp, sizeof tmp, "field '%.*s': %.*s", dl, field, ml, msg);
        else
            n = snprintf(tmp, sizeof tmp, "%.*s", ml, msg);
    }
    if (n < 0)
        n = 0;
    return qli_text_out(tmp, (size_t)n, buf, size);
}

const char *ql_status_name(ql_status code)
{
    switch (code) {
    case QL_OK: return "QL_OK";
    case QL_EINVAL: return "QL_EINVAL";
    case QL_ENOMEM: return "QL_ENOMEM";
    case QL_EIO: return "QL_EIO";
    case QL_EPARSE: return "QL_EPARSE";
    case QL_ESCHEMA: return "QL_ESCHEMA";
    case QL_ETYPE: return "QL_ETYPE";
    case QL_ENAME: return "QL_ENAME";
    case QL_ERANGE: return "QL_ERANGE";
    case QL_ERECORD: return "QL_ERECORD";
    case QL_ENODATA: return "QL_ENODATA";
    case QL_ELIMIT: return "QL_ELIMIT";
    }
    return "QL_UNKNOWN";
}

const char *qli_qd_message(int st)
{
    switch (st) {
    case QD_OVERFLOW: return "arithmetic overflow: the result needs more than " QL_STR(QD_DIGITS) " digits before the point";
    case QD_DIVZERO: return "division by zero";
    case QD_SYNTAX: return "not a plain decimal number (expected digits with an optional sign and decimal point, e.g. 12.75)";
    case QD_TOOLONG: return "number too long: at most " QL_STR(QD_DIGITS) " significant digits and " QL_STR(QD_MAX_SCALE) " digits after the point";
    case QD_INEXACT: return "the exact result needs more than " QL_STR(QD_DIGITS) " significant digits or " QL_STR(QD_MAX_SCALE) " digits after the point (round an operand first)";
    case QD_CUT: return "a quotient cut at its last place (its exact value has more digits) cannot be rounded or compared there exactly";
    }
    return "decimal error";
}

const char *qli_qd_text_message(int st, const char *s, size_t len, char *buf,
                                size_t size)
{
    long before = 0, after = 0;
    int kind = st == QD_SYNTAX ? qli_qd_exponent_too_long(s, len, &before, &after) : 0;
    if (!kind) {
        snprintf(buf, size, "%s", qli_qd_message(st));
        return buf;
    }
    if (kind == 2) { /* a zero: its exponent alone is out of range */
        snprintf(buf, size,
                 "%s (its exponent, %s%ld, puts the point past the " QL_STR(
                     QD_DIGITS) " digits a decimal holds before it)",
                 qli_qd_message(QD_TOOLONG), before > QD_EXPONENT_SHOWN_MAX ? "more than " : "",
                 before > QD_EXPONENT_SHOWN_MAX ? QD_EXPONENT_SHOWN_MAX : before);
        return buf;
    }
    char b[64] = "", a[64] = "";
    if (before)
        snprintf(b, sizeof b, "%s%ld %s before the point",
                 before > QD_EXPONENT_SHOWN_MAX ? "more than " : "",
                 before > QD_EXPONENT_SHOWN_MAX ? QD_EXPONENT_SHOWN_MAX : before,
                 before == 1 ? "digit" : "digits");
    if (after)
        snprintf(a, sizeof a, "%s%ld %s after %s",
                 after > QD_EXPONENT_SHOWN_MAX ? "more than " : "",
                 after > QD_EXPONENT_SHOWN_MAX ? QD_EXPONENT_SHOWN_MAX : after,
                 after == 1 ? "digit" : "digits", before ? "it" : "the point");
    snprintf(buf, size, "%s (written out, it has %s%s%s)", qli_qd_message(QD_TOOLONG),
             b, b[0] && a[0] ? " and " : "", a);
    return buf;
}

int qli_diag_note(ql_diag *d, const ql_error *err, ql_status st)
{
    if (!d || d->stopped || st == QL_ENOMEM || st == QL_OK)
        return 0;
    if (d->total == 0) {
        d->first = st;
        if (d->first_err && err)
            *d->first_err = *err;
    }
    if (d->n < d->max && err)
        d->errs[d->n++] = *err;
    d->total++;
    if (d->cb && err && d->cb(err, d->payload)) {
        d->stopped = 1;
        return 0;
    }
    return 1;
}

/* The longest names compared for "did you mean": a longer one is never
 * suggested, nor answered (the distance rows below have this bound). */
#define SUGGEST_MAX 64

/* Optimal string alignment distance of a and b (n, m bytes), or a value
 * past `limit` as soon as it must be: for "did you mean" only.  Three
 * rows of the table (the one before last, for two swapped letters): a
 * few hundred bytes of stack, as a loader called on a small thread
 * stack needs. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m,
                            size_t limit)
{
    if (n > SUGGEST_MAX || m > SUGGEST_MAX)
        return limit + 1;
    unsigned char row[3][SUGGEST_MAX + 1]; /* i − 2, i − 1, i */
    unsigned char *pp = row[0], *prev = row[1], *cur = row[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (unsigned char)j;
    for (size_t i = 1; i <= n; i++) {
        size_t row_min = cur[0] = (unsigned char)i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = prev[j] + 1u;
            if (cur[j - 1] + 1u < v)
                v = cur[j - 1] + 1u;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1u < v)
                v = pp[j - 2] + 1u; /* two letters swapped */
            cur[j] = (unsigned char)v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > limit)
            return limit + 1;
        unsigned char *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

void qli_suggest_init(qli_suggest *s, const char *word, size_t len)
{
    s->word = word;
    s->len = len;
    s->best = NULL;
    /* a third of the word's letters may be wrong, at least one */
    s->dist = len / 3 < 1 ? 2 : len / 3 + 1;
}

void qli_suggest_try(qli_suggest *s, const char *candidate)
{
    size_t n = strlen(candidate);
    size_t d = edit_distance(s->word, s->len, candidate, n, s->dist - 1);
    if (d < s->dist && d > 0) {
        s->dist = d;
        s->best = candidate;
    }
}

const char *qli_suggest_text(const qli_suggest *s, char *buf, size_t size)
{
    if (!s->best)
        return "";
    /* "; did you mean " and "?" around a quote that fits what is left */
    char q[QLI_SNIP_SIZE];
    size_t room = size > 18 ? size - 17 : 1;
    qli_snip(q, room < sizeof q ? room : sizeof q, s->best, strlen(s->best), '\'', 0);
    snprintf(buf, size, "; did you mean %s?", q);
    return buf;
}

const char *qli_enum_suggest(const enum_def *en, const char *text,
                             size_t len, char *buf, size_t size)
{
    qli_suggest s;
    qli_suggest_init(&s, text, len);
    for (size_t k = 0; k < en->n; k++)
        if (en->lens[k] == len && !strncasecmp(en->values[k], text, len)) {
            s.best = en->values[k]; /* 'Agency', 'AGENCY' for 'agency' */
            return qli_suggest_text(&s, buf, size);
        }
    for (size_t k = 0; len >= 3 && k < en->n; k++) /* 'c' is no slip of 'a' */
        qli_suggest_try(&s, en->values[k]);
    return qli_suggest_text(&s, buf, size);
}
