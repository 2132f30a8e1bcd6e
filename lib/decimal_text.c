/*
 * decimal_text.c — decimal numbers read from and written as text: the
 * plain notation of rules files, records and overrides (digits, an
 * optional sign and point, at most 36 significant digits), and the
 * shortest exact text of a value, from a qd or straight from a 64-bit
 * coefficient.  The arithmetic is decimal.c.
 */
#include "decimal.h"

#include <string.h>

#define LIMIT (qli_qd_pow10[QD_DIGITS]) /* coefficients stay below 10^36 */

static qd_u128 mag128(qd_i128 x)
{
    return x < 0 ? -(qd_u128)x : (qd_u128)x;
}

/* The usual text, at most 18 digits with an optional sign and point:
 * read in 64 bits.  0 if the text is anything else (the general reader
 * decides). */
static int parse_short(qd *r, const char *s, size_t len)
{
    size_t i = 0;
    int neg = 0, digits = 0, frac = -1;
    uint64_t c = 0;
    if (len > 20)
        return 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d < 10) {
            c = c * 10 + d;
            digits++;
            frac += frac >= 0;
        } else if (s[i] == '.' && frac < 0 && digits) {
            frac = 0;
        } else {
            return 0;
        }
    }
    if (!digits || digits > 18 || frac == 0)
        return 0;
    r->coef = neg ? -(qd_i128)c : (qd_i128)c;
    r->scale = frac < 0 ? 0 : frac;
    r->cut = 0;
    return 1;
}

int qli_qd_parse(qd *r, const char *s, size_t len)
{
    if (parse_short(r, s, len))
        return QD_OK;
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_end = i, frac_start = i, frac_end = i;
    if (int_end == int_start)
        return QD_SYNTAX;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_end = i;
        if (frac_end == frac_start)
            return QD_SYNTAX;
    }
    if (i != len)
        return QD_SYNTAX;
    while (int_start < int_end - 1 && s[int_start] == '0')
        int_start++; /* leading zeros carry no digits */
    size_t frac_len = frac_end - frac_start;
    /* Trailing zeros past what a qd holds are dropped, not refused. */
    size_t int_sig = (int_end - int_start == 1 && s[int_start] == '0')
                         ? 0
                         : int_end - int_start;
    for (;;) {
        size_t sig_total = int_sig + frac_len;
        if (!int_sig) { /* leading zeros of the fraction carry no digits */
            size_t z = 0;
            while (z < frac_len && s[frac_start + z] == '0')
                z++;
            sig_total = frac_len - z;
        }
        if (frac_len == 0 || s[frac_start + frac_len - 1] != '0' ||
            (frac_len <= QD_MAX_SCALE && sig_total <= QD_DIGITS))
            break;
        frac_len--;
    }
    if (frac_len > QD_MAX_SCALE)
        return QD_TOOLONG;
    qd_u128 c = 0;
    int sig = 0;
    for (size_t j = int_start; j < int_end; j++) {
        c = c * 10 + (unsigned)(s[j] - '0');
        if (c)
            sig++;
        if (sig > QD_DIGITS)
            return QD_TOOLONG;
    }
    for (size_t j = frac_start; j < frac_start + frac_len; j++) {
        c = c * 10 + (unsigned)(s[j] - '0');
        if (c)
            sig++;
        if (sig > QD_DIGITS)
            return QD_TOOLONG;
    }
    if (sig > QD_DIGITS || c >= LIMIT)
        return QD_TOOLONG;
    r->coef = neg ? -(qd_i128)c : (qd_i128)c;
    r->scale = (int32_t)frac_len;
    r->cut = 0;
    return QD_OK;
}

int qli_qd_exponent_form(const char *s, size_t len)
{
    size_t i = 0, d = 0;
    i += i < len && (s[i] == '+' || s[i] == '-');
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        d++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            d++;
    if (!d || i == len || (s[i] != 'e' && s[i] != 'E'))
        return 0;
    i++;
    i += i < len && (s[i] == '+' || s[i] == '-');
    size_t e0 = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > e0 && i == len;
}

