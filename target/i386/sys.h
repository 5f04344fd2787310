/*
 * System-mode x86 (xqm-system only): the privileged CPU state that user mode does not have, the
 * softmmu TLB, and the interface between target/i386/sys_*.c (x86 system architecture) and
 * system/ (the machine: memory, port I/O, vCPU threads).
 *
 * Layout. The system CPU wraps CPUX86State, as QEMU's X86CPU does:
 *
 *     struct X86SysCPU { struct sys_cpu_fast fast; CPUX86State env; struct x86_sys sys; }
 *
 * Translated code holds &env in HREG_ENV. `fast` (the TLB and the slow-path thunk pointers) sits
 * directly below env, so the inline TLB lookup reaches it with negative 16-bit offsets from
 * HREG_ENV and cpu.h needs no system fields. `sys` is plain C state (control registers, descriptor
 * tables, MSRs, interrupt bookkeeping); env_sys(env) finds it.
 *
 * Threads: a CPU's state is touched only by its own vCPU thread, except interrupt_request (set
 * by devices under the BQL, read by the vCPU thread with atomics) and the kick (env->exit_request).
 */
#ifndef XQM_TARGET_I386_SYS_H
#define XQM_TARGET_I386_SYS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "target/i386/cpu.h"

/* --- the softmmu TLB --------------------------------------------------------------------------- */

/*
 * One entry per 4 KiB virtual page and MMU mode, direct-mapped by (vaddr >> 12) & (TLB_SIZE - 1).
 * A tag is the sign-extended 32-bit page address when the access may take the inline fast path.
 * Low bits set in a tag make every compare fail (the compared value is page aligned), so they
 * send the access to the slow path, which reads the reason from them: MMIO, a page holding
 * translated code (writes must invalidate it first), or a page not yet dirty.
 * TLB_INVALID (all ones) never matches anything.
 */
enum {
    TLB_BITS = 9,
    TLB_SIZE = 1 << TLB_BITS,
    MMU_KERNEL = 0,             /* CPL 0..2, and implicit supervisor accesses (IDT, GDT, TSS) */
    MMU_USER = 1,               /* CPL 3 */
    NB_MMU_MODES = 2,
    TLB_FLAG_MMIO = 1 << 0,     /* page is not RAM: dispatch to the device */
    TLB_FLAG_SLOW = 1 << 1,     /* RAM, but writes need the helper (code page, A/D bits to set) */
    TLB_FLAGS_MASK = 0xfff,
};
#define TLB_INVALID ((int32_t)-1)

struct tlb_entry {
    int32_t tag_read;
    int32_t tag_write;
    int64_t addend;             /* host address = sext32(vaddr) + addend (RAM pages only) */
};
_Static_assert(sizeof(struct tlb_entry) == 16, "the fast path indexes entries with a shift by 4");

/* The memory-access slow-path thunks (host/mips/ldst_softmmu.c), one per access kind. */
enum sys_thunk {
    THUNK_LD8U, THUNK_LD8S, THUNK_LD16U, THUNK_LD16S, THUNK_LD32, THUNK_LD64,
    THUNK_ST8, THUNK_ST16, THUNK_ST32, THUNK_ST64, THUNK_PROBE_WRITE, THUNK_COUNT,
};

/* Everything translated code reaches below env. */
struct sys_cpu_fast {
    uint64_t thunk[THUNK_COUNT];        /* host addresses of the thunks */
    uint64_t store_value;               /* the value a store slow path writes */
    uint64_t pad;
    struct tlb_entry tlb[NB_MMU_MODES][TLB_SIZE];
};

/* --- the privileged state ---------------------------------------------------------------------- */

struct x86_dtable {
    uint32_t base;
    uint32_t limit;
};

