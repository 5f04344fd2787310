/*
 * FPU state and signal handlers (needs the x87 FPU in the core): a handler that does floating
 * point must not disturb the interrupted code's x87 registers, control word or rounding mode; the
 * handler starts with the default control word; the interrupted state is visible in the ucontext
 * (uc_mcontext.fpregs: control word, status, magic of an FXSR frame), and a handler that changes
 * the saved control word there changes it for the interrupted code.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>

static volatile double handler_result;
static volatile unsigned handler_cw, saved_cw;
static volatile int handler_runs, change_cw;

static unsigned control_word(void)
{
    unsigned short cw;
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return cw;
}

static void on_alarm(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    handler_cw = control_word();
    saved_cw = uc->uc_mcontext.fpregs ? uc->uc_mcontext.fpregs->cw & 0xffff : 0;
    if (change_cw && uc->uc_mcontext.fpregs)
        uc->uc_mcontext.fpregs->cw = (uc->uc_mcontext.fpregs->cw & ~0xc00u) | 0xc00u;  /* truncate */
    volatile double x = 1.0;
    for (int i = 0; i < 50; i++)
        x = x * 1.5 + 0.25;         /* fills x87 registers of the handler's own */
    handler_result = x;
    handler_runs++;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGALRM, &sa, NULL);

    fesetround(FE_UPWARD);
    struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    /* x87 arithmetic kept in registers across many timer interrupts. */
    double sum = 0, term = 1;
    long rounds = 0;
    while (handler_runs < 20) {
        for (int i = 0; i < 1000; i++) {
            sum += term / 3.0;
            term = term * 0.999 + 0.001;
        }
        rounds++;
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    /* Recompute the same number of rounds without signals: the results must be identical. */
    double check = 0, t2 = 1;
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < 1000; i++) {
            check += t2 / 3.0;
            t2 = t2 * 0.999 + 0.001;
        }
    }
    printf("x87 sum undisturbed: %d, rounding still upward: %d\n", sum == check,
           fegetround() == FE_UPWARD);
    printf("handler: default control word %d (0x%x), saved control word has upward rounding %d\n",
           handler_cw == 0x37f, handler_cw, (saved_cw & 0xc00) == 0x800);
    printf("handler result %.6f\n", handler_result);

    change_cw = 1;
    fesetround(FE_TONEAREST);
    raise(SIGALRM);
    printf("after a handler changed the saved control word: rounding toward zero %d\n",
           fegetround() == FE_TOWARDZERO);
    return 0;
}
