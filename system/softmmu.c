/*
 * The softmmu's C side: filling and flushing the per-CPU TLBs, the slow paths of guest memory
 * accesses (TLB misses, MMIO, page-crossing accesses, writes to pages holding translated code),
 * code fetch for the translator, and the TB key (mode_tb_flags).
 *
 * TBs are keyed by physical code address: the core's key is (virtual pc, flags), so the flags
 * carry the physical page of pc (and of the next page when an instruction may straddle). Because
 * translated code's inline jump-cache probe compares the virtual pc only, every change of mappings
 * (TLB flush) also empties the jump caches, and each CPU keeps one jump cache per privilege class
 * so that a CPL change never finds a TB translated for the other MMU mode.
 *
 * Self-modifying code: a RAM page from which code was translated is a "code page". Its TLB write
 * tags carry TLB_FLAG_SLOW, so a guest store reaches softmmu_store, which invalidates the TBs made
 * from the page (at the virtual pages they were translated at, recorded here, and keyed by this
 * physical page) before writing. A store into the TB it runs in restarts alone (restart_alone).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/mode.h"
#include "common/tb.h"
#include "common/xqm.h"
#include "host/mips/backend.h"
#include "host/mips/ldst.h"
#include "system/iomem.h"
#include "system/main_loop.h"
#include "system/softmmu.h"
#include "system/vcpu.h"
#include "target/i386/translate.h"

/* Virtual pages each RAM page's code was translated at (usually one). */
struct code_page {
    uint32_t n, cap;
    uint32_t vpages[];
};

static struct code_page **code_pages;
static uint64_t ncode_pages;
static pthread_mutex_t code_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t code_pages_flushes;     /* tb_stats.flushes when the table was last valid */

enum { MAX_CPUS = 256 };
static CPUX86State *cpus[MAX_CPUS];
static int ncpus;

void softmmu_init(void)
{
    ncode_pages = mem_ram_size() >> 12;
    code_pages = calloc(ncode_pages ? ncode_pages : 1, sizeof *code_pages);
    if (!code_pages)
        sys_fatal("out of memory for the code-page table");
}

/* Virtual pages code was translated from (since the last reset of the code-page table): a TLB
 * change elsewhere cannot make a jump-cache entry stale. */
static uint8_t code_vpages[1u << 17];

static bool vrange_has_code(uint32_t start, uint32_t len)
{
    for (uint64_t p = start >> 12; p <= ((uint64_t)start + len - 1) >> 12; p++) {
        if (code_vpages[p >> 3] & (1u << (p & 7)))
            return true;
    }
    return false;
}

static void jc_flush(struct jc_entry *jc)
{
    for (int i = 0; i < JC_SIZE; i++)
        tb_jc_entry_reset(&jc[i]);
}

/* Drops the jump-cache entries for pcs in [start, start + len). */
static void jc_drop_range(struct jc_entry *jc, uint32_t start, uint32_t len)
{
    for (int i = 0; i < JC_SIZE; i++) {
        if (jc[i].pc - start < len)
            tb_jc_entry_reset(&jc[i]);
    }
}

static void tlb_invalidate_entry(CPUX86State *env, int m, int i)
{
    struct tlb_entry *e = &env_fast(env)->tlb[m][i];
    e->tag_read = TLB_INVALID;
    e->tag_write = TLB_INVALID;
    env_sys(env)->tlb_global[m][i] = false;
}

void sys_jc_flush(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    if (!sys->jc_kernel)
        return;         /* reset before the CPU's jump caches exist */
    jc_flush(sys->jc_kernel);
    if (sys->jc_user_used)
        jc_flush(sys->jc_user);
    sys->jc_user_used = sys->cpl == 3;
}

void sys_tlb_flush(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (int i = 0; i < TLB_SIZE; i++)
            tlb_invalidate_entry(env, m, i);
    }
    sys->tlb_has_large = false;
    jc_flush(sys->jc_kernel);
    if (sys->jc_user_used)
        jc_flush(sys->jc_user);
    sys->jc_user_used = sys->cpl == 3;
}

/*
 * Global translations (CR4.PGE) survive a CR3 write (SDM vol. 3, 4.10.4.1). The kernel's jump
 * cache survives too when PGE is on: code reached at CPL 0..2 is then taken to be mapped alike
 * in every address space, as a kernel using global pages maps itself. User code never is.
 */
