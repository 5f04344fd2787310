/*
 * Operands: capstone's register names mapped onto pinned host registers, effective addresses, and
 * reading/writing register or memory operands of any size.
 *
 * Partial registers: AL..BL are the low byte of EAX..EBX, AH..BH the second byte (SDM vol. 1,
 * 3.4.1.1); writes use INS, which keeps the other bits and the sign-extended form of the 32-bit
 * register (INS is a 32-bit operation on MIPS64).
 */
#include "common/xqm.h"
#include "target/i386/internal.h"

const cs_x86_op *dc_op(const DisasContext *dc, int i)
{
    return &dc->x86->operands[i];
}

int dc_op_size(const DisasContext *dc, int i)
{
    return dc->x86->operands[i].size;
}

int dc_op_log2(const DisasContext *dc, int i)
{
    switch (dc->x86->operands[i].size) {
    case 1: return 0;
    case 2: return 1;
    default: return 2;
    }
}

bool x86_gpr(unsigned r, int *gpr, int *byte_off, int *size)
{
    static const struct { uint16_t reg; uint8_t gpr, off, size; } map[] = {
        { X86_REG_EAX, R_EAX, 0, 4 }, { X86_REG_ECX, R_ECX, 0, 4 }, { X86_REG_EDX, R_EDX, 0, 4 },
        { X86_REG_EBX, R_EBX, 0, 4 }, { X86_REG_ESP, R_ESP, 0, 4 }, { X86_REG_EBP, R_EBP, 0, 4 },
        { X86_REG_ESI, R_ESI, 0, 4 }, { X86_REG_EDI, R_EDI, 0, 4 },
        { X86_REG_AX, R_EAX, 0, 2 }, { X86_REG_CX, R_ECX, 0, 2 }, { X86_REG_DX, R_EDX, 0, 2 },
        { X86_REG_BX, R_EBX, 0, 2 }, { X86_REG_SP, R_ESP, 0, 2 }, { X86_REG_BP, R_EBP, 0, 2 },
        { X86_REG_SI, R_ESI, 0, 2 }, { X86_REG_DI, R_EDI, 0, 2 },
        { X86_REG_AL, R_EAX, 0, 1 }, { X86_REG_CL, R_ECX, 0, 1 }, { X86_REG_DL, R_EDX, 0, 1 },
        { X86_REG_BL, R_EBX, 0, 1 }, { X86_REG_AH, R_EAX, 1, 1 }, { X86_REG_CH, R_ECX, 1, 1 },
        { X86_REG_DH, R_EDX, 1, 1 }, { X86_REG_BH, R_EBX, 1, 1 },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (map[i].reg == r) {
            *gpr = map[i].gpr;
            *byte_off = map[i].off;
            *size = map[i].size;
            return true;
        }
    }
    return false;
}

/* The host register holding a 32-bit address component (a 32-bit GPR or, with 16-bit addressing,
 * a 16-bit one whose upper bits the final mask removes). */
static int addr_component(unsigned r)
{
    int gpr, off, size;
    if (r == X86_REG_INVALID || !x86_gpr(r, &gpr, &off, &size) || off != 0)
        return -1;
    return hreg_guest(gpr);
}

static int seg_of_reg(unsigned r)
{
    switch (r) {
    case X86_REG_ES: return R_ES;
    case X86_REG_CS: return R_CS;
    case X86_REG_SS: return R_SS;
    case X86_REG_FS: return R_FS;
    case X86_REG_GS: return R_GS;
    default: return R_DS;
    }
}

/* The segment of a memory operand: its override, else SS for esp/ebp (bp) based addresses, else
 * DS (SDM vol. 1, 3.7.4; 16-bit [bp+si], [bp+di] and [bp+disp] are SS-relative too). */
