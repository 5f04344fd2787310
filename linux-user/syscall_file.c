/*
 * File descriptors and paths: read/write and their vector and positioned forms, open/close/dup,
 * pipes, seeking, fcntl, and the path operations (unlink, mkdir, rename, readlink...).
 *
 * Guest file descriptors are host file descriptors, so most calls pass straight through once the
 * guest's pointers are checked and its flag values (open flags differ on MIPS) are converted.
 * read and write clamp their length to the guest buffer's mapped extent: the kernel, too, copies
 * until the first unmapped page, and a short count is always a valid answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum { GUEST_IOV_MAX = 1024 };

/* How many bytes from addr (up to len) are mapped with prot: the part a copy could reach. */
static uint32_t guest_extent(uint32_t addr, uint32_t len, unsigned prot)
{
    uint64_t end = (uint64_t)addr + len;
    if (end > GUEST_SPACE_SIZE)
        end = GUEST_SPACE_SIZE;
    uint64_t a = addr;
    while (a < end) {
        uint64_t page_end = (a & GUEST_PAGE_MASK) + GUEST_PAGE_SIZE;
        if (!guest_range_valid((uint32_t)a, 1, prot))
            break;
        a = page_end;
    }
    return (uint32_t)((a < end ? a : end) - addr);
}

static int64_t arg64(uint32_t lo, uint32_t hi)
{
    return (int64_t)(((uint64_t)hi << 32) | lo);
}

/* read and write may block (pipes, terminals, sockets): safe_syscall lets signals interrupt them. */
int32_t sys_read(const struct syscall *sc)
{
    uint32_t n = guest_extent(sc->arg[1], sc->arg[2], PAGE_WRITE);
    if (n == 0 && sc->arg[2] != 0)
        return guest_err(EFAULT);
    return guest_ret_neg(safe_syscall(SYS_read, (int)sc->arg[0], g2h(sc->arg[1]), n));
}

int32_t sys_write(const struct syscall *sc)
{
    uint32_t n = guest_extent(sc->arg[1], sc->arg[2], PAGE_READ);
    if (n == 0 && sc->arg[2] != 0)
        return guest_err(EFAULT);
    return guest_ret_neg(safe_syscall(SYS_write, (int)sc->arg[0], g2h(sc->arg[1]), n));
}

int32_t sys_pread64(const struct syscall *sc)
{
    uint32_t n = guest_extent(sc->arg[1], sc->arg[2], PAGE_WRITE);
    if (n == 0 && sc->arg[2] != 0)
        return guest_err(EFAULT);
    return guest_ret(pread((int)sc->arg[0], g2h(sc->arg[1]), n, arg64(sc->arg[3], sc->arg[4])));
}

int32_t sys_pwrite64(const struct syscall *sc)
{
    uint32_t n = guest_extent(sc->arg[1], sc->arg[2], PAGE_READ);
    if (n == 0 && sc->arg[2] != 0)
        return guest_err(EFAULT);
    return guest_ret(pwrite((int)sc->arg[0], g2h(sc->arg[1]), n, arg64(sc->arg[3], sc->arg[4])));
}

/* The i386 struct iovec (two 32-bit words) to a host iovec array; buffers need `prot`. */
static int32_t get_guest_iovec(uint32_t addr, uint32_t count, unsigned prot, struct iovec *iov)
{
    if ((int32_t)count < 0 || count > GUEST_IOV_MAX)
        return guest_err(EINVAL);
    const uint8_t *g = guest_ptr(addr, count * 8, PAGE_READ);
    if (!g && count)
        return guest_err(EFAULT);
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t base = load_u32(g + 8 * i), len = load_u32(g + 8 * i + 4);
        total += len;
        if ((int32_t)len < 0 || total > INT32_MAX)
            return guest_err(EINVAL);
        if (!guest_range_valid(base, len, prot))
            return guest_err(EFAULT);
        iov[i].iov_base = g2h(base);
        iov[i].iov_len = len;
    }
    return 0;
}

