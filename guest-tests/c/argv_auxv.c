/* argv_auxv: process start-up state - argc, argv[1..], one env var via getenv,
 * the number of envp entries, and auxv values via getauxval: AT_PAGESZ,
 * AT_RANDOM nonzero, AT_EXECFN basename, AT_UID/AT_EUID equality. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/auxv.h>

int main(int argc, char **argv, char **envp)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\"\n", i, argv[i]);
    printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
    const char *v = getenv("CDVM_TEST_VAR");
    printf("CDVM_TEST_VAR=%s\n", v ? v : "(unset)");
    int ne = 0;
    while (envp[ne]) ne++;
    printf("envc=%d\n", ne);
    printf("AT_PAGESZ=%lu\n", getauxval(AT_PAGESZ));
    printf("AT_RANDOM nonzero=%d\n", getauxval(AT_RANDOM) != 0);
    printf("AT_PHDR nonzero=%d AT_ENTRY nonzero=%d\n", getauxval(AT_PHDR) != 0, getauxval(AT_ENTRY) != 0);
    printf("AT_UID==AT_EUID: %d\n", getauxval(AT_UID) == getauxval(AT_EUID));
    const char *fn = (const char *)getauxval(AT_EXECFN);
    if (fn) {
        const char *s = strrchr(fn, '/');
        printf("AT_EXECFN basename=%s\n", s ? s + 1 : fn);
    } else {
        printf("AT_EXECFN missing\n");
    }
    return 0;
}
