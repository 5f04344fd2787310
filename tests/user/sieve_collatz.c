/* Number crunching with tight loops: a sieve of Eratosthenes over bytes and over bits, trial
 * division, the longest Collatz chain below a bound, gcd/lcm and integer square roots. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LIMIT 200000

static unsigned char sieve[LIMIT + 1];
static uint32_t bits[LIMIT / 32 + 1];

static unsigned gcd(unsigned a, unsigned b)
{
    while (b) {
        unsigned t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint32_t isqrt(uint32_t n)
{
    uint32_t r = 0, bit = 1u << 30;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= r + bit) {
            n -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

int main(void)
{
    memset(sieve, 1, sizeof sieve);
    sieve[0] = sieve[1] = 0;
    for (unsigned i = 2; i * i <= LIMIT; i++)
        if (sieve[i])
            for (unsigned j = i * i; j <= LIMIT; j += i)
                sieve[j] = 0;
    unsigned count = 0, last = 0;
    uint64_t sum = 0;
    for (unsigned i = 0; i <= LIMIT; i++)
        if (sieve[i]) {
            count++;
            last = i;
            sum += i;
        }
    printf("primes <= %d: %u, largest %u, sum %llu\n", LIMIT, count, last, (unsigned long long)sum);

    for (unsigned i = 2; i <= LIMIT; i++)
        bits[i / 32] |= 1u << (i % 32);
    for (unsigned i = 2; i * i <= LIMIT; i++)
        if (bits[i / 32] & (1u << (i % 32)))
            for (unsigned j = i * i; j <= LIMIT; j += i)
                bits[j / 32] &= ~(1u << (j % 32));
    unsigned bcount = 0;
    for (unsigned w = 0; w < sizeof bits / sizeof bits[0]; w++)
        bcount += (unsigned)__builtin_popcount(bits[w]);
    printf("bit sieve agrees: %s (%u)\n", bcount == count ? "yes" : "no", bcount);

    unsigned trial = 0;
    for (unsigned n = 2; n < 20000; n++) {
        unsigned d = 2;
        while (d * d <= n && n % d)
            d++;
        if (d * d > n)
            trial++;
    }
    printf("trial division primes < 20000: %u\n", trial);

    unsigned best = 0, best_n = 0;
    for (unsigned n = 1; n < 30000; n++) {
        uint64_t x = n;
        unsigned steps = 0;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            steps++;
        }
        if (steps > best) {
            best = steps;
            best_n = n;
        }
    }
    printf("longest Collatz chain below 30000: n=%u, %u steps\n", best_n, best);

    unsigned g = 0;
    for (unsigned k = 1; k <= 200; k++)
        g += gcd(k * 12, 180) + gcd(1000003u * k, 999983u * (k + 1));
    uint64_t lcm = 1;
    for (unsigned k = 1; k <= 30; k++) {
        uint64_t a = lcm, b = k;
        while (b) {
            uint64_t t = a % b;
            a = b;
            b = t;
        }
        lcm = lcm / a * k;
    }
    printf("gcd sum %u, lcm(1..30)=%llu\n", g, (unsigned long long)lcm);
    uint32_t sq[] = { 0, 1, 2, 3, 4, 15, 16, 17, 99999, 1000000, 4294967295u, 2147395600u };
    for (unsigned i = 0; i < sizeof sq / sizeof sq[0]; i++)
        printf("isqrt(%u)=%u\n", sq[i], isqrt(sq[i]));
    return 0;
}
