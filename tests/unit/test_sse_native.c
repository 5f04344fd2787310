/*
 * The MMX/SSE/SSE2 helpers and opcode map against this machine's own CPU, instruction by
 * instruction.
 *
 * Built natively (x86-64). Each case takes a random state (XMM and MMX registers full of float,
 * double and integer patterns with zeros, denormals, infinities, NaNs; MXCSR with every rounding
 * mode, DAZ, FTZ and some unmasked exceptions; x87 TOP and tags), random GPRs and a random
 * 16-byte-aligned memory operand, and runs one encoding of the opcode map
 *   - on the CPU: "fxrstor; <instruction>; fxsave" (memory operand at [rdi]; a #XM arrives as
 *     SIGFPE, whose signal frame then holds the state), and
 *   - through xqm's helpers the way sse.c's code runs them,
 * then compares the fxsave images (MXCSR, MMX/x87 registers, TOP, tags, XMM registers), GPRs,
 * eflags and memory. FIP/FDP/FOP are not compared.
 *
 * Usage: test_sse_native [cases [seed]]   SSE_ONLY=pfx,opcode,modrm selects one encoding
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "target/i386/fpu.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

static uint32_t rnd_f32(void)
{
    uint32_t s = (uint32_t)rnd_below(2) << 31, f = (uint32_t)rnd() & 0x7fffff;
    switch (rnd_below(12)) {
    case 0: return s;
    case 1: return s | (f >> rnd_below(23));                 /* denormal */
    case 2: return s | 0x7f800000;
    case 3: return s | 0x7fc00000 | (f >> 1);                /* QNaN */
    case 4: return s | 0x7f800000 | ((f >> 1) | 1);          /* SNaN (mostly) */
    case 5: return s | (uint32_t)(1 + rnd_below(3)) << 23 | f;   /* near the bottom */
    case 6: return s | (uint32_t)(250 + rnd_below(4)) << 23 | f; /* near the top */
    case 7: return s | 0x3f800000 | (f & 0x7ff000);          /* short significand */
    case 8: return (uint32_t)rnd();
    default: return s | (uint32_t)(110 + rnd_below(40)) << 23 | f;
    }
}

static uint64_t rnd_f64(void)
{
    uint64_t s = (uint64_t)rnd_below(2) << 63, f = rnd() & 0xfffffffffffffull;
    switch (rnd_below(12)) {
    case 0: return s;
    case 1: return s | (f >> rnd_below(52));
    case 2: return s | 0x7ff0000000000000ull;
    case 3: return s | 0x7ff8000000000000ull | (f >> 1);
    case 4: return s | 0x7ff0000000000000ull | ((f >> 1) | 1);
    case 5: return s | (uint64_t)(1 + rnd_below(3)) << 52 | f;
    case 6: return s | (uint64_t)(2040 + rnd_below(6)) << 52 | f;
    case 7: return s | 0x3ff0000000000000ull | (f & 0xffffff0000000ull);
    case 8: return rnd();
    default: return s | (uint64_t)(1000 + rnd_below(48)) << 52 | f;
    }
}

/* 16 bytes of floats, doubles, small integers or raw bits. */
static void rnd_vec(uint8_t *p, int n)
{
    uint32_t l[4];
    uint64_t q[2];
    switch (rnd_below(5)) {
    case 0:
        for (int i = 0; i < 4; i++)
            l[i] = rnd_f32();
        memcpy(p, l, n);
        break;
    case 1:
        for (int i = 0; i < 2; i++)
            q[i] = rnd_f64();
        memcpy(p, q, n);
        break;
    case 2:
        for (int i = 0; i < 4; i++)
            l[i] = (uint32_t)(int32_t)((int)rnd_below(2000) - 1000) << rnd_below(24);
        memcpy(p, l, n);
        break;
    case 3:
        for (int i = 0; i < n; i++)
            p[i] = (uint8_t)(rnd_below(3) == 0 ? 0x80 : rnd_below(2) ? 0xff : rnd());
        break;
    default:
        for (int i = 0; i < n; i++)
            p[i] = (uint8_t)rnd();
        break;
    }
}

