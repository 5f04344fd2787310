/*
 * mul, imul (one, two and three operands), div, idiv.
 *
 * MIPS MULT/MULTU leave the sign-extended low and high words of the 64-bit product in LO/HI, which
 * is exactly edx:eax. Division by zero does not trap on MIPS, and x86 raises #DE both for a zero
 * divisor and for a quotient that does not fit the destination (SDM vol. 2, DIV/IDIV), so both are
 * checked before dividing. CF = OF = "the high half is significant"; SF, ZF, AF, PF are undefined
 * and are derived from the low half as the MUL lazy op does.
 */
#include "target/i386/internal.h"

static void mips_andi_ff(struct mips_buf *b, int rd, int rs) { mips_andi(b, rd, rs, 0xff); }
static void mips_andi_ffff(struct mips_buf *b, int rd, int rs) { mips_andi(b, rd, rs, 0xffff); }

static void set_mul_flags(DisasContext *dc, int size, int overflow, int low)
{
    flags_set(dc, CC_ALL, CC_OP(CC_KIND_MUL, size), low, overflow, MIPS_ZERO);
}

/* One-operand forms: ax = al * src; dx:ax = ax * src; edx:eax = eax * src. */
static bool gen_mul1(DisasContext *dc, bool sign)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    int v = gen_load_op(dc, 0, sign ? -1 : 1);
    if (v < 0)
        return false;
    int eax = hreg_guest(R_EAX), edx = hreg_guest(R_EDX);
    int lo = dc_temp(dc), hi = dc_temp(dc), ovf = dc_temp(dc);
    if (size == 2) {
        (sign ? mips_mult : mips_multu)(b, eax, v);
        if (!flags_needed(dc, CC_ALL)) {
            mips_mflo(b, eax);
            mips_mfhi(b, edx);
            return true;
        }
        mips_mflo(b, lo);
        mips_mfhi(b, hi);
        if (sign) {
            mips_sra(b, ovf, lo, 31);
            mips_xor(b, ovf, ovf, hi);
        } else {
            ovf = hi;
        }
        set_mul_flags(dc, size, ovf, lo);
        mips_move(b, eax, lo);
        mips_move(b, edx, hi);
        return true;
    }
    int a = dc_temp(dc);
    if (size == 0)
        (sign ? mips_seb : mips_andi_ff)(b, a, eax);
    else
        (sign ? mips_seh : mips_andi_ffff)(b, a, eax);
    mips_mul(b, lo, a, v);
    /* The exact product fits in 32 bits; it overflows the low half when it differs from the
     * low half's (sign- or zero-) extension. */
    if (size == 0)
        (sign ? mips_seb : mips_andi_ff)(b, ovf, lo);
    else
        (sign ? mips_seh : mips_andi_ffff)(b, ovf, lo);
    mips_xor(b, ovf, ovf, lo);
    set_mul_flags(dc, size, ovf, lo);
    if (size == 0) {
        gen_write_gpr(dc, R_EAX, 0, 2, lo);
    } else {
        mips_srl(b, hi, lo, 16);
        gen_write_gpr(dc, R_EAX, 0, 2, lo);
        gen_write_gpr(dc, R_EDX, 0, 2, hi);
    }
    return true;
}

bool x86_translate_mul(DisasContext *dc) { return gen_mul1(dc, false); }

bool x86_translate_imul(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    if (dc->x86->op_count == 1)
        return gen_mul1(dc, true);
    int size = dc_op_log2(dc, 0);
    if (size == 0)
        return false;
    /* imul r, r/m (dst *= src) or imul r, r/m, imm (dst = src * imm). */
    int x = gen_load_op(dc, dc->x86->op_count == 3 ? 1 : 0, -1);
    int y = gen_load_op(dc, dc->x86->op_count == 3 ? 2 : 1, -1);
    if (x < 0 || y < 0)
        return false;
    int lo = dc_temp(dc);
    int ovf = MIPS_ZERO;
    bool flags = flags_needed(dc, CC_ALL);
    int gpr, off, rsize;
    if (!flags && size == 2 && x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &rsize)) {
        mips_mul(b, hreg_guest(gpr), x, y);
        return true;
    }
    if (size == 2) {
        if (flags) {
            ovf = dc_temp(dc);
            mips_mult(b, x, y);
            mips_mflo(b, lo);
            mips_mfhi(b, ovf);
            mips_sra(b, MIPS_AT, lo, 31);
            mips_xor(b, ovf, ovf, MIPS_AT);
        } else {
            mips_mul(b, lo, x, y);
        }
    } else {
        mips_mul(b, lo, x, y);
        if (flags) {
            ovf = dc_temp(dc);
            mips_seh(b, ovf, lo);
            mips_xor(b, ovf, ovf, lo);
        }
    }
    set_mul_flags(dc, size, ovf, lo);
    gen_store_op(dc, 0, lo);
    return true;
}

