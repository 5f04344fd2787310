/*
 * getdents64 with directory offsets a 32-bit program can hold.
 *
 * A 64-bit host kernel hands out 64-bit d_off cookies (ext4 uses hashes), and i386 glibc's readdir
 * fails with EOVERFLOW on any that does not fit its 32-bit off_t. So the guest never sees host
 * cookies: each directory (by device and inode, so every descriptor open on it agrees) gets a table
 * numbering its host cookies 1, 2, 3... in the order they are first seen; 0 stays 0, the start.
 * lseek on a directory translates back (syscall_file.c calls dir_cookie_to_host/to_guest).
 *
 * The linux_dirent64 record layout (u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, name) is the
 * same for i386 and the host, so the host fills the guest buffer and only d_off is rewritten.
 *
 * Guest threads share the tables: every access is under dir_lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/syscall.h"
#include "linux-user/user.h"

struct dir_key {
    uint64_t dev, ino;
};

struct dir_cookies {
    GArray *host_offset;            /* guest cookie n (n >= 1) is host_offset[n - 1] */
    GHashTable *guest_of_host;      /* int64 host offset -> guest cookie */
};

static GHashTable *directories;     /* struct dir_key -> struct dir_cookies */
static pthread_mutex_t dir_lock = PTHREAD_MUTEX_INITIALIZER;

/* Descriptors getdents64 was used on: only these can hold cookies, so lseek checks only these. */
static GHashTable *dir_fds;

static guint dir_key_hash(gconstpointer p)
{
    const struct dir_key *k = p;
    return (guint)(k->ino ^ (k->ino >> 32) ^ (k->dev * 0x9e3779b9u));
}

static gboolean dir_key_equal(gconstpointer a, gconstpointer b)
{
    const struct dir_key *x = a, *y = b;
    return x->dev == y->dev && x->ino == y->ino;
}

static struct dir_cookies *cookies_for_fd(int fd, bool create)
{
    if (!directories) {
        if (!create)
            return NULL;
        directories = g_hash_table_new(dir_key_hash, dir_key_equal);
        dir_fds = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    if (!create && !g_hash_table_contains(dir_fds, GINT_TO_POINTER(fd)))
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    struct dir_key key = { st.st_dev, st.st_ino };
    struct dir_cookies *c = g_hash_table_lookup(directories, &key);
    if (!c && create) {
        struct dir_key *k = g_new(struct dir_key, 1);
        *k = key;
        c = g_new(struct dir_cookies, 1);
        c->host_offset = g_array_new(FALSE, FALSE, sizeof(int64_t));
        c->guest_of_host = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
        g_hash_table_insert(directories, k, c);
    }
    if (create)
        g_hash_table_add(dir_fds, GINT_TO_POINTER(fd));
    return c;
}

static int64_t guest_cookie(struct dir_cookies *c, int64_t host_off)
{
    if (host_off == 0)
        return 0;
    gpointer v = g_hash_table_lookup(c->guest_of_host, &host_off);
    if (v)
        return GPOINTER_TO_SIZE(v);
    if (c->host_offset->len >= INT32_MAX - 1)
        return -1;              /* cannot happen for any real directory */
    g_array_append_val(c->host_offset, host_off);
    int64_t *key = g_new(int64_t, 1);
    *key = host_off;
    g_hash_table_insert(c->guest_of_host, key, GSIZE_TO_POINTER(c->host_offset->len));
    return c->host_offset->len;
}

bool dir_cookie_to_host(int fd, int64_t guest_off, int64_t *host_off)
{
    pthread_mutex_lock(&dir_lock);
    struct dir_cookies *c = cookies_for_fd(fd, false);
    bool ok = c && guest_off >= 0 && guest_off <= c->host_offset->len;
    if (ok)
        *host_off = guest_off == 0 ? 0 : g_array_index(c->host_offset, int64_t, guest_off - 1);
    pthread_mutex_unlock(&dir_lock);
    return ok;
}

static int64_t cookie_for(int fd, int64_t host_off, bool create)
{
    pthread_mutex_lock(&dir_lock);
    struct dir_cookies *c = cookies_for_fd(fd, create);
    int64_t r = c ? guest_cookie(c, host_off) : host_off;
    pthread_mutex_unlock(&dir_lock);
    return r;
}

int64_t dir_cookie_for_entry(int fd, int64_t host_off)
{
    return cookie_for(fd, host_off, true);
}

int64_t dir_cookie_to_guest(int fd, int64_t host_off)
{
    return cookie_for(fd, host_off, false);
}

/* Offsets inside a linux_dirent64 record. */
enum { DIRENT64_D_OFF = 8, DIRENT64_D_RECLEN = 16 };

int32_t sys_getdents64(const struct syscall *sc)
{
    int fd = (int)sc->arg[0];
    uint8_t *buf = guest_ptr(sc->arg[1], sc->arg[2], PAGE_WRITE);
    if (!buf)
        return guest_err(EFAULT);
    long n = syscall(SYS_getdents64, fd, buf, (size_t)sc->arg[2]);
    if (n <= 0)
        return guest_ret(n);
    pthread_mutex_lock(&dir_lock);
    struct dir_cookies *c = cookies_for_fd(fd, true);
    if (!c) {
        pthread_mutex_unlock(&dir_lock);
        return (int32_t)n;
    }
    for (long pos = 0; pos < n; ) {
        int64_t host_off;
        uint16_t reclen;
        memcpy(&host_off, buf + pos + DIRENT64_D_OFF, sizeof host_off);
        memcpy(&reclen, buf + pos + DIRENT64_D_RECLEN, sizeof reclen);
        int64_t guest_off = guest_cookie(c, host_off);
        if (guest_off < 0) {
            pthread_mutex_unlock(&dir_lock);
            return guest_err(EOVERFLOW);
        }
        memcpy(buf + pos + DIRENT64_D_OFF, &guest_off, sizeof guest_off);
        if (reclen == 0)
            break;
        pos += reclen;
    }
    pthread_mutex_unlock(&dir_lock);
    return (int32_t)n;
}
