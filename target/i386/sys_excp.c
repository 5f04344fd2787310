/*
 * Exceptions and interrupts in system mode (SDM vol. 3, chapter 6): raising them from C helpers,
 * delivering them through the IDT with the privilege-level stack switch, and the double-fault /
 * triple-fault rules for faults that happen during delivery.
 *
 * Return addresses: a fault is delivered with eip at the faulting instruction (env->eip as the
 * exec loop or the slow path left it), a software interrupt (int n, int3, into) with eip after
 * it, a hardware interrupt with the eip at which the CPU stopped.
 */
#include "common/xqm.h"
#include "target/i386/sys.h"

static bool vector_has_error(int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

_Noreturn void sys_raise(CPUX86State *env, int vector, uint32_t error)
{
    struct x86_sys *sys = env_sys(env);
    sys->excp = (struct x86_pending_excp){ vector, vector_has_error(vector), false, error, 0 };
    xqm_assert(sys->raise_jmp != NULL);
    longjmp(*sys->raise_jmp, 1);
}

_Noreturn void sys_raise_noerr(CPUX86State *env, int vector)
{
    sys_raise(env, vector, 0);
}

bool sys_interrupts_enabled(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    if (!(env->eflags & EFLAGS_IF))
        return false;
    return !(sys->inhibit_irq && env->eip == sys->inhibit_eip);
}

/* The TSS stack of privilege level cpl (SDM vol. 3, 7.2.1). */
static void tss_stack(CPUX86State *env, int cpl, uint32_t ext, uint32_t *esp, uint32_t *ss)
{
    struct x86_sys *sys = env_sys(env);
    int type = (int)(sys->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    bool tss32 = type & 8;
    uint32_t off = tss32 ? 4 + (uint32_t)cpl * 8 : 2 + (uint32_t)cpl * 4;
    if (off + (tss32 ? 5 : 3) > sys->tr.limit)
        sys_raise(env, 10, (sys->tr.selector & ~3u) + ext);
    *esp = sys_vread(env, sys->tr.base + off, tss32 ? 4 : 2, MMU_KERNEL);
    *ss = sys_vread(env, sys->tr.base + off + (tss32 ? 4 : 2), 2, MMU_KERNEL);
}

static __attribute__((noinline)) void deliver_protected(CPUX86State *env, const struct x86_pending_excp *e)
{
    struct x86_sys *sys = env_sys(env);
    int vector = e->vector, cpl = sys->cpl;
    uint32_t ext = e->software ? 0 : 1;
    uint32_t idt_error = (uint32_t)vector * 8 + 2 + ext;

    if ((uint32_t)vector * 8 + 7 > sys->idt.limit)
        sys_raise(env, EXCP_GP, idt_error);
    uint32_t lo = sys_vread(env, sys->idt.base + (uint32_t)vector * 8, 4, MMU_KERNEL);
    uint32_t hi = sys_vread(env, sys->idt.base + (uint32_t)vector * 8 + 4, 4, MMU_KERNEL);
    int type = (int)(hi >> 8) & 0x1f;           /* with S, which must be 0 */
    int gate_dpl = (int)(hi >> 13) & 3;
    if (type != 0x05 && type != 0x06 && type != 0x07 && type != 0x0e && type != 0x0f)
        sys_raise(env, EXCP_GP, idt_error);
    if (e->software && gate_dpl < cpl)
        sys_raise(env, EXCP_GP, idt_error);
    if (!(hi & DESC_P))
        sys_raise(env, 11, idt_error);
    if (type == 0x05) {
        /* A task gate would need a hardware task switch (Linux uses one for #DF only). */
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: task gate for vector %d not supported\n", vector);
        sys_request_reset(env, "task gate in the IDT");
        return;
    }
    int gate_size = (type & 8) ? 4 : 2;
    uint32_t selector = lo >> 16;
    uint32_t offset = (lo & 0xffff) | (gate_size == 4 ? (hi & 0xffff0000) : 0);

    uint64_t d;
    if ((selector & ~3u) == 0)
        sys_raise(env, EXCP_GP, ext);
    if (!sys_read_descriptor(env, selector, &d))
        sys_raise(env, EXCP_GP, (selector & ~3u) + ext);
    uint32_t flags = sys_desc_flags(d);
    int dpl = (int)(flags >> DESC_DPL_SHIFT) & 3;
    if (!(flags & DESC_S) || !(flags & DESC_CODE) || dpl > cpl)
        sys_raise(env, EXCP_GP, (selector & ~3u) + ext);
    if (!(flags & DESC_P))
        sys_raise(env, 11, (selector & ~3u) + ext);
    if (env->eflags & EFLAGS_VM) {
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: interrupt from virtual-8086 mode not supported\n");
        sys_raise(env, EXCP_GP, (selector & ~3u) + ext);
    }

    int new_cpl = (flags & DESC_CONFORMING) ? cpl : dpl;
    uint32_t ret_eip = e->software ? e->next_eip : env->eip;
    struct sys_stack s;
    uint32_t new_ss = 0;
    uint64_t ssd = 0;
    if (new_cpl < cpl) {
        uint32_t new_esp;
        tss_stack(env, new_cpl, ext, &new_esp, &new_ss);
        if ((new_ss & ~3u) == 0)
            sys_raise(env, 10, ext);
        if (!sys_read_descriptor(env, new_ss, &ssd))
            sys_raise(env, 10, (new_ss & ~3u) + ext);
        uint32_t sf = sys_desc_flags(ssd);
        if ((int)(new_ss & 3) != new_cpl || (int)((sf >> DESC_DPL_SHIFT) & 3) != new_cpl || !(sf & DESC_S) ||
            (sf & DESC_CODE) || !(sf & DESC_RW))
            sys_raise(env, 10, (new_ss & ~3u) + ext);
        if (!(sf & DESC_P))
            sys_raise(env, 12, (new_ss & ~3u) + ext);
        struct x86_segment ss_seg = { .selector = new_ss, .base = sys_desc_base(ssd), .limit = sys_desc_limit(ssd), .flags = sf };
        s = sys_stack_of(new_esp, &ss_seg, new_cpl);
        sys_stack_push(env, &s, env->segs[R_SS].selector, gate_size);
        sys_stack_push(env, &s, env->regs[R_ESP], gate_size);
    } else {
        s = sys_stack_of(env->regs[R_ESP], &env->segs[R_SS], cpl);
    }
    sys_stack_push(env, &s, cpu_get_eflags(env), gate_size);
    sys_stack_push(env, &s, env->segs[R_CS].selector, gate_size);
    sys_stack_push(env, &s, ret_eip, gate_size);
    if (e->has_error && !e->software)
        sys_stack_push(env, &s, e->error, gate_size);

    /* Every access succeeded: switch. */
    if (new_cpl < cpl)
        sys_load_seg_cache(env, R_SS, new_ss, sys_desc_base(ssd), sys_desc_limit(ssd), sys_desc_flags(ssd));
    env->regs[R_ESP] = s.esp;
    sys_load_seg_cache(env, R_CS, (selector & ~3u) | (uint32_t)new_cpl, sys_desc_base(d), sys_desc_limit(d), flags);
    sys_set_cpl(env, new_cpl);
    env->eip = offset;
    uint32_t clear = EFLAGS_TF | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM;
    if (!(type & 1))
        clear |= EFLAGS_IF;         /* interrupt gate, not trap gate */
    env->eflags &= ~clear;
    sys->inhibit_irq = false;
}

/*
 * Real-address mode (SDM vol. 3, 20.1.4; vol. 2, INT n): the vector's 4-byte entry in the IVT at
 * IDTR.base holds IP then CS; FLAGS, CS and IP are pushed as 16-bit values (no error code), and
 * IF, TF and AC are cleared.
 */
static __attribute__((noinline)) void deliver_real(CPUX86State *env, const struct x86_pending_excp *e)
{
    struct x86_sys *sys = env_sys(env);
    uint32_t entry = (uint32_t)e->vector * 4;
    if (entry + 3 > sys->idt.limit)
        sys_raise(env, EXCP_GP, 0);
    uint32_t ip = sys_vread(env, sys->idt.base + entry, 2, MMU_KERNEL);
    uint32_t cs = sys_vread(env, sys->idt.base + entry + 2, 2, MMU_KERNEL);
    uint32_t ret_eip = e->software ? e->next_eip : env->eip;
    struct sys_stack s = sys_stack_of(env->regs[R_ESP], &env->segs[R_SS], 0);
    sys_stack_push(env, &s, cpu_get_eflags(env) & 0xffff, 2);
    sys_stack_push(env, &s, env->segs[R_CS].selector, 2);
    sys_stack_push(env, &s, ret_eip & 0xffff, 2);
    env->regs[R_ESP] = s.esp;
    sys_load_seg_cache(env, R_CS, cs, cs << 4, env->segs[R_CS].limit, env->segs[R_CS].flags);
    env->eip = ip;
    env->eflags &= ~(uint32_t)(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC);
    sys->inhibit_irq = false;
}

/* One delivery attempt; false when it raised another exception (in sys->excp). */
static bool try_deliver(CPUX86State *env, const struct x86_pending_excp *e)
{
    struct x86_sys *sys = env_sys(env);
    jmp_buf jb;
    jmp_buf *outer = sys->raise_jmp;
    if (setjmp(jb) != 0) {
        sys->raise_jmp = outer;
        return false;
    }
    sys->raise_jmp = &jb;
    if (env_sys(env)->cr0 & CR0_PE)
        deliver_protected(env, e);
    else
        deliver_real(env, e);
    sys->raise_jmp = outer;
    return true;
}

/* Exception classes for the double-fault rules (SDM vol. 3, table 6-5). */
static bool contributory(int v) { return v == 0 || (v >= 10 && v <= 13); }

void sys_deliver(CPUX86State *env, const struct x86_pending_excp *first)
{
    struct x86_sys *sys = env_sys(env);
    struct x86_pending_excp e = *first;
    for (;;) {
        if (xqm_log_enabled(LOG_INT)) {
            xqm_log("xqm-system: %s %d at eip 0x%08x cpl %d eflags 0x%08x esp 0x%08x",
                    e.software ? "int" : "exception/irq", e.vector, env->eip, sys->cpl, cpu_get_eflags(env),
                    env->regs[R_ESP]);
            if (e.has_error && !e.software)
                xqm_log(" error 0x%x", e.error);
            if (e.vector == EXCP_PF)
                xqm_log(" cr2 0x%08x", sys->cr2);
            xqm_log("\n");
        }
        if (try_deliver(env, &e))
            return;
        struct x86_pending_excp nested = sys->excp;
        if (e.vector == 8) {
            sys_request_reset(env, "triple fault");
            return;
        }
        bool df = (contributory(e.vector) && contributory(nested.vector)) ||
                  (e.vector == EXCP_PF && (contributory(nested.vector) || nested.vector == EXCP_PF));
        if (df)
            e = (struct x86_pending_excp){ 8, true, false, 0, 0 };
        else
            e = nested;
    }
}

void sys_handle_exception(CPUX86State *env, int excp)
{
    struct x86_sys *sys = env_sys(env);
    struct x86_pending_excp e = { excp, false, false, 0, 0 };
    switch (excp) {
    case EXCP_SYS_RAISED:
        e = sys->excp;
        break;
    case EXCP_PF:
        if (sys->data_fault) {
            sys->data_fault = false;
            e.error = env->error_code;
        } else {
            sys->cr2 = sys->fetch_fault_addr;
            e.error = sys->fetch_fault_error;
        }
        e.has_error = true;
        break;
    case EXCP_SS:       /* a stack-segment limit violation in not-flat code: #SS(0) */
    case EXCP_GP:
    case EXCP_AC:
        e.has_error = true;
        break;
    case EXCP_BP:
    case EXCP_OF:
        e.software = true;
        e.next_eip = env->exception_next_eip;
        break;
    case EXCP_SYSCALL:
        e = (struct x86_pending_excp){ 0x80, false, true, 0, env->eip };
        break;
    case EXCP_ICEBP:    /* int1: a #DB trap, eip after it, no DPL check */
        e.vector = EXCP_DB;
        env->eip = env->exception_next_eip;
        break;
    case EXCP_DB:       /* the single-step trap (the exec loop raises it): DR6.BS */
        sys->dr[6] |= 1u << 14;
        break;
    case EXCP_XM:       /* without CR4.OSXMMEXCPT an unmasked SIMD exception is #UD (SDM vol. 3, 13.1.4) */
        if (!(sys->cr4 & CR4_OSXMMEXCPT))
            e.vector = EXCP_UD;
        break;
    default:
        if (excp < 0 || excp >= 32)
            xqm_fatal("internal: unexpected exit %d from translated code", excp);
        break;
    }
    sys_deliver(env, &e);
}
