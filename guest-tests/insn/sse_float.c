/* sse_float: SSE/SSE2 floating-point instructions on raw bit patterns.
 * Scalar arithmetic lines (ss: 32-bit lanes, sd: 64-bit) print both sources
 * and, for each MXCSR setting of mxs[] (nearest, down, up, zero, FTZ, DAZ),
 * "result/flags" with flags = MXCSR & 0x3f (IE DE ZE OE UE PE) after the
 * instruction (cleared before it); a "!" marks a clobbered upper lane. Then:
 * random operands (near 1, and of any exponent) in the four rounding modes;
 * per operand pair the cmpss/cmpsd predicates 0-7 (and 0-1 under DAZ) as
 * "result/flags" and comiss/ucomiss (comisd/ucomisd) as "EFLAGS & 0x8d5/flags"
 * after loading all six flags set, without and with DAZ; conversions in every
 * mode; packed forms (register and aligned memory sources) in nearest and
 * toward zero; logic, shuffles, unpacks, moves, movmsk; MXCSR load/store;
 * fxsave/fxrstor; rcp/rsqrt (exact bits of special operands, others only
 * against the architectural 1.5 * 2^-12 relative error: implementations
 * differ). No line carries "flags=", so no flag is masked. Argument "fpe"
 * instead runs an unmasked divide-by-zero (SIGFPE), "align" a misaligned
 * movaps (SIGSEGV). */
#include "insn.h"
#include <string.h>
#include <math.h>

typedef struct { uint32_t u[4]; } __attribute__((aligned(16))) v128;

static const uint32_t f32v[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x3eaaaaab, 0x40400000, 0x3f800001, 0x4b800001,
    0x7f7fffff, 0xff7fffff, 0x00800000, 0x00800001, 0x007fffff, 0x00000001, 0x80400000, 0x1f800000,
    0x5f800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345, 0x7f800001, 0xff812345, 0x3fb504f3,
    0x33800000, 0x0c800000, 0x9f000001,
};
#define N32 (sizeof f32v / sizeof f32v[0])
static const uint64_t f64v[] = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff8000000000000ull,
    0x3fd5555555555555ull, 0x4008000000000000ull, 0x3ff0000000000001ull, 0x4340000000000001ull,
    0x7fefffffffffffffull, 0xffefffffffffffffull, 0x0010000000000000ull, 0x0010000000000001ull,
    0x000fffffffffffffull, 0x0000000000000001ull, 0x8008000000000000ull, 0x1ff0000000000000ull,
    0x5ff0000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
    0xfff8000000012345ull, 0x7ff0000000000001ull, 0xfff0000000012345ull, 0x3ff6a09e667f3bcdull,
    0x3ca0000000000000ull, 0x2000000000000000ull, 0xbfe0000000000001ull,
};
#define N64 (sizeof f64v / sizeof f64v[0])
/* nearest, down, up, zero, nearest+FTZ, nearest+DAZ */
static const uint32_t mxs[] = {0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0};
#define NMX (sizeof mxs / sizeof mxs[0])
#define ALL 0x3f
#define NODAZ 0x21 /* nearest and DAZ: min/max do not round */
static const uint32_t mx_default = 0x1f80;

typedef void (*xop)(v128 *, const v128 *, uint32_t *);

/* XASM(name, "asm"): xmm0 = *a, xmm1 = *b, MXCSR = *mx; "asm" runs; *a = xmm0, *mx = MXCSR.
 * XOP(name, "insn") runs "insn %xmm1, %xmm0"; XRAW(name, bytes) an instruction given as bytes, e.g. the
 * store (0f 11, 0f 29) forms of register moves. XOPM: "insn" with the second source read from memory
 * (*b, 16-byte aligned). */
#define XASM(name, text)                                                                                      \
    static void name(v128 *a, const v128 *b, uint32_t *mx)                                                   \
    {                                                                                                         \
        __asm__ volatile("ldmxcsr %[mx]\n\tmovaps %[a], %%xmm0\n\tmovaps %[b], %%xmm1\n\t" text "\n\t"           \
                         "stmxcsr %[mx]\n\tmovaps %%xmm0, %[a]\n\tldmxcsr %[def]"                             \
                         : [a] "+m"(*a), [mx] "+m"(*mx) : [b] "m"(*b), [def] "m"(mx_default) : "xmm0", "xmm1"); \
    }
#define XOP(name, insn) XASM(name, insn " %%xmm1, %%xmm0")
#define XRAW(name, bytes) XASM(name, ".byte " bytes)
#define XOPM(name, insn)                                                                                      \
    static void name(v128 *a, const v128 *b, uint32_t *mx)                                                   \
    {                                                                                                         \
        __asm__ volatile("ldmxcsr %[mx]\n\tmovaps %[a], %%xmm0\n\t" insn " %[b], %%xmm0\n\t"                   \
                         "stmxcsr %[mx]\n\tmovaps %%xmm0, %[a]\n\tldmxcsr %[def]"                             \
                         : [a] "+m"(*a), [mx] "+m"(*mx) : [b] "m"(*b), [def] "m"(mx_default) : "xmm0");        \
    }

XRAW(o_movss_st, "0xf3,0x0f,0x11,0xc8") XRAW(o_movsd_st, "0xf2,0x0f,0x11,0xc8") XRAW(o_movaps_st, "0x0f,0x29,0xc8")
XRAW(o_movupd_st, "0x66,0x0f,0x11,0xc8")

