/*
 * rt_sigaction, rt_sigprocmask and sigaltstack: the guest's signal state as the syscalls see it.
 *
 * Every value the guest sets is kept and read back exactly (old actions, old mask, old stack), and
 * what the host can honour now is passed on through signal.c: SIG_DFL and SIG_IGN, SA_RESTART, and
 * the blocked set (minus the signals xqm needs for its own fault handling). Running guest handlers
 * on i386 signal frames is a later issue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    GUEST_NSIG = 64, GUEST_SIGKILL = 9, GUEST_SIGSTOP = 19,
    GUEST_SIG_BLOCK = 0, GUEST_SIG_UNBLOCK = 1, GUEST_SIG_SETMASK = 2,
    GUEST_SA_RESTART = 0x10000000,
    GUEST_SS_ONSTACK = 1, GUEST_SS_DISABLE = 2, GUEST_SS_AUTODISARM = 1u << 31,
    GUEST_MINSIGSTKSZ = 2048,
};

/* The i386 kernel's struct sigaction for rt_sigaction, and its stack_t. */
struct __attribute__((packed)) guest_sigaction {
    uint32_t handler, flags, restorer;
    uint64_t mask;
};
struct __attribute__((packed)) guest_stack {
    uint32_t ss_sp;
    int32_t ss_flags;
    uint32_t ss_size;
};

static struct guest_sigaction guest_action[GUEST_NSIG + 1];
static uint64_t guest_blocked;
static struct guest_stack guest_altstack = { 0, GUEST_SS_DISABLE, 0 };

static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

int32_t sys_rt_sigaction(const struct syscall *sc)
{
    int sig = (int)sc->arg[0];
    if (sc->arg[3] != 8 || sig < 1 || sig > GUEST_NSIG)
        return guest_err(EINVAL);
    struct guest_sigaction *act = NULL, *old = NULL;
    if (sc->arg[1]) {
        act = guest_ptr(sc->arg[1], sizeof *act, PAGE_READ);
        if (!act)
            return guest_err(EFAULT);
        if (sig == GUEST_SIGKILL || sig == GUEST_SIGSTOP)
            return guest_err(EINVAL);
    }
    if (sc->arg[2]) {
        old = guest_ptr(sc->arg[2], sizeof *old, PAGE_WRITE);
        if (!old)
            return guest_err(EFAULT);
    }
    struct guest_sigaction previous = guest_action[sig];
    if (act) {
        guest_action[sig] = *act;
        guest_action[sig].mask &= ~(sig_bit(GUEST_SIGKILL) | sig_bit(GUEST_SIGSTOP));
        signal_guest_disposition_changed(sig, act->handler, (act->flags & GUEST_SA_RESTART) != 0);
    }
    if (old)
        *old = previous;
    return 0;
}

/* Blocks on the host what the guest blocked, except what xqm must keep receiving. */
static void apply_blocked_to_host(void)
{
    sigset_t host;
    sigemptyset(&host);
    for (int sig = 1; sig <= GUEST_NSIG; sig++) {
        int h = guest_to_host_signal(sig);
        if ((guest_blocked & sig_bit(sig)) && h && !host_signal_reserved(h))
            sigaddset(&host, h);
    }
    sigprocmask(SIG_SETMASK, &host, NULL);
}

int32_t sys_rt_sigprocmask(const struct syscall *sc)
{
    if (sc->arg[3] != 8)
        return guest_err(EINVAL);
    const uint8_t *set = NULL;
    uint8_t *old = NULL;
    if (sc->arg[1]) {
        set = guest_ptr(sc->arg[1], 8, PAGE_READ);
        if (!set)
            return guest_err(EFAULT);
    }
    if (sc->arg[2]) {
        old = guest_ptr(sc->arg[2], 8, PAGE_WRITE);
        if (!old)
            return guest_err(EFAULT);
    }
    uint64_t previous = guest_blocked;
    if (set) {
        uint64_t s = load_u64(set);
        switch (sc->arg[0]) {
        case GUEST_SIG_BLOCK: guest_blocked |= s; break;
        case GUEST_SIG_UNBLOCK: guest_blocked &= ~s; break;
        case GUEST_SIG_SETMASK: guest_blocked = s; break;
        default: return guest_err(EINVAL);
        }
        guest_blocked &= ~(sig_bit(GUEST_SIGKILL) | sig_bit(GUEST_SIGSTOP));
        apply_blocked_to_host();
    }
    if (old)
        store_u64(old, previous);
    return 0;
}

int32_t sys_sigaltstack(const struct syscall *sc)
{
    const struct guest_stack *ss = NULL;
    struct guest_stack *old = NULL;
    if (sc->arg[0]) {
        ss = guest_ptr(sc->arg[0], sizeof *ss, PAGE_READ);
        if (!ss)
            return guest_err(EFAULT);
    }
    if (sc->arg[1]) {
        old = guest_ptr(sc->arg[1], sizeof *old, PAGE_WRITE);
        if (!old)
            return guest_err(EFAULT);
    }
    struct guest_stack previous = guest_altstack;
    if (ss) {
        uint32_t flags = (uint32_t)ss->ss_flags & ~GUEST_SS_AUTODISARM;
        if (flags != 0 && flags != GUEST_SS_DISABLE && flags != GUEST_SS_ONSTACK)
            return guest_err(EINVAL);
        if (flags == GUEST_SS_DISABLE) {
            guest_altstack = (struct guest_stack){ 0, GUEST_SS_DISABLE, 0 };
        } else {
            if (ss->ss_size < GUEST_MINSIGSTKSZ)
                return guest_err(ENOMEM);
            guest_altstack = (struct guest_stack){ ss->ss_sp, ss->ss_flags & (int32_t)GUEST_SS_AUTODISARM,
                                                   ss->ss_size };
        }
    }
    if (old)
        *old = previous;
    return 0;
}
