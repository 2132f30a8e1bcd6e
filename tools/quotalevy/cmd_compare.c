/*
 * cmd_compare.c — `quotalevy compare`: a batch under the rules as they are
 * and under what-if overrides, side by side: the exact totals of every
 * output its rule set marks as summed, and each unit whose outcome
 * changes (in the outputs of --only, or any); the units as CSV (-o) and
 * the totals per group (--summary, --group-by, changes.c).
 */
#include "changes.h"
#include "cli.h"
#include "columns.h"
#include "nearmiss.h"
#include "groups.h"
#include "input.h"
#include "outfile.h"
#include "outcols.h"
#include "reject.h"
#include "strbuf.h"
#include "widesum.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { C_OVERRIDE, C_DATE, C_INFORMAT, C_IGNORE, C_ONLY, C_OUTPUT, C_SUMMARY,
       C_GROUP };
static const cli_opt compare_opts[] = {
    [C_OVERRIDE] = {"override", 0, CLI_REPEATS},
    [C_DATE] = {"date", 'd', 1},
    [C_INFORMAT] = {"input-format", 0, 1},
    [C_IGNORE] = {"ignore-columns", 0, 1},
    [C_ONLY] = {"only", 0, 1},
    [C_OUTPUT] = {"output", 'o', 1},
    [C_SUMMARY] = {"summary", 's', 1},
    [C_GROUP] = {"group-by", 'g', 1},
    {NULL, 0, 0}};

/* Splits a comma-separated list into `out` (at most max names, copied
 * into buf); the count, or −1 if there are too many. */
/* An --only name that is no output (shown escaped, with the nearest
 * output as "did you mean" when it is a near miss of one: levy_duе with
 * a Cyrillic е), or one named twice (i >= 0). */
static void only_refused(const ql_ruleset *rs, const char *rules, const char *name, int i)
{
    strbuf b = {0};
    sb_put_escaped(&b, name, strlen(name));
    const char *shown = b.p ? b.p : "";
    if (i >= 0) {
        cli_error("compare", "--only: '%s' is named twice", CLI_SNIP(shown));
    } else {
        const char *near = NULL;
        int best = 0;
        int list = 0; /* near is a list output's first item */
        for (size_t k = 0; k < ql_ruleset_output_count(rs); k++) {
            const char *out = ql_ruleset_output_name(rs, k);
            int d = col_near_miss(name, out), item = 0;
            size_t n = strlen(out);
            if (!d && n > 3 && !strcmp(out + n - 3, "[1]")) { /* the list's bare name */
                char *bare = strndup(out, n - 3);
                d = bare ? col_near_miss(name, bare) : 0;
                free(bare);
                item = 1;
            }
            if (d && (!best || d < best))
                best = d, near = out, list = item;
        }
        if (near && list)
            cli_error("compare", "--only: '%s' is not an output of %s: did you mean the "
                                 "list '%.*s' (its every item)?",
                      CLI_SNIP(shown), rules, (int)(strlen(near) - 3), near);
        else if (near)
            cli_error("compare", "--only: '%s' is not an output of %s: did you mean '%s'?",
                      CLI_SNIP(shown), rules, CLI_SNIP(near));
        else
            cli_error("compare", "--only: '%s' is not an output of %s", CLI_SNIP(shown), rules);
    }
    free(b.p);
}

/* --only NAME where NAME is a list output's bare name (q of q[1] …
 * q[n], as `outputs:` lists it): its items watched; their count, 0 when
 * it is no list output, −1 when an item is watched already (said as
 * named twice). */
static int only_list(const ql_ruleset *rs, const char *name, unsigned char *watch)
{
    size_t n = strlen(name);
    char *item = malloc(n + 24);
    int count = 0;
    while (item) {
        snprintf(item, n + 24, "%s[%d]", name, count + 1);
        int i = ql_ruleset_output_index(rs, item);
        if (i < 0)
            break;
        if (watch[i]) {
            count = -1;
            break;
        }
        watch[i] = 1;
        count++;
    }
    free(item);
    if (count < 0)
        cli_error("compare", "--only: '%s' is named twice", CLI_SNIP(name));
    return count;
}