void sys_tlb_flush_cr3(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    if (!(sys->cr4 & CR4_PGE)) {
        sys_tlb_flush(env);
        return;
    }
    for (int m = 0; m < NB_MMU_MODES; m++) {
        for (int i = 0; i < TLB_SIZE; i++) {
            if (!sys->tlb_global[m][i])
                tlb_invalidate_entry(env, m, i);
        }
    }
    if (sys->jc_user_used)
        jc_flush(sys->jc_user);
    sys->jc_user_used = sys->cpl == 3;
}

void sys_tlb_flush_page(CPUX86State *env, uint32_t vaddr)
{
    struct x86_sys *sys = env_sys(env);
    uint32_t start = vaddr & ~0xfffu, len = 0x1000;
    if (sys->tlb_has_large) {
        /* The page may be part of a large one whose 4 KiB entries all go (4 MiB covers PAE's
         * 2 MiB pages too). */
        start = vaddr & ~0x3fffffu;
        len = 0x400000;
        for (int m = 0; m < NB_MMU_MODES; m++) {
            for (int i = 0; i < TLB_SIZE; i++) {
                int32_t tag = env_fast(env)->tlb[m][i].tag_read;
                if (tag != TLB_INVALID && ((uint32_t)tag & ~0xfffu) - start < len)
                    tlb_invalidate_entry(env, m, i);
                tag = env_fast(env)->tlb[m][i].tag_write;
                if (tag != TLB_INVALID && ((uint32_t)tag & ~0xfffu) - start < len)
                    tlb_invalidate_entry(env, m, i);
            }
        }
    } else {
        uint32_t idx = (vaddr >> 12) & (TLB_SIZE - 1);
        for (int m = 0; m < NB_MMU_MODES; m++)
            tlb_invalidate_entry(env, m, (int)idx);
    }
    if (vrange_has_code(start, len)) {
        if (sys->seg_cs_base != 0) {
            sys_jc_flush(env);      /* the jump caches hold eips, not linear addresses */
        } else {
            jc_drop_range(sys->jc_kernel, start, len);
            jc_drop_range(sys->jc_user, start, len);
        }
    }
}

void softmmu_cpu_init(CPUX86State *env)
{
    struct sys_cpu_fast *f = env_fast(env);
    for (int i = 0; i < THUNK_COUNT; i++)
        f->thunk[i] = softmmu_thunk_addr[i];
    xqm_assert(ncpus < MAX_CPUS);
    cpus[ncpus++] = env;
    sys_tlb_flush(env);
}

static bool is_code_page(uint64_t paddr)
{
    int64_t pi = mem_ram_page_index(paddr);
    return pi >= 0 && (uint64_t)pi < ncode_pages && code_pages[pi] != NULL;
}

/* Enters a translation into the TLB of mmu_idx. */
static void tlb_set_page(CPUX86State *env, uint32_t vaddr, int mmu_idx, const struct x86_translation *t)
{
    struct sys_cpu_fast *f = env_fast(env);
    struct x86_sys *sys = env_sys(env);
    uint32_t idx = (vaddr >> 12) & (TLB_SIZE - 1);
    struct tlb_entry *e = &f->tlb[mmu_idx][idx];
    int32_t page = (int32_t)(vaddr & ~0xfffu);
    uint64_t ppage = t->paddr & ~(uint64_t)0xfff;
    struct mem_region *r = mem_find(ppage);

    sys->tlb_paddr[mmu_idx][idx] = ppage;
    sys->tlb_global[mmu_idx][idx] = t->global;
    sys->tlb_no_exec[mmu_idx][idx] = t->no_exec;
    if (t->large)
        sys->tlb_has_large = true;
    if (!r || r->kind == MEM_MMIO) {
        e->tag_read = page | TLB_FLAG_MMIO;
        e->tag_write = t->writable ? page | TLB_FLAG_MMIO : TLB_INVALID;
        e->addend = 0;
        return;
    }
    e->addend = (int64_t)(uintptr_t)(r->host + (ppage - r->addr)) - (int64_t)page;
    e->tag_read = page;
    if (!t->writable)
        e->tag_write = TLB_INVALID;
    else if (r->kind == MEM_ROM)
        e->tag_write = page | TLB_FLAG_MMIO;
    else if (is_code_page(ppage))
        e->tag_write = page | TLB_FLAG_SLOW;
    else
        e->tag_write = page;
}

