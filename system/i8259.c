/*
 * The two cascaded 8259A programmable interrupt controllers of a PC (master at 0x20, slave at
 * 0xa0 on the master's IRQ 2) and the PIIX edge/level control registers (ELCR, 0x4d0/0x4d1).
 *
 * Facts from the 8259A datasheet: ICW1 (bit 4 set, even port) starts initialization, followed by
 * ICW2 (vector base), ICW3 (cascade, unless single mode) and ICW4 (if ICW1 bit 0); afterwards the
 * odd port is the mask (OCW1) and the even port takes OCW2 (EOI and rotation, bits 4:3 = 00) or
 * OCW3 (read register select, poll, special mask, bits 4:3 = 01). Priority is fixed or rotating:
 * `lowest` is the IRQ with the lowest priority, IRQ lowest+1 the highest. Edge-triggered inputs
 * latch a rising edge in IRR; level-triggered ones (ELCR or ICW1 LTIM) follow the line.
 */
#include <stdlib.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

struct pic {
    uint8_t irr, isr, imr;
    uint8_t line;               /* input levels */
    uint8_t elcr, elcr_mask;
    uint8_t vector_base;
    uint8_t lowest;             /* lowest-priority IRQ (7 after initialization) */
    uint8_t init_step;          /* 0: operational; 2..4: expecting ICW2..ICW4 */
    bool need_icw4, single, level_mode, auto_eoi, rotate_on_aeoi;
    bool read_isr, poll, special_mask;
};

struct i8259 {
    struct pic pic[2];
    struct irq_line cpu_intr;
};

/* Highest-priority bit of mask in priority order, as an IRQ number, or -1. */
static int highest(const struct pic *p, uint8_t mask)
{
    for (int i = 1; i <= 8; i++) {
        int irq = (p->lowest + i) & 7;
        if (mask & (1u << irq))
            return irq;
    }
    return -1;
}

/* The IRQ this PIC would present now, or -1. An in-service IRQ blocks those of lower priority,
 * except in special mask mode, where only itself is blocked. */
static int pending_irq(const struct pic *p)
{
    int irq = highest(p, p->irr & ~p->imr);
    if (irq < 0)
        return -1;
    uint8_t in_service = p->special_mask ? p->isr & ~p->imr : p->isr;
    int cur = highest(p, in_service);
    if (cur < 0)
        return irq;
    /* Compare priorities: distance from the lowest-priority position. */
    int prio_irq = (irq - p->lowest - 1) & 7, prio_cur = (cur - p->lowest - 1) & 7;
    return prio_irq < prio_cur ? irq : -1;
}

static void update(struct i8259 *s)
{
    /* The slave's INT output drives the master's IRQ 2 line. */
    struct pic *m = &s->pic[0], *sl = &s->pic[1];
    bool slave_int = pending_irq(sl) >= 0;
    if (slave_int)
        m->irr |= 1u << 2;
    else if ((m->elcr | (m->level_mode ? 0xff : 0)) & (1u << 2))
        m->irr &= ~(1u << 2);
    m->line = (uint8_t)((m->line & ~(1u << 2)) | (slave_int ? 1u << 2 : 0));
    irq_set(&s->cpu_intr, pending_irq(m) >= 0);
}

static void set_input(struct i8259 *s, int n, int level)
{
    struct pic *p = &s->pic[n >> 3];
    uint8_t bit = (uint8_t)(1u << (n & 7));
    bool level_triggered = p->level_mode || (p->elcr & bit);
    if (level_triggered) {
        if (level)
            p->irr |= bit;
        else
            p->irr &= (uint8_t)~bit;
    } else if (level && !(p->line & bit)) {
        p->irr |= bit;          /* rising edge */
    }
    p->line = level ? p->line | bit : p->line & (uint8_t)~bit;
    update(s);
}

static void irq_input(void *opaque, int n, int level)
{
    set_input(opaque, n, level);
}

struct irq_line i8259_irq(struct i8259 *s, int n)
{
    return (struct irq_line){ irq_input, s, n };
}

/* INTA cycle on one PIC: the IRQ moves from IRR to ISR (edge inputs forget the request). */
static void acknowledge(struct pic *p, int irq)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (!(p->level_mode || (p->elcr & bit)))
        p->irr &= (uint8_t)~bit;
    if (p->auto_eoi) {
        if (p->rotate_on_aeoi)
            p->lowest = (uint8_t)irq;
    } else {
        p->isr |= bit;
    }
}

int i8259_ack(struct i8259 *s)
{
    struct pic *m = &s->pic[0], *sl = &s->pic[1];
    int irq = pending_irq(m);
    int vector;
    if (irq < 0) {
        vector = m->vector_base + 7;            /* spurious IRQ 7 */
    } else if (irq == 2 && !m->single) {
        int irq2 = pending_irq(sl);
        acknowledge(m, 2);
        if (irq2 < 0) {
            vector = sl->vector_base + 7;       /* spurious IRQ 15 */
        } else {
            acknowledge(sl, irq2);
            vector = sl->vector_base + irq2;
        }
    } else {
        acknowledge(m, irq);
        vector = m->vector_base + irq;
    }
    update(s);
    return vector;
}

