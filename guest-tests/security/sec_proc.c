/*
 * sec_proc: /proc/self/maps and /proc/self/mem must describe the guest's own
 * address space, never the VMM's host process. maps: every line's range
 * lies below 0xC0000000, a line covers main's code and one covers a global;
 * there is a [stack] line. mem: reading a global at its guest address gives
 * its bytes, writing it through mem changes it (as Linux's FOLL_FORCE
 * access does), reading or writing at 0xC0000000 or 0xC0010000 fails with
 * EIO, and a read from 0xBFFFFFF0 of 32 bytes stops at the limit (16).
 */
#include <stdio.h>
#include <string.h>
#include "sec.h"

static char secret_word[16] = "guest-own-bytes";
static char maps[65536];

int main(void)
{
    unsigned char frame[64];
    long fd, n, total = 0;
    unsigned code = (unsigned)main, data = (unsigned)secret_word;
    int lines = 0, above = 0, has_code = 0, has_data = 0, has_stack = 0;
    char *l, got[32];
    state_stack(frame);
    state_init();
    out("sec_proc\n");

    fd = SYS2(NR_open, "/proc/self/maps", 0);
    report("open /proc/self/maps", is_err(fd) ? fd : 0);
    if (!is_err(fd)) {
        while (total < (long)sizeof maps - 1 && (n = SYS3(NR_read, fd, maps + total, sizeof maps - 1 - total)) > 0) total += n;
        SYS1(NR_close, fd);
        for (l = strtok(maps, "\n"); l; l = strtok(0, "\n")) {
            unsigned lo, hi;
            if (sscanf(l, "%x-%x", &lo, &hi) != 2) { above++; continue; }
            lines++;
            if (hi > CONCEALED || lo >= hi) above++;
            if (lo <= code && code < hi && strstr(l, " r-x")) has_code = 1;
            if (lo <= data && data < hi && strstr(l, " rw-")) has_data = 1;
            if (strstr(l, "[stack]")) has_stack = 1;
        }
        outf("maps lines reaching 0xc0000000 or malformed: %d\n", above);
        outf("maps has lines: %s\n", lines > 3 ? "yes" : "no");
        outf("maps covers main (r-x): %s\n", has_code ? "yes" : "no");
        outf("maps covers a global (rw-): %s\n", has_data ? "yes" : "no");
        outf("maps has [stack]: %s\n", has_stack ? "yes" : "no");
    }

    fd = SYS2(NR_open, "/proc/self/mem", 2);                   /* O_RDWR */
    report("open /proc/self/mem", is_err(fd) ? fd : 0);
    if (!is_err(fd)) {
        memset(got, 0, sizeof got);
        n = SYS5(NR_pread64, fd, got, 16, data, 0);
        outf("mem read own global: %s %s\n", res(n), n == 16 && memcmp(got, secret_word, 16) == 0 ? "same bytes" : "DIFFERENT");
        n = SYS5(NR_pwrite64, fd, "GUEST", 5, data, 0);
        outf("mem write own global: %s %s\n", res(n), memcmp(secret_word, "GUEST-own-bytes", 16) == 0 ? "changed" : "UNCHANGED");
        report("mem read c0000000", SYS5(NR_pread64, fd, got, 16, 0xC0000000u, 0));
        report("mem read c0010000", SYS5(NR_pread64, fd, got, 16, 0xC0010000u, 0));
        report("mem read fffff000", SYS5(NR_pread64, fd, got, 16, 0xFFFFF000u, 0));
        report("mem read bffffff0 len 32", SYS5(NR_pread64, fd, got, 32, 0xBFFFFFF0u, 0));
        report("mem write c0000000", SYS5(NR_pwrite64, fd, got, 16, 0xC0000000u, 0));
        report("mem write c0010000", SYS5(NR_pwrite64, fd, "\x07\x07\x07\x07", 4, 0xC0010000u + (0xC0000000u >> 12), 0));
        report("mem read 0", SYS5(NR_pread64, fd, got, 16, 0, 0));
        SYS1(NR_close, fd);
    }
    outf("concealed:%s\n", concealed_check()[0] ? concealed_check() : " EFAULT");
    report_state();
    return 0;
}
