/*
 * Private to the floating-point and SIMD families (x87, MMX, SSE, SSE2): the software float
 * library (softfloat*.c), the C helpers the translators call (x87_helper.c, sse_helper.c,
 * mmx_helper.c), and the state save/restore entry points the modes use (fsave/fxsave images for
 * signal frames).
 *
 * Values: fx80 is the x87 80-bit register format (SDM vol. 1, 4.2.2: explicit integer bit at
 * significand bit 63, 15-bit exponent biased by 16383); float32/float64 travel as their bit
 * patterns in uint32_t/uint64_t. Exception flags use the bit positions shared by the x87 status
 * word and MXCSR (IE DE ZE OE UE PE = bits 0..5).
 */
#ifndef XQM_TARGET_I386_FPU_H
#define XQM_TARGET_I386_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "target/i386/cpu.h"

typedef X87Reg fx80;

enum sf_exc { SF_IE = 1, SF_DE = 2, SF_ZE = 4, SF_OE = 8, SF_UE = 16, SF_PE = 32 };
/* x87 RC and MXCSR RC encode the rounding modes the same way (SDM vol. 1, table 4-8). */
enum sf_round { SF_RN = 0, SF_RD = 1, SF_RU = 2, SF_RZ = 3 };

/* The rounding environment of one operation and what it raised. */
struct sf_env {
    uint8_t round;          /* enum sf_round */
    uint8_t prec;           /* significand bits of 80-bit results: 24, 53 or 64 (x87 PC) */
    bool sse;               /* SSE rules: first NaN operand wins; x87: the larger significand */
    bool ftz, daz;          /* MXCSR flush-to-zero, denormals-are-zero */
    uint8_t unmasked;       /* x87: exceptions not masked in FCW (OE/UE scale results) */
    uint8_t flags;          /* raised exceptions (enum sf_exc) */
    bool rounded_up;        /* the last rounding increased the magnitude (x87 C1) */
};

/* An operand unpacked: value = (-1)^sign * sig / 2^63 * 2^exp with sig bit 63 set (normal class).
 * NaNs keep their significand in the 80-bit layout (bit 62 = quiet). */
enum sf_class { SF_ZERO, SF_NORMAL, SF_INF, SF_QNAN, SF_SNAN, SF_UNSUPPORTED };
typedef struct sf_val {
    uint8_t cls;
    bool sign;
    bool denormal;          /* the encoding was a denormal (DE on arithmetic) */
    int32_t exp;
    uint64_t sig;
} sf_val;

/* An exact or sticky-rounded result before rounding: (-1)^sign * (hi:lo / 2^127) * 2^exp with hi
 * bit 63 set, or a special class (zero, inf, NaN with sig). */
typedef struct sf_res {
    uint8_t cls;
    bool sign;
    int32_t exp;
    uint64_t hi, lo;
} sf_res;

enum { X80_BIAS = 16383, X80_EMAX = 0x7ffe };
#define X80_INDEFINITE ((fx80){ .sig = 0xc000000000000000ull, .se = 0xffff })

/* softfloat.c: unpacking (no flags raised) and rounding to each format. */
sf_val sf_unpack_x80(fx80 a);
sf_val sf_unpack_f64(uint64_t a, bool daz);
sf_val sf_unpack_f32(uint32_t a, bool daz);
sf_res sf_exact(sf_val v);
fx80 sf_pack_x80(struct sf_env *e, sf_res r);
fx80 sf_pack_x80_prec(struct sf_env *e, sf_res r, int prec);
uint64_t sf_pack_f64(struct sf_env *e, sf_res r);
uint32_t sf_pack_f32(struct sf_env *e, sf_res r);
/* The default (indefinite) QNaN as a result. */
sf_res sf_default_nan(void);
/* NaN operand handling for two-operand ops (call only when one is a NaN): raises IE on SNaN and
 * picks the result by the unit's rule (SDM vol. 1, table 4-7). */
sf_res sf_nan2(struct sf_env *e, sf_val a, sf_val b);
sf_res sf_nan1(struct sf_env *e, sf_val a);