/* What an access at vaddr reaches: the physical address and the tag's flags. */
struct page_ref {
    uint64_t paddr;
    int32_t flags;
    uint8_t *host;
};

static bool tag_matches(int32_t tag, uint32_t vaddr)
{
    return tag != TLB_INVALID && ((uint32_t)tag & ~0xfffu) == (vaddr & ~0xfffu);
}

/* Looks vaddr up for the access, walking the page tables on a miss. False: #PF, *error set. */
static bool page_lookup(CPUX86State *env, uint32_t vaddr, int access, int mmu_idx, struct page_ref *ref,
                        uint32_t *error)
{
    struct sys_cpu_fast *f = env_fast(env);
    struct x86_sys *sys = env_sys(env);
    uint32_t idx = (vaddr >> 12) & (TLB_SIZE - 1);
    struct tlb_entry *e = &f->tlb[mmu_idx][idx];
    int32_t tag = access == ACCESS_WRITE ? e->tag_write : e->tag_read;
    /* Fetches from an execute-disabled page walk again, which raises the #PF. */
    if (!tag_matches(tag, vaddr) || (access == ACCESS_FETCH && sys->tlb_no_exec[mmu_idx][idx])) {
        struct x86_translation t;
        if (!sys_mmu_translate(env, vaddr, access, mmu_idx, &t, error))
            return false;
        tlb_set_page(env, vaddr, mmu_idx, &t);
        tag = access == ACCESS_WRITE ? e->tag_write : e->tag_read;
        xqm_assert(tag_matches(tag, vaddr));
    }
    ref->flags = tag & TLB_FLAGS_MASK;
    ref->paddr = sys->tlb_paddr[mmu_idx][idx] | (vaddr & 0xfff);
    ref->host = ref->flags & TLB_FLAG_MMIO ? NULL : (uint8_t *)(uintptr_t)((int64_t)(int32_t)vaddr + e->addend);
    return true;
}

/* Rebuilds the guest state at the instruction whose slow path returns to retaddr. */
static void restore_state(CPUX86State *env, uint64_t retaddr)
{
    env->cc_op = (uint32_t)env->spill[HREG_CC_OP];
    TranslationBlock *tb = tb_find_by_host_pc((uintptr_t)retaddr);
    xqm_assert(tb != NULL);
    tb_restore_state(tb, env, (uintptr_t)retaddr);
}

static struct ldst_result page_fault(CPUX86State *env, uint32_t vaddr, uint32_t error, uint64_t retaddr)
{
    env_sys(env)->cr2 = vaddr;
    env_sys(env)->data_fault = true;
    env->error_code = error;
    env->exception_index = EXCP_PF;
    restore_state(env, retaddr);
    return (struct ldst_result){ 0, 1 };
}

static uint64_t read_ref(const struct page_ref *ref, int size)
{
    if (ref->host) {
        uint64_t v = 0;
        memcpy(&v, ref->host, (size_t)size);
        return v;
    }
    if (size == 8)
        return mem_read(ref->paddr, 2) | (uint64_t)mem_read(ref->paddr + 4, 2) << 32;
    return mem_read(ref->paddr, size == 1 ? 0 : size == 2 ? 1 : 2);
}

static void write_ref(CPUX86State *env, const struct page_ref *ref, uint32_t vaddr, int mmu_idx, uint64_t v, int size)
{
    if (!ref->host) {
        if (size == 8) {
            mem_write(ref->paddr, (uint32_t)v, 2);
            mem_write(ref->paddr + 4, (uint32_t)(v >> 32), 2);
        } else {
            mem_write(ref->paddr, (uint32_t)v, size == 1 ? 0 : size == 2 ? 1 : 2);
        }
        return;
    }
    if (ref->flags & TLB_FLAG_SLOW) {
        softmmu_notify_ram_write(ref->paddr, (uint32_t)size);
        /* The page holds no code any more: later writes may take the fast path. */
        struct tlb_entry *e = &env_fast(env)->tlb[mmu_idx][(vaddr >> 12) & (TLB_SIZE - 1)];
        if (!is_code_page(ref->paddr))
            e->tag_write = (int32_t)(vaddr & ~0xfffu);
    }
    memcpy(ref->host, &v, (size_t)size);
}

