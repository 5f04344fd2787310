/* Memory accesses of 2, 4, 8 and 16 bytes that straddle from a read-write page into a PROT_NONE or
 * a read-only page, at every offset, and accesses wholly inside the faulting page: the fault's
 * si_addr (x86 Linux: the first byte of the access the CPU cannot access, so the start of the
 * second page for a straddling access) and si_code, the eip and registers in the handler (the
 * faulting instruction not done: its destination register unchanged), and the first page's
 * contents afterwards (a faulting store writes nothing). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf jump;
static volatile uintptr_t fault_addr;
static volatile int fault_code;
static volatile uint32_t fault_eip, fault_eax, fault_edx;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    (void)sig;
    fault_addr = (uintptr_t)si->si_addr;
    fault_code = si->si_code;
    fault_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    fault_eax = (uint32_t)uc->uc_mcontext.gregs[REG_EAX];
    fault_edx = (uint32_t)uc->uc_mcontext.gregs[REG_EDX];
    siglongjmp(jump, 1);
}

/* Each access: `p` in edx, eax preset to a marker, `pre` run first; the label marks the faulting
 * instruction. */
#define ACCESS_AFTER(name, pre, insn)                                                         \
    extern const char name##_at[];                                                            \
    static __attribute__((noinline)) uint32_t name(uint8_t *p)                                \
    {                                                                                         \
        uint32_t a = 0x5a5a5a5a;                                                              \
        __asm__ volatile(pre "\n.globl " #name "_at\n" #name "_at:\n\t" insn                  \
                         : "+a"(a) : "d"(p) : "memory");                                      \
        return a;                                                                             \
    }
#define ACCESS(name, insn) ACCESS_AFTER(name, "", insn)

ACCESS(load16, "movw (%%edx), %%ax")
ACCESS(load16zx, "movzwl (%%edx), %%eax")
ACCESS(load32, "movl (%%edx), %%eax")
ACCESS(add32, "addl (%%edx), %%eax")
ACCESS(load64, "movq (%%edx), %%xmm0")
ACCESS(load128, "movdqu (%%edx), %%xmm0")
ACCESS(store16, "movw %%ax, (%%edx)")
ACCESS(store32, "movl %%eax, (%%edx)")
ACCESS(store64, "movq %%xmm0, (%%edx)")
ACCESS(store128, "movdqu %%xmm0, (%%edx)")
ACCESS(rmw32, "addl %%eax, (%%edx)")
/* x87: fninit first so that a fault leaving a value on the stack cannot overflow it later. */
ACCESS_AFTER(fld64, "fninit", "fldl (%%edx)\n\tfstp %%st(0)")
ACCESS_AFTER(fld80, "fninit", "fldt (%%edx)\n\tfstp %%st(0)")
ACCESS_AFTER(fst64, "fninit\n\tfldpi", "fstpl (%%edx)")
ACCESS_AFTER(fst80, "fninit\n\tfldpi", "fstpt (%%edx)")

static const struct {
    const char *name;
    uint32_t (*fn)(uint8_t *);
    const char *at;
    int size;
} accesses[] = {
    { "load16", load16, load16_at, 2 },     { "load16zx", load16zx, load16zx_at, 2 },
    { "load32", load32, load32_at, 4 },     { "add32", add32, add32_at, 4 },
    { "load64", load64, load64_at, 8 },     { "load128", load128, load128_at, 16 },
    { "store16", store16, store16_at, 2 },  { "store32", store32, store32_at, 4 },
    { "store64", store64, store64_at, 8 },  { "store128", store128, store128_at, 16 },
    { "rmw32", rmw32, rmw32_at, 4 },
    { "fld64", fld64, fld64_at, 8 },        { "fld80", fld80, fld80_at, 10 },
    { "fst64", fst64, fst64_at, 8 },        { "fst80", fst80, fst80_at, 10 },
};

static uint32_t hash(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

int main(void)
{
    struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };
    sigaction(SIGSEGV, &sa, NULL);
    uint8_t *area = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return 1;
    for (int i = 0; i < 2 * 4096; i++)
        area[i] = (uint8_t)(i * 7 + 3);
    for (int prot = 0; prot < 2; prot++) {
        mprotect(area + 4096, 4096, prot ? PROT_READ : PROT_NONE);
        for (size_t k = 0; k < sizeof accesses / sizeof accesses[0]; k++) {
            int size = accesses[k].size;
            /* start offsets relative to the page boundary: straddling ones, then inside the page */
            for (int off = -(size - 1); off <= 3; off++) {
                uint8_t *p = area + 4096 + off;
                fault_addr = 0;
                volatile uint32_t r = 0;
                if (!sigsetjmp(jump, 1))
                    r = accesses[k].fn(p);
                printf("%s %s %+d: ", prot ? "read-only" : "none", accesses[k].name, off);
                if (fault_addr)
                    printf("fault at %+ld code %d, eip %+ld, eax %08x, edx %+ld",
                           (long)(fault_addr - (uintptr_t)(area + 4096)), fault_code,
                           (long)(fault_eip - (uint32_t)(uintptr_t)accesses[k].at), fault_eax,
                           (long)(fault_edx - (uint32_t)(uintptr_t)p));
                else
                    printf("no fault, eax %08x", r);
                printf(", page %08x\n", hash(area, 4096));
            }
        }
    }
    return 0;
}
