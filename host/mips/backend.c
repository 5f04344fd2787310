/*
 * The code cache, the prologue/epilogue that enter and leave translated code, and jump patching.
 *
 * The cache is one RWX mapping, 64 MiB aligned to 64 MiB so that it never straddles a 256 MiB
 * boundary: every TB can then reach every other TB and the epilogue with a plain `j` (MIPS64
 * manual, J: the target keeps the upper bits of the delay slot's address), which makes chaining a
 * single aligned word store.
 *
 * The prologue is an ordinary n64 function host_enter(env, tc): it saves the callee-saved registers,
 * loads the pinned registers from env (register map in backend.h) and jumps to tc. Translated code
 * leaves by jumping to the epilogue with the exit value in v0; the epilogue stores the pinned
 * registers back and returns v0.
 */
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "common/xqm.h"
#include "host/mips/backend.h"

enum { CODE_CACHE_BYTES = 64 << 20, FRAME_BYTES = 96 };

static uint32_t *code_start, *code_end, *code_ptr, *code_after_prologue;
static uint64_t epilogue_addr;
static uint64_t (*prologue_fn)(CPUX86State *env, void *tc);

/* The callee-saved registers the prologue keeps: everything translated code pins, plus ra. */
static const int saved_regs[] = {
    MIPS_RA, MIPS_S0, MIPS_S1, MIPS_S2, MIPS_S3, MIPS_S4, MIPS_S5, MIPS_S6, MIPS_S7, MIPS_S8, MIPS_GP,
};
enum { NSAVED = sizeof saved_regs / sizeof saved_regs[0] };
_Static_assert(NSAVED * 8 <= FRAME_BYTES, "prologue frame too small");

static void emit_pinned_transfer(struct mips_buf *b, bool load)
{
    for (int r = 0; r < 8; r++) {
        int16_t off = (int16_t)(offsetof(CPUX86State, regs) + 4 * r);
        if (load)
            mips_lw(b, hreg_guest(r), HREG_ENV, off);
        else
            mips_sw(b, hreg_guest(r), HREG_ENV, off);
    }
    static const struct { int reg; size_t off; bool wide; } cc[] = {
        { HREG_CC_RES, offsetof(CPUX86State, cc_res), true },
        { HREG_CC_SRC1, offsetof(CPUX86State, cc_src1), true },
        { HREG_CC_SRC2, offsetof(CPUX86State, cc_src2), true },
        { HREG_CC_OP, offsetof(CPUX86State, cc_op), false },
    };
    for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++) {
        if (cc[i].wide)
            (load ? mips_ld : mips_sd)(b, cc[i].reg, HREG_ENV, (int16_t)cc[i].off);
        else
            (load ? mips_lw : mips_sw)(b, cc[i].reg, HREG_ENV, (int16_t)cc[i].off);
    }
}

static void emit_prologue_epilogue(void)
{
    struct mips_buf b;
    mips_buf_init(&b, code_start, 256);

    mips_daddiu(&b, MIPS_SP, MIPS_SP, -FRAME_BYTES);
    for (int i = 0; i < NSAVED; i++)
        mips_sd(&b, saved_regs[i], MIPS_SP, (int16_t)(8 * i));
    mips_move(&b, HREG_ENV, MIPS_A0);
    /* gp = guest_base, or the jump cache when there is no base to add (ldst_jc_in_gp). */
    mips_ld(&b, HREG_GUEST_BASE, HREG_ENV, offsetof(CPUX86State, guest_base));
    mips_ld(&b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, jc));
    mips_movz(&b, HREG_GUEST_BASE, MIPS_AT, HREG_GUEST_BASE);
    emit_pinned_transfer(&b, true);
    mips_jr(&b, MIPS_A1);
    mips_nop(&b);

    epilogue_addr = (uint64_t)(uintptr_t)(code_start + b.len);
    emit_pinned_transfer(&b, false);
    for (int i = 0; i < NSAVED; i++)
        mips_ld(&b, saved_regs[i], MIPS_SP, (int16_t)(8 * i));
    mips_jr(&b, MIPS_RA);
    mips_daddiu(&b, MIPS_SP, MIPS_SP, FRAME_BYTES);

    xqm_assert(!b.overflow);
    code_after_prologue = code_start + ((b.len + 15) & ~(size_t)15);
    code_ptr = code_after_prologue;
    host_flush_icache(code_start, b.len * 4);
    prologue_fn = (uint64_t (*)(CPUX86State *, void *))(void *)code_start;
}

void host_init(void)
{
    size_t reserve = 2 * (size_t)CODE_CACHE_BYTES;
    uint8_t *p = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        xqm_fatal("cannot reserve %zu bytes for the code cache", reserve);
    uintptr_t aligned = ((uintptr_t)p + CODE_CACHE_BYTES - 1) & ~(uintptr_t)(CODE_CACHE_BYTES - 1);
    if (mprotect((void *)aligned, CODE_CACHE_BYTES, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
        xqm_fatal("cannot make the code cache executable");
    code_start = (uint32_t *)aligned;
    code_end = code_start + CODE_CACHE_BYTES / 4;
    emit_prologue_epilogue();
    /* FCSR = 0: round to nearest, no FP exception enabled, no flush to zero. Translated code's
     * inline FPU fast paths (target/i386/sse_fpinline.c) rely on it; threads inherit it, and C code
     * that changes FCSR (sse_hostfp.c) restores it. */
#ifdef __mips__
    __asm__ volatile("ctc1 $0, $31");
#endif
}

uint32_t *host_code_ptr(void) { return code_ptr; }
size_t host_code_room_words(void) { return (size_t)(code_end - code_ptr); }
uint64_t host_epilogue_addr(void) { return epilogue_addr; }

void host_code_commit(size_t words)
{
    host_flush_icache(code_ptr, words * 4);
    /* Keep TBs 16-byte aligned: cheap, and a TB's first words then share a cache line. */
    code_ptr += (words + 3) & ~(size_t)3;
}

void host_code_reset(void)
{
    code_ptr = code_after_prologue;
}

bool host_code_contains(uintptr_t pc)
{
    return pc >= (uintptr_t)code_after_prologue && pc < (uintptr_t)code_end;
}

uint64_t host_enter(CPUX86State *env, void *tc)
{
    return prologue_fn(env, tc);
}

void host_patch_jump(uint32_t *at, void *target)
{
    xqm_assert(mips_j_reachable((uint64_t)(uintptr_t)at, (uint64_t)(uintptr_t)target));
    __atomic_store_n(at, mips_encode_j((uint64_t)(uintptr_t)at, (uint64_t)(uintptr_t)target),
                     __ATOMIC_RELEASE);
    host_flush_icache(at, 4);
}

void host_flush_icache(void *start, size_t bytes)
{
    __builtin___clear_cache((char *)start, (char *)start + bytes);
}