static uint64_t extend(uint64_t v, unsigned mop)
{
    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_8: return (uint8_t)v;
    case MO_8 | MO_SIGN: return (uint64_t)(int64_t)(int8_t)v;
    case MO_16: return (uint16_t)v;
    case MO_16 | MO_SIGN: return (uint64_t)(int64_t)(int16_t)v;
    case MO_32:
    case MO_32 | MO_SIGN: return (uint64_t)(int64_t)(int32_t)v;
    default: return v;
    }
}

struct ldst_result helper_softmmu_load(CPUX86State *env, uint64_t vaddr, uint64_t retaddr, uint64_t mop)
{
    uint32_t addr = (uint32_t)vaddr;
    int size = 1 << (mop & MO_SIZE);
    int mmu_idx = sys_mmu_idx(env_sys(env));
    uint32_t error;
    struct page_ref a, b;
    if (!page_lookup(env, addr, ACCESS_READ, mmu_idx, &a, &error))
        return page_fault(env, addr, error, retaddr);
    uint32_t first = 0x1000 - (addr & 0xfff);
    if ((uint32_t)size <= first)
        return (struct ldst_result){ extend(read_ref(&a, size), (unsigned)mop), 0 };
    /* Crossing into the next page: both pages must be readable before anything is read. */
    uint32_t next = (addr & ~0xfffu) + 0x1000;
    if (!page_lookup(env, next, ACCESS_READ, mmu_idx, &b, &error))
        return page_fault(env, next, error, retaddr);
    uint64_t v = 0;
    for (int i = 0; i < size; i++) {
        struct page_ref r = (uint32_t)i < first ? a : b;
        uint32_t o = (uint32_t)i < first ? (uint32_t)i : (uint32_t)i - first;
        r.paddr += o;
        if (r.host)
            r.host += o;
        v |= read_ref(&r, 1) << (8 * i);
    }
    return (struct ldst_result){ extend(v, (unsigned)mop), 0 };
}

static bool tb_may_be_on_page(const TranslationBlock *tb, void *opaque);

/*
 * Whether a store through ref rewrites code of the TB it runs in (patching the next instruction,
 * say): the rest of that TB was translated from the old bytes. Exact for TBs whose key is their
 * page; any TB that may be on the page otherwise. A one-instruction TB has nothing after it.
 */
static bool store_hits_own_tb(const struct page_ref *ref, int size, uint64_t retaddr)
{
    if (!(ref->flags & TLB_FLAG_SLOW) || !ref->host)
        return false;
    TranslationBlock *tb = tb_find_by_host_pc((uintptr_t)retaddr);
    uint32_t ppage = (uint32_t)(ref->paddr >> 12);
    if (!tb || (tb->flags & SYS_TBF_STEP) || !tb_may_be_on_page(tb, &ppage))
        return false;
    uint32_t off = tb->pc & 0xfff, woff = (uint32_t)(ref->paddr & 0xfff);
    bool exact = !(tb->flags & SYS_TBF_NO_PHYS) && off <= 0x1000 - 16 && off + tb->size <= 0x1000;
    return !exact || (woff < off + tb->size && woff + (uint32_t)size > off);
}

/* Leaves the TB before such a store, back at the storing instruction, which then runs alone
 * (SYS_STEP_SMC): what follows it is translated again, from the new bytes. */
static struct ldst_result restart_alone(CPUX86State *env, uint64_t retaddr)
{
    struct x86_sys *sys = env_sys(env);
    restore_state(env, retaddr);
    sys->step = SYS_STEP_SMC;
    sys->step_eip = env->eip;
    env->exception_index = EXCP_INTERRUPT;
    return (struct ldst_result){ 0, 1 };
}

