/*
 * The local APIC of each CPU (memory-mapped at 0xfee00000, as the accessing CPU sees it) and the
 * I/O APIC (0xfec00000), after the SDM vol. 3, chapter 11, and the 82093AA datasheet.
 *
 * Local APIC: interrupts are accepted into IRR; the highest-priority one above the processor
 * priority (max of TPR and the highest in-service class) is offered to the CPU, which moves it to
 * ISR when it takes it; EOI retires the highest in-service one (and, for a level-triggered one,
 * tells the I/O APIC). The timer counts down at 1 GHz divided by the divide configuration, in
 * one-shot or periodic mode, on the virtual clock. IPIs: fixed and NMI to self, to all, or to a
 * CPU by APIC ID. The 8259's INTR reaches the CPU through LINT0 in ExtINT mode, or directly while
 * the APIC is disabled (software-disabled in SVR, or globally in the APIC base MSR).
 *
 * At reset the APIC base MSR has the global enable bit clear, as a BIOS that leaves the machine in
 * PIC mode would: Linux then runs on the 8259 unless told `lapic`; bare-metal code enables it.
 *
 * I/O APIC: 24 redirection entries (vector, delivery mode, trigger, polarity, mask, destination
 * APIC ID); ISA IRQ n drives pin n, except that the timer (IRQ 0) drives pin 2, as PC firmware
 * reports in its interrupt source override. A level-triggered pin stays pending (remote IRR)
 * until the local APIC's EOI.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"
#include "system/apic.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/vcpu.h"

enum {
    REG_ID = 0x20, REG_VERSION = 0x30, REG_TPR = 0x80, REG_APR = 0x90, REG_PPR = 0xa0, REG_EOI = 0xb0,
    REG_LDR = 0xd0, REG_DFR = 0xe0, REG_SVR = 0xf0, REG_ISR = 0x100, REG_TMR = 0x180, REG_IRR = 0x200,
    REG_ESR = 0x280, REG_ICR_LO = 0x300, REG_ICR_HI = 0x310, REG_LVT_TIMER = 0x320, REG_LVT_LINT0 = 0x350,
    REG_LVT_ERROR = 0x370, REG_TIMER_INIT = 0x380, REG_TIMER_CUR = 0x390, REG_TIMER_DIV = 0x3e0,
    LVT_MASKED = 1 << 16, LVT_PERIODIC = 1 << 17, LVT_LEVEL = 1 << 15,
    DM_FIXED = 0, DM_NMI = 4, DM_EXTINT = 7,
    NLVT = 6,               /* timer, thermal, performance, LINT0, LINT1, error */
    SVR_ENABLE = 1 << 8,
};

struct apic {
    int index;
    uint32_t id, tpr, svr, ldr, dfr, esr, icr_lo, icr_hi;
    uint32_t lvt[NLVT];
    uint32_t isr[8], irr[8], tmr[8];
    uint32_t timer_initial, timer_divide;
    int64_t timer_start;
    struct qtimer timer;
    bool extint;            /* the 8259's INTR level as seen on LINT0 */
};

struct ioapic {
    uint32_t select, id;
    uint64_t redir[24];
    uint32_t pin_level;     /* current input levels */
};

static struct apic **apics;
static int napics;
static struct ioapic *io;

static bool bit_get(const uint32_t *v, int n) { return (v[n >> 5] >> (n & 31)) & 1; }
static void bit_set(uint32_t *v, int n) { v[n >> 5] |= 1u << (n & 31); }
static void bit_clear(uint32_t *v, int n) { v[n >> 5] &= ~(1u << (n & 31)); }

static int highest_bit(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i])
            return i * 32 + 31 - __builtin_clz(v[i]);
    }
    return -1;
}

static bool globally_enabled(const struct apic *a)
{
    return env_sys(vcpu_env(a->index))->apic_base & (1u << 11);
}

static bool enabled(const struct apic *a)
{
    return globally_enabled(a) && (a->svr & SVR_ENABLE);
}

static uint32_t ppr(const struct apic *a)
{
    int isr = highest_bit(a->isr);
    uint32_t isrv = isr < 0 ? 0 : (uint32_t)isr & 0xf0;
    return (a->tpr & 0xf0) >= isrv ? a->tpr : isrv;
}

