/* string.h at many lengths and alignments (glibc picks optimised variants, which read and write in
 * wide chunks): memcpy, memmove in both overlap directions, memset, memcmp, memchr, strlen, strcpy,
 * strncpy, strcat, strcmp, strncmp, strchr, strrchr, strstr, strspn, strcspn, strpbrk, strtok,
 * strdup. Results are printed as offsets and checksums, never as addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char a[512], b[512];

static unsigned sum(const unsigned char *p, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
}

static long off(const void *p, const void *base)
{
    return p ? (const char *)p - (const char *)base : -1;
}

static void mem_tests(void)
{
    unsigned h = 0;
    for (size_t align = 0; align < 8; align++) {
        for (size_t len = 0; len < 200; len += (len < 40 ? 1 : 13)) {
            fill(a, sizeof a, (unsigned)(align * 1000 + len));
            memset(b, 0xEE, sizeof b);
            memcpy(b + align, a + 3, len);
            h = h * 7 + sum(b, sizeof b);
            memset(b + align, (int)len, len);
            h = h * 7 + sum(b, sizeof b);
        }
    }
    printf("memcpy/memset hash %08x\n", h);

    h = 0;
    for (size_t len = 0; len < 130; len += 3) {
        for (int shift = -9; shift <= 9; shift += 3) {
            fill(a, sizeof a, (unsigned)len);
            memmove(a + 100 + shift, a + 100, len);
            h = h * 7 + sum(a, sizeof a);
        }
    }
    printf("memmove hash %08x\n", h);

    char s[32] = "0123456789abcdefghij";
    memmove(s + 2, s, 10);
    printf("memmove up: %s\n", s);
    strcpy(s, "0123456789abcdefghij");
    memmove(s, s + 5, 10);
    printf("memmove down: %s\n", s);

    int cmp_signs = 0;
    for (size_t len = 1; len < 100; len++) {
        fill(a, len, 77);
        memcpy(b, a, len);
        if (memcmp(a, b, len) != 0)
            printf("memcmp equal failed at %zu\n", len);
        b[len - 1] ^= 0x80;
        int r = memcmp(a, b, len);
        cmp_signs = cmp_signs * 3 + (r < 0 ? 0 : r > 0 ? 2 : 1);
        cmp_signs &= 0xffffff;
    }
    printf("memcmp signs %06x\n", (unsigned)cmp_signs);

    fill(a, sizeof a, 5);
    for (int c = 0; c < 256; c += 37)
        printf("memchr %d: %ld\n", c, off(memchr(a, c, sizeof a), a));
}

static void str_tests(void)
{
    char buf[300];
    for (size_t align = 0; align < 8; align++) {
        unsigned h = 0;
        for (size_t len = 0; len < 70; len++) {
            memset(buf, 'x', sizeof buf);
            for (size_t i = 0; i < len; i++)
                buf[align + i] = (char)('a' + (i * 7 + align) % 26);
            buf[align + len] = 0;
            h = h * 31 + (unsigned)strlen(buf + align);
            h = h * 31 + (unsigned)off(strchr(buf + align, 'q'), buf);
            h = h * 31 + (unsigned)off(strrchr(buf + align, 'c'), buf);
            h = h * 31 + (unsigned)off(strchr(buf + align, 0), buf);
        }
        printf("align %zu: str hash %08x\n", align, h);
    }

    char d[64];
    strcpy(d, "hello");
    strcat(d, ", ");
    strcat(d, "world");
    printf("strcat: [%s] len %zu\n", d, strlen(d));
    memset(d, 'Z', sizeof d);
    strncpy(d, "abc", 6);
    printf("strncpy pad: %d %d %d %d %c\n", d[3], d[4], d[5], d[2], d[6]);
    strncpy(d, "abcdefgh", 4);
    d[4] = 0;
    printf("strncpy trunc: %s\n", d);

    const char *words[] = { "apple", "apples", "Apple", "banana", "", "app", "apple" };
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            int r = strcmp(words[i], words[j]), n = strncmp(words[i], words[j], 3);
            printf("%c%c", r < 0 ? '<' : r > 0 ? '>' : '=', n < 0 ? '<' : n > 0 ? '>' : '=');
            if (j == 6)
                printf("\n");
        }

    const char *hay = "the quick brown fox jumps over the lazy dog; the end";
    const char *needles[] = { "the", "fox", "dog;", "end", "ends", "", "q", "lazy dog", "xyz" };
    for (int i = 0; i < 9; i++)
        printf("strstr(%s)=%ld\n", needles[i], off(strstr(hay, needles[i]), hay));
    printf("strspn=%zu strcspn=%zu strpbrk=%ld\n", strspn(hay, "the qick"), strcspn(hay, "xyz"),
           off(strpbrk(hay, "jwz"), hay));

    char line[] = "  alpha, beta,,gamma ;delta;  ;epsilon  ";
    int n = 0;
    for (char *t = strtok(line, " ,;"); t; t = strtok(NULL, " ,;"))
        printf("token %d: [%s]\n", n++, t);
    char line2[] = "k1=v1&k2=v2&k3";
    char *save = NULL;
    for (char *t = strtok_r(line2, "&", &save); t; t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        printf("pair [%.*s] -> [%s]\n", eq ? (int)(eq - t) : (int)strlen(t), t, eq ? eq + 1 : "(none)");
    }

    char *dup = strdup(hay);
    printf("strdup equal: %d len %zu\n", strcmp(dup, hay) == 0, strlen(dup));
    free(dup);
    printf("strndup: [%s]\n", dup = strndup(hay, 9));
    free(dup);
}

int main(void)
{
    mem_tests();
    str_tests();
    return 0;
}
