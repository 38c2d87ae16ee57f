/* muldiv: mul and imul (one-operand 8/16/32 with AX / DX:AX / EDX:EAX
 * results; two-operand 16/32; three-operand with imm8 and imm32), div and
 * idiv 8/16/32 (dividend hi:lo, divisor; cases that would raise #DE are
 * skipped). One-operand results print high part first: e.g. "-> edx eax". */
#include "insn.h"

#define FL_IN FL_CLEAR

static void mul1(int size, const char *mn, int sgn, uint32_t a, uint32_t b)
{
    uint32_t f, lo, hi = 0;
    if (size == 8) {
        uint16_t ax = a & 0xff;
        if (sgn)
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\timulb %[b]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(ax), [f] "=&r"(f) : [b] "q"((uint8_t)b), [fin] "r"(FL_IN) : "cc");
        else
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tmulb %[b]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(ax), [f] "=&r"(f) : [b] "q"((uint8_t)b), [fin] "r"(FL_IN) : "cc");
        printf("%s 8 %02x %02x -> %04x flags=%03x\n", mn, a & 0xff, b & 0xff, ax, f & FMASK);
        return;
    }
    if (size == 16) {
        lo = a & 0xffff;
        hi = 0xdead;
        if (sgn)
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\timulw %[b]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(lo), "+d"(hi), [f] "=&r"(f) : [b] "r"((uint16_t)b), [fin] "r"(FL_IN) : "cc");
        else
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tmulw %[b]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(lo), "+d"(hi), [f] "=&r"(f) : [b] "r"((uint16_t)b), [fin] "r"(FL_IN) : "cc");
        printf("%s 16 %04x %04x -> %04x %04x flags=%03x\n", mn, a & 0xffff, b & 0xffff, hi & 0xffff, lo & 0xffff, f & FMASK);
        return;
    }
    lo = a;
    if (sgn)
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\timull %[b]\n\tpushfl\n\tpopl %[f]"
                         : "+a"(lo), "=d"(hi), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(FL_IN) : "cc");
    else
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tmull %[b]\n\tpushfl\n\tpopl %[f]"
                         : "+a"(lo), "=d"(hi), [f] "=&r"(f) : [b] "r"(b), [fin] "r"(FL_IN) : "cc");
    printf("%s 32 %08x %08x -> %08x %08x flags=%03x\n", mn, a, b, hi, lo, f & FMASK);
}

static void imul2(int size, uint32_t a, uint32_t b)
{
    uint32_t f;
    if (size == 16) {
        uint16_t x = a, y = b;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\timulw %[y], %[x]\n\tpushfl\n\tpopl %[f]"
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [fin] "r"(FL_IN) : "cc");
        printf("imul 16 %04x %04x -> %04x flags=%03x\n", a & 0xffff, b & 0xffff, x, f & FMASK);
    } else {
        uint32_t x = a;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\timull %[y], %[x]\n\tpushfl\n\tpopl %[f]"
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "rm"(b), [fin] "r"(FL_IN) : "cc");
        printf("imul 32 %08x %08x -> %08x flags=%03x\n", a, b, x, f & FMASK);
    }
}

