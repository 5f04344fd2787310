/*
 * Private to target/i386/sys_*.c: the translators of system instructions (sys_insn.c), listed in
 * sys_table.c, and the C helpers they call (sys_helper.c; protocol described there).
 */
#ifndef XQM_TARGET_I386_SYS_INSN_H
#define XQM_TARGET_I386_SYS_INSN_H

#include "target/i386/internal.h"

/* What a helper returns (sys_helper.c). */
enum { SYS_HELPER_OK = 0, SYS_HELPER_RAISED = 1, SYS_HELPER_EXIT = 2 };
/* Argument flags: a 16-bit far transfer (ljmp/lcall/lret), 16-bit addressing for ins/outs. */
enum { SYS_FAR_OP16 = 1 << 16, SYS_IO_ADDR16 = 1 << 8 };

bool sys_translate_in(DisasContext *dc);
bool sys_translate_out(DisasContext *dc);
bool sys_translate_ins(DisasContext *dc);
bool sys_translate_outs(DisasContext *dc);
bool sys_translate_cli(DisasContext *dc);
bool sys_translate_sti(DisasContext *dc);
bool sys_translate_hlt(DisasContext *dc);
bool sys_translate_popf(DisasContext *dc);
bool sys_translate_mov(DisasContext *dc);
bool sys_translate_pop(DisasContext *dc);
bool sys_translate_lxs(DisasContext *dc);
bool sys_translate_lgdt(DisasContext *dc);
bool sys_translate_sgdt(DisasContext *dc);
bool sys_translate_lldt_ltr(DisasContext *dc);
bool sys_translate_read_sysreg(DisasContext *dc);
bool sys_translate_lmsw(DisasContext *dc);
bool sys_translate_clts(DisasContext *dc);
bool sys_translate_invlpg(DisasContext *dc);
bool sys_translate_cache(DisasContext *dc);
bool sys_translate_msr(DisasContext *dc);
bool sys_translate_rdtsc(DisasContext *dc);
bool sys_translate_cpuid(DisasContext *dc);
bool sys_translate_ljmp(DisasContext *dc);
bool sys_translate_lcall(DisasContext *dc);
bool sys_translate_retf(DisasContext *dc);
bool sys_translate_iret(DisasContext *dc);
bool sys_translate_int(DisasContext *dc);
bool sys_translate_sysenter(DisasContext *dc);
bool sys_translate_desc_query(DisasContext *dc);
bool sys_translate_fpu_guard(DisasContext *dc);

uint64_t helper_sys_in(CPUX86State *env, uint64_t port, uint64_t size_log2, uint64_t unused);
uint64_t helper_sys_out(CPUX86State *env, uint64_t port, uint64_t size_log2, uint64_t unused);
uint64_t helper_sys_ins(CPUX86State *env, uint64_t how, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_outs(CPUX86State *env, uint64_t how, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_cli(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_sti(CPUX86State *env, uint64_t next_eip, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_popf(CPUX86State *env, uint64_t value, uint64_t opsize, uint64_t unused);
uint64_t helper_sys_mov_to_cr(CPUX86State *env, uint64_t n, uint64_t value, uint64_t unused);
uint64_t helper_sys_mov_from_cr(CPUX86State *env, uint64_t n, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_mov_to_dr(CPUX86State *env, uint64_t n, uint64_t value, uint64_t unused);
uint64_t helper_sys_mov_from_dr(CPUX86State *env, uint64_t n, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_lgdt(CPUX86State *env, uint64_t ea, uint64_t which, uint64_t opsize);
uint64_t helper_sys_sgdt(CPUX86State *env, uint64_t ea, uint64_t which, uint64_t unused);
uint64_t helper_sys_read_sysreg(CPUX86State *env, uint64_t which, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_lldt(CPUX86State *env, uint64_t selector, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_ltr(CPUX86State *env, uint64_t selector, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_lmsw(CPUX86State *env, uint64_t value, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_clts(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_load_seg(CPUX86State *env, uint64_t seg, uint64_t selector, uint64_t unused);
uint64_t helper_sys_lxs(CPUX86State *env, uint64_t how, uint64_t ea, uint64_t unused);
uint64_t helper_sys_ljmp(CPUX86State *env, uint64_t selector, uint64_t offset, uint64_t unused);
uint64_t helper_sys_ljmp_m(CPUX86State *env, uint64_t ea, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_lcall(CPUX86State *env, uint64_t selector, uint64_t offset, uint64_t next_eip);
uint64_t helper_sys_lcall_m(CPUX86State *env, uint64_t ea, uint64_t next_eip, uint64_t unused);
uint64_t helper_sys_lret(CPUX86State *env, uint64_t imm, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_iret(CPUX86State *env, uint64_t opsize, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_sysenter(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_sysexit(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_int(CPUX86State *env, uint64_t vector, uint64_t next_eip, uint64_t unused);
uint64_t helper_sys_invlpg(CPUX86State *env, uint64_t ea, uint64_t unused1, uint64_t unused2);
uint64_t helper_sys_rdmsr(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_wrmsr(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_rdtsc(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_cpuid(CPUX86State *env, uint64_t unused1, uint64_t unused2, uint64_t unused3);
uint64_t helper_sys_desc_query(CPUX86State *env, uint64_t selector, uint64_t how, uint64_t unused);

#endif