/* Bits of control registers and eflags the system code uses (SDM vol. 3, 2.5 and 2.3). */
enum {
    CR0_PE = 1u << 0, CR0_MP = 1u << 1, CR0_EM = 1u << 2, CR0_TS = 1u << 3, CR0_ET = 1u << 4,
    CR0_NE = 1u << 5, CR0_WP = 1u << 16, CR0_AM = 1u << 18, CR0_NW = 1u << 29, CR0_CD = 1u << 30,
    CR0_PG = 1u << 31,
    CR4_VME = 1u << 0, CR4_PVI = 1u << 1, CR4_TSD = 1u << 2, CR4_DE = 1u << 3, CR4_PSE = 1u << 4,
    CR4_PAE = 1u << 5, CR4_MCE = 1u << 6, CR4_PGE = 1u << 7, CR4_PCE = 1u << 8,
    CR4_OSFXSR = 1u << 9, CR4_OSXMMEXCPT = 1u << 10,
    EFLAGS_IOPL = 3u << 12, EFLAGS_NT = 1u << 14, EFLAGS_RF = 1u << 16, EFLAGS_VM = 1u << 17,
    EFLAGS_VIF = 1u << 19, EFLAGS_VIP = 1u << 20,
};

/* Segment descriptor attribute bits as kept in x86_segment.flags (the descriptor's high dword). */
enum {
    DESC_TYPE_SHIFT = 8, DESC_S = 1u << 12, DESC_DPL_SHIFT = 13, DESC_P = 1u << 15,
    DESC_AVL = 1u << 20, DESC_B = 1u << 22, DESC_G = 1u << 23,
    DESC_CODE = 1u << 11,       /* type bit 3: code */
    DESC_CONFORMING = 1u << 10, /* code: conforming; data: expand-down */
    DESC_RW = 1u << 9,          /* code: readable; data: writable */
    DESC_ACCESSED = 1u << 8,
};

/* One-instruction TBs at step_eip: armed by the vCPU loop for the instruction in sti's shadow, or
 * by a store that rewrites the TB it runs in (SYS_STEP_SMC, which becomes ARMED at the vCPU loop's
 * next step end); running from mode_tb_flags on. */
enum { SYS_STEP_NONE, SYS_STEP_ARMED, SYS_STEP_RUNNING, SYS_STEP_SMC };

/* interrupt_request bits. */
enum { SYS_IRQ_HARD = 1 << 0, SYS_IRQ_NMI = 1 << 1, SYS_IRQ_RESET = 1 << 2, SYS_IRQ_STOP = 1 << 3 };

/* Exception exits of system translators: the details are in sys->excp. */
enum { EXCP_SYS_RAISED = 0x200 };

/* MSRs xqm keeps (SDM vol. 4). */
enum {
    MSR_TSC = 0x10, MSR_APIC_BASE = 0x1b, MSR_UCODE_REV = 0x8b, MSR_MTRRCAP = 0xfe, MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176, MSR_MCG_CAP = 0x179, MSR_MCG_STATUS = 0x17a,
    MSR_MISC_ENABLE = 0x1a0, MSR_MTRR_PHYSBASE0 = 0x200, MSR_MTRR_FIX64K = 0x250,
    MSR_MTRR_FIX16K_80000 = 0x258, MSR_MTRR_FIX16K_A0000 = 0x259, MSR_MTRR_FIX4K_C0000 = 0x268,
    MSR_MTRR_FIX4K_F8000 = 0x26f, MSR_PAT = 0x277, MSR_MTRR_DEF_TYPE = 0x2ff,
};
/* IA32_EFER: of its bits only NXE (execute-disable in PAE entries) exists on this 32-bit CPU. */
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1u << 11)

struct x86_pending_excp {
    int vector;
    bool has_error;
    bool software;              /* int n / int3 / into: DPL check, eip after the instruction */
    uint32_t error;
    uint32_t next_eip;
};

struct x86_sys {
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    struct x86_dtable gdt, idt;
    struct x86_segment ldt, tr;
    int cpl;
    /* The X86_TBF_* segmentation bits (translate.h) of the current state, and the CS base they
     * were computed with; sys_update_seg_flags keeps them and the jump caches current. */
    uint32_t seg_tb_flags, seg_cs_base;
    bool seg_flags_changed;     /* set by sys_update_seg_flags on a change; cleared by its readers */

    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base, pat, tsc_offset, misc_enable, mtrr_def_type, efer;
    uint64_t mtrr_fixed[11], mtrr_var[16];

