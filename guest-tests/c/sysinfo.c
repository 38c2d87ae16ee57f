/* sysinfo: simple system calls with deterministic reporting - time(NULL) >
 * 1500000000, gettimeofday/clock_gettime sanity, getpid/getppid > 0, uname
 * sysname/machine class, getcwd non-empty, getuid==geteuid, open() of a
 * missing file -> errno ENOENT and strerror text, isatty(1). */
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sys/time.h>
#include <sys/utsname.h>

int main(void)
{
    time_t t = time(NULL);
    printf("time > 1500000000: %d\n", t > 1500000000);
    struct timeval tv;
    int rc = gettimeofday(&tv, NULL);
    printf("gettimeofday=%d sane=%d\n", rc, tv.tv_sec > 1500000000 && tv.tv_usec < 1000000);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (volatile int i = 0; i < 100000; i++) {}
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic nondecreasing: %d\n", b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    printf("getpid>0: %d getppid>=0: %d\n", getpid() > 0, getppid() >= 0);
    printf("getuid==geteuid: %d getgid==getegid: %d\n", getuid() == geteuid(), getgid() == getegid());
    struct utsname u;
    rc = uname(&u);
    printf("uname=%d sysname=%s\n", rc, u.sysname);
    printf("machine is x86: %d\n", strstr(u.machine, "86") != NULL);
    char cwd[4096];
    cwd[0] = 0;
    int ok = getcwd(cwd, sizeof cwd) != NULL;
    printf("getcwd ok: %d absolute: %d\n", ok, cwd[0] == '/');
    errno = 0;
    int fd = open("/nonexistent-cdvm-dir/missing-file", O_RDONLY);
    int e = errno;
    printf("open missing: fd=%d errno=%d ENOENT=%d\n", fd, e, e == ENOENT);
    printf("strerror(ENOENT)=%s\n", strerror(ENOENT));
    printf("strerror(EACCES)=%s\n", strerror(EACCES));
    printf("strerror(EBADF)=%s\n", strerror(EBADF));
    errno = 0;
    rc = close(-1);
    e = errno;
    printf("close(-1)=%d errno=%d\n", rc, e);
    errno = 0;
    ssize_t w = write(99, "x", 1);
    e = errno;
    printf("write to bad fd=%zd errno is EBADF: %d\n", w, e == EBADF);
    printf("isatty(1)=%d\n", isatty(1));
    printf("sysconf pagesize=%ld\n", sysconf(_SC_PAGESIZE));
    return 0;
}
