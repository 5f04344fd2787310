/*
 * Everything else a compiler or libc emits in user code: flag-register instructions (cld std clc
 * stc cmc pushf popf lahf sahf), traps (int, int3, ud2, hlt), cpuid and rdtsc.
 */
#include "target/i386/internal.h"

static bool set_df(DisasContext *dc, int value)
{
    mips_li(dc->b, MIPS_AT, value);
    mips_sw(dc->b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, df));
    return true;
}

bool x86_translate_cld(DisasContext *dc) { return set_df(dc, 1); }
bool x86_translate_std(DisasContext *dc) { return set_df(dc, -1); }

/* clc/stc/cmc: the other flags keep their values, so they are materialized and CF replaced. */
static bool gen_cf_op(DisasContext *dc, int how)
{
    struct mips_buf *b = dc->b;
    if (!flags_needed(dc, CC_ALL))
        return true;
    int f = dc_temp(dc);
    flags_materialize(dc, f);
    if (how == 0)
        mips_ins(b, f, MIPS_ZERO, 0, 1);
    else if (how == 1)
        mips_ori(b, f, f, CC_C);
    else
        mips_xori(b, f, f, CC_C);
    flags_set(dc, CC_ALL, CC_OP_EFLAGS, MIPS_ZERO, f, MIPS_ZERO);
    return true;
}

bool x86_translate_clc(DisasContext *dc) { return gen_cf_op(dc, 0); }
bool x86_translate_stc(DisasContext *dc) { return gen_cf_op(dc, 1); }
bool x86_translate_cmc(DisasContext *dc) { return gen_cf_op(dc, 2); }

/* lahf: AH = SF:ZF:0:AF:0:PF:1:CF (SDM vol. 2, LAHF). */
bool x86_translate_lahf(DisasContext *dc)
{
    int f = dc_temp(dc);
    flags_materialize(dc, f);
    mips_ori(dc->b, f, f, EFLAGS_FIXED);
    gen_write_gpr(dc, R_EAX, 1, 1, f);
    return true;
}

/* sahf: SF ZF AF PF CF from AH; OF keeps its value. */
bool x86_translate_sahf(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int f = dc_temp(dc), h = dc_temp(dc);
    flags_materialize(dc, f);
    mips_andi(b, f, f, CC_O);
    mips_ext(b, h, hreg_guest(R_EAX), 8, 8);
    mips_andi(b, h, h, CC_S | CC_Z | CC_A | CC_P | CC_C);
    mips_or(b, f, f, h);
    flags_set(dc, CC_ALL, CC_OP_EFLAGS, MIPS_ZERO, f, MIPS_ZERO);
    return true;
}

/* pushf (66: pushfw, the low 16 bits). VM and RF read as 0 in the pushed image (SDM vol. 2). */
bool x86_translate_pushf(DisasContext *dc)
{
    int f = dc_temp(dc);
    gen_helper_call(dc, (void *)helper_read_eflags, false, f, -1, -1, -1);
    gen_push(dc, f, dc_op16(dc) ? 2 : 4);
    return true;
}

bool x86_translate_popf(DisasContext *dc)
{
    bool word = dc_op16(dc);
    int v = dc_temp(dc), mask = dc_temp(dc);
    dc_stack_access(dc);
    gen_ld(dc, (word ? MO_16 : MO_32) | MO_ALIGNED, v, hreg_guest(R_ESP));
    mips_li(dc->b, mask, word ? 0xffff : -1);
    gen_helper_call(dc, (void *)helper_popf, false, v, v, mask, -1);
    gen_sp_add(dc, word ? 2 : 4);
    flags_from_env(dc);
    /* TF just set: the next instruction runs in a single-step TB, so leave for the exec loop. */
    mips_label cont = mips_new_label(dc->b);
    mips_beqz(dc->b, v, cont);
    mips_nop(dc->b);
    gen_exit_nochain_pc(dc, dc->next_pc);
    mips_bind_label(dc->b, cont);
    return true;
}

/* int $0x80 is the Linux syscall gate; other vectors are #GP in user mode (the IDT gates Linux
 * sets up for them have DPL 0), which Linux reports as SIGSEGV at the int instruction. */
bool x86_translate_int(DisasContext *dc)
{
    uint8_t vec = (uint8_t)dc_op(dc, 0)->imm;
    if (vec == 0x80)
        gen_exception(dc, EXCP_SYSCALL, true);
    else if (vec == 3)
        gen_exception(dc, EXCP_BP, true);
    else
        gen_exception(dc, EXCP_GP, false);
    return true;
}

/* int3 is a trap: the reported eip is the next instruction (SDM vol. 3, 6.5). */
bool x86_translate_int3(DisasContext *dc) { gen_exception(dc, EXCP_BP, true); return true; }
bool x86_translate_ud2(DisasContext *dc) { gen_exception(dc, EXCP_UD, false); return true; }
/* int1 (icebp): #DB with eip at the instruction, as Linux reports it to a user program (the mode
 * turns it into a trap where the architecture says so, system mode). */
bool x86_translate_int1(DisasContext *dc) { gen_exception(dc, EXCP_ICEBP, false); return true; }

/* arpl r/m16, r16: raise the destination selector's RPL to the source's, ZF telling whether it
 * changed; no other flag changes (SDM vol. 2, ARPL). */
