/*
 * value.c — the public face of numbers, dates and values: conversion
 * between the internal qd / qval and the plain-C ql_decimal / ql_value, and
 * the one text form every output uses.
 */
#include "decimal.h"
#include "util.h"
#include "value.h"
#include "snippet.h"

#include <string.h>

const char *ql_version(void) { return QL_VERSION_STRING; }

static qd from_public(const ql_decimal *d)
{
    qd r;
    r.coef = (qd_i128)(((qd_u128)(uint64_t)d->coef_hi << 64) | d->coef_lo);
    r.scale = d->scale;
    r.cut = 0; /* a public decimal is exact */
    return r;
}

static ql_decimal to_public(const qd *a)
{
    ql_decimal d;
    d.coef_hi = (int64_t)(a->coef >> 64);
    d.coef_lo = (uint64_t)a->coef;
    d.scale = a->scale;
    return d;
}

/* Whether a public decimal respects the documented bounds. */
static int public_ok(const ql_decimal *d)
{
    if (d->scale < 0 || d->scale > QD_MAX_SCALE)
        return 0;
    qd a = from_public(d);
    qd_u128 m = a.coef < 0 ? -(qd_u128)a.coef : (qd_u128)a.coef;
    return m < qli_qd_pow10[QD_DIGITS];
}

int qli_qd_from_public(qd *out, const ql_decimal *d)
{
    if (!public_ok(d))
        return 1;
    *out = from_public(d);
    return 0;
}

ql_status ql_decimal_parse(ql_decimal *out, const char *text, size_t len,
                           ql_error *err)
{
    if (!out || !text)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    qd a;
    int st = qli_qd_parse(&a, text, len);
    long before, after;
    char why[256];
    if (st) /* 1e400 is out of range, as written out: not a syntax error */
        return qli_fail(err,
                        st == QD_TOOLONG ||
                                (st == QD_SYNTAX &&
                                 qli_qd_exponent_too_long(text, len, &before, &after))
                            ? QL_ERANGE
                            : QL_EPARSE,
                        NULL, 0, 0, "%s: %s", QLI_QUOTE_N(text, len),
                        qli_qd_text_message(st, text, len, why, sizeof why));
    *out = to_public(&a);
    return QL_OK;
}

ql_status ql_decimal_from_int64(ql_decimal *out, int64_t units, int scale)
{
    if (!out || scale < 0 || scale > 18)
        return QL_EINVAL;
    qd a = qli_qd_make(units, scale);
    *out = to_public(&a);
    return QL_OK;
}

ql_status ql_decimal_to_int64(int64_t *units, const ql_decimal *d, int scale)
{
    if (!d || !units || scale < 0 || scale > QD_MAX_SCALE || !public_ok(d))
        return QL_EINVAL;
    qd a = from_public(d), r;
    if (qli_qd_round_to(&r, &a, scale, QD_DOWN) || qli_qd_cmp(&r, &a) != 0)
        return QL_ERANGE;
    if (r.scale != scale) /* too long to pad: cannot fit int64 either */
        return QL_ERANGE;
    if (r.coef > INT64_MAX || r.coef < INT64_MIN)
        return QL_ERANGE;
    *units = (int64_t)r.coef;
    return QL_OK;
}

size_t ql_decimal_format(char *buf, size_t size, const ql_decimal *d)
{
    char tmp[QD_TEXT_MAX];
    size_t n;
    if (!d || !public_ok(d)) {
        strcpy(tmp, "NaN");
        n = 3;
    } else {
        qd a = from_public(d);
        n = qli_qd_format(&a, tmp);
    }
    return qli_text_out(tmp, n, buf, size);
}

static ql_status public_op(ql_decimal *out, const ql_decimal *a,
                           const ql_decimal *b,
                           int (*op)(qd *, const qd *, const qd *))
{
    if (!out || !a || !b || !public_ok(a) || !public_ok(b))
        return QL_EINVAL;
    qd x = from_public(a), y = from_public(b), r;
    if (op(&r, &x, &y))
        return QL_ERANGE;
    *out = to_public(&r);
    return QL_OK;
}

ql_status ql_decimal_add(ql_decimal *out, const ql_decimal *a,
                         const ql_decimal *b)
{
    return public_op(out, a, b, qli_qd_add);
}

ql_status ql_decimal_sub(ql_decimal *out, const ql_decimal *a,
                         const ql_decimal *b)
{
    return public_op(out, a, b, qli_qd_sub);
}

int ql_decimal_compare(const ql_decimal *a, const ql_decimal *b)
{
    int va = a && public_ok(a), vb = b && public_ok(b);
    if (!va || !vb)
        return va - vb; /* NULL or malformed sorts first */
    qd x = from_public(a), y = from_public(b);
    return qli_qd_cmp(&x, &y);
}

ql_type qli_vtype_public(vtype t)
{
    switch (t.kind) {
    case VK_NUMBER: return QL_TYPE_NUMBER;
    case VK_BOOL: return QL_TYPE_BOOL;
    case VK_DATE: return QL_TYPE_DATE;
    case VK_STRING:
    case VK_ENUM: return QL_TYPE_STRING;
    case VK_TABLE: return QL_TYPE_TABLE;
    }
    return QL_TYPE_NONE;
}

ql_status ql_value_init(ql_value *v, unsigned int version)
{
    if (!v || version == 0 || version > QL_VALUE_VERSION)
        return QL_EINVAL;
    memset(v, 0, sizeof *v);
    v->version = version;
    return QL_OK;
}

void qli_value_none(ql_value *out)
{
    memset(out, 0, sizeof *out);
    out->version = QL_VALUE_VERSION;
}

void qli_qval_to_public(const qval *v, vtype t, ql_value *out)
{
    qli_value_none(out);
    switch (t.kind) {
    case VK_NUMBER:
        out->type = QL_TYPE_NUMBER;
        out->number = to_public(&v->num);
        break;
    case VK_BOOL:
        out->type = QL_TYPE_BOOL;
        out->boolean = v->b;
        break;
    case VK_DATE:
        out->type = QL_TYPE_DATE;
        out->date = v->date;
        break;
    case VK_STRING:
        out->type = QL_TYPE_STRING;
        out->string = v->str.s;
        out->length = v->str.len;
        break;
    case VK_ENUM:
        out->type = QL_TYPE_STRING;
        out->string = t.en->values[v->en];
        out->length = t.en->lens[v->en];
        break;
    case VK_TABLE:
        out->type = QL_TYPE_TABLE;
        break;
    }
}

size_t ql_value_format(char *buf, size_t size, const ql_value *v)
{
    char tmp[QD_TEXT_MAX];
    const char *s = tmp;
    size_t n = 0;
    if (!v || v->version != QL_VALUE_VERSION) {
        tmp[0] = '\0';
    } else {
        switch (v->type) {
        case QL_TYPE_NONE: tmp[0] = '\0'; break;
        case QL_TYPE_NUMBER: n = ql_decimal_format(tmp, sizeof tmp, &v->number); break;
        case QL_TYPE_BOOL:
            s = v->boolean ? "true" : "false";
            n = strlen(s);
            break;
        case QL_TYPE_DATE: n = ql_date_format(tmp, sizeof tmp, v->date); break;
        case QL_TYPE_STRING:
        case QL_TYPE_TABLE:
            s = v->string ? v->string : "";
            n = v->string ? v->length : 0;
            break;
        }
    }
    return qli_text_out(s, n, buf, size);
}
