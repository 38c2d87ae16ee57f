/* segv: a store through a NULL pointer must raise SIGSEGV; the process
 * dies by signal 11 (shell status 139). Output before the fault is flushed. */
#include <stdio.h>

int main(void)
{
    int *volatile p = 0;
    printf("writing through NULL\n");
    fflush(stdout);
    *(volatile int *)p = 1;
    printf("not reached\n");
    return 0;
}
