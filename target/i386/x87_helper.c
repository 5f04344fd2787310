/*
 * The x87 FPU: C helpers behind every x87 instruction (SDM vol. 1, chapter 8), operating on the
 * register stack in env with the software floats of softfloat.c.
 *
 * State: env->fpregs are the physical registers, ST(i) = fpregs[(fpstt + i) & 7]; fptag_empty
 * holds the only tag information the hardware cannot derive from the contents (empty or not);
 * fpus is the status word without TOP. Memory operands arrive in / leave through env->fpbuf:
 * the translator moves the bytes between guest memory and fpbuf, so no helper touches guest
 * memory, and a faulting access leaves the FPU untouched.
 *
 * Exceptions (SDM vol. 1, 8.5): each helper raises flags into the status word. An unmasked
 * exception sets ES (and B) and is reported as #MF by the next waiting x87 instruction, which the
 * translator checks inline. Unmasked IE/DE/ZE leave the destination and the stack unchanged;
 * unmasked OE/UE deliver a result with a wrapped exponent to a register, nothing to memory.
 * Behaviours the SDM leaves open follow the hardware (checked by tests/unit/test_x87_native):
 * arithmetic keeps C0, C2 and C3; precision control 01 (reserved) acts as 64 bits.
 */
#include <string.h>

#include "target/i386/fpu.h"

#define ST(n) (env->fpregs[(env->fpstt + (n)) & 7])

static bool st_empty(const CPUX86State *env, int n)
{
    return env->fptag_empty[(env->fpstt + n) & 7];
}

struct sf_env x87_sf_env(const CPUX86State *env)
{
    static const uint8_t prec[4] = { 24, 64, 53, 64 };
    return (struct sf_env){
        .round = (env->fpuc >> 10) & 3, .prec = prec[(env->fpuc >> 8) & 3], .unmasked = ~env->fpuc & 0x3f,
    };
}

void x87_update_es(CPUX86State *env)
{
    if (env->fpus & ~env->fpuc & 0x3f)
        env->fpus |= FSW_ES | FSW_B;
    else
        env->fpus &= (uint16_t)~(FSW_ES | FSW_B);
}

static void set_cc(CPUX86State *env, uint16_t mask, uint16_t value)
{
    env->fpus = (uint16_t)((env->fpus & ~mask) | value);
}

static void set_c1(CPUX86State *env, bool c1)
{
    set_cc(env, FSW_C1, c1 ? FSW_C1 : 0);
}

/* Records raised exceptions. True if the destination must stay unchanged: an unmasked
 * pre-computation exception (IE, DE, ZE), which also means no result was computed, so the
 * post-computation flags (OE, UE, PE) of the software computation are dropped. */
static bool raise(CPUX86State *env, unsigned flags)
{
    bool abort = (flags & ~env->fpuc & (SF_IE | SF_DE | SF_ZE)) != 0;
    if (abort) {
        flags &= SF_IE | SF_DE | SF_ZE | FSW_SF;
        if (!(flags & FSW_SF))
            set_c1(env, false);
    }
    env->fpus |= (uint16_t)flags;
    if (flags & ~env->fpuc & 0x3f)
        env->fpus |= FSW_ES | FSW_B;
    return abort;
}

/* Stack overflow (push onto a full register) or underflow (read of an empty one): IE with SF, C1
 * telling which (SDM vol. 1, 8.5.1.1). True if masked: the operation goes on with the indefinite. */
static bool stack_fault(CPUX86State *env, bool overflow)
{
    set_c1(env, overflow);
    return !raise(env, SF_IE | FSW_SF);
}

static void push(CPUX86State *env, fx80 v)
{
    env->fpstt = (env->fpstt - 1) & 7;
    env->fpregs[env->fpstt] = v;
    env->fptag_empty[env->fpstt] = 0;
}

