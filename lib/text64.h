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
#define QLI_FIXED_ROOM 32

/* Writes c × 10^−s with `shown` places at o (which has QLI_FIXED_ROOM
 * bytes), no NUL; returns its length, or 0 when it is not this case (s
 * above `shown`, or more than 18 places or 8 zeros of padding): the
 * caller then takes qli_qd_format_i64. */
static inline size_t qli_put_fixed(char *o, int64_t c, int s, int shown)
{
    int pad = shown - s;
    if ((unsigned)s > 18 || (unsigned)pad > 8)
        return 0;
    char tmp[96];
    char *end = tmp + 48, *p = end;
    uint64_t m = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
    p -= pad;
    memcpy(p, "00000000", 8); /* pad of them before end, the rest after */
    int k = s;
    for (; k >= 2; k -= 2) {
        unsigned d = (unsigned)(m % 100) * 2;
        m /= 100;
        p -= 2;
        memcpy(p, qli_qd_digit_pairs + d, 2);
    }
    if (k) {
        *--p = (char)('0' + m % 10);
        m /= 10;
    }
    if (shown > 0)
        *--p = '.';
    while (m >= 100) {
        unsigned d = (unsigned)(m % 100) * 2;
        m /= 100;
        p -= 2;
        memcpy(p, qli_qd_digit_pairs + d, 2);
    }
    if (m >= 10) {
        p -= 2;
        memcpy(p, qli_qd_digit_pairs + m * 2, 2);
    } else {
        *--p = (char)('0' + m);
    }
    if (c < 0)
        *--p = '-';
    /* at most 29 bytes (a sign, 19 digits with the places, the point,
     * 8 zeros), so the block stays inside tmp */
    memcpy(o, p, QLI_FIXED_ROOM);
    return (size_t)(end - p);
}

#endif
