/*
 * Unit tests for the MIPS64r2 encoder (host/mips/emit.c), built and run natively on the build machine.
 *
 * Every wrapper in host/mips/mips.h is emitted into a buffer, disassembled with capstone and compared
 * with assembler text written by hand from the MIPS64 manual (MD00087, volume II). What capstone
 * cannot judge is run on a small interpreter of the few instructions involved, written from the
 * manual's pseudo-code: the values mips_li builds, and the bits ext/ins/dext/dins and the 64-bit shifts
 * really move. Labels, fixups and buffer overflow are checked on the raw words.
 *
 * The expected text follows capstone 4.0.2's formatting, found by experiment:
 *  - registers: capstone prints o32 names ($12 is "$t4"); the test renames them to the n64 names
 *    mips.h uses ($12 is "$t0"), so the expected text reads like the code that emits it;
 *  - immediates from -9 to 9 in decimal, others in hex ("-0xa", "0x7fff"); a memory operand with
 *    offset 0 is just "($base)";
 *  - branch and jump targets as absolute addresses: word i of the buffer is disassembled at
 *    address base + 4 * i;
 *  - aliases: "move", "b", "beqz", "bnez", "nop", and "div $zero, rs, rt" for DIV and friends;
 *  - DEXTM, DEXTU, DINSM and DINSU are printed with their raw fields, missing the manual's +32 on
 *    size (DEXTM, DINSM) or pos (DEXTU, DINSU); the test adds it back before comparing.
 *
 * Output: one line per failed check, then "test_mips_emit: N checks, M failed"; exit status 1 if any
 * check failed. Random values come from a fixed-seed generator, so every run checks the same words.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "host/mips/mips.h"

static int nchecks, nfailed;

/* Counts one check; on failure prints the test's line and the message. */
static bool check_at(int line, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool check_at(int line, bool ok, const char *fmt, ...)
{
    nchecks++;
    if (ok)
        return true;
    nfailed++;
    va_list ap;
    va_start(ap, fmt);
    printf("test_mips_emit.c:%d: ", line);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    return false;
}
#define check(ok, ...) check_at(__LINE__, (ok), __VA_ARGS__)

/* ---- Disassembly --------------------------------------------------------------------------------- */

static csh cs;

static const char *const o32_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "fp", "ra",
};
static const char *const n64_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

/* Capstone's immediate format (SStream.c printInt64): decimal within -9..9, hex beyond. */
struct imm_text { char s[24]; };
static struct imm_text imm(int64_t v)
{
    struct imm_text t;
    if (v >= 0)
        snprintf(t.s, sizeof t.s, v > 9 ? "0x%" PRIx64 : "%" PRIu64, (uint64_t)v);
    else
        snprintf(t.s, sizeof t.s, v < -9 ? "-0x%" PRIx64 : "-%" PRIu64, -(uint64_t)v);
    return t;
}

/* Rewrites every "$name" in capstone's operand text from its o32 name to the n64 name. */
static void rename_regs(const char *in, char *out, size_t n)
{
    size_t o = 0;
    while (*in && o + 1 < n) {
        if (*in != '$') {
            out[o++] = *in++;
            continue;
        }
        size_t len = strcspn(in + 1, ", ()");
        const char *name = NULL;
        for (int r = 0; r < 32; r++) {
            if (strlen(o32_names[r]) == len && strncmp(in + 1, o32_names[r], len) == 0)
                name = n64_names[r];
        }
        /* FPU names ($f0, $fcc1) are the same in both ABIs: kept as printed. */
        o += (size_t)snprintf(out + o, n - o, "$%.*s", name ? (int)strlen(name) : (int)len, name ? name : in + 1);
        in += 1 + len;
    }
    out[o < n ? o : n - 1] = '\0';
}

/*
 * Capstone 4.0.2 prints DEXTM/DEXTU/DINSM/DINSU operands from the raw msbd/lsb fields as if they were
 * DEXT/DINS; this puts back the 32 the manual's assembler syntax includes, so "dextm $a1, $a0, 0, 8"
 * (msbdminus32 = 7) reads "dextm $a1, $a0, 0, 0x28" as in the manual (pos 0, size 40).
 */
static void fix_double_bitfield(const char *mnemonic, char *ops, size_t n)
{
    int pos_add = 0, size_add = 0;
    if (strcmp(mnemonic, "dextm") == 0 || strcmp(mnemonic, "dinsm") == 0)
        size_add = 32;
    else if (strcmp(mnemonic, "dextu") == 0 || strcmp(mnemonic, "dinsu") == 0)
        pos_add = 32;
    else
        return;
    char rt[8], rs[8], pos_s[24], size_s[24];
    if (sscanf(ops, "%7[^,], %7[^,], %23[^,], %23s", rt, rs, pos_s, size_s) != 4)
        return;     /* left as capstone printed it, which fails the comparison visibly */
    long pos = strtol(pos_s, NULL, 0) + pos_add, size = strtol(size_s, NULL, 0) + size_add;
    snprintf(ops, n, "%s, %s, %s, %s", rt, rs, imm(pos).s, imm(size).s);
}

/* One word as "mnemonic operands", disassembled at address addr, or "(invalid 0x...)". */
static void disasm(uint32_t word, uint64_t addr, char *out, size_t n)
{
    uint8_t bytes[4] = { (uint8_t)word, (uint8_t)(word >> 8), (uint8_t)(word >> 16), (uint8_t)(word >> 24) };
    cs_insn *insn;
    if (cs_disasm(cs, bytes, 4, addr, 1, &insn) != 1) {
        snprintf(out, n, "(invalid 0x%08x)", word);
        return;
    }
    char ops[160];
    rename_regs(insn->op_str, ops, sizeof ops);
    fix_double_bitfield(insn->mnemonic, ops, sizeof ops);
    snprintf(out, n, ops[0] ? "%s %s" : "%s", insn->mnemonic, ops);
    cs_free(insn, 1);
}

/* ---- The shared buffer and the text check ------------------------------------------------------- */

enum { CODE_WORDS = 40000 };        /* room for a branch 32768 words away */
static uint32_t code[CODE_WORDS];
static struct mips_buf buf;

static struct mips_buf *fresh(void)
{
    mips_buf_init(&buf, code, CODE_WORDS);
    return &buf;
}

/*
 * Checks that buf holds exactly the instructions in `want`, separated by "; ", disassembled at
 * base + 4 * i.
 */