void x87_pop(CPUX86State *env)
{
    env->fptag_empty[env->fpstt] = 1;
    env->fpstt = (env->fpstt + 1) & 7;
}

static void write_st(CPUX86State *env, int n, fx80 v)
{
    ST(n) = v;
    env->fptag_empty[(env->fpstt + n) & 7] = 0;
}

/* --- memory formats --- */

static uint64_t buf_q(const CPUX86State *env) { return env->fpbuf[0].q[0]; }

/* The memory operand in fpbuf as an unpacked value (no flags: arithmetic raises them). */
static sf_val mem_operand(const CPUX86State *env, int fmt)
{
    uint64_t q = buf_q(env);
    switch (fmt) {
    case XF_F32: return sf_unpack_f32((uint32_t)q, false);
    case XF_F64: return sf_unpack_f64(q, false);
    case XF_I16: return sf_unpack_x80(x87_from_int((int16_t)q));
    case XF_I32: return sf_unpack_x80(x87_from_int((int32_t)q));
    default: return sf_unpack_x80(x87_from_int((int64_t)q));
    }
}

fx80 x87_from_int(int64_t v)
{
    struct sf_env e = { .prec = 64 };
    return sf_pack_x80(&e, sf_from_int(v));
}

/* --- loads (push) --- */

/* fld m32/m64/m80, fild m16/m32/m64, fbld: push the operand in fpbuf (SDM vol. 2, FLD). */
uint64_t helper_x87_load(CPUX86State *env, uint64_t fmt, uint64_t unused)
{
    (void)unused;
    if (!st_empty(env, 7)) {
        if (stack_fault(env, true))
            push(env, X80_INDEFINITE);
        return 0;
    }
    fx80 v;
    if ((fmt == XF_F64 || fmt == XF_F32) && x87_fast_from_ieee(fmt == XF_F64 ? buf_q(env) : env->fpbuf[0].l[0],
                                                               fmt == XF_F64, &v)) {
        set_c1(env, false);
        push(env, v);
        return 0;
    }
    struct sf_env e = x87_sf_env(env);
    switch (fmt) {
    case XF_F80:
        v = (fx80){ .sig = buf_q(env), .se = env->fpbuf[0].w[4] };
        break;
    case XF_BCD:
        v = x87_from_bcd(env->fpbuf[0].q[0], env->fpbuf[0].w[4]);
        break;
    case XF_F32:
    case XF_F64: {
        /* Exact widening; SNaN raises IE and is quieted, a denormal raises DE. */
        sf_val a = mem_operand(env, (int)fmt);
        if (a.denormal)
            e.flags |= SF_DE;
        v = sf_pack_x80_prec(&e, sf_nan_or_exact(&e, a), 64);
        break;
    }
    default:
        v = sf_pack_x80_prec(&e, sf_exact(mem_operand(env, (int)fmt)), 64);
        break;
    }
    set_c1(env, false);
    /* An unmasked DE does not stop a load (the reference CPU pushes the operand anyway). */
    if (!raise(env, e.flags) || !(e.flags & ~env->fpuc & (SF_IE | SF_ZE)))
        push(env, v);
    return 0;
}

/* fld st(i); i in arg bits 3..5 like every register form. An empty source is reported before a
 * full destination. */
uint64_t helper_x87_fld_sti(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    int i = (arg >> 3) & 7;
    if (st_empty(env, i)) {
        if (stack_fault(env, false))
            push(env, X80_INDEFINITE);
        return 0;
    }
    if (!st_empty(env, 7)) {
        if (stack_fault(env, true))
            push(env, X80_INDEFINITE);
        return 0;
    }
    fx80 v = ST(i);
    set_c1(env, false);
    push(env, v);
    return 0;
}

/* --- stores --- */