struct ldst_result helper_softmmu_store(CPUX86State *env, uint64_t vaddr, uint64_t retaddr, uint64_t mop)
{
    uint32_t addr = (uint32_t)vaddr;
    int size = 1 << (mop & MO_SIZE);
    uint64_t value = env_fast(env)->store_value;
    int mmu_idx = sys_mmu_idx(env_sys(env));
    uint32_t error;
    struct page_ref a, b;
    if (!page_lookup(env, addr, ACCESS_WRITE, mmu_idx, &a, &error))
        return page_fault(env, addr, error, retaddr);
    uint32_t first = 0x1000 - (addr & 0xfff);
    if (store_hits_own_tb(&a, size, retaddr))
        return restart_alone(env, retaddr);
    if ((uint32_t)size <= first) {
        write_ref(env, &a, addr, mmu_idx, value, size);
        return (struct ldst_result){ 0, 0 };
    }
    /* Both pages must be writable before either is written (SDM vol. 3, 6.5: faults are precise). */
    uint32_t next = (addr & ~0xfffu) + 0x1000;
    if (!page_lookup(env, next, ACCESS_WRITE, mmu_idx, &b, &error))
        return page_fault(env, next, error, retaddr);
    if (store_hits_own_tb(&b, size, retaddr))
        return restart_alone(env, retaddr);
    for (int i = 0; i < size; i++) {
        bool lo = (uint32_t)i < first;
        struct page_ref r = lo ? a : b;
        uint32_t o = lo ? (uint32_t)i : (uint32_t)i - first;
        r.paddr += o;
        if (r.host)
            r.host += o;
        write_ref(env, &r, lo ? addr : next, mmu_idx, (value >> (8 * i)) & 0xff, 1);
    }
    return (struct ldst_result){ 0, 0 };
}

/* Host address for an atomic read-modify-write (ll/sc) at vaddr. */
struct ldst_result helper_softmmu_probe_write(CPUX86State *env, uint64_t vaddr, uint64_t retaddr, uint64_t mop)
{
    static uint64_t mmio_sink;
    (void)mop;
    uint32_t addr = (uint32_t)vaddr;
    int mmu_idx = sys_mmu_idx(env_sys(env));
    uint32_t error;
    struct page_ref a;
    if (!page_lookup(env, addr, ACCESS_WRITE, mmu_idx, &a, &error))
        return page_fault(env, addr, error, retaddr);
    if (!a.host) {
        /* A locked access to a device: xqm does not model it; the access goes nowhere. */
        if (xqm_log_enabled(LOG_UNIMP))
            xqm_log("xqm-system: locked access to MMIO at 0x%08x ignored\n", addr);
        return (struct ldst_result){ (uint64_t)(uintptr_t)&mmio_sink, 0 };
    }
    if (a.flags & TLB_FLAG_SLOW)
        write_ref(env, &a, addr, mmu_idx, read_ref(&a, 1), 1);
    return (struct ldst_result){ (uint64_t)(uintptr_t)a.host, 0 };
}

/* --- code pages --- */

void softmmu_reset_code_pages(void)
{
    pthread_mutex_lock(&code_lock);
    memset(code_vpages, 0, sizeof code_vpages);
    for (uint64_t i = 0; i < ncode_pages; i++) {
        free(code_pages[i]);
        code_pages[i] = NULL;
    }
    code_pages_flushes = tb_stats.flushes;
    pthread_mutex_unlock(&code_lock);
}

/*
 * Whether tb may hold code of the physical page *opaque (a page number). Its key says so exactly
 * unless it was hashed with the next page's (a TB starting in a page's last 15 bytes) or the TB
 * reaches into the next page: those are taken as matching. The same virtual page holds the code
 * of every process mapping something there (all static i386 programs start at 0x08048000), so
 * invalidating by virtual address alone would throw away the TBs of every other program each
 * time a page that held code is reused for data.
 */
static bool tb_may_be_on_page(const TranslationBlock *tb, void *opaque)
{
    uint32_t ppage = *(const uint32_t *)opaque;
    uint32_t off = tb->pc & 0xfff;
    if ((tb->flags & SYS_TBF_NO_PHYS) || off > 0x1000 - 16 || off + tb->size > 0x1000)
        return true;
    return tb->flags >> SYS_TBF_PHYS_SHIFT == ppage;
}