int qli_qd_exponent_too_long(const char *s, size_t len, long *int_digits,
                             long *places)
{
    size_t i = 0;
    i += i < len && (s[i] == '+' || s[i] == '-');
    size_t d0 = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    long nint = (long)(i - d0), nfrac = 0;
    size_t f0 = i;
    if (i < len && s[i] == '.') {
        f0 = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        nfrac = (long)(i - f0);
    }
    if (nint + nfrac == 0 || i == len || (s[i] != 'e' && s[i] != 'E'))
        return 0;
    i++;
    int eneg = i < len && s[i] == '-';
    i += i < len && (s[i] == '+' || s[i] == '-');
    size_t e0 = i;
    long e = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        if (e <= QD_EXPONENT_SHOWN_MAX)
            e = e * 10 + (s[i] - '0');
    if (i == e0 || i != len || nint + nfrac > QD_EXPONENT_SHOWN_MAX)
        return 0;
    /* the mantissa's digits d[0..n): the first and last nonzero ones */
    long n = nint + nfrac, first = -1, last = -1;
    for (long k = 0; k < n; k++) {
        char c = k < nint ? s[d0 + k] : s[f0 + (k - nint)];
        if (c != '0') {
            last = k;
            if (first < 0)
                first = k;
        }
    }
    if (first < 0) {
        /* zero: no digit of it counts, but its places do (0e-400 is 0 with
         * 400 of them, as PostgreSQL's numeric writes it), and an exponent
         * that puts the point past what a decimal holds is no number of
         * one either (0E+999999) */
        long zplaces = nfrac + (eneg ? e : -e);
        *int_digits = 0;
        *places = zplaces;
        if (zplaces > QD_MAX_SCALE)
            return 1;
        if (-zplaces > QD_DIGITS) {
            *int_digits = eneg ? -e : e;
            *places = 0;
            return 2;
        }
        return 0;
    }
    long point = nint + (eneg ? -e : e); /* digits before the point */
    long before = point > first ? point - first : 0;
    long after = last + 1 > point ? last + 1 - point : 0;
    if (before + after <= QD_DIGITS && after <= QD_MAX_SCALE)
        return 0; /* it fits: only its notation is wrong */
    *int_digits = before;
    *places = after;
    return 1;
}

/* Two decimal digits at a time: "00" … "99". */
const char qli_qd_digit_pairs[201] = "00010203040506070809101112131415161718192"
                                     "021222324252627282930313233343536373839"
                                     "40414243444546474849505152535455565758596"
                                     "061626364656667686970717273747576777879"
                                     "8081828384858687888990919293949596979899";

/* Writes v's digits ending just before `end`; returns where they start. */
static char *u64_digits(uint64_t v, char *end)
{
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        *--end = qli_qd_digit_pairs[k + 1];
        *--end = qli_qd_digit_pairs[k];
    }
    if (v >= 10) {
        *--end = qli_qd_digit_pairs[v * 2 + 1];
        *--end = qli_qd_digit_pairs[v * 2];
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

size_t qli_qd_format_i64(int64_t c, int scale, int shown, char *buf)
{
    if (shown < 0)
        shown = scale;
    if (scale > shown) { /* only zeros may go */
        if (scale - shown > 18)
            return 0;
        int64_t p = (int64_t)qli_qd_pow10[scale - shown];
        if (c % p != 0)
            return 0;
        c /= p;
        scale = shown;
    } else if (shown - scale > 17) {
        return 0; /* 19 digits and 17 zeros still fit in 36 */
    }
    /* written backwards into tmp, ending at tmp + 64, then copied as one
     * block of 64 bytes (at most 57 are the text: sign, 19 digits, the
     * point and 36 places), with no call on the way */
    char tmp[128];
    char *end = tmp + 64, *p = end;
    uint64_t m = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
    for (int k = shown - scale; k > 0; k--)
        *--p = '0';
    if (shown > 0) {
        for (int k = scale; k > 0; k--) {
            *--p = (char)('0' + m % 10);
            m /= 10;
        }
        *--p = '.';
    }
    p = u64_digits(m, p);
    if (c < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(buf, p, 64);
    buf[n] = '\0';
    return n;
}

size_t qli_qd_format(const qd *a, char *buf)
{
    char tmp[48];
    char *end = tmp + sizeof tmp, *p;
    qd_u128 m = mag128(a->coef);
    if (m < ((qd_u128)1 << 64)) {
        p = u64_digits((uint64_t)m, end);
    } else {
        /* peel 18 digits at a time with 64-bit division, zero-padded */
        p = end;
        while (m >= 1000000000000000000ULL) {
            char *q = u64_digits((uint64_t)(m % 1000000000000000000ULL), p);
            while (q > p - 18)
                *--q = '0';
            p = q;
            m /= 1000000000000000000ULL;
        }
        p = u64_digits((uint64_t)m, p);
    }
    int n = (int)(end - p);
    while (n <= a->scale) { /* at least one digit before the point */
        *--p = '0';
        n++;
    }
    size_t o = 0;
    if (a->coef < 0)
        buf[o++] = '-';
    size_t whole = (size_t)(n - a->scale);
    memcpy(buf + o, p, whole);
    o += whole;
    if (a->scale > 0) {
        buf[o++] = '.';
        memcpy(buf + o, p + whole, (size_t)a->scale);
        o += (size_t)a->scale;
    }
    buf[o] = '\0';
    return o;
}
