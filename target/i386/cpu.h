/*
 * The architectural state of one x86 CPU (CPUX86State) and the lazy-flags encoding.
 *
 * Generated code reaches this struct through the pinned env register with 16-bit offsets, so the
 * fields it touches on hot paths sit first (offset < 32 KiB is asserted in cpu.c).
 *
 * eflags: the six arithmetic flags (CF PF AF ZF SF OF) are not kept as bits. They live in lazy form:
 * the operation that last set them (cc_op) and its operands/result (cc_src1, cc_src2, cc_res). While
 * translated code runs these four are pinned host registers; env holds them whenever control is in C.
 * DF lives in `df` as +1/-1, everything else in `eflags` (the arithmetic bits and DF are zero there).
 */
#ifndef XQM_TARGET_I386_CPU_H
#define XQM_TARGET_I386_CPU_H

#include <stddef.h>
#include <stdint.h>

enum x86_gpr_index { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum x86_seg_index { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, R_NSEG };

/* eflags bits (SDM vol. 1, 3.4.3). */
enum {
    CC_C = 1 << 0, CC_P = 1 << 2, CC_A = 1 << 4, CC_Z = 1 << 6, CC_S = 1 << 7, CC_O = 1 << 11,
    CC_ALL = CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O,
    EFLAGS_TF = 1 << 8, EFLAGS_IF = 1 << 9, EFLAGS_DF = 1 << 10,
    EFLAGS_AC = 1 << 18, EFLAGS_ID = 1 << 21,
    EFLAGS_FIXED = 1 << 1,      /* reads as 1 */
};

/*
 * Lazy flag operations. An op's value is (kind << 2) | size with size 0, 1, 2 for 8, 16, 32 bits.
 * For each kind, what cc_src1/cc_src2/cc_res hold (all sign-extended 32-bit values):
 *   EFLAGS   src1 = the six flag bits themselves
 *   ADD      src1 + src2 = res
 *   ADC      src1 + src2 + carry-in = res   (CF, OF from the carry vector, so carry-in is implied)
 *   SUB      src1 - src2 = res              (cmp, neg with src1 = 0)
 *   SBB      src1 - src2 - borrow-in = res
 *   LOGIC    res                            (CF = OF = AF = 0)
 *   INC/DEC  src1 op 1 = res, src2 = CF before the instruction
 *   SHL      src1 = operand << (count - 1), res   (CF = top bit of src1, OF = CF ^ top bit of res)
 *   SAR      src1 = operand >> (count - 1), res   (shr and sar; CF = bit 0 of src1, OF = top(src1 ^ res))
 *   MUL      src1 = nonzero iff CF = OF = 1, res = low part (SF, ZF, PF from it)
 */
enum cc_kind {
    CC_KIND_EFLAGS, CC_KIND_ADD, CC_KIND_ADC, CC_KIND_SUB, CC_KIND_SBB, CC_KIND_LOGIC,
    CC_KIND_INC, CC_KIND_DEC, CC_KIND_SHL, CC_KIND_SAR, CC_KIND_MUL, CC_KIND_COUNT,
};
#define CC_OP(kind, size) (((kind) << 2) | (size))
static inline enum cc_kind cc_op_kind(unsigned op) { return (enum cc_kind)(op >> 2); }
static inline unsigned cc_op_size(unsigned op) { return op & 3; }
enum { CC_OP_EFLAGS = CC_OP(CC_KIND_EFLAGS, 2) };

/* One entry of the per-CPU jump cache (guest eip -> TB), probed inline by translated code, which
 * indexes it by the low JC_BITS bits of eip and jumps to tc (the TB's code, kept here so that a hit
 * needs no second dependent load). */
struct TranslationBlock;
struct jc_entry {
    uint32_t pc;
    uint32_t flags;
    struct TranslationBlock *tb;
    void *tc;                   /* tb->tc_ptr */
    uint64_t pad;               /* 32 bytes: indexed with a shift */
};
enum { JC_BITS = 12, JC_SIZE = 1 << JC_BITS };

struct x86_segment {
    uint32_t selector;
    uint32_t base;
    uint32_t limit;
    uint32_t flags;
    /* The offsets an access may touch, [lim_lo, lim_hi]: [0, limit] for an expand-up segment,
     * [limit + 1, 64 KiB or 4 GiB - 1] for expand-down, empty for a null or unusable one. Only
     * system mode's not-flat TBs check them (target/i386/operand.c). */
    uint32_t lim_lo, lim_hi;
};

/* An x87 register: significand with its explicit integer bit, then sign and 15-bit exponent
 * (SDM vol. 1, 4.2.2). MMX register i is fpregs[i].sig (SDM vol. 1, 9.5). */
typedef struct X87Reg {
    uint64_t sig;
    uint16_t se;
    uint16_t pad[3];
} X87Reg;

/* An XMM register, elements in x86 order (the host is little-endian too). */
typedef union XMMReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
} __attribute__((aligned(16))) XMMReg;

