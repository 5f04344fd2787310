/*
 * The floating-point environment: rounding modes (fesetround) applied to arithmetic, conversions
 * and printf/strtod, exception flags (fetestexcept) after each kind of operation, and
 * fegetenv/fesetenv/feholdexcept/feupdateenv, fegetexceptflag/fesetexceptflag.
 */
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
static const char *const names[] = { "nearest", "down", "up", "zero" };

static void flags(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-16s%s%s%s%s%s\n", what, f & FE_INVALID ? " invalid" : "", f & FE_DIVBYZERO ? " divbyzero" : "",
           f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "", f & FE_INEXACT ? " inexact" : "");
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
    volatile double one = 1.0, three = 3.0, zero = 0.0, big = 1e308, tiny = 1e-308, m = -1.0;
    volatile long double lone = 1.0L, lthree = 3.0L;
    volatile float fone = 1.0f, fthree = 3.0f;
    for (int i = 0; i < 4; i++) {
        fesetround(modes[i]);
        printf("%s (%d):", names[i], fegetround() == modes[i]);
        printf(" %a %a %a %La %a", one / three, m / three, (double)(fone / fthree), lone / lthree, sqrt(three));
        printf(" %a %a %ld %lld", rint(2.5), nearbyint(-2.5), lrint(-3.5), llrint(1e15 / 3));
        printf(" %a %a", big * 10, tiny / 1e10);
        printf(" %.20g %a\n", strtod("0.1", NULL), (double)(float)(one / three));
    }
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
    flags("start");
    volatile double r;
    r = one / zero;
    flags("1/0");
    r = zero / zero;
    flags("0/0");
    r = big * big;
    flags("overflow");
    r = tiny * tiny;
    flags("underflow");
    r = one / three;
    flags("1/3");
    r = sqrt(m);
    flags("sqrt(-1)");
    r = (double)(int)one;
    flags("exact");
    volatile long long ll = (long long)1e300;
    (void)ll;
    flags("conv overflow");
    r = log(zero);
    flags("log(0)");
    r = exp(1000.0);
    flags("exp(1000)");
    (void)r;
    fenv_t env;
    feraiseexcept(FE_INEXACT | FE_DIVBYZERO);
    fegetenv(&env);
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(FE_UPWARD);
    fesetenv(&env);
    printf("restored round %d\n", fegetround() == FE_TONEAREST);
    flags("after fesetenv");
    feholdexcept(&env);
    r = one / zero;
    flags("held");
    r = one / zero;
    feupdateenv(&env);
    flags("updated");
    fexcept_t ef;
    feraiseexcept(FE_OVERFLOW);
    fegetexceptflag(&ef, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&ef, FE_OVERFLOW);
    flags("setexceptflag");
    return 0;
}
