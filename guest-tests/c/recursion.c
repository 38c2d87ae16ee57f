/* recursion: deep and branching recursion - ackermann(2..3, n), naive fib,
 * towers of hanoi (move list for 4 discs, move count for 18), and mutual
 * recursion (is_even/is_odd) to depth 100000 to exercise the stack. */
#include <stdio.h>

static unsigned ack(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}
static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static unsigned long moves;
static void hanoi(int n, char a, char b, char c, int print)
{
    if (n == 0) return;
    hanoi(n - 1, a, c, b, print);
    moves++;
    if (print) printf("move disc %d %c->%c\n", n, a, c);
    hanoi(n - 1, b, a, c, print);
}
static int is_odd(volatile unsigned n);
static int __attribute__((noinline)) is_even(volatile unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int __attribute__((noinline)) is_odd(volatile unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

int main(void)
{
    for (unsigned m = 0; m <= 3; m++)
        for (unsigned n = 0; n <= 5; n++) printf("ack(%u,%u)=%u\n", m, n, ack(m, n));
    for (unsigned i = 0; i <= 27; i += 3) printf("fib(%u)=%u\n", i, fib(i));
    hanoi(4, 'A', 'B', 'C', 1);
    moves = 0;
    hanoi(18, 'A', 'B', 'C', 0);
    printf("hanoi(18) moves=%lu\n", moves);
    printf("is_even(100000)=%d is_odd(77777)=%d\n", is_even(100000), is_odd(77777));
    return 0;
}
