/*
 * String instructions: movs, stos, lods, cmps, scas, each with or without rep/repe/repne.
 *
 * The loop runs in translated code and updates esi/edi/ecx in their pinned registers on every
 * iteration, so a fault in the middle leaves exactly the architectural state of a partially
 * completed rep (SDM vol. 2, REP: the registers reflect the iterations done). The direction comes
 * from env->df (+1/-1) scaled by the element size. A rep loop is interruptible: each iteration
 * looks at env->exit_request (read in the back-edge's delay slot) and leaves with eip still at the
 * instruction, so a signal is taken mid-rep and the instruction then resumes with the remaining
 * count, as on hardware (SDM vol. 2, REP: "the instruction is restarted").
 * 16-bit addressing (si, di, cx) is translated in not-flat TBs only, where every access wraps its
 * offset; 0x67 in flat 32-bit code stays untranslated (#UD).
 * Segment overrides apply to the source (ds:esi) only, as on hardware; es:edi cannot be overridden.
 */
#include "target/i386/internal.h"
#include "target/i386/fpu.h"

enum str_kind { STR_MOVS, STR_STOS, STR_LODS, STR_CMPS, STR_SCAS };

/* Both operands of every string instruction have the element size (capstone lists the implicit
 * accumulator and memory operands). */
static int element_size(const DisasContext *dc)
{
    int size = dc->x86->op_count > 0 ? dc->x86->operands[0].size : 0;
    /* Capstone 4.0.2 ignores an operand-size prefix placed before rep (66 f3 ab is decoded as
     * rep stosd, though it records the 66): in 32-bit code 66 always means 16-bit elements. */
    if (size == 4 && dc->x86->prefix[2] == X86_PREFIX_OPSIZE && !dc->code16)
        size = 2;
    return size;
}

/* Host register with the source address ds:esi (plus an FS/GS base when overridden). */
static int source_address(DisasContext *dc, int src_op)
{
    const cs_x86_op *op = dc_op(dc, src_op);
    int esi = hreg_guest(R_ESI);
    if (dc->not_flat) {
        static const struct { unsigned reg; int seg; } segs[] = {
            { X86_REG_ES, R_ES }, { X86_REG_CS, R_CS }, { X86_REG_SS, R_SS }, { X86_REG_FS, R_FS }, { X86_REG_GS, R_GS },
        };
        int seg = R_DS;
        for (size_t i = 0; op->type == X86_OP_MEM && i < sizeof segs / sizeof segs[0]; i++) {
            if (op->mem.segment == segs[i].reg)
                seg = segs[i].seg;
        }
        dc_access_seg(dc, seg, dc->x86->addr_size == 2);
        return esi;
    }
    if (op->type == X86_OP_MEM && (op->mem.segment == X86_REG_FS || op->mem.segment == X86_REG_GS)) {
        int seg = op->mem.segment == X86_REG_FS ? R_FS : R_GS;
        int t = dc_temp(dc);
        mips_lw(dc->b, t, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + seg * sizeof(struct x86_segment) +
                                              offsetof(struct x86_segment, base)));
        mips_addu(dc->b, t, t, esi);
        return t;
    }
    return esi;
}

/* The es:edi side. */
static int dest_address(DisasContext *dc)
{
    dc_access_seg(dc, R_ES, dc->x86->addr_size == 2);
    return hreg_guest(R_EDI);
}

/* reg += delta, on the low 16 bits only with 16-bit addressing. */
static void add_index(DisasContext *dc, bool addr16, int reg, int delta_reg, int16_t delta_imm)
{
    int dst = addr16 ? MIPS_AT : reg;
    if (delta_reg >= 0)
        mips_addu(dc->b, dst, reg, delta_reg);
    else
        mips_addiu(dc->b, dst, reg, delta_imm);
    if (addr16)
        mips_ins(dc->b, reg, MIPS_AT, 0, 16);
}

/*
 * rep movs / rep stos with DF = 0 in flat code: 8 bytes per iteration (a ldr/ldl, sdr/sdl pair),
 * esi/edi/ecx advanced after every 8-byte store, so a fault leaves the registers of the element-wise
 * loop at that point. Each chunk stays inside one 4 KiB page on both sides: such an access faults
 * exactly when its first byte does (protections are per page), at the same address and register
 * state as the element-wise loop. A forward copy with 0 < edi - esi < 8 reads bytes the element
 * loop would already have written, so it and the tail (fewer than 8 bytes, or a page end within 8
 * bytes) take the element-wise loop. Returns to `top` after each chunk, which looks at
 * exit_request: a pending signal waits at most one page.
 * Registers: `units` and `lim` are scratch, `data` holds the loaded/replicated value.
 */
