/*
 * test_run_pool.c — the command's worker pool (tools/quotalevy/run_pool.c):
 * every task runs exactly once per batch, its writes are seen by the
 * caller after run_pool_wait and the caller's before run_pool_start are
 * seen by the task, over many batches; a pool of one and of more tasks
 * than processors; the pool freed while idle and right after a start.
 * ThreadSanitizer runs it in scripts/test.sh.
 */
#include "test_util.h"

#include "run_pool.h"

typedef struct {
    long input;  /* written by the caller before each start */
    long sum;    /* the task's running sum of its inputs */
    long runs;
} task;

static void add(void *arg)
{
    task *t = arg;
    t->sum += t->input;
    t->runs++;
}

static void run_batches(size_t n, long batches)
{
    task *t = calloc(n, sizeof *t);
    void **ptr = calloc(n, sizeof *ptr);
    assert_non_null(t);
    assert_non_null(ptr);
    for (size_t i = 0; i < n; i++)
        ptr[i] = &t[i];
    run_pool *p = run_pool_new(add, ptr, n);
    assert_non_null(p);
    assert_int_equal(run_pool_threads(p), n);
    for (size_t i = 0; i < n; i++)
        assert_true(run_pool_has_thread(p, i));
    assert_false(run_pool_has_thread(p, n)); /* no such task */
    for (long b = 1; b <= batches; b++) {
        for (size_t i = 0; i < n; i++)
            t[i].input = b * (long)(i + 1);
        run_pool_start(p);
        run_pool_wait(p);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(t[i].runs, b);
            assert_int_equal(t[i].sum, (long)(i + 1) * b * (b + 1) / 2);
        }
    }
    run_pool_free(p);
    free(ptr);
    free(t);
}

static void test_run_pool_one_task(void **state)
{
    (void)state;
    run_batches(1, 500);
}

static void test_run_pool_many_tasks(void **state)
{
    (void)state;
    run_batches(2, 500);
    run_batches(9, 200);
}

/* Freed right after a start: the running batch is waited for, and no
 * task runs twice or never. */
static void test_run_pool_free_while_running(void **state)
{
    (void)state;
    task t[4] = {{0}};
    void *ptr[4] = {&t[0], &t[1], &t[2], &t[3]};
    for (int round = 0; round < 50; round++) {
        run_pool *p = run_pool_new(add, ptr, 4);
        assert_non_null(p);
        for (int i = 0; i < 4; i++)
            t[i].input = 1;
        run_pool_start(p);
        run_pool_free(p);
        for (int i = 0; i < 4; i++)
            assert_int_equal(t[i].runs, round + 1);
    }
    run_pool_free(NULL);
    /* created and freed without a batch: nothing runs */
    run_pool *p = run_pool_new(add, ptr, 4);
    run_pool_free(p);
    assert_int_equal(t[0].runs, 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_pool_one_task),
        cmocka_unit_test(test_run_pool_many_tasks),
        cmocka_unit_test(test_run_pool_free_while_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
