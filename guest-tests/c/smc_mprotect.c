/* smc_mprotect: a JIT-style W^X cycle. Code is written while the page is
 * read+write, run while it is read+exec, rewritten after switching back to
 * read+write, and so on; in between, the page also goes PROT_NONE and back
 * to read+exec without changing. Every cycle's results are printed. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef unsigned (*fn_t)(unsigned, unsigned);

int main(void)
{
    unsigned char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    /* mov eax,[esp+4]; mov edx,[esp+8]; <op> eax,edx; add eax, imm32; ret */
    static const unsigned char ops[][2] = { {0x01, 0xd0}, {0x29, 0xd0}, {0x31, 0xd0}, {0x21, 0xd0}, {0x09, 0xd0}, {0x0f, 0xaf} };
    static const char *names[] = { "add", "sub", "xor", "and", "or", "imul" };
    fn_t f = (fn_t)page;
    for (unsigned cycle = 0; cycle < 30; cycle++) {
        unsigned op = cycle % 6, imm = cycle * 0x01000193u;
        if (mprotect(page, 4096, PROT_READ | PROT_WRITE) != 0) { printf("mprotect rw failed\n"); return 1; }
        unsigned char *c = page;
        *c++ = 0x8b; *c++ = 0x44; *c++ = 0x24; *c++ = 0x04;
        *c++ = 0x8b; *c++ = 0x54; *c++ = 0x24; *c++ = 0x08;
        *c++ = ops[op][0]; *c++ = ops[op][1];
        if (op == 5) *c++ = 0xc2; /* imul eax, edx */
        *c++ = 0x05; memcpy(c, &imm, 4); c += 4;
        *c++ = 0xc3;
        if (mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) { printf("mprotect rx failed\n"); return 1; }
        unsigned s = 0;
        for (unsigned k = 0; k < 400; k++) s = s * 17 + f(k * 2654435761u, s);
        if (cycle % 5 == 4) {
            /* away and back without a change: the same code must still run */
            if (mprotect(page, 4096, PROT_NONE) != 0 || mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) { printf("mprotect none failed\n"); return 1; }
            for (unsigned k = 0; k < 100; k++) s ^= f(k, cycle);
        }
        printf("cycle %2u %-4s imm=%08x: %08x\n", cycle, names[op], imm, s);
    }
    return 0;
}
