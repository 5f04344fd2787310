/* sort: argv[1] thousand pseudo-random ints sorted three ways: libc qsort (indirect calls to the
 * comparator), an inlined quicksort, and a bottom-up merge sort; checks and prints a digest. */
#include <string.h>
#include "common.h"

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void quicksort(int *a, long lo, long hi)
{
    while (lo < hi) {
        int pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static void mergesort(int *a, int *tmp, long n)
{
    for (long w = 1; w < n; w *= 2) {
        for (long lo = 0; lo < n; lo += 2 * w) {
            long mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            long i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
            while (i < mid) tmp[k++] = a[i++];
            while (j < hi) tmp[k++] = a[j++];
        }
        memcpy(a, tmp, n * sizeof *a);
    }
}

static uint32_t digest(const int *a, long n)
{
    uint32_t h = 0;
    for (long i = 0; i < n; i++) {
        if (i && a[i - 1] > a[i]) return 0;
        h = h * 31 + (uint32_t)a[i];
    }
    return h;
}

int main(int argc, char **argv)
{
    long n = bench_size(argc, argv, 40) * 1000;
    int *orig = malloc(n * sizeof *orig), *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *a);
    for (long i = 0; i < n; i++) orig[i] = (int)(bench_rand() % 1000000) - 500000;

    memcpy(a, orig, n * sizeof *a);
    qsort(a, n, sizeof *a, cmp_int);
    printf("qsort %ld: %08x\n", n, digest(a, n));
    memcpy(a, orig, n * sizeof *a);
    quicksort(a, 0, n - 1);
    printf("quicksort %ld: %08x\n", n, digest(a, n));
    memcpy(a, orig, n * sizeof *a);
    mergesort(a, tmp, n);
    printf("mergesort %ld: %08x\n", n, digest(a, n));
    return 0;
}