static void expect_at(int line, uint64_t base, const char *want)
{
    char got[1024] = "";
    size_t o = 0;
    for (size_t i = 0; i < buf.len && o < sizeof got; i++) {
        char one[200];
        disasm(buf.words[i], base + 4 * i, one, sizeof one);
        o += (size_t)snprintf(got + o, sizeof got - o, i ? "; %s" : "%s", one);
    }
    check_at(line, !buf.overflow && strcmp(got, want) == 0, "want \"%s\", got \"%s\"", want, got);
}
#define expect(want) expect_at(__LINE__, 0, (want))
#define expect_based(base, want) expect_at(__LINE__, (base), (want))

/* ---- The FPU (COP1) ------------------------------------------------------------------------------ */

static void test_fpu(void)
{
    typedef void f3_fn(struct mips_buf *, int, int, int);
    typedef void f2_fn(struct mips_buf *, int, int);
    static const struct { f3_fn *fn; const char *name; } f3[] = {
        { mips_add_d, "add.d" }, { mips_sub_d, "sub.d" }, { mips_mul_d, "mul.d" }, { mips_div_d, "div.d" },
        { mips_add_s, "add.s" }, { mips_sub_s, "sub.s" }, { mips_mul_s, "mul.s" }, { mips_div_s, "div.s" },
    };
    static const struct { f2_fn *fn; const char *name; } f2[] = {
        { mips_sqrt_d, "sqrt.d" }, { mips_mov_d, "mov.d" }, { mips_sqrt_s, "sqrt.s" }, { mips_mov_s, "mov.s" },
    };
    char want[128];
    for (size_t i = 0; i < sizeof f3 / sizeof f3[0]; i++) {
        for (int r = 0; r < 32; r += 7) {
            f3[i].fn(fresh(), r, (r + 1) % 32, (r + 30) % 32);
            snprintf(want, sizeof want, "%s $f%d, $f%d, $f%d", f3[i].name, r, (r + 1) % 32, (r + 30) % 32);
            expect(want);
        }
    }
    for (size_t i = 0; i < sizeof f2 / sizeof f2[0]; i++) {
        f2[i].fn(fresh(), 31, 2);
        snprintf(want, sizeof want, "%s $f31, $f2", f2[i].name);
        expect(want);
    }
    static const struct { int to, from; const char *name; } cvts[] = {
        { FMT_D, FMT_W, "cvt.d.w" }, { FMT_D, FMT_L, "cvt.d.l" }, { FMT_D, FMT_S, "cvt.d.s" },
        { FMT_S, FMT_D, "cvt.s.d" }, { FMT_S, FMT_W, "cvt.s.w" }, { FMT_S, FMT_L, "cvt.s.l" },
        { FMT_W, FMT_D, "cvt.w.d" }, { FMT_L, FMT_D, "cvt.l.d" }, { FMT_W, FMT_S, "cvt.w.s" },
    };
    for (size_t i = 0; i < sizeof cvts / sizeof cvts[0]; i++) {
        mips_cvt(fresh(), cvts[i].to, cvts[i].from, 4, 6);
        snprintf(want, sizeof want, "%s $f4, $f6", cvts[i].name);
        expect(want);
    }
    mips_trunc(fresh(), FMT_W, FMT_D, 1, 3);
    expect("trunc.w.d $f1, $f3");
    mips_trunc(fresh(), FMT_L, FMT_D, 1, 3);
    expect("trunc.l.d $f1, $f3");
    mips_trunc(fresh(), FMT_W, FMT_S, 1, 3);
    expect("trunc.w.s $f1, $f3");
    static const char *const conds[16] = { "f", "un", "eq", "ueq", "olt", "ult", "ole", "ule",
                                           "sf", "ngle", "seq", "ngl", "lt", "nge", "le", "ngt" };
    for (int c = 0; c < 16; c++) {
        mips_c_cond(fresh(), FMT_D, c, 0, 2, 4);
        snprintf(want, sizeof want, "c.%s.d $f2, $f4", conds[c]);
        expect(want);
        mips_c_cond(fresh(), FMT_S, c, 0, 2, 4);
        snprintf(want, sizeof want, "c.%s.s $f2, $f4", conds[c]);
        expect(want);
        /* Capstone 4.0.2 rejects a nonzero cc in c.cond.fmt (it decodes only the MIPS I form),
         * so cc's place, bits 10..8, is checked on the raw word. */
        uint32_t cc0 = (mips_c_cond(fresh(), FMT_D, c, 0, 2, 4), buf.words[0]);
        mips_c_cond(fresh(), FMT_D, c, 3, 2, 4);
        check(buf.words[0] == (cc0 | 3u << 8), "c.%s.d with cc 3: 0x%08x", conds[c], buf.words[0]);
    }
    mips_mfc1(fresh(), MIPS_A0, 5);
    expect("mfc1 $a0, $f5");
    mips_dmfc1(fresh(), MIPS_T8, 30);
    expect("dmfc1 $t8, $f30");
    mips_mtc1(fresh(), MIPS_V1, 0);
    expect("mtc1 $v1, $f0");
    mips_dmtc1(fresh(), MIPS_A7, 17);
    expect("dmtc1 $a7, $f17");
    mips_cfc1(fresh(), MIPS_A1, 31);
    expect("cfc1 $a1, $31");
    mips_ctc1(fresh(), MIPS_ZERO, 31);
    expect("ctc1 $zero, $31");
    mips_ldc1(fresh(), 2, MIPS_S8, 0x1f0);
    expect("ldc1 $f2, 0x1f0($s8)");
    mips_sdc1(fresh(), 3, MIPS_A0, -8);
    expect("sdc1 $f3, -8($a0)");
    mips_lwc1(fresh(), 31, MIPS_GP, 4);
    expect("lwc1 $f31, 4($gp)");
    mips_swc1(fresh(), 0, MIPS_SP, -0x7ff0);
    expect("swc1 $f0, -0x7ff0($sp)");
    mips_movt(fresh(), MIPS_V0, MIPS_A2, 1);
    expect("movt $v0, $a2, $fcc1");
    mips_movf(fresh(), MIPS_V0, MIPS_A2, 0);
    expect("movf $v0, $a2, $fcc0");

    /* Branches on FP conditions, forward and backward through labels. */
    struct mips_buf *b = fresh();
    mips_label fwd = mips_new_label(b), back = mips_new_label(b);
    mips_bind_label(b, back);
    mips_bc1t(b, 0, fwd);
    mips_nop(b);
    mips_bc1f(b, 2, back);
    mips_nop(b);
    mips_bind_label(b, fwd);
    expect("bc1t 0x10; nop; bc1f $fcc2, 0; nop");
}

/* ---- Text checks, one group of wrappers at a time ----------------------------------------------- */

