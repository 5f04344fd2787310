/*
 * Multiboot (version 0.6.96) kernels for -kernel, as QEMU loads them: an ELF32 image or, with the
 * header's address fields (flags bit 16), a raw one; -initrd lists modules ("file args,file2").
 *
 * Machine state at entry (multiboot spec, 3.2): EAX = 0x2BADB002, EBX = physical address of the
 * multiboot information, CS/DS/ES/FS/GS/SS flat 4 GiB segments, protected mode without paging,
 * IF clear. The information structure gives the memory sizes, the command line (kernel path and
 * -append), a memory map, the modules and the boot loader name.
 */
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "common/xqm.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/pc.h"

enum {
    MB_MAGIC = 0x1badb002, MB_BOOT_MAGIC = 0x2badb002, MB_SEARCH = 8192,
    MB_AOUT_KLUDGE = 1 << 16,
    MBI_MEM = 1 << 0, MBI_CMDLINE = 1 << 2, MBI_MODS = 1 << 3, MBI_MMAP = 1 << 6, MBI_LOADER = 1 << 9,
    /* Where the information lives: below the kernel, above the boot GDT. */
    MBI_ADDR = 0x9000, MBI_MMAP_ADDR = 0x9100, MBI_MODS_ADDR = 0x9200, MBI_LOADER_ADDR = 0x9400,
    MBI_CMDLINE_ADDR = 0x9500, MBI_STRINGS_END = 0x10000,
};

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset of the multiboot header, or -1. */
static long find_header(const uint8_t *image, uint64_t size)
{
    uint64_t end = size < MB_SEARCH ? size : MB_SEARCH;
    for (uint64_t off = 0; off + 12 <= end; off += 4) {
        const uint8_t *h = image + off;
        if (rd32(h) == MB_MAGIC && rd32(h) + rd32(h + 4) + rd32(h + 8) == 0)
            return (long)off;
    }
    return -1;
}

bool multiboot_probe(const uint8_t *image, uint64_t size)
{
    return find_header(image, size) >= 0;
}

/* Loads the PT_LOAD segments at their physical addresses; returns the entry point and the end
 * of the highest segment. */
static uint32_t load_elf(const struct machine_config *cfg, const uint8_t *image, uint64_t size, uint64_t *end)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        sys_fatal("libelf is unusable");
    Elf *e = elf_memory((char *)image, size);
    GElf_Ehdr eh;
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) || eh.e_ident[EI_CLASS] != ELFCLASS32 ||
        eh.e_machine != EM_386)
        sys_fatal("multiboot kernel '%s' is not an i386 ELF file and has no load addresses in its header", cfg->kernel);
    size_t nph;
    if (elf_getphdrnum(e, &nph) != 0)
        sys_fatal("multiboot kernel '%s': malformed program headers", cfg->kernel);
    uint32_t entry = (uint32_t)eh.e_entry;
    *end = 0;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph))
            sys_fatal("multiboot kernel '%s': malformed program header %zu", cfg->kernel, i);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_offset + ph.p_filesz > size || ph.p_filesz > ph.p_memsz)
            sys_fatal("multiboot kernel '%s': segment %zu lies outside the file", cfg->kernel, i);
        uint8_t *dst = mem_host_range(ph.p_paddr, ph.p_memsz);
        if (!dst)
            sys_fatal("multiboot kernel '%s': segment at 0x%llx (0x%llx bytes) is outside the %llu MiB of RAM",
                      cfg->kernel, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz,
                      (unsigned long long)(mem_ram_size() >> 20));
        memcpy(dst, image + ph.p_offset, ph.p_filesz);
        memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
        /* An entry given as a virtual address inside this segment maps to its physical one. */
        if (entry >= ph.p_vaddr && entry - ph.p_vaddr < ph.p_memsz)
            entry = (uint32_t)(entry - ph.p_vaddr + ph.p_paddr);
        if (ph.p_paddr + ph.p_memsz > *end)
            *end = ph.p_paddr + ph.p_memsz;
    }
    elf_end(e);
    return entry;
}

/* The a.out kludge: header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr. */
static uint32_t load_raw(const struct machine_config *cfg, const uint8_t *image, uint64_t size, long hoff, uint64_t *end)
{
    const uint8_t *h = image + hoff;
    uint32_t header_addr = rd32(h + 12), load_addr = rd32(h + 16), load_end = rd32(h + 20);
    uint32_t bss_end = rd32(h + 24), entry = rd32(h + 28);
    if (header_addr < load_addr || (uint64_t)(header_addr - load_addr) > (uint64_t)hoff)
        sys_fatal("multiboot kernel '%s': inconsistent load addresses in its header", cfg->kernel);
    uint64_t file_off = (uint64_t)hoff - (header_addr - load_addr);
    uint64_t len = load_end ? (uint64_t)(load_end - load_addr) : size - file_off;
    if (load_end && load_end < load_addr)
        sys_fatal("multiboot kernel '%s': load_end_addr below load_addr", cfg->kernel);
    if (file_off + len > size)
        len = size - file_off;
    loader_copy(load_addr, image + file_off, len, "the multiboot kernel");
    *end = load_addr + len;
    if (bss_end > *end) {
        uint8_t *bss = mem_host_range(*end, bss_end - *end);
        if (!bss)
            sys_fatal("multiboot kernel '%s': bss beyond the end of RAM", cfg->kernel);
        memset(bss, 0, bss_end - *end);
        *end = bss_end;
    }
    return entry;
}

