/*
 * cache.c — compiled rule sets kept per backend.
 *
 * A statement over a million rows compiles its rule set once: the first
 * call compiles it (store.c) and keeps it here with a record and a result
 * that every later evaluation reuses, so no row parses YAML or allocates
 * in the library.  An entry is found by its key — the rule file's name and
 * the what-if overrides — and each call site remembers the slot it found
 * (fn_extra), so the next row of the same statement skips the lookup.
 *
 * Invalidation: store.c's statement trigger sends a relcache invalidation
 * for quotalevy.rule_files whenever the table changes; every backend
 * receives it at the writer's commit, and this file's callback bumps a
 * generation number.  Entries of an older generation are compiled again
 * when next asked for.  The callback frees nothing (it may run while a
 * call site still holds an entry), so memory is given back only here, at
 * a lookup, before the slot is refilled.
 *
 * Everything the cache owns is either in TopMemoryContext or malloc'd by
 * the library, and every slot's memory is assigned before the library
 * allocates, so an error between the two cannot leak.
 */
#include "pg_quotalevy.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    qlpg_entry e;
    char *key;         /* name, NUL, overrides joined by '\n' (TopMemoryContext) */
    size_t keylen;
    uint64 generation; /* cache generation it was compiled in */
    uint64 used;       /* for least-recently-used eviction */
} slot;

static slot slots[QLPG_CACHE_MAX];
static uint64 generation = 1, serials, clock_;
static Oid rule_files_oid = InvalidOid;

qlpg_call *qlpg_call_of(FunctionCallInfo fcinfo)
{
    FmgrInfo *fl = fcinfo->flinfo;
    if (!fl->fn_extra) {
        qlpg_call *c = MemoryContextAllocZero(fl->fn_mcxt, sizeof *c);
        c->slot = -1;
        fl->fn_extra = c;
    }
    return fl->fn_extra;
}

static void invalidate(Datum arg, Oid relid)
{
    (void)arg;
    if (relid == InvalidOid || relid == rule_files_oid)
        generation++;
}

void qlpg_cache_init(void)
{
    CacheRegisterRelcacheCallback(invalidate, (Datum)0);
}

static void slot_clear(slot *s)
{
    ql_result_free(s->e.res);
    ql_record_free(s->e.rec);
    ql_ruleset_free(s->e.rs);
    free(s->e.files);
    memset(&s->e, 0, sizeof s->e);
    s->generation = 0;
}

/* The key of (name, overrides) in the current memory context. */
static char *make_key(const char *name, size_t nlen, ArrayType *ovr, size_t *keylen)
{
    StringInfoData b;
    initStringInfo(&b);
    appendBinaryStringInfo(&b, name, (int)nlen);
    appendStringInfoChar(&b, '\0');
    if (ovr) {
        Datum *items;
        bool *nulls;
        int n;
        deconstruct_array(ovr, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &n);
        for (int i = 0; i < n; i++) {
            if (nulls[i])
                ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                                qlpg_errmsg("a what-if override is NULL")));
            text *t = DatumGetTextPP(items[i]);
            /* an empty one would make the key of no override at all (a
             * form field that came through empty): refused, as the
             * command refuses --override '' */
            if (VARSIZE_ANY_EXHDR(t) == 0)
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                qlpg_errmsg("a what-if override is PARAM=VALUE@YYYY-MM-DD, "
                                       "not \"\"")));
            if (memchr(VARDATA_ANY(t), '\n', VARSIZE_ANY_EXHDR(t)))
                ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                                qlpg_errmsg("a what-if override contains a line break")));
            if (i)
                appendStringInfoChar(&b, '\n');
            size_t len;
            const char *u = qlpg_in(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &len);
            appendBinaryStringInfo(&b, u, (int)len);
        }
    }
    *keylen = (size_t)b.len;
    return b.data;
}

/* Parses the key's overrides ("param=value@YYYY-MM-DD", as the command's
 * --override) into ovr[]; their strings point into `text` (modified). */
static size_t parse_overrides(char *text, ql_override *ovr)
{
    size_t n = 0;
    for (char *p = text, *item; p && *p;) {
        item = strsep(&p, "\n");
        char *eq = strchr(item, '='), *at = strrchr(item, '@');
        if (!eq || !at || at < eq || eq == item)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            qlpg_errmsg("a what-if override is PARAM=VALUE@YYYY-MM-DD, "
                                   "not \"%s\"", qlpg_shown(item, strlen(item), 200))));
        if (n == QLPG_OVERRIDES_MAX)
            ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                            qlpg_errmsg("more than %d what-if overrides", QLPG_OVERRIDES_MAX)));
        ql_error err;
        if (ql_date_parse(&ovr[n].from, at + 1, strlen(at + 1), &err))
            ereport(ERROR, (errcode(ERRCODE_INVALID_DATETIME_FORMAT),
                            qlpg_errmsg("what-if override \"%s\": the date after '@' "
                                   "must be YYYY-MM-DD",
                                   qlpg_shown(item, strlen(item), 200))));
        *eq = '\0';
        *at = '\0';
        ql_date from = ovr[n].from;
        ql_override init = QL_OVERRIDE_INIT; /* `shown` unset: the text is the user's */
        ovr[n] = init;
        ovr[n].from = from;
        ovr[n].param = item;
        ovr[n].value = eq + 1;
        n++;
    }
    return n;
}

