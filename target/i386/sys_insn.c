/*
 * Translators of the x86 system instructions for xqm-system: port I/O, interrupt-flag control,
 * hlt, control/debug/segment register moves, descriptor-table loads, far transfers, iret, int n,
 * invlpg, MSRs, lar/lsl/verr/verw.
 *
 * Nearly all of them call a C helper (sys_helper.c) with the guest state synced to env and branch
 * to an EXCP_SYS_RAISED exit when it raised an exception. Checks that depend only on CPL are made
 * here: CPL is part of the TB key in system mode. Instructions that can change how later code is
 * translated or where it is (CR0/CR3/CR4, invlpg, lmsw, far transfers, iret) end the TB with an
 * unchained return to the exec loop, which looks the next TB up with the new state.
 */
#include "target/i386/sys.h"
#include "target/i386/sys_insn.h"

static int tb_cpl(const DisasContext *dc) { return (int)(dc->tb->flags & SYS_TBF_CPL_MASK); }
static bool op16(const DisasContext *dc) { return dc_op16(dc); }

/* Emits #GP(0) unless the TB runs at CPL 0; true if the instruction may go on. */
static bool require_cpl0(DisasContext *dc)
{
    if (tb_cpl(dc) == 0)
        return true;
    gen_exception(dc, EXCP_GP, false);
    return false;
}

static int gen_imm(DisasContext *dc, uint32_t v)
{
    int t = dc_temp(dc);
    mips_li32(dc->b, t, v);
    return t;
}

/* Calls helper fn with the guest state in env; an exception it raised leaves the TB. */
static void gen_sys_call(DisasContext *dc, void *fn, int a1, int a2, int a3)
{
    int r = dc_temp(dc);
    gen_helper_call(dc, fn, true, r, a1, a2, a3);
    mips_label l = gen_exception_label(dc, EXCP_SYS_RAISED);
    mips_bnez(dc->b, r, l);
    mips_nop(dc->b);
    dc_temp_free(dc, r);
}

/* Returns to the exec loop at the next instruction when reg != 0 (the TB goes on otherwise). */
static void gen_exit_to_loop_if(DisasContext *dc, int reg)
{
    struct mips_buf *b = dc->b;
    mips_label cont = mips_new_label(b);
    flags_sync(dc);
    mips_beqz(b, reg, cont);
    gen_exit_nochain_pc(dc, dc->next_pc);
    mips_bind_label(b, cont);
}

/* Like gen_sys_call, for helpers that may also ask for a return to the exec loop after the
 * instruction (SYS_HELPER_EXIT). */
static void gen_sys_call_may_exit(DisasContext *dc, void *fn, int a1, int a2, int a3)
{
    struct mips_buf *b = dc->b;
    int r = dc_temp(dc);
    gen_helper_call(dc, fn, true, r, a1, a2, a3);
    mips_label raised = gen_exception_label(dc, EXCP_SYS_RAISED);
    mips_addiu(b, MIPS_AT, r, -SYS_HELPER_RAISED);
    mips_beqz(b, MIPS_AT, raised);
    mips_nop(b);
    gen_exit_to_loop_if(dc, r);
    dc_temp_free(dc, r);
}

/* Ends the TB with an unchained exit to the exec loop, at the next instruction or at the eip a
 * helper stored. */
static void gen_exit_to_loop(DisasContext *dc, bool eip_from_helper)
{
    flags_sync(dc);
    if (eip_from_helper)
        gen_exit_nochain(dc);
    else
        gen_exit_nochain_pc(dc, dc->next_pc);
    dc->tb_ended = true;
}

static int seg_of_reg(unsigned r)
{
    switch (r) {
    case X86_REG_ES: return R_ES;
    case X86_REG_CS: return R_CS;
    case X86_REG_SS: return R_SS;
    case X86_REG_DS: return R_DS;
    case X86_REG_FS: return R_FS;
    case X86_REG_GS: return R_GS;
    default: return -1;
    }
}

/* --- port I/O --- */

