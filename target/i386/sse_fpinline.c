/*
 * Inline host-FPU fast paths for the hottest scalar SSE/SSE2 instructions: addsd/subsd/mulsd/
 * divsd/sqrtsd and their ss forms, comisd/ucomisd/comiss/ucomiss, cvtsi2sd. Each runs the MIPS
 * FPU instruction on the operands straight from env (or guest memory) and keeps the result only
 * when it is provably the x86 result with the x86 flags; otherwise it branches to the exact helper
 * (the slow path, emitted right after), before anything was written.
 *
 * Why the kept results are exact (docs/fpu.md, "Fast paths"):
 * - IEEE 754 defines +, -, *, / and sqrt as the correctly rounded exact result, and compares by
 *   value; both FPUs implement that for normal operands, whose encodings are the same.
 * - Operands: no denormal is taken (x86 sets DE for it, or flushes it under DAZ). NaN operands
 *   (legacy MIPS NaNs have the quiet bit inverted, and x86 propagates specific NaNs) and infinities
 *   need no test of their own: they give NaN or infinite results, which the result check refuses;
 *   compares find them with c.un.
 * - MXCSR: round to nearest (the host FPU always runs with FCSR.RM = nearest, see host_init), FTZ
 *   off, precision exceptions masked and PE already set. Then the only flag an operation on normal
 *   operands with a normal result can raise, PE, is already set, so MXCSR needs no update at all.
 *   The first inexact operation after the flags were cleared therefore takes the helper once.
 * - Results: exponent fields 2 .. max-1 are kept. That excludes overflow (infinity), every
 *   underflow (zero, denormal) and the smallest binade, where x86 detects tininess after rounding
 *   with unbounded exponent and may report UE for a result that rounded up to 2^emin; invalid
 *   operations give a NaN, also excluded. A result with exponent 2 .. max-1 is not tiny and did
 *   not overflow on either CPU, so x86 raised at most PE. Zeros are kept where they are exact (see
 *   gen_sse_fp_inline).
 *
 * The FPU's own flags are never read, so the host's flag semantics (tininess before rounding,
 * legacy NaN handling) do not matter. $f0..$f2 are caller-saved temporaries in the n64 ABI and hold
 * nothing between guest instructions.
 */
#include "target/i386/internal.h"
#include "target/i386/fpu.h"

#define ENV_OFF(field) ((int16_t)offsetof(CPUX86State, field))

enum { F_A = 0, F_B = 1, F_R = 2 };
/* MXCSR bits (SDM vol. 1, 10.2.3). */
enum { MX_PE = 1 << 5, MX_PM = 1 << 12, MX_RC = 3 << 13, MX_FZ = 1 << 15 };

struct ffmt {
    bool dbl;
    int exp_pos, exp_bits;      /* the exponent field */
};

static struct ffmt ffmt(bool dbl)
{
    return dbl ? (struct ffmt){ true, 52, 11 } : (struct ffmt){ false, 23, 8 };
}

static void load_env(DisasContext *dc, struct ffmt f, int reg, int16_t off)
{
    (f.dbl ? mips_ld : mips_lw)(dc->b, reg, HREG_ENV, off);
}

static void store_env(DisasContext *dc, struct ffmt f, int reg, int16_t off)
{
    (f.dbl ? mips_sd : mips_sw)(dc->b, reg, HREG_ENV, off);
}

/* c = 1 if the exponent field of x lies in [lo, hi], else 0. */
static void gen_exp_ok(DisasContext *dc, struct ffmt f, int c, int x, int lo, int hi)
{
    struct mips_buf *b = dc->b;
    mips_dext(b, c, x, f.exp_pos, f.exp_bits);
    if (lo)
        mips_daddiu(b, c, c, (int16_t)-lo);
    mips_sltiu(b, c, c, (int16_t)(hi - lo + 1));
}

/* t = 0 if x is a denormal (or the smallest normal number with a zero fraction, which costs
 * nothing to include), nonzero otherwise: the magnitude m = x << 1 (x << 33 for floats) is a
 * denormal's when 0 < m <= 2^53 (2^56), i.e. when (m - 1) has no bit above the fraction. */
