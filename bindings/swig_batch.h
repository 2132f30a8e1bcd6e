/*
 * swig_batch.h — the batch path of the SWIG bindings: many records
 * evaluated in one crossing from the target language, which is what
 * makes a batch cheap where each crossing costs (JNI).
 *
 * Records go in packed: for each record its fields as "name\0text\0"
 * pairs, then one more "\0" (an empty name ends the record).  An empty
 * text leaves a field empty.  Results come out packed, one per record:
 *
 *   "K\0" output "\0" … then each check's five fields
 *         (applicable, compliant, required, actual, shortfall) "\0" …
 *
 * where an output is "=" and its text when it has a value, "" when it
 * has none — so an empty string ("=") is not taken for no value; a
 * check's fields are never text, "" is none.
 *   "E\0" status "\0" message "\0" file "\0" line "\0" column "\0"
 *         field "\0" formatted text "\0"
 *
 * The texts are ql_result_output_text / ql_result_check_text's, "" for
 * no value: exact numbers cross as the library's own digits.  With
 * QL_EVAL_TRACE in flags a successful record's entry ends with the
 * explanation text and "\0".  NUL is the separator both ways, so the
 * framing holds only while no name or text holds one: the library's
 * texts cannot (they are NUL terminated), and every packer refuses a
 * NUL in a field's name or value for that record before packing it
 * (Java's Packer, Lua's each_field), else "a\0" "7\0b" would read as two
 * fields and a lone "\0" as the end of a record.
 *
 * A packer that refuses a value itself (a float, a type it cannot
 * send) packs the field as "\x01" name "\0" message "\0", and a key
 * that cannot be a name (not a string, a NUL inside) as "\x01\x01" the
 * key as shown "\0" message "\0": the refusal
 * then takes its place among the record's other problems, which are
 * reported in one order whatever order the host language walks the
 * record's keys in (ql_swig_fill).  A name the caller gave that starts
 * with \x01 is packed as such a refusal too, so none is misread.
 *
 * Keys that are not inputs follow the rule of docs/architecture.md
 * ("Keys that are not inputs"): `id` is the record's id; a near miss of
 * an input that has no value in the record is refused ("did you mean");
 * any other is passed over, or refused with QL_SWIG_NO_EXTRA in flags.
 *
 * Included by the wrapper SWIG generates from quotalevy.i; everything
 * here is static to it but the near-miss rule and the refusal of a record
 * with no input (tools/quotalevy/nearmiss.c, noinput.c, linked hidden into
 * each module).  One record and one result are kept and reused:
 * the batch is for one thread at a time, the rule set for any number.
 */
#ifndef QL_SWIG_BATCH_H
#define QL_SWIG_BATCH_H

#include <limits.h>
#include <stdbool.h> /* output_none: a bool for the target language */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quotalevy.h"
#include "lookalike.h" /* name_fold */
#include "nearmiss.h"  /* near_folded */
#include "noinput.h"   /* noinput_refuses */

/* Flags of ql_swig_batch_run beside QL_EVAL_TRACE: refuse every key
 * that is neither an input nor `id` (Java's Extra.ERROR, Lua's
 * {extra = "error"}). */
#define QL_SWIG_NO_EXTRA 0x100

/* A key, value or name of the user's quoted for a message the binding
 * writes itself, as the library quotes one (ql_text_quote: escaped, cut
 * at a character, bounded): a buffer of its own that lives to the end of
 * the enclosing block, so it can stand as a printf argument.  "%.200s"
 * cut inside a UTF-8 character (120 × 企 is 360 bytes), and the message
 * was no longer UTF-8. */
#define QL_SWIG_QUOTE_N(s, n) ql_swig_quoted((char[QL_TEXT_QUOTE_MAX]){0}, (s), (n))
#define QL_SWIG_QUOTE(s) QL_SWIG_QUOTE_N((s), strlen(s))
static const char *ql_swig_quoted(char *buf, const char *s, size_t n)
{
    ql_text_quote(buf, QL_TEXT_QUOTE_MAX, s, n, '\'');
    return buf;
}

typedef struct ql_swig_batch {
    const ql_ruleset *rs;
    ql_record *rec;
    ql_result *res;
    size_t n_out, n_check;
    /* field name → input index, open addressing, -1 = free */
    int *slots;
    size_t mask;
    /* per input: the record (stamp) that set it, and its list (-1: none);
     * per list: its first item, its items, how many this record gave */
    unsigned *seen, stamp;
    int *list_of;
    size_t *list_first, *touched;
    int *list_size, *list_count;
    size_t nlists, ntouched;
    /* the inputs' names folded for the near-miss check (name_fold), made
     * when a record first has a key that is no input */
    int32_t **folded;
    size_t *nfolded;
    /* this record's keys that are no input: offsets into its data; and
     * whether it has an `id` that is no input */
    size_t *extra, nextra, extra_cap;
    int has_id;
} ql_swig_batch;

