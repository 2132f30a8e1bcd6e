/*
 * rules.c — the rules-file loader: YAML trees to rule set definitions.
 *
 * A rules file is a mapping of named sections (docs/rules-language.md).
 * A file may `extends` another: the parent's definitions come first, and a
 * child definition with the same name replaces the parent's in place, so a
 * provincial file overrides a national parameter without copying the rest.
 * Every key is checked: an unknown key is an error, never ignored, since a
 * misspelt `untill:` that silently did nothing would change a levy.
 * Definitions then go to compile.c, which checks and compiles expressions.
 */
#include "util.h"
#include "yamltree.h"
#include "ruleset.h"
#include "rules.h"
#include "scale.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const qli_rl_section_names[N_SECTIONS] = {
    "sources", "inputs", "parameters", "computed", "checks", "validations"};

/* ------------------------------------------------------ file, extends */

/* Why a file that is not a regular file is refused, in words. */
static const char *file_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO"
         : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) || S_ISBLK(m) ? "a device"
         : "not a regular file";
}

/* Reads a rules file whole (rules.h).  Only regular files are read: opened
 * without blocking (a FIFO would wait for a writer forever) and checked
 * before a byte is read. */
ql_status qli_rl_read_file(ql_arena *ar, const char *path, ydoc *doc,
                           ql_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return qli_fail(err, QL_EIO, path, 0, 0, "cannot open: %s",
                       strerror(errno));
    struct stat sb;
    int bad = fstat(fd, &sb) != 0 ? errno : 0;
    if (bad || !S_ISREG(sb.st_mode)) {
        ql_status st = qli_fail(err, QL_EIO, path, 0, 0,
                                "not read: %s; rules are read from regular "
                                "files only",
                                bad ? strerror(bad) : file_kind(sb.st_mode));
        close(fd);
        return st;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ql_status st = QL_OK;
    for (;;) {
        if (len == cap) {
            if (cap >= QL_MAX_FILE_SIZE) {
                st = qli_fail(err, QL_ELIMIT, path, 0, 0,
                              "file larger than the %u MiB limit for rules "
                              "files",
                              QL_MAX_FILE_SIZE >> 20);
                break;
            }
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(buf, cap + 1);
            if (!p) {
                st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
                break;
            }
            buf = p;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                st = qli_fail(err, QL_EIO, path, 0, 0, "read error");
            break;
        }
    }
    fclose(f);
    if (st == QL_OK) {
        doc->text = qli_ar_strndup(ar, buf ? buf : "", len);
        doc->len = len;
        if (!doc->text)
            st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "%s", qli_msg_oom);
    }
    free(buf);
    return st;
}

static ql_status load_doc(loader *L, ydoc *doc, const char *base_dir);

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

/* A parameter redefined by a child keeps the parent's type, unit and
 * bounds unless it gives its own: Beijing's `ratio` is still a share
 * between national.yaml's bounds. */
static void inherit_limits(entry *e, const ynode *v)
{
    static const char *const keys[] = {"type", "unit", "min", "max"};
    const ynode **slot[] = {&e->type, &e->unit, &e->min, &e->max};
    for (int i = 0; i < 4; i++) {
        const ynode *own = v->kind == YN_MAP ? qli_ymap_get(v, keys[i]) : NULL;
        if (own)
            *slot[i] = own;
    }
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
                         "'%.60s' is not a valid name (letters, digits and _, "
                         "not starting with a digit, not a keyword)",
                         k->text);
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
        e->name = k->text;
        e->key = k;
        e->val = v;
        if (s == SEC_PARAMS)
            inherit_limits(e, v);
    }
    return QL_OK;
}