bool sys_translate_in(DisasContext *dc)
{
    const cs_x86_op *port = dc_op(dc, 1);
    int p = port->type == X86_OP_IMM ? gen_imm(dc, (uint32_t)port->imm & 0xff) : hreg_guest(R_EDX);
    gen_sys_call(dc, (void *)helper_sys_in, p, gen_imm(dc, (uint32_t)dc_op_log2(dc, 0)), -1);
    return true;
}

bool sys_translate_out(DisasContext *dc)
{
    const cs_x86_op *port = dc_op(dc, 0);
    int p = port->type == X86_OP_IMM ? gen_imm(dc, (uint32_t)port->imm & 0xff) : hreg_guest(R_EDX);
    gen_sys_call(dc, (void *)helper_sys_out, p, gen_imm(dc, (uint32_t)dc_op_log2(dc, 1)), -1);
    return true;
}

static bool gen_string_io(DisasContext *dc, bool in)
{
    bool addr16 = dc->x86->addr_size == 2;
    const cs_x86_op *mem = dc_op(dc, in ? 0 : 1);
    int size_log2 = mem->size == 1 ? 0 : mem->size == 2 ? 1 : 2;
    bool rep = dc->x86->prefix[0] == X86_PREFIX_REP;
    int seg = R_DS;
    if (!in && mem->mem.segment != X86_REG_INVALID)
        seg = seg_of_reg(mem->mem.segment);
    uint32_t how = (uint32_t)size_log2 | (rep ? 4u : 0) | (uint32_t)seg << 4 | (addr16 ? SYS_IO_ADDR16 : 0);
    gen_sys_call(dc, in ? (void *)helper_sys_ins : (void *)helper_sys_outs, gen_imm(dc, how), -1, -1);
    return true;
}

bool sys_translate_ins(DisasContext *dc) { return gen_string_io(dc, true); }
bool sys_translate_outs(DisasContext *dc) { return gen_string_io(dc, false); }

/* --- interrupt flag, halt, flags register --- */

/* cli and sti at CPL 0 (a kernel's interrupt-flag juggling, very frequent) are inline: CPL 0 is
 * always <= IOPL. Elsewhere a helper checks IOPL. */
bool sys_translate_cli(DisasContext *dc)
{
    if (tb_cpl(dc) != 0) {
        gen_sys_call(dc, (void *)helper_sys_cli, -1, -1, -1);
        return true;
    }
    int t = dc_temp(dc);
    mips_lw(dc->b, t, HREG_ENV, offsetof(CPUX86State, eflags));
    mips_ins(dc->b, t, MIPS_ZERO, 9, 1);
    mips_sw(dc->b, t, HREG_ENV, offsetof(CPUX86State, eflags));
    return true;
}

/*
 * sti sets IF and, if IF was clear, blocks interrupts until the next instruction completes (the
 * interrupt shadow, SDM vol. 2, STI). When an interrupt waits, it returns to the exec loop, which
 * runs that instruction alone and then takes the interrupt (vcpu.c, softmmu.c).
 */
bool sys_translate_sti(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    if (tb_cpl(dc) != 0) {
        gen_sys_call_may_exit(dc, (void *)helper_sys_sti, gen_imm(dc, dc->next_pc), -1, -1);
        return true;
    }
    int t = dc_temp(dc);
    mips_label done = mips_new_label(b);
    flags_sync(dc);
    mips_lw(b, t, HREG_ENV, offsetof(CPUX86State, eflags));
    mips_andi(b, MIPS_AT, t, EFLAGS_IF);
    mips_bnez(b, MIPS_AT, done);
    mips_ori(b, t, t, EFLAGS_IF);
    mips_sw(b, t, HREG_ENV, offsetof(CPUX86State, eflags));
    mips_li(b, MIPS_AT, 1);
    mips_sb(b, MIPS_AT, HREG_ENV, (int16_t)SYS_FIELD_OFFSET(inhibit_irq));
    mips_li32(b, MIPS_AT, dc->next_pc);
    mips_sw(b, MIPS_AT, HREG_ENV, (int16_t)SYS_FIELD_OFFSET(inhibit_eip));
    mips_lw(b, MIPS_AT, HREG_ENV, (int16_t)SYS_FIELD_OFFSET(interrupt_request));
    mips_andi(b, MIPS_AT, MIPS_AT, SYS_IRQ_HARD | SYS_IRQ_NMI);
    mips_beqz(b, MIPS_AT, done);
    mips_li(b, MIPS_AT, 1);
    mips_sw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, exit_request));
    gen_exit_nochain_pc(dc, dc->next_pc);
    mips_bind_label(b, done);
    return true;
}

