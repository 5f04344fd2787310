/*
 * Software floating point with the x86's results: IEEE 754 binary32, binary64 and the x87 80-bit
 * extended format, written from IEEE 754-2008 and the Intel SDM (vol. 1, chapters 4, 8 and 11).
 *
 * Every operation first computes its result exactly, or as a 128-bit significand whose lowest bit
 * is sticky (it is 1 iff a nonzero part was dropped), so a single rounding to the destination
 * format gives the correctly rounded value. Rounding is one routine parametrised by precision and
 * exponent range: this also gives the x87 precision control, which rounds the significand to 24 or
 * 53 bits but keeps the 15-bit exponent range (SDM vol. 1, 8.1.5.2).
 *
 * x86 choices where IEEE leaves freedom (all checked against the hardware by tests/unit):
 * - tininess is detected after rounding; masked underflow (UE) is raised only with an inexact
 *   result, unmasked x87 underflow whenever the result is tiny;
 * - the default NaN is the negative quiet NaN with a zero payload ("real indefinite");
 * - NaN operands: see sf_nan2.
 */
#include "target/i386/fpu.h"

typedef unsigned __int128 u128;

int sf_clz64(uint64_t v)
{
    return v ? __builtin_clzll(v) : 64;
}

static int clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + sf_clz64((uint64_t)v);
}

