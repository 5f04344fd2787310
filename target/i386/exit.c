/*
 * Leaving a TB: chainable direct exits, indirect jumps through the jump cache, exceptions, and
 * calls to C helpers.
 *
 * A direct exit is
 *     j    stub          <- tb->jmp_insn[n]; chaining rewrites it to `j <target TB + 1 or 3 words>`
 *     lw   at, exit_request(env)   (the target's first instruction, see translate.h)
 *   stub:                <- tb->jmp_stub[n]
 *     eip = target; v0 = (tb index << TB_EXIT_BITS) | n; j epilogue
 * so an unchained exit costs a few instructions and a chained one a single jump. HREG_CC_OP is
 * synced before any exit because the next TB starts with cc_op unknown (CC_OP_DYNAMIC).
 */
#include "common/xqm.h"
#include "target/i386/internal.h"
#include "target/i386/translate.h"

/* exit_op: the lazy op HREG_CC_OP holds on the way out, or -1 if not known here. */
static int emit_direct_exit(DisasContext *dc, uint32_t target, int exit_op)
{
    struct mips_buf *b = dc->b;
    int n = dc->nexits++;
    xqm_assert(n < TB_MAX_EXITS);
    dc->tb->exit_cc[n] = exit_op >= 0 ? (uint8_t)exit_op : CC_OP_IN_REG;
    dc->tb->jmp_insn[n] = (uint16_t)b->len;
    /* Initially the j lands on the stub right after its delay slot. Chained, it enters the target
     * past its first word, which the delay slot does here (translate.h). */
    mips_j(b, (uint64_t)(uintptr_t)(b->words + b->len + 2));
    x86_emit_exit_request_load(b);
    dc->tb->jmp_stub[n] = (uint16_t)b->len;
    mips_li32(b, MIPS_AT, target);
    mips_sw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, eip));
    mips_li(b, MIPS_V0, (int64_t)((dc->tb->index << TB_EXIT_BITS) | (uint32_t)n));
    mips_j(b, host_epilogue_addr());
    mips_nop(b);
    return n;
}

/* The lazy op HREG_CC_OP holds right now, if the translator knows it. */
static int known_op(const DisasContext *dc)
{
    return dc->cc_op_synced && dc->cc_op != CC_OP_DYNAMIC ? dc->cc_op : -1;
}

void gen_goto_eip(DisasContext *dc, uint32_t target)
{
    /* When no successor reads the flags, HREG_CC_OP may keep an older op: the pair it forms with
     * the CC registers is still a valid lazy state, just one whose values nobody will look at. */
    if (dc->flags_live_after & CC_ALL)
        flags_sync(dc);
    emit_direct_exit(dc, target, known_op(dc));
    dc->tb_ended = true;
}

mips_label gen_deferred_exit(DisasContext *dc, uint32_t target)
{
    xqm_assert(dc->ndeferred < TB_MAX_EXITS);
    mips_label l = mips_new_label(dc->b);
    dc->deferred[dc->ndeferred].label = l;
    dc->deferred[dc->ndeferred].target = target;
    int sync_op = (dc->flags_live_after & CC_ALL) && !dc->cc_op_synced && dc->cc_op != CC_OP_DYNAMIC ? dc->cc_op : -1;
    dc->deferred[dc->ndeferred].sync_op = sync_op;
    dc->deferred[dc->ndeferred].exit_op = sync_op >= 0 ? sync_op : known_op(dc);
    dc->deferred[dc->ndeferred].guard = false;
    dc->ndeferred++;
    return l;
}

mips_label gen_cc_guard_exit(DisasContext *dc)
{
    mips_label l = gen_deferred_exit(dc, dc->tb->pc);
    dc->deferred[dc->ndeferred - 1].sync_op = -1;
    dc->deferred[dc->ndeferred - 1].exit_op = -1;
    dc->deferred[dc->ndeferred - 1].guard = true;
    return l;
}

