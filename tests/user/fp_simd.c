/*
 * SIMD code: numeric loops that gcc vectorises at -O3 -msse2 (dot products, saxpy, matrix
 * multiplication, image-like byte kernels, integer reductions, conversions), and SSE/SSE2/MMX
 * intrinsics covering the instruction set (arithmetic, compares, min/max, shuffles, packs,
 * unpacks, shifts, movemask, conversions with every MXCSR rounding mode, DAZ/FTZ, the MXCSR
 * exception flags, rcp/rsqrt). Every result is printed exactly.
 */
#include <emmintrin.h>
#include <mmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xmmintrin.h>

#define SSE2 __attribute__((target("sse2")))

enum { N = 512, M = 24 };
static float fa[N], fb[N], fc[N];
static double da[N], db[N];
static int32_t ia[N], ib[N];
static uint8_t img[64][64], out[64][64];
static int16_t sa[N], sb[N];
static float ma[M][M], mb[M][M], mc[M][M];

static unsigned seed = 1;

static unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static void loops(void)
{
    for (int i = 0; i < N; i++) {
        fa[i] = (float)((int)rnd() % 2000 - 1000) / 37.0f;
        fb[i] = (float)(rnd() % 1000) / 13.0f;
        da[i] = (double)((int)rnd() % 100000) / 7.0;
        db[i] = (double)(rnd() % 1000) * 0.001;
        ia[i] = (int32_t)rnd() - (1 << 23);
        ib[i] = (int32_t)(rnd() % 1000);
        sa[i] = (int16_t)rnd();
        sb[i] = (int16_t)(rnd() % 300);
    }
    float fdot = 0;
    double ddot = 0;
    for (int i = 0; i < N; i++) {
        fdot += fa[i] * fb[i];
        ddot += da[i] * db[i];
    }
    printf("dot %a %a\n", (double)fdot, ddot);
    for (int i = 0; i < N; i++)
        fc[i] = 2.5f * fa[i] + fb[i];
    float fsum = 0, fmin = fc[0], fmax = fc[0];
    for (int i = 0; i < N; i++) {
        fsum += fc[i];
        fmin = fc[i] < fmin ? fc[i] : fmin;
        fmax = fc[i] > fmax ? fc[i] : fmax;
    }
    printf("saxpy %a %a %a\n", (double)fsum, (double)fmin, (double)fmax);
    int64_t isum = 0;
    int32_t imax = ia[0];
    for (int i = 0; i < N; i++) {
        isum += ia[i] * ib[i];
        imax = ia[i] > imax ? ia[i] : imax;
    }
    int32_t mac = 0;
    for (int i = 0; i < N; i++)
        mac += sa[i] * sb[i];
    printf("int %lld %d %d\n", (long long)isum, imax, mac);
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            ma[i][j] = (float)(i * M + j) / 7.0f;
            mb[i][j] = (float)(j - i) / 3.0f;
        }
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            float s = 0;
            for (int k = 0; k < M; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    double trace = 0;
    for (int i = 0; i < M; i++)
        trace += mc[i][i] * (i + 1);
    printf("matmul %a %a %a\n", trace, (double)mc[3][17], (double)mc[23][0]);
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++)
            img[y][x] = (uint8_t)rnd();
    for (int y = 1; y < 63; y++)
        for (int x = 1; x < 63; x++) {
            int s = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                    s += img[y + dy][x + dx];
            out[y][x] = (uint8_t)(s / 9);
        }
    uint32_t h = 0;
    for (int y = 0; y < 64; y++)
        for (int x = 0; x < 64; x++) {
            unsigned v = (unsigned)img[y][x] + out[y][x];
            out[y][x] = (uint8_t)(v > 255 ? 255 : v);
            h = h * 31 + out[y][x];
        }
    printf("image %08x\n", h);
    for (int i = 0; i < N; i++) {
        fc[i] = (float)ia[i];
        ib[i] = (int32_t)fa[i];
        da[i] = (double)fa[i] * 3;
    }
    printf("conv %a %d %a\n", (double)fc[7], ib[9], da[11]);
}

static void print128(const char *what, const void *v)
{
    uint8_t b[16];
    memcpy(b, v, 16);
    printf("%s ", what);
    for (int i = 15; i >= 0; i--)
        printf("%02x", b[i]);
    printf("\n");
}

/* Prints a vector expression (vectors are passed by address: the default build has no SSE ABI). */
#define P(what, expr) \
    do { \
        __m128i v_ = (expr); \
        print128(what, &v_); \
    } while (0)

