/*
 * What the core asks of linux-user (common/mode.h): where guest code is, which pages hold code,
 * and the one piece of translation-relevant state user mode has, the self-modifying-code step.
 *
 * Guest code is read straight from guest memory at guest_base + pc, so a code pointer stays valid
 * as long as its pages stay mapped; mmap.c drops the TBs of pages it unmaps or makes non-executable.
 *
 * Self-modifying code. A TB marks its guest pages (mode_code_page_added), which write-protects
 * their host page (mmap.c). A guest store there faults; the fault handler (signal.c) unprotects the
 * host page and invalidates all its TBs. If the store came from a TB that does not cover that host
 * page, the store is simply retried. If it does, the rest of the running TB may be stale (the
 * store may patch the very next instruction), so the handler rebuilds the guest state at the
 * storing instruction and returns to the CPU loop with a step armed (smc_step_begin). The next TB
 * is then translated with TB_FLAG_SMC_STEP: exactly one instruction (mode_code_bytes hides every
 * other pc), and without re-protecting the unprotected host page (mode_code_page_added skips it),
 * so the store runs. That TB always returns to the exec loop (it is never chained: it is fresh,
 * and the exec loop chains only into TBs it has looked up), which asks mode_tb_flags for the next
 * TB's flags: once eip has moved on, that call ends the step and invalidates the one-instruction
 * TB (it was translated from an unprotected page, so nothing would notice if it went stale). From
 * then on, translating code from the page protects it again. While eip is still the storing
 * instruction's (the exec loop looking up another variant of the step TB after a guard miss), the
 * step goes on. The step TB is keyed by its own flag so ordinary lookups never find it.
 */
#include "common/mode.h"
#include "common/tb.h"
#include "host/mips/ldst.h"
#include "linux-user/user.h"

enum { SMC_NONE, SMC_ARMED, SMC_RUNNING };
enum { TB_FLAG_SMC_STEP = 1 };

/*
 * A TB is at most TB_MAX_INSNS x86 instructions of at most 15 bytes, well under one page, and it
 * stops at a page boundary except for the instruction that crosses it, so looking at pc's page and
 * the next one is always enough: avail never needs to reach further.
 */
const uint8_t *mode_code_bytes(CPUX86State *env, uint32_t pc, uint32_t *avail)
{
    TaskState *ts = env->mode_opaque;
    if (!(guest_page_flags(pc) & PAGE_VALID) || !(guest_page_flags(pc) & PAGE_EXEC)
        || (ts && ts->smc_state == SMC_RUNNING && pc != ts->smc_eip)) {
        *avail = 0;
        return g2h(pc);
    }
    uint32_t page_end = (pc & GUEST_PAGE_MASK) + GUEST_PAGE_SIZE;
    uint32_t n = page_end - pc;
    if (page_end != 0 && (guest_page_flags(page_end) & PAGE_VALID)
        && (guest_page_flags(page_end) & PAGE_EXEC))
        n += GUEST_PAGE_SIZE;
    *avail = n;
    return g2h(pc);
}

bool mode_smc_stops_running_tb(void)
{
    return true;        /* signal.c restarts the storing instruction in a step when its TB overlaps */
}

void mode_code_page_added(uint32_t page_addr)
{
    TaskState *ts = task_self();
    /* During a step, the page being written stays unprotected (see above). */
    if (ts && ts->smc_state == SMC_RUNNING && page_addr >= ts->smc_host_page
        && page_addr - ts->smc_host_page < guest_host_page_size())
        return;
    guest_page_mark_code(page_addr);
}

void smc_step_begin(CPUX86State *env, uint64_t host_page_guest_addr)
{
    TaskState *ts = env->mode_opaque;
    ts->smc_state = SMC_ARMED;
    ts->smc_eip = env->eip;
    ts->smc_host_page = host_page_guest_addr;
}

void smc_step_end(CPUX86State *env)
{
    TaskState *ts = env->mode_opaque;
    if (ts->smc_state == SMC_RUNNING) {
        /* An x86 instruction is at most 15 bytes: this covers the step TB whatever it was. */
        uint64_t end = (uint64_t)ts->smc_eip + 16;
        tb_invalidate_range(ts->smc_eip, end > 0xffffffffu ? 0xffffffffu : (uint32_t)end);
    }
    ts->smc_state = SMC_NONE;
}

uint32_t mode_tb_flags(const CPUX86State *env)
{
    TaskState *ts = env->mode_opaque;
    /* Addresses are zero-extended once the guest has touched memory at or above 2 GiB (signal.c,
     * host/mips/ldst_user.c); older TBs keep their flags and are fixed as they fault. */
    uint32_t zext = __atomic_load_n(&guest_addr_zext, __ATOMIC_RELAXED) ? LDST_TB_FLAG_ADDR_ZEXT : 0;
    if (!ts || ts->smc_state == SMC_NONE)
        return zext;
    /* The exec loop asks before every TB it runs: at the storing instruction, the step runs. */
    if (env->eip == ts->smc_eip) {
        ts->smc_state = SMC_RUNNING;
        return zext | TB_FLAG_SMC_STEP;
    }
    smc_step_end(ts->env);
    return zext;
}

bool mode_load_segment(CPUX86State *env, int seg, uint32_t selector)
{
    return cpu_load_user_segment(env, seg, selector);
}
