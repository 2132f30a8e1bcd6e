/*
 * test_columns.c — ql_evaluate_columns (lib/eval_columns.c) against
 * records: every bundled rule set and random rule sets, random int64
 * columns (tame ones, and values the fields refuse, empty rows, the
 * edges of 64 bits), each row compared with the same values set into a
 * record with the typed setters and evaluated by ql_evaluate — status,
 * error (message, place, field) and every output and check column
 * (tests/fast_diff.h, fd_compare_columns).  The rows evaluated in place
 * must be most of the tame ones, so the comparison is of the fast way,
 * not only of the records it falls back to.  And every argument the
 * header calls invalid, one at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fast_code.h"
#include "fast_diff.h"

#define SRC QL_SOURCE_DIR "/"

typedef struct batch {
    ql_ruleset *rs;
    ql_columns *cols;
    ql_record *rec;
    ql_result *res;
} batch;

static void batch_open(batch *b, ql_ruleset *rs)
{
    b->rs = rs;
    assert_int_equal(ql_columns_new(&b->cols, rs, NULL), QL_OK);
    assert_int_equal(ql_record_new(&b->rec, rs, NULL), QL_OK);
    assert_int_equal(ql_result_new(&b->res, rs, NULL), QL_OK);
}

static void batch_close(batch *b)
{
    ql_columns_free(b->cols);
    ql_record_free(b->rec);
    ql_result_free(b->res);
    ql_ruleset_free(b->rs);
}

static ql_ruleset *load(const char *path)
{
    ql_ruleset *rs;
    ql_error err;
    if (ql_ruleset_load(&rs, path, &err) != QL_OK)
        fail_msg("%s: %s", path, err.message);
    return rs;
}

/* The rows of an example CSV (no quoted fields) as records' 64-bit
 * values: ex[row][input], with exp[row][input] set where the field is. */
#define EX_INPUTS 256
#define EX_ROWS 1024
typedef struct example {
    size_t nrows;
    fval (*v)[EX_INPUTS];
    uint8_t (*present)[EX_INPUTS];
    int scale[EX_INPUTS]; /* per input: the most places its values have */
} example;

static void example_read(example *x, const ql_ruleset *rs, const char *csv)
{
    FILE *f = fopen(csv, "r");
    assert_non_null(f);
    assert_true(rs->n_inputs <= EX_INPUTS);
    char line[16384];
    int col[EX_INPUTS], ncol = 0;
    assert_non_null(fgets(line, sizeof line, f));
    for (char *t = strtok(line, ",\r\n"); t && ncol < EX_INPUTS;
         t = strtok(NULL, ",\r\n"))
        col[ncol++] = ql_ruleset_input_index(rs, t);
    x->v = calloc(EX_ROWS, sizeof *x->v);
    x->present = calloc(EX_ROWS, sizeof *x->present);
    memset(x->scale, 0, sizeof x->scale);
    x->nrows = 0;
    ql_record *rec;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    while (x->nrows < EX_ROWS && fgets(line, sizeof line, f)) {
        ql_record_clear(rec);
        char *p = line;
        int bad = 0;
        for (int k = 0; k < ncol && p; k++) {
            char *end = strpbrk(p, ",\r\n");
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (col[k] >= 0 && len)
                bad |= ql_record_set_text(rec, (size_t)col[k], p, len, NULL) !=
                       QL_OK;
            p = end && *end == ',' ? end + 1 : NULL;
        }
        if (bad)
            continue;
        for (size_t i = 0; i < rs->n_inputs; i++) {
            int num = rs->inputs[i].type.kind == VK_NUMBER;
            x->present[x->nrows][i] = rec->present[i] && !rec->wide[i] &&
                                      rs->inputs[i].type.kind != VK_STRING;
            x->v[x->nrows][i] = rec->v64[i];
            if (x->present[x->nrows][i] && num && rec->v64[i].s > x->scale[i])
                x->scale[i] = rec->v64[i].s;
        }
        x->nrows++;
    }
    ql_record_free(rec);
    fclose(f);
    assert_true(x->nrows > 0);
}

