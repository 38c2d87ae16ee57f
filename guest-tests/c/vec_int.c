/* vec_int: integer array loops that gcc -O3 -msse2 autovectorizes (add,
 * sub, saturate, min/max, compare-and-count, widening sums, xor, shifts by
 * constant and variable counts, multiplies, averages, absolute differences,
 * narrowing and widening conversions, 64-bit adds) over byte/short/int/long
 * long arrays at several lengths and misalignments, and the string.h
 * functions glibc implements with SSE2 (memchr, strlen, memcmp, strcmp,
 * strchr, strrchr, rawmemchr-like scans, memcpy, memmove, memset, stpcpy,
 * strncmp) over many lengths and alignments; prints checksums. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 1031
#define NOINLINE __attribute__((noinline))

static uint8_t u8a[N + 64], u8b[N + 64], u8c[N + 64];
static int8_t s8a[N + 64];
static uint16_t u16a[N + 32], u16b[N + 32], u16c[N + 32];
static int16_t s16a[N + 32], s16b[N + 32], s16c[N + 32];
static uint32_t u32a[N + 16], u32b[N + 16], u32c[N + 16];
static int32_t s32a[N + 16], s32b[N + 16], s32c[N + 16];
static uint64_t u64a[N + 8], u64b[N + 8], u64c[N + 8];

static uint32_t rng = 0x12345678u;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t hash(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
    return h;
}

/* Fills the inputs with random values biased towards lane edges. */
static void fill(void)
{
    static const uint32_t edges[] = {0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff};
    for (int i = 0; i < N + 8; i++) {
        uint32_t r = next(), e = edges[r % 11];
        uint32_t x = r & 0x300 ? next() : e, y = r & 0xc00 ? next() : edges[(r >> 4) % 11];
        u8a[i] = x; u8b[i] = y; s8a[i] = x >> 8;
        u16a[i] = x; u16b[i] = y; s16a[i] = x >> 3; s16b[i] = y >> 5;
        u32a[i] = x; u32b[i] = y; s32a[i] = x ^ (y << 7); s32b[i] = y;
        u64a[i] = (uint64_t)x << (r & 31) | y; u64b[i] = (uint64_t)y * x;
    }
}

#define LOOP(name, T, body)                                                 \
    static NOINLINE void name(T *restrict c, const T *restrict a, const T *restrict b, int n) \
    {                                                                       \
        for (int i = 0; i < n; i++) body;                                   \
    }
