/* PAE paging (CR4.PAE): a page-directory-pointer table, 2 MiB pages and 4 KiB pages with 64-bit
 * entries, faults with their error codes, execute-disable (EFER.NXE, XD = bit 63) at CPL 0 and at
 * CPL 3 on entries written the way Linux writes them (two 32-bit stores, high half first, and
 * cmpxchg8b), keeping XD through the accessed/dirty updates and the user-mode TLB fill. */
#include "lib/test.h"

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static uint8_t buf[2][4096] __attribute__((aligned(4096)));
static uint8_t code[4096] __attribute__((aligned(4096)));
static uint8_t user_code[2][4096] __attribute__((aligned(4096)));
static uint8_t user_stack[8192] __attribute__((aligned(16)));

enum { P = 1, W = 2, U = 4, PS = 0x80, A = 0x20, D = 0x40 };
enum { XCODE = 0x40002000, UCODE0 = 0x40003000, UCODE1 = 0x40004000 };
static const uint64_t XD = 1ull << 63;
static volatile struct { int vector; uint32_t error, cr2; } user_fault[2];

/* At CPL 3: store a ret into each XD page (a data write, allowed), then jump to it. */
static void user_main(void)
{
    static const uint32_t page[2] = { UCODE0, UCODE1 };
    for (int i = 0; i < 2; i++) {
        *(volatile uint8_t *)page[i] = 0xc3;
        fault_reset();
        TRY_ASM("jmp *%0", : : "r"(page[i]) : "memory");
        user_fault[i].vector = last_fault.vector;
        user_fault[i].error = last_fault.error;
        user_fault[i].cr2 = last_fault.cr2;
    }
    user_exit();
}

/* native_set_pte of a PAE kernel: the high dword, a compiler barrier, then the low dword. */
static void set_pte_two_stores(volatile uint64_t *pte, uint64_t v)
{
    volatile uint32_t *half = (volatile uint32_t *)pte;
    half[1] = (uint32_t)(v >> 32);
    __asm__ volatile("" ::: "memory");
    half[0] = (uint32_t)v;
}

/* set_pte_atomic / ptep_get_and_clear: one lock cmpxchg8b of the whole entry. */
static bool set_pte_cmpxchg8b(volatile uint64_t *pte, uint64_t old, uint64_t v)
{
    uint32_t lo = (uint32_t)old, hi = (uint32_t)(old >> 32);
    bool ok;
    __asm__ volatile("lock cmpxchg8b %1\n\tsete %0"
                     : "=q"(ok), "+m"(*pte), "+a"(lo), "+d"(hi)
                     : "b"((uint32_t)v), "c"((uint32_t)(v >> 32))
                     : "memory", "cc");
    return ok;
}

/* XD on user pages: the entries are written as the Debian 686-pae kernel would, if its
 * vm_get_page_prot kept NX (see docs/system.md). */
static void user_xd(void)
{
    for (int i = 0; i < 8; i++)
        pd[0][i] |= U;
    pd[1][0] = (uint32_t)pt | P | W | U;
    set_pte_two_stores(&pt[3], (uint32_t)user_code[0] | P | W | U | XD);
    pt[4] = 0;
    check(set_pte_cmpxchg8b(&pt[4], 0, (uint32_t)user_code[1] | P | W | U | XD), "cmpxchg8b installs a PTE");
    WRITE_CR(3, (uint32_t)pdpt);
    run_user(user_main, (uint32_t)(user_stack + sizeof user_stack));
    for (int i = 0; i < 2; i++) {
        check(user_fault[i].vector == 14 && user_fault[i].error == 0x15 &&
                  user_fault[i].cr2 == (i ? UCODE1 : UCODE0),
              "CPL 3 fetch from an XD page (%s): #PF error 0x15 (%d, 0x%x, cr2 0x%x)",
              i ? "cmpxchg8b" : "two stores", user_fault[i].vector, user_fault[i].error, user_fault[i].cr2);
        check(user_code[i][0] == 0xc3, "the CPL 3 write reached the XD page (%s)", i ? "cmpxchg8b" : "two stores");
        uint64_t pte = pt[3 + i];
        check((pte & XD) && (pte & (A | D)) == (A | D), "A and D set, XD kept (%s): 0x%x%08x",
              i ? "cmpxchg8b" : "two stores", (uint32_t)(pte >> 32), (uint32_t)pte);
    }
}

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

    /* Execute-disable. 0x40002000 maps `code`, which holds a ret. */
    uint32_t a = 0x80000000, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    uint32_t top = a;
    a = 0x80000001;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    check(top >= 0x80000001 && (d & (1u << 20)), "CPUID.80000001H:EDX.NX (max leaf 0x%x)", top);
    code[0] = 0xc3;
    pt[2] = (uint32_t)code | P | W | XD;
    fault_reset();
    TRY_ASM("movl (%1), %0", : "=r"(v) : "r"(XCODE) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 9, "XD without EFER.NXE is reserved: #PF error 9 (0x%x)",
          last_fault.error);
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
    __asm__ volatile("wrmsr" : : "c"(0xc0000080), "a"(lo | 0x800), "d"(hi) : "memory");
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080));
    check(lo == 0x800 && hi == 0, "EFER.NXE set (0x%x)", lo);
    check((read_at(XCODE) & 0xff) == 0xc3, "an XD page is readable");
    fault_reset();
    TRY_ASM("jmp *%0", : : "r"(XCODE) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 0x11 && last_fault.cr2 == XCODE,
          "a fetch from an XD page: #PF error 0x11 (%d, 0x%x, cr2 0x%x)", last_fault.vector, last_fault.error,
          last_fault.cr2);
    pt[2] &= ~XD;
    invlpg(XCODE);
    ((void (*)(void))XCODE)();
    check(1, "the same page runs once XD is clear");
    pd[1][0] |= XD;
    WRITE_CR(3, (uint32_t)pdpt);
    fault_reset();
    TRY_ASM("jmp *%0", : : "r"(XCODE) : "memory");
    check(last_fault.vector == 14 && last_fault.error == 0x11, "XD in the PDE covers its pages (0x%x)",
          last_fault.error);
    user_xd();
    fault_reset();
    TRY_ASM("wrmsr", : : "c"(0xc0000080), "a"(0x801), "d"(0) : "memory");
    check(last_fault.vector == 13, "EFER.SCE does not exist: #GP");
    return test_verdict();
}
