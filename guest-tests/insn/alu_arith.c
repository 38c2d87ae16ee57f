/* alu_arith: add adc sub sbb cmp neg inc dec on 8/16/32-bit register operands
 * over edge values and xorshift values. adc/sbb/inc/dec run with incoming
 * flags all clear and all set; that EFLAGS input (&0x8d5) is printed as the
 * last operand. cmp prints its (unchanged) destination as the result. */
#include "insn.h"

BIN3(t_add, "add")
BIN3(t_adc, "adc")
BIN3(t_sub, "sub")
BIN3(t_sbb, "sbb")
BIN3(t_cmp, "cmp")
UN3(t_neg, "neg")
UN3(t_inc, "inc")
UN3(t_dec, "dec")

typedef uint32_t (*fn_t)(uint32_t, uint32_t, uint32_t, uint32_t *);
static const struct {
    const char *mn;
    fn_t f[3];
    int binary, flags_in;
} ops[] = {
    {"add", {t_add_8, t_add_16, t_add_32}, 1, 0},
    {"adc", {t_adc_8, t_adc_16, t_adc_32}, 1, 1},
    {"sub", {t_sub_8, t_sub_16, t_sub_32}, 1, 0},
    {"sbb", {t_sbb_8, t_sbb_16, t_sbb_32}, 1, 1},
    {"cmp", {t_cmp_8, t_cmp_16, t_cmp_32}, 1, 0},
    {"neg", {t_neg_8, t_neg_16, t_neg_32}, 0, 0},
    {"inc", {t_inc_8, t_inc_16, t_inc_32}, 0, 1},
    {"dec", {t_dec_8, t_dec_16, t_dec_32}, 0, 1},
};

/* memory-destination forms (32-bit) with a lock prefix where legal */
static uint32_t mem_add(uint32_t a, uint32_t b, uint32_t *fo)
{
    static uint32_t m;
    uint32_t f;
    m = a;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tlock addl %[y], %[m]\n\tpushfl\n\tpopl %[f]"
                     : [m] "+m"(m), [f] "=&r"(f) : [y] "r"(b), [fin] "r"(FL_CLEAR) : "cc");
    *fo = f & FMASK;
    return m;
}
static uint32_t mem_sbb(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)
{
    static uint16_t m;
    uint32_t f;
    m = a;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tsbbw %[y], %[m]\n\tpushfl\n\tpopl %[f]"
                     : [m] "+m"(m), [f] "=&r"(f) : [y] "r"((uint16_t)b), [fin] "r"(fin) : "cc");
    *fo = f & FMASK;
    return m;
}
/* immediate forms: 83 /0 ib (sign-extended imm8) and 05 id (eax, imm32) */
static uint32_t imm_add8(uint32_t a, uint32_t *fo)
{
    uint32_t f;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\taddl $-128, %[x]\n\tpushfl\n\tpopl %[f]"
                     : [x] "+r"(a), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc");
    *fo = f & FMASK;
    return a;
}
static uint32_t imm_sub32(uint32_t a, uint32_t *fo)
{
    uint32_t f;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tsubl $0x12345678, %[x]\n\tpushfl\n\tpopl %[f]"
                     : [x] "+a"(a), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc");
    *fo = f & FMASK;
    return a;
}

int main(void)
{
    static const int sizes[3] = {8, 16, 32};
    uint32_t v[32];
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        for (int si = 0; si < 3; si++) {
            int size = sizes[si], w = W(size);
            int n = make_values(size, size == 8 ? 4 : 5, v);
            for (int fi = 0; fi < (ops[o].flags_in ? 2 : 1); fi++) {
                uint32_t fin = fi ? FL_ALL : FL_CLEAR;
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < (ops[o].binary ? n : 1); j++) {
                        uint32_t fl, r = ops[o].f[si](v[i], v[j], fin, &fl);
                        printf("%s %d %0*x", ops[o].mn, size, w, v[i]);
                        if (ops[o].binary) printf(" %0*x", w, v[j]);
                        if (ops[o].flags_in) printf(" %03x", fin & FMASK);
                        printf(" -> %0*x flags=%03x\n", w, r, fl);
                    }
            }
        }
    }
    int n = make_values(32, 5, v);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j += 2) {
            uint32_t fl, r = mem_add(v[i], v[j], &fl);
            printf("add 32 %08x %08x -> %08x flags=%03x\n", v[i], v[j], r, fl);
            for (int fi = 0; fi < 2; fi++) {
                uint32_t fin = fi ? FL_ALL : FL_CLEAR;
                r = mem_sbb(v[i] & 0xffff, v[j] & 0xffff, fin, &fl);
                printf("sbb 16 %04x %04x %03x -> %04x flags=%03x\n", v[i] & 0xffff, v[j] & 0xffff, fin & FMASK, r, fl);
            }
        }
    for (int i = 0; i < n; i++) {
        uint32_t fl, r = imm_add8(v[i], &fl);
        printf("add 32 %08x ffffff80 -> %08x flags=%03x\n", v[i], r, fl);
        r = imm_sub32(v[i], &fl);
        printf("sub 32 %08x 12345678 -> %08x flags=%03x\n", v[i], r, fl);
    }
    return 0;
}
