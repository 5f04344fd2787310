/*
 * Guest memory access for user mode: host address = guest_base + zero-extended 32-bit guest address.
 *
 * When the mode managed to place the guest at host address 0 (guest_base == 0, the usual case on
 * MIPS64 where the low 4 GiB are free) the addition disappears, and so does the zero-extension
 * while the guest stays below 2 GiB (emit_host_addr). x86 allows unaligned accesses and
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
/*
 * The register holding the host address of the guest address in `addr` (plus the caller's small
 * offset): `addr` itself when guest_base is 0 and zero-extension is off, else scratch.
 *
 * Without zero-extension the host address is the sign-extended 32-bit value plus the offset. For
 * every guest address below 2 GiB that is the exact host address (addresses that wrap past 4 GiB
 * come out right too: sign extension already subtracted 2^32). Any other guest address A yields
 * either A itself or A - 2^32, a negative host address that always faults (kernel space). Linux-
 * user keeps the guest's mappings below 2 GiB, and when a guest does touch a mapped page above,
 * the fault handler sets guest_addr_zext, which linux-user puts into every later TB's flags
 * (LDST_TB_FLAG_ADDR_ZEXT), and retranslates the TB (linux-user/signal.c).
 */
static int emit_host_addr(const struct ldst_site *site, int scratch, int addr)
{
    struct mips_buf *b = site->b;
    if (guest_base == 0 && !(site->tb_flags & LDST_TB_FLAG_ADDR_ZEXT))
        return addr;
    mips_dext(b, scratch, addr, 0, 32);
    if (guest_base != 0)
        mips_daddu(b, scratch, scratch, HREG_GUEST_BASE);
    return scratch;
}

bool ldst_merged_access_ok(void)
{
    return true;
}

bool ldst_jc_in_gp(void)
{
    return guest_base == 0;
}

void emit_guest_host_addr(const struct ldst_site *site, int host, int addr)
{
    int r = emit_host_addr(site, host, addr);
    if (r != host)
        mips_move(site->b, host, r);
}

void emit_guest_load(const struct ldst_site *site, unsigned mop, int dst, int addr, int16_t off, int scratch)
{
    struct mips_buf *b = site->b;
    bool aligned = mop & MO_ALIGNED;
    int host = emit_host_addr(site, scratch, addr);
    /* An lwr/lwl (ldr/ldl) pair writes dst before its second half reads the address. */
    if (host == dst && !aligned && (mop & MO_SIZE) >= MO_32) {
        mips_move(b, scratch, addr);
        host = scratch;
    }
    scratch = host;
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
    scratch = emit_host_addr(site, scratch, addr);
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
