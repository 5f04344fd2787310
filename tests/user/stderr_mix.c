/* Output to both stdout and stderr through stdio (stdout buffered, stderr unbuffered), perror,
 * direct write(2) calls and writev with several buffers; the runner compares each stream apart. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
    printf("stdout line 1\n");
    fprintf(stderr, "stderr line 1\n");
    fputs("stdout line 2 via fputs\n", stdout);
    fputs("stderr line 2 via fputs\n", stderr);
    fflush(stdout);
    write(1, "stdout via write(1)\n", 20);
    write(2, "stderr via write(2)\n", 20);
    errno = EINVAL;
    perror("perror says");
    for (int i = 0; i < 5; i++) {
        printf("out %d\n", i);
        fprintf(stderr, "err %d\n", i);
    }
    fputc('!', stderr);
    fputc('\n', stderr);
    struct iovec iov[4] = {
        { "writev ", 7 }, { "gathers ", 8 }, { "four ", 5 }, { "buffers\n", 8 },
    };
    fflush(stdout);
    ssize_t n = writev(1, iov, 4);
    fprintf(stderr, "writev returned %zd\n", n);
    n = writev(2, iov + 2, 2);
    printf("writev to stderr returned %zd\n", n);
    static char big[10000];
    memset(big, 'e', sizeof big - 1);
    big[sizeof big - 2] = '\n';
    fputs(big, stderr);
    printf("done\n");
    return 0;
}
