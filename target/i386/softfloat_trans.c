/*
 * The x87 transcendental instructions: fsin, fcos, fsincos, fptan, fpatan, f2xm1, fyl2x, fyl2xp1
 * (SDM vol. 2 and vol. 1, 8.3.10).
 *
 * The hardware computes these with a few bits more than 64 and rounds once; its internal error is
 * not documented and differs between vendors. xqm evaluates each function with a 128-bit
 * significand (about 115 correct bits) and rounds the result once by RC, so it returns the
 * correctly rounded value. The reference CPU (AMD) agrees on about 97% of random operands; the
 * others differ by one unit in the last place, always where the exact result lies within about a
 * tenth of an ulp of a rounding boundary (measured by tools in tests/unit/test_x87_native.c, -t).
 *
 * fsin, fcos, fsincos and fptan reduce their operand modulo pi/2 with the 68-bit approximation of
 * pi both Intel and AMD use (0xC90FDAA22168C234C / 2^66, SDM vol. 1, 8.3.10): this reproduces the
 * hardware's results for large operands, which differ from the true sine by many ulps.
 */
#include "target/i386/fpu.h"

#define ST(n) (env->fpregs[(env->fpstt + (n)) & 7])

typedef unsigned __int128 u128;

/* --- a small binary float: value = (-1)^sign * m / 2^127 * 2^exp, m normalized or zero --- */
typedef struct bf {
    bool sign;
    int32_t exp;
    u128 m;
} bf;

static const bf BF_ZERO = { false, 0, 0 };

static int clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + ((uint64_t)v ? __builtin_clzll((uint64_t)v) : 64);
}

static bf bf_norm(bool sign, int32_t exp, u128 m)
{
    if (!m)
        return BF_ZERO;
    int n = clz128(m);
    return (bf){ sign, exp - n, m << n };
}

static bf bf_from_u64(uint64_t v, int32_t exp_of_bit63)
{
    return bf_norm(false, exp_of_bit63, (u128)v << 64);
}

static bf bf_int(int64_t v)
{
    bf r = bf_from_u64(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, 63);
    r.sign = v < 0;
    return r;
}

static bf bf_from_val(const sf_val *v)
{
    if (v->cls != SF_NORMAL)
        return BF_ZERO;
    bf r = bf_from_u64(v->sig, v->exp);
    r.sign = v->sign;
    return r;
}

static bf bf_neg(bf a)
{
    a.sign = !a.sign && a.m;
    return a;
}

static u128 mul_hi(u128 a, u128 b)
{
    uint64_t a1 = (uint64_t)(a >> 64), a0 = (uint64_t)a, b1 = (uint64_t)(b >> 64), b0 = (uint64_t)b;
    u128 hh = (u128)a1 * b1, hl = (u128)a1 * b0, lh = (u128)a0 * b1, ll = (u128)a0 * b0;
    u128 mid = (hl & ~0ull) + (lh & ~0ull) + (ll >> 64);
    return hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
}

static bf bf_mul(bf a, bf b)
{
    if (!a.m || !b.m)
        return BF_ZERO;
    return bf_norm(a.sign ^ b.sign, a.exp + b.exp + 1, mul_hi(a.m, b.m));
}

static bf bf_add(bf a, bf b)
{
    if (!a.m)
        return b;
    if (!b.m)
        return a;
    if (a.exp < b.exp || (a.exp == b.exp && a.m < b.m)) {
        bf t = a;
        a = b;
        b = t;
    }
    int d = a.exp - b.exp;
    u128 bm = d >= 128 ? 0 : b.m >> d;
    if (a.sign == b.sign) {
        u128 s = (a.m >> 1) + (bm >> 1) + (a.m & bm & 1);
        return bf_norm(a.sign, a.exp + 1, s);
    }
    return bf_norm(a.sign, a.exp, a.m - bm);
}

static bf bf_sub(bf a, bf b) { return bf_add(a, bf_neg(b)); }

/* a / b, truncated to 128 bits; *exact tells whether the remainder was zero. */
static bf bf_div_exact(bf a, bf b, bool *exact)
{
    *exact = true;
    if (!a.m)
        return BF_ZERO;
    /* Restoring division, 128 quotient bits. */
    u128 n = a.m, d = b.m, q = 0;
    int32_t exp = a.exp - b.exp;
    if (n >= d) {
        n -= d;
        q = 1;
    }
    for (int i = 0; i < 127; i++) {
        bool top = n >> 127;
        n <<= 1;
        q <<= 1;
        if (top || n >= d) {
            n -= d;
            q |= 1;
        }
    }
    *exact = n == 0;
    return bf_norm(a.sign ^ b.sign, exp, q);
}

