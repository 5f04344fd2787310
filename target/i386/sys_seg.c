/*
 * Segmentation (SDM vol. 3, chapters 3 and 5; real mode: chapter 20): descriptor-table reads,
 * segment register loads with their privilege checks, LDT and task-register loads, far jumps,
 * calls and returns, iret, and lar/lsl/verr/verw.
 *
 * The translator adds only the FS and GS bases while CS, DS, ES and SS are flat (base 0, 4 GiB,
 * 32-bit), which is all a 32-bit Linux uses. Any other state (a nonzero base, a smaller limit,
 * 16-bit code or stack, real mode) sets X86_TBF_NOT_FLAT or X86_TBF_CODE16 in the TB key
 * (sys_update_seg_flags), and those TBs add every segment's base and check its limits.
 *
 * Every function here may raise an exception through sys_raise; each commits CPU state only after
 * all of its memory accesses succeeded.
 */
#include "common/xqm.h"
#include "target/i386/sys.h"
#include "target/i386/translate.h"

uint32_t sys_desc_base(uint64_t d)
{
    return (uint32_t)(((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000));
}

uint32_t sys_desc_limit(uint64_t d)
{
    uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
    return (d & (1ull << 55)) ? (limit << 12) | 0xfff : limit;
}

static int desc_dpl(uint64_t d) { return (int)(d >> 45) & 3; }
static bool desc_present(uint64_t d) { return (d >> 47) & 1; }
static bool desc_is_segment(uint64_t d) { return (d >> 44) & 1; }          /* S: code/data */
static bool desc_is_code(uint64_t d) { return (d >> 43) & 1; }
static bool desc_conforming(uint64_t d) { return (d >> 42) & 1; }
static bool desc_rw(uint64_t d) { return (d >> 41) & 1; }
static int desc_system_type(uint64_t d) { return (int)(d >> 40) & 0xf; }

bool sys_read_descriptor(CPUX86State *env, uint32_t selector, uint64_t *desc)
{
    struct x86_sys *sys = env_sys(env);
    uint32_t base, limit;
    if (selector & 4) {
        base = sys->ldt.base;
        limit = sys->ldt.limit;
        if ((sys->ldt.selector & ~3u) == 0)
            return false;
    } else {
        base = sys->gdt.base;
        limit = sys->gdt.limit;
    }
    uint32_t off = selector & ~7u;
    if (off + 7 > limit)
        return false;
    uint32_t lo = sys_vread(env, base + off, 4, MMU_KERNEL);
    uint32_t hi = sys_vread(env, base + off + 4, 4, MMU_KERNEL);
    *desc = lo | (uint64_t)hi << 32;
    return true;
}

/* The processor sets the accessed bit of a segment descriptor when it loads it (3.4.5.1). */
static void set_accessed(CPUX86State *env, uint32_t selector, uint64_t *d)
{
    if (*d & (1ull << 40))
        return;
    struct x86_sys *sys = env_sys(env);
    uint32_t base = (selector & 4) ? sys->ldt.base : sys->gdt.base;
    *d |= 1ull << 40;
    sys_vwrite(env, base + (selector & ~7u) + 5, (uint32_t)(*d >> 40) & 0xff, 1, MMU_KERNEL);
}

void sys_update_seg_flags(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    static const int checked[] = { R_ES, R_CS, R_SS, R_DS };
    uint32_t f = 0;
    bool flat = (sys->cr0 & CR0_PE) && !(env->eflags & EFLAGS_VM) && (env->segs[R_SS].flags & DESC_B);
    for (int i = 0; i < 4; i++) {
        const struct x86_segment *s = &env->segs[checked[i]];
        flat = flat && s->base == 0 && s->lim_lo == 0 && s->lim_hi == 0xffffffffu;
    }
    if (!(env->segs[R_CS].flags & DESC_B))
        f |= X86_TBF_CODE16;
    if (!flat) {
        f |= X86_TBF_NOT_FLAT;
        if (!(env->segs[R_SS].flags & DESC_B))
            f |= X86_TBF_SS16;
    }
    if (f != sys->seg_tb_flags || env->segs[R_CS].base != sys->seg_cs_base) {
        sys->seg_tb_flags = f;
        sys->seg_cs_base = env->segs[R_CS].base;
        sys_jc_flush(env);
        sys->seg_flags_changed = true;
    }
}

void sys_load_seg_cache(CPUX86State *env, int seg, uint32_t selector, uint32_t base, uint32_t limit, uint32_t flags)
{
    uint32_t lo = 0, hi = limit;
    if (!(flags & DESC_P)) {
        lo = 0xffffffffu;       /* null or not present: every access faults */
        hi = 0;
    } else if ((flags & DESC_S) && !(flags & DESC_CODE) && (flags & DESC_CONFORMING)) {
        lo = limit + 1;         /* expand-down data (SDM vol. 3, 3.4.5.1) */
        hi = (flags & DESC_B) ? 0xffffffffu : 0xffff;
    }
    env->segs[seg] = (struct x86_segment){ .selector = selector & 0xffff, .base = base, .limit = limit,
                                           .flags = flags, .lim_lo = lo, .lim_hi = hi };
    sys_update_seg_flags(env);
}

void sys_set_cpl(CPUX86State *env, int cpl)
{
    struct x86_sys *sys = env_sys(env);
    sys->cpl = cpl;
    env->jc = cpl == 3 ? sys->jc_user : sys->jc_kernel;
    if (cpl == 3)
        sys->jc_user_used = true;
}

static void load_from_desc(CPUX86State *env, int seg, uint32_t selector, uint64_t d)
{
    sys_load_seg_cache(env, seg, selector, sys_desc_base(d), sys_desc_limit(d), sys_desc_flags(d));
}

void sys_load_seg(CPUX86State *env, int seg, uint32_t selector)
{
    struct x86_sys *sys = env_sys(env);
    selector &= 0xffff;
    if (!(sys->cr0 & CR0_PE) || (env->eflags & EFLAGS_VM)) {
        sys_load_seg_cache(env, seg, selector, selector << 4, 0xffff, DESC_P | DESC_S | DESC_RW | (3u << DESC_DPL_SHIFT));
        return;
    }
    int rpl = (int)(selector & 3), cpl = sys->cpl;
    uint64_t d;
    if ((selector & ~3u) == 0) {
        /* The null selector: allowed in DS, ES, FS, GS (a later use faults); never in SS. */
        if (seg == R_SS)
            sys_raise(env, EXCP_GP, 0);
        sys_load_seg_cache(env, seg, selector, 0, 0, 0);
        return;
    }
    if (!sys_read_descriptor(env, selector, &d))
        sys_raise(env, EXCP_GP, selector & ~3u);
    if (!desc_is_segment(d))
        sys_raise(env, EXCP_GP, selector & ~3u);
    int dpl = desc_dpl(d);
    if (seg == R_SS) {
        /* SS: a writable data segment with RPL = DPL = CPL (6.x, MOV/POP SS). */
        if (rpl != cpl || dpl != cpl || desc_is_code(d) || !desc_rw(d))
            sys_raise(env, EXCP_GP, selector & ~3u);
        if (!desc_present(d))
            sys_raise(env, 12, selector & ~3u);      /* #SS */
    } else {
        /* Data or readable code; non-conforming ones need DPL >= max(CPL, RPL). */
        if (desc_is_code(d) && !desc_rw(d))
            sys_raise(env, EXCP_GP, selector & ~3u);
        if ((!desc_is_code(d) || !desc_conforming(d)) && (dpl < cpl || dpl < rpl))
            sys_raise(env, EXCP_GP, selector & ~3u);
        if (!desc_present(d))
            sys_raise(env, 11, selector & ~3u);      /* #NP */
    }
    set_accessed(env, selector, &d);
    load_from_desc(env, seg, selector, d);
}

void sys_lldt(CPUX86State *env, uint32_t selector)
{
    struct x86_sys *sys = env_sys(env);
    selector &= 0xffff;
    if ((selector & ~3u) == 0) {
        sys->ldt = (struct x86_segment){ .selector = selector };
        return;
    }
    uint64_t d;
    if ((selector & 4) || !sys_read_descriptor(env, selector, &d))
        sys_raise(env, EXCP_GP, selector & ~3u);
    if (desc_is_segment(d) || desc_system_type(d) != 2)
        sys_raise(env, EXCP_GP, selector & ~3u);
    if (!desc_present(d))
        sys_raise(env, 11, selector & ~3u);
    sys->ldt = (struct x86_segment){ .selector = selector, .base = sys_desc_base(d), .limit = sys_desc_limit(d),
                                     .flags = sys_desc_flags(d) };
}

void sys_ltr(CPUX86State *env, uint32_t selector)
{
    struct x86_sys *sys = env_sys(env);
    selector &= 0xffff;
    uint64_t d;
    if ((selector & ~3u) == 0)
        sys_raise(env, EXCP_GP, 0);
    if ((selector & 4) || !sys_read_descriptor(env, selector, &d))
        sys_raise(env, EXCP_GP, selector & ~3u);
    /* An available TSS, 16-bit (type 1) or 32-bit (type 9). */
    int type = desc_system_type(d);
    if (desc_is_segment(d) || (type != 1 && type != 9))
        sys_raise(env, EXCP_GP, selector & ~3u);
    if (!desc_present(d))
        sys_raise(env, 11, selector & ~3u);
    /* Mark it busy in the GDT (type bit 1), as ltr does. */
    d |= 2ull << 40;
    sys_vwrite(env, sys->gdt.base + (selector & ~7u) + 5, (uint32_t)(d >> 40) & 0xff, 1, MMU_KERNEL);
    sys->tr = (struct x86_segment){ .selector = selector, .base = sys_desc_base(d), .limit = sys_desc_limit(d),
                                    .flags = sys_desc_flags(d) };
}

/* --- stacks for far transfers --- */

struct sys_stack sys_stack_of(uint32_t esp, const struct x86_segment *ss, int cpl)
{
    return (struct sys_stack){ esp, ss->base, (ss->flags & DESC_B) ? 0xffffffffu : 0xffff,
                               cpl == 3 ? MMU_USER : MMU_KERNEL };
}

void sys_stack_push(CPUX86State *env, struct sys_stack *s, uint32_t v, int size)
{
    uint32_t sp = (s->esp - (uint32_t)size) & s->mask;
    sys_vwrite(env, s->base + sp, v, size, s->mmu_idx);
    s->esp = (s->esp & ~s->mask) | sp;
}

uint32_t sys_stack_pop(CPUX86State *env, struct sys_stack *s, int size)
{
    uint32_t sp = s->esp & s->mask;
    uint32_t v = sys_vread(env, s->base + sp, size, s->mmu_idx);
    s->esp = (s->esp & ~s->mask) | ((sp + (uint32_t)size) & s->mask);
    return v;
}

/* Checks a code-segment descriptor for a far jump/call to it at privilege cpl (not to a gate). */
static uint64_t check_code_target(CPUX86State *env, uint32_t selector, uint32_t offset)
{
    int cpl = env_sys(env)->cpl;
    uint64_t d;
    if ((selector & ~3u) == 0)
        sys_raise(env, EXCP_GP, 0);
    if (!sys_read_descriptor(env, selector, &d))
        sys_raise(env, EXCP_GP, selector & ~3u);
    if (!desc_is_segment(d)) {
        /* Call gates, task gates and TSSs: xqm does not model task switches or call gates. */
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: far transfer through system descriptor type %d not supported\n",
                    desc_system_type(d));
        sys_raise(env, EXCP_GP, selector & ~3u);
    }
    if (!desc_is_code(d))
        sys_raise(env, EXCP_GP, selector & ~3u);
    int dpl = desc_dpl(d), rpl = (int)(selector & 3);
    if (desc_conforming(d) ? dpl > cpl : (rpl > cpl || dpl != cpl))
        sys_raise(env, EXCP_GP, selector & ~3u);
    if (!desc_present(d))
        sys_raise(env, 11, selector & ~3u);
    if (offset > sys_desc_limit(d))
        sys_raise(env, EXCP_GP, 0);
    return d;
}

