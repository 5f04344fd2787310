/*
 * The edges of xqm's inline host-FPU paths for scalar SSE (target/i386/sse_fpinline.c): addsd,
 * subsd, mulsd, divsd, sqrtsd and the ss forms, comisd/ucomisd/comiss/ucomiss, cvtsi2sd, with the
 * second operand in a register and in memory, on operands and results at every boundary the fast
 * path must recognise (zeros of both signs, denormals, the smallest binades, the overflow
 * threshold, infinities, quiet and signalling NaNs, exact cancellation), under MXCSR states that
 * must and must not take it (PE clear or set, each rounding mode, FTZ, DAZ, unmasked exceptions,
 * which raise SIGFPE). Every result is printed (or hashed, per group of operands) with MXCSR, so
 * the comparison with the native run checks values and flags bit for bit. Inline assembly only,
 * so every build variant runs the same instructions.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint64_t dvals[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull, 0x3ff8000000000000ull,
    0x4008000000000000ull, 0x3fd5555555555555ull, 0x3ff0000000000001ull, 0x3ca0000000000000ull,
    0x0010000000000000ull, 0x8010000000000000ull, 0x0010000000000001ull, 0x0018000000000000ull,
    0x0020000000000000ull, 0x0020000000000001ull, 0x000fffffffffffffull, 0x0000000000000001ull,
    0x8000000000000001ull, 0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7fe0000000000000ull,
    0x7fdfffffffffffffull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff8000000000123ull, 0xfff8000000000000ull, 0x7ff0000000000001ull, 0x7ff4000000000000ull,
    0x1ff0000000000000ull, 0x2000000000000000ull, 0x5ff0000000000000ull, 0x6000000000000000ull,
    0x3fe6a09e667f3bcdull, 0x1fefffffffffffffull, 0x2010000000000000ull,
};
static const uint32_t fvals[] = {
    0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x3fc00000u, 0x40400000u, 0x3eaaaaabu, 0x3f800001u,
    0x33800000u, 0x00800000u, 0x80800000u, 0x00800001u, 0x00c00000u, 0x01000000u, 0x01000001u,
    0x007fffffu, 0x00000001u, 0x80000001u, 0x7f7fffffu, 0xff7fffffu, 0x7f000000u, 0x7effffffu,
    0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fc00123u, 0xffc00000u, 0x7f800001u, 0x7fa00000u,
    0x1f800000u, 0x20000000u, 0x5f800000u, 0x60000000u, 0x3f3504f3u, 0x1fffffffu, 0x20800000u,
};
enum { ND = sizeof dvals / sizeof dvals[0], NF = sizeof fvals / sizeof fvals[0] };

/* MXCSR states: default with PE clear and set, the rounding modes, FTZ, DAZ, unmasked exceptions. */
static const uint32_t modes[] = {
    0x1f80, 0x1fa0, 0x3fa0, 0x5fa0, 0x7fa0, 0x9fa0, 0x1fe0, 0x1fa2, 0x0fa0, 0x1da0, 0x1ba0, 0x17a0, 0x1f20,
    0x1e80,
};
enum { NM = sizeof modes / sizeof modes[0] };

static sigjmp_buf jump;
static volatile int faults;

static void on_sigfpe(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    faults += si->si_code;
    siglongjmp(jump, 1);
}

/* One operation: xmm0 = a, then xmm0 = xmm0 op b (b from xmm1 or memory); r = xmm0, mo = MXCSR. */
#define ARITH_OP(insn, mov, R, A, B)                                                                  \
    case __COUNTER__ - base:                                                                          \
        if (mem)                                                                                      \
            __asm__ volatile("ldmxcsr %4\n " mov " %2, %%xmm0\n " insn " %3, %%xmm0\n " mov " %%xmm0, %0\n" \
                             " stmxcsr %1" : "=m"(R), "=m"(mo) : "m"(A), "m"(B), "m"(mx) : "xmm0");   \
        else                                                                                          \
            __asm__ volatile("ldmxcsr %4\n " mov " %2, %%xmm0\n " mov " %3, %%xmm1\n " insn " %%xmm1, %%xmm0\n" \
                             " " mov " %%xmm0, %0\n stmxcsr %1"                                       \
                             : "=m"(R), "=m"(mo) : "m"(A), "m"(B), "m"(mx) : "xmm0", "xmm1");         \
        break;
