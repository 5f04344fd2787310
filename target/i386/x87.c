/*
 * Translating x87 instructions: every one becomes a call of a C helper (x87_helper.c and
 * friends) chosen by the opcode map in x87_table.c, with the memory operand moved between guest
 * memory and env->fpbuf by translated code around the call.
 *
 * Emitted for one instruction, in order:
 *   1. waiting instructions: #MF if an unmasked exception is pending (FSW.ES, SDM vol. 1, 8.6);
 *   2. FIP/FOP (and FDP for memory forms) for fnstenv & co., unless a control instruction;
 *   3. loads of the memory operand into fpbuf (a fault here leaves the FPU untouched);
 *   4. the helper call;
 *   5. stores from fpbuf (skipped when the helper says an unmasked exception forbids them), and
 *      the pop of fstp & co. after the store, so a faulting store does not pop.
 * Decoding uses the opcode and modrm bytes rather than capstone's operand list, whose forms for
 * the x87 are irregular; capstone still supplies the memory operand's address.
 */
#include <string.h>

#include "target/i386/internal.h"
#include "target/i386/fpu.h"

#define ENV_OFF(field) ((int16_t)offsetof(CPUX86State, field))

/*
 * Exception exits shared by all FPU/SIMD instructions of a TB. A TB can hold dozens of x87 or SSE
 * instructions, each of which may raise #MF, #XM or #GP, too many for per-instruction out-of-line
 * exits; instead each raise site branches, with the guest eip in AT, to one small stub per
 * exception number:
 *     stub: eip = at; exception_index = excp; error_code = 0; leave with HOST_EXIT_NOCHAIN.
 * The stub is emitted inline the first time a TB needs it (jumped over), and found again by its
 * label for the following sites; the cache is checked against the buffer's contents, so a stale
 * entry from an earlier translation is never used.
 */
enum { STUB_WORDS = 8 };
static struct {
    const uint32_t *words;
    mips_label label;
    int32_t pos;
    uint32_t copy[STUB_WORDS];
} stub_cache[4];

static int stub_slot(int excp)
{
    return excp == EXCP_MF ? 0 : excp == EXCP_XM ? 1 : excp == EXCP_GP ? 2 : 3;
}

static mips_label exception_stub(DisasContext *dc, int excp)
{
    struct mips_buf *b = dc->b;
    int slot = stub_slot(excp);
    if (stub_cache[slot].words == b->words && stub_cache[slot].label < b->nlabels &&
        b->label_pos[stub_cache[slot].label] == stub_cache[slot].pos &&
        (size_t)stub_cache[slot].pos + STUB_WORDS <= b->len &&
        !memcmp(b->words + stub_cache[slot].pos, stub_cache[slot].copy, sizeof stub_cache[slot].copy))
        return stub_cache[slot].label;
    mips_label skip = mips_new_label(b), stub = mips_new_label(b);
    mips_b(b, skip);
    mips_nop(b);
    mips_bind_label(b, stub);
    size_t start = b->len;
    mips_sw(b, MIPS_AT, HREG_ENV, ENV_OFF(eip));
    mips_sw(b, MIPS_ZERO, HREG_ENV, ENV_OFF(error_code));
    mips_ori(b, MIPS_AT, MIPS_ZERO, (uint16_t)excp);
    mips_sw(b, MIPS_AT, HREG_ENV, ENV_OFF(exception_index));
    mips_j(b, host_epilogue_addr());
    mips_ori(b, MIPS_V0, MIPS_ZERO, HOST_EXIT_NOCHAIN);
    while (b->len < start + STUB_WORDS)
        mips_nop(b);
    mips_bind_label(b, skip);
    if (!b->overflow) {
        stub_cache[slot].words = b->words;
        stub_cache[slot].label = stub;
        stub_cache[slot].pos = (int32_t)start;
        memcpy(stub_cache[slot].copy, b->words + start, sizeof stub_cache[slot].copy);
    }
    return stub;
}

