/* Sorting 10,000 pseudo-random integers (a linear congruential generator) with hand-written
 * quicksort, heapsort, merge sort, shell sort and a radix sort; every result must be sorted,
 * all must agree, and a checksum of the sorted data is printed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 10000

static uint32_t lcg_state;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static void swap(int32_t *a, int32_t *b) { int32_t t = *a; *a = *b; *b = t; }

static void quicksort(int32_t *a, int lo, int hi)
{
    while (lo < hi) {
        int32_t pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) swap(&a[i++], &a[j--]);
        }
        if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
        else { quicksort(a, i, hi); hi = j; }
    }
}

static void sift(int32_t *a, int start, int end)
{
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1, best = root;
        if (a[best] < a[child]) best = child;
        if (child + 1 <= end && a[best] < a[child + 1]) best = child + 1;
        if (best == root) return;
        swap(&a[root], &a[best]);
        root = best;
    }
}

static void heapsort(int32_t *a, int n)
{
    for (int s = (n - 2) / 2; s >= 0; s--)
        sift(a, s, n - 1);
    for (int end = n - 1; end > 0; end--) {
        swap(&a[0], &a[end]);
        sift(a, 0, end - 1);
    }
}

static int32_t tmp[N];
static void mergesort(int32_t *a, int n)
{
    if (n < 2) return;
    int h = n / 2;
    mergesort(a, h);
    mergesort(a + h, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, (size_t)n * sizeof a[0]);
}

static void shellsort(int32_t *a, int n)
{
    static const int gaps[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };
    for (int g = 0; g < 9; g++) {
        int gap = gaps[g];
        for (int i = gap; i < n; i++) {
            int32_t v = a[i];
            int j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

static void radixsort(int32_t *a, int n)
{
    static uint32_t buf[N];
    uint32_t *src = (uint32_t *)a, *dst = buf;
    for (int shift = 0; shift < 32; shift += 8) {
        unsigned count[257] = { 0 };
        for (int i = 0; i < n; i++) {
            uint32_t key = src[i] ^ 0x80000000u;   /* signed order */
            count[((key >> shift) & 0xff) + 1]++;
        }
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (int i = 0; i < n; i++) {
            uint32_t key = src[i] ^ 0x80000000u;
            dst[count[(key >> shift) & 0xff]++] = src[i];
        }
        uint32_t *t = src; src = dst; dst = t;
    }
}

static int32_t orig[N], work[N], ref[N];

static int is_sorted(const int32_t *a, int n)
{
    for (int i = 1; i < n; i++)
        if (a[i - 1] > a[i]) return 0;
    return 1;
}

static uint32_t checksum(const int32_t *a, int n)
{
    uint32_t h = 0;
    for (int i = 0; i < n; i++)
        h = (h << 5 | h >> 27) ^ (uint32_t)a[i];
    return h;
}

int main(void)
{
    const char *names[] = { "quicksort", "heapsort", "mergesort", "shellsort", "radixsort" };
    for (int dataset = 0; dataset < 3; dataset++) {
        lcg_state = 12345u + (uint32_t)dataset;
        for (int i = 0; i < N; i++) {
            uint32_t r = lcg();
            orig[i] = dataset == 0 ? (int32_t)r : dataset == 1 ? (int32_t)(r >> 24) - 128 : i % 100 == 0 ? (int32_t)r : N - i;
        }
        printf("dataset %d: input checksum %08x\n", dataset, checksum(orig, N));
        for (int alg = 0; alg < 5; alg++) {
            memcpy(work, orig, sizeof orig);
            switch (alg) {
            case 0: quicksort(work, 0, N - 1); break;
            case 1: heapsort(work, N); break;
            case 2: mergesort(work, N); break;
            case 3: shellsort(work, N); break;
            case 4: radixsort(work, N); break;
            }
            if (alg == 0)
                memcpy(ref, work, sizeof ref);
            printf("  %-9s sorted=%d same=%d checksum %08x min %d max %d median %d\n", names[alg],
                   is_sorted(work, N), memcmp(work, ref, sizeof ref) == 0, checksum(work, N), work[0],
                   work[N - 1], work[N / 2]);
        }
    }
    return 0;
}
