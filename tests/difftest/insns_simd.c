/*
 * MMX, SSE and SSE2 instruction templates (--fp): the integer SIMD operations on both register
 * files, packed and scalar float and double arithmetic, compares, conversions, shuffles and
 * unpacks, moves in every direction, movmsk, pextrw/pinsrw, maskmov, non-temporal stores, fences,
 * prefetches, ldmxcsr/stmxcsr, fxsave/fxrstor and emms. Legacy SSE instructions with a 128-bit
 * memory operand get a 16-byte aligned one (else #GP) except the explicitly unaligned moves.
 * rcpps/rcpss/rsqrtps/rsqrtss are left out: their results are implementation-specific table
 * approximations (README.md). Only comiss/ucomiss/comisd/ucomisd touch eflags (ZF, PF, CF; OF,
 * SF, AF cleared).
 */
#include <string.h>
#include "tests/difftest/dtfpstate.h"
#include "tests/difftest/insns.h"

/* Integer operations with an MMX form (mm, mm/m64) and an SSE2 form (xmm, xmm/m128). */
static const char *const int_ops[] = {
    "paddb", "paddw", "paddd", "paddq", "paddsb", "paddsw", "paddusb", "paddusw",
    "psubb", "psubw", "psubd", "psubq", "psubsb", "psubsw", "psubusb", "psubusw",
    "pmullw", "pmulhw", "pmulhuw", "pmuludq", "pmaddwd", "pcmpeqb", "pcmpeqw", "pcmpeqd",
    "pcmpgtb", "pcmpgtw", "pcmpgtd", "pand", "pandn", "por", "pxor", "psllw", "pslld", "psllq",
    "psrlw", "psrld", "psrlq", "psraw", "psrad", "packsswb", "packssdw", "packuswb",
    "punpcklbw", "punpcklwd", "punpckldq", "punpckhbw", "punpckhwd", "punpckhdq",
    "pavgb", "pavgw", "pmaxsw", "pmaxub", "pminsw", "pminub", "psadbw",
};
static const char *const shift_imm_ops[] = {
    "psllw", "pslld", "psllq", "psrlw", "psrld", "psrlq", "psraw", "psrad", "pslldq", "psrldq",
};

enum { C_MM = 1, C_XMM = 2, C_R32 = 4, C_M = 8 };
enum { SO_ALIGN = 1, SO_IMM = 2, SO_CMPIMM = 4, SO_EFLAGS = 8 };

struct simd_op {
    const char *mn;
    uint8_t src, dst;       /* operand classes (C_*); memory on at most one side */
    uint8_t bytes;          /* memory operand size */
    uint8_t flags;          /* SO_* */
    uint8_t kind;           /* FV_* value for a memory source */
};

#define PS(mn) {mn, C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F32X4}
#define SS(mn) {mn, C_XMM | C_M, C_XMM, 4, 0, FV_F32}
#define PD(mn) {mn, C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F64X2}
#define SD(mn) {mn, C_XMM | C_M, C_XMM, 8, 0, FV_F64}

static const struct simd_op float_ops[] = {
    PS("addps"), PS("subps"), PS("mulps"), PS("divps"), PS("sqrtps"), PS("maxps"), PS("minps"),
    PS("andps"), PS("andnps"), PS("orps"), PS("xorps"), PS("unpcklps"), PS("unpckhps"),
    SS("addss"), SS("subss"), SS("mulss"), SS("divss"), SS("sqrtss"), SS("maxss"), SS("minss"),
    PD("addpd"), PD("subpd"), PD("mulpd"), PD("divpd"), PD("sqrtpd"), PD("maxpd"), PD("minpd"),
    PD("andpd"), PD("andnpd"), PD("orpd"), PD("xorpd"), PD("unpcklpd"), PD("unpckhpd"),
    SD("addsd"), SD("subsd"), SD("mulsd"), SD("divsd"), SD("sqrtsd"), SD("maxsd"), SD("minsd"),
    {"cmpps", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_CMPIMM, FV_F32X4},
    {"cmpss", C_XMM | C_M, C_XMM, 4, SO_CMPIMM, FV_F32},
    {"cmppd", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_CMPIMM, FV_F64X2},
    {"cmpsd", C_XMM | C_M, C_XMM, 8, SO_CMPIMM, FV_F64},
    {"shufps", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_IMM, FV_F32X4},
    {"shufpd", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_IMM, FV_F64X2},
    {"comiss", C_XMM | C_M, C_XMM, 4, SO_EFLAGS, FV_F32},
    {"ucomiss", C_XMM | C_M, C_XMM, 4, SO_EFLAGS, FV_F32},
    {"comisd", C_XMM | C_M, C_XMM, 8, SO_EFLAGS, FV_F64},
    {"ucomisd", C_XMM | C_M, C_XMM, 8, SO_EFLAGS, FV_F64},
};