/* The vector the APIC would offer the CPU now, or -1. */
static int deliverable(const struct apic *a)
{
    if (!enabled(a))
        return -1;
    int v = highest_bit(a->irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (ppr(a) & 0xf0))
        return -1;
    return v;
}

/* The 8259 reaches the CPU through LINT0 (ExtINT, unmasked) or directly when the APIC is off. */
static bool extint_open(const struct apic *a)
{
    if (!enabled(a))
        return true;
    uint32_t lint0 = a->lvt[3];
    return !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == DM_EXTINT;
}

static void update(struct apic *a)
{
    vcpu_set_intr(a->index, deliverable(a) >= 0 || (a->extint && extint_open(a)));
}

static void accept(struct apic *a, int vector, bool level)
{
    if (vector < 16)
        return;             /* vectors 0-15 are illegal (ESR "receive illegal vector") */
    bit_set(a->irr, vector);
    if (level)
        bit_set(a->tmr, vector);
    else
        bit_clear(a->tmr, vector);
    update(a);
}

void apic_set_extint(struct apic *a, int level)
{
    a->extint = level != 0;
    update(a);
}

int apic_ack(struct apic *a, int (*pic_ack)(void))
{
    int v = deliverable(a);
    if (v >= 0) {
        bit_clear(a->irr, v);
        bit_set(a->isr, v);
        update(a);
        return v;
    }
    if (a->extint && extint_open(a))
        return pic_ack();
    /* Nothing left by the time of the INTA cycle: the spurious vector (SVR). */
    return enabled(a) ? (int)(a->svr & 0xff) : -1;
}

/* --- timer --- */

static uint32_t divisor(const struct apic *a)
{
    uint32_t d = (a->timer_divide & 3) | ((a->timer_divide >> 1) & 4);
    return d == 7 ? 1 : 2u << d;
}

static uint32_t timer_current(const struct apic *a)
{
    if (!a->timer_initial)
        return 0;
    uint64_t ticks = (uint64_t)(clock_ns() - a->timer_start) / divisor(a);
    if (a->lvt[0] & LVT_PERIODIC)
        return a->timer_initial - (uint32_t)(ticks % a->timer_initial);
    return ticks >= a->timer_initial ? 0 : a->timer_initial - (uint32_t)ticks;
}

static void timer_arm(struct apic *a)
{
    timer_del(&a->timer);
    if (!a->timer_initial)
        return;
    uint64_t period = (uint64_t)a->timer_initial * divisor(a);
    uint64_t elapsed = (uint64_t)(clock_ns() - a->timer_start);
    uint64_t next;
    if (a->lvt[0] & LVT_PERIODIC)
        next = (elapsed / period + 1) * period;
    else if (elapsed < period)
        next = period;
    else
        return;
    timer_mod(&a->timer, a->timer_start + (int64_t)next);
}

static void timer_expired(void *opaque)
{
    struct apic *a = opaque;
    if (!(a->lvt[0] & LVT_MASKED))
        accept(a, (int)(a->lvt[0] & 0xff), false);
    if (a->lvt[0] & LVT_PERIODIC)
        timer_arm(a);
}

/* --- registers --- */

static void send_ipi(struct apic *from)
{
    int vector = (int)(from->icr_lo & 0xff), mode = (int)(from->icr_lo >> 8) & 7;
    int shorthand = (int)(from->icr_lo >> 18) & 3;
    uint32_t dest = from->icr_hi >> 24;
    for (int i = 0; i < napics; i++) {
        struct apic *to = apics[i];
        bool hit = shorthand == 1 ? to == from : shorthand == 2 ? true : shorthand == 3 ? to != from
                                                                                          : to->id == dest || dest == 0xff;
        if (!hit)
            continue;
        if (mode == DM_FIXED)
            accept(to, vector, false);
        else if (mode == DM_NMI)
            vcpu_nmi(to->index);
        else if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: IPI delivery mode %d not supported\n", mode);
    }
}

static void eoi(struct apic *a)
{
    int v = highest_bit(a->isr);
    if (v < 0)
        return;
    bit_clear(a->isr, v);
    if (bit_get(a->tmr, v))
        ioapic_eoi(v);
    update(a);
}

static struct apic *current_apic(void)
{
    return env_sys(vcpu_current_env())->apic;
}