static void gen_not_denormal(DisasContext *dc, struct ffmt f, int t, int x)
{
    struct mips_buf *b = dc->b;
    mips_dsll(b, t, x, f.dbl ? 1 : 33);
    mips_daddiu(b, t, t, -1);
    mips_dsrl(b, t, t, 64 - f.exp_bits);
}

/* Branches to slow if x or y (y < 0: none) is a denormal; the delay slot is the caller's. */
static void gen_denormal_check(DisasContext *dc, struct ffmt f, int x, int y, int t, int t2, mips_label slow)
{
    gen_not_denormal(dc, f, t, x);
    if (y >= 0) {
        gen_not_denormal(dc, f, t2, y);
        mips_movz(dc->b, t, MIPS_ZERO, t2);
    }
    mips_beqz(dc->b, t, slow);
}

/* The second operand: from guest memory (addr >= 0) or env. */
static void load_src(DisasContext *dc, struct ffmt f, int reg, int16_t src, int addr)
{
    if (addr >= 0)
        gen_ld_off(dc, f.dbl ? MO_64 : MO_32, reg, addr, 0);
    else
        load_env(dc, f, reg, src);
}

/* Branches to slow unless MXCSR & mask == want; the delay slot is the caller's. */
static void gen_mxcsr_check(DisasContext *dc, int t, uint16_t mask, uint16_t want, mips_label slow)
{
    struct mips_buf *b = dc->b;
    mips_lw(b, t, HREG_ENV, ENV_OFF(mxcsr));
    mips_andi(b, t, t, mask);
    mips_xori(b, t, t, want);
    mips_bnez(b, t, slow);
}

/* The MXCSR state the rounding fast paths need: nearest, FTZ off, PE masked and already set. */
#define MX_ROUNDING_MASK (MX_PE | MX_PM | MX_RC | MX_FZ)
#define MX_ROUNDING_WANT (MX_PE | MX_PM)

static void to_fpr(DisasContext *dc, struct ffmt f, int reg, int fpr)
{
    (f.dbl ? mips_dmtc1 : mips_mtc1)(dc->b, reg, fpr);
}

static void from_fpr(DisasContext *dc, struct ffmt f, int reg, int fpr)
{
    (f.dbl ? mips_dmfc1 : mips_mfc1)(dc->b, reg, fpr);
}

static const uint8_t host_arith[] = { [SO_ADD] = FPU_ADD, [SO_SUB] = FPU_SUB, [SO_MUL] = FPU_MUL,
                                      [SO_DIV] = FPU_DIV, [SO_SQRT] = FPU_SQRT };

static void gen_host_arith(DisasContext *dc, struct ffmt f, int op, int fr, int fa, int fb)
{
    int hfmt = f.dbl ? FMT_D : FMT_S;
    if (op == SO_SQRT)
        mips_fop2(dc->b, hfmt, FPU_SQRT, fr, fb);
    else
        mips_fop3(dc->b, hfmt, host_arith[op], fr, fa, fb);
}

/* The slow path: the helper on the same operands (a memory operand goes to fpbuf first). */
static void gen_slow_call(DisasContext *dc, struct ffmt f, sse_helper_fn fn, int result, int16_t dst,
                          int16_t src, int addr, int vb, uint32_t aux)
{
    if (addr >= 0) {
        store_env(dc, f, vb, ENV_OFF(fpbuf));
        src = ENV_OFF(fpbuf);
    }
    gen_sse_call(dc, fn, result, (uint32_t)dst, -1, (uint32_t)src, aux);
}

/* The slow path of an instruction whose helper returns nonzero for #XM, then the join point. */
static void gen_slow_path(DisasContext *dc, struct ffmt f, sse_helper_fn fn, int t, int16_t dst, int16_t src,
                          int addr, int vb, uint32_t aux, mips_label slow, mips_label done)
{
    mips_bind_label(dc->b, slow);
    gen_slow_call(dc, f, fn, t, dst, src, addr, vb, aux);
    gen_fpu_exception_if(dc, EXCP_XM, t);
    mips_bind_label(dc->b, done);
}

