/*
 * set_thread_area and get_thread_area: the three TLS slots of the GDT that Linux gives each
 * thread, kept in env->gdt[] as raw 8-byte x86 segment descriptors. The layout is that of a
 * 64-bit kernel running a 32-bit process (user code 0x23, user data 0x2b, TLS entries 12-14, so
 * glibc's %gs is 0x63), where i386 binaries most often run today; a 32-bit kernel uses 0x73,
 * 0x7b and entries 6-8. Programs learn the entry from set_thread_area, so either works for them.
 *
 * The descriptors are encoded exactly as the kernel's fill_ldt does (SDM vol. 3, 3.4.5), accessed
 * bit set, so whoever loads a selector (the core's segment-load helper) decodes a real descriptor.
 * A change to the slot a segment register already uses takes effect at once, as on Linux, which
 * reloads %fs/%gs after set_thread_area.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum { GDT_ENTRY_TLS_MIN = 12, GDT_ENTRY_TLS_MAX = 14 };
_Static_assert(GDT_ENTRY_TLS_MAX < sizeof(((CPUX86State *)0)->gdt) / sizeof(uint64_t), "env->gdt holds the TLS entries");

/* struct user_desc's flag word (arch/x86/include/uapi/asm/ldt.h). */
enum {
    UD_SEG_32BIT = 1 << 0,
    UD_CONTENTS_SHIFT = 1,      /* two bits */
    UD_READ_EXEC_ONLY = 1 << 3,
    UD_LIMIT_IN_PAGES = 1 << 4,
    UD_SEG_NOT_PRESENT = 1 << 5,
    UD_USEABLE = 1 << 6,
};

/* Descriptor high-word bits. */
enum {
    DESC_TYPE_SHIFT = 8, DESC_S = 1 << 12, DESC_DPL3 = 3 << 13, DESC_P = 1 << 15,
    DESC_AVL = 1 << 20, DESC_B = 1 << 22, DESC_G = 1 << 23,
};

struct user_desc_fields {
    uint32_t entry_number, base_addr, limit, flags;
};

/* The kernel's "clear this slot" encodings (LDT_empty and LDT_zero). */
static bool user_desc_is_empty(const struct user_desc_fields *u)
{
    uint32_t f = u->flags & 0x7f;
    bool zero = u->base_addr == 0 && u->limit == 0 && f == 0;
    bool empty = u->base_addr == 0 && u->limit == 0
                 && f == (UD_READ_EXEC_ONLY | UD_SEG_NOT_PRESENT);
    return zero || empty;
}

static uint64_t encode_descriptor(const struct user_desc_fields *u)
{
    if (user_desc_is_empty(u))
        return 0;
    uint32_t f = u->flags;
    uint32_t contents = (f >> UD_CONTENTS_SHIFT) & 3;
    uint32_t type = (((f & UD_READ_EXEC_ONLY) ? 0 : 1) << 1) | (contents << 2) | 1;
    uint32_t lo = (u->base_addr << 16) | (u->limit & 0xffff);
    uint32_t hi = (u->base_addr & 0xff000000) | ((u->base_addr >> 16) & 0xff)
                  | (u->limit & 0xf0000) | (type << DESC_TYPE_SHIFT) | DESC_S | DESC_DPL3
                  | ((f & UD_SEG_NOT_PRESENT) ? 0 : DESC_P) | ((f & UD_USEABLE) ? DESC_AVL : 0)
                  | ((f & UD_SEG_32BIT) ? DESC_B : 0) | ((f & UD_LIMIT_IN_PAGES) ? DESC_G : 0);
    return ((uint64_t)hi << 32) | lo;
}

static void decode_descriptor(uint64_t d, struct user_desc_fields *u)
{
    uint32_t lo = (uint32_t)d, hi = (uint32_t)(d >> 32);
    uint32_t type = (hi >> DESC_TYPE_SHIFT) & 0xf;
    u->base_addr = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
    u->limit = (lo & 0xffff) | (hi & 0xf0000);
    u->flags = ((hi & DESC_B) ? UD_SEG_32BIT : 0) | (((type >> 2) & 3) << UD_CONTENTS_SHIFT)
               | ((type & 2) ? 0 : UD_READ_EXEC_ONLY) | ((hi & DESC_G) ? UD_LIMIT_IN_PAGES : 0)
               | ((hi & DESC_P) ? 0 : UD_SEG_NOT_PRESENT) | ((hi & DESC_AVL) ? UD_USEABLE : 0);
}

