/*
 * The fast path of SSE arithmetic: add, sub, mul, div and sqrt of normal (or zero) operands on
 * the host's own FPU.
 *
 * Why it is exact: IEEE 754 defines these five operations as the correctly rounded exact result
 * in the current rounding mode, and both the MIPS FPU and SSE implement them so; the encodings of
 * normal numbers and zeros are the same. What differs between the two is only at the edges: NaN
 * encodings (legacy MIPS NaNs have the quiet bit inverted) and their propagation rules,
 * denormals (DAZ, FTZ, MIPS flush-to-zero), infinities and the exception flags of overflow and
 * underflow. So the fast path takes only operands that are normal numbers or zeros (no division
 * by zero, no square root of a negative), and accepts only results that are normal numbers (or
 * exact zeros from an exact cancellation); everything else goes the software way. Its only
 * possible exception is PE, read from the host's flags; a PE that is unmasked also goes the
 * software way so the #XM comes out exactly as there.
 *
 * On MIPS the operation runs as inline assembly between ctc1/cfc1 of FCSR, so the compiler cannot
 * move it across them. On x86-64 (the native unit test) MXCSR plays the same role.
 */
#include "target/i386/fpu.h"

#if defined(__mips__)
enum { HOST_INEXACT = 1 << 2, HOST_FLAGS = 0x7c };
/* x86 RC (nearest, down, up, zero) as MIPS FCSR RM (nearest, zero, up, down). */
static const uint8_t host_rm[4] = { 0, 3, 2, 1 };

static uint32_t host_begin(int rc)
{
    uint32_t old;
    __asm__ volatile("cfc1 %0, $31" : "=r"(old));
    uint32_t v = (old & ~(3u | HOST_FLAGS | (1u << 24))) | host_rm[rc];
    __asm__ volatile("ctc1 %0, $31" : : "r"(v));
    return old;
}

static uint32_t host_end(uint32_t old)
{
    uint32_t v;
    __asm__ volatile("cfc1 %0, $31" : "=r"(v));
    __asm__ volatile("ctc1 %0, $31" : : "r"(old));
    return v;
}

#define OP_D(insn, a, b) ({ double r_; __asm__ volatile(insn " %0, %1, %2" : "=f"(r_) : "f"(a), "f"(b)); r_; })
#define OP_S(insn, a, b) ({ float r_; __asm__ volatile(insn " %0, %1, %2" : "=f"(r_) : "f"(a), "f"(b)); r_; })
#define SQRT_D(a) ({ double r_; __asm__ volatile("sqrt.d %0, %1" : "=f"(r_) : "f"(a)); r_; })
#define SQRT_S(a) ({ float r_; __asm__ volatile("sqrt.s %0, %1" : "=f"(r_) : "f"(a)); r_; })
#define HAVE_HOST_FP 1
#elif defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
enum { HOST_INEXACT = 1 << 5, HOST_FLAGS = 0x3f };

static uint32_t host_begin(int rc)
{
    uint32_t old = _mm_getcsr();
    _mm_setcsr((old & ~(0x6000u | HOST_FLAGS | 0x8040u)) | (uint32_t)rc << 13);
    return old;
}

static uint32_t host_end(uint32_t old)
{
    uint32_t v = _mm_getcsr();
    _mm_setcsr(old);
    return v;
}

static double op_d(int op, double a, double b)
{
    __m128d x = _mm_set_sd(a), y = _mm_set_sd(b), r;
    switch (op) {
    case SO_ADD: r = _mm_add_sd(x, y); break;
    case SO_SUB: r = _mm_sub_sd(x, y); break;
    case SO_MUL: r = _mm_mul_sd(x, y); break;
    case SO_DIV: r = _mm_div_sd(x, y); break;
    default: r = _mm_sqrt_sd(y, y); break;
    }
    __asm__ volatile("" : "+x"(r));
    return _mm_cvtsd_f64(r);
}