XOP(o_addss, "addss") XOP(o_subss, "subss") XOP(o_mulss, "mulss") XOP(o_divss, "divss")
XOP(o_minss, "minss") XOP(o_maxss, "maxss") XOP(o_sqrtss, "sqrtss")
XOP(o_addsd, "addsd") XOP(o_subsd, "subsd") XOP(o_mulsd, "mulsd") XOP(o_divsd, "divsd")
XOP(o_minsd, "minsd") XOP(o_maxsd, "maxsd") XOP(o_sqrtsd, "sqrtsd")
XOPM(o_addss_m, "addss") XOPM(o_mulsd_m, "mulsd") XOPM(o_sqrtss_m, "sqrtss") XOPM(o_divsd_m, "divsd")
XOP(o_addps, "addps") XOP(o_subps, "subps") XOP(o_mulps, "mulps") XOP(o_divps, "divps")
XOP(o_minps, "minps") XOP(o_maxps, "maxps") XOP(o_sqrtps, "sqrtps")
XOP(o_addpd, "addpd") XOP(o_subpd, "subpd") XOP(o_mulpd, "mulpd") XOP(o_divpd, "divpd")
XOP(o_minpd, "minpd") XOP(o_maxpd, "maxpd") XOP(o_sqrtpd, "sqrtpd")
XOPM(o_addps_m, "addps") XOPM(o_mulpd_m, "mulpd") XOPM(o_maxps_m, "maxps") XOPM(o_sqrtpd_m, "sqrtpd")
XOP(o_andps, "andps") XOP(o_andnps, "andnps") XOP(o_orps, "orps") XOP(o_xorps, "xorps")
XOP(o_andpd, "andpd") XOP(o_andnpd, "andnpd") XOP(o_orpd, "orpd") XOPM(o_xorpd_m, "xorpd")
XOP(o_unpcklps, "unpcklps") XOP(o_unpckhps, "unpckhps") XOP(o_unpcklpd, "unpcklpd") XOPM(o_unpckhpd_m, "unpckhpd")
XOP(o_shufps_1b, "shufps $0x1b,") XOP(o_shufps_e4, "shufps $0xe4,") XOPM(o_shufps_72, "shufps $0x72,")
XOP(o_shufpd_0, "shufpd $0,") XOP(o_shufpd_1, "shufpd $1,") XOP(o_shufpd_2, "shufpd $2,") XOPM(o_shufpd_3, "shufpd $3,")
XOP(o_movss, "movss") XOP(o_movsd, "movsd") XOPM(o_movss_m, "movss") XOPM(o_movsd_m, "movsd")
XOP(o_movhlps, "movhlps") XOP(o_movlhps, "movlhps") XOPM(o_movlps_m, "movlps") XOPM(o_movhps_m, "movhps")
XOPM(o_movlpd_m, "movlpd") XOPM(o_movhpd_m, "movhpd") XOP(o_movaps, "movaps") XOPM(o_movups_m, "movups")
XOP(o_rcpps, "rcpps") XOP(o_rcpss, "rcpss") XOP(o_rsqrtps, "rsqrtps") XOP(o_rsqrtss, "rsqrtss")
XOP(o_cvtss2sd, "cvtss2sd") XOP(o_cvtsd2ss, "cvtsd2ss") XOP(o_cvtps2pd, "cvtps2pd") XOP(o_cvtpd2ps, "cvtpd2ps")
XOP(o_cvtdq2ps, "cvtdq2ps") XOP(o_cvtps2dq, "cvtps2dq") XOP(o_cvttps2dq, "cvttps2dq")
XOP(o_cvtdq2pd, "cvtdq2pd") XOP(o_cvtpd2dq, "cvtpd2dq") XOP(o_cvttpd2dq, "cvttpd2dq")
XOPM(o_cvtps2pd_m, "cvtps2pd") XOPM(o_cvtdq2pd_m, "cvtdq2pd") XOPM(o_cvtss2sd_m, "cvtss2sd") XOPM(o_cvtpd2ps_m, "cvtpd2ps")

