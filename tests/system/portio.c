/* Port I/O and the PC devices behind it: CMOS, 8259, 8254 channel 2, PCI configuration space,
 * i8042, the 16550's registers and loopback, string I/O (rep outsb/insb). */
#include "lib/test.h"

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static uint32_t pci_read(int dev, int fn, int reg)
{
    outl(0xcf8, 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (uint32_t)reg);
    return inl(0xcfc);
}

static void test_cmos(void)
{
    check((cmos(0x15) | cmos(0x16) << 8) == 640, "CMOS base memory 640 KiB");
    uint32_t ext = cmos(0x30) | cmos(0x31) << 8;
    check(ext == 0xfc00, "CMOS extended memory %u KiB (capped at 63 MiB)", ext);
    check((cmos(0x34) | cmos(0x35) << 8) == (128 - 16) * 16, "CMOS memory above 16 MiB in 64 KiB units");
    check(cmos(0x0d) == 0x80, "RTC register D: valid RAM and time");
    uint8_t sec = cmos(0x00), b = cmos(0x0b);
    check(!(b & 4) && sec < 0x60 && (sec & 15) < 10, "RTC seconds in BCD (0x%x)", sec);
    check(!(cmos(0x0a) & 0x80), "RTC update not in progress");
    outb(0x70, 0x40);
    outb(0x71, 0x5a);
    check(cmos(0x40) == 0x5a, "CMOS RAM keeps a byte");
}

static void test_pic(void)
{
    pic_init();
    check(inb(0x21) == 0xfb && inb(0xa1) == 0xff, "8259 masks read back");
    outb(0x20, 0x0b);                   /* OCW3: read ISR */
    check(inb(0x20) == 0, "8259 nothing in service");
    outb(0x20, 0x0a);                   /* OCW3: read IRR */
}

static void test_pit(void)
{
    /* Channel 2, mode 0, count 0xffff with the gate on: it counts down, OUT goes high at 0. */
    outb(0x61, (inb(0x61) & ~2) | 1);
    outb(0x43, 0xb0);
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    outb(0x43, 0x80);                   /* latch channel 2 */
    uint32_t a = inb(0x42) | inb(0x42) << 8;
    for (volatile int i = 0; i < 20000; i++)
        ;
    outb(0x43, 0x80);
    uint32_t b = inb(0x42) | inb(0x42) << 8;
    check(a > b, "8254 channel 2 counts down (%u then %u)", a, b);
    outb(0x43, 0xb0);
    outb(0x42, 100);
    outb(0x42, 0);
    int spins = 0;
    while (!(inb(0x61) & 0x20) && spins < 10000000)
        spins++;
    check(inb(0x61) & 0x20, "8254 channel 2 output high after terminal count");
    outb(0x43, 0xe8);                   /* read-back status of channel 2 */
    check((inb(0x42) & 0xbf) == 0xb0, "8254 read-back status: output high, mode 0, lobyte/hibyte");
}

static void test_pci(void)
{
    check(pci_read(0, 0, 0) == 0x12378086, "PCI 00:00.0 is an i440FX host bridge");
    check(pci_read(0, 0, 8) >> 8 == 0x060000, "host bridge class 0600");
    check(pci_read(1, 0, 0) == 0x70008086, "PCI 00:01.0 is a PIIX3 ISA bridge");
    check(pci_read(2, 0, 0) == 0xffffffff, "PCI 00:02.0 is empty");
    outl(0xcf8, 0x80000000u | 0x3c);
    outb(0xcfc, 0x0b);
    check((pci_read(0, 0, 0x3c) & 0xff) == 0x0b, "PCI interrupt line register is writable");
    outl(0xcf8, 0x80000000u);
    check(inw(0xcfe) == 0x1237, "PCI 16-bit access to the data window");
}

static void test_i8042(void)
{
    while (inb(0x64) & 1)
        inb(0x60);
    outb(0x64, 0xaa);
    int spins = 0;
    while (!(inb(0x64) & 1) && spins < 100000)
        spins++;
    check(inb(0x60) == 0x55, "i8042 self-test answers 0x55");
    check(inb(0x64) & 4, "i8042 system flag set");
}

static void test_serial(void)
{
    outb(0x3f8 + 7, 0xa5);
    check(inb(0x3f8 + 7) == 0xa5, "16550 scratch register");
    outb(0x3f8 + 2, 0x07);              /* FIFO on */
    check((inb(0x3f8 + 2) & 0xc0) == 0xc0, "16550 reports its FIFO");
    /* In loopback nothing reaches the console, so the checks come after it. */
    outb(0x3f8 + 4, 0x1b);              /* loopback, OUT2, RTS, DTR */
    uint8_t msr = inb(0x3f8 + 6);
    outb(0x3f8, 'x');
    uint8_t lsr = inb(0x3f8 + 5), rbr = inb(0x3f8);
    outb(0x3f8 + 4, 0x03);
    check((msr & 0xf0) == 0xb0, "16550 loopback mirrors MCR in MSR (0x%x)", msr);
    check((lsr & 1) && rbr == 'x', "16550 loopback returns the byte");
    static const char msg[] = "rep outsb reaches the console\n";
    const char *src = msg;
    uint32_t n = sizeof msg - 1;
    __asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(0x3f8) : "memory");
    uint8_t buf[4] = { 0 };
    outb(0x70, 0x0d);
    uint8_t *dst = buf;
    n = 4;
    __asm__ volatile("cld; rep insb" : "+D"(dst), "+c"(n) : "d"(0x71) : "memory");
    check(buf[0] == 0x80 && buf[3] == 0x80, "rep insb from the RTC data port");
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    test_cmos();
    test_pic();
    test_pit();
    test_pci();
    test_i8042();
    test_serial();
    check(inb(0x2f0) == 0xff, "an unassigned port reads 0xff");
    return test_verdict();
}
