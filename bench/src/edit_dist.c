/* edit_dist: dynamic programming — Levenshtein distance and LCS length of two generated strings (two-row tables), N pairs. */
#include "bench.h"

enum { L = 600 };

static int levenshtein(const char *a, int n, const char *b, int m)
{
    static int prev[L + 1], cur[L + 1];
    for (int j = 0; j <= m; j++) prev[j] = j;
    for (int i = 1; i <= n; i++) {
        cur[0] = i;
        for (int j = 1; j <= m; j++) {
            int v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            cur[j] = v;
        }
        memcpy(prev, cur, (m + 1) * sizeof *prev);
    }
    return prev[m];
}

static int lcs(const char *a, int n, const char *b, int m)
{
    static int prev[L + 1], cur[L + 1];
    memset(prev, 0, sizeof prev);
    for (int i = 1; i <= n; i++) {
        cur[0] = 0;
        for (int j = 1; j <= m; j++)
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : (prev[j] > cur[j - 1] ? prev[j] : cur[j - 1]);
        memcpy(prev, cur, (m + 1) * sizeof *prev);
    }
    return prev[m];
}

int main(int argc, char **argv)
{
    long pairs = bench_size(argc, argv, 1, 1500);
    static char a[L], b[L];
    uint32_t sum = 0;
    int d = 0, c = 0;
    for (long p = 0; p < pairs; p++) {
        for (int i = 0; i < L; i++) a[i] = (char)('a' + rnd() % 4);
        for (int i = 0; i < L; i++) b[i] = (rnd() % 4) ? a[i] : (char)('a' + rnd() % 4);
        int n = L - (int)(p % 7), m = L - (int)(p % 5);
        d = levenshtein(a, n, b, m);
        c = lcs(a, n, b, m);
        sum = mix32(mix32(sum, (uint32_t)d), (uint32_t)c);
    }
    printf("edit_dist pairs=%ld last_distance=%d last_lcs=%d checksum=%08x\n", pairs, d, c, sum);
    return 0;
}
