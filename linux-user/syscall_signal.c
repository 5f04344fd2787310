/*
 * The signal syscalls: actions (rt_sigaction, sigaction, signal), masks (rt_sigprocmask,
 * sigprocmask, sgetmask, ssetmask), the alternate stack, pending sets, waiting (rt_sigsuspend,
 * sigsuspend, pause, rt_sigtimedwait), sending (kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo) and the interval timers behind SIGALRM (alarm, setitimer, getitimer).
 *
 * Every value the guest sets is kept and read back exactly; signal.c turns actions and masks into
 * host dispositions and host masks. Waiting happens in the host kernel with the host mask that
 * mirrors the guest's, so that signals arriving at any moment wake the wait (see signal.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    G_SIGKILL = 9, G_SIGSTOP = 19,
    G_SIG_BLOCK = 0, G_SIG_UNBLOCK = 1, G_SIG_SETMASK = 2,
};

struct __attribute__((packed)) guest_stack {
    uint32_t ss_sp;
    int32_t ss_flags;
    uint32_t ss_size;
};

/* struct old_sigaction of the i386 kernel (sigaction, number 67). */
struct __attribute__((packed)) guest_old_sigaction {
    uint32_t handler, mask, flags, restorer;
};

static uint64_t sig_bit(int sig)
{
    return 1ull << (sig - 1);
}

static TaskState *task_of(const struct syscall *sc)
{
    return sc->env->mode_opaque;
}

static int32_t change_action(int sig, const struct guest_sigaction *act, struct guest_sigaction *old)
{
    if (sig < 1 || sig > GUEST_NSIG)
        return guest_err(EINVAL);
    if (act && (sig == G_SIGKILL || sig == G_SIGSTOP))
        return guest_err(EINVAL);
    signal_get_action(sig, old);
    if (act)
        signal_set_action(sig, act);
    return 0;
}

