/* bss_large: large zero-initialised static arrays (~24 MB of .bss) and a
 * large initialised .data table: verifies bss is zero, writes patterns over
 * the whole range (page by page) and sums them back. */
#include <stdio.h>
#include <stdint.h>

static uint32_t big1[4u << 20];            /* 16 MB */
static unsigned char big2[8u << 20];       /* 8 MB */
static uint32_t table[4096] = {1, 2, 3, [100] = 0xdeadbeef, [4095] = 7};

int main(void)
{
    uint64_t nz = 0;
    for (size_t i = 0; i < sizeof big1 / sizeof big1[0]; i += 97) nz += big1[i] != 0;
    for (size_t i = 0; i < sizeof big2; i += 89) nz += big2[i] != 0;
    printf("nonzero samples in bss: %llu\n", (unsigned long long)nz);
    for (size_t i = 0; i < sizeof big1 / sizeof big1[0]; i++) big1[i] = (uint32_t)i * 2654435761u;
    for (size_t i = 0; i < sizeof big2; i++) big2[i] = (unsigned char)(i ^ (i >> 9));
    uint32_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < sizeof big1 / sizeof big1[0]; i++) s1 = s1 * 31 + big1[i];
    for (size_t i = 0; i < sizeof big2; i++) s2 += big2[i];
    printf("sum1=%08x sum2=%u\n", s1, s2);
    uint32_t ts = 0;
    for (int i = 0; i < 4096; i++) ts += table[i];
    printf("data table sum=%08x [100]=%08x [4095]=%u\n", ts, table[100], table[4095]);
    return 0;
}
