/*
 * jsontext.c — a record written as JSON text (the text and json forms),
 * checked and read into jsonb, so that every fault of one record's text is
 * that record's error and never ends the statement.
 *
 * PostgreSQL's own readers raise an ERROR on some texts that are only one
 * record's fault: its JSON parser recurses once per level of nesting
 * ("stack depth limit exceeded" past some thousands), numeric_in refuses
 * an exponent past ±1000 and a number of more than 131,072 digits or
 * 16,383 places ("value overflows numeric format"), and jsonb refuses a
 * string of 256 MiB.  A try_evaluate over a million rows must not end on
 * one such cell, so the text is scanned first in one loop without
 * recursion (scan_text), and what those readers would raise on is decided
 * here:
 *  - a text longer than QLPG_TEXT_MAX (the command's JSON Lines limit) or
 *    nested deeper than QLPG_TEXT_DEPTH_MAX is the record's error;
 *  - a number the command leaves as written (text_number_as_written) is
 *    read as the text it is written as, a JSON string: an input refuses
 *    it as the command does ("not a plain decimal number", "number too
 *    long … written out") and a key the rules do not read is passed
 *    over, as there.  That is also every number with an exponent that no
 *    decimal holds written out (0E+40, 1e50, 1e-50): numeric_in would
 *    read 0E+40 as 0, and jsonb keeps only the numeric.
 * Then the text, as UTF-8 (encoding.c), is parsed with error codes
 * (pg_parse_json, escapes decoded, so that a bad \u escape is the
 * record's error) straight into jsonb, as jsonb_in builds it, with
 * nothing left to raise on but the memory; its top level's keys are
 * checked (a key given twice, which the cast to jsonb would resolve
 * silently, the last one winning, is the record's error, as in the
 * command).
 */
#include "pg_quotalevy.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include <string.h>

/* ------------------------------------------------------------ the scan */

/* The longest plain form of a number with an exponent that is read as a
 * number: the command's (tools/quotalevy/jsonl.c, JSONL_PLAIN_MAX), so
 * that the same records levy or are refused in both. */
#define TEXT_PLAIN_MAX 160
/* A number without an exponent longer than this is read as its text: the
 * library refuses anything past 36 digits with the same message either
 * way, and numeric_in is never given a number it would raise on. */
#define TEXT_NUMBER_MAX 1000

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True when the JSON number t (n bytes, its syntax as the scan found it)
 * is to be read as the text it is written as: with an exponent, when its
 * plain form (digits, zeros, a sign and a point) is TEXT_PLAIN_MAX long
 * or longer, as the command reckons it, or when no decimal holds it
 * written out (ql_decimal_parse's QL_ERANGE, the rule of the command's
 * too_long_written_out: 0E+40 was 0 here, refused there); without, past
 * TEXT_NUMBER_MAX.  Text that is no JSON number is left to the parser to
 * refuse. */
static bool text_number_as_written(const char *t, size_t n)
{
    size_t i = t[0] == '-';
    size_t int0 = i;
    while (i < n && is_digit(t[i]))
        i++;
    size_t nint = i - int0, nfrac = 0;
    if (i < n && t[i] == '.') {
        size_t frac0 = ++i;
        while (i < n && is_digit(t[i]))
            i++;
        nfrac = i - frac0;
    }
    if (i == n || (t[i] != 'e' && t[i] != 'E'))
        return n > TEXT_NUMBER_MAX;
    i++;
    bool eneg = i < n && t[i] == '-';
    i += (size_t)(i < n && (t[i] == '-' || t[i] == '+'));
    long exp = 0;
    while (i < n && is_digit(t[i]) && exp < 100000)
        exp = exp * 10 + (t[i++] - '0');
    if (i != n || nint + nfrac >= TEXT_PLAIN_MAX)
        return true; /* an exponent of 100000 or more is too long as well */
    long places = (long)nfrac - (eneg ? -exp : exp);
    long zeros = places < 0 ? -places : 0;
    places = places < 0 ? 0 : places;
    if ((long)(nint + nfrac) + zeros + places + 3 >= TEXT_PLAIN_MAX)
        return true;
    ql_decimal d;
    ql_error e;
    return ql_decimal_parse(&d, t, n, &e) == QL_ERANGE;
}