int32_t sys_readv(const struct syscall *sc)
{
    struct iovec iov[GUEST_IOV_MAX];
    int32_t err = get_guest_iovec(sc->arg[1], sc->arg[2], PAGE_WRITE, iov);
    if (err)
        return err;
    return guest_ret_neg(safe_syscall(SYS_readv, (int)sc->arg[0], iov, (int)sc->arg[2]));
}

int32_t sys_writev(const struct syscall *sc)
{
    struct iovec iov[GUEST_IOV_MAX];
    int32_t err = get_guest_iovec(sc->arg[1], sc->arg[2], PAGE_READ, iov);
    if (err)
        return err;
    return guest_ret_neg(safe_syscall(SYS_writev, (int)sc->arg[0], iov, (int)sc->arg[2]));
}

static int32_t do_openat(int dirfd, uint32_t path_addr, uint32_t flags, uint32_t mode)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    int host_flags = open_flags_to_host(flags);
    if (strncmp(path, "/proc/", 6) == 0) {
        int fd = procfs_open(path, host_flags);
        if (fd != PROCFS_NOT_EMULATED)
            return guest_ret_neg(fd);
    }
    /* Opening a FIFO blocks until the other end opens it. */
    return guest_ret_neg(safe_syscall(SYS_openat, dirfd, path, host_flags, (mode_t)mode));
}

int32_t sys_open(const struct syscall *sc)
{
    return do_openat(AT_FDCWD, sc->arg[0], sc->arg[1], sc->arg[2]);
}

int32_t sys_openat(const struct syscall *sc)
{
    return do_openat((int)sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3]);
}

int32_t sys_creat(const struct syscall *sc)
{
    return do_openat(AT_FDCWD, sc->arg[0], 01 | 0100 | 01000 /* O_WRONLY|O_CREAT|O_TRUNC */, sc->arg[1]);
}

int32_t sys_close(const struct syscall *sc)
{
    return guest_ret(close((int)sc->arg[0]));
}

int32_t sys_dup(const struct syscall *sc)
{
    return guest_ret(dup((int)sc->arg[0]));
}

int32_t sys_dup2(const struct syscall *sc)
{
    return guest_ret(dup2((int)sc->arg[0], (int)sc->arg[1]));
}

int32_t sys_dup3(const struct syscall *sc)
{
    if (sc->arg[2] & ~02000000u)
        return guest_err(EINVAL);
    return guest_ret(dup3((int)sc->arg[0], (int)sc->arg[1], open_flags_to_host(sc->arg[2])));
}