typedef struct CPUX86State {
    /* Hot: touched by translated code. */
    uint32_t regs[8];           /* GPR images while control is in C */
    uint32_t eip;
    int32_t df;                 /* +1 or -1 */
    uint64_t cc_res, cc_src1, cc_src2;
    uint32_t cc_op;
    volatile uint32_t exit_request;     /* nonzero: leave translated code at the next TB entry */
    uint32_t exception_index;   /* set by translated code when it exits with EXCP_* */
    uint32_t exception_next_eip;/* eip after the instruction that raised a trap-like exception */
    uint32_t error_code;        /* #GP/#PF error code; for int $n, the vector n */
    uint64_t guest_base;        /* user mode: host address of guest address 0 */
    struct jc_entry *jc;        /* JC_SIZE entries */
    struct x86_segment segs[R_NSEG];
    uint32_t helper_out;        /* a second result of some helpers (rcl/rcr: the new eflags) */
    uint32_t step_inhibit;      /* single-stepping: an SS load just ran, the trap waits one more instruction */
    uint64_t spill[32];         /* translator temporaries saved around helper calls, by host reg */
    uint8_t parity[256];        /* parity[b] = CC_P if b has an even number of set bits */

    /* Cold. */
    uint32_t eflags;            /* all bits except CC_ALL and DF */
    uint32_t cpuid_version, cpuid_features, cpuid_ext_features;
    uint64_t gdt[16];           /* user mode: TLS descriptors installed by set_thread_area */
    void *mode_opaque;          /* the mode's per-CPU data (linux-user: its TaskState) */
    uint64_t tb_exec_count;

    /* Floating point and SIMD (target/i386/fpu.h), last so that the offsets above never move. */
    X87Reg fpregs[8];           /* physical registers; ST(i) is fpregs[(fpstt + i) & 7] */
    uint32_t fpstt;             /* TOP */
    uint16_t fpus;              /* status word with the TOP field (bits 11..13) zero */
    uint16_t fpuc;              /* control word */
    uint8_t fptag_empty[8];     /* per physical register: 1 = empty (other tags follow the contents) */
    uint32_t fpip, fpdp;        /* last instruction / operand pointers (fnstenv, fxsave) */
    uint16_t fpcs, fpds, fpop;
    uint32_t mxcsr;
    XMMReg fpbuf[32];           /* memory operands between guest memory and the helpers (fxsave: all 512 bytes) */
    XMMReg xmm[8];
} CPUX86State;

/* Exceptions raised by translated code towards the mode (exception_index values). */
enum {
    EXCP_DE = 0, EXCP_DB = 1, EXCP_BP = 3, EXCP_OF = 4, EXCP_BR = 5, EXCP_UD = 6, EXCP_NM = 7,
    EXCP_SS = 12, EXCP_GP = 13, EXCP_PF = 14, EXCP_MF = 16, EXCP_AC = 17, EXCP_XM = 19,
    EXCP_SYSCALL = 0x100,       /* int $0x80: eip already points past it */
    EXCP_INTERRUPT = 0x101,     /* exit_request was seen */
    EXCP_HLT = 0x102,
    EXCP_UNSUPPORTED = 0x103,   /* core-internal: #UD for an instruction xqm cannot translate */
    EXCP_ICEBP = 0x104,         /* int1 (F1): #DB raised by the instruction itself */
};

void cpu_x86_init(CPUX86State *env);
uint32_t cpu_get_eflags(const CPUX86State *env);
/* Sets every eflags bit user code may change (cc bits, DF, AC, ID); others keep their value. */
void cpu_set_eflags(CPUX86State *env, uint32_t value, uint32_t mask);
/* The six arithmetic flags, computed from the lazy state in env. */
uint32_t cc_compute_all(const CPUX86State *env);
/* CPUID leaf/subleaf for the feature set xqm reports; results in out[0..3] = eax, ebx, ecx, edx. */
void cpu_x86_cpuid(const CPUX86State *env, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

#endif
