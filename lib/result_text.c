/*
 * result_text.c — an evaluation written as text: one output or check
 * field, or a whole delimited row, from the fast path's plan when it
 * covers the row, else value by value.
 */
#include "date.h"
#include "decimal.h"
#include "eval.h"
#include "fast.h"
#include "fast_code.h"
#include "result_access.h"
#include "ruleset.h"
#include "scale.h"
#include "text64.h"
#include "util.h"
#include "value.h"

#include <stddef.h>
#include <string.h>

/* A number shown as d says, straight into buf when it is big enough
 * for any: from 64 bits when it fits and needs no rounding (nearly
 * always: the fast path's values), else through the exact display. */
static size_t number_text(const qd *raw, display d, char *buf, size_t size)
{
    if (buf && size >= QD_TEXT_MAX && raw->coef <= INT64_MAX &&
        raw->coef >= INT64_MIN) {
        size_t n =
            qli_qd_format_i64((int64_t)raw->coef, raw->scale, d.scale, buf);
        if (n)
            return n;
    }
    qd shown_v;
    const qd *v = &shown_v;
    if (qli_sc_show(&shown_v, raw, d) != QD_OK)
        return qli_text_out("", 0, buf, size); /* as shown(): no number */
    if (buf && size >= QD_TEXT_MAX)
        return qli_qd_format(v, buf);
    char tmp[QD_TEXT_MAX];
    size_t n = qli_qd_format(v, tmp);
    return qli_text_out(tmp, n, buf, size);
}

/* number_text of a 64-bit number c × 10^−s, without the qd when buf
 * has room for any. */
static size_t number_text64(int64_t c, int s, display d, char *buf, size_t size)
{
    if (buf && size >= QD_TEXT_MAX) {
        size_t n = qli_qd_format_i64(c, s, d.scale, buf);
        if (n)
            return n;
    }
    qd v = qli_qd_make(c, s);
    return number_text(&v, d, buf, size);
}

/* Number j of applicable check i as text. */
static size_t check_num_text(const ql_result *res, size_t i, int j, char *buf,
                             size_t size)
{
    display d = res->rs->checks[i].disp[j];
    if (res->fastv) {
        const fval *f = &res->kv[3 * i + (size_t)j];
        return number_text64(f->c, f->s, d, buf, size);
    }
    qd tmp;
    return number_text(check_num(res, i, j, &tmp), d, buf, size);
}

static size_t bool_text(int b, char *buf, size_t size)
{
    if (buf && size >= 6) { /* as qli_text_out, without its checks */
        memcpy(buf, b ? "true\0" : "false", 6);
        return b ? 4 : 5;
    }
    return b ? qli_text_out("true", 4, buf, size)
             : qli_text_out("false", 5, buf, size);
}

size_t ql_result_output_text(char *buf, size_t size, const ql_result *res,
                             size_t i)
{
    if (buf && size)
        buf[0] = '\0';
    if (!usable(res) || i >= res->rs->n_outputs)
        return 0;
    const output_def *o = &res->rs->outputs[i];
    if (o->kind == OUT_COMPUTED) {
        vkind k = res->rs->computed[o->index].type.kind;
        const fval *f = fast_value(res, (size_t)o->index);
        if (f && k == VK_NUMBER)
            return number_text64(f->c, f->s, o->disp, buf, size);
        qval tmp;
        const qval *v = cval(res, (size_t)o->index, &tmp);
        switch (k) {
        case VK_NUMBER: return number_text(&v->num, o->disp, buf, size);
        case VK_BOOL: return bool_text(v->b, buf, size);
        case VK_DATE: return ql_date_format(buf, size, v->date);
        default: break;
        }
    } else if (o->kind == OUT_CHECK) {
        const check_out *c = &res->checks[o->index];
        return c->applicable ? bool_text(c->compliant, buf, size) : 0;
    }
    ql_value v = QL_VALUE_INIT; /* inputs, strings and enums: the general way */
    ql_result_output(&v, res, i);
    return ql_value_format(buf, size, &v);
}

size_t ql_result_check_text(char *buf, size_t size, const ql_result *res,
                            size_t i, ql_check_field f)
{
    if (buf && size)
        buf[0] = '\0';
    if (!usable(res) || i >= res->rs->n_checks)
        return 0;
    const check_out *c = &res->checks[i];
    if (f == QL_CHECK_APPLICABLE)
        return bool_text(c->applicable, buf, size);
    if (!c->applicable)
        return 0;
    switch (f) {
    case QL_CHECK_COMPLIANT: return bool_text(c->compliant, buf, size);
    case QL_CHECK_REQUIRED: return check_num_text(res, i, 0, buf, size);
    case QL_CHECK_ACTUAL: return check_num_text(res, i, 1, buf, size);
    case QL_CHECK_SHORTFALL: return check_num_text(res, i, 2, buf, size);
    default: return 0;
    }
}

