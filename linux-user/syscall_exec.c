/*
 * Process life cycle syscalls: fork, vfork, clone (task.c does the work), execve, the wait family,
 * and the process-group calls.
 *
 * execve of an i386 ELF program, or of a script whose interpreter is one, runs xqm-user again on
 * the host (the same xqm binary, with the same sticky options: see exec_set_self) so that the new
 * program is translated too; anything else is the host's business and goes to the host execve
 * unchanged. "/proc/self/exe" means the guest program, as everywhere in xqm.
 *
 * Wait statuses and waitid's siginfo carry signal numbers, which are mapped from the host's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    G_SIGCHLD = 17, G_CLONE_VM = 0x100, G_CLONE_VFORK = 0x4000,
    MAX_EXEC_STRINGS = 1 << 20,
    BINPRM_BUF_SIZE = 256,      /* how much of a #! line Linux reads */
};

/* The host command that starts another xqm-user like this one, up to and excluding the program. */
static char **self_argv;
static int self_argc;

void exec_set_self(int argc, char **argv)
{
    self_argc = argc;
    self_argv = argv;
}

int32_t sys_fork(const struct syscall *sc)
{
    return task_clone(sc->env, G_SIGCHLD, 0, 0, 0, 0);
}

int32_t sys_vfork(const struct syscall *sc)
{
    return task_clone(sc->env, G_CLONE_VM | G_CLONE_VFORK | G_SIGCHLD, 0, 0, 0, 0);
}

int32_t sys_clone(const struct syscall *sc)
{
    return task_clone(sc->env, sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4]);
}

/* ---- execve ---- */

/* A NULL-terminated guest array of string pointers as a host array (pointing into guest memory). */
static int32_t get_string_array(uint32_t addr, char ***out)
{
    *out = NULL;
    size_t n = 0, cap = 16;
    char **v = malloc(cap * sizeof *v);
    if (!v)
        return guest_err(ENOMEM);
    for (;; n++) {
        if (n + 1 >= cap) {
            cap *= 2;
            char **bigger = n >= MAX_EXEC_STRINGS ? NULL : realloc(v, cap * sizeof *v);
            if (!bigger) {
                free(v);
                return guest_err(E2BIG);
            }
            v = bigger;
        }
        uint32_t p = 0;
        if (addr) {
            const uint8_t *slot = guest_ptr(addr + 4 * (uint32_t)n, 4, PAGE_READ);
            if (!slot) {
                free(v);
                return guest_err(EFAULT);
            }
            p = load_u32(slot);
        }
        if (p == 0)
            break;
        const char *s;
        int32_t err = guest_string(p, 128 << 10, &s);
        if (err) {
            free(v);
            return err;
        }
        v[n] = (char *)s;
    }
    v[n] = NULL;
    *out = v;
    return 0;
}

static bool is_i386_elf(const uint8_t *h, size_t n)
{
    return n >= 20 && memcmp(h, "\177ELF", 4) == 0 && h[4] == 1 /* ELFCLASS32 */
           && h[5] == 1 /* little endian */ && h[18] == 3 && h[19] == 0 /* EM_386 */;
}

/* The first bytes of a file, or -errno. */
static ssize_t read_head(const char *path, uint8_t *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, size);
    int e = errno;
    close(fd);
    return n < 0 ? -e : n;
}

/* Replaces this process by xqm-user running program (argv[0] = argv0, then args). */
static int run_under_xqm(const char *program, const char *argv0, char *const *args, char *const *envp)
{
    int nargs = 0;
    while (args[nargs])
        nargs++;
    char **v = calloc((size_t)(self_argc + nargs + 5), sizeof *v);
    if (!v)
        return -ENOMEM;
    int k = 0;
    for (int i = 0; i < self_argc; i++)
        v[k++] = self_argv[i];
    v[k++] = (char *)"-0";
    v[k++] = (char *)argv0;
    v[k++] = (char *)"--";
    v[k++] = (char *)program;
    for (int i = 0; i < nargs; i++)
        v[k++] = args[i];
    v[k] = NULL;
    if (xqm_log_enabled(LOG_STRACE))
        xqm_log(" = (execve of i386 program %s)\n", program);
    fflush(NULL);
    execve(v[0], v, envp);
    int e = errno;
    free(v);
    return -e;
}

/*
 * The #! line of a script: interpreter and optional single argument, as binfmt_script splits it.
 * Returns false if buf does not start with a usable #! line.
 */
static bool parse_shebang(char *buf, size_t n, char **interp, char **arg)
{
    if (n < 3 || buf[0] != '#' || buf[1] != '!')
        return false;
    buf[n < BINPRM_BUF_SIZE ? n : BINPRM_BUF_SIZE - 1] = 0;
    char *end = strchr(buf, '\n');
    if (end)
        *end = 0;
    char *p = buf + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return false;
    *interp = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    *arg = NULL;
    if (*p) {
        *p++ = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        char *q = p + strlen(p);
        while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
            *--q = 0;
        if (*p)
            *arg = p;
    }
    return true;
}

static bool is_own_exe(const char *path)
{
    char own[40];
    snprintf(own, sizeof own, "/proc/%d/exe", (int)getpid());
    return strcmp(path, "/proc/self/exe") == 0 || strcmp(path, "/proc/thread-self/exe") == 0
           || strcmp(path, own) == 0;
}

