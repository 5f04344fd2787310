/*
 * linux-user: one static i386 Linux program running as one MIPS64 Linux process, each guest
 * thread a host thread, each guest process a host process.
 *
 * The parts and who calls whom:
 *   main.c      command line, then guest_space_init, elf_load_program, cpu_loop
 *   mmap.c      the guest's 4 GiB address space at guest_base, kept in 4 KiB guest pages; the
 *               write protection of pages holding translated code (self-modifying code)
 *   elfload.c   maps the program and builds the initial stack the way Linux does for i386
 *   task.c      per-thread TaskState, clone (threads and forks), thread and process exit
 *   cpu_loop.c  runs cpu_exec and turns its exits into syscalls and guest signals
 *   syscall*.c  the i386 `int $0x80` ABI on top of the host's system calls (syscall_table.c lists
 *               them all); safe_syscall.c makes blocking ones interruptible by guest signals
 *   signal.c    host signals: catching them for the guest, faults in translated code, numbering
 *   sigframe.c  delivering guest signals on i386 signal frames, sigreturn
 *   procfs.c    the guest's /proc/self/{exe,cmdline,auxv,maps}
 *   mode.c      what the core asks of a mode (common/mode.h), including the SMC single step
 *
 * Error convention inside linux-user: functions return a negative *host* errno; only the syscall
 * layer converts to i386 errno values (they differ from MIPS ones), at one place (syscall.c).
 */
#ifndef XQM_LINUX_USER_USER_H
#define XQM_LINUX_USER_USER_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "target/i386/cpu.h"

/* ---- guest address space (mmap.c) ---- */

enum { GUEST_PAGE_BITS = 12, GUEST_PAGE_SIZE = 1 << GUEST_PAGE_BITS };
#define GUEST_PAGE_MASK (~(uint32_t)(GUEST_PAGE_SIZE - 1))
#define GUEST_SPACE_SIZE ((uint64_t)1 << 32)

/*
 * The layout, shaped like Linux's i386 layout (top-down mmap) but kept below 2 GiB, where
 * translated code may use a guest address's sign-extended register value as the host address
 * without zero-extending it (host/mips/ldst_user.c):
 *   0x00010000                lowest address a guest may map (Linux's default mmap_min_addr)
 *   0x08048000 / 0x56555000   ET_EXEC programs at their link address / static-pie programs
 *   after the program         brk heap, growing up
 *   below GUEST_MMAP_TOP      mmap without MAP_FIXED, allocated top-down
 *   GUEST_STACK_TOP - 8 MiB   the main stack, growing down from GUEST_STACK_TOP
 *   GUEST_STACK_TOP..GUEST_HIGH_TOP   used only when the guest asks for it (MAP_FIXED, a hint, a
 *                             program linked there) or when everything below is taken; the first
 *                             access there switches translation to zero-extended addresses
 */
#define GUEST_LOWEST_MAP 0x00010000u
#define GUEST_PIE_BASE 0x56555000u
#define GUEST_STACK_TOP 0x7ffdd000u
#define GUEST_HIGH_TOP 0xffffe000u
#define GUEST_STACK_SIZE (8u << 20)
#define GUEST_MMAP_TOP (GUEST_STACK_TOP - GUEST_STACK_SIZE - (120u << 20))

/* Per guest page flags. The prot bits equal PROT_READ/WRITE/EXEC (same values on i386 and MIPS). */
enum {
    PAGE_READ = 1,
    PAGE_WRITE = 2,
    PAGE_EXEC = 4,
    PAGE_VALID = 8,     /* mapped for the guest */
    PAGE_CODE = 16,     /* a TB holds code from this page */
};

