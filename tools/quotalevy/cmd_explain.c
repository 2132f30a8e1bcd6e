/*
 * cmd_explain.c — `quotalevy explain`: one record's whole calculation, for
 * a person (text) or a program (json).  The steps come from the
 * library's trace, in the order values were settled, so every value is
 * shown after the values it was made from.
 */
#include "cli.h"
#include "columns.h"
#include "nearmiss.h"
#include "strbuf.h"
#include "input.h"
#include "reject.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { E_DATE, E_SET, E_ROW, E_FORMAT, E_IGNORE };
static const cli_opt explain_opts[] = {
    [E_DATE] = {"date", 'd', 1},
    [E_SET] = {"set", 0, CLI_REPEATS},
    [E_ROW] = {"row", 0, 1},
    [E_FORMAT] = {"format", 'f', 1},
    [E_IGNORE] = {"ignore-columns", 0, 1},
    {NULL, 0, 0}};

/* A row asked for that the reader refused (row->error), on standard
 * error as run writes its reject (rj_say). */
static void say_unread(const char *path, const in_row *row)
{
    rj_say(path, row->line, row->error_column, "rejected", row->error_id,
           row->error_field, row->error);
}

/* Whether one of the names is a 'date' column (key) that is read. */
static int names_date(const col_watch *w, const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(names[k], "date") && !col_ignored(w, "date"))
            return 1;
    return 0;
}

/* The column of the row's 'date' field (in_row_column), 0 when it has
 * none. */
static int date_field(const in_row *row)
{
    for (size_t k = 0; k < row->n; k++)
        if (!strcmp(row->name[k], "date"))
            return in_row_column(row, k);
    return 0;
}

/* Finds the row whose id is `id` in the file and sets the record from it;
 * its 'date' column into *date if there is one. */
