/*
 * cmd_check.c — `quotalevy check RULES…`: report every problem of every
 * rule set, located, or what a good one defines.
 */
#include "cli.h"
#include "snippet.h"

#define MAX_REPORTED 200

int cmd_check(int argc, char **argv)
{
    static const cli_opt opts[] = {{NULL, 0, 0}};
    cli_args a;
    if (cli_parse(argc, argv, 2, opts, "check", &a))
        return EXIT_USAGE;
    if (a.npos == 0) {
        cli_error("check", "no rules file given (see quotalevy check --help)");
        return EXIT_USAGE;
    }
    /* a report appended (>>) to a file it checks, or one they extend,
     * would break that file: each is looked at before a line is written */
    for (int i = 0; i < a.npos; i++) {
        ql_ruleset *rs = NULL;
        ql_error err;
        int clash =
            cli_stdout_clash("check", a.pos[i], NULL) ||
            (!cli_load_rules(&rs, a.pos[i], NULL, 0, NULL, 0, NULL, &err) &&
             cli_stdout_clash("check", NULL, rs));
        ql_ruleset_free(rs);
        if (clash)
            return EXIT_USAGE;
    }
    int bad = 0;
    static ql_error errs[MAX_REPORTED];
    for (int i = 0; i < a.npos; i++) {
        ql_ruleset *rs = NULL;
        ql_error err;
        size_t count = 0;
        if (cli_load_rules(&rs, a.pos[i], NULL, 0, errs, MAX_REPORTED, &count,
                           &err)) {
            for (size_t k = 0; k < count && k < MAX_REPORTED; k++)
                cli_print_error(stdout, NULL, &errs[k]);
            if (count > MAX_REPORTED)
                printf("%s: … and %zu more problem%s\n", a.pos[i],
                       count - MAX_REPORTED,
                       count - MAX_REPORTED == 1 ? "" : "s");
            bad++;
            continue;
        }
        if (!rs) { /* a clean diagnosis keeps its rule set */
            cli_print_error(stdout, NULL, &err);
            bad++;
            continue;
        }
        /* "1 check", not "1 checks" (P13-04) */
        size_t ni = ql_ruleset_input_count(rs), np = ql_ruleset_param_count(rs),
               nc = ql_ruleset_check_count(rs),
               no = ql_ruleset_output_count(rs);
        /* the file's name and the rules' words as a message shows them:
         * one line, escaped, the words cut short (lib/snippet.h) */
        char path[4096];
        qli_message_clean(path, sizeof path, a.pos[i]);
        printf("%s: ok: %s (%s %s): %zu input%s, %zu parameter%s, %zu check%s, "
               "%zu output%s\n",
               path, QLI_BARE_SHORT(ql_ruleset_meta(rs, "id")),
               QLI_BARE_SHORT(ql_ruleset_meta(rs, "jurisdiction")),
               QLI_BARE_SHORT(ql_ruleset_meta(rs, "version")), ni,
               ni == 1 ? "" : "s", np, np == 1 ? "" : "s", nc,
               nc == 1 ? "" : "s", no, no == 1 ? "" : "s");
        ql_ruleset_free(rs);
    }
    return bad ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}
