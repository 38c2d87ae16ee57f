/*
 * sec_ptrs: syscalls that take a pointer, each given pointers into the
 * concealed region (0xC0000000 register file, 0xC0010000 permission table,
 * 0xFFFFF000 top page) and one that starts below 0xC0000000 and crosses it:
 * a buffer at 0xBFFFFFF0 of 32 bytes, a struct at 0xBFFFFFFC (0xBFFFFFFE for
 * the 4-byte ones: time's time_t, sendfile's off_t; select's fd_set is 64
 * bits), a string at 0xBFFFFFF0 whose 16 bytes below the limit
 * are 'a' (no NUL before the limit). An i386 kernel checks the whole range
 * against TASK_SIZE (access_ok) before copying, so every probe must give
 * EFAULT: each line is "<syscall> <argument> <pointer>: EFAULT". The
 * program works in a directory of its own (cwd must be writable), ends
 * with the register and state checks and "probes: N".
 */
#include "sec.h"

#define AT_FDCWD (-100)

enum kind { BUF, STRUCT, STR, WORD };
struct probe { const char *name; enum kind kind; };

static int fd_file, fd_dir, pipe_rw[2];
static char buf[4096];

static long run(int i, unsigned p, unsigned len)
{
    unsigned iov[2] = {p, len};
    switch (i) {
    case 0: SYS3(NR_lseek, fd_file, 0, 0); return SYS3(NR_read, fd_file, p, len);
    case 1: return SYS3(NR_write, pipe_rw[1], p, len);
    case 2: return SYS5(NR_pread64, fd_file, p, len, 0, 0);
    case 3: return SYS5(NR_pwrite64, fd_file, p, len, 0, 0);
    case 4: SYS3(NR_lseek, fd_file, 0, 0); return SYS3(NR_readv, fd_file, iov, 1);
    case 5: return SYS3(NR_writev, pipe_rw[1], iov, 1);
    case 6: SYS3(NR_lseek, fd_file, 0, 0); return SYS3(NR_readv, fd_file, p, 1);
    case 7: return SYS3(NR_writev, pipe_rw[1], p, 1);
    case 8: return SYS2(NR_open, p, 0);
    case 9: return SYS3(NR_openat, AT_FDCWD, p, 0);
    case 10: return SYS2(NR_stat64, p, buf);
    case 11: return SYS2(NR_stat64, "f", p);
    case 12: return SYS2(NR_lstat64, "f", p);
    case 13: return SYS2(NR_fstat64, fd_file, p);
    case 14: return SYS4(NR_fstatat64, AT_FDCWD, "f", p, 0);
    case 15: return SYS5(NR_statx, AT_FDCWD, "f", 0, 0x7ff, p);
    case 16: return SYS3(NR_statfs64, ".", 84, p);
    case 17: return SYS3(NR_fstatfs64, fd_file, 84, p);
    case 18: return SYS2(NR_access, p, 0);
    case 19: return SYS4(NR_faccessat2, AT_FDCWD, p, 0, 0);
    case 20: return SYS3(NR_readlink, "lnk", p, len);
    case 21: return SYS3(NR_readlink, p, buf, 64);
    case 22: return SYS4(NR_readlinkat, AT_FDCWD, "lnk", p, len);
    case 23: return SYS2(NR_getcwd, p, 4096);
    case 24: SYS5(NR__llseek, fd_dir, 0, 0, buf, 0); return SYS3(NR_getdents64, fd_dir, p, 4096);
    case 25: SYS5(NR__llseek, fd_dir, 0, 0, buf, 0); return SYS3(NR_getdents, fd_dir, p, 4096);
    case 26: return SYS1(NR_uname, p);
    case 27: return SYS2(NR_gettimeofday, p, 0);
    case 28: return SYS2(NR_gettimeofday, 0, p);
    case 29: return SYS2(NR_clock_gettime, 1, p);
    case 30: return SYS2(NR_clock_getres, 1, p);
    case 31: return SYS1(NR_time, p);
    case 32: return SYS1(NR_times, p);
    case 33: return SYS1(NR_sysinfo, p);
    case 34: return SYS2(NR_getrusage, 0, p);
    case 35: return SYS2(NR_ugetrlimit, 3, p);
    case 36: return SYS4(NR_prlimit64, 0, 3, 0, p);
    case 37: return SYS4(NR_prlimit64, 0, 4, p, 0);
    case 38: return SYS1(NR_pipe, p);
    case 39: return SYS2(NR_pipe2, p, 0);
    case 40: return SYS4(NR_rt_sigaction, 10, p, 0, 8);
    case 41: return SYS4(NR_rt_sigaction, 10, 0, p, 8);
    case 42: return SYS4(NR_rt_sigprocmask, 0, p, 0, 8);
    case 43: return SYS4(NR_rt_sigprocmask, 0, 0, p, 8);
    case 44: return SYS2(NR_sigaltstack, p, 0);
    case 45: return SYS2(NR_nanosleep, p, 0);
    case 46: return SYS4(NR_clock_nanosleep, 1, 0, p, 0);
    case 47: return SYS3(NR_getrandom, p, len, 0);
    case 48: return SYS3(NR_poll, p, 1, 0);
    case 49: return SYS5(NR__newselect, 64, p, 0, 0, 0);
    case 50: return SYS5(NR__llseek, fd_file, 0, 0, p, 0);
    case 51: return SYS4(NR_sendfile, pipe_rw[1], fd_file, p, 16);
    case 52: return SYS4(NR_utimensat, AT_FDCWD, "f", p, 0);
    case 53: return SYS1(NR_set_thread_area, p);
    case 54: return SYS1(NR_mmap, p);
    case 55: return SYS2(NR_mkdir, p, 0755);
    case 56: return SYS1(NR_unlink, p);
    case 57: return SYS1(NR_chdir, p);
    case 58: return SYS2(NR_rename, "f", p);
    case 59: return SYS2(NR_symlink, "f", p);
    case 60: return SYS2(NR_truncate, p, 0);
    case 61: return SYS2(NR_chmod, p, 0644);
    }
    return -38;
}

