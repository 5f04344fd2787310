/*
 * Signal handler semantics: SA_SIGINFO and plain handlers, siginfo from kill and sigqueue, the mask
 * while a handler runs (sa_mask, the signal itself, SA_NODEFER), SA_RESETHAND and signal(), blocked
 * signals kept pending (sigpending) and delivered on unblock in the kernel's nesting order,
 * real-time signals queued with their values, rt_sigsuspend, sigtimedwait, sigaltstack with
 * SA_ONSTACK, and SIG_IGN.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int depth, max_depth, count;
static char order[64];
static volatile int norder;

static void note(char c)
{
    if (norder < (int)sizeof order - 1)
        order[norder++] = c;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const int *mask_sigs)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    for (; mask_sigs && *mask_sigs; mask_sigs++)
        sigaddset(&sa.sa_mask, *mask_sigs);
    sigaction(sig, &sa, NULL);
}

static int blocked_now(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

static void on_info(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    printf("  info: sig %d, code %d, from me %d, uid ok %d, value %d, self blocked %d, USR2 blocked %d\n",
           sig, si->si_code, si->si_pid == getpid(), si->si_uid == getuid(), si->si_value.sival_int,
           blocked_now(sig), blocked_now(SIGUSR2));
}

static void basic_info(void)
{
    static const int mask[] = { SIGUSR2, 0 };
    install(SIGUSR1, on_info, 0, mask);
    printf("kill:\n");
    kill(getpid(), SIGUSR1);
    printf("sigqueue:\n");
    sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 31337 });
    printf("after: USR1 blocked %d\n", blocked_now(SIGUSR1));
}

static void on_plain(int sig)
{
    note((char)('a' + sig % 26));
    count++;
}

static void plain_and_oneshot(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_plain;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    count = 0;
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    printf("resethand: count %d, now default %d\n", count, now.sa_handler == SIG_DFL);
    signal(SIGHUP, on_plain);
    raise(SIGHUP);
    sigaction(SIGHUP, NULL, &now);
    printf("signal(): count %d, still installed %d\n", count, now.sa_handler == on_plain);
    signal(SIGHUP, SIG_IGN);
    raise(SIGHUP);
    printf("ignored: count %d\n", count);
}

static void on_nested(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    (void)ctx;
    depth++;
    count++;
    if (depth > max_depth)
        max_depth = depth;
    if (count < 3)
        raise(sig);
    depth--;
}

static void nodefer(void)
{
    install(SIGUSR1, on_nested, SA_NODEFER, NULL);
    max_depth = count = 0;
    raise(SIGUSR1);
    printf("nodefer: max depth %d, calls %d\n", max_depth, count);
    install(SIGUSR1, on_nested, 0, NULL);
    max_depth = count = 0;
    raise(SIGUSR1);
    printf("deferred: max depth %d, calls %d\n", max_depth, count);
}

static void on_order(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    note(sig == SIGUSR1 ? '1' : sig == SIGUSR2 ? '2' : sig == SIGTERM ? 'T' : 'r');
    if (sig >= SIGRTMIN)
        note((char)('0' + si->si_value.sival_int));
}

static void pending_and_order(void)
{
    install(SIGUSR1, on_order, 0, NULL);
    install(SIGUSR2, on_order, 0, NULL);
    install(SIGTERM, on_order, 0, NULL);
    install(SIGRTMIN, on_order, 0, NULL);
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGTERM);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1);             /* standard signals do not queue */
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i });
    sigpending(&pend);
    printf("pending: USR1 %d USR2 %d TERM %d RTMIN %d INT %d\n", sigismember(&pend, SIGUSR1),
           sigismember(&pend, SIGUSR2), sigismember(&pend, SIGTERM), sigismember(&pend, SIGRTMIN),
           sigismember(&pend, SIGINT));
    norder = 0;
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    order[norder] = 0;
    printf("delivery order: %s\n", order);
}

static void suspend_and_wait(void)
{
    install(SIGUSR1, on_order, 0, NULL);
    sigset_t set, old, wait_mask;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    norder = 0;
    sigfillset(&wait_mask);
    sigdelset(&wait_mask, SIGUSR1);
    int r = sigsuspend(&wait_mask);
    int e = errno;
    order[norder] = 0;
    printf("sigsuspend: %d %s, handled '%s', USR1 blocked again %d\n", r, e == EINTR ? "EINTR" : "?",
           order, blocked_now(SIGUSR1));

    sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 99 });
    siginfo_t si;
    struct timespec zero = { 0, 0 };
    int sig = sigtimedwait(&set, &si, &zero);
    printf("sigtimedwait: %s, value %d, code %d\n", sig == SIGUSR2 ? "SIGUSR2" : "?",
           si.si_value.sival_int, si.si_code);
    sig = sigtimedwait(&set, &si, &zero);
    printf("sigtimedwait again: %d %s\n", sig, errno == EAGAIN ? "EAGAIN" : "?");
    struct timespec short_wait = { 0, 20 * 1000 * 1000 };
    sig = sigtimedwait(&set, &si, &short_wait);
    printf("sigtimedwait 20 ms: %d %s\n", sig, errno == EAGAIN ? "EAGAIN" : "?");
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static char altstack[64 * 1024];
static volatile int on_alt, alt_flags_onstack;

static void on_alt_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    char here;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flags_onstack = (cur.ss_flags & SS_ONSTACK) != 0;
    printf("  altstack: on it %d, SS_ONSTACK %d, uc_stack size ok %d, sigaltstack busy %d\n", on_alt,
           alt_flags_onstack, uc->uc_stack.ss_size == sizeof altstack,
           sigaltstack(&cur, NULL) == -1 && errno == EPERM);
}

static void alternate_stack(void)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    printf("sigaltstack set: %d\n", sigaltstack(&ss, NULL));
    install(SIGUSR1, on_alt_handler, SA_ONSTACK, NULL);
    raise(SIGUSR1);
    install(SIGUSR1, on_alt_handler, 0, NULL);
    raise(SIGUSR1);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("after: flags %d\n", cur.ss_flags);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &cur);
    printf("disabled: flags %d\n", cur.ss_flags);
    ss.ss_size = 100;
    ss.ss_flags = 0;
    int r = sigaltstack(&ss, NULL);
    printf("too small: %d %s\n", r, errno == ENOMEM ? "ENOMEM" : "?");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    basic_info();
    plain_and_oneshot();
    nodefer();
    pending_and_order();
    suspend_and_wait();
    alternate_stack();
    /* Default action for SIGTERM ends the process with that signal. */
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
