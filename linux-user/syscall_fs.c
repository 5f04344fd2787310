/*
 * More file-system calls: timestamps (utimensat, utimes, futimesat, utime), ownership (the 16- and
 * 32-bit chown families), statfs/fstatfs and their 64-bit forms, the old struct stat calls, the
 * *at forms of link/symlink/chmod/mknod, sync/syncfs, flock, fallocate, fadvise, readahead, the
 * zero-copy calls (sendfile, splice, tee, copy_file_range), preadv/pwritev, and the old getdents.
 *
 * Each converts the i386 layout by hand (i386 aligns 64-bit fields to 4 bytes, and its old structs
 * have 32-bit sizes that must not overflow silently: EOVERFLOW, as the kernel's compat code says).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum { GUEST_UTIME_NOW = (1 << 30) - 1, GUEST_UTIME_OMIT = (1 << 30) - 2, GUEST_IOV_MAX = 1024 };

static int64_t arg64(uint32_t lo, uint32_t hi)
{
    return (int64_t)(((uint64_t)hi << 32) | lo);
}

/* ---- timestamps ---- */

static int32_t do_utimensat(int dirfd, uint32_t path_addr, uint32_t times_addr, int flags, bool time64)
{
    const char *path = NULL;
    if (path_addr) {
        int32_t err = guest_path(path_addr, &path);
        if (err)
            return err;
    }
    struct timespec ts[2], *times = NULL;
    if (times_addr) {
        uint32_t size = time64 ? 16 : 8;
        for (int i = 0; i < 2; i++) {
            int32_t err = get_guest_timespec(times_addr + size * (uint32_t)i, time64, &ts[i]);
            if (err)
                return err;
            /* UTIME_NOW/UTIME_OMIT have the same values on both sides. */
        }
        times = ts;
    }
    return guest_ret(syscall(SYS_utimensat, dirfd, path, times, flags));
}

int32_t sys_utimensat(const struct syscall *sc)
{
    return do_utimensat((int)sc->arg[0], sc->arg[1], sc->arg[2], (int)sc->arg[3], false);
}

int32_t sys_utimensat_time64(const struct syscall *sc)
{
    return do_utimensat((int)sc->arg[0], sc->arg[1], sc->arg[2], (int)sc->arg[3], true);
}

/* utimes/futimesat: two 32-bit timevals. */
static int32_t do_futimesat(int dirfd, uint32_t path_addr, uint32_t tv_addr)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    struct timespec ts[2], *times = NULL;
    if (tv_addr) {
        const uint8_t *g = guest_ptr(tv_addr, 16, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        for (int i = 0; i < 2; i++) {
            int32_t usec = (int32_t)load_u32(g + 8 * i + 4);
            if (usec < 0 || usec >= 1000000)
                return guest_err(EINVAL);
            ts[i].tv_sec = (int32_t)load_u32(g + 8 * i);
            ts[i].tv_nsec = (long)usec * 1000;
        }
        times = ts;
    }
    return guest_ret(syscall(SYS_utimensat, dirfd, path, times, 0));
}

int32_t sys_utimes(const struct syscall *sc)
{
    return do_futimesat(AT_FDCWD, sc->arg[0], sc->arg[1]);
}

int32_t sys_futimesat(const struct syscall *sc)
{
    return do_futimesat((int)sc->arg[0], sc->arg[1], sc->arg[2]);
}

/* utime: struct utimbuf { time32 actime, modtime }. */
int32_t sys_utime(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    struct timespec ts[2], *times = NULL;
    if (sc->arg[1]) {
        const uint8_t *g = guest_ptr(sc->arg[1], 8, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        ts[0] = (struct timespec){ (int32_t)load_u32(g), 0 };
        ts[1] = (struct timespec){ (int32_t)load_u32(g + 4), 0 };
        times = ts;
    }
    return guest_ret(syscall(SYS_utimensat, AT_FDCWD, path, times, 0));
}

/* ---- ownership ---- */

/* A 16-bit id argument: 0xffff means "unchanged" (-1). */
static uint32_t id16_arg(uint32_t v)
{
    v &= 0xffff;
    return v == 0xffff ? (uint32_t)-1 : v;
}

static int32_t do_fchownat(int dirfd, uint32_t path_addr, uint32_t uid, uint32_t gid, int flags)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    return guest_ret(fchownat(dirfd, path, uid, gid, flags));
}