static void load_cs(CPUX86State *env, uint32_t selector, uint64_t d, int cpl)
{
    load_from_desc(env, R_CS, (selector & ~3u) | (uint32_t)cpl, d);
    sys_set_cpl(env, cpl);
}

void sys_ljmp(CPUX86State *env, uint32_t selector, uint32_t offset)
{
    struct x86_sys *sys = env_sys(env);
    selector &= 0xffff;
    if (!(sys->cr0 & CR0_PE)) {
        sys_load_seg_cache(env, R_CS, selector, selector << 4, 0xffff, env->segs[R_CS].flags);
        env->eip = offset;
        return;
    }
    uint64_t d = check_code_target(env, selector, offset);
    set_accessed(env, selector, &d);
    load_cs(env, selector, d, sys->cpl);
    env->eip = offset;
}

void sys_lcall(CPUX86State *env, uint32_t selector, uint32_t offset, uint32_t next_eip, int opsize)
{
    struct x86_sys *sys = env_sys(env);
    selector &= 0xffff;
    struct sys_stack s = sys_stack_of(env->regs[R_ESP], &env->segs[R_SS], sys->cpl);
    if (!(sys->cr0 & CR0_PE)) {
        sys_stack_push(env, &s, env->segs[R_CS].selector, opsize);
        sys_stack_push(env, &s, next_eip, opsize);
        env->regs[R_ESP] = s.esp;
        sys_load_seg_cache(env, R_CS, selector, selector << 4, 0xffff, env->segs[R_CS].flags);
        env->eip = offset;
        return;
    }
    uint64_t d = check_code_target(env, selector, offset);
    sys_stack_push(env, &s, env->segs[R_CS].selector, opsize);
    sys_stack_push(env, &s, next_eip, opsize);
    set_accessed(env, selector, &d);
    env->regs[R_ESP] = s.esp;
    load_cs(env, selector, d, sys->cpl);
    env->eip = offset;
}

