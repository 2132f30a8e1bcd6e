/*
 * test_nearidx.c — the near-miss index (tools/quotalevy/nearidx.c) against
 * the pairwise comparison it replaces: for random names and random edits
 * of them, every name within edit distance 2 of a query (both folded as
 * lookalike.h folds them) is among the index's candidates.  A miss here
 * would be a misspelt column read as empty without "did you mean".
 * And an item a[1] of a one-value input a (nearmiss.h, P18-10): the
 * names its base is a near miss of are candidates too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookalike.h"
#include "nearidx.h"
#include "nearmiss.h"

#define NAMES 2500
#define QUERIES 600
#define LEN_MAX 40

static char names[NAMES][LEN_MAX + 8];

static const char *name_at(void *ctx, size_t i)
{
    (void)ctx;
    return names[i];
}

static uint64_t rng = 88172645463325252u;
static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* A small alphabet, so that many names are near each other; upper case
 * and leading zeros, which the fold makes alike. */
static const char alphabet[] = "abAB_01[]-";

static void random_name(char *out)
{
    unsigned n = 1 + next(LEN_MAX / 2) + (next(4) == 0 ? next(LEN_MAX / 2) : 0);
    for (unsigned i = 0; i < n; i++)
        out[i] = alphabet[next(sizeof alphabet - 1)];
    out[n] = '\0';
}

/* Up to two random edits (insert, delete, substitute) of src. */
static void edited(char *out, const char *src)
{
    strcpy(out, src);
    for (unsigned e = next(3); e > 0; e--) {
        size_t n = strlen(out), at = next((unsigned)n + 1);
        int op = next(3);
        if (op == 0 && n < LEN_MAX) {
            memmove(out + at + 1, out + at, n - at + 1);
            out[at] = alphabet[next(sizeof alphabet - 1)];
        } else if (op == 1 && n > 1 && at < n) {
            memmove(out + at, out + at + 1, n - at);
        } else if (at < n) {
            out[at] = alphabet[next(sizeof alphabet - 1)];
        }
    }
}

static int distance(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    int d[LEN_MAX + 9][LEN_MAX + 9];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            d[i][j] = v;
        }
    return d[na][nb];
}

static unsigned char seen[NAMES];
static void mark(void *ctx, size_t i)
{
    (void)ctx;
    assert_true(i < NAMES);
    seen[i] = 1;
}

static void test_nearidx_finds_every_name_within_two(void **state)
{
    (void)state;
    for (size_t i = 0; i < NAMES; i++) {
        if (i > NAMES / 2 && next(2)) /* near copies of earlier names */
            edited(names[i], names[next((unsigned)i)]);
        else
            random_name(names[i]);
    }
    near_idx *x = near_idx_new(NAMES, name_at, NULL);
    assert_non_null(x);
    static int32_t fn[NAMES][LEN_MAX + 8];
    static size_t ln[NAMES];
    for (size_t i = 0; i < NAMES; i++)
        ln[i] = name_fold(names[i], fn[i]);
    size_t near_pairs = 0, visited = 0;
    for (int q = 0; q < QUERIES; q++) {
        char query[LEN_MAX + 8];
        edited(query, names[next(NAMES)]);
        memset(seen, 0, sizeof seen);
        assert_int_equal(near_idx_each(x, query, mark, NULL), 0);
        int32_t fq[LEN_MAX + 8];
        size_t lq = name_fold(query, fq);
        for (size_t i = 0; i < NAMES; i++) {
            visited += seen[i];
            if (distance(fq, lq, fn[i], ln[i]) > 2)
                continue;
            near_pairs++;
            if (!seen[i])
                fail_msg("query '%s' is within 2 of '%s', not a candidate",
                         query, names[i]);
        }
    }
    /* the check is not empty, and the index is no list of everything */
    assert_true(near_pairs >= QUERIES);
    assert_true(visited < (size_t)QUERIES * NAMES / 4);
    near_idx_free(x);
}

/* Which names near_item_folded takes for an item, and which not. */
static void test_nearmiss_an_item_of_a_one_value_input(void **state)
{
    (void)state;
    static const struct {
        const char *given, *input;
        int near;
    } cases[] = {
        {"a[1]", "a", 1},
        {"a[0]", "a", 1},
        {"A[01]", "a", 1},
        {"a[ 2 ]", "a", 1},
        {"a [1]", "a", 1},
        {"a[1][2]", "a", 1},
        {"a\xef\xbc\xbb"
         "1\xef\xbc\xbd",
         "a", 1}, /* full-width brackets */
        {"amout[1]", "amount", 2},
        {"amount[12]", "amount", 1},
        {"a", "a", 0},    /* equal: no slip */
        {"c[1]", "a", 0}, /* one letter off a one-letter name */
        {"a[]", "a", 0},
        {"a[x]", "a", 0},
        {"[1]", "a", 0},
        {"a[1]x", "a", 0},
        {"xs[3]", "xs[1]", 0}, /* list items: near_folded's */
        {"a1", "a", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int got = col_item_of(cases[k].given, cases[k].input);
        if (got != cases[k].near)
            fail_msg("col_item_of('%s', '%s') = %d, want %d", cases[k].given,
                     cases[k].input, got, cases[k].near);
        if (cases[k].near &&
            col_near_input(cases[k].given, cases[k].input) == 0)
            fail_msg("col_near_input('%s', '%s') misses it", cases[k].given,
                     cases[k].input);
    }
    /* near_folded alone is unchanged: a list's bare name is no item's
     * slip (positions[13] is not "did you mean the list 'positions'") */
    assert_int_equal(col_near_miss("positions[13]", "positions"), 0);
}

/* For random names, every name an item of an edited name is an item of
 * (near_item_folded, pairwise) is among the index's candidates. */
static void test_nearidx_finds_the_input_of_an_item(void **state)
{
    (void)state;
    near_idx *x = near_idx_new(NAMES, name_at, NULL);
    assert_non_null(x);
    size_t found = 0;
    for (int q = 0; q < QUERIES; q++) {
        char query[LEN_MAX + 24];
        edited(query, names[next(NAMES)]);
        snprintf(query + strlen(query), 16, "%s[%u]", next(2) ? "" : " ",
                 next(13));
        memset(seen, 0, sizeof seen);
        assert_int_equal(near_idx_each(x, query, mark, NULL), 0);
        for (size_t i = 0; i < NAMES; i++) {
            if (!col_item_of(query, names[i]))
                continue;
            found++;
            if (!seen[i])
                fail_msg("query '%s' is an item of '%s', not a candidate",
                         query, names[i]);
        }
    }
    assert_true(found >= QUERIES / 4);
    near_idx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nearidx_finds_every_name_within_two),
        cmocka_unit_test(test_nearmiss_an_item_of_a_one_value_input),
        cmocka_unit_test(test_nearidx_finds_the_input_of_an_item),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
