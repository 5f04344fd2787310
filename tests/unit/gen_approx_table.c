/*
 * Prints the measured rcpss/rsqrtss tables of target/i386/sse_approx.c (three lines of 4096
 * three-digit hex entries: rcp of 1.m, rsqrt of 1.m, rsqrt of 2 * 1.m), from the CPU it runs on.
 * Build natively: gcc -msse -O1 tests/unit/gen_approx_table.c. Not part of `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xmmintrin.h>

static uint32_t approx(uint32_t bits, int rsqrt)
{
    float x, r;
    uint32_t out;
    memcpy(&x, &bits, 4);
    __m128 v = _mm_set_ss(x);
    r = _mm_cvtss_f32(rsqrt ? _mm_rsqrt_ss(v) : _mm_rcp_ss(v));
    memcpy(&out, &r, 4);
    return out;
}

int main(void)
{
    static const uint32_t base[3] = { 0x3f800000, 0x3f800000, 0x40000000 };
    for (int t = 0; t < 3; t++) {
        for (uint32_t k = 0; k < 4096; k++)
            printf("%03x", (approx(base[t] | k << 11, t > 0) >> 11) & 0xfff);
        printf("\n");
    }
    return 0;
}
