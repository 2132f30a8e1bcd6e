/*
 * run_pipe.c — `quotalevy run`'s batches: rows read into slots, evaluated
 * by worker threads, written in input order.
 *
 * A ring of RING batches: the reading thread reads a batch into a free
 * place of the ring and hands it over, and only reads: it waits only when
 * the ring has no free place.  A batch is cut into chunks of CHUNK_ROWS
 * rows, each with its own output and reject lines and counts, and each
 * worker takes the next chunk not yet taken, of the oldest batch that has
 * one, until none is left: so the workers go from one batch to the next
 * without waiting for each other or for the reading thread (a barrier a
 * batch idled the workers 0.6-1.0 s of a 0.85-1.26 s run on 1 M rows on
 * a loaded machine), and the chunks' lines, written in chunk order, are
 * in input order.  The oldest batch, once all of it is evaluated, is
 * written by a worker — the first to see it so while no other writes —
 * and its place in the ring given back to the reading thread: one writer
 * at a time, batches in order, so the output is the same bytes as one
 * thread's.  Writing on the reading thread stalled the run: a write of
 * the temporary past the page cache (outfile.c, O_DIRECT) waits for the
 * disk, and while it waited nothing was read and the workers ran out of
 * rows (`-o FILE` against `-o /dev/null`: wall 1.24, docs/performance.md);
 * now the other worker evaluates and the reading thread reads on while a
 * worker writes.  The workers are started once (run_pool.h) and run until
 * the last batch is written.  The slots, their buffers and the workers'
 * records and results are made once and reused, so that a batch costs no
 * allocation once the ring has turned.  Memory is RING batches, whatever
 * the input's size.  Every slot ends as exactly one output row or one
 * reject.
 */
#include "run_pipe.h"

#include "reject.h"
#include "run_pool.h"

#include <errno.h>
#include <pthread.h>
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
/* Batches in flight (docs/security.md, "Memory of a run"). */
#define RING 3

/* A batch of the ring, once handed over: its rows and chunks, how many
 * of them are evaluated, and each chunk's counts (all under the pipe's
 * lock). */
typedef struct ring_batch {
    size_t n, nchunks, done;
    int oom;
    size_t nout[NCHUNKS], nrej[NCHUNKS];
} ring_batch;

/* A task for the pool: a worker and the pipe it takes chunks from, or
 * (w NULL) the writer. */
typedef struct task {
    struct run_pipe *pipe;
    worker *w;
} task;

struct run_pipe {
    run_cfg *cfg;
    size_t nworkers;
    slot *slots; /* RING × BATCH */
    worker *ws;
    task *tasks;
    void **wp;   /* &tasks[i], the pool's tasks */
    run_pool *pool; /* nworkers workers' tasks and the writer's */
    /* per batch of the ring and chunk: its output and reject lines, in
     * input order; kept from batch to batch, so that lines cost no
     * allocation once the ring has turned */
    strbuf *outb, *rejb; /* [RING × NCHUNKS] */
    /* under mu: the batches handed over and written (by number, from
     * 0), the batch and chunk the next worker takes, whether a worker is
     * writing, the workers' end; `more` wakes the workers for a batch
     * handed over, `room` the reading thread for a batch written (or the
     * run halted) */
    pthread_mutex_t mu;
    pthread_cond_t more, room, ready;
    ring_batch ring[RING];
    unsigned long handed, take, written;
    size_t take_chunk;
    int quit, writing;
    int writer; /* the writer has a thread of its own: workers only
                   evaluate (known before the run: no thread changes role) */
    /* under mu: nothing more is written — a worker ran out of memory
     * (oom), or a write failed (wfail, with its errno) — or the run
     * ended early (end_workers) */
    int halt, oom, wfail, werrno;
    run_counts counts; /* under mu: the rows written and rejected */
    outfile *out, *rej; /* the writer's (one worker at a time) */
    pthread_t reader; /* the reading thread: a task run there is no worker */
    int alone;        /* no worker thread started: the reading thread evaluates */
    strbuf errs; /* a batch's rejects for standard error, written at once
                    (the writer's) */
    /* plain CSV lines: handed to the workers whole, in each batch's block
     * of bytes (blocks[RING]), found by the reading thread (lines) */
    int plain;
    strbuf blocks[RING];
    csv_line *lines;
};

