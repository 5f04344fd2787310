/*
 * Private to target/i386: the translation context, the instruction table, and the pieces every
 * instruction family uses (operands, flags, exits, helper calls).
 *
 * Conventions every translator follows:
 * - A guest GPR lives in its pinned host register as a sign-extended 32-bit value.
 * - Values of 8/16-bit operands in temporaries have only their low 8/16 bits defined unless a
 *   function says otherwise; flag computation masks or extends as it needs.
 * - Precise faults: an instruction first does everything that can fault (loads, stores), and only
 *   then writes guest registers and the lazy-flags registers, so a fault leaves the state exactly as
 *   before the instruction (the host-pc map records eip and cc_op at each instruction start).
 * - Temporaries come from dc_temp() and are released at the end of each guest instruction; none
 *   survives a helper call.
 */
#ifndef XQM_TARGET_I386_INTERNAL_H
#define XQM_TARGET_I386_INTERNAL_H

#include <capstone/capstone.h>

#include "common/tb.h"
#include "host/mips/backend.h"
#include "host/mips/ldst.h"
#include "host/mips/mips.h"
#include "target/i386/cpu.h"

enum { CC_OP_DYNAMIC = -1 };

typedef struct DisasContext {
    struct mips_buf *b;
    TranslationBlock *tb;
    const cs_insn *insn;
    const cs_x86 *x86;
    uint32_t pc;                /* eip of the current instruction */
    size_t insn_start;          /* its first host word (one less if a delay slot took the word
                                 * before it: see flags_branch_delay_slot) */
    uint32_t next_pc;
    uint32_t flags_live_after;  /* CC_* bits some later instruction may read */
    const cs_insn *next_insn;   /* the following instruction of this TB, or NULL */
    uint32_t next_live_after;   /* its flags_live_after */
    /* A cmp/test whose flags only the next jcc reads: no lazy state is recorded and the jcc
     * branches on the operands directly (flags.c). */
    struct { bool valid, logic, is_imm; int a, b; int32_t imm; } pending_cmp;
    int cc_op;                  /* lazy op known at translation time, or CC_OP_DYNAMIC */
    bool cc_op_synced;          /* HREG_CC_OP already holds cc_op */
    bool tb_ended;              /* the instruction ended the TB (it emitted its exits) */
    bool single_step;           /* EFLAGS.TF: a one-instruction TB that returns to the exec loop */
    int nexits;
    uint32_t temps_used;        /* host registers handed out by dc_temp */
    /* The current instruction's memory operand address, computed once for read-modify-write. */
    int ea_reg;
    int16_t ea_off;             /* guest address = ea_reg + ea_off */
    bool ea_aligned;            /* a stack slot: accessed as naturally aligned */
    /* Segmentation (X86_TBF_* of the TB). In a not-flat TB every access adds the base of acc_seg
     * (R_ES..R_GS, -1: DS) to its offset, wrapped at 64 KiB when acc_addr16; translators set them
     * with dc_access_seg before accesses not made through a memory operand (stack, strings). */
    bool code16, not_flat, ss16;
    int acc_seg;
    bool acc_addr16;
    int ea_seg;                 /* the memory operand's segment (set with ea_reg) */
    bool ea_linear;             /* ea_reg already holds the linear address (not-flat TBs) */
    bool lim_fault_valid[2];    /* this instruction's #GP / #SS exits for limit violations */
    mips_label lim_fault[2];
    /* LOCK (or xchg with memory): the read-modify-write of operand 0 is an ll/sc loop, see
     * operand.c. The lk_* fields carry the loop's registers from the load to the store. */
    bool locked;
    int lk_host, lk_mis, lk_shift, lk_raw, lk_size;
    mips_label lk_retry;
    mips_label exit_request_label;
    /* Exception exits branched to from the middle of the TB, emitted after its last instruction. */
    int nool;
    struct { mips_label label; int excp; uint32_t pc, next_pc; } ool[32];
    /* Taken sides of conditional branches inside the TB, emitted after its last instruction too;
     * sync_op is the lazy op to put in HREG_CC_OP on the way out, or -1. */
    int ndeferred;
    struct { mips_label label; uint32_t target; int sync_op, exit_op; bool guard; } deferred[TB_MAX_EXITS];
} DisasContext;

