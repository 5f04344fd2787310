/*
 * The x87 opcode map: escape opcodes D8..DF by modrm, as in the SDM (vol. 2, appendix A.5,
 * tables ). Each row says what the translator (x87.c) emits around which helper.
 * Pure data, so the native unit test can drive the helpers exactly as translated code does.
 *
 * Memory forms are indexed by (opcode, modrm.reg); register forms by (opcode, modrm.reg) when
 * the row applies to every ST(i), else by the whole modrm byte (the D9 E0..FF group and the few
 * single instructions in DA, DB, DE, DF). The undocumented aliases real CPUs execute (fcom2,
 * fcomp3, fxch4, fcomp5, fxch7, fstp1/8/9, ffreep) are included.
 */
#include "target/i386/fpu.h"

#define W XKF_WAIT
#define LD(sz, fn, a) { XK_LOAD, sz, W, a, 0, fn }
#define ST_(sz, fn, a, f) { XK_STORE, sz, W | (f), a, 0, fn }
#define ARITH_M(fmt, sz) \
    { LD(sz, helper_x87_arith_mem, XO_ADD | (fmt) << 3), LD(sz, helper_x87_arith_mem, XO_MUL | (fmt) << 3), \
      LD(sz, helper_x87_arith_mem, XO_COM | (fmt) << 3), LD(sz, helper_x87_arith_mem, XO_COMP | (fmt) << 3), \
      LD(sz, helper_x87_arith_mem, XO_SUB | (fmt) << 3), LD(sz, helper_x87_arith_mem, XO_SUBR | (fmt) << 3), \
      LD(sz, helper_x87_arith_mem, XO_DIV | (fmt) << 3), LD(sz, helper_x87_arith_mem, XO_DIVR | (fmt) << 3) }

static const struct x87_op mem_ops[8][8] = {
    [0] = ARITH_M(XF_F32, 4),
    [1] = {
        LD(4, helper_x87_load, XF_F32), { 0 }, ST_(4, helper_x87_store, XF_F32, 0),
        ST_(4, helper_x87_store, XF_F32, XKF_POP),
        { XK_ENV_LOAD, 28, W | XKF_CTRL, 0, 0, helper_x87_fldenv },
        { XK_LOAD, 2, W | XKF_CTRL, 0, 0, helper_x87_fldcw },
        { XK_ENV_STORE, 28, XKF_CTRL, 0, 0, helper_x87_fnstenv },
        { XK_STORE, 2, XKF_CTRL, 0, 0, helper_x87_fnstcw },
    },
    [2] = ARITH_M(XF_I32, 4),
    [3] = {
        LD(4, helper_x87_load, XF_I32), ST_(4, helper_x87_store, XF_I32T, XKF_POP),
        ST_(4, helper_x87_store, XF_I32, 0), ST_(4, helper_x87_store, XF_I32, XKF_POP), { 0 },
        LD(10, helper_x87_load, XF_F80), { 0 }, ST_(10, helper_x87_store, XF_F80, XKF_POP),
    },
    [4] = ARITH_M(XF_F64, 8),
    [5] = {
        LD(8, helper_x87_load, XF_F64), ST_(8, helper_x87_store, XF_I64T, XKF_POP),
        ST_(8, helper_x87_store, XF_F64, 0), ST_(8, helper_x87_store, XF_F64, XKF_POP),
        { XK_ENV_LOAD, 108, W | XKF_CTRL, 0, 0, helper_x87_frstor }, { 0 },
        { XK_ENV_STORE, 108, XKF_CTRL, 0, 0, helper_x87_fnsave },
        { XK_STORE, 2, XKF_CTRL, 1, 0, helper_x87_fnstsw },
    },
    [6] = ARITH_M(XF_I16, 2),
    [7] = {
        LD(2, helper_x87_load, XF_I16), ST_(2, helper_x87_store, XF_I16T, XKF_POP),
        ST_(2, helper_x87_store, XF_I16, 0), ST_(2, helper_x87_store, XF_I16, XKF_POP),
        LD(10, helper_x87_load, XF_BCD), LD(8, helper_x87_load, XF_I64),
        ST_(10, helper_x87_store, XF_BCD, XKF_POP), ST_(8, helper_x87_store, XF_I64, XKF_POP),
    },
};

/* Register forms applying to every ST(i): i goes into arg bits 3..5. */
#define R(fn, a) { XK_CALL, 0, W | XKF_STI, a, 0, fn }
#define AR(a) R(helper_x87_arith_reg, a)
#define FCMOV(cc) { XK_FCMOV, 0, W | XKF_STI, 0, cc, helper_x87_fcmov }
#define FCOMI(a) { XK_FCOMI, 0, W | XKF_STI, a, 0, helper_x87_fcomi }
#define BY_MODRM { XK_INVALID, 1, 0, 0, 0, 0 }      /* size 1 marks "see single_ops" */

