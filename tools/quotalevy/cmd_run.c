/*
 * cmd_run.c — `quotalevy run`: a batch of records through a rule set.
 *
 * Four steps, each a function: the options parsed (parse_options), the
 * run's configuration built from them and the rule set (build_config),
 * the files opened and the header mapped (open_files), the rows through
 * the pipeline (run_pipe.c), and the summary, the files put in place and
 * the closing line (finish).  Everything the steps make lives in one
 * run_state, freed in one place (state_free), whichever step stops.
 *
 * Every slot ends as exactly one output row or one reject, and the counts
 * are checked to add up before the command says it succeeded.
 */
#include "cli.h"
#include "groups.h"
#include "outfile.h"
#include "outcols.h"
#include "reject.h"
#include "run.h"
#include "run_pipe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { O_OUTPUT, O_DATE, O_FORMAT, O_INFORMAT, O_REJECTS, O_THREADS, O_KEEP,
       O_SUMMARY, O_EXPLAIN, O_QUIET, O_OVERRIDE, O_IGNORE, O_GROUP };

static const cli_opt run_opts[] = {
    [O_OUTPUT] = {"output", 'o', 1},   [O_DATE] = {"date", 'd', 1},
    [O_FORMAT] = {"format", 'f', 1},   [O_INFORMAT] = {"input-format", 0, 1},
    [O_REJECTS] = {"rejects", 'r', 1}, [O_THREADS] = {"threads", 'j', 1},
    [O_KEEP] = {"keep", 'k', 1},       [O_SUMMARY] = {"summary", 's', 1},
    [O_EXPLAIN] = {"explain", 'e', 0}, [O_QUIET] = {"quiet", 'q', 0},
    [O_OVERRIDE] = {"override", 0, CLI_REPEATS}, [O_IGNORE] = {"ignore-columns", 0, 1},
    [O_GROUP] = {"group-by", 'g', 1},   {NULL, 0, 0}};

#define MAX_OVERRIDES 64
#define MAX_GROUP 64

/* What one run owns.  Zeroed at the start; state_free frees whatever
 * was made. */
typedef struct run_state {
    cli_args a;
    run_cfg cfg;
    const char *in_path, *summary;
    long threads;
    int quiet, in_jsonl;
    char *keep_copy, *group_copy;
    const char **group;
    size_t ngroup;
    ql_override ovr[MAX_OVERRIDES];
    size_t novr;
    ql_ruleset *rs;
    int *out_check;
    ql_type *out_type;
    FILE *in;
    struct stat in_st;
    int in_known;
    in_reader *rd;
    outfile out, rej, sum;
    unsigned char *skip;
    run_pipe *pipe;
} run_state;

static void state_free(run_state *st)
{
    outfile_abort(&st->out);
    outfile_abort(&st->rej);
    outfile_abort(&st->sum);
    run_pipe_free(st->pipe);
    in_close(st->rd);
    if (st->in && st->in != stdin)
        fclose(st->in);
    free(st->keep_copy);
    free((void *)st->cfg.keep);
    free(st->group_copy);
    free(st->group);
    free(st->cfg.group_target);
    free(st->out_check);
    free(st->out_type);
    free(st->cfg.map_target);
    free(st->cfg.map_keep);
    free(st->skip);
    col_watch_free(st->cfg.watch);
    ql_ruleset_free(st->rs);
}

