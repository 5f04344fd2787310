/*
 * Lazy eflags: recording the last flag-setting operation and computing flags or conditions from it.
 *
 * The state (cc_op, cc_src1, cc_src2, cc_res; meaning per op in cpu.h) lives in pinned host
 * registers. The translator usually knows cc_op at translation time (dc->cc_op) and then computes
 * any flag or condition inline; only at the start of a TB is it unknown (CC_OP_DYNAMIC), and a
 * reader then calls helper_cc_compute_all. Liveness (translate.c) lets writers whose flags nobody
 * reads skip recording altogether.
 *
 * Flag formulas (n = operand width, top = bit n-1; SDM vol. 1 appendix A and vol. 2 per insn):
 *   ZF = (res mod 2^n) == 0, SF = top(res), PF = even parity of res[7:0]
 *   CF add: res <u src1     adc: top(src1&src2 | (src1|src2)&~res)   (the carry vector)
 *   CF sub: src1 <u src2    sbb: top(~src1&src2 | (~src1|src2)&res)  (the borrow vector)
 *   OF add/adc: top((src1^res) & (src2^res))    sub/sbb: top((src1^src2) & (src1^res))
 *   AF add/adc/sub/sbb: bit 4 of src1^src2^res
 */
#include "common/xqm.h"
#include "target/i386/internal.h"

/* Which lazy registers an op's flag formulas read (cpu.h): moves into the others are wasted. */
static bool kind_uses_src1(enum cc_kind k) { return k != CC_KIND_LOGIC; }
static bool kind_uses_src2(enum cc_kind k)
{
    return k == CC_KIND_ADD || k == CC_KIND_ADC || k == CC_KIND_SUB || k == CC_KIND_SBB ||
           k == CC_KIND_INC || k == CC_KIND_DEC;
}
static bool kind_uses_res(enum cc_kind k) { return k != CC_KIND_EFLAGS; }

bool flags_begin(DisasContext *dc, uint32_t written, unsigned op, int src1, int src2)
{
    if (!flags_needed(dc, written))
        return false;
    struct mips_buf *b = dc->b;
    enum cc_kind k = cc_op_kind(op);
    /* The sources may be the CC registers themselves (adc reading CF...): move src2 first unless
     * src1 lives in its target. */
    if (kind_uses_src1(k) && src1 == HREG_CC_SRC2) {
        mips_move(b, MIPS_AT, src1);
        src1 = MIPS_AT;
    }
    if (kind_uses_src2(k) && src2 != HREG_CC_SRC2)
        mips_move(b, HREG_CC_SRC2, src2);
    if (kind_uses_src1(k) && src1 != HREG_CC_SRC1)
        mips_move(b, HREG_CC_SRC1, src1);
    return true;
}

void flags_end(DisasContext *dc, unsigned op, int res)
{
    if (kind_uses_res(cc_op_kind(op)) && res != HREG_CC_RES)
        mips_move(dc->b, HREG_CC_RES, res);
    dc->cc_op = (int)op;
    dc->cc_op_synced = false;
}

void flags_set(DisasContext *dc, uint32_t written, unsigned op, int res, int src1, int src2)
{
    if (res == HREG_CC_SRC1 || res == HREG_CC_SRC2) {
        mips_move(dc->b, MIPS_AT, res);
        res = MIPS_AT;
    }
    if (flags_begin(dc, written, op, src1, src2))
        flags_end(dc, op, res);
}

void flags_set_dynamic(DisasContext *dc, unsigned op, int res, int src1, int src2)
{
    struct mips_buf *b = dc->b;
    enum cc_kind k = cc_op_kind(op);
    if (kind_uses_src2(k) && src2 != HREG_CC_SRC2)
        mips_move(b, HREG_CC_SRC2, src2);
    if (kind_uses_src1(k) && src1 != HREG_CC_SRC1)
        mips_move(b, HREG_CC_SRC1, src1);
    if (kind_uses_res(k) && res != HREG_CC_RES)
        mips_move(b, HREG_CC_RES, res);
    mips_li(b, HREG_CC_OP, op);
    flags_from_env(dc);
}

