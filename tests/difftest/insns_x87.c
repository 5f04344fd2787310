/*
 * x87 instruction templates (--fp): loads and stores of every format, arithmetic in every form,
 * compares, the unary operations, stack management, the control instructions and fcmovcc; the
 * transcendentals are a class of their own (--fp-trans) because the reference CPU is not correctly
 * rounded there (README.md). Memory operands are often given a special value first (fp_mem).
 * Only fcomi & co. touch eflags (ZF, PF, CF from the compare, OF, SF, AF cleared: all defined).
 */
#include <string.h>
#include "tests/difftest/dtfpstate.h"
#include "tests/difftest/insns.h"

/* ---- memory operands with special values (shared with insns_simd.c) ---- */

/* Writes b[0..n) to the operand m plus `off` bytes, with immediate moves. */
void fp_put_bytes(struct dt_gen *g, const struct dt_mem *m, int off, const uint8_t *b, int n)
{
    char at[96];
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        g_mem_offset(m, off + i, at, sizeof at);
        g_setup(g, "movl $0x%x, %s", b[i] | b[i + 1] << 8 | b[i + 2] << 16 | (uint32_t)b[i + 3] << 24, at);
    }
    for (; i + 2 <= n; i += 2) {
        g_mem_offset(m, off + i, at, sizeof at);
        g_setup(g, "movw $0x%x, %s", b[i] | b[i + 1] << 8, at);
    }
}

/* A value of the given kind, n bytes of it, in b. */
static int fp_value(struct dt_gen *g, int kind, uint8_t *b)
{
    uint64_t *s = &g->rng, sig;
    switch (kind) {
    case FV_F32: dt_put(b, dt_fp_f32(s), 4); return 4;
    case FV_F64: dt_put(b, dt_fp_f64(s), 8); return 8;
    case FV_F80: {
        uint16_t se = dt_fp_f80(s, &sig);
        dt_put(b, sig, 8);
        dt_put(b + 8, se, 2);
        return 10;
    }
    case FV_I16: dt_put(b, dt_rand_value(s), 2); return 2;
    case FV_I32: dt_put(b, dt_rand_value(s), 4); return 4;
    case FV_I64: {
        uint64_t hi = dt_rand_value(s);
        if (g_chance(g, 40))
            hi = g_chance(g, 50) ? 0 : 0xffffffffu;   /* small magnitudes: exact conversions */
        dt_put(b, (uint64_t)dt_rand_value(s) | hi << 32, 8);
        return 8;
    }
    case FV_BCD:    /* valid digits only: the SDM leaves fbld of other nibbles undefined */
        for (int i = 0; i < 9; i++)
            b[i] = (uint8_t)(g_below(g, 10) << 4 | g_below(g, 10));
        if (g_chance(g, 30))
            memset(b, g_chance(g, 50) ? 0x99 : 0, (size_t)(1 + g_below(g, 9)));
        b[9] = g_chance(g, 50) ? 0x80 : 0;
        return 10;
    case FV_F32X4:
        for (int i = 0; i < 4; i++)
            dt_put(b + 4 * i, dt_fp_f32(s), 4);
        return 16;
    case FV_F64X2:
        for (int i = 0; i < 2; i++)
            dt_put(b + 8 * i, dt_fp_f64(s), 8);
        return 16;
    default:        /* FV_INT: integer lanes at their edges */
        for (int i = 0; i < 4; i++)
            dt_put(b + 4 * i, dt_rand_value(s), 4);
        return 16;
    }
}

void fp_mem(struct dt_gen *g, int bytes, int kind, bool aligned, struct dt_mem *m)
{
    if (aligned) {
        /* 16-byte aligned: the base register and dt_area are 64-byte aligned (harness.c). */
        const char *base = g_regname(32, g->seq->base);
        int disp = 16 * (g_below(g, 32) - 16);
        memset(m, 0, sizeof *m);
        switch (g_below(g, 3)) {
        case 0:
            snprintf(m->disp_expr, sizeof m->disp_expr, "%d", disp);
            snprintf(m->regs, sizeof m->regs, "(%%%s)", base);
            break;
        case 1:
            snprintf(m->disp_expr, sizeof m->disp_expr, "dt_area+%d", DT_BASE_OFF + disp);
            break;
        default:
            snprintf(m->disp_expr, sizeof m->disp_expr, "%%ds:%d", disp);
            snprintf(m->regs, sizeof m->regs, "(%%%s)", base);
            break;
        }
        snprintf(m->text, sizeof m->text, "%s%s", m->disp_expr, m->regs);
    } else {
        g_mem(g, bytes, 0, bytes > 16 ? MEM_NO_ESP : 0, m);
    }
    if (kind != FV_NONE && g_chance(g, 65)) {
        uint8_t b[16];
        int n = 0;
        while (n < bytes)
            n += fp_value(g, kind, b + n);
        fp_put_bytes(g, m, 0, b, bytes);
    }
}

