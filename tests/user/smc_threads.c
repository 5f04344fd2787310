/* Cross-thread self-modifying code: one thread keeps calling a function in a code buffer while
 * another rewrites it; each rewrite is published through an atomic generation counter, and after
 * seeing a new generation the caller must get the new code's result (the translator must drop the
 * old translation, whichever thread wrote). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

enum { ROUNDS = 200 };

static uint8_t *code;
static volatile int generation;
static volatile int acked;

typedef int (*fn)(void);

static void write_code(int value)
{
    code[0] = 0xb8;                     /* mov $value, %eax */
    memcpy(code + 1, &value, 4);
    code[5] = 0xc3;                     /* ret */
}

static void *writer(void *arg)
{
    (void)arg;
    for (int g = 1; g <= ROUNDS; g++) {
        while (__atomic_load_n(&acked, __ATOMIC_ACQUIRE) != g - 1)
            continue;
        write_code(1000 + g);
        __atomic_store_n(&generation, g, __ATOMIC_RELEASE);
    }
    return NULL;
}

int main(void)
{
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 1;
    write_code(1000);
    fn f = (fn)(void *)code;
    int first = f(), wrong = 0;
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    for (int g = 1; g <= ROUNDS; g++) {
        while (__atomic_load_n(&generation, __ATOMIC_ACQUIRE) != g)
            f();                        /* keeps the old code hot in the meantime */
        if (f() != 1000 + g)
            wrong++;
        __atomic_store_n(&acked, g, __ATOMIC_RELEASE);
    }
    pthread_join(t, NULL);
    printf("first %d, %d rewrites by another thread, %d stale results\n", first, ROUNDS, wrong);
    return 0;
}
