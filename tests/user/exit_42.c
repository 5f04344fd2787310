/* exit(42) from a nested call: the status reaches the parent and buffered stdout is flushed. */
#include <stdio.h>
#include <stdlib.h>

static __attribute__((noinline)) void leave(int depth)
{
    if (depth <= 0) {
        printf("calling exit(42) with this line still buffered");
        exit(42);
    }
    if (depth > 0)
        leave(depth - 1);
}

int main(void)
{
    leave(10);
    printf("not reached\n");
    return 0;
}
