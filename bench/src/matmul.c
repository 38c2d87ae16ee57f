/* matmul: integer matrix multiply C = A*B (i-k-j order) on 96x96 int32 matrices, N rounds feeding the product back. */
#include "bench.h"

enum { M = 96 };
static int32_t A[M][M], B[M][M], C[M][M];

int main(int argc, char **argv)
{
    long rounds = bench_size(argc, argv, 3, 1000);
    for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) { A[i][j] = (int32_t)(rnd() % 201) - 100; B[i][j] = (int32_t)(rnd() % 201) - 100; }
    uint32_t sum = 0;
    for (long r = 0; r < rounds; r++) {
        memset(C, 0, sizeof C);
        for (int i = 0; i < M; i++)
            for (int k = 0; k < M; k++) {
                int32_t a = A[i][k];
                for (int j = 0; j < M; j++) C[i][j] += a * B[k][j];
            }
        for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) { sum = mix32(sum, (uint32_t)C[i][j]); A[i][j] = (C[i][j] >> 7) % 101; }
    }
    printf("matmul rounds=%ld c00=%d checksum=%08x\n", rounds, C[0][0], sum);
    return 0;
}
