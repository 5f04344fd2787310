/*
 * SSE and SSE2 floating point: packed and scalar arithmetic, min/max, compares, square roots,
 * conversions, comiss/ucomiss, and MXCSR (SDM vol. 1, chapters 10, 11; vol. 2 per instruction).
 *
 * Every lane goes through the software floats of softfloat.c with the MXCSR rounding mode, DAZ
 * and FTZ (add, sub, mul, div and sqrt of ordinary numbers through the host FPU instead, where
 * sse_hostfp.c shows it gives the same bits), and the SSE NaN rule (the first source operand's NaN wins, quieted; the default NaN is
 * negative). The lanes' exception flags are merged; when one of them is unmasked the instruction
 * writes nothing and raises #XM (SDM vol. 1, 11.5.2), else the flags go into MXCSR.
 */
#include <string.h>

#include "target/i386/fpu.h"

static struct sf_env sse_env(const CPUX86State *env)
{
    uint32_t m = env->mxcsr;
    uint8_t unmasked = (uint8_t)(~(m >> 7) & 0x3f);
    /* Flush-to-zero applies only while underflow is masked (SDM vol. 1, 10.2.3.3). */
    return (struct sf_env){ .round = (m >> 13) & 3, .prec = 64, .sse = true, .daz = (m >> 6) & 1,
                            .ftz = ((m >> 15) & 1) && !(unmasked & SF_UE), .unmasked = unmasked };
}

/* Commits an instruction's flags: true (#XM, write nothing) if one is unmasked. An unmasked
 * pre-computation exception (IE, DE, ZE) means no result was computed, so the post-computation
 * flags (OE, UE, PE) of the software computation are dropped, as on the hardware. */
static bool sse_raise(CPUX86State *env, const struct sf_env *e)
{
    unsigned flags = e->flags;
    if (flags & e->unmasked & (SF_IE | SF_DE | SF_ZE))
        flags &= SF_IE | SF_DE | SF_ZE;
    env->mxcsr |= flags;
    return (flags & e->unmasked) != 0;
}

static sf_val unpack(const struct sf_env *e, uint64_t bits, bool dbl)
{
    return dbl ? sf_unpack_f64(bits, e->daz) : sf_unpack_f32((uint32_t)bits, e->daz);
}

static uint64_t pack(struct sf_env *e, sf_res r, bool dbl)
{
    return dbl ? sf_pack_f64(e, r) : sf_pack_f32(e, r);
}

/* min/max: the second operand unless the first is strictly smaller (larger); any NaN is invalid
 * and returns the second operand as it is (SDM vol. 2, MINPS). */
static uint64_t minmax(struct sf_env *e, uint64_t a, uint64_t b, bool dbl, bool max)
{
    sf_val va = unpack(e, a, dbl), vb = unpack(e, b, dbl);
    /* With DAZ a denormal operand is returned as the zero it stands for. */
    uint64_t sign = dbl ? 1ull << 63 : 1ull << 31;
    if (va.cls == SF_ZERO)
        a &= sign;
    if (vb.cls == SF_ZERO)
        b &= sign;
    if (sf_is_nan(&va) || sf_is_nan(&vb)) {
        e->flags |= SF_IE;
        return b;
    }
    int c = sf_compare(e, va, vb, false);
    return (max ? c > 0 : c < 0) ? a : b;
}

static uint64_t compare(struct sf_env *e, uint64_t a, uint64_t b, bool dbl, int pred)
{
    /* lt, le, nlt, nle signal on QNaNs too. Only imm8[2:0] counts in the legacy encoding. */
    pred &= 7;
    bool signaling = pred == 1 || pred == 2 || pred == 5 || pred == 6;
    int c = sf_compare(e, unpack(e, a, dbl), unpack(e, b, dbl), signaling);
    bool r;
    switch (pred & 7) {
    case 0: r = c == 0; break;
    case 1: r = c == -1; break;
    case 2: r = c == -1 || c == 0; break;
    case 3: r = c == 2; break;
    case 4: r = c != 0; break;
    case 5: r = c != -1; break;
    case 6: r = c == 1 || c == 2; break;
    default: r = c != 2; break;
    }
    return r ? (dbl ? ~0ull : 0xffffffffull) : 0;
}


