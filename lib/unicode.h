/*
 * unicode.h — the little of Unicode the library needs to compare text
 * honestly (unicode.c, tables in unicode_tables.c, generated from the
 * Unicode Character Database by tools/unicode/gen_tables.py).
 *
 * Enum values, string literals and the text fields formulas compare are
 * compared byte for byte, so two texts that look alike must be one byte
 * string: `café` written precomposed (U+00E9, NFC) and decomposed
 * (e + U+0301, NFD, as macOS file names and some PDF copies give it), or
 * `ab` with a zero-width space inside, would silently differ.  The
 * library does not normalise (no ICU, and an id passed through should
 * come out as it went in); it refuses such text where it would be
 * compared, naming the code point: rules files at their line, records
 * as the record's error.  Internal.
 */
#ifndef QL_UNICODE_H
#define QL_UNICODE_H

#include <stddef.h>
#include <stdint.h>

enum {
    QLI_UC_OK = 0,
    QLI_UC_INVISIBLE, /* a Default_Ignorable_Code_Point (U+200B, U+00AD, …) */
    QLI_UC_NOT_NFC,   /* text NFC writes otherwise */
    QLI_UC_BAD_UTF8
};

/* The first problem of a text: its kind, the code point, its byte
 * offset and its place among the characters (1 first). */
typedef struct {
    int kind;
    uint32_t cp;
    size_t at;
    size_t nth;
} qli_uc_problem;

/* Whether s[0, len) is valid UTF-8 in Normalization Form C with no
 * default-ignorable code point (QLI_UC_OK), else the first problem in
 * *p (p may be NULL).  ASCII is always OK and costs one pass.  The NFC
 * test is UAX #15's quick check (NFC_QC=No, canonical order), its
 * "maybe" decided by composition with the last starter, and a composed
 * letter followed by marks normalised as a cluster (é + U+0327 is
 * ȩ + U+0301 in NFC). */
int qli_uc_check(const char *s, size_t len, qli_uc_problem *p);

/* s[0, len) with its default-ignorable code points dropped and each mark
 * composed with its starter where NFC composes them, into out (size
 * bytes with the NUL); its length, or 0 when it does not fit or s is not
 * UTF-8.  For "did you mean": it can only shorten the text. */
size_t qli_uc_fold(const char *s, size_t len, char *out, size_t size);

/* A phrase for problem p ("an invisible character U+200B (character 2)",
 * "U+0301 (character 5), a mark NFC writes composed"), into buf. */
void qli_uc_describe(const qli_uc_problem *p, char *buf, size_t size);

/* Whether a message shows code point c as an escape, not as itself
 * (snippet.h): a control (C0, DEL, C1), a blank other than the ASCII
 * space, a default-ignorable code point (U+200B, U+FEFF, the bidi
 * controls …), a noncharacter; with marks, also a mark NFC would compose
 * or a character NFC writes otherwise. */
int qli_uc_unseen(uint32_t c, int marks);

/* The generated tables (unicode_tables.c), each sorted. */
extern const uint32_t qli_uc_ignorable[][2];
extern const size_t qli_uc_n_ignorable;
extern const uint32_t qli_uc_nfc_no[][2];
extern const size_t qli_uc_n_nfc_no;
extern const uint32_t qli_uc_nfc_maybe[][2];
extern const size_t qli_uc_n_nfc_maybe;
extern const uint32_t qli_uc_ccc[][3];
extern const size_t qli_uc_n_ccc;
extern const uint32_t qli_uc_compose[][3];
extern const size_t qli_uc_n_compose;

/* A character that prints like one a number or a formula is written
 * with (a look-alike, unicode.c's one table; ASCII '%', '&' and '|' too,
 * which are no operator): a run of code points (a run of digits follows
 * its first), what it stands for in a number ('0' for the first of a run
 * of digits, '%', '.', '-', '+'; 0 for nothing), what to write for it in
 * a formula ("'*'"; NULL for a digit, which writes its ASCII digit), and
 * what it is called (NULL for ASCII). */
typedef struct {
    uint32_t lo, hi;
    char number;
    const char *formula;
    const char *name;
} qli_uc_twin;

extern const qli_uc_twin qli_uc_twins[];
extern const size_t qli_uc_n_twins;

/* The row of code point c, or NULL when c looks like nothing. */
const qli_uc_twin *qli_uc_twin_of(uint32_t c);

/* Why s[0, len), refused as a number, may be one as a reader sees it:
 * its first character that prints like one of a number's ASCII ones
 * (a full-width or Arabic-Indic digit, '％', '．', '。', U+2212 '−', an
 * en dash …), as "'％' (U+FF05, a full-width percent sign) where '%' is
 * meant: write 1.7%" (every look-alike replaced; no "write" for a
 * '%' unless percent_ok), into buf; its length, or 0 (buf "") when it
 * has none.  An IME types such text (P6-06). */
/* s[0, len) with those look-alikes written in ASCII, into out (size
 * bytes, no NUL): its length, or 0 when it has none (or is past size). */
size_t qli_uc_number_untwinned(const char *s, size_t len, char *out,
                               size_t size);
size_t qli_uc_number_lookalike(const char *s, size_t len, int percent_ok,
                               char *buf, size_t size);

#endif
