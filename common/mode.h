/*
 * What the core needs from the mode it is linked into (linux-user or system). Each binary provides
 * these functions; the core never includes a mode's headers.
 */
#ifndef XQM_COMMON_MODE_H
#define XQM_COMMON_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "target/i386/cpu.h"

/*
 * Host pointer to the guest code at pc, and in *avail how many bytes from there are executable and
 * contiguous (0 when pc itself is not executable: the core then raises a fetch fault at pc).
 */
const uint8_t *mode_code_bytes(CPUX86State *env, uint32_t pc, uint32_t *avail);
/* A TB now holds code from this guest page: from now on a write to it must invalidate (SMC). */
void mode_code_page_added(uint32_t page_addr);
/* Whether a store into code that the running TB itself holds stops that TB before it runs the old
 * code (user mode: the SMC step). Only then may a TB follow a call onto another page (translate.c):
 * a store to a code buffer followed by a call to it would otherwise run the stale inlined copy. */
bool mode_smc_stops_running_tb(void);
/* Translation-relevant CPU state that forms part of the TB key. */
uint32_t mode_tb_flags(const CPUX86State *env);
/* Loads segment register seg (R_ES..R_GS) with selector as a user-mode program's mov/pop does:
 * false when the selector is not loadable there (the instruction then raises #GP). */
bool mode_load_segment(CPUX86State *env, int seg, uint32_t selector);

#endif
