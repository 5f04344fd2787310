/*
 * PCI bus 0 behind an i440FX-compatible host bridge: configuration mechanism #1 (address register
 * at 0xcf8, data window at 0xcfc-0xcff, PCI local bus spec 3.3.2.3), the host bridge itself at
 * 00:00.0 (8086:1237) and a PIIX3 ISA bridge at 00:01.0 (8086:7000), whose reset control register
 * at 0xcf9 resets the machine when bit 2 (RST_CPU) is written (PIIX3 datasheet, RCR).
 *
 * Configuration spaces are 256-byte arrays with a write mask; absent functions read all ones,
 * which is how system software enumerates the bus.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"
#include "system/devices.h"
#include "system/iomem.h"
#include "system/main_loop.h"

struct pci_function {
    uint8_t config[256];
    uint8_t wmask[256];
};

struct pci_host {
    uint32_t address;
    uint8_t rcr;
    struct pci_function *fn[32][8];
    void (*reset)(void);
};

static struct pci_function *add_function(struct pci_host *h, int dev, int fn, uint16_t vendor, uint16_t device,
                                         uint32_t class_rev, uint8_t header)
{
    struct pci_function *f = calloc(1, sizeof *f);
    if (!f)
        sys_fatal("out of memory");
    f->config[0] = (uint8_t)vendor;
    f->config[1] = (uint8_t)(vendor >> 8);
    f->config[2] = (uint8_t)device;
    f->config[3] = (uint8_t)(device >> 8);
    f->config[8] = (uint8_t)class_rev;
    f->config[9] = (uint8_t)(class_rev >> 8);
    f->config[10] = (uint8_t)(class_rev >> 16);
    f->config[11] = (uint8_t)(class_rev >> 24);
    f->config[0x0e] = header;
    /* Command, latency timer, interrupt line and the device-specific area are writable. */
    f->wmask[0x04] = 0xff;
    f->wmask[0x05] = 0x07;
    f->wmask[0x0d] = 0xff;
    f->wmask[0x3c] = 0xff;
    memset(f->wmask + 0x40, 0xff, 0xc0);
    h->fn[dev][fn] = f;
    return f;
}

static struct pci_function *selected(struct pci_host *h, uint32_t *reg)
{
    uint32_t a = h->address;
    if (!(a & 0x80000000u) || ((a >> 16) & 0xff) != 0)
        return NULL;
    *reg = a & 0xfc;
    return h->fn[(a >> 11) & 31][(a >> 8) & 7];
}

static uint32_t data_read(void *opaque, uint32_t off, int size_log2)
{
    struct pci_host *h = opaque;
    uint32_t reg;
    struct pci_function *f = selected(h, &reg);
    int n = 1 << size_log2;
    if (!f)
        return size_log2 == 2 ? 0xffffffffu : (1u << (8 * n)) - 1;
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint32_t)f->config[(reg + off + (uint32_t)i) & 0xff] << (8 * i);
    return v;
}

static void data_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    struct pci_host *h = opaque;
    uint32_t reg;
    struct pci_function *f = selected(h, &reg);
    if (!f)
        return;
    for (int i = 0; i < (1 << size_log2); i++) {
        uint32_t r = (reg + off + (uint32_t)i) & 0xff;
        uint8_t b = (uint8_t)(value >> (8 * i));
        f->config[r] = (uint8_t)((f->config[r] & ~f->wmask[r]) | (b & f->wmask[r]));
    }
}

/* 0xcf8 is the address register only for 32-bit accesses; 0xcf9 as a byte is the PIIX3 RCR. */
static uint32_t addr_read(void *opaque, uint32_t off, int size_log2)
{
    struct pci_host *h = opaque;
    if (off == 0 && size_log2 == 2)
        return h->address;
    if (off == 1 && size_log2 == 0)
        return h->rcr;
    return size_log2 == 2 ? 0xffffffffu : (1u << (8 << size_log2)) - 1;
}

static void addr_write(void *opaque, uint32_t off, uint32_t value, int size_log2)
{
    struct pci_host *h = opaque;
    if (off == 0 && size_log2 == 2) {
        h->address = value & 0x80fffffc;
    } else if (off == 1 && size_log2 == 0) {
        h->rcr = (uint8_t)(value & 0x0a);
        if (value & 4)
            h->reset();
    }
}

struct pci_host *pci_init(void (*reset)(void))
{
    struct pci_host *h = calloc(1, sizeof *h);
    if (!h)
        sys_fatal("out of memory");
    h->reset = reset;
    add_function(h, 0, 0, 0x8086, 0x1237, 0x06000002, 0x00);
    add_function(h, 1, 0, 0x8086, 0x7000, 0x06010000, 0x80);
    ioport_register(0xcf8, 4, h, addr_read, addr_write, IO_SIZE_ALL, "pci-address");
    ioport_register(0xcfc, 4, h, data_read, data_write, IO_SIZE_ALL, "pci-data");
    return h;
}

void pci_reset(struct pci_host *h)
{
    h->address = 0;
    h->rcr = 0;
}
