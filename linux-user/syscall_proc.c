/*
 * The process and its environment: exit, ids, uname, resource limits, sysinfo, scheduling, random
 * bytes, and futex.
 *
 * exit ends the calling guest thread and exit_group the process (task.c). set_tid_address and
 * set_robust_list are per thread; the robust list is recorded but not walked at thread exit (a
 * thread that dies holding a robust mutex leaves it held, without FUTEX_OWNER_DIED).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

int32_t sys_exit(const struct syscall *sc)
{
    task_exit_thread((int)sc->arg[0]);
}

int32_t sys_exit_group(const struct syscall *sc)
{
    task_exit_process((int)sc->arg[0]);
}

int32_t sys_getpid(const struct syscall *sc)
{
    (void)sc;
    return getpid();
}

int32_t sys_getppid(const struct syscall *sc)
{
    (void)sc;
    return getppid();
}

int32_t sys_gettid(const struct syscall *sc)
{
    (void)sc;
    return gettid();
}

int32_t sys_getpgrp(const struct syscall *sc)
{
    (void)sc;
    return getpgrp();
}

int32_t sys_getpgid(const struct syscall *sc)
{
    return guest_ret(getpgid((pid_t)sc->arg[0]));
}

int32_t sys_getsid(const struct syscall *sc)
{
    return guest_ret(getsid((pid_t)sc->arg[0]));
}

int32_t sys_getuid(const struct syscall *sc)
{
    (void)sc;
    return (int32_t)getuid();
}

int32_t sys_geteuid(const struct syscall *sc)
{
    (void)sc;
    return (int32_t)geteuid();
}

int32_t sys_getgid(const struct syscall *sc)
{
    (void)sc;
    return (int32_t)getgid();
}

int32_t sys_getegid(const struct syscall *sc)
{
    (void)sc;
    return (int32_t)getegid();
}

/* The old 16-bit id calls report ids that do not fit as the kernel's overflow id, 65534. */
static int32_t id16(uint32_t id)
{
    return id > 0xffff ? 65534 : (int32_t)id;
}

int32_t sys_getuid16(const struct syscall *sc)
{
    (void)sc;
    return id16(getuid());
}

int32_t sys_geteuid16(const struct syscall *sc)
{
    (void)sc;
    return id16(geteuid());
}

int32_t sys_getgid16(const struct syscall *sc)
{
    (void)sc;
    return id16(getgid());
}

int32_t sys_getegid16(const struct syscall *sc)
{
    (void)sc;
    return id16(getegid());
}

