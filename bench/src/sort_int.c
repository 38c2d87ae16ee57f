/* sort_int: hand-written quicksort (median of three, insertion sort below 16) on 32-bit ints, N rounds of fresh data. */
#include "bench.h"

static void isort(int32_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        int32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static void qsort_int(int32_t *a, long n)
{
    while (n > 16) {
        int32_t x = a[0], y = a[n / 2], z = a[n - 1], p;
        p = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i >= j) break;
            int32_t t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
        }
        long left = j + 1;
        if (left < n - left) { qsort_int(a, left); a += left; n -= left; }
        else { qsort_int(a + left, n - left); n = left; }
    }
    isort(a, n);
}

int main(int argc, char **argv)
{
    long rounds = bench_size(argc, argv, 3, 700);
    enum { N = 20000 };
    static int32_t a[N];
    uint32_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < N; i++) a[i] = (int32_t)(rnd() % (r % 2 ? 1000u : 4000000000u)) - 1000000;
        qsort_int(a, N);
        for (long i = 1; i < N; i++) if (a[i - 1] > a[i]) { puts("sort_int: not sorted"); return 1; }
        for (long i = 0; i < N; i += 97) sum = mix32(sum, (uint32_t)a[i]);
    }
    printf("sort_int rounds=%ld min=%d max=%d checksum=%08x\n", rounds, a[0], a[N - 1], sum);
    return 0;
}
