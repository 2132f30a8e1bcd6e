/*
 * extends.c — a rules file's top level, and the `extends` chain: each
 * file's sections merged into the definitions by name (the parent's
 * first; a child definition with the same name replaces the parent's in
 * place, keeping its type and bounds unless it gives its own), `remove:`
 * dropping inherited ones, the parent found and refused as the include
 * policy says.  Every key is checked: an unknown key is an error, never
 * ignored.
 */
#include "rules.h"
#include "ruleset.h"
#include "scale.h"
#include "snippet.h"
#include "util.h"
#include "yamltree.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const qli_rl_section_names[N_SECTIONS] = {
    "sources", "inputs", "parameters", "computed", "checks", "validations"};

static const char *entry_name(const void *sec, size_t i)
{
    return ((const section *)sec)->items[i].name;
}

/* The entry of sec called name, or sec->n if there is none. */
static size_t find_entry(const section *sec, const char *name)
{
    long k = qli_names_find(&sec->index, name, strlen(name), entry_name, sec);
    return k < 0 ? sec->n : (size_t)k;
}

/* A parameter redefined by a child keeps the parent's type, unit,
 * bounds, a table's `bounds:` and its `scale:` unless it gives its own:
 * Beijing's `ratio` is still a share between national.yaml's bounds. */
static ql_status inherit_limits(loader *L, entry *e, const ynode *v)
{
    static const char *const keys[] = {"type", "unit",   "min",
                                       "max",  "bounds", "scale"};
    const ynode **slot[] = {&e->type, &e->unit,   &e->min,
                            &e->max,  &e->bounds, &e->scale};
    for (int i = 0; i < 6; i++) {
        const ynode *own = v->kind == YN_MAP ? qli_ymap_get(v, keys[i]) : NULL;
        const ynode *was = *slot[i];
        qd a, b;
        /* a child's bounds may narrow the parent's, never widen them, as
         * an input's (national.yaml's `ratio` of at least 1.5 %: a child's
         * `min: 0%` dropped the legal floor without a word, probe5 P5-02) */
        int upper = i == 3;
        if (own && was && (i == 2 || i == 3) && own->kind == YN_SCALAR &&
            was->kind == YN_SCALAR && qli_rl_number_text(own, &a) == QD_OK &&
            qli_rl_number_text(was, &b) == QD_OK &&
            (upper ? qli_qd_cmp(&a, &b) > 0 : qli_qd_cmp(&a, &b) < 0))
            return qli_yfail(
                L->err, QL_ESCHEMA, own,
                "parameter '%s': '%s: %s' lets through values that '%s: "
                "%s' "
                "in %s:%d leaves out, and the formulas there were written for "
                "values within it: a file that extends it may narrow its "
                "bounds, "
                "not widen them; to define another parameter, remove it first "
                "('remove: {parameters: [%s]}') and give it its own type",
                e->name ? e->name : "", keys[i], QLI_BARE_SHORT(own->text),
                keys[i], QLI_BARE_SHORT(was->text), was->doc->file, was->line,
                e->name ? e->name : "");
        if (own)
            *slot[i] = own;
    }
    return QL_OK;
}

