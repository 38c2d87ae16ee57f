/* bitops: bt bts btr btc (16/32-bit register forms with register and imm8
 * offsets, and memory forms with signed register offsets reaching beyond the
 * addressed dword/word: "bts 32 <offset> -> <8 dwords around it>"), bsf bsr
 * (result "undef" for a zero source), bswap, xadd,
 * cmpxchg 8/16/32 (equal and not-equal), cmpxchg8b (equal and not-equal). */
#include "insn.h"

#define BT(name, op)                                                                        \
    static uint32_t name##_r32(uint32_t x, uint32_t off, uint32_t *fo)                      \
    {                                                                                       \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %[o], %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : [o] "r"(off), [fin] "r"(FL_CLEAR) : "cc"); \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_r16(uint32_t x, uint32_t off, uint32_t *fo)                      \
    {                                                                                       \
        uint16_t y = x;                                                                     \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w %[o], %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(y), [f] "=&r"(f) : [o] "r"((uint16_t)off), [fin] "r"(FL_ALL) : "cc"); \
        *fo = f & FMASK;                                                                    \
        return y;                                                                           \
    }                                                                                       \
    static uint32_t name##_i32(uint32_t x, uint32_t *fo)                                    \
    {                                                                                       \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l $45, %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc");          \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static void name##_mem32(const char *mn, int32_t off)                                   \
    {                                                                                       \
        static uint32_t buf[8];                                                             \
        uint32_t f;                                                                         \
        for (int i = 0; i < 8; i++) buf[i] = 0x0f0f0f0fu ^ (uint32_t)(i * 0x11111111u);     \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %[o], %[m]\n\tpushfl\n\tpopl %[f]" \
                         : [m] "+m"(buf[4]), [f] "=&r"(f) : [o] "r"(off), [fin] "r"(FL_CLEAR) \
                         : "cc", "memory");                                                 \
        printf("%s 32 %08x ->", mn, (uint32_t)off);                                       \
        for (int i = 0; i < 8; i++) printf(" %08x", buf[i]);                                \
        printf(" flags=%03x\n", f & FMASK);                                                 \
    }                                                                                       \
    static void name##_mem16(const char *mn, int16_t off)                                   \
    {                                                                                       \
        static uint16_t buf[16];                                                            \
        uint32_t f;                                                                         \
        for (int i = 0; i < 16; i++) buf[i] = (uint16_t)(0x5a5a ^ (i * 0x1111));            \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w %[o], %[m]\n\tpushfl\n\tpopl %[f]" \
                         : [m] "+m"(buf[8]), [f] "=&r"(f) : [o] "r"(off), [fin] "r"(FL_CLEAR) \
                         : "cc", "memory");                                                 \
        printf("%s 16 %04x ->", mn, (uint16_t)off);                                       \
        for (int i = 0; i < 16; i++) printf(" %04x", buf[i]);                               \
        printf(" flags=%03x\n", f & FMASK);                                                 \
    }

BT(t_bt, "bt")
BT(t_bts, "bts")
BT(t_btr, "btr")
BT(t_btc, "btc")

static const struct {
    const char *mn;
    uint32_t (*r32)(uint32_t, uint32_t, uint32_t *), (*r16)(uint32_t, uint32_t, uint32_t *);
    uint32_t (*i32)(uint32_t, uint32_t *);
    void (*m32)(const char *, int32_t), (*m16)(const char *, int16_t);
} bts[] = {
    {"bt", t_bt_r32, t_bt_r16, t_bt_i32, t_bt_mem32, t_bt_mem16},
    {"bts", t_bts_r32, t_bts_r16, t_bts_i32, t_bts_mem32, t_bts_mem16},
    {"btr", t_btr_r32, t_btr_r16, t_btr_i32, t_btr_mem32, t_btr_mem16},
    {"btc", t_btc_r32, t_btc_r16, t_btc_i32, t_btc_mem32, t_btc_mem16},
};

static void bsx(int size, uint32_t x)
{
    uint32_t f, rf, rr, fr;
    int w = W(size);
    if (size == 32) {
        rf = rr = 0x5555aaaau;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tbsfl %[x], %[r]\n\tpushfl\n\tpopl %[f]"
                         : [r] "+r"(rf), [f] "=&r"(f) : [x] "r"(x), [fin] "r"(FL_CLEAR) : "cc");
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tbsrl %[x], %[r]\n\tpushfl\n\tpopl %[f]"
                         : [r] "+r"(rr), [f] "=&r"(fr) : [x] "rm"(x), [fin] "r"(FL_CLEAR) : "cc");
    } else {
        uint16_t a = 0x5a5a, b = 0x5a5a;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tbsfw %[x], %[r]\n\tpushfl\n\tpopl %[f]"
                         : [r] "+r"(a), [f] "=&r"(f) : [x] "r"((uint16_t)x), [fin] "r"(FL_CLEAR) : "cc");
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tbsrw %[x], %[r]\n\tpushfl\n\tpopl %[f]"
                         : [r] "+r"(b), [f] "=&r"(fr) : [x] "r"((uint16_t)x), [fin] "r"(FL_CLEAR) : "cc");
        rf = a;
        rr = b;
    }
    if (x) {
        printf("bsf %d %0*x -> %0*x flags=%03x\n", size, w, x, w, rf, f & FMASK);
        printf("bsr %d %0*x -> %0*x flags=%03x\n", size, w, x, w, rr, fr & FMASK);
    } else {
        printf("bsf %d %0*x -> undef flags=%03x\n", size, w, x, f & FMASK);
        printf("bsr %d %0*x -> undef flags=%03x\n", size, w, x, fr & FMASK);
    }
}