static uint64_t lane(struct sf_env *e, int op, bool dbl, uint64_t a, uint64_t b, int imm)
{
    sf_res r;
    switch (op) {
    case SO_MIN: return minmax(e, a, b, dbl, false);
    case SO_MAX: return minmax(e, a, b, dbl, true);
    case SO_CMP: return compare(e, a, b, dbl, imm);
    case SO_RCP:
    case SO_RSQRT: return sse_approx(e, op == SO_RSQRT, (uint32_t)b);
    default: break;
    }
    sf_val va = unpack(e, a, dbl), vb = unpack(e, b, dbl);
    switch (op) {
    case SO_ADD: r = sf_add(e, va, vb, false); break;
    case SO_SUB: r = sf_add(e, va, vb, true); break;
    case SO_MUL: r = sf_mul(e, va, vb); break;
    case SO_DIV: r = sf_div(e, va, vb); break;
    default: r = sf_sqrt(e, vb); break;
    }
    return pack(e, r, dbl);
}

uint64_t sse_fp_soft(CPUX86State *env, XMMReg *dp, const XMMReg *sp, uint64_t aux)
{
    int op = aux & 31, fmt = (aux >> 5) & 3, imm = (aux >> SA_IMM_SHIFT) & 0xff;
    XMMReg a = *dp, b = *sp, r = a;
    struct sf_env e = sse_env(env);
    switch (fmt) {
    case FM_PS:
        for (int i = 0; i < 4; i++)
            r.l[i] = (uint32_t)lane(&e, op, false, a.l[i], b.l[i], imm);
        break;
    case FM_PD:
        for (int i = 0; i < 2; i++)
            r.q[i] = lane(&e, op, true, a.q[i], b.q[i], imm);
        break;
    case FM_SS:
        r.l[0] = (uint32_t)lane(&e, op, false, a.l[0], b.l[0], imm);
        break;
    default:
        r.q[0] = lane(&e, op, true, a.q[0], b.q[0], imm);
        break;
    }
    if (sse_raise(env, &e))
        return 1;
    *dp = r;
    return 0;
}


/* Floating point to int32 by the MXCSR rounding mode or truncating; invalid gives 0x80000000. */
static uint32_t to_i32(struct sf_env *e, uint64_t bits, bool dbl, bool trunc)
{
    return (uint32_t)sf_to_int(e, unpack(e, bits, dbl), 32, trunc ? SF_RZ : e->round);
}

/* A float widened (exact but for NaNs and denormal operands) or narrowed (rounded). */
static uint64_t fconv(struct sf_env *e, uint64_t bits, bool from_dbl)
{
    sf_val v = unpack(e, bits, from_dbl);
    if (v.denormal)
        e->flags |= SF_DE;
    return pack(e, sf_nan_or_exact(e, v), !from_dbl);
}

static uint64_t from_i32(struct sf_env *e, int32_t v, bool dbl)
{
    return pack(e, sf_from_int(v), dbl);
}