typedef void rrr_fn(struct mips_buf *, int, int, int);
typedef void rri_fn(struct mips_buf *, int, int, int16_t);
typedef void rru_fn(struct mips_buf *, int, int, uint16_t);
typedef void rr_fn(struct mips_buf *, int, int);
typedef void r_fn(struct mips_buf *, int);

static void test_alu(void)
{
    /* Three-register forms: "op rd, rs, rt" (sllv & co. take rd, rt, rs, as their syntax does). */
    static const struct { rrr_fn *fn; const char *name; } rrr[] = {
        { mips_addu, "addu" }, { mips_daddu, "daddu" }, { mips_subu, "subu" }, { mips_dsubu, "dsubu" },
        { mips_and, "and" }, { mips_or, "or" }, { mips_xor, "xor" }, { mips_nor, "nor" },
        { mips_slt, "slt" }, { mips_sltu, "sltu" }, { mips_movz, "movz" }, { mips_movn, "movn" },
        { mips_mul, "mul" }, { mips_sllv, "sllv" }, { mips_srlv, "srlv" }, { mips_srav, "srav" },
        { mips_dsllv, "dsllv" }, { mips_dsrlv, "dsrlv" }, { mips_dsrav, "dsrav" }, { mips_rotrv, "rotrv" },
    };
    char want[128];
    for (size_t i = 0; i < sizeof rrr / sizeof rrr[0]; i++) {
        rrr[i].fn(fresh(), MIPS_S0, MIPS_S1, MIPS_S2);
        snprintf(want, sizeof want, "%s $s0, $s1, $s2", rrr[i].name);
        expect(want);
        rrr[i].fn(fresh(), MIPS_T3, MIPS_A4, MIPS_RA);
        snprintf(want, sizeof want, "%s $t3, $a4, $ra", rrr[i].name);
        expect(want);
    }

    /* Every register number in every field of an R-type and an I-type instruction. */
    for (int r = 0; r < 32; r++) {
        int s = (r + 11) % 32, t = (r + 23) % 32;
        mips_and(fresh(), r, s, t);
        snprintf(want, sizeof want, "and $%s, $%s, $%s", n64_names[r], n64_names[s], n64_names[t]);
        expect(want);
        mips_xori(fresh(), r, s, 0x1234);
        snprintf(want, sizeof want, "xori $%s, $%s, 0x1234", n64_names[r], n64_names[s]);
        expect(want);
    }

    /* Immediates: signed ones sign-extended, unsigned ones zero-extended (MIPS64 manual, ADDIU, ANDI). */
    static const struct { rri_fn *fn; const char *name; } rri[] = {
        { mips_addiu, "addiu" }, { mips_daddiu, "daddiu" }, { mips_slti, "slti" }, { mips_sltiu, "sltiu" },
    };
    static const int16_t simm[] = { 0, 1, 9, 10, -1, -9, -10, 0x1234, 0x7fff, -0x8000 };
    for (size_t i = 0; i < sizeof rri / sizeof rri[0]; i++) {
        for (size_t k = 0; k < sizeof simm / sizeof simm[0]; k++) {
            rri[i].fn(fresh(), MIPS_V0, MIPS_A3, simm[k]);
            snprintf(want, sizeof want, "%s $v0, $a3, %s", rri[i].name, imm(simm[k]).s);
            expect(want);
        }
    }
    static const struct { rru_fn *fn; const char *name; } rru[] = {
        { mips_andi, "andi" }, { mips_ori, "ori" }, { mips_xori, "xori" },
    };
    static const uint16_t uimm[] = { 0, 1, 9, 10, 0x1234, 0x7fff, 0x8000, 0xffff };
    for (size_t i = 0; i < sizeof rru / sizeof rru[0]; i++) {
        for (size_t k = 0; k < sizeof uimm / sizeof uimm[0]; k++) {
            rru[i].fn(fresh(), MIPS_V0, MIPS_A3, uimm[k]);
            snprintf(want, sizeof want, "%s $v0, $a3, %s", rru[i].name, imm(uimm[k]).s);
            expect(want);
        }
    }
    mips_lui(fresh(), MIPS_T9, 0);
    expect("lui $t9, 0");
    mips_lui(fresh(), MIPS_T9, 0x8000);
    expect("lui $t9, 0x8000");
    mips_lui(fresh(), MIPS_T9, 0xffff);
    expect("lui $t9, 0xffff");

    mips_move(fresh(), MIPS_A0, MIPS_S7);
    expect("move $a0, $s7");
    mips_move(fresh(), MIPS_A0, MIPS_S7);    /* and MOVE is the 64-bit DADDU, not ADDU or OR */
    check(buf.words[0] == (OPC_SPECIAL | MIPS_S7 << 21 | MIPS_A0 << 11 | FN_DADDU), "move: 0x%08x", buf.words[0]);
    mips_nop(fresh());
    check(buf.len == 1 && buf.words[0] == 0, "nop is not the zero word");
    expect("nop");
}

static void test_shifts(void)
{
    char want[128];
    static const struct { void (*fn)(struct mips_buf *, int, int, int); const char *name; } w[] = {
        { mips_sll, "sll" }, { mips_srl, "srl" }, { mips_sra, "sra" }, { mips_rotr, "rotr" },
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        for (int sa = 0; sa < 32; sa++) {
            w[i].fn(fresh(), MIPS_A1, MIPS_A2, sa);
            snprintf(want, sizeof want, "%s $a1, $a2, %s", w[i].name, imm(sa).s);
            expect(want);
        }
    }
    /* DSLL & co. take sa 0..31; shifts of 32..63 are DSLL32 & co. with sa - 32 (MIPS64 manual, DSLL32). */
    static const struct { void (*fn)(struct mips_buf *, int, int, int); const char *name; } d[] = {
        { mips_dsll, "dsll" }, { mips_dsrl, "dsrl" }, { mips_dsra, "dsra" },
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        for (int sa = 0; sa < 64; sa++) {
            d[i].fn(fresh(), MIPS_T0, MIPS_S3, sa);
            if (sa < 32)
                snprintf(want, sizeof want, "%s $t0, $s3, %s", d[i].name, imm(sa).s);
            else
                snprintf(want, sizeof want, "%s32 $t0, $s3, %s", d[i].name, imm(sa - 32).s);
            expect(want);
        }
    }
}

