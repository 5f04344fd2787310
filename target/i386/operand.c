/*
 * Operands: capstone's register names mapped onto pinned host registers, effective addresses, and
 * reading/writing register or memory operands of any size.
 *
 * Partial registers: AL..BL are the low byte of EAX..EBX, AH..BH the second byte (SDM vol. 1,
 * 3.4.1.1); writes use INS, which keeps the other bits and the sign-extended form of the 32-bit
 * register (INS is a 32-bit operation on MIPS64).
 */
#include "common/xqm.h"
#include "target/i386/internal.h"

const cs_x86_op *dc_op(const DisasContext *dc, int i)
{
    return &dc->x86->operands[i];
}

int dc_op_size(const DisasContext *dc, int i)
{
    return dc->x86->operands[i].size;
}

int dc_op_log2(const DisasContext *dc, int i)
{
    switch (dc->x86->operands[i].size) {
    case 1: return 0;
    case 2: return 1;
    default: return 2;
    }
}

bool x86_gpr(unsigned r, int *gpr, int *byte_off, int *size)
{
    static const struct { uint16_t reg; uint8_t gpr, off, size; } map[] = {
        { X86_REG_EAX, R_EAX, 0, 4 }, { X86_REG_ECX, R_ECX, 0, 4 }, { X86_REG_EDX, R_EDX, 0, 4 },
        { X86_REG_EBX, R_EBX, 0, 4 }, { X86_REG_ESP, R_ESP, 0, 4 }, { X86_REG_EBP, R_EBP, 0, 4 },
        { X86_REG_ESI, R_ESI, 0, 4 }, { X86_REG_EDI, R_EDI, 0, 4 },
        { X86_REG_AX, R_EAX, 0, 2 }, { X86_REG_CX, R_ECX, 0, 2 }, { X86_REG_DX, R_EDX, 0, 2 },
        { X86_REG_BX, R_EBX, 0, 2 }, { X86_REG_SP, R_ESP, 0, 2 }, { X86_REG_BP, R_EBP, 0, 2 },
        { X86_REG_SI, R_ESI, 0, 2 }, { X86_REG_DI, R_EDI, 0, 2 },
        { X86_REG_AL, R_EAX, 0, 1 }, { X86_REG_CL, R_ECX, 0, 1 }, { X86_REG_DL, R_EDX, 0, 1 },
        { X86_REG_BL, R_EBX, 0, 1 }, { X86_REG_AH, R_EAX, 1, 1 }, { X86_REG_CH, R_ECX, 1, 1 },
        { X86_REG_DH, R_EDX, 1, 1 }, { X86_REG_BH, R_EBX, 1, 1 },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (map[i].reg == r) {
            *gpr = map[i].gpr;
            *byte_off = map[i].off;
            *size = map[i].size;
            return true;
        }
    }
    return false;
}

/* The host register holding a 32-bit address component (a 32-bit GPR or, with 16-bit addressing,
 * a 16-bit one whose upper bits the final mask removes). */
static int addr_component(unsigned r)
{
    int gpr, off, size;
    if (r == X86_REG_INVALID || !x86_gpr(r, &gpr, &off, &size) || off != 0)
        return -1;
    return hreg_guest(gpr);
}

int gen_ea(DisasContext *dc, const cs_x86_op *op)
{
    struct mips_buf *b = dc->b;
    const x86_op_mem *m = &op->mem;
    int base = addr_component(m->base);
    int index = addr_component(m->index);
    int32_t disp = (int32_t)m->disp;
    bool seg_base = m->segment == X86_REG_FS || m->segment == X86_REG_GS;
    bool addr16 = dc->x86->addr_size == 2;

    if (base >= 0 && index < 0 && disp == 0 && !seg_base && !addr16)
        return base;
    int t = dc_temp(dc);
    int cur = MIPS_ZERO;
    if (index >= 0) {
        int shift = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        if (shift) {
            mips_sll(b, t, index, shift);
            cur = t;
        } else {
            cur = index;
        }
    }
    if (base >= 0) {
        if (cur == MIPS_ZERO)
            cur = base;
        else {
            mips_addu(b, t, cur, base);
            cur = t;
        }
    }
    if (disp != 0 || cur == MIPS_ZERO) {
        if (disp >= -32768 && disp <= 32767) {
            mips_addiu(b, t, cur, (int16_t)disp);
        } else {
            mips_li32(b, MIPS_AT, (uint32_t)disp);
            mips_addu(b, t, cur, MIPS_AT);
        }
        cur = t;
    }
    if (addr16) {
        mips_andi(b, t, cur, 0xffff);
        cur = t;
    }
    if (seg_base) {
        int seg = m->segment == X86_REG_FS ? R_FS : R_GS;
        mips_lw(b, MIPS_AT, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + seg * sizeof(struct x86_segment) +
                                                offsetof(struct x86_segment, base)));
        mips_addu(b, t, cur, MIPS_AT);
        cur = t;
    }
    if (cur != t)
        mips_move(b, t, cur);
    return t;
}

