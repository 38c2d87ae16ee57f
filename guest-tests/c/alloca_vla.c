/* alloca_vla: dynamic stack allocation - variable length arrays of varying
 * sizes (including a 2-D VLA), alloca in a loop, and stack growth by a
 * recursive function using a 64 KB VLA per frame (several MB total). */
#include <stdio.h>
#include <alloca.h>
#include <string.h>
#include <stdint.h>

static uint32_t vla_sum(int n)
{
    uint32_t v[n];
    for (int i = 0; i < n; i++) v[i] = (uint32_t)i * i + n;
    uint32_t s = 0;
    for (int i = n - 1; i >= 0; i--) s = s * 7 + v[i];
    return s;
}
static int matrix(int r, int c)
{
    int m[r][c];
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) m[i][j] = i * c + j;
    int tr = 0;
    for (int i = 0; i < r && i < c; i++) tr += m[i][i];
    return tr + (int)sizeof m;
}
static uint32_t deep(int depth, int size)
{
    unsigned char buf[size];
    memset(buf, depth, size);
    buf[size - 1] = (unsigned char)(depth * 3);
    if (depth == 0) return buf[0] + buf[size - 1];
    return deep(depth - 1, size) + buf[size / 2] + buf[size - 1];
}

int main(void)
{
    for (int n = 1; n <= 4096; n *= 4) printf("vla_sum(%d)=%08x\n", n, vla_sum(n));
    for (int r = 1; r < 40; r += 9) printf("matrix(%d,%d)=%d\n", r, 40 - r, matrix(r, 40 - r));
    uint32_t total = 0;
    for (int i = 1; i <= 64; i++) {
        char *p = alloca(i * 16);
        memset(p, i, i * 16);
        total += (unsigned char)p[i * 16 - 1] + (unsigned char)p[0];
    }
    printf("alloca total=%u\n", total);
    printf("deep=%u\n", deep(100, 65536));
    return 0;
}
