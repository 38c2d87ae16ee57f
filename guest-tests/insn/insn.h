/* insn.h: shared helpers for the instruction-level tests (included by each
 * insn program; everything is static so each program stays self-contained).
 * Output line format:
 *   <mnemonic> <size> <operands in hex...> -> <results in hex...> flags=<hex>
 * where flags = EFLAGS after the instruction & 0x8d5 (CF PF AF ZF SF OF). */
#ifndef CDVM_INSN_H
#define CDVM_INSN_H
#include <stdio.h>
#include <stdint.h>

#define FMASK 0x8d5u
/* EFLAGS patterns loaded (popf) before an instruction: all six arithmetic
 * flags clear, or all six set (bit 1 is the always-one reserved bit). */
#define FL_CLEAR 0x002u
#define FL_ALL 0x8d7u

/* edge-case operands; truncated and de-duplicated per operand size */
static const uint32_t edge_values[] = {0, 1, 0xffffffffu, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
                                       0xffff, 0x7fffffffu, 0x80000000u};

static uint32_t xs_state = 0x2545f491u;
static __attribute__((unused)) uint32_t xs_next(void)
{
    xs_state ^= xs_state << 13;
    xs_state ^= xs_state >> 17;
    xs_state ^= xs_state << 5;
    return xs_state;
}

static __attribute__((unused)) uint32_t size_mask(int size) { return size == 32 ? 0xffffffffu : (1u << size) - 1; }

/* Fill v[] with the edge values for `size` plus `nrand` PRNG values (the
 * PRNG is re-seeded, so the list depends only on size and nrand). */
static __attribute__((unused)) int make_values(int size, int nrand, uint32_t *v)
{
    int n = 0;
    uint32_t m = size_mask(size);
    for (unsigned i = 0; i < sizeof edge_values / sizeof edge_values[0]; i++) {
        uint32_t x = edge_values[i] & m;
        int dup = 0;
        for (int k = 0; k < n; k++) dup |= v[k] == x;
        if (!dup) v[n++] = x;
    }
    xs_state = 0x2545f491u ^ (uint32_t)size;
    for (int i = 0; i < nrand; i++) v[n++] = xs_next() & m;
    return n;
}

/* hex digits for a value of the given bit size */
#define W(size) ((size) / 4)

/* BIN3(name, "op"): name_8/_16/_32(a, b, fin, &flags) run "op b, a" (AT&T:
 * op src, dst) after loading EFLAGS=fin; returns the destination.
 * UN3(name, "op"): the same for one-operand instructions (b is ignored). */
#define BIN3(name, op)                                                                \
    static uint32_t name##_8(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)            \
    {                                                                                       \
        uint8_t x = a, y = b;                                                               \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "b %[y], %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+q"(x), [f] "=&r"(f) : [y] "q"(y), [fin] "r"(fin) : "cc");    \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_16(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)           \
    {                                                                                       \
        uint16_t x = a, y = b;                                                              \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w %[y], %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [fin] "r"(fin) : "cc");    \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_32(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)           \
    {                                                                                       \
        uint32_t x = a, y = b;                                                              \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %[y], %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : [y] "r"(y), [fin] "r"(fin) : "cc");    \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }

