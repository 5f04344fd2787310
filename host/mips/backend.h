/*
 * The MIPS host backend as the core sees it: the host register map, the code cache, entering
 * translated code, and patching direct jumps between TBs.
 */
#ifndef XQM_HOST_MIPS_BACKEND_H
#define XQM_HOST_MIPS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "host/mips/mips.h"
#include "target/i386/cpu.h"

/*
 * The register map (also the table in docs/architecture.md). Guest GPRs and env live in callee-saved
 * registers, so C helpers called from translated code preserve them. gp is callee-saved in the n64
 * ABI and every C function that needs its own gp recomputes it from t9, so gp can hold guest_base.
 *
 *   host reg    ABI      holds                                     saved by
 *   $16..$23    s0..s7   EAX ECX EDX EBX ESP EBP ESI EDI          callee (C helpers keep them)
 *   $30         s8       env (CPUX86State *)                      callee
 *   $28         gp       guest_base (user mode)                   callee
 *   $12         t0       CC_RES  } lazy flags, see target/i386/cpu.h caller: spilled to env around
 *   $13         t1       CC_SRC1 }                                 helper calls and at exits
 *   $14         t2       CC_SRC2 }
 *   $15         t3       CC_OP   }
 *   $2 $3 $4-$11 $24     v0 v1 a0-a7 t8   translator temporaries   caller
 *   $25         t9       helper call address (ABI requires it)    caller
 *   $1          at       encoder/emitter scratch, never held across a guest insn
 */
enum {
    HREG_ENV = MIPS_S8,
    HREG_GUEST_BASE = MIPS_GP,
    HREG_CC_RES = MIPS_T0,
    HREG_CC_SRC1 = MIPS_T1,
    HREG_CC_SRC2 = MIPS_T2,
    HREG_CC_OP = MIPS_T3,
};
static inline int hreg_guest(int x86_reg) { return MIPS_S0 + x86_reg; }

/* Value returned by translated code to the exec loop: (tb index << TB_EXIT_BITS) | exit, or this
 * exit number for "no chain" (TB_EXIT_BITS is 3 in common/tb.h). */
enum { HOST_EXIT_NOCHAIN = 7 };

/* Allocates the code cache and generates the prologue/epilogue. */
void host_init(void);
/* Code cache: [start, end). Translation emits directly at the current pointer. */
uint32_t *host_code_ptr(void);
size_t host_code_room_words(void);
void host_code_commit(size_t words);     /* the words just emitted now belong to a TB */
void host_code_reset(void);              /* tb_flush: everything after the prologue is free */
bool host_code_contains(uintptr_t pc);
/* Address translated code jumps to in order to return to the exec loop (v0 = exit value). */
uint64_t host_epilogue_addr(void);
/* Runs translated code at tc with env; returns the exit value. */
uint64_t host_enter(CPUX86State *env, void *tc);
/* Points the direct jump at word `at` to `target` (a TB's code or its own stub) and flushes icache. */
void host_patch_jump(uint32_t *at, void *target);
void host_flush_icache(void *start, size_t bytes);

#endif