/* After a return to an outer level, data segments the new CPL may not use become null (IRET). */
static void null_inaccessible_segments(CPUX86State *env, int cpl)
{
    static const int segs[] = { R_ES, R_DS, R_FS, R_GS };
    for (int i = 0; i < 4; i++) {
        struct x86_segment *s = &env->segs[segs[i]];
        uint32_t f = s->flags;
        bool conforming_code = (f & DESC_CODE) && (f & DESC_CONFORMING);
        int dpl = (int)(f >> DESC_DPL_SHIFT) & 3;
        if ((s->selector & ~3u) != 0 && !conforming_code && dpl < cpl)
            sys_load_seg_cache(env, segs[i], 0, 0, 0, 0);
    }
}

/* The common part of lret and iret once eip, cs (and eflags) are popped. */
static void far_return(CPUX86State *env, struct sys_stack *s, uint32_t eip, uint32_t cs, uint32_t imm, int opsize,
                       bool is_iret, uint32_t eflags)
{
    struct x86_sys *sys = env_sys(env);
    int cpl = sys->cpl, rpl = (int)(cs & 3);
    uint64_t d;
    cs &= 0xffff;
    if ((cs & ~3u) == 0)
        sys_raise(env, EXCP_GP, 0);
    if (!sys_read_descriptor(env, cs, &d))
        sys_raise(env, EXCP_GP, cs & ~3u);
    if (!desc_is_segment(d) || !desc_is_code(d) || rpl < cpl)
        sys_raise(env, EXCP_GP, cs & ~3u);
    int dpl = desc_dpl(d);
    if (desc_conforming(d) ? dpl > rpl : dpl != rpl)
        sys_raise(env, EXCP_GP, cs & ~3u);
    if (!desc_present(d))
        sys_raise(env, 11, cs & ~3u);
    s->esp = (s->esp & ~s->mask) | ((s->esp + imm) & s->mask);

    uint32_t new_ss = 0, new_esp = 0;
    uint64_t ssd = 0;
    if (rpl > cpl) {
        /* Return to an outer level: the outer stack comes off this one. */
        new_esp = sys_stack_pop(env, s, opsize);
        new_ss = sys_stack_pop(env, s, opsize) & 0xffff;
        if ((new_ss & ~3u) == 0)
            sys_raise(env, EXCP_GP, 0);
        if (!sys_read_descriptor(env, new_ss, &ssd))
            sys_raise(env, EXCP_GP, new_ss & ~3u);
        if ((int)(new_ss & 3) != rpl || !desc_is_segment(ssd) || desc_is_code(ssd) || !desc_rw(ssd) ||
            desc_dpl(ssd) != rpl)
            sys_raise(env, EXCP_GP, new_ss & ~3u);
        if (!desc_present(ssd))
            sys_raise(env, 12, new_ss & ~3u);
        set_accessed(env, new_ss, &ssd);
    }
    set_accessed(env, cs, &d);

    /* Everything that can fault has been done: commit. */
    if (is_iret) {
        /* Which flags iret may change depends on the privilege it runs at (SDM vol. 2, IRET). */
        uint32_t mask = CC_ALL | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_AC | EFLAGS_ID | EFLAGS_IF |
                        EFLAGS_IOPL;
        int iopl = (int)(env->eflags >> 12) & 3;
        if (cpl > 0)
            mask &= ~(uint32_t)EFLAGS_IOPL;
        if (cpl > iopl)
            mask &= ~(uint32_t)EFLAGS_IF;
        if (opsize == 2)
            mask &= 0xffff;
        cpu_set_eflags(env, eflags, mask);
    }
    load_cs(env, cs, d, rpl);
    env->eip = eip;
    if (rpl > cpl) {
        load_from_desc(env, R_SS, new_ss, ssd);
        uint32_t mask = (ssd & (1ull << 54)) ? 0xffffffffu : 0xffff;
        env->regs[R_ESP] = (new_esp & ~mask) | ((new_esp + imm) & mask);
        null_inaccessible_segments(env, rpl);
    } else {
        env->regs[R_ESP] = s->esp;
    }
}

