/*
 * Integer SIMD: the MMX instructions and their SSE/SSE2 extensions on 8-byte MMX or 16-byte XMM
 * registers (SDM vol. 2, one page per instruction), plus the bitwise and shuffle instructions of
 * SSE that have no floating-point semantics (andps, shufps, unpcklps... are the integer ones).
 *
 * One helper computes them all, lane by lane, on copies of its operands (so the destination may
 * also be the source). Operands are byte offsets into CPUX86State: an XMM register, the
 * significand of an x87 register (MMX), or fpbuf holding a memory operand.
 */
#include <string.h>

#include "target/i386/fpu.h"

typedef union {
    uint8_t b[16];
    int8_t sb[16];
    uint16_t w[8];
    int16_t sw[8];
    uint32_t l[4];
    int32_t sl[4];
    uint64_t q[2];
    int64_t sq[2];
} vec;

static int8_t sat8(int v) { return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v); }
static uint8_t satu8(int v) { return (uint8_t)(v > 255 ? 255 : v < 0 ? 0 : v); }
static int16_t sat16(int v) { return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }
static uint16_t satu16(int v) { return (uint16_t)(v > 65535 ? 65535 : v < 0 ? 0 : v); }

void mmx_enter(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptag_empty, 0, sizeof env->fptag_empty);
}

/* Shifts by a count: larger than the lane gives 0 (logical) or the sign (arithmetic). */
static void shift(vec *r, const vec *a, int lane, uint64_t count, int kind, int n)
{
    int bits = lane * 8;
    for (int i = 0; i < n / lane; i++) {
        uint64_t v = lane == 2 ? a->w[i] : lane == 4 ? a->l[i] : a->q[i];
        uint64_t out;
        if (kind == 0) {            /* logical right */
            out = count >= (uint64_t)bits ? 0 : v >> count;
        } else if (kind == 1) {     /* arithmetic right */
            int64_t sv = bits == 16 ? (int16_t)v : (int32_t)v;
            out = (uint64_t)(sv >> (count >= (uint64_t)bits ? bits - 1 : (int)count));
        } else {                    /* left */
            out = count >= (uint64_t)bits ? 0 : v << count;
        }
        if (lane == 2)
            r->w[i] = (uint16_t)out;
        else if (lane == 4)
            r->l[i] = (uint32_t)out;
        else
            r->q[i] = out;
    }
}

/* Interleaves the low (hi = 0) or high halves of a and b, lane bytes at a time. */
static void unpack(vec *r, const vec *a, const vec *b, int lane, bool hi, int n)
{
    vec t = { 0 };
    int half = n / 2;
    for (int i = 0; i < half / lane; i++) {
        memcpy(&t.b[2 * i * lane], &a->b[(hi ? half : 0) + i * lane], lane);
        memcpy(&t.b[(2 * i + 1) * lane], &b->b[(hi ? half : 0) + i * lane], lane);
    }
    memcpy(r, &t, n);
}

