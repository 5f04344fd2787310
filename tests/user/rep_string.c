/*
 * rep movs / rep stos in every element size: overlapping forward and backward copies at every
 * small distance, lengths around the 8-byte unit, copies across page ends, DF = 1, and faults in
 * the middle of a rep (source or destination running into a PROT_NONE or read-only page), where
 * the signal handler reports the fault address and esi/edi/ecx relative to their start: the
 * registers must show exactly the elements copied before the faulting one, and the bytes copied
 * must be exactly those.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

enum { OP_MOVS, OP_STOS };

static __attribute__((noinline)) void rep_op(int op, int size, int backward, uint8_t *d, const uint8_t *s, uint32_t n, uint32_t eax,
                   uint32_t out[3])
{
    void *dd = d;
    const void *ss = s;
    uint32_t c = n;
    if (backward)
        __asm__ volatile("std" ::: "cc");
    if (op == OP_MOVS) {
        if (size == 1)
            __asm__ volatile("rep movsb" : "+D"(dd), "+S"(ss), "+c"(c) : : "memory");
        else if (size == 2)
            __asm__ volatile("rep movsw" : "+D"(dd), "+S"(ss), "+c"(c) : : "memory");
        else
            __asm__ volatile("rep movsl" : "+D"(dd), "+S"(ss), "+c"(c) : : "memory");
    } else {
        if (size == 1)
            __asm__ volatile("rep stosb" : "+D"(dd), "+c"(c) : "a"(eax) : "memory");
        else if (size == 2)
            __asm__ volatile("rep stosw" : "+D"(dd), "+c"(c) : "a"(eax) : "memory");
        else
            __asm__ volatile("rep stosl" : "+D"(dd), "+c"(c) : "a"(eax) : "memory");
    }
    if (backward)
        __asm__ volatile("cld" ::: "cc");
    out[0] = (uint32_t)((uint8_t *)dd - d);
    out[1] = (uint32_t)((const uint8_t *)ss - s);
    out[2] = c;
}

static uint32_t hash(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static uint8_t buf[256];

/* Every distance between source and destination in one buffer, lengths 0..40. */
static void overlaps(void)
{
    static const char *names[2] = { "movs", "stos" };
    for (int op = 0; op < 2; op++) {
        for (int size = 1; size <= 4; size *= 2) {
            for (int backward = 0; backward < 2; backward++) {
                uint32_t h = 2166136261u;
                for (int dist = -20; dist <= 20; dist++) {
                    for (uint32_t n = 0; n <= 40; n++) {
                        fill(buf, sizeof buf, (uint32_t)(dist * 41 + (int)n));
                        int base = backward ? 180 : 60;
                        uint32_t out[3];
                        rep_op(op, size, backward, buf + base + dist, buf + base, n, 0x9abcdef1u + n, out);
                        h = hash(h, buf, sizeof buf);
                        h = hash(h, (const uint8_t *)out, sizeof out);
                    }
                }
                printf("%s%d %s: %08x\n", names[op], size, backward ? "down" : "up", h);
            }
        }
    }
}

/* Long copies across page ends with every alignment of source and destination. */
static void page_crossing(uint8_t *area)
{
    for (int op = 0; op < 2; op++) {
        for (int size = 1; size <= 4; size *= 2) {
            uint32_t h = 2166136261u;
            for (int sa = 0; sa < 9; sa++) {
                for (int da = 0; da < 9; da++) {
                    fill(area, 4 * 4096, (uint32_t)(sa * 9 + da));
                    uint8_t *s = area + 4096 - 13 + sa, *d = area + 2 * 4096 - 29 + da;
                    uint32_t n = (uint32_t)(5000 + sa * 7 + da) / (uint32_t)size, out[3];
                    rep_op(op, size, 0, d, s, n, 0x5a5aa5a5u, out);
                    h = hash(h, area, 4 * 4096);
                    h = hash(h, (const uint8_t *)out, sizeof out);
                }
            }
            printf("%s%d pages: %08x\n", op ? "stos" : "movs", size, h);
        }
    }
}

