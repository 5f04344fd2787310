/* The harness of far_insns.c and kernel_answers.c: RUN(name, base, asm body, inputs) runs an
 * instruction sequence with eax/ecx/edx preset, catches the signal it raises (si_code, eip and
 * si_addr relative to base, the error code), and prints that with the registers and slots[],
 * kernel-chosen selectors replaced by markers. Call init_selectors() and install_handlers() first. */
#ifndef XQM_TESTS_USER_INSN_RUN_H
#define XQM_TESTS_USER_INSN_RUN_H

#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static sigjmp_buf jump;
static volatile int sig, code;
static volatile uint32_t fault_eip, fault_addr, fault_err;
uint32_t slots[4];

static void on_signal(int s, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    sig = s;
    code = si->si_code;
    fault_addr = (uint32_t)(uintptr_t)si->si_addr;
    fault_eip = (uint32_t)uc->uc_mcontext.gregs[REG_EIP];
    fault_err = (uint32_t)uc->uc_mcontext.gregs[REG_ERR];
    siglongjmp(jump, 1);
}

static void install_handlers(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

/* The kernel chooses the user selectors (CS 0x23 and DS 0x2b on a 64-bit kernel, 0x73 and 0x7b on
 * a 32-bit one): printed as markers, so the output does not depend on the kernel. */
static uint16_t cs_sel, ds_sel;
static void init_selectors(void)
{
    __asm__ volatile("mov %%cs, %0\n\tmov %%ds, %1" : "=r"(cs_sel), "=r"(ds_sel));
}

static uint32_t norm(uint32_t v)
{
    return v == cs_sel ? 0xc5c5c5c5u : v == ds_sel ? 0xd5d5d5d6u : v == (ds_sel & 0xfffcu) ? 0xd5d5d5d5u : v;
}

#define RUN(name, base, body, ...)                                                                       \
    do {                                                                                                 \
        volatile uint32_t a = 0x11112222, c = 0x33334444, d = 0x55556666, esp_after = 0;                 \
        uint32_t esp_before;                                                                             \
        sig = code = 0;                                                                                  \
        fault_eip = fault_addr = fault_err = 0;                                                          \
        memset(slots, 0xa5, sizeof slots);                                                               \
        __asm__ volatile("mov %%esp, %0" : "=r"(esp_before));                                            \
        if (!sigsetjmp(jump, 1)) {                                                                       \
            __asm__ volatile(body "\n\tmov %%esp, %3" : "+a"(a), "+c"(c), "+d"(d), "=m"(esp_after)        \
                             : __VA_ARGS__ : "memory", "cc");                                             \
        }                                                                                                \
        printf("%-15s sig %2d code %3d eip %+4d addr %+4d err %04x | a %08x c %08x d %08x esp %+d",    \
               name, sig, code, fault_eip ? (int)(fault_eip - (uint32_t)(uintptr_t)base) : 0,           \
               fault_addr ? (int)(fault_addr - (uint32_t)(uintptr_t)base) : 0, norm(fault_err), norm(a), \
               norm(c), norm(d), esp_after ? (int)(esp_after - esp_before) : 0);                         \
        printf(" | slots %08x %08x %08x %08x\n", norm(slots[0]), norm(slots[1]), norm(slots[2]),        \
               norm(slots[3]));                                                                          \
    } while (0)

#endif
