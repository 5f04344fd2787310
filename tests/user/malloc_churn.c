/* malloc/calloc/realloc/free churn driven by an LCG: small blocks from the brk heap, large ones
 * (above glibc's mmap threshold) from mmap, reallocs that grow and shrink. Every block is filled
 * with a pattern and checked before it is freed; the output is a checksum of contents only. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static uint32_t seed = 12345;
static uint32_t rnd(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
}

struct block {
    unsigned char *p;
    size_t n;
    unsigned char tag;
};

/* Big blocks are checked at a stride to keep the test quick. */
static size_t stride(size_t n)
{
    return n > 4096 ? 127 : 1;
}

static int check(const struct block *b)
{
    for (size_t i = 0; i < b->n; i += stride(b->n))
        if (b->p[i] != (unsigned char)(b->tag + i * 7))
            return 0;
    return 1;
}

static void fill(struct block *b)
{
    for (size_t i = 0; i < b->n; i += stride(b->n))
        b->p[i] = (unsigned char)(b->tag + i * 7);
}

static size_t pick_size(void)
{
    uint32_t r = rnd();
    switch (r % 16) {
    case 0: return 0;
    case 1: return 140000 + r % 100000;   /* above the mmap threshold */
    case 2: return 4096 + r % 30000;
    default: return 1 + r % 300;
    }
}

int main(void)
{
    static struct block slots[SLOTS];
    uint64_t checksum = 0;
    unsigned bad = 0, allocs = 0, reallocs = 0, frees = 0;

    for (int round = 0; round < 8000; round++) {
        struct block *b = &slots[rnd() % SLOTS];
        uint32_t action = rnd() % 10;
        if (b->p && !check(b))
            bad++;
        if (action < 2 && b->p) {
            size_t n = pick_size();
            unsigned char *q = realloc(b->p, n ? n : 1);
            if (!q) {
                printf("realloc failed\n");
                return 1;
            }
            size_t keep = n < b->n ? n : b->n;
            for (size_t i = 0; i < keep; i += stride(b->n))
                if (q[i] != (unsigned char)(b->tag + i * 7))
                    bad++;
            b->p = q;
            b->n = n;
            fill(b);
            reallocs++;
        } else if (b->p) {
            for (size_t i = 0; i < b->n; i += stride(b->n) * 3)
                checksum = checksum * 1099511628211ULL + b->p[i];
            free(b->p);
            b->p = NULL;
            frees++;
        } else {
            b->n = pick_size();
            b->tag = (unsigned char)rnd();
            b->p = (action & 1) ? calloc(1, b->n) : malloc(b->n);
            if (!b->p && b->n) {
                printf("malloc failed\n");
                return 1;
            }
            if (!b->p)
                b->p = malloc(1);
            if (action & 1)
                for (size_t i = 0; i < b->n; i += stride(b->n))
                    if (b->p[i] != 0)
                        bad++;
            fill(b);
            allocs++;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p) {
            if (!check(&slots[i]))
                bad++;
            free(slots[i].p);
        }
    }
    printf("allocs=%u reallocs=%u frees=%u bad=%u\n", allocs, reallocs, frees, bad);
    printf("checksum=%016llx\n", (unsigned long long)checksum);

    /* Many tiny blocks, freed in a different order than allocated. */
    enum { NT = 5000 };
    static char *tiny[NT];
    for (int i = 0; i < NT; i++) {
        tiny[i] = malloc((size_t)(i % 24) + 1);
        memset(tiny[i], i & 0x7f, (size_t)(i % 24) + 1);
    }
    unsigned s = 0;
    for (int i = 0; i < NT; i += 2) {
        s += (unsigned char)tiny[i][i % 24];
        free(tiny[i]);
    }
    for (int i = NT - 1; i > 0; i -= 2) {
        s += (unsigned char)tiny[i][0];
        free(tiny[i]);
    }
    printf("tiny sum=%u\n", s);
    return 0;
}
