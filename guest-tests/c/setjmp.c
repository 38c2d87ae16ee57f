/* setjmp: setjmp/longjmp - return values (including longjmp(env, 0) -> 1),
 * unwinding out of deep recursion, volatile locals preserved, nested jmp_bufs,
 * and sigsetjmp/siglongjmp without signal mask saving. */
#include <stdio.h>
#include <setjmp.h>

static jmp_buf env, env2;
static int depth_reached;

static void dive(int d)
{
    char pad[64];
    pad[0] = (char)d;
    depth_reached = d + (pad[0] - (char)d);
    if (d == 500) longjmp(env, d);
    if (d > 100000) return;
    dive(d + 1);
}

static int inner(int x)
{
    if (setjmp(env2) == 0) {
        if (x > 2) longjmp(env2, x * 10);
        return x;
    }
    return -x;
}

int main(void)
{
    volatile int counter = 0;
    int r = setjmp(env);
    printf("setjmp returned %d counter=%d\n", r, counter);
    counter++;
    if (counter < 4) longjmp(env, counter == 3 ? 0 : counter * 7);
    r = setjmp(env);
    if (r == 0) dive(0);
    printf("dive unwound r=%d depth=%d\n", r, depth_reached);
    for (int i = 0; i < 5; i++) printf("inner(%d)=%d\n", i, inner(i));
    sigjmp_buf sj;
    volatile int n = 0;
    if (sigsetjmp(sj, 0) < 5) {
        n++;
        siglongjmp(sj, n);
    }
    printf("siglongjmp loop n=%d\n", n);
    return 0;
}
