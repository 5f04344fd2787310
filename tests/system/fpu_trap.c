/* CR0.TS and CR0.EM for lazy FPU switching: x87 instructions raise #NM while TS is set and run
 * again after clts; with EM, x87 raises #NM and SSE #UD; wait faults only with TS and MP.
 * CR4.OSFXSR and OSXMMEXCPT: without the first, instructions on XMM registers or MXCSR are #UD
 * (MMX ones, fences and fxsave are not); without the second, an unmasked SIMD floating-point
 * exception is #UD instead of #XM (SDM vol. 3, 13.1.3-13.1.4). */
#include "lib/test.h"

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    static uint8_t fx_area[512] __attribute__((aligned(16)));
    fault_reset();
    TRY_ASM("xorps %%xmm0, %%xmm0", : : : "memory");
    check(last_fault.vector == 6, "xorps without CR4.OSFXSR: #UD (%d)", last_fault.vector);
    uint32_t mxcsr = 0x1f80;
    fault_reset();
    TRY_ASM("ldmxcsr %0", : : "m"(mxcsr) : "memory");
    check(last_fault.vector == 6, "ldmxcsr without CR4.OSFXSR: #UD");
    fault_reset();
    TRY_ASM("pxor %%mm0, %%mm0\n\tpavgb %%mm0, %%mm0\n\tsfence\n\temms", : : : "memory");
    check(last_fault.vector == -1, "MMX, pavgb on MMX registers and sfence without CR4.OSFXSR: no fault");
    fault_reset();
    TRY_ASM("fxsave %0", : "=m"(fx_area) : : "memory");
    check(last_fault.vector == -1, "fxsave without CR4.OSFXSR: no fault");
    WRITE_CR(4, READ_CR(4) | (1u << 9));                 /* OSFXSR: SSE allowed */
    fault_reset();
    TRY_ASM("xorps %%xmm0, %%xmm0", : : : "memory");
    check(last_fault.vector == -1, "xorps with CR4.OSFXSR runs");

    /* divss by zero with ZE unmasked */
    static const float zero = 0.0f, one_f = 1.0f;
    uint32_t unmasked = 0x1f80 & ~0x200u, masked = 0x1f80;
    fault_reset();
    TRY_ASM("ldmxcsr %0\n\tmovss %1, %%xmm0\n\tdivss %2, %%xmm0", : : "m"(unmasked), "m"(one_f), "m"(zero) : "memory");
    check(last_fault.vector == 6, "an unmasked SIMD exception without CR4.OSXMMEXCPT: #UD (%d)", last_fault.vector);
    WRITE_CR(4, READ_CR(4) | (1u << 10));                /* OSXMMEXCPT */
    fault_reset();
    TRY_ASM("ldmxcsr %0\n\tmovss %1, %%xmm0\n\tdivss %2, %%xmm0", : : "m"(unmasked), "m"(one_f), "m"(zero) : "memory");
    check(last_fault.vector == 19, "with CR4.OSXMMEXCPT: #XM (%d)", last_fault.vector);
    __asm__ volatile("ldmxcsr %0" : : "m"(masked));
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
