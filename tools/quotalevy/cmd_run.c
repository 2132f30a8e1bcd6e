/*
 * cmd_run.c — `quotalevy run`: a batch of records through a rule set.
 * This file is the driver: options, batches and threads, writing in
 * order, totals; run_slot.c and run_row.c do a row's work.
 *
 * The main thread reads a batch of rows into slots (copies of their
 * texts), worker threads evaluate the slots of the batch in parallel,
 * each with its own record and result, and format each into an output
 * line or a reject line; the main thread then writes the slots in input
 * order.  Memory is one batch, whatever the input's size.  Every slot
 * ends as exactly one output row or one reject, and the counts are
 * checked to add up before the command says it succeeded.
 */
#include "cli.h"
#include "outfile.h"
#include "run.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BATCH 4096
/* A batch also ends once its rows' texts pass this many bytes: with three
 * batches in flight, the rows' memory stays within 3 × (BATCH_BYTES + one
 * record of at most CSV_MAX_RECORD) however wide the rows (docs/security.md). */
#define BATCH_BYTES (16u << 20)

enum { O_OUTPUT, O_DATE, O_FORMAT, O_INFORMAT, O_REJECTS, O_THREADS, O_KEEP,
       O_SUMMARY, O_EXPLAIN, O_QUIET, O_OVERRIDE, O_IGNORE, O_GROUP };

static const cli_opt run_opts[] = {
    [O_OUTPUT] = {"output", 'o', 1},   [O_DATE] = {"date", 'd', 1},
    [O_FORMAT] = {"format", 'f', 1},   [O_INFORMAT] = {"input-format", 0, 1},
    [O_REJECTS] = {"rejects", 'r', 1}, [O_THREADS] = {"threads", 'j', 1},
    [O_KEEP] = {"keep", 'k', 1},       [O_SUMMARY] = {"summary", 's', 1},
    [O_EXPLAIN] = {"explain", 'e', 0}, [O_QUIET] = {"quiet", 'q', 0},
    [O_OVERRIDE] = {"override", 0, 1}, [O_IGNORE] = {"ignore-columns", 0, 1},
    [O_GROUP] = {"group-by", 'g', 1},   {NULL, 0, 0}};

/* A JSON Lines record's keys: a near miss of an input stops the run, and
 * without --date the first record must have a date. */
