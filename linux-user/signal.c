/*
 * Host signals on behalf of the guest: faults in translated code, signal numbering, and ending the
 * process the way the guest would end.
 *
 * Guest signal handlers do not run yet (a later issue delivers signals with i386 frames). Until
 * then a guest signal whose action is the default ends xqm with the same signal, so the parent sees
 * the wait status of the native process; SIG_IGN is applied to the host as is; and a signal the
 * guest has a handler for is caught, interrupts translated code via cpu_exit, and is dropped with a
 * -d unimp note when the CPU loop collects it.
 *
 * Invariants:
 * - SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP always have xqm's handler (host_signal_reserved):
 *   the guest's wishes for them are recorded by the syscall layer but never reach the host.
 * - A fault whose pc is inside the code cache is the guest's; its state is rebuilt from the pinned
 *   host registers (host/mips/backend.h) before anything else looks at env.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "common/exec.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "host/mips/backend.h"
#include "linux-user/user.h"

enum { GUEST_NSIG = 64, GUEST_SIGRTMIN = 32 };

/* Host signal of each i386 signal 1..31 (i386 numbering is the x86 one; MIPS differs from 7 on). */
static const int host_signal_of_guest[GUEST_SIGRTMIN] = {
    [1] = SIGHUP, [2] = SIGINT, [3] = SIGQUIT, [4] = SIGILL, [5] = SIGTRAP, [6] = SIGABRT,
    [7] = SIGBUS, [8] = SIGFPE, [9] = SIGKILL, [10] = SIGUSR1, [11] = SIGSEGV, [12] = SIGUSR2,
    [13] = SIGPIPE, [14] = SIGALRM, [15] = SIGTERM, [16] = 0 /* SIGSTKFLT: none on MIPS */,
    [17] = SIGCHLD, [18] = SIGCONT, [19] = SIGSTOP, [20] = SIGTSTP, [21] = SIGTTIN, [22] = SIGTTOU,
    [23] = SIGURG, [24] = SIGXCPU, [25] = SIGXFSZ, [26] = SIGVTALRM, [27] = SIGPROF,
    [28] = SIGWINCH, [29] = SIGIO, [30] = SIGPWR, [31] = SIGSYS,
};

static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };

enum guest_disposition { DISP_DEFAULT, DISP_IGNORE, DISP_HANDLER };
static enum guest_disposition guest_disposition[GUEST_NSIG + 1];

/* Signals caught for a guest handler and not yet collected by the CPU loop. */
static volatile sig_atomic_t pending[GUEST_NSIG + 1];
static volatile sig_atomic_t any_pending;

static __thread CPUX86State *thread_cpu;

enum { HOST_ALTSTACK_SIZE = 64 << 10 };

int guest_to_host_signal(int guest_sig)
{
    if (guest_sig <= 0 || guest_sig > GUEST_NSIG)
        return 0;
    if (guest_sig >= GUEST_SIGRTMIN)
        return guest_sig;       /* real-time signals share the kernel's numbering, 32 and up */
    return host_signal_of_guest[guest_sig];
}

int host_to_guest_signal(int host_sig)
{
    if (host_sig >= GUEST_SIGRTMIN && host_sig <= GUEST_NSIG)
        return host_sig;
    for (int g = 1; g < GUEST_SIGRTMIN; g++) {
        if (host_signal_of_guest[g] == host_sig && host_sig != 0)
            return g;
    }
    return 0;
}

bool host_signal_reserved(int host_sig)
{
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++) {
        if (fault_signals[i] == host_sig)
            return true;
    }
    return false;
}

_Noreturn void guest_die_by_signal(int guest_sig)
{
    int host_sig = guest_to_host_signal(guest_sig);
    fflush(NULL);
    if (host_sig > 0) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigaction(host_sig, &dfl, NULL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, host_sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(host_sig);
    }
    /* Only for a signal whose default action does not kill (the caller should not ask for it). */
    _exit(128 + guest_sig);
}

/* The guest's registers at a fault in translated code, from where host/mips/backend.h pins them. */
static void restore_guest_state(CPUX86State *env, TranslationBlock *tb, const ucontext_t *uc,
                                uintptr_t pc)
{
    const greg_t *r = uc->uc_mcontext.gregs;
    for (int i = 0; i < 8; i++)
        env->regs[i] = (uint32_t)r[hreg_guest(i)];
    env->cc_res = (uint64_t)r[HREG_CC_RES];
    env->cc_src1 = (uint64_t)r[HREG_CC_SRC1];
    env->cc_src2 = (uint64_t)r[HREG_CC_SRC2];
    env->cc_op = (uint32_t)r[HREG_CC_OP];
    tb_restore_state(tb, env, pc);
}

