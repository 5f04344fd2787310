/* Paging: 4 KiB and 4 MiB pages, aliases, invlpg and CR3 reloads, accessed/dirty bits, accesses
 * that cross pages, page faults with their error codes and CR2, CR0.WP. */
#include "lib/test.h"

static uint8_t buf[4][4096] __attribute__((aligned(4096)));

enum { ALIAS = 0x40000000u, BIG = 0x80000000u, HOLE = 0x50000000u };

/* Accesses through an address the compiler cannot relate to buf: the barriers keep its own
 * accesses to buf in program order around them. */
static uint32_t read_at(uint32_t addr)
{
    __asm__ volatile("" ::: "memory");
    uint32_t v = *(volatile uint32_t *)addr;
    __asm__ volatile("" ::: "memory");
    return v;
}

static void write_at(uint32_t addr, uint32_t v)
{
    __asm__ volatile("" ::: "memory");
    *(volatile uint32_t *)addr = v;
    __asm__ volatile("" ::: "memory");
}

static void test_4k(void)
{
    map_page(ALIAS, (uint32_t)buf[0], PTE_P | PTE_W);
    write_at(ALIAS + 0x10, 0x11223344);
    check(*(volatile uint32_t *)(buf[0] + 0x10) == 0x11223344, "a write through an alias lands in the page");
    buf[0][0x20] = 0x5a;
    check((read_at(ALIAS + 0x20) & 0xff) == 0x5a, "a read through an alias sees the page");
    check(*pte_of(ALIAS) & PTE_A, "accessed bit set");
    check(*pte_of(ALIAS) & PTE_D, "dirty bit set after a write");
    /* Remap without invlpg: whatever the TLB holds, after invlpg the new mapping must show. */
    map_page(ALIAS, (uint32_t)buf[1], PTE_P | PTE_W);
    invlpg(ALIAS);
    buf[1][0x30] = 0x77;
    check((read_at(ALIAS + 0x30) & 0xff) == 0x77, "invlpg makes a changed PTE visible");
    map_page(ALIAS, (uint32_t)buf[2], PTE_P | PTE_W);
    WRITE_CR(3, READ_CR(3));
    buf[2][0x40] = 0x99;
    check((read_at(ALIAS + 0x40) & 0xff) == 0x99, "a CR3 reload makes a changed PTE visible");
    /* With CR4.PGE, a CR3 write still drops non-global translations; clearing PGE drops all. */
    WRITE_CR(4, READ_CR(4) | 0x80);
    map_page(ALIAS, (uint32_t)buf[0], PTE_P | PTE_W);
    WRITE_CR(3, READ_CR(3));
    (void)read_at(ALIAS);
    map_page(ALIAS, (uint32_t)buf[1], PTE_P | PTE_W);
    WRITE_CR(3, READ_CR(3));
    buf[1][0x44] = 0x12;
    check((read_at(ALIAS + 0x44) & 0xff) == 0x12, "with CR4.PGE a CR3 write drops a non-global page");
    map_page(ALIAS, (uint32_t)buf[0], PTE_P | PTE_W | 0x100);
    invlpg(ALIAS);
    (void)read_at(ALIAS);
    map_page(ALIAS, (uint32_t)buf[2], PTE_P | PTE_W | 0x100);
    WRITE_CR(4, READ_CR(4) & ~0x80u);
    buf[2][0x48] = 0x34;
    check((read_at(ALIAS + 0x48) & 0xff) == 0x34, "clearing CR4.PGE drops global pages");
    /* Clean page: the first write sets D even though the TLB already holds the page for reads. */
    map_page(ALIAS, (uint32_t)buf[3], PTE_P | PTE_W);
    invlpg(ALIAS);
    (void)read_at(ALIAS);
    check(!(*pte_of(ALIAS) & PTE_D), "a read leaves the dirty bit clear");
    write_at(ALIAS, 1);
    check(*pte_of(ALIAS) & PTE_D, "the first write after a read sets the dirty bit");
}

