/* malloc_mmap: large allocations (several MB) served by mmap in glibc malloc;
 * touches all pages, frees them, and checks that the memory was really
 * munmap'ed: write(2) from the freed address into a pipe must fail with EFAULT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <errno.h>
#include <malloc.h>

int main(void)
{
    int fds[2];
    if (pipe(fds) != 0) { printf("pipe failed\n"); return 1; }
    static const size_t sizes[] = {1u << 20, 3u << 20, 5u << 20, 8u << 20 | 12345, 16u << 20};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        volatile size_t vsz = sizes[i];
        size_t sz = vsz;
        unsigned char *p = malloc(sz);
        if (!p) { printf("malloc %zu failed\n", sz); return 1; }
        uint32_t sum = 0;
        for (size_t k = 0; k < sz; k += 4096) p[k] = (unsigned char)(k >> 12);
        p[sz - 1] = 0x77;
        for (size_t k = 0; k < sz; k += 4096) sum += p[k];
        sum += p[sz - 1];
        struct mallinfo2 mi = mallinfo2();
        printf("size=%zu sum=%u mmapped_chunks=%zu\n", sz, sum, mi.hblks);
        /* the middle of the block, page-aligned, is certainly inside the mapping */
        unsigned char *probe = (unsigned char *)(((uintptr_t)p + sz / 2) & ~(uintptr_t)4095);
        ssize_t w = write(fds[1], probe, 1);
        printf("  write from live block: %zd\n", w);
        if (w == 1) { char c; if (read(fds[0], &c, 1) != 1) printf("read failed\n"); }
        free(p);
        errno = 0;
        w = write(fds[1], probe, 1);
        printf("  write from freed block: %zd errno=%s\n", w,
               errno == EFAULT ? "EFAULT" : errno == 0 ? "0" : "other");
        if (w == 1) { char c; if (read(fds[0], &c, 1) != 1) printf("read failed\n"); }
    }
    /* realloc of a large block grows it (mremap path) and keeps content */
    unsigned char *q = malloc(2u << 20);
    for (size_t k = 0; k < (2u << 20); k += 1000) q[k] = (unsigned char)k;
    q = realloc(q, 10u << 20);
    int bad = 0;
    for (size_t k = 0; k < (2u << 20); k += 1000) if (q[k] != (unsigned char)k) bad++;
    memset(q + (2u << 20), 0xab, 8u << 20);
    printf("realloc grow bad=%d last=%02x\n", bad, q[(10u << 20) - 1]);
    q = realloc(q, 4096);
    printf("realloc shrink first=%02x\n", q[0]);
    free(q);
    struct mallinfo2 mi = mallinfo2();
    printf("final mmapped_chunks=%zu\n", mi.hblks);
    return 0;
}
