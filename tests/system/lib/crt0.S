/*
 * Entry of every bare-metal test: the multiboot header, a stack, then test_main(magic, mbi).
 * test_main's return value is the test's verdict (0 pass); exit_machine reports it.
 */
    .section .multiboot, "a"
    .align 4
    .long 0x1badb002            /* magic */
    .long 0x00000003            /* page-aligned modules, memory information */
    .long -(0x1badb002 + 3)     /* checksum */

    .text
    .globl _start
_start:
    mov $stack_top, %esp
    push %ebx
    push %eax
    call test_main
    push %eax
    call exit_machine
1:  hlt
    jmp 1b

    .bss
    .align 16
    .globl stack_bottom
stack_bottom:
    .skip 16384
    .globl stack_top
stack_top:
