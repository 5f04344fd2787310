/*
 * The differential tester's shared definitions: the scratch-area layout, the random number generator
 * and the initial machine state of a sequence. Included both by the generator (built for the build
 * machine) and by the i386 harness, so that both derive the same state from the same seed: the
 * harness runs with it, the generator prints it in mismatch reports.
 *
 * Layout of the scratch area (DT_AREA_SIZE bytes, a static array at a fixed address in the harness):
 *   - the memory-operand base register (ebp or ebx) holds dt_area + DT_BASE_OFF; generated operands
 *     reach at most DT_MEM_REACH bytes either side of it;
 *   - esp starts at dt_area + DT_ESP_OFF, and a sequence's pushes and pops stay within
 *     [DT_ESP_OFF - DT_STACK_DOWN, DT_ESP_OFF + DT_STACK_UP] (plus esp-relative displacements);
 *   - the whole area is compared after the sequence.
 */
#ifndef DIFFTEST_DTSTATE_H
#define DIFFTEST_DTSTATE_H

#include <stdint.h>

#define DT_AREA_SIZE 3072
#define DT_BASE_OFF 1280
#define DT_MEM_REACH 1160
#define DT_ESP_OFF 2944
#define DT_STACK_DOWN 128
#define DT_STACK_UP 64

/* Register numbers in ModRM order, the order of every register dump. */
enum { DT_EAX, DT_ECX, DT_EDX, DT_EBX, DT_ESP, DT_EBP, DT_ESI, DT_EDI, DT_NREGS };

/* EFLAGS bits the tester sets and compares. */
#define DT_CF 0x001u
#define DT_PF 0x004u
#define DT_AF 0x010u
#define DT_ZF 0x040u
#define DT_SF 0x080u
#define DT_DF 0x400u
#define DT_OF 0x800u
#define DT_ARITH (DT_CF | DT_PF | DT_AF | DT_ZF | DT_SF | DT_OF)

/* The state a sequence starts with (esp and the base register are fixed by the harness). */
struct dt_state {
    uint32_t r[DT_NREGS];
    uint32_t eflags;
};

/* splitmix64: small, fast, and good enough to spread seeds. */
static inline uint64_t dt_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t dt_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)((dt_next(s) >> 32) % n);
}

/* The seed of sequence `index` of run `seed`, for stream `salt` (0: code, 1: initial state). */
static inline uint64_t dt_seq_seed(uint64_t seed, uint64_t index, uint64_t salt)
{
    uint64_t s = seed * 0x2545f4914f6cdd1dull + index * 0x9e3779b97f4a7c15ull + salt;
    dt_next(&s);
    return dt_next(&s);
}

/* A register value that is often at an edge: 0, +-1, sign boundaries, small, byte patterns. */
static inline uint32_t dt_rand_value(uint64_t *s)
{
    static const uint32_t special[] = {
        0, 1, 2, 0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000, 0x80000001, 0x7f, 0x80, 0xff,
        0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0xffff8000, 0xffffff80, 0xffff0000, 0x00ff00ff,
    };
    uint32_t v = (uint32_t)dt_next(s);
    switch (dt_below(s, 10)) {
    case 0: case 1: case 2: case 3:
        return v;
    case 4: case 5:
        return special[dt_below(s, sizeof special / sizeof special[0])];
    case 6:
        return v & 0xff;
    case 7:
        return v & 0x1f;
    case 8:
        return special[dt_below(s, sizeof special / sizeof special[0])] ^ (1u << (v & 31));
    default:
        return (v & 0xff) * 0x01010101u;
    }
}

/*
 * Fills *st and area[] for the sequence whose state seed is `seed`. The area is built from 64-byte
 * blocks that are random, all 0, all 0xff, a repeated byte or a copy of an earlier block, so that
 * string compares and scans sometimes find equal data.
 */
static inline void dt_init_state(uint64_t seed, struct dt_state *st, uint8_t *area)
{
    uint64_t s = seed;
    for (int i = 0; i < DT_NREGS; i++)
        st->r[i] = dt_rand_value(&s);
    uint32_t f = (uint32_t)dt_next(&s);
    st->eflags = 0x2 | (f & (DT_ARITH | DT_DF));
    for (int blk = 0; blk < DT_AREA_SIZE / 64; blk++) {
        uint8_t *p = area + blk * 64;
        unsigned kind = dt_below(&s, 10);
        uint8_t byte = (uint8_t)dt_next(&s);
        if (kind >= 8 && blk > 0) {   /* a copy of one earlier block, with a few bytes changed */
            const uint8_t *src = area + dt_below(&s, (uint32_t)blk) * 64;
            for (int i = 0; i < 64; i++)
                p[i] = src[i];
            for (unsigned n = dt_below(&s, 3); n > 0; n--)
                p[dt_below(&s, 64)] ^= (uint8_t)(1u << dt_below(&s, 8));
            continue;
        }
        for (int i = 0; i < 64; i++) {
            if (kind <= 4)
                p[i] = (uint8_t)dt_next(&s);
            else if (kind == 5)
                p[i] = 0;
            else if (kind == 6)
                p[i] = 0xff;
            else
                p[i] = byte;
        }
    }
}

/* FNV-1a over the initial state: the harness prints it so that a harness which itself ran wrongly
 * under the emulator (and so started from another state) is told apart from a sequence mismatch. */
static inline uint32_t dt_state_hash(const struct dt_state *st, const uint8_t *area)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < DT_NREGS; i++)
        for (int b = 0; b < 32; b += 8)
            h = (h ^ ((st->r[i] >> b) & 0xff)) * 16777619u;
    for (int b = 0; b < 32; b += 8)
        h = (h ^ ((st->eflags >> b) & 0xff)) * 16777619u;
    for (int i = 0; i < DT_AREA_SIZE; i++)
        h = (h ^ area[i]) * 16777619u;
    return h;
}

#endif
