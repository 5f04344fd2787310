/*
 * Guest memory access for system mode: the softmmu fast path emitted inline, and the slow-path
 * thunks it calls (linked into xqm-system only; ldst_user.c is the user-mode twin).
 *
 * Fast path for an access of `size` bytes at a = addr + off (registers: gp and ra are free in
 * system mode, at is the emitter scratch, `scratch` comes from the translator):
 *
 *     [addiu ra, addr, off]            a = ra, or addr itself when off == 0
 *     srl    gp, a, 8                  entry = env + TLB_OFF + ((a >> 12) & (TLB_SIZE-1)) * 16
 *     andi   gp, gp, (TLB_SIZE-1) << 4
 *     daddu  gp, gp, env
 *     lw     scratch, TLB_OFF+tag(gp)  tag: sign-extended page address, low bits = reasons to go slow
 *     addiu  at, a, size-1             the page of the access's LAST byte...
 *     ins    at, zero, 0, 12
 *     beq    at, scratch, hit          ...must equal the tag of the FIRST byte's entry: an access that
 *     ld     gp, TLB_OFF+addend(gp)    crosses a page, or any flag in the tag, misses
 *     move   at, a                     slow path: thunk(at = vaddr), returns the value in at
 *     ld     gp, THUNK_OFF(env)
 *     jalr   gp
 *     nop | sd src, STORE_VALUE(env)   (stores: the value travels through env)
 *     b      done
 *     move dst, at | nop
 *   hit:
 *     daddu  gp, gp, a                 host address = sext32(a) + addend
 *     <load/store through gp>
 *   done:
 *
 * The slow path sits inline so that the return address of the thunk call lies inside the guest
 * instruction's host code: the C helper maps it back to the guest eip (tb_restore_state) when the
 * access faults. A thunk saves every caller-saved register the translator may hold (into
 * env->spill, by register number), calls the helper, and either returns or, on a fault, leaves the
 * TB through the epilogue with EXCP_PF (system/softmmu.h describes the helper side).
 */
#include <string.h>
#include <sys/mman.h>

#include "common/xqm.h"
#include "host/mips/backend.h"
#include "host/mips/ldst.h"
#include "system/softmmu.h"
#include "target/i386/sys.h"

/* gp holds no guest_base in system mode, and translated code never uses ra: both are scratch. */
enum { HTMP = MIPS_GP, HADDR = MIPS_RA };

uint64_t guest_base;
uint64_t softmmu_thunk_addr[THUNK_COUNT];

_Static_assert(offsetof(X86SysCPU, env) - offsetof(X86SysCPU, fast.thunk) <= 32768,
               "the TLB and thunk slots must be reachable below env with 16-bit offsets");

/* Loads or stores `reg` through the host address in base (offset 0), as ldst_user.c does. */
static void emit_host_access(struct mips_buf *b, unsigned mop, bool load, int reg, int base)
{
    bool aligned = mop & MO_ALIGNED;
    switch (mop & MO_SIZE) {
    case MO_8:
        if (load)
            (mop & MO_SIGN ? mips_lb : mips_lbu)(b, reg, base, 0);
        else
            mips_sb(b, reg, base, 0);
        break;
    case MO_16:
        if (aligned) {
            if (load)
                (mop & MO_SIGN ? mips_lh : mips_lhu)(b, reg, base, 0);
            else
                mips_sh(b, reg, base, 0);
        } else if (load) {
            mips_lbu(b, MIPS_AT, base, 1);
            mips_lbu(b, reg, base, 0);
            mips_ins(b, reg, MIPS_AT, 8, 8);
            if (mop & MO_SIGN)
                mips_seh(b, reg, reg);
        } else {
            mips_srl(b, MIPS_AT, reg, 8);
            mips_sb(b, reg, base, 0);
            mips_sb(b, MIPS_AT, base, 1);
        }
        break;
    case MO_32:
        if (aligned) {
            (load ? mips_lw : mips_sw)(b, reg, base, 0);
        } else if (load) {
            mips_lwr(b, reg, base, 0);
            mips_lwl(b, reg, base, 3);
        } else {
            mips_swr(b, reg, base, 0);
            mips_swl(b, reg, base, 3);
        }
        break;
    default:
        if (aligned) {
            (load ? mips_ld : mips_sd)(b, reg, base, 0);
        } else if (load) {
            mips_ldr(b, reg, base, 0);
            mips_ldl(b, reg, base, 7);
        } else {
            mips_sdr(b, reg, base, 0);
            mips_sdl(b, reg, base, 7);
        }
        break;
    }
}

/* Host words emit_host_access emits, so that the branches around it need no labels (a TB may
 * hold hundreds of accesses, more than a buffer's label table). */
static int host_access_words(unsigned mop, bool load)
{
    if ((mop & MO_SIZE) == MO_8 || (mop & MO_ALIGNED))
        return 1;
    if ((mop & MO_SIZE) == MO_16)
        return load && (mop & MO_SIGN) ? 4 : 3;
    return 2;
}