int32_t sys_chown32(const struct syscall *sc)
{
    return do_fchownat(AT_FDCWD, sc->arg[0], sc->arg[1], sc->arg[2], 0);
}

int32_t sys_lchown32(const struct syscall *sc)
{
    return do_fchownat(AT_FDCWD, sc->arg[0], sc->arg[1], sc->arg[2], AT_SYMLINK_NOFOLLOW);
}

int32_t sys_fchown32(const struct syscall *sc)
{
    return guest_ret(fchown((int)sc->arg[0], sc->arg[1], sc->arg[2]));
}

int32_t sys_fchownat(const struct syscall *sc)
{
    return do_fchownat((int)sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], (int)sc->arg[4]);
}

int32_t sys_chown16(const struct syscall *sc)
{
    return do_fchownat(AT_FDCWD, sc->arg[0], id16_arg(sc->arg[1]), id16_arg(sc->arg[2]), 0);
}

int32_t sys_lchown16(const struct syscall *sc)
{
    return do_fchownat(AT_FDCWD, sc->arg[0], id16_arg(sc->arg[1]), id16_arg(sc->arg[2]),
                       AT_SYMLINK_NOFOLLOW);
}

int32_t sys_fchown16(const struct syscall *sc)
{
    return guest_ret(fchown((int)sc->arg[0], id16_arg(sc->arg[1]), id16_arg(sc->arg[2])));
}

/* ---- statfs ---- */

struct __attribute__((packed)) guest_statfs64 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct guest_statfs64) == 84, "i386 struct statfs64 is 84 bytes");

struct __attribute__((packed)) guest_statfs {
    uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct guest_statfs) == 64, "i386 struct statfs is 64 bytes");

static int32_t fsid_word(const struct statfs *st, int i)
{
    int32_t w[2];
    memcpy(w, &st->f_fsid, sizeof w);
    return w[i];
}

static int32_t put_statfs64(uint32_t size, uint32_t addr, const struct statfs *st)
{
    if (size != sizeof(struct guest_statfs64))
        return guest_err(EINVAL);
    struct guest_statfs64 *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    struct guest_statfs64 out = {
        .f_type = (uint32_t)st->f_type, .f_bsize = (uint32_t)st->f_bsize,
        .f_blocks = st->f_blocks, .f_bfree = st->f_bfree, .f_bavail = st->f_bavail,
        .f_files = st->f_files, .f_ffree = st->f_ffree,
        .f_namelen = (uint32_t)st->f_namelen, .f_frsize = (uint32_t)st->f_frsize,
        .f_flags = (uint32_t)st->f_flags,
    };
    out.f_fsid[0] = fsid_word(st, 0);
    out.f_fsid[1] = fsid_word(st, 1);
    memcpy(g, &out, sizeof out);
    return 0;
}

static int32_t put_statfs(uint32_t addr, const struct statfs *st)
{
    struct guest_statfs *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    uint64_t big = st->f_blocks | st->f_bfree | st->f_bavail;
    /* The kernel's put_compat_statfs: file counts of ~0 stay ~0 (unknown), others must fit. */
    if ((big >> 32) || ((st->f_files >> 32) && st->f_files != (fsfilcnt_t)-1)
        || ((st->f_ffree >> 32) && st->f_ffree != (fsfilcnt_t)-1))
        return guest_err(EOVERFLOW);
    struct guest_statfs out = {
        .f_type = (uint32_t)st->f_type, .f_bsize = (uint32_t)st->f_bsize,
        .f_blocks = (uint32_t)st->f_blocks, .f_bfree = (uint32_t)st->f_bfree,
        .f_bavail = (uint32_t)st->f_bavail, .f_files = (uint32_t)st->f_files,
        .f_ffree = (uint32_t)st->f_ffree, .f_namelen = (uint32_t)st->f_namelen,
        .f_frsize = (uint32_t)st->f_frsize, .f_flags = (uint32_t)st->f_flags,
    };
    out.f_fsid[0] = fsid_word(st, 0);
    out.f_fsid[1] = fsid_word(st, 1);
    memcpy(g, &out, sizeof out);
    return 0;
}

