/* wordfreq: string processing — tokenize generated text, count words in a chained FNV-1a hash table, then rank the top 10. */
#include "bench.h"

struct ent { struct ent *next; uint32_t h; int count; char w[24]; };
enum { BUCKETS = 4096, MAXW = 16384 };
static struct ent *tab[BUCKETS], pool[MAXW];
static int used;

static uint32_t fnv(const char *s, int n) { uint32_t h = 2166136261u; while (n--) h = (h ^ (uint8_t)*s++) * 16777619u; return h; }

static void count(const char *s, int n)
{
    uint32_t h = fnv(s, n);
    for (struct ent *e = tab[h % BUCKETS]; e; e = e->next)
        if (e->h == h && strncmp(e->w, s, n) == 0 && e->w[n] == 0) { e->count++; return; }
    if (used == MAXW) return;
    struct ent *e = &pool[used++];
    memcpy(e->w, s, n); e->w[n] = 0;
    e->h = h; e->count = 1;
    e->next = tab[h % BUCKETS]; tab[h % BUCKETS] = e;
}

static int cmp(const void *x, const void *y)
{
    const struct ent *a = *(struct ent *const *)x, *b = *(struct ent *const *)y;
    return a->count != b->count ? b->count - a->count : strcmp(a->w, b->w);
}

int main(int argc, char **argv)
{
    long chunks = bench_size(argc, argv, 4, 1800);
    static const char *syl[] = { "ka", "to", "ri", "ne", "su", "mo", "la", "pe", "chi", "dan", "or", "u", "ex", "ba", "zo", "qui" };
    static char text[65536];
    for (long c = 0; c < chunks; c++) {
        int n = 0;
        while (n < (int)sizeof text - 40) {
            int k = 1 + (rnd() % 7 == 0) + (int)(rnd() % 3);
            for (int i = 0; i < k; i++) for (const char *p = syl[(rnd() >> 3) % 16 * (i + 1) % 16]; *p; p++) text[n++] = *p;
            text[n++] = (rnd() % 11 == 0) ? '.' : ' ';
            if (rnd() % 13 == 0) text[n++] = '\n';
        }
        text[n] = 0;
        for (int i = 0; i < n;) {
            while (i < n && !(text[i] >= 'a' && text[i] <= 'z')) i++;
            int s = i;
            while (i < n && text[i] >= 'a' && text[i] <= 'z') i++;
            if (i > s && i - s < 24) count(text + s, i - s);
        }
    }
    static struct ent *all[MAXW];
    for (int i = 0; i < used; i++) all[i] = &pool[i];
    qsort(all, used, sizeof *all, cmp);
    uint32_t sum = 0;
    for (int i = 0; i < used; i++) sum = mix32(sum, fnv(all[i]->w, (int)strlen(all[i]->w)) ^ (uint32_t)all[i]->count);
    printf("wordfreq chunks=%ld distinct=%d top=", chunks, used);
    for (int i = 0; i < 10 && i < used; i++) printf("%s%s:%d", i ? "," : "", all[i]->w, all[i]->count);
    printf(" checksum=%08x\n", sum);
    return 0;
}
