/* smc_patch_imm: code generated into an RWX mmap page and patched from C
 * while it is hot. A `mov eax, imm32; ret` function and an
 * `mov eax, [esp+4]; add eax, imm32; ret` function are called in loops (so a
 * translating VM translates them), then their immediates are rewritten and
 * they are called again; every phase prints its sum. The last phase rewrites
 * the whole function with a different instruction sequence. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef unsigned (*fn0_t)(void);
typedef unsigned (*fn1_t)(unsigned);

static void put32(volatile unsigned char *p, unsigned v)
{
    p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

int main(void)
{
    volatile unsigned char *page = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { printf("mmap failed\n"); return 1; }

    /* f0 at +0: mov eax, imm32; ret */
    static const unsigned char f0[] = { 0xb8, 0, 0, 0, 0, 0xc3 };
    /* f1 at +64: mov eax, [esp+4]; add eax, imm32; ret */
    static const unsigned char f1[] = { 0x8b, 0x44, 0x24, 0x04, 0x05, 0, 0, 0, 0, 0xc3 };
    memcpy((void *)page, f0, sizeof f0);
    memcpy((void *)(page + 64), f1, sizeof f1);
    fn0_t g0 = (fn0_t)(page);
    fn1_t g1 = (fn1_t)(page + 64);

    for (unsigned phase = 0; phase < 12; phase++) {
        put32(page + 1, 1000u * phase + 7);
        put32(page + 69, 0x01010101u * phase);
        unsigned s0 = 0, s1 = 0;
        for (unsigned k = 0; k < 500; k++) {
            s0 += g0();
            s1 = s1 * 3 + g1(k);
        }
        printf("phase %2u: imm=%u sum0=%u sum1=%08x\n", phase, 1000u * phase + 7, s0, s1);
    }

    /* Patch one byte at a time while the function stays hot: every call sees the newest byte. */
    unsigned s = 0;
    for (unsigned k = 0; k < 2000; k++) {
        page[1] = k & 0xff;
        s = s * 31 + g0();
    }
    printf("byte patches: %08x\n", s);

    /* Replace f0 with a longer function: mov eax,[esp+4]; imul eax,eax,imm8; xor eax,imm32; ret */
    static const unsigned char f2[] = { 0x8b, 0x44, 0x24, 0x04, 0x6b, 0xc0, 0x05, 0x35, 0x78, 0x56, 0x34, 0x12, 0xc3 };
    memcpy((void *)page, f2, sizeof f2);
    fn1_t g2 = (fn1_t)(page);
    s = 0;
    for (unsigned k = 0; k < 1000; k++) s += g2(k);
    printf("rewritten: %08x\n", s);
    for (unsigned m = 2; m < 10; m++) {
        page[6] = m;
        s = 0;
        for (unsigned k = 0; k < 300; k++) s ^= g2(k * 7 + m);
        printf("  imul by %u: %08x\n", m, s);
    }
    munmap((void *)page, 4096);
    return 0;
}