static bf bf_div(bf a, bf b)
{
    bool exact;
    return bf_div_exact(a, b, &exact);
}

/* a / n for a small positive integer n: two 128-by-64 divisions instead of 128 restoring steps. */
static bf bf_div_small(bf a, uint64_t n)
{
    if (!a.m)
        return BF_ZERO;
    uint64_t hi = (uint64_t)(a.m >> 64), lo = (uint64_t)a.m;
    u128 qh = hi / n, r = hi % n;
    u128 ql = ((r << 64) | lo) / n;
    u128 q = qh << 64 | (uint64_t)ql;
    /* q = floor(a.m / n) < 2^128; renormalise, keeping the bits the division produced. */
    return bf_norm(a.sign, a.exp, q);
}

static bf bf_scale(bf a, int n)
{
    if (a.m)
        a.exp += n;
    return a;
}

static int bf_cmp_abs(bf a, bf b)
{
    if (!a.m || !b.m)
        return (a.m != 0) - (b.m != 0);
    if (a.exp != b.exp)
        return a.exp < b.exp ? -1 : 1;
    return a.m < b.m ? -1 : a.m > b.m;
}

/* ln 2 and pi to 128 bits. */
static const bf BF_LN2 = { false, -1, ((u128)0xb17217f7d1cf79abull << 64) | 0xc9e3b39803f2f6afull };
static const bf BF_PI = { false, 1, ((u128)0xc90fdaa22168c234ull << 64) | 0xc4c6628b80dc1cd1ull };

/* --- series --- */

/* e^x - 1 for |x| < 1, Taylor. */
static bf bf_expm1(bf x)
{
    bf sum = BF_ZERO, term = x;
    for (int n = 2; term.m && term.exp > sum.exp - 130 && n < 60; n++) {
        sum = bf_add(sum, term);
        term = bf_div_small(bf_mul(term, x), (uint64_t)n);
    }
    return bf_add(sum, term);
}

/* atanh(z) = z + z^3/3 + z^5/5 + ... for |z| < 0.2. */
static bf bf_atanh_small(bf z)
{
    bf z2 = bf_mul(z, z), pow = z, sum = BF_ZERO;
    for (int n = 1; pow.m && (sum.m == 0 || pow.exp > sum.exp - 130) && n < 200; n += 2) {
        sum = bf_add(sum, bf_div_small(pow, (uint64_t)n));
        pow = bf_mul(pow, z2);
    }
    return sum;
}

/* ln(x) for x > 0. */
static bf bf_log(bf x)
{
    /* x = m * 2^k with m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh((m - 1) / (m + 1)). */
    int32_t k = x.exp;
    bf m = x;
    m.exp = 0;
    static const u128 SQRT2 = ((u128)0xb504f333f9de6484ull << 64) | 0x597d89b3754abe9full;
    if (m.m > SQRT2) {
        m.exp = -1;
        k++;
    }
    bf one = bf_int(1);
    bf z = bf_div(bf_sub(m, one), bf_add(m, one));
    return bf_add(bf_scale(bf_atanh_small(z), 1), bf_mul(bf_int(k), BF_LN2));
}

/* ln(1 + x), accurate for small x. */
static bf bf_log1p(bf x)
{
    bf one = bf_int(1);
    bf z = bf_div(x, bf_add(bf_scale(one, 1), x));
    if (bf_cmp_abs(z, bf_from_u64(0xccccccccccccccccull, -3)) < 0)
        return bf_scale(bf_atanh_small(z), 1);
    return bf_log(bf_add(one, x));
}

