/*
 * Data movement: mov, movzx, movsx, lea, xchg, push, pop, leave, the cbw/cwde/cwd/cdq family,
 * bswap, nop, and moves to and from segment registers.
 */
#include "target/i386/internal.h"

bool x86_translate_mov(DisasContext *dc)
{
    const cs_x86_op *d = dc_op(dc, 0), *s = dc_op(dc, 1);
    int gpr, off, size;
    if (d->type == X86_OP_REG && !x86_gpr(d->reg, &gpr, &off, &size))
        return x86_translate_mov_seg(dc);
    if (s->type == X86_OP_REG && !x86_gpr(s->reg, &gpr, &off, &size))
        return x86_translate_mov_seg(dc);
    if (d->type == X86_OP_REG && s->type != X86_OP_REG && x86_gpr(d->reg, &gpr, &off, &size) && size == 4) {
        /* Straight into the guest register: li for an immediate, a load for memory. A load that
         * faults leaves the register as it was, except for an unaligned lwr/lwl pair split across
         * an unmapped page boundary, whose first half may already have landed. */
        int h = hreg_guest(gpr);
        if (s->type == X86_OP_IMM) {
            mips_li32(dc->b, h, (uint32_t)s->imm);
            return true;
        }
        int v = gen_load_op_into(dc, 1, h);
        return v >= 0;
    }
    int v = gen_load_op(dc, 1, 0);
    if (v < 0)
        return false;
    gen_store_op(dc, 0, v);
    return true;
}

static bool gen_movx(DisasContext *dc, int extend)
{
    int gpr, off, size;
    const cs_x86_op *src = dc_op(dc, 1);
    if (src->type == X86_OP_MEM && (src->size == 1 || src->size == 2) && !dc->locked &&
        x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &size) && size == 4) {
        gen_load_narrow_into(dc, 1, hreg_guest(gpr), extend);
        return true;
    }
    int v = gen_load_op(dc, 1, extend);
    if (v < 0)
        return false;
    gen_store_op(dc, 0, v);
    return true;
}

bool x86_translate_movzx(DisasContext *dc) { return gen_movx(dc, 1); }
bool x86_translate_movsx(DisasContext *dc) { return gen_movx(dc, -1); }

/* lea computes the offset only: no segment base is added (SDM vol. 2, LEA). */
bool x86_translate_lea(DisasContext *dc)
{
    cs_x86_op op = *dc_op(dc, 1);
    op.mem.segment = X86_REG_INVALID;
    int gpr, off, size;
    if (x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &size) && size == 4) {
        gen_ea_into(dc, &op, hreg_guest(gpr));
        return true;
    }
    int a = gen_ea(dc, &op);
    gen_store_op(dc, 0, a);
    return true;
}

bool x86_translate_xchg(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    /* Put a memory operand (if any) first: its store must come before any register write. */
    int mi = dc_op(dc, 1)->type == X86_OP_MEM ? 1 : 0;
    int ri = 1 - mi;
    int x = gen_load_op(dc, mi, 0);
    int y = gen_load_op(dc, ri, 0);
    if (x < 0 || y < 0)
        return false;
    int t = dc_temp(dc);
    mips_move(b, t, x);     /* x may be a guest register that the first store overwrites */
    gen_store_op(dc, mi, y);
    gen_store_op(dc, ri, t);
    return true;
}

bool x86_translate_push(DisasContext *dc)
{
    const cs_x86_op *s = dc_op(dc, 0);
    int size = s->size == 2 ? 2 : 4;
    if (s->type == X86_OP_REG) {
        int gpr, off, rsize;
        if (!x86_gpr(s->reg, &gpr, &off, &rsize))
            return x86_translate_mov_seg(dc);
    }
    int v = gen_load_op(dc, 0, 0);
    if (v < 0)
        return false;
    gen_push(dc, v, size);
    return true;
}

/*
 * pop: the load comes first (it may fault), then esp moves, then the destination is written, so
 * `pop %esp` ends with the loaded value. A memory destination addressed through esp uses the
 * incremented esp (SDM vol. 2, POP).
 */
bool x86_translate_pop(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    const cs_x86_op *d = dc_op(dc, 0);
    int size = d->size == 2 ? 2 : 4;
    if (d->type == X86_OP_REG) {
        int gpr, off, rsize;
        if (!x86_gpr(d->reg, &gpr, &off, &rsize))
            return x86_translate_mov_seg(dc);
    }
    int esp = hreg_guest(R_ESP);
    int t = dc_temp(dc);
    dc_stack_access(dc);
    gen_ld(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, t, esp);
    if (d->type == X86_OP_MEM) {
        int old = dc_temp(dc);
        mips_move(b, old, esp);
        gen_sp_add(dc, size);
        dc->ea_reg = gen_ea(dc, d);
        mips_move(b, esp, old);
        gen_store_op(dc, 0, t);
        gen_sp_add(dc, size);
        return true;
    }
    gen_sp_add(dc, size);
    gen_store_op(dc, 0, t);
    return true;
}

