/*
 * libm over many inputs, printed exactly with %a: the double and float functions (which glibc's
 * i386 libm builds on fsin, fyl2x, f2xm1, fpatan, fscale, frndint... or on SSE2 code, depending on
 * the build) across their domains, including special values.
 */
#include <math.h>
#include <stdio.h>

static unsigned lcg = 12345;

static double next(void)
{
    lcg = lcg * 1103515245u + 12345u;
    return (double)(lcg >> 8) / (1u << 24);
}

static void line(const char *name, double x, double r)
{
    printf("%s(%a) = %a\n", name, x, r);
}

int main(void)
{
    static const double special[] = { 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, INFINITY, -INFINITY, NAN, 1e-310, 710.0,
                                      -745.5, 1e22, 3.141592653589793, 1.5707963267948966, 0.7853981633974483 };
    for (int i = 0; i < 400; i++) {
        double u = next(), v = next();
        double x = i < 16 ? special[i] : (u - 0.5) * pow(2.0, (int)(v * 40) - 20);
        line("sin", x, sin(x));
        line("cos", x, cos(x));
        line("tan", x, tan(x));
        line("atan", x, atan(x));
        line("exp", x, exp(x));
        line("expm1", x, expm1(x));
        line("exp2", x, exp2(x));
        line("log", x, log(fabs(x)));
        line("log2", x, log2(fabs(x)));
        line("log10", x, log10(fabs(x)));
        line("log1p", x, log1p(fabs(x)));
        line("sqrt", x, sqrt(fabs(x)));
        line("cbrt", x, cbrt(x));
        line("sinh", x, sinh(x));
        line("tanh", x, tanh(x));
        line("asin", x, asin(fmod(x, 1.0)));
        line("acos", x, acos(fmod(x, 1.0)));
        line("atan2", x, atan2(x, v - 0.5));
        line("pow", x, pow(fabs(x), v * 4 - 2));
        line("hypot", x, hypot(x, u));
        line("fmod", x, fmod(x, v + 0.1));
        float f = (float)x;
        printf("f %a: %a %a %a %a %a %a\n", (double)f, (double)sinf(f), (double)cosf(f), (double)expf(f),
               (double)logf(fabsf(f)), (double)powf(fabsf(f), 1.5f), (double)atan2f(f, 0.5f));
    }
    return 0;
}
