/* x87_ops: x87 instructions on raw 80-bit patterns. Lines:
 *   <op> 80 <cw> <a> <b> -> <result> sw=<status word> flags=<eflags & 0x8d5>
 * (values as sign/exponent:significand hex, results stored with fstpt,
 * sw read right after the instruction). Covers arithmetic under every
 * rounding and precision control, sqrt/frndint/fscale/fprem/fprem1/
 * f2xm1/fyl2x/fyl2xp1/fpatan, comparisons (C0-C3 and fcomi EFLAGS), fxam
 * classes, fist/fisttp/fst in every rounding mode, constants per rounding
 * mode, stack overflow/underflow and the fnstenv image. */
#include "insn.h"
#include <string.h>

typedef struct { uint64_t m; uint16_t se; } v80;
static const v80 vals[] = {
    {0x8000000000000000ull, 0x3fff}, /* 1 */
    {0xa000000000000000ull, 0xc000}, /* -2.5 */
    {0xaaaaaaaaaaaaaaabull, 0x3ffd}, /* 1/3 */
    {0xc90fdaa22168c235ull, 0x4000}, /* pi */
    {0x8000000000000001ull, 0x3fff}, /* 1 + 2^-63 */
    {0xffffffffffffffffull, 0x403e}, /* 2^64 - 1 */
    {0x0000000000000001ull, 0x0000}, /* smallest denormal */
    {0x8000000000000000ull, 0x0001}, /* smallest normal */
    {0xffffffffffffffffull, 0x7ffe}, /* max */
    {0x0000000000000000ull, 0x0000}, /* +0 */
    {0x0000000000000000ull, 0x8000}, /* -0 */
    {0x8000000000000000ull, 0x7fff}, /* +inf */
    {0x8000000000000000ull, 0xffff}, /* -inf */
    {0xc000000000000000ull, 0x7fff}, /* qnan */
    {0xa000000000000000ull, 0x7fff}, /* snan */
    {0xb504f333f9de6484ull, 0x3fff}, /* ~sqrt2 */
    {0xe000000000000000ull, 0x4005}, /* 112 */
    {0x9c40000000000000ull, 0xc00c}, /* -20000 */
    {0xfffffffffffff800ull, 0x3ffe}, /* 1 - 2^-53 */
    {0x8000000000000400ull, 0x3fff}, /* 1 + 2^-53 (tie for double) */
};
#define NV (sizeof vals / sizeof vals[0])
static const uint16_t cws[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x007f};

static void p80(const v80 *v) { printf("%04x%016llx", v->se, (unsigned long long)v->m); }

typedef void (*fn2)(const v80 *, const v80 *, v80 *, uint16_t *, uint16_t);
#define OP2(name, insn)                                                                             \
    static void name(const v80 *a, const v80 *b, v80 *r, uint16_t *sw, uint16_t cw)               \
    {                                                                                               \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn "\n\t"          \
                         "fnstsw %[sw]\n\tfstpt %[r]\n\tfninit"                                    \
                         : [r] "=m"(*r), [sw] "=m"(*sw) : [a] "m"(*a), [b] "m"(*b), [cw] "m"(cw)); \
    }
OP2(o_add, "fadd %%st(1), %%st")
OP2(o_sub, "fsub %%st(1), %%st")
OP2(o_subr, "fsubr %%st(1), %%st")
OP2(o_mul, "fmul %%st(1), %%st")
OP2(o_div, "fdiv %%st(1), %%st")
OP2(o_divr, "fdivr %%st(1), %%st")
OP2(o_sqrt, "fsqrt")
OP2(o_rndint, "frndint")
OP2(o_scale, "fscale")
OP2(o_prem, "fprem")
OP2(o_prem1, "fprem1")
OP2(o_f2xm1, "f2xm1")
OP2(o_yl2x, "fyl2x")
OP2(o_yl2xp1, "fyl2xp1")
OP2(o_patan, "fpatan")
OP2(o_chs, "fchs")
OP2(o_abs, "fabs")
OP2(o_addp, "faddp %%st, %%st(1)")
OP2(o_xch, "fxch %%st(1)")

/* Transcendental results (trans = 1) are printed rounded to double and
 * without C1: the x87 is not correctly rounded there, cdvm is (see fpu.ts). */