LOOP(add8, uint8_t, c[i] = a[i] + b[i])
LOOP(sub8, uint8_t, c[i] = a[i] - b[i])
LOOP(min8, uint8_t, c[i] = a[i] < b[i] ? a[i] : b[i])
LOOP(max8, uint8_t, c[i] = a[i] > b[i] ? a[i] : b[i])
LOOP(addsat8, uint8_t, { unsigned s = a[i] + b[i]; c[i] = s > 255 ? 255 : s; })
LOOP(subsat8, uint8_t, c[i] = a[i] > b[i] ? a[i] - b[i] : 0)
LOOP(avg8, uint8_t, c[i] = (a[i] + b[i] + 1) >> 1)
LOOP(xor8, uint8_t, c[i] = a[i] ^ b[i] ^ 0x5a)
LOOP(eqmask8, uint8_t, c[i] = a[i] == b[i] ? 0xff : a[i] & 0x0f)
LOOP(add16, uint16_t, c[i] = a[i] + b[i])
LOOP(mul16, uint16_t, c[i] = a[i] * b[i])
LOOP(mulhi16, int16_t, c[i] = (a[i] * b[i]) >> 16)
LOOP(mulhiu16, uint16_t, c[i] = ((uint32_t)a[i] * b[i]) >> 16)
LOOP(min16, int16_t, c[i] = a[i] < b[i] ? a[i] : b[i])
LOOP(max16, int16_t, c[i] = a[i] > b[i] ? a[i] : b[i])
LOOP(addsats16, int16_t, { int s = a[i] + b[i]; c[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s; })
LOOP(shl16, uint16_t, c[i] = a[i] << 3)
LOOP(sar16, int16_t, c[i] = a[i] >> 5)
LOOP(shr16, uint16_t, c[i] = (a[i] >> 7) | b[i])
LOOP(add32, uint32_t, c[i] = a[i] + b[i] * 3)
LOOP(sub32, int32_t, c[i] = a[i] - b[i])
LOOP(mul32, uint32_t, c[i] = a[i] * b[i])
LOOP(min32, int32_t, c[i] = a[i] < b[i] ? a[i] : b[i])
LOOP(maxu32, uint32_t, c[i] = a[i] > b[i] ? a[i] : b[i])
LOOP(abs32, int32_t, c[i] = a[i] < 0 ? -(uint32_t)a[i] : (uint32_t)a[i])
LOOP(sar32, int32_t, c[i] = (a[i] >> 9) ^ (b[i] << 2))
LOOP(shr32, uint32_t, c[i] = (a[i] >> 13) + (b[i] >> 30))
LOOP(sel32, int32_t, c[i] = a[i] > b[i] ? a[i] & 0xffff : b[i] | 0x100)
LOOP(add64, uint64_t, c[i] = a[i] + b[i])
LOOP(sub64, uint64_t, c[i] = a[i] - (b[i] >> 3))
LOOP(shl64, uint64_t, c[i] = (a[i] << 11) ^ (b[i] >> 41))
LOOP(mulu64, uint64_t, c[i] = (a[i] & 0xffffffffu) * (b[i] & 0xffffffffu))

/* variable shift counts (psllw/psrld/psraw by an xmm count) */
static NOINLINE void shvar16(uint16_t *restrict c, const uint16_t *restrict a, int n, int s)
{
    for (int i = 0; i < n; i++) c[i] = a[i] << s;
}
static NOINLINE void sarvar32(int32_t *restrict c, const int32_t *restrict a, int n, int s)
{
    for (int i = 0; i < n; i++) c[i] = a[i] >> s;
}
static NOINLINE void shrvar32(uint32_t *restrict c, const uint32_t *restrict a, int n, int s)
{
    for (int i = 0; i < n; i++) c[i] = a[i] >> s;
}
static NOINLINE void shrvar64(uint64_t *restrict c, const uint64_t *restrict a, int n, int s)
{
    for (int i = 0; i < n; i++) c[i] = a[i] >> s;
}

/* reductions and conversions */
static NOINLINE uint32_t sum8(const uint8_t *a, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}
static NOINLINE int32_t sums8(const int8_t *a, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}
static NOINLINE uint32_t sad8(const uint8_t *a, const uint8_t *b, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    return s;
}
static NOINLINE int count_eq8(const uint8_t *a, const uint8_t *b, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += a[i] == b[i];
    return k;
}
static NOINLINE int count_gt16(const int16_t *a, const int16_t *b, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += a[i] > b[i];
    return k;
}
static NOINLINE int32_t dot16(const int16_t *a, const int16_t *b, int n)
{
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
static NOINLINE uint32_t xorred32(const uint32_t *a, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++) s ^= a[i] * 0x9e3779b1u;
    return s;
}
static NOINLINE uint64_t sum64(const uint32_t *a, int n)
{
    uint64_t s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}
static NOINLINE int32_t max32(const int32_t *a, int n)
{
    int32_t m = INT32_MIN;
    for (int i = 0; i < n; i++) m = a[i] > m ? a[i] : m;
    return m;
}
static NOINLINE uint8_t minu8(const uint8_t *a, int n)
{
    uint8_t m = 255;
    for (int i = 0; i < n; i++) m = a[i] < m ? a[i] : m;
    return m;
}
static NOINLINE void widen8to32(int32_t *restrict c, const int8_t *restrict a, int n)
{
    for (int i = 0; i < n; i++) c[i] = a[i] * 5;
}
static NOINLINE void widenu16to32(uint32_t *restrict c, const uint16_t *restrict a, int n)
{
    for (int i = 0; i < n; i++) c[i] = a[i] + 70000u;
}
static NOINLINE void narrow32to8(uint8_t *restrict c, const uint32_t *restrict a, int n)
{
    for (int i = 0; i < n; i++) c[i] = a[i] >> 4;
}
static NOINLINE void narrow16to8sat(uint8_t *restrict c, const int16_t *restrict a, int n)
{
    for (int i = 0; i < n; i++) c[i] = a[i] < 0 ? 0 : a[i] > 255 ? 255 : a[i];
}
static NOINLINE void reverse16(uint16_t *restrict c, const uint16_t *restrict a, int n)
{
    for (int i = 0; i < n; i++) c[i] = a[n - 1 - i];
}
static NOINLINE void interleave8(uint8_t *restrict c, const uint8_t *restrict a, const uint8_t *restrict b, int n)
{
    for (int i = 0; i < n; i++) { c[2 * i] = a[i]; c[2 * i + 1] = b[i]; }
}
static NOINLINE void tolower8(uint8_t *c, int n)
{
    for (int i = 0; i < n; i++) c[i] = c[i] >= 'A' && c[i] <= 'Z' ? c[i] + 32 : c[i];
}

typedef void (*loop8)(uint8_t *, const uint8_t *, const uint8_t *, int);
typedef void (*loop16)(uint16_t *, const uint16_t *, const uint16_t *, int);
typedef void (*loops16)(int16_t *, const int16_t *, const int16_t *, int);
typedef void (*loop32)(uint32_t *, const uint32_t *, const uint32_t *, int);
typedef void (*loops32)(int32_t *, const int32_t *, const int32_t *, int);
typedef void (*loop64)(uint64_t *, const uint64_t *, const uint64_t *, int);

/* Runs a lane loop at several lengths and operand misalignments; prints a checksum of the results. */
#define RUN(fn, c, a, b, T)                                                              \
    do {                                                                                 \
        uint32_t h = 0;                                                                  \
        for (int len = 0; len <= 70; len += len < 20 ? 1 : 7)                            \
            for (int off = 0; off < 4; off++) {                                          \
                memset(c, 0xee, sizeof c);                                               \
                fn(c + (off & 1), a + off, b + (off >> 1), len);                         \
                h = h * 31 + hash(c, (len + 2) * sizeof(T));                             \
            }                                                                            \
        fn(c, a, b, N);                                                                  \
        printf("%-10s %08x %08x\n", #fn, h, hash(c, N * sizeof(T)));                     \
    } while (0)

static void lanes(void)
{
    RUN(add8, u8c, u8a, u8b, uint8_t);
    RUN(sub8, u8c, u8a, u8b, uint8_t);
    RUN(min8, u8c, u8a, u8b, uint8_t);
    RUN(max8, u8c, u8a, u8b, uint8_t);
    RUN(addsat8, u8c, u8a, u8b, uint8_t);
    RUN(subsat8, u8c, u8a, u8b, uint8_t);
    RUN(avg8, u8c, u8a, u8b, uint8_t);
    RUN(xor8, u8c, u8a, u8b, uint8_t);
    RUN(eqmask8, u8c, u8a, u8b, uint8_t);
    RUN(add16, u16c, u16a, u16b, uint16_t);
    RUN(mul16, u16c, u16a, u16b, uint16_t);
    RUN(mulhi16, s16c, s16a, s16b, int16_t);
    RUN(mulhiu16, u16c, u16a, u16b, uint16_t);
    RUN(min16, s16c, s16a, s16b, int16_t);
    RUN(max16, s16c, s16a, s16b, int16_t);
    RUN(addsats16, s16c, s16a, s16b, int16_t);
    RUN(shl16, u16c, u16a, u16b, uint16_t);
    RUN(sar16, s16c, s16a, s16b, int16_t);
    RUN(shr16, u16c, u16a, u16b, uint16_t);
    RUN(add32, u32c, u32a, u32b, uint32_t);
    RUN(sub32, s32c, s32a, s32b, int32_t);
    RUN(mul32, u32c, u32a, u32b, uint32_t);
    RUN(min32, s32c, s32a, s32b, int32_t);
    RUN(maxu32, u32c, u32a, u32b, uint32_t);
    RUN(abs32, s32c, s32a, s32b, int32_t);
    RUN(sar32, s32c, s32a, s32b, int32_t);
    RUN(shr32, u32c, u32a, u32b, uint32_t);
    RUN(sel32, s32c, s32a, s32b, int32_t);
    RUN(add64, u64c, u64a, u64b, uint64_t);
    RUN(sub64, u64c, u64a, u64b, uint64_t);
    RUN(shl64, u64c, u64a, u64b, uint64_t);
    RUN(mulu64, u64c, u64a, u64b, uint64_t);

    uint32_t h = 0;
    for (int s = 0; s < 40; s += 3) {
        shvar16(u16c, u16a + (s & 3), N - s, s & 15);
        h = h * 31 + hash(u16c, 2 * N);
        sarvar32(s32c, s32a + (s & 1), N - s, s & 31);
        h = h * 31 + hash(s32c, 4 * N);
        shrvar32(u32c, u32a, N - 2 * s, s & 31);
        h = h * 31 + hash(u32c, 4 * N);
        shrvar64(u64c, u64a + (s & 1), N - s, s);
        h = h * 31 + hash(u64c, 8 * N);
    }
    printf("varshifts  %08x\n", h);

    for (int len = 1; len <= N; len = len * 3 + 1)
        for (int off = 0; off < 3; off++)
            printf("reduce %4d %d: %u %d %u %d %d %d %08x %llu %d %u\n", len, off, sum8(u8a + off, len),
                   sums8(s8a + off, len), sad8(u8a + off, u8b, len), count_eq8(u8a + off, u8b + off, len),
                   count_gt16(s16a + off, s16b, len), dot16(s16a, s16b + off, len), xorred32(u32a + off, len),
                   (unsigned long long)sum64(u32b + off, len), max32(s32a + off, len), minu8(u8b + off, len));

    widen8to32(s32c, s8a + 1, N);
    widenu16to32(u32c, u16a + 3, N);
    narrow32to8(u8c, u32a + 1, N);
    uint32_t h1 = hash(s32c, 4 * N), h2 = hash(u32c, 4 * N), h3 = hash(u8c, N);
    narrow16to8sat(u8c, s16a, N);
    reverse16(u16c, u16b + 1, N);
    uint32_t h4 = hash(u8c, N), h5 = hash(u16c, 2 * N);
    interleave8(u8c, u8a, u8b + 1, N / 2);
    uint32_t h6 = hash(u8c, N);
    for (int i = 0; i < N; i++) u8c[i] = 'A' + i % 60;
    tolower8(u8c + 1, N - 1);
    printf("convert %08x %08x %08x %08x %08x %08x %08x\n", h1, h2, h3, h4, h5, h6, hash(u8c, N));
}

/* ---- string.h over lengths and alignments ---- */
static char sa[512 + 64], sb[512 + 64];

static int sgn(int x) { return x < 0 ? -1 : x > 0; }

static void strings(void)
{
    uint32_t h = 0, hc = 0, hs = 0;
    for (int len = 0; len < 300; len += len < 70 ? 1 : 23)
        for (int al = 0; al < 16; al += len < 40 ? 1 : 5) {
            char *p = sa + al;
            for (int i = 0; i < 512 + 64; i++) sa[i] = sb[i] = 'a' + (i * 7 + len) % 26;
            p[len] = 0;
            size_t l = strlen(p);
            const char *c1 = strchr(p, 'q'), *c2 = strrchr(p, 'q'), *c3 = strchr(p, 0);
            const char *m1 = memchr(p, 'z', len), *m2 = memchr(p, 'a' + (len + 3) % 26, len + 1);
            int nl = (int)strnlen(p, len / 2 + 1);
            h = h * 31 + (uint32_t)l * 7 + (c1 ? c1 - p : 999) * 131 + (c2 ? c2 - p : 999) * 17 + (c3 - p) * 3 +
                (m1 ? m1 - p : 777) * 5 + (m2 ? m2 - p : 555) * 11 + nl;
            /* compares: equal, then one byte changed at every position class */
            char *q = sb + (al * 3 + 1) % 16;
            memcpy(q, p, len + 1);
            hc = hc * 7 + (sgn(strcmp(p, q)) + 1) + 3 * (sgn(memcmp(p, q, len)) + 1);
            for (int pos = 0; pos < len; pos += 1 + pos / 3) {
                char save = q[pos];
                q[pos] = (char)(save + (pos & 1 ? 1 : -1));
                hc = hc * 7 + (sgn(strcmp(p, q)) + 1) + 3 * (sgn(memcmp(p, q, len)) + 1) +
                     9 * (sgn(strncmp(p, q, pos + 1)) + 1) + 27 * (sgn(strncmp(p, q, pos)) + 1);
                q[pos] = (char)0x80; /* high byte: unsigned compare */
                hc = hc * 7 + (sgn(strcmp(p, q)) + 1) + 3 * (sgn(memcmp(q, p, len)) + 1);
                q[pos] = save;
            }
            /* copies */
            char *d = sb + (al * 5 + 3) % 16;
            memset(sb, '#', sizeof sb);
            memcpy(d, p, len);
            hs = hs * 31 + hash(sb, sizeof sb);
            memset(d + len / 3, al, len / 2 + 1);
            hs = hs * 31 + hash(sb, sizeof sb);
            char *e = stpcpy(d + 1, p);
            hs = hs * 31 + hash(sb, sizeof sb) + (uint32_t)(e - d);
            memmove(sb + 5, sb + 5 + al, len);  /* overlapping, forward */
            memmove(sb + 9 + al, sb + 2, len);  /* overlapping, backward */
            hs = hs * 31 + hash(sb, sizeof sb);
            sb[sizeof sb - 1] = 0;
            strcpy(sa, sb + 40);
            hs = hs * 31 + hash(sa, sizeof sa);
        }
    printf("strings scan %08x compare %08x copy %08x\n", h, hc, hs);
}

int main(void)
{
    fill();
    lanes();
    strings();
    return 0;
}
