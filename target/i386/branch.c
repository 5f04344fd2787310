/*
 * Control transfer and condition codes: jmp, jcc, call, ret, jecxz, loop*, setcc, cmovcc.
 *
 * Direct targets become chainable exits; targets in registers or memory go through the inline
 * jump-cache probe (exit.c). Jcc fuses the flag test into a MIPS branch where it can (flags.c).
 */
#include "target/i386/internal.h"

/* The 16-bit operand-size forms (0x66 jmp/jcc/call/ret) truncate eip to 16 bits and push or pop
 * 16-bit return addresses (SDM vol. 2, JMP: "IF OperandSize = 16 THEN EIP <- tempEIP AND FFFFH"). */
static bool is_op16(const DisasContext *dc)
{
    return dc_op16(dc);
}

static uint32_t direct_target(const DisasContext *dc)
{
    uint32_t t = (uint32_t)dc_op(dc, 0)->imm;
    return is_op16(dc) ? t & 0xffff : t;
}

/* An indirect target in a register, truncated to 16 bits for the 0x66 forms. */
static int indirect_target(DisasContext *dc, int v)
{
    if (!is_op16(dc))
        return v;
    int t = dc_temp(dc);
    mips_andi(dc->b, t, v, 0xffff);
    return t;
}

bool x86_translate_jmp(DisasContext *dc)
{
    const cs_x86_op *t = dc_op(dc, 0);
    if (t->type == X86_OP_IMM) {
        /* A jmp the TB followed (translate.c): its target's code comes next. */
        if (dc->next_insn && dc->next_insn->address == direct_target(dc))
            return true;
        gen_goto_eip(dc, direct_target(dc));
        return true;
    }
    int v = gen_load_op(dc, 0, 0);
    if (v < 0)
        return false;
    gen_goto_reg(dc, indirect_target(dc, v));
    return true;
}

bool x86_translate_jcc(DisasContext *dc)
{
    int cc = x86_cond_of(dc->insn->id);
    if (cc < 0)
        return false;
    if (dc->next_insn) {
        /* Inside the TB: the taken side leaves, the fall-through side carries on. */
        flags_emit_branch(dc, cc, gen_deferred_exit(dc, direct_target(dc)));
        return true;
    }
    mips_label taken = mips_new_label(dc->b);
    /* Both exits need the same CC_OP: sync once, before the paths split. */
    if (dc->flags_live_after & CC_ALL)
        flags_sync(dc);
    flags_emit_branch(dc, cc, taken);
    gen_goto_eip(dc, dc->next_pc);
    mips_bind_label(dc->b, taken);
    gen_goto_eip(dc, direct_target(dc));
    return true;
}

bool x86_translate_jecxz(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    mips_label taken = mips_new_label(b);
    int ecx = hreg_guest(R_ECX);
    flags_sync(dc);
    if (dc->x86->addr_size == 2) {
        mips_andi(b, MIPS_AT, ecx, 0xffff);
        mips_beqz(b, MIPS_AT, taken);
    } else {
        mips_beqz(b, ecx, taken);
    }
    mips_nop(b);
    gen_goto_eip(dc, dc->next_pc);
    mips_bind_label(b, taken);
    gen_goto_eip(dc, (uint32_t)dc_op(dc, 0)->imm);
    return true;
}

/* loop/loope/loopne: decrement ecx without touching flags, branch while ecx != 0 (and ZF). */
static bool gen_loop(DisasContext *dc, int zf_cond)
{
    struct mips_buf *b = dc->b;
    int ecx = hreg_guest(R_ECX);
    mips_label taken = mips_new_label(b), not_taken = mips_new_label(b);
    flags_sync(dc);
    int count = ecx;
    if (dc->x86->addr_size == 2) {
        /* The 0x67 forms count in cx, leaving the top of ecx alone. */
        count = dc_temp(dc);
        mips_addiu(b, count, ecx, -1);
        mips_ins(b, ecx, count, 0, 16);
        mips_andi(b, count, count, 0xffff);
    } else {
        mips_addiu(b, ecx, ecx, -1);
    }
    if (zf_cond >= 0) {
        int z = dc_temp(dc);
        flags_emit_cond(dc, zf_cond, z);
        mips_beqz(b, z, not_taken);
        mips_nop(b);
    }
    mips_bnez(b, count, taken);
    mips_nop(b);
    mips_bind_label(b, not_taken);
    gen_goto_eip(dc, dc->next_pc);
    mips_bind_label(b, taken);
    gen_goto_eip(dc, (uint32_t)dc_op(dc, 0)->imm);
    return true;
}

