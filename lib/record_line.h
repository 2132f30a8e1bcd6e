/*
 * record_line.h — a plain delimited line cut and set into a record in
 * one pass (record_line.c).  Internal: hidden in the shared library, for
 * the command, which links the library's static build.
 */
#ifndef QL_RECORD_LINE_H
#define QL_RECORD_LINE_H

#include <quotalevy.h>

#include <stddef.h>

/* The bytes a line's buffer has after its ',' (any contents: written). */
#define QLI_LINE_PAD 16

/* Cuts line (len bytes with no quote, CR, LF or NUL; line[len] and the
 * QLI_LINE_PAD bytes after it are the caller's, written here) at its
 * commas and sets each column j < ncols into field fields[j] (−1: no
 * field) of rec as it is read: a number's digits read once, for its
 * value and to find its end.  Each column's text is left in place, its
 * comma made a NUL, in texts[j] and lens[j].  Returns the number of
 * fields the line holds (≠ ncols: not the header's width; the columns
 * past the last are not cut).  *set is 1 when every value was set, 0
 * when one was refused or is not for this way to decide: then
 * ql_record_set_texts over texts and lens sets the row again and says
 * which value is refused and why, as for a row cut the usual way. */
size_t qli_record_set_line(ql_record *rec, const int *fields, size_t ncols,
                           char *line, size_t len, const char **texts,
                           size_t *lens, int *set);

#endif
