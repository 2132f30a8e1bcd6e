/*
 * sections.c — what every section of a rules file is read with: keys
 * checked against the keys a section allows, scalars, names, numbers,
 * dates and bools as a rules file writes them, `count:` lists and their
 * items, citations; and the `sources` section the citations name.  The
 * other sections have a file each: inputs.c, params.c (with what-if
 * overrides in overrides.c) and formulas.c.  Every error is located.
 */
#include "decimal.h"
#include "util.h"
#include "date.h"
#include "value.h"
#include "yamltree.h"
#include "ruleset.h"
#include "rules.h"
#include "unicode.h"
#include "snippet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------- helpers */

ql_status qli_rl_oom(loader *L)
{
    return qli_fail(L->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Refuses keys of map `m` that are not in the NULL-terminated `allowed`. */
ql_status qli_rl_keys(loader *L, const ynode *m, const char *what,
                            const char *const *allowed)
{
    for (size_t i = 0; i < m->n; i++) {
        const ynode *k = m->items[2 * i];
        int ok = 0;
        for (size_t j = 0; allowed[j] && !ok; j++)
            ok = strcmp(k->text, allowed[j]) == 0;
        if (!ok) {
            char list[400];
            size_t o = 0;
            for (size_t j = 0; allowed[j] && o < sizeof list - 40; j++)
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                                      j ? ", " : "", allowed[j]);
            qli_suggest sg;
            char hint[QL_MAX_NAME + 32];
            qli_suggest_init(&sg, k->text, k->len);
            for (size_t j = 0; allowed[j]; j++)
                qli_suggest_try(&sg, allowed[j]);
            return qli_yfail(L->err, QL_ESCHEMA, k,
                         "unknown key %s in %s%s (expected one of: %s)",
                         QLI_QUOTE_N(k->text, k->len), what, qli_suggest_text(&sg, hint, sizeof hint),
                         list);
        }
    }
    return QL_OK;
}

ql_status qli_rl_want(loader *L, const ynode *n, yn_kind kind, const char *what)
{
    static const char *kinds[] = {"a scalar", "a mapping", "a list"};
    if (n->kind != kind)
        return qli_yfail(L->err, QL_ESCHEMA, n, "%s must be %s, not %s", what,
                     kinds[kind], kinds[n->kind]);
    return QL_OK;
}

ql_status qli_rl_text_ok(loader *L, const ynode *n, const char *what)
{
    qli_uc_problem p;
    if (qli_uc_check(n->text, n->len, &p) == QLI_UC_OK)
        return QL_OK;
    /* short quotes: the message explains at length what to write */
    char why[200], shown[64], fold[QL_MAX_NAME * 4 + 8], folded[64];
    qli_uc_describe(&p, why, sizeof why);
    qli_snip(shown, sizeof shown, n->text, n->len, '\'', QLI_SNIP_MARKS);
    size_t k = p.kind == QLI_UC_BAD_UTF8 ? 0 : qli_uc_fold(n->text, n->len, fold, sizeof fold);
    if (k)
        qli_snip(folded, sizeof folded, fold, k, '\'', 0);
    return qli_yfail(L->err, QL_ESCHEMA, n,
                     "%s %s holds %s: text is compared byte for byte, so it "
                     "would not equal the same-looking text typed otherwise; "
                     "write it in Unicode normalization form C with no "
                     "invisible characters%s%s%s",
                     what, shown, why, k ? " (" : "", k ? folded : "", k ? ")" : "");
}

ql_status qli_rl_scalar(loader *L, const ynode *n, const char *what,
                        const char **out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st == QL_OK)
        *out = n->text;
    return st;
}

ql_status qli_rl_required(loader *L, const ynode *map, const char *key,
                                 const char *what, const char **out)
{
    const ynode *n = qli_ymap_get(map, key);
    if (!n)
        return qli_yfail(L->err, QL_ESCHEMA, map, "%s needs '%s'", what, key);
    ql_status st = qli_rl_scalar(L, n, key, out);
    if (st == QL_OK && !**out)
        return qli_yfail(L->err, QL_ESCHEMA, n, "'%s' of %s is empty", key, what);
    return st;
}

