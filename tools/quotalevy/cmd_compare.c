/*
 * cmd_compare.c — `quotalevy compare`: a batch under the rules as they are
 * and under what-if overrides, side by side: the exact totals of every
 * numeric output, and each unit whose outcome changes.
 */
#include "cli.h"
#include "columns.h"
#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { C_OVERRIDE, C_DATE, C_INFORMAT, C_IGNORE };
static const cli_opt compare_opts[] = {
    [C_OVERRIDE] = {"override", 0, 1},
    [C_DATE] = {"date", 'd', 1},
    [C_INFORMAT] = {"input-format", 0, 1},
    [C_IGNORE] = {"ignore-columns", 0, 1},
    {NULL, 0, 0}};

static int same_value(const ql_value *a, const ql_value *b)
{
    if (a->type != b->type)
        return 0;
    if (a->type == QL_TYPE_NUMBER)
        return ql_decimal_compare(&a->number, &b->number) == 0;
    char x[QL_DECIMAL_TEXT_MAX * 2], y[QL_DECIMAL_TEXT_MAX * 2];
    ql_value_format(a, x, sizeof x);
    ql_value_format(b, y, sizeof y);
    return !strcmp(x, y);
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
    const char *path = a.pos[1];
    int jsonl = in_guess_jsonl(path);
    if (cli_get(&a, C_INFORMAT) && cli_format("compare", cli_get(&a, C_INFORMAT), &jsonl))
        return EXIT_USAGE;

    int rc = EXIT_USAGE;
    ql_ruleset *base = cli_load("compare", a.pos[0]), *alt = NULL;
    ql_record *rb = NULL, *ra = NULL;
    ql_result *sb = NULL, *sa = NULL;
    ql_decimal *tb = NULL, *ta = NULL;
    unsigned char *has = NULL;
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
    if (!tb || !ta || !has || ql_record_new(&rb, base, &err) ||
        ql_record_new(&ra, alt, &err) || ql_result_new(&sb, base, &err) ||
        ql_result_new(&sa, alt, &err)) {
        cli_error("compare", "out of memory");
        goto out;
    }
    in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!in) {
        cli_error("compare", "%s: %s", path, strerror(errno));
        goto out;
    }
    char errbuf[512];
    if (!(rd = in_open(in, jsonl, errbuf, sizeof errbuf))) {
        cli_error("compare", "%s: %s", path, errbuf);
        goto out;
    }
    /* A misspelled column would leave its input empty under both rule
     * sets and hide a change: columns are checked as run checks them. */
    size_t nh;
    const char *const *header = in_header(rd, &nh);
    if (!(cw = col_watch_new(base, cli_get(&a, C_IGNORE), NULL, 0, has_fixed))) {
        cli_error("compare", "out of memory");
        goto out;
    }
    if (header) {
        if (col_check_header(cw, "compare", path, header, nh))
            goto out;
        size_t j;
        for (j = 0; j < nh && strcmp(header[j], "date"); j++)
            ;
        if (!has_fixed && j == nh) {
            cli_error("compare", "%s: no evaluation date: the header has no "
                                 "'date' column; give --date YYYY-MM-DD",
                      path);
            goto out;
        }
    }
    printf("%s %s on %s", ql_ruleset_meta(base, "id"), ql_ruleset_meta(base, "version"),
           path);
    for (size_t k = 0; k < novr; k++) {
        char d[16];
        ql_date_format(ovr[k].from, d, sizeof d);
        printf("%s %s = %s from %s", k ? "," : "\noverride:", ovr[k].param,
               ovr[k].value, d);
    }
    printf("\n\nunits whose outcome changes (output: current -> override)\n");
    long rows = 0, both = 0, changed = 0, failed = 0;
    in_row row;
    int st;
    while ((st = in_next(rd, &row)) == 1) {
        if (!header && col_check_keys(cw, "compare", path, row.line, row.name, row.n))
            goto out;
        rows++;
        const char *id = "";
        ql_date date = fixed;
        int have = has_fixed;
        int column;
        in_row kept;
        if (col_keep_read(cw, &row, &kept)) {
            cli_error("compare", "out of memory");
            goto out;
        }
        int bad = row.error ||
                  in_fill_record(base, rb, &kept, &date, &have, &id, &column, &err) ||
                  in_fill_record(alt, ra, &kept, &date, &have, &id, &column, &err) || !have;
        col_kept_free(&kept);
        if (bad) {
            failed++;
            continue;
        }
        ql_status s1 = ql_evaluate(sb, rb, date, 0, NULL);
        ql_status s2 = ql_evaluate(sa, ra, date, 0, NULL);
        if (s1 && s2) {
            failed++;
            continue;
        }
        if (!!s1 != !!s2) {
            changed++;
            printf("  %s: %s\n", *id ? id : "(no id)",
                   s1 ? "fails under the current rules, evaluates under the override"
                      : "evaluates under the current rules, fails under the override");
            continue;
        }
        both++;
        int first = 1;
        for (size_t i = 0; i < no; i++) {
            ql_value x, y;
            ql_result_output(sb, i, &x);
            ql_result_output(sa, i, &y);
            if (x.type == QL_TYPE_NUMBER && y.type == QL_TYPE_NUMBER) {
                if (has[i]) {
                    if (ql_decimal_add(&tb[i], &tb[i], &x.number) ||
                        ql_decimal_add(&ta[i], &ta[i], &y.number))
                        has[i] = 2; /* overflowed: never printed as a total */
                } else {
                    tb[i] = x.number;
                    ta[i] = y.number;
                    has[i] = 1;
                }
            }
            if (same_value(&x, &y))
                continue;
            char bx[QL_DECIMAL_TEXT_MAX * 2], by[QL_DECIMAL_TEXT_MAX * 2];
            ql_value_format(&x, bx, sizeof bx);
            ql_value_format(&y, by, sizeof by);
            if (first)
                printf("  %s: ", *id ? id : "(no id)");
            else
                printf("; ");
            printf("%s %s -> %s", ql_ruleset_output_name(base, i),
                   x.type ? bx : "n/a", y.type ? by : "n/a");
            if (first)
                changed++;
            first = 0;
        }
        if (!first)
            putchar('\n');
    }
    if (st < 0) {
        cli_error("compare", "%s: read error", path);
        goto out;
    }
    printf("\n%ld rows: %ld evaluated under both, %ld change, %ld cannot be "
           "evaluated under either\n\n",
           rows, both, changed, failed);
    printf("%-32s %20s %20s %20s\n", "total", "current", "override", "change");
    for (size_t i = 0; i < no; i++) {
        if (!has[i])
            continue;
        char x[QL_DECIMAL_TEXT_MAX], y[QL_DECIMAL_TEXT_MAX], d[QL_DECIMAL_TEXT_MAX];
        ql_decimal diff;
        ql_decimal_format(&tb[i], x, sizeof x);
        ql_decimal_format(&ta[i], y, sizeof y);
        if (has[i] == 2) { /* a sum left the 36 digits a decimal holds */
            strcpy(x, "overflow");
            strcpy(y, "overflow");
        }
        if (has[i] == 1 && ql_decimal_sub(&diff, &ta[i], &tb[i]) == QL_OK)
            ql_decimal_format(&diff, d, sizeof d);
        else
            strcpy(d, "overflow");
        printf("%-32s %20s %20s %20s\n", ql_ruleset_output_name(base, i), x, y, d);
    }
    rc = EXIT_ALL_OK;
out:
    col_watch_free(cw);
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
