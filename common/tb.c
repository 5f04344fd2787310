/*
 * The TB cache: allocation, the global hash table, per-CPU jump caches, chaining, invalidation.
 *
 * Lookup order: the CPU's jump cache (also probed inline by translated code for indirect jumps),
 * then the hash table keyed by (pc, flags), then translation. Translation, chaining and invalidation
 * run under tb_lock; the hash table is only read under it too, which is cheap because the exec loop
 * reaches it only on a jump-cache miss.
 *
 * Chains: tb->jmp_dest[n] is the TB exit n jumps to; the target keeps a list of incoming jumps
 * threaded through the sources' jmp_next[] (each link tagged with the exit number in its low TB_EXIT_BITS bits), so an
 * invalidated TB can reset every jump into it to the source's own stub.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/mode.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "host/mips/backend.h"
#include "target/i386/translate.h"

enum { TB_MAX = 1 << 18, HASH_BITS = 16, HASH_SIZE = 1 << HASH_BITS, TB_MAX_CODE_WORDS = 16384,
       MAX_CPUS = 256 };

struct tb_stats tb_stats;

#define EXIT_MASK ((uintptr_t)(1u << TB_EXIT_BITS) - 1)

static TranslationBlock *tbs;
static uint32_t ntbs;
static TranslationBlock *hash_table[HASH_SIZE];
/*
 * TBs by guest page, for invalidation: a two-level table indexed by the 20-bit page number, each
 * slot the head of a list threaded through the TBs' page_next[] (tagged with the TB's page slot).
 */
