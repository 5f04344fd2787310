/*
 * The differential tester's instruction templates: one function per instruction family. Each picks
 * operands, emits the setup lines its operands need and then the instruction with its flag effect
 * per the SDM (vol. 2, each instruction's "Flags Affected"): `def` are the flags it sets to defined
 * values, `undef` the ones it leaves undefined; the comparison ignores a flag from the moment an
 * instruction leaves it undefined until one defines it again.
 *
 * A template returns false, having emitted nothing, when it cannot be generated in the current
 * state (a flag it reads is undefined, it would move esp inside a loop body, ...).
 *
 * Coverage kinds are "mnemonic/form": forms are r (register), m (memory), i (immediate), 1 or cl
 * (shift counts) followed by the operand size, e.g. "add/mr16" is `addw %reg, mem`.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/difftest/dtgen.h"

#define LOGIC_DEF (DT_ARITH & ~DT_AF)

/* ---- helpers ---- */

/* Interned coverage kind names: lines keep the pointer. */
static const char *K(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *K(const char *fmt, ...)
{
    static char *table[4096];
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    unsigned h = 2166136261u;
    for (const char *p = buf; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (unsigned i = h % 4096;; i = (i + 1) % 4096) {
        if (!table[i]) {
            table[i] = strdup(buf);
            return table[i];
        }
        if (!strcmp(table[i], buf))
            return table[i];
    }
}

static bool flags_ok(const struct dt_gen *g, unsigned reads)
{
    if (!reads)
        return true;
    return !g->in_body && (reads & ~g->mask) == 0;
}

static bool stack_ok(const struct dt_gen *g, int delta)
{
    int d = g->depth + delta;
    return !g->in_body && g->open_jumps == 0 && d >= -DT_STACK_DOWN && d <= DT_STACK_UP;
}

static int any_size(struct dt_gen *g)
{
    int r = g_below(g, 4);
    return r == 0 ? 8 : r == 1 ? 16 : 32;
}

static int wide_size(struct dt_gen *g) { return g_chance(g, 35) ? 16 : 32; }

static const char *R(int bits, int reg) { return g_regname(bits, reg); }

/* "$0x..": an immediate operand. */
static const char *imm_text(struct dt_gen *g, int bits, char *buf)
{
    sprintf(buf, "$0x%x", g_imm(g, bits));
    return buf;
}

/* The `lock ` prefix when the caller asked for a locked form (then only memory destinations). */
static const char *lock_prefix(const struct dt_gen *g) { return g->lock ? "lock " : ""; }

/* ---- ALU ---- */

static const char *const alu_ops[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

static void alu_effect(int op, unsigned *reads, unsigned *def, unsigned *undef)
{
    bool logic = op == 1 || op == 4 || op == 6;
    *reads = (op == 2 || op == 3) ? DT_CF : 0;
    *def = logic ? LOGIC_DEF : DT_ARITH;
    *undef = logic ? DT_AF : 0;
}

static bool t_alu(struct dt_gen *g)
{
    int op = g_below(g, g->lock ? 7 : 8);
    unsigned reads, def, undef;
    alu_effect(op, &reads, &def, &undef);
    if (!flags_ok(g, reads))
        return false;
    int bits = any_size(g);
    char s = g_suffix(bits), ib[16];
    int dst = op == 7 ? g_rreg(g, bits) : g_wreg(g, bits, 0);
    int src = g_rreg(g, bits);
    struct dt_mem m;
    int form = g->lock ? 3 + g_below(g, 2) : g_below(g, 5);
    switch (form) {
    case 0:
        g_insn(g, K("%s/rr%d", alu_ops[op], bits), reads, def, undef, "%s%s%c %%%s, %%%s",
               g_chance(g, 30) ? "{load} " : "", alu_ops[op], s, R(bits, src), R(bits, dst));
        break;
    case 1:
        g_insn(g, K("%s/ri%d", alu_ops[op], bits), reads, def, undef, "%s%c %s, %%%s", alu_ops[op],
               s, imm_text(g, bits, ib), R(bits, dst));
        break;
    case 2:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("%s/rm%d", alu_ops[op], bits), reads, def, undef, "%s%c %s, %%%s", alu_ops[op],
               s, m.text, R(bits, dst));
        break;
    case 3:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("%s%s/mr%d", lock_prefix(g), alu_ops[op], bits), reads, def, undef,
               "%s%s%c %%%s, %s", lock_prefix(g), alu_ops[op], s, R(bits, src), m.text);
        break;
    default:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("%s%s/mi%d", lock_prefix(g), alu_ops[op], bits), reads, def, undef,
               "%s%s%c %s, %s", lock_prefix(g), alu_ops[op], s, imm_text(g, bits, ib), m.text);
        break;
    }
    return true;
}

static bool t_test(struct dt_gen *g)
{
    int bits = any_size(g);
    char s = g_suffix(bits), ib[16];
    int a = g_rreg(g, bits), b = g_rreg(g, bits);
    struct dt_mem m;
    switch (g_below(g, 4)) {
    case 0:
        g_insn(g, K("test/rr%d", bits), 0, LOGIC_DEF, DT_AF, "test%c %%%s, %%%s", s, R(bits, a), R(bits, b));
        break;
    case 1:
        g_insn(g, K("test/ri%d", bits), 0, LOGIC_DEF, DT_AF, "test%c %s, %%%s", s, imm_text(g, bits, ib),
               R(bits, a));
        break;
    case 2:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("test/mr%d", bits), 0, LOGIC_DEF, DT_AF, "test%c %%%s, %s", s, R(bits, a), m.text);
        break;
    default:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("test/mi%d", bits), 0, LOGIC_DEF, DT_AF, "test%c %s, %s", s, imm_text(g, bits, ib),
               m.text);
        break;
    }
    return true;
}