#define SD_OP(insn) ARITH_OP(insn, "movsd", r, a, b)
#define SS_OP(insn) ARITH_OP(insn, "movss", rs, as, bs)
/* comis: the arithmetic flags as pushf sees them. */
#define CMP_OP(insn, mov, A, B)                                                                       \
    case __COUNTER__ - base:                                                                          \
        if (mem)                                                                                      \
            __asm__ volatile("ldmxcsr %4\n " mov " %2, %%xmm0\n " insn " %3, %%xmm0\n pushf\n pop %0\n" \
                             " stmxcsr %1" : "=r"(fl), "=m"(mo) : "m"(A), "m"(B), "m"(mx) : "xmm0", "cc"); \
        else                                                                                          \
            __asm__ volatile("ldmxcsr %4\n " mov " %2, %%xmm0\n " mov " %3, %%xmm1\n " insn " %%xmm1, %%xmm0\n" \
                             " pushf\n pop %0\n stmxcsr %1"                                           \
                             : "=r"(fl), "=m"(mo) : "m"(A), "m"(B), "m"(mx) : "xmm0", "xmm1", "cc");  \
        r = fl & 0x8d5;                                                                               \
        break;

enum { OPS = 14 };
static const char *const op_names[OPS] = {
    "addsd", "subsd", "mulsd", "divsd", "sqrtsd", "addss", "subss", "mulss", "divss", "sqrtss",
    "comisd", "ucomisd", "comiss", "ucomiss",
};

/* Runs op on (a, b) under mxcsr mx; returns the result bits (or flags) and sets *mxcsr_out. A
 * SIGFPE gives "fault" and the MXCSR the test finds afterwards does not matter. */
#define SSE2 __attribute__((target("sse2")))

static SSE2 uint64_t run(int op, uint64_t a, uint64_t b, uint32_t mx, int mem, uint32_t *mxcsr_out, int *fault)
{
    enum { base = __COUNTER__ + 1 };
    volatile uint64_t r = 0;
    volatile uint32_t rs = 0, as = (uint32_t)a, bs = (uint32_t)b, mo = 0, fl;
    *fault = 0;
    if (sigsetjmp(jump, 1)) {
        uint32_t def = 0x1f80;
        __asm__ volatile("ldmxcsr %0" : : "m"(def));
        *fault = 1;
        *mxcsr_out = 0;
        return 0;
    }
    switch (op) {
    SD_OP("addsd") SD_OP("subsd") SD_OP("mulsd") SD_OP("divsd") SD_OP("sqrtsd")
    SS_OP("addss") SS_OP("subss") SS_OP("mulss") SS_OP("divss") SS_OP("sqrtss")
    CMP_OP("comisd", "movsd", a, b) CMP_OP("ucomisd", "movsd", a, b)
    CMP_OP("comiss", "movss", as, bs) CMP_OP("ucomiss", "movss", as, bs)
    }
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(def));
    *mxcsr_out = mo;
    return op >= 5 && op < 10 ? rs : r;
}

