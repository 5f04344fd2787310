/*
 * Real-address mode (SDM vol. 3, chapters 9.9 and 20): from the 32-bit multiboot entry through a
 * 16-bit protected-mode code segment into real mode, real-mode code, and back to protected mode.
 *
 * The real-mode code below is copied to RM_BASE and runs with CS = RM_SEG. It records what it
 * sees in a result area (segment offset 0xe00, RES below) that the 32-bit side checks afterwards:
 * overlapping segments, 16-bit address wrap-around, int n through an IVT entry it installs (the
 * frame it pushed, IF cleared, flags restored by iret), the PIT's IRQ 0 through the IVT with
 * sti/hlt, pushf/popf, far call/retf to two CS:IP pairs with the same IP and different CS bases,
 * rep movsw with 16-bit SI/DI/CX, 32-bit operands through 0x66, and enter on the 16-bit stack. It returns to protected mode
 * with a 16-bit lgdt, CR0.PE and a far jump to a 32-bit code segment.
 */
#include "lib/test.h"

enum { RM_SEG = 0x2000, RM_BASE = RM_SEG << 4, RES = RM_BASE + 0xe00, SEL_CODE16 = 0x30, SEL_DATA16 = 0x38 };

extern char rm_start[], rm_end[], rm_gdt_desc[], rm_idt_desc[], gp_insn[], ss_insn[];
void enter_real(void);
uint32_t rm_saved_esp;

/* Result-area offsets (mirrored as numbers in the assembly). */
enum {
    R_OVERLAP = 0x00, R_OVERLAP2 = 0x01, R_WRAP = 0x02, R_INTCNT = 0x04, R_INT_IF = 0x06, R_INT_AX = 0x08,
    R_TICKS = 0x0a, R_POPF = 0x0c, R_FN_A = 0x0e, R_FN_B = 0x10, R_FN_B_CS = 0x12, R_ESI = 0x14, R_EDI = 0x18,
    R_ECX = 0x1c, R_ARITH = 0x20, R_POPBX = 0x24, R_POPCX = 0x26, R_INT_FRAME = 0x28, R_INT_FLAGS = 0x2a,
    R_INT_CF = 0x2c, R_SRC = 0x30, R_DST = 0x40, R_DONE = 0x50, R_PUSH_ESP = 0x54, R_PUSHED = 0x58,
    R_POP_ESP = 0x5c, R_GP_IP = 0x60, R_GP_CNT = 0x62, R_SS_IP = 0x64, R_SS_CNT = 0x66,
    R_ENTER_ESP = 0x68, R_ENTER_EBP = 0x6c, R_ENTER_W0 = 0x70, R_ENTER_W1 = 0x72,
};