static void gen_rep_bulk(DisasContext *dc, enum str_kind k, int log2, int step, int request, mips_label top,
                         mips_label done, int data, int units, int lim)
{
    struct mips_buf *b = dc->b;
    int esi = hreg_guest(R_ESI), edi = hreg_guest(R_EDI), ecx = hreg_guest(R_ECX), eax = hreg_guest(R_EAX);
    mips_label slow = mips_new_label(b), loop = mips_new_label(b);
    mips_blez(b, step, slow);
    mips_srl(b, units, ecx, 3 - log2);
    mips_beqz(b, units, slow);
    int sides[2] = { edi, esi };
    for (int i = 0; i < (k == STR_MOVS ? 2 : 1); i++) {
        mips_andi(b, lim, sides[i], 0xfff);
        mips_subu(b, lim, MIPS_ZERO, lim);
        mips_addiu(b, lim, lim, 4096);
        mips_srl(b, lim, lim, 3);
        mips_sltu(b, MIPS_AT, lim, units);
        mips_movn(b, units, lim, MIPS_AT);
    }
    if (k == STR_MOVS) {
        mips_subu(b, lim, edi, esi);
        mips_addiu(b, lim, lim, -1);
        mips_sltiu(b, MIPS_AT, lim, 7);
        mips_bnez(b, MIPS_AT, slow);
        mips_nop(b);
    } else {
        /* The stored element replicated over 64 bits. */
        if (log2 == 2) {
            mips_move(b, data, eax);
        } else {
            mips_andi(b, data, eax, log2 == 0 ? 0xff : 0xffff);
            if (log2 == 0) {
                mips_sll(b, MIPS_AT, data, 8);
                mips_or(b, data, data, MIPS_AT);
            }
            mips_sll(b, MIPS_AT, data, 16);
            mips_or(b, data, data, MIPS_AT);
        }
        mips_dins(b, data, data, 32, 32);
    }
    mips_beqz(b, units, slow);
    mips_nop(b);
    mips_bind_label(b, loop);
    if (k == STR_MOVS)
        gen_ld(dc, MO_64, data, esi);
    gen_st(dc, MO_64, data, edi);
    if (k == STR_MOVS)
        mips_addiu(b, esi, esi, 8);
    mips_addiu(b, edi, edi, 8);
    mips_addiu(b, units, units, -1);
    mips_bnez(b, units, loop);
    mips_addiu(b, ecx, ecx, (int16_t)-(8 >> log2));
    mips_beqz(b, ecx, done);
    mips_nop(b);
    mips_b(b, top);
    mips_lw(b, request, HREG_ENV, offsetof(CPUX86State, exit_request));
    mips_bind_label(b, slow);
}

/*
 * The delay slot of a rep loop's back edge: whether to leave before the next iteration, with eip
 * at the instruction. Single-stepping leaves after every iteration: the single-step trap comes
 * after each one (SDM vol. 3, 17.3.1.4), with eip still at the rep instruction.
 */
static void gen_rep_request(DisasContext *dc, int request)
{
    if (dc->single_step)
        mips_ori(dc->b, request, MIPS_ZERO, 1);
    else
        mips_lw(dc->b, request, HREG_ENV, offsetof(CPUX86State, exit_request));
}