static int split_names(const char *list, char *buf, size_t size,
                       const char **out, int max)
{
    snprintf(buf, size, "%s", list);
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == max)
            return -1;
        out[n++] = t;
    }
    return n;
}

/* The text of column `name` in a row, or "" (a group key). */
static const char *row_text(const in_row *r, const char *name, size_t *len)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->name[i], name) && r->val[i]) {
            *len = r->len[i];
            return r->val[i];
        }
    *len = 0;
    return "";
}

static int same_value(const ql_value *a, const ql_value *b)
{
    if (a->type != b->type)
        return 0;
    if (a->type == QL_TYPE_NUMBER)
        return ql_decimal_compare(&a->number, &b->number) == 0;
    char x[QL_DECIMAL_TEXT_MAX * 2], y[QL_DECIMAL_TEXT_MAX * 2];
    ql_value_format(x, sizeof x, a);
    ql_value_format(y, sizeof y, b);
    return !strcmp(x, y);
}

/* Why row `line` of `path` (id `id`) was not compared, or fails under
 * one rule set (`what`), on standard error with the reason msg about
 * `field` (or NULL) at `column` (0: none; see in_row_column), worded as
 * run words its rejects (rj_say). */
static void not_compared(const char *path, long line, int column, const char *id,
                         const char *what, const char *field, const char *msg)
{
    rj_say(path, line, column, what, id, field, msg);
}

/* A unit's id in the listing, escaped; "(no id)" for none. */
static void put_id(strbuf *b, const char *id)
{
    if (*id)
        sb_put_escaped(b, id, strlen(id));
    else
        sb_puts(b, "(no id)");
}

/* A value in the listing (its text in `text`), escaped; "n/a" for none. */
static void put_value(strbuf *b, const ql_value *v, const char *text)
{
    if (v->type)
        sb_put_escaped(b, text, strlen(text));
    else
        sb_puts(b, "n/a");
}

/* A changed unit's -o row into *line: id, group keys, then each watched
 * output under the current rules and under the override; a side that
 * fails (NULL) has empty cells (its reason is on standard error). */
static void put_unit(strbuf *line, const char *id, const char *const *key,
                     const size_t *klen, int ngroup, const ql_ruleset *rs,
                     const unsigned char *watch, const ql_result *before,
                     const ql_result *after)
{
    line->len = 0;
    csv_put_field(line, id, strlen(id));
    for (int k = 0; k < ngroup; k++) {
        sb_putc(line, ',');
        csv_put_field(line, key[k], klen[k]);
    }
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        if (!watch[i])
            continue;
        for (int side = 0; side < 2; side++) {
            const ql_result *r = side ? after : before;
            ql_value v = QL_VALUE_INIT;
            char t[QL_DECIMAL_TEXT_MAX * 2];
            sb_putc(line, ',');
            if (r && ql_result_output(&v, r, i) == QL_OK && v.type) {
                ql_value_format(t, sizeof t, &v);
                csv_put_field(line, t, strlen(t));
            }
        }
    }
    sb_putc(line, '\n');
}

/* A row's group keys: an input's value as the current rules read it
 * (groups_value_key) when `rec` holds the row, else the column's text as
 * written (a row that cannot be read). */
static void group_keys(const ql_ruleset *rs, const ql_record *rec, const in_row *row,
                       const char *const *group, int ngroup, const char **key,
                       size_t *klen, char (*kbuf)[QL_DECIMAL_TEXT_MAX * 2])
{
    for (int k = 0; k < ngroup; k++) {
        int gi = ql_ruleset_input_index(rs, group[k]);
        ql_value v = QL_VALUE_INIT;
        int places = gi >= 0 ? ql_ruleset_input_scale(rs, (size_t)gi) : -1;
        if (rec && gi >= 0 && ql_record_get(&v, rec, (size_t)gi) == QL_OK) {
            key[k] = groups_value_key(&v, places, kbuf[k], QL_DECIMAL_TEXT_MAX * 2,
                                      &klen[k]);
            continue;
        }
        key[k] = row_text(row, group[k], &klen[k]);
        /* a number as written joins its value's group */
        const char *num = gi >= 0 && groups_input_is_number(rs, (size_t)gi)
                              ? groups_text_key(key[k], klen[k], places, kbuf[k],
                                                QL_DECIMAL_TEXT_MAX * 2, &klen[k])
                              : NULL;
        if (num)
            key[k] = num;
    }
}

