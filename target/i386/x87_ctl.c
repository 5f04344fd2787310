/*
 * x87 and SSE control state: fninit, fnclex, fldcw/fnstcw, fnstsw, and the memory images of
 * fnstenv/fldenv, fnsave/frstor and fxsave/fxrstor, which the modes also use for signal frames.
 *
 * Images are built in (or read from) env->fpbuf; the translator moves them to or from guest
 * memory. Layouts: SDM vol. 1, figures 8-9 to 8-12 (32/16-bit protected-mode environment) and
 * table 10-2 (fxsave). Where the SDM leaves a choice, this follows the reference CPU (AMD): the
 * reserved upper halves of the 32-bit environment read 0xffff, and fxsave stores FOP, FIP and FDP
 * only while an exception is pending (ES set), zeros otherwise.
 */
#include <string.h>

#include "target/i386/fpu.h"

/* DAZ is supported; AMD's misaligned-exception mask (bit 17) is not modelled. */
enum { MXCSR_MASK = 0x0000ffff };

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

static uint16_t fsw(const CPUX86State *env)
{
    return (uint16_t)(env->fpus | (env->fpstt & 7) << FSW_TOP_SHIFT);
}

/* The full tag word (SDM vol. 1, 8.1.7): 0 valid, 1 zero, 2 special, 3 empty, per physical reg. */
static uint16_t full_tags(const CPUX86State *env)
{
    uint16_t tw = 0;
    for (int i = 0; i < 8; i++) {
        const X87Reg *r = &env->fpregs[i];
        int e = r->se & 0x7fff, t;
        if (env->fptag_empty[i])
            t = 3;
        else if (e == 0)
            t = r->sig ? 2 : 1;
        else if (e == 0x7fff || !(r->sig >> 63))
            t = 2;
        else
            t = 0;
        tw |= (uint16_t)(t << (2 * i));
    }
    return tw;
}

static void set_fsw(CPUX86State *env, uint32_t v)
{
    env->fpus = (uint16_t)(v & ~(7u << FSW_TOP_SHIFT));
    env->fpstt = (v >> FSW_TOP_SHIFT) & 7;
}

static void set_fcw(CPUX86State *env, uint32_t v)
{
    /* Bits 6 and 13..15 are reserved; bit 6 reads as 1 (SDM vol. 1, 8.1.5). */
    env->fpuc = (uint16_t)((v & 0x1f3f) | 0x40);
}

void x86_fpu_reset(CPUX86State *env)
{
    helper_x87_fninit(env, 0, 0);
    /* The initial state is all zeros beyond what fninit sets: registers, MMX, XMM (Linux's init_fpstate
     * for a signal handler; fninit alone keeps the register contents). */
    memset(env->fpregs, 0, sizeof env->fpregs);
    memset(env->xmm, 0, sizeof env->xmm);
    env->mxcsr = 0x1f80;
}

uint64_t helper_x87_fninit(CPUX86State *env, uint64_t unused, uint64_t unused2)
{
    (void)unused;
    (void)unused2;
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    memset(env->fptag_empty, 1, sizeof env->fptag_empty);
    env->fpip = env->fpdp = 0;
    env->fpcs = env->fpds = env->fpop = 0;
    return 0;
}

uint64_t helper_x87_fnclex(CPUX86State *env, uint64_t unused, uint64_t unused2)
{
    (void)unused;
    (void)unused2;
    env->fpus &= (uint16_t)~(0x3f | FSW_SF | FSW_ES | FSW_B);
    return 0;
}

/* fldcw m16 (in fpbuf): a newly unmasked pending flag makes ES set, a masked one clears it. */
uint64_t helper_x87_fldcw(CPUX86State *env, uint64_t unused, uint64_t unused2)
{
    (void)unused;
    (void)unused2;
    set_fcw(env, env->fpbuf[0].w[0]);
    x87_update_es(env);
    return 0;
}

uint64_t helper_x87_fnstcw(CPUX86State *env, uint64_t unused, uint64_t unused2)
{
    (void)unused;
    (void)unused2;
    env->fpbuf[0].w[0] = env->fpuc;
    return 0;
}

/* fnstsw ax returns the status word; fnstsw m16 (to_mem) leaves it in fpbuf and returns 0 for
 * "store it". */
