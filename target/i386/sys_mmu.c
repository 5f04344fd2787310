/*
 * Linear-to-physical translation: the x86 page-table walk (SDM vol. 3, chapter 4) for 32-bit
 * paging with 4 KiB and 4 MiB (CR4.PSE) pages and for PAE paging, with accessed/dirty bit updates
 * and the #PF error code; and C accessors of guest virtual memory for helpers.
 *
 * The walk reads paging structures from physical memory and sets A/D bits with an atomic OR
 * straight into RAM: that write changes no code bytes, so it bypasses the code-page tracking (the
 * walk also runs while translating, under tb_lock, where invalidating TBs would deadlock).
 */
#include <string.h>

#include "common/xqm.h"
#include "target/i386/sys.h"

enum {
    PG_P = 1 << 0, PG_RW = 1 << 1, PG_US = 1 << 2, PG_A = 1 << 5, PG_D = 1 << 6, PG_PS = 1 << 7,
    PG_G = 1 << 8,
    PF_P = 1 << 0, PF_W = 1 << 1, PF_U = 1 << 2, PF_RSVD = 1 << 3, PF_ID = 1 << 4,
};
#define PAE_XD (1ull << 63)
/* PAE entries: bits above MAXPHYADDR (36) are reserved, bit 63 too without EFER.NXE (4.4.2). */
#define PAE_RSVD 0xfffffff000000000ull

static uint64_t read_entry(uint64_t paddr, bool wide)
{
    if (!wide)
        return sys_phys_read(paddr, 2);
    return sys_phys_read(paddr, 2) | (uint64_t)sys_phys_read(paddr + 4, 2) << 32;
}

/* Sets bits in a paging-structure entry (the low dword holds A and D in both formats). */
static void set_entry_bits(uint64_t paddr, uint64_t *entry, uint32_t bits)
{
    if ((*entry & bits) == bits)
        return;
    *entry |= bits;
    uint8_t *p = sys_phys_ram_ptr(paddr);
    if (p)
        __atomic_fetch_or((uint32_t *)p, bits, __ATOMIC_SEQ_CST);
}

bool sys_mmu_translate(CPUX86State *env, uint32_t vaddr, int access, int mmu_idx, struct x86_translation *t,
                       uint32_t *error)
{
    struct x86_sys *sys = env_sys(env);
    bool user = mmu_idx == MMU_USER;
    bool write = access == ACCESS_WRITE;
    *t = (struct x86_translation){ 0 };
    if (!(sys->cr0 & CR0_PG)) {
        t->paddr = vaddr & ~0xfffu;
        t->writable = true;
        return true;
    }
    bool pae = sys->cr4 & CR4_PAE;
    /* With EFER.NXE, bit 63 of PDEs and PTEs is XD, and #PF reports instruction fetches (I/D). */
    bool nxe = pae && (sys->efer & EFER_NXE);
    bool fetch = access == ACCESS_FETCH;
    uint32_t base_error = (write ? PF_W : 0) | (user ? PF_U : 0) | (fetch && nxe ? PF_ID : 0);
    uint64_t rsvd = nxe ? PAE_RSVD & ~PAE_XD : PAE_RSVD;
    uint64_t addr_mask = pae ? 0x0000000ffffff000ull : 0xfffff000ull;
    uint64_t pde_addr, pde, pte_addr, pte;
    /* Permission bits accumulate as the AND over the levels (SDM vol. 3, 4.6.1). */
    uint32_t allow = PG_RW | PG_US;

    if (pae) {
        /* PDPTEs are loaded with CR3 on real hardware; reading them here is equivalent for
         * guests that reload CR3 after changing them, which the SDM requires (4.4.1). */
        uint64_t pdpte_addr = (sys->cr3 & ~0x1fu) + ((vaddr >> 30) & 3) * 8;
        uint64_t pdpte = read_entry(pdpte_addr, true);
        if (!(pdpte & PG_P))
            goto not_present;
        if (pdpte & (PAE_RSVD | 0x1e6))
            goto reserved;
        pde_addr = (pdpte & addr_mask) + ((vaddr >> 21) & 0x1ff) * 8;
    } else {
        pde_addr = (sys->cr3 & 0xfffff000u) + (vaddr >> 22) * 4;
    }
    pde = read_entry(pde_addr, pae);
    if (!(pde & PG_P))
        goto not_present;
    if (pae && (pde & rsvd))
        goto reserved;
    allow &= (uint32_t)pde;

    if ((pde & PG_PS) && (pae || (sys->cr4 & CR4_PSE))) {
        /* A large page: 2 MiB with PAE, 4 MiB without (PSE-36 high bits ignored). */
        uint32_t large_mask = pae ? 0x1fffff : 0x3fffff;
        uint32_t need = (user ? PG_US : 0) | (write && (user || (sys->cr0 & CR0_WP)) ? PG_RW : 0);
        if ((allow & need) != need || (fetch && nxe && (pde & PAE_XD)))
            goto protection;
        set_entry_bits(pde_addr, &pde, PG_A | (write ? PG_D : 0));
        t->no_exec = nxe && (pde & PAE_XD);
        t->paddr = ((pde & addr_mask & ~(uint64_t)large_mask) | (vaddr & large_mask)) & ~(uint64_t)0xfff;
        t->large = true;
        t->global = (pde & PG_G) && (sys->cr4 & CR4_PGE);
        t->writable = (pde & PG_D) && ((allow & PG_RW) || (!user && !(sys->cr0 & CR0_WP)));
        return true;
    }

    pte_addr = (pde & addr_mask) + ((vaddr >> 12) & (pae ? 0x1ff : 0x3ff)) * (pae ? 8 : 4);
    pte = read_entry(pte_addr, pae);
    if (!(pte & PG_P))
        goto not_present;
    if (pae && (pte & rsvd))
        goto reserved;
    allow &= (uint32_t)pte;
    t->no_exec = nxe && ((pde | pte) & PAE_XD);
    {
        uint32_t need = (user ? PG_US : 0) | (write && (user || (sys->cr0 & CR0_WP)) ? PG_RW : 0);
        if ((allow & need) != need || (fetch && t->no_exec))
            goto protection;
    }
    set_entry_bits(pde_addr, &pde, PG_A);
    set_entry_bits(pte_addr, &pte, PG_A | (write ? PG_D : 0));
    t->paddr = pte & addr_mask;
    t->global = (pte & PG_G) && (sys->cr4 & CR4_PGE);
    t->writable = (pte & PG_D) && ((allow & PG_RW) || (!user && !(sys->cr0 & CR0_WP)));
    return true;

not_present:
    *error = base_error;
    return false;
protection:
    *error = base_error | PF_P;
    return false;
reserved:
    *error = base_error | PF_P | PF_RSVD;
    return false;
}