void flags_from_env(DisasContext *dc)
{
    dc->cc_op = CC_OP_DYNAMIC;
    dc->cc_op_synced = true;
}

void flags_sync(DisasContext *dc)
{
    if (dc->cc_op_synced)
        return;
    mips_li(dc->b, HREG_CC_OP, dc->cc_op);
    dc->cc_op_synced = true;
}

/* Calls helper_cc_compute_all; afterwards dst holds the six flags. */
static void materialize_dynamic(DisasContext *dc, int dst)
{
    gen_helper_call(dc, (void *)helper_cc_compute_all, false, dst, -1, -1, -1);
}

/* dst = bit `bit` of src, as 0/1. */
static void emit_bit(struct mips_buf *b, int dst, int src, int bit)
{
    if (bit < 32)
        mips_dext(b, dst, src, bit, 1);
    else
        mips_dsrl(b, dst, src, bit);
}

static int top_bit(unsigned op) { return (8 << cc_op_size(op)) - 1; }

/* dst = src zero-extended from the op's width (may return src itself for 32-bit values whose
 * sign extension preserves unsigned order, which is all sltu needs). */
static int zext_for_compare(DisasContext *dc, unsigned op, int src, int dst)
{
    switch (cc_op_size(op)) {
    case 0: mips_andi(dc->b, dst, src, 0xff); return dst;
    case 1: mips_andi(dc->b, dst, src, 0xffff); return dst;
    default: return src;
    }
}

static int sext_for_compare(DisasContext *dc, unsigned op, int src, int dst)
{
    switch (cc_op_size(op)) {
    case 0: mips_seb(dc->b, dst, src); return dst;
    case 1: mips_seh(dc->b, dst, src); return dst;
    default: return src;
    }
}

void flags_emit_cf(DisasContext *dc, int dst)
{
    struct mips_buf *b = dc->b;
    if (dc->cc_op == CC_OP_DYNAMIC) {
        materialize_dynamic(dc, dst);
        mips_andi(b, dst, dst, 1);
        return;
    }
    unsigned op = (unsigned)dc->cc_op;
    int t;
    switch (cc_op_kind(op)) {
    case CC_KIND_EFLAGS:
        mips_andi(b, dst, HREG_CC_SRC1, 1);
        break;
    case CC_KIND_ADD:
        t = dc_temp(dc);
        mips_sltu(b, dst, zext_for_compare(dc, op, HREG_CC_RES, dst), zext_for_compare(dc, op, HREG_CC_SRC1, t));
        dc_temp_free(dc, t);
        break;
    case CC_KIND_SUB:
        t = dc_temp(dc);
        mips_sltu(b, dst, zext_for_compare(dc, op, HREG_CC_SRC1, dst), zext_for_compare(dc, op, HREG_CC_SRC2, t));
        dc_temp_free(dc, t);
        break;
    case CC_KIND_ADC:
        t = dc_temp(dc);
        mips_or(b, t, HREG_CC_SRC1, HREG_CC_SRC2);
        mips_nor(b, dst, HREG_CC_RES, MIPS_ZERO);
        mips_and(b, t, t, dst);
        mips_and(b, dst, HREG_CC_SRC1, HREG_CC_SRC2);
        mips_or(b, dst, dst, t);
        emit_bit(b, dst, dst, top_bit(op));
        dc_temp_free(dc, t);
        break;
    case CC_KIND_SBB:
        t = dc_temp(dc);
        mips_nor(b, t, HREG_CC_SRC1, MIPS_ZERO);        /* ~a */
        mips_or(b, dst, t, HREG_CC_SRC2);               /* ~a | b */
        mips_and(b, dst, dst, HREG_CC_RES);             /* (~a | b) & r */
        mips_and(b, t, t, HREG_CC_SRC2);                /* ~a & b */
        mips_or(b, dst, dst, t);
        emit_bit(b, dst, dst, top_bit(op));
        dc_temp_free(dc, t);
        break;
    case CC_KIND_LOGIC:
        mips_move(b, dst, MIPS_ZERO);
        break;
    case CC_KIND_INC:
    case CC_KIND_DEC:
        mips_move(b, dst, HREG_CC_SRC2);
        break;
    case CC_KIND_SHL:
        emit_bit(b, dst, HREG_CC_SRC1, top_bit(op));
        break;
    case CC_KIND_SAR:
        mips_andi(b, dst, HREG_CC_SRC1, 1);
        break;
    case CC_KIND_MUL:
        mips_sltu(b, dst, MIPS_ZERO, HREG_CC_SRC1);
        break;
    default:
        xqm_assert(!"bad cc_op");
    }
}

