/*
 * test_shown.h — for the readers' tests (test_csv.c, test_jsonl.c): field
 * bytes appended so that a table entry can show them on one line.
 */
#ifndef QL_TEST_SHOWN_H
#define QL_TEST_SHOWN_H

#include <stdio.h>

#include "strbuf.h"

/* LF, CR and the backslash as \n, \r, \\; other control bytes as \xNN. */
static inline void sb_put_shown(strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[8];
        if (c == '\n')
            sb_puts(b, "\\n");
        else if (c == '\r')
            sb_puts(b, "\\r");
        else if (c == '\\')
            sb_puts(b, "\\\\");
        else if (c < 0x20) {
            snprintf(e, sizeof e, "\\x%02X", c);
            sb_puts(b, e);
        } else
            sb_putc(b, (char)c);
    }
}

#endif
