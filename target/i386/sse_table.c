/*
 * The MMX/SSE/SSE2 opcode map: two-byte opcodes 0F xx by mandatory prefix (none, 66, F3, F2), as
 * in the SDM (vol. 2, appendix A.3, table A-3, and the instruction pages for operand sizes and
 * alignment). Each row says which operands the instruction has, how many bytes its memory operand
 * has, whether that must be 16-byte aligned (legacy SSE 128-bit operands except the unaligned
 * moves), and which helper computes it. Pure data, shared by the translator (sse.c) and the
 * native unit test. SSE3 and later encodings have no row: they raise #UD, as CPUID says.
 */
#include "target/i386/fpu.h"

enum { P_NONE, P_66, P_F3, P_F2 };

#define X OC_XMM
#define M OC_MMX
#define G OC_GPR
/* Integer SIMD on XMM (16 bytes, aligned) and MMX (8 bytes). */
#define IX(op) { SK_OP, X, X, 16, SF_ALIGN, (op) | SA_XMM, helper_simd_int }
#define IM(op) { SK_OP, M, M, 8, 0, (op), helper_simd_int }
#define IXM(op) { [P_NONE] = IM(op), [P_66] = IX(op) }
/* SSE floating point: packed (aligned m128) and scalar (m32/m64). */
#define FP(op, fmt, size, al) { SK_OP, X, X, size, SF_XM | (al), SSE_FP(op, fmt), helper_sse_fp }
#define FP4(op) { [P_NONE] = FP(op, FM_PS, 16, SF_ALIGN), [P_66] = FP(op, FM_PD, 16, SF_ALIGN), \
                  [P_F3] = FP(op, FM_SS, 4, 0), [P_F2] = FP(op, FM_SD, 8, 0) }
#define LOGIC(op) { [P_NONE] = IX(op), [P_66] = IX(op) }
#define CVT(r, m, size, al, kind) { SK_OP, r, m, size, SF_XM | (al), kind, helper_sse_cvt }
#define CVTG(r, m, size, kind) { SK_GPR_OUT, r, m, size, SF_XM, kind, helper_sse_cvt }
#define CVTI(kind) { SK_GPR_IN, X, G, 4, SF_XM, kind, helper_sse_cvt }
/* Moves: MV(reg class, rm class, memory bytes, flags, bytes, dst offset, src offset, zeroing). */
#define MV(r, m, size, fl, n, doff, soff, z) \
    { SK_MOV, r, m, size, fl, (n) | (doff) << SM_DST_SHIFT | (soff) << SM_SRC_SHIFT | (z), 0 }
#define SHUF(r, m, size, al, op) { SK_OP, r, m, size, SF_IMM | (al), (op), helper_simd_int }

