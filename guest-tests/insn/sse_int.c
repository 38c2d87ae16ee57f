/* sse_int: SSE2 integer instructions on XMM registers. Lines:
 *   <op> 128 <form> <operands...> -> <results...>
 * with 128-bit values as 32 hex digits, most significant byte first
 * (the operand vectors of the first lines, "val <n> <value>", by number), and
 * form xmm (register source), m128/m64/m32/m16 (memory source or
 * destination), r32 (general register), imm<n>, or a count/offset. Covers
 * every lane-wise op (add/sub wrapping and saturating, compares, min/max,
 * averages, multiplies, logic) over edge-lane and random vectors, packs and
 * unpacks, psadbw/pmaddwd/pmuludq, shifts by xmm, m128 and imm8 counts
 * (including counts >= the lane width), byte shifts, shuffles, pmovmskb,
 * pextrw/pinsrw, and the moves movd/movq (both directions), movdqa/movdqu
 * (load and store encodings, every misalignment for movdqu), lddqu, movntdq,
 * movnti and maskmovdqu.
 * With argument "misaligned" it instead runs pcmpeqb on a misaligned m128,
 * which must die with SIGSEGV (#GP). */
#include "insn.h"
#include <string.h>

typedef long long v2di __attribute__((vector_size(16)));
typedef union {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t d[4];
    uint64_t q[2];
    v2di v;
} vec;

#define NV 14
static vec vals[NV];

static void pv(const vec *v)
{
    for (int k = 15; k >= 0; k--) printf("%02x", v->b[k]);
}

static void init_vals(void)
{
    static const uint8_t e8[16] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x81, 0x7e,
                                   0x40, 0xc0, 0x02, 0xfd, 0x10, 0xef, 0x55, 0xaa};
    static const uint16_t e16[8] = {0x0000, 0x0001, 0x7fff, 0x8000, 0xffff, 0xfffe, 0x8001, 0x7ffe};
    static const uint32_t e32[4] = {0x00000000, 0x7fffffff, 0x80000000, 0xffffffff};
    memset(vals, 0, sizeof vals);
    memset(&vals[1], 0xff, 16);
    memset(&vals[2], 0x7f, 16);
    memset(&vals[3], 0x80, 16);
    for (int k = 0; k < 16; k++) { vals[4].b[k] = e8[k]; vals[5].b[k] = e8[(k * 7 + 3) & 15]; }
    for (int k = 0; k < 8; k++) { vals[6].w[k] = e16[k]; vals[7].w[k] = e16[(k * 3 + 5) & 7]; }
    for (int k = 0; k < 4; k++) { vals[8].d[k] = e32[k]; vals[9].d[k] = e32[(k + 3) & 3] ^ (k == 2); }
    xs_state = 0x2545f491u;
    for (int i = 10; i < NV; i++)
        for (int k = 0; k < 4; k++) vals[i].d[k] = xs_next();
}

/* ---- two-operand ops: dst = dst op src ---- */
typedef void (*bin_fn)(vec *, const vec *);
#define BIN(op)                                                                                     \
    static void x_##op(vec *r, const vec *b) { __asm__(#op " %[b], %[r]" : [r] "+x"(r->v) : [b] "x"(b->v)); } \
    static void m_##op(vec *r, const vec *b) { __asm__(#op " %[b], %[r]" : [r] "+x"(r->v) : [b] "m"(*b)); }
#define BINOPS(X) SHARED_INT_BINOPS(X) X(punpcklqdq) X(punpckhqdq)
BINOPS(BIN)
#define BIN_ENTRY(op) {#op, x_##op, m_##op},
static const struct { const char *mn; bin_fn x, m; } binops[] = {BINOPS(BIN_ENTRY)};

static void run_bin(void)
{
    static const int xoffs[] = {0, 1, 4, 13}, moff = 7;
    for (unsigned o = 0; o < sizeof binops / sizeof binops[0]; o++)
        for (int i = 0; i < NV; i++) {
            for (unsigned k = 0; k <= sizeof xoffs / sizeof xoffs[0]; k++) {
                int mem = k == sizeof xoffs / sizeof xoffs[0], j = (i + (mem ? moff : xoffs[k])) % NV;
                vec r = vals[i];
                (mem ? binops[o].m : binops[o].x)(&r, &vals[j]);
                printf("%s 128 %s %d %d -> ", binops[o].mn, mem ? "m128" : "xmm", i, j);
                pv(&r); printf("\n");
            }
        }
}