static uint64_t hash_step(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x100000001b3ull;
    return h ^ (h >> 29);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A random operand near an edge: an exponent from a small set (around 0, the denormal edge, the
 * overflow edge), a random sign and fraction with few or many bits. */
static uint64_t random_operand(int dbl)
{
    static const int dexp[] = { 0, 1, 2, 3, 0x3fe, 0x3ff, 0x400, 0x1ff, 0x200, 0x5fe, 0x5ff, 0x7fd, 0x7fe, 0x7ff, 0x3ca };
    static const int fexp[] = { 0, 1, 2, 3, 0x7e, 0x7f, 0x80, 0x3f, 0x40, 0xbe, 0xbf, 0xfd, 0xfe, 0xff, 0x66 };
    uint64_t x = next_random();
    int e = (dbl ? dexp : fexp)[next_random() % 15];
    uint64_t frac = x >> (next_random() % 4 == 0 ? 60 : 12);
    if (dbl)
        return (x & 0x8000000000000000ull) | (uint64_t)e << 52 | (frac & 0xfffffffffffffull);
    return (x >> 32 & 0x80000000u) | (uint64_t)e << 23 | (frac & 0x7fffff);
}

/* cvtsi2sd of edge integers, register and memory operand: exact, MXCSR unchanged. */
static SSE2 void cvt_tests(void)
{
    static const int32_t ints[] = { 0, 1, -1, 0x7fffffff, (int32_t)0x80000000, 123456789, -16777217, 16777217 };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        uint64_t r1, r2;
        uint32_t mx = 0x1f80, mo;
        int32_t v = ints[i];
        __asm__ volatile("ldmxcsr %3\n pcmpeqd %%xmm0, %%xmm0\n cvtsi2sd %4, %%xmm0\n movsd %%xmm0, %0\n"
                         " cvtsi2sd %5, %%xmm0\n movsd %%xmm0, %1\n stmxcsr %2"
                         : "=m"(r1), "=m"(r2), "=m"(mo) : "m"(mx), "r"(v), "m"(v) : "xmm0");
        printf("cvtsi2sd %d: %llx %llx mxcsr %x\n", v, (unsigned long long)r1, (unsigned long long)r2, mo);
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigfpe;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);

    /* Every pair of edge values under the default state with PE clear, then PE set: printed. */
    for (int op = 0; op < OPS; op++) {
        int dbl = op < 5 || op == 10 || op == 11;
        int n = dbl ? ND : NF;
        for (int m = 0; m < 2; m++) {
            for (int i = 0; i < n; i++) {
                printf("%s %04x a%02d:", op_names[op], modes[m], i);
                for (int j = 0; j < n; j++) {
                    uint32_t mo;
                    int fault;
                    uint64_t a = dbl ? dvals[i] : fvals[i], b = dbl ? dvals[j] : fvals[j];
                    uint64_t r = run(op, a, b, modes[m], j & 1, &mo, &fault);
                    if (fault)
                        printf(" F");
                    else
                        printf(" %llx/%x", (unsigned long long)r, mo & 0x3f);
                }
                printf("\n");
            }
        }
    }
    /* The other states: one hash per operation, operand a and state, over both operand forms. */
    for (int op = 0; op < OPS; op++) {
        int dbl = op < 5 || op == 10 || op == 11;
        int n = dbl ? ND : NF;
        for (int m = 2; m < NM; m++) {
            uint64_t h = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int mem = 0; mem < 2; mem++) {
                        uint32_t mo;
                        int fault;
                        uint64_t a = dbl ? dvals[i] : fvals[i], b = dbl ? dvals[j] : fvals[j];
                        uint64_t r = run(op, a, b, modes[m], mem, &mo, &fault);
                        h = hash_step(hash_step(h, r), mo | (uint32_t)fault << 31);
                    }
                }
            }
            printf("%s %04x: %016llx\n", op_names[op], modes[m], (unsigned long long)h);
        }
    }
    /* Random operands near the edges, every state. */
    for (int op = 0; op < OPS; op++) {
        int dbl = op < 5 || op == 10 || op == 11;
        uint64_t h = 0;
        for (int k = 0; k < 4000; k++) {
            uint32_t mo;
            int fault;
            uint64_t a = random_operand(dbl), b = random_operand(dbl);
            uint64_t r = run(op, a, b, modes[k % NM], k & 2, &mo, &fault);
            h = hash_step(hash_step(h, r), mo | (uint32_t)fault << 31);
        }
        printf("%s random: %016llx\n", op_names[op], (unsigned long long)h);
    }
    cvt_tests();
    printf("faults: %d\n", faults);
    return 0;
}
