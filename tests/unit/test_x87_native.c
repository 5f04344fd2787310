/*
 * The x87 helpers against this machine's own x87, instruction by instruction.
 *
 * Built natively (x86-64 build machine). For each case a random FPU state (fsave image: control
 * and status words, TOP, tags, eight registers full of zeros, denormals, unnormals, infinities,
 * NaNs and values near rounding boundaries) and a random memory operand go through
 *   - the real CPU: generated code "frstor; <instruction>; fnsave" (memory operand at [rdi]), and
 *   - xqm: the same instruction decoded by x87_decode and run through its helpers the way
 *     translated code runs them (x87.c),
 * and the resulting fsave images (without the FIP/FDP/FOP words), memory operands, AX (fnstsw)
 * and eflags (fcomi, fcmov) must be identical; fnstenv/fnsave images too, except FIP/FDP/FOP.
 * Transcendental instructions are measured elsewhere (their results are CPU-model specific).
 *
 * Usage: test_x87_native [-t] [cases [seed]]     (default 200000 cases, seed 1)
 *   Without -t, cases/4 transcendental cases follow; -t runs only those. A transcendental's result
 *   may differ from the CPU's only where the CPU is not correctly rounded (x87_trans_ref.c).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "target/i386/fpu.h"
#include "tests/unit/x87_trans_ref.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* A significand with structure: runs of ones/zeros around the 24/53/64-bit rounding points. */
static uint64_t rnd_sig(void)
{
    switch (rnd_below(8)) {
    case 0: return 1ull << 63;
    case 1: return ~0ull;
    case 2: return (1ull << 63) | (rnd() & 0xffffff0000000000ull);
    case 3: return (1ull << 63) | (rnd() & 0xfffffffffffff800ull);
    case 4: {
        int pos = (int)rnd_below(64);
        uint64_t v = (1ull << 63) | rnd();
        return rnd_below(2) ? v | ((1ull << pos) - 1) : v & ~((1ull << pos) - 1);
    }
    case 5: return (1ull << 63) | (rnd() >> rnd_below(64));
    default: return (1ull << 63) | rnd();
    }
}

static fx80 rnd_x80(void)
{
    fx80 v = { 0 };
    uint16_t s = rnd_below(2) ? 0x8000 : 0;
    int exp;
    switch (rnd_below(24)) {
    case 0: v.sig = 0; exp = 0; break;                                   /* zero */
    case 1: v.sig = rnd_sig() >> (1 + rnd_below(63)); exp = 0; break;     /* denormal */
    case 2: v.sig = rnd_sig(); exp = 0; break;                           /* pseudo-denormal */
    case 3: v.sig = 1ull << 63; exp = 0x7fff; break;                     /* infinity */
    case 4: v.sig = 3ull << 62 | (rnd() >> rnd_below(64)) >> 2; exp = 0x7fff; break;  /* QNaN */
    case 5: v.sig = 1ull << 63 | ((rnd() >> 2) | 1); exp = 0x7fff; break;            /* SNaN */
    case 6: v.sig = rnd_sig() >> (1 + rnd_below(3)); exp = 1 + (int)rnd_below(0x7ffe); break; /* unnormal */
    case 7: v.sig = rnd_below(2) ? 0 : rnd() >> 1; exp = 0x7fff; break;   /* pseudo-inf/NaN */
    case 8: v.sig = rnd_sig(); exp = 1 + (int)rnd_below(0x7ffe); break;  /* anywhere */
    case 9: v.sig = rnd_sig(); exp = 1 + (int)rnd_below(80); break;     /* near the bottom */
    case 10: v.sig = rnd_sig(); exp = 0x7ffe - (int)rnd_below(80); break; /* near the top */
    case 11: {                                                             /* a small integer */
        int64_t n = (int64_t)(rnd() % 2000) - 1000;
        v = x87_from_int(n);
        return v;
    }
    default: v.sig = rnd_sig(); exp = 0x3fff - 70 + (int)rnd_below(140); break;
    }
    v.se = (uint16_t)(s | exp);
    return v;
}

