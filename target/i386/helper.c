/*
 * C helpers called from translated code. Each takes env first; gen_helper_call documents which
 * state is in env when they run.
 */
#include <time.h>

#include "common/mode.h"
#include "target/i386/internal.h"

uint64_t helper_cc_compute_all(CPUX86State *env)
{
    return cc_compute_all(env);
}

uint64_t helper_read_eflags(CPUX86State *env)
{
    return cpu_get_eflags(env);
}

/* popf at CPL 3 with IOPL 0 may change the arithmetic flags, TF, DF, AC and ID; IF and IOPL keep
 * their values silently (SDM vol. 2, POPF). Returns 1 when it set TF: translated code then goes
 * back to the exec loop, whose next TB single-steps. */
uint64_t helper_popf(CPUX86State *env, uint64_t value, uint64_t mask)
{
    bool tf_before = (env->eflags & EFLAGS_TF) != 0;
    cpu_set_eflags(env, (uint32_t)value, (CC_ALL | EFLAGS_TF | EFLAGS_DF | EFLAGS_AC | EFLAGS_ID) & (uint32_t)mask);
    return !tf_before && (env->eflags & EFLAGS_TF);
}

uint64_t helper_arpl(CPUX86State *env, uint64_t dst, uint64_t src)
{
    bool raise = (dst & 3) < (src & 3);
    cpu_set_eflags(env, raise ? CC_Z : 0, CC_Z);
    return raise ? (dst & ~3u) | (src & 3) : dst;
}

uint64_t helper_cpuid(CPUX86State *env)
{
    uint32_t out[4];
    cpu_x86_cpuid(env, env->regs[R_EAX], env->regs[R_ECX], out);
    env->regs[R_EAX] = out[0];
    env->regs[R_EBX] = out[1];
    env->regs[R_ECX] = out[2];
    env->regs[R_EDX] = out[3];
    return 0;
}

/* The TSC counts nanoseconds of the host's monotonic clock: the MIPS cycle counter is useless
 * under emulation (it reads as a constant under qemu-mips64el). */
uint64_t helper_rdtsc(CPUX86State *env)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = (uint32_t)(t >> 32);
    return 0;
}

/* mov/pop to a segment register: the mode knows the descriptor tables. Returns 1, or 0 for #GP
 * with the error code Linux reports, the selector without its RPL. */
uint64_t helper_load_seg(CPUX86State *env, uint64_t seg, uint64_t selector)
{
    if (mode_load_segment(env, (int)seg, (uint32_t)selector))
        return 1;
    env->error_code = (uint32_t)selector & 0xfffc;
    return 0;
}
