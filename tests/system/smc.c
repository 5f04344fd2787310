/* Self-modifying code in system mode: code rewritten after it ran (directly, by rep movsb, and
 * through another virtual mapping of the same physical page) runs in its new form, and so does an
 * instruction patched by the one before it in the same TB. */
#include "lib/test.h"

static uint8_t code[4096] __attribute__((aligned(4096)));
enum { ALIAS = 0x40000000u };

typedef uint32_t (*fn_t)(void);

/* mov $v, %eax; ret */
static void emit_return(volatile uint8_t *p, uint32_t v)
{
    p[0] = 0xb8;
    p[1] = (uint8_t)v;
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)(v >> 16);
    p[4] = (uint8_t)(v >> 24);
    p[5] = 0xc3;
}

static uint32_t call(uint32_t addr)
{
    __asm__ volatile("" ::: "memory");
    return ((fn_t)addr)();
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    emit_return(code, 1);
    check(call((uint32_t)code) == 1, "generated code runs");
    emit_return(code, 2);
    check(call((uint32_t)code) == 2, "rewritten code runs in its new form");
    /* A loop that calls the code and patches it each time. */
    uint32_t sum = 0;
    for (uint32_t i = 10; i < 20; i++) {
        emit_return(code, i);
        sum += call((uint32_t)code);
    }
    check(sum == 145, "patching in a loop (sum %u)", sum);
    static const uint8_t fresh[6] = { 0xb8, 0x33, 0x00, 0x00, 0x00, 0xc3 };
    const uint8_t *src = fresh;
    uint8_t *dst = code;
    uint32_t n = 6;
    __asm__ volatile("cld; rep movsb" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
    check(call((uint32_t)code) == 0x33, "code copied by rep movsb");

    paging_identity(12, PTE_P | PTE_W);
    map_page(ALIAS, (uint32_t)code, PTE_P | PTE_W);
    invlpg(ALIAS);
    emit_return(code, 4);
    check(call((uint32_t)code) == 4 && call(ALIAS) == 4, "the same code runs at two virtual addresses");
    emit_return((volatile uint8_t *)ALIAS, 5);
    check(call((uint32_t)code) == 5, "a write through an alias reaches the code at the other address");
    emit_return(code, 6);
    check(call(ALIAS) == 6, "a write to the original reaches the code at the alias");
    /* Code at a page end, straddling into the next page, rewritten in the second page. */
    map_page(ALIAS + 4096, (uint32_t)code, PTE_P | PTE_W);
    invlpg(ALIAS + 4096);
    volatile uint8_t *end = (volatile uint8_t *)(ALIAS + 4093);
    end[0] = 0xb8;
    end[1] = 7;
    end[2] = 0;                 /* code[4095] */
    code[0] = 0;                /* the immediate's last bytes and ret, on the next page */
    code[1] = 0;
    code[2] = 0xc3;
    check(call(ALIAS + 4093) == 7, "an instruction straddling two pages");
    code[0] = 1;
    check(call(ALIAS + 4093) == 0x10007, "rewriting its second page takes effect (0x%x)", call(ALIAS + 4093));

    /* movb $v, code+200+8 (the immediate of the next instruction); mov $1, %eax; ret: the store
     * lands in the TB that runs it, on its first execution and after. */
    uint32_t bad = 0;
    for (uint32_t round = 0; round < 3; round++) {
        volatile uint8_t *p = code + 200;
        uint32_t target = (uint32_t)(code + 208);
        p[0] = 0xc6;
        p[1] = 0x05;
        for (int i = 0; i < 4; i++)
            p[2 + i] = (uint8_t)(target >> (8 * i));
        p[6] = (uint8_t)(0x40 + round);
        emit_return(p + 7, 1);
        for (int again = 0; again < 2; again++)
            bad += call((uint32_t)p) != 0x40 + round;
    }
    check(bad == 0, "a store patching the next instruction of its own TB (%u stale results)", bad);
    return test_verdict();
}
