/* strtol_ctype: strtol/strtoul/strtoll/atoi/atol edge cases (bases 0/2/8/16/36,
 * overflow -> LONG_MAX + ERANGE, endptr, leading space/sign, "0x" alone), and
 * the <ctype.h> classification table for all chars 0..127 plus 200. */
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>

int main(void)
{
    static const struct { const char *s; int base; } t[] = {
        {"0", 10}, {"123", 10}, {"-123", 10}, {"  +42xyz", 10}, {"2147483647", 10},
        {"2147483648", 10}, {"-2147483648", 10}, {"-2147483649", 10}, {"0x1F", 0}, {"0X1f", 16},
        {"017", 0}, {"08", 0}, {"1010", 2}, {"zz", 36}, {"0x", 0}, {"0x", 16}, {"", 10},
        {"   ", 10}, {"-", 10}, {"99999999999999999999", 10}, {"ff", 10}, {"7fffffff", 16},
        {"-0", 10}, {"\t\n 77", 8}};
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
        char *end;
        errno = 0;
        long v = strtol(t[i].s, &end, t[i].base);
        int e1 = errno;
        errno = 0;
        unsigned long u = strtoul(t[i].s, NULL, t[i].base);
        int e2 = errno;
        errno = 0;
        long long ll = strtoll(t[i].s, NULL, t[i].base);
        printf("\"%s\" base %d: strtol=%ld end=+%d erange=%d strtoul=%lu erange=%d strtoll=%lld atoi=%d\n",
               t[i].s, t[i].base, v, (int)(end - t[i].s), e1 == ERANGE, u, e2 == ERANGE, ll,
               t[i].base == 10 ? atoi(t[i].s) : 0);
    }
    printf("atol(\"  -99 bottles\")=%ld atoll=%lld\n", atol("  -99 bottles"), atoll("9223372036854775807"));
    for (int c = 0; c < 128; c++) {
        printf("%3d %c%c%c%c%c%c%c%c%c%c%c up=%d lo=%d\n", c, isalnum(c) ? 'A' : '-', isalpha(c) ? 'a' : '-',
               iscntrl(c) ? 'c' : '-', isdigit(c) ? 'd' : '-', isgraph(c) ? 'g' : '-', islower(c) ? 'l' : '-',
               isprint(c) ? 'p' : '-', ispunct(c) ? '.' : '-', isspace(c) ? 's' : '-', isupper(c) ? 'u' : '-',
               isxdigit(c) ? 'x' : '-', toupper(c), tolower(c));
    }
    printf("200: alpha=%d print=%d; EOF: alpha=%d\n", isalpha(200) != 0, isprint(200) != 0, isalpha(EOF) != 0);
    return 0;
}