void gen_fpu_exception_if(DisasContext *dc, int excp, int reg)
{
    struct mips_buf *b = dc->b;
    flags_sync(dc);         /* the stub leaves through the epilogue, which saves HREG_CC_OP */
    mips_label stub = exception_stub(dc, excp);
    mips_lui(b, MIPS_AT, (uint16_t)(dc->pc >> 16));
    mips_bnez(b, reg, stub);
    mips_ori(b, MIPS_AT, MIPS_AT, (uint16_t)dc->pc);
}

void gen_fpu_pending_check(DisasContext *dc, int excp)
{
    int t = dc_temp(dc);
    mips_lhu(dc->b, t, HREG_ENV, ENV_OFF(fpus));
    mips_andi(dc->b, t, t, FSW_ES);
    gen_fpu_exception_if(dc, excp, t);
    dc_temp_free(dc, t);
}

const cs_x86_op *dc_mem_operand(const DisasContext *dc)
{
    for (int i = 0; i < dc->x86->op_count; i++) {
        if (dc->x86->operands[i].type == X86_OP_MEM)
            return &dc->x86->operands[i];
    }
    return NULL;
}

/* Moves `size` bytes between guest memory at addr and env->fpbuf (to_env: a load), of an operand
 * `span` bytes long. */
void gen_fpbuf_copy(DisasContext *dc, int addr, int size, int span, bool to_env)
{
    /* The 512-byte image is fxsave/fxrstor's, which the CPU checks from its last byte. */
    if (span > 16)
        gen_env_mem_area(dc, addr, (int16_t)ENV_OFF(fpbuf), size, span, to_env, span == 512);
    else
        gen_env_mem_copy(dc, addr, (int16_t)ENV_OFF(fpbuf), size, to_env, false);
}

/* Calls fn(env, arg, arg2_reg) with a constant arg; result in `result` unless -1. */
void gen_fpu_call(DisasContext *dc, fpu_helper_fn fn, int result, uint32_t arg, int arg2_reg)
{
    int a = dc_temp(dc);
    mips_li(dc->b, a, arg);
    gen_helper_call(dc, (void *)fn, false, result, a, arg2_reg, -1);
    dc_temp_free(dc, a);
}

/* result = helper(arg) (result -1: none), first through its leaf fast path if it has one
 * (x87_fast_entry): the general helper runs only when that declines (X87_FAST_DECLINED, the only
 * negative value either returns). */
static void gen_fpu_call_fast_first(DisasContext *dc, fpu_helper_fn helper, uint32_t arg, int result)
{
    fpu_helper_fn fast = x87_fast_entry(helper, arg);
    if (!fast) {
        gen_fpu_call(dc, helper, result, arg, -1);
        return;
    }
    mips_label done = mips_new_label(dc->b);
    int t = result >= 0 ? result : dc_temp(dc);
    gen_fpu_call(dc, fast, t, arg, -1);
    mips_bgez(dc->b, t, done);
    mips_nop(dc->b);
    if (result < 0)
        dc_temp_free(dc, t);
    gen_fpu_call(dc, helper, result, arg, -1);
    mips_bind_label(dc->b, done);
}

/* The inline pop: tag ST(0) empty, TOP + 1. */
static void gen_pop(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int top = dc_temp(dc), p = dc_temp(dc), one = dc_temp(dc);
    mips_lw(b, top, HREG_ENV, ENV_OFF(fpstt));
    mips_daddu(b, p, HREG_ENV, top);
    mips_li(b, one, 1);
    mips_sb(b, one, p, ENV_OFF(fptag_empty));
    mips_addiu(b, top, top, 1);
    mips_andi(b, top, top, 7);
    mips_sw(b, top, HREG_ENV, ENV_OFF(fpstt));
    dc_temp_free(dc, top);
    dc_temp_free(dc, p);
    dc_temp_free(dc, one);
}

static void gen_record_fip(DisasContext *dc, uint8_t opcode, uint8_t modrm, int addr)
{
    struct mips_buf *b = dc->b;
    mips_li32(b, MIPS_AT, dc->pc);
    mips_sw(b, MIPS_AT, HREG_ENV, ENV_OFF(fpip));
    mips_li(b, MIPS_AT, (opcode & 7) << 8 | modrm);
    mips_sh(b, MIPS_AT, HREG_ENV, ENV_OFF(fpop));
    if (addr >= 0)
        mips_sw(b, addr, HREG_ENV, ENV_OFF(fpdp));
}