void softmmu_notify_ram_write(uint64_t paddr, uint32_t len)
{
    for (uint64_t page = paddr & ~(uint64_t)0xfff; page < paddr + len; page += 0x1000) {
        int64_t pi = mem_ram_page_index(page);
        if (pi < 0 || (uint64_t)pi >= ncode_pages || !code_pages[pi])
            continue;
        pthread_mutex_lock(&code_lock);
        struct code_page *cp = code_pages[pi];
        code_pages[pi] = NULL;
        pthread_mutex_unlock(&code_lock);
        if (!cp)
            continue;
        uint32_t ppage = (uint32_t)(page >> 12);
        for (uint32_t i = 0; i < cp->n; i++)
            tb_invalidate_range_matching(cp->vpages[i], cp->vpages[i] + 0x1000, tb_may_be_on_page, &ppage);
        free(cp);
    }
}

/* Translates vaddr for an instruction fetch at the current CPL, filling the TLB. */
static bool fetch_translate(CPUX86State *env, uint32_t vaddr, uint64_t *paddr, uint32_t *error)
{
    struct page_ref ref;
    if (!page_lookup(env, vaddr, ACCESS_FETCH, sys_mmu_idx(env_sys(env)), &ref, error))
        return false;
    *paddr = ref.paddr;
    return true;
}

bool mode_smc_stops_running_tb(void)
{
    return false;       /* a write invalidates TBs, but the running one goes on to its end */
}

void mode_code_page_added(uint32_t page_addr)
{
    CPUX86State *env = vcpu_current_env();
    code_vpages[page_addr >> 15] |= (uint8_t)(1u << ((page_addr >> 12) & 7));
    uint64_t paddr;
    uint32_t error;
    if (!fetch_translate(env, page_addr, &paddr, &error))
        return;
    int64_t pi = mem_ram_page_index(paddr);
    if (pi < 0 || (uint64_t)pi >= ncode_pages)
        return;
    if (code_pages_flushes != tb_stats.flushes)
        softmmu_reset_code_pages();
    pthread_mutex_lock(&code_lock);
    struct code_page *cp = code_pages[pi];
    bool was_code = cp != NULL;
    bool known = false;
    for (uint32_t i = 0; cp && i < cp->n; i++)
        known |= cp->vpages[i] == page_addr;
    if (!known) {
        if (!cp || cp->n == cp->cap) {
            uint32_t cap = cp ? cp->cap * 2 : 2;
            struct code_page *n = realloc(cp, sizeof *cp + cap * sizeof(uint32_t));
            if (!n)
                sys_fatal("out of memory for the code-page table");
            if (!cp)
                n->n = 0;
            n->cap = cap;
            cp = n;
        }
        cp->vpages[cp->n++] = page_addr;
        code_pages[pi] = cp;
    }
    pthread_mutex_unlock(&code_lock);
    /* From now on writes to the page must take the slow path, through every alias. A page that
     * already held code has its TLB entries flagged (tlb_set_page flags new ones). */
    if (was_code)
        return;
    uint64_t ppage = paddr & ~(uint64_t)0xfff;
    for (int c = 0; c < ncpus; c++) {
        struct sys_cpu_fast *f = env_fast(cpus[c]);
        struct x86_sys *sys = env_sys(cpus[c]);
        for (int m = 0; m < NB_MMU_MODES; m++) {
            for (int i = 0; i < TLB_SIZE; i++) {
                if (sys->tlb_paddr[m][i] == ppage && f->tlb[m][i].tag_write != TLB_INVALID)
                    f->tlb[m][i].tag_write |= TLB_FLAG_SLOW;
            }
        }
    }
}

/*
 * Guest code for the translator. An instruction that may straddle into the next page is served
 * from a bounce buffer holding the end of this page and the start of the next (RAM is contiguous
 * on the host, but the next virtual page may map anywhere).
 */
