/* sort_str: top-down merge sort of random lowercase strings by strcmp, N rounds of fresh strings. */
#include "bench.h"

enum { N = 6000 };
static char pool[N * 16];
static char *s[N], *tmp[N];

static void msort(char **a, char **t, long n)
{
    if (n < 2) return;
    long h = n / 2;
    msort(a, t, h);
    msort(a + h, t, n - h);
    long i = 0, j = h, k = 0;
    while (i < h && j < n) t[k++] = strcmp(a[i], a[j]) <= 0 ? a[i++] : a[j++];
    while (i < h) t[k++] = a[i++];
    while (j < n) t[k++] = a[j++];
    memcpy(a, t, n * sizeof *a);
}

int main(int argc, char **argv)
{
    long rounds = bench_size(argc, argv, 3, 900);
    uint32_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < N; i++) {
            char *p = s[i] = pool + i * 16;
            int len = 3 + rnd() % 12;
            /* few leading letters, so many comparisons share prefixes */
            for (int k = 0; k < len; k++) p[k] = (char)('a' + (k < 2 ? rnd() % 4 : rnd() % 26));
            p[len] = 0;
        }
        msort(s, tmp, N);
        for (long i = 1; i < N; i++) if (strcmp(s[i - 1], s[i]) > 0) { puts("sort_str: not sorted"); return 1; }
        for (long i = 0; i < N; i += 50) for (const char *p = s[i]; *p; p++) sum = mix32(sum, (uint8_t)*p);
    }
    printf("sort_str rounds=%ld first=%s last=%s checksum=%08x\n", rounds, s[0], s[N - 1], sum);
    return 0;
}
