/* Indirect control flow: calls through function-pointer tables, function pointers returned and
 * passed as arguments, and dense switch statements that compile to jump tables (jmp *table(,%reg,4)),
 * plus a sparse switch that compiles to a compare tree. */
#include <stdio.h>

typedef int (*binop)(int, int);

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_and(int a, int b) { return a & b; }
static int op_or(int a, int b) { return a | b; }
static int op_xor(int a, int b) { return a ^ b; }
static int op_max(int a, int b) { return a > b ? a : b; }
static int op_min(int a, int b) { return a < b ? a : b; }

static const binop table[] = { op_add, op_sub, op_mul, op_and, op_or, op_xor, op_max, op_min };
static const char *const names[] = { "add", "sub", "mul", "and", "or", "xor", "max", "min" };

static binop pick(int i) { return table[i & 7]; }

static int fold(binop f, const int *a, int n, int init)
{
    for (int i = 0; i < n; i++)
        init = f(init, a[i]);
    return init;
}

static __attribute__((noinline)) int dense(int x)
{
    switch (x) {
    case 0: return 17;
    case 1: return 4;
    case 2: return -9;
    case 3: return 100;
    case 4: return 33;
    case 5: return 8;
    case 6: return 1 << 20;
    case 7: return -1;
    case 8: return 55;
    case 9: return 12;
    case 10: return 999;
    case 11: return 0;
    case 12: return 31337;
    case 13: return 2;
    case 14: return -77;
    case 15: return 64;
    default: return -1000;
    }
}

static __attribute__((noinline)) const char *dense_str(unsigned x)
{
    switch (x) {
    case 100: return "hundred";
    case 101: return "hundred-one";
    case 102: return "hundred-two";
    case 103: return "hundred-three";
    case 104: return "hundred-four";
    case 105: return "hundred-five";
    case 106: return "hundred-six";
    case 107: return "hundred-seven";
    default: return "other";
    }
}

static __attribute__((noinline)) int sparse(int x)
{
    switch (x) {
    case -1000000: return 1;
    case -5: return 2;
    case 3: return 3;
    case 1000: return 4;
    case 65536: return 5;
    case 123456789: return 6;
    default: return 0;
    }
}

/* Cases that compute different things: a jump table even at -O2 (not a value lookup table). */
static __attribute__((noinline)) unsigned actions(unsigned op, unsigned x)
{
    switch (op) {
    case 0: return x + 1;
    case 1: return x * 3;
    case 2: return x ^ 0xdeadbeef;
    case 3: return x >> 3;
    case 4: return x << 5;
    case 5: return ~x;
    case 6: return x - 12345;
    case 7: return (x << 16) | (x >> 16);
    case 8: return x & 0xff00ff;
    case 9: return x / 7;
    case 10: return x % 1000;
    case 11: return x * x;
    default: return x;
    }
}

/* A state machine with fall-through cases. */
static __attribute__((noinline)) unsigned machine(const char *s)
{
    unsigned state = 0, acc = 0;
    for (; *s; s++) {
        switch (state) {
        case 0:
            if (*s == 'a') { state = 1; break; }
            /* fall through */
        case 1:
            acc += (unsigned char)*s;
            state = 2;
            break;
        case 2:
            acc *= 3;
            state = (*s & 1) ? 3 : 0;
            break;
        case 3:
            acc ^= 0x5a;
            /* fall through */
        case 4:
            state = 0;
            break;
        }
    }
    return acc * 10 + state;
}

struct shape {
    const char *name;
    int (*area)(const struct shape *);
    int w, h;
};
static int rect_area(const struct shape *s) { return s->w * s->h; }
static int tri_area(const struct shape *s) { return s->w * s->h / 2; }
static int square_area(const struct shape *s) { return s->w * s->w; }

int main(void)
{
    const int data[] = { 5, -3, 12, 7, 0, 9, -11, 4 };
    for (int i = 0; i < 8; i++)
        printf("fold %s = %d\n", names[i], fold(pick(i), data, 8, i == 2 ? 1 : 0));
    for (int i = 0; i < 8; i++)
        printf("%s(1234, -77) = %d\n", names[i], table[i](1234, -77));

    int s = 0;
    for (int i = -3; i < 20; i++) {
        printf("dense(%d)=%d\n", i, dense(i));
        s += dense(i);
    }
    for (int r = 0; r < 10000; r++)
        s += dense(r & 31) ^ r;
    printf("dense sum=%d\n", s);
    unsigned acc = 1;
    for (unsigned r = 0; r < 20000; r++)
        acc = actions((acc ^ r) % 13, acc) + r;
    printf("actions=%u\n", acc);
    for (unsigned i = 98; i < 110; i++)
        printf("dense_str(%u)=%s\n", i, dense_str(i));
    const int keys[] = { -1000000, -5, 3, 4, 1000, 65536, 65537, 123456789, 0 };
    for (int i = 0; i < 9; i++)
        printf("sparse(%d)=%d\n", keys[i], sparse(keys[i]));
    printf("machine=%u %u\n", machine("abracadabra"), machine("the quick brown fox"));

    const struct shape shapes[] = {
        { "rect", rect_area, 3, 4 }, { "tri", tri_area, 5, 7 }, { "square", square_area, 6, 0 },
    };
    for (int i = 0; i < 3; i++)
        printf("%s area %d\n", shapes[i].name, shapes[i].area(&shapes[i]));
    return 0;
}