static size_t ql_swig_hash(const char *s, size_t len)
{
    size_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void ql_swig_batch_free(ql_swig_batch *b)
{
    if (!b)
        return;
    ql_record_free(b->rec);
    ql_result_free(b->res);
    free(b->slots);
    free(b->seen);
    free(b->list_of);
    free(b->list_first);
    free(b->touched);
    free(b->list_size);
    free(b->list_count);
    for (size_t i = 0; b->folded && i < ql_ruleset_input_count(b->rs); i++)
        free(b->folded[i]);
    free(b->folded);
    free(b->nfolded);
    free(b->extra);
    free(b);
}

static ql_swig_batch *ql_swig_batch_new(const ql_ruleset *rs, ql_error *err)
{
    ql_swig_batch *b = calloc(1, sizeof *b);
    size_t n = ql_ruleset_input_count(rs), cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    if (b) {
        b->rs = rs;
        b->slots = malloc(cap * sizeof *b->slots);
        b->seen = calloc(n + 1, sizeof *b->seen);
        b->list_of = malloc((n + 1) * sizeof *b->list_of);
        b->list_first = calloc(n + 1, sizeof *b->list_first);
        b->touched = calloc(n + 1, sizeof *b->touched);
        b->list_size = calloc(n + 1, sizeof *b->list_size);
        b->list_count = calloc(n + 1, sizeof *b->list_count);
    }
    if (!b || !b->slots || !b->seen || !b->list_of || !b->list_first ||
        !b->touched || !b->list_size || !b->list_count) {
        if (b)
            ql_swig_batch_free(b);
        if (err) {
            err->code = QL_ENOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return NULL;
    }
    b->rs = rs;
    b->mask = cap - 1;
    memset(b->slots, 0xff, cap * sizeof *b->slots);
    for (size_t i = 0; i < n; i++) {
        const char *name = ql_ruleset_input_name(rs, i);
        size_t h = ql_swig_hash(name, strlen(name)) & b->mask;
        while (b->slots[h] >= 0)
            h = (h + 1) & b->mask;
        b->slots[h] = (int)i;
    }
    /* the lists: NAME[1] … NAME[n], declared one after another */
    for (size_t i = 0; i < n; i++)
        b->list_of[i] = -1;
    for (size_t i = 0; i < n; i++) {
        const char *name = ql_ruleset_input_name(rs, i);
        const char *br = strchr(name, '[');
        if (!br || br == name || strcmp(br, "[1]"))
            continue;
        size_t bl = (size_t)(br - name), k = 0;
        do
            b->list_of[i + k++] = (int)b->nlists;
        while (i + k < n && !strncmp(ql_ruleset_input_name(rs, i + k), name, bl + 1));
        b->list_first[b->nlists] = i;
        b->list_size[b->nlists++] = (int)k;
        i += k - 1;
    }
    b->n_out = ql_ruleset_output_count(rs);
    b->n_check = ql_ruleset_check_count(rs);
    if (ql_record_new(&b->rec, rs, err) || ql_result_new(&b->res, rs, err)) {
        ql_swig_batch_free(b);
        return NULL;
    }
    return b;
}

/* The input index of a name of len bytes, or -1. */
static int ql_swig_batch_index(const ql_swig_batch *b, const char *name,
                               size_t len)
{
    for (size_t h = ql_swig_hash(name, len) & b->mask; b->slots[h] >= 0;
         h = (h + 1) & b->mask) {
        const char *s = ql_ruleset_input_name(b->rs, (size_t)b->slots[h]);
        if (strncmp(s, name, len) == 0 && s[len] == '\0')
            return b->slots[h];
    }
    return -1;
}

/* A growing output buffer; `failed` once an allocation has failed. */
typedef struct ql_swig_out {
    char *data;
    size_t len, cap;
    int failed;
} ql_swig_out;

/* Room for `need` more bytes. */
static char *ql_swig_room(ql_swig_out *o, size_t need)
{
    if (o->failed)
        return NULL;
    if (o->cap - o->len < need) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap - o->len < need)
            cap *= 2;
        char *p = realloc(o->data, cap);
        if (!p) {
            o->failed = 1;
            return NULL;
        }
        o->data = p;
        o->cap = cap;
    }
    return o->data + o->len;
}

