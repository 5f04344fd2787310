/*
 * Direct boot of a Linux bzImage through the 32-bit boot protocol (Documentation/arch/x86/boot.rst):
 * the protected-mode kernel is loaded at code32_start (1 MiB), a zero page (struct boot_params) is
 * built with a copy of the image's setup header, the command line, the initrd and an e820 memory
 * map, and the CPU enters the kernel in flat 32-bit protected mode with ESI pointing at the zero
 * page and EBP, EDI, EBX zero. The real-mode setup code is not run (no firmware to serve it).
 *
 * Layout: zero page at 0x10000, command line at 0x20000, initrd page-aligned at the top of RAM
 * below the kernel's initrd_addr_max.
 */
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/pc.h"

enum {
    ZERO_PAGE = 0x10000, CMDLINE_ADDR = 0x20000,
    /* Offsets in the image and the zero page (boot.rst, "The real-mode kernel header"). */
    HDR_SETUP_SECTS = 0x1f1, HDR_BOOT_FLAG = 0x1fe, HDR_JUMP = 0x200, HDR_MAGIC = 0x202, HDR_VERSION = 0x206,
    HDR_TYPE_OF_LOADER = 0x210, HDR_LOADFLAGS = 0x211, HDR_CODE32_START = 0x214, HDR_RAMDISK_IMAGE = 0x218,
    HDR_RAMDISK_SIZE = 0x21c, HDR_CMD_LINE_PTR = 0x228, HDR_INITRD_ADDR_MAX = 0x22c, HDR_CMDLINE_SIZE = 0x238,
    ZP_ALT_MEM_K = 0x1e0, ZP_E820_ENTRIES = 0x1e8, ZP_E820_TABLE = 0x2d0,
    LOADED_HIGH = 1,
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

bool linux_probe(const uint8_t *image, uint64_t size)
{
    return size >= 0x250 && memcmp(image + HDR_MAGIC, "HdrS", 4) == 0;
}

void linux_load(CPUX86State *env, const struct machine_config *cfg, const uint8_t *image, uint64_t size)
{
    uint16_t version = rd16(image + HDR_VERSION);
    if (rd16(image + HDR_BOOT_FLAG) != 0xaa55)
        sys_fatal("kernel '%s': bad boot sector signature in the setup header", cfg->kernel);
    if (version < 0x0202)
        sys_fatal("kernel '%s': boot protocol %d.%02d is too old (2.02 or later needed)", cfg->kernel,
                  version >> 8, version & 0xff);
    if (!(image[HDR_LOADFLAGS] & LOADED_HIGH))
        sys_fatal("kernel '%s' is a zImage (loaded low); only bzImage kernels are supported", cfg->kernel);
    unsigned setup_sects = image[HDR_SETUP_SECTS] ? image[HDR_SETUP_SECTS] : 4;
    uint64_t setup_size = (uint64_t)(setup_sects + 1) * 512;
    if (setup_size >= size)
        sys_fatal("kernel '%s' is truncated: its setup code claims %llu bytes of %llu", cfg->kernel,
                  (unsigned long long)setup_size, (unsigned long long)size);
    uint32_t code32 = rd32(image + HDR_CODE32_START);
    loader_copy(code32, image + setup_size, size - setup_size, "the kernel");

    /* The zero page: the setup header as the image has it, then what the loader fills in. */
    uint8_t zp[4096] = { 0 };
    size_t hdr_end = 0x202 + image[0x201];
    if (hdr_end > sizeof zp || hdr_end > size)
        sys_fatal("kernel '%s': malformed setup header", cfg->kernel);
    memcpy(zp + HDR_SETUP_SECTS, image + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    zp[HDR_TYPE_OF_LOADER] = 0xff;          /* "undefined" loader */

    uint32_t cmdline_max = version >= 0x0206 ? rd32(image + HDR_CMDLINE_SIZE) : 255;
    const char *append = cfg->append ? cfg->append : "";
    if (strlen(append) > cmdline_max)
        sys_fatal("-append: command line of %zu bytes exceeds the kernel's limit of %u", strlen(append), cmdline_max);
    loader_copy(CMDLINE_ADDR, append, strlen(append) + 1, "the kernel command line");
    wr32(zp + HDR_CMD_LINE_PTR, CMDLINE_ADDR);

    uint64_t ram = mem_ram_size();
    if (cfg->initrd) {
        uint64_t isize;
        uint8_t *initrd = loader_read_file(cfg->initrd, &isize, "initrd");
        uint64_t max = version >= 0x0203 ? rd32(image + HDR_INITRD_ADDR_MAX) : 0x37ffffff;
        uint64_t top = (max + 1 < ram ? max + 1 : ram);
        uint64_t kernel_end = code32 + (size - setup_size);
        if (isize > top || ((top - isize) & ~0xfffull) < kernel_end)
            sys_fatal("initrd '%s' (%llu bytes) does not fit in RAM above the kernel: use a larger -m",
                      cfg->initrd, (unsigned long long)isize);
        uint64_t addr = (top - isize) & ~0xfffull;
        loader_copy(addr, initrd, isize, "the initrd");
        free(initrd);
        wr32(zp + HDR_RAMDISK_IMAGE, (uint32_t)addr);
        wr32(zp + HDR_RAMDISK_SIZE, (uint32_t)isize);
    }

    /* e820: base memory, the EBDA and BIOS areas reserved, then the RAM above 1 MiB. */
    const struct { uint64_t base, len; uint32_t type; } map[] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 }, { 0x100000, ram - 0x100000, 1 },
    };
    for (int i = 0; i < 4; i++) {
        uint8_t *e = zp + ZP_E820_TABLE + 20 * i;
        wr64(e, map[i].base);
        wr64(e + 8, map[i].len);
        wr32(e + 16, map[i].type);
    }
    zp[ZP_E820_ENTRIES] = 4;
    wr32(zp + ZP_ALT_MEM_K, (uint32_t)((ram - 0x100000) / 1024));
    loader_copy(ZERO_PAGE, zp, sizeof zp, "the boot parameters");

    loader_enter_protected_mode(env, code32);
    env->regs[R_ESI] = ZERO_PAGE;
    env->regs[R_EBP] = env->regs[R_EDI] = env->regs[R_EBX] = 0;
}
