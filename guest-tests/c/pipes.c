/* Pipes between processes and execve: a shell-like pipeline runner (this
   program exec'ed again as its filters), a megabyte through a pipe, EOF,
   EPIPE and SIGPIPE, close-on-exec, execve's errors, "#!" scripts, and an
   exec chain. Run as `pipes`; the filter modes are `pipes MODE ...`. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char self[4096];

static void show(const char *what, int st)
{
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
}

/* Filters, each from stdin to stdout. */
static int upper(void)
{
    int c;
    while ((c = getchar()) != EOF) putchar(c >= 'a' && c <= 'z' ? c - 32 : c);
    return 0;
}

static int number_lines(void)
{
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, stdin)) printf("%d: %s", ++n, line);
    return 0;
}

/* Runs argvs[0] | argvs[1] | ... with this program's stdin and stdout at the ends; returns the last status. */
static int pipeline(int n, char **argvs[])
{
    pid_t pids[8];
    int in = -1;
    fflush(stdout);
    for (int i = 0; i < n; i++) {
        int p[2] = {-1, -1};
        if (i < n - 1 && pipe2(p, O_CLOEXEC) < 0) { perror("pipe2"); exit(1); }
        pids[i] = fork();
        if (pids[i] == 0) {
            if (in >= 0) dup2(in, 0);
            if (p[1] >= 0) dup2(p[1], 1);
            execv(self, argvs[i]);
            _exit(127);
        }
        if (in >= 0) close(in);
        if (p[1] >= 0) close(p[1]);
        in = p[0];
    }
    int st = 0;
    for (int i = 0; i < n; i++) waitpid(pids[i], &st, 0);
    return st;
}

static void megabyte(void)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        static unsigned char buf[1 << 16];
        for (int k = 0; k < 16; k++) {
            for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7 + k);
            for (size_t off = 0; off < sizeof buf;) {
                ssize_t w = write(p[1], buf + off, sizeof buf - off);
                if (w <= 0) _exit(2);
                off += (size_t)w;
            }
        }
        _exit(0);
    }
    close(p[1]);
    unsigned sum = 2166136261u, total = 0;
    unsigned char buf[5000];
    ssize_t r;
    while ((r = read(p[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++) sum = (sum ^ buf[i]) * 16777619u;
        total += (unsigned)r;
    }
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    printf("megabyte: %u bytes, checksum %08x\n", total, sum);
    show("megabyte writer", st);
}

static void sigpipe(void)
{
    int p[2];
    pipe(p);
    close(p[0]);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { write(p[1], "x", 1); _exit(0); }
    close(p[1]);
    int st;
    waitpid(pid, &st, 0);
    show("write to a pipe nobody reads", st);

    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    ssize_t w = write(p[1], "x", 1);
    int e = errno;
    printf("with SIGPIPE ignored: %d %s\n", (int)w, strerror(e));
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
}

static void exec_errors(void)
{
    const char *cases[][2] = {
        {"no such file", "./no-such-program"},
        {"a directory", "."},
        {"not executable", "./plain.txt"},
        {"not a program", "./garbage"},
    };
    int fd = open("plain.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "text\n", 5);
    close(fd);
    fd = open("garbage", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "\x01\x02\x03 not an ELF\n", 16);
    close(fd);
    for (int i = 0; i < 4; i++) {
        char *argv[] = {"x", NULL};
        int r = execv(cases[i][1], argv), e = errno;
        printf("execve of %s: %d %s\n", cases[i][0], r, strerror(e));
    }
    unlink("plain.txt");
    unlink("garbage");
}

static void script(void)
{
    FILE *f = fopen("script.sh", "w");
    fprintf(f, "#!%s pipes\nthis line is not read\n", self);
    fclose(f);
    chmod("script.sh", 0755);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"script.sh", "one", "two", NULL};
        execv("./script.sh", argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    show("script", st);
    unlink("script.sh");
}

static void cloexec(void)
{
    int keep = open("/dev/null", O_RDONLY), gone = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", keep);
    snprintf(b, sizeof b, "%d", gone);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, "pipes", "fds", a, b, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    show("close-on-exec", st);
    close(keep);
    close(gone);
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) { perror("readlink"); return 1; }
    self[n] = 0;

    if (argc > 1 && strcmp(argv[1], "upper") == 0) return upper();
    if (argc > 1 && strcmp(argv[1], "number") == 0) return number_lines();
    if (argc > 1 && strcmp(argv[1], "echo") == 0) {
        for (int i = 2; i < argc; i++) printf("%s\n", argv[i]);
        return argc - 2;
    }
    if (argc > 1 && strcmp(argv[1], "chain") == 0) {
        int left = atoi(argv[2]);
        printf("chain: %d left, pid the same: %s\n", left, atoi(argv[3]) == getpid() ? "yes" : "no");
        fflush(stdout);
        if (left == 0) return 20;
        char n[16];
        snprintf(n, sizeof n, "%d", left - 1);
        execl(self, "pipes", "chain", n, argv[3], (char *)NULL);
        return 127;
    }
    if (argc > 1 && strcmp(argv[1], "deadlock") == 0) {
        /* For cdvm's own test (it would hang natively): the child reads a pipe whose only writer waits for it. */
        int p[2];
        pipe(p);
        pid_t pid = fork();
        if (pid == 0) { char c; _exit((int)read(p[0], &c, 1)); }
        int st;
        waitpid(pid, &st, 0);
        return 0;
    }
    if (argc > 3 && strcmp(argv[1], "fds") == 0) {
        printf("fds after exec: inherited %s, close-on-exec %s\n",
               fcntl(atoi(argv[2]), F_GETFD) >= 0 ? "open" : "closed", fcntl(atoi(argv[3]), F_GETFD) >= 0 ? "open" : "closed");
        return 0;
    }
    if (argc > 1) {
        printf("script ran with %d arguments:", argc - 1);
        for (int i = 1; i < argc; i++) printf(" %s", strchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i]);
        printf("\n");
        return 0;
    }

    char *e1[] = {"pipes", "echo", "hello", "pipes", "world", NULL};
    char *f1[] = {"pipes", "upper", NULL};
    char *f2[] = {"pipes", "number", NULL};
    char **three[] = {e1, f1, f2};
    show("pipeline of three", pipeline(3, three));
    char **one[] = {e1};
    show("echo alone", pipeline(1, one));

    megabyte();
    sigpipe();
    exec_errors();
    script();
    cloexec();

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char me[16];
        snprintf(me, sizeof me, "%d", (int)getpid());
        execl(self, "pipes", "chain", "2", me, (char *)NULL);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0);
    show("exec chain", st);
    return 0;
}