static int record_from_row(const ql_ruleset *rs, ql_record *rec, ql_result *res,
                           const char *path, const char *id, ql_date *date,
                           int *have_date, const char *ignore)
{
    /* the row's evaluation error, at the row's line and the column of the
     * field it names, as run's reject (P14-05: it had no place at all) */
    ql_error eval_err;
    int eval_failed = 0, eval_column = 0;
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) { /* a usage error, as run's (exit 2) */
        cli_error("explain", "%s: cannot open", path);
        return -2;
    }
    int jsonl = in_guess_jsonl(path);
    char errbuf[8192];
    struct stat st_in;
    in_reader *rd = NULL;
    col_watch *w = NULL;
    int rc = -1;
    if (fstat(fileno(f), &st_in) == 0 && S_ISDIR(st_in.st_mode)) {
        cli_error("explain", "%s: is a directory, not a CSV or JSON Lines file", path);
        rc = -2;
        goto out;
    }
    rd = in_open(f, jsonl, path, errbuf, sizeof errbuf);
    if (!rd) { /* an input not read at all: as run, exit 2 */
        cli_error("explain", "%s", errbuf);
        rc = -2;
        goto out;
    }
    /* a misspelled column would leave its input empty: as in run */
    size_t nh;
    const char *const *header = in_header(rd, &nh);
    if (!(w = col_watch_new(rs, ignore, NULL, 0, *have_date))) {
        cli_error("explain", "out of memory");
        goto out;
    }
    if (header && col_check_header(w, "explain", path, in_header_line(rd), header, nh)) {
        rc = -2;
        goto out;
    }
    if (header && !*have_date && !names_date(w, header, nh)) { /* as run */
        rj_no_date_column("explain", path, in_header_line(rd), 0);
        rc = -2;
        goto out;
    }
    in_row row;
    int st;
    long found = 0; /* the line of the row filled in, once one is */
    int first_seen = 0; /* JSON Lines: a record was read whole */
    char near[256] = ""; /* the id nearest to --row's, for "did you mean" */
    int near_d = 0;
    while ((st = in_next(rd, &row)) == 1) {
        if (row.error && row.error_id && !strcmp(row.error_id, id)) {
            /* the row asked for cannot be read: said as run's reject, not
             * "no row has id" */
            say_unread(path, &row);
            rc = 1;
            goto out;
        }
        if (row.error)
            continue;
        const char *slip = NULL, *slip_field;
        /* JSON Lines: the first record's keys are the file's header, checked
         * whichever row is asked for; the row asked for is held to them */
        int first_rec = !header && !first_seen;
        first_seen |= first_rec;
        if (first_rec && col_check_record(w, "explain", path, &row, &slip, &slip_field)) {
            rc = -2;
            goto out;
        }
        if (first_rec && !*have_date && !names_date(w, row.name, row.n)) { /* as run */
            rj_no_date_column("explain", path, row.line, 1);
            rc = -2;
            goto out;
        }
        size_t k;
        for (k = 0; k < row.n; k++)
            if (!strcmp(row.name[k], "id") && row.val[k] && !strcmp(row.val[k], id))
                break;
        if (k == row.n) {
            for (k = 0; !found && k < row.n; k++)
                if (!strcmp(row.name[k], "id") && row.val[k] &&
                    strlen(row.val[k]) < sizeof near &&
                    strlen(row.val[k]) + 4 >= strlen(id) &&
                    strlen(id) + 4 >= strlen(row.val[k])) {
                    int d = col_near_miss(id, row.val[k]);
                    if (d && (!near_d || d < near_d))
                        near_d = d, snprintf(near, sizeof near, "%s", row.val[k]);
                }
            continue;
        }
        if (found) { /* a second row of that id: which is meant? */
            strbuf e = {0};
            sb_put_escaped(&e, id, strlen(id));
            cli_error("explain", "%s: rows at lines %ld and %ld both have id '%s': "
                                 "--row must name one row",
                      path, found, row.line, CLI_SNIP(e.p ? e.p : ""));
            free(e.p);
            rc = -2;
            goto out;
        }
        found = row.line;
        const char *rid = NULL;
        int column = 0;
        ql_error err;
        if (!header && !first_rec &&
            col_check_record(w, "explain", path, &row, &slip, &slip_field)) {
            rc = -2;
            goto out;
        }
        if (slip) { /* the record's own slip: run's reject, where run puts it */
            in_row_reject(&row, slip, slip_field, QL_ERECORD);
            rj_say(path, row.line, row.error_column, "rejected", id, slip_field, slip);
            rc = 1;
            goto out;
        }
        /* columns named in --ignore-columns are not read, as in run */
        in_row kept;
        if (col_keep_read(w, &row, &kept)) {
            cli_error("explain", "out of memory");
            goto out;
        }
        rc = in_fill_record(rs, rec, &kept, date, have_date, &rid, &column, &err);
        /* no --date and the row's own empty or absent: run's reject, at
         * the date field when the row has one (P18-03: it was a usage
         * error, "give --date", naming no row) */
        int date_at = date_field(&kept);
        col_kept_free(&kept);
        if (rc) {
            char why[QL_ERROR_MESSAGE_MAX + QL_ERROR_FILE_MAX + 64];
            const char *fld;
            rj_error(&err, why, sizeof why, &fld);
            rj_say(path, row.line, column, "rejected", id, fld, why);
            goto out;
        }
        if (!*have_date) {
            rj_say(path, row.line, date_at, "rejected", id, "date",
                   rj_no_date(date_at != 0));
            rc = -1;
            goto out;
        }
        if (*have_date && ql_evaluate(res, rec, *date, 0, &eval_err)) {
            eval_failed = 1;
            for (size_t j = 0; eval_err.field[0] && j < row.n; j++)
                if (!strcmp(row.name[j], eval_err.field))
                    eval_column = in_row_column(&row, j);
        }
        /* read on: the id must name one row */
    }
    if (found)
        goto out;
    {
        const char *np = near;
        char hint[sizeof near * 4 + 32];
        cli_error("explain", "%s: no row has id '%s'%s", path, CLI_SNIP(id),
                  cli_did_you_mean(id, &np, near_d ? 1 : 0, hint, sizeof hint));
    }
out:
    col_watch_free(w);
    in_close(rd);
    if (f != stdin)
        fclose(f);
    if (rc == 0 && eval_failed) { /* the one row of that id, read whole */
        char why[QL_ERROR_MESSAGE_MAX + QL_ERROR_FILE_MAX + 64];
        const char *fld;
        rj_error(&eval_err, why, sizeof why, &fld);
        rj_say(path, found, eval_column, "rejected", id, fld, why);
        rc = 1;
    }
    return rc;
}

