/* ctype classification over all ASCII characters, snprintf truncation rules, sscanf of integers
 * (%d %i %u %x %o %n %[..] and widths), strtol/strtoul/strtoll with bases, end pointers and ERANGE,
 * atoi. Integers only: no floating point anywhere. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    const char *classes = "alpha digit xdigit alnum space punct upper lower cntrl print graph blank";
    printf("%s\n", classes);
    for (int c = 0; c < 128; c += 16) {
        for (int k = c; k < c + 16; k++) {
            int bits[] = { isalpha(k), isdigit(k), isxdigit(k), isalnum(k), isspace(k), ispunct(k),
                           isupper(k), islower(k), iscntrl(k), isprint(k), isgraph(k), isblank(k) };
            unsigned m = 0;
            for (int bit = 0; bit < 12; bit++)
                m |= (unsigned)(bits[bit] != 0) << bit;
            printf("%03x%c", m, k == c + 15 ? '\n' : ' ');
        }
    }
    char up[64], low[64];
    const char *mixed = "Hello, World! 123 xQm-USER";
    size_t i;
    for (i = 0; mixed[i]; i++) {
        up[i] = (char)toupper((unsigned char)mixed[i]);
        low[i] = (char)tolower((unsigned char)mixed[i]);
    }
    up[i] = low[i] = 0;
    printf("%s / %s\n", up, low);

    char small[8];
    volatile size_t small_size = sizeof small, one = 1;   /* hide the truncation from gcc */
    int r = snprintf(small, small_size, "%d-%d", 123456, 789);
    printf("snprintf returned %d, buffer [%s]\n", r, small);
    r = snprintf(small, small_size, "%s", "abc");
    printf("snprintf returned %d, buffer [%s]\n", r, small);
    r = snprintf(NULL, 0, "%lld", LLONG_MIN);
    printf("snprintf(NULL, 0) length %d\n", r);
    r = snprintf(small, one, "xyz");
    printf("snprintf size 1 returned %d, empty=%d\n", r, small[0] == 0);

    int a = 0, b = 0, c = 0, n = 0;
    unsigned u = 0, x = 0, o = 0;
    r = sscanf("  -42 17 0x1F 0777 077", "%d %u %x %i %o%n", &a, &u, &x, &b, &o, &n);
    printf("sscanf %d fields: %d %u %x %d %o consumed %d\n", r, a, u, x, b, o, n);
    r = sscanf("12345678", "%3d%2d%d", &a, &b, &c);
    printf("widths: %d -> %d %d %d\n", r, a, b, c);
    char word[16], rest[32];
    r = sscanf("key_name=some value;tail", "%15[a-z_]=%31[^;]", word, rest);
    printf("scansets: %d [%s] [%s]\n", r, word, rest);
    r = sscanf("abc", "%d", &a);
    printf("no match: %d\n", r);
    r = sscanf("", "%d", &a);
    printf("empty input: %d\n", r);
    long long ll = 0;
    r = sscanf("-9223372036854775807 ff", "%lld %x", &ll, &x);
    printf("lld: %d %lld %x\n", r, ll, x);
    short sh = 0;
    signed char ch = 0;
    r = sscanf("-300 200", "%hd %hhd", &sh, &ch);
    printf("h/hh: %d %d %d\n", r, sh, ch);

    const char *nums[] = { "0", "-17", "+99", "0x7fffffff", "0x80000000", "-0x80000000", "0755",
                           "99999999999", "-99999999999", "  12abc", "abc", "1010", "zz" };
    int bases[] = { 10, 10, 10, 0, 0, 0, 0, 10, 10, 10, 10, 2, 36 };
    for (int k = 0; k < 13; k++) {
        char *end;
        errno = 0;
        long v = strtol(nums[k], &end, bases[k]);
        int e1 = errno;
        errno = 0;
        unsigned long uv = strtoul(nums[k], NULL, bases[k]);
        int e2 = errno;
        errno = 0;
        long long lv = strtoll(nums[k], NULL, bases[k]);
        printf("[%s] base %d: strtol=%ld%s end+%d strtoul=%lu%s strtoll=%lld%s\n", nums[k], bases[k], v,
               e1 == ERANGE ? "(ERANGE)" : "", (int)(end - nums[k]), uv, e2 == ERANGE ? "(ERANGE)" : "",
               lv, errno == ERANGE ? "(ERANGE)" : "");
    }
    printf("atoi: %d %d %d\n", atoi("  -123xyz"), atoi("2147483647"), atoi("nope"));
    printf("atol/atoll: %ld %lld\n", atol("-2000000000"), atoll("123456789012345"));
    return 0;
}
