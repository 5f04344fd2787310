/*
 * The x86 translator as the rest of the core sees it.
 */
#ifndef XQM_TARGET_I386_TRANSLATE_H
#define XQM_TARGET_I386_TRANSLATE_H

#include "common/tb.h"
#include "host/mips/mips.h"

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

/* Jump cache entries that match nothing point at this TB, whose code returns to the exec loop. */
extern TranslationBlock x86_jc_miss_tb;

#endif