/* inc, dec, neg, not */
static bool t_unary(struct dt_gen *g)
{
    static const char *const ops[4] = {"inc", "dec", "neg", "not"};
    static const unsigned defs[4] = {DT_ARITH & ~DT_CF, DT_ARITH & ~DT_CF, DT_ARITH, 0};
    int op = g_below(g, 4), bits = any_size(g);
    char s = g_suffix(bits);
    if (!g->lock && g_chance(g, 50)) {
        g_insn(g, K("%s/r%d", ops[op], bits), 0, defs[op], 0, "%s%c %%%s", ops[op], s,
               R(bits, g_wreg(g, bits, 0)));
    } else {
        struct dt_mem m;
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("%s%s/m%d", lock_prefix(g), ops[op], bits), 0, defs[op], 0, "%s%s%c %s",
               lock_prefix(g), ops[op], s, m.text);
    }
    return true;
}

/* ---- shifts and rotates ---- */

static const char *const shift_ops[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};

/*
 * Flag effect of a shift or rotate (SDM SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR) by a count whose value
 * masked to 5 bits is c, or unknown (known = false: any flag it may write becomes undefined).
 */
static void shift_effect(int op, int bits, bool known, int c, unsigned *reads, unsigned *def,
                         unsigned *undef)
{
    bool rot = op < 4;
    *reads = (op == 2 || op == 3) ? DT_CF : 0;
    *def = *undef = 0;
    if (!known) {
        *undef = rot ? DT_CF | DT_OF : DT_ARITH;
        return;
    }
    if (c == 0) {               /* a zero count affects no flag and reads none */
        *reads = 0;
        return;
    }
    if (rot) {
        *def = DT_CF | (c == 1 ? DT_OF : 0);
        *undef = c == 1 ? 0 : DT_OF;
        return;
    }
    *def = DT_SF | DT_ZF | DT_PF | DT_CF | (c == 1 ? DT_OF : 0);
    *undef = DT_AF | (c == 1 ? 0 : DT_OF);
    if (c >= bits) {            /* SDM: CF undefined for SHL/SHR when count >= operand size; SAR too
                                 * here, as the SDM's wording leaves it unclear */
        *def &= ~DT_CF;
        *undef |= DT_CF;
    }
}

static int shift_count(struct dt_gen *g, int bits)
{
    if (g_chance(g, 10))
        return g_below(g, 256);
    if (g_chance(g, 30))
        return bits + g_below(g, 3) - 1;
    return g_below(g, 32);
}

static bool t_shift(struct dt_gen *g)
{
    int op;
    do
        op = g_below(g, 8);
    while ((op == 2 || op == 3) && !g->opt->extra);
    int bits = any_size(g);
    char s = g_suffix(bits), dst[80];
    int form = g_below(g, 3);   /* 0: by 1, 1: by imm8, 2: by cl */
    bool set_cl = form == 2 && g_writable(g, DT_ECX) && g_chance(g, 75);
    int count = form == 0 ? 1 : form == 1 || set_cl ? shift_count(g, bits) : -1;
    bool known = count >= 0;
    unsigned reads, def, undef;
    shift_effect(op, bits, known, count & 31, &reads, &def, &undef);
    if (!flags_ok(g, reads))
        return false;
    bool mem = g_chance(g, 35);
    if (mem) {
        struct dt_mem m;
        g_mem(g, bits / 8, form == 2 ? 1u << DT_ECX : 0, 0, &m);
        snprintf(dst, sizeof dst, "%s", m.text);
    } else {
        snprintf(dst, sizeof dst, "%%%s", R(bits, g_wreg(g, bits, 0)));
    }
    const char *rm = mem ? "m" : "r";
    if (form == 0) {
        g_insn(g, K("%s/%s1_%d", shift_ops[op], rm, bits), reads, def, undef, "%s%c %s",
               shift_ops[op], s, dst);
    } else if (form == 1) {
        g_insn(g, K("%s/%si%d", shift_ops[op], rm, bits), reads, def, undef, "%s%c $%d, %s",
               shift_ops[op], s, count, dst);
    } else {
        if (set_cl)
            g_setup(g, "movb $%d, %%cl", count);
        g_insn(g, K("%s/%scl%d", shift_ops[op], rm, bits), reads, def, undef, "%s%c %%cl, %s",
               shift_ops[op], s, dst);
    }
    return true;
}

/* shld, shrd: a 16-bit count above 16 gives an undefined result, so it is never generated. */
static bool t_shxd(struct dt_gen *g)
{
    const char *op = g_chance(g, 50) ? "shld" : "shrd";
    int bits = wide_size(g);
    char s = g_suffix(bits), dst[80];
    bool by_cl = g_chance(g, 50);
    if (by_cl && bits == 16 && !g_writable(g, DT_ECX))
        by_cl = false;
    bool set_cl = by_cl && g_writable(g, DT_ECX) && (bits == 16 || g_chance(g, 75));
    int count = -1;
    if (!by_cl || set_cl) {
        count = g_below(g, bits == 16 ? 17 : 32);
        if (g_chance(g, 15))
            count += 32 * (1 + g_below(g, 7));
    }
    unsigned def = 0, undef = 0;
    int c = count & 31;
    if (count < 0) {
        undef = DT_ARITH;
    } else if (c != 0) {
        def = DT_CF | DT_SF | DT_ZF | DT_PF | (c == 1 ? DT_OF : 0);
        undef = DT_AF | (c == 1 ? 0 : DT_OF);
    }
    int src = g_rreg(g, bits);
    bool mem = g_chance(g, 35);
    if (mem) {
        struct dt_mem m;
        g_mem(g, bits / 8, by_cl ? 1u << DT_ECX : 0, 0, &m);
        snprintf(dst, sizeof dst, "%s", m.text);
    } else {
        snprintf(dst, sizeof dst, "%%%s", R(bits, g_wreg(g, bits, 0)));
    }
    if (by_cl) {
        if (set_cl)
            g_setup(g, "movb $%d, %%cl", count);
        g_insn(g, K("%s/%scl%d", op, mem ? "m" : "r", bits), 0, def, undef, "%s%c %%cl, %%%s, %s",
               op, s, R(bits, src), dst);
    } else {
        g_insn(g, K("%s/%si%d", op, mem ? "m" : "r", bits), 0, def, undef, "%s%c $%d, %%%s, %s", op,
               s, count, R(bits, src), dst);
    }
    return true;
}

