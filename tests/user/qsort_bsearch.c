/* qsort and bsearch from libc with callbacks (indirect calls back into the program), on integers,
 * strings and structs, including a stable-order check through a tie-breaking key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct rec {
    char name[12];
    int age;
    int id;
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->age != y->age)
        return x->age - y->age;
    int c = strcmp(x->name, y->name);
    return c ? c : x->id - y->id;
}

int main(void)
{
    enum { N = 3000 };
    static int v[N];
    unsigned seed = 42;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (int)(seed >> 8) % 100000 - 50000;
    }
    qsort(v, N, sizeof v[0], cmp_int);
    int sorted = 1;
    for (int i = 1; i < N; i++)
        sorted &= v[i - 1] <= v[i];
    printf("ints sorted=%d min=%d max=%d median=%d\n", sorted, v[0], v[N - 1], v[N / 2]);
    int found = 0, missing = 0;
    for (int k = -50000; k < 50000; k += 7) {
        int *p = bsearch(&k, v, N, sizeof v[0], cmp_int);
        if (p) {
            found++;
            if (*p != k)
                printf("bsearch returned a wrong element\n");
        } else {
            missing++;
        }
    }
    printf("bsearch found=%d missing=%d\n", found, missing);
    qsort(v, N, sizeof v[0], cmp_int_desc);
    printf("desc first=%d last=%d\n", v[0], v[N - 1]);

    const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape",
                            "kiwi", "lemon", "mango", "apple", "nectarine", "orange", "Zucchini" };
    int nw = (int)(sizeof words / sizeof words[0]);
    qsort(words, (size_t)nw, sizeof words[0], cmp_str);
    for (int i = 0; i < nw; i++)
        printf("%s%s", words[i], i + 1 < nw ? " " : "\n");
    const char *key = "kiwi";
    const char **w = bsearch(&key, words, (size_t)nw, sizeof words[0], cmp_str);
    printf("kiwi at %ld\n", w ? (long)(w - words) : -1L);

    struct rec recs[40];
    const char *names[] = { "ann", "bob", "cid", "dee", "eve" };
    for (int i = 0; i < 40; i++) {
        seed = seed * 1103515245u + 12345u;
        snprintf(recs[i].name, sizeof recs[i].name, "%s", names[(seed >> 10) % 5]);
        recs[i].age = 20 + (int)((seed >> 16) % 6);
        recs[i].id = i;
    }
    qsort(recs, 40, sizeof recs[0], cmp_rec);
    for (int i = 0; i < 40; i++)
        printf("%s/%d/%d%s", recs[i].name, recs[i].age, recs[i].id, i % 8 == 7 ? "\n" : " ");
    return 0;
}
