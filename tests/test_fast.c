/*
 * test_fast.c — the fast path (lib/fast*.c) against the exact engine:
 * every bundled rule set on its examples and on random records, and
 * random rule sets on random records (tests/fast_diff.h).  Results,
 * errors and scales must be identical; the examples must take the fast
 * path; the shares that fall back are printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fast_diff.h"
#include "fast_gen.h"

#define SRC QL_SOURCE_DIR "/"

static ql_date day(const char *s)
{
    ql_date d;
    assert_int_equal(ql_date_parse(&d, s, strlen(s), NULL), QL_OK);
    return d;
}

typedef struct pair {
    ql_ruleset *rs;
    ql_record *rec;
    ql_result *fast, *exact;
} pair;

static void pair_open(pair *p, const char *path)
{
    ql_error err;
    if (ql_ruleset_load(&p->rs, path, &err) != QL_OK)
        fail_msg("%s: %s", path, err.message);
    assert_non_null(p->rs->fast);
    assert_int_equal(ql_record_new(&p->rec, p->rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&p->fast, p->rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&p->exact, p->rs, NULL), QL_OK);
}

static void pair_close(pair *p)
{
    ql_result_free(p->fast);
    ql_result_free(p->exact);
    ql_record_free(p->rec);
    ql_ruleset_free(p->rs);
}

/* A number text times f/10 (1 ≤ f ≤ 19), its places kept: an employer
 * of the example grown or shrunk. */
static void scaled(const char *t, int f, char *out, size_t n)
{
    unsigned long long c = 0;
    int places = -1;
    for (const char *q = t; *q; q++) {
        if (*q == '.')
            places = 0;
        else if (*q >= '0' && *q <= '9') {
            c = c * 10 + (unsigned)(*q - '0');
            places += places >= 0;
        } else {
            snprintf(out, n, "%s", t); /* not a plain number: as it is */
            return;
        }
        if (c > 100000000000000ULL) {
            snprintf(out, n, "%s", t);
            return;
        }
    }
    c = c * (unsigned)f / 10;
    if (places <= 0) {
        snprintf(out, n, "%llu", c);
        return;
    }
    unsigned long long p10 = 1;
    for (int i = 0; i < places; i++)
        p10 *= 10;
    if (places > 18) {
        snprintf(out, n, "%s", t);
        return;
    }
    snprintf(out, n, "%llu.%0*llu", c / p10, places % 19, c % p10);
}

/* Every row of a CSV example (no quoted fields) through fd_compare;
 * returns the rows the exact engine evaluates without error.  With rng,
 * each row's numbers are scaled (all by one factor, some by their own)
 * and some fields emptied: data like the example's, `copies` times. */
static long run_csv_as(pair *p, const char *csv, ql_date date, fd_stats *st,
                       fd_rng *rng, int copies)
{
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[8192];
    int cols[512];
    int ncols = 0;
    long ok = 0;
    char why[512];
    for (int row = 0; fgets(line, sizeof line, f); row++) {
        line[strcspn(line, "\r\n")] = '\0';
        char *save = NULL, *tok;
        int c = 0;
        if (row == 0) {
            for (tok = strtok_r(line, ",", &save); tok && c < 512;
                 tok = strtok_r(NULL, ",", &save))
                cols[c++] = ql_ruleset_input_index(p->rs, tok);
            ncols = c;
            continue;
        }
        char copy[8192];
        memcpy(copy, line, sizeof copy);
        for (int k = 0; k < (rng ? copies : 1); k++) {
            ql_record_clear(p->rec);
            memcpy(line, copy, sizeof line);
            int fac = rng ? 1 + fd_below(rng, 19) : 10;
            c = 0;
            /* strsep keeps empty fields */
            char *rest = line;
            while ((tok = strsep(&rest, ",")) && c < ncols) {
                char t[128];
                snprintf(t, sizeof t, "%s", tok);
                if (rng && cols[c] >= 0 &&
                    p->rs->inputs[cols[c]].type.kind == VK_NUMBER && *tok)
                    scaled(tok, fd_below(rng, 5) ? fac : 1 + fd_below(rng, 19), t,
                           sizeof t);
                if (rng && fd_below(rng, 20) == 0)
                    t[0] = '\0';
                if (*t && cols[c] >= 0)
                    ql_record_set_text(p->rec, (size_t)cols[c], t, strlen(t), NULL);
                c++;
            }
            long before = st->fast;
            if (!fd_compare(p->fast, p->exact, p->rec, date, st, why, sizeof why))
                fail_msg("%s row %d: %s", csv, row, why);
            if (ql_result_status(p->exact) == QL_OK) {
                ok++;
                if (!rng && st->fast == before)
                    fail_msg("%s row %d: evaluates without error but fell back",
                             csv, row);
            }
        }
    }
    fclose(f);
    return ok;
}