/*
 * fst/fstp/fist/fistp/fisttp/fbstp to memory: converts ST(0) into fpbuf (translated code first
 * tries x87_fast_store, which covers normal values that convert without a fault). Returns 1 when nothing
 * may be stored (and nothing popped): an unmasked exception (SDM vol. 1, 8.5.4: no result goes
 * to memory on unmasked overflow or underflow either).
 */
uint64_t helper_x87_store(CPUX86State *env, uint64_t fmt, uint64_t unused)
{
    (void)unused;
    bool empty = st_empty(env, 0);
    struct sf_env e = x87_sf_env(env);
    if (empty && !stack_fault(env, false))
        return 1;
    fx80 st0 = empty ? X80_INDEFINITE : ST(0);
    sf_val a = sf_unpack_x80(st0);
    XMMReg *b = &env->fpbuf[0];
    switch (fmt) {
    case XF_F32:
        b->l[0] = a.cls == SF_UNSUPPORTED ? (e.flags |= SF_IE, 0xffc00000u) : sf_pack_f32(&e, sf_nan_or_exact(&e, a));
        break;
    case XF_F64:
        b->q[0] = a.cls == SF_UNSUPPORTED ? (e.flags |= SF_IE, 0xfff8000000000000ull)
                                          : sf_pack_f64(&e, sf_nan_or_exact(&e, a));
        break;
    case XF_F80:
        b->q[0] = st0.sig;
        b->w[4] = st0.se;
        break;
    case XF_I16: case XF_I32: case XF_I64:
    case XF_I16T: case XF_I32T: case XF_I64T: {
        static const uint8_t bits[] = { [XF_I16] = 16, [XF_I32] = 32, [XF_I64] = 64,
                                        [XF_I16T] = 16, [XF_I32T] = 32, [XF_I64T] = 64 };
        bool trunc = fmt >= XF_I16T;
        b->q[0] = (uint64_t)sf_to_int(&e, a, bits[fmt], trunc ? SF_RZ : e.round);
        break;
    }
    case XF_BCD:
        x87_to_bcd(&e, a, b);
        break;
    }
    /* Unmasked overflow or underflow: nothing is stored, and only OE/UE is reported (no PE), with
     * C1 clear, as on the reference CPU. */
    if (e.flags & e.unmasked & (SF_OE | SF_UE)) {
        e.flags &= (uint8_t)~SF_PE;
        e.rounded_up = false;
    }
    set_c1(env, e.rounded_up);
    raise(env, e.flags);
    return (e.flags & e.unmasked & (SF_IE | SF_OE | SF_UE)) != 0;
}

/* fst/fstp st(i): a plain copy. */
uint64_t helper_x87_fst_sti(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    int i = (arg >> 3) & 7;
    if (st_empty(env, 0) && (arg & XA_NOCHECK)) {
        /* D9 D8+i (the undocumented fstp1) pops an empty ST(0) without a stack fault or a write,
         * as the reference CPU does. */
        set_c1(env, false);
        x87_pop(env);
        return 0;
    }
    if (st_empty(env, 0)) {
        if (!stack_fault(env, false))
            return 0;
        write_st(env, i, X80_INDEFINITE);
    } else {
        set_c1(env, false);
        write_st(env, i, ST(0));
    }
    if (arg & XA_POP)
        x87_pop(env);
    return 0;
}

/* --- arithmetic --- */

static sf_res arith(struct sf_env *e, int op, sf_val a, sf_val b)
{
    if (a.cls == SF_UNSUPPORTED || b.cls == SF_UNSUPPORTED) {
        e->flags |= SF_IE;
        return sf_default_nan();
    }
    switch (op) {
    case XO_ADD: return sf_add(e, a, b, false);
    case XO_MUL: return sf_mul(e, a, b);
    case XO_SUB: return sf_add(e, a, b, true);
    case XO_SUBR: return sf_add(e, b, a, true);
    case XO_DIV: return sf_div(e, a, b);
    default: return sf_div(e, b, a);
    }
}

