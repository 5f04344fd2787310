/*
 * Small I/O devices: system control port A (0x92: bit 0 fast reset, bit 1 A20 gate) and the
 * isa-debug-exit port, through which test guests end the machine with a status.
 *
 * isa-debug-exit behaves as QEMU's: a write of value v makes the process exit with status
 * (v << 1) | 1, so a guest can never produce status 0 (that stays "the machine shut down").
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

struct port92 {
    uint8_t value;
    void (*reset)(void);
};

static uint32_t port92_read(void *opaque, uint32_t off, int size_log2)
{
    (void)off, (void)size_log2;
    struct port92 *s = opaque;
    return s->value;
}

static void port92_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)off, (void)size_log2;
    struct port92 *s = opaque;
    /* A20 is always enabled in xqm; bit 1 is only remembered. A 0->1 edge of bit 0 resets. */
    bool reset = (value & 1) && !(s->value & 1);
    s->value = (uint8_t)(value & 2);
    if (reset)
        s->reset();
}

void port92_init(void (*reset)(void))
{
    struct port92 *s = calloc(1, sizeof *s);
    if (!s)
        sys_fatal("out of memory");
    s->reset = reset;
    s->value = 2;
    ioport_register(0x92, 1, s, port92_read, port92_write, IO_SIZE8, "port92");
}

static void debug_exit_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    (void)opaque, (void)off, (void)size_log2;
    fflush(stdout);
    exit((int)((value << 1) | 1));
}

void debug_exit_init(uint32_t iobase, uint32_t iosize)
{
    ioport_register(iobase, iosize, NULL, NULL, debug_exit_write, IO_SIZE_ALL, "isa-debug-exit");
}
