/* crc32: table-driven CRC-32 (IEEE, reflected) over a 64 KiB buffer, N passes; each pass perturbs the buffer. */
#include "bench.h"

static uint32_t table[256];

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n, uint32_t crc)
{
    crc = ~crc;
    while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

int main(int argc, char **argv)
{
    long passes = bench_size(argc, argv, 24, 6000);
    static uint8_t buf[65536];
    make_table();
    if (crc32((const uint8_t *)"123456789", 9, 0) != 0xcbf43926u) { puts("crc32 self-check FAILED"); return 1; }
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)rnd();
    uint32_t acc = 0;
    for (long p = 0; p < passes; p++) {
        uint32_t c = crc32(buf, sizeof buf, acc);
        buf[c & 0xffff] ^= (uint8_t)(c >> 16);
        acc = mix32(acc, c);
    }
    printf("crc32 passes=%ld checksum=%08x\n", passes, acc);
    return 0;
}
