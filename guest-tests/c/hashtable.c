/* hashtable: a chained hash table with string keys (FNV-1a), malloc'd
 * nodes, insert/update/lookup/delete, resize on load factor, and a
 * deterministic dump sorted by key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

struct node { char *key; int val; struct node *next; };
static struct node **tab;
static unsigned cap, count;

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}
static void grow(void)
{
    unsigned nc = cap ? cap * 2 : 8;
    struct node **nt = calloc(nc, sizeof *nt);
    for (unsigned i = 0; i < cap; i++)
        for (struct node *n = tab[i], *nx; n; n = nx) {
            nx = n->next;
            unsigned b = fnv(n->key) & (nc - 1);
            n->next = nt[b];
            nt[b] = n;
        }
    free(tab);
    tab = nt;
    cap = nc;
}
static struct node *find(const char *k)
{
    if (!cap) return NULL;
    for (struct node *n = tab[fnv(k) & (cap - 1)]; n; n = n->next)
        if (strcmp(n->key, k) == 0) return n;
    return NULL;
}
static void put(const char *k, int v)
{
    struct node *n = find(k);
    if (n) { n->val = v; return; }
    if (count + 1 > cap * 3 / 4) grow();
    n = malloc(sizeof *n);
    n->key = strdup(k);
    n->val = v;
    unsigned b = fnv(k) & (cap - 1);
    n->next = tab[b];
    tab[b] = n;
    count++;
}
static int del(const char *k)
{
    if (!cap) return 0;
    for (struct node **pp = &tab[fnv(k) & (cap - 1)]; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->key, k) == 0) {
            struct node *n = *pp;
            *pp = n->next;
            free(n->key);
            free(n);
            count--;
            return 1;
        }
    return 0;
}
static int cmpn(const void *a, const void *b)
{
    return strcmp((*(struct node *const *)a)->key, (*(struct node *const *)b)->key);
}

int main(void)
{
    char k[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof k, "key%d", (i * 7919) % 3000);
        struct node *n = find(k);
        put(k, n ? n->val + i : i);
    }
    printf("count=%u cap=%u\n", count, cap);
    for (int i = 0; i < 3000; i += 3) { snprintf(k, sizeof k, "key%d", i); del(k); }
    printf("after delete count=%u del-missing=%d\n", count, del("nope"));
    static const char *probe[] = {"key0", "key1", "key2", "key2998", "key1500", "key1501", "zzz"};
    for (int i = 0; i < 7; i++) {
        struct node *n = find(probe[i]);
        printf("%s -> %s%d\n", probe[i], n ? "" : "missing ", n ? n->val : 0);
    }
    struct node **all = malloc(count * sizeof *all);
    unsigned m = 0;
    int64_t total = 0;
    unsigned maxchain = 0;
    for (unsigned i = 0; i < cap; i++) {
        unsigned len = 0;
        for (struct node *n = tab[i]; n; n = n->next) { all[m++] = n; total += n->val; len++; }
        if (len > maxchain) maxchain = len;
    }
    qsort(all, m, sizeof *all, cmpn);
    for (unsigned i = 0; i < m; i += 250) printf("%s=%d\n", all[i]->key, all[i]->val);
    printf("total=%lld maxchain<=16: %d\n", (long long)total, maxchain <= 16);
    return 0;
}