static const struct sse_op ops[256][4] = {
    [0x10] = { [P_NONE] = MV(X, X, 16, 0, 16, 0, 0, 0), [P_66] = MV(X, X, 16, 0, 16, 0, 0, 0),
               [P_F3] = MV(X, X, 4, 0, 4, 0, 0, SM_ZERO_MEM), [P_F2] = MV(X, X, 8, 0, 8, 0, 0, SM_ZERO_MEM) },
    [0x11] = { [P_NONE] = MV(X, X, 16, SF_STORE, 16, 0, 0, 0), [P_66] = MV(X, X, 16, SF_STORE, 16, 0, 0, 0),
               [P_F3] = MV(X, X, 4, SF_STORE, 4, 0, 0, 0), [P_F2] = MV(X, X, 8, SF_STORE, 8, 0, 0, 0) },
    /* 0F 12 and 0F 16 without prefix depend on mod: see sse_decode. */
    [0x12] = { [P_66] = MV(X, X, 8, SF_MEM, 8, 0, 0, 0) },
    [0x13] = { [P_NONE] = MV(X, X, 8, SF_MEM | SF_STORE, 8, 0, 0, 0), [P_66] = MV(X, X, 8, SF_MEM | SF_STORE, 8, 0, 0, 0) },
    /* unpcklps/unpckhps move dwords, unpcklpd/unpckhpd qwords: the integer unpacks do the same. */
    [0x14] = { [P_NONE] = IX(SI_PUNPCKLDQ), [P_66] = IX(SI_PUNPCKLQDQ) },
    [0x15] = { [P_NONE] = IX(SI_PUNPCKHDQ), [P_66] = IX(SI_PUNPCKHQDQ) },
    [0x16] = { [P_66] = MV(X, X, 8, SF_MEM, 8, 8, 0, 0) },
    [0x17] = { [P_NONE] = MV(X, X, 8, SF_MEM | SF_STORE, 8, 0, 8, 0), [P_66] = MV(X, X, 8, SF_MEM | SF_STORE, 8, 0, 8, 0) },
    [0x28] = { [P_NONE] = MV(X, X, 16, SF_ALIGN, 16, 0, 0, 0), [P_66] = MV(X, X, 16, SF_ALIGN, 16, 0, 0, 0) },
    [0x29] = { [P_NONE] = MV(X, X, 16, SF_ALIGN | SF_STORE, 16, 0, 0, 0),
               [P_66] = MV(X, X, 16, SF_ALIGN | SF_STORE, 16, 0, 0, 0) },
    [0x2a] = { [P_NONE] = CVT(X, M, 8, 0, CV_PI2PS), [P_66] = CVT(X, M, 8, 0, CV_PI2PD), [P_F3] = CVTI(CV_SI2SS),
               [P_F2] = CVTI(CV_SI2SD) },
    [0x2b] = { [P_NONE] = MV(X, X, 16, SF_ALIGN | SF_STORE | SF_MEM, 16, 0, 0, 0),
               [P_66] = MV(X, X, 16, SF_ALIGN | SF_STORE | SF_MEM, 16, 0, 0, 0) },
    [0x2c] = { [P_NONE] = CVT(M, X, 8, 0, CV_TPS2PI), [P_66] = CVT(M, X, 16, SF_ALIGN, CV_TPD2PI),
               [P_F3] = CVTG(G, X, 4, CV_TSS2SI), [P_F2] = CVTG(G, X, 8, CV_TSD2SI) },
    [0x2d] = { [P_NONE] = CVT(M, X, 8, 0, CV_PS2PI), [P_66] = CVT(M, X, 16, SF_ALIGN, CV_PD2PI),
               [P_F3] = CVTG(G, X, 4, CV_SS2SI), [P_F2] = CVTG(G, X, 8, CV_SD2SI) },
    [0x2e] = { [P_NONE] = { SK_COMIS, X, X, 4, SF_XM, 2, helper_sse_comis },
               [P_66] = { SK_COMIS, X, X, 8, SF_XM, 3, helper_sse_comis } },
    [0x2f] = { [P_NONE] = { SK_COMIS, X, X, 4, SF_XM, 0, helper_sse_comis },
               [P_66] = { SK_COMIS, X, X, 8, SF_XM, 1, helper_sse_comis } },
    [0x50] = { [P_NONE] = { SK_GPR_OUT, G, X, 0, SF_REG, SI_MOVMSKPS | SA_XMM, helper_simd_int },
               [P_66] = { SK_GPR_OUT, G, X, 0, SF_REG, SI_MOVMSKPD | SA_XMM, helper_simd_int } },
    [0x51] = FP4(SO_SQRT),
    [0x52] = { [P_NONE] = FP(SO_RSQRT, FM_PS, 16, SF_ALIGN), [P_F3] = FP(SO_RSQRT, FM_SS, 4, 0) },
    [0x53] = { [P_NONE] = FP(SO_RCP, FM_PS, 16, SF_ALIGN), [P_F3] = FP(SO_RCP, FM_SS, 4, 0) },
    [0x54] = LOGIC(SI_PAND),
    [0x55] = LOGIC(SI_PANDN),
    [0x56] = LOGIC(SI_POR),
    [0x57] = LOGIC(SI_PXOR),
    [0x58] = FP4(SO_ADD),
    [0x59] = FP4(SO_MUL),
    [0x5a] = { [P_NONE] = CVT(X, X, 8, 0, CV_PS2PD), [P_66] = CVT(X, X, 16, SF_ALIGN, CV_PD2PS),
               [P_F3] = CVT(X, X, 4, 0, CV_SS2SD), [P_F2] = CVT(X, X, 8, 0, CV_SD2SS) },
    [0x5b] = { [P_NONE] = CVT(X, X, 16, SF_ALIGN, CV_DQ2PS), [P_66] = CVT(X, X, 16, SF_ALIGN, CV_PS2DQ),
               [P_F3] = CVT(X, X, 16, SF_ALIGN, CV_TPS2DQ) },
    [0x5c] = FP4(SO_SUB),
    [0x5d] = FP4(SO_MIN),
    [0x5e] = FP4(SO_DIV),
    [0x5f] = FP4(SO_MAX),
    /* The MMX forms of the low unpacks read only 4 bytes of memory (SDM vol. 2, PUNPCKLBW). */
    [0x60] = { [P_NONE] = { SK_OP, M, M, 4, 0, SI_PUNPCKLBW, helper_simd_int }, [P_66] = IX(SI_PUNPCKLBW) },
    [0x61] = { [P_NONE] = { SK_OP, M, M, 4, 0, SI_PUNPCKLWD, helper_simd_int }, [P_66] = IX(SI_PUNPCKLWD) },
    [0x62] = { [P_NONE] = { SK_OP, M, M, 4, 0, SI_PUNPCKLDQ, helper_simd_int }, [P_66] = IX(SI_PUNPCKLDQ) },
    [0x63] = IXM(SI_PACKSSWB),
    [0x64] = IXM(SI_PCMPGTB),
    [0x65] = IXM(SI_PCMPGTW),
    [0x66] = IXM(SI_PCMPGTD),
    [0x67] = IXM(SI_PACKUSWB),
    [0x68] = IXM(SI_PUNPCKHBW),
    [0x69] = IXM(SI_PUNPCKHWD),
    [0x6a] = IXM(SI_PUNPCKHDQ),
    [0x6b] = IXM(SI_PACKSSDW),
    [0x6c] = { [P_66] = IX(SI_PUNPCKLQDQ) },
    [0x6d] = { [P_66] = IX(SI_PUNPCKHQDQ) },
    [0x6e] = { [P_NONE] = MV(M, G, 4, 0, 4, 0, 0, SM_ZERO), [P_66] = MV(X, G, 4, 0, 4, 0, 0, SM_ZERO) },
    [0x6f] = { [P_NONE] = MV(M, M, 8, 0, 8, 0, 0, 0), [P_66] = MV(X, X, 16, SF_ALIGN, 16, 0, 0, 0),
               [P_F3] = MV(X, X, 16, 0, 16, 0, 0, 0) },
    [0x70] = { [P_NONE] = SHUF(M, M, 8, 0, SI_PSHUFW), [P_66] = SHUF(X, X, 16, SF_ALIGN, SI_PSHUFD | SA_XMM),
               [P_F3] = SHUF(X, X, 16, SF_ALIGN, SI_PSHUFHW | SA_XMM),
               [P_F2] = SHUF(X, X, 16, SF_ALIGN, SI_PSHUFLW | SA_XMM) },
    /* 0F 71..73 (shift groups) are decoded by modrm.reg in sse_decode. */
    [0x74] = IXM(SI_PCMPEQB),
    [0x75] = IXM(SI_PCMPEQW),
    [0x76] = IXM(SI_PCMPEQD),
    [0x77] = { [P_NONE] = { SK_EMMS, 0, 0, 0, 0, 0, 0 } },
    [0x7e] = { [P_NONE] = MV(M, G, 4, SF_STORE, 4, 0, 0, 0), [P_66] = MV(X, G, 4, SF_STORE, 4, 0, 0, 0),
               [P_F3] = MV(X, X, 8, 0, 8, 0, 0, SM_ZERO) },
    [0x7f] = { [P_NONE] = MV(M, M, 8, SF_STORE, 8, 0, 0, 0), [P_66] = MV(X, X, 16, SF_ALIGN | SF_STORE, 16, 0, 0, 0),
               [P_F3] = MV(X, X, 16, SF_STORE, 16, 0, 0, 0) },
    [0xc2] = { [P_NONE] = { SK_OP, X, X, 16, SF_XM | SF_ALIGN | SF_IMM, SSE_FP(SO_CMP, FM_PS), helper_sse_fp },
               [P_66] = { SK_OP, X, X, 16, SF_XM | SF_ALIGN | SF_IMM, SSE_FP(SO_CMP, FM_PD), helper_sse_fp },
               [P_F3] = { SK_OP, X, X, 4, SF_XM | SF_IMM, SSE_FP(SO_CMP, FM_SS), helper_sse_fp },
               [P_F2] = { SK_OP, X, X, 8, SF_XM | SF_IMM, SSE_FP(SO_CMP, FM_SD), helper_sse_fp } },
    [0xc3] = { [P_NONE] = MV(G, G, 4, SF_MEM | SF_STORE, 4, 0, 0, 0) },
    [0xc4] = { [P_NONE] = { SK_GPR_IN, M, G, 2, SF_IMM, SI_PINSRW, helper_simd_int },
               [P_66] = { SK_GPR_IN, X, G, 2, SF_IMM, SI_PINSRW | SA_XMM, helper_simd_int } },
    [0xc5] = { [P_NONE] = { SK_GPR_OUT, G, M, 0, SF_IMM | SF_REG, SI_PEXTRW, helper_simd_int },
               [P_66] = { SK_GPR_OUT, G, X, 0, SF_IMM | SF_REG, SI_PEXTRW | SA_XMM, helper_simd_int } },
    [0xc6] = { [P_NONE] = SHUF(X, X, 16, SF_ALIGN, SI_SHUFPS | SA_XMM), [P_66] = SHUF(X, X, 16, SF_ALIGN, SI_SHUFPD | SA_XMM) },
    [0xd1] = IXM(SI_PSRLW),
    [0xd2] = IXM(SI_PSRLD),
    [0xd3] = IXM(SI_PSRLQ),
    [0xd4] = IXM(SI_PADDQ),
    [0xd5] = IXM(SI_PMULLW),
    [0xd6] = { [P_66] = MV(X, X, 8, SF_STORE, 8, 0, 0, SM_ZERO), [P_F3] = MV(X, M, 0, SF_REG, 8, 0, 0, SM_ZERO),
               [P_F2] = MV(M, X, 0, SF_REG, 8, 0, 0, 0) },
    [0xd7] = { [P_NONE] = { SK_GPR_OUT, G, M, 0, SF_REG, SI_PMOVMSKB, helper_simd_int },
               [P_66] = { SK_GPR_OUT, G, X, 0, SF_REG, SI_PMOVMSKB | SA_XMM, helper_simd_int } },
    [0xd8] = IXM(SI_PSUBUSB),
    [0xd9] = IXM(SI_PSUBUSW),
    [0xda] = IXM(SI_PMINUB),
    [0xdb] = IXM(SI_PAND),
    [0xdc] = IXM(SI_PADDUSB),
    [0xdd] = IXM(SI_PADDUSW),
    [0xde] = IXM(SI_PMAXUB),
    [0xdf] = IXM(SI_PANDN),
    [0xe0] = IXM(SI_PAVGB),
    [0xe1] = IXM(SI_PSRAW),
    [0xe2] = IXM(SI_PSRAD),
    [0xe3] = IXM(SI_PAVGW),
    [0xe4] = IXM(SI_PMULHUW),
    [0xe5] = IXM(SI_PMULHW),
    [0xe6] = { [P_66] = CVT(X, X, 16, SF_ALIGN, CV_TPD2DQ), [P_F3] = CVT(X, X, 8, 0, CV_DQ2PD),
               [P_F2] = CVT(X, X, 16, SF_ALIGN, CV_PD2DQ) },
    [0xe7] = { [P_NONE] = MV(M, M, 8, SF_MEM | SF_STORE, 8, 0, 0, 0),
               [P_66] = MV(X, X, 16, SF_MEM | SF_STORE | SF_ALIGN, 16, 0, 0, 0) },
    [0xe8] = IXM(SI_PSUBSB),
    [0xe9] = IXM(SI_PSUBSW),
    [0xea] = IXM(SI_PMINSW),
    [0xeb] = IXM(SI_POR),
    [0xec] = IXM(SI_PADDSB),
    [0xed] = IXM(SI_PADDSW),
    [0xee] = IXM(SI_PMAXSW),
    [0xef] = IXM(SI_PXOR),
    [0xf1] = IXM(SI_PSLLW),
    [0xf2] = IXM(SI_PSLLD),
    [0xf3] = IXM(SI_PSLLQ),
    [0xf4] = IXM(SI_PMULUDQ),
    [0xf5] = IXM(SI_PMADDWD),
    [0xf6] = IXM(SI_PSADBW),
    [0xf7] = { [P_NONE] = { SK_MASKMOV, M, M, 8, SF_REG, SI_MASKMOV, helper_simd_int },
               [P_66] = { SK_MASKMOV, X, X, 16, SF_REG, SI_MASKMOV | SA_XMM, helper_simd_int } },
    [0xf8] = IXM(SI_PSUBB),
    [0xf9] = IXM(SI_PSUBW),
    [0xfa] = IXM(SI_PSUBD),
    [0xfb] = IXM(SI_PSUBQ),
    [0xfc] = IXM(SI_PADDB),
    [0xfd] = IXM(SI_PADDW),
    [0xfe] = IXM(SI_PADDD),
};

