/* setjmp/longjmp: non-local exits out of deep recursion, values passed through longjmp (0 becomes 1),
 * volatile locals preserved, nested jump buffers, and jumping from a callback invoked by qsort.
 * glibc mangles the saved stack and instruction pointers with a guard held in TLS (%gs). */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env, env2;
static int depth_reached;

static void dive(int depth, int target)
{
    volatile char pad[100];
    pad[depth % 100] = (char)depth;
    depth_reached = depth;
    if (depth == target)
        longjmp(env, depth + pad[depth % 100]);
    if (depth < target)
        dive(depth + 1, target);
}

static int cmp_calls;
static int cmp_jump(const void *a, const void *b)
{
    if (++cmp_calls == 50)
        longjmp(env2, 7);
    return *(const int *)a - *(const int *)b;
}

static int nested(int level)
{
    jmp_buf local;
    int r = setjmp(local);
    if (r == 0) {
        if (level < 5) {
            int inner = nested(level + 1);
            longjmp(local, inner + 1);
        }
        return 100;
    }
    return r * 2;
}

int main(void)
{
    for (volatile int target = 0; target <= 2000; target += 500) {
        volatile int counter = 10;
        int r = setjmp(env);
        if (r == 0) {
            counter = 20;
            dive(0, target);
            printf("not reached\n");
        } else {
            printf("target %d: setjmp returned %d, depth %d, counter %d\n", target, r, depth_reached,
                   counter);
        }
    }

    volatile int times = 0;
    int r = setjmp(env);
    times++;
    if (times < 4)
        longjmp(env, 0);
    printf("longjmp(0) made setjmp return %d after %d returns\n", r, times);

    static int arr[200];
    for (int i = 0; i < 200; i++)
        arr[i] = (i * 7919) % 200;
    if ((r = setjmp(env2)) == 0) {
        qsort(arr, 200, sizeof arr[0], cmp_jump);
        printf("qsort finished\n");
    } else {
        printf("escaped qsort with %d after %d compares\n", r, cmp_calls);
    }

    printf("nested=%d\n", nested(0));

    sigjmp_buf senv;
    volatile int k = 0;
    if (sigsetjmp(senv, 0) < 3) {
        k++;
        if (k < 3)
            siglongjmp(senv, k);
    }
    printf("sigsetjmp without mask: k=%d\n", k);
    return 0;
}