/* ---- templates ---- */

static int sti(struct dt_gen *g) { return g_below(g, 8); }

static bool t_x87_load(struct dt_gen *g)
{
    static const struct { const char *mn; int bytes, kind; } mem[] = {
        {"flds", 4, FV_F32}, {"fldl", 8, FV_F64}, {"fldt", 10, FV_F80}, {"filds", 2, FV_I16},
        {"fildl", 4, FV_I32}, {"fildll", 8, FV_I64}, {"fbld", 10, FV_BCD},
    };
    static const char *const consts[] = {"fld1", "fldz", "fldpi", "fldl2e", "fldl2t", "fldlg2", "fldln2"};
    int k = g_below(g, 10);
    struct dt_mem m;
    if (k < 7) {
        fp_mem(g, mem[k].bytes, mem[k].kind, false, &m);
        g_insn(g, K("%s/m", mem[k].mn), 0, 0, 0, "%s %s", mem[k].mn, m.text);
    } else if (k < 9) {
        int c = g_below(g, 7);
        g_insn(g, K("%s", consts[c]), 0, 0, 0, "%s", consts[c]);
    } else {
        g_insn(g, "fld/st", 0, 0, 0, "fld %%st(%d)", sti(g));
    }
    return true;
}

static bool t_x87_store(struct dt_gen *g)
{
    static const struct { const char *mn; int bytes; } mem[] = {
        {"fsts", 4}, {"fstl", 8}, {"fstps", 4}, {"fstpl", 8}, {"fstpt", 10}, {"fists", 2},
        {"fistl", 4}, {"fistps", 2}, {"fistpl", 4}, {"fistpll", 8}, {"fisttps", 2}, {"fisttpl", 4},
        {"fisttpll", 8}, {"fbstp", 10},
    };
    int k = g_below(g, 16);
    struct dt_mem m;
    if (k < 14) {
        fp_mem(g, mem[k].bytes, FV_NONE, false, &m);
        g_insn(g, K("%s/m", mem[k].mn), 0, 0, 0, "%s %s", mem[k].mn, m.text);
    } else {
        const char *mn = k == 14 ? "fst" : "fstp";
        g_insn(g, K("%s/st", mn), 0, 0, 0, "%s %%st(%d)", mn, sti(g));
    }
    return true;
}

/* An arithmetic or compare operation on a memory operand: float (f...s, f...l) or integer
 * (fi...s, fi...l), form 0..3; p is a suffix of the operation ("p" for fcomp). */
static void x87_mem_form(struct dt_gen *g, const char *op, const char *p, int form)
{
    static const struct { const char *pre, *sfx, *name; int bytes, kind; } f[4] = {
        {"f", "s", "m32", 4, FV_F32}, {"f", "l", "m64", 8, FV_F64},
        {"fi", "s", "m16", 2, FV_I16}, {"fi", "l", "m32", 4, FV_I32},
    };
    struct dt_mem m;
    fp_mem(g, f[form].bytes, f[form].kind, false, &m);
    g_insn(g, K("%s%s%s/%s", f[form].pre, op, p, f[form].name), 0, 0, 0, "%s%s%s%s %s", f[form].pre, op,
           p, f[form].sfx, m.text);
}