/* Merges map `m` of section s: same names replace, new names append. */
static ql_status merge_section(loader *L, int s, const ynode *m)
{
    ql_status st = qli_rl_want(L, m, YN_MAP, qli_rl_section_names[s]);
    if (st)
        return st;
    section *sec = &L->sec[s];
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->items[2 * i], *v = m->items[2 * i + 1];
        if (s != SEC_SOURCES && !qli_rl_valid_name(k->text))
            return qli_yfail(L->err, QL_ENAME, k,
                             "%s is not a valid name (letters, digits and _, "
                             "not starting with a digit, not a keyword)",
                             QLI_QUOTE_N(k->text, k->len));
        if (!sec->index.slot && qli_names_init(&sec->index, m->n, NULL))
            return qli_rl_oom(L);
        size_t j = find_entry(sec, k->text);
        if (j < sec->n && s == SEC_SOURCES)
            return qli_yfail(L->err, QL_ENAME, k,
                             "source '%s' is already declared (%s:%d); give it "
                             "another id",
                             k->text, sec->items[j].key->doc->file,
                             sec->items[j].key->line);
        if (j == sec->n) {
            if (sec->n == sec->cap) {
                size_t cap = sec->cap ? sec->cap * 2 : 16;
                entry *p = realloc(sec->items, cap * sizeof *p);
                if (!p)
                    return qli_rl_oom(L);
                sec->items = p;
                sec->cap = cap;
            }
            if (qli_names_add(&sec->index, sec->n, k->text, k->len))
                return qli_rl_oom(L);
            memset(&sec->items[sec->n], 0, sizeof *sec->items);
            sec->n++;
        }
        entry *e = &sec->items[j];
        e->replaced_key = e->name && !e->removed ? e->key : NULL;
        e->replaced = e->replaced_key ? e->val : NULL;
        /* Defined again after a `remove:`: a new definition, but a
         * parameter without its own `type` still keeps the removed one's
         * type, unit and bounds, which the formulas that read it were
         * written for (Beijing's `ratio` stays a percentage of at least
         * 1.5 % however it is redefined). */
        if (e->removed && s == SEC_PARAMS &&
            (v->kind != YN_MAP || qli_ymap_get(v, "type")))
            e->type = e->unit = e->min = e->max = e->bounds = e->scale = NULL;
        if (e->removed && s == SEC_INPUTS) /* an input's `type` is its own */
            e->in_lo = e->in_hi = e->in_required = e->in_default = NULL;
        e->removed = 0;
        e->name = k->text;
        e->key = k;
        e->val = v;
        if (s == SEC_PARAMS && (st = inherit_limits(L, e, v)))
            return st;
        if (s == SEC_INPUTS && (st = qli_rl_inherit_input(L, e, v)))
            return st;
    }
    return QL_OK;
}

/* A name `remove:` lists under section s that the files extended do not
 * define there: located, with the nearest name they do define there, or
 * the section that does define it (a parameter listed under inputs). */
static ql_status remove_unknown(loader *L, int s, const ynode *name)
{
    const section *sec = &L->sec[s];
    for (int o = SEC_SOURCES + 1; o < N_SECTIONS; o++) {
        size_t e = o == s ? L->sec[o].n : find_entry(&L->sec[o], name->text);
        if (e < L->sec[o].n && !L->sec[o].items[e].removed)
            return qli_yfail(L->err, QL_ENAME, name,
                             "cannot remove %s from '%s': the files it "
                             "extends define it under '%s' ('remove: {%s: "
                             "[%s]}')",
                             QLI_QUOTE_N(name->text, name->len),
                             qli_rl_section_names[s], qli_rl_section_names[o],
                             qli_rl_section_names[o],
                             QLI_BARE_SHORT(name->text));
    }
    qli_suggest sg;
    char hint[160];
    qli_suggest_init(&sg, name->text, name->len);
    for (size_t i = 0; i < sec->n; i++)
        if (!sec->items[i].removed)
            qli_suggest_try(&sg, sec->items[i].name);
    return qli_yfail(L->err, QL_ENAME, name,
                     "cannot remove %s: the files it extends define no "
                     "such entry under '%s'%s",
                     QLI_QUOTE_N(name->text, name->len),
                     qli_rl_section_names[s],
                     qli_suggest_text(&sg, hint, sizeof hint));
}