/* va = the destination's low lane, vb = the source's, also in F_A and F_B; branches to slow if
 * either is a denormal. */
static void gen_load_ordered_pair(DisasContext *dc, struct ffmt f, int va, int vb, int16_t dst, int16_t src,
                                  int addr, int t, int u, mips_label slow)
{
    load_src(dc, f, vb, src, addr);
    load_env(dc, f, va, dst);
    gen_denormal_check(dc, f, va, vb, t, u, slow);
    to_fpr(dc, f, va, F_A);                                     /* delay slot */
    to_fpr(dc, f, vb, F_B);
}

/* Compares F_A and F_B: branches to slow if they are unordered, else u = 1 if fs cond ft holds
 * and, with cond2 >= 0, bit 26 of t says whether F_A cond2 F_B holds (FCSR condition bits: cc 0 at
 * bit 23, cc n > 0 at bit 24 + n). */
static void gen_ordered_relation(DisasContext *dc, struct ffmt f, int cond, int fs, int ft, int cond2, int t,
                                 int u, mips_label slow)
{
    struct mips_buf *b = dc->b;
    int hfmt = f.dbl ? FMT_D : FMT_S;
    mips_c_cond(b, hfmt, FCOND_UN, 0, F_A, F_B);
    mips_c_cond(b, hfmt, cond, 1, fs, ft);
    if (cond2 >= 0)
        mips_c_cond(b, hfmt, cond2, 2, F_A, F_B);
    mips_cfc1(b, t, 31);
    mips_ext(b, u, t, 23, 1);
    mips_bnez(b, u, slow);
    mips_ext(b, u, t, 25, 1);                                   /* delay slot */
}

/*
 * Operands: anything but denormals (NaN and infinite operands give results the result check
 * refuses: a NaN, an infinity, or for x/inf a zero the zero check refuses). Results: exponents
 * 2 .. max-1 are kept at once; anything else goes to a check out of the hot path, which keeps
 * exact zeros: a zero sum or difference of finite operands is always exact (the exact sum of two
 * floats is a multiple of the smallest denormal, so it never rounds to zero), a zero product or
 * quotient is exact when an operand (the dividend) is zero, and sqrt(+-0) = +-0. IEEE 754 fixes
 * their signs the same way on both CPUs under round to nearest.
 */
static void gen_scalar_arith(DisasContext *dc, int op, struct ffmt f, uint32_t aux, int16_t dst, int16_t src,
                             int addr)
{
    struct mips_buf *b = dc->b;
    int emax = (1 << f.exp_bits) - 1, mag_shift = f.dbl ? 1 : 33;
    flags_sync(dc);         /* the slow path's call must not be the only place that syncs */
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int va = dc_temp(dc), vb = dc_temp(dc), r = dc_temp(dc), t = dc_temp(dc);

    load_src(dc, f, vb, src, addr);
    gen_mxcsr_check(dc, t, MX_ROUNDING_MASK, MX_ROUNDING_WANT, slow);
    load_env(dc, f, va, dst);                                   /* delay slot, harmless */
    gen_denormal_check(dc, f, vb, op == SO_SQRT ? -1 : va, t, r, slow);
    to_fpr(dc, f, vb, F_B);                                     /* delay slot */
    to_fpr(dc, f, va, F_A);
    gen_host_arith(dc, f, op, F_R, F_A, F_B);
    from_fpr(dc, f, r, F_R);
    gen_exp_ok(dc, f, t, r, 2, emax - 1);
    mips_bnel(b, t, MIPS_ZERO, done);
    store_env(dc, f, r, dst);                                   /* delay slot, only if taken */

    /* A result outside exponents 2 .. max-1: kept only if it is an exact zero. */
    mips_dsll(b, t, r, mag_shift);
    mips_bnez(b, t, slow);
    if (op == SO_MUL || op == SO_DIV)
        mips_dsll(b, t, va, mag_shift);                         /* delay slot */
    else
        mips_nop(b);
    if (op == SO_MUL) {
        mips_dsll(b, r, vb, mag_shift);
        mips_movn(b, t, r, t);                                  /* zero if either operand is */
    }
    if (op == SO_MUL || op == SO_DIV) {
        mips_bnez(b, t, slow);
        mips_nop(b);
    }
    from_fpr(dc, f, r, F_R);
    mips_b(b, done);
    store_env(dc, f, r, dst);

    gen_slow_path(dc, f, helper_sse_fp, t, dst, src, addr, vb, aux, slow, done);
    dc_temp_free(dc, t);
    dc_temp_free(dc, r);
    dc_temp_free(dc, vb);
    dc_temp_free(dc, va);
}