static uint8_t image_in[512] __attribute__((aligned(16))), image_nat[512] __attribute__((aligned(16)));
static uint8_t mem_in[128] __attribute__((aligned(16))), mem_nat[128] __attribute__((aligned(16)));

static void rnd_state(void)
{
    memset(image_in, 0, sizeof image_in);
    uint16_t fcw = 0x37f, fsw = (uint16_t)(rnd_below(8) << 11);
    memcpy(image_in, &fcw, 2);
    memcpy(image_in + 2, &fsw, 2);
    image_in[4] = (uint8_t)rnd();
    uint32_t mxcsr = 0x1f80 | (uint32_t)rnd_below(4) << 13;
    if (rnd_below(5) == 0)
        mxcsr |= 0x40;          /* DAZ */
    if (rnd_below(5) == 0)
        mxcsr |= 0x8000;        /* FTZ */
    if (rnd_below(5) == 0)
        mxcsr &= ~((uint32_t)rnd_below(64) << 7);
    mxcsr |= (uint32_t)rnd() & 0x3f & (mxcsr >> 7);   /* only masked flags: nothing pending */
    uint32_t mask = 0xffff;
    memcpy(image_in + 24, &mxcsr, 4);
    memcpy(image_in + 28, &mask, 4);
    for (int i = 0; i < 8; i++) {
        rnd_vec(image_in + 32 + 16 * i, 8);
        uint16_t e = rnd_below(2) ? 0xffff : (uint16_t)rnd();
        memcpy(image_in + 40 + 16 * i, &e, 2);
        rnd_vec(image_in + 160 + 16 * i, 16);
    }
    for (int i = 0; i < 128; i += 16)
        rnd_vec(mem_in + i, 16);
    for (int i = 0; i < 4; i++) {
        uint32_t g = rnd_below(2) ? (uint32_t)rnd() : (uint32_t)((int)rnd_below(200) - 100);
        memcpy(mem_in + 0x40 + 4 * i, &g, 4);
    }
}

typedef uint64_t (*native_fn)(uint8_t *mem, uint8_t *image);
static uint8_t *code;
static sigjmp_buf fault_jmp;
static volatile int faulted;

static void on_ill(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    (void)ctx;
    faulted = 2;
    siglongjmp(fault_jmp, 1);
}

static void on_fpe(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    /* The state at the faulting instruction, as fxsave lays it out. */
    memcpy(image_nat, uc->uc_mcontext.fpregs, 512);
    uint32_t g[4] = { (uint32_t)uc->uc_mcontext.gregs[REG_RAX], (uint32_t)uc->uc_mcontext.gregs[REG_RCX],
                      (uint32_t)uc->uc_mcontext.gregs[REG_RDX], (uint32_t)uc->uc_mcontext.gregs[REG_RBX] };
    memcpy(mem_nat + 0x40, g, 16);
    faulted = 1;
    /* Leave the x87/SSE state clean for the harness itself. */
    uc->uc_mcontext.fpregs->mxcsr = 0x1f80;
    siglongjmp(fault_jmp, 1);
}

static int make_native(int pfx, uint8_t opcode, uint8_t modrm, const struct sse_op *op, uint8_t imm)
{
    static const uint8_t pre[] = { 0x53, 0x8b, 0x47, 0x40, 0x8b, 0x4f, 0x44, 0x8b, 0x57, 0x48, 0x8b, 0x5f, 0x4c,
                                   0x0f, 0xae, 0x0e };
    static const uint8_t post[] = { 0x0f, 0xae, 0x06, 0x89, 0x47, 0x40, 0x89, 0x4f, 0x44, 0x89, 0x57, 0x48,
                                    0x89, 0x5f, 0x4c, 0x9c, 0x58, 0x5b, 0xc3 };
    static const uint8_t prefixes[4] = { 0, 0x66, 0xf3, 0xf2 };
    uint8_t *p = code;
    memcpy(p, pre, sizeof pre);
    p += sizeof pre;
    if (pfx)
        *p++ = prefixes[pfx];
    *p++ = 0x0f;
    *p++ = opcode;
    if (op->kind != SK_EMMS)
        *p++ = modrm;
    if (op->flags & SF_IMM)
        *p++ = imm;
    memcpy(p, post, sizeof post);
    return 0;
}

