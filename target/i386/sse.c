/*
 * Translating MMX, SSE and SSE2 instructions, decoded from their bytes through the opcode map in
 * sse_table.c. Moves are emitted inline (ld/sd between guest memory and the registers in env);
 * everything else calls a helper (sse_helper.c, mmx_helper.c) on the registers in env, with a
 * memory operand first copied to env->fpbuf.
 *
 * Per instruction, in order: an MMX instruction first raises #MF for a pending x87 exception;
 * a 16-byte memory operand of a legacy SSE instruction other than the unaligned moves must be
 * aligned (#GP, which Linux reports as SIGSEGV, SDM vol. 2, 2.4); the memory operand is read;
 * an MMX instruction puts the x87 unit in MMX state (TOP = 0, all registers valid, SDM vol. 1,
 * 9.5.1) and gives the MMX register it writes an all-ones exponent; then the operation, whose
 * helper may report #XM (nothing was written then).
 */
#include <string.h>

#include "target/i386/internal.h"
#include "target/i386/fpu.h"

#define ENV_OFF(field) ((int16_t)offsetof(CPUX86State, field))

_Static_assert(offsetof(CPUX86State, fptag_empty) % 8 == 0, "fptag_empty is cleared with one sd");
_Static_assert(offsetof(CPUX86State, xmm) % 8 == 0 && offsetof(CPUX86State, fpbuf) % 8 == 0,
               "XMM registers and fpbuf are accessed with ld/sd");

struct sse_insn {
    const struct sse_op *op;
    int reg, rm;            /* modrm fields */
    bool mem;               /* rm is a memory operand */
    bool mmx;               /* an MMX register is involved */
    uint8_t imm;
    int addr;               /* host register with the guest address of the memory operand */
};

static int16_t reg_off(int cls, int i)
{
    if (cls == OC_MMX)
        return (int16_t)(offsetof(CPUX86State, fpregs) + 16 * (size_t)i);
    return (int16_t)(offsetof(CPUX86State, xmm) + 16 * (size_t)i);
}

static int reg_width(int cls)
{
    return cls == OC_MMX ? 8 : 16;
}

/* The mandatory prefix: F3 or F2 (the last one) over 66 (SDM vol. 2, 2.1.2). */
static int mandatory_prefix(const DisasContext *dc, int *opcode_at)
{
    int pfx = 0;
    bool opsize = false;
    for (int i = 0; i < dc->insn->size; i++) {
        uint8_t byte = dc->insn->bytes[i];
        if (byte == 0x0f) {
            *opcode_at = i + 1;
            break;
        }
        if (byte == 0xf3)
            pfx = 2;
        else if (byte == 0xf2)
            pfx = 3;
        else if (byte == 0x66)
            opsize = true;
    }
    return pfx ? pfx : opsize ? 1 : 0;
}

static void gen_mmx_enter(DisasContext *dc)
{
    mips_sw(dc->b, MIPS_ZERO, HREG_ENV, ENV_OFF(fpstt));
    mips_sd(dc->b, MIPS_ZERO, HREG_ENV, ENV_OFF(fptag_empty));
}

/* An MMX register just written: its exponent field reads as all ones. */
static void gen_mmx_written(DisasContext *dc, int i)
{
    mips_addiu(dc->b, MIPS_AT, MIPS_ZERO, -1);
    mips_sh(dc->b, MIPS_AT, HREG_ENV, (int16_t)(offsetof(CPUX86State, fpregs) + 16 * (size_t)i + 8));
}

static void gen_align_check(DisasContext *dc, int addr)
{
    int t = dc_temp(dc);
    mips_andi(dc->b, t, addr, 15);
    gen_fpu_exception_if(dc, EXCP_GP, t);
    dc_temp_free(dc, t);
}