static void xadd(int size, uint32_t a, uint32_t b)
{
    uint32_t f;
    int w = W(size);
    if (size == 8) {
        uint8_t x = a, y = b;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\txaddb %[y], %[x]\n\tpushfl\n\tpopl %[f]"
                         : [x] "+q"(x), [y] "+q"(y), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc");
        printf("xadd 8 %02x %02x -> %02x %02x flags=%03x\n", a, b, x, y, f & FMASK);
    } else if (size == 16) {
        uint16_t x = a, y = b;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\txaddw %[y], %[x]\n\tpushfl\n\tpopl %[f]"
                         : [x] "+r"(x), [y] "+r"(y), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc");
        printf("xadd 16 %04x %04x -> %04x %04x flags=%03x\n", a, b, x, y, f & FMASK);
    } else {
        static uint32_t m;
        uint32_t y = b;
        m = a;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tlock xaddl %[y], %[m]\n\tpushfl\n\tpopl %[f]"
                         : [m] "+m"(m), [y] "+r"(y), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc");
        printf("xadd 32 %0*x %0*x -> %08x %08x flags=%03x\n", w, a, w, b, m, y, f & FMASK);
    }
}

/* cmpxchg dst, src with accumulator acc: operands acc dst src -> dst acc */
static void cmpxchg(int size, uint32_t acc, uint32_t dst, uint32_t src)
{
    uint32_t f;
    if (size == 8) {
        uint8_t a = acc, d = dst, s = src;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcmpxchgb %[s], %[d]\n\tpushfl\n\tpopl %[f]"
                         : [d] "+q"(d), "+a"(a), [f] "=&r"(f) : [s] "q"(s), [fin] "r"(FL_CLEAR) : "cc");
        printf("cmpxchg 8 %02x %02x %02x -> %02x %02x flags=%03x\n", acc, dst, src, d, a, f & FMASK);
    } else if (size == 16) {
        uint16_t a = acc, d = dst, s = src;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcmpxchgw %[s], %[d]\n\tpushfl\n\tpopl %[f]"
                         : [d] "+r"(d), "+a"(a), [f] "=&r"(f) : [s] "r"(s), [fin] "r"(FL_ALL) : "cc");
        printf("cmpxchg 16 %04x %04x %04x -> %04x %04x flags=%03x\n", acc, dst, src, d, a, f & FMASK);
    } else {
        static uint32_t m;
        uint32_t a = acc;
        m = dst;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tlock cmpxchgl %[s], %[m]\n\tpushfl\n\tpopl %[f]"
                         : [m] "+m"(m), "+a"(a), [f] "=&r"(f) : [s] "r"(src), [fin] "r"(FL_CLEAR) : "cc");
        printf("cmpxchg 32 %08x %08x %08x -> %08x %08x flags=%03x\n", acc, dst, src, m, a, f & FMASK);
    }
}

