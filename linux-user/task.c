/*
 * Guest threads and processes: the TaskState of each guest thread, clone (threads as host threads,
 * everything else as host forks), thread exit with its CLONE_CHILD_CLEARTID wake-up, exit_group.
 *
 * A guest thread is a host thread (pthread) running cpu_loop on its own copy of the CPU state,
 * with its own jump cache, its own signal queue and mask, and its own TLS descriptors (env->gdt is
 * per CPU). Its guest tid is its host tid, so futexes, tgkill and /proc agree with the host.
 *
 * Jump caches cannot be unregistered from the core (tb.c keeps at most 256), so a dead thread's
 * cache goes to a pool and the next thread reuses it: a cache stays correct while it is registered,
 * because invalidation and flushes clear every registered cache. At most 256 guest threads can
 * therefore be alive at once.
 *
 * Invariant: live_threads counts the guest threads that have not called exit; the last one to
 * leave ends the process, with the exit status Linux would report (the leader's, see task_exit_thread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/tb.h"
#include "common/xqm.h"
#include "linux-user/syscall.h"
#include "linux-user/user.h"

/* Linux clone flags (the same values for i386 and every other architecture). */
enum {
    G_CLONE_VM = 0x100, G_CLONE_FS = 0x200, G_CLONE_FILES = 0x400, G_CLONE_SIGHAND = 0x800,
    G_CLONE_PIDFD = 0x1000, G_CLONE_PTRACE = 0x2000, G_CLONE_VFORK = 0x4000,
    G_CLONE_PARENT = 0x8000, G_CLONE_THREAD = 0x10000, G_CLONE_NEWNS = 0x20000,
    G_CLONE_SYSVSEM = 0x40000, G_CLONE_SETTLS = 0x80000, G_CLONE_PARENT_SETTID = 0x100000,
    G_CLONE_CHILD_CLEARTID = 0x200000, G_CLONE_DETACHED = 0x400000, G_CLONE_UNTRACED = 0x800000,
    G_CLONE_CHILD_SETTID = 0x1000000,
    THREAD_NEEDS = G_CLONE_VM | G_CLONE_FS | G_CLONE_FILES | G_CLONE_SIGHAND | G_CLONE_THREAD,
    THREAD_IGNORED = G_CLONE_SYSVSEM | G_CLONE_DETACHED | G_CLONE_UNTRACED | G_CLONE_PTRACE,
    THREAD_HANDLED = G_CLONE_SETTLS | G_CLONE_PARENT_SETTID | G_CLONE_CHILD_CLEARTID
                     | G_CLONE_CHILD_SETTID,
    HOST_THREAD_STACK = 2 << 20,
};

static __thread TaskState *current_task;

static pthread_mutex_t task_lock = PTHREAD_MUTEX_INITIALIZER;
static int live_threads = 1;
static bool leader_exited;
static int leader_status;
static struct jc_entry *jc_pool[256];
static int njc_pool;

TaskState *task_self(void)
{
    return current_task;
}

static TaskState *task_new(CPUX86State *env)
{
    TaskState *ts = calloc(1, sizeof *ts);
    if (!ts)
        xqm_fatal("out of memory for a guest thread");
    ts->env = env;
    ts->altstack_flags = GUEST_SS_DISABLE;
    env->mode_opaque = ts;
    return ts;
}

TaskState *task_init_main(CPUX86State *env)
{
    TaskState *ts = task_new(env);
    ts->tid = gettid();
    /* The signal mask survives execve: the guest starts with the one xqm was started with. */
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, NULL, &cur);
    ts->blocked = host_sigset_to_guest(&cur);
    current_task = ts;
    signal_thread_init(ts);
    return ts;
}

/* Stores a tid into guest memory for CLONE_*_SETTID, silently skipped when the address is bad. */
static void put_tid(uint32_t addr, int tid)
{
    void *p = guest_ptr(addr, 4, PAGE_WRITE);
    if (p)
        store_u32(p, (uint32_t)tid);
}

/* ---- threads ---- */

struct thread_start {
    TaskState *ts;
    uint32_t flags, parent_tid, child_tid;
    sem_t ready;
    int tid;
};

