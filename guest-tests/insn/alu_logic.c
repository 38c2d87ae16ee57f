/* alu_logic: and or xor test not on 8/16/32-bit register operands over edge
 * and xorshift values (incoming flags all set, so that "not", which changes
 * no flags, must show them unchanged), plus memory and immediate forms. */
#include "insn.h"

BIN3(t_and, "and")
BIN3(t_or, "or")
BIN3(t_xor, "xor")
BIN3(t_test, "test")
UN3(t_not, "not")

typedef uint32_t (*fn_t)(uint32_t, uint32_t, uint32_t, uint32_t *);
static const struct {
    const char *mn;
    fn_t f[3];
    int binary;
} ops[] = {
    {"and", {t_and_8, t_and_16, t_and_32}, 1},
    {"or", {t_or_8, t_or_16, t_or_32}, 1},
    {"xor", {t_xor_8, t_xor_16, t_xor_32}, 1},
    {"test", {t_test_8, t_test_16, t_test_32}, 1},
    {"not", {t_not_8, t_not_16, t_not_32}, 0},
};

static uint32_t mem_xor8(uint32_t a, uint32_t b, uint32_t *fo)
{
    static uint8_t m;
    uint32_t f;
    m = a;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\txorb %[y], %[m]\n\tpushfl\n\tpopl %[f]"
                     : [m] "+m"(m), [f] "=&r"(f) : [y] "q"((uint8_t)b), [fin] "r"(FL_ALL) : "cc");
    *fo = f & FMASK;
    return m;
}
static uint32_t imm_and16(uint32_t a, uint32_t *fo)
{
    uint16_t x = a;
    uint32_t f;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tandw $0xf00f, %[x]\n\tpushfl\n\tpopl %[f]"
                     : [x] "+r"(x), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc");
    *fo = f & FMASK;
    return x;
}
static uint32_t imm_test8(uint32_t a, uint32_t *fo)
{
    uint8_t x = a;
    uint32_t f;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\ttestb $0x81, %[x]\n\tpushfl\n\tpopl %[f]"
                     : [x] "+a"(x), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc");
    *fo = f & FMASK;
    return x;
}

int main(void)
{
    static const int sizes[3] = {8, 16, 32};
    uint32_t v[32];
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (int si = 0; si < 3; si++) {
            int size = sizes[si], w = W(size);
            int n = make_values(size, size == 8 ? 4 : 5, v);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < (ops[o].binary ? n : 1); j++) {
                    uint32_t fl, r = ops[o].f[si](v[i], v[j], FL_ALL, &fl);
                    printf("%s %d %0*x", ops[o].mn, size, w, v[i]);
                    if (ops[o].binary) printf(" %0*x", w, v[j]);
                    printf(" -> %0*x flags=%03x\n", w, r, fl);
                }
        }
    int n = make_values(32, 8, v);
    for (int i = 0; i < n; i++) {
        uint32_t fl, r;
        for (int j = 0; j < n; j += 3) {
            r = mem_xor8(v[i] & 0xff, v[j] & 0xff, &fl);
            printf("xor 8 %02x %02x -> %02x flags=%03x\n", v[i] & 0xff, v[j] & 0xff, r, fl);
        }
        r = imm_and16(v[i] & 0xffff, &fl);
        printf("and 16 %04x f00f -> %04x flags=%03x\n", v[i] & 0xffff, r, fl);
        r = imm_test8(v[i] & 0xff, &fl);
        printf("test 8 %02x 81 -> %02x flags=%03x\n", v[i] & 0xff, r, fl);
    }
    return 0;
}
