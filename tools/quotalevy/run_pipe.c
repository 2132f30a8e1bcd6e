/*
 * run_pipe.c — `quotalevy run`'s batches: rows read into slots, evaluated
 * by worker threads, written in input order.
 *
 * Three batches are in flight: while the workers evaluate one, the
 * reading thread writes the one before it and reads the one after it.
 * The workers are started once (run_pool.h) and woken for each batch.
 * A batch is cut into chunks of CHUNK_ROWS rows, each with its own
 * output and reject lines, and each worker takes the next chunk not yet
 * taken until none is left: so the workers end a batch together however
 * the reading thread's work and the rows' costs fall on them (with
 * fixed halves, the worker that shared its core with the reading thread
 * still had rows to do when the other was done, and a core stood idle),
 * and the chunks' lines, written in chunk order, are in input order.
 * The slots, their buffers and the workers' records and results are
 * made once and reused, so that a batch costs no allocation once the
 * ring has turned.  Memory is three
 * batches, whatever the input's size.  Every slot ends as exactly one
 * output row or one reject.
 */
#include "run_pipe.h"

#include "run_pool.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 4096
/* A batch also ends once its rows' texts pass this many bytes: with three
 * batches in flight, the rows' memory stays within 3 × (BATCH_BYTES + one
 * record of at most CSV_MAX_RECORD) however wide the rows (docs/security.md). */
#define BATCH_BYTES (16u << 20)
/* The rows a worker takes at a time (a batch has at most NCHUNKS). */
#define CHUNK_ROWS 128
#define NCHUNKS ((BATCH + CHUNK_ROWS - 1) / CHUNK_ROWS)

/* A worker's task for the pool: its worker and the pipe it takes
 * chunks from. */
typedef struct task {
    struct run_pipe *pipe;
    worker *w;
} task;

struct run_pipe {
    run_cfg *cfg;
    size_t nworkers;
    slot *slots; /* 3 × BATCH */
    worker *ws;
    task *tasks;
    void **wp;   /* &tasks[i], the pool's tasks */
    run_pool *pool;
    /* per batch of the ring and chunk: its output and reject lines, in
     * input order; kept from batch to batch, so that lines cost no
     * allocation once the ring has turned */
    strbuf *outb, *rejb; /* [3 × NCHUNKS] */
    /* the batch being evaluated (set before the pool starts): its ring
     * index, rows and chunks, and the next chunk not yet taken */
    int kcur;
    size_t ncur, nchunks;
    atomic_size_t next;
    strbuf errs; /* a batch's rejects for standard error, written at once */
    /* plain CSV lines: handed to the workers whole, in each batch's block
     * of bytes (blocks[3]), found by the reading thread (lines) */
    int plain;
    strbuf blocks[3];
    csv_line *lines;
};

/* A worker's share of a batch: chunk after chunk, each the next not
 * yet taken, its lines into the chunk's buffers. */
static void work(void *arg)
{
    task *t = arg;
    struct run_pipe *p = t->pipe;
    worker *w = t->w;
    slot *slots = p->slots + (size_t)p->kcur * BATCH;
    w->block = p->blocks[p->kcur].p;
    for (;;) {
        size_t c = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (c >= p->nchunks)
            return;
        w->out = &p->outb[(size_t)p->kcur * NCHUNKS + c];
        w->rej = &p->rejb[(size_t)p->kcur * NCHUNKS + c];
        w->out->len = w->rej->len = 0;
        size_t to = (c + 1) * CHUNK_ROWS < p->ncur ? (c + 1) * CHUNK_ROWS : p->ncur;
        for (size_t i = c * CHUNK_ROWS; i < to; i++)
            run_evaluate_slot(w->cfg, w, &slots[i]);
    }
}