/* hlt leaves with eip after it; the vCPU then sleeps until an interrupt (SDM vol. 2, HLT). */
bool sys_translate_hlt(DisasContext *dc)
{
    if (require_cpl0(dc))
        gen_exception(dc, EXCP_HLT, true);
    return true;
}

bool sys_translate_popf(DisasContext *dc)
{
    int size = op16(dc) ? 2 : 4;
    int v = dc_temp(dc), r = dc_temp(dc);
    dc_stack_access(dc);
    gen_ld(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, v, hreg_guest(R_ESP));
    gen_helper_call(dc, (void *)helper_sys_popf, false, r, v, gen_imm(dc, (uint32_t)size), -1);
    gen_sp_add(dc, size);
    flags_from_env(dc);
    /* IF set with an interrupt waiting: take it right after popf. */
    gen_exit_to_loop_if(dc, r);
    return true;
}

/* --- register moves: control, debug and segment registers --- */

static int cr_number(unsigned r)
{
    switch (r) {
    case X86_REG_CR0: return 0;
    case X86_REG_CR2: return 2;
    case X86_REG_CR3: return 3;
    case X86_REG_CR4: return 4;
    default: return (r >= X86_REG_CR0 && r <= X86_REG_CR15) ? -2 : -1;
    }
}

static int dr_number(unsigned r)
{
    return (r >= X86_REG_DR0 && r <= X86_REG_DR7) ? (int)(r - X86_REG_DR0) : -1;
}

static bool gen_mov_cr_dr(DisasContext *dc, bool to, bool dr, int n)
{
    int gpr, off, size;
    if (n == -2)
        return false;       /* CR1, CR5..CR15: #UD */
    if (!require_cpl0(dc))
        return true;
    const cs_x86_op *g = dc_op(dc, to ? 1 : 0);
    if (g->type != X86_OP_REG || !x86_gpr(g->reg, &gpr, &off, &size) || size != 4)
        return false;
    if (to) {
        gen_sys_call(dc, dr ? (void *)helper_sys_mov_to_dr : (void *)helper_sys_mov_to_cr, gen_imm(dc, (uint32_t)n),
                     hreg_guest(gpr), -1);
        if (!dr)
            gen_exit_to_loop(dc, false);
    } else {
        int v = dc_temp(dc);
        gen_helper_call(dc, dr ? (void *)helper_sys_mov_from_dr : (void *)helper_sys_mov_from_cr, false, v,
                        gen_imm(dc, (uint32_t)n), -1, -1);
        gen_write_gpr(dc, gpr, 0, 4, v);
    }
    return true;
}

/* A segment load that changes the TB key's segmentation bits (sys_update_seg_flags) makes the
 * helper ask for a return to the exec loop: the rest of this TB assumed the old state. The stack
 * pointer moves first for pop (sp_delta). */
static bool gen_load_sreg(DisasContext *dc, int seg, int value, int sp_delta)
{
    struct mips_buf *b = dc->b;
    if (seg < 0 || seg == R_CS)
        return false;
    if (seg == R_FS || seg == R_GS) {
        /* Not part of the flat test: their bases are added wherever they are used. */
        gen_sys_call(dc, (void *)helper_sys_load_seg, gen_imm(dc, (uint32_t)seg), value, -1);
        if (sp_delta)
            gen_sp_add(dc, sp_delta);
        return true;
    }
    int r = dc_temp(dc);
    gen_helper_call(dc, (void *)helper_sys_load_seg, true, r, gen_imm(dc, (uint32_t)seg), value, -1);
    mips_label raised = gen_exception_label(dc, EXCP_SYS_RAISED);
    mips_addiu(b, MIPS_AT, r, -SYS_HELPER_RAISED);
    mips_beqz(b, MIPS_AT, raised);
    mips_nop(b);
    if (sp_delta)
        gen_sp_add(dc, sp_delta);
    if (seg == R_SS)
        gen_ss_loaded(dc);
    gen_exit_to_loop_if(dc, r);
    return true;
}