/* Drops inherited definitions: `remove: {checks: [a, b], …}`. */
static ql_status remove_inherited(loader *L, const ynode *rm, int has_parent)
{
    ql_status st = qli_rl_want(L, rm, YN_MAP, "'remove'");
    if (st)
        return st;
    if (!has_parent)
        return qli_yfail(
            L->err, QL_ESCHEMA, rm,
            "'remove' needs 'extends': there is nothing to remove");
    for (size_t i = 0; i < rm->n; i++) {
        const ynode *k = rm->items[2 * i], *list = rm->items[2 * i + 1];
        qli_suggest sg;
        char hint[160];
        int s;
        qli_suggest_init(&sg, k->text, k->len);
        for (s = 0; s < N_SECTIONS; s++) {
            if (!strcmp(k->text, qli_rl_section_names[s]))
                break;
            if (s != SEC_SOURCES)
                qli_suggest_try(&sg, qli_rl_section_names[s]);
        }
        if (s == N_SECTIONS || s == SEC_SOURCES)
            return qli_yfail(L->err, QL_ESCHEMA, k,
                             "cannot remove from %s%s (expected inputs, "
                             "parameters, computed, checks or validations)",
                             QLI_QUOTE_N(k->text, k->len),
                             qli_suggest_text(&sg, hint, sizeof hint));
        if ((st = qli_rl_want(L, list, YN_SEQ, "a 'remove' list")))
            return st;
        section *sec = &L->sec[s];
        for (size_t j = 0; j < list->n; j++) {
            const ynode *name = list->items[j];
            if ((st = qli_rl_want(L, name, YN_SCALAR, "a name to remove")))
                return st;
            size_t e = find_entry(sec, name->text);
            if (e == sec->n)
                return remove_unknown(L, s, name);
            const ynode *was = sec->items[e].removed_at;
            if (sec->items[e].removed) /* a slip: say where it went */
                return qli_yfail(L->err, QL_ENAME, name,
                                 "cannot remove %s: it is removed already "
                                 "(%s:%d)",
                                 QLI_QUOTE_N(name->text, name->len),
                                 was->doc->file, was->line);
            sec->items[e].removed = 1; /* dropped when the merge ends */
            sec->items[e].removed_at = name;
        }
    }
    return QL_OK;
}

/* `extends: name` through the caller's resolver.  QL_RESOLVE_PASS: the
 * resolver left the name to the file lookup. */
static ql_status extend_resolved(loader *L, const ynode *ext, const char *name)
{
    const ql_load_options *o = L->opts;
    const char *text = NULL;
    size_t len = 0;
    ql_error rerr;
    ql_error_clear(&rerr);
    ql_status st = o->resolve(&text, &len, name, ext->doc->file,
                              o->resolve_payload, &rerr);
    if (st == QL_RESOLVE_PASS)
        return st;
    /* The resolver is the caller's code: its message may be unterminated
     * and its status one this library does not know. */
    rerr.message[sizeof rerr.message - 1] = '\0';
    if (st != QL_OK || (!text && len)) {
        if (st == QL_OK)
            st = QL_EINVAL; /* a resolver that said yes but gave nothing */
        else if (st > 0 || st < QL_ELIMIT)
            st = QL_EINVAL;
        if (text && o->resolve_free)
            o->resolve_free(text, len, o->resolve_payload);
        return qli_yfail(L->err, st, ext, "extends %s: %s", QLI_QUOTE(name),
                         rerr.message[0] ? rerr.message
                                         : "the include resolver found no "
                                           "rules of that name");
    }
    ydoc *doc = qli_ar_alloc(L->ar, sizeof *doc);
    char *key = qli_ar_printf(L->ar, "resolved:%s", name);
    if (doc) {
        doc->file = qli_ar_strndup(L->ar, name, strlen(name));
        doc->len = len;
        doc->text = len > QL_MAX_FILE_SIZE
                        ? NULL
                        : qli_ar_strndup(L->ar, text ? text : "", len);
    }
    if (o->resolve_free)
        o->resolve_free(text, len, o->resolve_payload);
    if (len > QL_MAX_FILE_SIZE)
        return qli_yfail(L->err, QL_ELIMIT, ext,
                         "extends %s: rules text larger than the %u MiB limit",
                         QLI_QUOTE(name), QL_MAX_FILE_SIZE >> 20);
    if (!doc || !key || !doc->file || !doc->text)
        return qli_rl_oom(L);
    /* Cycles by name: the resolver's names are its own namespace. */
    for (int i = 0; i < L->depth; i++)
        if (L->chain[i] && !strcmp(L->chain[i], key))
            return qli_yfail(L->err, QL_ENAME, ext,
                             "extends %s makes a cycle: those rules are "
                             "already being loaded",
                             QLI_QUOTE(name));
    L->chain[L->depth++] = key;
    /* The resolved rules' own relative `extends` go to the resolver
     * again, as written; passed on, they have no folder to be beside:
     * rule sets on the search path only (unless QL_EXTENDS_ANY). */
    int outer_nf = L->no_folder;
    L->no_folder = 1;
    st = qli_rl_load_doc(L, doc, "");
    L->no_folder = outer_nf;
    if (st)
        return st;
    L->depth--;
    return QL_OK;
}

