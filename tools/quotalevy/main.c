/*
 * main.c — the quotalevy command: dispatch to the subcommands.
 *
 *   quotalevy run | explain | test | check | compare  …
 *   quotalevy help [COMMAND] | --help | --version
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Descriptors 0, 1 and 2 that were closed by the caller are opened on
 * /dev/null, so that no file this command opens gets one of them: a
 * message for standard error must never land inside an output file. */
static int standard_fds_valid(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0) {
            cli_closed_fds |= 1u << fd;
            int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (n < 0)
                return -1;
            if (n != fd) { /* a lower one was free: cannot happen, 0..fd-1 are open */
                close(n);
                return -1;
            }
        }
    return 0;
}

/* Standard output's last bytes, written for every command: a report lost
 * to a full disk (ENOSPC) or a broken device (EIO) is an error naming it,
 * never exit 0.  A command that already failed (EXIT_USAGE: run has said
 * "cannot finish standard output") is not told twice. */
static int finish_stdout(const char *cmd, int rc)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (rc == EXIT_USAGE)
        return rc;
    int e = errno;
    cli_error(cmd, "cannot write standard output: %s (the report is lost or cut short)",
              e ? strerror(e) : "a write failed");
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (standard_fds_valid())
        return EXIT_USAGE;
    /* a report to a file or pipe leaves in one piece at the end, so that a
     * failed write is met by finish_stdout's fflush with its errno (a
     * terminal keeps its line buffering) */
    static char outbuf[1 << 16];
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    if (argc < 2) {
        help_print(stderr, NULL);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    /* the commands whose data is standard output itself; run and
     * compare check where theirs goes (outfile_open) */
    if ((!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "--help") ||
         !strcmp(cmd, "-h") || !strcmp(cmd, "help") || !strcmp(cmd, "explain") ||
         !strcmp(cmd, "test")) &&
        cli_stdout_closed(strcmp(cmd, "explain") && strcmp(cmd, "test") ? NULL : cmd))
        return EXIT_USAGE;
    /* --version, and help [COMMAND] (or --help [COMMAND]), take nothing
     * more: an argument after them was meant for something not done */
    int help = !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h");
    int takes = help ? 3 : 2;
    if ((help || !strcmp(cmd, "--version") || !strcmp(cmd, "-V")) && argc > takes) {
        cli_error(NULL, "%s takes no argument '%s' (see quotalevy --help)", cmd,
                  CLI_SNIP(argv[takes]));
        return EXIT_USAGE;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("quotalevy %s (library %s)\n", QL_VERSION_STRING, ql_version());
        return finish_stdout(NULL, EXIT_ALL_OK);
    }
    if (help) {
        if (argc > 2 && !help_known(argv[2])) {
            cli_error(NULL, "help: unknown command '%s' (expected run, explain, "
                            "test, check or compare)",
                      CLI_SNIP(argv[2]));
            return EXIT_USAGE;
        }
        help_print(stdout, argc > 2 ? argv[2] : NULL);
        return finish_stdout(NULL, EXIT_ALL_OK);
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"run", cmd_run},
                {"explain", cmd_explain},
                {"test", cmd_test},
                {"check", cmd_check},
                {"compare", cmd_compare}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name)) {
            argc = cli_take_global_options(argc, argv);
            if (cli_stderr_reads(argc, argv))
                return EXIT_USAGE;
            for (int k = 2; k < argc; k++)
                if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
                    help_print(stdout, cmd);
                    return finish_stdout(cmd, EXIT_ALL_OK);
                }
            return finish_stdout(cmd, cmds[i].fn(argc, argv));
        }
    cli_error(NULL, "unknown command '%s' (expected run, explain, test, "
                    "check or compare; see quotalevy --help)",
              CLI_SNIP(cmd));
    return EXIT_USAGE;
}