/* The TLB probe; ends with a beq to the hit path, skip_words after its delay slot. On a hit HTMP
 * holds the entry's addend. */
static void emit_probe(struct mips_buf *b, int mmu_idx, bool write, int size, int a, int scratch, int skip_words)
{
    int base = sys_tlb_offset(mmu_idx);
    int tag = base + (int)(write ? offsetof(struct tlb_entry, tag_write) : offsetof(struct tlb_entry, tag_read));
    mips_srl(b, HTMP, a, 12 - 4);
    mips_andi(b, HTMP, HTMP, (TLB_SIZE - 1) << 4);
    mips_daddu(b, HTMP, HTMP, HREG_ENV);
    mips_lw(b, scratch, HTMP, (int16_t)tag);
    mips_addiu(b, MIPS_AT, a, (int16_t)(size - 1));
    mips_ins(b, MIPS_AT, MIPS_ZERO, 0, 12);
    emit_i(b, OPC_BEQ, MIPS_AT, scratch, (uint16_t)(skip_words + 1));
    mips_ld(b, HTMP, HTMP, (int16_t)(base + (int)offsetof(struct tlb_entry, addend)));
}

static int load_thunk(unsigned mop)
{
    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_8: return THUNK_LD8U;
    case MO_8 | MO_SIGN: return THUNK_LD8S;
    case MO_16: return THUNK_LD16U;
    case MO_16 | MO_SIGN: return THUNK_LD16S;
    case MO_32:
    case MO_32 | MO_SIGN: return THUNK_LD32;
    default: return THUNK_LD64;
    }
}

/*
 * The miss path: calls the thunk with at = the guest address in a (4 words with the delay slot,
 * whose instruction the caller emits next), then the caller's 2-word branch over the hit path.
 */
enum { MISS_WORDS = 6 };

static void emit_thunk_call(struct mips_buf *b, int thunk, int a)
{
    mips_move(b, MIPS_AT, a);
    mips_ld(b, HTMP, HREG_ENV, (int16_t)sys_thunk_offset(thunk));
    mips_jalr(b, HTMP);
}

/* Branch over the hit path of hit_words words (its delay-slot word is emitted next). */
static void emit_skip(struct mips_buf *b, int hit_words)
{
    emit_i(b, OPC_BEQ, MIPS_ZERO, MIPS_ZERO, (uint16_t)(hit_words + 1));
}

static int address_of(struct mips_buf *b, int addr, int16_t off)
{
    if (off == 0)
        return addr;
    mips_addiu(b, HADDR, addr, off);
    return HADDR;
}

void emit_guest_load(const struct ldst_site *site, unsigned mop, int dst, int addr, int16_t off, int scratch)
{
    struct mips_buf *b = site->b;
    int size = 1 << (mop & MO_SIZE);
    int hit_words = 1 + host_access_words(mop, true);
    int a = address_of(b, addr, off);
    emit_probe(b, sys_tb_flags_mmu_idx(site->tb_flags), false, size, a, scratch, MISS_WORDS);
    size_t miss = b->len;
    emit_thunk_call(b, load_thunk(mop), a);
    mips_nop(b);
    emit_skip(b, hit_words);
    mips_move(b, dst, MIPS_AT);
    size_t hit = b->len;
    mips_daddu(b, HTMP, HTMP, a);
    emit_host_access(b, mop, true, dst, HTMP);
    xqm_assert(b->overflow || (hit - miss == MISS_WORDS && b->len - hit == (size_t)hit_words));
}

void emit_guest_store(const struct ldst_site *site, unsigned mop, int src, int addr, int16_t off, int scratch)
{
    static const int thunks[4] = { THUNK_ST8, THUNK_ST16, THUNK_ST32, THUNK_ST64 };
    struct mips_buf *b = site->b;
    int size = 1 << (mop & MO_SIZE);
    int hit_words = 1 + host_access_words(mop, false);
    int a = address_of(b, addr, off);
    emit_probe(b, sys_tb_flags_mmu_idx(site->tb_flags), true, size, a, scratch, MISS_WORDS);
    size_t miss = b->len;
    emit_thunk_call(b, thunks[mop & MO_SIZE], a);
    mips_sd(b, src, HREG_ENV, (int16_t)sys_store_value_offset());
    emit_skip(b, hit_words);
    mips_nop(b);
    size_t hit = b->len;
    mips_daddu(b, HTMP, HTMP, a);
    emit_host_access(b, mop, false, src, HTMP);
    xqm_assert(b->overflow || (hit - miss == MISS_WORDS && b->len - hit == (size_t)hit_words));
}

bool ldst_merged_access_ok(void)
{
    return false;
}

bool ldst_jc_in_gp(void)
{
    return false;
}

