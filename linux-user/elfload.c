/*
 * Loading a static i386 ELF program and building its initial stack, as Linux's binfmt_elf does.
 *
 * ET_EXEC programs go to their link addresses; static-pie programs (ET_DYN without PT_INTERP) are
 * moved to GUEST_PIE_BASE, where a non-randomized i386 Linux puts them. Segment contents are read
 * into anonymous guest memory rather than mapped from the file, which keeps the loader independent
 * of the host page size; a page shared by two segments gets the union of their permissions.
 *
 * The initial stack is create_elf_tables' layout for i386, top down: an end marker, the exec file
 * name (AT_EXECFN), the environment strings, the argument strings, then (16-byte aligned) the
 * AT_PLATFORM string and the 16 AT_RANDOM bytes, then argc, argv[], NULL, envp[], NULL and the
 * auxiliary vector, with esp 16-byte aligned at argc. There is no vDSO, so no AT_SYSINFO: glibc
 * then makes its system calls with `int $0x80`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux-user/user.h"

struct image_info guest_image;

enum { MAX_LOAD_SEGMENTS = 32, AUXV_MAX_ENTRIES = 24 };

/* A PT_LOAD header with the values the loader needs, already moved by the load bias. */
struct load_segment {
    uint32_t vaddr, memsz, filesz;
    uint64_t offset;
    unsigned prot;
};

/* Everything elf_load_program learns from the headers. */
struct elf_program {
    struct load_segment seg[MAX_LOAD_SEGMENTS];
    int nseg;
    uint32_t entry, phdr_addr, phnum, bias;
    bool has_phdr_segment;
    bool has_gnu_stack, executable_stack;
};

static bool fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
    return false;
}

static const char *machine_name(unsigned machine)
{
    switch (machine) {
    case EM_X86_64: return "x86-64";
    case EM_MIPS: return "MIPS";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    default: return NULL;
    }
}

static unsigned segment_prot(GElf_Word flags)
{
    return ((flags & PF_R) ? PAGE_READ : 0) | ((flags & PF_W) ? PAGE_WRITE : 0)
           | ((flags & PF_X) ? PAGE_EXEC : 0);
}

