/*
 * The core's user-mode segment-load hook (common/mode.h). xqm-system never reaches it: its
 * instruction table (target/i386/sys_table.c) translates mov/pop to segment registers with the
 * full protected-mode checks against the guest's own GDT and LDT.
 */
#include "common/mode.h"

bool mode_load_segment(CPUX86State *env, int seg, uint32_t selector)
{
    (void)env;
    (void)seg;
    (void)selector;
    return false;
}