/* --- the instruction table (insn_table.c) --- */
typedef bool (*x86_translate_fn)(DisasContext *dc);
struct x86_insn_row {
    x86_translate_fn translate;
    uint16_t flags_read;        /* CC_* bits read */
    uint16_t flags_written;     /* CC_* bits written or left undefined */
    bool lockable;              /* LOCK prefix allowed (with a memory destination) */
    bool may_keep;              /* may leave every flag unchanged at run time (count 0, ecx 0) */
};
/* The row for a capstone instruction id, or NULL if xqm does not translate it. */
const struct x86_insn_row *x86_insn_lookup(unsigned cs_id);
/* The same for the x87/MMX/SSE families, whose rows live in fpu_table.c. */
const struct x86_insn_row *x86_fpu_insn_lookup(unsigned cs_id);

/* --- analysis (liveness.c) --- */
/* live_after[i] = the arithmetic flags some instruction after in[i] may read before they are
 * overwritten, looking into the TB's successors where they are known. */
void flags_liveness(CPUX86State *env, cs_insn *const *in, int n, uint16_t *live_after, uint16_t *live_in);
/* The capstone handle the translator decodes with (translate.c). */
csh x86_cs_handle(void);
/* Decodes the instruction at guest pc (code: its bytes, avail of them readable) into out, a
 * cs_insn from cs_malloc on that handle. False if the bytes are no valid instruction. */
bool x86_decode(const uint8_t *code, uint32_t avail, uint32_t pc, cs_insn *out);
/* Guest code at eip of the TB being translated (its CS base added), as mode_code_bytes. */
const uint8_t *x86_code_bytes(CPUX86State *env, uint32_t eip, uint32_t *avail);
/* The TB being translated is 32-bit code with CS base 0 (what liveness's successor memo keys on). */
bool x86_decoding_flat(void);
/* Whether an instruction is a jump, call, return or interrupt. */
bool x86_is_control_transfer(const cs_insn *insn);
/* Whether it is a Jcc with an immediate target (which may sit inside a TB). */
bool x86_is_direct_jcc(const cs_insn *insn);

/* The operand size is 16 bits: 0x66 toggles the default that CS.D sets (SDM vol. 1, 3.6). */
static inline bool dc_op16(const DisasContext *dc)
{
    return (dc->x86->prefix[2] == X86_PREFIX_OPSIZE) != dc->code16;
}

/* --- temporaries and small emit helpers (translate.c) --- */
int dc_temp(DisasContext *dc);
void dc_temp_free(DisasContext *dc, int reg);

/* --- operands (operand.c) --- */
const cs_x86_op *dc_op(const DisasContext *dc, int i);
int dc_op_size(const DisasContext *dc, int i);          /* 1, 2 or 4 bytes */
/* log2 of the operand size: 0, 1, 2. */
int dc_op_log2(const DisasContext *dc, int i);
/* Maps a capstone register to (x86 GPR, byte offset: 0 or 1 for AH..BH, size). False if not a GPR. */
bool x86_gpr(unsigned cs_reg, int *gpr, int *byte_off, int *size);
/* Emits the effective address of memory operand i into a register (may be a guest register itself
 * when the address is just a base register). Flat TBs add FS/GS bases here; not-flat TBs add the
 * segment base at the access (gen_ld/gen_st), so there it is the offset. */
int gen_ea(DisasContext *dc, const cs_x86_op *op);
/* The linear address of memory operand op (segment base added, limit checked for `size` bytes in
 * not-flat TBs), for helpers that access guest memory from C. */
