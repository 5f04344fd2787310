/* Single-stepping with EFLAGS.TF set by popf: after every instruction that completes, SIGTRAP
 * (si_code TRAP_TRACE, si_addr and eip the next instruction), the first after the instruction
 * following the popf; after every iteration of a rep string instruction (eip still at it); none
 * after int $0x80 (the kernel clears TF for the syscall) and none for an instruction that faults;
 * one after the popf that clears TF; none right after mov ss/pop ss, which hold the trap back
 * until the next instruction has run. The handler runs with TF clear, pushf inside the traced code
 * sees it set, and sigreturn restores it. Offsets are printed from a label at the start of each
 * traced sequence. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <ucontext.h>

enum { MAX_TRAPS = 64 };
static volatile int ntraps, limit, handler_tf, nills;
static uint32_t trap_eip[MAX_TRAPS], trap_addr[MAX_TRAPS];
static int trap_code[MAX_TRAPS];

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint32_t flags;
    (void)sig;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(flags));
    handler_tf |= (flags >> 8) & 1;
    if (ntraps < MAX_TRAPS) {
        trap_eip[ntraps] = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
        trap_addr[ntraps] = (uint32_t)(uintptr_t)si->si_addr;
        trap_code[ntraps] = si->si_code;
    }
    ntraps++;
    if (ntraps >= limit)
        uc->uc_mcontext.gregs[REG_EFL] &= ~0x100;
}

/* ud2 under TF: SIGILL, no trap for it; the handler skips it and stepping goes on. */
static void on_ill(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig;
    (void)si;
    nills++;
    uc->uc_mcontext.gregs[REG_EIP] += 2;
}

static void report(const char *name, const char *base)
{
    printf("%-12s %d traps:", name, ntraps);
    for (int i = 0; i < ntraps && i < MAX_TRAPS; i++) {
        printf(" %+d", (int)(trap_eip[i] - (uint32_t)(uintptr_t)base));
        if (trap_addr[i] != trap_eip[i] || trap_code[i] != 2 /* TRAP_TRACE */)
            printf("(si_addr %+d code %d)", (int)(trap_addr[i] - (uint32_t)(uintptr_t)base), trap_code[i]);
    }
    printf("; handler saw TF %d\n", handler_tf);
    ntraps = 0;
    handler_tf = 0;
}

#define SET_TF "pushf\n\torl $0x100, (%%esp)\n\tpopf\n"

extern char straight[], branches[], loop[], reps[], syscall_at[], popf_off[], pushf_at[], fault_at[], sse_at[], ss_at[];
static char src[16] = "abcdefghijklmno", dst[16];

int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGTRAP, &sa, NULL);
    sa.sa_sigaction = on_ill;
    sigaction(SIGILL, &sa, NULL);

    limit = 6;
    __asm__ volatile(SET_TF ".globl straight\nstraight:\n\tnop\n\tmov $1, %%eax\n\tadd %%eax, %%eax\n\t"
                     "lea 4(%%eax,%%eax,2), %%eax\n\tnop\n\tnop\n\tnop\n\tnop"
                     : : : "eax", "memory", "cc");
    report("straight", straight);

    limit = 8;
    __asm__ volatile(SET_TF ".globl branches\nbranches:\n\tjmp 1f\n\tnop\n1:\tcall 2f\n\tjmp 3f\n2:\tret\n"
                     "3:\txor %%eax, %%eax\n\tjz 4f\n\tnop\n4:\tjnz 5f\n\tnop\n5:\tnop\n\tnop\n\tnop"
                     : : : "eax", "memory", "cc");
    report("branches", branches);

    limit = 12;
    __asm__ volatile(SET_TF ".globl loop\nloop:\n\tmov $4, %%ecx\n1:\tdec %%ecx\n\tjnz 1b\n\tnop\n\tnop\n\tnop\n\tnop"
                     : : : "ecx", "memory", "cc");
    report("loop", loop);

    /* rep movsb of 3, rep stosl of 0, repe cmpsb stopping at the third byte */
    limit = 12;
    __asm__ volatile(SET_TF ".globl reps\nreps:\n\tmov $3, %%ecx\n\trep movsb\n\txor %%ecx, %%ecx\n\t"
                     "rep stosl\n\tmov $8, %%ecx\n\tlea -3(%%esi), %%esi\n\tlea -3(%%edi), %%edi\n\t"
                     "movb $0, 2(%%edi)\n\trepe cmpsb\n\tnop\n\tnop\n\tnop\n\tnop"
                     : : "S"(src), "D"(dst) : "ecx", "memory", "cc");
    report("rep", reps);

    limit = 5;
    __asm__ volatile(SET_TF ".globl syscall_at\nsyscall_at:\n\tmov $20, %%eax\n\tint $0x80\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop"
                     : : : "eax", "memory", "cc");
    report("int $0x80", syscall_at);

    limit = 50;
    __asm__ volatile(SET_TF ".globl popf_off\npopf_off:\n\tnop\n\tpushf\n\tandl $0xfffffeff, (%%esp)\n\tpopf\n\tnop\n\tnop"
                     : : : "memory", "cc");
    report("popf off", popf_off);

    uint32_t pushed;
    limit = 50;
    __asm__ volatile(SET_TF ".globl pushf_at\npushf_at:\n\tpushf\n\tpop %0\n\tpushf\n\tandl $0xfffffeff, (%%esp)\n\tpopf"
                     : "=r"(pushed) : : "memory", "cc");
    report("pushf", pushf_at);
    printf("pushf inside saw TF %u\n", (pushed >> 8) & 1);

    limit = 5;
    __asm__ volatile(SET_TF ".globl fault_at\nfault_at:\n\tnop\n\tud2\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop"
                     : : : "memory", "cc");
    report("ud2", fault_at);
    printf("SIGILL %d\n", nills);

    static const float a[4] = { 1, 2, 3, 4 };
    float out[4];
    limit = 5;
    __asm__ volatile(SET_TF ".globl sse_at\nsse_at:\n\tmovups (%1), %%xmm0\n\taddps %%xmm0, %%xmm0\n\tmovups %%xmm0, (%0)\n\t"
                     "lock incl (%0)\n\tnop\n\tnop"
                     : : "r"(out), "r"(a) : "memory", "cc");   /* xmm0: not in use in this non-SSE build */
    report("sse, lock", sse_at);

    limit = 8;
    __asm__ volatile(SET_TF ".globl ss_at\nss_at:\n\tnop\n\tmov %%ss, %%ax\n\tmov %%ax, %%ss\n\tnop\n\t"
                     "push %%ss\n\tpop %%ss\n\tnop\n\tnop\n\tnop\n\tnop\n\tnop"
                     : : : "eax", "memory", "cc");
    report("mov/pop ss", ss_at);
    return 0;
}