void sys_lret(CPUX86State *env, uint32_t imm, int opsize)
{
    struct x86_sys *sys = env_sys(env);
    struct sys_stack s = sys_stack_of(env->regs[R_ESP], &env->segs[R_SS], sys->cpl);
    uint32_t eip = sys_stack_pop(env, &s, opsize);
    uint32_t cs = sys_stack_pop(env, &s, opsize) & 0xffff;
    if (!(sys->cr0 & CR0_PE)) {
        s.esp = (s.esp & ~s.mask) | ((s.esp + imm) & s.mask);
        env->regs[R_ESP] = s.esp;
        sys_load_seg_cache(env, R_CS, cs, cs << 4, 0xffff, env->segs[R_CS].flags);
        env->eip = eip;
        return;
    }
    far_return(env, &s, eip, cs, imm, opsize, false, 0);
}

void sys_iret(CPUX86State *env, int opsize)
{
    struct x86_sys *sys = env_sys(env);
    if ((sys->cr0 & CR0_PE) && (env->eflags & EFLAGS_NT)) {
        /* A return from a nested task needs the task-switch machinery xqm does not model. */
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: iret with NT set (task return) not supported\n");
        sys_raise(env, EXCP_GP, 0);
    }
    struct sys_stack s = sys_stack_of(env->regs[R_ESP], &env->segs[R_SS], sys->cpl);
    uint32_t eip = sys_stack_pop(env, &s, opsize);
    uint32_t cs = sys_stack_pop(env, &s, opsize) & 0xffff;
    uint32_t eflags = sys_stack_pop(env, &s, opsize);
    if (!(sys->cr0 & CR0_PE)) {
        env->regs[R_ESP] = s.esp;
        sys_load_seg_cache(env, R_CS, cs, cs << 4, 0xffff, env->segs[R_CS].flags);
        env->eip = eip;
        cpu_set_eflags(env, eflags, opsize == 2 ? 0xffff & ~(uint32_t)EFLAGS_IOPL : 0x257fd5);
        return;
    }
    if ((eflags & EFLAGS_VM) && sys->cpl == 0) {
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: iret to virtual-8086 mode not supported\n");
        sys_raise(env, EXCP_GP, 0);
    }
    far_return(env, &s, eip, cs, 0, opsize, true, eflags);
}

