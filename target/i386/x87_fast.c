/*
 * Fast paths of the x87 helpers for the common case: add, subtract and multiply of normal
 * 80-bit numbers, and the conversions between float/double and 80 bits, in 64-bit integer
 * arithmetic instead of the general routines of softfloat.c.
 *
 * They compute the same correctly rounded results (by precision and rounding control) as the
 * general path, and give up (return false, having changed nothing) whenever anything unusual is
 * involved: a non-normal operand, a result outside the normal range, an exact zero result (whose
 * sign depends on the rounding mode), a subtraction of operands 64 or more binades apart. The
 * only exception they can raise is PE. Checked against the CPU with the rest of the helpers by
 * tests/unit/test_x87_native.c.
 */
#include "target/i386/fpu.h"

typedef unsigned __int128 u128;

#define ALWAYS_INLINE static inline __attribute__((always_inline))

ALWAYS_INLINE bool normal(const fx80 *v)
{
    return (uint16_t)((v->se & 0x7fff) - 1) < 0x7ffe && (v->sig >> 63);
}

/* PE, with the error summary when it is unmasked (the #MF comes at the next waiting instruction). */
ALWAYS_INLINE void report_inexact(CPUX86State *env)
{
    env->fpus |= SF_PE;
    if (!(env->fpuc & SF_PE))
        env->fpus |= FSW_ES | FSW_B;
}

/* Rounds hi:lo (value hi.lo * 2^(e - bias - 63)) to prec bits by rc; false if out of range. */
ALWAYS_INLINE bool round_pack(CPUX86State *env, bool sign, int32_t e, uint64_t hi, uint64_t lo, fx80 *out, bool *up)
{
    /* 64 - precision for PC = 0..3 (24, 64, 53, 64 bits), one byte each: no table in memory,
     * so the leaf entry points below need no gp. */
    int shift = (int)((0x000b0028u >> (8 * ((env->fpuc >> 8) & 3))) & 0xff), rc = (env->fpuc >> 10) & 3;
    uint64_t mask = shift ? (1ull << shift) - 1 : 0, rem = hi & mask;
    bool inexact, above, tie, inc;
    if (shift) {
        uint64_t half = 1ull << (shift - 1);
        inexact = rem || lo;
        above = rem > half || (rem == half && lo);
        tie = rem == half && !lo;
    } else {
        inexact = lo != 0;
        above = lo > 1ull << 63;
        tie = lo == 1ull << 63;
    }
    hi &= ~mask;
    switch (rc) {
    case SF_RN: inc = above || (tie && ((hi >> shift) & 1)); break;
    case SF_RD: inc = inexact && sign; break;
    case SF_RU: inc = inexact && !sign; break;
    default: inc = false; break;
    }
    if (inc) {
        hi += 1ull << shift;
        if (!hi) {
            hi = 1ull << 63;
            e++;
        }
    }
    if (e < 1 || e > X80_EMAX)
        return false;
    if (inexact)
        report_inexact(env);
    *up = inc;
    out->sig = hi;
    out->se = (uint16_t)((sign ? 0x8000 : 0) | e);
    return true;
}

