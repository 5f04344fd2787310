/*
 * What the syscall_*.c files share: the call record, the table row, errno and flag conversion,
 * guest-memory access checks, and the handlers the table points to.
 *
 * Conventions for handlers: they take the call record and return the value the guest sees in EAX,
 * a negative *i386* errno on failure, produced only through guest_err/guest_ret (host errno values
 * differ on MIPS). They never touch guest memory without guest_ptr or guest_path first, so a bad
 * pointer is -EFAULT and never a host fault.
 */
#ifndef XQM_LINUX_USER_SYSCALL_H
#define XQM_LINUX_USER_SYSCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "target/i386/cpu.h"

/* One i386 syscall as the guest made it: number in EAX, arguments in EBX ECX EDX ESI EDI EBP. */
struct syscall {
    CPUX86State *env;
    uint32_t nr;
    uint32_t arg[6];
};

typedef int32_t syscall_fn(const struct syscall *sc);

/*
 * A row of the syscall table, indexed by i386 syscall number. `args` describes each argument for
 * -strace, one letter per argument (see strace.c): d signed, u unsigned, x hex, p pointer, s string,
 * o octal, f open flags, a dirfd. `ret` is 'x' for calls returning an address, else 0.
 */
struct syscall_def {
    const char *name;
    syscall_fn *handler;        /* NULL: not implemented, the guest gets -ENOSYS */
    const char *args;
    char ret;
};

enum { GUEST_NR_SYSCALLS = 451 };
extern const struct syscall_def syscall_table[GUEST_NR_SYSCALLS];

/* ---- errno (syscall.c) ---- */

/* The i386 errno value for a host errno value. */
int guest_errno(int host_errno);
/* The host errno value for an i386 errno value (for messages). */
int host_errno_of_guest(int guest_errno_value);

/* -errno for the guest, from a host errno constant: `return guest_err(EFAULT);`. */
static inline int32_t guest_err(int host_errno)
{
    return -guest_errno(host_errno);
}

/* A libc call's result for the guest: negative means failure with errno set. */
int32_t guest_ret(long host_result);

/* A linux-user function's result for the guest: negative values are -host_errno. */
static inline int32_t guest_ret_neg(long result)
{
    return result < 0 ? guest_err((int)-result) : (int32_t)result;
}

/* ---- guest memory (syscall.c) ---- */

/* Host pointer to [addr, addr+len) if all of it is mapped with prot (PAGE_*), else NULL. */
void *guest_ptr(uint32_t addr, uint32_t len, unsigned prot);

/*
 * Host pointer to the NUL-terminated guest string at addr in *out, checked readable up to its NUL;
 * returns 0, or the guest's -EFAULT, or -ENAMETOOLONG when longer than max (the NUL included).
 */
int32_t guest_string(uint32_t addr, size_t max, const char **out);

/* guest_string for a path (PATH_MAX), the common case. */
int32_t guest_path(uint32_t addr, const char **out);

/* ---- flag translation (syscall.c) ---- */

struct flag_map {
    uint32_t guest;
    uint32_t host;
};

uint32_t flags_to_host(const struct flag_map *map, size_t n, uint32_t guest_flags);
uint32_t flags_to_guest(const struct flag_map *map, size_t n, uint32_t host_flags);

/* i386 O_* values <-> host (MIPS moves O_APPEND, O_NONBLOCK, O_CREAT... elsewhere). */
int open_flags_to_host(uint32_t guest_flags);
uint32_t open_flags_to_guest(int host_flags);

/* ---- time structs (syscall_time.c) ---- */

/*
 * Reads a guest timespec: the 32-bit i386 layout, or the 64-bit one of the *_time64 syscalls.
 * Returns 0 or a guest -errno.
 */
int32_t get_guest_timespec(uint32_t addr, bool time64, struct timespec *ts);
int32_t put_guest_timespec(uint32_t addr, bool time64, const struct timespec *ts);

/* ---- directories (syscall_dir.c) ---- */

/*
 * The guest sees 32-bit directory offsets (see syscall_dir.c); lseek on a directory translates them.
 * Returns true and the host offset if guest_off is a cookie handed out for the directory open at fd.
 */
bool dir_cookie_to_host(int fd, int64_t guest_off, int64_t *host_off);
/* The guest cookie for a host directory offset, for lseek's result on a directory. */
int64_t dir_cookie_to_guest(int fd, int64_t host_off);
/* The same for a directory entry being returned (getdents): registers the directory if needed. */
int64_t dir_cookie_for_entry(int fd, int64_t host_off);

/* ---- -strace (strace.c) ---- */

/*
 * The two halves of a -strace line: "PID name(args)" before the call runs (def may be NULL for a
 * number outside the table), " = result" after it.
 */
void strace_call(const struct syscall *sc, const struct syscall_def *def);
void strace_result(const struct syscall_def *def, int32_t ret);

/* ---- handlers, by file ---- */