static void test_bitfield_text(void)
{
    char want[128];
    /* EXT/INS: 0 <= pos < 32, 0 < size <= 32, pos + size <= 32. */
    for (int pos = 0; pos < 32; pos++) {
        for (int size = 1; pos + size <= 32; size++) {
            mips_ext(fresh(), MIPS_V0, MIPS_S4, pos, size);
            snprintf(want, sizeof want, "ext $v0, $s4, %s, %s", imm(pos).s, imm(size).s);
            expect(want);
            mips_ins(fresh(), MIPS_V0, MIPS_S4, pos, size);
            snprintf(want, sizeof want, "ins $v0, $s4, %s, %s", imm(pos).s, imm(size).s);
            expect(want);
        }
    }
    /*
     * The 64-bit forms split the ranges by which field would overflow 5 bits (MIPS64 manual, DEXT,
     * DEXTM, DEXTU, DINS, DINSM, DINSU):
     *   dext   pos < 32, size <= 32        dins   pos + size <= 32
     *   dextm  pos < 32, size > 32         dinsm  pos < 32, pos + size > 32
     *   dextu  pos >= 32                   dinsu  pos >= 32
     */
    for (int pos = 0; pos < 64; pos++) {
        for (int size = 1; pos + size <= 64; size++) {
            const char *x = pos >= 32 ? "dextu" : size > 32 ? "dextm" : "dext";
            mips_dext(fresh(), MIPS_A5, MIPS_GP, pos, size);
            snprintf(want, sizeof want, "%s $a5, $gp, %s, %s", x, imm(pos).s, imm(size).s);
            expect(want);
            const char *n = pos >= 32 ? "dinsu" : pos + size > 32 ? "dinsm" : "dins";
            mips_dins(fresh(), MIPS_A5, MIPS_GP, pos, size);
            snprintf(want, sizeof want, "%s $a5, $gp, %s, %s", n, imm(pos).s, imm(size).s);
            expect(want);
        }
    }
    mips_seb(fresh(), MIPS_V1, MIPS_T2);
    expect("seb $v1, $t2");
    mips_seh(fresh(), MIPS_V1, MIPS_T2);
    expect("seh $v1, $t2");
    mips_wsbh(fresh(), MIPS_V1, MIPS_T2);
    expect("wsbh $v1, $t2");
    mips_clz(fresh(), MIPS_V1, MIPS_T2);
    expect("clz $v1, $t2");
    mips_dclz(fresh(), MIPS_V1, MIPS_T2);
    expect("dclz $v1, $t2");
    /*
     * Release 2 CLZ/DCLZ must repeat rd in the rt field (MIPS64 manual, CLZ: "the rt and rd fields
     * must contain the same value"); capstone 4.0.2 prints whichever it finds, so check the word.
     */
    mips_clz(fresh(), MIPS_V1, MIPS_T2);
    check(buf.words[0] == (OPC_SPECIAL2 | MIPS_T2 << 21 | MIPS_V1 << 16 | MIPS_V1 << 11 | FN2_CLZ),
          "clz: 0x%08x", buf.words[0]);
    mips_dclz(fresh(), MIPS_V1, MIPS_T2);
    check(buf.words[0] == (OPC_SPECIAL2 | MIPS_T2 << 21 | MIPS_V1 << 16 | MIPS_V1 << 11 | FN2_DCLZ),
          "dclz: 0x%08x", buf.words[0]);
}

static void test_muldiv(void)
{
    char want[128];
    static const struct { rr_fn *fn; const char *text; } hilo[] = {
        { mips_mult, "mult $a0, $s6" }, { mips_multu, "multu $a0, $s6" },
        { mips_dmult, "dmult $a0, $s6" }, { mips_dmultu, "dmultu $a0, $s6" },
        { mips_div, "div $zero, $a0, $s6" }, { mips_divu, "divu $zero, $a0, $s6" },
        { mips_ddiv, "ddiv $zero, $a0, $s6" }, { mips_ddivu, "ddivu $zero, $a0, $s6" },
        { mips_teq, "teq $a0, $s6" },
    };
    for (size_t i = 0; i < sizeof hilo / sizeof hilo[0]; i++) {
        hilo[i].fn(fresh(), MIPS_A0, MIPS_S6);
        expect(hilo[i].text);
    }
    static const struct { r_fn *fn; const char *name; } one[] = {
        { mips_mfhi, "mfhi" }, { mips_mflo, "mflo" }, { mips_jr, "jr" }, { mips_jalr, "jalr" },
    };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        one[i].fn(fresh(), MIPS_T9);
        snprintf(want, sizeof want, "%s $t9", one[i].name);
        expect(want);
    }
    /* JALR's short form means rd = ra (MIPS64 manual, JALR). */
    mips_jalr(fresh(), MIPS_T9);
    check(((buf.words[0] >> 11) & 31) == MIPS_RA, "jalr: rd field %u", (buf.words[0] >> 11) & 31);
    mips_sync(fresh());
    expect("sync");
}

static void test_ldst(void)
{
    static const struct { rri_fn *fn; const char *name; } m[] = {
        { mips_lb, "lb" }, { mips_lbu, "lbu" }, { mips_lh, "lh" }, { mips_lhu, "lhu" },
        { mips_lw, "lw" }, { mips_lwu, "lwu" }, { mips_ld, "ld" },
        { mips_sb, "sb" }, { mips_sh, "sh" }, { mips_sw, "sw" }, { mips_sd, "sd" },
        { mips_lwl, "lwl" }, { mips_lwr, "lwr" }, { mips_ldl, "ldl" }, { mips_ldr, "ldr" },
        { mips_swl, "swl" }, { mips_swr, "swr" }, { mips_sdl, "sdl" }, { mips_sdr, "sdr" },
        { mips_ll, "ll" }, { mips_sc, "sc" }, { mips_lld, "lld" }, { mips_scd, "scd" },
    };
    static const int16_t off[] = { 0, 3, -8, 0x7fff, -0x8000 };
    char want[128];
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        for (size_t k = 0; k < sizeof off / sizeof off[0]; k++) {
            m[i].fn(fresh(), MIPS_A2, MIPS_S8, off[k]);
            snprintf(want, sizeof want, "%s $a2, %s($s8)", m[i].name, off[k] ? imm(off[k]).s : "");
            expect(want);
        }
    }
}

/* ---- Branches and labels ------------------------------------------------------------------------ */

static void br_beq(struct mips_buf *b, mips_label l) { mips_beq(b, MIPS_A0, MIPS_T1, l); }
static void br_bne(struct mips_buf *b, mips_label l) { mips_bne(b, MIPS_A0, MIPS_T1, l); }
static void br_beqz(struct mips_buf *b, mips_label l) { mips_beqz(b, MIPS_A0, l); }
static void br_bnez(struct mips_buf *b, mips_label l) { mips_bnez(b, MIPS_A0, l); }
static void br_bltz(struct mips_buf *b, mips_label l) { mips_bltz(b, MIPS_A0, l); }
static void br_bgez(struct mips_buf *b, mips_label l) { mips_bgez(b, MIPS_A0, l); }
static void br_blez(struct mips_buf *b, mips_label l) { mips_blez(b, MIPS_A0, l); }
static void br_bgtz(struct mips_buf *b, mips_label l) { mips_bgtz(b, MIPS_A0, l); }
static void br_b(struct mips_buf *b, mips_label l) { mips_b(b, l); }
static void br_bnel(struct mips_buf *b, mips_label l) { mips_bnel(b, MIPS_A0, MIPS_T1, l); }