static slot *find(const char *key, size_t keylen)
{
    for (int i = 0; i < QLPG_CACHE_MAX; i++)
        if (slots[i].e.rs && slots[i].generation == generation &&
            slots[i].keylen == keylen && !memcmp(slots[i].key, key, keylen))
            return &slots[i];
    return NULL;
}

/* Compiles the key's rule set into a free or the least recently used
 * slot. */
static slot *load(const char *key, size_t keylen)
{
    slot *s = NULL;
    for (int i = 0; i < QLPG_CACHE_MAX && !s; i++)
        if (!slots[i].e.rs || slots[i].generation != generation)
            s = &slots[i];
    if (!s) {
        s = &slots[0];
        for (int i = 1; i < QLPG_CACHE_MAX; i++)
            if (slots[i].used < s->used)
                s = &slots[i];
    }
    slot_clear(s);
    /* everything that can raise comes before the library allocates */
    if (s->key)
        pfree(s->key);
    s->key = MemoryContextAlloc(TopMemoryContext, keylen);
    memcpy(s->key, key, keylen);
    s->keylen = keylen;
    const char *name = key;
    char *ovtext = pstrdup(key + strlen(key) + 1);
    ql_override ovr[QLPG_OVERRIDES_MAX];
    size_t n = parse_overrides(ovtext, ovr);
    if (!OidIsValid(rule_files_oid))
        rule_files_oid = qlpg_rule_files_oid();

    ql_error err;
    ql_status st = qlpg_compile_named(&s->e.rs, &s->e.files, name, ovr, n, &err);
    if (!st)
        st = ql_record_new(&s->e.rec, s->e.rs, &err);
    if (!st)
        st = ql_result_new(&s->e.res, s->e.rs, &err);
    if (st) {
        slot_clear(s);
        qlpg_raise(st, &err, psprintf("rule set \"%s\"",
                                      qlpg_shown(name, strlen(name), QLPG_NAME_MAX)));
    }
    s->generation = generation;
    s->e.serial = ++serials;
    s->e.name = s->key; /* the key starts with the name, NUL-ended */
    return s;
}

qlpg_entry *qlpg_cache_get(FunctionCallInfo fcinfo, text *name, Datum overrides,
                           bool have_overrides)
{
    qlpg_call *m = qlpg_call_of(fcinfo);
    size_t nlen;
    /* the key is UTF-8, as all text inside the extension (encoding.c) */
    const char *nm = qlpg_in(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &nlen);
    if (memchr(nm, '\0', nlen))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        qlpg_errmsg("a rule set name contains a NUL byte")));
    /* the common case, a statement that names one rule set without
     * overrides, is decided without building the key */
    if (!have_overrides && m->slot >= 0 && m->keylen == nlen + 1 &&
        !memcmp(m->key, nm, nlen)) {
        slot *c = &slots[m->slot];
        if (c->e.serial == m->serial && c->generation == generation && c->e.rs) {
            c->used = ++clock_;
            return &c->e;
        }
    }
    ArrayType *ovr = have_overrides ? DatumGetArrayTypeP(overrides) : NULL;
    if (ovr && ARR_NDIM(ovr) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        qlpg_errmsg("what-if overrides are a one-dimensional text[]")));
    size_t keylen;
    char *key = make_key(nm, nlen, ovr, &keylen);
    slot *s = NULL;
    if (m->slot >= 0) {
        slot *c = &slots[m->slot];
        if (c->e.serial == m->serial && c->generation == generation && c->e.rs &&
            m->keylen == keylen && !memcmp(m->key, key, keylen))
            s = c;
    }
    if (!s)
        s = find(key, keylen);
    if (!s)
        s = load(key, keylen);
    s->used = ++clock_;
    if (m->slot != (int)(s - slots) || m->serial != s->e.serial ||
        m->keylen != keylen || memcmp(m->key, key, keylen)) {
        char *k = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, keylen);
        memcpy(k, key, keylen);
        if (m->key)
            pfree(m->key);
        m->key = k;
        m->keylen = keylen;
        m->slot = (int)(s - slots);
        m->serial = s->e.serial;
    }
    pfree(key);
    return &s->e;
}
