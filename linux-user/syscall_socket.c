/*
 * Sockets: the direct socket syscalls, the socketcall multiplexer that older i386 libcs use, and
 * the conversions between the i386 ABI and the host's.
 *
 * What differs on a MIPS host: SOCK_STREAM and SOCK_DGRAM are swapped, SOCK_NONBLOCK is MIPS's
 * O_NONBLOCK, SOL_SOCKET is 0xffff and most SO_* option numbers are MIPS's own (asm/socket.h), and
 * struct msghdr/cmsghdr have 64-bit lengths and 8-byte alignment where i386 has 32-bit and 4.
 * Address families, sockaddr layouts, MSG_* flags and the options of the IP/IPv6/TCP/UDP levels
 * are the same, so those pass through. Message headers are converted in syscall_sockmsg.c.
 *
 * Calls that may block (accept, connect, send*, recv*) use safe_syscall, so that guest signals
 * interrupt them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    G_SOCK_STREAM = 1, G_SOCK_DGRAM = 2, G_SOCK_TYPE_MASK = 0xf,
    G_SOCK_NONBLOCK = 04000, G_SOCK_CLOEXEC = 02000000,
    G_SOL_SOCKET = 1,
    G_SO_RCVTIMEO_OLD = 20, G_SO_SNDTIMEO_OLD = 21, G_SO_RCVTIMEO_NEW = 66, G_SO_SNDTIMEO_NEW = 67,
    G_SO_TYPE = 3, G_SO_ERROR = 4,
    MAX_SOCKADDR = 128,
};

/* ---- constants ---- */

static int type_to_host(uint32_t g)
{
    int base = (int)(g & G_SOCK_TYPE_MASK);
    if (base == G_SOCK_STREAM)
        base = SOCK_STREAM;
    else if (base == G_SOCK_DGRAM)
        base = SOCK_DGRAM;
    return base | ((g & G_SOCK_NONBLOCK) ? SOCK_NONBLOCK : 0) | ((g & G_SOCK_CLOEXEC) ? SOCK_CLOEXEC : 0);
}

static int type_to_guest(int h)
{
    return h == SOCK_STREAM ? G_SOCK_STREAM : h == SOCK_DGRAM ? G_SOCK_DGRAM : h;
}

/* i386 SOL_SOCKET option numbers (the generic ones) and the host's. */
static const struct { int guest, host; } so_options[] = {
    { 1, SO_DEBUG }, { 2, SO_REUSEADDR }, { 3, SO_TYPE }, { 4, SO_ERROR }, { 5, SO_DONTROUTE },
    { 6, SO_BROADCAST }, { 7, SO_SNDBUF }, { 8, SO_RCVBUF }, { 9, SO_KEEPALIVE },
    { 10, SO_OOBINLINE }, { 12, SO_PRIORITY }, { 13, SO_LINGER }, { 15, SO_REUSEPORT },
    { 16, SO_PASSCRED }, { 17, SO_PEERCRED }, { 18, SO_RCVLOWAT }, { 19, SO_SNDLOWAT },
    { 20, SO_RCVTIMEO }, { 21, SO_SNDTIMEO }, { 25, SO_BINDTODEVICE }, { 29, SO_TIMESTAMP },
    { 30, SO_ACCEPTCONN }, { 32, SO_SNDBUFFORCE }, { 33, SO_RCVBUFFORCE }, { 35, SO_TIMESTAMPNS },
    { 36, SO_MARK }, { 38, SO_PROTOCOL }, { 39, SO_DOMAIN }, { 66, SO_RCVTIMEO },
    { 67, SO_SNDTIMEO },
};

int socket_option_to_host(int guest_option)
{
    for (size_t i = 0; i < sizeof so_options / sizeof so_options[0]; i++) {
        if (so_options[i].guest == guest_option)
            return so_options[i].host;
    }
    return -1;
}

int socket_option_to_guest(int host_option)
{
    for (size_t i = 0; i < sizeof so_options / sizeof so_options[0]; i++) {
        if (so_options[i].host == host_option)
            return so_options[i].guest;
    }
    return host_option;
}

int socket_level_to_host(int guest_level)
{
    return guest_level == G_SOL_SOCKET ? SOL_SOCKET : guest_level;
}

int socket_level_to_guest(int host_level)
{
    return host_level == SOL_SOCKET ? G_SOL_SOCKET : host_level;
}

/* ---- socket addresses (the same layout on both sides) ---- */

