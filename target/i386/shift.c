/*
 * Shifts and rotates: shl/sal, shr, sar, rol, ror by an immediate, by 1 and by CL; shld/shrd.
 *
 * The count is masked to 5 bits (SDM vol. 2, SAL/SAR/SHL/SHR: "the count is masked to 5 bits").
 * A masked count of 0 changes nothing, flags included. For an immediate that is known while
 * translating; for CL it is not, so the flag update is skipped at run time and the lazy op becomes
 * CC_OP_DYNAMIC after the instruction (HREG_CC_OP holds whichever op is current).
 *
 * 8/16-bit operands are shifted in 32-bit registers after zero- or sign-extension, which gives the
 * right bits for any count up to 31 (a count beyond the width shifts everything out).
 */
#include "target/i386/internal.h"

enum shift_op { SHIFT_SHL, SHIFT_SHR, SHIFT_SAR };

/* The count operand: an immediate (>= 0, masked) or -1 with the CL register in *reg. */
static int shift_count(DisasContext *dc, int *reg)
{
    if (dc->x86->op_count < 2)
        return 1;           /* the "by 1" encodings D0/D1 carry no count operand in capstone 4 */
    const cs_x86_op *c = dc_op(dc, 1);
    if (c->type == X86_OP_IMM)
        return (int)(c->imm & 31);
    *reg = hreg_guest(R_ECX);
    return -1;
}

/* value to shift, extended so that right shifts bring in the right bits. */
static int load_shift_operand(DisasContext *dc, enum shift_op sop)
{
    return gen_load_op(dc, 0, sop == SHIFT_SHL ? 0 : sop == SHIFT_SHR ? 1 : -1);
}

static void emit_shift_imm(struct mips_buf *b, enum shift_op sop, int dst, int src, int n)
{
    switch (sop) {
    case SHIFT_SHL: mips_sll(b, dst, src, n); break;
    case SHIFT_SHR: mips_srl(b, dst, src, n); break;
    case SHIFT_SAR: mips_sra(b, dst, src, n); break;
    }
}

static void emit_shift_var(struct mips_buf *b, enum shift_op sop, int dst, int src, int count)
{
    switch (sop) {
    case SHIFT_SHL: mips_sllv(b, dst, src, count); break;
    case SHIFT_SHR: mips_srlv(b, dst, src, count); break;
    case SHIFT_SAR: mips_srav(b, dst, src, count); break;
    }
}

static bool gen_shift(DisasContext *dc, enum shift_op sop)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    int creg = -1;
    int count = shift_count(dc, &creg);
    if (count == 0)
        return true;
    unsigned op = CC_OP(sop == SHIFT_SHL ? CC_KIND_SHL : CC_KIND_SAR, size);
    const cs_x86_op *dst = dc_op(dc, 0);
    int gpr, off, rsize;
    if (count > 0 && dst->type == X86_OP_REG && x86_gpr(dst->reg, &gpr, &off, &rsize) && rsize == 4) {
        /* 32-bit register by an immediate: shift in place, CC_SRC1 gets the count-1 shift first. */
        int d = hreg_guest(gpr);
        bool flags = flags_needed(dc, CC_ALL);
        if (flags)
            emit_shift_imm(b, sop, HREG_CC_SRC1, d, count - 1);
        emit_shift_imm(b, sop, d, d, count);
        if (flags)
            flags_end(dc, op, d);
        return true;
    }
    int a = load_shift_operand(dc, sop);
    if (a < 0)
        return false;
    int res = dc_temp(dc);
    if (count > 0) {
        emit_shift_imm(b, sop, res, a, count);
        int pre = MIPS_ZERO;
        if (flags_needed(dc, CC_ALL)) {
            pre = dc_temp(dc);
            emit_shift_imm(b, sop, pre, a, count - 1);
        }
        if (dc_op(dc, 0)->type == X86_OP_MEM)
            gen_store_op(dc, 0, res);
        flags_set(dc, CC_ALL, op, res, pre, MIPS_ZERO);
        if (dc_op(dc, 0)->type == X86_OP_REG)
            gen_store_op(dc, 0, res);
        return true;
    }
    /* Variable count: MIPS sllv/srlv/srav use the low 5 bits of the count, as x86 does. */
    int n = dc_temp(dc);
    mips_andi(b, n, creg, 31);
    mips_label skip = mips_new_label(b);
    bool flags = flags_needed(dc, CC_ALL);
    if (flags)
        flags_sync(dc);
    mips_beqz(b, n, skip);
    mips_nop(b);
    emit_shift_var(b, sop, res, a, n);
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        gen_store_op(dc, 0, res);
    if (flags) {
        int pre = dc_temp(dc);
        mips_addiu(b, pre, n, -1);
        emit_shift_var(b, sop, pre, a, pre);
        flags_set_dynamic(dc, op, res, pre, MIPS_ZERO);
    }
    if (dc_op(dc, 0)->type == X86_OP_REG)
        gen_store_op(dc, 0, res);
    mips_bind_label(b, skip);
    return true;
}