static bool t_x87_arith(struct dt_gen *g)
{
    static const char *const ops[6] = {"add", "sub", "subr", "mul", "div", "divr"};
    const char *op = ops[g_below(g, 6)];
    switch (g_below(g, 8)) {
    case 0: case 1: case 2: case 3:
        x87_mem_form(g, op, "", g_below(g, 4));
        break;
    case 4:
        g_insn(g, K("f%s/st_i,st", op), 0, 0, 0, "f%s %%st(%d), %%st", op, sti(g));
        break;
    case 5:
        g_insn(g, K("f%s/st,st_i", op), 0, 0, 0, "f%s %%st, %%st(%d)", op, sti(g));
        break;
    case 6:
        g_insn(g, K("f%sp/st,st_i", op), 0, 0, 0, "f%sp %%st, %%st(%d)", op, sti(g));
        break;
    default:
        g_insn(g, K("f%sp", op), 0, 0, 0, "f%sp", op);
        break;
    }
    return true;
}

static bool t_x87_cmp(struct dt_gen *g)
{
    const char *p = g_chance(g, 50) ? "p" : "";
    switch (g_below(g, 9)) {
    case 0: case 1: case 2: case 3:
        x87_mem_form(g, "com", p, g_below(g, 4));
        break;
    case 4: {
        const char *u = g_chance(g, 50) ? "u" : "";
        g_insn(g, K("f%scom%s/st", u, p), 0, 0, 0, "f%scom%s %%st(%d)", u, p, sti(g));
        break;
    }
    case 5: {
        const char *u = g_chance(g, 50) ? "u" : "";
        g_insn(g, K("f%scompp", u), 0, 0, 0, "f%scompp", u);
        break;
    }
    case 6: case 7: {
        const char *u = g_chance(g, 50) ? "u" : "";
        g_insn(g, K("f%scomi%s", u, p), 0, DT_ARITH, 0, "f%scomi%s %%st(%d), %%st", u, p, sti(g));
        break;
    }
    default:
        if (g_chance(g, 50))
            g_insn(g, "ftst", 0, 0, 0, "ftst");
        else
            g_insn(g, "fxam", 0, 0, 0, "fxam");
        break;
    }
    return true;
}

/* One of eight operand-less instructions. */
static bool one_of_eight(struct dt_gen *g, const char *const ops[8])
{
    int k = g_below(g, 8);
    g_insn(g, K("%s", ops[k]), 0, 0, 0, "%s", ops[k]);
    return true;
}

static bool t_x87_unary(struct dt_gen *g)
{
    static const char *const ops[] = {"fchs", "fabs", "fsqrt", "frndint", "fscale", "fxtract", "fprem", "fprem1"};
    return one_of_eight(g, ops);
}

static bool t_x87_stack(struct dt_gen *g)
{
    switch (g_below(g, 6)) {
    case 0: case 1: g_insn(g, "fxch/st", 0, 0, 0, "fxch %%st(%d)", sti(g)); break;
    case 2: g_insn(g, "ffree/st", 0, 0, 0, "ffree %%st(%d)", sti(g)); break;
    case 3: g_insn(g, "fincstp", 0, 0, 0, "fincstp"); break;
    case 4: g_insn(g, "fdecstp", 0, 0, 0, "fdecstp"); break;
    default: g_insn(g, "fnop", 0, 0, 0, "fnop"); break;
    }
    return true;
}

/* A control word with every exception masked (unless --fp-faults), any precision and rounding. */
static unsigned random_fcw(struct dt_gen *g)
{
    unsigned masks = g->opt->fp_faults ? g_rand(g) & 0x3f : 0x3f;
    unsigned cw = 0x40 | masks | (unsigned)g_below(g, 4) << 8 | (unsigned)g_below(g, 4) << 10;
    if (g_chance(g, 15))
        cw |= g_rand(g) & 0xf080;       /* reserved bits and IC: what is kept of them */
    return cw;
}