/* --- lar, lsl, verr, verw: descriptor queries that report through ZF --- */

/* Whether the descriptor of selector is visible at CPL/RPL for these queries (SDM vol. 2, LAR). */
static bool query_descriptor(CPUX86State *env, uint32_t selector, uint64_t *d, bool want_limit)
{
    int cpl = env_sys(env)->cpl, rpl = (int)(selector & 3);
    if ((selector & ~3u) == 0 || !sys_read_descriptor(env, selector, d))
        return false;
    if (desc_is_segment(*d)) {
        if (desc_is_code(*d) && desc_conforming(*d))
            return true;
        return desc_dpl(*d) >= cpl && desc_dpl(*d) >= rpl;
    }
    /* System descriptors lar accepts: TSSs, LDT, gates (lsl: not the gates). */
    int type = desc_system_type(*d);
    bool ok = type == 1 || type == 2 || type == 3 || type == 9 || type == 11 ||
              (!want_limit && (type == 4 || type == 5 || type == 12));
    return ok && desc_dpl(*d) >= cpl && desc_dpl(*d) >= rpl;
}

bool sys_lar(CPUX86State *env, uint32_t selector, uint32_t *value)
{
    uint64_t d;
    if (!query_descriptor(env, selector & 0xffff, &d, false))
        return false;
    *value = (uint32_t)(d >> 32) & 0x00f0ff00;
    return true;
}

bool sys_lsl(CPUX86State *env, uint32_t selector, uint32_t *value)
{
    uint64_t d;
    if (!query_descriptor(env, selector & 0xffff, &d, true))
        return false;
    *value = sys_desc_limit(d);
    return true;
}

bool sys_verify(CPUX86State *env, uint32_t selector, bool write)
{
    uint64_t d;
    if (!query_descriptor(env, selector & 0xffff, &d, false) || !desc_is_segment(d))
        return false;
    if (write)
        return !desc_is_code(d) && desc_rw(d);
    return !desc_is_code(d) || desc_rw(d);
}
