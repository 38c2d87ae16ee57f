/* cond: setcc and cmovcc for all 16 conditions. (1) after loading each of
 * the 32 combinations of CF PF ZF SF OF with popf (operand = EFLAGS input);
 * (2) after cmp of 32-bit and 8-bit operand pairs (operands = cmp operands).
 * cmovcc 16/32-bit, register and memory source; cmov result is dst or src. */
#include "insn.h"

#define CC_LIST(X) X(o) X(no) X(b) X(ae) X(e) X(ne) X(be) X(a) X(s) X(ns) X(p) X(np) X(l) X(ge) X(le) X(g)

#define SET_FN(cc)                                                                          \
    static uint32_t set_##cc(uint32_t fin, uint32_t *fo)                                    \
    {                                                                                       \
        uint8_t r = 0xaa;                                                                   \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tset" #cc " %[r]\n\tpushfl\n\tpopl %[f]"   \
                         : [r] "+q"(r), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return r;                                                                           \
    }                                                                                       \
    static uint32_t setcmp32_##cc(uint32_t a, uint32_t b, uint32_t *fo)                     \
    {                                                                                       \
        uint8_t r;                                                                          \
        uint32_t f;                                                                         \
        __asm__ volatile("cmpl %[b], %[a]\n\tset" #cc " %[r]\n\tpushfl\n\tpopl %[f]"         \
                         : [r] "=q"(r), [f] "=&r"(f) : [a] "r"(a), [b] "r"(b) : "cc");       \
        *fo = f & FMASK;                                                                    \
        return r;                                                                           \
    }                                                                                       \
    static uint32_t setcmp8_##cc(uint32_t a, uint32_t b, uint32_t *fo)                      \
    {                                                                                       \
        static uint8_t m;                                                                   \
        uint32_t f;                                                                         \
        m = 0x55;                                                                           \
        __asm__ volatile("cmpb %[b], %[a]\n\tset" #cc " %[m]\n\tpushfl\n\tpopl %[f]"         \
                         : [m] "+m"(m), [f] "=&r"(f) : [a] "q"((uint8_t)a), [b] "q"((uint8_t)b) : "cc"); \
        *fo = f & FMASK;                                                                    \
        return m;                                                                           \
    }                                                                                       \
    static uint32_t cmov32_##cc(uint32_t fin, uint32_t d, uint32_t s, uint32_t *fo)         \
    {                                                                                       \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcmov" #cc "l %[s], %[d]\n\tpushfl\n\tpopl %[f]" \
                         : [d] "+r"(d), [f] "=&r"(f) : [s] "r"(s), [fin] "r"(fin) : "cc");   \
        *fo = f & FMASK;                                                                    \
        return d;                                                                           \
    }                                                                                       \
    static uint32_t cmov16m_##cc(uint32_t fin, uint32_t d, uint32_t s, uint32_t *fo)        \
    {                                                                                       \
        static uint16_t m;                                                                  \
        uint16_t x = d;                                                                     \
        uint32_t f;                                                                         \
        m = s;                                                                              \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcmov" #cc "w %[m], %[d]\n\tpushfl\n\tpopl %[f]" \
                         : [d] "+r"(x), [f] "=&r"(f) : [m] "m"(m), [fin] "r"(fin) : "cc");   \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }
#define COMMA_SEP(cc) SET_FN(cc)
CC_LIST(COMMA_SEP)

#define ENTRY(cc) {#cc, set_##cc, setcmp32_##cc, setcmp8_##cc, cmov32_##cc, cmov16m_##cc},
static const struct {
    const char *cc;
    uint32_t (*set)(uint32_t, uint32_t *);
    uint32_t (*setcmp32)(uint32_t, uint32_t, uint32_t *);
    uint32_t (*setcmp8)(uint32_t, uint32_t, uint32_t *);
    uint32_t (*cmov32)(uint32_t, uint32_t, uint32_t, uint32_t *);
    uint32_t (*cmov16m)(uint32_t, uint32_t, uint32_t, uint32_t *);
} conds[16] = {CC_LIST(ENTRY)};

int main(void)
{
    static const uint32_t bitsel[5] = {0x001, 0x004, 0x040, 0x080, 0x800}; /* CF PF ZF SF OF */
    uint32_t fl, r;
    for (int c = 0; c < 16; c++)
        for (int combo = 0; combo < 32; combo++) {
            uint32_t fin = 0x002 | ((combo & 1) ? 0x010 : 0); /* AF toggles too */
            for (int b = 0; b < 5; b++) if (combo >> b & 1) fin |= bitsel[b];
            r = conds[c].set(fin, &fl);
            printf("set%s 8 %03x -> %02x flags=%03x\n", conds[c].cc, fin & FMASK, r, fl);
            r = conds[c].cmov32(fin, 0x11111111u, 0x22222222u, &fl);
            printf("cmov%s 32 %03x 11111111 22222222 -> %08x flags=%03x\n", conds[c].cc, fin & FMASK, r, fl);
            if (combo % 3 == 0) {
                r = conds[c].cmov16m(fin, 0xaaaa, 0x5555, &fl);
                printf("cmov%s 16 %03x aaaa 5555 -> %04x flags=%03x\n", conds[c].cc, fin & FMASK, r, fl);
            }
        }
    static const uint32_t cv[] = {0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x80000001u, 0x7f, 0x80};
    for (int c = 0; c < 16; c++)
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++) {
                r = conds[c].setcmp32(cv[i], cv[j], &fl);
                printf("set%s 32 %08x %08x -> %02x flags=%03x\n", conds[c].cc, cv[i], cv[j], r, fl);
                if (j % 2 == 0) {
                    r = conds[c].setcmp8(cv[i] + 0x7e, cv[j], &fl);
                    printf("set%s 8 %02x %02x -> %02x flags=%03x\n", conds[c].cc, (cv[i] + 0x7e) & 0xff, cv[j] & 0xff, r, fl);
                }
            }
    return 0;
}