/* Whether a relative path has a ".." component. */
static int has_dotdot(const char *p)
{
    for (const char *q = p; (q = strstr(q, "..")); q += 2)
        if ((q == p || q[-1] == '/') && (q[2] == '\0' || q[2] == '/'))
            return 1;
    return 0;
}

/* The folder of canonical path `canon`, with its '/', in the arena. */
static const char *folder_of(loader *L, const char *canon)
{
    const char *slash = strrchr(canon, '/');
    return qli_ar_strndup(L->ar, canon,
                          slash ? (size_t)(slash - canon + 1) : 0);
}

char *qli_rl_extends_dir(ql_arena *a, const char *path)
{
    struct stat sb;
    char canon[PATH_MAX];
    const char *file = path;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) && realpath(path, canon))
        file = canon;
    const char *slash = strrchr(file, '/');
    return qli_ar_strndup(a, file, slash ? (size_t)(slash - file + 1) : 0);
}

/* QL_EXTENDS_CONFINED: `extends:` names files inside the top file's
 * folder only (a server loading users' rules must not read /etc). */
static ql_status refuse_extends(loader *L, const ynode *ext, const char *rel,
                                const char *why)
{
    return qli_yfail(L->err, QL_EIO, ext,
                     "extends %s: refused, %s: only files inside the "
                     "top rules file's folder (%s) may be named unless "
                     "the caller allows any path (ql_load_options."
                     "extends_policy = QL_EXTENDS_ANY; quotalevy "
                     "--allow-any-extends)",
                     QLI_QUOTE(rel), why,
                     QLI_BARE_SHORT(L->confine ? L->confine : "unknown"));
}

static const char *const top_keys[] = {
    "quotalevy",   "id",         "title",    "jurisdiction", "version",
    "description", "currency",   "extends",  "remove",       "sources",
    "inputs",      "parameters", "computed", "checks",       "validations",
    "outputs",     NULL};

