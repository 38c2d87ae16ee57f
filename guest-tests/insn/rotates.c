/* rotates: rol ror rcl rcr with the count in CL over counts 0 1 2 7 8 15 16
 * 31 32 33 (masked to 5 bits; rcl/rcr 8/16-bit rotate modulo 9/17), in the
 * rotate-by-1 (D1) and imm8 (C0/C1, also on memory) encodings, with incoming
 * flags all clear and all set (printed as the last operand; CF is the carry-in
 * of rcl/rcr). */
#include "insn.h"

SH3(t_rol, "rol")
SH3(t_ror, "ror")
SH3(t_rcl, "rcl")
SH3(t_rcr, "rcr")

typedef uint32_t (*sh_t)(uint32_t, uint8_t, uint32_t, uint32_t *);
typedef uint32_t (*sh1_t)(uint32_t, uint32_t, uint32_t *);
static const struct {
    const char *mn;
    sh_t f[3];
    sh1_t by1, imm7_8, imm17_16, imm13_m32;
} ops[] = {
    {"rol", {t_rol_8, t_rol_16, t_rol_32}, t_rol_by1_32, t_rol_imm7_8, t_rol_imm17_16, t_rol_imm13_m32},
    {"ror", {t_ror_8, t_ror_16, t_ror_32}, t_ror_by1_32, t_ror_imm7_8, t_ror_imm17_16, t_ror_imm13_m32},
    {"rcl", {t_rcl_8, t_rcl_16, t_rcl_32}, t_rcl_by1_32, t_rcl_imm7_8, t_rcl_imm17_16, t_rcl_imm13_m32},
    {"rcr", {t_rcr_8, t_rcr_16, t_rcr_32}, t_rcr_by1_32, t_rcr_imm7_8, t_rcr_imm17_16, t_rcr_imm13_m32},
};
static const uint8_t counts[] = {0, 1, 2, 7, 8, 15, 16, 31, 32, 33};

int main(void)
{
    static const int sizes[3] = {8, 16, 32};
    uint32_t v[32], fl, r;
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++) {
        for (int si = 0; si < 3; si++) {
            int size = sizes[si], w = W(size);
            int n = make_values(size, 2, v);
            for (int fi = 0; fi < 2; fi++) {
                uint32_t fin = fi ? FL_ALL : FL_CLEAR;
                for (int i = 0; i < n; i++)
                    for (unsigned c = 0; c < sizeof counts; c++) {
                        r = ops[o].f[si](v[i], counts[c], fin, &fl);
                        printf("%s %d %0*x %02x %03x -> %0*x flags=%03x\n", ops[o].mn, size, w, v[i],
                               counts[c], fin & FMASK, w, r, fl);
                    }
            }
        }
        for (int size = 8; size <= 32; size += 8) {
            if (size == 24) continue;
            int n = make_values(size, 3, v);
            for (int fi = 0; fi < 2; fi++) {
                uint32_t fin = fi ? FL_ALL : FL_CLEAR;
                for (int i = 0; i < n; i++) {
                    if (size == 8) { r = ops[o].imm7_8(v[i], fin, &fl); printf("%s 8 %02x 07 %03x -> %02x flags=%03x\n", ops[o].mn, v[i], fin & FMASK, r, fl); }
                    if (size == 16) { r = ops[o].imm17_16(v[i], fin, &fl); printf("%s 16 %04x 11 %03x -> %04x flags=%03x\n", ops[o].mn, v[i], fin & FMASK, r, fl); }
                    if (size == 32) {
                        r = ops[o].by1(v[i], fin, &fl);
                        printf("%s 32 %08x 01 %03x -> %08x flags=%03x\n", ops[o].mn, v[i], fin & FMASK, r, fl);
                        r = ops[o].imm13_m32(v[i], fin, &fl);
                        printf("%s 32 %08x 0d %03x -> %08x flags=%03x\n", ops[o].mn, v[i], fin & FMASK, r, fl);
                    }
                }
            }
        }
    }
    return 0;
}