/* One access that stays within a page. */
static uint32_t vread_page(CPUX86State *env, uint32_t vaddr, int size, int mmu_idx)
{
    struct x86_translation t;
    uint32_t error;
    if (!sys_mmu_translate(env, vaddr, ACCESS_READ, mmu_idx, &t, &error)) {
        env_sys(env)->cr2 = vaddr;
        sys_raise(env, EXCP_PF, error);
    }
    return sys_phys_read(t.paddr | (vaddr & 0xfff), size == 1 ? 0 : size == 2 ? 1 : 2);
}

uint32_t sys_vread(CPUX86State *env, uint32_t vaddr, int size, int mmu_idx)
{
    if ((vaddr & 0xfff) + (uint32_t)size <= 0x1000)
        return vread_page(env, vaddr, size, mmu_idx);
    uint32_t v = 0;
    for (int i = 0; i < size; i++)
        v |= vread_page(env, vaddr + (uint32_t)i, 1, mmu_idx) << (8 * i);
    return v;
}

void sys_vwrite(CPUX86State *env, uint32_t vaddr, uint32_t value, int size, int mmu_idx)
{
    struct x86_translation t, t2;
    uint32_t error;
    uint32_t first = 0x1000 - (vaddr & 0xfff);
    /* Translate every page first: a fault must leave memory untouched. */
    if (!sys_mmu_translate(env, vaddr, ACCESS_WRITE, mmu_idx, &t, &error)) {
        env_sys(env)->cr2 = vaddr;
        sys_raise(env, EXCP_PF, error);
    }
    if ((uint32_t)size <= first) {
        sys_phys_write(t.paddr | (vaddr & 0xfff), value, size == 1 ? 0 : size == 2 ? 1 : 2);
        return;
    }
    uint32_t next = vaddr + first;
    if (!sys_mmu_translate(env, next, ACCESS_WRITE, mmu_idx, &t2, &error)) {
        env_sys(env)->cr2 = next;
        sys_raise(env, EXCP_PF, error);
    }
    for (int i = 0; i < size; i++) {
        uint64_t pa = (uint32_t)i < first ? (t.paddr | ((vaddr + (uint32_t)i) & 0xfff)) : (t2.paddr | ((uint32_t)i - first));
        sys_phys_write(pa, (value >> (8 * i)) & 0xff, 0);
    }
}
