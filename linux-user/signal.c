/*
 * Host signals on behalf of the guest: the guest's signal actions and their host dispositions,
 * catching host signals into per-thread queues, faults in translated code, signal numbering, and
 * ending the process the way the guest would end. Delivery to guest handlers is sigframe.c's.
 *
 * How a guest signal travels:
 * - The guest's action is SIG_DFL or SIG_IGN: the host disposition is the same, so the host kernel
 *   kills, stops or ignores exactly as Linux would for the native process, wait status included.
 * - The guest has a handler: the host handler (host_signal_handler) converts the host siginfo,
 *   queues it on the receiving thread's TaskState, and, if the guest does not block it, raises
 *   signal_pending, asks the thread to leave translated code (cpu_exit) and pulls a blocking
 *   syscall out of its start window (safe_syscall.c). The CPU loop then delivers it.
 * - The guest's blocked mask is mirrored to the host thread's mask, so the host kernel keeps
 *   blocked signals pending for us, picks the receiving thread as Linux would, and implements
 *   sigpending/sigtimedwait/sigsuspend on the host side. SA_RESTART is mirrored too (see
 *   safe_syscall.c for how a restart reaches the guest).
 * - Faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) always have xqm's handler
 *   (host_signal_reserved): a fault in translated code rebuilds the precise guest state from the
 *   pinned host registers, queues the guest signal as the thread's `sync` entry and jumps back to
 *   the CPU loop (siglongjmp to ts->fault_jmp). A write to a page that holds translated code is not
 *   a fault at all: the page is unprotected and its TBs dropped (mmap.c, mode.c). Sent with kill or
 *   tgkill (si_code <= 0), the same signals take the async path.
 *
 * Invariant: the queue of a thread is changed by that thread only with host signals blocked
 * (signal_block_host), and by the host handlers, which run with every signal blocked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "common/exec.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "host/mips/backend.h"
#include "host/mips/ldst.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"
#if __has_include("target/i386/fpu.h")
#include "target/i386/fpu.h"
#define FPU_SIGFPE_CODE(env, excp) x86_fpu_sigfpe_code(env, excp)
#else
#define FPU_SIGFPE_CODE(env, excp) 0    /* a core without an FPU raises neither #MF nor #XM */
#endif

/* i386 signal numbers used by name here. */
enum {
    G_SIGILL = 4, G_SIGTRAP = 5, G_SIGBUS = 7, G_SIGFPE = 8, G_SIGKILL = 9, G_SIGSEGV = 11,
    G_SIGCHLD = 17, G_SIGSTOP = 19, G_SIGIO = 29, G_SIGSYS = 31,
};

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

/* The guest's actions, shared by all its threads (CLONE_SIGHAND); changed under action_lock. */
static struct guest_sigaction guest_action[GUEST_NSIG + 1];
static pthread_mutex_t action_lock = PTHREAD_MUTEX_INITIALIZER;

enum { HOST_ALTSTACK_SIZE = 64 << 10 };

static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

/*
 * Real-time signals. The host's libc keeps 32 and 33 for itself (thread cancellation and setxid)
 * and would act on them, and qemu-mips64el, when xqm runs under it, can deliver only host signals
 * up to 62. So the guest's 32 and 33 (its own libc's cancellation and setxid signals) travel as
 * host 62 and 61, the guest's 34..60 (SIGRTMIN..SIGRTMIN+26) as themselves, and the guest's 61..64
 * as host 63..66, which a MIPS kernel (128 signals) has but qemu-mips64el does not deliver.
 */
enum { GUEST_SIG_RT_CANCEL = 32, GUEST_SIG_RT_SETXID = 33, RT_SAME_LAST = 60 };