static void *thread_main(void *arg)
{
    struct thread_start *start = arg;
    TaskState *ts = start->ts;
    current_task = ts;
    ts->tid = gettid();
    /* Both before the parent's clone returns, as the kernel does them (and glibc relies on). */
    if (start->flags & G_CLONE_PARENT_SETTID)
        put_tid(start->parent_tid, ts->tid);
    if (start->flags & G_CLONE_CHILD_SETTID)
        put_tid(start->child_tid, ts->tid);
    start->tid = ts->tid;
    sem_post(&start->ready);        /* `start` belongs to the parent from here on */

    signal_thread_init(ts);
    ts->has_exit_jmp = true;
    if (setjmp(ts->exit_jmp) == 0)
        cpu_loop(ts->env);

    /* The thread called exit: give back what it had. No host handler may look at ts any more. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
    current_task = NULL;
    stack_t off = { .ss_flags = SS_DISABLE };
    sigaltstack(&off, NULL);
    free(ts->host_altstack);
    pthread_mutex_lock(&task_lock);
    jc_pool[njc_pool++] = ts->env->jc;
    pthread_mutex_unlock(&task_lock);
    free(ts->env);
    free(ts);
    return NULL;
}

static int32_t create_thread(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t parent_tid,
                             uint32_t tls, uint32_t child_tid)
{
    TaskState *parent = env->mode_opaque;
    CPUX86State *child = malloc(sizeof *child);
    if (!child)
        return guest_err(ENOMEM);
    memcpy(child, env, sizeof *child);
    child->regs[R_EAX] = 0;
    if (newsp)
        child->regs[R_ESP] = newsp;
    child->exit_request = 0;
    TaskState *ts = task_new(child);
    ts->blocked = parent->blocked;
    if (flags & G_CLONE_CHILD_CLEARTID)
        ts->clear_child_tid = child_tid;
    if (flags & G_CLONE_SETTLS) {
        int32_t err = cpu_set_thread_area(child, tls);
        if (err) {
            free(ts);
            free(child);
            return err;
        }
    }

    pthread_mutex_lock(&task_lock);
    if (live_threads >= (int)(sizeof jc_pool / sizeof jc_pool[0])) {
        pthread_mutex_unlock(&task_lock);
        free(ts);
        free(child);
        return guest_err(EAGAIN);
    }
    child->jc = njc_pool > 0 ? jc_pool[--njc_pool] : NULL;
    live_threads++;
    pthread_mutex_unlock(&task_lock);
    if (!child->jc)
        child->jc = tb_jc_alloc();

    struct thread_start start = { ts, flags, parent_tid, child_tid, .tid = 0 };
    sem_init(&start.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, HOST_THREAD_STACK);
    /* The new thread starts with every host signal blocked until it knows its TaskState. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t thread;
    int err = pthread_create(&thread, &attr, thread_main, &start);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        pthread_mutex_lock(&task_lock);
        live_threads--;
        jc_pool[njc_pool++] = child->jc;
        pthread_mutex_unlock(&task_lock);
        free(ts);
        free(child);
        return guest_err(EAGAIN);
    }
    while (sem_wait(&start.ready) != 0)
        continue;
    sem_destroy(&start.ready);
    return start.tid;
}

/* ---- processes ---- */

/* A descriptor of xqm's own, moved high so that the guest's numbering is undisturbed. */
static int high_fd(int fd)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < 64)
        return fd;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, (int)(rl.rlim_cur > 1024 ? 1024 : rl.rlim_cur) - 32);
    if (high < 0)
        return fd;
    close(fd);
    return high;
}

void task_fork_begin(void)
{
    pthread_mutex_lock(&task_lock);
    tb_lock();
    guest_space_fork_lock(true);
}

void task_fork_end(bool child)
{
    guest_space_fork_lock(false);
    tb_unlock();
    if (child) {
        live_threads = 1;
        leader_exited = false;
    }
    pthread_mutex_unlock(&task_lock);
}

/*
 * A new process. With CLONE_VFORK the parent waits, as Linux's vfork does, until the child has
 * called execve or exited: the child holds the write end of a close-on-exec pipe, and the parent
 * reads until end of file. The child does not share the parent's memory (a fork), which the vfork
 * users that matter (shells, posix_spawn) do not rely on.
 */
