/* sscanf_int: sscanf parsing of integers in several bases, strings, chars,
 * scansets, field widths, %n, assignment suppression, and return counts
 * for partial matches and failures. */
#include <stdio.h>

int main(void)
{
    static const char *inputs[] = {"42 -17 0x1f 0755", "  +8 9 ff 10", "-2147483648 4294967295 7fffffff 0",
                                  "12abc 3 4 5", "x 1 2 3", "", "99"};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        int a = -5, b = -5;
        unsigned c = 5, d = 5;
        int r = sscanf(inputs[i], "%d %i %x %o", &a, &b, &c, &d);
        printf("'%s' -> r=%d a=%d b=%d c=%u d=%u\n", inputs[i], r, a, b, c, d);
    }
    int a, b, n;
    char s1[16], s2[16], ch;
    int r = sscanf("name=value  rest", "%15[^=]=%15s %n%c", s1, s2, &n, &ch);
    printf("r=%d s1=%s s2=%s n=%d ch=%c\n", r, s1, s2, n, ch);
    r = sscanf("2024-06-15", "%4d-%2d-%2d", &a, &b, &n);
    printf("date r=%d %d %d %d\n", r, a, b, n);
    r = sscanf("123456789", "%3d%3d%*d", &a, &b);
    printf("width r=%d %d %d\n", r, a, b);
    long long ll;
    unsigned long long ull;
    r = sscanf("-9223372036854775807 18446744073709551615", "%lld %llu", &ll, &ull);
    printf("ll r=%d %lld %llu\n", r, ll, ull);
    short h;
    signed char hh;
    r = sscanf("70000 300", "%hd %hhd", &h, &hh);
    printf("short r=%d %d %d\n", r, h, hh);
    r = sscanf("abcXYZdef", "%[a-z]%[A-Z]", s1, s2);
    printf("sets r=%d %s %s\n", r, s1, s2);
    r = sscanf("0x", "%x", (unsigned *)&a);
    printf("0x r=%d\n", r);
    r = sscanf("  -0", "%d", &a);
    printf("-0 r=%d a=%d\n", r, a);
    return 0;
}