/* Rows like the example's (each a random row of it, its numbers times
 * 1, 2 or 3, some fields empty) as columns. */
static void example_columns(fd_rng *r, const ql_ruleset *rs, const example *x,
                            fd_cols *d)
{
    for (size_t i = 0; i < rs->n_inputs; i++) {
        d->has[i] = 1; /* a string's texts: ids, fd_text_cell */
        d->sc[i] = rs->inputs[i].type.kind == VK_NUMBER ? x->scale[i] : 0;
        d->all[i] = 0;
    }
    for (size_t k = 0; k < FD_ROWS; k++) {
        size_t row = (size_t)fd_below(r, (int)x->nrows);
        int f = 1 + fd_below(r, 3);
        for (size_t i = 0; i < rs->n_inputs; i++) {
            const fval *v = &x->v[row][i];
            int64_t c = v->c;
            if (rs->inputs[i].type.kind == VK_NUMBER) {
                int ok = 1; /* checked: a value past 64 bits becomes 0 */
                for (int s = v->s; s < d->sc[i] && ok; s++)
                    ok = !__builtin_mul_overflow(c, 10, &c);
                if (!ok || __builtin_mul_overflow(c, f, &c))
                    c = 0;
            }
            d->v[i][k] = c;
            d->t[i][k] = fd_text_cell(r, 1);
            d->pr[i][k] =
                (x->present[row][i] || rs->inputs[i].type.kind == VK_STRING) &&
                fd_below(r, 50) != 0;
        }
    }
}

/* rs on rows like its example's and on random rows, through the columns
 * and through records; the rows that evaluate take the fast way. */
static void bundled(const char *rules, const char *csv, const char *day,
                    uint64_t seed, int in_place)
{
    batch b;
    batch_open(&b, load(rules));
    example x;
    example_read(&x, b.rs, csv);
    ql_date date;
    assert_int_equal(ql_date_parse(&date, day, strlen(day), NULL), QL_OK);
    fd_rng r = {seed, NULL, 0};
    char why[512];
    long like[2] = {0, 0}, wild[2] = {0, 0};
    fd_cols d;
    fd_cols_init(&d, b.rs);
    for (int k = 0; k < 300; k++) {
        int ok;
        if (k < 150) {
            example_columns(&r, b.rs, &x, &d);
            ok = fd_check_columns(&r, b.rs, b.cols, b.rec, b.res, &d, FD_ROWS,
                                  date, like, why, sizeof why);
        } else {
            ok = fd_compare_columns(&r, b.rs, b.cols, b.rec, b.res, FD_ROWS,
                                    k < 225, k < 225 ? 5 : 30, fd_gen_date(&r),
                                    wild, why, sizeof why);
        }
        if (!ok)
            fail_msg("%s, batch %d: %s", rules, k, why);
    }
    printf("%s: of %d rows like %s %ld evaluate, %ld of them in place; of %d "
           "random %ld, %ld\n",
           rules, 150 * FD_ROWS, csv, like[1], like[0], 150 * FD_ROWS, wild[1],
           wild[0]);
    /* the rows that evaluate take the fast way (the others are errors,
     * which are the records'), Germany's too, whose employment_rate is an
     * undivided quotient on every row (divided as a record's fast
     * evaluation divides it, lib/eval_columns.c, result_row) */
    assert_true(like[1] > 150 * FD_ROWS / 4);
    if (in_place)
        assert_true(like[0] >= like[1] * 99 / 100);
    fd_cols_free(&d);
    free(x.v);
    free(x.present);
    batch_close(&b);
}

static void test_columns_jilin_as_records(void **state)
{
    (void)state;
    bundled(SRC "rules/cn/jilin.yaml", SRC "examples/jilin-units.csv",
            "2024-06-30", 1, 1);
}