/* ---- shifts: by xmm/m128 count, by imm8 ---- */
#define SHIFTOPS(X) SHARED_SHIFTOPS(X)
SHIFTOPS(BIN)
#define IMM_SHIFTOPS(X) SHIFTOPS(X) X(pslldq) X(psrldq)
#define IMMS(X, op) X(op, 0) X(op, 1) X(op, 3) X(op, 7) X(op, 8) X(op, 15) X(op, 16) X(op, 17) X(op, 31) X(op, 32) X(op, 33) X(op, 63) X(op, 64) X(op, 255)
static const int imms[] = {0, 1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 255};
#define IMM_CASE(op, n) case n: __asm__(#op " $" #n ", %[r]" : [r] "+x"(r->v)); break;
#define IMM_SHIFT(op) static void i_##op(vec *r, int n) { switch (n) { IMMS(IMM_CASE, op) } }
IMM_SHIFTOPS(IMM_SHIFT)
#define SHIFT_ENTRY(op) {#op, x_##op, m_##op, i_##op},
#define ISHIFT_ENTRY(op) {#op, 0, 0, i_##op},
static const struct { const char *mn; bin_fn x, m; void (*i)(vec *, int); } shops[] = {
    SHIFTOPS(SHIFT_ENTRY) ISHIFT_ENTRY(pslldq) ISHIFT_ENTRY(psrldq)};

static void run_shifts(void)
{
    static const uint64_t counts[] = {0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 0x100000000ull,
                                      0x8000000000000001ull};
    static const int srcs[] = {4, 5, 6, 8, 10, 11};
    for (unsigned o = 0; o < sizeof shops / sizeof shops[0]; o++)
        for (unsigned s = 0; s < sizeof srcs / sizeof srcs[0]; s++) {
            const vec *a = &vals[srcs[s]];
            for (unsigned c = 0; shops[o].x && c < sizeof counts / sizeof counts[0]; c++) {
                vec cnt, r = *a;
                cnt.q[0] = counts[c];
                cnt.q[1] = c & 1 ? 0xffffffffffffffffull : 0; /* ignored */
                int mem = c % 3 == 2;
                (mem ? shops[o].m : shops[o].x)(&r, &cnt);
                printf("%s 128 %s %d %016llx -> ", shops[o].mn, mem ? "m128" : "xmm", srcs[s],
                       (unsigned long long)counts[c]);
                pv(&r); printf("\n");
            }
            for (unsigned c = 0; c < sizeof imms / sizeof imms[0]; c++) {
                vec r = *a;
                shops[o].i(&r, imms[c]);
                printf("%s 128 imm8 %d %02x -> ", shops[o].mn, srcs[s], imms[c]);
                pv(&r); printf("\n");
            }
        }
}

