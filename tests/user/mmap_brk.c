/* Memory system calls directly: brk/sbrk growth and shrink, anonymous private mmap (zero-filled,
 * writable), mapping at a hint, mprotect to read-only and back, munmap of part of a mapping, and a
 * private file mapping read and modified without changing the file. Only relative addresses are
 * printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    char *b0 = sbrk(0);
    char *b1 = sbrk(65536);
    char *b2 = sbrk(0);
    printf("sbrk grew by %ld, old break returned: %d\n", (long)(b2 - b0), b1 == b0);
    memset(b1, 0x3c, 65536);
    printf("brk memory writable: %d\n", b1[0] == 0x3c && b1[65535] == 0x3c);
    sbrk(-32768);
    printf("sbrk shrank by %ld\n", (long)(b2 - (char *)sbrk(0)));

    const size_t len = 1 << 20;
    unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        printf("mmap failed: %s\n", strerror(errno));
        return 1;
    }
    printf("mmap page aligned: %d\n", ((uintptr_t)m & 4095) == 0);
    int zero = 1;
    for (size_t i = 0; i < len; i += 509)
        zero &= m[i] == 0;
    printf("anonymous memory zeroed: %d\n", zero);
    for (size_t i = 0; i < len; i += 4096)
        m[i] = (unsigned char)(i >> 12);
    unsigned s = 0;
    for (size_t i = 0; i < len; i += 4096)
        s += m[i];
    printf("page sum: %u\n", s);

    printf("mprotect read-only: %d\n", mprotect(m, 4096 * 4, PROT_READ));
    printf("still readable: %u\n", m[4096 * 3]);
    printf("mprotect read-write: %d\n", mprotect(m, 4096 * 4, PROT_READ | PROT_WRITE));
    m[4096 * 3] = 99;
    printf("writable again: %u\n", m[4096 * 3]);
    printf("munmap middle: %d\n", munmap(m + 65536, 65536));
    printf("munmap rest: %d %d\n", munmap(m, 65536), munmap(m + 131072, len - 131072));
    int r = munmap(m + 1, 4096);
    printf("munmap unaligned: %d errno=%s\n", r, strerror(errno));

    /* Map a small page-sized region, write, and map a file privately. */
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/mmap-file", dir && *dir ? dir : "/tmp");
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (fd < 0) {
        printf("open failed: %s\n", strerror(errno));
        return 1;
    }
    char text[10000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    if (write(fd, text, sizeof text) != (ssize_t)sizeof text)
        printf("short write\n");
    char *fm = mmap(NULL, sizeof text, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (fm == MAP_FAILED) {
        printf("file mmap failed: %s\n", strerror(errno));
        return 1;
    }
    printf("file mapping matches: %d\n", memcmp(fm, text, sizeof text) == 0);
    printf("bytes past EOF in the last page are zero: %d\n", fm[sizeof text] == 0 && fm[12287] == 0);
    fm[0] = 'Z';
    char first;
    lseek(fd, 0, SEEK_SET);
    if (read(fd, &first, 1) != 1)
        first = '?';
    printf("private write leaves the file alone: %c\n", first);
    munmap(fm, sizeof text);
    char *off = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 8192);
    printf("mapping at file offset 8192 starts with %.5s\n", off == MAP_FAILED ? "FAIL!" : off);
    close(fd);
    unlink(path);
    return 0;
}
