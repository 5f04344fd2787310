/* Arbitrary-precision arithmetic with 32-bit limbs and 64-bit intermediates (32x32->64 multiply,
 * 64/32 division through libgcc): 100!, 2^1000, Fibonacci(1000) printed in decimal, and a
 * multiply/divide round trip. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LIMBS 160   /* 5120 bits */

struct big { uint32_t d[LIMBS]; int n; };

static void set_small(struct big *a, uint32_t v)
{
    memset(a, 0, sizeof *a);
    a->d[0] = v;
    a->n = v ? 1 : 0;
}

static void mul_small(struct big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry)
        a->d[a->n++] = (uint32_t)carry;
}

static uint32_t div_small(struct big *a, uint32_t m)
{
    uint64_t rem = 0;
    for (int i = a->n - 1; i >= 0; i--) {
        uint64_t cur = (rem << 32) | a->d[i];
        a->d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    while (a->n && a->d[a->n - 1] == 0)
        a->n--;
    return (uint32_t)rem;
}

static void add(struct big *r, const struct big *a, const struct big *b)
{
    int n = a->n > b->n ? a->n : b->n;
    uint32_t carry = 0;
    for (int i = 0; i < n; i++) {
        uint64_t t = (uint64_t)a->d[i] + b->d[i] + carry;
        r->d[i] = (uint32_t)t;
        carry = (uint32_t)(t >> 32);
    }
    r->n = n;
    if (carry)
        r->d[r->n++] = carry;
}

static void mul(struct big *r, const struct big *a, const struct big *b)
{
    struct big t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->n; j++) {
            uint64_t cur = (uint64_t)a->d[i] * b->d[j] + t.d[i + j] + carry;
            t.d[i + j] = (uint32_t)cur;
            carry = cur >> 32;
        }
        t.d[i + b->n] = (uint32_t)carry;
    }
    t.n = a->n + b->n;
    while (t.n && t.d[t.n - 1] == 0)
        t.n--;
    *r = t;
}

static void print(const char *label, const struct big *a)
{
    static char digits[LIMBS * 10 + 1];
    struct big t = *a;
    int len = 0;
    if (t.n == 0)
        digits[len++] = '0';
    while (t.n) {
        uint32_t chunk = div_small(&t, 1000000000u);
        for (int k = 0; k < 9 && (t.n || chunk); k++) {
            digits[len++] = (char)('0' + chunk % 10);
            chunk /= 10;
        }
    }
    uint32_t sum = 0;
    printf("%s (%d digits) = ", label, len);
    for (int i = len - 1; i >= 0; i--) {
        putchar(digits[i]);
        sum += (uint32_t)(digits[i] - '0');
    }
    printf("\n  digit sum %u\n", sum);
}

int main(void)
{
    struct big f;
    set_small(&f, 1);
    for (uint32_t k = 2; k <= 100; k++)
        mul_small(&f, k);
    print("100!", &f);

    struct big p;
    set_small(&p, 1);
    for (int k = 0; k < 1000; k++)
        mul_small(&p, 2);
    print("2^1000", &p);

    struct big a, b, c;
    set_small(&a, 0);
    set_small(&b, 1);
    for (int k = 0; k < 1000; k++) {
        add(&c, &a, &b);
        a = b;
        b = c;
    }
    print("fib(1000)", &a);

    struct big sq;
    mul(&sq, &f, &f);
    print("(100!)^2", &sq);
    for (uint32_t k = 100; k >= 2; k--) {
        uint32_t r = div_small(&sq, k);
        if (r)
            printf("unexpected remainder %u at %u\n", r, k);
    }
    printf("(100!)^2 / 100! == 100!: %s\n", sq.n == f.n && memcmp(sq.d, f.d, (size_t)f.n * 4) == 0 ? "yes" : "no");
    return 0;
}
