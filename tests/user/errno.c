/* Error paths without aborting: failing system calls set errno to the i386 value (the host's errno
 * numbers differ, e.g. on MIPS), and strerror/perror describe it. Only errors that also occur when
 * running as root are used. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *what, long r)
{
    int e = errno;
    printf("%-34s -> %ld errno=%d (%s)\n", what, r, e, strerror(e));
}

int main(void)
{
    char path[4096];
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";

    errno = 0;
    report("open missing file", open("/nonexistent/xqm/file", O_RDONLY));
    errno = 0;
    FILE *f = fopen("/nonexistent-xqm-file", "r");
    report("fopen missing file", f ? 0 : -1);

    snprintf(path, sizeof path, "%s/errno-file", dir);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0) {
        report("create scratch file", fd);
        return 1;
    }
    close(fd);
    char sub[4200];
    snprintf(sub, sizeof sub, "%s/inside", path);
    errno = 0;
    report("open file/inside (ENOTDIR)", open(sub, O_RDONLY));
    errno = 0;
    report("open O_CREAT|O_EXCL existing", open(path, O_CREAT | O_EXCL | O_WRONLY, 0644));
    errno = 0;
    report("open dir for writing (EISDIR)", open(dir, O_WRONLY));
    errno = 0;
    report("open file O_DIRECTORY", open(path, O_RDONLY | O_DIRECTORY));

    char buf[16];
    errno = 0;
    report("read from fd 999 (EBADF)", read(999, buf, sizeof buf));
    errno = 0;
    report("write to fd -1", write(-1, "x", 1));
    errno = 0;
    report("close fd 999", close(999));
    errno = 0;
    report("lseek bad whence (EINVAL)", (long)lseek(0, 0, 12345));

    fd = open(path, O_RDONLY);
    errno = 0;
    report("write to read-only fd", write(fd, "x", 1));
    close(fd);

    struct stat st;
    errno = 0;
    report("stat missing", stat("/nonexistent-xqm-file", &st));
    errno = 0;
    report("stat empty path", stat("", &st));
    char longname[5000];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    errno = 0;
    report("open very long path", open(longname, O_RDONLY));
    errno = 0;
    report("isatty(stdin) on a file", isatty(0));

    errno = 0;
    report("unlink scratch file", unlink(path));
    errno = 0;
    report("unlink it again", unlink(path));

    errno = ENOENT;
    perror("perror with ENOENT");
    for (int e = 1; e <= 40; e += 3)
        printf("strerror(%d)=%s\n", e, strerror(e));
    printf("strerror(EAGAIN)=%s EAGAIN=%d ENOSYS=%d ENOTEMPTY=%d ELOOP=%d\n", strerror(EAGAIN), EAGAIN,
           ENOSYS, ENOTEMPTY, ELOOP);
    return 0;
}
