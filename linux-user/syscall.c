/*
 * The i386 syscall entry: dispatch through syscall_table, and the conversions every handler needs.
 *
 * Invariants:
 * - Every errno the guest sees goes through guest_errno: MIPS numbers most errors differently from
 *   i386 (ENOSYS is 89 there, 38 here; EDQUOT is 1133 there), so a raw host errno is always a bug.
 * - Guest memory is touched only after guest_ptr/guest_string said the pages are mapped for it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

/*
 * Host errno -> i386 errno. Indexed by the host's own constants, so the table reads the same on any
 * host; the values are the i386 ones (include/uapi/asm-generic/errno-base.h and errno.h).
 */
static const uint8_t guest_errno_of_host[] = {
    [EPERM] = 1, [ENOENT] = 2, [ESRCH] = 3, [EINTR] = 4, [EIO] = 5, [ENXIO] = 6, [E2BIG] = 7,
    [ENOEXEC] = 8, [EBADF] = 9, [ECHILD] = 10, [EAGAIN] = 11, [ENOMEM] = 12, [EACCES] = 13,
    [EFAULT] = 14, [ENOTBLK] = 15, [EBUSY] = 16, [EEXIST] = 17, [EXDEV] = 18, [ENODEV] = 19,
    [ENOTDIR] = 20, [EISDIR] = 21, [EINVAL] = 22, [ENFILE] = 23, [EMFILE] = 24, [ENOTTY] = 25,
    [ETXTBSY] = 26, [EFBIG] = 27, [ENOSPC] = 28, [ESPIPE] = 29, [EROFS] = 30, [EMLINK] = 31,
    [EPIPE] = 32, [EDOM] = 33, [ERANGE] = 34, [EDEADLK] = 35, [ENAMETOOLONG] = 36, [ENOLCK] = 37,
    [ENOSYS] = 38, [ENOTEMPTY] = 39, [ELOOP] = 40, [ENOMSG] = 42, [EIDRM] = 43, [ECHRNG] = 44,
    [EL2NSYNC] = 45, [EL3HLT] = 46, [EL3RST] = 47, [ELNRNG] = 48, [EUNATCH] = 49, [ENOCSI] = 50,
    [EL2HLT] = 51, [EBADE] = 52, [EBADR] = 53, [EXFULL] = 54, [ENOANO] = 55, [EBADRQC] = 56,
    [EBADSLT] = 57, [EBFONT] = 59, [ENOSTR] = 60, [ENODATA] = 61, [ETIME] = 62, [ENOSR] = 63,
    [ENONET] = 64, [ENOPKG] = 65, [EREMOTE] = 66, [ENOLINK] = 67, [EADV] = 68, [ESRMNT] = 69,
    [ECOMM] = 70, [EPROTO] = 71, [EMULTIHOP] = 72, [EDOTDOT] = 73, [EBADMSG] = 74,
    [EOVERFLOW] = 75, [ENOTUNIQ] = 76, [EBADFD] = 77, [EREMCHG] = 78, [ELIBACC] = 79,
    [ELIBBAD] = 80, [ELIBSCN] = 81, [ELIBMAX] = 82, [ELIBEXEC] = 83, [EILSEQ] = 84,
    [ERESTART] = 85, [ESTRPIPE] = 86, [EUSERS] = 87, [ENOTSOCK] = 88, [EDESTADDRREQ] = 89,
    [EMSGSIZE] = 90, [EPROTOTYPE] = 91, [ENOPROTOOPT] = 92, [EPROTONOSUPPORT] = 93,
    [ESOCKTNOSUPPORT] = 94, [EOPNOTSUPP] = 95, [EPFNOSUPPORT] = 96, [EAFNOSUPPORT] = 97,
    [EADDRINUSE] = 98, [EADDRNOTAVAIL] = 99, [ENETDOWN] = 100, [ENETUNREACH] = 101,
    [ENETRESET] = 102, [ECONNABORTED] = 103, [ECONNRESET] = 104, [ENOBUFS] = 105, [EISCONN] = 106,
    [ENOTCONN] = 107, [ESHUTDOWN] = 108, [ETOOMANYREFS] = 109, [ETIMEDOUT] = 110,
    [ECONNREFUSED] = 111, [EHOSTDOWN] = 112, [EHOSTUNREACH] = 113, [EALREADY] = 114,
    [EINPROGRESS] = 115, [ESTALE] = 116, [EUCLEAN] = 117, [ENOTNAM] = 118, [ENAVAIL] = 119,
    [EISNAM] = 120, [EREMOTEIO] = 121, [EDQUOT] = 122, [ENOMEDIUM] = 123, [EMEDIUMTYPE] = 124,
    [ECANCELED] = 125, [ENOKEY] = 126, [EKEYEXPIRED] = 127, [EKEYREVOKED] = 128,
    [EKEYREJECTED] = 129, [EOWNERDEAD] = 130, [ENOTRECOVERABLE] = 131, [ERFKILL] = 132,
    [EHWPOISON] = 133,
#if EDEADLOCK != EDEADLK
    [EDEADLOCK] = 35,           /* a separate number on MIPS, an alias on i386 */
#endif
};
#define HOST_ERRNO_LIMIT (sizeof guest_errno_of_host / sizeof guest_errno_of_host[0])