bool x86_translate_x87(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    uint8_t opcode = dc->x86->opcode[0], modrm = dc->x86->modrm;
    if (opcode == 0x9b) {       /* fwait */
        gen_fpu_pending_check(dc, EXCP_MF);
        return true;
    }
    if (opcode < 0xd8 || opcode > 0xdf)
        return false;
    const struct x87_op *op = x87_decode(opcode, modrm);
    if (op->kind == XK_INVALID)
        return false;
    bool op16 = dc_op16(dc);        /* the 14- or 28-byte environment of fnstenv/fldenv */
    uint32_t arg = op->arg | ((op->flags & XKF_STI) ? (modrm & 7u) << 3 : 0);
    int addr = -1;
    if (modrm < 0xc0) {
        const cs_x86_op *m = dc_mem_operand(dc);
        if (!m)
            return false;
        addr = gen_ea(dc, m);
    }
    if (op->flags & XKF_WAIT)
        gen_fpu_pending_check(dc, EXCP_MF);
    if (!(op->flags & XKF_CTRL))
        gen_record_fip(dc, opcode, modrm, addr);

    int size = op->size;
    if (op->kind == XK_ENV_LOAD || op->kind == XK_ENV_STORE)
        size = op16 ? size - 14 : size;         /* 28 -> 14, 108 -> 94 */
    /* Temporaries are taken only where used: every one live across the helper call costs a
     * spill and a reload. */
    switch (op->kind) {
    case XK_LOAD:
        gen_fpbuf_copy(dc, addr, size, size, true);
        dc_temp_free(dc, addr);             /* a temporary or a guest register (a no-op then) */
        gen_fpu_call_fast_first(dc, op->helper, arg, -1);
        break;
    case XK_ENV_LOAD: {
        gen_fpbuf_copy(dc, addr, size, size, true);
        dc_temp_free(dc, addr);
        int a2 = dc_temp(dc);
        mips_li(b, a2, op16);
        gen_fpu_call(dc, op->helper, -1, 0, a2);
        break;
    }
    case XK_ENV_STORE: {
        int a2 = dc_temp(dc);
        mips_li(b, a2, op16);
        gen_fpu_call(dc, op->helper, -1, 0, a2);
        dc_temp_free(dc, a2);
        gen_fpbuf_copy(dc, addr, size, size, false);
        break;
    }
    case XK_STORE: {
        mips_label skip = mips_new_label(b);
        int t = dc_temp(dc);
        gen_fpu_call_fast_first(dc, op->helper, arg, t);
        mips_bnez(b, t, skip);
        mips_nop(b);
        dc_temp_free(dc, t);
        gen_fpbuf_copy(dc, addr, size, size, false);
        if (op->flags & XKF_POP)
            gen_pop(dc);
        mips_bind_label(b, skip);
        break;
    }
    case XK_CALL:
        gen_fpu_call_fast_first(dc, op->helper, arg, -1);
        break;
    case XK_FNSTSW_AX: {
        int t = dc_temp(dc);
        gen_fpu_call(dc, op->helper, t, 0, -1);
        gen_write_gpr(dc, R_EAX, 0, 2, t);
        break;
    }
    case XK_FCOMI: {
        int t = dc_temp(dc);
        gen_fpu_call_fast_first(dc, op->helper, arg, t);
        flags_set(dc, CC_ALL, CC_OP_EFLAGS, MIPS_ZERO, t, MIPS_ZERO);
        break;
    }
    case XK_FCMOV: {
        int a2 = dc_temp(dc);
        flags_emit_cond(dc, op->arg2, a2);
        gen_fpu_call(dc, op->helper, -1, arg, a2);
        break;
    }
    default:        /* XK_WAIT, XK_NOP: the check above was all */
        break;
    }
    return true;
}
