/*
 * The guest address space: 4 GiB of host address space reserved at guest_base, managed in 4 KiB
 * guest pages whatever the host page size is (MIPS Linux kernels often use 16 KiB pages).
 *
 * Invariants:
 * - Every host page of the reservation is always mapped: PROT_NONE while no guest page in it is
 *   valid, otherwise with the union of its valid guest pages' permissions (read for any of R/W/X,
 *   write for W; the host never executes guest code, so never PROT_EXEC), minus write while any of
 *   its guest pages holds translated code (PAGE_CODE): a guest store there faults, and the fault
 *   handler drops the code before letting the store happen (guest_unprotect_code). A guest page
 *   that shares a host page with a valid one is therefore reachable by translated code although the
 *   guest never mapped it; syscalls still refuse it because they check page_flags, not the host
 *   mapping.
 * - page_flags[] is the guest's truth: VALID plus exactly the R/W/X the guest asked for, plus CODE.
 * - A host page is replaced by a fresh mapping only when none of its other guest pages is valid;
 *   otherwise its contents are kept and the changed guest pages are zeroed or filled by hand.
 * - Pages that held translated code lose their TBs (tb_invalidate_range) before they are remapped,
 *   unmapped or lose PROT_EXEC, so the core never runs code the guest can no longer see.
 * - Syscalls that will write guest memory check it with guest_range_valid(..., PAGE_WRITE), which
 *   also unprotects code pages in the range, so the host kernel never fails them with EFAULT.
 *
 * Locking (guest threads share the space): map_lock serialises the operations that change the
 * map (mmap, munmap, mprotect, mremap, brk); prot_lock guards page_flags writes and host
 * protections and is a leaf lock, taken also under tb_lock (a TB marks its pages) and in the fault
 * handler. tb_invalidate_range is never called with prot_lock held.
 *
 * File mappings are real host file mappings when address and offset are host-page aligned; a
 * MAP_PRIVATE mapping that is not is emulated by reading the file into anonymous memory (later
 * writes to the file are then not seen through the mapping). A misaligned MAP_SHARED file mapping
 * cannot be emulated and fails with EINVAL. mremap supports anonymous mappings only (see guest_mremap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/tb.h"
#include "common/xqm.h"
#include "linux-user/user.h"

_Static_assert(PAGE_READ == PROT_READ && PAGE_WRITE == PROT_WRITE && PAGE_EXEC == PROT_EXEC,
               "page flags use the PROT_* values");

#define NUM_GUEST_PAGES (GUEST_SPACE_SIZE >> GUEST_PAGE_BITS)
/* Beyond 4 GiB: an access at 0xffffffff of up to 16 bytes must fault, not touch host memory. */
#define GUARD_SIZE (64u << 10)

static uint8_t page_flags[NUM_GUEST_PAGES];
static uint64_t host_page_size;
static bool read_implies_exec;
static uint32_t brk_start, brk_current;
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t prot_lock = PTHREAD_MUTEX_INITIALIZER;

/* Guest addresses are computed in 64 bits so that the end of the space, 2^32, is representable. */
static inline uint8_t *flags_of(uint64_t addr) { return &page_flags[addr >> GUEST_PAGE_BITS]; }
static inline uint64_t host_page_down(uint64_t a) { return a & ~(host_page_size - 1); }
static inline uint64_t host_page_up(uint64_t a) { return (a + host_page_size - 1) & ~(host_page_size - 1); }
static inline uint64_t guest_page_up(uint64_t a) { return (a + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1); }

static void *host_addr(uint64_t guest_addr)
{
    return (void *)(uintptr_t)(guest_base + guest_addr);
}

