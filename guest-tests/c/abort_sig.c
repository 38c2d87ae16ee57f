/* abort_sig: abort() raises SIGABRT (via tgkill on the current thread) and
 * the process dies by signal 6 (shell status 134). Output is flushed first. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("calling abort\n");
    fflush(stdout);
    abort();
}