/*
 * Packed add/sub/mul/div/sqrt (addpd, mulps, ...): lane by lane like the scalar forms, every
 * result kept in its own FPR ($f2..$f5) until all lanes passed their checks, so the slow path finds
 * the destination untouched. A zero result takes the helper (no exact-zero check per lane). The
 * 16-byte source is in two GPRs (two floats each for ps: the high one is read through dsra 32,
 * which leaves it sign-extended as mtc1 and the checks want).
 */
static void gen_packed_arith(DisasContext *dc, int op, struct ffmt f, uint32_t aux, int16_t dst, int16_t src,
                             int addr)
{
    struct mips_buf *b = dc->b;
    int emax = (1 << f.exp_bits) - 1, per_word = f.dbl ? 1 : 2, width = f.dbl ? 8 : 4;
    flags_sync(dc);
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int bw[2] = { dc_temp(dc), dc_temp(dc) }, aw = dc_temp(dc), xa = dc_temp(dc), xb = dc_temp(dc), t = dc_temp(dc);
    for (int w = 0; w < 2; w++) {
        if (addr >= 0)
            gen_ld_off(dc, MO_64 | MO_ALIGNED, bw[w], addr, (int16_t)(8 * w));
        else
            mips_ld(b, bw[w], HREG_ENV, (int16_t)(src + 8 * w));
    }
    gen_mxcsr_check(dc, t, MX_ROUNDING_MASK, MX_ROUNDING_WANT, slow);
    mips_nop(b);
    for (int w = 0; w < 2; w++) {
        if (op != SO_SQRT)
            mips_ld(b, aw, HREG_ENV, (int16_t)(dst + 8 * w));
        for (int h = 0; h < per_word; h++) {
            int lane = w * per_word + h, a = aw, bv = bw[w];
            if (h) {
                mips_dsra(b, xb, bw[w], 32);
                bv = xb;
                if (op != SO_SQRT) {
                    mips_dsra(b, xa, aw, 32);
                    a = xa;
                }
            }
            /* Scratch: xa while the low lane runs, aw (read by then) for the high one. */
            gen_denormal_check(dc, f, bv, op == SO_SQRT ? -1 : a, t, h ? aw : xa, slow);
            to_fpr(dc, f, bv, F_B);                             /* delay slot */
            to_fpr(dc, f, a, F_A);
            gen_host_arith(dc, f, op, F_R + lane, F_A, F_B);
            from_fpr(dc, f, t, F_R + lane);
            gen_exp_ok(dc, f, t, t, 2, emax - 1);
            mips_beqz(b, t, slow);
            mips_nop(b);
        }
    }
    for (int lane = 0; lane < 2 * per_word; lane++)
        (f.dbl ? mips_sdc1 : mips_swc1)(b, F_R + lane, HREG_ENV, (int16_t)(dst + width * lane));
    mips_b(b, done);
    mips_nop(b);

    mips_bind_label(b, slow);
    if (addr >= 0) {
        mips_sd(b, bw[0], HREG_ENV, ENV_OFF(fpbuf));
        mips_sd(b, bw[1], HREG_ENV, ENV_OFF(fpbuf) + 8);
        src = ENV_OFF(fpbuf);
    }
    gen_sse_call(dc, helper_sse_fp, t, (uint32_t)dst, -1, (uint32_t)src, aux);
    gen_fpu_exception_if(dc, EXCP_XM, t);
    mips_bind_label(b, done);
    dc_temp_free(dc, t);
    dc_temp_free(dc, xb);
    dc_temp_free(dc, xa);
    dc_temp_free(dc, aw);
    dc_temp_free(dc, bw[1]);
    dc_temp_free(dc, bw[0]);
}

