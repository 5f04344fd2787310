/* Deep and wide recursion: call/ret, stack frames and return-address prediction paths. Fibonacci,
 * Ackermann (small arguments), Towers of Hanoi, mutual recursion and a recursive permutation count. */
#include <stdio.h>
#include <string.h>

static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static unsigned long long hanoi_moves;
static unsigned hanoi_hash;

static void hanoi(int n, int from, int to, int via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi_hash = hanoi_hash * 31 + (unsigned)(from * 3 + to);
    hanoi(n - 1, via, to, from);
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static unsigned count_perms(char *s, int k, int n, unsigned *hash)
{
    if (k == n) {
        for (int i = 0; i < n; i++)
            *hash = *hash * 131 + (unsigned char)s[i];
        return 1;
    }
    unsigned c = 0;
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        c += count_perms(s, k + 1, n, hash);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
    return c;
}

/* Recursion with a largish frame, summing a depth-dependent array. */
static unsigned frame_sum(int depth)
{
    volatile unsigned buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (unsigned)(depth * i);
    unsigned s = 0;
    for (int i = 0; i < 64; i++)
        s += buf[i];
    return depth == 0 ? s : s + frame_sum(depth - 1);
}

int main(void)
{
    for (unsigned n = 0; n <= 24; n += 3)
        printf("fib(%u)=%u\n", n, fib(n));
    for (unsigned m = 0; m <= 3; m++)
        for (unsigned n = 0; n <= 4; n++)
            printf("ack(%u,%u)=%u\n", m, n, ack(m, n));
    printf("ack(3,6)=%u\n", ack(3, 6));
    hanoi(16, 0, 2, 1);
    printf("hanoi(16): %llu moves, hash %08x\n", hanoi_moves, hanoi_hash);
    printf("even(10001)=%d odd(7777)=%d\n", is_even(10001), is_odd(7777));
    char s[8];
    strcpy(s, "abcdefg");
    unsigned hash = 0;
    printf("perms(7)=%u hash %08x\n", count_perms(s, 0, 7, &hash), hash);
    printf("frame_sum(2000)=%u\n", frame_sum(2000));
    return 0;
}