    /* Interrupts. */
    volatile uint32_t interrupt_request;    /* SYS_IRQ_* */
    bool halted;
    bool inhibit_irq;           /* sti shadow: no interrupt before the insn at inhibit_eip completes */
    uint32_t inhibit_eip;
    int step;                   /* SYS_STEP_*: running one instruction alone */
    uint32_t step_eip;
    bool exit_after_insn;       /* a helper asks translated code to return to the exec loop */
    int delivering;             /* nesting of exception delivery: -1 none, else the vector */

    /* An exception a helper raised (EXCP_SYS_RAISED), or the fetch fault of the last translation. */
    struct x86_pending_excp excp;
    uint32_t fetch_fault_addr, fetch_fault_error;
    bool data_fault;            /* the last EXCP_PF came from a data access (CR2 already set) */
    jmp_buf *raise_jmp;         /* where sys_raise returns to; NULL outside helpers */

    /* TLB bookkeeping the fast path does not need. */
    uint64_t tlb_paddr[NB_MMU_MODES][TLB_SIZE];     /* physical page of each valid entry */
    bool tlb_global[NB_MMU_MODES][TLB_SIZE];        /* from a global page (CR4.PGE): kept on CR3 writes */
    bool tlb_no_exec[NB_MMU_MODES][TLB_SIZE];       /* execute-disable: fetches walk (and fault) */
    bool tlb_has_large;         /* a 2/4 MiB page was entered since the last full flush */
    struct jc_entry *jc_kernel, *jc_user;            /* env->jc is one of them, per CPL */
    bool jc_user_used;          /* CPL 3 ran since jc_user was last emptied */

    int cpu_index;
    void *vcpu;                 /* system/vcpu.c's per-CPU data */
    struct apic *apic;          /* system/apic.c's local APIC */
};

typedef struct X86SysCPU {
    struct sys_cpu_fast fast;
    CPUX86State env;
    struct x86_sys sys;
} X86SysCPU;

static inline X86SysCPU *env_cpu(CPUX86State *env)
{
    return (X86SysCPU *)((char *)env - offsetof(X86SysCPU, env));
}
static inline struct x86_sys *env_sys(CPUX86State *env) { return &env_cpu(env)->sys; }
static inline struct sys_cpu_fast *env_fast(CPUX86State *env) { return &env_cpu(env)->fast; }

/* Offset from env of TLB entry 0 of an MMU mode, and of a thunk pointer (both negative). */
static inline int sys_tlb_offset(int mmu_idx)
{
    return (int)offsetof(X86SysCPU, fast.tlb[mmu_idx]) - (int)offsetof(X86SysCPU, env);
}
static inline int sys_thunk_offset(int thunk)
{
    return (int)offsetof(X86SysCPU, fast.thunk[thunk]) - (int)offsetof(X86SysCPU, env);
}
static inline int sys_store_value_offset(void)
{
    return (int)offsetof(X86SysCPU, fast.store_value) - (int)offsetof(X86SysCPU, env);
}
/* Offset from env of a field of struct x86_sys (positive), for translated code. */
#define SYS_FIELD_OFFSET(field) ((int)offsetof(X86SysCPU, sys.field) - (int)offsetof(X86SysCPU, env))
_Static_assert(offsetof(X86SysCPU, sys.exit_after_insn) - offsetof(X86SysCPU, env) < 32768,
               "the interrupt fields of x86_sys must be reachable from env with 16-bit offsets");

/*
 * TB flags in system mode (mode_tb_flags): what translation depends on, plus the physical page of
 * the TB's code so that TBs are keyed by physical address (the pc in the key stays virtual).
 */