__asm__(
    ".pushsection .text.rm16, \"ax\"\n"
    ".balign 16\n"
    "rm_start:\n"
    ".code16\n"
    /* 16-bit protected mode: CS = SEL_CODE16 (base RM_BASE, 64 KiB, D = 0). */
    "pm16_entry:\n"
    "  mov $0x38, %ax\n"
    "  mov %ax, %ds\n"
    "  mov %ax, %es\n"
    "  mov %ax, %ss\n"
    "  mov %cr0, %eax\n"
    "  and $0xfffffffe, %eax\n"
    "  mov %eax, %cr0\n"
    "  ljmp $0x2000, $(rm_entry - rm_start)\n"
    /* Real mode. */
    "rm_entry:\n"
    "  mov $0x2000, %ax\n"
    "  mov %ax, %ds\n"
    "  mov %ax, %es\n"
    "  mov $0x5000, %ax\n"
    "  mov %ax, %ss\n"
    "  mov $0xfff0, %sp\n"
    "  lidt rm_ivt_desc - rm_start\n"
    "  xor %ax, %ax\n"
    "  mov %ax, %es\n"
    "  movw $(int42_handler - rm_start), %es:0x108\n"
    "  movw $0x2000, %es:0x10a\n"
    "  movw $(timer_handler - rm_start), %es:0x80\n"
    "  movw $0x2000, %es:0x82\n"
    /* Overlapping segments: 0x2000:0x0f10 and 0x2001:0x0f00 are the same byte. */
    "  movb $0xa7, 0x0f10\n"
    "  mov $0x2001, %ax\n"
    "  mov %ax, %es\n"
    "  mov %es:0x0f00, %al\n"
    "  mov %al, 0xe00\n"
    "  movb $0x3c, %es:0x0f01\n"
    "  mov 0x0f11, %al\n"
    "  mov %al, 0xe01\n"
    /* 16-bit addressing wraps: [bx + 1] with bx = 0xffff is offset 0. */
    "  mov $0x3000, %ax\n"
    "  mov %ax, %ds\n"
    "  mov $0xffff, %bx\n"
    "  mov 1(%bx), %al\n"
    "  mov $0x2000, %dx\n"
    "  mov %dx, %ds\n"
    "  mov %al, 0xe02\n"
    /* int n through the IVT, with IF and CF set. */
    "  mov $0x1111, %ax\n"
    "  stc\n"
    "  sti\n"
    "  int $0x42\n"
    "int42_ret:\n"
    "  setc 0xe2c\n"
    "  cli\n"
    "  mov %ax, 0xe08\n"
    /* The PIT through the IVT: hlt until three ticks. */
    "  sti\n"
    "1:\n"
    "  hlt\n"
    "  cmpw $3, 0xe0a\n"
    "  jb 1b\n"
    "  cli\n"
    /* pushf/popf. */
    "  push $0x08d5\n"
    "  popf\n"
    "  pushf\n"
    "  pop %ax\n"
    "  mov %ax, 0xe0c\n"
    /* Far calls: the same IP under two CS bases reaches two different routines. */
    "  lcall $0x2000, $(fn_a - rm_start)\n"
    "  lcall $0x2010, $(fn_a - rm_start)\n"
    /* rep movsw moves SI, DI, CX only. */
    "  mov $0x2000, %ax\n"
    "  mov %ax, %es\n"
    "  mov $0xabcd0e30, %esi\n"
    "  mov $0x12340e40, %edi\n"
    "  mov $0x55550004, %ecx\n"
    "  cld\n"
    "  rep movsw\n"
    "  mov %esi, 0xe14\n"
    "  mov %edi, 0xe18\n"
    "  mov %ecx, 0xe1c\n"
    /* 32-bit operands through 0x66. */
    "  mov $0x12345678, %eax\n"
    "  add $0x11111111, %eax\n"
    "  mov %eax, 0xe20\n"
    "  push %eax\n"
    "  pop %bx\n"
    "  pop %cx\n"
    "  mov %bx, 0xe24\n"
    "  mov %cx, 0xe26\n"
    /* SP wraps at 64 KiB with a 16-bit stack, the top of ESP stays. */
    "  mov %esp, %edi\n"
    "  mov $0x12340000, %esp\n"
    "  push $0x7777\n"
    "  mov %esp, 0xe54\n"
    "  mov %ss:0xfffe, %ax\n"
    "  mov %ax, 0xe58\n"
    "  pop %bx\n"
    "  mov %esp, 0xe5c\n"
    /* enter 4,1 with a 16-bit stack: the second push wraps SP, only BP changes. */
    "  mov %ebp, %esi\n"
    "  mov $0x12340002, %esp\n"
    "  mov $0xabcd5678, %ebp\n"
    "  enter $4, $1\n"
    "  mov %esp, 0xe68\n"
    "  mov %ebp, 0xe6c\n"
    "  mov %ss:0x0000, %ax\n"
    "  mov %ax, 0xe70\n"
    "  mov %ss:0xfffe, %ax\n"
    "  mov %ax, 0xe72\n"
    "  mov %esi, %ebp\n"
    "  mov %edi, %esp\n"
    /* A word at offset 0xffff is beyond the 64 KiB limit: #GP for DS, #SS for SS-relative
     * addresses, through IVT vectors 13 and 12 with the IP of the faulting instruction. */
    "  xor %ax, %ax\n"
    "  mov %ax, %es\n"
    "  movw $(gp_handler - rm_start), %es:0x34\n"
    "  movw $0x2000, %es:0x36\n"
    "  movw $(ss_handler - rm_start), %es:0x30\n"
    "  movw $0x2000, %es:0x32\n"
    "gp_insn:\n"
    "  mov 0xffff, %ax\n"
    "gp_resume:\n"
    "  mov $0xffff, %bp\n"
    "ss_insn:\n"
    "  mov (%bp), %ax\n"
    "ss_resume:\n"
    /* Back to protected mode. */
    "  movw $0x600d, 0xe50\n"
    "  mov $0xff, %al\n"
    "  out %al, $0x21\n"
    "  lgdt rm_gdt_desc - rm_start\n"
    "  lidtl rm_idt_desc - rm_start\n"
    "  mov %cr0, %eax\n"
    "  or $1, %eax\n"
    "  mov %eax, %cr0\n"
    "  ljmpl $0x08, $pm32_return\n"
    /* int $0x42: checks the frame it was given (IP, CS, FLAGS) and that IF is clear. */
    "int42_handler:\n"
    "  incw %cs:0xe04\n"
    "  pushf\n"
    "  pop %dx\n"
    "  and $0x0200, %dx\n"
    "  mov %dx, %cs:0xe06\n"
    "  mov %sp, %bp\n"
    "  cmpw $(int42_ret - rm_start), (%bp)\n"
    "  sete %dl\n"
    "  cmpw $0x2000, 2(%bp)\n"
    "  sete %dh\n"
    "  and %dh, %dl\n"
    "  mov %dl, %cs:0xe28\n"
    "  mov 4(%bp), %dx\n"
    "  and $0x0201, %dx\n"
    "  mov %dx, %cs:0xe2a\n"
    "  mov $0x4242, %ax\n"
    "  clc\n"
    "  iret\n"
    "gp_handler:\n"
    "  push %bp\n"
    "  mov %sp, %bp\n"
    "  mov 2(%bp), %ax\n"
    "  mov %ax, %cs:0xe60\n"
    "  movw $(gp_resume - rm_start), 2(%bp)\n"
    "  incw %cs:0xe62\n"
    "  pop %bp\n"
    "  iret\n"
    "ss_handler:\n"
    "  push %bp\n"
    "  mov %sp, %bp\n"
    "  mov 2(%bp), %ax\n"
    "  mov %ax, %cs:0xe64\n"
    "  movw $(ss_resume - rm_start), 2(%bp)\n"
    "  incw %cs:0xe66\n"
    "  pop %bp\n"
    "  iret\n"
    "timer_handler:\n"
    "  push %ax\n"
    "  incw %cs:0xe0a\n"
    "  mov $0x20, %al\n"
    "  out %al, $0x20\n"
    "  pop %ax\n"
    "  iret\n"
    "rm_ivt_desc: .word 0x3ff\n .long 0\n"
    "rm_gdt_desc: .word 0\n .long 0\n"
    "rm_idt_desc: .word 0\n .long 0\n"
    ".globl rm_gdt_desc, rm_idt_desc, rm_start, rm_end, gp_insn, ss_insn\n"
    ".org 0x400\n"
    "fn_a:\n"
    "  movw $0xaaaa, 0xe0e\n"
    "  lret\n"
    ".org 0x500\n"
    "fn_b:\n"
    "  movw $0xbbbb, 0xe10\n"
    "  mov %cs, %ax\n"
    "  mov %ax, 0xe12\n"
    "  lret\n"
    "rm_end:\n"
    ".code32\n"
    ".popsection\n"
    ".text\n"
    ".globl enter_real\n"
    "enter_real:\n"
    "  pushal\n"
    "  mov %esp, rm_saved_esp\n"
    "  ljmp $0x30, $(pm16_entry - rm_start)\n"
    "pm32_return:\n"
    "  mov $0x10, %ax\n"
    "  mov %ax, %ds\n"
    "  mov %ax, %es\n"
    "  mov %ax, %fs\n"
    "  mov %ax, %gs\n"
    "  mov %ax, %ss\n"
    "  mov rm_saved_esp, %esp\n"
    "  popal\n"
    "  ret\n");