/* ---- multiply and divide ---- */

/* An r/m source operand: a register (any) or memory; avoid: registers the index must not use. */
static void src_rm(struct dt_gen *g, int bits, unsigned avoid, char *out, int size, const char **form)
{
    if (g_chance(g, 55)) {
        snprintf(out, (size_t)size, "%%%s", R(bits, g_rreg(g, bits)));
        *form = "r";
    } else {
        struct dt_mem m;
        g_mem(g, bits / 8, avoid, 0, &m);
        snprintf(out, (size_t)size, "%s", m.text);
        *form = "m";
    }
}

/* mul, imul with one operand: edx:eax (dx:ax, ax) = eax * r/m. CF = OF = high half significant. */
static bool t_mul1(struct dt_gen *g)
{
    const char *op = g_chance(g, 50) ? "mul" : "imul", *form;
    int bits = any_size(g);
    char src[80];
    src_rm(g, bits, 0, src, sizeof src, &form);
    g_insn(g, K("%s/%s%d", op, form, bits), 0, DT_CF | DT_OF, DT_SF | DT_ZF | DT_AF | DT_PF,
           "%s%c %s", op, g_suffix(bits), src);
    return true;
}

/* imul with two and three operands */
static bool t_imul(struct dt_gen *g)
{
    int bits = wide_size(g);
    const char *form;
    char src[80], ib[16];
    src_rm(g, bits, 0, src, sizeof src, &form);
    int dst = g_wreg(g, bits, 0);
    if (g_chance(g, 50)) {
        g_insn(g, K("imul2/%s%d", form, bits), 0, DT_CF | DT_OF, DT_SF | DT_ZF | DT_AF | DT_PF,
               "imul%c %s, %%%s", g_suffix(bits), src, R(bits, dst));
    } else {
        g_insn(g, K("imul3/%s%d", form, bits), 0, DT_CF | DT_OF, DT_SF | DT_ZF | DT_AF | DT_PF,
               "imul%c %s, %s, %%%s", g_suffix(bits), imm_text(g, bits, ib), src, R(bits, dst));
    }
    return true;
}

/*
 * div, idiv. By default the operands are set up so that no #DE can happen: a nonzero divisor and,
 * for div, a high half below it; for idiv a sign-extended dividend (cbw/cwd/cdq) and a divisor
 * other than -1, or a non-negative high half below |divisor| / 2. With --faults a third of them
 * keep random operands (a zero divisor a quarter of those times).
 */
static bool t_div(struct dt_gen *g)
{
    bool sign = g_chance(g, 50);
    const char *op = sign ? "idiv" : "div";
    int bits = any_size(g);
    char s = g_suffix(bits), dv[80];
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    unsigned avoid = bits == 8 ? 1u << DT_EAX : (1u << DT_EAX) | (1u << DT_EDX);
    bool faulty = g->opt->faults && g_chance(g, 33);
    bool mem = g_chance(g, 40);
    if (mem) {
        struct dt_mem m;
        g_mem(g, bits / 8, avoid, 0, &m);
        snprintf(dv, sizeof dv, "%s", m.text);
    } else {
        int r = g_wreg(g, bits, avoid);
        if (r < 0)
            return false;   /* ecx protected and bits == 8 with only bl/bh... cannot happen, kept safe */
        snprintf(dv, sizeof dv, "%%%s", R(bits, r));
    }
    const char *hi = bits == 8 ? "%ah" : bits == 16 ? "%dx" : "%edx";
    uint32_t d = g_imm(g, bits);
    if (faulty) {
        if (g_chance(g, 25))
            g_setup(g, "mov%c $0, %s", s, dv);
        else if (g_chance(g, 50))
            g_setup(g, "mov%c $0x%x, %s", s, d, dv);
    } else {
        uint32_t top = 1u << (bits - 1);
        if (d == 0 || (sign && d == mask))
            d = 1 + (g_rand(g) & 0x7f);
        g_setup(g, "mov%c $0x%x, %s", s, d, dv);
        if (!sign) {
            g_setup(g, "mov%c $0x%x, %s", s, g_rand(g) % d, hi);
        } else {
            uint32_t mag = (d & top) ? (0u - d) & mask : d;    /* |d|, at most top */
            if (mag >= 4 && g_chance(g, 50))
                g_setup(g, "mov%c $0x%x, %s", s, g_rand(g) % (mag / 2), hi);
            else
                g_setup(g, "%s", bits == 8 ? "cbtw" : bits == 16 ? "cwtd" : "cltd");
        }
    }
    g_insn(g, K("%s/%s%d", op, mem ? "m" : "r", bits), 0, 0, DT_ARITH, "%s%c %s", op, s, dv);
    return true;
}

/* ---- bit operations ---- */

/* bt, bts, btr, btc: CF = the bit; ZF unaffected; OF, SF, AF, PF undefined (SDM BT). */
static bool t_bt(struct dt_gen *g)
{
    static const char *const ops[4] = {"bt", "bts", "btr", "btc"};
    int op = g->lock ? 1 + g_below(g, 3) : g_below(g, 4), bits = wide_size(g);
    char s = g_suffix(bits);
    const unsigned def = DT_CF, undef = DT_OF | DT_SF | DT_AF | DT_PF;
    const char *lk = lock_prefix(g);
    struct dt_mem m;
    int form = g->lock ? 2 + g_below(g, 2) : g_below(g, 4);
    if (form == 0) {
        int dst = op == 0 ? g_rreg(g, bits) : g_wreg(g, bits, 0);
        g_insn(g, K("%s/rr%d", ops[op], bits), 0, def, undef, "%s%c %%%s, %%%s", ops[op], s,
               R(bits, g_rreg(g, bits)), R(bits, dst));
    } else if (form == 1) {
        int dst = op == 0 ? g_rreg(g, bits) : g_wreg(g, bits, 0);
        g_insn(g, K("%s/ri%d", ops[op], bits), 0, def, undef, "%s%c $%d, %%%s", ops[op], s,
               g_below(g, 256), R(bits, dst));
    } else if (form == 2) {
        /* A register bit offset addresses memory beyond the operand: keep it to +-127 bits. */
        int off = g_wreg(g, 32, 0);
        g_setup(g, "movsb%c %%%s, %%%s", s, R(8, g_rreg(g, 8)), R(bits, off));
        g_mem(g, bits / 8, 1u << off, 0, &m);
        g_insn(g, K("%s%s/mr%d", lk, ops[op], bits), 0, def, undef, "%s%s%c %%%s, %s", lk, ops[op],
               s, R(bits, off), m.text);
    } else {
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("%s%s/mi%d", lk, ops[op], bits), 0, def, undef, "%s%s%c $%d, %s", lk, ops[op],
               s, g_below(g, 256), m.text);
    }
    return true;
}