static int mem_segment(const x86_op_mem *m)
{
    if (m->segment != X86_REG_INVALID)
        return seg_of_reg(m->segment);
    bool stack = m->base == X86_REG_ESP || m->base == X86_REG_EBP || m->base == X86_REG_SP || m->base == X86_REG_BP;
    return stack ? R_SS : R_DS;
}

void dc_access_seg(DisasContext *dc, int seg, bool addr16)
{
    dc->acc_seg = seg;
    dc->acc_addr16 = addr16;
}

static int16_t seg_field(int seg, size_t field)
{
    return (int16_t)(offsetof(CPUX86State, segs) + (size_t)seg * sizeof(struct x86_segment) + field);
}

/*
 * Not-flat TBs: the linear address of a `size`-byte access at offset addr + *off in segment
 * dc->acc_seg (the offset wrapped at 64 KiB with 16-bit addressing), after the limit check that
 * raises #GP(0), or #SS(0) for SS (SDM vol. 3, 5.3). Flat TBs get addr back untouched: no code.
 */
static int gen_linear(DisasContext *dc, int addr, int16_t *off, int size)
{
    if (!dc->not_flat || (dc->ea_linear && addr == dc->ea_reg))
        return addr;
    struct mips_buf *b = dc->b;
    int seg = dc->acc_seg < 0 ? R_DS : dc->acc_seg;
    int t = dc_temp(dc), u = dc_temp(dc);
    mips_addiu(b, t, addr, *off);
    *off = 0;
    if (dc->acc_addr16)
        mips_andi(b, t, t, 0xffff);
    int k = seg == R_SS;
    if (!dc->lim_fault_valid[k]) {
        dc->lim_fault[k] = gen_exception_label(dc, k ? EXCP_SS : EXCP_GP);
        dc->lim_fault_valid[k] = true;
    }
    mips_label fault = dc->lim_fault[k];
    /* Offsets are 32-bit values sign-extended to 64: sltu keeps their unsigned order. */
    mips_lw(b, MIPS_AT, HREG_ENV, seg_field(seg, offsetof(struct x86_segment, lim_lo)));
    mips_sltu(b, MIPS_AT, t, MIPS_AT);
    mips_bnez(b, MIPS_AT, fault);
    mips_addiu(b, u, t, (int16_t)(size > 1 ? size - 1 : 0));
    mips_lw(b, MIPS_AT, HREG_ENV, seg_field(seg, offsetof(struct x86_segment, lim_hi)));
    mips_sltu(b, MIPS_AT, MIPS_AT, u);
    mips_bnez(b, MIPS_AT, fault);
    mips_lw(b, MIPS_AT, HREG_ENV, seg_field(seg, offsetof(struct x86_segment, base)));
    mips_addu(b, t, t, MIPS_AT);
    dc_temp_free(dc, u);
    return t;
}

/*
 * Computes base + index * scale (+ an FS/GS base) into a register and leaves in *off the
 * displacement, when fold is set and it is small enough for the access's 16-bit offset field; the
 * guest address is then reg + *off. 16-bit addressing wraps at 64 KiB, so it never folds.
 */