static volatile uint8_t *res8(int off) { return (volatile uint8_t *)(RES + off); }
static uint16_t res16(int off) { return *(volatile uint16_t *)(RES + off); }
static uint32_t res32(int off) { return *(volatile uint32_t *)(RES + off); }

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    pic_init();
    set_gdt_entry(SEL_CODE16 >> 3, RM_BASE, 0xffff, 0x9a, 0);
    set_gdt_entry(SEL_DATA16 >> 3, 0, 0xffff, 0x92, 0);

    volatile uint8_t *dst = (volatile uint8_t *)RM_BASE;
    for (uint32_t i = 0; i < (uint32_t)(rm_end - rm_start); i++)
        dst[i] = (uint8_t)rm_start[i];
    __asm__ volatile("sgdt %0" : "=m"(*(volatile char(*)[6])(RM_BASE + (rm_gdt_desc - rm_start))));
    __asm__ volatile("sidt %0" : "=m"(*(volatile char(*)[6])(RM_BASE + (rm_idt_desc - rm_start))));
    for (int i = 0; i < 0x100; i++)
        *res8(i) = 0;
    for (int i = 0; i < 8; i++)
        *res8(R_SRC + i) = (uint8_t)(0x11 * (i + 1));
    *(volatile uint8_t *)0x30000 = 0x5a;        /* 0x3000:0000, where [bx + 1] wraps to */
    *(volatile uint8_t *)0x40000 = 0xa5;        /* where it would land without the wrap */

    cli();
    pit_periodic(100);
    pic_unmask(0);
    enter_real();

    check(res16(R_DONE) == 0x600d, "real-mode code ran to the switch back");
    check(*res8(R_OVERLAP) == 0xa7 && *res8(R_OVERLAP2) == 0x3c, "overlapping segments alias (%x %x)",
          *res8(R_OVERLAP), *res8(R_OVERLAP2));
    check(*res8(R_WRAP) == 0x5a, "16-bit addressing wraps at 64 KiB (%x)", *res8(R_WRAP));
    check(res16(R_INTCNT) == 1 && res16(R_INT_AX) == 0x4242, "int 0x42 through the IVT (%u, ax %x)",
          res16(R_INTCNT), res16(R_INT_AX));
    check(*res8(R_INT_FRAME) == 1, "int pushed IP and CS of the next instruction");
    check(res16(R_INT_FLAGS) == 0x201, "int pushed FLAGS with IF and CF (%x)", res16(R_INT_FLAGS));
    check(res16(R_INT_IF) == 0, "the handler runs with IF clear");
    check(*res8(R_INT_CF) == 1, "iret restored CF");
    check(res16(R_TICKS) >= 3, "PIT interrupts through the IVT wake hlt (%u)", res16(R_TICKS));
    check(res16(R_POPF) == 0x08d7, "popf/pushf (%x)", res16(R_POPF));
    check(res16(R_FN_A) == 0xaaaa && res16(R_FN_B) == 0xbbbb && res16(R_FN_B_CS) == 0x2010,
          "far calls to the same IP under two CS values (%x %x %x)", res16(R_FN_A), res16(R_FN_B),
          res16(R_FN_B_CS));
    check(res32(R_ESI) == 0xabcd0e38 && res32(R_EDI) == 0x12340e48 && res32(R_ECX) == 0x55550000,
          "rep movsw moves SI/DI/CX only (%x %x %x)", res32(R_ESI), res32(R_EDI), res32(R_ECX));
    bool copied = true;
    for (int i = 0; i < 8; i++)
        copied = copied && *res8(R_DST + i) == *res8(R_SRC + i);
    check(copied, "rep movsw copied 8 bytes");
    check(res32(R_ARITH) == 0x23456789, "32-bit arithmetic with 0x66 (%x)", res32(R_ARITH));
    check(res16(R_POPBX) == 0x6789 && res16(R_POPCX) == 0x2345, "32-bit push, 16-bit pops (%x %x)",
          res16(R_POPBX), res16(R_POPCX));
    check(res32(R_PUSH_ESP) == 0x1234fffe && res16(R_PUSHED) == 0x7777 && res32(R_POP_ESP) == 0x12340000,
          "a 16-bit stack wraps SP and keeps the top of ESP (%x %x %x)", res32(R_PUSH_ESP), res16(R_PUSHED),
          res32(R_POP_ESP));
    check(res32(R_ENTER_ESP) == 0x1234fffa && res32(R_ENTER_EBP) == 0xabcd0000 && res16(R_ENTER_W0) == 0x5678 &&
              res16(R_ENTER_W1) == 0,
          "enter 4,1 on a 16-bit stack (%x %x %x %x)", res32(R_ENTER_ESP), res32(R_ENTER_EBP), res16(R_ENTER_W0),
          res16(R_ENTER_W1));
    check(res16(R_GP_CNT) == 1 && res16(R_GP_IP) == (uint16_t)(gp_insn - rm_start),
          "a DS word at 0xffff: #GP through the IVT at its IP (%u, %x)", res16(R_GP_CNT), res16(R_GP_IP));
    check(res16(R_SS_CNT) == 1 && res16(R_SS_IP) == (uint16_t)(ss_insn - rm_start),
          "an SS word at 0xffff: #SS through the IVT at its IP (%u, %x)", res16(R_SS_CNT), res16(R_SS_IP));
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    check(cs == SEL_KCODE, "back in 32-bit protected mode (cs %x)", cs);
    return test_verdict();
}
