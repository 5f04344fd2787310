/*
 * The rest of the x87 arithmetic: the constants (fld1, fldpi...), fxtract, fscale, fprem/fprem1,
 * and packed BCD (fbld/fbstp). Choices the SDM leaves open follow this project's reference CPU
 * (AMD), as measured by tests/unit/test_x87_native.c: see each function.
 */
#include "target/i386/fpu.h"

#define ST(n) (env->fpregs[(env->fpstt + (n)) & 7])

typedef unsigned __int128 u128;

static sf_res konst(uint64_t hi, uint64_t lo, int32_t exp)
{
    return (sf_res){ .cls = SF_NORMAL, .exp = exp, .hi = hi, .lo = lo | 1 };
}

/* The constants to 128 bits; the low bit is sticky (they are irrational), so rounding them by RC
 * gives what the hardware loads (SDM vol. 1, 8.3.8). */
static sf_res constant(int op)
{
    switch (op) {
    case XU_FLD1: return (sf_res){ .cls = SF_NORMAL, .hi = 1ull << 63 };
    case XU_FLDL2T: return konst(0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull, 1);
    case XU_FLDL2E: return konst(0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull, 0);
    case XU_FLDPI: return konst(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 1);
    case XU_FLDLG2: return konst(0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull, -2);
    case XU_FLDLN2: return konst(0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1);
    default: return (sf_res){ .cls = SF_ZERO };
    }
}

/* fxtract: ST(0) = exponent, then push the significand (SDM vol. 2, FXTRACT). */
static void fxtract(CPUX86State *env)
{
    if (x87_st_empty(env, 0)) {
        /* Both results become the indefinite, even over a full ST(7) (reference CPU). */
        if (x87_stack_fault(env, false)) {
            x87_write_st(env, 0, X80_INDEFINITE);
            x87_push(env, X80_INDEFINITE);
        }
        return;
    }
    if (!x87_st_empty(env, 7)) {
        if (x87_stack_fault(env, true)) {
            x87_write_st(env, 0, X80_INDEFINITE);
            x87_push(env, X80_INDEFINITE);
        }
        return;
    }
    struct sf_env e = x87_sf_env(env);
    sf_val a = sf_unpack_x80(ST(0));
    fx80 expo, sig;
    uint16_t s = a.sign ? 0x8000 : 0;
    switch (a.cls) {
    case SF_ZERO:
        e.flags |= SF_ZE;
        expo = (fx80){ .sig = 1ull << 63, .se = 0xffff };
        sig = ST(0);
        break;
    case SF_INF:
        expo = (fx80){ .sig = 1ull << 63, .se = 0x7fff };
        sig = ST(0);
        break;
    case SF_NORMAL:
        if (a.denormal)
            e.flags |= SF_DE;
        expo = x87_from_int(a.exp);
        sig = (fx80){ .sig = a.sig, .se = s | X80_BIAS };
        break;
    case SF_UNSUPPORTED:
        e.flags |= SF_IE;
        expo = sig = X80_INDEFINITE;
        break;
    default:
        expo = sig = sf_pack_x80(&e, sf_nan1(&e, a));
        break;
    }
    x87_set_cc(env, FSW_C1, 0);
    if (!x87_raise(env, e.flags)) {
        x87_write_st(env, 0, expo);
        x87_push(env, sig);
    }
}

