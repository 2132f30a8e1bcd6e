/*
 * fast_diff.h — the differential harness of the fast path (lib/fast*.c)
 * against the exact engine (lib/eval.c), shared by tests/test_fast.c and
 * tests/fuzz/fuzz_fast.c.
 *
 * fd_compare evaluates one record both ways on two results of the same
 * rule set and compares everything a caller can read: the status, and on
 * success every output and every check field as text and as a value (so
 * a scale differing by a trailing zero is caught).  Then it evaluates
 * through the public ql_evaluate and compares that too, errors included
 * (message, file, line, column, field): a record the fast path hands
 * back must come out exactly as eval.c makes it.
 *
 * fd_gen_rules writes a random rule set that uses every opcode;
 * fd_gen_record fills a record with random values, empty fields, values
 * past 64 bits and values that break the validations.  Both draw from a
 * caller's seed, so a failure is reproduced from its seed alone.
 *
 * fd_compare_columns fills random int64 columns (values the fields
 * refuse, empty rows, the edges of 64 bits among them), evaluates them
 * with ql_evaluate_columns and each row as a record set with the typed
 * setters through ql_evaluate, and compares every status, error and
 * column cell (ql_results_output_i64 / ql_results_check_i64 of the
 * record's result).
 */
#ifndef QL_FAST_DIFF_H
#define QL_FAST_DIFF_H

#include "quotalevy.h"
#include "eval.h"
#include "eval_columns.h"
#include "fast.h"
#include "ruleset.h"
#include "scale.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Random choices: from a fuzzer's bytes while they last, then from
 * splitmix64 (any seed, every bit used). */
typedef struct fd_rng {
    uint64_t s;
    const uint8_t *data;
    size_t left;
} fd_rng;

static uint64_t fd_next(fd_rng *r)
{
    if (r->left) {
        uint64_t x = 0;
        size_t k = r->left < 4 ? r->left : 4;
        for (size_t i = 0; i < k; i++)
            x = x << 8 | r->data[i];
        r->data += k;
        r->left -= k;
        r->s ^= x;
        return x;
    }
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int fd_below(fd_rng *r, int n) { return (int)(fd_next(r) % (uint64_t)n); }

typedef struct fd_buf {
    char *s;
    size_t n, cap;
} fd_buf;

static void fd_put(fd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fd_put(fd_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0,
                          fmt, ap);
        va_end(ap);
        if (k < 0)
            return;
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t nc = (b->cap + (size_t)k + 1) * 2;
        char *q = realloc(b->s, nc);
        if (!q)
            abort();
        b->s = q;
        b->cap = nc;
    }
}

/* ------------------------------------------------------------ compare */

typedef struct fd_stats {
    long records, fast, fallback, mismatches;
    long ok, ok_fallback; /* records the exact engine evaluates; of those, fallen back */
} fd_stats;

static int fd_same_error(const ql_error *a, const ql_error *b)
{
    return a->code == b->code && strcmp(a->message, b->message) == 0 &&
           strcmp(a->file, b->file) == 0 && a->line == b->line &&
           a->column == b->column && strcmp(a->field, b->field) == 0;
}

static int fd_same_value(const ql_value *a, const ql_value *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case QL_TYPE_NUMBER:
        return a->number.coef_hi == b->number.coef_hi &&
               a->number.coef_lo == b->number.coef_lo &&
               a->number.scale == b->number.scale;
    case QL_TYPE_BOOL: return a->boolean == b->boolean;
    case QL_TYPE_DATE: return a->date == b->date;
    case QL_TYPE_STRING:
        return a->length == b->length &&
               memcmp(a->string, b->string, a->length) == 0;
    default: return 1;
    }
}

/* Every readable part of two successful results alike; 0 and a reason
 * in why if not. */
static int fd_same_results(const ql_result *x, const ql_result *y, char *why,
                           size_t n)
{
    const ql_ruleset *rs = ql_result_ruleset(x);
    char a[128], b[128];
    for (size_t i = 0; i < ql_ruleset_output_count(rs); i++) {
        ql_value va = QL_VALUE_INIT, vb = QL_VALUE_INIT;
        ql_result_output(&va, x, i);
        ql_result_output(&vb, y, i);
        ql_result_output_text(a, sizeof a, x, i);
        ql_result_output_text(b, sizeof b, y, i);
        if (strcmp(a, b) != 0 || !fd_same_value(&va, &vb)) {
            snprintf(why, n, "output %s: fast %s, exact %s",
                     ql_ruleset_output_name(rs, i), a, b);
            return 0;
        }
    }
    for (size_t i = 0; i < ql_ruleset_check_count(rs); i++) {
        for (int f = QL_CHECK_APPLICABLE; f <= QL_CHECK_SHORTFALL; f++) {
            ql_result_check_text(a, sizeof a, x, i, (ql_check_field)f);
            ql_result_check_text(b, sizeof b, y, i, (ql_check_field)f);
            if (strcmp(a, b) != 0) {
                snprintf(why, n, "check %s field %d: fast %s, exact %s",
                         ql_ruleset_check_name(rs, i), f, a, b);
                return 0;
            }
        }
        ql_check_result ca = QL_CHECK_RESULT_INIT, cb = QL_CHECK_RESULT_INIT;
        ql_result_check(&ca, x, i);
        ql_result_check(&cb, y, i);
        if (ca.applicable != cb.applicable || ca.compliant != cb.compliant ||
            (ca.applicable && (!fd_same_value(&ca.required, &cb.required) ||
                               !fd_same_value(&ca.actual, &cb.actual) ||
                               !fd_same_value(&ca.shortfall, &cb.shortfall)))) {
            snprintf(why, n, "check %s: values differ",
                     ql_ruleset_check_name(rs, i));
            return 0;
        }
    }
    /* the row as the command writes it, in room for all and cut short */
    static const size_t room[] = {4096, 61, 7};
    for (size_t r = 0; r < sizeof room / sizeof *room; r++) {
        char ra[4096], rb[4096];
        size_t na = ql_result_row_text(ra, room[r], x, ','),
               nb = ql_result_row_text(rb, room[r], y, ',');
        if (na != nb || strcmp(ra, rb) != 0) {
            snprintf(why, n, "row text in %zu bytes: fast '%.100s' (%zu), "
                             "exact '%.100s' (%zu)",
                     room[r], ra, na, rb, nb);
            return 0;
        }
    }
    return 1;
}

