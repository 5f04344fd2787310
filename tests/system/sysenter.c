/* sysenter/sysexit (SDM vol. 2): CPUID.SEP, the SYSENTER MSRs, round trips CPL 3 -> 0 -> 3 with
 * the flat CS/SS derived from IA32_SYSENTER_CS (kernel code, kernel stack, user code, user stack:
 * the library's GDT has exactly that layout at 0x08), ESP/EIP from the MSRs and from ECX/EDX,
 * IF cleared by sysenter and the arithmetic flags kept, and #GP(0) when IA32_SYSENTER_CS[15:2] is
 * 0 or sysexit runs at CPL 3. */
#include "lib/test.h"

enum { MSR_CS = 0x174, MSR_ESP = 0x175, MSR_EIP = 0x176, ROUNDS = 1000 };

static uint8_t user_stack[8192] __attribute__((aligned(16)));
static uint8_t entry_stack[4096] __attribute__((aligned(16)));

/* What the kernel entry saw on its last call, and how many calls there were. */
volatile uint32_t entry_eflags, entry_esp, entry_cs, entry_ss, entry_count;
void sysenter_entry(void);

/* The CPL 0 side: record the state sysenter set up, answer eax * 2 + 1, and return with ECX and
 * EDX as the caller left them (user ESP and EIP), re-enabling interrupts as Linux does. */
__asm__(".text\n"
        ".globl sysenter_entry\n"
        "sysenter_entry:\n\t"
        "pushf\n\t"
        "popl entry_eflags\n\t"
        "movl %esp, entry_esp\n\t"
        "movw %cs, entry_cs\n\t"
        "movw %ss, entry_ss\n\t"
        "incl entry_count\n\t"
        "lea 1(%eax,%eax), %eax\n\t"
        "sti\n\t"
        "sysexit\n");

static void wrmsr(uint32_t msr, uint32_t v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"(v), "d"(0) : "memory"); }
static uint32_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo;
}

/* What the user side saw (checked at CPL 0, where the serial port is reachable). */
static volatile uint32_t bad_answer, bad_esp, bad_cf, bad_if, bad_segs, rounds_done;
static volatile int sysexit_vector = -1, sysenter_vector = -1;
static volatile uint32_t sysexit_error = 0xdead, sysenter_error = 0xdead;

static void user_round_trips(void)
{
    for (uint32_t i = 0; i < ROUNDS; i++) {
        uint32_t r, sent_esp, cf, esp_after, fl, cs, ss;
        __asm__ volatile("mov %%esp, %%ecx\n\t"
                         "movl $1f, %%edx\n\t"
                         "stc\n\t"
                         "sysenter\n"
                         "1:\tsetc %%bl\n\t"
                         "movzbl %%bl, %%ebx\n\t"
                         "mov %%esp, %%esi\n\t"
                         "pushf\n\t"
                         "pop %%edi"
                         : "=a"(r), "=c"(sent_esp), "=b"(cf), "=S"(esp_after), "=D"(fl)
                         : "a"(i)
                         : "edx", "memory", "cc");
        __asm__ volatile("mov %%cs, %0\n\tmov %%ss, %1" : "=r"(cs), "=r"(ss));
        bad_answer += r != i * 2 + 1;
        bad_esp += esp_after != sent_esp;
        bad_cf += cf != 1;
        bad_if += !(fl & 0x200);
        bad_segs += cs != SEL_UCODE || ss != SEL_UDATA;
        rounds_done++;
    }
    fault_reset();
    TRY_ASM("sysexit", : : "c"(0), "d"(0) : "memory");
    sysexit_vector = last_fault.vector;
    sysexit_error = last_fault.error;
    user_exit();
}

static void user_sysenter_disabled(void)
{
    fault_reset();
    TRY_ASM("sysenter", : : : "memory");
    sysenter_vector = last_fault.vector;
    sysenter_error = last_fault.error;
    user_exit();
}

/* Runs sysenter or sysexit at CPL 0 expecting #GP(0). */
static void expect_gp_at_cpl0(bool enter, const char *why)
{
    fault_reset();
    if (enter)
        TRY_ASM("sysenter", : : : "memory");
    else
        TRY_ASM("sysexit", : : "c"(0), "d"(0) : "memory");
    check(last_fault.vector == 13 && last_fault.error == 0, "%s at CPL 0 %s: #GP(0) (%d, 0x%x)",
          enter ? "sysenter" : "sysexit", why, last_fault.vector, last_fault.error);
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    pic_init();

    uint32_t a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    check(d & (1u << 11), "CPUID.1:EDX.SEP is set");

    wrmsr(MSR_CS, 0);
    expect_gp_at_cpl0(true, "with SYSENTER_CS 0");
    expect_gp_at_cpl0(false, "with SYSENTER_CS 0");
    wrmsr(MSR_CS, 3);
    expect_gp_at_cpl0(true, "with SYSENTER_CS 3 (bits 15:2 zero)");

    uint32_t top = (uint32_t)(entry_stack + sizeof entry_stack);
    wrmsr(MSR_CS, SEL_KCODE);
    wrmsr(MSR_ESP, top);
    wrmsr(MSR_EIP, (uint32_t)sysenter_entry);
    check(rdmsr(MSR_CS) == SEL_KCODE && rdmsr(MSR_ESP) == top && rdmsr(MSR_EIP) == (uint32_t)sysenter_entry,
          "the SYSENTER MSRs read back");

    sti();      /* the user code starts with IF set (run_user's pushf); every 8259 line is masked */
    run_user(user_round_trips, (uint32_t)(user_stack + sizeof user_stack));
    cli();
    check(rounds_done == ROUNDS && entry_count == ROUNDS, "%d round trips CPL 3 -> 0 -> 3 (%u, %u)", ROUNDS,
          rounds_done, entry_count);
    check(entry_cs == SEL_KCODE && entry_ss == SEL_KDATA, "sysenter: CS 0x%x, SS 0x%x", entry_cs, entry_ss);
    check(entry_esp == top, "sysenter: ESP from IA32_SYSENTER_ESP (0x%x)", entry_esp);
    check(!(entry_eflags & 0x200), "sysenter clears IF (eflags 0x%x)", entry_eflags);
    check(entry_eflags & 1, "sysenter keeps CF (eflags 0x%x)", entry_eflags);
    check(bad_answer == 0, "registers pass through both ways (%u wrong)", bad_answer);
    check(bad_segs == 0, "sysexit: CS 0x1b, SS 0x23 (%u wrong)", bad_segs);
    check(bad_esp == 0, "sysexit: ESP from ECX, EIP from EDX (%u wrong)", bad_esp);
    check(bad_cf == 0 && bad_if == 0, "sysexit keeps the flags (CF %u wrong, IF %u wrong)", bad_cf, bad_if);
    check(sysexit_vector == 13 && sysexit_error == 0, "sysexit at CPL 3: #GP(0) (%d, 0x%x)", sysexit_vector,
          sysexit_error);

    wrmsr(MSR_CS, 0);
    run_user(user_sysenter_disabled, (uint32_t)(user_stack + sizeof user_stack));
    check(sysenter_vector == 13 && sysenter_error == 0, "sysenter at CPL 3 with SYSENTER_CS 0: #GP(0) (%d, 0x%x)",
          sysenter_vector, sysenter_error);
    return test_verdict();
}