int32_t get_guest_sockaddr(uint32_t addr, uint32_t len, struct sockaddr_storage *out, unsigned *out_len)
{
    if ((int32_t)len < 0 || len > sizeof *out)
        return guest_err(EINVAL);
    memset(out, 0, sizeof *out);
    *out_len = len;
    if (len == 0)
        return 0;
    const void *g = guest_ptr(addr, len, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    memcpy(out, g, len);
    return 0;
}

/* Stores a host address into the guest's buffer (truncated to its size) and the full length. */
int32_t put_guest_sockaddr(uint32_t addr, uint32_t len_addr, const struct sockaddr_storage *sa,
                           unsigned len)
{
    if (!addr)
        return 0;
    uint8_t *lenp = guest_ptr(len_addr, 4, PAGE_READ | PAGE_WRITE);
    if (!lenp)
        return guest_err(EFAULT);
    uint32_t room = load_u32(lenp);
    if ((int32_t)room < 0)
        return guest_err(EINVAL);
    uint32_t n = room < len ? room : len;
    void *g = guest_ptr(addr, n, PAGE_WRITE);
    if (!g && n)
        return guest_err(EFAULT);
    memcpy(g, sa, n);
    store_u32(lenp, len);
    return 0;
}

/* Checks an output address argument pair before the call (its length word must be readable). */
static int32_t check_out_sockaddr(uint32_t addr, uint32_t len_addr)
{
    if (!addr)
        return 0;
    const uint8_t *lenp = guest_ptr(len_addr, 4, PAGE_READ | PAGE_WRITE);
    if (!lenp)
        return guest_err(EFAULT);
    return (int32_t)load_u32(lenp) < 0 ? guest_err(EINVAL) : 0;
}

/* ---- the calls ---- */

static int32_t do_socket(uint32_t domain, uint32_t type, uint32_t protocol)
{
    return guest_ret(socket((int)domain, type_to_host(type), (int)protocol));
}

static int32_t do_socketpair(uint32_t domain, uint32_t type, uint32_t protocol, uint32_t sv_addr)
{
    uint8_t *out = guest_ptr(sv_addr, 8, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    int sv[2];
    if (socketpair((int)domain, type_to_host(type), (int)protocol, sv) != 0)
        return guest_err(errno);
    store_u32(out, (uint32_t)sv[0]);
    store_u32(out + 4, (uint32_t)sv[1]);
    return 0;
}

static int32_t do_bind_connect(bool connect_, uint32_t fd, uint32_t addr, uint32_t len)
{
    struct sockaddr_storage sa;
    socklen_t sl = 0;
    int32_t err = get_guest_sockaddr(addr, len, &sa, &sl);
    if (err)
        return err;
    if (connect_)
        return guest_ret_neg(safe_syscall(SYS_connect, (int)fd, &sa, sl));
    return guest_ret(bind((int)fd, (struct sockaddr *)&sa, sl));
}

static int32_t do_accept4(uint32_t fd, uint32_t addr, uint32_t len_addr, uint32_t flags)
{
    if (flags & ~(uint32_t)(G_SOCK_NONBLOCK | G_SOCK_CLOEXEC))
        return guest_err(EINVAL);
    int32_t err = check_out_sockaddr(addr, len_addr);
    if (err)
        return err;
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int hflags = ((flags & G_SOCK_NONBLOCK) ? SOCK_NONBLOCK : 0)
                 | ((flags & G_SOCK_CLOEXEC) ? SOCK_CLOEXEC : 0);
    long r = safe_syscall(SYS_accept4, (int)fd, addr ? &sa : NULL, addr ? &sl : NULL, hflags);
    if (r < 0)
        return guest_ret_neg(r);
    err = put_guest_sockaddr(addr, len_addr, &sa, sl);
    return err ? err : (int32_t)r;
}

static int32_t do_name(bool peer, uint32_t fd, uint32_t addr, uint32_t len_addr)
{
    int32_t err = check_out_sockaddr(addr ? addr : 1, len_addr);
    if (err)
        return err;
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    int r = peer ? getpeername((int)fd, (struct sockaddr *)&sa, &sl)
                 : getsockname((int)fd, (struct sockaddr *)&sa, &sl);
    if (r != 0)
        return guest_err(errno);
    return put_guest_sockaddr(addr, len_addr, &sa, sl);
}

static int32_t do_sendto(uint32_t fd, uint32_t buf, uint32_t len, uint32_t flags, uint32_t addr,
                         uint32_t addr_len)
{
    const void *p = guest_ptr(buf, len, PAGE_READ);
    if (!p && len)
        return guest_err(EFAULT);
    struct sockaddr_storage sa;
    socklen_t sl = 0;
    if (addr) {
        int32_t err = get_guest_sockaddr(addr, addr_len, &sa, &sl);
        if (err)
            return err;
    }
    return guest_ret_neg(safe_syscall(SYS_sendto, (int)fd, p, len, (int)flags, addr ? &sa : NULL, sl));
}

static int32_t do_recvfrom(uint32_t fd, uint32_t buf, uint32_t len, uint32_t flags, uint32_t addr,
                           uint32_t len_addr)
{
    void *p = guest_ptr(buf, len, PAGE_WRITE);
    if (!p && len)
        return guest_err(EFAULT);
    int32_t err = check_out_sockaddr(addr, len_addr);
    if (err)
        return err;
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    long r = safe_syscall(SYS_recvfrom, (int)fd, p, len, (int)flags, addr ? &sa : NULL,
                          addr ? &sl : NULL);
    if (r < 0)
        return guest_ret_neg(r);
    err = put_guest_sockaddr(addr, len_addr, &sa, sl);
    return err ? err : (int32_t)r;
}

/* SO_RCVTIMEO/SO_SNDTIMEO: the guest's timeval is 32-bit (_OLD) or 64-bit (_NEW). */
static bool is_timeval_option(int g)
{
    return g == G_SO_RCVTIMEO_OLD || g == G_SO_SNDTIMEO_OLD || g == G_SO_RCVTIMEO_NEW
           || g == G_SO_SNDTIMEO_NEW;
}

static int32_t do_setsockopt(uint32_t fd, uint32_t level, uint32_t name, uint32_t val, uint32_t len)
{
    int hlevel = socket_level_to_host((int)level), hname = (int)name;
    if ((int)level == G_SOL_SOCKET) {
        hname = socket_option_to_host((int)name);
        if (hname < 0)
            return guest_err(ENOPROTOOPT);
        if (is_timeval_option((int)name)) {
            bool wide = name == G_SO_RCVTIMEO_NEW || name == G_SO_SNDTIMEO_NEW;
            const uint8_t *g = guest_ptr(val, wide ? 16 : 8, PAGE_READ);
            if (!g || len < (wide ? 16u : 8u))
                return g ? guest_err(EINVAL) : guest_err(EFAULT);
            struct timeval tv = {
                wide ? (time_t)load_u64(g) : (int32_t)load_u32(g),
                wide ? (suseconds_t)load_u64(g + 8) : (int32_t)load_u32(g + 4),
            };
            return guest_ret(setsockopt((int)fd, hlevel, hname, &tv, sizeof tv));
        }
    }
    const void *p = guest_ptr(val, len, PAGE_READ);
    if (!p && len)
        return guest_err(EFAULT);
    return guest_ret(setsockopt((int)fd, hlevel, hname, p, len));
}

static int32_t do_getsockopt(uint32_t fd, uint32_t level, uint32_t name, uint32_t val, uint32_t len_addr)
{
    uint8_t *lenp = guest_ptr(len_addr, 4, PAGE_READ | PAGE_WRITE);
    if (!lenp)
        return guest_err(EFAULT);
    uint32_t room = load_u32(lenp);
    if ((int32_t)room < 0)
        return guest_err(EINVAL);
    int hlevel = socket_level_to_host((int)level), hname = (int)name;
    uint8_t buf[256];
    socklen_t hl = sizeof buf;
    if ((int)level == G_SOL_SOCKET) {
        hname = socket_option_to_host((int)name);
        if (hname < 0)
            return guest_err(ENOPROTOOPT);
    }
    if (getsockopt((int)fd, hlevel, hname, buf, &hl) != 0)
        return guest_err(errno);
    uint8_t out[256];
    uint32_t n = hl;
    memcpy(out, buf, hl);
    if ((int)level == G_SOL_SOCKET) {
        int v;
        memcpy(&v, buf, sizeof v);
        if (name == G_SO_TYPE) {
            v = type_to_guest(v);
            memcpy(out, &v, sizeof v);
        } else if (name == G_SO_ERROR) {
            v = v ? guest_errno(v) : 0;
            memcpy(out, &v, sizeof v);
        } else if (is_timeval_option((int)name)) {
            struct timeval tv;
            memcpy(&tv, buf, sizeof tv);
            if (name == G_SO_RCVTIMEO_NEW || name == G_SO_SNDTIMEO_NEW) {
                store_u64(out, (uint64_t)tv.tv_sec);
                store_u64(out + 8, (uint64_t)tv.tv_usec);
                n = 16;
            } else {
                store_u32(out, (uint32_t)tv.tv_sec);
                store_u32(out + 4, (uint32_t)tv.tv_usec);
                n = 8;
            }
        }
    }
    if (n > room)
        n = room;
    void *g = guest_ptr(val, n, PAGE_WRITE);
    if (!g && n)
        return guest_err(EFAULT);
    memcpy(g, out, n);
    store_u32(lenp, n);
    return 0;
}

/* ---- direct syscalls ---- */

int32_t sys_socket(const struct syscall *sc)
{
    return do_socket(sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_socketpair(const struct syscall *sc)
{
    return do_socketpair(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3]);
}
int32_t sys_bind(const struct syscall *sc)
{
    return do_bind_connect(false, sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_connect(const struct syscall *sc)
{
    return do_bind_connect(true, sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_listen(const struct syscall *sc)
{
    return guest_ret(listen((int)sc->arg[0], (int)sc->arg[1]));
}
int32_t sys_accept4(const struct syscall *sc)
{
    return do_accept4(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3]);
}
int32_t sys_getsockname(const struct syscall *sc)
{
    return do_name(false, sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_getpeername(const struct syscall *sc)
{
    return do_name(true, sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_sendto(const struct syscall *sc)
{
    return do_sendto(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4], sc->arg[5]);
}
int32_t sys_recvfrom(const struct syscall *sc)
{
    return do_recvfrom(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4], sc->arg[5]);
}
int32_t sys_shutdown(const struct syscall *sc)
{
    return guest_ret(shutdown((int)sc->arg[0], (int)sc->arg[1]));
}
int32_t sys_setsockopt(const struct syscall *sc)
{
    return do_setsockopt(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4]);
}
int32_t sys_getsockopt(const struct syscall *sc)
{
    return do_getsockopt(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4]);
}
int32_t sys_sendmsg(const struct syscall *sc)
{
    return socket_sendmsg(sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_recvmsg(const struct syscall *sc)
{
    return socket_recvmsg(sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_sendmmsg(const struct syscall *sc)
{
    return socket_sendmmsg(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3]);
}
int32_t sys_recvmmsg(const struct syscall *sc)
{
    return socket_recvmmsg(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3]);
}

/* ---- socketcall ---- */

int32_t sys_socketcall(const struct syscall *sc)
{
    static const uint8_t nargs[21] = { 0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4 };
    uint32_t call = sc->arg[0];
    if (call < 1 || call > 20)
        return guest_err(EINVAL);
    const uint8_t *p = guest_ptr(sc->arg[1], 4u * nargs[call], PAGE_READ);
    if (!p)
        return guest_err(EFAULT);
    uint32_t a[6] = { 0 };
    for (int i = 0; i < nargs[call]; i++)
        a[i] = load_u32(p + 4 * i);
    switch (call) {
    case 1: return do_socket(a[0], a[1], a[2]);
    case 2: return do_bind_connect(false, a[0], a[1], a[2]);
    case 3: return do_bind_connect(true, a[0], a[1], a[2]);
    case 4: return guest_ret(listen((int)a[0], (int)a[1]));
    case 5: return do_accept4(a[0], a[1], a[2], 0);
    case 6: return do_name(false, a[0], a[1], a[2]);
    case 7: return do_name(true, a[0], a[1], a[2]);
    case 8: return do_socketpair(a[0], a[1], a[2], a[3]);
    case 9: return do_sendto(a[0], a[1], a[2], a[3], 0, 0);
    case 10: return do_recvfrom(a[0], a[1], a[2], a[3], 0, 0);
    case 11: return do_sendto(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 12: return do_recvfrom(a[0], a[1], a[2], a[3], a[4], a[5]);
    case 13: return guest_ret(shutdown((int)a[0], (int)a[1]));
    case 14: return do_setsockopt(a[0], a[1], a[2], a[3], a[4]);
    case 15: return do_getsockopt(a[0], a[1], a[2], a[3], a[4]);
    case 16: return socket_sendmsg(a[0], a[1], a[2]);
    case 17: return socket_recvmsg(a[0], a[1], a[2]);
    case 18: return do_accept4(a[0], a[1], a[2], a[3]);
    case 19: return socket_recvmmsg(a[0], a[1], a[2], a[3]);
    default: return socket_sendmmsg(a[0], a[1], a[2], a[3]);
    }
}
