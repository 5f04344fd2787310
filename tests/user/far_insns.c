/* Instructions a user program rarely uses but may: far jmp/call/ret to its own code segment
 * (immediate and memory forms, retf imm16), a far jump or return to a selector it may not use
 * (#GP: SIGSEGV, nothing moved), iret to the same level, lds/les/lfs/lss (and one with a bad
 * selector), arpl (register and memory forms, ZF), ud0/ud1 (SIGILL) and rdpmc (#GP: no
 * CR4.PCE).
 * Printed: signal, si_code, eip and si_addr relative to the sequence's label, registers, the
 * words the far call pushed. kernel_answers.c has the instructions whose results come from the
 * kernel. */
#include "insn_run.h"

#include <sys/mman.h>

uint32_t far_ptr[2], far_call_ptr[2], data_ptr[2], saved_esp, ptr48[2];
uint8_t *code_start;

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

/* The target of the far calls: eax + 1, far return. */
__asm__(".text\n.globl far_callee\nfar_callee:\n\tinc %eax\n\tlret\n");
void far_callee(void);

extern char s_lret[], s_ljmpm[], s_lcallm[], s_badjmp[], s_arpl[], s_iret[], s_lxs[], s_misc[],
    s_ud1[], s_ud0[], s_target[];

int main(void)
{
    install_handlers();
    init_selectors();
    uint16_t cs = cs_sel;
    far_ptr[0] = (uint32_t)(uintptr_t)s_target;
    far_ptr[1] = cs;
    far_call_ptr[0] = (uint32_t)(uintptr_t)far_callee;
    far_call_ptr[1] = cs;
    data_ptr[1] = ds_sel;

    /* retf 4 to our own CS: pops EIP, CS and 4 more bytes */
    RUN("lret 4", s_lret, ".globl s_lret\ns_lret:\n\tpush $0x77\n\tpush %%cs\n\tpush $1f\n\tlret $4\n\tmov $1, %%eax\n1:\tinc %%eax", );
    RUN("ljmp m16:32", s_ljmpm, ".globl s_ljmpm\ns_ljmpm:\n\tljmp *far_ptr\n\tmov $1, %%eax\n"
        ".globl s_target\ns_target:\n\tinc %%eax", );
    /* lcall: the pushed CS slot and return address land in slots[] through a switched stack */
    /* ljmp and lcall with the selector in the instruction (EA, 9A) need this process's CS, which
     * the kernel chooses (0x23 on a 64-bit kernel, 0x73 on a 32-bit one): the code is built here. */
    uint8_t *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        return 1;
    uint32_t base = (uint32_t)(uintptr_t)buf;
    static const uint8_t callee[] = { 0x8b, 0x4c, 0x24, 0x04, 0x40, 0xcb };     /* ecx = pushed CS; inc eax; lret */
    buf[0] = 0xea;                                 /* ljmp cs:base+7 */
    put32(buf + 1, base + 7);
    put16(buf + 5, cs);
    buf[7] = 0x40;                                 /* inc eax */
    buf[8] = 0x9a;                                 /* lcall cs:base+32 */
    put32(buf + 9, base + 32);
    put16(buf + 13, cs);
    buf[15] = 0xc3;                                /* ret */
    memcpy(buf + 32, callee, sizeof callee);
    code_start = buf;
    RUN("ljmp, lcall ptr", buf, "call *code_start", );
    RUN("lcall m16:32", s_lcallm, "mov %%esp, saved_esp\n\tlea slots+16, %%esp\n.globl s_lcallm\ns_lcallm:\n\t"
        "lcall *far_call_ptr\n\tmov saved_esp, %%esp", );
    /* DS names a data segment, 0x1234 nothing: #GP(selector). (0x33, the 64-bit code segment of a
     * 64-bit kernel, would switch a real CPU into 64-bit mode; xqm gives #GP.) */
    RUN("ljmp to DS", s_badjmp, ".globl s_badjmp\ns_badjmp:\n\tljmp *data_ptr\n\tinc %%eax", );
    RUN("lret 0x1234", s_badjmp, "push $0x1234\n\tpush $0\n\tlret", );
    RUN("arpl", s_arpl, ".globl s_arpl\ns_arpl:\n\tmov $0x0041, %%eax\n\tmov $0x0012, %%ecx\n\t"
        "arpl %%cx, %%ax\n\tsetz %%dl\n\tarpl %%cx, %%ax\n\tsetz %%dh\n\tmov %%ax, slots\n\t"
        "arpl %%cx, slots\n\tsetz %%cl", );
    RUN("iret", s_iret, ".globl s_iret\ns_iret:\n\tstc\n\tpushf\n\tclc\n\tpush %%cs\n\tpush $1f\n\tiret\n\t"
        "mov $1, %%eax\n1:\tsetc %%al", );
    /* lss with this very SS:ESP; lfs and les with DS; lds with a selector that does not exist */
    RUN("lss lfs les", s_lxs, ".globl s_lxs\ns_lxs:\n\tmov %%esp, ptr48\n\tmov %%ss, ptr48+4\n\t"
        "lss ptr48, %%esp\n\tmov %%ss, %%ecx\n\tmovl $0x1234, ptr48\n\tmov %%ds, ptr48+4\n\t"
        "lfs ptr48, %%eax\n\tmov %%fs, %%edx\n\tles ptr48, %%eax\n\tmovl $0, slots\n\tmov %%es, slots\n\t"
        "push %%ds\n\tpop %%es\n\t"
        "push $0\n\tpop %%fs", );
    RUN("lds bad", s_lxs, "movl $0x1234, ptr48+4\n\tlds ptr48, %%eax", );
    RUN("rdpmc", s_misc, ".globl s_misc\ns_misc:\n\txor %%ecx, %%ecx\n\trdpmc", );
    RUN("ud1", s_ud1, ".globl s_ud1\ns_ud1:\n\t.byte 0x0f, 0xb9, 0xc0\n\tinc %%eax", );
    RUN("ud0", s_ud0, ".globl s_ud0\ns_ud0:\n\t.byte 0x0f, 0xff, 0xc0\n\tinc %%eax", );
    return 0;
}