/*
 * minsd/maxsd/minss/maxss: a < b ? a : b and a > b ? a : b (the second operand when they compare
 * equal, so min(+0, -0) = -0 as on x86). They raise IE for any NaN and DE for denormals, nothing
 * else, and do not round: NaNs and denormals take the helper, MXCSR does not matter.
 */
static void gen_scalar_minmax(DisasContext *dc, int op, struct ffmt f, uint32_t aux, int16_t dst, int16_t src,
                              int addr)
{
    struct mips_buf *b = dc->b;
    flags_sync(dc);
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int va = dc_temp(dc), vb = dc_temp(dc), t = dc_temp(dc), u = dc_temp(dc);
    gen_load_ordered_pair(dc, f, va, vb, dst, src, addr, t, u, slow);
    if (op == SO_MIN)
        gen_ordered_relation(dc, f, FCOND_OLT, F_A, F_B, -1, t, u, slow);
    else
        gen_ordered_relation(dc, f, FCOND_OLT, F_B, F_A, -1, t, u, slow);
    mips_movz(b, va, vb, u);                                    /* u: a wins */
    mips_b(b, done);
    store_env(dc, f, va, dst);                                  /* delay slot */

    gen_slow_path(dc, f, helper_sse_fp, t, dst, src, addr, vb, aux, slow, done);
    dc_temp_free(dc, u);
    dc_temp_free(dc, t);
    dc_temp_free(dc, vb);
    dc_temp_free(dc, va);
}

/*
 * cmpsd/cmpss with predicate imm8[2:0]: eq, lt, le, unord, neq, nlt, nle, ord. For ordered,
 * non-denormal operands they raise nothing (IE only for NaNs, DE for denormals), and unord/ord
 * are then constant. The result is all ones or all zeros in the low lane.
 */
static void gen_scalar_cmp(DisasContext *dc, struct ffmt f, uint32_t aux, int16_t dst, int16_t src, int addr)
{
    struct mips_buf *b = dc->b;
    int pred = (aux >> SA_IMM_SHIFT) & 7, base = pred & 3;
    flags_sync(dc);
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int va = dc_temp(dc), vb = dc_temp(dc), t = dc_temp(dc), u = dc_temp(dc);
    static const uint8_t cond[] = { FCOND_EQ, FCOND_OLT, FCOND_OLE, FCOND_F };
    gen_load_ordered_pair(dc, f, va, vb, dst, src, addr, t, u, slow);
    gen_ordered_relation(dc, f, cond[base], F_A, F_B, -1, t, u, slow);
    if (pred >= 4)
        mips_xori(b, u, u, 1);
    mips_dsubu(b, u, MIPS_ZERO, u);
    mips_b(b, done);
    store_env(dc, f, u, dst);                                   /* delay slot */

    gen_slow_path(dc, f, helper_sse_fp, t, dst, src, addr, vb, aux, slow, done);
    dc_temp_free(dc, u);
    dc_temp_free(dc, t);
    dc_temp_free(dc, vb);
    dc_temp_free(dc, va);
}

bool gen_sse_fp_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr)
{
    int op = aux & 31, fmt = (aux >> 5) & 3;
    bool scalar = fmt == FM_SD || fmt == FM_SS;
    struct ffmt f = ffmt(fmt == FM_SD || fmt == FM_PD);
    switch (op) {
    case SO_ADD: case SO_SUB: case SO_MUL: case SO_DIV: case SO_SQRT:
        (scalar ? gen_scalar_arith : gen_packed_arith)(dc, op, f, aux, dst, src, addr);
        return true;
    case SO_MIN: case SO_MAX:
        if (!scalar)
            return false;
        gen_scalar_minmax(dc, op, f, aux, dst, src, addr);
        return true;
    case SO_CMP:
        if (!scalar)
            return false;
        gen_scalar_cmp(dc, f, aux, dst, src, addr);
        return true;
    default:
        return false;
    }
}