void gen_goto_reg(DisasContext *dc, int reg)
{
    struct mips_buf *b = dc->b;
    /* HREG_CC_OP is synced on both paths below, in the jr's delay slot on a hit. */
    bool sync = !dc->cc_op_synced;
    xqm_assert(!sync || dc->cc_op >= 0);
    dc->cc_op_synced = true;
    if (dc->single_step) {
        /* Back to the exec loop, which raises the single-step trap (translate.h). */
        if (sync)
            mips_addiu(b, HREG_CC_OP, MIPS_ZERO, (int16_t)dc->cc_op);
        gen_exit_nochain_reg(dc, reg);
        dc->tb_ended = true;
        return;
    }
    /* Probe the jump cache: entry = jc[eip & (JC_SIZE - 1)] (tb.c uses the same index). A hit
     * jumps to the entry's code pointer: eight instructions, seven when gp holds env->jc
     * (ldst_jc_in_gp). Only a miss needs the eip in env; when
     * no cc_op sync needs the jr's delay slot, the store sits there (harmless on a hit) and doubles
     * as the miss path's first instruction. */
    int base = dc_temp(dc), idx = dc_temp(dc);
    int jc = HREG_GUEST_BASE;
    if (!ldst_jc_in_gp()) {
        mips_ld(b, base, HREG_ENV, offsetof(CPUX86State, jc));
        jc = base;
    }
    mips_dext(b, idx, reg, 0, JC_BITS);
    mips_dsll(b, idx, idx, 5);
    mips_daddu(b, idx, idx, jc);
    mips_lw(b, base, idx, offsetof(struct jc_entry, pc));
    mips_label miss = mips_new_label(b);
    mips_bne(b, base, reg, miss);
    mips_ld(b, idx, idx, offsetof(struct jc_entry, tc));        /* delay slot */
    mips_jr(b, idx);
    if (sync)
        mips_addiu(b, HREG_CC_OP, MIPS_ZERO, (int16_t)dc->cc_op);
    mips_bind_label(b, miss);
    if (sync)
        mips_addiu(b, HREG_CC_OP, MIPS_ZERO, (int16_t)dc->cc_op);
    gen_exit_nochain_reg(dc, reg);
    _Static_assert(sizeof(struct jc_entry) == 32, "jump cache entries are indexed with a shift by 5");
    dc->tb_ended = true;
}

void gen_ss_loaded(DisasContext *dc)
{
    if (!dc->single_step)
        return;
    mips_li(dc->b, MIPS_AT, 1);
    mips_sw(dc->b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, step_inhibit));
}

void gen_exit_nochain(DisasContext *dc)
{
    mips_j(dc->b, host_epilogue_addr());
    mips_li(dc->b, MIPS_V0, HOST_EXIT_NOCHAIN);
}

void gen_exit_nochain_reg(DisasContext *dc, int reg)
{
    mips_sw(dc->b, reg, HREG_ENV, offsetof(CPUX86State, eip));
    gen_exit_nochain(dc);
}

void gen_exit_nochain_pc(DisasContext *dc, uint32_t eip)
{
    mips_li32(dc->b, MIPS_AT, eip);
    gen_exit_nochain_reg(dc, MIPS_AT);
}

/* The caller has synced HREG_CC_OP for the path that reaches this exit. */
static void emit_exception_exit(DisasContext *dc, int excp, uint32_t eip, uint32_t next_eip)
{
    struct mips_buf *b = dc->b;
    mips_li32(b, MIPS_AT, eip);
    mips_sw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, eip));
    mips_li32(b, MIPS_AT, next_eip);
    mips_sw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, exception_next_eip));
    mips_li(b, MIPS_AT, excp);
    mips_sw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, exception_index));
    gen_exit_nochain(dc);
}

void gen_exception(DisasContext *dc, int excp, bool after)
{
    flags_sync(dc);
    emit_exception_exit(dc, excp, after ? dc->next_pc : dc->pc, dc->next_pc);
    dc->tb_ended = true;
}

mips_label gen_trap_label(DisasContext *dc, int excp)
{
    mips_label l = gen_exception_label(dc, excp);
    dc->ool[dc->nool - 1].pc = dc->next_pc;
    return l;
}