static long run_csv(pair *p, const char *csv, ql_date date, fd_stats *st)
{
    return run_csv_as(p, csv, date, st, NULL, 1);
}

static void test_fast_examples_take_the_fast_path(void **state)
{
    (void)state;
    static const struct {
        const char *rules, *csv, *date;
    } ex[] = {
        {"rules/cn/jilin.yaml", "examples/jilin-units.csv", "2024-06-30"},
        {"rules/cn/jilin.yaml", "examples/jilin-agencies.csv", "2024-06-30"},
        {"rules/cn/jilin.yaml", "examples/jilin-units.csv", "2026-06-30"},
        {"rules/cn/national.yaml", "examples/jilin-units.csv", "2019-06-30"},
        {"rules/de/sgb9.yaml", "examples/de-employers.csv", "2024-12-31"},
        {"rules/jp/levy.yaml", "examples/jp-employers.csv", "2024-12-31"},
        {"rules/fr/oeth.yaml", "examples/fr-companies.csv", "2024-12-31"},
    };
    for (size_t i = 0; i < sizeof ex / sizeof *ex; i++) {
        pair p;
        fd_stats st = {0};
        char rules[512], csv[512];
        snprintf(rules, sizeof rules, SRC "%s", ex[i].rules);
        snprintf(csv, sizeof csv, SRC "%s", ex[i].csv);
        pair_open(&p, rules);
        long ok = run_csv(&p, csv, day(ex[i].date), &st);
        printf("  %-26s %-28s %s: %ld rows, %ld fast, %ld fall back (%ld with errors)\n",
               ex[i].rules, ex[i].csv, ex[i].date, st.records, st.fast,
               st.fallback, st.records - ok);
        assert_true(ok > 0);
        assert_int_equal(st.mismatches, 0);
        /* data like the example's: ≥ 99 % of what evaluates takes the
         * fast path */
        fd_rng r = {0xe8a3 + i, NULL, 0};
        fd_stats like = {0};
        run_csv_as(&p, csv, day(ex[i].date), &like, &r, 2000 / (int)st.records + 1);
        printf("  %-26s %-28s   like it: %ld records, %ld of the %ld without "
               "error fall back\n", "", "", like.records, like.ok_fallback, like.ok);
        assert_int_equal(like.mismatches, 0);
        assert_true(like.ok > like.records / 4);
        assert_true(like.ok_fallback * 100 <= like.ok);
        pair_close(&p);
    }
}

/* Random records, empty fields and values past 64 bits included, on
 * every bundled rule set and on dates across their periods: run by the
 * generated C where a rule set has it (interpreted = 0), or by the
 * interpreter (interpreted = 1, QUOTALEVY_FAST_GEN=0 at load). */
