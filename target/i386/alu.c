/*
 * Two-operand and one-operand arithmetic and logic: add adc sub sbb cmp and or xor test inc dec
 * neg not.
 *
 * All compute in 32-bit MIPS registers whatever the operand size: the low 8/16 bits of a 32-bit
 * add are the 8/16-bit sum, and the lazy flags (flags.c) extract what each width needs. A 32-bit
 * result is always produced by a 32-bit MIPS op (addu, subu...), so it is sign-extended as the
 * register convention requires.
 */
#include "target/i386/internal.h"

enum alu_op { ALU_ADD, ALU_ADC, ALU_SUB, ALU_SBB, ALU_AND, ALU_OR, ALU_XOR };

static const enum cc_kind alu_kind[] = {
    [ALU_ADD] = CC_KIND_ADD, [ALU_ADC] = CC_KIND_ADC, [ALU_SUB] = CC_KIND_SUB, [ALU_SBB] = CC_KIND_SUB,
    [ALU_AND] = CC_KIND_LOGIC, [ALU_OR] = CC_KIND_LOGIC, [ALU_XOR] = CC_KIND_LOGIC,
};

/* Writes the result of a read-modify-write instruction, then records its flags. The order keeps
 * faults precise: a faulting store leaves registers and flags untouched. */
static void finish_rmw(DisasContext *dc, bool store, int res, unsigned op, uint32_t written, int src1, int src2)
{
    const cs_x86_op *dst = dc_op(dc, 0);
    if (store && dst->type == X86_OP_MEM)
        gen_store_op(dc, 0, res);
    flags_set(dc, written, op, res, src1, src2);
    if (store && dst->type == X86_OP_REG)
        gen_store_op(dc, 0, res);
}

/* The guest register of a 32-bit register operand, or -1. */
static int reg32_operand(const DisasContext *dc, int i)
{
    const cs_x86_op *op = dc_op(dc, i);
    int gpr, off, size;
    if (op->type != X86_OP_REG || !x86_gpr(op->reg, &gpr, &off, &size) || size != 4)
        return -1;
    return hreg_guest(gpr);
}

/* out = a OP imm with an immediate-form MIPS instruction when imm fits one; false otherwise. */
static bool emit_alu_imm(struct mips_buf *b, enum alu_op aop, int out, int a, int32_t imm)
{
    switch (aop) {
    case ALU_ADD:
        if (imm < -32768 || imm > 32767)
            return false;
        mips_addiu(b, out, a, (int16_t)imm);
        return true;
    case ALU_SUB:
        if (imm < -32767 || imm > 32768)
            return false;
        mips_addiu(b, out, a, (int16_t)-imm);
        return true;
    case ALU_AND:
    case ALU_OR:
    case ALU_XOR:
        if (imm < 0 || imm > 0xffff)
            return false;
        (aop == ALU_AND ? mips_andi : aop == ALU_OR ? mips_ori : mips_xori)(b, out, a, (uint16_t)imm);
        return true;
    default:
        return false;
    }
}

static void emit_alu_reg(struct mips_buf *b, enum alu_op aop, int out, int a, int v, int cf)
{
    switch (aop) {
    case ALU_ADD: mips_addu(b, out, a, v); break;
    case ALU_ADC: mips_addu(b, out, a, v); mips_addu(b, out, out, cf); break;
    case ALU_SUB: mips_subu(b, out, a, v); break;
    case ALU_SBB: mips_subu(b, out, a, v); mips_subu(b, out, out, cf); break;
    case ALU_AND: mips_and(b, out, a, v); break;
    case ALU_OR: mips_or(b, out, a, v); break;
    case ALU_XOR: mips_xor(b, out, a, v); break;
    }
}

/*
 * The common case, a 32-bit register destination: compute straight into the guest register (or,
 * for cmp/test, straight into CC_RES), recording the flag sources first. `add %ebx, %eax` with dead
 * flags is a single addu; with live flags it is three moves and the addu.
 */