/* What the scan found: the numbers to read as strings (byte offsets of
 * their starts and ends), or the record's error. */
typedef struct text_scan {
    int n, size;
    size_t *at; /* start, end, start, end, … */
} text_scan;

static void scan_keep(text_scan *sc, size_t start, size_t end)
{
    if (sc->n + 2 > sc->size) {
        sc->size = sc->size ? 2 * sc->size : 8;
        sc->at = sc->at ? repalloc(sc->at, sizeof(size_t) * sc->size)
                        : palloc(sizeof(size_t) * sc->size);
    }
    sc->at[sc->n++] = start;
    sc->at[sc->n++] = end;
}

/* The record's error for nesting past QLPG_TEXT_DEPTH_MAX inside the top
 * level's key s (n bytes, as written; none when n is 0). */
static bool too_deep(const char *s, size_t n, ql_error *err)
{
    char *shown = qlpg_shown(s, n, 64);
    ql_error_clear(err);
    err->code = QL_ERECORD;
    snprintf(err->field, sizeof err->field, "%s", shown);
    snprintf(
        err->message, sizeof err->message,
        "%s%s%snested more than %d levels deep: a record is flat (numbers, "
        "strings, booleans, null and lists of them)",
        n ? "key '" : "", n ? shown : "", n ? "' is " : "the record is ",
        QLPG_TEXT_DEPTH_MAX);
    return false;
}

/* Scans s (n bytes) for its depth and for the numbers in a value's place
 * (after ':', '[', or ',' in an array) to read as strings.  Returns false
 * with err set when the nesting is too deep.  Bytes that are not JSON are
 * passed over, for the parser to refuse: a number out of a value's place
 * is left as it is, so that no text becomes JSON by the quotes. */
static bool scan_text(const char *s, size_t n, text_scan *sc, ql_error *err)
{
    char kind[QLPG_TEXT_DEPTH_MAX + 1]; /* '{' or '[' at each depth */
    int depth = 0;
    char prev = 0;              /* the last byte outside strings and blanks */
    size_t key = 0, keylen = 0; /* the top level's current key */
    size_t str = 0, strn = 0;   /* the last string at depth 1 */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == '"') {
            size_t start = ++i;
            while (i < n && s[i] != '"')
                i += s[i] == '\\' ? 2 : 1;
            if (depth == 1)
                str = start, strn = (i < n ? i : n) - start;
        } else if (c == ':' && depth == 1) {
            key = str, keylen = strn;
        } else if (c == '{' || c == '[') {
            if (depth == QLPG_TEXT_DEPTH_MAX)
                return too_deep(s + key, keylen, err);
            kind[++depth] = c;
        } else if (c == '}' || c == ']') {
            depth -= depth > 0;
        } else if (c == '-' || is_digit(c)) {
            size_t start = i;
            while (i + 1 < n &&
                   (is_digit(s[i + 1]) || s[i + 1] == '.' || s[i + 1] == 'e' ||
                    s[i + 1] == 'E' || s[i + 1] == '+' || s[i + 1] == '-'))
                i++;
            bool value = prev == ':' || prev == '[' ||
                         (prev == ',' && depth > 0 && kind[depth] == '[') ||
                         (prev == 0 && depth == 0);
            if (value && text_number_as_written(s + start, i + 1 - start))
                scan_keep(sc, start, i + 1);
        }
        prev = c;
    }
    return true;
}

/* s with each kept number in quotes (palloc'd, NUL-terminated). */
static char *quote_numbers(const char *s, size_t n, const text_scan *sc)
{
    char *out = palloc(n + (size_t)sc->n + 1), *o = out;
    size_t from = 0;
    for (int k = 0; k < sc->n; k += 2) {
        memcpy(o, s + from, sc->at[k] - from);
        o += sc->at[k] - from;
        *o++ = '"';
        memcpy(o, s + sc->at[k], sc->at[k + 1] - sc->at[k]);
        o += sc->at[k + 1] - sc->at[k];
        *o++ = '"';
        from = sc->at[k + 1];
    }
    memcpy(o, s + from, n - from);
    o[n - from] = '\0';
    return out;
}