/* "a,b,c" into a copy cut at its commas and the list of its pieces. */
static int split_list(const char *list, char **copy_out, const char ***out,
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

/* ------------------------------------------------------------ options */

static int parse_threads(run_state *st)
{
    st->threads = sysconf(_SC_NPROCESSORS_ONLN);
    const char *j = cli_get(&st->a, O_THREADS);
    if (j) {
        char *end;
        st->threads = strtol(j, &end, 10);
        if (*end || st->threads < 1 || st->threads > 256) {
            cli_error("run", "--threads takes a whole number from 1 to 256");
            return -1;
        }
    }
    if (st->threads < 1)
        st->threads = 1;
    return 0;
}

/* --summary FILE and --group-by: a file of its own, grouped only with it. */
static int parse_summary(run_state *st)
{
    const char *summary = cli_get(&st->a, O_SUMMARY);
    const char *outp = cli_get(&st->a, O_OUTPUT);
    if (summary && summary[0] == '-' && summary[1]) {
        /* --summary took a FILE since 2026-12: an old `--summary -o X`
         * would name a summary file "-o" */
        cli_error("run", "--summary takes a FILE (the totals' CSV), not '%s'",
                  CLI_SNIP(summary));
        return -1;
    }
    if (summary && (!strcmp(summary, "-") ? !outp || !strcmp(outp, "-")
                                           : outp && !strcmp(summary, outp) &&
                                                 !outfile_names_null(outp))) {
        cli_error("run", "--summary: give a file of its own, not the output's");
        return -1;
    }
    if (cli_get(&st->a, O_GROUP) && !summary) {
        cli_error("run", "--group-by says how --summary FILE groups its totals: "
                         "give --summary too");
        return -1;
    }
    st->summary = summary;
    return 0;
}

static int parse_options(run_state *st, int argc, char **argv)
{
    cli_args *a = &st->a;
    run_cfg *cfg = &st->cfg;
    if (cli_parse(argc, argv, 2, run_opts, "run", a))
        return -1;
    if (a->npos < 1 || a->npos > 2) {
        cli_error("run", "expected RULES [INPUT] (see quotalevy run --help)");
        return -1;
    }
    st->in_path = a->npos > 1 ? a->pos[1] : "-";
    cfg->input_name = strcmp(st->in_path, "-") ? st->in_path : "<stdin>";
    st->in_jsonl = in_guess_jsonl(st->in_path);
    if ((cli_get(a, O_FORMAT) && cli_format("run", cli_get(a, O_FORMAT), &cfg->jsonl_out)) ||
        (cli_get(a, O_INFORMAT) && cli_format("run", cli_get(a, O_INFORMAT), &st->in_jsonl)))
        return -1;
    if (cli_get(a, O_DATE)) {
        if (cli_date("run", "--date", cli_get(a, O_DATE), &cfg->date))
            return -1;
        cfg->has_date = 1;
    }
    if (parse_threads(st) || parse_summary(st))
        return -1;
    cfg->explain = cli_has(a, O_EXPLAIN);
    st->quiet = cli_has(a, O_QUIET);
    const char **keep = NULL;
    if (cli_get(a, O_KEEP) && cli_list_empty_item("run", "--keep", cli_get(a, O_KEEP)))
        return -1;
    if (cli_get(a, O_KEEP) &&
        split_list(cli_get(a, O_KEEP), &st->keep_copy, &keep, &cfg->nkeep)) {
        cli_error("run", "out of memory");
        return -1;
    }
    cfg->keep = keep;
    cfg->jsonl_in = st->in_jsonl;
    for (int i = 0; i < a->nocc; i++)
        if (a->occ[i].opt == O_OVERRIDE) {
            if (st->novr == MAX_OVERRIDES ||
                cli_override("run", a->occ[i].val, &st->ovr[st->novr]))
                return -1;
            st->novr++;
        }
    return 0;
}

/* ------------------------------------------------------ configuration */

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
        int items = i < 0 && k < 0 ? col_list_items(cfg->rs, cols[j]) : 0;
        if (items) {
            cli_error("run",
                      "--group-by: '%s' is a list input of %d item%s: group by "
                      "one of them, %s[1] … %s[%d]",
                      CLI_SNIP(cols[j]), items, items == 1 ? "" : "s", cols[j], cols[j], items);
            return -1;
        }
        if (i < 0 && k < 0) {
            char lh[512];
            const char *h = col_list_hint(cfg->watch, cols[j], lh, sizeof lh);
            if (h) {
                cli_error("run",
                          "--group-by: '%s' is neither an input of the rule set "
                          "nor a --keep column: %s",
                          CLI_SNIP(cols[j]), h);
                return -1;
            }
            /* an item past the list's end, or the input or --keep column
             * meant (P13-16) */
            const char *b = strchr(cols[j], '[');
            char fam[256], hint[QL_DECIMAL_TEXT_MAX * 4];
            snprintf(fam, sizeof fam, "%.*s", b ? (int)(b - cols[j]) : 0, cols[j]);
            int of = b ? col_list_items(cfg->rs, fam) : 0;
            if (of) {
                cli_error("run", "--group-by: '%s' is a list of %d item%s, %s[1] … %s[%d]",
                          CLI_SNIP(fam), of, of == 1 ? "" : "s", fam, fam, of);
                return -1;
            }
            cli_did_you_mean_input(cols[j], cfg->rs, hint, sizeof hint);
            if (!hint[0])
                cli_did_you_mean(cols[j], (const char *const *)cfg->keep, cfg->nkeep, hint,
                                 sizeof hint);
            cli_error("run",
                      "--group-by: '%s' is neither an input of the rule set "
                      "nor a --keep column%s",
                      CLI_SNIP(cols[j]), hint);
            return -1;
        }
        cfg->group_target[j] = i >= 0 ? T_INPUT + i : -1 - k;
    }
    cfg->ngroup = n;
    return 0;
}

