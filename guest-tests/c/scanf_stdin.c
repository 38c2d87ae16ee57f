/* scanf_stdin: scanf from stdin - reads "name count v1..vcount" records until
 * EOF and prints per-record sums, min, max; then a grand total.
 * Run with stdin = fixtures/scanf_input.txt. */
#include <stdio.h>

int main(void)
{
    char name[64];
    int count, records = 0;
    long long total = 0;
    while (scanf("%63s %d", name, &count) == 2) {
        long long sum = 0;
        int mn = 0, mx = 0, got = 0;
        for (int i = 0; i < count; i++) {
            int v;
            if (scanf("%d", &v) != 1) break;
            if (got == 0 || v < mn) mn = v;
            if (got == 0 || v > mx) mx = v;
            sum += v;
            got++;
        }
        printf("%-12s n=%d sum=%lld min=%d max=%d\n", name, got, sum, mn, mx);
        total += sum;
        records++;
    }
    printf("records=%d total=%lld feof=%d\n", records, total, feof(stdin) != 0);
    return 0;
}
