/*
 * Segments with nonzero bases and limits (SDM vol. 3, 3.4 and 5.3) and a 16-bit protected-mode
 * code segment: a data segment at DATA_BASE with a 4 KiB limit, used from 32-bit code (ES) and from
 * 16-bit code (DS) running in a code segment at CODE_BASE; accesses beyond the limit raise #GP(0)
 * at the faulting instruction, whose eip (an offset in the 16-bit segment) and CS the handler
 * checks; an expand-down segment faults below its limit instead. enter in 16-bit code pushes BP
 * and a word-sized frame pointer on the 32-bit stack and sets only BP.
 */
#include "lib/test.h"

enum { CODE_BASE = 0x60000, DATA_BASE = 0x70000, SEL_CODE16 = 0x30, SEL_DATA = 0x38 };

extern char s16_start[], s16_end[], s16_fault[], s16_resume[];
void enter16(void);
uint32_t s16_saved_esp;

/* Results written by the 16-bit code, at DATA_BASE + 0x800 (inside the limit). */
enum { R_READ = 0x800, R_CALL = 0x802, R_BYTE = 0x804, R_DONE = 0x806, R_ENTER_BP = 0x808, R_ENTER_SP = 0x80a };

__asm__(
    ".pushsection .text.s16, \"ax\"\n"
    ".balign 16\n"
    "s16_start:\n"
    ".code16\n"
    "  mov $0x38, %ax\n"
    "  mov %ax, %ds\n"
    "  mov 0x100, %ax\n"                /* DATA_BASE + 0x100 */
    "  mov %ax, 0x800\n"
    "  mov %esp, %ecx\n"
    "  enter $6, $1\n"                  /* 16-bit operand size: BP and the frame pointer are words */
    "  mov %esp, %edx\n"
    "  mov %ecx, %esp\n"
    "  mov %cx, %ax\n"
    "  sub $2, %ax\n"
    "  sub %bp, %ax\n"                  /* BP = the low half of ESP after the first push: 0 */
    "  mov %ax, 0x808\n"
    "  sub %edx, %ecx\n"                /* 2 + 2 + 6 bytes */
    "  mov %cx, 0x80a\n"
    "  call s16_sub\n"                  /* 16-bit return address on the 32-bit kernel stack */
    "  mov %bx, 0x802\n"
    "s16_fault:\n"
    "  mov 0x0fff, %ax\n"               /* bytes 0xfff and 0x1000: beyond the limit */
    "  movw $0xdead, 0x806\n"           /* skipped: the handler resumes below */
    "s16_resume:\n"
    "  mov 0x0fff, %al\n"               /* the last byte inside the limit */
    "  mov %al, 0x804\n"
    "  movw $0x600d, 0x806\n"
    "  ljmpl $0x08, $s16_back\n"
    "s16_sub:\n"
    "  mov $0x1616, %bx\n"
    "  ret\n"
    "s16_end:\n"
    ".code32\n"
    ".popsection\n"
    ".text\n"
    ".globl enter16\n"
    "enter16:\n"
    "  pushal\n"
    "  mov %esp, s16_saved_esp\n"
    "  ljmp $0x30, $0\n"
    "s16_back:\n"
    "  mov $0x10, %ax\n"
    "  mov %ax, %ds\n"
    "  mov s16_saved_esp, %esp\n"
    "  popal\n"
    "  ret\n");

static volatile struct { uint32_t vector, error, eip, cs, count; } gp;

