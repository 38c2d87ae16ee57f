/* smc_read: new code arrives in a page of previously executed (and hot)
 * code through the kernel: read() from a pipe, then read() from a file,
 * then read() into the page after it was made read+exec only (EFAULT,
 * code unchanged). Each version is called in a loop and its sum printed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef unsigned (*fn_t)(unsigned);

static unsigned run(fn_t f, unsigned n)
{
    unsigned s = 0;
    for (unsigned k = 0; k < n; k++) s = s * 33 + f(k);
    return s;
}

int main(void)
{
    unsigned char *page = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    fn_t f = (fn_t)(page + 32);

    /* v1: mov eax, 111; ret */
    static const unsigned char v1[] = { 0xb8, 111, 0, 0, 0, 0xc3 };
    memcpy(page + 32, v1, sizeof v1);
    printf("v1: %08x\n", run(f, 1000));

    /* v2 through a pipe: mov eax,[esp+4]; imul eax,eax,7; add eax,3; ret */
    static const unsigned char v2[] = { 0x8b, 0x44, 0x24, 0x04, 0x6b, 0xc0, 0x07, 0x83, 0xc0, 0x03, 0xc3 };
    int p[2];
    if (pipe(p) != 0) { printf("pipe failed\n"); return 1; }
    if (write(p[1], v2, sizeof v2) != (ssize_t)sizeof v2) { printf("write failed\n"); return 1; }
    ssize_t got = read(p[0], page + 32, sizeof v2);
    printf("read from pipe: %zd\n", got);
    printf("v2: %08x\n", run(f, 1000));

    /* v3 from a file, overwriting just the imul's immediate and the add's: imul by 9, add 5 */
    const char *name = "smc_read.code";
    int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0) { printf("open failed\n"); return 1; }
    static const unsigned char patch[] = { 0x09, 0x83, 0xc0, 0x05 };
    if (write(fd, patch, sizeof patch) != (ssize_t)sizeof patch) { printf("file write failed\n"); return 1; }
    lseek(fd, 0, SEEK_SET);
    got = read(fd, page + 32 + 6, sizeof patch);
    printf("read from file: %zd\n", got);
    printf("v3: %08x\n", run(f, 1000));

    /* Many small reads alternating two versions while the code stays hot. */
    unsigned s = 0;
    for (unsigned k = 0; k < 200; k++) {
        unsigned char imm = 2 + k % 11;
        if (write(p[1], &imm, 1) != 1 || read(p[0], page + 32 + 6, 1) != 1) { printf("pipe io failed\n"); return 1; }
        s = s * 5 + run(f, 20);
    }
    printf("alternating: %08x\n", s);

    /* read() into the page after it became read+exec only: EFAULT, the code is unchanged. */
    if (mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) { printf("mprotect failed\n"); return 1; }
    lseek(fd, 0, SEEK_SET);
    errno = 0;
    got = read(fd, page + 32 + 6, sizeof patch);
    printf("read into r-x page: %zd %s\n", got, errno == EFAULT ? "EFAULT" : "unexpected");
    printf("v4: %08x\n", run(f, 1000));
    close(fd);
    unlink(name);
    return 0;
}
