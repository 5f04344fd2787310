/*
 * C helpers behind the system instructions (sys_insn.c). Each is called with the guest registers
 * and eip written to env (gen_helper_call with sync_regs) and returns SYS_HELPER_OK when the
 * instruction completed, SYS_HELPER_RAISED when it raised an exception, whose details are then in
 * sys->excp (EXCP_SYS_RAISED), or SYS_HELPER_EXIT when it completed and translated code must return
 * to the exec loop after it (sti or popf set IF while an interrupt waits).
 *
 * A helper that can raise is written with SYS_HELPER(name): its body runs under sys_try, which
 * catches the unwinding of sys_raise (setjmp stays in a function of its own, so no local of the
 * body lives across it).
 */
#include "common/xqm.h"
#include "target/i386/sys.h"
#include "target/i386/sys_insn.h"

typedef void (*sys_body)(CPUX86State *env, uint64_t a, uint64_t b, uint64_t c);

static uint64_t sys_try(CPUX86State *env, sys_body body, uint64_t a, uint64_t b, uint64_t c)
{
    jmp_buf jb;
    struct x86_sys *sys = env_sys(env);
    if (setjmp(jb) != 0) {
        sys->raise_jmp = NULL;
        return SYS_HELPER_RAISED;
    }
    sys->raise_jmp = &jb;
    sys->exit_after_insn = false;
    body(env, a, b, c);
    sys->raise_jmp = NULL;
    return sys->exit_after_insn ? SYS_HELPER_EXIT : SYS_HELPER_OK;
}

