/* funcptr: function pointers and callbacks - dispatch tables, callbacks with
 * context pointers, functions returning function pointers, and a
 * map/filter/reduce over an array via indirect calls. */
#include <stdio.h>

typedef int (*binop)(int, int);
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int maxf(int a, int b) { return a > b ? a : b; }
static int minf(int a, int b) { return a < b ? a : b; }

static const struct { const char *name; binop f; } table[] = {
    {"add", add}, {"sub", sub}, {"mul", mul}, {"max", maxf}, {"min", minf}};

static binop pick(char c)
{
    switch (c) { case '+': return add; case '-': return sub; case '*': return mul; }
    return 0;
}

static int reduce(const int *v, int n, binop f, int init)
{
    for (int i = 0; i < n; i++) init = f(init, v[i]);
    return init;
}

struct ctx { int threshold; int hits; };
static void each(const int *v, int n, void (*cb)(int, void *), void *c)
{
    for (int i = 0; i < n; i++) cb(v[i], c);
}
static void count_above(int x, void *p)
{
    struct ctx *c = p;
    if (x > c->threshold) c->hits++;
}

int main(void)
{
    int v[] = {5, -3, 12, 7, 0, 9, -8, 4};
    int n = 8;
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
        printf("%s reduce = %d, %s(17,5) = %d\n", table[i].name,
               reduce(v, n, table[i].f, table[i].f == mul ? 1 : 0), table[i].name,
               table[i].f(17, 5));
    const char *expr = "3+4*2-5*6+1";
    int acc = expr[0] - '0';
    for (const char *p = expr + 1; *p; p += 2) acc = pick(p[0])(acc, p[1] - '0');
    printf("left-to-right %s = %d\n", expr, acc);
    for (int t = -5; t <= 10; t += 5) {
        struct ctx c = {t, 0};
        each(v, n, count_above, &c);
        printf("above %d: %d\n", t, c.hits);
    }
    int (*volatile fp)(const char *, ...) = printf;
    fp("called printf through a pointer: %d\n", 99);
    return 0;
}
