/*
 * The differential tester's floating-point values and initial FPU/SSE state (--fp), shared by the
 * generator (memory operands it writes, the state it prints in reports) and the i386 harness (the
 * fxrstor image it starts each sequence from), so both derive the same bits from the same seed.
 *
 * Values are drawn to sit where implementations differ: zeros of both signs, denormals (smallest,
 * largest, random), infinities, QNaN and SNaN with random payloads, the largest and smallest
 * normals, values whose significand ends just below, on or above a rounding boundary of the
 * narrower formats, integers near the limits of every conversion, and 80-bit encodings the x87
 * no longer supports (unnormals, pseudo-NaNs, pseudo-infinities, pseudo-denormals).
 */
#ifndef DIFFTEST_DTFPSTATE_H
#define DIFFTEST_DTFPSTATE_H

#include <stdint.h>
#include "tests/difftest/dtstate.h"

/* Low bits of a significand that put it next to a rounding boundary of a narrower format. */
static inline uint64_t dt_fp_boundary_bits(uint64_t *s, int drop)
{
    uint64_t half = 1ull << (drop - 1), v;
    switch (dt_below(s, 6)) {
    case 0: v = half; break;                  /* exactly half way */
    case 1: v = half - 1; break;              /* just below */
    case 2: v = half + 1; break;              /* just above */
    case 3: v = 0; break;                     /* exact */
    case 4: v = (2 * half) - 1; break;        /* all ones: carries on rounding up */
    default: v = dt_next(s) & (2 * half - 1); break;
    }
    return v;
}

/* A binary32 value; sign random. */
static inline uint32_t dt_fp_f32(uint64_t *s)
{
    uint32_t sign = (uint32_t)(dt_next(s) & 1) << 31, r = (uint32_t)dt_next(s);
    uint32_t frac = r & 0x7fffff, e;
    switch (dt_below(s, 16)) {
    case 0: return sign;                                              /* zero */
    case 1: return sign | (frac ? frac : 1);                          /* denormal */
    case 2: return sign | (dt_below(s, 2) ? 1 : 0x7fffff);            /* smallest/largest denormal */
    case 3: return sign | 0x7f800000;                                 /* infinity */
    case 4: return sign | 0x7fc00000 | (frac & (dt_below(s, 2) ? 0x3fffff : 0));   /* QNaN */
    case 5: return sign | 0x7f800000 | ((frac & 0x3fffff) ? frac & 0x3fffff : 1);  /* SNaN */
    case 6: return sign | (dt_below(s, 2) ? 0x7f7fffff : 0x00800000); /* largest/smallest normal */
    case 7: return sign | 0x3f800000;                                 /* 1.0 */
    case 8: {                                   /* integers near the 32/16-bit conversion limits */
        static const uint32_t lim[] = {0x4f000000, 0x4effffff, 0x4f000001, 0x46fffe00, 0x47000000,
                                       0x46ffff00, 0x3f000000, 0x3fc00000, 0x40200000, 0x5f000000};
        return sign | lim[dt_below(s, sizeof lim / sizeof lim[0])];
    }
    case 9: case 10:                            /* near the exponent range's edges */
        e = dt_below(s, 2) ? dt_below(s, 4) + 1 : 0xfe - dt_below(s, 4);
        return sign | e << 23 | frac;
    default:
        e = 0x60 + dt_below(s, 0x40);
        return sign | e << 23 | frac;
    }
}