/* atan(k / 16) for k = 0..16, to 128 bits (for the reduction in bf_atan). */
static const bf atan_tab[17] = {
    { false, 0, 0 },
    { false, -5, ((u128)0xffaaddb967ef4e36ull << 64) | 0xcb2792dc0e2e0d51ull },
    { false, -4, ((u128)0xfeadd4d5617b6e32ull << 64) | 0xc897989f3e888ef8ull },
    { false, -3, ((u128)0xbdcbda5e72d81134ull << 64) | 0x7b0b4f881c9c7488ull },
    { false, -3, ((u128)0xfadbafc96406eb15ull << 64) | 0x6dc79ef5f7a217e6ull },
    { false, -2, ((u128)0x9b13b9b83f5e5e69ull << 64) | 0xc5abb498d27af328ull },
    { false, -2, ((u128)0xb7b0ca0f26f78473ull << 64) | 0x8aa32122dcfe4483ull },
    { false, -2, ((u128)0xd327761e611fe5b6ull << 64) | 0x427c95e9001e7136ull },
    { false, -2, ((u128)0xed63382b0dda7b45ull << 64) | 0x6fe445ecbc3a8d03ull },
    { false, -1, ((u128)0x832bf4a6d9867e2aull << 64) | 0x4b6a09cb61a515c1ull },
    { false, -1, ((u128)0x8f005d5ef7f59f9bull << 64) | 0x5c835e1665c43748ull },
    { false, -1, ((u128)0x9a2f80e671bdda20ull << 64) | 0x4226f8e2204ff3bdull },
    { false, -1, ((u128)0xa4bc7d1934f70924ull << 64) | 0x19a87f2a457dac9full },
    { false, -1, ((u128)0xaeac4c38b4d8c080ull << 64) | 0x14725e2f3e52070aull },
    { false, -1, ((u128)0xb8053e2bc2319e73ull << 64) | 0xcb2da55210a4443dull },
    { false, -1, ((u128)0xc0ce85b8ac526640ull << 64) | 0x89dd62c46e92fa25ull },
    { false, -1, ((u128)0xc90fdaa22168c234ull << 64) | 0xc4c6628b80dc1cd1ull },
};

/*
 * atan(x) for x >= 0: for x > 1, pi/2 - atan(1/x); then with c = k/16 the nearest multiple,
 * atan(x) = atan(c) + atan((x - c) / (1 + x c)), whose argument is below 1/32, by its series.
 * *tail: the sign of (true - computed) when the result is just x (tiny, exact x), else +1.
 */
static bf bf_atan(bf x, bool x_exact, int *tail)
{
    bf one = bf_int(1);
    bool inv = bf_cmp_abs(x, one) > 0;
    *tail = 1;
    if (inv)
        x = bf_div(one, x);
    int k = 0;
    if (x.m && x.exp >= -5)
        k = (int)(((x.m >> (122 - x.exp)) + 1) >> 1);
    bf t = x;
    if (k) {
        bf c = bf_scale(bf_int(k), -4);
        t = bf_div_exact(bf_sub(x, c), bf_add(one, bf_mul(x, c)), &x_exact);
    }
    bf t2 = bf_mul(t, t), pow = t, sum = BF_ZERO;
    int terms = 0;
    for (int n = 1; pow.m && (sum.m == 0 || pow.exp > sum.exp - 130) && n < 200; n += 2) {
        bf term = bf_div_small(pow, (uint64_t)n);
        sum = (n & 2) ? bf_sub(sum, term) : bf_add(sum, term);
        pow = bf_mul(pow, t2);
        terms++;
    }
    if (terms == 1 && !k && !inv && x_exact)
        *tail = -1;     /* atan(x) = x - x^3/3 + ...: just below x */
    sum = bf_add(atan_tab[k], sum);
    return inv ? bf_sub(bf_scale(BF_PI, -1), sum) : sum;
}

/*
 * sin and cos of |r| <= pi/4 + a little. *tail_s / *tail_c: the sign of (true - computed) when a
 * result is just its series' first term (tiny r), where it decides directed rounding and C1;
 * +1 otherwise (the error is then far below the rounding point). A result is taken as its first
 * term when the second is below 2^-70 of it: then no rounding of the 64-bit result depends on
 * more than the second term's sign, which 128-bit sums could lose (their last bits are not
 * exact; found by difftest --fp-trans: sin(2^-63 * 1.43...) chopped).
 */
