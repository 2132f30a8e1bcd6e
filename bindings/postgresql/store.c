/*
 * store.c — rule files kept in the database, never read from the server's
 * disk.
 *
 * quotalevy.rule_files holds each YAML file under a name such as
 * "cn/jilin".  A file's `extends: national.yaml` is resolved by name in the
 * same table, relative to the folder part of the file's own name
 * ("cn/national"), else as written ("cn/national" from anywhere).  The
 * library asks for each name through an include resolver; the resolver
 * answers from a copy of the table taken before the load starts, so it
 * never raises inside the library (a raise would jump over the library's
 * frames and leak the half-built rule set), and it never hands a name back
 * to the file lookup.
 *
 * Two triggers keep the table honest however it is written: a row is
 * compiled before it is stored (a bad file is refused with its
 * name:line:column: message), and after each statement every stored file
 * is compiled again (so replacing or deleting a file that others extend
 * cannot break them silently) and every backend is told to drop its
 * compiled copies (a relcache invalidation, delivered at commit).
 */
#include "pg_quotalevy.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"

#include <stdlib.h>
#include <string.h>

#include "nearmiss.h" /* col_near_miss: the near-miss rule of every front end */

Oid qlpg_rule_files_oid(void)
{
    Oid nsp = get_namespace_oid("quotalevy", true);
    return OidIsValid(nsp) ? get_relname_relid("rule_files", nsp) : InvalidOid;
}

/* ------------------------------------------------------- the table's copy */

/* More than the library's 16 files an `extends` chain may have. */
#define QL_MAX_EXTENDS_CHAIN 32

typedef struct store_file {
    char *name;
    char *source;
    size_t len;
} store_file;

typedef struct store {
    store_file *files;
    int n;
    /* the names `extends` wrote and what they resolved to, in order, so
     * that a resolved file's own relative `extends` start from its folder */
    int nresolved;
    char resolved_from[QL_MAX_EXTENDS_CHAIN][QLPG_NAME_MAX + 1];
    const char *resolved_to[QL_MAX_EXTENDS_CHAIN];
} store;

/* Every stored file, copied into the current memory context; the file
 * `self_name` (if given) replaced by `self_source` or added.  A trigger
 * reads with a fresh snapshot (read_only false), to see the statement's
 * own changes; an evaluation reads in its query's snapshot, as a
 * parallel worker must. */
static void store_read(store *s, const char *self_name, const char *self_source,
                       bool read_only)
{
    MemoryContext outer = CurrentMemoryContext;
    memset(s, 0, sizeof *s);
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "quotalevy: SPI_connect failed");
    int rc = SPI_execute("SELECT name, source FROM quotalevy.rule_files",
                         read_only, 0);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "quotalevy: cannot read quotalevy.rule_files: %s",
             SPI_result_code_string(rc));
    MemoryContext spi = MemoryContextSwitchTo(outer);
    s->files = palloc0(sizeof(store_file) * (SPI_processed + 1));
    for (uint64 r = 0; r < SPI_processed; r++) {
        bool isnull;
        HeapTuple t = SPI_tuptable->vals[r];
        TupleDesc td = SPI_tuptable->tupdesc;
        Datum nm = SPI_getbinval(t, td, 1, &isnull);
        if (isnull)
            continue;
        Datum src = SPI_getbinval(t, td, 2, &isnull);
        if (isnull)
            continue;
        /* the library's text is UTF-8 (encoding.c) */
        char *name = qlpg_in_cstr(TextDatumGetCString(nm));
        if (self_name && !strcmp(name, self_name))
            continue;
        text *body = DatumGetTextPP(src);
        store_file *f = &s->files[s->n++];
        f->name = name;
        const char *u = qlpg_in(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body), &f->len);
        f->source = pnstrdup(u, f->len);
    }
    MemoryContextSwitchTo(spi);
    SPI_finish();
    if (self_name && self_source) {
        store_file *f = &s->files[s->n++];
        f->name = pstrdup(self_name);
        f->source = pstrdup(self_source);
        f->len = strlen(self_source);
    }
}

static const store_file *store_find(const store *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->files[i].name, name))
            return &s->files[i];
    return NULL;
}