static void emit_zf(DisasContext *dc, int dst)
{
    unsigned op = (unsigned)dc->cc_op;
    if (cc_op_kind(op) == CC_KIND_EFLAGS) {
        mips_ext(dc->b, dst, HREG_CC_SRC1, 6, 1);
        return;
    }
    int v = zext_for_compare(dc, op, HREG_CC_RES, dst);
    mips_sltiu(dc->b, dst, v, 1);
}

static void emit_sf(DisasContext *dc, int dst)
{
    unsigned op = (unsigned)dc->cc_op;
    if (cc_op_kind(op) == CC_KIND_EFLAGS)
        mips_ext(dc->b, dst, HREG_CC_SRC1, 7, 1);
    else
        emit_bit(dc->b, dst, HREG_CC_RES, top_bit(op));
}

static void emit_pf(DisasContext *dc, int dst)
{
    struct mips_buf *b = dc->b;
    if (cc_op_kind((unsigned)dc->cc_op) == CC_KIND_EFLAGS) {
        mips_ext(b, dst, HREG_CC_SRC1, 2, 1);
        return;
    }
    mips_andi(b, dst, HREG_CC_RES, 0xff);
    mips_daddu(b, dst, dst, HREG_ENV);
    mips_lbu(b, dst, dst, offsetof(CPUX86State, parity));
    mips_srl(b, dst, dst, 2);
}

static void emit_of(DisasContext *dc, int dst)
{
    struct mips_buf *b = dc->b;
    unsigned op = (unsigned)dc->cc_op;
    int t;
    switch (cc_op_kind(op)) {
    case CC_KIND_EFLAGS:
        mips_ext(b, dst, HREG_CC_SRC1, 11, 1);
        break;
    case CC_KIND_ADD:
    case CC_KIND_ADC:
        t = dc_temp(dc);
        mips_xor(b, t, HREG_CC_SRC1, HREG_CC_RES);
        mips_xor(b, dst, HREG_CC_SRC2, HREG_CC_RES);
        mips_and(b, dst, dst, t);
        emit_bit(b, dst, dst, top_bit(op));
        dc_temp_free(dc, t);
        break;
    case CC_KIND_SUB:
    case CC_KIND_SBB:
        t = dc_temp(dc);
        mips_xor(b, t, HREG_CC_SRC1, HREG_CC_SRC2);
        mips_xor(b, dst, HREG_CC_SRC1, HREG_CC_RES);
        mips_and(b, dst, dst, t);
        emit_bit(b, dst, dst, top_bit(op));
        dc_temp_free(dc, t);
        break;
    case CC_KIND_LOGIC:
        mips_move(b, dst, MIPS_ZERO);
        break;
    case CC_KIND_INC:
    case CC_KIND_DEC: {
        /* inc overflows exactly when the result is the smallest signed value, dec when it is the
         * largest. */
        int v = zext_for_compare(dc, op, HREG_CC_RES, dst);
        uint32_t min = 1u << top_bit(op);
        uint32_t target = cc_op_kind(op) == CC_KIND_INC ? min : min - 1;
        if (cc_op_size(op) == 2) {
            mips_li32(b, MIPS_AT, target);
            mips_xor(b, dst, v, MIPS_AT);
        } else {
            mips_xori(b, dst, v, (uint16_t)target);
        }
        mips_sltiu(b, dst, dst, 1);
        break;
    }
    case CC_KIND_SHL:
    case CC_KIND_SAR:
        mips_xor(b, dst, HREG_CC_SRC1, HREG_CC_RES);
        emit_bit(b, dst, dst, top_bit(op));
        break;
    case CC_KIND_MUL:
        mips_sltu(b, dst, MIPS_ZERO, HREG_CC_SRC1);
        break;
    default:
        xqm_assert(!"bad cc_op");
    }
}