/* bsf, bsr: ZF = (source == 0); the rest undefined. A zero source leaves the destination
 * unchanged on every x86 this was checked on (AMD documents it), and that is compared. */
static bool t_bsf(struct dt_gen *g)
{
    const char *op = g_chance(g, 50) ? "bsf" : "bsr", *form;
    int bits = wide_size(g);
    char src[80];
    src_rm(g, bits, 0, src, sizeof src, &form);
    g_insn(g, K("%s/%s%d", op, form, bits), 0, DT_ZF, DT_ARITH & ~DT_ZF, "%s%c %s, %%%s", op,
           g_suffix(bits), src, R(bits, g_wreg(g, bits, 0)));
    return true;
}

static bool t_bswap(struct dt_gen *g)
{
    g_insn(g, "bswap/r32", 0, 0, 0, "bswap %%%s", R(32, g_wreg(g, 32, 0)));
    return true;
}

/* ---- exchanges ---- */

static bool t_xchg(struct dt_gen *g)
{
    int bits = any_size(g);
    int a = g_wreg(g, bits, 0);
    if (g_chance(g, 50)) {
        int b = g_wreg(g, bits, 0);
        g_insn(g, K("xchg/rr%d", bits), 0, 0, 0, "xchg%c %%%s, %%%s", g_suffix(bits), R(bits, a), R(bits, b));
    } else {
        struct dt_mem m;
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("xchg/rm%d", bits), 0, 0, 0, "xchg%c %%%s, %s", g_suffix(bits), R(bits, a), m.text);
    }
    return true;
}

static bool t_xadd(struct dt_gen *g)
{
    int bits = any_size(g);
    int src = g_wreg(g, bits, 0);
    if (!g->lock && g_chance(g, 40)) {
        g_insn(g, K("xadd/rr%d", bits), 0, DT_ARITH, 0, "xadd%c %%%s, %%%s", g_suffix(bits),
               R(bits, src), R(bits, g_wreg(g, bits, 0)));
    } else {
        struct dt_mem m;
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("%sxadd/rm%d", lock_prefix(g), bits), 0, DT_ARITH, 0, "%sxadd%c %%%s, %s",
               lock_prefix(g), g_suffix(bits), R(bits, src), m.text);
    }
    return true;
}

/* cmpxchg: half the time the accumulator is first loaded from the destination (the equal case). */
static bool t_cmpxchg(struct dt_gen *g)
{
    int bits = any_size(g);
    char s = g_suffix(bits);
    const char *acc = R(bits, DT_EAX);
    int src = g_rreg(g, bits);
    if (!g->lock && g_chance(g, 40)) {
        int dst = g_wreg(g, bits, 0);
        if (g_chance(g, 50))
            g_setup(g, "mov%c %%%s, %%%s", s, R(bits, dst), acc);
        g_insn(g, K("cmpxchg/rr%d", bits), 0, DT_ARITH, 0, "cmpxchg%c %%%s, %%%s", s, R(bits, src),
               R(bits, dst));
    } else {
        struct dt_mem m;
        g_mem(g, bits / 8, 1u << DT_EAX, 0, &m);
        if (g_chance(g, 50))
            g_setup(g, "mov%c %s, %%%s", s, m.text, acc);
        g_insn(g, K("%scmpxchg/rm%d", lock_prefix(g), bits), 0, DT_ARITH, 0, "%scmpxchg%c %%%s, %s",
               lock_prefix(g), s, R(bits, src), m.text);
    }
    return true;
}

/* cmpxchg8b: only ZF is affected. */
static bool t_cmpxchg8b(struct dt_gen *g)
{
    struct dt_mem m;
    char hi[80];
    g_mem(g, 8, (1u << DT_EAX) | (1u << DT_EDX), 0, &m);
    if (g_chance(g, 50)) {
        g_mem_offset(&m, 4, hi, sizeof hi);
        g_setup(g, "movl %s, %%eax", m.text);
        g_setup(g, "movl %s, %%edx", hi);
    }
    g_insn(g, K("%scmpxchg8b/m64", lock_prefix(g)), 0, DT_ZF, 0, "%scmpxchg8b %s", lock_prefix(g), m.text);
    return true;
}

/* ---- condition codes ---- */

static bool t_setcc(struct dt_gen *g)
{
    int cc = g_pick_cc(g);
    if (cc < 0)
        return false;
    if (g_chance(g, 60)) {
        g_insn(g, K("set%s/r8", dt_cc_name[cc]), dt_cc_reads[cc], 0, 0, "set%s %%%s", dt_cc_name[cc],
               R(8, g_wreg(g, 8, 0)));
    } else {
        struct dt_mem m;
        g_mem(g, 1, 0, 0, &m);
        g_insn(g, K("set%s/m8", dt_cc_name[cc]), dt_cc_reads[cc], 0, 0, "set%s %s", dt_cc_name[cc], m.text);
    }
    return true;
}