static int do_execve(const char *path, char **argv, char **envp)
{
    const char *exe = is_own_exe(path) && guest_image.exe_path ? guest_image.exe_path : path;
    uint8_t head[BINPRM_BUF_SIZE + 1];
    ssize_t n = read_head(exe, head, BINPRM_BUF_SIZE);
    if (n < 0 && n != -EACCES)
        return (int)n;
    if (access(exe, X_OK) != 0)
        return -errno;
    struct stat st;
    if (stat(exe, &st) == 0 && !S_ISREG(st.st_mode))
        return -EACCES;
    char *const *args = argv[0] ? argv + 1 : argv;
    if (n > 0 && is_i386_elf(head, (size_t)n))
        return run_under_xqm(exe, argv[0] ? argv[0] : exe, args, envp);

    char *interp, *iarg;
    if (n > 0 && parse_shebang((char *)head, (size_t)n, &interp, &iarg)) {
        uint8_t ihead[64];
        const char *iexe = is_own_exe(interp) && guest_image.exe_path ? guest_image.exe_path : interp;
        ssize_t in = read_head(iexe, ihead, sizeof ihead);
        if (in > 0 && is_i386_elf(ihead, (size_t)in)) {
            /* binfmt_script: interpreter [arg] script args... (the script's own argv[0] goes). */
            int nargs = 0;
            while (args[nargs])
                nargs++;
            char **v = calloc((size_t)nargs + 3, sizeof *v);
            if (!v)
                return -ENOMEM;
            int k = 0;
            if (iarg)
                v[k++] = iarg;
            v[k++] = (char *)path;
            for (int i = 0; i < nargs; i++)
                v[k++] = args[i];
            int r = run_under_xqm(iexe, interp, v, envp);
            free(v);
            return r;
        }
    }
    if (xqm_log_enabled(LOG_STRACE))
        xqm_log(" = (host execve of %s)\n", exe);
    fflush(NULL);
    execve(exe, argv, envp);
    return -errno;
}

int32_t sys_execve(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[0], &path);
    if (err)
        return err;
    char **argv, **envp;
    if ((err = get_string_array(sc->arg[1], &argv)) != 0)
        return err;
    if ((err = get_string_array(sc->arg[2], &envp)) != 0) {
        free(argv);
        return err;
    }
    int r = do_execve(path, argv, envp);
    free(argv);
    free(envp);
    return guest_err(-r);
}

int32_t sys_execveat(const struct syscall *sc)
{
    const char *path;
    int32_t err = guest_path(sc->arg[1], &path);
    if (err)
        return err;
    int dirfd = (int)sc->arg[0];
    char full[4096];
    /* Relative to dirfd: /proc/self/fd/N names the directory (AT_EMPTY_PATH: the file itself). */
    if (path[0] != '/' && dirfd != -100) {
        if (path[0] == 0 && (sc->arg[4] & 0x1000))
            snprintf(full, sizeof full, "/proc/self/fd/%d", dirfd);
        else
            snprintf(full, sizeof full, "/proc/self/fd/%d/%s", dirfd, path);
        path = full;
    }
    char **argv, **envp;
    if ((err = get_string_array(sc->arg[2], &argv)) != 0)
        return err;
    if ((err = get_string_array(sc->arg[3], &envp)) != 0) {
        free(argv);
        return err;
    }
    int r = do_execve(path, argv, envp);
    free(argv);
    free(envp);
    return guest_err(-r);
}

/* ---- wait ---- */

static int32_t do_wait4(pid_t pid, uint32_t status_addr, int options, uint32_t rusage_addr)
{
    uint8_t *status_out = NULL;
    if (status_addr && !(status_out = guest_ptr(status_addr, 4, PAGE_WRITE)))
        return guest_err(EFAULT);
    struct rusage ru;
    int status = 0;
    long r = safe_syscall(SYS_wait4, pid, &status, options, rusage_addr ? &ru : NULL);
    if (r < 0)
        return guest_err((int)-r);
    if (r > 0 && status_out)
        store_u32(status_out, (uint32_t)host_wait_status_to_guest(status));
    if (r > 0 && rusage_addr) {
        int32_t err = put_guest_rusage(rusage_addr, &ru);
        if (err)
            return err;
    }
    return (int32_t)r;
}

int32_t sys_wait4(const struct syscall *sc)
{
    return do_wait4((pid_t)sc->arg[0], sc->arg[1], (int)sc->arg[2], sc->arg[3]);
}

int32_t sys_waitpid(const struct syscall *sc)
{
    return do_wait4((pid_t)sc->arg[0], sc->arg[1], (int)sc->arg[2], 0);
}

int32_t sys_waitid(const struct syscall *sc)
{
    struct guest_siginfo *info_out = NULL;
    if (sc->arg[2] && !(info_out = guest_ptr(sc->arg[2], sizeof *info_out, PAGE_WRITE)))
        return guest_err(EFAULT);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    struct rusage ru;
    long r = safe_syscall(SYS_waitid, (int)sc->arg[0], (pid_t)sc->arg[1], &info, (int)sc->arg[3],
                          sc->arg[4] ? &ru : NULL);
    if (r < 0)
        return guest_err((int)-r);
    if (info_out) {
        if (info.si_signo == 0)
            memset(info_out, 0, sizeof *info_out);     /* WNOHANG and nothing to report */
        else
            host_siginfo_to_guest(&info, host_to_guest_signal(info.si_signo), info_out);
    }
    if (sc->arg[4]) {
        int32_t err = put_guest_rusage(sc->arg[4], &ru);
        if (err)
            return err;
    }
    return 0;
}

/* ---- sessions and process groups ---- */

int32_t sys_setsid(const struct syscall *sc)
{
    (void)sc;
    return guest_ret(setsid());
}

int32_t sys_setpgid(const struct syscall *sc)
{
    return guest_ret(setpgid((pid_t)sc->arg[0], (pid_t)sc->arg[1]));
}
