/* recursion: call-heavy recursion — naive Fibonacci, Ackermann, Tak and N-queens by backtracking. */
#include "bench.h"

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int ack(int m, int n) { return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
static int tak(int x, int y, int z) { return y < x ? tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)) : z; }

static int queens(int n, int row, unsigned cols, unsigned d1, unsigned d2)
{
    if (row == n) return 1;
    int c = 0;
    for (int k = 0; k < n; k++) {
        unsigned a = 1u << k, b = 1u << (row + k), e = 1u << (row - k + n);
        if (!(cols & a) && !(d1 & b) && !(d2 & e)) c += queens(n, row + 1, cols | a, d1 | b, d2 | e);
    }
    return c;
}

int main(int argc, char **argv)
{
    long reps = bench_size(argc, argv, 3, 10000);
    uint32_t sum = 0;
    int f = 0, a = 0, t = 0, q = 0;
    for (long r = 0; r < reps; r++) {
        int k = (int)(r % 3);
        f = fib(18 + k);
        a = ack(2, 150 + k);
        t = tak(16 + k, 10, 4);
        q = queens(7 + k, 0, 0, 0, 0);
        sum = mix32(mix32(mix32(mix32(sum, (uint32_t)f), (uint32_t)a), (uint32_t)t), (uint32_t)q);
    }
    printf("recursion reps=%ld fib=%d ack=%d tak=%d queens=%d checksum=%08x\n", reps, f, a, t, q, sum);
    return 0;
}