bool sys_translate_mov(DisasContext *dc)
{
    const cs_x86_op *d = dc_op(dc, 0), *s = dc_op(dc, 1);
    if (d->type == X86_OP_REG) {
        if (cr_number(d->reg) != -1)
            return gen_mov_cr_dr(dc, true, false, cr_number(d->reg));
        if (dr_number(d->reg) >= 0)
            return gen_mov_cr_dr(dc, true, true, dr_number(d->reg));
        if (seg_of_reg(d->reg) >= 0) {
            int v = gen_load_op(dc, 1, 1);
            return v >= 0 && gen_load_sreg(dc, seg_of_reg(d->reg), v, 0);
        }
    }
    if (s->type == X86_OP_REG) {
        if (cr_number(s->reg) != -1)
            return gen_mov_cr_dr(dc, false, false, cr_number(s->reg));
        if (dr_number(s->reg) >= 0)
            return gen_mov_cr_dr(dc, false, true, dr_number(s->reg));
    }
    return x86_translate_mov(dc);
}

bool sys_translate_pop(DisasContext *dc)
{
    const cs_x86_op *d = dc_op(dc, 0);
    if (d->type != X86_OP_REG || seg_of_reg(d->reg) < 0)
        return x86_translate_pop(dc);
    int size = op16(dc) ? 2 : 4;
    int v = dc_temp(dc);
    dc_stack_access(dc);
    gen_ld(dc, MO_16 | MO_ALIGNED, v, hreg_guest(R_ESP));
    return gen_load_sreg(dc, seg_of_reg(d->reg), v, size);
}

/* lds/les/lfs/lgs/lss r32, m16:32. */
bool sys_translate_lxs(DisasContext *dc)
{
    int seg = x86_lxs_segment(dc->insn->id), gpr, off, size;
    if (!x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &size) || size != (op16(dc) ? 2 : 4))
        return false;
    int ea = gen_ea_linear(dc, dc_op(dc, 1), size + 2);
    gen_sys_call_may_exit(dc, (void *)helper_sys_lxs,
                          gen_imm(dc, (uint32_t)seg | (uint32_t)gpr << 8 | (op16(dc) ? SYS_FAR_OP16 : 0)), ea, -1);
    return true;
}

/* --- descriptor tables and system registers --- */

bool sys_translate_lgdt(DisasContext *dc)
{
    if (!require_cpl0(dc))
        return true;
    int ea = gen_ea_linear(dc, dc_op(dc, 0), 6);
    uint32_t which = dc->insn->id == X86_INS_LIDT;
    gen_sys_call(dc, (void *)helper_sys_lgdt, ea, gen_imm(dc, which), gen_imm(dc, op16(dc) ? 2 : 4));
    return true;
}

bool sys_translate_sgdt(DisasContext *dc)
{
    int ea = gen_ea_linear(dc, dc_op(dc, 0), 6);
    uint32_t which = dc->insn->id == X86_INS_SIDT;
    gen_sys_call(dc, (void *)helper_sys_sgdt, ea, gen_imm(dc, which), -1);
    return true;
}

bool sys_translate_lldt_ltr(DisasContext *dc)
{
    if (!require_cpl0(dc))
        return true;
    int v = gen_load_op(dc, 0, 1);
    if (v < 0)
        return false;
    gen_sys_call(dc, dc->insn->id == X86_INS_LTR ? (void *)helper_sys_ltr : (void *)helper_sys_lldt, v, -1, -1);
    return true;
}

/* sldt, str, smsw: the register form writes the whole 32-bit register, memory 16 bits. */
bool sys_translate_read_sysreg(DisasContext *dc)
{
    uint32_t which = dc->insn->id == X86_INS_SLDT ? 0 : dc->insn->id == X86_INS_STR ? 1 : 2;
    int v = dc_temp(dc);
    gen_helper_call(dc, (void *)helper_sys_read_sysreg, false, v, gen_imm(dc, which), -1, -1);
    gen_store_op(dc, 0, v);
    return true;
}