/* The next chunk to evaluate (under mu): its batch's place in the ring
 * and its number; 0 when none is handed over. */
static int take_chunk(run_pipe *p, int *k, size_t *c)
{
    if (p->take == p->handed)
        return 0;
    *k = (int)(p->take % RING);
    *c = p->take_chunk++;
    if (p->take_chunk == p->ring[*k].nchunks) {
        p->take++;
        p->take_chunk = 0;
    }
    return 1;
}

/* Chunk c of batch k of the ring by worker w, its lines into the chunk's
 * buffers (outside the lock: no other thread touches them). */
static void eval_chunk(run_pipe *p, worker *w, int k, size_t c)
{
    slot *slots = p->slots + (size_t)k * BATCH;
    size_t n = p->ring[k].n; /* written before the batch was handed over */
    w->block = p->blocks[k].p;
    w->out = &p->outb[(size_t)k * NCHUNKS + c];
    w->rej = &p->rejb[(size_t)k * NCHUNKS + c];
    w->out->len = w->rej->len = 0;
    w->nout = w->nrej = 0;
    size_t to = (c + 1) * CHUNK_ROWS < n ? (c + 1) * CHUNK_ROWS : n;
    for (size_t i = c * CHUNK_ROWS; i < to; i++)
        run_evaluate_slot(w->cfg, w, &slots[i]);
}

/* The chunk's counts noted (under mu), and the writer woken when its
 * batch is done. */
static void end_chunk(run_pipe *p, worker *w, int k, size_t c)
{
    ring_batch *b = &p->ring[k];
    b->nout[c] = w->nout;
    b->nrej[c] = w->nrej;
    b->oom |= w->oom;
    if (++b->done == b->nchunks)
        pthread_cond_signal(&p->ready);
}

/* Writes batch k's lines (its chunks'), in input order: the output rows
 * to p->out, the rejects to p->rej (or, without a --rejects file, to
 * standard error in one write), and counts them in c.  −1 out of
 * memory.  Only the writer calls it (one thread at a time, ordered by
 * mu: see write_oldest). */
static int write_batch(run_pipe *p, int k, run_counts *c)
{
    const ring_batch *b = &p->ring[k]; /* done: no worker writes it */
    p->errs.len = 0;
    for (size_t t = 0; t < b->nchunks; t++) {
        const strbuf *o = &p->outb[(size_t)k * NCHUNKS + t];
        const strbuf *r = &p->rejb[(size_t)k * NCHUNKS + t];
        outfile_write(p->out, o->p, o->len);
        if (p->cfg->rejects_csv)
            outfile_write(p->rej, r->p, r->len);
        else if (r->len && sb_put(&p->errs, r->p, r->len))
            return -1;
        c->written += (long long)b->nout[t];
        c->rejected += (long long)b->nrej[t];
    }
    if (p->errs.len)
        fwrite(p->errs.p, 1, p->errs.len, stderr);
    return 0;
}

/* Whether the oldest batch not yet written is evaluated, with no other
 * thread writing and the run not halted (under mu). */
static int writable(const run_pipe *p)
{
    if (p->writing || p->halt || p->written == p->handed)
        return 0;
    const ring_batch *b = &p->ring[p->written % RING];
    return b->done == b->nchunks;
}

/* The oldest batch written (called under mu when writable): the lock is
 * let go while its lines are written, `writing` keeping every other
 * thread from writing meanwhile, and its place in the ring given back to
 * the reading thread.  A failure halts the run: the reading thread says
 * why. */
static void write_oldest(run_pipe *p)
{
    int k = (int)(p->written % RING);
    int oom = p->ring[k].oom, failed = 0, e = 0;
    run_counts c = {0, 0, 0};
    p->writing = 1;
    pthread_mutex_unlock(&p->mu);
    if (!oom && !(oom = write_batch(p, k, &c) != 0) &&
        (outfile_failed(p->out) || outfile_failed(p->rej))) {
        failed = 1;
        e = errno;
    }
    pthread_mutex_lock(&p->mu);
    p->writing = 0;
    if (oom || failed) {
        p->halt = 1;
        p->oom |= oom;
        p->wfail |= failed;
        p->werrno = e;
    } else {
        p->written++;
        p->counts.written += c.written;
        p->counts.rejected += c.rejected;
    }
    pthread_cond_signal(&p->room);
}