uint64_t helper_x87_fnstsw(CPUX86State *env, uint64_t to_mem, uint64_t unused)
{
    (void)unused;
    env->fpbuf[0].w[0] = fsw(env);
    return to_mem ? 0 : fsw(env);
}

/* The protected-mode environment, 28 bytes (or 14 with a 16-bit operand size). */
/* The translator records FIP, FOP and FDP; their selectors are the current CS and DS. */
static void update_selectors(CPUX86State *env)
{
    env->fpcs = env->fpip ? (uint16_t)env->segs[R_CS].selector : 0;
    env->fpds = env->fpdp ? (uint16_t)env->segs[R_DS].selector : 0;
}

static void store_env(CPUX86State *env, uint8_t *p, bool op16)
{
    update_selectors(env);
    if (op16) {
        put16(p, env->fpuc);
        put16(p + 2, fsw(env));
        put16(p + 4, full_tags(env));
        put16(p + 6, env->fpip);
        put16(p + 8, env->fpcs);
        put16(p + 10, env->fpdp);
        put16(p + 12, env->fpds);
        return;
    }
    put32(p, 0xffff0000u | env->fpuc);
    put32(p + 4, 0xffff0000u | fsw(env));
    put32(p + 8, 0xffff0000u | full_tags(env));
    put32(p + 12, env->fpip);
    put32(p + 16, env->fpcs | (uint32_t)(env->fpop & 0x7ff) << 16);
    put32(p + 20, env->fpdp);
    put32(p + 24, 0xffff0000u | env->fpds);
}

static void load_env(CPUX86State *env, const uint8_t *p, bool op16)
{
    uint32_t tw;
    set_fcw(env, get16(p));
    if (op16) {
        set_fsw(env, get16(p + 2));
        tw = get16(p + 4);
        env->fpip = get16(p + 6);
        env->fpcs = (uint16_t)get16(p + 8);
        env->fpdp = get16(p + 10);
        env->fpds = (uint16_t)get16(p + 12);
        /* The 16-bit protected-mode image has no FOP; the reference CPU then clears it (a later
         * 32-bit fnstenv stores 0 there; found by the differential tester). */
        env->fpop = 0;
    } else {
        set_fsw(env, get16(p + 4));
        tw = get16(p + 8);
        env->fpip = get32(p + 12);
        env->fpcs = (uint16_t)get16(p + 16);
        env->fpop = (uint16_t)(get16(p + 18) & 0x7ff);
        env->fpdp = get32(p + 20);
        env->fpds = (uint16_t)get16(p + 24);
    }
    /* Only "empty" survives a load: the other tags follow the register contents. */
    for (int i = 0; i < 8; i++)
        env->fptag_empty[i] = ((tw >> (2 * i)) & 3) == 3;
    x87_update_es(env);
}

/* fnstenv: store the environment, then mask every exception (SDM vol. 2, FSTENV), which also
 * clears ES. */
uint64_t helper_x87_fnstenv(CPUX86State *env, uint64_t unused, uint64_t op16)
{
    (void)unused;
    store_env(env, env->fpbuf[0].b, op16);
    env->fpuc |= 0x3f;
    x87_update_es(env);
    return 0;
}

uint64_t helper_x87_fldenv(CPUX86State *env, uint64_t unused, uint64_t op16)
{
    (void)unused;
    load_env(env, env->fpbuf[0].b, op16);
    return 0;
}

static void store_regs(const CPUX86State *env, uint8_t *p)
{
    for (int i = 0; i < 8; i++) {
        const X87Reg *r = &env->fpregs[(env->fpstt + i) & 7];
        memcpy(p + 10 * i, &r->sig, 8);
        put16(p + 10 * i + 8, r->se);
    }
}

static void load_regs(CPUX86State *env, const uint8_t *p)
{
    for (int i = 0; i < 8; i++) {
        X87Reg *r = &env->fpregs[(env->fpstt + i) & 7];
        memcpy(&r->sig, p + 10 * i, 8);
        r->se = (uint16_t)get16(p + 10 * i + 8);
    }
}

void x86_fpu_save_fsave(CPUX86State *env, uint8_t dst[108])
{
    store_env(env, dst, false);
    store_regs(env, dst + 28);
}

void x86_fpu_restore_fsave(CPUX86State *env, const uint8_t src[108])
{
    load_env(env, src, false);
    load_regs(env, src + 28);
}

