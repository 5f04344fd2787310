/*
 * The PC devices of xqm-system, each created by its xxx_init() (which registers its ports) and
 * brought back to power-on state by xxx_reset(). All entry points need the BQL.
 */
#ifndef XQM_SYSTEM_DEVICES_H
#define XQM_SYSTEM_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "system/iomem.h"

/* 8259A pair: inputs 0..15 via i8259_irq; the master's output drives cpu_intr. */
struct i8259;
struct i8259 *i8259_init(struct irq_line cpu_intr);
struct irq_line i8259_irq(struct i8259 *s, int n);
/* The INTA cycle: the vector of the highest pending request (a spurious 7/15 if none). */
int i8259_ack(struct i8259 *s);
void i8259_reset(struct i8259 *s);

/* 8254 PIT with channel 0 on irq; port 0x61. */
struct i8254;
struct i8254 *i8254_init(struct irq_line irq);
void i8254_reset(struct i8254 *s);

/* MC146818 RTC/CMOS on irq. */
struct mc146818;
struct mc146818 *mc146818_init(struct irq_line irq);
void mc146818_set_memory(struct mc146818 *s, uint64_t ram_bytes);
void mc146818_reset(struct mc146818 *s);

/* 16550A UART at base; stdio connects it to the host's stdin/stdout. */
struct serial;
struct serial *serial_init(uint32_t base, struct irq_line irq, bool stdio);
void serial_reset(struct serial *s);

/* i8042 keyboard controller; reset() is its CPU reset line. */
struct i8042;
struct i8042 *i8042_init(struct irq_line irq_kbd, struct irq_line irq_aux, void (*reset)(void));
void i8042_reset(struct i8042 *s);

/* PCI host bridge and PIIX3 ISA bridge (with the 0xcf9 reset register). */
struct pci_host;
struct pci_host *pci_init(void (*reset)(void));
void pci_reset(struct pci_host *h);

/* Port 0x92 and isa-debug-exit. */
void port92_init(void (*reset)(void));
void debug_exit_init(uint32_t iobase, uint32_t iosize);

#endif