static const struct simd_op conv_ops[] = {
    {"cvtsi2ss", C_R32 | C_M, C_XMM, 4, 0, FV_I32},
    {"cvtsi2sd", C_R32 | C_M, C_XMM, 4, 0, FV_I32},
    {"cvtss2si", C_XMM | C_M, C_R32, 4, 0, FV_F32},
    {"cvttss2si", C_XMM | C_M, C_R32, 4, 0, FV_F32},
    {"cvtsd2si", C_XMM | C_M, C_R32, 8, 0, FV_F64},
    {"cvttsd2si", C_XMM | C_M, C_R32, 8, 0, FV_F64},
    {"cvtpi2ps", C_MM | C_M, C_XMM, 8, 0, FV_I32},
    {"cvtps2pi", C_XMM | C_M, C_MM, 8, 0, FV_F32},
    {"cvttps2pi", C_XMM | C_M, C_MM, 8, 0, FV_F32},
    {"cvtpi2pd", C_MM | C_M, C_XMM, 8, 0, FV_I32},
    {"cvtpd2pi", C_XMM | C_M, C_MM, 16, SO_ALIGN, FV_F64X2},
    {"cvttpd2pi", C_XMM | C_M, C_MM, 16, SO_ALIGN, FV_F64X2},
    {"cvtps2pd", C_XMM | C_M, C_XMM, 8, 0, FV_F32},
    {"cvtpd2ps", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F64X2},
    {"cvtss2sd", C_XMM | C_M, C_XMM, 4, 0, FV_F32},
    {"cvtsd2ss", C_XMM | C_M, C_XMM, 8, 0, FV_F64},
    {"cvtdq2ps", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_INT},
    {"cvtps2dq", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F32X4},
    {"cvttps2dq", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F32X4},
    {"cvtdq2pd", C_XMM | C_M, C_XMM, 8, 0, FV_I32},
    {"cvtpd2dq", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F64X2},
    {"cvttpd2dq", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F64X2},
};