/* Drops inherited definitions: `remove: {checks: [a, b], …}`. */
static ql_status remove_inherited(loader *L, const ynode *rm, int has_parent)
{
    ql_status st = qli_rl_want(L, rm, YN_MAP, "'remove'");
    if (st)
        return st;
    if (!has_parent)
        return qli_yfail(L->err, QL_ESCHEMA, rm,
                     "'remove' needs 'extends': there is nothing to remove");
    for (size_t i = 0; i < rm->n; i++) {
        const ynode *k = rm->items[2 * i], *list = rm->items[2 * i + 1];
        int s;
        for (s = 0; s < N_SECTIONS; s++)
            if (!strcmp(k->text, qli_rl_section_names[s]))
                break;
        if (s == N_SECTIONS || s == SEC_SOURCES)
            return qli_yfail(L->err, QL_ESCHEMA, k,
                         "cannot remove from '%s' (expected inputs, "
                         "parameters, computed, checks or validations)",
                         k->text);
        if ((st = qli_rl_want(L, list, YN_SEQ, "a 'remove' list")))
            return st;
        section *sec = &L->sec[s];
        for (size_t j = 0; j < list->n; j++) {
            const ynode *name = list->items[j];
            if ((st = qli_rl_want(L, name, YN_SCALAR, "a name to remove")))
                return st;
            size_t e = find_entry(sec, name->text);
            if (e == sec->n)
                return qli_yfail(L->err, QL_ENAME, name,
                             "cannot remove '%s': the files it extends "
                             "define no such entry under '%s'",
                             name->text, k->text);
            sec->items[e].name = NULL; /* dropped when the merge ends */
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
        return qli_yfail(L->err, st, ext, "extends '%s': %s", name,
                     rerr.message[0] ? rerr.message
                                     : "the include resolver found no "
                                       "rules of that name");
    }
    ydoc *doc = qli_ar_alloc(L->ar, sizeof *doc);
    char *key = qli_ar_printf(L->ar, "resolved:%s", name);
    if (doc) {
        doc->file = qli_ar_strndup(L->ar, name, strlen(name));
        doc->len = len;
        doc->text = len > QL_MAX_FILE_SIZE ? NULL
                                           : qli_ar_strndup(L->ar, text ? text : "", len);
    }
    if (o->resolve_free)
        o->resolve_free(text, len, o->resolve_payload);
    if (len > QL_MAX_FILE_SIZE)
        return qli_yfail(L->err, QL_ELIMIT, ext,
                     "extends '%s': rules text larger than the %u MiB limit",
                     name, QL_MAX_FILE_SIZE >> 20);
    if (!doc || !key || !doc->file || !doc->text)
        return qli_rl_oom(L);
    /* Cycles by name: the resolver's names are its own namespace. */
    for (int i = 0; i < L->depth; i++)
        if (L->chain[i] && !strcmp(L->chain[i], key))
            return qli_yfail(L->err, QL_ENAME, ext,
                         "extends '%s' makes a cycle: those rules are "
                         "already being loaded",
                         name);
    L->chain[L->depth++] = key;
    /* The resolved rules' own relative `extends` go to the resolver
     * again, as written; passed on, they are files of the working
     * directory. */
    if ((st = load_doc(L, doc, "")))
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
    return qli_ar_strndup(L->ar, canon, slash ? (size_t)(slash - canon + 1) : 0);
}

/* QL_EXTENDS_CONFINED: `extends:` names files inside the top file's
 * folder only (a server loading users' rules must not read /etc). */
static ql_status refuse_extends(loader *L, const ynode *ext, const char *rel,
                                const char *why)
{
    return qli_yfail(L->err, QL_EIO, ext,
                     "extends '%.80s': refused, %s: only files inside the "
                     "top rules file's folder (%.200s) may be named unless "
                     "the caller allows any path (ql_load_options."
                     "extends_policy = QL_EXTENDS_ANY; quotalevy "
                     "--allow-any-extends)",
                     rel, why, L->confine ? L->confine : "unknown");
}

static const char *const top_keys[] = {
    "quotalevy", "id", "title", "jurisdiction", "version", "description",
    "currency", "extends", "remove", "sources", "inputs", "parameters", "computed",
    "checks", "validations", "outputs", NULL};

static ql_status load_tree(loader *L, const ynode *root, const ynode *dup,
                           const ynode *dup_first, const char *base_dir)
{
    ql_status st;
    /* Before any key is named in a message: a file that is not a rules
     * file (an `extends: /etc/passwd`) is refused without a word of it.
     * The version is the file's first key, its signature: a file whose
     * keys only include one somewhere is not a rules file either, so no
     * key before it, or after it, is ever quoted from such a file. */
    const ynode *first = root->kind == YN_MAP && root->n ? root->items[0] : NULL;
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
                             "unsupported format version '%s' (this library "
                             "reads version 1)",
                             fmt);
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
        char *path = rel[0] == '/' ? qli_ar_strndup(L->ar, rel, strlen(rel))
                                   : qli_ar_printf(L->ar, "%s%s", base_dir, rel);
        if (!path)
            return qli_rl_oom(L);
        int confined = L->extends_policy == QL_EXTENDS_CONFINED;
        if (confined && rel[0] == '/')
            return refuse_extends(L, ext, rel, "an absolute path");
        char canon[PATH_MAX];
        int searched = 0;
        if (!realpath(path, canon) && rel[0] != '/') {
            /* Not beside the including file: a rule set by name, such
             * as `extends: cn/national` from a province's own folder. */
            const char *found;
            if (qli_rl_find_rules(L->ar, rel, L->search_path, &found, NULL) == QL_OK &&
                found != rel) {
                path = (char *)found;
                searched = 1;
            }
        }
        if (!realpath(path, canon)) {
            if (confined && has_dotdot(rel))
                return refuse_extends(L, ext, rel, "'..' leaving the folder");
            return qli_yfail(L->err, QL_EIO, ext, "extends '%s': cannot open %s: %s",
                         rel, path, strerror(errno));
        }
        size_t cl = L->confine ? strlen(L->confine) : 0;
        if (confined && !searched && cl > 1 &&
            strlen(canon) == cl - 1 && !strncmp(canon, L->confine, cl - 1))
            return qli_yfail(L->err, QL_EIO, ext,
                             "extends '%.80s': not read: the folder itself, a "
                             "directory; name a rules file in it", rel);
        if (confined && !searched &&
            (!L->confine || strncmp(canon, L->confine, cl)))
            return refuse_extends(L, ext, rel, "a file outside the folder");
        for (int i = 0; i < L->depth; i++)
            if (L->chain[i] && !strcmp(L->chain[i], canon))
                return qli_yfail(L->err, QL_ENAME, ext,
                             "extends '%s' makes a cycle: that file is "
                             "already being loaded",
                             rel);
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
            return st == QL_ENOMEM ? st
                                   : qli_yfail(L->err, st, ext,
                                               "extends '%.80s': %s: %s",
                                               rel, path, why);
        }
        const char *slash = strrchr(path, '/');
        char *dir = slash ? qli_ar_strndup(L->ar, path, (size_t)(slash - path + 1))
                          : qli_ar_strndup(L->ar, "", 0);
        if (!dir)
            return qli_rl_oom(L);
        /* Rules found on the search path are trusted with their own
         * folder: their relative `extends` stay inside it. */
        const char *outer = L->confine;
        if (searched && !(L->confine = folder_of(L, canon)))
            return qli_rl_oom(L);
        st = load_doc(L, doc, dir);
        L->confine = outer;
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
    L->meta_id = qli_ymap_get(root, "id");
    L->meta_title = qli_ymap_get(root, "title");
    L->meta_jur = qli_ymap_get(root, "jurisdiction");
    L->meta_version = qli_ymap_get(root, "version");
    L->meta_desc = qli_ymap_get(root, "description");
    if (qli_ymap_get(root, "currency"))
        L->meta_currency = qli_ymap_get(root, "currency");
    return QL_OK;
}

