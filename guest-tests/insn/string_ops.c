/* string_ops: movs stos lods cmps scas in byte/word/dword sizes, with rep /
 * repe / repne prefixes, forwards (cld) and backwards (std), including
 * overlapping rep movsb. Mnemonics carry the prefix: rep_movs, rep_stos,
 * repe_cmps, repne_scas, lods, movs. Operands: df count src-offset dst-offset;
 * results: destination buffer bytes, final esi/edi offsets (relative to the
 * buffers) and ecx. */
#include "insn.h"
#include <string.h>

static unsigned char src[64], dst[64];

static void fill(void)
{
    for (int i = 0; i < 64; i++) { src[i] = (unsigned char)(0x41 + i); dst[i] = (unsigned char)(0xe0 + (i & 15)); }
}
static void show(const char *mn, int size, int df, uint32_t cnt, int so, int d0, const unsigned char *buf,
                 uint32_t esi, uint32_t edi, const unsigned char *sbase, const unsigned char *dbase, uint32_t ecx, uint32_t f)
{
    printf("%s %d %x %08x %02x %02x -> ", mn, size, df, cnt, so, d0);
    for (int i = 0; i < 48; i++) printf("%02x", buf[i]);
    printf(" %08x %08x %08x flags=%03x\n", esi - (uint32_t)(uintptr_t)sbase, edi - (uint32_t)(uintptr_t)dbase, ecx, f & FMASK);
}

#define REP_MOVS(fn, sfx)                                                                    \
    static void fn(int df, uint32_t cnt, int so, int d0, int overlap)                        \
    {                                                                                        \
        uint32_t s, d, c = cnt, f;                                                           \
        fill();                                                                              \
        unsigned char *sb = overlap ? dst : src;                                             \
        s = (uint32_t)(uintptr_t)(sb + so);                                                  \
        d = (uint32_t)(uintptr_t)(dst + d0);                                                 \
        if (df)                                                                              \
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trep movs" sfx "\n\tpushfl\n\tcld\n\tpopl %[f]" \
                             : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc", "memory"); \
        else                                                                                 \
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcld\n\trep movs" sfx "\n\tpushfl\n\tpopl %[f]" \
                             : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory"); \
        show("rep_movs", sizeof(sfx "") == 2 && sfx[0] == 'b' ? 8 : sfx[0] == 'w' ? 16 : 32, df, cnt, so, d0, \
             dst, s, d, sb, dst, c, f);                                                      \
    }
REP_MOVS(rep_movsb, "b")
REP_MOVS(rep_movsw, "w")
REP_MOVS(rep_movsl, "l")

#define REP_STOS(fn, sfx, size)                                                              \
    static void fn(int df, uint32_t cnt, int d0, uint32_t val)                               \
    {                                                                                        \
        uint32_t d, c = cnt, f, a = val;                                                     \
        fill();                                                                              \
        d = (uint32_t)(uintptr_t)(dst + d0);                                                 \
        if (df)                                                                              \
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trep stos" sfx "\n\tpushfl\n\tcld\n\tpopl %[f]" \
                             : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(a), [fin] "r"(FL_CLEAR) : "cc", "memory"); \
        else                                                                                 \
            __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcld\n\trep stos" sfx "\n\tpushfl\n\tpopl %[f]" \
                             : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(a), [fin] "r"(FL_ALL) : "cc", "memory"); \
        show("rep_stos", size, df, cnt, 0, d0, dst, 0, d, 0, dst, c, f);                     \
    }
REP_STOS(rep_stosb, "b", 8)
REP_STOS(rep_stosw, "w", 16)
REP_STOS(rep_stosl, "l", 32)

/* repe cmpsb: compare src with dst copy that differs at position `diff` */
static void repe_cmps(int size, int df, uint32_t cnt, int diff)
{
    uint32_t s, d, c = cnt, f;
    fill();
    memcpy(dst, src, 64);
    if (diff >= 0) dst[diff] ^= 0x40;
    s = (uint32_t)(uintptr_t)(src + (df ? 40 : 4));
    d = (uint32_t)(uintptr_t)(dst + (df ? 40 : 4));
    uint32_t s0 = s - (uint32_t)(uintptr_t)src;
    if (size == 8) {
        if (df) __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trepe cmpsb\n\tpushfl\n\tcld\n\tpopl %[f]" : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory");
        else __asm__ volatile("pushl %[fin]\n\tpopfl\n\trepe cmpsb\n\tpushfl\n\tpopl %[f]" : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory");
    } else if (size == 16) {
        if (df) __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trepe cmpsw\n\tpushfl\n\tcld\n\tpopl %[f]" : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory");
        else __asm__ volatile("pushl %[fin]\n\tpopfl\n\trepe cmpsw\n\tpushfl\n\tpopl %[f]" : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory");
    } else {
        if (df) __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trepe cmpsl\n\tpushfl\n\tcld\n\tpopl %[f]" : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory");
        else __asm__ volatile("pushl %[fin]\n\tpopfl\n\trepe cmpsl\n\tpushfl\n\tpopl %[f]" : "+S"(s), "+D"(d), "+c"(c), [f] "=&r"(f) : [fin] "r"(FL_CLEAR) : "cc", "memory");
    }
    show("repe_cmps", size, df, cnt, (int)s0, diff & 0xff, dst, s, d, src, dst, c, f);
}