static void bundled_random_records(int interpreted)
{
    static const char *const sets[] = {
        "rules/cn/jilin.yaml", "rules/cn/jilin-pool.yaml", "rules/cn/late-fee.yaml",
        "rules/cn/national.yaml", "rules/de/sgb9.yaml", "rules/jp/levy.yaml",
        "rules/fr/oeth.yaml"};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        char rules[512], why[512];
        snprintf(rules, sizeof rules, SRC "%s", sets[i]);
        pair p;
        if (interpreted)
            setenv("QUOTALEVY_FAST_GEN", "0", 1);
        pair_open(&p, rules);
        unsetenv("QUOTALEVY_FAST_GEN");
        if (interpreted)
            assert_null(p.rs->fast->native);
        fd_rng r = {0x5eed0000 + i, NULL, 0};
        fd_stats st = {0}, tame = {0};
        for (int k = 0; k < 3000; k++) {
            fd_gen_record(&r, p.rs, p.rec, 10 + fd_below(&r, 60));
            ql_date date = fd_gen_date(&r);
            if (!fd_compare(p.fast, p.exact, p.rec, date, &st, why, sizeof why))
                fail_msg("%s record %d: %s", sets[i], k, why);
        }
        /* values as real data holds them, on 2024-06-30: at least 99 % of
         * those the exact engine evaluates take the fast path */
        for (int k = 0; k < 3000; k++) {
            fd_gen_record_as(&r, p.rs, p.rec, fd_below(&r, 30), 1);
            if (!fd_compare(p.fast, p.exact, p.rec, day("2024-06-30"), &tame,
                            why, sizeof why))
                fail_msg("%s tame record %d: %s", sets[i], k, why);
        }
        printf("  %-26s random: %ld records, %ld fast, %ld of the %ld without "
               "error fall back; tame: %ld of the %ld without error fall back\n",
               sets[i], st.records, st.fast, st.ok_fallback, st.ok,
               tame.ok_fallback, tame.ok);
        assert_int_equal(st.mismatches, 0);
        assert_int_equal(tame.mismatches, 0);
        assert_true(tame.ok_fallback * 100 <= tame.ok);
        pair_close(&p);
    }
}

static void test_fast_bundled_random_records(void **state)
{
    (void)state;
    bundled_random_records(0);
}

static void test_fast_bundled_random_records_interpreted(void **state)
{
    (void)state;
    bundled_random_records(1);
}

/* Record rec of rs from row `row` (counted from 0, cycling) of a CSV
 * example (no quoted fields, header first). */
static void example_row(const ql_ruleset *rs, ql_record *rec, const char *csv,
                        int row)
{
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    char line[8192];
    int cols[512], ncols = 0, rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    line[strcspn(line, "\r\n")] = '\0';
    char *save = NULL;
    for (char *t = strtok_r(line, ",", &save); t && ncols < 512;
         t = strtok_r(NULL, ",", &save))
        cols[ncols++] = ql_ruleset_input_index(rs, t);
    long body = ftell(f);
    while (fgets(line, sizeof line, f))
        rows++;
    assert_true(rows > 0);
    fseek(f, body, SEEK_SET);
    for (int k = 0; k <= row % rows; k++)
        assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    line[strcspn(line, "\r\n")] = '\0';
    ql_record_clear(rec);
    char *rest = line, *tok;
    for (int c = 0; (tok = strsep(&rest, ",")) && c < ncols; c++)
        if (*tok && cols[c] >= 0)
            ql_record_set_text(rec, (size_t)cols[c], tok, strlen(tok), NULL);
}

/* ql_evaluate_many gives each record of a batch what ql_evaluate gives
 * it: the batch makes the fast path's set-up once (lib/result.c,
 * next_one), sends a record the fast path hands back to eval.c, and may
 * mix rule sets — for every bundled rule set, batches of its example's
 * rows and of random records (values past 64 bits, negative ones, fields
 * a formula needs left empty: errors and fallbacks), every third record
 * of another rule set's, on the example's date and on random dates. */