static bool t_cmovcc(struct dt_gen *g)
{
    int cc = g_pick_cc(g);
    if (cc < 0)
        return false;
    int bits = wide_size(g);
    const char *form;
    char src[80];
    src_rm(g, bits, 0, src, sizeof src, &form);
    g_insn(g, K("cmov%s/%s%d", dt_cc_name[cc], form, bits), dt_cc_reads[cc], 0, 0, "cmov%s %s, %%%s",
           dt_cc_name[cc], src, R(bits, g_wreg(g, bits, 0)));
    return true;
}

/* ---- moves ---- */

static bool t_mov(struct dt_gen *g)
{
    int bits = any_size(g);
    char s = g_suffix(bits), ib[16];
    struct dt_mem m;
    switch (g_below(g, 5)) {
    case 0:
        g_insn(g, K("mov/rr%d", bits), 0, 0, 0, "%smov%c %%%s, %%%s", g_chance(g, 30) ? "{load} " : "",
               s, R(bits, g_rreg(g, bits)), R(bits, g_wreg(g, bits, 0)));
        break;
    case 1:
        g_insn(g, K("mov/ri%d", bits), 0, 0, 0, "mov%c %s, %%%s", s, imm_text(g, bits, ib),
               R(bits, g_wreg(g, bits, 0)));
        break;
    case 2:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("mov/rm%d", bits), 0, 0, 0, "mov%c %s, %%%s", s, m.text, R(bits, g_wreg(g, bits, 0)));
        break;
    case 3:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("mov/mr%d", bits), 0, 0, 0, "mov%c %%%s, %s", s, R(bits, g_rreg(g, bits)), m.text);
        break;
    default:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("mov/mi%d", bits), 0, 0, 0, "mov%c %s, %s", s, imm_text(g, bits, ib), m.text);
        break;
    }
    return true;
}

/* movzx, movsx */
static bool t_movx(struct dt_gen *g)
{
    static const struct { const char *op; int from, to; } forms[6] = {
        {"movzbw", 8, 16}, {"movzbl", 8, 32}, {"movzwl", 16, 32},
        {"movsbw", 8, 16}, {"movsbl", 8, 32}, {"movswl", 16, 32},
    };
    int f = g_below(g, 6);
    const char *form;
    char src[80];
    src_rm(g, forms[f].from, 0, src, sizeof src, &form);
    g_insn(g, K("%s/%s", forms[f].op, form), 0, 0, 0, "%s %s, %%%s", forms[f].op, src,
           R(forms[f].to, g_wreg(g, forms[f].to, 0)));
    return true;
}

/* lea with 32-bit addresses (any base and index, no memory access) and 16-bit addresses. */
static bool t_lea(struct dt_gen *g)
{
    int bits = wide_size(g);
    int dst = g_wreg(g, bits, 0);
    char addr[80], disp[24];
    const char *form;
    if (g_chance(g, 65)) {
        int kind = g_below(g, 4), base = g_rreg(g, 32), idx;
        do
            idx = g_rreg(g, 32);
        while (idx == DT_ESP);
        uint32_t d = g_chance(g, 30) ? 0 : g_chance(g, 50) ? (uint32_t)(g_below(g, 256) - 128) : g_rand(g);
        disp[0] = 0;
        if (d)
            snprintf(disp, sizeof disp, "0x%x", d);
        if (kind == 0)
            snprintf(addr, sizeof addr, "%s(%%%s)", disp, R(32, base));
        else if (kind == 1)
            snprintf(addr, sizeof addr, "%s(%%%s,%%%s,%d)", disp, R(32, base), R(32, idx), 1 << g_below(g, 4));
        else if (kind == 2)
            snprintf(addr, sizeof addr, "0x%x(,%%%s,%d)", d, R(32, idx), 1 << g_below(g, 4));
        else
            snprintf(addr, sizeof addr, "0x%x", d);
        form = "a32";
    } else {
        static const char *const modes[8] = {
            "(%bx,%si)", "(%bx,%di)", "(%bp,%si)", "(%bp,%di)", "(%si)", "(%di)", "(%bp)", "(%bx)",
        };
        int mode = g_below(g, 9);
        uint32_t d = g_chance(g, 40) ? (uint32_t)(g_below(g, 256) - 128) & 0xffff : g_rand(g) & 0xffff;
        if (mode == 8) {
            snprintf(addr, sizeof addr, "0x%x", d);
        } else {
            if (mode != 6 && g_chance(g, 30))
                disp[0] = 0;
            else
                snprintf(disp, sizeof disp, "%d", (int16_t)d);
            snprintf(addr, sizeof addr, "%s%s", disp, modes[mode]);
        }
        form = "a16";
    }
    g_insn(g, K("lea/%s_%d", form, bits), 0, 0, 0, "%slea%c %s, %%%s",
           strcmp(form, "a16") == 0 && !strchr(addr, '(') ? "addr16 " : "", g_suffix(bits), addr,
           R(bits, dst));
    return true;
}

/* cbw, cwde, cwd, cdq */
static bool t_conv(struct dt_gen *g)
{
    static const char *const ops[4] = {"cbtw", "cwtl", "cwtd", "cltd"};
    static const char *const kinds[4] = {"cbw", "cwde", "cwd", "cdq"};
    int op = g_below(g, 4);
    g_insn(g, kinds[op], 0, 0, 0, "%s", ops[op]);
    return true;
}

/* lahf, sahf, clc, stc, cmc, cld, std */
static bool t_flagop(struct dt_gen *g)
{
    const unsigned szapc = DT_SF | DT_ZF | DT_AF | DT_PF | DT_CF;
    switch (g_below(g, 7)) {
    case 0:
        if (!flags_ok(g, szapc))
            return false;
        g_insn(g, "lahf", szapc, 0, 0, "lahf");
        break;
    case 1:
        if (g_chance(g, 50))
            g_setup(g, "movb $0x%x, %%ah", g_rand(g) & 0xff);
        g_insn(g, "sahf", 0, szapc, 0, "sahf");
        break;
    case 2:
        g_insn(g, "clc", 0, DT_CF, 0, "clc");
        break;
    case 3:
        g_insn(g, "stc", 0, DT_CF, 0, "stc");
        break;
    case 4:
        if (!flags_ok(g, DT_CF))
            return false;
        g_insn(g, "cmc", DT_CF, DT_CF, 0, "cmc");
        break;
    case 5:
        g_insn(g, "cld", 0, 0, 0, "cld");
        break;
    default:
        g_insn(g, "std", 0, 0, 0, "std");
        break;
    }
    return true;
}