static uint64_t rnd_ieee(int fbits, int ebits)
{
    uint64_t s = (uint64_t)rnd_below(2) << (fbits + ebits), fmask = (1ull << fbits) - 1;
    uint64_t emax = (1u << ebits) - 1, bias = emax >> 1;
    uint64_t f = rnd_sig() >> (63 - fbits) & fmask, e;
    switch (rnd_below(10)) {
    case 0: e = 0; f = 0; break;
    case 1: e = 0; f = f >> rnd_below((unsigned)fbits); if (!f) f = 1; break;
    case 2: e = emax; f = 0; break;
    case 3: e = emax; f |= 1ull << (fbits - 1); break;
    case 4: e = emax; f &= ~(1ull << (fbits - 1)); if (!f) f = 1; break;
    case 5: e = 1 + rnd_below((unsigned)emax - 1); break;
    default: e = bias - 30 + rnd_below(60); break;
    }
    return s | e << fbits | f;
}

/* The memory operand bytes for format-agnostic use. */
static void rnd_mem(uint8_t *m, int size)
{
    for (int i = 0; i < 16; i++)
        m[i] = (uint8_t)rnd();
    uint64_t v;
    switch (rnd_below(6)) {
    case 0: v = rnd_ieee(23, 8); memcpy(m, &v, 4); break;
    case 1: v = rnd_ieee(52, 11); memcpy(m, &v, 8); break;
    case 2: { fx80 x = rnd_x80(); memcpy(m, &x.sig, 8); memcpy(m + 8, &x.se, 2); break; }
    case 3: { int64_t n = (int64_t)(rnd() % 4000) - 2000; memcpy(m, &n, 8); break; }
    default: break;
    }
    if (size == 2 && rnd_below(4) == 0) {
        /* integers that are small enough to matter */
        int16_t n = (int16_t)(rnd() % 200 - 100);
        memcpy(m, &n, 2);
    }
}

struct image {
    uint32_t cw, sw, tw, ip, cs, dp, ds;
    uint8_t st[80];
} __attribute__((packed));

static void rnd_state(struct image *im, bool allow_unmasked)
{
    memset(im, 0, sizeof *im);
    uint16_t cw = 0x037f;
    cw = (uint16_t)((cw & ~0xf00) | rnd_below(4) << 8 | rnd_below(4) << 10);
    if (allow_unmasked && rnd_below(4) == 0)
        cw = (uint16_t)(cw & ~rnd_below(64));
    unsigned flags = rnd_below(3) == 0 ? (unsigned)rnd() & 0x7f & cw : 0;
    unsigned top = rnd_below(8);
    unsigned cc = (unsigned)rnd() & 0x4700;
    im->cw = 0xffff0000u | cw;
    im->sw = 0xffff0000u | flags | cc | top << 11;
    uint16_t tw = 0;
    int nempty = (int)rnd_below(9);
    for (int i = 0; i < 8; i++) {
        bool empty = rnd_below(8) < (unsigned)nempty;
        tw |= (uint16_t)((empty ? 3 : 0) << (2 * i));
    }
    im->tw = 0xffff0000u | tw;
    for (int i = 0; i < 8; i++) {
        fx80 v = rnd_x80();
        memcpy(im->st + 10 * i, &v.sig, 8);
        memcpy(im->st + 10 * i + 8, &v.se, 2);
    }
}

typedef uint64_t (*native_fn)(uint8_t *mem, struct image *im, uint64_t flags);
static uint8_t *code;

static native_fn make_native(uint8_t opcode, uint8_t modrm)
{
    static const uint8_t pre[] = { 0x31, 0xc0, 0x52, 0x9d, 0xdd, 0x26 };
    static const uint8_t post[] = { 0xdd, 0x36, 0x89, 0x47, 0x78, 0x9c, 0x58, 0xc3 };
    uint8_t *p = code;
    memcpy(p, pre, sizeof pre);
    p += sizeof pre;
    *p++ = opcode;
    *p++ = modrm;
    memcpy(p, post, sizeof post);
    return (native_fn)(void *)code;
}

