/*
 * record.c — one organisation's input values, laid out for one rule set.
 *
 * Values are checked as they are set, against the field's declared type
 * and constraints, so a bad value is reported with its field's name before
 * evaluation starts.  Setting a field allocates only when a string value
 * outgrows the field's buffer; refilling a record row after row is free.
 *
 * Every setter writes a field twice: its exact value (qval, what eval.c
 * reads) and the same value in 64 bits (fval, what the fast path copies).
 * A number read from text of up to 18 digits is parsed straight into
 * both, its constraints checked in 64 bits (number_fast); anything else
 * — more digits, another type, a bad or doubtful value — takes the exact
 * way (set_text_exact), which alone writes messages, so they are the
 * same whichever way a text would have gone.
 */
#include "decimal.h"
#include "util.h"
#include "date.h"
#include "value.h"
#include "unicode.h"
#include "utf8.h"
#include "ruleset.h"
#include "eval.h"
#include "block.h"
#include "plain_number.h"
#include "record_num.h"
#include "snippet.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint8_t bound_of(int has, int excl, const qd *b, int64_t *c, int32_t *s)
{
    if (!has)
        return BOUND_NONE;
    if (b->coef > INT64_MAX || b->coef < INT64_MIN || b->scale > 18)
        return BOUND_WIDE;
    *c = (int64_t)b->coef;
    *s = b->scale;
    if (*c == 0 && !excl)
        return BOUND_NONNEG; /* `min: 0`, most bounds: the sign decides */
    return excl ? BOUND_EXCL : BOUND_IN;
}

static void plan_field(struct rec_field *f, const input_def *d)
{
    memset(f, 0, sizeof *f);
    f->kind = (uint8_t)d->type.kind;
    f->integer = d->integer != 0;
    /* a text of at most 18 digits has no more places than 18, so a field
     * of more places is one of 18 here */
    f->scale = (int8_t)(d->scale < 0 ? -1 : d->scale > 18 ? 18 : d->scale);
    f->lo = bound_of(d->has_min, d->min_excl, &d->min, &f->lo_c, &f->lo_s);
    f->hi = bound_of(d->has_max, d->max_excl, &d->max, &f->hi_c, &f->hi_s);
}