bool x86_translate_shl(DisasContext *dc) { return gen_shift(dc, SHIFT_SHL); }
bool x86_translate_shr(DisasContext *dc) { return gen_shift(dc, SHIFT_SHR); }
bool x86_translate_sar(DisasContext *dc) { return gen_shift(dc, SHIFT_SAR); }

/*
 * Rotates change only CF and OF (SDM vol. 2, RCL/RCR/ROL/ROR): the other flags are materialized
 * first and the result recorded in the EFLAGS form. 8/16-bit values are replicated across 32 bits
 * so that a 32-bit rotate gives the narrow rotate in the low bits.
 */
static bool gen_rotate(DisasContext *dc, bool left)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    int width = 8 << size;
    int creg = -1;
    int count = shift_count(dc, &creg);
    if (count == 0)
        return true;
    int a = gen_load_op(dc, 0, 1);
    if (a < 0)
        return false;
    int v = a;
    if (width < 32) {
        v = dc_temp(dc);
        mips_sll(b, v, a, width);
        mips_or(b, v, v, a);
        if (width == 8) {
            mips_sll(b, MIPS_AT, v, 16);
            mips_or(b, v, v, MIPS_AT);
        }
    }
    int res = dc_temp(dc);
    int n = MIPS_ZERO;
    mips_label skip = -1;
    bool flags = flags_needed(dc, CC_C | CC_O);
    int fl = -1;
    if (flags) {
        fl = dc_temp(dc);
        /* The flags a rotate keeps need their current values only if something reads them. */
        if (flags_needed(dc, CC_ALL & ~(CC_C | CC_O)) || count < 0)
            flags_materialize_szap(dc, fl);     /* CF and OF are inserted below */
        else
            mips_move(b, fl, MIPS_ZERO);
    }
    if (count > 0) {
        mips_rotr(b, res, v, left ? (32 - count) & 31 : count);
    } else {
        n = dc_temp(dc);
        mips_andi(b, n, creg, 31);
        skip = mips_new_label(b);
        if (flags)
            flags_sync(dc);
        mips_beqz(b, n, skip);
        mips_nop(b);
        if (left)
            mips_subu(b, MIPS_AT, MIPS_ZERO, n);      /* rotrv uses the low 5 bits: 32 - n */
        mips_rotrv(b, res, v, left ? MIPS_AT : n);
    }
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        gen_store_op(dc, 0, res);
    if (flags) {
        int t = dc_temp(dc);
        /* ROL: CF = low bit of the result, OF = CF ^ top bit. ROR: CF = top bit, OF = top ^ next. */
        if (left) {
            mips_andi(b, t, res, 1);
            mips_ins(b, fl, t, 0, 1);
            mips_ext(b, MIPS_AT, res, width - 1, 1);
            mips_xor(b, t, t, MIPS_AT);
        } else {
            mips_ext(b, t, res, width - 1, 1);
            mips_ins(b, fl, t, 0, 1);
            mips_ext(b, MIPS_AT, res, width - 2, 1);
            mips_xor(b, t, t, MIPS_AT);
        }
        mips_ins(b, fl, t, 11, 1);
        if (count > 0)
            flags_set(dc, CC_C | CC_O, CC_OP_EFLAGS, MIPS_ZERO, fl, MIPS_ZERO);
        else
            flags_set_dynamic(dc, CC_OP_EFLAGS, MIPS_ZERO, fl, MIPS_ZERO);
    }
    if (dc_op(dc, 0)->type == X86_OP_REG)
        gen_store_op(dc, 0, res);
    if (count < 0)
        mips_bind_label(b, skip);
    return true;
}

bool x86_translate_rol(DisasContext *dc) { return gen_rotate(dc, true); }
bool x86_translate_ror(DisasContext *dc) { return gen_rotate(dc, false); }

/*
 * shld/shrd: the two w-bit operands are joined into one value (dst:src for shld, src:dst for
 * shrd) and shifted once in a 64-bit register.
 * shld: res = (joined << n) >> w, and CF (bit w-n of dst) is the top bit of pre = (joined <<
 * (n-1)) >> w: the SHL lazy form fits. shrd: res = joined >> n, CF is the low bit of pre =
 * joined >> (n-1): the SAR lazy form fits, and its OF (top bit of pre ^ res) is the sign change
 * the SDM defines for a 1-bit shift. A 16-bit count above 16 has an undefined result (SDM vol. 2,
 * SHLD); xqm shifts the 48-bit dst:src:... pattern as far as the count says.
 */
