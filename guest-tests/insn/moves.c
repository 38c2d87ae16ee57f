/* moves: cbw cwde cwd cdq, movsx/movzx (8->16, 8->32, 16->32, register and
 * memory sources), lea with many addressing modes (32-bit and 16-bit operand
 * size), xchg (register, eax short form, memory), sahf and lahf. None of these
 * change flags (except sahf), so flags show the loaded pattern 0x8d5. */
#include "insn.h"

static void conv(uint32_t x)
{
    uint32_t a, d, f;
    a = x;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcbtw\n\tpushfl\n\tpopl %[f]" : "+a"(a), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc");
    printf("cbw 16 %02x -> %04x flags=%03x\n", x & 0xff, a & 0xffff, f & FMASK);
    a = x;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcwtl\n\tpushfl\n\tpopl %[f]" : "+a"(a), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc");
    printf("cwde 32 %04x -> %08x flags=%03x\n", x & 0xffff, a, f & FMASK);
    a = x;
    d = 0x12345678;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcwtd\n\tpushfl\n\tpopl %[f]" : "+a"(a), "+d"(d), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc");
    printf("cwd 16 %04x -> %04x %04x flags=%03x\n", x & 0xffff, d & 0xffff, a & 0xffff, f & FMASK);
    a = x;
    __asm__ volatile("pushl %[fin]\n\tpopfl\n\tcltd\n\tpushfl\n\tpopl %[f]" : "+a"(a), "=d"(d), [f] "=&r"(f) : [fin] "r"(FL_ALL) : "cc");
    printf("cdq 32 %08x -> %08x %08x flags=%03x\n", x, d, a, f & FMASK);
}

static void ext(uint32_t x)
{
    uint32_t r;
    uint16_t r16;
    static uint8_t m8;
    static uint16_t m16;
    __asm__("movsbl %b1, %0" : "=r"(r) : "q"(x));
    printf("movsx 32 %02x -> %08x flags=000\n", x & 0xff, r);
    __asm__("movzbl %b1, %0" : "=r"(r) : "q"(x));
    printf("movzx 32 %02x -> %08x flags=000\n", x & 0xff, r);
    __asm__("movswl %w1, %0" : "=r"(r) : "r"(x));
    printf("movsx 32 %04x -> %08x flags=000\n", x & 0xffff, r);
    __asm__("movzwl %w1, %0" : "=r"(r) : "r"(x));
    printf("movzx 32 %04x -> %08x flags=000\n", x & 0xffff, r);
    r16 = 0xeeee;
    __asm__("movsbw %b1, %0" : "+r"(r16) : "q"(x));
    printf("movsx 16 %02x -> %04x flags=000\n", x & 0xff, r16);
    r16 = 0xeeee;
    __asm__("movzbw %b1, %0" : "+r"(r16) : "q"(x));
    printf("movzx 16 %02x -> %04x flags=000\n", x & 0xff, r16);
    m8 = (uint8_t)(x >> 3);
    m16 = (uint16_t)(x * 3);
    __asm__("movsbl %1, %0" : "=r"(r) : "m"(m8));
    printf("movsx 32 %02x -> %08x flags=000\n", m8, r);
    __asm__("movzwl %1, %0" : "=r"(r) : "m"(m16));
    printf("movzx 32 %04x -> %08x flags=000\n", m16, r);
    __asm__("movswl %1, %0" : "=r"(r) : "m"(m16));
    printf("movsx 32 %04x -> %08x flags=000\n", m16, r);
}

