/* lz77: LZ77 compression with a hash-chain match finder over generated text-like data, then decompression and a round-trip check, N blocks. */
#include "bench.h"

enum { SZ = 32768, WIN = 4096, MINM = 3, MAXM = 66, HBITS = 12, CHAIN = 16 };

static uint8_t in[SZ], out[SZ * 2], back[SZ];
static int head[1 << HBITS], prevpos[SZ];

static unsigned h3(const uint8_t *p) { return ((p[0] << 8) ^ (p[1] << 4) ^ p[2]) & ((1 << HBITS) - 1); }

/* Format: literal run = byte L (0..127) then L+1 literals; match = byte 0x80|(len-3), 2-byte distance. */
static size_t compress(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t o = 0, lit = 0, i = 0;
    for (int k = 0; k < (1 << HBITS); k++) head[k] = -1;
    while (i < n) {
        int best = 0, bdist = 0;
        if (i + MINM <= n) {
            unsigned h = h3(src + i);
            int cand = head[h];
            for (int c = 0; c < CHAIN && cand >= 0 && (int)i - cand <= WIN; c++, cand = prevpos[cand]) {
                int l = 0, max = (int)(n - i) < MAXM ? (int)(n - i) : MAXM;
                while (l < max && src[cand + l] == src[i + l]) l++;
                if (l > best) { best = l; bdist = (int)i - cand; }
            }
            prevpos[i] = head[h];
            head[h] = (int)i;
        }
        if (best >= MINM) {
            if (lit) { dst[o++] = (uint8_t)(lit - 1); memcpy(dst + o, src + i - lit, lit); o += lit; lit = 0; }
            dst[o++] = (uint8_t)(0x80 | (best - MINM));
            dst[o++] = (uint8_t)bdist; dst[o++] = (uint8_t)(bdist >> 8);
            for (int k = 1; k < best; k++) {
                size_t j = i + k;
                if (j + MINM <= n) { unsigned h = h3(src + j); prevpos[j] = head[h]; head[h] = (int)j; }
            }
            i += best;
        } else {
            i++;
            if (++lit == 128) { dst[o++] = 127; memcpy(dst + o, src + i - 128, 128); o += 128; lit = 0; }
        }
    }
    if (lit) { dst[o++] = (uint8_t)(lit - 1); memcpy(dst + o, src + n - lit, lit); o += lit; }
    return o;
}

static size_t decompress(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t i = 0, o = 0;
    while (i < n) {
        uint8_t c = src[i++];
        if (c & 0x80) {
            int len = (c & 0x7f) + MINM, dist = src[i] | src[i + 1] << 8;
            i += 2;
            for (int k = 0; k < len; k++, o++) dst[o] = dst[o - dist];
        } else {
            memcpy(dst + o, src + i, c + 1u);
            o += c + 1u; i += c + 1u;
        }
    }
    return o;
}

int main(int argc, char **argv)
{
    long blocks = bench_size(argc, argv, 3, 3000);
    static const char *words[] = { "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "and ", "a ",
                                   "virtual ", "machine ", "translates ", "code ", "block ", "cache ", "\n", "0x", "42 ", "hot " };
    uint32_t sum = 0;
    size_t total = 0;
    for (long b = 0; b < blocks; b++) {
        size_t n = 0;
        while (n < SZ) {
            const char *w = words[rnd() % 20];
            if (rnd() % 8 == 0) in[n++] = (uint8_t)('A' + rnd() % 26);
            while (*w && n < SZ) in[n++] = (uint8_t)*w++;
        }
        size_t c = compress(in, SZ, out);
        if (decompress(out, c, back) != SZ || memcmp(in, back, SZ) != 0) { puts("lz77: round trip FAILED"); return 1; }
        total += c;
        for (size_t i = 0; i < c; i += 61) sum = mix32(sum, out[i]);
    }
    printf("lz77 blocks=%ld in=%ld out=%lu checksum=%08x\n", blocks, blocks * (long)SZ, (unsigned long)total, sum);
    return 0;
}