static ql_status load_tree(loader *L, const ynode *root, const ynode *dup,
                           const ynode *dup_first, const char *base_dir)
{
    ql_status st;
    /* Before any key is named in a message: a file that is not a rules
     * file (an `extends: /etc/passwd`) is refused without a word of it.
     * The version is the file's first key, its signature: a file whose
     * keys only include one somewhere is not a rules file either, so no
     * key before it, or after it, is ever quoted from such a file. */
    const ynode *first =
        root->kind == YN_MAP && root->n ? root->items[0] : NULL;
    if (!first || first->len != 9 || memcmp(first->text, "quotalevy", 9) != 0)
        return qli_yfail(L->err, QL_ESCHEMA, root,
                         "not a quotalevy rules file: a rules file must be "
                         "a mapping that starts with 'quotalevy: 1' (this "
                         "one %s)",
                         root->kind != YN_MAP ? "is not a mapping"
                         : !qli_ymap_get(root, "quotalevy")
                             ? "needs 'quotalevy'"
                             : "starts with another key");
    /* The version before any other key: a file that is not a version-1
     * rules file is not quoted (its keys, or a version that is not a
     * number, may be anything). */
    const char *fmt;
    if ((st = qli_rl_required(L, root, "quotalevy", "a rules file", &fmt)))
        return st;
    if (strcmp(fmt, "1") != 0) {
        const ynode *vn = qli_ymap_get(root, "quotalevy");
        size_t n = strlen(fmt);
        if (n > 0 && n <= 9 && strspn(fmt, "0123456789") == n)
            return qli_yfail(L->err, QL_ESCHEMA, vn,
                             "unsupported format version %s (this library "
                             "reads version 1)",
                             QLI_QUOTE(fmt));
        return qli_yfail(L->err, QL_ESCHEMA, vn,
                         "unsupported format version: 'quotalevy' must be 1 "
                         "(this library reads version 1)");
    }
    /* a version-1 rules file, whatever its keys' order: now they may be
     * named */
    if (dup)
        return qli_ytree_duplicate(L->err, dup, dup_first);
    if ((st = qli_rl_keys(L, root, "a rules file", top_keys)))
        return st;
    const char *tmp;
    if ((st = qli_rl_required(L, root, "id", "a rules file", &tmp)) ||
        (st = qli_rl_required(L, root, "title", "a rules file", &tmp)) ||
        (st = qli_rl_required(L, root, "jurisdiction", "a rules file", &tmp)) ||
        (st = qli_rl_required(L, root, "version", "a rules file", &tmp)) ||
        (st = qli_rl_optional(L, root, "description", &tmp)))
        return st;
    const ynode *ext = qli_ymap_get(root, "extends");
    if (ext) {
        const char *rel;
        if ((st = qli_rl_scalar(L, ext, "extends", &rel)))
            return st;
        if (rel[strspn(rel, " \t")] == '\0')
            return qli_yfail(L->err, QL_ESCHEMA, ext,
                             "an empty extends is not a file name: name the "
                             "rules file this one extends (extends: "
                             "base.yaml), or leave 'extends' out");
        if (L->depth >= QL_MAX_EXTENDS)
            return qli_yfail(L->err, QL_ELIMIT, ext,
                             "'extends' chain longer than %d files",
                             QL_MAX_EXTENDS);
        if (L->opts && L->opts->resolve) {
            st = extend_resolved(L, ext, rel);
            if (st != QL_RESOLVE_PASS) {
                if (st)
                    return st;
                goto own;
            }
        }
        char *path = rel[0] == '/'
                         ? qli_ar_strndup(L->ar, rel, strlen(rel))
                         : qli_ar_printf(L->ar, "%s%s", base_dir, rel);
        if (!path)
            return qli_rl_oom(L);
        int confined = L->extends_policy == QL_EXTENDS_CONFINED;
        int nf = confined && L->no_folder;
        /* a text with no folder has no "top file's folder" to name: an
         * absolute path gets the words every name gets below (one rule,
         * one account), not the folder of the working directory */
        if (confined && rel[0] == '/' && !nf)
            return refuse_extends(L, ext, rel, "an absolute path");
        char canon[PATH_MAX];
        int searched = 0, looked = 0;
        if (nf) {
            /* A text with no folder of its own is beside no file: its
             * extends names a rule set on the search path, never a file
             * of the working directory (a service running in / must not
             * open etc/shadow for whoever sends the text).  Said alike
             * for every name, so the refusal tells nothing of the disk. */
            const char *found;
            if (qli_rl_search_rules(L->ar, rel, L->search_path, &found) ||
                !realpath(found, canon)) {
                const char *sp = L->search_path,
                           *env = getenv("QUOTALEVY_RULES_PATH");
                char folders[256];
                snprintf(folders, sizeof folders, "%s%s%s%s%s",
                         sp && *sp ? sp : "", sp && *sp ? ":" : "",
                         env && *env ? env : "", env && *env ? ":" : "",
                         qli_rl_rules_dir());
                return qli_yfail(
                    L->err, QL_EIO, ext,
                    "extends %s: no rule set of that name (NAME or "
                    "NAME.yaml) on the search path %s; a rules text "
                    "loaded from memory has no folder, so its extends are "
                    "never files of the working directory (give the text "
                    "the file name it would have in its folder, or allow "
                    "any path: QL_EXTENDS_ANY)",
                    QLI_QUOTE(rel), QLI_BARE_SHORT(folders));
            }
            path = (char *)found;
            searched = 1;
        }
        if (!nf && !realpath(path, canon) && rel[0] != '/') {
            /* Not beside the including file: a rule set by name, such
             * as `extends: cn/national` from a province's own folder. */
            const char *found;
            if (qli_rl_find_rules(L->ar, rel, L->search_path, &found, NULL) ==
                QL_OK) {
                if (found != rel) {
                    path = (char *)found;
                    searched = 1;
                }
            } else {
                looked = 1;
            }
        }
        if (!nf && !realpath(path, canon)) {
            if (confined && has_dotdot(rel))
                return refuse_extends(L, ext, rel, "'..' leaving the folder");
            if (looked) { /* neither beside this file nor on the search path */
                int e = errno;
                const char *sp = L->search_path,
                           *env = getenv("QUOTALEVY_RULES_PATH");
                char folders[256];
                snprintf(folders, sizeof folders, "%s%s%s%s%s",
                         sp && *sp ? sp : "", sp && *sp ? ":" : "",
                         env && *env ? env : "", env && *env ? ":" : "",
                         qli_rl_rules_dir());
                char hint[QL_MAX_NAME + 32];
                return qli_yfail(
                    L->err, QL_EIO, ext,
                    "extends %s: cannot open (beside this file): "
                    "%s; nor is it a rule set (NAME or NAME.yaml) on "
                    "the search path %s%.100s",
                    QLI_QUOTE_SHORT(rel), strerror(e), QLI_BARE_SHORT(folders),
                    qli_rl_suggest_rules(L->ar, rel, base_dir, L->search_path,
                                         hint, sizeof hint));
            }
            int e = errno;
            /* /dev/stdin, a pipe: realpath finds no name for it */
            const char *kind = qli_rl_not_regular(path);
            if (kind)
                return qli_yfail(L->err, QL_EIO, ext,
                                 "extends %s: not read: %s; rules are "
                                 "read from regular files only",
                                 QLI_QUOTE(rel), kind);
            return qli_yfail(L->err, QL_EIO, ext,
                             "extends %s: cannot open %s: %s", QLI_QUOTE(rel),
                             QLI_BARE_SHORT(path), strerror(e));
        }
        size_t cl = L->confine ? strlen(L->confine) : 0;
        if (confined && !searched && cl > 1 && strlen(canon) == cl - 1 &&
            !strncmp(canon, L->confine, cl - 1))
            return qli_yfail(L->err, QL_EIO, ext,
                             "extends %s: not read: the folder itself, a "
                             "directory; name a rules file in it",
                             QLI_QUOTE(rel));
        if (confined && !searched &&
            (!L->confine || strncmp(canon, L->confine, cl)))
            return refuse_extends(L, ext, rel, "a file outside the folder");
        for (int i = 0; i < L->depth; i++)
            if (L->chain[i] && !strcmp(L->chain[i], canon))
                return qli_yfail(L->err, QL_ENAME, ext,
                                 "extends %s makes a cycle: that file is "
                                 "already being loaded",
                                 QLI_QUOTE(rel));
        L->chain[L->depth++] = qli_ar_strndup(L->ar, canon, strlen(canon));
        if (L->nread <= QL_MAX_EXTENDS)
            L->read[L->nread++] = L->chain[L->depth - 1];
        ydoc *doc = qli_ar_alloc(L->ar, sizeof *doc);
        if (!doc)
            return qli_rl_oom(L);
        doc->file = path;
        if ((st = qli_rl_read_file(L->ar, path, doc, L->err))) {
            /* said at the `extends:` line that named the file */
            char why[QL_ERROR_MESSAGE_MAX];
            snprintf(why, sizeof why, "%s", L->err ? L->err->message : "");
            return st == QL_ENOMEM
                       ? st
                       : qli_yfail(L->err, st, ext, "extends %s: %s: %s",
                                   QLI_QUOTE_SHORT(rel), QLI_BARE_SHORT(path),
                                   why);
        }
        char *dir = qli_rl_extends_dir(L->ar, path);
        if (!dir)
            return qli_rl_oom(L);
        /* Rules found on the search path are trusted with their own
         * folder: their relative `extends` stay inside it. */
        const char *outer = L->confine;
        int outer_nf = L->no_folder;
        if (searched && !(L->confine = folder_of(L, canon)))
            return qli_rl_oom(L);
        L->no_folder = 0; /* a file: its folder is its own */
        st = qli_rl_load_doc(L, doc, dir);
        L->confine = outer;
        L->no_folder = outer_nf;
        if (st)
            return st;
        L->depth--;
    }
own:; /* a label before a declaration: C11 wants a statement */
    /* This file's own definitions, over its parent's. */
    const ynode *rm = qli_ymap_get(root, "remove");
    if (rm && (st = remove_inherited(L, rm, ext != NULL)))
        return st;
    for (int s = 0; s < N_SECTIONS; s++) {
        const ynode *m = qli_ymap_get(root, qli_rl_section_names[s]);
        if (m && (st = merge_section(L, s, m)))
            return st;
    }
    const ynode *o = qli_ymap_get(root, "outputs");
    if (o)
        L->outputs = o;
    if (o && L->n_all_outputs <= QL_MAX_EXTENDS)
        L->all_outputs[L->n_all_outputs++] = o;
    if (!ext)
        L->root_doc = root->doc;
    L->meta_id = qli_ymap_get(root, "id");
    L->meta_title = qli_ymap_get(root, "title");
    L->meta_jur = qli_ymap_get(root, "jurisdiction");
    L->meta_version = qli_ymap_get(root, "version");
    L->meta_desc = qli_ymap_get(root, "description");
    const ynode *cur = qli_ymap_get(root, "currency"), *was = L->meta_currency;
    /* every amount inherited is in the parent's currency: a child that
     * named another would relabel them (CNY read as USD, P3-17) */
    if (cur && was && cur->kind == YN_SCALAR && was->kind == YN_SCALAR &&
        strcmp(cur->text, was->text) && qli_sc_currency_minor(cur->text) >= 0)
        return qli_yfail(L->err, QL_ESCHEMA, cur,
                         "currency %s is not the currency of the rules "
                         "this file extends (%s, %s:%d): every amount "
                         "they define is in %s, so a file that extends "
                         "them keeps it",
                         QLI_QUOTE_SHORT(cur->text), QLI_QUOTE_SHORT(was->text),
                         was->doc->file, was->line, QLI_BARE_SHORT(was->text));
    if (cur)
        L->meta_currency = cur;
    return QL_OK;
}

