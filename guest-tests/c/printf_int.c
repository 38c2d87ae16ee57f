/* printf_int: integer/string printf formatting - %d %i %u %x %X %o %c %s %ld
 * %lld %llx %hd %hhd, widths, precision, flags (- 0 + space #), %*d %.*s, %%,
 * %n, and the return value of printf. No floating point. */
#include <stdio.h>
#include <limits.h>

int main(void)
{
    static const int vals[] = {0, 1, -1, 42, -42, 255, 256, 32767, -32768, 65535,
                               INT_MAX, INT_MIN, 1000000, -999999};
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int v = vals[i];
        int r = printf("[%d] [%i] [%u] [%x] [%X] [%o] [%5d] [%-5d] [%05d] [%+d] [% d] [%#x] [%#o] [%.3d] [%8.3d] [%hd] [%hhd] [%hhu]\n",
                       v, v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, v, v, v,
                       v, v, (unsigned)v, (unsigned)v, v, v, (short)v, (signed char)v,
                       (unsigned char)v);
        printf("  returned %d\n", r);
    }
    static const long long lv[] = {0, -1, 1LL << 32, -(1LL << 40), LLONG_MAX, LLONG_MIN,
                                   123456789012345LL};
    for (unsigned i = 0; i < sizeof lv / sizeof lv[0]; i++)
        printf("[%lld] [%llu] [%llx] [%llX] [%llo] [%20lld] [%-20lld|] [%020llx]\n", lv[i],
               (unsigned long long)lv[i], (unsigned long long)lv[i],
               (unsigned long long)lv[i], (unsigned long long)lv[i], lv[i], lv[i],
               (unsigned long long)lv[i]);
    printf("[%ld] [%lu] [%lx]\n", LONG_MIN, ULONG_MAX, 0xdeadbeefUL);
    for (int w = 0; w < 12; w += 3) printf("[%*d] [%-*d] [%.*d]\n", w, w * 7, w, -w, w, w);
    printf("[%s] [%10s] [%-10s] [%.3s] [%-8.2s] [%*s]\n", "str", "right", "left",
           "truncate", "ab", 6, "x");
    printf("[%c%c%c] [%3c] [%-3c]\n", 'a', 'b', 'c', 'z', 'y');
    printf("100%% literal\n");
    int pos = 0;
    printf("count%n here\n", &pos);
    printf("pos=%d\n", pos);
    printf("%s|%5s|%-5s|\n", "", "", "");
    printf("[%#.0x] [%#5x] [%-#8o] [%+5d] [%-+5d] [% 05d]\n", 0u, 15u, 8u, 3, 3, 3);
    char big[64];
    int r = sprintf(big, "%x-%d-%s-%c", 48879u, -17, "mid", '!');
    printf("sprintf -> '%s' (%d)\n", big, r);
    return 0;
}