bool x86_translate_arpl(DisasContext *dc)
{
    if (dc_op_size(dc, 0) != 2 || dc_op_size(dc, 1) != 2)
        return false;
    int d = gen_load_op(dc, 0, 0), s = gen_load_op(dc, 1, 0), r = dc_temp(dc);
    gen_helper_call(dc, (void *)helper_arpl, false, r, d, s, -1);
    flags_from_env(dc);             /* the helper set ZF in env */
    gen_store_op(dc, 0, r);
    return true;
}
bool x86_translate_hlt(DisasContext *dc) { gen_exception(dc, EXCP_GP, false); return true; }

bool x86_translate_cpuid(DisasContext *dc)
{
    gen_helper_call(dc, (void *)helper_cpuid, true, -1, -1, -1, -1);
    return true;
}

bool x86_translate_rdtsc(DisasContext *dc)
{
    gen_helper_call(dc, (void *)helper_rdtsc, true, -1, -1, -1, -1);
    return true;
}

/* xlat: AL = [seg:ebx + zero-extended AL] (DS unless overridden). */
bool x86_translate_xlat(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    bool addr16 = dc->x86->addr_size == 2;
    int a = dc_temp(dc), v = dc_temp(dc);
    mips_andi(b, a, hreg_guest(R_EAX), 0xff);
    mips_addu(b, a, a, hreg_guest(R_EBX));
    if (addr16)
        mips_andi(b, a, a, 0xffff);
    if (dc->not_flat) {
        const cs_x86_op *m = dc->x86->op_count == 1 ? dc_op(dc, 0) : NULL;
        unsigned r = m && m->type == X86_OP_MEM ? m->mem.segment : X86_REG_INVALID;
        dc_access_seg(dc, r == X86_REG_ES ? R_ES : r == X86_REG_CS ? R_CS : r == X86_REG_SS ? R_SS :
                      r == X86_REG_FS ? R_FS : r == X86_REG_GS ? R_GS : R_DS, addr16);
    } else if (dc->x86->op_count == 1 && dc_op(dc, 0)->type == X86_OP_MEM &&
        (dc_op(dc, 0)->mem.segment == X86_REG_FS || dc_op(dc, 0)->mem.segment == X86_REG_GS)) {
        int seg = dc_op(dc, 0)->mem.segment == X86_REG_FS ? R_FS : R_GS;
        mips_lw(b, MIPS_AT, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + seg * sizeof(struct x86_segment) +
                                                offsetof(struct x86_segment, base)));
        mips_addu(b, a, a, MIPS_AT);
    }
    gen_ld(dc, MO_8, v, a);
    gen_write_gpr(dc, R_EAX, 0, 1, v);
    return true;
}

/* into: #OF (SIGSEGV under Linux) when OF is set. */
bool x86_translate_into(DisasContext *dc)
{
    int t = dc_temp(dc);
    flags_emit_cond(dc, 0, t);
    mips_label of = gen_trap_label(dc, EXCP_OF);
    mips_bnez(dc->b, t, of);
    mips_nop(dc->b);
    return true;
}

/* bound r32, m32&32: #BR unless m[0] <= r <= m[1], signed (SDM vol. 2, BOUND). */
bool x86_translate_bound(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    if (dc_op_size(dc, 0) != 4 || dc_op(dc, 1)->type != X86_OP_MEM)
        return false;
    int r = gen_load_op(dc, 0, 0);
    int ea = gen_ea(dc, dc_op(dc, 1));
    int lo = dc_temp(dc), hi = dc_temp(dc);
    gen_ld_off(dc, MO_32, lo, ea, 0);
    gen_ld_off(dc, MO_32, hi, ea, 4);
    mips_label br = gen_exception_label(dc, EXCP_BR);
    mips_slt(b, MIPS_AT, r, lo);
    mips_bnez(b, MIPS_AT, br);
    mips_slt(b, MIPS_AT, hi, r);
    mips_bnez(b, MIPS_AT, br);
    mips_nop(b);
    return true;
}

/*
 * smsw, sgdt, sidt, sldt, str at CPL 3 (user mode): on a CPU with UMIP, Linux emulates them with
 * fixed values (arch/x86/kernel/umip.c, as the reference machine shows): CR0 0x80050033 (PE, MP,
 * ET, NE, WP, AM, PG), descriptor tables with limit 0 at 0xfffe0000 (GDT) and 0xffff0000 (IDT),
 * no LDT, TR = 0x40. The high store of sgdt/sidt goes first, so a fault writes nothing.
 */
bool x86_translate_umip(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    unsigned id = dc->insn->id;
    int t = dc_temp(dc);
    if (id == X86_INS_SGDT || id == X86_INS_SIDT) {
        if (dc_op(dc, 0)->type != X86_OP_MEM)
            return false;
        int ea = gen_ea(dc, dc_op(dc, 0));
        mips_li32(b, t, id == X86_INS_SGDT ? 0xfffe0000u : 0xffff0000u);
        gen_st_off(dc, MO_32, t, ea, 2);
        gen_st_off(dc, MO_16, MIPS_ZERO, ea, 0);
        return true;
    }
    mips_li32(b, t, id == X86_INS_SMSW ? 0x80050033u : id == X86_INS_STR ? 0x40u : 0);
    gen_store_op(dc, 0, t);
    return true;
}

/* Instructions that need CPL 0 (or IOPL 3): #GP in Linux user space, i.e. SIGSEGV. */
bool x86_translate_privileged(DisasContext *dc)
{
    gen_exception(dc, EXCP_GP, false);
    return true;
}
