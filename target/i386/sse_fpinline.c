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

/*
 * Operands: anything but denormals (NaN and infinite operands give results the result check
 * refuses: a NaN, an infinity, or for x/inf a zero the zero check refuses). Results: exponents
 * 2 .. max-1 are kept at once; anything else goes to a check out of the hot path, which keeps
 * exact zeros: a zero sum or difference of finite operands is always exact (the exact sum of two
 * floats is a multiple of the smallest denormal, so it never rounds to zero), a zero product or
 * quotient is exact when an operand (the dividend) is zero, and sqrt(+-0) = +-0. IEEE 754 fixes
 * their signs the same way on both CPUs under round to nearest.
 */
bool gen_sse_fp_inline(DisasContext *dc, uint32_t aux, int16_t dst, int16_t src, int addr)
{
    int op = aux & 31, fmt = (aux >> 5) & 3;
    if ((fmt != FM_SD && fmt != FM_SS) || (op > SO_DIV && op != SO_SQRT))
        return false;
    struct mips_buf *b = dc->b;
    struct ffmt f = ffmt(fmt == FM_SD);
    int emax = (1 << f.exp_bits) - 1, mag_shift = f.dbl ? 1 : 33;
    void (*to_fpr)(struct mips_buf *, int, int) = f.dbl ? mips_dmtc1 : mips_mtc1;
    flags_sync(dc);         /* the slow path's call must not be the only place that syncs */
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    int va = dc_temp(dc), vb = dc_temp(dc), r = dc_temp(dc), t = dc_temp(dc);

    load_src(dc, f, vb, src, addr);
    mips_lw(b, t, HREG_ENV, ENV_OFF(mxcsr));
    mips_andi(b, t, t, MX_PE | MX_PM | MX_RC | MX_FZ);
    mips_xori(b, t, t, MX_PE | MX_PM);
    mips_bnez(b, t, slow);
    load_env(dc, f, va, dst);                                   /* delay slot, harmless */
    gen_denormal_check(dc, f, vb, op == SO_SQRT ? -1 : va, t, r, slow);
    to_fpr(b, vb, F_B);                                         /* delay slot */
    to_fpr(b, va, F_A);
    static const uint8_t host_fn[] = { [SO_ADD] = FPU_ADD, [SO_SUB] = FPU_SUB, [SO_MUL] = FPU_MUL,
                                       [SO_DIV] = FPU_DIV, [SO_SQRT] = FPU_SQRT };
    int hfmt = f.dbl ? FMT_D : FMT_S;
    if (op == SO_SQRT)
        mips_fop2(b, hfmt, FPU_SQRT, F_R, F_B);
    else
        mips_fop3(b, hfmt, host_fn[op], F_R, F_A, F_B);
    (f.dbl ? mips_dmfc1 : mips_mfc1)(b, r, F_R);
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
    (f.dbl ? mips_dmfc1 : mips_mfc1)(b, r, F_R);
    mips_b(b, done);
    store_env(dc, f, r, dst);

    mips_bind_label(b, slow);
    gen_slow_call(dc, f, helper_sse_fp, t, dst, src, addr, vb, aux);
    gen_fpu_exception_if(dc, EXCP_XM, t);
    mips_bind_label(b, done);
    dc_temp_free(dc, t);
    dc_temp_free(dc, r);
    dc_temp_free(dc, vb);
    dc_temp_free(dc, va);
    return true;
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
    int hfmt = f.dbl ? FMT_D : FMT_S;

    load_src(dc, f, vb, src, addr);
    load_env(dc, f, va, dst);
    gen_denormal_check(dc, f, va, vb, t, result, slow);
    (f.dbl ? mips_dmtc1 : mips_mtc1)(b, va, F_A);              /* delay slot */
    (f.dbl ? mips_dmtc1 : mips_mtc1)(b, vb, F_B);
    mips_c_cond(b, hfmt, FCOND_UN, 0, F_A, F_B);
    mips_c_cond(b, hfmt, FCOND_EQ, 1, F_A, F_B);
    mips_c_cond(b, hfmt, FCOND_OLT, 2, F_A, F_B);
    mips_cfc1(b, t, 31);
    /* FCSR condition bits: cc 0 at bit 23, cc n > 0 at bit 24 + n. */
    mips_ext(b, result, t, 23, 1);
    mips_bnez(b, result, slow);
    mips_ext(b, result, t, 25, 1);                              /* delay slot: ZF */
    mips_ext(b, t, t, 26, 1);                                   /* CF */
    mips_sll(b, result, result, 6);
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
