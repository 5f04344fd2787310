/* The first guest: 32-bit protected mode straight from the loader, output on COM1. */
#include "lib/test.h"

int test_main(uint32_t magic, uint32_t mbi)
{
    printf("hello from a bare-metal guest\n");
    check(magic == 0x2badb002, "multiboot magic 0x%x", magic);
    check(mbi != 0 && (*(volatile uint32_t *)mbi & 1), "multiboot info with memory sizes");
    return test_verdict();
}
