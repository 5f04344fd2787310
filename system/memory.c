/*
 * The physical address space: a short list of regions (RAM, ROM, MMIO) and the accessors the CPU
 * side uses when the TLB cannot help (page-table walks, the softmmu slow path, loaders).
 *
 * A PC has a handful of regions, so lookup is a linear scan with the RAM below 4 GiB checked
 * first; the TLB keeps lookups off the hot path. Regions never overlap and are only added before
 * the vCPUs start, so readers need no lock. Holes read as all ones and ignore writes, as an
 * unclaimed PCI/ISA cycle does.
 */
#include <string.h>
#include <sys/mman.h>

#include "common/xqm.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/softmmu.h"
#include "target/i386/sys.h"

enum { MAX_REGIONS = 32 };

static struct mem_region regions[MAX_REGIONS];
static int nregions;
static struct mem_region *ram_low;      /* the RAM at physical 0 */

static struct mem_region *add_region(uint64_t addr, uint64_t size, enum mem_kind kind, const char *name)
{
    xqm_assert(nregions < MAX_REGIONS && size > 0);
    for (int i = 0; i < nregions; i++) {
        const struct mem_region *r = &regions[i];
        if (addr < r->addr + r->size && r->addr < addr + size)
            sys_fatal("memory region '%s' overlaps '%s'", name, r->name);
    }
    struct mem_region *r = &regions[nregions++];
    *r = (struct mem_region){ .addr = addr, .size = size, .kind = kind, .name = name };
    return r;
}

static uint8_t *alloc_host(uint64_t size, const char *name)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        sys_fatal("cannot allocate %llu MiB for %s", (unsigned long long)(size >> 20), name);
    return p;
}

struct mem_region *mem_map_ram(uint64_t addr, uint64_t size, const char *name)
{
    struct mem_region *r = add_region(addr, size, MEM_RAM, name);
    r->host = alloc_host(size, name);
    if (addr == 0)
        ram_low = r;
    return r;
}

struct mem_region *mem_map_rom(uint64_t addr, uint64_t size, const char *name)
{
    struct mem_region *r = add_region(addr, size, MEM_ROM, name);
    r->host = alloc_host(size, name);
    return r;
}

struct mem_region *mem_map_mmio(uint64_t addr, uint64_t size, void *opaque, io_read_fn read, io_write_fn write,
                                unsigned sizes, const char *name)
{
    struct mem_region *r = add_region(addr, size, MEM_MMIO, name);
    r->opaque = opaque;
    r->read = read;
    r->write = write;
    r->sizes = sizes;
    return r;
}

struct mem_region *mem_find(uint64_t paddr)
{
    if (ram_low && paddr < ram_low->size)
        return ram_low;
    for (int i = 0; i < nregions; i++) {
        if (paddr - regions[i].addr < regions[i].size)
            return &regions[i];
    }
    return NULL;
}

uint8_t *mem_host_range(uint64_t paddr, uint64_t len)
{
    struct mem_region *r = mem_find(paddr);
    if (!r || r->kind == MEM_MMIO || paddr + len > r->addr + r->size)
        return NULL;
    return r->host + (paddr - r->addr);
}

int64_t mem_ram_page_index(uint64_t paddr)
{
    if (ram_low && paddr < ram_low->size)
        return (int64_t)(paddr >> 12);
    return -1;
}

uint64_t mem_ram_size(void)
{
    return ram_low ? ram_low->size : 0;
}

uint8_t *sys_phys_ram_ptr(uint64_t paddr)
{
    struct mem_region *r = mem_find(paddr);
    if (!r || r->kind == MEM_MMIO)
        return NULL;
    return r->host + (paddr - r->addr);
}

/* MMIO access of any size: natural sizes the device accepts go through whole, others bytewise. */
static uint32_t mmio_read(struct mem_region *r, uint64_t paddr, int size_log2)
{
    uint32_t off = (uint32_t)(paddr - r->addr);
    uint32_t v;
    bool lock = !bql_locked();
    if (lock)
        bql_lock();
    if (r->sizes & (1u << size_log2)) {
        v = r->read(r->opaque, off, size_log2);
    } else {
        v = 0;
        for (int i = 0; i < (1 << size_log2); i++)
            v |= (r->read(r->opaque, off + (uint32_t)i, 0) & 0xff) << (8 * i);
    }
    if (lock)
        bql_unlock();
    return v;
}

static void mmio_write(struct mem_region *r, uint64_t paddr, uint32_t value, int size_log2)
{
    uint32_t off = (uint32_t)(paddr - r->addr);
    bool lock = !bql_locked();
    if (lock)
        bql_lock();
    if (r->sizes & (1u << size_log2)) {
        r->write(r->opaque, off, value, size_log2);
    } else {
        for (int i = 0; i < (1 << size_log2); i++)
            r->write(r->opaque, off + (uint32_t)i, (value >> (8 * i)) & 0xff, 0);
    }
    if (lock)
        bql_unlock();
}

uint32_t mem_read(uint64_t paddr, int size_log2)
{
    struct mem_region *r = mem_find(paddr);
    if (!r)
        return size_log2 == 2 ? 0xffffffffu : (1u << (8 << size_log2)) - 1;
    if (r->kind == MEM_MMIO)
        return mmio_read(r, paddr, size_log2);
    const uint8_t *p = r->host + (paddr - r->addr);
    switch (size_log2) {
    case 0: return p[0];
    case 1: { uint16_t v; memcpy(&v, p, 2); return v; }
    default: { uint32_t v; memcpy(&v, p, 4); return v; }
    }
}

void mem_write(uint64_t paddr, uint32_t value, int size_log2)
{
    struct mem_region *r = mem_find(paddr);
    if (!r || r->kind == MEM_ROM)
        return;
    if (r->kind == MEM_MMIO) {
        mmio_write(r, paddr, value, size_log2);
        return;
    }
    softmmu_notify_ram_write(paddr, 1u << size_log2);
    uint8_t *p = r->host + (paddr - r->addr);
    switch (size_log2) {
    case 0: p[0] = (uint8_t)value; break;
    case 1: { uint16_t v = (uint16_t)value; memcpy(p, &v, 2); break; }
    default: memcpy(p, &value, 4); break;
    }
}

uint32_t sys_phys_read(uint64_t paddr, int size_log2) { return mem_read(paddr, size_log2); }
void sys_phys_write(uint64_t paddr, uint32_t value, int size_log2) { mem_write(paddr, value, size_log2); }
