/*
 * The helpers sec.h declares: the register-checking raw syscall, probe
 * output, the concealed-region EFAULT check and the state canaries. Linked
 * once into the multi-call binary (not a program: it has no main).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "sec.h"

int sec_clobbered;

/* long sec_sys(nr, a..f): EAX = nr, EBX..EBP = a..f, int 0x80; afterwards
 * EBX, ECX, EDX, ESI, EDI, EBP and ESP must hold what they held before. */
__asm__(
    ".text\n"
    ".globl sec_sys\n"
    ".type sec_sys, @function\n"
    "sec_sys:\n"
    "    push %ebp\n    push %ebx\n    push %esi\n    push %edi\n"
    "    mov 20(%esp), %eax\n"
    "    mov 24(%esp), %ebx\n    mov 28(%esp), %ecx\n    mov 32(%esp), %edx\n"
    "    mov 36(%esp), %esi\n    mov 40(%esp), %edi\n    mov 44(%esp), %ebp\n"
    "    int $0x80\n"
    "    cmp 24(%esp), %ebx\n    jne 1f\n    cmp 28(%esp), %ecx\n    jne 1f\n"
    "    cmp 32(%esp), %edx\n    jne 1f\n    cmp 36(%esp), %esi\n    jne 1f\n"
    "    cmp 40(%esp), %edi\n    jne 1f\n    cmp 44(%esp), %ebp\n    jne 1f\n"
    "    jmp 2f\n"
    "1:  incl sec_clobbered\n"
    "2:  pop %edi\n    pop %esi\n    pop %ebx\n    pop %ebp\n"
    "    ret\n"
    ".size sec_sys, .-sec_sys\n");

void out(const char *s)
{
    sec_sys(NR_write, 1, (long)s, (long)strlen(s), 0, 0, 0);
}

void outf(const char *fmt, ...)
{
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    out(b);
}

static const struct { int n; const char *name; } errnames[] = {
    {1, "EPERM"}, {2, "ENOENT"}, {3, "ESRCH"}, {4, "EINTR"}, {5, "EIO"}, {9, "EBADF"},
    {10, "ECHILD"}, {11, "EAGAIN"}, {12, "ENOMEM"}, {13, "EACCES"}, {14, "EFAULT"},
    {16, "EBUSY"}, {17, "EEXIST"}, {18, "EXDEV"}, {19, "ENODEV"}, {20, "ENOTDIR"},
    {21, "EISDIR"}, {22, "EINVAL"}, {24, "EMFILE"}, {25, "ENOTTY"}, {27, "EFBIG"},
    {28, "ENOSPC"}, {29, "ESPIPE"}, {30, "EROFS"}, {31, "EMLINK"}, {32, "EPIPE"},
    {34, "ERANGE"}, {36, "ENAMETOOLONG"}, {38, "ENOSYS"}, {39, "ENOTEMPTY"}, {40, "ELOOP"},
    {75, "EOVERFLOW"}, {95, "EOPNOTSUPP"},
};

const char *res(long r)
{
    static char b[4][32];
    static int k;
    char *s = b[k++ & 3];
    unsigned i;
    if (is_err(r)) {
        for (i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
            if (errnames[i].n == -r) return errnames[i].name;
        snprintf(s, 32, "errno %ld", -r);
        return s;
    }
    snprintf(s, 32, "%ld", r);
    return s;
}

const char *P(const char *fmt, ...)
{
    static char b[4][160];
    static int k;
    char *s = b[k++ & 3];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s, 160, fmt, ap);
    va_end(ap);
    return s;
}

void report(const char *probe, long r)
{
    outf("%s: %s\n", probe, res(r));
}

static const unsigned concealed[] = {0xC0000000u, 0xC0010000u, 0xC0120000u, 0xFFFFF000u};

const char *concealed_check(void)
{
    static char b[64];
    static int fds[2] = {-1, -1};
    char sink[16];
    unsigned i;
    if (fds[0] < 0 && is_err(SYS1(NR_pipe, fds))) return " (no pipe)";
    for (i = 0; i < sizeof concealed / sizeof concealed[0]; i++) {
        long r = SYS3(NR_write, fds[1], concealed[i], 16);
        if (r != -14) {
            if (r > 0) SYS3(NR_read, fds[0], sink, r);
            snprintf(b, sizeof b, " LEAK %08x=%s", concealed[i], res(r));
            return b;
        }
    }
    return "";
}

static unsigned char pattern_data[64];
static unsigned char *pattern_stack;

void state_init(void)
{
    static unsigned char on_stack_fallback[64];
    unsigned i;
    for (i = 0; i < 64; i++) pattern_data[i] = (unsigned char)(i * 37 + 11);
    if (!pattern_stack) pattern_stack = on_stack_fallback;
    for (i = 0; i < 64; i++) pattern_stack[i] = (unsigned char)(i * 59 + 3);
}

int state_ok(void)
{
    unsigned i;
    for (i = 0; i < 64; i++)
        if (pattern_data[i] != (unsigned char)(i * 37 + 11) || pattern_stack[i] != (unsigned char)(i * 59 + 3)) return 0;
    return 1;
}

/* Lets a program put the stack canary in its own frame before state_init. */
void state_stack(unsigned char *frame64)
{
    pattern_stack = frame64;
}

void report_state(void)
{
    outf("syscall registers: %s\n", sec_clobbered ? "CLOBBERED" : "ok");
    outf("state: %s\n", state_ok() ? "ok" : "CORRUPT");
}