static void ql_swig_put(ql_swig_out *o, const char *s, size_t len)
{
    char *p = ql_swig_room(o, len + 1);
    if (!p)
        return;
    memcpy(p, s, len);
    p[len] = '\0';
    o->len += len + 1;
}

static void ql_swig_put_int(ql_swig_out *o, int v)
{
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%d", v);
    ql_swig_put(o, buf, (size_t)n);
}

/* Whether output i of res has no value. */
static int ql_swig_output_none(const ql_result *res, size_t i)
{
    ql_value v = QL_VALUE_INIT;
    return ql_result_output(&v, res, i) != QL_OK || v.type == QL_TYPE_NONE;
}

/* Appends output i (check < 0: "=" and its text, or "" for none) or
 * field `check` of check i, written straight into the buffer and grown
 * when it does not fit. */
static void ql_swig_put_result(ql_swig_out *o, const ql_result *res,
                               size_t i, int check)
{
    if (check < 0 && ql_swig_output_none(res, i)) {
        ql_swig_put(o, "", 0);
        return;
    }
    size_t tag = check < 0, room = QL_DECIMAL_TEXT_MAX, n;
    for (;;) {
        char *p = ql_swig_room(o, room + tag);
        if (!p)
            return;
        p[0] = '=';
        n = check < 0 ? ql_result_output_text(p + tag, room, res, i)
                      : ql_result_check_text(p, room, res, i,
                                             (ql_check_field)check);
        if (n < room)
            break;
        room = n + 1;
    }
    o->len += tag + n + 1;
}

/* Appends the library's explanation of the result (ql_result_explain). */
static void ql_swig_put_explain(ql_swig_out *o, const ql_result *res)
{
    size_t n = ql_result_explain(NULL, 0, res);
    char *p = ql_swig_room(o, n + 1);
    if (!p)
        return;
    ql_result_explain(p, n + 1, res);
    o->len += n + 1;
}

static void ql_swig_put_error(ql_swig_out *o, const ql_error *e)
{
    char text[QL_ERROR_FILE_MAX + QL_ERROR_FIELD_MAX + QL_ERROR_MESSAGE_MAX + 64];
    const char *status = ql_status_name(e->code);
    ql_error_format(text, sizeof text, e);
    ql_swig_put(o, "E", 1);
    ql_swig_put(o, status, strlen(status));
    ql_swig_put(o, e->message, strlen(e->message));
    ql_swig_put(o, e->file, strlen(e->file));
    ql_swig_put_int(o, e->line);
    ql_swig_put_int(o, e->column);
    ql_swig_put(o, e->field, strlen(e->field));
    ql_swig_put(o, text, strlen(text));
}

/* The field's name into err->field: whole when it fits, else cut at a
 * whole UTF-8 character and ended with "…", so a name longer than
 * QL_ERROR_FIELD_MAX (a list item's name with a long index) never
 * leaves half a character or reads as a shorter, real name. */
static void ql_swig_set_field(ql_error *err, const char *field)
{
    size_t n = strlen(field), room = sizeof err->field - 1;
    if (n <= room) {
        memcpy(err->field, field, n + 1);
        return;
    }
    n = room - 3; /* "…" is three bytes */
    while (n > 0 && ((unsigned char)field[n] & 0xC0) == 0x80)
        n--; /* field[n] starts the first character left out */
    memcpy(err->field, field, n);
    memcpy(err->field + n, "\xe2\x80\xa6", 4);
}

static ql_status ql_swig_record_error(ql_error *err, const char *field,
                                      const char *message)
{
    if (err) {
        ql_error_clear(err);
        err->code = QL_ERECORD;
        ql_swig_set_field(err, field);
        snprintf(err->message, sizeof err->message, "%s", message);
    }
    return QL_ERECORD;
}

/* A record's problems are reported in one order, whatever order the
 * host language walks its keys in (a Lua table's pairs(), a Java
 * HashMap, a Python dict built backwards; P4-05): a key that cannot be
 * a name and the id first (rank -1), then the inputs in declaration order (rank i: a bad or refused
 * value, a name given twice, a list's missing item; a list given longer
 * than it is or by its bare name ranks at its first item; a near miss at
 * the input it misses), then keys refused by QL_SWIG_NO_EXTRA (rank n),
 * of one rank the field first in byte order.  The fill keeps the
 * problem of the lowest rank. */
