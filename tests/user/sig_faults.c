/*
 * Synchronous faults delivered to handlers with the precise state: SIGSEGV (si_addr, si_code, the
 * registers of the faulting instruction), a handler that fixes the page and returns, one that
 * siglongjmps out, SIGFPE for a division by zero skipped by moving eip in the ucontext, SIGILL for
 * ud2, SIGTRAP for int3 (eip after it), SIGBUS past the end of a file mapping, register and
 * flag changes made by a handler taking effect, and a fault with the signal blocked killing the
 * process (checked through a child's wait status). A call into a page without PROT_EXEC is
 * tests/user/exec_fault.c (it needs NX, see there).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jump_back;
static volatile int hits;
static void *fix_page;
static size_t page = 4096;
/* Addresses in the never-mapped first page, hidden from the compiler's bounds checks. */
static volatile int *volatile low_address = (volatile int *)0x20;

static const char *segv_code(int code)
{
    return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
}

static void *expected_addr;

static void on_segv_jump(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    printf("  handler: sig %d, code %s, addr as expected %d, eax 0x%x, trapno %d\n", sig,
           segv_code(si->si_code), si->si_addr == expected_addr,
           (unsigned)uc->uc_mcontext.gregs[REG_EAX], (int)uc->uc_mcontext.gregs[REG_TRAPNO]);
    hits++;
    siglongjmp(jump_back, 1);
}

static void on_segv_fix(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    printf("  fixing: sig %d, code %s, offset %ld\n", sig, segv_code(si->si_code),
           (long)((char *)si->si_addr - (char *)fix_page));
    hits++;
    mprotect(fix_page, page, PROT_READ | PROT_WRITE);
}

/* Skips the 2-byte faulting instruction and changes eax so the caller can see it happen. */
static void on_skip2(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uintptr_t eip = (uintptr_t)uc->uc_mcontext.gregs[REG_EIP];
    printf("  skip: sig %d, code %d, addr==eip %d, ecx %d\n", sig, si->si_code,
           (uintptr_t)si->si_addr == eip, (int)uc->uc_mcontext.gregs[REG_ECX]);
    uc->uc_mcontext.gregs[REG_EIP] = (greg_t)(eip + 2);
    uc->uc_mcontext.gregs[REG_EAX] = 777;
    hits++;
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    const unsigned char *eip = (const unsigned char *)uc->uc_mcontext.gregs[REG_EIP];
    printf("  trap: sig %d, code 0x%x, byte before eip 0x%02x, esi %d, CF %d\n", sig, si->si_code,
           eip[-1], (int)uc->uc_mcontext.gregs[REG_ESI], (int)(uc->uc_mcontext.gregs[REG_EFL] & 1));
    /* Set CF and change esi: both must be what the interrupted code sees after the return. */
    uc->uc_mcontext.gregs[REG_EFL] |= 1;
    uc->uc_mcontext.gregs[REG_ESI] = 4242;
    hits++;
}

static void on_bus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    printf("  bus: sig %d, code %s\n", sig, si->si_code == BUS_ADRERR ? "BUS_ADRERR" : "other");
    hits++;
    siglongjmp(jump_back, 1);
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void null_write(void)
{
    install(SIGSEGV, on_segv_jump);
    hits = 0;
    expected_addr = (void *)0x10;
    if (sigsetjmp(jump_back, 1) == 0) {
        /* eax and ebx hold known values at the faulting store. */
        __asm__ volatile("movl $0x1234, %%eax\n\tmovl $0x5678, %%ebx\n\tmovl $1, 0x10\n\t"
                         ::: "eax", "ebx", "memory");
        printf("  not reached\n");
    }
    printf("null write: hits %d\n", hits);
}

static void fix_and_return(void)
{
    install(SIGSEGV, on_segv_fix);
    fix_page = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    hits = 0;
    volatile int *p = (volatile int *)((char *)fix_page + 100);
    *p = 5;                         /* faults once; the handler makes the page writable */
    printf("fix and return: value %d, hits %d\n", *p, hits);
    munmap(fix_page, page);
}

static void divide_by_zero(void)
{
    install(SIGFPE, on_skip2);
    hits = 0;
    int result;
    /* div %ecx is two bytes (f7 f1): the handler skips it and sets eax. */
    __asm__ volatile("movl $100, %%eax\n\txorl %%edx, %%edx\n\txorl %%ecx, %%ecx\n\tdivl %%ecx\n\t"
                     : "=a"(result) :: "ecx", "edx");
    printf("divide by zero: result %d, hits %d\n", result, hits);
}

static void invalid_opcode(void)
{
    install(SIGILL, on_skip2);
    hits = 0;
    int result;
    __asm__ volatile("movl $5, %%ecx\n\tmovl $1, %%eax\n\tud2\n\t" : "=a"(result) :: "ecx");
    printf("ud2: result %d, hits %d\n", result, hits);
}

static void breakpoint(void)
{
    install(SIGTRAP, on_trap);
    hits = 0;
    int esi, cf;
    __asm__ volatile("movl $17, %%esi\n\tclc\n\tint3\n\tsetc %%al\n\tmovzbl %%al, %%eax\n\t"
                     : "=a"(cf), "=S"(esi));
    printf("int3: esi %d, CF after %d, hits %d\n", esi, cf, hits);
}

static void bus_error(void)
{
    install(SIGBUS, on_bus);
    char name[] = "sigbusXXXXXX";
    int fd = mkstemp(name);
    unlink(name);
    if (write(fd, "x", 1) != 1)
        return;
    char *m = mmap(NULL, 16 * page, PROT_READ, MAP_SHARED, fd, 0);
    hits = 0;
    if (sigsetjmp(jump_back, 1) == 0) {
        volatile char c = m[8 * page];  /* well past the end of the one-byte file */
        (void)c;
        printf("  not reached\n");
    }
    printf("bus error: first byte '%c', hits %d\n", m[0], hits);
    munmap(m, 16 * page);
    close(fd);
}

/* A fault with SIGSEGV blocked kills the process whatever its handler (force_sig). */
static void blocked_fault(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        install(SIGSEGV, on_segv_jump);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGSEGV);
        sigprocmask(SIG_BLOCK, &set, NULL);
        *low_address = 1;
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("blocked fault: signaled %d, signal %d\n", WIFSIGNALED(status), WTERMSIG(status));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    null_write();
    fix_and_return();
    divide_by_zero();
    invalid_opcode();
    breakpoint();
    bus_error();
    blocked_fault();
    /* The default action at last: the process dies of SIGSEGV, which the runner compares. */
    signal(SIGSEGV, SIG_DFL);
    *low_address = 1;
    return 0;
}
