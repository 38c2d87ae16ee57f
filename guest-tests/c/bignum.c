/* bignum: arbitrary-precision unsigned arithmetic with uint32 limbs -
 * schoolbook multiply via 64-bit products, add with carry, division by a
 * small number for decimal conversion: prints 100!, 2^1000 and fib(500). */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define L 120
typedef struct { uint32_t d[L]; int n; } big;

static void set(big *a, uint32_t v) { memset(a, 0, sizeof *a); a->d[0] = v; a->n = 1; }
static void mul(big *r, const big *a, const big *b)
{
    uint32_t t[2 * L] = {0};
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->n; j++) {
            uint64_t cur = (uint64_t)a->d[i] * b->d[j] + t[i + j] + carry;
            t[i + j] = (uint32_t)cur;
            carry = cur >> 32;
        }
        t[i + b->n] = (uint32_t)carry;
    }
    int n = a->n + b->n;
    while (n > 1 && t[n - 1] == 0) n--;
    memset(r, 0, sizeof *r);
    memcpy(r->d, t, n * sizeof t[0]);
    r->n = n;
}
static void add(big *r, const big *a, const big *b)
{
    uint64_t carry = 0;
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        uint64_t s = (uint64_t)a->d[i] + b->d[i] + carry;
        r->d[i] = (uint32_t)s;
        carry = s >> 32;
    }
    if (carry) r->d[n++] = 1;
    r->n = n;
}
static void print(const char *label, const big *a)
{
    big t = *a;
    char digits[1300];
    int nd = 0;
    do {
        uint64_t rem = 0;
        for (int i = t.n - 1; i >= 0; i--) {
            uint64_t cur = (rem << 32) | t.d[i];
            t.d[i] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        while (t.n > 1 && t.d[t.n - 1] == 0) t.n--;
        for (int k = 0; k < 9; k++) { digits[nd++] = '0' + rem % 10; rem /= 10; }
    } while (t.n > 1 || t.d[0]);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    printf("%s (%d digits) = ", label, nd);
    while (nd) putchar(digits[--nd]);
    printf("\nhex: ");
    printf("%x", a->d[a->n - 1]);
    for (int i = a->n - 2; i >= 0; i--) printf("%08x", a->d[i]);
    printf("\n");
}

int main(void)
{
    big f, k;
    set(&f, 1);
    for (uint32_t i = 2; i <= 100; i++) { set(&k, i); mul(&f, &f, &k); }
    print("100!", &f);
    big p, two;
    set(&p, 1);
    set(&two, 2);
    for (int i = 0; i < 1000; i++) mul(&p, &p, &two);
    print("2^1000", &p);
    big a, b, c;
    set(&a, 0);
    set(&b, 1);
    for (int i = 0; i < 500; i++) { add(&c, &a, &b); a = b; b = c; }
    print("fib(500)", &a);
    big sq;
    mul(&sq, &f, &f);
    print("(100!)^2", &sq);
    return 0;
}