#define CMPI(k) XOP(o_cmpss_##k, "cmpss $" #k ",") XOP(o_cmpsd_##k, "cmpsd $" #k ",") \
    XOP(o_cmpps_##k, "cmpps $" #k ",") XOP(o_cmppd_##k, "cmppd $" #k ",")
CMPI(0) CMPI(1) CMPI(2) CMPI(3) CMPI(4) CMPI(5) CMPI(6) CMPI(7)

static void set32(v128 *v, uint32_t x, uint32_t fill) { v->u[0] = x; v->u[1] = fill; v->u[2] = fill + 1; v->u[3] = fill + 2; }
static void set64(v128 *v, uint64_t x, uint32_t fill) { v->u[0] = (uint32_t)x; v->u[1] = x >> 32; v->u[2] = fill; v->u[3] = fill + 1; }
static void pv(const v128 *v) { printf("%08x%08x%08x%08x", v->u[3], v->u[2], v->u[1], v->u[0]); }

static void p64(uint64_t x) { printf("%08x%08x", (uint32_t)(x >> 32), (uint32_t)x); }

/* Scalar op over value pairs (a, b): every step-th b from a's parity on, so
 * (a, a) is included; unary ops (b = 0) take a as their source. Columns: the
 * mxs[] settings in the bit mask cols. */
static void scalar32(const char *mn, xop f, unsigned step, unsigned cols)
{
    for (unsigned i = 0; i < N32; i++)
        for (unsigned j = step ? i % step : 0; j < (step ? N32 : 1); j += step ? step : 1) {
            uint32_t b = step ? f32v[j] : f32v[i];
            printf("%s 32 %08x %08x ->", mn, f32v[i], b);
            for (unsigned c = 0; c < NMX; c++) {
                if (!(cols >> c & 1)) continue;
                v128 va, vb;
                uint32_t mx = mxs[c];
                set32(&va, step ? f32v[i] : 0x01234567, 0x11111111);
                set32(&vb, b, 0x44444444);
                f(&va, &vb, &mx);
                printf(" %08x/%02x%s", va.u[0], mx & 0x3f, va.u[1] == 0x11111111 && va.u[3] == 0x11111113 ? "" : "!");
            }
            printf("\n");
        }
}

static void scalar64(const char *mn, xop f, unsigned step, unsigned cols)
{
    for (unsigned i = 0; i < N64; i++)
        for (unsigned j = step ? i % step : 0; j < (step ? N64 : 1); j += step ? step : 1) {
            uint64_t b = step ? f64v[j] : f64v[i];
            printf("%s 64 ", mn);
            p64(f64v[i]);
            printf(" ");
            p64(b);
            printf(" ->");
            for (unsigned c = 0; c < NMX; c++) {
                if (!(cols >> c & 1)) continue;
                v128 va, vb;
                uint32_t mx = mxs[c];
                set64(&va, step ? f64v[i] : 0x0123456789abcdefull, 0x11111111);
                set64(&vb, b, 0x44444444);
                f(&va, &vb, &mx);
                printf(" %08x%08x/%02x%s", va.u[1], va.u[0], mx & 0x3f, va.u[2] == 0x11111111 && va.u[3] == 0x11111112 ? "" : "!");
            }
            printf("\n");
        }
}

/* pseudo-random operands near 1 with random low bits (ties and exactness of the fast paths),
 * or with any exponent (wide: overflow, underflow and the fast paths' range limits) */
static uint32_t r32(int wide)
{
    uint32_t e = wide ? 1 + xs_next() % 0xfe : 0x70u + (xs_next() & 0x1f);
    return (xs_next() & 0x807fffffu) | (e << 23);
}
static uint64_t r64(int wide)
{
    uint64_t hi = xs_next(), lo = xs_next();
    uint64_t m = ((hi << 32) | lo) & 0x800fffffffffffffull;
    if (xs_next() & 1) m &= ~0xffffffull; /* short significands: exact products and quotients */
    uint64_t e = wide ? 1 + xs_next() % 0x7fe : 0x3e0 + (xs_next() & 0x3f);
    return m | e << 52;
}

static void random_ops(void)
{
    static const xop f32s[] = {o_addss, o_subss, o_mulss, o_divss, o_sqrtss};
    static const xop f64s[] = {o_addsd, o_subsd, o_mulsd, o_divsd, o_sqrtsd};
    static const char *names[] = {"add", "sub", "mul", "div", "sqrt"};
    xs_state = 0x9e3779b9u;
    for (int k = 0; k < 400; k++) {
        unsigned op = k % 5, wide = k / 5 % 2;
        uint32_t a = r32(wide), b = op == 4 ? r32(wide) & 0x7fffffffu : r32(wide);
        uint64_t c = r64(wide), d = op == 4 ? r64(wide) & 0x7fffffffffffffffull : r64(wide);
        if (k % 7 == 0) b = (b & 0xffff0000u) | 0x8000; /* tie candidates */
        printf("%sss 32 %08x %08x ->", names[op], a, b);
        for (unsigned m = 0; m < 4; m++) {
            v128 va, vb;
            uint32_t mx = mxs[m];
            set32(&va, op == 4 ? 0 : a, 0);
            set32(&vb, b, 0);
            f32s[op](&va, &vb, &mx);
            printf(" %08x/%02x", va.u[0], mx & 0x3f);
        }
        printf("\n%ssd 64 ", names[op]);
        p64(c);
        printf(" ");
        p64(d);
        printf(" ->");
        for (unsigned m = 0; m < 4; m++) {
            v128 va, vb;
            uint32_t mx = mxs[m];
            set64(&va, op == 4 ? 0 : c, 0);
            set64(&vb, d, 0);
            f64s[op](&va, &vb, &mx);
            printf(" %08x%08x/%02x", va.u[1], va.u[0], mx & 0x3f);
        }
        printf("\n");
    }
}

#define COMI(name, insn)                                                                                        \
    static uint32_t name(const v128 *a, const v128 *b, uint32_t *mx)                                          \
    {                                                                                                           \
        uint32_t f;                                                                                             \
        __asm__ volatile("ldmxcsr %[mx]\n\tmovaps %[a], %%xmm0\n\tmovaps %[b], %%xmm1\n\tpushl $0x8d7\n\tpopfl\n\t" \
                         insn " %%xmm1, %%xmm0\n\tpushfl\n\tpopl %[f]\n\tstmxcsr %[mx]\n\tldmxcsr %[def]"          \
                         : [mx] "+m"(*mx), [f] "=r"(f) : [a] "m"(*a), [b] "m"(*b), [def] "m"(mx_default)          \
                         : "xmm0", "xmm1", "cc");                                                               \
        return f & FMASK;                                                                                       \
    }
COMI(c_comiss, "comiss") COMI(c_ucomiss, "ucomiss") COMI(c_comisd, "comisd") COMI(c_ucomisd, "ucomisd")

/* One line per pair: cmpss/cmpsd predicates 0-7 as "result bit/flags" (DAZ: predicates
 * 0-1 again), then comis/ucomis "EFLAGS/flags" without and with DAZ. */
static void compare_pair(int dbl, unsigned i, unsigned j)
{
    static const xop cmps[2][8] = {{o_cmpss_0, o_cmpss_1, o_cmpss_2, o_cmpss_3, o_cmpss_4, o_cmpss_5, o_cmpss_6, o_cmpss_7},
                                   {o_cmpsd_0, o_cmpsd_1, o_cmpsd_2, o_cmpsd_3, o_cmpsd_4, o_cmpsd_5, o_cmpsd_6, o_cmpsd_7}};
    static uint32_t (*const comi[2][2])(const v128 *, const v128 *, uint32_t *) = {{c_comiss, c_ucomiss}, {c_comisd, c_ucomisd}};
    v128 a, b;
    if (dbl) {
        set64(&a, f64v[i], 0x11111111);
        set64(&b, f64v[j], 0x44444444);
        printf("cmpsd 64 ");
        p64(f64v[i]);
        printf(" ");
        p64(f64v[j]);
    } else {
        set32(&a, f32v[i], 0x11111111);
        set32(&b, f32v[j], 0x44444444);
        printf("cmpss 32 %08x %08x", f32v[i], f32v[j]);
    }
    printf(" ->");
    for (unsigned k = 0; k < 10; k++) {
        v128 r = a;
        uint32_t mx = k < 8 ? 0x1f80 : 0x1fc0;
        cmps[dbl][k & 7](&r, &b, &mx);
        uint32_t hi = dbl ? r.u[1] : r.u[0];
        printf(" %x/%02x", r.u[0] == 0xffffffffu && hi == 0xffffffffu ? 1 : (r.u[0] | hi) == 0 ? 0 : 9, mx & 0x3f);
    }
    for (unsigned k = 0; k < 4; k++) {
        uint32_t mx = k & 2 ? 0x1fc0 : 0x1f80, fl = comi[dbl][k & 1](&a, &b, &mx);
        printf(" %03x/%02x", fl, mx & 0x3f);
    }
    printf("\n");
}

static void compares(void)
{
    for (unsigned i = 0; i < N32; i++)
        for (unsigned j = i & 1; j < N32; j += 2) compare_pair(0, i, j);
    for (unsigned i = 0; i < N64; i++)
        for (unsigned j = i & 1; j < N64; j += 2) compare_pair(1, i, j);
}

/* float -> int conversions (cvt and cvtt, register source) in every rounding mode and with DAZ */
#define CVT2SI(name, insn)                                                                    \
    static uint32_t name(const v128 *a, uint32_t *mx)                                        \
    {                                                                                          \
        uint32_t r;                                                                            \
        __asm__ volatile("ldmxcsr %[mx]\n\tmovaps %[a], %%xmm0\n\t" insn " %%xmm0, %[r]\n\t"  \
                         "stmxcsr %[mx]\n\tldmxcsr %[def]"                                     \
                         : [mx] "+m"(*mx), [r] "=r"(r) : [a] "m"(*a), [def] "m"(mx_default) : "xmm0"); \
        return r;                                                                              \
    }
CVT2SI(i_cvtss2si, "cvtss2si") CVT2SI(i_cvttss2si, "cvttss2si") CVT2SI(i_cvtsd2si, "cvtsd2si") CVT2SI(i_cvttsd2si, "cvttsd2si")

/* One line's results of a float -> int pair: cvt in every MXCSR setting, then cvtt by default and with DAZ. */
static void to_int_results(uint32_t (*cvt)(const v128 *, uint32_t *), uint32_t (*cvtt)(const v128 *, uint32_t *), const v128 *va)
{
    for (unsigned c = 0; c < NMX; c++) {
        uint32_t mx = mxs[c], r = cvt(va, &mx);
        printf(" %08x/%02x", r, mx & 0x3f);
    }
    uint32_t mx = 0x1f80, r = cvtt(va, &mx);
    printf(" t:%08x/%02x", r, mx & 0x3f);
    mx = 0x1fc0;
    r = cvtt(va, &mx);
    printf(" %08x/%02x\n", r, mx & 0x3f);
}
#define SI2F(name, insn)                                                                                   \
    static void name(v128 *a, uint32_t x, uint32_t *mx)                                                   \
    {                                                                                                      \
        __asm__ volatile("ldmxcsr %[mx]\n\tmovaps %[a], %%xmm0\n\t" insn " %[x], %%xmm0\n\t"              \
                         "stmxcsr %[mx]\n\tmovaps %%xmm0, %[a]\n\tldmxcsr %[def]"                          \
                         : [a] "+m"(*a), [mx] "+m"(*mx) : [x] "r"(x), [def] "m"(mx_default) : "xmm0");     \
    }
SI2F(i_cvtsi2ss, "cvtsi2ssl") SI2F(i_cvtsi2sd, "cvtsi2sdl")

static const uint32_t cvt32[] = {0x3f000000, 0x3fc00000, 0x40200000, 0xbf000000, 0xbfc00000, 0xc0200000, 0x3effffff,
                                 0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x5f800000, 0x4b7fffff, 0xc1f80000};
static const uint64_t cvt64[] = {0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0xbfe0000000000000ull,
                                 0xbff8000000000000ull, 0xc004000000000000ull, 0x41dfffffffe00000ull, 0x41dfffffffffffffull,
                                 0x41e0000000000000ull, 0xc1e0000000000000ull, 0xc1e0000000100000ull, 0xc1e0000000200000ull,
                                 0x41dfffffffc00001ull, 0x3fdfffffffffffffull, 0x4330000000000001ull};
static const uint32_t ints[] = {0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x01000001u, 0x01000003u, 0xfefffffdu,
                                0x00ffffffu, 0x7fffffc0u, 0x7fffffbfu, 12345678u};

static void conversions(void)
{
    for (unsigned i = 0; i < N32 + sizeof cvt32 / 4; i++) {
        uint32_t x = i < N32 ? f32v[i] : cvt32[i - N32];
        v128 va;
        set32(&va, x, 0x11111111);
        printf("cvtss2si 32 %08x ->", x);
        to_int_results(i_cvtss2si, i_cvttss2si, &va);
        printf("cvtss2sd 32 %08x ->", x);
        for (unsigned c = 0; c < NMX; c++) {
            v128 vd, vs;
            uint32_t mx = mxs[c];
            set64(&vd, 0xdeadbeefcafef00dull, 0x11111111);
            set32(&vs, x, 0x22222222);
            o_cvtss2sd(&vd, &vs, &mx);
            printf(" %08x%08x/%02x%s", vd.u[1], vd.u[0], mx & 0x3f, vd.u[2] == 0x11111111 ? "" : "!");
        }
        printf("\n");
    }
    for (unsigned i = 0; i < N64 + sizeof cvt64 / 8; i++) {
        uint64_t x = i < N64 ? f64v[i] : cvt64[i - N64];
        v128 va;
        set64(&va, x, 0x11111111);
        printf("cvtsd2si 64 ");
        p64(x);
        printf(" ->");
        to_int_results(i_cvtsd2si, i_cvttsd2si, &va);
        printf("cvtsd2ss 64 ");
        p64(x);
        printf(" ->");
        for (unsigned c = 0; c < NMX; c++) {
            v128 vd, vs;
            uint32_t mx = mxs[c];
            set32(&vd, 0xcafef00d, 0x11111111);
            set64(&vs, x, 0x22222222);
            o_cvtsd2ss(&vd, &vs, &mx);
            printf(" %08x/%02x%s", vd.u[0], mx & 0x3f, vd.u[1] == 0x11111111 ? "" : "!");
        }
        printf("\n");
    }
    /* narrowing near the float limits: max, overflow threshold, min normal, tiny ties */
    static const uint64_t narrow[] = {0x47efffffe0000000ull, 0x47efffffefffffffull, 0x47effffff0000000ull, 0x380fffffe0000000ull,
                                      0x380ffffff0000000ull, 0x380fffffefffffffull, 0x3690000000000000ull, 0x3690000000000001ull,
                                      0x36a0000000000000ull, 0x3680000000000000ull, 0xb80fffffffffffffull, 0x3ff0000010000000ull,
                                      0x3ff0000030000000ull, 0x3ff0000010000001ull};
    for (unsigned i = 0; i < sizeof narrow / 8; i++) {
        printf("cvtsd2ss 64 ");
        p64(narrow[i]);
        printf(" ->");
        for (unsigned c = 0; c < NMX; c++) {
            v128 vd, vs;
            uint32_t mx = mxs[c];
            set32(&vd, 0, 0);
            set64(&vs, narrow[i], 0);
            o_cvtsd2ss(&vd, &vs, &mx);
            printf(" %08x/%02x", vd.u[0], mx & 0x3f);
        }
        printf("\n");
    }
    for (unsigned i = 0; i < sizeof ints / 4; i++) {
        printf("cvtsi2ss 32 %08x ->", ints[i]);
        for (unsigned c = 0; c < 4; c++) {
            v128 va;
            uint32_t mx = mxs[c];
            set32(&va, 0x12345678, 0x11111111);
            i_cvtsi2ss(&va, ints[i], &mx);
            printf(" %08x/%02x%s", va.u[0], mx & 0x3f, va.u[1] == 0x11111111 ? "" : "!");
        }
        v128 vb;
        uint32_t mx = 0x7f80;
        set64(&vb, 0x123456789ull, 0x11111111);
        i_cvtsi2sd(&vb, ints[i], &mx);
        printf(" sd:%08x%08x/%02x%s\n", vb.u[1], vb.u[0], mx & 0x3f, vb.u[2] == 0x11111111 ? "" : "!");
    }
}

/* packed forms: lanes taken from the value tables, results in nearest and toward zero */
struct pop { const char *mn; xop f; int dbl; };
static const struct pop packed[] = {
    {"addps", o_addps, 0}, {"subps", o_subps, 0}, {"mulps", o_mulps, 0}, {"divps", o_divps, 0}, {"minps", o_minps, 0},
    {"maxps", o_maxps, 0}, {"sqrtps", o_sqrtps, 0}, {"addps_m", o_addps_m, 0}, {"maxps_m", o_maxps_m, 0},
    {"addpd", o_addpd, 1}, {"subpd", o_subpd, 1}, {"mulpd", o_mulpd, 1}, {"divpd", o_divpd, 1}, {"minpd", o_minpd, 1},
    {"maxpd", o_maxpd, 1}, {"sqrtpd", o_sqrtpd, 1}, {"mulpd_m", o_mulpd_m, 1}, {"sqrtpd_m", o_sqrtpd_m, 1},
    {"cmpps0", o_cmpps_0, 0}, {"cmpps1", o_cmpps_1, 0}, {"cmpps2", o_cmpps_2, 0}, {"cmpps3", o_cmpps_3, 0},
    {"cmpps4", o_cmpps_4, 0}, {"cmpps5", o_cmpps_5, 0}, {"cmpps6", o_cmpps_6, 0}, {"cmpps7", o_cmpps_7, 0},
    {"cmppd0", o_cmppd_0, 1}, {"cmppd1", o_cmppd_1, 1}, {"cmppd2", o_cmppd_2, 1}, {"cmppd3", o_cmppd_3, 1},
    {"cmppd4", o_cmppd_4, 1}, {"cmppd5", o_cmppd_5, 1}, {"cmppd6", o_cmppd_6, 1}, {"cmppd7", o_cmppd_7, 1},
    {"cvtps2pd", o_cvtps2pd, 0}, {"cvtpd2ps", o_cvtpd2ps, 1}, {"cvtps2dq", o_cvtps2dq, 0}, {"cvttps2dq", o_cvttps2dq, 0},
    {"cvtpd2dq", o_cvtpd2dq, 1}, {"cvttpd2dq", o_cvttpd2dq, 1}, {"cvtps2pd_m", o_cvtps2pd_m, 0}, {"cvtpd2ps_m", o_cvtpd2ps_m, 1},
    {"cvtss2sd_m", o_cvtss2sd_m, 0}, {"addss_m", o_addss_m, 0}, {"mulsd_m", o_mulsd_m, 1}, {"sqrtss_m", o_sqrtss_m, 0},
    {"divsd_m", o_divsd_m, 1},
};

static void fill(v128 *v, int dbl, unsigned k)
{
    if (dbl) {
        uint64_t x = f64v[k % N64], y = f64v[(k * 5 + 3) % N64];
        v->u[0] = (uint32_t)x; v->u[1] = x >> 32; v->u[2] = (uint32_t)y; v->u[3] = y >> 32;
    } else
        for (unsigned l = 0; l < 4; l++) v->u[l] = f32v[(k + l * 7) % N32];
}

static void packed_ops(void)
{
    for (unsigned p = 0; p < sizeof packed / sizeof packed[0]; p++)
        for (unsigned k = 0; k < N32; k += 3) {
            v128 a, b;
            fill(&a, packed[p].dbl, k);
            fill(&b, packed[p].dbl, k * 3 + 1);
            printf("%s %d ", packed[p].mn, packed[p].dbl ? 64 : 32);
            pv(&a);
            printf(" ");
            pv(&b);
            printf(" ->");
            for (unsigned c = 0; c < 4; c += 3) {
                v128 r = a;
                uint32_t mx = mxs[c];
                packed[p].f(&r, &b, &mx);
                printf(" ");
                pv(&r);
                printf("/%02x", mx & 0x3f);
            }
            printf("\n");
        }
    static const uint32_t ivals[] = {0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x01000001u, 0xfefffffdu, 0x7fffffc0u};
    for (unsigned k = 0; k < 8; k++) {
        v128 a, b;
        for (unsigned l = 0; l < 4; l++) b.u[l] = ivals[(k + l * 3) % 8];
        set32(&a, 0x12345678, 0x9abcdef0);
        printf("cvtdq2ps 32 ");
        pv(&b);
        printf(" ->");
        for (unsigned c = 0; c < 4; c++) {
            v128 r = a;
            uint32_t mx = mxs[c];
            o_cvtdq2ps(&r, &b, &mx);
            printf(" ");
            pv(&r);
            printf("/%02x", mx & 0x3f);
        }
        v128 r = a;
        uint32_t mx = 0x1f80;
        o_cvtdq2pd(&r, &b, &mx);
        printf(" pd:");
        pv(&r);
        r = a;
        o_cvtdq2pd_m(&r, &b, &mx);
        printf(" ");
        pv(&r);
        printf("/%02x\n", mx & 0x3f);
    }
}

/* bitwise, shuffles, unpacks and moves on fixed patterns (no exceptions) */
static void data_ops(void)
{
    static const struct { const char *mn; xop f; } ops[] = {
        {"andps", o_andps}, {"andnps", o_andnps}, {"orps", o_orps}, {"xorps", o_xorps}, {"andpd", o_andpd},
        {"andnpd", o_andnpd}, {"orpd", o_orpd}, {"xorpd_m", o_xorpd_m}, {"unpcklps", o_unpcklps}, {"unpckhps", o_unpckhps},
        {"unpcklpd", o_unpcklpd}, {"unpckhpd_m", o_unpckhpd_m}, {"shufps_1b", o_shufps_1b}, {"shufps_e4", o_shufps_e4},
        {"shufps_72_m", o_shufps_72}, {"shufpd_0", o_shufpd_0}, {"shufpd_1", o_shufpd_1}, {"shufpd_2", o_shufpd_2},
        {"shufpd_3_m", o_shufpd_3}, {"movss", o_movss}, {"movsd", o_movsd}, {"movss_m", o_movss_m}, {"movsd_m", o_movsd_m},
        {"movhlps", o_movhlps}, {"movlhps", o_movlhps}, {"movlps_m", o_movlps_m}, {"movhps_m", o_movhps_m},
        {"movlpd_m", o_movlpd_m}, {"movhpd_m", o_movhpd_m}, {"movaps", o_movaps}, {"movups_m", o_movups_m},
        {"movss_st", o_movss_st}, {"movsd_st", o_movsd_st}, {"movaps_st", o_movaps_st}, {"movupd_st", o_movupd_st},
    };
    v128 a = {{0x0f0f3c3c, 0x12345678, 0xfedcba98, 0x80000001}}, b = {{0xff00ff00, 0x7fc00001, 0x00000000, 0xaaaa5555}};
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        v128 r = a;
        uint32_t mx = 0x1f80;
        ops[k].f(&r, &b, &mx);
        printf("%s 32 ", ops[k].mn);
        pv(&a);
        printf(" ");
        pv(&b);
        printf(" -> ");
        pv(&r);
        printf(" mxcsr=%04x\n", mx);
    }
    /* movmskps/movmskpd, movups/movupd/movntps/movntpd/movaps/movapd stores, movlps/movhps/movlpd/movhpd/movss/movsd stores */
    static const v128 masks[] = {{{0x80000000, 0x7fffffff, 0xffc00000, 0x00000001}}, {{0, 0x80000000, 0xffffffff, 0}},
                                 {{0x7fffffff, 0, 0x00000000, 0x80000000}}};
    for (unsigned k = 0; k < 3; k++) {
        uint32_t ps, pd;
        __asm__ volatile("movaps %[v], %%xmm3\n\tmovmskps %%xmm3, %[ps]\n\tmovmskpd %%xmm3, %[pd]"
                         : [ps] "=r"(ps), [pd] "=r"(pd) : [v] "m"(masks[k]) : "xmm3");
        printf("movmskps 32 ");
        pv(&masks[k]);
        printf(" -> %x %x\n", ps, pd);
    }
    static uint32_t buf[16] __attribute__((aligned(16)));
    for (unsigned k = 0; k < 16; k++) buf[k] = 0xeeeeee00u + k;
    __asm__ volatile("movaps %[a], %%xmm2\n\tmovups %%xmm2, 4(%[p])\n\tmovntps %%xmm2, 32(%[p])\n\tmovlps %%xmm2, 48(%[p])\n\t"
                     "movhps %%xmm2, 56(%[p])\n\tmovss %%xmm2, 24(%[p])\n\tmovsd %%xmm2, 0(%[p])\n\tmovhpd %%xmm2, 20(%[p])\n\t"
                     "movlpd %%xmm2, 40(%[p])\n\tsfence"
                     : : [a] "m"(a), [p] "r"(buf) : "xmm2", "memory");
    printf("stores 32 ->");
    for (unsigned k = 0; k < 16; k++) printf(" %08x", buf[k]);
    __asm__ volatile("movapd %[a], %%xmm2\n\tmovupd %%xmm2, 20(%[p])\n\tmovntpd %%xmm2, 48(%[p])\n\tmovapd %%xmm2, (%[p])\n\t"
                     "movupd 1(%[p]), %%xmm4\n\tmovupd %%xmm4, 32(%[p])"
                     : : [a] "m"(b), [p] "r"(buf) : "xmm2", "xmm4", "memory");
    printf("\nstores 32 ->");
    for (unsigned k = 0; k < 16; k++) printf(" %08x", buf[k]);
    printf("\n");
}