/* What a worker does next (under mu): the oldest batch written if it
 * can be and the writer has no thread, else the next chunk evaluated; 0
 * when there is neither. */
static int step(run_pipe *p, worker *w)
{
    int k;
    size_t c;
    if (!p->writer && writable(p)) {
        write_oldest(p);
        return 1;
    }
    if (!take_chunk(p, &k, &c))
        return 0;
    pthread_mutex_unlock(&p->mu);
    eval_chunk(p, w, k, c);
    pthread_mutex_lock(&p->mu);
    end_chunk(p, w, k, c);
    return 1;
}

/* The writer: each batch, oldest first, written once it is evaluated,
 * until the pipe ends.  A thread of its own, which mostly waits — for
 * the workers, or in write(2) for the disk (a write past the page cache
 * returns once the disk has the block: 3-4 ms each, 0.55 s in all for
 * 1 M rows under load) — so that both workers evaluate while a block is
 * written (a worker that wrote left a processor idle as it waited). */
static void write_all(run_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (writable(p)) {
            write_oldest(p);
            continue;
        }
        if (p->quit)
            break;
        pthread_cond_wait(&p->ready, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

/* A worker: chunk after chunk evaluated, each the next not yet taken —
 * and, if the writer has no thread, the oldest batch written whenever it
 * can be — until the pipe ends.
 * Whoever ends a batch's last chunk, or ends writing the batch before
 * it, sees the batch writable (both under mu), so no batch waits for a
 * wake-up.  A task run on the reading thread (a thread the pool could
 * not start) returns at once: the reading thread does the work there
 * itself (run_alone). */
static void work(void *arg)
{
    task *t = arg;
    run_pipe *p = t->pipe;
    worker *w = t->w;
    if (pthread_equal(pthread_self(), p->reader))
        return;
    if (!w) {
        write_all(p);
        return;
    }
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (step(p, w))
            continue;
        if (p->quit)
            break;
        pthread_cond_wait(&p->more, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

run_pipe *run_pipe_new(run_cfg *cfg, size_t nworkers, int with_totals, size_t ngroup)
{
    run_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->cfg = cfg;
    p->nworkers = nworkers;
    p->slots = calloc(RING * BATCH, sizeof *p->slots);
    p->ws = calloc(nworkers, sizeof *p->ws);
    p->tasks = calloc(nworkers + 1, sizeof *p->tasks);
    p->wp = calloc(nworkers + 1, sizeof *p->wp);
    p->outb = calloc(RING * NCHUNKS, sizeof *p->outb);
    p->rejb = calloc(RING * NCHUNKS, sizeof *p->rejb);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->more, NULL);
    pthread_cond_init(&p->room, NULL);
    pthread_cond_init(&p->ready, NULL);
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
    p->tasks[nworkers].pipe = p; /* the writer (w NULL) */
    p->wp[nworkers] = &p->tasks[nworkers];
    if (!(p->pool = run_pool_new(work, p->wp, nworkers + 1))) {
        run_pipe_free(p);
        return NULL;
    }
    /* no worker has a thread: the reading thread evaluates (and writes,
     * unless the writer has one) */
    p->writer = run_pool_has_thread(p->pool, nworkers);
    p->alone = 1;
    for (size_t t = 0; t < nworkers; t++)
        p->alone &= !run_pool_has_thread(p->pool, t);
    return p;
}

void run_pipe_free(run_pipe *p)
{
    if (!p)
        return;
    run_pool_free(p->pool); /* first: the workers ended (run_pipe_run) */
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
    for (int k = 0; k < RING; k++)
        free(p->blocks[k].p);
    free(p->lines);
    run_unmap_columns(p->cfg);
    for (size_t i = 0; p->slots && i < RING * BATCH; i++)
        run_slot_free(&p->slots[i]);
    free(p->slots);
    free(p->ws);
    free(p->tasks);
    free(p->wp);
    for (size_t i = 0; p->outb && p->rejb && i < RING * NCHUNKS; i++) {
        free(p->outb[i].p);
        free(p->rejb[i].p);
    }
    free(p->outb);
    free(p->rejb);
    free(p->errs.p);
    pthread_cond_destroy(&p->more);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
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
    rj_no_date_column("run", cfg->input_name, row->line, 1);
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
        s->quoted = ln[j].quoted;
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

/* Batch k of the ring (n rows, read) to the workers. */
static void hand_over(run_pipe *p, int k, size_t n)
{
    ring_batch *b = &p->ring[k];
    pthread_mutex_lock(&p->mu);
    b->n = n;
    b->nchunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
    b->done = 0;
    b->oom = 0;
    p->handed++;
    pthread_cond_broadcast(&p->more);
    pthread_mutex_unlock(&p->mu);
}

/* Where no worker thread could be started: every chunk handed over
 * evaluated and every batch written, here on the reading thread. */
static void run_alone(run_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    while (step(p, &p->ws[0]))
        ;
    pthread_mutex_unlock(&p->mu);
}

/* Waits (under mu) until fewer than `most` batches are handed over and
 * not written, or the run is halted; the counts so far into c. */
static void wait_written(run_pipe *p, unsigned long most, run_counts *c)
{
    while (!p->halt && p->handed - p->written >= most)
        pthread_cond_wait(&p->room, &p->mu);
    c->written = p->counts.written;
    c->rejected = p->counts.rejected;
}

/* The workers told to end once nothing is left to take (with `drop`, at
 * once: what is handed over and not taken is dropped, and nothing more
 * is written), and waited for. */
static void end_workers(run_pipe *p, int drop)
{
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    if (drop) {
        p->take = p->handed;
        p->take_chunk = 0;
        p->halt = 1;
    }
    pthread_cond_broadcast(&p->more);
    pthread_cond_signal(&p->ready);
    pthread_mutex_unlock(&p->mu);
    run_pool_wait(p->pool);
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

static void progress(const run_progress *pr, in_reader *rd, const run_counts *c, double t0,
                     double *last, int eof)
{
    double t = now();
    if (!pr->show || !(t - *last > 0.5 || eof))
        return;
    *last = t;
    double rate = (double)c->read / (t - t0 > 1e-9 ? t - t0 : 1e-9);
    if (pr->total_bytes > 0)
        fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s, %.0f%%   ", c->read, rate,
                100.0 * (double)in_offset(rd) / (double)pr->total_bytes);
    else
        fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s   ", c->read, rate);
}

int run_pipe_run(run_pipe *p, in_reader *rd, outfile *out, outfile *rej,
                 const run_progress *pr, run_counts *c)
{
    double t0 = now(), last = t0;
    int eof = 0, rc = 0, oom = 0;
    p->reader = pthread_self();
    p->out = out;
    p->rej = rej;
    run_pool_start(p->pool); /* the workers, until end_workers */
    for (;;) {
        /* a free place in the ring (a worker gives one back as it writes
         * the oldest batch) */
        pthread_mutex_lock(&p->mu);
        wait_written(p, RING, c);
        int halted = p->halt;
        pthread_mutex_unlock(&p->mu);
        if (halted || eof)
            break;
        progress(pr, rd, c, t0, &last, 0);
        int k = (int)(p->handed % RING); /* only this thread hands over */
        long n = read_batch(p, rd, k, &eof);
        if (n == -2) {
            oom = 1;
            break;
        }
        if (n < 0) {
            rc = -1;
            break;
        }
        if (n > 0) {
            c->read += n;
            hand_over(p, k, (size_t)n);
            if (p->alone)
                run_alone(p);
        }
    }
    /* every batch handed over written, unless the run stops */
    pthread_mutex_lock(&p->mu);
    if (rc == 0 && !oom)
        wait_written(p, 1, c);
    oom |= p->oom;
    int wfail = p->wfail, werrno = p->werrno;
    pthread_mutex_unlock(&p->mu);
    end_workers(p, rc != 0 || oom || wfail);
    if (oom) {
        cli_error("run", "out of memory");
        return -1;
    }
    if (wfail) {
        cli_error("run", "cannot write %s: %s", failed_name(out, rej), strerror(werrno));
        return -1;
    }
    if (rc == 0 && pr->show) {
        progress(pr, rd, c, t0, &last, 1);
        fputc('\n', stderr);
    }
    return rc;
}