static int jsonl_checks(run_cfg *cfg, const in_row *row)
{
    if (col_check_keys(cfg->watch, "run", cfg->input_name, row->line, row->name,
                       row->n))
        return -1;
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

/* Reads up to BATCH rows into slots; the count, or −1 (read error, said)
 * or −2 (out of memory). *eof is set at the end of the input. */
static long read_batch(run_cfg *cfg, in_reader *rd, slot *slots, int *eof)
{
    size_t n = 0, bytes = 0;
    while (n < BATCH && bytes < BATCH_BYTES) {
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
        if (cfg->jsonl_in && !row.error && jsonl_checks(cfg, &row))
            return -1;
        if (run_fill_slot(cfg, &slots[n], &row))
            return -2;
        bytes += slots[n].data.len;
        n++;
    }
    return (long)n;
}

static void *work(void *arg)
{
    worker *w = arg;
    for (size_t i = w->from; i < w->to; i++)
        run_evaluate_slot(w->cfg, w, &w->slots[i]);
    return NULL;
}

/* --group-by COLS: each an input of the rule set or a --keep column. */
static int group_targets(run_cfg *cfg, const char *const *cols, size_t n)
{
    cfg->group_target = calloc(n + 1, sizeof *cfg->group_target);
    if (!cfg->group_target) {
        cli_error("run", "out of memory");
        return -1;
    }
    for (size_t j = 0; j < n; j++) {
        int i = ql_ruleset_input_index(cfg->rs, cols[j]);
        int k = run_keep_index(cfg, cols[j]);
        if (i < 0 && k < 0) {
            cli_error("run",
                      "--group-by: '%s' is neither an input of the rule set "
                      "nor a --keep column",
                      cols[j]);
            return -1;
        }
        cfg->group_target[j] = i >= 0 ? T_INPUT + i : -1 - k;
    }
    cfg->ngroup = n;
    return 0;
}

/* ------------------------------------------------------------- driver */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int split_keep(const char *list, char **copy_out, const char ***out,
                      size_t *n)
{
    char *copy = strdup(list);
    if (!copy)
        return -1;
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    const char **k = calloc(cap, sizeof *k);
    if (!k) {
        free(copy);
        return -1;
    }
    size_t m = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        k[m++] = t;
    *out = k;
    *n = m;
    *copy_out = copy;
    return 0;
}

/* Whether the file st (an output) is one the run must not write to: the
 * input (whatever its kind: a pipe written into would be read back) or
 * the rules file; said.  Terminals and other character devices are
 * shared harmlessly. */
static int clash(const struct stat *st, const char *opt, const char *name,
                 const struct stat *in_st, const char *in_name, const char *rules)
{
    struct stat rs;
    if (S_ISCHR(st->st_mode))
        return 0;
    if (in_st && st->st_dev == in_st->st_dev && st->st_ino == in_st->st_ino) {
        cli_error("run", "%s %s is the input %s: refusing to write over it", opt,
                  name, in_name);
        return 1;
    }
    if (stat(rules, &rs) == 0 && st->st_dev == rs.st_dev && st->st_ino == rs.st_ino) {
        cli_error("run", "%s %s is the rules file %s: refusing to write over it", opt,
                  name, rules);
        return 1;
    }
    return 0;
}

/* Opens -o and --rejects and refuses, before anything is read or
 * truncated, an output that is the input (same device and inode, whatever
 * its name), the rules file, or the other output. */
static int open_outputs(const cli_args *a, outfile *out, outfile *rej,
                        outfile *sum, const struct stat *in_st,
                        const char *in_name, const char *rules)
{
    const char *o = cli_get(a, O_OUTPUT), *r = cli_get(a, O_REJECTS);
    const char *su = cli_get(a, O_SUMMARY);
    if (r && !strcmp(r, "-") && (!o || !strcmp(o, "-"))) {
        cli_error("run", "--rejects - and the output both on standard output "
                         "would mix rejects into the data: give -o FILE or "
                         "--rejects FILE");
        return -1;
    }
    const char *path[3] = {o ? o : "-", r, su};
    const char *opt[3] = {"-o", "--rejects", "--summary"};
    for (int i = 0; i < 3; i++) {
        struct stat st;
        if (!path[i])
            continue;
        int is_std = !strcmp(path[i], "-");
        if ((is_std ? fstat(STDOUT_FILENO, &st) : stat(path[i], &st)) == 0 &&
            clash(&st, opt[i], is_std ? "(standard output)" : path[i], in_st, in_name,
                  rules))
            return -1;
    }
    if (outfile_open(out, o, "run") || (r && outfile_open(rej, r, "run")) ||
        (su && outfile_open(sum, su, "run")))
        return -1;
    if (outfile_same(out, rej)) {
        cli_error("run", "--rejects %s and -o %s are the same file: give them "
                         "different names",
                  outfile_name(rej), outfile_name(out));
        return -1;
    }
    if (outfile_same(sum, out) || outfile_same(sum, rej)) {
        cli_error("run", "--summary %s is the same file as %s: give it a name of "
                         "its own",
                  outfile_name(sum), outfile_same(sum, out) ? "-o" : "--rejects");
        return -1;
    }
    return 0;
}

static const char *outfile_failed_name(const outfile *out, const outfile *rej)
{
    return rej->open && (rej->failed || outfile_failed(rej)) ? outfile_name(rej) : outfile_name(out);
}

int cmd_run(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, run_opts, "run", &a))
        return EXIT_USAGE;
    if (a.npos < 1 || a.npos > 2) {
        cli_error("run", "expected RULES [INPUT] (see quotalevy run --help)");
        return EXIT_USAGE;
    }
    run_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    const char *in_path = a.npos > 1 ? a.pos[1] : "-";
    cfg.input_name = strcmp(in_path, "-") ? in_path : "<stdin>";
    int in_jsonl = in_guess_jsonl(in_path);
    if ((cli_get(&a, O_FORMAT) && cli_format("run", cli_get(&a, O_FORMAT), &cfg.jsonl_out)) ||
        (cli_get(&a, O_INFORMAT) && cli_format("run", cli_get(&a, O_INFORMAT), &in_jsonl)))
        return EXIT_USAGE;
    if (cli_get(&a, O_DATE)) {
        if (cli_date("run", "--date", cli_get(&a, O_DATE), &cfg.date))
            return EXIT_USAGE;
        cfg.has_date = 1;
    }
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (cli_get(&a, O_THREADS)) {
        char *end;
        threads = strtol(cli_get(&a, O_THREADS), &end, 10);
        if (*end || threads < 1 || threads > 256) {
            cli_error("run", "--threads takes a whole number from 1 to 256");
            return EXIT_USAGE;
        }
    }
    if (threads < 1)
        threads = 1;
    cfg.explain = cli_has(&a, O_EXPLAIN);
    int quiet = cli_has(&a, O_QUIET);
    const char *summary = cli_get(&a, O_SUMMARY);
    const char *outp = cli_get(&a, O_OUTPUT);
    if (summary && summary[0] == '-' && summary[1]) {
        /* --summary took a FILE since 2026-12: an old `--summary -o X`
         * would name a summary file "-o" */
        cli_error("run", "--summary takes a FILE (the totals' CSV), not '%s'",
                  summary);
        return EXIT_USAGE;
    }
    if (summary && (!strcmp(summary, "-") ? !outp || !strcmp(outp, "-")
                                           : outp && !strcmp(summary, outp))) {
        cli_error("run", "--summary: give a file of its own, not the output's");
        return EXIT_USAGE;
    }
    if (cli_get(&a, O_GROUP) && !summary) {
        cli_error("run", "--group-by says how --summary FILE groups its totals: "
                         "give --summary too");
        return EXIT_USAGE;
    }
    const char **keep = NULL;
    char *keep_copy = NULL;
    if (cli_get(&a, O_KEEP) &&
        split_keep(cli_get(&a, O_KEEP), &keep_copy, &keep, &cfg.nkeep)) {
        cli_error("run", "out of memory");
        return EXIT_USAGE;
    }
    cfg.keep = keep;
    cfg.jsonl_in = in_jsonl;

    ql_override ovr[64];
    size_t novr = 0;
    for (int i = 0; i < a.nocc; i++)
        if (a.occ[i].opt == O_OVERRIDE) {
            if (novr == 64 || cli_override("run", a.occ[i].val, &ovr[novr])) {
                free(keep_copy);
                free(keep);
                return EXIT_USAGE;
            }
            novr++;
        }
    ql_ruleset *rs = NULL;
    if (novr) {
        ql_error lerr;
        if (cli_load_rules(&rs, a.pos[0], ovr, novr, NULL, 0, NULL, &lerr)) {
            fprintf(stderr, "quotalevy run: ");
            cli_print_error(stderr, NULL, &lerr);
            rs = NULL;
        }
    } else {
        rs = cli_load("run", a.pos[0]);
    }
    if (!rs) {
        free(keep_copy);
        free(keep);
        return EXIT_USAGE;
    }
    cfg.rs = rs;
    if (!(cfg.watch = col_watch_new(rs, cli_get(&a, O_IGNORE), keep, cfg.nkeep,
                                    cfg.has_date))) {
        cli_error("run", "out of memory");
        ql_ruleset_free(rs);
        free(keep_copy);
        free(keep);
        return EXIT_USAGE;
    }
    cfg.id_input = ql_ruleset_input_index(rs, "id");
    const char **group = NULL;
    char *group_copy = NULL;
    size_t ngroup = 0;
    if (cli_get(&a, O_GROUP) &&
        (split_keep(cli_get(&a, O_GROUP), &group_copy, &group, &ngroup) ||
         ngroup > 64 || group_targets(&cfg, group, ngroup))) {
        if (ngroup > 64)
            cli_error("run", "--group-by: at most 64 columns");
        free(group_copy);
        free(group);
        free(cfg.group_target);
        free(keep_copy);
        free(keep);
        col_watch_free(cfg.watch);
        ql_ruleset_free(rs);
        return EXIT_USAGE;
    }
    cfg.ncols = run_column_names(rs, NULL, 0);
    int *out_check = calloc(ql_ruleset_output_count(rs) + 1, sizeof *out_check);
    ql_type *out_type = calloc(ql_ruleset_output_count(rs) + 1, sizeof *out_type);
    if (!out_check || !out_type) {
        free(out_check);
        free(out_type);
        cli_error("run", "out of memory");
        col_watch_free(cfg.watch);
        free(group_copy);
        free(group);
        free(cfg.group_target);
        ql_ruleset_free(rs);
        free(keep_copy);
        free(keep);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        out_type[i] = ql_ruleset_output_type(rs, i);
        out_check[i] = -1;
        for (size_t k = 0; k < ql_ruleset_check_count(rs); k++)
            if (ql_ruleset_output_is_check(rs, i) &&
                !strcmp(ql_ruleset_check_name(rs, k), ql_ruleset_output_name(rs, i)))
                out_check[i] = (int)k;
    }
    cfg.out_check = out_check;
    cfg.out_type = out_type;
    cfg.csv_room = 1;
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_type t = out_type[i];
        if (t != QL_TYPE_NUMBER && t != QL_TYPE_BOOL && t != QL_TYPE_DATE) {
            cfg.csv_room = 0;
            break;
        }
        cfg.csv_room += (out_check[i] < 0 ? 1 : 5) * (QL_DECIMAL_TEXT_MAX + 1);
    }

    int rc = EXIT_USAGE;
    FILE *in = strcmp(in_path, "-") ? fopen(in_path, "rb") : stdin;
    in_reader *rd = NULL;
    outfile out = {0}, rej = {0};
    outfile sum_out = {0};
    slot *slots = NULL;
    worker *ws = NULL;
    unsigned char *skip = NULL;
    int date_column = 0;
    long long read = 0, written = 0, rejected = 0, total_bytes = -1;
    char errbuf[512];
    if (!in) {
        cli_error("run", "%s: %s", in_path, strerror(errno));
        goto done;
    }
    struct stat stbuf;
    int in_known = fstat(fileno(in), &stbuf) == 0;
    if (in_known && S_ISDIR(stbuf.st_mode)) {
        cli_error("run", "%s: is a directory, not a CSV or JSON Lines file", in_path);
        goto done;
    }
    if (in != stdin && in_known && S_ISREG(stbuf.st_mode))
        total_bytes = stbuf.st_size;
    /* The outputs are settled before a byte is read: none may be the
     * input, the rules or each other. */
    if (open_outputs(&a, &out, &rej, &sum_out, in_known ? &stbuf : NULL, cfg.input_name, a.pos[0]))
        goto done;
    cfg.rejects_csv = cli_get(&a, O_REJECTS) != NULL;
    if (!(rd = in_open(in, in_jsonl, errbuf, sizeof errbuf))) {
        cli_error("run", "%s: %s", cfg.input_name, errbuf);
        goto done;
    }
    cfg.jsonl_in = in_jsonl = in_is_jsonl(rd);
    /* --keep names must be columns of a CSV input. */
    size_t nh;
    const char *const *header = in_header(rd, &nh);
    if (header) { /* the header's targets, once for every row */
        cfg.map_target = calloc(nh + 1, sizeof *cfg.map_target);
        cfg.map_keep = calloc(nh + 1, sizeof *cfg.map_keep);
        if (!cfg.map_target || !cfg.map_keep)
            goto oom;
        skip = calloc(nh + 1, 1);
        if (!skip)
            goto oom;
        for (size_t j = 0; j < nh; j++) {
            cfg.map_target[j] = run_target_of(&cfg, header[j]);
            cfg.map_keep[j] = run_keep_index(&cfg, header[j]);
            /* an ignored column is never copied, however wide */
            skip[j] = cfg.map_target[j] == T_IGNORE && cfg.map_keep[j] < 0;
            date_column |= cfg.map_target[j] == T_DATE;
        }
        cfg.map_names = header;
        cfg.map_n = nh;
    }
    for (size_t k = 0; header && k < cfg.nkeep; k++) {
        size_t j;
        for (j = 0; j < nh && strcmp(header[j], cfg.keep[k]); j++)
            ;
        if (j == nh) {
            cli_error("run", "--keep: the input has no column '%s'", cfg.keep[k]);
            goto done;
        }
    }
    if (header) {
        if (col_check_header(cfg.watch, "run", cfg.input_name, header, nh))
            goto done;
        if (!cfg.has_date && !date_column) {
            cli_error("run", "%s: no evaluation date: the header has no 'date' "
                             "column; give --date YYYY-MM-DD",
                      cfg.input_name);
            goto done;
        }
        in_skip(rd, skip, nh);
    }
    if (!cfg.jsonl_out) {
        strbuf h = {0};
        sb_puts(&h, "id");
        for (size_t k = 0; k < cfg.nkeep; k++) {
            sb_putc(&h, ',');
            csv_put_field(&h, cfg.keep[k], strlen(cfg.keep[k]));
        }
        run_column_names(rs, &h, 1);
        if (cfg.explain)
            sb_puts(&h, ",explain");
        sb_putc(&h, '\n');
        outfile_write(&out, h.p, h.len);
        free(h.p);
    }
    if (cfg.rejects_csv)
        outfile_write(&rej, "line,column,field,status,message,id\n", 36);

    /* Three batches: being read, evaluated and written at once. */
    slots = calloc(3 * BATCH, sizeof *slots);
    ws = calloc((size_t)threads, sizeof *ws);
    if (!slots || !ws)
        goto oom;
    for (long t = 0; t < threads; t++) {
        ql_error err;
        ws[t].cfg = &cfg;
        ws[t].slots = slots;
        if (ql_record_new(&ws[t].rec, rs, &err) || ql_result_new(&ws[t].res, rs, &err))
            goto oom;
        if (summary && !(ws[t].tot = tot_new(rs, ngroup)))
            goto oom;
    }
    int progress = !quiet && isatty(2);
    double t0 = now(), last = t0;
    int eof = 0;
    /* Three batches in flight: while the workers evaluate one, this
     * thread writes the one before it and reads the one after. */
    int cur = 0, prev = 2;
    long n = read_batch(&cfg, rd, slots, &eof), prev_n = 0;
    if (n == -1)
        goto done;
    if (n == -2)
        goto oom;
    while (n > 0 || prev_n > 0) {
        slot *batch = slots + (size_t)cur * BATCH;
        read += n;
        /* evaluate this batch on worker threads, in contiguous shares */
        long used = n == 0 ? 0 : (size_t)n < (size_t)threads * 64 ? 1 : threads;
        pthread_t tid[256];
        int started[256] = {0};
        for (long t = 0; t < used; t++) {
            ws[t].slots = batch;
            ws[t].from = (size_t)n * (size_t)t / (size_t)used;
            ws[t].to = (size_t)n * (size_t)(t + 1) / (size_t)used;
            started[t] = pthread_create(&tid[t], NULL, work, &ws[t]) == 0;
            if (!started[t])
                work(&ws[t]); /* no thread: do it here */
        }
        /* meanwhile, write the batch before it, in input order… */
        for (long i = 0; i < prev_n; i++) {
            slot *s = &slots[(size_t)prev * BATCH + (size_t)i];
            if (s->rejected) {
                rejected++;
                if (cfg.rejects_csv)
                    outfile_write(&rej, s->out.p, s->out.len);
                else
                    fwrite(s->out.p, 1, s->out.len, stderr);
                continue;
            }
            written++;
            outfile_write(&out, s->out.p, s->out.len);
        }
        /* …and read the one after it, into the third buffer */
        int nextbuf = 3 - cur - prev;
        long next = eof || n == 0
                        ? 0
                        : read_batch(&cfg, rd, slots + (size_t)nextbuf * BATCH, &eof);
        int worker_oom = 0;
        for (long t = 0; t < used; t++) {
            if (started[t])
                pthread_join(tid[t], NULL);
            worker_oom |= ws[t].oom;
        }
        if (worker_oom)
            goto oom;
        if (next == -1)
            goto done;
        if (next == -2)
            goto oom;
        prev = cur;
        prev_n = n;
        cur = nextbuf;
        n = next;
        if (outfile_failed(&out) || outfile_failed(&rej)) {
            cli_error("run", "cannot write %s: %s", outfile_failed_name(&out, &rej),
                      strerror(errno));
            goto done;
        }
        double t = now();
        if (progress && (t - last > 0.5 || eof)) {
            last = t;
            double rate = (double)read / (t - t0 > 1e-9 ? t - t0 : 1e-9);
            if (total_bytes > 0)
                fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s, %.0f%%   ",
                        read, rate, 100.0 * (double)in_offset(rd) / (double)total_bytes);
            else
                fprintf(stderr, "\rquotalevy run: %lld rows, %.0f rows/s   ", read, rate);
        }
    }
    if (progress)
        fputc('\n', stderr);
    if (read == 0) { /* never a success that read nothing */
        cli_error("run", "%s: no rows to read: %s", cfg.input_name,
                  in_jsonl ? "the input holds no JSON Lines record"
                           : "the input has a header but no records after it");
        goto done;
    }
    if (summary) {
        for (long t = 1; t < threads; t++)
            if (tot_merge(ws[0].tot, ws[t].tot))
                goto oom;
        strbuf sb = {0};
        if (tot_write_csv(ws[0].tot, group, &sb)) {
            free(sb.p);
            goto oom;
        }
        outfile_write(&sum_out, sb.p, sb.len);
        free(sb.p);
    }
    /* All files complete or none: everything is flushed to disk first
     * (where a full disk shows), then the rejects and the summary are
     * renamed into place before the output. */
    if (outfile_finish(&rej) || outfile_finish(&sum_out) || outfile_finish(&out)) {
        int e = errno;
        const char *name = outfile_failed(&sum_out) || sum_out.failed
                               ? outfile_name(&sum_out)
                               : outfile_failed_name(&out, &rej);
        cli_error("run", "cannot finish %s: %s%s", name, strerror(e),
                  out.tmp || rej.tmp || sum_out.tmp ? " (no file was replaced or created)"
                                                    : "");
        goto done;
    }
    if (outfile_commit(&rej) || outfile_commit(&sum_out) || outfile_commit(&out)) {
        cli_error("run", "cannot rename the output into place: %s", strerror(errno));
        goto done;
    }
    if (read != written + rejected) { /* never: every slot is one or the other */
        cli_error("run", "internal error: %lld read but %lld written and %lld rejected",
                  read, written, rejected);
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "quotalevy run: %lld rows read, %lld written, %lld rejected\n",
                read, written, rejected);
    rc = rejected ? EXIT_SOME_FAILED : EXIT_ALL_OK;
    goto done;
oom:
    cli_error("run", "out of memory");
done:
    outfile_abort(&out);
    outfile_abort(&rej);
    outfile_abort(&sum_out);
    for (long t = 0; ws && t < threads; t++) {
        ql_record_free(ws[t].rec);
        ql_result_free(ws[t].res);
        tot_free(ws[t].tot);
    }
    for (size_t i = 0; slots && i < 3 * BATCH; i++)
        run_slot_free(&slots[i]);
    free(slots);
    free(ws);
    free(group_copy);
    free(group);
    free(cfg.group_target);
    in_close(rd);
    if (in && in != stdin)
        fclose(in);
    free(keep_copy);
    free(keep);
    free(out_check);
    free(out_type);
    free(cfg.map_target);
    free(cfg.map_keep);
    free(skip);
    col_watch_free(cfg.watch);
    ql_ruleset_free(rs);
    return rc;
}