/* The library's text (ql_result_explain), the same in every front end. */
static int print_text(const ql_result *res)
{
    char small[8192];
    size_t n = ql_result_explain(small, sizeof small, res);
    char *text = small;
    if (n >= sizeof small) {
        text = malloc(n + 1);
        if (!text) {
            cli_error("explain", "out of memory");
            return -1;
        }
        ql_result_explain(text, n + 1, res);
    }
    fwrite(text, 1, n, stdout);
    if (text != small)
        free(text);
    return 0;
}

static void jstr(const char *s)
{
    strbuf b = {0};
    json_put_string(&b, s ? s : "", s ? strlen(s) : 0);
    fputs(b.p, stdout);
    free(b.p);
}

/* A value as run -f jsonl writes it: a number as a string (exact, its
 * places kept, which a JSON number loses to any parser's binary float),
 * a bool as true/false, none as null, text and dates as strings. */
static void jval(const ql_value *v)
{
    char buf[QL_DECIMAL_TEXT_MAX * 2];
    ql_value_format(buf, sizeof buf, v);
    switch (v->type) {
    case QL_TYPE_NONE: fputs("null", stdout); break;
    case QL_TYPE_BOOL: fputs(buf, stdout); break;
    default: jstr(buf);
    }
}

static void print_json(const ql_ruleset *rs, const ql_result *res, ql_date date)
{
    char d[16];
    ql_date_format(d, sizeof d, date);
    printf("{\"rules\":");
    jstr(ql_ruleset_meta(rs, "id"));
    printf(",\"version\":");
    jstr(ql_ruleset_meta(rs, "version"));
    printf(",\"date\":\"%s\",\"steps\":[", d);
    for (size_t i = 0; i < ql_result_trace_count(res); i++) {
        ql_trace_step s = QL_TRACE_STEP_INIT;
        ql_result_trace_step(&s, res, i);
        printf("%s{\"kind\":\"%s\",\"name\":", i ? "," : "", ql_step_kind_name(s.kind));
        jstr(s.name);
        printf(",\"value\":");
        jval(&s.value);
        if (s.formula) {
            printf(",\"formula\":");
            jstr(s.formula);
        }
        if (s.kind == QL_STEP_PARAM) {
            char f[16];
            ql_date_format(f, sizeof f, s.from);
            printf(",\"from\":\"%s\"", f);
            if (s.until >= 0) {
                ql_date_format(f, sizeof f, s.until);
                printf(",\"until\":\"%s\"", f);
            }
        }
        if (s.description) {
            printf(",\"description\":");
            jstr(s.description);
        }
        if (s.source) {
            printf(",\"source\":");
            jstr(s.source);
        }
        printf("}");
    }
    printf("],\"outputs\":{");
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_value v = QL_VALUE_INIT;
        ql_result_output(&v, res, i);
        printf("%s", i ? "," : "");
        jstr(ql_ruleset_output_name(rs, i));
        printf(":");
        jval(&v);
    }
    printf("},\"checks\":{");
    for (size_t k = 0; k < ql_ruleset_check_count(rs); k++) {
        ql_check_result c = QL_CHECK_RESULT_INIT;
        ql_result_check(&c, res, k);
        printf("%s", k ? "," : "");
        jstr(ql_ruleset_check_name(rs, k));
        printf(":{\"applicable\":%s,\"compliant\":", c.applicable ? "true" : "false");
        if (c.applicable)
            printf("%s", c.compliant ? "true" : "false");
        else
            printf("null");
        printf(",\"required\":");
        jval(&c.required);
        printf(",\"actual\":");
        jval(&c.actual);
        printf(",\"shortfall\":");
        jval(&c.shortfall);
        printf("}");
    }
    printf("}}\n");
}

/* The list input `name` (NAME[N]) would be an item of, NAME's own or a
 * near miss of it (Positions[13]): its item count, its name's length in
 * *bl and its first item's name in *first; 0 when there is none.  For
 * the message of an index past a list's end. */
