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
 */
#ifndef QL_FAST_DIFF_H
#define QL_FAST_DIFF_H

#include "quotalevy.h"
#include "eval.h"
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

#endif