run_pipe *run_pipe_new(run_cfg *cfg, size_t nworkers, int with_totals, size_t ngroup)
{
    run_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = cfg;
    p->nworkers = nworkers;
    p->slots = calloc(3 * BATCH, sizeof *p->slots);
    p->ws = calloc(nworkers, sizeof *p->ws);
    p->tasks = calloc(nworkers, sizeof *p->tasks);
    p->wp = calloc(nworkers, sizeof *p->wp);
    p->outb = calloc(3 * NCHUNKS, sizeof *p->outb);
    p->rejb = calloc(3 * NCHUNKS, sizeof *p->rejb);
    atomic_init(&p->next, 0);
    /* the workers cut a mapped CSV input's plain lines themselves */
    p->plain = cfg->map_n > 0 && !cfg->jsonl_in;
    p->lines = p->plain ? calloc(BATCH, sizeof *p->lines) : NULL;
    if (!p->slots || !p->ws || !p->tasks || !p->wp || !p->outb || !p->rejb ||
        (p->plain && !p->lines)) {
        run_pipe_free(p);
        return NULL;
    }
    /* a CSV header's maps as the workers read a row through them (freed
     * with the pipeline) */
    if (cfg->map_n && run_map_columns(cfg)) {
        run_pipe_free(p);
        return NULL;
    }
    for (size_t t = 0; t < nworkers; t++) {
        ql_error err;
        worker *w = &p->ws[t];
        w->cfg = cfg;
        p->tasks[t].pipe = p;
        p->tasks[t].w = w;
        p->wp[t] = &p->tasks[t];
        w->keep_v = calloc(cfg->nkeep + 1, sizeof *w->keep_v);
        w->keep_l = calloc(cfg->nkeep + 1, sizeof *w->keep_l);
        w->keep_c = calloc(cfg->nkeep + 1, sizeof *w->keep_c);
        if (p->plain) {
            w->line = malloc(CSV_PLAIN_MAX + 17);
            w->ftext = calloc(cfg->map_n + 1, sizeof *w->ftext);
            w->flen = calloc(cfg->map_n + 1, sizeof *w->flen);
        }
        if (!w->keep_v || !w->keep_l || !w->keep_c ||
            (p->plain && (!w->line || !w->ftext || !w->flen)) ||
            ql_record_new(&w->rec, cfg->rs, &err) || ql_result_new(&w->res, cfg->rs, &err) ||
            (with_totals && !(w->tot = tot_new(cfg->rs, ngroup)))) {
            run_pipe_free(p);
            return NULL;
        }
    }
    if (!(p->pool = run_pool_new(work, p->wp, nworkers))) {
        run_pipe_free(p);
        return NULL;
    }
    return p;
}

void run_pipe_free(run_pipe *p)
{
    if (!p)
        return;
    run_pool_free(p->pool); /* first: it waits for a batch still running */
    for (size_t t = 0; p->ws && t < p->nworkers; t++) {
        ql_record_free(p->ws[t].rec);
        ql_result_free(p->ws[t].res);
        tot_free(p->ws[t].tot);
        free(p->ws[t].keep_v);
        free(p->ws[t].keep_l);
        free(p->ws[t].keep_c);
        free(p->ws[t].line);
        free(p->ws[t].ftext);
        free(p->ws[t].flen);
    }
    for (int k = 0; k < 3; k++)
        free(p->blocks[k].p);
    free(p->lines);
    run_unmap_columns(p->cfg);
    for (size_t i = 0; p->slots && i < 3 * BATCH; i++)
        run_slot_free(&p->slots[i]);
    free(p->slots);
    free(p->ws);
    free(p->tasks);
    free(p->wp);
    for (size_t i = 0; p->outb && p->rejb && i < 3 * NCHUNKS; i++) {
        free(p->outb[i].p);
        free(p->rejb[i].p);
    }
    free(p->outb);
    free(p->rejb);
    free(p->errs.p);
    free(p);
}

totals *run_pipe_totals(run_pipe *p)
{
    for (size_t t = 1; t < p->nworkers; t++)
        if (tot_merge(p->ws[0].tot, p->ws[t].tot))
            return NULL;
    return p->ws[0].tot;
}