static void test_columns_bundled_as_records(void **state)
{
    (void)state;
    /* tests/example-table.txt's rule sets with their examples */
    /* the last: whether the rows that evaluate are evaluated in place */
    static const char *const sets[][4] = {
        {"rules/cn/jilin.yaml", "examples/jilin-agencies.csv", "2024-06-30",
         "1"},
        {"rules/cn/national.yaml", "examples/jilin-units.csv", "2024-06-30",
         "1"},
        {"rules/cn/jilin-pool.yaml", "examples/jilin-units.csv", "2024-06-30",
         "1"},
        {"rules/cn/late-fee.yaml", "examples/late-fee-arrears.csv",
         "2024-06-30", "1"},
        {"rules/de/sgb9.yaml", "examples/de-employers.csv", "2024-12-31", "1"},
        {"rules/jp/levy.yaml", "examples/jp-employers.csv", "2025-10-01", "1"},
        {"rules/fr/oeth.yaml", "examples/fr-companies.csv", "2024-12-31", "1"}};
    char rules[1024], csv[1024];
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        snprintf(rules, sizeof rules, SRC "%s", sets[i][0]);
        snprintf(csv, sizeof csv, SRC "%s", sets[i][1]);
        bundled(rules, csv, sets[i][2], 100 + i, sets[i][3][0] == '1');
    }
}

/* The interpreter's program (no generated C) through the columns too. */
static void test_columns_jilin_interpreted(void **state)
{
    (void)state;
    setenv("QUOTALEVY_FAST_GEN", "0", 1);
    ql_ruleset *rs = load(SRC "rules/cn/jilin.yaml");
    unsetenv("QUOTALEVY_FAST_GEN");
    assert_null(rs->fast->native);
    ql_ruleset_free(rs);
    setenv("QUOTALEVY_FAST_GEN", "0", 1);
    bundled(SRC "rules/cn/jilin.yaml", SRC "examples/jilin-units.csv",
            "2024-06-30", 7, 1);
    unsetenv("QUOTALEVY_FAST_GEN");
}

/* Random rule sets (every opcode), with and without an input among the
 * outputs (which the columns leave to the records). */
static void test_columns_random_rule_sets(void **state)
{
    (void)state;
    long count[2] = {0, 0}, sets = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        fd_rng r = {seed * 7919, NULL, 0};
        fd_buf text = {0};
        fd_gen_rules(&r, &text, 2 + fd_below(&r, 12));
        char *n_out = strstr(text.s, "ck, n]\n");
        if (n_out && seed % 2)
            memcpy(n_out, "ck]   \n", 7);
        ql_ruleset *rs = fd_load(&text);
        if (!rs) {
            free(text.s);
            continue;
        }
        sets++;
        batch b;
        batch_open(&b, rs);
        char why[512];
        for (int k = 0; k < 6; k++)
            if (!fd_compare_columns(&r, rs, b.cols, b.rec, b.res, FD_ROWS,
                                    k < 3, 20, fd_gen_date(&r), count, why,
                                    sizeof why))
                fail_msg("seed %llu, batch %d: %s\n%s",
                         (unsigned long long)seed, k, why, text.s);
        batch_close(&b);
        free(text.s);
    }
    printf("%ld random rule sets: %ld rows evaluate, %ld in place\n", sets,
           count[1], count[0]);
    assert_true(sets > 100);
    assert_true(count[0] > count[1] / 4);
}

static ql_status fails(ql_status st, const ql_error *err, const char *part)
{
    assert_int_equal(st, QL_EINVAL);
    assert_non_null(strstr(err->message, part));
    return st;
}

