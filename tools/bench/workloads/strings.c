/* strings: text processing over generated text of argv[1] KiB: tokenising with strchr/strspn,
 * a word-frequency hash table with strcmp/strlen/memcpy, case folding and substring search. */
#include <ctype.h>
#include <string.h>
#include "common.h"

static const char *const syllables[] = {
    "ka", "lo", "mir", "ten", "su", "ra", "vo", "in", "e", "qua",
};

struct entry {
    char *word;
    unsigned count;
    struct entry *next;
};

enum { BUCKETS = 4096 };
static struct entry *table[BUCKETS];

static unsigned hash_word(const char *s)
{
    unsigned h = 5381;
    while (*s) h = h * 33 + (unsigned char)*s++;
    return h % BUCKETS;
}

static void count_word(const char *w)
{
    unsigned h = hash_word(w);
    for (struct entry *e = table[h]; e; e = e->next) {
        if (strcmp(e->word, w) == 0) {
            e->count++;
            return;
        }
    }
    struct entry *e = malloc(sizeof *e);
    size_t len = strlen(w);
    e->word = malloc(len + 1);
    memcpy(e->word, w, len + 1);
    e->count = 1;
    e->next = table[h];
    table[h] = e;
}

int main(int argc, char **argv)
{
    size_t n = (size_t)bench_size(argc, argv, 256) * 1024;
    char *text = malloc(n + 32);
    size_t len = 0;
    while (len < n) {
        int syl = 1 + bench_rand() % 3;
        for (int i = 0; i < syl; i++) {
            const char *s = syllables[bench_rand() % 10];
            size_t l = strlen(s);
            memcpy(text + len, s, l);
            len += l;
        }
        uint32_t r = bench_rand() % 16;
        text[len++] = r == 0 ? '.' : r == 1 ? ',' : r == 2 ? '\n' : ' ';
        if (r == 0) text[len - 2] = (char)toupper((unsigned char)text[len - 2]);
    }
    text[len] = '\0';

    unsigned words = 0, longest = 0;
    char *p = text;
    char word[64];
    while (*p) {
        p += strspn(p, " .,\n");
        size_t w = strcspn(p, " .,\n");
        if (!w) break;
        if (w > longest) longest = (unsigned)w;
        size_t c = w < sizeof word - 1 ? w : sizeof word - 1;
        for (size_t i = 0; i < c; i++) word[i] = (char)tolower((unsigned char)p[i]);
        word[c] = '\0';
        count_word(word);
        words++;
        p += w;
    }
    unsigned distinct = 0, top = 0;
    const char *topw = "";
    for (int b = 0; b < BUCKETS; b++) {
        for (struct entry *e = table[b]; e; e = e->next) {
            distinct++;
            if (e->count > top || (e->count == top && strcmp(e->word, topw) < 0)) {
                top = e->count;
                topw = e->word;
            }
        }
    }
    unsigned hits = 0;
    for (const char *q = text; (q = strstr(q, "tenmir")); q++) hits++;
    const char *lines = text;
    unsigned nlines = 0;
    while ((lines = strchr(lines, '\n'))) { lines++; nlines++; }
    printf("words %u distinct %u longest %u top %s=%u tenmir %u lines %u\n",
           words, distinct, longest, topw, top, hits, nlines);
    return 0;
}