static void emit_af(DisasContext *dc, int dst)
{
    struct mips_buf *b = dc->b;
    switch (cc_op_kind((unsigned)dc->cc_op)) {
    case CC_KIND_EFLAGS:
        mips_ext(b, dst, HREG_CC_SRC1, 4, 1);
        break;
    case CC_KIND_ADD: case CC_KIND_ADC: case CC_KIND_SUB: case CC_KIND_SBB:
        mips_xor(b, dst, HREG_CC_SRC1, HREG_CC_SRC2);
        mips_xor(b, dst, dst, HREG_CC_RES);
        mips_ext(b, dst, dst, 4, 1);
        break;
    case CC_KIND_INC: case CC_KIND_DEC:
        mips_xor(b, dst, HREG_CC_SRC1, HREG_CC_RES);
        mips_xori(b, dst, dst, 1);
        mips_ext(b, dst, dst, 4, 1);
        break;
    default:
        mips_move(b, dst, MIPS_ZERO);
        break;
    }
}

/* Inserts PF, AF, ZF and SF of the (statically known) lazy op into dst, using temp t. */
static void insert_szap(DisasContext *dc, int dst, int t)
{
    struct mips_buf *b = dc->b;
    emit_pf(dc, t);
    mips_ins(b, dst, t, 2, 1);
    emit_af(dc, t);
    mips_ins(b, dst, t, 4, 1);
    emit_zf(dc, t);
    mips_ins(b, dst, t, 6, 1);
    emit_sf(dc, t);
    mips_ins(b, dst, t, 7, 1);
}

/* CF and OF only when the caller does not overwrite both (all_six false: they may hold anything). */
static void materialize(DisasContext *dc, int dst, bool all_six)
{
    struct mips_buf *b = dc->b;
    if (dc->cc_op == CC_OP_DYNAMIC) {
        materialize_dynamic(dc, dst);
        return;
    }
    if (cc_op_kind((unsigned)dc->cc_op) == CC_KIND_EFLAGS) {
        mips_move(b, dst, HREG_CC_SRC1);
        return;
    }
    int t = dc_temp(dc);
    if (all_six)
        flags_emit_cf(dc, dst);
    else
        mips_move(b, dst, MIPS_ZERO);
    insert_szap(dc, dst, t);
    if (all_six) {
        emit_of(dc, t);
        mips_ins(b, dst, t, 11, 1);
    }
    dc_temp_free(dc, t);
}

void flags_materialize(DisasContext *dc, int dst) { materialize(dc, dst, true); }
void flags_materialize_szap(DisasContext *dc, int dst) { materialize(dc, dst, false); }

/* Conditions from the difference of two compared values (cmp/sub), without computing flags. */
static bool emit_cond_sub(DisasContext *dc, int base, int dst, bool *negated)
{
    struct mips_buf *b = dc->b;
    unsigned op = (unsigned)dc->cc_op;
    int t = dc_temp(dc);
    bool done = true;
    int a, c;
    switch (base) {
    case X86_CC_B:
        a = zext_for_compare(dc, op, HREG_CC_SRC1, dst);
        c = zext_for_compare(dc, op, HREG_CC_SRC2, t);
        mips_sltu(b, dst, a, c);
        break;
    case X86_CC_BE:     /* src1 <=u src2  ==  !(src2 <u src1) */
        a = zext_for_compare(dc, op, HREG_CC_SRC1, dst);
        c = zext_for_compare(dc, op, HREG_CC_SRC2, t);
        mips_sltu(b, dst, c, a);
        *negated = true;
        break;
    case X86_CC_L:
        a = sext_for_compare(dc, op, HREG_CC_SRC1, dst);
        c = sext_for_compare(dc, op, HREG_CC_SRC2, t);
        mips_slt(b, dst, a, c);
        break;
    case X86_CC_LE:
        a = sext_for_compare(dc, op, HREG_CC_SRC1, dst);
        c = sext_for_compare(dc, op, HREG_CC_SRC2, t);
        mips_slt(b, dst, c, a);
        *negated = true;
        break;
    default:
        done = false;
    }
    dc_temp_free(dc, t);
    return done;
}