static void test_fast_batch_as_single_evaluations(void **state)
{
    (void)state;
    static const char *const sets[][3] = {
        {"rules/cn/jilin.yaml", "examples/jilin-units.csv", "2024-06-30"},
        {"rules/cn/jilin-pool.yaml", "examples/jilin-units.csv", "2024-06-30"},
        {"rules/cn/late-fee.yaml", "examples/late-fee-arrears.csv", "2024-06-30"},
        {"rules/cn/national.yaml", "examples/jilin-agencies.csv", "2024-06-30"},
        {"rules/de/sgb9.yaml", "examples/de-employers.csv", "2024-12-31"},
        {"rules/jp/levy.yaml", "examples/jp-employers.csv", "2025-10-01"},
        {"rules/fr/oeth.yaml", "examples/fr-companies.csv", "2024-12-31"}};
    enum { N = 48, NSETS = sizeof sets / sizeof *sets };
    for (size_t i = 0; i < NSETS; i++) {
        ql_ruleset *rs[2];
        ql_record *rec[2][N];
        ql_result *many[N], *one[N];
        const ql_record *batch[N];
        char path[512], csv[2][512], why[512];
        for (int k = 0; k < 2; k++) {
            size_t at = (i + (size_t)k) % NSETS;
            snprintf(path, sizeof path, SRC "%s", sets[at][0]);
            snprintf(csv[k], sizeof csv[k], SRC "%s", sets[at][1]);
            assert_int_equal(ql_ruleset_load(&rs[k], path, NULL), QL_OK);
            for (int j = 0; j < N; j++)
                assert_int_equal(ql_record_new(&rec[k][j], rs[k], NULL), QL_OK);
        }
        for (int j = 0; j < N; j++) {
            const ql_ruleset *of = rs[j % 3 == 2];
            assert_int_equal(ql_result_new(&many[j], of, NULL), QL_OK);
            assert_int_equal(ql_result_new(&one[j], of, NULL), QL_OK);
        }
        fd_rng r = {0xba7c0000 + i, NULL, 0};
        long errors = 0, evaluated = 0;
        for (int round = 0; round < 24; round++) {
            int like = round % 3 != 0; /* the example's rows */
            ql_date date = like ? day(sets[i][2]) : fd_gen_date(&r);
            for (int j = 0; j < N; j++) {
                int k = j % 3 == 2;
                if (like)
                    example_row(rs[k], rec[k][j], csv[k], j + round);
                else
                    fd_gen_record(&r, rs[k], rec[k][j], 10 + fd_below(&r, 60));
                batch[j] = rec[k][j];
            }
            ql_status bst = ql_evaluate_many(many, batch, N, date, 0), first = QL_OK;
            for (int j = 0; j < N; j++) {
                ql_status st = ql_evaluate(one[j], batch[j], date, 0, NULL);
                if (st && first == QL_OK)
                    first = st;
                errors += st != QL_OK;
                evaluated++;
                if (ql_result_status(many[j]) != st)
                    fail_msg("%s round %d record %d: the batch gave %s, "
                             "ql_evaluate %s", sets[i][0], round, j,
                             ql_status_name(ql_result_status(many[j])),
                             ql_status_name(st));
                if (st ? !fd_same_error(ql_result_error(many[j]),
                                        ql_result_error(one[j]))
                       : !fd_same_results(many[j], one[j], why, sizeof why))
                    fail_msg("%s round %d record %d: %s", sets[i][0], round, j,
                             st ? ql_result_error(many[j])->message : why);
            }
            assert_int_equal(bst, first);
        }
        printf("  %-26s %ld records in batches, %ld of them errors\n",
               sets[i][0], evaluated, errors);
        assert_true(errors > 0 && (evaluated - errors) * 4 > evaluated);
        for (int j = 0; j < N; j++) {
            ql_result_free(many[j]);
            ql_result_free(one[j]);
            ql_record_free(rec[0][j]);
            ql_record_free(rec[1][j]);
        }
        ql_ruleset_free(rs[0]);
        ql_ruleset_free(rs[1]);
    }
}

/* The build generated C for these rule sets (meson.build, lib/fast_gen.h)
 * and a load chooses it; for Germany's and Japan's, and for any rule set
 * whose code differs by one operand (an override folded into a
 * constant, say), the interpreter runs.  QUOTALEVY_FAST_GEN=0 at load
 * leaves every one to the interpreter. */
static void test_fast_generated_programs_chosen(void **state)
{
    (void)state;
    static const struct {
        const char *rules;
        int native;
    } sets[] = {
        {"rules/cn/jilin.yaml", 1},    {"rules/cn/jilin-pool.yaml", 1},
        {"rules/cn/late-fee.yaml", 1}, {"rules/cn/national.yaml", 1},
        {"rules/fr/oeth.yaml", 1},     {"rules/de/sgb9.yaml", 0},
        {"rules/jp/levy.yaml", 0}};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        char rules[512];
        snprintf(rules, sizeof rules, SRC "%s", sets[i].rules);
        pair p;
        pair_open(&p, rules);
        if ((p.rs->fast->native != NULL) != sets[i].native)
            fail_msg("%s: generated program %s", sets[i].rules,
                     sets[i].native ? "not chosen" : "chosen");
        pair_close(&p);
        setenv("QUOTALEVY_FAST_GEN", "0", 1);
        pair_open(&p, rules);
        unsetenv("QUOTALEVY_FAST_GEN");
        assert_null(p.rs->fast->native);
        pair_close(&p);
    }
    /* one instruction different: not chosen */
    size_t n;
    const qli_fast_gen *g = qli_fast_gen_table(&n);
    assert_int_equal(n, 5);
    char rules[512];
    snprintf(rules, sizeof rules, SRC "rules/cn/jilin.yaml");
    pair p;
    pair_open(&p, rules);
    fprog *fp = (fprog *)p.rs->fast;
    assert_non_null(fp->native);
    fp->code[fp->ncode / 2].arg ^= 1;
    qli_fast_gen_pick(fp);
    assert_null(fp->native);
    fp->code[fp->ncode / 2].arg ^= 1;
    qli_fast_gen_pick(fp);
    assert_non_null(fp->native);
    pair_close(&p);
    (void)g;
}