/* 0F 12/16 without prefix: movhlps/movlhps between registers, movlps/movhps from memory. */
static const struct sse_op movhlps = MV(X, X, 0, SF_REG, 8, 0, 8, 0);
static const struct sse_op movlps = MV(X, X, 8, SF_MEM, 8, 0, 0, 0);
static const struct sse_op movlhps = MV(X, X, 0, SF_REG, 8, 8, 0, 0);
static const struct sse_op movhps = MV(X, X, 8, SF_MEM, 8, 8, 0, 0);

/* Shift by immediate, 0F 71..73 /reg ib: the register to shift is modrm.rm. */
#define SHI(op, xmm) { SK_OP_RM, OC_NONE, (xmm) ? X : M, 0, SF_IMM | SF_REG, (op) | ((xmm) ? SA_XMM : 0), helper_simd_int }
static const struct sse_op shift_imm[3][8][2] = {
    [0] = { [2] = { SHI(SI_PSRLWI, 0), SHI(SI_PSRLWI, 1) }, [4] = { SHI(SI_PSRAWI, 0), SHI(SI_PSRAWI, 1) },
            [6] = { SHI(SI_PSLLWI, 0), SHI(SI_PSLLWI, 1) } },
    [1] = { [2] = { SHI(SI_PSRLDI, 0), SHI(SI_PSRLDI, 1) }, [4] = { SHI(SI_PSRADI, 0), SHI(SI_PSRADI, 1) },
            [6] = { SHI(SI_PSLLDI, 0), SHI(SI_PSLLDI, 1) } },
    [2] = { [2] = { SHI(SI_PSRLQI, 0), SHI(SI_PSRLQI, 1) }, [3] = { { 0 }, SHI(SI_PSRLDQ, 1) },
            [6] = { SHI(SI_PSLLQI, 0), SHI(SI_PSLLQI, 1) }, [7] = { { 0 }, SHI(SI_PSLLDQ, 1) } },
};