static const struct { void (*emit)(struct mips_buf *, mips_label); const char *prefix; } branches[] = {
    { br_beq, "beq $a0, $t1, " }, { br_bne, "bne $a0, $t1, " }, { br_beqz, "beqz $a0, " },
    { br_bnez, "bnez $a0, " }, { br_bltz, "bltz $a0, " }, { br_bgez, "bgez $a0, " },
    { br_blez, "blez $a0, " }, { br_bgtz, "bgtz $a0, " }, { br_b, "b " },
    { br_bnel, "bnel $a0, $t1, " },
};

static void nops(struct mips_buf *b, int n)
{
    while (n-- > 0)
        mips_nop(b);
}

/* The offset field of the branch at word `at`, which must aim at word `target` (delay slot + offset). */
static void check_offset_at(int line, const char *what, size_t at, long target)
{
    int16_t off = (int16_t)(buf.words[at] & 0xffff);
    check_at(line, off == target - (long)(at + 1), "%s: branch at %zu has offset %d, want %ld", what, at,
             off, target - (long)(at + 1));
}
#define check_offset(what, at, target) check_offset_at(__LINE__, (what), (at), (target))

static void test_branches(void)
{
    char want[256];
    for (size_t i = 0; i < sizeof branches / sizeof branches[0]; i++) {
        const char *p = branches[i].prefix;
        struct mips_buf *b = fresh();

        /* Forward: branch at 0, delay slot, label bound at 7 (fixup patched by mips_bind_label). */
        mips_label l = mips_new_label(b);
        branches[i].emit(b, l);
        nops(b, 6);
        check(!mips_labels_resolved(b), "%sforward: resolved before bind", p);
        mips_bind_label(b, l);
        check(mips_labels_resolved(b), "%sforward: unresolved after bind", p);
        check_offset(p, 0, 7);
        snprintf(want, sizeof want, "%s0x1c; nop; nop; nop; nop; nop; nop", p);
        expect(want);

        /* Backward: label bound at 1, branch at 4 (patched at once, no fixup). */
        b = fresh();
        l = mips_new_label(b);
        nops(b, 1);
        mips_bind_label(b, l);
        nops(b, 3);
        branches[i].emit(b, l);
        check(mips_labels_resolved(b), "%sbackward: a bound label left a fixup", p);
        check_offset(p, 4, 1);
        snprintf(want, sizeof want, "nop; nop; nop; nop; %s4", p);
        expect(want);

        /* To itself (offset -1) and to its own delay slot (offset 0). */
        b = fresh();
        l = mips_new_label(b);
        nops(b, 2);
        mips_bind_label(b, l);
        branches[i].emit(b, l);
        check_offset(p, 2, 2);
        mips_label next = mips_new_label(b);
        branches[i].emit(b, next);
        mips_bind_label(b, next);
        check_offset(p, 3, 4);
        snprintf(want, sizeof want, "nop; nop; %s8; %s0x10", p, p);
        expect(want);

        /* The same sequences at a base address, so capstone's absolute target is computed from it. */
        b = fresh();
        l = mips_new_label(b);
        branches[i].emit(b, l);
        nops(b, 2);
        mips_bind_label(b, l);
        snprintf(want, sizeof want, "%s0x12000100c; nop; nop", p);
        expect_based(UINT64_C(0x120001000), want);
    }

    /* The extreme offsets: +32767 and -32768 words from the delay slot. */
    struct mips_buf *b = fresh();
    mips_label far = mips_new_label(b);
    mips_beq(b, MIPS_A0, MIPS_A1, far);
    nops(b, 32767);
    mips_bind_label(b, far);
    check_offset("beq +32767", 0, 32768);
    check(b->words[0] == (OPC_BEQ | MIPS_A0 << 21 | MIPS_A1 << 16 | 0x7fff), "beq +32767: 0x%08x", b->words[0]);
    b = fresh();
    far = mips_new_label(b);
    mips_bind_label(b, far);
    nops(b, 32767);
    mips_bne(b, MIPS_A0, MIPS_A1, far);
    check_offset("bne -32768", 32767, 0);
    check(b->words[32767] == (OPC_BNE | MIPS_A0 << 21 | MIPS_A1 << 16 | 0x8000), "bne -32768: 0x%08x",
          b->words[32767]);
}

static void test_labels(void)
{
    struct mips_buf *b = fresh();
    check(mips_labels_resolved(b), "empty buffer unresolved");
    mips_label unused = mips_new_label(b);
    (void)unused;
    check(mips_labels_resolved(b), "a label no branch uses counts as unresolved");

    /* Two labels, several branches to each, interleaved; binding one leaves the other's fixups. */
    mips_label l1 = mips_new_label(b), l2 = mips_new_label(b);
    mips_beqz(b, MIPS_V0, l1);      /* 0 */
    mips_nop(b);
    mips_bnez(b, MIPS_V0, l2);      /* 2 */
    mips_nop(b);
    mips_b(b, l1);                  /* 4 */
    mips_nop(b);
    mips_bgtz(b, MIPS_V0, l2);      /* 6 */
    mips_nop(b);
    check(!mips_labels_resolved(b), "four pending branches, resolved");
    mips_bind_label(b, l2);         /* at 8 */
    check(!mips_labels_resolved(b), "l1 still pending, resolved");
    check_offset("l2 first", 2, 8);
    check_offset("l2 second", 6, 8);
    check((b->words[0] & 0xffff) == 0 && (b->words[4] & 0xffff) == 0, "binding l2 touched l1's branches");
    nops(b, 3);
    mips_bltz(b, MIPS_V0, l2);      /* 11: backward to l2 */
    mips_nop(b);
    mips_bind_label(b, l1);         /* at 13 */
    check(mips_labels_resolved(b), "all bound, unresolved");
    check_offset("l1 first", 0, 13);
    check_offset("l1 second", 4, 13);
    check_offset("l2 backward", 11, 8);
    expect("beqz $v0, 0x34; nop; bnez $v0, 0x20; nop; b 0x34; nop; bgtz $v0, 0x20; nop; "
           "nop; nop; nop; bltz $v0, 0x20; nop");

    /* A fresh mips_buf_init forgets the labels and fixups of the previous use. */
    b = fresh();
    mips_label l = mips_new_label(b);
    check(l == 0, "labels not reset by mips_buf_init (first label %d)", l);
    mips_b(b, l);
    b = fresh();
    check(mips_labels_resolved(b), "fixups not reset by mips_buf_init");
}