/* i386 mmap flags: the guest ABI's values (MIPS puts MAP_ANONYMOUS and friends elsewhere). */
enum {
    GUEST_MAP_SHARED = 0x01,
    GUEST_MAP_PRIVATE = 0x02,
    GUEST_MAP_SHARED_VALIDATE = 0x03,
    GUEST_MAP_TYPE = 0x0f,
    GUEST_MAP_FIXED = 0x10,
    GUEST_MAP_ANONYMOUS = 0x20,
    GUEST_MAP_GROWSDOWN = 0x0100,
    GUEST_MAP_DENYWRITE = 0x0800,
    GUEST_MAP_EXECUTABLE = 0x1000,
    GUEST_MAP_LOCKED = 0x2000,
    GUEST_MAP_NORESERVE = 0x4000,
    GUEST_MAP_POPULATE = 0x8000,
    GUEST_MAP_NONBLOCK = 0x10000,
    GUEST_MAP_STACK = 0x20000,
    GUEST_MAP_HUGETLB = 0x40000,
    GUEST_MAP_FIXED_NOREPLACE = 0x100000,
};
enum { GUEST_MREMAP_MAYMOVE = 1, GUEST_MREMAP_FIXED = 2 };

/*
 * Host address of guest address 0; equals env->guest_base. Defined by host/mips/ldst_user.c, whose
 * emitter reads it while translating, so guest_space_init sets it before any translation.
 */
extern uint64_t guest_base;
/* The guest has touched a mapped page at or above 2 GiB: TBs translated from now on zero-extend
 * guest addresses (mode_tb_flags, host/mips/ldst_user.c). Set by the fault handler (signal.c). */
extern bool guest_addr_zext;

static inline void *g2h(uint32_t guest_addr)
{
    return (void *)(uintptr_t)(guest_base + guest_addr);
}

static inline uint32_t h2g(const void *host_ptr)
{
    return (uint32_t)((uintptr_t)host_ptr - guest_base);
}

/*
 * Guest data may sit at any alignment (x86 allows it, and i386 aligns 64-bit fields to 4 bytes), and
 * a misaligned lw/ld traps on MIPS. So C code touches guest memory only through these helpers or
 * through structs declared packed, both of which the compiler turns into alignment-safe accesses.
 */
static inline uint16_t load_u16(const void *p) { uint16_t v; memcpy(&v, p, sizeof v); return v; }
static inline uint32_t load_u32(const void *p) { uint32_t v; memcpy(&v, p, sizeof v); return v; }
static inline uint64_t load_u64(const void *p) { uint64_t v; memcpy(&v, p, sizeof v); return v; }
static inline void store_u16(void *p, uint16_t v) { memcpy(p, &v, sizeof v); }
static inline void store_u32(void *p, uint32_t v) { memcpy(p, &v, sizeof v); }
static inline void store_u64(void *p, uint64_t v) { memcpy(p, &v, sizeof v); }

/*
 * Reserves 4 GiB (plus a guard) of host address space for the guest, at host address 0 if that
 * range is free (so guest_base is 0 and guest pointers are host pointers), anywhere otherwise.
 * Exits with a message if the host cannot give 4 GiB of address space.
 */
void guest_space_init(void);

/*
 * True if every guest page of [addr, addr+len) is mapped and allows `prot` (PAGE_READ/WRITE/EXEC
 * bits). As on x86, a writable or executable page counts as readable. len 0 is always valid. This is
 * the check every syscall makes before touching guest memory, so a bad pointer becomes -EFAULT.
 */
bool guest_range_valid(uint32_t addr, uint32_t len, unsigned prot);

/* Takes (true) or releases (false) the address-space locks around a host fork. */
void guest_space_fork_lock(bool lock);

/* The host page size (4 KiB or more): the unit of host protection and of real file mappings. */
uint32_t guest_host_page_size(void);

/* The PAGE_* flags of the guest page holding addr. */
unsigned guest_page_flags(uint32_t addr);

/*
 * Records that a TB holds code from the guest page at page_addr, and write-protects its host page
 * so that a guest write to it faults and invalidates the code first (self-modifying code).
 */
void guest_page_mark_code(uint32_t page_addr);

/*
 * After this, mappings that ask for PROT_READ also get PROT_EXEC: Linux's READ_IMPLIES_EXEC
 * personality, which it sets for programs without a PT_GNU_STACK header.
 */
void guest_set_read_implies_exec(bool on);

/*
 * mmap for the guest, with i386 MAP_* flags and a byte offset. Without MAP_FIXED the range comes
 * from the top-down allocator below GUEST_MMAP_TOP (addr is only a hint). Returns the guest address
 * or a negative host errno. Works in 4 KiB guest pages whatever the host page size (see mmap.c).
 */
