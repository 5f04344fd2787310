/*
 * Multi-register stack instructions: pusha, popa, enter. enter's 16-bit forms (operand size or
 * stack) are not translated (#UD).
 *
 * Each does all its memory accesses before changing a register, so a fault in the middle leaves
 * the state of before the instruction.
 */
#include "target/i386/internal.h"

bool x86_translate_pusha(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int size = dc_op16(dc) ? 2 : 4;
    int esp = hreg_guest(R_ESP);
    (void)b;
    dc_stack_access(dc);
    /* Order pushed: eax ecx edx ebx (esp before the instruction) ebp esi edi. */
    for (int r = R_EAX; r <= R_EDI; r++)
        gen_st_off(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, hreg_guest(r), esp, (int16_t)(-size * (r + 1)));
    gen_sp_add(dc, -8 * size);
    return true;
}

bool x86_translate_popa(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int size = dc_op16(dc) ? 2 : 4;
    int esp = hreg_guest(R_ESP);
    int vals[8];
    (void)b;
    dc_stack_access(dc);
    /* Load everything first (the esp slot is skipped, SDM vol. 2, POPA). */
    for (int r = R_EAX; r <= R_EDI; r++) {
        if (r == R_ESP)
            continue;
        vals[r] = dc_temp(dc);
        gen_ld_off(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, vals[r], esp, (int16_t)(size * (7 - r)));
    }
    for (int r = R_EAX; r <= R_EDI; r++) {
        if (r != R_ESP)
            gen_write_gpr(dc, r, 0, size, vals[r]);
    }
    gen_sp_add(dc, 8 * size);
    return true;
}

/*
 * enter with a 16-bit operand size (66 C8: BP and the copied frame pointers are words) or a
 * 16-bit stack (SP, wrapping at 64 KiB): push the frame pointer, walk level - 1 frame pointers
 * down from it, push the new frame pointer, then BP/EBP = that frame and SP/ESP -= size
 * (SDM vol. 2, ENTER). Every push is complete before esp moves, so a fault leaves the guest state
 * of a partly built frame as the pushes so far left it.
 */
static bool gen_enter_general(DisasContext *dc, uint32_t size, int level)
{
    struct mips_buf *b = dc->b;
    int n = dc_op16(dc) ? 2 : 4;
    int esp = hreg_guest(R_ESP), ebp = hreg_guest(R_EBP);
    int frame = dc_temp(dc), t = dc_temp(dc), a = dc_temp(dc);
    gen_push(dc, ebp, n);
    mips_move(b, frame, esp);
    if (dc->ss16)
        mips_andi(b, frame, frame, 0xffff);
    for (int i = 1; i < level; i++) {
        mips_addiu(b, a, ebp, (int16_t)(-n * i));
        if (dc->ss16)
            mips_andi(b, a, a, 0xffff);
        dc_stack_access(dc);
        gen_ld(dc, n == 2 ? MO_16 : MO_32, t, a);
        gen_push(dc, t, n);
    }
    if (level > 0)
        gen_push(dc, frame, n);
    if (n == 2)
        gen_write_gpr(dc, R_EBP, 0, 2, frame);
    else
        mips_move(b, ebp, frame);
    if (size)
        gen_sp_add(dc, -(int32_t)size);
    return true;
}

/* enter size, level (SDM vol. 2, ENTER): the level is taken modulo 32 and unrolled here. */
bool x86_translate_enter(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    if (dc->x86->op_count != 2)
        return false;
    uint32_t size = (uint32_t)dc_op(dc, 0)->imm & 0xffff;
    int level = (int)(dc_op(dc, 1)->imm & 31);
    if (dc_op16(dc) || dc->ss16)
        return gen_enter_general(dc, size, level);
    dc_stack_access(dc);
    int esp = hreg_guest(R_ESP), ebp = hreg_guest(R_EBP);
    int t = dc_temp(dc);
    gen_st_off(dc, MO_32 | MO_ALIGNED, ebp, esp, -4);
    int off = -4;
    for (int i = 1; i < level; i++) {
        gen_ld_off(dc, MO_32 | MO_ALIGNED, t, ebp, (int16_t)(-4 * i));
        off -= 4;
        gen_st_off(dc, MO_32 | MO_ALIGNED, t, esp, (int16_t)off);
    }
    int frame = dc_temp(dc);
    mips_addiu(b, frame, esp, -4);
    if (level > 0) {
        off -= 4;
        gen_st_off(dc, MO_32 | MO_ALIGNED, frame, esp, (int16_t)off);
    }
    mips_move(b, ebp, frame);
    mips_addiu(b, esp, esp, (int16_t)off);
    if (size) {
        mips_li(b, MIPS_AT, size);
        mips_subu(b, esp, esp, MIPS_AT);
    }
    return true;
}