static void test_jumps(void)
{
    /* J replaces the low 28 bits of the delay slot's address with instr_index << 2 (MIPS64 manual, J). */
    uint64_t pc = UINT64_C(0x120001000), target = UINT64_C(0x12345678c);
    mips_j(fresh(), target);
    expect_based(pc, "j 0x12345678c");
    check(buf.words[0] == mips_encode_j(pc, target), "mips_encode_j 0x%08x, mips_j 0x%08x",
          mips_encode_j(pc, target), buf.words[0]);
    check(mips_encode_j(pc, target) == (OPC_J | (uint32_t)((target >> 2) & 0x3ffffff)), "encode_j");
    check(mips_j_reachable(pc, target), "same 256 MiB region unreachable");
    check(!mips_j_reachable(pc, UINT64_C(0x130000000)), "next region reachable");
    check(!mips_j_reachable(pc, target + 2), "unaligned target reachable");
    /* The region is the delay slot's: a J in the last word of a region reaches only the next one. */
    check(mips_j_reachable(UINT64_C(0x12ffffffc), UINT64_C(0x130000000)), "region of the delay slot");
    check(!mips_j_reachable(UINT64_C(0x12ffffffc), UINT64_C(0x12ffffff0)), "region of the jump itself");
    emit_j(fresh(), OPC_JAL, target);
    expect_based(pc, "jal 0x12345678c");
    /* Every instr_index bit: the region's first and last words. */
    mips_j(fresh(), UINT64_C(0x120000000));
    mips_j(&buf, UINT64_C(0x12ffffffc));
    expect_based(pc, "j 0x120000000; j 0x12ffffffc");
    check(mips_encode_j(pc, UINT64_C(0x12ffffffc)) == (OPC_J | 0x3ffffff), "encode_j of the last word");
}

/* ---- A small interpreter for checking values ---------------------------------------------------- */

struct cpu {
    uint64_t r[32];
    bool bad;               /* an instruction outside the subset, or an UNPREDICTABLE use of one */
    char why[96];
};

static int64_t sext32(uint64_t v) { return (int32_t)(uint32_t)v; }
static bool is_word_value(uint64_t v) { return (uint64_t)sext32(v) == v; }
static uint64_t low_mask(int bits) { return bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1; }

static void cpu_bad(struct cpu *c, uint32_t w, const char *why)
{
    if (!c->bad)
        snprintf(c->why, sizeof c->why, "0x%08x: %s", w, why);
    c->bad = true;
}

/* dst = base with bits [msb:lsb] replaced by the low bits of src. */
static uint64_t deposit(uint64_t base, uint64_t src, int lsb, int msb)
{
    uint64_t m = low_mask(msb - lsb + 1) << lsb;
    return (base & ~m) | ((src << lsb) & m);
}

/* Runs one instruction, written from the MIPS64 manual's Operation sections. */
static void cpu_step(struct cpu *c, uint32_t w)
{
    int op = w >> 26, rs = (w >> 21) & 31, rt = (w >> 16) & 31, rd = (w >> 11) & 31, sa = (w >> 6) & 31;
    int fn = w & 63;
    uint64_t s = c->r[rs], t = c->r[rt];
    int16_t simm = (int16_t)(w & 0xffff);
    uint16_t uimm = w & 0xffff;
    int dst = rt;
    uint64_t v;

    switch (op) {
    case 017:   /* LUI */
        if (rs != 0)
            cpu_bad(c, w, "lui with rs != 0");
        v = (uint64_t)sext32((uint32_t)uimm << 16);
        break;
    case 015:   /* ORI */
        v = s | uimm;
        break;
    case 011:   /* ADDIU: UNPREDICTABLE unless rs is a word value */
        if (!is_word_value(s))
            cpu_bad(c, w, "addiu on a non-word value");
        v = (uint64_t)sext32(s + (uint64_t)simm);
        break;
    case 031:   /* DADDIU */
        v = s + (uint64_t)(int64_t)simm;
        break;
    case 000:   /* SPECIAL shifts: rd = rt shifted by sa (+32 for the *32 forms) */
        dst = rd;
        if (rs != 0)
            cpu_bad(c, w, "shift with rs != 0");
        switch (fn) {
        case 070: v = t << sa; break;
        case 074: v = t << (sa + 32); break;
        case 072: v = t >> sa; break;
        case 076: v = t >> (sa + 32); break;
        case 073: v = (uint64_t)((int64_t)t >> sa); break;
        case 077: v = (uint64_t)((int64_t)t >> (sa + 32)); break;
        default: cpu_bad(c, w, "SPECIAL function outside the subset"); return;
        }
        break;
    case 037: { /* SPECIAL3 bit fields: rd holds msbd or msb, sa holds lsb */
        int lsb = sa, msb = rd;
        switch (fn) {
        case 000:   /* EXT: sign_extend(0 || rs[msbd+lsb..lsb]) */
            if (lsb + msb > 31 || !is_word_value(s))
                cpu_bad(c, w, "ext UNPREDICTABLE");
            v = (uint64_t)sext32((s >> lsb) & low_mask(msb + 1));
            break;
        case 003: case 001: case 002:   /* DEXT, DEXTM (msbd + 32), DEXTU (lsb + 32) */
            if (fn == 001)
                msb += 32;
            if (fn == 002)
                lsb += 32;
            if (lsb + msb > 63)
                cpu_bad(c, w, "dext* UNPREDICTABLE");
            v = (s >> lsb) & low_mask(msb + 1);
            break;
        case 004:   /* INS: sign_extend(rt[31..msb+1] || rs[msb-lsb..0] || rt[lsb-1..0]) */
            if (lsb > msb || !is_word_value(s) || !is_word_value(t))
                cpu_bad(c, w, "ins UNPREDICTABLE");
            v = (uint64_t)sext32(deposit(t, s, lsb, msb));
            break;
        case 007: case 005: case 006:   /* DINS, DINSM (msb + 32), DINSU (msb and lsb + 32) */
            if (fn != 007)
                msb += 32;
            if (fn == 006)
                lsb += 32;
            if (lsb > msb)
                cpu_bad(c, w, "dins* UNPREDICTABLE");
            v = deposit(t, s, lsb, msb);
            break;
        default:
            cpu_bad(c, w, "SPECIAL3 function outside the subset");
            return;
        }
        break;
    }
    default:
        cpu_bad(c, w, "opcode outside the subset");
        return;
    }
    if (dst != 0)
        c->r[dst] = v;
}

