/* dhrystone: a synthetic systems-code mix in the spirit of Dhrystone (written for cdvm) — record copies through pointers, enums and switches, bounded string copy and compare, small procedure calls, global and 2-D array updates. */
#include "bench.h"

typedef enum { RED, GREEN, BLUE, CYAN, MAGENTA } colour;
struct rec {
    struct rec *link;
    colour col;
    int num;
    int vals[4];
    char name[32];
};

static int glob_int, arr1[64], arr2[64][64];
static char glob_ch, buf_a[32], buf_b[32];
static struct rec *glob_rec;

static colour classify(char c1, char c2)
{
    return c1 != c2 ? RED : (c1 == 'A' ? GREEN : BLUE);
}

static int compare_names(const char *s1, const char *s2)
{
    int i = 2;
    while (i <= 2) if (classify(s1[i], s2[i + 1]) == RED) i++; else i += 3;
    if (strcmp(s1, s2) > 0) { glob_int = i + 7; return 1; }
    return 0;
}

static colour next_colour(colour c, int n)
{
    switch (c) {
    case RED: return n > 100 ? BLUE : GREEN;
    case GREEN: return n & 1 ? CYAN : RED;
    case BLUE: return MAGENTA;
    case CYAN: return GREEN;
    default: return RED;
    }
}

static void update_arrays(int *a1, int a2[64][64], int x, int y)
{
    int loc = x + 5;
    a1[loc] = y;
    a1[loc + 1] = a1[loc];
    a1[loc + 30] = loc;
    for (int i = loc; i <= loc + 1; i++) a2[loc][i] = loc;
    a2[loc][loc - 1] += 1;
    a2[loc + 20][loc] = a1[loc];
    glob_int = 5;
}

static void proc_rec(struct rec *r)
{
    struct rec *next = r->link;
    *next = *glob_rec;
    r->num = 5;
    next->num = r->num;
    next->link = r->link;
    if (next->col == RED) { next->num = 6; next->col = next_colour(r->col, glob_int); next->link = glob_rec->link; }
    else *r = *r->link;
}

int main(int argc, char **argv)
{
    long loops = bench_size(argc, argv, 40000, 27000000);
    struct rec *r1 = calloc(1, sizeof *r1), *r2 = calloc(1, sizeof *r2);
    glob_rec = r1;
    r1->link = r2;
    r1->col = RED;
    r1->num = 40;
    strcpy(r1->name, "CDVM BENCHMARK, SOME STRING");
    strcpy(buf_a, "CDVM BENCHMARK, 1'ST STRING");
    uint32_t sum = 0;
    for (long i = 1; i <= loops; i++) {
        int x = 2, y = 3, z;
        strcpy(buf_b, (i & 1) ? "CDVM BENCHMARK, 2'ND STRING" : "CDVM BENCHMARK, 3'RD STRING");
        int bigger = !compare_names(buf_a, buf_b);
        while (x < y) { z = 5 * x - y; x++; y += (z & 1) && x < 3; }
        z = x * y;
        update_arrays(arr1, arr2, x, z);
        r1->link = r2;
        proc_rec(r1);
        for (char c = 'A'; c <= glob_ch; c++) if (classify(c, 'C') == RED) glob_int += c;
        glob_ch = (char)('A' + (i % 3));
        z = (int)(i % 7) * x / (y ? y : 1) - bigger;
        r1->vals[i & 3] += z;
        sum = mix32(sum, (uint32_t)(z + glob_int + r1->num + r2->col));
    }
    printf("dhrystone loops=%ld glob_int=%d arr=%d,%d checksum=%08x\n", loops, glob_int, arr1[8], arr2[8][7], sum);
    return 0;
}
