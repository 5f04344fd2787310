/*
 * Exchange-and-compare instructions: xadd, cmpxchg, cmpxchg8b.
 *
 * The memory forms always write their destination, as the hardware does (cmpxchg writes back the
 * old value when the comparison fails, SDM vol. 2, CMPXCHG). Atomicity across guest threads (LOCK)
 * needs ll/sc sequences and comes with multi-threaded user mode; with one guest thread these
 * sequences are already exact.
 */
#include "target/i386/internal.h"

bool x86_translate_xadd(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    int d = gen_load_op(dc, 0, 0);
    int s = gen_load_op(dc, 1, 0);
    if (d < 0 || s < 0)
        return false;
    int sum = dc_temp(dc), old = dc_temp(dc);
    mips_addu(b, sum, d, s);
    mips_move(b, old, d);
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        gen_store_op(dc, 0, sum);
    flags_set(dc, CC_ALL, CC_OP(CC_KIND_ADD, size), sum, old, s);
    /* Source first: with `xadd %eax, %eax` the destination write must win. */
    gen_store_op(dc, 1, old);
    if (dc_op(dc, 0)->type == X86_OP_REG)
        gen_store_op(dc, 0, sum);
    return true;
}

bool x86_translate_cmpxchg(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    int size = dc_op_log2(dc, 0);
    int d = gen_load_op(dc, 0, 0);
    int s = gen_load_op(dc, 1, 0);
    if (d < 0 || s < 0)
        return false;
    int acc = dc_temp(dc), eq = dc_temp(dc), newv = dc_temp(dc), old = dc_temp(dc);
    int eax = hreg_guest(R_EAX);
    mips_move(b, old, d);
    mips_move(b, acc, eax);
    mips_subu(b, eq, acc, old);
    if (size < 2)
        mips_andi(b, eq, eq, size == 0 ? 0xff : 0xffff);
    /* newv = equal ? src : old */
    mips_move(b, newv, old);
    mips_movz(b, newv, s, eq);
    if (dc_op(dc, 0)->type == X86_OP_MEM)
        gen_store_op(dc, 0, newv);
    int diff = dc_temp(dc);
    mips_subu(b, diff, acc, old);
    flags_set(dc, CC_ALL, CC_OP(CC_KIND_SUB, size), diff, acc, old);
    if (dc_op(dc, 0)->type == X86_OP_REG)
        gen_store_op(dc, 0, newv);
    /* On failure the accumulator receives the old value (after the destination write, so that
     * `cmpxchg %eax, %eax`-like forms end as on hardware). */
    if (size == 2) {
        mips_movn(b, eax, old, eq);
    } else {
        int m = dc_temp(dc);
        mips_move(b, m, eax);
        mips_ins(b, m, old, 0, size == 0 ? 8 : 16);
        mips_movn(b, eax, m, eq);
    }
    return true;
}

/* ne = (m != edx:eax), newv = ne ? m : ecx:ebx (register code only: it sits inside ll/sc loops). */
static void cmpxchg8b_compute(struct mips_buf *b, int m, int cmp, int newv, int ne)
{
    mips_dsll(b, cmp, hreg_guest(R_EDX), 32);
    mips_dext(b, MIPS_AT, hreg_guest(R_EAX), 0, 32);
    mips_or(b, cmp, cmp, MIPS_AT);
    mips_xor(b, ne, cmp, m);
    mips_dsll(b, newv, hreg_guest(R_ECX), 32);
    mips_dext(b, MIPS_AT, hreg_guest(R_EBX), 0, 32);
    mips_or(b, newv, newv, MIPS_AT);
    mips_movn(b, newv, m, ne);
}

/* cmpxchg8b m64: if edx:eax == m64 then ZF = 1, m64 = ecx:ebx else ZF = 0, edx:eax = m64. Only ZF
 * changes. With LOCK and an 8-byte-aligned operand it is an lld/scd loop; a misaligned locked
 * operand (a split lock) takes the plain path, exact for one thread. */
bool x86_translate_cmpxchg8b(DisasContext *dc)
{
    struct mips_buf *b = dc->b;
    if (dc_op(dc, 0)->type != X86_OP_MEM)
        return false;
    int ea = gen_ea(dc, dc_op(dc, 0));
    int m = dc_temp(dc), cmp = dc_temp(dc), newv = dc_temp(dc), ne = dc_temp(dc);
    mips_label plain = mips_new_label(b), done = mips_new_label(b);
    if (dc->locked) {
        int host = dc_temp(dc);
        mips_label retry = mips_new_label(b);
        gen_host_addr(dc, host, ea);
        mips_andi(b, MIPS_AT, host, 7);
        mips_bnez(b, MIPS_AT, plain);
        mips_sync(b);                       /* delay slot: harmless on the plain path too */
        mips_bind_label(b, retry);
        mips_lld(b, m, host, 0);
        cmpxchg8b_compute(b, m, cmp, newv, ne);
        mips_scd(b, newv, host, 0);
        mips_beqz(b, newv, retry);
        mips_nop(b);
        mips_sync(b);
        /* newv was consumed by scd; the flags and registers below need only m and ne. */
        mips_b(b, done);
        mips_nop(b);
    }
    mips_bind_label(b, plain);
    gen_ld(dc, MO_64, m, ea);
    cmpxchg8b_compute(b, m, cmp, newv, ne);
    gen_st(dc, MO_64, newv, ea);
    mips_bind_label(b, done);
    if (flags_needed(dc, CC_ALL)) {
        int f = dc_temp(dc), z = dc_temp(dc);
        flags_materialize(dc, f);
        mips_sltiu(b, z, ne, 1);
        mips_ins(b, f, z, 6, 1);
        flags_set(dc, CC_ALL, CC_OP_EFLAGS, MIPS_ZERO, f, MIPS_ZERO);
    }
    int lo = dc_temp(dc), hi = dc_temp(dc);
    mips_sll(b, lo, m, 0);
    mips_dsra(b, hi, m, 32);
    mips_movn(b, hreg_guest(R_EAX), lo, ne);
    mips_movn(b, hreg_guest(R_EDX), hi, ne);
    return true;
}
