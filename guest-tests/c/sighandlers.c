/* sighandlers: guest signal handlers run and return as on Linux — signal()
 * and SA_SIGINFO (siginfo's code and sender), a blocked signal delivered
 * when sigprocmask unblocks it, a handler raising another signal (nested
 * frames), SA_RESETHAND, and the interrupted code's registers kept. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int hits, last, depth;

static void plain(int s) { hits++; last = s; }

static void info(int s, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    last = s * 100 + (si->si_code == SI_USER) + 10 * (si->si_pid == getpid());
}

static void nested(int s)
{
    (void)s;
    depth++;
    if (depth == 1) raise(SIGUSR2);
    depth--;
    hits++;
}

int main(void)
{
    signal(SIGUSR1, plain);
    raise(SIGUSR1);
    printf("signal(): hits=%d last=%d\n", hits, last);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, 0);
    kill(getpid(), SIGUSR1);
    printf("SA_SIGINFO: hits=%d last=%d\n", hits, last);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    printf("blocked: hits=%d\n", hits);
    sigprocmask(SIG_SETMASK, &old, 0);
    printf("unblocked: hits=%d\n", hits);

    signal(SIGUSR2, plain);
    signal(SIGUSR1, nested);
    raise(SIGUSR1);
    printf("nested: hits=%d last=%d depth=%d\n", hits, last, depth);

    sa.sa_handler = plain;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, 0);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, 0, &now);
    printf("resethand: hits=%d dfl=%d\n", hits, now.sa_handler == SIG_DFL);

    volatile double x = 1.5;
    volatile int y = 7;
    raise(SIGUSR2);
    printf("state kept: %g %d\n", x * 2, y + 1);
    return 0;
}
