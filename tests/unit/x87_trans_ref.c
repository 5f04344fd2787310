/*
 * An independent reference for the x87 transcendental instructions, in binary128 (libquadmath),
 * for test_x87_native -t. It does not share code with target/i386/softfloat_trans.c.
 *
 * The reference CPU is not correctly rounded: its internal result carries a data-dependent error of
 * a few hundredths of an ulp (measured with consecutive operands: the rounding decision flips back
 * and forth while the exact value stays within 0.03 ulp of the rounding point), so xqm, which rounds
 * an exact-enough value once, differs from it now and then by one ulp. x87_trans_explain accepts
 * such a difference only when the binary128 value lies within TRANS_SLACK ulp of the rounding point
 * between the two results and xqm's result is the correctly rounded one; anything else (two ulps,
 * the wrong side, a flag other than C1) is a failure.
 */
#include <quadmath.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tests/unit/x87_trans_ref.h"

/* The largest internal error of the CPU seen (fptan, 0.08 ulp) with a margin. */
#define TRANS_SLACK 0.125Q

/*
 * An 80-bit register image as m * 2^e with 1 <= |m| < 2 (exact), and the exponent of its ulp;
 * false for unnormals, NaNs, infinities and zeros. Scaled this way, denormal operands and results
 * keep their full precision in binary128, whose own range ends where the 80-bit format's does.
 */
static bool x80_split(const uint8_t *reg, __float128 *m, int *e, int *ulp_exp)
{
    uint64_t sig;
    uint16_t se;
    memcpy(&sig, reg, 8);
    memcpy(&se, reg + 8, 2);
    int exp = se & 0x7fff;
    if (exp == 0x7fff || sig == 0 || (exp != 0 && !(sig >> 63)))
        return false;
    /* Denormals and pseudo-denormals both have the exponent of 1 (SDM vol. 1, 8.2.2). */
    int shift = __builtin_clzll(sig);
    *ulp_exp = (exp ? exp : 1) - 16383 - 63;
    *e = *ulp_exp + 63 - shift;
    *m = ldexpq((__float128)(sig << shift), -63);
    if (se & 0x8000)
        *m = -*m;
    return true;
}

/*
 * fsin, fcos, fsincos and fptan compute the functions of x * pi / p where p is the 68-bit pi of the
 * hardware, C / 2^66 (SDM vol. 1, 8.3.10; Intel's note on the x87 trigonometric instructions).
 * Reduce x by k * p/2 exactly: p/2 = C * 2^-67 is split as C1 * 2^-48 + C2 * 2^-67 with a 49-bit
 * C1, so k * C1 (k < 2^63) fits binary128's 113 bits, and both subtractions are exact because the
 * differences are multiples of 2^-67 below 2.
 */
static void reduce_hw_pio2(__float128 x, __float128 *r, int *quadrant)
{
    const unsigned __int128 c = ((unsigned __int128)0xC << 64) | 0x90FDAA22168C234Cull;
    const __float128 p1 = ldexpq((__float128)(uint64_t)(c >> 19), -48);
    const __float128 p2 = ldexpq((__float128)(uint64_t)(c & 0x7ffff), -67);
    __float128 k = rintq(x / (p1 + p2));
    *r = (x - k * p1) - k * p2;
    int64_t ki = (int64_t)k;
    *quadrant = (int)(((ki % 4) + 4) % 4);
}

static void hw_sincos(__float128 x, __float128 *s, __float128 *c)
{
    __float128 r;
    int q;
    reduce_hw_pio2(x, &r, &q);
    __float128 sr = sinq(r), cr = cosq(r);
    switch (q) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
    }
}

/* Below this exponent a transcendental is its first Taylor term to far beyond binary128's precision. */
#define TINY_EXP (-16000)

