/*
 * The 8254 programmable interval timer (ports 0x40-0x43, input clock 1.193182 MHz) and port 0x61
 * (system control port B: channel 2 gate and output, speaker enable, refresh toggle).
 *
 * Counters are not ticked: each channel remembers when its count was loaded (on the virtual
 * clock), and its current value and output level are computed from the time elapsed. Channel 0's
 * output drives IRQ 0 through a timer armed for its next rising edge. Modes follow the 8254
 * datasheet: 0 interrupt on terminal count, 1 hardware one-shot, 2 rate generator, 3 square wave,
 * 4 software strobe, 5 hardware strobe; a count of 0 means 65536.
 */
#include <stdlib.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

enum { PIT_HZ = 1193182, RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };

struct channel {
    uint32_t count;             /* reload value, 1..65536 */
    int mode, rw, bcd;
    bool gate;
    int64_t load_ns;            /* when counting started */
    bool counting;              /* a count has been written since the mode was set */
    uint16_t latch;
    int latched;                /* bytes of `latch` still to read: 0, 1 or 2 */
    bool status_latched;
    uint8_t status;
    bool read_msb_next, write_msb_next;
    uint8_t write_lsb;
};

struct i8254 {
    struct channel ch[3];
    struct irq_line irq;
    struct qtimer timer;
    uint8_t port61;
};

static uint64_t ticks_since(const struct channel *c, int64_t now)
{
    uint64_t ns = now > c->load_ns ? (uint64_t)(now - c->load_ns) : 0;
    return ns / 1000000000u * PIT_HZ + ns % 1000000000u * PIT_HZ / 1000000000u;
}

/* The virtual time of tick d after the load (rounded up, so that the tick has happened). */
static int64_t time_of_tick(const struct channel *c, uint64_t d)
{
    return c->load_ns + (int64_t)(d / PIT_HZ * 1000000000u + (d % PIT_HZ * 1000000000u + PIT_HZ - 1) / PIT_HZ);
}

static uint32_t current_count(const struct channel *c, int64_t now)
{
    if (!c->counting)
        return c->count & 0xffff;
    uint64_t d = ticks_since(c, now);
    switch (c->mode) {
    case 2:
        return (uint32_t)(c->count - d % c->count) & 0xffff;
    case 3:
        /* Counts down by two, twice per period (datasheet, mode 3). */
        return (uint32_t)(c->count - (2 * d) % c->count) & 0xffff;
    default:
        return (uint32_t)(c->count - d) & 0xffff;
    }
}

static bool output(const struct channel *c, int64_t now)
{
    if (!c->counting)
        return c->mode != 0;
    uint64_t d = ticks_since(c, now);
    switch (c->mode) {
    case 0: return d >= c->count;
    case 1: return d >= c->count;
    case 2: return d % c->count != c->count - 1;
    case 3: return d % c->count < (c->count + 1) / 2;
    default: return d != c->count;              /* 4, 5: one-tick strobe */
    }
}

/* Arms the IRQ 0 timer for channel 0's next rising edge after now, if any. */
static void arm_irq_timer(struct i8254 *s, int64_t now)
{
    struct channel *c = &s->ch[0];
    timer_del(&s->timer);
    if (!c->counting || !c->gate)
        return;
    uint64_t d = ticks_since(c, now);
    uint64_t next;
    switch (c->mode) {
    case 0:
    case 1:
        if (d >= c->count)
            return;
        next = c->count;
        break;
    case 2:
    case 3:
        next = (d / c->count + 1) * c->count;
        break;
    default:
        if (d > c->count)
            return;
        next = c->count + 1;
        break;
    }
    timer_mod(&s->timer, time_of_tick(c, next));
}

static void irq_timer(void *opaque)
{
    struct i8254 *s = opaque;
    irq_pulse(&s->irq);
    arm_irq_timer(s, clock_ns());
}

static uint8_t channel_status(const struct channel *c, int64_t now)
{
    return (uint8_t)((output(c, now) ? 0x80 : 0) | (c->counting ? 0 : 0x40) | c->rw << 4 | c->mode << 1 | c->bcd);
}

static void latch_count(struct channel *c, int64_t now)
{
    if (c->latched)
        return;
    c->latch = (uint16_t)current_count(c, now);
    c->latched = c->rw == RW_WORD ? 2 : 1;
}

