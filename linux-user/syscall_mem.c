/*
 * Memory syscalls: brk, the two mmap entry points, munmap, mprotect, mremap, madvise. The work is
 * done in mmap.c; this file only decodes the i386 calling conventions.
 */
#include <errno.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

/* Results that are addresses may look negative as int32: only -4095..-1 are errors on i386. */
static int32_t address_result(int64_t r)
{
    return r < 0 ? guest_err((int)-r) : (int32_t)(uint32_t)r;
}

int32_t sys_brk(const struct syscall *sc)
{
    return (int32_t)guest_brk(sc->arg[0]);
}

/* mmap2: the offset is in 4096-byte units whatever the page size, so files up to 16 TiB fit. */
int32_t sys_mmap2(const struct syscall *sc)
{
    return address_result(guest_mmap(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3],
                                     (int)sc->arg[4], (uint64_t)sc->arg[5] << 12));
}

/* The old mmap (number 90): one pointer to six words, the offset in bytes. */
int32_t sys_mmap(const struct syscall *sc)
{
    const uint8_t *p = guest_ptr(sc->arg[0], 6 * 4, PAGE_READ);
    if (!p)
        return guest_err(EFAULT);
    uint32_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = load_u32(p + 4 * i);
    if (a[5] & (GUEST_PAGE_SIZE - 1))
        return guest_err(EINVAL);
    return address_result(guest_mmap(a[0], a[1], a[2], a[3], (int)a[4], a[5]));
}

int32_t sys_munmap(const struct syscall *sc)
{
    return guest_ret_neg(guest_munmap(sc->arg[0], sc->arg[1]));
}

int32_t sys_mprotect(const struct syscall *sc)
{
    return guest_ret_neg(guest_mprotect(sc->arg[0], sc->arg[1], sc->arg[2]));
}

int32_t sys_mremap(const struct syscall *sc)
{
    return address_result(guest_mremap(sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], sc->arg[4]));
}

/*
 * Advice changes no result a program can rely on, except MADV_DONTNEED's zeroing of private
 * anonymous pages, which only allocators that would otherwise munmap depend on; accepted as advice.
 */
int32_t sys_madvise(const struct syscall *sc)
{
    if (sc->arg[0] & (GUEST_PAGE_SIZE - 1))
        return guest_err(EINVAL);
    uint64_t len = ((uint64_t)sc->arg[1] + GUEST_PAGE_SIZE - 1) & ~(uint64_t)(GUEST_PAGE_SIZE - 1);
    if (sc->arg[0] + len > GUEST_SPACE_SIZE)
        return guest_err(EINVAL);
    if (!guest_range_valid(sc->arg[0], (uint32_t)len, 0))
        return guest_err(ENOMEM);
    return 0;
}

int32_t sys_msync(const struct syscall *sc)
{
    return guest_ret_neg(guest_msync(sc->arg[0], sc->arg[1], sc->arg[2]));
}