/* Reads the headers; checks that the file is a static i386 executable that fits the guest space. */
static bool read_headers(Elf *elf, int fd, const char *path, off_t file_size,
                         struct elf_program *prog, char *err, size_t err_size)
{
    GElf_Ehdr eh;
    if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
        return fail(err, err_size, "%s: not an ELF file", path);
    if (gelf_getclass(elf) != ELFCLASS32 || eh.e_machine != EM_386
        || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
        const char *m = machine_name(eh.e_machine);
        if (m)
            return fail(err, err_size, "%s: not an i386 program (it is for %s)", path, m);
        return fail(err, err_size, "%s: not an i386 program (ELF machine %u, class %d)", path,
                    eh.e_machine, gelf_getclass(elf));
    }
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return fail(err, err_size, "%s: not an executable (ELF type %u)", path, eh.e_type);

    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0 || phnum == 0)
        return fail(err, err_size, "%s: no program headers", path);
    uint32_t lowest = UINT32_MAX;
    uint64_t phdr_vaddr = 0;
    prog->nseg = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph))
            return fail(err, err_size, "%s: bad program header %zu: %s", path, i, elf_errmsg(-1));
        if (ph.p_type == PT_INTERP) {
            char interp[PATH_MAX] = "";
            size_t n = ph.p_filesz < sizeof interp - 1 ? ph.p_filesz : sizeof interp - 1;
            if (pread(fd, interp, n, (off_t)ph.p_offset) < 0)
                interp[0] = 0;
            return fail(err, err_size, "%s: dynamically linked (interpreter %s); only static "
                        "programs are supported", path, interp[0] ? interp : "?");
        }
        if (ph.p_type == PT_GNU_STACK) {
            prog->has_gnu_stack = true;
            prog->executable_stack = (ph.p_flags & PF_X) != 0;
        }
        if (ph.p_type == PT_PHDR) {
            prog->has_phdr_segment = true;
            phdr_vaddr = ph.p_vaddr;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (prog->nseg == MAX_LOAD_SEGMENTS)
            return fail(err, err_size, "%s: more than %d loadable segments", path, MAX_LOAD_SEGMENTS);
        if (ph.p_filesz > ph.p_memsz || ph.p_offset + ph.p_filesz > (uint64_t)file_size
            || ph.p_vaddr + ph.p_memsz > GUEST_SPACE_SIZE)
            return fail(err, err_size, "%s: bad loadable segment %zu", path, i);
        if (ph.p_vaddr < lowest)
            lowest = (uint32_t)ph.p_vaddr;
        prog->seg[prog->nseg++] = (struct load_segment){
            .vaddr = (uint32_t)ph.p_vaddr, .memsz = (uint32_t)ph.p_memsz,
            .filesz = (uint32_t)ph.p_filesz, .offset = ph.p_offset, .prot = segment_prot(ph.p_flags),
        };
    }
    if (prog->nseg == 0)
        return fail(err, err_size, "%s: nothing to load", path);

    prog->bias = eh.e_type == ET_DYN ? GUEST_PIE_BASE - (lowest & GUEST_PAGE_MASK) : 0;
    for (int i = 0; i < prog->nseg; i++) {
        struct load_segment *s = &prog->seg[i];
        uint64_t start = (uint64_t)s->vaddr + prog->bias, end = start + s->memsz;
        bool below_stack = start >= GUEST_LOWEST_MAP && end <= GUEST_STACK_TOP - GUEST_STACK_SIZE - GUEST_PAGE_SIZE;
        bool above_stack = start >= GUEST_STACK_TOP + GUEST_PAGE_SIZE && end <= GUEST_HIGH_TOP;
        if (!below_stack && !above_stack)
            return fail(err, err_size, "%s: segment at 0x%x does not fit the i386 address space",
                        path, s->vaddr);
        if (i > 0 && start < (uint64_t)prog->seg[i - 1].vaddr + prog->seg[i - 1].memsz)
            return fail(err, err_size, "%s: loadable segments overlap or are out of order", path);
        s->vaddr = (uint32_t)start;
    }
    prog->entry = (uint32_t)eh.e_entry + prog->bias;
    prog->phnum = (uint32_t)phnum;
    if (prog->has_phdr_segment) {
        prog->phdr_addr = (uint32_t)phdr_vaddr + prog->bias;
    } else {
        /* Without PT_PHDR, the headers are wherever the segment holding e_phoff put them. */
        for (int i = 0; i < prog->nseg; i++) {
            const struct load_segment *s = &prog->seg[i];
            if (eh.e_phoff >= s->offset && eh.e_phoff < s->offset + s->filesz)
                prog->phdr_addr = s->vaddr + (uint32_t)(eh.e_phoff - s->offset);
        }
    }
    return true;
}

static bool read_fully(int fd, void *dst, size_t len, uint64_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)dst + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

static uint32_t page_of(uint32_t a) { return a & GUEST_PAGE_MASK; }
static uint64_t page_end_of(uint64_t a) { return (a + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1); }