typedef struct ql_swig_worst {
    long rank;
    ql_status st;
} ql_swig_worst;

static void ql_swig_keep(ql_swig_worst *w, long rank, ql_status st,
                         const ql_error *e, ql_error *err)
{
    if (st == QL_OK)
        return;
    if (w->st != QL_OK && rank > w->rank)
        return;
    if (w->st != QL_OK && rank == w->rank) { /* one of them, the same each run */
        int c = err ? strcmp(e->field, err->field) : 0;
        if (!err || c > 0 || (c == 0 && strcmp(e->message, err->message) >= 0))
            return;
    }
    w->rank = rank;
    w->st = st;
    if (err)
        *err = *e;
}

/* Input i given by this record: twice is an error (a list given whole
 * and one of its items too, or a name twice), as in every front end. */
static ql_status ql_swig_given(ql_swig_batch *b, int i, ql_error *err)
{
    const char *name = ql_ruleset_input_name(b->rs, (size_t)i);
    if (b->seen[i] == b->stamp) {
        char msg[QL_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg,
                 "%s is given twice in the record (a list given whole and "
                 "this item of it too?): give one or the other",
                 QL_SWIG_QUOTE(name));
        return ql_swig_record_error(err, name, msg);
    }
    b->seen[i] = b->stamp;
    int l = b->list_of[i];
    if (l >= 0 && !b->list_count[l]++)
        b->touched[b->ntouched++] = (size_t)l;
    return QL_OK;
}

/* The list whose bare name (NAME of NAME[1] …) is name[0…nlen): its
 * index, or -1. */
static int ql_swig_list_named(const ql_swig_batch *b, const char *name, size_t nlen)
{
    if (nlen > 200)
        return -1;
    char first[216];
    snprintf(first, sizeof first, "%.*s[1]", (int)nlen, name);
    int i = ql_swig_batch_index(b, first, strlen(first));
    return i >= 0 && b->list_of[i] >= 0 &&
                   b->list_first[b->list_of[i]] == (size_t)i
               ? b->list_of[i]
               : -1;
}

/* NAME[k] of a list NAME that has fewer items (a list given longer
 * than it is), or a list's bare name NAME given one value: the record's
 * error, saying so, with the list's first item in *first; QL_OK for any
 * other name. */
static ql_status ql_swig_past_list(ql_swig_batch *b, const char *name, size_t nlen,
                                   size_t *first, ql_error *err)
{
    int l = ql_swig_list_named(b, name, nlen);
    char msg[QL_ERROR_MESSAGE_MAX];
    if (l >= 0) {
        *first = b->list_first[l];
        snprintf(msg, sizeof msg,
                 "'%.*s' is a list of %d items: give a list, or its items "
                 "%.*s[1] … %.*s[%d]",
                 (int)nlen, name, b->list_size[l], (int)nlen, name, (int)nlen,
                 name, b->list_size[l]);
        return ql_swig_record_error(err, name, msg);
    }
    const char *br = memchr(name, '[', nlen);
    if (!br || br == name || name[nlen - 1] != ']' || nlen > 200)
        return QL_OK;
    char field[216];
    snprintf(field, sizeof field, "%.*s", (int)nlen, name);
    l = ql_swig_list_named(b, name, (size_t)(br - name));
    if (l >= 0) {
        *first = b->list_first[l];
        snprintf(msg, sizeof msg, "'%.*s' is a list of %d items: it has no item %s",
                 (int)(br - name), name, b->list_size[l],
                 QL_SWIG_QUOTE_N(br, nlen - (size_t)(br - name)));
        return ql_swig_record_error(err, field, msg);
    }
    return QL_OK;
}

/* A key NAME[…] whose bare name, folded as the command folds a
 * header's (case, look-alikes), is a list's but that is no item of it
 * (Positions[13]; Positions[1] beside positions[1]): the record's error,
 * as the command refuses the column, with the list's first item in
 * *first; QL_OK for any other key.  Asked only of a key that is no near
 * miss of an input without a value (Positions[2] is one). */