static const struct simd_op move_ops[] = {
    {"movaps", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_F32X4},
    {"movaps", C_XMM, C_M, 16, SO_ALIGN, FV_NONE},
    {"movups", C_XMM | C_M, C_XMM | C_M, 16, 0, FV_F32X4},
    {"movapd", C_XMM | C_M, C_XMM | C_M, 16, SO_ALIGN, FV_F64X2},
    {"movupd", C_XMM | C_M, C_XMM | C_M, 16, 0, FV_F64X2},
    {"movdqa", C_XMM | C_M, C_XMM | C_M, 16, SO_ALIGN, FV_INT},
    {"movdqu", C_XMM | C_M, C_XMM | C_M, 16, 0, FV_INT},
    {"movss", C_XMM | C_M, C_XMM | C_M, 4, 0, FV_F32},
    {"movsd", C_XMM | C_M, C_XMM | C_M, 8, 0, FV_F64},
    {"movlps", C_M, C_XMM, 8, 0, FV_F32},
    {"movlps", C_XMM, C_M, 8, 0, FV_NONE},
    {"movhps", C_M, C_XMM, 8, 0, FV_F32},
    {"movhps", C_XMM, C_M, 8, 0, FV_NONE},
    {"movlpd", C_M, C_XMM, 8, 0, FV_F64},
    {"movlpd", C_XMM, C_M, 8, 0, FV_NONE},
    {"movhpd", C_M, C_XMM, 8, 0, FV_F64},
    {"movhpd", C_XMM, C_M, 8, 0, FV_NONE},
    {"movlhps", C_XMM, C_XMM, 0, 0, FV_NONE},
    {"movhlps", C_XMM, C_XMM, 0, 0, FV_NONE},
    {"movd", C_R32 | C_M, C_MM | C_XMM, 4, 0, FV_I32},
    {"movd", C_MM | C_XMM, C_R32 | C_M, 4, 0, FV_NONE},
    {"movq", C_MM | C_M, C_MM, 8, 0, FV_F64},
    {"movq", C_MM, C_M, 8, 0, FV_NONE},
    {"movq", C_XMM | C_M, C_XMM | C_M, 8, 0, FV_F64},
    {"movq2dq", C_MM, C_XMM, 0, 0, FV_NONE},
    {"movdq2q", C_XMM, C_MM, 0, 0, FV_NONE},
    {"movntps", C_XMM, C_M, 16, SO_ALIGN, FV_NONE},
    {"movntpd", C_XMM, C_M, 16, SO_ALIGN, FV_NONE},
    {"movntdq", C_XMM, C_M, 16, SO_ALIGN, FV_NONE},
    {"movntq", C_MM, C_M, 8, 0, FV_NONE},
    {"movnti", C_R32, C_M, 4, 0, FV_NONE},
    {"movmskps", C_XMM, C_R32, 0, 0, FV_NONE},
    {"movmskpd", C_XMM, C_R32, 0, 0, FV_NONE},
    {"pmovmskb", C_MM | C_XMM, C_R32, 0, 0, FV_NONE},
    {"pshufw", C_MM | C_M, C_MM, 8, SO_IMM, FV_INT},
    {"pshufd", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_IMM, FV_INT},
    {"pshufhw", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_IMM, FV_INT},
    {"pshuflw", C_XMM | C_M, C_XMM, 16, SO_ALIGN | SO_IMM, FV_INT},
    {"punpcklqdq", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_INT},
    {"punpckhqdq", C_XMM | C_M, C_XMM, 16, SO_ALIGN, FV_INT},
    {"pextrw", C_MM | C_XMM, C_R32, 0, SO_IMM, FV_NONE},
    {"pinsrw", C_R32 | C_M, C_MM | C_XMM, 2, SO_IMM, FV_I16},
};

static int reg_of(struct dt_gen *g, int cls, char *out, int size)
{
    switch (cls) {
    case C_MM: snprintf(out, (size_t)size, "%%mm%d", g_below(g, 8)); return 0;
    case C_XMM: snprintf(out, (size_t)size, "%%xmm%d", g_below(g, 8)); return 0;
    default: {
        int r = g_wreg(g, 32, 0);
        if (r < 0)
            return -1;
        snprintf(out, (size_t)size, "%%%s", R(32, r));
        return 0;
    }
    }
}

/* One of the classes in mask (memory with the given chance). */
static int pick_class(struct dt_gen *g, unsigned mask, int mem_chance)
{
    if ((mask & C_M) && (mask == C_M || g_chance(g, mem_chance)))
        return C_M;
    int cand[3], n = 0;
    for (int c = C_MM; c <= C_R32; c <<= 1)
        if (mask & c)
            cand[n++] = c;
    return cand[g_below(g, n)];
}

static const char *class_name(int c, int bytes)
{
    static const char *const m[] = {"m8", "m16", "m32", "m64", "m128"};
    switch (c) {
    case C_MM: return "mm";
    case C_XMM: return "xmm";
    case C_R32: return "r32";
    default: return m[bytes >= 16 ? 4 : bytes >= 8 ? 3 : bytes >= 4 ? 2 : bytes >= 2 ? 1 : 0];
    }
}

static void imm_for(struct dt_gen *g, unsigned flags, char *out, int size)
{
    if (flags & SO_CMPIMM)
        snprintf(out, (size_t)size, "$%d, ", g_chance(g, 90) ? g_below(g, 8) : g_below(g, 256));
    else if (flags & SO_IMM)
        snprintf(out, (size_t)size, "$0x%x, ", g_below(g, 256));
    else
        out[0] = 0;
}

