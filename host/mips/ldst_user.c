/*
 * Guest memory access for user mode: host address = guest_base + zero-extended 32-bit guest address.
 *
 * When the mode managed to place the guest at host address 0 (guest_base == 0, the usual case on
 * MIPS64 where the low 4 GiB are free) the addition disappears. x86 allows unaligned accesses and
 * MIPS does not, so accesses not known to be aligned use the lwr/lwl (ldr/ldl, swr/swl) pairs, which
 * handle any alignment in two instructions. 16-bit accesses are split into bytes.
 *
 * MO_ALIGNED accesses (the translator's guess for stack slots) use plain lw/sw: x86 stacks are
 * 4-byte aligned in practice, and if one is not, the Linux MIPS kernel's unaligned-access handler
 * (and qemu-mips64el) still performs the access correctly, only slower.
 */
#include "host/mips/backend.h"
#include "host/mips/ldst.h"

uint64_t guest_base;

static void emit_host_addr(struct mips_buf *b, int host, int addr)
{
    mips_dext(b, host, addr, 0, 32);
    if (guest_base != 0)
        mips_daddu(b, host, host, HREG_GUEST_BASE);
}

void emit_guest_host_addr(const struct ldst_site *site, int host, int addr)
{
    emit_host_addr(site->b, host, addr);
}

void emit_guest_load(const struct ldst_site *site, unsigned mop, int dst, int addr, int16_t off, int scratch)
{
    struct mips_buf *b = site->b;
    emit_host_addr(b, scratch, addr);
    bool aligned = mop & MO_ALIGNED;
    switch (mop & MO_SIZE) {
    case MO_8:
        (mop & MO_SIGN ? mips_lb : mips_lbu)(b, dst, scratch, off);
        break;
    case MO_16:
        if (aligned) {
            (mop & MO_SIGN ? mips_lh : mips_lhu)(b, dst, scratch, off);
        } else {
            mips_lbu(b, MIPS_AT, scratch, (int16_t)(off + 1));
            mips_lbu(b, dst, scratch, off);
            mips_ins(b, dst, MIPS_AT, 8, 8);
            if (mop & MO_SIGN)
                mips_seh(b, dst, dst);
        }
        break;
    case MO_32:
        if (aligned) {
            mips_lw(b, dst, scratch, off);
        } else {
            /* lwl loads the byte holding bit 31 and so sign-extends the whole result. */
            mips_lwr(b, dst, scratch, off);
            mips_lwl(b, dst, scratch, (int16_t)(off + 3));
        }
        break;
    case MO_64:
        if (aligned) {
            mips_ld(b, dst, scratch, off);
        } else {
            mips_ldr(b, dst, scratch, off);
            mips_ldl(b, dst, scratch, (int16_t)(off + 7));
        }
        break;
    }
}

void emit_guest_store(const struct ldst_site *site, unsigned mop, int src, int addr, int16_t off, int scratch)
{
    struct mips_buf *b = site->b;
    emit_host_addr(b, scratch, addr);
    bool aligned = mop & MO_ALIGNED;
    switch (mop & MO_SIZE) {
    case MO_8:
        mips_sb(b, src, scratch, off);
        break;
    case MO_16:
        if (aligned) {
            mips_sh(b, src, scratch, off);
        } else {
            mips_srl(b, MIPS_AT, src, 8);
            mips_sb(b, src, scratch, off);
            mips_sb(b, MIPS_AT, scratch, (int16_t)(off + 1));
        }
        break;
    case MO_32:
        if (aligned) {
            mips_sw(b, src, scratch, off);
        } else {
            mips_swr(b, src, scratch, off);
            mips_swl(b, src, scratch, (int16_t)(off + 3));
        }
        break;
    case MO_64:
        if (aligned) {
            mips_sd(b, src, scratch, off);
        } else {
            mips_sdr(b, src, scratch, off);
            mips_sdl(b, src, scratch, (int16_t)(off + 7));
        }
        break;
    }
}
