/*
 * The instruction table: one row per capstone instruction id, naming its translator, the
 * arithmetic flags it reads and writes (for liveness), and whether LOCK may prefix it.
 *
 * "written" includes flags the SDM leaves undefined: after the instruction nothing may rely on their
 * old values, so earlier writers need not compute them. Instructions that keep some flags by
 * re-materializing all of them (rotates, clc, sahf...) list CC_ALL as read. Instructions that may
 * leave all flags unchanged at run time (a shift by CL = 0, rep cmps with ecx = 0) are marked
 * may_keep: liveness then treats them as readers too.
 * Instructions that trap (int, ud2, hlt, into, div...) list every flag as read: a signal handler
 * sees eflags in its context, so the flags must be exact there. (Faults on memory accesses are not
 * treated so; see liveness.c.)
 * This table, not capstone's eflags detail, is the authority (capstone's has known mistakes).
 */
#include "target/i386/internal.h"

#define ROW(id, fn, rd, wr, lock) [id] = { fn, rd, wr, lock, false }
#define ROW_KEEP(id, fn, rd, wr) [id] = { fn, rd, wr, false, true }
#define JCC(id, rd) ROW(id, x86_translate_jcc, rd, 0, false)
#define SETCC(id, rd) ROW(id, x86_translate_setcc, rd, 0, false)
#define CMOVCC(id, rd) ROW(id, x86_translate_cmovcc, rd, 0, false)

enum {
    F_O = CC_O, F_C = CC_C, F_Z = CC_Z, F_S = CC_S, F_P = CC_P, F_A = CC_A, F_ALL = CC_ALL,
    F_NOC = CC_ALL & ~CC_C,
};