static bool gen_string(DisasContext *dc, enum str_kind k)
{
    struct mips_buf *b = dc->b;
    bool addr16 = dc->x86->addr_size == 2;
    if (addr16 && !dc->not_flat)
        return false;
    int size = element_size(dc);
    if (size != 1 && size != 2 && size != 4)
        return false;
    int log2 = size == 1 ? 0 : size == 2 ? 1 : 2;
    unsigned mop = (unsigned)log2;
    uint8_t rep = dc->x86->prefix[0];
    bool is_rep = rep == X86_PREFIX_REP || rep == X86_PREFIX_REPNE;
    bool compares = k == STR_CMPS || k == STR_SCAS;
    int esi = hreg_guest(R_ESI), edi = hreg_guest(R_EDI), ecx = hreg_guest(R_ECX), eax = hreg_guest(R_EAX);

    int step = dc_temp(dc), x = dc_temp(dc), y = dc_temp(dc), res = dc_temp(dc);
    mips_lw(b, step, HREG_ENV, offsetof(CPUX86State, df));
    if (log2)
        mips_sll(b, step, step, log2);

    mips_label top = mips_new_label(b), done = mips_new_label(b);
    bool flags = compares && flags_needed(dc, CC_ALL);
    int request = -1;
    if (is_rep) {
        /* With ecx = 0 nothing happens, flags included: the lazy op is only known at run time. */
        flags_sync(dc);
        if (addr16) {
            mips_andi(b, MIPS_AT, ecx, 0xffff);
            mips_beqz(b, MIPS_AT, done);
        } else {
            mips_beqz(b, ecx, done);
        }
        mips_nop(b);
        request = dc_temp(dc);
        mips_move(b, request, MIPS_ZERO);
    }
    mips_bind_label(b, top);
    if (is_rep) {
        mips_bnez(b, request, gen_exception_label(dc, -1));
        mips_nop(b);
        const cs_x86_op *src = dc_op(dc, 1);
        bool plain_source = k != STR_MOVS || src->type != X86_OP_MEM ||
                            (src->mem.segment != X86_REG_FS && src->mem.segment != X86_REG_GS);
        if ((k == STR_MOVS || k == STR_STOS) && !dc->not_flat && plain_source && ldst_merged_access_ok() &&
            !dc->single_step)
            gen_rep_bulk(dc, k, log2, step, request, top, done, x, y, res);
    }
    switch (k) {
    case STR_MOVS:
        gen_ld(dc, mop, x, source_address(dc, 1));
        gen_st(dc, mop, x, dest_address(dc));
        break;
    case STR_STOS:
        gen_st(dc, mop, eax, dest_address(dc));
        break;
    case STR_LODS:
        gen_ld(dc, mop, x, source_address(dc, 1));
        break;
    case STR_CMPS:
        gen_ld(dc, mop, x, source_address(dc, 0));
        gen_ld(dc, mop, y, dest_address(dc));
        break;
    case STR_SCAS:
        mips_move(b, x, eax);
        gen_ld(dc, mop, y, dest_address(dc));
        break;
    }
    /* All loads and stores of this iteration are done: now the registers may move. */
    if (k == STR_LODS)
        gen_write_gpr(dc, R_EAX, 0, size, x);
    if (k == STR_MOVS || k == STR_LODS || k == STR_CMPS)
        add_index(dc, addr16, esi, step, 0);
    if (k != STR_LODS)
        add_index(dc, addr16, edi, step, 0);
    if (compares)
        mips_subu(b, res, x, y);
    int count = ecx;
    if (is_rep) {
        add_index(dc, addr16, ecx, -1, -1);
        if (addr16) {
            count = dc_temp(dc);
            mips_andi(b, count, ecx, 0xffff);
        }
        if (compares) {
            /* repe continues while equal, repne while different (SDM vol. 2, REP/REPE/REPNE). */
            mips_label out = mips_new_label(b);
            int ext = dc_temp(dc);
            if (size == 4) {
                mips_move(b, ext, res);
            } else {
                mips_andi(b, ext, res, size == 1 ? 0xff : 0xffff);
            }
            mips_beqz(b, count, out);
            mips_nop(b);
            if (rep == X86_PREFIX_REP)
                mips_beqz(b, ext, top);
            else
                mips_bnez(b, ext, top);
            gen_rep_request(dc, request);
            mips_bind_label(b, out);
        } else {
            mips_bnez(b, count, top);
            gen_rep_request(dc, request);
        }
    }
    if (compares) {
        if (is_rep) {
            if (flags)
                flags_set_dynamic(dc, CC_OP(CC_KIND_SUB, log2), res, x, y);
        } else {
            flags_set(dc, CC_ALL, CC_OP(CC_KIND_SUB, log2), res, x, y);
        }
    }
    mips_bind_label(b, done);
    return true;
}

/* Capstone gives SSE2's movsd (F2 0F 10/11) and cmpsd (F2 0F C2) the string instructions' ids. */
bool x86_translate_movs(DisasContext *dc)
{
    return dc->x86->opcode[0] == 0x0f ? x86_translate_sse(dc) : gen_string(dc, STR_MOVS);
}

bool x86_translate_stos(DisasContext *dc) { return gen_string(dc, STR_STOS); }
bool x86_translate_lods(DisasContext *dc) { return gen_string(dc, STR_LODS); }
bool x86_translate_cmps(DisasContext *dc)
{
    return dc->x86->opcode[0] == 0x0f ? x86_translate_sse(dc) : gen_string(dc, STR_CMPS);
}

bool x86_translate_scas(DisasContext *dc) { return gen_string(dc, STR_SCAS); }
