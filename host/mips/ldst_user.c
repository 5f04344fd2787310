/*
 * Guest memory access for user mode: host address = guest_base + zero-extended 32-bit guest address.
 *
 * When the mode managed to place the guest at host address 0 (guest_base == 0, the usual case on
 * MIPS64 where the low 4 GiB are free) the addition disappears, and so does the zero-extension
 * while the guest stays below 2 GiB (emit_host_addr). x86 allows unaligned accesses and
 * MIPS does not, so accesses not known to be aligned use the lwl/lwr (ldl/ldr, swl/swr) pairs, which
 * handle any alignment in two instructions. 16-bit accesses are split into bytes.
 *
 * Each split access touches its highest byte first (lwl/swl/ldl/sdl, or the byte at +1), so an
 * access straddling into a faulting page faults before anything happened: no byte of a store is
 * written and no part of a load's destination register changed, as on x86. The fault handler
 * reports the x86 fault address from the instruction (ldst_user_fault_access). Left over: an
 * access straddling from a faulting page into an accessible one has its upper part done first.
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
    /* An lwl/lwr (ldl/ldr) pair writes dst before its second half reads the address. */
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
            mips_lwl(b, dst, scratch, (int16_t)(off + 3));
            mips_lwr(b, dst, scratch, off);
        }
        break;
    case MO_64:
        if (aligned) {
            mips_ld(b, dst, scratch, off);
        } else {
            mips_ldl(b, dst, scratch, (int16_t)(off + 7));
            mips_ldr(b, dst, scratch, off);
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
            mips_sb(b, MIPS_AT, scratch, (int16_t)(off + 1));
            mips_sb(b, src, scratch, off);
        }
        break;
    case MO_32:
        if (aligned) {
            mips_sw(b, src, scratch, off);
        } else {
            mips_swl(b, src, scratch, (int16_t)(off + 3));
            mips_swr(b, src, scratch, off);
        }
        break;
    case MO_64:
        if (aligned) {
            mips_sd(b, src, scratch, off);
        } else {
            mips_sdl(b, src, scratch, (int16_t)(off + 7));
            mips_sdr(b, src, scratch, off);
        }
        break;
    }
}

/*
 * The first instruction of each split access above addresses its highest byte, so when it faults the
 * guest access starts below its effective address: lwl/swl 3 bytes, ldl/sdl 7, and the `lbu/sb
 * $at, off+1(base)` of a 16-bit pair (recognised by its second half, same opcode and base at off)
 * 1. Every other faulting access starts at its effective address.
 */
struct ldst_fault_access ldst_user_fault_access(const uint32_t *insn, const uint64_t *gregs)
{
    enum { OP_LBU = 0x24, OP_SB = 0x28, OP_LWL = 0x22, OP_SWL = 0x2a, OP_LDL = 0x1a, OP_SDL = 0x2c };
    uint32_t i = insn[0];
    unsigned op = i >> 26, base = (i >> 21) & 31, rt = (i >> 16) & 31;
    int16_t imm = (int16_t)(i & 0xffff);
    struct ldst_fault_access a = { .ea = gregs[base] + (uint64_t)(int64_t)imm, .below = 0,
                                   .is_store = op == OP_SWL || op == OP_SDL || op == OP_SB };
    if (op == OP_LWL || op == OP_SWL) {
        a.below = 3;
    } else if (op == OP_LDL || op == OP_SDL) {
        a.below = 7;
    } else if ((op == OP_LBU || op == OP_SB) && rt == MIPS_AT) {
        uint32_t n = insn[1];
        if (n >> 26 == op && ((n >> 21) & 31) == base && (int16_t)(n & 0xffff) == imm - 1)
            a.below = 1;
    }
    return a;
}
