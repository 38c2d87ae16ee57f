/**
 * Guest-caused events that unwind out of the interpreter (or translated code)
 * back to the dispatcher: a synchronous fault that becomes a signal, and the
 * end of the guest process. Both are plain values, never VMM bugs.
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
  /** status: the wait status as a shell reports it (128+N for death by signal N). */
  constructor(readonly status: number, readonly message?: string) {}
}
