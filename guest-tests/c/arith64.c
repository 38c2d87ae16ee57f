/* arith64: 64-bit integer arithmetic through libgcc helpers
 * (__divdi3, __udivdi3, __moddi3, __umoddi3), 64-bit shifts and multiplies,
 * division of negative numbers, and wraparound via unsigned types. */
#include <stdio.h>
#include <stdint.h>

static volatile int64_t sv[] = {0, 1, -1, 7, -7, 1000000007LL, -1000000007LL,
    0x7fffffffffffffffLL, (int64_t)0x8000000000000000ULL, 0x123456789abcdefLL,
    -0x123456789abcdefLL, 4294967296LL, -4294967296LL, 4294967295LL, 99, -100};
static volatile int64_t dv[] = {1, -1, 2, -2, 3, -3, 7, 10, -10, 65536, 4294967296LL,
    -4294967297LL, 1000000007LL, 0x7fffffffffffffffLL};
static volatile uint32_t shv[] = {0, 1, 5, 31, 32, 33, 47, 63};

int main(void)
{
    int n = sizeof sv / sizeof sv[0], m = sizeof dv / sizeof dv[0];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            int64_t a = sv[i], b = dv[j];
            if (a == (int64_t)0x8000000000000000ULL && b == -1) continue;
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            printf("%lld / %lld = %lld r %lld | u %llu / %llu = %llu r %llu\n",
                   (long long)a, (long long)b, (long long)(a / b), (long long)(a % b),
                   (unsigned long long)ua, (unsigned long long)ub,
                   (unsigned long long)(ua / ub), (unsigned long long)(ua % ub));
        }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 8; k++) {
            int64_t a = sv[i];
            uint32_t s = shv[k];
            printf("%llx << %u = %llx; >> %u = %llx; sar %u = %llx\n",
                   (unsigned long long)a, s, (unsigned long long)((uint64_t)a << s),
                   s, (unsigned long long)((uint64_t)a >> s),
                   s, (unsigned long long)(a >> s));
        }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            uint64_t p = (uint64_t)sv[i] * (uint64_t)sv[j];
            uint32_t lo = (uint32_t)sv[i], lo2 = (uint32_t)sv[j];
            uint64_t wide = (uint64_t)lo * lo2;
            int64_t swide = (int64_t)(int32_t)lo * (int32_t)lo2;
            printf("mul %llx * %llx = %llx; 32x32 u=%llx s=%llx\n",
                   (unsigned long long)sv[i], (unsigned long long)sv[j],
                   (unsigned long long)p, (unsigned long long)wide, (long long)swide);
        }
    /* wraparound via unsigned */
    volatile uint32_t big = 0x7fffffff;
    uint32_t w = big + 1u;
    printf("int max + 1 via unsigned = %d (0x%x)\n", (int32_t)w, w);
    volatile uint32_t z = 0;
    printf("0u - 1 = %u\n", z - 1u);
    volatile uint64_t b64 = 0xffffffffffffffffULL;
    printf("u64 max + 1 = %llu\n", (unsigned long long)(b64 + 1));
    volatile int32_t neg = -7, two = 2, ntwo = -2, pos = 7;
    printf("-7/2=%d -7%%2=%d 7/-2=%d 7%%-2=%d\n", neg / two, neg % two, pos / ntwo, pos % ntwo);
    /* 64-bit accumulate */
    uint64_t acc = 1469598103934665603ULL;
    for (int i = 0; i < 1000; i++) { acc ^= (uint64_t)i; acc *= 1099511628211ULL; }
    printf("fnv64 of 0..999 = %016llx\n", (unsigned long long)acc);
    int64_t s = 0;
    for (int64_t i = -50000; i < 50000; i += 7) s += i * i / 3 - i % 11;
    printf("sum = %lld\n", (long long)s);
    return 0;
}
