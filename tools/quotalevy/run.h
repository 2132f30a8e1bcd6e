/*
 * run.h — what the parts of `quotalevy run` share: the run's settings,
 * a row in flight (slot) and a worker thread.  cmd_run.c drives the
 * batches; run_slot.c turns an input row into a slot; run_row.c
 * evaluates a slot and writes its output or reject line.
 */
#ifndef QL_RUN_H
#define QL_RUN_H

#include "columns.h"
#include "csv.h"
#include "input.h"
#include "strbuf.h"
#include "totals.h"

#include <quotalevy.h>

/* What a named input column feeds: T_INPUT + i is input i (so last). */
enum { T_IGNORE, T_DATE, T_ID, T_INPUT };

typedef struct run_cfg {
    const ql_ruleset *rs;
    const char *input_name;
    int jsonl_out, explain, has_date;
    ql_date date;
    int id_input;      /* the rule set's 'id' input, or −1 */
    size_t nkeep;
    const char **keep; /* column names copied to the output */
    size_t ncols;      /* output columns */
    int rejects_csv;   /* rejects go to a CSV file (else to stderr) */
    int *out_check;    /* per output: its check index, or −1 */
    ql_type *out_type; /* per output: the type of its values */
    size_t csv_room;   /* > 0: every output is a number, bool, date or
                          check, and a CSV row's values need this many bytes
                          at most (put_csv_values) */
    /* the CSV header's column targets, worked out once */
    const char *const *map_names;
    size_t map_n;
    int *map_target, *map_keep;
    /* the same, as a mapped row is read (run_map_columns): per column the
     * input it feeds or −1 (map_field); the columns (0-based, −1 none) of
     * the date, of the id and of each --keep column (keep_col); per input
     * the column that feeds it (1-based, 0 none: input_col) */
    int *map_field, *keep_col, *input_col;
    int date_col, id_col;
    int id_checked;    /* the id column feeds a string input: a row that
                          reaches evaluation has it checked as UTF-8 by the
                          record's setter (copied_text_bad need not) */
    col_watch *watch;  /* columns read or ignored; the reading thread's */
    int jsonl_in, date_checked, first_checked;
    /* --group-by: the slot targets of the key columns (T_INPUT + i, or
     * −1 − keep index), for the totals */
    size_t ngroup;
    int *group_target;
} run_cfg;

/* One row in flight. */
typedef struct slot {
    long line;
    strbuf data;           /* the row's texts, NUL-separated */
    size_t n, cap;         /* fields */
    size_t *off, *len;     /* into data */
    int *target, *col;     /* T_*, or T_INPUT + input index; column number */
    const char *error;     /* the reader's reason, copied into data */
    size_t error_off;
    int error_column;
    size_t error_field_off, error_id_off; /* into data, or (size_t)−1 */
    ql_status error_status;
    /* a mapped CSV row's fields as read, before mapping (keep_raw): the
     * reader's arrays of their texts (in data) and lengths, taken over */
    size_t nraw, rawcap;
    const char **rawtext;
    size_t *rawlen;
    /* a plain CSV line handed over whole (csv_plain_lines): its bytes in
     * the batch's block, for the worker to cut (run_evaluate_slot) */
    int plain;
    int quoted; /* the plain line quotes whole fields (csv_split_quoted) */
    size_t poff, plen;
} slot;

typedef struct worker {
    const run_cfg *cfg;
    ql_record *rec;
    ql_result *res;
    totals *tot;  /* --summary: the rows this worker evaluated */
    /* the chunk's lines, appended in input order: output rows to out,
     * rejects to rej (the pipeline's buffers for the chunk it has taken);
     * nout and nrej count the batch's */
    strbuf *out, *rej;
    size_t nout, nrej;
    int oom;
    /* the row's --keep columns (nkeep: text, length, column): kept from
     * row to row */
    const char **keep_v;
    size_t *keep_l;
    int *keep_c;
    /* plain lines: the batch's block they lie in, and the line being cut
     * (CSV_PLAIN_MAX + 17 bytes) with its fields (map_n of them) */
    const char *block;
    char *line;
    const char **ftext;
    size_t *flen;
} worker;

static inline const char *slot_text(const slot *s, size_t k)
{
    return s->data.p + s->off[k];
}

/* run_slot.c */
/* Maps a column name to what it feeds (T_*). */
int run_target_of(const run_cfg *cfg, const char *name);
/* The --keep index of a column name, or −1. */
int run_keep_index(const run_cfg *cfg, const char *name);
/* Fills s from an input row (the reading thread); −1 out of memory. */
int run_fill_slot(const run_cfg *cfg, slot *s, const in_row *row);
/* The header's maps as a mapped row is read (map_field, keep_col,
 * input_col, date_col, id_col), from map_target and map_keep; −1 out of
 * memory.  run_unmap_columns frees them. */
int run_map_columns(run_cfg *cfg);
void run_unmap_columns(run_cfg *cfg);
void run_slot_free(slot *s);

/* run_row.c */
/* Counts the output columns and, given a line, appends their CSV header
 * names to it (",name" each), in order. */
size_t run_column_names(const ql_ruleset *rs, strbuf *line, int csv);
/* Evaluates slot s and appends its output line to w->out or its reject
 * line to w->rej, counting it (a worker). */
void run_evaluate_slot(const run_cfg *cfg, worker *w, slot *s);

#endif