static int list_items(const ql_ruleset *rs, const char *name, const char **first,
                      int *bl)
{
    const char *br = strrchr(name, '[');
    if (!br || br == name || name[strlen(name) - 1] != ']')
        return 0;
    char base[QL_ERROR_FIELD_MAX], item[QL_ERROR_FIELD_MAX + 24];
    snprintf(base, sizeof base, "%.*s", (int)(br - name), name);
    for (size_t k = 0; k < ql_ruleset_input_count(rs); k++) {
        const char *in = ql_ruleset_input_name(rs, k);
        size_t n = strlen(in);
        if (n < 4 || strcmp(in + n - 3, "[1]"))
            continue;
        snprintf(item, sizeof item, "%.*s", (int)(n - 3), in);
        if (strcmp(item, base) && !col_near_miss(base, item))
            continue;
        int items = 0;
        do
            snprintf(item, sizeof item, "%.*s[%d]", (int)(n - 3), in, ++items);
        while (ql_ruleset_input_index(rs, item) >= 0);
        *first = in;
        *bl = (int)(n - 3);
        return items - 1;
    }
    return 0;
}

/* --set NAME=…: NAME must be an input ("did you mean" when it nearly is
 * one; a list's bare name, or nearly, is told its items), set once;
 * said, and 1, when it is not. */
static int set_name_refused(const ql_ruleset *rs, const col_watch *w, const cli_args *a,
                            int i, const char *name, size_t nlen)
{
    const char *const val = a->occ[i].val;
    strbuf e = {0};
    sb_put_escaped(&e, val, nlen);
    const char *shown = e.p ? e.p : "";
    int refused = 1;
    if (nlen >= QL_ERROR_FIELD_MAX || ql_ruleset_input_index(rs, name) < 0) {
        int size = 0, exact = 0;
        const char *of = nlen < QL_ERROR_FIELD_MAX ? col_list_named(w, name, &size, &exact)
                                                   : NULL;
        int ol = of ? (int)(strchr(of, '[') - of) : 0;
        if (of && exact) { /* P7-07: "no input called 'full_time'", untrue */
            cli_error("explain", "--set: '%s' is a list input of %d item%s, %.*s[1] … "
                                 "%.*s[%d]: set each item on its own, --set %.*s[1]=… "
                                 "… --set %.*s[%d]=…",
                      CLI_SNIP(shown), size, size == 1 ? "" : "s", ol, of, ol, of, size, ol, of, ol,
                      of, size);
            goto out;
        }
        const char *near = NULL;
        for (size_t k = 0; k < ql_ruleset_input_count(rs) && !near; k++)
            if (col_near_input(name, ql_ruleset_input_name(rs, k)))
                near = ql_ruleset_input_name(rs, k);
        const char *list = NULL;
        int bl = 0, items = near || of ? 0 : list_items(rs, name, &list, &bl);
        if (!near && of)
            cli_error("explain", "--set: the rule set has no input called '%s': did you "
                                 "mean the list '%.*s', %.*s[1] … %.*s[%d] (--set %.*s[1]=… "
                                 "for each item)?",
                      CLI_SNIP(shown), ol, of, ol, of, ol, of, size, ol, of);
        else if (near && !strchr(near, '[') && col_item_of(name, near))
            /* a[1] for the one-value a (P18-10) */
            cli_error("explain", "--set: the rule set has no input called '%s': "
                                 "'%s' is one value, not a list: set it with --set %s=…",
                      CLI_SNIP(shown), near, near);
        else if (near)
            cli_error("explain", "--set: the rule set has no input called '%s': "
                                 "did you mean '%s'?", CLI_SNIP(shown), CLI_SNIP(near));
        else if (items > 0) {
            cli_error("explain", "--set: the rule set has no input called '%s': "
                                 "'%.*s' is a list of %d item%s, %.*s[1] … "
                                 "%.*s[%d]", CLI_SNIP(shown), bl, list, items,
                      items == 1 ? "" : "s", bl, list, bl, list, items);
        } else
            cli_error("explain", "--set: the rule set has no input called '%s'",
                      CLI_SNIP(shown));
        goto out;
    }
    for (int j = 0; j < i; j++)
        if (a->occ[j].opt == a->occ[i].opt && !strncmp(a->occ[j].val, val, nlen) &&
            a->occ[j].val[nlen] == '=') {
            cli_error("explain", "--set names '%s' twice (%s and %s): give each "
                                 "field once",
                      CLI_SNIP(shown), CLI_SNIP(a->occ[j].val), CLI_SNIP(val));
            goto out;
        }
    refused = 0;
out:
    free(e.p);
    return refused;
}

