/*
 * sumcell.h — a 16-byte exact sum for the totals of a summary, per output
 * and per group.  A province summarised by unit has one group per row:
 * a wide sum (widesum.h, 100 bytes) in every cell of every group cost
 * 7.3 KB a group with Jilin's rules (P16-01).  Almost every total fits
 * 64 bits, so a cell holds the sum as an int64 coefficient at the
 * largest scale added so far; the first addition that would overflow it
 * (or a value wider than 64 bits) moves the cell into a wide sum kept in
 * its table's pool, where it stays.  Exact either way: the total is the
 * wide sum's, digit for digit.
 */
#ifndef QL_SUMCELL_H
#define QL_SUMCELL_H

#include "widesum.h"

#include <stddef.h>
#include <stdint.h>

#include <quotalevy.h>

/* A zeroed cell is the sum of nothing: 0 at scale 0. */
typedef struct sumcell {
    int64_t coef;  /* the sum × 10^scale, while it is not wide */
    int32_t scale; /* the largest scale added (widesum.scale once wide) */
    uint32_t wide; /* 0, or 1 + the index of its wide sum in the pool */
} sumcell;

/* The wide sums of one table's cells; a zeroed pool is empty. */
typedef struct sumpool {
    widesum *w;
    size_t n, cap;
} sumpool;

/* Adds d to c.  −1, adding nothing, for a decimal outside quotalevy.h's
 * range (as widesum_add), or out of memory growing the pool. */
int sumcell_add(sumcell *c, sumpool *pool, const ql_decimal *d);
/* Adds the cell b (of pool bpool: another thread's or another group's
 * table) into c.  −1 out of memory. */
int sumcell_merge(sumcell *c, sumpool *pool, const sumcell *b,
                  const sumpool *bpool);
/* The sum as a wide sum, at its scale (for widesum_format, widesum_sub). */
void sumcell_get(const sumcell *c, const sumpool *pool, widesum *out);
/* The sum's text as widesum_format writes it, at least at min_scale
 * places, into buf (at least 120 bytes): straight from 64 bits while
 * the cell is not wide — a summary by unit formats millions of sums. */
void sumcell_format(const sumcell *c, const sumpool *pool, int min_scale,
                    char *buf, size_t size);
/* Frees the pool's wide sums (its cells are the caller's); the pool is
 * empty after. */
void sumpool_free(sumpool *pool);

#endif