static const struct x87_op reg_ops[8][8] = {
    [0] = { AR(XO_ADD), AR(XO_MUL), AR(XO_COM), AR(XO_COMP | XA_POP), AR(XO_SUB), AR(XO_SUBR), AR(XO_DIV),
            AR(XO_DIVR) },
    [1] = { R(helper_x87_fld_sti, 0), R(helper_x87_fxch, 0), BY_MODRM, R(helper_x87_fst_sti, XA_POP | XA_NOCHECK), BY_MODRM,
            BY_MODRM, BY_MODRM, BY_MODRM },
    /* fcmov conditions are the Jcc codes: b e be u, and nb ne nbe nu (SDM vol. 2, FCMOVcc). */
    [2] = { FCMOV(0x2), FCMOV(0x4), FCMOV(0x6), FCMOV(0xa), { 0 }, BY_MODRM, { 0 }, { 0 } },
    [3] = { FCMOV(0x3), FCMOV(0x5), FCMOV(0x7), FCMOV(0xb), BY_MODRM, FCOMI(XA_QUIET), FCOMI(0), { 0 } },
    [4] = { AR(XO_ADD | XA_TO_STI), AR(XO_MUL | XA_TO_STI), AR(XO_COM), AR(XO_COMP | XA_POP),
            AR(XO_SUB | XA_TO_STI), AR(XO_SUBR | XA_TO_STI), AR(XO_DIV | XA_TO_STI), AR(XO_DIVR | XA_TO_STI) },
    [5] = { R(helper_x87_ffree, 0), R(helper_x87_fxch, 0), R(helper_x87_fst_sti, 0), R(helper_x87_fst_sti, XA_POP),
            AR(XO_COM | XA_QUIET), AR(XO_COMP | XA_QUIET | XA_POP), { 0 }, { 0 } },
    [6] = { AR(XO_ADD | XA_TO_STI | XA_POP), AR(XO_MUL | XA_TO_STI | XA_POP), AR(XO_COMP | XA_POP), BY_MODRM,
            AR(XO_SUB | XA_TO_STI | XA_POP), AR(XO_SUBR | XA_TO_STI | XA_POP), AR(XO_DIV | XA_TO_STI | XA_POP),
            AR(XO_DIVR | XA_TO_STI | XA_POP) },
    [7] = { R(helper_x87_ffree, XA_POP), R(helper_x87_fxch, 0), R(helper_x87_fst_sti, XA_POP),
            R(helper_x87_fst_sti, XA_POP), BY_MODRM, FCOMI(XA_QUIET | XA_POP), FCOMI(XA_POP), { 0 } },
};

#define U(op) { XK_CALL, 0, W, op, 0, helper_x87_unary }
/* Instructions with a fixed modrm byte, indexed by (opcode & 7, modrm - 0xc0). */
static const struct { uint8_t opcode, modrm; struct x87_op op; } single_ops[] = {
    { 0xd9, 0xd0, { XK_WAIT, 0, W, 0, 0, 0 } },                          /* fnop */
    { 0xd9, 0xe0, U(XU_FCHS) }, { 0xd9, 0xe1, U(XU_FABS) }, { 0xd9, 0xe4, U(XU_FTST) }, { 0xd9, 0xe5, U(XU_FXAM) },
    { 0xd9, 0xe8, U(XU_FLD1) }, { 0xd9, 0xe9, U(XU_FLDL2T) }, { 0xd9, 0xea, U(XU_FLDL2E) },
    { 0xd9, 0xeb, U(XU_FLDPI) }, { 0xd9, 0xec, U(XU_FLDLG2) }, { 0xd9, 0xed, U(XU_FLDLN2) },
    { 0xd9, 0xee, U(XU_FLDZ) },
    { 0xd9, 0xf0, U(XU_F2XM1) }, { 0xd9, 0xf1, U(XU_FYL2X) }, { 0xd9, 0xf2, U(XU_FPTAN) },
    { 0xd9, 0xf3, U(XU_FPATAN) }, { 0xd9, 0xf4, U(XU_FXTRACT) }, { 0xd9, 0xf5, U(XU_FPREM1) },
    { 0xd9, 0xf6, U(XU_FDECSTP) }, { 0xd9, 0xf7, U(XU_FINCSTP) }, { 0xd9, 0xf8, U(XU_FPREM) },
    { 0xd9, 0xf9, U(XU_FYL2XP1) }, { 0xd9, 0xfa, U(XU_FSQRT) }, { 0xd9, 0xfb, U(XU_FSINCOS) },
    { 0xd9, 0xfc, U(XU_FRNDINT) }, { 0xd9, 0xfd, U(XU_FSCALE) }, { 0xd9, 0xfe, U(XU_FSIN) },
    { 0xd9, 0xff, U(XU_FCOS) },
    { 0xda, 0xe9, { XK_CALL, 0, W, XO_COMP | XA_QUIET | XA_POP | XA_POP2 | 1 << 3, 0, helper_x87_arith_reg } },
    { 0xdb, 0xe0, { XK_NOP, 0, XKF_CTRL, 0, 0, 0 } }, { 0xdb, 0xe1, { XK_NOP, 0, XKF_CTRL, 0, 0, 0 } },
    { 0xdb, 0xe2, { XK_CALL, 0, XKF_CTRL, 0, 0, helper_x87_fnclex } },
    { 0xdb, 0xe3, { XK_CALL, 0, XKF_CTRL, 0, 0, helper_x87_fninit } },
    { 0xdb, 0xe4, { XK_NOP, 0, XKF_CTRL, 0, 0, 0 } },
    { 0xde, 0xd9, { XK_CALL, 0, W, XO_COMP | XA_POP | XA_POP2 | 1 << 3, 0, helper_x87_arith_reg } },
    { 0xdf, 0xe0, { XK_FNSTSW_AX, 0, XKF_CTRL, 0, 0, helper_x87_fnstsw } },
};

const struct x87_op *x87_decode(uint8_t opcode, uint8_t modrm)
{
    static const struct x87_op invalid = { 0 };
    int row = opcode & 7, reg = (modrm >> 3) & 7;
    if (modrm < 0xc0)
        return &mem_ops[row][reg];
    const struct x87_op *op = &reg_ops[row][reg];
    if (op->kind != XK_INVALID || op->size != 1)
        return op;
    for (size_t i = 0; i < sizeof single_ops / sizeof single_ops[0]; i++) {
        if (single_ops[i].opcode == opcode && single_ops[i].modrm == modrm)
            return &single_ops[i].op;
    }
    return &invalid;
}