static int load_rules(run_state *st)
{
    if (st->novr) {
        ql_error lerr;
        if (cli_load_rules(&st->rs, st->a.pos[0], st->ovr, st->novr, NULL, 0, NULL,
                           &lerr)) {
            fprintf(stderr, "quotalevy run: ");
            cli_print_error(stderr, NULL, &lerr);
            st->rs = NULL;
        }
    } else {
        st->rs = cli_load("run", st->a.pos[0]);
    }
    return st->rs ? 0 : -1;
}

/* Per output: its check (or −1) and its type; whether a CSV row's values
 * can be written with one reservation (csv_room). */
static int output_columns(run_state *st)
{
    run_cfg *cfg = &st->cfg;
    const ql_ruleset *rs = st->rs;
    size_t nout = ql_ruleset_output_count(rs);
    cfg->ncols = run_column_names(rs, NULL, 0);
    st->out_check = calloc(nout + 1, sizeof *st->out_check);
    st->out_type = calloc(nout + 1, sizeof *st->out_type);
    if (!st->out_check || !st->out_type) {
        cli_error("run", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < nout; i++) {
        st->out_type[i] = ql_ruleset_output_type(rs, i);
        st->out_check[i] = -1;
        for (size_t k = 0; k < ql_ruleset_check_count(rs); k++)
            if (ql_ruleset_output_is_check(rs, i) &&
                !strcmp(ql_ruleset_check_name(rs, k), ql_ruleset_output_name(rs, i)))
                st->out_check[i] = (int)k;
    }
    cfg->out_check = st->out_check;
    cfg->out_type = st->out_type;
    cfg->csv_room = 1;
    for (size_t i = 0; i < nout; i++) {
        ql_type t = st->out_type[i];
        if (t != QL_TYPE_NUMBER && t != QL_TYPE_BOOL && t != QL_TYPE_DATE) {
            cfg->csv_room = 0;
            break;
        }
        cfg->csv_room += (st->out_check[i] < 0 ? 1 : 5) * (QL_DECIMAL_TEXT_MAX + 1);
    }
    return 0;
}

static int build_config(run_state *st)
{
    run_cfg *cfg = &st->cfg;
    if (load_rules(st))
        return -1;
    cfg->rs = st->rs;
    if (!(cfg->watch = col_watch_new(st->rs, cli_get(&st->a, O_IGNORE), cfg->keep,
                                     cfg->nkeep, cfg->has_date))) {
        cli_error("run", "out of memory");
        return -1;
    }
    cfg->id_input = ql_ruleset_input_index(st->rs, "id");
    const char *g = cli_get(&st->a, O_GROUP);
    if (g) {
        if (cli_list_empty_item("run", "--group-by", g))
            return -1;
        if (split_list(g, &st->group_copy, &st->group, &st->ngroup)) {
            cli_error("run", "out of memory");
            return -1;
        }
        if (st->ngroup > MAX_GROUP) {
            cli_error("run", "--group-by: at most %d columns", MAX_GROUP);
            return -1;
        }
        if (group_targets(cfg, st->group, st->ngroup))
            return -1;
    }
    if (oc_check_run(st->rs, cfg->keep, cfg->nkeep, cfg->jsonl_out, cfg->explain,
                     st->group, st->ngroup, st->summary != NULL))
        return -1;
    return output_columns(st);
}

/* -------------------------------------------------------------- files */

/* Whether the file st (an output) is one the run must not write to: the
 * input (whatever its kind: a pipe written into would be read back) or
 * a rules file it was loaded from (the top one or any its `extends`
 * read); said.  Terminals and other character devices are shared
 * harmlessly. */
static int clash(const struct stat *st, const char *opt, const char *name,
                 const struct stat *in_st, const char *in_name,
                 const ql_ruleset *rules)
{
    const char *rf;
    if (S_ISCHR(st->st_mode))
        return 0;
    if (in_st && st->st_dev == in_st->st_dev && st->st_ino == in_st->st_ino) {
        cli_error("run", "%s %s is the input %s: refusing to write over it", opt,
                  name, in_name);
        return 1;
    }
    if ((rf = cli_rules_file_at(rules, st->st_dev, st->st_ino))) {
        cli_error("run", "%s %s is the rules file %s: refusing to write over it", opt,
                  name, rf);
        return 1;
    }
    return 0;
}

/* Whether `name` names standard descriptor fd (0 or 2) itself, such as
 * /dev/stderr, rather than a file. */
static int names_fd(const char *name, int fd)
{
    static const char *const dev[3] = {"/dev/stdin", "/dev/stdout", "/dev/stderr"};
    char self[48], fdn[16], pfd[32];
    snprintf(self, sizeof self, "/proc/%ld/fd/%d", (long)getpid(), fd);
    snprintf(fdn, sizeof fdn, "/dev/fd/%d", fd);
    snprintf(pfd, sizeof pfd, "/proc/self/fd/%d", fd);
    return !strcmp(name, dev[fd]) || !strcmp(name, fdn) || !strcmp(name, pfd) ||
           !strcmp(name, self);
}

/* The rejects are data: when they go to standard error (the default, or
 * --rejects naming it), a standard error the caller closed (it is
 * /dev/null now) would lose them, and a standard error that is a regular
 * file the run also writes (-o, --summary, an output on standard output)
 * would lose them to a rename.  Said (where a closed standard error
 * shows nothing, the exit status does), and 1.  One the run reads (the
 * input, a rules file) has stopped it at start-up, unsaid, since the
 * message would be written into that file (main.c, cli_stderr_reads). */
static int rejects_fd2_clash(const char *o, const char *r, const char *su)
{
    struct stat e, fs;
    if (r && !names_fd(r, 2))
        return 0;
    if (cli_closed_fds & 4) {
        cli_error("run", "standard error is closed, and the rejected rows go there: "
                         "give --rejects FILE");
        return 1;
    }
    if (fstat(STDERR_FILENO, &e) || !S_ISREG(e.st_mode))
        return 0; /* a terminal or a pipe: read as it comes, nothing lost */
    const char *path[2] = {o ? o : "-", su}; /* no -o: standard output */
    const char *opt[2] = {"-o", "--summary"};
    for (int i = 0; i < 2; i++) {
        if (!path[i])
            continue;
        int std = !strcmp(path[i], "-");
        if ((std ? fstat(STDOUT_FILENO, &fs) : stat(path[i], &fs)) == 0 &&
            fs.st_dev == e.st_dev && fs.st_ino == e.st_ino) {
            cli_error("run", "the rejected rows go to standard error, which is the "
                             "same file as %s %s: give --rejects FILE, or send "
                             "standard error elsewhere",
                      opt[i], std ? "(standard output)" : path[i]);
            return 1;
        }
    }
    return 0; /* the input: stopped without a word at start-up (cli_stderr_reads) */
}

/* Opens -o, --rejects and --summary and refuses, before anything is read
 * or truncated, an output that is the input (same device and inode,
 * whatever its name), the rules file, or another output. */
static int open_outputs(run_state *st)
{
    const cli_args *a = &st->a;
    const struct stat *in_st = st->in_known ? &st->in_st : NULL;
    const char *o = cli_get(a, O_OUTPUT), *r = cli_get(a, O_REJECTS);
    const char *su = st->summary;
    if (r && !strcmp(r, "-") && (!o || !strcmp(o, "-"))) {
        cli_error("run", "--rejects - and the output both on standard output "
                         "would mix rejects into the data: give -o FILE or "
                         "--rejects FILE");
        return -1;
    }
    if (rejects_fd2_clash(o, r, su))
        return -1;
    /* Standard error takes the notes, the closing counts and by default the
     * rejects: an output written to it has them mixed into its data
     * (probe17 P17-04: `-o /dev/stderr 2>&1 >/dev/null | load` gave the
     * loader a CSV with reject lines between its rows, where --rejects
     * /dev/stderr with it was refused as the same file). */
    if (cli_data_on_stderr("run", "-o", o) || cli_data_on_stderr("run", "--summary", su))
        return -1;
    const char *path[3] = {o ? o : "-", r, su};
    const char *opt[3] = {"-o", "--rejects", "--summary"};
    for (int i = 0; i < 3; i++) {
        struct stat fs;
        if (!path[i])
            continue;
        int is_std = !strcmp(path[i], "-");
        if ((is_std ? fstat(STDOUT_FILENO, &fs) : stat(path[i], &fs)) == 0 &&
            clash(&fs, opt[i], is_std ? "(standard output)" : path[i], in_st,
                  st->cfg.input_name, st->rs))
            return -1;
    }
    if (outfile_open(&st->out, o, "run") || (r && outfile_open(&st->rej, r, "run")) ||
        (su && outfile_open(&st->sum, su, "run")))
        return -1;
    if (outfile_same(&st->out, &st->rej)) {
        cli_error("run", "--rejects %s and -o %s are the same file: give them "
                         "different names",
                  outfile_name(&st->rej), outfile_name(&st->out));
        return -1;
    }
    if (outfile_same(&st->sum, &st->out) || outfile_same(&st->sum, &st->rej)) {
        cli_error("run", "--summary %s is the same file as %s: give it a name of "
                         "its own",
                  outfile_name(&st->sum), outfile_same(&st->sum, &st->out) ? "-o" : "--rejects");
        return -1;
    }
    st->cfg.rejects_csv = r != NULL;
    return 0;
}

/* A CSV header's columns: what each feeds, once for every row; --keep
 * names must be among them, a near miss of an input stops the run, and
 * without --date there must be a date column. */
static int map_header(run_state *st, const char *const *header, size_t nh)
{
    run_cfg *cfg = &st->cfg;
    cfg->map_target = calloc(nh + 1, sizeof *cfg->map_target);
    cfg->map_keep = calloc(nh + 1, sizeof *cfg->map_keep);
    st->skip = calloc(nh + 1, 1);
    if (!cfg->map_target || !cfg->map_keep || !st->skip) {
        cli_error("run", "out of memory");
        return -1;
    }
    int date_column = 0;
    for (size_t j = 0; j < nh; j++) {
        cfg->map_target[j] = run_target_of(cfg, header[j]);
        cfg->map_keep[j] = run_keep_index(cfg, header[j]);
        /* an ignored column is never copied, however wide */
        st->skip[j] = cfg->map_target[j] == T_IGNORE && cfg->map_keep[j] < 0;
        date_column |= cfg->map_target[j] == T_DATE;
    }
    cfg->map_names = header;
    cfg->map_n = nh;
    for (size_t k = 0; k < cfg->nkeep; k++) {
        size_t j;
        for (j = 0; j < nh && strcmp(header[j], cfg->keep[k]); j++)
            ;
        if (j == nh) { /* a list's bare name is told its items (P7-07) */
            char lh[512], hint[QL_DECIMAL_TEXT_MAX * 4];
            const char *h = col_list_hint(cfg->watch, cfg->keep[k], lh, sizeof lh);
            cli_error("run", "--keep: the input has no column '%s'%s%s", CLI_SNIP(cfg->keep[k]),
                      h ? ": " : "",
                      h ? h
                        : cli_did_you_mean(cfg->keep[k], (const char *const *)header, nh, hint,
                                           sizeof hint));
            return -1;
        }
        /* an input kept and ignored: its value shown beside outputs
         * computed without it, a row that contradicts itself */
        if (col_ignored(cfg->watch, cfg->keep[k]) &&
            ql_ruleset_input_index(cfg->rs, cfg->keep[k]) >= 0) {
            cli_error("run", "--keep '%s' and --ignore-columns '%s': the input would be "
                             "shown but not read; keep it or ignore it, not both",
                      CLI_SNIP(cfg->keep[k]), CLI_SNIP(cfg->keep[k]));
            return -1;
        }
    }
    /* a group by an input without a column is one group of every row,
     * each on the input's default: said, as --keep of a column it lacks */
    for (size_t g = 0; g < st->ngroup; g++) {
        size_t j;
        for (j = 0; j < nh && strcmp(header[j], st->group[g]); j++)
            ;
        if (j == nh || col_ignored(cfg->watch, st->group[g])) {
            char hint[QL_DECIMAL_TEXT_MAX * 4];
            cli_error("run", "--group-by: the input has no column '%s'%s",
                      CLI_SNIP(st->group[g]),
                      j < nh ? " that is read (--ignore-columns names it)"
                             : cli_did_you_mean(st->group[g], (const char *const *)header, nh,
                                                hint, sizeof hint));
            return -1;
        }
    }
    if (col_check_header(cfg->watch, "run", cfg->input_name, in_header_line(st->rd), header,
                         nh))
        return -1;
    if (!cfg->has_date && !date_column) {
        rj_no_date_column("run", cfg->input_name, in_header_line(st->rd), 0);
        return -1;
    }
    in_skip(st->rd, st->skip, nh);
    return 0;
}

/* The output's and the rejects' header lines. */
static int write_headers(run_state *st)
{
    const run_cfg *cfg = &st->cfg;
    if (!cfg->jsonl_out) {
        strbuf h = {0};
        int bad = sb_puts(&h, "id");
        for (size_t k = 0; k < cfg->nkeep; k++)
            bad |= sb_putc(&h, ',') ||
                   csv_put_field(&h, cfg->keep[k], strlen(cfg->keep[k]));
        run_column_names(st->rs, &h, 1);
        if (cfg->explain)
            bad |= sb_puts(&h, ",explain");
        bad |= sb_putc(&h, '\n');
        if (!bad)
            outfile_write(&st->out, h.p, h.len);
        free(h.p);
        if (bad) {
            cli_error("run", "out of memory");
            return -1;
        }
    }
    if (cfg->rejects_csv)
        outfile_write(&st->rej, "line,column,field,status,message,id\n", 36);
    return 0;
}

/* JSON Lines: the first record's keys are the file's header, checked
 * before any output is written (a near miss stops the run with nothing
 * written, as a header's); the pipeline reads that record again. */
static int first_record_stops(run_state *st)
{
    in_row row;
    const char *reject, *field;
    return in_peek(st->rd, &row) == 1 && !row.error &&
           col_check_record(st->cfg.watch, "run", st->cfg.input_name, &row, &reject,
                            &field);
}

static int open_files(run_state *st)
{
    char errbuf[8192];
    st->in = strcmp(st->in_path, "-") ? fopen(st->in_path, "rb") : stdin;
    if (!st->in) {
        cli_error("run", "%s: %s", st->in_path, strerror(errno));
        return -1;
    }
    if ((st->in == stdin || names_fd(st->in_path, 0)) &&
        (cli_closed_fds & 1)) { /* not "empty": closed */
        cli_error("run", "standard input is closed: give the input as a file, or "
                         "open standard input");
        return -1;
    }
    st->in_known = fstat(fileno(st->in), &st->in_st) == 0;
    if (st->in_known && S_ISDIR(st->in_st.st_mode)) {
        cli_error("run", "%s: is a directory, not a CSV or JSON Lines file", st->in_path);
        return -1;
    }
    /* The outputs are settled before a byte is read: none may be the
     * input, the rules or each other. */
    if (open_outputs(st))
        return -1;
    if (!(st->rd = in_open(st->in, st->in_jsonl, st->cfg.input_name, errbuf,
                           sizeof errbuf))) {
        cli_error("run", "%s", errbuf);
        return -1;
    }
    st->cfg.jsonl_in = st->in_jsonl = in_is_jsonl(st->rd);
    size_t nh;
    const char *const *header = in_header(st->rd, &nh);
    if (header && map_header(st, header, nh))
        return -1;
    if (!header && first_record_stops(st))
        return -1;
    return write_headers(st);
}

/* ------------------------------------------------------------- finish */

static const char *failed_name(const run_state *st)
{
    if (outfile_failed(&st->sum) || st->sum.failed)
        return outfile_name(&st->sum);
    if (st->rej.open && (st->rej.failed || outfile_failed(&st->rej)))
        return outfile_name(&st->rej);
    return outfile_name(&st->out);
}

static int finish(run_state *st, const run_counts *c)
{
    if (c->read == 0) { /* never a success that read nothing */
        cli_error("run", "%s: no rows to read: %s", st->cfg.input_name,
                  st->in_jsonl ? "the input holds no JSON Lines record"
                               : "the input has a header but no records after it");
        return EXIT_USAGE;
    }
    /* The rejects are data: written to a standard error that failed (a
     * full disk, 2>/dev/full) they are lost, and exit 1 would send the
     * caller to rejects there are not.  As for a --rejects file that
     * cannot be written: exit 2, no output file. */
    if (st->in_known && cli_input_changed("run", st->cfg.input_name, st->in, &st->in_st))
        return EXIT_USAGE;
    if (!st->cfg.rejects_csv && c->rejected && ferror(stderr)) {
        cli_error("run", "cannot write the rejected rows to standard error "
                         "(no file was replaced or created)");
        return EXIT_USAGE;
    }
    if (st->summary) {
        totals *t = run_pipe_totals(st->pipe);
        strbuf sb = {0};
        unsigned char by_value[MAX_GROUP] = {0}; /* numbers by their value */
        for (size_t j = 0; j < st->cfg.ngroup && j < MAX_GROUP; j++) {
            int g = st->cfg.group_target[j];
            by_value[j] = g >= T_INPUT && groups_input_is_number(st->cfg.rs, (size_t)(g - T_INPUT));
        }
        if (!t || tot_write_csv(t, st->group, by_value, c->read, c->rejected, &sb)) {
            free(sb.p);
            cli_error("run", "out of memory");
            return EXIT_USAGE;
        }
        outfile_write(&st->sum, sb.p, sb.len);
        free(sb.p);
    }
    /* All files complete or none: everything is flushed to disk first
     * (where a full disk shows), then the rejects and the summary are
     * renamed into place before the output. */
    if (outfile_finish(&st->rej) || outfile_finish(&st->sum) || outfile_finish(&st->out)) {
        int e = errno;
        cli_error("run", "cannot finish %s: %s%s", failed_name(st), strerror(e),
                  st->out.tmp || st->rej.tmp || st->sum.tmp
                      ? " (no file was replaced or created)"
                      : "");
        return EXIT_USAGE;
    }
    if (outfile_commit(&st->rej) || outfile_commit(&st->sum) || outfile_commit(&st->out)) {
        cli_error("run", "cannot rename the output into place: %s", strerror(errno));
        return EXIT_USAGE;
    }
    if (c->read != c->written + c->rejected) { /* never: every slot is one or the other */
        cli_error("run", "internal error: %lld read but %lld written and %lld rejected",
                  c->read, c->written, c->rejected);
        return EXIT_USAGE;
    }
    if (!st->quiet)
        fprintf(stderr, "quotalevy run: %lld row%s read, %lld written, %lld rejected\n",
                c->read, c->read == 1 ? "" : "s", c->written, c->rejected);
    return c->rejected ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

static int run(run_state *st, int argc, char **argv)
{
    if (parse_options(st, argc, argv) || build_config(st) || open_files(st))
        return EXIT_USAGE;
    if (!(st->pipe = run_pipe_new(&st->cfg, (size_t)st->threads, st->summary != NULL,
                                  st->ngroup))) {
        cli_error("run", "out of memory");
        return EXIT_USAGE;
    }
    run_progress pr = {!st->quiet && isatty(2), -1};
    if (st->in != stdin && st->in_known && S_ISREG(st->in_st.st_mode))
        pr.total_bytes = st->in_st.st_size;
    run_counts c = {0};
    if (run_pipe_run(st->pipe, st->rd, &st->out, &st->rej, &pr, &c))
        return EXIT_USAGE;
    return finish(st, &c);
}

int cmd_run(int argc, char **argv)
{
    run_state st;
    memset(&st, 0, sizeof st);
    int rc = run(&st, argc, argv);
    state_free(&st);
    return rc;
}
