/* What the kernel answers for instructions a user program may run but that ask about the machine:
 * smsw, sgdt, sidt, sldt and str, which Linux emulates with fixed values on a CPU with UMIP (as
 * the reference machine is: arch/x86/kernel/umip.c), and int1, which reaches the program as
 * SIGTRAP (TRAP_BRKPT) with eip and si_addr at the instruction on the reference machine. Not part
 * of the system-mode cross-check: there the guest kernel answers (tests/system/crosscheck.sh). */
#include "insn_run.h"

extern char s_int1[], s_umip[];

int main(void)
{
    install_handlers();
    init_selectors();
    RUN("int1", s_int1, ".globl s_int1\ns_int1:\n\tmov $5, %%eax\n\t.byte 0xf1\n\tinc %%eax", );
    RUN("smsw sldt str", s_umip, ".globl s_umip\ns_umip:\n\tsmsw %%eax\n\tsldt %%ecx\n\tstr %%edx\n\t"
        "smsw slots\n\tsgdt slots+4\n\tsidt slots+10", );
    return 0;
}
