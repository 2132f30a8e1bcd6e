/*
 * reject.h — how the command words a row it refuses: one line format
 * for run's rejects on standard error, compare's "not compared" and
 * "fails under …" lines and explain --row's refusal, and one split of an
 * evaluation error into the field it concerns and its message, so the
 * three front ends of the command say the same of the same row
 * (docs/architecture.md, "Where a reject points").
 */
#ifndef QL_REJECT_H
#define QL_REJECT_H

#include "quotalevy.h"
#include "strbuf.h"

/* An evaluation (or a value's) error as a reject gives it: the field it
 * concerns in *field ("" when none) and its message into buf, located in
 * the rules file (FILE:LINE:COLUMN: …) when a formula's.  Returns buf. */
const char *rj_error(const ql_error *err, char *buf, size_t size,
                     const char **field);

/* Appends one line to b: PATH:LINE[:COLUMN]: WHAT[ (id ID)]: [field
 * 'FIELD': ]MSG and a line end, every text escaped (sb_put_escaped) so
 * that no value of the row forges a line; column ≤ 0 is none, and an id
 * that is not UTF-8 text (in_id_named) is not named. */
void rj_line(strbuf *b, const char *path, long line, int column,
             const char *what, const char *id, const char *field,
             const char *msg);

/* The reason a row without its evaluation date is refused (no --date,
 * and its own 'date' empty or absent), in the words run's rejects give
 * it: `empty` when the row has a 'date' field (the reject points at it),
 * 0 when it has none. */
const char *rj_no_date(int empty);

/* Says (cli_error, for command cmd) that the input at PATH:LINE can give
 * no row its evaluation date, before any row: its header (jsonl 0) has no
 * 'date' column, or its first record (jsonl 1) no 'date' key, and there
 * is no --date.  One wording for run, compare and explain. */
void rj_no_date_column(const char *cmd, const char *path, long line, int jsonl);

/* rj_line onto standard error. */
void rj_say(const char *path, long line, int column, const char *what,
            const char *id, const char *field, const char *msg);

#endif