int gen_ea_linear(DisasContext *dc, const cs_x86_op *op, int size);
/* The segment (R_ES..R_GS) and address size of the next accesses not made through a memory operand. */
void dc_access_seg(DisasContext *dc, int seg, bool addr16);
/* dst = the effective address of op (dst may be one of its base/index registers). */
void gen_ea_into(DisasContext *dc, const cs_x86_op *op, int dst);
/* Loads 32-bit memory operand i straight into dst (a guest register). */
int gen_load_op_into(DisasContext *dc, int i, int dst);
/* Loads 8/16-bit memory operand i, zero- (extend > 0) or sign-extended (< 0), straight into dst (a
 * guest register): the load either faults before writing dst or completes, so faults stay precise. */
void gen_load_narrow_into(DisasContext *dc, int i, int dst, int extend);
/* Value of operand i in a register: guest register, fresh temp, or ZERO. extend: 0 = low bits only,
 * 1 = zero-extended, -1 = sign-extended to 32 bits (and then sign-extended to 64 as always). */
int gen_load_op(DisasContext *dc, int i, int extend);
/* Stores value (low bits per the operand size) to operand i (register or memory, using dc->ea_reg
 * when gen_load_op already computed it). */
void gen_store_op(DisasContext *dc, int i, int value);
/* The next accesses are stack accesses: SS, through SP when SS.B = 0. */
void dc_stack_access(DisasContext *dc);
/* esp += delta, or SP += delta (wrapping at 64 KiB, the top of ESP kept) with a 16-bit stack. */
void gen_sp_add(DisasContext *dc, int32_t delta);
/* Loads/stores of guest memory through the mode's access emitter. */
void gen_ld(DisasContext *dc, unsigned mop, int dst, int addr);
void gen_st(DisasContext *dc, unsigned mop, int src, int addr);
void gen_ld_off(DisasContext *dc, unsigned mop, int dst, int addr, int16_t off);
/* host = the host address of guest address addr, for ll/sc sequences. */
void gen_host_addr(DisasContext *dc, int host, int addr);
void gen_st_off(DisasContext *dc, unsigned mop, int src, int addr, int16_t off);
/* Copies n (even) bytes between guest memory at addr and env at env_off as one x86 access: precise
 * on a fault (nothing done) up to 16 bytes; aligned: addr is known n-aligned. */
void gen_env_mem_copy(DisasContext *dc, int addr, int16_t env_off, int n, bool to_env, bool aligned);
/* The same for the first n bytes of a span-byte FPU image (n <= span, both above 16): precise on a
 * fault as on the reference CPU, which checks the first and the last byte of the span first (the
 * last and then the first with last_first, as for fxsave/fxrstor). */
void gen_env_mem_area(DisasContext *dc, int addr, int16_t env_off, int n, int span, bool to_env, bool last_first);
/* Writes a 32/16/8-bit value into guest GPR gpr (byte_off 1 = AH..BH). */
void gen_write_gpr(DisasContext *dc, int gpr, int byte_off, int size, int value);
void gen_push(DisasContext *dc, int value, int size);

/* --- lazy flags (flags.c) --- */
static inline bool flags_needed(const DisasContext *dc, uint32_t mask)
{
    return (dc->flags_live_after & mask) != 0;
}
/* Records the lazy flag state of the current instruction (op from CC_OP(kind, size)). src2 may be
 * MIPS_ZERO. Call after anything that can fault. Does nothing if none of `written` is live. */
void flags_set(DisasContext *dc, uint32_t written, unsigned op, int res, int src1, int src2);
/* The same in two steps, for instructions that compute straight into a guest register: the sources
 * are recorded before the destination is overwritten (false: flags not needed, skip flags_end),
 * the result after. Nothing between the two may fault. */
bool flags_begin(DisasContext *dc, uint32_t written, unsigned op, int src1, int src2);
void flags_end(DisasContext *dc, unsigned op, int res);
/* For cmp (logic = false) or test of 32-bit a with register b or immediate imm: true if the next
 * instruction is a jcc that alone reads these flags and can branch on the operands directly; the
 * comparison is then left pending for it. */