static int32_t do_pipe2(uint32_t fds_addr, uint32_t flags)
{
    uint8_t *out = guest_ptr(fds_addr, 8, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    if (flags & ~(02000000u | 04000u | 040000u))    /* O_CLOEXEC, O_NONBLOCK, O_DIRECT */
        return guest_err(EINVAL);
    int fds[2];
    if (pipe2(fds, open_flags_to_host(flags)) != 0)
        return guest_err(errno);
    store_u32(out, (uint32_t)fds[0]);
    store_u32(out + 4, (uint32_t)fds[1]);
    return 0;
}

int32_t sys_pipe(const struct syscall *sc)
{
    return do_pipe2(sc->arg[0], 0);
}

int32_t sys_pipe2(const struct syscall *sc)
{
    return do_pipe2(sc->arg[0], sc->arg[1]);
}

/* lseek with directory offsets translated: a guest cookie from getdents64 means a host offset. */
static int64_t do_lseek(int fd, int64_t offset, int whence)
{
    int64_t host_off;
    if (whence == SEEK_SET && dir_cookie_to_host(fd, offset, &host_off))
        offset = host_off;
    off_t r = lseek(fd, offset, whence);
    if (r < 0)
        return -errno;
    return dir_cookie_to_guest(fd, r);
}

int32_t sys_lseek(const struct syscall *sc)
{
    int64_t r = do_lseek((int)sc->arg[0], (int32_t)sc->arg[1], (int)sc->arg[2]);
    if (r >= 0 && r > INT32_MAX)
        return guest_err(EOVERFLOW);
    return guest_ret_neg(r);
}

int32_t sys__llseek(const struct syscall *sc)
{
    void *result = guest_ptr(sc->arg[3], 8, PAGE_WRITE);
    if (!result)
        return guest_err(EFAULT);
    int64_t r = do_lseek((int)sc->arg[0], arg64(sc->arg[2], sc->arg[1]), (int)sc->arg[4]);
    if (r < 0)
        return guest_err((int)-r);
    store_u64(result, (uint64_t)r);
    return 0;
}

/* i386 struct flock and struct flock64 (the latter packed: i386 aligns 64-bit fields to 4). */
struct __attribute__((packed)) guest_flock {
    int16_t l_type, l_whence;
    int32_t l_start, l_len, l_pid;
};
struct __attribute__((packed)) guest_flock64 {
    int16_t l_type, l_whence;
    int64_t l_start, l_len;
    int32_t l_pid;
};
_Static_assert(sizeof(struct guest_flock) == 16 && sizeof(struct guest_flock64) == 24, "i386 ABI");

/* i386 fcntl commands whose numbers differ from MIPS ones. */
enum {
    GUEST_F_GETLK = 5, GUEST_F_SETLK = 6, GUEST_F_SETLKW = 7, GUEST_F_SETOWN = 8, GUEST_F_GETOWN = 9,
    GUEST_F_GETLK64 = 12, GUEST_F_SETLK64 = 13, GUEST_F_SETLKW64 = 14,
};

static int32_t do_fcntl_lock(int fd, int host_cmd, uint32_t addr, bool wide)
{
    size_t size = wide ? sizeof(struct guest_flock64) : sizeof(struct guest_flock);
    void *g = guest_ptr(addr, size, PAGE_READ | (host_cmd == F_GETLK || host_cmd == F_OFD_GETLK
                                                  ? PAGE_WRITE : 0));
    if (!g)
        return guest_err(EFAULT);
    struct flock fl;
    if (wide) {
        struct guest_flock64 *gl = g;
        fl = (struct flock){ .l_type = gl->l_type, .l_whence = gl->l_whence,
                             .l_start = gl->l_start, .l_len = gl->l_len, .l_pid = gl->l_pid };
    } else {
        struct guest_flock *gl = g;
        fl = (struct flock){ .l_type = gl->l_type, .l_whence = gl->l_whence,
                             .l_start = gl->l_start, .l_len = gl->l_len, .l_pid = gl->l_pid };
    }
    /* F_SETLKW waits for the lock: interruptible, like any blocking call. */
    long r = host_cmd == F_SETLKW || host_cmd == F_OFD_SETLKW
             ? safe_syscall(SYS_fcntl, fd, host_cmd, &fl) : (fcntl(fd, host_cmd, &fl) == 0 ? 0 : -errno);
    if (r != 0)
        return guest_err((int)-r);
    if (host_cmd != F_GETLK && host_cmd != F_OFD_GETLK)
        return 0;
    if (wide) {
        struct guest_flock64 *gl = g;
        *gl = (struct guest_flock64){ fl.l_type, fl.l_whence, fl.l_start, fl.l_len, fl.l_pid };
    } else {
        if (fl.l_start > INT32_MAX || fl.l_len > INT32_MAX)
            return guest_err(EOVERFLOW);
        struct guest_flock *gl = g;
        *gl = (struct guest_flock){ fl.l_type, fl.l_whence, (int32_t)fl.l_start,
                                    (int32_t)fl.l_len, fl.l_pid };
    }
    return 0;
}

static int32_t do_fcntl(const struct syscall *sc, bool is_fcntl64)
{
    int fd = (int)sc->arg[0];
    uint32_t arg = sc->arg[2];
    switch (sc->arg[1]) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_GETFD:
    case F_SETFD:
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
    case F_SETLEASE:
    case F_GETLEASE:
    case F_ADD_SEALS:
    case F_GET_SEALS:
        return guest_ret(fcntl(fd, (int)sc->arg[1], (int)arg));
    case F_SETSIG: {    /* 0 means SIGIO, and signal numbers differ on MIPS */
        int host_sig = arg ? guest_to_host_signal((int)arg) : 0;
        if (arg && !host_sig)
            return guest_err(EINVAL);
        return guest_ret(fcntl(fd, F_SETSIG, host_sig));
    }
    case F_GETSIG: {
        int r = fcntl(fd, F_GETSIG);
        return r <= 0 ? guest_ret(r) : host_to_guest_signal(r);
    }
    case F_GETFL: {
        int r = fcntl(fd, F_GETFL);
        return r < 0 ? guest_err(errno) : (int32_t)open_flags_to_guest(r);
    }
    case F_SETFL:
        return guest_ret(fcntl(fd, F_SETFL, open_flags_to_host(arg)));
    case GUEST_F_GETOWN:
        return guest_ret(fcntl(fd, F_GETOWN));
    case GUEST_F_SETOWN:
        return guest_ret(fcntl(fd, F_SETOWN, (int)arg));
    case GUEST_F_GETLK:
        return do_fcntl_lock(fd, F_GETLK, arg, false);
    case GUEST_F_SETLK:
        return do_fcntl_lock(fd, F_SETLK, arg, false);
    case GUEST_F_SETLKW:
        return do_fcntl_lock(fd, F_SETLKW, arg, false);
    case GUEST_F_GETLK64:
        return is_fcntl64 ? do_fcntl_lock(fd, F_GETLK, arg, true) : guest_err(EINVAL);
    case GUEST_F_SETLK64:
        return is_fcntl64 ? do_fcntl_lock(fd, F_SETLK, arg, true) : guest_err(EINVAL);
    case GUEST_F_SETLKW64:
        return is_fcntl64 ? do_fcntl_lock(fd, F_SETLKW, arg, true) : guest_err(EINVAL);
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return do_fcntl_lock(fd, (int)sc->arg[1], arg, true);
    default:
        return guest_err(EINVAL);
    }
}