static const struct x86_insn_row rows[X86_INS_ENDING] = {
    ROW(X86_INS_MOV, x86_translate_mov, 0, 0, false),
    ROW(X86_INS_MOVZX, x86_translate_movzx, 0, 0, false),
    ROW(X86_INS_MOVSX, x86_translate_movsx, 0, 0, false),
    ROW(X86_INS_LEA, x86_translate_lea, 0, 0, false),
    ROW(X86_INS_XCHG, x86_translate_xchg, 0, 0, true),
    ROW(X86_INS_PUSH, x86_translate_push, 0, 0, false),
    ROW(X86_INS_POP, x86_translate_pop, 0, 0, false),
    ROW(X86_INS_LEAVE, x86_translate_leave, 0, 0, false),
    ROW(X86_INS_CWDE, x86_translate_cwde, 0, 0, false),
    ROW(X86_INS_CDQ, x86_translate_cdq, 0, 0, false),
    ROW(X86_INS_CBW, x86_translate_cbw, 0, 0, false),
    ROW(X86_INS_CWD, x86_translate_cwd, 0, 0, false),
    ROW(X86_INS_BSWAP, x86_translate_bswap, 0, 0, false),
    ROW(X86_INS_NOP, x86_translate_nop, 0, 0, false),
    ROW(X86_INS_PAUSE, x86_translate_nop, 0, 0, false),

    ROW(X86_INS_ADD, x86_translate_add, 0, F_ALL, true),
    ROW(X86_INS_ADC, x86_translate_adc, F_C, F_ALL, true),
    ROW(X86_INS_SUB, x86_translate_sub, 0, F_ALL, true),
    ROW(X86_INS_SBB, x86_translate_sbb, F_C, F_ALL, true),
    ROW(X86_INS_CMP, x86_translate_cmp, 0, F_ALL, false),
    ROW(X86_INS_AND, x86_translate_and, 0, F_ALL, true),
    ROW(X86_INS_OR, x86_translate_or, 0, F_ALL, true),
    ROW(X86_INS_XOR, x86_translate_xor, 0, F_ALL, true),
    ROW(X86_INS_TEST, x86_translate_test, 0, F_ALL, false),
    ROW(X86_INS_INC, x86_translate_inc, 0, F_NOC, true),
    ROW(X86_INS_DEC, x86_translate_dec, 0, F_NOC, true),
    ROW(X86_INS_NEG, x86_translate_neg, 0, F_ALL, true),
    ROW(X86_INS_NOT, x86_translate_not, 0, 0, true),

    ROW_KEEP(X86_INS_SHL, x86_translate_shl, 0, F_ALL),
    ROW_KEEP(X86_INS_SAL, x86_translate_shl, 0, F_ALL),
    ROW_KEEP(X86_INS_SHR, x86_translate_shr, 0, F_ALL),
    ROW_KEEP(X86_INS_SAR, x86_translate_sar, 0, F_ALL),
    ROW_KEEP(X86_INS_SHLD, x86_translate_shld, 0, F_ALL),
    ROW_KEEP(X86_INS_SHRD, x86_translate_shrd, 0, F_ALL),
    /* Rotates keep SF ZF AF PF: those pass through (liveness carries them past as live when they
     * are), so a rotate by a constant reads nothing itself; by CL it may keep everything. */
    ROW_KEEP(X86_INS_ROL, x86_translate_rol, 0, F_C | F_O),
    ROW_KEEP(X86_INS_ROR, x86_translate_ror, 0, F_C | F_O),

    ROW(X86_INS_BT, x86_translate_bt, F_ALL, F_ALL, false),
    ROW(X86_INS_BTS, x86_translate_bts, F_ALL, F_ALL, true),
    ROW(X86_INS_BTR, x86_translate_btr, F_ALL, F_ALL, true),
    ROW(X86_INS_BTC, x86_translate_btc, F_ALL, F_ALL, true),
    ROW(X86_INS_BSF, x86_translate_bsf, 0, F_ALL, false),
    ROW(X86_INS_BSR, x86_translate_bsr, 0, F_ALL, false),
    ROW(X86_INS_TZCNT, x86_translate_bsf, 0, F_ALL, false),
    ROW(X86_INS_LZCNT, x86_translate_bsr, 0, F_ALL, false),
    ROW(X86_INS_XADD, x86_translate_xadd, 0, F_ALL, true),
    ROW(X86_INS_CMPXCHG, x86_translate_cmpxchg, 0, F_ALL, true),
    ROW(X86_INS_CMPXCHG8B, x86_translate_cmpxchg8b, F_ALL, F_ALL, true),

    ROW(X86_INS_MUL, x86_translate_mul, 0, F_ALL, false),
    ROW(X86_INS_IMUL, x86_translate_imul, 0, F_ALL, false),
    ROW(X86_INS_DIV, x86_translate_div, F_ALL, F_ALL, false),
    ROW(X86_INS_IDIV, x86_translate_idiv, F_ALL, F_ALL, false),

    ROW(X86_INS_JMP, x86_translate_jmp, 0, 0, false),
    ROW(X86_INS_CALL, x86_translate_call, 0, 0, false),
    ROW(X86_INS_RET, x86_translate_ret, 0, 0, false),
    ROW(X86_INS_LJMP, x86_translate_ljmp, 0, 0, false),
    ROW(X86_INS_LCALL, x86_translate_lcall, 0, 0, false),
    ROW(X86_INS_RETF, x86_translate_retf, 0, 0, false),
    ROW(X86_INS_IRET, x86_translate_iret, 0, F_ALL, false),
    ROW(X86_INS_IRETD, x86_translate_iret, 0, F_ALL, false),
    ROW(X86_INS_LDS, x86_translate_lxs, 0, 0, false),
    ROW(X86_INS_LES, x86_translate_lxs, 0, 0, false),
    ROW(X86_INS_LFS, x86_translate_lxs, 0, 0, false),
    ROW(X86_INS_LGS, x86_translate_lxs, 0, 0, false),
    ROW(X86_INS_LSS, x86_translate_lxs, 0, 0, false),
    ROW(X86_INS_JCXZ, x86_translate_jecxz, 0, 0, false),
    ROW(X86_INS_JECXZ, x86_translate_jecxz, 0, 0, false),
    ROW(X86_INS_LOOP, x86_translate_loop, 0, 0, false),
    ROW(X86_INS_LOOPE, x86_translate_loop, F_Z, 0, false),
    ROW(X86_INS_LOOPNE, x86_translate_loop, F_Z, 0, false),
    JCC(X86_INS_JO, F_O), JCC(X86_INS_JNO, F_O), JCC(X86_INS_JB, F_C), JCC(X86_INS_JAE, F_C),
    JCC(X86_INS_JE, F_Z), JCC(X86_INS_JNE, F_Z), JCC(X86_INS_JBE, F_C | F_Z), JCC(X86_INS_JA, F_C | F_Z),
    JCC(X86_INS_JS, F_S), JCC(X86_INS_JNS, F_S), JCC(X86_INS_JP, F_P), JCC(X86_INS_JNP, F_P),
    JCC(X86_INS_JL, F_S | F_O), JCC(X86_INS_JGE, F_S | F_O), JCC(X86_INS_JLE, F_S | F_O | F_Z),
    JCC(X86_INS_JG, F_S | F_O | F_Z),
    SETCC(X86_INS_SETO, F_O), SETCC(X86_INS_SETNO, F_O), SETCC(X86_INS_SETB, F_C),
    SETCC(X86_INS_SETAE, F_C), SETCC(X86_INS_SETE, F_Z), SETCC(X86_INS_SETNE, F_Z),
    SETCC(X86_INS_SETBE, F_C | F_Z), SETCC(X86_INS_SETA, F_C | F_Z), SETCC(X86_INS_SETS, F_S),
    SETCC(X86_INS_SETNS, F_S), SETCC(X86_INS_SETP, F_P), SETCC(X86_INS_SETNP, F_P),
    SETCC(X86_INS_SETL, F_S | F_O), SETCC(X86_INS_SETGE, F_S | F_O), SETCC(X86_INS_SETLE, F_S | F_O | F_Z),
    SETCC(X86_INS_SETG, F_S | F_O | F_Z),
    CMOVCC(X86_INS_CMOVO, F_O), CMOVCC(X86_INS_CMOVNO, F_O), CMOVCC(X86_INS_CMOVB, F_C),
    CMOVCC(X86_INS_CMOVAE, F_C), CMOVCC(X86_INS_CMOVE, F_Z), CMOVCC(X86_INS_CMOVNE, F_Z),
    CMOVCC(X86_INS_CMOVBE, F_C | F_Z), CMOVCC(X86_INS_CMOVA, F_C | F_Z), CMOVCC(X86_INS_CMOVS, F_S),
    CMOVCC(X86_INS_CMOVNS, F_S), CMOVCC(X86_INS_CMOVP, F_P), CMOVCC(X86_INS_CMOVNP, F_P),
    CMOVCC(X86_INS_CMOVL, F_S | F_O), CMOVCC(X86_INS_CMOVGE, F_S | F_O),
    CMOVCC(X86_INS_CMOVLE, F_S | F_O | F_Z), CMOVCC(X86_INS_CMOVG, F_S | F_O | F_Z),

    ROW(X86_INS_MOVSB, x86_translate_movs, 0, 0, false),
    ROW(X86_INS_MOVSW, x86_translate_movs, 0, 0, false),
    ROW(X86_INS_MOVSD, x86_translate_movs, 0, 0, false),
    ROW(X86_INS_STOSB, x86_translate_stos, 0, 0, false),
    ROW(X86_INS_STOSW, x86_translate_stos, 0, 0, false),
    ROW(X86_INS_STOSD, x86_translate_stos, 0, 0, false),
    ROW(X86_INS_LODSB, x86_translate_lods, 0, 0, false),
    ROW(X86_INS_LODSW, x86_translate_lods, 0, 0, false),
    ROW(X86_INS_LODSD, x86_translate_lods, 0, 0, false),
    ROW_KEEP(X86_INS_CMPSB, x86_translate_cmps, 0, F_ALL),
    ROW_KEEP(X86_INS_CMPSW, x86_translate_cmps, 0, F_ALL),
    ROW_KEEP(X86_INS_CMPSD, x86_translate_cmps, 0, F_ALL),
    ROW_KEEP(X86_INS_SCASB, x86_translate_scas, 0, F_ALL),
    ROW_KEEP(X86_INS_SCASW, x86_translate_scas, 0, F_ALL),
    ROW_KEEP(X86_INS_SCASD, x86_translate_scas, 0, F_ALL),

    ROW(X86_INS_DAA, x86_translate_daa, F_ALL, F_ALL, false),
    ROW(X86_INS_DAS, x86_translate_das, F_ALL, F_ALL, false),
    ROW(X86_INS_AAA, x86_translate_aaa, F_ALL, F_ALL, false),
    ROW(X86_INS_AAS, x86_translate_aas, F_ALL, F_ALL, false),
    ROW(X86_INS_AAM, x86_translate_aam, F_ALL, F_ALL, false),
    ROW(X86_INS_AAD, x86_translate_aad, F_ALL, F_ALL, false),
    ROW(X86_INS_SALC, x86_translate_salc, F_C, 0, false),
    ROW(X86_INS_XLATB, x86_translate_xlat, 0, 0, false),
    ROW(X86_INS_INTO, x86_translate_into, F_ALL, 0, false),
    ROW(X86_INS_BOUND, x86_translate_bound, F_ALL, 0, false),
    ROW(X86_INS_PUSHAL, x86_translate_pusha, 0, 0, false),
    ROW(X86_INS_POPAL, x86_translate_popa, 0, 0, false),
    ROW(X86_INS_PUSHAW, x86_translate_pusha, 0, 0, false),
    ROW(X86_INS_POPAW, x86_translate_popa, 0, 0, false),
    ROW(X86_INS_ENTER, x86_translate_enter, 0, 0, false),
    ROW(X86_INS_ENDBR32, x86_translate_nop, 0, 0, false),
    ROW(X86_INS_CLI, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_STI, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_IN, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_OUT, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_INSB, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_INSW, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_INSD, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_OUTSB, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_OUTSW, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_OUTSD, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_LGDT, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_LIDT, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_LLDT, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_LTR, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_LMSW, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_CLTS, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_INVD, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_WBINVD, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_INVLPG, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_RDMSR, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_WRMSR, x86_translate_privileged, F_ALL, 0, false),
    ROW(X86_INS_RCL, x86_translate_rcl, F_ALL, F_C | F_O, false),
    ROW(X86_INS_RCR, x86_translate_rcr, F_ALL, F_C | F_O, false),
    ROW(X86_INS_CLD, x86_translate_cld, 0, 0, false),
    ROW(X86_INS_STD, x86_translate_std, 0, 0, false),
    ROW(X86_INS_CLC, x86_translate_clc, F_ALL, F_ALL, false),
    ROW(X86_INS_STC, x86_translate_stc, F_ALL, F_ALL, false),
    ROW(X86_INS_CMC, x86_translate_cmc, F_ALL, F_ALL, false),
    ROW(X86_INS_LAHF, x86_translate_lahf, F_ALL, 0, false),
    ROW(X86_INS_SAHF, x86_translate_sahf, F_ALL, F_ALL, false),
    ROW(X86_INS_PUSHFD, x86_translate_pushf, F_ALL, 0, false),
    ROW(X86_INS_POPFD, x86_translate_popf, 0, F_ALL, false),
    ROW(X86_INS_PUSHF, x86_translate_pushf, F_ALL, 0, false),
    ROW(X86_INS_POPF, x86_translate_popf, 0, F_ALL, false),
    ROW(X86_INS_INT, x86_translate_int, F_ALL, 0, false),
    ROW(X86_INS_INT3, x86_translate_int3, F_ALL, 0, false),
    ROW(X86_INS_UD2, x86_translate_ud2, F_ALL, 0, false),
    ROW(X86_INS_UD2B, x86_translate_ud2, F_ALL, 0, false),      /* ud1: #UD by definition */
    ROW(X86_INS_UD0, x86_translate_ud2, F_ALL, 0, false),
    ROW(X86_INS_INT1, x86_translate_int1, F_ALL, 0, false),
    ROW(X86_INS_ARPL, x86_translate_arpl, F_ALL, F_Z, false),
    ROW(X86_INS_RDPMC, x86_translate_privileged, F_ALL, 0, false),  /* #GP without CR4.PCE */
    ROW(X86_INS_SMSW, x86_translate_umip, 0, 0, false),
    ROW(X86_INS_SGDT, x86_translate_umip, 0, 0, false),
    ROW(X86_INS_SIDT, x86_translate_umip, 0, 0, false),
    ROW(X86_INS_SLDT, x86_translate_umip, 0, 0, false),
    ROW(X86_INS_STR, x86_translate_umip, 0, 0, false),
    ROW(X86_INS_HLT, x86_translate_hlt, F_ALL, 0, false),
    ROW(X86_INS_CPUID, x86_translate_cpuid, 0, 0, false),
    ROW(X86_INS_RDTSC, x86_translate_rdtsc, 0, 0, false),
};

const struct x86_insn_row *(*x86_mode_insn_lookup)(unsigned cs_id);

const struct x86_insn_row *x86_insn_lookup(unsigned id)
{
    if (id >= X86_INS_ENDING)
        return NULL;
    if (x86_mode_insn_lookup) {
        const struct x86_insn_row *row = x86_mode_insn_lookup(id);
        if (row)
            return row;
    }
    if (rows[id].translate)
        return &rows[id];
    return x86_fpu_insn_lookup(id);
}
