/*
 * sysenter/sysexit, the fast system call pair (SDM vol. 2, SYSENTER and SYSEXIT, legacy-mode
 * forms). Neither reads a descriptor: both load CS and SS with fixed flat descriptors derived from
 * IA32_SYSENTER_CS, which the operating system must lay out as four consecutive GDT entries
 * (kernel code, kernel stack, user code, user stack), as Linux does.
 */
#include "target/i386/sys.h"

/* The flat 4 GiB segment every sysenter/sysexit load uses: G, D/B, P, S, accessed type. */
static void load_flat(CPUX86State *env, int seg, uint32_t selector, bool code, int dpl)
{
    uint32_t type = code ? DESC_CODE | DESC_RW | DESC_ACCESSED : DESC_RW | DESC_ACCESSED;
    sys_load_seg_cache(env, seg, selector, 0, 0xffffffffu,
                       DESC_G | DESC_B | DESC_P | DESC_S | type | (uint32_t)dpl << DESC_DPL_SHIFT);
}

void sys_sysenter(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    uint32_t cs = sys->sysenter_cs & 0xfffc;
    if (!(sys->cr0 & CR0_PE) || cs == 0)
        sys_raise(env, EXCP_GP, 0);
    /* VM, IF and RF cleared; the arithmetic flags stay with the lazy flags. */
    env->eflags &= ~(uint32_t)(EFLAGS_VM | EFLAGS_IF | EFLAGS_RF);
    load_flat(env, R_CS, cs, true, 0);
    load_flat(env, R_SS, cs + 8, false, 0);
    sys_set_cpl(env, 0);
    env->regs[R_ESP] = sys->sysenter_esp;
    env->eip = sys->sysenter_eip;
}

void sys_sysexit(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    uint32_t cs = sys->sysenter_cs & 0xffff;
    if (!(sys->cr0 & CR0_PE) || (cs & 0xfffc) == 0 || sys->cpl != 0)
        sys_raise(env, EXCP_GP, 0);
    load_flat(env, R_CS, ((cs + 16) | 3) & 0xffff, true, 3);
    load_flat(env, R_SS, ((cs + 24) | 3) & 0xffff, false, 3);
    sys_set_cpl(env, 3);
    env->regs[R_ESP] = env->regs[R_ECX];
    env->eip = env->regs[R_EDX];
}