/* syscall_file.c */
syscall_fn sys_read, sys_write, sys_readv, sys_writev, sys_pread64, sys_pwrite64;
syscall_fn sys_open, sys_openat, sys_creat, sys_close, sys_dup, sys_dup2, sys_dup3;
syscall_fn sys_pipe, sys_pipe2, sys_lseek, sys__llseek, sys_fcntl, sys_fcntl64;
syscall_fn sys_unlink, sys_unlinkat, sys_access, sys_faccessat, sys_faccessat2;
syscall_fn sys_chdir, sys_fchdir, sys_mkdir, sys_mkdirat, sys_rmdir, sys_rename, sys_renameat;
syscall_fn sys_renameat2, sys_link, sys_symlink, sys_chmod, sys_fchmod, sys_umask, sys_getcwd;
syscall_fn sys_readlink, sys_readlinkat, sys_fsync, sys_fdatasync, sys_ftruncate64, sys_truncate64;
syscall_fn sys_truncate, sys_ftruncate;

/* syscall_stat.c */
syscall_fn sys_stat64, sys_lstat64, sys_fstat64, sys_fstatat64, sys_statx;

/* syscall_dir.c */
syscall_fn sys_getdents64;

/* syscall_ioctl.c */
syscall_fn sys_ioctl;

/* syscall_mem.c */
syscall_fn sys_brk, sys_mmap, sys_mmap2, sys_munmap, sys_mprotect, sys_mremap, sys_madvise, sys_msync;

/* syscall_time.c */
syscall_fn sys_time, sys_gettimeofday, sys_clock_gettime, sys_clock_gettime64;
syscall_fn sys_clock_getres, sys_clock_getres_time64, sys_nanosleep, sys_clock_nanosleep;
syscall_fn sys_clock_nanosleep_time64, sys_times, sys_getrusage;
struct rusage;
/* Writes a host rusage as the i386 struct rusage at addr: 0 or the guest's -EFAULT. */
int32_t put_guest_rusage(uint32_t addr, const struct rusage *ru);

/* syscall_proc.c */
syscall_fn sys_exit, sys_exit_group, sys_getpid, sys_getppid, sys_gettid, sys_getuid, sys_geteuid;
syscall_fn sys_getgid, sys_getegid, sys_getuid16, sys_geteuid16, sys_getgid16, sys_getegid16;
syscall_fn sys_uname, sys_set_tid_address, sys_set_robust_list;
syscall_fn sys_rseq, sys_getrlimit, sys_ugetrlimit, sys_setrlimit, sys_prlimit64, sys_sysinfo;
syscall_fn sys_sched_yield, sys_sched_getaffinity, sys_getrandom;
syscall_fn sys_futex, sys_futex_time64, sys_getpgrp, sys_getpgid, sys_getsid, sys_get_robust_list;

/* syscall_tls.c */
syscall_fn sys_set_thread_area, sys_get_thread_area, sys_modify_ldt;
/* set_thread_area on env with the user_desc at desc_addr (also clone's CLONE_SETTLS). */
int32_t cpu_set_thread_area(CPUX86State *env, uint32_t desc_addr);

/* syscall_signal.c */
syscall_fn sys_rt_sigaction, sys_rt_sigprocmask, sys_sigaltstack, sys_sigaction, sys_signal;
syscall_fn sys_sigprocmask, sys_sgetmask, sys_ssetmask, sys_rt_sigpending, sys_sigpending;
syscall_fn sys_rt_sigsuspend, sys_sigsuspend, sys_pause, sys_rt_sigtimedwait;
syscall_fn sys_rt_sigtimedwait_time64, sys_kill, sys_tkill, sys_tgkill, sys_rt_sigqueueinfo;
syscall_fn sys_rt_tgsigqueueinfo, sys_alarm, sys_setitimer, sys_getitimer;

/* sigframe.c */
syscall_fn sys_sigreturn, sys_rt_sigreturn;

/* syscall_exec.c */
syscall_fn sys_fork, sys_vfork, sys_clone, sys_execve, sys_execveat, sys_wait4, sys_waitpid;
syscall_fn sys_waitid, sys_setsid, sys_setpgid;

/* syscall_poll.c */
syscall_fn sys__newselect, sys_select, sys_pselect6, sys_pselect6_time64, sys_poll, sys_ppoll;
syscall_fn sys_ppoll_time64, sys_epoll_create, sys_epoll_create1, sys_epoll_ctl, sys_epoll_wait;
syscall_fn sys_epoll_pwait, sys_epoll_pwait2;

/* syscall_fs.c */
syscall_fn sys_utimensat, sys_utimensat_time64, sys_utimes, sys_futimesat, sys_utime, sys_chown32;
syscall_fn sys_lchown32, sys_fchown32, sys_fchownat, sys_chown16, sys_lchown16, sys_fchown16;
syscall_fn sys_statfs, sys_fstatfs, sys_statfs64, sys_fstatfs64, sys_old_stat, sys_old_lstat;
syscall_fn sys_old_fstat, sys_linkat, sys_symlinkat, sys_fchmodat, sys_mknodat, sys_mknod, sys_sync;
syscall_fn sys_syncfs, sys_flock, sys_fallocate, sys_fadvise64, sys_fadvise64_64, sys_readahead;
syscall_fn sys_sendfile, sys_sendfile64, sys_splice, sys_tee, sys_copy_file_range, sys_preadv;
syscall_fn sys_pwritev, sys_getdents, sys_preadv2, sys_pwritev2, sys_sync_file_range;