static ql_status ql_swig_past_list_folded(ql_swig_batch *b, const char *name, size_t nlen,
                                          size_t *first, ql_error *err)
{
    const char *br = memchr(name, '[', nlen);
    if (!br || br == name || name[nlen - 1] != ']' || nlen > 200)
        return QL_OK;
    char field[216], msg[QL_ERROR_MESSAGE_MAX];
    snprintf(field, sizeof field, "%.*s", (int)nlen, name);
    int32_t f[216];
    size_t nf = name_fold(field, f), fb = 0;
    while (fb < nf && f[fb] != '[')
        fb++;
    for (size_t k = 0; k < b->nlists && fb < nf; k++) {
        const char *in = ql_ruleset_input_name(b->rs, b->list_first[k]);
        size_t bl = (size_t)(strchr(in, '[') - in), j = 0;
        if (bl != fb)
            continue;
        while (j < bl && (f[j] == (unsigned char)in[j] ||
                          (in[j] >= 'A' && in[j] <= 'Z' && f[j] == in[j] - 'A' + 'a')))
            j++;
        if (j < bl)
            continue;
        *first = b->list_first[k];
        snprintf(msg, sizeof msg, "'%.*s' is a list of %d items, %.*s[1] … %.*s[%d]",
                 (int)bl, in, b->list_size[k], (int)bl, in, (int)bl, in, b->list_size[k]);
        return ql_swig_record_error(err, field, msg);
    }
    return QL_OK;
}

/* At a record's end: a list some of whose items it gave and others not
 * (a list one short, a month lost) would read the rest as empty — the
 * record's error, naming them, ranked at the first missing item.  Clears
 * the counts for the next record. */
static void ql_swig_lists_whole(ql_swig_batch *b, ql_swig_worst *w, ql_error *err)
{
    for (size_t t = 0; t < b->ntouched; t++) {
        size_t l = b->touched[t];
        int size = b->list_size[l], given = b->list_count[l];
        b->list_count[l] = 0;
        if (given >= size)
            continue;
        char miss[256] = "";
        size_t o = 0, first = 0;
        int nmiss = 0;
        for (int k = 0; k < size; k++) {
            size_t i = b->list_first[l] + (size_t)k;
            if (b->seen[i] == b->stamp)
                continue;
            if (!nmiss++)
                first = i;
            if (nmiss <= 6 && o < sizeof miss)
                o += (size_t)snprintf(miss + o, sizeof miss - o, "%s%s",
                                      nmiss > 1 ? ", " : "",
                                      ql_ruleset_input_name(b->rs, i));
            else if (nmiss == 7 && o < sizeof miss)
                o += (size_t)snprintf(miss + o, sizeof miss - o, ", …");
        }
        const char *one = ql_ruleset_input_name(b->rs, b->list_first[l]);
        char msg[QL_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg,
                 "the record has %d of the %d items of the list '%.*s': no %s %s, so "
                 "%s would be read as empty (give every item, an empty one as "
                 "null or \"\")",
                 given, size, (int)(strchr(one, '[') - one), one,
                 nmiss == 1 ? "item" : "items", miss, nmiss == 1 ? "it" : "they");
        ql_error e;
        ql_swig_keep(w, (long)first,
                     ql_swig_record_error(&e, ql_ruleset_input_name(b->rs, first), msg),
                     &e, err);
    }
    b->ntouched = 0;
}

/* The inputs' folded names, once; -1 out of memory. */
static int ql_swig_fold_inputs(ql_swig_batch *b)
{
    size_t n = ql_ruleset_input_count(b->rs);
    if (b->folded)
        return 0;
    b->folded = calloc(n + 1, sizeof *b->folded);
    b->nfolded = calloc(n + 1, sizeof *b->nfolded);
    if (!b->folded || !b->nfolded)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *name = ql_ruleset_input_name(b->rs, i);
        if (!(b->folded[i] = malloc((strlen(name) + 1) * sizeof **b->folded)))
            return -1;
        b->nfolded[i] = name_fold(name, b->folded[i]);
    }
    return 0;
}

/* At a record's end, its keys that are no input: a near miss of an
 * input the record gave no value is refused ("did you mean"), ranked at
 * that input, and so is an item a[1] of the one-value a, whether the
 * record gives a or not (nearmiss.h); with QL_SWIG_NO_EXTRA every other is refused too (rank n);
 * the rest are passed over (docs/architecture.md). */
