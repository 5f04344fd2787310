/*
 * stat64, lstat64, fstat64, fstatat64 and statx.
 *
 * The i386 struct stat64 is packed (i386 aligns 64-bit members to 4 bytes) and keeps 32-bit
 * timestamps, so it is built field by field from the host's struct stat. struct statx has the same
 * layout on every architecture and passes straight through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

/* arch/x86/include/uapi/asm/stat.h, 32-bit. */
struct __attribute__((packed)) guest_stat64 {
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t st_ino_low;        /* the "__st_ino" of old programs */
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;
    uint32_t st_atime_sec, st_atime_nsec;
    uint32_t st_mtime_sec, st_mtime_nsec;
    uint32_t st_ctime_sec, st_ctime_nsec;
    uint64_t st_ino;
};
_Static_assert(sizeof(struct guest_stat64) == 96, "i386 struct stat64 is 96 bytes");

enum { GUEST_STATX_SIZE = 256 };

/* The kernel's dev_t encoding for user space (new_encode_dev), which i386 glibc decodes. */
static uint64_t guest_dev(dev_t dev)
{
    uint64_t maj = major(dev), min = minor(dev);
    return (min & 0xff) | ((maj & 0xfff) << 8) | ((min & ~0xffull) << 12);
}

static int32_t put_guest_stat64(uint32_t addr, const struct stat *st)
{
    struct guest_stat64 *g = guest_ptr(addr, sizeof *g, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    struct guest_stat64 out = {
        .st_dev = guest_dev(st->st_dev),
        .st_ino_low = (uint32_t)st->st_ino,
        .st_mode = st->st_mode,
        .st_nlink = (uint32_t)st->st_nlink,
        .st_uid = st->st_uid,
        .st_gid = st->st_gid,
        .st_rdev = guest_dev(st->st_rdev),
        .st_size = st->st_size,
        .st_blksize = (uint32_t)st->st_blksize,
        .st_blocks = (uint64_t)st->st_blocks,
        .st_atime_sec = (uint32_t)st->st_atim.tv_sec, .st_atime_nsec = (uint32_t)st->st_atim.tv_nsec,
        .st_mtime_sec = (uint32_t)st->st_mtim.tv_sec, .st_mtime_nsec = (uint32_t)st->st_mtim.tv_nsec,
        .st_ctime_sec = (uint32_t)st->st_ctim.tv_sec, .st_ctime_nsec = (uint32_t)st->st_ctim.tv_nsec,
        .st_ino = st->st_ino,
    };
    memcpy(g, &out, sizeof out);
    return 0;
}

static int32_t do_fstatat64(int dirfd, uint32_t path_addr, uint32_t buf_addr, int flags)
{
    const char *path;
    int32_t err = guest_path(path_addr, &path);
    if (err)
        return err;
    struct stat st;
    if (fstatat(dirfd, path, &st, flags) != 0)
        return guest_err(errno);
    return put_guest_stat64(buf_addr, &st);
}

int32_t sys_stat64(const struct syscall *sc)
{
    return do_fstatat64(AT_FDCWD, sc->arg[0], sc->arg[1], 0);
}

int32_t sys_lstat64(const struct syscall *sc)
{
    return do_fstatat64(AT_FDCWD, sc->arg[0], sc->arg[1], AT_SYMLINK_NOFOLLOW);
}

int32_t sys_fstatat64(const struct syscall *sc)
{
    /* AT_* flag values are the generic ones on both sides. */
    return do_fstatat64((int)sc->arg[0], sc->arg[1], sc->arg[2], (int)sc->arg[3]);
}

int32_t sys_fstat64(const struct syscall *sc)
{
    struct stat st;
    if (fstat((int)sc->arg[0], &st) != 0)
        return guest_err(errno);
    return put_guest_stat64(sc->arg[1], &st);
}

int32_t sys_statx(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    if (err)
        return err;
    void *buf = guest_ptr(sc->arg[4], GUEST_STATX_SIZE, PAGE_WRITE);
    if (!buf)
        return guest_err(EFAULT);
    return guest_ret(syscall(SYS_statx, (int)sc->arg[0], path, (int)sc->arg[2], sc->arg[3], buf));
}