int x87_trans_reference(uint8_t modrm, const uint8_t *st_in, struct trans_ref *ref)
{
    __float128 mx, my = 0;
    int ex, ey = 0, u;
    bool two = modrm == 0xf1 || modrm == 0xf3 || modrm == 0xf9;
    if (!x80_split(st_in, &mx, &ex, &u) || (two && !x80_split(st_in + 10, &my, &ey, &u)))
        return 0;
    memset(ref, 0, sizeof *ref);
    bool tiny = ex < TINY_EXP;
    __float128 x = ldexpq(mx, ex);
    switch (modrm) {
    case 0xf0:                                           /* f2xm1: defined on [-1, 1] */
        if (fabsq(x) > 1)
            return 0;
        if (tiny) {
            ref->val[0] = mx * M_LN2q;
            ref->scale[0] = ex;
        } else {
            ref->val[0] = expm1q(x * M_LN2q);
        }
        return 1;
    case 0xf1:                                           /* fyl2x, pops: result in ST(0) */
        if (mx < 0)
            return 0;
        ref->val[0] = my * (log2q(mx) + ex);
        ref->scale[0] = ey;
        return 1;
    case 0xf9:                                           /* fyl2xp1 */
        if (x <= -1)
            return 0;
        ref->val[0] = my * ((tiny ? mx : log1pq(x)) / M_LN2q);
        ref->scale[0] = ey + (tiny ? ex : 0);
        return 1;
    case 0xf3: {                                         /* fpatan: atan(ST1 / ST0) */
        if (mx > 0 && ey - ex < -100) {
            ref->val[0] = my / mx;                        /* atan(t) = t (1 - t^2/3 ...) */
            ref->scale[0] = ey - ex;
        } else {
            int top = ex > ey ? ex : ey;
            ref->val[0] = atan2q(ldexpq(my, ey - top), ldexpq(mx, ex - top));
        }
        return 1;
    }
    default:
        break;
    }
    if (fabsq(x) >= 0x1p63Q)                              /* out of range: C2, no result */
        return 0;
    __float128 s, c;
    if (tiny) {
        s = mx;                                           /* sin, tan: x; cos: 1 */
        c = 1;
    } else {
        hw_sincos(x, &s, &c);
    }
    int scale = tiny ? ex : 0;
    switch (modrm) {
    case 0xfe:                                            /* fsin */
        ref->val[0] = s;
        ref->scale[0] = scale;
        return 1;
    case 0xff:                                            /* fcos */
        ref->val[0] = c;
        return 1;
    case 0xf2:                                            /* fptan: ST(1) = tan, ST(0) = 1 */
        ref->reg[0] = 1;
        ref->val[0] = s / c;
        ref->scale[0] = scale;
        return 1;
    case 0xfb:                                            /* fsincos: ST(0) = cos, ST(1) = sin */
        ref->reg[0] = 1;
        ref->val[0] = s;
        ref->scale[0] = scale;
        ref->reg[1] = 0;
        ref->val[1] = c;
        return 2;
    default:
        return 0;
    }
}

/* The adjacent result that rounding mode rc gives for v, of a and b (a != b), or 0 for neither. */
static int rounded_choice(__float128 v, __float128 a, __float128 b, int rc)
{
    __float128 lo = a < b ? a : b, hi = a < b ? b : a, pick;
    if (rc == 3)
        rc = v < 0 ? 2 : 1;                               /* toward zero */
    if (rc == 0) {
        __float128 mid = (lo + hi) / 2;                   /* exact: adjacent 64-bit values */
        if (v == mid)
            return 0;
        pick = v < mid ? lo : hi;
    } else if (rc == 1) {                                 /* down */
        if (v < lo)
            return 0;
        pick = v >= hi ? hi : lo;
    } else {                                              /* up */
        if (v > hi)
            return 0;
        pick = v <= lo ? lo : hi;
    }
    return pick == a ? 1 : 2;
}

/* How far (in units of |a - b|) v lies from where rounding mode rc changes between a and b. */
static __float128 distance_to_rounding_point(__float128 v, __float128 a, __float128 b, int rc)
{
    __float128 gap = fabsq(a - b);
    if (rc == 0)
        return fabsq(v - (a + b) / 2) / gap;
    __float128 da = fabsq(v - a), db = fabsq(v - b);
    return (da < db ? da : db) / gap;
}

bool x87_trans_explain(const uint8_t *cpu_reg, const uint8_t *xqm_reg, __float128 exact, int scale, int rc)
{
    __float128 ma, mb;
    int ea, eb, ua, ub;
    if (!x80_split(cpu_reg, &ma, &ea, &ua) || !x80_split(xqm_reg, &mb, &eb, &ub) || exact == 0)
        return false;
    /* An unmasked underflow (overflow) delivers the result scaled by 2^24576 (2^-24576), SDM vol. 1,
     * 8.5.4 and 8.5.5. */
    int e_exact = ilogbq(exact) + scale;
    if (ea - e_exact > 12288)
        scale += 24576;
    else if (e_exact - ea > 12288)
        scale -= 24576;
    /* Everything relative to 2^scale, where the exact value is near 1. */
    __float128 a = ldexpq(ma, ea - scale), b = ldexpq(mb, eb - scale);
    if (a == b) {
        /* Same value, different C1: the CPU's internal value was on the other side of it. */
        return fabsq(exact - a) <= TRANS_SLACK * ldexpq(1, ua - scale);
    }
    __float128 d = distance_to_rounding_point(exact, a, b, rc);
    if (d > TRANS_SLACK)
        return false;
    /* binary128's libm is good to about 2^-112, i.e. 2^-48 of these ulps: closer is a tie. */
    if (d < 0x1p-40Q)
        return true;
    return rounded_choice(exact, a, b, rc) == 2;
}
