/*
 * The device API of xqm-system: memory regions of the physical address space (RAM, ROM, MMIO),
 * port I/O ranges, and interrupt lines. Each device is an xxx_init() that registers static
 * callbacks with an opaque pointer to its state.
 *
 * Locking: every callback runs with the BQL held (system/main_loop.h). Devices never block in a
 * callback; timers and the main loop drive anything that takes time.
 *
 * Access sizes are given as log2 (0: byte, 1: 16 bits, 2: 32 bits). A region declares which sizes
 * its callbacks accept (IO_SIZE_* mask); other sizes are split into byte accesses by the dispatcher,
 * as an ISA bus would.
 */
#ifndef XQM_SYSTEM_IOMEM_H
#define XQM_SYSTEM_IOMEM_H

#include <stdbool.h>
#include <stdint.h>

typedef uint32_t (*io_read_fn)(void *opaque, uint32_t offset, int size_log2);
typedef void (*io_write_fn)(void *opaque, uint32_t offset, uint32_t value, int size_log2);

enum { IO_SIZE8 = 1 << 0, IO_SIZE16 = 1 << 1, IO_SIZE32 = 1 << 2, IO_SIZE_ALL = 7 };

/* --- physical memory (memory.c) --- */

enum mem_kind { MEM_RAM, MEM_ROM, MEM_MMIO };

struct mem_region {
    uint64_t addr, size;
    enum mem_kind kind;
    uint8_t *host;              /* RAM/ROM contents */
    void *opaque;               /* MMIO */
    io_read_fn read;
    io_write_fn write;
    unsigned sizes;
    const char *name;
};

/* Allocates size bytes of zeroed RAM at addr (host memory comes from mmap). */
struct mem_region *mem_map_ram(uint64_t addr, uint64_t size, const char *name);
/* ROM: guest writes are ignored. Contents are written by the caller through ->host. */
struct mem_region *mem_map_rom(uint64_t addr, uint64_t size, const char *name);
struct mem_region *mem_map_mmio(uint64_t addr, uint64_t size, void *opaque, io_read_fn read, io_write_fn write,
                                unsigned sizes, const char *name);
/* The region holding paddr, or NULL for a hole (reads as all ones, writes ignored). */
struct mem_region *mem_find(uint64_t paddr);
/* Host pointer to len bytes of RAM/ROM at paddr (for loaders and DMA-like copies), or NULL. */
uint8_t *mem_host_range(uint64_t paddr, uint64_t len);
/* Physical page numbers of RAM: a page index into the code-page table, or -1. */
int64_t mem_ram_page_index(uint64_t paddr);
uint64_t mem_ram_size(void);
/* Physical accesses from C (softmmu slow path, page walks): MMIO goes to the device under the
 * BQL (taken here unless the caller holds it); RAM writes invalidate translated code first. */
uint32_t mem_read(uint64_t paddr, int size_log2);
void mem_write(uint64_t paddr, uint32_t value, int size_log2);

/* --- port I/O (ioport.c) --- */

void ioport_register(uint32_t start, uint32_t count, void *opaque, io_read_fn read, io_write_fn write,
                     unsigned sizes, const char *name);
/* Dispatch with the BQL already held. Unassigned ports read as all ones. */
uint32_t ioport_read_locked(uint32_t port, int size_log2);
void ioport_write_locked(uint32_t port, uint32_t value, int size_log2);

/* --- interrupt lines --- */

/* A wire into an interrupt controller input: set(opaque, n, level). */
struct irq_line {
    void (*set)(void *opaque, int n, int level);
    void *opaque;
    int n;
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l->set)
        l->set(l->opaque, l->n, level);
}
static inline void irq_raise(const struct irq_line *l) { irq_set(l, 1); }
static inline void irq_lower(const struct irq_line *l) { irq_set(l, 0); }
static inline void irq_pulse(const struct irq_line *l)
{
    irq_set(l, 1);
    irq_set(l, 0);
}

#endif