bool x86_translate_leave(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int esp = hreg_guest(R_ESP), ebp = hreg_guest(R_EBP);
    int t = dc_temp(dc);
    int size = dc_op16(dc) ? 2 : 4;
    dc_stack_access(dc);
    gen_ld(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, t, ebp);
    if (dc->ss16) {
        mips_ins(b, esp, ebp, 0, 16);   /* SP = BP, then the pop: the top of ESP stays */
        gen_sp_add(dc, size);
    } else {
        mips_addiu(b, esp, ebp, (int16_t)size);
    }
    gen_write_gpr(dc, R_EBP, 0, size, t);
    return true;
}

bool x86_translate_cwde(DisasContext *dc)
{
    int eax = hreg_guest(R_EAX);
    mips_seh(dc->b, eax, eax);
    return true;
}

bool x86_translate_cdq(DisasContext *dc)
{
    mips_sra(dc->b, hreg_guest(R_EDX), hreg_guest(R_EAX), 31);
    return true;
}

bool x86_translate_cbw(DisasContext *dc)
{
    int t = dc_temp(dc);
    mips_seb(dc->b, t, hreg_guest(R_EAX));
    gen_write_gpr(dc, R_EAX, 0, 2, t);
    return true;
}

bool x86_translate_cwd(DisasContext *dc)
{
    int t = dc_temp(dc);
    mips_seh(dc->b, t, hreg_guest(R_EAX));
    mips_sra(dc->b, t, t, 15);
    gen_write_gpr(dc, R_EDX, 0, 2, t);
    return true;
}

/* bswap: swap bytes within each halfword, then the halfwords (MIPS32r2 WSBH + ROTR 16). */
bool x86_translate_bswap(DisasContext *dc)
{
    int gpr, off, size;
    if (!x86_gpr(dc_op(dc, 0)->reg, &gpr, &off, &size) || size != 4)
        return false;
    int h = hreg_guest(gpr);
    mips_wsbh(dc->b, h, h);
    mips_rotr(dc->b, h, h, 16);
    return true;
}

bool x86_translate_nop(DisasContext *dc)
{
    (void)dc;
    return true;
}

static int seg_index(unsigned cs_reg)
{
    switch (cs_reg) {
    case X86_REG_ES: return R_ES;
    case X86_REG_CS: return R_CS;
    case X86_REG_SS: return R_SS;
    case X86_REG_DS: return R_DS;
    case X86_REG_FS: return R_FS;
    case X86_REG_GS: return R_GS;
    default: return -1;
    }
}

void gen_load_segment(DisasContext *dc, int seg, int sel)
{
    int ok = dc_temp(dc), segr = dc_temp(dc);
    mips_li(dc->b, segr, seg);
    gen_helper_call(dc, (void *)helper_load_seg, false, ok, segr, sel, -1);
    mips_label gp = gen_exception_label(dc, EXCP_GP);
    mips_beqz(dc->b, ok, gp);
    mips_nop(dc->b);
    dc_temp_free(dc, segr);
    dc_temp_free(dc, ok);
}

/*
 * mov to/from a segment register and push/pop of one. Loading a selector goes through a helper that
 * asks the mode for the descriptor (common/mode.h) and raises #GP for a bad one. mov to CS is
 * invalid (#UD); a far jump or call would be needed to change it.
 */
bool x86_translate_mov_seg(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    unsigned id = dc->insn->id;
    int seg;
    int value = -1;
    if (id == X86_INS_MOV && dc_op(dc, 1)->type == X86_OP_REG && (seg = seg_index(dc_op(dc, 1)->reg)) >= 0) {
        int t = dc_temp(dc);
        mips_lw(b, t, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + seg * sizeof(struct x86_segment)));
        gen_store_op(dc, 0, t);
        return true;
    }
    if (id == X86_INS_PUSH) {
        if ((seg = seg_index(dc_op(dc, 0)->reg)) < 0)
            return false;
        int t = dc_temp(dc);
        mips_lw(b, t, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + seg * sizeof(struct x86_segment)));
        gen_push(dc, t, dc_op16(dc) ? 2 : 4);
        return true;
    }
    if (id == X86_INS_POP) {
        if ((seg = seg_index(dc_op(dc, 0)->reg)) < 0 || seg == R_CS)
            return false;
        value = dc_temp(dc);
        dc_stack_access(dc);
        gen_ld(dc, MO_32 | MO_ALIGNED, value, hreg_guest(R_ESP));
    } else if (id == X86_INS_MOV) {
        if ((seg = seg_index(dc_op(dc, 0)->reg)) < 0 || seg == R_CS)
            return false;
        value = gen_load_op(dc, 1, 1);
        if (value < 0)
            return false;
    } else {
        return false;
    }
    gen_load_segment(dc, seg, value);
    if (id == X86_INS_POP)
        mips_addiu(b, hreg_guest(R_ESP), hreg_guest(R_ESP), 4);
    if (seg == R_SS)
        gen_ss_loaded(dc);
    return true;
}