/*
 * comisd/ucomisd/comiss/ucomiss (aux bit 0: double, bit 1: unordered form). Ordered operands that
 * are not denormals raise nothing on x86 (comis raises IE for any NaN, ucomis for SNaN, DE for
 * denormals), so those take the helper; zeros and infinities compare on the host. c.un finds NaNs
 * whatever their quiet bit means to the host. The result is eflags as the helper returns it:
 * ZF = equal, CF = less, PF = 0 (ordered).
 */
void gen_sse_comis_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr, int result)
{
    struct mips_buf *b = dc->b;
    struct ffmt f = ffmt(aux & 1);
    flags_sync(dc);
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int va = dc_temp(dc), vb = dc_temp(dc), t = dc_temp(dc);

    gen_load_ordered_pair(dc, f, va, vb, dst, src, addr, t, result, slow);
    gen_ordered_relation(dc, f, FCOND_EQ, F_A, F_B, FCOND_OLT, t, result, slow);
    mips_ext(b, t, t, 26, 1);                                   /* CF */
    mips_sll(b, result, result, 6);                             /* ZF */
    mips_b(b, done);
    mips_or(b, result, result, t);                              /* delay slot */

    mips_bind_label(b, slow);
    gen_slow_call(dc, f, helper_sse_comis, result, dst, src, addr, vb, aux);
    mips_dsrl(b, t, result, 63);
    gen_fpu_exception_if(dc, EXCP_XM, t);
    mips_bind_label(b, done);
    dc_temp_free(dc, t);
    dc_temp_free(dc, vb);
    dc_temp_free(dc, va);
}

/*
 * cvtss2sd: widening is exact and raises nothing for normal numbers and zeros (a denormal raises DE,
 * a NaN is quieted: both take the helper, with infinities, which cost nothing to leave out).
 * cvtsd2ss rounds: the arithmetic's MXCSR state and result check apply, and a zero result is kept
 * when the operand was a zero.
 */
static void gen_cvt_float(DisasContext *dc, bool to_double, uint32_t aux, int16_t dst, int16_t src, int addr)
{
    struct mips_buf *b = dc->b;
    struct ffmt fs = ffmt(!to_double), fd = ffmt(to_double);
    flags_sync(dc);
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int v = dc_temp(dc), r = dc_temp(dc), t = dc_temp(dc);
    load_src(dc, fs, v, src, addr);
    if (to_double) {
        gen_exp_ok(dc, fs, t, v, 1, 254);
        mips_dsll(b, MIPS_AT, v, 33);
        mips_sltiu(b, MIPS_AT, MIPS_AT, 1);                     /* +-0 */
        mips_or(b, t, t, MIPS_AT);
        mips_beqz(b, t, slow);
        to_fpr(dc, fs, v, F_B);                                 /* delay slot */
        mips_cvt(b, FMT_D, FMT_S, F_R, F_B);
        mips_b(b, done);
        mips_sdc1(b, F_R, HREG_ENV, dst);                       /* delay slot */
    } else {
        gen_mxcsr_check(dc, t, MX_ROUNDING_MASK, MX_ROUNDING_WANT, slow);
        mips_nop(b);
        gen_denormal_check(dc, fs, v, -1, t, -1, slow);
        to_fpr(dc, fs, v, F_B);                                 /* delay slot */
        mips_cvt(b, FMT_S, FMT_D, F_R, F_B);
        from_fpr(dc, fd, r, F_R);
        gen_exp_ok(dc, fd, t, r, 2, 254);
        mips_bnel(b, t, MIPS_ZERO, done);
        store_env(dc, fd, r, dst);                              /* delay slot, only if taken */
        mips_dsll(b, t, v, 1);
        mips_bnez(b, t, slow);
        mips_nop(b);
        mips_b(b, done);
        store_env(dc, fd, r, dst);                              /* delay slot */
    }
    mips_bind_label(b, slow);
    gen_slow_call(dc, fs, helper_sse_cvt, t, dst, src, addr, v, aux);
    gen_fpu_exception_if(dc, EXCP_XM, t);
    mips_bind_label(b, done);
    dc_temp_free(dc, t);
    dc_temp_free(dc, r);
    dc_temp_free(dc, v);
}

