/*
 * The differential tester's instruction templates, part 1: arithmetic and logic, shifts and
 * rotates, multiply and divide, bit operations, exchanges. One function per instruction family.
 * Each picks operands, emits the setup lines its operands need and then the instruction with its
 * flag effect per the SDM (vol. 2, each instruction's "Flags Affected"): `def` are the flags it
 * sets to defined values, `undef` the ones it leaves undefined; the comparison ignores a flag from
 * the moment an instruction leaves it undefined until one defines it again.
 *
 * A template returns false, having emitted nothing, when it cannot be generated in the current
 * state (a flag it reads is undefined, it would move esp inside a loop body, ...).
 *
 * Coverage kinds are "mnemonic/form": forms are r (register), m (memory), i (immediate), 1 or cl
 * (shift counts) followed by the operand size, e.g. "add/mr16" is `addw %reg, mem`.
 */
#include <stdio.h>
#include "tests/difftest/insns.h"

/* ---- ALU ---- */

const char *const alu_ops[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

void alu_effect(int op, unsigned *reads, unsigned *def, unsigned *undef)
{
    bool logic = op == 1 || op == 4 || op == 6;
    *reads = (op == 2 || op == 3) ? DT_CF : 0;
    *def = logic ? LOGIC_DEF : DT_ARITH;
    *undef = logic ? DT_AF : 0;
}

bool t_alu(struct dt_gen *g)
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

bool t_test(struct dt_gen *g)
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
bool t_unary(struct dt_gen *g)
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

const char *const shift_ops[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};

/*
 * Flag effect of a shift or rotate (SDM SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR) by a count whose value
 * masked to 5 bits is c, or unknown (known = false: any flag it may write becomes undefined).
 */
void shift_effect(int op, int bits, bool known, int c, unsigned *reads, unsigned *def,
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

bool t_shift(struct dt_gen *g)
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
bool t_shxd(struct dt_gen *g)
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
void src_rm(struct dt_gen *g, int bits, unsigned avoid, char *out, int size, const char **form)
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
bool t_mul1(struct dt_gen *g)
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
bool t_imul(struct dt_gen *g)
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
bool t_div(struct dt_gen *g)
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
bool t_bt(struct dt_gen *g)
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
bool t_bsf(struct dt_gen *g)
{
    const char *op = g_chance(g, 50) ? "bsf" : "bsr", *form;
    int bits = wide_size(g);
    char src[80];
    src_rm(g, bits, 0, src, sizeof src, &form);
    g_insn(g, K("%s/%s%d", op, form, bits), 0, DT_ZF, DT_ARITH & ~DT_ZF, "%s%c %s, %%%s", op,
           g_suffix(bits), src, R(bits, g_wreg(g, bits, 0)));
    return true;
}

bool t_bswap(struct dt_gen *g)
{
    g_insn(g, "bswap/r32", 0, 0, 0, "bswap %%%s", R(32, g_wreg(g, 32, 0)));
    return true;
}

/* ---- exchanges ---- */

bool t_xchg(struct dt_gen *g)
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

bool t_xadd(struct dt_gen *g)
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
bool t_cmpxchg(struct dt_gen *g)
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
bool t_cmpxchg8b(struct dt_gen *g)
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