/* Maps the segments writable, copies their file bytes, then sets the final permissions. */
static bool map_segments(const struct elf_program *prog, int fd, const char *path, uint32_t *brk,
                         char *err, size_t err_size)
{
    uint64_t mapped_end = 0;
    for (int i = 0; i < prog->nseg; i++) {
        const struct load_segment *s = &prog->seg[i];
        uint64_t start = page_of(s->vaddr), end = page_end_of((uint64_t)s->vaddr + s->memsz);
        if (start < mapped_end)
            start = mapped_end;     /* the page shared with the previous segment is there already */
        if (start < end) {
            int64_t r = guest_mmap((uint32_t)start, (uint32_t)(end - start), PAGE_READ | PAGE_WRITE,
                                   GUEST_MAP_PRIVATE | GUEST_MAP_ANONYMOUS | GUEST_MAP_FIXED, -1, 0);
            if (r < 0)
                return fail(err, err_size, "%s: cannot map segment at 0x%x: %s", path, s->vaddr,
                            strerror((int)-r));
        }
        if (!read_fully(fd, g2h(s->vaddr), s->filesz, s->offset))
            return fail(err, err_size, "%s: cannot read segment at 0x%x", path, s->vaddr);
        if (end > mapped_end)
            mapped_end = end;
    }
    *brk = (uint32_t)mapped_end;

    for (int i = 0; i < prog->nseg; i++) {
        const struct load_segment *s = &prog->seg[i];
        uint32_t start = page_of(s->vaddr);
        uint64_t end = page_end_of((uint64_t)s->vaddr + s->memsz);
        guest_mprotect(start, (uint32_t)(end - start), s->prot);
        if (i > 0 && page_of(prog->seg[i - 1].vaddr + prog->seg[i - 1].memsz - 1) == start)
            guest_mprotect(start, GUEST_PAGE_SIZE, s->prot | prog->seg[i - 1].prot);
    }
    return true;
}

/* The initial stack under construction: sp moves down as things are pushed. */
struct stack_builder {
    uint32_t sp;
    uint32_t floor;             /* refuse to grow below this */
    bool overflow;
};

static uint32_t push_bytes(struct stack_builder *b, const void *data, size_t len)
{
    if (b->overflow || len > b->sp - b->floor) {
        b->overflow = true;
        return 0;
    }
    b->sp -= (uint32_t)len;
    memcpy(g2h(b->sp), data, len);
    return b->sp;
}

static uint32_t push_string(struct stack_builder *b, const char *s)
{
    return push_bytes(b, s, strlen(s) + 1);
}

static bool build_stack(const struct elf_program *prog, const char *execfn, int argc,
                        char *const argv[], char *const envp[], uint32_t hwcap,
                        uint32_t *initial_esp, struct image_info *info)
{
    /*
     * The strings may use at most a quarter of the stack, as Linux allows a quarter of the
     * stack rlimit; the rest is the program's.
     */
    struct stack_builder b = { GUEST_STACK_TOP - 4, GUEST_STACK_TOP - GUEST_STACK_SIZE / 4, false };
    int envc = 0;
    while (envp[envc])
        envc++;
    uint32_t *argv_at = calloc((size_t)argc + 1, sizeof *argv_at);
    uint32_t *envp_at = calloc((size_t)envc + 1, sizeof *envp_at);
    if (!argv_at || !envp_at) {
        free(argv_at);
        free(envp_at);
        return false;
    }
    uint32_t execfn_at = push_string(&b, execfn);
    for (int i = envc - 1; i >= 0; i--)
        envp_at[i] = push_string(&b, envp[i]);
    for (int i = argc - 1; i >= 0; i--)
        argv_at[i] = push_string(&b, argv[i]);
    info->arg_start = argc > 0 ? argv_at[0] : b.sp;
    info->arg_end = argc > 0 ? argv_at[argc - 1] + (uint32_t)strlen(argv[argc - 1]) + 1 : b.sp;

    b.sp &= ~15u;
    uint32_t platform_at = push_string(&b, "i686");
    uint8_t random_bytes[16];
    if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes)
        memset(random_bytes, 0x5a, sizeof random_bytes);
    uint32_t random_at = push_bytes(&b, random_bytes, sizeof random_bytes);

    /* In the kernel's order (fs/binfmt_elf.c, create_elf_tables). */
    const uint32_t auxv[][2] = {
        { AT_HWCAP, hwcap }, { AT_PAGESZ, GUEST_PAGE_SIZE }, { AT_CLKTCK, 100 },
        { AT_PHDR, prog->phdr_addr }, { AT_PHENT, sizeof(Elf32_Phdr) },
        { AT_PHNUM, prog->phnum }, { AT_BASE, 0 }, { AT_FLAGS, 0 }, { AT_ENTRY, prog->entry },
        { AT_UID, getuid() }, { AT_EUID, geteuid() }, { AT_GID, getgid() }, { AT_EGID, getegid() },
        { AT_SECURE, 0 }, { AT_RANDOM, random_at }, { AT_EXECFN, execfn_at },
        { AT_PLATFORM, platform_at }, { AT_NULL, 0 },
    };
    size_t nauxv = sizeof auxv / sizeof auxv[0];
    size_t words = 1 + ((size_t)argc + 1) + ((size_t)envc + 1) + 2 * nauxv;
    if (b.overflow || words * 4 > b.sp - b.floor) {
        free(argv_at);
        free(envp_at);
        return false;
    }
    uint32_t sp = (b.sp - (uint32_t)(words * 4)) & ~15u;
    uint8_t *p = g2h(sp);
    store_u32(p, (uint32_t)argc);
    p += 4;
    for (int i = 0; i <= argc; i++, p += 4)
        store_u32(p, argv_at[i]);
    for (int i = 0; i <= envc; i++, p += 4)
        store_u32(p, envp_at[i]);
    info->auxv_bytes = (uint32_t)(8 * nauxv);
    info->auxv = malloc(info->auxv_bytes);
    for (size_t i = 0; i < nauxv; i++, p += 8) {
        store_u32(p, auxv[i][0]);
        store_u32(p + 4, auxv[i][1]);
        if (info->auxv) {
            store_u32(info->auxv + 8 * i, auxv[i][0]);
            store_u32(info->auxv + 8 * i + 4, auxv[i][1]);
        }
    }
    free(argv_at);
    free(envp_at);
    *initial_esp = sp;
    return true;
}

