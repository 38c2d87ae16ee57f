/* alarms: the real-time interval timer — alarm's return values, setitimer
 * and getitimer, SIGALRM interrupting a hot loop (one-shot and periodic),
 * pause and nanosleep interrupted (EINTR, the time left), a blocked SIGALRM
 * waiting for its unblocking, sigsuspend letting it in, and the default
 * action ending the program (status 142). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;
static volatile unsigned long spins;

static void on_alarm(int sig) { (void)sig; fired++; }

static void arm_us(long value, long interval)
{
    struct itimerval it = { { interval / 1000000, interval % 1000000 }, { value / 1000000, value % 1000000 } };
    if (setitimer(ITIMER_REAL, &it, 0) != 0) perror("setitimer");
}

int main(void)
{
    printf("alarm(0) with none pending: %u\n", alarm(0));
    alarm(5);
    printf("alarm(0) after alarm(5): %u\n", alarm(0));
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    printf("disarmed: %ld %ld %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec,
           (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
    struct itimerval bad = { { 0, 1000000 }, { 1, 0 } };
    int r = setitimer(ITIMER_REAL, &bad, 0);
    printf("usec out of range: %d %s\n", r, strerror(errno));
    r = getitimer(7, &cur);
    printf("unknown timer: %d %s\n", r, strerror(errno));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, 0);

    arm_us(20000, 0);
    while (!fired) spins++;
    printf("one-shot interrupted a loop: fired %d\n", (int)fired);

    fired = 0;
    arm_us(10000, 10000);
    while (fired < 5) spins++;
    struct itimerval zero = { { 0, 0 }, { 0, 0 } }, old;
    setitimer(ITIMER_REAL, &zero, &old);
    printf("periodic: 5 ticks, interval %ld us, still armed %d\n", (long)old.it_interval.tv_usec,
           old.it_value.tv_sec > 0 || old.it_value.tv_usec > 0);

    /* Periodic, so a tick comes during the call however long the way to it takes (bbt, load). */
    fired = 0;
    arm_us(20000, 20000);
    r = pause();
    int e = errno;
    setitimer(ITIMER_REAL, &zero, 0);
    printf("pause: %d %s, fired %d\n", r, strerror(e), fired > 0);

    fired = 0;
    arm_us(20000, 20000);
    struct timespec req = { 2, 0 }, rem = { 0, 0 };
    r = nanosleep(&req, &rem);
    e = errno;
    setitimer(ITIMER_REAL, &zero, 0);
    printf("nanosleep: %d %s, fired %d, more than 1 s left %d\n", r, strerror(e), fired > 0, rem.tv_sec >= 1);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    fired = 0;
    sigprocmask(SIG_BLOCK, &set, 0);
    arm_us(10000, 0);
    struct timespec nap = { 0, 50000000 };
    r = nanosleep(&nap, 0);
    printf("blocked: nanosleep %d, fired %d\n", r, (int)fired);
    sigprocmask(SIG_UNBLOCK, &set, 0);
    printf("unblocked: fired %d\n", (int)fired);

    /* sigsuspend lets the blocked SIGALRM in for the wait; the old mask is back after it. */
    fired = 0;
    sigprocmask(SIG_BLOCK, &set, 0);
    arm_us(20000, 20000);
    sigset_t none, now;
    sigemptyset(&none);
    r = sigsuspend(&none);
    e = errno;
    setitimer(ITIMER_REAL, &zero, 0);
    sigprocmask(SIG_SETMASK, 0, &now);
    printf("sigsuspend: %d %s, fired %d, blocked again %d\n", r, strerror(e), fired > 0, sigismember(&now, SIGALRM));
    sigprocmask(SIG_UNBLOCK, &set, 0);

    signal(SIGALRM, SIG_DFL);
    fflush(stdout);
    arm_us(10000, 0);
    for (;;) spins++;
}