static uint32_t apic_read(void *opaque, uint32_t off, int size_log2)
{
    (void)opaque, (void)size_log2;
    struct apic *a = current_apic();
    off &= 0xff0;
    if (off >= REG_ISR && off < REG_ISR + 0x80)
        return a->isr[(off - REG_ISR) >> 4];
    if (off >= REG_TMR && off < REG_TMR + 0x80)
        return a->tmr[(off - REG_TMR) >> 4];
    if (off >= REG_IRR && off < REG_IRR + 0x80)
        return a->irr[(off - REG_IRR) >> 4];
    if (off >= REG_LVT_TIMER && off <= REG_LVT_ERROR)
        return a->lvt[(off - REG_LVT_TIMER) >> 4];
    switch (off) {
    case REG_ID: return a->id << 24;
    case REG_VERSION: return 0x00050014;        /* version 0x14, 6 LVT entries */
    case REG_TPR: return a->tpr;
    case REG_APR: return 0;
    case REG_PPR: return ppr(a);
    case REG_LDR: return a->ldr;
    case REG_DFR: return a->dfr;
    case REG_SVR: return a->svr;
    case REG_ESR: return a->esr;
    case REG_ICR_LO: return a->icr_lo & ~(1u << 12);   /* delivery status: always idle */
    case REG_ICR_HI: return a->icr_hi;
    case REG_TIMER_INIT: return a->timer_initial;
    case REG_TIMER_CUR: return timer_current(a);
    case REG_TIMER_DIV: return a->timer_divide;
    default: return 0;
    }
}

static void apic_write(void *opaque, uint32_t off, uint32_t v, int size_log2)
{
    (void)opaque, (void)size_log2;
    struct apic *a = current_apic();
    off &= 0xff0;
    if (off >= REG_LVT_TIMER && off <= REG_LVT_ERROR) {
        int i = (int)(off - REG_LVT_TIMER) >> 4;
        a->lvt[i] = (a->svr & SVR_ENABLE) ? v : v | LVT_MASKED;
        if (i == 0)
            timer_arm(a);
        update(a);
        return;
    }
    switch (off) {
    case REG_ID: a->id = v >> 24; break;
    case REG_TPR: a->tpr = v & 0xff; update(a); break;
    case REG_EOI: eoi(a); break;
    case REG_LDR: a->ldr = v & 0xff000000; break;
    case REG_DFR: a->dfr = v | 0x0fffffff; break;
    case REG_SVR:
        a->svr = v & 0x1ff;
        /* Software-disabling masks every LVT entry (SDM vol. 3, 11.4.7.2). */
        if (!(v & SVR_ENABLE)) {
            for (int i = 0; i < NLVT; i++)
                a->lvt[i] |= LVT_MASKED;
        }
        update(a);
        break;
    case REG_ESR: a->esr = 0; break;
    case REG_ICR_HI: a->icr_hi = v; break;
    case REG_ICR_LO:
        a->icr_lo = v;
        send_ipi(a);
        break;
    case REG_TIMER_INIT:
        a->timer_initial = v;
        a->timer_start = clock_ns();
        timer_arm(a);
        break;
    case REG_TIMER_DIV:
        a->timer_divide = v & 0xb;
        a->timer_start = clock_ns();
        timer_arm(a);
        break;
    default: break;
    }
}

void apic_reset(struct apic *a)
{
    int index = a->index;
    timer_del(&a->timer);
    struct qtimer t = a->timer;
    bool extint = a->extint;
    memset(a, 0, sizeof *a);
    a->index = index;
    a->timer = t;
    a->extint = extint;
    a->id = (uint32_t)index;
    a->svr = 0xff;
    a->dfr = 0xffffffff;
    for (int i = 0; i < NLVT; i++)
        a->lvt[i] = LVT_MASKED;
    /* Virtual wire: LINT0 as ExtINT, LINT1 as NMI, as PC firmware leaves them. */
    a->lvt[3] = DM_EXTINT << 8;
    a->lvt[4] = DM_NMI << 8;
    update(a);
}

struct apic *apic_init(int cpu_index)
{
    struct apic *a = calloc(1, sizeof *a);
    if (!a)
        sys_fatal("out of memory");
    a->index = cpu_index;
    timer_init(&a->timer, timer_expired, a);
    apics = realloc(apics, sizeof *apics * (size_t)(napics + 1));
    if (!apics)
        sys_fatal("out of memory");
    apics[napics++] = a;
    if (napics == 1)
        mem_map_mmio(0xfee00000, 0x1000, NULL, apic_read, apic_write, IO_SIZE32, "local-apic");
    apic_reset(a);
    return a;
}

