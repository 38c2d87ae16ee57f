/* crc_md5: table-driven CRC32 (IEEE) and a from-scratch MD5 over fixed
 * strings and generated buffers - lots of 32-bit rotates, adds, xors and
 * little-endian loads; results compared with known test vectors. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static uint32_t crctab[256];
static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crctab[i] = c;
    }
}
static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--) c = crctab[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

#define ROL(x, c) (((x) << (c)) | ((x) >> (32 - (c))))
static void md5(const unsigned char *msg, size_t len, unsigned char out[16])
{
    static const uint32_t s[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    /* K[i] = floor(abs(sin(i+1)) * 2^32), precomputed (no floating point here) */
    static const uint32_t K[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    size_t total = ((len + 8) / 64 + 1) * 64;
    unsigned char block[64];
    for (size_t off = 0; off < total; off += 64) {
        for (int i = 0; i < 64; i++) {
            size_t p = off + i;
            block[i] = p < len ? msg[p] : p == len ? 0x80 : 0;
        }
        if (off + 64 == total)
            for (int i = 0; i < 8; i++) block[56 + i] = (unsigned char)((uint64_t)len * 8 >> (8 * i));
        uint32_t M[16];
        for (int i = 0; i < 16; i++)
            M[i] = block[4 * i] | block[4 * i + 1] << 8 | block[4 * i + 2] << 16 | (uint32_t)block[4 * i + 3] << 24;
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
        for (int i = 0; i < 64; i++) {
            uint32_t f;
            int g;
            if (i < 16) { f = (b & c) | (~b & d); g = i; }
            else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
            else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
            else { f = c ^ (b | ~d); g = (7 * i) % 16; }
            f = f + a + K[i] + M[g];
            a = d; d = c; c = b;
            b = b + ROL(f, s[i]);
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    }
    for (int i = 0; i < 16; i++) out[i] = (unsigned char)(h[i / 4] >> (8 * (i % 4)));
}

int main(void)
{
    crc_init();
    static const char *msgs[] = {"", "a", "abc", "message digest", "123456789",
        "abcdefghijklmnopqrstuvwxyz",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "The quick brown fox jumps over the lazy dog"};
    for (unsigned i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
        unsigned char d[16];
        md5((const unsigned char *)msgs[i], strlen(msgs[i]), d);
        printf("crc32=%08x md5=", crc32((const unsigned char *)msgs[i], strlen(msgs[i])));
        for (int j = 0; j < 16; j++) printf("%02x", d[j]);
        printf(" \"%s\"\n", msgs[i]);
    }
    static unsigned char buf[100000];
    uint32_t x = 1;
    for (size_t i = 0; i < sizeof buf; i++) { x = x * 1664525u + 1013904223u; buf[i] = (unsigned char)(x >> 24); }
    for (size_t n = 55; n <= sizeof buf; n = n * 3 + 1) {
        unsigned char d[16];
        md5(buf, n, d);
        printf("n=%zu crc32=%08x md5=", n, crc32(buf, n));
        for (int j = 0; j < 16; j++) printf("%02x", d[j]);
        printf("\n");
    }
    return 0;
}
