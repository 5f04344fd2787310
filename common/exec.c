/*
 * The exec loop: find (or translate) the TB at eip, chain the exit we came from to it, run it.
 *
 * Translated code returns here only on an unchained exit, an indirect jump that missed the jump
 * cache, an exception, or an exit request; chained TBs run back to back without coming back.
 */
#include "common/exec.h"
#include "common/mode.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "host/mips/backend.h"
#include "target/i386/translate.h"

void cpu_exit(CPUX86State *env)
{
    __atomic_store_n(&env->exit_request, 1, __ATOMIC_RELEASE);
}

int cpu_exec(CPUX86State *env)
{
    TranslationBlock *last = NULL;
    int last_exit = 0;
    uint64_t flushes = tb_stats.flushes;
    bool cc_generic = false;
    for (;;) {
        if (__atomic_load_n(&env->exit_request, __ATOMIC_ACQUIRE)) {
            env->exit_request = 0;
            env->exception_index = EXCP_INTERRUPT;
            return EXCP_INTERRUPT;
        }
        int excp = EXCP_PF;
        uint32_t flags = mode_tb_flags(env) | ((env->eflags & EFLAGS_TF) ? X86_TBF_TF : 0u);
        bool single_step = (flags & X86_TBF_TF) != 0;
        TranslationBlock *tb = tb_find(env, env->eip, flags, cc_generic, &excp);
        cc_generic = false;
        if (!tb) {
            env->exception_index = (uint32_t)excp;
            return excp;
        }
        /* A flush while translating reused every TB slot: `last` no longer names its old TB. */
        if (flushes != tb_stats.flushes) {
            flushes = tb_stats.flushes;
            last = NULL;
        }
        if (last && !single_step)
            tb_add_jump(last, last_exit, tb);
        if (xqm_log_enabled(LOG_EXEC))
            xqm_log("exec: tb %u at 0x%08x\n", tb->index, tb->pc);
        env->exception_index = (uint32_t)-1;
        uint64_t ret = host_enter(env, tb->tc_ptr);
        if ((ret & ((1u << TB_EXIT_BITS) - 1)) == HOST_EXIT_NOCHAIN) {
            last = NULL;
            if (env->exception_index == EXCP_UNSUPPORTED) {
                /* The guest sees #UD, as on a CPU without the instruction; the user sees why. */
                x86_report_unsupported(env, env->eip);
                env->exception_index = EXCP_UD;
            }
            if (env->exception_index != (uint32_t)-1)
                return (int)env->exception_index;
        }
        if (single_step && env->step_inhibit) {
            /* mov ss/pop ss hold debug exceptions back until the next instruction has run too
             * (SDM vol. 3, 6.8.3): that one runs as a single-step TB and traps for both. */
            env->step_inhibit = 0;
            last = NULL;
            continue;
        }
        if (single_step) {
            /* The instruction completed: the single-step trap, with eip after it. */
            env->exception_index = EXCP_DB;
            return EXCP_DB;
        }
        if ((ret & ((1u << TB_EXIT_BITS) - 1)) != HOST_EXIT_NOCHAIN) {
            last = tb_at_index((uint32_t)(ret >> TB_EXIT_BITS));
            last_exit = (int)(ret & ((1u << TB_EXIT_BITS) - 1));
            /* A guard miss (a TB specialised for another incoming lazy op) continues in the
             * generic variant of the same TB, and chaining makes later misses go there directly. */
            cc_generic = last && last_exit == last->guard_exit;
        }
    }
}
