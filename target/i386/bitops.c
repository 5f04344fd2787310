/*
 * Bit instructions: bt, bts, btr, btc, bsf, bsr.
 *
 * bt* with a register bit offset and a memory operand address the whole bit string: the offset is
 * signed and selects the word at ea + (offset >> 5) * 4 for 32-bit operands, (offset >> 4) * 2 for
 * 16-bit ones (SDM vol. 2, BT, "bit base addressing"). With an immediate or a register operand the
 * offset is taken modulo the width. They set CF and leave ZF unchanged; OF SF AF PF are undefined.
 *
 * bsf/bsr with a zero source set ZF and leave the destination unchanged (what current Intel and AMD
 * CPUs do; the SDM calls it undefined). xqm reports no BMI1/ABM in CPUID, so tzcnt/lzcnt encodings
 * (rep bsf/bsr, which gcc emits for __builtin_ctz) execute as bsf/bsr, as on such a CPU.
 */
#include "target/i386/internal.h"

enum bt_op { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static bool gen_bt(DisasContext *dc, enum bt_op bop)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_size(dc, 0);
    if (size == 1)
        return false;
    int bits = size * 8;
    const cs_x86_op *dst = dc_op(dc, 0), *off = dc_op(dc, 1);
    int bit = dc_temp(dc);
    if (off->type == X86_OP_IMM) {
        mips_li(b, bit, (int64_t)(off->imm & (bits - 1)));
    } else {
        int o = gen_load_op(dc, 1, -1);
        if (o < 0)
            return false;
        if (dst->type == X86_OP_MEM) {
            /* Move the address by whole words of the bit string, signed (gen_ea's register is
             * ours to change). */
            int ea = gen_ea(dc, dst);
            mips_sra(b, MIPS_AT, o, size == 4 ? 5 : 4);
            mips_sll(b, MIPS_AT, MIPS_AT, size == 4 ? 2 : 1);
            mips_addu(b, ea, ea, MIPS_AT);
            dc->ea_reg = ea;
        }
        mips_andi(b, bit, o, (uint16_t)(bits - 1));
        dc_temp_free(dc, o);     /* a LOCK's ll/sc loop needs the registers */
    }
    int v = gen_load_op(dc, 0, 1);
    if (v < 0)
        return false;
    int cf = dc_temp(dc);
    mips_srlv(b, cf, v, bit);
    mips_andi(b, cf, cf, 1);
    if (bop != BT_TEST) {
        int m = dc_temp(dc), res = m;
        mips_addiu(b, m, MIPS_ZERO, 1);
        mips_sllv(b, m, m, bit);
        switch (bop) {
        case BT_SET: mips_or(b, res, v, m); break;
        case BT_RESET: mips_nor(b, m, m, MIPS_ZERO); mips_and(b, res, v, m); break;
        default: mips_xor(b, res, v, m); break;
        }
        if (dst->type == X86_OP_MEM)
            gen_store_op(dc, 0, res);
        else
            v = res;        /* written after the flags, below */
    }
    if (flags_needed(dc, CC_ALL & ~CC_C)) {
        /* ZF (and the undefined rest) must keep their values: rebuild eflags with the new CF. */
        int f = dc_temp(dc);
        flags_materialize(dc, f);
        mips_ins(b, f, cf, 0, 1);
        flags_set(dc, CC_ALL, CC_OP_EFLAGS, MIPS_ZERO, f, MIPS_ZERO);
    } else {
        flags_set(dc, CC_C, CC_OP_EFLAGS, MIPS_ZERO, cf, MIPS_ZERO);
    }
    if (bop != BT_TEST && dst->type == X86_OP_REG)
        gen_store_op(dc, 0, v);
    return true;
}

bool x86_translate_bt(DisasContext *dc) { return gen_bt(dc, BT_TEST); }
bool x86_translate_bts(DisasContext *dc) { return gen_bt(dc, BT_SET); }
bool x86_translate_btr(DisasContext *dc) { return gen_bt(dc, BT_RESET); }
bool x86_translate_btc(DisasContext *dc) { return gen_bt(dc, BT_COMPLEMENT); }

static bool gen_bitscan(DisasContext *dc, bool forward)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_size(dc, 0);
    int v = gen_load_op(dc, 1, 1);
    if (v < 0)
        return false;
    int idx = dc_temp(dc);
    if (forward) {
        /* Isolate the lowest set bit; its index is 31 - clz. */
        mips_subu(b, idx, MIPS_ZERO, v);
        mips_and(b, idx, idx, v);
        mips_clz(b, idx, idx);
    } else {
        mips_clz(b, idx, v);
    }
    mips_addiu(b, MIPS_AT, MIPS_ZERO, 31);
    mips_subu(b, idx, MIPS_AT, idx);
    /* ZF = (source == 0): the LOGIC form with the source as its result says exactly that. */
    flags_set(dc, CC_ALL, CC_OP(CC_KIND_LOGIC, size == 2 ? 1 : 2), v, MIPS_ZERO, MIPS_ZERO);
    int gpr, off, rsize;
    if (!x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &rsize))
        return false;
    if (rsize == 4) {
        mips_movn(b, hreg_guest(gpr), idx, v);
    } else {
        int m = dc_temp(dc);
        mips_move(b, m, hreg_guest(gpr));
        mips_ins(b, m, idx, 0, 16);
        mips_movn(b, hreg_guest(gpr), m, v);
    }
    return true;
}

bool x86_translate_bsf(DisasContext *dc) { return gen_bitscan(dc, true); }
bool x86_translate_bsr(DisasContext *dc) { return gen_bitscan(dc, false); }