/* A binary64 value; sign random. */
static inline uint64_t dt_fp_f64(uint64_t *s)
{
    uint64_t sign = (dt_next(s) & 1) << 63, r = dt_next(s);
    uint64_t frac = r & 0xfffffffffffffull, e;
    switch (dt_below(s, 16)) {
    case 0: return sign;
    case 1: return sign | (frac ? frac : 1);
    case 2: return sign | (dt_below(s, 2) ? 1 : 0xfffffffffffffull);
    case 3: return sign | 0x7ff0000000000000ull;
    case 4: return sign | 0x7ff8000000000000ull | (frac & (dt_below(s, 2) ? 0x7ffffffffffffull : 0));
    case 5: return sign | 0x7ff0000000000000ull | ((frac & 0x7ffffffffffffull) ? frac & 0x7ffffffffffffull : 1);
    case 6: return sign | (dt_below(s, 2) ? 0x7fefffffffffffffull : 0x0010000000000000ull);
    case 7: return sign | 0x3ff0000000000000ull;
    case 8: {                                   /* integers near the 64/32-bit conversion limits */
        static const uint64_t lim[] = {0x41e0000000000000ull, 0x41dfffffffc00000ull,
                                       0x41dfffffffe00000ull, 0x41dffffffff00000ull,
                                       0x43e0000000000000ull, 0x43dfffffffffffffull,
                                       0x41e0000000100000ull, 0x3fe0000000000000ull,
                                       0x3ff8000000000000ull, 0x40effffc00000000ull};
        return sign | lim[dt_below(s, sizeof lim / sizeof lim[0])];
    }
    case 9:                                     /* a float's rounding boundary (cvtsd2ss) */
        e = 0x380 + dt_below(s, 0xff);
        return sign | e << 52 | (frac & ~0x1fffffffull) | dt_fp_boundary_bits(s, 29);
    case 10:                                    /* float denormal/overflow range (cvtsd2ss) */
        e = dt_below(s, 2) ? 0x368 + dt_below(s, 0x18) : 0x47e + dt_below(s, 2);
        return sign | e << 52 | frac;
    case 11:
        e = dt_below(s, 2) ? dt_below(s, 4) + 1 : 0x7fe - dt_below(s, 4);
        return sign | e << 52 | frac;
    default:
        e = 0x3c0 + dt_below(s, 0x80);
        return sign | e << 52 | frac;
    }
}

/* An x87 80-bit value: significand in *sig, sign and exponent returned. */
static inline uint16_t dt_fp_f80(uint64_t *s, uint64_t *sig)
{
    uint16_t sign = (uint16_t)((dt_next(s) & 1) << 15);
    uint64_t r = dt_next(s), j = 1ull << 63;
    uint16_t e;
    switch (dt_below(s, 20)) {
    case 0: *sig = 0; return sign;
    case 1: *sig = (r >> 1) | 1; return sign;                         /* denormal */
    case 2: *sig = j; return sign | 0x7fff;                           /* infinity */
    case 3: *sig = j | 1ull << 62 | (dt_below(s, 2) ? r >> 2 : 0); return sign | 0x7fff; /* QNaN */
    case 4: *sig = j | ((r >> 2) | 1); return sign | 0x7fff;          /* SNaN */
    case 5: *sig = dt_below(s, 2) ? ~0ull : j; return sign | (dt_below(s, 2) ? 0x7ffe : 1);
    case 6: *sig = j; return sign | 0x3fff;                           /* 1.0 */
    case 7: {                                   /* integers near 16/32/64-bit limits */
        static const uint16_t exps[] = {0x400e, 0x401e, 0x403e, 0x400d, 0x401d, 0x403d};
        e = exps[dt_below(s, 6)];
        *sig = j | (dt_below(s, 2) ? 0 : (dt_below(s, 2) ? ~0ull >> 1 : (r & 0xff) << 40));
        return sign | e;
    }
    case 8:                                     /* double rounding boundaries (PC 53, fstl) */
        *sig = j | (r & ~0x7ffull & ~j) | dt_fp_boundary_bits(s, 11);
        return sign | (uint16_t)(0x3fc0 + dt_below(s, 0x80));
    case 9:                                     /* float rounding boundaries (PC 24, fsts) */
        *sig = j | (r & ~0xffffffffffull & ~j) | dt_fp_boundary_bits(s, 40);
        return sign | (uint16_t)(0x3fc0 + dt_below(s, 0x80));
    case 10:                                    /* near the double and float exponent limits */
        *sig = j | r;
        e = (uint16_t)(dt_below(s, 2) ? 0x3c00 + dt_below(s, 0x40) - 0x38 : 0x43ff - 0x8 + dt_below(s, 0x10));
        if (dt_below(s, 2))
            e = (uint16_t)(dt_below(s, 2) ? 0x3f80 - 0x1c + dt_below(s, 0x20) : 0x407f - 4 + dt_below(s, 8));
        return sign | e;
    case 11:                                    /* unsupported encodings: unnormal, pseudo-NaN/inf */
        *sig = r & ~j;
        return sign | (uint16_t)(dt_below(s, 2) ? 0x7fff : 1 + dt_below(s, 0x7ffe));
    case 12:                                    /* pseudo-denormal: exponent 0, J set */
        *sig = j | r;
        return sign;
    case 13: case 14:
        *sig = j | r;
        return sign | (uint16_t)(dt_below(s, 2) ? 1 + dt_below(s, 8) : 0x7ffe - dt_below(s, 8));
    default:
        *sig = j | r;
        return sign | (uint16_t)(0x3fc0 + dt_below(s, 0x80));
    }
}

