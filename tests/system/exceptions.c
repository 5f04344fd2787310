/* Exceptions and their error codes: #DE #UD #BP #OF #BR #GP #NP #SS #DF, faults versus traps
 * (the saved eip), descriptor queries (lar, lsl, verr, verw), sgdt/sidt, MSRs, CPUID. */
#include "lib/test.h"

static volatile uint32_t trap_eip;
static void on_breakpoint(struct trap_frame *f)
{
    trap_eip = f->eip;
}

static void test_basic(void)
{
    uint32_t q;
    fault_reset();
    TRY_ASM("xor %%edx, %%edx\n\t"
            "divl %1", : "=a"(q) : "r"(0), "a"(7) : "edx", "memory");
    check(last_fault.vector == 0, "divide by zero: #DE");
    fault_reset();
    TRY_ASM("ud2", : : : "memory");
    check(last_fault.vector == 6, "ud2: #UD");

    /* int3 and into are traps: the saved eip is after the instruction. */
    trap_handlers[3] = on_breakpoint;
    uint32_t after;
    __asm__ volatile("int3\n1:\n\tmovl $1b, %0" : "=r"(after) : : "memory");
    check(trap_eip == after, "int3 saves the eip after it (0x%x, 0x%x)", trap_eip, after);
    trap_handlers[3] = 0;
    set_gate_attrs(4, 0, true);
    fault_reset();
    TRY_ASM("movl $0x7fffffff, %%eax\n\t"
            "addl $1, %%eax\n\t"
            "into", : : : "eax", "memory");
    check(last_fault.vector == 4, "into with OF set: #OF");
    fault_reset();
    TRY_ASM("movl $0x7ffffff0, %%eax\n\t"
            "addl $1, %%eax\n\t"
            "into", : : : "eax", "memory");
    check(last_fault.vector == -1, "into with OF clear: nothing");
    static const int32_t bounds[2] = { 10, 20 };
    fault_reset();
    TRY_ASM("bound %0, %1", : : "r"(30), "m"(bounds) : "memory");
    check(last_fault.vector == 5, "bound out of range: #BR");
}

static void test_segments(void)
{
    fault_reset();
    TRY_ASM("mov %0, %%ds", : : "r"(0x48) : "memory");
    check(last_fault.vector == 13 && last_fault.error == 0x48, "selector beyond the GDT limit: #GP(0x48)");
    fault_reset();
    TRY_ASM("mov %0, %%ds", : : "r"((uint32_t)SEL_TSS) : "memory");
    check(last_fault.vector == 13 && last_fault.error == SEL_TSS, "a TSS selector in DS: #GP(0x28)");
    fault_reset();
    TRY_ASM("mov %0, %%ss", : : "r"(0) : "memory");
    check(last_fault.vector == 13 && last_fault.error == 0, "null selector in SS: #GP(0)");
    set_gdt_entry(6, 0, 0xfffff, 0x12, 0xc);                 /* data, not present */
    fault_reset();
    TRY_ASM("mov %0, %%es", : : "r"(0x30) : "memory");
    check(last_fault.vector == 11 && last_fault.error == 0x30, "not-present data segment: #NP(0x30)");
    fault_reset();
    TRY_ASM("mov %%ss, %%ecx\n\t"
            "mov %0, %%ss\n\t"
            "mov %%ecx, %%ss", : : "r"(0x30) : "ecx", "memory");
    check(last_fault.vector == 12 && last_fault.error == 0x30, "not-present stack segment: #SS(0x30)");
    __asm__ volatile("mov %0, %%es" : : "r"((uint32_t)SEL_KDATA));

    uint32_t v = 0, zf;
    __asm__ volatile("lar %2, %0\n\tsetz %b1" : "=r"(v), "=q"(zf) : "r"((uint32_t)SEL_KCODE));
    check((zf & 1) && (v & 0x00f0ff00) == 0x00c09b00, "lar of the kernel code segment (0x%x)", v);
    __asm__ volatile("lsl %2, %0\n\tsetz %b1" : "=r"(v), "=q"(zf) : "r"((uint32_t)SEL_KDATA));
    check((zf & 1) && v == 0xffffffff, "lsl of the flat data segment");
    __asm__ volatile("lsl %2, %0\n\tsetz %b1" : "=r"(v), "=q"(zf) : "r"(0x48));
    check(!(zf & 1), "lsl beyond the GDT clears ZF");
    __asm__ volatile("verw %w1\n\tsetz %b0" : "=q"(zf) : "r"((uint32_t)SEL_KCODE));
    check(!(zf & 1), "verw of a code segment clears ZF");
    __asm__ volatile("verr %w1\n\tsetz %b0" : "=q"(zf) : "r"((uint32_t)SEL_KCODE));
    check(zf & 1, "verr of a readable code segment sets ZF");
}

static void test_double_fault(void)
{
    /* #PF whose gate is not present: #NP during delivery of #PF makes #DF (SDM vol. 3, 6-5). */
    uint64_t *idt;
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } d;
    __asm__ volatile("sidt %0" : "=m"(d));
    check(d.limit == 256 * 8 - 1, "sidt reads back the IDT limit");
    idt = (uint64_t *)d.base;
    uint64_t saved = idt[14];
    idt[14] &= ~(1ull << 47);
    fault_reset();
    TRY_ASM("movl (%0), %%eax", : : "r"(0x60000000) : "eax", "memory");
    check(last_fault.vector == 8 && last_fault.error == 0, "#NP while delivering #PF: #DF with error 0");
    idt[14] = saved;
}

static void test_msr_cpuid(void)
{
    uint32_t a, b, c, dx;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(dx) : "a"(1), "c"(0));
    check((dx & 0x8128) == 0x8128, "CPUID reports PSE, MSR, CX8 and CMOV (edx 0x%x)", dx);
    __asm__ volatile("wrmsr" : : "c"(0x174), "a"(0x10), "d"(0));
    __asm__ volatile("rdmsr" : "=a"(a), "=d"(dx) : "c"(0x174));
    check(a == 0x10 && dx == 0, "SYSENTER_CS MSR holds its value");
    fault_reset();
    TRY_ASM("rdmsr", : : "c"(0xdeadbeef) : "eax", "edx", "memory");
    check(last_fault.vector == 13 && last_fault.error == 0, "rdmsr of an unknown MSR: #GP(0)");
    fault_reset();
    TRY_ASM("mov %0, %%cr4", : : "r"(READ_CR(4) | (1u << 20)) : "memory");
    check(last_fault.vector == 13, "a reserved CR4 bit: #GP");
    uint32_t t0, t1, hi;
    __asm__ volatile("rdtsc" : "=a"(t0), "=d"(hi));
    __asm__ volatile("rdtsc" : "=a"(t1), "=d"(hi));
    check(t1 != t0, "the TSC advances");
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    paging_identity(12, PTE_P | PTE_W);
    test_basic();
    test_segments();
    test_double_fault();
    test_msr_cpuid();
    return test_verdict();
}
