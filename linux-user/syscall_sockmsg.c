/*
 * sendmsg, recvmsg, sendmmsg and recvmmsg: the i386 struct msghdr (seven 32-bit words) and its
 * control messages converted to and from the host's.
 *
 * An i386 cmsghdr is 12 bytes (32-bit length, level, type) with 4-byte aligned data; the host's is
 * 16 bytes with 8-byte alignment, and SOL_SOCKET has another number (syscall_socket.c). The data of
 * SCM_RIGHTS (ints) and SCM_CREDENTIALS (pid, uid, gid) is the same on both sides; SO_TIMESTAMP and
 * SO_TIMESTAMPNS carry a timeval/timespec, 32-bit on i386. File descriptors that arrive but do not
 * fit the guest's control buffer are closed, as the kernel does, and MSG_CTRUNC is set.
 *
 * sendmmsg/recvmmsg are loops over one message at a time (recvmmsg honours MSG_WAITFORONE; its
 * timeout argument is ignored).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    GUEST_MSGHDR_SIZE = 28, GUEST_MMSGHDR_SIZE = 32, GUEST_CMSG_HDR = 12, GUEST_IOV_MAX = 1024,
    G_SOL_SOCKET = 1, G_SCM_RIGHTS = 1, G_SO_TIMESTAMP = 29, G_SO_TIMESTAMPNS = 35,
    MAX_CONTROL = 64 << 10,
};

static uint32_t guest_cmsg_align(uint32_t n)
{
    return (n + 3) & ~3u;
}

/* The parts of a guest msghdr, checked and converted for a host call. */
struct msg {
    uint8_t *g;                 /* the guest msghdr */
    struct msghdr h;
    struct sockaddr_storage name;
    struct iovec iov[GUEST_IOV_MAX];
    uint8_t *control;           /* host control buffer (malloc'd) */
};

static int32_t msg_prepare(struct msg *m, uint32_t addr, bool receive)
{
    memset(&m->h, 0, sizeof m->h);
    m->control = NULL;
    m->g = guest_ptr(addr, GUEST_MSGHDR_SIZE, PAGE_READ | (receive ? PAGE_WRITE : 0));
    if (!m->g)
        return guest_err(EFAULT);
    uint32_t name = load_u32(m->g), namelen = load_u32(m->g + 4);
    uint32_t iov = load_u32(m->g + 8), iovlen = load_u32(m->g + 12);
    if (name) {
        if (receive) {
            if ((int32_t)namelen < 0)
                return guest_err(EINVAL);
            m->h.msg_name = &m->name;
            m->h.msg_namelen = sizeof m->name;
        } else {
            socklen_t sl;
            int32_t err = get_guest_sockaddr(name, namelen, &m->name, &sl);
            if (err)
                return err;
            m->h.msg_name = &m->name;
            m->h.msg_namelen = sl;
        }
    }
    if (iovlen > GUEST_IOV_MAX)
        return guest_err(EMSGSIZE);
    const uint8_t *gi = guest_ptr(iov, iovlen * 8, PAGE_READ);
    if (!gi && iovlen)
        return guest_err(EFAULT);
    for (uint32_t i = 0; i < iovlen; i++) {
        uint32_t base = load_u32(gi + 8 * i), len = load_u32(gi + 8 * i + 4);
        if (!guest_range_valid(base, len, receive ? PAGE_WRITE : PAGE_READ))
            return guest_err(EFAULT);
        m->iov[i] = (struct iovec){ g2h(base), len };
    }
    m->h.msg_iov = m->iov;
    m->h.msg_iovlen = iovlen;
    return 0;
}