/* v >> n, with the bits shifted out ORed into bit 0 (n may exceed 127). */
static u128 shr_jam(u128 v, int n)
{
    if (n <= 0)
        return v;
    if (n >= 128)
        return v != 0;
    return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

/* --- unpacking --- */

sf_val sf_unpack_x80(fx80 a)
{
    sf_val v = { .sign = a.se >> 15 };
    int e = a.se & 0x7fff;
    uint64_t m = a.sig;
    if (e == 0x7fff) {
        /* Pseudo-infinities and pseudo-NaNs (integer bit clear) are unsupported since the 387. */
        if (!(m >> 63))
            v.cls = SF_UNSUPPORTED;
        else if (!(m << 1))
            v.cls = SF_INF;
        else
            v.cls = (m >> 62 & 1) ? SF_QNAN : SF_SNAN;
        v.sig = m;
    } else if (e == 0) {
        if (!m) {
            v.cls = SF_ZERO;
        } else {
            /* Denormals, and pseudo-denormals (integer bit set), which weigh like exponent 1. */
            int s = sf_clz64(m);
            v.cls = SF_NORMAL;
            v.denormal = true;
            v.sig = m << s;
            v.exp = 1 - X80_BIAS - s;
        }
    } else if (!(m >> 63)) {
        v.cls = SF_UNSUPPORTED;     /* unnormal */
        v.sig = m;
    } else {
        v.cls = SF_NORMAL;
        v.sig = m;
        v.exp = e - X80_BIAS;
    }
    return v;
}

/* An IEEE binary format with `fbits` fraction bits and an exponent field of `ebits` bits. */
static sf_val unpack_ieee(uint64_t a, int fbits, int ebits, bool daz)
{
    sf_val v = { .sign = (a >> (fbits + ebits)) & 1 };
    int emax = (1 << ebits) - 1, bias = emax >> 1;
    int e = (int)(a >> fbits) & emax;
    uint64_t f = a & ((1ull << fbits) - 1);
    if (e == emax) {
        v.cls = !f ? SF_INF : (f >> (fbits - 1)) ? SF_QNAN : SF_SNAN;
        v.sig = 1ull << 63 | f << (63 - fbits);
    } else if (e == 0) {
        if (!f || daz) {
            v.cls = SF_ZERO;
        } else {
            int s = sf_clz64(f);
            v.cls = SF_NORMAL;
            v.denormal = true;
            v.sig = f << s;
            v.exp = 1 - bias - (s - (63 - fbits));
        }
    } else {
        v.cls = SF_NORMAL;
        v.sig = 1ull << 63 | f << (63 - fbits);
        v.exp = e - bias;
    }
    return v;
}

sf_val sf_unpack_f64(uint64_t a, bool daz) { return unpack_ieee(a, 52, 11, daz); }
sf_val sf_unpack_f32(uint32_t a, bool daz) { return unpack_ieee(a, 23, 8, daz); }

sf_res sf_exact(sf_val v)
{
    return (sf_res){ .cls = v.cls == SF_SNAN ? SF_QNAN : v.cls, .sign = v.sign, .exp = v.exp, .hi = v.sig,
                     .lo = 0 };
}

sf_res sf_nan_or_exact(struct sf_env *e, sf_val a)
{
    return sf_is_nan(&a) ? sf_nan1(e, a) : sf_exact(a);
}

sf_res sf_default_nan(void)
{
    return (sf_res){ .cls = SF_QNAN, .sign = true, .hi = 0xc000000000000000ull };
}

/* --- rounding --- */

struct fmt {
    int prec;       /* significand bits, integer bit included */
    int bias;
    int emax;       /* largest biased exponent of a finite value */
    int wrap;       /* exponent adjustment of a trapped overflow/underflow (IEEE 754-1985, 7.3) */
};

/* Rounds v to a multiple of 2^rbits by mode; *carry when the result no longer fits 128 bits. */
static u128 round_bits(struct sf_env *e, bool sign, u128 v, int rbits, bool *inexact, bool *inc, bool *carry)
{
    u128 mask = ((u128)1 << rbits) - 1, rem = v & mask, half = (u128)1 << (rbits - 1);
    v &= ~mask;
    *inexact = rem != 0;
    switch (e->round) {
    case SF_RN:
        *inc = rem > half || (rem == half && ((v >> rbits) & 1));
        break;
    case SF_RD:
        *inc = rem && sign;
        break;
    case SF_RU:
        *inc = rem && !sign;
        break;
    default:
        *inc = false;
        break;
    }
    *carry = false;
    if (*inc) {
        v += (u128)1 << rbits;
        *carry = v == 0;
    }
    return v;
}

/* round_bits for the common case, in 64-bit words: hi:lo rounded to its top prec bits (the
 * rounding point is in hi, or between hi and lo when prec is 64). Returns the new hi. */
static uint64_t round_words(struct sf_env *e, bool sign, uint64_t hi, uint64_t lo, int prec, bool *inexact, bool *inc,
                            bool *carry)
{
    int shift = 64 - prec;
    uint64_t mask = shift ? (1ull << shift) - 1 : 0, rem = hi & mask;
    bool above, tie;
    if (shift) {
        uint64_t half = 1ull << (shift - 1);
        *inexact = rem || lo;
        above = rem > half || (rem == half && lo);
        tie = rem == half && !lo;
    } else {
        *inexact = lo != 0;
        above = lo > 1ull << 63;
        tie = lo == 1ull << 63;
    }
    hi &= ~mask;
    switch (e->round) {
    case SF_RN: *inc = above || (tie && ((hi >> shift) & 1)); break;
    case SF_RD: *inc = *inexact && sign; break;
    case SF_RU: *inc = *inexact && !sign; break;
    default: *inc = false; break;
    }
    *carry = false;
    if (*inc) {
        hi += 1ull << shift;
        *carry = hi == 0;
    }
    return hi;
}

/*
 * Rounds a finite nonzero result to format f. Returns the significand (integer bit at 63 unless
 * the result is denormal or zero) and sets *bexp to the biased exponent: 0 for denormals and zero,
 * f->emax + 1 for infinity. `scaled`: an unmasked overflow or underflow produces the result with
 * its exponent wrapped by f->wrap instead: the x87 delivers it (3 * 2^13, SDM vol. 1, 8.5.4 and
 * 8.5.5), SSE only reports its inexactness (at full precision, whatever the exponent) as PE and
 * writes nothing. Beyond even that range the x87 (fscale) delivers infinity or zero whatever the
 * rounding mode, as the reference CPU does.
 */
static uint64_t round_finite(struct sf_env *e, const struct fmt *f, const sf_res *r, int32_t *bexp, bool scaled)
{
    u128 v = (u128)r->hi << 64 | r->lo;
    int32_t be = r->exp + f->bias;
    int rbits = 128 - f->prec;
    bool inexact, inc, carry;
    e->rounded_up = false;

    if (be < 1) {
        /* Tiny after rounding? Only a value just below the normal range can round up into it. */
        bool tiny = true;
        if (be == 0) {
            struct sf_env probe = *e;
            round_bits(&probe, r->sign, v, rbits, &inexact, &inc, &carry);
            tiny = !carry;
        }
        if (tiny && scaled && (e->unmasked & SF_UE)) {
            if (be + f->wrap < 1 && !e->sse) {
                e->flags |= SF_UE | SF_PE;
                *bexp = 0;
                return 0;
            }
            e->flags |= SF_UE;
            be += f->wrap;
        } else if (tiny && e->ftz) {
            e->flags |= SF_UE | SF_PE;
            *bexp = 0;
            return 0;
        } else {
            v = shr_jam(v, 1 - be);
            v = round_bits(e, r->sign, v, rbits, &inexact, &inc, &carry);
            e->rounded_up = inc;
            if (inexact) {
                e->flags |= SF_PE;
                if (tiny)
                    e->flags |= SF_UE;
            } else if (tiny && (e->unmasked & SF_UE)) {
                e->flags |= SF_UE;
            }
            uint64_t sig = (uint64_t)(v >> 64);
            *bexp = sig >> 63;
            return sig;
        }
    }
    uint64_t sig = round_words(e, r->sign, r->hi, r->lo, f->prec, &inexact, &inc, &carry);
    e->rounded_up = inc;
    if (carry) {
        sig = 1ull << 63;
        be++;
    }
    if (inexact)
        e->flags |= SF_PE;
    if (be > f->emax) {
        if (scaled && (e->unmasked & SF_OE)) {
            if (be - f->wrap > f->emax && !e->sse) {
                e->flags |= SF_OE | SF_PE;
                e->rounded_up = true;
                *bexp = f->emax + 1;
                return 1ull << 63;
            }
            e->flags |= SF_OE;
            *bexp = be - f->wrap;
            return sig;
        }
        /* Masked overflow: infinity or the largest finite value, by rounding direction. */
        e->flags |= SF_OE | SF_PE;
        bool to_inf = e->round == SF_RN || (e->round == SF_RU && !r->sign) || (e->round == SF_RD && r->sign);
        e->rounded_up = to_inf;
        if (to_inf) {
            *bexp = f->emax + 1;
            return 1ull << 63;
        }
        *bexp = f->emax;
        return ~0ull << (64 - f->prec);
    }
    *bexp = be;
    return sig;
}

fx80 sf_pack_x80_prec(struct sf_env *e, sf_res r, int prec)
{
    struct fmt f = { prec, X80_BIAS, X80_EMAX, 0x6000 };
    fx80 out = { 0 };
    uint16_t s = r.sign ? 0x8000 : 0;
    switch (r.cls) {
    case SF_ZERO:
        out.se = s;
        break;
    case SF_INF:
        out.se = s | 0x7fff;
        out.sig = 1ull << 63;
        break;
    case SF_QNAN:
    case SF_SNAN:
        out.se = s | 0x7fff;
        out.sig = r.hi | 3ull << 62;
        break;
    default: {
        int32_t be;
        out.sig = round_finite(e, &f, &r, &be, true);
        out.se = s | (uint16_t)be;
        break;
    }
    }
    return out;
}

fx80 sf_pack_x80(struct sf_env *e, sf_res r)
{
    return sf_pack_x80_prec(e, r, e->prec);
}

static uint64_t pack_ieee(struct sf_env *e, sf_res r, int fbits, int ebits)
{
    int emax = (1 << ebits) - 1;
    struct fmt f = { fbits + 1, emax >> 1, emax - 1, 3 << (ebits - 2) };
    uint64_t s = (uint64_t)r.sign << (fbits + ebits), fmask = (1ull << fbits) - 1;
    switch (r.cls) {
    case SF_ZERO:
        return s;
    case SF_INF:
        return s | (uint64_t)emax << fbits;
    case SF_QNAN:
    case SF_SNAN:
        return s | (uint64_t)emax << fbits | ((r.hi >> (63 - fbits)) & fmask) | 1ull << (fbits - 1);
    default: {
        int32_t be;
        /* SSE traps overflow/underflow with the wrapped result's flags (the x87's stores to memory
         * report OE/UE alone, see helper_x87_store). */
        uint64_t sig = round_finite(e, &f, &r, &be, e->sse);
        return s | (uint64_t)be << fbits | ((sig >> (63 - fbits)) & fmask);
    }
    }
}

uint64_t sf_pack_f64(struct sf_env *e, sf_res r) { return pack_ieee(e, r, 52, 11); }
uint32_t sf_pack_f32(struct sf_env *e, sf_res r) { return (uint32_t)pack_ieee(e, r, 23, 8); }

/* --- NaNs --- */

sf_res sf_nan1(struct sf_env *e, sf_val a)
{
    if (a.cls == SF_SNAN)
        e->flags |= SF_IE;
    return (sf_res){ .cls = SF_QNAN, .sign = a.sign, .hi = a.sig | 1ull << 62 };
}

/*
 * Which NaN a two-operand operation returns (SDM vol. 1, table 4-7), quieted:
 *   SSE: the first operand if it is a NaN, else the second;
 *   x87: a QNaN over an SNaN; between two of the same kind the larger significand, and for equal
 *        significands the positive one.
 */
sf_res sf_nan2(struct sf_env *e, sf_val a, sf_val b)
{
    if (a.cls == SF_SNAN || b.cls == SF_SNAN)
        e->flags |= SF_IE;
    if (!sf_is_nan(&b))
        return sf_nan1(e, a);
    if (!sf_is_nan(&a))
        return sf_nan1(e, b);
    if (e->sse)
        return sf_nan1(e, a);
    if (a.cls != b.cls)
        return sf_nan1(e, a.cls == SF_QNAN ? a : b);
    uint64_t ma = a.sig | 1ull << 62, mb = b.sig | 1ull << 62;
    if (ma != mb)
        return sf_nan1(e, ma > mb ? a : b);
    return sf_nan1(e, a.sign ? b : a);
}

/* --- arithmetic --- */

static sf_res make(bool sign, int32_t exp, u128 v)
{
    return (sf_res){ .cls = SF_NORMAL, .sign = sign, .exp = exp, .hi = (uint64_t)(v >> 64), .lo = (uint64_t)v };
}

static sf_res zero(bool sign) { return (sf_res){ .cls = SF_ZERO, .sign = sign }; }
static sf_res inf(bool sign) { return (sf_res){ .cls = SF_INF, .sign = sign, .hi = 1ull << 63 }; }

static sf_res invalid(struct sf_env *e)
{
    e->flags |= SF_IE;
    return sf_default_nan();
}

static void check_denormal(struct sf_env *e, const sf_val *a, const sf_val *b)
{
    if (a->denormal || (b && b->denormal))
        e->flags |= SF_DE;
}

sf_res sf_add(struct sf_env *e, sf_val a, sf_val b, bool subtract)
{
    if (sf_is_nan(&a) || sf_is_nan(&b))
        return sf_nan2(e, a, b);
    b.sign ^= subtract;
    if (a.cls == SF_INF || b.cls == SF_INF) {
        if (a.cls == SF_INF && b.cls == SF_INF && a.sign != b.sign)
            return invalid(e);
        check_denormal(e, &a, &b);
        return inf(a.cls == SF_INF ? a.sign : b.sign);
    }
    check_denormal(e, &a, &b);
    if (a.cls == SF_ZERO && b.cls == SF_ZERO)
        return zero(a.sign == b.sign ? a.sign : e->round == SF_RD);
    if (a.cls == SF_ZERO)
        return sf_exact(b);
    if (b.cls == SF_ZERO)
        return sf_exact(a);
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        sf_val t = a;
        a = b;
        b = t;
    }
    u128 va = (u128)a.sig << 64, vb = shr_jam((u128)b.sig << 64, a.exp - b.exp);
    int32_t exp = a.exp;
    if (a.sign == b.sign) {
        u128 s = va + vb;
        if (s < va) {
            s = (s >> 1) | (s & 1) | (u128)1 << 127;
            exp++;
        }
        return make(a.sign, exp, s);
    }
    u128 d = va - vb;
    if (d == 0)
        return zero(e->round == SF_RD);
    int n = clz128(d);
    return make(a.sign, exp - n, d << n);
}

