/*
 * The CPU loop: runs translated code with cpu_exec and handles what comes back: `int $0x80`
 * syscalls, guest exceptions (which become the signals Linux would send), and exit requests
 * (signals caught for the guest). After each of them, deliverable signals are delivered.
 *
 * Invariants:
 * - When cpu_exec returns, env holds the exact architectural state (eip past the `int` for a
 *   syscall, at the faulting instruction for a fault), so syscalls read and write env directly.
 * - A host fault in translated code does not return to it: the fault handler rebuilds env and
 *   jumps back here through ts->fault_jmp with the guest signal queued (or a self-modifying-code
 *   step armed), and the loop simply carries on.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/exec.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "linux-user/user.h"

static void load_flat_segment(CPUX86State *env, int seg, uint32_t selector)
{
    if (!cpu_load_user_segment(env, seg, selector))
        xqm_assert(!"flat user segments always load");
}

void cpu_init_user(CPUX86State *env)
{
    cpu_x86_init(env);
    env->jc = tb_jc_alloc();
    load_flat_segment(env, R_CS, USER_CS);
    load_flat_segment(env, R_DS, USER_DS);
    load_flat_segment(env, R_ES, USER_DS);
    load_flat_segment(env, R_SS, USER_DS);
    env->segs[R_FS] = (struct x86_segment){ 0 };
    env->segs[R_GS] = (struct x86_segment){ 0 };
    env->guest_base = guest_base;
}

/* -d int: the exception, and for #UD the bytes at eip (the translator names unknown opcodes). */
static void log_exception(const CPUX86State *env, int excp)
{
    xqm_log("xqm-user: exception %d at eip 0x%08x (error code 0x%x)", excp, env->eip, env->error_code);
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
    TaskState *ts = env->mode_opaque;
    if (sigsetjmp(ts->fault_jmp, 0)) {
        /* Back from a fault handler, which ran with every host signal blocked. The fault's signal
         * (if it was not a self-modifying-code step) goes before any further guest code. */
        signal_set_blocked(ts, ts->blocked);
        signal_deliver_pending(env);
    }
    for (;;) {
        int excp = cpu_exec(env);
        smc_step_end(env);
        switch (excp) {
        case EXCP_SYSCALL:
            syscall_dispatch(env);
            break;
        case EXCP_INTERRUPT:
            break;
        default:
            if (xqm_log_enabled(LOG_INT))
                log_exception(env, excp);
            signal_raise_exception(env, excp);
            break;
        }
        signal_deliver_pending(env);
    }
}
