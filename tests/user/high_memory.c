/* Guest memory at and above 2 GiB: xqm keeps its own mappings below 2 GiB and translates addresses
 * without zero-extension until the guest touches a mapped page up there (then the faulting code is
 * retranslated). This exercises that switch: functions first run on low memory, then on a fixed
 * mapping at 0x90000000 (negative displacements, string instructions, a mapping found by hint),
 * and faults on unmapped high addresses and on an address that wraps past 4 GiB. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf env;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(env, 1);
}

__attribute__((noinline)) static uint32_t sum_words(const uint32_t *a, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++)
        s = s * 31 + a[i];
    return s;
}

/* Walks backwards from one past the end: negative displacements off a high pointer. */
__attribute__((noinline)) static uint32_t sum_back(const uint32_t *end, int n)
{
    uint32_t s = 0;
    for (int i = 1; i <= n; i++)
        s ^= end[-i] + (uint32_t)i;
    return s;
}

__attribute__((noinline)) static void fill(uint32_t *a, int n, uint32_t seed)
{
    for (int i = 0; i < n; i++)
        a[i] = seed = seed * 1103515245u + 12345u;
}

static void probe(const char *what, volatile const uint8_t *p, int off)
{
    if (sigsetjmp(env, 1) == 0) {
        uint8_t v = p[off];
        printf("%s: read %u, no fault\n", what, v);
    } else {
        printf("%s: SIGSEGV at 0x%08lx, code %d\n", what, (unsigned long)fault_addr, fault_code);
    }
}

int main(int argc, char **argv)
{
    (void)argv;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    /* Before any high mapping: translated code does not zero-extend addresses yet. */
    probe("unmapped high, first", (const uint8_t *)(uintptr_t)(0xb0000000u + (unsigned)(argc - argc)), 0x24);
    probe("wrapping past 4 GiB, first", (const uint8_t *)(uintptr_t)(0xfffffff8u + (unsigned)(argc - argc)), 0x30);

    enum { N = 4096 };
    static uint32_t low[N];
    fill(low, N, 7);
    printf("low: %08x %08x\n", sum_words(low, N), sum_back(low + N, N));

    uint32_t *high = mmap((void *)0x90000000u, 4 * N, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (high == MAP_FAILED) {
        perror("mmap fixed");
        return 1;
    }
    fill(high, N, 7);
    printf("high: %08x %08x\n", sum_words(high, N), sum_back(high + N, N));
    memcpy(low, high + 1, 4 * (N - 1));
    memset(high, 0x5a, 4 * N);
    printf("copied: %08x set: %08x\n", sum_words(low, N), sum_words(high, N));

    /* A hint in the high half is honoured when free, as Linux does. */
    void *hinted = mmap((void *)0xa0000000u, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("hint honoured: %s\n", hinted == (void *)0xa0000000u ? "yes" : "no");
    if (hinted != MAP_FAILED) {
        strcpy(hinted, "written high");
        printf("%s\n", (char *)hinted);
    }

    volatile const uint8_t *unmapped = (const uint8_t *)(uintptr_t)(0xc0000000u + (unsigned)(argc - argc));
    probe("unmapped high", unmapped, 0x10);
    volatile const uint8_t *wrap = (const uint8_t *)(uintptr_t)(0xfffffff0u + (unsigned)(argc - argc));
    probe("wrapping past 4 GiB", wrap, 0x20);
    probe("end of the fixed mapping", (const uint8_t *)high, 4 * N);
    munmap(high, 4 * N);
    probe("unmapped again", (const uint8_t *)high, 8);
    return 0;
}