int64_t guest_mmap(uint32_t addr, uint32_t len, unsigned prot, unsigned flags, int fd, uint64_t offset);

/* munmap and mprotect for the guest: 0 or a negative host errno. */
int guest_munmap(uint32_t addr, uint32_t len);
int guest_mprotect(uint32_t addr, uint32_t len, unsigned prot);

/*
 * mremap for anonymous mappings (what realloc uses): shrinks in place, grows in place if the pages
 * after the mapping are free, else moves by copying if MREMAP_MAYMOVE allows. Returns the new guest
 * address or a negative host errno.
 */
int64_t guest_mremap(uint32_t old_addr, uint32_t old_len, uint32_t new_len, unsigned flags,
                     uint32_t new_addr);

/*
 * For host mappings that something else creates (SysV shmat): chooses [addr, addr+len) (addr 0:
 * any free range aligned to `align`, which also applies to a given addr), has map() place the host
 * mapping there, and records the guest pages with prot. Returns the guest address or -errno.
 * guest_detach_foreign undoes it with unmap() and gives the range back to the reservation.
 */
int64_t guest_attach_foreign(uint32_t addr, uint32_t len, unsigned prot, uint32_t align,
                             int (*map)(void *host, size_t len, void *opaque), void *opaque);
int guest_detach_foreign(uint32_t addr, uint32_t len, int (*unmap)(void *host, void *opaque),
                         void *opaque);

/* msync for the guest (MS_* flags are the same on i386 and MIPS): 0 or a negative host errno. */
int guest_msync(uint32_t addr, uint32_t len, unsigned flags);

/*
 * Calls fn for every maximal run [start, end) of valid guest pages with the same R/W/X bits, in
 * address order (for /proc/self/maps).
 */
void guest_space_walk(void (*fn)(uint32_t start, uint64_t end, unsigned prot, void *opaque),
                      void *opaque);

/* Sets where the brk heap starts (page aligned, just after the program's highest segment). */
void guest_brk_init(uint32_t start);

/*
 * The brk syscall: moves the break to new_brk if the pages are free, and returns the break in
 * effect afterwards (Linux returns the old break on failure, never an errno).
 */
uint32_t guest_brk(uint32_t new_brk);

/* ---- the program (elfload.c) ---- */

struct image_info {
    uint32_t entry;             /* first guest eip */
    uint32_t initial_esp;       /* points at argc */
    uint32_t load_bias;         /* 0 for ET_EXEC; where a static-pie program was put */
    uint32_t phdr_addr;         /* guest address of the program headers (AT_PHDR) */
    uint32_t phnum;
    uint32_t brk_start;
    uint32_t image_start;       /* lowest page of the program's segments */
    char *exe_path;             /* absolute host path of the program, for /proc/self/exe */
    uint32_t arg_start, arg_end;    /* the argument strings on the stack (/proc/self/cmdline) */
    uint8_t *auxv;              /* a copy of the auxiliary vector (/proc/self/auxv) */
    uint32_t auxv_bytes;
};

/* The loaded program, once elf_load_program has succeeded. */
extern struct image_info guest_image;

/*
 * Loads the static i386 ELF program at path into the guest space, creates the main stack and lays
 * out argc, argv, envp and the auxiliary vector on it as Linux's create_elf_tables does; hwcap is the
 * AT_HWCAP value (CPUID.1:EDX). execfn is the name given for AT_EXECFN. On failure returns false with
 * a one-line reason in err (the caller prints it); the guest space is then unusable.
 */
bool elf_load_program(const char *path, const char *execfn, int argc, char *const argv[],
                      char *const envp[], uint32_t hwcap, struct image_info *info,
                      char *err, size_t err_size);

/* ---- running (cpu_loop.c) ---- */

/*
 * Puts env into the state of a fresh i386 Linux process: cpu_x86_init, its own jump cache, flat
 * user segments (cs 0x23, ds/es/ss 0x2b), fs = gs = 0, and guest_base. Needs tb_init first.
 */