static const struct probe probes[] = {
    {"read file", BUF}, {"write pipe", BUF}, {"pread64 file", BUF}, {"pwrite64 file", BUF},
    {"readv iov_base", BUF}, {"writev iov_base", BUF}, {"readv iov", STRUCT}, {"writev iov", STRUCT},
    {"open path", STR}, {"openat path", STR}, {"stat64 path", STR}, {"stat64 buf", STRUCT},
    {"lstat64 buf", STRUCT}, {"fstat64 buf", STRUCT}, {"fstatat64 buf", STRUCT}, {"statx buf", STRUCT},
    {"statfs64 buf", STRUCT}, {"fstatfs64 buf", STRUCT}, {"access path", STR}, {"faccessat2 path", STR},
    {"readlink buf", BUF}, {"readlink path", STR}, {"readlinkat buf", BUF}, {"getcwd buf", BUF},
    {"getdents64 buf", BUF}, {"getdents buf", BUF}, {"uname buf", STRUCT}, {"gettimeofday tv", STRUCT},
    {"gettimeofday tz", STRUCT}, {"clock_gettime ts", STRUCT}, {"clock_getres ts", STRUCT}, {"time tloc", WORD},
    {"times buf", STRUCT}, {"sysinfo buf", STRUCT}, {"getrusage buf", STRUCT}, {"ugetrlimit buf", STRUCT},
    {"prlimit64 old", STRUCT}, {"prlimit64 new", STRUCT}, {"pipe fds", STRUCT}, {"pipe2 fds", STRUCT},
    {"rt_sigaction act", STRUCT}, {"rt_sigaction oldact", STRUCT}, {"rt_sigprocmask set", STRUCT},
    {"rt_sigprocmask oldset", STRUCT}, {"sigaltstack ss", STRUCT}, {"nanosleep req", STRUCT},
    {"clock_nanosleep req", STRUCT}, {"getrandom buf", BUF}, {"poll fds", STRUCT}, {"select readfds", STRUCT},
    {"_llseek result", STRUCT}, {"sendfile offset", WORD}, {"utimensat times", STRUCT},
    {"set_thread_area desc", STRUCT}, {"mmap (old) args", STRUCT}, {"mkdir path", STR}, {"unlink path", STR},
    {"chdir path", STR}, {"rename newpath", STR}, {"symlink linkpath", STR}, {"truncate path", STR},
    {"chmod path", STR},
};

static const unsigned concealed_ptrs[] = {0xC0000000u, 0xC0010000u, 0xFFFFF000u};

int main(void)
{
    unsigned char frame[64];
    unsigned i, j, n = 0;
    const char *dir = "sec_ptrs.d";
    state_stack(frame);
    state_init();
    out("sec_ptrs\n");
    /* Its own directory with a name long enough that getcwd crosses the limit from 0xBFFFFFF8. */
    SYS2(NR_mkdir, dir, 0755);
    SYS1(NR_chdir, dir);
    fd_file = SYS3(NR_open, "f", 0102, 0644);                 /* O_RDWR|O_CREAT */
    for (i = 0; i < 64; i++) buf[i] = (char)('A' + i % 26);
    SYS3(NR_write, fd_file, buf, 64);
    SYS2(NR_symlink, "a-symlink-target-longer-than-thirty-two-bytes", "lnk");
    fd_dir = SYS3(NR_open, ".", 0200000, 0);                 /* O_DIRECTORY */
    SYS1(NR_pipe, pipe_rw);
    /* The 16 bytes below the limit (the top of the initial stack): no NUL, so a string there crosses it. */
    memset((char *)(CONCEALED - 16), 'a', 16);

    for (i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        for (j = 0; j < 4; j++) {
            unsigned p, len = 16;
            long r;
            if (j < 3) p = concealed_ptrs[j];
            else if (probes[i].kind == STRUCT) p = CONCEALED - 4;
            else if (probes[i].kind == WORD) p = CONCEALED - 2;
            else if (i == 23) p = CONCEALED - 8;
            else { p = CONCEALED - 16; len = 32; }
            r = run(i, p, len);
            if (r > 0 && (i == 1 || i == 5 || i == 51)) SYS3(NR_read, pipe_rw[0], buf, sizeof buf);
            outf("%s %08x: %s\n", probes[i].name, p, res(r));
            n++;
        }
    }
    SYS1(NR_unlink, "lnk");
    SYS1(NR_unlink, "f");
    SYS1(NR_chdir, "..");
    SYS1(NR_rmdir, dir);
    report_state();
    outf("probes: %u\n", n);
    return 0;
}
