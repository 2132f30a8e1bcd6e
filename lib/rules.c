/*
 * rules.c — the rules-file loader's entry points (ql_ruleset_load_ext and
 * the wrappers before it): a file or a buffer read (readfile.c), its
 * sections merged along `extends` (extends.c), each section built into
 * the rule set's tables (sections.c, inputs.c, params.c, formulas.c),
 * what-if overrides applied (overrides.c), the currency fixed, and the
 * definitions handed to compile.c, which checks and compiles the
 * expressions.  A rules file is a mapping of named sections
 * (docs/rules-language.md).
 */
#include "date.h"
#include "util.h"
#include "yamltree.h"
#include "ruleset.h"
#include "rules.h"
#include "scale.h"
#include "snippet.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char hint[64];
    if (minor < 0)
        return qli_yfail(L->err, QL_ESCHEMA, c,
                     "unknown currency %s%s (an ISO 4217 code such as "
                     "CNY, EUR, JPY, USD; docs/rules-language.md lists those "
                     "known)",
                     QLI_QUOTE_N(c->text, c->len), qli_sc_currency_suggest(c->text, hint, sizeof hint));
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
    /* a buffer named without a folder ("inline.yaml", "<memory>") is
     * beside no file */
    L.no_folder = o->buffer && !base_dir[0];
    ql_status st = QL_OK;
    char top[PATH_MAX];
    if (realpath(base_dir[0] ? base_dir : ".", top)) {
        size_t n = strlen(top);
        L.confine = qli_ar_printf(&rs->arena, "%s%s", top,
                                  n && top[n - 1] == '/' ? "" : "/");
        if (!L.confine)
            st = qli_rl_oom(&L);
    }
    L.opts = o;
    ydoc *d = st ? NULL : qli_ar_alloc(L.ar, sizeof *d);
    if (st == QL_OK &&
        (!d || !(d->file = qli_ar_strndup(L.ar, doc->file, strlen(doc->file))) ||
         !(d->text = qli_ar_strndup(L.ar, doc->text, doc->len))))
        st = qli_rl_oom(&L);
    if (st == QL_OK) {
        d->len = doc->len;
        char canon[PATH_MAX];
        if (realpath(d->file, canon)) {
            L.chain[L.depth++] = qli_ar_strndup(L.ar, canon, strlen(canon));
            L.read[L.nread++] = L.chain[0];
            if (!L.chain[0])
                st = qli_rl_oom(&L);
        }
        if (st == QL_OK)
            st = qli_rl_load_doc(&L, d, base_dir);
    }
    if (st == QL_OK)
        qli_rl_drop_removed(&L);
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
        rs->top_doc = d;
        rs->root_doc = L.root_doc;
        rs->all_outputs = L.all_outputs;
        rs->n_all_outputs = L.n_all_outputs;
        rs->removed = L.removed;
        rs->n_removed = L.n_removed;
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
        rs->all_outputs = NULL; /* the loader's, gone after it */
        rs->n_all_outputs = 0;
        rs->removed = NULL;
        rs->n_removed = 0;
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
        /* its `extends` are beside the file itself, and confined to its
         * folder, also when the name it was loaded by is a link */
        char *dir = o->buffer ? dir_of(&scratch, path)
                              : qli_rl_extends_dir(&scratch, path);
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

/* Version 1 of ql_override, as a program built against it lays out its
 * arrays: the members version 2 begins with, without `shown`. */
typedef struct override_v1 {
    unsigned int version;
    const char *param;
    const char *value;
    ql_date from;
} override_v1;

/* Version 2: version 1 and `shown`, without `flags`. */
typedef struct override_v2 {
    unsigned int version;
    const char *param;
    const char *value;
    ql_date from;
    const char *shown;
} override_v2;

/* The size of one element of a version's array. */
static size_t override_size(unsigned version)
{
    return version == 1   ? sizeof(override_v1)
           : version == 2 ? sizeof(override_v2)
                          : sizeof(ql_override);
}

