/**
 * Signal numbers, names and the per-process signal state: dispositions
 * (struct k_sigaction contents), the blocked mask and pending set, and the
 * alternate stack. Delivery is synchronous: default actions (ignore or
 * terminate), SIG_IGN, and a guest handler, which is queued here and entered
 * by the process on return from the system call that raised or unblocked
 * the signal (sigframe.ts).
 *
 * Invariant: SIGKILL and SIGSTOP keep SIG_DFL and can never be blocked.
 */
import { GuestExit } from "../core/fault.ts";

export const NSIG = 64;
export const SIG_DFL = 0, SIG_IGN = 1;
export const SIGKILL = 9, SIGPIPE = 13, SIGCHLD = 17, SIGSTOP = 19;

export const SIGNAL_NAMES = [
  "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
  "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
  "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
  "SIGSYS",
];

export function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] || (sig >= 32 && sig <= NSIG ? `SIGRT_${sig - 32}` : `signal ${sig}`);
}

/** Signals whose default action is to do nothing (stop signals included: there is no job control). */
const DEFAULT_IGNORED = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  /** Blocked-during-handler mask, low and high 32 bits. */
  mask: [number, number];
}

/** What a handler's siginfo says of a signal sent (si_code, si_pid, si_uid; SIGCHLD's si_status). */
export interface SigInfo {
  code: number;
  pid: number;
  uid: number;
  status?: number;
}
/** si_code values: sent by kill, by tkill/tgkill, by a POSIX timer, by the kernel (alarm, setitimer). */
export const SI_USER = 0, SI_TKILL = -6, SI_TIMER = -2, SI_KERNEL = 0x80;

/** A 64-bit signal set as [signals 1..32, signals 33..64]. */
export type SigSet = [number, number];

const bit = (sig: number): [number, number] => [(sig - 1) >> 5, 1 << ((sig - 1) & 31)];

export class SignalState {
  /** eip reports where the guest is when a signal is delivered (for the one-line report). */
  constructor(private readonly eip: () => number = () => 0) {}
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, restorer: 0, mask: [0, 0] }));
  blocked: SigSet = [0, 0];
  private readonly pending = new Set<number>();
  /** Signals whose guest handlers are to be entered on return from the current system call, in order. */
  readonly toHandle: number[] = [];
  altStack = { sp: 0, flags: 2 /* SS_DISABLE */, size: 0 };
  /** The mask sigsuspend replaced, for the next handler's frame to save in place of the blocked one (Linux's saved_sigmask). */
  private maskToSave: SigSet | undefined;
  /** How each signal raised and not yet delivered to a handler was sent (one per signal, as a standard signal is pending once). */
  private readonly infos = new Map<number, SigInfo>();

  /**
   * The state another process starts with: a forked child keeps the dispositions, mask and
   * alternate stack, and nothing pending; a new program (exec) keeps the mask, what is pending
   * and what is ignored, and its handlers go back to SIG_DFL (their code is gone).
   */
  inherit(from: SignalState, exec: boolean): void {
    from.actions.forEach((a, sig) => {
      this.actions[sig] = exec && this.hasHandlerIn(a) ? { handler: SIG_DFL, flags: 0, restorer: 0, mask: [0, 0] } : { ...a, mask: [...a.mask] };
    });
    this.blocked = [...from.blocked];
    if (!exec) { this.altStack = { ...from.altStack }; return; }
    for (const sig of from.pending) this.pending.add(sig);
  }

  private hasHandlerIn(a: SigAction): boolean {
    const h = a.handler >>> 0;
    return h !== SIG_DFL && h !== SIG_IGN;
  }

  setBlocked(set: SigSet): void {
    const [ki, kb] = bit(SIGKILL), [si, sb] = bit(SIGSTOP);
    const b: SigSet = [set[0] >>> 0, set[1] >>> 0];
    b[ki] &= ~kb;
    b[si] &= ~sb;
    this.blocked = b;
    for (const sig of [...this.pending]) if (!this.isBlocked(sig)) { this.pending.delete(sig); this.deliver(sig); }
  }

  /** sigsuspend's return: mask is what sigreturn from the handler about to run restores. */
  saveMask(mask: SigSet): void {
    this.maskToSave = mask;
  }

  /** The mask a handler's frame saves (sigframe.ts): a saved one once, else the blocked one. */
  takeMaskToSave(): SigSet {
    const m = this.maskToSave ?? this.blocked;
    this.maskToSave = undefined;
    return m;
  }

  isBlocked(sig: number): boolean {
    const [i, b] = bit(sig);
    return (this.blocked[i] & b) !== 0;
  }

  /** Sends sig to this process: it is delivered now unless blocked, in which case it waits; info says how it was sent. */
  raise(sig: number, info?: SigInfo): void {
    if (info) this.infos.set(sig, info);
    else this.infos.delete(sig);
    if (this.isBlocked(sig)) this.pending.add(sig);
    else this.deliver(sig);
  }

  /** How sig was sent, for its handler's siginfo (taken: the next one is sent anew); undefined when by the process itself. */
  takeInfo(sig: number): SigInfo | undefined {
    const info = this.infos.get(sig);
    this.infos.delete(sig);
    return info;
  }

  /** Whether sig's disposition is a guest handler (neither SIG_DFL nor SIG_IGN). */
  hasHandler(sig: number): boolean {
    return this.hasHandlerIn(this.actions[sig]);
  }

  private deliver(sig: number): void {
    if (this.hasHandler(sig)) { this.toHandle.push(sig); return; }
    const h = this.actions[sig].handler >>> 0;
    if (h === SIG_IGN || DEFAULT_IGNORED.has(sig)) return;
    throw new GuestExit(128 + sig, `cdvm: guest killed by ${signalName(sig)} at eip 0x${(this.eip() >>> 0).toString(16).padStart(8, "0")}`, sig);
  }
}
