/* varargs: <stdarg.h> variadic functions - summing ints, mixing int/long
 * long/pointer arguments driven by a format string, va_copy for two passes,
 * and forwarding a va_list to vprintf. */
#include <stdio.h>
#include <stdarg.h>
#include <stdint.h>

static int sum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}
static void mixed(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int64_t total = 0;
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': printf(" i:%d", va_arg(ap, int)); break;
        case 'L': printf(" L:%lld", va_arg(ap, long long)); break;
        case 's': printf(" s:%s", va_arg(ap, const char *)); break;
        case 'c': printf(" c:%c", (char)va_arg(ap, int)); break;
        case 'u': printf(" u:%u", va_arg(ap, unsigned)); break;
        }
    }
    for (const char *p = fmt; *p; p++) {
        switch (*p) {
        case 'i': case 'c': total += va_arg(ap2, int); break;
        case 'u': total += va_arg(ap2, unsigned); break;
        case 'L': total += va_arg(ap2, long long); break;
        case 's': (void)va_arg(ap2, const char *); total += 1000; break;
        }
    }
    va_end(ap2);
    va_end(ap);
    printf(" | total=%lld\n", (long long)total);
}
static void logf_(const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("[%s] ", tag);
    vprintf(fmt, ap);
    va_end(ap);
}

int main(void)
{
    printf("sum()=%d sum(1)=%d sum(5)=%d\n", sum(0), sum(1, 42), sum(5, 1, -2, 3, -4, 5));
    printf("sum(12)=%d\n", sum(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
    mixed("iLsc", 7, 1LL << 40, "str", 'Z');
    mixed("LLiu", -5LL, 9000000000LL, -1, 4000000000u);
    mixed("");
    mixed("sisisi", "a", 1, "b", 2, "c", 3);
    logf_("info", "%d items, %s, %05x\n", 3, "ok", 0xabc);
    logf_("warn", "%lld %c%c\n", -9LL, 'h', 'i');
    return 0;
}
