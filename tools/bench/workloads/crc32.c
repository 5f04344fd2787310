/* crc32: table-driven CRC-32 (IEEE, reflected) over a pseudo-random buffer, size argv[1] KiB,
 * several passes; byte loads, shifts, xor and a table lookup per byte. */
#include "common.h"

static uint32_t table[256];

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
        table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)bench_size(argc, argv, 256) * 1024;
    uint8_t *buf = malloc(n);
    for (size_t i = 0; i < n; i++) {
        buf[i] = (uint8_t)bench_rand();
    }
    make_table();
    uint32_t crc = 0;
    for (int pass = 0; pass < 8; pass++) {
        crc = crc32(crc, buf, n);
    }
    printf("crc32 %zu bytes x8: %08x\n", n, crc);
    free(buf);
    return 0;
}