uint64_t helper_x87_fnsave(CPUX86State *env, uint64_t unused, uint64_t op16)
{
    (void)unused;
    uint8_t *p = env->fpbuf[0].b;
    store_env(env, p, op16);
    store_regs(env, p + (op16 ? 14 : 28));
    helper_x87_fninit(env, 0, 0);
    return 0;
}

uint64_t helper_x87_frstor(CPUX86State *env, uint64_t unused, uint64_t op16)
{
    (void)unused;
    const uint8_t *p = env->fpbuf[0].b;
    load_env(env, p, op16);
    load_regs(env, p + (op16 ? 14 : 28));
    return 0;
}

void x86_fpu_save_fxsave(CPUX86State *env, uint8_t p[512])
{
    /* Bytes 288..511 are not fxsave's outside 64-bit mode (the reference CPU leaves them alone;
     * fxsave in translated code copies 0..287 to memory, signal frames have zeros there). */
    memset(p, 0, 288);
    put16(p, env->fpuc);
    put16(p + 2, fsw(env));
    uint8_t abridged = 0;
    for (int i = 0; i < 8; i++)
        abridged |= (uint8_t)(!env->fptag_empty[i] << i);
    p[4] = abridged;
    if (env->fpus & FSW_ES) {
        update_selectors(env);
        put16(p + 6, env->fpop);
        put32(p + 8, env->fpip);
        put16(p + 12, env->fpcs);
        put32(p + 16, env->fpdp);
        put16(p + 20, env->fpds);
    }
    put32(p + 24, env->mxcsr);
    put32(p + 28, MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        const X87Reg *r = &env->fpregs[(env->fpstt + i) & 7];
        memcpy(p + 32 + 16 * i, &r->sig, 8);
        put16(p + 40 + 16 * i, r->se);
    }
    memcpy(p + 160, env->xmm, sizeof env->xmm);
}

bool x86_fpu_restore_fxsave(CPUX86State *env, const uint8_t p[512])
{
    uint32_t mxcsr = get32(p + 24);
    if (mxcsr & ~MXCSR_MASK)
        return false;
    set_fcw(env, get16(p));
    set_fsw(env, get16(p + 2));
    for (int i = 0; i < 8; i++)
        env->fptag_empty[i] = !((p[4] >> i) & 1);
    env->fpop = (uint16_t)(get16(p + 6) & 0x7ff);
    env->fpip = get32(p + 8);
    env->fpcs = (uint16_t)get16(p + 12);
    env->fpdp = get32(p + 16);
    env->fpds = (uint16_t)get16(p + 20);
    env->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        X87Reg *r = &env->fpregs[(env->fpstt + i) & 7];
        memcpy(&r->sig, p + 32 + 16 * i, 8);
        r->se = (uint16_t)get16(p + 40 + 16 * i);
    }
    memcpy(env->xmm, p + 160, sizeof env->xmm);
    x87_update_es(env);
    return true;
}

uint64_t helper_fxsave(CPUX86State *env, uint64_t unused, uint64_t unused2)
{
    (void)unused;
    (void)unused2;
    x86_fpu_save_fxsave(env, env->fpbuf[0].b);
    return 0;
}

uint64_t helper_fxrstor(CPUX86State *env, uint64_t unused, uint64_t unused2)
{
    (void)unused;
    (void)unused2;
    return !x86_fpu_restore_fxsave(env, env->fpbuf[0].b);
}

/* Linux's fpu__exception_code (arch/x86/kernel/fpu/core.c): the first unmasked exception in the
 * order invalid, divide, overflow, underflow/denormal, precision. */
int x86_fpu_sigfpe_code(const CPUX86State *env, int excp)
{
    enum { FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7 };
    unsigned err;
    if (excp == EXCP_MF)
        err = env->fpus & ~env->fpuc;
    else
        err = env->mxcsr & ~(env->mxcsr >> 7);
    if (err & 0x001)
        return FPE_FLTINV;
    if (err & 0x004)
        return FPE_FLTDIV;
    if (err & 0x008)
        return FPE_FLTOVF;
    if (err & 0x012)
        return FPE_FLTUND;
    if (err & 0x020)
        return FPE_FLTRES;
    return 0;
}
