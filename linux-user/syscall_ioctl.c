/*
 * ioctl: the terminal and file requests ordinary programs make.
 *
 * Request numbers differ between i386 and MIPS (MIPS TCGETS is 0x540d, its TIOCGWINSZ is an _IOR
 * number), so each supported i386 request is listed with its host request. The termios struct also
 * differs: MIPS has 23 control characters in another order and moves three c_lflag bits (TOSTOP,
 * FLUSHO, IEXTEN); c_iflag, c_oflag and c_cflag bits are the same. Unknown requests fail with ENOTTY,
 * what a kernel says to a request the device does not know.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <asm/termbits.h>

#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

/* i386 request numbers (arch/x86 uses asm-generic/ioctls.h). */
enum {
    GUEST_TCGETS = 0x5401, GUEST_TCSETS = 0x5402, GUEST_TCSETSW = 0x5403, GUEST_TCSETSF = 0x5404,
    GUEST_TCSBRK = 0x5409, GUEST_TCXONC = 0x540a, GUEST_TCFLSH = 0x540b, GUEST_TIOCSCTTY = 0x540e,
    GUEST_TIOCGPGRP = 0x540f, GUEST_TIOCSPGRP = 0x5410, GUEST_TIOCOUTQ = 0x5411,
    GUEST_TIOCGWINSZ = 0x5413, GUEST_TIOCSWINSZ = 0x5414, GUEST_FIONREAD = 0x541b,
    GUEST_FIONBIO = 0x5421, GUEST_TIOCNOTTY = 0x5422, GUEST_TIOCGSID = 0x5429,
    GUEST_FIONCLEX = 0x5450, GUEST_FIOCLEX = 0x5451,
};

/* The i386 kernel termios (TCGETS works on this, not on glibc's larger struct). */
enum { GUEST_NCCS = 19 };
struct __attribute__((packed)) guest_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[GUEST_NCCS];
};
_Static_assert(sizeof(struct guest_termios) == 36, "i386 struct termios is 36 bytes");

/* Host c_cc index of each i386 c_cc index (i386 order: VINTR VQUIT VERASE VKILL VEOF VTIME ...). */
static const uint8_t host_cc_index[GUEST_NCCS] = {
    VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP, VSUSP, VEOL,
    VREPRINT, VDISCARD, VWERASE, VLNEXT, VEOL2, NCCS, NCCS,     /* 17, 18: unused on i386 */
};

static const struct flag_map lflag_map[] = {
    { 0000001, ISIG }, { 0000002, ICANON }, { 0000004, XCASE }, { 0000010, ECHO },
    { 0000020, ECHOE }, { 0000040, ECHOK }, { 0000100, ECHONL }, { 0000200, NOFLSH },
    { 0000400, TOSTOP }, { 0001000, ECHOCTL }, { 0002000, ECHOPRT }, { 0004000, ECHOKE },
    { 0010000, FLUSHO }, { 0040000, PENDIN }, { 0100000, IEXTEN }, { 0200000, EXTPROC },
};
#define LFLAG_MAP_SIZE (sizeof lflag_map / sizeof lflag_map[0])

static void termios_to_guest(const struct termios *h, struct guest_termios *g)
{
    memset(g, 0, sizeof *g);
    g->c_iflag = h->c_iflag;
    g->c_oflag = h->c_oflag;
    g->c_cflag = h->c_cflag;
    g->c_lflag = flags_to_guest(lflag_map, LFLAG_MAP_SIZE, h->c_lflag);
    g->c_line = h->c_line;
    for (int i = 0; i < GUEST_NCCS; i++) {
        if (host_cc_index[i] < NCCS)
            g->c_cc[i] = h->c_cc[host_cc_index[i]];
    }
}

