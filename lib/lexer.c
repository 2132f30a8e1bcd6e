/*
 * lexer.c — the tokens of the expression language.
 *
 * Expressions live inside YAML scalars; every token carries its byte
 * offset in that scalar, which yamltree maps back to a file line and
 * column, so every later error can say exactly where it is.  Numbers are
 * parsed straight to exact decimals ("1.6%" is 0.016); strings take "…" or
 * '…' with backslash escapes for the quote and the backslash.
 */
#include "decimal.h"
#include "util.h"
#include "expr.h"
#include "unicode.h"
#include "utf8.h"
#include "snippet.h"

#include <stdio.h>
#include <string.h>

void qli_lex_init(lexer *lx, const char *src, size_t len, ql_arena *arena)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->len = len;
    lx->arena = arena;
}

static int is_name_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_char(int c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static token lex_error(lexer *lx, size_t pos, const char *msg)
{
    token t;
    memset(&t, 0, sizeof t);
    t.kind = T_EOF;
    t.pos = pos;
    lx->error = msg;
    lx->error_pos = pos;
    return t;
}

static const struct {
    const char *word;
    tok_kind kind;
} keywords[] = {{"and", T_AND}, {"or", T_OR},     {"not", T_NOT},
                {"in", T_IN},   {"true", T_TRUE}, {"false", T_FALSE}};

/* The message for the character at s[0, len) that starts no token: the
 * character as typed (invisible ones as \uXXXX), its code point and name
 * when it is not ASCII, and what to write for it (unicode.c's table of
 * look-alikes, which the number readers share). */
static const char *unexpected(lexer *lx, const char *s, size_t len)
{
    size_t n;
    const unsigned char *u = (const unsigned char *)s;
    long cp = qli_utf8_decode(u, len, &n);
    if (cp < 0) { /* overlong forms and surrogates too, as the YAML reader */
        char why[160];
        qli_utf8_why(u, len, why, sizeof why);
        const char *m = qli_ar_printf(lx->arena, "not UTF-8 text: byte 0x%02X (%s)",
                                      u[0], why);
        return m ? m : qli_msg_oom;
    }
    const qli_uc_twin *tw = qli_uc_twin_of((uint32_t)cp);
    char shown[QLI_SNIP_ESC + 8], code[96] = "", instead[96] = "";
    qli_snip(shown, sizeof shown, s, n, 0, QLI_SNIP_MARKS);
    if (tw && tw->formula)
        snprintf(instead, sizeof instead, "%s", tw->formula);
    else if (tw) /* a digit */
        snprintf(instead, sizeof instead, "the ASCII digit '%c'",
                 (char)(tw->number + cp - (long)tw->lo));
    if (cp >= 0x80 && tw)
        snprintf(code, sizeof code, " (U+%04lX, %s)", (unsigned long)cp, tw->name);
    else if (cp >= 0x80)
        snprintf(code, sizeof code, " (U+%04lX)", (unsigned long)cp);
    else if (cp < 0x20 || cp == 0x7f)
        snprintf(shown, sizeof shown, "\\u%04X", (unsigned)cp);
    const char *msg =
        tw ? qli_ar_printf(lx->arena, "unexpected character '%s'%s: write %s", shown,
                           code, instead)
           : qli_ar_printf(lx->arena, "unexpected character '%s'%s", shown, code);
    return msg ? msg : qli_msg_oom;
}

token qli_lex_next(lexer *lx)
{
    const char *s = lx->src;
    while (lx->pos < lx->len && (s[lx->pos] == ' ' || s[lx->pos] == '\t' ||
                                 s[lx->pos] == '\n' || s[lx->pos] == '\r'))
        lx->pos++;
    token t;
    memset(&t, 0, sizeof t);
    t.pos = lx->pos;
    t.text = s + lx->pos;
    if (lx->pos >= lx->len) {
        t.kind = T_EOF;
        return t;
    }
    size_t start = lx->pos;
    int c = (unsigned char)s[start];
    if (c >= '0' && c <= '9') {
        size_t i = start;
        while (i < lx->len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i < lx->len && s[i] == '.') {
            i++;
            if (i >= lx->len || s[i] < '0' || s[i] > '9')
                return lex_error(lx, i, "expected a digit after the decimal point");
            while (i < lx->len && s[i] >= '0' && s[i] <= '9')
                i++;
        }
        if (i < lx->len && (s[i] == 'e' || s[i] == 'E'))
            return lex_error(lx, i, "exponent notation is not supported: write the number in full");
        if (i < lx->len && is_name_char((unsigned char)s[i]))
            return lex_error(lx, i, "a number runs into a name");
        int st = qli_qd_parse(&t.num, s + start, i - start);
        t.pct = i < lx->len && s[i] == '%';
        if (st)
            return lex_error(lx, start, qli_qd_message(st));
        if (i < lx->len && s[i] == '%') {
            if (qli_qd_percent(&t.num, &t.num))
                return lex_error(lx, start,
                                 "percentage too long: at most " QL_STR(
                                     QD_PERCENT_SCALE) " digits after the point "
                                     "before the '%' (" QL_STR(QD_MAX_SCALE)
                                     " once divided by 100)");
            i++;
        }
        t.kind = T_NUMBER;
        t.len = i - start;
        lx->pos = i;
        return t;
    }
    if (is_name_start(c)) {
        size_t i = start;
        while (i < lx->len && is_name_char((unsigned char)s[i]))
            i++;
        t.len = i - start;
        lx->pos = i;
        if (t.len > QL_MAX_NAME)
            return lex_error(lx, start, "name longer than " QL_STR(QL_MAX_NAME) " characters");
        t.kind = T_NAME;
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (strlen(keywords[k].word) == t.len &&
                memcmp(keywords[k].word, t.text, t.len) == 0)
                t.kind = keywords[k].kind;
        return t;
    }
    if (c == '"' || c == '\'') {
        size_t i = start + 1;
        char *buf = qli_ar_alloc(lx->arena, lx->len - start + 1);
        if (!buf)
            return lex_error(lx, start, qli_msg_oom);
        size_t n = 0;
        for (;;) {
            if (i >= lx->len)
                return lex_error(lx, start, "unterminated string (expected a closing quote)");
            int ch = (unsigned char)s[i];
            if (ch == c)
                break;
            if (ch == '\\') {
                if (i + 1 >= lx->len ||
                    (s[i + 1] != '\\' && s[i + 1] != '"' && s[i + 1] != '\''))
                    return lex_error(lx, i, "unknown escape: only \\\\, \\\" and \\' are allowed");
                i++;
            }
            buf[n++] = s[i++];
        }
        /* compared byte for byte: text that looks like another must be
         * the same bytes (P4-09); escapes are ASCII, so the raw text's
         * offsets are the source's */
        qli_uc_problem up;
        if (qli_uc_check(s + start + 1, i - start - 1, &up) != QLI_UC_OK) {
            char what[200], shown[QLI_SNIP_SHORT];
            qli_uc_describe(&up, what, sizeof what);
            qli_snip(shown, sizeof shown, s + start + 1, i - start - 1, '"',
                     QLI_SNIP_MARKS);
            const char *msg = qli_ar_printf(
                lx->arena,
                "the string %s holds %s: text compares byte for byte, so it "
                "would not equal the same-looking text typed otherwise; write it "
                "in Unicode normalization form C, with no invisible characters",
                shown, what);
            return lex_error(lx, start + 1 + up.at, msg ? msg : qli_msg_oom);
        }
        t.kind = T_STRING;
        t.str = buf;
        t.slen = n;
        t.len = i + 1 - start;
        lx->pos = i + 1;
        return t;
    }
    tok_kind k;
    size_t w = 1;
    int c2 = start + 1 < lx->len ? (unsigned char)s[start + 1] : 0;
    switch (c) {
    case '+': k = T_PLUS; break;
    case '-': k = T_MINUS; break;
    case '*': k = T_STAR; break;
    case '/': k = T_SLASH; break;
    case '(': k = T_LPAREN; break;
    case ')': k = T_RPAREN; break;
    case '[': k = T_LBRACKET; break;
    case ']': k = T_RBRACKET; break;
    case ',': k = T_COMMA; break;
    case '.': k = T_DOT; break;
    case '=':
        if (c2 != '=')
            return lex_error(lx, start, "'=' is not an operator: use '==' to compare");
        k = T_EQ;
        w = 2;
        break;
    case '!':
        if (c2 != '=')
            return lex_error(lx, start, "'!' is not an operator: use 'not' or '!='");
        k = T_NE;
        w = 2;
        break;
    case '<':
        k = c2 == '=' ? T_LE : T_LT;
        w = c2 == '=' ? 2 : 1;
        break;
    case '>':
        k = c2 == '=' ? T_GE : T_GT;
        w = c2 == '=' ? 2 : 1;
        break;
    default:
        return lex_error(lx, start, unexpected(lx, s + start, lx->len - start));
    }
    t.kind = k;
    t.len = w;
    lx->pos = start + w;
    return t;
}

const char *qli_lex_tok_name(tok_kind k)
{
    static const char *names[] = {
        "end of expression", "number", "string", "name", "'and'", "'or'",
        "'not'", "'in'", "'true'", "'false'", "'+'", "'-'", "'*'", "'/'",
        "'('", "')'", "'['", "']'", "','", "'.'", "'=='", "'!='", "'<'",
        "'<='", "'>'", "'>='"};
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "token";
}
