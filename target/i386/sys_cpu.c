/*
 * The system CPU's own state: reset, CPUID, control registers, MSRs and the time-stamp counter.
 *
 * MSRs that only describe or tune hardware xqm does not have (MTRRs, PAT, MISC_ENABLE) are kept
 * as plain values the guest reads back; unknown MSRs raise #GP(0) as on a CPU without them.
 */
#include <string.h>

#include "common/tb.h"
#include "common/xqm.h"
#include "target/i386/sys.h"

bool sys_log_cpu_reset;

/* -d cpu_reset: the whole CPU state as the reset finds it (after a triple fault, the state that
 * caused it), in the layout of qemu-system-i386's dump. */
static void log_cpu_state(CPUX86State *env)
{
    static const char *const seg_names[R_NSEG] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    struct x86_sys *sys = env_sys(env);
    const uint32_t *r = env->regs;
    xqm_log("EAX=%08x EBX=%08x ECX=%08x EDX=%08x\nESI=%08x EDI=%08x EBP=%08x ESP=%08x\n"
            "EIP=%08x EFL=%08x CPL=%d\n", r[R_EAX], r[R_EBX], r[R_ECX], r[R_EDX], r[R_ESI], r[R_EDI], r[R_EBP],
            r[R_ESP], env->eip, cpu_get_eflags(env), sys->cpl);
    for (int s = 0; s < R_NSEG; s++) {
        const struct x86_segment *g = &env->segs[s];
        xqm_log("%s =%04x %08x %08x %08x\n", seg_names[s], g->selector, g->base, g->limit, g->flags);
    }
    xqm_log("LDT=%04x %08x %08x %08x\nTR =%04x %08x %08x %08x\n", sys->ldt.selector, sys->ldt.base, sys->ldt.limit,
            sys->ldt.flags, sys->tr.selector, sys->tr.base, sys->tr.limit, sys->tr.flags);
    xqm_log("GDT=     %08x %08x\nIDT=     %08x %08x\n", sys->gdt.base, sys->gdt.limit, sys->idt.base, sys->idt.limit);
    xqm_log("CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", sys->cr0, sys->cr2, sys->cr3, sys->cr4);
}

void sys_cpu_reset(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    if (sys_log_cpu_reset) {
        xqm_log("xqm-system: CPU %d reset; state before:\n", sys->cpu_index);
        log_cpu_state(env);
    }
    struct jc_entry *jk = sys->jc_kernel, *ju = sys->jc_user;
    int index = sys->cpu_index;
    void *vcpu = sys->vcpu;
    struct apic *apic = sys->apic;
    cpu_x86_init(env);
    memset(sys, 0, sizeof *sys);
    sys->jc_kernel = jk;
    sys->jc_user = ju;
    sys->cpu_index = index;
    sys->vcpu = vcpu;
    sys->apic = apic;

    /* Power-up state (SDM vol. 3, table 9-1). */
    env->eflags = EFLAGS_FIXED;
    env->eip = 0xfff0;
    sys->cr0 = CR0_ET | CR0_NW | CR0_CD;
    sys->dr[6] = 0xffff0ff0;
    sys->dr[7] = 0x400;
    sys->gdt.limit = sys->idt.limit = 0xffff;
    sys->ldt.limit = sys->tr.limit = 0xffff;
    sys->tr.flags = DESC_P | (11u << DESC_TYPE_SHIFT);
    sys->ldt.flags = DESC_P | (2u << DESC_TYPE_SHIFT);
    uint32_t data = DESC_P | DESC_S | DESC_RW | DESC_ACCESSED;
    for (int s = 0; s < R_NSEG; s++)
        sys_load_seg_cache(env, s, 0, 0, 0xffff, data);
    sys_load_seg_cache(env, R_CS, 0xf000, 0xffff0000, 0xffff, data | DESC_CODE);
    uint32_t id[4];
    sys_cpuid(env, 1, 0, id);
    env->regs[R_EDX] = id[0];
    sys->pat = 0x0007040600070406ull;
    sys->misc_enable = 1;       /* fast string operations enabled */
    /* The APIC is globally disabled (bit 11 clear), as a BIOS leaving the PC in 8259 mode. */
    sys->apic_base = 0xfee00000ull | (index == 0 ? 0x100 : 0);
    sys->delivering = -1;
    sys_set_cpl(env, 0);
    sys_tlb_flush(env);
}

