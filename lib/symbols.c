/*
 * symbols.c — the compiler's name table: every input, parameter, computed
 * value and check once, by name (a name defined twice is an error, and
 * `date` is reserved), and the parameters' scales; and the located
 * errors every pass of the compiler reports through (qli_cc_fail_at).
 */
#include "compile.h"
#include "ruleset.h"
#include "snippet.h"
#include "util.h"
#include "value.h"
#include "yamltree.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

ql_status qli_cc_fail_at(cc *c, size_t pos, ql_status code, const char *fmt,
                         ...)
{
    int line = 0, col = 0;
    if (c->node)
        qli_ynode_locate(c->node, pos, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    qli_vfail(c->err, code, c->node ? c->node->doc->file : NULL, line, col,
              c->what, fmt, ap);
    va_end(ap);
    return code;
}

static size_t hash_name(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

const sym *qli_cc_lookup(cc *c, const char *name, size_t len)
{
    size_t i = hash_name(name, len) & (c->hcap - 1);
    while (c->hash[i]) {
        const sym *s = &c->syms[c->hash[i] - 1];
        if (strlen(s->name) == len && memcmp(s->name, name, len) == 0)
            return s;
        i = (i + 1) & (c->hcap - 1);
    }
    return NULL;
}

const char *qli_cc_kind_word(enum sym_kind k)
{
    static const char *w[] = {"input", "parameter", "computed value", "check"};
    return w[k];
}

static ql_status add_sym(cc *c, const char *name, enum sym_kind kind, int index,
                         const ynode *key)
{
    size_t len = strlen(name);
    const sym *old = qli_cc_lookup(c, name, len);
    if (old)
        return qli_yfail(
            c->err, QL_ENAME, key, "'%s' is already defined as %s %s (%s:%d)",
            name, old->kind == S_INPUT ? "an" : "a",
            qli_cc_kind_word(old->kind), old->key ? old->key->doc->file : "?",
            old->key ? old->key->line : 0);
    if (strcmp(name, "date") == 0)
        return qli_yfail(c->err, QL_ENAME, key,
                         "'date' is reserved: it names the evaluation date");
    sym *s = &c->syms[c->nsyms];
    s->name = name;
    s->kind = kind;
    s->index = index;
    s->key = key;
    size_t i = hash_name(name, len) & (c->hcap - 1);
    while (c->hash[i])
        i = (i + 1) & (c->hcap - 1);
    c->hash[i] = ++c->nsyms;
    return QL_OK;
}

/* A parameter's scale: the most places of any of its values (of any
 * bracket's value, for a table), what-if overrides included. */
static void param_scales(ql_ruleset *rs)
{
    for (size_t i = 0; i < rs->n_params; i++) {
        param_def *p = &rs->params[i];
        int sc = 0;
        for (size_t k = 0; k < p->nvalues; k++) {
            const param_value *pv = &p->values[k];
            if (p->type.kind == VK_NUMBER)
                sc = max_int(sc, pv->v.num.scale);
            for (size_t r = 0; p->type.kind == VK_TABLE && r < pv->nrows; r++)
                sc = max_int(sc, pv->rows[r].value.scale);
        }
        p->type.scale = (uint8_t)sc;
    }
}

ql_status qli_cc_build_symbols(cc *c)
{
    ql_ruleset *rs = c->rs;
    size_t total = rs->n_inputs + rs->n_params + rs->n_computed + rs->n_checks;
    c->syms = calloc(total + 1, sizeof *c->syms);
    c->hcap = 16;
    while (c->hcap < 2 * (total + 1))
        c->hcap *= 2;
    c->hash = calloc(c->hcap, sizeof *c->hash);
    c->read = calloc(total + 1, 1);
    if (!c->syms || !c->hash || !c->read)
        return qli_fail(c->err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    /* In diagnose mode a duplicate is noted and skipped: references
     * resolve to the first definition. */
    ql_status st = QL_OK;
#define ADD(name, kind, i, key)                                                \
    if ((st = add_sym(c, name, kind, (int)(i), key)) &&                        \
        !qli_diag_note(c->diag, c->err, st))                                   \
        return st;
    for (size_t i = 0; i < rs->n_inputs; i++)
        ADD(rs->inputs[i].name, S_INPUT, i, rs->inputs[i].key)
    for (size_t i = 0; i < rs->n_params; i++)
        ADD(rs->params[i].name, S_PARAM, i, rs->params[i].key)
    for (size_t i = 0; i < rs->n_computed; i++)
        ADD(rs->computed[i].name, S_COMPUTED, i, rs->computed[i].key)
    for (size_t i = 0; i < rs->n_checks; i++)
        ADD(rs->checks[i].name, S_CHECK, i, rs->checks[i].key)
#undef ADD
    param_scales(rs);
    return QL_OK;
}

static const char *kind_phrase(vkind k)
{
    switch (k) {
    case VK_NUMBER: return "a number";
    case VK_BOOL: return "true or false";
    case VK_DATE: return "a date";
    case VK_TABLE: return "a bracket table";
    default: return "text";
    }
}

ql_status qli_cc_param_kinds(cc *c)
{
    ql_status st = QL_OK;
    if (c->diag && c->diag->total)
        return QL_OK; /* a formula that needed the type has said it */
    for (size_t i = 0; i < c->rs->n_params; i++) {
        const param_def *p = &c->rs->params[i];
        if (!p->clash)
            continue;
        const char *v = p->clash->kind == YN_SCALAR
                            ? QLI_QUOTE_N(p->clash->text, p->clash->len)
                            : "'…'";
        st = qli_yfail(c->err, QL_ETYPE, p->clash,
                       "parameter '%s': %s is not %s, as its value in "
                       "%s:%d is and the formulas there may read it (a file "
                       "that redefines a parameter keeps its type)",
                       p->name, v, kind_phrase(p->was_kind), p->was->doc->file,
                       p->was->line);
        if (!qli_diag_note(c->diag, c->err, st))
            return st;
    }
    return st;
}

/* Name comparisons spent at most on the near-miss search: a rule set of
 * tens of thousands of definitions in two files is not searched. */
#define NEAR_MISS_BUDGET 4000000u

static int is_output(const ql_ruleset *rs, const sym *s)
{
    for (size_t i = 0; i < rs->n_outputs; i++) {
        const output_def *o = &rs->outputs[i];
        enum sym_kind k = o->kind == OUT_INPUT      ? S_INPUT
                          : o->kind == OUT_COMPUTED ? S_COMPUTED
                                                    : S_CHECK;
        if (k == s->kind && o->index == s->index)
            return 1;
    }
    return 0;
}

/* Whether the file that defines s names it in its own `outputs:` (a
 * middle file of a chain reports it; the file over it chose another
 * list). */
static int own_output(const ql_ruleset *rs, const sym *s)
{
    size_t n = strlen(s->name);
    for (int f = 0; f < rs->n_all_outputs; f++) {
        const ynode *o = rs->all_outputs[f];
        if (o->doc != s->key->doc || o->kind != YN_SEQ)
            continue;
        for (size_t i = 0; i < o->n; i++) {
            const ynode *it = o->items[i];
            if (it->kind == YN_SCALAR && !strncmp(it->text, s->name, n) &&
                (it->text[n] == '\0' || it->text[n] == '['))
                return 1;
        }
    }
    return 0;
}

/* A definition of a file that extends another that no formula of any
 * file, no check and no output reads.  In the top file it is refused
 * (with the name it nearly is, if any); in a file in the middle of the
 * chain only when it nearly is a name another file defines (P2-03: A
 * extends B extends national, and B's misspelt `ratoi:` left national's
 * ratio in force), since what read it there may be gone by a `remove:`
 * over it (jilin-pool removes the checks of jilin's
 * agency_post_threshold).  The file that extends none defines its own
 * names for itself. */
ql_status qli_cc_unread_near_misses(cc *c)
{
    ql_ruleset *rs = c->rs;
    if (!rs->root_doc || (c->diag && c->diag->total))
        return QL_OK; /* errors already said */
    size_t budget = NEAR_MISS_BUDGET;
    ql_status st = QL_OK;
    for (size_t i = 0; i < c->nsyms; i++) {
        const sym *s = &c->syms[i];
        if (c->read[i] || !s->key || s->key->doc == rs->root_doc ||
            is_output(rs, s) || own_output(rs, s))
            continue;
        qli_suggest sg;
        qli_suggest_init(&sg, s->name, strlen(s->name));
        const sym *near = NULL;
        for (size_t j = 0; j < c->nsyms && budget; j++, budget--) {
            const sym *t = &c->syms[j];
            if (t->kind != s->kind || !t->key || t->key->doc == s->key->doc)
                continue;
            const char *was = sg.best;
            qli_suggest_try(&sg, t->name);
            if (sg.best != was)
                near = t;
        }
        const char *kind = qli_cc_kind_word(s->kind);
        if (near)
            st = qli_yfail(c->err, QL_ENAME, s->key,
                           "%s '%s' is read by no formula, check or output, "
                           "and %s:%d defines %s '%s': to redefine that one, "
                           "give its name exactly",
                           kind, s->name, near->key->doc->file, near->key->line,
                           kind, near->name);
        else if (s->kind != S_INPUT && s->key->doc == rs->top_doc)
            st = qli_yfail(c->err, QL_ENAME, s->key,
                           "%s '%s' is read by no formula, check or output: "
                           "a file that extends another changes nothing by "
                           "it (name it in a formula or in 'outputs', or "
                           "redefine an inherited one by its exact name)",
                           kind, s->name);
        else
            continue; /* an input no formula reads is a column kept; a
                         middle file's may have lost its readers */
        if (!qli_diag_note(c->diag, c->err, st))
            return st;
    }
    return st;
}