/* Value text s (n bytes) as a field of a delimited line, quoted where it
 * holds sep, '"', CR or LF, at o in buf (cut at size − 1: only what
 * fits is written); returns the field's full length. */
static size_t put_field(char *buf, size_t size, size_t o, const char *s,
                        size_t n, char sep)
{
    int quote = 0;
    for (size_t k = 0; k < n && !quote; k++)
        quote = s[k] == sep || s[k] == '"' || s[k] == '\n' || s[k] == '\r';
    size_t len = 0;
#define PUT(c)                                                                 \
    do {                                                                       \
        if (buf && o + len + 1 < size)                                         \
            buf[o + len] = (c);                                                \
        len++;                                                                 \
    } while (0)
    if (quote)
        PUT('"');
    for (size_t k = 0; k < n; k++) {
        if (quote && s[k] == '"')
            PUT('"');
        PUT(s[k]);
    }
    if (quote)
        PUT('"');
#undef PUT
    return len;
}

/* Output i, or field f of check i (f ≥ 0), as text at o in buf: straight
 * there when room for any number is left, else through a copy cut to
 * fit (or just measured).  Returns its full length. */
static size_t row_value(char *buf, size_t size, size_t o, const ql_result *res,
                        size_t i, int f, char sep)
{
    if (f < 0 && res->rs->outputs[i].kind != OUT_CHECK) {
        const output_def *od = &res->rs->outputs[i];
        vkind k = od->kind == OUT_COMPUTED
                      ? res->rs->computed[od->index].type.kind
                      : res->rs->inputs[od->index].type.kind;
        if (k == VK_STRING || k == VK_ENUM) {
            ql_value v = QL_VALUE_INIT;
            ql_result_output(&v, res, i);
            return put_field(buf, size, o, v.string ? v.string : "", v.length,
                             sep);
        }
    }
    if (buf && o + QD_TEXT_MAX <= size)
        return f < 0 ? ql_result_output_text(buf + o, QD_TEXT_MAX, res, i)
                     : ql_result_check_text(buf + o, QD_TEXT_MAX, res, i,
                                            (ql_check_field)f);
    char tmp[QD_TEXT_MAX];
    size_t n = f < 0 ? ql_result_output_text(tmp, sizeof tmp, res, i)
                     : ql_result_check_text(tmp, sizeof tmp, res, i,
                                            (ql_check_field)f);
    if (buf && o < size)
        qli_text_out(tmp, n, buf + o, size - o);
    return n;
}

/* Output i's fields, each after sep, straight at buf, which has room
 * for five numbers: the work of row_value without a call a value.  −1
 * when the output is a string, an enum or an input, for row_value. */
static long row_fast(char *buf, const ql_result *res, size_t i, char sep)
{
    const output_def *od = &res->rs->outputs[i];
    char *o = buf;
    if (od->kind == OUT_CHECK) {
        size_t k = (size_t)od->index;
        const check_out *c = &res->checks[k];
        *o++ = sep;
        o += bool_text(c->applicable, o, QD_TEXT_MAX);
        *o++ = sep;
        if (!c->applicable) {
            memset(o, sep, 3);
            o[3] = '\0';
            return 3 + (long)(o - buf);
        }
        o += bool_text(c->compliant, o, QD_TEXT_MAX);
        for (int j = 0; j < 3; j++) {
            *o++ = sep;
            o += check_num_text(res, k, j, o, QD_TEXT_MAX);
        }
        return (long)(o - buf);
    }
    if (od->kind != OUT_COMPUTED)
        return -1;
    vkind k = res->rs->computed[od->index].type.kind;
    const fval *f = fast_value(res, (size_t)od->index);
    *o++ = sep;
    if (f) { /* the fast path's values, read as they are */
        switch (k) {
        case VK_NUMBER:
            o += number_text64(f->c, f->s, od->disp, o, QD_TEXT_MAX);
            break;
        case VK_BOOL: o += bool_text(f->c != 0, o, QD_TEXT_MAX); break;
        case VK_DATE: o += ql_date_format(o, QD_TEXT_MAX, (ql_date)f->c); break;
        default: return -1;
        }
        return (long)(o - buf);
    }
    const qval *v = &res->cvals[od->index];
    switch (k) {
    case VK_NUMBER: o += number_text(&v->num, od->disp, o, QD_TEXT_MAX); break;
    case VK_BOOL: o += bool_text(v->b, o, QD_TEXT_MAX); break;
    case VK_DATE: o += ql_date_format(o, QD_TEXT_MAX, v->date); break;
    default: return -1;
    }
    return (long)(o - buf);
}