static void lea(uint32_t b, uint32_t i)
{
    uint32_t r[10];
    uint16_t w;
    __asm__("leal (%1,%2), %0" : "=r"(r[0]) : "r"(b), "r"(i));
    __asm__("leal 7(%1,%2,2), %0" : "=r"(r[1]) : "r"(b), "r"(i));
    __asm__("leal -128(%1,%2,4), %0" : "=r"(r[2]) : "r"(b), "r"(i));
    __asm__("leal 0x12345678(%1,%2,8), %0" : "=r"(r[3]) : "r"(b), "r"(i));
    __asm__("leal 0x7fffffff(,%1,8), %0" : "=r"(r[4]) : "r"(i));
    __asm__("leal -1(%1), %0" : "=r"(r[5]) : "r"(b));
    __asm__("leal 0x80000000(%1), %0" : "=r"(r[6]) : "r"(b));
    __asm__("leal (%1,%1,4), %0" : "=r"(r[7]) : "r"(b));
    __asm__("leal 0x100(%%esp,%1), %0\n\tsubl %%esp, %0" : "=&r"(r[8]) : "r"(i)); /* esp base: relative */
    __asm__("leal 0xfffff000, %0" : "=r"(r[9]));
    __asm__("leaw 3(%1,%2,4), %0" : "=r"(w) : "r"(b), "r"(i));
    printf("lea 32 %08x %08x ->", b, i);
    for (int k = 0; k < 10; k++) printf(" %08x", r[k]);
    printf(" flags=000\nlea 16 %08x %08x -> %04x flags=000\n", b, i, w);
}

static void xchg(uint32_t a, uint32_t b)
{
    uint32_t x = a, y = b;
    uint8_t p = a, q = b;
    uint16_t s = a, t = b;
    static uint32_t m;
    __asm__("xchgl %0, %1" : "+r"(x), "+r"(y));
    printf("xchg 32 %08x %08x -> %08x %08x flags=000\n", a, b, x, y);
    x = a, y = b;
    __asm__("xchgl %0, %%eax" : "+r"(x), "+a"(y)); /* 90+r short form */
    printf("xchg 32 %08x %08x -> %08x %08x flags=000\n", a, b, x, y);
    __asm__("xchgb %0, %1" : "+q"(p), "+q"(q));
    printf("xchg 8 %02x %02x -> %02x %02x flags=000\n", a & 0xff, b & 0xff, p, q);
    __asm__("xchgw %0, %1" : "+r"(s), "+r"(t));
    printf("xchg 16 %04x %04x -> %04x %04x flags=000\n", a & 0xffff, b & 0xffff, s, t);
    m = a;
    x = b;
    __asm__ volatile("xchgl %0, %1" : "+m"(m), "+r"(x));
    printf("xchg 32 %08x %08x -> %08x %08x flags=000\n", a, b, m, x);
}

int main(void)
{
    uint32_t v[32];
    int n = make_values(32, 6, v);
    for (int i = 0; i < n; i++) conv(v[i]);
    for (int i = 0; i < n; i++) ext(v[i]);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j += 2) lea(v[i], v[j]);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j += 3) xchg(v[i], v[j]);
    for (uint32_t ah = 0; ah < 256; ah++) {
        uint32_t a = ah << 8 | 0x5a, f;
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tsahf\n\tpushfl\n\tpopl %[f]" : [f] "=&r"(f) : "a"(a), [fin] "r"(ah & 1 ? FL_ALL : FL_CLEAR) : "cc");
        printf("sahf 8 %02x %03x -> %02x flags=%03x\n", ah, (ah & 1 ? FL_ALL : FL_CLEAR) & FMASK, ah, f & FMASK);
    }
    for (uint32_t combo = 0; combo < 64; combo++) {
        static const uint32_t bitsel[6] = {0x001, 0x004, 0x010, 0x040, 0x080, 0x800};
        uint32_t fin = 0x002, a = 0x12345678, f;
        for (int b = 0; b < 6; b++) if (combo >> b & 1) fin |= bitsel[b];
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\tlahf\n\tpushfl\n\tpopl %[f]" : "+a"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc");
        printf("lahf 8 %03x -> %02x flags=%03x\n", fin & FMASK, (a >> 8) & 0xff, f & FMASK);
    }
    return 0;
}