/* rcp/rsqrt: exact bits of special operands, and the relative error bound for ordinary ones */
static void approx(void)
{
    static const uint32_t sp[] = {0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345, 0x7f800001,
                                  0x00000001, 0x807fffff};
    for (unsigned k = 0; k < sizeof sp / 4; k++) {
        v128 a, b, r;
        uint32_t mx = 0x1f80;
        set32(&a, 0x11111111, 0x11111111);
        set32(&b, sp[k], 0x3f800000);
        r = a;
        o_rcpss(&r, &b, &mx);
        printf("rcpss 32 %08x -> %08x%s", sp[k], r.u[0], r.u[1] == 0x11111111 ? "" : "!");
        r = a;
        o_rsqrtss(&r, &b, &mx);
        printf(" rsqrtss %08x%s mxcsr=%04x\n", r.u[0], r.u[1] == 0x11111111 ? "" : "!", mx);
    }
    int ok = 0, n = 0;
    xs_state = 12345;
    for (int k = 0; k < 400; k++) {
        v128 a, r;
        uint32_t mx = 0x1f80;
        for (unsigned l = 0; l < 4; l++) a.u[l] = (xs_next() & 0x007fffffu) | ((0x50u + xs_next() % 0x5f) << 23);
        for (int s = 0; s < 2; s++) {
            r = a;
            (s ? o_rsqrtps : o_rcpps)(&r, &a, &mx);
            for (unsigned l = 0; l < 4; l++) {
                float x, y;
                memcpy(&x, &a.u[l], 4);
                memcpy(&y, &r.u[l], 4);
                double want = s ? 1.0 / sqrt((double)x) : 1.0 / (double)x;
                n++;
                ok += fabs(((double)y - want) / want) <= 1.5 / 4096;
            }
        }
        if (mx != 0x1f80) printf("rcp/rsqrt flags %04x\n", mx);
    }
    printf("rcpps/rsqrtps 32 within 1.5*2^-12: %d of %d\n", ok, n);
}

