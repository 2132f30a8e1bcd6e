/*
 * nearmiss.h — a name that is a slip of another: the same once folded
 * as a reader sees them (lookalike.h: case, separators, zero padding,
 * look-alike and invisible characters), or within edit distance 2 of
 * it (1 for a name of two characters) — but two list items of other
 * numbers (positions[13], positions[1]) are never a slip of each other.
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

#endif
