/*
 * File-system calls beyond plain I/O: readdir with telldir/seekdir (32-bit-safe cookies), the old
 * getdents syscall, utimensat/utimes/futimens, link/symlink/readlink and their *at forms,
 * chmod/chown to the same owner, truncate/ftruncate, fsync/fdatasync, statfs/fstatfs, sendfile,
 * splice and tee through pipes, copy_file_range, flock between two descriptions, a FIFO made
 * with mknod, and umask.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void directories(void)
{
    mkdir("d", 0755);
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "d/file%02d", i);
        close(open(name, O_CREAT | O_WRONLY, 0644));
    }
    DIR *d = opendir("d");
    char *names[64];
    int n = 0;
    long mark = -1;
    char at_mark[300] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (n == 20) {
            mark = telldir(d);
        }
        names[n++] = strdup(e->d_name);
    }
    /* seekdir back to the cookie telldir gave: the next entry is the 21st again. */
    seekdir(d, mark);
    e = readdir(d);
    snprintf(at_mark, sizeof at_mark, "%s", e ? e->d_name : "(none)");
    /* telldir after 21 entries were read; the cookie's value itself is the file system's. */
    printf("readdir: %d entries, telldir ok %d, seekdir lands on entry 22 %d\n", n, mark != -1,
           strcmp(at_mark, names[21]) == 0);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    printf("first %s %s %s, last %s\n", names[0], names[1], names[2], names[n - 1]);
    for (int i = 0; i < n; i++)
        free(names[i]);
    closedir(d);

    /* The old getdents: i386 struct linux_dirent, type in the last byte. */
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    char buf[512];
    int total = 0, regular = 0, calls = 0;
    long r;
    while ((r = syscall(SYS_getdents, fd, buf, sizeof buf)) > 0) {
        calls++;
        for (long pos = 0; pos < r; ) {
            unsigned short reclen;
            memcpy(&reclen, buf + pos + 8, 2);
            regular += buf[pos + reclen - 1] == DT_REG;
            total++;
            pos += reclen;
        }
    }
    printf("getdents: %d entries, %d regular, more than one call %d\n", total, regular, calls > 1);
    close(fd);
}

static void times_and_links(void)
{
    int fd = open("t.txt", O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (write(fd, "0123456789", 10) != 10)
        return;
    struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 123456789 } };
    utimensat(AT_FDCWD, "t.txt", ts, 0);
    struct stat st;
    stat("t.txt", &st);
    printf("utimensat: atime %ld.%09ld mtime %ld.%09ld\n", (long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timeval tv[2] = { { 1300000000, 0 }, { 1400000000, 250000 } };
    utimes("t.txt", tv);
    stat("t.txt", &st);
    printf("utimes: mtime %ld.%09ld\n", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 1500000000, 0 } };
    futimens(fd, omit);
    fstat(fd, &st);
    printf("futimens: atime kept %d, mtime %ld\n", st.st_atim.tv_sec == 1300000000,
           (long)st.st_mtim.tv_sec);

    link("t.txt", "hard.txt");
    symlink("t.txt", "soft.txt");
    symlinkat("hard.txt", AT_FDCWD, "soft2.txt");
    char target[64] = "";
    ssize_t n = readlink("soft.txt", target, sizeof target);
    struct stat l;
    lstat("soft2.txt", &l);
    stat("hard.txt", &st);
    printf("links: nlink %d, readlink %zd '%s', lstat is link %d, size %ld\n", (int)st.st_nlink, n,
           target, S_ISLNK(l.st_mode), (long)l.st_size);
    linkat(AT_FDCWD, "t.txt", AT_FDCWD, "hard2.txt", 0);
    fchmodat(AT_FDCWD, "hard2.txt", 0604, 0);
    stat("t.txt", &st);
    printf("linkat+fchmodat: nlink %d, mode %o\n", (int)st.st_nlink, st.st_mode & 07777);
    printf("chown to myself: %d, fchown %d\n", chown("t.txt", getuid(), getgid()),
           fchown(fd, (uid_t)-1, (gid_t)-1));

    ftruncate(fd, 4);
    truncate("hard.txt", 2);    /* the same file */
    fstat(fd, &st);
    printf("truncate: size %ld, fsync %d, fdatasync %d\n", (long)st.st_size, fsync(fd),
           fdatasync(fd));
    close(fd);
}

