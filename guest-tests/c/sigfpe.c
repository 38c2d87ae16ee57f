/* sigfpe: integer division by zero raises #DE -> SIGFPE; the process must
 * die by signal 8 (shell status 136). Output before the fault is flushed. */
#include <stdio.h>

int main(void)
{
    volatile int a = 1234, b = 0;
    printf("dividing %d by %d\n", a, b);
    fflush(stdout);
    volatile int c = a / b;
    printf("not reached %d\n", c);
    return 0;
}