void cpu_init_user(CPUX86State *env);

/* Selectors of a Linux i386 process: GDT entries 4 (user code) and 5 (user data), RPL 3. */
enum { USER_CS = 0x23, USER_DS = 0x2b };

/*
 * Loads a segment register from a selector as user mode may: the null selector (not for CS and
 * SS), the flat user code and data selectors, and the TLS entries of env->gdt. False if invalid.
 */
bool cpu_load_user_segment(CPUX86State *env, int seg, uint32_t selector);

/* Runs the guest until it exits; syscalls, exceptions and signals are handled here. */
_Noreturn void cpu_loop(CPUX86State *env);

/* ---- syscalls (syscall.c) ---- */

/*
 * The host command line that starts another xqm-user the way this one was started (the exec
 * prefix if any, xqm itself, the options that must carry over), used by execve (syscall_exec.c).
 */
void exec_set_self(int argc, char **argv);

/* Executes the i386 syscall described by env's registers and puts the result in EAX. */
void syscall_dispatch(CPUX86State *env);

/* ---- tasks: one per guest thread (task.c) ---- */

enum {
    GUEST_NSIG = 64, GUEST_SIGRTMIN = 32,
    /* Signals caught from the host but not yet delivered; standard signals never queue twice. */
    SIGQUEUE_MAX = 64,
    /* Internal errno (as in the kernel): "restart this syscall unless a handler says otherwise". */
    XQM_ERESTARTSYS = 512,
};

/* The i386 siginfo_t (the kernel's compat_siginfo_t): 128 bytes, the union at offset 12. */
struct __attribute__((packed)) guest_siginfo {
    int32_t signo, err, code;
    union {
        uint32_t words[29];
        struct __attribute__((packed)) { int32_t pid; uint32_t uid; uint32_t value; } kill;
        struct __attribute__((packed)) { int32_t tid, overrun; uint32_t value; } timer;
        struct __attribute__((packed)) { int32_t pid; uint32_t uid; int32_t status, utime, stime; } chld;
        struct __attribute__((packed)) { uint32_t addr; } fault;
        struct __attribute__((packed)) { int32_t band, fd; } poll;
        struct __attribute__((packed)) { uint32_t call_addr; int32_t nr; uint32_t arch; } sys;
    } u;
};

struct sigqueue_entry {
    int sig;                    /* guest signal number; 0 for an empty slot */
    struct guest_siginfo info;
    uint32_t trapno, err, cr2;  /* for the sigcontext of a fault; 0 otherwise */
};

/* The i386 kernel's struct sigaction for rt_sigaction (handler 0 = SIG_DFL, 1 = SIG_IGN). */
struct __attribute__((packed)) guest_sigaction {
    uint32_t handler, flags, restorer;
    uint64_t mask;
};

enum {
    GUEST_SA_NOCLDSTOP = 1, GUEST_SA_NOCLDWAIT = 2, GUEST_SA_SIGINFO = 4,
    GUEST_SA_RESTORER = 0x04000000, GUEST_SA_ONSTACK = 0x08000000, GUEST_SA_RESTART = 0x10000000,
    GUEST_SA_NODEFER = 0x40000000, GUEST_SA_RESETHAND = 0x80000000u,
    GUEST_SS_ONSTACK = 1, GUEST_SS_DISABLE = 2, GUEST_SS_AUTODISARM = 1u << 31,
    GUEST_MINSIGSTKSZ = 2048,
};

/*
 * Everything xqm keeps per guest thread. env->mode_opaque points here. Fields marked (handler) are
 * also written by the host signal handlers running on the same thread, so the thread itself
 * changes them only with host signals blocked (signal_block_host).
 */
