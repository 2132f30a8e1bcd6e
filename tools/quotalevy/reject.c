/*
 * reject.c — the words of a refused row (see reject.h).
 */
#include "reject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"   /* cli_error, CLI_SNIP */
#include "input.h" /* in_id_named */

const char *rj_error(const ql_error *err, char *buf, size_t size,
                     const char **field)
{
    *field = err->field;
    if (err->file[0]) /* a formula's: where in the rules, as the library says */
        ql_error_format(buf, size, err);
    else /* a value's or the record's: the field is named beside it */
        snprintf(buf, size, "%s", err->message);
    return buf;
}

void rj_line(strbuf *b, const char *path, long line, int column,
             const char *what, const char *id, const char *field,
             const char *msg)
{
    char num[48];
    id = in_id_named(id, id ? strlen(id) : 0);
    sb_put_escaped(b, path, strlen(path));
    if (column > 0)
        snprintf(num, sizeof num, ":%ld:%d: ", line, column);
    else
        snprintf(num, sizeof num, ":%ld: ", line);
    sb_puts(b, num);
    sb_puts(b, what);
    if (id) {
        sb_puts(b, " (id ");
        sb_puts(b, CLI_SNIP(id)); /* escaped and cut as a message quotes */
        sb_putc(b, ')');
    }
    sb_puts(b, ": ");
    if (field && *field) {
        sb_puts(b, "field '");
        sb_puts(b, CLI_SNIP(field));
        sb_puts(b, "': ");
    }
    sb_put_escaped(b, msg, strlen(msg));
    sb_putc(b, '\n');
}

const char *rj_no_date(int empty)
{
    return empty ? "no evaluation date: the row's 'date' is empty "
                   "(give one, or --date for every row)"
                 : "no evaluation date: the row has no 'date' "
                   "(give one, or --date for every row)";
}

void rj_no_date_column(const char *cmd, const char *path, long line, int jsonl)
{
    if (jsonl)
        cli_error(
            cmd,
            "%s:%ld: no evaluation date: the first record has no 'date' key; "
            "give --date YYYY-MM-DD or a 'date' in every record",
            path, line);
    else
        cli_error(
            cmd,
            "%s:%ld: no evaluation date: the header has no 'date' column; "
            "give --date YYYY-MM-DD",
            path, line);
}

void rj_say(const char *path, long line, int column, const char *what,
            const char *id, const char *field, const char *msg)
{
    strbuf b = {0};
    rj_line(&b, path, line, column, what, id, field, msg);
    if (b.p)
        fwrite(b.p, 1, b.len, stderr);
    free(b.p);
}
