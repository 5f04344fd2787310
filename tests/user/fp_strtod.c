/*
 * Decimal <-> binary conversion: printf (%.17g, %e, %f, %a, %La, %g with many precisions) and
 * strtod/strtof/strtold round trips over pseudo-random values of every magnitude, with the
 * hard cases (halfway points, denormals, the largest and smallest values).
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state = 0x9e3779b97f4a7c15ull;

static unsigned long long next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(void)
{
    static const char *const texts[] = {
        "0", "-0", "1", "0.1", "0.5", "2.5e-324", "4.9406564584124654e-324", "2.2250738585072011e-308",
        "1.7976931348623157e308", "1.7976931348623159e308", "9007199254740993", "9007199254740995",
        "1e23", "8.98846567431158e307", "3.4028235677973366e38", "1.00000005960464477550", "nan", "-inf",
        "0x1.fffffffffffffp+1023", "123456789012345678901234567890", "1.18973149535723176502e+4932",
        "3.36210314311209350626e-4932", "0.333333333333333333333333333333333",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        double d = strtod(texts[i], NULL);
        float f = strtof(texts[i], NULL);
        long double l = strtold(texts[i], NULL);
        printf("%s: %a %.17g %a %.9g %La %.21Lg\n", texts[i], d, d, (double)f, (double)f, l, l);
    }
    char buf[128];
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        unsigned long long bits = next();
        double d;
        memcpy(&d, &bits, 8);
        if (d != d)
            continue;
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        bad += memcmp(&back, &d, 8) != 0;
        if (i % 10 == 0) {
            printf("%s %a %e %.3f %g\n", buf, d, d, d < 1e30 && d > -1e30 ? d : 0.0, d);
            for (int p = 0; p < 25; p += 6)
                printf(" %.*e", p, d);
            printf("\n");
        }
        long double l = (long double)d * (1.0L + 1.0L / 3);
        snprintf(buf, sizeof buf, "%.21Lg", l);
        long double lback = strtold(buf, NULL);
        bad += memcmp(&lback, &l, 10) != 0;
        if (i % 10 == 0)
            printf("  %s %La\n", buf, l);
        float f = (float)d;
        snprintf(buf, sizeof buf, "%.9g", (double)f);
        bad += strtof(buf, NULL) != f && f == f;
    }
    printf("round trip failures: %d\n", bad);
    printf("%.40f\n%.30e\n%a %La\n", DBL_MIN, DBL_TRUE_MIN, DBL_EPSILON, LDBL_EPSILON);
    return 0;
}