/* ---- control flow ---- */

static bool t_jcc(struct dt_gen *g)
{
    int cc = g_pick_cc(g), left = g_groups_left(g);
    if (cc < 0 || left < 0)
        return false;
    int skip = g_below(g, (left < 3 ? left : 3) + 1);
    char label[40];
    g_target_label(g, skip, label, sizeof label);
    bool rel32 = g_chance(g, 25);
    g_branch(g, K("j%s/%s", dt_cc_name[cc], rel32 ? "rel32" : "rel8"), dt_cc_reads[cc], skip, "%sj%s %s",
             rel32 ? "{disp32} " : "", dt_cc_name[cc], label);
    return true;
}

/* loop, loope, loopne (and their cx forms) jumping forward; ecx is often set to 0, 1 or 2 first. */
static bool t_loopfwd(struct dt_gen *g)
{
    static const char *const ops[3] = {"loop", "loope", "loopne"};
    int op = g_below(g, 3), left = g_groups_left(g);
    unsigned reads = op ? DT_ZF : 0;
    if (left < 0 || !flags_ok(g, reads) || !g_writable(g, DT_ECX))
        return false;
    int skip = g_below(g, (left < 1 ? left : 1) + 1);
    char label[40];
    g_target_label(g, skip, label, sizeof label);
    bool cx = g_chance(g, 25);
    if (g_chance(g, 50))
        g_setup(g, "movl $0x%x, %%ecx", g_chance(g, 80) ? (uint32_t)g_below(g, 3) : 0x10001u);
    g_branch(g, K("%s/%s", ops[op], cx ? "cx" : "ecx"), reads, skip, "%s%s %s", cx ? "addr16 " : "",
             ops[op], label);
    return true;
}

static bool t_jecxz(struct dt_gen *g)
{
    int left = g_groups_left(g);
    if (left < 0 || g->in_body)
        return false;
    int skip = g_below(g, (left < 1 ? left : 1) + 1);
    char label[40];
    g_target_label(g, skip, label, sizeof label);
    bool cx = g_chance(g, 40);
    if (g_writable(g, DT_ECX) && g_chance(g, 60)) {
        static const uint32_t vals[4] = {0, 1, 0x10000, 0xffff0000};
        g_setup(g, "movl $0x%x, %%ecx", vals[g_below(g, 4)]);
    }
    g_branch(g, cx ? "jcxz" : "jecxz", 0, skip, "%s %s", cx ? "jcxz" : "jecxz", label);
    return true;
}

/* A counted loop: movl $n, %ecx; body; loop back. The body reads no flags, so its flag effect is
 * the same on every iteration and loope/loopne may test ZF if the body leaves it defined. */
static bool t_loopback(struct dt_gen *g)
{
    if (g->in_body || !g_writable(g, DT_ECX))
        return false;
    char label[40];
    g_setup(g, "movl $%d, %%ecx", 1 + g_below(g, 4));
    g_label_here(g, label, sizeof label);
    g_body(g, 1 + g_below(g, 2));
    int op = g_below(g, 3);
    if (op && !(g->mask & DT_ZF))
        op = 0;
    static const char *const ops[3] = {"loop", "loope", "loopne"};
    g_insn(g, K("%s/back", ops[op]), op ? DT_ZF : 0, 0, 0, "%s %s", ops[op], label);
    return true;
}

/* ---- strings ---- */

/*
 * movs, stos, lods, cmps, scas in 8/16/32 bits with no prefix, rep, repe or repne: esi and edi
 * are first pointed into the area and ecx set to at most 8, whatever the direction flag.
 */
static bool t_string(struct dt_gen *g)
{
    static const char *const ops[5] = {"movs", "stos", "lods", "cmps", "scas"};
    if (g->in_body)
        return false;
    int op = g_below(g, 5), bits = any_size(g);
    bool compare = op >= 3;
    bool src = op == 0 || op == 2 || op == 3, dst = op != 2;
    const char *rep = "";
    int r = g_below(g, 3);
    if (r == 1)
        rep = compare ? "repe " : "rep ";
    else if (r == 2)
        rep = compare ? "repne " : "rep ";
    const char *base = R(32, g->seq->base);
    int d1 = g_below(g, 2000) - 1000, d2 = g_below(g, 2000) - 1000;
    if (compare && g_chance(g, 50)) {
        d2 = d1 + 64 * (g_below(g, 8) - 4);     /* blocks are often copies of each other */
        if (d2 < -1000 || d2 > 1000)
            d2 = d1;
    }
    if (src)
        g_setup(g, "leal %d(%%%s), %%esi", d1, base);
    if (dst)
        g_setup(g, "leal %d(%%%s), %%edi", d2, base);
    int n = -1;
    if (*rep) {
        n = g_chance(g, 10) ? 0 : 1 + g_below(g, 8);
        g_setup(g, "movl $%d, %%ecx", n);
    }
    unsigned def = compare && n != 0 ? DT_ARITH : 0;
    const char *seg = "";
    if (src && g_chance(g, 15)) {
        static const char *const segs[3] = {"es ", "ss ", "cs "};
        seg = segs[g_below(g, 3)];
    }
    g_insn(g, K("%s%s/%d", *rep ? rep : "", ops[op], bits), 0, def, 0, "%s%s%s%c", rep, seg, ops[op],
           g_suffix(bits));
    return true;
}

/* ---- stack ---- */