ql_status qli_rl_load_doc(loader *L, ydoc *doc, const char *base_dir)
{
    qli_ydoc_skip_bom(doc);
    ynode *root;
    const ynode *dup, *first;
    ql_status st = qli_ytree_parse_lax(&root, &dup, &first, doc, L->ar, L->err);
    return st ? st : load_tree(L, root, dup, first, base_dir);
}

const ynode *qli_removed_name(const ql_ruleset *rs, const char *name,
                              size_t len)
{
    for (size_t i = 0; i < rs->n_removed; i++)
        if (rs->removed[i]->len == len &&
            !memcmp(rs->removed[i]->text, name, len))
            return rs->removed[i];
    return NULL;
}

/* Closes the gaps `remove:` left, keeping the order of the rest, and
 * keeps where each name went (out of memory: only the messages lose). */
void qli_rl_drop_removed(loader *L)
{
    size_t n = 0;
    for (int s = 0; s < N_SECTIONS; s++)
        for (size_t i = 0; i < L->sec[s].n; i++)
            n += L->sec[s].items[i].removed != 0;
    L->removed = n ? qli_ar_alloc(L->ar, n * sizeof *L->removed) : NULL;
    L->n_removed = 0;
    for (int s = 0; s < N_SECTIONS && L->removed; s++)
        for (size_t i = 0; i < L->sec[s].n; i++)
            if (L->sec[s].items[i].removed)
                L->removed[L->n_removed++] = L->sec[s].items[i].removed_at;
    for (int s = 0; s < N_SECTIONS; s++) {
        section *sec = &L->sec[s];
        size_t o = 0;
        for (size_t i = 0; i < sec->n; i++)
            if (!sec->items[i].removed)
                sec->items[o++] = sec->items[i];
        sec->n = o;
        qli_names_free(&sec->index); /* its indexes are stale now */
    }
}
