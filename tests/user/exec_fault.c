/*
 * A call into a page mapped without PROT_EXEC: SIGSEGV with SEGV_ACCERR at the page's address,
 * eax as it was at the call, trap 14 (#PF). Needs execute-disable in the page tables, so the
 * cross-check's guest (the non-PAE Debian 686 kernel, which cannot use NX) leaves it out
 * (tests/system/crosscheck.sh, HOST_ONLY).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jump_back;
static volatile int hits;
static void *expected_addr;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    printf("  handler: sig %d, code %s, addr as expected %d, eax 0x%x, trapno %d\n", sig,
           si->si_code == SEGV_ACCERR ? "SEGV_ACCERR" : si->si_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other",
           si->si_addr == expected_addr, (unsigned)uc->uc_mcontext.gregs[REG_EAX],
           (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
    hits++;
    siglongjmp(jump_back, 1);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);

    long page = sysconf(_SC_PAGESIZE);
    unsigned char *m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 0xc3;                    /* ret, but the page is not executable */
    expected_addr = m;
    if (sigsetjmp(jump_back, 1) == 0) {
        /* eax holds the target too: it must not be the address of the page (eax is 0x1234). */
        __asm__ volatile("movl $0x1234, %%eax\n\tcall *%0" :: "r"(m) : "eax", "memory");
        printf("  not reached\n");
    }
    printf("exec fault: hits %d\n", hits);
    /* The same page made executable runs. */
    mprotect(m, (size_t)page, PROT_READ | PROT_EXEC);
    hits = 0;
    if (sigsetjmp(jump_back, 1) == 0)
        ((void (*)(void))m)();
    printf("after PROT_EXEC: hits %d\n", hits);
    munmap(m, (size_t)page);
    return 0;
}
