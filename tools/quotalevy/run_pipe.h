/*
 * run_pipe.h — `quotalevy run`'s batch pipeline (run_pipe.c): the rows of
 * an input read, evaluated on worker threads and written in input order,
 * with the output and reject files' counts.
 */
#ifndef QL_RUN_PIPE_H
#define QL_RUN_PIPE_H

#include "cli.h"
#include "outfile.h"
#include "run.h"

typedef struct run_pipe run_pipe;

typedef struct run_counts {
    long long read, written, rejected;
} run_counts;

typedef struct run_progress {
    int show;              /* a progress line on standard error */
    long long total_bytes; /* the input's size, or ≤ 0 unknown */
} run_progress;

/* The slots, nworkers workers (each with its record, result and, given
 * `with_totals`, a table of totals by `ngroup` keys) and their threads.  NULL
 * out of memory.  cfg stays the caller's and must outlive the pipe. */
run_pipe *run_pipe_new(run_cfg *cfg, size_t nworkers, int with_totals, size_t ngroup);
/* Every row of rd to out or rej (rejects to standard error without a
 * --rejects file), counted in c.  0, or −1 with the reason said (a read
 * or write error, out of memory). */
int run_pipe_run(run_pipe *p, in_reader *rd, outfile *out, outfile *rej,
                 const run_progress *pr, run_counts *c);
/* After run_pipe_run: the workers' totals merged (owned by the pipe);
 * NULL out of memory. */
totals *run_pipe_totals(run_pipe *p);
void run_pipe_free(run_pipe *p);

#endif
