/* bignum: 64-bit and multi-precision integer arithmetic — n! in base 10^9 limbs (64-bit products and divisions through libgcc), Fibonacci by big additions, and 64-bit modular exponentiation. */
#include "bench.h"

enum { LIMBS = 16000 };
static uint32_t f[LIMBS], a[LIMBS], b[LIMBS];

static uint64_t mulmod(uint64_t x, uint64_t y, uint64_t m)
{
    uint64_t r = 0;
    x %= m;
    while (y) {
        if (y & 1) { r += x; if (r >= m) r -= m; }
        x <<= 1; if (x >= m) x -= m;
        y >>= 1;
    }
    return r;
}

static uint64_t powmod(uint64_t x, uint64_t e, uint64_t m)
{
    uint64_t r = 1;
    while (e) { if (e & 1) r = mulmod(r, x, m); x = mulmod(x, x, m); e >>= 1; }
    return r;
}

int main(int argc, char **argv)
{
    long n = bench_size(argc, argv, 900, 25000);
    /* factorial */
    int len = 1;
    f[0] = 1;
    for (long k = 2; k <= n; k++) {
        uint64_t carry = 0;
        for (int i = 0; i < len; i++) {
            uint64_t t = (uint64_t)f[i] * (uint64_t)k + carry;
            f[i] = (uint32_t)(t % 1000000000u);
            carry = t / 1000000000u;
        }
        while (carry && len < LIMBS) { f[len++] = (uint32_t)(carry % 1000000000u); carry /= 1000000000u; }
    }
    uint64_t dsum = 0;
    for (int i = 0; i < len; i++) for (uint32_t v = f[i]; v; v /= 10) dsum += v % 10;
    /* Fibonacci */
    int fl = 1;
    a[0] = 0; b[0] = 1;
    for (long k = 0; k < n * 4; k++) {
        uint32_t carry = 0;
        for (int i = 0; i < fl; i++) {
            uint32_t s = a[i] + b[i] + carry;
            carry = s >= 1000000000u;
            a[i] = b[i];
            b[i] = carry ? s - 1000000000u : s;
        }
        if (carry && fl < LIMBS) { a[fl] = 0; b[fl++] = 1; }
    }
    /* 64-bit modular exponentiation: Fermat tests mod a 61-bit prime */
    const uint64_t p = 2305843009213693951ull;
    uint64_t acc = 0;
    for (long k = 0; k < n / 30 + 1; k++) acc ^= powmod(3 + (uint64_t)k, (uint64_t)k * 0x9e3779b97f4a7c15ull % p, p) + (uint64_t)k;
    printf("bignum n=%ld fact_limbs=%d fact_low=%09u digit_sum=%llu fib_limbs=%d fib_low=%09u modexp=%016llx\n",
           n, len, f[0], (unsigned long long)dsum, fl, b[0], (unsigned long long)acc);
    return 0;
}
