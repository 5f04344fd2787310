/* dispatch: virtual calls through per-class function-pointer tables ("vtables") on a mixed array
 * of argv[1] thousand objects, plus a table of handler functions indexed by data: indirect calls
 * whose targets change from one call to the next. */
#include "common.h"

struct shape;
struct shape_ops {
    uint32_t (*area)(const struct shape *);
    uint32_t (*perimeter)(const struct shape *);
    void (*scale)(struct shape *, uint32_t);
};

struct shape {
    const struct shape_ops *ops;
    uint32_t a, b;
};

static uint32_t rect_area(const struct shape *s) { return s->a * s->b; }
static uint32_t rect_perim(const struct shape *s) { return 2 * (s->a + s->b); }
static void rect_scale(struct shape *s, uint32_t k)
{
    s->a = (s->a * k) % 1000 + 1;
    s->b = (s->b * k) % 1000 + 1;
}
static uint32_t sq_area(const struct shape *s) { return s->a * s->a; }
static uint32_t sq_perim(const struct shape *s) { return 4 * s->a; }
static void sq_scale(struct shape *s, uint32_t k) { s->a = (s->a * k) % 1000 + 1; }
static uint32_t tri_area(const struct shape *s) { return s->a * s->b / 2; }
static uint32_t tri_perim(const struct shape *s)
{
    return s->a + s->b + (s->a > s->b ? s->a : s->b);
}
static void tri_scale(struct shape *s, uint32_t k)
{
    s->a = (s->a + k) % 1000 + 1;
    s->b = (s->b ^ k) % 1000 + 1;
}

static const struct shape_ops ops[] = {
    { rect_area, rect_perim, rect_scale },
    { sq_area, sq_perim, sq_scale },
    { tri_area, tri_perim, tri_scale },
};

static uint32_t h_add(uint32_t x, uint32_t y) { return x + y; }
static uint32_t h_xor(uint32_t x, uint32_t y) { return x ^ y; }
static uint32_t h_mul(uint32_t x, uint32_t y) { return x * (y | 1); }
static uint32_t h_rot(uint32_t x, uint32_t y) { return (x << (y & 31)) | (x >> (-y & 31)); }
static uint32_t (*const handlers[4])(uint32_t, uint32_t) = { h_add, h_xor, h_mul, h_rot };

int main(int argc, char **argv)
{
    long n = bench_size(argc, argv, 20) * 1000;
    struct shape *shapes = malloc(n * sizeof *shapes);
    for (long i = 0; i < n; i++) {
        shapes[i].ops = &ops[bench_rand() % 3];
        shapes[i].a = bench_rand() % 100 + 1;
        shapes[i].b = bench_rand() % 100 + 1;
    }
    uint32_t total = 0;
    for (int round = 0; round < 10; round++) {
        for (long i = 0; i < n; i++) {
            struct shape *s = &shapes[i];
            total += s->ops->area(s) + s->ops->perimeter(s);
            s->ops->scale(s, (uint32_t)round + 3);
        }
    }
    uint32_t acc = 1;
    for (long i = 0; i < 10 * n; i++) acc = handlers[(acc ^ (uint32_t)i) & 3](acc, (uint32_t)i);
    printf("shapes %08x handlers %08x\n", total, acc);
    return 0;
}
