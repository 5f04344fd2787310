/*
 * Guest memory access for user mode: host address = guest_base + zero-extended 32-bit guest address.
 *
 * When the mode managed to place the guest at host address 0 (guest_base == 0, the usual case on
 * MIPS64 where the low 4 GiB are free) the addition disappears. x86 allows unaligned accesses and
 * MIPS does not, so accesses not known to be aligned use the lwr/lwl (ldr/ldl, swr/swl) pairs, which
 * handle any alignment in two instructions. 16-bit accesses are split into bytes.
 */
#include "host/mips/backend.h"
#include "host/mips/ldst.h"

uint64_t guest_base;

void emit_guest_host_addr(struct mips_buf *b, int host, int addr)
{
    mips_dext(b, host, addr, 0, 32);
    if (guest_base != 0)
        mips_daddu(b, host, host, HREG_GUEST_BASE);
}

void emit_guest_load(struct mips_buf *b, unsigned mop, int dst, int addr, int scratch)
{
    emit_guest_host_addr(b, scratch, addr);
    bool aligned = mop & MO_ALIGNED;
    switch (mop & MO_SIZE) {
    case MO_8:
        (mop & MO_SIGN ? mips_lb : mips_lbu)(b, dst, scratch, 0);
        break;
    case MO_16:
        if (aligned) {
            (mop & MO_SIGN ? mips_lh : mips_lhu)(b, dst, scratch, 0);
        } else {
            mips_lbu(b, MIPS_AT, scratch, 1);
            mips_lbu(b, dst, scratch, 0);
            mips_ins(b, dst, MIPS_AT, 8, 8);
            if (mop & MO_SIGN)
                mips_seh(b, dst, dst);
        }
        break;
    case MO_32:
        if (aligned) {
            mips_lw(b, dst, scratch, 0);
        } else {
            /* lwl loads the byte holding bit 31 and so sign-extends the whole result. */
            mips_lwr(b, dst, scratch, 0);
            mips_lwl(b, dst, scratch, 3);
        }
        break;
    case MO_64:
        if (aligned) {
            mips_ld(b, dst, scratch, 0);
        } else {
            mips_ldr(b, dst, scratch, 0);
            mips_ldl(b, dst, scratch, 7);
        }
        break;
    }
}

void emit_guest_store(struct mips_buf *b, unsigned mop, int src, int addr, int scratch)
{
    emit_guest_host_addr(b, scratch, addr);
    bool aligned = mop & MO_ALIGNED;
    switch (mop & MO_SIZE) {
    case MO_8:
        mips_sb(b, src, scratch, 0);
        break;
    case MO_16:
        if (aligned) {
            mips_sh(b, src, scratch, 0);
        } else {
            mips_srl(b, MIPS_AT, src, 8);
            mips_sb(b, src, scratch, 0);
            mips_sb(b, MIPS_AT, scratch, 1);
        }
        break;
    case MO_32:
        if (aligned) {
            mips_sw(b, src, scratch, 0);
        } else {
            mips_swr(b, src, scratch, 0);
            mips_swl(b, src, scratch, 3);
        }
        break;
    case MO_64:
        if (aligned) {
            mips_sd(b, src, scratch, 0);
        } else {
            mips_sdr(b, src, scratch, 0);
            mips_sdl(b, src, scratch, 7);
        }
        break;
    }
}