/* Compares for fcom/fucom/ficom/ftst/fcomi: -1, 0, 1 or 2 (unordered); IE as the SDM lists. */
static int compare(struct sf_env *e, sf_val a, sf_val b, bool quiet)
{
    if (a.cls == SF_UNSUPPORTED || b.cls == SF_UNSUPPORTED) {
        e->flags |= SF_IE;
        return 2;
    }
    return sf_compare(e, a, b, !quiet);
}

static void set_compare_cc(CPUX86State *env, int r)
{
    static const uint16_t cc[4] = { FSW_C0, FSW_C3, 0, FSW_C3 | FSW_C2 | FSW_C0 };
    set_cc(env, FSW_C3 | FSW_C2 | FSW_C1 | FSW_C0, cc[r + 1]);
}

/* dst = a op b, the x87 way: underflowed operands give the indefinite when IE is masked.
 * False if an unmasked exception aborted the instruction (then nothing is popped either). */
static bool arith_to(CPUX86State *env, int op, int dst, int src_b, const sf_val *mem, const fx80 *mem80)
{
    if (st_empty(env, dst) || (!mem && st_empty(env, src_b))) {
        if (!stack_fault(env, false))
            return false;
        write_st(env, dst, X80_INDEFINITE);
        return true;
    }
    fx80 r;
    bool up;
    if ((!mem || mem80) && x87_fast_arith(env, op, &ST(dst), mem ? mem80 : &ST(src_b), &r, &up)) {
        write_st(env, dst, r);
        set_c1(env, up);
        return true;
    }
    struct sf_env e = x87_sf_env(env);
    sf_val a = sf_unpack_x80(ST(dst)), b = mem ? *mem : sf_unpack_x80(ST(src_b));
    r = sf_pack_x80(&e, arith(&e, op, a, b));
    if (raise(env, e.flags))
        return false;
    write_st(env, dst, r);
    set_c1(env, e.rounded_up);
    return true;
}

/* The condition codes are set even when an unmasked exception aborts the compare (as the
 * reference CPU does); only the pop of fcomp & co. is skipped then. */
static bool compare_st0(CPUX86State *env, int i, const sf_val *mem, bool quiet)
{
    struct sf_env e = x87_sf_env(env);
    if (st_empty(env, 0) || (!mem && st_empty(env, i))) {
        bool masked = stack_fault(env, false);
        set_compare_cc(env, 2);
        return masked;
    }
    int r = compare(&e, sf_unpack_x80(ST(0)), mem ? *mem : sf_unpack_x80(ST(i)), quiet);
    set_compare_cc(env, r);
    return !raise(env, e.flags);
}

/* D8 /r and DA/DC/DE memory forms: ST(0) = ST(0) op m (op = modrm.reg: add mul com comp sub
 * subr div divr), arg = op | fmt << 3. fcomp pops. */
uint64_t helper_x87_arith_mem(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    int op = arg & 7, fmt = (int)(arg >> 3);
    sf_val m = mem_operand(env, fmt);
    if (op == XO_COM || op == XO_COMP) {
        if (compare_st0(env, 0, &m, false) && op == XO_COMP)
            x87_pop(env);
    } else {
        fx80 m80;
        bool fast = (fmt == XF_F64 || fmt == XF_F32) && x87_fast_from_ieee(buf_q(env), fmt == XF_F64, &m80);
        arith_to(env, op, 0, 0, &m, fast ? &m80 : NULL);
    }
    return 0;
}

/* Register forms: arg = op | i << 3 | XA_TO_STI (dest ST(i), source ST(0)) | XA_POP | XA_POP2
 * | XA_QUIET (fucom). */