ql_status ql_record_new(ql_record **out, const ql_ruleset *rs, ql_error *err)
{
    if (!out || !rs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    *out = NULL;
    size_t n = rs->n_inputs ? rs->n_inputs : 1;
    /* one block: the struct and what the fast path reads first
     * (qli_record_hot_bytes), then the exact values and the setters' */
    qli_block b = {sizeof(ql_record), 0};
    size_t v64 = qli_block_part(&b, n, sizeof(fval), _Alignof(fval));
    size_t present = qli_block_part(&b, QLI_REC_PADDED(n), 1, 1);
    size_t wide = qli_block_part(&b, QLI_REC_PADDED(n), 1, 1);
    size_t vals = qli_block_part(&b, n, sizeof(qval), _Alignof(qval));
    size_t sbuf = qli_block_part(&b, n, sizeof(char *), _Alignof(char *));
    size_t scap = qli_block_part(&b, n, sizeof(size_t), _Alignof(size_t));
    size_t fplan = qli_block_part(&b, n, sizeof(struct rec_field),
                                  _Alignof(struct rec_field));
    ql_record *r = qli_block_alloc(&b);
    if (!r)
        return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
    r->rs = rs;
    r->n = rs->n_inputs;
    r->v64 = QLI_PART(r, v64);
    r->present = QLI_PART(r, present);
    r->wide = QLI_PART(r, wide);
    r->vals = QLI_PART(r, vals);
    r->sbuf = QLI_PART(r, sbuf);
    r->scap = QLI_PART(r, scap);
    r->fplan = QLI_PART(r, fplan);
    for (size_t i = 0; i < rs->n_inputs; i++)
        plan_field(&r->fplan[i], &rs->inputs[i]);
    *out = r;
    return QL_OK;
}

void ql_record_free(ql_record *rec)
{
    if (!rec)
        return;
    for (size_t i = 0; i < rec->n; i++)
        free(rec->sbuf[i]);
    free(rec);
}

void ql_record_clear(ql_record *rec)
{
    if (rec)
        memset(rec->present, 0, rec->rs->n_inputs);
}

/* Field i holds number v (its 64-bit copy too). */
static inline void put_number(ql_record *rec, size_t i, const qd *v)
{
    int wide = v->coef > INT64_MAX || v->coef < INT64_MIN;
    rec->vals[i].num = *v;
    qli_rec_put64(rec, i, wide ? 0 : (int64_t)v->coef, v->scale, wide);
}

/* The 64-bit copy of a bool, date or enum index x. */
static inline void put_small(ql_record *rec, size_t i, int64_t x)
{
    qli_rec_put64(rec, i, x, 0, 0);
}

static ql_status field_fail(ql_error *err, const input_def *d,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ql_status field_fail(ql_error *err, const input_def *d,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qli_vfail(err, QL_ERECORD, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    qli_error_set_field(err, d->name);
    return QL_ERECORD;
}

/* The error for text[0, len), which is not UTF-8 or holds a NUL: names
 * the first byte at fault and where it stands in the value. */
static ql_status utf8_fail(ql_error *err, const input_def *d, const char *text,
                           size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i = 0, n;
    while (i < len && t[i] && qli_utf8_decode(t + i, len - i, &n) >= 0)
        i += n;
    if (i < len && !t[i])
        return field_fail(err, d, "value holds a NUL byte (byte %zu of it): "
                          "not text", i + 1);
    char why[160] = "";
    if (i < len)
        qli_utf8_why(t + i, len - i, why, sizeof why);
    return field_fail(err, d, "value is not valid UTF-8 text: byte %zu of it, "
                      "0x%02X, is not UTF-8 (%s)",
                      i + 1, i < len ? t[i] : 0, why);
}

static ql_status check_index(const ql_record *rec, size_t i, ql_error *err)
{
    if (!rec)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL record");
    if (i >= rec->rs->n_inputs)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "field index %zu out of range (the rule set has %zu "
                       "inputs)",
                       i, rec->rs->n_inputs);
    return QL_OK;
}

/* Checks a number against the field's integer, places and range
 * constraints.  A value written with more places than the field has, all
 * zeros ("120000.000" yuan), is kept at the field's places, so no value
 * carries more than the type checker counted on. */
static ql_status check_number(const input_def *d, qd *v, ql_error *err)
{
    char t[QD_TEXT_MAX], lim[QD_TEXT_MAX];
    if (d->integer && !qli_qd_is_integer(v)) {
        qli_qd_format(v, t);
        return field_fail(err, d, "%s is not a whole number (field '%s' is an %s)",
                          t, d->name, d->type_word);
    }
    if (d->scale >= 0 && v->scale > d->scale) {
        qd cut;
        qli_qd_round_to(&cut, v, d->scale, QD_DOWN);
        if (qli_qd_cmp(&cut, v) != 0) {
            qli_qd_format(v, t);
            if (d->type.money)
                return field_fail(err, d,
                                  "%s has more decimal places than the "
                                  "currency's %d (field '%s' is money)",
                                  t, d->scale, d->name);
            return field_fail(err, d,
                              "%s has more than %d decimal places (field "
                              "'%s' has 'scale: %d')",
                              t, d->scale, d->name, d->scale);
        }
        *v = cut;
    }
    if (d->has_min) {
        int c = qli_qd_cmp(v, &d->min);
        if (c < 0 || (c == 0 && d->min_excl)) {
            qli_qd_format(v, t);
            qli_qd_format(&d->min, lim);
            return field_fail(err, d, "%s is out of range (expected %s %s)", t,
                              d->min_excl ? ">" : ">=", lim);
        }
    }
    if (d->has_max) {
        int c = qli_qd_cmp(v, &d->max);
        if (c > 0 || (c == 0 && d->max_excl)) {
            qli_qd_format(v, t);
            qli_qd_format(&d->max, lim);
            return field_fail(err, d, "%s is out of range (expected %s %s)", t,
                              d->max_excl ? "<" : "<=", lim);
        }
    }
    return QL_OK;
}

/* Text a formula compares that is not NFC or holds an invisible
 * character (P4-09): shown escaped, with the code point, and the allowed
 * value it folds to when there is one (an enum's). */
static ql_status text_form_fail(ql_error *err, const input_def *d, const char *s,
                                size_t len, const qli_uc_problem *up, const char *near)
{
    char why[200], shown[QLI_SNIP_SHORT];
    qli_uc_describe(up, why, sizeof why);
    qli_snip(shown, sizeof shown, s, len, '\'', QLI_SNIP_MARKS);
    if (near)
        return field_fail(err, d,
                          "%s is not one of the allowed values: it holds %s; did "
                          "you mean %s?",
                          shown, why, QLI_QUOTE_SHORT(near));
    return field_fail(err, d,
                      "%s holds %s: formulas compare this text byte for byte, so "
                      "it would not equal the same-looking text the rules write; "
                      "give it in Unicode normalization form C with no invisible "
                      "characters",
                      shown, why);
}

static ql_status store_string(ql_record *rec, size_t i, const char *s,
                              size_t len, ql_error *err)
{
    if (len > UINT32_MAX)
        return field_fail(err, &rec->rs->inputs[i], "value too long");
    qli_uc_problem up;
    if (rec->rs->inputs[i].compared && qli_uc_check(s, len, &up) != QLI_UC_OK)
        return text_form_fail(err, &rec->rs->inputs[i], s, len, &up, NULL);
    if (rec->scap[i] < len + 1) {
        size_t cap = len + 1 < 32 ? 32 : len + 1;
        char *p = realloc(rec->sbuf[i], cap);
        if (!p)
            return qli_fail(err, QL_ENOMEM, NULL, 0, 0, "out of memory");
        rec->sbuf[i] = p;
        rec->scap[i] = cap;
    }
    memcpy(rec->sbuf[i], s, len);
    rec->sbuf[i][len] = '\0';
    rec->vals[i].str.s = rec->sbuf[i];
    rec->vals[i].str.len = (uint32_t)len;
    fval *w = &rec->v64[i];
    w->c = 0;
    w->p = rec->sbuf[i];
    w->s = 0;
    w->len = (uint32_t)len;
    rec->wide[i] = 0;
    rec->present[i] = 1;
    return QL_OK;
}

/* Whether s is valid UTF-8 without NUL bytes: what utf8_fail reports. */
static int valid_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    /* ASCII without NUL, eight bytes at a time: most texts are */
    for (uint64_t x; i + 8 <= len; i += 8) {
        memcpy(&x, p + i, 8);
        /* t's top bit of a byte is clear for 0x00 (and 0x80) */
        uint64_t t = (x | 0x8080808080808080ULL) - 0x0101010101010101ULL;
        if ((x | ~t) & 0x8080808080808080ULL)
            break;
    }
    /* the rest through the library's one decoder (utf8.h) */
    while (i < len) {
        size_t n;
        if (p[i] == 0 || qli_utf8_decode(p + i, len - i, &n) < 0)
            return 0;
        i += n;
    }
    return 1;
}

static int parse_bool(const char *s, size_t len, int *out)
{
    static const char *yes[] = {"true", "yes", "1"}, *no[] = {"false", "no", "0"};
    for (int k = 0; k < 3; k++) {
        if (strlen(yes[k]) == len && strncasecmp(s, yes[k], len) == 0)
            return *out = 1, 0;
        if (strlen(no[k]) == len && strncasecmp(s, no[k], len) == 0)
            return *out = 0, 0;
    }
    return -1;
}

ql_status qli_record_set_text_exact(ql_record *rec, size_t i,
                                    const char *text, size_t len,
                                    ql_error *err)
{
    ql_status st = check_index(rec, i, err);
    if (st)
        return st;
    if (!text && len)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL text");
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    const input_def *d = &rec->rs->inputs[i];
    if (len == 0) {
        rec->present[i] = 0;
        return QL_OK;
    }
    /* Numbers, bools, dates and enum values that parse are ASCII or an
     * enum's own text: only strings, and texts about to be quoted in a
     * message, need the UTF-8 check. */
    int bad_utf8 = d->type.kind == VK_STRING && !valid_utf8(text, len);
#define FAIL_TEXT(...)                                                       \
    (valid_utf8(text, len) ? field_fail(err, d, __VA_ARGS__)                 \
                           : utf8_fail(err, d, text, len))
    if (bad_utf8)
        return utf8_fail(err, d, text, len);
    switch (d->type.kind) {
    case VK_NUMBER: {
        qd v;
        int q = qli_qd_parse(&v, text, len);
        char why[256];
        char twin[160];
        if (q == QD_SYNTAX &&
            qli_uc_number_lookalike(text, len, 0, twin, sizeof twin))
            return field_fail(err, d, "%s is not a valid %s: it has %s",
                              QLI_QUOTE_N(text, len), d->type_word, twin);
        if (q)
            return FAIL_TEXT("%s is not a valid %s: %s", QLI_QUOTE_N(text, len),
                             d->type_word,
                             qli_qd_text_message(q, text, len, why, sizeof why));
        if ((st = check_number(d, &v, err)))
            return st;
        put_number(rec, i, &v);
        return QL_OK;
    }
    case VK_BOOL: {
        int b;
        if (parse_bool(text, len, &b))
            return FAIL_TEXT("%s is not a bool (expected true/false, "
                             "yes/no or 1/0)",
                             QLI_QUOTE_N(text, len));
        rec->vals[i].b = b;
        put_small(rec, i, b);
        return QL_OK;
    }
    case VK_DATE: {
        ql_date dt;
        int r = qli_date_parse_text(text, len, &dt);
        if (r)
            return FAIL_TEXT("%s is not %s", QLI_QUOTE_N(text, len),
                             r == -1 ? "a date (expected YYYY-MM-DD)"
                                     : "a real calendar date");
        rec->vals[i].date = dt;
        put_small(rec, i, dt);
        return QL_OK;
    }
    case VK_ENUM: {
        const enum_def *en = &d->en;
        for (size_t k = 0; k < en->n; k++)
            if (en->lens[k] == len && memcmp(en->values[k], text, len) == 0) {
                rec->vals[i].en = (int32_t)k;
                put_small(rec, i, (int64_t)k);
                return QL_OK;
            }
        qli_uc_problem up;
        if (qli_uc_check(text, len, &up) != QLI_UC_OK && up.kind != QLI_UC_BAD_UTF8) {
            char fold[256];
            size_t fl = qli_uc_fold(text, len, fold, sizeof fold);
            for (size_t k = 0; fl && k < en->n; k++)
                if (en->lens[k] == fl && memcmp(en->values[k], fold, fl) == 0)
                    return text_form_fail(err, d, text, len, &up, en->values[k]);
        }
        char list[256];
        qli_snip_list(list, sizeof list, en->values, en->lens, en->n);
        char hint[QL_MAX_NAME + 32];
        return FAIL_TEXT("%s is not one of the allowed values: %s%s",
                         QLI_QUOTE_N(text, len), list,
                         qli_enum_suggest(en, text, len, hint, sizeof hint));
    }
    case VK_STRING:
        return store_string(rec, i, text, len, err);
    default:
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "field of unknown type");
    }
#undef FAIL_TEXT
}

