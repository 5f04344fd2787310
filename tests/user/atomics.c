/*
 * Atomic instructions shared by threads: lock add/xadd (fetch-and-add), lock cmpxchg loops,
 * xchg-based spinlocks, lock cmpxchg8b on 64-bit counters, and lock or/and on bit masks. Each
 * thread does a fixed amount of work, so the totals are exact if and only if every
 * read-modify-write is atomic.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

enum { NTHREADS = 6, ROUNDS = 3000 };

static volatile int add_counter, cas_counter, spin_counter;
static volatile int64_t wide_counter;
static volatile uint32_t bits_set, bits_cleared = 0xffffffffu;
static volatile int spinlock;

static void spin_lock(void)
{
    while (__sync_lock_test_and_set(&spinlock, 1))     /* xchg */
        while (spinlock)
            continue;
}

static void spin_unlock(void)
{
    __sync_lock_release(&spinlock);
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < ROUNDS; i++) {
        __sync_fetch_and_add(&add_counter, 1);
        int old;
        do
            old = cas_counter;
        while (!__sync_bool_compare_and_swap(&cas_counter, old, old + 2));
        spin_lock();
        spin_counter += 3;      /* a plain increment, made exclusive by the spinlock */
        spin_unlock();
        __sync_fetch_and_add(&wide_counter, (int64_t)1 << 32 | 1);   /* cmpxchg8b loop */
    }
    __sync_fetch_and_or(&bits_set, 1u << id);
    __sync_fetch_and_and(&bits_cleared, ~(1u << id));
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    printf("add %d cas %d spin %d (expected %d %d %d)\n", add_counter, cas_counter, spin_counter,
           NTHREADS * ROUNDS, 2 * NTHREADS * ROUNDS, 3 * NTHREADS * ROUNDS);
    printf("wide 0x%llx (expected 0x%llx)\n", (unsigned long long)wide_counter,
           (unsigned long long)(((int64_t)1 << 32 | 1) * NTHREADS * ROUNDS));
    printf("bits 0x%x 0x%x\n", bits_set, bits_cleared);
    return 0;
}
