/* list_chase: pointer chasing — a singly linked list whose nodes are scattered over the heap in random order, walked and spliced N times. */
#include "bench.h"

struct node { struct node *next; uint32_t val; uint32_t pad[2]; };
enum { N = 50000 };

int main(int argc, char **argv)
{
    long walks = bench_size(argc, argv, 40, 12000);
    struct node *nodes = malloc(N * sizeof *nodes);
    static int perm[N];
    if (!nodes) return 2;
    for (int i = 0; i < N; i++) perm[i] = i;
    for (int i = N - 1; i > 0; i--) { int j = rnd() % (i + 1), t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
    for (int i = 0; i < N; i++) {
        nodes[perm[i]].val = (uint32_t)i * 2654435761u;
        nodes[perm[i]].next = i + 1 < N ? &nodes[perm[i + 1]] : NULL;
    }
    struct node *head = &nodes[perm[0]];
    uint32_t sum = 0;
    for (long w = 0; w < walks; w++) {
        uint32_t s = 0;
        long len = 0;
        for (struct node *p = head; p; p = p->next) { s += p->val ^ (uint32_t)len; len++; }
        sum = mix32(sum, s);
        /* splice: move the node after a random position to the front */
        struct node *p = head;
        for (uint32_t k = rnd() % 64; k && p->next && p->next->next; k--) p = p->next;
        struct node *m = p->next;
        if (m) { p->next = m->next; m->next = head; head = m; }
        if (len != N) { puts("list_chase: lost nodes"); return 1; }
    }
    printf("list_chase walks=%ld head=%u checksum=%08x\n", walks, head->val, sum);
    free(nodes);
    return 0;
}
