/* sse_mmx: MMX instructions (and the SSE and SSE2 additions to them) on MMX
 * registers, and the registers' aliasing with the x87 unit. Lines:
 *   <op> 64 <form> <operands...> -> <result>
 * with 64-bit values as 16 hex digits, most significant byte first (the
 * operand values of the first lines, "val <n> <value>", by number), and
 * form mm (register source), m64/m32 (memory source or destination), r32
 * (general register), imm8 or a count. Covers every lane-wise op, packs and
 * unpacks, psadbw/pmaddwd/pmuludq/paddq/psubq, shifts by mm, m64 and imm8
 * counts, pshufw, pmovmskb, pextrw/pinsrw, movd/movq both ways, movntq,
 * maskmovq, movq2dq/movdq2q, the conversions between MMX and XMM lanes
 * (cvtpi2ps/pd, cvt(t)ps2pi, cvt(t)pd2pi); then the x87 state after MMX code (tag word,
 * TOP, the exponent field of a written register) and after emms. */
#include "insn.h"
#include <string.h>

typedef union {
    uint8_t b[8];
    uint16_t w[4];
    uint32_t d[2];
    uint64_t q;
} mm;

#define NV 12
static mm vals[NV];

static void pq(uint64_t v) { printf("%016llx", (unsigned long long)v); }

static void init_vals(void)
{
    static const uint8_t e8[8] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x81, 0x55};
    static const uint16_t e16[4] = {0x0001, 0x7fff, 0x8000, 0xffff};
    memset(vals, 0, sizeof vals);
    vals[1].q = ~0ull;
    vals[2].q = 0x7f7f7f7f7f7f7f7full;
    vals[3].q = 0x8080808080808080ull;
    for (int k = 0; k < 8; k++) { vals[4].b[k] = e8[k]; vals[5].b[k] = e8[(k * 3 + 5) & 7]; }
    for (int k = 0; k < 4; k++) { vals[6].w[k] = e16[k]; vals[7].w[k] = e16[(k + 2) & 3] ^ (k == 1); }
    vals[8].d[0] = 0x7fffffffu; vals[8].d[1] = 0x80000000u;
    xs_state = 0x9e3779b9u;
    for (int i = 9; i < NV; i++) { vals[i].d[0] = xs_next(); vals[i].d[1] = xs_next(); }
    for (int i = 0; i < NV; i++) { printf("val %d ", i); pq(vals[i].q); printf("\n"); }
}

/* ---- two-operand ops: dst = dst op src ---- */
typedef void (*bin_fn)(mm *, const mm *);
#define BIN(op)                                                                                             \
    static void x_##op(mm *r, const mm *b) { __asm__(#op " %[b], %[r]" : [r] "+y"(r->q) : [b] "y"(b->q)); } \
    static void m_##op(mm *r, const mm *b) { __asm__(#op " %[b], %[r]" : [r] "+y"(r->q) : [b] "m"(*b)); }
#define BINOPS(X) SHARED_INT_BINOPS(X)
BINOPS(BIN)
#define BIN_ENTRY(op) {#op, x_##op, m_##op},
static const struct { const char *mn; bin_fn x, m; } binops[] = {BINOPS(BIN_ENTRY)};

static void run_bin(void)
{
    for (unsigned o = 0; o < sizeof binops / sizeof binops[0]; o++)
        for (int i = 0; i < NV; i++)
            for (int k = 0; k < 3; k++) {
                int mem = k == 2, j = (i + (k == 0 ? 1 : k == 1 ? 5 : 7)) % NV;
                mm r = vals[i];
                (mem ? binops[o].m : binops[o].x)(&r, &vals[j]);
                printf("%s 64 %s %d %d -> ", binops[o].mn, mem ? "m64" : "mm", i, j);
                pq(r.q); printf("\n");
            }
    __asm__ volatile("emms");
}