/* ---- shuffles (xmm and m128 sources) ---- */
#define SHUFS(X, op) X(op, 0x00) X(op, 0x1b) X(op, 0xe4) X(op, 0x4e) X(op, 0xb1) X(op, 0xff) X(op, 0x39) X(op, 0x93) X(op, 0xd8)
static const int shimms[] = {0x00, 0x1b, 0xe4, 0x4e, 0xb1, 0xff, 0x39, 0x93, 0xd8};
#define SHUF_CASE(op, n)                                                                       \
    case n:                                                                                    \
        if (mem) __asm__(#op " $" #n ", %[b], %[r]" : [r] "=x"(r->v) : [b] "m"(*b));           \
        else __asm__(#op " $" #n ", %[b], %[r]" : [r] "=x"(r->v) : [b] "x"(b->v));             \
        break;
#define SHUF(op) static void s_##op(vec *r, const vec *b, int n, int mem) { switch (n) { SHUFS(SHUF_CASE, op) } }
SHUF(pshufd)
SHUF(pshuflw)
SHUF(pshufhw)
static const struct { const char *mn; void (*f)(vec *, const vec *, int, int); } shufs[] = {
    {"pshufd", s_pshufd}, {"pshuflw", s_pshuflw}, {"pshufhw", s_pshufhw}};

static void run_shuffles(void)
{
    for (unsigned o = 0; o < sizeof shufs / sizeof shufs[0]; o++)
        for (unsigned c = 0; c < sizeof shimms / sizeof shimms[0]; c++)
            for (int i = 4; i < NV; i += 3) {
                int mem = (c + i) & 1;
                vec r;
                memset(&r, 0xcc, sizeof r);
                shufs[o].f(&r, &vals[i], shimms[c], mem);
                printf("%s 128 %s %d %02x -> ", shufs[o].mn, mem ? "m128" : "xmm", i, shimms[c]);
                pv(&r); printf("\n");
            }
}

/* ---- pmovmskb, pextrw, pinsrw ---- */
#define WORDIMMS(X, op) X(op, 0) X(op, 1) X(op, 2) X(op, 3) X(op, 4) X(op, 5) X(op, 6) X(op, 7) X(op, 9) X(op, 255)
static const int wimms[] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 255};
#define PEXTR_CASE(op, n)                                                                           \
    case n:                                                                                         \
        __asm__("pextrw $" #n ", %[a], %[r]" : [r] "=r"(*r) : [a] "x"(a->v));                       \
        __asm__("pextrw $" #n ", %[a], %[m]" : [m] "=m"(*m16) : [a] "x"(a->v)); /* SSE4.1 form */   \
        break;
static void pextr(const vec *a, int n, uint32_t *r, uint16_t *m16) { switch (n) { WORDIMMS(PEXTR_CASE, 0) } }
#define PINSR_CASE(op, n)                                                                            \
    case n:                                                                                          \
        __asm__("pinsrw $" #n ", %[g], %[r]" : [r] "+x"(r->v) : [g] "r"(g));                         \
        __asm__("pinsrw $" #n ", %[m], %[r]" : [r] "+x"(rm->v) : [m] "m"(*m16));                     \
        break;
static void pinsr(vec *r, vec *rm, uint32_t g, const uint16_t *m16, int n) { switch (n) { WORDIMMS(PINSR_CASE, 0) } }

static void run_lanes(void)
{
    for (int i = 0; i < NV; i++) {
        uint32_t r = 0xdeadbeef;
        __asm__("pmovmskb %[a], %[r]" : [r] "=r"(r) : [a] "x"(vals[i].v));
        printf("pmovmskb 128 xmm "); pv(&vals[i]); printf(" -> %08x\n", r);
    }
    for (int i = 4; i < NV; i += 2)
        for (unsigned c = 0; c < sizeof wimms / sizeof wimms[0]; c++) {
            uint32_t r = 0xdeadbeef;
            uint16_t m16[3] = {0x1111, 0x2222, 0x3333};
            pextr(&vals[i], wimms[c], &r, &m16[1]);
            printf("pextrw 128 r32/m16 "); pv(&vals[i]);
            printf(" %02x -> %08x %04x%04x%04x\n", wimms[c], r, m16[2], m16[1], m16[0]);
        }
    for (int i = 4; i < NV; i += 2)
        for (unsigned c = 0; c < sizeof wimms / sizeof wimms[0]; c++) {
            vec r = vals[i], rm = vals[i];
            uint32_t g = vals[(i + 3) % NV].d[1] | 0x12340000u;
            uint16_t m16 = vals[(i + 5) % NV].w[3];
            pinsr(&r, &rm, g, &m16, wimms[c]);
            printf("pinsrw 128 r32 "); pv(&vals[i]); printf(" %08x %02x -> ", g, wimms[c]); pv(&r); printf("\n");
            printf("pinsrw 128 m16 "); pv(&vals[i]); printf(" %04x %02x -> ", m16, wimms[c]); pv(&rm); printf("\n");
        }
}

/* ---- moves ---- */
static void run_moves(void)
{
    static vec buf[3];
    uint8_t *bb = (uint8_t *)buf;
    for (int i = 4; i < NV; i++) {
        const vec *a = &vals[i], *d = &vals[(i + 5) % NV];
        vec r = *d;
        uint32_t g = a->d[2], x;
        __asm__("movd %[g], %[r]" : [r] "+x"(r.v) : [g] "r"(g));
        printf("movd 128 r32 %08x ", g); pv(d); printf(" -> "); pv(&r); printf("\n");
        r = *d;
        __asm__("movd %[m], %[r]" : [r] "+x"(r.v) : [m] "m"(a->d[3]));
        printf("movd 128 m32 %08x ", a->d[3]); pv(d); printf(" -> "); pv(&r); printf("\n");
        __asm__("movd %[a], %[g]" : [g] "=r"(x) : [a] "x"(a->v));
        printf("movd 128 xmm-r32 "); pv(a); printf(" -> %08x\n", x);
        buf[0] = *d;
        __asm__("movd %[a], %[m]" : [m] "=m"(buf[0].d[1]) : [a] "x"(a->v));
        printf("movd 128 xmm-m32 "); pv(a); printf(" -> "); pv(&buf[0]); printf("\n");

        r = *d;
        __asm__("%{load%} movq %[a], %[r]" : [r] "+x"(r.v) : [a] "x"(a->v));
        printf("movq 128 xmm "); pv(a); printf(" "); pv(d); printf(" -> "); pv(&r); printf("\n");
        r = *d;
        __asm__("%{store%} movq %[a], %[r]" : [r] "+x"(r.v) : [a] "x"(a->v));
        printf("movq 128 xmm-store "); pv(a); printf(" "); pv(d); printf(" -> "); pv(&r); printf("\n");
        r = *d;
        __asm__("movq %[m], %[r]" : [r] "+x"(r.v) : [m] "m"(a->q[1]));
        printf("movq 128 m64 "); pv(a); printf(" "); pv(d); printf(" -> "); pv(&r); printf("\n");
        buf[0] = *d;
        __asm__("movq %[a], %[m]" : [m] "=m"(buf[0].q[1]) : [a] "x"(a->v));
        printf("movq 128 xmm-m64 "); pv(a); printf(" -> "); pv(&buf[0]); printf("\n");

        r = *d;
        __asm__("%{load%} movdqa %[a], %[r]" : [r] "+x"(r.v) : [a] "x"(a->v));
        printf("movdqa 128 xmm "); pv(&r); printf("\n");
        r = *d;
        __asm__("%{store%} movdqu %[a], %[r]" : [r] "+x"(r.v) : [a] "x"(a->v));
        printf("movdqu 128 xmm-store "); pv(&r); printf("\n");
        __asm__("movdqa %[m], %[r]" : [r] "=x"(r.v) : [m] "m"(*a));
        printf("movdqa 128 m128 "); pv(&r); printf("\n");
        __asm__("movdqa %[a], %[m]" : [m] "=m"(buf[1]) : [a] "x"(a->v));
        printf("movdqa 128 xmm-m128 "); pv(&buf[1]); printf("\n");
        __asm__("movntdq %[a], %[m]" : [m] "=m"(buf[2]) : [a] "x"(d->v));
        printf("movntdq 128 xmm-m128 "); pv(&buf[2]); printf("\n");
        __asm__("movnti %[g], %[m]" : [m] "=m"(buf[2].d[2]) : [g] "r"(g));
        printf("movnti 32 r32-m32 %08x -> ", g); pv(&buf[2]); printf("\n");
    }
    for (int off = 0; off < 16; off++) {
        const vec *a = &vals[10 + off % 4];
        vec r;
        for (int k = 0; k < 48; k++) bb[k] = k * 37 + off;
        __asm__("movdqu %[m], %[r]" : [r] "=x"(r.v) : [m] "m"(*(vec *)(bb + off)));
        printf("movdqu 128 m128 +%02x -> ", off); pv(&r); printf("\n");
        __asm__("lddqu %[m], %[r]" : [r] "=x"(r.v) : [m] "m"(*(vec *)(bb + off + 16)));
        printf("lddqu 128 m128 +%02x -> ", off + 16); pv(&r); printf("\n");
        __asm__("movdqu %[a], %[m]" : [m] "=m"(*(vec *)(bb + off + 8)) : [a] "x"(a->v));
        printf("movdqu 128 xmm-m128 +%02x ", off + 8); pv(a); printf(" ->");
        for (int k = 0; k < 3; k++) { printf(" "); pv(&buf[k]); }
        printf("\n");
    }
    for (int i = 4; i < NV; i++) {
        const vec *mask = &vals[i], *a = &vals[(i + 3) % NV];
        for (int off = 0; off < 17; off += 8) {
            for (int k = 0; k < 48; k++) bb[k] = 0xa0 + k;
            uint8_t *p = bb + off;
            __asm__ volatile("maskmovdqu %[m], %[a]" : "+D"(p) : [a] "x"(a->v), [m] "x"(mask->v) : "memory");
            printf("maskmovdqu 128 +%02x ", off); pv(a); printf(" "); pv(mask); printf(" ->");
            for (int k = 0; k < 3; k++) { printf(" "); pv(&buf[k]); }
            printf("\n");
        }
    }
}

static void misaligned(void)
{
    static vec buf[2];
    vec r = vals[4];
    __asm__("movdqu %[m], %[r]" : [r] "=x"(r.v) : [m] "m"(*(vec *)((uint8_t *)buf + 4)));
    printf("movdqu 128 m128 +04 -> "); pv(&r); printf("\n");
    fflush(stdout);
    __asm__ volatile("pcmpeqb %[m], %[r]" : [r] "+x"(r.v) : [m] "m"(*(vec *)((uint8_t *)buf + 4)));
    printf("pcmpeqb on a misaligned m128 did not fault\n");
}

int main(int argc, char **argv)
{
    init_vals();
    for (int i = 0; i < NV; i++) { printf("val %d ", i); pv(&vals[i]); printf("\n"); }
    if (argc > 1 && strcmp(argv[1], "misaligned") == 0) {
        misaligned();
        return 1;
    }
    run_bin();
    run_shifts();
    run_shuffles();
    run_lanes();
    run_moves();
    return 0;
}
