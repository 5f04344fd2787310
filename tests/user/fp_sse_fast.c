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
    0x3fe6a09e667f3bcdull, 0x1fefffffffffffffull, 0x2010000000000000ull, 0x41dfffffffc00000ull,
    0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41cfffffffffffffull, 0x41d0000000000000ull,
    0x41dfffffffffffffull, 0x3fe0000000000000ull, 0x4004000000000000ull, 0xc1dfffffffe00000ull,
    0xc1e0000000100000ull, 0x41cfffffffe00000ull,
};
static const uint32_t fvals[] = {
    0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x3fc00000u, 0x40400000u, 0x3eaaaaabu, 0x3f800001u,
    0x33800000u, 0x00800000u, 0x80800000u, 0x00800001u, 0x00c00000u, 0x01000000u, 0x01000001u,
    0x007fffffu, 0x00000001u, 0x80000001u, 0x7f7fffffu, 0xff7fffffu, 0x7f000000u, 0x7effffffu,
    0x7f800000u, 0xff800000u, 0x7fc00000u, 0x7fc00123u, 0xffc00000u, 0x7f800001u, 0x7fa00000u,
    0x1f800000u, 0x20000000u, 0x5f800000u, 0x60000000u, 0x3f3504f3u, 0x1fffffffu, 0x20800000u,
    0x4effffffu, 0x4f000000u, 0xcf000000u, 0x4e7fffffu, 0x4e800000u, 0x3f000000u, 0x40200000u,
    0xceffffffu, 0xcf000001u, 0x4e7ffffeu, 0x40400001u, 0x3effffffu, 0x4b000001u, 0x4b7fffffu,
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

/*
 * One operation on 16-byte operands A (xmm0) and B (xmm1, or memory): R = xmm0 afterwards, or the
 * integer result, or the arithmetic flags (comis); mo = MXCSR afterwards.
 */
struct v128 { uint64_t q[2]; } __attribute__((aligned(16)));

#define XOP(insn)                                                                                     \
    case __COUNTER__ - base:                                                                          \
        if (mem)                                                                                      \
            __asm__ volatile("ldmxcsr %4\n movups %2, %%xmm0\n " insn " %3, %%xmm0\n movups %%xmm0, %0\n" \
                             " stmxcsr %1" : "=m"(*r), "=m"(mo) : "m"(*a), "m"(*b), "m"(mx) : "xmm0"); \
        else                                                                                          \
            __asm__ volatile("ldmxcsr %4\n movups %2, %%xmm0\n movups %3, %%xmm1\n " insn " %%xmm1, %%xmm0\n" \
                             " movups %%xmm0, %0\n stmxcsr %1"                                        \
                             : "=m"(*r), "=m"(mo) : "m"(*a), "m"(*b), "m"(mx) : "xmm0", "xmm1");      \
        break;
#define GOP(insn)                                                                                     \
    case __COUNTER__ - base:                                                                          \
        if (mem)                                                                                      \
            __asm__ volatile("ldmxcsr %4\n " insn " %3, %0\n stmxcsr %1"                              \
                             : "=r"(g), "=m"(mo) : "m"(*a), "m"(*b), "m"(mx));                        \
        else                                                                                          \
            __asm__ volatile("ldmxcsr %4\n movups %3, %%xmm1\n " insn " %%xmm1, %0\n stmxcsr %1"      \
                             : "=r"(g), "=m"(mo) : "m"(*a), "m"(*b), "m"(mx) : "xmm1");               \
        r->q[0] = g;                                                                                  \
        break;
#define COP(insn)                                                                                     \
    case __COUNTER__ - base:                                                                          \
        if (mem)                                                                                      \
            __asm__ volatile("ldmxcsr %4\n movups %2, %%xmm0\n " insn " %3, %%xmm0\n pushf\n pop %0\n" \
                             " stmxcsr %1" : "=r"(g), "=m"(mo) : "m"(*a), "m"(*b), "m"(mx) : "xmm0", "cc"); \
        else                                                                                          \
            __asm__ volatile("ldmxcsr %4\n movups %2, %%xmm0\n movups %3, %%xmm1\n " insn " %%xmm1, %%xmm0\n" \
                             " pushf\n pop %0\n stmxcsr %1"                                           \
                             : "=r"(g), "=m"(mo) : "m"(*a), "m"(*b), "m"(mx) : "xmm0", "xmm1", "cc");  \
        r->q[0] = g & 0x8d5;                                                                          \
        break;

/* The operations; lane says how operands are built: 'd' a double, 's' a float, 'D' two doubles,
 * 'S' four floats. */
static const struct { const char *name; char lane; } ops[] = {
    { "addsd", 'd' }, { "subsd", 'd' }, { "mulsd", 'd' }, { "divsd", 'd' }, { "sqrtsd", 'd' },
    { "addss", 's' }, { "subss", 's' }, { "mulss", 's' }, { "divss", 's' }, { "sqrtss", 's' },
    { "comisd", 'd' }, { "ucomisd", 'd' }, { "comiss", 's' }, { "ucomiss", 's' },
    { "addpd", 'D' }, { "subpd", 'D' }, { "mulpd", 'D' }, { "divpd", 'D' }, { "sqrtpd", 'D' },
    { "addps", 'S' }, { "subps", 'S' }, { "mulps", 'S' }, { "divps", 'S' }, { "sqrtps", 'S' },
    { "minsd", 'd' }, { "maxsd", 'd' }, { "minss", 's' }, { "maxss", 's' },
    { "cmpeqsd", 'd' }, { "cmpltsd", 'd' }, { "cmplesd", 'd' }, { "cmpunordsd", 'd' },
    { "cmpneqsd", 'd' }, { "cmpnltsd", 'd' }, { "cmpnlesd", 'd' }, { "cmpordsd", 'd' },
    { "cmpeqss", 's' }, { "cmpltss", 's' }, { "cmpless", 's' }, { "cmpunordss", 's' },
    { "cmpneqss", 's' }, { "cmpnltss", 's' }, { "cmpnless", 's' }, { "cmpordss", 's' },
    { "cvtsd2ss", 'd' }, { "cvtss2sd", 's' },
    { "cvttsd2si", 'd' }, { "cvtsd2si", 'd' }, { "cvttss2si", 's' }, { "cvtss2si", 's' },
};
enum { OPS = sizeof ops / sizeof ops[0], SCALAR_ARITH = 10 };

/* Runs operation op under mxcsr mx; a SIGFPE gives fault = 1 (the rest is then zero). */
#define SSE2 __attribute__((target("sse2")))

static SSE2 void run(int op, const struct v128 *a, const struct v128 *b, uint32_t mx, int mem, struct v128 *r,
                     uint32_t *mxcsr_out, int *fault)
{
    enum { base = __COUNTER__ + 1 };
    volatile uint32_t mo = 0;
    uint32_t g;
    *fault = 0;
    memset(r, 0, sizeof *r);
    if (sigsetjmp(jump, 1)) {
        uint32_t def = 0x1f80;
        __asm__ volatile("ldmxcsr %0" : : "m"(def));
        memset(r, 0, sizeof *r);
        *fault = 1;
        *mxcsr_out = 0;
        return;
    }
    switch (op) {
    XOP("addsd") XOP("subsd") XOP("mulsd") XOP("divsd") XOP("sqrtsd")
    XOP("addss") XOP("subss") XOP("mulss") XOP("divss") XOP("sqrtss")
    COP("comisd") COP("ucomisd") COP("comiss") COP("ucomiss")
    XOP("addpd") XOP("subpd") XOP("mulpd") XOP("divpd") XOP("sqrtpd")
    XOP("addps") XOP("subps") XOP("mulps") XOP("divps") XOP("sqrtps")
    XOP("minsd") XOP("maxsd") XOP("minss") XOP("maxss")
    XOP("cmpeqsd") XOP("cmpltsd") XOP("cmplesd") XOP("cmpunordsd")
    XOP("cmpneqsd") XOP("cmpnltsd") XOP("cmpnlesd") XOP("cmpordsd")
    XOP("cmpeqss") XOP("cmpltss") XOP("cmpless") XOP("cmpunordss")
    XOP("cmpneqss") XOP("cmpnltss") XOP("cmpnless") XOP("cmpordss")
    XOP("cvtsd2ss") XOP("cvtss2sd")
    GOP("cvttsd2si") GOP("cvtsd2si") GOP("cvttss2si") GOP("cvtss2si")
    }
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(def));
    *mxcsr_out = mo;
}