bool sys_translate_lmsw(DisasContext *dc)
{
    if (!require_cpl0(dc))
        return true;
    int v = gen_load_op(dc, 0, 1);
    if (v < 0)
        return false;
    gen_sys_call(dc, (void *)helper_sys_lmsw, v, -1, -1);
    gen_exit_to_loop(dc, false);
    return true;
}

bool sys_translate_clts(DisasContext *dc)
{
    if (!require_cpl0(dc))
        return true;
    gen_helper_call(dc, (void *)helper_sys_clts, false, -1, -1, -1, -1);
    gen_exit_to_loop(dc, false);
    return true;
}

bool sys_translate_invlpg(DisasContext *dc)
{
    if (!require_cpl0(dc))
        return true;
    int ea = gen_ea_linear(dc, dc_op(dc, 0), 1);
    gen_helper_call(dc, (void *)helper_sys_invlpg, false, -1, ea, -1, -1);
    gen_exit_to_loop(dc, false);
    return true;
}

/* wbinvd, invd: caches are not modelled, only the privilege check remains. */
bool sys_translate_cache(DisasContext *dc)
{
    require_cpl0(dc);
    return true;
}

bool sys_translate_msr(DisasContext *dc)
{
    if (!require_cpl0(dc))
        return true;
    gen_sys_call(dc, dc->insn->id == X86_INS_RDMSR ? (void *)helper_sys_rdmsr : (void *)helper_sys_wrmsr, -1, -1, -1);
    return true;
}

bool sys_translate_rdtsc(DisasContext *dc)
{
    gen_sys_call(dc, (void *)helper_sys_rdtsc, -1, -1, -1);
    return true;
}

bool sys_translate_cpuid(DisasContext *dc)
{
    gen_sys_call(dc, (void *)helper_sys_cpuid, -1, -1, -1);
    return true;
}

/* --- far transfers and interrupts --- */

/* The far transfers' operand size (SYS_FAR_OP16 for 16 bits): the width of the offset and of
 * the stack slots (SDM vol. 2, JMP/CALL/RET far). */
static uint32_t far_op16(const DisasContext *dc) { return op16(dc) ? SYS_FAR_OP16 : 0; }

bool sys_translate_ljmp(DisasContext *dc)
{
    int size = op16(dc) ? 4 : 6;
    if (dc->x86->op_count == 2) {
        gen_sys_call(dc, (void *)helper_sys_ljmp, gen_imm(dc, ((uint32_t)dc_op(dc, 0)->imm & 0xffff) | far_op16(dc)),
                     gen_imm(dc, (uint32_t)dc_op(dc, 1)->imm), -1);
    } else {
        gen_sys_call(dc, (void *)helper_sys_ljmp_m, gen_ea_linear(dc, dc_op(dc, 0), size), gen_imm(dc, far_op16(dc)),
                     -1);
    }
    gen_exit_to_loop(dc, true);
    return true;
}

bool sys_translate_lcall(DisasContext *dc)
{
    int size = op16(dc) ? 4 : 6;
    int next = gen_imm(dc, dc->next_pc);
    if (dc->x86->op_count == 2) {
        gen_sys_call(dc, (void *)helper_sys_lcall, gen_imm(dc, ((uint32_t)dc_op(dc, 0)->imm & 0xffff) | far_op16(dc)),
                     gen_imm(dc, (uint32_t)dc_op(dc, 1)->imm), next);
    } else {
        gen_sys_call(dc, (void *)helper_sys_lcall_m, gen_ea_linear(dc, dc_op(dc, 0), size), next,
                     gen_imm(dc, far_op16(dc)));
    }
    gen_exit_to_loop(dc, true);
    return true;
}

bool sys_translate_retf(DisasContext *dc)
{
    uint32_t imm = dc->x86->op_count == 1 ? (uint32_t)dc_op(dc, 0)->imm & 0xffff : 0;
    gen_sys_call(dc, (void *)helper_sys_lret, gen_imm(dc, imm | far_op16(dc)), -1, -1);
    gen_exit_to_loop(dc, true);
    return true;
}

