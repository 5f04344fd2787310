/* PAE paging (CR4.PAE): a page-directory-pointer table, 2 MiB pages and 4 KiB pages with 64-bit
 * entries, faults with their error codes. */
#include "lib/test.h"

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static uint8_t buf[2][4096] __attribute__((aligned(4096)));

enum { P = 1, W = 2, PS = 0x80, A = 0x20, D = 0x40 };

static uint32_t read_at(uint32_t addr)
{
    __asm__ volatile("" ::: "memory");
    uint32_t v = *(volatile uint32_t *)addr;
    __asm__ volatile("" ::: "memory");
    return v;
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    for (int i = 0; i < 4; i++)
        pdpt[i] = (uint32_t)pd[i] | P;
    for (int i = 0; i < 8; i++)                       /* 16 MiB identity with 2 MiB pages */
        pd[0][i] = (uint64_t)i << 21 | P | W | PS;
    /* 0x40000000 (PDPT entry 1): a 4 KiB page table, first page aliasing buf[0]. */
    pd[1][0] = (uint32_t)pt | P | W;
    pt[0] = (uint32_t)buf[0] | P | W;
    /* 0x80200000: a 2 MiB page onto 0x400000. */
    pd[2][1] = 0x400000 | P | W | PS;
    WRITE_CR(4, READ_CR(4) | 0x20);
    WRITE_CR(3, (uint32_t)pdpt);
    WRITE_CR(0, READ_CR(0) | 0x80000000u);
    check(READ_CR(0) & 0x80000000u, "PAE paging on");
    buf[0][0x10] = 0x5a;
    check((read_at(0x40000010) & 0xff) == 0x5a, "a 4 KiB PAE page");
    check(pt[0] & A, "its accessed bit");
    *(volatile uint32_t *)0x80212340 = 0xfeedface;
    check(read_at(0x412340) == 0xfeedface, "a 2 MiB PAE page");
    check(pd[2][1] & D, "the 2 MiB page's dirty bit");
    pt[0] = (uint32_t)buf[1] | P | W;
    invlpg(0x40000000);
    buf[1][0x20] = 0x77;
    check((read_at(0x40000020) & 0xff) == 0x77, "invlpg with PAE");
    uint32_t v;
    fault_reset();
    TRY_ASM("movl (%1), %0", : "=r"(v) : "r"(0x40001000) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 0 && last_fault.cr2 == 0x40001000,
          "a missing PAE page: #PF error 0");
    pt[1] = 0x1000 | P | W | (1ull << 40);              /* a reserved bit above MAXPHYADDR */
    fault_reset();
    TRY_ASM("movl (%1), %0", : "=r"(v) : "r"(0x40001000) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 9, "a reserved bit set: #PF error 9 (0x%x)",
          last_fault.error);
    return test_verdict();
}