/* Runs the generated code; the CPU's eflags, or 0 after a #XM (faulted is then set). */
static __attribute__((noinline)) uint64_t run_native(void)
{
    faulted = 0;
    if (sigsetjmp(fault_jmp, 1))
        return 0;
    return ((native_fn)(void *)code)(mem_nat, image_nat);
}

static int16_t reg_off(int cls, int i)
{
    if (cls == OC_MMX)
        return (int16_t)(offsetof(CPUX86State, fpregs) + 16 * (size_t)i);
    return (int16_t)(offsetof(CPUX86State, xmm) + 16 * (size_t)i);
}

/* sse.c's gen_mov, in C. */
static void run_mov(CPUX86State *env, const struct sse_op *op, int reg, int rm, bool mem, uint8_t *m, uint32_t *gpr)
{
    int n = op->arg & SM_BYTES, doff = (op->arg >> SM_DST_SHIFT) & 15, soff = (op->arg >> SM_SRC_SHIFT) & 15;
    bool store = op->flags & SF_STORE;
    int dcls = store ? op->rm : op->reg, di = store ? rm : reg;
    int scls = store ? op->reg : op->rm, si = store ? reg : rm;
    bool dmem = store && mem, smem = !store && mem;
    bool zero = (op->arg & SM_ZERO) || ((op->arg & SM_ZERO_MEM) && smem);
    uint8_t *e = (uint8_t *)env;
    if (dmem && scls == OC_GPR) {
        memcpy(m, &gpr[si], 4);
        return;
    }
    if (dmem) {
        memcpy(m, e + reg_off(scls, si) + soff, n);
        return;
    }
    if (dcls == OC_GPR) {
        memcpy(&gpr[di], e + reg_off(scls, si), 4);
        return;
    }
    uint8_t *d = e + reg_off(dcls, di);
    uint8_t tmp[16];
    if (smem)
        memcpy(tmp, m, n);
    else if (scls == OC_GPR)
        memcpy(tmp, &gpr[si], 4);
    else
        memcpy(tmp, e + reg_off(scls, si) + soff, n);
    int width = dcls == OC_MMX ? 8 : 16;
    if (zero)
        memset(d, 0, width);
    memcpy(d + doff, tmp, n);
    if (dcls == OC_MMX)
        env->fpregs[di].se = 0xffff;
}