void flags_emit_cond(DisasContext *dc, int cc, int dst)
{
    if (!flags_emit_cond_sense(dc, cc, dst))
        mips_xori(dc->b, dst, dst, 1);
}

bool flags_emit_cond_sense(DisasContext *dc, int cc, int dst)
{
    struct mips_buf *b = dc->b;
    int base = cc & ~1;
    bool invert = cc & 1, negated = false;

    if (dc->cc_op == CC_OP_DYNAMIC) {
        /* Start of a TB: compute all flags once, then read the condition from the bits. */
        materialize_dynamic(dc, dst);
        int t = dc_temp(dc);
        switch (base) {
        case X86_CC_O: mips_ext(b, dst, dst, 11, 1); break;
        case X86_CC_B: mips_andi(b, dst, dst, 1); break;
        case X86_CC_E: mips_ext(b, dst, dst, 6, 1); break;
        case X86_CC_BE:
            mips_andi(b, dst, dst, CC_C | CC_Z);
            mips_sltu(b, dst, MIPS_ZERO, dst);
            break;
        case X86_CC_S: mips_ext(b, dst, dst, 7, 1); break;
        case X86_CC_P: mips_ext(b, dst, dst, 2, 1); break;
        case X86_CC_L:
        case X86_CC_LE:
            mips_ext(b, t, dst, 11, 1);
            if (base == X86_CC_LE)
                mips_ext(b, MIPS_AT, dst, 6, 1);
            mips_ext(b, dst, dst, 7, 1);
            mips_xor(b, dst, dst, t);
            if (base == X86_CC_LE)
                mips_or(b, dst, dst, MIPS_AT);
            break;
        }
        dc_temp_free(dc, t);
    } else if (!(cc_op_kind((unsigned)dc->cc_op) == CC_KIND_SUB && emit_cond_sub(dc, base, dst, &negated))) {
        int t = dc_temp(dc);
        switch (base) {
        case X86_CC_O: emit_of(dc, dst); break;
        case X86_CC_B: flags_emit_cf(dc, dst); break;
        case X86_CC_E: emit_zf(dc, dst); break;
        case X86_CC_BE:
            flags_emit_cf(dc, dst);
            emit_zf(dc, t);
            mips_or(b, dst, dst, t);
            break;
        case X86_CC_S: emit_sf(dc, dst); break;
        case X86_CC_P: emit_pf(dc, dst); break;
        case X86_CC_L:
        case X86_CC_LE:
            emit_sf(dc, dst);
            emit_of(dc, t);
            mips_xor(b, dst, dst, t);
            if (base == X86_CC_LE) {
                emit_zf(dc, t);
                mips_or(b, dst, dst, t);
            }
            break;
        }
        dc_temp_free(dc, t);
    }
    return invert == negated;
}

/* The delay slot of a conditional branch just emitted: the instruction before it if it can move
 * there (mips_fill_last_delay_slot), else a nop. The moved word may come from the previous guest
 * instruction, which cannot fault, so the host-pc map stays exact. */
static void flags_branch_delay_slot(DisasContext *dc)
{
    mips_nop(dc->b);
    if (mips_fill_last_delay_slot(dc->b) && dc->b->len - 2 < dc->insn_start)
        dc->insn_start = dc->b->len - 2;
}

static bool fusable(bool logic, int base)
{
    if (logic)
        return base == X86_CC_E || base == X86_CC_S || base == X86_CC_L || base == X86_CC_LE;
    return base == X86_CC_E || base == X86_CC_B || base == X86_CC_BE || base == X86_CC_L ||
           base == X86_CC_LE || base == X86_CC_S;
}

int flags_fusable_jcc(const DisasContext *dc, bool logic)
{
    const cs_insn *next = dc->next_insn;
    /* Only a Jcc: setcc/cmovcc share condition codes but read the flags through flags_emit_cond. */
    const struct x86_insn_row *row = next ? x86_insn_lookup(next->id) : NULL;
    int cc = row && row->translate == x86_translate_jcc ? x86_cond_of(next->id) : -1;
    if (cc < 0 || (dc->next_live_after & CC_ALL) || !fusable(logic, cc & ~1))
        return -1;
    return cc;
}

