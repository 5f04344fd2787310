/*
 * Inline code for the integer SIMD operations that glibc's SSE2 string functions and vectorised
 * loops run most (pxor/por/pand/pandn, pcmpeqb/w/d, paddb..q, psubb..q, pminub/pmaxub,
 * pmovmskb), instead of a helper call. The XMM/MMX registers live in env; each 8-byte half is processed in a 64-bit host
 * register with SWAR ("SIMD within a register") arithmetic, whose lanes never carry into each
 * other:
 *   equality:  x = a ^ b; lane zero  <=>  top bit of ((x & M) + M) | x is clear,  M = 0x7f..7f
 *   addition:  ((a & M) + (b & M)) ^ ((a ^ b) & ~M)
 *   subtract:  ((a | ~M) - (b & M)) ^ (~(a ^ b) & ~M)
 *   a < b:     lane top bit of (~a & b) | (~(a ^ b) & (a - b))   (the subtraction's borrow)
 *   movemask:  (((x >> 7) & 0x0101..01) * 0x0102040810204080) >> 56 gathers the byte tops.
 * The results are the helper's bit for bit (checked by the guest tests against the CPU).
 */
#include "target/i386/internal.h"
#include "target/i386/fpu.h"

/* The lane mask M for a lane width of 1, 2 or 4 bytes. */
static uint64_t low_bits(int lane)
{
    return lane == 1 ? 0x7f7f7f7f7f7f7f7full : lane == 2 ? 0x7fff7fff7fff7fffull : 0x7fffffff7fffffffull;
}

/* Loads half `off` of the source: an env register, or guest memory at addr. */
static void load_src(DisasContext *dc, int reg, int16_t src, int addr, int off, bool aligned)
{
    if (addr >= 0)
        gen_ld_off(dc, MO_64 | (aligned ? MO_ALIGNED : 0), reg, addr, (int16_t)off);
    else
        mips_ld(dc->b, reg, HREG_ENV, (int16_t)(src + off));
}

static int lane_of(int op)
{
    switch (op) {
    case SI_PCMPEQB: case SI_PADDB: case SI_PSUBB: case SI_PMINUB: case SI_PMAXUB: return 1;
    case SI_PCMPEQW: case SI_PADDW: case SI_PSUBW: return 2;
    case SI_PCMPEQD: case SI_PADDD: case SI_PSUBD: return 4;
    default: return 8;
    }
}