static float op_s(int op, float a, float b)
{
    __m128 x = _mm_set_ss(a), y = _mm_set_ss(b), r;
    switch (op) {
    case SO_ADD: r = _mm_add_ss(x, y); break;
    case SO_SUB: r = _mm_sub_ss(x, y); break;
    case SO_MUL: r = _mm_mul_ss(x, y); break;
    case SO_DIV: r = _mm_div_ss(x, y); break;
    default: r = _mm_sqrt_ss(y); break;
    }
    __asm__ volatile("" : "+x"(r));
    return _mm_cvtss_f32(r);
}
#define HAVE_HOST_FP 1
#endif

#ifdef HAVE_HOST_FP
#include <string.h>

/* Normal or zero: the exponent field neither all zeros (unless the whole value is zero) nor all ones. */
static inline __attribute__((always_inline)) bool plain(uint64_t bits, bool dbl)
{
    uint64_t e = dbl ? (bits >> 52) & 0x7ff : (bits >> 23) & 0xff, emax = dbl ? 0x7ff : 0xff;
    uint64_t mag = dbl ? bits << 1 : (bits << 33);
    return e != emax && (e != 0 || mag == 0);
}

static inline __attribute__((always_inline)) bool is_zero(uint64_t bits, bool dbl)
{
    return dbl ? !(bits << 1) : !(bits << 33);
}

/* Whether an operand pair may take the fast path. */
static inline __attribute__((always_inline)) bool operands_ok(int op, bool dbl, uint64_t a, uint64_t b)
{
    if ((op != SO_SQRT && !plain(a, dbl)) || !plain(b, dbl))
        return false;
    if (op == SO_DIV && is_zero(b, dbl))
        return false;
    return op != SO_SQRT || !(b >> (dbl ? 63 : 31)) || is_zero(b, dbl);
}

static uint64_t lane_d(int op, uint64_t a, uint64_t b)
{
    double x, y, z;
    uint64_t r;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
#if defined(__mips__)
    switch (op) {
    case SO_ADD: z = OP_D("add.d", x, y); break;
    case SO_SUB: z = OP_D("sub.d", x, y); break;
    case SO_MUL: z = OP_D("mul.d", x, y); break;
    case SO_DIV: z = OP_D("div.d", x, y); break;
    default: z = SQRT_D(y); break;
    }
#else
    z = op_d(op, x, y);
#endif
    memcpy(&r, &z, 8);
    return r;
}

static uint64_t lane_s(int op, uint64_t a, uint64_t b)
{
    float x, y, z;
    uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, r;
    memcpy(&x, &a32, 4);
    memcpy(&y, &b32, 4);
#if defined(__mips__)
    switch (op) {
    case SO_ADD: z = OP_S("add.s", x, y); break;
    case SO_SUB: z = OP_S("sub.s", x, y); break;
    case SO_MUL: z = OP_S("mul.s", x, y); break;
    case SO_DIV: z = OP_S("div.s", x, y); break;
    default: z = SQRT_S(y); break;
    }
#else
    z = op_s(op, x, y);
#endif
    memcpy(&r, &z, 4);
    return r;
}

/* Normal results, or zeros that are exact (x - x, or a zero operand), and no flag but inexact
 * may be kept: anything else (overflow, also to the largest finite value when rounding towards
 * zero; underflow; an inexact zero) needs the flags only the software path produces. */
static inline __attribute__((always_inline)) bool result_ok(uint32_t flags, uint64_t r, bool dbl)
{
    return !(flags & HOST_FLAGS & ~HOST_INEXACT) && plain(r, dbl) && !(is_zero(r, dbl) && (flags & HOST_INEXACT));
}

/* Commits the PE of an inexact result: false if PE is unmasked (the software path raises #XM). */
static bool commit_pe(CPUX86State *env, uint32_t mxcsr, uint32_t flags)
{
    if (!(flags & HOST_INEXACT))
        return true;
    if (!(mxcsr & (SF_PE << 7)))
        return false;
    env->mxcsr = mxcsr | SF_PE;
    return true;
}