static void ql_swig_extra_keys(ql_swig_batch *b, const char *data, unsigned flags,
                               ql_swig_worst *w, ql_error *err)
{
    size_t n = ql_ruleset_input_count(b->rs);
    for (size_t k = 0; k < b->nextra; k++) {
        const char *key = data + b->extra[k];
        size_t klen = strlen(key);
        int32_t small[256], *f = klen < 256 ? small : malloc((klen + 1) * sizeof *f);
        int best = -1, best_d = 0, near_any = 0, item = 0, twice = -1;
        if (f && !ql_swig_fold_inputs(b)) {
            size_t nf = name_fold(key, f);
            for (size_t i = 0; i < n; i++) {
                if (b->seen[i] == b->stamp) {
                    /* it has its value: the key is something else, but
                     * for an item a[1] of the one-value a, a second value
                     * of a (P18-10) */
                    if (twice < 0 && (long)i < w->rank &&
                        near_item_folded(f, nf, b->folded[i], b->nfolded[i]) == 1)
                        twice = (int)i;
                    continue;
                }
                /* a near miss, or an item a[1] of the one-value a */
                int d = near_input_folded(f, nf, b->folded[i], b->nfolded[i]);
                near_any |= d != 0; /* a slip, if not the first problem */
                if ((long)i < w->rank && d && (!best_d || d < best_d))
                    best = (int)i, best_d = d,
                    item = !near_folded(f, nf, b->folded[i], b->nfolded[i]);
            }
        }
        size_t first = 0;
        int list = -1; /* else a list's bare name none of whose items it gives */
        for (size_t l = 0; best < 0 && list < 0 && f && b->folded && l < b->nlists; l++) {
            size_t i0 = b->list_first[l], j = 0;
            while (j < (size_t)b->list_size[l] && b->seen[i0 + j] != b->stamp)
                j++;
            if ((long)i0 >= w->rank || j < (size_t)b->list_size[l])
                continue; /* an item given: the list is no slip */
            const char *in = ql_ruleset_input_name(b->rs, i0);
            char base[216];
            int32_t fb[216];
            snprintf(base, sizeof base, "%.*s", (int)(strchr(in, '[') - in), in);
            if (near_folded(f, name_fold(key, f), fb, name_fold(base, fb)))
                list = (int)l;
        }
        if (f != small)
            free(f);
        char msg[QL_ERROR_MESSAGE_MAX];
        ql_error e;
        if (list >= 0) {
            const char *in = ql_ruleset_input_name(b->rs, b->list_first[list]);
            snprintf(msg, sizeof msg,
                     "the rule set %s has no input called %s: did you mean "
                     "the list '%.*s'? None of its items has a value in the record, "
                     "and a key the rules do not read would be passed over",
                     QL_SWIG_QUOTE(ql_ruleset_meta(b->rs, "id")), QL_SWIG_QUOTE(key),
                     (int)(strchr(in, '[') - in), in);
            ql_swig_keep(w, (long)b->list_first[list], ql_swig_record_error(&e, key, msg),
                         &e, err);
        } else if (best < 0 && !near_any &&
                   ql_swig_past_list_folded(b, key, klen, &first, &e) != QL_OK) {
            ql_swig_keep(w, (long)first, e.code, &e, err);
        } else if (best >= 0 && item) {
            const char *in = ql_ruleset_input_name(b->rs, (size_t)best);
            snprintf(msg, sizeof msg,
                     "the rule set %s has no input called %s: '%s' is one value, not "
                     "a list: give its value under '%s'. It has no value in the "
                     "record, and a key the rules do not read would be passed over",
                     QL_SWIG_QUOTE(ql_ruleset_meta(b->rs, "id")), QL_SWIG_QUOTE(key), in,
                     in);
            ql_swig_keep(w, best, ql_swig_record_error(&e, key, msg), &e, err);
        } else if (best >= 0) {
            const char *in = ql_ruleset_input_name(b->rs, (size_t)best);
            snprintf(msg, sizeof msg,
                     "the rule set %s has no input called %s: did you mean "
                     "'%s'? It has no value in the record, and a key the rules do "
                     "not read would be passed over",
                     QL_SWIG_QUOTE(ql_ruleset_meta(b->rs, "id")), QL_SWIG_QUOTE(key), in);
            ql_swig_keep(w, best, ql_swig_record_error(&e, key, msg), &e, err);
        } else if (twice >= 0) {
            const char *in = ql_ruleset_input_name(b->rs, (size_t)twice);
            snprintf(msg, sizeof msg,
                     "the rule set %s has no input called %s: '%s' is one value, not "
                     "a list, and the record gives it under '%s': which of the two is "
                     "meant?",
                     QL_SWIG_QUOTE(ql_ruleset_meta(b->rs, "id")), QL_SWIG_QUOTE(key), in,
                     in);
            ql_swig_keep(w, twice, ql_swig_record_error(&e, key, msg), &e, err);
        } else if (flags & QL_SWIG_NO_EXTRA) {
            snprintf(msg, sizeof msg,
                     "the rule set %s has no input called %s (keys that "
                     "are not inputs are refused in this call)",
                     QL_SWIG_QUOTE(ql_ruleset_meta(b->rs, "id")), QL_SWIG_QUOTE(key));
            ql_swig_keep(w, (long)n, ql_swig_record_error(&e, key, msg), &e, err);
        }
    }
}

