/*
 * run_pool.c — see run_pool.h.  One lock and two condition variables:
 * `go` wakes the threads for a new batch (its number in `batch`, so a
 * thread never runs one batch twice nor misses one), `done` tells the
 * caller the last of them has finished.
 */
#include "run_pool.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct pool_thread {
    run_pool *pool;
    size_t i;
    pthread_t tid;
    int started;
} pool_thread;

struct run_pool {
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long batch; /* the batch the threads are to run */
    size_t busy;         /* threads not finished with it */
    int quit;
    run_pool_fn *fn;
    void *const *task;
    size_t n, nstarted;
    pool_thread *th;
};

static void *pool_main(void *arg)
{
    pool_thread *t = arg;
    run_pool *p = t->pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->batch == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->quit)
            break;
        seen = p->batch;
        pthread_mutex_unlock(&p->mu);
        p->fn(p->task[t->i]);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

run_pool *run_pool_new(run_pool_fn *fn, void *const *task, size_t n)
{
    run_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->th = calloc(n ? n : 1, sizeof *p->th);
    if (!p->th) {
        free(p);
        return NULL;
    }
    p->fn = fn;
    p->task = task;
    p->n = n;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    for (size_t i = 0; i < n; i++) {
        p->th[i].pool = p;
        p->th[i].i = i;
        p->th[i].started = pthread_create(&p->th[i].tid, NULL, pool_main, &p->th[i]) == 0;
        p->nstarted += (size_t)p->th[i].started;
    }
    return p;
}

void run_pool_start(run_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->busy = p->nstarted;
    p->batch++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n; i++)
        if (!p->th[i].started)
            p->fn(p->task[i]); /* no thread for it: done here */
}

void run_pool_wait(run_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->busy)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void run_pool_free(run_pool *p)
{
    if (!p)
        return;
    run_pool_wait(p);
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n; i++)
        if (p->th[i].started)
            pthread_join(p->th[i].tid, NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->th);
    free(p);
}

size_t run_pool_threads(const run_pool *p) { return p->nstarted; }

int run_pool_has_thread(const run_pool *p, size_t i) { return i < p->n && p->th[i].started; }