bool gen_sse_inline(DisasContext *dc, int op, int nbytes, int16_t dst, int16_t src, int addr, bool aligned)
{
    struct mips_buf *b = dc->b;
    switch (op) {
    case SI_PAND: case SI_PANDN: case SI_POR: case SI_PXOR:
    case SI_PCMPEQB: case SI_PCMPEQW: case SI_PCMPEQD:
    case SI_PADDB: case SI_PADDW: case SI_PADDD: case SI_PADDQ:
    case SI_PSUBB: case SI_PSUBW: case SI_PSUBD: case SI_PSUBQ:
    case SI_PMINUB: case SI_PMAXUB:
        break;
    default:
        return false;
    }
    int lane = lane_of(op);
    int x = dc_temp(dc), y = dc_temp(dc), m = -1, h = -1, t = dc_temp(dc);
    if (lane < 8) {
        m = dc_temp(dc);
        mips_li(b, m, (int64_t)low_bits(lane));
        if (op != SI_PCMPEQB && op != SI_PCMPEQW && op != SI_PCMPEQD) {
            h = dc_temp(dc);
            mips_nor(b, h, m, MIPS_ZERO);
        }
    }
    for (int off = 0; off < nbytes; off += 8) {
        mips_ld(b, x, HREG_ENV, (int16_t)(dst + off));
        load_src(dc, y, src, addr, off, aligned);
        switch (op) {
        case SI_PAND: mips_and(b, x, x, y); break;
        case SI_POR: mips_or(b, x, x, y); break;
        case SI_PXOR: mips_xor(b, x, x, y); break;
        case SI_PANDN:
            mips_nor(b, x, x, MIPS_ZERO);
            mips_and(b, x, x, y);
            break;
        case SI_PADDQ: mips_daddu(b, x, x, y); break;
        case SI_PSUBQ: mips_dsubu(b, x, x, y); break;
        case SI_PCMPEQB: case SI_PCMPEQW: case SI_PCMPEQD:
            mips_xor(b, x, x, y);           /* lanes equal <=> zero */
            mips_and(b, t, x, m);
            mips_daddu(b, t, t, m);
            mips_or(b, t, t, x);            /* lane top bit: lane nonzero */
            mips_or(b, t, t, m);
            mips_nor(b, t, t, MIPS_ZERO);   /* lane top bit alone: lane was zero */
            mips_dsrl(b, x, t, lane * 8 - 1);
            mips_dsubu(b, x, t, x);         /* top bit set: 0111..1; clear: 0 */
            mips_or(b, x, x, t);            /* all ones or zero */
            break;
        case SI_PADDB: case SI_PADDW: case SI_PADDD:
            mips_and(b, t, x, m);
            mips_xor(b, x, x, y);
            mips_and(b, y, y, m);
            mips_daddu(b, t, t, y);
            mips_and(b, x, x, h);
            mips_xor(b, x, x, t);
            break;
        case SI_PMINUB:
        case SI_PMAXUB: {
            int u = dc_temp(dc), v = dc_temp(dc), w = dc_temp(dc);
            mips_or(b, t, x, h);            /* t = a - b, lane by lane */
            mips_and(b, u, y, m);
            mips_dsubu(b, t, t, u);
            mips_xor(b, v, x, y);
            mips_nor(b, w, v, MIPS_ZERO);
            mips_and(b, w, w, h);
            mips_xor(b, t, t, w);
            mips_nor(b, w, x, MIPS_ZERO);   /* w = the borrow: a < b */
            mips_and(b, w, w, y);
            mips_nor(b, u, v, MIPS_ZERO);
            mips_and(b, u, u, t);
            mips_or(b, w, w, u);
            mips_and(b, w, w, h);
            mips_dsrl(b, u, w, 7);          /* 0x80 -> 0xff */
            mips_dsubu(b, u, w, u);
            mips_or(b, w, w, u);
            mips_and(b, v, v, w);           /* (a ^ b) where a < b */
            mips_xor(b, x, op == SI_PMAXUB ? x : y, v);
            dc_temp_free(dc, u);
            dc_temp_free(dc, v);
            dc_temp_free(dc, w);
            break;
        }
        default:        /* SI_PSUBB, SI_PSUBW, SI_PSUBD */
            mips_or(b, t, x, h);
            mips_xor(b, x, x, y);
            mips_and(b, y, y, m);
            mips_dsubu(b, t, t, y);
            mips_nor(b, x, x, MIPS_ZERO);
            mips_and(b, x, x, h);
            mips_xor(b, x, x, t);
            break;
        }
        mips_sd(b, x, HREG_ENV, (int16_t)(dst + off));
    }
    dc_temp_free(dc, x);
    dc_temp_free(dc, y);
    dc_temp_free(dc, t);
    if (m >= 0)
        dc_temp_free(dc, m);
    if (h >= 0)
        dc_temp_free(dc, h);
    return true;
}

void gen_pmovmskb(DisasContext *dc, int nbytes, int16_t src, int result)
{
    struct mips_buf *b = dc->b;
    int x = dc_temp(dc), ones = dc_temp(dc), mul = dc_temp(dc);
    mips_li(b, ones, 0x0101010101010101ll);
    mips_li(b, mul, 0x0102040810204080ll);
    for (int off = nbytes - 8; off >= 0; off -= 8) {
        mips_ld(b, x, HREG_ENV, (int16_t)(src + off));
        mips_dsrl(b, x, x, 7);
        mips_and(b, x, x, ones);
        mips_dmultu(b, x, mul);
        mips_mflo(b, x);
        mips_dsrl(b, x, x, 56);
        if (off == nbytes - 8) {
            mips_move(b, result, x);
        } else {
            mips_sll(b, result, result, 8);
            mips_or(b, result, result, x);
        }
    }
    dc_temp_free(dc, x);
    dc_temp_free(dc, ones);
    dc_temp_free(dc, mul);
}