static int gen_ea_parts(DisasContext *dc, const cs_x86_op *op, bool fold, int16_t *off, int want)
{
    struct mips_buf *b = dc->b;
    const x86_op_mem *m = &op->mem;
    int base = addr_component(m->base);
    int index = addr_component(m->index);
    int32_t disp = (int32_t)m->disp;
    bool seg_base = !dc->not_flat && (m->segment == X86_REG_FS || m->segment == X86_REG_GS);
    bool addr16 = dc->x86->addr_size == 2;
    if (dc->not_flat) {
        dc_access_seg(dc, mem_segment(m), addr16);
        dc->ea_seg = dc->acc_seg;
    }

    *off = 0;
    if (fold && !addr16 && (base >= 0 || index >= 0)) {
        /* A large displacement leaves its low half to the access's offset field too, so the
         * rest is a multiple of 64 KiB: one lui instead of lui + ori. */
        int32_t lo = (int16_t)(uint16_t)disp;
        if (disp >= -32760 && disp <= 32760) {
            *off = (int16_t)disp;
            disp = 0;
        } else if (lo >= -32760 && lo <= 32760) {
            *off = (int16_t)lo;
            disp -= lo;
        }
    }
    if (base >= 0 && index < 0 && disp == 0 && !seg_base && !addr16)
        return base;
    /* Build the address in `want` when the caller names a register that is not an input. */
    bool own = want >= 0 && want != base && want != index;
    int t = own ? want : dc_temp(dc);
    int cur = MIPS_ZERO;
    if (index >= 0) {
        int shift = m->scale == 8 ? 3 : m->scale == 4 ? 2 : m->scale == 2 ? 1 : 0;
        if (shift) {
            mips_sll(b, t, index, shift);
            cur = t;
        } else {
            cur = index;
        }
    }
    if (base >= 0) {
        if (cur == MIPS_ZERO) {
            cur = base;
        } else {
            mips_addu(b, t, cur, base);
            cur = t;
        }
    }
    if (disp != 0 || cur == MIPS_ZERO) {
        if (disp >= -32768 && disp <= 32767) {
            mips_addiu(b, t, cur, (int16_t)disp);
        } else if ((disp & 0xffff) == 0) {
            mips_lui(b, MIPS_AT, (uint16_t)((uint32_t)disp >> 16));
            mips_addu(b, t, cur, MIPS_AT);
        } else {
            mips_li32(b, MIPS_AT, (uint32_t)disp);
            mips_addu(b, t, cur, MIPS_AT);
        }
        cur = t;
    }
    if (addr16) {
        mips_andi(b, t, cur, 0xffff);
        cur = t;
    }
    if (seg_base) {
        int seg = m->segment == X86_REG_FS ? R_FS : R_GS;
        mips_lw(b, MIPS_AT, HREG_ENV, (int16_t)(offsetof(CPUX86State, segs) + seg * sizeof(struct x86_segment) +
                                                offsetof(struct x86_segment, base)));
        mips_addu(b, t, cur, MIPS_AT);
        cur = t;
    }
    if (cur != t) {
        if (!own)
            dc_temp_free(dc, t);
        return cur;
    }
    return t;
}

void gen_ea_into(DisasContext *dc, const cs_x86_op *op, int dst)
{
    int16_t off;
    int r = gen_ea_parts(dc, op, true, &off, dst);
    if (off != 0)
        mips_addiu(dc->b, dst, r, off);
    else if (r != dst)
        mips_move(dc->b, dst, r);
}

int gen_ea_linear(DisasContext *dc, const cs_x86_op *op, int size)
{
    int16_t off = 0;
    int r = gen_ea(dc, op);
    int lin = gen_linear(dc, r, &off, size);
    if (lin != r)
        dc_temp_free(dc, r);
    return lin;
}

int gen_ea(DisasContext *dc, const cs_x86_op *op)
{
    int16_t off;
    int r = gen_ea_parts(dc, op, false, &off, -1);
    if (r == addr_component(op->mem.base) || r == addr_component(op->mem.index)) {
        /* Callers may modify the result (bt's bit-string offset): hand out a copy. */
        int t = dc_temp(dc);
        mips_move(dc->b, t, r);
        return t;
    }
    return r;
}