static bool gen_op(struct dt_gen *g, const struct simd_op *op)
{
    int sc = pick_class(g, op->src, 35);
    int dc = pick_class(g, sc == C_M ? op->dst & ~C_M : op->dst, sc == C_M ? 0 : 35);
    /* Register pairs must agree where the instruction has one register file (movq, movd...). */
    if (!strcmp(op->mn, "movq") && sc != C_M && dc != C_M)
        dc = sc;
    char src[96], dst[96], imm[16];
    struct dt_mem m;
    if (sc == C_M || dc == C_M) {
        /* With --fp-faults, now and then a misaligned operand where alignment is required: #GP,
         * which Linux reports as SIGSEGV. */
        bool align = (op->flags & SO_ALIGN) ? !(g->opt->fp_faults && g_chance(g, 4))
                                            : op->bytes == 16 && g_chance(g, 50);
        fp_mem(g, op->bytes, sc == C_M ? op->kind : FV_NONE, align, &m);
    }
    if (sc == C_M)
        snprintf(src, sizeof src, "%s", m.text);
    else if (sc == C_R32)
        snprintf(src, sizeof src, "%%%s", R(32, g_rreg(g, 32)));
    else
        reg_of(g, sc, src, sizeof src);
    if (dc == C_M)
        snprintf(dst, sizeof dst, "%s", m.text);
    else if (reg_of(g, dc, dst, sizeof dst) < 0)
        return false;
    imm_for(g, op->flags, imm, sizeof imm);
    /* cvtsi2ss/sd with a memory source: the l suffix says its size */
    const char *sfx = sc == C_M && !strncmp(op->mn, "cvtsi2s", 7) ? "l" : "";
    g_insn(g, K("%s/%s,%s", op->mn, class_name(sc, op->bytes), class_name(dc, op->bytes)), 0,
           op->flags & SO_EFLAGS ? DT_ARITH : 0, 0, "%s%s %s%s, %s", op->mn, sfx, imm, src, dst);
    return true;
}

static bool t_simd_float(struct dt_gen *g)
{
    return gen_op(g, &float_ops[g_below(g, sizeof float_ops / sizeof float_ops[0])]);
}

static bool t_simd_conv(struct dt_gen *g)
{
    return gen_op(g, &conv_ops[g_below(g, sizeof conv_ops / sizeof conv_ops[0])]);
}

static bool t_simd_move(struct dt_gen *g)
{
    return gen_op(g, &move_ops[g_below(g, sizeof move_ops / sizeof move_ops[0])]);
}

/* The integer operations, on MMX or XMM registers, and the shifts by an immediate. */
static bool t_simd_int(struct dt_gen *g)
{
    bool xmm = g_chance(g, 50);
    int n = xmm ? 16 : 8;
    const char *file = xmm ? "xmm" : "mm";
    char dst[16];
    snprintf(dst, sizeof dst, "%%%s%d", file, g_below(g, 8));
    if (g_chance(g, 20)) {
        int k = g_below(g, xmm ? 10 : 8);
        int count = g_chance(g, 70) ? g_below(g, 2 * n + 1) : g_below(g, 256);
        g_insn(g, K("%s/imm,%s", shift_imm_ops[k], file), 0, 0, 0, "%s $%d, %s", shift_imm_ops[k], count, dst);
        return true;
    }
    const char *mn = int_ops[g_below(g, sizeof int_ops / sizeof int_ops[0])];
    if (g_chance(g, 30)) {
        struct dt_mem m;
        fp_mem(g, n, FV_INT, xmm, &m);
        g_insn(g, K("%s/m%d,%s", mn, 8 * n, file), 0, 0, 0, "%s %s, %s", mn, m.text, dst);
    } else {
        g_insn(g, K("%s/%s,%s", mn, file, file), 0, 0, 0, "%s %%%s%d, %s", mn, file, g_below(g, 8), dst);
    }
    return true;
}

/* A control word for ldmxcsr: every exception masked (unless --fp-faults), any rounding, DAZ,
 * FTZ and sticky flags. */
static unsigned random_mxcsr(struct dt_gen *g)
{
    unsigned masks = g->opt->fp_faults ? g_rand(g) & 0x3f : 0x3f;
    return masks << 7 | (g_rand(g) & 0xe07f & ~(~masks & 0x3f));
}