/* Random rule sets: every opcode, quotients compared, bracketed and
 * rounded, dates moved, checks read from expressions. */
static void test_fast_random_rule_sets(void **state)
{
    (void)state;
    fd_rng r = {20261201, NULL, 0};
    fd_buf b = {0};
    fd_stats st = {0};
    int loaded = 0;
    char why[512];
    for (int n = 0; n < 400; n++) {
        uint64_t seed = r.s;
        fd_gen_rules(&r, &b, 3 + fd_below(&r, 12));
        ql_ruleset *rs = fd_load(&b);
        if (!rs)
            continue;
        loaded++;
        ql_record *rec;
        ql_result *fr, *xr;
        assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
        assert_int_equal(ql_result_new(&fr, rs, NULL), QL_OK);
        assert_int_equal(ql_result_new(&xr, rs, NULL), QL_OK);
        for (int k = 0; k < 60; k++) {
            fd_gen_record(&r, rs, rec, fd_below(&r, 40));
            if (!fd_compare(fr, xr, rec, fd_gen_date(&r), &st, why, sizeof why))
                fail_msg("rule set %d (seed %" PRIu64 ") record %d: %s\n%s", n,
                         seed, k, why, b.s);
        }
        ql_result_free(fr);
        ql_result_free(xr);
        ql_record_free(rec);
        ql_ruleset_free(rs);
    }
    printf("  random rule sets: %d of 400 loaded; %ld records, %ld fast, "
           "%ld fall back (%ld of the %ld without error)\n", loaded, st.records,
           st.fast, st.fallback, st.ok_fallback, st.ok);
    free(b.s);
    assert_true(loaded > 200);
    /* the fast path really ran: most records the exact engine evaluates
     * (some hold values past 64 bits on purpose) */
    assert_true(st.ok > st.records / 10);
    assert_true(st.ok_fallback < st.ok / 2);
    assert_int_equal(st.mismatches, 0);
}

/* A quotient that reaches arithmetic only through a value entered on
 * demand (its block's FO_RET copies it into the value's slot): the
 * compiler must not take the operations that read that slot for ones on
 * plain numbers (fast_passes.c, qli_fast_plain_slots).  Each expression below
 * reads q only where f is true, so q is not part of the main program. */
static void test_fast_quotient_through_a_lazy_value(void **state)
{
    (void)state;
    fd_buf b = {0};
    fd_put(&b, "quotalevy: 1\nid: lazyq\ntitle: lazyq\njurisdiction: XX\n"
               "version: \"1\"\nsources:\n  s: {title: test data}\n"
               "inputs:\n  a: decimal\n  b: decimal\n  f: bool\n"
               "computed:\n"
               "  q: {expr: 'a / b', scale: 8, display: half_even}\n"
               "  m: {expr: 'if(f, q * 4, a)', scale: 8, display: half_even}\n"
               "  s: {expr: 'if(f, q + a, b)', scale: 8, display: half_even}\n"
               "  t: {expr: 'if(f, min(q, a) - 1, b)', scale: 8, display: half_even}\n"
               "  u: {expr: 'if(f, round(-q, 2), a)', scale: 8, display: half_even}\n"
               "  w: {expr: 'if(f, q > a, false)'}\n"
               "outputs: [m, s, t, u, w]\n");
    ql_ruleset *rs = fd_load(&b);
    assert_non_null(rs);
    assert_non_null(rs->fast);
    ql_record *rec;
    ql_result *fr, *xr;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&fr, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&xr, rs, NULL), QL_OK);
    static const char *const ab[][2] = {{"3", "4"}, {"1.5", "0.25"}, {"7", "8"},
                                        {"-2.5", "0.5"}, {"10", "4"}, {"0.3", "0.6"}};
    fd_stats st = {0};
    char why[512];
    for (size_t i = 0; i < sizeof ab / sizeof *ab; i++) {
        ql_record_clear(rec);
        assert_int_equal(ql_record_set_text(rec, 0, ab[i][0], strlen(ab[i][0]), NULL), QL_OK);
        assert_int_equal(ql_record_set_text(rec, 1, ab[i][1], strlen(ab[i][1]), NULL), QL_OK);
        assert_int_equal(ql_record_set_text(rec, 2, "true", 4, NULL), QL_OK);
        if (!fd_compare(fr, xr, rec, day("2024-06-30"), &st, why, sizeof why))
            fail_msg("a = %s, b = %s: %s", ab[i][0], ab[i][1], why);
    }
    /* every one of these quotients ends: the fast path evaluated them */
    assert_int_equal(st.fast, (long)(sizeof ab / sizeof *ab));
    assert_int_equal(st.mismatches, 0);
    ql_result_free(fr);
    ql_result_free(xr);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    free(b.s);
}

