/*
 * The softmmu as system/ sees it: TLB fill and flush, the C slow paths behind the inline fast
 * path that host/mips/ldst_softmmu.c emits, and code-page tracking for self-modifying code.
 *
 * Slow-path protocol (see ldst_softmmu.c): translated code calls a thunk, which saves every
 * caller-saved register in env->spill and calls one of the helpers below with the guest address,
 * the host return address inside the TB, and the access kind. A helper returns the loaded value
 * (or host address for a probe) and a fault flag in two registers (n64 returns a 16-byte struct in
 * v0/v1). On a fault it has already set env->eip/cc_op to the faulting instruction, CR2 and the
 * error code; the thunk then leaves the TB through the epilogue with EXCP_PF.
 */
#ifndef XQM_SYSTEM_SOFTMMU_H
#define XQM_SYSTEM_SOFTMMU_H

#include <stdint.h>

#include "target/i386/sys.h"

struct ldst_result {
    uint64_t value;
    uint64_t fault;
};

struct ldst_result helper_softmmu_load(CPUX86State *env, uint64_t vaddr, uint64_t retaddr, uint64_t mop);
struct ldst_result helper_softmmu_store(CPUX86State *env, uint64_t vaddr, uint64_t retaddr, uint64_t mop);
struct ldst_result helper_softmmu_probe_write(CPUX86State *env, uint64_t vaddr, uint64_t retaddr, uint64_t mop);

/* Sizes the code-page table for the RAM; called once before any CPU is created. */
void softmmu_init(void);
/* Empties a new CPU's TLB and points its thunk slots at the shared thunks. */
void softmmu_cpu_init(CPUX86State *env);
/* A RAM write from C (device, page walker, loader after start): drops TBs on the page first. */
void softmmu_notify_ram_write(uint64_t paddr, uint32_t len);
/* Ends a one-instruction step (sti shadow) if one ran: its TB is dropped, never chained. */
void softmmu_step_end(CPUX86State *env);
/* Forgets every code page (after tb_flush). */
void softmmu_reset_code_pages(void);

/* The thunks (host/mips/ldst_softmmu.c), generated once; addresses indexed by enum sys_thunk. */
void softmmu_thunks_init(void);
extern uint64_t softmmu_thunk_addr[THUNK_COUNT];

#endif
