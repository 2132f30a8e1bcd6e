/*
 * search.c — finding a rules file by name on the rule search path.
 *
 * A program names a bundled rule set the way a user would say it:
 * `cn/jilin`, not /usr/local/share/quotalevy/rules/cn/jilin.yaml.  A text
 * that names an existing file is that file, so every path that worked
 * before still does; otherwise a plain relative name (no "..", not
 * starting with "./") is looked for as NAME and NAME.yaml in each folder
 * of the search path: $QUOTALEVY_RULES_PATH (folders separated by ':'),
 * then the folder the rules were installed to (QL_RULES_DIR, set by the
 * build).  Nothing is cached: the environment is read at each load, and
 * the library keeps no state between calls.
 */
#include "util.h"
#include "rules.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef QL_RULES_DIR
#define QL_RULES_DIR "/usr/local/share/quotalevy/rules"
#endif

const char *qli_rl_rules_dir(void)
{
    return QL_RULES_DIR;
}

static int is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A name that may be searched for: relative, without "." or ".."
 * components, not empty. */
static int searchable(const char *name)
{
    if (!*name || name[0] == '/')
        return 0;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        if (*p == '/')
            p++;
    }
    return 1;
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
           (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* Tries DIR/NAME then DIR/NAME.yaml; the first regular file wins. */
static char *try_dir(ql_arena *ar, const char *dir, size_t dlen,
                     const char *name)
{
    if (dlen == 0)
        return NULL;
    const char *sep = dir[dlen - 1] == '/' ? "" : "/";
    char *p = qli_ar_printf(ar, "%.*s%s%s", (int)dlen, dir, sep, name);
    if (p && is_regular(p))
        return p;
    if (has_yaml_suffix(name))
        return NULL;
    p = qli_ar_printf(ar, "%.*s%s%s.yaml", (int)dlen, dir, sep, name);
    return p && is_regular(p) ? p : NULL;
}

static char *search_list(ql_arena *ar, const char *list, const char *name)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ":");
        char *hit = try_dir(ar, p, n, name);
        if (hit)
            return hit;
        p += n;
        if (*p == ':')
            p++;
    }
    return NULL;
}

ql_status qli_rl_find_rules(ql_arena *ar, const char *name,
                        const char *search_path, const char **out,
                        ql_error *err)
{
    *out = name;
    struct stat st;
    if (stat(name, &st) == 0 || !searchable(name))
        return QL_OK; /* a path: opened, and any error said, by the reader */
    const char *env = getenv("QUOTALEVY_RULES_PATH");
    char *hit = search_list(ar, search_path, name);
    if (!hit)
        hit = search_list(ar, env, name);
    if (!hit)
        hit = try_dir(ar, QL_RULES_DIR, strlen(QL_RULES_DIR), name);
    if (hit) {
        *out = hit;
        return QL_OK;
    }
    return qli_fail(err, QL_EIO, name, 0, 0,
                   "no rules file or rule set of that name (looked for "
                   "%s and %s.yaml in %s%s%s%s%s)",
                   name, name, search_path && *search_path ? search_path : "",
                   search_path && *search_path ? ":" : "",
                   env && *env ? env : "", env && *env ? ":" : "",
                   QL_RULES_DIR);
}