static SSE2 void intrinsics(void)
{
    static const float fv[][4] = {
        { 1.0f, -2.5f, 3.0e38f, 1e-40f }, { 0.0f, -0.0f, 7.0f, 1.0f / 3.0f },
        { __builtin_inff(), -__builtin_inff(), __builtin_nanf(""), 5e-39f },
        { 16777217.0f, -0.1f, 2147483648.0f, -2147483904.0f },
    };
    static const double dv[][2] = { { 1.0 / 3.0, -1e308 }, { 4.9e-324, 2.5 }, { __builtin_nan(""), -0.0 },
                                    { 2147483647.5, -2147483648.5 } };
    static const unsigned modes[] = { _MM_ROUND_NEAREST, _MM_ROUND_DOWN, _MM_ROUND_UP, _MM_ROUND_TOWARD_ZERO };
    unsigned saved = _mm_getcsr();
    for (int m = 0; m < 4; m++) {
        for (int daz = 0; daz < 2; daz++) {
            _mm_setcsr(0x1f80 | modes[m] | (daz ? 0x8040 : 0));
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    __m128 a = _mm_loadu_ps(fv[i]), b = _mm_loadu_ps(fv[j]);
                    char name[32];
                    snprintf(name, sizeof name, "ps %d%d %d%d", m, daz, i, j);
                    printf("%s:", name);
                    P(" add", _mm_castps_si128(_mm_add_ps(a, b)));
                    P(" mul", _mm_castps_si128(_mm_mul_ps(a, b)));
                    P(" div", _mm_castps_si128(_mm_div_ps(a, b)));
                    P(" sub_ss", _mm_castps_si128(_mm_sub_ss(a, b)));
                    P(" min", _mm_castps_si128(_mm_min_ps(a, b)));
                    P(" max", _mm_castps_si128(_mm_max_ps(a, b)));
                    P(" cmplt", _mm_castps_si128(_mm_cmplt_ps(a, b)));
                    P(" cmpunord", _mm_castps_si128(_mm_cmpunord_ps(a, b)));
                    P(" sqrt", _mm_castps_si128(_mm_sqrt_ps(a)));
                    P(" rcp", _mm_castps_si128(_mm_rcp_ps(a)));
                    P(" rsqrt", _mm_castps_si128(_mm_rsqrt_ps(a)));
                    P(" cvtps2dq", _mm_cvtps_epi32(a));
                    P(" cvttps2dq", _mm_cvttps_epi32(a));
                    P(" cvtdq2ps", _mm_castps_si128(_mm_cvtepi32_ps(_mm_cvttps_epi32(b))));
                    P(" cvtps2pd", _mm_castpd_si128(_mm_cvtps_pd(a)));
                    P(" shuf", _mm_castps_si128(_mm_shuffle_ps(a, b, 0x1b)));
                    P(" unpack", _mm_castps_si128(_mm_unpackhi_ps(a, b)));
                    printf(" comi %d %d %d ucomi %d cvtss2si %d %d movmsk %d\n", _mm_comilt_ss(a, b), _mm_comieq_ss(a, b),
                           _mm_comige_ss(a, b), _mm_ucomineq_ss(a, b), _mm_cvtss_si32(a), _mm_cvttss_si32(b),
                           _mm_movemask_ps(a));
                }
            }
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    __m128d a = _mm_loadu_pd(dv[i]), b = _mm_loadu_pd(dv[j]);
                    printf("pd %d%d %d%d:", m, daz, i, j);
                    P(" add", _mm_castpd_si128(_mm_add_pd(a, b)));
                    P(" div", _mm_castpd_si128(_mm_div_pd(a, b)));
                    P(" mul_sd", _mm_castpd_si128(_mm_mul_sd(a, b)));
                    P(" max", _mm_castpd_si128(_mm_max_pd(a, b)));
                    P(" cmple", _mm_castpd_si128(_mm_cmple_pd(a, b)));
                    P(" sqrt", _mm_castpd_si128(_mm_sqrt_pd(a)));
                    P(" cvtpd2ps", _mm_castps_si128(_mm_cvtpd_ps(a)));
                    P(" cvtpd2dq", _mm_cvtpd_epi32(a));
                    P(" cvttpd2dq", _mm_cvttpd_epi32(b));
                    P(" shuf", _mm_castpd_si128(_mm_shuffle_pd(a, b, 1)));
                    printf(" cvtsd2si %d comi %d\n", _mm_cvtsd_si32(a), _mm_comigt_sd(a, b));
                }
            }
            printf("mxcsr %08x\n", _mm_getcsr());
        }
    }
    _mm_setcsr(saved);
    /* Integer SIMD. */
    __m128i x = _mm_set_epi32(0x80017fff, 0x12345678, (int)0xfedcba98, 0x7f80ff01);
    __m128i y = _mm_set_epi32(0x00ff8000, (int)0x87654321, 0x01020304, (int)0xffff0001);
    P("add8", _mm_add_epi8(x, y));
    P("adds8", _mm_adds_epi8(x, y));
    P("addus8", _mm_adds_epu8(x, y));
    P("subs16", _mm_subs_epi16(x, y));
    P("subus16", _mm_subs_epu16(x, y));
    P("add64", _mm_add_epi64(x, y));
    P("mullo16", _mm_mullo_epi16(x, y));
    P("mulhi16", _mm_mulhi_epi16(x, y));
    P("mulhu16", _mm_mulhi_epu16(x, y));
    P("mul_epu32", _mm_mul_epu32(x, y));
    P("madd", _mm_madd_epi16(x, y));
    P("sad", _mm_sad_epu8(x, y));
    P("avg8", _mm_avg_epu8(x, y));
    P("avg16", _mm_avg_epu16(x, y));
    P("min8", _mm_min_epu8(x, y));
    P("max16", _mm_max_epi16(x, y));
    P("cmpgt32", _mm_cmpgt_epi32(x, y));
    P("cmpeq8", _mm_cmpeq_epi8(x, _mm_set1_epi8(0x01)));
    P("andnot", _mm_andnot_si128(x, y));
    P("sll16", _mm_sll_epi16(x, _mm_cvtsi32_si128(3)));
    P("sra32", _mm_srai_epi32(x, 7));
    P("srl64", _mm_srli_epi64(x, 13));
    P("sra16big", _mm_sra_epi16(x, _mm_cvtsi32_si128(40)));
    P("slldq", _mm_slli_si128(x, 5));
    P("srldq", _mm_srli_si128(x, 11));
    P("packs16", _mm_packs_epi16(x, y));
    P("packs32", _mm_packs_epi32(x, y));
    P("packus", _mm_packus_epi16(x, y));
    P("unpacklo8", _mm_unpacklo_epi8(x, y));
    P("unpackhi16", _mm_unpackhi_epi16(x, y));
    P("unpacklo64", _mm_unpacklo_epi64(x, y));
    P("shuffle32", _mm_shuffle_epi32(x, 0x4e));
    P("shufflehi", _mm_shufflehi_epi16(x, 0xb1));
    P("shufflelo", _mm_shufflelo_epi16(x, 0x1b));
    P("insert", _mm_insert_epi16(x, 0xbeef, 5));
    printf("extract %d movemask %04x cvtsi %d\n", _mm_extract_epi16(y, 3), _mm_movemask_epi8(x),
           _mm_cvtsi128_si32(y));
    uint8_t buf[32] __attribute__((aligned(16)));
    memset(buf, 0x55, sizeof buf);
    _mm_maskmoveu_si128(x, y, (char *)buf + 3);
    _mm_stream_si128((__m128i *)buf + 1, y);
    _mm_storel_epi64((__m128i *)buf, _mm_move_epi64(x));
    for (int i = 0; i < 32; i++)
        printf("%02x", buf[i]);
    printf("\n");
    /* MMX, then back to x87 with emms. */
    __m64 p = _mm_set_pi16(1000, -2000, 30000, -32768), q = _mm_set_pi16(-5, 7, 30000, -1);
    __m64 r1 = _mm_adds_pi16(p, q), r2 = _mm_mulhi_pi16(p, q), r3 = _mm_packs_pi16(p, q), r4 = _mm_unpackhi_pi8(p, q);
    __m64 r5 = _mm_sra_pi32(p, _mm_cvtsi32_si64(5)), r6 = _mm_cmpgt_pi16(p, q);
    long long v[6];
    memcpy(&v[0], &r1, 8);
    memcpy(&v[1], &r2, 8);
    memcpy(&v[2], &r3, 8);
    memcpy(&v[3], &r4, 8);
    memcpy(&v[4], &r5, 8);
    memcpy(&v[5], &r6, 8);
    int e = _mm_cvtsi64_si32(r1);
    _mm_empty();
    printf("mmx %llx %llx %llx %llx %llx %llx %d\n", v[0], v[1], v[2], v[3], v[4], v[5], e);
    volatile double after = 1.0 / 3.0;
    printf("x87 after emms %a\n", after * 3);
}

int main(void)
{
    loops();
    intrinsics();
    return 0;
}