static void bf_sincos(bf r, bf *s, bf *c, int *tail_s, int *tail_c)
{
    bf r2 = bf_mul(r, r), ts = r, tc = bf_int(1), ss = BF_ZERO, cc = BF_ZERO;
    bool s_first = false, c_first = false;
    *tail_s = *tail_c = 1;
    for (int n = 1; n < 80; n += 2) {
        ss = bf_add(ss, ts);
        cc = bf_add(cc, tc);
        ts = bf_neg(bf_div_small(bf_mul(ts, r2), (uint64_t)(n + 1) * (uint64_t)(n + 2)));
        tc = bf_neg(bf_div_small(bf_mul(tc, r2), (uint64_t)n * (uint64_t)(n + 1)));
        bool s_done = !ts.m || ts.exp < ss.exp - 130, c_done = !tc.m || tc.exp < cc.exp - 130;
        if (n == 1 && (!ts.m || ts.exp < ss.exp - 70)) {
            s_first = true;
            *tail_s = ts.sign ? -1 : 1;
        }
        if (n == 1 && (!tc.m || tc.exp < cc.exp - 70)) {
            c_first = true;
            *tail_c = -1;
        }
        if (s_done && c_done)
            break;
    }
    *s = s_first ? r : ss;
    *c = c_first ? bf_int(1) : cc;
}

/* --- rounding a bf to the x87 register format --- */

/* tail: the sign of (true value - v): 0 when v is exact. */
static fx80 bf_round(struct sf_env *e, bf v, int tail)
{
    if (!v.m)
        return (fx80){ .se = v.sign ? 0x8000 : 0 };
    if (tail < 0)
        v = bf_norm(v.sign, v.exp, v.m - 1);   /* just below v: one unit less, plus the sticky bit */
    sf_res r = { .cls = SF_NORMAL, .sign = v.sign, .exp = v.exp, .hi = (uint64_t)(v.m >> 64),
                 .lo = (uint64_t)v.m | (tail != 0) };
    return sf_pack_x80_prec(e, r, 64);
}

/*
 * The 68-bit pi/2 of the hardware's argument reduction: M * 2^-67. Returns the reduced argument
 * r = x - n * M * 2^-67 (|r| <= M * 2^-68) exactly, and the quadrant n mod 4.
 */
static bf reduce_pio2(const sf_val *x, int *quadrant)
{
    static const u128 M = ((u128)0xc ^ 0) << 64 | 0x90fdaa22168c234cull;   /* 0xC90FDAA22168C234C */
    *quadrant = 0;
    if (x->exp < -1)
        return bf_from_val(x);      /* |x| < 1/2 < pi/4: no reduction */
    /* x in units of 2^-67: X = sig << (exp + 4), up to 130 bits, reduced bit by bit. */
    int bits = x->exp + 4 + 64;
    u128 rem = 0;
    uint64_t q = 0;
    for (int i = bits - 1; i >= 0; i--) {
        int src = i - (x->exp + 4);         /* bit of sig, or below it (zeros) */
        uint64_t bit = src >= 0 && src < 64 ? (x->sig >> src) & 1 : 0;
        rem = rem << 1 | bit;
        q <<= 1;
        if (rem >= M) {
            rem -= M;
            q |= 1;
        }
    }
    /* Nearest multiple: if rem > M/2, take n + 1 and a negative remainder. */
    bool neg = false;
    if (rem > M / 2) {
        rem = M - rem;
        q++;
        neg = true;
    }
    *quadrant = (int)(q & 3);
    bf r = bf_norm(neg, 127 - 67, rem);
    if (x->sign) {
        r = bf_neg(r);
        *quadrant = (4 - *quadrant) & 3;
    }
    return r;
}

/* --- the instructions --- */

static void finish(CPUX86State *env, struct sf_env *e, int dst, fx80 v, bool pop)
{
    if (x87_raise(env, e->flags))
        return;
    x87_write_st(env, dst, v);
    x87_set_cc(env, FSW_C1, e->rounded_up ? FSW_C1 : 0);
    if (pop)
        x87_pop(env);
}