static void write_control(struct i8254 *s, uint8_t v, int64_t now)
{
    int sel = v >> 6;
    if (sel == 3) {
        /* Read-back: bit 5 clear latches counts, bit 4 clear latches status (bits 3:1 pick). */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2 << i)))
                continue;
            struct channel *c = &s->ch[i];
            if (!(v & 0x20))
                latch_count(c, now);
            if (!(v & 0x10) && !c->status_latched) {
                c->status = channel_status(c, now);
                c->status_latched = true;
            }
        }
        return;
    }
    struct channel *c = &s->ch[sel];
    int rw = (v >> 4) & 3;
    if (rw == RW_LATCH) {
        latch_count(c, now);
        return;
    }
    c->rw = rw;
    c->mode = (v >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;           /* 6 and 7 are aliases of 2 and 3 */
    c->bcd = v & 1;
    c->counting = false;
    c->read_msb_next = c->write_msb_next = false;
    c->latched = 0;
    if (sel == 0)
        arm_irq_timer(s, now);
}

static void load_count(struct i8254 *s, int i, uint32_t value, int64_t now)
{
    struct channel *c = &s->ch[i];
    c->count = value ? value : 0x10000;
    c->load_ns = now;
    c->counting = true;
    if (i == 0)
        arm_irq_timer(s, now);
}

static void write_data(struct i8254 *s, int i, uint8_t v, int64_t now)
{
    struct channel *c = &s->ch[i];
    switch (c->rw) {
    case RW_LSB: load_count(s, i, v, now); break;
    case RW_MSB: load_count(s, i, (uint32_t)v << 8, now); break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = v;
            c->write_msb_next = true;
        } else {
            c->write_msb_next = false;
            load_count(s, i, c->write_lsb | (uint32_t)v << 8, now);
        }
        break;
    }
}

static uint8_t read_data(struct channel *c, int64_t now)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v;
    if (c->latched) {
        v = c->latch;
        c->latched--;
    } else {
        v = (uint16_t)current_count(c, now);
    }
    switch (c->rw) {
    case RW_LSB: return (uint8_t)v;
    case RW_MSB: return (uint8_t)(v >> 8);
    default:
        c->read_msb_next = !c->read_msb_next;
        return c->read_msb_next ? (uint8_t)v : (uint8_t)(v >> 8);
    }
}

static uint32_t pit_read(void *opaque, uint32_t off, int size_log2)
{
    (void)size_log2;
    struct i8254 *s = opaque;
    return off == 3 ? 0xff : read_data(&s->ch[off], clock_ns());
}

static void pit_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)size_log2;
    struct i8254 *s = opaque;
    if (off == 3)
        write_control(s, (uint8_t)value, clock_ns());
    else
        write_data(s, (int)off, (uint8_t)value, clock_ns());
}

/* Port 0x61: bit 0 gate 2, bit 1 speaker data, bit 4 refresh toggle (every 15.085 us), bit 5 out 2. */
static uint32_t port61_read(void *opaque, uint32_t off, int size_log2)
{
    (void)off, (void)size_log2;
    struct i8254 *s = opaque;
    int64_t now = clock_ns();
    bool refresh = (now / 15085) & 1;
    bool out2 = s->ch[2].gate && output(&s->ch[2], now);
    return (s->port61 & 3u) | (refresh ? 0x10u : 0) | (out2 ? 0x20u : 0);
}

static void port61_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)off, (void)size_log2;
    struct i8254 *s = opaque;
    struct channel *c = &s->ch[2];
    bool gate = value & 1;
    /* A rising gate (re)starts counting in modes 1, 2, 3 and 5. */
    if (gate && !c->gate && c->counting && c->mode != 0 && c->mode != 4)
        c->load_ns = clock_ns();
    c->gate = gate;
    s->port61 = (uint8_t)value;
}

void i8254_reset(struct i8254 *s)
{
    int64_t now = clock_ns();
    for (int i = 0; i < 3; i++)
        s->ch[i] = (struct channel){ .count = 0x10000, .mode = 3, .rw = RW_WORD, .gate = i != 2, .load_ns = now };
    s->port61 = 0;
    timer_del(&s->timer);
}

struct i8254 *i8254_init(struct irq_line irq)
{
    struct i8254 *s = calloc(1, sizeof *s);
    if (!s)
        sys_fatal("out of memory");
    s->irq = irq;
    timer_init(&s->timer, irq_timer, s);
    i8254_reset(s);
    ioport_register(0x40, 4, s, pit_read, pit_write, IO_SIZE8, "pit");
    ioport_register(0x61, 1, s, port61_read, port61_write, IO_SIZE8, "port61");
    return s;
}
