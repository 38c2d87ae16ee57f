/* shld_shrd: double-precision shifts shld/shrd, 32-bit with CL counts
 * 0..40 (masked to 5 bits) and imm8 9, 16-bit with CL counts 0..16 (larger
 * counts give undefined results), incoming flags all clear and all set
 * (printed as the last operand). Operands: dst src count flags-in. */
#include "insn.h"

/* shld/shrd dst, src, count: AT&T "shldl %cl, src, dst" */
#define DSH(name, op)                                                                        \
    static uint32_t name##_32(uint32_t d, uint32_t s, uint8_t c, uint32_t fin, uint32_t *fo) \
    {                                                                                        \
        uint32_t f;                                                                          \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %%cl, %[s], %[d]\n\tpushfl\n\tpopl %[f]" \
                         : [d] "+r"(d), [f] "=&r"(f) : [s] "r"(s), "c"(c), [fin] "r"(fin) : "cc"); \
        *fo = f & FMASK;                                                                     \
        return d;                                                                            \
    }                                                                                        \
    static uint32_t name##_16(uint32_t d, uint32_t s, uint8_t c, uint32_t fin, uint32_t *fo) \
    {                                                                                        \
        uint16_t x = d, y = s;                                                               \
        uint32_t f;                                                                          \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w %%cl, %[s], %[d]\n\tpushfl\n\tpopl %[f]" \
                         : [d] "+r"(x), [f] "=&r"(f) : [s] "r"(y), "c"(c), [fin] "r"(fin) : "cc"); \
        *fo = f & FMASK;                                                                     \
        return x;                                                                            \
    }                                                                                        \
    static uint32_t name##_imm9_32(uint32_t d, uint32_t s, uint32_t fin, uint32_t *fo)      \
    {                                                                                        \
        uint32_t f;                                                                          \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l $9, %[s], %[d]\n\tpushfl\n\tpopl %[f]" \
                         : [d] "+r"(d), [f] "=&r"(f) : [s] "r"(s), [fin] "r"(fin) : "cc");   \
        *fo = f & FMASK;                                                                     \
        return d;                                                                            \
    }

DSH(t_shld, "shld")
DSH(t_shrd, "shrd")

int main(void)
{
    static const uint32_t v[] = {0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0x12345678u, 0xc3a5f00fu};
    const int n = sizeof v / sizeof v[0];
    uint32_t fl, r;
    static const uint8_t dcounts[] = {0, 1, 3, 4, 8, 15, 16, 17, 24, 31, 32, 40};
    static const struct { const char *mn; uint32_t (*f32)(uint32_t, uint32_t, uint8_t, uint32_t, uint32_t *);
                          uint32_t (*f16)(uint32_t, uint32_t, uint8_t, uint32_t, uint32_t *);
                          uint32_t (*imm9)(uint32_t, uint32_t, uint32_t, uint32_t *); } d[] = {
        {"shld", t_shld_32, t_shld_16, t_shld_imm9_32}, {"shrd", t_shrd_32, t_shrd_16, t_shrd_imm9_32}};
    for (int k = 0; k < 2; k++) {
        static const uint32_t src[] = {0, 0xffffffffu, 0x80000001u, 0x12345678u};
        for (int fi = 0; fi < 2; fi++) {
            uint32_t fin = fi ? FL_ALL : FL_CLEAR;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < 4; j++) {
                    for (unsigned c = 0; c < sizeof dcounts; c++) {
                        r = d[k].f32(v[i], src[j], dcounts[c], fin, &fl);
                        printf("%s 32 %08x %08x %02x %03x -> %08x flags=%03x\n", d[k].mn, v[i], src[j], dcounts[c], fin & FMASK, r, fl);
                        /* 16-bit counts above 16 give undefined results: only 0..16 */
                        if (dcounts[c] <= 16) {
                            r = d[k].f16(v[i] & 0xffff, src[j] & 0xffff, dcounts[c], fin, &fl);
                            printf("%s 16 %04x %04x %02x %03x -> %04x flags=%03x\n", d[k].mn, v[i] & 0xffff, src[j] & 0xffff, dcounts[c], fin & FMASK, r, fl);
                        }
                    }
                    r = d[k].imm9(v[i], src[j], fin, &fl);
                    printf("%s 32 %08x %08x 09 %03x -> %08x flags=%03x\n", d[k].mn, v[i], src[j], fin & FMASK, r, fl);
                }
        }
    }
    return 0;
}
