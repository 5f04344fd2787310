/*
 * C helpers called from translated code. Each takes env first; gen_helper_call documents which
 * state is in env when they run.
 */
#include <time.h>

#include "target/i386/internal.h"

uint64_t helper_cc_compute_all(CPUX86State *env)
{
    return cc_compute_all(env);
}

uint64_t helper_read_eflags(CPUX86State *env)
{
    return cpu_get_eflags(env);
}

/* popf at CPL 3 with IOPL 0 may change the arithmetic flags, DF, AC and ID; IF and IOPL keep their
 * values silently (SDM vol. 2, POPF). TF is not taken either: xqm does not single-step guests. */
uint64_t helper_popf(CPUX86State *env, uint64_t value, uint64_t mask)
{
    cpu_set_eflags(env, (uint32_t)value, (CC_ALL | EFLAGS_DF | EFLAGS_AC | EFLAGS_ID) & (uint32_t)mask);
    return 0;
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

/*
 * Loads a data segment register in user mode. Selector 0 is the null selector (allowed in DS, ES,
 * FS, GS); otherwise it must name a present GDT entry with RPL 3 (the LDT is not modelled yet).
 * Returns 1 on success, 0 for #GP.
 */
uint64_t helper_load_seg(CPUX86State *env, uint64_t seg, uint64_t selector)
{
    uint32_t sel = (uint32_t)selector & 0xffff;
    struct x86_segment *s = &env->segs[seg];
    if ((sel & ~3u) == 0) {
        s->selector = sel;
        s->base = 0;
        s->limit = 0;
        s->flags = 0;
        return 1;
    }
    uint32_t idx = sel >> 3;
    if ((sel & 4) || idx >= sizeof env->gdt / sizeof env->gdt[0])
        return 0;
    uint64_t d = env->gdt[idx];
    if (!(d & (1ull << 47)))        /* present bit */
        return 0;
    s->selector = sel;
    s->base = (uint32_t)(((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000));
    s->limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
    if (d & (1ull << 55))
        s->limit = (s->limit << 12) | 0xfff;
    s->flags = (uint32_t)(d >> 32) & 0x00f0ff00;
    return 1;
}
