/* strings: <string.h> functions - strlen strcmp strncmp strcpy strncpy strcat
 * memcpy memmove (overlapping both ways) memset memcmp strchr strrchr strstr
 * strtok strspn strcspn strdup, with results printed as text/offsets. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int sgn(int x) { return x < 0 ? -1 : x > 0; }

int main(void)
{
    static const char *words[] = {"", "a", "abc", "abd", "ab", "ABC", "hello world",
                                  "\xff\x01", "\x01\xff", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"};
    int n = sizeof words / sizeof words[0];
    for (int i = 0; i < n; i++) printf("strlen[%d]=%zu\n", i, strlen(words[i]));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            printf("cmp %d %d: %d %d %d\n", i, j, sgn(strcmp(words[i], words[j])),
                   sgn(strncmp(words[i], words[j], 2)),
                   sgn(memcmp(words[i], words[j], 1)));
    char buf[128], buf2[128];
    strcpy(buf, "The quick brown fox");
    strcat(buf, " jumps over the lazy dog");
    printf("[%s] len=%zu\n", buf, strlen(buf));
    memset(buf2, 'x', sizeof buf2);
    strncpy(buf2, "short", 10);
    printf("strncpy pad: %d %d %d %c\n", buf2[5], buf2[9], buf2[10] == 'x', buf2[11]);
    printf("strchr o: %d, strrchr o: %d, strchr nul: %d, strchr q: %s\n",
           (int)(strchr(buf, 'o') - buf), (int)(strrchr(buf, 'o') - buf),
           (int)(strchr(buf, 0) - buf), strchr(buf, 'Q') ? "found" : "null");
    printf("strstr fox: %d, the: %s, empty: %d\n", (int)(strstr(buf, "fox") - buf),
           strstr(buf, "the lazy"), (int)(strstr(buf, "") - buf));
    printf("strstr miss: %s\n", strstr(buf, "cat") ? "found" : "null");
    printf("strspn=%zu strcspn=%zu\n", strspn(buf, "TheT "), strcspn(buf, "xyz"));
    /* memmove overlapping */
    for (int k = 0; k < 4; k++) {
        char m[40];
        for (int i = 0; i < 39; i++) m[i] = 'a' + i % 26;
        m[39] = 0;
        int src = (k & 1) ? 3 : 10, dst = (k & 1) ? 10 : 3, len = 5 + k * 6;
        memmove(m + dst, m + src, len);
        printf("memmove %d->%d len %d: %s\n", src, dst, len, m);
    }
    /* memcpy of many sizes and alignments */
    unsigned char a[300], b[300];
    unsigned sum = 0;
    for (int i = 0; i < 300; i++) a[i] = (unsigned char)(i * 37 + 11);
    for (int off = 0; off < 8; off++)
        for (int len = 0; len < 200; len += 13) {
            memset(b, 0xee, sizeof b);
            memcpy(b + off, a + (7 - off), len);
            for (int i = 0; i < 300; i++) sum = sum * 31 + b[i];
        }
    printf("memcpy checksum %08x\n", sum);
    memset(b, 0, sizeof b);
    memset(b + 3, 0x5a, 250);
    sum = 0;
    for (int i = 0; i < 300; i++) sum += b[i];
    printf("memset sum %u\n", sum);
    /* strtok */
    char line[] = "  alpha,beta;;gamma , delta,,epsilon ;";
    int idx = 0;
    for (char *t = strtok(line, " ,;"); t; t = strtok(NULL, " ,;"))
        printf("tok %d: '%s'\n", idx++, t);
    char *d = strdup("duplicate me");
    d[0] = 'D';
    printf("%s\n", d);
    free(d);
    return 0;
}