/* fsin, fcos, fsincos, fptan. Operands beyond 2^63 set C2 and are left alone. */
static void trig(CPUX86State *env, int op)
{
    struct sf_env e = x87_sf_env(env);
    bool pushes = op == XU_FSINCOS || op == XU_FPTAN;
    if (x87_st_empty(env, 0)) {
        x87_set_cc(env, FSW_C2, 0);
        if (x87_stack_fault(env, false)) {
            x87_write_st(env, 0, X80_INDEFINITE);
            if (pushes)
                x87_push(env, X80_INDEFINITE);
        }
        return;
    }
    if (pushes && !x87_st_empty(env, 7)) {
        x87_set_cc(env, FSW_C2, 0);
        if (x87_stack_fault(env, true)) {
            x87_write_st(env, 0, X80_INDEFINITE);
            x87_push(env, X80_INDEFINITE);
        }
        return;
    }
    sf_val a = sf_unpack_x80(ST(0));
    fx80 r1, r2 = { .sig = 1ull << 63, .se = X80_BIAS };   /* fptan pushes 1.0 */
    if (a.cls == SF_NORMAL && a.exp >= 63) {
        /* Out of range: C2 set, C1 cleared (reference CPU). */
        x87_set_cc(env, FSW_C1 | FSW_C2, FSW_C2);
        return;
    }
    x87_set_cc(env, FSW_C2, 0);
    if (a.cls == SF_UNSUPPORTED || a.cls == SF_INF) {
        e.flags |= SF_IE;
        r1 = r2 = X80_INDEFINITE;
    } else if (sf_is_nan(&a)) {
        r1 = r2 = sf_pack_x80(&e, sf_nan1(&e, a));
    } else if (a.cls == SF_ZERO) {
        r1 = ST(0);                             /* sin, tan: +-0 */
        if (op == XU_FCOS || op == XU_FSINCOS)
            r2 = (fx80){ .sig = 1ull << 63, .se = X80_BIAS };
        if (op == XU_FCOS)
            r1 = r2;
    } else {
        if (a.denormal)
            e.flags |= SF_DE;
        int q;
        int ts, tc;
        bf r = reduce_pio2(&a, &q), s, c;
        bf_sincos(r, &s, &c, &ts, &tc);
        bf sin_x = (q & 1) ? c : s, cos_x = (q & 1) ? s : c;
        int tail_sin = (q & 1) ? tc : ts, tail_cos = (q & 1) ? ts : tc;
        if (q >= 2)
            sin_x = bf_neg(sin_x), tail_sin = -tail_sin;
        if (q == 1 || q == 2)
            cos_x = bf_neg(cos_x), tail_cos = -tail_cos;
        /* bf_round's tail is relative to the magnitude. */
        tail_sin = sin_x.sign ? -tail_sin : tail_sin;
        tail_cos = cos_x.sign ? -tail_cos : tail_cos;
        switch (op) {
        case XU_FSIN: r1 = bf_round(&e, sin_x, tail_sin); break;
        case XU_FCOS: r1 = bf_round(&e, cos_x, tail_cos); break;
        case XU_FPTAN: r1 = bf_round(&e, bf_div(sin_x, cos_x), 1); break;
        default: {
            /* fsincos: ST(1) = sin, ST(0) = cos; C1 from the sine's rounding (reference CPU). */
            r2 = bf_round(&e, cos_x, tail_cos);
            r1 = bf_round(&e, sin_x, tail_sin);
            break;
        }
        }
    }
    if (x87_raise(env, e.flags))
        return;
    x87_write_st(env, 0, r1);
    if (pushes)
        x87_push(env, r2);
    x87_set_cc(env, FSW_C1, e.rounded_up ? FSW_C1 : 0);
}

/* f2xm1: 2^x - 1, defined for -1 <= x <= 1. */
static void f2xm1(CPUX86State *env)
{
    struct sf_env e = x87_sf_env(env);
    sf_val a = sf_unpack_x80(ST(0));
    fx80 v;
    if (a.cls == SF_UNSUPPORTED) {
        e.flags |= SF_IE;
        v = X80_INDEFINITE;
    } else if (sf_is_nan(&a)) {
        v = sf_pack_x80(&e, sf_nan1(&e, a));
    } else if (a.cls == SF_ZERO) {
        v = ST(0);
    } else if (a.cls == SF_INF) {
        v = a.sign ? (fx80){ .sig = 1ull << 63, .se = 0x8000 | X80_BIAS } : ST(0);
    } else if (a.exp >= 0 && !(a.exp == 0 && a.sig == 1ull << 63)) {
        /* |x| > 1 is outside the domain: the reference CPU leaves x and reports PE. */
        v = ST(0);
        e.flags |= SF_PE;
    } else {
        if (a.denormal)
            e.flags |= SF_DE;
        /* x = -1: exactly -1/2. x = 1: the reference CPU's result lies just below 1 (1 - 1 ulp
         * when rounding down or to zero, 1 with C1 set otherwise): reproduced. */
        if (a.exp == 0 && a.sign)
            v = (fx80){ .sig = 1ull << 63, .se = 0x8000 | (X80_BIAS - 1) };
        else if (a.exp == 0)
            v = bf_round(&e, bf_int(1), -1);
        else
            v = bf_round(&e, bf_expm1(bf_mul(bf_from_val(&a), BF_LN2)), 1);
        e.flags |= SF_PE;              /* even when exact (reference CPU) */
    }
    finish(env, &e, 0, v, false);
}