/* fscale: ST(0) * 2^trunc(ST(1)), rounded to 64 bits (SDM vol. 2, FSCALE, table 3-45). */
static void fscale(CPUX86State *env)
{
    struct sf_env e = x87_sf_env(env);
    sf_val a = sf_unpack_x80(ST(0)), b = sf_unpack_x80(ST(1));
    sf_res r;
    if (a.cls == SF_UNSUPPORTED || b.cls == SF_UNSUPPORTED) {
        e.flags |= SF_IE;
        r = sf_default_nan();
    } else if (sf_is_nan(&a) || sf_is_nan(&b)) {
        r = sf_nan2(&e, a, b);
    } else if (b.cls == SF_INF) {
        /* 0 * 2^+inf and inf * 2^-inf are invalid; otherwise the limit. */
        if ((a.cls == SF_ZERO && !b.sign) || (a.cls == SF_INF && b.sign)) {
            e.flags |= SF_IE;
            r = sf_default_nan();
        } else {
            if (a.denormal)
                e.flags |= SF_DE;
            r = (sf_res){ .cls = a.cls == SF_ZERO || b.sign ? SF_ZERO : SF_INF, .sign = a.sign, .hi = 1ull << 63 };
        }
    } else {
        if (a.denormal || b.denormal)
            e.flags |= SF_DE;
        r = sf_exact(a);
        if (a.cls == SF_NORMAL && b.cls == SF_NORMAL && b.exp >= 0) {
            /* |trunc(ST(1))| beyond 2^20 overflows or underflows anyway. */
            int32_t n = b.exp > 20 ? 1 << 21 : (int32_t)(b.sig >> (63 - b.exp));
            r.exp += b.sign ? -n : n;
        }
    }
    fx80 v = sf_pack_x80_prec(&e, r, 64);
    if (!x87_raise(env, e.flags)) {
        x87_write_st(env, 0, v);
        x87_set_cc(env, FSW_C1, e.rounded_up ? FSW_C1 : 0);
    }
}

/*
 * fprem/fprem1: the partial remainder ST(0) - q * ST(1) (SDM vol. 2, FPREM). q is truncated
 * (fprem) or rounded to nearest even (fprem1). When the exponents differ by 64 or more, only a
 * partial reduction by 2^(D - N) steps happens, with C2 set and C0, C1, C3 clear; N = 32..63 is
 * implementation dependent: the reference CPU uses N = 32 + D mod 32 (measured). The remainder
 * is always exact.
 */

static void fprem(CPUX86State *env, bool ieee)
{
    struct sf_env e = x87_sf_env(env);
    sf_val a = sf_unpack_x80(ST(0)), b = sf_unpack_x80(ST(1));
    sf_res r;
    uint16_t cc = 0;
    if (a.cls == SF_UNSUPPORTED || b.cls == SF_UNSUPPORTED) {
        e.flags |= SF_IE;
        r = sf_default_nan();
    } else if (sf_is_nan(&a) || sf_is_nan(&b)) {
        r = sf_nan2(&e, a, b);
    } else if (a.cls == SF_INF || b.cls == SF_ZERO) {
        e.flags |= SF_IE;
        r = sf_default_nan();
    } else {
        if (a.denormal || b.denormal)
            e.flags |= SF_DE;
        r = sf_exact(a);
        if (a.cls == SF_NORMAL && b.cls == SF_NORMAL) {
            int32_t d = a.exp - b.exp;
            uint64_t q = 0, mag;
            int32_t rexp = b.exp;       /* weight of bit 63 of the remainder magnitude */
            bool neg = false;
            if (d >= 64) {
                int n = 32 + (d & 31);
                u128 x = (u128)a.sig << n;
                mag = (uint64_t)(x % b.sig);
                rexp = b.exp + (d - n);
                cc |= FSW_C2;
            } else if (d >= 0) {
                u128 x = (u128)a.sig << d;
                q = (uint64_t)(x / b.sig);
                mag = (uint64_t)(x % b.sig);
                if (ieee && ((u128)mag * 2 > b.sig || ((u128)mag * 2 == b.sig && (q & 1)))) {
                    q++;
                    mag = b.sig - mag;
                    neg = true;
                }
            } else if (ieee && d == -1 && a.sig > b.sig) {
                /* |a| > |b| / 2: q = 1 and the remainder is |b| - |a| with the other sign, exactly
                 * (2 * b.sig - a.sig) units of a's last bit. */
                q = 1;
                mag = 0;
                u128 m = ((u128)b.sig << 1) - a.sig;
                int nz = 0;
                while (!(m >> 127)) {
                    m <<= 1;
                    nz++;
                }
                r = (sf_res){ .cls = SF_NORMAL, .sign = !a.sign, .exp = a.exp + 64 - nz, .hi = (uint64_t)(m >> 64),
                              .lo = (uint64_t)m };
                goto done;
            } else {
                goto done;      /* |a| < |b| (fprem) or |a| <= |b| / 2 (fprem1): the remainder is a */
            }
            if (mag == 0) {
                r = (sf_res){ .cls = SF_ZERO, .sign = a.sign };
            } else {
                int nz = sf_clz64(mag);
                r = (sf_res){ .cls = SF_NORMAL, .sign = a.sign ^ neg, .exp = rexp - nz, .hi = mag << nz };
            }
        done:
            cc |= (q & 4 ? FSW_C0 : 0) | (q & 2 ? FSW_C3 : 0) | (q & 1 ? FSW_C1 : 0);
        }
    }
    /* With a NaN result, or when an unmasked exception aborts, C0 and C3 keep their values
     * (reference CPU); otherwise they and C1 are quotient bits. */
    uint16_t mask = r.cls == SF_QNAN ? FSW_C1 | FSW_C2 : FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3;
    fx80 v = sf_pack_x80_prec(&e, r, 64);
    if (x87_raise(env, e.flags)) {
        mask = FSW_C1 | FSW_C2;
        cc = 0;
    } else {
        x87_write_st(env, 0, v);
    }
    x87_set_cc(env, mask, cc);
}