#define IMUL3_32(name, imm)                                                               \
    static void name(uint32_t a)                                                          \
    {                                                                                     \
        uint32_t f, r;                                                                    \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\timull $" #imm ", %[a], %[r]\n\tpushfl\n\tpopl %[f]" \
                         : [r] "=r"(r), [f] "=&r"(f) : [a] "r"(a), [fin] "r"(FL_IN) : "cc"); \
        printf("imul 32 %08x %08x -> %08x flags=%03x\n", a, (uint32_t)(imm), r, f & FMASK); \
    }
#define IMUL3_16(name, imm)                                                               \
    static void name(uint32_t a)                                                          \
    {                                                                                     \
        uint32_t f;                                                                       \
        uint16_t r16;                                                                     \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\timulw $" #imm ", %[a], %[r]\n\tpushfl\n\tpopl %[f]" \
                         : [r] "=r"(r16), [f] "=&r"(f) : [a] "r"((uint16_t)a), [fin] "r"(FL_IN) : "cc"); \
        printf("imul 16 %04x %04x -> %04x flags=%03x\n", a & 0xffff, (uint32_t)(imm) & 0xffff, r16, f & FMASK); \
    }
/* imm8 (6B) and imm32/imm16 (69) encodings */
IMUL3_32(imul3_m1, -1)
IMUL3_32(imul3_7f, 127)
IMUL3_32(imul3_m80, -128)
IMUL3_32(imul3_3, 3)
IMUL3_32(imul3_big, 0x12345)
IMUL3_32(imul3_m10000, -0x10000)
IMUL3_32(imul3_7fff, 0x7fff)
IMUL3_16(imul3w_m1, -1)
IMUL3_16(imul3w_7f, 127)
IMUL3_16(imul3w_1234, 0x1234)
IMUL3_16(imul3w_m8000, -0x8000)

/* returns 0 when the division would fault (#DE) */
static int div_ok(int size, int sgn, uint32_t hi, uint32_t lo, uint32_t d)
{
    uint32_t m = size_mask(size);
    d &= m;
    if (d == 0) return 0;
    if (!sgn) {
        uint64_t n = size == 32 ? ((uint64_t)hi << 32 | lo) : ((uint64_t)(hi & m) << size | (lo & m));
        return n / d <= m;
    }
    int64_t n, dv;
    if (size == 32) { n = (int64_t)((uint64_t)hi << 32 | lo); dv = (int32_t)d; }
    else if (size == 16) { n = (int32_t)((hi & 0xffff) << 16 | (lo & 0xffff)); dv = (int16_t)d; }
    else { n = (int16_t)((hi & 0xff) << 8 | (lo & 0xff)); dv = (int8_t)d; }
    if (dv == -1 && n == INT64_MIN) return 0;
    int64_t q = n / dv;
    int64_t lim = (int64_t)1 << (size - 1);
    return q >= -lim && q < lim;
}

static void divide(int size, const char *mn, int sgn, uint32_t hi, uint32_t lo, uint32_t d)
{
    uint32_t f, m = size_mask(size);
    int w = W(size);
    if (size == 8) {
        uint16_t ax = (uint16_t)((hi & 0xff) << 8 | (lo & 0xff));
        uint16_t in = ax;
        if (sgn)
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tidivb %[d]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(ax), [f] "=&r"(f) : [d] "q"((uint8_t)d), [fin] "r"(FL_IN) : "cc");
        else
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tdivb %[d]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(ax), [f] "=&r"(f) : [d] "q"((uint8_t)d), [fin] "r"(FL_IN) : "cc");
        printf("%s 8 %04x %02x -> %02x %02x flags=%03x\n", mn, in, d & 0xff, ax & 0xff, ax >> 8, f & FMASK);
        return;
    }
    uint32_t a = lo & m, dx = hi & m;
    if (size == 16) {
        if (sgn)
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tidivw %[d]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(a), "+d"(dx), [f] "=&r"(f) : [d] "r"((uint16_t)d), [fin] "r"(FL_IN) : "cc");
        else
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tdivw %[d]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(a), "+d"(dx), [f] "=&r"(f) : [d] "r"((uint16_t)d), [fin] "r"(FL_IN) : "cc");
    } else {
        if (sgn)
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tidivl %[d]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(a), "+d"(dx), [f] "=&r"(f) : [d] "r"(d), [fin] "r"(FL_IN) : "cc");
        else
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tdivl %[d]\n\tpushfl\n\tpopl %[f]"
                             : "+a"(a), "+d"(dx), [f] "=&r"(f) : [d] "r"(d), [fin] "r"(FL_IN) : "cc");
    }
    printf("%s %d %0*x %0*x %0*x -> %0*x %0*x flags=%03x\n", mn, size, w, hi & m, w, lo & m, w, d & m,
           w, a & m, w, dx & m, f & FMASK);
}

int main(void)
{
    uint32_t v[32];
    for (int size = 8; size <= 32; size *= 2) {
        int n = make_values(size, 4, v);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                mul1(size, "mul", 0, v[i], v[j]);
                mul1(size, "imul", 1, v[i], v[j]);
                if (size != 8) imul2(size, v[i], v[j]);
            }
        for (int i = 0; i < n; i++)
            if (size == 32) {
                imul3_m1(v[i]); imul3_7f(v[i]); imul3_m80(v[i]); imul3_3(v[i]);
                imul3_big(v[i]); imul3_m10000(v[i]); imul3_7fff(v[i]);
            } else if (size == 16) {
                imul3w_m1(v[i]); imul3w_7f(v[i]); imul3w_1234(v[i]); imul3w_m8000(v[i]);
            }
        /* division: dividend high part from a few values, low part and divisor from all */
        uint32_t his[4] = {0, 1, 0xffffffffu, 0};
        his[3] = v[n - 1] >> (size / 2 + 1);
        for (int h = 0; h < 4; h++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    if (div_ok(size, 0, his[h], v[i], v[j])) divide(size, "div", 0, his[h], v[i], v[j]);
                    if (div_ok(size, 1, his[h], v[i], v[j])) divide(size, "idiv", 1, his[h], v[i], v[j]);
                }
    }
    return 0;
}
