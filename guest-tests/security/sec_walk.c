/*
 * sec_walk read|write [N]: a hot loop (hot enough to be translated in the
 * staged and bbt modes) that loads (or stores) 4 bytes per iteration at
 * base + (index & mask). For the first N iterations (default 12 million)
 * base is a 4 KiB static buffer and mask 0xffc; then, without leaving the
 * loop, base becomes the stack page of a local variable and mask ~0, so
 * the same instruction walks up the stack and across 0xC0000000. It must
 * die there: SIGSEGV, status 139, at address 0xc0000000 exactly (the walk
 * is 4-byte aligned from a page boundary). Stores write the index, which is
 * harmless: the loop keeps everything in registers and never returns.
 */
#include <stdlib.h>
#include <string.h>
#include "sec.h"

static unsigned buf[1024];

int main(int argc, char **argv)
{
    unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], 0, 0) : 12000000u;
    int store = argc > 1 && strcmp(argv[1], "write") == 0;
    unsigned local = 0;
    unsigned top = (unsigned)&local & ~0xfffu;
    out(store ? "sec_walk write\n" : "sec_walk read\n");
    if (store)
        __asm__ volatile(
            "1:  mov %%ecx, %%eax\n"
            "    and %%edi, %%eax\n"
            "    add %%esi, %%eax\n"
            "    mov %%ecx, (%%eax)\n"
            "    add $4, %%ecx\n"
            "    dec %%ebx\n"
            "    jnz 1b\n"
            "    mov %%edx, %%esi\n"
            "    mov $-1, %%edi\n"
            "    xor %%ecx, %%ecx\n"
            "    jmp 1b\n"
            : : "b"(n), "S"(buf), "D"(0xffc), "c"(0), "d"(top) : "eax", "memory");
    else
        __asm__ volatile(
            "1:  mov %%ecx, %%eax\n"
            "    and %%edi, %%eax\n"
            "    add %%esi, %%eax\n"
            "    mov (%%eax), %%eax\n"
            "    add $4, %%ecx\n"
            "    dec %%ebx\n"
            "    jnz 1b\n"
            "    mov %%edx, %%esi\n"
            "    mov $-1, %%edi\n"
            "    xor %%ecx, %%ecx\n"
            "    jmp 1b\n"
            : : "b"(n), "S"(buf), "D"(0xffc), "c"(0), "d"(top) : "eax", "memory");
    out("walk ended without a fault\n");
    return 1;
}