/*
 * Whether a logarithm lies within 2^-68 (relatively) of an integer *k: the reference CPU's log2
 * of an operand next to a power of two (the largest normal, 2^64 - 1) comes out as that integer
 * exactly, its internal precision being a few bits over 64.
 */
static bool log_near_int(bf l, int64_t *k)
{
    if (!l.m || l.exp < 0 || l.exp > 20)
        return false;
    bf a = l;
    a.sign = false;
    int64_t t = (int64_t)(a.m >> (127 - a.exp));            /* floor(|l|) */
    bf frac = bf_sub(a, bf_int(t));
    if (frac.m && frac.exp >= -1)
        t++;
    bf d = bf_sub(a, bf_int(t));
    if (d.m && d.exp >= a.exp - 68)
        return false;
    *k = l.sign ? -t : t;
    return true;
}

/* y * k for an integer logarithm k, rounded once; the reference CPU reports PE even when that is
 * exact, and UE with it when the result is tiny. */
static fx80 times_int_log(struct sf_env *e, int64_t k, sf_val y)
{
    fx80 v = sf_pack_x80_prec(e, sf_mul(e, sf_unpack_x80(x87_from_int(k)), y), 64);
    e->flags |= SF_PE;
    if (!(v.se & 0x7fff))
        e->flags |= SF_UE;
    return v;
}

/* fyl2x: ST(1) * log2(ST(0)), pop; fyl2xp1: ST(1) * log2(ST(0) + 1), pop (SDM vol. 2, tables
 * 3-49 and 3-50). */
static void fyl2x(CPUX86State *env, bool plus1)
{
    struct sf_env e = x87_sf_env(env);
    sf_val x = sf_unpack_x80(ST(0)), y = sf_unpack_x80(ST(1));
    fx80 v;
    if (x.cls == SF_UNSUPPORTED || y.cls == SF_UNSUPPORTED) {
        e.flags |= SF_IE;
        v = X80_INDEFINITE;
        finish(env, &e, 1, v, true);
        return;
    }
    if (sf_is_nan(&x) || sf_is_nan(&y)) {
        v = sf_pack_x80(&e, sf_nan2(&e, x, y));
        finish(env, &e, 1, v, true);
        return;
    }
    /* The logarithm's class: 0 zero, 1 finite, 2 infinite, -1 invalid; and its sign. */
    bool one = x.cls == SF_NORMAL && x.sig == 1ull << 63 && x.exp == 0;
    (void)one;
    int lk;
    bool ls = false, log_of_zero = false;
    if (!plus1) {
        if (x.cls == SF_ZERO)
            lk = 2, ls = true, log_of_zero = true;
        else if (x.sign)
            lk = -1;
        else if (x.cls == SF_INF)
            lk = 2;
        else if (one)
            lk = 0;
        else
            lk = 1, ls = x.exp < 0;
    } else {
        if (x.cls == SF_ZERO) {
            lk = 0, ls = x.sign;
        } else if (x.sign && x.cls == SF_INF) {
            lk = -1;
        } else if (x.sign && x.exp >= 0 && y.cls == SF_NORMAL) {
            /* x <= -1: the reference CPU delivers x itself, inexact. */
            e.flags |= y.denormal ? SF_DE | SF_PE : SF_PE;
            finish(env, &e, 1, ST(0), true);
            return;
        } else if (x.sign && x.exp >= 0) {
            lk = 1, ls = true;      /* times zero or infinity */
        } else if (x.cls == SF_INF)
            lk = 2;
        else
            lk = 1, ls = x.sign;
    }
    sf_res r = { .sign = ls ^ y.sign, .hi = 1ull << 63 };
    if (lk < 0 || (lk == 2 && y.cls == SF_ZERO) || (lk == 0 && y.cls == SF_INF)) {
        e.flags |= SF_IE;
        r = sf_default_nan();
    } else if (lk == 2 || y.cls == SF_INF) {
        /* ZE outranks DE (SDM vol. 1, 8.7.1). */
        if (log_of_zero && y.cls != SF_INF)
            e.flags |= SF_ZE;
        else if (x.denormal || y.denormal)
            e.flags |= SF_DE;
        r.cls = SF_INF;
    } else if (lk == 0 || y.cls == SF_ZERO) {
        if (x.denormal || y.denormal)
            e.flags |= SF_DE;
        r.cls = SF_ZERO;
    } else {
        if (x.denormal || y.denormal)
            e.flags |= SF_DE;
        /* x (or 1 + x, exact in 128 bits for 2^-63 <= |x| < 2^63) a power of two: log2 is its
         * exponent. */
        bf x1 = plus1 && x.exp >= -63 && x.exp <= 62 ? bf_add(bf_from_val(&x), bf_int(1)) : BF_ZERO;
        bool pow2 = plus1 ? x1.m == (u128)1 << 127 : x.sig == 1ull << 63;
        if (pow2) {
            v = times_int_log(&e, plus1 ? x1.exp : x.exp, y);
        } else {
            bf lx = bf_div(plus1 ? bf_log1p(bf_from_val(&x)) : bf_log(bf_from_val(&x)), BF_LN2);
            int64_t k;
            if (log_near_int(lx, &k))
                v = times_int_log(&e, k, y);
            else
                v = bf_round(&e, bf_mul(lx, bf_from_val(&y)), 1);
        }
        finish(env, &e, 1, v, true);
        return;
    }
    v = sf_pack_x80_prec(&e, r, 64);
    finish(env, &e, 1, v, true);
}

