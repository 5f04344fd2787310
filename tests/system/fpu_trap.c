/* CR0.TS and CR0.EM for lazy FPU switching: x87 instructions raise #NM while TS is set and run
 * again after clts; with EM, x87 raises #NM and SSE #UD; wait faults only with TS and MP. */
#include "lib/test.h"

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    WRITE_CR(4, READ_CR(4) | (1u << 9));                 /* OSFXSR: SSE allowed */
    float one = 0;
    __asm__ volatile("fninit; fld1; fstps %0" : "=m"(one));
    check(one == 1.0f, "x87 runs with TS and EM clear");

    WRITE_CR(0, READ_CR(0) | 8);                          /* TS */
    fault_reset();
    TRY_ASM("fld1", : : : "memory");
    check(last_fault.vector == 7, "fld1 with CR0.TS: #NM (%d)", last_fault.vector);
    fault_reset();
    TRY_ASM("xorps %%xmm0, %%xmm0", : : : "memory");
    check(last_fault.vector == 7, "an SSE instruction with CR0.TS: #NM");
    fault_reset();
    TRY_ASM("wait", : : : "memory");
    check(last_fault.vector == -1, "wait with TS but not MP: no fault");
    WRITE_CR(0, READ_CR(0) | 2);                          /* MP */
    fault_reset();
    TRY_ASM("wait", : : : "memory");
    check(last_fault.vector == 7, "wait with TS and MP: #NM");
    __asm__ volatile("clts");
    fault_reset();
    TRY_ASM("fld1\n\tfstp %%st(0)", : : : "memory");
    check(last_fault.vector == -1, "after clts x87 runs again");

    WRITE_CR(0, READ_CR(0) | 4);                          /* EM */
    fault_reset();
    TRY_ASM("fld1", : : : "memory");
    check(last_fault.vector == 7, "fld1 with CR0.EM: #NM");
    fault_reset();
    TRY_ASM("xorps %%xmm0, %%xmm0", : : : "memory");
    check(last_fault.vector == 6, "an SSE instruction with CR0.EM: #UD (%d)", last_fault.vector);
    WRITE_CR(0, READ_CR(0) & ~4u);
    return test_verdict();
}
