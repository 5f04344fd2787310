/*
 * x87 instructions one by one through inline assembly, on operands covering the special
 * encodings (denormals, unnormals, infinities, NaNs, zeros), with the whole FPU state saved by
 * fnsave after each: register contents, status word (condition codes, stack faults, exception
 * flags), control and tag words. Covers the forms a compiler rarely emits: fxam, fxtract, fprem,
 * fprem1, fscale, fbld/fbstp, fisttp, fcmov, fcomi, ffree, fdecstp/fincstp, fxch, stack overflow
 * and underflow, fldenv/fnstenv/frstor, and precision and rounding control.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct env {
    uint16_t cw, r0, sw, r1, tw, r2;
    uint32_t ip, op_cs, dp, ds;
    uint8_t st[80];
} __attribute__((packed));

static const uint8_t vals[][10] = {
    { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3f },             /* 1 */
    { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0x40 },             /* 3 */
    { 0x35, 0xc2, 0x68, 0x21, 0xa2, 0xda, 0x0f, 0xc9, 0x00, 0xc0 },   /* -pi */
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },                       /* +0 */
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 },                    /* -0 */
    { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 },                       /* smallest denormal */
    { 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 0 },                    /* pseudo-denormal */
    { 0, 0, 0, 0, 0, 0, 0, 0x40, 0xff, 0x3f },             /* unnormal */
    { 0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f },             /* +inf */
    { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff },             /* indefinite */
    { 1, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f },             /* SNaN */
    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x7f },   /* max */
    { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0xd5, 0x1e, 0x40 },   /* 0x1.aa..p31 */
    { 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x3e, 0x40 },           /* 2^63 - 2^56 */
};
enum { NV = sizeof vals / sizeof vals[0] };

static void dump(const char *name, int a, int b)
{
    struct env e;
    __asm__ volatile("fnsave %0" : "=m"(e));
    /* FIP/FOP/FDP are implementation-specific and not printed. */
    printf("%-10s %2d %2d cw=%04x sw=%04x tw=%04x", name, a, b, e.cw, e.sw, e.tw);
    for (int i = 0; i < 8; i++) {
        if (((e.tw >> (2 * (((e.sw >> 11) + i) & 7))) & 3) == 3)
            continue;
        printf(" st%d=", i);
        for (int j = 9; j >= 0; j--)
            printf("%02x", e.st[10 * i + j]);
    }
    printf("\n");
}

#define LOAD2(a, b) __asm__ volatile("fninit; fldt %0; fldt %1" : : "m"(vals[a]), "m"(vals[b]))
#define T1(name, insn) \
    for (int a = 0; a < NV; a++) { \
        __asm__ volatile("fninit; fldt %0; " insn : : "m"(vals[a])); \
        dump(name, a, -1); \
    }
#define T2(name, insn) \
    for (int a = 0; a < NV; a++) \
        for (int b = 0; b < NV; b++) { \
            LOAD2(a, b); \
            __asm__ volatile(insn ::: "memory"); \
            dump(name, a, b); \
        }

/* fxsave/fxrstor with MXCSR and XMM3 (the other XMM registers hold whatever the C library's
 * string functions left, which depends on the CPU). Bytes 6..23 (FOP/FIP/FDP), 28..31
 * (MXCSR_MASK) and 288..415 are not printed; 416..511 must stay untouched. */
static __attribute__((target("sse2"))) void fxsave_test(void)
{
    static uint8_t fx[512] __attribute__((aligned(16)));
    static const uint8_t pattern[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    uint32_t mxcsr = 0x3f83, mxcsr_out;
    memset(fx, 0xaa, sizeof fx);
    __asm__ volatile("fninit; fldln2; fldlg2; fld %%st(1); ldmxcsr %1; movdqu %2, %%xmm3; fxsave %0; stmxcsr %3"
                     : "=m"(fx), "+m"(mxcsr) : "m"(pattern), "m"(mxcsr_out) : "xmm3");
    printf("fxsave");
    for (int i = 0; i < 512; i++) {
        if ((i >= 6 && i < 24) || (i >= 28 && i < 32) || (i >= 160 && i < 208) || (i >= 224 && i < 416))
            continue;
        printf("%s%02x", i % 32 ? "" : "\n  ", fx[i]);
    }
    printf("\n");
    fx[32] ^= 0x55;             /* ST(0)'s low byte */
    fx[24] = 0x80;              /* MXCSR 0x1f80 */
    fx[4] = 0x0f;               /* four registers in use */
    __asm__ volatile("fxrstor %0; stmxcsr %1" : : "m"(fx), "m"(mxcsr_out));
    dump("fxrstor", (int)mxcsr_out, 0);
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr_out));
}

