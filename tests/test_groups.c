/*
 * test_groups.c — the command's summary groups (tools/quotalevy/groups.c):
 * every key finds its own group however many there are, keys that only
 * split their columns differently are different groups, blocks start
 * zeroed, and the sorted order is column by column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "groups.h"

static group_entry *find2(group_table *t, const char *a, const char *b)
{
    const char *cols[] = {a, b};
    size_t len[] = {strlen(a), strlen(b)};
    return groups_find(t, cols, len, 2);
}

static void test_groups_many_keys_each_its_own(void **state)
{
    (void)state;
    enum { N = 100000 };
    group_table *t = groups_new(sizeof(long long));
    assert_non_null(t);
    char a[32], b[32];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < N; i++) {
            snprintf(a, sizeof a, "U%08d", i);
            snprintf(b, sizeof b, "%d", i % 7);
            group_entry *e = find2(t, a, b);
            assert_non_null(e);
            long long *n = e->data;
            assert_int_equal(*n, pass ? i : 0); /* zeroed when made */
            if (!pass)
                *n = i;
        }
    assert_int_equal(groups_count(t), N);
    groups_free(t);
}

static void test_groups_columns_split_differently_differ(void **state)
{
    (void)state;
    group_table *t = groups_new(1);
    group_entry *x = find2(t, "a", "bc");
    *(char *)x->data = 'x';
    group_entry *y = find2(t, "ab", "c");
    assert_int_equal(groups_count(t), 2);
    assert_int_equal(*(char *)y->data, 0);
    assert_ptr_equal(find2(t, "a", "bc")->data, x->data);
    /* the joined key finds the same group */
    assert_ptr_equal(groups_find_key(t, "ab\0c", 5)->data, y->data);
    assert_int_equal(groups_count(t), 2);
    groups_free(t);
}

static void test_groups_no_columns_one_group(void **state)
{
    (void)state;
    group_table *t = groups_new(8);
    group_entry *e = groups_find(t, NULL, NULL, 0);
    assert_non_null(e);
    assert_int_equal(e->key_len, 0);
    assert_ptr_equal(groups_find(t, NULL, NULL, 0)->data, e->data);
    assert_int_equal(groups_count(t), 1);
    groups_free(t);
}

static void test_groups_long_keys(void **state)
{
    (void)state;
    group_table *t = groups_new(4);
    char big[2000];
    memset(big, 'k', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    group_entry *e = find2(t, big, "x");
    assert_int_equal(e->key_len, sizeof big - 1 + 1 + 2);
    assert_memory_equal(e->key, big, sizeof big - 1);
    big[1000] = 'j';
    find2(t, big, "x");
    assert_int_equal(groups_count(t), 2);
    groups_free(t);
}

/* Blocks and keys share chunks (P16-01): each block is 8-aligned and
 * its own, a key longer than a chunk gets one, and filling every block
 * to its last byte leaves every key and every other block as it was. */
static void test_groups_blocks_and_keys_share_chunks(void **state)
{
    (void)state;
    enum { N = 30000, SIZE = 13 };
    group_table *t = groups_new(SIZE);
    static char key[3 << 20];
    for (int i = 0; i < N; i++) {
        size_t n = i == N / 2 ? sizeof key : (size_t)(i % 300) + 12;
        memset(key, 'a' + i % 26, n);
        snprintf(key, 12, "%d:", i);
        const char *cols[] = {key};
        group_entry *e = groups_find(t, cols, &n, 1);
        assert_non_null(e);
        assert_int_equal((uintptr_t)e->data % 8, 0);
        for (int k = 0; k < SIZE; k++)
            assert_int_equal(((unsigned char *)e->data)[k], 0);
        memset(e->data, i & 0xff, SIZE);
    }
    for (int i = 0; i < N; i++) {
        const group_entry *e = groups_at(t, (size_t)i);
        size_t n = i == N / 2 ? sizeof key : (size_t)(i % 300) + 12;
        memset(key, 'a' + i % 26, n);
        snprintf(key, 12, "%d:", i);
        assert_int_equal(e->key_len, n + 1);
        assert_memory_equal(e->key, key, n);
        for (int k = 0; k < SIZE; k++)
            assert_int_equal(((unsigned char *)e->data)[k], i & 0xff);
    }
    assert_int_equal(groups_count(t), N);
    groups_free(t);
}

static void test_groups_sorted_column_by_column(void **state)
{
    (void)state;
    group_table *t = groups_new(1);
    find2(t, "ab", "a");
    find2(t, "b", "");
    find2(t, "a", "z");
    find2(t, "a", "");
    const group_entry **o = groups_sorted(t, 2, NULL);
    assert_non_null(o);
    const char *want[][2] = {{"a", ""}, {"a", "z"}, {"ab", "a"}, {"b", ""}};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(o[i]->key, want[i][0]);
        assert_string_equal(o[i]->key + strlen(o[i]->key) + 1, want[i][1]);
    }
    free(o);
    groups_free(t);
    groups_free(NULL);
}