ALWAYS_INLINE bool fast_arith(CPUX86State *env, int op, const fx80 *x, const fx80 *y, fx80 *out, bool *up)
{
    if (!normal(x) || !normal(y))
        return false;
    const fx80 *a = x, *b = y;
    bool sa = a->se >> 15, sb = b->se >> 15;
    int32_t ea = a->se & 0x7fff, eb = b->se & 0x7fff;
    uint64_t hi, lo;
    switch (op) {
    case XO_MUL: {
        u128 p = (u128)a->sig * b->sig;
        hi = (uint64_t)(p >> 64);
        lo = (uint64_t)p;
        int32_t e = ea + eb - X80_BIAS;
        if (hi >> 63) {
            e++;
        } else {
            hi = hi << 1 | lo >> 63;
            lo <<= 1;
        }
        return round_pack(env, sa ^ sb, e, hi, lo, out, up);
    }
    case XO_SUBR:
        sa ^= 1;            /* b - a */
        break;
    case XO_SUB:
        sb ^= 1;
        break;
    case XO_ADD:
        break;
    default:
        return false;
    }
    /* a gets the larger magnitude. */
    if (ea < eb || (ea == eb && a->sig < b->sig)) {
        const fx80 *t = a;
        a = b;
        b = t;
        bool ts = sa;
        sa = sb;
        sb = ts;
        int32_t te = ea;
        ea = eb;
        eb = te;
    }
    int32_t d = ea - eb, e = ea;
    uint64_t ma = a->sig, mb = b->sig;
    if (sa == sb) {
        if (d >= 128) {
            hi = ma;
            lo = 1;         /* sticky */
        } else if (d >= 64) {
            hi = ma;
            lo = d == 64 ? mb : (mb >> (d - 64)) | ((mb << (128 - d)) != 0);
        } else {
            uint64_t bh = d ? mb >> d : mb, bl = d ? mb << (64 - d) : 0, s = ma + bh;
            if (s < ma) {   /* carry: one more binade */
                lo = s << 63 | bl >> 1 | (bl & 1);
                hi = s >> 1 | 1ull << 63;
                e++;
            } else {
                hi = s;
                lo = bl;
            }
        }
    } else {
        if (d >= 64)
            return false;
        uint64_t bh = d ? mb >> d : mb, bl = d ? mb << (64 - d) : 0;
        lo = 0 - bl;
        hi = ma - bh - (bl != 0);
        if (!hi)
            return false;   /* an exact zero, or 64+ bits of cancellation */
        int n = __builtin_clzll(hi);
        if (n) {
            hi = hi << n | lo >> (64 - n);
            lo <<= n;
            e -= n;
        }
    }
    return round_pack(env, sa, e, hi, lo, out, up);
}

bool x87_fast_arith(CPUX86State *env, int op, const fx80 *x, const fx80 *y, fx80 *out, bool *up)
{
    return fast_arith(env, op, x, y, out, up);
}

/* A normal float or double as an 80-bit value (exact). */
ALWAYS_INLINE bool from_ieee(uint64_t bits, bool dbl, fx80 *out)
{
    int fbits = dbl ? 52 : 23, bias = dbl ? 1023 : 127;
    uint32_t emax = dbl ? 0x7ff : 0xff;
    uint32_t e = (uint32_t)(bits >> fbits) & emax;
    if (e == 0 || e == emax)
        return false;
    out->sig = 1ull << 63 | (bits & ((1ull << fbits) - 1)) << (63 - fbits);
    out->se = (uint16_t)((bits >> (fbits + (dbl ? 11 : 8)) & 1) << 15 | (e - bias + X80_BIAS));
    return true;
}

bool x87_fast_from_ieee(uint64_t bits, bool dbl, fx80 *out)
{
    return from_ieee(bits, dbl, out);
}

/* A normal 80-bit value rounded to a normal float or double by RC (fst m32/m64). */
ALWAYS_INLINE bool to_ieee(CPUX86State *env, const fx80 *v, bool dbl, uint64_t *bits, bool *up)
{
    if (!normal(v))
        return false;
    int fbits = dbl ? 52 : 23, bias = dbl ? 1023 : 127, shift = 63 - fbits;
    int32_t e = (v->se & 0x7fff) - X80_BIAS + bias;
    if (e < 1 || e > (dbl ? 0x7fe : 0xfe))
        return false;
    bool sign = v->se >> 15, inc;
    int rc = (env->fpuc >> 10) & 3;
    uint64_t sig = v->sig, mask = (1ull << shift) - 1, rem = sig & mask, half = 1ull << (shift - 1);
    sig >>= shift;
    switch (rc) {
    case SF_RN: inc = rem > half || (rem == half && (sig & 1)); break;
    case SF_RD: inc = rem && sign; break;
    case SF_RU: inc = rem && !sign; break;
    default: inc = false; break;
    }
    sig += inc;
    if (sig >> (fbits + 1)) {   /* rounded up to the next binade */
        sig >>= 1;
        e++;
        if (e > (dbl ? 0x7fe : 0xfe))
            return false;
    }
    if (rem)
        report_inexact(env);
    *up = inc;
    *bits = (uint64_t)sign << (dbl ? 63 : 31) | (uint64_t)e << fbits | (sig & ((1ull << fbits) - 1));
    return true;
}