static ql_status load_doc(loader *L, ydoc *doc, const char *base_dir)
{
    /* A UTF-8 byte order mark is allowed and skipped. */
    if (doc->len >= 3 && !memcmp(doc->text, "\xEF\xBB\xBF", 3)) {
        doc->text += 3;
        doc->len -= 3;
    }
    if (memchr(doc->text, '\0', doc->len))
        return qli_fail(L->err, QL_EPARSE, doc->file, 0, 0,
                       "the file holds a NUL byte: rules files are UTF-8 text");
    ynode *root;
    const ynode *dup, *first;
    ql_status st = qli_ytree_parse_lax(&root, &dup, &first, doc, L->ar, L->err);
    return st ? st : load_tree(L, root, dup, first, base_dir);
}

/* ------------------------------------------------------------- entry */

/* Closes the gaps `remove:` left, keeping the order of the rest. */
static void drop_removed(loader *L)
{
    for (int s = 0; s < N_SECTIONS; s++) {
        section *sec = &L->sec[s];
        size_t o = 0;
        for (size_t i = 0; i < sec->n; i++)
            if (sec->items[i].name)
                sec->items[o++] = sec->items[i];
        sec->n = o;
        qli_names_free(&sec->index); /* its indexes are stale now */
    }
}

/* The rule set's currency: an ISO 4217 code the library knows, which
 * fixes the places of every money value. */