int main(void)
{
    T2("fadd", "fadd %%st(1), %%st");
    T2("fsubrp", "fsubrp");
    T2("fdiv", "fdiv %%st, %%st(1)");
    T2("fmulp", "fmulp");
    T2("fprem", "fprem");
    T2("fprem1", "fprem1");
    T2("fscale", "fscale");
    T2("fcom", "fcom %%st(1); fstp %%st(0)");
    T2("fucompp", "fucompp");
    T2("fxch", "fxch %%st(1)");
    T1("fxam", "fxam");
    T1("fxtract", "fxtract");
    T1("fsqrt", "fsqrt");
    T1("frndint", "frndint");
    T1("fchs_abs", "fchs; fld %%st; fabs");
    T1("ftst", "ftst");
    T1("fld1", "fld1; fldl2t; fldl2e; fldpi; fldlg2; fldln2; fldz");
    T1("fincstp", "fincstp; fdecstp; fdecstp; ffree %%st(1)");
    T1("overflow", "fld %%st; fld %%st; fld %%st; fld %%st; fld %%st; fld %%st; fld %%st; fld %%st");
    T1("underflw", "fstp %%st(0); fadd %%st(2), %%st");
    for (int a = 0; a < NV; a++) {
        uint8_t out[10];
        int16_t i16;
        int32_t i32;
        int64_t i64;
        float f;
        double d;
        static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x027f };
        for (unsigned c = 0; c < sizeof cws / sizeof cws[0]; c++) {
            __asm__ volatile("fninit; fldcw %0; fldt %1" : : "m"(cws[c]), "m"(vals[a]));
            __asm__ volatile("fld %%st; fistps %0" : "=m"(i16));
            __asm__ volatile("fld %%st; fistpl %0" : "=m"(i32));
            __asm__ volatile("fld %%st; fistpll %0" : "=m"(i64));
            __asm__ volatile("fld %%st; fstps %0" : "=m"(f));
            __asm__ volatile("fld %%st; fstpl %0" : "=m"(d));
            __asm__ volatile("fld %%st; fbstp %0" : "=m"(out));
            __asm__ volatile("fld1; fadd %st(1), %st");
            dump("stores", a, (int)c);
            uint32_t fb;
            uint64_t db;
            memcpy(&fb, &f, 4);
            memcpy(&db, &d, 8);
            printf("  %d %d %lld %08x %016llx ", i16, i32, (long long)i64, fb, (unsigned long long)db);
            for (int j = 9; j >= 0; j--)
                printf("%02x", out[j]);
            printf("\n");
            __asm__ volatile("fld %%st; fisttps %0" : "=m"(i16));
            __asm__ volatile("fld %%st; fisttpl %0" : "=m"(i32));
            __asm__ volatile("fld %%st; fisttpll %0" : "=m"(i64));
            printf("  fisttp %d %d %lld\n", i16, i32, (long long)i64);
            __asm__ volatile("fbld %0; fld %%st; flds %1; fldl %2; fildl %3; filds %4; fildll %5" : : "m"(out),
                             "m"(f), "m"(d), "m"(i32), "m"(i16), "m"(i64));
            dump("loads", a, (int)c);
        }
    }
    /* fcomi/fucomi and fcmov read and write eflags. */
    for (int a = 0; a < NV; a++) {
        for (int b = 0; b < NV; b++) {
            uint32_t fl1, fl2;
            LOAD2(a, b);
            __asm__ volatile("fcomi %%st(1), %%st; pushfl; popl %0" : "=r"(fl1));
            __asm__ volatile("fucomip %%st(1), %%st; pushfl; popl %0" : "=r"(fl2));
            __asm__ volatile("fld1; fldz; fcomi %%st(1), %%st; fcmovb %%st(2), %%st; fcmovnbe %%st(1), %%st; fcmovu %%st(2), %%st" ::: "cc");
            dump("fcomi", a, b);
            uint16_t ax;
            __asm__ volatile("fnstsw %%ax; movw %%ax, %0" : "=m"(ax) : : "eax");
            printf("  flags %03x %03x ax %04x\n", fl1 & 0x8d5, fl2 & 0x8d5, ax);
        }
    }
    /* The environment and the full state in memory. */
    struct env e1, e2;
    uint8_t image[108];
    __asm__ volatile("fninit; fld1; fldpi; fldz; fdiv %%st, %%st(1); fnstenv %0; fldcw %1" : "=m"(e1) : "m"(vals[0]));
    printf("fnstenv cw=%04x sw=%04x tw=%04x\n", e1.cw, e1.sw, e1.tw);
    e1.cw = 0x0c7f;
    __asm__ volatile("fninit; fldenv %1; fnstenv %0" : "=m"(e2) : "m"(e1));
    printf("fldenv cw=%04x sw=%04x tw=%04x\n", e2.cw, e2.sw, e2.tw);
    __asm__ volatile("fninit; fldpi; fld1; fnsave %0; fldz; frstor %0" : "+m"(image));
    dump("frstor", 0, 0);
    __asm__ volatile("fninit; fld1; fldz; fdivrp; fnclex; fld1");
    dump("fnclex", 0, 0);
    /* The 16-bit environment and state images. */
    uint8_t env16[14], save16[94];
    memset(env16, 0xaa, sizeof env16);
    __asm__ volatile("fninit; fldpi; fld1; data16 fnstenv %0" : "=m"(env16));
    printf("fnstenv16 cw %02x%02x sw %02x%02x tw %02x%02x\n", env16[1], env16[0], env16[3], env16[2], env16[5], env16[4]);
    __asm__ volatile("fninit; fldl2e; fldz; data16 fnsave %0; data16 frstor %0" : "=m"(save16));
    dump("frstor16", 0, 0);
    fxsave_test();
    return 0;
}
