/*
 * The instruction rows xqm-system adds to or replaces in the core table (insn_table.c): the
 * privileged and protected-mode instructions, which user mode turns into #GP or #UD. The core
 * consults this table first when system mode has installed it (x86_mode_insn_lookup).
 *
 * The x87, MMX and SSE rows (fpu_table.c) are served wrapped: CR0.TS and CR0.EM turn them into #NM
 * or #UD (sys_translate_fpu_guard), which user mode never needs.
 *
 * Flags columns as in insn_table.c. Instructions that rewrite eflags from memory (popf, iret) or
 * report through ZF (lar, lsl, verr, verw) list every flag as written; the latter also read every
 * flag, since the others are kept.
 */
#include "target/i386/sys.h"
#include "target/i386/sys_insn.h"

#define ROW(id, fn, rd, wr) [id] = { fn, rd, wr, false, false }

static const struct x86_insn_row rows[X86_INS_ENDING] = {
    ROW(X86_INS_IN, sys_translate_in, 0, 0),
    ROW(X86_INS_OUT, sys_translate_out, 0, 0),
    ROW(X86_INS_INSB, sys_translate_ins, 0, 0),
    ROW(X86_INS_INSW, sys_translate_ins, 0, 0),
    ROW(X86_INS_INSD, sys_translate_ins, 0, 0),
    ROW(X86_INS_OUTSB, sys_translate_outs, 0, 0),
    ROW(X86_INS_OUTSW, sys_translate_outs, 0, 0),
    ROW(X86_INS_OUTSD, sys_translate_outs, 0, 0),
    ROW(X86_INS_CLI, sys_translate_cli, 0, 0),
    ROW(X86_INS_STI, sys_translate_sti, 0, 0),
    ROW(X86_INS_HLT, sys_translate_hlt, 0, 0),
    ROW(X86_INS_POPF, sys_translate_popf, 0, CC_ALL),
    ROW(X86_INS_POPFD, sys_translate_popf, 0, CC_ALL),
    ROW(X86_INS_MOV, sys_translate_mov, 0, 0),
    ROW(X86_INS_POP, sys_translate_pop, 0, 0),
    ROW(X86_INS_LDS, sys_translate_lxs, 0, 0),
    ROW(X86_INS_LES, sys_translate_lxs, 0, 0),
    ROW(X86_INS_LFS, sys_translate_lxs, 0, 0),
    ROW(X86_INS_LGS, sys_translate_lxs, 0, 0),
    ROW(X86_INS_LSS, sys_translate_lxs, 0, 0),
    ROW(X86_INS_LGDT, sys_translate_lgdt, 0, 0),
    ROW(X86_INS_LIDT, sys_translate_lgdt, 0, 0),
    ROW(X86_INS_SGDT, sys_translate_sgdt, 0, 0),
    ROW(X86_INS_SIDT, sys_translate_sgdt, 0, 0),
    ROW(X86_INS_LLDT, sys_translate_lldt_ltr, 0, 0),
    ROW(X86_INS_LTR, sys_translate_lldt_ltr, 0, 0),
    ROW(X86_INS_SLDT, sys_translate_read_sysreg, 0, 0),
    ROW(X86_INS_STR, sys_translate_read_sysreg, 0, 0),
    ROW(X86_INS_SMSW, sys_translate_read_sysreg, 0, 0),
    ROW(X86_INS_LMSW, sys_translate_lmsw, 0, 0),
    ROW(X86_INS_CLTS, sys_translate_clts, 0, 0),
    ROW(X86_INS_INVLPG, sys_translate_invlpg, 0, 0),
    ROW(X86_INS_WBINVD, sys_translate_cache, 0, 0),
    ROW(X86_INS_INVD, sys_translate_cache, 0, 0),
    ROW(X86_INS_RDMSR, sys_translate_msr, 0, 0),
    ROW(X86_INS_WRMSR, sys_translate_msr, 0, 0),
    ROW(X86_INS_RDTSC, sys_translate_rdtsc, 0, 0),
    ROW(X86_INS_CPUID, sys_translate_cpuid, 0, 0),
    ROW(X86_INS_LJMP, sys_translate_ljmp, 0, 0),
    ROW(X86_INS_LCALL, sys_translate_lcall, 0, 0),
    ROW(X86_INS_RETF, sys_translate_retf, 0, 0),
    ROW(X86_INS_IRET, sys_translate_iret, 0, CC_ALL),
    ROW(X86_INS_IRETD, sys_translate_iret, 0, CC_ALL),
    ROW(X86_INS_INT, sys_translate_int, CC_ALL, 0),
    ROW(X86_INS_SYSENTER, sys_translate_sysenter, 0, 0),
    ROW(X86_INS_SYSEXIT, sys_translate_sysenter, 0, 0),
    ROW(X86_INS_LAR, sys_translate_desc_query, CC_ALL, CC_ALL),
    ROW(X86_INS_LSL, sys_translate_desc_query, CC_ALL, CC_ALL),
    ROW(X86_INS_VERR, sys_translate_desc_query, CC_ALL, CC_ALL),
    ROW(X86_INS_VERW, sys_translate_desc_query, CC_ALL, CC_ALL),
};

/* The floating-point and SIMD rows, each wrapped by the CR0.TS/EM check (filled on first use,
 * under tb_lock like every lookup). */
static struct x86_insn_row fpu_rows[X86_INS_ENDING];

const struct x86_insn_row *x86_sys_insn_lookup(unsigned id)
{
    if (id >= X86_INS_ENDING)
        return NULL;
    if (rows[id].translate)
        return &rows[id];
    if (!fpu_rows[id].translate) {
        const struct x86_insn_row *f = x86_fpu_insn_lookup(id);
        if (!f)
            return NULL;
        fpu_rows[id] = *f;
        fpu_rows[id].translate = sys_translate_fpu_guard;
    }
    return &fpu_rows[id];
}