#define UN3(name, op)                                                                       \
    static uint32_t name##_8(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)            \
    {                                                                                       \
        uint8_t x = a;                                                                      \
        uint32_t f;                                                                         \
        (void)b;                                                                            \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "b %[x]\n\tpushfl\n\tpopl %[f]"      \
                         : [x] "+q"(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_16(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)           \
    {                                                                                       \
        uint16_t x = a;                                                                     \
        uint32_t f;                                                                         \
        (void)b;                                                                            \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w %[x]\n\tpushfl\n\tpopl %[f]"      \
                         : [x] "+r"(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_32(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fo)           \
    {                                                                                       \
        uint32_t x = a;                                                                     \
        uint32_t f;                                                                         \
        (void)b;                                                                            \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %[x]\n\tpushfl\n\tpopl %[f]"      \
                         : [x] "+r"(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }

/* SH3(name, "op"): shift/rotate by CL (name_8/_16/_32), by one (name_by1_32),
 * by imm8 (name_imm7_8, name_imm17_16) and by imm8 on memory (name_imm13_m32). */
#define SH3(name, op)                                                                       \
    static uint32_t name##_8(uint32_t a, uint8_t c, uint32_t fin, uint32_t *fo)             \
    {                                                                                       \
        uint8_t x = a;                                                                      \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "b %%cl, %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+q"(x), [f] "=&r"(f) : "c"(c), [fin] "r"(fin) : "cc");       \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_16(uint32_t a, uint8_t c, uint32_t fin, uint32_t *fo)            \
    {                                                                                       \
        uint16_t x = a;                                                                     \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w %%cl, %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : "c"(c), [fin] "r"(fin) : "cc");       \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    static uint32_t name##_32(uint32_t a, uint8_t c, uint32_t fin, uint32_t *fo)            \
    {                                                                                       \
        uint32_t x = a;                                                                     \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %%cl, %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : "c"(c), [fin] "r"(fin) : "cc");       \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    /* D1 /r: shift by one (no count operand) */                                        \
    static uint32_t name##_by1_32(uint32_t a, uint32_t fin, uint32_t *fo)                   \
    {                                                                                       \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l %[x]\n\tpushfl\n\tpopl %[f]"      \
                         : [x] "+r"(a), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return a;                                                                           \
    }                                                                                       \
    /* C0 /r ib: 8-bit shift by imm8 7 */                                                   \
    static uint32_t name##_imm7_8(uint32_t a, uint32_t fin, uint32_t *fo)                   \
    {                                                                                       \
        uint8_t x = a;                                                                      \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "b $7, %[x]\n\tpushfl\n\tpopl %[f]"  \
                         : [x] "+q"(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    /* C1 /r ib: 16-bit shift by imm8 17 (masked to 17: result 0 for shl/shr) */           \
    static uint32_t name##_imm17_16(uint32_t a, uint32_t fin, uint32_t *fo)                 \
    {                                                                                       \
        uint16_t x = a;                                                                     \
        uint32_t f;                                                                         \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "w $17, %[x]\n\tpushfl\n\tpopl %[f]" \
                         : [x] "+r"(x), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return x;                                                                           \
    }                                                                                       \
    /* C1 /r ib on memory: 32-bit shift by imm8 13 */                                       \
    static uint32_t name##_imm13_m32(uint32_t a, uint32_t fin, uint32_t *fo)                \
    {                                                                                       \
        static uint32_t m;                                                                  \
        uint32_t f;                                                                         \
        m = a;                                                                              \
        __asm__ volatile("pushl %[fin]\n\tpopfl\n\t" op "l $13, %[m]\n\tpushfl\n\tpopl %[f]" \
                         : [m] "+m"(m), [f] "=&r"(f) : [fin] "r"(fin) : "cc");               \
        *fo = f & FMASK;                                                                    \
        return m;                                                                           \
    }

/* The packed integer ops of MMX and SSE2 alike (sse_int adds the quadword unpacks), for X(op). */
#define SHARED_INT_BINOPS(X)                                                                        \
    X(paddb) X(paddw) X(paddd) X(paddq) X(psubb) X(psubw) X(psubd) X(psubq)                         \
    X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubsb) X(psubsw) X(psubusb) X(psubusw)             \
    X(pcmpeqb) X(pcmpeqw) X(pcmpeqd) X(pcmpgtb) X(pcmpgtw) X(pcmpgtd)                               \
    X(pminub) X(pmaxub) X(pminsw) X(pmaxsw) X(pavgb) X(pavgw)                                       \
    X(pmullw) X(pmulhw) X(pmulhuw) X(pmuludq) X(pmaddwd) X(psadbw)                                  \
    X(pand) X(pandn) X(por) X(pxor) X(packsswb) X(packssdw) X(packuswb)                             \
    X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpckhbw) X(punpckhwd) X(punpckhdq)
/* The shifts of both, by register, memory and imm8 counts. */
#define SHARED_SHIFTOPS(X) X(psllw) X(pslld) X(psllq) X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad)

#endif

