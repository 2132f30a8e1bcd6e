/*
 * args.c — command-line parsing shared by every subcommand: long options
 * (--name VALUE or --name=VALUE), short aliases (-o FILE), options before
 * or after positional arguments, "--" to end options and "-" as a
 * positional (standard input or output).
 */
#include "cli.h"
#include "nearmiss.h"
#include "strbuf.h"
#include "snippet.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
    /* one line of valid UTF-8 whatever the arguments quoted: a file name
     * or a value with a newline, a control or a Latin-1 byte in it is
     * shown escaped (lib/snippet.h), as the library's messages are */
    char raw[8192], shown[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    qli_message_clean(shown, sizeof shown, raw);
    fprintf(stderr, "quotalevy%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", shown);
}

void cli_print_error(FILE *f, const char *prefix, const ql_error *err)
{
    char msg[2048];
    ql_error_format(msg, sizeof msg, err);
    if (prefix)
        fprintf(f, "%s: %s\n", prefix, msg);
    else
        fprintf(f, "%s\n", msg);
}

int cli_date(const char *cmd, const char *what, const char *text,
             ql_date *out)
{
    ql_error err;
    if (ql_date_parse(out, text, strlen(text), &err) == QL_OK)
        return 0;
    cli_error(cmd, "%s: %s", what, err.message);
    return -1;
}

int cli_any_extends;
unsigned cli_closed_fds;

int cli_list_empty_item(const char *cmd, const char *opt, const char *list)
{
    size_t n = strlen(list);
    if (n && list[0] != ',' && list[n - 1] != ',' && !strstr(list, ",,"))
        return 0;
    cli_error(cmd, "%s '%s': an empty column name (give NAME[,NAME…])", opt, CLI_SNIP(list));
    return 1;
}

int cli_stdout_closed(const char *cmd)
{
    if (!(cli_closed_fds & 2))
        return 0;
    /* explain, test and help write only to standard output: no -o to name */
    if (cmd && (!strcmp(cmd, "run") || !strcmp(cmd, "compare")))
        cli_error(cmd, "standard output is closed: the data would be lost (give "
                       "-o FILE, or leave standard output open)");
    else
        cli_error(cmd, "standard output is closed: the report would be lost "
                       "(leave standard output open, or redirect it to a file)");
    return 1;
}

int cli_data_on_stderr(const char *cmd, const char *opt, const char *name)
{
    char self[48];
    snprintf(self, sizeof self, "/proc/%ld/fd/2", (long)getpid());
    if (!name || (strcmp(name, "/dev/stderr") && strcmp(name, "/dev/fd/2") &&
                  strcmp(name, "/proc/self/fd/2") && strcmp(name, self)))
        return 0;
    cli_error(cmd, "%s %s is standard error, which takes the %s's messages: "
                   "they would be mixed into the data; give a file, or '-' "
                   "for standard output",
              opt, name, !strcmp(cmd, "run") ? "run" : "comparison");
    return 1;
}

int cli_take_global_options(int argc, char **argv)
{
    int o = 2;
    for (int k = 2; k < argc; k++) {
        if (!strcmp(argv[k], "--")) {
            while (k < argc)
                argv[o++] = argv[k++];
            break;
        }
        if (!strcmp(argv[k], "--allow-any-extends"))
            cli_any_extends = 1;
        else
            argv[o++] = argv[k];
    }
    argv[o] = NULL;
    return o;
}