/*
 * Division. The dividend is edx:eax (dx:ax, ax) and the quotient must fit the low half. For the
 * unsigned 32-bit case the quotient fits exactly when edx < divisor, which also excludes a zero
 * divisor. The other cases divide in 64 bits and check the quotient's range.
 */
static bool gen_div(DisasContext *dc, bool sign)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    int v = gen_load_op(dc, 0, sign ? -1 : 1);
    if (v < 0)
        return false;
    int eax = hreg_guest(R_EAX), edx = hreg_guest(R_EDX);
    int n = dc_temp(dc), q = dc_temp(dc), r = dc_temp(dc), d = dc_temp(dc);
    mips_label de = gen_exception_label(dc, EXCP_DE);

    /* d = divisor as a 64-bit value, n = dividend as a 64-bit value. */
    if (size == 2) {
        if (sign) {
            mips_move(b, d, v);
        } else {
            mips_dext(b, d, v, 0, 32);
            mips_sltu(b, MIPS_AT, edx, v);      /* unsigned order is kept by sign-extension */
            mips_beqz(b, MIPS_AT, de);
            mips_nop(b);
        }
        mips_dsll(b, n, edx, 32);
        mips_dext(b, MIPS_AT, eax, 0, 32);
        mips_or(b, n, n, MIPS_AT);
    } else if (size == 1) {
        mips_move(b, d, v);
        mips_sll(b, n, edx, 16);
        mips_andi(b, MIPS_AT, eax, 0xffff);
        mips_or(b, n, n, MIPS_AT);
        if (!sign)
            mips_dext(b, n, n, 0, 32);
    } else {
        mips_move(b, d, v);
        if (sign)
            mips_seh(b, n, eax);
        else
            mips_andi(b, n, eax, 0xffff);
    }
    mips_beqz(b, d, de);
    mips_nop(b);
    if (sign) {
        /* INT64_MIN / -1 would overflow the host division itself; -1 only needs a negation. */
        mips_label not_m1 = mips_new_label(b), done = mips_new_label(b);
        mips_addiu(b, MIPS_AT, MIPS_ZERO, -1);
        mips_bne(b, d, MIPS_AT, not_m1);
        mips_nop(b);
        mips_dsubu(b, q, MIPS_ZERO, n);
        mips_b(b, done);
        mips_move(b, r, MIPS_ZERO);
        mips_bind_label(b, not_m1);
        mips_ddiv(b, n, d);
        mips_mflo(b, q);
        mips_mfhi(b, r);
        mips_bind_label(b, done);
    } else {
        mips_ddivu(b, n, d);
        mips_mflo(b, q);
        mips_mfhi(b, r);
    }
    /* Range check of the quotient against the destination width. */
    int bits = 8 << size;
    if (sign) {
        mips_dsll(b, MIPS_AT, q, 64 - bits);
        mips_dsra(b, MIPS_AT, MIPS_AT, 64 - bits);
        mips_bne(b, MIPS_AT, q, de);
        mips_nop(b);
    } else if (size < 2) {
        mips_dsrl(b, MIPS_AT, q, bits);
        mips_bnez(b, MIPS_AT, de);
        mips_nop(b);
    }
    if (size == 2) {
        mips_sll(b, eax, q, 0);
        mips_sll(b, edx, r, 0);
    } else if (size == 1) {
        gen_write_gpr(dc, R_EAX, 0, 2, q);
        gen_write_gpr(dc, R_EDX, 0, 2, r);
    } else {
        gen_write_gpr(dc, R_EAX, 0, 1, q);
        gen_write_gpr(dc, R_EAX, 1, 1, r);
    }
    return true;
}

bool x86_translate_div(DisasContext *dc) { return gen_div(dc, false); }
bool x86_translate_idiv(DisasContext *dc) { return gen_div(dc, true); }
