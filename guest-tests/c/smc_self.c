/* smc_self: machine code in an RWX mmap region that rewrites itself while
 * it runs. Loop 1 increments the immediate of an `add eax, imm32` inside its
 * own hot loop; loop 2 rewrites the very next instruction on every iteration
 * (inc eax / dec eax), so a store lands in the block that is executing. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef unsigned (*fn_t)(unsigned count, void *base);

static const unsigned char imm_loop[] = {
    0x53,                         /* 00 push ebx */
    0x8b, 0x4c, 0x24, 0x08,       /* 01 mov ecx, [esp+8]  count */
    0x8b, 0x5c, 0x24, 0x0c,       /* 05 mov ebx, [esp+12] base */
    0x31, 0xc0,                   /* 09 xor eax, eax */
    0x05, 0x00, 0x00, 0x00, 0x00, /* 0b L: add eax, imm32 (imm at 0x0c) */
    0xff, 0x43, 0x0c,             /* 10 inc dword [ebx+0x0c] */
    0x49,                         /* 13 dec ecx */
    0x75, 0xf5,                   /* 14 jnz L */
    0x5b,                         /* 16 pop ebx */
    0xc3,                         /* 17 ret */
};

static const unsigned char toggle_loop[] = {
    0x53,                         /* 00 push ebx */
    0x8b, 0x4c, 0x24, 0x08,       /* 01 mov ecx, [esp+8] */
    0x8b, 0x5c, 0x24, 0x0c,       /* 05 mov ebx, [esp+12] */
    0x31, 0xc0,                   /* 09 xor eax, eax */
    0x89, 0xca,                   /* 0b L: mov edx, ecx */
    0x83, 0xe2, 0x01,             /* 0d and edx, 1 */
    0xc1, 0xe2, 0x03,             /* 10 shl edx, 3 */
    0x83, 0xc2, 0x40,             /* 13 add edx, 0x40 */
    0x88, 0x53, 0x1c,             /* 16 mov [ebx+0x1c], dl  (0x40 inc eax / 0x48 dec eax) */
    0x8d, 0x04, 0x40,             /* 19 lea eax, [eax+eax*2] */
    0x40,                         /* 1c inc eax (rewritten every iteration) */
    0x49,                         /* 1d dec ecx */
    0x75, 0xeb,                   /* 1e jnz L */
    0x5b,                         /* 20 pop ebx */
    0xc3,                         /* 21 ret */
};

int main(void)
{
    unsigned char *page = mmap(0, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    unsigned char *a = page, *b = page + 4096 - 16; /* the second loop straddles the page boundary */
    memcpy(a, imm_loop, sizeof imm_loop);
    memcpy(b, toggle_loop, sizeof toggle_loop);
    fn_t fa = (fn_t)a, fb = (fn_t)b;

    for (unsigned round = 0; round < 6; round++) {
        unsigned r = fa(40 + round * 30, a);
        unsigned imm = a[0x0c] | a[0x0d] << 8 | a[0x0e] << 16 | (unsigned)a[0x0f] << 24;
        printf("imm loop %u: eax=%u imm now %u\n", round, r, imm);
    }
    for (unsigned round = 0; round < 6; round++) {
        unsigned r = fb(31 + round * 17, b);
        printf("toggle loop %u: eax=%08x last opcode %02x\n", round, r, b[0x1c]);
    }
    /* Interleave: the two functions keep rewriting themselves and each other's pages. */
    unsigned acc = 0;
    for (unsigned k = 0; k < 100; k++) acc = acc * 7 + fa(k % 5 + 1, a) + fb(k % 3 + 2, b);
    printf("interleaved: %08x\n", acc);
    return 0;
}
