/* Code that crosses a page boundary: an instruction split across two pages, a run of instructions
 * (one translation block) spanning two pages, the second page rewritten afterwards (the block must be
 * retranslated), and an instruction whose second half lies on an unmapped page (SIGSEGV at the
 * start of that page, not at the instruction). */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile uintptr_t fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(env, 1);
}

typedef uint32_t (*fn)(void);

/* Emits `mov $imm, %eax` so that its 5 bytes start `split` bytes before the page boundary at b,
 * followed by add/ret; returns the entry point. */
static uint8_t *emit_split_mov(uint8_t *boundary, int split, uint32_t imm)
{
    uint8_t *p = boundary - split - 1;
    uint8_t *entry = p;
    *p++ = 0x90;                                /* nop, so the block starts on the first page */
    *p++ = 0xb8;                                /* mov $imm, %eax */
    memcpy(p, &imm, 4);
    p += 4;
    *p++ = 0x05;                                /* add $1, %eax */
    uint32_t one = 1;
    memcpy(p, &one, 4);
    p += 4;
    *p++ = 0xc3;                                /* ret */
    return entry;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 1;
    uint8_t *boundary = m + page;

    for (int split = 0; split <= 5; split++) {
        memset(m, 0xcc, 2 * page);
        fn f = (fn)(void *)emit_split_mov(boundary, split, 0x1000 + (uint32_t)split);
        printf("split %d: %#x\n", split, f());
    }

    /* A block of 40 `inc %eax` spanning the boundary, then ret; then the part on the second page
     * is rewritten to `dec`: the block must not run stale code. */
    memset(m, 0xcc, 2 * page);
    uint8_t *start = boundary - 20;
    start[0] = 0x31;
    start[1] = 0xc0;                            /* xor %eax, %eax */
    memset(start + 2, 0x40, 40);                /* inc %eax */
    start[42] = 0xc3;
    fn g = (fn)(void *)start;
    printf("40 inc: %u\n", g());
    memset(boundary, 0x48, 22);                 /* the ones on the second page become dec %eax */
    printf("18 inc, 22 dec: %d\n", (int)g());

    /* Second half unmapped: the fault is at the start of the unmapped page. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    munmap(boundary + page, page);
    uint8_t *last = boundary + page - 2;
    last[0] = 0xb8;                             /* mov $imm32, %eax: 2 of its 5 bytes mapped */
    last[1] = 0x01;
    if (sigsetjmp(env, 1) == 0) {
        ((fn)(void *)last)();
        printf("no fault\n");
    } else {
        printf("fault at page end + %ld\n", (long)(fault_addr - (uintptr_t)(boundary + page)));
    }
    return 0;
}
