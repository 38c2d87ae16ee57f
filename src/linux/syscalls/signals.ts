/**
 * Signal syscalls: dispositions (rt_sigaction), the blocked mask
 * (rt_sigprocmask), waiting for a signal (rt_sigsuspend, sigsuspend; pause
 * is in time.ts), the alternate stack record, and sending signals to
 * oneself (kill, tkill, tgkill), and the returns from handlers (sigreturn,
 * rt_sigreturn). Delivery semantics live in ../signals.ts and ../sigframe.ts.
 *
 * Invariant: old values are written out only after the new ones were read,
 * so the old and new pointers may alias as they may on Linux.
 */
import { E, fail } from "../errno.ts";
import type { Process } from "../process.ts";
import { NSIG, SI_TKILL, SI_USER, SIGKILL, SIGSTOP, type SigSet } from "../signals.ts";
import { Struct } from "../struct.ts";
import { rtSigreturn, sigreturn } from "../sigframe.ts";
import { type SyscallRow, int, sys } from "./row.ts";

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
const SS_ONSTACK = 1, SS_DISABLE = 2, MINSIGSTKSZ = 2048;

function checkSig(sig: number, allowZero = false): void {
  if (sig > NSIG || sig < (allowZero ? 0 : 1)) fail(E.EINVAL);
}

/** struct sigaction as rt_sigaction sees it on i386: handler, flags, restorer, 64-bit mask (20 bytes). */
function rtSigaction(p: Process, sig: number, act: number, oact: number, setsize: number): number {
  if (setsize !== 8) fail(E.EINVAL);
  checkSig(sig);
  const next = act ? p.struct(act, 20) : null;
  if (next && (sig === SIGKILL || sig === SIGSTOP)) fail(E.EINVAL);
  const cur = p.signals.actions[sig];
  if (oact) p.put(oact, new Struct(20).u32(0, cur.handler).u32(4, cur.flags).u32(8, cur.restorer).u32(12, cur.mask[0]).u32(16, cur.mask[1]).bytes);
  if (next) {
    p.signals.actions[sig] = { handler: next.getU32(0), flags: next.getU32(4), restorer: next.getU32(8), mask: [next.getU32(12), next.getU32(16)] };
  }
  return 0;
}

function rtSigprocmask(p: Process, how: number, setAddr: number, oldAddr: number, setsize: number): number {
  if (setsize !== 8) fail(E.EINVAL);
  const s = setAddr ? p.struct(setAddr, 8) : null;
  const set: SigSet | null = s && [s.getU32(0), s.getU32(4)];
  if (set && how !== SIG_BLOCK && how !== SIG_UNBLOCK && how !== SIG_SETMASK) fail(E.EINVAL);
  const old = p.signals.blocked;
  if (oldAddr) p.put(oldAddr, new Struct(8).u32(0, old[0]).u32(4, old[1]).bytes);
  if (set) {
    const apply = (i: 0 | 1) => how === SIG_BLOCK ? old[i] | set[i] : how === SIG_UNBLOCK ? old[i] & ~set[i] : set[i];
    p.signals.setBlocked([apply(0), apply(1)]);
  }
  return 0;
}

/**
 * Waits with the blocked mask replaced by set until a signal's handler is to run, then fails
 * with EINTR; the handler's frame saves the old mask, so its sigreturn brings that back.
 */
function sigsuspend(p: Process, set: SigSet): number {
  const old = (p.callState.mask ??= p.signals.blocked);
  p.signals.setBlocked(set);
  if (!p.signals.toHandle.length) p.sleepUntil(Infinity);
  p.signals.saveMask(old);
  return fail(E.EINTR);
}

/** stack_t {ss_sp, ss_flags, ss_size}: where SA_ONSTACK handlers run (sigframe.ts). */
function sigaltstack(p: Process, ssAddr: number, oldAddr: number): number {
  const s = ssAddr ? p.struct(ssAddr, 12) : null;
  const alt = p.signals.altStack;
  if (oldAddr) p.put(oldAddr, new Struct(12).u32(0, alt.sp).u32(4, alt.flags).u32(8, alt.size).bytes);
  if (s) {
    const flags = s.getU32(4), mode = flags & ~(1 << 31); // SS_AUTODISARM
    if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) fail(E.EINVAL);
    if (mode === SS_DISABLE) p.signals.altStack = { sp: 0, flags: SS_DISABLE, size: 0 };
    else if (s.getU32(8) < MINSIGSTKSZ) fail(E.ENOMEM);
    else p.signals.altStack = { sp: s.getU32(0), flags: 0, size: s.getU32(8) };
  }
  return 0;
}

/** Sends sig to the guest itself if target names it; sig 0 only checks that the target exists. */
/**
 * kill: sig to the processes pid selects (kernel.ts targets); the caller's own delivery comes
 * last, since a default action ends it there. Signal 0 only checks that a target exists.
 */
function kill(p: Process, pid: number, sig: number, code = SI_USER): number {
  checkSig(sig, true);
  const targets = p.kernel.targets(p, pid);
  if (!sig) return 0;
  const info = { code, pid: p.pid, uid: p.uid };
  for (const t of targets) if (t !== p) p.kernel.signal(t, sig, info);
  if (targets.includes(p)) p.signals.raise(sig, info);
  return 0;
}

export const signalSyscalls: SyscallRow[] = [
  sys("rt_sigaction", ["signal", "ptr", "ptr", "uint"], (p, a) => rtSigaction(p, a[0], a[1], a[2], a[3])),
  sys("rt_sigprocmask", ["int", "ptr", "ptr", "uint"], (p, a) => rtSigprocmask(p, a[0], a[1], a[2], a[3])),
  sys("sigaltstack", ["ptr", "ptr"], (p, a) => sigaltstack(p, a[0], a[1])),
  sys("rt_sigsuspend", ["ptr", "uint"], (p, a) => {
    if (a[1] !== 8) fail(E.EINVAL);
    const s = p.struct(a[0], 8);
    return sigsuspend(p, [s.getU32(0), s.getU32(4)]);
  }),
  // The old sigsuspend takes signals 1-32 in its third argument and keeps the blocked 33-64.
  sys("sigsuspend", ["int", "int", "hex"], (p, a) => sigsuspend(p, [a[2], p.signals.blocked[1]])),
  sys("kill", ["int", "signal"], (p, a) => kill(p, int(a[0]), a[1])),
  // One thread per process: a tid is its process's pid.
  sys("tkill", ["int", "signal"], (p, a) => (int(a[0]) > 0 ? kill(p, int(a[0]), a[1], SI_TKILL) : fail(E.EINVAL))),
  sys("tgkill", ["int", "int", "signal"], (p, a) => (int(a[0]) > 0 && a[0] === a[1] ? kill(p, int(a[0]), a[2], SI_TKILL) : fail(int(a[0]) > 0 && int(a[1]) > 0 ? E.ESRCH : E.EINVAL))),
  sys("sigreturn", [], (p) => sigreturn(p)),
  sys("rt_sigreturn", [], (p) => rtSigreturn(p)),
];
