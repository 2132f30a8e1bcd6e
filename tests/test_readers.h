/*
 * test_readers.h — the harness of the readers' tests (test_csv.c,
 * test_jsonl.c), after test_util.h: a reader's records written in a
 * table's notation, one line for the whole input, so that each table
 * entry says in one string what the reader must make of its input.
 */
#ifndef QL_TEST_READERS_H
#define QL_TEST_READERS_H

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

/* What reader_outcome tells the reading loop. */
enum { READ_STOP, READ_SKIP, READ_RECORD };

/*
 * Writes the outcome `st` of one reader call (csv_next, jsonl_next) into
 * b, after a blank when b holds earlier ones: −2, a read error, as
 * READ-ERROR and ":message" when there is one (READ_STOP: the reading
 * ends); −1, a malformed record, as ERR_LINE!COLUMN:message (READ_SKIP);
 * 1, a record, as LINE and `open`, its fields for the caller to write
 * (READ_RECORD).
 */
static inline int reader_outcome(strbuf *b, int st, const char *error,
                                 long err_line, int err_column, long line,
                                 char open)
{
    char num[64];
    if (b->len)
        sb_putc(b, ' ');
    if (st == -2) {
        sb_puts(b, "READ-ERROR");
        if (error) {
            sb_putc(b, ':');
            sb_puts(b, error);
        }
        return READ_STOP;
    }
    if (st == -1) {
        snprintf(num, sizeof num, "%ld!%d:", err_line, err_column);
        sb_puts(b, num);
        sb_puts(b, error);
        return READ_SKIP;
    }
    assert_int_equal(st, 1);
    snprintf(num, sizeof num, "%ld%c", line, open);
    sb_puts(b, num);
    return READ_RECORD;
}

#endif