static bool gen_alu_reg32(DisasContext *dc, enum alu_op aop, bool store, unsigned op, int cf, int d)
{
    struct mips_buf *b = dc->b;
    const cs_x86_op *src = dc_op(dc, 1);
    int v = -1;
    int32_t imm = 0;
    bool is_imm = src->type == X86_OP_IMM;
    if (is_imm) {
        imm = (int32_t)src->imm;
    } else {
        v = gen_load_op(dc, 1, 0);
        if (v < 0)
            return false;
    }
    bool flags = flags_needed(dc, CC_ALL);
    if (!store && !flags)
        return true;        /* cmp/test whose flags nobody reads */
    if (!store && (aop == ALU_SUB || aop == ALU_AND) &&
        flags_try_fuse_compare(dc, aop == ALU_AND, d, v, is_imm, imm))
        return true;
    if (flags && cc_op_kind(op) != CC_KIND_LOGIC && is_imm) {
        /* The immediate must sit in a register for the lazy state anyway. */
        mips_li(b, HREG_CC_SRC2, imm);
        v = HREG_CC_SRC2;
        is_imm = false;
    }
    if (flags)
        flags_begin(dc, CC_ALL, op, d, v);
    int out = store ? d : HREG_CC_RES;
    if (is_imm && !emit_alu_imm(b, aop, out, d, imm)) {
        mips_li(b, MIPS_AT, imm);
        emit_alu_reg(b, aop, out, flags && cc_op_kind(op) != CC_KIND_LOGIC ? HREG_CC_SRC1 : d, MIPS_AT, cf);
    } else if (!is_imm) {
        /* With live flags, read the destination's old value from CC_SRC1: d may alias nothing else,
         * but keeping one source of truth makes `sub %eax, %eax` obviously right. */
        emit_alu_reg(b, aop, out, flags && cc_op_kind(op) != CC_KIND_LOGIC ? HREG_CC_SRC1 : d, v, cf);
    }
    if (flags)
        flags_end(dc, op, out);
    return true;
}

/*
 * cmp/test of 8/16-bit operands whose flags only the next jcc reads: both operands are extended to
 * 32 bits the way the condition compares them (signed conditions sign-extend, equality and unsigned
 * ones zero-extend), so the 32-bit fused branch gives the narrow answer. Not js after cmp: the sign
 * of a narrow difference is not the sign of the extended one.
 */
static bool gen_narrow_fused_compare(DisasContext *dc, bool logic, int size)
{
    int cc = flags_fusable_jcc(dc, logic);
    if (cc < 0 || dc->locked)
        return false;
    int base = cc & ~1;
    if (!logic && base == X86_CC_S)
        return false;
    int ext = base == X86_CC_L || base == X86_CC_LE || base == X86_CC_S ? -1 : 1;
    int a = gen_load_op(dc, 0, ext);
    if (a < 0)
        return false;
    const cs_x86_op *dst = dc_op(dc, 0), *src = dc_op(dc, 1);
    int v = MIPS_ZERO;
    int32_t imm = 0;
    bool is_imm = src->type == X86_OP_IMM;
    if (is_imm) {
        imm = (int32_t)src->imm;
        if (size == 0)
            imm = ext < 0 ? (int8_t)imm : (uint8_t)imm;
        else
            imm = ext < 0 ? (int16_t)imm : (uint16_t)imm;
    } else if (src->type == X86_OP_REG && dst->type == X86_OP_REG && src->reg == dst->reg) {
        v = a;      /* test %al, %al */
    } else {
        v = gen_load_op(dc, 1, ext);
        if (v < 0)
            return false;
    }
    return flags_try_fuse_compare(dc, logic, a, v, is_imm, imm);
}