/* The guest's control messages as host ones (sendmsg). */
static int32_t control_to_host(struct msg *m)
{
    uint32_t control = load_u32(m->g + 16), controllen = load_u32(m->g + 20);
    if (!control || controllen == 0)
        return 0;
    if (controllen > MAX_CONTROL)
        return guest_err(ENOBUFS);
    const uint8_t *g = guest_ptr(control, controllen, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    size_t cap = 2 * (size_t)controllen + 64;
    m->control = calloc(1, cap);
    if (!m->control)
        return guest_err(ENOMEM);
    size_t used = 0;
    for (uint32_t pos = 0; pos + GUEST_CMSG_HDR <= controllen; ) {
        uint32_t len = load_u32(g + pos);
        if (len < GUEST_CMSG_HDR || pos + len > controllen)
            return guest_err(EINVAL);
        int level = (int)load_u32(g + pos + 4), type = (int)load_u32(g + pos + 8);
        uint32_t data = len - GUEST_CMSG_HDR;
        struct cmsghdr *c = (struct cmsghdr *)(m->control + used);
        c->cmsg_len = CMSG_LEN(data);
        c->cmsg_level = socket_level_to_host(level);
        c->cmsg_type = type;
        memcpy(CMSG_DATA(c), g + pos + GUEST_CMSG_HDR, data);
        used += CMSG_SPACE(data);
        pos += guest_cmsg_align(len);
    }
    m->h.msg_control = m->control;
    m->h.msg_controllen = used;
    return 0;
}

/* Appends one guest control message; false (and nothing written) if it does not fit. */
static bool put_guest_cmsg(uint8_t *g, uint32_t room, uint32_t *used, int level, int type,
                           const void *data, uint32_t len)
{
    uint32_t need = GUEST_CMSG_HDR + len;
    if (*used + need > room)
        return false;
    store_u32(g + *used, need);
    store_u32(g + *used + 4, (uint32_t)level);
    store_u32(g + *used + 8, (uint32_t)type);
    memcpy(g + *used + GUEST_CMSG_HDR, data, len);
    *used += guest_cmsg_align(need);
    if (*used > room)
        *used = room;
    return true;
}

/* The host's control messages into the guest's buffer (recvmsg); returns the guest's length. */
static uint32_t control_to_guest(struct msg *m, int *flags)
{
    uint32_t control = load_u32(m->g + 16), room = load_u32(m->g + 20);
    uint8_t *g = control ? guest_ptr(control, room, PAGE_WRITE) : NULL;
    uint32_t used = 0;
    if (!m->h.msg_control)
        return 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m->h); c; c = CMSG_NXTHDR(&m->h, c)) {
        int level = socket_level_to_guest(c->cmsg_level), type = c->cmsg_type;
        uint32_t len = (uint32_t)(c->cmsg_len - CMSG_LEN(0));
        const uint8_t *data = CMSG_DATA(c);
        uint8_t conv[16];
        if (level == G_SOL_SOCKET && (type == SO_TIMESTAMP || type == SO_TIMESTAMPNS) && len == 16) {
            /* timeval/timespec: two 64-bit words on the host, two 32-bit ones on i386. */
            uint64_t sec, frac;
            memcpy(&sec, data, 8);
            memcpy(&frac, data + 8, 8);
            store_u32(conv, (uint32_t)sec);
            store_u32(conv + 4, (uint32_t)frac);
            type = type == SO_TIMESTAMP ? G_SO_TIMESTAMP : G_SO_TIMESTAMPNS;
            data = conv;
            len = 8;
        }
        if (level == G_SOL_SOCKET && type == G_SCM_RIGHTS) {
            /* Keep as many descriptors as fit; close the others, as the kernel would. */
            uint32_t fit = room > used + GUEST_CMSG_HDR ? (room - used - GUEST_CMSG_HDR) / 4 : 0;
            uint32_t n = len / 4;
            if (fit < n) {
                *flags |= MSG_CTRUNC;
                for (uint32_t i = fit; i < n; i++) {
                    int fd;
                    memcpy(&fd, data + 4 * i, 4);
                    close(fd);
                }
                len = fit * 4;
                if (fit == 0)
                    continue;
            }
        }
        if (!g || !put_guest_cmsg(g, room, &used, level, type, data, len)) {
            *flags |= MSG_CTRUNC;
            break;
        }
    }
    return used;
}

