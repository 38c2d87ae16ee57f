/* sigfaults: synchronous faults reach guest handlers as on Linux — a
 * SIGSEGV handler that makes the page writable and returns (the store is
 * retried), one that reports si_addr and si_code, a SIGFPE handler that
 * siglongjmps out of a division by zero, a SIGILL handler for ud2. The
 * page is reached through volatile pointers, so the compiler cannot move the
 * faulting stores past the reads of what the handler recorded. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile char *volatile page;
static volatile int segvs, fpes, ills;
static sigjmp_buf env;
static volatile unsigned long fault_off;
static volatile int fault_code;

static void on_segv(int s, siginfo_t *si, void *uc)
{
    (void)s; (void)uc;
    segvs++;
    fault_off = (unsigned long)((volatile char *)si->si_addr - page);
    fault_code = si->si_code;
    mprotect((void *)page, 4096, PROT_READ | PROT_WRITE);
}

static void on_fpe(int s) { (void)s; fpes++; siglongjmp(env, 1); }
static void on_ill(int s) { (void)s; ills++; siglongjmp(env, 2); }

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, 0);
    page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    page[100] = 42;
    printf("segv: handled %d, offset %lu, code %d, value %d\n", segvs, fault_off, fault_code, page[100]);
    for (int k = 0; k < 3; k++) {
        mprotect((void *)page, 4096, PROT_READ);
        page[200 + k] = (char)k;
    }
    printf("segv again: handled %d, value %d\n", segvs, page[202]);

    signal(SIGFPE, on_fpe);
    volatile int zero = 0, n = 7;
    if (sigsetjmp(env, 1) == 0) printf("not reached %d\n", n / zero);
    printf("fpe: handled %d\n", fpes);
    if (sigsetjmp(env, 1) == 0) printf("not reached %d\n", n % zero);
    printf("fpe again: handled %d\n", fpes);

    signal(SIGILL, on_ill);
    if (sigsetjmp(env, 1) == 0) __asm__ volatile("ud2");
    printf("ill: handled %d\n", ills);
    return 0;
}