/* Output i's fields, each after sep, at o in buf, whatever room is left
 * (cut at size − 1, as ql_result_row_text says); returns o after them. */
static size_t row_output(char *buf, size_t size, size_t o, const ql_result *res,
                         size_t i, char sep)
{
    const output_def *od = &res->rs->outputs[i];
    if (o + 5 * (QD_TEXT_MAX + 1) <= size) {
        long n = row_fast(buf + o, res, i, sep);
        if (n >= 0)
            return o + (size_t)n;
    }
    int fields = od->kind == OUT_CHECK ? 5 : 1;
    for (int f = 0; f < fields; f++) {
        if (o + 1 < size)
            buf[o] = sep;
        o++;
        o += od->kind == OUT_CHECK
                 ? row_value(buf, size, o, res, (size_t)od->index, f, sep)
                 : row_value(buf, size, o, res, i, -1, sep);
    }
    return o;
}

/* Output i's fields from the plan r, each after sep, at b (room for
 * ROW_ROOM): a number straight from 64 bits at its display places
 * (qli_put_fixed), a date from its text of the evaluation (dtext), a
 * check that does not apply as its fixed text.  Returns their length. */
static inline __attribute__((always_inline)) size_t
put_planned(char *b, const ql_result *res, size_t i, const frow *r, char sep)
{
    const fval *f = &res->ov[r->at];
    *b = sep;
    switch (r->kind) {
    case FR_NUMBER: {
        size_t k = qli_put_fixed(b + 1, f->c, f->s,
                                 r->disp.scale < 0 ? f->s : r->disp.scale);
        return 1 +
               (k ? k : number_text64(f->c, f->s, r->disp, b + 1, QD_TEXT_MAX));
    }
    case FR_BOOL:
        memcpy(b + 1, f->c ? "true" : "false", 5);
        return f->c ? 5 : 6;
    case FR_DATE: {
        const struct date_text *t = &res->dtext[r->dk];
        if (t->d != (ql_date)f->c)
            return 1 + ql_date_format(b + 1, 11, (ql_date)f->c);
        memcpy(b + 1, t->t, 10);
        return 1 + t->len;
    }
    default: /* FR_CHECK */
        if (res->checks[r->at].applicable)
            return (size_t)row_fast(b, res, i, sep);
        memcpy(b + 1, "false", 5);
        memset(b + 6, sep, 4);
        return 10;
    }
}

/* The row after a fast evaluation, from the rule set's plan of it
 * (fprog.row): with room for the longest such row (row_room), one
 * output after another with nothing checked between; else each with
 * room for it checked, and what the plan does not cover, and the end of
 * a buffer too short, the general way (row_output). */
static size_t row_planned(char *buf, size_t size, const ql_result *res,
                          char sep)
{
    const frow *row = res->rs->fast->row;
    size_t n = res->rs->n_outputs, o = 0;
    if (res->row_room && size >= res->row_room) {
        for (size_t i = 0; i < n; i++)
            o += put_planned(buf + o, res, i, &row[i], sep);
        return o;
    }
    for (size_t i = 0; i < n; i++) {
        if (o >= size || size - o < ROW_ROOM || row[i].kind == FR_OTHER)
            o = row_output(buf, size, o, res, i, sep);
        else
            o += put_planned(buf + o, res, i, &row[i], sep);
    }
    return o;
}

/* Whether sep can part a row's values: a tab or ASCII punctuation that
 * no number, date or bool is written with (digits, letters, '-', '.',
 * '+'), never '"', a control character, or a byte of a UTF-8 sequence —
 * else the row could not be split back. */
static int row_sep_ok(char sep)
{
    unsigned char c = (unsigned char)sep;
    if (c == '\t')
        return 1;
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '-' || c == '.' || c == '+')
        return 0;
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
             (c >= 'A' && c <= 'Z'));
}

size_t ql_result_row_text(char *buf, size_t size, const ql_result *res,
                          char sep)
{
    if (buf && size)
        buf[0] = '\0';
    if (!usable(res) || !row_sep_ok(sep))
        return 0;
    if (!buf)
        size = 0;
    size_t o = 0;
    if (res->fastv && size) {
        o = row_planned(buf, size, res, sep);
    } else {
        for (size_t i = 0; i < res->rs->n_outputs; i++)
            o = row_output(buf, size, o, res, i, sep);
    }
    if (size)
        buf[o < size ? o : qli_utf8_cut(buf, size - 1)] = '\0';
    return o;
}
