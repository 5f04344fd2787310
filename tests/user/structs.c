/* Structures: assignment and copies of many sizes (movs, rep movsl, memcpy calls), passing and
 * returning structs by value (the i386 ABI returns big structs through a hidden pointer and the
 * callee pops it with `ret $4`), small structs, unions, packed and nested structs, arrays of structs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct small { char c; short s; };
struct pair { int a, b; };
struct mid { int v[5]; char tag; };
struct big { unsigned words[67]; char name[13]; };
struct nested { struct pair p; struct mid m; struct small s[3]; long long ll; };
struct __attribute__((packed)) packed { char c; int i; short s; long long ll; };
union conv { uint32_t u; int32_t i; uint16_t h[2]; uint8_t b[4]; };

static unsigned sum_bytes(const void *p, size_t n)
{
    const unsigned char *c = p;
    unsigned h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 131 + c[i];
    return h;
}

static __attribute__((noinline)) struct pair make_pair(int a, int b)
{
    struct pair p = { a, b };
    return p;
}

static __attribute__((noinline)) struct small make_small(char c, short s)
{
    struct small r = { c, s };
    return r;
}

static __attribute__((noinline)) struct big make_big(unsigned seed)
{
    struct big b;
    for (int i = 0; i < 67; i++)
        b.words[i] = seed * (unsigned)i + 0x1234;
    snprintf(b.name, sizeof b.name, "big%u", seed % 1000);
    return b;
}

static __attribute__((noinline)) unsigned consume_big(struct big b, struct mid m, struct pair p)
{
    b.words[0] += 1;   /* modifies the callee's copy only */
    unsigned h = sum_bytes(b.words, sizeof b.words) + (unsigned)strlen(b.name);
    for (int i = 0; i < 5; i++)
        h = h * 3 + (unsigned)m.v[i];
    return h + (unsigned)m.tag + (unsigned)(p.a * p.b);
}

static __attribute__((noinline)) struct nested transform(struct nested n)
{
    n.p.a += 1;
    n.m.v[4] *= 2;
    n.s[2].s = (short)(n.s[2].s - 5);
    n.ll <<= 3;
    return n;
}

int main(void)
{
    struct pair p = make_pair(3, -4);
    struct small s = make_small('x', -1234);
    printf("pair %d %d small %c %d\n", p.a, p.b, s.c, s.s);
    printf("sizes: small %zu pair %zu mid %zu big %zu nested %zu packed %zu union %zu\n", sizeof(struct small),
           sizeof(struct pair), sizeof(struct mid), sizeof(struct big), sizeof(struct nested),
           sizeof(struct packed), sizeof(union conv));
    printf("offsets: nested.m %zu nested.s %zu nested.ll %zu packed.i %zu packed.ll %zu\n",
           offsetof(struct nested, m), offsetof(struct nested, s), offsetof(struct nested, ll),
           offsetof(struct packed, i), offsetof(struct packed, ll));

    struct big b1 = make_big(7), b2;
    b2 = b1;
    b2.words[66] ^= 0xffff;
    printf("big copy: %08x %08x name %s\n", sum_bytes(b1.words, sizeof b1.words),
           sum_bytes(b2.words, sizeof b2.words), b2.name);
    struct mid m = { { 1, 2, 3, 4, 5 }, 'q' };
    unsigned before = b1.words[0];
    printf("consume_big=%08x caller copy unchanged=%d\n", consume_big(b1, m, p), b1.words[0] == before);

    struct nested n = { { 10, 20 }, { { 1, 1, 2, 3, 5 }, 'n' }, { { 'a', 1 }, { 'b', 2 }, { 'c', 3 } },
                        0x0102030405LL };
    struct nested t = transform(n);
    printf("transform: %d %d %d %lld (orig %d %d %d %lld)\n", t.p.a, t.m.v[4], t.s[2].s, t.ll, n.p.a,
           n.m.v[4], n.s[2].s, n.ll);

    struct packed pk = { 'z', 0x11223344, 0x5566, 0x778899aabbccddeeLL }, pk2;
    memcpy(&pk2, &pk, sizeof pk);
    pk2.i += 1;
    printf("packed: %c %x %x %llx, i+1=%x\n", pk.c, pk.i, pk.s, (unsigned long long)pk.ll, pk2.i);
    unsigned char raw[sizeof pk];
    memcpy(raw, &pk, sizeof pk);
    for (size_t i = 0; i < sizeof raw; i++)
        printf("%02x", raw[i]);
    printf("\n");

    union conv u;
    u.u = 0xA1B2C3D4u;
    printf("union: i=%d h=%04x,%04x b=%02x,%02x,%02x,%02x\n", u.i, u.h[0], u.h[1], u.b[0], u.b[1], u.b[2], u.b[3]);

    struct pair arr[100];
    for (int i = 0; i < 100; i++)
        arr[i] = make_pair(i, i * i);
    struct pair tmp = arr[0];
    for (int i = 0; i < 99; i++)
        arr[i] = arr[i + 1];
    arr[99] = tmp;
    printf("rotated array: %08x first %d last %d\n", sum_bytes(arr, sizeof arr), arr[0].a, arr[99].b);

    /* Copies of every size from 1 to 64 bytes via struct assignment of char arrays. */
    unsigned h = 0;
#define COPY(N) do { struct s##N { char c[N]; } x, y; for (int i = 0; i < N; i++) x.c[i] = (char)(i * 13 + N); \
        y = x; h = h * 7 + sum_bytes(&y, sizeof y); } while (0)
    COPY(1); COPY(2); COPY(3); COPY(4); COPY(5); COPY(7); COPY(8); COPY(12); COPY(15); COPY(16);
    COPY(24); COPY(31); COPY(32); COPY(33); COPY(48); COPY(63); COPY(64); COPY(100); COPY(257);
    printf("copy sizes hash %08x\n", h);
    return 0;
}