static uint64_t run_xqm(CPUX86State *env, int pfx, uint8_t opcode, uint8_t modrm, uint8_t imm, uint8_t *m, uint32_t *gpr,
                        uint64_t eflags)
{
    const struct sse_op *op = sse_decode(pfx, opcode, modrm);
    int reg = (modrm >> 3) & 7, rm = modrm & 7;
    bool mem = modrm < 0xc0;
    bool mmx = op->reg == OC_MMX || (op->rm == OC_MMX && !mem);
    if (op->kind == SK_EMMS)
        mem = false;
    if (mmx)
        mmx_enter(env);
    uint64_t src = mem ? offsetof(CPUX86State, fpbuf) : (uint64_t)reg_off(op->rm, rm);
    uint64_t dst = (uint64_t)reg_off(op->reg, reg);
    uint64_t aux = op->arg | (uint64_t)imm << SA_IMM_SHIFT;
    if (mem && op->kind != SK_MOV && op->kind != SK_GPR_IN)
        memcpy(env->fpbuf, m, op->msize);
    uint64_t v;
    switch (op->kind) {
    case SK_MOV:
        run_mov(env, op, reg, rm, mem, m, gpr);
        break;
    case SK_OP:
    case SK_OP_RM:
        if (op->kind == SK_OP_RM)
            dst = (uint64_t)reg_off(op->rm, rm);
        v = op->helper(env, dst, src, aux);
        if (!v && op->kind == SK_OP && op->reg == OC_MMX)
            env->fpregs[reg].se = 0xffff;
        if (!v && op->kind == SK_OP_RM && op->rm == OC_MMX)
            env->fpregs[rm].se = 0xffff;
        break;
    case SK_COMIS:
        v = op->helper(env, dst, src, aux);
        if (!(v >> 63))
            eflags = v;
        break;
    case SK_GPR_OUT:
        v = op->helper(env, 0, src, aux);
        if (!(v >> 63))
            gpr[reg] = (uint32_t)v;
        break;
    case SK_GPR_IN: {
        uint32_t value = gpr[rm];
        if (mem) {
            value = 0;
            memcpy(&value, m, op->msize);
        }
        v = op->helper(env, dst, value, aux);
        if (!v && op->reg == OC_MMX)
            env->fpregs[reg].se = 0xffff;
        break;
    }
    case SK_EMMS:
        env->fpstt = 0;
        memset(env->fptag_empty, 1, 8);
        break;
    case SK_MASKMOV: {
        int n = op->reg == OC_MMX ? 8 : 16;
        memcpy(env->fpbuf, m, n);
        op->helper(env, dst, (uint64_t)reg_off(op->rm, rm), aux);
        memcpy(m, env->fpbuf, n);
        break;
    }
    default:
        break;
    }
    return eflags;
}

static bool testable(const struct sse_op *op, int reg, int rm, bool mem)
{
    if (op->kind == SK_INVALID || op->kind == SK_FENCE || op->kind == SK_NOP || op->kind == SK_FXSAVE ||
        op->kind == SK_FXRSTOR || op->kind == SK_LDMXCSR || op->kind == SK_STMXCSR)
        return false;
    /* GPR operands only eax..ebx: the harness keeps its pointers in rsi, rdi, rsp. */
    if (op->reg == OC_GPR && reg > 3)
        return false;
    if (op->rm == OC_GPR && !mem && rm > 3)
        return false;
    return true;
}

