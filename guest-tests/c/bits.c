/* bits: bit manipulation - popcount by hand vs __builtin_popcount, bit
 * reversal, rotates via (x<<n)|(x>>(32-n)), __builtin_clz/ctz/bswap32/bswap64,
 * parity, lowest-set-bit tricks, over fixed and xorshift-generated values. */
#include <stdio.h>
#include <stdint.h>

static unsigned pop_hand(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0fu;
    return (x * 0x01010101u) >> 24;
}
static uint32_t rev(uint32_t x)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) { r = (r << 1) | (x & 1); x >>= 1; }
    return r;
}
static uint32_t rotl(uint32_t x, unsigned n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }
static uint32_t rotr(uint32_t x, unsigned n) { n &= 31; return n ? (x >> n) | (x << (32 - n)) : x; }

int main(void)
{
    uint32_t vals[40] = {0, 1, 0x80000000u, 0xffffffffu, 0x7fffffffu, 0x12345678u, 0xf0f0f0f0u,
                         0x00010000u, 0xdeadbeefu, 3};
    uint32_t s = 2463534242u;
    for (int i = 10; i < 40; i++) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; vals[i] = s >> (i % 7); }
    for (int i = 0; i < 40; i++) {
        uint32_t x = vals[i];
        printf("%08x pop=%u/%d rev=%08x rotl5=%08x rotr7=%08x rotl31=%08x bswap=%08x", x, pop_hand(x),
               __builtin_popcount(x), rev(x), rotl(x, 5), rotr(x, 7), rotl(x, 31), __builtin_bswap32(x));
        if (x) printf(" clz=%d ctz=%d", __builtin_clz(x), __builtin_ctz(x));
        printf(" parity=%d low=%08x clearlow=%08x\n", __builtin_parity(x), x & -x, x & (x - 1));
    }
    uint64_t q = 0x0123456789abcdefULL;
    for (int i = 0; i < 6; i++) {
        printf("%016llx bswap64=%016llx clzll=%d ctzll=%d popll=%d\n", (unsigned long long)q,
               (unsigned long long)__builtin_bswap64(q), __builtin_clzll(q), __builtin_ctzll(q),
               __builtin_popcountll(q));
        q = (q << 7) ^ (q >> 3) ^ 0x1000;
    }
    uint16_t h = 0xa1b2;
    printf("bswap16=%04x\n", __builtin_bswap16(h));
    /* next permutation of bits (Gosper's hack): all 5-bit subsets with 3 bits set */
    for (uint32_t v = 7; v < 32;) {
        printf("%u ", v);
        uint32_t t = v | (v - 1);
        v = (t + 1) | (((~t & -~t) - 1) >> (__builtin_ctz(v) + 1));
    }
    printf("\n");
    return 0;
}