void emit_guest_host_addr(const struct ldst_site *site, int host, int addr)
{
    struct mips_buf *b = site->b;
    emit_probe(b, sys_tb_flags_mmu_idx(site->tb_flags), true, 1, addr, host, MISS_WORDS);
    emit_thunk_call(b, THUNK_PROBE_WRITE, addr);
    mips_nop(b);
    emit_skip(b, 1);
    mips_move(b, host, MIPS_AT);
    mips_daddu(b, host, HTMP, addr);
}

/* --- the thunks --- */

/* Caller-saved registers translated code may hold: temporaries and the lazy-flags registers. */
static const int thunk_saved[] = {
    MIPS_V0, MIPS_V1, MIPS_A0, MIPS_A1, MIPS_A2, MIPS_A3, MIPS_A4, MIPS_A5, MIPS_A6, MIPS_A7,
    MIPS_T0, MIPS_T1, MIPS_T2, MIPS_T3, MIPS_T8, MIPS_T9,
};
enum { NSAVED = sizeof thunk_saved / sizeof thunk_saved[0] };

static int16_t spill_slot(int reg)
{
    return (int16_t)(offsetof(CPUX86State, spill) + 8 * (size_t)reg);
}

static void emit_thunk(struct mips_buf *b, void *helper, unsigned mop)
{
    mips_label fault = mips_new_label(b);
    for (int i = 0; i < NSAVED; i++)
        mips_sd(b, thunk_saved[i], HREG_ENV, spill_slot(thunk_saved[i]));
    mips_sd(b, MIPS_RA, HREG_ENV, spill_slot(MIPS_RA));
    mips_move(b, MIPS_A1, MIPS_AT);
    mips_move(b, MIPS_A2, MIPS_RA);
    mips_li(b, MIPS_A3, mop);
    mips_li(b, MIPS_T9, (int64_t)(uintptr_t)helper);
    mips_jalr(b, MIPS_T9);
    mips_move(b, MIPS_A0, HREG_ENV);
    mips_ld(b, MIPS_RA, HREG_ENV, spill_slot(MIPS_RA));
    mips_bnez(b, MIPS_V1, fault);
    mips_move(b, MIPS_AT, MIPS_V0);
    for (int i = 0; i < NSAVED; i++)
        mips_ld(b, thunk_saved[i], HREG_ENV, spill_slot(thunk_saved[i]));
    mips_jr(b, MIPS_RA);
    mips_nop(b);

    /* The helper set eip, cc_op, CR2, the error code and EXCP_PF. The lazy-flag registers go back
     * as they were (cc_op as the helper restored it) and the epilogue stores them into env. */
    mips_bind_label(b, fault);
    mips_ld(b, HREG_CC_RES, HREG_ENV, spill_slot(HREG_CC_RES));
    mips_ld(b, HREG_CC_SRC1, HREG_ENV, spill_slot(HREG_CC_SRC1));
    mips_ld(b, HREG_CC_SRC2, HREG_ENV, spill_slot(HREG_CC_SRC2));
    mips_lw(b, HREG_CC_OP, HREG_ENV, offsetof(CPUX86State, cc_op));
    mips_li(b, MIPS_AT, (int64_t)host_epilogue_addr());
    mips_jr(b, MIPS_AT);
    mips_li(b, MIPS_V0, HOST_EXIT_NOCHAIN);
}

void softmmu_thunks_init(void)
{
    enum { BYTES = 16384 };
    uint32_t *code = mmap(NULL, BYTES, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        xqm_fatal("cannot map the softmmu thunks");
    static struct mips_buf b;
    mips_buf_init(&b, code, BYTES / 4);
    static const struct { int thunk; void *helper; unsigned mop; } kinds[] = {
        { THUNK_LD8U, (void *)helper_softmmu_load, MO_8 },
        { THUNK_LD8S, (void *)helper_softmmu_load, MO_8 | MO_SIGN },
        { THUNK_LD16U, (void *)helper_softmmu_load, MO_16 },
        { THUNK_LD16S, (void *)helper_softmmu_load, MO_16 | MO_SIGN },
        { THUNK_LD32, (void *)helper_softmmu_load, MO_32 },
        { THUNK_LD64, (void *)helper_softmmu_load, MO_64 },
        { THUNK_ST8, (void *)helper_softmmu_store, MO_8 },
        { THUNK_ST16, (void *)helper_softmmu_store, MO_16 },
        { THUNK_ST32, (void *)helper_softmmu_store, MO_32 },
        { THUNK_ST64, (void *)helper_softmmu_store, MO_64 },
        { THUNK_PROBE_WRITE, (void *)helper_softmmu_probe_write, MO_8 },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        softmmu_thunk_addr[kinds[i].thunk] = (uint64_t)(uintptr_t)(b.words + b.len);
        emit_thunk(&b, kinds[i].helper, kinds[i].mop);
    }
    xqm_assert(!b.overflow && mips_labels_resolved(&b));
    host_flush_icache(code, b.len * 4);
}
