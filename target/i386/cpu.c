/*
 * CPU state set-up, eflags assembly from the lazy form, and the CPUID xqm reports.
 *
 * cc_compute_all is the C twin of the inline flag code in flags.c; both follow the formulas
 * written at the top of flags.c and must agree bit for bit.
 */
#include <string.h>

#include "common/xqm.h"
#include "target/i386/cpu.h"

_Static_assert(offsetof(CPUX86State, eflags) < 32768, "hot CPUX86State fields must be reachable with 16-bit offsets");
_Static_assert(sizeof(CPUX86State) < 32768, "the FPU/SIMD state is reached with 16-bit offsets too");

void cpu_x86_init(CPUX86State *env)
{
    memset(env, 0, sizeof *env);
    for (int i = 0; i < 256; i++)
        env->parity[i] = (__builtin_popcount((unsigned)i) & 1) ? 0 : CC_P;
    env->df = 1;
    env->eflags = EFLAGS_FIXED | EFLAGS_IF;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src1 = 0;
    /* The FPU as fninit leaves it, SSE as after reset (SDM vol. 1, 8.1.5 and 10.2.3.1). */
    env->fpuc = 0x37f;
    memset(env->fptag_empty, 1, sizeof env->fptag_empty);
    env->mxcsr = 0x1f80;
}

uint32_t cpu_get_eflags(const CPUX86State *env)
{
    return env->eflags | cc_compute_all(env) | (env->df < 0 ? EFLAGS_DF : 0);
}

void cpu_set_eflags(CPUX86State *env, uint32_t value, uint32_t mask)
{
    uint32_t cur = cpu_get_eflags(env);
    uint32_t v = (cur & ~mask) | (value & mask);
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src1 = v & CC_ALL;
    env->df = (v & EFLAGS_DF) ? -1 : 1;
    env->eflags = (v & ~(CC_ALL | EFLAGS_DF)) | EFLAGS_FIXED;
}

static uint32_t bit(uint64_t v, int n) { return (uint32_t)(v >> n) & 1; }

uint32_t cc_compute_all(const CPUX86State *env)
{
    unsigned op = env->cc_op;
    int top = (8 << cc_op_size(op)) - 1;
    uint64_t mask = top == 31 ? 0xffffffffu : (1u << (top + 1)) - 1;
    uint64_t a = env->cc_src1, b = env->cc_src2, r = env->cc_res;
    uint32_t cf, of, af = 0;
    switch (cc_op_kind(op)) {
    case CC_KIND_EFLAGS:
        return (uint32_t)a & CC_ALL;
    case CC_KIND_ADD:
        cf = (r & mask) < (a & mask);
        of = bit((a ^ r) & (b ^ r), top);
        af = bit(a ^ b ^ r, 4);
        break;
    case CC_KIND_ADC:
        cf = bit((a & b) | ((a | b) & ~r), top);
        of = bit((a ^ r) & (b ^ r), top);
        af = bit(a ^ b ^ r, 4);
        break;
    case CC_KIND_SUB:
        cf = (a & mask) < (b & mask);
        of = bit((a ^ b) & (a ^ r), top);
        af = bit(a ^ b ^ r, 4);
        break;
    case CC_KIND_SBB:
        cf = bit((~a & b) | ((~a | b) & r), top);
        of = bit((a ^ b) & (a ^ r), top);
        af = bit(a ^ b ^ r, 4);
        break;
    case CC_KIND_LOGIC:
        cf = of = 0;
        break;
    case CC_KIND_INC:
    case CC_KIND_DEC: {
        uint64_t min = 1ull << top;
        /* Only bit 0: when no later instruction reads the flags, HREG_CC_OP may be left naming an
         * older op than the one whose operands are in the lazy registers (exit.c), and the result
         * must still be six flag bits and nothing else. */
        cf = (uint32_t)b & 1;
        of = (r & mask) == (cc_op_kind(op) == CC_KIND_INC ? min : min - 1);
        af = bit(a ^ r ^ 1, 4);
        break;
    }
    case CC_KIND_SHL:
        cf = bit(a, top);
        of = bit(a ^ r, top);
        break;
    case CC_KIND_SAR:
        cf = (uint32_t)a & 1;
        of = bit(a ^ r, top);
        break;
    case CC_KIND_MUL:
        cf = of = a != 0;
        break;
    default:
        xqm_assert(!"bad cc_op");
        return 0;
    }
    uint32_t zf = (r & mask) == 0;
    uint32_t sf = bit(r, top);
    uint32_t pf = env->parity[r & 0xff] ? 1 : 0;
    return cf | pf << 2 | af << 4 | zf << 6 | sf << 7 | of << 11;
}

/*
 * The CPU xqm reports: a P6-family i686 ("GenuineIntel", family 6) with exactly the features xqm
 * translates: the x87 FPU, TSC, CX8 (cmpxchg8b), CMOV, MMX, FXSR (fxsave/fxrstor), SSE and SSE2,
 * so that glibc never picks code paths xqm cannot run (no SSE3 or later).
 */
void cpu_x86_cpuid(const CPUX86State *env, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    (void)env;
    (void)subleaf;
    enum {
        FEAT_FPU = 1 << 0, FEAT_TSC = 1 << 4, FEAT_CX8 = 1 << 8, FEAT_CMOV = 1 << 15, FEAT_MMX = 1 << 23,
        FEAT_FXSR = 1 << 24, FEAT_SSE = 1 << 25, FEAT_SSE2 = 1 << 26,
    };
    memset(out, 0, 4 * sizeof out[0]);
    switch (leaf) {
    case 0:
        out[0] = 1;
        memcpy(&out[1], "Genu", 4);
        memcpy(&out[3], "ineI", 4);
        memcpy(&out[2], "ntel", 4);
        break;
    case 1:
        out[0] = 0x000006f1;        /* family 6, model 15, stepping 1 */
        out[1] = 0x00010000;        /* one logical processor */
        out[3] = FEAT_FPU | FEAT_TSC | FEAT_CX8 | FEAT_CMOV | FEAT_MMX | FEAT_FXSR | FEAT_SSE | FEAT_SSE2;
        break;
    case 0x80000000:
        out[0] = 0x80000000;
        break;
    default:
        break;
    }
}
