/*
 * POSIX threads: many threads created and joined with results, a mutex-protected counter, a
 * condition-variable queue between producers and consumers, __thread variables and
 * pthread_key_t values per thread, a barrier, detached threads, pthread_exit with a value,
 * pthread_kill to a thread spinning in a loop, and a signal mask inherited by a new thread.
 * Output is printed only after the threads are joined, so it does not depend on scheduling.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NTHREADS = 16, ROUNDS = 500, QUEUE = 8, ITEMS = 200 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value = 5;
static __thread char tls_name[16];
static pthread_key_t key;

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    tls_value += id;
    snprintf(tls_name, sizeof tls_name, "w%d", id);
    pthread_setspecific(key, (void *)(intptr_t)(id * 3));
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    long result = tls_value * 1000 + (intptr_t)pthread_getspecific(key);
    if (strcmp(tls_name, "w") <= 0)
        result = -1;
    return (void *)result;
}

/* A bounded queue with two condition variables. */
static int queue[QUEUE], qhead, qcount;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static long consumed_sum[2];

static void *producer(void *arg)
{
    int base = (int)(intptr_t)arg;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (qcount == QUEUE)
            pthread_cond_wait(&not_full, &lock);
        queue[(qhead + qcount++) % QUEUE] = base + i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    int which = (int)(intptr_t)arg;
    for (int n = 0; n < ITEMS; n++) {
        pthread_mutex_lock(&lock);
        while (qcount == 0)
            pthread_cond_wait(&not_empty, &lock);
        int v = queue[qhead];
        qhead = (qhead + 1) % QUEUE;
        qcount--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
        consumed_sum[which] += v;
    }
    return NULL;
}

static pthread_barrier_t barrier;
static int arrived[4];

static void *barrier_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    arrived[id] = 1;
    int serial = pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
    int all = arrived[0] + arrived[1] + arrived[2] + arrived[3];
    return (void *)(intptr_t)(all * 10 + serial);
}

static volatile int detached_done;

static void *detached(void *arg)
{
    (void)arg;
    __sync_fetch_and_add(&detached_done, 1);
    return NULL;
}

static void *exits_early(void *arg)
{
    (void)arg;
    pthread_exit((void *)(intptr_t)1234);
    return NULL;
}

static volatile int spin_stop, got_usr1_in_thread;
static pthread_t spinner_id;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1_in_thread = pthread_equal(pthread_self(), spinner_id);
    spin_stop = 1;
}

static void *spinner(void *arg)
{
    (void)arg;
    volatile unsigned long n = 0;
    while (!spin_stop)
        n++;
    return (void *)(n > 0 ? 1 : 0);
}

static void *mask_reporter(void *arg)
{
    (void)arg;
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    return (void *)(intptr_t)(sigismember(&cur, SIGUSR2) * 10 + sigismember(&cur, SIGUSR1));
}

int main(void)
{
    pthread_key_create(&key, NULL);
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    long total = 0;
    int bad = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        if ((long)r != (5 + i) * 1000 + i * 3)
            bad++;
        total += (long)r;
    }
    printf("workers: counter %ld (expected %d), results sum %ld, bad %d, main tls %d\n", counter,
           NTHREADS * ROUNDS, total, bad, tls_value);

    pthread_t p[2], c[2];
    for (int i = 0; i < 2; i++) {
        pthread_create(&p[i], NULL, producer, (void *)(intptr_t)(i * 100000));
        pthread_create(&c[i], NULL, consumer, (void *)(intptr_t)i);
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(p[i], NULL);
        pthread_join(c[i], NULL);
    }
    printf("queue: consumed %ld\n", consumed_sum[0] + consumed_sum[1]);

    pthread_barrier_init(&barrier, NULL, 4);
    pthread_t b[4];
    int serials = 0, alls = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&b[i], NULL, barrier_worker, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(b[i], &r);
        serials += (int)(intptr_t)r % 10;
        alls += (int)(intptr_t)r / 10;
    }
    printf("barrier: serial threads %d, saw all arrived %d/16\n", serials, alls);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 8; i++) {
        pthread_t d;
        pthread_create(&d, &attr, detached, NULL);
    }
    while (detached_done < 8)
        sched_yield();
    printf("detached: %d done\n", detached_done);

    pthread_t e;
    void *ev;
    pthread_create(&e, NULL, exits_early, NULL);
    pthread_join(e, &ev);
    printf("pthread_exit value %ld\n", (long)ev);

    signal(SIGUSR1, on_usr1);
    pthread_create(&spinner_id, NULL, spinner, NULL);
    usleep(20000);
    pthread_kill(spinner_id, SIGUSR1);
    void *sr;
    pthread_join(spinner_id, &sr);
    printf("pthread_kill: spinner stopped %ld, handler ran in it %d\n", (long)sr, got_usr1_in_thread);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t m;
    void *mr;
    pthread_create(&m, NULL, mask_reporter, NULL);
    pthread_join(m, &mr);
    printf("inherited mask: %ld\n", (long)mr);

    /* Many short-lived threads, more than the host's thread pool recycles at once. */
    long sum = 0;
    for (int round = 0; round < 17; round++) {
        pthread_t q[16];
        for (int i = 0; i < 16; i++)
            pthread_create(&q[i], NULL, worker, (void *)(intptr_t)i);
        for (int i = 0; i < 16; i++) {
            void *r;
            pthread_join(q[i], &r);
            sum += (long)r;
        }
    }
    printf("272 threads: sum %ld, counter %ld\n", sum, counter);
    return 0;
}