/* Sets dc->ea_reg/ea_off/ea_mop for memory operand op, once per instruction. */
static void dc_set_mem_operand(DisasContext *dc, const cs_x86_op *op)
{
    if (dc->ea_reg < 0)
        dc->ea_reg = gen_ea_parts(dc, op, !dc->locked, &dc->ea_off, -1);
    else if (!dc->not_flat || dc->ea_linear)
        return;         /* computed before; in a not-flat TB a translator's own gen_ea is an offset */
    if (dc->not_flat) {
        /* The linear address right away: the ll/sc paths below use ea_reg directly. */
        dc_access_seg(dc, dc->ea_seg, dc->x86->addr_size == 2);
        int lin = gen_linear(dc, dc->ea_reg, &dc->ea_off, op->size ? op->size : 1);
        if (lin != dc->ea_reg && (dc->temps_used & (1u << dc->ea_reg)))
            dc_temp_free(dc, dc->ea_reg);
        dc->ea_reg = lin;
        dc->ea_linear = true;
        return;
    }
    /* Stack slots (esp/ebp based, displacement a multiple of the size) are taken as aligned. */
    int base = addr_component(op->mem.base);
    bool stack = (base == hreg_guest(R_ESP) || base == hreg_guest(R_EBP)) && op->mem.index == X86_REG_INVALID &&
                 dc->x86->addr_size != 2 && op->mem.disp % (op->size ? op->size : 1) == 0;
    dc->ea_aligned = stack;
}

/* Where the mode's access emitters write, and the TB state they may depend on (host/mips/ldst.h). */
static struct ldst_site dc_site(const DisasContext *dc)
{
    return (struct ldst_site){ dc->b, dc->tb->flags };
}

/* gen_linear for a load or store; a base added in a not-flat TB may misalign a stack slot. */
static int access_addr(DisasContext *dc, unsigned *mop, int addr, int16_t *off)
{
    if (!dc->not_flat)
        return addr;
    *mop &= ~(unsigned)MO_ALIGNED;
    return gen_linear(dc, addr, off, 1 << (*mop & MO_SIZE));
}

static void release_linear(DisasContext *dc, int lin, int addr)
{
    if (lin != addr)
        dc_temp_free(dc, lin);
}

void gen_ld_off(DisasContext *dc, unsigned mop, int dst, int addr, int16_t off)
{
    int lin = access_addr(dc, &mop, addr, &off);
    int s = dc_temp(dc);
    struct ldst_site site = dc_site(dc);
    emit_guest_load(&site, mop, dst, lin, off, s);
    dc_temp_free(dc, s);
    release_linear(dc, lin, addr);
}

void gen_st_off(DisasContext *dc, unsigned mop, int src, int addr, int16_t off)
{
    int lin = access_addr(dc, &mop, addr, &off);
    int s = dc_temp(dc);
    struct ldst_site site = dc_site(dc);
    emit_guest_store(&site, mop, src, lin, off, s);
    dc_temp_free(dc, s);
    release_linear(dc, lin, addr);
}

/*
 * One x86 access of up to 16 bytes split into 8/4/2-byte chunks, as the CPU does it: it faults on its
 * lowest inaccessible byte and then nothing of it has happened. Loads fill temporaries before env;
 * stores go highest chunk first (a split access faults on its highest byte first, ldst.h), after
 * an idempotent load/store of the lower chunks (user mode only: plain memory) makes any fault of
 * theirs come first. An aligned access stays within one page and needs no probe.
 */
static unsigned chunk_mop(int size, bool aligned)
{
    return (size == 8 ? MO_64 : size == 4 ? MO_32 : MO_16) | (aligned ? MO_ALIGNED : 0);
}

typedef void env_access_fn(struct mips_buf *, int, int, int16_t);

static env_access_fn *env_access(int size, bool store)
{
    if (store)
        return size == 8 ? mips_sd : size == 4 ? mips_sw : mips_sh;
    return size == 8 ? mips_ld : size == 4 ? mips_lw : mips_lhu;
}

/* The fxsave/fxrstor areas (hundreds of bytes): chunk by chunk, not precise on a fault. */
/*
 * Probes both ends of a span-byte operand before any of it is moved, as the reference CPU does for
 * the large FPU images: fnsave/frstor and fnstenv/fldenv check the first byte and then the last,
 * fxsave/fxrstor (last_first) the last and then the first. So a fault reports the last byte of an
 * image that reaches into a bad page (not that page's first byte), and a faulting store has
 * written nothing. Loads probe by loading; stores by writing a byte back (user mode) or by a write
 * probe of the softmmu (flat system-mode code; not-flat code is not probed).
 */
