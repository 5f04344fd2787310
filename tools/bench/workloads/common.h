/*
 * Helpers shared by the bench workloads: a deterministic pseudo-random generator (so every run
 * sees the same data), the size argument, and a checksum line. Workloads print only values that
 * depend on their input, never addresses or times, so that outputs under xqm, QEMU and the real
 * CPU can be compared byte for byte.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t bench_rng_state = 0x12345678u;

/* xorshift32: fast, deterministic, good enough for test data. */
static inline uint32_t bench_rand(void)
{
    uint32_t x = bench_rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    bench_rng_state = x;
    return x;
}

/* argv[1] as a positive size, or `dflt` without one. */
static inline long bench_size(int argc, char **argv, long dflt)
{
    if (argc > 1) {
        long v = strtol(argv[1], NULL, 0);
        if (v > 0) {
            return v;
        }
    }
    return dflt;
}

#endif
