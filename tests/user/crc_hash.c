/* Checksums and hashes over generated data: table-driven and bitwise CRC-32 (they must agree),
 * Adler-32, FNV-1a 32/64, djb2, MurmurHash3's 32-bit finaliser and a tiny open-addressing hash table. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

static uint32_t fnv1a32(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

static uint32_t djb2(const char *s)
{
    uint32_t h = 5381;
    while (*s)
        h = h * 33 + (uint8_t)*s++;
    return h;
}

static uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#define TABLE 4096
static struct { uint32_t key; uint32_t val; int used; } table[TABLE];

static void put(uint32_t key, uint32_t val)
{
    uint32_t i = fmix32(key) & (TABLE - 1);
    while (table[i].used && table[i].key != key)
        i = (i + 1) & (TABLE - 1);
    table[i].used = 1;
    table[i].key = key;
    table[i].val += val;
}

static int get(uint32_t key, uint32_t *val)
{
    uint32_t i = fmix32(key) & (TABLE - 1);
    while (table[i].used) {
        if (table[i].key == key) {
            *val = table[i].val;
            return 1;
        }
        i = (i + 1) & (TABLE - 1);
    }
    return 0;
}

int main(void)
{
    static uint8_t data[65536];
    uint32_t x = 1;
    for (size_t i = 0; i < sizeof data; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    crc_init();
    const char *check = "123456789";
    printf("crc32(\"123456789\")=%08x (expect cbf43926)\n", crc32_table((const uint8_t *)check, 9));
    printf("adler32(\"Wikipedia\")=%08x (expect 11e60398)\n", adler32((const uint8_t *)"Wikipedia", 9));
    for (size_t n = 0; n <= sizeof data; n = n ? n * 4 : 1) {
        uint32_t a = crc32_table(data, n);
        uint32_t b = n <= 16384 ? crc32_bitwise(data, n) : a;
        printf("n=%6zu crc32=%08x%s adler=%08x fnv32=%08x fnv64=%016llx\n", n, a, a == b ? "" : " MISMATCH",
               adler32(data, n), fnv1a32(data, n), (unsigned long long)fnv1a64(data, n));
    }
    const char *words[] = { "", "a", "xqm", "Loongson", "the quick brown fox jumps over the lazy dog" };
    for (int i = 0; i < 5; i++)
        printf("djb2(%s)=%08x fmix=%08x\n", words[i], djb2(words[i]), fmix32(djb2(words[i])));

    for (uint32_t k = 0; k < 3000; k++)
        put(k * 2654435761u, k);
    for (uint32_t k = 0; k < 3000; k += 2)
        put(k * 2654435761u, 1);
    uint32_t total = 0, hits = 0, v;
    for (uint32_t k = 0; k < 6000; k++) {
        if (get(k * 2654435761u, &v)) {
            hits++;
            total += v;
        }
    }
    printf("table hits=%u total=%u\n", hits, total);
    return 0;
}