static void gen_probe_span(DisasContext *dc, int addr, int span, bool write, bool last_first)
{
    struct mips_buf *b = dc->b;
    int t = dc_temp(dc);
    const int16_t ends[2] = { last_first ? (int16_t)(span - 1) : 0, last_first ? 0 : (int16_t)(span - 1) };
    for (int i = 0; i < 2; i++) {
        if (!write) {
            gen_ld_off(dc, MO_8, t, addr, ends[i]);
        } else if (ldst_merged_access_ok()) {
            gen_ld_off(dc, MO_8, t, addr, ends[i]);
            gen_st_off(dc, MO_8, t, addr, ends[i]);
        } else if (!dc->not_flat) {
            int a = dc_temp(dc);
            mips_addiu(b, a, addr, ends[i]);
            gen_host_addr(dc, t, a);
            dc_temp_free(dc, a);
        }
    }
    dc_temp_free(dc, t);
}

void gen_env_mem_area(DisasContext *dc, int addr, int16_t env_off, int n, int span, bool to_env, bool last_first)
{
    gen_probe_span(dc, addr, span, !to_env, last_first);
    int t = dc_temp(dc);
    for (int off = 0; off < n;) {
        int size = n - off >= 8 ? 8 : n - off >= 4 ? 4 : 2;
        if (to_env)
            gen_ld_off(dc, chunk_mop(size, false), t, addr, (int16_t)off);
        env_access(size, to_env)(dc->b, t, HREG_ENV, (int16_t)(env_off + off));
        if (!to_env)
            gen_st_off(dc, chunk_mop(size, false), t, addr, (int16_t)off);
        off += size;
    }
    dc_temp_free(dc, t);
}

/*
 * System mode (no read/write-back probe: on MMIO it would be extra device accesses): a write probe
 * of the access's first byte and of the first byte it has in its last page, so that a fault is
 * raised before anything is written, with CR2 where x86 puts it (the access's start, or the first
 * byte of the page it straddles into). Flat code only: there the effective address is linear.
 */
static void gen_probe_store_pages(DisasContext *dc, int addr, int n)
{
    struct mips_buf *b = dc->b;
    int host = dc_temp(dc), last = dc_temp(dc);
    gen_host_addr(dc, host, addr);
    mips_addiu(b, last, addr, (int16_t)(n - 1));
    mips_ins(b, last, MIPS_ZERO, 0, 12);
    mips_sltu(b, host, last, addr);             /* no straddle: the first page again */
    mips_movn(b, last, addr, host);
    gen_host_addr(dc, host, last);
    dc_temp_free(dc, last);
    dc_temp_free(dc, host);
}

void gen_env_mem_copy(DisasContext *dc, int addr, int16_t env_off, int n, bool to_env, bool aligned)
{
    enum { MAX_CHUNKS = 3 };
    int off[MAX_CHUNKS], size[MAX_CHUNKS], t[MAX_CHUNKS], k = 0;
    if (n > 16) {
        gen_env_mem_area(dc, addr, env_off, n, n, to_env, false);
        return;
    }
    for (int o = 0; o < n; k++) {
        size[k] = n - o >= 8 ? 8 : n - o >= 4 ? 4 : 2;
        off[k] = o;
        o += size[k];
    }
    for (int i = 0; i < k; i++)
        t[i] = dc_temp(dc);
    for (int i = 0; i < k; i++) {
        unsigned mop = chunk_mop(size[i], aligned);
        if (to_env || (i < k - 1 && !aligned && ldst_merged_access_ok()))
            gen_ld_off(dc, mop, t[i], addr, (int16_t)off[i]);
        if (!to_env && i < k - 1 && !aligned && ldst_merged_access_ok())
            gen_st_off(dc, mop, t[i], addr, (int16_t)off[i]);
    }
    for (int i = 0; i < k; i++)
        env_access(size[i], to_env)(dc->b, t[i], HREG_ENV, (int16_t)(env_off + off[i]));
    if (!to_env && k > 1 && !aligned && !ldst_merged_access_ok() && !dc->not_flat)
        gen_probe_store_pages(dc, addr, n);
    /* Stores: highest piece first after the probe above (user mode), so a fault comes before
     * any byte is written. In system mode gen_probe_store_pages has made sure of both pages
     * (flat code); in not-flat code the lowest piece goes first: a fault in a page the access
     * straddles into is then raised by the softmmu at that page's first byte, as on x86, with
     * nothing written, but an upper piece faulting alone leaves the lower piece written. */
    bool probed = !aligned && ldst_merged_access_ok();
    for (int j = 0; j < k && !to_env; j++) {
        int i = probed ? k - 1 - j : j;
        gen_st_off(dc, chunk_mop(size[i], aligned), t[i], addr, (int16_t)off[i]);
    }
    for (int i = 0; i < k; i++)
        dc_temp_free(dc, t[i]);
}