#define UNUSED __attribute__((unused))
#define SYS_HELPER(name)                                                                                      \
    static void name##_body(CPUX86State *env, uint64_t a, uint64_t b, uint64_t c);                            \
    uint64_t helper_sys_##name(CPUX86State *env, uint64_t a, uint64_t b, uint64_t c)                          \
    {                                                                                                         \
        return sys_try(env, name##_body, a, b, c);                                                            \
    }                                                                                                         \
    static void name##_body(CPUX86State *env, UNUSED uint64_t a, UNUSED uint64_t b, UNUSED uint64_t c)

/* SYS_FAR_OP16 in a helper argument: a 16-bit operand. */
static int far_opsize(uint64_t a) { return (a & SYS_FAR_OP16) ? 2 : 4; }
static int cur_mmu(CPUX86State *env) { return sys_mmu_idx(env_sys(env)); }
static int iopl(const CPUX86State *env) { return (int)(env->eflags >> 12) & 3; }

/* Leaves translated code at the next TB entry if enabling IF exposed a pending interrupt. */
/* Whether setting IF exposed a pending interrupt, which the CPU must take after this instruction
 * (or after the next one, for sti's shadow): translated code then returns to the exec loop. */
static bool irq_now_deliverable(CPUX86State *env)
{
    if (!(env->eflags & EFLAGS_IF) ||
        !(__atomic_load_n(&env_sys(env)->interrupt_request, __ATOMIC_ACQUIRE) & (SYS_IRQ_HARD | SYS_IRQ_NMI)))
        return false;
    env->exit_request = 1;      /* the exec loop returns to the vCPU loop at the next lookup */
    return true;
}

/* I/O permission: CPL <= IOPL, or the TSS I/O bitmap allows every port touched (SDM vol. 1, 19.5). */
static void check_io(CPUX86State *env, uint32_t port, int size)
{
    struct x86_sys *sys = env_sys(env);
    if (!(sys->cr0 & CR0_PE) || (sys->cpl <= iopl(env) && !(env->eflags & EFLAGS_VM)))
        return;
    int type = (int)(sys->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    if ((type != 9 && type != 11) || sys->tr.limit < 0x67)
        sys_raise(env, EXCP_GP, 0);
    uint32_t io_base = sys_vread(env, sys->tr.base + 0x66, 2, MMU_KERNEL);
    uint32_t off = io_base + port / 8;
    if (off + 1 > sys->tr.limit)
        sys_raise(env, EXCP_GP, 0);
    uint32_t bits = sys_vread(env, sys->tr.base + off, 2, MMU_KERNEL);
    if (bits & (((1u << size) - 1) << (port & 7)))
        sys_raise(env, EXCP_GP, 0);
}

static void set_eax_part(CPUX86State *env, uint32_t v, int size_log2)
{
    uint32_t *eax = &env->regs[R_EAX];
    switch (size_log2) {
    case 0: *eax = (*eax & ~0xffu) | (v & 0xff); break;
    case 1: *eax = (*eax & ~0xffffu) | (v & 0xffff); break;
    default: *eax = v; break;
    }
}

/* in/out: a = port, b = log2 of the size. */
SYS_HELPER(in)
{
    uint32_t port = (uint32_t)a & 0xffff;
    int size_log2 = (int)b;
    check_io(env, port, 1 << size_log2);
    set_eax_part(env, sys_io_read(port, size_log2), size_log2);
}

SYS_HELPER(out)
{
    uint32_t port = (uint32_t)a & 0xffff;
    int size_log2 = (int)b;
    check_io(env, port, 1 << size_log2);
    sys_io_write(port, env->regs[R_EAX], size_log2);
}

/*
 * ins/outs, with or without rep: one element per iteration, registers updated as it goes, so a
 * fault in the middle leaves the state of a partly done rep (SDM vol. 2, INS/OUTS).
 * a = size_log2 | rep << 2 | source segment << 4 (outs only).
 */
/* Adds step to the low `mask` bits of a register (16-bit addressing moves SI, DI, CX only). */
static void reg_add(CPUX86State *env, int r, uint32_t step, uint32_t mask)
{
    env->regs[r] = (env->regs[r] & ~mask) | ((env->regs[r] + step) & mask);
}

static void string_io(CPUX86State *env, uint64_t how, bool in)
{
    int size_log2 = (int)(how & 3), size = 1 << size_log2;
    bool rep = (how >> 2) & 1;
    int seg = (int)(how >> 4) & 7;
    uint32_t mask = (how & SYS_IO_ADDR16) ? 0xffff : 0xffffffffu;
    uint32_t port = env->regs[R_EDX] & 0xffff;
    int32_t step = env->df * size;
    if (rep && (env->regs[R_ECX] & mask) == 0)
        return;
    check_io(env, port, size);
    do {
        if (in) {
            uint32_t v = sys_io_read(port, size_log2);
            sys_vwrite(env, env->segs[R_ES].base + (env->regs[R_EDI] & mask), v, size, cur_mmu(env));
            reg_add(env, R_EDI, (uint32_t)step, mask);
        } else {
            uint32_t v = sys_vread(env, env->segs[seg].base + (env->regs[R_ESI] & mask), size, cur_mmu(env));
            sys_io_write(port, v, size_log2);
            reg_add(env, R_ESI, (uint32_t)step, mask);
        }
        if (rep)
            reg_add(env, R_ECX, (uint32_t)-1, mask);
    } while (rep && (env->regs[R_ECX] & mask) != 0);
}

/* ins/outs: a = how (above). */
SYS_HELPER(ins)
{
    string_io(env, a, true);
}

SYS_HELPER(outs)
{
    string_io(env, a, false);
}

/* cli/sti: IF changes only at CPL <= IOPL (no VME/PVI). sti blocks interrupts for one instruction. */
SYS_HELPER(cli)
{
    if ((env_sys(env)->cr0 & CR0_PE) && env_sys(env)->cpl > iopl(env))
        sys_raise(env, EXCP_GP, 0);
    env->eflags &= ~(uint32_t)EFLAGS_IF;
}

/* a = the eip after sti. */
SYS_HELPER(sti)
{
    struct x86_sys *sys = env_sys(env);
    uint32_t next_eip = (uint32_t)a;
    if ((sys->cr0 & CR0_PE) && sys->cpl > iopl(env))
        sys_raise(env, EXCP_GP, 0);
    if (!(env->eflags & EFLAGS_IF)) {
        env->eflags |= EFLAGS_IF;
        sys->inhibit_irq = true;
        sys->inhibit_eip = next_eip;
        sys->exit_after_insn = irq_now_deliverable(env);
    }
}

/* popf: which of IF and IOPL it may change depends on CPL and IOPL (SDM vol. 2, POPF). */
uint64_t helper_sys_popf(CPUX86State *env, uint64_t value, uint64_t opsize, uint64_t unused)
{
    (void)unused;
    int cpl = env_sys(env)->cpl;
    uint32_t mask = CC_ALL | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_AC | EFLAGS_ID;
    if (cpl == 0)
        mask |= EFLAGS_IF | EFLAGS_IOPL;
    else if (cpl <= iopl(env))
        mask |= EFLAGS_IF;
    if (opsize == 2)
        mask &= 0xffff;
    bool tf_before = (env->eflags & EFLAGS_TF) != 0;
    cpu_set_eflags(env, (uint32_t)value, mask);
    /* TF just set: the next instruction must run in a single-step TB (translate.h). */
    bool tf_on = !tf_before && (env->eflags & EFLAGS_TF);
    return irq_now_deliverable(env) || tf_on ? SYS_HELPER_EXIT : SYS_HELPER_OK;
}

/* a = the control register's number, b = the value. */
SYS_HELPER(mov_to_cr)
{
    int n = (int)a;
    uint32_t value = (uint32_t)b;
    if (!sys_write_cr(env, n, value))
        sys_raise(env, EXCP_GP, 0);
}

uint64_t helper_sys_mov_from_cr(CPUX86State *env, uint64_t n, uint64_t unused1, uint64_t unused2)
{
    (void)unused1, (void)unused2;
    struct x86_sys *sys = env_sys(env);
    switch (n) {
    case 0: return sys->cr0;
    case 2: return sys->cr2;
    case 3: return sys->cr3;
    default: return sys->cr4;
    }
}

/* Debug registers are stored and read back; breakpoints are not implemented. DR4/DR5 alias
 * DR6/DR7 unless CR4.DE, where they are #UD (SDM vol. 3, 17.2.2). */
SYS_HELPER(mov_to_dr)
{
    struct x86_sys *sys = env_sys(env);
    unsigned n = (unsigned)a;
    uint32_t value = (uint32_t)b;
    if ((n == 4 || n == 5) && (sys->cr4 & CR4_DE))
        sys_raise_noerr(env, EXCP_UD);
    sys->dr[n == 4 || n == 5 ? n + 2 : n] = value;
}

uint64_t helper_sys_mov_from_dr(CPUX86State *env, uint64_t n, uint64_t unused1, uint64_t unused2)
{
    (void)unused1, (void)unused2;
    return env_sys(env)->dr[n == 4 || n == 5 ? n + 2 : n];
}

/* lgdt/lidt: a = the operand's address, b = 0 for the GDT or 1 for the IDT, c = operand size.
 * The operand is a 16-bit limit then a 32-bit base (24 bits with 0x66). */
SYS_HELPER(lgdt)
{
    uint32_t ea = (uint32_t)a;
    uint32_t limit = sys_vread(env, ea, 2, cur_mmu(env));
    uint32_t base = sys_vread(env, ea + 2, 4, cur_mmu(env));
    if (c == 2)
        base &= 0xffffff;
    struct x86_dtable *t = b ? &env_sys(env)->idt : &env_sys(env)->gdt;
    t->base = base;
    t->limit = limit;
}

/* sgdt/sidt: as lgdt/lidt. */
SYS_HELPER(sgdt)
{
    uint32_t ea = (uint32_t)a;
    struct x86_dtable *t = b ? &env_sys(env)->idt : &env_sys(env)->gdt;
    sys_vwrite(env, ea, t->limit, 2, cur_mmu(env));
    sys_vwrite(env, ea + 2, t->base, 4, cur_mmu(env));
}

/* which: 0 LDTR, 1 TR, 2 MSW (cr0). */
uint64_t helper_sys_read_sysreg(CPUX86State *env, uint64_t which, uint64_t unused1, uint64_t unused2)
{
    (void)unused1, (void)unused2;
    struct x86_sys *sys = env_sys(env);
    return which == 0 ? sys->ldt.selector : which == 1 ? sys->tr.selector : sys->cr0;
}

/* lldt/ltr: a = the selector. */
SYS_HELPER(lldt)
{
    sys_lldt(env, (uint32_t)a);
}

SYS_HELPER(ltr)
{
    sys_ltr(env, (uint32_t)a);
}

/* lmsw loads CR0's low four bits, but cannot clear PE (SDM vol. 2, LMSW); clts clears TS. */
SYS_HELPER(lmsw)
{
    uint32_t msw = (uint32_t)a;
    uint32_t cr0 = env_sys(env)->cr0;
    uint32_t v = (cr0 & ~0xfu) | (msw & 0xf) | (cr0 & CR0_PE);
    if (!sys_write_cr(env, 0, v))
        sys_raise(env, EXCP_GP, 0);
}

uint64_t helper_sys_clts(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3)
{
    (void)unused1, (void)unused2, (void)unused3;
    sys_write_cr(env, 0, env_sys(env)->cr0 & ~(uint32_t)CR0_TS);
    return 0;
}

/* mov/pop to a segment register: a = the register (R_*), b = the selector. */
/* A load that changes the TB key's segmentation bits ends the TB: the rest assumed the old ones. */
static void load_seg_then_exit_if_changed(CPUX86State *env, int seg, uint32_t selector)
{
    struct x86_sys *sys = env_sys(env);
    sys->seg_flags_changed = false;
    sys_load_seg(env, seg, selector);
    sys->exit_after_insn = sys->seg_flags_changed;
}

SYS_HELPER(load_seg)
{
    load_seg_then_exit_if_changed(env, (int)a, (uint32_t)b);
}

/* lds/les/lfs/lgs/lss reg, m16:32 (m16:16): a = seg | reg << 8 | SYS_FAR_OP16, b = the operand's
 * linear address. */
SYS_HELPER(lxs)
{
    int seg = (int)(a & 7), reg = (int)(a >> 8) & 7, size = far_opsize(a);
    uint32_t ea = (uint32_t)b;
    uint32_t offset = sys_vread(env, ea, size, cur_mmu(env));
    uint32_t selector = sys_vread(env, ea + (uint32_t)size, 2, cur_mmu(env));
    load_seg_then_exit_if_changed(env, seg, selector);
    env->regs[reg] = size == 2 ? (env->regs[reg] & 0xffff0000u) | offset : offset;
}

/* Far jumps and calls: ljmp/lcall take a = selector | SYS_FAR_OP16 for a 16-bit operand size,
 * b = offset; the _m forms a = the linear address of an m16:16 or m16:32 operand and, in their
 * last argument, SYS_FAR_OP16 or 0; lcall's next eip comes after the address. */

SYS_HELPER(ljmp)
{
    sys_ljmp(env, (uint32_t)a & 0xffff, (uint32_t)b);
}

SYS_HELPER(ljmp_m)
{
    uint32_t ea = (uint32_t)a;
    int size = far_opsize(b);
    uint32_t offset = sys_vread(env, ea, size, cur_mmu(env));
    uint32_t selector = sys_vread(env, ea + (uint32_t)size, 2, cur_mmu(env));
    sys_ljmp(env, selector, offset);
}

SYS_HELPER(lcall)
{
    sys_lcall(env, (uint32_t)a & 0xffff, (uint32_t)b, (uint32_t)c, far_opsize(a));
}

SYS_HELPER(lcall_m)
{
    uint32_t ea = (uint32_t)a, next_eip = (uint32_t)b;
    int size = far_opsize(c);
    uint32_t offset = sys_vread(env, ea, size, cur_mmu(env));
    uint32_t selector = sys_vread(env, ea + (uint32_t)size, 2, cur_mmu(env));
    sys_lcall(env, selector, offset, next_eip, size);
}

/* lret: a = the bytes to release | SYS_FAR_OP16; iret: a = the operand size. */
SYS_HELPER(lret)
{
    sys_lret(env, (uint32_t)a & 0xffff, far_opsize(a));
}

/* iret may set IF: an interrupt raised meanwhile by this CPU's own device accesses (which kick
 * nobody, vcpu.c) is taken right after it, as after sti and popf. */
SYS_HELPER(iret)
{
    sys_iret(env, (int)a);
    irq_now_deliverable(env);
}

SYS_HELPER(sysenter)
{
    sys_sysenter(env);
}

SYS_HELPER(sysexit)
{
    sys_sysexit(env);
}

/* int n: always leaves through EXCP_SYS_RAISED with the software interrupt described. */
uint64_t helper_sys_int(CPUX86State *env, uint64_t vector, uint64_t next_eip, uint64_t unused)
{
    (void)unused;
    env_sys(env)->excp = (struct x86_pending_excp){ (int)vector, false, true, 0, (uint32_t)next_eip };
    return SYS_HELPER_RAISED;
}

uint64_t helper_sys_invlpg(CPUX86State *env, uint64_t ea, uint64_t unused1, uint64_t unused2)
{
    (void)unused1, (void)unused2;
    sys_tlb_flush_page(env, (uint32_t)ea);
    return 0;
}

SYS_HELPER(rdmsr)
{
    uint64_t v;
    if (!sys_rdmsr(env, env->regs[R_ECX], &v)) {
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: rdmsr 0x%x: unknown MSR, #GP\n", env->regs[R_ECX]);
        sys_raise(env, EXCP_GP, 0);
    }
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = (uint32_t)(v >> 32);
}

SYS_HELPER(wrmsr)
{
    uint64_t v = env->regs[R_EAX] | (uint64_t)env->regs[R_EDX] << 32;
    if (!sys_wrmsr(env, env->regs[R_ECX], v)) {
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: wrmsr 0x%x: unknown MSR, #GP\n", env->regs[R_ECX]);
        sys_raise(env, EXCP_GP, 0);
    }
}

/* rdtsc is #GP at CPL > 0 when CR4.TSD is set (SDM vol. 2, RDTSC). */
SYS_HELPER(rdtsc)
{
    if ((env_sys(env)->cr4 & CR4_TSD) && env_sys(env)->cpl != 0)
        sys_raise(env, EXCP_GP, 0);
    uint64_t t = sys_rdtsc(env);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = (uint32_t)(t >> 32);
}

uint64_t helper_sys_cpuid(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3)
{
    (void)unused1, (void)unused2, (void)unused3;
    uint32_t out[4];
    sys_cpuid(env, env->regs[R_EAX], env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
    return 0;
}

/* lar/lsl/verr/verw: a = the selector, b = kind (0 lar, 1 lsl, 2 verr, 3 verw) | dest reg << 4. ZF
 * reports success. */
SYS_HELPER(desc_query)
{
    uint32_t selector = (uint32_t)a;
    int kind = (int)(b & 3), reg = (int)(b >> 4) & 7;
    uint32_t v = 0;
    bool ok;
    switch (kind) {
    case 0: ok = sys_lar(env, selector, &v); break;
    case 1: ok = sys_lsl(env, selector, &v); break;
    default: ok = sys_verify(env, selector, kind == 3); break;
    }
    if (ok && kind < 2)
        env->regs[reg] = v;
    uint32_t f = cpu_get_eflags(env);
    cpu_set_eflags(env, ok ? f | CC_Z : f & ~(uint32_t)CC_Z, CC_Z);
}
