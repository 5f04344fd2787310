/*
 * The instruction table of the floating-point and SIMD families (x87, MMX, SSE, SSE2), in the
 * same form as insn_table.c, which consults it for ids it has no row for. Empty until those
 * families are translated: their instructions raise #UD, and CPUID does not report them.
 */
#include "target/i386/internal.h"

const struct x86_insn_row *x86_fpu_insn_lookup(unsigned id)
{
    (void)id;
    return NULL;
}
