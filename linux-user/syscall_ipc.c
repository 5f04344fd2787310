/*
 * System V IPC: semaphores, message queues and shared memory, through the direct syscalls and the
 * ipc() multiplexer of older i386 libcs.
 *
 * Layouts: the i386 ipc64_perm/semid64_ds/msqid64_ds/shmid64_ds have 16-bit modes and 32-bit
 * longs, and a message's mtype is a 32-bit long, so each is converted to and from the host libc's
 * structures. Only the IPC_64 forms of the *ctl commands are supported (what every libc of this
 * century sends). IPC_* flags, commands and struct sembuf are the same on both sides.
 *
 * Shared memory is attached by the host kernel straight into the guest's address space
 * (guest_attach_foreign), at an address aligned to the host's SHMLBA (256 KiB on MIPS, where the
 * caches require it); a requested address must be aligned that way too. Attachments are
 * remembered so that shmdt knows how much to give back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

enum {
    G_IPC_64 = 0x100, MAX_MSG = 1 << 20, MAX_SEMS = 32000, MAX_ATTACH = 256,
    G_SHM_RDONLY = 010000, G_SHM_RND = 020000,
};

struct __attribute__((packed)) g_ipc64_perm {
    int32_t key;
    uint32_t uid, gid, cuid, cgid;
    uint16_t mode, pad1, seq, pad2;
    uint32_t unused1, unused2;
};
struct __attribute__((packed)) g_semid64_ds {
    struct g_ipc64_perm perm;
    uint32_t otime, otime_high, ctime, ctime_high, nsems, unused3, unused4;
};
struct __attribute__((packed)) g_msqid64_ds {
    struct g_ipc64_perm perm;
    uint32_t stime, stime_high, rtime, rtime_high, ctime, ctime_high, cbytes, qnum, qbytes;
    int32_t lspid, lrpid;
    uint32_t unused4, unused5;
};
struct __attribute__((packed)) g_shmid64_ds {
    struct g_ipc64_perm perm;
    uint32_t segsz, atime, atime_high, dtime, dtime_high, ctime, ctime_high;
    int32_t cpid, lpid;
    uint32_t nattch, unused4, unused5;
};
_Static_assert(sizeof(struct g_ipc64_perm) == 36 && sizeof(struct g_semid64_ds) == 64
               && sizeof(struct g_msqid64_ds) == 88 && sizeof(struct g_shmid64_ds) == 84,
               "i386 SysV IPC structures");

static void perm_to_guest(const struct ipc_perm *h, struct g_ipc64_perm *g)
{
    memset(g, 0, sizeof *g);
    g->key = h->__key;
    g->uid = h->uid;
    g->gid = h->gid;
    g->cuid = h->cuid;
    g->cgid = h->cgid;
    g->mode = (uint16_t)h->mode;
    g->seq = (uint16_t)h->__seq;
}

/* IPC_SET takes uid, gid and mode only. */
static void perm_to_host(const struct g_ipc64_perm *g, struct ipc_perm *h)
{
    h->uid = g->uid;
    h->gid = g->gid;
    h->mode = g->mode;
}

static uint32_t high_word(int64_t t)
{
    return (uint32_t)((uint64_t)t >> 32);
}

/* ---- semaphores ---- */