/* A string into the information area; returns its address. */
static uint32_t put_string(uint32_t *cursor, const char *s)
{
    uint32_t addr = *cursor;
    size_t n = strlen(s) + 1;
    if (addr + n > MBI_STRINGS_END)
        sys_fatal("multiboot command line and module names are too long");
    loader_copy(addr, s, n, "the multiboot command line");
    *cursor += (uint32_t)n;
    return addr;
}

/* Modules from -initrd: "path args,path2 args". Loaded page-aligned after the kernel. */
static uint32_t load_modules(const struct machine_config *cfg, uint64_t kernel_end, uint32_t *strings)
{
    if (!cfg->initrd)
        return 0;
    char *list = strdup(cfg->initrd);
    uint64_t next = (kernel_end + 0xfff) & ~0xfffull;
    uint32_t count = 0;
    for (char *save = NULL, *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        if ((count + 1) * 16 > MBI_LOADER_ADDR - MBI_MODS_ADDR)
            sys_fatal("too many multiboot modules");
        char path[4096];
        snprintf(path, sizeof path, "%s", m);
        char *space = strchr(path, ' ');
        if (space)
            *space = 0;
        uint64_t size;
        uint8_t *data = loader_read_file(path, &size, "module");
        loader_copy(next, data, size, "a multiboot module");
        free(data);
        uint8_t entry[16];
        wr32(entry, (uint32_t)next);
        wr32(entry + 4, (uint32_t)(next + size));
        wr32(entry + 8, put_string(strings, m));
        wr32(entry + 12, 0);
        loader_copy(MBI_MODS_ADDR + count * 16, entry, 16, "the multiboot module list");
        next = (next + size + 0xfff) & ~0xfffull;
        count++;
    }
    free(list);
    return count;
}

void multiboot_load(CPUX86State *env, const struct machine_config *cfg, const uint8_t *image, uint64_t size)
{
    long hoff = find_header(image, size);
    uint32_t flags = rd32(image + hoff + 4);
    uint64_t end;
    uint32_t entry = (flags & MB_AOUT_KLUDGE) ? load_raw(cfg, image, size, hoff, &end) : load_elf(cfg, image, size, &end);

    uint32_t strings = MBI_CMDLINE_ADDR;
    char cmdline[8192];
    snprintf(cmdline, sizeof cmdline, "%s%s%s", cfg->kernel, cfg->append ? " " : "", cfg->append ? cfg->append : "");
    uint32_t cmdline_addr = put_string(&strings, cmdline);
    uint32_t nmods = load_modules(cfg, end, &strings);

    /* Memory map entries: size (20, not counting itself), base, length, type (1 RAM, 2 reserved). */
    uint64_t ram = mem_ram_size();
    const struct { uint64_t base, len; uint32_t type; } map[] = {
        { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 }, { 0x100000, ram - 0x100000, 1 },
    };
    uint8_t mm[4 * 24];
    for (int i = 0; i < 4; i++) {
        uint8_t *e = mm + 24 * i;
        wr32(e, 20);
        wr32(e + 4, (uint32_t)map[i].base);
        wr32(e + 8, (uint32_t)(map[i].base >> 32));
        wr32(e + 12, (uint32_t)map[i].len);
        wr32(e + 16, (uint32_t)(map[i].len >> 32));
        wr32(e + 20, map[i].type);
    }
    loader_copy(MBI_MMAP_ADDR, mm, sizeof mm, "the multiboot memory map");
    static const char name[] = "xqm-system";
    loader_copy(MBI_LOADER_ADDR, name, sizeof name, "the multiboot loader name");

    uint8_t mbi[88] = { 0 };
    wr32(mbi + 0, MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER | (nmods ? MBI_MODS : 0));
    wr32(mbi + 4, 640);
    wr32(mbi + 8, (uint32_t)((ram - 0x100000) / 1024));
    wr32(mbi + 16, cmdline_addr);
    wr32(mbi + 20, nmods);
    wr32(mbi + 24, MBI_MODS_ADDR);
    wr32(mbi + 44, sizeof mm);
    wr32(mbi + 48, MBI_MMAP_ADDR);
    wr32(mbi + 64, MBI_LOADER_ADDR);
    loader_copy(MBI_ADDR, mbi, sizeof mbi, "the multiboot information");

    loader_enter_protected_mode(env, entry);
    env->regs[R_EAX] = MB_BOOT_MAGIC;
    env->regs[R_EBX] = MBI_ADDR;
}