static sigjmp_buf jump;
static volatile uintptr_t fault_addr;
static volatile uint32_t fault_regs[3];

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    const ucontext_t *uc = ctx;
    fault_addr = (uintptr_t)si->si_addr;
    fault_regs[0] = (uint32_t)uc->uc_mcontext.gregs[REG_EDI];
    fault_regs[1] = (uint32_t)uc->uc_mcontext.gregs[REG_ESI];
    fault_regs[2] = (uint32_t)uc->uc_mcontext.gregs[REG_ECX];
    siglongjmp(jump, 1);
}

static __attribute__((noinline)) void try_rep(int op, int size, uint8_t *d, const uint8_t *s, uint32_t n,
                                              uint32_t out[3])
{
    if (!sigsetjmp(jump, 1))
        rep_op(op, size, 0, d, s, n, 0x11223344u, out);
}

/* area: page 0 and 1 read-write, page 2 read-only, page 3 PROT_NONE. */
static void faults(uint8_t *area)
{
    /* The "odd" and "unaligned" cases have 2- and 4-byte elements straddling into the faulting
     * page: the fault is at its start and the element is not written (tests/user/straddle_faults.c). */
    struct {
        const char *what;
        long src, dst;          /* offsets into area */
        uint32_t bytes;
        int sizes;              /* mask of element sizes: 1, 2, 4 */
    } cases[] = {
        { "src into none", 3 * 4096 - 36, 100, 200, 7 },
        { "src into none, odd", 3 * 4096 - 3, 1001, 64, 7 },
        { "src into none, 8 short", 3 * 4096 - 40, 1001, 64, 7 },
        { "dst into read-only", 10, 2 * 4096 - 44, 300, 7 },
        { "dst into read-only, odd", 11, 2 * 4096 - 45, 300, 7 },
        { "dst into read-only, unaligned", 11, 2 * 4096 - 6, 300, 7 },
        { "dst inside read-only", 10, 3 * 4096 - 20, 100, 7 },
        { "dst inside read-only, odd", 10, 3 * 4096 - 21, 100, 7 },
        { "dst at read-only", 10, 2 * 4096, 30, 7 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int op = 0; op < 2; op++) {
            for (int size = 1; size <= 4; size *= 2) {
                mprotect(area + 2 * 4096, 4096, PROT_READ | PROT_WRITE);
                fill(area, 3 * 4096, (uint32_t)i);
                mprotect(area + 2 * 4096, 4096, PROT_READ);
                uint8_t *s = area + cases[i].src, *d = area + cases[i].dst;
                if (!(cases[i].sizes & size))
                    continue;
                if (op == OP_STOS && strstr(cases[i].what, "src"))
                    continue;
                fault_addr = 0;
                uint32_t out[3] = { 0, 0, 0 };
                try_rep(op, size, d, s, cases[i].bytes / (uint32_t)size, out);
                const char *name = op ? "stos" : "movs";
                if (fault_addr)
                    printf("%s%d %s: fault at %ld, edi+%u esi+%u ecx=%u", name, size, cases[i].what,
                           (long)(fault_addr - (uintptr_t)area), fault_regs[0] - (uint32_t)(uintptr_t)d,
                           op == OP_MOVS ? fault_regs[1] - (uint32_t)(uintptr_t)s : 0, fault_regs[2]);
                else
                    printf("%s%d %s: no fault, done %u %u %u", name, size, cases[i].what, out[0], out[1], out[2]);
                printf(", memory %08x\n", hash(2166136261u, area, 3 * 4096));
                memset((void *)fault_regs, 0, sizeof fault_regs);
            }
        }
    }
}

int main(void)
{
    overlaps();
    uint8_t *area = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return 1;
    page_crossing(area);
    mprotect(area + 3 * 4096, 4096, PROT_NONE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    faults(area);
    return 0;
}
