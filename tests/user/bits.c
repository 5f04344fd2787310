/* Bit manipulation: population count (loops, Kernighan's trick and __builtin_popcount), rotations
 * written with shifts (compilers emit rol/ror), byte swaps (bswap, and xchg/rol for 16 bits),
 * leading/trailing zero counts (bsr/bsf), parity, bit reversal and bit-field style masks. */
#include <stdint.h>
#include <stdio.h>

static volatile uint32_t vals[] = {
    0, 1, 2, 3, 0x80000000u, 0xFFFFFFFFu, 0x12345678u, 0xDEADBEEFu, 0x0F0F0F0Fu, 0x00010000u,
    0x7FFFFFFFu, 0xAAAAAAAAu, 0x00000100u, 0xCAFEBABEu,
};
#define NV ((int)(sizeof(vals) / sizeof(vals[0])))

static int pop_loop(uint32_t x)
{
    int n = 0;
    for (int i = 0; i < 32; i++)
        n += (x >> i) & 1;
    return n;
}

static int pop_kernighan(uint32_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

static uint32_t rol32(uint32_t x, unsigned r) { return (x << (r & 31)) | (x >> ((32 - r) & 31)); }
static uint32_t ror32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }
static uint16_t rol16(uint16_t x, unsigned r) { return (uint16_t)((x << (r & 15)) | (x >> ((16 - r) & 15))); }
static uint8_t rol8(uint8_t x, unsigned r) { return (uint8_t)((x << (r & 7)) | (x >> ((8 - r) & 7))); }

static uint32_t reverse(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    return __builtin_bswap32(x);
}

static uint32_t bswap_manual(uint32_t x)
{
    return (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}

int main(void)
{
    for (int i = 0; i < NV; i++) {
        uint32_t x = vals[i];
        printf("%08x pop=%d/%d/%d parity=%d", x, pop_loop(x), pop_kernighan(x), __builtin_popcount(x),
               __builtin_parity(x));
        if (x)
            printf(" clz=%d ctz=%d ffs=%d", __builtin_clz(x), __builtin_ctz(x), __builtin_ffs((int)x));
        printf(" bswap=%08x/%08x rev=%08x bswap16=%04x\n", __builtin_bswap32(x), bswap_manual(x),
               reverse(x), __builtin_bswap16((uint16_t)x));
        for (volatile unsigned r = 0; r < 32; r += 5)
            printf("  rol %2u=%08x ror=%08x rol16=%04x rol8=%02x\n", r, rol32(x, r), ror32(x, r),
                   rol16((uint16_t)x, r), rol8((uint8_t)x, r));
    }

    uint64_t x64 = 0x0123456789ABCDEFull;
    printf("bswap64=%016llx popcountll=%d clzll=%d ctzll=%d\n",
           (unsigned long long)__builtin_bswap64(x64), __builtin_popcountll(x64),
           __builtin_clzll(x64 >> 8), __builtin_ctzll(x64 << 20));

    /* Pack and unpack fields, as a compiler does for bit-fields. */
    uint32_t acc = 0;
    for (volatile uint32_t k = 0; k < 5000; k++) {
        uint32_t packed = (k & 0x1f) | ((k * 3 & 0x3ff) << 5) | ((k * 7 & 0x1ffff) << 15);
        uint32_t a = packed & 0x1f, b = (packed >> 5) & 0x3ff, c = packed >> 15;
        acc = rol32(acc, 3) ^ (a + b * 31 + c * 1021);
    }
    printf("pack acc=%08x\n", acc);

    struct {
        unsigned a : 3, b : 7, c : 1, d : 21;
        int s : 5;
    } bf = { 0, 0, 0, 0, 0 };
    unsigned h = 0;
    for (volatile int k = 0; k < 300; k++) {
        bf.a += (unsigned)k;
        bf.b ^= (unsigned)k * 5;
        bf.c = !bf.c;
        bf.d -= (unsigned)k * 1000;
        bf.s = k % 32 - 16;
        h = h * 31 + bf.a + bf.b * 8 + bf.c * 1024 + bf.d * 2048 + (unsigned)bf.s;
    }
    printf("bitfields a=%u b=%u c=%u d=%u s=%d h=%08x\n", bf.a, bf.b, bf.c, bf.d, bf.s, h);

    /* Gray code round trip and the next permutation of bits. */
    int gray_ok = 1;
    for (uint32_t k = 0; k < 4096; k++) {
        uint32_t g = k ^ (k >> 1), b = g;
        for (uint32_t s = 1; s < 32; s <<= 1)
            b ^= b >> s;
        gray_ok &= b == k;
    }
    printf("gray round trip: %d\n", gray_ok);
    uint32_t v = 0x7;
    for (int k = 0; k < 10; k++) {
        uint32_t t = v | (v - 1);
        v = (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctz(v) + 1));
        printf("%x%s", v, k < 9 ? " " : "\n");
    }
    return 0;
}
