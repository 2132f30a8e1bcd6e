/*
 * text64.h — a 64-bit number written as text at its display places,
 * straight into a line, for the writers of rows (result.c).  Internal.
 *
 * qli_qd_format_i64 (decimal_text.c) is the general form: it drops
 * zeros, and pads up to 36 places, and is what every other reader of a
 * result uses.  This one is the row writer's common case, inline: a
 * value c × 10^−s shown with `shown` ≥ s places (the fast path computes
 * most values at their display places or fewer), digits two at a time
 * into a small block copied as one piece.
 */
#ifndef QL_TEXT64_H
#define QL_TEXT64_H

#include "decimal.h"

#include <stdint.h>
#include <string.h>

/* The room qli_put_fixed may write past the text it returns (it copies
 * a whole block): a caller's buffer has this much at o. */
#define QLI_FIXED_ROOM 48

/* Writes c × 10^−s with `shown` places at o (which has QLI_FIXED_ROOM
 * bytes), no NUL; returns its length, or 0 when it is not this case (s
 * above `shown`, more than 18 places, or more than 24 shown): the caller
 * then takes qli_qd_format_i64.  The digits of |c|
 * are written once, two at a time, after zeros enough for "0.0…"; the
 * point goes in as the block is copied out. */
static inline size_t qli_put_fixed(char *o, int64_t c, int s, int shown)
{
    /* the places are one 24-byte copy: no more than 24 of them, or the
     * last bytes would be left unwritten (18 padded to 26 once were) */
    if ((unsigned)s > 18 || (unsigned)(shown - s) > (unsigned)(24 - s))
        return 0;
    char tmp[80];
    char *end = tmp + 40, *p = end;
    /* zeros before the digits (a value below 1 has them) and after them
     * (the padding, up to 24 places) */
    memcpy(tmp + 16, "0000000000000000", 16);
    memcpy(tmp + 32, "0000000000000000", 16);
    memcpy(tmp + 48, "0000000000000000", 16);
    uint64_t m = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
    while (m >= 100) {
        uint64_t q = m / 100; /* one multiplication for both */
        unsigned d = (unsigned)(m - q * 100) * 2;
        m = q;
        p -= 2;
        memcpy(p, qli_qd_digit_pairs + d, 2);
    }
    if (m >= 10) {
        p -= 2;
        memcpy(p, qli_qd_digit_pairs + m * 2, 2);
    } else {
        *--p = (char)('0' + m);
    }
    if (p > end - s - 1)
        p = end - s - 1; /* at least one digit before the point */
    size_t whole = (size_t)(end - s - p), n = 0;
    if (c < 0)
        o[n++] = '-';
    memcpy(o + n, p, 24); /* the whole part: at most 19 digits */
    n += whole;
    if (shown == 0)
        return n;
    o[n++] = '.';
    memcpy(o + n, end - s, 24); /* s places (≤ 18) and the zeros after */
    return n + (size_t)shown;
}

#endif