/* ------------------------------------------------ \u escapes, as UTF-8 */

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The code point of the escape "\uXXXX" at s[i] (i + 6 <= n), else -1. */
static long escape_at(const char *s, size_t i, size_t n)
{
    if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
        return -1;
    long cp = 0;
    for (int k = 2; k < 6; k++) {
        int d = hex_digit(s[i + k]);
        if (d < 0)
            return -1;
        cp = cp * 16 + d;
    }
    return cp;
}

/* s (n bytes of UTF-8) with each \u escape of a character past ASCII
 * written as that character's UTF-8 (a surrogate pair as the one it
 * makes), into *out (palloc'd): PostgreSQL's JSON parser turns an escape
 * into the server's encoding, and raises, ending the statement, for one
 * the encoding cannot hold — while here every string is UTF-8.  Escapes
 * of ASCII (\u0022, controls) and lone surrogates stay, for the parser. */
static size_t utf8_escapes(const char *s, size_t n, char **out)
{
    char *o = palloc(n + 1), *start = o;
    bool in_string = false;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '"') {
            in_string = !in_string;
        } else if (c == '\\' && in_string) {
            long cp = escape_at(s, i, n), lo = escape_at(s, i + 6, n);
            size_t used = 6;
            if (cp >= 0xD800 && cp <= 0xDBFF && lo >= 0xDC00 && lo <= 0xDFFF)
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), used = 12;
            else if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = -1;
            if (cp < 0x80) { /* not one to decode: the escape as written */
                size_t w = i + 1 < n ? 2 : 1;
                memcpy(o, s + i, w);
                o += w, i += w;
                continue;
            }
            o = (char *)unicode_to_utf8((pg_wchar)cp, (unsigned char *)o);
            o += pg_utf_mblen((unsigned char *)o);
            i += used;
            continue;
        }
        *o++ = c;
        i++;
    }
    *o = '\0';
    *out = start;
    return (size_t)(o - start);
}

/* ------------------------------------------ the parse, into jsonb at once */

/* The parse's state: the jsonb being built (as jsonb_in builds it) and
 * the top level's keys, collected to find one given twice. */
typedef struct text_parse {
    JsonbParseState *ps;
    JsonbValue *res;
    int depth;
    int n, size;
    char **keys;
} text_parse;

static void tp_object_start(void *state)
{
    text_parse *p = state;
    p->depth++;
    p->res = pushJsonbValue(&p->ps, WJB_BEGIN_OBJECT, NULL);
}
static void tp_object_end(void *state)
{
    text_parse *p = state;
    p->depth--;
    p->res = pushJsonbValue(&p->ps, WJB_END_OBJECT, NULL);
}
static void tp_array_start(void *state)
{
    text_parse *p = state;
    p->depth++;
    p->res = pushJsonbValue(&p->ps, WJB_BEGIN_ARRAY, NULL);
}
static void tp_array_end(void *state)
{
    text_parse *p = state;
    p->depth--;
    p->res = pushJsonbValue(&p->ps, WJB_END_ARRAY, NULL);
}

static void tp_field(void *state, char *fname, bool isnull)
{
    text_parse *p = state;
    JsonbValue v;
    (void)isnull;
    v.type = jbvString;
    v.val.string.val = fname;
    v.val.string.len = (int)strlen(fname);
    p->res = pushJsonbValue(&p->ps, WJB_KEY, &v);
    if (p->depth != 1)
        return;
    if (p->n == p->size) {
        p->size = p->size ? 2 * p->size : 32;
        p->keys = p->keys ? repalloc(p->keys, sizeof(char *) * p->size)
                          : palloc(sizeof(char *) * p->size);
    }
    p->keys[p->n++] = fname;
}

/* A scalar, as jsonb_in reads it (a number is never one numeric_in
 * raises on: the scan has quoted those). */