enum { PAGE_L1_BITS = 10, PAGE_L2_BITS = 10 };
static uintptr_t *page_lists[1 << PAGE_L1_BITS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Every CPU's jump cache, so invalidation can clear stale entries everywhere. */
static struct jc_entry *jump_caches[MAX_CPUS];
static int njump_caches;

void tb_lock(void) { pthread_mutex_lock(&lock); }
void tb_unlock(void) { pthread_mutex_unlock(&lock); }

static uint32_t hash_of(uint32_t pc, uint32_t flags)
{
    uint32_t h = pc * 0x9e3779b1u ^ flags;
    return h >> (32 - HASH_BITS);
}

/* Low bits only: translated code computes the same index in two instructions (exit.c). */
static uint32_t jc_index(uint32_t pc)
{
    return pc & (JC_SIZE - 1);
}

void tb_jc_entry_reset(struct jc_entry *e)
{
    e->pc = 0;
    e->flags = 0;
    e->tb = &x86_jc_miss_tb;
    e->tc = x86_jc_miss_tb.tc_ptr;
}

static void jc_clear(struct jc_entry *jc)
{
    for (int i = 0; i < JC_SIZE; i++)
        tb_jc_entry_reset(&jc[i]);
}

void tb_init(void)
{
    host_init();
    x86_translate_init();
    tbs = calloc(TB_MAX, sizeof *tbs);
    if (!tbs)
        xqm_fatal("out of memory for the TB table");
}

struct jc_entry *tb_jc_alloc(void)
{
    struct jc_entry *jc = malloc(sizeof(struct jc_entry) * JC_SIZE);
    if (!jc)
        xqm_fatal("out of memory for a jump cache");
    jc_clear(jc);
    tb_lock();
    xqm_assert(njump_caches < MAX_CPUS);
    jump_caches[njump_caches++] = jc;
    tb_unlock();
    return jc;
}

static uintptr_t *page_list_head(uint32_t page_addr, bool create)
{
    uint32_t pn = page_addr >> 12;
    uintptr_t **l1 = &page_lists[pn >> PAGE_L2_BITS];
    if (!*l1) {
        if (!create)
            return NULL;
        *l1 = calloc((size_t)1 << PAGE_L2_BITS, sizeof(uintptr_t));
        if (!*l1)
            xqm_fatal("out of memory for the TB page table");
    }
    return &(*l1)[pn & ((1u << PAGE_L2_BITS) - 1)];
}

static void page_list_add(TranslationBlock *tb, int slot)
{
    uintptr_t *head = page_list_head(tb->page_addr[slot], true);
    tb->page_next[slot] = *head;
    *head = (uintptr_t)tb | (uintptr_t)slot;
}

static void page_list_remove(TranslationBlock *tb, int slot)
{
    uintptr_t *link = page_list_head(tb->page_addr[slot], false);
    uintptr_t me = (uintptr_t)tb | (uintptr_t)slot;
    while (link && *link) {
        if (*link == me) {
            *link = tb->page_next[slot];
            return;
        }
        TranslationBlock *t = (TranslationBlock *)(*link & ~(uintptr_t)1);
        link = &t->page_next[*link & 1];
    }
}

static void free_tb_maps(TranslationBlock *tb)
{
    free(tb->insn_eip);
    free(tb->insn_host_word);
    free(tb->insn_cc_op);
}

/* Called with the lock held. Every CPU must be outside translated code... which user mode cannot
 * guarantee for other threads: they only ever jump through jump caches and chains, both of which
 * are reset before the code is reused, and a thread inside old code runs to its next exit, which
 * returns to the exec loop because all chains are gone. */
static void tb_flush_locked(void)
{
    for (uint32_t i = 0; i < ntbs; i++)
        free_tb_maps(&tbs[i]);
    memset(tbs, 0, sizeof *tbs * ntbs);
    ntbs = 0;
    memset(hash_table, 0, sizeof hash_table);
    for (size_t i = 0; i < sizeof page_lists / sizeof page_lists[0]; i++) {
        if (page_lists[i])
            memset(page_lists[i], 0, sizeof(uintptr_t) << PAGE_L2_BITS);
    }
    for (int i = 0; i < njump_caches; i++)
        jc_clear(jump_caches[i]);
    host_code_reset();
    x86_liveness_forget();
    tb_stats.flushes++;
}

void tb_flush(void)
{
    tb_lock();
    tb_flush_locked();
    tb_unlock();
}

static TranslationBlock *hash_lookup(uint32_t pc, uint32_t cs_base, uint32_t flags, bool cc_generic)
{
    for (TranslationBlock *tb = hash_table[hash_of(pc, flags)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->flags == flags && tb->cs_base == cs_base && tb->cc_generic == cc_generic &&
            !tb->invalid)
            return tb;
    }
    return NULL;
}

/* Translates the TB at pc; returns NULL (and *excp) if no instruction could be fetched there. */
static TranslationBlock *tb_gen_code(CPUX86State *env, uint32_t pc, uint32_t cs_base, uint32_t flags, bool cc_generic,
                                     int *excp)
{
    if (ntbs >= TB_MAX || host_code_room_words() < TB_MAX_CODE_WORDS)
        tb_flush_locked();
    TranslationBlock *tb = &tbs[ntbs];
    memset(tb, 0, sizeof *tb);
    tb->index = ntbs;
    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->flags = flags;
    tb->cc_generic = cc_generic;
    tb->guard_exit = 0xff;
    tb->tc_ptr = host_code_ptr();
    tb->page_addr[0] = (cs_base + pc) & ~0xfffu;
    tb->page_addr[1] = (uint32_t)-1;
    for (int n = 0; n < TB_MAX_EXITS; n++) {
        tb->jmp_insn[n] = TB_NO_EXIT;
        tb->exit_cc[n] = CC_OP_IN_REG;
    }

    /* Protect the code page before reading it: a write by another thread after this point faults,
     * and its invalidation (which waits for tb_lock, held here) then finds this TB. Protecting
     * after the read would leave a window where a write lands unseen in a page whose TB keeps
     * the old code. The translator does the same for a second page before reading from it. */
    mode_code_page_added(tb->page_addr[0]);
    struct mips_buf b;
    mips_buf_init(&b, host_code_ptr(), TB_MAX_CODE_WORDS);
    if (!x86_translate_tb(env, tb, &b, excp))
        return NULL;
    xqm_assert(!b.overflow);
    tb->code_words = (uint32_t)b.len;
    host_code_commit(b.len);
    ntbs++;

    /* The translator sets page_addr[1] when the TB follows a call to another page; otherwise
     * the second page is the one its last instruction reaches into, if any. */
    uint32_t last_page = (cs_base + pc + tb->size - 1) & ~0xfffu;
    if (tb->page_addr[1] == (uint32_t)-1 && last_page != tb->page_addr[0])
        tb->page_addr[1] = last_page;
    page_list_add(tb, 0);
    mode_code_page_added(tb->page_addr[0]);
    if (tb->page_addr[1] != (uint32_t)-1) {
        page_list_add(tb, 1);
        mode_code_page_added(tb->page_addr[1]);
    }

    uint32_t h = hash_of(pc, flags);
    tb->hash_next = hash_table[h];
    hash_table[h] = tb;
    tb_stats.translated++;
    tb_stats.host_words += b.len;
    return tb;
}

TranslationBlock *tb_find(CPUX86State *env, uint32_t pc, uint32_t flags, bool cc_generic, int *excp)
{
    /* The translated jump-cache probe compares eip only: a mode whose CS base can change empties
     * the jump caches when it does (system/softmmu.c), so every entry has the current base. */
    uint32_t cs_base = env->segs[R_CS].base;
    struct jc_entry *e = &env->jc[jc_index(pc)];
    if (!cc_generic && e->pc == pc && e->flags == flags && e->tb != &x86_jc_miss_tb && e->tb->cs_base == cs_base)
        return e->tb;
    tb_lock();
    TranslationBlock *tb = hash_lookup(pc, cs_base, flags, cc_generic);
    if (!tb)
        tb = tb_gen_code(env, pc, cs_base, flags, cc_generic, excp);
    /* Generic variants are reached only through a guard miss, never through the jump cache, and
     * single-step TBs only through the exec loop (translate.h). The
     * entry is filled under tb_lock: another thread's invalidation of this TB (which resets the
     * entries pointing at it, under the lock) cannot slip in between and leave a stale one. */
    if (tb && !cc_generic && !tb->invalid && !(flags & X86_TBF_TF)) {
        e->pc = pc;
        e->flags = flags;
        e->tb = tb;
        e->tc = tb->tc_ptr;
    }
    tb_unlock();
    return tb;
}

TranslationBlock *tb_at_index(uint32_t index)
{
    return index < ntbs ? &tbs[index] : NULL;
}

/* Where a chained jump enters `to` (translate.h: the guard, then the exit-request check). */
static uint32_t tb_chain_entry_words(const TranslationBlock *from, int n, const TranslationBlock *to)
{
    uint32_t check = 0;
    if (to->cc_in != CC_OP_IN_REG) {
        if (from->exit_cc[n] != to->cc_in)
            return 0;       /* through the guard (the j's delay slot did a harmless load of at) */
        check = TB_GUARD_WORDS;
    }
    return check + (to->pc > from->pc ? TB_UNCHECKED_ENTRY_WORDS : TB_CHAINED_ENTRY_WORDS);
}

void tb_add_jump(TranslationBlock *from, int n, TranslationBlock *to)
{
    tb_lock();
    if (!from->invalid && !to->invalid && from->jmp_dest[n] == NULL && from->jmp_insn[n] != TB_NO_EXIT) {
        uint32_t *site = (uint32_t *)from->tc_ptr + from->jmp_insn[n];
        host_patch_jump(site, (uint32_t *)to->tc_ptr + tb_chain_entry_words(from, n, to));
        from->jmp_dest[n] = to;
        from->jmp_next[n] = to->jmp_incoming;
        to->jmp_incoming = (uintptr_t)from | (uintptr_t)n;
        _Static_assert(_Alignof(TranslationBlock) >= (1 << TB_EXIT_BITS), "chain links need free low bits");
        tb_stats.chained++;
    }
    tb_unlock();
}

static void unchain_incoming(TranslationBlock *tb)
{
    uintptr_t link = tb->jmp_incoming;
    while (link) {
        TranslationBlock *src = (TranslationBlock *)(link & ~(uintptr_t)EXIT_MASK);
        int n = (int)(link & EXIT_MASK);
        uint32_t *site = (uint32_t *)src->tc_ptr + src->jmp_insn[n];
        host_patch_jump(site, (uint32_t *)src->tc_ptr + src->jmp_stub[n]);
        src->jmp_dest[n] = NULL;
        link = src->jmp_next[n];
    }
    tb->jmp_incoming = 0;
}

static void remove_outgoing(TranslationBlock *tb)
{
    for (int n = 0; n < TB_MAX_EXITS; n++) {
        TranslationBlock *dst = tb->jmp_dest[n];
        if (!dst)
            continue;
        uintptr_t *link = &dst->jmp_incoming;
        uintptr_t me = (uintptr_t)tb | (uintptr_t)n;
        while (*link) {
            TranslationBlock *src = (TranslationBlock *)(*link & ~(uintptr_t)EXIT_MASK);
            int m = (int)(*link & EXIT_MASK);
            if (*link == me) {
                *link = src->jmp_next[m];
                break;
            }
            link = &src->jmp_next[m];
        }
        tb->jmp_dest[n] = NULL;
    }
}

static void tb_invalidate_locked(TranslationBlock *tb)
{
    tb->invalid = true;
    page_list_remove(tb, 0);
    if (tb->page_addr[1] != (uint32_t)-1)
        page_list_remove(tb, 1);
    unchain_incoming(tb);
    remove_outgoing(tb);
    for (int i = 0; i < njump_caches; i++) {
        struct jc_entry *e = &jump_caches[i][jc_index(tb->pc)];
        if (e->tb == tb)
            tb_jc_entry_reset(e);
    }
    tb_stats.invalidated++;
}

void tb_invalidate_range(uint32_t start, uint32_t end)
{
    tb_invalidate_range_matching(start, end, NULL, NULL);
}

void tb_invalidate_range_matching(uint32_t start, uint32_t end, tb_match_fn match, void *opaque)
{
    if (end <= start)
        return;
    tb_lock();
    x86_liveness_forget();
    for (uint64_t page = start & ~0xfffu; page < end; page += 0x1000) {
        uintptr_t *head = page_list_head((uint32_t)page, false);
        if (!head)
            continue;
        uintptr_t link = *head;
        while (link) {
            TranslationBlock *tb = (TranslationBlock *)(link & ~(uintptr_t)1);
            link = tb->page_next[link & 1];
            if (!tb->invalid && tb_overlaps(tb, start, end) && (!match || match(tb, opaque)))
                tb_invalidate_locked(tb);
        }
    }
    tb_unlock();
}

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc)
{
    /* TBs are laid out in the code cache in allocation order: binary search by tc_ptr. */
    uint32_t lo = 0, hi = ntbs;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if ((uintptr_t)tbs[mid].tc_ptr <= host_pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    TranslationBlock *tb = &tbs[lo - 1];
    if (host_pc >= (uintptr_t)tb->tc_ptr + 4 * (uintptr_t)tb->code_words)
        return NULL;
    return tb;
}

void tb_restore_state(TranslationBlock *tb, CPUX86State *env, uintptr_t host_pc)
{
    uint32_t word = (uint32_t)((host_pc - (uintptr_t)tb->tc_ptr) / 4);
    int i = 0;
    while (i + 1 < tb->ninsns && tb->insn_host_word[i + 1] <= word)
        i++;
    env->eip = tb->insn_eip[i];
    if (tb->insn_cc_op[i] != CC_OP_IN_REG)
        env->cc_op = tb->insn_cc_op[i];
}