/* The located text of err. */

/* The column (in_row_column) of the row's 'date', or 0 when it has none. */
static int date_column(const in_row *row)
{
    for (size_t k = 0; k < row->n; k++)
        if (!strcmp(row->name[k], "date"))
            return in_row_column(row, k);
    return 0;
}

/* The column (in_row_column) of the field an evaluation error names, or
 * 0 when it names none the row has. */
static int error_column(const in_row *row, const ql_error *err)
{
    for (size_t k = 0; err && err->field[0] && k < row->n; k++)
        if (!strcmp(row->name[k], err->field))
            return in_row_column(row, k);
    return 0;
}

/* Whether output `path` (for option `opt`; "-" is standard output) is
 * already the input or a file either rule set was read from: said, and 1.
 * Asked of the name before the output is opened, since opening a
 * descriptor's name (/proc/self/fd/0) writes in place and truncates what
 * it names (probe7 P7-01: the input or the rules file was emptied, then
 * refused).  Terminals and other character devices are shared harmlessly. */
static int output_clash(const char *opt, const char *path, const struct stat *in_st,
                        const char *in_name, const ql_ruleset *base,
                        const ql_ruleset *alt)
{
    struct stat st;
    const char *rf;
    int std = path && !strcmp(path, "-");
    if (!path || (std ? fstat(STDOUT_FILENO, &st) : stat(path, &st)) != 0)
        return 0; /* a new file: the checks after opening it see to it */
    const char *shown = std ? "(standard output)" : path;
    if (in_st && !S_ISCHR(st.st_mode) && st.st_dev == in_st->st_dev &&
        st.st_ino == in_st->st_ino) {
        cli_error("compare", "%s %s is the input %s: refusing to write over it", opt,
                  shown, in_name);
        return 1;
    }
    if ((rf = cli_rules_file_at(base, st.st_dev, st.st_ino)) ||
        (rf = cli_rules_file_at(alt, st.st_dev, st.st_ino))) {
        cli_error("compare", "%s %s is the rules file %s: refusing to write over it",
                  opt, shown, rf);
        return 1;
    }
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, compare_opts, "compare", &a))
        return EXIT_USAGE;
    if (a.npos != 2) {
        cli_error("compare", "expected RULES INPUT --override PARAM=VALUE@DATE … "
                             "(see quotalevy compare --help)");
        return EXIT_USAGE;
    }
    ql_override ovr[64];
    size_t novr = 0;
    for (int i = 0; i < a.nocc; i++)
        if (a.occ[i].opt == C_OVERRIDE) {
            if (novr == 64 || cli_override("compare", a.occ[i].val, &ovr[novr]))
                return EXIT_USAGE;
            novr++;
        }
    if (novr == 0) {
        cli_error("compare", "give at least one --override PARAM=VALUE@DATE");
        return EXIT_USAGE;
    }
    ql_date fixed = 0;
    int has_fixed = 0;
    if (cli_get(&a, C_DATE)) {
        if (cli_date("compare", "--date", cli_get(&a, C_DATE), &fixed))
            return EXIT_USAGE;
        has_fixed = 1;
    }
    char onlybuf[4096], groupbuf[4096];
    const char *only_names[256], *group[64];
    int nonly = 0, ngroup = 0;
    if (cli_get(&a, C_ONLY) &&
        (nonly = split_names(cli_get(&a, C_ONLY), onlybuf, sizeof onlybuf,
                             only_names, 256)) < 0) {
        cli_error("compare", "--only: at most 256 outputs");
        return EXIT_USAGE;
    }
    if ((cli_get(&a, C_ONLY) && cli_list_empty_item("compare", "--only", cli_get(&a, C_ONLY))) ||
        (cli_get(&a, C_GROUP) &&
         cli_list_empty_item("compare", "--group-by", cli_get(&a, C_GROUP))))
        return EXIT_USAGE;
    if (cli_get(&a, C_GROUP) &&
        (ngroup = split_names(cli_get(&a, C_GROUP), groupbuf, sizeof groupbuf,
                              group, 64)) < 0) {
        cli_error("compare", "--group-by: at most 64 columns");
        return EXIT_USAGE;
    }
    const char *summary = cli_get(&a, C_SUMMARY);
    if (summary && summary[0] == '-' && summary[1]) {
        cli_error("compare", "--summary takes a FILE (the totals' CSV), not '%s'",
                  CLI_SNIP(summary));
        return EXIT_USAGE;
    }
    if (ngroup && !cli_get(&a, C_SUMMARY)) {
        cli_error("compare", "--group-by says how --summary FILE groups its "
                             "totals: give --summary too");
        return EXIT_USAGE;
    }
    const char *path = a.pos[1];
    int jsonl = in_guess_jsonl(path);
    if (cli_get(&a, C_INFORMAT) && cli_format("compare", cli_get(&a, C_INFORMAT), &jsonl))
        return EXIT_USAGE;

    int rc = EXIT_USAGE;
    ql_ruleset *base = cli_load("compare", a.pos[0]), *alt = NULL;
    ql_record *rb = NULL, *ra = NULL;
    ql_result *sb = NULL, *sa = NULL;
    widesum *tb = NULL, *ta = NULL; /* wide: a total never overflows */
    unsigned char *has = NULL, *watch = NULL;
    changes *chg = NULL;
    outfile units = {0}, summ = {0};
    strbuf line = {0};
    in_reader *rd = NULL;
    col_watch *cw = NULL;
    FILE *in = NULL;
    ql_error err;
    if (!base)
        goto out;
    if (cli_load_rules(&alt, a.pos[0], ovr, novr, NULL, 0, NULL, &err)) {
        fprintf(stderr, "quotalevy compare: ");
        cli_print_error(stderr, NULL, &err);
        goto out;
    }
    size_t no = ql_ruleset_output_count(base);
    tb = calloc(no + 1, sizeof *tb);
    ta = calloc(no + 1, sizeof *ta);
    has = calloc(no + 1, 1);
    watch = calloc(no + 1, 1);
    chg = chg_new(base, (size_t)ngroup);
    if (!tb || !ta || !has || !watch || !chg || ql_record_new(&rb, base, &err) ||
        ql_record_new(&ra, alt, &err) || ql_result_new(&sb, base, &err) ||
        ql_result_new(&sa, alt, &err)) {
        cli_error("compare", "out of memory");
        goto out;
    }
    /* the totals table: every summed number, 0 at its places when no row
     * gives it one */
    for (size_t i = 0; i < no; i++) {
        has[i] = ql_ruleset_output_aggregate(base, i) == QL_AGG_SUM &&
                 ql_ruleset_output_type(base, i) == QL_TYPE_NUMBER;
        tb[i].scale = ta[i].scale =
            has[i] && ql_ruleset_output_scale(base, i) > 0 ? ql_ruleset_output_scale(base, i) : 0;
    }
    for (size_t i = 0; i < no; i++)
        watch[i] = nonly == 0;
    for (int k = 0; k < nonly; k++) {
        int i = ql_ruleset_output_index(base, only_names[k]);
        int items = i < 0 ? only_list(base, only_names[k], watch) : 0;
        if (items < 0)
            goto out;
        if (items > 0)
            continue; /* a list output's bare name: its every item (P7-07) */
        if (i < 0 || watch[i]) {
            only_refused(base, a.pos[0], only_names[k], i < 0 ? -1 : i);
            goto out;
        }
        watch[i] = 1;
    }
    if (oc_check_compare(base, watch, group, (size_t)ngroup, cli_get(&a, C_OUTPUT) != NULL,
                         summary != NULL))
        goto out;
    in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in) {
        cli_error("compare", "%s: %s", path, strerror(errno));
        goto out;
    }
    if (in == stdin && (cli_closed_fds & 1)) {
        cli_error("compare", "standard input is closed: give the input as a file, "
                             "or open standard input");
        goto out;
    }
    struct stat in_st;
    int in_known = fstat(fileno(in), &in_st) == 0;
    /* and standard output, which the report goes to: appended to the
     * input (>> in.csv) it was read back as rows, to a rules file it broke
     * it (probe8 P8-07), as run refuses */
    if (output_clash("-o", cli_get(&a, C_OUTPUT), in_known ? &in_st : NULL, path, base,
                     alt) ||
        output_clash("--summary", summary, in_known ? &in_st : NULL, path, base, alt) ||
        output_clash(cli_get(&a, C_OUTPUT) ? "the report" : "-o", "-",
                     in_known ? &in_st : NULL, path, base, alt))
        goto out;
    /* standard error takes the rows not compared: not into the data */
    if (cli_data_on_stderr("compare", "-o", cli_get(&a, C_OUTPUT)) ||
        cli_data_on_stderr("compare", "--summary", summary))
        goto out;
    if ((cli_get(&a, C_OUTPUT) && outfile_open(&units, cli_get(&a, C_OUTPUT), "compare")) ||
        (cli_get(&a, C_SUMMARY) && outfile_open(&summ, cli_get(&a, C_SUMMARY), "compare")))
        goto out;
    /* nor any file either rule set was read from (its `extends` too) */
    for (int k = 0; k < 2; k++) {
        outfile *of = k ? &summ : &units;
        const char *rf = NULL;
        if (of->open && of->exists &&
            !(rf = cli_rules_file_at(base, of->dev, of->ino)))
            rf = cli_rules_file_at(alt, of->dev, of->ino);
        if (rf) {
            cli_error("compare", "%s %s is the rules file %s: refusing to "
                      "write over it", k ? "--summary" : "-o",
                      outfile_name(of), rf);
            goto out;
        }
    }
    if (in_known && !S_ISCHR(in_st.st_mode) &&
        (outfile_is(&units, in_st.st_dev, in_st.st_ino) ||
         outfile_is(&summ, in_st.st_dev, in_st.st_ino))) {
        int is_units = outfile_is(&units, in_st.st_dev, in_st.st_ino);
        cli_error("compare", "%s %s is the input %s: refusing to write over it",
                  is_units ? "-o" : "--summary",
                  outfile_name(is_units ? &units : &summ), path);
        goto out;
    }
    if (outfile_same(&units, &summ)) {
        cli_error("compare", "-o and --summary are the same file: give them "
                             "different names");
        goto out;
    }
    char errbuf[8192];
    if (!(rd = in_open(in, jsonl, path, errbuf, sizeof errbuf))) {
        cli_error("compare", "%s", errbuf);
        goto out;
    }
    /* A misspelled column would leave its input empty under both rule
     * sets and hide a change: columns are checked as run checks them. */
    size_t nh;
    const char *const *header = in_header(rd, &nh);
    if (!(cw = col_watch_new(base, cli_get(&a, C_IGNORE), group, (size_t)ngroup,
                             has_fixed))) {
        cli_error("compare", "out of memory");
        goto out;
    }
    if (header) {
        if (col_check_header(cw, "compare", path, in_header_line(rd), header, nh))
            goto out;
        size_t j;
        for (j = 0; j < nh && strcmp(header[j], "date"); j++)
            ;
        for (int k = 0; k < ngroup; k++) {
            size_t g;
            for (g = 0; g < nh && strcmp(header[g], group[k]); g++)
                ;
            int items = g == nh ? col_list_items(base, group[k]) : 0;
            if (items) {
                cli_error("compare",
                          "--group-by: '%s' is a list input of %d item%s: group "
                          "by one of them, %s[1] … %s[%d]",
                          CLI_SNIP(group[k]), items, items == 1 ? "" : "s", group[k], group[k],
                          items);
                goto out;
            }
            if (g == nh) {
                char hint[512], dym[QL_DECIMAL_TEXT_MAX * 4];
                const char *h = col_list_hint(cw, group[k], hint, sizeof hint);
                cli_error("compare", "--group-by: the input has no column '%s'%s%s",
                          CLI_SNIP(group[k]), h ? ": " : "",
                          h ? h
                            : cli_did_you_mean(group[k], (const char *const *)header, nh,
                                               dym, sizeof dym));
                goto out;
            }
        }
        if (!has_fixed && j == nh) {
            rj_no_date_column("compare", path, in_header_line(rd), 0);
            goto out;
        }
    }
    if (!header) { /* JSON Lines: the first record is the header, checked before
                    * any output (the loop reads it again) */
        in_row first;
        const char *slip, *slip_field;
        if (in_peek(rd, &first) == 1 && !first.error &&
            col_check_record(cw, "compare", path, &first, &slip, &slip_field))
            goto out;
    }
    if (units.open) { /* the changed units' CSV header, once nothing
                       * can refuse the run any more */
        sb_puts(&line, "id");
        for (int k = 0; k < ngroup; k++) {
            sb_putc(&line, ',');
            csv_put_field(&line, group[k], strlen(group[k]));
        }
        for (size_t i = 0; i < no; i++) {
            if (!watch[i])
                continue;
            const char *nm = ql_ruleset_output_name(base, i);
            sb_putc(&line, ',');
            sb_puts(&line, nm);
            sb_puts(&line, "_current,");
            sb_puts(&line, nm);
            sb_puts(&line, "_override");
        }
        sb_putc(&line, '\n');
        outfile_write(&units, line.p, line.len);
    }
    /* the report goes to standard error when a CSV goes to standard
     * output, so that the CSV stays one */
    FILE *rep = stdout;
    struct stat o_st;
    if (units.is_stdout || summ.is_stdout ||
        (fstat(1, &o_st) == 0 &&
         (outfile_is(&units, o_st.st_dev, o_st.st_ino) ||
          outfile_is(&summ, o_st.st_dev, o_st.st_ino))))
        rep = stderr;
    fprintf(rep, "%s %s on %s", ql_ruleset_meta(base, "id"), ql_ruleset_meta(base, "version"),
           path);
    for (size_t k = 0; k < novr; k++) {
        char d[16];
        ql_date_format(d, sizeof d, ovr[k].from);
        fprintf(rep, "%s %s = %s from %s", k ? "," : "\noverride:", ovr[k].param,
               ovr[k].value, d);
    }
    if (units.open)
        fprintf(rep, "\n\nthe units whose outcome changes: %s\n", cli_get(&a, C_OUTPUT));
    else
        fprintf(rep, "\n\nunits whose outcome changes (output: current -> override)\n");
    long rows = 0, both = 0, changed = 0, failed = 0, onesided = 0;
    in_row row;
    int st;
    while ((st = in_next(rd, &row)) == 1) {
        const char *slip = NULL, *slip_field;
        /* a record the reader refused has no keys to check: it is not
         * compared, and says why (as run's reader rejects) */
        if (!header && !row.error &&
            col_check_record(cw, "compare", path, &row, &slip, &slip_field))
            goto out;
        if (slip)
            in_row_reject(&row, slip, slip_field, QL_ERECORD);
        rows++;
        const char *id = "";
        ql_date date = fixed;
        int have = has_fixed;
        int column = 0;
        in_row kept;
        if (col_keep_read(cw, &row, &kept)) {
            cli_error("compare", "out of memory");
            goto out;
        }
        /* whether rb holds this row (its group keys are read from it) */
        int filled = !row.error &&
                     !in_fill_record(base, rb, &kept, &date, &have, &id, &column, &err);
        int refused = !row.error &&
                      (!filled || in_fill_record(alt, ra, &kept, &date, &have, &id,
                                                 &column, &err));
        int bad = row.error || refused || !have;
        col_kept_free(&kept);
        char why[QL_ERROR_MESSAGE_MAX + QL_ERROR_FILE_MAX + 64];
        /* a group key: an input's value as the current rules read it
         * (groups_value_key), any other column's text */
        const char *key[64];
        size_t klen[64];
        char kbuf[64][QL_DECIMAL_TEXT_MAX * 2];
        group_keys(base, filled ? rb : NULL, &row, group, ngroup, key, klen, kbuf);
        if (bad) { /* every row not compared says why, as run's rejects */
            failed++;
            if (chg_count(chg, key, klen, CHG_NEITHER))
                goto oom;
            if (row.error)
                not_compared(path, row.line, row.error_column,
                             row.error_id ? row.error_id : "", "not compared",
                             row.error_field, row.error);
            else if (refused) { /* a value (the date's too) refused */
                const char *f;
                rj_error(&err, why, sizeof why, &f);
                not_compared(path, row.line, column, id, "not compared", f, why);
            }
            else /* at the date column, as run's reject */
                not_compared(path, row.line, date_column(&row), id, "not compared",
                             "date", rj_no_date(date_column(&row) != 0));
            continue;
        }
        ql_status s1 = ql_evaluate(sb, rb, date, 0, NULL);
        ql_status s2 = ql_evaluate(sa, ra, date, 0, NULL);
        char why2[sizeof why];
        const char *f1 = "", *f2 = "";
        if (s1)
            rj_error(ql_result_error(sb), why, sizeof why, &f1);
        if (s2)
            rj_error(ql_result_error(sa), why2, sizeof why2, &f2);
        if (s1 && s2 && !strcmp(why, why2) && !strcmp(f1, f2)) {
            failed++; /* one reason, under both */
            not_compared(path, row.line, error_column(&row, ql_result_error(sb)), id,
                         "not compared", f1, why);
            if (chg_count(chg, key, klen, CHG_NEITHER))
                goto oom;
            continue;
        }
        if (s1)
            not_compared(path, row.line, error_column(&row, ql_result_error(sb)), id,
                         "fails under the current rules", f1, why);
        if (s2)
            not_compared(path, row.line, error_column(&row, ql_result_error(sa)), id,
                         "fails under the override", f2, why2);
        if (s1 && s2) {
            failed++;
            if (chg_count(chg, key, klen, CHG_NEITHER))
                goto oom;
            continue;
        }
        if (!!s1 != !!s2) { /* a change; its failing side has no values */
            changed++;
            onesided++;
            if (chg_count(chg, key, klen, s1 ? CHG_FAILS_CURRENT : CHG_FAILS_OVERRIDE))
                goto oom;
            if (units.open) {
                put_unit(&line, id, key, klen, ngroup, base, watch, s1 ? NULL : sb,
                         s2 ? NULL : sa);
                outfile_write(&units, line.p, line.len);
            } else {
                line.len = 0;
                sb_puts(&line, "  ");
                put_id(&line, id);
                sb_puts(&line, s1 ? ": fails under the current rules, evaluates "
                                    "under the override\n"
                                  : ": evaluates under the current rules, fails "
                                    "under the override\n");
                fwrite(line.p, 1, line.len, rep);
            }
            continue;
        }
        both++;
        int differs = 0;
        for (size_t i = 0; i < no; i++) {
            ql_value x = QL_VALUE_INIT, y = QL_VALUE_INIT;
            ql_result_output(&x, sb, i);
            ql_result_output(&y, sa, i);
            differs |= watch[i] && !same_value(&x, &y);
        }
        if (chg_add(chg, key, klen, sb, sa, differs))
            goto oom;
        for (size_t i = 0; i < no; i++) {
            ql_value x = QL_VALUE_INIT, y = QL_VALUE_INIT;
            ql_result_output(&x, sb, i);
            ql_result_output(&y, sa, i);
            if (ql_ruleset_output_aggregate(base, i) == QL_AGG_SUM) {
                if (x.type == QL_TYPE_NUMBER)
                    widesum_add(&tb[i], &x.number);
                if (y.type == QL_TYPE_NUMBER)
                    widesum_add(&ta[i], &y.number);
            }
        }
        if (!differs)
            continue;
        changed++;
        if (units.open) {
            put_unit(&line, id, key, klen, ngroup, base, watch, sb, sa);
            outfile_write(&units, line.p, line.len);
            continue;
        }
        /* the listing: "  ID: OUT x -> y; …", ids and values escaped as
         * the reject lines are, so that no value forges a line */
        line.len = 0;
        sb_puts(&line, "  ");
        put_id(&line, id);
        const char *sep = ": ";
        for (size_t i = 0; i < no; i++) {
            ql_value x = QL_VALUE_INIT, y = QL_VALUE_INIT;
            ql_result_output(&x, sb, i);
            ql_result_output(&y, sa, i);
            if (!watch[i] || same_value(&x, &y))
                continue;
            char bx[QL_DECIMAL_TEXT_MAX * 2], by[QL_DECIMAL_TEXT_MAX * 2];
            ql_value_format(bx, sizeof bx, &x);
            ql_value_format(by, sizeof by, &y);
            sb_puts(&line, sep);
            sb_puts(&line, ql_ruleset_output_name(base, i));
            sb_putc(&line, ' ');
            put_value(&line, &x, bx);
            sb_puts(&line, " -> ");
            put_value(&line, &y, by);
            sep = "; ";
        }
        sb_putc(&line, '\n');
        fwrite(line.p, 1, line.len, rep);
    }
    if (st < 0) {
        cli_error("compare", "%s: read error", path);
        goto out;
    }
    if (rows == 0) { /* never a success that read nothing, as in run */
        cli_error("compare", "%s: no rows to read: %s", path,
                  jsonl ? "the input holds no JSON Lines record"
                        : "the input has a header but no records after it");
        goto out;
    }
    fprintf(rep, "\n%ld row%s: %ld evaluated under both, %ld change, %ld cannot be "
           "evaluated under either, %ld under one only (a change)\n\n",
           rows, rows == 1 ? "" : "s", both, changed, failed, onesided);
    fprintf(rep, "%-32s %20s %20s %20s\n", "total", "current", "override", "change");
    for (size_t i = 0; i < no; i++) {
        if (!has[i])
            continue;
        char x[160], y[160], d[160];
        widesum diff = ta[i];
        widesum_sub(&diff, &tb[i]);
        widesum_format(&tb[i], x, sizeof x);
        widesum_format(&ta[i], y, sizeof y);
        widesum_format(&diff, d, sizeof d);
        fprintf(rep, "%-32s %20s %20s %20s\n", ql_ruleset_output_name(base, i), x, y, d);
    }
    if (summ.open) {
        line.len = 0;
        unsigned char by_value[64] = {0}; /* numbers by their value */
        for (int k = 0; k < ngroup; k++) {
            int gi = ql_ruleset_input_index(base, group[k]);
            by_value[k] = gi >= 0 && groups_input_is_number(base, (size_t)gi);
        }
        if (chg_write_csv(chg, group, by_value, &line))
            goto oom;
        outfile_write(&summ, line.p, line.len);
    }
    /* the rows not compared are named on standard error (and the report
     * is there with a CSV on standard output): lost to a standard error
     * that failed (2>/dev/full), exit 1 would point at lines there are
     * not, so it fails as a file that cannot be written does */
    if (in_known && cli_input_changed("compare", path, in, &in_st))
        goto out;
    if ((failed || onesided || rep == stderr) && ferror(stderr)) {
        cli_error("compare", "cannot write standard error: the rows not compared "
                             "are not named (no file was replaced or created)");
        goto out;
    }
    /* finished (and named) before either is renamed into place: the
     * listing and the summary are two files, complete or absent together */
    outfile *unfinished = outfile_finish(&units)  ? &units
                          : outfile_finish(&summ) ? &summ
                                                  : NULL;
    if (unfinished) {
        cli_error("compare", "cannot finish %s: %s (no file was replaced or created)",
                  outfile_name(unfinished), strerror(errno));
        goto out;
    }
    if (outfile_commit(&units) || outfile_commit(&summ)) {
        cli_error("compare", "cannot rename the output into place: %s", strerror(errno));
        goto out;
    }
    rc = failed || onesided ? EXIT_SOME_FAILED : EXIT_ALL_OK;
    goto out;
oom:
    cli_error("compare", "out of memory");
out:
    col_watch_free(cw);
    outfile_abort(&units);
    outfile_abort(&summ);
    chg_free(chg);
    free(watch);
    free(line.p);
    in_close(rd);
    if (in && in != stdin)
        fclose(in);
    ql_result_free(sa);
    ql_result_free(sb);
    ql_record_free(ra);
    ql_record_free(rb);
    ql_ruleset_free(alt);
    ql_ruleset_free(base);
    free(tb);
    free(ta);
    free(has);
    return rc;
}