static void test_columns_refuse_bad_arguments(void **state)
{
    (void)state;
    ql_ruleset *rs = load(SRC "rules/cn/jilin.yaml");
    ql_columns *c = NULL;
    ql_error err;
    int64_t v[2] = {1, 2}, coef[2];
    int8_t sc[2];
    uint8_t pr[2] = {1, 0};
    size_t emp = (size_t)ql_ruleset_input_index(rs, "employees");
    size_t type = (size_t)ql_ruleset_input_index(rs, "unit_type");
    size_t id = (size_t)ql_ruleset_input_index(rs, "id");
    size_t reg = (size_t)ql_ruleset_input_index(rs, "registered");
    size_t ni = ql_ruleset_input_count(rs), no = ql_ruleset_output_count(rs),
           nk = ql_ruleset_check_count(rs);

    fails(ql_columns_new(NULL, rs, &err), &err, "NULL");
    fails(ql_columns_new(&c, NULL, &err), &err, "NULL");
    assert_null(c);
    assert_int_equal(ql_columns_new(&c, rs, &err), QL_OK);

    fails(ql_columns_set_input(NULL, emp, v, 2, NULL, &err), &err, "NULL");
    fails(ql_columns_set_input(c, ni, v, 0, NULL, &err), &err, "out of range");
    fails(ql_columns_set_input(c, id, v, 0, NULL, &err), &err, "cannot hold");
    fails(ql_columns_set_input(c, emp, v, -1, NULL, &err), &err, "scale -1");
    fails(ql_columns_set_input(c, emp, v, 19, NULL, &err), &err, "scale 19");
    fails(ql_columns_set_input(c, type, v, 1, NULL, &err), &err, "expected 0");
    fails(ql_columns_set_input(c, reg, v, 2, NULL, &err), &err, "expected 0");
    fails(ql_columns_set_input(c, emp, NULL, 2, pr, &err), &err,
          "without values");
    const char *texts[2] = {"a", "b"};
    size_t lens[2] = {1, 1};
    fails(ql_columns_set_input_text(NULL, id, texts, lens, NULL, &err), &err,
          "NULL");
    fails(ql_columns_set_input_text(c, ni, texts, lens, NULL, &err), &err,
          "out of range");
    fails(ql_columns_set_input_text(c, emp, texts, lens, NULL, &err), &err,
          "not a string");
    fails(ql_columns_set_input_text(c, id, texts, NULL, NULL, &err), &err,
          "texts without their lengths");
    fails(ql_columns_set_input_text(c, id, NULL, lens, pr, &err), &err,
          "lengths without texts");
    fails(ql_columns_set_input_text(c, id, NULL, NULL, pr, &err), &err,
          "a present array without texts");
    assert_int_equal(ql_columns_set_input_text(c, id, texts, lens, pr, &err),
                     QL_OK);
    assert_int_equal(ql_columns_set_input_text(c, id, NULL, NULL, NULL, &err),
                     QL_OK);
    assert_int_equal(ql_columns_set_input(c, emp, v, 18, pr, &err), QL_OK);
    assert_int_equal(ql_columns_set_input(c, emp, NULL, 0, NULL, &err), QL_OK);

    fails(ql_columns_set_output(NULL, 0, coef, sc, &err), &err, "NULL");
    fails(ql_columns_set_output(c, no, coef, sc, &err), &err, "out of range");
    fails(ql_columns_set_output(c, 0, NULL, sc, &err), &err, "NULL");
    fails(ql_columns_set_output(c, 0, coef, NULL, &err), &err, "NULL");
    assert_int_equal(ql_columns_set_output(c, 0, NULL, NULL, &err), QL_OK);

    fails(ql_columns_set_check(NULL, 0, QL_CHECK_REQUIRED, coef, sc, &err),
          &err, "NULL");
    fails(ql_columns_set_check(c, nk, QL_CHECK_REQUIRED, coef, sc, &err), &err,
          "out of range");
    fails(ql_columns_set_check(c, 0, (ql_check_field)5, coef, sc, &err), &err,
          "out of range");
    fails(ql_columns_set_check(c, 0, (ql_check_field)-1, coef, sc, &err), &err,
          "out of range");
    fails(ql_columns_set_check(c, 0, QL_CHECK_ACTUAL, NULL, sc, &err), &err,
          "NULL");
    fails(ql_columns_set_check(c, 0, QL_CHECK_ACTUAL, coef, NULL, &err), &err,
          "NULL");

    ql_date day;
    assert_int_equal(ql_date_parse(&day, "2024-06-30", 10, NULL), QL_OK);
    fails(ql_evaluate_columns(NULL, 1, day, NULL, NULL, &err), &err, "NULL");
    fails(ql_evaluate_columns(c, 1, -719163, NULL, NULL, &err), &err,
          "date -719163 (days from 1970-01-01) is before 0001-01-01");
    fails(ql_evaluate_columns(c, 1, 2932897, NULL, NULL, &err), &err,
          "date 2932897 (days from 1970-01-01) is after 9999-12-31");
    assert_int_equal(ql_evaluate_columns(c, 0, day, NULL, NULL, &err), QL_OK);

    assert_null(ql_ruleset_input_enum(NULL, type, 0));
    assert_null(ql_ruleset_input_enum(rs, ni, 0));
    assert_null(ql_ruleset_input_enum(rs, emp, 0));
    assert_string_equal(ql_ruleset_input_enum(rs, type, 0), "enterprise");
    assert_null(ql_ruleset_input_enum(rs, type, 5));
    ql_columns_free(c);
    ql_columns_free(NULL);
    ql_ruleset_free(rs);
}

