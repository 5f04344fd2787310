/*
 * The CPU loop: runs translated code with cpu_exec and handles what comes back: `int $0x80`
 * syscalls, guest exceptions (which become the signals Linux would send), and exit requests.
 *
 * Invariant: when cpu_exec returns, env holds the exact architectural state (eip past the `int`
 * for a syscall, at the faulting instruction for a fault), so syscalls read and write env directly.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/exec.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "linux-user/user.h"

/* Selectors of a Linux i386 process: GDT entries 4 (user code) and 5 (user data), RPL 3. */
enum { USER_CS = 0x23, USER_DS = 0x2b };

/*
 * Segment attributes as the high word of their descriptor (SDM vol. 3, 3.4.5) masked to the
 * attribute bits (type, S, DPL, P, AVL, L, D/B, G), the encoding x86_segment.flags uses.
 */
enum { FLAT_CODE_FLAGS = 0x00c0fb00, FLAT_DATA_FLAGS = 0x00c0f300 };

/* i386 signal numbers the CPU loop raises. */
enum { GUEST_SIGILL = 4, GUEST_SIGTRAP = 5, GUEST_SIGBUS = 7, GUEST_SIGFPE = 8, GUEST_SIGSEGV = 11 };

static void load_flat_segment(CPUX86State *env, int seg, uint32_t selector, uint32_t flags)
{
    env->segs[seg] = (struct x86_segment){
        .selector = selector, .base = 0, .limit = 0xffffffff, .flags = flags,
    };
}

void cpu_init_user(CPUX86State *env)
{
    cpu_x86_init(env);
    env->jc = tb_jc_alloc();
    load_flat_segment(env, R_CS, USER_CS, FLAT_CODE_FLAGS);
    load_flat_segment(env, R_DS, USER_DS, FLAT_DATA_FLAGS);
    load_flat_segment(env, R_ES, USER_DS, FLAT_DATA_FLAGS);
    load_flat_segment(env, R_SS, USER_DS, FLAT_DATA_FLAGS);
    env->segs[R_FS] = (struct x86_segment){ 0 };
    env->segs[R_GS] = (struct x86_segment){ 0 };
    env->guest_base = guest_base;
}

/* The signal Linux sends for each x86 exception taken in user mode (arch/x86/kernel/traps.c). */
static int signal_for_exception(int excp)
{
    switch (excp) {
    case EXCP_DE: return GUEST_SIGFPE;
    case EXCP_DB: return GUEST_SIGTRAP;
    case EXCP_BP: return GUEST_SIGTRAP;
    case EXCP_OF: return GUEST_SIGSEGV;
    case EXCP_BR: return GUEST_SIGSEGV;
    case EXCP_UD: return GUEST_SIGILL;
    case EXCP_NM: return GUEST_SIGSEGV;
    case EXCP_GP: return GUEST_SIGSEGV;
    case EXCP_PF: return GUEST_SIGSEGV;
    case EXCP_MF: return GUEST_SIGFPE;
    case EXCP_AC: return GUEST_SIGBUS;
    case EXCP_XM: return GUEST_SIGFPE;
    case EXCP_HLT: return GUEST_SIGSEGV;    /* hlt is privileged: #GP at CPL 3 */
    default: return 0;
    }
}

/* -d int: the exception, and for #UD the bytes at eip (the translator names unknown opcodes). */
static void log_exception(const CPUX86State *env, int excp, int sig)
{
    xqm_log("xqm-user: exception %d at eip 0x%08x (error code 0x%x): guest signal %d",
            excp, env->eip, env->error_code, sig);
    if (excp == EXCP_UD && guest_range_valid(env->eip, 1, PAGE_READ)) {
        const uint8_t *code = g2h(env->eip);
        xqm_log(", bytes");
        for (uint32_t i = 0; i < 8 && guest_range_valid(env->eip + i, 1, PAGE_READ); i++)
            xqm_log(" %02x", code[i]);
    }
    xqm_log("\n");
}

_Noreturn void cpu_loop(CPUX86State *env)
{
    signal_set_thread_cpu(env);
    for (;;) {
        int excp = cpu_exec(env);
        switch (excp) {
        case EXCP_SYSCALL:
            syscall_dispatch(env);
            signal_process_pending(env);
            break;
        case EXCP_INTERRUPT:
            signal_process_pending(env);
            break;
        default: {
            int sig = signal_for_exception(excp);
            if (sig == 0) {
                fprintf(stderr, "xqm-user: internal error: cpu_exec returned %d at eip 0x%08x\n",
                        excp, env->eip);
                abort();
            }
            if (xqm_log_enabled(LOG_INT))
                log_exception(env, excp, sig);
            /* No guest handlers yet (a later issue): the default action, as the kernel would. */
            guest_die_by_signal(sig);
        }
        }
    }
}