static void run2t(const char *mn, fn2 f, int allcw, int unary, int trans)
{
    for (unsigned c = 0; c < (allcw ? sizeof cws / sizeof cws[0] : 1); c++)
        for (unsigned i = 0; i < NV; i++)
            for (unsigned j = 0; j < (unary ? 1 : NV); j += unary ? 1 : 3) {
                v80 r = {0, 0};
                uint16_t sw = 0;
                const v80 *b = unary ? &vals[(i + 5) % NV] : &vals[j];
                f(&vals[i], b, &r, &sw, cws[c]);
                printf("%s 80 %04x ", mn, cws[c]);
                p80(&vals[i]);
                printf(" ");
                p80(b);
                printf(" -> ");
                if (trans) {
                    long double lr;
                    memcpy(&lr, &r, 10);
                    double d = (double)lr;
                    uint64_t bits;
                    memcpy(&bits, &d, 8);
                    printf("%016llx", (unsigned long long)bits);
                    sw &= ~0x200;
                } else
                    p80(&r);
                printf(" sw=%04x flags=000\n", sw);
            }
}
static void run2(const char *mn, fn2 f, int allcw, int unary) { run2t(mn, f, allcw, unary, 0); }

#define CMP(name, insn)                                                                                          \
    static void name(const v80 *a, const v80 *b, uint16_t *sw, uint32_t *fl)                                    \
    {                                                                                                            \
        uint32_t f;                                                                                              \
        __asm__ volatile("fninit\n\tfldt %[b]\n\tfldt %[a]\n\tpushl $0x8d7\n\tpopfl\n\t" insn "\n\tfnstsw %[sw]\n\t" \
                         "pushfl\n\tpopl %[f]\n\tfninit"                                                         \
                         : [sw] "=m"(*sw), [f] "=r"(f) : [a] "m"(*a), [b] "m"(*b) : "cc");                      \
        *fl = f & FMASK;                                                                                         \
    }
CMP(c_fcom, "fcom %%st(1)")
CMP(c_fucom, "fucom %%st(1)")
CMP(c_fcomi, "fcomi %%st(1), %%st")
CMP(c_fucomi, "fucomi %%st(1), %%st")
CMP(c_ftst, "ftst")
CMP(c_fxam, "fxam")
CMP(c_fcompp, "fcompp")

static void runcmp(const char *mn, void (*f)(const v80 *, const v80 *, uint16_t *, uint32_t *), int unary)
{
    for (unsigned i = 0; i < NV; i++)
        for (unsigned j = 0; j < (unary ? 1 : NV); j += 2) {
            uint16_t sw;
            uint32_t fl;
            f(&vals[i], &vals[j], &sw, &fl);
            printf("%s 80 ", mn);
            p80(&vals[i]);
            if (!unary) { printf(" "); p80(&vals[j]); }
            printf(" -> sw=%04x flags=%03x\n", sw, fl);
        }
}

static void stores(void)
{
    for (unsigned c = 0; c < 4; c++)
        for (unsigned i = 0; i < NV; i++) {
            v80 x = vals[i];
            int16_t w, wt;
            int32_t d, dt;
            int64_t q, qt;
            float fs;
            double fd;
            uint16_t s1, s2, s3, s4, s5;
            uint16_t cw = cws[c];
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\t"
                             "fldt %[x]\n\tfistps %[w]\n\tfnstsw %[s1]\n\t"
                             "fldt %[x]\n\tfistpl %[d]\n\tfnstsw %[s2]\n\t"
                             "fldt %[x]\n\tfistpll %[q]\n\tfnstsw %[s3]\n\t"
                             "fldt %[x]\n\tfstps %[fs]\n\tfnstsw %[s4]\n\t"
                             "fldt %[x]\n\tfstpl %[fd]\n\tfnstsw %[s5]\n\t"
                             "fldt %[x]\n\tfisttps %[wt]\n\tfldt %[x]\n\tfisttpl %[dt]\n\tfldt %[x]\n\tfisttpll %[qt]\n\tfninit"
                             : [w] "=m"(w), [d] "=m"(d), [q] "=m"(q), [fs] "=m"(fs), [fd] "=m"(fd), [wt] "=m"(wt), [dt] "=m"(dt),
                               [qt] "=m"(qt), [s1] "=m"(s1), [s2] "=m"(s2), [s3] "=m"(s3), [s4] "=m"(s4), [s5] "=m"(s5)
                             : [x] "m"(x), [cw] "m"(cw));
            uint32_t fsb;
            uint64_t fdb;
            memcpy(&fsb, &fs, 4);
            memcpy(&fdb, &fd, 8);
            printf("fist 80 %04x ", cw);
            p80(&x);
            printf(" -> %04x %08x %016llx sw=%04x %04x %04x flags=000\n", (uint16_t)w, (uint32_t)d, (unsigned long long)q, s1, s2, s3);
            printf("fst 80 %04x ", cw);
            p80(&x);
            printf(" -> %08x %016llx sw=%04x %04x flags=000\n", fsb, (unsigned long long)fdb, s4, s5);
            printf("fisttp 80 %04x ", cw);
            p80(&x);
            printf(" -> %04x %08x %016llx flags=000\n", (uint16_t)wt, (uint32_t)dt, (unsigned long long)qt);
        }
}

