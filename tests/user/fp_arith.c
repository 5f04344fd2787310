/*
 * Floating-point arithmetic on a grid of special and ordinary values: +, -, *, /, comparisons,
 * conversions between float, double, long double and the integer types, rounding functions,
 * fmod/remainder, frexp/ldexp/logb/scalbn. Everything is printed exactly (%a, %La, or the bits
 * for NaNs), so a single differing bit shows.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const double vals[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 1.0 / 3.0, -2.5, 1e300, -1e300, 1e-300, 4.9e-324, -4.9e-324,
    2.2250738585072014e-308, 2.2250738585072009e-308, 1.7976931348623157e308, 0.1, 1e16, 123456789.875,
    INFINITY, -INFINITY, NAN, 9007199254740993.0, 0.7, 1.5, 2.5, -0.5, 65504.0, 3.4028234663852886e38,
};
enum { N = sizeof vals / sizeof vals[0] };

static void pd(double d)
{
    if (isnan(d)) {
        uint64_t u;
        memcpy(&u, &d, 8);
        printf(" nan:%016llx", (unsigned long long)u);
    } else {
        printf(" %a", d);
    }
}

static void pf(float f)
{
    if (isnan(f)) {
        uint32_t u;
        memcpy(&u, &f, 4);
        printf(" nanf:%08x", u);
    } else {
        printf(" %a", (double)f);
    }
}

static void pl(long double l)
{
    if (isnan(l)) {
        unsigned char b[10];
        memcpy(b, &l, 10);
        printf(" nanl:");
        for (int i = 9; i >= 0; i--)
            printf("%02x", b[i]);
    } else {
        printf(" %La", l);
    }
}

int main(void)
{
    volatile double a, b;
    volatile float fa, fb;
    volatile long double la, lb;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a = vals[i], b = vals[j];
            fa = (float)a, fb = (float)b;
            la = (long double)a / 3, lb = b;
            printf("%d %d:", i, j);
            pd(a + b), pd(a - b), pd(a * b), pd(a / b);
            pf(fa + fb), pf(fa - fb), pf(fa * fb), pf(fa / fb);
            pl(la + lb), pl(la - lb), pl(la * lb), pl(la / lb);
            printf(" %d%d%d%d%d%d", a < b, a <= b, a == b, a != b, a > b, a >= b);
            printf(" %d%d%d", isless(a, b), islessgreater(a, b), isunordered(a, b));
            pd(fmod(a, b)), pd(remainder(a, b)), pl(fmodl(la, lb)), pd(fmax(a, b)), pd(copysign(a, b));
            printf("\n");
        }
    }
    for (int i = 0; i < N; i++) {
        a = vals[i];
        la = vals[i] * 1.25L;
        int e;
        printf("u%d:", i);
        pd(sqrt(a)), pf(sqrtf((float)a)), pl(sqrtl(la)), pd(floor(a)), pd(ceil(a)), pd(trunc(a)), pd(round(a));
        pd(rint(a)), pd(nearbyint(a)), pd(frexp(a, &e)), printf(" %d", isfinite(a) ? e : 0);
        pd(ldexp(a, 7)), pd(ldexp(a, -1070)), pd(logb(a)), pd(scalbn(a, 100)), pl(scalbnl(la, -16400));
        pl(frexpl(la, &e)), pd(fabs(a)), pd(-a), pl(rintl(la)), pl(floorl(la));
        if (isfinite(a) && fabs(a) < 1e18) {
            printf(" %lld %lld %ld %d %d %u", (long long)a, (long long)la, lrint(a), (int)(short)(int)a,
                   (int)(signed char)(int)a, (unsigned)(uint32_t)(int64_t)a);
            printf(" %llu", (unsigned long long)(a < 0 ? -a : a));
        }
        printf("\n");
    }
    /* Integer to floating point, including values that need rounding. */
    static const long long ints[] = { 0, 1, -1, 3, 1LL << 53, (1LL << 53) + 1, (1LL << 62) + 7, INT64_MIN,
                                      0x7fffffffffffffffLL, 16777217, -16777217, 123456789 };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        printf("i%zu:", i);
        pd((double)ints[i]), pf((float)ints[i]), pl((long double)ints[i]), pd((double)(int)ints[i]);
        pd((double)(unsigned long long)ints[i]), pf((float)(unsigned)ints[i]);
        printf("\n");
    }
    return 0;
}