bool flags_try_fuse_compare(DisasContext *dc, bool logic, int a, int b, bool is_imm, int32_t imm);
/* The condition code of the next instruction if it is a jcc that could branch on the operands of
 * this cmp (logic = false) or test directly, else -1. */
int flags_fusable_jcc(const DisasContext *dc, bool logic);
/* Records the lazy state on a path that runs only sometimes (a shift by CL = 0, a rep with ecx = 0
 * skip it): HREG_CC_OP is written as well, and after the instruction the op is known only at run
 * time (CC_OP_DYNAMIC). The caller synced HREG_CC_OP before the paths split. */
void flags_set_dynamic(DisasContext *dc, unsigned op, int res, int src1, int src2);
/* Makes HREG_CC_OP hold the current op (needed before exits and helper calls). */
void flags_sync(DisasContext *dc);
/* A helper rewrote the lazy flags in env (gen_helper_call reloaded them): from here on cc_op is
 * only known at run time. */
void flags_from_env(DisasContext *dc);
/* dst = 1 if condition code cc (0..15, the low nibble of Jcc/SETcc/CMOVcc) holds, else 0. */
void flags_emit_cond(DisasContext *dc, int cc, int dst);
/* The same without the final inversion some conditions need: returns true if dst = cc holds,
 * false if dst = cc does not hold (dst is 0 or 1 either way). */
bool flags_emit_cond_sense(DisasContext *dc, int cc, int dst);
/* Branches to l if condition cc holds (the delay slot is filled with a nop). */
void flags_emit_branch(DisasContext *dc, int cc, mips_label l);
/* dst = CF as 0/1. */
void flags_emit_cf(DisasContext *dc, int dst);
/* dst = the six arithmetic flags as eflags bits. */
void flags_materialize(DisasContext *dc, int dst);
/* The same for callers that then write both CF (bit 0) and OF (bit 11): those two bits of dst are
 * left undefined, which saves computing them from an inline lazy op (rotates). */
void flags_materialize_szap(DisasContext *dc, int dst);
/* x86 condition codes, the low nibble of Jcc/SETcc/CMOVcc; odd ones negate the one before. */
enum { X86_CC_O, X86_CC_NO, X86_CC_B, X86_CC_AE, X86_CC_E, X86_CC_NE, X86_CC_BE, X86_CC_A,
       X86_CC_S, X86_CC_NS, X86_CC_P, X86_CC_NP, X86_CC_L, X86_CC_GE, X86_CC_LE, X86_CC_G };
/* The condition code of a Jcc/SETcc/CMOVcc capstone id, or -1. */
int x86_cond_of(unsigned cs_id);

/* --- exits and helper calls (exit.c) --- */
/* Direct jump to guest eip `target`: chainable exit number dc->nexits++. */
void gen_goto_eip(DisasContext *dc, uint32_t target);
/* Jump to the guest eip held in reg (inline jump-cache lookup, else back to the exec loop). */
void gen_goto_reg(DisasContext *dc, int reg);
/* Return to the exec loop without chaining (it looks the next TB up): with env->eip as it is, set
 * from reg, or set to the constant eip (through MIPS_AT). The caller has synced the flags. */
void gen_exit_nochain(DisasContext *dc);
void gen_exit_nochain_reg(DisasContext *dc, int reg);
void gen_exit_nochain_pc(DisasContext *dc, uint32_t eip);
/* After a successful load of SS: when single-stepping, the trap waits for the next instruction. */
void gen_ss_loaded(DisasContext *dc);
/* Leaves translated code raising exception excp at the current instruction (eip = dc->pc), or
 * after it (eip = dc->next_pc) for traps such as int $0x80. */
void gen_exception(DisasContext *dc, int excp, bool after);
/* A label that raises excp at the current instruction when branched to (conditional faults like
 * #DE); its code is emitted out of line at the end of the TB. */