static void eoi(struct pic *p, int irq, bool rotate)
{
    if (irq < 0)
        return;
    p->isr &= (uint8_t)~(1u << irq);
    if (rotate)
        p->lowest = (uint8_t)irq;
}

static void write_command(struct pic *p, uint8_t v)
{
    if (v & 0x10) {                             /* ICW1 */
        p->imr = p->isr = 0;
        p->irr &= p->level_mode ? 0xff : 0;
        p->lowest = 7;
        p->special_mask = p->read_isr = p->poll = false;
        p->auto_eoi = p->rotate_on_aeoi = false;
        p->need_icw4 = v & 1;
        p->single = v & 2;
        p->level_mode = v & 8;
        p->init_step = 2;
        return;
    }
    if (v & 0x08) {                             /* OCW3 */
        if (v & 0x04)
            p->poll = true;
        if (v & 0x02)
            p->read_isr = v & 1;
        if (v & 0x40)
            p->special_mask = (v >> 5) & 1;
        return;
    }
    int level = v & 7;                          /* OCW2 */
    switch (v >> 5) {
    case 0: p->rotate_on_aeoi = false; break;
    case 4: p->rotate_on_aeoi = true; break;
    case 1: eoi(p, highest(p, p->isr), false); break;
    case 5: eoi(p, highest(p, p->isr), true); break;
    case 3: eoi(p, level, false); break;
    case 7: eoi(p, level, true); break;
    case 6: p->lowest = (uint8_t)level; break;
    default: break;                             /* 2: no operation */
    }
}

static void write_data(struct pic *p, uint8_t v)
{
    switch (p->init_step) {
    case 2:
        p->vector_base = v & 0xf8;
        p->init_step = p->single ? (p->need_icw4 ? 4 : 0) : 3;
        break;
    case 3:
        p->init_step = p->need_icw4 ? 4 : 0;
        break;
    case 4:
        p->auto_eoi = v & 2;
        p->init_step = 0;
        break;
    default:
        p->imr = v;
        break;
    }
}

static uint32_t pic_read(void *opaque, uint32_t off, int size_log2)
{
    (void)size_log2;
    struct i8259 *s = opaque;
    struct pic *p = &s->pic[off >> 1];
    if (off & 1)
        return p->imr;
    if (p->poll) {
        /* Poll mode: the read acknowledges the highest request (0x80 | irq), or 0. */
        p->poll = false;
        int irq = pending_irq(p);
        if (irq < 0)
            return 0;
        acknowledge(p, irq);
        update(s);
        return 0x80u | (uint32_t)irq;
    }
    return p->read_isr ? p->isr : p->irr;
}

static void pic_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)size_log2;
    struct i8259 *s = opaque;
    struct pic *p = &s->pic[off >> 1];
    if (off & 1)
        write_data(p, (uint8_t)value);
    else
        write_command(p, (uint8_t)value);
    update(s);
}

static uint32_t master_read(void *o, uint32_t off, int sz) { return pic_read(o, off, sz); }
static void master_write(void *o, uint32_t off, uint32_t v, int sz) { pic_write(o, off, v, sz); }
static uint32_t slave_read(void *o, uint32_t off, int sz) { return pic_read(o, off + 2, sz); }
static void slave_write(void *o, uint32_t off, uint32_t v, int sz) { pic_write(o, off + 2, v, sz); }

static uint32_t elcr_read(void *opaque, uint32_t off, int size_log2)
{
    (void)size_log2;
    struct i8259 *s = opaque;
    return s->pic[off].elcr;
}

static void elcr_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)size_log2;
    struct i8259 *s = opaque;
    s->pic[off].elcr = (uint8_t)value & s->pic[off].elcr_mask;
    update(s);
}

void i8259_reset(struct i8259 *s)
{
    for (int i = 0; i < 2; i++) {
        uint8_t mask = s->pic[i].elcr_mask;
        s->pic[i] = (struct pic){ .lowest = 7, .elcr_mask = mask };
    }
    update(s);
}

struct i8259 *i8259_init(struct irq_line cpu_intr)
{
    struct i8259 *s = calloc(1, sizeof *s);
    if (!s)
        sys_fatal("out of memory");
    s->cpu_intr = cpu_intr;
    /* IRQ 0, 1, 2, 8 and 13 are always edge-triggered on PIIX (ELCR bits fixed at 0). */
    s->pic[0].elcr_mask = 0xf8;
    s->pic[1].elcr_mask = 0xde;
    i8259_reset(s);
    ioport_register(0x20, 2, s, master_read, master_write, IO_SIZE8, "pic-master");
    ioport_register(0xa0, 2, s, slave_read, slave_write, IO_SIZE8, "pic-slave");
    ioport_register(0x4d0, 2, s, elcr_read, elcr_write, IO_SIZE8, "elcr");
    return s;
}