static int32_t path_statfs(uint32_t path_addr, struct statfs *st)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    return statfs(path, st) == 0 ? 0 : guest_err(errno);
}

int32_t sys_statfs(const struct syscall *sc)
{
    struct statfs st;
    int32_t err = path_statfs(sc->arg[0], &st);
    return err ? err : put_statfs(sc->arg[1], &st);
}

int32_t sys_fstatfs(const struct syscall *sc)
{
    struct statfs st;
    if (fstatfs((int)sc->arg[0], &st) != 0)
        return guest_err(errno);
    return put_statfs(sc->arg[1], &st);
}

int32_t sys_statfs64(const struct syscall *sc)
{
    struct statfs st;
    int32_t err = path_statfs(sc->arg[0], &st);
    return err ? err : put_statfs64(sc->arg[1], sc->arg[2], &st);
}

int32_t sys_fstatfs64(const struct syscall *sc)
{
    struct statfs st;
    if (fstatfs((int)sc->arg[0], &st) != 0)
        return guest_err(errno);
    return put_statfs64(sc->arg[1], sc->arg[2], &st);
}

/* ---- the old struct stat (106, 107, 108) ---- */

struct __attribute__((packed)) guest_old_stat {
    uint32_t st_dev, st_ino;
    uint16_t st_mode, st_nlink, st_uid, st_gid;
    uint32_t st_rdev, st_size, st_blksize, st_blocks;
    uint32_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec;
    uint32_t unused4, unused5;
};
_Static_assert(sizeof(struct guest_old_stat) == 64, "i386 struct stat is 64 bytes");

static uint32_t old_dev(dev_t dev)
{
    return (uint32_t)(minor(dev) & 0xff) | (uint32_t)((major(dev) & 0xfff) << 8)
           | (uint32_t)((minor(dev) & ~0xffu) << 12);
}

static int32_t put_old_stat(uint32_t addr, const struct stat *st)
{
    struct guest_old_stat *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    if ((uint64_t)st->st_ino >> 32 || (uint64_t)st->st_size >> 31 || st->st_nlink > 0xffff)
        return guest_err(EOVERFLOW);
    struct guest_old_stat out = {
        .st_dev = old_dev(st->st_dev), .st_ino = (uint32_t)st->st_ino,
        .st_mode = (uint16_t)st->st_mode, .st_nlink = (uint16_t)st->st_nlink,
        .st_uid = st->st_uid > 0xffff ? 65534 : (uint16_t)st->st_uid,
        .st_gid = st->st_gid > 0xffff ? 65534 : (uint16_t)st->st_gid,
        .st_rdev = old_dev(st->st_rdev), .st_size = (uint32_t)st->st_size,
        .st_blksize = (uint32_t)st->st_blksize, .st_blocks = (uint32_t)st->st_blocks,
        .st_atime_sec = (uint32_t)st->st_atim.tv_sec, .st_atime_nsec = (uint32_t)st->st_atim.tv_nsec,
        .st_mtime_sec = (uint32_t)st->st_mtim.tv_sec, .st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec,
        .st_ctime_sec = (uint32_t)st->st_ctim.tv_sec, .st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec,
    };
    memcpy(g, &out, sizeof out);
    return 0;
}

