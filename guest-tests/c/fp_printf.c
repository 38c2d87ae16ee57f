/* fp_printf: printf of doubles and long doubles (%f %e %g %.17g %a %Lf %La)
 * over edge values (zeros, denormals, huge, inf, nan, halfway cases), and
 * strtod/sscanf/strtold parsing back. Built -mno-sse, so all of it is x87. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <float.h>
#include <math.h>

static const double vals[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.2, 0.3, 1.0 / 3.0, 2.0 / 3.0, 3.14159265358979323846,
    2.718281828459045, 1e-300, 1e300, 4.9406564584124654e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, 123456789.0, 0.000123456789, 1e22, 1e23, 9007199254740993.0,
    0.125, 1.5, 2.5, -2.5, 1e-5, 12345.6789, -98765.4321e-10, 5e-324 * 3,
};

int main(void)
{
    unsigned i;
    char buf[128];
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        printf("%f | %e | %g | %.17g | %a | %.3f | %12.4e | %-10.2g|\n", v, v, v, v, v, v, v, v);
        snprintf(buf, sizeof buf, "%.17g", v);
        double back = strtod(buf, NULL);
        printf("  roundtrip %s -> %s\n", buf, memcmp(&back, &v, sizeof v) == 0 ? "same" : "DIFFERENT");
    }
    double inf = HUGE_VAL, nan = NAN;
    printf("%f %e %g %a %f %F\n", inf, -inf, inf, -inf, nan, -nan);
    const char *ins[] = {"0", "1e10", "-3.25", "0x1.8p3", "1e-320", "2.2250738585072011e-308", "inf", "-nan",
                         "123456789012345678901234567890", "0.1000000000000000055511151231257827", "1.00000000000000011102230246251565404236316680908203125",
                         "3.4028234663852886e38", "  +7.5e+2xyz", "4.9e-325"};
    for (i = 0; i < sizeof ins / sizeof ins[0]; i++) {
        char *end;
        double d = strtod(ins[i], &end);
        float fl = strtof(ins[i], NULL);
        long double ld = strtold(ins[i], NULL);
        printf("strtod(%s) = %.17g %a rest='%s' f=%.9g ld=%.21Lg %La\n", ins[i], d, d, end, fl, ld, ld);
    }
    double a, b;
    int n = sscanf("3.5 -0.0625e2", "%lf %lf", &a, &b);
    printf("sscanf %d %g %g\n", n, a, b);
    long double l = 1.0L / 3.0L;
    printf("%.25Lf %Le %La\n", l, l, l);
    l = 3.14159265358979323846264338327950288L;
    printf("%.25Lf %.21Lg %La\n", l, l, l);
    printf("%.0f %.0f %.0f %.0f %.1f %.2f\n", 0.5, 1.5, 2.5, -0.5, 0.05, 0.125);
    printf("%.30f\n%.40e\n", 0.1, 1e-300);
    printf("DBL_MAX=%a DBL_MIN=%a LDBL_MAX=%La LDBL_MIN=%La LDBL_EPS=%La\n", DBL_MAX, DBL_MIN, LDBL_MAX, LDBL_MIN, LDBL_EPSILON);
    return 0;
}