ql_status qli_rl_optional(loader *L, const ynode *map, const char *key,
                                 const char **out)
{
    const ynode *n = qli_ymap_get(map, key);
    *out = NULL;
    return n ? qli_rl_scalar(L, n, key, out) : QL_OK;
}

ql_status qli_rl_keep_going(loader *L, ql_status st)
{
    return qli_diag_note(L->diag, L->err, st) ? QL_OK : st;
}

int qli_rl_failed_definition(const loader *L, int sec, const char *name,
                             size_t len)
{
    if (!L->diag)
        return 0;
    const section *s = &L->sec[sec];
    for (size_t i = 0; i < s->n; i++) {
        const char *k = s->items[i].name;
        if (k && strlen(k) == len && !memcmp(k, name, len))
            return 1;
    }
    return 0;
}

int qli_rl_valid_name(const char *s)
{
    static const char *reserved[] = {"and", "or", "not", "in", "true", "false"};
    size_t n = strlen(s);
    if (n == 0 || n > QL_MAX_NAME)
        return 0;
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
          s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (!strcmp(s, reserved[i]))
            return 0;
    return 1;
}

ql_status qli_rl_int_key(loader *L, const ynode *map, const char *key, int lo,
                     int hi, int *out, const ynode **node)
{
    const ynode *n = map->kind == YN_MAP ? qli_ymap_get(map, key) : NULL;
    if (node)
        *node = n;
    if (!n)
        return QL_OK;
    ql_status st = qli_rl_want(L, n, YN_SCALAR, key);
    if (st)
        return st;
    long v = 0;
    size_t i = 0;
    for (; i < n->len && n->text[i] >= '0' && n->text[i] <= '9' && v <= hi; i++)
        v = v * 10 + (n->text[i] - '0');
    if (i == 0 || i != n->len || v < lo || v > hi)
        return qli_yfail(L->err, QL_ESCHEMA, n,
                     "'%s' must be a whole number from %d to %d, found %s",
                     key, lo, hi, QLI_QUOTE_N(n->text, n->len));
    *out = (int)v;
    return QL_OK;
}

/* A number as written in a rules file: "0.015", "-3", "1.6%"; its
 * trailing zeros after the point dropped. */
int qli_rl_number_text(const ynode *n, qd *out)
{
    size_t len = n->len;
    int percent = len > 0 && n->text[len - 1] == '%';
    int q = qli_qd_parse(out, n->text, percent ? len - 1 : len);
    if (!q && percent && qli_qd_percent(out, out))
        return -1;
    if (!q) /* 1.70% is 1.7%: the value's places, never how it was
             * written, set the places of what is computed from it (P2-14) */
        qli_qd_trim(out);
    return q;
}

ql_status qli_rl_number_value(loader *L, const ynode *n, const char *what,
                              qd *out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    int q = qli_rl_number_text(n, out);
    if (q < 0)
        return qli_yfail(L->err, QL_ERANGE, n,
                         "%s: %s is too long for a percentage: at most "
                         QL_STR(QD_PERCENT_SCALE) " digits after the point "
                         "before the '%%' (" QL_STR(QD_MAX_SCALE)
                         " once divided by 100)",
                         what, QLI_QUOTE_N(n->text, n->len));
    char twin[160];
    if (q == QD_SYNTAX &&
        qli_uc_number_lookalike(n->text, n->len, 1, twin, sizeof twin))
        return qli_yfail(L->err, QL_ESCHEMA, n,
                         "%s: %s is not a number: it has %s", what,
                         QLI_QUOTE_N(n->text, n->len), twin);
    /* 1e400 and 0e-400 (1e-400% too): too long written out */
    size_t tl = n->len - (n->len && n->text[n->len - 1] == '%');
    long before, after;
    int too_long = q == QD_TOOLONG ||
                   (q == QD_SYNTAX &&
                    qli_qd_exponent_too_long(n->text, tl, &before, &after));
    char why[256];
    if (q)
        return qli_yfail(L->err, too_long ? QL_ERANGE : QL_ESCHEMA, n,
                         "%s: %s is not a number: %s", what,
                         QLI_QUOTE_N(n->text, n->len),
                         qli_qd_text_message(q, n->text, tl, why, sizeof why));
    return QL_OK;
}