mips_label gen_exception_label(DisasContext *dc, int excp);
/* The same for a trap, reported with eip after the instruction (into: SDM vol. 3, 6.5). */
mips_label gen_trap_label(DisasContext *dc, int excp);
/* A conditional branch inside the TB: branching to the returned label leaves the TB for target. */
mips_label gen_deferred_exit(DisasContext *dc, uint32_t target);
/* The exit an incoming-flags guard branches to on a miss: to the TB's generic variant. */
mips_label gen_cc_guard_exit(DisasContext *dc);
/* Emits the out-of-line exception exits and deferred branch exits (once per TB, at its end). */
void gen_ool_exits(DisasContext *dc);
/*
 * Calls a C function fn(env, arg1, arg2, arg3) (args are host registers, or -1 for none) and puts its
 * return value in `result` (-1: ignore it). Live temporaries and the lazy-flags registers survive
 * the call; with sync_regs the guest registers and eip are written to env before and the guest
 * registers read back after (for helpers that read or change them).
 */
void gen_helper_call(DisasContext *dc, void *fn, bool sync_regs, int result, int arg1, int arg2, int arg3);

/* --- instruction families --- */
bool x86_translate_mov(DisasContext *dc);
bool x86_translate_movzx(DisasContext *dc);
bool x86_translate_movsx(DisasContext *dc);
bool x86_translate_lea(DisasContext *dc);
bool x86_translate_xchg(DisasContext *dc);
bool x86_translate_push(DisasContext *dc);
bool x86_translate_pop(DisasContext *dc);
bool x86_translate_leave(DisasContext *dc);
bool x86_translate_cwde(DisasContext *dc);
bool x86_translate_cdq(DisasContext *dc);
bool x86_translate_cbw(DisasContext *dc);
bool x86_translate_cwd(DisasContext *dc);
bool x86_translate_bswap(DisasContext *dc);
bool x86_translate_nop(DisasContext *dc);

bool x86_translate_add(DisasContext *dc);
bool x86_translate_adc(DisasContext *dc);
bool x86_translate_sub(DisasContext *dc);
bool x86_translate_sbb(DisasContext *dc);
bool x86_translate_cmp(DisasContext *dc);
bool x86_translate_and(DisasContext *dc);
bool x86_translate_or(DisasContext *dc);
bool x86_translate_xor(DisasContext *dc);
bool x86_translate_test(DisasContext *dc);
bool x86_translate_inc(DisasContext *dc);
bool x86_translate_dec(DisasContext *dc);
bool x86_translate_neg(DisasContext *dc);
bool x86_translate_not(DisasContext *dc);

bool x86_translate_shl(DisasContext *dc);
bool x86_translate_shr(DisasContext *dc);
bool x86_translate_sar(DisasContext *dc);
bool x86_translate_rol(DisasContext *dc);
bool x86_translate_ror(DisasContext *dc);
bool x86_translate_shld(DisasContext *dc);
bool x86_translate_shrd(DisasContext *dc);

bool x86_translate_bt(DisasContext *dc);
bool x86_translate_bts(DisasContext *dc);
bool x86_translate_btr(DisasContext *dc);
bool x86_translate_btc(DisasContext *dc);
bool x86_translate_bsf(DisasContext *dc);
bool x86_translate_bsr(DisasContext *dc);
bool x86_translate_xadd(DisasContext *dc);
bool x86_translate_cmpxchg(DisasContext *dc);
bool x86_translate_cmpxchg8b(DisasContext *dc);

bool x86_translate_mul(DisasContext *dc);
bool x86_translate_imul(DisasContext *dc);
bool x86_translate_div(DisasContext *dc);
bool x86_translate_idiv(DisasContext *dc);

