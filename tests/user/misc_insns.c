/* Instructions with side effects on the machine rather than on data: cpuid (the features xqm reports
 * are a subset every x86 running these tests also has), rdtsc (monotonic), and the traps: bound out
 * of range, into with OF set, int3, int $n, hlt, ud2, a lock prefix on an instruction that cannot
 * take one, each delivered to a handler as the signal Linux sends, with eip in the handler's context
 * pointing where Linux reports it. Last, a long rep movsb interrupted by timer signals must still
 * copy everything. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile uint32_t fault_eip;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    fault_eip = (uint32_t)((ucontext_t *)ctx)->uc_mcontext.gregs[REG_EIP];
    siglongjmp(env, sig);
}

extern char bound_at[], into_at[], int3_after[], intn_at[], hlt_at[], ud2_at[], lock_at[];

static void trap(const char *name, void (*fn)(void), const char *where)
{
    int sig = sigsetjmp(env, 1);
    if (sig == 0) {
        fn();
        printf("%s: no signal\n", name);
        return;
    }
    printf("%s: signal %d, eip %s\n", name, sig, fault_eip == (uint32_t)(uintptr_t)where ? "as Linux reports" : "elsewhere");
}

static void do_bound(void)
{
    static int32_t range[2] = { 10, 20 };
    __asm__ volatile("movl $25, %%eax\n bound_at: bound %%eax, %0" : : "m"(range) : "eax");
}
static void do_into(void) { __asm__ volatile("movl $0x7fffffff, %%eax\n addl $1, %%eax\n into\n into_at:" ::: "eax", "cc"); }
static void do_int3(void) { __asm__ volatile("int3\n int3_after:"); }
static void do_intn(void) { __asm__ volatile("intn_at: int $0x81"); }
static void do_hlt(void) { __asm__ volatile("hlt_at: hlt"); }
static void do_ud2(void) { __asm__ volatile("ud2_at: ud2"); }
static void do_lock(void) { __asm__ volatile("lock_at: .byte 0xf0, 0x89, 0xc0"); }   /* lock movl %eax, %eax */

static volatile int ticks;
static void on_tick(int sig) { (void)sig; ticks++; }

int main(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    static const struct { int bit; const char *name; } feat[] = {
        { 0, "fpu" }, { 4, "tsc" }, { 8, "cx8" }, { 15, "cmov" }, { 23, "mmx" }, { 24, "fxsr" },
        { 25, "sse" }, { 26, "sse2" },
    };
    for (size_t i = 0; i < sizeof feat / sizeof feat[0]; i++)
        printf("cpuid %s: %s\n", feat[i].name, d & (1u << feat[i].bit) ? "yes" : "no");
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    printf("cpuid max leaf >= 1: %s\n", a >= 1 ? "yes" : "no");

    uint64_t t0, t1;
    __asm__ volatile("rdtsc" : "=A"(t0));
    for (volatile int i = 0; i < 100000; i++)
        continue;
    __asm__ volatile("rdtsc" : "=A"(t1));
    printf("rdtsc advances: %s\n", t1 > t0 ? "yes" : "no");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    for (int s = 1; s < 32; s++)
        if (s != SIGKILL && s != SIGSTOP && s != SIGALRM)
            sigaction(s, &sa, NULL);
    trap("bound", do_bound, bound_at);
    trap("into", do_into, into_at);
    trap("int3", do_int3, int3_after);
    trap("int $0x81", do_intn, intn_at);
    trap("hlt", do_hlt, hlt_at);
    trap("ud2", do_ud2, ud2_at);
    trap("lock mov", do_lock, lock_at);

    size_t n = 16u << 20;
    uint8_t *src = malloc(n), *dst = malloc(n);
    for (size_t i = 0; i < n; i++)
        src[i] = (uint8_t)(i * 7);
    struct sigaction st;
    memset(&st, 0, sizeof st);
    st.sa_handler = on_tick;
    st.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &st, NULL);
    struct itimerval it = { { 0, 500 }, { 0, 500 } };
    setitimer(ITIMER_REAL, &it, NULL);
    for (int r = 0; r < 4; r++) {
        uint8_t *s = src, *dd = dst;
        size_t cnt = n;
        __asm__ volatile("cld\n rep movsb" : "+S"(s), "+D"(dd), "+c"(cnt) : : "memory");
    }
    memset(&it, 0, sizeof it);
    setitimer(ITIMER_REAL, &it, NULL);
    printf("rep movsb under timer signals: %s\n", memcmp(src, dst, n) == 0 ? "copied" : "CORRUPT");
    return 0;
}