/*
 * CPUID: the user-mode feature set (cpu_x86_cpuid) plus what the system side implements: PSE
 * (4 MiB pages), MSR (rdmsr/wrmsr), PAE, NX (leaf 0x80000001: EFER.NXE), SEP (sysenter/sysexit), PGE (global pages; xqm flushes them on CR3 writes too,
 * which is allowed) and PAT/MTRR as stored values, and leaf 0x15 (the TSC frequency). Leaves 2 to
 * 0x14 are zero: no cache or topology information. APIC: a local APIC (system/apic.c).
 */
void sys_cpuid(CPUX86State *env, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    enum { FEAT_PSE = 1 << 3, FEAT_MSR = 1 << 5, FEAT_PAE = 1 << 6, FEAT_APIC = 1 << 9, FEAT_SEP = 1 << 11,
           FEAT_MTRR = 1 << 12, FEAT_PGE = 1 << 13, FEAT_PAT = 1 << 16, FEAT_NX = 1 << 20 };
    cpu_x86_cpuid(env, leaf, subleaf, out);
    switch (leaf) {
    case 0:
        out[0] = 0x15;
        break;
    case 1:
        out[3] |= FEAT_PSE | FEAT_MSR | FEAT_PAE | FEAT_APIC | FEAT_SEP | FEAT_MTRR | FEAT_PGE | FEAT_PAT;
        out[1] = (out[1] & 0x00ffffff) | (uint32_t)env_sys(env)->cpu_index << 24;     /* initial APIC ID */
        break;
    case 0x80000000:
        out[0] = 0x80000001;
        break;
    case 0x80000001:
        out[3] |= FEAT_NX;
        break;
    case 0x15:
        /* TSC / crystal ratio 1:1 with a 1 GHz crystal: the TSC counts nanoseconds, and saying so
         * spares the guest calibrating it against the PIT, which fails when emulation is slow. */
        out[0] = 1;
        out[1] = 1;
        out[2] = 1000000000;
        break;
    default:
        break;
    }
}

bool sys_write_cr(CPUX86State *env, int n, uint32_t value)
{
    struct x86_sys *sys = env_sys(env);
    switch (n) {
    case 0: {
        /* PG without PE, or NW without CD, is #GP(0) (SDM vol. 3, 2.5). ET is fixed at 1. */
        if (((value & CR0_PG) && !(value & CR0_PE)) || ((value & CR0_NW) && !(value & CR0_CD)))
            return false;
        value |= CR0_ET;
        uint32_t changed = sys->cr0 ^ value;
        sys->cr0 = value;
        /* TS, EM and MP are part of the TB key; the inline jump-cache probe does not look at the
         * key, so a change empties the jump caches (with the TLB, rare enough not to matter). */
        if (changed & (CR0_PG | CR0_WP | CR0_PE | CR0_TS | CR0_EM | CR0_MP))
            sys_tlb_flush(env);
        /* Real mode is not flat (X86_TBF_NOT_FLAT); it runs at CPL 0. The segment caches keep
         * their contents either way until the next loads (SDM vol. 3, 9.9). */
        if (changed & CR0_PE) {
            if (!(value & CR0_PE))
                sys_set_cpl(env, 0);
            sys_update_seg_flags(env);
        }
        return true;
    }
    case 2:
        sys->cr2 = value;
        return true;
    case 3:
        sys->cr3 = value;
        sys_tlb_flush_cr3(env);
        return true;
    case 4: {
        uint32_t allowed = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR |
                           CR4_OSXMMEXCPT;
        if (value & ~allowed)
            return false;
        uint32_t changed = sys->cr4 ^ value;
        sys->cr4 = value;
        /* OSFXSR is part of the TB key: a change empties the jump caches too (see CR0). */
        if (changed & (CR4_PSE | CR4_PAE | CR4_PGE | CR4_OSFXSR))
            sys_tlb_flush(env);
        return true;
    }
    default:
        return false;
    }
}

