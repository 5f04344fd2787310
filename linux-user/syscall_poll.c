/*
 * I/O multiplexing: select (the old one-argument form, _newselect, pselect6), poll, ppoll and the
 * epoll family, each in its 32-bit and *_time64 forms where both exist.
 *
 * Layouts: an fd_set is a bit string with the same byte layout on both sides (bit n in byte n/8 on
 * a little-endian machine), but the host kernel reads and writes whole 64-bit words where the guest
 * has 32-bit ones, so sets are copied through local buffers. struct pollfd is the same, but MIPS
 * gives POLLWRNORM and POLLWRBAND other values (asm/poll.h). i386's struct epoll_event is packed to
 * 12 bytes, the host's is 16. All waits go through safe_syscall: a guest signal interrupts them,
 * and they fail with EINTR then (never restart), as Linux's do when a handler runs. A wait with a
 * signal mask (pselect6, ppoll, epoll_pwait) installs it as the guest's mask for the wait, like
 * rt_sigsuspend, so a signal it lets through is delivered before the old mask comes back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    GUEST_FD_SETSIZE = 1024,
    GUEST_POLLWRNORM = 0x100, GUEST_POLLWRBAND = 0x200,
    MAX_POLL_FDS = 65536, MAX_EPOLL_EVENTS = 16384,
};

struct __attribute__((packed)) guest_epoll_event {
    uint32_t events;
    uint64_t data;
};
_Static_assert(sizeof(struct guest_epoll_event) == 12, "i386 epoll_event is packed");

/* The sigmask argument of pselect6/ppoll/epoll_pwait; *use false when absent. */
static int32_t get_wait_sigmask(uint32_t set_addr, uint32_t size, uint64_t *mask, bool *use)
{
    *use = false;
    if (!set_addr)
        return 0;
    if (size != 8)
        return guest_err(EINVAL);
    const uint8_t *g = guest_ptr(set_addr, 8, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    *mask = load_u64(g);
    *use = true;
    return 0;
}

/* A wait's result for the guest: interrupted waits fail with EINTR. */
static int32_t wait_result(long r)
{
    if (r == -XQM_ERESTARTSYS)
        r = -EINTR;
    return r < 0 ? guest_err((int)-r) : (int32_t)r;
}

/* ---- select ---- */

/* A guest fd_set of n bits into a zeroed host one; 0 or the guest's -EFAULT. */
static int32_t get_fd_set(uint32_t addr, int n, fd_set *set, bool *present)
{
    memset(set, 0, sizeof *set);
    *present = addr != 0;
    if (!addr)
        return 0;
    uint32_t bytes = (uint32_t)(n + 31) / 32 * 4;
    const void *g = guest_ptr(addr, bytes, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    memcpy(set, g, bytes);
    return 0;
}

static void put_fd_set(uint32_t addr, int n, const fd_set *set)
{
    if (!addr)
        return;
    uint32_t bytes = (uint32_t)(n + 31) / 32 * 4;
    void *g = guest_ptr(addr, bytes, PAGE_WRITE);
    if (g)
        memcpy(g, set, bytes);
}

/*
 * The common part: the timeout is a timespec (NULL: wait forever); *remaining gets what is left,
 * which select reports back to the guest as Linux does.
 */
static int32_t do_select(int n, uint32_t in_addr, uint32_t out_addr, uint32_t ex_addr,
                         struct timespec *timeout, const uint64_t *guest_mask)
{
    if (n < 0)
        return guest_err(EINVAL);
    if (n > GUEST_FD_SETSIZE)
        n = GUEST_FD_SETSIZE;
    fd_set in, out, ex;
    bool has_in, has_out, has_ex;
    int32_t err = get_fd_set(in_addr, n, &in, &has_in);
    if (!err)
        err = get_fd_set(out_addr, n, &out, &has_out);
    if (!err)
        err = get_fd_set(ex_addr, n, &ex, &has_ex);
    if (err)
        return err;
    /* pselect6 updates the timeout it is given, which is exactly what select reports back. */
    sigset_t mask;
    struct { const sigset_t *set; size_t size; } sigarg = { &mask, _NSIG / 8 };
    TaskState *ts = task_self();
    if (guest_mask)
        signal_wait_mask_begin(ts, *guest_mask, &mask);
    long r = safe_syscall(SYS_pselect6, n, has_in ? &in : NULL, has_out ? &out : NULL,
                          has_ex ? &ex : NULL, timeout, guest_mask ? &sigarg : NULL);
    if (guest_mask)
        signal_wait_mask_end(ts);
    if (r < 0)
        return wait_result(r);
    put_fd_set(in_addr, n, &in);
    put_fd_set(out_addr, n, &out);
    put_fd_set(ex_addr, n, &ex);
    return (int32_t)r;
}

/* select with a 32-bit struct timeval, which it updates. */
static int32_t select_timeval(int n, uint32_t in, uint32_t out, uint32_t ex, uint32_t tv_addr)
{
    struct timespec ts, *timeout = NULL;
    uint8_t *tv = NULL;
    if (tv_addr) {
        if (!(tv = guest_ptr(tv_addr, 8, PAGE_READ | PAGE_WRITE)))
            return guest_err(EFAULT);
        int32_t sec = (int32_t)load_u32(tv), usec = (int32_t)load_u32(tv + 4);
        if (sec < 0 || usec < 0)
            return guest_err(EINVAL);
        ts.tv_sec = sec + usec / 1000000;
        ts.tv_nsec = (long)(usec % 1000000) * 1000;
        timeout = &ts;
    }
    int32_t r = do_select(n, in, out, ex, timeout, NULL);
    if (tv && (r >= 0 || r == -guest_errno(EINTR))) {
        store_u32(tv, (uint32_t)ts.tv_sec);
        store_u32(tv + 4, (uint32_t)(ts.tv_nsec / 1000));
    }
    return r;
}

int32_t sys__newselect(const struct syscall *sc)
{
    return select_timeval((int)sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4]);
}

/* The old select (82): one pointer to the five arguments. */
int32_t sys_select(const struct syscall *sc)
{
    const uint8_t *a = guest_ptr(sc->arg[0], 20, PAGE_READ);
    if (!a)
        return guest_err(EFAULT);
    return select_timeval((int)load_u32(a), load_u32(a + 4), load_u32(a + 8), load_u32(a + 12),
                          load_u32(a + 16));
}

static int32_t do_pselect6(const struct syscall *sc, bool time64)
{
    struct timespec ts, *timeout = NULL;
    if (sc->arg[4]) {
        int32_t err = get_guest_timespec(sc->arg[4], time64, &ts);
        if (err)
            return err;
        timeout = &ts;
    }
    uint64_t mask;
    bool use_mask = false;
    if (sc->arg[5]) {
        const uint8_t *a = guest_ptr(sc->arg[5], 8, PAGE_READ);
        if (!a)
            return guest_err(EFAULT);
        int32_t err = get_wait_sigmask(load_u32(a), load_u32(a + 4), &mask, &use_mask);
        if (err)
            return err;
    }
    int32_t r = do_select((int)sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], timeout,
                          use_mask ? &mask : NULL);
    if (timeout && (r >= 0 || r == -guest_errno(EINTR)))
        put_guest_timespec(sc->arg[4], time64, &ts);
    return r;
}

