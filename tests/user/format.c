/* printf formatting of integers: %d %i %u %x %X %o %c %s %% with flags (- + space # 0), widths and
 * precisions (also from * arguments), length modifiers hh h l ll z j t, extreme values, %p of NULL,
 * and long outputs. No floating point. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    static volatile int ints[] = { 0, 1, -1, 42, -42, 255, 65535, 1000000, INT_MAX, INT_MIN };
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int v = ints[i];
        printf("[%d] [%i] [%u] [%x] [%X] [%o] [%5d] [%-5d|] [%05d] [%+d] [% d] [%#x] [%#o] [%.3d] [%8.4d]\n",
               v, v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, v, v, v, v, v, (unsigned)v,
               (unsigned)v, v, v);
    }
    static volatile long long lls[] = { 0, -1, LLONG_MAX, LLONG_MIN, 1234567890123456789LL, 0x100000000LL };
    for (unsigned i = 0; i < sizeof lls / sizeof lls[0]; i++) {
        long long v = lls[i];
        printf("[%lld] [%llu] [%llx] [%#llo] [%22lld] [%-+22lld|]\n", v, (unsigned long long)v,
               (unsigned long long)v, (unsigned long long)v, v, v);
    }
    printf("hh: [%hhd] [%hhu] [%hhx]  h: [%hd] [%hu] [%hx]\n", (signed char)-1, (unsigned char)200,
           (unsigned char)0xAB, (short)-32768, (unsigned short)65535, (unsigned short)0xBEEF);
    printf("l: [%ld] [%lu] [%lx]\n", LONG_MIN, ULONG_MAX, (unsigned long)0xDEADBEEF);
    printf("z/j/t: [%zu] [%zd] [%jd] [%ju] [%td]\n", (size_t)4000000000u, (ssize_t)-5, (intmax_t)INT64_MIN,
           (uintmax_t)UINT64_MAX, (ptrdiff_t)-12345);
    printf("inttypes: [%" PRId8 "] [%" PRIu16 "] [%" PRIx32 "] [%" PRId64 "] [%" PRIX64 "]\n", (int8_t)-100,
           (uint16_t)60000, (uint32_t)0xC0FFEE, (int64_t)-77777777777, (uint64_t)0xABCDEF0123456789ull);
    printf("star: [%*d] [%-*d|] [%.*d] [%*.*x]\n", 8, 42, 6, -7, 5, 3, 10, 6, 0xAB);
    printf("chars: [%c] [%3c] [%-3c|] [%c]\n", 'A', 'b', 'c', 0x7e);
    printf("strings: [%s] [%10s] [%-10s|] [%.3s] [%10.2s] [%s]\n", "hello", "right", "left", "truncate",
           "ab", "");
    printf("null pointer: [%p] percent: [%%]\n", (void *)0);

    char buf[600];
    int n = sprintf(buf, "%0500d", 7);
    printf("wide zero pad: %d chars, starts %.5s ends %s\n", n, buf, buf + 495);
    n = sprintf(buf, "%-300s|", "x");
    printf("wide left: %d chars, bar at %ld\n", n, (long)(strchr(buf, '|') - buf));

    int count = 0;
    unsigned total = 0;
    for (int i = -500; i <= 500; i += 7) {
        n = sprintf(buf, "%d:%x:%o:%lld", i, (unsigned)i, (unsigned)i * 3, (long long)i * 1000000007LL);
        total += (unsigned)n;
        for (char *p = buf; *p; p++)
            total = total * 31 + (unsigned char)*p;
        count++;
    }
    printf("%d formatted numbers, hash %08x\n", count, total);
    n = printf("printf returns the byte count\n");
    printf("that was %d bytes\n", n);
    return 0;
}
