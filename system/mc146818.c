/*
 * The MC146818 real-time clock and its CMOS RAM (index port 0x70, data port 0x71, IRQ 8).
 *
 * The time registers (0-9) show the host's UTC time, in BCD or binary and 12/24-hour form as
 * register B asks (datasheet: B bit 2 DM binary, bit 1 24/12). An update is never in progress
 * (register A bit 7 reads 0). Register C reports the periodic interrupt, whose rate register A
 * selects; IRQ 8 fires when register B's PIE enables it. Register D says the battery is good.
 * The CMOS bytes a PC BIOS fills in are set from the machine: memory sizes (0x15-0x18, 0x30-0x31,
 * 0x34-0x35, 0x5b-0x5d), equipment, century.
 */
#include <stdlib.h>
#include <time.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

enum { REG_A = 10, REG_B = 11, REG_C = 12, REG_D = 13, B_PIE = 0x40, B_DM = 0x04, B_24H = 0x02, C_IRQF = 0x80,
       C_PF = 0x40 };

struct mc146818 {
    uint8_t index;
    uint8_t ram[128];
    struct irq_line irq;
    struct qtimer periodic;
    int64_t offset_s;           /* guest-set time minus host time */
};

static uint8_t to_bcd(const struct mc146818 *s, int v)
{
    return (s->ram[REG_B] & B_DM) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int from_bcd(const struct mc146818 *s, uint8_t v)
{
    return (s->ram[REG_B] & B_DM) ? v : (v >> 4) * 10 + (v & 15);
}

static void read_time(const struct mc146818 *s, struct tm *tm)
{
    time_t t = time(NULL) + s->offset_s;
    gmtime_r(&t, tm);
}

static uint8_t time_register(const struct mc146818 *s, int reg)
{
    struct tm tm;
    read_time(s, &tm);
    switch (reg) {
    case 0: return to_bcd(s, tm.tm_sec);
    case 2: return to_bcd(s, tm.tm_min);
    case 4:
        if (s->ram[REG_B] & B_24H)
            return to_bcd(s, tm.tm_hour);
        /* 12-hour form: 1..12 with bit 7 for PM. */
        return (uint8_t)(to_bcd(s, tm.tm_hour % 12 ? tm.tm_hour % 12 : 12) | (tm.tm_hour >= 12 ? 0x80 : 0));
    case 6: return to_bcd(s, tm.tm_wday + 1);
    case 7: return to_bcd(s, tm.tm_mday);
    case 8: return to_bcd(s, tm.tm_mon + 1);
    case 9: return to_bcd(s, tm.tm_year % 100);
    default: return to_bcd(s, 20 + tm.tm_year / 100 - 1);       /* 0x32: century */
    }
}

/* A guest write to a time register moves the clock: keep the difference to host time. */
static void set_time_register(struct mc146818 *s, int reg, uint8_t v)
{
    struct tm tm;
    read_time(s, &tm);
    int x = from_bcd(s, v & (reg == 4 ? 0x7f : 0xff));
    switch (reg) {
    case 0: tm.tm_sec = x; break;
    case 2: tm.tm_min = x; break;
    case 4: tm.tm_hour = (s->ram[REG_B] & B_24H) ? x : x % 12 + ((v & 0x80) ? 12 : 0); break;
    case 7: tm.tm_mday = x; break;
    case 8: tm.tm_mon = x - 1; break;
    case 9: tm.tm_year = x + (tm.tm_year / 100) * 100; break;
    default: return;
    }
    s->offset_s += (int64_t)timegm(&tm) - (int64_t)(time(NULL) + s->offset_s);
}

/* Register A rate select: period = 2^(rate-1) / 32768 s, rates 1 and 2 act as 8 and 9. */
static int64_t periodic_ns(const struct mc146818 *s)
{
    int rate = s->ram[REG_A] & 15;
    if (rate == 0)
        return 0;
    if (rate <= 2)
        rate += 7;
    return (int64_t)(1u << (rate - 1)) * 1000000000 / 32768;
}

static void periodic_tick(void *opaque)
{
    struct mc146818 *s = opaque;
    s->ram[REG_C] |= C_PF;
    if (s->ram[REG_B] & B_PIE) {
        s->ram[REG_C] |= C_IRQF;
        irq_raise(&s->irq);
    }
    int64_t p = periodic_ns(s);
    if (p && (s->ram[REG_B] & B_PIE))
        timer_mod(&s->periodic, clock_ns() + p);
}

static void update_periodic(struct mc146818 *s)
{
    int64_t p = periodic_ns(s);
    if (p && (s->ram[REG_B] & B_PIE)) {
        if (!s->periodic.pending)
            timer_mod(&s->periodic, clock_ns() + p);
    } else {
        timer_del(&s->periodic);
    }
}

static uint32_t rtc_read(void *opaque, uint32_t off, int size_log2)
{
    (void)size_log2;
    struct mc146818 *s = opaque;
    if (off == 0)
        return 0xff;
    int reg = s->index;
    if (reg <= 9 && reg != 1 && reg != 3 && reg != 5)
        return time_register(s, reg);
    if (reg == 0x32)
        return time_register(s, reg);
    if (reg == REG_A)
        return s->ram[REG_A] & 0x7f;            /* UIP never set */
    if (reg == REG_C) {
        uint8_t v = s->ram[REG_C];
        s->ram[REG_C] = 0;
        irq_lower(&s->irq);
        return v;
    }
    return s->ram[reg];
}

static void rtc_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)size_log2;
    struct mc146818 *s = opaque;
    uint8_t v = (uint8_t)value;
    if (off == 0) {
        s->index = v & 0x7f;                    /* bit 7: NMI mask, not modelled */
        return;
    }
    int reg = s->index;
    if (reg <= 9 && reg != 1 && reg != 3 && reg != 5) {
        set_time_register(s, reg, v);
        return;
    }
    switch (reg) {
    case REG_A: s->ram[REG_A] = v & 0x7f; update_periodic(s); break;
    case REG_B: s->ram[REG_B] = v; update_periodic(s); break;
    case REG_C: case REG_D: break;             /* read-only */
    default: s->ram[reg] = v; break;
    }
}