ql_status qli_rl_date_value(loader *L, const ynode *n, const char *what,
                            ql_date *out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    int r = qli_date_parse_text(n->text, n->len, out);
    if (r)
        return qli_yfail(L->err, QL_ESCHEMA, n, "%s: %s is not %s", what,
                     QLI_QUOTE_N(n->text, n->len),
                     r == -1 ? "a date (expected YYYY-MM-DD)"
                             : "a real calendar date");
    return QL_OK;
}

ql_status qli_rl_until_before_from(loader *L, const ynode *u, const char *what,
                                   ql_date from, ql_date until)
{
    char f[16], t[16];
    ql_date_format(f, sizeof f, from);
    ql_date_format(t, sizeof t, until);
    return qli_yfail(L->err, QL_ESCHEMA, u,
                     "%s: 'until: %s' is before 'from: %s': the last day it "
                     "holds cannot come before the first",
                     what, t, f);
}

ql_status qli_rl_bool_value(loader *L, const ynode *n, const char *what,
                            int *out)
{
    ql_status st = qli_rl_want(L, n, YN_SCALAR, what);
    if (st)
        return st;
    if (!strcmp(n->text, "true"))
        *out = 1;
    else if (!strcmp(n->text, "false"))
        *out = 0;
    else
        return qli_yfail(L->err, QL_ESCHEMA, n,
                     "%s: expected true or false, found %s", what,
                     QLI_QUOTE_N(n->text, n->len));
    return QL_OK;
}

/* `count: N` makes an entry a list of N items, name[1] … name[N]; *n is
 * 0 when the key is absent. */
ql_status qli_rl_list_count(loader *L, const ynode *map, const char *what,
                            int *n)
{
    *n = 0;
    const ynode *c = map->kind == YN_MAP ? qli_ymap_get(map, "count") : NULL;
    if (!c)
        return QL_OK;
    ql_status st = qli_rl_want(L, c, YN_SCALAR, "'count'");
    if (st)
        return st;
    long v = 0;
    size_t i = 0;
    for (; i < c->len && c->text[i] >= '0' && c->text[i] <= '9' && v <= QL_MAX_LIST; i++)
        v = v * 10 + (c->text[i] - '0');
    if (i == 0 || i != c->len || v < 1 || v > QL_MAX_LIST)
        return qli_yfail(L->err, QL_ESCHEMA, c,
                     "%s: 'count' must be a whole number from 1 to %d, "
                     "found %s",
                     what, QL_MAX_LIST, QLI_QUOTE_N(c->text, c->len));
    *n = (int)v;
    return QL_OK;
}

/* The definitions a section will hold, in *total: its entries, lists
 * counted item by item (a bad count counts one; its entry fails later).
 * More than QL_MAX_ITEMS is an error at the entry that goes past it:
 * a few lines of YAML must not make millions of definitions. */
ql_status qli_rl_section_items(loader *L, const section *s, const char *what,
                           size_t *total)
{
    *total = 0;
    for (size_t i = 0; i < s->n; i++) {
        const ynode *v = s->items[i].val;
        const ynode *c = v->kind == YN_MAP ? qli_ymap_get(v, "count") : NULL;
        long n = 1;
        if (c && c->kind == YN_SCALAR) {
            char *end;
            n = strtol(c->text, &end, 10);
            if (*end || n < 1 || n > QL_MAX_LIST)
                n = 1;
        }
        *total += (size_t)n;
        if (*total > QL_MAX_ITEMS) {
            /* the section cannot be built: said once, also when
             * diagnosing, and the load stops */
            ql_status st = qli_yfail(L->err, QL_ELIMIT, c ? c : s->items[i].key,
                                 "more than %d %s, lists counted item by item",
                                 QL_MAX_ITEMS, what);
            qli_diag_note(L->diag, L->err, st);
            return st;
        }
    }
    return QL_OK;
}