static void on_error(size_t row, const ql_error *e, void *payload)
{
    ql_error *out = payload;
    assert_int_equal(row, 1);
    *out = *e;
}

/* An enum index past its values is the row's refusal, naming the field;
 * the rows around it evaluate. */
static void test_columns_enum_index_out_of_range(void **state)
{
    (void)state;
    ql_ruleset *rs = load(SRC "rules/cn/jilin.yaml");
    ql_columns *c;
    assert_int_equal(ql_columns_new(&c, rs, NULL), QL_OK);
    int64_t type[3] = {0, 5, 0}, emp[3] = {10000, 10000, 10000},
            wage[3] = {0, 0, 0}, avg[3] = {9000000, 9000000, 9000000}, coef[3];
    int8_t sc[3];
    struct {
        const char *name;
        int64_t *v;
        int scale;
    } in[] = {{"unit_type", type, 0}, {"employees", emp, 2},
              {"disabled", wage, 0},  {"disabled_severe", wage, 0},
              {"wage_total", avg, 2}, {"local_avg_wage", avg, 2}};
    for (size_t k = 0; k < sizeof in / sizeof *in; k++)
        assert_int_equal(ql_columns_set_input(
                             c, (size_t)ql_ruleset_input_index(rs, in[k].name),
                             in[k].v, in[k].scale, NULL, NULL),
                         QL_OK);
    int lev = ql_ruleset_output_index(rs, "levy_due");
    assert_true(lev >= 0);
    assert_int_equal(ql_columns_set_output(c, (size_t)lev, coef, sc, NULL),
                     QL_OK);
    ql_error e;
    ql_date day;
    assert_int_equal(ql_date_parse(&day, "2024-06-30", 10, NULL), QL_OK);
    assert_int_equal(ql_evaluate_columns(c, 3, day, on_error, &e, NULL),
                     QL_ERECORD);
    assert_string_equal(e.field, "unit_type");
    assert_non_null(strstr(e.message, "enum index 5"));
    assert_true(sc[0] >= 0 && sc[2] >= 0);
    assert_int_equal(sc[1], QL_I64_NONE);
    assert_int_equal(coef[0], coef[2]);
    ql_columns_free(c);
    ql_ruleset_free(rs);
}

/* The rows' errors, each with its row. */
typedef struct row_errors {
    size_t n, row[8];
    ql_error err[8];
} row_errors;

static void keep_error(size_t row, const ql_error *e, void *payload)
{
    row_errors *x = payload;
    assert_true(x->n < 8);
    x->row[x->n] = row;
    x->err[x->n++] = *e;
}

/* A date cell outside 0001-01-01 … 9999-12-31 is the row's refusal
 * naming the field, the cell's value (past a ql_date's 32 bits too) and
 * the range expected, in the words of ql_record_set_date; the call's
 * error leads with the first failed row; an evaluation date outside the
 * calendar names its value (probe17: "date out of range" named
 * neither). */