uint64_t x87_unary_ext(CPUX86State *env, int op)
{
    if (op >= XU_FLD1 && op <= XU_FLDZ) {
        x87_push_const(env, constant(op));
        return 0;
    }
    switch (op) {
    case XU_FXTRACT:
        fxtract(env);
        return 0;
    case XU_FSCALE:
    case XU_FPREM:
    case XU_FPREM1:
        if (x87_st_empty(env, 0) || x87_st_empty(env, 1)) {
            if (op != XU_FSCALE)
                x87_set_cc(env, FSW_C2, 0);
            if (x87_stack_fault(env, false))
                x87_write_st(env, 0, X80_INDEFINITE);
            return 0;
        }
        if (op == XU_FSCALE)
            fscale(env);
        else
            fprem(env, op == XU_FPREM1);
        return 0;
    default:
        x87_transcendental(env, op);
        return 0;
    }
}

/* --- packed BCD (SDM vol. 1, 4.7) --- */

fx80 x87_from_bcd(uint64_t lo, uint16_t hi)
{
    /* 18 digits in bytes 0..8, most significant last; the sign in bit 7 of byte 9. Invalid digits
     * give an undefined result; they are weighted like valid ones here. */
    uint64_t v = 0;
    uint8_t bytes[9];
    for (int i = 0; i < 8; i++)
        bytes[i] = (uint8_t)(lo >> (8 * i));
    bytes[8] = (uint8_t)hi;
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (bytes[i] >> 4) * 10 + (bytes[i] & 15);
    fx80 r = x87_from_int((int64_t)v);
    if (hi & 0x8000)
        r.se |= 0x8000;
    return r;
}

void x87_to_bcd(struct sf_env *e, sf_val a, XMMReg *dst)
{
    int64_t v = sf_to_int(e, a, 64, e->round);
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if ((e->flags & SF_IE) || mag > 999999999999999999ull) {
        /* The BCD indefinite (SDM vol. 1, table 4-4). */
        e->flags = (uint8_t)((e->flags & ~SF_PE) | SF_IE);
        e->rounded_up = false;
        dst->q[0] = 0xc000000000000000ull;
        dst->w[4] = 0xffff;
        return;
    }
    uint64_t lo = 0;
    uint16_t hi = 0;
    for (int i = 0; i < 9; i++) {
        unsigned byte = (unsigned)(mag % 10) | (unsigned)(mag / 10 % 10) << 4;
        mag /= 100;
        if (i < 8)
            lo |= (uint64_t)byte << (8 * i);
        else
            hi = (uint16_t)byte;
    }
    if (a.sign)
        hi |= 0x8000;
    dst->q[0] = lo;
    dst->w[4] = hi;
}