void gen_host_addr(DisasContext *dc, int host, int addr)
{
    int16_t off = 0;
    int lin = gen_linear(dc, addr, &off, 1);
    struct ldst_site site = dc_site(dc);
    emit_guest_host_addr(&site, host, lin);
    release_linear(dc, lin, addr);
}

void gen_ld(DisasContext *dc, unsigned mop, int dst, int addr) { gen_ld_off(dc, mop, dst, addr, 0); }
void gen_st(DisasContext *dc, unsigned mop, int src, int addr) { gen_st_off(dc, mop, src, addr, 0); }

static unsigned mop_of_size(int size, int extend)
{
    unsigned mop = size == 1 ? MO_8 : size == 2 ? MO_16 : MO_32;
    if (extend < 0)
        mop |= MO_SIGN;
    return mop;
}

/*
 * Atomic read-modify-write (LOCK prefix, SDM vol. 3, 8.1.2). The load of the memory operand opens
 * an ll/sc loop and the store closes it; the translator's computation in between is plain register
 * code, so re-running it on a failed sc is harmless. ll/sc work on aligned words: bytes and aligned
 * halfwords use the containing word, and a misaligned halfword or word (an x86 "split lock") takes
 * a non-atomic path, which is exact for a single thread. `sync` on both sides gives the full barrier
 * a locked instruction is on x86.
 */
static void gen_locked_load(DisasContext *dc, int size, int extend, int dst)
{
    struct mips_buf *b = dc->b;
    int host = dc_temp(dc);
    int mis = MIPS_ZERO, shift = MIPS_ZERO, raw = MIPS_ZERO;
    mips_label fast = mips_new_label(b), join = mips_new_label(b);
    struct ldst_site site = dc_site(dc);
    emit_guest_host_addr(&site, host, dc->ea_reg);
    mips_sync(b);
    if (size > 1) {
        mis = dc_temp(dc);
        mips_andi(b, mis, host, (uint16_t)(size - 1));
        mips_beqz(b, mis, fast);
        mips_nop(b);
        emit_guest_load(&site, size == 2 ? MO_16 : MO_32, dst, dc->ea_reg, 0, host);
        mips_b(b, join);
        mips_nop(b);
    }
    mips_bind_label(b, fast);
    if (size == 4) {
        dc->lk_retry = mips_new_label(b);
        mips_bind_label(b, dc->lk_retry);
        mips_ll(b, dst, host, 0);
    } else {
        /* host becomes the containing aligned word's address. */
        shift = dc_temp(dc);
        raw = dc_temp(dc);
        mips_andi(b, shift, host, 3);
        mips_sll(b, shift, shift, 3);
        mips_dins(b, host, MIPS_ZERO, 0, 2);
        dc->lk_retry = mips_new_label(b);
        mips_bind_label(b, dc->lk_retry);
        mips_ll(b, raw, host, 0);
        mips_srlv(b, dst, raw, shift);
    }
    mips_bind_label(b, join);
    if (size < 4) {
        if (extend > 0)
            mips_andi(b, dst, dst, size == 1 ? 0xff : 0xffff);
        else if (extend < 0)
            (size == 1 ? mips_seb : mips_seh)(b, dst, dst);
    }
    dc->lk_host = host;
    dc->lk_mis = mis;
    dc->lk_shift = shift;
    dc->lk_raw = raw;
    dc->lk_size = size;
}