static bool t_x87_ctl(struct dt_gen *g)
{
    struct dt_mem m;
    switch (g_below(g, 12)) {
    case 0:
        fp_mem(g, 2, FV_NONE, false, &m);
        g_setup(g, "movw $0x%x, %s", random_fcw(g), m.text);
        g_insn(g, "fldcw/m", 0, 0, 0, "fldcw %s", m.text);
        break;
    case 1:
        fp_mem(g, 2, FV_NONE, false, &m);
        g_insn(g, "fnstcw/m", 0, 0, 0, "fnstcw %s", m.text);
        break;
    case 2:
        fp_mem(g, 2, FV_NONE, false, &m);
        if (g_chance(g, 50))
            g_insn(g, "fnstsw/m", 0, 0, 0, "fnstsw %s", m.text);
        else
            g_insn(g, "fstsw/m", 0, 0, 0, "fstsw %s", m.text);
        break;
    case 3:
        if (!g_writable(g, DT_EAX))
            return false;
        g_insn(g, "fnstsw/ax", 0, 0, 0, "fnstsw %%ax");
        break;
    case 4:
        g_insn(g, "fnclex", 0, 0, 0, "fnclex");
        break;
    case 5:
        if (g_chance(g, 20))
            g_insn(g, "fninit", 0, 0, 0, "fninit");
        else
            g_insn(g, "fwait", 0, 0, 0, "fwait");
        break;
    case 6: case 7: {   /* fnstenv, then fldenv of that image, perhaps with a new control word */
        bool op16 = g_chance(g, 25);
        fp_mem(g, 28, FV_NONE, false, &m);
        g_insn(g, K("fnstenv/%d", op16 ? 16 : 32), 0, 0, 0, "fnstenv%s %s", op16 ? "s" : "", m.text);
        if (g_chance(g, 30))
            g_setup(g, "movw $0x%x, %s", random_fcw(g), m.text);
        if (g_chance(g, 70))
            g_insn(g, K("fldenv/%d", op16 ? 16 : 32), 0, 0, 0, "fldenv%s %s", op16 ? "s" : "", m.text);
        break;
    }
    default: {          /* fnsave, then frstor, perhaps with a register changed in between */
        bool op16 = g_chance(g, 25);
        fp_mem(g, 108, FV_NONE, false, &m);
        g_insn(g, K("fnsave/%d", op16 ? 16 : 32), 0, 0, 0, "fnsave%s %s", op16 ? "s" : "", m.text);
        if (g_chance(g, 40)) {
            uint8_t b[10];
            uint64_t sig;
            uint16_t se = dt_fp_f80(&g->rng, &sig);
            dt_put(b, sig, 8);
            dt_put(b + 8, se, 2);
            fp_put_bytes(g, &m, (op16 ? 14 : 28) + 10 * g_below(g, 8), b, 10);
        }
        if (g_chance(g, 80))
            g_insn(g, K("frstor/%d", op16 ? 16 : 32), 0, 0, 0, "frstor%s %s", op16 ? "s" : "", m.text);
        break;
    }
    }
    return true;
}

static bool t_x87_fcmov(struct dt_gen *g)
{
    static const struct { const char *cc; unsigned reads; } cc[8] = {
        {"b", DT_CF}, {"e", DT_ZF}, {"be", DT_CF | DT_ZF}, {"u", DT_PF},
        {"nb", DT_CF}, {"ne", DT_ZF}, {"nbe", DT_CF | DT_ZF}, {"nu", DT_PF},
    };
    int k = g_below(g, 8);
    if (!flags_ok(g, cc[k].reads))
        return false;
    g_insn(g, K("fcmov%s", cc[k].cc), cc[k].reads, 0, 0, "fcmov%s %%st(%d), %%st", cc[k].cc, sti(g));
    return true;
}

static bool t_x87_trans(struct dt_gen *g)
{
    static const char *const ops[] = {"fsin", "fcos", "fsincos", "fptan", "fpatan", "f2xm1", "fyl2x", "fyl2xp1"};
    return one_of_eight(g, ops);
}

const struct dt_template dt_x87_templates[] = {
    {"x87load", 10, DT_NEED_FP, t_x87_load},
    {"x87store", 8, DT_NEED_FP, t_x87_store},
    {"x87arith", 14, DT_NEED_FP, t_x87_arith},
    {"x87cmp", 7, DT_NEED_FP, t_x87_cmp},
    {"x87unary", 6, DT_NEED_FP, t_x87_unary},
    {"x87stack", 4, DT_NEED_FP, t_x87_stack},
    {"x87ctl", 5, DT_NEED_FP, t_x87_ctl},
    {"x87fcmov", 2, DT_NEED_FP, t_x87_fcmov},
    {"x87trans", 6, DT_NEED_FP | DT_NEED_FP_TRANS, t_x87_trans},
};
const int dt_x87_ntemplates = sizeof dt_x87_templates / sizeof dt_x87_templates[0];