int32_t sys_pselect6(const struct syscall *sc)
{
    return do_pselect6(sc, false);
}

int32_t sys_pselect6_time64(const struct syscall *sc)
{
    return do_pselect6(sc, true);
}

/* ---- poll ---- */

static short poll_events_to_host(uint16_t g)
{
    short h = (short)(g & ~(GUEST_POLLWRNORM | GUEST_POLLWRBAND));
    if (g & GUEST_POLLWRNORM)
        h |= POLLWRNORM;
    if (g & GUEST_POLLWRBAND)
        h |= POLLWRBAND;
    return h;
}

static uint16_t poll_events_to_guest(short h, uint16_t asked)
{
    uint16_t g = (uint16_t)(h & ~(POLLWRNORM | POLLWRBAND | POLLOUT));
    /* POLLWRNORM is POLLOUT on MIPS: report whichever of the two the guest asked about. */
    if (h & (POLLOUT | POLLWRNORM)) {
        if (asked & POLLOUT)
            g |= POLLOUT;
        if (asked & GUEST_POLLWRNORM)
            g |= GUEST_POLLWRNORM;
    }
    if (h & POLLWRBAND)
        g |= GUEST_POLLWRBAND;
    return g;
}

static int32_t do_poll(uint32_t fds_addr, uint32_t nfds, struct timespec *timeout,
                       const uint64_t *guest_mask)
{
    if (nfds > MAX_POLL_FDS)
        return guest_err(EINVAL);
    uint8_t *g = guest_ptr(fds_addr, nfds * 8, PAGE_READ | PAGE_WRITE);
    if (!g && nfds)
        return guest_err(EFAULT);
    struct pollfd *fds = calloc(nfds ? nfds : 1, sizeof *fds);
    if (!fds)
        return guest_err(ENOMEM);
    for (uint32_t i = 0; i < nfds; i++) {
        fds[i].fd = (int)load_u32(g + 8 * i);
        fds[i].events = poll_events_to_host(load_u16(g + 8 * i + 4));
    }
    sigset_t mask;
    TaskState *ts = task_self();
    if (guest_mask)
        signal_wait_mask_begin(ts, *guest_mask, &mask);
    long r = safe_syscall(SYS_ppoll, fds, nfds, timeout, guest_mask ? &mask : NULL, _NSIG / 8);
    if (guest_mask)
        signal_wait_mask_end(ts);
    if (r >= 0) {
        for (uint32_t i = 0; i < nfds; i++)
            store_u16(g + 8 * i + 6, poll_events_to_guest(fds[i].revents, load_u16(g + 8 * i + 4)));
    }
    free(fds);
    return wait_result(r);
}