bool elf_load_program(const char *path, const char *execfn, int argc, char *const argv[],
                      char *const envp[], uint32_t hwcap, struct image_info *info,
                      char *err, size_t err_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, err_size, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, err_size, "%s: not a regular file", path);
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        close(fd);
        return fail(err, err_size, "libelf is unusable: %s", elf_errmsg(-1));
    }
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    struct elf_program prog = { .nseg = 0 };
    bool ok = elf && read_headers(elf, fd, path, st.st_size, &prog, err, err_size);
    if (!elf)
        fail(err, err_size, "%s: not an ELF file", path);
    if (elf)
        elf_end(elf);

    uint32_t brk = 0;
    if (ok) {
        /* Linux's READ_IMPLIES_EXEC for i386 programs that do not declare their stack. */
        guest_set_read_implies_exec(!prog.has_gnu_stack);
        ok = map_segments(&prog, fd, path, &brk, err, err_size);
    }
    close(fd);
    if (!ok)
        return false;

    unsigned stack_prot = PAGE_READ | PAGE_WRITE | (prog.executable_stack ? PAGE_EXEC : 0);
    int64_t r = guest_mmap(GUEST_STACK_TOP - GUEST_STACK_SIZE, GUEST_STACK_SIZE, stack_prot,
                           GUEST_MAP_PRIVATE | GUEST_MAP_ANONYMOUS | GUEST_MAP_FIXED
                           | GUEST_MAP_GROWSDOWN, -1, 0);
    if (r < 0)
        return fail(err, err_size, "cannot map the guest stack: %s", strerror((int)-r));
    uint32_t esp;
    struct image_info built = { 0 };
    if (!build_stack(&prog, execfn, argc, argv, envp, hwcap, &esp, &built))
        return fail(err, err_size, "%s: argument list too long", path);

    guest_brk_init(brk);
    char *abs = realpath(path, NULL);
    *info = (struct image_info){
        .entry = prog.entry, .initial_esp = esp, .load_bias = prog.bias,
        .phdr_addr = prog.phdr_addr, .phnum = prog.phnum, .brk_start = brk,
        .image_start = prog.nseg > 0 ? page_of(prog.seg[0].vaddr) : 0,
        .exe_path = abs ? abs : strdup(path),
        .arg_start = built.arg_start, .arg_end = built.arg_end,
        .auxv = built.auxv, .auxv_bytes = built.auxv_bytes,
    };
    return true;
}