int32_t sys_fcntl(const struct syscall *sc)
{
    return do_fcntl(sc, false);
}

int32_t sys_fcntl64(const struct syscall *sc)
{
    return do_fcntl(sc, true);
}

/* Both paths of a rename or link, checked before either is used. */
static int32_t get_two_paths(uint32_t a, uint32_t b, const char **pa, const char **pb)
{
    int32_t err = guest_path(a, pa);
    return err ? err : guest_path(b, pb);
}

int32_t sys_unlink(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(unlink(path));
}

int32_t sys_unlinkat(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    if (err)
        return err;
    return guest_ret(unlinkat((int)sc->arg[0], path, (int)sc->arg[2]));
}

int32_t sys_access(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(access(path, (int)sc->arg[1]));
}

int32_t sys_faccessat(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    if (err)
        return err;
    return guest_ret(syscall(SYS_faccessat, (int)sc->arg[0], path, (int)sc->arg[2]));
}

int32_t sys_faccessat2(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    if (err)
        return err;
    return guest_ret(syscall(SYS_faccessat2, (int)sc->arg[0], path, (int)sc->arg[2], (int)sc->arg[3]));
}

int32_t sys_chdir(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(chdir(path));
}

int32_t sys_fchdir(const struct syscall *sc)
{
    return guest_ret(fchdir((int)sc->arg[0]));
}

int32_t sys_mkdir(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(mkdir(path, (mode_t)sc->arg[1]));
}

int32_t sys_mkdirat(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    if (err)
        return err;
    return guest_ret(mkdirat((int)sc->arg[0], path, (mode_t)sc->arg[2]));
}

int32_t sys_rmdir(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(rmdir(path));
}

int32_t sys_chmod(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(chmod(path, (mode_t)sc->arg[1]));
}

int32_t sys_fchmod(const struct syscall *sc)
{
    return guest_ret(fchmod((int)sc->arg[0], (mode_t)sc->arg[1]));
}

int32_t sys_truncate(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(truncate(path, (int32_t)sc->arg[1]));
}

int32_t sys_ftruncate(const struct syscall *sc)
{
    return guest_ret(ftruncate((int)sc->arg[0], (int32_t)sc->arg[1]));
}

int32_t sys_truncate64(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    return guest_ret(truncate(path, arg64(sc->arg[1], sc->arg[2])));
}