uint64_t helper_simd_int(CPUX86State *env, uint64_t dst, uint64_t src, uint64_t aux)
{
    int n = (aux & SA_XMM) ? 16 : 8;
    int op = aux & 0xff, imm = (aux >> SA_IMM_SHIFT) & 0xff;
    vec a = { 0 }, b = { 0 }, r;
    /* Registers and fpbuf are 8-byte aligned (XMM 16): whole quadwords are copied. */
    uint64_t *dp = (uint64_t *)((uint8_t *)env + dst);
    const uint64_t *sp = (const uint64_t *)((const uint8_t *)env + src);
    if (op != SI_PMOVMSKB && op != SI_MOVMSKPS && op != SI_MOVMSKPD && op != SI_PEXTRW) {
        a.q[0] = dp[0];
        if (n == 16)
            a.q[1] = dp[1];
    }
    if (op != SI_PINSRW && (op < SI_PSRLWI || op > SI_PSLLDQ)) {
        b.q[0] = sp[0];
        if (n == 16)
            b.q[1] = sp[1];
    }
    r = a;
    switch (op) {
    case SI_PMOVMSKB: {
        uint64_t m = 0;
        for (int i = 0; i < n; i++)
            m |= (uint64_t)(b.b[i] >> 7) << i;
        return m;
    }
    case SI_MOVMSKPS:
        return (b.l[0] >> 31) | (b.l[1] >> 31) << 1 | (b.l[2] >> 31) << 2 | (b.l[3] >> 31) << 3;
    case SI_MOVMSKPD:
        return (b.q[0] >> 63) | (b.q[1] >> 63) << 1;
    case SI_PEXTRW:
        return b.w[imm & (n / 2 - 1)];
    case SI_MASKMOV:
        /* fpbuf holds the bytes at [edi]; dst is the data, src the mask (SDM vol. 2, MASKMOVDQU). */
        for (int i = 0; i < n; i++) {
            if (b.b[i] & 0x80)
                env->fpbuf[0].b[i] = a.b[i];
        }
        return 0;
    case SI_PADDB: for (int i = 0; i < n; i++) r.b[i] = (uint8_t)(a.b[i] + b.b[i]); break;
    case SI_PADDW: for (int i = 0; i < n / 2; i++) r.w[i] = (uint16_t)(a.w[i] + b.w[i]); break;
    case SI_PADDD: for (int i = 0; i < n / 4; i++) r.l[i] = a.l[i] + b.l[i]; break;
    case SI_PADDQ: for (int i = 0; i < n / 8; i++) r.q[i] = a.q[i] + b.q[i]; break;
    case SI_PSUBB: for (int i = 0; i < n; i++) r.b[i] = (uint8_t)(a.b[i] - b.b[i]); break;
    case SI_PSUBW: for (int i = 0; i < n / 2; i++) r.w[i] = (uint16_t)(a.w[i] - b.w[i]); break;
    case SI_PSUBD: for (int i = 0; i < n / 4; i++) r.l[i] = a.l[i] - b.l[i]; break;
    case SI_PSUBQ: for (int i = 0; i < n / 8; i++) r.q[i] = a.q[i] - b.q[i]; break;
    case SI_PADDSB: for (int i = 0; i < n; i++) r.sb[i] = sat8(a.sb[i] + b.sb[i]); break;
    case SI_PADDSW: for (int i = 0; i < n / 2; i++) r.sw[i] = sat16(a.sw[i] + b.sw[i]); break;
    case SI_PADDUSB: for (int i = 0; i < n; i++) r.b[i] = satu8(a.b[i] + b.b[i]); break;
    case SI_PADDUSW: for (int i = 0; i < n / 2; i++) r.w[i] = satu16(a.w[i] + b.w[i]); break;
    case SI_PSUBSB: for (int i = 0; i < n; i++) r.sb[i] = sat8(a.sb[i] - b.sb[i]); break;
    case SI_PSUBSW: for (int i = 0; i < n / 2; i++) r.sw[i] = sat16(a.sw[i] - b.sw[i]); break;
    case SI_PSUBUSB: for (int i = 0; i < n; i++) r.b[i] = satu8(a.b[i] - b.b[i]); break;
    case SI_PSUBUSW: for (int i = 0; i < n / 2; i++) r.w[i] = satu16(a.w[i] - b.w[i]); break;
    case SI_PMULLW: for (int i = 0; i < n / 2; i++) r.w[i] = (uint16_t)(a.sw[i] * b.sw[i]); break;
    case SI_PMULHW: for (int i = 0; i < n / 2; i++) r.w[i] = (uint16_t)((a.sw[i] * b.sw[i]) >> 16); break;
    case SI_PMULHUW: for (int i = 0; i < n / 2; i++) r.w[i] = (uint16_t)(((uint32_t)a.w[i] * b.w[i]) >> 16); break;
    case SI_PMULUDQ: for (int i = 0; i < n / 8; i++) r.q[i] = (uint64_t)a.l[2 * i] * b.l[2 * i]; break;
    case SI_PMADDWD:
        for (int i = 0; i < n / 4; i++)
            r.l[i] = (uint32_t)(a.sw[2 * i] * b.sw[2 * i]) + (uint32_t)(a.sw[2 * i + 1] * b.sw[2 * i + 1]);
        break;
    case SI_PSADBW:
        for (int q = 0; q < n / 8; q++) {
            unsigned sum = 0;
            for (int i = 0; i < 8; i++) {
                int d = a.b[8 * q + i] - b.b[8 * q + i];
                sum += (unsigned)(d < 0 ? -d : d);
            }
            r.q[q] = sum;
        }
        break;
    case SI_PAVGB: for (int i = 0; i < n; i++) r.b[i] = (uint8_t)((a.b[i] + b.b[i] + 1) >> 1); break;
    case SI_PAVGW: for (int i = 0; i < n / 2; i++) r.w[i] = (uint16_t)((a.w[i] + b.w[i] + 1) >> 1); break;
    case SI_PMINUB: for (int i = 0; i < n; i++) r.b[i] = a.b[i] < b.b[i] ? a.b[i] : b.b[i]; break;
    case SI_PMAXUB: for (int i = 0; i < n; i++) r.b[i] = a.b[i] > b.b[i] ? a.b[i] : b.b[i]; break;
    case SI_PMINSW: for (int i = 0; i < n / 2; i++) r.sw[i] = a.sw[i] < b.sw[i] ? a.sw[i] : b.sw[i]; break;
    case SI_PMAXSW: for (int i = 0; i < n / 2; i++) r.sw[i] = a.sw[i] > b.sw[i] ? a.sw[i] : b.sw[i]; break;
    case SI_PCMPEQB: for (int i = 0; i < n; i++) r.b[i] = a.b[i] == b.b[i] ? 0xff : 0; break;
    case SI_PCMPEQW: for (int i = 0; i < n / 2; i++) r.w[i] = a.w[i] == b.w[i] ? 0xffff : 0; break;
    case SI_PCMPEQD: for (int i = 0; i < n / 4; i++) r.l[i] = a.l[i] == b.l[i] ? ~0u : 0; break;
    case SI_PCMPGTB: for (int i = 0; i < n; i++) r.b[i] = a.sb[i] > b.sb[i] ? 0xff : 0; break;
    case SI_PCMPGTW: for (int i = 0; i < n / 2; i++) r.w[i] = a.sw[i] > b.sw[i] ? 0xffff : 0; break;
    case SI_PCMPGTD: for (int i = 0; i < n / 4; i++) r.l[i] = a.sl[i] > b.sl[i] ? ~0u : 0; break;
    case SI_PAND: for (int i = 0; i < 2; i++) r.q[i] = a.q[i] & b.q[i]; break;
    case SI_PANDN: for (int i = 0; i < 2; i++) r.q[i] = ~a.q[i] & b.q[i]; break;
    case SI_POR: for (int i = 0; i < 2; i++) r.q[i] = a.q[i] | b.q[i]; break;
    case SI_PXOR: for (int i = 0; i < 2; i++) r.q[i] = a.q[i] ^ b.q[i]; break;
    /* Shift counts come from the whole low quadword of the source (SDM vol. 2, PSRLW). */
    case SI_PSRLW: shift(&r, &a, 2, b.q[0], 0, n); break;
    case SI_PSRLD: shift(&r, &a, 4, b.q[0], 0, n); break;
    case SI_PSRLQ: shift(&r, &a, 8, b.q[0], 0, n); break;
    case SI_PSRAW: shift(&r, &a, 2, b.q[0], 1, n); break;
    case SI_PSRAD: shift(&r, &a, 4, b.q[0], 1, n); break;
    case SI_PSLLW: shift(&r, &a, 2, b.q[0], 2, n); break;
    case SI_PSLLD: shift(&r, &a, 4, b.q[0], 2, n); break;
    case SI_PSLLQ: shift(&r, &a, 8, b.q[0], 2, n); break;
    case SI_PSRLWI: shift(&r, &a, 2, (uint64_t)imm, 0, n); break;
    case SI_PSRLDI: shift(&r, &a, 4, (uint64_t)imm, 0, n); break;
    case SI_PSRLQI: shift(&r, &a, 8, (uint64_t)imm, 0, n); break;
    case SI_PSRAWI: shift(&r, &a, 2, (uint64_t)imm, 1, n); break;
    case SI_PSRADI: shift(&r, &a, 4, (uint64_t)imm, 1, n); break;
    case SI_PSLLWI: shift(&r, &a, 2, (uint64_t)imm, 2, n); break;
    case SI_PSLLDI: shift(&r, &a, 4, (uint64_t)imm, 2, n); break;
    case SI_PSLLQI: shift(&r, &a, 8, (uint64_t)imm, 2, n); break;
    case SI_PSRLDQ:
    case SI_PSLLDQ: {
        int c = imm > 16 ? 16 : imm;
        memset(&r, 0, sizeof r);
        if (op == SI_PSRLDQ)
            memcpy(&r.b[0], &a.b[c], (size_t)(16 - c));
        else
            memcpy(&r.b[c], &a.b[0], (size_t)(16 - c));
        break;
    }
    case SI_PACKSSWB:
        for (int i = 0; i < n / 2; i++) {
            r.sb[i] = sat8(a.sw[i]);
            r.sb[n / 2 + i] = sat8(b.sw[i]);
        }
        break;
    case SI_PACKUSWB:
        for (int i = 0; i < n / 2; i++) {
            r.b[i] = satu8(a.sw[i]);
            r.b[n / 2 + i] = satu8(b.sw[i]);
        }
        break;
    case SI_PACKSSDW:
        for (int i = 0; i < n / 4; i++) {
            r.sw[i] = sat16(a.sl[i]);
            r.sw[n / 4 + i] = sat16(b.sl[i]);
        }
        break;
    case SI_PUNPCKLBW: unpack(&r, &a, &b, 1, false, n); break;
    case SI_PUNPCKLWD: unpack(&r, &a, &b, 2, false, n); break;
    case SI_PUNPCKLDQ: unpack(&r, &a, &b, 4, false, n); break;
    case SI_PUNPCKLQDQ: unpack(&r, &a, &b, 8, false, n); break;
    case SI_PUNPCKHBW: unpack(&r, &a, &b, 1, true, n); break;
    case SI_PUNPCKHWD: unpack(&r, &a, &b, 2, true, n); break;
    case SI_PUNPCKHDQ: unpack(&r, &a, &b, 4, true, n); break;
    case SI_PUNPCKHQDQ: unpack(&r, &a, &b, 8, true, n); break;
    case SI_PSHUFD:
        for (int i = 0; i < 4; i++)
            r.l[i] = b.l[(imm >> (2 * i)) & 3];
        break;
    case SI_PSHUFHW:
        r.q[0] = b.q[0];
        for (int i = 0; i < 4; i++)
            r.w[4 + i] = b.w[4 + ((imm >> (2 * i)) & 3)];
        break;
    case SI_PSHUFLW:
        r.q[1] = b.q[1];
        for (int i = 0; i < 4; i++)
            r.w[i] = b.w[(imm >> (2 * i)) & 3];
        break;
    case SI_PSHUFW:
        for (int i = 0; i < 4; i++)
            r.w[i] = b.w[(imm >> (2 * i)) & 3];
        break;
    case SI_SHUFPS:
        r.l[0] = a.l[imm & 3];
        r.l[1] = a.l[(imm >> 2) & 3];
        r.l[2] = b.l[(imm >> 4) & 3];
        r.l[3] = b.l[(imm >> 6) & 3];
        break;
    case SI_SHUFPD:
        r.q[0] = a.q[imm & 1];
        r.q[1] = b.q[(imm >> 1) & 1];
        break;
    case SI_PINSRW:
        r.w[imm & (n / 2 - 1)] = (uint16_t)src;
        break;
    default:
        break;
    }
    dp[0] = r.q[0];
    if (n == 16)
        dp[1] = r.q[1];
    return 0;
}
