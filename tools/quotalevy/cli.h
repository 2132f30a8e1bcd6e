/*
 * cli.h — what the quotalevy command's files share: argument parsing,
 * messages and the subcommands.  The command is a thin client of the
 * public API (include/quotalevy.h); only `test` reads YAML itself, with
 * the library's internal YAML tree.
 */
#ifndef QL_CLI_H
#define QL_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "quotalevy.h"
#include "snippet.h"

/* User text a message quotes — a column or key name, an id, an option's
 * value — as the library quotes it (lib/snippet.h): escaped, and cut at
 * a character with "…" past QLI_SNIP_CHARS characters or QLI_SNIP_BYTES
 * bytes, so that a 100 KB column name gives a message line, not a
 * 100 KB one.  An argument of the message's printf, with the quotes in
 * the format ('%s'); its buffer lives to the end of the enclosing block.
 * File names are shown whole (escaped): a location must name its file. */
#define CLI_SNIP(s) qli_snip_str((char[QLI_SNIP_SIZE]){0}, QLI_SNIP_SIZE, (s), 0)
/* The same of n bytes at s. */
#define CLI_SNIP_N(s, n) qli_snip((char[QLI_SNIP_SIZE]){0}, QLI_SNIP_SIZE, (s), (n), 0, 0)

/* Exit statuses, documented in every --help. */
enum { EXIT_ALL_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

/* One option a command accepts. */
typedef struct cli_opt {
    const char *name; /* long name without "--" */
    char shortc;      /* single-letter alias, or 0 */
    int takes_value;  /* 0: a flag; 1: a value, given once; CLI_REPEATS:
                         a value that may be given again (each kept) */
} cli_opt;
#define CLI_REPEATS 2

#define CLI_MAX_ARGS 256

/* The parsed command line: positional arguments in order, and every
 * option occurrence (options may come before or after positionals). */
typedef struct cli_args {
    int npos;
    const char *pos[CLI_MAX_ARGS];
    int nocc;
    struct {
        int opt;
        const char *val;
    } occ[CLI_MAX_ARGS];
} cli_args;

/* Parses argv[first..argc); prints "quotalevy CMD: …" and returns −1 on a
 * usage error.  `opts` ends with a {NULL} entry. */
int cli_parse(int argc, char **argv, int first, const cli_opt *opts,
              const char *cmd, cli_args *out);
/* The last value of option `opt`, or NULL. */
const char *cli_get(const cli_args *a, int opt);
/* Whether option `opt` was given. */
int cli_has(const cli_args *a, int opt);

/* Prints "quotalevy CMD: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "; did you mean 'X'?" (X escaped) into buf, where X is the nearest of
 * the n names to `name` by the near-miss rule (nearmiss.h: case,
 * separators, zero padding, two letters off), or "" when none is near.
 * For the options that name a column, an input or an id (P13-16).
 * Returns buf. */
const char *cli_did_you_mean(const char *name, const char *const *names,
                             size_t n, char *buf, size_t size);
/* The same over a rule set's inputs (a list by its bare name once). */
const char *cli_did_you_mean_input(const char *name, const ql_ruleset *rs,
                                   char *buf, size_t size);
/* Prints a ql_error as "file:line:column: message" (or field: message). */
void cli_print_error(FILE *f, const char *prefix, const ql_error *err);
/* Parses YYYY-MM-DD for option `what`; prints the problem on failure. */
int cli_date(const char *cmd, const char *what, const char *text,
             ql_date *out);
/* Loads a rule set, printing the located error on failure. */
ql_ruleset *cli_load(const char *cmd, const char *path);
/* --allow-any-extends, given to any command: `extends:` may name any
 * file (QL_EXTENDS_ANY) rather than only those in the top file's folder. */
extern int cli_any_extends;
/* Which of descriptors 0, 1, 2 the caller had closed (bit 1 << fd): they
 * are opened on /dev/null at start-up so no file gets one, but data meant
 * for a closed standard output must fail, as `cat f 1>&-` does, not go
 * to /dev/null.  cli_stdout_closed says so (for cmd) when it was. */
extern unsigned cli_closed_fds;
/* A list option's value (NAME,NAME…) with an empty item ("", "a,", "a,,b")
 * is said, and 1: strtok would drop it without a word. */
int cli_list_empty_item(const char *cmd, const char *opt, const char *list);
int cli_stdout_closed(const char *cmd);
/* A data output (-o, --summary: opt) that names standard error itself
 * (/dev/stderr, /dev/fd/2, /proc/self/fd/2) is said, and 1: standard
 * error takes the command's messages, which would be mixed into the data
 * (probe17 P17-04).  0 for NULL or any other name. */
int cli_data_on_stderr(const char *cmd, const char *opt, const char *name);
/* Takes --allow-any-extends out of argv (before any "--"), setting
 * cli_any_extends; returns the new argc. */
int cli_take_global_options(int argc, char **argv);
/* ql_ruleset_load_ext with the command's extends policy, n overrides and,
 * when errs or count is given, diagnostics (as ql_ruleset_diagnose). */
ql_status cli_load_rules(ql_ruleset **out, const char *path,
                         const ql_override *ovr, size_t n, ql_error *errs,
                         size_t max, size_t *count, ql_error *err);

/* The file of rs (the top rules file or one its `extends` chain read)
 * that is the file (dev, ino), or NULL: an output must not be one. */
const char *cli_rules_file_at(const ql_ruleset *rs, dev_t dev, ino_t ino);

/* Whether standard output is a regular file that is the input `input`
 * ("-" standard input, NULL none) or a file of rs (NULL: none); says so
 * for `cmd` and returns 1.  explain and test write to standard output
 * only: appended to (>>) what they read, they would damage it. */
int cli_stdout_clash(const char *cmd, const char *input, const ql_ruleset *rs);

/* Whether standard error is a regular file the command reads: standard
 * input, or a file an argument after the command names (the input, a
 * rules or test file; not the value of -o, --rejects or --summary, which
 * run and compare say themselves), or (cli_stderr_is_rules) a file of rs,
 * the top rules file or one its `extends` chain read.  Any message would
 * land in that file (`run … 2>>in.csv` appended the notes and rejects to
 * the input, and compare read them back as rows without end), so
 * standard error is moved to /dev/null and 1 returned: the command stops
 * with exit 2, its status the only word.  cli_load and cli_stdout_clash
 * check the rule set's files themselves. */
int cli_stderr_reads(int argc, char **argv);
int cli_stderr_is_rules(const ql_ruleset *rs);

/* Whether the input `in` (named `name`), a regular file that was `start`
 * when it was opened, has another size or modification time now that it
 * is read to its end: written, cut short (truncate, `> in.csv` of an
 * export starting over) or replaced in place while read, so the rows
 * read are not the file's — a run would end with exit 0 and a part of
 * the rows.  Says so for `cmd` and returns 1. */
struct stat;
int cli_input_changed(const char *cmd, const char *name, FILE *in,
                      const struct stat *start);

/* "csv" or "jsonl" for a --format option into *jsonl; prints the problem. */
int cli_format(const char *cmd, const char *value, int *jsonl);
/* Parses "PARAM=VALUE@YYYY-MM-DD" for --override; prints the problem. */
int cli_override(const char *cmd, const char *text, ql_override *out);

/* The manual pages of --help. */
void help_print(FILE *f, const char *cmd);
/* Whether cmd is a command with a help page of its own. */
int help_known(const char *cmd);

int cmd_run(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compare(int argc, char **argv);

#endif
