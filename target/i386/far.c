/*
 * Far pointers in code whose segments the mode manages as a user program sees them (user mode;
 * xqm-system has its own, sys_insn.c): ljmp and lcall with a ptr16:32 or m16:32 operand, retf
 * [imm16], iret to the same privilege level, and lds/les/lfs/lgs/lss. A user program can only
 * name a flat 32-bit code segment for CS (its own, 0x23 on Linux, or an LDT entry like it; xqm
 * runs no 64-bit code, so the 64-bit CS 0x33 is not one): the target selector is checked first,
 * #GP(selector) otherwise, and only then does anything move, so a fault leaves every register and
 * the stack as they were (SDM vol. 2, JMP/CALL/RET far forms, IRET, LDS/LES/LFS/LGS/LSS).
 */
#include "common/mode.h"
#include "target/i386/internal.h"

/* Returns 1 when sel names a flat 32-bit code segment and CS now holds it; else 0, with the #GP
 * error code (the selector without its RPL, as Linux reports it) and CS unchanged. */
static uint64_t helper_far_cs(CPUX86State *env, uint64_t sel, uint64_t unused)
{
    (void)unused;
    struct x86_segment saved = env->segs[R_CS];
    if (mode_load_segment(env, R_CS, (uint32_t)sel & 0xffff)) {
        const struct x86_segment *cs = &env->segs[R_CS];
        if (cs->base == 0 && cs->limit == 0xffffffffu && (cs->flags & (1u << 22)))
            return 1;
    }
    env->segs[R_CS] = saved;
    env->error_code = (uint32_t)sel & 0xfffc;
    return 0;
}

/* The target of ljmp/lcall: selector and offset, from the instruction or from memory. */
static void far_target(DisasContext *dc, int sel, int off)
{
    bool op16 = dc_op16(dc);
    if (dc->x86->op_count == 2) {
        mips_li(dc->b, sel, (uint32_t)dc_op(dc, 0)->imm & 0xffff);
        mips_li32(dc->b, off, (uint32_t)dc_op(dc, 1)->imm & (op16 ? 0xffffu : 0xffffffffu));
        return;
    }
    int ea = gen_ea(dc, dc_op(dc, 0));
    gen_ld_off(dc, op16 ? MO_16 : MO_32, off, ea, 0);
    gen_ld_off(dc, MO_16, sel, ea, op16 ? 2 : 4);
}

/* CS = sel after the check, or #GP(sel) at this instruction. */
static void gen_load_far_cs(DisasContext *dc, int sel)
{
    int ok = dc_temp(dc);
    gen_helper_call(dc, (void *)helper_far_cs, false, ok, sel, -1, -1);
    mips_label gp = gen_exception_label(dc, EXCP_GP);
    mips_beqz(dc->b, ok, gp);
    mips_nop(dc->b);
    dc_temp_free(dc, ok);
}

bool x86_translate_ljmp(DisasContext *dc)
{
    int sel = dc_temp(dc), off = dc_temp(dc);
    far_target(dc, sel, off);
    gen_load_far_cs(dc, sel);
    gen_goto_reg(dc, off);
    return true;
}

/* The pushed CS takes a full slot; its upper half is zero (as on the reference CPU). */
bool x86_translate_lcall(DisasContext *dc)
{
    int size = dc_op16(dc) ? 2 : 4;
    int sel = dc_temp(dc), off = dc_temp(dc), t = dc_temp(dc);
    far_target(dc, sel, off);
    mips_lw(dc->b, t, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + R_CS * sizeof(struct x86_segment)));
    gen_load_far_cs(dc, sel);
    gen_push(dc, t, size);
    mips_li32(dc->b, t, dc->next_pc);
    gen_push(dc, t, size);
    gen_goto_reg(dc, off);
    return true;
}

bool x86_translate_retf(DisasContext *dc)
{
    int size = dc_op16(dc) ? 2 : 4;
    int esp = hreg_guest(R_ESP);
    int sel = dc_temp(dc), off = dc_temp(dc);
    dc_stack_access(dc);
    gen_ld_off(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, off, esp, 0);
    gen_ld_off(dc, MO_16, sel, esp, (int16_t)size);
    gen_load_far_cs(dc, sel);
    uint32_t imm = dc->x86->op_count == 1 ? (uint32_t)dc_op(dc, 0)->imm & 0xffff : 0;
    gen_sp_add(dc, (int32_t)(2 * size + imm));
    gen_goto_reg(dc, off);
    return true;
}

/* iret at CPL 3 to CPL 3: EIP, CS, then EFLAGS as popf takes them (IF and IOPL stay). The exec
 * loop looks up the next TB, which single-steps if TF came back set. */
bool x86_translate_iret(DisasContext *dc)
{
    int size = dc_op16(dc) ? 2 : 4;
    int esp = hreg_guest(R_ESP);
    int sel = dc_temp(dc), off = dc_temp(dc), fl = dc_temp(dc), mask = dc_temp(dc);
    dc_stack_access(dc);
    unsigned mop = (size == 2 ? MO_16 : MO_32) | MO_ALIGNED;
    gen_ld_off(dc, mop, off, esp, 0);
    gen_ld_off(dc, MO_16, sel, esp, (int16_t)size);
    gen_ld_off(dc, mop, fl, esp, (int16_t)(2 * size));
    gen_load_far_cs(dc, sel);
    mips_li(dc->b, mask, size == 2 ? 0xffff : -1);
    gen_helper_call(dc, (void *)helper_popf, false, -1, fl, mask, -1);
    flags_from_env(dc);
    gen_sp_add(dc, 3 * size);
    gen_exit_nochain_reg(dc, off);
    dc->tb_ended = true;
    return true;
}

/* lds/les/lfs/lgs/lss r, m16:32: the segment register first (#GP for a selector the program may
 * not load, nothing changed), then the general register. */
int x86_lxs_segment(unsigned id)
{
    switch (id) {
    case X86_INS_LDS: return R_DS;
    case X86_INS_LES: return R_ES;
    case X86_INS_LFS: return R_FS;
    case X86_INS_LGS: return R_GS;
    default: return R_SS;
    }
}

bool x86_translate_lxs(DisasContext *dc)
{
    int seg = x86_lxs_segment(dc->insn->id);
    int size = dc_op16(dc) ? 2 : 4;
    if (dc_op(dc, 0)->type != X86_OP_REG || dc_op(dc, 1)->type != X86_OP_MEM)
        return false;
    int ea = gen_ea(dc, dc_op(dc, 1));
    int off = dc_temp(dc), sel = dc_temp(dc);
    gen_ld_off(dc, size == 2 ? MO_16 : MO_32, off, ea, 0);
    gen_ld_off(dc, MO_16, sel, ea, (int16_t)size);
    gen_load_segment(dc, seg, sel);
    gen_store_op(dc, 0, off);
    return true;
}
