/* enter in all its forms (SDM vol. 2, ENTER): 32-bit and 16-bit operand size (66 C8, which pushes
 * BP and copies word-sized frame pointers), nesting levels 0, 1, 3 and 33 (taken modulo 32), and
 * enterw followed by leavew; on a private stack whose bytes and whose frame-pointer chain are
 * distinct, printing ESP, EBP and the stack bytes afterwards. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t stack_area[256] __attribute__((aligned(16)));
static uint32_t after_esp, after_ebp;

/* ESP at stack_area + 192, EBP at +208 + 2 (so that word and dword frame pointers both show). */
#define RUN(name, insns)                                                                                   \
    do {                                                                                                   \
        for (int i = 0; i < 256; i++)                                                                      \
            stack_area[i] = (uint8_t)(i * 7 + 1);                                                          \
        uint32_t top = (uint32_t)(uintptr_t)(stack_area + 192);                                            \
        __asm__ volatile("push %%ebp\n\tmov %%esp, %%edi\n\tmov %2, %%esp\n\tmov %3, %%ebp\n\t" insns "\n\t" \
                         "mov %%esp, %0\n\tmov %%ebp, %1\n\tmov %%edi, %%esp\n\tpop %%ebp"                   \
                         : "=m"(after_esp), "=m"(after_ebp)                                                \
                         : "r"(top), "r"(top + 16 + 2)                                                     \
                         : "edi", "memory");                                                               \
        printf("%-14s esp %+4d ebp %+4d:", name, (int)(after_esp - top), (int)(after_ebp - top));         \
        for (int i = 144; i < 216; i++)                                                                    \
            printf("%s%02x", i % 8 ? "" : " ", stack_area[i]);                                             \
        printf("\n");                                                                                      \
    } while (0)

int main(void)
{
    RUN("enter 8,0", "enter $8, $0");
    RUN("enter 4,1", "enter $4, $1");
    RUN("enter 4,3", "enter $4, $3");
    RUN("enterw 8,0", ".byte 0x66\n\tenter $8, $0");
    RUN("enterw 6,1", ".byte 0x66\n\tenter $6, $1");
    RUN("enterw 4,3", ".byte 0x66\n\tenter $4, $3");
    RUN("enterw 2,33", ".byte 0x66\n\tenter $2, $33");
    RUN("enterw leavew", ".byte 0x66\n\tenter $10, $2\n\t.byte 0x66\n\tleave");
    return 0;
}