int guest_to_host_signal(int guest_sig)
{
    if (guest_sig <= 0 || guest_sig > GUEST_NSIG)
        return 0;
    if (guest_sig < GUEST_SIGRTMIN)
        return host_signal_of_guest[guest_sig];
    if (guest_sig == GUEST_SIG_RT_CANCEL)
        return RT_SAME_LAST + 2;
    if (guest_sig == GUEST_SIG_RT_SETXID)
        return RT_SAME_LAST + 1;
    if (guest_sig <= RT_SAME_LAST)
        return guest_sig;
    int host = guest_sig + 2;
    return host < _NSIG ? host : 0;
}

int host_to_guest_signal(int host_sig)
{
    if (host_sig == RT_SAME_LAST + 2)
        return GUEST_SIG_RT_CANCEL;
    if (host_sig == RT_SAME_LAST + 1)
        return GUEST_SIG_RT_SETXID;
    if (host_sig >= 34 && host_sig <= RT_SAME_LAST)
        return host_sig;
    if (host_sig >= RT_SAME_LAST + 3 && host_sig <= GUEST_NSIG + 2)
        return host_sig - 2;
    for (int g = 1; g < GUEST_SIGRTMIN; g++) {
        if (host_signal_of_guest[g] == host_sig && host_sig != 0)
            return g;
    }
    return 0;
}

uint64_t host_sigset_to_guest(const void *host_sigset)
{
    const sigset_t *set = host_sigset;
    uint64_t g = 0;
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        int h = guest_to_host_signal(sig);
        if (h && sigismember(set, h) == 1)
            g |= sig_bit(sig);
    }
    return g;
}

void guest_sigset_to_host(uint64_t guest_set, void *host_sigset)
{
    sigset_t *set = host_sigset;
    sigemptyset(set);
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        int h = guest_to_host_signal(sig);
        if ((guest_set & sig_bit(sig)) && h)
            sigaddset(set, h);
    }
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
    if (xqm_log_enabled(LOG_STRACE))
        xqm_log("--- killed by guest signal %d ---\n", guest_sig);
    fflush(NULL);
    if (host_sig > 0) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigaction(host_sig, &dfl, NULL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, host_sig);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        /* The whole process, as for the native one: tgkill to ourselves could leave threads. */
        kill(getpid(), host_sig);
        raise(host_sig);
    }
    /* Only for a signal whose default action does not kill (the caller should not ask for it). */
    _exit(128 + guest_sig);
}

int32_t host_wait_status_to_guest(int status)
{
    if (WIFSIGNALED(status))
        return (status & ~0x7f) | host_to_guest_signal(WTERMSIG(status));
    if (WIFSTOPPED(status))
        return (status & 0xff) | (host_to_guest_signal(WSTOPSIG(status)) << 8)
               | (status & ~0xffff);
    return status;
}

/* ---- siginfo ---- */

/* MIPS moves three of the generic negative si_code values around (asm/siginfo.h). */
static int guest_si_code(int host_code)
{
    switch (host_code) {
    case SI_TIMER: return -2;
    case SI_MESGQ: return -3;
    case SI_ASYNCIO: return -4;
    default: return host_code;
    }
}