/* Runs the instruction the way x87.c's generated code does. Returns eflags. */
static uint64_t run_xqm(CPUX86State *env, uint8_t opcode, uint8_t modrm, uint8_t *mem, uint64_t flags, uint32_t *ax)
{
    const struct x87_op *op = x87_decode(opcode, modrm);
    uint64_t arg = op->arg | ((op->flags & XKF_STI) ? (modrm & 7u) << 3 : 0);
    cpu_set_eflags(env, (uint32_t)flags, CC_ALL);
    /* x87.c calls the leaf fast path first where there is one, the helper only if it declines. */
    fpu_helper_fn fast = x87_fast_entry(op->helper, arg);
    switch (op->kind) {
    case XK_LOAD:
        memcpy(env->fpbuf, mem, op->size);
        if (!fast || fast(env, arg, 0) == X87_FAST_DECLINED)
            op->helper(env, arg, 0);
        break;
    case XK_STORE: {
        uint64_t r = fast ? fast(env, arg, 0) : X87_FAST_DECLINED;
        if (r == X87_FAST_DECLINED)
            r = op->helper(env, arg, 0);
        if (!r) {
            memcpy(mem, env->fpbuf, op->size);
            if (op->flags & XKF_POP)
                x87_pop(env);
        }
        break;
    }
    case XK_CALL:
        if (!fast || fast(env, arg, 0) == X87_FAST_DECLINED)
            op->helper(env, arg, 0);
        break;
    case XK_ENV_LOAD:
        memcpy(env->fpbuf, mem, op->size);
        op->helper(env, 0, 0);
        break;
    case XK_ENV_STORE:
        op->helper(env, 0, 0);
        memcpy(mem, env->fpbuf, op->size);
        break;
    case XK_FNSTSW_AX:
        *ax = (*ax & 0xffff0000u) | (uint16_t)op->helper(env, 0, 0);
        break;
    case XK_FCOMI: {
        uint64_t f = fast ? fast(env, arg, 0) : X87_FAST_DECLINED;
        if (f == X87_FAST_DECLINED)
            f = op->helper(env, arg, 0);
        cpu_set_eflags(env, (uint32_t)f, CC_ALL);
        break;
    }
    case XK_FCMOV: {
        static const uint32_t need[] = { [0x2] = CC_C, [0x3] = CC_C, [0x4] = CC_Z, [0x5] = CC_Z,
                                         [0x6] = CC_C | CC_Z, [0x7] = CC_C | CC_Z, [0xa] = CC_P, [0xb] = CC_P };
        bool cond = (flags & need[op->arg2]) != 0;
        if (op->arg2 & 1)
            cond = !cond;
        op->helper(env, arg, cond);
        break;
    }
    default:
        break;
    }
    return cpu_get_eflags(env) & CC_ALL;
}

static bool trans_mode;

static bool testable(uint8_t opcode, uint8_t modrm)
{
    bool trans = opcode == 0xd9 && modrm >= 0xf0 && modrm != 0xf4 && modrm != 0xf5 && modrm != 0xf6 &&
                 modrm != 0xf7 && modrm != 0xf8 && modrm != 0xfa && modrm != 0xfc && modrm != 0xfd;
    if (trans_mode)
        return trans;
    const struct x87_op *op = x87_decode(opcode, modrm);
    if (op->kind == XK_INVALID)
        return false;
    return !trans;       /* transcendentals: measured with -t */
}

static void print_image(const char *who, const struct image *im, const uint8_t *mem, uint64_t flags)
{
    printf("    %s: cw=%04x sw=%04x tw=%04x eflags=%03llx mem=", who, im->cw & 0xffff, im->sw & 0xffff,
           im->tw & 0xffff, (unsigned long long)flags);
    for (int i = 9; i >= 0; i--)
        printf("%02x", mem[i]);
    printf("\n");
    for (int i = 0; i < 8; i++) {
        printf("      st%d=", i);
        for (int j = 9; j >= 0; j--)
            printf("%02x", im->st[10 * i + j]);
        printf(i % 2 ? "\n" : "");
    }
}

