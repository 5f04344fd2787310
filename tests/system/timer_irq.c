/* Hardware interrupts: the 8254 at 100 Hz through the 8259 into an IDT interrupt gate, hlt
 * waking on them (sti; hlt must not lose the interrupt), EOI, masking, the TSC against the PIT. */
#include "lib/test.h"

static volatile uint32_t ticks;
static volatile uint32_t tick_if;

static void on_timer(struct trap_frame *f)
{
    ticks++;
    tick_if |= f->eflags & 0x200;       /* IF as interrupted */
    if (read_eflags() & 0x200)
        tick_if |= 0x10000;             /* IF inside the handler: must stay clear */
    pic_eoi(0);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | (uint64_t)hi << 32;
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    pic_init();
    trap_handlers[0x20] = on_timer;
    pit_periodic(100);
    pic_unmask(0);

    /* Masked by IF: no tick may arrive. */
    for (volatile int i = 0; i < 200000; i++)
        ;
    check(ticks == 0, "no interrupt while IF is clear");

    sti();
    uint64_t t0 = 0, t1 = 0;
    while (ticks < 2)
        __asm__ volatile("hlt");
    t0 = rdtsc();
    uint32_t start = ticks;
    while (ticks < start + 30)
        __asm__ volatile("sti; hlt");
    t1 = rdtsc();
    cli();
    check(ticks >= 32, "timer interrupts wake hlt (%u ticks)", ticks);
    check(tick_if == 0x200, "interrupted code had IF set, the handler runs with IF clear");
    /* 30 ticks of 10 ms: the TSC counts nanoseconds of the same virtual clock. The PIT keeps its
     * average rate, so on a loaded host the tick t0 was taken at may be late by a few periods
     * and the following ones catch up: the lower bound allows 50 ms of that. */
    uint64_t dt = t1 - t0;
    check(dt > 250000000ull && dt < 3000000000ull, "30 PIT periods take 300 ms of TSC, or more when late (%u us)", (uint32_t)(dt / 1000));

    /* Masking IRQ 0 at the PIC stops them even with IF set. */
    outb(0x21, inb(0x21) | 1);
    uint32_t before = ticks;
    sti();
    uint64_t until = rdtsc() + 50000000ull;
    while (rdtsc() < until)
        ;
    cli();
    check(ticks == before, "a masked IRQ is not delivered");
    /* Unmasking delivers the request latched meanwhile, once. The PIT first slows to its
     * longest period (55 ms), so that no new tick can follow it within the test's window even
     * when the host delays this vCPU; reprogramming the PIT leaves the 8259's IRR alone. */
    pit_periodic(19);
    pic_unmask(0);
    sti();
    __asm__ volatile("nop; nop");
    cli();
    check(ticks == before + 1, "the pending request arrives once unmasked (%u)", ticks - before);
    return test_verdict();
}
