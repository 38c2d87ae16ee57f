/* control: loop/loope/loopne and jecxz iteration counts, enter/leave with
 * nesting levels 0-3 (stack contents printed relative to the frame), pushf/
 * popf round trip of CF and DF, the EFLAGS.ID toggle + cpuid presence (cpuid
 * results are NOT printed), and 16-bit push/pop (esp deltas, values). */
#include "insn.h"

static void loops(uint32_t n)
{
    uint32_t c = n, iters = 0;
    if (n) {
        __asm__ volatile("1:\n\tincl %1\n\tloop 1b" : "+c"(c), "+r"(iters) : : "cc");
        printf("loop 32 %08x -> %08x %08x flags=000\n", n, iters, c);
    }
    /* loope: continue while ZF=1; the body compares iters with 5 */
    c = n, iters = 0;
    if (n) {
        __asm__ volatile("1:\n\tincl %1\n\tcmpl $5, %1\n\tloopne 1b" : "+c"(c), "+r"(iters) : : "cc");
        printf("loopne 32 %08x -> %08x %08x flags=000\n", n, iters, c);
        c = n, iters = 0;
        __asm__ volatile("1:\n\tincl %1\n\ttestl $3, %1\n\tloope 1b" : "+c"(c), "+r"(iters) : : "cc");
        printf("loope 32 %08x -> %08x %08x flags=000\n", n, iters, c);
    }
    uint32_t taken;
    c = n;
    __asm__ volatile("movl $1, %0\n\tjecxz 1f\n\tmovl $0, %0\n1:" : "=&r"(taken) : "c"(c));
    printf("jecxz 32 %08x -> %08x flags=000\n", n, taken);
}

static uint32_t frame[64];
static uint32_t saved_esp, saved_ebp, out_esp, out_ebp, after_esp, after_ebp;

#define ENTER(fn, size, level)                                                              \
    static void fn(void)                                                                    \
    {                                                                                       \
        for (int i = 0; i < 64; i++) frame[i] = 0xf0000000u + i;                            \
        /* fake caller frame: ebp = &frame[48]; enter reads [ebp-4], [ebp-8], ... */         \
        __asm__ volatile("movl %%esp, %[se]\n\tmovl %%ebp, %[sb]\n\t"                         \
                         "leal %[f48], %%ebp\n\tleal %[f56], %%esp\n\t"                        \
                         "enter $" #size ", $" #level "\n\t"                                \
                         "movl %%esp, %[oe]\n\tmovl %%ebp, %[ob]\n\t"                         \
                         "leave\n\t"                                                        \
                         "movl %%esp, %[ae]\n\tmovl %%ebp, %[ab]\n\t"                         \
                         "movl %[se], %%esp\n\tmovl %[sb], %%ebp"                             \
                         : [se] "=m"(saved_esp), [sb] "=m"(saved_ebp), [oe] "=m"(out_esp),    \
                           [ob] "=m"(out_ebp), [ae] "=m"(after_esp), [ab] "=m"(after_ebp)     \
                         : [f48] "m"(frame[48]), [f56] "m"(frame[56]) : "memory");            \
        uint32_t base = (uint32_t)(uintptr_t)frame;                                         \
        printf("enter 32 %04x %02x -> %08x %08x %08x %08x", size, level, out_esp - base,    \
               out_ebp - base, after_esp - base, after_ebp - base);                         \
        for (int i = 40; i < 56; i++)                                                       \
            printf(" %08x", frame[i] >= base && frame[i] < base + 256 ? frame[i] - base : frame[i]); \
        printf(" flags=000\n");                                                             \
    }
ENTER(enter_0_0, 0, 0)
ENTER(enter_16_0, 16, 0)
ENTER(enter_8_1, 8, 1)
ENTER(enter_4_2, 4, 2)
ENTER(enter_12_3, 12, 3)

static void pushf_popf(uint32_t fin)
{
    uint32_t pushed, after;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tpushfl\n\tpopl %[p]\n\t"
                     "cld\n\tclc\n\t"
                     "pushl %[p]\n\tpopfl\n\tpushfl\n\tpopl %[a]\n\tcld"
                     : [p] "=&r"(pushed), [a] "=&r"(after) : [fin] "r"(fin) : "cc");
    printf("popf 32 %03x -> %03x %03x flags=%03x\n", fin & 0xcd5, pushed & 0xcd5, after & 0xcd5, after & FMASK);
}

static void cpuid_presence(void)
{
    uint32_t f1, f2;
    __asm__ volatile("pushfl\n\tpopl %%eax\n\tmovl %%eax, %%ecx\n\txorl $0x200000, %%eax\n\t"
                     "pushl %%eax\n\tpopfl\n\tpushfl\n\tpopl %%eax\n\tpushl %%ecx\n\tpopfl"
                     : "=a"(f1), "=c"(f2) : : "cc");
    int toggles = ((f1 ^ f2) & 0x200000) != 0;
    printf("id-flag toggles: %d\n", toggles);
    uint32_t a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    printf("cpuid executed: leaf0 max >= 1: %d\n", a >= 1);
}

static void push16(uint32_t v)
{
    uint32_t d1, d2, r16, r32;
    __asm__ volatile("movl %%esp, %[d1]\n\tpushw %w[v]\n\tmovl %%esp, %[d2]\n\tpopw %w[r]\n\t"
                     "subl %%esp, %[d1]\n\tsubl %%esp, %[d2]\n\tmovzwl %w[r], %[r]"
                     : [d1] "=&r"(d1), [d2] "=&r"(d2), [r] "=&r"(r16) : [v] "r"(v));
    printf("push 16 %04x -> %04x %08x %08x flags=000\n", v & 0xffff, r16, d1, d2);
    /* push a dword, pop it back as two words (little-endian: low word first) */
    uint32_t lo, hi;
    __asm__ volatile("pushl %[v]\n\tpopw %w[lo]\n\tpopw %w[hi]\n\tmovzwl %w[lo], %[lo]\n\tmovzwl %w[hi], %[hi]"
                     : [lo] "=&r"(lo), [hi] "=&r"(hi) : [v] "r"(v));
    printf("pop 16 %08x -> %04x %04x flags=000\n", v, lo, hi);
    __asm__ volatile("pushw $0x1234\n\tpushw %w[v]\n\tpopl %[r]" : [r] "=&r"(r32) : [v] "r"(v));
    printf("push 16 1234 %04x -> %08x flags=000\n", v & 0xffff, r32);
    __asm__ volatile("pushl $-2\n\tpopl %[r]" : [r] "=r"(r32));
    printf("push 32 fffffffe -> %08x flags=000\n", r32);
}

int main(void)
{
    static const uint32_t ns[] = {0, 1, 2, 3, 5, 8, 17, 100, 1000};
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) loops(ns[i]);
    enter_0_0();
    enter_16_0();
    enter_8_1();
    enter_4_2();
    enter_12_3();
    static const uint32_t fl[] = {0x002, 0x003, 0x402, 0x403, 0x8d7, 0xcd7, 0x0c6};
    for (unsigned i = 0; i < sizeof fl / sizeof fl[0]; i++) pushf_popf(fl[i]);
    cpuid_presence();
    uint32_t v[32];
    int n = make_values(32, 3, v);
    for (int i = 0; i < n; i++) push16(v[i]);
    return 0;
}