static void on_gp(struct trap_frame *f)
{
    gp.vector = f->vector;
    gp.error = f->error;
    gp.eip = f->eip;
    gp.cs = f->cs;
    gp.count++;
    f->eip = (uint32_t)(s16_resume - s16_start);
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    volatile uint8_t *code = (volatile uint8_t *)CODE_BASE;
    for (uint32_t i = 0; i < (uint32_t)(s16_end - s16_start); i++)
        code[i] = (uint8_t)s16_start[i];
    volatile uint8_t *data = (volatile uint8_t *)DATA_BASE;
    for (int i = 0; i < 0x1100; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    *(volatile uint16_t *)(DATA_BASE + 0x100) = 0x1234;
    *(volatile uint32_t *)(DATA_BASE + 0x200) = 0xcafef00d;

    set_gdt_entry(SEL_CODE16 >> 3, CODE_BASE, 0xffff, 0x9a, 0);
    set_gdt_entry(SEL_DATA >> 3, DATA_BASE, 0x0fff, 0x92, 0x4);

    /* From 32-bit code: ES with a base and a limit. */
    uint32_t v = 0;
    __asm__ volatile("mov %1, %%es\n\t"
                     "mov %%es:0x200, %0\n\t"
                     "mov %2, %%es"
                     : "=r"(v) : "r"(SEL_DATA), "r"(SEL_KDATA));
    check(v == 0xcafef00d, "32-bit code reads through a segment base (%x)", v);
    uint32_t before = *(volatile uint32_t *)(DATA_BASE + 0x304);
    __asm__ volatile("mov %0, %%es\n\t"
                     "lock btsl %1, %%es:0x300\n\t"
                     "mov %2, %%es"
                     : : "r"(SEL_DATA), "r"(33), "r"(SEL_KDATA) : "memory", "cc");
    check(!(before & 2) && *(volatile uint32_t *)(DATA_BASE + 0x304) == (before | 2),
          "lock bts with a register bit offset through a based segment");
    fault_reset();
    uint32_t fault_eip = 0;
    __asm__ volatile("mov %1, %%es\n\t"
                     "movl $2f, %0\n\t"
                     "movl $1f, fault_resume\n"
                     "2:\n\t"
                     "movl %%es:0xffe, %%eax\n"
                     "1:\n\t"
                     "movl $0, fault_resume\n\t"
                     "mov %2, %%es"
                     : "=&r"(fault_eip) : "r"(SEL_DATA), "r"(SEL_KDATA) : "eax", "memory");
    check(last_fault.count == 1 && last_fault.vector == 13 && last_fault.error == 0 && last_fault.eip == fault_eip,
          "a dword crossing the limit raises #GP(0) at the instruction (%d %d %x, eip %x/%x)", last_fault.count,
          last_fault.vector, last_fault.error, last_fault.eip, fault_eip);

    /* Expand-down (type 0x96): offsets above the limit are valid, those at or below it fault. */
    set_gdt_entry(SEL_DATA >> 3, DATA_BASE, 0x0fff, 0x96, 0x4);
    __asm__ volatile("mov %1, %%es\n\t"
                     "movzbl %%es:0x1000, %0\n\t"
                     "mov %2, %%es"
                     : "=r"(v) : "r"(SEL_DATA), "r"(SEL_KDATA));
    check(v == (uint8_t)(0x1000 * 7 + 1), "expand-down: the byte just above the limit (%x)", v);
    fault_reset();
    TRY_ASM("mov %0, %%es\n\tmovb %%es:0xfff, %%al", : : "r"(SEL_DATA) : "eax", "memory");
    __asm__ volatile("mov %0, %%es" : : "r"(SEL_KDATA));
    check(last_fault.count == 1 && last_fault.vector == 13, "expand-down: the limit itself faults (%d %d)",
          last_fault.count, last_fault.vector);
    set_gdt_entry(SEL_DATA >> 3, DATA_BASE, 0x0fff, 0x92, 0x4);

    /* 16-bit code in a based code segment. */
    trap_handlers[13] = on_gp;
    enter16();
    trap_handlers[13] = 0;
    check(*(volatile uint16_t *)(DATA_BASE + R_READ) == 0x1234, "16-bit code reads DS-based data");
    check(*(volatile uint16_t *)(DATA_BASE + R_CALL) == 0x1616, "16-bit near call and ret");
    check(*(volatile uint16_t *)(DATA_BASE + R_ENTER_BP) == 0, "16-bit enter sets BP to the frame");
    check(*(volatile uint16_t *)(DATA_BASE + R_ENTER_SP) == 10, "16-bit enter 6,1 moves ESP by 10 (%u)",
          *(volatile uint16_t *)(DATA_BASE + R_ENTER_SP));
    check(gp.count == 1 && gp.vector == 13 && gp.error == 0, "16-bit word beyond the limit: #GP(0) (%u %u %x)",
          gp.count, gp.vector, gp.error);
    check(gp.cs == SEL_CODE16 && gp.eip == (uint32_t)(s16_fault - s16_start),
          "the fault reports the 16-bit segment and offset (%x:%x)", gp.cs, gp.eip);
    check(*(volatile uint8_t *)(DATA_BASE + R_BYTE) == (uint8_t)(0xfff * 7 + 1), "the last byte inside the limit");
    check(*(volatile uint16_t *)(DATA_BASE + R_DONE) == 0x600d, "resumed after the fault and came back");
    return test_verdict();
}