/* Joins `dir` (a name's folder, may be empty) and `rel` into out,
 * resolving "." and ".." and dropping a ".yaml"/".yml" ending.  0 when the
 * result stays inside the table's namespace and fits. */
static int join_name(char *out, size_t size, const char *dir, size_t dirlen,
                     const char *rel)
{
    char tmp[2 * QLPG_NAME_MAX + 2];
    if (dirlen + strlen(rel) + 2 > sizeof tmp || rel[0] == '/')
        return -1;
    snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)dirlen, dir, dirlen ? "/" : "", rel);
    size_t n = 0;
    for (char *p = tmp, *seg; (seg = strsep(&p, "/")) != NULL;) {
        if (!*seg || !strcmp(seg, "."))
            continue;
        if (!strcmp(seg, "..")) {
            if (n == 0)
                return -1;
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--; /* the slash */
            continue;
        }
        size_t l = strlen(seg);
        if (n + l + 2 > size)
            return -1;
        if (n)
            out[n++] = '/';
        memcpy(out + n, seg, l);
        n += l;
    }
    out[n] = '\0';
    if (n > 5 && !strcmp(out + n - 5, ".yaml"))
        out[n - 5] = '\0';
    else if (n > 4 && !strcmp(out + n - 4, ".yml"))
        out[n - 4] = '\0';
    return n ? 0 : -1;
}

/* The include resolver: the file `name`, written in the file `from`.
 * Touches only memory made before the load (no palloc, no raise). */
static ql_status resolve(const char **text, size_t *len, const char *name,
                         const char *from, void *payload, ql_error *err)
{
    store *s = payload;
    /* `from` is the top file's name or a name an earlier `extends` wrote */
    const char *from_table = from;
    for (int i = s->nresolved - 1; i >= 0; i--)
        if (!strcmp(s->resolved_from[i], from)) {
            from_table = s->resolved_to[i];
            break;
        }
    const char *slash = strrchr(from_table, '/');
    size_t dirlen = slash ? (size_t)(slash - from_table) : 0;
    char cand[QLPG_NAME_MAX + 1];
    const store_file *f = NULL;
    if (!join_name(cand, sizeof cand, from_table, dirlen, name))
        f = store_find(s, cand);
    if (!f && !join_name(cand, sizeof cand, "", 0, name))
        f = store_find(s, cand);
    if (!f) {
        if (err) {
            /* what `extends` wrote is the file's text: shown escaped, into
             * buffers (no palloc here) */
            char shown[QLPG_NAME_MAX * 2], wrote[QLPG_NAME_MAX * 2];
            const char *tried =
                join_name(cand, sizeof cand, from_table, dirlen, name) ? name : cand;
            qlpg_shown_into(shown, sizeof shown, tried, strlen(tried), QLPG_NAME_MAX);
            qlpg_shown_into(wrote, sizeof wrote, name, strlen(name), QLPG_NAME_MAX);
            err->code = QL_ENAME;
            snprintf(err->message, sizeof err->message,
                     "no rule file '%s' in quotalevy.rule_files for extends '%s'",
                     shown, wrote);
        }
        return QL_ENAME;
    }
    if (s->nresolved < QL_MAX_EXTENDS_CHAIN && strlen(name) <= QLPG_NAME_MAX) {
        strcpy(s->resolved_from[s->nresolved], name);
        s->resolved_to[s->nresolved] = f->name;
        s->nresolved++;
    }
    *text = f->source;
    *len = f->len;
    return QL_OK;
}

static void set_error(ql_error *err, ql_status st, const char *field,
                      const char *fmt, const char *arg)
{
    ql_error_clear(err);
    err->code = st;
    if (field)
        snprintf(err->field, sizeof err->field, "%s", field);
    snprintf(err->message, sizeof err->message, fmt, arg);
}

/* The stored name nearest to `name` (nearmiss.h: case, separators,
 * look-alikes, two letters off — cn/jilni for cn/jilin — or the name
 * with its file's ending, cn/jilin.yaml), as the command suggests a rules
 * file; NULL when none is near. */
