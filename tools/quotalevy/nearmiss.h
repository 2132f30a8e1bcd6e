/*
 * nearmiss.h — a name that is a slip of another: the same once folded
 * as a reader sees them (lookalike.h: case, separators, zero padding,
 * look-alike and invisible characters), or within edit distance 2 of
 * it (1 for a name of two characters) — but two list items of other
 * numbers (positions[13], positions[1]) are never a slip of each other.
 * An item a[1] (a[0], A[01], a[ 2 ], a[1][1]) of an input a that is one
 * value, no list, is a slip of a too (near_item_folded, P18-10): read as
 * an unrelated key, a was read as empty and took its default.
 * A key or column that is a near miss of an input with no value is
 * refused with "did you mean …" in every front end (docs/architecture.md,
 * "Keys that are not inputs").
 */
#ifndef QL_NEARMISS_H
#define QL_NEARMISS_H

#include <stddef.h>
#include <stdint.h>

/* Whether a and b are a near miss of each other (not equal): 0 if not,
 * else 1 + their distance (1: alike once folded). */
int col_near_miss(const char *a, const char *b);
/* The same for two names already folded (name_fold): 0, or 1 + the
 * distance; equal folded forms are a near miss too. */
int near_folded(const int32_t *a, size_t na, const int32_t *b, size_t nb);

/* The length of the folded name f[0…n) without its trailing item
 * indexes, "[digits]" (blanks in the brackets and before them folded to
 * '_' are allowed: a[ 2 ], a [1]); n when it has none. */
size_t near_item_base(const int32_t *f, size_t n);
/* Whether the folded name a, given, is an item of the one-value input b
 * (folded; a name without an index): a's base (near_item_base) equal to
 * b or a near miss of it (near_folded) — 0 if not, else 1 + the base's
 * distance (1: a[1], A[01] for a).  0 when a has no index or b has one:
 * list items are near_folded's. */
int near_item_folded(const int32_t *a, size_t na, const int32_t *b, size_t nb);
/* The near miss of a name given for an input as every front end looks
 * for one: near_folded, else near_item_folded — 0, or 1 + the distance. */
int near_input_folded(const int32_t *a, size_t na, const int32_t *b, size_t nb);
/* near_input_folded of two names not yet folded (0 when equal). */
int col_near_input(const char *a, const char *b);
/* Whether `a`, given, is an item of the one-value input `b`
 * (near_item_folded of the two): 0 if not, else 1 + the distance. */
int col_item_of(const char *a, const char *b);

#endif
