/*
 * nearidx.h — the names a misspelt one may have been meant for, found
 * without comparing it with every name.  A header of M columns checked
 * against a rule set of N inputs compared every pair (M × N edit
 * distances: 20,000 inputs and 2,000 unknown columns took 200 s before
 * the first row, P3-23); this index gives each query the few names that
 * can be within edit distance 2 of it once both are folded (lookalike.h),
 * so a header costs about M + N.
 *
 * How: a name of 9 or more characters is cut in three parts; two edits
 * leave one part whole, within two places of where it was, so a query
 * looks up, for each length it could have been, each part at each of
 * those places.  A shorter name is indexed by every form of it with up
 * to two characters left out, and so is a short query: two edits leave
 * the two names one such form in common.  Every name within distance 2
 * is among the candidates, and so is every name within 2 of an item's
 * base (a for a[1], nearmiss.h); the caller measures each (col_near_miss,
 * col_near_input).
 */
#ifndef QL_NEARIDX_H
#define QL_NEARIDX_H

#include <stddef.h>

typedef struct near_idx near_idx;

/* An index of n names, name(ctx, i) for i < n (each NUL-terminated,
 * valid while the index is used).  NULL out of memory. */
near_idx *near_idx_new(size_t n, const char *(*name)(void *ctx, size_t i),
                       void *ctx);
void near_idx_free(near_idx *x);

/* Calls visit(ctx, i) for each name i that may be within edit distance
 * 2 of q once both are folded, or of q's base when q is an item
 * (near_item_base): every such name at least once (some more than once,
 * and some farther: measure them).  −1 out of memory. */
int near_idx_each(const near_idx *x, const char *q,
                  void (*visit)(void *ctx, size_t i), void *ctx);

#endif