static const char *store_near(const store *s, const char *name)
{
    const char *best = NULL;
    int best_d = 0;
    size_t n = strlen(name), stem = n > 5 && !strcmp(name + n - 5, ".yaml") ? n - 5
                                    : n > 4 && !strcmp(name + n - 4, ".yml") ? n - 4
                                                                              : 0;
    if (n > 4 * QLPG_NAME_MAX) /* no stored name is near it */
        return NULL;
    for (int i = 0; stem && i < s->n; i++)
        if (strlen(s->files[i].name) == stem && !strncmp(s->files[i].name, name, stem))
            return s->files[i].name;
    for (int i = 0; i < s->n; i++) {
        int d = col_near_miss(name, s->files[i].name);
        if (d && (!best_d || d < best_d))
            best = s->files[i].name, best_d = d;
    }
    return best;
}

/* Compiles one file of a store already read. */
static ql_status compile_in(ql_ruleset **out, store *s, const char *name,
                            const ql_override *ovr, size_t n, ql_error *err)
{
    const store_file *top = store_find(s, name);
    if (!top) {
        const char *near = store_near(s, name);
        ql_error_clear(err);
        err->code = QL_ENAME;
        snprintf(err->message, sizeof err->message,
                 "no rule file '%s' in quotalevy.rule_files%s%s%s",
                 qlpg_shown(name, strlen(name), QLPG_NAME_MAX),
                 near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
        return QL_ENAME;
    }
    if (top->len > QLPG_SOURCE_MAX) {
        set_error(err, QL_ELIMIT, NULL, "rule file '%s' is larger than 16 MiB",
                  name);
        return QL_ELIMIT;
    }
    s->nresolved = 0;
    ql_load_options opts = QL_LOAD_OPTIONS_INIT;
    opts.buffer = top->source;
    opts.buffer_len = top->len;
    opts.overrides = ovr;
    opts.n_overrides = n;
    opts.extends_policy = QL_EXTENDS_CONFINED;
    opts.resolve = resolve;
    opts.resolve_payload = s;
    ql_status st = ql_ruleset_load_ext(out, name, &opts, err);
    /* a problem in a file reached through `extends` is named by what the
     * `extends` wrote ("national.yaml"): name it as the table does */
    for (int i = 0; st && err && i < s->nresolved; i++)
        if (!strcmp(err->file, s->resolved_from[i])) {
            snprintf(err->file, sizeof err->file, "%s", s->resolved_to[i]);
            break;
        }
    return st;
}

ql_status qlpg_compile_named(ql_ruleset **out, char **files, const char *name,
                             const ql_override *ovr, size_t n, ql_error *err)
{
    store s;
    store_read(&s, NULL, NULL, true);
    ql_status st = compile_in(out, &s, name, ovr, n, err);
    if (st || !files)
        return st;
    /* malloc, not palloc: the rule set is the library's now, and nothing
     * may raise before the caller holds it (without the list, errors name
     * files as `extends` wrote them) */
    size_t len = 1;
    for (int i = 0; i < s.nresolved; i++)
        len += strlen(s.resolved_from[i]) + strlen(s.resolved_to[i]) + 2;
    char *list = malloc(len), *p = list;
    if (list) {
        for (int i = 0; i < s.nresolved; i++) {
            p = stpcpy(p, s.resolved_from[i]) + 1;
            p = stpcpy(p, s.resolved_to[i]) + 1;
        }
        *p = '\0';
    }
    *files = list;
    return QL_OK;
}

const char *qlpg_file_name(const char *files, const char *file)
{
    for (const char *p = files; p && *p;) {
        const char *to = p + strlen(p) + 1;
        if (!strcmp(p, file))
            return to;
        p = to + strlen(to) + 1;
    }
    return file;
}

ql_status qlpg_compile(ql_ruleset **out, const char *name, const char *self_name,
                       const char *self_source, const ql_override *ovr, size_t n,
                       ql_error *err)
{
    store s;
    store_read(&s, self_name, self_source, self_name == NULL);
    return compile_in(out, &s, name, ovr, n, err);
}

/* ---------------------------------------------------------------- triggers */

/* Refuses a name the table's namespace cannot hold: "cn/jilin", not
 * "/etc/x", "../x", "a//b" or a name with blanks. */
static void check_name(const char *name)
{
    size_t n = strlen(name);
    bool ok = n > 0 && n <= QLPG_NAME_MAX && name[0] != '/' && name[n - 1] != '/';
    for (size_t i = 0; ok && i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
             (c == '/' && name[i + 1] != '/');
        if (c == '.' && (i == 0 || name[i - 1] == '/'))
            ok = false; /* no ".", "..", or hidden segments */
    }
    if (!ok)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_NAME),
                 qlpg_errmsg("invalid rule file name \"%s\"",
                        qlpg_shown(name, strlen(name), QLPG_NAME_MAX)),
                 qlpg_errdetail("A name is 1 to %d of A-Z a-z 0-9 _ - . in "
                           "segments separated by '/', such as cn/jilin.",
                           QLPG_NAME_MAX)));
}