/* Field i from the text of a number of at most 18 digits (blanks
 * trimmed, not empty), parsed and checked in 64 bits as
 * set_text_exact would parse and check it: 1 when stored, 0 when the
 * text is not such a number or breaks (or might break) a constraint,
 * and set_text_exact is to decide and say why. */
static inline __attribute__((always_inline)) int
number_fast(ql_record *rec, size_t i, const struct rec_field *d,
                              const char *s, size_t len)
{
    int64_t v;
    int scale;
    return qli_plain_number(s, len, &v, &scale) &&
           qli_rec_num_store(rec, i, d, v, scale);
}

/* Field i (in range) from text (not NULL): ql_record_set_text's work —
 * a number of up to 18 digits, an enum value or a valid string stored
 * here, anything else (and every error) the exact way. */
/* The blanks set_text_exact trims: a space and a tab. */
static const uint8_t blank[256] = {[' '] = 1, ['\t'] = 1};

static inline __attribute__((always_inline)) ql_status
set_text_at(ql_record *rec, size_t i, const char *text, size_t len, ql_error *err)
{
    if (len && (blank[(unsigned char)text[0]] | blank[(unsigned char)text[len - 1]])) {
        while (len && (*text == ' ' || *text == '\t'))
            text++, len--;
        while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
            len--;
    }
    if (len == 0) {
        rec->present[i] = 0;
        return QL_OK;
    }
    const struct rec_field *f = &rec->fplan[i];
    switch (f->kind) {
    case VK_NUMBER:
        if (number_fast(rec, i, f, text, len))
            return QL_OK;
        break;
    case VK_ENUM: {
        const input_def *d = &rec->rs->inputs[i];
        for (size_t k = 0; k < d->en.n; k++)
            if (d->en.lens[k] == len && memcmp(d->en.values[k], text, len) == 0) {
                rec->vals[i].en = (int32_t)k;
                put_small(rec, i, (int64_t)k);
                return QL_OK;
            }
        break; /* the exact way says what the values are */
    }
    case VK_STRING:
        if (valid_utf8(text, len))
            return store_string(rec, i, text, len, err);
        break;
    default: break;
    }
    return qli_record_set_text_exact(rec, i, text, len, err);
}

