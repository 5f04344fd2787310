/*
 * Integer SIMD on random operands: every MMX/SSE2 integer operation (some of which xqm emits
 * inline rather than through a helper) over thousands of operand pairs biased towards the lane
 * boundary values (0x00, 0x01, 0x7f, 0x80, 0xff...), in register-register and register-memory
 * forms. Prints one hash per operation, so any wrong lane in any case shows.
 */
#include <emmintrin.h>
#include <mmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SSE2 __attribute__((target("sse2")))

static uint64_t state = 0x243f6a8885a308d3ull;

static uint64_t rnd64(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint8_t rnd_byte(void)
{
    static const uint8_t edge[] = { 0x00, 0x01, 0x7e, 0x7f, 0x80, 0x81, 0xfe, 0xff };
    uint64_t r = rnd64();
    return (r & 3) ? edge[(r >> 2) & 7] : (uint8_t)(r >> 8);
}

static void rnd_vec(uint8_t *v)
{
    int mode = (int)(rnd64() % 4);
    for (int i = 0; i < 16; i++)
        v[i] = mode == 0 ? (uint8_t)rnd64() : rnd_byte();
    if (mode == 3)
        memcpy(v + 8, v, 8);        /* equal halves: equality lanes */
}

static uint64_t mix(uint64_t h, const void *p, int n)
{
    const uint8_t *b = p;
    for (int i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

enum { OPS = 40 };
static const char *const names[OPS] = {
    "paddb", "paddw", "paddd", "paddq", "psubb", "psubw", "psubd", "psubq", "pcmpeqb", "pcmpeqw", "pcmpeqd",
    "pand", "pandn", "por", "pxor", "pminub", "pmaxub", "pmovmskb", "pcmpgtb", "pminsw", "pmaxsw", "paddusb",
    "psubusw", "paddsw", "pavgb", "pmulhuw", "pmaddwd", "psadbw", "packuswb", "punpcklbw", "pshufd", "psrlw",
    "pslldq", "mmx_paddb", "mmx_pcmpeqb", "mmx_pmovmskb", "mmx_psubw", "mmx_pxor", "mem_pcmpeqb", "mem_pminub",
};

static SSE2 void run(uint64_t *h)
{
    static uint8_t mem[32] __attribute__((aligned(16)));
    uint8_t a[16], b[16];
    rnd_vec(a);
    rnd_vec(b);
    memcpy(mem, b, 16);
    __m128i x = _mm_loadu_si128((const __m128i *)a), y = _mm_loadu_si128((const __m128i *)b), r[OPS];
    r[0] = _mm_add_epi8(x, y);
    r[1] = _mm_add_epi16(x, y);
    r[2] = _mm_add_epi32(x, y);
    r[3] = _mm_add_epi64(x, y);
    r[4] = _mm_sub_epi8(x, y);
    r[5] = _mm_sub_epi16(x, y);
    r[6] = _mm_sub_epi32(x, y);
    r[7] = _mm_sub_epi64(x, y);
    r[8] = _mm_cmpeq_epi8(x, y);
    r[9] = _mm_cmpeq_epi16(x, y);
    r[10] = _mm_cmpeq_epi32(x, y);
    r[11] = _mm_and_si128(x, y);
    r[12] = _mm_andnot_si128(x, y);
    r[13] = _mm_or_si128(x, y);
    r[14] = _mm_xor_si128(x, y);
    r[15] = _mm_min_epu8(x, y);
    r[16] = _mm_max_epu8(x, y);
    r[17] = _mm_cvtsi32_si128(_mm_movemask_epi8(x));
    r[18] = _mm_cmpgt_epi8(x, y);
    r[19] = _mm_min_epi16(x, y);
    r[20] = _mm_max_epi16(x, y);
    r[21] = _mm_adds_epu8(x, y);
    r[22] = _mm_subs_epu16(x, y);
    r[23] = _mm_adds_epi16(x, y);
    r[24] = _mm_avg_epu8(x, y);
    r[25] = _mm_mulhi_epu16(x, y);
    r[26] = _mm_madd_epi16(x, y);
    r[27] = _mm_sad_epu8(x, y);
    r[28] = _mm_packus_epi16(x, y);
    r[29] = _mm_unpacklo_epi8(x, y);
    r[30] = _mm_shuffle_epi32(x, 0x93);
    r[31] = _mm_srl_epi16(x, _mm_cvtsi32_si128(b[0] & 31));
    r[32] = _mm_slli_si128(x, 3);
    __m64 mx, my;
    memcpy(&mx, a, 8);
    memcpy(&my, b, 8);
    __m64 m0 = _mm_add_pi8(mx, my), m1 = _mm_cmpeq_pi8(mx, my), m3 = _mm_sub_pi16(mx, my), m4 = _mm_xor_si64(mx, my);
    int m2 = _mm_movemask_pi8(mx);
    _mm_empty();
    r[33] = _mm_set_epi64(_mm_setzero_si64(), m0);
    r[34] = _mm_set_epi64(_mm_setzero_si64(), m1);
    r[35] = _mm_cvtsi32_si128(m2);
    r[36] = _mm_set_epi64(_mm_setzero_si64(), m3);
    r[37] = _mm_set_epi64(_mm_setzero_si64(), m4);
    _mm_empty();
    __m128i t = x;
    __asm__("pcmpeqb %1, %0" : "+x"(t) : "m"(*(const __m128i *)mem));
    r[38] = t;
    t = x;
    __asm__("pminub %1, %0" : "+x"(t) : "m"(*(const __m128i *)mem));
    r[39] = t;
    for (int i = 0; i < OPS; i++)
        h[i] = mix(h[i], &r[i], 16);
}

int main(void)
{
    uint64_t h[OPS];
    for (int i = 0; i < OPS; i++)
        h[i] = 0xcbf29ce484222325ull;
    for (int n = 0; n < 20000; n++)
        run(h);
    for (int i = 0; i < OPS; i++)
        printf("%-14s %016llx\n", names[i], (unsigned long long)h[i]);
    return 0;
}