typedef struct TaskState {
    CPUX86State *env;
    int tid;
    /* Signals (signal.c, sigframe.c). */
    uint64_t blocked;                   /* the guest's mask: bit n-1 for signal n */
    volatile int signal_pending;        /* (handler) a queued signal is deliverable now */
    int nqueued;                        /* (handler) */
    struct sigqueue_entry queue[SIGQUEUE_MAX];  /* (handler) */
    struct sigqueue_entry sync;         /* a guest fault to deliver before anything else */
    bool syscall_restart;               /* the last syscall was rewound to restart (ERESTARTSYS) */
    bool saved_mask_valid;              /* rt_sigsuspend: the mask to restore after delivery */
    uint64_t saved_mask;
    uint32_t altstack_sp, altstack_size;
    uint32_t altstack_flags;            /* 0, GUEST_SS_DISABLE, or GUEST_SS_AUTODISARM */
    sigjmp_buf fault_jmp;               /* cpu_loop's landing point after a guest fault */
    void *host_altstack;
    /* Threads (task.c). */
    uint32_t clear_child_tid, robust_list;
    bool has_exit_jmp;
    jmp_buf exit_jmp;                   /* a thread created by clone returns through here */
    /* Self-modifying code (mode.c): see smc_step_begin. */
    int smc_state;
    uint32_t smc_eip;
    uint64_t smc_host_page;             /* guest address of the unprotected host page */
} TaskState;

/* The calling thread's task, or NULL on a thread that runs no guest code. */
TaskState *task_self(void);

/* Creates the task of the process's first thread for env and makes it the calling thread's. */
TaskState *task_init_main(CPUX86State *env);

/*
 * clone for the guest (i386 argument order: flags, newsp, parent_tid, tls, child_tid). Threads
 * (CLONE_VM|CLONE_THREAD...) become host threads; anything without CLONE_VM, and CLONE_VM|CLONE_VFORK
 * as posix_spawn uses it, becomes a host fork. Returns the guest's result.
 */
int32_t task_clone(CPUX86State *env, uint32_t flags, uint32_t newsp, uint32_t parent_tid,
                   uint32_t tls, uint32_t child_tid);

/* The exit syscall: ends the calling thread, and the process if it was the last one. */
_Noreturn void task_exit_thread(int status);

/* exit_group: ends the whole process with status. */
_Noreturn void task_exit_process(int status);

/*
 * Locks every lock another thread could hold around a host fork, so that the child (which has only
 * the forking thread) never inherits a held lock; task_fork_end(child) releases or resets them.
 */
void task_fork_begin(void);
void task_fork_end(bool child);

/* ---- blocking host syscalls (safe_syscall.c) ---- */

/*
 * A host system call that a guest signal interrupts (see safe_syscall.c): returns the result, or
 * -errno (host values); -XQM_ERESTARTSYS when a deliverable guest signal came first.
 */
long safe_syscall6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
#define safe_syscall(nr, ...) safe_syscall_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define safe_syscall_n(nr, a, b, c, d, e, f, ...) \
    safe_syscall6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* Called by the host signal handler: moves *pc out of the window where a syscall may still start. */
bool safe_syscall_rewind(uintptr_t *pc);

/* ---- signals (signal.c) ---- */

/*
 * Installs the host handlers for synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP): a
 * fault inside translated code becomes a precise guest signal (or, for a write to a page holding
 * translated code, an invalidation), and any other fault is an xqm bug.
 */
void signal_init(void);

/* Gives the calling thread its host alternate stack and the host mask that mirrors ts->blocked. */
void signal_thread_init(TaskState *ts);

/*
 * Ends xqm the way the native process would end when killed by guest signal guest_sig: default
 * disposition, then the same signal on the host, so a parent sees the same wait status.
 */
_Noreturn void guest_die_by_signal(int guest_sig);

/* i386 signal numbers <-> host (MIPS) signal numbers; 0 when the other side has no such signal. */
int guest_to_host_signal(int guest_sig);
int host_to_guest_signal(int host_sig);
/* Signal sets, as guest bit masks (bit n-1 for guest signal n). */
uint64_t host_sigset_to_guest(const void *host_sigset);
void guest_sigset_to_host(uint64_t guest_set, void *host_sigset);

/* True for host signals xqm itself needs (fault handling); the guest may not block or take them. */
bool host_signal_reserved(int host_sig);

/* The guest's action for sig (1..GUEST_NSIG). */
void signal_get_action(int sig, struct guest_sigaction *out);
/* Sets it, and the host disposition that implements it. */
void signal_set_action(int sig, const struct guest_sigaction *act);

