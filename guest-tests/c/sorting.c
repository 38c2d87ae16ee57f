/* sorting: hand-written sorting algorithms (insertion, shell, heap, merge,
 * quick, counting/radix) on the same fixed-seed data; all must agree and
 * checksums are printed. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#define N 3000
static int32_t orig[N], a[N], tmp[N];

static void insertion(int32_t *v, int n)
{
    for (int i = 1; i < n; i++) {
        int32_t x = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > x) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
}
static void shell(int32_t *v, int n)
{
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++) {
            int32_t x = v[i];
            int j = i;
            for (; j >= gap && v[j - gap] > x; j -= gap) v[j] = v[j - gap];
            v[j] = x;
        }
}
static void sift(int32_t *v, int i, int n)
{
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < n && v[l] > v[m]) m = l;
        if (l + 1 < n && v[l + 1] > v[m]) m = l + 1;
        if (m == i) return;
        int32_t t = v[i]; v[i] = v[m]; v[m] = t;
        i = m;
    }
}
static void heap(int32_t *v, int n)
{
    for (int i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
    for (int e = n - 1; e > 0; e--) { int32_t t = v[0]; v[0] = v[e]; v[e] = t; sift(v, 0, e); }
}
static void merge(int32_t *v, int n)
{
    if (n < 2) return;
    int h = n / 2;
    merge(v, h);
    merge(v + h, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
    while (i < h) tmp[k++] = v[i++];
    while (j < n) tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}
static void quick(int32_t *v, int lo, int hi)
{
    while (lo < hi) {
        int32_t p = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < p) i++;
            while (v[j] > p) j--;
            if (i <= j) { int32_t t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quick(v, lo, j); lo = i; } else { quick(v, i, hi); hi = j; }
    }
}
static void radix(int32_t *v, int n)
{
    for (int shift = 0; shift < 32; shift += 8) {
        unsigned cnt[257] = {0};
        for (int i = 0; i < n; i++) cnt[(((uint32_t)v[i] ^ 0x80000000u) >> shift & 0xff) + 1]++;
        for (int i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
        for (int i = 0; i < n; i++) tmp[cnt[((uint32_t)v[i] ^ 0x80000000u) >> shift & 0xff]++] = v[i];
        memcpy(v, tmp, n * sizeof *v);
    }
}
static void report(const char *name)
{
    uint32_t h = 2166136261u;
    int sorted = 1;
    for (int i = 0; i < N; i++) { h = (h ^ (uint32_t)a[i]) * 16777619u; if (i && a[i - 1] > a[i]) sorted = 0; }
    printf("%-9s sorted=%d hash=%08x first=%d last=%d mid=%d\n", name, sorted, h, a[0], a[N - 1], a[N / 2]);
}

int main(void)
{
    uint32_t s = 88172645u;
    for (int i = 0; i < N; i++) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        orig[i] = (i % 5 == 0) ? (int32_t)(s % 100) - 50 : (int32_t)s;
    }
    memcpy(a, orig, sizeof a); insertion(a, N); report("insertion");
    memcpy(a, orig, sizeof a); shell(a, N); report("shell");
    memcpy(a, orig, sizeof a); heap(a, N); report("heap");
    memcpy(a, orig, sizeof a); merge(a, N); report("merge");
    memcpy(a, orig, sizeof a); quick(a, 0, N - 1); report("quick");
    memcpy(a, orig, sizeof a); radix(a, N); report("radix");
    return 0;
}
