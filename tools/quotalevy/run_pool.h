/*
 * run_pool.h — the worker threads of `quotalevy run`, started once for
 * the whole run (not once a batch: 490 thread creations per million rows
 * before); run_pipe.c starts their tasks once a run, and each takes
 * chunks of rows until the input is done.
 *
 * A pool runs fn(task[i]) for every i, each on a thread of its own, once
 * per run_pool_start; run_pool_wait returns when all of them are done.
 * Between the two the caller is free (it reads and writes the batches).  What
 * the caller wrote to a task before run_pool_start is seen by its thread, and
 * what the thread wrote is seen by the caller after run_pool_wait (both are
 * ordered by the pool's lock).
 */
#ifndef QL_RUN_POOL_H
#define QL_RUN_POOL_H

#include <stddef.h>

typedef struct run_pool run_pool;
typedef void run_pool_fn(void *task);

/* Starts n threads for task[0..n) (the array stays the caller's and must
 * outlive the pool).  A thread that cannot be started is no error: its
 * task is run by the caller, in run_pool_start.  NULL out of memory. */
run_pool *run_pool_new(run_pool_fn *fn, void *const *task, size_t n);
/* Every task runs once more: on its thread, or here if it has none. */
void run_pool_start(run_pool *p);
/* Waits for the tasks of the last run_pool_start. */
void run_pool_wait(run_pool *p);
/* Waits for any tasks still running, ends the threads and frees the
 * pool; NULL is a no-op. */
void run_pool_free(run_pool *p);
/* How many tasks have a thread of their own (for tests). */
size_t run_pool_threads(const run_pool *p);
/* Whether task i has a thread of its own. */
int run_pool_has_thread(const run_pool *p, size_t i);

#endif