ql_status ql_override_init(ql_override *o, unsigned int version)
{
    if (!o || version == 0 || version > QL_OVERRIDE_VERSION)
        return QL_EINVAL;
    /* only the caller's version's layout: a version 1 struct has no
     * `shown`, and memory past it is not the library's (P14-02) */
    memset(o, 0, override_size(version));
    o->version = version;
    return QL_OK;
}

/* The caller's overrides copied into this version's layout (*out,
 * malloc'd; NULL for none): an array's stride is its first element's
 * version's, and every element must carry that version.  Checks their
 * fields, and refuses two of one parameter from one day. */
static ql_status overrides_read(const ql_load_options *o, ql_override **out,
                                ql_error *err)
{
    *out = NULL;
    size_t n = o->n_overrides;
    if (!n)
        return QL_OK;
    unsigned v = o->overrides[0].version; /* first in every layout */
    size_t stride = override_size(v);
    ql_override *ovr = calloc(n, sizeof *ovr);
    if (!ovr)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *at = (const char *)o->overrides + i * stride;
        const override_v1 *e = (const override_v1 *)at;
        if (e->version != v || v == 0 || v > QL_OVERRIDE_VERSION) {
            free(ovr);
            return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                            "override %zu: ql_override version %u is not "
                            "one this library knows (1 to %d) or not the "
                            "first element's: set it up with QL_OVERRIDE_INIT",
                            i, e->version, QL_OVERRIDE_VERSION);
        }
        ovr[i].version = QL_OVERRIDE_VERSION;
        ovr[i].param = e->param;
        ovr[i].value = e->value;
        ovr[i].from = e->from;
        ovr[i].shown = v >= 2 ? ((const override_v2 *)at)->shown : NULL;
        ovr[i].flags = v >= 3 ? ((const ql_override *)at)->flags : 0;
        if (!ovr[i].param || !ovr[i].value) {
            free(ovr);
            return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                            "override %zu: NULL name or value", i);
        }
        if (ovr[i].flags & ~QL_OVERRIDE_NUMBER) {
            ql_status st = qli_fail(err, QL_EINVAL, NULL, 0, 0,
                                    "override %zu of %s: flags 0x%X are not "
                                    "ones this library knows (QL_OVERRIDE_NUMBER)",
                                    i, QLI_QUOTE(ovr[i].param), ovr[i].flags);
            free(ovr);
            return st;
        }
        if (!qli_date_in_range(ovr[i].from)) {
            ql_status st = qli_fail(err, QL_EINVAL, NULL, 0, 0,
                                    "override %zu of %s: its 'from' day "
                                    "%ld is not a date of the years 1 to 9999",
                                    i, QLI_QUOTE(ovr[i].param), (long)ovr[i].from);
            free(ovr);
            return st;
        }
        /* two values of one parameter from one day: neither can hold */
        for (size_t j = 0; j < i; j++)
            if (ovr[j].from == ovr[i].from &&
                !strcmp(ovr[j].param, ovr[i].param)) {
                char day[16], a[QLI_OVERRIDE_GIVEN_MAX],
                    b[QLI_OVERRIDE_GIVEN_MAX];
                ql_date_format(day, sizeof day, ovr[i].from);
                qli_fail(err, QL_EINVAL, NULL, 0, 0,
                         "two overrides of parameter %s from %s (%s and %s): give "
                         "one value a day",
                         QLI_QUOTE_SHORT(ovr[i].param), day,
                         qli_override_given(&ovr[j], a, sizeof a),
                         qli_override_given(&ovr[i], b, sizeof b));
                qli_error_set_field(err, ovr[i].param);
                free(ovr);
                return QL_EINVAL;
            }
    }
    *out = ovr;
    return QL_OK;
}

static ql_status load_options_checked(ql_ruleset **out, const char *source,
                                      const ql_load_options *o, ql_error *err);

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
    ql_override *ovr = NULL; /* the caller's, in this version's layout */
    ql_status ost = overrides_read(o, &ovr, err);
    if (ost)
        return ost;
    ql_load_options with = *o;
    with.overrides = ovr;
    ost = load_options_checked(out, source, &with, err);
    free(ovr);
    return ost;
}

static ql_status load_options_checked(ql_ruleset **out, const char *source,
                                      const ql_load_options *o, ql_error *err)
{
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
