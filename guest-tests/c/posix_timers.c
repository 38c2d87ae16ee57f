/* POSIX timers (timer_create): a one-shot timer's signal ends a pause, an
   interval timer fires again and again, an absolute expiry on the monotonic
   clock, SIGEV_NONE (no signal, time still runs out), timer_gettime while
   armed and after, timer_delete and a deleted id, a timer's siginfo, and a
   timer interrupting a busy loop. SIGUSR1 stays blocked but while the
   program waits for it (sigsuspend), so a slow run cannot miss a signal.
   Only facts that hold on any run are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t fired, code;
static void on_timer(int sig, siginfo_t *si, void *ctx) { (void)sig; (void)ctx; fired++; code = si->si_code; }

static timer_t make(int notify, int signo)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = notify;
    ev.sigev_signo = signo;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0) { perror("timer_create"); return 0; }
    return t;
}

static void arm(timer_t t, long value_ms, long interval_ms, int flags)
{
    struct itimerspec its = {{interval_ms / 1000, interval_ms % 1000 * 1000000L}, {value_ms / 1000, value_ms % 1000 * 1000000L}};
    if (timer_settime(t, flags, &its, NULL) != 0) perror("timer_settime");
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t usr1, none;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);

    timer_t one = make(SIGEV_SIGNAL, SIGUSR1);
    struct itimerspec cur;
    /* The time left is read from a long timer: a slow way from timer_settime to timer_gettime
       (bbt translating the code between them, on a loaded machine) must not see it run out. */
    arm(one, 10000, 0, 0);
    timer_gettime(one, &cur);
    long long left = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
    printf("armed: remaining in (0, 10 s]: %s\n", left > 0 && left <= 10000000000LL ? "yes" : "no");
    arm(one, 50, 0, 0);
    sigsuspend(&none);
    printf("one-shot: fired %d, si_code SI_TIMER: %s\n", (int)fired, code == SI_TIMER ? "yes" : "no");
    timer_gettime(one, &cur);
    printf("after: disarmed: %s\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 ? "yes" : "no");

    fired = 0;
    arm(one, 10, 10, 0);
    while (fired < 3) sigsuspend(&none);
    arm(one, 0, 0, 0);
    printf("interval: fired at least 3 times: %s\n", fired >= 3 ? "yes" : "no");

    fired = 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct itimerspec abs_its = {{0, 0}, {now.tv_sec, now.tv_nsec + 30000000L}};
    if (abs_its.it_value.tv_nsec >= 1000000000L) { abs_its.it_value.tv_sec++; abs_its.it_value.tv_nsec -= 1000000000L; }
    timer_settime(one, TIMER_ABSTIME, &abs_its, NULL);
    sigsuspend(&none);
    printf("absolute: fired %d\n", (int)fired);

    fired = 0;
    timer_t quiet = make(SIGEV_NONE, 0);
    arm(quiet, 20, 0, 0);
    struct timespec wait = {0, 60000000L};
    while (nanosleep(&wait, &wait) != 0 && errno == EINTR) {}
    timer_gettime(quiet, &cur);
    printf("SIGEV_NONE: no signal: %s, ran out: %s\n", fired == 0 ? "yes" : "no", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 ? "yes" : "no");

    fired = 0;
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    arm(one, 20, 0, 0);
    volatile unsigned long spins = 0;
    while (!fired) spins++;
    printf("busy loop interrupted: %s\n", spins > 0 ? "yes" : "no");

    timer_delete(quiet);
    errno = 0;
    int r = timer_gettime(quiet, &cur), e = errno;
    printf("deleted: %d %s\n", r, strerror(e));
    timer_delete(one);
    return 0;
}