sf_res sf_mul(struct sf_env *e, sf_val a, sf_val b)
{
    if (sf_is_nan(&a) || sf_is_nan(&b))
        return sf_nan2(e, a, b);
    bool sign = a.sign ^ b.sign;
    if (a.cls == SF_INF || b.cls == SF_INF) {
        if (a.cls == SF_ZERO || b.cls == SF_ZERO)
            return invalid(e);
        check_denormal(e, &a, &b);
        return inf(sign);
    }
    check_denormal(e, &a, &b);
    if (a.cls == SF_ZERO || b.cls == SF_ZERO)
        return zero(sign);
    u128 p = (u128)a.sig * b.sig;
    int32_t exp = a.exp + b.exp;
    if (p >> 127)
        exp++;
    else
        p <<= 1;
    return make(sign, exp, p);
}

sf_res sf_div(struct sf_env *e, sf_val a, sf_val b)
{
    if (sf_is_nan(&a) || sf_is_nan(&b))
        return sf_nan2(e, a, b);
    bool sign = a.sign ^ b.sign;
    if (a.cls == SF_INF) {
        if (b.cls == SF_INF)
            return invalid(e);
        check_denormal(e, &a, &b);
        return inf(sign);
    }
    if (b.cls == SF_INF) {
        check_denormal(e, &a, &b);
        return zero(sign);
    }
    if (b.cls == SF_ZERO) {
        if (a.cls == SF_ZERO)
            return invalid(e);
        e->flags |= SF_ZE;
        return inf(sign);
    }
    check_denormal(e, &a, &b);
    if (a.cls == SF_ZERO)
        return zero(sign);
    /* Two 64-bit quotient digits: the first has its top bit set, the second and the remainder
     * give round and sticky bits. */
    int32_t exp = a.exp - b.exp;
    u128 n;
    if (a.sig >= b.sig) {
        n = (u128)a.sig << 63;
    } else {
        n = (u128)a.sig << 64;
        exp--;
    }
    uint64_t q1 = (uint64_t)(n / b.sig), r1 = (uint64_t)(n % b.sig);
    u128 n2 = (u128)r1 << 64;
    uint64_t q2 = (uint64_t)(n2 / b.sig), r2 = (uint64_t)(n2 % b.sig);
    return make(sign, exp, (u128)q1 << 64 | q2 | (r2 != 0));
}

