/*
 * Time: time, gettimeofday, the clock_* family in its 32-bit and *_time64 forms, nanosleep, times
 * and getrusage.
 *
 * i386 has two timespec layouts: the old one with 32-bit seconds and nanoseconds, and the 64-bit
 * one (two 64-bit words) of the *_time64 syscalls glibc now prefers. Guest time is the host's
 * clock_gettime, never a cycle counter (qemu-mips64el's rdhwr counter does not advance).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

struct __attribute__((packed)) guest_timespec32 {
    int32_t tv_sec, tv_nsec;
};
struct __attribute__((packed)) guest_timespec64 {
    int64_t tv_sec, tv_nsec;
};
struct __attribute__((packed)) guest_timeval32 {
    int32_t tv_sec, tv_usec;
};

int32_t get_guest_timespec(uint32_t addr, bool time64, struct timespec *ts)
{
    if (time64) {
        const struct guest_timespec64 *g = guest_ptr(addr, sizeof *g, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        ts->tv_sec = g->tv_sec;
        /* Like the kernel for 32-bit callers: the upper half of tv_nsec is padding. */
        ts->tv_nsec = (uint32_t)g->tv_nsec;
    } else {
        const struct guest_timespec32 *g = guest_ptr(addr, sizeof *g, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        ts->tv_sec = g->tv_sec;
        ts->tv_nsec = g->tv_nsec;
    }
    return 0;
}

int32_t put_guest_timespec(uint32_t addr, bool time64, const struct timespec *ts)
{
    if (time64) {
        struct guest_timespec64 *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
        if (!g)
            return guest_err(EFAULT);
        g->tv_sec = ts->tv_sec;
        g->tv_nsec = ts->tv_nsec;
    } else {
        struct guest_timespec32 *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
        if (!g)
            return guest_err(EFAULT);
        g->tv_sec = (int32_t)ts->tv_sec;
        g->tv_nsec = (int32_t)ts->tv_nsec;
    }
    return 0;
}

static int32_t put_guest_timeval(uint32_t addr, const struct timeval *tv)
{
    struct guest_timeval32 *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    g->tv_sec = (int32_t)tv->tv_sec;
    g->tv_usec = (int32_t)tv->tv_usec;
    return 0;
}

int32_t sys_time(const struct syscall *sc)
{
    int32_t now = (int32_t)time(NULL);
    if (sc->arg[0]) {
        void *out = guest_ptr(sc->arg[0], 4, PAGE_WRITE);
        if (!out)
            return guest_err(EFAULT);
        store_u32(out, (uint32_t)now);
    }
    return now;
}

int32_t sys_gettimeofday(const struct syscall *sc)
{
    struct timeval tv;
    struct timezone tz;
    if (gettimeofday(&tv, &tz) != 0)
        return guest_err(errno);
    if (sc->arg[0]) {
        int32_t err = put_guest_timeval(sc->arg[0], &tv);
        if (err)
            return err;
    }
    if (sc->arg[1]) {
        uint8_t *out = guest_ptr(sc->arg[1], 8, PAGE_WRITE);   /* two ints, same on both sides */
        if (!out)
            return guest_err(EFAULT);
        store_u32(out, (uint32_t)tz.tz_minuteswest);
        store_u32(out + 4, (uint32_t)tz.tz_dsttime);
    }
    return 0;
}

static int32_t do_clock_gettime(const struct syscall *sc, bool time64)
{
    struct timespec ts;
    if (clock_gettime((clockid_t)sc->arg[0], &ts) != 0)
        return guest_err(errno);
    return put_guest_timespec(sc->arg[1], time64, &ts);
}

int32_t sys_clock_gettime(const struct syscall *sc)
{
    return do_clock_gettime(sc, false);
}

int32_t sys_clock_gettime64(const struct syscall *sc)
{
    return do_clock_gettime(sc, true);
}

static int32_t do_clock_getres(const struct syscall *sc, bool time64)
{
    struct timespec ts;
    if (clock_getres((clockid_t)sc->arg[0], &ts) != 0)
        return guest_err(errno);
    return sc->arg[1] ? put_guest_timespec(sc->arg[1], time64, &ts) : 0;
}

int32_t sys_clock_getres(const struct syscall *sc)
{
    return do_clock_getres(sc, false);
}

int32_t sys_clock_getres_time64(const struct syscall *sc)
{
    return do_clock_getres(sc, true);
}

