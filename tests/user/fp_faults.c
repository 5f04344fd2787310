/*
 * Floating-point faults as signals: unmasked x87 exceptions (#MF at the next waiting instruction)
 * and unmasked SSE exceptions (#XM) as SIGFPE with the si_code Linux derives from the status
 * word or MXCSR, misaligned 16-byte SSE memory operands as SIGSEGV, and the FPU state a handler
 * sees: its own fresh FPU, and the interrupted state in its ucontext (status word, control word,
 * MXCSR), which sigreturn puts back.
 */
#define _GNU_SOURCE
#include <emmintrin.h>
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#define SSE2 __attribute__((target("sse2")))

static sigjmp_buf jump;
static volatile int resume_by_return;

static void handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint16_t cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
    /* The fxsave image follows the 112-byte legacy part; MXCSR is at offset 24 in it. */
    uint32_t mxcsr;
    memcpy(&mxcsr, (const uint8_t *)fp + 112 + 24, 4);
    printf("  signal %d code %d; handler fcw %04x; saved fcw %04lx fsw %04lx mxcsr %08x\n", sig, si->si_code, cw,
           fp->cw & 0xffff, fp->sw & 0xffff, mxcsr);
    if (resume_by_return) {
        /* Clear the exception: sigreturn restores that state and fwait runs again, quietly. */
        fp->sw &= ~0x80ffu;
        return;
    }
    siglongjmp(jump, 1);
}

static void x87_case(const char *name, uint16_t cw, double a, double b, int op)
{
    printf("%s\n", name);
    if (sigsetjmp(jump, 1)) {
        __asm__ volatile("fninit");
        return;
    }
    volatile double r = 0;
    __asm__ volatile("fninit; fldcw %0" : : "m"(cw));
    switch (op) {
    case 0: r = a / b; break;
    case 1: r = a * b; break;
    case 2: r = a + b; break;
    default: __asm__ volatile("fldl %1; fsqrt; fstpl %0" : "=m"(r) : "m"(a)); break;
    }
    __asm__ volatile("fwait");
    printf("  no signal, %a\n", r);
}

static SSE2 void sse_case(const char *name, unsigned mxcsr, float a, float b, int op)
{
    printf("%s\n", name);
    if (sigsetjmp(jump, 1)) {
        _mm_setcsr(0x1f80);
        return;
    }
    _mm_setcsr(mxcsr);
    __m128 x = _mm_set_ss(a), y = _mm_set_ss(b), r;
    switch (op) {
    case 0: r = _mm_div_ss(x, y); break;
    case 1: r = _mm_mul_ss(x, y); break;
    case 2: r = _mm_add_ss(x, y); break;
    default: r = _mm_sqrt_ss(x); break;
    }
    volatile float out = _mm_cvtss_f32(r);
    _mm_setcsr(0x1f80);
    printf("  no signal, %a\n", (double)out);
}

static SSE2 void misaligned(int which)
{
    static uint8_t buf[64] __attribute__((aligned(16)));
    printf("misaligned %d\n", which);
    if (sigsetjmp(jump, 1))
        return;
    __m128 v = _mm_setzero_ps();
    __m128i w = _mm_setzero_si128();
    switch (which) {
    case 0: __asm__ volatile("movaps %1, %0" : "=x"(v) : "m"(*(const __m128 *)(buf + 4))); break;
    case 1: __asm__ volatile("movdqa %1, %0" : "=x"(w) : "m"(*(const __m128i *)(buf + 8))); break;
    case 2: __asm__ volatile("addps %1, %0" : "+x"(v) : "m"(*(const __m128 *)(buf + 1))); break;
    case 3: __asm__ volatile("movntdq %1, %0" : "=m"(*(__m128i *)(buf + 12)) : "x"(w)); break;
    default: __asm__ volatile("movups %1, %0" : "=x"(v) : "m"(*(const __m128 *)(buf + 4))); break;
    }
    printf("  no signal %d %d\n", _mm_movemask_ps(v), _mm_movemask_epi8(w));
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    x87_case("x87 divide by zero", 0x037b, 1.0, 0.0, 0);
    x87_case("x87 invalid 0/0", 0x037e, 0.0, 0.0, 0);
    x87_case("x87 overflow", 0x0377, 1e308, 1e308, 1);
    x87_case("x87 underflow", 0x036f, 1e-308, 1e-308, 1);
    x87_case("x87 inexact", 0x035f, 1.0, 3.0, 0);
    x87_case("x87 sqrt(-1)", 0x037e, -1.0, 0.0, 3);
    x87_case("x87 masked", 0x037f, 1.0, 0.0, 0);
    sse_case("sse divide by zero", 0x1d80, 1.0f, 0.0f, 0);
    sse_case("sse invalid", 0x1f00, -1.0f, 0.0f, 3);
    sse_case("sse overflow", 0x1b80, 3e38f, 3e38f, 1);
    sse_case("sse underflow", 0x1780, 1e-30f, 1e-30f, 1);
    sse_case("sse inexact", 0x0f80, 1.0f, 3.0f, 0);
    sse_case("sse masked", 0x1f80, 1.0f, 0.0f, 0);
    for (int i = 0; i < 5; i++)
        misaligned(i);
    /* A handler that returns: sigreturn restores the state it left in the ucontext. */
    printf("return from handler\n");
    resume_by_return = 1;
    uint16_t cw = 0x037b, sw, cw_after;
    volatile double z = 0.0;
    __asm__ volatile("fninit; fldcw %2; fld1; fdivl %3; fwait; fnop; fnstsw %0; fnstcw %1; fstp %%st(0)"
                     : "=m"(sw), "=m"(cw_after) : "m"(cw), "m"(z));
    printf("  after: fsw %04x fcw %04x\n", sw, cw_after);
    return 0;
}