/* A JSON Lines record's keys: a near miss of an input stops the run, and
 * without --date the first record must have a date. */
static int jsonl_checks(run_cfg *cfg, in_row *row)
{
    const char *reject, *field;
    if (col_check_keys(cfg->watch, "run", cfg->input_name, row->line, row->name,
                       row->n, &reject, &field))
        return -1;
    if (reject) { /* the record's own slip: rejected, the run goes on */
        in_row_reject(row, reject, field, QL_ERECORD);
        return 0;
    }
    if (cfg->has_date || cfg->date_checked)
        return 0;
    cfg->date_checked = 1;
    for (size_t k = 0; k < row->n; k++)
        if (!strcmp(row->name[k], "date") && !col_ignored(cfg->watch, "date"))
            return 0;
    cli_error("run", "%s:%ld: no evaluation date: the first record has no 'date' "
                     "key; give --date YYYY-MM-DD or a 'date' in every record",
              cfg->input_name, row->line);
    return -1;
}

/* Plain lines of a mapped CSV input into slots n… of batch k of the
 * ring, their bytes into its block (one copy a run, no cutting: the
 * workers cut them); the count taken (0: the next row is not one), or
 * −2 out of memory. */
static long take_plain(run_pipe *p, in_reader *rd, int k, size_t n, size_t *bytes)
{
    strbuf *blk = &p->blocks[k];
    size_t before = blk->len;
    long first;
    int got = in_plain_lines(rd, blk, p->lines, BATCH - n, BATCH_BYTES - *bytes, &first);
    if (got < 0)
        return -2;
    slot *s = p->slots + (size_t)k * BATCH + n;
    const csv_line *ln = p->lines;
    for (int j = 0; j < got; j++, s++) {
        s->plain = 1;
        s->line = first + j;
        s->poff = ln[j].off;
        s->plen = ln[j].len;
        s->error = NULL;
        s->nraw = s->n = 0;
    }
    *bytes += blk->len - before;
    return got;
}

/* Reads up to BATCH rows into the slots of batch k of the ring; the
 * count, or −1 (read error, said) or −2 (out of memory). *eof is set at
 * the end of the input. */
static long read_batch(run_pipe *p, in_reader *rd, int k, int *eof)
{
    run_cfg *cfg = p->cfg;
    slot *slots = p->slots + (size_t)k * BATCH;
    size_t n = 0, bytes = 0;
    p->blocks[k].len = 0;
    while (n < BATCH && bytes < BATCH_BYTES) {
        if (p->plain) {
            long got = take_plain(p, rd, k, n, &bytes);
            if (got < 0)
                return got;
            n += (size_t)got;
            if (got)
                continue;
        }
        in_row row;
        int st = in_next(rd, &row);
        if (st == 0) {
            *eof = 1;
            break;
        }
        if (st < 0) {
            if (row.error)
                cli_error("run", "%s: line %ld: %s", cfg->input_name, row.line, row.error);
            else
                cli_error("run", "%s: read error after line %ld", cfg->input_name, row.line);
            return -1;
        }
        if (cfg->jsonl_in && !cfg->first_checked++ && row.error && row.error_column <= 2) {
            /* P4-11: '[' or a '{' alone on the first line is a JSON array or
             * a pretty-printed document, not one object a line: said once,
             * not every line rejected */
            cli_error("run", "%s:%ld:%d: %s: the input is not JSON Lines (a JSON array, or "
                             "a document written over several lines?): JSON Lines needs one "
                             "object per line (jq -c '.[]' converts an array, jq -c . a "
                             "document)",
                      cfg->input_name, row.line, row.error_column, row.error);
            return -1;
        }
        if (cfg->jsonl_in && !row.error && jsonl_checks(cfg, &row))
            return -1;
        slots[n].plain = 0;
        if (run_fill_slot(cfg, &slots[n], &row))
            return -2;
        bytes += slots[n].data.len;
        n++;
    }
    return (long)n;
}

/* Batch `k` of the ring (n rows) for the workers to take in chunks
 * (work); their counts start again. */