static ql_status currency(loader *L)
{
    const ynode *c = L->meta_currency;
    L->rs->minor = -1;
    if (!c)
        return QL_OK;
    ql_status st = qli_rl_want(L, c, YN_SCALAR, "'currency'");
    if (st)
        return st;
    int minor = qli_sc_currency_minor(c->text);
    if (minor < 0)
        return qli_yfail(L->err, QL_ESCHEMA, c,
                     "unknown currency '%s' (an ISO 4217 code such as CNY, "
                     "EUR, JPY, USD; docs/rules-language.md lists those "
                     "known)",
                     c->text);
    L->rs->currency = c->text;
    L->rs->minor = minor;
    return QL_OK;
}

/* Loads doc into a new rule set as o says.  With diag, every section
 * entry and every expression is checked and each problem collected;
 * loading stops after the first stage (YAML and structure, definitions,
 * types) that found any. */
static ql_status load(ql_ruleset **out, ydoc *doc, const char *base_dir,
                      ql_error *err, ql_diag *diag, const ql_load_options *o)
{
    ql_arena tmp = {0};
    ql_ruleset *rs = qli_ar_alloc(&tmp, sizeof *rs);
    if (!rs) {
        ql_status st = qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        qli_diag_note(diag, err, st);
        return st;
    }
    rs->arena = tmp;
    loader L;
    memset(&L, 0, sizeof L);
    L.rs = rs;
    L.ar = &rs->arena;
    L.err = err;
    L.diag = diag;
    L.ovr = o->overrides;
    L.novr = o->n_overrides;
    L.extends_policy = o->extends_policy;
    L.search_path = o->search_path;
    char top[PATH_MAX];
    if (realpath(base_dir[0] ? base_dir : ".", top)) {
        size_t n = strlen(top);
        L.confine = qli_ar_printf(&rs->arena, "%s%s", top,
                                  n && top[n - 1] == '/' ? "" : "/");
    }
    L.opts = o;
    ydoc *d = qli_ar_alloc(L.ar, sizeof *d);
    ql_status st = QL_OK;
    if (!d || !(d->file = qli_ar_strndup(L.ar, doc->file, strlen(doc->file))) ||
        !(d->text = qli_ar_strndup(L.ar, doc->text, doc->len)))
        st = qli_rl_oom(&L);
    if (st == QL_OK) {
        d->len = doc->len;
        char canon[PATH_MAX];
        if (realpath(d->file, canon)) {
            L.chain[L.depth++] = qli_ar_strndup(L.ar, canon, strlen(canon));
            L.read[L.nread++] = L.chain[0];
        }
        st = load_doc(&L, d, base_dir);
    }
    if (st == QL_OK)
        drop_removed(&L);
    if (st)
        qli_diag_note(diag, err, st);
    if (st == QL_OK) {
        rs->file = d->file;
        for (int i = 0; i < L.nread; i++)
            if (L.read[i])
                rs->read[rs->nread++] = L.read[i];
        rs->id = L.meta_id->text;
        rs->title = L.meta_title->text;
        rs->jurisdiction = L.meta_jur->text;
        rs->version = L.meta_version->text;
        rs->description = L.meta_desc ? L.meta_desc->text : NULL;
        st = currency(&L);
        if (st == QL_OK && (st = qli_rl_build_sources(&L)) == QL_OK &&
            (st = qli_rl_build_inputs(&L)) == QL_OK &&
            (st = qli_rl_build_params(&L)) == QL_OK &&
            (st = qli_rl_apply_overrides(&L)) == QL_OK &&
            (st = qli_rl_build_computed(&L)) == QL_OK &&
            (st = qli_rl_build_checks(&L)) == QL_OK &&
            (st = qli_rl_build_validations(&L)) == QL_OK &&
            (st = qli_rl_build_outputs(&L, L.meta_id)) == QL_OK) {
            if (diag && diag->total)
                st = diag->first; /* definitions had problems */
            else
                st = qli_compile_ruleset(rs, err, diag);
        }
        if (st && diag && !diag->total)
            qli_diag_note(diag, err, st); /* a stop-at-once error */
    }
    for (int s = 0; s < N_SECTIONS; s++) {
        free(L.sec[s].items);
        qli_names_free(&L.sec[s].index);
    }
    qli_names_free(&L.source_ids);
    if (st) {
        ql_arena a = rs->arena;
        qli_ar_free(&a);
        return st;
    }
    *out = rs;
    return QL_OK;
}