enum {
    SYS_TBF_CPL_MASK = 3,
    SYS_TBF_STEP = 1 << 2,      /* a one-instruction TB (interrupt shadow, SMC) */
    SYS_TBF_TS = 1 << 3,        /* CR0.TS: x87/MMX/SSE instructions raise #NM (lazy FPU switching) */
    SYS_TBF_EM = 1 << 4,        /* CR0.EM: x87 instructions raise #NM, MMX/SSE ones #UD */
    SYS_TBF_MP = 1 << 5,        /* CR0.MP: wait raises #NM too when TS is set */
    SYS_TBF_NOSSE = 1 << 10,    /* CR4.OSFXSR clear: SSE/SSE2 instructions raise #UD */
    SYS_TBF_NO_PHYS = 1 << 11,  /* eip's page is not mapped: the translation faults */
    SYS_TBF_PHYS_SHIFT = 12,
};
static inline int sys_tb_flags_mmu_idx(uint32_t flags)
{
    return (flags & SYS_TBF_CPL_MASK) == 3 ? MMU_USER : MMU_KERNEL;
}
static inline int sys_mmu_idx(const struct x86_sys *sys) { return sys->cpl == 3 ? MMU_USER : MMU_KERNEL; }

/* --- target/i386/sys_*.c: the x86 system architecture ------------------------------------------ */

/* The instruction rows system mode adds or replaces (sys_table.c). */
struct x86_insn_row;
const struct x86_insn_row *x86_sys_insn_lookup(unsigned cs_id);

/* Power-on/reset state (SDM vol. 3, 9.1.1), then a multiboot/Linux loader adjusts it. */
void sys_cpu_reset(CPUX86State *env);
/* CPUID as system mode reports it (more features than user mode: PSE, MSR, PGE...). */
void sys_cpuid(CPUX86State *env, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* Sets CPL and everything that follows it (the jump cache in use). */
void sys_set_cpl(CPUX86State *env, int cpl);
/* Recomputes sys->seg_tb_flags after a segment load or a CR0.PE change; when they or the CS base
 * changed, empties the jump caches (their inline probe compares eip only) and sets
 * seg_flags_changed (a data-segment load then ends the TB it runs in). */
void sys_update_seg_flags(CPUX86State *env);
/* Loads a segment register's hidden part directly (loaders, reset, real mode). */
void sys_load_seg_cache(CPUX86State *env, int seg, uint32_t selector, uint32_t base, uint32_t limit,
                        uint32_t flags);
/* Control register writes with their side effects (TLB flushes); false: #GP(0). */
bool sys_write_cr(CPUX86State *env, int n, uint32_t value);
/* The TSC: virtual-clock nanoseconds plus the offset a write to MSR 0x10 set. */
uint64_t sys_rdtsc(CPUX86State *env);
/* MSR accesses; false: #GP(0). */
bool sys_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *value);
bool sys_wrmsr(CPUX86State *env, uint32_t msr, uint64_t value);

/*
 * Raising exceptions from C. Inside a helper entered with SYS_HELPER_BEGIN, sys_raise records the
 * exception in sys->excp and unwinds to the helper, which returns the failure to translated code.
 */
_Noreturn void sys_raise(CPUX86State *env, int vector, uint32_t error);
_Noreturn void sys_raise_noerr(CPUX86State *env, int vector);

/* Delivers an exception or interrupt through the IDT (sys_excp.c); handles #DF and triple faults. */
void sys_deliver(CPUX86State *env, const struct x86_pending_excp *e);
/* Delivers the exception cpu_exec returned (core EXCP_* numbers or EXCP_SYS_RAISED). */
void sys_handle_exception(CPUX86State *env, int excp);
/* A hardware interrupt may be taken now (IF set, no shadow). */
bool sys_interrupts_enabled(CPUX86State *env);

