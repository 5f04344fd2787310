/*
 * The guest's view of /proc/self: exe (the guest program, not xqm), cmdline (the guest's argument
 * strings), auxv (the auxiliary vector xqm built) and maps (the guest address space, in the
 * kernel's format). Opening one of these gives a descriptor of an anonymous in-memory file
 * (memfd) holding the contents at open time; everything else under /proc is the host's.
 *
 * /proc/self, /proc/thread-self and /proc/<pid> all name the calling process here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

/* The part after "/proc/self/" (or an equivalent prefix) of path, or NULL. */
static const char *own_proc_entry(const char *path)
{
    static const char *const prefixes[] = { "/proc/self/", "/proc/thread-self/" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(path, prefixes[i], n) == 0)
            return path + n;
    }
    char own[32];
    int n = snprintf(own, sizeof own, "/proc/%d/", (int)getpid());
    if (strncmp(path, own, (size_t)n) == 0)
        return path + n;
    return NULL;
}

/* An in-memory file with these contents, positioned at its start. */
static int memory_file(const void *data, size_t len, bool cloexec)
{
    int fd = memfd_create("xqm-proc", cloexec ? MFD_CLOEXEC : 0);
    if (fd < 0)
        return -errno;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            return -e;
        }
        p += n;
        len -= (size_t)n;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Guest memory [start, end) copied out, as far as it is readable. */
static int guest_bytes_file(uint32_t start, uint32_t end, bool cloexec)
{
    uint32_t len = end > start ? end - start : 0;
    const void *p = len ? guest_ptr(start, len, PAGE_READ) : NULL;
    return memory_file(p ? p : "", p ? len : 0, cloexec);
}

struct maps_text {
    char *buf;
    size_t len, cap;
};

static void append(struct maps_text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *b = realloc(t->buf, cap);
        if (!b)
            return;
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = 0;
}

/* One line per run of guest pages with the same permissions, like show_map_vma. */
static void maps_line(uint32_t start, uint64_t end, unsigned prot, void *opaque)
{
    struct maps_text *t = opaque;
    const char *name = "";
    uint32_t brk_now = guest_brk(0);
    if (start >= GUEST_STACK_TOP - GUEST_STACK_SIZE && end <= GUEST_STACK_TOP)
        name = "[stack]";
    else if (start >= guest_image.brk_start && end <= ((uint64_t)brk_now + GUEST_PAGE_SIZE - 1)
             && start < brk_now)
        name = "[heap]";
    else if (start >= guest_image.image_start && end <= guest_image.brk_start && guest_image.exe_path)
        name = guest_image.exe_path;
    char line[4200];
    int n = snprintf(line, sizeof line, "%08x-%08x %c%c%cp %08x 00:00 0", start, (uint32_t)end,
                     (prot & PAGE_READ) ? 'r' : '-', (prot & PAGE_WRITE) ? 'w' : '-',
                     (prot & PAGE_EXEC) ? 'x' : '-', 0u);
    if (*name)
        n += snprintf(line + n, sizeof line - (size_t)n, "%*s%s", n < 72 ? 73 - n : 1, "", name);
    n += snprintf(line + n, sizeof line - (size_t)n, "\n");
    append(t, line, (size_t)n);
}

int procfs_open(const char *path, int host_flags)
{
    const char *entry = own_proc_entry(path);
    if (!entry)
        return PROCFS_NOT_EMULATED;
    bool cloexec = (host_flags & O_CLOEXEC) != 0;
    if (strcmp(entry, "exe") == 0 && guest_image.exe_path) {
        int fd = open(guest_image.exe_path, host_flags);
        return fd < 0 ? -errno : fd;
    }
    if (strcmp(entry, "cmdline") == 0)
        return guest_bytes_file(guest_image.arg_start, guest_image.arg_end, cloexec);
    if (strcmp(entry, "auxv") == 0)
        return memory_file(guest_image.auxv, guest_image.auxv_bytes, cloexec);
    if (strcmp(entry, "maps") == 0) {
        struct maps_text t = { 0 };
        guest_space_walk(maps_line, &t);
        int fd = memory_file(t.buf ? t.buf : "", t.len, cloexec);
        free(t.buf);
        return fd;
    }
    return PROCFS_NOT_EMULATED;
}
