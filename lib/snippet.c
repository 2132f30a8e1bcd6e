/*
 * snippet.c — quoting a user's text for a message (see snippet.h).  A
 * message once quoted with "%.40s" cut inside a UTF-8 character (a
 * Chinese unit name is 3 bytes a character), so the reject line, standard
 * error and Python's exception were no longer UTF-8; and a value quoted
 * whole pushed the message past its buffer, cutting off what was
 * expected.  Here the cut is at a character, marked, and bounded.
 */
#include "snippet.h"
#include "quotalevy.h"
#include "unicode.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

size_t qli_snip_char(const char *str, size_t n, unsigned flags, size_t *len,
                     char out[QLI_SNIP_ESC])
{
    const unsigned char *s = (const unsigned char *)str;
    long c = qli_utf8_decode(s, n, len);
    if (c == '\n' || c == '\r' || c == '\t') {
        out[0] = '\\';
        out[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        return 2;
    }
    if (c < 0x20 || c == 0x7F) /* a control, or no UTF-8 (c < 0) */
        return (size_t)snprintf(out, QLI_SNIP_ESC, "\\x%02X", s[0]);
    if (c >= 0x80 && qli_uc_unseen((uint32_t)c, flags & QLI_SNIP_MARKS))
        return (size_t)snprintf(out, QLI_SNIP_ESC,
                                c > 0xFFFF ? "\\U%08lX" : "\\u%04lX", c);
    memcpy(out, s, *len);
    return *len;
}

const char *qli_snip(char *buf, size_t size, const char *str, size_t n,
                     int quote, unsigned flags)
{
    if (!buf || size == 0)
        return "";
    if (!str)
        n = 0;
    char q[2] = {(char)quote, 0};
    size_t ql = quote ? 1 : 0, i = 0, chars = 0, bytes = 0, len;
    char piece[QLI_SNIP_ESC];
    /* whole when it fits every bound */
    while (i < n && chars < QLI_SNIP_CHARS) {
        bytes += qli_snip_char(str + i, n - i, flags, &len, piece);
        i += len;
        chars++;
    }
    int whole = i == n && bytes <= QLI_SNIP_BYTES && bytes + 2 * ql < size;
    char tail[48] = "";
    size_t budget = bytes, tl = 0;
    if (!whole) {
        size_t all = chars;
        for (; i < n; all++)
            (void)qli_utf8_decode((const unsigned char *)str + i, n - i, &len),
                i += len;
        tl = (size_t)(quote ? snprintf(tail, sizeof tail,
                                       "\xE2\x80\xA6%s (%zu character%s)", q,
                                       all, all == 1 ? "" : "s")
                            : snprintf(tail, sizeof tail, "\xE2\x80\xA6"));
        if (size <= ql + tl) { /* no room even for the mark */
            buf[0] = '\0';
            return buf;
        }
        budget = size - 1 - ql - tl;
        if (budget > QLI_SNIP_BYTES)
            budget = QLI_SNIP_BYTES;
    }
    size_t o = 0;
    if (quote)
        buf[o++] = (char)quote;
    i = 0;
    for (size_t k = 0; i < n && k < QLI_SNIP_CHARS; k++) {
        size_t w = qli_snip_char(str + i, n - i, flags, &len, piece);
        if (o - ql + w > budget)
            break;
        memcpy(buf + o, piece, w);
        o += w;
        i += len;
    }
    if (whole) {
        if (quote)
            buf[o++] = (char)quote;
    } else {
        memcpy(buf + o, tail, tl);
        o += tl;
    }
    buf[o] = '\0';
    return buf;
}

const char *qli_snip_str(char *buf, size_t size, const char *s, int quote)
{
    return qli_snip(buf, size, s, s ? strlen(s) : 0, quote, 0);
}

const char *qli_snip_list(char *buf, size_t size, const char *const *values,
                          const size_t *lens, size_t n)
{
    static const char more[] = ", \xE2\x80\xA6";
    if (!buf || size == 0)
        return "";
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[QLI_SNIP_SHORT];
        qli_snip(one, sizeof one, values[i], lens[i], 0, 0);
        size_t w = strlen(one), sep = i ? 2 : 0;
        /* room for this one, and for the mark if another follows */
        size_t need = sep + w + (i + 1 < n ? sizeof more - 1 : 0);
        if (o + need >= size) {
            if (o + sizeof more - 1 < size)
                memcpy(buf + o, more + (i ? 0 : 2), sizeof more - (i ? 1 : 3)),
                    o += sizeof more - (i ? 1 : 3);
            break;
        }
        memcpy(buf + o, ", ", sep);
        memcpy(buf + o + sep, one, w);
        o += sep + w;
    }
    buf[o] = '\0';
    return buf;
}

/* The public face of qli_snip for programs' own messages (bindings). */
_Static_assert(QL_TEXT_QUOTE_MAX == QLI_SNIP_SIZE,
               "ql_text_quote's bound is the library's own");

size_t ql_text_quote(char *buf, size_t size, const char *text, size_t len,
                     int quote)
{
    if (!buf || size == 0)
        return 0;
    if (quote != '\'' && quote != '"' && quote != 0) {
        buf[0] = '\0';
        return 0;
    }
    return strlen(qli_snip(buf, size, text, len, quote, 0));
}