void gen_sse_call(DisasContext *dc, sse_helper_fn fn, int result, uint32_t dst, int src_reg, uint32_t src,
                         uint32_t aux)
{
    struct mips_buf *b = dc->b;
    int d = dc_temp(dc), a = dc_temp(dc), s = src_reg;
    mips_li(b, d, dst);
    mips_li(b, a, aux);
    if (s < 0) {
        s = dc_temp(dc);
        mips_li(b, s, src);
    }
    gen_helper_call(dc, (void *)fn, false, result, d, s, a);
    if (src_reg < 0)
        dc_temp_free(dc, s);
    dc_temp_free(dc, d);
    dc_temp_free(dc, a);
}

/* Copies n bytes between env locations (offsets) through a temporary. */
static void gen_env_copy(DisasContext *dc, int16_t dst, int16_t src, int n)
{
    int t = dc_temp(dc);
    for (int off = 0; off < n; off += n - off >= 8 ? 8 : 4) {
        bool q = n - off >= 8;
        (q ? mips_ld : mips_lw)(dc->b, t, HREG_ENV, (int16_t)(src + off));
        (q ? mips_sd : mips_sw)(dc->b, t, HREG_ENV, (int16_t)(dst + off));
    }
    dc_temp_free(dc, t);
}

/* Clears bytes [0, width) of register dst outside [keep, keep + n). */
static void gen_zero_rest(DisasContext *dc, int16_t dst, int width, int keep, int n)
{
    for (int off = 0; off < width; off += 4) {
        if (off >= keep && off < keep + n)
            continue;
        if (off % 8 == 0 && off + 8 <= width && !(off + 4 >= keep && off + 4 < keep + n)) {
            mips_sd(dc->b, MIPS_ZERO, HREG_ENV, (int16_t)(dst + off));
            off += 4;
        } else {
            mips_sw(dc->b, MIPS_ZERO, HREG_ENV, (int16_t)(dst + off));
        }
    }
}

/* Guest memory <-> env, n = 4, 8 or 16 bytes. */
static void gen_mem_copy(DisasContext *dc, int addr, int16_t env_off, int n, bool to_env, bool aligned)
{
    gen_env_mem_copy(dc, addr, env_off, n, to_env, aligned);
}

static bool gen_mov(DisasContext *dc, const struct sse_insn *in)
{
    const struct sse_op *op = in->op;
    int n = op->arg & SM_BYTES, doff = (op->arg >> SM_DST_SHIFT) & 15, soff = (op->arg >> SM_SRC_SHIFT) & 15;
    bool store = op->flags & SF_STORE, aligned = op->flags & SF_ALIGN;
    /* Destination and source: class and index, or memory. */
    int dcls = store ? op->rm : op->reg, di = store ? in->rm : in->reg;
    int scls = store ? op->reg : op->rm, si = store ? in->reg : in->rm;
    bool dmem = store && in->mem, smem = !store && in->mem;
    bool zero = (op->arg & SM_ZERO) || ((op->arg & SM_ZERO_MEM) && smem);
    struct mips_buf *b = dc->b;
    if (dmem && scls == OC_GPR) {                       /* movnti, movd m32, r32 */
        gen_st_off(dc, MO_32, hreg_guest(si), in->addr, 0);
        return true;
    }
    if (dmem) {
        gen_mem_copy(dc, in->addr, (int16_t)(reg_off(scls, si) + soff), n, false, aligned);
        return true;
    }
    if (dcls == OC_GPR) {                               /* movd r32, xmm/mm */
        int t = dc_temp(dc);
        mips_lw(b, t, HREG_ENV, reg_off(scls, si));
        gen_write_gpr(dc, di, 0, 4, t);
        return true;
    }
    int16_t dst = reg_off(dcls, di);
    if (smem) {
        gen_mem_copy(dc, in->addr, (int16_t)(dst + doff), n, true, aligned);
    } else if (scls == OC_GPR) {
        mips_sw(b, hreg_guest(si), HREG_ENV, dst);
    } else {
        gen_env_copy(dc, (int16_t)(dst + doff), (int16_t)(reg_off(scls, si) + soff), n);
    }
    if (zero)
        gen_zero_rest(dc, dst, reg_width(dcls), doff, n);
    if (dcls == OC_MMX)
        gen_mmx_written(dc, di);
    return true;
}