ql_status qli_record_set_text_at(ql_record *rec, size_t i, const char *text,
                                 size_t len, ql_error *err)
{
    return set_text_at(rec, i, text, len, err);
}

ql_status ql_record_set_text(ql_record *rec, size_t i, const char *text,
                             size_t len, ql_error *err)
{
    if (rec && i < rec->n && text)
        return set_text_at(rec, i, text, len, err);
    return qli_record_set_text_exact(rec, i, text, len, err);
}

/* ql_record_set_texts after text j refused with st (err filled): the
 * texts after it are set too, and the refusal reported is the one whose
 * field is declared first (the lowest index; a bad index counts as
 * after every field), so that which error a row reports does not depend
 * on the order of its columns or keys (P4-05).  Only a refused row
 * comes here. */
static ql_status set_texts_rest(ql_record *rec, const int *fields,
                                const char *const *texts, const size_t *lens,
                                size_t n, size_t j, ql_status st, size_t *failed,
                                ql_error *err)
{
    size_t best = (size_t)fields[j] < rec->n ? (size_t)fields[j] : SIZE_MAX;
    if (failed)
        *failed = j;
    for (size_t k = j + 1; k < n; k++) {
        int i = fields[k];
        if (i < 0 || (size_t)i >= best)
            continue; /* no field, or declared after the one reported */
        ql_error e;
        ql_status s = lens[k] == 0 ? (rec->present[i] = 0, QL_OK)
                      : texts[k]   ? set_text_at(rec, (size_t)i, texts[k], lens[k], &e)
                                   : qli_record_set_text_exact(rec, (size_t)i, texts[k],
                                                               lens[k], &e);
        if (s) {
            best = (size_t)i, st = s;
            if (failed)
                *failed = k;
            if (err)
                *err = e;
        }
    }
    return st;
}

