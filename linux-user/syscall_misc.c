/*
 * Assorted process-level calls: eventfd, inotify, the sched_* family, POSIX timers and timerfd,
 * prctl basics, user and group ids (16- and 32-bit forms), capabilities, priorities (nice, I/O
 * priority), personality, memory locks, memfd_create, membarrier, getcpu, close_range, pidfd_open,
 * and a few administrative calls (sethostname, setdomainname, chroot, settimeofday).
 *
 * Id changes use the raw per-thread syscalls: the guest's libc already makes setuid & co. apply to
 * all of its threads (it signals each thread to make the call), exactly as on Linux.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    GUEST_O_NONBLOCK = 04000, GUEST_O_CLOEXEC = 02000000,
    GUEST_SIGEV_THREAD_ID = 4, MAX_GROUPS = 65536,
};

/* The O_NONBLOCK/O_CLOEXEC pair that eventfd2, inotify_init1 and timerfd_create share. */
static int nonblock_cloexec_to_host(uint32_t g, uint32_t other_bits)
{
    return (int)((g & other_bits) | ((g & GUEST_O_NONBLOCK) ? O_NONBLOCK : 0)
                 | ((g & GUEST_O_CLOEXEC) ? O_CLOEXEC : 0));
}

static bool only_bits(uint32_t v, uint32_t allowed)
{
    return (v & ~allowed) == 0;
}

/* ---- event and notification descriptors ---- */

int32_t sys_eventfd(const struct syscall *sc)
{
    return guest_ret(eventfd(sc->arg[0], 0));
}

int32_t sys_eventfd2(const struct syscall *sc)
{
    if (!only_bits(sc->arg[1], GUEST_O_NONBLOCK | GUEST_O_CLOEXEC | EFD_SEMAPHORE))
        return guest_err(EINVAL);
    return guest_ret(eventfd(sc->arg[0], nonblock_cloexec_to_host(sc->arg[1], EFD_SEMAPHORE)));
}

int32_t sys_inotify_init(const struct syscall *sc)
{
    (void)sc;
    return guest_ret(inotify_init());
}

int32_t sys_inotify_init1(const struct syscall *sc)
{
    if (!only_bits(sc->arg[0], GUEST_O_NONBLOCK | GUEST_O_CLOEXEC))
        return guest_err(EINVAL);
    return guest_ret(inotify_init1(nonblock_cloexec_to_host(sc->arg[0], 0)));
}

/* IN_* masks are the same everywhere, and so is struct inotify_event, which read returns as is. */
int32_t sys_inotify_add_watch(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    return err ? err : guest_ret(inotify_add_watch((int)sc->arg[0], path, sc->arg[2]));
}

int32_t sys_inotify_rm_watch(const struct syscall *sc)
{
    return guest_ret(inotify_rm_watch((int)sc->arg[0], (int)sc->arg[1]));
}

/* ---- scheduling ---- */

