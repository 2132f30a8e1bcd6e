/*
 * widesum.h — exact totals for --summary that cannot overflow.  A value
 * holds at most 36 digits before and 36 after the point; a total of up
 * to 2^63 of them needs 56 digits before it.  The sum is kept in base
 * 10^9 limbs, 72 digits before the point and 36 after, with positive and
 * negative parts apart (so adding is carry-only, and exact).
 */
#ifndef QL_WIDESUM_H
#define QL_WIDESUM_H

#include <stddef.h>
#include <stdint.h>

#include "quotalevy.h"

#define WIDESUM_FRAC 4  /* limbs after the point: 36 digits */
#define WIDESUM_LIMBS 12 /* 72 digits before it */

typedef struct widesum {
    uint32_t pos[WIDESUM_LIMBS], neg[WIDESUM_LIMBS]; /* least significant first */
    int scale; /* the largest scale added: the total's display scale */
} widesum;

/* Adds d, from its coefficient's digits (no text between).  −1, adding
 * nothing, for a decimal outside quotalevy.h's range (|coef| ≥ 10^36 or
 * a scale outside 0…36), which the library never hands out. */
int widesum_add(widesum *w, const ql_decimal *d);
/* Adds the total b into w (totals of two threads or two groups). */
void widesum_merge(widesum *w, const widesum *b);
/* Takes the total b from w (a comparison's change: after − before). */
void widesum_sub(widesum *w, const widesum *b);
/* The total as a decimal text at its scale, in buf (at least 120 bytes). */
void widesum_format(const widesum *w, char *buf, size_t size);

#endif