/* softfloat.c: the arithmetic (the caller has handled SF_UNSUPPORTED operands). */
sf_res sf_add(struct sf_env *e, sf_val a, sf_val b, bool subtract);
sf_res sf_mul(struct sf_env *e, sf_val a, sf_val b);
sf_res sf_div(struct sf_env *e, sf_val a, sf_val b);
sf_res sf_sqrt(struct sf_env *e, sf_val a);
/* -1, 0, 1, or 2 for unordered; raises IE for SNaN (or any NaN when `signaling`) and DE. */
int sf_compare(struct sf_env *e, sf_val a, sf_val b, bool signaling);
/* Rounds to an integer by e->round (exact-or-PE), keeping the format of an sf_res. */
sf_res sf_round_int(struct sf_env *e, sf_val a, int round);
/* Converts to a signed integer of `bits` bits by `round`; NaN/out of range raise IE and give
 * the integer indefinite (the most negative value). */
int64_t sf_to_int(struct sf_env *e, sf_val a, int bits, int round);
sf_res sf_from_int(int64_t v);
/* 128-bit helpers shared with the x87 extras. */
int sf_clz64(uint64_t v);

static inline bool sf_is_nan(const sf_val *v) { return v->cls == SF_QNAN || v->cls == SF_SNAN; }
/* A NaN operand quieted (IE for SNaN), anything else exact. */
sf_res sf_nan_or_exact(struct sf_env *e, sf_val a);

/* --- the x87 unit (x87_helper.c, x87_ext.c) --- */

/* Status word bits besides the exception flags (SDM vol. 1, 8.1.3). */
enum {
    FSW_SF = 1 << 6, FSW_ES = 1 << 7, FSW_C0 = 1 << 8, FSW_C1 = 1 << 9, FSW_C2 = 1 << 10,
    FSW_TOP_SHIFT = 11, FSW_C3 = 1 << 14, FSW_B = 1 << 15,
};
/* Memory operand formats. The T forms are fisttp's truncating integer stores. */
enum x87_fmt { XF_F32, XF_F64, XF_F80, XF_I16, XF_I32, XF_I64, XF_BCD, XF_I16T, XF_I32T, XF_I64T };
/* The arithmetic group, numbered as modrm.reg of D8/DC/DE (SDM vol. 2, table A-7). */
enum x87_arith { XO_ADD, XO_MUL, XO_COM, XO_COMP, XO_SUB, XO_SUBR, XO_DIV, XO_DIVR };
enum {
    XA_TO_STI = 1 << 6,     /* destination ST(i), source ST(0) */
    XA_POP = 1 << 7,
    XA_POP2 = 1 << 8,       /* fcompp, fucompp */
    XA_QUIET = 1 << 9,      /* fucom: only SNaN operands are invalid */
    XA_NOCHECK = 1 << 10,   /* fstp1: an empty ST(0) is popped silently */
};
/* D9 E0..FF, numbered as the low 5 bits of the second byte (SDM vol. 2, table A-10). */
enum x87_unary {
    XU_FCHS = 0x00, XU_FABS = 0x01, XU_FTST = 0x04, XU_FXAM = 0x05,
    XU_FLD1 = 0x08, XU_FLDL2T, XU_FLDL2E, XU_FLDPI, XU_FLDLG2, XU_FLDLN2, XU_FLDZ,
    XU_F2XM1 = 0x10, XU_FYL2X, XU_FPTAN, XU_FPATAN, XU_FXTRACT, XU_FPREM1, XU_FDECSTP, XU_FINCSTP,
    XU_FPREM, XU_FYL2XP1, XU_FSQRT, XU_FSINCOS, XU_FRNDINT, XU_FSCALE, XU_FSIN, XU_FCOS,
};

struct sf_env x87_sf_env(const CPUX86State *env);
void x87_update_es(CPUX86State *env);
bool x87_raise(CPUX86State *env, unsigned flags);
bool x87_stack_fault(CPUX86State *env, bool overflow);
bool x87_st_empty(const CPUX86State *env, int n);
void x87_set_cc(CPUX86State *env, uint16_t mask, uint16_t value);
void x87_push(CPUX86State *env, fx80 v);
void x87_pop(CPUX86State *env);
void x87_write_st(CPUX86State *env, int n, fx80 v);
void x87_push_const(CPUX86State *env, sf_res c);
fx80 x87_from_int(int64_t v);
fx80 x87_from_bcd(uint64_t lo, uint16_t hi);
void x87_to_bcd(struct sf_env *e, sf_val a, XMMReg *dst);
uint64_t x87_unary_ext(CPUX86State *env, int op);
/* Fast paths (x87_fast.c): false when they do not apply (nothing was changed then). */
bool x87_fast_arith(CPUX86State *env, int op, const fx80 *a, const fx80 *b, fx80 *out, bool *up);
bool x87_fast_from_ieee(uint64_t bits, bool dbl, fx80 *out);
/* Transcendental instructions (softfloat_trans.c): op is an XU_ value. */
void x87_transcendental(CPUX86State *env, int op);