static void cmpxchg8b(uint64_t mem, uint64_t edxeax, uint64_t ecxebx)
{
    static uint64_t m;
    uint32_t lo = (uint32_t)edxeax, hi = (uint32_t)(edxeax >> 32), f;
    m = mem;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tlock cmpxchg8b %[m]\n\tpushfl\n\tpopl %[f]"
                     : [m] "+m"(m), "+a"(lo), "+d"(hi), [f] "=&r"(f)
                     : "b"((uint32_t)ecxebx), "c"((uint32_t)(ecxebx >> 32)), [fin] "r"(FL_ALL) : "cc");
    printf("cmpxchg8b 64 %016llx %016llx %016llx -> %016llx %08x%08x flags=%03x\n", (unsigned long long)mem,
           (unsigned long long)edxeax, (unsigned long long)ecxebx, (unsigned long long)m, hi, lo, f & FMASK);
}

int main(void)
{
    uint32_t v[32], fl, r;
    static const uint32_t offs[] = {0, 1, 5, 15, 16, 17, 31, 32, 33, 63, 100, 0xffffffffu, 0x80000000u};
    int n = make_values(32, 3, v);
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < n; i++) {
            for (unsigned j = 0; j < sizeof offs / sizeof offs[0]; j++) {
                r = bts[k].r32(v[i], offs[j], &fl);
                printf("%s 32 %08x %08x -> %08x flags=%03x\n", bts[k].mn, v[i], offs[j], r, fl);
                r = bts[k].r16(v[i] & 0xffff, offs[j], &fl);
                printf("%s 16 %04x %04x -> %04x flags=%03x\n", bts[k].mn, v[i] & 0xffff, offs[j] & 0xffff, r, fl);
            }
            r = bts[k].i32(v[i], &fl);
            printf("%s 32 %08x 2d -> %08x flags=%03x\n", bts[k].mn, v[i], r, fl);
        }
        static const int32_t moffs[] = {0, 1, 31, 32, 33, 63, 64, 100, 127, -1, -32, -33, -100, -128};
        for (unsigned j = 0; j < sizeof moffs / sizeof moffs[0]; j++) {
            bts[k].m32(bts[k].mn, moffs[j]);
            bts[k].m16(bts[k].mn, (int16_t)moffs[j]);
        }
    }
    for (int size = 16; size <= 32; size += 16) {
        int m = make_values(size, 6, v);
        for (int i = 0; i < m; i++) bsx(size, v[i]);
        for (int sh = 0; sh < size; sh += 3) bsx(size, (1u << sh) | (size == 32 ? 0x80000000u >> (sh / 2) : 0));
    }
    n = make_values(32, 6, v);
    for (int i = 0; i < n; i++) {
        uint32_t x = v[i], y;
        __asm__("bswap %0" : "=r"(y) : "0"(x));
        printf("bswap 32 %08x -> %08x flags=000\n", x, y);
    }
    for (int size = 8; size <= 32; size *= 2) {
        int m = make_values(size, 3, v);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j += 2) xadd(size, v[i], v[j]);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j += 3) {
                cmpxchg(size, v[i], v[i], v[j]); /* equal: dst <- src */
                cmpxchg(size, v[i], v[j], v[(i + j + 1) % m]);
            }
    }
    static const uint64_t q[] = {0, 1, 0xffffffffffffffffULL, 0x00000001ffffffffULL, 0x8000000000000000ULL,
                                 0x0123456789abcdefULL, 0xfedcba9876543210ULL};
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            cmpxchg8b(q[i], q[i], q[j]);
            if (i != j) cmpxchg8b(q[i], q[j], q[(i + 3) % 7]);
        }
    return 0;
}