uint64_t helper_x87_arith_reg(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    int op = arg & 7, i = (arg >> 3) & 7;
    bool done;
    if (op == XO_COM || op == XO_COMP) {
        done = compare_st0(env, i, NULL, arg & XA_QUIET);
    } else if (arg & XA_TO_STI) {
        /* With ST(i) as destination the reversed forms swap operands (SDM vol. 2, FSUBR). */
        static const uint8_t swap[8] = { XO_ADD, XO_MUL, 0, 0, XO_SUBR, XO_SUB, XO_DIVR, XO_DIV };
        done = arith_to(env, swap[op], i, 0, NULL, NULL);
    } else {
        done = arith_to(env, op, 0, i, NULL, NULL);
    }
    if (done && (arg & XA_POP))
        x87_pop(env);
    if (done && (arg & XA_POP2))
        x87_pop(env);
    return 0;
}

/* fcomi/fcomip/fucomi/fucomip: ZF PF CF from the comparison, OF SF AF cleared (SDM vol. 2,
 * FCOMI); returns the six flags. Like fcom, the flags are set even when an unmasked exception
 * skips the pop, and C1 keeps its value (both as on the reference CPU). arg = i << 3 | XA_QUIET
 * | XA_POP. */
uint64_t helper_x87_fcomi(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    static const uint64_t flags[4] = { CC_C, CC_Z, 0, CC_Z | CC_P | CC_C };
    int i = (arg >> 3) & 7;
    struct sf_env e = x87_sf_env(env);
    if (st_empty(env, 0) || st_empty(env, i)) {
        if (stack_fault(env, false) && (arg & XA_POP))
            x87_pop(env);
        return flags[3];
    }
    int r = compare(&e, sf_unpack_x80(ST(0)), sf_unpack_x80(ST(i)), arg & XA_QUIET);
    uint16_t c1 = env->fpus & FSW_C1;
    bool abort = raise(env, e.flags);
    set_cc(env, FSW_C1, c1);
    if (!abort && (arg & XA_POP))
        x87_pop(env);
    return flags[r + 1];
}

/* fcmovcc: ST(0) = ST(i) when the condition (computed by the translator) holds. An empty operand
 * is a stack underflow whether or not the condition holds; C1 keeps its value (as on the reference
 * CPU; the SDM calls it undefined). */
uint64_t helper_x87_fcmov(CPUX86State *env, uint64_t arg, uint64_t cond)
{
    int i = (arg >> 3) & 7;
    if (st_empty(env, 0) || st_empty(env, i)) {
        if (stack_fault(env, false))
            write_st(env, 0, X80_INDEFINITE);
        return 0;
    }
    if (cond)
        write_st(env, 0, ST(i));
    return 0;
}

/* fxch st(i): empty operands become the indefinite first when IE is masked. */
uint64_t helper_x87_fxch(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    int i = (arg >> 3) & 7;
    if (st_empty(env, 0) || st_empty(env, i)) {
        if (!stack_fault(env, false))
            return 0;
        if (st_empty(env, 0))
            write_st(env, 0, X80_INDEFINITE);
        if (st_empty(env, i))
            write_st(env, i, X80_INDEFINITE);
    } else {
        set_c1(env, false);
    }
    fx80 t = ST(0);
    ST(0) = ST(i);
    ST(i) = t;
    return 0;
}

/* ffree st(i) (and ffreep, which also pops). */
uint64_t helper_x87_ffree(CPUX86State *env, uint64_t arg, uint64_t unused)
{
    (void)unused;
    set_c1(env, false);
    env->fptag_empty[(env->fpstt + (arg >> 3)) & 7] = 1;
    if (arg & XA_POP)
        x87_pop(env);
    return 0;
}

/* --- one-operand instructions on ST(0) (D9 E0..FF) --- */

static bool need_st(CPUX86State *env, int n, bool write_indefinite)
{
    for (int i = 0; i < n; i++) {
        if (st_empty(env, i)) {
            if (stack_fault(env, false) && write_indefinite)
                write_st(env, 0, X80_INDEFINITE);
            return false;
        }
    }
    return true;
}