/* --- I/O APIC --- */

static void ioapic_deliver(int pin)
{
    uint64_t r = io->redir[pin];
    bool level = (r >> 15) & 1;
    if ((r >> 16) & 1)
        return;                     /* masked */
    if (level && ((r >> 14) & 1))
        return;                     /* remote IRR: still in service */
    int mode = (int)(r >> 8) & 7;
    uint32_t dest = (uint32_t)(r >> 56);
    for (int i = 0; i < napics; i++) {
        struct apic *a = apics[i];
        if (a->id != dest && dest != 0xff)
            continue;
        if (mode == DM_NMI) {
            vcpu_nmi(a->index);
        } else {
            accept(a, (int)(r & 0xff), level);
            if (level)
                io->redir[pin] |= 1ull << 14;
        }
        break;
    }
}

static void ioapic_set_irq(void *opaque, int n, int level)
{
    (void)opaque;
    int pin = n == 0 ? 2 : n;       /* ISA IRQ 0 arrives on pin 2 */
    uint32_t bit = 1u << pin;
    bool old = io->pin_level & bit;
    bool active_low = (io->redir[pin] >> 13) & 1;
    bool asserted = (level != 0) != active_low;
    io->pin_level = asserted ? io->pin_level | bit : io->pin_level & ~bit;
    bool is_level = (io->redir[pin] >> 15) & 1;
    if (asserted && (is_level || !old))
        ioapic_deliver(pin);
}

struct irq_line ioapic_irq(int n)
{
    return (struct irq_line){ ioapic_set_irq, NULL, n };
}

void ioapic_eoi(int vector)
{
    if (!io)
        return;
    for (int pin = 0; pin < 24; pin++) {
        if ((io->redir[pin] & 0xff) == (uint64_t)vector && ((io->redir[pin] >> 14) & 1)) {
            io->redir[pin] &= ~(1ull << 14);
            if (io->pin_level & (1u << pin))
                ioapic_deliver(pin);
        }
    }
}

static uint32_t ioapic_read(void *opaque, uint32_t off, int size_log2)
{
    (void)opaque, (void)size_log2;
    if (off == 0)
        return io->select;
    if (off != 0x10)
        return 0;
    uint32_t r = io->select;
    if (r == 0)
        return io->id << 24;
    if (r == 1)
        return 0x00170011;          /* 24 entries, version 0x11 */
    if (r >= 0x10 && r < 0x10 + 48) {
        uint64_t e = io->redir[(r - 0x10) / 2];
        return (r & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    return 0;
}

static void ioapic_write(void *opaque, uint32_t off, uint32_t v, int size_log2)
{
    (void)opaque, (void)size_log2;
    if (off == 0) {
        io->select = v & 0xff;
        return;
    }
    if (off != 0x10)
        return;
    uint32_t r = io->select;
    if (r == 0) {
        io->id = (v >> 24) & 0xf;
    } else if (r >= 0x10 && r < 0x10 + 48) {
        int pin = (int)(r - 0x10) / 2;
        uint64_t e = io->redir[pin];
        /* Delivery status (12) and remote IRR (14) are read-only. */
        if (r & 1)
            e = (e & 0xffffffffull) | (uint64_t)v << 32;
        else
            e = (e & ~0xffffffffull) | (v & ~((1u << 12) | (1u << 14))) | (e & ((1u << 12) | (1u << 14)));
        io->redir[pin] = e;
        if ((io->pin_level & (1u << pin)) && ((e >> 15) & 1))
            ioapic_deliver(pin);
    }
}

void ioapic_reset(void)
{
    uint32_t levels = io->pin_level;
    memset(io, 0, sizeof *io);
    io->pin_level = levels;
    for (int pin = 0; pin < 24; pin++)
        io->redir[pin] = 1ull << 16;    /* masked */
}

void ioapic_init(void)
{
    io = calloc(1, sizeof *io);
    if (!io)
        sys_fatal("out of memory");
    ioapic_reset();
    mem_map_mmio(0xfec00000, 0x1000, NULL, ioapic_read, ioapic_write, IO_SIZE32, "ioapic");
}