/* floor(sqrt(x)) and x - root^2 for x in [2^126, 2^128): a double-precision estimate, one Newton
 * step, then exact integer corrections (the estimate only saves iterations; the result is exact
 * whatever its error). */
static uint64_t isqrt128(u128 x, u128 *rem)
{
    double est = __builtin_sqrt((double)x);
    uint64_t r = est >= 18446744073709551615.0 ? ~0ull : (uint64_t)est;
    if (r < (1ull << 62))
        r = 1ull << 62;
    u128 q = x / r;
    u128 n = ((u128)r + q) >> 1;
    r = n > ~0ull ? ~0ull : (uint64_t)n;
    while ((u128)r * r > x)
        r--;
    while (r != ~0ull && (u128)(r + 1) * (r + 1) <= x)
        r++;
    *rem = x - (u128)r * r;
    return r;
}

sf_res sf_sqrt(struct sf_env *e, sf_val a)
{
    if (sf_is_nan(&a))
        return sf_nan1(e, a);
    if (a.cls == SF_ZERO)
        return zero(a.sign);
    if (a.sign)
        return invalid(e);
    if (a.cls == SF_INF)
        return inf(false);
    check_denormal(e, &a, NULL);
    /* value = sig / 2^63 * 2^exp; make the exponent even, then root = sqrt(sig * 2^63 or 2^64). */
    u128 x = (u128)a.sig << ((a.exp & 1) ? 64 : 63);
    u128 rem;
    uint64_t root = isqrt128(x, &rem);
    /* A square root is never exactly halfway: rem > root means above the half-way point. */
    uint64_t lo = rem > root ? 0xc000000000000000ull : rem ? 1 : 0;
    return make(false, a.exp >> 1, (u128)root << 64 | lo);
}