/* Blocks the host signals that feed the queue (not the fault signals); *old gets the previous set. */
void signal_block_host(void *old_host_sigset);
void signal_restore_host(const void *old_host_sigset);

/* Sets the guest mask of ts (the calling thread's task) and the host mask that mirrors it. */
void signal_set_blocked(TaskState *ts, uint64_t mask);

/* Guest signals queued on ts (whether blocked or not). */
uint64_t signal_queued_set(TaskState *ts);

/*
 * Removes the lowest-numbered queued signal in `set` from ts's queue into *out (sigtimedwait,
 * signalfd-like uses). Returns false when none is queued. Call with host signals blocked.
 */
bool signal_dequeue(TaskState *ts, uint64_t set, struct sigqueue_entry *out);

/* Recomputes ts->signal_pending after a change of queue or mask. Call with host signals blocked. */
void signal_update_pending(TaskState *ts);

/*
 * rt_sigsuspend: waits with the guest mask `mask` until a signal is deliverable, and arranges for
 * the old mask to come back after its handler. Returns -EINTR (host errno).
 */
int signal_suspend(TaskState *ts, uint64_t mask);

/*
 * rt_sigtimedwait: takes a signal of `set` from the queue or the host, waiting up to timeout (NULL:
 * forever). Returns the guest signal number with *out filled, or -errno (host values).
 */
int signal_timedwait(TaskState *ts, uint64_t set, const struct timespec *timeout,
                     struct sigqueue_entry *out);

/*
 * A wait with its own signal mask (pselect6, ppoll, epoll_pwait): begin makes mask the guest's mask
 * and gives the host mask to pass to the host call; end restores the old one unless a signal is
 * to be delivered, in which case delivery restores it after building the frame (as rt_sigsuspend).
 */
void signal_wait_mask_begin(TaskState *ts, uint64_t mask, sigset_t *host_mask);
void signal_wait_mask_end(TaskState *ts);

/*
 * sigaltstack's change of ts's alternate stack while the thread's esp is cur_sp (guest values):
 * 0, -EPERM while running on it, -EINVAL or -ENOMEM for bad arguments.
 */
int signal_set_altstack(TaskState *ts, uint32_t ss_sp, uint32_t ss_flags, uint32_t ss_size,
                        uint32_t cur_sp);

/* Queues a guest fault raised by the CPU loop (an exception cpu_exec returned). */
void signal_raise_exception(CPUX86State *env, int excp);

/* The guest siginfo for a host one (signal numbers and the MIPS-specific si_code values mapped). */
void host_siginfo_to_guest(const siginfo_t *host, int guest_sig, struct guest_siginfo *out);

/* A guest wait status with its signal numbers (termination, stop) mapped from the host's. */
int32_t host_wait_status_to_guest(int status);

/* ---- signal delivery (sigframe.c) ---- */

/*
 * Delivers every deliverable queued signal to env's thread: default actions, or a guest handler
 * on an i386 sigframe/rt_sigframe, nested as Linux nests them. Also finishes a restarted syscall.
 * Called by the CPU loop after each syscall and each exit from cpu_exec.
 */
void signal_deliver_pending(CPUX86State *env);

/* ---- self-modifying code (mode.c) ---- */

/*
 * The guest wrote to a page holding translated code, from translated code whose own TB may be
 * stale now: the CPU loop re-runs the writing instruction alone, with the page writable, before
 * translating anything else (see mode.c). env holds the state at the writing instruction.
 */
void smc_step_begin(CPUX86State *env, uint64_t host_page_guest_addr);
/* Ends such a step (the CPU loop calls it whenever cpu_exec returns). */
void smc_step_end(CPUX86State *env);

/*
 * Makes the host page holding guest address addr writable again if translated code made it
 * read-only, dropping the TBs of every guest page in it; *hp_start and *hp_size get the host page
 * (as guest addresses). Returns true if the host page is writable now (the fault handler then
 * retries the write). Safe in a signal handler that interrupted translated code or a syscall.
 */
bool guest_unprotect_code(uint32_t addr, uint32_t *hp_start, uint32_t *hp_size);

#endif