static int32_t old_stat_at(uint32_t path_addr, uint32_t buf, int flags)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    struct stat st;
    if (fstatat(AT_FDCWD, path, &st, flags) != 0)
        return guest_err(errno);
    return put_old_stat(buf, &st);
}

int32_t sys_old_stat(const struct syscall *sc)
{
    return old_stat_at(sc->arg[0], sc->arg[1], 0);
}

int32_t sys_old_lstat(const struct syscall *sc)
{
    return old_stat_at(sc->arg[0], sc->arg[1], AT_SYMLINK_NOFOLLOW);
}

int32_t sys_old_fstat(const struct syscall *sc)
{
    struct stat st;
    if (fstat((int)sc->arg[0], &st) != 0)
        return guest_err(errno);
    return put_old_stat(sc->arg[1], &st);
}

/* ---- *at path calls ---- */

static int32_t two_paths(uint32_t a, uint32_t b, const char **pa, const char **pb)
{
    int32_t err = guest_path(a, pa);
    return err ? err : guest_path(b, pb);
}

int32_t sys_linkat(const struct syscall *sc)
{
    const char *from, *to;
    int32_t err = two_paths(sc->arg[1], sc->arg[3], &from, &to);
    return err ? err : guest_ret(linkat((int)sc->arg[0], from, (int)sc->arg[2], to, (int)sc->arg[4]));
}

int32_t sys_symlinkat(const struct syscall *sc)
{
    const char *target, *link_path;
    int32_t err = two_paths(sc->arg[0], sc->arg[2], &target, &link_path);
    return err ? err : guest_ret(symlinkat(target, (int)sc->arg[1], link_path));
}

int32_t sys_fchmodat(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    return err ? err : guest_ret(syscall(SYS_fchmodat, (int)sc->arg[0], path, (mode_t)sc->arg[2]));
}

/* The kernel's new_decode_dev, for the dev argument of mknod. */
static dev_t guest_dev_arg(uint32_t dev)
{
    return makedev((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00));
}

int32_t sys_mknodat(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    return err ? err : guest_ret(mknodat((int)sc->arg[0], path, (mode_t)sc->arg[2],
                                         guest_dev_arg(sc->arg[3])));
}

int32_t sys_mknod(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    return err ? err : guest_ret(mknodat(AT_FDCWD, path, (mode_t)sc->arg[1], guest_dev_arg(sc->arg[2])));
}

/* ---- sync, locks, space ---- */

int32_t sys_sync(const struct syscall *sc)
{
    (void)sc;
    sync();
    return 0;
}

int32_t sys_syncfs(const struct syscall *sc)
{
    return guest_ret(syncfs((int)sc->arg[0]));
}

int32_t sys_flock(const struct syscall *sc)
{
    /* LOCK_* values are the same; a blocking lock waits, interruptibly. */
    return guest_ret_neg(safe_syscall(SYS_flock, (int)sc->arg[0], (int)sc->arg[1]));
}

int32_t sys_fallocate(const struct syscall *sc)
{
    return guest_ret(fallocate((int)sc->arg[0], (int)sc->arg[1], arg64(sc->arg[2], sc->arg[3]),
                               arg64(sc->arg[4], sc->arg[5])));
}

/* fadvise64 (250): fd, offset lo/hi, 32-bit len, advice. */
int32_t sys_fadvise64(const struct syscall *sc)
{
    int r = posix_fadvise((int)sc->arg[0], arg64(sc->arg[1], sc->arg[2]), sc->arg[3], (int)sc->arg[4]);
    return r ? guest_err(r) : 0;
}

/* fadvise64_64 (272): fd, offset lo/hi, len lo/hi, advice. POSIX_FADV_* agree except 4, 5. */
int32_t sys_fadvise64_64(const struct syscall *sc)
{
    int r = posix_fadvise((int)sc->arg[0], arg64(sc->arg[1], sc->arg[2]),
                          arg64(sc->arg[3], sc->arg[4]), (int)sc->arg[5]);
    return r ? guest_err(r) : 0;
}