static void fxam(CPUX86State *env)
{
    fx80 v = ST(0);
    uint16_t c1 = (v.se & 0x8000) ? FSW_C1 : 0, cc;
    int e = v.se & 0x7fff;
    if (st_empty(env, 0))
        cc = FSW_C3 | FSW_C0;
    else if (e == 0)
        cc = v.sig ? FSW_C3 | FSW_C2 : FSW_C3;
    else if (!(v.sig >> 63))
        cc = 0;         /* unsupported: unnormal, pseudo-NaN, pseudo-infinity */
    else if (e == 0x7fff)
        cc = (v.sig << 1) ? FSW_C0 : FSW_C2 | FSW_C0;
    else
        cc = FSW_C2;
    set_cc(env, FSW_C3 | FSW_C2 | FSW_C1 | FSW_C0, cc | c1);
}

uint64_t helper_x87_unary(CPUX86State *env, uint64_t op, uint64_t unused)
{
    (void)unused;
    struct sf_env e = x87_sf_env(env);
    switch (op) {
    case XU_FCHS:
    case XU_FABS:
        if (need_st(env, 1, true)) {
            set_c1(env, false);
            ST(0).se = op == XU_FCHS ? ST(0).se ^ 0x8000 : ST(0).se & 0x7fff;
        }
        return 0;
    case XU_FTST: {
        sf_val z = { .cls = SF_ZERO };
        compare_st0(env, 0, &z, false);
        return 0;
    }
    case XU_FXAM:
        fxam(env);
        return 0;
    case XU_FSQRT:
    case XU_FRNDINT:
        if (need_st(env, 1, true)) {
            sf_val a = sf_unpack_x80(ST(0));
            sf_res r;
            if (a.cls == SF_UNSUPPORTED) {
                e.flags |= SF_IE;
                r = sf_default_nan();
            } else {
                r = op == XU_FSQRT ? sf_sqrt(&e, a) : sf_round_int(&e, a, e.round);
            }
            bool up = e.rounded_up;     /* frndint: set by the rounding to an integer */
            fx80 v = sf_pack_x80_prec(&e, r, op == XU_FSQRT ? e.prec : 64);
            e.rounded_up |= up;
            if (!raise(env, e.flags)) {
                ST(0) = v;
                set_c1(env, e.rounded_up);
            }
        }
        return 0;
    case XU_FINCSTP:
        set_c1(env, false);
        env->fpstt = (env->fpstt + 1) & 7;
        return 0;
    case XU_FDECSTP:
        set_c1(env, false);
        env->fpstt = (env->fpstt - 1) & 7;
        return 0;
    default:
        return x87_unary_ext(env, (int)op);
    }
}


/* Pushes constant c (a 128-bit significand rounded by RC, no flags: SDM vol. 1, 8.3.8). */
void x87_push_const(CPUX86State *env, sf_res c)
{
    if (!st_empty(env, 7)) {
        if (stack_fault(env, true))
            push(env, X80_INDEFINITE);
        return;
    }
    struct sf_env e = x87_sf_env(env);
    fx80 v = sf_pack_x80_prec(&e, c, 64);
    set_c1(env, false);
    push(env, v);
}

/* Commits the result of a helper in x87_ext.c: flags, and C1 unless the caller set it. */
bool x87_raise(CPUX86State *env, unsigned flags)
{
    return raise(env, flags);
}

bool x87_stack_fault(CPUX86State *env, bool overflow)
{
    return stack_fault(env, overflow);
}

bool x87_st_empty(const CPUX86State *env, int n)
{
    return st_empty(env, n);
}

void x87_set_cc(CPUX86State *env, uint16_t mask, uint16_t value)
{
    set_cc(env, mask, value);
}

void x87_push(CPUX86State *env, fx80 v)
{
    push(env, v);
}

void x87_write_st(CPUX86State *env, int n, fx80 v)
{
    write_st(env, n, v);
}

