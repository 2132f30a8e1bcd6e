/*
 * columns.h — which of the input's columns (CSV header names, or JSON
 * Lines keys) a run reads, and the ones it would ignore.  A column the
 * rules do not read is said once, before any of its rows is read; a
 * column whose name is a near miss of an input that has no column
 * (another case, zero padding such as positions[01], up to two letters
 * changed, a look-alike character such as a full-width digit or a
 * zero-width space) stops the run with "did you mean …", and so does a
 * list input's name with an index that is none of its items, since reading on
 * would leave that input empty and change the levy without a word.  So
 * does a list input's bare name (full_time for full_time[1] …), a column
 * holding input names run together by another separator (a ';'- or
 * tab-separated file read as one column), and a header or record of
 * which no column is an input while some are read as nothing (every row
 * would be evaluated on the defaults alone).  So does a header with some
 * of a list input's item columns but not all (an export that lost a
 * month: every row would read it as empty); in JSON Lines, that record is
 * rejected.  --ignore-columns names columns to ignore knowingly (and a
 * list's missing items to read as empty knowingly).
 */
#ifndef QL_COLUMNS_H
#define QL_COLUMNS_H

#include <stddef.h>

#include "quotalevy.h"

typedef struct col_watch col_watch;

/* `ignore`: the --ignore-columns list ("a,b", "*" for every column the
 * rules do not read), or NULL; `keep`: the --keep names; `has_date`:
 * whether --date was given.  NULL out of memory. */
col_watch *col_watch_new(const ql_ruleset *rs, const char *ignore,
                         const char *const *keep, size_t nkeep, int has_date);
void col_watch_free(col_watch *w);
/* Whether a column of this name is ignored by --ignore-columns. */
int col_ignored(const col_watch *w, const char *name);
/* A CSV header (on line `line`): notes the columns it ignores (one
 * message), and −1 after saying each near miss (the run stops).  Every
 * message is located as a reject is, INPUT:LINE:COLUMN: (the column's
 * number) when it is about one column, INPUT:LINE: when about the
 * header. */
int col_check_header(col_watch *w, const char *cmd, const char *input,
                     long line, const char *const *names, size_t n);
/* A JSON Lines record's keys, as they come.  The first record's are the
 * file's header: its keys the rules do not read are noted, and its slips
 * (those of col_check_header, and some of a list's items) said, −1 (the
 * run stops).  A later record is held to the first's keys: one that
 * lacks a key the first gives to an input, has a key the rules do not
 * read that the first has not, a near miss, some of a list's items, no
 * input, or a 'date' beside --date is that record's slip: 0 with its
 * reason in *reject (owned by w, valid until the next call) and the key
 * in *field (NULL: none), the first in the fixed order of every front
 * end; else *reject NULL. */
int col_check_keys(col_watch *w, const char *cmd, const char *input, long line,
                   const char *const *names, size_t n, const char **reject,
                   const char **field);
/* col_check_keys of a record read whole: the first record's messages
 * about one key are located INPUT:LINE:COLUMN: at the byte of its value
 * (where a later record's reject of that key points), those about the
 * record INPUT:LINE:. */
struct in_row;
int col_check_record(col_watch *w, const char *cmd, const char *input,
                     const struct in_row *row, const char **reject,
                     const char **field);
/* The fields of `row` that --ignore-columns does not drop, into *kept
 * (arrays allocated here, freed with col_kept_free).  −1 out of memory. */
int col_keep_read(const col_watch *w, const struct in_row *row,
                  struct in_row *kept);
void col_kept_free(struct in_row *kept);
/* How many items NAME[1] … NAME[n] the list input `name` has (its name
 * as written, without an index), or 0 when it is no list input. */
int col_list_items(const ql_ruleset *rs, const char *name);
/* The list input that `name`, given where an input or a column is meant
 * (--set, --keep, --group-by, --ignore-columns), names bare (full_time of
 * full_time[1] … full_time[12]: *exact 1) or nearly (full_tim, Full_Time:
 * *exact 0): its first item's name, its item count in *items; NULL when
 * it names none.  The caller says which items are meant. */
const char *col_list_named(const col_watch *w, const char *name, int *items,
                           int *exact);
/* col_list_named's finding as words for a message about `name` into buf:
 * "'positions' is a list input of 12 items: name its items,
 * positions[1] … positions[12]" or "did you mean the list 'positions',
 * items positions[1] … positions[12]?"; NULL when it finds none. */
const char *col_list_hint(const col_watch *w, const char *name, char *buf,
                          size_t size);

#endif