/* repne scasb/w/d: search for a value in src */
static void repne_scas(int size, int df, uint32_t cnt, uint32_t val)
{
    uint32_t d, c = cnt, f;
    fill();
    d = (uint32_t)(uintptr_t)(src + (df ? 44 : 2));
    uint32_t d0 = d - (uint32_t)(uintptr_t)src;
    if (size == 8) {
        if (df) __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trepne scasb\n\tpushfl\n\tcld\n\tpopl %[f]" : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(val), [fin] "r"(FL_ALL) : "cc", "memory");
        else __asm__ volatile("pushl %[fin]\n\tpopfl\n\trepne scasb\n\tpushfl\n\tpopl %[f]" : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(val), [fin] "r"(FL_ALL) : "cc", "memory");
    } else if (size == 16) {
        if (df) __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trepne scasw\n\tpushfl\n\tcld\n\tpopl %[f]" : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(val), [fin] "r"(FL_ALL) : "cc", "memory");
        else __asm__ volatile("pushl %[fin]\n\tpopfl\n\trepne scasw\n\tpushfl\n\tpopl %[f]" : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(val), [fin] "r"(FL_ALL) : "cc", "memory");
    } else {
        if (df) __asm__ volatile("pushl %[fin]\n\tpopfl\n\tstd\n\trepne scasl\n\tpushfl\n\tcld\n\tpopl %[f]" : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(val), [fin] "r"(FL_ALL) : "cc", "memory");
        else __asm__ volatile("pushl %[fin]\n\tpopfl\n\trepne scasl\n\tpushfl\n\tpopl %[f]" : "+D"(d), "+c"(c), [f] "=&r"(f) : "a"(val), [fin] "r"(FL_ALL) : "cc", "memory");
    }
    printf("repne_scas %d %x %08x %02x %08x -> %08x %08x flags=%03x\n", size, df, cnt, d0, val,
           d - (uint32_t)(uintptr_t)src, c, f & FMASK);
}

static void lods_movs_single(void)
{
    fill();
    uint32_t s = (uint32_t)(uintptr_t)(src + 8), a = 0xcccccccc, d;
    __asm__ volatile("cld\n\tlodsb" : "+S"(s), "+a"(a) : : "memory");
    printf("lods 8 0 -> %08x %08x flags=000\n", a, s - (uint32_t)(uintptr_t)src);
    __asm__ volatile("lodsw" : "+S"(s), "+a"(a) : : "memory");
    printf("lods 16 0 -> %08x %08x flags=000\n", a, s - (uint32_t)(uintptr_t)src);
    __asm__ volatile("lodsl" : "+S"(s), "+a"(a) : : "memory");
    printf("lods 32 0 -> %08x %08x flags=000\n", a, s - (uint32_t)(uintptr_t)src);
    __asm__ volatile("std\n\tlodsw\n\tlodsb\n\tcld" : "+S"(s), "+a"(a) : : "memory");
    printf("lods 8 1 -> %08x %08x flags=000\n", a, s - (uint32_t)(uintptr_t)src);
    s = (uint32_t)(uintptr_t)(src + 20);
    d = (uint32_t)(uintptr_t)(dst + 30);
    __asm__ volatile("movsb\n\tmovsw\n\tmovsl\n\tstd\n\tmovsl\n\tmovsb\n\tcld" : "+S"(s), "+D"(d) : : "memory");
    printf("movs 8 0 14 1e -> ");
    for (int i = 24; i < 40; i++) printf("%02x", dst[i]);
    printf(" %08x %08x flags=000\n", s - (uint32_t)(uintptr_t)src, d - (uint32_t)(uintptr_t)dst);
}

int main(void)
{
    static const uint32_t counts[] = {0, 1, 2, 3, 7, 8, 9};
    for (int df = 0; df < 2; df++)
        for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++) {
            uint32_t c = counts[k];
            int so = df ? 40 : 3, d0 = df ? 44 : 5;
            rep_movsb(df, c * 3, so, d0, 0);
            rep_movsw(df, c, so, d0, 0);
            rep_movsl(df, c, so + 1, d0 - 1, 0);
            rep_stosb(df, c * 2, d0, 0x12345678u + c);
            rep_stosw(df, c, d0, 0xabcd0000u + c);
            rep_stosl(df, c, d0 - 2, 0xdeadbe00u + c);
        }
    /* overlapping moves inside one buffer: forward with dst > src replicates */
    for (int df = 0; df < 2; df++) {
        rep_movsb(df, 20, df ? 30 : 2, df ? 31 : 3, 1);
        rep_movsb(df, 20, df ? 31 : 5, df ? 27 : 1, 1);
        rep_movsl(df, 6, df ? 30 : 2, df ? 32 : 4, 1);
        rep_movsw(df, 9, df ? 30 : 4, df ? 28 : 2, 1);
    }
    for (int size = 8; size <= 32; size *= 2)
        for (int df = 0; df < 2; df++) {
            repe_cmps(size, df, 0, -1);
            repe_cmps(size, df, 6, -1);
            for (int diff = 0; diff < 45; diff += 5) repe_cmps(size, df, 10, diff);
        }
    static const uint32_t vals[] = {0x41, 0x48, 0x4a4b, 0x4746, 0x504f4e4d, 0x57565554, 0xff, 0};
    for (int size = 8; size <= 32; size *= 2)
        for (int df = 0; df < 2; df++)
            for (int v = 0; v < 8; v++) {
                repne_scas(size, df, 12, vals[v]);
                repne_scas(size, df, 0, vals[v]);
            }
    lods_movs_single();
    return 0;
}
