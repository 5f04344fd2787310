/* Reading standard input (the runner feeds tests/user/stdin.txt): fgets line by line, word and
 * number counting with sscanf, getchar, then read(2) of what is left, and EOF handling. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    char line[256];
    int lines = 0, words = 0, numbers = 0;
    long sum = 0;
    unsigned hash = 0;
    for (int i = 0; i < 6 && fgets(line, sizeof line, stdin); i++) {
        lines++;
        size_t len = strlen(line);
        printf("line %d: %zu bytes%s\n", lines, len, len && line[len - 1] == '\n' ? "" : " (no newline)");
        for (char *p = line; *p; p++)
            hash = hash * 31 + (unsigned char)*p;
        int pos = 0, n;
        char word[64];
        while (sscanf(line + pos, "%63s%n", word, &n) == 1) {
            words++;
            pos += n;
            int v;
            char extra;
            if (sscanf(word, "%i%c", &v, &extra) == 1) {
                numbers++;
                sum += v;
            }
        }
    }
    printf("first %d lines: %d words, %d numbers summing to %ld, hash %08x\n", lines, words, numbers, sum, hash);

    int c, letters = 0, spaces = 0, chars = 0;
    while ((c = getchar()) != EOF && c != '\n') {
        chars++;
        letters += isalpha(c) != 0;
        spaces += isspace(c) != 0;
    }
    printf("getchar line: %d chars, %d letters, %d spaces\n", chars, letters, spaces);

    /* stdio has probably buffered the rest already: drain it through stdio, then read(2) sees EOF. */
    char rest[4096];
    size_t got = fread(rest, 1, sizeof rest - 1, stdin);
    rest[got] = 0;
    printf("fread rest: %zu bytes, ends with [%s]\n", got, got >= 9 ? rest + got - 9 : rest);
    printf("feof=%d\n", feof(stdin) != 0);
    printf("read(0) at EOF: %zd\n", read(0, rest, sizeof rest));
    printf("getchar at EOF: %d\n", getchar());
    return 0;
}