static void test_columns_date_out_of_range_names_value_and_range(void **state)
{
    (void)state;
    ql_ruleset *rs = load(SRC "rules/cn/jilin.yaml");
    ql_columns *c;
    assert_int_equal(ql_columns_new(&c, rs, NULL), QL_OK);
    size_t reg = (size_t)ql_ruleset_input_index(rs, "registered");
    int64_t day[5] = {19000, 2932897, -719163, INT64_MIN, 2932896}, coef[5];
    int64_t type[5] = {0}, emp[5] = {10000, 10000, 10000, 10000, 10000},
            zero[5] = {0},
            avg[5] = {9000000, 9000000, 9000000, 9000000, 9000000};
    int8_t sc[5];
    struct {
        const char *name;
        int64_t *v;
        int scale;
    } in[] = {{"unit_type", type, 0}, {"employees", emp, 2},
              {"disabled", zero, 0},  {"disabled_severe", zero, 0},
              {"wage_total", avg, 2}, {"local_avg_wage", avg, 2},
              {"registered", day, 0}};
    for (size_t k = 0; k < sizeof in / sizeof *in; k++)
        assert_int_equal(ql_columns_set_input(
                             c, (size_t)ql_ruleset_input_index(rs, in[k].name),
                             in[k].v, in[k].scale, NULL, NULL),
                         QL_OK);
    int lev = ql_ruleset_output_index(rs, "levy_due");
    assert_true(lev >= 0);
    assert_int_equal(ql_columns_set_output(c, (size_t)lev, coef, sc, NULL),
                     QL_OK);
    row_errors x = {0};
    ql_error err;
    ql_date on;
    assert_int_equal(ql_date_parse(&on, "2024-06-30", 10, NULL), QL_OK);
    assert_int_equal(ql_evaluate_columns(c, 5, on, keep_error, &x, &err),
                     QL_ERECORD);
    assert_int_equal(x.n, 3);
    static const char *const want[3] = {
        "date 2932897 (days from 1970-01-01) is after 9999-12-31: expected "
        "-719162 … 2932896 (0001-01-01 … 9999-12-31)",
        "date -719163 (days from 1970-01-01) is before 0001-01-01: expected "
        "-719162 … 2932896 (0001-01-01 … 9999-12-31)",
        "date -9223372036854775808 (days from 1970-01-01) is before "
        "0001-01-01: expected -719162 … 2932896 (0001-01-01 … 9999-12-31)"};
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(x.row[k], k + 1);
        assert_int_equal(x.err[k].code, QL_ERECORD);
        assert_string_equal(x.err[k].field, "registered");
        assert_string_equal(x.err[k].message, want[k]);
    }
    assert_int_equal(sc[1], QL_I64_NONE);
    assert_true(sc[0] != QL_I64_NONE && sc[4] != QL_I64_NONE);
    /* the call's error: the first failed row, its field, its message */
    assert_string_equal(err.field, "registered");
    char text[600];
    ql_error_format(text, sizeof text, &err);
    assert_string_equal(text, "row 1, field 'registered': date 2932897 (days "
                              "from 1970-01-01) is after 9999-12-31: expected "
                              "-719162 … 2932896 (0001-01-01 … 9999-12-31)");
    /* the setter says the same of a ql_date */
    ql_record *rec;
    assert_int_equal(ql_record_new(&rec, rs, NULL), QL_OK);
    assert_int_equal(ql_record_set_date(rec, reg, -719163, &err), QL_ERECORD);
    assert_string_equal(err.message, want[1]);
    assert_string_equal(err.field, "registered");
    ql_record_free(rec);
    /* the evaluation's own date */
    assert_int_equal(ql_evaluate_columns(c, 1, 2932897, NULL, NULL, &err),
                     QL_EINVAL);
    assert_non_null(strstr(err.message, "date 2932897 (days from 1970-01-01) "
                                        "is after 9999-12-31: expected"));
    ql_columns_free(c);
    ql_ruleset_free(rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_columns_jilin_as_records),
        cmocka_unit_test(test_columns_bundled_as_records),
        cmocka_unit_test(test_columns_jilin_interpreted),
        cmocka_unit_test(test_columns_random_rule_sets),
        cmocka_unit_test(test_columns_refuse_bad_arguments),
        cmocka_unit_test(test_columns_enum_index_out_of_range),
        cmocka_unit_test(test_columns_date_out_of_range_names_value_and_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
