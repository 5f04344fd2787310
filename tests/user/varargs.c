/* Variadic functions: va_arg of int, unsigned, long long, pointers, promoted char/short, structs
 * passed through varargs, va_copy to walk the list twice, and vsnprintf forwarding. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int sum_ints(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    int s = 0;
    for (int i = 0; i < count; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

struct pt { int x, y; };

/* Format letters: i=int, u=unsigned, L=long long, s=string, c=char (promoted), h=short, p=struct pt */
static void describe(const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'i': printf("int %d; ", va_arg(ap, int)); break;
        case 'u': printf("unsigned %u; ", va_arg(ap, unsigned)); break;
        case 'L': printf("ll %lld; ", va_arg(ap, long long)); break;
        case 's': printf("str %s; ", va_arg(ap, const char *)); break;
        case 'c': printf("char %c; ", (char)va_arg(ap, int)); break;
        case 'h': printf("short %d; ", (short)va_arg(ap, int)); break;
        case 'p': { struct pt p = va_arg(ap, struct pt); printf("pt (%d,%d); ", p.x, p.y); break; }
        }
    }
    printf("\n");
    /* Second pass: count the words each argument took. */
    unsigned words = 0;
    for (const char *f = fmt; *f; f++) {
        switch (*f) {
        case 'L': (void)va_arg(again, long long); words += 2; break;
        case 'p': (void)va_arg(again, struct pt); words += 2; break;
        case 's': (void)va_arg(again, const char *); words++; break;
        default: (void)va_arg(again, int); words++; break;
        }
    }
    printf("  %u words\n", words);
    va_end(again);
    va_end(ap);
}

static __attribute__((format(printf, 2, 3))) int format_into(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, 64, fmt, ap);
    va_end(ap);
    return n;
}

static long long max_ll(int count, ...)
{
    va_list ap;
    va_start(ap, count);
    long long m = va_arg(ap, long long);
    for (int i = 1; i < count; i++) {
        long long v = va_arg(ap, long long);
        if (v > m)
            m = v;
    }
    va_end(ap);
    return m;
}

int main(void)
{
    printf("sum0=%d sum3=%d sum10=%d\n", sum_ints(0), sum_ints(3, 1, 2, 3),
           sum_ints(10, 1, -2, 3, -4, 5, -6, 7, -8, 9, 1000000));
    struct pt p = { -7, 42 };
    char c = 'Q';
    short sh = -32000;
    describe("iuLscihp", -5, 4000000000u, -1234567890123LL, "text", c, 99, sh, p);
    describe("LLLi", 1LL, 1LL << 40, -(1LL << 62), 3);
    char buf[64];
    int n = format_into(buf, "%s-%05d-%llx-%c", "abc", 42, 0xfeedfacecafeULL, 'z');
    printf("vsnprintf %d [%s]\n", n, buf);
    n = format_into(buf, "%s", "a string that is longer than sixty-four characters, to test truncation");
    printf("vsnprintf %d [%s] %zu\n", n, buf, strlen(buf));
    printf("max_ll=%lld\n", max_ll(5, 3LL, -9LL, 1LL << 50, 77LL, (1LL << 50) - 1));
    return 0;
}
