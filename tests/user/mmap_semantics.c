/*
 * mmap semantics a program can observe: MAP_SHARED anonymous memory shared with a forked child,
 * MAP_PRIVATE copy-on-write across fork, shared file mappings writing through to the file and
 * private ones not, file offsets, MAP_FIXED replacing and MAP_FIXED_NOREPLACE refusing, mremap
 * growing and moving with the contents, mprotect to PROT_NONE faulting (and back), msync on
 * unmapped memory failing with ENOMEM, and munmap of a middle page.
 * Regions are 64 KiB so that every protection change covers whole host pages of any size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHUNK = 64 * 1024 };

static sigjmp_buf env;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(env, 1);
}

static int faults_on_read(volatile char *p)
{
    if (sigsetjmp(env, 1) == 0) {
        (void)*p;
        return 0;
    }
    return 1;
}

static void fork_sharing(void)
{
    char *shared = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *priv = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(shared, "parent");
    strcpy(priv, "parent");
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(shared, "child wrote");
        strcpy(priv, "child private");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("after fork: shared '%s', private '%s'\n", shared, priv);
    munmap(shared, CHUNK);
    munmap(priv, CHUNK);
}

static void file_mappings(void)
{
    int fd = open("map.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char page[4096];
    for (int i = 0; i < 4; i++) {
        memset(page, 'A' + i, sizeof page);
        if (write(fd, page, sizeof page) != (ssize_t)sizeof page)
            return;
    }
    char *s = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    s[10] = 'x';
    msync(s, 4096, MS_SYNC);
    char c = 0;
    pread(fd, &c, 1, 10);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 2 * 4096);
    char first = p[0];
    p[0] = 'z';
    char back = 0;
    pread(fd, &back, 1, 2 * 4096);
    printf("file: shared write seen by pread '%c', private at offset 8192 '%c', file keeps '%c'\n", c,
           first, back);
    munmap(s, 4 * 4096);
    munmap(p, 4096);
    close(fd);
}

static void fixed_and_noreplace(void)
{
    char *a = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(a, 7, CHUNK);
    char *b = mmap(a, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("MAP_FIXED: same address %d, zeroed %d\n", a == b, a[100] == 0);
    void *c = mmap(a, CHUNK, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("MAP_FIXED_NOREPLACE: %s\n", c == MAP_FAILED && errno == EEXIST ? "EEXIST" : "?");
    munmap(a, CHUNK);
}

static void remaps(void)
{
    char *a = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < CHUNK; i++)
        a[i] = (char)(i * 7);
    /* Something right after it, so that growing has to move. */
    char *blocker = mmap(a + CHUNK, CHUNK, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                         -1, 0);
    char *b = mremap(a, CHUNK, 4 * CHUNK, MREMAP_MAYMOVE);
    int same = 1;
    for (int i = 0; i < CHUNK; i++)
        same &= b[i] == (char)(i * 7);
    printf("mremap grow: moved %d, contents kept %d, new part zero %d\n",
           blocker != MAP_FAILED ? b != a : 1, same, b[2 * CHUNK] == 0);
    char *c = mremap(b, 4 * CHUNK, CHUNK, 0);
    printf("mremap shrink: in place %d\n", c == b);
    void *d = mremap(c, CHUNK, 8 * CHUNK, 0);
    printf("mremap without MAYMOVE: %s\n",
           d == MAP_FAILED ? (errno == ENOMEM ? "ENOMEM" : "other error") : "grew in place");
    munmap(d == MAP_FAILED ? c : d, d == MAP_FAILED ? CHUNK : 8 * CHUNK);
    if (blocker != MAP_FAILED)
        munmap(blocker, CHUNK);
}

static void protections(void)
{
    signal(SIGSEGV, on_segv);
    char *a = mmap(NULL, 3 * CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    a[CHUNK] = 5;
    mprotect(a + CHUNK, CHUNK, PROT_NONE);
    int f1 = faults_on_read(a + CHUNK);
    int f0 = faults_on_read(a);
    mprotect(a + CHUNK, CHUNK, PROT_READ);
    int f2 = faults_on_read(a + CHUNK);
    printf("mprotect: none faults %d, neighbour fine %d, readable again %d value %d\n", f1, !f0, !f2,
           a[CHUNK]);
    munmap(a + CHUNK, CHUNK);
    int r = msync(a + CHUNK, 4096, MS_ASYNC);
    int e = errno;
    int r2 = msync(a + 2 * CHUNK, 4096, MS_ASYNC);
    printf("after munmap of the middle: msync %d %s, last part %d, faults %d\n", r,
           e == ENOMEM ? "ENOMEM" : "?", r2, faults_on_read(a + CHUNK));
    munmap(a, 3 * CHUNK);
    signal(SIGSEGV, SIG_DFL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    fork_sharing();
    file_mappings();
    fixed_and_noreplace();
    remaps();
    protections();
    return 0;
}
