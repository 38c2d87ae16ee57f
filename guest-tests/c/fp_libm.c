/* fp_libm: libm sweep over ~50 inputs, every result printed with %.17g.
 * glibc's i386 libm computes sin/cos/tan with plain x87 arithmetic and
 * exp/log/log10/pow/atan2/atan with f2xm1, fyl2x, fyl2xp1 and fpatan, so
 * this checks both the exact extended arithmetic and cdvm's high-precision
 * transcendental instructions (PREC_TRANS digits, 17 = full precision). */
#include <stdio.h>
#include <math.h>

#define PREC_TRANS 17

static const double xs[] = {
    0.0, -0.0, 1e-310, 1e-20, 1e-8, 0.001, 0.1, 0.25, 0.5, 0.69314718055994531, 0.75, 0.9999999, 1.0, 1.0000001,
    1.25, 1.5, 1.5707963267948966, 2.0, 2.5, 3.0, 3.1415926535897931, 4.0, 5.5, 7.0, 10.0, 12.345, 20.0, 33.3,
    50.0, 100.0, 255.5, 700.0, 1000.0, 1e5, 1e10, 1e22, 1e100, 1e300, -0.1, -0.5, -1.0, -2.5, -3.0, -7.25,
    -10.0, -100.5, -1e10, -700.0, 6.283185307179586, 0.333333333333333, 123456.789,
};

int main(void)
{
    unsigned i, n = sizeof xs / sizeof xs[0];
    for (i = 0; i < n; i++) {
        double x = xs[i], y = xs[(i * 7 + 3) % n];
        printf("x=%.17g y=%.17g\n", x, y);
        printf("  sin=%.17g cos=%.17g tan=%.17g\n", sin(x), cos(x), tan(x));
        printf("  sqrt=%.17g floor=%.17g ceil=%.17g round=%.17g trunc=%.17g\n", sqrt(x), floor(x), ceil(x), round(x), trunc(x));
        printf("  fmod=%.17g remainder=%.17g fabs=%.17g ldexp=%.17g hypot=%.17g cbrt=%.17g\n", fmod(x, y), remainder(x, y),
               fabs(x), ldexp(x, (int)(i % 9) - 4), hypot(x, y), cbrt(x));
        int e;
        double fr = frexp(x, &e), ip, fp = modf(x, &ip);
        printf("  frexp=%.17g,%d modf=%.17g,%.17g logb=%g ilogb=%d\n", fr, e, fp, ip, x != 0 ? logb(x) : 0.0, x != 0 ? ilogb(x) : 0);
        printf("  exp=%.*g log=%.*g log10=%.*g log2=%.*g pow=%.*g atan2=%.*g atan=%.*g expm1=%.*g log1p=%.*g\n",
               PREC_TRANS, exp(x), PREC_TRANS, log(x), PREC_TRANS, log10(x), PREC_TRANS, log2(x), PREC_TRANS, pow(fabs(x), y / 8),
               PREC_TRANS, atan2(x, y), PREC_TRANS, atan(x), PREC_TRANS, expm1(x / 4), PREC_TRANS, log1p(fabs(x)));
        printf("  sinh=%.*g cosh=%.*g tanh=%.*g asin=%.*g acos=%.*g\n", PREC_TRANS, sinh(x / 8), PREC_TRANS, cosh(x / 8),
               PREC_TRANS, tanh(x), PREC_TRANS, asin(x / (1 + fabs(x))), PREC_TRANS, acos(x / (1 + fabs(x))));
    }
    printf("pow exact: %.17g %.17g %.17g %.17g\n", pow(2, 10), pow(10, 15), pow(-2, 3), pow(3, 0.5));
    printf("sqrt exact: %.17g %.17g %.17g\n", sqrt(1e-320), sqrt(2.0), sqrt(1e308));
    return 0;
}
