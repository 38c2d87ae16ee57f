/*
 * sec_root HOSTDIR: every way out of the guest's root (cdvm --root
 * HOSTDIR/root; natively, chroot HOSTDIR/root) tried from inside, on the
 * tree root-fixture.sh builds: ".." beyond the root, absolute host paths,
 * host-made and guest-made symlinks (absolute and relative) pointing out,
 * openat/fchdir with directory fds, faccessat2 with AT_SYMLINK_NOFOLLOW on
 * links to host files (it must answer about the link, not probe the
 * target), and link/rename/symlink/mkdir/truncate/chmod aimed outward.
 * Each line is "<probe>: <result>": an errno name, 0, or for an open that
 * succeeds the file's first line. Nothing outside the root may be read or
 * changed (the test also checks the host tree afterwards).
 */
#include <stdio.h>
#include <string.h>
#include "sec.h"

#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_SYMLINK_FOLLOW 0x400
#define O_RDONLY 0
#define O_WRONLY 1
#define O_CREAT 0100
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define R_OK 4

static const char *host;

/* "<first line>" of an fd opened by r, or r's errno. */
static const char *opened(long r)
{
    static char b[64];
    long n;
    if (is_err(r)) return res(r);
    n = SYS3(NR_read, r, b, sizeof b - 1);
    SYS1(NR_close, r);
    if (is_err(n)) return res(n);
    b[n] = 0;
    if (strchr(b, '\n')) *strchr(b, '\n') = 0;
    return n ? b : "(empty)";
}

static void open_probe(const char *path)
{
    outf("open %s: %s\n", path, opened(SYS2(NR_open, path, O_RDONLY)));
}

static void hostpath_probe(const char *what, const char *rest)
{
    char p[512];
    snprintf(p, sizeof p, "%s%s", host, rest);
    outf("open <hostdir>%s (%s): %s\n", rest, what, opened(SYS2(NR_open, p, O_RDONLY)));
}

static const char *cwd(void)
{
    static char b[512];
    long r = SYS2(NR_getcwd, b, sizeof b);
    return is_err(r) ? res(r) : b;
}

/* "link" / "file" / "dir" / errno for a stat64-family call filling st. */
static const char *kind(long r, const unsigned char *st)
{
    unsigned mode;
    if (is_err(r)) return res(r);
    memcpy(&mode, st + 16, 4);                     /* struct stat64: st_mode at 16 */
    switch (mode & 0170000) {
    case 0120000: return "link";
    case 0100000: return "file";
    case 0040000: return "dir";
    default: return "other";
    }
}

static int listing_has(const char *dir, const char *name)
{
    static char d[8192];
    long fd = SYS3(NR_open, dir, O_DIRECTORY, 0), n, off;
    int found = 0;
    if (is_err(fd)) return -1;
    while ((n = SYS3(NR_getdents64, fd, d, sizeof d)) > 0)
        for (off = 0; off < n; off += *(unsigned short *)(d + off + 16))
            if (strcmp(d + off + 19, name) == 0) found = 1;
    SYS1(NR_close, fd);
    return found;
}