static int32_t ipc_semctl(int id, int num, uint32_t cmd, uint32_t arg)
{
    int c = (int)(cmd & ~(uint32_t)G_IPC_64);
    switch (c) {
    case IPC_RMID: case GETPID: case GETVAL: case GETNCNT: case GETZCNT:
        return guest_ret(semctl(id, num, c));
    case SETVAL:
        return guest_ret(semctl(id, num, c, (int)arg));
    case IPC_INFO: case SEM_INFO: {
        void *g = guest_ptr(arg, sizeof(struct seminfo), PAGE_WRITE);   /* ten ints */
        return g ? guest_ret(semctl(id, num, c, g)) : guest_err(EFAULT);
    }
    case IPC_STAT: case SEM_STAT: case SEM_STAT_ANY: case IPC_SET: {
        if (!(cmd & G_IPC_64))
            return guest_err(EINVAL);
        struct g_semid64_ds *g = guest_ptr(arg, sizeof *g, c == IPC_SET ? PAGE_READ : PAGE_WRITE);
        if (!g)
            return guest_err(EFAULT);
        struct semid_ds h;
        memset(&h, 0, sizeof h);
        if (c == IPC_SET)
            perm_to_host(&g->perm, &h.sem_perm);
        int r = semctl(id, num, c, &h);
        if (r < 0 || c == IPC_SET)
            return guest_ret(r);
        struct g_semid64_ds out = { .nsems = (uint32_t)h.sem_nsems };
        perm_to_guest(&h.sem_perm, &out.perm);
        out.otime = (uint32_t)h.sem_otime;
        out.otime_high = high_word(h.sem_otime);
        out.ctime = (uint32_t)h.sem_ctime;
        out.ctime_high = high_word(h.sem_ctime);
        memcpy(g, &out, sizeof out);
        return r;
    }
    case GETALL: case SETALL: {
        struct semid_ds st;
        if (semctl(id, 0, IPC_STAT, &st) != 0)
            return guest_err(errno);
        uint32_t n = (uint32_t)st.sem_nsems;
        if (n > MAX_SEMS)
            return guest_err(ERANGE);
        uint16_t *g = guest_ptr(arg, 2 * n, c == GETALL ? PAGE_WRITE : PAGE_READ);
        if (!g && n)
            return guest_err(EFAULT);
        unsigned short *vals = calloc(n ? n : 1, sizeof *vals);
        if (!vals)
            return guest_err(ENOMEM);
        if (c == SETALL)
            memcpy(vals, g, 2 * n);
        int r = semctl(id, 0, c, vals);
        if (r >= 0 && c == GETALL)
            memcpy(g, vals, 2 * n);
        free(vals);
        return guest_ret(r);
    }
    default:
        return guest_err(EINVAL);
    }
}

/* struct sembuf (u16 num, s16 op, s16 flg) is the same on both sides. */
static int32_t ipc_semtimedop(int id, uint32_t sops, uint32_t nsops, uint32_t timeout, bool time64)
{
    if (nsops > MAX_SEMS)
        return guest_err(E2BIG);
    void *ops = guest_ptr(sops, 6 * nsops, PAGE_READ);
    if (!ops && nsops)
        return guest_err(EFAULT);
    struct timespec ts, *tsp = NULL;
    if (timeout) {
        int32_t err = get_guest_timespec(timeout, time64, &ts);
        if (err)
            return err;
        tsp = &ts;
    }
    return guest_ret_neg(safe_syscall(SYS_semtimedop, id, ops, nsops, tsp));
}

/* ---- message queues ---- */

static int32_t ipc_msgsnd(int id, uint32_t msgp, uint32_t size, int flags)
{
    if (size > MAX_MSG)
        return guest_err(EINVAL);
    const uint8_t *g = guest_ptr(msgp, 4 + size, PAGE_READ);
    if (!g)
        return guest_err(EFAULT);
    struct { long mtype; char mtext[]; } *m = malloc(sizeof(long) + size + 1);
    if (!m)
        return guest_err(ENOMEM);
    m->mtype = (int32_t)load_u32(g);
    memcpy(m->mtext, g + 4, size);
    long r = safe_syscall(SYS_msgsnd, id, m, (size_t)size, flags);
    free(m);
    return guest_ret_neg(r);
}

static int32_t ipc_msgrcv(int id, uint32_t msgp, uint32_t size, int32_t type, int flags)
{
    if (size > MAX_MSG)
        return guest_err(EINVAL);
    uint8_t *g = guest_ptr(msgp, 4 + size, PAGE_WRITE);
    if (!g)
        return guest_err(EFAULT);
    struct { long mtype; char mtext[]; } *m = malloc(sizeof(long) + size + 1);
    if (!m)
        return guest_err(ENOMEM);
    long r = safe_syscall(SYS_msgrcv, id, m, (size_t)size, (long)type, flags);
    if (r >= 0) {
        store_u32(g, (uint32_t)m->mtype);
        memcpy(g + 4, m->mtext, (size_t)r);
    }
    free(m);
    return guest_ret_neg(r);
}

