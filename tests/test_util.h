/*
 * test_util.h — shared helpers for the cmocka tests: domain assertions
 * that report the caller's file and line, and small builders.
 */
#ifndef QL_TEST_UTIL_H
#define QL_TEST_UTIL_H

/* Debian's cmocka 1.1 needs these before <cmocka.h>. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quotalevy.h"

#ifndef QL_SOURCE_DIR
#define QL_SOURCE_DIR "."
#endif

/* Fails unless `got` formats as exactly `want`. */
static inline void assert_text_(const char *got, const char *want,
                                const char *file, int line)
{
    if (strcmp(got, want) != 0) {
        print_error("expected \"%s\", got \"%s\"\n", want, got);
        _fail(file, line);
    }
}
#define assert_text(got, want) assert_text_((got), (want), __FILE__, __LINE__)

/* Loads rules from a string; fails the test on error. */
static inline ql_ruleset *load_text_(const char *yaml, const char *file,
                                     int line)
{
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_buffer(&rs, yaml, strlen(yaml), "inline.yaml", &err)) {
        char msg[2048];
        ql_error_format(msg, sizeof msg, &err);
        print_error("load failed: %s\n", msg);
        _fail(file, line);
    }
    return rs;
}
#define load_text(yaml) load_text_((yaml), __FILE__, __LINE__)

/* Loading must fail with `code`, at line:column, with `needle` in the
 * message. */
static inline void assert_load_error_(const char *yaml, ql_status code,
                                      int line, int column, const char *needle,
                                      const char *file, int fline)
{
    ql_ruleset *rs = NULL;
    ql_error err;
    ql_status st = ql_ruleset_load_buffer(&rs, yaml, strlen(yaml),
                                          "inline.yaml", &err);
    char msg[2048];
    ql_error_format(msg, sizeof msg, &err);
    if (st == QL_OK) {
        ql_ruleset_free(rs);
        print_error("expected %s, but the rules loaded\n", ql_status_name(code));
        _fail(file, fline);
    }
    if (st != code || err.code != code ||
        (line && (err.line != line || err.column != column)) ||
        !strstr(err.message, needle)) {
        print_error("expected %s at %d:%d containing \"%s\"; got %s: %s\n",
                    ql_status_name(code), line, column, needle,
                    ql_status_name(st), msg);
        _fail(file, fline);
    }
}
#define assert_load_error(yaml, code, line, col, needle)                     \
    assert_load_error_((yaml), (code), (line), (col), (needle), __FILE__,    \
                       __LINE__)

static inline ql_date D(const char *s)
{
    ql_date d = 0;
    ql_date_parse(&d, s, strlen(s), NULL);
    return d;
}

#ifdef QL_TEST_SCRATCH
/* A scratch folder for a test file whose tests need files on disk: it
 * defines QL_TEST_SCRATCH "name" before including this header, and runs
 * its group with scratch_setup (makes /tmp/ql_name_XXXXXX, fresh) and
 * scratch_teardown (removes it with all it holds). */
static char scratch_dir[64];

/* Writes `text` to the file `name` (a path inside the scratch folder);
 * returns the file's path, valid until the next call. */
static inline const char *scratch_put(const char *name, const char *text)
{
    static char path[192];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static inline int scratch_setup(void **state)
{
    (void)state;
    snprintf(scratch_dir, sizeof scratch_dir, "/tmp/ql_%s_XXXXXX", QL_TEST_SCRATCH);
    return mkdtemp(scratch_dir) ? 0 : -1;
}

static inline int scratch_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
    return system(cmd);
}
#endif

/* The header every inline rule set in the tests starts with. */
#define RULES_HEAD                                                           \
    "quotalevy: 1\nid: t\ntitle: T\njurisdiction: XX\nversion: \"1\"\n"      \
    "sources:\n  s:\n    title: Test source (not law)\n"

#endif