#define CONST(insn)                                                                                 \
    do {                                                                                            \
        v80 r;                                                                                      \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\t" insn "\n\tfstpt %[r]" : [r] "=m"(r) : [cw] "m"(cw)); \
        printf("%s 80 %04x -> ", insn, cw);                                                         \
        p80(&r);                                                                                    \
        printf(" flags=000\n");                                                                     \
    } while (0)

static void constants(void)
{
    for (unsigned c = 0; c < 4; c++) {
        uint16_t cw = cws[c];
        CONST("fld1"); CONST("fldz"); CONST("fldpi"); CONST("fldl2e"); CONST("fldl2t"); CONST("fldlg2"); CONST("fldln2");
    }
}

static void stack_and_env(void)
{
    v80 r[2];
    uint16_t sw1, sw2, sw3;
    uint32_t env[7];
    __asm__ volatile("fninit\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfldpi\n\tfnstsw %[s1]\n\t"
                     "fstpt %[r0]\n\tfninit\n\tfstpt %[r1]\n\tfnstsw %[s2]\n\tfninit\n\tfldz\n\tfld1\n\tfldpi\n\tfstp %%st(1)\n\t"
                     "fnstenv %[env]\n\tfnstsw %[s3]\n\tfninit"
                     : [r0] "=m"(r[0]), [r1] "=m"(r[1]), [s1] "=m"(sw1), [s2] "=m"(sw2), [s3] "=m"(sw3), [env] "=m"(env));
    printf("overflow 80 -> ");
    p80(&r[0]);
    printf(" sw=%04x flags=000\nunderflow 80 -> ", sw1);
    p80(&r[1]);
    printf(" sw=%04x flags=000\n", sw2);
    printf("fnstenv 32 -> %08x %08x %08x sw=%04x flags=000\n", env[0], env[1], env[2], sw3);
    /* fxtract and fsincos/fptan push a second value */
    for (unsigned i = 0; i < NV; i++) {
        v80 a = vals[i], s0, s1v;
        uint16_t sw;
        __asm__ volatile("fninit\n\tfldt %[a]\n\tfxtract\n\tfnstsw %[sw]\n\tfstpt %[s0]\n\tfstpt %[s1]\n\tfninit"
                         : [s0] "=m"(s0), [s1] "=m"(s1v), [sw] "=m"(sw) : [a] "m"(a));
        printf("fxtract 80 ");
        p80(&a);
        printf(" -> ");
        p80(&s0);
        printf(" ");
        p80(&s1v);
        printf(" sw=%04x flags=000\n", sw);
    }
}

int main(void)
{
    run2("fadd", o_add, 1, 0);
    run2("fsub", o_sub, 1, 0);
    run2("fsubr", o_subr, 0, 0);
    run2("fmul", o_mul, 1, 0);
    run2("fdiv", o_div, 1, 0);
    run2("fdivr", o_divr, 0, 0);
    run2("faddp", o_addp, 0, 0);
    run2("fsqrt", o_sqrt, 1, 1);
    run2("frndint", o_rndint, 1, 1);
    run2("fscale", o_scale, 0, 0);
    run2("fprem", o_prem, 0, 0);
    run2("fprem1", o_prem1, 0, 0);
    run2t("f2xm1", o_f2xm1, 0, 1, 1);
    run2t("fyl2x", o_yl2x, 0, 0, 1);
    run2t("fyl2xp1", o_yl2xp1, 0, 0, 1);
    run2t("fpatan", o_patan, 0, 0, 1);
    run2("fchs", o_chs, 0, 1);
    run2("fabs", o_abs, 0, 1);
    run2("fxch", o_xch, 0, 0);
    runcmp("fcom", c_fcom, 0);
    runcmp("fucom", c_fucom, 0);
    runcmp("fcomi", c_fcomi, 0);
    runcmp("fucomi", c_fucomi, 0);
    runcmp("fcompp", c_fcompp, 0);
    runcmp("ftst", c_ftst, 1);
    runcmp("fxam", c_fxam, 1);
    stores();
    constants();
    stack_and_env();
    return 0;
}
