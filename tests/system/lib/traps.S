/*
 * One 16-byte stub per vector: push a zero error code where the CPU pushes none (all but 8,
 * 10-14 and 17), push the vector, then save the registers and call trap_dispatch(frame).
 */
    .text
    .align 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .align 16
    .if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17)
    .else
    push $0
    .endif
    push $vec
    jmp trap_common
    .set vec, vec + 1
    .endr

trap_common:
    pusha
    push %ds
    push %es
    push %fs
    push %gs
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    push %esp
    call trap_dispatch
    add $4, %esp
    pop %gs
    pop %fs
    pop %es
    pop %ds
    popa
    add $8, %esp
    iret