/* ---- shifts: by mm/m64 count, by imm8 ---- */
#define SHIFTOPS(X) SHARED_SHIFTOPS(X)
SHIFTOPS(BIN)
#define IMMS(X, op) X(op, 0) X(op, 1) X(op, 7) X(op, 15) X(op, 16) X(op, 31) X(op, 32) X(op, 63) X(op, 64) X(op, 255)
static const int imms[] = {0, 1, 7, 15, 16, 31, 32, 63, 64, 255};
#define IMM_CASE(op, n) case n: __asm__(#op " $" #n ", %[r]" : [r] "+y"(r->q)); break;
#define IMM_SHIFT(op) static void i_##op(mm *r, int n) { switch (n) { IMMS(IMM_CASE, op) } }
SHIFTOPS(IMM_SHIFT)
#define SHIFT_ENTRY(op) {#op, x_##op, m_##op, i_##op},
static const struct { const char *mn; bin_fn x, m; void (*i)(mm *, int); } shops[] = {SHIFTOPS(SHIFT_ENTRY)};

static void run_shifts(void)
{
    static const uint64_t counts[] = {0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 0x100000000ull};
    static const int srcs[] = {4, 6, 8, 10};
    for (unsigned o = 0; o < sizeof shops / sizeof shops[0]; o++)
        for (unsigned s = 0; s < sizeof srcs / sizeof srcs[0]; s++) {
            for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                mm cnt, r = vals[srcs[s]];
                cnt.q = counts[c];
                int mem = c % 3 == 2;
                (mem ? shops[o].m : shops[o].x)(&r, &cnt);
                printf("%s 64 %s %d %llx -> ", shops[o].mn, mem ? "m64" : "mm", srcs[s], (unsigned long long)counts[c]);
                pq(r.q); printf("\n");
            }
            for (unsigned c = 0; c < sizeof imms / sizeof imms[0]; c++) {
                mm r = vals[srcs[s]];
                shops[o].i(&r, imms[c]);
                printf("%s 64 imm8 %d %02x -> ", shops[o].mn, srcs[s], imms[c]);
                pq(r.q); printf("\n");
            }
        }
    __asm__ volatile("emms");
}

