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
    int a = gen_load_op(dc, 0, 0);
    int v = gen_load_op(dc, 1, 0);
    if (a < 0 || v < 0)
        return false;
    int res = dc_temp(dc);
    switch (aop) {
    case ALU_ADD: mips_addu(b, res, a, v); break;
    case ALU_ADC: mips_addu(b, res, a, v); mips_addu(b, res, res, cf); break;
    case ALU_SUB: mips_subu(b, res, a, v); break;
    case ALU_SBB: mips_subu(b, res, a, v); mips_subu(b, res, res, cf); break;
    case ALU_AND: mips_and(b, res, a, v); break;
    case ALU_OR: mips_or(b, res, a, v); break;
    case ALU_XOR: mips_xor(b, res, a, v); break;
    }
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