bool flags_try_fuse_compare(DisasContext *dc, bool logic, int a, int b, bool is_imm, int32_t imm)
{
    if (flags_fusable_jcc(dc, logic) < 0)
        return false;
    dc->pending_cmp.valid = true;
    dc->pending_cmp.logic = logic;
    dc->pending_cmp.a = a;
    dc->pending_cmp.b = b;
    dc->pending_cmp.is_imm = is_imm;
    dc->pending_cmp.imm = imm;
    return true;
}

/* b operand of a pending compare in a register (the immediate goes through at). */
static int pending_b(DisasContext *dc)
{
    if (!dc->pending_cmp.is_imm)
        return dc->pending_cmp.b;
    if (dc->pending_cmp.imm == 0)
        return MIPS_ZERO;
    mips_li(dc->b, MIPS_AT, dc->pending_cmp.imm);
    return MIPS_AT;
}

static bool fits16(int64_t v) { return v >= -32768 && v <= 32767; }

/*
 * Branch on a pending cmp/test. Operands are sign-extended 32-bit values, so signed compares work
 * as they are and unsigned ones too (sign extension keeps the unsigned order of 32-bit values).
 */
static void emit_pending_branch(DisasContext *dc, int cc, mips_label l)
{
    struct mips_buf *b = dc->b;
    int base = cc & ~1;
    bool inv = cc & 1;
    int a = dc->pending_cmp.a;
    bool is_imm = dc->pending_cmp.is_imm;
    int64_t imm = dc->pending_cmp.imm;
    dc->pending_cmp.valid = false;
    if (dc->pending_cmp.logic) {
        int r = a;
        if (is_imm && imm >= 0 && imm <= 0xffff) {
            mips_andi(b, MIPS_AT, a, (uint16_t)imm);
            r = MIPS_AT;
        } else if (is_imm || dc->pending_cmp.b != a) {
            int v = pending_b(dc);
            mips_and(b, MIPS_AT, a, v);
            r = MIPS_AT;
        }
        switch (base) {
        case X86_CC_E: (inv ? mips_bnez : mips_beqz)(b, r, l); break;
        case X86_CC_S:
        case X86_CC_L: (inv ? mips_bgez : mips_bltz)(b, r, l); break;
        default: (inv ? mips_bgtz : mips_blez)(b, r, l); break;    /* LE: ZF | SF */
        }
        flags_branch_delay_slot(dc);
        return;
    }
    switch (base) {
    case X86_CC_E:
        (inv ? mips_bne : mips_beq)(b, a, pending_b(dc), l);
        break;
    case X86_CC_S:
        mips_subu(b, MIPS_AT, a, pending_b(dc));
        (inv ? mips_bgez : mips_bltz)(b, MIPS_AT, l);
        break;
    case X86_CC_L:
    case X86_CC_B: {
        bool u = base == X86_CC_B;
        if (is_imm && fits16(imm))
            (u ? mips_sltiu : mips_slti)(b, MIPS_AT, a, (int16_t)imm);
        else
            (u ? mips_sltu : mips_slt)(b, MIPS_AT, a, pending_b(dc));
        (inv ? mips_beqz : mips_bnez)(b, MIPS_AT, l);
        break;
    }
    default: {  /* LE / BE: a <= b is !(b < a), or a < imm + 1 */
        bool u = base == X86_CC_BE;
        bool wraps = u ? (uint32_t)imm == 0xffffffffu : imm == 0x7fffffff;
        if (is_imm && fits16(imm + 1) && !wraps) {
            (u ? mips_sltiu : mips_slti)(b, MIPS_AT, a, (int16_t)(imm + 1));
            (inv ? mips_beqz : mips_bnez)(b, MIPS_AT, l);
        } else {
            int v = pending_b(dc);
            (u ? mips_sltu : mips_slt)(b, MIPS_AT, v, a);
            (inv ? mips_bnez : mips_beqz)(b, MIPS_AT, l);
        }
        break;
    }
    }
    flags_branch_delay_slot(dc);
}

