/*
 * What the core asks of linux-user (common/mode.h): where guest code is, which pages hold code.
 *
 * Guest code is read straight from guest memory at guest_base + pc, so a code pointer stays valid
 * as long as its pages stay mapped; mmap.c drops the TBs of pages it unmaps or makes non-executable.
 */
#include "common/mode.h"
#include "linux-user/user.h"

/*
 * A TB is at most TB_MAX_INSNS x86 instructions of at most 15 bytes, well under one page, and it
 * stops at a page boundary except for the instruction that crosses it, so looking at pc's page and
 * the next one is always enough: avail never needs to reach further.
 */
const uint8_t *mode_code_bytes(CPUX86State *env, uint32_t pc, uint32_t *avail)
{
    (void)env;
    if (!(guest_page_flags(pc) & PAGE_VALID) || !(guest_page_flags(pc) & PAGE_EXEC)) {
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

/*
 * Only recorded for now. Self-modifying code detection (write-protecting these pages and
 * invalidating their TBs on a write fault) belongs to a later issue and will start from this bit.
 */
void mode_code_page_added(uint32_t page_addr)
{
    guest_page_mark_code(page_addr);
}

/* User mode has a single translation-relevant state (flat 32-bit protected mode at CPL 3). */
uint32_t mode_tb_flags(const CPUX86State *env)
{
    (void)env;
    return 0;
}