/* A result looks for an undivided quotient only in the outputs that may
 * hold one (fprog.out_num, narrowed by qli_fast_plain_slots): here q
 * alone — a product, a rounded quotient and a sum of fields never are —
 * and with q a quotient (1 / 3 does not end) the fast path's result is
 * still the exact engine's. */
static void test_fast_outputs_that_may_hold_a_quotient(void **state)
{
    (void)state;
    fd_buf b = {0};
    fd_put(&b, "quotalevy: 1\nid: outq\ntitle: outq\njurisdiction: XX\n"
               "version: \"1\"\nsources:\n  s: {title: test data}\n"
               "inputs:\n  a: decimal\n  b: decimal\n"
               "computed:\n"
               "  p: {expr: 'a + b', scale: 8, display: half_even}\n"
               "  q: {expr: 'a / b', scale: 8, display: half_even}\n"
               "  m: {expr: 'q * 4', scale: 8, display: half_even}\n"
               "  r: {expr: 'round(a / b, 2)', scale: 2, display: half_even}\n"
               "outputs: [p, q, m, r]\n");
    ql_ruleset *rs = fd_load(&b);
    assert_non_null(rs);
    assert_non_null(rs->fast);
    assert_int_equal(rs->fast->n_out_num, 1);
    assert_int_equal(rs->fast->out_num[0], (uint32_t)rs->fast->out_pos[1]);
    ql_record *rec;
    ql_result *fr, *xr;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&fr, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&xr, rs, NULL), QL_OK);
    static const char *const ab[][2] = {{"1", "3"}, {"3", "4"}, {"2", "7"},
                                        {"-2.5", "0.5"}, {"10", "6"}, {"0.3", "0.6"}};
    fd_stats st = {0};
    char why[512];
    for (size_t i = 0; i < sizeof ab / sizeof *ab; i++) {
        ql_record_clear(rec);
        assert_int_equal(ql_record_set_text(rec, 0, ab[i][0], strlen(ab[i][0]), NULL), QL_OK);
        assert_int_equal(ql_record_set_text(rec, 1, ab[i][1], strlen(ab[i][1]), NULL), QL_OK);
        if (!fd_compare(fr, xr, rec, day("2024-06-30"), &st, why, sizeof why))
            fail_msg("a = %s, b = %s: %s", ab[i][0], ab[i][1], why);
    }
    assert_int_equal(st.mismatches, 0);
    ql_result_free(fr);
    ql_result_free(xr);
    ql_record_free(rec);
    ql_ruleset_free(rs);
    free(b.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_examples_take_the_fast_path),
        cmocka_unit_test(test_fast_bundled_random_records),
        cmocka_unit_test(test_fast_bundled_random_records_interpreted),
        cmocka_unit_test(test_fast_batch_as_single_evaluations),
        cmocka_unit_test(test_fast_generated_programs_chosen),
        cmocka_unit_test(test_fast_random_rule_sets),
        cmocka_unit_test(test_fast_quotient_through_a_lazy_value),
        cmocka_unit_test(test_fast_outputs_that_may_hold_a_quotient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
