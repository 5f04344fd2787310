/*
 * -strace: one line per guest syscall, `PID name(args) = result`, in the style of qemu-i386's.
 *
 * The call half is printed before the syscall runs and the result half after, so a syscall that
 * blocks shows up while it blocks, and output the syscall itself writes lands between the halves.
 * Guest memory is only read through guest_string, so tracing a bad pointer never faults.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>
#include <unistd.h>

#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum { STRACE_STRING_MAX = 64 };

static void print_string(uint32_t addr)
{
    const char *s;
    if (addr == 0 || guest_string(addr, SIZE_MAX, &s) != 0) {
        xqm_log("0x%x", addr);
        return;
    }
    xqm_log("\"");
    size_t i;
    for (i = 0; s[i] && i < STRACE_STRING_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            xqm_log("\\%c", c);
        else if (c == '\n')
            xqm_log("\\n");
        else if (isprint(c))
            xqm_log("%c", c);
        else
            xqm_log("\\%03o", c);
    }
    xqm_log(s[i] ? "\"..." : "\"");
}

/* i386 O_* names, for the flags of open and openat. */
static const struct { uint32_t bit; const char *name; } open_flag_names[] = {
    { 00000100, "O_CREAT" }, { 00000200, "O_EXCL" }, { 00000400, "O_NOCTTY" },
    { 00001000, "O_TRUNC" }, { 00002000, "O_APPEND" }, { 00004000, "O_NONBLOCK" },
    { 00010000, "O_DSYNC" }, { 00020000, "O_ASYNC" }, { 00040000, "O_DIRECT" },
    { 00100000, "O_LARGEFILE" }, { 00200000, "O_DIRECTORY" }, { 00400000, "O_NOFOLLOW" },
    { 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" }, { 04000000, "O_SYNC" },
    { 010000000, "O_PATH" }, { 020000000, "O_TMPFILE" },
};

static void print_open_flags(uint32_t flags)
{
    static const char *const access_mode[4] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
    xqm_log("%s", access_mode[flags & 3]);
    flags &= ~3u;
    for (size_t i = 0; i < sizeof open_flag_names / sizeof open_flag_names[0]; i++) {
        if (flags & open_flag_names[i].bit) {
            xqm_log("|%s", open_flag_names[i].name);
            flags &= ~open_flag_names[i].bit;
        }
    }
    if (flags)
        xqm_log("|0x%x", flags);
}

static void print_arg(char kind, uint32_t v)
{
    switch (kind) {
    case 'd': xqm_log("%d", (int32_t)v); break;
    case 'u': xqm_log("%u", v); break;
    case 'o': xqm_log("0%o", v); break;
    case 's': print_string(v); break;
    case 'f': print_open_flags(v); break;
    case 'p': xqm_log(v ? "0x%x" : "NULL", v); break;
    case 'a':
        if ((int32_t)v == -100)
            xqm_log("AT_FDCWD");
        else
            xqm_log("%d", (int32_t)v);
        break;
    default: xqm_log("0x%x", v); break;
    }
}

void strace_call(const struct syscall *sc, const struct syscall_def *def)
{
    xqm_log("%d ", (int)gettid());
    if (!def || !def->name) {
        xqm_log("syscall_%u(0x%x,0x%x,0x%x,0x%x,0x%x,0x%x)", sc->nr, sc->arg[0], sc->arg[1],
                sc->arg[2], sc->arg[3], sc->arg[4], sc->arg[5]);
        return;
    }
    xqm_log("%s(", def->name);
    const char *fmt = def->args ? def->args : "xxxxxx";
    for (int i = 0; fmt[i] && i < 6; i++) {
        if (i > 0)
            xqm_log(",");
        print_arg(fmt[i], sc->arg[i]);
    }
    xqm_log(")");
}

void strace_result(const struct syscall_def *def, int32_t ret)
{
    if (ret < 0 && ret >= -4095) {
        int host = host_errno_of_guest(-ret);
        xqm_log(" = -1 errno=%d (%s)\n", -ret, host ? strerror(host) : "unknown error");
    } else if (def && def->ret == 'x') {
        xqm_log(" = 0x%08x\n", (uint32_t)ret);
    } else {
        xqm_log(" = %d\n", ret);
    }
}