bool x86_translate_loop(DisasContext *dc)
{
    switch (dc->insn->id) {
    case X86_INS_LOOPE: return gen_loop(dc, 4);     /* E */
    case X86_INS_LOOPNE: return gen_loop(dc, 5);    /* NE */
    default: return gen_loop(dc, -1);
    }
}

bool x86_translate_call(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    const cs_x86_op *t = dc_op(dc, 0);
    int size = is_op16(dc) ? 2 : 4;
    int ret = dc_temp(dc);
    if (t->type == X86_OP_IMM) {
        mips_li32(b, ret, dc->next_pc);
        gen_push(dc, ret, size);
        /* A call the TB followed (translate.c): the callee's code comes next. */
        if (!(dc->next_insn && dc->next_insn->address == direct_target(dc)))
            gen_goto_eip(dc, direct_target(dc));
        return true;
    }
    /* The target is read before the push: `call *4(%esp)` uses the old esp. */
    int v = gen_load_op(dc, 0, 0);
    if (v < 0)
        return false;
    if (v == hreg_guest(R_ESP)) {
        int c = dc_temp(dc);
        mips_move(b, c, v);
        v = c;
    }
    v = indirect_target(dc, v);
    mips_li32(b, ret, dc->next_pc);
    gen_push(dc, ret, size);
    gen_goto_reg(dc, v);
    return true;
}

bool x86_translate_ret(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int esp = hreg_guest(R_ESP);
    int t = dc_temp(dc);
    uint32_t pop = is_op16(dc) ? 2 : 4;
    dc_stack_access(dc);
    gen_ld(dc, (pop == 2 ? MO_16 : MO_32) | MO_ALIGNED, t, esp);
    if (dc->x86->op_count == 1 && dc_op(dc, 0)->type == X86_OP_IMM)
        pop += (uint32_t)dc_op(dc, 0)->imm & 0xffff;
    gen_sp_add(dc, (int32_t)pop);
    if (dc->next_insn) {
        /* The return from a callee the TB followed (translate.c): the code after the call comes
         * next, if the popped address is still the one the call pushed; anything else (the
         * callee rewrote it, longjmp-like tricks) leaves for the popped address. */
        mips_label hit = mips_new_label(b);
        mips_li32(b, MIPS_AT, (uint32_t)dc->next_insn->address);
        mips_beq(b, t, MIPS_AT, hit);
        mips_nop(b);
        if (!dc->cc_op_synced)
            mips_li(b, HREG_CC_OP, dc->cc_op);
        gen_exit_nochain_reg(dc, t);
        mips_bind_label(b, hit);
        return true;
    }
    gen_goto_reg(dc, t);
    return true;
}

bool x86_translate_setcc(DisasContext *dc)
{
    int cc = x86_cond_of(dc->insn->id);
    if (cc < 0)
        return false;
    int t = dc_temp(dc);
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        dc->ea_reg = gen_ea(dc, dc_op(dc, 0));
    flags_emit_cond(dc, cc, t);
    gen_store_op(dc, 0, t);
    return true;
}

/* cmov reads its source even when the condition is false (a memory source can fault), and with a
 * 32-bit operand in 32-bit mode leaves the destination alone when false (SDM vol. 2, CMOVcc). */
bool x86_translate_cmovcc(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int cc = x86_cond_of(dc->insn->id);
    if (cc < 0)
        return false;
    int v = gen_load_op(dc, 1, 0);
    if (v < 0)
        return false;
    int t = dc_temp(dc);
    void (*move_if)(struct mips_buf *, int, int, int) = flags_emit_cond_sense(dc, cc, t) ? mips_movn : mips_movz;
    int gpr, off, size;
    if (!x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &size))
        return false;
    if (size == 4) {
        move_if(b, hreg_guest(gpr), v, t);
    } else {
        int m = dc_temp(dc);
        mips_move(b, m, hreg_guest(gpr));
        mips_ins(b, m, v, 0, 16);
        move_if(b, hreg_guest(gpr), m, t);
    }
    return true;
}