static bool t_push(struct dt_gen *g)
{
    int bits = wide_size(g);
    if (!stack_ok(g, -bits / 8))
        return false;
    char s = g_suffix(bits), ib[16];
    struct dt_mem m;
    switch (g_below(g, 3)) {
    case 0:
        g_insn(g, K("push/r%d", bits), 0, 0, 0, "push%c %%%s", s, R(bits, g_rreg(g, bits)));
        break;
    case 1:
        g_insn(g, K("push/i%d", bits), 0, 0, 0, "push%c %s", s, imm_text(g, g_chance(g, 50) ? 8 : bits, ib));
        break;
    default:
        g_mem(g, bits / 8, 0, 0, &m);
        g_insn(g, K("push/m%d", bits), 0, 0, 0, "push%c %s", s, m.text);
        break;
    }
    g->depth -= bits / 8;
    return true;
}

static bool t_pop(struct dt_gen *g)
{
    int bits = wide_size(g);
    if (!stack_ok(g, bits / 8))
        return false;
    char s = g_suffix(bits);
    if (g_chance(g, 60)) {
        g_insn(g, K("pop/r%d", bits), 0, 0, 0, "pop%c %%%s", s, R(bits, g_wreg(g, bits, 0)));
    } else {
        struct dt_mem m;
        g_mem(g, bits / 8, 0, MEM_NO_ESP, &m);
        g_insn(g, K("pop/m%d", bits), 0, 0, 0, "pop%c %s", s, m.text);
    }
    g->depth += bits / 8;
    return true;
}

/* ---- the further instructions (--extra) ---- */

static bool t_bcd(struct dt_gen *g)
{
    const unsigned szp = DT_SF | DT_ZF | DT_PF;
    switch (g_below(g, 6)) {
    case 0: case 1: {
        bool daa = g_chance(g, 50);
        if (!flags_ok(g, DT_CF | DT_AF))
            return false;
        g_insn(g, daa ? "daa" : "das", DT_CF | DT_AF, DT_CF | DT_AF | szp, DT_OF, daa ? "daa" : "das");
        break;
    }
    case 2: case 3: {
        bool aaa = g_chance(g, 50);
        if (!flags_ok(g, DT_AF))
            return false;
        g_insn(g, aaa ? "aaa" : "aas", DT_AF, DT_AF | DT_CF, DT_OF | szp, aaa ? "aaa" : "aas");
        break;
    }
    case 4: {
        int imm = g->opt->faults && g_chance(g, 20) ? 0 : g_chance(g, 50) ? 10 : 1 + g_below(g, 255);
        g_insn(g, "aam", 0, szp, DT_OF | DT_AF | DT_CF, "aam $%d", imm);
        break;
    }
    default:
        g_insn(g, "aad", 0, szp, DT_OF | DT_AF | DT_CF, "aad $%d", g_chance(g, 50) ? 10 : g_below(g, 256));
        break;
    }
    return true;
}

static bool t_xlat(struct dt_gen *g)
{
    if (g->seq->base != DT_EBX)
        g_setup(g, "leal %d(%%%s), %%ebx", g_below(g, 512) - 256, R(32, g->seq->base));
    g_insn(g, "xlat", 0, 0, 0, "xlatb");
    return true;
}

/* pushf needs every flag defined (they are stored); popf pops a value pushed just before, with
 * TF and AC clear. */
static bool t_pushf(struct dt_gen *g)
{
    bool w = g_chance(g, 30);
    if (g_chance(g, 50)) {
        if (!stack_ok(g, w ? -2 : -4) || !flags_ok(g, DT_ARITH))
            return false;
        g_insn(g, w ? "pushf/16" : "pushf/32", DT_ARITH, 0, 0, "pushf%c", w ? 'w' : 'l');
        g->depth -= w ? 2 : 4;
    } else {
        if (!stack_ok(g, w ? -2 : -4))
            return false;
        g_setup(g, "push%c $0x%x", w ? 'w' : 'l', 0x2 | (g_rand(g) & (DT_ARITH | DT_DF)));
        g_insn(g, w ? "popf/16" : "popf/32", 0, DT_ARITH, 0, "popf%c", w ? 'w' : 'l');
    }
    return true;
}

/* pusha/popa; popa also reloads the base register, which is then put back. */
static bool t_pusha(struct dt_gen *g)
{
    bool w = g_chance(g, 30);
    int size = w ? 16 : 32;
    if (g_chance(g, 50)) {
        if (!stack_ok(g, -size))
            return false;
        g_insn(g, w ? "pusha/16" : "pusha/32", 0, 0, 0, "pusha%c", w ? 'w' : 'l');
        g->depth -= size;
    } else {
        if (!stack_ok(g, size))
            return false;
        g_insn(g, w ? "popa/16" : "popa/32", 0, 0, 0, "popa%c", w ? 'w' : 'l');
        g_setup(g, "movl $dt_area+%d, %%%s", DT_BASE_OFF, R(32, g->seq->base));
        g->depth += size;
    }
    return true;
}

/* enter (nesting 0-3, which reads frame pointers through ebp) immediately followed by leave. */
static bool t_enter(struct dt_gen *g)
{
    int level = g->seq->base == DT_EBP ? g_below(g, 4) : 0, size = 4 * g_below(g, 5);
    if (!stack_ok(g, -(4 + 4 * level + size)))
        return false;
    g_insn(g, K("enter/l%d", level), 0, 0, 0, "enter $%d, $%d", size, level);
    g_insn(g, "leave", 0, 0, 0, "leave");
    return true;
}

/* A lock prefix on a read-modify-write memory form. */
static bool t_lock(struct dt_gen *g)
{
    static bool (*const forms[])(struct dt_gen *) = {t_alu, t_unary, t_xadd, t_cmpxchg, t_cmpxchg8b, t_bt};
    g->lock = true;
    bool ok = forms[g_below(g, 6)](g);
    g->lock = false;
    return ok;
}

/* Encodings the assembler never picks: 0x82 (alias of 0x80), 0x81 with a small immediate, C0/C1
 * with a count of 1, FE/FF inc/dec of a register, 87 xchg with eax, multi-byte nops. */