uint64_t helper_sse_cvt(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    int kind = aux & 0xff;
    struct sf_env e = sse_env(env);
    XMMReg a = { .q = { 0, 0 } }, b = { .q = { 0, 0 } }, r;
    XMMReg *dp = (XMMReg *)((uint8_t *)env + dst);
    bool to_gpr = kind >= CV_SS2SI;
    if (!to_gpr)
        a = *dp;
    if (kind != CV_SI2SS && kind != CV_SI2SD)
        b = *(const XMMReg *)((const uint8_t *)env + src);
    r = a;
    int nbytes = 16;
    switch (kind) {
    case CV_PS2PD:
        r.q[0] = fconv(&e, b.l[0], false);
        r.q[1] = fconv(&e, b.l[1], false);
        break;
    case CV_PD2PS:
        r.l[0] = (uint32_t)fconv(&e, b.q[0], true);
        r.l[1] = (uint32_t)fconv(&e, b.q[1], true);
        r.q[1] = 0;
        break;
    case CV_SS2SD: r.q[0] = fconv(&e, b.l[0], false); break;
    case CV_SD2SS: r.l[0] = (uint32_t)fconv(&e, b.q[0], true); break;
    case CV_DQ2PS:
        for (int i = 0; i < 4; i++)
            r.l[i] = (uint32_t)from_i32(&e, (int32_t)b.l[i], false);
        break;
    case CV_PS2DQ:
    case CV_TPS2DQ:
        for (int i = 0; i < 4; i++)
            r.l[i] = to_i32(&e, b.l[i], false, kind == CV_TPS2DQ);
        break;
    case CV_DQ2PD:
    case CV_PI2PD:
        r.q[0] = from_i32(&e, (int32_t)b.l[0], true);
        r.q[1] = from_i32(&e, (int32_t)b.l[1], true);
        break;
    case CV_PD2DQ:
    case CV_TPD2DQ:
        r.l[0] = to_i32(&e, b.q[0], true, kind == CV_TPD2DQ);
        r.l[1] = to_i32(&e, b.q[1], true, kind == CV_TPD2DQ);
        r.q[1] = 0;
        break;
    case CV_PI2PS:
        r.l[0] = (uint32_t)from_i32(&e, (int32_t)b.l[0], false);
        r.l[1] = (uint32_t)from_i32(&e, (int32_t)b.l[1], false);
        break;
    case CV_PS2PI:
    case CV_TPS2PI:
        r.l[0] = to_i32(&e, b.l[0], false, kind == CV_TPS2PI);
        r.l[1] = to_i32(&e, b.l[1], false, kind == CV_TPS2PI);
        nbytes = 8;
        break;
    case CV_PD2PI:
    case CV_TPD2PI:
        r.l[0] = to_i32(&e, b.q[0], true, kind == CV_TPD2PI);
        r.l[1] = to_i32(&e, b.q[1], true, kind == CV_TPD2PI);
        nbytes = 8;
        break;
    case CV_SI2SS: r.l[0] = (uint32_t)from_i32(&e, (int32_t)src, false); break;
    case CV_SI2SD: r.q[0] = from_i32(&e, (int32_t)src, true); break;
    default: {
        /* To a GPR: the result in bits 0..31, #XM as bit 63. */
        bool dbl = kind == CV_SD2SI || kind == CV_TSD2SI;
        uint32_t v = to_i32(&e, dbl ? b.q[0] : b.l[0], dbl, kind == CV_TSS2SI || kind == CV_TSD2SI);
        return sse_raise(env, &e) ? 1ull << 63 : v;
    }
    }
    if (sse_raise(env, &e))
        return 1;
    dp->q[0] = r.q[0];
    if (nbytes == 16)
        dp->q[1] = r.q[1];
    return 0;
}

uint64_t helper_sse_comis(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    static const uint64_t flags[4] = { CC_C, CC_Z, 0, CC_Z | CC_P | CC_C };
    bool dbl = aux & 1, quiet = aux & 2;
    struct sf_env e = sse_env(env);
    uint64_t a = ((const XMMReg *)((const uint8_t *)env + dst))->q[0];
    uint64_t b = ((const XMMReg *)((const uint8_t *)env + src))->q[0];
    int c = sf_compare(&e, unpack(&e, a, dbl), unpack(&e, b, dbl), !quiet);
    if (sse_raise(env, &e))
        return 1ull << 63;
    return flags[c + 1];
}

uint64_t helper_sse_ldmxcsr(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    (void)dst;
    (void)src;
    (void)aux;
    uint32_t v = env->fpbuf[0].l[0];
    if (v & ~0xffffu)
        return 1;       /* #GP: reserved bits (SDM vol. 2, LDMXCSR) */
    env->mxcsr = v;
    return 0;
}

uint64_t helper_sse_stmxcsr(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    (void)dst;
    (void)src;
    (void)aux;
    env->fpbuf[0].l[0] = env->mxcsr;
    return 0;
}

uint64_t helper_sse_fxsave(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    (void)dst;
    (void)src;
    (void)aux;
    return helper_fxsave(env, 0, 0);
}

uint64_t helper_sse_fxrstor(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    (void)dst;
    (void)src;
    (void)aux;
    return helper_fxrstor(env, 0, 0);
}