bool sys_translate_iret(DisasContext *dc)
{
    gen_sys_call(dc, (void *)helper_sys_iret, gen_imm(dc, op16(dc) ? 2 : 4), -1, -1);
    flags_from_env(dc);
    gen_exit_to_loop(dc, true);
    return true;
}

/* sysenter/sysexit set CS, SS, ESP and EIP (and CPL) from the SYSENTER MSRs and ECX/EDX: the exec
 * loop finds the next TB with the new CPL. The arithmetic flags are untouched. */
bool sys_translate_sysenter(DisasContext *dc)
{
    bool enter = dc->insn->id == X86_INS_SYSENTER;
    gen_sys_call(dc, enter ? (void *)helper_sys_sysenter : (void *)helper_sys_sysexit, -1, -1, -1);
    gen_exit_to_loop(dc, true);
    return true;
}

/* int n goes through the IDT like any interrupt, with the gate's DPL checked against CPL. */
bool sys_translate_int(DisasContext *dc)
{
    int r = dc_temp(dc);
    gen_helper_call(dc, (void *)helper_sys_int, false, r, gen_imm(dc, (uint32_t)dc_op(dc, 0)->imm & 0xff),
                    gen_imm(dc, dc->next_pc), -1);
    gen_exception(dc, EXCP_SYS_RAISED, false);
    return true;
}

/* lar r, r/m16; lsl r, r/m16; verr r/m16; verw r/m16. */
bool sys_translate_desc_query(DisasContext *dc)
{
    uint32_t kind;
    int gpr = 0, off, size, src = 1;
    switch (dc->insn->id) {
    case X86_INS_LAR: kind = 0; break;
    case X86_INS_LSL: kind = 1; break;
    case X86_INS_VERR: kind = 2; src = 0; break;
    default: kind = 3; src = 0; break;
    }
    if (kind < 2 && (!x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &size) || size != 4))
        return false;
    int sel = gen_load_op(dc, src, 1);
    if (sel < 0)
        return false;
    gen_sys_call(dc, (void *)helper_sys_desc_query, sel, gen_imm(dc, kind | (uint32_t)gpr << 4), -1);
    flags_from_env(dc);
    return true;
}

/* SSE state: an XMM register operand, or MXCSR (the SSE additions to MMX that use only MMX
 * registers, prefetch, the fences, movnti, clflush, fxsave and fxrstor are not). */
static bool uses_sse_state(const DisasContext *dc)
{
    if (dc->insn->id == X86_INS_LDMXCSR || dc->insn->id == X86_INS_STMXCSR)
        return true;
    for (int i = 0; i < dc->x86->op_count; i++) {
        const cs_x86_op *o = &dc->x86->operands[i];
        if (o->type == X86_OP_REG && o->reg >= X86_REG_XMM0 && o->reg <= X86_REG_XMM7)
            return true;
    }
    return false;
}

/*
 * The x87, MMX and SSE instructions under CR0.EM and CR0.TS (SDM vol. 3, 2.5 and table 12-2): with
 * EM, x87 instructions raise #NM and MMX/SSE ones #UD; with TS, all raise #NM (wait only if MP is
 * set too), which lets a kernel switch FPU state lazily. Without CR4.OSFXSR, instructions on SSE
 * state are #UD (SDM vol. 3, 13.1.3), before any #NM. Otherwise the FPU translator runs.
 */
bool sys_translate_fpu_guard(DisasContext *dc)
{
    uint32_t f = dc->tb->flags;
    unsigned id = dc->insn->id;
    bool is_wait = id == X86_INS_WAIT;
    bool x87 = is_wait || dc->insn->mnemonic[0] == 'f';
    if ((f & SYS_TBF_EM) && !is_wait) {
        gen_exception(dc, x87 ? EXCP_NM : EXCP_UD, false);
        return true;
    }
    if ((f & SYS_TBF_NOSSE) && !x87 && uses_sse_state(dc)) {
        gen_exception(dc, EXCP_UD, false);
        return true;
    }
    if ((f & SYS_TBF_TS) && (!is_wait || (f & SYS_TBF_MP))) {
        gen_exception(dc, EXCP_NM, false);
        return true;
    }
    return x86_fpu_insn_lookup(id)->translate(dc);
}