void mc146818_set_memory(struct mc146818 *s, uint64_t ram_bytes)
{
    /* 640 KiB of base memory; KiB above 1 MiB (at most 63 MiB worth); 64 KiB blocks above 16 MiB
     * (below 4 GiB); 64 KiB blocks above 4 GiB. */
    uint64_t below4g = ram_bytes > 0xe0000000ull ? 0xe0000000ull : ram_bytes;
    uint64_t ext_kb = below4g > (1u << 20) ? (below4g - (1u << 20)) / 1024 : 0;
    if (ext_kb > 0xfc00)
        ext_kb = 0xfc00;
    uint64_t above16 = below4g > (16u << 20) ? (below4g - (16u << 20)) / 65536 : 0;
    if (above16 > 0xffff)
        above16 = 0xffff;
    uint64_t above4g = ram_bytes > below4g ? (ram_bytes - below4g) / 65536 : 0;
    s->ram[0x15] = 0x80;
    s->ram[0x16] = 0x02;
    s->ram[0x17] = s->ram[0x30] = (uint8_t)ext_kb;
    s->ram[0x18] = s->ram[0x31] = (uint8_t)(ext_kb >> 8);
    s->ram[0x34] = (uint8_t)above16;
    s->ram[0x35] = (uint8_t)(above16 >> 8);
    s->ram[0x5b] = (uint8_t)above4g;
    s->ram[0x5c] = (uint8_t)(above4g >> 8);
    s->ram[0x5d] = (uint8_t)(above4g >> 16);
}

void mc146818_reset(struct mc146818 *s)
{
    s->ram[REG_A] = 0x26;                       /* 32.768 kHz time base, 1024 Hz periodic rate */
    s->ram[REG_B] = B_24H;
    s->ram[REG_C] = 0;
    s->ram[REG_D] = 0x80;                       /* valid RAM and time */
    timer_del(&s->periodic);
    irq_lower(&s->irq);
}

struct mc146818 *mc146818_init(struct irq_line irq)
{
    struct mc146818 *s = calloc(1, sizeof *s);
    if (!s)
        sys_fatal("out of memory");
    s->irq = irq;
    timer_init(&s->periodic, periodic_tick, s);
    s->ram[0x10] = 0;                           /* no floppy drives */
    s->ram[0x14] = 0x02;                        /* equipment: FPU, EGA/VGA display, no floppy */
    mc146818_reset(s);
    ioport_register(0x70, 2, s, rtc_read, rtc_write, IO_SIZE8, "rtc");
    return s;
}
