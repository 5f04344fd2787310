/* The large FPU images (fnsave/frstor 108 bytes, fnstenv/fldenv 28, fxsave/fxrstor 512) at every
 * tenth (fxsave: 48th) offset where they run from one page into the next, with the second page
 * PROT_NONE or read-only, the first page so, or both PROT_NONE: the fault's si_addr (the reference
 * CPU checks the image's first byte, then its last: an image reaching into a bad page reports its
 * last byte, not that page's first), whether any byte was written, and the FPU state afterwards:
 * the handler leaves by siglongjmp, so it is the state Linux gives a signal handler (everything
 * zero but the control words), not the one before the fault. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf jump;
static volatile uintptr_t fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jump, 1);
}

static uint32_t hash(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint8_t image[512] __attribute__((aligned(16)));

/* A state unlike the initial one: three values on the stack, MXCSR with RC and masks changed, XMM1
 * all ones and the other XMM registers zero (libc's string functions leave CPU-specific values in
 * them: the native run takes its AVX2 versions). */
static void load_busy_state(void)
{
    static const uint32_t mxcsr = 0x1f80 | 0x6000;
    __asm__ volatile("fninit\n\tfldpi\n\tfld1\n\tfldl2t\n\tldmxcsr %0\n\t"
                     "pxor %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
                     "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
                     "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7" : : "m"(mxcsr));
}

/* The x87 and SSE state without FIP/FCS/FDP/FDS (bytes 8-23: code addresses) and MXCSR_MASK
 * (28-31: 0xffff here, 0x2ffff on AMD CPUs, which also have the misaligned-SSE mask bit). */
static uint32_t state_hash(void)
{
    __asm__ volatile("fxsave %0" : "=m"(image));
    memset(image + 8, 0, 16);
    memset(image + 28, 0, 4);
    return hash(image, 288);
}

enum op { FXSAVE, FNSAVE, FNSTENV, FXRSTOR, FRSTOR, FLDENV, NOPS };
static const char *const op_names[NOPS] = { "fxsave", "fnsave", "fnstenv", "fxrstor", "frstor", "fldenv" };
static const int op_sizes[NOPS] = { 512, 108, 28, 512, 108, 28 };

static void run(enum op op, uint8_t *p)
{
    switch (op) {
    case FXSAVE: __asm__ volatile("fxsave (%0)" : : "r"(p) : "memory"); break;
    case FNSAVE: __asm__ volatile("fnsave (%0)" : : "r"(p) : "memory"); break;
    case FNSTENV: __asm__ volatile("fnstenv (%0)" : : "r"(p) : "memory"); break;
    case FXRSTOR: __asm__ volatile("fxrstor (%0)" : : "r"(p) : "memory"); break;
    case FRSTOR: __asm__ volatile("frstor (%0)" : : "r"(p) : "memory"); break;
    case FLDENV: __asm__ volatile("fldenv (%0)" : : "r"(p) : "memory"); break;
    default: break;
    }
}

enum layout { SECOND_NONE, SECOND_RO, FIRST_NONE, FIRST_RO, BOTH_NONE, NLAYOUTS };
static const char *const layout_names[NLAYOUTS] = { "2nd-none", "2nd-ro", "1st-none", "1st-ro", "both-none" };

static uint8_t *pages;
static uint8_t fx_image[512] __attribute__((aligned(16))), f_image[108];

static void one_case(enum op op, enum layout l, int off)
{
    bool fx = op == FXSAVE || op == FXRSTOR;
    mprotect(pages, 8192, PROT_READ | PROT_WRITE);
    memset(pages, 0xa5, 8192);
    if (op >= FXRSTOR)
        memcpy(pages + off, fx ? fx_image : f_image, (size_t)op_sizes[op]);
    if (l == SECOND_NONE || l == SECOND_RO)
        mprotect(pages + 4096, 4096, l == SECOND_NONE ? PROT_NONE : PROT_READ);
    else if (l == FIRST_NONE || l == FIRST_RO)
        mprotect(pages, 4096, l == FIRST_NONE ? PROT_NONE : PROT_READ);
    else
        mprotect(pages, 8192, PROT_NONE);
    load_busy_state();
    fault_addr = 0;
    fault_code = 0;
    if (!sigsetjmp(jump, 1))
        run(op, pages + off);
    uint32_t state = state_hash();
    mprotect(pages, 8192, PROT_READ);
    printf("%-7s %-9s at %4d: si_addr %+5ld si_code %d, pages %08x %08x, state %08x\n", op_names[op],
           layout_names[l], off, fault_addr ? (long)(fault_addr - (uintptr_t)pages) - 4096 : -99999L,
           fault_code, hash(pages, 4096), hash(pages + 4096, 4096), state);
}

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED)
        return 1;
    /* The images the loads find in memory: a state with two more values pushed. */
    load_busy_state();
    __asm__ volatile("fldz\n\tfldln2\n\tfxsave %0" : "=m"(fx_image));
    __asm__ volatile("fnsave %0" : "=m"(f_image));
    memset(fx_image + 8, 0, 16);                /* FIP, FDP: code addresses */
    memset(fx_image + 28, 0, 4);                /* MXCSR_MASK: CPU-specific, ignored by fxrstor */
    memset(f_image + 12, 0, 16);                /* FIP, FCS, FOP, FDP, FDS: the selectors are the kernel's */
    for (int l = 0; l < NLAYOUTS; l++) {
        for (int op = 0; op < NOPS; op++) {
            bool fx = op == FXSAVE || op == FXRSTOR;
            for (int off = 4096 - op_sizes[op] + (fx ? 16 : 2); off < 4096; off += fx ? 48 : 10)
                one_case((enum op)op, (enum layout)l, off);
        }
    }
    return 0;
}
