/* fib: call-heavy recursion: naive Fibonacci of argv[1], Ackermann(2, n) and a recursive
 * Towers of Hanoi; short functions, deep call chains, many returns. */
#include "common.h"

static unsigned fib(unsigned n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static unsigned moves;
static void hanoi(unsigned n, int from, int to, int via)
{
    if (!n) return;
    hanoi(n - 1, from, via, to);
    moves += (unsigned)(from * 3 + to);
    hanoi(n - 1, via, to, from);
}

int main(int argc, char **argv)
{
    unsigned n = (unsigned)bench_size(argc, argv, 24);
    unsigned f = fib(n);
    unsigned a = ack(2, 20 * n);
    hanoi(n - 6, 0, 2, 1);
    printf("fib(%u) = %u ack(2,%u) = %u hanoi %u\n", n, f, 20 * n, a, moves);
    return 0;
}