void host_siginfo_to_guest(const siginfo_t *h, int guest_sig, struct guest_siginfo *g)
{
    memset(g, 0, sizeof *g);
    g->signo = guest_sig;
    g->err = h->si_errno ? guest_errno(h->si_errno) : 0;
    int code = h->si_code;
    g->code = guest_si_code(code);
    /* The union's layout, chosen like the kernel's siginfo_layout(). */
    if (code > SI_USER && code < SI_KERNEL) {
        switch (guest_sig) {
        case G_SIGCHLD:
            g->u.chld.pid = h->si_pid;
            g->u.chld.uid = h->si_uid;
            g->u.chld.status = code == CLD_EXITED ? h->si_status : host_to_guest_signal(h->si_status);
            g->u.chld.utime = (int32_t)h->si_utime;
            g->u.chld.stime = (int32_t)h->si_stime;
            return;
        case G_SIGSEGV: case G_SIGBUS: case G_SIGILL: case G_SIGFPE: case G_SIGTRAP:
            g->u.fault.addr = (uint32_t)((uintptr_t)h->si_addr - guest_base);
            return;
        case G_SIGIO:
            g->u.poll.band = (int32_t)h->si_band;
            g->u.poll.fd = h->si_fd;
            return;
        case G_SIGSYS:
            return;
        default:
            break;
        }
    } else if (code == SI_TIMER) {
        g->u.timer.tid = h->si_timerid;
        g->u.timer.overrun = h->si_overrun;
        g->u.timer.value = (uint32_t)h->si_value.sival_int;
        return;
    } else if (code == SI_SIGIO) {
        g->u.poll.band = (int32_t)h->si_band;
        g->u.poll.fd = h->si_fd;
        return;
    }
    g->u.kill.pid = h->si_pid;
    g->u.kill.uid = h->si_uid;
    if (code < 0)
        g->u.kill.value = (uint32_t)h->si_value.sival_int;
}

/* ---- the per-thread queue ---- */

void signal_block_host(void *old_host_sigset)
{
    sigset_t all;
    sigfillset(&all);
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
        sigdelset(&all, fault_signals[i]);
    pthread_sigmask(SIG_BLOCK, &all, old_host_sigset);
}

void signal_restore_host(const void *old_host_sigset)
{
    pthread_sigmask(SIG_SETMASK, old_host_sigset, NULL);
}

/* The host mask that mirrors a guest mask: xqm's fault signals always stay deliverable. */
static void host_mask_of(uint64_t guest_blocked, sigset_t *host)
{
    guest_sigset_to_host(guest_blocked, host);
    for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
        sigdelset(host, fault_signals[i]);
}

void signal_update_pending(TaskState *ts)
{
    int pending = ts->sync.sig != 0;
    for (int i = 0; i < ts->nqueued && !pending; i++)
        pending = !(ts->blocked & sig_bit(ts->queue[i].sig));
    ts->signal_pending = pending;
}

void signal_set_blocked(TaskState *ts, uint64_t mask)
{
    sigset_t old, host;
    signal_block_host(&old);
    ts->blocked = mask & ~(sig_bit(G_SIGKILL) | sig_bit(G_SIGSTOP));
    signal_update_pending(ts);
    host_mask_of(ts->blocked, &host);
    signal_restore_host(&host);
    (void)old;
}

uint64_t signal_queued_set(TaskState *ts)
{
    sigset_t old;
    signal_block_host(&old);
    uint64_t set = 0;
    for (int i = 0; i < ts->nqueued; i++)
        set |= sig_bit(ts->queue[i].sig);
    signal_restore_host(&old);
    return set;
}

bool signal_dequeue(TaskState *ts, uint64_t set, struct sigqueue_entry *out)
{
    int best = -1;
    for (int i = 0; i < ts->nqueued; i++) {
        if ((set & sig_bit(ts->queue[i].sig)) && (best < 0 || ts->queue[i].sig < ts->queue[best].sig))
            best = i;
    }
    if (best < 0)
        return false;
    *out = ts->queue[best];
    /* Keep the order of what remains: real-time signals of one number are delivered FIFO. */
    memmove(&ts->queue[best], &ts->queue[best + 1],
            sizeof ts->queue[0] * (size_t)(ts->nqueued - best - 1));
    ts->nqueued--;
    signal_update_pending(ts);
    return true;
}

/* Runs in a host signal handler (or with host signals blocked): async-signal-safe. */
static void queue_signal(TaskState *ts, const struct guest_siginfo *info)
{
    int sig = info->signo;
    if (sig < GUEST_SIGRTMIN) {
        for (int i = 0; i < ts->nqueued; i++) {
            if (ts->queue[i].sig == sig)
                return;         /* standard signals do not queue twice */
        }
    }
    if (ts->nqueued >= SIGQUEUE_MAX)
        return;
    ts->queue[ts->nqueued].sig = sig;
    ts->queue[ts->nqueued].info = *info;
    ts->nqueued++;
}