int cmd_explain(int argc, char **argv)
{
    cli_args a;
    if (cli_parse(argc, argv, 2, explain_opts, "explain", &a))
        return EXIT_USAGE;
    const char *row_id = cli_get(&a, E_ROW);
    int nsets = 0;
    for (int i = 0; i < a.nocc; i++)
        nsets += a.occ[i].opt == E_SET;
    if (a.npos != (row_id ? 2 : 1) || (row_id && nsets)) {
        cli_error("explain", "expected RULES with --set FIELD=VALUE …, or RULES "
                             "--row ID INPUT (see quotalevy explain --help)");
        return EXIT_USAGE;
    }
    const char *fmt = cli_get(&a, E_FORMAT);
    int json = fmt && !strcmp(fmt, "json");
    if (fmt && !json && strcmp(fmt, "text")) {
        cli_error("explain", "unknown format '%s' (expected text or json)", CLI_SNIP(fmt));
        return EXIT_USAGE;
    }
    ql_date date = 0;
    int have_date = 0;
    if (cli_get(&a, E_DATE)) {
        if (cli_date("explain", "--date", cli_get(&a, E_DATE), &date))
            return EXIT_USAGE;
        have_date = 1;
    }
    ql_ruleset *rs = cli_load("explain", a.pos[0]);
    if (!rs)
        return EXIT_USAGE;
    ql_record *rec = NULL;
    ql_result *res = NULL;
    col_watch *watch = NULL; /* for --set's names: made when one is given */
    ql_error err;
    int rc = EXIT_USAGE;
    /* explain RULES --row ID in.csv >> in.csv appended to its input, and
     * >> national.yaml broke the rules (probe8 P8-08), as run refuses */
    if (cli_stdout_clash("explain", row_id ? a.pos[1] : NULL, rs))
        goto out;
    if (ql_record_new(&rec, rs, &err) || ql_result_new(&res, rs, &err)) {
        cli_print_error(stderr, "quotalevy explain", &err);
        goto out;
    }
    for (int i = 0; i < a.nocc; i++) {
        if (a.occ[i].opt != E_SET)
            continue;
        const char *eq = strchr(a.occ[i].val, '=');
        if (!eq) {
            cli_error("explain", "--set takes FIELD=VALUE, not '%s'", CLI_SNIP(a.occ[i].val));
            goto out;
        }
        size_t nlen = (size_t)(eq - a.occ[i].val);
        char name[QL_ERROR_FIELD_MAX];
        snprintf(name, sizeof name, "%.*s", (int)nlen, a.occ[i].val);
        if (!watch && !(watch = col_watch_new(rs, NULL, NULL, 0, have_date))) {
            cli_error("explain", "out of memory");
            goto out;
        }
        if (set_name_refused(rs, watch, &a, i, name, nlen))
            goto out;
        if (ql_record_set(rec, name, eq + 1, &err)) {
            cli_print_error(stderr, "quotalevy explain", &err);
            rc = EXIT_SOME_FAILED;
            goto out;
        }
    }
    int from_row = row_id ? record_from_row(rs, rec, res, a.pos[1], row_id, &date, &have_date,
                                            cli_get(&a, E_IGNORE))
                          : 0;
    if (from_row) {
        rc = from_row == -2 ? EXIT_USAGE : EXIT_SOME_FAILED;
        goto out;
    }
    if (!have_date) {
        cli_error("explain", "no evaluation date: give --date (or a 'date' column with --row)");
        goto out;
    }
    if (ql_evaluate(res, rec, date, QL_EVAL_TRACE, &err)) {
        cli_print_error(stderr, "quotalevy explain: the record cannot be evaluated", &err);
        rc = EXIT_SOME_FAILED;
        goto out;
    }
    if (json)
        print_json(rs, res, date);
    else if (print_text(res))
        goto out;
    rc = EXIT_ALL_OK;
out:
    col_watch_free(watch);
    ql_result_free(res);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    return rc;
}