/* The name of item k of list `name`: "name[k]". */
const char *qli_rl_item_name(loader *L, const char *name, int k)
{
    return qli_ar_printf(L->ar, "%s[%d]", name, k);
}

static const char *source_id(const void *rs, size_t i)
{
    return ((const ql_ruleset *)rs)->sources[i].id;
}

/* The citation's first word must name a declared source. */
ql_status qli_rl_citation(loader *L, const ynode *map, const char *what,
                          int required, const char **out)
{
    const ynode *n = qli_ymap_get(map, "source");
    *out = NULL;
    if (!n) {
        if (required)
            return qli_yfail(L->err, QL_ESCHEMA, map,
                         "%s needs a 'source' citation (a source id and "
                         "article, e.g. \"law-2007 art. 8\")",
                         what);
        return QL_OK;
    }
    ql_status st = qli_rl_scalar(L, n, "source", out);
    if (st)
        return st;
    size_t w = strcspn(*out, " \t");
    if (qli_names_find(&L->source_ids, *out, w, source_id, L->rs) >= 0 ||
        qli_rl_failed_definition(L, SEC_SOURCES, *out, w))
        return QL_OK;
    qli_suggest sg;
    char hint[QL_MAX_NAME + 32];
    qli_suggest_init(&sg, *out, w);
    for (size_t i = 0; i < L->rs->n_sources; i++)
        qli_suggest_try(&sg, L->rs->sources[i].id);
    return qli_yfail(L->err, QL_ENAME, n,
                 "%s cites %s, which is not declared under 'sources'%s",
                 what, QLI_QUOTE_N(*out, w), qli_suggest_text(&sg, hint, sizeof hint));
}

/* ------------------------------------------------------- definitions */

static ql_status source_entry(loader *L, const entry *ent, source_def *d)
{

    static const char *const keys[] = {"title", "document", "date", "url",
                                       "note", NULL};
    const ynode *v = ent->val;
    ql_status st;
    const char *what = qli_ar_printf(L->ar, "source '%s'", ent->name);
    if (!what)
        return qli_rl_oom(L);
    if ((st = qli_rl_want(L, v, YN_MAP, what)) ||
        (st = qli_rl_keys(L, v, what, keys)) ||
        (st = qli_rl_required(L, v, "title", what, &d->title)) ||
        (st = qli_rl_optional(L, v, "document", &d->document)) ||
        (st = qli_rl_optional(L, v, "date", &d->date)) ||
        (st = qli_rl_optional(L, v, "url", &d->url)))
        return st;
    /* a citation's date is what a user finds it by: a real day, as a
     * parameter's `from` is (P13-08: 2023-12-32 loaded) */
    ql_date day;
    char dwhat[QL_MAX_NAME + 32];
    const ynode *dn = d->date ? qli_ymap_get(v, "date") : NULL;
    snprintf(dwhat, sizeof dwhat, "source '%s' date", ent->name);
    if (dn && (st = qli_rl_date_value(L, dn, dwhat, &day)))
        return st;
    d->id = ent->name;
    return QL_OK;
}

ql_status qli_rl_build_sources(loader *L)
{
    section *s = &L->sec[SEC_SOURCES];
    ql_ruleset *rs = L->rs;
    rs->sources = qli_ar_alloc(L->ar, (s->n + 1) * sizeof *rs->sources);
    if (!rs->sources)
        return qli_rl_oom(L);
    for (size_t i = 0; i < s->n; i++) {
        source_def *d = &rs->sources[rs->n_sources];
        ql_status st = source_entry(L, &s->items[i], d);
        if (st == QL_OK)
            rs->n_sources++;
        else if ((st = qli_rl_keep_going(L, st)))
            return st;
        else
            memset(d, 0, sizeof *d);
    }
    if (qli_names_init(&L->source_ids, rs->n_sources, NULL))
        return qli_rl_oom(L);
    for (size_t i = 0; i < rs->n_sources; i++)
        if (qli_names_add(&L->source_ids, i, rs->sources[i].id,
                          strlen(rs->sources[i].id)))
            return qli_rl_oom(L);
    return QL_OK;
}
