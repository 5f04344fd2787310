/*
 * linux-user: one static i386 Linux program running as one MIPS64 Linux process.
 *
 * The parts and who calls whom:
 *   main.c      command line, then guest_space_init, elf_load_program, cpu_loop
 *   mmap.c      the guest's 4 GiB address space at guest_base, kept in 4 KiB guest pages
 *   elfload.c   maps the program and builds the initial stack the way Linux does for i386
 *   cpu_loop.c  runs cpu_exec and turns its exits into syscalls and guest signals
 *   syscall*.c  the i386 `int $0x80` ABI on top of the host's system calls
 *   signal.c    host signals: faults in translated code, guest signal numbers, fatal exits
 *   mode.c      what the core asks of a mode (common/mode.h)
 *
 * Error convention inside linux-user: functions return a negative *host* errno; only the syscall
 * layer converts to i386 errno values (they differ from MIPS ones), at one place (syscall.c).
 */
#ifndef XQM_LINUX_USER_USER_H
#define XQM_LINUX_USER_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "target/i386/cpu.h"

/* ---- guest address space (mmap.c) ---- */

enum { GUEST_PAGE_BITS = 12, GUEST_PAGE_SIZE = 1 << GUEST_PAGE_BITS };
#define GUEST_PAGE_MASK (~(uint32_t)(GUEST_PAGE_SIZE - 1))
#define GUEST_SPACE_SIZE ((uint64_t)1 << 32)

/*
 * The layout, chosen to look like Linux's i386 layout on an x86_64 kernel (top-down mmap):
 *   0x00010000                lowest address a guest may map (Linux's default mmap_min_addr)
 *   0x08048000 / 0x56555000   ET_EXEC programs at their link address / static-pie programs
 *   after the program         brk heap, growing up
 *   below GUEST_MMAP_TOP      mmap without MAP_FIXED, allocated top-down
 *   GUEST_STACK_TOP - 8 MiB   the main stack, growing down from GUEST_STACK_TOP
 */
#define GUEST_LOWEST_MAP 0x00010000u
#define GUEST_PIE_BASE 0x56555000u
#define GUEST_STACK_TOP 0xfffdd000u
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

/* The PAGE_* flags of the guest page holding addr. */
unsigned guest_page_flags(uint32_t addr);

/* Records that a TB holds code from the guest page at page_addr (see mode_code_page_added). */
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

/* msync for the guest (MS_* flags are the same on i386 and MIPS): 0 or a negative host errno. */
int guest_msync(uint32_t addr, uint32_t len, unsigned flags);

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
    char *exe_path;             /* absolute host path of the program, for /proc/self/exe */
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

/* Runs the guest until it exits; syscalls, exceptions and signals are handled here. */
_Noreturn void cpu_loop(CPUX86State *env);

/* ---- syscalls (syscall.c) ---- */

/* Executes the i386 syscall described by env's registers and puts the result in EAX. */
void syscall_dispatch(CPUX86State *env);

/* ---- signals (signal.c) ---- */

/*
 * Installs the host handlers for synchronous faults (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP):
 * a fault inside translated code becomes a precise guest fault, a fault on a guest address in a C
 * helper an imprecise one, and any other fault is an xqm bug ("internal fault", then abort).
 */
void signal_init(void);

/* Tells the fault handlers which CPU state the calling thread runs (they run on that thread). */
void signal_set_thread_cpu(CPUX86State *env);

/*
 * Ends xqm the way the native process would end when killed by guest signal guest_sig: default
 * disposition, then the same signal on the host, so a parent sees the same wait status.
 */
_Noreturn void guest_die_by_signal(int guest_sig);

/* i386 signal numbers <-> host (MIPS) signal numbers; 0 when the other side has no such signal. */
int guest_to_host_signal(int guest_sig);
int host_to_guest_signal(int host_sig);

/* True for host signals xqm itself needs (fault handling); the guest may not block or take them. */
bool host_signal_reserved(int host_sig);

/*
 * Called by rt_sigaction when the guest's disposition for guest_sig changes: handler is the guest
 * handler address (0 = SIG_DFL, 1 = SIG_IGN); restart is SA_RESTART.
 */
void signal_guest_disposition_changed(int guest_sig, uint32_t handler, bool restart);

/* Handles host signals that arrived for guest handlers while the guest ran (EXCP_INTERRUPT). */
void signal_process_pending(CPUX86State *env);

#endif