/* ---- host handlers ---- */

static void take_async_signal(TaskState *ts, int host_sig, const siginfo_t *info, ucontext_t *uc)
{
    int guest_sig = host_to_guest_signal(host_sig);
    if (!ts || guest_sig == 0)
        return;
    struct guest_siginfo g;
    host_siginfo_to_guest(info, guest_sig, &g);
    queue_signal(ts, &g);
    if (ts->blocked & sig_bit(guest_sig))
        return;
    ts->signal_pending = 1;
    cpu_exit(ts->env);
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc;
    if (safe_syscall_rewind(&pc))
        uc->uc_mcontext.pc = pc;
}

static void host_signal_handler(int host_sig, siginfo_t *info, void *context)
{
    int saved_errno = errno;
    take_async_signal(task_self(), host_sig, info, context);
    errno = saved_errno;
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

/* The i386 trap number, error code and si_code Linux gives for a fault on guest address a. */
static void fill_page_fault(struct sigqueue_entry *e, int guest_sig, uint32_t a)
{
    unsigned f = guest_page_flags(a);
    e->sig = guest_sig;
    e->info.signo = guest_sig;
    e->info.u.fault.addr = a;
    if (guest_sig == G_SIGBUS) {
        e->info.code = 2;       /* BUS_ADRERR: a file mapping past its end, say */
    } else {
        e->info.code = (f & PAGE_VALID) ? 2 : 1;   /* SEGV_ACCERR : SEGV_MAPERR */
    }
    e->trapno = 14;
    e->err = 4 | ((f & PAGE_VALID) ? 1 : 0);        /* user mode, protection violation */
    e->cr2 = a;
}

/*
 * A write fault on a page whose only fault is holding translated code. Returns normally to retry
 * the store, or, when the store's own TB may have been changed by it, restarts the CPU loop at the
 * storing instruction in single-instruction mode (mode.c).
 */
static bool handle_code_page_write(TaskState *ts, uintptr_t addr, const ucontext_t *uc, uintptr_t pc)
{
    uint32_t gaddr = (uint32_t)(addr - guest_base);
    unsigned f = guest_page_flags(gaddr);
    if (!(f & PAGE_VALID) || !(f & PAGE_WRITE))
        return false;
    uint32_t hp_start, hp_size;
    if (!guest_unprotect_code(gaddr, &hp_start, &hp_size))
        return false;
    if (ts && host_code_contains(pc)) {
        TranslationBlock *tb = tb_find_by_host_pc(pc);
        if (tb && tb_overlaps(tb, hp_start, (uint64_t)hp_start + hp_size)) {
            restore_guest_state(ts->env, tb, uc, pc);
            smc_step_begin(ts->env, hp_start);
            siglongjmp(ts->fault_jmp, 1);
        }
    }
    return true;
}

/*
 * Translated code that does not zero-extend guest addresses (host/mips/ldst_user.c) turns a guest
 * address A at or above 2 GiB into the negative host address A - 2^32. That always faults; when A
 * is mapped for the guest, the access was legal: from now on translate with zero-extension, drop
 * the faulting TB and run the instruction again (nothing of it has happened yet: precise faults).
 */
bool guest_addr_zext;

static bool negative_guest_address(uintptr_t addr)
{
    return guest_base == 0 && addr >= (uintptr_t)0xffffffff00000000ull;
}

static bool retry_with_zero_extension(TaskState *ts, uintptr_t addr, const ucontext_t *uc, uintptr_t pc)
{
    if (!ts || !negative_guest_address(addr) || !host_code_contains(pc)
        || !(guest_page_flags((uint32_t)addr) & PAGE_VALID))
        return false;
    TranslationBlock *tb = tb_find_by_host_pc(pc);
    if (!tb || (tb->flags & LDST_TB_FLAG_ADDR_ZEXT))
        return false;   /* zero-extending code: a genuine fault (an access wrapping past 4 GiB) */
    __atomic_store_n(&guest_addr_zext, true, __ATOMIC_RELAXED);
    restore_guest_state(ts->env, tb, uc, pc);
    tb_invalidate_range(tb->code_lo, tb->pc + tb->size < tb->pc ? 0xffffffffu : tb->pc + tb->size);
    siglongjmp(ts->fault_jmp, 1);
}

/*
 * The address x86 Linux reports for the fault of the access the host instruction at pc belongs to,
 * given the host's fault address: the access's first byte when its first page faults, else the
 * start of the page it straddles into (the first byte it cannot access). A split access faults
 * first on its highest byte (host/mips/ldst_user.c), whose address the host reports.
 */
static uint32_t guest_fault_address(const ucontext_t *uc, uintptr_t pc, uintptr_t host_addr)
{
    uint32_t a = (uint32_t)(host_addr - guest_base);
    struct ldst_fault_access acc = ldst_user_fault_access((const uint32_t *)pc,
                                                          (const uint64_t *)uc->uc_mcontext.gregs);
    if (acc.below == 0)
        return a;
    uint32_t ea = (uint32_t)(acc.ea - guest_base), start = ea - acc.below;
    unsigned f = guest_page_flags(start);
    unsigned need = acc.is_store ? PAGE_WRITE : PAGE_READ;
    if ((start & GUEST_PAGE_MASK) == (ea & GUEST_PAGE_MASK) || !(f & PAGE_VALID) || !(f & need))
        return start;
    return ea & GUEST_PAGE_MASK;
}

static void host_fault_handler(int host_sig, siginfo_t *info, void *context)
{
    ucontext_t *uc = context;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc;
    uintptr_t addr = (uintptr_t)info->si_addr;
    TaskState *ts = task_self();

    /* Sent by kill/tgkill (the guest's own raise(), say), not caused by an instruction. */
    if (info->si_code <= 0) {
        int saved_errno = errno;
        take_async_signal(ts, host_sig, info, uc);
        errno = saved_errno;
        return;
    }
    if (host_sig == SIGSEGV && address_in_guest_space(addr)
        && handle_code_page_write(ts, addr, uc, pc))
        return;
    if (host_sig == SIGSEGV || host_sig == SIGBUS)
        retry_with_zero_extension(ts, addr, uc, pc);
    if (ts && host_code_contains(pc)) {
        CPUX86State *env = ts->env;
        TranslationBlock *tb = tb_find_by_host_pc(pc);
        if (tb)
            restore_guest_state(env, tb, uc, pc);
        int guest_sig = host_to_guest_signal(host_sig);
        /* An unmapped guest address at or above 2 GiB (see above): what the guest gets for any
         * unmapped address, whatever the host kernel raised for a kernel-space address. */
        if ((host_sig == SIGSEGV || host_sig == SIGBUS) && negative_guest_address(addr))
            guest_sig = G_SIGSEGV;
        struct sigqueue_entry *e = &ts->sync;
        memset(e, 0, sizeof *e);
        if (host_sig == SIGSEGV || host_sig == SIGBUS) {
            fill_page_fault(e, guest_sig, guest_fault_address(uc, pc, addr));
        } else {
            e->sig = guest_sig;
            e->info.signo = guest_sig;
            e->info.code = info->si_code;
            e->info.u.fault.addr = env->eip;
        }
        ts->signal_pending = 1;
        if (xqm_log_enabled(LOG_INT))
            xqm_log("xqm-user: guest signal %d at eip 0x%08x (host pc 0x%lx, address 0x%lx)\n",
                    guest_sig, env->eip, (unsigned long)pc, (unsigned long)(addr - guest_base));
        siglongjmp(ts->fault_jmp, 1);
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
    /*
     * What the guest inherits: an ignored signal stays ignored across execve, as on Linux, and the
     * host disposition already says so; everything else starts as SIG_DFL.
     */
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        int h = guest_to_host_signal(sig);
        struct sigaction old;
        if (h && !host_signal_reserved(h) && sigaction(h, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            guest_action[sig].handler = 1;
    }
}

void signal_thread_init(TaskState *ts)
{
    /* The handlers run on their own stack, so that even a host stack overflow is reported. */
    ts->host_altstack = malloc(HOST_ALTSTACK_SIZE);
    if (ts->host_altstack) {
        stack_t ss = { .ss_sp = ts->host_altstack, .ss_size = HOST_ALTSTACK_SIZE };
        sigaltstack(&ss, NULL);
    }
    sigset_t host;
    host_mask_of(ts->blocked, &host);
    pthread_sigmask(SIG_SETMASK, &host, NULL);
}

void signal_get_action(int sig, struct guest_sigaction *out)
{
    pthread_mutex_lock(&action_lock);
    *out = guest_action[sig];
    pthread_mutex_unlock(&action_lock);
}

void signal_set_action(int sig, const struct guest_sigaction *act)
{
    pthread_mutex_lock(&action_lock);
    guest_action[sig] = *act;
    guest_action[sig].mask &= ~(sig_bit(G_SIGKILL) | sig_bit(G_SIGSTOP));
    int host_sig = guest_to_host_signal(sig);
    if (host_sig && !host_signal_reserved(host_sig) && host_sig != SIGKILL && host_sig != SIGSTOP) {
        struct sigaction sa = { .sa_flags = 0 };
        sigemptyset(&sa.sa_mask);
        if (act->handler == 0) {
            sa.sa_handler = SIG_DFL;
        } else if (act->handler == 1) {
            sa.sa_handler = SIG_IGN;
        } else {
            /* The kernel's SIGCHLD flags matter to the host, which creates the zombies. */
            sa.sa_sigaction = host_signal_handler;
            sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
            sigfillset(&sa.sa_mask);
            if (act->flags & GUEST_SA_RESTART)
                sa.sa_flags |= SA_RESTART;
        }
        if (sig == G_SIGCHLD) {
            if (act->flags & GUEST_SA_NOCLDSTOP)
                sa.sa_flags |= SA_NOCLDSTOP;
            if (act->flags & GUEST_SA_NOCLDWAIT)
                sa.sa_flags |= SA_NOCLDWAIT;
        }
        sigaction(host_sig, &sa, NULL);
    }
    pthread_mutex_unlock(&action_lock);
}

void signal_raise_exception(CPUX86State *env, int excp)
{
    TaskState *ts = env->mode_opaque;
    struct sigqueue_entry *e = &ts->sync;
    memset(e, 0, sizeof *e);
    ts->signal_pending = 1;
    e->trapno = (uint32_t)excp;
    int sig;
    int code = 0x80;            /* SI_KERNEL: what Linux's do_trap sends without a specific code */
    uint32_t addr = 0;
    switch (excp) {
    case EXCP_DE:
        sig = G_SIGFPE, code = 1 /* FPE_INTDIV */, addr = env->eip;
        break;
    case EXCP_DB:
        sig = G_SIGTRAP, code = 2 /* TRAP_TRACE */, addr = env->eip;
        break;
    case EXCP_BP:
        sig = G_SIGTRAP;
        break;
    case EXCP_ICEBP:            /* int1: what the kernel's debug handler sends for it */
        e->trapno = EXCP_DB;
        sig = G_SIGTRAP, code = 1 /* TRAP_BRKPT */, addr = env->eip;
        break;
    case EXCP_UD:
        sig = G_SIGILL, code = 2 /* ILL_ILLOPN */, addr = env->eip;
        break;
    case EXCP_AC:
        sig = G_SIGBUS, code = 1 /* BUS_ADRALN */;
        break;
    case EXCP_MF:
    case EXCP_XM:
        sig = G_SIGFPE, code = FPU_SIGFPE_CODE(env, excp), addr = env->eip;
        break;
    case EXCP_PF: {
        /* A fetch fault: at eip, or where the instruction runs into a page it may not execute. */
        uint32_t a = env->eip;
        if ((guest_page_flags(a) & (PAGE_VALID | PAGE_EXEC)) == (PAGE_VALID | PAGE_EXEC))
            a = (a & GUEST_PAGE_MASK) + GUEST_PAGE_SIZE;
        fill_page_fault(e, G_SIGSEGV, a);
        e->err |= 0x10;         /* instruction fetch */
        return;
    }
    case EXCP_HLT:
        sig = G_SIGSEGV, e->trapno = EXCP_GP;
        break;
    case EXCP_GP:
        /* A helper that refused a selector left its error code; every other #GP has 0. */
        sig = G_SIGSEGV, e->err = env->error_code;
        env->error_code = 0;
        break;
    default:                    /* #OF, #BR, #NM...: what Linux sends for the rest */
        sig = G_SIGSEGV;
        break;
    }
    e->sig = sig;
    e->info.signo = sig;
    e->info.code = code;
    e->info.u.fault.addr = addr;
}

int signal_suspend(TaskState *ts, uint64_t mask)
{
    sigset_t old, host;
    signal_block_host(&old);
    ts->saved_mask = ts->blocked;
    ts->saved_mask_valid = true;
    ts->blocked = mask & ~(sig_bit(G_SIGKILL) | sig_bit(G_SIGSTOP));
    signal_update_pending(ts);
    host_mask_of(ts->blocked, &host);
    /* The host swaps masks atomically, so a signal arriving from here on wakes it up. */
    if (!ts->signal_pending)
        syscall(SYS_rt_sigsuspend, &host, _NSIG / 8);
    /* Delivery restores saved_mask once the handler's frame holds it. */
    signal_restore_host(&host);
    return -EINTR;
}

int signal_timedwait(TaskState *ts, uint64_t set, const struct timespec *timeout,
                     struct sigqueue_entry *out)
{
    sigset_t old, host;
    for (int round = 0; ; round++) {
        signal_block_host(&old);
        bool found = signal_dequeue(ts, set, out);
        signal_restore_host(&old);
        if (found)
            return out->sig;
        if (round > 0)
            return -EINTR;
        guest_sigset_to_host(set, &host);
        siginfo_t info;
        long r = safe_syscall(SYS_rt_sigtimedwait, &host, &info, timeout, _NSIG / 8);
        if (r > 0) {
            int guest_sig = host_to_guest_signal((int)r);
            memset(out, 0, sizeof *out);
            out->sig = guest_sig;
            host_siginfo_to_guest(&info, guest_sig, &out->info);
            return guest_sig;
        }
        if (r != -EINTR && r != -XQM_ERESTARTSYS)
            return (int)r;
        /* Interrupted: by a signal of the set that the guest left unblocked (now queued), or by
         * another one, which makes the wait fail with EINTR. */
    }
}

void signal_wait_mask_begin(TaskState *ts, uint64_t mask, sigset_t *host_mask)
{
    sigset_t old;
    signal_block_host(&old);
    ts->saved_mask = ts->blocked;
    ts->saved_mask_valid = true;
    ts->blocked = mask & ~(sig_bit(G_SIGKILL) | sig_bit(G_SIGSTOP));
    signal_update_pending(ts);
    host_mask_of(ts->blocked, host_mask);
    signal_restore_host(&old);
}

void signal_wait_mask_end(TaskState *ts)
{
    sigset_t old;
    signal_block_host(&old);
    /* With a signal to deliver, delivery puts the old mask back once the frame holds it. */
    if (!ts->signal_pending) {
        ts->blocked = ts->saved_mask;
        ts->saved_mask_valid = false;
        signal_update_pending(ts);
    }
    signal_restore_host(&old);
}