static bool t_simd_ctl(struct dt_gen *g)
{
    struct dt_mem m;
    switch (g_below(g, 10)) {
    case 0: case 1:
        fp_mem(g, 4, FV_NONE, false, &m);
        g_setup(g, "movl $0x%x, %s", random_mxcsr(g), m.text);
        g_insn(g, "ldmxcsr/m32", 0, 0, 0, "ldmxcsr %s", m.text);
        break;
    case 2:
        fp_mem(g, 4, FV_NONE, false, &m);
        g_insn(g, "stmxcsr/m32", 0, 0, 0, "stmxcsr %s", m.text);
        break;
    case 3:
        g_insn(g, "emms", 0, 0, 0, "emms");
        break;
    case 4: {
        static const char *const f[] = {"sfence", "lfence", "mfence"};
        int k = g_below(g, 3);
        g_insn(g, K("%s", f[k]), 0, 0, 0, "%s", f[k]);
        break;
    }
    case 5: {
        static const char *const p[] = {"prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2", "clflush"};
        int k = g_below(g, 5);
        fp_mem(g, 1, FV_NONE, false, &m);
        g_insn(g, K("%s/m8", p[k]), 0, 0, 0, "%s %s", p[k], m.text);
        break;
    }
    case 6: case 7: {   /* maskmovq / maskmovdqu: the store goes to (%edi) */
        if (!g_writable(g, DT_EDI))
            return false;
        bool xmm = g_chance(g, 50);
        const char *file = xmm ? "xmm" : "mm";
        g_setup(g, "leal %d(%%%s), %%edi", g_below(g, 512) - 256, R(32, g->seq->base));
        g_insn(g, K("%s", xmm ? "maskmovdqu" : "maskmovq"), 0, 0, 0, "%s %%%s%d, %%%s%d",
               xmm ? "maskmovdqu" : "maskmovq", file, g_below(g, 8), file, g_below(g, 8));
        break;
    }
    default: {          /* fxsave, then fxrstor of that image with a register or two changed */
        fp_mem(g, 512, FV_NONE, true, &m);
        g_insn(g, "fxsave/m", 0, 0, 0, "fxsave %s", m.text);
        /* MXCSR_MASK bit 17 is AMD's misaligned-SSE mode, which xqm (an Intel P4 to its guests)
         * does not have (compare_fp.c): cleared on both sides, the other bits stay compared. */
        char at[96];
        g_mem_offset(&m, FX_MXCSR_MASK + 2, at, sizeof at);
        g_insn(g, NULL, 0, LOGIC_DEF, DT_AF, "andb $0xfd, %s", at);
        if (g_chance(g, 25))
            break;
        for (int n = g_below(g, 3); n > 0; n--) {
            uint8_t b[16];
            int slot = g_below(g, 16);      /* ST0-7, then XMM0-7 */
            int bytes = slot < 8 ? 10 : 16;
            if (slot < 8) {
                uint64_t sig;
                uint16_t se = dt_fp_f80(&g->rng, &sig);
                dt_put(b, sig, 8);
                dt_put(b + 8, se, 2);
            } else {
                for (int i = 0; i < 2; i++)
                    dt_put(b + 8 * i, dt_fp_f64(&g->rng), 8);
            }
            fp_put_bytes(g, &m, FX_ST + 16 * slot, b, bytes);
        }
        g_insn(g, "fxrstor/m", 0, 0, 0, "fxrstor %s", m.text);
        break;
    }
    }
    return true;
}

const struct dt_template dt_simd_templates[] = {
    {"ssefloat", 18, DT_NEED_FP, t_simd_float},
    {"sseconv", 8, DT_NEED_FP, t_simd_conv},
    {"ssemove", 12, DT_NEED_FP, t_simd_move},
    {"simdint", 18, DT_NEED_FP, t_simd_int},
    {"simdctl", 4, DT_NEED_FP | DT_NOT_IN_BODY, t_simd_ctl},
};
const int dt_simd_ntemplates = sizeof dt_simd_templates / sizeof dt_simd_templates[0];
