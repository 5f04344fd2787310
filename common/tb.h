/*
 * Translation blocks and their cache: a per-CPU jump cache in front of a global hash table, direct
 * chaining between TBs, invalidation by guest page, and the exec loop's view of a TB.
 *
 * Invariants:
 * - A TB's code lives in the code cache at tc_ptr and never moves. tc_ptr is the first field so that
 *   translated code can load it from a jump-cache hit with one `ld`.
 * - TBs are allocated from one array, so a TB is named by its index in 32 bits: a TB exit returns
 *   (index << TB_EXIT_BITS) | exit_number to the exec loop, which can then chain that exit.
 * - All writes to the hash table, the page lists and the chain lists happen under tb_lock. Jump
 *   caches are per CPU and written only by their own thread, except that invalidation clears them.
 */
#ifndef XQM_COMMON_TB_H
#define XQM_COMMON_TB_H

#include <stdbool.h>
#include <stdint.h>

#include "target/i386/cpu.h"

enum {
    TB_MAX_INSNS = 96,
    TB_MAX_EXITS = 7,           /* direct exits: the end (2), branches inside the TB, a cc guard */
    TB_EXIT_BITS = 3,           /* exit numbers fit in the low bits of an exit value and a chain link */
    TB_NO_EXIT = 0xffff,
};

typedef struct TranslationBlock {
    void *tc_ptr;               /* first: see above */
    uint32_t pc;                /* guest eip of the first instruction */
    uint32_t flags;             /* translation-relevant CPU state (mode_tb_flags) */
    /* CS base when translated, part of the key: pc is the offset in CS (eip), the code was read
     * at the linear address cs_base + pc. Always 0 in user mode and in flat system code. */
    uint32_t cs_base;
    /* Part of the key too: a TB that reads flags left by its predecessor is first translated for
     * the lazy op its predecessor had (cc_in), behind an entry guard; a guard miss runs the
     * cc_generic variant, translated for any op. cc_in is CC_OP_IN_REG when not specialized. */
    bool cc_generic;
    uint8_t cc_in;
    uint8_t guard_exit;         /* the exit a guard miss leaves by (to the generic variant), or 0xff */
    uint32_t size;              /* guest bytes covered from pc on */
    uint32_t code_lo;           /* lowest guest address of its code: below pc when the TB follows a
                                 * backward jmp (on its first page), else pc */
    uint32_t code_words;        /* host code size in 32-bit words */
    uint32_t index;             /* position in the TB array */
    bool invalid;

    /* Direct exits: word offsets of the patchable `j` and of the unchained stub it initially targets. */
    uint16_t jmp_insn[TB_MAX_EXITS];
    uint16_t jmp_stub[TB_MAX_EXITS];
    /* The lazy op HREG_CC_OP holds when leaving by exit n (known at translation time), or
     * CC_OP_IN_REG: a chained jump into a TB specialised for that op may skip its guard. */
    uint8_t exit_cc[TB_MAX_EXITS];
    struct TranslationBlock *jmp_dest[TB_MAX_EXITS];  /* chained target, or NULL */
    /* Incoming chains: a list threaded through the source TBs' jmp_next (tagged with the exit
     * number in the low TB_EXIT_BITS bits, which the struct's alignment leaves free). */
    uintptr_t jmp_incoming;
    uintptr_t jmp_next[TB_MAX_EXITS];

    struct TranslationBlock *hash_next;
    uintptr_t page_next[2];     /* next TB on the same guest page, tagged with its page slot (0/1) */
    uint32_t page_addr[2];      /* linear guest page(s) of the code; [1] = -1 if one page */

    /* Host-pc -> guest state, one entry per guest instruction, for precise faults. */
    uint16_t ninsns;
    uint32_t *insn_eip;
    uint16_t *insn_host_word;   /* word offset of the first host instruction of each guest insn */
    uint8_t *insn_cc_op;        /* translation-time cc_op at the insn's start, or CC_OP_IN_REG */
} TranslationBlock;

enum { CC_OP_IN_REG = 0xff };

/* Whether the TB's guest code overlaps the linear range [start, end) (code_lo and pc are
 * offsets from cs_base). */
static inline bool tb_overlaps(const TranslationBlock *tb, uint64_t start, uint64_t end)
{
    uint64_t lo = (uint64_t)tb->cs_base + tb->code_lo, hi = (uint64_t)tb->cs_base + tb->pc + tb->size;
    return lo < end && hi > start;
}

/* Sets up the code cache and TB tables; called once by the mode before any cpu_exec. */
void tb_init(void);
/* Finds or translates the TB at pc (eip; the CS base is read from env). Called with tb_lock not held. Returns NULL when no instruction
 * can be fetched at pc; *excp then says which exception to raise there. */
TranslationBlock *tb_find(CPUX86State *env, uint32_t pc, uint32_t flags, bool cc_generic, int *excp);
/* The TB with this index (from a translated code exit value), or NULL. */
TranslationBlock *tb_at_index(uint32_t index);
/* Chains exit n of `from` directly to `to`. */
void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to);
/* A fresh jump cache for a new CPU, registered so invalidation can clear it. */
struct jc_entry *tb_jc_alloc(void);
/* Makes a jump-cache entry empty (its probe then misses and returns to the exec loop). */
void tb_jc_entry_reset(struct jc_entry *e);
/* Invalidates every TB whose code overlaps [start, end) and unchains it (SMC, munmap). */
void tb_invalidate_range(uint32_t start, uint32_t end);
/* The same for the TBs `match` accepts only: a mode whose TB key holds more than the virtual pc
 * (system mode: the physical page) tells which of the TBs at those addresses a change concerns. */
typedef bool (*tb_match_fn)(const TranslationBlock *tb, void *opaque);
void tb_invalidate_range_matching(uint32_t start, uint32_t end, tb_match_fn match, void *opaque);
/* Drops every TB (code cache full or a wholesale change). */
void tb_flush(void);
/* Maps a host pc inside the code cache to its TB, or NULL. */
TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc);
/* Restores env's eip and lazy cc_op for the guest instruction containing host_pc in tb. */
void tb_restore_state(TranslationBlock *tb, CPUX86State *env, uintptr_t host_pc);

void tb_lock(void);
void tb_unlock(void);

/* Counters for -d and benchmarks. */
struct tb_stats { uint64_t translated, guest_insns, host_words, chained, flushes, invalidated; };
extern struct tb_stats tb_stats;

#endif