const uint8_t *mode_code_bytes(CPUX86State *env, uint32_t pc, uint32_t *avail)
{
    static __thread uint8_t bounce[32];
    static const uint8_t all_ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                          0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    struct x86_sys *sys = env_sys(env);
    uint64_t paddr;
    uint32_t error;
    *avail = 0;
    if (sys->step == SYS_STEP_RUNNING && pc != env->segs[R_CS].base + env->eip)
        return all_ones;        /* a one-instruction TB: nothing after its instruction */
    if (!fetch_translate(env, pc, &paddr, &error)) {
        sys->fetch_fault_addr = pc;
        sys->fetch_fault_error = error;
        return all_ones;
    }
    uint8_t *host = sys_phys_ram_ptr(paddr);
    if (!host) {
        /* Executing from a device or a hole: the bus reads all ones, which decodes as #UD. */
        *avail = 16;
        return all_ones;
    }
    uint32_t n = 0x1000 - (pc & 0xfff);
    if (n >= 16) {
        *avail = n;
        return host;
    }
    memcpy(bounce, host, n);
    *avail = n;
    uint64_t p2;
    uint8_t *h2;
    if (!fetch_translate(env, pc + n, &p2, &error)) {
        /* If the instruction does not fit in n bytes the decoder fails: a fetch #PF there. */
        sys->fetch_fault_addr = pc + n;
        sys->fetch_fault_error = error;
    } else {
        h2 = sys_phys_ram_ptr(p2);
        if (h2)
            memcpy(bounce + n, h2, 16);
        else
            memset(bounce + n, 0xff, 16);
        *avail = n + 16;
    }
    return bounce;
}

/* The physical page of vaddr for the TB key, without faulting (a fault shows when translating). */
static uint32_t phys_page_key(CPUX86State *env, uint32_t vaddr, bool *ok)
{
    uint64_t paddr;
    uint32_t error;
    if (!fetch_translate(env, vaddr, &paddr, &error)) {
        *ok = false;
        return 0;
    }
    return (uint32_t)(paddr >> 12);
}

static bool tb_is_step(const TranslationBlock *tb, void *opaque)
{
    (void)opaque;
    return (tb->flags & SYS_TBF_STEP) != 0;
}

void softmmu_step_end(CPUX86State *env)
{
    struct x86_sys *sys = env_sys(env);
    if (sys->step == SYS_STEP_SMC) {
        sys->step = SYS_STEP_ARMED;     /* the exit that armed it: the step runs next */
        return;
    }
    if (sys->step == SYS_STEP_RUNNING) {
        /* An x86 instruction is at most 15 bytes: this covers the step TB whatever it was. The
         * ordinary TBs around it stay. step_eip is an offset from the CS base. */
        uint32_t start = env->segs[R_CS].base + sys->step_eip;
        tb_invalidate_range_matching(start, start + 16 < start ? 0xffffffffu : start + 16, tb_is_step, NULL);
        sys->inhibit_irq = false;
    }
    sys->step = SYS_STEP_NONE;
}

/*
 * The exec loop asks for the flags of every TB it looks up. A step armed by the vCPU loop starts
 * with the TB at the shadowed instruction; the next lookup ends it and makes the exec loop stop
 * before running anything else, so that the interrupt is taken right there.
 */
uint32_t mode_tb_flags(const CPUX86State *cenv)
{
    CPUX86State *env = (CPUX86State *)cenv;
    struct x86_sys *sys = env_sys(env);
    uint32_t flags = (uint32_t)sys->cpl;
    if (sys->step == SYS_STEP_ARMED && env->eip == sys->step_eip) {
        sys->step = SYS_STEP_RUNNING;
        flags |= SYS_TBF_STEP;
    } else if (sys->step != SYS_STEP_NONE) {
        softmmu_step_end(env);
        env->exit_request = 1;
    }
    if (sys->cr0 & CR0_TS)
        flags |= SYS_TBF_TS;
    if (sys->cr0 & CR0_EM)
        flags |= SYS_TBF_EM;
    if (sys->cr0 & CR0_MP)
        flags |= SYS_TBF_MP;
    if (!(sys->cr4 & CR4_OSFXSR))
        flags |= SYS_TBF_NOSSE;
    flags |= sys->seg_tb_flags;
    /* The code's linear address; the TB key holds the CS base itself too (tb.c). */
    uint32_t pc = env->segs[R_CS].base + env->eip;
    bool ok = true;
    uint32_t key = phys_page_key(env, pc, &ok);
    /* A TB starting in the last 15 bytes of a page may hold an instruction reaching into the
     * next page: that page's mapping is part of what was translated. */
    if (ok && (pc & 0xfff) > 0x1000 - 16) {
        bool ok2 = true;
        uint32_t k2 = phys_page_key(env, (pc & ~0xfffu) + 0x1000, &ok2);
        if (ok2)
            key ^= (k2 * 0x9e3779b1u) >> 12;
    }
    if (!ok)
        return flags | SYS_TBF_NO_PHYS;
    return flags | (key << SYS_TBF_PHYS_SHIFT);
}
