/* switch_table: dense switch statements compiled to jump tables (indirect
 * jmp through a table), inside loops, plus a sparse switch and a
 * state machine; prints a checksum and a sample of results. */
#include <stdio.h>

static __attribute__((noinline)) int op(int sel, int x)
{
    switch (sel) {
    case 0: return x + 1;
    case 1: return x * 3;
    case 2: return x ^ 0x55;
    case 3: return x - 7;
    case 4: return x << 2;
    case 5: return x >> 1;
    case 6: return ~x;
    case 7: return x & 0xff0f;
    case 8: return x | 0x1000;
    case 9: return x * x;
    case 10: return -x;
    case 11: return x / 3;
    case 12: return x % 1000;
    case 13: return x + 0x1234;
    case 14: return (x << 3) | (x >> 29);
    case 15: return 0;
    default: return x;
    }
}

static __attribute__((noinline)) const char *sparse(int v)
{
    switch (v) {
    case 1: return "one";
    case 100: return "hundred";
    case 1000: return "thousand";
    case -5: return "minus five";
    case 65536: return "64k";
    default: return "other";
    }
}

int main(void)
{
    int x = 1;
    unsigned sum = 0;
    for (int i = 0; i < 100000; i++) {
        x = op((i * 7 + (x & 3)) % 17, x);
        sum = sum * 31 + (unsigned)x;
        if (i % 10000 == 0) printf("i=%d x=%d\n", i, x);
    }
    printf("sum=%08x\n", sum);
    static const int probes[] = {1, 2, 100, 1000, -5, 65536, 0, 99};
    for (unsigned i = 0; i < 8; i++) printf("sparse(%d)=%s\n", probes[i], sparse(probes[i]));
    /* state machine: count words/numbers in text */
    const char *txt = "abc 123 de4 56  7x  yz 89 ";
    int state = 0, words = 0, nums = 0;
    for (const char *p = txt; *p; p++) {
        int cls = (*p >= '0' && *p <= '9') ? 1 : (*p == ' ') ? 2 : 0;
        switch (state * 3 + cls) {
        case 0: state = 1; break;      /* idle, letter */
        case 1: state = 2; break;      /* idle, digit */
        case 2: break;                 /* idle, space */
        case 3: case 4: break;         /* in word */
        case 5: words++; state = 0; break;
        case 6: state = 1; break;      /* in number, letter -> becomes word */
        case 7: break;
        case 8: nums++; state = 0; break;
        }
    }
    printf("words=%d nums=%d\n", words, nums);
    return 0;
}
