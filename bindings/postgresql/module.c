/*
 * module.c — the extension module: its magic, its start, and how a library
 * error becomes a PostgreSQL error (an SQLSTATE a program can test, the
 * library's message, the field and the rules-file location in DETAIL),
 * and names, keys and ids as a message shows them.
 */
#include "pg_quotalevy.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/elog.h"

#include "lookalike.h"

PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void)
{
    qlpg_cache_init();
}

int qlpg_sqlstate(ql_status st)
{
    switch (st) {
    case QL_EINVAL: return ERRCODE_INVALID_PARAMETER_VALUE;
    case QL_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
    case QL_EIO: return ERRCODE_UNDEFINED_OBJECT; /* an unknown rule file */
    case QL_EPARSE: return ERRCODE_SYNTAX_ERROR;
    case QL_ESCHEMA: return ERRCODE_INVALID_OBJECT_DEFINITION;
    case QL_ETYPE: return ERRCODE_DATATYPE_MISMATCH;
    case QL_ENAME: return ERRCODE_UNDEFINED_OBJECT;
    case QL_ERANGE: return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
    case QL_ERECORD: return ERRCODE_INVALID_PARAMETER_VALUE;
    case QL_ENODATA: return ERRCODE_NO_DATA_FOUND;
    case QL_ELIMIT: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
    default: return ERRCODE_INTERNAL_ERROR;
    }
}

void qlpg_raise(ql_status st, const ql_error *err, const char *what)
{
    qlpg_raise_at(st, err, what, NULL);
}

/* Appends ", " and a part to the DETAIL being built. */
static void detail_part(StringInfo b, const char *fmt, const char *arg)
{
    if (!arg || !arg[0])
        return;
    appendStringInfoString(b, ", ");
    appendStringInfo(b, fmt, arg);
}

void qlpg_raise_at(ql_status st, const ql_error *err, const char *what,
                   const qlpg_where *w)
{
    char rule[QL_ERROR_FILE_MAX + 64] = "";
    if (w && w->rule[0])
        snprintf(rule, sizeof rule, "%s", w->rule);
    else if (err && err->file[0]) {
        if (err->line)
            snprintf(rule, sizeof rule, "%s:%d:%d", err->file, err->line,
                     err->column);
        else
            snprintf(rule, sizeof rule, "%s", err->file);
    }
    StringInfoData b;
    initStringInfo(&b);
    appendStringInfo(&b, "status %s", ql_status_name(st));
    if (w) {
        detail_part(&b, "table %s", w->table);
        detail_part(&b, "row %s", w->row);
        detail_part(&b, "%s", w->field);
    } else if (err && err->field[0]) {
        char f[QL_ERROR_FIELD_MAX + 16];
        snprintf(f, sizeof f, "field \"%s\"", err->field);
        detail_part(&b, "%s", f);
    }
    detail_part(&b, "rule at %s", rule);
    ereport(ERROR,
            (errcode(qlpg_sqlstate(st)),
             qlpg_errmsg("%s: %s", what, err && err->message[0] ? err->message
                                                            : ql_status_name(st)),
             qlpg_errdetail("%s", b.data)));
    pg_unreachable();
}

/* A character a message escapes: a control, or one that prints as
 * nothing or as a blank other than the ASCII space (the command's table,
 * lookalike.h, linked from the hidden near-miss library). */
static bool unseen_char(int32 c)
{
    return c < 0x20 || c == 0x7F || cp_invisible(c);
}

size_t qlpg_shown_into(char *buf, size_t size, const char *s, size_t n,
                       size_t max)
{
    /* s is UTF-8, as all text inside the extension (encoding.c) */
    const char *more = "…";
    size_t i = 0, len = 1, o = 0;
    if (size == 0)
        return 0;
    while (i < n && i < max) {
        int32 c = utf8_decode(s + i, n - i, &len);
        bool hide = c < 0 || unseen_char(c);
        char esc[16];
        const char *piece = esc;
        size_t w;
        if (!hide && c != '\\' && c != '"' && c != '\'')
            piece = s + i, w = len;
        else if (!hide) /* a quote or a backslash: never the end of a quote */
            w = (size_t)snprintf(esc, sizeof esc, "\\%c", (char)c);
        else if (c == '\n' || c == '\r' || c == '\t')
            w = (size_t)snprintf(esc, sizeof esc, "\\%c",
                                 c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        else if (c < 0x80) /* an ASCII control, or not UTF-8 (c < 0) */
            w = (size_t)snprintf(esc, sizeof esc, "\\x%02X", (unsigned char)s[i]);
        else
            w = (size_t)snprintf(esc, sizeof esc, c > 0xFFFF ? "\\U%08X" : "\\u%04X",
                                 (unsigned)c);
        if (o + w + strlen(more) + 1 > size)
            break; /* cut whole, before a character */
        memcpy(buf + o, piece, w);
        o += w;
        i += len;
    }
    if (i < n) {
        memcpy(buf + o, more, strlen(more));
        o += strlen(more);
    }
    buf[o] = '\0';
    return o;
}

char *qlpg_shown(const char *s, size_t n, size_t max)
{
    size_t shown = n < max ? n : max;
    size_t size = shown * 10 + 8; /* every byte an escape at worst, and "…" */
    char *buf = palloc(size);
    qlpg_shown_into(buf, size, s, n, max);
    return buf;
}
