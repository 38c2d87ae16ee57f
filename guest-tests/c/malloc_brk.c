/* malloc_brk: small heap allocations served from the brk heap - many
 * malloc/free/realloc/calloc cycles with content verification; checks that
 * the program break grows (sbrk(0) increases) and calloc memory is zeroed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

#define N 2000
static unsigned char *blk[N];
static size_t len[N];

static uint32_t rng = 12345;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

int main(void)
{
    char *brk0 = sbrk(0);
    int misaligned = 0, bad = 0;
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < N; i++) {
            uint32_t r = next();
            if (blk[i] && (r & 3) == 0) {
                for (size_t k = 0; k < len[i]; k++)
                    if (blk[i][k] != (unsigned char)(i + k)) bad++;
                free(blk[i]);
                blk[i] = NULL;
            } else if (blk[i] && (r & 3) == 1) {
                size_t nl = 1 + (r >> 8) % 600;
                unsigned char *p = realloc(blk[i], nl);
                size_t keep = nl < len[i] ? nl : len[i];
                for (size_t k = 0; k < keep; k++)
                    if (p[k] != (unsigned char)(i + k)) bad++;
                for (size_t k = keep; k < nl; k++) p[k] = (unsigned char)(i + k);
                blk[i] = p;
                len[i] = nl;
            } else if (!blk[i]) {
                len[i] = 1 + (r >> 8) % 300;
                blk[i] = malloc(len[i]);
                if ((uintptr_t)blk[i] % 8) misaligned++;
                for (size_t k = 0; k < len[i]; k++) blk[i][k] = (unsigned char)(i + k);
            }
        }
    }
    char *brk1 = sbrk(0);
    size_t live = 0;
    for (int i = 0; i < N; i++) if (blk[i]) { live += len[i]; }
    printf("bad=%d misaligned=%d live_bytes=%zu\n", bad, misaligned, live);
    printf("brk grew: %s\n", brk1 > brk0 ? "yes" : "no");
    for (int i = 0; i < N; i++) free(blk[i]);
    int nonzero = 0;
    for (int i = 1; i < 200; i++) {
        unsigned *c = calloc(i, sizeof *c);
        for (int k = 0; k < i; k++) { if (c[k]) nonzero++; c[k] = 0xdeadbeef; }
        free(c);
    }
    printf("calloc nonzero words=%d\n", nonzero);
    char *s = NULL;
    size_t sl = 0;
    for (int i = 0; i < 100; i++) {
        char piece[16];
        int n = snprintf(piece, sizeof piece, "%d,", i * i);
        s = realloc(s, sl + n + 1);
        memcpy(s + sl, piece, n + 1);
        sl += n;
    }
    printf("grown string len=%zu tail=%s\n", sl, s + sl - 12);
    free(s);
    void *m0 = malloc(0), *r10 = realloc(NULL, 10);
    printf("malloc(0) %s, realloc(NULL,10) %s\n", m0 ? "non-null" : "null", r10 ? "non-null" : "null");
    free(m0);
    free(r10);
    return 0;
}