/* Linux's tls_desc_okay: only present 32-bit data or code segments, or a clear. */
static bool user_desc_acceptable(const struct user_desc_fields *u)
{
    if (user_desc_is_empty(u))
        return true;
    return (u->flags & UD_SEG_32BIT) && ((u->flags >> UD_CONTENTS_SHIFT) & 3) <= 1
           && !(u->flags & UD_SEG_NOT_PRESENT);
}

/* Flat user segments as the high word of their descriptor (SDM vol. 3, 3.4.5), attribute bits. */
enum { FLAT_CODE_FLAGS = 0x00c0fb00, FLAT_DATA_FLAGS = 0x00c0f300 };

static bool load_ldt_segment(CPUX86State *env, int seg, uint32_t sel);

bool cpu_load_user_segment(CPUX86State *env, int seg, uint32_t selector)
{
    uint32_t sel = selector & 0xffff;
    struct x86_segment *s = &env->segs[seg];
    if ((sel & ~3u) == 0) {
        if (seg == R_CS || seg == R_SS)
            return false;
        *s = (struct x86_segment){ .selector = sel };
        return true;
    }
    if ((sel & 3) != 3)
        return false;           /* user mode needs RPL 3 */
    if (sel & 4)
        return load_ldt_segment(env, seg, sel);
    if (sel == USER_CS || sel == USER_DS) {
        if ((seg == R_CS) != (sel == USER_CS))
            return false;
        *s = (struct x86_segment){ .selector = sel, .base = 0, .limit = 0xffffffff,
                                   .flags = sel == USER_CS ? FLAT_CODE_FLAGS : FLAT_DATA_FLAGS };
        return true;
    }
    uint32_t idx = sel >> 3;
    if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX || !(env->gdt[idx] & (1ull << 47)))
        return false;
    struct user_desc_fields u;
    decode_descriptor(env->gdt[idx], &u);
    s->selector = sel;
    s->base = u.base_addr;
    s->limit = (u.flags & UD_LIMIT_IN_PAGES) ? (u.limit << 12) | 0xfff : u.limit;
    s->flags = (uint32_t)(env->gdt[idx] >> 32) & 0x00f0ff00;
    return true;
}

/* Refreshes the cached base/limit of a segment register that uses GDT entry idx. */
static void reload_if_loaded(CPUX86State *env, int idx)
{
    static const int tls_segs[] = { R_FS, R_GS };
    for (int i = 0; i < 2; i++) {
        struct x86_segment *s = &env->segs[tls_segs[i]];
        if ((s->selector >> 3) != (uint32_t)idx || (s->selector & 4))
            continue;
        struct user_desc_fields u;
        decode_descriptor(env->gdt[idx], &u);
        s->base = u.base_addr;
        s->limit = (u.flags & UD_LIMIT_IN_PAGES) ? (u.limit << 12) | 0xfff : u.limit;
        s->flags = (uint32_t)(env->gdt[idx] >> 32) & 0x00f0ff00;
    }
}

/*
 * modify_ldt: the process's local descriptor table (shared by its threads, like the mm it belongs
 * to on Linux), for programs that address their TLS or other data through an LDT selector (Wine,
 * old threading libraries). Entries use the user_desc encoding of set_thread_area; 8192 at most.
 */
enum { LDT_ENTRIES = 8192, LDT_ENTRY_SIZE = 8 };
static uint64_t *ldt;
static uint32_t ldt_used;       /* entries up to the highest one ever written */