static void termios_to_host(const struct guest_termios *g, struct termios *h)
{
    memset(h, 0, sizeof *h);
    h->c_iflag = g->c_iflag;
    h->c_oflag = g->c_oflag;
    h->c_cflag = g->c_cflag;
    h->c_lflag = flags_to_host(lflag_map, LFLAG_MAP_SIZE, g->c_lflag);
    h->c_line = g->c_line;
    for (int i = 0; i < GUEST_NCCS; i++) {
        if (host_cc_index[i] < NCCS)
            h->c_cc[host_cc_index[i]] = g->c_cc[i];
    }
}

static int32_t ioctl_tcgets(int fd, uint32_t addr)
{
    struct guest_termios *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    struct termios h;
    if (ioctl(fd, TCGETS, &h) != 0)
        return guest_err(errno);
    termios_to_guest(&h, g);
    return 0;
}

static int32_t ioctl_tcsets(int fd, unsigned long host_request, uint32_t addr)
{
    const struct guest_termios *g = guest_ptr(addr, sizeof *g, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    struct termios h;
    termios_to_host(g, &h);
    return guest_ret(ioctl(fd, host_request, &h));
}

/* Requests whose argument is a pointer to a struct of the same layout on both sides. */
static int32_t ioctl_pointer(int fd, unsigned long host_request, uint32_t addr, uint32_t size,
                             unsigned prot)
{
    void *p = guest_ptr(addr, size, prot);
    if (!p)
        return guest_err(EFAULT);
    return guest_ret(ioctl(fd, host_request, p));
}

int32_t sys_ioctl(const struct syscall *sc)
{
    int fd = (int)sc->arg[0];
    uint32_t request = sc->arg[1], arg = sc->arg[2];
    switch (request) {
    case GUEST_TCGETS:
        return ioctl_tcgets(fd, arg);
    case GUEST_TCSETS:
        return ioctl_tcsets(fd, TCSETS, arg);
    case GUEST_TCSETSW:
        return ioctl_tcsets(fd, TCSETSW, arg);
    case GUEST_TCSETSF:
        return ioctl_tcsets(fd, TCSETSF, arg);
    case GUEST_TIOCGWINSZ:
        return ioctl_pointer(fd, TIOCGWINSZ, arg, sizeof(struct winsize), PAGE_WRITE);
    case GUEST_TIOCSWINSZ:
        return ioctl_pointer(fd, TIOCSWINSZ, arg, sizeof(struct winsize), PAGE_READ);
    case GUEST_TIOCGPGRP:
        return ioctl_pointer(fd, TIOCGPGRP, arg, 4, PAGE_WRITE);
    case GUEST_TIOCSPGRP:
        return ioctl_pointer(fd, TIOCSPGRP, arg, 4, PAGE_READ);
    case GUEST_TIOCGSID:
        return ioctl_pointer(fd, TIOCGSID, arg, 4, PAGE_WRITE);
    case GUEST_TIOCOUTQ:
        return ioctl_pointer(fd, TIOCOUTQ, arg, 4, PAGE_WRITE);
    case GUEST_FIONREAD:
        return ioctl_pointer(fd, FIONREAD, arg, 4, PAGE_WRITE);
    case GUEST_FIONBIO:
        return ioctl_pointer(fd, FIONBIO, arg, 4, PAGE_READ);
    case GUEST_TCSBRK:
        return guest_ret(ioctl(fd, TCSBRK, (unsigned long)arg));
    case GUEST_TCXONC:
        return guest_ret(ioctl(fd, TCXONC, (unsigned long)arg));
    case GUEST_TCFLSH:
        return guest_ret(ioctl(fd, TCFLSH, (unsigned long)arg));
    case GUEST_TIOCSCTTY:
        return guest_ret(ioctl(fd, TIOCSCTTY, (unsigned long)arg));
    case GUEST_TIOCNOTTY:
        return guest_ret(ioctl(fd, TIOCNOTTY));
    case GUEST_FIONCLEX:
        return guest_ret(ioctl(fd, FIONCLEX));
    case GUEST_FIOCLEX:
        return guest_ret(ioctl(fd, FIOCLEX));
    default:
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-user: unimplemented ioctl 0x%x on fd %d\n", request, fd);
        return guest_err(ENOTTY);
    }
}