int guest_errno(int host_errno)
{
    if (host_errno == XQM_ERESTARTSYS)
        return XQM_ERESTARTSYS;     /* internal, never seen by the guest (syscall_dispatch) */
    if (host_errno > 0 && (size_t)host_errno < HOST_ERRNO_LIMIT && guest_errno_of_host[host_errno])
        return guest_errno_of_host[host_errno];
    /* A host errno with no i386 meaning (MIPS-only ones): the closest honest answer. */
    return guest_errno_of_host[EINVAL];
}

int host_errno_of_guest(int guest_errno_value)
{
    for (size_t h = 0; h < HOST_ERRNO_LIMIT; h++) {
        if (guest_errno_of_host[h] == guest_errno_value)
            return (int)h;
    }
    return 0;
}

int32_t guest_ret(long host_result)
{
    return host_result < 0 ? guest_err(errno) : (int32_t)host_result;
}

void *guest_ptr(uint32_t addr, uint32_t len, unsigned prot)
{
    return guest_range_valid(addr, len, prot) ? g2h(addr) : NULL;
}

int32_t guest_string(uint32_t addr, size_t max, const char **out)
{
    /* Checked page by page: a string may end just before an unmapped page. */
    uint64_t a = addr;
    size_t n = 0;
    while (a < GUEST_SPACE_SIZE) {
        if (!guest_range_valid((uint32_t)a, 1, PAGE_READ))
            return guest_err(EFAULT);
        uint32_t in_page = GUEST_PAGE_SIZE - ((uint32_t)a & (GUEST_PAGE_SIZE - 1));
        const char *p = g2h((uint32_t)a);
        const char *nul = memchr(p, 0, in_page);
        size_t len = nul ? (size_t)(nul - p) : in_page;
        n += len;
        if (n >= max)
            return guest_err(ENAMETOOLONG);
        if (nul) {
            *out = g2h(addr);
            return 0;
        }
        a += in_page;
    }
    return guest_err(EFAULT);
}

int32_t guest_path(uint32_t addr, const char **out)
{
    return guest_string(addr, PATH_MAX, out);
}

uint32_t flags_to_host(const struct flag_map *map, size_t n, uint32_t guest_flags)
{
    uint32_t host = 0;
    for (size_t i = 0; i < n; i++) {
        if ((guest_flags & map[i].guest) == map[i].guest)
            host |= map[i].host;
    }
    return host;
}