static bool load_ldt_segment(CPUX86State *env, int seg, uint32_t sel)
{
    uint32_t idx = sel >> 3;
    if (!ldt || idx >= ldt_used || !(ldt[idx] & (1ull << 47)))
        return false;
    struct user_desc_fields u;
    decode_descriptor(ldt[idx], &u);
    struct x86_segment *s = &env->segs[seg];
    s->selector = sel;
    s->base = u.base_addr;
    s->limit = (u.flags & UD_LIMIT_IN_PAGES) ? (u.limit << 12) | 0xfff : u.limit;
    s->flags = (uint32_t)(ldt[idx] >> 32) & 0x00f0ff00;
    return true;
}

int32_t sys_modify_ldt(const struct syscall *sc)
{
    uint32_t func = sc->arg[0], ptr = sc->arg[1], count = sc->arg[2];
    switch (func) {
    case 0: {                   /* read: the raw descriptors, zero-filled up to count */
        if (count > LDT_ENTRIES * LDT_ENTRY_SIZE)
            count = LDT_ENTRIES * LDT_ENTRY_SIZE;
        uint32_t size = ldt_used * LDT_ENTRY_SIZE;
        uint8_t *g = count ? guest_ptr(ptr, count, PAGE_WRITE) : NULL;
        if (count && !g)
            return guest_err(EFAULT);
        for (uint32_t i = 0; i < count; i++)
            g[i] = i < size ? (uint8_t)(ldt[i / 8] >> (8 * (i % 8))) : 0;
        return (int32_t)count;
    }
    case 2:                     /* the default LDT: empty */
        return 0;
    case 1:
    case 0x11: {
        if (count != 16)
            return guest_err(EINVAL);
        uint8_t *g = guest_ptr(ptr, 16, PAGE_READ);
        if (!g)
            return guest_err(EFAULT);
        struct user_desc_fields u = { load_u32(g), load_u32(g + 4), load_u32(g + 8), load_u32(g + 12) };
        if (u.entry_number >= LDT_ENTRIES)
            return guest_err(EINVAL);
        if (!ldt) {
            ldt = calloc(LDT_ENTRIES, sizeof *ldt);
            if (!ldt)
                return guest_err(ENOMEM);
        }
        /* func 1 is the old interface: "useable" is forced to 0 (arch/x86/kernel/ldt.c). */
        if (func == 1)
            u.flags &= ~(uint32_t)UD_USEABLE;
        ldt[u.entry_number] = encode_descriptor(&u);
        if (u.entry_number >= ldt_used)
            ldt_used = u.entry_number + 1;
        return 0;
    }
    default:
        return guest_err(ENOSYS);
    }
}

int32_t sys_set_thread_area(const struct syscall *sc)
{
    return cpu_set_thread_area(sc->env, sc->arg[0]);
}

int32_t cpu_set_thread_area(CPUX86State *env, uint32_t desc_addr)
{
    uint8_t *g = guest_ptr(desc_addr, 16, PAGE_READ | PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    struct user_desc_fields u = { load_u32(g), load_u32(g + 4), load_u32(g + 8), load_u32(g + 12) };
    int idx = (int)u.entry_number;
    if (u.entry_number == 0xffffffff) {
        for (idx = GDT_ENTRY_TLS_MIN; idx <= GDT_ENTRY_TLS_MAX && env->gdt[idx] != 0; idx++)
            continue;
        if (idx > GDT_ENTRY_TLS_MAX)
            return guest_err(ESRCH);
        store_u32(g, (uint32_t)idx);
    } else if (u.entry_number < GDT_ENTRY_TLS_MIN || u.entry_number > GDT_ENTRY_TLS_MAX) {
        return guest_err(EINVAL);
    }
    if (!user_desc_acceptable(&u))
        return guest_err(EINVAL);
    env->gdt[idx] = encode_descriptor(&u);
    reload_if_loaded(env, idx);
    return 0;
}

int32_t sys_get_thread_area(const struct syscall *sc)
{
    uint8_t *g = guest_ptr(sc->arg[0], 16, PAGE_READ | PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    uint32_t idx = load_u32(g);
    if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
        return guest_err(EINVAL);
    struct user_desc_fields u;
    decode_descriptor(sc->env->gdt[idx], &u);
    store_u32(g + 4, u.base_addr);
    store_u32(g + 8, u.limit);
    store_u32(g + 12, u.flags);
    return 0;
}