static void test_cross(void)
{
    /* Two consecutive virtual pages on physical pages in the opposite order. */
    map_page(ALIAS, (uint32_t)buf[1], PTE_P | PTE_W);
    map_page(ALIAS + 4096, (uint32_t)buf[0], PTE_P | PTE_W);
    invlpg(ALIAS);
    invlpg(ALIAS + 4096);
    buf[1][4094] = 0x11;
    buf[1][4095] = 0x22;
    buf[0][0] = 0x33;
    buf[0][1] = 0x44;
    check(read_at(ALIAS + 4094) == 0x44332211, "a load crossing into a differently mapped page");
    write_at(ALIAS + 4093, 0xaabbccdd);
    check(buf[1][4093] == 0xdd && buf[1][4095] == 0xbb && buf[0][0] == 0xaa, "a store crossing pages");
    __asm__ volatile("" ::: "memory");
    uint16_t w = *(volatile uint16_t *)(ALIAS + 4095);
    check(w == 0xaabb, "a 16-bit load crossing pages (0x%x)", w);
}

static void test_4m(void)
{
    WRITE_CR(4, READ_CR(4) | 0x10);                         /* CR4.PSE */
    page_dir[BIG >> 22] = 0x400000 | PTE_P | PTE_W | PDE_PS;
    WRITE_CR(3, READ_CR(3));
    write_at(BIG + 0x123450, 0xcafef00d);
    check(read_at(0x523450) == 0xcafef00d, "a 4 MiB page maps 0x80000000 to 0x400000");
    check(page_dir[BIG >> 22] & PTE_D, "the 4 MiB page's PDE gets the dirty bit");
    page_dir[BIG >> 22] = 0x800000 | PTE_P | PTE_W | PDE_PS;
    invlpg(BIG + 0x123450);
    write_at(0x923450, 0x600dbeef);
    check(read_at(BIG + 0x123450) == 0x600dbeef, "invlpg inside a 4 MiB page drops it");
}

static void test_faults(void)
{
    uint32_t v;
    fault_reset();
    TRY_ASM("movl (%1), %0", : "=r"(v) : "r"(HOLE + 0x44) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 0 && last_fault.cr2 == HOLE + 0x44,
          "read of a not-present page: #PF error 0, CR2 (%d, 0x%x, 0x%x)", last_fault.vector, last_fault.error,
          last_fault.cr2);
    fault_reset();
    TRY_ASM("movl %0, (%1)", : : "r"(5), "r"(HOLE + 0x48) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 2 && last_fault.cr2 == HOLE + 0x48,
          "write to a not-present page: #PF error 2");

    map_page(ALIAS, (uint32_t)buf[0], PTE_P);               /* read-only */
    invlpg(ALIAS);
    write_at(ALIAS + 8, 0x1234);
    check(buf[0][8] == 0x34, "CR0.WP clear: the kernel writes read-only pages");
    WRITE_CR(0, READ_CR(0) | 0x10000);                      /* CR0.WP */
    fault_reset();
    TRY_ASM("movl %0, (%1)", : : "r"(7), "r"(ALIAS + 12) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 3 && last_fault.cr2 == ALIAS + 12,
          "CR0.WP set: kernel write to a read-only page is #PF error 3 (0x%x)", last_fault.error);
    WRITE_CR(0, READ_CR(0) & ~0x10000u);

    /* A store crossing into a missing page faults on the second page and writes nothing. */
    map_page(ALIAS, (uint32_t)buf[0], PTE_P | PTE_W);
    map_page(ALIAS + 4096, 0, 0);
    invlpg(ALIAS);
    invlpg(ALIAS + 4096);
    buf[0][4094] = 0;
    fault_reset();
    TRY_ASM("movl %0, (%1)", : : "r"(0xffffffff), "r"(ALIAS + 4094) : "memory");
    check(last_fault.vector == 14 && last_fault.cr2 == ALIAS + 4096 && buf[0][4094] == 0,
          "a crossing store faults at the second page and leaves the first untouched");

    /* An instruction fetch from a missing page: CR2 and the faulting eip are the target. */
    fault_reset();
    TRY_ASM("jmp *%0", : : "r"(HOLE) : "memory");
    check(last_fault.vector == 14 && last_fault.cr2 == HOLE && last_fault.eip == HOLE && last_fault.error == 0,
          "a jump into a missing page faults at the target (eip 0x%x)", last_fault.eip);
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    paging_identity(12, PTE_P | PTE_W);
    check(READ_CR(0) & 0x80000000u, "paging on");
    test_4k();
    test_cross();
    test_4m();
    test_faults();
    return test_verdict();
}
