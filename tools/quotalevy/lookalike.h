/*
 * lookalike.h — names compared as a reader sees them.  A column name can
 * carry characters that print as nothing (a zero-width space, a second
 * byte-order mark) or as an ASCII character's twin (full-width digits
 * and brackets): compared byte by byte it is another name, and the input
 * it was meant for would be read as empty.  The fold here is what the
 * near-miss check compares, and the invisible set is what every message
 * escapes, so the name a message prints is the name in the file.
 */
#ifndef QL_LOOKALIKE_H
#define QL_LOOKALIKE_H

#include <stddef.h>
#include <stdint.h>

/* The code point of the UTF-8 sequence at s (n bytes left) and its
 * length in *len; −1 (and *len 1) for a byte that starts no valid one:
 * the library's decoder (lib/utf8.h), for the front ends. */
int32_t utf8_decode(const char *s, size_t n, size_t *len);

/* Whether code point c prints as nothing or as a blank that is not the
 * ASCII space: C1 controls, format characters (U+200B–U+200F, U+2060…,
 * U+FEFF, bidirectional controls, variation selectors, tags), and the
 * other spaces (U+00A0, U+2000–U+200A, U+3000, …), and the
 * noncharacters (U+FDD0–U+FDEF, U+FFFE, U+10FFFF, …), as lib/snippet.h
 * shows them. */
int cp_invisible(int32_t c);

/* How a message shows code point c (−1: byte b, which starts no UTF-8
 * sequence): 0 when as it is, else 1 with its escape in esc — \n, \r,
 * \t, \xNN for another control or a byte that is not UTF-8, \uXXXX or
 * \UXXXXXXXX for a character cp_invisible names. */
#define CP_ESCAPE_SIZE 16
int cp_escape(int32_t c, unsigned char b, char esc[CP_ESCAPE_SIZE]);

/* The name as the near-miss check compares it, as code points into out
 * (room for strlen(s) of them; returns how many): characters that print
 * as nothing dropped, other blanks as '_', full-width forms
 * (U+FF01–U+FF5E) as their ASCII twins, then ASCII letters in lower
 * case, '-', '.' and ' ' as '_', and numbers without leading zeros — so
 * Positions[01], positions［1］, positions[１] and "positions[1]" with
 * a zero-width space are all alike. */
size_t name_fold(const char *s, int32_t *out);

#endif
