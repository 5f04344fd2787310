/* 64-bit arithmetic on a 32-bit machine: add/sub with carry, multiplication (mul/imul pairs),
 * division and modulo (libgcc's __divdi3 & co.), shifts by variable counts across the 32-bit
 * boundary (shld/shrd), comparisons, negation and sign/zero extension from 32 bits. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

static volatile int64_t v[] = {
    0, 1, -1, 2, -3, 10, -10, 0xFFFFFFFFLL, 0x100000000LL, -0x100000000LL, 0x7FFFFFFFLL,
    -0x80000000LL, 1234567890123LL, -987654321987LL, 0x5555555555555555LL, LLONG_MAX, LLONG_MIN,
    LLONG_MAX - 7, LLONG_MIN + 3, 1000000007LL,
};
#define NV ((int)(sizeof(v) / sizeof(v[0])))

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x;
    h *= 0x100000001B3ULL;
    return h;
}

int main(void)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int i = 0; i < NV; i++) {
        for (int j = 0; j < NV; j++) {
            int64_t a = v[i], b = v[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            int64_t add = (int64_t)(ua + ub), sub = (int64_t)(ua - ub), mul = (int64_t)(ua * ub);
            printf("%lld %lld: %lld %lld %lld", a, b, add, sub, mul);
            if (b != 0 && !(a == LLONG_MIN && b == -1))
                printf(" / %lld %% %lld", a / b, a % b);
            if (ub != 0)
                printf(" u/ %llu u%% %llu", ua / ub, ua % ub);
            printf(" < %d u< %d == %d\n", a < b, ua < ub, a == b);
            h = mix(h, (uint64_t)add);
            h = mix(h, (uint64_t)sub);
            h = mix(h, (uint64_t)mul);
        }
    }
    printf("hash=%016llx\n", (unsigned long long)h);

    for (int i = 0; i < NV; i++) {
        int64_t a = v[i];
        uint64_t ua = (uint64_t)a;
        for (volatile int c = 0; c < 64; c += 5) {
            printf("%016llx c=%2d shl=%016llx shr=%016llx sar=%016llx\n", (unsigned long long)ua, c,
                   (unsigned long long)(ua << c), (unsigned long long)(ua >> c),
                   (unsigned long long)(a >> c));
        }
        printf("neg=%lld not=%lld lo=%d hi=%d\n", (int64_t)(0 - ua), ~a, (int32_t)a, (int32_t)(a >> 32));
    }

    /* Widening multiplications as compilers emit them for 32x32->64. */
    static volatile int32_t w[] = { 0, 1, -1, 65536, -65536, INT32_MAX, INT32_MIN, 123456789, -987654 };
    for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        for (unsigned j = 0; j < sizeof(w) / sizeof(w[0]); j++) {
            int64_t s = (int64_t)w[i] * w[j];
            uint64_t u = (uint64_t)(uint32_t)w[i] * (uint32_t)w[j];
            printf("wide %d*%d = %lld u=%llu\n", w[i], w[j], s, (unsigned long long)u);
        }
    }

    /* Sign and zero extension. */
    for (unsigned i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
        int64_t s = w[i];
        uint64_t z = (uint32_t)w[i];
        printf("ext %d: %016llx %016llx\n", w[i], (unsigned long long)s, (unsigned long long)z);
    }

    /* A loop accumulating in 64 bits: sum of squares and a modular exponentiation. */
    uint64_t acc = 0;
    for (volatile uint32_t k = 1; k <= 100000; k++)
        acc += (uint64_t)k * k;
    printf("sum of squares=%llu\n", (unsigned long long)acc);
    uint64_t base = 7, result = 1, mod = 1000000007ULL;
    for (uint64_t e = 1234567891011ULL; e; e >>= 1) {
        if (e & 1)
            result = result * base % mod;
        base = base * base % mod;
    }
    printf("7^1234567891011 mod 1e9+7=%llu\n", (unsigned long long)result);
    return 0;
}