void gen_ld(DisasContext *dc, unsigned mop, int dst, int addr)
{
    int s = dc_temp(dc);
    emit_guest_load(dc->b, mop, dst, addr, s);
    dc_temp_free(dc, s);
}

void gen_st(DisasContext *dc, unsigned mop, int src, int addr)
{
    int s = dc_temp(dc);
    emit_guest_store(dc->b, mop, src, addr, s);
    dc_temp_free(dc, s);
}

static unsigned mop_of_size(int size, int extend)
{
    unsigned mop = size == 1 ? MO_8 : size == 2 ? MO_16 : MO_32;
    if (extend < 0)
        mop |= MO_SIGN;
    return mop;
}

int gen_load_op(DisasContext *dc, int i, int extend)
{
    struct mips_buf *b = dc->b;
    const cs_x86_op *op = dc_op(dc, i);
    int size = op->size;
    switch (op->type) {
    case X86_OP_REG: {
        int gpr, off, rsize;
        if (!x86_gpr(op->reg, &gpr, &off, &rsize))
            return -1;
        int h = hreg_guest(gpr);
        if (rsize == 4 || (off == 0 && extend == 0))
            return h;       /* callers never modify a returned register in place */
        int t = dc_temp(dc);
        if (off) {
            if (extend < 0) {
                mips_sll(b, t, h, 16);
                mips_sra(b, t, t, 24);
            } else {
                mips_ext(b, t, h, 8, 8);
            }
        } else if (extend > 0) {
            mips_andi(b, t, h, rsize == 1 ? 0xff : 0xffff);
        } else {
            (rsize == 1 ? mips_seb : mips_seh)(b, t, h);
        }
        return t;
    }
    case X86_OP_IMM: {
        int64_t v = op->imm;
        if (size == 1)
            v = extend < 0 ? (int8_t)v : extend > 0 ? (uint8_t)v : (int8_t)v;
        else if (size == 2)
            v = extend < 0 ? (int16_t)v : extend > 0 ? (uint16_t)v : (int16_t)v;
        else
            v = (int32_t)v;
        if (v == 0)
            return MIPS_ZERO;
        int t = dc_temp(dc);
        mips_li(b, t, v);
        return t;
    }
    case X86_OP_MEM: {
        if (dc->ea_reg < 0)
            dc->ea_reg = gen_ea(dc, op);
        int t = dc_temp(dc);
        gen_ld(dc, mop_of_size(size, extend), t, dc->ea_reg);
        return t;
    }
    default:
        return -1;
    }
}

void gen_write_gpr(DisasContext *dc, int gpr, int byte_off, int size, int value)
{
    struct mips_buf *b = dc->b;
    int h = hreg_guest(gpr);
    if (size == 4) {
        if (value != h)
            mips_move(b, h, value);
    } else {
        mips_ins(b, h, value, byte_off * 8, size * 8);
    }
}

void gen_store_op(DisasContext *dc, int i, int value)
{
    const cs_x86_op *op = dc_op(dc, i);
    if (op->type == X86_OP_REG) {
        int gpr, off, size;
        xqm_assert(x86_gpr(op->reg, &gpr, &off, &size));
        gen_write_gpr(dc, gpr, off, size, value);
    } else {
        xqm_assert(op->type == X86_OP_MEM);
        if (dc->ea_reg < 0)
            dc->ea_reg = gen_ea(dc, op);
        gen_st(dc, mop_of_size(op->size, 0), value, dc->ea_reg);
    }
}

void gen_push(DisasContext *dc, int value, int size)
{
    struct mips_buf *b = dc->b;
    int esp = hreg_guest(R_ESP);
    int a = dc_temp(dc);
    mips_addiu(b, a, esp, (int16_t)-size);
    gen_st(dc, size == 2 ? MO_16 : MO_32, value, a);
    mips_move(b, esp, a);
    dc_temp_free(dc, a);
}