static bool t_alias(struct dt_gen *g)
{
    int r = g_wreg(g, 8, 0), r32 = g_wreg(g, 32, 0), op = g_below(g, 8);
    unsigned reads, def, undef;
    switch (g_below(g, 6)) {
    case 0: {
        alu_effect(op, &reads, &def, &undef);
        if (!flags_ok(g, reads))
            return false;
        uint32_t imm = g_rand(g) & 0xff;
        g_insn(g, K("%s/ri8_82", alu_ops[op]), reads, def, undef, ".byte 0x82, 0x%x, 0x%x   # %sb $0x%x, %%%s",
               0xc0 | op << 3 | r, imm, alu_ops[op], imm, R(8, r));
        break;
    }
    case 1: {
        alu_effect(op, &reads, &def, &undef);
        if (!flags_ok(g, reads))
            return false;
        uint32_t imm = g_rand(g) & 0x7f;
        g_insn(g, K("%s/ri32_81", alu_ops[op]), reads, def, undef,
               ".byte 0x81, 0x%x, 0x%x, 0, 0, 0   # %sl $0x%x, %%%s", 0xc0 | op << 3 | r32, imm, alu_ops[op],
               imm, R(32, r32));
        break;
    }
    case 2: {
        static const int sops[5] = {0, 1, 4, 5, 7};
        int sop = sops[g_below(g, 5)], bits = g_chance(g, 50) ? 8 : 32;
        shift_effect(sop, bits, true, 1, &reads, &def, &undef);
        int reg = bits == 8 ? r : r32;
        g_insn(g, K("%s/ri%d_c1", shift_ops[sop], bits), reads, def, undef, ".byte 0x%x, 0x%x, 1   # %s%c $1, %%%s",
               bits == 8 ? 0xc0 : 0xc1, 0xc0 | sop << 3 | reg, shift_ops[sop], g_suffix(bits), R(bits, reg));
        break;
    }
    case 3: {
        bool dec = g_chance(g, 50);
        g_insn(g, K("%s/r32_ff", dec ? "dec" : "inc"), 0, DT_ARITH & ~DT_CF, 0, ".byte 0xff, 0x%x   # %sl %%%s",
               0xc0 | (dec ? 8 : 0) | r32, dec ? "dec" : "inc", R(32, r32));
        break;
    }
    case 4:
        g_insn(g, "xchg/rr32_87", 0, 0, 0, ".byte 0x87, 0x%x   # xchgl %%eax, %%%s", 0xc0 | r32, R(32, r32));
        break;
    default:
        g_insn(g, "nop/multi", 0, 0, 0, "%s", g_chance(g, 50) ? "nopw 0(%eax,%eax,1)" : "nopl 0x12345678(%eax)");
        break;
    }
    return true;
}

/* ---- faults (--faults): each ends its sequence ---- */

static bool t_trap(struct dt_gen *g)
{
    if (g->in_body)
        return false;
    switch (g_below(g, 6)) {
    case 0: g_insn(g, "ud2", 0, 0, 0, "ud2"); break;
    case 1: g_insn(g, "int3", 0, 0, 0, "int3"); break;
    case 2: g_insn(g, "int/n", 0, 0, 0, "int $0x%x", 0x81 + g_below(g, 0x70)); break;
    case 3: g_insn(g, "hlt", 0, 0, 0, "hlt"); break;
    case 4: g_insn(g, "lock/bad", 0, 0, 0, ".byte 0xf0, 0x89, 0xc0   # lock movl %%eax, %%eax"); break;
    default:
        if (!flags_ok(g, DT_OF))
            return false;
        g_insn(g, "into", DT_OF, 0, 0, "into");
        break;
    }
    return true;
}

const struct dt_template dt_templates[] = {
    {"alu", 30, 0, t_alu},
    {"test", 4, 0, t_test},
    {"unary", 8, 0, t_unary},
    {"shift", 12, 0, t_shift},
    {"shxd", 4, 0, t_shxd},
    {"mul", 3, 0, t_mul1},
    {"imul", 4, 0, t_imul},
    {"div", 4, 0, t_div},
    {"bt", 5, 0, t_bt},
    {"bsf", 3, 0, t_bsf},
    {"bswap", 1, 0, t_bswap},
    {"xchg", 3, 0, t_xchg},
    {"xadd", 2, 0, t_xadd},
    {"cmpxchg", 3, 0, t_cmpxchg},
    {"cmpxchg8b", 1, 0, t_cmpxchg8b},
    {"setcc", 4, 0, t_setcc},
    {"cmovcc", 4, 0, t_cmovcc},
    {"mov", 4, 0, t_mov},
    {"movx", 4, 0, t_movx},
    {"lea", 4, 0, t_lea},
    {"conv", 2, 0, t_conv},
    {"flagop", 4, 0, t_flagop},
    {"jcc", 6, DT_NOT_IN_BODY, t_jcc},
    {"loopfwd", 2, DT_NOT_IN_BODY, t_loopfwd},
    {"jecxz", 2, DT_NOT_IN_BODY, t_jecxz},
    {"loopback", 2, DT_NOT_IN_BODY, t_loopback},
    {"string", 6, DT_NOT_IN_BODY, t_string},
    {"push", 4, DT_NOT_IN_BODY, t_push},
    {"pop", 4, DT_NOT_IN_BODY, t_pop},
    {"bcd", 3, DT_NEED_EXTRA, t_bcd},
    {"xlat", 1, DT_NEED_EXTRA, t_xlat},
    {"pushf", 2, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_pushf},
    {"pusha", 1, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_pusha},
    {"enter", 1, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_enter},
    {"lock", 4, DT_NEED_EXTRA, t_lock},
    {"alias", 3, DT_NEED_EXTRA, t_alias},
    {"trap", 1, DT_NEED_FAULTS | DT_NOT_IN_BODY, t_trap},
};
const int dt_ntemplates = sizeof dt_templates / sizeof dt_templates[0];