/* Evaluates rec on date the fast way (into fres), the exact way (into
 * xres) and through ql_evaluate (into fres again); 1 when all agree. */
static int fd_compare(ql_result *fres, ql_result *xres, const ql_record *rec,
                      ql_date date, fd_stats *st, char *why, size_t n)
{
    st->records++;
    int took = qli_fast_eval(fres, rec, date, qli_fast_scratch_of(fres)) == 0;
    ql_status xs = qli_eval_record(xres, rec, date, 0);
    /* what either engine made is then held to its places (as
     * ql_evaluate does): a value too long for them is an error of both */
    ql_status fs = took ? qli_sc_check_result(fres) : QL_OK;
    if (xs == QL_OK)
        xs = qli_sc_check_result(xres);
    if (took) {
        st->fast++;
        if (xs != fs) {
            snprintf(why, n, "the fast path gave %s, the exact engine %s: "
                             "%.200s", ql_status_name(fs), ql_status_name(xs),
                     ql_result_error(xs ? xres : fres)->message);
            st->mismatches++;
            return 0;
        }
        if (xs == QL_OK && !fd_same_results(fres, xres, why, n)) {
            st->mismatches++;
            return 0;
        }
    } else {
        st->fallback++;
        st->ok_fallback += xs == QL_OK;
    }
    st->ok += xs == QL_OK;
    ql_error err;
    ql_status ps = ql_evaluate(fres, rec, date, 0, &err);
    if (ps != xs || ql_result_status(fres) != xs) {
        snprintf(why, n, "ql_evaluate gave %s, the exact engine %s",
                 ql_status_name(ps), ql_status_name(xs));
        st->mismatches++;
        return 0;
    }
    if (xs != QL_OK) {
        if (!fd_same_error(ql_result_error(fres), ql_result_error(xres))) {
            snprintf(why, n, "errors differ: '%.200s' and '%.200s'",
                     ql_result_error(fres)->message,
                     ql_result_error(xres)->message);
            st->mismatches++;
            return 0;
        }
    } else if (!fd_same_results(fres, xres, why, n)) {
        st->mismatches++;
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ records */

/* A random decimal text: mostly what the rules expect, sometimes a value
 * past 64 bits, a negative one, many places. */
static void fd_number_text(fd_rng *r, char *out, size_t n, int integer,
                           int tame)
{
    int cls = tame ? 3 + fd_below(r, 17) : fd_below(r, 20);
    const char *sign = !tame && fd_below(r, 8) == 0 ? "-" : "";
    if (cls == 0) { /* past 64 bits */
        snprintf(out, n, "%s%" PRIu64 "%018" PRIu64, sign,
                 (uint64_t)(fd_next(r) % 1000000000000ULL + 1),
                 (uint64_t)(fd_next(r) % 1000000000000000000ULL));
        return;
    }
    if (cls == 1) { /* near the 64-bit edge */
        snprintf(out, n, "%s%" PRIu64, sign, (uint64_t)((fd_next(r) >> 1) | (1ULL << 61)));
        return;
    }
    uint64_t whole = cls < 10 ? fd_next(r) % 200 : cls < 16 ? fd_next(r) % 100000
                     : fd_next(r) % (tame ? 100000000ULL : 10000000000ULL);
    int places = integer ? 0 : fd_below(r, 7) < 3 ? 0 : fd_below(r, tame ? 3 : 8);
    if (cls == 2 && !integer)
        places = 15 + fd_below(r, 8);
    if (places == 0) {
        snprintf(out, n, "%s%" PRIu64, sign, whole);
        return;
    }
    char frac[40];
    for (int i = 0; i < places; i++)
        frac[i] = (char)('0' + fd_below(r, 10));
    frac[places] = '\0';
    snprintf(out, n, "%s%" PRIu64 ".%s", sign, whole, frac);
}

/* Fills rec with random values; a value the record refuses leaves the
 * field empty, as a caller ignoring the error would.  Tame values are
 * what real data holds: not negative, at most two places, below 10^8. */
static void fd_gen_record_as(fd_rng *r, const ql_ruleset *rs, ql_record *rec,
                             int empty_pct, int tame)
{
    ql_record_clear(rec);
    for (size_t i = 0; i < rs->n_inputs; i++) {
        const input_def *d = &rs->inputs[i];
        if (fd_below(r, 100) < empty_pct)
            continue;
        char t[96];
        switch (d->type.kind) {
        case VK_NUMBER: fd_number_text(r, t, sizeof t, d->integer, tame); break;
        case VK_BOOL: snprintf(t, sizeof t, "%s", fd_below(r, 2) ? "true" : "false"); break;
        case VK_DATE:
            snprintf(t, sizeof t, "%04d-%02d-%02d", 2015 + fd_below(r, 14),
                     1 + fd_below(r, 12), 1 + fd_below(r, 28));
            break;
        case VK_ENUM:
            snprintf(t, sizeof t, "%s", d->en.values[fd_below(r, (int)d->en.n)]);
            break;
        default:
            snprintf(t, sizeof t, "%s", fd_below(r, 2) ? "alpha" : "beta");
            break;
        }
        ql_record_set_text(rec, i, t, strlen(t), NULL);
    }
}

static void fd_gen_record(fd_rng *r, const ql_ruleset *rs, ql_record *rec,
                          int empty_pct)
{
    fd_gen_record_as(r, rs, rec, empty_pct, 0);
}

static ql_date fd_gen_date(fd_rng *r)
{
    ql_date d;
    ql_date_from_ymd(&d, 2016 + fd_below(r, 13), 1 + fd_below(r, 12),
                     1 + fd_below(r, 28));
    return d;
}

/* ------------------------------------------------------------ rule sets */

typedef struct fd_gen {
    fd_rng *r;
    fd_buf *b;
    int ncomp;  /* computed values defined so far (c0 … c{ncomp−1}) */
    char *kinds; /* each computed value's kind: n, b, d */
    int depth;
} fd_gen;

static void fd_num(fd_gen *g);
static void fd_bool(fd_gen *g);
static void fd_date(fd_gen *g);

static void fd_literal(fd_gen *g)
{
    fd_rng *r = g->r;
    switch (fd_below(r, 6)) {
    case 0: fd_put(g->b, "%d", fd_below(r, 100)); break;
    case 1: fd_put(g->b, "%d.%02d", fd_below(r, 10), fd_below(r, 100)); break;
    case 2: fd_put(g->b, "%d.%d%%", fd_below(r, 5), fd_below(r, 10)); break;
    case 3: fd_put(g->b, "0.%03d", fd_below(r, 1000)); break;
    case 4: fd_put(g->b, "%d", fd_below(r, 3)); break;
    default: fd_put(g->b, "1000000000000"); break;
    }
}

static int fd_pick_comp(fd_gen *g, char kind)
{
    int seen = 0, pick = -1;
    for (int i = 0; i < g->ncomp; i++)
        if (g->kinds[i] == kind && fd_below(g->r, ++seen) == 0)
            pick = i;
    return pick;
}

static void fd_num(fd_gen *g)
{
    static const char *const modes[] = {"half_up", "half_even", "half_down",
                                        "up", "down", "ceiling", "floor"};
    /* h and r are fields 9 and 10: past the first eight, which the
     * fast path reads a word at a time */
    static const char *const nums[] = {"a", "b", "n", "g", "p", "q", "h", "r"};
    fd_rng *r = g->r;
    int leaf = g->depth > 4 || fd_below(r, 3) == 0;
    g->depth++;
    int c = leaf ? fd_below(r, 3) : 3 + fd_below(r, 15);
    int k;
    switch (c) {
    case 0: fd_literal(g); break;
    case 1: fd_put(g->b, "%s", nums[fd_below(r, 8)]); break;
    case 2:
        if ((k = fd_pick_comp(g, 'n')) >= 0)
            fd_put(g->b, "c%d", k);
        else
            fd_put(g->b, "%s", nums[fd_below(r, 6)]);
        break;
    case 3: case 4: case 5: {
        static const char ops[] = "+-*/";
        fd_put(g->b, "(");
        fd_num(g);
        fd_put(g->b, " %c ", ops[fd_below(r, 4)]);
        fd_num(g);
        fd_put(g->b, ")");
        break;
    }
    case 6:
        fd_put(g->b, "round(");
        fd_num(g);
        if (fd_below(r, 2))
            fd_put(g->b, ", %d, \"%s\")", fd_below(r, 5), modes[fd_below(r, 7)]);
        else
            fd_put(g->b, ", %d)", fd_below(r, 6) - 1);
        break;
    case 7: {
        static const char *const f[] = {"ceil", "floor", "trunc"};
        fd_put(g->b, "%s(", f[fd_below(r, 3)]);
        fd_num(g);
        if (fd_below(r, 2))
            fd_put(g->b, ", %d", fd_below(r, 4));
        fd_put(g->b, ")");
        break;
    }
    case 8:
        fd_put(g->b, "round((");
        fd_num(g);
        fd_put(g->b, ") / (");
        fd_num(g);
        fd_put(g->b, "), %d)", fd_below(r, 5));
        break;
    case 9:
        fd_put(g->b, "%s(", fd_below(r, 2) ? "min" : "max");
        fd_num(g);
        fd_put(g->b, ", ");
        fd_num(g);
        if (fd_below(r, 2)) {
            fd_put(g->b, ", ");
            fd_num(g);
        }
        fd_put(g->b, ")");
        break;
    case 10:
        fd_put(g->b, "if(");
        fd_bool(g);
        fd_put(g->b, ", ");
        fd_num(g);
        fd_put(g->b, ", ");
        fd_num(g);
        fd_put(g->b, ")");
        break;
    case 11:
        fd_put(g->b, "bracket(t, ");
        fd_num(g);
        fd_put(g->b, ")");
        break;
    case 12:
        fd_put(g->b, "-");
        fd_num(g);
        break;
    case 13:
        fd_put(g->b, "abs(");
        fd_num(g);
        fd_put(g->b, ")");
        break;
    case 14: {
        static const char *const f[] = {"year", "month", "day"};
        fd_put(g->b, "%s(", f[fd_below(r, 3)]);
        fd_date(g);
        fd_put(g->b, ")");
        break;
    }
    case 15:
        fd_put(g->b, "days_between(");
        fd_date(g);
        fd_put(g->b, ", ");
        fd_date(g);
        fd_put(g->b, ")");
        break;
    case 16:
        fd_put(g->b, "at(%s, ", fd_below(r, 2) ? "p" : "q");
        fd_date(g);
        fd_put(g->b, ")");
        break;
    default:
        fd_put(g->b, "ck.%s", fd_below(r, 2) ? "required" : "shortfall");
        break;
    }
    g->depth--;
}

static void fd_bool(fd_gen *g)
{
    static const char *const cmps[] = {"==", "!=", "<", "<=", ">", ">="};
    fd_rng *r = g->r;
    int leaf = g->depth > 4 || fd_below(r, 3) == 0;
    g->depth++;
    int k;
    switch (leaf ? fd_below(r, 4) : fd_below(r, 12)) {
    case 0: fd_put(g->b, "f"); break;
    case 1: fd_put(g->b, "present(%s)", fd_below(r, 2) ? "a" : "k"); break;
    case 2:
        if ((k = fd_pick_comp(g, 'b')) >= 0)
            fd_put(g->b, "c%d", k);
        else
            fd_put(g->b, "ck.compliant");
        break;
    case 3: fd_put(g->b, "k %s \"x\"", fd_below(r, 2) ? "==" : "!="); break;
    case 4: case 5: case 6:
        fd_num(g);
        fd_put(g->b, " %s ", cmps[fd_below(r, 6)]);
        fd_num(g);
        break;
    case 7:
        fd_date(g);
        fd_put(g->b, " %s ", cmps[fd_below(r, 6)]);
        fd_date(g);
        break;
    case 8:
        fd_put(g->b, "(");
        fd_bool(g);
        fd_put(g->b, " %s ", fd_below(r, 2) ? "and" : "or");
        fd_bool(g);
        fd_put(g->b, ")");
        break;
    case 9:
        fd_put(g->b, "not (");
        fd_bool(g);
        fd_put(g->b, ")");
        break;
    case 10:
        fd_put(g->b, "k %sin [\"x\", \"z\"]", fd_below(r, 2) ? "not " : "");
        break;
    default:
        if (fd_below(r, 2)) {
            fd_put(g->b, "s == \"alpha\"");
        } else {
            fd_num(g);
            fd_put(g->b, " in [1, 2.5, 1.5%%]");
        }
        break;
    }
    g->depth--;
}

static void fd_date(fd_gen *g)
{
    fd_rng *r = g->r;
    int leaf = g->depth > 4 || fd_below(r, 2) == 0;
    g->depth++;
    int k;
    switch (leaf ? fd_below(r, 4) : 4 + fd_below(r, 4)) {
    case 0: fd_put(g->b, "d"); break;
    case 1: fd_put(g->b, "date"); break;
    case 2: fd_put(g->b, "date(\"2024-02-29\")"); break;
    case 3:
        if ((k = fd_pick_comp(g, 'd')) >= 0)
            fd_put(g->b, "c%d", k);
        else
            fd_put(g->b, "date");
        break;
    case 4: {
        static const char *const f[] = {"add_days", "add_months", "add_years"};
        fd_put(g->b, "%s(", f[fd_below(r, 3)]);
        fd_date(g);
        fd_put(g->b, ", ");
        if (fd_below(r, 2))
            fd_put(g->b, "n");
        else
            fd_num(g);
        fd_put(g->b, ")");
        break;
    }
    case 5:
        fd_put(g->b, "%s(", fd_below(r, 2) ? "min" : "max");
        fd_date(g);
        fd_put(g->b, ", ");
        fd_date(g);
        fd_put(g->b, ")");
        break;
    case 6:
        fd_put(g->b, "if(");
        fd_bool(g);
        fd_put(g->b, ", ");
        fd_date(g);
        fd_put(g->b, ", ");
        fd_date(g);
        fd_put(g->b, ")");
        break;
    default: fd_put(g->b, "at(w, date)"); break;
    }
    g->depth--;
}

/* A random rule set over fixed inputs and parameters with `ncomp`
 * computed values, one or two checks and two or three validations; most
 * computed values are outputs.  The text is NUL terminated in b. */
static void fd_gen_rules(fd_rng *r, fd_buf *b, int ncomp)
{
    char kinds[64];
    fd_gen g = {r, b, 0, kinds, 0};
    if (ncomp > 64)
        ncomp = 64;
    b->n = 0;
    fd_put(b, "quotalevy: 1\nid: fuzz\ntitle: fuzz\njurisdiction: XX\n"
              "version: \"1\"\nsources:\n  s: {title: generated test data}\n"
              "inputs:\n  a: decimal\n  b: decimal\n"
              "  n: {type: integer}\n  g: {type: decimal, default: %s, scale: 4}\n"
              "  f: bool\n  d: date\n  k: {type: enum, values: [x, y, z]}\n"
              "  s: string\n  h: {type: decimal, default: 2.5}\n"
              "  r: {type: integer, required: %s}\n"
              "parameters:\n"
              "  p:\n    values:\n"
              /* 1.5 % and 1 % written as shares: a parameter writes
               * its numbers one way (the 2024 value is 3 or 0.0125) */
              "      - {from: 2016-01-01, value: 0.015, source: s}\n"
              "      - {from: 2024-01-01, value: %s, source: s}\n"
              "  q:\n    values:\n"
              "      - {from: 2019-01-01, until: 2025-06-30, value: 7, source: s}\n"
              "  w:\n    values:\n"
              "      - {from: 2016-01-01, value: 2027-12-31, source: s}\n"
              "  t:\n    values:\n      - from: 2016-01-01\n        source: s\n"
              "        brackets:\n          - {from: %s, value: 1}\n"
              "          - {above: 0.01, value: 0.5}\n"
              "          - {from: 2, value: %s}\n",
           fd_below(r, 2) ? "5" : "0.25", fd_below(r, 4) ? "false" : "true",
           fd_below(r, 2) ? "3" : "0.0125",
           fd_below(r, 4) ? "0" : "-1000", fd_below(r, 2) ? "0.25" : "3");
    fd_put(b, "checks:\n  ck:\n    title: generated\n    source: s\n");
    if (fd_below(r, 2))
        fd_put(b, "    from: 2018-01-01\n");
    fd_put(b, "    applies: \"present(a) and a > %d\"\n", fd_below(r, 3));
    fd_put(b, "    required: \"ceil(a * p)\"\n    actual: \"%s\"\n",
           fd_below(r, 2) ? "g" : "n + 0");
    if (fd_below(r, 2)) /* a check every evaluation runs whole */
        fd_put(b, "  ck2:\n    title: generated\n    source: s\n"
                  "    required: \"round(b * 3, 1)\"\n    actual: \"a + g\"\n");
    fd_put(b, "computed:\n");
    for (int i = 0; i < ncomp; i++) {
        int kind = fd_below(r, 10);
        fd_put(b, "  c%d: {expr: '", i);
        if (kind < 6) {
            fd_num(&g);
            kinds[i] = 'n';
            /* any number of places: shown to 8, exact inside */
            fd_put(b, "', scale: 8, display: %s}\n",
                   fd_below(r, 2) ? "half_even" : "down");
            g.ncomp = i + 1;
            continue;
        } else if (kind < 9) {
            fd_bool(&g);
            kinds[i] = 'b';
        } else {
            fd_date(&g);
            kinds[i] = 'd';
        }
        fd_put(b, "'}\n");
        g.ncomp = i + 1;
    }
    /* the validations, one of them sometimes reading a computed value
     * (evaluated there, then again by the main program) */
    fd_put(b, "validations:\n  v1:\n    rule: \"a <= %s\"\n"
              "    message: a is too large\n    field: a\n"
              "  v2:\n    rule: \"n >= -5 or f\"\n    message: n too small\n",
           fd_below(r, 2) ? "1000000" : "100000000000");
    int vk = fd_below(r, ncomp > 0 ? ncomp : 1);
    if (ncomp > 0 && kinds[vk] == 'n' && fd_below(r, 2))
        fd_put(b, "  v3:\n    rule: \"c%d < 100000000000000\"\n"
                  "    message: c%d too large\n", vk, vk);
    /* most values are outputs; the others are evaluated only where a
     * value that is read names them (in one branch of an if, say) */
    fd_put(b, "outputs: [");
    for (int i = 0; i < ncomp; i++)
        if (i == ncomp - 1 || fd_below(r, 3))
            fd_put(b, "c%d, ", i);
    fd_put(b, "ck, n]\n");
}

/* Loads the text in b; NULL when the generator wrote something the type
 * checker refuses (a date compared with a number cannot happen, but a
 * quotient of 36-digit literals can). */
static ql_ruleset *fd_load(const fd_buf *b)
{
    ql_load_options o = QL_LOAD_OPTIONS_INIT;
    o.buffer = b->s;
    o.buffer_len = b->n;
    ql_ruleset *rs = NULL;
    ql_error err;
    if (ql_ruleset_load_ext(&rs, "fuzz.yaml", &o, &err) != QL_OK)
        return NULL;
    return rs;
}

/* ------------------------------------------------------------ columns */

#define FD_ROWS 32

typedef struct fd_rowerrs {
    size_t n;
    size_t row[FD_ROWS];
    ql_error err[FD_ROWS];
} fd_rowerrs;

static void fd_on_row_error(size_t row, const ql_error *e, void *payload)
{
    fd_rowerrs *x = payload;
    if (x->n < FD_ROWS) {
        x->row[x->n] = row;
        x->err[x->n] = *e;
    }
    x->n++;
}

/* A random cell of an int64 column for input d: tame (what real data
 * holds at column scale sc) or anything — values the field refuses, the
 * edges of 64 bits, enum indexes and dates out of range. */
static int64_t fd_cell(fd_rng *r, const input_def *d, int sc, int tame)
{
    int wild = !tame && fd_below(r, 6) == 0;
    switch (d->type.kind) {
    case VK_BOOL: return wild ? (int64_t)fd_next(r) : fd_below(r, 2);
    case VK_DATE:
        if (wild)
            return fd_below(r, 2) ? (int64_t)fd_next(r) : -719163 - fd_below(r, 3);
        return 16436 + fd_below(r, 14 * 365); /* 2015 … 2028 */
    case VK_ENUM:
        return wild ? (int64_t)d->en.n + fd_below(r, 3) - 1 - (fd_below(r, 2) ? 0 : (int64_t)d->en.n)
                    : fd_below(r, (int)d->en.n);
    default: break;
    }
    if (wild) {
        switch (fd_below(r, 4)) {
        case 0: return INT64_MAX - fd_below(r, 3);
        case 1: return INT64_MIN + fd_below(r, 3);
        case 2: return -(int64_t)(fd_next(r) % 100000);
        default: return (int64_t)(fd_next(r) >> fd_below(r, 63));
        }
    }
    int64_t whole = (int64_t)(fd_next(r) % (fd_below(r, 4) ? 200 : 100000000));
    /* its places' digits, as far as 64 bits hold them */
    for (int k = 0; k < sc; k++)
        if (__builtin_mul_overflow(whole, 10, &whole) ||
            __builtin_add_overflow(whole, fd_below(r, 3) ? 0 : fd_below(r, 10),
                                   &whole))
            return INT64_MAX;
    return whole;
}

/* The texts of a string column's cells: ids as real data hold them,
 * and (wild) every kind the text setter trims, empties or refuses — a
 * blank at an end, only blanks, UTF-8 beyond ASCII, a decomposed é and
 * a zero-width space (refused where a formula compares the string),
 * bytes that are not UTF-8, a NUL, a control. */
typedef struct fd_text {
    const char *s;
    size_t len;
} fd_text;
#define FD_T(x) {x, sizeof x - 1}
static const fd_text fd_texts[] = {
    FD_T("U00000001"), FD_T("JL-E001"),    FD_T("a"),
    FD_T("x y"),       FD_T(" pad"),       FD_T("pad\t"),
    FD_T("  "),        FD_T(""),           FD_T("长春一汽"),
    FD_T("e\xCC\x81"), FD_T("\xC3\xA9"),  FD_T("x\xE2\x80\x8By"),
    FD_T("bad\xFF"),   FD_T("nul\0x"),     FD_T("ab\x01"),
    FD_T("\xE6\x98"),  FD_T("del\x7F")};
#undef FD_T

static fd_text fd_text_cell(fd_rng *r, int tame)
{
    if (tame || fd_below(r, 4))
        return fd_texts[fd_below(r, 4)];
    return fd_texts[fd_below(r, (int)(sizeof fd_texts / sizeof *fd_texts))];
}

/* Row r of the columns as a record, set with the typed setters as the
 * header says ql_evaluate_columns reads it (a string with the text
 * setter); QL_OK or the first refusal. */
static ql_status fd_set_row(const ql_ruleset *rs, ql_record *rec, size_t r,
                            int64_t (*v)[FD_ROWS], uint8_t (*pr)[FD_ROWS],
                            fd_text (*t)[FD_ROWS], const int *has,
                            const int *sc, ql_error *err)
{
    ql_record_clear(rec);
    for (size_t i = 0; i < rs->n_inputs; i++) {
        if (!has[i] || !pr[i][r])
            continue;
        const input_def *d = &rs->inputs[i];
        int64_t x = v[i][r];
        ql_status st;
        ql_decimal dec;
        switch (d->type.kind) {
        case VK_STRING:
            st = ql_record_set_text(rec, i, t[i][r].s, t[i][r].len, err);
            break;
        case VK_BOOL: st = ql_record_set_bool(rec, i, x != 0, err); break;
        case VK_DATE:
            if (x > INT32_MAX || x < INT32_MIN) { /* past a ql_date */
                err->code = QL_ERECORD; /* the columns' own message */
                snprintf(err->field, sizeof err->field, "%s", d->name);
                return QL_ERECORD;
            }
            st = ql_record_set_date(rec, i, (ql_date)x, err);
            break;
        case VK_ENUM:
            if (x < 0 || x >= (int64_t)d->en.n) {
                err->code = QL_ERECORD; /* the columns' own message */
                snprintf(err->field, sizeof err->field, "%s", d->name);
                return QL_ERECORD;
            }
            st = ql_record_set(rec, d->name, d->en.values[x], err);
            break;
        default:
            ql_decimal_from_int64(&dec, x, sc[i]);
            st = ql_record_set_decimal(rec, i, &dec, err);
            break;
        }
        if (st)
            return st;
    }
    return QL_OK;
}

/* Columns of FD_ROWS rows for every input of a rule set: has[i] 0 for
 * an input without a column, sc[i] its scale, v and pr its cells. */
typedef struct fd_cols {
    size_t ni;
    int64_t (*v)[FD_ROWS];
    uint8_t (*pr)[FD_ROWS];
    fd_text (*t)[FD_ROWS]; /* a string input's texts */
    const char *(*ts)[FD_ROWS];
    size_t (*tl)[FD_ROWS];
    int *has, *sc, *all; /* all: no present array */
} fd_cols;

static void fd_cols_init(fd_cols *d, const ql_ruleset *rs)
{
    d->ni = rs->n_inputs;
    d->v = calloc(d->ni + 1, sizeof *d->v);
    d->pr = calloc(d->ni + 1, sizeof *d->pr);
    d->t = calloc(d->ni + 1, sizeof *d->t);
    d->ts = calloc(d->ni + 1, sizeof *d->ts);
    d->tl = calloc(d->ni + 1, sizeof *d->tl);
    d->has = calloc(d->ni + 1, sizeof *d->has);
    d->sc = calloc(d->ni + 1, sizeof *d->sc);
    d->all = calloc(d->ni + 1, sizeof *d->all);
    if (!d->v || !d->pr || !d->t || !d->ts || !d->tl || !d->has || !d->sc || !d->all)
        abort();
}

static void fd_cols_free(fd_cols *d)
{
    free(d->v);
    free(d->pr);
    free(d->t);
    free(d->ts);
    free(d->tl);
    free(d->has);
    free(d->sc);
    free(d->all);
}

/* Random columns: tame (what real data holds) or anything. */
static void fd_gen_columns(fd_rng *r, const ql_ruleset *rs, fd_cols *d,
                           size_t rows, int tame, int empty_pct)
{
    for (size_t i = 0; i < rs->n_inputs; i++) {
        const input_def *in = &rs->inputs[i];
        int num = in->type.kind == VK_NUMBER;
        d->has[i] = fd_below(r, 10) != 0;
        d->sc[i] = num ? (tame ? fd_below(r, 3) : fd_below(r, 19)) : 0;
        d->all[i] = fd_below(r, 3) == 0;
        for (size_t k = 0; k < rows; k++) {
            d->v[i][k] = fd_cell(r, in, d->sc[i], tame);
            d->t[i][k] = fd_text_cell(r, tame);
            d->pr[i][k] = d->all[i] || fd_below(r, 100) >= empty_pct;
        }
    }
}

/* The columns d of `rows` rows through cols (of rs) and through rec and
 * res, compared; 1 when all agree.  count[0] += the rows
 * ql_evaluate_columns evaluated in place, count[1] += the rows that
 * evaluate without error.  r picks the output columns wanted. */
static int fd_check_columns(fd_rng *r, const ql_ruleset *rs, ql_columns *cols,
                            ql_record *rec, ql_result *res, const fd_cols *d,
                            size_t rows, ql_date date, long *count, char *why,
                            size_t n)
{
    size_t ni = rs->n_inputs, no = rs->n_outputs, nk = rs->n_checks;
    int64_t (*v)[FD_ROWS] = d->v;
    uint8_t (*pr)[FD_ROWS] = d->pr;
    const int *has = d->has, *sc = d->sc;
    int64_t (*oc)[FD_ROWS] = calloc(no + 5 * nk + 1, sizeof *oc);
    int8_t (*os)[FD_ROWS] = calloc(no + 5 * nk + 1, sizeof *os);
    int *wants = calloc(no + 5 * nk + 1, sizeof *wants);
    int *as_date = calloc(no + 1, sizeof *as_date);
    ql_date (*days)[FD_ROWS] = calloc(no + 1, sizeof *days);
    fd_rowerrs *errs = calloc(1, sizeof *errs);
    int ok = 1;
    if (!oc || !os || !errs || !wants || !as_date || !days)
        abort();
    for (size_t i = 0; i < ni; i++) {
        ql_error err;
        for (size_t k = 0; k < FD_ROWS; k++) {
            d->ts[i][k] = d->t[i][k].s;
            d->tl[i][k] = d->t[i][k].len;
        }
        const uint8_t *present = has[i] && !d->all[i] ? pr[i] : NULL;
        ql_status set =
            rs->inputs[i].type.kind == VK_STRING
                ? ql_columns_set_input_text(cols, i, has[i] ? d->ts[i] : NULL,
                                            has[i] ? d->tl[i] : NULL, present, &err)
                : ql_columns_set_input(cols, i, has[i] ? v[i] : NULL,
                                       has[i] ? sc[i] : 0, present, &err);
        if (set != QL_OK) {
            fprintf(stderr, "ql_columns_set_input: %s\n", err.message);
            abort();
        }
        if (!has[i] || d->all[i])
            memset(pr[i], has[i], sizeof pr[i]); /* what fd_set_row reads */
    }
    /* most output columns wanted, some not; a computed date's mostly as
     * its own ql_date column */
    for (size_t j = 0; j < no + 5 * nk; j++) {
        int want = wants[j] = fd_below(r, 5) != 0;
        memset(os[j], 99, sizeof os[j]);
        if (j < no)
            as_date[j] = rs->outputs[j].kind == OUT_COMPUTED &&
                         rs->computed[rs->outputs[j].index].type.kind == VK_DATE &&
                         fd_below(r, 4) != 0;
        if (j < no && as_date[j]) {
            if (ql_columns_set_output_date(cols, j, want ? days[j] : NULL,
                                           want ? os[j] : NULL, NULL))
                abort();
            continue;
        }
        ql_status st = j < no ? ql_columns_set_output(cols, j, want ? oc[j] : NULL,
                                                      want ? os[j] : NULL, NULL)
                              : ql_columns_set_check(cols, (j - no) / 5,
                                                     (ql_check_field)((j - no) % 5),
                                                     want ? oc[j] : NULL,
                                                     want ? os[j] : NULL, NULL);
        if (st)
            abort();
    }
    size_t before = qli_columns_fast_rows(cols);
    ql_status first = ql_evaluate_columns(cols, rows, date, fd_on_row_error, errs, NULL);
    count[0] += (long)(qli_columns_fast_rows(cols) - before);
    ql_status want_first = QL_OK;
    size_t e = 0;
    for (size_t k = 0; k < rows && ok; k++) {
        ql_error err;
        memset(&err, 0, sizeof err);
        ql_status st = fd_set_row(rs, rec, k, v, pr, d->t, has, sc, &err);
        int own = st == QL_ERECORD && err.message[0] == '\0'; /* an enum index, a date past 32 bits */
        if (st == QL_OK)
            st = ql_evaluate(res, rec, date, 0, &err);
        if (st && want_first == QL_OK)
            want_first = st;
        count[1] += st == QL_OK;
        if (st) {
            if (e >= errs->n || errs->row[e] != k || errs->err[e].code != st ||
                (own ? strcmp(errs->err[e].field, err.field) != 0
                     : !fd_same_error(&errs->err[e], &err))) {
                snprintf(why, n, "row %zu: ql_evaluate gave %s '%.200s', the columns %s",
                         k, ql_status_name(st), err.message,
                         e < errs->n && errs->row[e] == k ? errs->err[e].message : "no error");
                ok = 0;
            }
            e++;
        } else if (e < errs->n && errs->row[e] == k) {
            snprintf(why, n, "row %zu: the columns gave an error, ql_evaluate none: %.200s",
                     k, errs->err[e].message);
            ok = 0;
        }
        const ql_result *one = res;
        for (size_t j = 0; j < no + 5 * nk && ok; j++) {
            int64_t c = 0;
            int8_t s = QL_I64_NONE;
            ql_value dv = QL_VALUE_INIT;
            if (st == QL_OK) {
                if (j < no && as_date[j]) {
                    /* a computed date's own column: its ql_date */
                    if (ql_result_output(&dv, res, j) == QL_OK &&
                        dv.type == QL_TYPE_DATE)
                        c = dv.date, s = 0;
                } else if (j < no)
                    ql_results_output_i64(&c, &s, &one, 1, j, NULL);
                else
                    ql_results_check_i64(&c, &s, &one, 1, (j - no) / 5,
                                         (ql_check_field)((j - no) % 5), NULL);
            }
            int64_t got = j < no && as_date[j] ? days[j][k] : oc[j][k];
            if (!wants[j] ? os[j][k] != 99 /* not wanted: untouched */
                          : os[j][k] != s || (s >= 0 && got != c)) {
                snprintf(why, n, "row %zu column %zu: columns %lld (scale %d), "
                                 "ql_evaluate %lld (scale %d)",
                         k, j, (long long)oc[j][k], os[j][k], (long long)c, s);
                ok = 0;
            }
        }
    }
    if (ok && e != errs->n) {
        snprintf(why, n, "the columns reported %zu errors, ql_evaluate %zu", errs->n, e);
        ok = 0;
    }
    if (ok && first != want_first) {
        snprintf(why, n, "ql_evaluate_columns returned %s, the rows' first error %s",
                 ql_status_name(first), ql_status_name(want_first));
        ok = 0;
    }
    free(oc);
    free(os);
    free(wants);
    free(as_date);
    free(days);
    free(errs);
    return ok;
}

/* Random columns of rs (fd_gen_columns) checked (fd_check_columns). */
static int fd_compare_columns(fd_rng *r, const ql_ruleset *rs, ql_columns *cols,
                              ql_record *rec, ql_result *res, size_t rows,
                              int tame, int empty_pct, ql_date date, long *count,
                              char *why, size_t n)
{
    fd_cols d;
    fd_cols_init(&d, rs);
    fd_gen_columns(r, rs, &d, rows, tame, empty_pct);
    int ok = fd_check_columns(r, rs, cols, rec, res, &d, rows, date, count, why, n);
    fd_cols_free(&d);
    return ok;
}

#endif