/* Raises the load error of file `name` as a refusal. */
static void refuse(const char *name, ql_status st, const ql_error *err,
                   const char *why) pg_attribute_noreturn();
static void refuse(const char *name, ql_status st, const ql_error *err,
                   const char *why)
{
    char msg[QL_ERROR_FILE_MAX + QL_ERROR_MESSAGE_MAX + 64];
    ql_error_format(msg, sizeof msg, err);
    ereport(ERROR, (errcode(qlpg_sqlstate(st)), qlpg_errmsg("%s", msg),
                    qlpg_errdetail("rule file \"%s\" %s (status %s)", name, why,
                              ql_status_name(st))));
    pg_unreachable();
}

PG_FUNCTION_INFO_V1(qlpg_check_rule_file);
/* BEFORE INSERT OR UPDATE FOR EACH ROW: the row is compiled, as it would
 * be stored, before it is stored. */
Datum qlpg_check_rule_file(PG_FUNCTION_ARGS)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        elog(ERROR, "quotalevy: check_rule_file must be called as a trigger");
    TriggerData *td = (TriggerData *)fcinfo->context;
    HeapTuple row = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple
                                                          : td->tg_trigtuple;
    TupleDesc desc = td->tg_relation->rd_att;
    bool nn, ns;
    Datum nd = heap_getattr(row, SPI_fnumber(desc, "name"), desc, &nn);
    Datum sd = heap_getattr(row, SPI_fnumber(desc, "source"), desc, &ns);
    if (nn || ns)
        ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION),
                        qlpg_errmsg("a rule file needs a name and a source")));
    char *name = qlpg_in_cstr(TextDatumGetCString(nd)); /* UTF-8, as all text here */
    check_name(name);
    text *src = DatumGetTextPP(sd);
    size_t len = VARSIZE_ANY_EXHDR(src);
    if (len > QLPG_SOURCE_MAX)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        qlpg_errmsg("rule file \"%s\" is %zu bytes, more than the "
                               "16 MiB a rules file may have", name, len)));
    char *source = text_to_cstring(src);
    if (strlen(source) != len)
        ereport(ERROR, (errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
                        qlpg_errmsg("rule file \"%s\" contains a NUL byte", name)));
    source = qlpg_in_cstr(source);
    ql_ruleset *rs = NULL;
    ql_error err;
    ql_status st = qlpg_compile(&rs, name, name, source, NULL, 0, &err);
    ql_ruleset_free(rs);
    if (st)
        refuse(name, st, &err, "is refused and was not stored");
    return PointerGetDatum(row);
}

PG_FUNCTION_INFO_V1(qlpg_rule_files_changed);
/* AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE FOR EACH STATEMENT: every
 * stored file still compiles (the ones that extend a changed or deleted
 * file included), and every backend drops its compiled copies. */
Datum qlpg_rule_files_changed(PG_FUNCTION_ARGS)
{
    if (!CALLED_AS_TRIGGER(fcinfo))
        elog(ERROR, "quotalevy: rule_files_changed must be called as a trigger");
    TriggerData *td = (TriggerData *)fcinfo->context;
    if (!TRIGGER_FIRED_BY_TRUNCATE(td->tg_event)) {
        store s;
        store_read(&s, NULL, NULL, false);
        for (int i = 0; i < s.n; i++) {
            ql_ruleset *rs = NULL;
            ql_error err;
            ql_status st = compile_in(&rs, &s, s.files[i].name, NULL, 0, &err);
            ql_ruleset_free(rs);
            if (st)
                refuse(s.files[i].name, st, &err,
                       "would no longer compile after this change, which was "
                       "undone");
        }
    }
    CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
    return PointerGetDatum(NULL);
}
