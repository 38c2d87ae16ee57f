/* fp_convert: float<->int conversions in every rounding mode (fesetround):
 * casts (truncation), lrint/llrint/rint/nearbyint, int->double->float, and
 * arithmetic results (1/3, sqrt) printed exactly (%a) per rounding mode and
 * per x87 precision control (fpu_control.h: 24, 53, 64 bits). */
#include <stdio.h>
#include <math.h>
#include <fenv.h>
#include <fpu_control.h>
#include <limits.h>

static const double vals[] = {0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.4999, -2.5001, 1e9 + 0.5,
                              2147483647.5, -2147483648.5, 4503599627370497.5, -7.75, 123.456, 1e18 + 1, -9.2e18};
static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
static const char *mname[] = {"nearest", "down", "up", "zero"};

int main(void)
{
    volatile double three = 3.0, two = 2.0, ten = 10.0, seven = 7.0;
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        printf("mode %s (fegetround ok: %d)\n", mname[m], fegetround() == modes[m]);
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            double v = vals[i];
            printf("  %.17g: cast=%d ll=%lld lrint=%ld llrint=%lld rint=%.17g nearbyint=%.17g floor=%g ceil=%g trunc=%g round=%g f=%a\n",
                   v, (v > -2147483649.0 && v < 2147483648.0) ? (int)v : 0, (long long)v, lrint(v), llrint(v), rint(v), nearbyint(v),
                   floor(v), ceil(v), trunc(v), round(v), (double)(float)v);
        }
        printf("  1/3=%a -1/3=%a 2/3=%a sqrt2=%a sqrt3=%a 1/10=%a 7/10=%a\n", 1 / three, -1 / three, two / three, sqrt(two),
               sqrt(three), 1 / ten, seven / ten);
        volatile long double l3 = 3.0L;
        printf("  long 1/3=%La sqrt=%La 1e4000/7=%Le\n", 1 / l3, sqrtl(l3), 1e4000L / (l3 + 4));
        volatile float f3 = 3.0f;
        printf("  float 1/3=%a\n", (double)(1 / f3));
    }
    fesetround(FE_TONEAREST);
    fpu_control_t cw, pcs[] = {_FPU_SINGLE, _FPU_DOUBLE, _FPU_EXTENDED};
    _FPU_GETCW(cw);
    printf("default cw=%04x\n", cw);
    for (int p = 0; p < 3; p++) {
        fpu_control_t c = (cw & ~_FPU_EXTENDED) | pcs[p];
        _FPU_SETCW(c);
        volatile long double a = 1.0L, b = 3.0L;
        long double q = a / b, s = sqrtl(b), x = a + 1e-10L;
        _FPU_SETCW(cw);
        printf("pc %d: %La %La %La\n", p, q, s, x);
    }
    int ints[] = {0, 1, -1, INT_MAX, INT_MIN, 16777217, -16777217, 123456789};
    for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++)
        printf("int %d -> double %.17g float %.9g\n", ints[i], (double)ints[i], (double)(float)ints[i]);
    long long lls[] = {0, 9007199254740993LL, -9007199254740993LL, LLONG_MAX, LLONG_MIN, 1LL << 62};
    for (unsigned i = 0; i < sizeof lls / sizeof lls[0]; i++)
        printf("ll %lld -> double %.17g long double %.21Lg\n", lls[i], (double)lls[i], (long double)lls[i]);
    unsigned us[] = {0, 1u << 31, 0xffffffffu};
    for (unsigned i = 0; i < 3; i++) {
        double d = us[i];
        printf("u %u -> %.17g -> %u\n", us[i], d, (unsigned)d);
    }
    feclearexcept(FE_ALL_EXCEPT);
    volatile double z = 0.0, one = 1.0;
    double r = one / z;
    printf("1/0=%g divbyzero=%d ", r, fetestexcept(FE_DIVBYZERO) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    r = z / z;
    printf("0/0=%g invalid=%d ", r, fetestexcept(FE_INVALID) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    r = one / three;
    printf("inexact=%d ", fetestexcept(FE_INEXACT) != 0);
    feclearexcept(FE_ALL_EXCEPT);
    r = 1e308 * ten;
    printf("overflow=%d %g\n", fetestexcept(FE_OVERFLOW) != 0, r);
    return 0;
}
