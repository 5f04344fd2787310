/* Machine resets: the i8042 reset line, the PIIX3 reset control register (0xcf9), port 0x92 and a
 * triple fault each restart the machine (this test runs without -no-reboot), which reloads the
 * kernel; CMOS RAM survives and counts the stages. */
#include "lib/test.h"

/* Tells tests/system/run.sh to boot this test without -no-reboot. */
const char reboot_marker[] __attribute__((used)) = "XQM-TEST-REBOOT";

enum { STAGE = 0x40, MAGIC = 0x41 };

static uint8_t cmos_read(uint8_t r) { outb(0x70, r); return inb(0x71); }
static void cmos_write(uint8_t r, uint8_t v) { outb(0x70, r); outb(0x71, v); }

static void triple_fault(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } empty = { 0, 0 };
    __asm__ volatile("lidt %0\n\tint3" : : "m"(empty));
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    int stage = cmos_read(MAGIC) == 0xa5 ? cmos_read(STAGE) : 0;
    cmos_write(MAGIC, 0xa5);
    cmos_write(STAGE, (uint8_t)(stage + 1));
    printf("boot %d\n", stage + 1);
    switch (stage) {
    case 0:
        outb(0x64, 0xfe);                   /* i8042: pulse the reset line */
        break;
    case 1:
        outb(0xcf9, 0x06);                  /* PIIX3 RCR: hard reset */
        break;
    case 2:
        outb(0x92, inb(0x92) | 1);          /* port 0x92: fast reset */
        break;
    case 3:
        triple_fault();
        break;
    default:
        cmos_write(MAGIC, 0);
        check(stage == 4, "four resets (i8042, 0xcf9, port 0x92, triple fault) restarted the machine");
        return test_verdict();
    }
    for (volatile int i = 0; i < 1000000; i++)
        ;
    check(false, "reset at stage %d did not happen", stage);
    return test_verdict();
}
