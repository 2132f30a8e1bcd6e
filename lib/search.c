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

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
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

ql_status qli_rl_search_rules(ql_arena *ar, const char *name,
                              const char *search_path, const char **out)
{
    *out = NULL;
    if (!searchable(name))
        return QL_EIO;
    const char *env = getenv("QUOTALEVY_RULES_PATH");
    char *hit = search_list(ar, search_path, name);
    if (!hit)
        hit = search_list(ar, env, name);
    if (!hit)
        hit = try_dir(ar, QL_RULES_DIR, strlen(QL_RULES_DIR), name);
    *out = hit;
    return hit ? QL_OK : QL_EIO;
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
    if (!err)
        return QL_EIO;
    char hint[QL_MAX_NAME + 32];
    int suffixed = has_yaml_suffix(name); /* try_dir adds none to it */
    return qli_fail(err, QL_EIO, name, 0, 0,
                   "no rules file or rule set of that name (looked for "
                   "%s%s%s%s in %s%s%s%s%s)%s",
                   name, suffixed ? "" : " and ", suffixed ? "" : name,
                   suffixed ? "" : ".yaml", search_path && *search_path ? search_path : "",
                   search_path && *search_path ? ":" : "",
                   env && *env ? env : "", env && *env ? ":" : "",
                   QL_RULES_DIR,
                   qli_rl_suggest_rules(ar, name, ".", search_path, hint,
                                        sizeof hint));
}

/* "Did you mean" for a rules name that was not found.  The candidates
 * are the rules files (*.yaml, *.yml) in a folder and in its
 * sub-folders one level down, named as `extends` names them
 * ("cn/national"); at most SUGGEST_ENTRIES entries a folder are read,
 * since this runs only on the way to an error. */
#define SUGGEST_ENTRIES 512

static size_t yaml_stem(const char *file)
{
    size_t n = strlen(file);
    if (n > 5 && !strcmp(file + n - 5, ".yaml"))
        return n - 5;
    if (n > 4 && !strcmp(file + n - 4, ".yml"))
        return n - 4;
    return 0;
}

/* `bare`: the folder is searched for NAME.yaml (the search path, the
 * installed rules), so a file there is offered by its name, "cn/national";
 * else (the working directory, the including file's folder, which are
 * opened as written) by the file's own name, "national.yaml": the name
 * offered is one that loads. */
static void suggest_in(ql_arena *ar, qli_suggest *sg, const char *dir,
                       size_t dlen, const char *sub, int bare)
{
    char *path = qli_ar_printf(ar, "%.*s%s%s", (int)dlen, dir, sub ? "/" : "",
                               sub ? sub : "");
    DIR *d = path ? opendir(path) : NULL;
    if (!d)
        return;
    struct dirent *e;
    for (int n = 0; n < SUGGEST_ENTRIES && (e = readdir(d)); n++) {
        if (e->d_name[0] == '.')
            continue;
        size_t stem = yaml_stem(e->d_name);
        if (stem) {
            char *name = qli_ar_printf(ar, "%s%s%.*s", sub ? sub : "",
                                       sub ? "/" : "", (int)stem, e->d_name);
            char *full = name ? qli_ar_printf(ar, "%s.yaml", name) : NULL;
            if (!full)
                break;
            /* the file as named where it is opened as written */
            char *file = bare ? name
                              : qli_ar_printf(ar, "%s%s%s", sub ? sub : "",
                                              sub ? "/" : "", e->d_name);
            if (!file)
                break;
            if (!bare && strlen(name) == sg->len && !memcmp(name, sg->word, sg->len)) {
                sg->best = file; /* "national" beside national.yaml: the file */
                sg->dist = 0;
                continue;
            }
            qli_suggest_try(sg, name);
            /* "cn/national.yml" is nearest "cn/national.yaml": offer the
             * name without its suffix all the same */
            qli_suggest_try(sg, full);
            if (sg->best == full || sg->best == name)
                sg->best = file;
        } else if (!sub) {
            char *sub2 = qli_ar_strndup(ar, e->d_name, strlen(e->d_name));
            if (sub2)
                suggest_in(ar, sg, dir, dlen, sub2, bare);
        }
    }
    closedir(d);
}

static void suggest_list(ql_arena *ar, qli_suggest *sg, const char *list)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ":");
        if (n)
            suggest_in(ar, sg, p, n, NULL, 1);
        p += n;
        if (*p == ':')
            p++;
    }
}

const char *qli_rl_suggest_rules(ql_arena *ar, const char *name,
                                 const char *base_dir, const char *search_path,
                                 char *buf, size_t size)
{
    qli_suggest sg;
    qli_suggest_init(&sg, name, strlen(name));
    if (base_dir) /* "": the including file is in the working directory */
        suggest_in(ar, &sg, *base_dir ? base_dir : ".", *base_dir ? strlen(base_dir) : 1,
                   NULL, 0);
    suggest_list(ar, &sg, search_path);
    suggest_list(ar, &sg, getenv("QUOTALEVY_RULES_PATH"));
    suggest_in(ar, &sg, QL_RULES_DIR, strlen(QL_RULES_DIR), NULL, 1);
    return qli_suggest_text(&sg, buf, size);
}
