/*
 * The local APICs (one per CPU) and the I/O APIC (system/apic.c).
 */
#ifndef XQM_SYSTEM_APIC_H
#define XQM_SYSTEM_APIC_H

#include "system/iomem.h"
#include "target/i386/sys.h"

struct apic;
/* The local APIC of CPU cpu_index (maps the shared 0xfee00000 window on first use). */
struct apic *apic_init(int cpu_index);
void apic_reset(struct apic *a);
/* The 8259's INTR output, which reaches the CPU through LINT0. */
void apic_set_extint(struct apic *a, int level);
/* The CPU's INTA cycle: a vector from the APIC, else from pic_ack (ExtINT), else -1. */
int apic_ack(struct apic *a, int (*pic_ack)(void));

/* The I/O APIC: input n is ISA IRQ n. */
void ioapic_init(void);
void ioapic_reset(void);
struct irq_line ioapic_irq(int n);
/* A local APIC's EOI of a level-triggered vector. */
void ioapic_eoi(int vector);

#endif
