/*
 * sec_jump call|jmp|ret|fnptr TARGET [N]: a hot loop that transfers control
 * through a register N times (default 12 million) to a harmless
 * continuation, then — same instruction, same translated block — to TARGET
 * (0, or a concealed address such as 0xc0000000, 0xc0010000, 0xc0120000):
 * "call *%eax", "jmp *%eax", "push %eax; ret", or a C call through a
 * function pointer read from a table. The guest must die with SIGSEGV
 * (status 139) fetching its instruction at TARGET, in every mode — never
 * run VMM memory as code or crash the VMM.
 */
#include <stdlib.h>
#include <string.h>
#include "sec.h"

static volatile unsigned ticks;
static void tick(void) { ticks++; }
static void (*volatile table[2])(void) = {tick, 0};

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "call";
    unsigned target = argc > 2 ? (unsigned)strtoul(argv[2], 0, 16) : 0;
    unsigned n = argc > 3 ? (unsigned)strtoul(argv[3], 0, 0) : 12000000u;
    outf("sec_jump %s %08x\n", kind, target);
    if (strcmp(kind, "call") == 0)
        __asm__ volatile(
            "1:  mov $3f, %%eax\n"
            "    dec %%ebx\n"
            "    cmovz %%esi, %%eax\n"
            "    call *%%eax\n"
            "    jmp 1b\n"
            "3:  ret\n"
            : "+b"(n) : "S"(target) : "eax", "memory");
    else if (strcmp(kind, "jmp") == 0)
        __asm__ volatile(
            "1:  mov $2f, %%eax\n"
            "    dec %%ebx\n"
            "    cmovz %%esi, %%eax\n"
            "    jmp *%%eax\n"
            "2:  jmp 1b\n"
            : "+b"(n) : "S"(target) : "eax", "memory");
    else if (strcmp(kind, "ret") == 0)
        __asm__ volatile(
            "1:  mov $2f, %%eax\n"
            "    dec %%ebx\n"
            "    cmovz %%esi, %%eax\n"
            "    push %%eax\n"
            "    ret\n"
            "2:  jmp 1b\n"
            : "+b"(n) : "S"(target) : "eax", "memory");
    else {
        unsigned i;
        table[1] = (void (*)(void))target;
        for (i = 0;; i++) table[i >= n]();
    }
    out("no fault\n");
    return 1;
}
