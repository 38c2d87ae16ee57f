/* qsort_bsearch: libc qsort on ints (with duplicates), strings and structs
 * (multi-key comparator), then bsearch for present and absent keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}
struct rec { char name[8]; int age; int id; };
static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;
    if (x->age != y->age) return x->age < y->age ? 1 : -1; /* age descending */
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->id - y->id;
}

int main(void)
{
    static int v[1000];
    unsigned s = 7;
    for (int i = 0; i < 1000; i++) { s = s * 1103515245u + 12345u; v[i] = (int)(s >> 8) % 2000 - 1000; }
    qsort(v, 1000, sizeof v[0], cmp_int);
    int ok = 1;
    unsigned h = 0;
    for (int i = 1; i < 1000; i++) if (v[i - 1] > v[i]) ok = 0;
    for (int i = 0; i < 1000; i++) h = h * 33 + (unsigned)v[i];
    printf("ints sorted=%d hash=%08x min=%d max=%d median=%d\n", ok, h, v[0], v[999], v[500]);
    for (int key = -1000; key <= 1000; key += 125) {
        int *p = bsearch(&key, v, 1000, sizeof v[0], cmp_int);
        printf("bsearch %d: %s\n", key, p ? "found" : "absent");
    }
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "apple", "date",
                           "elderberry", "grape", "Apple", "kiwi", "", "lemon"};
    int nw = sizeof words / sizeof words[0];
    qsort(words, nw, sizeof words[0], cmp_str);
    for (int i = 0; i < nw; i++) printf("%s%s", i ? " " : "", words[i]);
    printf("\n");
    const char *key = "fig";
    const char **f = bsearch(&key, words, nw, sizeof words[0], cmp_str);
    printf("fig at %d\n", f ? (int)(f - words) : -1);
    struct rec r[12];
    const char *names[] = {"bob", "amy", "cat", "dan"};
    for (int i = 0; i < 12; i++) {
        strcpy(r[i].name, names[(i * 7) % 4]);
        r[i].age = 20 + (i * 5) % 3;
        r[i].id = 100 - i;
    }
    qsort(r, 12, sizeof r[0], cmp_rec);
    for (int i = 0; i < 12; i++) printf("%s/%d/%d\n", r[i].name, r[i].age, r[i].id);
    return 0;
}
