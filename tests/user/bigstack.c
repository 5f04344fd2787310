/* Large stack frames: a 1 MiB local array (the stack must grow far below the initial pages),
 * alloca, a variable-length array and recursion with 64 KiB frames. */
#include <alloca.h>
#include <stdio.h>
#include <string.h>

static __attribute__((noinline)) unsigned big_frame(unsigned seed)
{
    volatile unsigned char buf[1 << 20];
    for (unsigned i = 0; i < sizeof buf; i += 97)
        buf[i] = (unsigned char)(seed + i);
    buf[sizeof buf - 1] = (unsigned char)seed;
    unsigned h = 0;
    for (unsigned i = 0; i < sizeof buf; i += 97)
        h = h * 31 + buf[i];
    return h ^ buf[sizeof buf - 1] ^ buf[0];
}

static __attribute__((noinline)) unsigned deep(int n)
{
    volatile unsigned frame[16384];   /* 64 KiB */
    frame[0] = (unsigned)n;
    frame[16383] = (unsigned)n * 3;
    unsigned below = n > 0 ? deep(n - 1) : 0;
    return below + frame[0] + frame[16383];
}

static __attribute__((noinline)) unsigned vla(int n)
{
    unsigned arr[n];
    for (int i = 0; i < n; i++)
        arr[i] = (unsigned)(i * i);
    unsigned s = 0;
    for (int i = 0; i < n; i += 3)
        s += arr[i];
    return s;
}

static __attribute__((noinline)) unsigned with_alloca(size_t n)
{
    char *p = alloca(n);
    memset(p, 0x5a, n);
    unsigned s = 0;
    for (size_t i = 0; i < n; i += 4093)
        s += (unsigned char)p[i];
    return s;
}

int main(void)
{
    printf("big_frame=%08x\n", big_frame(7));
    printf("big_frame again=%08x\n", big_frame(8));
    printf("deep(24)=%u\n", deep(24));
    printf("vla(100000)=%u\n", vla(100000));
    printf("alloca(1.5 MiB)=%u\n", with_alloca(3 << 19));
    return 0;
}