/* The scalar forms, which -mfpmath=sse code runs all the time, straight through. */
static bool scalar_d(CPUX86State *env, int op, XMMReg *dst, const XMMReg *src)
{
    uint64_t a = dst->q[0], b = src->q[0];
    if (!operands_ok(op, true, a, b))
        return false;
    uint32_t mxcsr = env->mxcsr, old = host_begin((mxcsr >> 13) & 3);
    uint64_t r = lane_d(op, a, b);
    uint32_t flags = host_end(old);
    if (!result_ok(flags, r, true) || !commit_pe(env, mxcsr, flags))
        return false;
    dst->q[0] = r;
    return true;
}

static bool scalar_s(CPUX86State *env, int op, XMMReg *dst, const XMMReg *src)
{
    uint64_t a = dst->l[0], b = src->l[0];
    if (!operands_ok(op, false, a, b))
        return false;
    uint32_t mxcsr = env->mxcsr, old = host_begin((mxcsr >> 13) & 3);
    uint64_t r = lane_s(op, a, b);
    uint32_t flags = host_end(old);
    if (!result_ok(flags, r, false) || !commit_pe(env, mxcsr, flags))
        return false;
    dst->l[0] = (uint32_t)r;
    return true;
}

static __attribute__((noinline)) bool packed(CPUX86State *env, int op, int fmt, XMMReg *dst, const XMMReg *src)
{
    bool dbl = fmt == FM_PD;
    int lanes = fmt == FM_PS ? 4 : fmt == FM_PD ? 2 : 1;
    uint64_t a[4], b[4], r[4];
    for (int i = 0; i < lanes; i++) {
        a[i] = dbl ? dst->q[i] : dst->l[i];
        b[i] = dbl ? src->q[i] : src->l[i];
        if (!operands_ok(op, dbl, a[i], b[i]))
            return false;
    }
    uint32_t mxcsr = env->mxcsr, old = host_begin((mxcsr >> 13) & 3);
    for (int i = 0; i < lanes; i++)
        r[i] = dbl ? lane_d(op, a[i], b[i]) : lane_s(op, a[i], b[i]);
    uint32_t flags = host_end(old);
    for (int i = 0; i < lanes; i++) {
        if (!result_ok(flags, r[i], dbl))
            return false;
    }
    if (!commit_pe(env, mxcsr, flags))
        return false;
    for (int i = 0; i < lanes; i++) {
        if (dbl)
            dst->q[i] = r[i];
        else
            dst->l[i] = (uint32_t)r[i];
    }
    return true;
}

static inline __attribute__((always_inline)) bool host_op(CPUX86State *env, int op, int fmt, XMMReg *dst,
                                                         const XMMReg *src)
{
    if (op > SO_DIV && op != SO_SQRT)
        return false;
    if (fmt == FM_SD)
        return scalar_d(env, op, dst, src);
    if (fmt == FM_SS)
        return scalar_s(env, op, dst, src);
    return packed(env, op, fmt, dst, src);
}

#else
static bool host_op(CPUX86State *env, int op, int fmt, XMMReg *dst, const XMMReg *src)
{
    (void)env;
    (void)op;
    (void)fmt;
    (void)dst;
    (void)src;
    return false;
}
#endif

/* The SSE arithmetic helper: the host FPU's fast path, else the software path of sse_helper.c
 * (a tail call, so the fast path pays for no stack frame). */
uint64_t helper_sse_fp(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    XMMReg *dp = (XMMReg *)((uint8_t *)env + dst);
    const XMMReg *sp = (const XMMReg *)((const uint8_t *)env + src);
    if (host_op(env, aux & 31, (aux >> 5) & 3, dp, sp))
        return 0;
    return sse_fp_soft(env, dp, sp, aux);
}