int32_t sys_sched_setaffinity(const struct syscall *sc)
{
    uint32_t len = sc->arg[1];
    uint8_t mask[1024] = { 0 };
    const uint8_t *g = guest_ptr(sc->arg[2], len, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    size_t n = len < sizeof mask ? len : sizeof mask;
    memcpy(mask, g, n);
    return guest_ret(syscall(SYS_sched_setaffinity, (pid_t)sc->arg[0], (n + 7) & ~(size_t)7, mask));
}

/* struct sched_param is one int on both sides. */
int32_t sys_sched_getparam(const struct syscall *sc)
{
    void *p = guest_ptr(sc->arg[1], 4, PAGE_WRITE);
    return p ? guest_ret(syscall(SYS_sched_getparam, (pid_t)sc->arg[0], p)) : guest_err(EFAULT);
}

int32_t sys_sched_setparam(const struct syscall *sc)
{
    void *p = guest_ptr(sc->arg[1], 4, PAGE_READ);
    return p ? guest_ret(syscall(SYS_sched_setparam, (pid_t)sc->arg[0], p)) : guest_err(EFAULT);
}

int32_t sys_sched_getscheduler(const struct syscall *sc)
{
    return guest_ret(syscall(SYS_sched_getscheduler, (pid_t)sc->arg[0]));
}

int32_t sys_sched_setscheduler(const struct syscall *sc)
{
    void *p = guest_ptr(sc->arg[2], 4, PAGE_READ);
    return p ? guest_ret(syscall(SYS_sched_setscheduler, (pid_t)sc->arg[0], (int)sc->arg[1], p))
             : guest_err(EFAULT);
}

int32_t sys_sched_get_priority_max(const struct syscall *sc)
{
    return guest_ret(sched_get_priority_max((int)sc->arg[0]));
}

int32_t sys_sched_get_priority_min(const struct syscall *sc)
{
    return guest_ret(sched_get_priority_min((int)sc->arg[0]));
}

static int32_t do_rr_interval(const struct syscall *sc, bool time64)
{
    struct timespec ts;
    if (sched_rr_get_interval((pid_t)sc->arg[0], &ts) != 0)
        return guest_err(errno);
    return put_guest_timespec(sc->arg[1], time64, &ts);
}

int32_t sys_sched_rr_get_interval(const struct syscall *sc)
{
    return do_rr_interval(sc, false);
}

int32_t sys_sched_rr_get_interval_time64(const struct syscall *sc)
{
    return do_rr_interval(sc, true);
}

/* struct sched_attr is laid out with natural alignment by design: the same bytes everywhere. */
int32_t sys_sched_getattr(const struct syscall *sc)
{
    void *p = guest_ptr(sc->arg[1], sc->arg[2], PAGE_WRITE);
    return p ? guest_ret(syscall(SYS_sched_getattr, (pid_t)sc->arg[0], p, sc->arg[2], sc->arg[3]))
             : guest_err(EFAULT);
}

int32_t sys_sched_setattr(const struct syscall *sc)
{
    const uint8_t *size = guest_ptr(sc->arg[1], 4, PAGE_READ);
    if (!size)
        return guest_err(EFAULT);
    void *p = guest_ptr(sc->arg[1], load_u32(size) ? load_u32(size) : 48, PAGE_READ);
    return p ? guest_ret(syscall(SYS_sched_setattr, (pid_t)sc->arg[0], p, sc->arg[2]))
             : guest_err(EFAULT);
}

int32_t sys_getcpu(const struct syscall *sc)
{
    void *cpu = NULL, *node = NULL;
    if (sc->arg[0] && !(cpu = guest_ptr(sc->arg[0], 4, PAGE_WRITE)))
        return guest_err(EFAULT);
    if (sc->arg[1] && !(node = guest_ptr(sc->arg[1], 4, PAGE_WRITE)))
        return guest_err(EFAULT);
    return guest_ret(syscall(SYS_getcpu, cpu, node, NULL));
}

/* ---- POSIX timers ---- */

/* i386 struct sigevent: value, signo, notify, then a 52-byte union whose first word is the tid. */
static int32_t get_guest_sigevent(uint32_t addr, struct sigevent *h)
{
    const uint8_t *g = guest_ptr(addr, 64, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    memset(h, 0, sizeof *h);
    h->sigev_value.sival_int = (int)load_u32(g);
    int guest_sig = (int)load_u32(g + 4);
    h->sigev_notify = (int)load_u32(g + 8);
    h->sigev_signo = guest_sig ? guest_to_host_signal(guest_sig) : 0;
    if (guest_sig && !h->sigev_signo)
        return guest_err(EINVAL);
    if (h->sigev_notify == GUEST_SIGEV_THREAD_ID)
        h->_sigev_un._tid = (int)load_u32(g + 12);
    return 0;
}

int32_t sys_timer_create(const struct syscall *sc)
{
    struct sigevent ev, *evp = NULL;
    if (sc->arg[1]) {
        int32_t err = get_guest_sigevent(sc->arg[1], &ev);
        if (err)
            return err;
        evp = &ev;
    }
    uint8_t *out = guest_ptr(sc->arg[2], 4, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    int id;
    if (syscall(SYS_timer_create, (clockid_t)sc->arg[0], evp, &id) != 0)
        return guest_err(errno);
    store_u32(out, (uint32_t)id);
    return 0;
}

/* An itimerspec: two timespecs of either layout. */
static int32_t get_itimerspec(uint32_t addr, bool time64, struct itimerspec *its)
{
    uint32_t half = time64 ? 16 : 8;
    int32_t err = get_guest_timespec(addr, time64, &its->it_interval);
    return err ? err : get_guest_timespec(addr + half, time64, &its->it_value);
}

static int32_t put_itimerspec(uint32_t addr, bool time64, const struct itimerspec *its)
{
    uint32_t half = time64 ? 16 : 8;
    int32_t err = put_guest_timespec(addr, time64, &its->it_interval);
    return err ? err : put_guest_timespec(addr + half, time64, &its->it_value);
}

static int32_t do_timer_settime(const struct syscall *sc, bool time64, bool is_timerfd)
{
    struct itimerspec new_value, old;
    int32_t err = get_itimerspec(sc->arg[2], time64, &new_value);
    if (err)
        return err;
    long r = is_timerfd ? syscall(SYS_timerfd_settime, (int)sc->arg[0], (int)sc->arg[1], &new_value, &old)
                        : syscall(SYS_timer_settime, (int)sc->arg[0], (int)sc->arg[1], &new_value, &old);
    if (r != 0)
        return guest_err(errno);
    return sc->arg[3] ? put_itimerspec(sc->arg[3], time64, &old) : 0;
}

static int32_t do_timer_gettime(const struct syscall *sc, bool time64, bool is_timerfd)
{
    struct itimerspec cur;
    long r = is_timerfd ? syscall(SYS_timerfd_gettime, (int)sc->arg[0], &cur)
                        : syscall(SYS_timer_gettime, (int)sc->arg[0], &cur);
    if (r != 0)
        return guest_err(errno);
    return put_itimerspec(sc->arg[1], time64, &cur);
}

int32_t sys_timer_settime(const struct syscall *sc) { return do_timer_settime(sc, false, false); }
int32_t sys_timer_settime64(const struct syscall *sc) { return do_timer_settime(sc, true, false); }
int32_t sys_timer_gettime(const struct syscall *sc) { return do_timer_gettime(sc, false, false); }
int32_t sys_timer_gettime64(const struct syscall *sc) { return do_timer_gettime(sc, true, false); }
int32_t sys_timerfd_settime(const struct syscall *sc) { return do_timer_settime(sc, false, true); }
int32_t sys_timerfd_settime64(const struct syscall *sc) { return do_timer_settime(sc, true, true); }
int32_t sys_timerfd_gettime(const struct syscall *sc) { return do_timer_gettime(sc, false, true); }
int32_t sys_timerfd_gettime64(const struct syscall *sc) { return do_timer_gettime(sc, true, true); }

int32_t sys_timer_getoverrun(const struct syscall *sc)
{
    return guest_ret(syscall(SYS_timer_getoverrun, (int)sc->arg[0]));
}

int32_t sys_timer_delete(const struct syscall *sc)
{
    return guest_ret(syscall(SYS_timer_delete, (int)sc->arg[0]));
}

int32_t sys_timerfd_create(const struct syscall *sc)
{
    if (!only_bits(sc->arg[1], GUEST_O_NONBLOCK | GUEST_O_CLOEXEC))
        return guest_err(EINVAL);
    return guest_ret(timerfd_create((int)sc->arg[0], nonblock_cloexec_to_host(sc->arg[1], 0)));
}

static int32_t do_clock_settime(const struct syscall *sc, bool time64)
{
    struct timespec ts;
    int32_t err = get_guest_timespec(sc->arg[1], time64, &ts);
    return err ? err : guest_ret(clock_settime((clockid_t)sc->arg[0], &ts));
}

int32_t sys_clock_settime(const struct syscall *sc) { return do_clock_settime(sc, false); }
int32_t sys_clock_settime64(const struct syscall *sc) { return do_clock_settime(sc, true); }

/* ---- prctl ---- */

int32_t sys_prctl(const struct syscall *sc)
{
    uint32_t option = sc->arg[0];
    switch (option) {
    case PR_SET_PDEATHSIG: {
        int host = sc->arg[1] ? guest_to_host_signal((int)sc->arg[1]) : 0;
        if (sc->arg[1] && !host)
            return guest_err(EINVAL);
        return guest_ret(prctl(PR_SET_PDEATHSIG, host));
    }
    case PR_GET_PDEATHSIG: {
        uint8_t *out = guest_ptr(sc->arg[1], 4, PAGE_WRITE);
        int host;
        if (!out)
            return guest_err(EFAULT);
        if (prctl(PR_GET_PDEATHSIG, &host) != 0)
            return guest_err(errno);
        store_u32(out, (uint32_t)(host ? host_to_guest_signal(host) : 0));
        return 0;
    }
    case PR_SET_NAME: {
        const char *name;
        int32_t err = guest_string(sc->arg[1], 4096, &name);
        if (err)
            return err;
        char buf[16];
        strncpy(buf, name, sizeof buf - 1);
        buf[15] = 0;
        return guest_ret(prctl(PR_SET_NAME, buf));
    }
    case PR_GET_NAME: {
        char *out = guest_ptr(sc->arg[1], 16, PAGE_WRITE);
        return out ? guest_ret(prctl(PR_GET_NAME, out)) : guest_err(EFAULT);
    }
    case PR_GET_CHILD_SUBREAPER: {
        uint8_t *out = guest_ptr(sc->arg[1], 4, PAGE_WRITE);
        int v;
        if (!out)
            return guest_err(EFAULT);
        if (prctl(PR_GET_CHILD_SUBREAPER, &v) != 0)
            return guest_err(errno);
        store_u32(out, (uint32_t)v);
        return 0;
    }
    case PR_GET_DUMPABLE: case PR_SET_DUMPABLE: case PR_GET_KEEPCAPS: case PR_SET_KEEPCAPS:
    case PR_GET_TIMERSLACK: case PR_SET_TIMERSLACK: case PR_SET_CHILD_SUBREAPER:
    case PR_GET_NO_NEW_PRIVS: case PR_SET_NO_NEW_PRIVS: case PR_CAPBSET_READ:
    case PR_GET_SECUREBITS: case PR_GET_THP_DISABLE: case PR_SET_THP_DISABLE:
        return guest_ret(prctl((int)option, (unsigned long)sc->arg[1], (unsigned long)sc->arg[2],
                               (unsigned long)sc->arg[3], (unsigned long)sc->arg[4]));
    default:
        return guest_err(EINVAL);
    }
}

/* ---- user and group ids ---- */

static uint32_t id16(uint32_t v)
{
    v &= 0xffff;
    return v == 0xffff ? (uint32_t)-1 : v;
}

static int32_t raw(long r)
{
    return guest_ret(r);
}

int32_t sys_setuid32(const struct syscall *sc) { return raw(syscall(SYS_setuid, sc->arg[0])); }
int32_t sys_setgid32(const struct syscall *sc) { return raw(syscall(SYS_setgid, sc->arg[0])); }
int32_t sys_setreuid32(const struct syscall *sc)
{
    return raw(syscall(SYS_setreuid, sc->arg[0], sc->arg[1]));
}
int32_t sys_setregid32(const struct syscall *sc)
{
    return raw(syscall(SYS_setregid, sc->arg[0], sc->arg[1]));
}
int32_t sys_setresuid32(const struct syscall *sc)
{
    return raw(syscall(SYS_setresuid, sc->arg[0], sc->arg[1], sc->arg[2]));
}
int32_t sys_setresgid32(const struct syscall *sc)
{
    return raw(syscall(SYS_setresgid, sc->arg[0], sc->arg[1], sc->arg[2]));
}
int32_t sys_setfsuid32(const struct syscall *sc)
{
    return (int32_t)syscall(SYS_setfsuid, sc->arg[0]);
}
int32_t sys_setfsgid32(const struct syscall *sc)
{
    return (int32_t)syscall(SYS_setfsgid, sc->arg[0]);
}
int32_t sys_setuid16(const struct syscall *sc)
{
    return raw(syscall(SYS_setuid, id16(sc->arg[0])));
}
int32_t sys_setgid16(const struct syscall *sc)
{
    return raw(syscall(SYS_setgid, id16(sc->arg[0])));
}
int32_t sys_setreuid16(const struct syscall *sc)
{
    return raw(syscall(SYS_setreuid, id16(sc->arg[0]), id16(sc->arg[1])));
}
int32_t sys_setregid16(const struct syscall *sc)
{
    return raw(syscall(SYS_setregid, id16(sc->arg[0]), id16(sc->arg[1])));
}
int32_t sys_setresuid16(const struct syscall *sc)
{
    return raw(syscall(SYS_setresuid, id16(sc->arg[0]), id16(sc->arg[1]), id16(sc->arg[2])));
}
int32_t sys_setresgid16(const struct syscall *sc)
{
    return raw(syscall(SYS_setresgid, id16(sc->arg[0]), id16(sc->arg[1]), id16(sc->arg[2])));
}
int32_t sys_setfsuid16(const struct syscall *sc)
{
    return (int32_t)syscall(SYS_setfsuid, id16(sc->arg[0]));
}
int32_t sys_setfsgid16(const struct syscall *sc)
{
    return (int32_t)syscall(SYS_setfsgid, id16(sc->arg[0]));
}

static int32_t get_res_ids(const struct syscall *sc, bool gid, bool wide)
{
    unsigned r, e, s;
    if (syscall(gid ? SYS_getresgid : SYS_getresuid, &r, &e, &s) != 0)
        return guest_err(errno);
    const unsigned v[3] = { r, e, s };
    for (int i = 0; i < 3; i++) {
        uint8_t *out = guest_ptr(sc->arg[i], wide ? 4 : 2, PAGE_WRITE);
        if (!out)
            return guest_err(EFAULT);
        if (wide)
            store_u32(out, v[i]);
        else
            store_u16(out, (uint16_t)(v[i] > 0xffff ? 65534 : v[i]));
    }
    return 0;
}

int32_t sys_getresuid32(const struct syscall *sc) { return get_res_ids(sc, false, true); }
int32_t sys_getresgid32(const struct syscall *sc) { return get_res_ids(sc, true, true); }
int32_t sys_getresuid16(const struct syscall *sc) { return get_res_ids(sc, false, false); }
int32_t sys_getresgid16(const struct syscall *sc) { return get_res_ids(sc, true, false); }

static int32_t do_getgroups(const struct syscall *sc, bool wide)
{
    int size = (int)sc->arg[0];
    if (size < 0)
        return guest_err(EINVAL);
    gid_t *list = malloc(sizeof *list * MAX_GROUPS);
    if (!list)
        return guest_err(ENOMEM);
    int n = getgroups(size > MAX_GROUPS ? MAX_GROUPS : size, list);
    int32_t r = n;
    uint8_t *out = n > 0 && size > 0 ? guest_ptr(sc->arg[1], (uint32_t)n * (wide ? 4 : 2), PAGE_WRITE) : NULL;
    if (n < 0)
        r = guest_err(errno);
    else if (size > 0 && n > 0 && !out)
        r = guest_err(EFAULT);
    for (int i = 0; out && i < n; i++) {
        if (wide)
            store_u32(out + 4 * i, list[i]);
        else
            store_u16(out + 2 * i, (uint16_t)(list[i] > 0xffff ? 65534 : list[i]));
    }
    free(list);
    return r;
}

static int32_t do_setgroups(const struct syscall *sc, bool wide)
{
    uint32_t n = sc->arg[0];
    if (n > MAX_GROUPS)
        return guest_err(EINVAL);
    const uint8_t *in = guest_ptr(sc->arg[1], n * (wide ? 4 : 2), PAGE_READ);
    if (!in && n)
        return guest_err(EFAULT);
    gid_t *list = malloc(sizeof *list * (n ? n : 1));
    if (!list)
        return guest_err(ENOMEM);
    for (uint32_t i = 0; i < n; i++)
        list[i] = wide ? load_u32(in + 4 * i) : load_u16(in + 2 * i);
    int32_t r = raw(syscall(SYS_setgroups, n, list));
    free(list);
    return r;
}

int32_t sys_getgroups32(const struct syscall *sc) { return do_getgroups(sc, true); }
int32_t sys_setgroups32(const struct syscall *sc) { return do_setgroups(sc, true); }
int32_t sys_getgroups16(const struct syscall *sc) { return do_getgroups(sc, false); }
int32_t sys_setgroups16(const struct syscall *sc) { return do_setgroups(sc, false); }

/* ---- priorities and personality ---- */

/* The raw syscall's encoding (20 - nice) is the same for the i386 guest. */
int32_t sys_getpriority(const struct syscall *sc)
{
    return raw(syscall(SYS_getpriority, (int)sc->arg[0], (int)sc->arg[1]));
}

int32_t sys_setpriority(const struct syscall *sc)
{
    return raw(syscall(SYS_setpriority, (int)sc->arg[0], (int)sc->arg[1], (int)sc->arg[2]));
}

int32_t sys_nice(const struct syscall *sc)
{
    errno = 0;
    int cur = getpriority(PRIO_PROCESS, 0);
    if (cur == -1 && errno)
        return guest_err(errno);
    int want = cur + (int32_t)sc->arg[0];
    want = want < -20 ? -20 : want > 19 ? 19 : want;
    return guest_ret(setpriority(PRIO_PROCESS, 0, want));
}

/* The guest's personality is its own: READ_IMPLIES_EXEC & co. must not change xqm's mappings. */
int32_t sys_personality(const struct syscall *sc)
{
    static uint32_t persona;
    uint32_t old = persona;
    if (sc->arg[0] != 0xffffffffu)
        persona = sc->arg[0];
    return (int32_t)old;
}

/* ---- memory ---- */

int32_t sys_mlock(const struct syscall *sc)
{
    if (!guest_range_valid(sc->arg[0], sc->arg[1], 0))
        return guest_err(ENOMEM);
    return guest_ret(mlock(g2h(sc->arg[0]), sc->arg[1]));
}

int32_t sys_munlock(const struct syscall *sc)
{
    if (!guest_range_valid(sc->arg[0], sc->arg[1], 0))
        return guest_err(ENOMEM);
    return guest_ret(munlock(g2h(sc->arg[0]), sc->arg[1]));
}

/* Locking all of xqm (its code cache included) would be more than asked: accepted as a no-op. */
int32_t sys_mlockall(const struct syscall *sc)
{
    return only_bits(sc->arg[0], MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) && sc->arg[0]
           ? 0 : guest_err(EINVAL);
}

int32_t sys_munlockall(const struct syscall *sc)
{
    (void)sc;
    return 0;
}

int32_t sys_memfd_create(const struct syscall *sc)
{
    const char *name;
    int32_t err = guest_string(sc->arg[0], 250, &name);
    return err ? err : guest_ret(memfd_create(name, sc->arg[1]));   /* MFD_* are generic */
}

int32_t sys_membarrier(const struct syscall *sc)
{
    return raw(syscall(SYS_membarrier, (int)sc->arg[0], sc->arg[1], (int)sc->arg[2]));
}

int32_t sys_close_range(const struct syscall *sc)
{
    return raw(syscall(SYS_close_range, sc->arg[0], sc->arg[1], sc->arg[2]));
}

/* ---- capabilities, I/O priority, administration ---- */

/* The cap_user_header (version, pid) and cap_user_data triples have the same layout everywhere. */
int32_t sys_capget(const struct syscall *sc)
{
    void *hdr = guest_ptr(sc->arg[0], 8, PAGE_READ | PAGE_WRITE);
    void *data = sc->arg[1] ? guest_ptr(sc->arg[1], 24, PAGE_WRITE) : NULL;
    if (!hdr || (sc->arg[1] && !data))
        return guest_err(EFAULT);
    return raw(syscall(SYS_capget, hdr, data));
}

int32_t sys_capset(const struct syscall *sc)
{
    void *hdr = guest_ptr(sc->arg[0], 8, PAGE_READ | PAGE_WRITE);
    void *data = guest_ptr(sc->arg[1], 24, PAGE_READ);
    if (!hdr || !data)
        return guest_err(EFAULT);
    return raw(syscall(SYS_capset, hdr, data));
}

int32_t sys_ioprio_get(const struct syscall *sc)
{
    return raw(syscall(SYS_ioprio_get, (int)sc->arg[0], (int)sc->arg[1]));
}

int32_t sys_ioprio_set(const struct syscall *sc)
{
    return raw(syscall(SYS_ioprio_set, (int)sc->arg[0], (int)sc->arg[1], (int)sc->arg[2]));
}

static int32_t set_name(long nr, const struct syscall *sc)
{
    const char *name = guest_ptr(sc->arg[0], sc->arg[1], PAGE_READ);
    if (!name && sc->arg[1])
        return guest_err(EFAULT);
    return raw(syscall(nr, name, (size_t)sc->arg[1]));
}

int32_t sys_sethostname(const struct syscall *sc) { return set_name(SYS_sethostname, sc); }
int32_t sys_setdomainname(const struct syscall *sc) { return set_name(SYS_setdomainname, sc); }

int32_t sys_chroot(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    return err ? err : guest_ret(chroot(path));
}

int32_t sys_settimeofday(const struct syscall *sc)
{
    struct timeval tv, *tvp = NULL;
    if (sc->arg[0]) {
        const uint8_t *g = guest_ptr(sc->arg[0], 8, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        tv.tv_sec = (int32_t)load_u32(g);
        tv.tv_usec = (int32_t)load_u32(g + 4);
        tvp = &tv;
    }
    const void *tz = sc->arg[1] ? guest_ptr(sc->arg[1], 8, PAGE_READ) : NULL;   /* two ints */
    if (sc->arg[1] && !tz)
        return guest_err(EFAULT);
    return raw(syscall(SYS_settimeofday, tvp, tz));
}

int32_t sys_mlock2(const struct syscall *sc)
{
    if (!guest_range_valid(sc->arg[0], sc->arg[1], 0))
        return guest_err(ENOMEM);
    return raw(syscall(SYS_mlock2, g2h(sc->arg[0]), (size_t)sc->arg[1], sc->arg[2]));
}

int32_t sys_pidfd_open(const struct syscall *sc)
{
    return raw(syscall(SYS_pidfd_open, (pid_t)sc->arg[0], sc->arg[1]));   /* PIDFD_NONBLOCK: O_NONBLOCK */
}