static void share(run_pipe *p, int k, size_t n)
{
    p->kcur = k;
    p->ncur = n;
    p->nchunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
    atomic_store_explicit(&p->next, 0, memory_order_relaxed);
    for (size_t t = 0; t < p->nworkers; t++)
        p->ws[t].nout = p->ws[t].nrej = 0;
}

/* Writes batch k's lines (its nch chunks'), in input order: the output
 * rows to out, the rejects to rej (or, without a --rejects file, to
 * standard error in one write).  The counts are the workers' of that
 * batch, noted when it was evaluated (ks: its counts). */
static int write_batch(run_pipe *p, int k, size_t nch, const run_counts *ks, outfile *out,
                       outfile *rej, run_counts *c)
{
    p->errs.len = 0;
    for (size_t t = 0; t < nch; t++) {
        const strbuf *o = &p->outb[(size_t)k * NCHUNKS + t];
        const strbuf *r = &p->rejb[(size_t)k * NCHUNKS + t];
        outfile_write(out, o->p, o->len);
        if (p->cfg->rejects_csv)
            outfile_write(rej, r->p, r->len);
        else if (r->len && sb_put(&p->errs, r->p, r->len))
            return -1;
    }
    if (p->errs.len)
        fwrite(p->errs.p, 1, p->errs.len, stderr);
    c->written += ks->written;
    c->rejected += ks->rejected;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *failed_name(const outfile *out, const outfile *rej)
{
    return rej->open && (rej->failed || outfile_failed(rej)) ? outfile_name(rej)
                                                              : outfile_name(out);
}

int run_pipe_run(run_pipe *p, in_reader *rd, outfile *out, outfile *rej,
                 const run_progress *pr, run_counts *c)
{
    double t0 = now(), last = t0;
    int eof = 0, oom = 0, cur = 0, prev = 2;
    long n = read_batch(p, rd, 0, &eof), prev_n = 0;
    if (n == -1)
        return -1;
    if (n == -2)
        goto oom;
    run_counts done[3] = {{0}}; /* per batch of the ring, once evaluated */
    while (n > 0 || prev_n > 0) {
        c->read += n;
        /* this batch to the workers… */
        share(p, cur, (size_t)n);
        run_pool_start(p->pool);
        /* …meanwhile the one before it written, in input order, and the
         * one after it read into the third buffer */
        if (prev_n)
            oom |= write_batch(p, prev, ((size_t)prev_n + CHUNK_ROWS - 1) / CHUNK_ROWS,
                               &done[prev], out, rej, c);
        int nextbuf = 3 - cur - prev;
        long next = eof || n == 0
                        ? 0
                        : read_batch(p, rd, nextbuf, &eof);
        run_pool_wait(p->pool);
        done[cur].written = done[cur].rejected = 0;
        for (size_t t = 0; t < p->nworkers; t++) {
            oom |= p->ws[t].oom;
            done[cur].written += (long long)p->ws[t].nout;
            done[cur].rejected += (long long)p->ws[t].nrej;
        }
        if (oom || next == -2)
            goto oom;
        if (next == -1)
            return -1;
        prev = cur;
        prev_n = n;
        cur = nextbuf;
        n = next;
        if (outfile_failed(out) || outfile_failed(rej)) {
            cli_error("run", "cannot write %s: %s", failed_name(out, rej), strerror(errno));
            return -1;
        }
        double t = now();
        if (pr->show && (t - last > 0.5 || eof)) {
            last = t;
            double rate = (double)c->read / (t - t0 > 1e-9 ? t - t0 : 1e-9);
            if (pr->total_bytes > 0)
                fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s, %.0f%%   ",
                        c->read, rate,
                        100.0 * (double)in_offset(rd) / (double)pr->total_bytes);
            else
                fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s   ", c->read, rate);
        }
    }
    if (pr->show)
        fputc('\n', stderr);
    return 0;
oom:
    cli_error("run", "out of memory");
    return -1;
}
