/* fileio: file system syscalls in ./cdvm-io-test-tmp (under the cwd) -
 * mkdir open/creat write lseek(SET/CUR/END) read pread stat fstat rename
 * unlink umask, opendir/readdir listing sorted by name, ENOENT/EEXIST, rmdir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#define D "cdvm-io-test-tmp"

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(void)
{
    DIR *d = opendir(D);
    if (!d) { printf("opendir failed errno=%d\n", errno); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmpstr);
    printf("listing (%d):", n);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

int main(void)
{
    umask(022);
    printf("mkdir: %d\n", mkdir(D, 0755));
    int rc = mkdir(D, 0755);
    printf("mkdir again: %d %s\n", rc, errno == EEXIST ? "EEXIST" : "?");
    int fd = open(D "/a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    printf("open a.txt ok=%d\n", fd >= 0);
    const char *msg = "hello, file system\nsecond line\n";
    printf("write=%zd\n", write(fd, msg, strlen(msg)));
    printf("lseek cur=%ld\n", (long)lseek(fd, 0, SEEK_CUR));
    printf("lseek 100=%ld\n", (long)lseek(fd, 100, SEEK_SET));
    printf("write at 100=%zd\n", write(fd, "END", 3));
    close(fd);
    struct stat st;
    rc = stat(D "/a.txt", &st);
    printf("stat=%d size=%ld isreg=%d isdir=%d\n", rc, (long)st.st_size,
           S_ISREG(st.st_mode), S_ISDIR(st.st_mode));
    printf("perm=%o\n", (unsigned)(st.st_mode & 0777));
    fd = open(D "/a.txt", O_RDWR);
    char buf[200];
    memset(buf, '#', sizeof buf);
    ssize_t r = read(fd, buf, sizeof buf);
    printf("read=%zd hole_bytes_zero=%d tail=%.3s\n", r, buf[50] == 0 && buf[99] == 0, buf + 100);
    printf("lseek end-3=%ld\n", (long)lseek(fd, -3, SEEK_END));
    r = read(fd, buf, 10);
    printf("read=%zd '%.*s'\n", r, (int)r, buf);
    printf("read at eof=%zd\n", read(fd, buf, 10));
    r = pread(fd, buf, 5, 7);
    long pos = (long)lseek(fd, 0, SEEK_CUR);
    printf("pread=%zd '%.*s' pos=%ld\n", r, (int)r, buf, pos);
    rc = fstat(fd, &st);
    printf("fstat=%d size=%ld\n", rc, (long)st.st_size);
    printf("ftruncate=%d\n", ftruncate(fd, 12));
    fstat(fd, &st);
    printf("size after truncate=%ld\n", (long)st.st_size);
    close(fd);
    /* a few more files */
    static const char *names[] = {"zeta", "alpha", "Mid", "b2", "b10"};
    for (int i = 0; i < 5; i++) {
        char p[64];
        snprintf(p, sizeof p, D "/%s", names[i]);
        FILE *f = fopen(p, "w");
        fprintf(f, "file %d %s\n", i, names[i]);
        fclose(f);
    }
    printf("mkdir sub=%d\n", mkdir(D "/sub", 0700));
    list();
    printf("rename=%d\n", rename(D "/a.txt", D "/renamed.txt"));
    rc = stat(D "/a.txt", &st);
    printf("stat old=%d errno=%s\n", rc, errno == ENOENT ? "ENOENT" : "?");
    FILE *f = fopen(D "/renamed.txt", "r");
    printf("fgets: %s", fgets(buf, sizeof buf, f));
    fclose(f);
    f = fopen(D "/zeta", "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen(D "/zeta", "r");
    while (fgets(buf, sizeof buf, f)) printf("zeta: %s", buf);
    fclose(f);
    list();
    rc = rmdir(D);
    printf("rmdir nonempty=%d %s\n", rc, errno == ENOTEMPTY ? "ENOTEMPTY" : "?");
    printf("unlink renamed=%d\n", unlink(D "/renamed.txt"));
    for (int i = 0; i < 5; i++) {
        char p[64];
        snprintf(p, sizeof p, D "/%s", names[i]);
        printf("unlink %s=%d\n", names[i], unlink(p));
    }
    printf("rmdir sub=%d\n", rmdir(D "/sub"));
    list();
    printf("rmdir=%d\n", rmdir(D));
    rc = stat(D, &st);
    printf("stat gone=%d %s\n", rc, errno == ENOENT ? "ENOENT" : "?");
    return 0;
}