ql_status ql_record_set_texts(ql_record *rec, const int *fields,
                              const char *const *texts, const size_t *lens,
                              size_t n, size_t *failed, ql_error *err)
{
    if (failed)
        *failed = 0;
    if (!rec || (n && (!fields || !texts || !lens)))
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    /* in locals: a store through a uint8_t * could be to any of rec's
     * members, so the compiler would load them again a column */
    size_t nfields = rec->n;
    uint8_t *present = rec->present;
    for (size_t j = 0; j < n; j++) {
        int i = fields[j];
        size_t len = lens[j];
        ql_status st;
        if ((size_t)i >= nfields) { /* i < 0 too */
            if (i < 0)
                continue; /* a column that is no field */
            st = qli_record_set_text_exact(rec, (size_t)i, texts[j], len, err);
        } else if (len == 0) {
            present[i] = 0;
            continue;
        } else if (!texts[j]) {
            st = qli_record_set_text_exact(rec, (size_t)i, texts[j], len, err);
        } else {
            st = set_text_at(rec, (size_t)i, texts[j], len, err);
        }
        if (st)
            return set_texts_rest(rec, fields, texts, lens, n, j, st, failed, err);
    }
    return QL_OK;
}

ql_status ql_record_set(ql_record *rec, const char *name, const char *text,
                        ql_error *err)
{
    if (!rec || !name)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL argument");
    int i = ql_ruleset_input_index(rec->rs, name);
    if (i < 0) { /* a slip of a name ('A' for 'a') is named as one */
        qli_suggest sg;
        char hint[QL_MAX_NAME + 32];
        qli_suggest_init(&sg, name, strlen(name));
        for (size_t k = 0; k < rec->rs->n_inputs; k++)
            qli_suggest_try(&sg, rec->rs->inputs[k].name);
        qli_fail(err, QL_ERECORD, NULL, 0, 0,
                 "the rule set %s has no input called %s%s", QLI_QUOTE_SHORT(rec->rs->id),
                 QLI_QUOTE(name), qli_suggest_text(&sg, hint, sizeof hint));
        qli_error_set_field(err, name);
        return QL_ERECORD;
    }
    return ql_record_set_text(rec, (size_t)i, text ? text : "",
                              text ? strlen(text) : 0, err);
}