static void gen_locked_store(DisasContext *dc, int value)
{
    struct mips_buf *b = dc->b;
    int size = dc->lk_size;
    mips_label slow = mips_new_label(b), done = mips_new_label(b);
    if (size > 1) {
        mips_bnez(b, dc->lk_mis, slow);
        mips_nop(b);
    }
    int t = dc_temp(dc);
    if (size == 4) {
        mips_move(b, t, value);
        mips_sc(b, t, dc->lk_host, 0);
    } else {
        int m = dc_temp(dc);
        mips_andi(b, t, value, size == 1 ? 0xff : 0xffff);
        mips_sllv(b, t, t, dc->lk_shift);
        mips_ori(b, m, MIPS_ZERO, size == 1 ? 0xff : 0xffff);
        mips_sllv(b, m, m, dc->lk_shift);
        mips_nor(b, m, m, MIPS_ZERO);
        mips_and(b, m, m, dc->lk_raw);
        mips_or(b, t, t, m);
        mips_sc(b, t, dc->lk_host, 0);
        dc_temp_free(dc, m);
    }
    mips_beqz(b, t, dc->lk_retry);
    mips_nop(b);
    if (size > 1) {
        mips_b(b, done);
        mips_nop(b);
        mips_bind_label(b, slow);
        struct ldst_site site = dc_site(dc);
        emit_guest_store(&site, size == 2 ? MO_16 : MO_32, value, dc->ea_reg, 0, t);
    }
    mips_bind_label(b, done);
    mips_sync(b);
    dc_temp_free(dc, t);
}

int gen_load_op(DisasContext *dc, int i, int extend)
{
    struct mips_buf *b = dc->b;
    const cs_x86_op *op = dc_op(dc, i);
    int size = op->size;
    switch (op->type) {
    case X86_OP_REG: {
        int gpr, off, rsize;
        if (!x86_gpr(op->reg, &gpr, &off, &rsize))
            return -1;
        int h = hreg_guest(gpr);
        if (rsize == 4 || (off == 0 && extend == 0))
            return h;       /* callers never modify a returned register in place */
        int t = dc_temp(dc);
        if (off) {
            if (extend < 0) {
                mips_sll(b, t, h, 16);
                mips_sra(b, t, t, 24);
            } else {
                mips_ext(b, t, h, 8, 8);
            }
        } else if (extend > 0) {
            mips_andi(b, t, h, rsize == 1 ? 0xff : 0xffff);
        } else {
            (rsize == 1 ? mips_seb : mips_seh)(b, t, h);
        }
        return t;
    }
    case X86_OP_IMM: {
        int64_t v = op->imm;
        if (size == 1)
            v = extend < 0 ? (int8_t)v : extend > 0 ? (uint8_t)v : (int8_t)v;
        else if (size == 2)
            v = extend < 0 ? (int16_t)v : extend > 0 ? (uint16_t)v : (int16_t)v;
        else
            v = (int32_t)v;
        if (v == 0)
            return MIPS_ZERO;
        int t = dc_temp(dc);
        mips_li(b, t, v);
        return t;
    }
    case X86_OP_MEM: {
        dc_set_mem_operand(dc, op);
        dc_access_seg(dc, dc->ea_seg, dc->x86->addr_size == 2);
        int t = dc_temp(dc);
        if (dc->locked && i == 0 && size <= 4)
            gen_locked_load(dc, size, extend, t);
        else if (dc->locked && i == 1 && size <= 4 && dc_op(dc, 0)->type != X86_OP_MEM)
            gen_locked_load(dc, size, extend, t);        /* xchg reg, mem */
        else
            gen_ld_off(dc, mop_of_size(size, extend) | (dc->ea_aligned ? MO_ALIGNED : 0), t, dc->ea_reg, dc->ea_off);
        return t;
    }
    default:
        return -1;
    }
}