/* The fxsave image layout (SDM vol. 1, table 10-2). */
enum {
    FX_FCW = 0, FX_FSW = 2, FX_FTW = 4, FX_FOP = 6, FX_FIP = 8, FX_FCS = 12, FX_FDP = 16,
    FX_FDS = 20, FX_MXCSR = 24, FX_MXCSR_MASK = 28, FX_ST = 32, FX_XMM = 160, FX_END = 288,
    FX_SIZE = 512,
};

static inline void dt_put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * The fxrstor image sequence `seed` starts from. Every exception is masked (x87 and SSE) unless
 * `unmasked`, which leaves a random set unmasked; no unmasked exception is pending at the start.
 * FCS/FDS: the selectors of a flat user process, as fxsave would store them.
 */
static inline void dt_init_fpstate(uint64_t seed, int unmasked, uint8_t fx[FX_SIZE])
{
    uint64_t s = seed ^ 0x5851f42d4c957f2dull;
    for (int i = 0; i < FX_SIZE; i++)
        fx[i] = 0;
    static const unsigned pcs[] = {0, 2, 3, 3, 3, 1};
    unsigned masks = unmasked ? (unsigned)dt_next(&s) & 0x3f : 0x3f;
    unsigned fcw = 0x40 | masks | pcs[dt_below(&s, 6)] << 8 | dt_below(&s, 4) << 10;
    if (dt_below(&s, 10) == 0)
        fcw |= 0x1000;                      /* the infinity control bit: kept, no effect */
    unsigned flags = (unsigned)dt_next(&s) & 0x7f & (masks | 0x40);
    if (dt_below(&s, 2))
        flags = 0;
    unsigned top = dt_below(&s, 8);
    unsigned fsw = flags | ((unsigned)dt_next(&s) & 0x4700) | top << 11;
    dt_put(fx + FX_FCW, fcw, 2);
    dt_put(fx + FX_FSW, fsw, 2);
    fx[FX_FTW] = (uint8_t)(dt_next(&s) | dt_next(&s));     /* most registers in use */
    if (dt_below(&s, 4) == 0)
        fx[FX_FTW] = (uint8_t)dt_next(&s);
    dt_put(fx + FX_FOP, dt_next(&s) & 0x7ff, 2);
    dt_put(fx + FX_FIP, (uint32_t)dt_next(&s), 4);
    dt_put(fx + FX_FCS, 0x23, 2);
    dt_put(fx + FX_FDP, (uint32_t)dt_next(&s), 4);
    dt_put(fx + FX_FDS, 0x2b, 2);
    unsigned mx_masks = unmasked ? (unsigned)dt_next(&s) & 0x3f : 0x3f;
    unsigned mxcsr = mx_masks << 7 | dt_below(&s, 4) << 13;
    mxcsr |= (unsigned)dt_next(&s) & 0x3f & mx_masks;        /* sticky flags already set */
    if (dt_below(&s, 3) == 0)
        mxcsr |= 0x0040;                    /* DAZ */
    if (dt_below(&s, 3) == 0)
        mxcsr |= 0x8000;                    /* FTZ */
    dt_put(fx + FX_MXCSR, mxcsr, 4);
    for (int i = 0; i < 8; i++) {
        uint64_t sig;
        uint16_t se = dt_fp_f80(&s, &sig);
        dt_put(fx + FX_ST + 16 * i, sig, 8);
        dt_put(fx + FX_ST + 16 * i + 8, se, 2);
    }
    for (int i = 0; i < 8; i++) {
        uint8_t *x = fx + FX_XMM + 16 * i;
        switch (dt_below(&s, 4)) {
        case 0:
            for (int k = 0; k < 4; k++)
                dt_put(x + 4 * k, dt_fp_f32(&s), 4);
            break;
        case 1:
            for (int k = 0; k < 2; k++)
                dt_put(x + 8 * k, dt_fp_f64(&s), 8);
            break;
        case 2:
            for (int k = 0; k < 4; k++)
                dt_put(x + 4 * k, dt_rand_value(&s), 4);
            break;
        default:
            for (int k = 0; k < 2; k++)
                dt_put(x + 8 * k, dt_next(&s), 8);
            break;
        }
    }
}

#endif