void guest_space_init(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (ps < GUEST_PAGE_SIZE || (ps & (ps - 1)) != 0 || ps > (1 << 16))
        xqm_fatal("host page size %ld is not supported (need a power of two, 4 KiB to 64 KiB)", ps);
    host_page_size = (uint64_t)ps;

    /*
     * guest_base 0 makes guest and host pointers the same, which keeps translated memory accesses
     * one instruction shorter. The static xqm binary sits above 4 GiB, so the range is normally free.
     * Kernels before 4.17 take MAP_FIXED_NOREPLACE as a mere hint, hence the address check.
     */
    uint64_t low = GUEST_LOWEST_MAP;
    size_t size = GUEST_SPACE_SIZE - low + GUARD_SIZE;
    void *want = (void *)(uintptr_t)low;
    void *p = mmap(want, size, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == want) {
        guest_base = 0;
        return;
    }
    if (p != MAP_FAILED)
        munmap(p, size);
    size = GUEST_SPACE_SIZE + GUARD_SIZE;
    p = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        xqm_fatal("cannot reserve 4 GiB of host address space for the guest: %s", strerror(errno));
    guest_base = (uint64_t)(uintptr_t)p;
}

static unsigned effective_prot(uint8_t f)
{
    if (!(f & PAGE_VALID))
        return 0;
    unsigned prot = f & (PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    if (prot & (PAGE_WRITE | PAGE_EXEC))
        prot |= PAGE_READ;      /* x86 pages are readable whenever present */
    return prot;
}

bool guest_range_valid(uint32_t addr, uint32_t len, unsigned prot)
{
    if (len == 0)
        return true;
    uint64_t end = (uint64_t)addr + len;
    if (end > GUEST_SPACE_SIZE)
        return false;
    bool code = false;
    for (uint64_t a = addr & GUEST_PAGE_MASK; a < end; a += GUEST_PAGE_SIZE) {
        uint8_t f = *flags_of(a);
        if (!(f & PAGE_VALID) || (effective_prot(f) & prot) != prot)
            return false;
    }
    if (!(prot & PAGE_WRITE))
        return true;
    /* The caller is about to write: code in any host page of the range must go first. */
    for (uint64_t hp = host_page_down(addr); hp < end; hp += host_page_size) {
        for (uint64_t a = hp; a < hp + host_page_size; a += GUEST_PAGE_SIZE)
            code |= (*flags_of(a) & PAGE_CODE) != 0;
        if (code) {
            uint32_t s, n;
            guest_unprotect_code((uint32_t)hp, &s, &n);
            code = false;
        }
    }
    return true;
}

void guest_space_fork_lock(bool lock)
{
    if (lock) {
        pthread_mutex_lock(&map_lock);
        pthread_mutex_lock(&prot_lock);
    } else {
        pthread_mutex_unlock(&prot_lock);
        pthread_mutex_unlock(&map_lock);
    }
}

uint32_t guest_host_page_size(void)
{
    return (uint32_t)host_page_size;
}

unsigned guest_page_flags(uint32_t addr)
{
    return *flags_of(addr);
}

static int host_prot_of_host_page(uint64_t hp);

void guest_page_mark_code(uint32_t page_addr)
{
    if (*flags_of(page_addr) & PAGE_CODE)
        return;
    pthread_mutex_lock(&prot_lock);
    if (!(*flags_of(page_addr) & PAGE_CODE)) {
        *flags_of(page_addr) |= PAGE_CODE;
        uint64_t hp = host_page_down(page_addr);
        mprotect(host_addr(hp), host_page_size, host_prot_of_host_page(hp));
    }
    pthread_mutex_unlock(&prot_lock);
}

bool guest_unprotect_code(uint32_t addr, uint32_t *hp_start, uint32_t *hp_size)
{
    uint64_t hp = host_page_down(addr);
    *hp_start = (uint32_t)hp;
    *hp_size = (uint32_t)host_page_size;
    bool had_code = false;
    pthread_mutex_lock(&prot_lock);
    for (uint64_t a = hp; a < hp + host_page_size; a += GUEST_PAGE_SIZE) {
        if (*flags_of(a) & PAGE_CODE) {
            *flags_of(a) &= ~PAGE_CODE;
            had_code = true;
        }
    }
    int prot = host_prot_of_host_page(hp);
    if (had_code)
        mprotect(host_addr(hp), host_page_size, prot);
    pthread_mutex_unlock(&prot_lock);
    /* Outside prot_lock (see the locking rules above). A TB translated from this host page in the
     * meantime is dropped as well, which is merely wasted work. */
    uint64_t end = hp + host_page_size;
    if (had_code)
        tb_invalidate_range((uint32_t)hp, end >= GUEST_SPACE_SIZE ? 0xffffffffu : (uint32_t)end);
    return (prot & PROT_WRITE) != 0;
}

void guest_set_read_implies_exec(bool on)
{
    read_implies_exec = on;
}

/* The host protection a host page needs: the union over its valid guest pages. */
static int host_prot_of_host_page(uint64_t hp)
{
    int prot = PROT_NONE;
    bool code = false;
    for (uint64_t a = hp; a < hp + host_page_size; a += GUEST_PAGE_SIZE) {
        unsigned p = effective_prot(*flags_of(a));
        if (p & PAGE_READ)
            prot |= PROT_READ;
        if (p & PAGE_WRITE)
            prot |= PROT_WRITE;
        code |= (*flags_of(a) & PAGE_CODE) != 0;
    }
    return code ? prot & ~PROT_WRITE : prot;
}

static bool host_page_has_valid_outside(uint64_t hp, uint64_t lo, uint64_t hi)
{
    for (uint64_t a = hp; a < hp + host_page_size; a += GUEST_PAGE_SIZE) {
        if ((a < lo || a >= hi) && (*flags_of(a) & PAGE_VALID))
            return true;
    }
    return false;
}

static bool range_is_free(uint64_t start, uint64_t end)
{
    for (uint64_t a = start; a < end; a += GUEST_PAGE_SIZE) {
        if (*flags_of(a) & PAGE_VALID)
            return false;
    }
    return true;
}

static bool range_is_valid(uint64_t start, uint64_t end)
{
    for (uint64_t a = start; a < end; a += GUEST_PAGE_SIZE) {
        if (!(*flags_of(a) & PAGE_VALID))
            return false;
    }
    return true;
}

static void sync_host_prot(uint64_t start, uint64_t end)
{
    pthread_mutex_lock(&prot_lock);
    for (uint64_t hp = host_page_down(start); hp < end; hp += host_page_size)
        mprotect(host_addr(hp), host_page_size, host_prot_of_host_page(hp));
    pthread_mutex_unlock(&prot_lock);
}

/* Back to the reservation state: no memory behind it, PROT_NONE. */
static int release_host_pages(uint64_t start, uint64_t end)
{
    if (start >= end)
        return 0;
    void *p = mmap(host_addr(start), end - start, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return p == MAP_FAILED ? -errno : 0;
}

static void drop_translated_code(uint64_t start, uint64_t end)
{
    bool had_code = false;
    pthread_mutex_lock(&prot_lock);
    for (uint64_t a = start; a < end; a += GUEST_PAGE_SIZE) {
        if (*flags_of(a) & PAGE_CODE) {
            had_code = true;
            *flags_of(a) &= ~PAGE_CODE;
        }
    }
    pthread_mutex_unlock(&prot_lock);
    /* tb_invalidate_range takes a 32-bit end: the space's last byte stays out, and no TB starts there. */
    if (had_code)
        tb_invalidate_range((uint32_t)start, end >= GUEST_SPACE_SIZE ? 0xffffffffu : (uint32_t)end);
}

static void set_flags(uint64_t start, uint64_t end, uint8_t flags)
{
    pthread_mutex_lock(&prot_lock);
    for (uint64_t a = start; a < end; a += GUEST_PAGE_SIZE)
        *flags_of(a) = flags;
    pthread_mutex_unlock(&prot_lock);
}

static uint8_t page_flags_for_prot(unsigned prot)
{
    prot &= PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    if (read_implies_exec && (prot & PAGE_READ))
        prot |= PAGE_EXEC;
    return PAGE_VALID | prot;
}

/*
 * The host pages under [start, end) split into a partial head, whole middle pages and a partial
 * tail; each part may be empty. A range inside one host page is all head.
 */
struct host_split {
    uint64_t head_lo, head_hi, mid_lo, mid_hi, tail_lo, tail_hi;
};

static struct host_split split_host_pages(uint64_t start, uint64_t end)
{
    uint64_t up = host_page_up(start), down = host_page_down(end);
    if (up > down)
        return (struct host_split){ start, end, 0, 0, 0, 0 };
    return (struct host_split){ start, up, up, down, down, end };
}

/* Whether mapping [lo, hi) of host page hp would have to keep other guest pages' data. */
static bool partial_needs_merge(uint64_t lo, uint64_t hi)
{
    return lo < hi && host_page_has_valid_outside(host_page_down(lo), lo, hi);
}

/*
 * Makes [lo, hi), a piece of one host page, zeroed guest memory: a fresh host page if nothing else
 * in it is valid, else zeroed in place with the host page made writable for the moment.
 */
static int zero_partial(uint64_t lo, uint64_t hi, int share)
{
    if (lo >= hi)
        return 0;
    uint64_t hp = host_page_down(lo);
    if (!host_page_has_valid_outside(hp, lo, hi)) {
        void *p = mmap(host_addr(hp), host_page_size, PROT_NONE,
                       share | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        return p == MAP_FAILED ? -errno : 0;
    }
    /* Under prot_lock: a TB marking a neighbour page must not make the page read-only meanwhile. */
    pthread_mutex_lock(&prot_lock);
    int err = mprotect(host_addr(hp), host_page_size, PROT_READ | PROT_WRITE) != 0 ? -errno : 0;
    if (err == 0)
        memset(host_addr(lo), 0, hi - lo);
    pthread_mutex_unlock(&prot_lock);
    return err;
}

/* Anonymous zeroed memory for [start, end) with guest flags `flags`; the caller checked sharing. */
static int map_anonymous(uint64_t start, uint64_t end, uint8_t flags, bool shared)
{
    int share = shared ? MAP_SHARED : MAP_PRIVATE;
    struct host_split s = split_host_pages(start, end);
    int err = zero_partial(s.head_lo, s.head_hi, share);
    if (err == 0)
        err = zero_partial(s.tail_lo, s.tail_hi, share);
    if (err == 0 && s.mid_lo < s.mid_hi) {
        void *p = mmap(host_addr(s.mid_lo), s.mid_hi - s.mid_lo, PROT_NONE,
                       share | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED)
            err = -errno;
    }
    if (err != 0)
        return err;
    set_flags(start, end, flags);
    sync_host_prot(start, end);
    return 0;
}

/*
 * Top-down search below `top` (down to `bottom`) for `len` bytes of whole free host pages, so that
 * the mapping placed there never shares a host page with another one and file mappings can be real.
 */
static int64_t find_free_top_down(uint64_t bottom, uint64_t top, uint64_t len, uint64_t align)
{
    uint64_t need = host_page_up(len);
    uint64_t run_end = host_page_down(top);
    for (uint64_t hp = run_end; hp >= host_page_size + bottom; ) {
        hp -= host_page_size;
        if (!range_is_free(hp, hp + host_page_size)) {
            run_end = hp;
            continue;
        }
        if (run_end - hp >= need && (hp & (align - 1)) == 0)
            return (int64_t)hp;
    }
    return -ENOMEM;
}

static int64_t find_free_aligned(uint64_t len, uint64_t align)
{
    uint64_t stack_floor = GUEST_STACK_TOP - GUEST_STACK_SIZE - GUEST_PAGE_SIZE;
    int64_t at = find_free_top_down(GUEST_LOWEST_MAP, GUEST_MMAP_TOP, len, align);
    if (at < 0)
        at = find_free_top_down(GUEST_MMAP_TOP, stack_floor, len, align);
    if (at < 0)
        at = find_free_top_down(GUEST_STACK_TOP + GUEST_PAGE_SIZE, GUEST_HIGH_TOP, len, align);
    return at;
}

static int64_t find_free_range(uint64_t hint, uint64_t len)
{
    uint64_t stack_floor = GUEST_STACK_TOP - GUEST_STACK_SIZE - GUEST_PAGE_SIZE;
    bool low = hint >= GUEST_LOWEST_MAP && hint + len <= stack_floor;
    bool high = hint >= GUEST_STACK_TOP + GUEST_PAGE_SIZE && hint + len <= GUEST_HIGH_TOP;
    if ((low || high) && hint == host_page_down(hint) && range_is_free(hint, host_page_up(hint + len)))
        return (int64_t)hint;
    return find_free_aligned(len, host_page_size);
}

/* Checks a file descriptor the way Linux's mmap does before anything is changed. */
static int check_mappable_fd(int fd, bool shared, unsigned prot)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -errno;
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        return -ENODEV;
    int mode = fcntl(fd, F_GETFL);
    if (mode < 0)
        return -errno;
    mode &= O_ACCMODE;
    if (mode == O_WRONLY)
        return -EACCES;
    if (shared && (prot & PAGE_WRITE) && mode != O_RDWR)
        return -EACCES;
    return 0;
}

/* MAP_PRIVATE file data in anonymous memory, for mappings the host cannot map directly. */
static int map_file_by_reading(uint64_t start, uint64_t end, uint8_t flags, int fd, uint64_t offset)
{
    int err = map_anonymous(start, end, PAGE_VALID | PAGE_READ | PAGE_WRITE, false);
    if (err != 0)
        return err;
    uint8_t *dst = host_addr(start);
    uint64_t done = 0, len = end - start;
    while (done < len) {
        ssize_t n = pread(fd, dst + done, len - done, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err = -errno;
            set_flags(start, end, 0);
            sync_host_prot(start, end);
            return err;
        }
        if (n == 0)
            break;              /* past EOF the pages stay zero */
        done += (uint64_t)n;
    }
    set_flags(start, end, flags);
    sync_host_prot(start, end);
    return 0;
}

static int map_file_directly(uint64_t start, uint64_t end, uint8_t flags, bool shared, int fd,
                             uint64_t offset)
{
    void *p = mmap(host_addr(start), host_page_up(end) - start, PROT_NONE,
                   (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, fd, (off_t)offset);
    if (p == MAP_FAILED)
        return -errno;
    set_flags(start, end, flags);
    sync_host_prot(start, end);
    return 0;
}

static int64_t guest_mmap_locked(uint32_t addr, uint32_t len, unsigned prot, unsigned flags, int fd,
                                 uint64_t offset)
{
    unsigned type = flags & GUEST_MAP_TYPE;
    bool anonymous = (flags & GUEST_MAP_ANONYMOUS) != 0;
    bool fixed = (flags & (GUEST_MAP_FIXED | GUEST_MAP_FIXED_NOREPLACE)) != 0;

    if (type != GUEST_MAP_SHARED && type != GUEST_MAP_PRIVATE && type != GUEST_MAP_SHARED_VALIDATE)
        return -EINVAL;
    bool shared = type != GUEST_MAP_PRIVATE;
    if (len == 0 || (offset & (GUEST_PAGE_SIZE - 1)) != 0 || (prot & ~7u) != 0)
        return -EINVAL;
    uint64_t size = guest_page_up(len);
    if (size > GUEST_SPACE_SIZE - GUEST_LOWEST_MAP)
        return -ENOMEM;
    if (anonymous)
        offset = 0;
    else if (offset + size < offset)
        return -EOVERFLOW;

    uint64_t start;
    if (fixed) {
        if ((addr & ~GUEST_PAGE_MASK) != 0)
            return -EINVAL;
        start = addr;
        if (start < GUEST_LOWEST_MAP)
            return -EPERM;      /* Linux: below mmap_min_addr */
        if (start + size > GUEST_SPACE_SIZE)
            return -ENOMEM;
        if ((flags & GUEST_MAP_FIXED_NOREPLACE) && !range_is_free(start, start + size))
            return -EEXIST;
    } else {
        int64_t found = find_free_range(addr & GUEST_PAGE_MASK, size);
        if (found < 0)
            return found;
        start = (uint64_t)found;
    }
    uint64_t end = start + size;
    uint8_t pflags = page_flags_for_prot(prot);

    if (!anonymous) {
        int err = check_mappable_fd(fd, shared, prot);
        if (err != 0)
            return err;
    }
    struct host_split s = split_host_pages(start, end);
    bool head_merge = partial_needs_merge(s.head_lo, s.head_hi);
    bool tail_merge = partial_needs_merge(s.tail_lo, s.tail_hi);
    bool host_aligned = start == host_page_down(start)
                        && offset == (offset & ~(host_page_size - 1)) && !tail_merge;
    if (shared && (head_merge || tail_merge || (!anonymous && !host_aligned)))
        return -EINVAL;         /* sharing needs whole host pages of our own */

    drop_translated_code(start, end);
    int err;
    if (anonymous)
        err = map_anonymous(start, end, pflags, shared);
    else if (host_aligned)
        err = map_file_directly(start, end, pflags, shared, fd, offset);
    else
        err = map_file_by_reading(start, end, pflags, fd, offset);
    return err != 0 ? err : (int64_t)start;
}

int64_t guest_mmap(uint32_t addr, uint32_t len, unsigned prot, unsigned flags, int fd, uint64_t offset)
{
    pthread_mutex_lock(&map_lock);
    int64_t r = guest_mmap_locked(addr, len, prot, flags, fd, offset);
    pthread_mutex_unlock(&map_lock);
    return r;
}

static void unmap_range(uint64_t start, uint64_t end)
{
    drop_translated_code(start, end);
    set_flags(start, end, 0);
    struct host_split s = split_host_pages(start, end);
    release_host_pages(s.mid_lo, s.mid_hi);
    const uint64_t partial_lo[2] = { s.head_lo, s.tail_lo }, partial_hi[2] = { s.head_hi, s.tail_hi };
    for (int i = 0; i < 2; i++) {
        if (partial_lo[i] >= partial_hi[i])
            continue;
        uint64_t hp = host_page_down(partial_lo[i]);
        if (host_page_has_valid_outside(hp, partial_lo[i], partial_hi[i]))
            sync_host_prot(hp, hp + host_page_size);
        else
            release_host_pages(hp, hp + host_page_size);
    }
}

static int guest_munmap_locked(uint32_t addr, uint32_t len)
{
    if ((addr & ~GUEST_PAGE_MASK) != 0 || len == 0)
        return -EINVAL;
    uint64_t end = (uint64_t)addr + guest_page_up(len);
    if (end > GUEST_SPACE_SIZE)
        return -EINVAL;
    /* Nothing is ever mapped below GUEST_LOWEST_MAP, and with guest_base 0 that is not ours. */
    uint64_t start = addr < GUEST_LOWEST_MAP ? GUEST_LOWEST_MAP : addr;
    if (start < end)
        unmap_range(start, end);
    return 0;
}

int guest_munmap(uint32_t addr, uint32_t len)
{
    pthread_mutex_lock(&map_lock);
    int r = guest_munmap_locked(addr, len);
    pthread_mutex_unlock(&map_lock);
    return r;
}

static int guest_mprotect_locked(uint32_t addr, uint32_t len, unsigned prot)
{
    if ((addr & ~GUEST_PAGE_MASK) != 0 || (prot & ~7u) != 0)
        return -EINVAL;
    uint64_t end = (uint64_t)addr + guest_page_up(len);
    if (end > GUEST_SPACE_SIZE)
        return -ENOMEM;
    if (!range_is_valid(addr, end))
        return -ENOMEM;
    uint8_t pflags = page_flags_for_prot(prot);
    if (!(pflags & PAGE_EXEC))
        drop_translated_code(addr, end);
    pthread_mutex_lock(&prot_lock);
    for (uint64_t a = addr; a < end; a += GUEST_PAGE_SIZE)
        *flags_of(a) = pflags | (*flags_of(a) & PAGE_CODE);
    pthread_mutex_unlock(&prot_lock);
    sync_host_prot(addr, end);
    return 0;
}

int guest_mprotect(uint32_t addr, uint32_t len, unsigned prot)
{
    pthread_mutex_lock(&map_lock);
    int r = guest_mprotect_locked(addr, len, prot);
    pthread_mutex_unlock(&map_lock);
    return r;
}

/*
 * Only anonymous mappings keep their meaning here: a grown file mapping gets zero pages and a moved
 * shared mapping stops being shared. glibc's realloc of mmapped chunks, the main user, is anonymous.
 */
static int64_t guest_mremap_locked(uint32_t old_addr, uint32_t old_len, uint32_t new_len, unsigned flags,
                     uint32_t new_addr)
{
    if ((old_addr & ~GUEST_PAGE_MASK) != 0 || (flags & ~3u) != 0 || new_len == 0 || old_len == 0)
        return -EINVAL;
    if ((flags & GUEST_MREMAP_FIXED) && !(flags & GUEST_MREMAP_MAYMOVE))
        return -EINVAL;
    uint64_t old_size = guest_page_up(old_len), new_size = guest_page_up(new_len);
    uint64_t old_end = (uint64_t)old_addr + old_size;
    if (old_end > GUEST_SPACE_SIZE || new_size > GUEST_SPACE_SIZE - GUEST_LOWEST_MAP)
        return -EINVAL;
    if (!range_is_valid(old_addr, old_end))
        return -EFAULT;
    unsigned prot = *flags_of(old_addr) & (PAGE_READ | PAGE_WRITE | PAGE_EXEC);

    if (!(flags & GUEST_MREMAP_FIXED)) {
        if (new_size <= old_size) {
            if (new_size < old_size)
                unmap_range(old_addr + new_size, old_end);
            return old_addr;
        }
        uint64_t grown_end = (uint64_t)old_addr + new_size;
        if (grown_end <= GUEST_STACK_TOP - GUEST_STACK_SIZE - GUEST_PAGE_SIZE
            && range_is_free(old_end, grown_end)) {
            int err = map_anonymous(old_end, grown_end, page_flags_for_prot(prot), false);
            return err != 0 ? err : (int64_t)old_addr;
        }
        if (!(flags & GUEST_MREMAP_MAYMOVE))
            return -ENOMEM;
    }

    uint64_t dest;
    if (flags & GUEST_MREMAP_FIXED) {
        if ((new_addr & ~GUEST_PAGE_MASK) != 0 || (uint64_t)new_addr + new_size > GUEST_SPACE_SIZE
            || new_addr < GUEST_LOWEST_MAP)
            return -EINVAL;
        if (new_addr < old_end && old_addr < (uint64_t)new_addr + new_size)
            return -EINVAL;
        dest = new_addr;
        unmap_range(dest, dest + new_size);
    } else {
        int64_t found = find_free_range(0, new_size);
        if (found < 0)
            return found;
        dest = (uint64_t)found;
    }
    int err = map_anonymous(dest, dest + new_size, PAGE_VALID | PAGE_READ | PAGE_WRITE, false);
    if (err != 0)
        return err;
    memcpy(host_addr(dest), host_addr(old_addr), old_size < new_size ? old_size : new_size);
    uint8_t pflags = page_flags_for_prot(prot);
    set_flags(dest, dest + new_size, pflags);
    sync_host_prot(dest, dest + new_size);
    unmap_range(old_addr, old_end);
    return (int64_t)dest;
}

int64_t guest_mremap(uint32_t old_addr, uint32_t old_len, uint32_t new_len, unsigned flags,
                     uint32_t new_addr)
{
    pthread_mutex_lock(&map_lock);
    int64_t r = guest_mremap_locked(old_addr, old_len, new_len, flags, new_addr);
    pthread_mutex_unlock(&map_lock);
    return r;
}

int64_t guest_attach_foreign(uint32_t addr, uint32_t len, unsigned prot, uint32_t align,
                             int (*map)(void *host, size_t len, void *opaque), void *opaque)
{
    uint64_t size = host_page_up(len);
    if (len == 0 || size > GUEST_SPACE_SIZE - GUEST_LOWEST_MAP)
        return -EINVAL;
    if (align < host_page_size)
        align = host_page_size;
    pthread_mutex_lock(&map_lock);
    int64_t start = addr;
    if (addr == 0) {
        start = find_free_aligned(size, align);
    } else if ((addr & (align - 1)) != 0 || addr < GUEST_LOWEST_MAP
               || (uint64_t)addr + size > GUEST_SPACE_SIZE) {
        start = -EINVAL;
    }
    if (start >= 0) {
        /* A partly used host page cannot take a foreign mapping: the attach replaces all of it. */
        if (addr != 0 && (host_page_has_valid_outside(host_page_down((uint64_t)start),
                                                       (uint64_t)start, (uint64_t)start + size)))
            start = -EINVAL;
    }
    if (start >= 0) {
        drop_translated_code((uint64_t)start, (uint64_t)start + size);
        int err = map(host_addr((uint64_t)start), size, opaque);
        if (err) {
            start = err;
        } else {
            set_flags((uint64_t)start, (uint64_t)start + size, page_flags_for_prot(prot));
            sync_host_prot((uint64_t)start, (uint64_t)start + size);
        }
    }
    pthread_mutex_unlock(&map_lock);
    return start;
}

int guest_detach_foreign(uint32_t addr, uint32_t len, int (*unmap)(void *host, void *opaque),
                         void *opaque)
{
    uint64_t end = (uint64_t)addr + host_page_up(len);
    pthread_mutex_lock(&map_lock);
    drop_translated_code(addr, end);
    int err = unmap(host_addr(addr), opaque);
    if (err == 0) {
        set_flags(addr, end, 0);
        release_host_pages(addr, end);
    }
    pthread_mutex_unlock(&map_lock);
    return err;
}

int guest_msync(uint32_t addr, uint32_t len, unsigned flags)
{
    if ((addr & ~GUEST_PAGE_MASK) != 0)
        return -EINVAL;
    uint64_t end = (uint64_t)addr + guest_page_up(len);
    if (end > GUEST_SPACE_SIZE)
        return -ENOMEM;
    if (!range_is_valid(addr, end))
        return -ENOMEM;
    /* The host wants its own page alignment; syncing a little more is harmless. */
    uint64_t start = host_page_down(addr);
    return msync(host_addr(start), host_page_up(end) - start, (int)flags) == 0 ? 0 : -errno;
}

void guest_space_walk(void (*fn)(uint32_t start, uint64_t end, unsigned prot, void *opaque),
                      void *opaque)
{
    const unsigned rwx = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    uint64_t a = 0;
    while (a < GUEST_SPACE_SIZE) {
        uint8_t f = *flags_of(a);
        if (!(f & PAGE_VALID)) {
            a += GUEST_PAGE_SIZE;
            continue;
        }
        uint64_t start = a;
        while (a < GUEST_SPACE_SIZE && (*flags_of(a) & PAGE_VALID) && (*flags_of(a) & rwx) == (f & rwx))
            a += GUEST_PAGE_SIZE;
        fn((uint32_t)start, a, f & rwx, opaque);
    }
}

void guest_brk_init(uint32_t start)
{
    brk_start = brk_current = start;
}

static uint32_t guest_brk_locked(uint32_t new_brk)
{
    if (new_brk < brk_start)
        return brk_current;
    uint64_t old_end = guest_page_up(brk_current), new_end = guest_page_up(new_brk);
    if (new_end > old_end) {
        /* Linux keeps a guard gap below the stack; ours is the unmapped page under it. */
        if (new_end > GUEST_STACK_TOP - GUEST_STACK_SIZE - GUEST_PAGE_SIZE
            || !range_is_free(old_end, new_end))
            return brk_current;
        if (map_anonymous(old_end, new_end, page_flags_for_prot(PAGE_READ | PAGE_WRITE), false) != 0)
            return brk_current;
    } else if (new_end < old_end) {
        unmap_range(new_end, old_end);
    }
    brk_current = new_brk;
    return brk_current;
}

uint32_t guest_brk(uint32_t new_brk)
{
    pthread_mutex_lock(&map_lock);
    uint32_t r = guest_brk_locked(new_brk);
    pthread_mutex_unlock(&map_lock);
    return r;
}