static int32_t ipc_msgctl(int id, uint32_t cmd, uint32_t buf)
{
    int c = (int)(cmd & ~(uint32_t)G_IPC_64);
    switch (c) {
    case IPC_RMID:
        return guest_ret(msgctl(id, c, NULL));
    case IPC_INFO: case MSG_INFO: {
        void *g = guest_ptr(buf, sizeof(struct msginfo), PAGE_WRITE);   /* all ints */
        return g ? guest_ret(msgctl(id, c, g)) : guest_err(EFAULT);
    }
    case IPC_STAT: case MSG_STAT: case MSG_STAT_ANY: case IPC_SET: {
        if (!(cmd & G_IPC_64))
            return guest_err(EINVAL);
        struct g_msqid64_ds *g = guest_ptr(buf, sizeof *g, c == IPC_SET ? PAGE_READ : PAGE_WRITE);
        if (!g)
            return guest_err(EFAULT);
        struct msqid_ds h;
        memset(&h, 0, sizeof h);
        if (c == IPC_SET) {
            perm_to_host(&g->perm, &h.msg_perm);
            h.msg_qbytes = g->qbytes;
        }
        int r = msgctl(id, c, &h);
        if (r < 0 || c == IPC_SET)
            return guest_ret(r);
        struct g_msqid64_ds out = {
            .stime = (uint32_t)h.msg_stime, .stime_high = high_word(h.msg_stime),
            .rtime = (uint32_t)h.msg_rtime, .rtime_high = high_word(h.msg_rtime),
            .ctime = (uint32_t)h.msg_ctime, .ctime_high = high_word(h.msg_ctime),
            .cbytes = (uint32_t)h.__msg_cbytes, .qnum = (uint32_t)h.msg_qnum,
            .qbytes = (uint32_t)h.msg_qbytes, .lspid = h.msg_lspid, .lrpid = h.msg_lrpid,
        };
        perm_to_guest(&h.msg_perm, &out.perm);
        memcpy(g, &out, sizeof out);
        return r;
    }
    default:
        return guest_err(EINVAL);
    }
}

/* ---- shared memory ---- */

static struct { uint32_t addr, size; } attachments[MAX_ATTACH];
static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;

struct shm_request {
    int id, flags;
};

static int host_shmat(void *host, size_t len, void *opaque)
{
    (void)len;
    const struct shm_request *rq = opaque;
    return shmat(rq->id, host, rq->flags | SHM_REMAP) == (void *)-1 ? -errno : 0;
}

static int host_shmdt(void *host, void *opaque)
{
    (void)opaque;
    return shmdt(host) == 0 ? 0 : -errno;
}

static int32_t ipc_shmat(int id, uint32_t addr, int flags, uint32_t *result)
{
    struct shmid_ds st;
    if (shmctl(id, IPC_STAT, &st) != 0)
        return guest_err(errno);
    if (flags & G_SHM_RND)
        addr &= ~(uint32_t)(SHMLBA - 1);
    unsigned prot = PAGE_READ | ((flags & G_SHM_RDONLY) ? 0 : PAGE_WRITE)
                    | ((flags & SHM_EXEC) ? PAGE_EXEC : 0);
    struct shm_request rq = { id, flags & (SHM_RDONLY | SHM_EXEC) };
    pthread_mutex_lock(&attach_lock);
    int slot = 0;
    while (slot < MAX_ATTACH && attachments[slot].size)
        slot++;
    int64_t r = slot == MAX_ATTACH ? -EMFILE
                : guest_attach_foreign(addr, (uint32_t)st.shm_segsz, prot, SHMLBA, host_shmat, &rq);
    if (r >= 0) {
        attachments[slot].addr = (uint32_t)r;
        attachments[slot].size = (uint32_t)st.shm_segsz;
        *result = (uint32_t)r;
    }
    pthread_mutex_unlock(&attach_lock);
    return r < 0 ? guest_err((int)-r) : 0;
}