static void dump(const char *who, const uint8_t *im, const uint8_t *m, uint64_t fl)
{
    uint32_t mx;
    memcpy(&mx, im + 24, 4);
    printf("    %s: fsw=%02x%02x ftw=%02x mxcsr=%08x eflags=%03llx gpr=", who, im[3], im[2], im[4], mx,
           (unsigned long long)fl);
    for (int i = 0; i < 16; i++)
        printf("%02x%s", m[0x40 + i], i % 4 == 3 ? " " : "");
    printf("mem=");
    for (int i = 15; i >= 0; i--)
        printf("%02x", m[i]);
    printf("\n");
    for (int r = 0; r < 8; r++) {
        printf("      mm%d=", r);
        for (int i = 9; i >= 0; i--)
            printf("%02x", im[32 + 16 * r + i]);
        printf(" xmm%d=", r);
        for (int i = 15; i >= 0; i--)
            printf("%02x", im[160 + 16 * r + i]);
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    long cases = argc > 1 ? atol(argv[1]) : 200000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    const char *only = getenv("SSE_ONLY");
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 1;
    struct sigaction sa = { .sa_sigaction = on_fpe, .sa_flags = SA_SIGINFO | SA_NODEFER };
    sigaction(SIGFPE, &sa, NULL);
    struct sigaction si = { .sa_sigaction = on_ill, .sa_flags = SA_SIGINFO | SA_NODEFER };
    sigaction(SIGILL, &si, NULL);
    static CPUX86State env;
    static long fail_by[4][256];
    long fails = 0, run = 0, xm = 0;
    for (long n = 0; n < cases; n++) {
        int pfx = (int)rnd_below(4);
        uint8_t opcode = (uint8_t)rnd(), imm = (uint8_t)rnd();
        uint8_t modrm = rnd_below(2) ? (uint8_t)(0xc0 | rnd_below(64)) : (uint8_t)(rnd_below(8) << 3 | 7);
        if (only) {
            unsigned p, o, m;
            if (sscanf(only, "%u,%x,%x", &p, &o, &m) == 3) {
                pfx = (int)p;
                opcode = (uint8_t)o;
                modrm = (uint8_t)m;
            } else if (sscanf(only, "%u,%x", &p, &o) == 2) {
                pfx = (int)p;
                opcode = (uint8_t)o;
            }
        }
        const struct sse_op *op = sse_decode(pfx, opcode, modrm);
        int reg = (modrm >> 3) & 7, rm = modrm & 7;
        bool mem = modrm < 0xc0;
        if (!testable(op, reg, rm, mem))
            continue;
        rnd_state();
        if (op->kind == SK_OP_RM || (op->flags & SF_IMM)) {
            if (rnd_below(2))
                imm = (uint8_t)rnd_below(20);       /* shift counts around the lane widths */
        }
        uint64_t flags_in = rnd() & CC_ALL;
        make_native(pfx, opcode, modrm, op, imm);
        memcpy(image_nat, image_in, 512);
        memcpy(mem_nat, mem_in, sizeof mem_in);
        /* eflags going in do not matter: no SSE instruction reads them. */
        uint64_t flags_nat = run_native() & CC_ALL;
        if (op->kind != SK_COMIS || faulted)
            flags_nat = flags_in;
        if (faulted == 2) {
            printf("UNDEFINED on the CPU: pfx=%d 0f %02x modrm=%02x\n", pfx, opcode, modrm);
            fails++;
            continue;
        }
        xm += faulted;

        cpu_x86_init(&env);
        x86_fpu_restore_fxsave(&env, image_in);
        uint8_t mem_emu[128];
        memcpy(mem_emu, mem_in, sizeof mem_in);
        uint32_t gpr[4];
        memcpy(gpr, mem_in + 0x40, 16);
        uint64_t flags_emu = run_xqm(&env, pfx, opcode, modrm, imm, mem_emu, gpr, flags_in) & CC_ALL;
        memcpy(mem_emu + 0x40, gpr, 16);
        uint8_t image_emu[512];
        x86_fpu_save_fxsave(&env, image_emu);
        run++;
        /* Compare FCW/FSW/FTW, MXCSR, the registers; not FOP/FIP/FDP or bytes 288 and up. */
        bool ok = !memcmp(image_nat, image_emu, 6) && !memcmp(image_nat + 24, image_emu + 24, 4) &&
                  !memcmp(image_nat + 32, image_emu + 32, 256) && !memcmp(mem_nat, mem_emu, 16) &&
                  !memcmp(mem_nat + 0x40, mem_emu + 0x40, 16) && flags_nat == flags_emu;
        /* MMX registers: only the 80 bits that exist. */
        if (!ok) {
            fails++;
            if (fail_by[pfx][opcode]++ < 2) {
                printf("MISMATCH pfx=%d 0f %02x modrm=%02x imm=%02x%s\n", pfx, opcode, modrm, imm,
                       faulted ? " (#XM on the CPU)" : "");
                dump("in  ", image_in, mem_in, flags_in);
                dump("cpu ", image_nat, mem_nat, flags_nat);
                dump("xqm ", image_emu, mem_emu, flags_emu);
            }
        }
    }
    for (int p = 0; p < 4; p++)
        for (int o = 0; o < 256; o++)
            if (fail_by[p][o])
                printf("  pfx %d 0f %02x: %ld mismatches\n", p, o, fail_by[p][o]);
    printf("test_sse_native: %ld cases (%ld raised #XM), %ld mismatches\n", run, xm, fails);
    return fails != 0;
}
