/*
 * outcols.c — the column names of the files a command writes, checked
 * for a name made twice before any row is read (see outcols.h).  The
 * names are made here as the writers make them (run_row.c, totals.c,
 * changes.c, cmd_compare.c); tests/cli/test_cli.py reads every header
 * the commands write and finds each name once.
 */
#include "outcols.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "strbuf.h"

typedef struct ocol {
    char *name;
    char *what; /* what makes it, for the message */
    size_t order;
} ocol;

typedef struct ocset {
    ocol *c;
    size_t n, cap;
    int oom;
} ocset;

static void add(ocset *s, const char *name, const char *suffix, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

static void add(ocset *s, const char *name, const char *suffix, const char *fmt,
                ...)
{
    if (s->oom)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        ocol *c = realloc(s->c, cap * sizeof *c);
        if (!c) {
            s->oom = 1;
            return;
        }
        s->c = c;
        s->cap = cap;
    }
    strbuf n = {0}, w = {0};
    int bad = sb_puts(&n, name);
    if (suffix)
        bad |= sb_putc(&n, '_') || sb_puts(&n, suffix);
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    bad |= sb_puts(&w, what);
    if (bad || !n.p || !w.p) {
        free(n.p);
        free(w.p);
        s->oom = 1;
        return;
    }
    s->c[s->n] = (ocol){n.p, w.p, s->n};
    s->n++;
}

static int by_name(const void *x, const void *y)
{
    const ocol *a = x, *b = y;
    int r = strcmp(a->name, b->name);
    return r ? r : (a->order > b->order) - (a->order < b->order);
}

/* Says the first name made twice (in the order the file has them); −1
 * then, or out of memory. */
static int check(ocset *s, const char *cmd, const char *file)
{
    int rc = 0;
    if (s->oom) {
        cli_error(cmd, "out of memory");
        rc = -1;
    } else {
        qsort(s->c, s->n, sizeof *s->c, by_name);
        const ocol *first = NULL, *dup = NULL;
        for (size_t i = 1; i < s->n; i++)
            if (!strcmp(s->c[i].name, s->c[i - 1].name) &&
                (!dup || s->c[i].order < dup->order)) {
                dup = &s->c[i];
                first = &s->c[i - 1];
            }
        if (dup) {
            strbuf e = {0};
            sb_put_escaped(&e, dup->name, strlen(dup->name));
            cli_error(cmd,
                      "%s would have two columns called '%s': %s and %s; "
                      "one name must have one meaning in a file (rename or "
                      "leave out one)",
                      file, CLI_SNIP(e.p ? e.p : ""), first->what, dup->what);
            free(e.p);
            rc = -1;
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        free(s->c[i].name);
        free(s->c[i].what);
    }
    free(s->c);
    memset(s, 0, sizeof *s);
    return rc;
}

static const char *const check_parts[] = {"applicable", "compliant", "required",
                                          "actual", "shortfall"};

static int is_check(const ql_ruleset *rs, size_t i)
{
    return ql_ruleset_output_is_check(rs, i) != 0;
}

/* The outputs as a record's row writes them. */
static void record_outputs(ocset *s, const ql_ruleset *rs, int jsonl)
{
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        const char *nm = ql_ruleset_output_name(rs, i);
        if (!is_check(rs, i) || jsonl) {
            add(s, nm, NULL, "%s '%s'", is_check(rs, i) ? "check" : "output",
                nm);
            continue;
        }
        for (int p = 0; p < 5; p++)
            add(s, nm, check_parts[p], "check '%s' (its %s part)", nm,
                check_parts[p]);
    }
}

static void groups(ocset *s, const char *const *group, size_t ngroup)
{
    for (size_t k = 0; k < ngroup; k++)
        add(s, group[k], NULL, "--group-by '%s'", group[k]);
}

int oc_check_run(const ql_ruleset *rs, const char *const *keep, size_t nkeep,
                 int jsonl, int explain, const char *const *group,
                 size_t ngroup, int summary)
{
    ocset s = {0};
    add(&s, "id", NULL, "the id column");
    for (size_t k = 0; k < nkeep; k++)
        add(&s, keep[k], NULL, "--keep '%s'", keep[k]);
    record_outputs(&s, rs, jsonl);
    if (explain)
        add(&s, jsonl ? "trace" : "explain", NULL, "--explain's %s",
            jsonl ? "key 'trace'" : "column 'explain'");
    if (check(&s, "run", jsonl ? "the output (JSON Lines keys)" : "the output"))
        return -1;
    if (!summary)
        return 0;
    static const char *const agg_word[] = {"", "", "count", "min", "max"};
    add(&s, "scope", NULL, "the summary's scope column");
    groups(&s, group, ngroup);
    add(&s, "rows", NULL, "the summary's row count");
    add(&s, "read", NULL, "the summary's count of rows read");
    add(&s, "rejected", NULL, "the summary's count of rows rejected");
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        const char *nm = ql_ruleset_output_name(rs, i);
        if (is_check(rs, i)) {
            static const char *const f[] = {"applicable", "compliant", "short"};
            for (int j = 0; j < 3; j++)
                add(&s, nm, f[j], "check '%s' (its %s total)", nm, f[j]);
            static const char *const sf[] = {NULL, "shortfall", NULL,
                                             "shortfall_min", "shortfall_max"};
            ql_aggregate ga = ql_ruleset_check_aggregate(
                rs, (size_t)ql_ruleset_check_index(rs, nm));
            if (ga <= QL_AGG_MAX && sf[ga])
                add(&s, nm, sf[ga], "check '%s' (its %s)", nm, sf[ga]);
            continue;
        }
        ql_aggregate g = ql_ruleset_output_aggregate(rs, i);
        if (g == QL_AGG_NONE || g > QL_AGG_MAX)
            continue;
        add(&s, nm, g == QL_AGG_SUM ? NULL : agg_word[g],
            "output '%s' (its %s)", nm, g == QL_AGG_SUM ? "sum" : agg_word[g]);
    }
    return check(&s, "run", "the --summary file");
}

int oc_check_compare(const ql_ruleset *rs, const unsigned char *watch,
                     const char *const *group, size_t ngroup, int units,
                     int summary)
{
    ocset s = {0};
    size_t no = ql_ruleset_output_count(rs);
    if (units) {
        add(&s, "id", NULL, "the id column");
        groups(&s, group, ngroup);
        for (size_t i = 0; i < no; i++) {
            if (!watch[i])
                continue;
            const char *nm = ql_ruleset_output_name(rs, i);
            add(&s, nm, "current", "output '%s' (its current value)", nm);
            add(&s, nm, "override",
                "output '%s' (its value with the overrides)", nm);
        }
        if (check(&s, "compare", "the -o file"))
            return -1;
    }
    if (!summary)
        return 0;
    add(&s, "scope", NULL, "the summary's scope column");
    groups(&s, group, ngroup);
    add(&s, "rows", NULL, "the summary's row count");
    add(&s, "changed", NULL, "the summary's count of changed units");
    static const char *const part[] = {"current", "override", "change",
                                       "newly_liable", "newly_exempt"};
    for (size_t i = 0; i < no; i++) {
        if (ql_ruleset_output_type(rs, i) != QL_TYPE_NUMBER ||
            ql_ruleset_output_aggregate(rs, i) != QL_AGG_SUM)
            continue;
        const char *nm = ql_ruleset_output_name(rs, i);
        for (int p = 0; p < (ql_ruleset_output_is_money(rs, i) ? 5 : 3); p++)
            add(&s, nm, part[p], "output '%s' (its %s total)", nm, part[p]);
    }
    return check(&s, "compare", "the --summary file");
}
