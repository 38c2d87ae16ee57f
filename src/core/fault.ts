/**
 * Guest-caused events that unwind out of the interpreter (or translated code)
 * back to the dispatcher: a synchronous fault that becomes a signal, the end
 * of the guest process, and a pause while it waits for another guest process.
 * All are plain values, never VMM bugs.
 */
export const SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGSEGV = 11, SIGALRM = 14, SIGXCPU = 24;

export class GuestFault {
  constructor(
    readonly signal: number,
    /** Faulting data address for SIGSEGV/SIGBUS; the instruction address otherwise. */
    readonly addr: number,
    readonly reason: string,
  ) {}
}

export class GuestExit {
  /** status: the exit status as a shell reports it (128+N for death by signal N, which is then signal). */
  constructor(readonly status: number, readonly message?: string, readonly signal = 0) {}
}

/**
 * The process stops running for now, between instructions: a system call must wait for another
 * guest process ("blocked": a pipe, a child, a vfork), or execve replaced the program ("exec").
 * The dispatcher returns to the scheduler, which retries a blocked call later (Process.resume).
 */
export class GuestPause {
  /** interruptible: a signal's handler interrupts the wait (EINTR, or a restart); vfork's is not. */
  constructor(readonly why: "blocked" | "exec", readonly interruptible = true) {}
}
