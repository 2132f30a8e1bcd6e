/*
 * main.c — the quotalevy command: dispatch to the subcommands.
 *
 *   quotalevy run | explain | test | check | compare  …
 *   quotalevy help [COMMAND] | --help | --version
 */
#include "cli.h"

#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        help_print(stderr, NULL);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("quotalevy %s (library %s)\n", QL_VERSION_STRING, ql_version());
        return EXIT_ALL_OK;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        help_print(stdout, NULL);
        return EXIT_ALL_OK;
    }
    if (!strcmp(cmd, "help")) {
        help_print(stdout, argc > 2 ? argv[2] : NULL);
        return EXIT_ALL_OK;
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
            for (int k = 2; k < argc; k++)
                if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
                    help_print(stdout, cmd);
                    return EXIT_ALL_OK;
                }
            return cmds[i].fn(argc, argv);
        }
    cli_error(NULL, "unknown command '%s' (expected run, explain, test, "
                    "check or compare; see quotalevy --help)",
              cmd);
    return EXIT_USAGE;
}