static void tp_scalar(void *state, char *token, JsonTokenType type)
{
    text_parse *p = state;
    JsonbValue v;
    switch (type) {
    case JSON_TOKEN_STRING:
        v.type = jbvString;
        v.val.string.val = token;
        v.val.string.len = (int)strlen(token);
        break;
    case JSON_TOKEN_NUMBER:
        v.type = jbvNumeric;
        v.val.numeric = DatumGetNumeric(DirectFunctionCall3(
            numeric_in, CStringGetDatum(token), ObjectIdGetDatum(InvalidOid),
            Int32GetDatum(-1)));
        break;
    case JSON_TOKEN_TRUE:
    case JSON_TOKEN_FALSE:
        v.type = jbvBool;
        v.val.boolean = type == JSON_TOKEN_TRUE;
        break;
    default: v.type = jbvNull; break;
    }
    if (!p->ps) { /* a scalar alone: jsonb's one-element raw array */
        JsonbValue a;
        a.type = jbvArray;
        a.val.array.rawScalar = true;
        a.val.array.nElems = 1;
        pushJsonbValue(&p->ps, WJB_BEGIN_ARRAY, &a);
        pushJsonbValue(&p->ps, WJB_ELEM, &v);
        p->res = pushJsonbValue(&p->ps, WJB_END_ARRAY, NULL);
    } else
        p->res = pushJsonbValue(
            &p->ps, p->ps->contVal.type == jbvArray ? WJB_ELEM : WJB_VALUE, &v);
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The record's error when a top-level key is given twice. */
static bool keys_twice(text_parse *k, ql_error *err)
{
    if (k->n < 2)
        return false;
    qsort(k->keys, (size_t)k->n, sizeof(char *), cmp_key);
    for (int i = 1; i < k->n; i++)
        if (!strcmp(k->keys[i - 1], k->keys[i])) {
            char *shown = qlpg_shown(k->keys[i], strlen(k->keys[i]), 64);
            snprintf(err->field, sizeof err->field, "%s", shown);
            snprintf(err->message, sizeof err->message,
                     "key '%s' appears twice in the record (a record names "
                     "each field once; as jsonb only the last would be kept)",
                     shown);
            return true;
        }
    return false;
}

ql_status qlpg_jsonb_from_text(text *t, Jsonb **out, ql_error *err)
{
    size_t n = VARSIZE_ANY_EXHDR(t);
    ql_error_clear(err);
    err->code = QL_ERECORD;
    if (n > QLPG_TEXT_MAX) {
        snprintf(err->message, sizeof err->message,
                 "the record's text is %zu bytes, more than the %d MiB a "
                 "record may have (as in the command's JSON Lines)",
                 n, QLPG_TEXT_MAX >> 20);
        return QL_ERECORD;
    }
    /* read as UTF-8, the extension's text (encoding.c), so that a \u
     * escape is the character it names in any database's encoding and
     * the keys and strings are the library's already */
    char *s = qlpg_in(VARDATA_ANY(t), n, &n);
    if (GetDatabaseEncoding() != PG_UTF8)
        n = utf8_escapes(s, n, &s);
    else
        s = pnstrdup(s, n);
    text_scan sc = {0};
    if (!scan_text(s, n, &sc, err))
        return QL_ERECORD;
    if (sc.n)
        s = quote_numbers(s, n, &sc), n += (size_t)sc.n;
    text_parse p = {0};
    JsonSemAction sem = {0};
    sem.semstate = &p;
    sem.object_start = tp_object_start;
    sem.object_end = tp_object_end;
    sem.array_start = tp_array_start;
    sem.array_end = tp_array_end;
    sem.object_field_start = tp_field;
    sem.scalar = tp_scalar;
    JsonLexContext *lex =
        makeJsonLexContextCstringLen(s, (int)n, PG_UTF8, true);
    JsonParseErrorType pe = pg_parse_json(lex, &sem);
    if (pe != JSON_SUCCESS) {
        snprintf(err->message, sizeof err->message,
                 "the record is not JSON: %s", json_errdetail(pe, lex));
        return QL_ERECORD;
    }
    if (keys_twice(&p, err))
        return QL_ERECORD;
    *out = JsonbValueToJsonb(p.res);
    ql_error_clear(err);
    return QL_OK;
}
