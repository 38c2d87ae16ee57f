/* snprintf_trunc: snprintf truncation semantics - return value is the full
 * length, buffer always NUL-terminated, size 0 writes nothing, size 1 gives
 * an empty string; also vsnprintf through a wrapper and asprintf. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int wrap(char *b, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(b, n, fmt, ap);
    va_end(ap);
    return r;
}

int main(void)
{
    char buf[32];
    for (size_t n = 0; n <= 24; n += (n < 4 ? 1 : 5)) {
        memset(buf, '@', sizeof buf);
        int r = snprintf(buf, n, "value=%d name=%s", 123456, "truncated");
        printf("n=%2zu r=%d buf=\"%s\" sentinel=%c\n", n, r, n ? buf : "(untouched)", buf[n < 31 ? n + 1 : 31]);
    }
    memset(buf, '@', sizeof buf);
    int r = snprintf(NULL, 0, "%lld", -1234567890123LL);
    printf("NULL,0 -> %d\n", r);
    r = wrap(buf, 10, "%s-%s-%s", "aaaa", "bbbb", "cccc");
    printf("vsnprintf r=%d \"%s\"\n", r, buf);
    char *p = NULL;
    r = asprintf(&p, "%0*d|%-6s|%x", 8, 42, "ab", 0xbeefu);
    printf("asprintf r=%d \"%s\"\n", r, p);
    free(p);
    char big[300];
    r = snprintf(big, sizeof big, "%250s", "right-aligned");
    printf("wide r=%d len=%zu tail=%s\n", r, strlen(big), big + 237);
    return 0;
}