uint64_t sys_rdtsc(CPUX86State *env)
{
    return (uint64_t)sys_clock_ns() + env_sys(env)->tsc_offset;
}

/* MTRR MSR numbers to slots in x86_sys. */
static uint64_t *mtrr_slot(struct x86_sys *sys, uint32_t msr)
{
    if (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + 16)
        return &sys->mtrr_var[msr - MSR_MTRR_PHYSBASE0];
    if (msr == MSR_MTRR_FIX64K)
        return &sys->mtrr_fixed[0];
    if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
        return &sys->mtrr_fixed[1 + msr - MSR_MTRR_FIX16K_80000];
    if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000)
        return &sys->mtrr_fixed[3 + msr - MSR_MTRR_FIX4K_C0000];
    return NULL;
}

bool sys_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *value)
{
    struct x86_sys *sys = env_sys(env);
    uint64_t *slot = mtrr_slot(sys, msr);
    switch (msr) {
    case MSR_TSC: *value = sys_rdtsc(env); return true;
    case MSR_APIC_BASE: *value = sys->apic_base; return true;
    case MSR_SYSENTER_CS: *value = sys->sysenter_cs; return true;
    case MSR_SYSENTER_ESP: *value = sys->sysenter_esp; return true;
    case MSR_SYSENTER_EIP: *value = sys->sysenter_eip; return true;
    case MSR_PAT: *value = sys->pat; return true;
    case MSR_MISC_ENABLE: *value = sys->misc_enable; return true;
    case MSR_MTRRCAP: *value = 0x508; return true;     /* 8 variable ranges, fixed ranges, WC */
    case MSR_MTRR_DEF_TYPE: *value = sys->mtrr_def_type; return true;
    case MSR_MCG_CAP: case MSR_MCG_STATUS: *value = 0; return true;
    case MSR_UCODE_REV: *value = 0; return true;
    case MSR_EFER: *value = sys->efer; return true;
    default:
        if (slot) {
            *value = *slot;
            return true;
        }
        return false;
    }
}

bool sys_wrmsr(CPUX86State *env, uint32_t msr, uint64_t value)
{
    struct x86_sys *sys = env_sys(env);
    uint64_t *slot = mtrr_slot(sys, msr);
    switch (msr) {
    case MSR_TSC: sys->tsc_offset = value - (uint64_t)sys_clock_ns(); return true;
    case MSR_APIC_BASE: sys->apic_base = value; return true;
    case MSR_SYSENTER_CS: sys->sysenter_cs = (uint32_t)value; return true;
    case MSR_SYSENTER_ESP: sys->sysenter_esp = (uint32_t)value; return true;
    case MSR_SYSENTER_EIP: sys->sysenter_eip = (uint32_t)value; return true;
    case MSR_PAT: sys->pat = value; return true;
    case MSR_MISC_ENABLE: sys->misc_enable = value; return true;
    case MSR_MTRR_DEF_TYPE: sys->mtrr_def_type = value; return true;
    case MSR_MCG_STATUS: case MSR_UCODE_REV: return true;
    case MSR_EFER:
        /* SCE (syscall), LME and the rest do not exist on this CPU (CPUID says so): #GP. The TLB
         * holds execute permissions computed with the old NXE. */
        if (value & ~(uint64_t)EFER_NXE)
            return false;
        if (value != sys->efer)
            sys_tlb_flush(env);
        sys->efer = value;
        return true;
    default:
        if (slot) {
            *slot = value;
            return true;
        }
        return false;
    }
}