/*
 * A transcendental's result differs from the CPU's: acceptable only where the CPU itself is not
 * correctly rounded (x87_trans_ref.c). Control and tag words, the status word except C1 and all
 * other registers must be identical.
 */
static bool trans_explained(uint8_t modrm, const struct image *in, const struct image *cpu, const struct image *xqm)
{
    if ((cpu->cw & 0xffff) != (xqm->cw & 0xffff) || ((cpu->sw ^ xqm->sw) & 0xfdff) != 0 ||
        (cpu->tw & 0xffff) != (xqm->tw & 0xffff))
        return false;
    struct trans_ref ref;
    int n = x87_trans_reference(modrm, in->st, &ref);
    if (n == 0)
        return false;
    int rc = (in->cw >> 10) & 3;
    bool any = false;
    for (int i = 0; i < 8; i++) {
        const uint8_t *a = cpu->st + 10 * i, *b = xqm->st + 10 * i;
        int k = 0;
        while (k < n && ref.reg[k] != i)
            k++;
        if (memcmp(a, b, 10) != 0) {
            if (k == n || !x87_trans_explain(a, b, ref.val[k], ref.scale[k], rc))
                return false;
            any = true;
        }
    }
    /* Only C1 differs: one of the results must be within the CPU's error of its value. */
    for (int k = 0; k < n && !any; k++)
        any = x87_trans_explain(cpu->st + 10 * ref.reg[k], xqm->st + 10 * ref.reg[k], ref.val[k], ref.scale[k], rc);
    return any;
}