void flags_emit_branch(DisasContext *dc, int cc, mips_label l)
{
    if (dc->pending_cmp.valid) {
        emit_pending_branch(dc, cc, l);
        return;
    }
    struct mips_buf *b = dc->b;
    int base = cc & ~1;
    bool invert = cc & 1;
    unsigned op = (unsigned)dc->cc_op;
    /* Fused compare-and-branch for the patterns compilers emit most: cmp/sub/test/and + je/jne,
     * and js/jns on anything with a result. 32-bit values are sign-extended in their registers,
     * so equality and sign tests need no masking. */
    if (dc->cc_op != CC_OP_DYNAMIC && cc_op_size(op) == 2) {
        enum cc_kind k = cc_op_kind(op);
        if (base == X86_CC_E && k == CC_KIND_SUB) {
            (invert ? mips_bne : mips_beq)(b, HREG_CC_SRC1, HREG_CC_SRC2, l);
            flags_branch_delay_slot(dc);
            return;
        }
        if (base == X86_CC_E && k != CC_KIND_EFLAGS) {
            (invert ? mips_bnez : mips_beqz)(b, HREG_CC_RES, l);
            flags_branch_delay_slot(dc);
            return;
        }
        if (base == X86_CC_S && k != CC_KIND_EFLAGS) {
            (invert ? mips_bgez : mips_bltz)(b, HREG_CC_RES, l);
            flags_branch_delay_slot(dc);
            return;
        }
        if (base == X86_CC_L && k == CC_KIND_LOGIC) {
            (invert ? mips_bgez : mips_bltz)(b, HREG_CC_RES, l);
            flags_branch_delay_slot(dc);
            return;
        }
        if (base == X86_CC_LE && k == CC_KIND_LOGIC) {
            (invert ? mips_bgtz : mips_blez)(b, HREG_CC_RES, l);
            flags_branch_delay_slot(dc);
            return;
        }
    }
    int t = dc_temp(dc);
    (flags_emit_cond_sense(dc, cc, t) ? mips_bnez : mips_beqz)(b, t, l);
    flags_branch_delay_slot(dc);
    dc_temp_free(dc, t);
}

int x86_cond_of(unsigned id)
{
    switch (id) {
    case X86_INS_JO: case X86_INS_SETO: case X86_INS_CMOVO: return X86_CC_O;
    case X86_INS_JNO: case X86_INS_SETNO: case X86_INS_CMOVNO: return X86_CC_NO;
    case X86_INS_JB: case X86_INS_SETB: case X86_INS_CMOVB: return X86_CC_B;
    case X86_INS_JAE: case X86_INS_SETAE: case X86_INS_CMOVAE: return X86_CC_AE;
    case X86_INS_JE: case X86_INS_SETE: case X86_INS_CMOVE: return X86_CC_E;
    case X86_INS_JNE: case X86_INS_SETNE: case X86_INS_CMOVNE: return X86_CC_NE;
    case X86_INS_JBE: case X86_INS_SETBE: case X86_INS_CMOVBE: return X86_CC_BE;
    case X86_INS_JA: case X86_INS_SETA: case X86_INS_CMOVA: return X86_CC_A;
    case X86_INS_JS: case X86_INS_SETS: case X86_INS_CMOVS: return X86_CC_S;
    case X86_INS_JNS: case X86_INS_SETNS: case X86_INS_CMOVNS: return X86_CC_NS;
    case X86_INS_JP: case X86_INS_SETP: case X86_INS_CMOVP: return X86_CC_P;
    case X86_INS_JNP: case X86_INS_SETNP: case X86_INS_CMOVNP: return X86_CC_NP;
    case X86_INS_JL: case X86_INS_SETL: case X86_INS_CMOVL: return X86_CC_L;
    case X86_INS_JGE: case X86_INS_SETGE: case X86_INS_CMOVGE: return X86_CC_GE;
    case X86_INS_JLE: case X86_INS_SETLE: case X86_INS_CMOVLE: return X86_CC_LE;
    case X86_INS_JG: case X86_INS_SETG: case X86_INS_CMOVG: return X86_CC_G;
    default: return -1;
    }
}