/*
 * A normal 80-bit value of magnitude 1 or more rounded to a 16/32/64-bit integer by RC, or toward
 * zero (fisttp), when the result fits (fist/fistp/fisttp m16/m32/m64). *up: the magnitude was
 * rounded up (C1).
 */
ALWAYS_INLINE bool to_int(CPUX86State *env, const fx80 *v, int bits, bool chop, uint64_t *out, bool *up)
{
    int32_t e = (v->se & 0x7fff) - X80_BIAS;
    if (!normal(v) || e < 0 || e >= bits)
        return false;
    bool sign = v->se >> 15, inc;
    int shift = 63 - e, rc = chop ? SF_RZ : (env->fpuc >> 10) & 3;
    uint64_t ip = v->sig >> shift;                 /* shift 0..63 */
    uint64_t rem = shift ? v->sig & ((1ull << shift) - 1) : 0, half = shift ? 1ull << (shift - 1) : 0;
    if (!rem)
        inc = false;                                /* also shift 0, where half is 0 */
    else if (rc == SF_RN)
        inc = rem > half || (rem == half && (ip & 1));
    else
        inc = rc == (sign ? SF_RD : SF_RU);
    ip += inc;
    if (ip > (1ull << (bits - 1)) - !sign)
        return false;
    if (rem)
        report_inexact(env);
    *up = inc;
    *out = sign ? 0 - ip : ip;
    return true;
}

/*
 * Leaf entry points translated code calls before the general helpers: fadd/fmul/fsub/fsubr of two
 * full registers, or of ST(0) and a float/double memory operand, straight through the code above
 * in one flat function (no frame, no unpacking), and fcomi/fucomi(p) of two normal numbers. They
 * return what the general helper would (0, or fcomi's eflags) when done; X87_FAST_DECLINED when
 * anything else is involved or the fast arithmetic refuses, having changed nothing, and
 * translated code then calls the general helper. Arithmetic keeps C0, C2 and C3 and sets C1 to
 * "rounded up" (SDM vol. 1, 8.1.3.1).
 */
ALWAYS_INLINE void pop(CPUX86State *env, unsigned top)
{
    env->fptag_empty[top] = 1;
    env->fpstt = (top + 1) & 7;
}

ALWAYS_INLINE void commit(CPUX86State *env, fx80 *dst, fx80 r, bool up)
{
    dst->sig = r.sig;
    dst->se = r.se;
    env->fpus = (uint16_t)((env->fpus & ~FSW_C1) | (up ? FSW_C1 : 0));
}

/* Operation numbers packed 4 bits each, indexed by modrm.reg (15: not a fast operation). With
 * ST(i) as destination the reversed forms swap operands (SDM vol. 2, FSUBR). */
enum { NOT_FAST = 15 };
#define OP_MAP(o0, o1, o4, o5) \
    ((uint32_t)(o0) | (uint32_t)(o1) << 4 | 0xffu << 8 | (uint32_t)(o4) << 16 | (uint32_t)(o5) << 20 | 0xffu << 24)
static const uint32_t to_st0_ops = OP_MAP(XO_ADD, XO_MUL, XO_SUB, XO_SUBR);
static const uint32_t to_sti_ops = OP_MAP(XO_ADD, XO_MUL, XO_SUBR, XO_SUB);

/* The operation of an arith_reg/arith_mem arg: XO_*, or NOT_FAST. */
static int arith_op(uint64_t arg, bool mem)
{
    return (int)(((!mem && (arg & XA_TO_STI) ? to_sti_ops : to_st0_ops) >> (4 * (arg & 7))) & 15);
}

/* fadd/fmul/fsub/fsubr with register operands, the operation op known to the caller (the
 * translator picks the entry point below for it, so none of this decodes it at run time). */
ALWAYS_INLINE uint64_t arith_reg(CPUX86State *env, uint64_t arg, int op)
{
    unsigned p0 = env->fpstt & 7, pi = (p0 + (arg >> 3)) & 7;
    if (env->fptag_empty[p0] || env->fptag_empty[pi])
        return X87_FAST_DECLINED;
    unsigned pd = arg & XA_TO_STI ? pi : p0, ps = arg & XA_TO_STI ? p0 : pi;
    fx80 r;
    bool up;
    if (!fast_arith(env, op, &env->fpregs[pd], &env->fpregs[ps], &r, &up))
        return X87_FAST_DECLINED;
    commit(env, &env->fpregs[pd], r, up);
    if (arg & XA_POP)
        pop(env, p0);
    return 0;
}