/* Runs cases random cases (transcendentals only in trans_mode); returns the number of failures. */
static long run_cases(long cases)
{
    const char *only = getenv("X87_ONLY");      /* "d8c0" style: test one encoding */
    static CPUX86State env;
    long fails = 0, run = 0, explained = 0;
    static long fail_by_op[8][256];
    for (long n = 0; n < cases; n++) {
        uint8_t opcode = (uint8_t)(0xd8 + rnd_below(8)), modrm;
        if (rnd_below(2))
            modrm = (uint8_t)(0xc0 | rnd_below(64));
        else
            modrm = (uint8_t)(rnd_below(8) << 3 | 7);
        if (trans_mode) {
            static const uint8_t t[] = { 0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff };
            opcode = 0xd9;
            modrm = t[rnd_below(8)];
        }
        if (only) {
            unsigned o, m;
            sscanf(only, "%2x%2x", &o, &m);
            opcode = (uint8_t)o;
            modrm = (uint8_t)m;
        }
        if (!testable(opcode, modrm))
            continue;
        const struct x87_op *op = x87_decode(opcode, modrm);
        struct image in, nat, emu;
        rnd_state(&in, true);
        if (getenv("X87_CW")) {
            in.cw = 0xffff0000u | (uint32_t)strtoul(getenv("X87_CW"), NULL, 16);
            in.sw &= ~0x3fu;
        }
        uint8_t mem_in[160], mem_nat[160], mem_emu[160];
        rnd_mem(mem_in, op->size);
        memset(mem_in + 16, 0, sizeof mem_in - 16);
        if (op->kind == XK_ENV_LOAD) {
            /* A plausible environment (and registers) from another random state. */
            struct image other;
            rnd_state(&other, true);
            memcpy(mem_in, &other, sizeof other);
        }
        uint64_t flags_in = rnd() & (CC_C | CC_P | CC_Z | CC_S | CC_O | CC_A);
        nat = in;
        memcpy(mem_nat, mem_in, sizeof mem_in);
        uint64_t flags_nat = make_native(opcode, modrm)(mem_nat, &nat, flags_in | 2) & CC_ALL;
        uint32_t ax_nat;
        memcpy(&ax_nat, mem_nat + 120, 4);
        if (op->kind == XK_ENV_STORE)
            memset(mem_nat + 12, 0, 16);    /* FIP, FCS/FOP, FDP, FDS: not modelled bit for bit */

        cpu_x86_init(&env);
        x86_fpu_restore_fsave(&env, (const uint8_t *)&in);
        memcpy(mem_emu, mem_in, sizeof mem_in);
        uint32_t ax_emu = 0;
        uint64_t flags_emu = run_xqm(&env, opcode, modrm, mem_emu, flags_in, &ax_emu);
        x86_fpu_save_fsave(&env, (uint8_t *)&emu);
        if (op->kind == XK_ENV_STORE)
            memset(mem_emu + 12, 0, 16);
        run++;
        /* FIP, FCS/FOP, FDP, FDS are not compared. */
        bool ok = (nat.cw & 0xffff) == (emu.cw & 0xffff) && (nat.sw & 0xffff) == (emu.sw & 0xffff) &&
                  (nat.tw & 0xffff) == (emu.tw & 0xffff) && !memcmp(nat.st, emu.st, 80) &&
                  !memcmp(mem_nat, mem_emu, op->kind == XK_ENV_STORE ? op->size : 16) && flags_nat == flags_emu &&
                  (op->kind != XK_FNSTSW_AX || (ax_nat & 0xffff) == (ax_emu & 0xffff));
        if (!ok && trans_mode && trans_explained(modrm, &in, &nat, &emu)) {
            explained++;
            if (!getenv("X87_SHOWCLOSE"))
                continue;
        }
        if (!ok) {
            fails++;
            if (getenv("X87_WHY"))
                printf("why: cw %d sw %d tw %d st %d mem %d flags %d\n", (nat.cw & 0xffff) == (emu.cw & 0xffff),
                       (nat.sw & 0xffff) == (emu.sw & 0xffff), (nat.tw & 0xffff) == (emu.tw & 0xffff),
                       !memcmp(nat.st, emu.st, 80), !memcmp(mem_nat, mem_emu, op->kind == XK_ENV_STORE ? op->size : 16),
                       flags_nat == flags_emu);
            if (fail_by_op[opcode & 7][modrm]++ < 2) {
                printf("MISMATCH %02x %02x (case %ld)\n", opcode, modrm, n);
                print_image("in  ", &in, mem_in, flags_in);
                print_image("cpu ", &nat, mem_nat, flags_nat);
                print_image("xqm ", &emu, mem_emu, flags_emu);
                for (int i = 0; i < op->size; i++) {
                    if (mem_nat[i] != mem_emu[i]) {
                        printf("    memory differs first at byte %d: %02x vs %02x\n", i, mem_nat[i], mem_emu[i]);
                        for (int j = 0; j < op->size; j++)
                            printf("%02x%s", mem_nat[j], j % 32 == 31 ? "\n" : "");
                        printf("\n");
                        for (int j = 0; j < op->size; j++)
                            printf("%02x%s", mem_emu[j], j % 32 == 31 ? "\n" : "");
                        printf("\n");
                        break;
                    }
                }
            }
        }
    }
    for (int o = 0; o < 8; o++) {
        for (int r = 0; r < 16; r++) {
            long c = 0;
            for (int m = 0; m < 256; m++) {
                if ((m >= 0xc0) == (r >= 8) && ((m >> 3) & 7) == (r & 7))
                    c += fail_by_op[o][m];
            }
            if (c)
                printf("  %02x /%d %s: %ld mismatches\n", 0xd8 + o, r & 7, r >= 8 ? "reg" : "mem", c);
        }
    }
    if (trans_mode)
        printf("test_x87_native -t: %ld cases, %ld differ where the CPU is not correctly rounded, %ld otherwise\n",
               run, explained, fails);
    else
        printf("test_x87_native: %ld cases, %ld mismatches\n", run, fails);
    return fails;
}

int main(int argc, char **argv)
{
    bool only_trans = argc > 1 && !strcmp(argv[1], "-t");
    if (only_trans) {
        argc--;
        argv++;
    }
    long cases = argc > 1 ? atol(argv[1]) : 200000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    long fails = 0;
    if (!only_trans)
        fails += run_cases(cases);
    /* Without -t, the transcendentals run too, a quarter as many cases. */
    trans_mode = true;
    fails += run_cases(only_trans ? cases : cases / 4);
    return fails != 0;
}
