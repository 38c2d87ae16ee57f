/* envvars: environment manipulation - getenv of variables given by the test
 * runner, setenv (overwrite and not), putenv, unsetenv, clearenv; then
 * environ is walked and printed in sorted order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void dump(const char *label)
{
    int n = 0;
    while (environ && environ[n]) n++;
    char **copy = malloc((n + 1) * sizeof *copy);
    for (int i = 0; i < n; i++) copy[i] = environ[i];
    qsort(copy, n, sizeof *copy, cmp);
    printf("%s (%d):\n", label, n);
    for (int i = 0; i < n; i++) printf("  %s\n", copy[i]);
    free(copy);
}
static void show(const char *k)
{
    const char *v = getenv(k);
    printf("getenv(%s)=%s\n", k, v ? v : "(null)");
}

int main(void)
{
    dump("initial");
    show("HOME");
    show("GREETING");
    show("MISSING");
    printf("setenv new=%d\n", setenv("NEWVAR", "one", 0));
    show("NEWVAR");
    printf("setenv no-overwrite=%d\n", setenv("NEWVAR", "two", 0));
    show("NEWVAR");
    printf("setenv overwrite=%d\n", setenv("NEWVAR", "three", 1));
    show("NEWVAR");
    static char pe[] = "PUTVAR=from putenv";
    printf("putenv=%d\n", putenv(pe));
    show("PUTVAR");
    pe[7] = 'F'; /* putenv keeps the pointer: change is visible */
    show("PUTVAR");
    printf("setenv empty value=%d\n", setenv("EMPTY", "", 1));
    show("EMPTY");
    printf("setenv bad name=%d\n", setenv("A=B", "x", 1));
    dump("after sets");
    printf("unsetenv GREETING=%d\n", unsetenv("GREETING"));
    show("GREETING");
    printf("unsetenv missing=%d\n", unsetenv("NOT_THERE"));
    dump("after unset");
    clearenv();
    dump("after clearenv");
    setenv("ONLY", "1", 1);
    dump("final");
    return 0;
}
