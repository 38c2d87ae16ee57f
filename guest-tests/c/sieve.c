/* sieve: sieve of Eratosthenes over 2,000,000 using a byte array in bss and a
 * bit-packed sieve; prints prime counts at powers of ten, the last primes,
 * and twin-prime counts. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define LIMIT 2000000
static unsigned char comp[LIMIT + 1];
static uint32_t bits[(LIMIT >> 5) + 1];

int main(void)
{
    for (uint32_t i = 2; (uint64_t)i * i <= LIMIT; i++)
        if (!comp[i])
            for (uint32_t j = i * i; j <= LIMIT; j += i) comp[j] = 1;
    uint32_t count = 0, next = 10, twins = 0, last[5] = {0};
    for (uint32_t i = 2; i <= LIMIT; i++) {
        if (!comp[i]) {
            count++;
            last[count % 5] = i;
            if (i >= 3 && !comp[i - 2]) twins++;
        }
        if (i == next) { printf("pi(%u)=%u\n", i, count); next *= 10; }
    }
    printf("pi(%u)=%u twins=%u\n", LIMIT, count, twins);
    for (int i = 1; i <= 5; i++) printf("%u ", last[(count + i) % 5]);
    printf("\n");
    /* odd-only bit sieve: bit k represents 2k+1 */
    memset(bits, 0, sizeof bits);
    uint32_t n = LIMIT / 2;
    for (uint32_t k = 1; (2 * k + 1) * (2 * k + 1) <= LIMIT; k++)
        if (!(bits[k >> 5] >> (k & 31) & 1))
            for (uint32_t m = (2 * k + 1) * (2 * k + 1) / 2; m < n; m += 2 * k + 1)
                bits[m >> 5] |= 1u << (m & 31);
    uint32_t c2 = 1; /* the prime 2 */
    for (uint32_t k = 1; k < n; k++) c2 += !(bits[k >> 5] >> (k & 31) & 1);
    printf("bit sieve count=%u agree=%d\n", c2, c2 == count);
    return 0;
}