static void filesystems(void)
{
    struct statfs a, b;
    int fd = open(".", O_RDONLY);
    int r1 = statfs(".", &a), r2 = fstatfs(fd, &b);
    printf("statfs: %d %d, same type %d, block size nonzero %d, same blocks %d\n", r1, r2,
           a.f_type == b.f_type, a.f_bsize > 0, a.f_blocks == b.f_blocks);
    close(fd);
}

static void zero_copy(void)
{
    int in = open("src.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    const char text[] = "the quick brown fox jumps over the lazy dog\n";
    if (write(in, text, sizeof text - 1) != (ssize_t)sizeof text - 1)
        return;
    int out = open("dst.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    off_t off = 4;
    ssize_t n = sendfile(out, in, &off, 15);
    char buf[64] = "";
    pread(out, buf, sizeof buf - 1, 0);
    printf("sendfile: %zd '%s', offset now %ld\n", n, buf, (long)off);

    int p[2], q[2];
    if (pipe(p) != 0 || pipe(q) != 0)
        return;
    loff_t from = 10;
    n = splice(in, &from, p[1], NULL, 9, 0);
    ssize_t t = tee(p[0], q[1], 9, 0);
    memset(buf, 0, sizeof buf);
    ssize_t m = read(q[0], buf, sizeof buf - 1);
    char buf2[16] = "";
    ssize_t m2 = read(p[0], buf2, sizeof buf2 - 1);
    printf("splice %zd (offset %ld), tee %zd: '%s' and '%s' (%zd %zd)\n", n, (long)from, t, buf, buf2,
           m, m2);

    loff_t ioff = 0, ooff = 100;
    n = copy_file_range(in, &ioff, out, &ooff, 9, 0);
    memset(buf, 0, sizeof buf);
    pread(out, buf, 9, 100);
    printf("copy_file_range: %zd '%s', offsets %ld %ld\n", n, buf, (long)ioff, (long)ooff);
    close(in);
    close(out);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
}

static void locks_and_fifo(void)
{
    int a = open("lock.txt", O_CREAT | O_RDWR, 0644), b = open("lock.txt", O_RDWR);
    int r1 = flock(a, LOCK_EX);
    int r2 = flock(b, LOCK_EX | LOCK_NB);
    int e = errno;
    flock(a, LOCK_UN);
    int r3 = flock(b, LOCK_SH | LOCK_NB);
    printf("flock: %d, second %d %s, after unlock %d\n", r1, r2, e == EWOULDBLOCK ? "EWOULDBLOCK" : "?",
           r3);
    close(a);
    close(b);

    printf("mknod fifo: %d\n", mknod("fifo", S_IFIFO | 0600, 0));
    struct stat st;
    stat("fifo", &st);
    int rd = open("fifo", O_RDONLY | O_NONBLOCK);
    int wr = open("fifo", O_WRONLY);
    if (write(wr, "fifo!", 5) != 5)
        return;
    char buf[8] = "";
    ssize_t n = read(rd, buf, sizeof buf - 1);
    printf("fifo: is fifo %d, read %zd '%s'\n", S_ISFIFO(st.st_mode), n, buf);
    close(rd);
    close(wr);
    mode_t old = umask(027);
    close(open("masked.txt", O_CREAT | O_WRONLY, 0777));
    stat("masked.txt", &st);
    printf("umask: old %03o, file mode %03o\n", (unsigned)old, st.st_mode & 0777);
    umask(old);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    directories();
    times_and_links();
    filesystems();
    zero_copy();
    locks_and_fifo();
    return 0;
}