static void mxcsr_ops(void)
{
    static const uint32_t vals[] = {0x1f80, 0x0000, 0xffff, 0x1fbf, 0x7f80, 0x9fc0, 0x003f};
    for (unsigned k = 0; k < sizeof vals / 4; k++) {
        uint32_t in = vals[k], out;
        __asm__ volatile("ldmxcsr %[in]\n\tstmxcsr %[out]\n\tldmxcsr %[def]" : [out] "=m"(out) : [in] "m"(in), [def] "m"(mx_default));
        printf("ldmxcsr 32 %04x -> %08x\n", in, out);
    }
    /* sticky flags survive an exact operation; RC up applies to a packed add */
    v128 a = {{0x3f800000, 0x3f800000, 0, 0}}, b = {{0x33800001, 0x3f800000, 0, 0}};
    uint32_t mx = 0x5f91;
    o_addps(&a, &b, &mx);
    printf("addps 32 sticky -> ");
    pv(&a);
    printf(" mxcsr=%04x\n", mx);
    /* fxsave image: MXCSR and XMM0-7 (the MXCSR_MASK word is CPU specific; only its low 16 bits are printed) */
    static uint8_t img[512] __attribute__((aligned(16)));
    static const v128 pat[8] = {{{1, 2, 3, 4}}, {{5, 6, 7, 8}}, {{9, 10, 11, 12}}, {{13, 14, 15, 16}},
                                {{0x11, 0x12, 0x13, 0x14}}, {{0x15, 0x16, 0x17, 0x18}}, {{0x19, 0x1a, 0x1b, 0x1c}}, {{0x1d, 0x1e, 0x1f, 0x20}}};
    uint32_t mxin = 0x3fa1;
    __asm__ volatile("ldmxcsr %[mx]\n\tmovaps 0(%[p]), %%xmm0\n\tmovaps 16(%[p]), %%xmm1\n\tmovaps 32(%[p]), %%xmm2\n\t"
                     "movaps 48(%[p]), %%xmm3\n\tmovaps 64(%[p]), %%xmm4\n\tmovaps 80(%[p]), %%xmm5\n\tmovaps 96(%[p]), %%xmm6\n\t"
                     "movaps 112(%[p]), %%xmm7\n\tfxsave %[img]\n\tldmxcsr %[def]"
                     : [img] "=m"(img) : [p] "r"(pat), [mx] "m"(mxin), [def] "m"(mx_default)
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
    uint32_t w[40];
    memcpy(w, img + 160, sizeof w);
    memcpy(&mx, img + 24, 4);
    printf("fxsave 32 -> mxcsr=%08x mask=%04x xmm:", mx, img[28] | img[29] << 8);
    for (unsigned k = 0; k < 32; k++) printf(" %x", w[k]);
    printf("\n");
    /* fxrstor from a modified image: xmm1 and MXCSR change */
    img[24] = 0x80; img[25] = 0x7f;
    memset(img + 176, 0x5a, 16);
    v128 x1;
    __asm__ volatile("fxrstor %[img]\n\tmovaps %%xmm1, %[x]\n\tstmxcsr %[mx]\n\tldmxcsr %[def]"
                     : [x] "=m"(x1), [mx] "=m"(mx) : [img] "m"(img), [def] "m"(mx_default) : "xmm1");
    printf("fxrstor 32 -> mxcsr=%04x xmm1=", mx);
    pv(&x1);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "fpe") == 0) {
        v128 a = {{0x3f800000, 0, 0, 0}}, b = {{0, 0, 0, 0}};
        uint32_t mx = 0x1d80; /* ZM clear */
        printf("divss 32 3f800000 00000000 with ZM clear:\n");
        fflush(stdout);
        o_divss(&a, &b, &mx);
        printf("not reached\n");
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "align") == 0) {
        static uint8_t mis[32] __attribute__((aligned(16)));
        printf("movaps from a misaligned address:\n");
        fflush(stdout);
        __asm__ volatile("movaps 4(%[p]), %%xmm0" : : [p] "r"(mis) : "xmm0");
        printf("not reached\n");
        return 1;
    }
    scalar32("addss", o_addss, 1, ALL);
    scalar32("subss", o_subss, 2, ALL);
    scalar32("mulss", o_mulss, 2, ALL);
    scalar32("divss", o_divss, 2, ALL);
    scalar32("minss", o_minss, 3, NODAZ);
    scalar32("maxss", o_maxss, 3, NODAZ);
    scalar32("sqrtss", o_sqrtss, 0, ALL);
    scalar64("addsd", o_addsd, 2, ALL);
    scalar64("subsd", o_subsd, 3, ALL);
    scalar64("mulsd", o_mulsd, 2, ALL);
    scalar64("divsd", o_divsd, 3, ALL);
    scalar64("minsd", o_minsd, 3, NODAZ);
    scalar64("maxsd", o_maxsd, 3, NODAZ);
    scalar64("sqrtsd", o_sqrtsd, 0, ALL);
    random_ops();
    compares();
    conversions();
    packed_ops();
    data_ops();
    approx();
    mxcsr_ops();
    return 0;
}