static uint64_t rng_state = UINT64_C(0x9e3779b97f4a7c15);
static uint64_t rng(void)
{
    /* xorshift64*: a fixed sequence, the same on every run. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(0x2545f4914f6cdd1d);
}

/* Runs buf's words on c. */
static void cpu_run(struct cpu *c)
{
    c->bad = false;
    c->why[0] = '\0';
    for (size_t i = 0; i < buf.len; i++)
        cpu_step(c, buf.words[i]);
}

/* Fills the registers with noise; $zero stays 0. */
static void cpu_randomize(struct cpu *c)
{
    c->r[0] = 0;
    for (int i = 1; i < 32; i++)
        c->r[i] = rng();
}

/* Runs buf and checks that only `dst` changed, to `want`; the checks report `what`. */
static void run_and_check_at(int line, int dst, uint64_t want, const char *what)
{
    struct cpu c, before;
    cpu_randomize(&c);
    before = c;
    cpu_run(&c);
    if (!check_at(line, !c.bad, "%s: %s", what, c.why))
        return;
    check_at(line, c.r[dst] == want, "%s: got 0x%016" PRIx64 ", want 0x%016" PRIx64, what, c.r[dst], want);
    for (int r = 0; r < 32; r++) {
        if (r != dst && c.r[r] != before.r[r]) {
            check_at(line, false, "%s: clobbered $%s", what, n64_names[r]);
            break;
        }
    }
}

static int li_words(int64_t v)
{
    mips_li(fresh(), MIPS_T9, v);
    return (int)buf.len;
}

static void check_li(int64_t v)
{
    char what[64];
    snprintf(what, sizeof what, "li 0x%016" PRIx64, (uint64_t)v);
    int n = li_words(v);
    int limit = v >= -0x8000 && v <= 0xffff ? 1
              : v == sext32((uint64_t)v) ? 2
              : v >= 0 && v <= 0xffffffff ? 3
              : (uint16_t)(v >> 16) == 0 ? 4
              : 6;
    check(n >= 1 && n <= limit, "%s: %d instructions, at most %d expected", what, n, limit);
    run_and_check_at(__LINE__, MIPS_T9, (uint64_t)v, what);

    /* li32 of the low half builds its sign extension, in at most two instructions. */
    mips_li32(fresh(), MIPS_AT, (uint32_t)v);
    snprintf(what, sizeof what, "li32 0x%08" PRIx32, (uint32_t)v);
    int64_t word = sext32((uint64_t)v);
    size_t limit32 = word >= -0x8000 && word <= 0xffff ? 1 : 2;
    check(buf.len >= 1 && buf.len <= limit32, "%s: %zu instructions, at most %zu expected", what, buf.len,
          limit32);
    run_and_check_at(__LINE__, MIPS_AT, (uint64_t)sext32((uint64_t)v), what);
}

static void test_li(void)
{
    static const int64_t fixed[] = {
        0, 1, -1, 9, -10, 0x7fff, 0x8000, -0x8000, -0x8001, 0xffff, 0x10000, 0x12340000, 0x12345678,
        0x7fffffff, INT64_C(0x80000000), -INT64_C(0x80000000), -INT64_C(0x80000001), INT64_C(0xffffffff),
        INT64_C(0x80000001), INT64_C(0xffff0000), INT64_C(0x100000000), INT64_C(0x120000000),
        INT64_C(0x0000000120345678), INT64_C(0x7fffffffffffffff), INT64_MIN, INT64_C(0x123456789abcdef0),
        INT64_C(0x0000ffff00000000), INT64_C(0x00000000ffff8000), -INT64_C(0x100000000),
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_li(fixed[i]);

    /* Powers of two, their complements and neighbours: every bit position as a boundary. */
    for (int n = 0; n < 64; n++) {
        uint64_t p = UINT64_C(1) << n;
        check_li((int64_t)p);
        check_li((int64_t)(p - 1));
        check_li((int64_t)~p);
        check_li((int64_t)-p);
        check_li((int64_t)(p + 1));
    }

    /* Every mix of interesting 16-bit chunks, so each "skip the ori when the chunk is 0" path runs. */
    static const uint16_t chunk[] = { 0, 1, 0x7fff, 0x8000, 0xffff };
    for (int a = 0; a < 5; a++)
        for (int b = 0; b < 5; b++)
            for (int c = 0; c < 5; c++)
                for (int d = 0; d < 5; d++)
                    check_li((int64_t)((uint64_t)chunk[a] << 48 | (uint64_t)chunk[b] << 32 |
                                       (uint64_t)chunk[c] << 16 | chunk[d]));

    for (int i = 0; i < 2000; i++) {
        uint64_t r = rng();
        check_li((int64_t)r);
        check_li((int64_t)(int32_t)r);      /* sign-extended 32-bit */
        check_li((int64_t)(uint32_t)r);     /* zero-extended 32-bit */
        check_li((int64_t)(int16_t)r);
        check_li((int64_t)(uint16_t)r);
    }

    /* The counts the header promises, exactly: 1 for any 16-bit value, 2 for other word values. */
    check(li_words(-0x8000) == 1 && li_words(0xffff) == 1 && li_words(0x7fff) == 1, "16-bit li not 1 word");
    check(li_words(0x10000) == 1 && li_words(-0x80000000LL) == 1, "lui-only values not 1 word");
    check(li_words(0x12345678) == 2 && li_words(-0x12345678) == 2, "32-bit li not 2 words");
    check(li_words(INT64_C(0x100000000)) == 2 && li_words(INT64_C(0x7fff00000000)) == 2, "1 << 32 not 2 words");
    check(li_words(INT64_C(0x80000001)) == 3 && li_words(INT64_C(0x123456789abcdef0)) == 6, "li counts");
}

/* The bit-field and shift wrappers, run: the words must move the bits the manual says. */
static void test_semantics(void)
{
    char what[96];
    for (int pos = 0; pos < 64; pos++) {
        for (int size = 1; pos + size <= 64; size++) {
            struct cpu c;
            cpu_randomize(&c);
            uint64_t s = c.r[MIPS_S1], t;
            mips_dext(fresh(), MIPS_V0, MIPS_S1, pos, size);
            snprintf(what, sizeof what, "dext pos %d size %d", pos, size);
            cpu_run(&c);
            if (check(!c.bad, "%s: %s", what, c.why))
                check(c.r[MIPS_V0] == ((s >> pos) & low_mask(size)), "%s: got 0x%016" PRIx64, what, c.r[MIPS_V0]);

            cpu_randomize(&c);
            s = c.r[MIPS_S1];
            t = c.r[MIPS_V0];
            mips_dins(fresh(), MIPS_V0, MIPS_S1, pos, size);
            snprintf(what, sizeof what, "dins pos %d size %d", pos, size);
            cpu_run(&c);
            uint64_t m = low_mask(size) << pos;
            if (check(!c.bad, "%s: %s", what, c.why))
                check(c.r[MIPS_V0] == ((t & ~m) | ((s << pos) & m)), "%s: got 0x%016" PRIx64, what, c.r[MIPS_V0]);

            if (pos + size > 32)
                continue;
            /* EXT and INS read 32-bit (sign-extended) values and write one. */
            cpu_randomize(&c);
            c.r[MIPS_S1] = (uint64_t)sext32(c.r[MIPS_S1]);
            c.r[MIPS_V0] = (uint64_t)sext32(c.r[MIPS_V0]);
            s = c.r[MIPS_S1];
            mips_ext(fresh(), MIPS_V0, MIPS_S1, pos, size);
            snprintf(what, sizeof what, "ext pos %d size %d", pos, size);
            cpu_run(&c);
            if (check(!c.bad, "%s: %s", what, c.why))
                check(c.r[MIPS_V0] == (uint64_t)sext32((s >> pos) & low_mask(size)), "%s: got 0x%016" PRIx64,
                      what, c.r[MIPS_V0]);

            cpu_randomize(&c);
            c.r[MIPS_S1] = (uint64_t)sext32(c.r[MIPS_S1]);
            c.r[MIPS_V0] = (uint64_t)sext32(c.r[MIPS_V0]);
            s = c.r[MIPS_S1];
            t = c.r[MIPS_V0];
            mips_ins(fresh(), MIPS_V0, MIPS_S1, pos, size);
            snprintf(what, sizeof what, "ins pos %d size %d", pos, size);
            cpu_run(&c);
            if (check(!c.bad, "%s: %s", what, c.why))
                check(c.r[MIPS_V0] == (uint64_t)sext32((t & ~m) | ((s << pos) & m)), "%s: got 0x%016" PRIx64,
                      what, c.r[MIPS_V0]);
        }
    }
    for (int sa = 0; sa < 64; sa++) {
        uint64_t x = rng() | UINT64_C(1) << 63;
        struct cpu c;
        cpu_randomize(&c);
        c.r[MIPS_A0] = x;
        mips_dsll(fresh(), MIPS_A1, MIPS_A0, sa);
        mips_dsrl(&buf, MIPS_A2, MIPS_A0, sa);
        mips_dsra(&buf, MIPS_A3, MIPS_A0, sa);
        cpu_run(&c);
        if (check(!c.bad, "shifts by %d: %s", sa, c.why)) {
            check(c.r[MIPS_A1] == x << sa, "dsll %d: 0x%016" PRIx64, sa, c.r[MIPS_A1]);
            check(c.r[MIPS_A2] == x >> sa, "dsrl %d: 0x%016" PRIx64, sa, c.r[MIPS_A2]);
            check(c.r[MIPS_A3] == (uint64_t)((int64_t)x >> sa), "dsra %d: 0x%016" PRIx64, sa, c.r[MIPS_A3]);
        }
    }
}

/* ---- Overflow ----------------------------------------------------------------------------------- */

enum { GUARD = 0xdeadbeef };

static bool guard_intact(const uint32_t *w, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (w[i] != GUARD)
            return false;
    }
    return true;
}

static void test_overflow(void)
{
    static struct mips_buf b;       /* static: the label and fixup tables are large */
    uint32_t area[16];

    /* Plain emits past cap: the first cap words land, the rest set overflow and write nothing. */
    for (size_t i = 0; i < 16; i++)
        area[i] = GUARD;
    mips_buf_init(&b, area, 4);
    for (int i = 0; i < 6; i++)
        mips_addiu(&b, MIPS_V0, MIPS_V0, 1);
    check(b.overflow && b.len == 4, "overflow %d, len %zu after 6 words in 4", b.overflow, b.len);
    check(guard_intact(area, 4, 16), "words written past cap");

    /* Exactly cap words is not an overflow. */
    for (size_t i = 0; i < 16; i++)
        area[i] = GUARD;
    mips_buf_init(&b, area, 4);
    nops(&b, 4);
    check(!b.overflow && b.len == 4, "exactly cap words: overflow %d, len %zu", b.overflow, b.len);

    /* A whole li sequence, then branches, past cap. */
    for (size_t i = 0; i < 16; i++)
        area[i] = GUARD;
    mips_buf_init(&b, area, 3);
    mips_li(&b, MIPS_V0, INT64_C(0x123456789abcdef0));
    check(b.overflow && b.len == 3, "li past cap: overflow %d, len %zu", b.overflow, b.len);
    mips_label fwd = mips_new_label(&b), back = mips_new_label(&b);
    mips_bind_label(&b, back);
    mips_beq(&b, MIPS_A0, MIPS_A1, fwd);
    mips_bne(&b, MIPS_A0, MIPS_A1, back);
    mips_bind_label(&b, fwd);
    check(guard_intact(area, 3, 16), "branches past cap wrote past cap");

    /* A branch that fits, aimed at a label bound after the overflow: no patch lands out of bounds. */
    for (size_t i = 0; i < 16; i++)
        area[i] = GUARD;
    mips_buf_init(&b, area, 2);
    fwd = mips_new_label(&b);
    mips_beqz(&b, MIPS_A0, fwd);
    nops(&b, 5);
    mips_bind_label(&b, fwd);
    check(b.overflow && b.len == 2, "branch then overflow: overflow %d, len %zu", b.overflow, b.len);
    check(guard_intact(area, 2, 16), "fixup patched past cap");
}

int main(void)
{
    if (cs_open(CS_ARCH_MIPS, CS_MODE_MIPS64 | CS_MODE_LITTLE_ENDIAN, &cs) != CS_ERR_OK) {
        fprintf(stderr, "test_mips_emit: cs_open failed\n");
        return 2;
    }
    test_alu();
    test_shifts();
    test_bitfield_text();
    test_muldiv();
    test_ldst();
    test_branches();
    test_labels();
    test_jumps();
    test_li();
    test_semantics();
    test_overflow();
    test_fpu();
    cs_close(&cs);
    printf("test_mips_emit: %d checks, %d failed\n", nchecks, nfailed);
    return nfailed ? 1 : 0;
}
