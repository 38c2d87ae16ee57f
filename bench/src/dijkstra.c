/* dijkstra: random sparse digraph in CSR form; BFS hop counts, then Dijkstra with a binary heap, from N sources. */
#include "bench.h"

enum { V = 20000, DEG = 6, E = V * DEG };
static int off[V + 1], dst[E], wt[E];
static uint32_t dist[V];
static int hops[V], queue[V];
static int heap[E + V], hpos;
static uint32_t hkey[E + V];

static void push(int v, uint32_t k)
{
    int i = hpos++;
    while (i > 0) {
        int p = (i - 1) / 2;
        if (hkey[p] <= k) break;
        heap[i] = heap[p]; hkey[i] = hkey[p]; i = p;
    }
    heap[i] = v; hkey[i] = k;
}

static int pop(uint32_t *k)
{
    int top = heap[0];
    *k = hkey[0];
    int v = heap[--hpos];
    uint32_t kv = hkey[hpos];
    int i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= hpos) break;
        if (c + 1 < hpos && hkey[c + 1] < hkey[c]) c++;
        if (kv <= hkey[c]) break;
        heap[i] = heap[c]; hkey[i] = hkey[c]; i = c;
    }
    heap[i] = v; hkey[i] = kv;
    return top;
}

int main(int argc, char **argv)
{
    long sources = bench_size(argc, argv, 1, 450);
    for (int v = 0; v < V; v++) {
        off[v] = v * DEG;
        for (int k = 0; k < DEG; k++) {
            /* mostly local edges plus a few long ones, so paths are long */
            dst[v * DEG + k] = k < 4 ? (int)((v + 1 + rnd() % 40) % V) : (int)(rnd() % V);
            wt[v * DEG + k] = 1 + rnd() % 100;
        }
    }
    off[V] = E;
    uint32_t sum = 0;
    long reach = 0, maxhop = 0;
    for (long s = 0; s < sources; s++) {
        int src = (int)((s * 7919) % V);
        for (int v = 0; v < V; v++) hops[v] = -1;
        int qh = 0, qt = 0;
        hops[src] = 0; queue[qt++] = src;
        while (qh < qt) {
            int u = queue[qh++];
            for (int e = off[u]; e < off[u + 1]; e++)
                if (hops[dst[e]] < 0) { hops[dst[e]] = hops[u] + 1; queue[qt++] = dst[e]; }
        }
        reach += qt;
        maxhop = hops[queue[qt - 1]];
        for (int v = 0; v < V; v++) dist[v] = 0xffffffffu;
        dist[src] = 0; hpos = 0; push(src, 0);
        while (hpos) {
            uint32_t k;
            int u = pop(&k);
            if (k != dist[u]) continue;
            for (int e = off[u]; e < off[u + 1]; e++) {
                uint32_t nd = k + wt[e];
                if (nd < dist[dst[e]]) { dist[dst[e]] = nd; push(dst[e], nd); }
            }
        }
        for (int v = 0; v < V; v += 37) sum = mix32(sum, dist[v]);
    }
    printf("dijkstra sources=%ld reached=%ld last_max_hops=%ld checksum=%08x\n", sources, reach, maxhop, sum);
    return 0;
}