int32_t sys_ftruncate64(const struct syscall *sc)
{
    return guest_ret(ftruncate((int)sc->arg[0], arg64(sc->arg[1], sc->arg[2])));
}

int32_t sys_fsync(const struct syscall *sc)
{
    return guest_ret(fsync((int)sc->arg[0]));
}

int32_t sys_fdatasync(const struct syscall *sc)
{
    return guest_ret(fdatasync((int)sc->arg[0]));
}

int32_t sys_rename(const struct syscall *sc)
{
    const char *from, *to;
    int32_t err = get_two_paths(sc->arg[0], sc->arg[1], &from, &to);
    if (err)
        return err;
    return guest_ret(rename(from, to));
}

int32_t sys_renameat(const struct syscall *sc)
{
    const char *from, *to;
    int32_t err = get_two_paths(sc->arg[1], sc->arg[3], &from, &to);
    if (err)
        return err;
    return guest_ret(renameat((int)sc->arg[0], from, (int)sc->arg[2], to));
}

int32_t sys_renameat2(const struct syscall *sc)
{
    const char *from, *to;
    int32_t err = get_two_paths(sc->arg[1], sc->arg[3], &from, &to);
    if (err)
        return err;
    return guest_ret(renameat2((int)sc->arg[0], from, (int)sc->arg[2], to, sc->arg[4]));
}

int32_t sys_link(const struct syscall *sc)
{
    const char *from, *to;
    int32_t err = get_two_paths(sc->arg[0], sc->arg[1], &from, &to);
    if (err)
        return err;
    return guest_ret(link(from, to));
}

int32_t sys_symlink(const struct syscall *sc)
{
    const char *target, *linkpath;
    int32_t err = get_two_paths(sc->arg[0], sc->arg[1], &target, &linkpath);
    if (err)
        return err;
    return guest_ret(symlink(target, linkpath));
}

int32_t sys_umask(const struct syscall *sc)
{
    return (int32_t)umask((mode_t)(sc->arg[0] & 0777));
}

int32_t sys_getcwd(const struct syscall *sc)
{
    char buf[PATH_MAX];
    long len = syscall(SYS_getcwd, buf, sizeof buf);     /* length with the NUL, unlike getcwd() */
    if (len < 0)
        return guest_err(errno);
    if ((uint32_t)len > sc->arg[1])
        return guest_err(ERANGE);
    char *out = guest_ptr(sc->arg[0], (uint32_t)len, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    memcpy(out, buf, (size_t)len);
    return (int32_t)len;
}

/* /proc/self/exe and /proc/<our pid>/exe name the guest program, not xqm. */
static bool is_own_exe_link(const char *path)
{
    char own[32];
    snprintf(own, sizeof own, "/proc/%d/exe", (int)getpid());
    return strcmp(path, "/proc/self/exe") == 0 || strcmp(path, own) == 0
           || strcmp(path, "/proc/thread-self/exe") == 0;
}

static int32_t do_readlinkat(int dirfd, uint32_t path_addr, uint32_t buf_addr, uint32_t size)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    if ((int32_t)size <= 0)
        return guest_err(EINVAL);
    char target[PATH_MAX];
    ssize_t len;
    if (path[0] == '/' && is_own_exe_link(path) && guest_image.exe_path) {
        len = (ssize_t)strlen(guest_image.exe_path);
        memcpy(target, guest_image.exe_path, (size_t)len);
    } else {
        len = readlinkat(dirfd, path, target, sizeof target);
        if (len < 0)
            return guest_err(errno);
    }
    if ((uint32_t)len > size)
        len = size;
    char *out = guest_ptr(buf_addr, (uint32_t)len, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    memcpy(out, target, (size_t)len);
    return (int32_t)len;
}

int32_t sys_readlink(const struct syscall *sc)
{
    return do_readlinkat(AT_FDCWD, sc->arg[0], sc->arg[1], sc->arg[2]);
}

int32_t sys_readlinkat(const struct syscall *sc)
{
    return do_readlinkat((int)sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3]);
}
