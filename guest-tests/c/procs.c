/* Processes: fork trees and the wait statuses wait4, waitpid and waitid
   report (exits, deaths by signal, WNOHANG, ECHILD), getppid, vfork,
   process groups and kill to a group, SIGCHLD. Only one process prints at
   a time (the parent waits first), so the output is the same on every run. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_seen, chld_code, chld_status;
static volatile pid_t chld_pid;
static void on_chld(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)ctx;
    chld_seen++;
    chld_code = si->si_code;
    chld_pid = si->si_pid;
    chld_status = si->si_status;
}

static volatile sig_atomic_t usr1_got, usr1_code, usr1_from_parent;
static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)ctx;
    usr1_got = 1;
    usr1_code = si->si_code;
    usr1_from_parent = si->si_pid == getppid();
}

/* A child that waits for SIGUSR1 from its parent (blocked until it suspends) and reports the siginfo it got. */
static int wait_usr1(int unused)
{
    (void)unused;
    sigset_t none;
    sigemptyset(&none);
    while (!usr1_got) sigsuspend(&none);
    printf("child: SIGUSR1 with si_code %s, from its parent: %s\n", usr1_code == SI_USER ? "SI_USER" : "other",
           usr1_from_parent ? "yes" : "no");
    return 0;
}

static void show(const char *what, int st)
{
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else printf("%s: status 0x%x\n", what, st);
}

/* Forks a child that runs fn(arg) and exits with its result; returns the pid. */
static pid_t spawn(int (*fn)(int), int arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); exit(1); }
    if (pid == 0) { int r = fn(arg); fflush(stdout); _exit(r); }
    return pid;
}

static int exit_with(int code) { return code; }
static int wait_forever(int unused) { (void)unused; for (;;) pause(); return 0; }
static int segv(int unused) { (void)unused; return *(volatile int *)(long)unused; }
static int do_abort(int unused) { (void)unused; abort(); }
static int check_ppid(int parent) { printf("child: ppid is parent: %s\n", getppid() == parent ? "yes" : "no"); return 0; }

static int read_until_eof(int fd)
{
    char c;
    int n = 0;
    while (read(fd, &c, 1) == 1) n++;
    return n == 0 ? 3 : 4;
}

static int grandparent(int code)
{
    pid_t g = spawn(exit_with, code);
    int st;
    if (waitpid(g, &st, 0) != g) return 100;
    return WEXITSTATUS(st) + 1;
}

static void group_kill(void)
{
    int p[2];
    pipe(p);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        setpgid(0, 0);
        read_until_eof(p[0]);
        _exit(0);
    }
    close(p[0]);
    setpgid(pid, pid); /* both sides, as shells do: whoever runs first */
    printf("group: child leads its own group: %s\n", getpgid(pid) == pid ? "yes" : "no");
    printf("group: the parent is not in it: %s\n", getpgrp() != pid ? "yes" : "no");
    kill(-pid, SIGUSR1);
    int st;
    waitpid(pid, &st, 0);
    show("group", st);
    close(p[1]);
}

int main(void)
{
    int st;
    pid_t pid;

    pid = spawn(exit_with, 7);
    printf("waitpid returns the pid: %s\n", waitpid(pid, &st, 0) == pid ? "yes" : "no");
    show("exit 7", st);

    pid = spawn(exit_with, 256 + 42);
    wait(&st);
    show("exit 298", st);

    pid = spawn(check_ppid, getpid());
    waitpid(pid, &st, 0);
    show("ppid", st);

    pid = spawn(wait_forever, 0);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    show("SIGTERM", st);

    pid = spawn(segv, 0);
    waitpid(pid, &st, 0);
    show("SIGSEGV", st);

    pid = spawn(do_abort, 0);
    waitpid(pid, &st, 0);
    show("abort", st);

    int p[2];
    pipe(p);
    fflush(stdout);
    pid = fork();
    if (pid == 0) { close(p[1]); _exit(read_until_eof(p[0])); }
    close(p[0]);
    printf("WNOHANG while it runs: %d\n", (int)waitpid(pid, &st, WNOHANG));
    close(p[1]);
    waitpid(pid, &st, 0);
    show("EOF", st);

    pid_t kids[3];
    for (int i = 0; i < 3; i++) kids[i] = spawn(exit_with, 10 + i);
    int sum = 0, found = 0;
    for (int i = 0; i < 3; i++) {
        pid_t w = wait(&st);
        for (int j = 0; j < 3; j++) if (w == kids[j]) found++;
        sum += WEXITSTATUS(st);
    }
    printf("three children: found %d, statuses sum %d\n", found, sum);
    errno = 0;
    int r = wait(&st), e = errno;
    printf("no more children: %d %s\n", r, strerror(e));

    pid = spawn(exit_with, 5);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    waitid(P_PID, pid, &si, WEXITED);
    printf("waitid: signo %d, code %s, pid matches %s, status %d\n", si.si_signo,
           si.si_code == CLD_EXITED ? "CLD_EXITED" : "other", si.si_pid == pid ? "yes" : "no", si.si_status);
    pid = spawn(wait_forever, 0);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof si);
    waitid(P_ALL, 0, &si, WEXITED);
    printf("waitid: code %s, status %d\n", si.si_code == CLD_KILLED ? "CLD_KILLED" : "other", si.si_status);

    pid = spawn(grandparent, 9);
    waitpid(pid, &st, 0);
    show("grandchild", st);

    fflush(stdout);
    pid = vfork();
    if (pid == 0) _exit(6);
    waitpid(pid, &st, 0);
    show("vfork", st);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    pid = spawn(exit_with, 3);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    printf("SIGCHLD handled: %s, si_code %s, si_pid matches: %s, si_status %d\n", chld_seen >= 1 ? "yes" : "no",
           chld_code == CLD_EXITED ? "CLD_EXITED" : "other", chld_pid == pid ? "yes" : "no", (int)chld_status);

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    pid = spawn(wait_usr1, 0);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    kill(pid, SIGUSR1);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    show("SIGUSR1 child", st);
    signal(SIGUSR1, SIG_DFL);

    signal(SIGCHLD, SIG_IGN);
    pid = spawn(exit_with, 1);
    errno = 0;
    r = waitpid(pid, &st, 0);
    e = errno;
    printf("SIGCHLD ignored, no zombie: %d %s\n", r, strerror(e));
    signal(SIGCHLD, SIG_DFL);

    group_kill();
    r = kill(999999, 0);
    e = errno;
    printf("kill of no process: %d %s\n", r, strerror(e));
    return 0;
}