int32_t sys_uname(const struct syscall *sc)
{
    struct utsname host;
    if (uname(&host) != 0)
        return guest_err(errno);
    /* struct new_utsname: six 65-byte strings, the same on i386 and the host. */
    enum { FIELD = 65 };
    char *g = guest_ptr(sc->arg[0], 6 * FIELD, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    const char *fields[6] = {
        host.sysname, host.nodename, host.release, host.version, "i686", host.domainname,
    };
    for (int i = 0; i < 6; i++) {
        memset(g + i * FIELD, 0, FIELD);
        strncpy(g + i * FIELD, fields[i], FIELD - 1);
    }
    return 0;
}

int32_t sys_set_tid_address(const struct syscall *sc)
{
    TaskState *ts = sc->env->mode_opaque;
    ts->clear_child_tid = sc->arg[0];
    return gettid();
}

int32_t sys_set_robust_list(const struct syscall *sc)
{
    if (sc->arg[1] != 12)       /* sizeof(struct robust_list_head) on i386 */
        return guest_err(EINVAL);
    TaskState *ts = sc->env->mode_opaque;
    ts->robust_list = sc->arg[0];
    return 0;
}

int32_t sys_get_robust_list(const struct syscall *sc)
{
    if (sc->arg[0] != 0 && (pid_t)sc->arg[0] != gettid())
        return guest_err(EPERM);
    uint8_t *head = guest_ptr(sc->arg[1], 4, PAGE_WRITE), *len = guest_ptr(sc->arg[2], 4, PAGE_WRITE);
    if (!head || !len)
        return guest_err(EFAULT);
    TaskState *ts = sc->env->mode_opaque;
    store_u32(head, ts->robust_list);
    store_u32(len, 12);
    return 0;
}

/* glibc registers rseq when it can; ENOSYS makes it carry on without. */
int32_t sys_rseq(const struct syscall *sc)
{
    (void)sc;
    return guest_err(ENOSYS);
}

/* ---- resource limits ---- */

enum { GUEST_RLIMIT_NLIMITS = 16, GUEST_RLIMIT_DATA = 2, GUEST_RLIMIT_STACK = 3, GUEST_RLIMIT_AS = 9 };

/* Host resource of each i386 RLIMIT_* (MIPS numbers NOFILE, AS, RSS, NPROC, MEMLOCK differently). */
static const int host_resource[GUEST_RLIMIT_NLIMITS] = {
    RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE, RLIMIT_RSS, RLIMIT_NPROC,
    RLIMIT_NOFILE, RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_LOCKS, RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE,
    RLIMIT_NICE, RLIMIT_RTPRIO, RLIMIT_RTTIME,
};

/*
 * DATA, STACK and AS describe the guest's memory, not xqm's: applied to the host they would limit
 * xqm itself (its 4 GiB reservation counts towards AS), so the guest's settings are only kept here.
 */
static struct rlimit guest_only_limit[GUEST_RLIMIT_NLIMITS];
static bool guest_only_limit_set[GUEST_RLIMIT_NLIMITS];

static bool limit_is_guest_only(uint32_t resource)
{
    return resource == GUEST_RLIMIT_DATA || resource == GUEST_RLIMIT_STACK
           || resource == GUEST_RLIMIT_AS;
}

static int get_limit(pid_t pid, uint32_t resource, struct rlimit *out)
{
    if (resource >= GUEST_RLIMIT_NLIMITS)
        return -EINVAL;
    if (pid == 0 && limit_is_guest_only(resource) && guest_only_limit_set[resource]) {
        *out = guest_only_limit[resource];
        return 0;
    }
    return prlimit(pid, host_resource[resource], NULL, out) == 0 ? 0 : -errno;
}

static int set_limit(pid_t pid, uint32_t resource, const struct rlimit *value)
{
    if (resource >= GUEST_RLIMIT_NLIMITS)
        return -EINVAL;
    if (value->rlim_cur > value->rlim_max)
        return -EINVAL;
    if (pid == 0 && limit_is_guest_only(resource)) {
        struct rlimit old;
        int err = get_limit(0, resource, &old);
        if (err)
            return err;
        if (value->rlim_max > old.rlim_max && geteuid() != 0)
            return -EPERM;
        guest_only_limit[resource] = *value;
        guest_only_limit_set[resource] = true;
        return 0;
    }
    return prlimit(pid, host_resource[resource], value, NULL) == 0 ? 0 : -errno;
}

/* A limit as a 32-bit value: `cap` is what too-large values and infinity become. */
static uint32_t limit32(rlim_t v, uint32_t cap)
{
    return v == RLIM_INFINITY || v > cap ? cap : (uint32_t)v;
}

static int32_t put_limit32(uint32_t addr, const struct rlimit *r, uint32_t cap)
{
    uint8_t *g = guest_ptr(addr, 8, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    store_u32(g, limit32(r->rlim_cur, cap));
    store_u32(g + 4, limit32(r->rlim_max, cap));
    return 0;
}

/* The old getrlimit (76) reports at most 0x7fffffff, the kernel's "infinity" for it. */
int32_t sys_getrlimit(const struct syscall *sc)
{
    struct rlimit r;
    int err = get_limit(0, sc->arg[0], &r);
    return err ? guest_err(-err) : put_limit32(sc->arg[1], &r, 0x7fffffff);
}

int32_t sys_ugetrlimit(const struct syscall *sc)
{
    struct rlimit r;
    int err = get_limit(0, sc->arg[0], &r);
    return err ? guest_err(-err) : put_limit32(sc->arg[1], &r, 0xffffffff);
}

int32_t sys_setrlimit(const struct syscall *sc)
{
    const uint8_t *g = guest_ptr(sc->arg[1], 8, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    uint32_t cur = load_u32(g), max = load_u32(g + 4);
    struct rlimit r = {
        .rlim_cur = cur == 0xffffffff ? RLIM_INFINITY : cur,
        .rlim_max = max == 0xffffffff ? RLIM_INFINITY : max,
    };
    return guest_ret_neg(set_limit(0, sc->arg[0], &r));
}

int32_t sys_prlimit64(const struct syscall *sc)
{
    pid_t pid = (pid_t)sc->arg[0];
    if (pid == getpid())
        pid = 0;
    uint32_t resource = sc->arg[1];
    struct rlimit old;
    uint8_t *old_g = NULL;
    if (sc->arg[3]) {
        old_g = guest_ptr(sc->arg[3], 16, PAGE_WRITE);
        if (!old_g)
            return guest_err(EFAULT);
    }
    int err = get_limit(pid, resource, &old);
    if (err)
        return guest_err(-err);
    if (sc->arg[2]) {
        const uint8_t *g = guest_ptr(sc->arg[2], 16, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        struct rlimit r = { load_u64(g), load_u64(g + 8) };    /* RLIM64_INFINITY is ~0 on both */
        err = set_limit(pid, resource, &r);
        if (err)
            return guest_err(-err);
    }
    if (old_g) {
        store_u64(old_g, old.rlim_cur);
        store_u64(old_g + 8, old.rlim_max);
    }
    return 0;
}

/* ---- sysinfo, scheduling, randomness ---- */

struct __attribute__((packed)) guest_sysinfo {
    int32_t uptime;
    uint32_t loads[3];
    uint32_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t totalhigh, freehigh, mem_unit;
    uint8_t reserved[8];
};
_Static_assert(sizeof(struct guest_sysinfo) == 64, "i386 struct sysinfo is 64 bytes");

int32_t sys_sysinfo(const struct syscall *sc)
{
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return guest_err(errno);
    struct guest_sysinfo *g = guest_ptr(sc->arg[0], sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    /* Like the kernel for 32-bit callers: grow mem_unit until every size fits in 32 bits. */
    uint64_t mem[8] = { si.totalram, si.freeram, si.sharedram, si.bufferram, si.totalswap,
                        si.freeswap, si.totalhigh, si.freehigh };
    uint64_t unit = si.mem_unit, largest = 0;
    for (int i = 0; i < 8; i++)
        largest = mem[i] > largest ? mem[i] : largest;
    int shift = 0;
    while ((largest >> shift) > 0xffffffffu)
        shift++;
    struct guest_sysinfo out = {
        .uptime = (int32_t)si.uptime,
        .loads = { (uint32_t)si.loads[0], (uint32_t)si.loads[1], (uint32_t)si.loads[2] },
        .totalram = (uint32_t)(mem[0] >> shift), .freeram = (uint32_t)(mem[1] >> shift),
        .sharedram = (uint32_t)(mem[2] >> shift), .bufferram = (uint32_t)(mem[3] >> shift),
        .totalswap = (uint32_t)(mem[4] >> shift), .freeswap = (uint32_t)(mem[5] >> shift),
        .procs = si.procs,
        .totalhigh = (uint32_t)(mem[6] >> shift), .freehigh = (uint32_t)(mem[7] >> shift),
        .mem_unit = (uint32_t)(unit << shift),
    };
    memcpy(g, &out, sizeof out);
    return 0;
}

int32_t sys_sched_yield(const struct syscall *sc)
{
    (void)sc;
    return guest_ret(sched_yield());
}

int32_t sys_sched_getaffinity(const struct syscall *sc)
{
    /* A CPU mask is a little-endian bit string either way; only the word size (4 vs 8) differs. */
    uint32_t len = sc->arg[1];
    if (len & 3)
        return guest_err(EINVAL);
    uint8_t mask[1024];
    size_t host_len = ((size_t)len + 7) & ~(size_t)7;
    if (host_len > sizeof mask)
        host_len = sizeof mask;
    long n = syscall(SYS_sched_getaffinity, (pid_t)sc->arg[0], host_len, mask);
    if (n < 0)
        return guest_err(errno);
    if ((uint32_t)n > len)
        n = len;
    uint8_t *g = guest_ptr(sc->arg[2], (uint32_t)n, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    memcpy(g, mask, (size_t)n);
    return (int32_t)n;
}

int32_t sys_getrandom(const struct syscall *sc)
{
    void *buf = guest_ptr(sc->arg[0], sc->arg[1], PAGE_WRITE);
    if (!buf)
        return guest_err(EFAULT);
    return guest_ret(getrandom(buf, sc->arg[1], sc->arg[2]));   /* GRND_* are the same */
}

/* ---- futex ---- */

/*
 * The guest's futex word is the host's too (g2h), so the host kernel does the waiting and waking.
 * Operation numbers and flags are the generic ones on both sides; only the timeout differs, and
 * for REQUEUE, CMP_REQUEUE and WAKE_OP that argument is the integer val2 instead.
 */
static int32_t do_futex(const struct syscall *sc, bool time64)
{
    uint32_t uaddr = sc->arg[0], op = sc->arg[1], val = sc->arg[2];
    uint32_t timeout_addr = sc->arg[3], uaddr2 = sc->arg[4], val3 = sc->arg[5];
    if (uaddr & 3)
        return guest_err(EINVAL);
    if (!guest_range_valid(uaddr, 4, PAGE_READ))
        return guest_err(EFAULT);
    int cmd = (int)(op & FUTEX_CMD_MASK);
    struct timespec ts;
    const struct timespec *timeout = NULL;
    void *host_uaddr2 = NULL;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        if (timeout_addr) {
            int32_t err = get_guest_timespec(timeout_addr, time64, &ts);
            if (err)
                return err;
            timeout = &ts;
        }
        break;
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        break;
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP:
        if ((uaddr2 & 3) != 0)
            return guest_err(EINVAL);
        if (!guest_range_valid(uaddr2, 4, PAGE_READ))
            return guest_err(EFAULT);
        host_uaddr2 = g2h(uaddr2);
        return guest_ret_neg(safe_syscall(SYS_futex, g2h(uaddr), (int)op, val,
                                          (unsigned long)timeout_addr, host_uaddr2, val3));
    default:
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-user: unimplemented futex operation %d\n", cmd);
        return guest_err(ENOSYS);
    }
    /* Waits go through safe_syscall so that a guest signal interrupts them (EINTR or restart). */
    return guest_ret_neg(safe_syscall(SYS_futex, g2h(uaddr), (int)op, val, timeout, host_uaddr2, val3));
}

int32_t sys_futex(const struct syscall *sc)
{
    return do_futex(sc, false);
}

int32_t sys_futex_time64(const struct syscall *sc)
{
    return do_futex(sc, true);
}