/* Descriptor tables (sys_seg.c). */
/* Reads the 8-byte descriptor of selector from the GDT or LDT; false if outside the table. */
bool sys_read_descriptor(CPUX86State *env, uint32_t selector, uint64_t *desc);
/* Loads data/stack segment register seg (not CS) in protected mode with all checks; raises. */
void sys_load_seg(CPUX86State *env, int seg, uint32_t selector);
void sys_lldt(CPUX86State *env, uint32_t selector);
void sys_ltr(CPUX86State *env, uint32_t selector);
/* Far transfers in protected mode (or real-mode semantics with CR0.PE clear); opsize 2 or 4. */
void sys_ljmp(CPUX86State *env, uint32_t selector, uint32_t offset);
void sys_lcall(CPUX86State *env, uint32_t selector, uint32_t offset, uint32_t next_eip, int opsize);
/* sysenter/sysexit (sys_sysenter.c); raise #GP(0) when they may not run. */
void sys_sysenter(CPUX86State *env);
void sys_sysexit(CPUX86State *env);
void sys_lret(CPUX86State *env, uint32_t imm, int opsize);
void sys_iret(CPUX86State *env, int opsize);
/* lar/lsl/verr/verw: false leaves ZF clear. */
bool sys_lar(CPUX86State *env, uint32_t selector, uint32_t *value);
bool sys_lsl(CPUX86State *env, uint32_t selector, uint32_t *value);
bool sys_verify(CPUX86State *env, uint32_t selector, bool write);
uint32_t sys_desc_base(uint64_t d);
uint32_t sys_desc_limit(uint64_t d);
static inline uint32_t sys_desc_flags(uint64_t d) { return (uint32_t)(d >> 32) & 0x00f0ff00; }

/* A stack for pushes and pops from C: esp wraps within SS's size (SS.B), accesses at mmu_idx. */
struct sys_stack {
    uint32_t esp, base, mask;
    int mmu_idx;
};
struct sys_stack sys_stack_of(uint32_t esp, const struct x86_segment *ss, int cpl);
void sys_stack_push(CPUX86State *env, struct sys_stack *s, uint32_t v, int size);
uint32_t sys_stack_pop(CPUX86State *env, struct sys_stack *s, int size);

/* Page-table walk (sys_mmu.c). access: 0 read, 1 write, 2 fetch. */
enum { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_FETCH = 2 };
struct x86_translation {
    uint64_t paddr;             /* physical address of the page (4 KiB granule) */
    bool writable;              /* a write may use this TLB entry without another walk */
    bool large;                 /* from a 2 or 4 MiB page */
    bool global;                /* a global page with CR4.PGE: survives CR3 writes */
    bool no_exec;               /* execute-disable (XD with PAE and EFER.NXE) */
};
/* Translates vaddr; on a fault returns false and the #PF error code in *error. */
bool sys_mmu_translate(CPUX86State *env, uint32_t vaddr, int access, int mmu_idx, struct x86_translation *t,
                       uint32_t *error);

/* C accessors for guest virtual memory at the given MMU mode (raise #PF through sys_raise). */
uint32_t sys_vread(CPUX86State *env, uint32_t vaddr, int size, int mmu_idx);
void sys_vwrite(CPUX86State *env, uint32_t vaddr, uint32_t value, int size, int mmu_idx);

/* --- system/: what the machine provides to the CPU code ---------------------------------------- */

/* Port I/O, taking the BQL around the device (system/ioport.c). size_log2: 0, 1, 2. */
uint32_t sys_io_read(uint32_t port, int size_log2);
void sys_io_write(uint32_t port, uint32_t value, int size_log2);
/* Physical memory (system/memory.c): RAM/ROM pointer for the page of paddr, or NULL (MMIO, hole). */
uint8_t *sys_phys_ram_ptr(uint64_t paddr);
uint32_t sys_phys_read(uint64_t paddr, int size_log2);
/* Writes physical memory, invalidating translated code on the page (page-table A/D updates...). */
void sys_phys_write(uint64_t paddr, uint32_t value, int size_log2);
/* TLB maintenance (system/softmmu.c). */
void sys_tlb_flush(CPUX86State *env);
/* A CR3 write: every translation but global ones (CR4.PGE) goes. */
void sys_tlb_flush_cr3(CPUX86State *env);
void sys_tlb_flush_page(CPUX86State *env, uint32_t vaddr);
/* Empties this CPU's jump caches. */
void sys_jc_flush(CPUX86State *env);
/* A triple fault or a reset line (system/vcpu.c). */
void sys_request_reset(CPUX86State *env, const char *why);
/* The PIC's pending vector for an INTR the CPU acknowledges (system/pc.c), or -1. */
int sys_ack_interrupt(CPUX86State *env);
/* Virtual time in nanoseconds (system/main_loop.c): the TSC counts it. */
int64_t sys_clock_ns(void);
/* System -d cpu_reset logging is on. */
extern bool sys_log_cpu_reset;

#endif