int32_t sys_rt_sigaction(const struct syscall *sc)
{
    if (sc->arg[3] != 8)
        return guest_err(EINVAL);
    struct guest_sigaction act, old, *out = NULL;
    if (sc->arg[1]) {
        const struct guest_sigaction *g = guest_ptr(sc->arg[1], sizeof act, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        act = *g;
    }
    if (sc->arg[2]) {
        out = guest_ptr(sc->arg[2], sizeof *out, PAGE_WRITE);
        if (!out)
            return guest_err(EFAULT);
    }
    int32_t err = change_action((int)sc->arg[0], sc->arg[1] ? &act : NULL, &old);
    if (err == 0 && out)
        *out = old;
    return err;
}

int32_t sys_sigaction(const struct syscall *sc)
{
    struct guest_sigaction act, old;
    struct guest_old_sigaction *out = NULL;
    if (sc->arg[1]) {
        const struct guest_old_sigaction *g = guest_ptr(sc->arg[1], sizeof *g, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        act = (struct guest_sigaction){ g->handler, g->flags, g->restorer, g->mask };
    }
    if (sc->arg[2]) {
        out = guest_ptr(sc->arg[2], sizeof *out, PAGE_WRITE);
        if (!out)
            return guest_err(EFAULT);
    }
    int32_t err = change_action((int)sc->arg[0], sc->arg[1] ? &act : NULL, &old);
    if (err == 0 && out)
        *out = (struct guest_old_sigaction){ old.handler, (uint32_t)old.mask, old.flags, old.restorer };
    return err;
}

/* signal(): a one-shot handler that does not block its signal (SA_ONESHOT | SA_NOMASK). */
int32_t sys_signal(const struct syscall *sc)
{
    struct guest_sigaction act = {
        .handler = sc->arg[1], .flags = GUEST_SA_RESETHAND | GUEST_SA_NODEFER,
    }, old;
    int32_t err = change_action((int)sc->arg[0], &act, &old);
    return err ? err : (int32_t)old.handler;
}

static int32_t change_mask(TaskState *ts, uint32_t how, uint64_t set)
{
    uint64_t m = ts->blocked;
    switch (how) {
    case G_SIG_BLOCK: m |= set; break;
    case G_SIG_UNBLOCK: m &= ~set; break;
    case G_SIG_SETMASK: m = set; break;
    default: return guest_err(EINVAL);
    }
    signal_set_blocked(ts, m);
    return 0;
}

int32_t sys_rt_sigprocmask(const struct syscall *sc)
{
    if (sc->arg[3] != 8)
        return guest_err(EINVAL);
    TaskState *ts = task_of(sc);
    const uint8_t *set = NULL;
    uint8_t *old = NULL;
    if (sc->arg[1] && !(set = guest_ptr(sc->arg[1], 8, PAGE_READ)))
        return guest_err(EFAULT);
    if (sc->arg[2] && !(old = guest_ptr(sc->arg[2], 8, PAGE_WRITE)))
        return guest_err(EFAULT);
    uint64_t previous = ts->blocked;
    if (set) {
        int32_t err = change_mask(ts, sc->arg[0], load_u64(set));
        if (err)
            return err;
    }
    if (old)
        store_u64(old, previous);
    return 0;
}

/* The old sigprocmask works on the first 32 signals only. */
int32_t sys_sigprocmask(const struct syscall *sc)
{
    TaskState *ts = task_of(sc);
    const uint8_t *set = NULL;
    uint8_t *old = NULL;
    if (sc->arg[1] && !(set = guest_ptr(sc->arg[1], 4, PAGE_READ)))
        return guest_err(EFAULT);
    if (sc->arg[2] && !(old = guest_ptr(sc->arg[2], 4, PAGE_WRITE)))
        return guest_err(EFAULT);
    uint32_t previous = (uint32_t)ts->blocked;
    if (set) {
        uint64_t s = load_u32(set);
        if (sc->arg[0] == G_SIG_SETMASK)
            s |= ts->blocked & ~0xffffffffull;
        int32_t err = change_mask(ts, sc->arg[0], s);
        if (err)
            return err;
    }
    if (old)
        store_u32(old, previous);
    return 0;
}

int32_t sys_sgetmask(const struct syscall *sc)
{
    return (int32_t)(uint32_t)task_of(sc)->blocked;
}

int32_t sys_ssetmask(const struct syscall *sc)
{
    TaskState *ts = task_of(sc);
    uint32_t previous = (uint32_t)ts->blocked;
    signal_set_blocked(ts, (ts->blocked & ~0xffffffffull) | sc->arg[0]);
    return (int32_t)previous;
}

/* ---- alternate stack ---- */

int signal_set_altstack(TaskState *ts, uint32_t ss_sp, uint32_t ss_flags, uint32_t ss_size,
                        uint32_t cur_sp)
{
    bool on = !(ts->altstack_flags & GUEST_SS_AUTODISARM) && cur_sp > ts->altstack_sp
              && cur_sp - ts->altstack_sp <= ts->altstack_size;
    if (on)
        return -EPERM;
    uint32_t mode = ss_flags & ~GUEST_SS_AUTODISARM;
    if (mode != 0 && mode != GUEST_SS_DISABLE && mode != GUEST_SS_ONSTACK)
        return -EINVAL;
    if (mode == GUEST_SS_DISABLE) {
        ts->altstack_sp = ts->altstack_size = 0;
        ts->altstack_flags = GUEST_SS_DISABLE;
        return 0;
    }
    if (ss_size < GUEST_MINSIGSTKSZ)
        return -ENOMEM;
    ts->altstack_sp = ss_sp;
    ts->altstack_size = ss_size;
    ts->altstack_flags = ss_flags & GUEST_SS_AUTODISARM;
    return 0;
}

int32_t sys_sigaltstack(const struct syscall *sc)
{
    TaskState *ts = task_of(sc);
    const struct guest_stack *ss = NULL;
    struct guest_stack *old = NULL;
    if (sc->arg[0] && !(ss = guest_ptr(sc->arg[0], sizeof *ss, PAGE_READ)))
        return guest_err(EFAULT);
    if (sc->arg[1] && !(old = guest_ptr(sc->arg[1], sizeof *old, PAGE_WRITE)))
        return guest_err(EFAULT);
    uint32_t sp = sc->env->regs[R_ESP];
    bool on = !(ts->altstack_flags & GUEST_SS_AUTODISARM) && sp > ts->altstack_sp
              && sp - ts->altstack_sp <= ts->altstack_size;
    uint32_t state = ts->altstack_size == 0 ? GUEST_SS_DISABLE : on ? GUEST_SS_ONSTACK : 0;
    struct guest_stack previous = {
        ts->altstack_sp, (int32_t)(state | (ts->altstack_flags & GUEST_SS_AUTODISARM)),
        ts->altstack_size,
    };
    if (ss) {
        int err = signal_set_altstack(ts, ss->ss_sp, (uint32_t)ss->ss_flags, ss->ss_size, sp);
        if (err)
            return guest_err(-err);
    }
    if (old)
        *old = previous;
    return 0;
}

/* ---- pending and waiting ---- */

/* Pending for the calling thread and blocked: the host's pending set plus what xqm queued. */
static uint64_t pending_set(TaskState *ts)
{
    sigset_t host;
    uint64_t set = signal_queued_set(ts);
    if (sigpending(&host) == 0)
        set |= host_sigset_to_guest(&host);
    return set & ts->blocked;
}

int32_t sys_rt_sigpending(const struct syscall *sc)
{
    if (sc->arg[1] != 8)
        return guest_err(EINVAL);
    uint8_t *out = guest_ptr(sc->arg[0], 8, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    store_u64(out, pending_set(task_of(sc)));
    return 0;
}

int32_t sys_sigpending(const struct syscall *sc)
{
    uint8_t *out = guest_ptr(sc->arg[0], 4, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    store_u32(out, (uint32_t)pending_set(task_of(sc)));
    return 0;
}

int32_t sys_rt_sigsuspend(const struct syscall *sc)
{
    if (sc->arg[1] != 8)
        return guest_err(EINVAL);
    const uint8_t *m = guest_ptr(sc->arg[0], 8, PAGE_READ);
    if (!m)
        return guest_err(EFAULT);
    return guest_ret_neg(signal_suspend(task_of(sc), load_u64(m)));
}

int32_t sys_sigsuspend(const struct syscall *sc)
{
    return guest_ret_neg(signal_suspend(task_of(sc), sc->arg[2]));
}

int32_t sys_pause(const struct syscall *sc)
{
    TaskState *ts = task_of(sc);
    int r = signal_suspend(ts, ts->blocked);
    /* pause does not restore anything: the mask stays as it was. */
    return guest_ret_neg(r);
}

static int32_t do_sigtimedwait(const struct syscall *sc, bool time64)
{
    if (sc->arg[3] != 8)
        return guest_err(EINVAL);
    const uint8_t *setp = guest_ptr(sc->arg[0], 8, PAGE_READ);
    if (!setp)
        return guest_err(EFAULT);
    struct guest_siginfo *info = NULL;
    if (sc->arg[1] && !(info = guest_ptr(sc->arg[1], sizeof *info, PAGE_WRITE)))
        return guest_err(EFAULT);
    struct timespec ts, *timeout = NULL;
    if (sc->arg[2]) {
        int32_t err = get_guest_timespec(sc->arg[2], time64, &ts);
        if (err)
            return err;
        timeout = &ts;
    }
    uint64_t set = load_u64(setp) & ~(sig_bit(G_SIGKILL) | sig_bit(G_SIGSTOP));
    struct sigqueue_entry e;
    int r = signal_timedwait(task_of(sc), set, timeout, &e);
    if (r < 0)
        return guest_err(-r);
    if (info)
        *info = e.info;
    return r;
}

int32_t sys_rt_sigtimedwait(const struct syscall *sc)
{
    return do_sigtimedwait(sc, false);
}

int32_t sys_rt_sigtimedwait_time64(const struct syscall *sc)
{
    return do_sigtimedwait(sc, true);
}

/* ---- sending ---- */

/* The host signal for a guest signal argument: 0 stays 0 (existence check), unknown is -1. */
static int host_signal_arg(uint32_t guest_sig)
{
    if (guest_sig == 0)
        return 0;
    int host = guest_to_host_signal((int)guest_sig);
    return host ? host : -1;
}

int32_t sys_kill(const struct syscall *sc)
{
    int sig = host_signal_arg(sc->arg[1]);
    return sig < 0 ? guest_err(EINVAL) : guest_ret(kill((pid_t)sc->arg[0], sig));
}

int32_t sys_tkill(const struct syscall *sc)
{
    int sig = host_signal_arg(sc->arg[1]);
    return sig < 0 ? guest_err(EINVAL) : guest_ret(syscall(SYS_tkill, (pid_t)sc->arg[0], sig));
}

int32_t sys_tgkill(const struct syscall *sc)
{
    int sig = host_signal_arg(sc->arg[2]);
    return sig < 0 ? guest_err(EINVAL)
                   : guest_ret(syscall(SYS_tgkill, (pid_t)sc->arg[0], (pid_t)sc->arg[1], sig));
}

/* A guest siginfo for rt_sigqueueinfo as a host one: the sender's pid, uid and value. */
static int32_t queueinfo_to_host(uint32_t addr, int host_sig, siginfo_t *h)
{
    const struct guest_siginfo *g = guest_ptr(addr, sizeof *g, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    memset(h, 0, sizeof *h);
    h->si_signo = host_sig;
    h->si_code = g->code == -2 ? SI_TIMER : g->code == -3 ? SI_MESGQ : g->code == -4 ? SI_ASYNCIO
                                                                                   : g->code;
    h->si_pid = g->u.kill.pid;
    h->si_uid = g->u.kill.uid;
    h->si_value.sival_int = (int)g->u.kill.value;
    return 0;
}

int32_t sys_rt_sigqueueinfo(const struct syscall *sc)
{
    int sig = host_signal_arg(sc->arg[1]);
    if (sig < 0)
        return guest_err(EINVAL);
    siginfo_t h;
    int32_t err = queueinfo_to_host(sc->arg[2], sig, &h);
    return err ? err : guest_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)sc->arg[0], sig, &h));
}

int32_t sys_rt_tgsigqueueinfo(const struct syscall *sc)
{
    int sig = host_signal_arg(sc->arg[2]);
    if (sig < 0)
        return guest_err(EINVAL);
    siginfo_t h;
    int32_t err = queueinfo_to_host(sc->arg[3], sig, &h);
    return err ? err : guest_ret(syscall(SYS_rt_tgsigqueueinfo, (pid_t)sc->arg[0],
                                         (pid_t)sc->arg[1], sig, &h));
}

/* ---- interval timers ---- */

int32_t sys_alarm(const struct syscall *sc)
{
    return (int32_t)alarm(sc->arg[0]);
}

/* struct itimerval of i386: two timevals of two 32-bit words. */
static int32_t get_itimerval(uint32_t addr, struct itimerval *out)
{
    const uint8_t *g = guest_ptr(addr, 16, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    out->it_interval.tv_sec = (int32_t)load_u32(g);
    out->it_interval.tv_usec = (int32_t)load_u32(g + 4);
    out->it_value.tv_sec = (int32_t)load_u32(g + 8);
    out->it_value.tv_usec = (int32_t)load_u32(g + 12);
    return 0;
}

static int32_t put_itimerval(uint32_t addr, const struct itimerval *v)
{
    uint8_t *g = guest_ptr(addr, 16, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    store_u32(g, (uint32_t)v->it_interval.tv_sec);
    store_u32(g + 4, (uint32_t)v->it_interval.tv_usec);
    store_u32(g + 8, (uint32_t)v->it_value.tv_sec);
    store_u32(g + 12, (uint32_t)v->it_value.tv_usec);
    return 0;
}

int32_t sys_setitimer(const struct syscall *sc)
{
    struct itimerval v, old;
    if (sc->arg[1]) {
        int32_t err = get_itimerval(sc->arg[1], &v);
        if (err)
            return err;
    } else {
        memset(&v, 0, sizeof v);        /* Linux treats a NULL new value as "disarm" */
    }
    if (setitimer((int)sc->arg[0], &v, &old) != 0)
        return guest_err(errno);
    return sc->arg[2] ? put_itimerval(sc->arg[2], &old) : 0;
}

int32_t sys_getitimer(const struct syscall *sc)
{
    struct itimerval v;
    if (getitimer((int)sc->arg[0], &v) != 0)
        return guest_err(errno);
    return put_itimerval(sc->arg[1], &v);
}
