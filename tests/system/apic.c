/* The local APIC (enable through the APIC base MSR, timer in periodic and one-shot mode, EOI,
 * TPR masking, self-IPI, the 8259 through LINT0) and the I/O APIC routing the PIT. */
#include "lib/test.h"

#define APIC(reg) (*(volatile uint32_t *)(0xfee00000u + (reg)))
enum { IOAPIC_SEL = 0xfec00000u, IOAPIC_WIN = 0xfec00010u };

static volatile uint32_t timer_ticks, ipi_count, pic_ticks, ioapic_ticks;

static void on_apic_timer(struct trap_frame *f) { (void)f; timer_ticks++; APIC(0xb0) = 0; }
static void on_ipi(struct trap_frame *f) { (void)f; ipi_count++; APIC(0xb0) = 0; }
static void on_pic_timer(struct trap_frame *f) { (void)f; pic_ticks++; pic_eoi(0); }
static void on_ioapic_timer(struct trap_frame *f) { (void)f; ioapic_ticks++; APIC(0xb0) = 0; }

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | (uint64_t)hi << 32;
}

static void wait_ns(uint64_t ns)
{
    uint64_t until = rdtsc() + ns;
    while (rdtsc() < until)
        __asm__ volatile("sti; nop; cli");
}

/* Waits, interrupts enabled between instructions, until *count reaches target or max_ns passed.
 * Interrupts come from host timer threads: on a loaded host they may be late, never early. */
static void wait_for(volatile uint32_t *count, uint32_t target, uint64_t max_ns)
{
    uint64_t until = rdtsc() + max_ns;
    while (*count < target && rdtsc() < until)
        __asm__ volatile("sti; nop; cli");
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)IOAPIC_SEL = reg;
    *(volatile uint32_t *)IOAPIC_WIN = v;
}

static uint32_t ioapic_read(uint32_t reg)
{
    *(volatile uint32_t *)IOAPIC_SEL = reg;
    return *(volatile uint32_t *)IOAPIC_WIN;
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    pic_init();
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    check(d & (1u << 9), "CPUID reports a local APIC");
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
    check((lo & 0xfffff000u) == 0xfee00000u && (lo & 0x100) && !(lo & 0x800),
          "APIC base MSR: 0xfee00000, BSP, globally disabled at reset (0x%x)", lo);
    __asm__ volatile("wrmsr" : : "c"(0x1b), "a"(lo | 0x800), "d"(hi));
    check((APIC(0x30) & 0xff) == 0x14, "APIC version register");
    check(APIC(0x20) >> 24 == (b >> 24), "APIC ID matches CPUID");
    APIC(0xf0) = 0x1ff;                                   /* enable, spurious vector 0xff */

    trap_handlers[0x40] = on_apic_timer;
    APIC(0x3e0) = 0x3;                                    /* divide by 16: 62.5 MHz */
    APIC(0x320) = 0x40 | (1u << 17);                      /* periodic, vector 0x40 */
    APIC(0x380) = 625000;                                 /* 10 ms */
    uint32_t c1 = APIC(0x390);
    wait_ns(1000000);
    uint32_t c2 = APIC(0x390);
    check(c1 > c2 && c1 <= 625000, "the current count decreases (%u, %u)", c1, c2);
    /* 30 periods of 10 ms. The host may deschedule this vCPU between the timer's start and t0
     * (t0 late, dt short) or delay ticks (dt long): the bounds allow 50 ms of that. */
    uint64_t t0 = rdtsc();
    sti();
    while (timer_ticks < 30)
        __asm__ volatile("hlt");
    cli();
    uint64_t dt = rdtsc() - t0;
    check(dt > 250000000ull && dt < 3000000000ull, "30 periodic APIC timer interrupts take 300 ms, or more when late (%u us)",
          (uint32_t)(dt / 1000));

    /* TPR at class 5 holds back vector 0x40 (class 4) until lowered. */
    APIC(0x80) = 0x50;
    uint32_t before = timer_ticks;
    wait_ns(30000000);
    for (uint64_t until = rdtsc() + 2000000000ull; !(APIC(0x200 + 0x20) & 1) && rdtsc() < until;)
        wait_ns(1000000);
    check(timer_ticks == before && (APIC(0x200 + 0x20) & 1), "TPR 0x50 blocks vector 0x40, which waits in IRR");
    APIC(0x80) = 0;
    sti();
    __asm__ volatile("nop; nop");
    cli();
    check(timer_ticks == before + 1, "lowering TPR delivers it");

    /* One-shot: a single interrupt. */
    APIC(0x320) = 0x40;
    APIC(0x380) = 62500;                                  /* 1 ms */
    before = timer_ticks;
    wait_for(&timer_ticks, before + 1, 2000000000ull);
    wait_ns(20000000);                                    /* 20 periods: no second one */
    check(timer_ticks == before + 1, "one-shot mode fires once (%u)", timer_ticks - before);
    check(APIC(0x390) == 0, "a one-shot timer stops at 0");

    trap_handlers[0x41] = on_ipi;
    APIC(0x300) = (1u << 18) | 0x41;                      /* self IPI */
    sti();
    __asm__ volatile("nop; nop");
    cli();
    check(ipi_count == 1, "a self-IPI is delivered");

    /* The 8259 reaches the CPU through LINT0 (ExtINT) with the APIC enabled. */
    trap_handlers[0x20] = on_pic_timer;
    pit_periodic(200);
    pic_unmask(0);
    wait_for(&pic_ticks, 1, 2000000000ull);
    check(pic_ticks >= 1, "8259 interrupts arrive through LINT0 (%u)", pic_ticks);
    APIC(0x350) |= 1u << 16;                              /* mask LINT0 */
    before = pic_ticks;
    wait_ns(30000000);
    check(pic_ticks <= before + 1, "masking LINT0 stops them");
    outb(0x21, 0xff);

    /* The I/O APIC: the PIT on pin 2, vector 0x50, edge, to APIC 0. */
    check(ioapic_read(1) == 0x00170011, "I/O APIC version: 24 entries");
    trap_handlers[0x50] = on_ioapic_timer;
    ioapic_write(0x10 + 2 * 2 + 1, 0);
    ioapic_write(0x10 + 2 * 2, 0x50);
    wait_for(&ioapic_ticks, 1, 2000000000ull);
    check(ioapic_ticks >= 1, "the PIT through the I/O APIC (%u)", ioapic_ticks);
    ioapic_write(0x10 + 2 * 2, 0x50 | (1u << 16));
    return test_verdict();
}
