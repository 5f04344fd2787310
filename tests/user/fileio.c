/* File I/O through system calls and stdio: mkstemp in $TMPDIR (the runner gives each test its own
 * directory), write, lseek (SEEK_SET/CUR/END and past the end, making a hole), read back, fstat and
 * stat sizes, O_APPEND, O_CREAT|O_EXCL on an existing file, fopen/fprintf/fgets/fseek/ftell,
 * unlink and a check that the file is gone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[4096];

static void die(const char *what)
{
    printf("%s failed: %s\n", what, strerror(errno));
    exit(1);
}

static unsigned hash(const unsigned char *p, size_t n)
{
    unsigned h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + p[i];
    return h;
}

int main(void)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/xqm-fileio-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        die("mkstemp");

    static unsigned char buf[20000], back[20000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 31 + (i >> 8));
    ssize_t n = write(fd, buf, sizeof buf);
    printf("write: %zd\n", n);
    printf("lseek cur: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek set 100: %ld\n", (long)lseek(fd, 100, SEEK_SET));
    n = read(fd, back, 50);
    printf("read 50 at 100: %zd match=%d\n", n, memcmp(back, buf + 100, 50) == 0);
    printf("lseek cur -20: %ld\n", (long)lseek(fd, -20, SEEK_CUR));
    printf("lseek end -10: %ld\n", (long)lseek(fd, -10, SEEK_END));
    n = read(fd, back, 100);
    printf("short read at end: %zd match=%d\n", n, memcmp(back, buf + sizeof buf - 10, 10) == 0);
    n = read(fd, back, 100);
    printf("read at EOF: %zd\n", n);

    struct stat st;
    if (fstat(fd, &st) != 0)
        die("fstat");
    printf("fstat size=%lld regular=%d mode=%o\n", (long long)st.st_size, S_ISREG(st.st_mode),
           (unsigned)(st.st_mode & 0777));

    /* Write past the end: the gap reads back as zeros. */
    printf("lseek past end: %ld\n", (long)lseek(fd, 30000, SEEK_SET));
    n = write(fd, "tail", 4);
    printf("write tail: %zd\n", n);
    if (stat(path, &st) != 0)
        die("stat");
    printf("stat size=%lld\n", (long long)st.st_size);
    lseek(fd, 0, SEEK_SET);
    static unsigned char all[30004];
    size_t got = 0;
    while (got < sizeof all) {
        n = read(fd, all + got, 7000);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    int zeros = 1;
    for (size_t i = sizeof buf; i < 30000; i++)
        zeros &= all[i] == 0;
    printf("read all: %zu hash=%08x hole zeros=%d tail=%.4s\n", got, hash(all, got), zeros,
           (const char *)all + 30000);
    close(fd);

    errno = 0;
    fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
    printf("O_EXCL on existing: fd<0=%d errno=%s\n", fd < 0, strerror(errno));

    fd = open(path, O_WRONLY | O_APPEND);
    if (fd < 0)
        die("open O_APPEND");
    lseek(fd, 0, SEEK_SET);
    n = write(fd, "+app", 4);
    printf("append write %zd, now at %ld\n", n, (long)lseek(fd, 0, SEEK_CUR));
    close(fd);

    fd = open(path, O_RDWR | O_TRUNC);
    if (fstat(fd, &st) != 0)
        die("fstat after O_TRUNC");
    printf("after O_TRUNC size=%lld\n", (long long)st.st_size);
    close(fd);

    FILE *f = fopen(path, "w+");
    if (!f)
        die("fopen");
    for (int i = 0; i < 200; i++)
        fprintf(f, "line %d: %x %s\n", i, i * i, i % 2 ? "odd" : "even");
    printf("ftell after writing: %ld\n", ftell(f));
    fseek(f, 0, SEEK_SET);
    char line[100];
    int lines = 0;
    unsigned h = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        h = h * 31 + hash((const unsigned char *)line, strlen(line));
    }
    printf("fgets lines=%d hash=%08x\n", lines, h);
    fseek(f, -12, SEEK_END);
    if (fgets(line, sizeof line, f))
        printf("last bytes: %s", line);
    fseek(f, 5, SEEK_SET);
    int c = fgetc(f);
    ungetc('#', f);
    printf("fgetc=%c then %c\n", c, fgetc(f));
    if (fclose(f) != 0)
        die("fclose");

    if (unlink(path) != 0)
        die("unlink");
    int r = stat(path, &st);
    printf("after unlink: stat=%d errno=%s\n", r, strerror(errno));
    r = unlink(path);
    printf("unlink again: %d errno=%s\n", r, strerror(errno));
    return 0;
}