static bool address_in_guest_space(uintptr_t addr)
{
    /* The guest page at 0 is left out so that a NULL dereference in xqm's C code stays xqm's bug. */
    return addr >= guest_base + GUEST_PAGE_SIZE && addr - guest_base < GUEST_SPACE_SIZE + (64 << 10);
}

static void take_guest_signal_from_host(int host_sig)
{
    int guest_sig = host_to_guest_signal(host_sig);
    switch (guest_disposition[guest_sig]) {
    case DISP_IGNORE:
        return;
    case DISP_HANDLER:
        pending[guest_sig] = 1;
        any_pending = 1;
        if (thread_cpu)
            cpu_exit(thread_cpu);
        return;
    case DISP_DEFAULT:
        guest_die_by_signal(guest_sig);
    }
}

static void host_fault_handler(int host_sig, siginfo_t *info, void *context)
{
    const ucontext_t *uc = context;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc;
    uintptr_t addr = (uintptr_t)info->si_addr;

    /* Sent by kill/tgkill (the guest's own raise(), say), not caused by an instruction. */
    if (info->si_code <= 0) {
        take_guest_signal_from_host(host_sig);
        return;
    }
    CPUX86State *env = thread_cpu;
    if (env && host_code_contains(pc)) {
        TranslationBlock *tb = tb_find_by_host_pc(pc);
        if (tb)
            restore_guest_state(env, tb, uc, pc);
        if (xqm_log_enabled(LOG_INT))
            xqm_log("xqm-user: guest signal %d at eip 0x%08x (host pc 0x%lx, address 0x%lx)\n",
                    host_to_guest_signal(host_sig), env->eip, (unsigned long)pc,
                    (unsigned long)(addr - guest_base));
        guest_die_by_signal(host_to_guest_signal(host_sig));
    }
    if (env && (host_sig == SIGSEGV || host_sig == SIGBUS) && address_in_guest_space(addr)) {
        /* A C helper called from translated code touched a bad guest address: still the guest's. */
        if (xqm_log_enabled(LOG_INT))
            xqm_log("xqm-user: guest signal %d in a helper (host pc 0x%lx, address 0x%lx), "
                    "last eip 0x%08x\n", host_to_guest_signal(host_sig), (unsigned long)pc,
                    (unsigned long)(addr - guest_base), env->eip);
        guest_die_by_signal(host_to_guest_signal(host_sig));
    }
    fprintf(stderr, "xqm-user: internal fault: signal %d (%s) at pc 0x%lx, address 0x%lx\n",
            host_sig, strsignal(host_sig), (unsigned long)pc, (unsigned long)addr);
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigaction(SIGABRT, &dfl, NULL);
    abort();
}

void signal_init(void)
{
    struct sigaction sa = { .sa_sigaction = host_fault_handler, .sa_flags = SA_SIGINFO | SA_ONSTACK };
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++) {
        if (sigaction(fault_signals[i], &sa, NULL) != 0)
            xqm_fatal("cannot install the handler for signal %d", fault_signals[i]);
    }
}

void signal_set_thread_cpu(CPUX86State *env)
{
    /* The handlers run on their own stack, so that even a host stack overflow is reported. */
    stack_t ss = { .ss_sp = malloc(HOST_ALTSTACK_SIZE), .ss_size = HOST_ALTSTACK_SIZE };
    if (ss.ss_sp)
        sigaltstack(&ss, NULL);
    thread_cpu = env;
}

static void host_async_handler(int host_sig)
{
    take_guest_signal_from_host(host_sig);
}

void signal_guest_disposition_changed(int guest_sig, uint32_t handler, bool restart)
{
    if (guest_sig <= 0 || guest_sig > GUEST_NSIG)
        return;
    guest_disposition[guest_sig] = handler == 0 ? DISP_DEFAULT
                                 : handler == 1 ? DISP_IGNORE : DISP_HANDLER;
    int host_sig = guest_to_host_signal(guest_sig);
    if (host_sig == 0 || host_signal_reserved(host_sig) || host_sig == SIGKILL || host_sig == SIGSTOP)
        return;
    struct sigaction sa = { .sa_flags = restart ? SA_RESTART : 0 };
    sigemptyset(&sa.sa_mask);
    if (handler == 0)
        sa.sa_handler = SIG_DFL;
    else if (handler == 1)
        sa.sa_handler = SIG_IGN;
    else
        sa.sa_handler = host_async_handler;
    sigaction(host_sig, &sa, NULL);
}

void signal_process_pending(CPUX86State *env)
{
    (void)env;
    if (!any_pending)
        return;
    any_pending = 0;
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        if (!pending[sig])
            continue;
        pending[sig] = 0;
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-user: signal %d dropped: running guest signal handlers is not "
                    "implemented yet\n", sig);
    }
}
