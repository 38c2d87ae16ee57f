/* bintree: pointer-based binary trees — an unbalanced BST with random inserts, lookups and deletes, and complete trees built and freed with malloc, N rounds. */
#include "bench.h"

struct tn { struct tn *l, *r; uint32_t key; };

static struct tn *insert(struct tn *t, uint32_t k)
{
    struct tn **pp = &t;
    while (*pp) {
        if (k == (*pp)->key) return t;
        pp = k < (*pp)->key ? &(*pp)->l : &(*pp)->r;
    }
    struct tn *n = malloc(sizeof *n);
    n->l = n->r = NULL; n->key = k;
    *pp = n;
    return t;
}

static int lookup(const struct tn *t, uint32_t k)
{
    while (t && t->key != k) t = k < t->key ? t->l : t->r;
    return t != NULL;
}

static struct tn *delete(struct tn *t, uint32_t k)
{
    if (!t) return NULL;
    if (k < t->key) { t->l = delete(t->l, k); return t; }
    if (k > t->key) { t->r = delete(t->r, k); return t; }
    if (!t->l || !t->r) { struct tn *c = t->l ? t->l : t->r; free(t); return c; }
    struct tn *m = t->r;
    while (m->l) m = m->l;
    t->key = m->key;
    t->r = delete(t->r, m->key);
    return t;
}

static struct tn *build(int depth)
{
    struct tn *n = malloc(sizeof *n);
    n->key = depth;
    n->l = depth ? build(depth - 1) : NULL;
    n->r = depth ? build(depth - 1) : NULL;
    return n;
}

static long check(const struct tn *t) { return t ? 1 + check(t->l) + check(t->r) : 0; }
static void release(struct tn *t) { if (t) { release(t->l); release(t->r); free(t); } }

int main(int argc, char **argv)
{
    long rounds = bench_size(argc, argv, 2, 2000);
    uint32_t sum = 0;
    long found = 0, nodes = 0;
    for (long r = 0; r < rounds; r++) {
        struct tn *t = NULL;
        for (int i = 0; i < 6000; i++) t = insert(t, rnd() % 20000);
        for (int i = 0; i < 6000; i++) found += lookup(t, rnd() % 20000);
        for (int i = 0; i < 3000; i++) t = delete(t, rnd() % 20000);
        nodes += check(t);
        release(t);
        struct tn *c = build(10 + (int)(r % 3));
        nodes += check(c);
        release(c);
        sum = mix32(sum, (uint32_t)(found * 31 + nodes));
    }
    printf("bintree rounds=%ld found=%ld nodes=%ld checksum=%08x\n", rounds, found, nodes, sum);
    return 0;
}