uint32_t flags_to_guest(const struct flag_map *map, size_t n, uint32_t host_flags)
{
    uint32_t guest = 0;
    for (size_t i = 0; i < n; i++) {
        if (map[i].host != 0 && (host_flags & map[i].host) == map[i].host)
            guest |= map[i].guest;
    }
    return guest;
}

/*
 * i386 open flags (octal, as in the x86 headers) against the host's. O_LARGEFILE is 0 in the n64
 * libc headers but the kernel reports 0x2000 in F_GETFL on MIPS, hence the literal. O_SYNC is
 * __O_SYNC|O_DSYNC on both sides, so it maps bit by bit. Access mode bits are equal and copied.
 */
#define HOST_O_LARGEFILE 0x2000
static const struct flag_map open_flag_map[] = {
    { 00000100, O_CREAT }, { 00000200, O_EXCL }, { 00000400, O_NOCTTY }, { 00001000, O_TRUNC },
    { 00002000, O_APPEND }, { 00004000, O_NONBLOCK }, { 00010000, O_DSYNC }, { 00020000, O_ASYNC },
    { 00040000, O_DIRECT }, { 00100000, HOST_O_LARGEFILE }, { 00200000, O_DIRECTORY },
    { 00400000, O_NOFOLLOW }, { 01000000, O_NOATIME }, { 02000000, O_CLOEXEC },
    { 04000000, O_SYNC & ~O_DSYNC }, { 010000000, O_PATH }, { 020000000, O_TMPFILE & ~O_DIRECTORY },
};

int open_flags_to_host(uint32_t guest_flags)
{
    return (int)((guest_flags & O_ACCMODE)
                 | flags_to_host(open_flag_map, sizeof open_flag_map / sizeof open_flag_map[0],
                                 guest_flags));
}

uint32_t open_flags_to_guest(int host_flags)
{
    return ((uint32_t)host_flags & O_ACCMODE)
           | flags_to_guest(open_flag_map, sizeof open_flag_map / sizeof open_flag_map[0],
                            (uint32_t)host_flags);
}

void syscall_dispatch(CPUX86State *env)
{
    const struct syscall sc = {
        .env = env,
        .nr = env->regs[R_EAX],
        .arg = { env->regs[R_EBX], env->regs[R_ECX], env->regs[R_EDX],
                 env->regs[R_ESI], env->regs[R_EDI], env->regs[R_EBP] },
    };
    const struct syscall_def *def = sc.nr < GUEST_NR_SYSCALLS ? &syscall_table[sc.nr] : NULL;
    bool trace = xqm_log_enabled(LOG_STRACE);
    int32_t ret;

    if (def && def->handler) {
        if (trace)
            strace_call(&sc, def);
        ret = def->handler(&sc);
    } else {
        if (trace || xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-user: unimplemented syscall %u (%s)\n", sc.nr,
                    def && def->name ? def->name : "unknown");
        if (trace)
            strace_call(&sc, def);
        ret = guest_err(ENOSYS);
    }
    /* sigreturn's "result" is the restored eax, whatever it looks like. */
    if (def && (def->handler == sys_sigreturn || def->handler == sys_rt_sigreturn)) {
        if (trace)
            xqm_log(" = (returned to 0x%08x)\n", env->eip);
        return;
    }
    if (ret == -XQM_ERESTARTSYS) {
        /*
         * Interrupted by a guest signal before it could complete: back to the `int $0x80` with the
         * number in eax, so that it runs again after the handler, unless the handler lacks
         * SA_RESTART, in which case signal delivery turns this into -EINTR (Linux's ERESTARTSYS).
         */
        TaskState *ts = env->mode_opaque;
        if (trace)
            xqm_log(" = ? ERESTARTSYS (to be restarted)\n");
        env->eip -= 2;
        env->regs[R_EAX] = sc.nr;
        ts->syscall_restart = true;
        return;
    }
    if (trace)
        strace_result(def, ret);
    env->regs[R_EAX] = (uint32_t)ret;
}
