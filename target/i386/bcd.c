/*
 * Decimal-adjust and ASCII-adjust instructions (daa das aaa aas aam aad) and salc.
 *
 * They are rare and irregular, so they run as C helpers on env->regs with the flags materialized;
 * each leaves its flags in the EFLAGS lazy form. Pseudo-code: SDM vol. 2, DAA/DAS/AAA/AAS/AAM/AAD.
 * Flags the SDM leaves undefined are computed as current Intel CPUs do (daa/das: OF from the
 * signed change of AL; aaa/aas: SF ZF PF from the final AL; aam/aad: CF AF OF cleared).
 */
#include "target/i386/internal.h"

enum bcd_op { BCD_DAA, BCD_DAS, BCD_AAA, BCD_AAS, BCD_AAM, BCD_AAD };

static uint32_t szp(const CPUX86State *env, uint8_t v)
{
    return (v == 0 ? CC_Z : 0) | (v & 0x80 ? CC_S : 0) | env->parity[v];
}

uint64_t helper_bcd(CPUX86State *env, uint64_t op, uint64_t imm)
{
    uint32_t fl = cc_compute_all(env);
    uint32_t eax = env->regs[R_EAX];
    uint8_t al = (uint8_t)eax, ah = (uint8_t)(eax >> 8);
    bool cf = fl & CC_C, af = fl & CC_A;
    uint32_t out = fl & ~CC_ALL;
    switch (op) {
    case BCD_DAA:
    case BCD_DAS: {
        uint8_t old = al;
        bool sub = op == BCD_DAS;
        bool ncf = false, naf = false;
        if ((al & 0xf) > 9 || af) {
            ncf = cf || (sub ? al < 6 : al > 0xf9);
            al = (uint8_t)(sub ? al - 6 : al + 6);
            naf = true;
        }
        if (old > 0x99 || cf) {
            al = (uint8_t)(sub ? al - 0x60 : al + 0x60);
            ncf = true;
        }
        out = szp(env, al) | (ncf ? CC_C : 0) | (naf ? CC_A : 0);
        /* OF: the sign flipped the way a signed overflow of the adjustment would flip it. */
        if (sub ? ((old & 0x80) && !(al & 0x80)) : (!(old & 0x80) && (al & 0x80)))
            out |= CC_O;
        eax = (eax & ~0xffu) | al;
        break;
    }
    case BCD_AAA:
    case BCD_AAS: {
        bool sub = op == BCD_AAS;
        if ((al & 0xf) > 9 || af) {
            /* aaa: AX += 0x106; aas: AX -= 6, then AH -= 1 (the borrow of the first step counts). */
            uint16_t ax = (uint16_t)(sub ? eax - 6 : eax + 0x106);
            if (sub)
                ax = (uint16_t)(ax - 0x100);
            al = (uint8_t)(ax & 0x0f);
            ah = (uint8_t)(ax >> 8);
            out = CC_A | CC_C;
        } else {
            al &= 0x0f;
            out = 0;
        }
        out |= szp(env, al);
        eax = (eax & ~0xffffu) | (uint32_t)ah << 8 | al;
        break;
    }
    case BCD_AAM:
        ah = (uint8_t)(al / imm);
        al = (uint8_t)(al % imm);
        out = szp(env, al);
        eax = (eax & ~0xffffu) | (uint32_t)ah << 8 | al;
        break;
    case BCD_AAD:
        al = (uint8_t)(al + ah * imm);
        out = szp(env, al);
        eax = (eax & ~0xffffu) | al;
        break;
    }
    env->regs[R_EAX] = eax;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src1 = out & CC_ALL;
    return 0;
}

static bool gen_bcd(DisasContext *dc, enum bcd_op op)
{
    struct mips_buf *b = dc->b;
    int imm = 10;
    if ((op == BCD_AAM || op == BCD_AAD) && dc->x86->op_count == 1)
        imm = (int)(dc_op(dc, 0)->imm & 0xff);
    if (op == BCD_AAM && imm == 0) {
        gen_exception(dc, EXCP_DE, false);
        return true;
    }
    int o = dc_temp(dc), i = dc_temp(dc);
    mips_li(b, o, op);
    mips_li(b, i, imm);
    gen_helper_call(dc, (void *)helper_bcd, true, -1, o, i, -1);
    dc->cc_op = CC_OP_EFLAGS;
    dc->cc_op_synced = true;
    return true;
}

bool x86_translate_daa(DisasContext *dc) { return gen_bcd(dc, BCD_DAA); }
bool x86_translate_das(DisasContext *dc) { return gen_bcd(dc, BCD_DAS); }
bool x86_translate_aaa(DisasContext *dc) { return gen_bcd(dc, BCD_AAA); }
bool x86_translate_aas(DisasContext *dc) { return gen_bcd(dc, BCD_AAS); }
bool x86_translate_aam(DisasContext *dc) { return gen_bcd(dc, BCD_AAM); }
bool x86_translate_aad(DisasContext *dc) { return gen_bcd(dc, BCD_AAD); }

/* salc (undocumented, D6): AL = CF ? 0xff : 0, flags unchanged. */
bool x86_translate_salc(DisasContext *dc)
{
    int t = dc_temp(dc);
    flags_emit_cf(dc, t);
    mips_subu(dc->b, t, MIPS_ZERO, t);
    gen_write_gpr(dc, R_EAX, 0, 1, t);
    return true;
}