static bool gen_shxd(DisasContext *dc, bool left)
{
    struct mips_buf *b = dc->b;
    int w = dc_op_size(dc, 0) * 8;
    if ((w != 32 && w != 16) || dc->x86->op_count != 3)
        return false;
    int count, creg = -1;
    const cs_x86_op *c = dc_op(dc, 2);
    if (c->type == X86_OP_IMM) {
        count = (int)(c->imm & 31);
        if (count == 0)
            return true;
    } else {
        count = -1;
        creg = hreg_guest(R_ECX);
    }
    int d = gen_load_op(dc, 0, 0);
    int s = gen_load_op(dc, 1, 0);
    if (d < 0 || s < 0)
        return false;
    int joined = dc_temp(dc), res = dc_temp(dc), pre = dc_temp(dc), n = dc_temp(dc);
    mips_dext(b, joined, left ? d : s, 0, w);
    mips_dsll(b, joined, joined, w);
    mips_dext(b, MIPS_AT, left ? s : d, 0, w);
    mips_or(b, joined, joined, MIPS_AT);
    mips_label skip = mips_new_label(b);
    bool flags = flags_needed(dc, CC_ALL);
    if (count > 0) {
        mips_li(b, n, count);
    } else {
        mips_andi(b, n, creg, 31);
        if (flags)
            flags_sync(dc);
        mips_beqz(b, n, skip);
        mips_nop(b);
    }
    mips_addiu(b, MIPS_AT, n, -1);
    if (left) {
        mips_dsllv(b, res, joined, n);
        mips_dsrl(b, res, res, w);
        mips_dsllv(b, pre, joined, MIPS_AT);
        mips_dsrl(b, pre, pre, w);
    } else {
        mips_dsrlv(b, res, joined, n);
        mips_dsrlv(b, pre, joined, MIPS_AT);
    }
    /* Keep the 32-bit register convention (sign-extended) for the results. */
    mips_sll(b, res, res, 0);
    mips_sll(b, pre, pre, 0);
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        gen_store_op(dc, 0, res);
    unsigned op = CC_OP(left ? CC_KIND_SHL : CC_KIND_SAR, w == 32 ? 2 : 1);
    if (count > 0)
        flags_set(dc, CC_ALL, op, res, pre, MIPS_ZERO);
    else if (flags)
        flags_set_dynamic(dc, op, res, pre, MIPS_ZERO);
    if (dc_op(dc, 0)->type == X86_OP_REG)
        gen_store_op(dc, 0, res);
    mips_bind_label(b, skip);
    return true;
}

bool x86_translate_shld(DisasContext *dc) { return gen_shxd(dc, true); }
bool x86_translate_shrd(DisasContext *dc) { return gen_shxd(dc, false); }

/*
 * rcl/rcr rotate through CF (SDM vol. 2, RCL/RCR): the count is masked to 5 bits and, for 8/16-bit
 * operands, taken modulo 9/17. A C helper does the rotation; it returns the result and leaves the
 * new eflags in env->helper_out, which become the lazy state only after the result is stored.
 * With a masked count of 0 the flags it returns are the old ones.
 */
uint64_t helper_rcl(CPUX86State *env, uint64_t value, uint64_t args)
{
    unsigned count = args & 31, width = 8u << ((args >> 8) & 3);
    bool right = args & (1 << 10);
    uint32_t fl = cc_compute_all(env);
    uint64_t mask = width == 32 ? 0xffffffffu : (1u << width) - 1;
    uint64_t v = value & mask, cf = fl & CC_C;
    unsigned n = width == 32 ? count : count % (width + 1);
    if (count == 1 && right)
        fl = (fl & ~CC_O) | ((((v >> (width - 1)) ^ cf) & 1) ? CC_O : 0);
    for (unsigned i = 0; i < n; i++) {
        uint64_t out;
        if (right) {
            out = v & 1;
            v = (v >> 1) | (cf << (width - 1));
        } else {
            out = (v >> (width - 1)) & 1;
            v = ((v << 1) | cf) & mask;
        }
        cf = out;
    }
    if (count != 0)
        fl = (fl & ~CC_C) | (uint32_t)cf;
    if (count == 1 && !right)
        fl = (fl & ~CC_O) | ((((v >> (width - 1)) ^ cf) & 1) ? CC_O : 0);
    env->helper_out = fl;
    return (uint64_t)(int64_t)(int32_t)(uint32_t)v;     /* the register convention: sign-extended */
}

static bool gen_rotate_carry(DisasContext *dc, bool right)
{
    struct mips_buf *b = dc->b;
    int creg = -1;
    int count = shift_count(dc, &creg);
    if (count == 0)
        return true;
    int v = gen_load_op(dc, 0, 1);
    if (v < 0)
        return false;
    int args = dc_temp(dc), res = dc_temp(dc);
    uint16_t fixed = (uint16_t)(dc_op_log2(dc, 0) << 8 | (right ? 1 << 10 : 0));
    if (count > 0) {
        mips_li(b, args, fixed | count);
    } else {
        mips_andi(b, args, creg, 31);
        mips_ori(b, args, args, fixed);
    }
    gen_helper_call(dc, (void *)helper_rcl, false, res, v, args, -1);
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        gen_store_op(dc, 0, res);
    if (flags_needed(dc, CC_C | CC_O)) {
        mips_lw(b, HREG_CC_SRC1, HREG_ENV, offsetof(CPUX86State, helper_out));
        flags_end(dc, CC_OP_EFLAGS, MIPS_ZERO);
    }
    if (dc_op(dc, 0)->type == X86_OP_REG)
        gen_store_op(dc, 0, res);
    return true;
}

bool x86_translate_rcl(DisasContext *dc) { return gen_rotate_carry(dc, false); }
bool x86_translate_rcr(DisasContext *dc) { return gen_rotate_carry(dc, true); }
