/*
 * The x86 translator as the rest of the core sees it.
 */
#ifndef XQM_TARGET_I386_TRANSLATE_H
#define XQM_TARGET_I386_TRANSLATE_H

#include "common/tb.h"
#include "host/mips/mips.h"

/*
 * TB flag bits the translator itself reads (a mode's mode_tb_flags sets the first three, user
 * mode never; the exec loop adds TF). Flat 32-bit code has none of them and is translated exactly
 * as if they did not exist.
 *   CODE16:   CS.D = 0: default operand and address size 16 (capstone's 16-bit mode).
 *   NOT_FLAT: some of CS/DS/ES/SS has a nonzero base or a limit below 4 GiB, or the CPU is in
 *             real mode: every memory access adds its segment's base (env->segs[].base) to the
 *             offset after a limit check, and no access may assume base 0.
 *   SS16:     with NOT_FLAT, SS.B = 0: the stack pointer is SP (16 bits) and wraps at 64 KiB.
 *   TF:       EFLAGS.TF is set: single-stepping (SDM vol. 3, 17.3.1.4). The TB is one instruction
 *             (a rep string instruction one iteration), has no cc guard, exit-request check or
 *             jump-cache probe, and always returns to the exec loop, which never chains into it
 *             nor puts it in the jump cache; when the instruction completed without an exception,
 *             the exec loop raises the single-step trap, #DB with eip after it.
 * Bits 6..9, clear of the modes' own bits.
 */
enum { X86_TBF_CODE16 = 1 << 6, X86_TBF_NOT_FLAT = 1 << 7, X86_TBF_SS16 = 1 << 8, X86_TBF_TF = 1 << 9 };

/* Creates the decoder; called once from tb_init. */
void x86_translate_init(void);

/*
 * Translates the guest code at tb->pc into b (which sits at its final address in the code cache),
 * filling tb's exits, size and host-pc map. Returns false when no instruction at tb->pc could be
 * fetched (then *fault_exception says which exception to raise at tb->pc).
 */
bool x86_translate_tb(CPUX86State *env, TranslationBlock *tb, struct mips_buf *b, int *fault_exception);

/* Forgets everything the translator remembers about guest code (called on any invalidation). */
void x86_liveness_forget(void);

/* Prints the one-line report for an instruction xqm does not translate, found at eip. */
void x86_report_unsupported(CPUX86State *env, uint32_t eip);

/* Rows a mode adds to or replaces in the instruction table, consulted first when set: xqm-system
 * installs x86_sys_insn_lookup (target/i386/sys_table.c); user mode leaves it NULL. */
struct x86_insn_row;
extern const struct x86_insn_row *(*x86_mode_insn_lookup)(unsigned cs_id);

/*
 * Every TB starts with the exit-request check: `lw at, exit_request(env); bnel at, zero, request;
 * lui at, ...` (the lui is the bnel's delay slot, annulled when not taken). A chainable exit's `j`
 * carries that lw in its own delay slot (x86_emit_exit_request_load), so a chained jump enters the
 * target TB_CHAINED_ENTRY_WORDS in. A jump to a TB at a higher guest pc than its source's may even
 * skip the check (TB_UNCHECKED_ENTRY_WORDS): every cycle of chained TBs has an edge that does not
 * go up in pc, and that edge checks, so a loop still sees an exit request within one iteration.
 */
enum { TB_CHAINED_ENTRY_WORDS = 1, TB_UNCHECKED_ENTRY_WORDS = 3 };
/*
 * A TB specialised for an incoming lazy op (tb->cc_in) starts with a TB_GUARD_WORDS-word guard
 * (`li at, op; bne t3, at, generic; nop`) before the check, so the offsets above count from
 * there, and a chained jump whose source leaves with that very op (exit_cc) skips the guard too.
 */
enum { TB_GUARD_WORDS = 3 };
void x86_emit_exit_request_load(struct mips_buf *b);

/* Jump cache entries that match nothing point at this TB, whose code returns to the exec loop. */
extern TranslationBlock x86_jc_miss_tb;

#endif
