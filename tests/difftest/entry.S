/*
 * The differential tester's way into and out of a generated sequence (i386, part of the harness).
 *
 * dt_enter(code) saves the C caller's registers and esp, loads eflags and every register from
 * dt_in (esp too: it points into the scratch area) and jumps to code. The sequence ends with
 * `jmp dt_exit`, which stores every register and then eflags into dt_out, using a private stack
 * for the pushf so that the scratch area is not touched, fxsaves the FPU/SSE state into
 * dt_fx_out, gives the C code a clean FPU (fninit, default MXCSR) and DF, and returns to
 * dt_enter's caller. With --fp (dt_fp_mode != 0) the sequence starts from fxrstor of dt_fx_in. struct dt_state is eight registers in ModRM order, then eflags.
 */
	.text
	.globl dt_enter
	.type dt_enter, @function
dt_enter:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax
	movl %eax, dt_target
	movl %esp, dt_saved_esp
	movl $dt_private_stack_top, %esp
	cmpl $0, dt_fp_mode
	je 1f
	fxrstor dt_fx_in
1:
	pushl dt_in+32
	popfl
	movl dt_in+4, %ecx
	movl dt_in+8, %edx
	movl dt_in+12, %ebx
	movl dt_in+20, %ebp
	movl dt_in+24, %esi
	movl dt_in+28, %edi
	movl dt_in+0, %eax
	movl dt_in+16, %esp
	jmp *dt_target
	.size dt_enter, .-dt_enter

	.globl dt_exit
	.type dt_exit, @function
dt_exit:
	movl %eax, dt_out+0
	movl %ecx, dt_out+4
	movl %edx, dt_out+8
	movl %ebx, dt_out+12
	movl %esp, dt_out+16
	movl %ebp, dt_out+20
	movl %esi, dt_out+24
	movl %edi, dt_out+28
	movl $dt_private_stack_top, %esp
	pushfl
	popl dt_out+32
	fxsave dt_fx_out
	fninit
	ldmxcsr dt_default_mxcsr
	cld
	movl dt_saved_esp, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
	.size dt_exit, .-dt_exit

	.section .rodata
	.p2align 2
dt_default_mxcsr:
	.long 0x1f80

	.bss
	.p2align 4
dt_private_stack:
	.space 64
dt_private_stack_top:
dt_target:
	.space 4
dt_saved_esp:
	.space 4
	.section .note.GNU-stack, "", @progbits