int gen_load_op_into(DisasContext *dc, int i, int dst)
{
    const cs_x86_op *op = dc_op(dc, i);
    xqm_assert(op->type == X86_OP_MEM && op->size == 4 && !dc->locked);
    dc_set_mem_operand(dc, op);
    dc_access_seg(dc, dc->ea_seg, dc->x86->addr_size == 2);
    gen_ld_off(dc, MO_32 | (dc->ea_aligned ? MO_ALIGNED : 0), dst, dc->ea_reg, dc->ea_off);
    return dst;
}

void gen_load_narrow_into(DisasContext *dc, int i, int dst, int extend)
{
    const cs_x86_op *op = dc_op(dc, i);
    xqm_assert(op->type == X86_OP_MEM && (op->size == 1 || op->size == 2) && !dc->locked && extend != 0);
    dc_set_mem_operand(dc, op);
    gen_ld_off(dc, mop_of_size(op->size, extend) | (dc->ea_aligned ? MO_ALIGNED : 0), dst, dc->ea_reg, dc->ea_off);
}

void gen_write_gpr(DisasContext *dc, int gpr, int byte_off, int size, int value)
{
    struct mips_buf *b = dc->b;
    int h = hreg_guest(gpr);
    if (size == 4) {
        if (value != h)
            mips_move(b, h, value);
    } else {
        mips_ins(b, h, value, byte_off * 8, size * 8);
    }
}

void gen_store_op(DisasContext *dc, int i, int value)
{
    const cs_x86_op *op = dc_op(dc, i);
    if (op->type == X86_OP_REG) {
        int gpr, off, size;
        xqm_assert(x86_gpr(op->reg, &gpr, &off, &size));
        gen_write_gpr(dc, gpr, off, size, value);
    } else {
        xqm_assert(op->type == X86_OP_MEM);
        dc_set_mem_operand(dc, op);
        dc_access_seg(dc, dc->ea_seg, dc->x86->addr_size == 2);
        if (dc->locked)
            gen_locked_store(dc, value);
        else
            gen_st_off(dc, mop_of_size(op->size, 0) | (dc->ea_aligned ? MO_ALIGNED : 0), value, dc->ea_reg, dc->ea_off);
    }
}

void dc_stack_access(DisasContext *dc)
{
    dc_access_seg(dc, R_SS, dc->ss16);
}

void gen_sp_add(DisasContext *dc, int32_t delta)
{
    struct mips_buf *b = dc->b;
    int esp = hreg_guest(R_ESP);
    int dst = dc->ss16 ? MIPS_AT : esp;
    if (delta >= -32768 && delta <= 32767) {
        mips_addiu(b, dst, esp, (int16_t)delta);
    } else {
        mips_li32(b, MIPS_AT, (uint32_t)delta);
        mips_addu(b, dst, esp, MIPS_AT);
    }
    if (dc->ss16)
        mips_ins(b, esp, MIPS_AT, 0, 16);       /* SP moves, the top of ESP stays (SDM vol. 1, 6.2.3) */
}

void gen_push(DisasContext *dc, int value, int size)
{
    int esp = hreg_guest(R_ESP);
    /* Store below esp through the folded offset, then move esp: a faulting push changes nothing. */
    dc_stack_access(dc);
    gen_st_off(dc, (size == 2 ? MO_16 : MO_32) | MO_ALIGNED, value, esp, (int16_t)-size);
    gen_sp_add(dc, -size);
}