int sf_compare(struct sf_env *e, sf_val a, sf_val b, bool signaling)
{
    if (sf_is_nan(&a) || sf_is_nan(&b)) {
        if (signaling || a.cls == SF_SNAN || b.cls == SF_SNAN)
            e->flags |= SF_IE;
        return 2;
    }
    check_denormal(e, &a, &b);
    if (a.cls == SF_ZERO && b.cls == SF_ZERO)
        return 0;
    if (a.cls == SF_ZERO)
        return b.sign ? 1 : -1;
    if (b.cls == SF_ZERO || a.sign != b.sign)
        return a.sign ? -1 : 1;
    int mag;
    if (a.cls == SF_INF || b.cls == SF_INF)
        mag = (a.cls == SF_INF) - (b.cls == SF_INF);
    else if (a.exp != b.exp)
        mag = a.exp < b.exp ? -1 : 1;
    else
        mag = a.sig < b.sig ? -1 : a.sig > b.sig;
    return a.sign ? -mag : mag;
}

/*
 * A value rounded to an integer by `round` (still as an sf_res). *inexact: bits were dropped;
 * *inc: the magnitude grew.
 */
static sf_res round_int_res(sf_val a, int round, bool *inexact, bool *inc)
{
    *inexact = *inc = false;
    if (a.cls != SF_NORMAL || a.exp >= 63)
        return sf_exact(a);
    if (a.exp < -1) {
        /* |a| < 1/2: 0, or 1 when rounding away from zero towards it. */
        *inexact = true;
        *inc = (round == SF_RU && !a.sign) || (round == SF_RD && a.sign);
        return *inc ? make(a.sign, 0, (u128)1 << 127) : zero(a.sign);
    }
    int sh = 63 - a.exp;            /* fraction bits in sig: 1..64 */
    u128 full = a.sig, ip = full >> sh, rem = full & (((u128)1 << sh) - 1), half = (u128)1 << (sh - 1);
    switch (round) {
    case SF_RN: *inc = rem > half || (rem == half && (ip & 1)); break;
    case SF_RD: *inc = rem && a.sign; break;
    case SF_RU: *inc = rem && !a.sign; break;
    default: *inc = false; break;
    }
    *inexact = rem != 0;
    ip += *inc;
    if (ip == 0)
        return zero(a.sign);
    int n = clz128(ip);
    return make(a.sign, 127 - n, ip << n);
}

