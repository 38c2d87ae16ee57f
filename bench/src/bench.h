/*
 * Shared by every cdvm benchmark: the size argument and a deterministic
 * pseudo-random generator, so no program reads input files.
 *   prog small | prog ref | prog <N>   (no argument = small)
 * Each program prints one or more "key=value" lines ending in a checksum;
 * bench/suite.json records the native output for each size.
 */
#ifndef CDVM_BENCH_H
#define CDVM_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline long bench_size(int argc, char **argv, long small, long ref)
{
    if (argc < 2 || strcmp(argv[1], "small") == 0) return small;
    if (strcmp(argv[1], "ref") == 0) return ref;
    long n = atol(argv[1]);
    return n > 0 ? n : small;
}

/* xorshift32: fixed seed per program, same sequence on every host. */
static uint32_t bench_rng = 2463534242u;
static inline uint32_t rnd(void)
{
    uint32_t x = bench_rng;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return bench_rng = x;
}

static inline uint32_t mix32(uint32_t h, uint32_t v)
{
    h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h;
}

#endif