/* syscall_ipc.c */
syscall_fn sys_semget, sys_semctl, sys_semtimedop_time64, sys_msgget, sys_msgsnd, sys_msgrcv;
syscall_fn sys_msgctl, sys_shmget, sys_shmctl, sys_shmat, sys_shmdt, sys_ipc;

/* syscall_xattr.c */
syscall_fn sys_setxattr, sys_lsetxattr, sys_fsetxattr, sys_getxattr, sys_lgetxattr, sys_fgetxattr;
syscall_fn sys_listxattr, sys_llistxattr, sys_flistxattr, sys_removexattr, sys_lremovexattr;
syscall_fn sys_fremovexattr;

/* syscall_misc.c */
syscall_fn sys_eventfd, sys_eventfd2, sys_inotify_init, sys_inotify_init1, sys_inotify_add_watch;
syscall_fn sys_inotify_rm_watch, sys_sched_setaffinity, sys_sched_getparam, sys_sched_setparam;
syscall_fn sys_sched_getscheduler, sys_sched_setscheduler, sys_sched_get_priority_max;
syscall_fn sys_sched_get_priority_min, sys_sched_rr_get_interval, sys_sched_rr_get_interval_time64;
syscall_fn sys_sched_getattr, sys_sched_setattr, sys_getcpu, sys_timer_create, sys_timer_settime;
syscall_fn sys_timer_settime64, sys_timer_gettime, sys_timer_gettime64, sys_timerfd_settime;
syscall_fn sys_timerfd_settime64, sys_timerfd_gettime, sys_timerfd_gettime64, sys_timer_getoverrun;
syscall_fn sys_timer_delete, sys_timerfd_create, sys_clock_settime, sys_clock_settime64, sys_prctl;
syscall_fn sys_setuid32, sys_setgid32, sys_setreuid32, sys_setregid32, sys_setresuid32;
syscall_fn sys_setresgid32, sys_setfsuid32, sys_setfsgid32, sys_setuid16, sys_setgid16;
syscall_fn sys_setreuid16, sys_setregid16, sys_setresuid16, sys_setresgid16, sys_setfsuid16;
syscall_fn sys_setfsgid16, sys_getresuid32, sys_getresgid32, sys_getresuid16, sys_getresgid16;
syscall_fn sys_getgroups32, sys_setgroups32, sys_getgroups16, sys_setgroups16, sys_getpriority;
syscall_fn sys_setpriority, sys_nice, sys_personality, sys_mlock, sys_munlock, sys_mlockall;
syscall_fn sys_munlockall, sys_memfd_create, sys_membarrier, sys_close_range, sys_capget, sys_capset;
syscall_fn sys_ioprio_get, sys_ioprio_set, sys_sethostname, sys_setdomainname, sys_chroot;
syscall_fn sys_settimeofday, sys_mlock2, sys_pidfd_open;

/* syscall_socket.c */
syscall_fn sys_socket, sys_socketpair, sys_bind, sys_connect, sys_listen, sys_accept4;
syscall_fn sys_getsockname, sys_getpeername, sys_sendto, sys_recvfrom, sys_shutdown;
syscall_fn sys_setsockopt, sys_getsockopt, sys_sendmsg, sys_recvmsg, sys_sendmmsg, sys_recvmmsg;
syscall_fn sys_socketcall;
/* SOL_SOCKET and its option numbers differ on MIPS; other levels pass through (-1: unknown). */
int socket_option_to_host(int guest_option);
int socket_option_to_guest(int host_option);
int socket_level_to_host(int guest_level);
int socket_level_to_guest(int host_level);
struct sockaddr_storage;
/* A guest socket address into *out (the layouts agree); 0 or a guest -errno. */
int32_t get_guest_sockaddr(uint32_t addr, uint32_t len, struct sockaddr_storage *out,
                           unsigned *out_len);
/* A host socket address into the guest's (addr, *len_addr) pair, truncated, full length stored. */
int32_t put_guest_sockaddr(uint32_t addr, uint32_t len_addr, const struct sockaddr_storage *sa,
                           unsigned len);

/* syscall_sockmsg.c: the message calls, shared by the direct syscalls and socketcall. */
int32_t socket_sendmsg(uint32_t fd, uint32_t msg_addr, uint32_t flags);
int32_t socket_recvmsg(uint32_t fd, uint32_t msg_addr, uint32_t flags);
int32_t socket_sendmmsg(uint32_t fd, uint32_t vec, uint32_t vlen, uint32_t flags);
int32_t socket_recvmmsg(uint32_t fd, uint32_t vec, uint32_t vlen, uint32_t flags);

/* ---- /proc emulation (procfs.c) ---- */

enum { PROCFS_NOT_EMULATED = -0x7fffffff };
/*
 * Opens path if it is one of the /proc/self files xqm emulates (host open flags): returns the
 * descriptor or -errno (host), or PROCFS_NOT_EMULATED for any other path.
 */
int procfs_open(const char *path, int host_flags);

#endif