int32_t sys_poll(const struct syscall *sc)
{
    int32_t ms = (int32_t)sc->arg[2];
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    return do_poll(sc->arg[0], sc->arg[1], ms < 0 ? NULL : &ts, NULL);
}

static int32_t do_ppoll(const struct syscall *sc, bool time64)
{
    struct timespec ts, *timeout = NULL;
    if (sc->arg[2]) {
        int32_t err = get_guest_timespec(sc->arg[2], time64, &ts);
        if (err)
            return err;
        timeout = &ts;
    }
    uint64_t mask;
    bool use_mask;
    int32_t err = get_wait_sigmask(sc->arg[3], sc->arg[4], &mask, &use_mask);
    if (err)
        return err;
    int32_t r = do_poll(sc->arg[0], sc->arg[1], timeout, use_mask ? &mask : NULL);
    if (timeout && (r >= 0 || r == -guest_errno(EINTR)))
        put_guest_timespec(sc->arg[2], time64, &ts);
    return r;
}

int32_t sys_ppoll(const struct syscall *sc)
{
    return do_ppoll(sc, false);
}

int32_t sys_ppoll_time64(const struct syscall *sc)
{
    return do_ppoll(sc, true);
}

/* ---- epoll ---- */

int32_t sys_epoll_create(const struct syscall *sc)
{
    if ((int32_t)sc->arg[0] <= 0)
        return guest_err(EINVAL);
    return guest_ret(epoll_create1(0));
}

int32_t sys_epoll_create1(const struct syscall *sc)
{
    if (sc->arg[0] & ~02000000u)
        return guest_err(EINVAL);
    return guest_ret(epoll_create1(open_flags_to_host(sc->arg[0])));
}

int32_t sys_epoll_ctl(const struct syscall *sc)
{
    struct epoll_event ev = { 0 }, *evp = NULL;
    if (sc->arg[3]) {
        const struct guest_epoll_event *g = guest_ptr(sc->arg[3], sizeof *g, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        ev.events = g->events;      /* EPOLL* values are the generic ones on MIPS too */
        ev.data.u64 = g->data;
        evp = &ev;
    }
    return guest_ret(epoll_ctl((int)sc->arg[0], (int)sc->arg[1], (int)sc->arg[2], evp));
}

/* The wait: timeout_ms for epoll_wait/epoll_pwait, or a timespec (pwait2) when ts is set. */
static int32_t do_epoll_wait(uint32_t epfd, uint32_t events_addr, int32_t maxevents,
                             int32_t timeout_ms, const struct timespec *timeout,
                             bool use_timespec, const uint64_t *guest_mask)
{
    if (maxevents <= 0 || maxevents > MAX_EPOLL_EVENTS)
        return guest_err(EINVAL);
    struct guest_epoll_event *g = guest_ptr(events_addr, (uint32_t)maxevents * sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    struct epoll_event *ev = malloc(sizeof *ev * (size_t)maxevents);
    if (!ev)
        return guest_err(ENOMEM);
    sigset_t host_mask, *mask = guest_mask ? &host_mask : NULL;
    TaskState *ts = task_self();
    if (guest_mask)
        signal_wait_mask_begin(ts, *guest_mask, &host_mask);
    long r;
    if (use_timespec) {
        r = safe_syscall(SYS_epoll_pwait2, (int)epfd, ev, maxevents, timeout, mask, _NSIG / 8);
    } else {
        r = safe_syscall(SYS_epoll_pwait, (int)epfd, ev, maxevents, timeout_ms, mask, _NSIG / 8);
    }
    if (guest_mask)
        signal_wait_mask_end(ts);
    for (long i = 0; i < r; i++) {
        g[i].events = ev[i].events;
        g[i].data = ev[i].data.u64;
    }
    free(ev);
    return wait_result(r);
}

int32_t sys_epoll_wait(const struct syscall *sc)
{
    return do_epoll_wait(sc->arg[0], sc->arg[1], (int32_t)sc->arg[2], (int32_t)sc->arg[3], NULL,
                         false, NULL);
}

int32_t sys_epoll_pwait(const struct syscall *sc)
{
    uint64_t mask;
    bool use_mask;
    int32_t err = get_wait_sigmask(sc->arg[4], sc->arg[5], &mask, &use_mask);
    if (err)
        return err;
    return do_epoll_wait(sc->arg[0], sc->arg[1], (int32_t)sc->arg[2], (int32_t)sc->arg[3], NULL,
                         false, use_mask ? &mask : NULL);
}

int32_t sys_epoll_pwait2(const struct syscall *sc)
{
    struct timespec ts, *timeout = NULL;
    if (sc->arg[3]) {
        int32_t err = get_guest_timespec(sc->arg[3], true, &ts);
        if (err)
            return err;
        timeout = &ts;
    }
    uint64_t mask;
    bool use_mask;
    int32_t err = get_wait_sigmask(sc->arg[4], sc->arg[5], &mask, &use_mask);
    if (err)
        return err;
    return do_epoll_wait(sc->arg[0], sc->arg[1], (int32_t)sc->arg[2], -1, timeout, true,
                         use_mask ? &mask : NULL);
}