/* The folder part of name, "" when it has none, in a; NULL: no memory. */
static char *dir_of(ql_arena *a, const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? qli_ar_strndup(a, name, (size_t)(slash - name + 1))
                 : qli_ar_strndup(a, "", 0);
}

/* The file `path`, or the text in o->buffer named `path`. */
static ql_status load_source(ql_ruleset **out, const char *path,
                             const ql_load_options *o, ql_error *err,
                             ql_diag *diag)
{
    /* Read through a scratch loader so limits and messages are shared. */
    ql_arena scratch = {0};
    loader L;
    memset(&L, 0, sizeof L);
    L.ar = &scratch;
    L.err = err;
    /* A file by name ("cn/jilin") on the search path; a buffer's name is
     * only a name. */
    ql_status st = o->buffer ? QL_OK
                             : qli_rl_find_rules(&scratch, path, o->search_path,
                                             &path, err);
    ydoc doc = {path, NULL, 0};
    if (o->buffer) {
        if (o->buffer_len > QL_MAX_FILE_SIZE)
            st = qli_fail(err, QL_ELIMIT, path, 0, 0,
                         "rules text larger than the %u MiB limit",
                         QL_MAX_FILE_SIZE >> 20);
        doc.text = o->buffer;
        doc.len = o->buffer_len;
    } else if (st == QL_OK) {
        st = qli_rl_read_file(L.ar, path, &doc, L.err);
    }
    if (st == QL_OK) {
        char *dir = dir_of(&scratch, path);
        st = dir ? load(out, &doc, dir, err, diag, o) : qli_rl_oom(&L);
    } else {
        qli_diag_note(diag, err, st);
    }
    qli_ar_free(&scratch);
    return st;
}

ql_status ql_load_options_init(ql_load_options *opts, unsigned int version)
{
    if (!opts || version == 0 || version > QL_LOAD_OPTIONS_VERSION)
        return QL_EINVAL;
    ql_load_options init = QL_LOAD_OPTIONS_INIT;
    *opts = init;
    opts->version = version;
    return QL_OK;
}

ql_status ql_override_init(ql_override *o, unsigned int version)
{
    if (!o || version == 0 || version > QL_OVERRIDE_VERSION)
        return QL_EINVAL;
    memset(o, 0, sizeof *o);
    o->version = version;
    return QL_OK;
}