/* The same with a float/double memory operand in fpbuf. */
ALWAYS_INLINE uint64_t arith_mem(CPUX86State *env, uint64_t arg, int op)
{
    int fmt = (int)(arg >> 3);
    unsigned p0 = env->fpstt & 7;
    fx80 m, r;
    bool up;
    if ((fmt != XF_F64 && fmt != XF_F32) || env->fptag_empty[p0] ||
        !from_ieee(fmt == XF_F64 ? env->fpbuf[0].q[0] : env->fpbuf[0].l[0], fmt == XF_F64, &m) ||
        !fast_arith(env, op, &env->fpregs[p0], &m, &r, &up))
        return X87_FAST_DECLINED;
    commit(env, &env->fpregs[p0], r, up);
    return 0;
}

static uint64_t fast_add_reg(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_reg(env, arg, XO_ADD); }
static uint64_t fast_mul_reg(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_reg(env, arg, XO_MUL); }
static uint64_t fast_sub_reg(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_reg(env, arg, XO_SUB); }
static uint64_t fast_subr_reg(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_reg(env, arg, XO_SUBR); }
static uint64_t fast_add_mem(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_mem(env, arg, XO_ADD); }
static uint64_t fast_mul_mem(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_mem(env, arg, XO_MUL); }
static uint64_t fast_sub_mem(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_mem(env, arg, XO_SUB); }
static uint64_t fast_subr_mem(CPUX86State *env, uint64_t arg, uint64_t u) { (void)u; return arith_mem(env, arg, XO_SUBR); }

/* The arithmetic leaf for an operation, or NULL when it has none (division). */
static fpu_helper_fn arith_entry(int op, bool mem)
{
    switch (op) {
    case XO_ADD: return mem ? fast_add_mem : fast_add_reg;
    case XO_MUL: return mem ? fast_mul_mem : fast_mul_reg;
    case XO_SUB: return mem ? fast_sub_mem : fast_sub_reg;
    case XO_SUBR: return mem ? fast_subr_mem : fast_subr_reg;
    default: return NULL;
    }
}

/* fcomi/fcomip/fucomi/fucomip of two normal numbers: no exception is possible (IE needs a NaN or
 * an unsupported encoding, DE a denormal), so only ZF and CF, the pop, and C1 kept. Normal
 * numbers of one sign are ordered by (exponent, significand) as one unsigned 80-bit number. */
uint64_t x87_fast_fcomi(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    unsigned p0 = env->fpstt & 7, pi = (p0 + (arg >> 3)) & 7;
    const fx80 *a = &env->fpregs[p0], *b = &env->fpregs[pi];
    if (env->fptag_empty[p0] || env->fptag_empty[pi] || !normal(a) || !normal(b))
        return X87_FAST_DECLINED;
    bool sa = a->se >> 15, sb = b->se >> 15;
    unsigned ea = a->se & 0x7fff, eb = b->se & 0x7fff;
    uint64_t flags;
    if (ea == eb && a->sig == b->sig && sa == sb)
        flags = CC_Z;
    else if (sa != sb)
        flags = sa ? CC_C : 0;
    else
        flags = ((ea < eb || (ea == eb && a->sig < b->sig)) != sa) ? CC_C : 0;
    if (arg & XA_POP)
        pop(env, p0);
    return flags;
}

/*
 * The register moves and float/double loads when no stack fault is possible (their source full,
 * their destination slot free or, for fst, any): the value moves unchanged and C1 is cleared
 * (SDM vol. 2, FLD, FXCH, FST: "C1 set to 0 if stack underflow occurred", no other exception).
 */
ALWAYS_INLINE void push(CPUX86State *env, unsigned slot, uint64_t sig, uint16_t se)
{
    env->fpregs[slot].sig = sig;
    env->fpregs[slot].se = se;
    env->fptag_empty[slot] = 0;
    env->fpstt = slot;
    env->fpus &= (uint16_t)~FSW_C1;
}