static ql_status expect_kind(const ql_record *rec, size_t i, vkind k,
                             const char *what, ql_error *err)
{
    ql_status st = check_index(rec, i, err);
    if (st)
        return st;
    const input_def *d = &rec->rs->inputs[i];
    if (d->type.kind != k)
        return field_fail(err, d, "field '%s' is %s %s, not a %s", d->name,
                          strchr("aeiou", d->type_word[0]) ? "an" : "a",
                          d->type_word, what);
    return QL_OK;
}

static ql_status set_number(ql_record *rec, size_t i, const qd *v,
                            ql_error *err)
{
    qd n = *v;
    ql_status st = expect_kind(rec, i, VK_NUMBER, "number", err);
    if (st || (st = check_number(&rec->rs->inputs[i], &n, err)))
        return st;
    put_number(rec, i, &n);
    return QL_OK;
}

ql_status ql_record_set_decimal(ql_record *rec, size_t i,
                                const ql_decimal *value, ql_error *err)
{
    if (!value)
        return qli_fail(err, QL_EINVAL, NULL, 0, 0, "NULL value");
    qd v;
    if (qli_qd_from_public(&v, value))
        return qli_fail(err, QL_EINVAL, NULL, 0, 0,
                       "the ql_decimal is outside the documented bounds");
    return set_number(rec, i, &v, err);
}

ql_status ql_record_set_int(ql_record *rec, size_t i, int64_t value,
                            ql_error *err)
{
    qd v = qli_qd_make(value, 0);
    return set_number(rec, i, &v, err);
}

ql_status ql_record_set_bool(ql_record *rec, size_t i, int value,
                             ql_error *err)
{
    ql_status st = expect_kind(rec, i, VK_BOOL, "bool", err);
    if (st)
        return st;
    rec->vals[i].b = value != 0;
    put_small(rec, i, value != 0);
    return QL_OK;
}

ql_status ql_record_set_date(ql_record *rec, size_t i, ql_date value,
                             ql_error *err)
{
    ql_status st = expect_kind(rec, i, VK_DATE, "date", err);
    if (st)
        return st;
    if (!qli_date_in_range(value)) {
        char why[160];
        qli_date_range_why(why, sizeof why, value);
        return field_fail(err, &rec->rs->inputs[i], "%s", why);
    }
    rec->vals[i].date = value;
    put_small(rec, i, value);
    return QL_OK;
}

ql_status ql_record_unset(ql_record *rec, size_t i, ql_error *err)
{
    ql_status st = check_index(rec, i, err);
    if (st)
        return st;
    rec->present[i] = 0;
    return QL_OK;
}

ql_status ql_record_get(ql_value *out, const ql_record *rec, size_t i)
{
    if (!rec || !out || out->version != QL_VALUE_VERSION ||
        i >= rec->rs->n_inputs)
        return QL_EINVAL;
    if (!rec->present[i]) {
        qli_value_none(out);
        return QL_OK;
    }
    qli_qval_to_public(&rec->vals[i], rec->rs->inputs[i].type, out);
    return QL_OK;
}