int32_t sys_readahead(const struct syscall *sc)
{
    return guest_ret(readahead((int)sc->arg[0], arg64(sc->arg[1], sc->arg[2]), sc->arg[3]));
}

/* ---- copying between descriptors ---- */

static int32_t do_sendfile(const struct syscall *sc, bool wide)
{
    uint8_t *off = NULL;
    off_t offset = 0;
    if (sc->arg[2]) {
        if (!(off = guest_ptr(sc->arg[2], wide ? 8 : 4, PAGE_READ | PAGE_WRITE)))
            return guest_err(EFAULT);
        offset = wide ? (off_t)load_u64(off) : (int32_t)load_u32(off);
    }
    long r = safe_syscall(SYS_sendfile, (int)sc->arg[0], (int)sc->arg[1], off ? &offset : NULL,
                          (size_t)sc->arg[3]);
    if (r >= 0 && off) {
        if (wide)
            store_u64(off, (uint64_t)offset);
        else
            store_u32(off, (uint32_t)offset);
    }
    return guest_ret_neg(r);
}

int32_t sys_sendfile(const struct syscall *sc)
{
    return do_sendfile(sc, false);
}

int32_t sys_sendfile64(const struct syscall *sc)
{
    return do_sendfile(sc, true);
}

/* A loff_t * argument (64-bit in memory on both sides), or NULL. */
static int32_t get_loff(uint32_t addr, loff_t *v, loff_t **p)
{
    *p = NULL;
    if (!addr)
        return 0;
    uint8_t *g = guest_ptr(addr, 8, PAGE_READ | PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    *v = (loff_t)load_u64(g);
    *p = v;
    return 0;
}

static void put_loff(uint32_t addr, const loff_t *p)
{
    if (p)
        store_u64(g2h(addr), (uint64_t)*p);
}

/* splice's flags (SPLICE_F_*) and copy_file_range's are the same everywhere. */
int32_t sys_splice(const struct syscall *sc)
{
    loff_t in_off, out_off, *in_p, *out_p;
    int32_t err = get_loff(sc->arg[1], &in_off, &in_p);
    if (!err)
        err = get_loff(sc->arg[3], &out_off, &out_p);
    if (err)
        return err;
    long r = safe_syscall(SYS_splice, (int)sc->arg[0], in_p, (int)sc->arg[2], out_p,
                          (size_t)sc->arg[4], sc->arg[5]);
    if (r >= 0) {
        put_loff(sc->arg[1], in_p);
        put_loff(sc->arg[3], out_p);
    }
    return guest_ret_neg(r);
}

int32_t sys_tee(const struct syscall *sc)
{
    return guest_ret_neg(safe_syscall(SYS_tee, (int)sc->arg[0], (int)sc->arg[1], (size_t)sc->arg[2],
                                      sc->arg[3]));
}

int32_t sys_copy_file_range(const struct syscall *sc)
{
    loff_t in_off, out_off, *in_p, *out_p;
    int32_t err = get_loff(sc->arg[1], &in_off, &in_p);
    if (!err)
        err = get_loff(sc->arg[3], &out_off, &out_p);
    if (err)
        return err;
    long r = syscall(SYS_copy_file_range, (int)sc->arg[0], in_p, (int)sc->arg[2], out_p,
                     (size_t)sc->arg[4], sc->arg[5]);
    if (r < 0)
        return guest_err(errno);
    put_loff(sc->arg[1], in_p);
    put_loff(sc->arg[3], out_p);
    return (int32_t)r;
}

/* preadv/pwritev(2): i386 passes the offset as two 32-bit halves. */
static int32_t positioned_vector(const struct syscall *sc, bool write, bool v2)
{
    uint32_t count = sc->arg[2];
    if ((int32_t)count < 0 || count > GUEST_IOV_MAX)
        return guest_err(EINVAL);
    const uint8_t *g = guest_ptr(sc->arg[1], count * 8, PAGE_READ);
    if (!g && count)
        return guest_err(EFAULT);
    struct iovec iov[GUEST_IOV_MAX];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t base = load_u32(g + 8 * i), len = load_u32(g + 8 * i + 4);
        if (!guest_range_valid(base, len, write ? PAGE_READ : PAGE_WRITE))
            return guest_err(EFAULT);
        iov[i] = (struct iovec){ g2h(base), len };
    }
    off_t off = arg64(sc->arg[3], sc->arg[4]);
    int flags = v2 ? (int)sc->arg[5] : 0;
    ssize_t r = write ? pwritev2((int)sc->arg[0], iov, (int)count, off, flags)
                      : preadv2((int)sc->arg[0], iov, (int)count, off, flags);
    return guest_ret(r);
}

