/*
 * Extended attributes: set/get/list/remove in their path, lpath (no symlink following) and fd
 * forms. Names are strings, values and name lists plain bytes, and the XATTR_* flags are the same
 * everywhere, so each call only checks and passes the guest's buffers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/xattr.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum { XATTR_NAME_MAX_LEN = 256, XATTR_VALUE_MAX = 65536 };

/* The file argument: a path (follow or not) or a descriptor. */
enum target { BY_PATH, BY_LPATH, BY_FD };

struct file_arg {
    enum target how;
    const char *path;
    int fd;
};

static int32_t get_file(enum target how, uint32_t arg, struct file_arg *f)
{
    f->how = how;
    f->fd = (int)arg;
    f->path = NULL;
    return how == BY_FD ? 0 : guest_path(arg, &f->path);
}

static int32_t get_name(uint32_t addr, const char **name)
{
    return guest_string(addr, XATTR_NAME_MAX_LEN, name);
}

/* A value or list buffer: NULL is fine for a size query (size 0). */
static int32_t get_buffer(uint32_t addr, uint32_t size, unsigned prot, void **out)
{
    *out = NULL;
    if (size == 0)
        return 0;
    *out = guest_ptr(addr, size, prot);
    return *out ? 0 : guest_err(EFAULT);
}

static int32_t do_set(enum target how, const struct syscall *sc)
{
    struct file_arg f;
    const char *name;
    void *value;
    int32_t err = get_file(how, sc->arg[0], &f);
    if (!err)
        err = get_name(sc->arg[1], &name);
    if (!err)
        err = get_buffer(sc->arg[2], sc->arg[3], PAGE_READ, &value);
    if (err)
        return err;
    size_t size = sc->arg[3];
    int flags = (int)sc->arg[4];
    switch (how) {
    case BY_PATH: return guest_ret(setxattr(f.path, name, value, size, flags));
    case BY_LPATH: return guest_ret(lsetxattr(f.path, name, value, size, flags));
    default: return guest_ret(fsetxattr(f.fd, name, value, size, flags));
    }
}

static int32_t do_get(enum target how, const struct syscall *sc)
{
    struct file_arg f;
    const char *name;
    void *value;
    uint32_t size = sc->arg[3] > XATTR_VALUE_MAX ? XATTR_VALUE_MAX : sc->arg[3];
    int32_t err = get_file(how, sc->arg[0], &f);
    if (!err)
        err = get_name(sc->arg[1], &name);
    if (!err)
        err = get_buffer(sc->arg[2], size, PAGE_WRITE, &value);
    if (err)
        return err;
    switch (how) {
    case BY_PATH: return guest_ret(getxattr(f.path, name, value, size));
    case BY_LPATH: return guest_ret(lgetxattr(f.path, name, value, size));
    default: return guest_ret(fgetxattr(f.fd, name, value, size));
    }
}

static int32_t do_list(enum target how, const struct syscall *sc)
{
    struct file_arg f;
    void *list;
    uint32_t size = sc->arg[2] > XATTR_VALUE_MAX ? XATTR_VALUE_MAX : sc->arg[2];
    int32_t err = get_file(how, sc->arg[0], &f);
    if (!err)
        err = get_buffer(sc->arg[1], size, PAGE_WRITE, &list);
    if (err)
        return err;
    switch (how) {
    case BY_PATH: return guest_ret(listxattr(f.path, list, size));
    case BY_LPATH: return guest_ret(llistxattr(f.path, list, size));
    default: return guest_ret(flistxattr(f.fd, list, size));
    }
}

static int32_t do_remove(enum target how, const struct syscall *sc)
{
    struct file_arg f;
    const char *name;
    int32_t err = get_file(how, sc->arg[0], &f);
    if (!err)
        err = get_name(sc->arg[1], &name);
    if (err)
        return err;
    switch (how) {
    case BY_PATH: return guest_ret(removexattr(f.path, name));
    case BY_LPATH: return guest_ret(lremovexattr(f.path, name));
    default: return guest_ret(fremovexattr(f.fd, name));
    }
}

int32_t sys_setxattr(const struct syscall *sc) { return do_set(BY_PATH, sc); }
int32_t sys_lsetxattr(const struct syscall *sc) { return do_set(BY_LPATH, sc); }
int32_t sys_fsetxattr(const struct syscall *sc) { return do_set(BY_FD, sc); }
int32_t sys_getxattr(const struct syscall *sc) { return do_get(BY_PATH, sc); }
int32_t sys_lgetxattr(const struct syscall *sc) { return do_get(BY_LPATH, sc); }
int32_t sys_fgetxattr(const struct syscall *sc) { return do_get(BY_FD, sc); }
int32_t sys_listxattr(const struct syscall *sc) { return do_list(BY_PATH, sc); }
int32_t sys_llistxattr(const struct syscall *sc) { return do_list(BY_LPATH, sc); }
int32_t sys_flistxattr(const struct syscall *sc) { return do_list(BY_FD, sc); }
int32_t sys_removexattr(const struct syscall *sc) { return do_remove(BY_PATH, sc); }
int32_t sys_lremovexattr(const struct syscall *sc) { return do_remove(BY_LPATH, sc); }
int32_t sys_fremovexattr(const struct syscall *sc) { return do_remove(BY_FD, sc); }