static int32_t ipc_shmdt(uint32_t addr)
{
    pthread_mutex_lock(&attach_lock);
    int slot = 0;
    while (slot < MAX_ATTACH && !(attachments[slot].size && attachments[slot].addr == addr))
        slot++;
    int err = slot == MAX_ATTACH ? -EINVAL
              : guest_detach_foreign(addr, attachments[slot].size, host_shmdt, NULL);
    if (err == 0)
        attachments[slot].size = 0;
    pthread_mutex_unlock(&attach_lock);
    return err ? guest_err(-err) : 0;
}

static int32_t ipc_shmctl(int id, uint32_t cmd, uint32_t buf)
{
    int c = (int)(cmd & ~(uint32_t)G_IPC_64);
    switch (c) {
    case IPC_RMID: case SHM_LOCK: case SHM_UNLOCK:
        return guest_ret(shmctl(id, c, NULL));
    case IPC_INFO: {
        uint8_t *g = guest_ptr(buf, 36, PAGE_WRITE);        /* struct shminfo64: nine longs */
        struct shminfo h;
        int r = g ? shmctl(id, c, (struct shmid_ds *)(void *)&h) : -1;
        if (!g)
            return guest_err(EFAULT);
        if (r >= 0) {
            const unsigned long v[5] = { h.shmmax, h.shmmin, h.shmmni, h.shmseg, h.shmall };
            memset(g, 0, 36);
            for (int i = 0; i < 5; i++)
                store_u32(g + 4 * i, v[i] > 0xffffffffu ? 0xffffffffu : (uint32_t)v[i]);
        }
        return guest_ret(r);
    }
    case SHM_INFO: {
        uint8_t *g = guest_ptr(buf, 24, PAGE_WRITE);        /* int, then five longs */
        struct shm_info h;
        int r = g ? shmctl(id, c, (struct shmid_ds *)(void *)&h) : -1;
        if (!g)
            return guest_err(EFAULT);
        if (r >= 0) {
            store_u32(g, (uint32_t)h.used_ids);
            const unsigned long v[5] = { h.shm_tot, h.shm_rss, h.shm_swp, h.swap_attempts,
                                         h.swap_successes };
            for (int i = 0; i < 5; i++)
                store_u32(g + 4 + 4 * i, (uint32_t)v[i]);
        }
        return guest_ret(r);
    }
    case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY: case IPC_SET: {
        if (!(cmd & G_IPC_64))
            return guest_err(EINVAL);
        struct g_shmid64_ds *g = guest_ptr(buf, sizeof *g, c == IPC_SET ? PAGE_READ : PAGE_WRITE);
        if (!g)
            return guest_err(EFAULT);
        struct shmid_ds h;
        memset(&h, 0, sizeof h);
        if (c == IPC_SET)
            perm_to_host(&g->perm, &h.shm_perm);
        int r = shmctl(id, c, &h);
        if (r < 0 || c == IPC_SET)
            return guest_ret(r);
        struct g_shmid64_ds out = {
            .segsz = (uint32_t)h.shm_segsz,
            .atime = (uint32_t)h.shm_atime, .atime_high = high_word(h.shm_atime),
            .dtime = (uint32_t)h.shm_dtime, .dtime_high = high_word(h.shm_dtime),
            .ctime = (uint32_t)h.shm_ctime, .ctime_high = high_word(h.shm_ctime),
            .cpid = h.shm_cpid, .lpid = h.shm_lpid, .nattch = (uint32_t)h.shm_nattch,
        };
        perm_to_guest(&h.shm_perm, &out.perm);
        memcpy(g, &out, sizeof out);
        return r;
    }
    default:
        return guest_err(EINVAL);
    }
}

/* ---- the syscalls ---- */

