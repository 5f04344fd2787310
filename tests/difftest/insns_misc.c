/*
 * The differential tester's instruction templates, part 2: condition codes, moves, flag
 * instructions, control flow, strings, the stack, the --extra and --faults families, and the
 * table of all templates. See insns_arith.c for what a template does.
 */
#include <stdio.h>
#include <string.h>
#include "tests/difftest/insns.h"

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

/*
 * call and ret: a direct, register-indirect or memory-indirect call of a local routine of one or
 * two instructions that returns with ret or ret $n:
 *     call .Lr / jmp *%reg / call *mem;  jmp .Ld;  .Lr: body; ret [$n];  .Ld:
 */
static bool t_call(struct dt_gen *g)
{
    int pop = g_chance(g, 30) ? 2 * g_below(g, 5) : 0;
    if (!stack_ok(g, -4) || !stack_ok(g, pop))
        return false;
    char routine[40], done[40];
    unsigned long long id = (unsigned long long)g->seq->index;
    snprintf(routine, sizeof routine, ".Ls%llur%d", id, g->seq->nlines);
    snprintf(done, sizeof done, ".Ls%llud%d", id, g->seq->nlines);
    int kind = g_below(g, 3), reg = g_wreg(g, 32, 0);
    struct dt_mem m;
    if (kind == 0) {
        g_insn(g, "call/rel32", 0, 0, 0, "call %s", routine);
    } else if (kind == 1) {
        g_setup(g, "movl $%s, %%%s", routine, R(32, reg));
        g_insn(g, "call/r32", 0, 0, 0, "call *%%%s", R(32, reg));
    } else {
        g_mem(g, 4, 0, MEM_NO_ESP, &m);
        g_setup(g, "movl $%s, %s", routine, m.text);
        g_insn(g, "call/m32", 0, 0, 0, "call *%s", m.text);
    }
    g_setup(g, "jmp %s", done);
    g_setup(g, "%s:", routine);
    g->no_esp_mem = true;
    g_body(g, 1 + g_below(g, 2));
    g->no_esp_mem = false;
    if (pop)
        g_insn(g, "ret/imm16", 0, 0, 0, "ret $%d", pop);
    else
        g_insn(g, "ret/near", 0, 0, 0, "ret");
    g_setup(g, "%s:", done);
    g->depth += pop;
    return true;
}

/*
 * Segment registers: mov from them, and push/pop. A 32-bit push of a segment register may write
 * only the low 16 bits of its slot (SDM PUSH), so the high half is overwritten before anything
 * can see it. Pops go to the flat data selectors (ds, es, which hold what ss holds) or to fs,
 * which holds the null selector in a static glibc program. gs is left out: its selector is the
 * TLS entry set_thread_area picked, 0x63 on an x86-64 kernel but 0x33 on an i386 one.
 */
static bool t_segment(struct dt_gen *g)
{
    static const char *const sregs[5] = {"es", "cs", "ss", "ds", "fs"};
    int s = g_below(g, 5);
    switch (g_below(g, 3)) {
    case 0:
        if (g_chance(g, 50)) {
            g_insn(g, "mov/sreg_r16", 0, 0, 0, "movw %%%s, %%%s", sregs[s], R(16, g_wreg(g, 16, 0)));
        } else {
            struct dt_mem m;
            g_mem(g, 2, 0, 0, &m);
            g_insn(g, "mov/sreg_m16", 0, 0, 0, "movw %%%s, %s", sregs[s], m.text);
        }
        return true;
    case 1:
        if (!stack_ok(g, -4))
            return false;
        g_insn(g, K("push/%s", sregs[s]), 0, 0, 0, "pushl %%%s", sregs[s]);
        g_setup(g, "movw $0x%x, 2(%%esp)", g_rand(g) & 0xffff);
        g->depth -= 4;
        return true;
    default: {
        if (!stack_ok(g, -4))
            return false;
        static const char *const dst[3] = {"ds", "es", "fs"};
        int d = g_below(g, 3);
        g_setup(g, "pushl %%%s", d == 2 ? "fs" : "ss");
        g_insn(g, K("pop/%s", dst[d]), 0, 0, 0, "popl %%%s", dst[d]);
        return true;
    }
    }
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
    {"alu", 30, DT_FP_MIX, t_alu},
    {"test", 4, DT_FP_MIX, t_test},
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
    {"setcc", 4, DT_FP_MIX, t_setcc},
    {"cmovcc", 4, DT_FP_MIX, t_cmovcc},
    {"mov", 4, DT_FP_MIX, t_mov},
    {"movx", 4, 0, t_movx},
    {"lea", 4, 0, t_lea},
    {"conv", 2, 0, t_conv},
    {"flagop", 4, 0, t_flagop},
    {"jcc", 6, DT_NOT_IN_BODY | DT_FP_MIX, t_jcc},
    {"loopfwd", 2, DT_NOT_IN_BODY, t_loopfwd},
    {"jecxz", 2, DT_NOT_IN_BODY, t_jecxz},
    {"loopback", 2, DT_NOT_IN_BODY | DT_FP_MIX, t_loopback},
    {"string", 6, DT_NOT_IN_BODY, t_string},
    {"push", 4, DT_NOT_IN_BODY | DT_FP_MIX, t_push},
    {"pop", 4, DT_NOT_IN_BODY | DT_FP_MIX, t_pop},
    {"bcd", 3, DT_NEED_EXTRA, t_bcd},
    {"xlat", 1, DT_NEED_EXTRA, t_xlat},
    {"pushf", 2, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_pushf},
    {"pusha", 1, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_pusha},
    {"enter", 1, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_enter},
    {"lock", 4, DT_NEED_EXTRA, t_lock},
    {"alias", 3, DT_NEED_EXTRA, t_alias},
    {"call", 2, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_call},
    {"segment", 1, DT_NEED_EXTRA | DT_NOT_IN_BODY, t_segment},
    {"trap", 1, DT_NEED_FAULTS | DT_NOT_IN_BODY, t_trap},
};
const int dt_ntemplates = sizeof dt_templates / sizeof dt_templates[0];