/* Operands for edge values i and j: lane 0 holds value i (A) and j (B); the other lanes of the
 * packed forms hold other pairs of edge values; scalar forms get recognisable upper lanes. */
static void operands(int op, int i, int j, struct v128 *a, struct v128 *b)
{
    char lane = ops[op].lane;
    int dbl = lane == 'd' || lane == 'D', n = dbl ? ND : NF;
    int ia[4] = { i, (i + j + 1) % n, (i * 7 + 3) % n, (j * 5 + i) % n };
    int ib[4] = { j, (i * 3 + j) % n, (j + 11) % n, (i + 2 * j) % n };
    a->q[0] = a->q[1] = 0x1234567890abcdefull;
    b->q[0] = b->q[1] = 0xfedcba0987654321ull;
    int lanes = lane == 'D' ? 2 : lane == 'S' ? 4 : 1;
    for (int k = 0; k < lanes; k++) {
        if (dbl) {
            a->q[k] = dvals[ia[k]];
            b->q[k] = dvals[ib[k]];
        } else {
            uint32_t *al = (uint32_t *)a->q, *bl = (uint32_t *)b->q;
            al[k] = fvals[ia[k]];
            bl[k] = fvals[ib[k]];
        }
    }
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

    /* Every pair of edge values under the default state with PE clear, then PE set: the scalar
     * arithmetic printed value by value, the others hashed per first operand. */
    for (int op = 0; op < OPS; op++) {
        int dbl = ops[op].lane == 'd' || ops[op].lane == 'D', n = dbl ? ND : NF;
        for (int m = 0; m < 2; m++) {
            for (int i = 0; i < n; i++) {
                uint64_t h = 0;
                printf("%s %04x a%02d:", ops[op].name, modes[m], i);
                for (int j = 0; j < n; j++) {
                    struct v128 a, b, r;
                    uint32_t mo;
                    int fault;
                    operands(op, i, j, &a, &b);
                    run(op, &a, &b, modes[m], j & 1, &r, &mo, &fault);
                    if (op >= SCALAR_ARITH)
                        h = hash_step(hash_step(hash_step(h, r.q[0]), r.q[1]), mo | (uint32_t)fault << 31);
                    else if (fault)
                        printf(" F");
                    else
                        printf(" %llx/%x", (unsigned long long)(dbl ? r.q[0] : (uint32_t)r.q[0]), mo & 0x3f);
                }
                if (op >= SCALAR_ARITH)
                    printf(" %016llx", (unsigned long long)h);
                printf("\n");
            }
        }
    }
    /* The other states: one hash per operation and state, the operand forms alternating. */
    for (int op = 0; op < OPS; op++) {
        int dbl = ops[op].lane == 'd' || ops[op].lane == 'D', n = dbl ? ND : NF;
        for (int m = 2; m < NM; m++) {
            uint64_t h = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    struct v128 a, b, r;
                    uint32_t mo;
                    int fault;
                    operands(op, i, j, &a, &b);
                    run(op, &a, &b, modes[m], (i + j) & 1, &r, &mo, &fault);
                    h = hash_step(hash_step(hash_step(h, r.q[0]), r.q[1]), mo | (uint32_t)fault << 31);
                }
            }
            printf("%s %04x: %016llx\n", ops[op].name, modes[m], (unsigned long long)h);
        }
    }
    /* Random operands near the edges, every state. */
    for (int op = 0; op < OPS; op++) {
        int dbl = ops[op].lane == 'd' || ops[op].lane == 'D';
        uint64_t h = 0;
        for (int k = 0; k < 2000; k++) {
            struct v128 a, b, r;
            uint32_t mo;
            int fault;
            for (int q = 0; q < 2; q++) {
                a.q[q] = dbl ? random_operand(1) : random_operand(0) | random_operand(0) << 32;
                b.q[q] = dbl ? random_operand(1) : random_operand(0) | random_operand(0) << 32;
            }
            run(op, &a, &b, modes[k % NM], k & 2, &r, &mo, &fault);
            h = hash_step(hash_step(hash_step(h, r.q[0]), r.q[1]), mo | (uint32_t)fault << 31);
        }
        printf("%s random: %016llx\n", ops[op].name, (unsigned long long)h);
    }
    cvt_tests();
    printf("faults: %d\n", faults);
    return 0;
}