const char *cli_rules_file_at(const ql_ruleset *rs, dev_t dev, ino_t ino)
{
    for (int i = 1;; i++) {
        char key[16];
        snprintf(key, sizeof key, "file.%d", i);
        const char *f = ql_ruleset_meta(rs, key);
        struct stat st;
        if (!f)
            return NULL;
        if (stat(f, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
            return f;
    }
}

/* Standard error as a regular file: its device and inode in *e. */
static int stderr_file(struct stat *e)
{
    return fstat(STDERR_FILENO, e) == 0 && S_ISREG(e->st_mode);
}

/* Nothing more may be written to standard error: it is a file the
 * command reads.  It is moved to /dev/null (a message there would be in
 * that file), and the exit status is the only word. */
static int stderr_silenced(void)
{
    int n = open("/dev/null", O_WRONLY);
    if (n >= 0 && n != STDERR_FILENO) {
        dup2(n, STDERR_FILENO);
        close(n);
    }
    return 1;
}

/* The options whose value is a file the command writes: a standard
 * error that is one of them is said by run and compare themselves. */
static int output_option(const char *v, int *takes_next)
{
    static const char *const opt[] = {"-o", "--output", "-r", "--rejects", "-s",
                                      "--summary"};
    for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++) {
        size_t n = strlen(opt[i]);
        if (!strncmp(v, opt[i], n) && (v[n] == '\0' || (v[n] == '=' && v[1] == '-'))) {
            *takes_next = v[n] == '\0';
            return 1;
        }
    }
    return 0;
}

int cli_stderr_reads(int argc, char **argv)
{
    struct stat e, s;
    if (!stderr_file(&e))
        return 0;
    if (fstat(STDIN_FILENO, &s) == 0 && s.st_dev == e.st_dev && s.st_ino == e.st_ino)
        return stderr_silenced();
    for (int k = 2; k < argc; k++) {
        const char *v = argv[k];
        int next;
        if (!strcmp(v, "--"))
            continue;
        if (output_option(v, &next)) {
            k += next;
            continue;
        }
        const char *eq = v[0] == '-' && v[1] == '-' ? strchr(v, '=') : NULL;
        if (eq)
            v = eq + 1;
        if (stat(v, &s) == 0 && S_ISREG(s.st_mode) && s.st_dev == e.st_dev &&
            s.st_ino == e.st_ino)
            return stderr_silenced();
    }
    return 0;
}

int cli_stderr_is_rules(const ql_ruleset *rs)
{
    struct stat e;
    if (!rs || !stderr_file(&e) || !cli_rules_file_at(rs, e.st_dev, e.st_ino))
        return 0;
    return stderr_silenced();
}

int cli_input_changed(const char *cmd, const char *name, FILE *in,
                      const struct stat *start)
{
    struct stat now;
    if (!S_ISREG(start->st_mode) || fstat(fileno(in), &now) != 0)
        return 0;
    if (now.st_size == start->st_size &&
        now.st_mtim.tv_sec == start->st_mtim.tv_sec &&
        now.st_mtim.tv_nsec == start->st_mtim.tv_nsec)
        return 0;
    cli_error(cmd, "%s changed while it was read (%lld byte%s at the start, %lld "
                   "at the end): the rows read are not the file's; run again "
                   "when nothing writes it (no file was replaced or created)",
              name, (long long)start->st_size, start->st_size == 1 ? "" : "s",
              (long long)now.st_size);
    return 1;
}

int cli_stdout_clash(const char *cmd, const char *input, const ql_ruleset *rs)
{
    struct stat so, si;
    const char *rf;
    if (cli_stderr_is_rules(rs))
        return 1;
    if (fstat(STDOUT_FILENO, &so) != 0 || !S_ISREG(so.st_mode))
        return 0; /* a terminal, pipe or device: nothing read back */
    if (input && (!strcmp(input, "-") ? fstat(STDIN_FILENO, &si) : stat(input, &si)) == 0 &&
        si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
        cli_error(cmd, "standard output is the input %s: refusing to write over it",
                  input);
        return 1;
    }
    if (rs && (rf = cli_rules_file_at(rs, so.st_dev, so.st_ino))) {
        cli_error(cmd, "standard output is the rules file %s: refusing to write over it",
                  rf);
        return 1;
    }
    return 0;
}

ql_status cli_load_rules(ql_ruleset **out, const char *path,
                         const ql_override *ovr, size_t n, ql_error *errs,
                         size_t max, size_t *count, ql_error *err)
{
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.overrides = ovr;
    o.n_overrides = n;
    o.extends_policy = cli_any_extends ? QL_EXTENDS_ANY : QL_EXTENDS_CONFINED;
    o.diag_errors = errs;
    o.diag_max = max;
    o.diag_count = count;
    return ql_ruleset_load_ext(out, path, &o, err);
}

ql_ruleset *cli_load(const char *cmd, const char *path)
{
    ql_ruleset *rs = NULL;
    ql_error err;
    if (cli_load_rules(&rs, path, NULL, 0, NULL, 0, NULL, &err)) {
        fprintf(stderr, "quotalevy %s: ", cmd);
        cli_print_error(stderr, NULL, &err);
        return NULL;
    }
    if (cli_stderr_is_rules(rs)) { /* one its `extends` chain read */
        ql_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

int cli_format(const char *cmd, const char *value, int *jsonl)
{
    if (!strcmp(value, "csv"))
        *jsonl = 0;
    else if (!strcmp(value, "jsonl"))
        *jsonl = 1;
    else {
        cli_error(cmd, "unknown format '%s' (expected csv or jsonl)", CLI_SNIP(value));
        return -1;
    }
    return 0;
}

int cli_override(const char *cmd, const char *text, ql_override *out)
{
    const char *eq = strchr(text, '='), *at = strrchr(text, '@');
    if (!eq || !at || at < eq || eq == text) {
        cli_error(cmd, "--override takes PARAM=VALUE@YYYY-MM-DD, not '%s'", CLI_SNIP(text));
        return -1;
    }
    if (cli_date(cmd, "--override's date", at + 1, &out->from))
        return -1;
    /* the strings live as long as argv */
    static char buf[64][256];
    static int used;
    if (used == 64 || (size_t)(at - text) >= sizeof buf[0]) {
        cli_error(cmd, "too many or too long --override options");
        return -1;
    }
    char *b = buf[used++];
    memcpy(b, text, (size_t)(at - text));
    b[at - text] = '\0';
    b[eq - text] = '\0';
    ql_override init = QL_OVERRIDE_INIT; /* every later member unset */
    ql_date from = out->from;
    *out = init;
    out->from = from;
    out->param = b;
    out->value = b + (eq - text) + 1;
    return 0;
}

static int find_long(const cli_opt *opts, const char *name, size_t len)
{
    for (int i = 0; opts[i].name; i++)
        if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
            return i;
    return -1;
}

int cli_parse(int argc, char **argv, int first, const cli_opt *opts,
              const char *cmd, cli_args *out)
{
    memset(out, 0, sizeof *out);
    int only_positional = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            if (out->npos == CLI_MAX_ARGS) {
                cli_error(cmd, "too many arguments");
                return -1;
            }
            out->pos[out->npos++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_positional = 1;
            continue;
        }
        int k;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            k = find_long(opts, a + 2, len);
            if (k < 0) {
                /* --dat, --Date, --summery: the option meant (P13-05) */
                char given[64], names[64][40], hint[128];
                const char *np[64];
                size_t n = 0;
                snprintf(given, sizeof given, "%.*s", (int)len + 2, a);
                for (int o = 0; opts[o].name && n < 64; o++, n++) {
                    snprintf(names[n], sizeof names[n], "--%s", opts[o].name);
                    np[n] = names[n];
                }
                cli_error(cmd, "unknown option '%s'%s (see quotalevy %s --help)",
                          CLI_SNIP_N(a, len + 2),
                          cli_did_you_mean(given, np, n, hint, sizeof hint), cmd);
                return -1;
            }
            if (eq) {
                if (!opts[k].takes_value) {
                    cli_error(cmd, "option '--%s' takes no value", opts[k].name);
                    return -1;
                }
                val = eq + 1;
            }
        } else {
            /* as getopt: -j2 is -j 2, and -qe is -q -e */
            for (const char *c = a + 1;; c++) {
                for (k = 0; opts[k].name && opts[k].shortc != *c; k++)
                    ;
                if (!opts[k].name) {
                    cli_error(cmd, "unknown option '-%c'%s%s (see quotalevy %s --help)",
                              *c, c == a + 1 ? "" : " in ", c == a + 1 ? "" : a,
                              cmd);
                    return -1;
                }
                if (opts[k].takes_value) {
                    if (c[1])
                        val = c + 1;
                    break;
                }
                if (!c[1])
                    break;
                if (out->nocc == CLI_MAX_ARGS) {
                    cli_error(cmd, "too many options");
                    return -1;
                }
                out->occ[out->nocc].opt = k;
                out->occ[out->nocc].val = "";
                out->nocc++;
            }
        }
        if (opts[k].takes_value && !val) {
            if (i + 1 >= argc) {
                cli_error(cmd, "option '--%s' needs a value", opts[k].name);
                return -1;
            }
            val = argv[++i];
        }
        if (out->nocc == CLI_MAX_ARGS) {
            cli_error(cmd, "too many options");
            return -1;
        }
        out->occ[out->nocc].opt = k;
        out->occ[out->nocc].val = val ? val : "";
        out->nocc++;
    }
    /* a value given twice would replace the first without a word (-k a
     * -k b kept only b) */
    for (int i = 0; i < out->nocc; i++) {
        const cli_opt *o = &opts[out->occ[i].opt];
        if (o->takes_value != 1)
            continue;
        for (int j = 0; j < i; j++)
            if (out->occ[j].opt == out->occ[i].opt) {
                cli_error(cmd, "option '--%s' given twice ('%s' and '%s'): give it "
                               "once%s",
                          o->name, CLI_SNIP(out->occ[j].val), CLI_SNIP(out->occ[i].val),
                          !strcmp(o->name, "keep") || !strcmp(o->name, "group-by") ||
                                  !strcmp(o->name, "ignore-columns") ||
                                  !strcmp(o->name, "only")
                              ? ", with a comma list (NAME,NAME…)"
                              : "");
                return -1;
            }
    }
    return 0;
}

const char *cli_get(const cli_args *a, int opt)
{
    const char *v = NULL;
    for (int i = 0; i < a->nocc; i++)
        if (a->occ[i].opt == opt)
            v = a->occ[i].val;
    return v;
}

int cli_has(const cli_args *a, int opt)
{
    for (int i = 0; i < a->nocc; i++)
        if (a->occ[i].opt == opt)
            return 1;
    return 0;
}

const char *cli_did_you_mean(const char *name, const char *const *names,
                             size_t n, char *buf, size_t size)
{
    const char *near = NULL;
    int best = 0;
    for (size_t i = 0; i < n; i++) {
        int d = names[i] ? col_near_miss(name, names[i]) : 0;
        if (d && (!best || d < best))
            best = d, near = names[i];
    }
    if (size)
        buf[0] = '\0';
    if (!near)
        return buf;
    strbuf e = {0};
    sb_put_escaped(&e, near, strlen(near));
    snprintf(buf, size, "; did you mean '%s'?", CLI_SNIP(e.p ? e.p : ""));
    free(e.p);
    return buf;
}

const char *cli_did_you_mean_input(const char *name, const ql_ruleset *rs,
                                   char *buf, size_t size)
{
    size_t n = ql_ruleset_input_count(rs);
    const char **names = malloc((n ? n : 1) * sizeof *names);
    if (!names) {
        if (size)
            buf[0] = '\0';
        return buf;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = ql_ruleset_input_name(rs, i);
    cli_did_you_mean(name, names, n, buf, size);
    free(names);
    return buf;
}