bool x86_translate_sse(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int at = -1;
    int pfx = mandatory_prefix(dc, &at);
    if (at < 0 || at >= dc->insn->size)
        return false;
    uint8_t opcode = dc->insn->bytes[at];
    uint8_t modrm = dc->x86->modrm;
    struct sse_insn in = { .op = sse_decode(pfx, opcode, modrm), .reg = (modrm >> 3) & 7, .rm = modrm & 7,
                           .mem = modrm < 0xc0, .addr = -1 };
    const struct sse_op *op = in.op;
    if (op->kind == SK_INVALID)
        return false;
    if (op->kind == SK_EMMS || op->kind == SK_FENCE)
        in.mem = false;
    in.mmx = op->reg == OC_MMX || (op->rm == OC_MMX && !in.mem);
    if (op->flags & SF_IMM)
        in.imm = dc->insn->bytes[dc->insn->size - 1];
    if (in.mem) {
        const cs_x86_op *m = dc_mem_operand(dc);
        if (!m)
            return false;
        in.addr = gen_ea(dc, m);
    }

    /* Checks that may fault come first, so a fault changes nothing. */
    if (in.mmx || op->kind == SK_EMMS)
        gen_fpu_pending_check(dc, EXCP_MF);
    if (in.mem && ((op->flags & SF_ALIGN) || op->kind == SK_FXSAVE || op->kind == SK_FXRSTOR))
        gen_align_check(dc, in.addr);
    if (in.mmx)
        gen_mmx_enter(dc);

    int16_t src = in.mem ? ENV_OFF(fpbuf) : reg_off(op->rm, in.rm);
    int16_t dst = reg_off(op->reg, in.reg);
    uint32_t aux = op->arg | (uint32_t)in.imm << SA_IMM_SHIFT;
    int t = dc_temp(dc);
    switch (op->kind) {
    case SK_MOV:
        return gen_mov(dc, &in);
    case SK_OP:
        if (op->helper == helper_simd_int &&
            gen_sse_inline(dc, op->arg & 0xff, (op->arg & SA_XMM) ? 16 : 8, dst, src, in.addr,
                           op->flags & SF_ALIGN)) {
            if (op->reg == OC_MMX)
                gen_mmx_written(dc, in.reg);
            break;
        }
        if (op->helper == helper_sse_fp && gen_sse_fp_inline(dc, aux, dst, src, in.addr))
            break;
        if (op->helper == helper_sse_cvt && op->reg == OC_XMM && op->rm == OC_XMM &&
            gen_sse_cvt_xmm_inline(dc, aux, dst, src, in.addr))
            break;
        /* fall through */
    case SK_OP_RM:
        if (in.mem)
            gen_mem_copy(dc, in.addr, ENV_OFF(fpbuf), op->msize, true, op->flags & SF_ALIGN);
        if (op->kind == SK_OP_RM)
            dst = reg_off(op->rm, in.rm);
        gen_sse_call(dc, op->helper, t, (uint32_t)dst, -1, (uint32_t)src, aux);
        if (op->flags & SF_XM)
            gen_fpu_exception_if(dc, EXCP_XM, t);
        if (op->kind == SK_OP && op->reg == OC_MMX)
            gen_mmx_written(dc, in.reg);
        if (op->kind == SK_OP_RM && op->rm == OC_MMX)
            gen_mmx_written(dc, in.rm);
        break;
    case SK_COMIS:
        gen_sse_comis_inline(dc, aux, dst, src, in.addr, t);
        flags_set(dc, CC_ALL, CC_OP_EFLAGS, MIPS_ZERO, t, MIPS_ZERO);
        break;
    case SK_GPR_OUT:
        if ((op->arg & 0xff) == SI_PMOVMSKB && op->helper == helper_simd_int) {
            gen_pmovmskb(dc, (op->arg & SA_XMM) ? 16 : 8, src, t);
            gen_write_gpr(dc, in.reg, 0, 4, t);
            break;
        }
        if (op->helper == helper_sse_cvt && gen_sse_cvt_gpr_inline(dc, aux, src, in.addr, t)) {
            gen_write_gpr(dc, in.reg, 0, 4, t);
            break;
        }
        if (in.mem)
            gen_mem_copy(dc, in.addr, ENV_OFF(fpbuf), op->msize, true, false);
        gen_sse_call(dc, op->helper, t, 0, -1, (uint32_t)src, aux);
        if (op->flags & SF_XM) {
            int x = dc_temp(dc);
            mips_dsrl(b, x, t, 63);
            gen_fpu_exception_if(dc, EXCP_XM, x);
        }
        mips_sll(b, t, t, 0);
        gen_write_gpr(dc, in.reg, 0, 4, t);
        break;
    case SK_GPR_IN: {
        int v = in.mem ? t : hreg_guest(in.rm);
        if (in.mem)
            gen_ld_off(dc, op->msize == 2 ? MO_16 : MO_32, t, in.addr, 0);
        if (op->helper == helper_sse_cvt && gen_sse_cvt_inline(dc, aux, dst, v))
            break;
        gen_sse_call(dc, op->helper, t, (uint32_t)dst, v, 0, aux);
        if (op->flags & SF_XM)
            gen_fpu_exception_if(dc, EXCP_XM, t);
        if (op->reg == OC_MMX)
            gen_mmx_written(dc, in.reg);
        break;
    }
    case SK_LDMXCSR:
    case SK_FXRSTOR:
        gen_fpbuf_copy(dc, in.addr, op->kind == SK_LDMXCSR ? 4 : 512, op->kind == SK_LDMXCSR ? 4 : 512, true);
        gen_sse_call(dc, op->helper, t, 0, -1, 0, 0);
        gen_fpu_exception_if(dc, EXCP_GP, t);
        break;
    case SK_STMXCSR:
        mips_lw(b, t, HREG_ENV, ENV_OFF(mxcsr));
        gen_st_off(dc, MO_32, t, in.addr, 0);
        break;
    case SK_FXSAVE:
        /* Only bytes 0..287 are written: 288..415 (XMM8-15 in 64-bit mode) are left alone
         * outside 64-bit mode by the reference CPU, and 416..511 are software's; all 512 are
         * checked for access first. */
        gen_sse_call(dc, op->helper, -1, 0, -1, 0, 0);
        gen_fpbuf_copy(dc, in.addr, 288, 512, false);
        break;
    case SK_FENCE:
        mips_sync(b);
        break;
    case SK_EMMS:
        /* Every register empty; the reference CPU also clears TOP (SDM vol. 2, EMMS, only
         * mentions the tags). */
        mips_sw(b, MIPS_ZERO, HREG_ENV, ENV_OFF(fpstt));
        mips_li(b, t, 0x0101010101010101ll);
        mips_sd(b, t, HREG_ENV, ENV_OFF(fptag_empty));
        break;
    case SK_MASKMOV: {
        int n = reg_width(op->reg);
        int edi = hreg_guest(R_EDI);
        gen_mem_copy(dc, edi, ENV_OFF(fpbuf), n, true, false);
        gen_sse_call(dc, op->helper, -1, (uint32_t)dst, -1, (uint32_t)reg_off(op->rm, in.rm), aux);
        gen_mem_copy(dc, edi, ENV_OFF(fpbuf), n, false, false);
        break;
    }
    default:        /* SK_NOP */
        break;
    }
    return true;
}
