/* switch: a lexer-style state machine over generated source text of argv[1] KiB, with a dense
 * switch on each character class (compiled to a jump table) and a second switch on the state. */
#include "common.h"

enum cls { C_SPACE, C_ALPHA, C_DIGIT, C_OP, C_QUOTE, C_NL, C_OTHER };
enum state { S_START, S_IDENT, S_NUMBER, S_STRING };

static enum cls classify(unsigned char c)
{
    switch (c) {
    case ' ': case '\t': return C_SPACE;
    case '\n': return C_NL;
    case '"': return C_QUOTE;
    case '+': case '-': case '*': case '/': case '=': case '<': case '>': case '(': case ')':
    case '{': case '}': case ';': case ',': return C_OP;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
    case '9': return C_DIGIT;
    default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return C_ALPHA;
        return C_OTHER;
    }
}

int main(int argc, char **argv)
{
    size_t n = (size_t)bench_size(argc, argv, 256) * 1024;
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz_0123456789  \n+-*/=<>(){};,\"";
    unsigned char *src = malloc(n);
    for (size_t i = 0; i < n; i++) {
        src[i] = (unsigned char)alphabet[bench_rand() % (sizeof alphabet - 1)];
    }

    unsigned idents = 0, numbers = 0, strings = 0, ops = 0, lines = 0, other = 0;
    uint32_t value = 0;
    enum state st = S_START;
    for (size_t i = 0; i < n; i++) {
        enum cls c = classify(src[i]);
        switch (st) {
        case S_START:
            switch (c) {
            case C_ALPHA: st = S_IDENT; idents++; break;
            case C_DIGIT: st = S_NUMBER; numbers++; value = src[i] - '0'; break;
            case C_QUOTE: st = S_STRING; strings++; break;
            case C_OP: ops++; break;
            case C_NL: lines++; break;
            case C_SPACE: break;
            case C_OTHER: other++; break;
            }
            break;
        case S_IDENT:
            if (c != C_ALPHA && c != C_DIGIT) { st = S_START; i--; }
            break;
        case S_NUMBER:
            if (c == C_DIGIT) value = value * 10 + (src[i] - '0');
            else { st = S_START; i--; }
            break;
        case S_STRING:
            if (c == C_QUOTE) st = S_START;
            else if (c == C_NL) lines++;
            break;
        }
    }
    printf("idents %u numbers %u strings %u ops %u lines %u other %u value %08x\n",
           idents, numbers, strings, ops, lines, other, value);
    return 0;
}
