/* conversions: integer conversions - signed/unsigned char and short
 * truncation and sign/zero extension, int <-> unsigned, long long narrowing,
 * usual arithmetic conversions in comparisons, and integer promotion. */
#include <stdio.h>
#include <stdint.h>

static volatile int32_t vals[] = {0, 1, -1, 127, 128, 255, 256, -128, -129, 32767, 32768,
                                  65535, 65536, -32768, -32769, 0x7fffffff, (int32_t)0x80000000,
                                  0x12345678, -0x12345678};

int main(void)
{
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        int32_t v = vals[i];
        signed char sc = (signed char)v;
        unsigned char uc = (unsigned char)v;
        short ss = (short)v;
        unsigned short us = (unsigned short)v;
        printf("%d: sc=%d uc=%u ss=%d us=%u sc->u=%u ss->u=%u uc->i=%d (int64)v=%lld (uint64)(uint32)v=%llu\n", v,
               sc, uc, ss, us, (unsigned)sc, (unsigned)ss, (int)uc, (long long)v,
               (unsigned long long)(uint32_t)v);
    }
    volatile long long big = 0x123456789abcdefLL;
    printf("narrow: %d %d %d\n", (int)big, (short)big, (signed char)big);
    volatile int m1 = -1;
    volatile unsigned one = 1;
    printf("-1 < 1u: %d\n", m1 < one);
    printf("-1 < (long long)1u: %d\n", (long long)m1 < (long long)one);
    volatile unsigned char a = 200, b = 100;
    printf("uchar 200+100=%d (promoted), stored=%u\n", a + b, (unsigned char)(a + b));
    volatile signed char c = -100, d = -100;
    printf("schar -100+-100=%d stored=%d\n", c + d, (signed char)(c + d));
    volatile unsigned short e = 65535;
    printf("(unsigned)ushort*ushort=%u\n", (unsigned)e * e);
    volatile int32_t minv = INT32_MIN;
    printf("-(INT_MIN) via unsigned=%u\n", 0u - (uint32_t)minv);
    printf("bool conv: %d %d %d\n", (_Bool)2, (_Bool)0, (_Bool)-1);
    return 0;
}