static size_t host_control_room(uint32_t guest_controllen)
{
    /* Every guest message grows by 4 bytes of header and at most 4 of padding on the host. */
    return (size_t)guest_controllen * 2 + 64;
}

int32_t socket_sendmsg(uint32_t fd, uint32_t msg_addr, uint32_t flags)
{
    struct msg m;
    int32_t err = msg_prepare(&m, msg_addr, false);
    if (!err)
        err = control_to_host(&m);
    if (err) {
        free(m.control);
        return err;
    }
    long r = safe_syscall(SYS_sendmsg, (int)fd, &m.h, (int)flags);
    free(m.control);
    return guest_ret_neg(r);
}

int32_t socket_recvmsg(uint32_t fd, uint32_t msg_addr, uint32_t flags)
{
    struct msg m;
    int32_t err = msg_prepare(&m, msg_addr, true);
    if (err)
        return err;
    uint32_t controllen = load_u32(m.g + 20);
    if (load_u32(m.g + 16) && controllen) {
        if (controllen > MAX_CONTROL)
            controllen = MAX_CONTROL;
        m.control = calloc(1, host_control_room(controllen));
        if (!m.control)
            return guest_err(ENOMEM);
        m.h.msg_control = m.control;
        m.h.msg_controllen = host_control_room(controllen);
    }
    long r = safe_syscall(SYS_recvmsg, (int)fd, &m.h, (int)flags);
    if (r < 0) {
        free(m.control);
        return guest_ret_neg(r);
    }
    int out_flags = m.h.msg_flags;
    uint32_t clen = control_to_guest(&m, &out_flags);
    free(m.control);
    uint32_t name = load_u32(m.g);
    if (name) {
        uint32_t room = load_u32(m.g + 4);
        uint32_t n = room < m.h.msg_namelen ? room : m.h.msg_namelen;
        void *g = guest_ptr(name, n, PAGE_WRITE);
        if (g)
            memcpy(g, &m.name, n);
        store_u32(m.g + 4, m.h.msg_namelen);
    }
    store_u32(m.g + 20, clen);
    store_u32(m.g + 24, (uint32_t)out_flags);
    return (int32_t)r;
}

int32_t socket_sendmmsg(uint32_t fd, uint32_t vec, uint32_t vlen, uint32_t flags)
{
    if (vlen > 1024)
        vlen = 1024;
    uint32_t i;
    for (i = 0; i < vlen; i++) {
        uint8_t *len_word = guest_ptr(vec + GUEST_MMSGHDR_SIZE * i + GUEST_MSGHDR_SIZE, 4, PAGE_WRITE);
        if (!len_word)
            return i ? (int32_t)i : guest_err(EFAULT);
        int32_t r = socket_sendmsg(fd, vec + GUEST_MMSGHDR_SIZE * i, flags);
        if (r < 0)
            return i ? (int32_t)i : r;
        store_u32(len_word, (uint32_t)r);
    }
    return (int32_t)i;
}

int32_t socket_recvmmsg(uint32_t fd, uint32_t vec, uint32_t vlen, uint32_t flags)
{
    if (vlen > 1024)
        vlen = 1024;
    uint32_t i;
    for (i = 0; i < vlen; i++) {
        uint8_t *len_word = guest_ptr(vec + GUEST_MMSGHDR_SIZE * i + GUEST_MSGHDR_SIZE, 4, PAGE_WRITE);
        if (!len_word)
            return i ? (int32_t)i : guest_err(EFAULT);
        uint32_t f = flags & ~(uint32_t)MSG_WAITFORONE;
        if (i > 0 && (flags & MSG_WAITFORONE))
            f |= MSG_DONTWAIT;
        int32_t r = socket_recvmsg(fd, vec + GUEST_MMSGHDR_SIZE * i, f);
        if (r < 0)
            return i ? (int32_t)i : r;
        store_u32(len_word, (uint32_t)r);
    }
    return (int32_t)i;
}