bool x86_translate_jmp(DisasContext *dc);
bool x86_translate_jcc(DisasContext *dc);
bool x86_translate_call(DisasContext *dc);
bool x86_translate_ret(DisasContext *dc);
/* far.c: far jmp/call/ret between flat 32-bit code segments (user mode) */
bool x86_translate_ljmp(DisasContext *dc);
bool x86_translate_lcall(DisasContext *dc);
bool x86_translate_retf(DisasContext *dc);
bool x86_translate_iret(DisasContext *dc);
bool x86_translate_lxs(DisasContext *dc);
/* The segment register lds/les/lfs/lgs/lss (capstone id) loads. */
int x86_lxs_segment(unsigned id);
bool x86_translate_setcc(DisasContext *dc);
bool x86_translate_cmovcc(DisasContext *dc);
bool x86_translate_jecxz(DisasContext *dc);
bool x86_translate_loop(DisasContext *dc);

bool x86_translate_movs(DisasContext *dc);
bool x86_translate_stos(DisasContext *dc);
bool x86_translate_lods(DisasContext *dc);
bool x86_translate_cmps(DisasContext *dc);
bool x86_translate_scas(DisasContext *dc);

bool x86_translate_cld(DisasContext *dc);
bool x86_translate_std(DisasContext *dc);
bool x86_translate_clc(DisasContext *dc);
bool x86_translate_stc(DisasContext *dc);
bool x86_translate_cmc(DisasContext *dc);
bool x86_translate_int(DisasContext *dc);
bool x86_translate_int3(DisasContext *dc);
bool x86_translate_ud2(DisasContext *dc);
bool x86_translate_int1(DisasContext *dc);
bool x86_translate_arpl(DisasContext *dc);
bool x86_translate_umip(DisasContext *dc);
bool x86_translate_hlt(DisasContext *dc);
bool x86_translate_cpuid(DisasContext *dc);
bool x86_translate_rdtsc(DisasContext *dc);
bool x86_translate_pushf(DisasContext *dc);
bool x86_translate_popf(DisasContext *dc);
bool x86_translate_lahf(DisasContext *dc);
bool x86_translate_sahf(DisasContext *dc);
bool x86_translate_mov_seg(DisasContext *dc);
/* Loads segment register seg with the selector in sel as a user program's mov does (the mode
 * checks it): #GP(selector) at this instruction when it may not. */
void gen_load_segment(DisasContext *dc, int seg, int sel);
bool x86_translate_xlat(DisasContext *dc);
bool x86_translate_into(DisasContext *dc);
bool x86_translate_bound(DisasContext *dc);
bool x86_translate_privileged(DisasContext *dc);
bool x86_translate_daa(DisasContext *dc);
bool x86_translate_das(DisasContext *dc);
bool x86_translate_aaa(DisasContext *dc);
bool x86_translate_aas(DisasContext *dc);
bool x86_translate_aam(DisasContext *dc);
bool x86_translate_aad(DisasContext *dc);
bool x86_translate_salc(DisasContext *dc);
bool x86_translate_pusha(DisasContext *dc);
bool x86_translate_popa(DisasContext *dc);
bool x86_translate_enter(DisasContext *dc);
bool x86_translate_rcl(DisasContext *dc);
bool x86_translate_rcr(DisasContext *dc);

/* --- C helpers called from translated code (helper.c) --- */
uint64_t helper_cc_compute_all(CPUX86State *env);
uint64_t helper_cpuid(CPUX86State *env);
uint64_t helper_arpl(CPUX86State *env, uint64_t dst, uint64_t src);
uint64_t helper_rdtsc(CPUX86State *env);
uint64_t helper_load_seg(CPUX86State *env, uint64_t seg, uint64_t selector);
uint64_t helper_popf(CPUX86State *env, uint64_t value, uint64_t mask);
uint64_t helper_read_eflags(CPUX86State *env);
uint64_t helper_bcd(CPUX86State *env, uint64_t op, uint64_t imm);
uint64_t helper_rcl(CPUX86State *env, uint64_t value, uint64_t count_size);

#endif