/* At a record's end: a record none of whose keys is an input (`{}`, only
 * an id, headers in another language) would be evaluated on the inputs'
 * defaults alone — refused, as every front end refuses it (noinput.h
 * decides and words it; probe5 P5-07).  Its error ranks last, after a
 * near miss's "did you mean", which says more. */
static void ql_swig_some_input(ql_swig_batch *b, const char *data, ql_swig_worst *w,
                               ql_error *err)
{
    size_t n = ql_ruleset_input_count(b->rs), given = 0;
    for (size_t i = 0; i < n && !given; i++)
        given = b->seen[i] == b->stamp;
    if (w->st != QL_OK || !noinput_refuses(b->rs, given))
        return;
    const char *names[NOINPUT_NAMES_READ];
    size_t k = 0;
    if (b->has_id)
        names[k++] = "id";
    for (size_t j = 0; j < b->nextra && k < NOINPUT_NAMES_READ; j++)
        names[k++] = data + b->extra[j];
    char msg[QL_ERROR_MESSAGE_MAX];
    noinput_message(msg, sizeof msg, b->rs, 0, "the record", names, k);
    ql_error e;
    ql_swig_keep(w, (long)n + 1, ql_swig_record_error(&e, "", msg), &e, err);
}

/* At a record's end, after the no-input refusal: a key that is a near
 * miss of `id` (ID, Id) when the record has no id (and the rules read
 * none) — the record's error "did you mean 'id'?", as the command
 * suggests it for a header; ranked last. */
static void ql_swig_id_slip(ql_swig_batch *b, const char *data, ql_swig_worst *w,
                            ql_error *err)
{
    if (b->has_id || ql_ruleset_input_index(b->rs, "id") >= 0)
        return;
    for (size_t k = 0; k < b->nextra; k++) {
        const char *key = data + b->extra[k];
        if (!col_near_miss(key, "id"))
            continue;
        char msg[QL_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg,
                 "the rule set %s has no input called %s: did you mean 'id'? The "
                 "record has no 'id', and a key the rules do not read would be passed over",
                 QL_SWIG_QUOTE(ql_ruleset_meta(b->rs, "id")), QL_SWIG_QUOTE(key));
        ql_error e;
        ql_swig_keep(w, (long)ql_ruleset_input_count(b->rs) + 2,
                     ql_swig_record_error(&e, key, msg), &e, err);
        return;
    }
}

/* One field of a record (name[0…nlen), its text[0…tlen)): set, or its
 * problem kept by rank; a key that is no input is noted for the end. */
static void ql_swig_field(ql_swig_batch *b, const char *data, const char *name,
                          size_t nlen, const char *text, size_t tlen,
                          ql_swig_worst *w, ql_error *err)
{
    ql_error e;
    int refused = nlen > 0 && name[0] == '\x01';
    if (refused)
        name++, nlen--;
    if (refused && nlen > 0 && name[0] == '\x01') {
        /* a key that cannot be a name (not a string, a NUL inside): the
         * record's error, before its fields */
        ql_swig_keep(w, -1, ql_swig_record_error(&e, name + 1, text), &e, err);
        return;
    }
    int i = ql_swig_batch_index(b, name, nlen);
    size_t first;
    if (i >= 0) {
        ql_status st = ql_swig_given(b, i, &e);
        if (st == QL_OK && w->st != QL_OK && i >= w->rank)
            return; /* declared after the problem kept: not read */
        if (st == QL_OK && refused)
            st = ql_swig_record_error(&e, ql_ruleset_input_name(b->rs, (size_t)i), text);
        else if (st == QL_OK && tlen > 0)
            st = ql_record_set_text(b->rec, (size_t)i, text, tlen, &e);
        ql_swig_keep(w, i, st, &e, err);
        return;
    }
    if (nlen == 2 && !memcmp(name, "id", 2)) {
        b->has_id = 1;
        if (refused) /* the record's id, as in every front end: not read */
            ql_swig_keep(w, -1, ql_swig_record_error(&e, "id", text), &e, err);
        return;
    }
    int l = refused ? ql_swig_list_named(b, name, nlen) : -1;
    if (l >= 0) { /* a list the packer refused as a whole */
        char field[216];
        snprintf(field, sizeof field, "%.*s", (int)nlen, name);
        ql_swig_keep(w, (long)b->list_first[l], ql_swig_record_error(&e, field, text),
                     &e, err);
        return;
    }
    if (ql_swig_past_list(b, name, nlen, &first, &e) != QL_OK) {
        ql_swig_keep(w, (long)first, e.code, &e, err);
        return;
    }
    if (b->nextra == b->extra_cap) {
        size_t cap = b->extra_cap ? 2 * b->extra_cap : 16;
        size_t *p = realloc(b->extra, cap * sizeof *p);
        if (!p) {
            ql_error_clear(&e);
            e.code = QL_ENOMEM;
            snprintf(e.message, sizeof e.message, "out of memory");
            ql_swig_keep(w, -2, QL_ENOMEM, &e, err);
            return;
        }
        b->extra = p;
        b->extra_cap = cap;
    }
    b->extra[b->nextra++] = (size_t)(name - data);
}