static bool gen_alu(DisasContext *dc, enum alu_op aop, bool store)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    unsigned kind = alu_kind[aop];
    int cf = MIPS_ZERO;
    /* CF first: it may need a helper call, which must not sit inside a LOCK's ll/sc loop. */
    if (aop == ALU_ADC || aop == ALU_SBB) {
        cf = dc_temp(dc);
        flags_emit_cf(dc, cf);
        kind = aop == ALU_ADC ? CC_KIND_ADC : CC_KIND_SBB;
    }
    if (!store && size < 2 && (aop == ALU_SUB || aop == ALU_AND) && flags_needed(dc, CC_ALL) &&
        gen_narrow_fused_compare(dc, aop == ALU_AND, size))
        return true;
    int d = reg32_operand(dc, 0);
    if (d >= 0)
        return gen_alu_reg32(dc, aop, store, CC_OP(kind, size), cf, d);
    int a = gen_load_op(dc, 0, 0);
    if (a < 0)
        return false;
    if (!store && size == 2 && (aop == ALU_SUB || aop == ALU_AND)) {
        /* cmp/test of a 32-bit memory operand: try the fused compare-and-branch as above. */
        const cs_x86_op *src = dc_op(dc, 1);
        bool is_imm = src->type == X86_OP_IMM;
        int v = is_imm ? MIPS_ZERO : gen_load_op(dc, 1, 0);
        if (v < 0)
            return false;
        if (!flags_needed(dc, CC_ALL) ||
            flags_try_fuse_compare(dc, aop == ALU_AND, a, v, is_imm, is_imm ? (int32_t)src->imm : 0))
            return true;
    }
    int v = gen_load_op(dc, 1, 0);
    if (v < 0)
        return false;
    int res = dc_temp(dc);
    emit_alu_reg(b, aop, res, a, v, cf);
    finish_rmw(dc, store, res, CC_OP(kind, size), CC_ALL, a, v);
    return true;
}

bool x86_translate_add(DisasContext *dc) { return gen_alu(dc, ALU_ADD, true); }
bool x86_translate_adc(DisasContext *dc) { return gen_alu(dc, ALU_ADC, true); }
bool x86_translate_sub(DisasContext *dc) { return gen_alu(dc, ALU_SUB, true); }
bool x86_translate_sbb(DisasContext *dc) { return gen_alu(dc, ALU_SBB, true); }
bool x86_translate_and(DisasContext *dc) { return gen_alu(dc, ALU_AND, true); }
bool x86_translate_or(DisasContext *dc) { return gen_alu(dc, ALU_OR, true); }
bool x86_translate_xor(DisasContext *dc) { return gen_alu(dc, ALU_XOR, true); }
bool x86_translate_cmp(DisasContext *dc) { return gen_alu(dc, ALU_SUB, false); }
bool x86_translate_test(DisasContext *dc) { return gen_alu(dc, ALU_AND, false); }

/* inc/dec leave CF alone (SDM vol. 2, INC): the lazy state carries the old CF in src2. */
static bool gen_incdec(DisasContext *dc, bool inc)
{
    int size = dc_op_log2(dc, 0);
    int cf = MIPS_ZERO;
    if (flags_needed(dc, CC_ALL & ~CC_C) && flags_needed(dc, CC_C)) {
        cf = dc_temp(dc);
        flags_emit_cf(dc, cf);
    }
    unsigned op = CC_OP(inc ? CC_KIND_INC : CC_KIND_DEC, size);
    int d = reg32_operand(dc, 0);
    if (d >= 0) {
        bool flags = flags_begin(dc, CC_ALL & ~CC_C, op, d, cf);
        mips_addiu(dc->b, d, d, inc ? 1 : -1);
        if (flags)
            flags_end(dc, op, d);
        return true;
    }
    int a = gen_load_op(dc, 0, 0);
    if (a < 0)
        return false;
    int res = dc_temp(dc);
    mips_addiu(dc->b, res, a, inc ? 1 : -1);
    finish_rmw(dc, true, res, CC_OP(inc ? CC_KIND_INC : CC_KIND_DEC, size), CC_ALL & ~CC_C, a, cf);
    return true;
}

bool x86_translate_inc(DisasContext *dc) { return gen_incdec(dc, true); }
bool x86_translate_dec(DisasContext *dc) { return gen_incdec(dc, false); }

/* neg is 0 - x for the flags (CF = x != 0, SDM vol. 2, NEG). */
bool x86_translate_neg(DisasContext *dc)
{
    int size = dc_op_log2(dc, 0);
    int a = gen_load_op(dc, 0, 0);
    if (a < 0)
        return false;
    int res = dc_temp(dc);
    mips_subu(dc->b, res, MIPS_ZERO, a);
    finish_rmw(dc, true, res, CC_OP(CC_KIND_SUB, size), CC_ALL, MIPS_ZERO, a);
    return true;
}

bool x86_translate_not(DisasContext *dc)
{
    int a = gen_load_op(dc, 0, 0);
    if (a < 0)
        return false;
    int res = dc_temp(dc);
    mips_nor(dc->b, res, a, MIPS_ZERO);
    gen_store_op(dc, 0, res);
    return true;
}