int main(int argc, char **argv)
{
    unsigned char frame[64], st[144];
    char p[512];
    long fd, fd2;
    host = argc > 1 ? argv[1] : "/nonexistent-hostdir";
    state_stack(frame);
    state_init();
    out("sec_root\n");
    SYS1(NR_chdir, "/");

    open_probe("/inside.txt");
    open_probe("/../secret.txt");
    open_probe("../../../secret.txt");
    open_probe("/sub/../../secret.txt");
    open_probe("/sub/up/secret.txt");
    open_probe("/sub/up/inside.txt");
    open_probe("/abs_out");
    open_probe("/rel_out");
    open_probe("/escape/secret.txt");
    open_probe("/escape/inside.txt");
    open_probe("/escape/../secret.txt");
    open_probe("/abs_dir/secret.txt");
    open_probe("/etc/passwd");
    hostpath_probe("absolute host path", "/secret.txt");
    hostpath_probe("absolute host path", "/root/inside.txt");
    outf("open /abs_out O_NOFOLLOW: %s\n", opened(SYS2(NR_open, "/abs_out", O_RDONLY | O_NOFOLLOW)));
    outf("open /abs_out O_WRONLY|O_CREAT: %s\n", res(SYS3(NR_open, "/abs_out", O_WRONLY | O_CREAT, 0644)));

    fd = SYS3(NR_open, "/sub", O_DIRECTORY, 0);
    outf("openat /sub ../../secret.txt: %s\n", opened(SYS3(NR_openat, fd, "../../secret.txt", O_RDONLY)));
    outf("openat /sub ../inside.txt: %s\n", opened(SYS3(NR_openat, fd, "../inside.txt", O_RDONLY)));
    outf("openat /sub /../secret.txt: %s\n", opened(SYS3(NR_openat, fd, "/../secret.txt", O_RDONLY)));
    outf("openat /sub up/secret.txt: %s\n", opened(SYS3(NR_openat, fd, "up/secret.txt", O_RDONLY)));
    fd2 = SYS3(NR_openat, fd, "../..", O_DIRECTORY);
    outf("openat (/sub ../..) secret.txt: %s\n", opened(SYS3(NR_openat, fd2, "secret.txt", O_RDONLY)));
    outf("openat (/sub ../..) inside.txt: %s\n", opened(SYS3(NR_openat, fd2, "inside.txt", O_RDONLY)));
    SYS1(NR_fchdir, fd2);
    outf("fchdir (/sub ../..); getcwd: %s\n", cwd());
    SYS1(NR_chdir, "/sub");
    SYS1(NR_chdir, "../../../..");
    outf("chdir /sub then ../../../..; getcwd: %s\n", cwd());
    SYS1(NR_chdir, "/escape");
    outf("chdir /escape; getcwd: %s\n", cwd());
    SYS1(NR_fchdir, fd);
    outf("fchdir /sub; open ../../secret.txt: %s\n", opened(SYS2(NR_open, "../../secret.txt", O_RDONLY)));
    SYS1(NR_chdir, "/");
    SYS1(NR_close, fd);
    SYS1(NR_close, fd2);
    outf("listing /.. has inside.txt: %d\n", listing_has("/..", "inside.txt"));
    outf("listing /.. has secret.txt: %d\n", listing_has("/..", "secret.txt"));
    outf("listing /escape has secret.txt: %d\n", listing_has("/escape", "secret.txt"));

    /* Guest-made symlinks to host files, and the access/stat family on them. */
    snprintf(p, sizeof p, "%s/secret.txt", host);
    report("symlink <hostdir>/secret.txt /g_secret", SYS2(NR_symlink, p, "/g_secret"));
    report("symlink /etc/passwd /g_passwd", SYS2(NR_symlink, "/etc/passwd", "/g_passwd"));
    report("symlink /nonexistent/file /g_missing", SYS2(NR_symlink, "/nonexistent/file", "/g_missing"));
    report("symlink ../../../../secret.txt /sub/g_rel", SYS2(NR_symlink, "../../../../secret.txt", "/sub/g_rel"));
    open_probe("/g_secret");
    open_probe("/g_passwd");
    open_probe("/sub/g_rel");
    report("faccessat2 /g_secret R_OK NOFOLLOW", SYS4(NR_faccessat2, AT_FDCWD, "/g_secret", R_OK, AT_SYMLINK_NOFOLLOW));
    report("faccessat2 /g_passwd R_OK NOFOLLOW", SYS4(NR_faccessat2, AT_FDCWD, "/g_passwd", R_OK, AT_SYMLINK_NOFOLLOW));
    report("faccessat2 /g_missing R_OK NOFOLLOW", SYS4(NR_faccessat2, AT_FDCWD, "/g_missing", R_OK, AT_SYMLINK_NOFOLLOW));
    report("faccessat2 /abs_out R_OK NOFOLLOW", SYS4(NR_faccessat2, AT_FDCWD, "/abs_out", R_OK, AT_SYMLINK_NOFOLLOW));
    report("faccessat2 /g_secret R_OK", SYS4(NR_faccessat2, AT_FDCWD, "/g_secret", R_OK, 0));
    report("faccessat2 /g_passwd R_OK", SYS4(NR_faccessat2, AT_FDCWD, "/g_passwd", R_OK, 0));
    report("access /g_secret", SYS2(NR_access, "/g_secret", R_OK));
    report("access /abs_out", SYS2(NR_access, "/abs_out", R_OK));
    outf("lstat64 /g_secret: %s\n", kind(SYS2(NR_lstat64, "/g_secret", st), st));
    outf("stat64 /g_secret: %s\n", kind(SYS2(NR_stat64, "/g_secret", st), st));
    outf("fstatat64 /g_missing NOFOLLOW: %s\n", kind(SYS4(NR_fstatat64, AT_FDCWD, "/g_missing", st, AT_SYMLINK_NOFOLLOW), st));
    outf("fstatat64 /abs_out: %s\n", kind(SYS4(NR_fstatat64, AT_FDCWD, "/abs_out", st, 0), st));
    outf("stat64 /escape: %s\n", kind(SYS2(NR_stat64, "/escape", st), st));

    /* Creating names outward: each lands inside the root or fails. */
    report("link /inside.txt /../hardlink_out", SYS2(NR_link, "/inside.txt", "/../hardlink_out"));
    report("link /../secret.txt /stolen", SYS2(NR_link, "/../secret.txt", "/stolen"));
    report("linkat /abs_out /stolen2 FOLLOW", SYS5(NR_linkat, AT_FDCWD, "/abs_out", AT_FDCWD, "/stolen2", AT_SYMLINK_FOLLOW));
    report("rename /movable.txt /../../renamed.txt", SYS2(NR_rename, "/movable.txt", "/../../renamed.txt"));
    report("symlink x /../sym_out", SYS2(NR_symlink, "x", "/../sym_out"));
    report("mkdir /escape/newdir", SYS2(NR_mkdir, "/escape/newdir", 0755));
    report("mkdir /abs_dir/newdir2", SYS2(NR_mkdir, "/abs_dir/newdir2", 0755));
    snprintf(p, sizeof p, "%s/newdir3", host);
    report("mkdir <hostdir>/newdir3", SYS2(NR_mkdir, p, 0755));
    report("truncate /abs_out", SYS2(NR_truncate, "/abs_out", 0));
    report("truncate /rel_out", SYS2(NR_truncate, "/rel_out", 0));
    report("chmod /abs_out 0777", SYS2(NR_chmod, "/abs_out", 0777));
    report("unlink /../secret.txt", SYS1(NR_unlink, "/../secret.txt"));
    open_probe("/hardlink_out");
    open_probe("/renamed.txt");

    outf("concealed:%s\n", concealed_check()[0] ? concealed_check() : " EFAULT");
    report_state();
    return 0;
}