bool gen_sse_cvt_xmm_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr)
{
    switch (aux & 0xff) {
    case CV_SS2SD: gen_cvt_float(dc, true, aux, dst, src, addr); return true;
    case CV_SD2SS: gen_cvt_float(dc, false, aux, dst, src, addr); return true;
    default: return false;
    }
}

/*
 * cvttsd2si/cvttss2si/cvtsd2si/cvtss2si: for |x| < 2^31 (truncating) or < 2^30 (rounding, which
 * must not round up to 2^31) the result is the integer both CPUs compute, and the only possible
 * flag is PE (these instructions raise no DE: SDM vol. 2, CVTTSD2SI), so PE must be masked and
 * set; the rounding forms also need round to nearest. Zeros and denormals convert to 0 either way
 * (DAZ only drops a PE that is already set). Larger values, infinities and NaNs take the helper
 * (the "integer indefinite" with IE).
 */
bool gen_sse_cvt_gpr_inline(DisasContext *dc, uint32_t aux, int16_t src, int addr, int result)
{
    int kind = aux & 0xff;
    if (kind != CV_TSD2SI && kind != CV_SD2SI && kind != CV_TSS2SI && kind != CV_SS2SI)
        return false;
    bool trunc = kind == CV_TSD2SI || kind == CV_TSS2SI;
    struct ffmt f = ffmt(kind == CV_TSD2SI || kind == CV_SD2SI);
    int bias = f.dbl ? 1023 : 127;
    struct mips_buf *b = dc->b;
    flags_sync(dc);
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int v = dc_temp(dc), t = dc_temp(dc);
    load_src(dc, f, v, src, addr);
    if (trunc)
        gen_mxcsr_check(dc, t, MX_PE | MX_PM, MX_PE | MX_PM, slow);
    else
        gen_mxcsr_check(dc, t, MX_ROUNDING_MASK, MX_ROUNDING_WANT, slow);
    mips_nop(b);
    gen_exp_ok(dc, f, t, v, 0, bias + (trunc ? 30 : 29));
    mips_beqz(b, t, slow);
    to_fpr(dc, f, v, F_B);                                      /* delay slot */
    if (trunc)
        mips_trunc(b, FMT_W, f.dbl ? FMT_D : FMT_S, F_R, F_B);
    else
        mips_cvt(b, FMT_W, f.dbl ? FMT_D : FMT_S, F_R, F_B);
    mips_b(b, done);
    mips_mfc1(b, result, F_R);                                  /* delay slot */

    mips_bind_label(b, slow);
    gen_slow_call(dc, f, helper_sse_cvt, result, 0, src, addr, v, aux);
    mips_dsrl(b, t, result, 63);
    gen_fpu_exception_if(dc, EXCP_XM, t);
    mips_sll(b, result, result, 0);
    mips_bind_label(b, done);
    dc_temp_free(dc, t);
    dc_temp_free(dc, v);
    return true;
}

/* cvtsi2sd: every int32 is a double, so the conversion is exact and raises nothing; only the low
 * quadword of the destination is written. */
bool gen_sse_cvt_inline(DisasContext *dc, uint32_t aux, int16_t dst, int value)
{
    if ((aux & 0xff) != CV_SI2SD)
        return false;
    struct mips_buf *b = dc->b;
    mips_mtc1(b, value, F_A);
    mips_cvt(b, FMT_D, FMT_W, F_R, F_A);
    mips_sdc1(b, F_R, HREG_ENV, dst);
    return true;
}