int32_t sys_semget(const struct syscall *sc)
{
    return guest_ret(semget((key_t)sc->arg[0], (int)sc->arg[1], (int)sc->arg[2]));
}
int32_t sys_semctl(const struct syscall *sc)
{
    return ipc_semctl((int)sc->arg[0], (int)sc->arg[1], sc->arg[2], sc->arg[3]);
}
int32_t sys_semtimedop_time64(const struct syscall *sc)
{
    return ipc_semtimedop((int)sc->arg[0], sc->arg[1], sc->arg[2], sc->arg[3], true);
}
int32_t sys_msgget(const struct syscall *sc)
{
    return guest_ret(msgget((key_t)sc->arg[0], (int)sc->arg[1]));
}
int32_t sys_msgsnd(const struct syscall *sc)
{
    return ipc_msgsnd((int)sc->arg[0], sc->arg[1], sc->arg[2], (int)sc->arg[3]);
}
int32_t sys_msgrcv(const struct syscall *sc)
{
    return ipc_msgrcv((int)sc->arg[0], sc->arg[1], sc->arg[2], (int32_t)sc->arg[3], (int)sc->arg[4]);
}
int32_t sys_msgctl(const struct syscall *sc)
{
    return ipc_msgctl((int)sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_shmget(const struct syscall *sc)
{
    return guest_ret(shmget((key_t)sc->arg[0], sc->arg[1], (int)sc->arg[2]));
}
int32_t sys_shmctl(const struct syscall *sc)
{
    return ipc_shmctl((int)sc->arg[0], sc->arg[1], sc->arg[2]);
}
int32_t sys_shmdt(const struct syscall *sc) { return ipc_shmdt(sc->arg[0]); }

int32_t sys_shmat(const struct syscall *sc)
{
    uint32_t addr = 0;
    int32_t err = ipc_shmat((int)sc->arg[0], sc->arg[1], (int)sc->arg[2], &addr);
    return err ? err : (int32_t)addr;
}

/* ipc(call, first, second, third, ptr, fifth): the old multiplexer; the version is call >> 16. */
int32_t sys_ipc(const struct syscall *sc)
{
    uint32_t call = sc->arg[0] & 0xffff, version = sc->arg[0] >> 16;
    int first = (int)sc->arg[1];
    uint32_t second = sc->arg[2], third = sc->arg[3], ptr = sc->arg[4], fifth = sc->arg[5];
    switch (call) {
    case 1: return ipc_semtimedop(first, ptr, second, 0, false);
    case 2: return guest_ret(semget((key_t)first, (int)second, (int)third));
    case 3: {
        const uint8_t *arg = guest_ptr(ptr, 4, PAGE_READ);
        return arg ? ipc_semctl(first, (int)second, third, load_u32(arg)) : guest_err(EFAULT);
    }
    case 4: return ipc_semtimedop(first, ptr, second, fifth, false);
    case 11: return ipc_msgsnd(first, ptr, second, (int)third);
    case 12:
        if (version == 0) {
            const uint8_t *k = guest_ptr(ptr, 8, PAGE_READ);  /* struct ipc_kludge */
            return k ? ipc_msgrcv(first, load_u32(k), second, (int32_t)load_u32(k + 4), (int)third)
                     : guest_err(EFAULT);
        }
        return ipc_msgrcv(first, ptr, second, (int32_t)fifth, (int)third);
    case 13: return guest_ret(msgget((key_t)first, (int)second));
    case 14: return ipc_msgctl(first, second, ptr);
    case 21: {
        if (version == 1)
            return guest_err(EINVAL);   /* the iBCS2 form */
        uint8_t *out = guest_ptr(third, 4, PAGE_WRITE);
        if (!out)
            return guest_err(EFAULT);
        uint32_t addr = 0;
        int32_t err = ipc_shmat(first, ptr, (int)second, &addr);
        if (!err)
            store_u32(out, addr);
        return err;
    }
    case 22: return ipc_shmdt(ptr);
    case 23: return guest_ret(shmget((key_t)first, second, (int)third));
    case 24: return ipc_shmctl(first, second, ptr);
    default: return guest_err(ENOSYS);
    }
}