static int32_t fork_process(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t parent_tid,
                            uint32_t child_tid)
{
    TaskState *ts = env->mode_opaque;
    int vfork_pipe[2] = { -1, -1 };
    if ((flags & G_CLONE_VFORK) && pipe2(vfork_pipe, O_CLOEXEC) == 0) {
        vfork_pipe[0] = high_fd(vfork_pipe[0]);
        vfork_pipe[1] = high_fd(vfork_pipe[1]);
    }
    fflush(NULL);
    task_fork_begin();
    pid_t pid = fork();
    int fork_errno = errno;
    task_fork_end(pid == 0);
    if (pid == 0) {
        ts->tid = gettid();
        ts->nqueued = 0;
        ts->sync.sig = 0;
        ts->signal_pending = 0;
        ts->clear_child_tid = (flags & G_CLONE_CHILD_CLEARTID) ? child_tid : 0;
        if (flags & G_CLONE_CHILD_SETTID)
            put_tid(child_tid, ts->tid);
        if (newsp)
            env->regs[R_ESP] = newsp;
        if (vfork_pipe[0] >= 0)
            close(vfork_pipe[0]);
        return 0;
    }
    if (pid < 0) {
        if (vfork_pipe[0] >= 0) {
            close(vfork_pipe[0]);
            close(vfork_pipe[1]);
        }
        return guest_err(fork_errno);
    }
    if (flags & G_CLONE_PARENT_SETTID)
        put_tid(parent_tid, pid);
    if (vfork_pipe[0] >= 0) {
        close(vfork_pipe[1]);
        char c;
        while (read(vfork_pipe[0], &c, 1) < 0 && errno == EINTR)
            continue;
        close(vfork_pipe[0]);
    }
    return pid;
}

int32_t task_clone(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t parent_tid,
                   uint32_t tls, uint32_t child_tid)
{
    if (flags & G_CLONE_VM) {
        if (flags & G_CLONE_THREAD) {
            uint32_t other = flags & ~(THREAD_NEEDS | THREAD_IGNORED | THREAD_HANDLED | 0xff);
            if ((flags & THREAD_NEEDS) != THREAD_NEEDS || other != 0) {
                if (xqm_log_enabled(LOG_UNIMP))
                    xqm_log("xqm-user: unsupported clone flags 0x%x\n", flags);
                return guest_err(EINVAL);
            }
            return create_thread(env, flags, newsp, parent_tid, tls, child_tid);
        }
        if (!(flags & G_CLONE_VFORK)) {
            if (xqm_log_enabled(LOG_UNIMP))
                xqm_log("xqm-user: clone with CLONE_VM but neither CLONE_THREAD nor CLONE_VFORK\n");
            return guest_err(EINVAL);
        }
    }
    if (flags & (G_CLONE_THREAD | G_CLONE_SIGHAND))
        return guest_err(EINVAL);
    return fork_process(env, flags, newsp, parent_tid, child_tid);
}

/* ---- exit ---- */

_Noreturn void task_exit_process(int status)
{
    if (xqm_log_enabled(LOG_STRACE))
        xqm_log(" = ?\n");
    fflush(NULL);
    _exit(status & 0xff);
}

_Noreturn void task_exit_thread(int status)
{
    TaskState *ts = current_task;
    if (ts->clear_child_tid) {
        void *p = guest_ptr(ts->clear_child_tid, 4, PAGE_WRITE);
        if (p) {
            store_u32(p, 0);
            /* A shared wake, as the kernel's mm_release does: glibc waits for it LLL_SHARED. */
            syscall(SYS_futex, p, FUTEX_WAKE, 1, NULL, NULL, 0);
        }
    }
    pthread_mutex_lock(&task_lock);
    bool last = --live_threads == 0;
    bool main_thread = !ts->has_exit_jmp;
    if (main_thread) {
        leader_exited = true;
        leader_status = status;
    }
    int process_status = leader_exited ? leader_status : status;
    pthread_mutex_unlock(&task_lock);
    if (last)
        task_exit_process(process_status);
    if (xqm_log_enabled(LOG_STRACE))
        xqm_log(" = ?\n");
    if (!main_thread)
        longjmp(ts->exit_jmp, 1);
    /* The first host thread cannot return anywhere: end it alone, the process lives on. */
    for (;;)
        syscall(SYS_exit, 0);
}
