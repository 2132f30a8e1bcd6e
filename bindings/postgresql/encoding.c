/*
 * encoding.c — text between the database's encoding and the library's
 * UTF-8.
 *
 * The library reads and writes UTF-8 only; a database may be in LATIN1,
 * WIN1252, EUC_JP, … .  Inside the extension every string is UTF-8: text
 * is converted on its way in (rule files and names, overrides, a record's
 * keys, column names and values) and on its way out (results, the other
 * functions' text, messages).  Every server encoding converts to UTF-8,
 * so nothing is refused on the way in; on the way out a character the
 * database's encoding has no equivalent for (a Chinese output name in a
 * LATIN1 database) is refused where it is data (qlpg_out) and shown as
 * \uXXXX where it is prose a person reads (qlpg_out_prose: messages,
 * descriptions, citations, explain), so no message can fail half-way
 * with an encoding error of its own.
 *
 * In a UTF8 database, and for text of ASCII alone (all server encodings
 * are ASCII supersets), nothing is converted or copied.  SQL_ASCII
 * declares no encoding: its bytes are passed as they are, and the
 * library refuses what is not UTF-8 in its own words.
 */
#include "pg_quotalevy.h"

#include "catalog/namespace.h"
#include "mb/pg_wchar.h"

#include <string.h>

/* True when s (n bytes) needs no conversion either way. */
static bool as_is(const char *s, size_t n)
{
    int enc = GetDatabaseEncoding();
    if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
        return true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

char *qlpg_in(const char *s, size_t n, size_t *outlen)
{
    if (as_is(s, n)) {
        *outlen = n;
        return (char *)s;
    }
    char *u = pg_server_to_any(s, (int)n, PG_UTF8);
    *outlen = strlen(u);
    return u;
}

char *qlpg_in_cstr(const char *s)
{
    size_t n;
    char *u = qlpg_in(s, strlen(s), &n);
    return u == s ? (char *)s : u;
}

/* Converts s (n bytes of UTF-8) into the server's encoding, as far as it
 * goes: into *out (palloc'd, NUL-ended), the bytes of s converted in
 * *done.  Stops before the first character the encoding has no
 * equivalent for. */
static void convert_some(const char *s, size_t n, char **out, size_t *outlen,
                         size_t *done)
{
    int enc = GetDatabaseEncoding();
    Oid proc = FindDefaultConversionProc(PG_UTF8, enc);
    /* a character grows at most MAX_CONVERSION_GROWTH times */
    size_t size = n * MAX_CONVERSION_GROWTH + 1;
    unsigned char *buf = palloc(size);
    buf[0] = '\0';
    int used = OidIsValid(proc)
                   ? pg_do_encoding_conversion_buf(proc, PG_UTF8, enc,
                                                   (unsigned char *)s, (int)n,
                                                   buf, (int)size, true)
                   : 0;
    *out = (char *)buf;
    *outlen = strlen((char *)buf);
    *done = (size_t)used;
}

/* The bytes of the UTF-8 character at s (n > 0 bytes left), at least 1. */
static size_t char_len(const char *s, size_t n)
{
    size_t len = (size_t)pg_utf_mblen((const unsigned char *)s);
    return len < 1 ? 1 : len > n ? n : len;
}

bool qlpg_out_fits(const char *s, size_t n, unsigned *code)
{
    if (as_is(s, n))
        return true;
    char *out;
    size_t outlen, done;
    convert_some(s, n, &out, &outlen, &done);
    pfree(out);
    if (done < n)
        *code = (unsigned)utf8_to_unicode((const unsigned char *)(s + done));
    return done == n;
}

char *qlpg_out(const char *s, size_t n, size_t *outlen, const char *what,
               const char *name)
{
    if (as_is(s, n)) {
        *outlen = n;
        return (char *)s;
    }
    char *out;
    size_t done;
    convert_some(s, n, &out, outlen, &done);
    if (done < n) {
        size_t len = char_len(s + done, n - done);
        pg_wchar c = utf8_to_unicode((const unsigned char *)(s + done));
        ereport(ERROR,
                (errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
                 qlpg_errmsg(
                     "%s%s%s%s has the character U+%04X, which the database's "
                     "encoding %s has no equivalent for",
                     what, name ? " '" : "",
                     name ? qlpg_shown(name, strlen(name), 64) : "",
                     name ? "'" : "", (unsigned)c, GetDatabaseEncodingName()),
                 qlpg_errdetail("The text is '%s'.", qlpg_shown(s, n, 120)),
                 errhint("Keep data with such characters in a database created "
                         "with ENCODING 'UTF8'.")));
        (void)len;
    }
    return out;
}

/* The ASCII the punctuation of messages and explain's text stands for
 * where the encoding lacks it (LATIN1 has no dash, no ellipsis, no
 * arrow); NULL for any other character — quotes included, so that no
 * name shown between quotes can seem to close them. */
static const char *ascii_for(pg_wchar c)
{
    switch (c) {
    case 0x2013:
    case 0x2014: return "-";
    case 0x2026: return "...";
    case 0x2192: return "->";
    case 0x2264: return "<=";
    case 0x2265: return ">=";
    case 0x2260: return "!=";
    default: return NULL;
    }
}

char *qlpg_out_prose(const char *s)
{
    size_t n = strlen(s);
    if (as_is(s, n))
        return (char *)s;
    StringInfoData b;
    initStringInfo(&b);
    while (n > 0) {
        char *out;
        size_t outlen, done;
        convert_some(s, n, &out, &outlen, &done);
        appendBinaryStringInfo(&b, out, (int)outlen);
        pfree(out);
        s += done, n -= done;
        if (n == 0)
            break;
        /* a character the encoding lacks: the punctuation of the
         * library's and the extension's own words as its ASCII stand-in,
         * anything else by its number, as messages show what cannot be
         * printed */
        size_t len = char_len(s, n);
        pg_wchar c = len > 1 ? utf8_to_unicode((const unsigned char *)s)
                             : (unsigned char)*s;
        const char *ascii = ascii_for(c);
        if (ascii)
            appendStringInfoString(&b, ascii);
        else if (len == 1 || c > 0x10FFFF)
            appendStringInfo(&b, "\\x%02X", (unsigned char)*s);
        else
            appendStringInfo(&b, c > 0xFFFF ? "\\U%08X" : "\\u%04X",
                             (unsigned)c);
        s += len, n -= len;
    }
    return b.data;
}

Jsonb *qlpg_jsonb_in(Jsonb *jb)
{
    int enc = GetDatabaseEncoding();
    if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
        return jb;
    /* rebuilt token by token, each key and string converted (jsonb keeps
     * keys sorted by length, then bytes: pushJsonbValue sorts them anew) */
    JsonbParseState *ps = NULL;
    JsonbValue *res = NULL, v;
    JsonbIterator *it = JsonbIteratorInit(&jb->root);
    JsonbIteratorToken tok;
    while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
        if (tok == WJB_BEGIN_ARRAY) {
            res = pushJsonbValue(&ps, tok, &v); /* rawScalar kept */
            continue;
        }
        if (tok == WJB_BEGIN_OBJECT || tok == WJB_END_OBJECT ||
            tok == WJB_END_ARRAY) {
            res = pushJsonbValue(&ps, tok, NULL);
            continue;
        }
        if (v.type == jbvString) {
            size_t n;
            v.val.string.val =
                qlpg_in(v.val.string.val, (size_t)v.val.string.len, &n);
            v.val.string.len = (int)n;
        }
        res = pushJsonbValue(&ps, tok, &v);
    }
    return JsonbValueToJsonb(res);
}
