/*
 * Port I/O dispatch: a 64 Ki-entry table from port number to the device range that claims it.
 *
 * An access of a size the device does not accept is split into byte accesses to consecutive
 * ports, as the ISA bus does for a 16-bit access to an 8-bit device. Unclaimed ports read as all
 * ones and ignore writes (nothing drives the bus). The CPU side enters through sys_io_read/write,
 * which take the BQL around the device; registrations happen before the vCPUs start.
 */
#include <stdlib.h>

#include "common/xqm.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "target/i386/sys.h"

struct io_range {
    uint32_t start;
    void *opaque;
    io_read_fn read;
    io_write_fn write;
    unsigned sizes;
    const char *name;
};

static struct io_range *ports[0x10000];

void ioport_register(uint32_t start, uint32_t count, void *opaque, io_read_fn read, io_write_fn write,
                     unsigned sizes, const char *name)
{
    struct io_range *r = malloc(sizeof *r);
    if (!r)
        sys_fatal("out of memory");
    *r = (struct io_range){ start, opaque, read, write, sizes, name };
    for (uint32_t p = start; p < start + count && p < 0x10000; p++) {
        if (ports[p])
            sys_fatal("I/O port 0x%x of '%s' is already taken by '%s'", p, name, ports[p]->name);
        ports[p] = r;
    }
}

static uint32_t read_bytes(uint32_t port, int size_log2)
{
    uint32_t v = 0;
    for (int i = 0; i < (1 << size_log2); i++) {
        uint32_t p = (port + (uint32_t)i) & 0xffff;
        struct io_range *r = ports[p];
        uint32_t b = r && r->read ? r->read(r->opaque, p - r->start, 0) : 0xff;
        v |= (b & 0xff) << (8 * i);
    }
    return v;
}

uint32_t ioport_read_locked(uint32_t port, int size_log2)
{
    struct io_range *r = ports[port & 0xffff];
    if (r && r->read && (r->sizes & (1u << size_log2)))
        return r->read(r->opaque, (port & 0xffff) - r->start, size_log2);
    return read_bytes(port, size_log2);
}

void ioport_write_locked(uint32_t port, uint32_t value, int size_log2)
{
    struct io_range *r = ports[port & 0xffff];
    if (r && r->write && (r->sizes & (1u << size_log2))) {
        r->write(r->opaque, (port & 0xffff) - r->start, value, size_log2);
        return;
    }
    for (int i = 0; i < (1 << size_log2); i++) {
        uint32_t p = (port + (uint32_t)i) & 0xffff;
        struct io_range *b = ports[p];
        if (b && b->write)
            b->write(b->opaque, p - b->start, (value >> (8 * i)) & 0xff, 0);
    }
}

uint32_t sys_io_read(uint32_t port, int size_log2)
{
    bql_lock();
    uint32_t v = ioport_read_locked(port, size_log2);
    bql_unlock();
    uint32_t mask = size_log2 == 2 ? 0xffffffffu : (1u << (8 << size_log2)) - 1;
    return v & mask;
}

void sys_io_write(uint32_t port, uint32_t value, int size_log2)
{
    bql_lock();
    ioport_write_locked(port, value, size_log2);
    bql_unlock();
}