/* fpatan: atan2(ST(1), ST(0)) into ST(1), pop (SDM vol. 2, FPATAN, table 3-29). */
static void fpatan(CPUX86State *env)
{
    struct sf_env e = x87_sf_env(env);
    sf_val x = sf_unpack_x80(ST(0)), y = sf_unpack_x80(ST(1));
    fx80 v;
    if (x.cls == SF_UNSUPPORTED || y.cls == SF_UNSUPPORTED) {
        e.flags |= SF_IE;
        v = X80_INDEFINITE;
    } else if (sf_is_nan(&x) || sf_is_nan(&y)) {
        v = sf_pack_x80(&e, sf_nan2(&e, x, y));
    } else {
        if (x.denormal || y.denormal)
            e.flags |= SF_DE;
        bf ang;
        bool exact = false;
        int atan_tail = 1;
        bf pi = BF_PI, half = bf_scale(BF_PI, -1), quarter = bf_scale(BF_PI, -2);
        if (y.cls == SF_ZERO) {
            /* atan2(+-0, x): +-0 for x > 0 or +0, +-pi for x < 0 or -0. */
            ang = x.sign ? pi : BF_ZERO;
            exact = !x.sign;
        } else if (x.cls == SF_ZERO) {
            ang = half;
        } else if (y.cls == SF_INF) {
            ang = x.cls == SF_INF ? (x.sign ? bf_add(half, quarter) : quarter) : half;
        } else if (x.cls == SF_INF) {
            ang = x.sign ? pi : BF_ZERO;
            exact = !x.sign;
        } else {
            bf ax = bf_from_val(&x), ay = bf_from_val(&y);
            ax.sign = ay.sign = false;
            bool q_exact;
            int tail;
            bf q = bf_div_exact(ay, ax, &q_exact);
            ang = bf_atan(q, q_exact, &tail);
            if (x.sign)
                ang = bf_sub(pi, ang);
            else
                atan_tail = tail;
        }
        ang.sign = y.sign && ang.m;
        if (!ang.m)
            v = (fx80){ .se = y.sign ? 0x8000 : 0 };
        else
            v = bf_round(&e, ang, exact ? 0 : atan_tail);
    }
    finish(env, &e, 1, v, true);
}

void x87_transcendental(CPUX86State *env, int op)
{
    int need = op == XU_FYL2X || op == XU_FYL2XP1 || op == XU_FPATAN ? 2 : 1;
    if (op != XU_FSIN && op != XU_FCOS && op != XU_FSINCOS && op != XU_FPTAN) {
        for (int i = 0; i < need; i++) {
            if (x87_st_empty(env, i)) {
                if (x87_stack_fault(env, false)) {
                    x87_write_st(env, need - 1, X80_INDEFINITE);
                    if (need == 2)
                        x87_pop(env);
                }
                return;
            }
        }
    }
    switch (op) {
    case XU_F2XM1: f2xm1(env); break;
    case XU_FYL2X: fyl2x(env, false); break;
    case XU_FYL2XP1: fyl2x(env, true); break;
    case XU_FPATAN: fpatan(env); break;
    default: trig(env, op); break;
    }
}