sf_res sf_round_int(struct sf_env *e, sf_val a, int round)
{
    if (sf_is_nan(&a))
        return sf_nan1(e, a);
    check_denormal(e, &a, NULL);
    bool inexact, inc;
    sf_res r = round_int_res(a, round, &inexact, &inc);
    e->rounded_up = inc;
    if (inexact)
        e->flags |= SF_PE;
    return r;
}

int64_t sf_to_int(struct sf_env *e, sf_val a, int bits, int round)
{
    int64_t indefinite = (int64_t)(~0ull << (bits - 1));
    e->rounded_up = false;
    if (sf_is_nan(&a) || a.cls == SF_INF || a.cls == SF_UNSUPPORTED) {
        e->flags |= SF_IE;
        return indefinite;
    }
    if (a.cls == SF_ZERO)
        return 0;
    bool inexact, inc;
    sf_res r = round_int_res(a, round, &inexact, &inc);
    uint64_t mag = 0;
    if (r.cls != SF_ZERO) {
        if (r.exp >= bits) {
            e->flags |= SF_IE;
            return indefinite;
        }
        mag = r.hi >> (63 - r.exp);
        if (mag > (1ull << (bits - 1)) - !a.sign) {
            e->flags |= SF_IE;
            return indefinite;
        }
    }
    if (inexact)
        e->flags |= SF_PE;
    e->rounded_up = inc;
    return a.sign ? (int64_t)(0 - mag) : (int64_t)mag;
}

sf_res sf_from_int(int64_t v)
{
    if (v == 0)
        return zero(false);
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int n = sf_clz64(m);
    return make(sign, 63 - n, (u128)(m << n) << 64);
}
