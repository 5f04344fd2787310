/*
 * What both boot loaders share: reading the image files, copying into guest RAM, and the 32-bit
 * protected-mode entry state (a flat GDT at BOOT_GDT with the selectors the Linux 32-bit boot
 * protocol names, __BOOT_CS = 0x10 and __BOOT_DS = 0x18; multiboot accepts any flat segments).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/pc.h"

enum { BOOT_GDT = 0x8000, BOOT_CS = 0x10, BOOT_DS = 0x18 };

uint8_t *loader_read_file(const char *path, uint64_t *size, const char *what)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        sys_fatal("cannot open %s '%s': %s", what, path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0)
        sys_fatal("cannot read %s '%s': %s", what, path, strerror(errno));
    long n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        sys_fatal("cannot read %s '%s': %s", what, path, strerror(errno));
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    if (!data)
        sys_fatal("out of memory reading %s '%s'", what, path);
    if (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n)
        sys_fatal("cannot read %s '%s': %s", what, path, ferror(f) ? strerror(errno) : "short read");
    fclose(f);
    *size = (uint64_t)n;
    return data;
}

void loader_copy(uint64_t paddr, const void *data, uint64_t len, const char *what)
{
    uint8_t *p = mem_host_range(paddr, len);
    if (!p)
        sys_fatal("%s does not fit in RAM (0x%llx bytes at 0x%llx; RAM is %llu MiB)", what, (unsigned long long)len,
                  (unsigned long long)paddr, (unsigned long long)(mem_ram_size() >> 20));
    memcpy(p, data, len);
}

void loader_enter_protected_mode(CPUX86State *env, uint32_t eip)
{
    struct x86_sys *sys = env_sys(env);
    /* Null, unused, then 4 GiB flat code (execute/read, accessed) and data (read/write, accessed). */
    static const uint64_t gdt[4] = { 0, 0, 0x00cf9b000000ffffull, 0x00cf93000000ffffull };
    loader_copy(BOOT_GDT, gdt, sizeof gdt, "the boot GDT");
    sys->gdt.base = BOOT_GDT;
    sys->gdt.limit = sizeof gdt - 1;
    sys->idt.base = 0;
    sys->idt.limit = 0x3ff;
    sys->cr0 = CR0_PE | CR0_ET;
    sys_load_seg_cache(env, R_CS, BOOT_CS, 0, 0xffffffff, sys_desc_flags(gdt[2]));
    static const int data_segs[] = { R_DS, R_ES, R_FS, R_GS, R_SS };
    for (size_t i = 0; i < sizeof data_segs / sizeof data_segs[0]; i++)
        sys_load_seg_cache(env, data_segs[i], BOOT_DS, 0, 0xffffffff, sys_desc_flags(gdt[3]));
    sys_set_cpl(env, 0);
    cpu_set_eflags(env, EFLAGS_FIXED, 0xffffffffu);
    env->eip = eip;
    sys_tlb_flush(env);
}
