/*
 * cmd_test.c — `quotalevy test FILE…`: a rule set's YAML test cases,
 * run by the library (ql_test_file_ext); this prints which rules each
 * test file tested (the file its `rules:` names and its `extends` chain:
 * a stale copy beside a test file is tested without a word otherwise),
 * each failure with the test's file:line, and the totals.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void print_failure(const char *file, int line, const char *case_name,
                          const char *message, void *payload)
{
    (void)payload; /* the test file's path: `file` says it */
    printf("%s:%d: case '%s': %s\n", file, line, CLI_SNIP(case_name), message);
}

/* "TEST: rules FILE (ID version V), which extends FILE2, which extends
 * FILE3" (payload: the test file's path). */
static void print_rules(const ql_ruleset *rs, void *payload)
{
    const char *id = ql_ruleset_meta(rs, "id"),
               *version = ql_ruleset_meta(rs, "version");
    const char *top = ql_ruleset_meta(rs, "file.1");
    printf("%s: rules %s (%s version %s)", (const char *)payload,
           top ? top : ql_ruleset_meta(rs, "file"), id ? id : "?",
           version ? version : "?");
    for (int i = 2;; i++) {
        char key[24];
        snprintf(key, sizeof key, "file.%d", i);
        const char *f = ql_ruleset_meta(rs, key);
        if (!f)
            break;
        printf(", which extends %s", f);
    }
    putchar('\n');
}

/* The first pass: whether standard output is a test file or a file of
 * the rules one names (probe8 P8-08: test >> rules.yaml appended its
 * report to the rules), before anything is printed. */
static void check_rules(const ql_ruleset *rs, void *payload)
{
    int *clash = payload;
    if (!*clash)
        *clash = cli_stdout_clash("test", NULL, rs);
}

static void quiet_failure(const char *file, int line, const char *case_name,
                          const char *message, void *payload)
{
    (void)file, (void)line, (void)case_name, (void)message, (void)payload;
}

static int stdout_clash(int n, const char *const *paths)
{
    int clash = 0;
    for (int i = 0; i < n && !clash; i++) {
        ql_load_options o = QL_LOAD_OPTIONS_INIT;
        o.extends_policy =
            cli_any_extends ? QL_EXTENDS_ANY : QL_EXTENDS_CONFINED;
        size_t p, f;
        ql_error err;
        clash = cli_stdout_clash("test", paths[i], NULL);
        if (!clash) /* a file that does not load is said by the second pass */
            (void)ql_test_file_ext(&p, &f, paths[i], &o, check_rules,
                                   quiet_failure, &clash, &err);
    }
    return clash;
}

/* Runs one test file; adds to *passed and *failed.  −1: cannot load.
 * `each`: also print the file's own counts (several files given). */
static int run_file(const char *path, size_t *passed, size_t *failed, int each)
{
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.extends_policy = cli_any_extends ? QL_EXTENDS_ANY : QL_EXTENDS_CONFINED;
    size_t p = 0, f = 0;
    ql_error err;
    if (ql_test_file_ext(&p, &f, path, &o, print_rules, print_failure,
                         (void *)path, &err)) {
        cli_print_error(stderr, "quotalevy test", &err);
        return -1;
    }
    if (each)
        printf("%s: %zu passed, %zu failed\n", path, p, f);
    *passed += p;
    *failed += f;
    return 0;
}

int cmd_test(int argc, char **argv)
{
    static const cli_opt opts[] = {{NULL, 0, 0}};
    cli_args a;
    if (cli_parse(argc, argv, 2, opts, "test", &a))
        return EXIT_USAGE;
    if (a.npos == 0) {
        cli_error("test", "no test file given (see quotalevy test --help)");
        return EXIT_USAGE;
    }
    if (stdout_clash(a.npos, a.pos))
        return EXIT_USAGE;
    size_t passed = 0, failed = 0;
    int broken = 0;
    for (int i = 0; i < a.npos; i++)
        if (run_file(a.pos[i], &passed, &failed, a.npos > 1))
            broken++;
    if (broken) {
        /* no count that reads as a result when a file did not run */
        fprintf(stderr, "quotalevy test: %d test file%s could not be run",
                broken, broken == 1 ? "" : "s");
        if (passed + failed)
            fprintf(stderr, "; of the others' cases %zu passed, %zu failed",
                    passed, failed);
        fputc('\n', stderr);
        return EXIT_USAGE;
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
