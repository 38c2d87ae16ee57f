/* exit42: exit status propagation - prints a line, registers an atexit
 * handler that prints too (stdout must be flushed at exit), then returns 42
 * from main. Expected status 42. */
#include <stdio.h>
#include <stdlib.h>

static void bye(void) { printf("atexit handler ran\n"); }

int main(void)
{
    atexit(bye);
    printf("about to return 42\n");
    return 42;
}