static void test_groups_numbers_sorted_by_value(void **state)
{
    /* numeric keys sorted as text gave 100, 121, 30, 70 */
    (void)state;
    group_table *t = groups_new(1);
    const char *keys[] = {"100", "30", "", "-5", "121", "70", "9.5", "x"};
    for (size_t i = 0; i < 8; i++)
        find2(t, keys[i], "b");
    find2(t, "30", "a");
    const unsigned char by_value[] = {1, 0};
    const group_entry **o = groups_sorted(t, 2, by_value);
    assert_non_null(o);
    const char *want[][2] = {{"", "b"},    {"-5", "b"},  {"9.5", "b"},
                             {"30", "a"},  {"30", "b"},  {"70", "b"},
                             {"100", "b"}, {"121", "b"}, {"x", "b"}};
    for (size_t i = 0; i < 9; i++) {
        assert_string_equal(o[i]->key, want[i][0]);
        assert_string_equal(o[i]->key + strlen(o[i]->key) + 1, want[i][1]);
    }
    free(o);
    groups_free(t);
}

static void test_groups_value_key_is_the_value(void **state)
{
    (void)state;
    char buf[QL_DECIMAL_TEXT_MAX * 2];
    size_t len;
    ql_value v = QL_VALUE_INIT;
    v.type = QL_TYPE_NUMBER;
    const struct {
        const char *text, *key;
    } nums[] = {{"118", "118"},     {"118.0", "118"},  {"118.40", "118.4"},
                {"-0.00", "0"},     {"0.0", "0"},      {"100", "100"},
                {"-2.500", "-2.5"}, {"0.001", "0.001"}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        assert_int_equal(ql_decimal_parse(&v.number, nums[i].text,
                                          strlen(nums[i].text), NULL),
                         QL_OK);
        assert_string_equal(groups_value_key(&v, -1, buf, sizeof buf, &len),
                            nums[i].key);
        assert_int_equal(len, strlen(nums[i].key));
    }
    /* at the input's places (P13-11): one scale a column, money in
     * its minor unit */
    const struct {
        const char *text;
        int places;
        const char *key;
    } at[] = {{"118", 2, "118.00"},   {"118.0", 2, "118.00"},
              {"-0.000", 3, "0.000"}, {"7", 3, "7.000"},
              {"1.5", 0, "1.5"},      {"90437", 0, "90437"}};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        assert_int_equal(
            ql_decimal_parse(&v.number, at[i].text, strlen(at[i].text), NULL),
            QL_OK);
        assert_string_equal(
            groups_value_key(&v, at[i].places, buf, sizeof buf, &len),
            at[i].key);
        assert_int_equal(len, strlen(at[i].key));
    }
    /* a number as written, in a row compare cannot read */
    assert_string_equal(
        groups_text_key(" 90437.0 ", 9, 2, buf, sizeof buf, &len), "90437.00");
    assert_null(groups_text_key("9O437", 5, 2, buf, sizeof buf, &len));
    v.type = QL_TYPE_BOOL;
    v.boolean = 1;
    assert_string_equal(groups_value_key(&v, -1, buf, sizeof buf, &len),
                        "true");
    v.type = QL_TYPE_DATE;
    assert_int_equal(ql_date_parse(&v.date, "2024-06-30", 10, NULL), QL_OK);
    assert_string_equal(groups_value_key(&v, -1, buf, sizeof buf, &len),
                        "2024-06-30");
    v.type = QL_TYPE_STRING;
    v.string = "agency";
    v.length = 6;
    assert_ptr_equal(groups_value_key(&v, -1, buf, sizeof buf, &len), v.string);
    assert_int_equal(len, 6);
    v.type = QL_TYPE_NONE;
    assert_string_equal(groups_value_key(&v, -1, buf, sizeof buf, &len), "");
    assert_int_equal(len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_many_keys_each_its_own),
        cmocka_unit_test(test_groups_columns_split_differently_differ),
        cmocka_unit_test(test_groups_no_columns_one_group),
        cmocka_unit_test(test_groups_long_keys),
        cmocka_unit_test(test_groups_blocks_and_keys_share_chunks),
        cmocka_unit_test(test_groups_sorted_column_by_column),
        cmocka_unit_test(test_groups_numbers_sorted_by_value),
        cmocka_unit_test(test_groups_value_key_is_the_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