/*
 * Helpers called from translated code: helper(env, arg, arg2) as gen_helper_call passes them.
 * Memory operands are in env->fpbuf. helper_x87_store returns 1 when the store must not happen.
 */
uint64_t helper_x87_load(CPUX86State *env, uint64_t fmt, uint64_t unused);
uint64_t helper_x87_fld_sti(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t helper_x87_store(CPUX86State *env, uint64_t fmt, uint64_t unused);
uint64_t helper_x87_fst_sti(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t helper_x87_arith_mem(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t helper_x87_arith_reg(CPUX86State *env, uint64_t arg, uint64_t unused);
/* Leaf fast paths (x87_fast.c; for the arithmetic ones see x87_fast_entry), with the helpers'
 * arguments: the helper's return value if they did the instruction, X87_FAST_DECLINED if the
 * general helper must (nothing changed then). */
#define X87_FAST_DECLINED (1ull << 63)
uint64_t x87_fast_fcomi(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t x87_fast_fld_sti(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t x87_fast_load(CPUX86State *env, uint64_t fmt, uint64_t unused);
uint64_t x87_fast_fxch(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t x87_fast_fst_sti(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t x87_fast_store(CPUX86State *env, uint64_t fmt, uint64_t unused);
uint64_t helper_x87_fcomi(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t helper_x87_fcmov(CPUX86State *env, uint64_t arg, uint64_t cond);
uint64_t helper_x87_fxch(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t helper_x87_ffree(CPUX86State *env, uint64_t arg, uint64_t unused);
uint64_t helper_x87_unary(CPUX86State *env, uint64_t op, uint64_t unused);
uint64_t helper_x87_fninit(CPUX86State *env, uint64_t unused, uint64_t unused2);
uint64_t helper_x87_fnclex(CPUX86State *env, uint64_t unused, uint64_t unused2);
uint64_t helper_x87_fldcw(CPUX86State *env, uint64_t unused, uint64_t unused2);
uint64_t helper_x87_fnstcw(CPUX86State *env, uint64_t unused, uint64_t unused2);
uint64_t helper_x87_fnstsw(CPUX86State *env, uint64_t to_mem, uint64_t unused);
uint64_t helper_x87_fnstenv(CPUX86State *env, uint64_t unused, uint64_t op16);
uint64_t helper_x87_fldenv(CPUX86State *env, uint64_t unused, uint64_t op16);
uint64_t helper_x87_fnsave(CPUX86State *env, uint64_t unused, uint64_t op16);
uint64_t helper_x87_frstor(CPUX86State *env, uint64_t unused, uint64_t op16);
/* fxsave/fxrstor (x87 and SSE state, 512 bytes in fpbuf); fxrstor returns 1 for #GP. */
uint64_t helper_fxsave(CPUX86State *env, uint64_t unused, uint64_t unused2);
uint64_t helper_fxrstor(CPUX86State *env, uint64_t unused, uint64_t unused2);

/* --- the x87 opcode map (x87_table.c), read by the translator (x87.c) --- */

typedef uint64_t (*fpu_helper_fn)(CPUX86State *env, uint64_t arg, uint64_t arg2);
/* What the translator emits around the helper call. */
enum x87_kind {
    XK_INVALID,     /* #UD */
    XK_LOAD,        /* fpbuf = size bytes at the operand; helper(arg) */
    XK_STORE,       /* helper(arg); unless it returns 1: size bytes from fpbuf to the operand */
    XK_ENV_LOAD,    /* fldenv/frstor: like XK_LOAD, helper(0, op16), image size from op16 */
    XK_ENV_STORE,   /* fnstenv/fnsave */
    XK_CALL,        /* helper(arg) */
    XK_FNSTSW_AX,
    XK_FCOMI,       /* eflags = helper(arg) */
    XK_FCMOV,       /* helper(arg, condition arg2 holds) */
    XK_WAIT,        /* fwait, fnop: only the pending-exception check */
    XK_NOP,         /* fneni, fndisi, fsetpm: nothing at all on a 387 or later */
};
enum {
    XKF_WAIT = 1,   /* a waiting instruction: #MF first if an unmasked exception is pending */
    XKF_STI = 2,    /* register forms: arg |= rm << 3 (i in bits 3..5) */
    XKF_POP = 4,    /* XK_STORE: pop after the store */
    XKF_CTRL = 8,   /* a control instruction: FIP/FOP/FDP keep their values */
};
struct x87_op {
    uint8_t kind;
    uint8_t size;
    uint8_t flags;
    uint16_t arg;
    uint16_t arg2;
    fpu_helper_fn helper;
};
/* The row for escape opcode D8..DF with this modrm byte (mod = 3: register forms). */
const struct x87_op *x87_decode(uint8_t opcode, uint8_t modrm);
/* The leaf fast path translated code calls first for a helper and its arg (arithmetic: one leaf
 * per operation, chosen here), or NULL (x87_fast.c). */
fpu_helper_fn x87_fast_entry(fpu_helper_fn helper, uint64_t arg);

/* --- MMX, SSE, SSE2 (sse_table.c, sse_helper.c, mmx_helper.c) --- */

/*
 * SSE helpers: helper(env, dst, src, aux). dst and src are byte offsets of registers (or of
 * fpbuf, holding a memory operand) in CPUX86State, or for some a value; aux is the row's arg
 * with the immediate byte in bits 16..23 and SA_XMM for 16-byte (XMM) operands. FP helpers
 * return nonzero for #XM (an unmasked SIMD exception; the destination is then unchanged).
 */
typedef uint64_t (*sse_helper_fn)(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
enum { SA_XMM = 1 << 8, SA_IMM_SHIFT = 16 };

/* Operand classes of modrm.reg and of modrm.rm (with mod = 3). */
enum sse_operand { OC_NONE, OC_XMM, OC_MMX, OC_GPR };
/* What the translator emits (sse.c). */
enum sse_kind {
    SK_INVALID,
    SK_OP,          /* reg = helper(reg, rm): rm read from memory into fpbuf first */
    SK_OP_RM,       /* shift-by-immediate groups: rm = helper(rm, -), no memory form */
    SK_MOV,         /* a move, emitted inline: see arg (SM_ fields) */
    SK_GPR_OUT,     /* GPR reg = helper(-, rm), e.g. movmskps, pmovmskb, cvtss2si */
    SK_GPR_IN,      /* reg = helper(reg, value of the GPR or memory rm), e.g. cvtsi2ss, pinsrw */
    SK_COMIS,       /* eflags = helper(reg, rm) */
    SK_LDMXCSR, SK_STMXCSR, SK_FXSAVE, SK_FXRSTOR,
    SK_FENCE,       /* lfence, mfence, sfence */
    SK_NOP,         /* prefetch, clflush */
    SK_EMMS,
    SK_MASKMOV,     /* maskmovq/maskmovdqu: read-modify-write of [edi] through the helper */
};
enum {
    SF_ALIGN = 1,   /* memory operand must be 16-byte aligned (#GP otherwise) */
    SF_IMM = 2,     /* an immediate byte follows */
    SF_MEM = 4,     /* memory form only (mod = 3 is #UD) */
    SF_REG = 8,     /* register form only */
    SF_STORE = 16,  /* SK_MOV: rm is the destination */
    SF_XM = 32,     /* the helper may raise #XM */
};
/* SK_MOV: arg = bytes | destination byte offset << 5 | source byte offset << 9, and whether the
 * rest of the destination register is cleared: always (SM_ZERO) or when the source is memory
 * (SM_ZERO_MEM, movss/movsd). */
enum { SM_BYTES = 31, SM_DST_SHIFT = 5, SM_SRC_SHIFT = 9, SM_ZERO = 1 << 13, SM_ZERO_MEM = 1 << 14 };
struct sse_op {
    uint8_t kind;
    uint8_t reg, rm;        /* enum sse_operand */
    uint8_t msize;          /* bytes of a memory operand */
    uint8_t flags;
    uint16_t arg;
    sse_helper_fn helper;
};
/* The row for opcode 0F xx with mandatory prefix pfx (0 none, 1 66, 2 F3, 3 F2) and modrm. */
const struct sse_op *sse_decode(int pfx, uint8_t opcode, uint8_t modrm);

/* Integer SIMD ops (mmx_helper.c): the low byte of aux. */
enum simd_int_op {
    SI_PADDB, SI_PADDW, SI_PADDD, SI_PADDQ, SI_PSUBB, SI_PSUBW, SI_PSUBD, SI_PSUBQ,
    SI_PADDSB, SI_PADDSW, SI_PADDUSB, SI_PADDUSW, SI_PSUBSB, SI_PSUBSW, SI_PSUBUSB, SI_PSUBUSW,
    SI_PMULLW, SI_PMULHW, SI_PMULHUW, SI_PMULUDQ, SI_PMADDWD, SI_PSADBW, SI_PAVGB, SI_PAVGW,
    SI_PMINUB, SI_PMAXUB, SI_PMINSW, SI_PMAXSW,
    SI_PCMPEQB, SI_PCMPEQW, SI_PCMPEQD, SI_PCMPGTB, SI_PCMPGTW, SI_PCMPGTD,
    SI_PAND, SI_PANDN, SI_POR, SI_PXOR,
    SI_PSRLW, SI_PSRLD, SI_PSRLQ, SI_PSRAW, SI_PSRAD, SI_PSLLW, SI_PSLLD, SI_PSLLQ,
    SI_PSRLWI, SI_PSRLDI, SI_PSRLQI, SI_PSRAWI, SI_PSRADI, SI_PSLLWI, SI_PSLLDI, SI_PSLLQI,
    SI_PSRLDQ, SI_PSLLDQ,
    SI_PACKSSWB, SI_PACKSSDW, SI_PACKUSWB,
    SI_PUNPCKLBW, SI_PUNPCKLWD, SI_PUNPCKLDQ, SI_PUNPCKLQDQ,
    SI_PUNPCKHBW, SI_PUNPCKHWD, SI_PUNPCKHDQ, SI_PUNPCKHQDQ,
    SI_PSHUFD, SI_PSHUFHW, SI_PSHUFLW, SI_PSHUFW, SI_SHUFPS, SI_SHUFPD,
    SI_PINSRW, SI_PEXTRW, SI_PMOVMSKB, SI_MOVMSKPS, SI_MOVMSKPD, SI_MASKMOV,
};
uint64_t helper_simd_int(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);

/* SSE floating point (sse_helper.c): aux = op | format << 5. */
enum sse_fp_op {
    SO_ADD, SO_SUB, SO_MUL, SO_DIV, SO_MIN, SO_MAX, SO_SQRT, SO_CMP, SO_RCP, SO_RSQRT,
};
enum sse_fmt { FM_PS, FM_PD, FM_SS, FM_SD };
#define SSE_FP(op, fmt) ((op) | (fmt) << 5)
/* Conversions: aux = kind. */
enum sse_cvt {
    CV_PS2PD, CV_PD2PS, CV_SS2SD, CV_SD2SS, CV_DQ2PS, CV_PS2DQ, CV_TPS2DQ, CV_DQ2PD, CV_PD2DQ,
    CV_TPD2DQ, CV_PI2PS, CV_PS2PI, CV_TPS2PI, CV_PI2PD, CV_PD2PI, CV_TPD2PI,
    CV_SI2SS, CV_SI2SD, CV_SS2SI, CV_TSS2SI, CV_SD2SI, CV_TSD2SI,
};
uint64_t helper_sse_fp(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
uint64_t helper_sse_cvt(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
/* helper_sse_fp's software path (sse_helper.c); the helper itself (sse_hostfp.c) first tries the
 * host FPU for add/sub/mul/div/sqrt, where that provably gives the same bits and flags. */
uint64_t sse_fp_soft(CPUX86State *env, XMMReg *dp, const XMMReg *sp, uint64_t aux);
/* rcpss/rsqrtss of one float as the reference CPU computes it (sse_approx.c). */
uint32_t sse_approx(struct sf_env *e, bool rsqrt, uint32_t a);
/* comiss/ucomiss (aux: 1 = double, 2 = unordered/quiet): eflags, or bit 63 for #XM. */
uint64_t helper_sse_comis(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
/* ldmxcsr: the value in fpbuf; returns 1 for #GP (reserved bits set). */
uint64_t helper_sse_ldmxcsr(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
uint64_t helper_sse_stmxcsr(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
uint64_t helper_sse_fxsave(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
uint64_t helper_sse_fxrstor(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux);
/* MMX state on entry to an MMX instruction: TOP = 0, every register valid (SDM vol. 1, 9.5.1). */
void mmx_enter(CPUX86State *env);

/* The translator's side needs DisasContext: include internal.h before this header for it. */
#ifdef XQM_TARGET_I386_INTERNAL_H
/* --- translator pieces shared by x87.c and sse.c --- */
bool x86_translate_x87(DisasContext *dc);
bool x86_translate_sse(DisasContext *dc);
/* #MF (x87, MMX) if an unmasked x87 exception is pending. */
void gen_fpu_pending_check(DisasContext *dc, int excp);
/* Raises excp at the current instruction when reg is nonzero (a shared per-TB exit). */
void gen_fpu_exception_if(DisasContext *dc, int excp, int reg);
/* Inline integer SIMD (sse_inline.c): dst = dst op src for a simd_int_op it knows, nbytes 8 or 16,
 * src an env offset or (addr >= 0) guest memory; false if op has no inline form. */
bool gen_sse_inline(DisasContext *dc, int op, int nbytes, int16_t dst, int16_t src, int addr, bool aligned);
void gen_pmovmskb(DisasContext *dc, int nbytes, int16_t src, int result);
const cs_x86_op *dc_mem_operand(const DisasContext *dc);
/* Moves size bytes between guest memory at addr and env->fpbuf (to_env: guest -> fpbuf); the
 * instruction's operand is span bytes (fxsave writes 288 of its 512). */
void gen_fpbuf_copy(DisasContext *dc, int addr, int size, int span, bool to_env);
/* helper(env, dst, src, aux) with constant dst/aux and src a constant or (src_reg >= 0) a register;
 * its result in `result` unless -1. */
void gen_sse_call(DisasContext *dc, sse_helper_fn fn, int result, uint32_t dst, int src_reg, uint32_t src,
                  uint32_t aux);
/* Inline host-FPU fast paths with the helper as slow path (sse_fpinline.c). src is an env offset,
 * or addr >= 0 holds the guest address of the memory operand. gen_sse_fp_inline handles scalar
 * add/sub/mul/div/sqrt (aux as helper_sse_fp takes it) and returns false for anything else;
 * gen_sse_comis_inline leaves helper_sse_comis's value (eflags, bit 63 = #XM) in result;
 * gen_sse_cvt_inline does cvtsi2sd of the GPR value and returns false for other conversions. */
bool gen_sse_fp_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr);
void gen_sse_comis_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr, int result);
bool gen_sse_cvt_inline(DisasContext *dc, uint32_t aux, int16_t dst, int value);
/* cvtss2sd/cvtsd2ss (register destination dst), cvt(t)sd2si/cvt(t)ss2si (the sign-extended 32-bit
 * integer in result); false for the other conversions. */
bool gen_sse_cvt_xmm_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr);
bool gen_sse_cvt_gpr_inline(DisasContext *dc, uint32_t aux, int16_t src, int addr, int result);
/* fn(env, arg, arg2_reg) with a constant arg; its result in `result` unless -1. */
void gen_fpu_call(DisasContext *dc, fpu_helper_fn fn, int result, uint32_t arg, int arg2_reg);
#endif

/* --- for the modes: FPU state in signal frames and at exec/signal entry --- */

/* The 108-byte fsave image (32-bit protected-mode layout), without fnsave's reinitialisation. */
void x86_fpu_save_fsave(CPUX86State *env, uint8_t dst[108]);
void x86_fpu_restore_fsave(CPUX86State *env, const uint8_t src[108]);
/* The 512-byte fxsave image; restore returns false if it holds an invalid MXCSR. */
void x86_fpu_save_fxsave(CPUX86State *env, uint8_t dst[512]);
bool x86_fpu_restore_fxsave(CPUX86State *env, const uint8_t src[512]);
/* The state Linux gives a new program or a signal handler: fninit, every x87 and XMM register zero,
 * MXCSR 0x1f80. */
void x86_fpu_reset(CPUX86State *env);
/* si_code of the SIGFPE for EXCP_MF/EXCP_XM, as Linux's fpu__exception_code computes it. */
int x86_fpu_sigfpe_code(const CPUX86State *env, int excp);

#endif