/* Fills the record from the fields at *pos, up to its terminating empty
 * name; *pos is left after it.  Returns the status of the problem first
 * in the order above (its error in err), QL_OK when there is none.  A
 * field `id` that is no input is the record's id, not read; a field with
 * an empty text is given, and empty. */
static ql_status ql_swig_fill(ql_swig_batch *b, const char *data, size_t len,
                              size_t *pos, unsigned flags, ql_error *err)
{
    ql_swig_worst w = {LONG_MAX, QL_OK};
    ql_record_clear(b->rec);
    if (++b->stamp == 0) { /* wrapped: no record is stamped 0 */
        memset(b->seen, 0, ql_ruleset_input_count(b->rs) * sizeof *b->seen);
        b->stamp = 1;
    }
    b->nextra = 0;
    b->has_id = 0;
    while (*pos < len) {
        const char *name = data + *pos;
        const char *end = memchr(name, '\0', len - *pos);
        if (!end)
            break;
        size_t nlen = (size_t)(end - name);
        *pos += nlen + 1;
        if (nlen == 0) {
            ql_swig_lists_whole(b, &w, err);
            ql_swig_extra_keys(b, data, flags, &w, err);
            ql_swig_some_input(b, data, &w, err);
            ql_swig_id_slip(b, data, &w, err);
            return w.st;
        }
        const char *text = data + *pos;
        const char *tend = *pos < len ? memchr(text, '\0', len - *pos) : NULL;
        if (!tend)
            break; /* a text without its NUL: not terminated */
        size_t tlen = (size_t)(tend - text);
        *pos += tlen + 1;
        ql_swig_field(b, data, name, nlen, text, tlen, &w, err);
    }
    b->ntouched = 0;
    for (size_t l = 0; l < b->nlists; l++)
        b->list_count[l] = 0;
    if (err) {
        ql_error_clear(err);
        err->code = QL_EINVAL;
        snprintf(err->message, sizeof err->message,
                 "a packed record is not terminated");
    }
    return QL_EINVAL;
}

/* Evaluates every packed record of data[0…len) on date; returns the
 * packed results (malloc'd, *out_len bytes), NULL when out of memory. */
static char *ql_swig_batch_run(ql_swig_batch *b, const char *data, size_t len,
                               ql_date date, unsigned flags, size_t *out_len)
{
    ql_swig_out o = {NULL, 0, 0, 0};
    size_t pos = 0;
    *out_len = 0;
    if (!ql_swig_room(&o, 1))
        return NULL;
    while (pos < len) {
        ql_error err;
        ql_error_clear(&err);
        if (ql_swig_fill(b, data, len, &pos, flags, &err) ||
            ql_evaluate(b->res, b->rec, date, flags & QL_EVAL_TRACE, &err)) {
            ql_swig_put_error(&o, &err);
            continue;
        }
        ql_swig_put(&o, "K", 1);
        for (size_t i = 0; i < b->n_out; i++)
            ql_swig_put_result(&o, b->res, i, -1);
        for (size_t i = 0; i < b->n_check; i++)
            for (int f = QL_CHECK_APPLICABLE; f <= QL_CHECK_SHORTFALL; f++)
                ql_swig_put_result(&o, b->res, i, f);
        if (flags & QL_EVAL_TRACE)
            ql_swig_put_explain(&o, b->res);
    }
    if (o.failed) {
        free(o.data);
        return NULL;
    }
    *out_len = o.len;
    return o.data;
}

#endif /* QL_SWIG_BATCH_H */
