/*
 * snippet.h — how a message quotes what the user wrote: a value from a
 * record, a CSV field, a key, a formula, an enum value, a parameter's
 * value, an override's text.  The one function every message site uses,
 * so that whatever the input, the message stays one line of valid UTF-8
 * that fits its buffer with its location and its "expected …" intact
 * (docs/security.md, "Quoted text in messages").  Internal.
 */
#ifndef QL_SNIPPET_H
#define QL_SNIPPET_H

#include <stddef.h>

/* A quote shows at most QLI_SNIP_CHARS characters of the text, in at most
 * QLI_SNIP_BYTES bytes (escapes included); a longer text is cut at a
 * character boundary, marked "…" and followed by its whole length:
 * '企业企业…' (300 characters).  QLI_SNIP_SIZE holds any quote with its
 * quotes and that tail. */
#define QLI_SNIP_CHARS 60
#define QLI_SNIP_BYTES 150
#define QLI_SNIP_SIZE 192

/* The longest escape of one character ("\U0010FFFF") with its NUL. */
#define QLI_SNIP_ESC 12

/* Flags of qli_snip. */
enum {
    /* also escape the marks NFC would compose (e + U+0301 shown
     * e\u0301): for text refused for not being NFC */
    QLI_SNIP_MARKS = 1
};

/* The character at s (n > 0 bytes left) as a message shows it, into out:
 * itself, or an escape — \n, \r, \t; \xNN for another control and for a
 * byte that starts no UTF-8 character; \uXXXX (\UXXXXXXXX past U+FFFF)
 * for a C1 control, a character that prints as nothing or as a blank
 * other than the ASCII space (U+00A0, U+200B, U+FEFF, bidi controls, line
 * separators), a noncharacter (U+FFFE, U+10FFFF), and with
 * QLI_SNIP_MARKS a mark NFC would compose.  Returns the bytes written (no
 * NUL); *len is the bytes of s it stands for. */
size_t qli_snip_char(const char *s, size_t n, unsigned flags, size_t *len,
                     char out[QLI_SNIP_ESC]);

/* Text s[0, len) quoted for a message into buf (size bytes, NUL
 * included): between two `quote` characters ('\'' or '"'; 0 for none),
 * each character as qli_snip_char shows it, cut as described above when
 * it is longer than QLI_SNIP_CHARS characters, QLI_SNIP_BYTES bytes or
 * what size leaves room for (quoted: '…' (N characters) after the cut;
 * unquoted: … alone).  Never more than size − 1 bytes.  Returns buf, so a
 * call can stand as a printf argument. */
const char *qli_snip(char *buf, size_t size, const char *s, size_t len,
                     int quote, unsigned flags);

/* qli_snip of a NUL-terminated text s (NULL as ""). */
const char *qli_snip_str(char *buf, size_t size, const char *s, int quote);

/* The texts values[0, n) (lens[i] bytes each) as a list for "expected one
 * of: …": each shown unquoted as qli_snip shows it (a long one cut to
 * QLI_SNIP_SHORT bytes), ", " between, ending ", …" when the rest does
 * not fit size.  Returns buf. */
const char *qli_snip_list(char *buf, size_t size, const char *const *values,
                          const size_t *lens, size_t n);

/* A whole message src into dst (size bytes): each character as
 * qli_snip_char shows it, cut at a character (or escape) with "…" when it
 * does not fit.  Every ql_error's file, field and message pass through it
 * (error.c), a rule test's failures, and the command's own messages. */
void qli_message_clean(char *dst, size_t size, const char *src);

/* A quote as a printf argument, in a buffer of its own that lives to the
 * end of the enclosing block: QLI_QUOTE(text) for '…' of a NUL-terminated
 * text, QLI_QUOTE_N(text, len) of len bytes, QLI_DQUOTE_N for "…", and
 * QLI_QUOTE_SHORT / QLI_BARE_SHORT (unquoted) in QLI_SNIP_SHORT bytes,
 * for a message that quotes two texts.  For error paths, not for a
 * function the input makes recurse (each call's frame would hold one). */
#define QLI_SNIP_SHORT 96
#define QLI_QUOTE(s)                                                           \
    qli_snip_str((char[QLI_SNIP_SIZE]){0}, QLI_SNIP_SIZE, (s), '\'')
#define QLI_QUOTE_N(s, n)                                                      \
    qli_snip((char[QLI_SNIP_SIZE]){0}, QLI_SNIP_SIZE, (s), (n), '\'', 0)
#define QLI_DQUOTE_N(s, n)                                                     \
    qli_snip((char[QLI_SNIP_SIZE]){0}, QLI_SNIP_SIZE, (s), (n), '"', 0)
#define QLI_QUOTE_SHORT(s)                                                     \
    qli_snip_str((char[QLI_SNIP_SHORT]){0}, QLI_SNIP_SHORT, (s), '\'')
#define QLI_BARE_SHORT(s)                                                      \
    qli_snip_str((char[QLI_SNIP_SHORT]){0}, QLI_SNIP_SHORT, (s), 0)

#endif
