/* wordcount: reads all of stdin with read(2) in small chunks and counts
 * lines, words, bytes (like wc), plus letter frequencies and the longest
 * word. Run with stdin = a text fixture. */
#include <stdio.h>
#include <unistd.h>
#include <ctype.h>
#include <string.h>

int main(void)
{
    unsigned char buf[37]; /* odd size: words straddle chunk boundaries */
    long lines = 0, words = 0, bytes = 0;
    long freq[26] = {0};
    int inword = 0, curlen = 0, maxlen = 0;
    char cur[128], longest[128] = "";
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            int c = buf[i];
            bytes++;
            if (c == '\n') lines++;
            if (isalpha(c)) freq[tolower(c) - 'a']++;
            if (isspace(c)) {
                if (inword && curlen > maxlen) { maxlen = curlen; cur[curlen < 127 ? curlen : 127] = 0; strcpy(longest, cur); }
                inword = 0;
            } else {
                if (!inword) { words++; curlen = 0; }
                if (curlen < 127) cur[curlen] = (char)c;
                curlen++;
                inword = 1;
            }
        }
    }
    if (inword && curlen > maxlen) { maxlen = curlen; cur[curlen < 127 ? curlen : 127] = 0; strcpy(longest, cur); }
    printf("%7ld %7ld %7ld\n", lines, words, bytes);
    for (int i = 0; i < 26; i++) if (freq[i]) printf("%c=%ld%c", 'a' + i, freq[i], i % 8 == 7 ? '\n' : ' ');
    printf("\nlongest word (%d): %s\n", maxlen, longest);
    return 0;
}