/* 0F AE by modrm.reg: fxsave, fxrstor, ldmxcsr, stmxcsr, -, lfence, mfence, sfence/clflush. */
static const struct sse_op group_ae_mem[8] = {
    { SK_FXSAVE, 0, 0, 0, SF_MEM, 0, helper_sse_fxsave }, { SK_FXRSTOR, 0, 0, 0, SF_MEM, 0, helper_sse_fxrstor },
    { SK_LDMXCSR, 0, 0, 4, SF_MEM, 0, helper_sse_ldmxcsr }, { SK_STMXCSR, 0, 0, 4, SF_MEM, 0, helper_sse_stmxcsr },
    { 0 }, { 0 }, { 0 }, { SK_NOP, 0, 0, 0, SF_MEM, 0, 0 },
};
static const struct sse_op fence = { SK_FENCE, 0, 0, 0, SF_REG, 0, 0 };

const struct sse_op *sse_decode(int pfx, uint8_t opcode, uint8_t modrm)
{
    static const struct sse_op invalid = { 0 };
    bool reg_form = modrm >= 0xc0;
    int reg = (modrm >> 3) & 7;
    const struct sse_op *op;
    switch (opcode) {
    case 0x12:
        op = pfx == P_NONE ? (reg_form ? &movhlps : &movlps) : &ops[opcode][pfx];
        break;
    case 0x16:
        op = pfx == P_NONE ? (reg_form ? &movlhps : &movhps) : &ops[opcode][pfx];
        break;
    case 0x71: case 0x72: case 0x73:
        if (pfx > P_66)
            return &invalid;
        op = &shift_imm[opcode - 0x71][reg][pfx];
        break;
    case 0x18:
        /* prefetchnta/t0/t1/t2 (and the reserved hints, which are nops too). */
        if (pfx != P_NONE || reg_form)
            return &invalid;
        {
            static const struct sse_op prefetch = { SK_NOP, 0, 0, 0, SF_MEM, 0, 0 };
            return &prefetch;
        }
    case 0xae:
        if (pfx != P_NONE)
            return &invalid;
        if (reg_form)
            return reg >= 5 ? &fence : &invalid;
        return &group_ae_mem[reg];
    default:
        op = &ops[opcode][pfx];
        break;
    }
    if ((op->flags & SF_MEM) && reg_form)
        return &invalid;
    if ((op->flags & SF_REG) && !reg_form)
        return &invalid;
    return op;
}
