/* Signal handlers and the FPU: a handler starts with the state fninit and
   a default MXCSR give, whatever the interrupted code had set; what it
   changes (control word, rounding, x87 stack, XMM registers) is gone when
   it returns; the frame's fpstate shows the interrupted state (control
   word, MXCSR, the registers in use); a handler may change the saved MXCSR
   in it, and that is what the interrupted code gets back. */
#define _GNU_SOURCE
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static unsigned short cw_in_handler, cw_in_frame;
static unsigned mxcsr_in_handler, mxcsr_in_frame;
static int frame_has_fpstate, change_saved_mxcsr;

static unsigned short get_cw(void) { unsigned short cw; __asm__ volatile("fnstcw %0" : "=m"(cw)); return cw; }
static void set_cw(unsigned short cw) { __asm__ volatile("fldcw %0" : : "m"(cw)); }
static unsigned get_mxcsr(void) { unsigned m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }
static void set_mxcsr(unsigned m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si;
    ucontext_t *uc = ctx;
    cw_in_handler = get_cw();
    mxcsr_in_handler = get_mxcsr();
    frame_has_fpstate = uc->uc_mcontext.fpregs != NULL;
    if (frame_has_fpstate) {
        cw_in_frame = (unsigned short)uc->uc_mcontext.fpregs->cw;
        /* The fxsave image follows the 112-byte fsave part; MXCSR is at its byte 24. */
        unsigned *mx = (unsigned *)((char *)uc->uc_mcontext.fpregs + 112 + 24);
        mxcsr_in_frame = *mx;
        if (change_saved_mxcsr) *mx = (*mx & ~0x6000u) | 0x2000u; /* round down */
    }
    /* Clobber what the interrupted code relies on. */
    set_cw(0x0c7f);
    set_mxcsr(0x7f80);
    volatile long double x = 1.0L / 3.0L;
    volatile float y = 1.0f / 3.0f;
    /* Built with -mno-sse, the compiler itself never uses XMM1. */
    __asm__ volatile("xorps %%xmm1, %%xmm1; fld1; fld1; fld1; fstp %%st(0); fstp %%st(0); fstp %%st(0)" : : : "st");
    (void)x; (void)y;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);

    set_cw(0x0f7f);           /* 64-bit precision, round toward zero */
    set_mxcsr(0x1f80 | 0x4000); /* round up */
    float a = 1.0f;
    __asm__ volatile("movss %0, %%xmm1" : : "m"(a));
    long double before = 2.0L / 3.0L;
    raise(SIGUSR1);
    long double after = 2.0L / 3.0L;
    float kept;
    __asm__ volatile("movss %%xmm1, %0" : "=m"(kept));

    printf("handler starts with cw %04x, mxcsr %08x\n", cw_in_handler, mxcsr_in_handler);
    printf("frame has fpstate: %s, cw %04x, mxcsr %08x\n", frame_has_fpstate ? "yes" : "no", cw_in_frame, mxcsr_in_frame);
    printf("after return: cw %04x, mxcsr %08x, xmm1 %g, same quotient: %s\n", get_cw(), get_mxcsr(), kept,
           before == after ? "yes" : "no");

    change_saved_mxcsr = 1;
    raise(SIGUSR1);
    printf("a handler's change to the saved mxcsr: %08x\n", get_mxcsr());
    return 0;
}