mips_label gen_exception_label(DisasContext *dc, int excp)
{
    xqm_assert(dc->nool < (int)(sizeof dc->ool / sizeof dc->ool[0]));
    /* The exit stores cc_op from HREG_CC_OP, so the register must be right on the branch path. */
    flags_sync(dc);
    mips_label l = mips_new_label(dc->b);
    dc->ool[dc->nool].label = l;
    dc->ool[dc->nool].excp = excp;
    dc->ool[dc->nool].pc = dc->pc;
    dc->ool[dc->nool].next_pc = dc->next_pc;
    dc->nool++;
    return l;
}

void gen_ool_exits(DisasContext *dc)
{
    for (int i = 0; i < dc->ndeferred; i++) {
        mips_bind_label(dc->b, dc->deferred[i].label);
        if (dc->deferred[i].sync_op >= 0)
            mips_li(dc->b, HREG_CC_OP, dc->deferred[i].sync_op);
        int n = emit_direct_exit(dc, dc->deferred[i].target, dc->deferred[i].exit_op);
        if (dc->deferred[i].guard)
            dc->tb->guard_exit = (uint8_t)n;
    }
    for (int i = 0; i < dc->nool; i++) {
        mips_bind_label(dc->b, dc->ool[i].label);
        emit_exception_exit(dc, dc->ool[i].excp, dc->ool[i].pc, dc->ool[i].next_pc);
    }
}

void gen_helper_call(DisasContext *dc, void *fn, bool sync_regs, int result, int arg1, int arg2, int arg3)
{
    struct mips_buf *b = dc->b;
    flags_sync(dc);
    mips_sd(b, HREG_CC_RES, HREG_ENV, offsetof(CPUX86State, cc_res));
    mips_sd(b, HREG_CC_SRC1, HREG_ENV, offsetof(CPUX86State, cc_src1));
    mips_sd(b, HREG_CC_SRC2, HREG_ENV, offsetof(CPUX86State, cc_src2));
    mips_sw(b, HREG_CC_OP, HREG_ENV, offsetof(CPUX86State, cc_op));
    uint32_t live = dc->temps_used;
    for (int r = 0; r < 32; r++) {
        if (live & (1u << r))
            mips_sd(b, r, HREG_ENV, (int16_t)(offsetof(CPUX86State, spill) + 8 * r));
    }
    /* Arguments come from their spill slot when they are temporaries, so that moving one into a1..a3
     * cannot clobber another still to be read. */
    const int args[3] = { arg1, arg2, arg3 };
    for (int i = 0; i < 3; i++) {
        if (args[i] < 0)
            continue;
        if (live & (1u << args[i]))
            mips_ld(b, MIPS_A1 + i, HREG_ENV, (int16_t)(offsetof(CPUX86State, spill) + 8 * args[i]));
        else
            mips_move(b, MIPS_A1 + i, args[i]);
    }
    if (sync_regs) {
        for (int r = 0; r < 8; r++)
            mips_sw(b, hreg_guest(r), HREG_ENV, (int16_t)(offsetof(CPUX86State, regs) + 4 * r));
        mips_li32(b, MIPS_AT, dc->pc);
        mips_sw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, eip));
    }
    /* n64 calls go through t9: callees derive their gp from it. */
    mips_li(b, MIPS_T9, (int64_t)(uintptr_t)fn);
    mips_jalr(b, MIPS_T9);
    mips_move(b, MIPS_A0, HREG_ENV);
    if (result >= 0)
        mips_move(b, result, MIPS_V0);
    if (sync_regs) {
        for (int r = 0; r < 8; r++)
            mips_lw(b, hreg_guest(r), HREG_ENV, (int16_t)(offsetof(CPUX86State, regs) + 4 * r));
    }
    for (int r = 0; r < 32; r++) {
        if ((live & (1u << r)) && r != result)
            mips_ld(b, r, HREG_ENV, (int16_t)(offsetof(CPUX86State, spill) + 8 * r));
    }
    mips_ld(b, HREG_CC_RES, HREG_ENV, offsetof(CPUX86State, cc_res));
    mips_ld(b, HREG_CC_SRC1, HREG_ENV, offsetof(CPUX86State, cc_src1));
    mips_ld(b, HREG_CC_SRC2, HREG_ENV, offsetof(CPUX86State, cc_src2));
    mips_lw(b, HREG_CC_OP, HREG_ENV, offsetof(CPUX86State, cc_op));
}
