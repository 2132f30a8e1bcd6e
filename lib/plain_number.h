/*
 * plain_number.h — a plain number's text read into a 64-bit coefficient
 * and its places: the common case of the record's setters (record.c's
 * number_fast, before the 64-bit checks of record_num.h) and of the
 * Python binding's typed columns (bindings/python/typedcols.h, whose
 * str cells must be read as a record would read them).  One reader, so
 * the two cannot drift apart: a text it does not take goes the exact
 * way (set_text_exact), which decides and alone writes messages.
 * (record_line.c reads a whole line's numbers up to their commas in a
 * loop of its own: it has no length, only the comma that ends them.)
 *
 * Header-only and internal: static inline, so a file that includes it
 * links no symbol of the library (the bindings include it by its path in
 * the source tree); it includes only standard headers.
 */
#ifndef QL_PLAIN_NUMBER_H
#define QL_PLAIN_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* The most digits a text read here may have: 10^18 − 1 fits an int64. */
#define QLI_PLAIN_NUMBER_DIGITS 18

/* s[0 … len − 1] as an optional '-' or '+', digits, and optionally '.'
 * with at least one digit after it — QLI_PLAIN_NUMBER_DIGITS digits at
 * most, nothing else (no blank, no exponent, no '.5' or '5.') — read as
 * *coef × 10^−*places: 1, or 0 when the text is not such a number
 * (*coef and *places then untouched). */
static inline __attribute__((always_inline)) int
qli_plain_number(const char *s, size_t len, int64_t *coef, int *places)
{
    const char *p = s, *end = s + len;
    /* a sign, 18 digits and a point */
    if (len == 0 || len > QLI_PLAIN_NUMBER_DIGITS + 2)
        return 0;
    int neg = *p == '-';
    p += neg || *p == '+';
    uint64_t c = 0;
    const char *q = p;
    while (q < end && (unsigned)(*q - '0') < 10)
        c = c * 10 + (unsigned)(*q++ - '0');
    int digits = (int)(q - p), scale = 0;
    if (digits == 0)
        return 0;
    if (q < end) {
        if (*q != '.')
            return 0;
        const char *f = ++q;
        while (q < end && (unsigned)(*q - '0') < 10)
            c = c * 10 + (unsigned)(*q++ - '0');
        scale = (int)(q - f);
        if (scale == 0 || q != end)
            return 0;
        digits += scale;
    }
    if (digits > QLI_PLAIN_NUMBER_DIGITS)
        return 0;
    *coef = neg ? -(int64_t)c : (int64_t)c;
    *places = scale;
    return 1;
}

#endif