uint64_t x87_fast_fld_sti(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    unsigned p0 = env->fpstt & 7, pi = (p0 + (arg >> 3)) & 7, pn = (p0 - 1) & 7;
    if (env->fptag_empty[pi] || !env->fptag_empty[pn])
        return X87_FAST_DECLINED;
    push(env, pn, env->fpregs[pi].sig, env->fpregs[pi].se);
    return 0;
}

uint64_t x87_fast_load(CPUX86State *env, uint64_t fmt, uint64_t unused)
{
    (void)unused;
    unsigned pn = (env->fpstt - 1) & 7;
    fx80 v;
    if ((fmt != XF_F64 && fmt != XF_F32) || !env->fptag_empty[pn] ||
        !from_ieee(fmt == XF_F64 ? env->fpbuf[0].q[0] : env->fpbuf[0].l[0], fmt == XF_F64, &v))
        return X87_FAST_DECLINED;
    push(env, pn, v.sig, v.se);
    return 0;
}

uint64_t x87_fast_fxch(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    unsigned p0 = env->fpstt & 7, pi = (p0 + (arg >> 3)) & 7;
    if (env->fptag_empty[p0] || env->fptag_empty[pi])
        return X87_FAST_DECLINED;
    fx80 *a = &env->fpregs[p0], *b = &env->fpregs[pi];
    uint64_t sig = a->sig;
    uint16_t se = a->se;
    a->sig = b->sig;
    a->se = b->se;
    b->sig = sig;
    b->se = se;
    env->fpus &= (uint16_t)~FSW_C1;
    return 0;
}

uint64_t x87_fast_fst_sti(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    unsigned p0 = env->fpstt & 7, pi = (p0 + (arg >> 3)) & 7;
    if (env->fptag_empty[p0])
        return X87_FAST_DECLINED;
    env->fpregs[pi].sig = env->fpregs[p0].sig;
    env->fpregs[pi].se = env->fpregs[p0].se;
    env->fptag_empty[pi] = 0;
    env->fpus &= (uint16_t)~FSW_C1;
    if (arg & XA_POP)
        pop(env, p0);
    return 0;
}

/* fst/fstp m32/m64 and fist/fistp/fisttp of normal values into fpbuf (the translated code stores
 * fpbuf and pops). */
uint64_t x87_fast_store(CPUX86State *env, uint64_t fmt, uint64_t unused)
{
    (void)unused;
    unsigned p0 = env->fpstt & 7;
    const fx80 *v = &env->fpregs[p0];
    uint64_t bits;
    bool up, ok;
    if (env->fptag_empty[p0])
        return X87_FAST_DECLINED;
    if (fmt == XF_F64 || fmt == XF_F32)
        ok = to_ieee(env, v, fmt == XF_F64, &bits, &up);
    else if (fmt == XF_I16 || fmt == XF_I16T)
        ok = to_int(env, v, 16, fmt == XF_I16T, &bits, &up);
    else if (fmt == XF_I32 || fmt == XF_I32T)
        ok = to_int(env, v, 32, fmt == XF_I32T, &bits, &up);
    else if (fmt == XF_I64 || fmt == XF_I64T)
        ok = to_int(env, v, 64, fmt == XF_I64T, &bits, &up);
    else
        ok = false;
    if (!ok)
        return X87_FAST_DECLINED;
    env->fpbuf[0].q[0] = bits;
    env->fpus = (uint16_t)((env->fpus & ~FSW_C1) | (up ? FSW_C1 : 0));
    return 0;
}

fpu_helper_fn x87_fast_entry(fpu_helper_fn helper, uint64_t arg)
{
    static const struct { fpu_helper_fn helper, fast; } entries[] = {
        { helper_x87_fld_sti, x87_fast_fld_sti }, { helper_x87_load, x87_fast_load },
        { helper_x87_fxch, x87_fast_fxch }, { helper_x87_fst_sti, x87_fast_fst_sti },
        { helper_x87_fcomi, x87_fast_fcomi }, { helper_x87_store, x87_fast_store },
    };
    if (helper == helper_x87_arith_reg || helper == helper_x87_arith_mem) {
        bool mem = helper == helper_x87_arith_mem;
        return arith_entry(arith_op(arg, mem), mem);
    }
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        if (entries[i].helper == helper)
            return entries[i].fast;
    }
    return NULL;
}
