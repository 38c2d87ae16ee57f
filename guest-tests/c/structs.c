/* structs: struct copy/assignment, structs passed and returned by value
 * (small and large - hidden return pointer), arrays of structs, unions,
 * packed structs, offsetof/sizeof, and bitfields (signed/unsigned, spanning). */
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct small { short a; char b; };
struct pair { int x, y; };
struct big { int v[20]; char name[12]; long long ll; };
struct __attribute__((packed)) packed { char c; int i; short s; };
struct bits {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    unsigned d : 1;
    signed e : 11;
};
union u { uint32_t w; uint16_t h[2]; unsigned char b[4]; };

static struct pair mkpair(int x, int y) { struct pair p = {x, y}; return p; }
static struct small mksmall(int k) { struct small s = {(short)(k * 1000), (char)k}; return s; }
static struct big mkbig(int seed)
{
    struct big b;
    for (int i = 0; i < 20; i++) b.v[i] = seed * i;
    snprintf(b.name, sizeof b.name, "big%d", seed);
    b.ll = (long long)seed << 35;
    return b;
}
static struct pair addp(struct pair a, struct pair b) { return mkpair(a.x + b.x, a.y + b.y); }
static long long bigsum(struct big b) { long long s = b.ll; for (int i = 0; i < 20; i++) s += b.v[i]; b.v[0] = 999; return s; }

int main(void)
{
    struct pair p = addp(mkpair(1, 2), mkpair(30, 40));
    printf("pair %d %d\n", p.x, p.y);
    struct small s = mksmall(7);
    printf("small %d %d size=%zu\n", s.a, s.b, sizeof s);
    struct big b = mkbig(3), c;
    c = b;
    c.v[5] = -1;
    printf("big %s ll=%lld v5=%d copy v5=%d sum=%lld after call v0=%d\n", b.name, b.ll, b.v[5], c.v[5], bigsum(b), b.v[0]);
    struct big arr[3];
    for (int i = 0; i < 3; i++) arr[i] = mkbig(i + 10);
    printf("arr[2].name=%s v19=%d memcmp(arr0,arr0)=%d\n", arr[2].name, arr[2].v[19], memcmp(&arr[0], &arr[0], sizeof arr[0]));
    printf("sizeof packed=%zu offsetof i=%zu s=%zu\n", sizeof(struct packed), offsetof(struct packed, i), offsetof(struct packed, s));
    printf("sizeof big=%zu offsetof ll=%zu\n", sizeof(struct big), offsetof(struct big, ll));
    struct packed pk = {'q', 0x12345678, -2};
    struct packed pk2 = pk;
    printf("packed copy %c %x %d\n", pk2.c, pk2.i, pk2.s);
    struct bits bf;
    memset(&bf, 0, sizeof bf);
    for (int i = -20; i <= 20; i += 5) {
        bf.a = i; bf.b = i; bf.c = i * 200; bf.d = i; bf.e = i * 100;
        printf("bits i=%d: a=%u b=%d c=%u d=%u e=%d\n", i, bf.a, bf.b, bf.c, bf.d, bf.e);
    }
    uint32_t raw;
    memset(&bf, 0, sizeof bf);
    bf.a = 5; bf.b = -3; bf.c = 0xabc; bf.d = 1; bf.e = -1000;
    memcpy(&raw, &bf, 4);
    printf("bits raw=%08x sizeof=%zu\n", raw, sizeof bf);
    union u un;
    un.w = 0x11223344;
    printf("union h0=%04x h1=%04x b0=%02x b3=%02x\n", un.h[0], un.h[1], un.b[0], un.b[3]);
    return 0;
}