/*
 * Sleeps are interruptible by guest signals (safe_syscall). Interrupted before it began, a sleep
 * reports EINTR with all of its time remaining, which is what Linux reports for a signal that
 * arrives as the sleep starts; it never restarts on its own (ERESTART_RESTARTBLOCK with a handler).
 */
int32_t sys_nanosleep(const struct syscall *sc)
{
    struct timespec req, rem;
    int32_t err = get_guest_timespec(sc->arg[0], false, &req);
    if (err)
        return err;
    rem = req;
    long r = safe_syscall(SYS_nanosleep, &req, &rem);
    if (r == 0)
        return 0;
    if (r == -XQM_ERESTARTSYS)
        r = -EINTR;
    if (r == -EINTR && sc->arg[1]) {
        err = put_guest_timespec(sc->arg[1], false, &rem);
        if (err)
            return err;
    }
    return guest_err((int)-r);
}

static int32_t do_clock_nanosleep(const struct syscall *sc, bool time64)
{
    struct timespec req, rem;
    int32_t err = get_guest_timespec(sc->arg[2], time64, &req);
    if (err)
        return err;
    int flags = (int)sc->arg[1];    /* TIMER_ABSTIME is 1 on both sides */
    rem = req;
    long r = safe_syscall(SYS_clock_nanosleep, (clockid_t)sc->arg[0], flags, &req, &rem);
    if (r == -XQM_ERESTARTSYS)
        r = -EINTR;
    if (r == -EINTR && !(flags & TIMER_ABSTIME) && sc->arg[3]) {
        err = put_guest_timespec(sc->arg[3], time64, &rem);
        if (err)
            return err;
    }
    return r ? guest_err((int)-r) : 0;
}

int32_t sys_clock_nanosleep(const struct syscall *sc)
{
    return do_clock_nanosleep(sc, false);
}

int32_t sys_clock_nanosleep_time64(const struct syscall *sc)
{
    return do_clock_nanosleep(sc, true);
}

int32_t sys_times(const struct syscall *sc)
{
    struct tms t;
    clock_t now = times(&t);
    if (now == (clock_t)-1)
        return guest_err(errno);
    if (sc->arg[0]) {
        uint8_t *out = guest_ptr(sc->arg[0], 16, PAGE_WRITE);  /* four 32-bit clock_t */
        if (!out)
            return guest_err(EFAULT);
        store_u32(out, (uint32_t)t.tms_utime);
        store_u32(out + 4, (uint32_t)t.tms_stime);
        store_u32(out + 8, (uint32_t)t.tms_cutime);
        store_u32(out + 12, (uint32_t)t.tms_cstime);
    }
    return (int32_t)now;
}

/* i386 struct rusage: two timevals, then fourteen longs from ru_maxrss to ru_nivcsw. */
struct __attribute__((packed)) guest_rusage {
    struct guest_timeval32 ru_utime, ru_stime;
    int32_t counters[14];
};
_Static_assert(sizeof(struct guest_rusage) == 72, "i386 struct rusage is 72 bytes");

int32_t sys_getrusage(const struct syscall *sc)
{
    struct rusage ru;
    if (getrusage((int)sc->arg[0], &ru) != 0)
        return guest_err(errno);
    return put_guest_rusage(sc->arg[1], &ru);
}

int32_t put_guest_rusage(uint32_t addr, const struct rusage *r)
{
    const struct rusage ru = *r;
    struct guest_rusage *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    const long counters[14] = {
        ru.ru_maxrss, ru.ru_ixrss, ru.ru_idrss, ru.ru_isrss, ru.ru_minflt, ru.ru_majflt,
        ru.ru_nswap, ru.ru_inblock, ru.ru_oublock, ru.ru_msgsnd, ru.ru_msgrcv, ru.ru_nsignals,
        ru.ru_nvcsw, ru.ru_nivcsw,
    };
    g->ru_utime = (struct guest_timeval32){ (int32_t)ru.ru_utime.tv_sec, (int32_t)ru.ru_utime.tv_usec };
    g->ru_stime = (struct guest_timeval32){ (int32_t)ru.ru_stime.tv_sec, (int32_t)ru.ru_stime.tv_usec };
    for (int i = 0; i < 14; i++)
        g->counters[i] = (int32_t)counters[i];
    return 0;
}