ql_status ql_ruleset_load_ext(ql_ruleset **out, const char *source,
                              const ql_load_options *opts, ql_error *err)
{
    static const ql_load_options defaults = QL_LOAD_OPTIONS_INIT;
    const ql_load_options *o = opts ? opts : &defaults;
    if (!out)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    *out = NULL;
    if (o->version == 0 || o->version > QL_LOAD_OPTIONS_VERSION)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "ql_load_options version %u is not one this library "
                       "knows (1 to %d): set it up with QL_LOAD_OPTIONS_INIT",
                       o->version, QL_LOAD_OPTIONS_VERSION);
    if (!o->buffer && !source)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "NULL argument: no rules file named");
    if (o->n_overrides && !o->overrides)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    /* Version 1 is the only layout so far: its stride is sizeof. */
    for (size_t i = 0; i < o->n_overrides; i++) {
        if (o->overrides[i].version != QL_OVERRIDE_VERSION)
            return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                           "override %zu: ql_override version %u is not "
                           "one this library knows (1 to %d): set it up "
                           "with QL_OVERRIDE_INIT",
                           i, o->overrides[i].version, QL_OVERRIDE_VERSION);
        if (!o->overrides[i].param || !o->overrides[i].value)
            return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                           "override %zu: NULL name or value", i);
    }
    if (o->diag_max && !o->diag_errors)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "diag_max is %zu but diag_errors is NULL", o->diag_max);
    if (o->extends_policy > QL_EXTENDS_ANY)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "unknown extends_policy %u", o->extends_policy);
    const char *name = source ? source : "<memory>";
    if (!(o->diag_errors || o->diag_count || o->diag_cb))
        return load_source(out, name, o, err, NULL);
    /* Diagnostics: problems collected, the first one copied to err. */
    ql_diag diag;
    memset(&diag, 0, sizeof diag);
    diag.errs = o->diag_errors;
    diag.max = o->diag_max;
    diag.first_err = err;
    diag.cb = o->diag_cb;
    diag.payload = o->diag_payload;
    ql_error scratch;
    ql_error_clear(&scratch);
    ql_ruleset *rs = NULL;
    ql_status st = load_source(&rs, name, o, &scratch, &diag);
    if (o->diag_count)
        *o->diag_count = diag.total;
    if (st == QL_OK && diag.total == 0) {
        *out = rs;
        return QL_OK;
    }
    ql_ruleset_free(rs);
    if (diag.total)
        return diag.first;
    if (err)
        *err = scratch;
    return st ? st : QL_EPARSE;
}

/* The four older entry points: each a set of options. */

ql_status ql_ruleset_load(ql_ruleset **out, const char *path, ql_error *err)
{
    if (!out || !path)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    return ql_ruleset_load_ext(out, path, NULL, err);
}

ql_status ql_ruleset_load_overridden(ql_ruleset **out, const char *path,
                                     const ql_override *ovr, size_t n,
                                     ql_error *err)
{
    if (!out || !path || (n && !ovr))
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.overrides = ovr;
    o.n_overrides = n;
    return ql_ruleset_load_ext(out, path, &o, err);
}

ql_status ql_ruleset_diagnose(ql_error *errs, size_t max, size_t *count,
                              const char *path)
{
    if (!path || (max && !errs) || !count)
        return QL_EINVAL;
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.diag_errors = errs;
    o.diag_max = max;
    o.diag_count = count;
    ql_ruleset *rs = NULL;
    ql_status st = ql_ruleset_load_ext(&rs, path, &o, NULL);
    ql_ruleset_free(rs); /* diagnosing keeps no rule set */
    return st;
}

ql_status ql_ruleset_load_buffer(ql_ruleset **out, const char *yaml,
                                 size_t len, const char *name, ql_error *err)
{
    if (!out || (!yaml && len))
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = yaml ? yaml : "";
    o.buffer_len = len;
    return ql_ruleset_load_ext(out, name, &o, err);
}
