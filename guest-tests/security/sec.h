/*
 * Shared by the security probes (the .c files of guest-tests/security): raw int 0x80
 * syscalls that also check the kernel left every register but EAX as it
 * was, one-line probe reports ("<probe>: <result>", the result an errno
 * name, a number or a word), the concealed-region check every memory probe
 * ends with, and a canary check of the program's own state.
 *
 * Output goes through write(2) directly (no stdio buffering), so the lines
 * printed before a fatal signal are all there.
 */
#ifndef SEC_H
#define SEC_H

#include <string.h>

#define CONCEALED 0xC0000000u          /* GUEST_LIMIT: TASK_SIZE of a 3G/1G i386 kernel */

/* i386 syscall numbers used by the probes (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
    NR_exit = 1, NR_read = 3, NR_write = 4, NR_open = 5, NR_close = 6, NR_link = 9, NR_unlink = 10,
    NR_chdir = 12, NR_time = 13, NR_lseek = 19, NR_chmod = 15, NR_access = 33, NR_rename = 38, NR_mkdir = 39, NR_rmdir = 40,
    NR_pipe = 42, NR_times = 43, NR_brk = 45, NR_setrlimit = 75, NR_getrusage = 77,
    NR_gettimeofday = 78, NR_symlink = 83, NR_readlink = 85, NR_mmap = 90, NR_munmap = 91,
    NR_truncate = 92, NR_statfs = 99, NR_sysinfo = 116, NR_uname = 122, NR_mprotect = 125,
    NR_fchdir = 133, NR__llseek = 140, NR_getdents = 141, NR__newselect = 142, NR_readv = 145,
    NR_writev = 146, NR_nanosleep = 162, NR_mremap = 163, NR_poll = 168, NR_rt_sigaction = 174,
    NR_rt_sigprocmask = 175, NR_pread64 = 180, NR_pwrite64 = 181, NR_getcwd = 183,
    NR_sigaltstack = 186, NR_sendfile = 187, NR_ugetrlimit = 191, NR_mmap2 = 192, NR_stat64 = 195,
    NR_lstat64 = 196, NR_fstat64 = 197, NR_madvise = 219, NR_getdents64 = 220,
    NR_set_thread_area = 243, NR_clock_gettime = 265, NR_clock_getres = 266,
    NR_clock_nanosleep = 267, NR_statfs64 = 268, NR_fstatfs64 = 269, NR_openat = 295,
    NR_mkdirat = 296, NR_fstatat64 = 300, NR_renameat = 302, NR_linkat = 303, NR_symlinkat = 304,
    NR_readlinkat = 305, NR_utimensat = 320, NR_pipe2 = 331, NR_prlimit64 = 340,
    NR_getrandom = 355, NR_statx = 383, NR_faccessat2 = 439,
};

/* Number of syscalls after which some register other than EAX had changed. */
extern int sec_clobbered;
long sec_sys(long nr, long a, long b, long c, long d, long e, long f);

#define SYS0(n) sec_sys(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) sec_sys(n, (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) sec_sys(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) sec_sys(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) sec_sys(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SYS5(n, a, b, c, d, e) sec_sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SYS6(n, a, b, c, d, e, f) sec_sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static inline int is_err(long r) { return (unsigned long)r > 0xfffff000ul; }

void out(const char *s);
void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "EFAULT" for -14, the decimal value otherwise. */
const char *res(long r);
/* Prints "<probe>: <result>". */
void report(const char *probe, long r);
/* snprintf into one of four rotating static buffers. */
const char *P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* write(2) of 16 bytes from each concealed address into a pipe: "" when all
 * give EFAULT, else " LEAK <addr>=<result>" for the first that did not. */
const char *concealed_check(void);

/* A 64-byte pattern in .data and one on main's stack; state_ok() compares both. */
void state_stack(unsigned char *frame64);
void state_init(void);
int state_ok(void);
/* Prints "syscall registers: ok" / "state: ok" (or what broke). */
void report_state(void);

#endif