/* ---- pshufw, pmovmskb, pextrw, pinsrw ---- */
#define SHUFS(X) X(0x00) X(0x1b) X(0xe4) X(0x4e) X(0xb1) X(0xff) X(0x39)
#define SHUF_CASE(n) \
    case n: \
        if (mem) { __asm__("pshufw $" #n ", %[b], %[r]" : [r] "=y"(r) : [b] "m"(*b)); } \
        else { __asm__("pshufw $" #n ", %[b], %[r]" : [r] "=y"(r) : [b] "y"(b->q)); } \
        break;
static uint64_t pshufw(const mm *b, int n, int mem) { uint64_t r = 0; switch (n) { SHUFS(SHUF_CASE) } return r; }
static const int shimms[] = {0x00, 0x1b, 0xe4, 0x4e, 0xb1, 0xff, 0x39};

#define LANE_CASE(n) \
    case n: __asm__("pextrw $" #n ", %[b], %[r]" : [r] "=r"(x) : [b] "y"(b->q)); \
            __asm__("pinsrw $" #n ", %[v], %[r]" : [r] "+y"(ins) : [v] "r"(v)); \
            __asm__("pinsrw $" #n ", %[v], %[r]" : [r] "+y"(insm) : [v] "m"(v16)); break;

static void run_misc(void)
{
    for (int i = 0; i < NV; i++) {
        for (unsigned k = 0; k < sizeof shimms / sizeof shimms[0]; k++)
            for (int mem = 0; mem < 2; mem++) {
                printf("pshufw 64 %s %d %02x -> ", mem ? "m64" : "mm", i, shimms[k]);
                pq(pshufw(&vals[i], shimms[k], mem)); printf("\n");
            }
        uint32_t mask;
        __asm__("pmovmskb %[b], %[r]" : [r] "=r"(mask) : [b] "y"(vals[i].q));
        printf("pmovmskb 64 mm %d -> %02x\n", i, mask);
        for (int n = 0; n < 8; n++) {
            const mm *b = &vals[i];
            uint32_t x = 0, v = 0xabcd0000u | (uint32_t)(n * 0x1111);
            uint16_t v16 = (uint16_t)(v ^ 0x5a5a);
            uint64_t ins = vals[(i + 3) % NV].q, insm = ins;
            switch (n) { LANE_CASE(0) LANE_CASE(1) LANE_CASE(2) LANE_CASE(3) LANE_CASE(4) LANE_CASE(5) LANE_CASE(6) LANE_CASE(7) }
            printf("pextrw/pinsrw 64 imm8 %d %d -> %04x ", i, n, x);
            pq(ins); printf(" "); pq(insm); printf("\n");
        }
    }
    __asm__ volatile("emms");
}

/* ---- moves ---- */
static void run_moves(void)
{
    for (int i = 0; i < NV; i++) {
        uint64_t r, m64 = 0;
        uint32_t d, m32 = 0x11111111u;
        __asm__("movd %[s], %[r]" : [r] "=y"(r) : [s] "r"(vals[i].d[1]));
        printf("movd 64 r32->mm %d -> ", i); pq(r); printf("\n");
        __asm__("movd %[s], %[r]" : [r] "=y"(r) : [s] "m"(vals[i].d[0]));
        printf("movd 64 m32->mm %d -> ", i); pq(r); printf("\n");
        __asm__("movd %[s], %[r]" : [r] "=r"(d) : [s] "y"(vals[i].q));
        __asm__("movd %[s], %[r]" : [r] "=m"(m32) : [s] "y"(vals[(i + 1) % NV].q));
        printf("movd 64 mm->r32/m32 %d -> %08x %08x\n", i, d, m32);
        __asm__("movq %[s], %[r]" : [r] "=y"(r) : [s] "m"(vals[i]));
        __asm__("movq %[s], %[r]" : [r] "=m"(m64) : [s] "y"(r));
        printf("movq 64 m64->mm->m64 %d -> ", i); pq(m64); printf("\n");
        __asm__("movntq %[s], %[r]" : [r] "=m"(m64) : [s] "y"(vals[(i + 2) % NV].q));
        printf("movntq 64 m64 %d -> ", i); pq(m64); printf("\n");
        mm dst;
        dst.q = 0x0123456789abcdefull;
        uint64_t src = vals[i].q, msk = vals[(i + 4) % NV].q;
        __asm__ volatile("push %%edi; lea %[d], %%edi; maskmovq %[k], %[s]; pop %%edi"
                         : [d] "+m"(dst) : [s] "y"(src), [k] "y"(msk) : "memory");
        printf("maskmovq 64 mm %d %d -> ", i, (i + 4) % NV); pq(dst.q); printf("\n");
        uint32_t x[4];
        __asm__ volatile("pcmpeqd %%xmm0, %%xmm0; movq2dq %[s], %%xmm0; movdqu %%xmm0, %[x]"
                         : [x] "=m"(x) : [s] "y"(vals[i].q) : "xmm0");
        printf("movq2dq 64 mm %d -> %08x%08x%08x%08x\n", i, x[3], x[2], x[1], x[0]);
        __asm__ volatile("movdqu %[x], %%xmm1; movdq2q %%xmm1, %[r]" : [r] "=y"(r) : [x] "m"(x) : "xmm1");
        printf("movdq2q 64 xmm %d -> ", i); pq(r); printf("\n");
    }
    __asm__ volatile("emms");
}

/* ---- conversions between MMX registers and XMM lanes ---- */
static void run_converts(void)
{
    static const float fs[][4] = {{1.5f, -2.5f, 9.f, 9.f}, {2.5f, 0.49999997f, 1.f, 1.f}, {3e9f, -3e9f, 0.f, 0.f},
                                  {__builtin_nanf(""), -0.f, 2.f, 2.f}, {-2147483648.f, 2147483520.f, 3.f, 3.f}};
    static const double ds[][2] = {{1.5, -2.5}, {2.5, -0.5}, {3e9, -2147483648.5}, {__builtin_nan(""), 1e300}};
    for (unsigned k = 0; k < sizeof fs / sizeof fs[0]; k++) {
        uint64_t r, t;
        __asm__("movups %[f], %%xmm2; cvtps2pi %%xmm2, %[r]; cvttps2pi %[f], %[t]" : [r] "=y"(r), [t] "=y"(t) : [f] "m"(fs[k]) : "xmm2");
        printf("cvtps2pi/cvttps2pi 64 %u -> ", k); pq(r); printf(" "); pq(t); printf("\n");
    }
    for (unsigned k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        uint64_t r, t;
        __asm__("movupd %[d], %%xmm3; cvtpd2pi %%xmm3, %[r]; cvttpd2pi %%xmm3, %[t]" : [r] "=y"(r), [t] "=y"(t) : [d] "m"(ds[k]) : "xmm3");
        printf("cvtpd2pi/cvttpd2pi 64 %u -> ", k); pq(r); printf(" "); pq(t); printf("\n");
    }
    for (int i = 0; i < NV; i++) {
        uint32_t x[4], y[4], z[4];
        __asm__ volatile("pcmpeqd %%xmm4, %%xmm4; cvtpi2ps %[s], %%xmm4; movdqu %%xmm4, %[x]; cvtpi2ps %[m], %%xmm4; movdqu %%xmm4, %[y];"
                         "cvtpi2pd %[s], %%xmm5; movdqu %%xmm5, %[z]"
                         : [x] "=m"(x), [y] "=m"(y), [z] "=m"(z) : [s] "y"(vals[i].q), [m] "m"(vals[(i + 1) % NV]) : "xmm4", "xmm5");
        printf("cvtpi2ps/cvtpi2pd 64 %d -> %08x%08x%08x%08x %08x%08x%08x%08x %08x%08x%08x%08x\n", i,
               x[3], x[2], x[1], x[0], y[3], y[2], y[1], y[0], z[3], z[2], z[1], z[0]);
    }
    __asm__ volatile("emms");
}

/* ---- the x87 unit after MMX code ---- */
static void run_aliasing(void)
{
    unsigned char env[28], save[108];
    uint64_t v = 0x1122334455667788ull;
    __asm__ volatile("fninit; fld1; fld1; movq %[v], %%mm2; fnstenv %[e]; fldenv %[e]" : [e] "=m"(env) : [v] "m"(v));
    printf("after movq to mm2: tag word %04x, TOP %d\n", env[8] | env[9] << 8, (env[4] | env[5] << 8) >> 11 & 7);
    __asm__ volatile("fnsave %[s]; frstor %[s]" : [s] "=m"(save));
    printf("mm2 in the fnsave image: ");
    for (int k = 9; k >= 0; k--) printf("%02x", save[28 + 2 * 10 + k]);
    printf("\n");
    __asm__ volatile("emms; fnstenv %[e]; fldenv %[e]" : [e] "=m"(env));
    printf("after emms: tag word %04x, TOP %d\n", env[8] | env[9] << 8, (env[4] | env[5] << 8) >> 11 & 7);
    double d = 1.5;
    __asm__ volatile("fninit; fldl %[d]; movq %%mm0, %[v]; emms" : [v] "=m"(v) : [d] "m"(d));
    printf("mm0 after fld of 1.5: %016llx\n", (unsigned long long)v);
    __asm__ volatile("fninit");
}

int main(void)
{
    init_vals();
    run_bin();
    run_shifts();
    run_misc();
    run_moves();
    run_converts();
    run_aliasing();
    return 0;
}
