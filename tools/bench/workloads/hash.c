/* hash: FNV-1a (bytewise) and MurmurHash3 x86_32 (word-wise, rotates and multiplies) over a
 * pseudo-random buffer of argv[1] KiB, hashed whole and in 64-byte records. */
#include <string.h>
#include "common.h"

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static inline uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t murmur3(const uint8_t *p, size_t n, uint32_t seed)
{
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = seed;
    size_t nblocks = n / 4;
    for (size_t i = 0; i < nblocks; i++) {
        uint32_t k;
        memcpy(&k, p + 4 * i, 4);
        k = rotl32(k * c1, 15) * c2;
        h = rotl32(h ^ k, 13) * 5 + 0xe6546b64u;
    }
    const uint8_t *tail = p + 4 * nblocks;
    uint32_t k = 0;
    switch (n & 3) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1: k ^= tail[0];
        h ^= rotl32(k * c1, 15) * c2;
    }
    h ^= (uint32_t)n;
    h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
    return h;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)bench_size(argc, argv, 256) * 1024;
    uint8_t *buf = malloc(n);
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)bench_rand();
    uint32_t f = 0, m = 0;
    for (int pass = 0; pass < 4; pass++) {
        f = f * 31 + fnv1a(buf, n);
        m ^= murmur3(buf, n, pass);
    }
    uint32_t rf = 0, rm = 0;
    for (size_t off = 0; off + 64 <= n; off += 64) {
        rf += fnv1a(buf + off, 61);
        rm += murmur3(buf + off, 63, (uint32_t)off);
    }
    printf("fnv1a %08x murmur3 %08x records %08x %08x\n", f, m, rf, rm);
    return 0;
}
