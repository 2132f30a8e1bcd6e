/*
 * cmd_test.c — `quotalevy test FILE…`: a rule set's YAML test cases,
 * run by the library (ql_test_file); this prints each failure with the
 * test's file:line and the totals.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void print_failure(const char *file, int line, const char *case_name,
                          const char *message, void *payload)
{
    (void)payload;
    printf("%s:%d: case '%s': %s\n", file, line, case_name, message);
}

/* Runs one test file; adds to *passed and *failed.  −1: cannot load. */
static int run_file(const char *path, size_t *passed, size_t *failed)
{
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.extends_policy = cli_any_extends ? QL_EXTENDS_ANY : QL_EXTENDS_CONFINED;
    size_t p = 0, f = 0;
    ql_error err;
    if (ql_test_file(&p, &f, path, &o, print_failure, NULL, &err)) {
        cli_print_error(stderr, "quotalevy test", &err);
        return -1;
    }
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
    size_t passed = 0, failed = 0;
    int broken = 0;
    for (int i = 0; i < a.npos; i++)
        if (run_file(a.pos[i], &passed, &failed))
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