int32_t sys_preadv(const struct syscall *sc)
{
    return positioned_vector(sc, false, false);
}

int32_t sys_pwritev(const struct syscall *sc)
{
    return positioned_vector(sc, true, false);
}

/* The *v2 forms add RWF_* flags (the same everywhere); offset -1 means the file position. */
int32_t sys_preadv2(const struct syscall *sc)
{
    return positioned_vector(sc, false, true);
}

int32_t sys_pwritev2(const struct syscall *sc)
{
    return positioned_vector(sc, true, true);
}

/* sync_file_range on i386: fd, offset and length as 32-bit halves, then the flags. */
int32_t sys_sync_file_range(const struct syscall *sc)
{
    return guest_ret(sync_file_range((int)sc->arg[0], arg64(sc->arg[1], sc->arg[2]),
                                     arg64(sc->arg[3], sc->arg[4]), sc->arg[5]));
}

/* ---- the old getdents ---- */

/*
 * struct linux_dirent for i386: u32 d_ino, u32 d_off, u16 d_reclen, name, NUL, padding, and the
 * type in the record's last byte. Built from the host's getdents64 records; d_off is the guest
 * cookie of syscall_dir.c. When the next record does not fit the guest's buffer the directory is
 * repositioned just after the last record returned.
 */
int32_t sys_getdents(const struct syscall *sc)
{
    int fd = (int)sc->arg[0];
    uint32_t size = sc->arg[2];
    uint8_t *out = guest_ptr(sc->arg[1], size, PAGE_WRITE);
    if (!out)
        return guest_err(EFAULT);
    uint8_t *host = malloc(size ? size : 1);
    if (!host)
        return guest_err(ENOMEM);
    long n = syscall(SYS_getdents64, fd, host, (size_t)size);
    if (n <= 0) {
        free(host);
        return guest_ret(n);
    }
    uint32_t used = 0;
    int64_t resume = -1;
    for (long pos = 0; pos < n; ) {
        uint64_t ino;
        int64_t off;
        uint16_t reclen;
        memcpy(&ino, host + pos, 8);
        memcpy(&off, host + pos + 8, 8);
        memcpy(&reclen, host + pos + 16, 2);
        uint8_t type = host[pos + 18];
        const char *name = (const char *)host + pos + 19;
        size_t namelen = strlen(name);
        uint32_t rec = (uint32_t)((10 + namelen + 2 + 3) & ~(size_t)3);
        if (used + rec > size) {
            if (used == 0) {
                free(host);
                return guest_err(EINVAL);
            }
            break;
        }
        if (ino >> 32) {
            free(host);
            return guest_err(EOVERFLOW);
        }
        uint8_t *r = out + used;
        memset(r, 0, rec);
        store_u32(r, (uint32_t)ino);
        store_u32(r + 4, (uint32_t)dir_cookie_for_entry(fd, off));
        store_u16(r + 8, (uint16_t)rec);
        memcpy(r + 10, name, namelen);
        r[rec - 1] = type;
        used += rec;
        resume = off;
        pos += reclen;
    }
    if (resume >= 0)
        lseek(fd, resume, SEEK_SET);
    free(host);
    return (int32_t)used;
}
