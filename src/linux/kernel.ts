/**
 * The guest's process table: pids, parents, process groups and sessions,
 * the wait statuses of children not yet waited for (zombies), and signals
 * between processes. The processes themselves run one at a time, each until
 * it ends, pauses in a system call that must wait for another, or its time
 * slice is up (vmm/scheduler.ts runs them; this table only knows them).
 *
 * Invariants: pids are unique among live processes and zombies; the first
 * process is GUEST_PID and its parent GUEST_PPID, which is no guest process
 * (like init, it reaps the zombies of orphans at once); a zombie's pid is
 * free again only once its parent has waited for it.
 */
import { GuestExit } from "../core/fault.ts";
import { PAGE_SIZE } from "../core/layout.ts";
import { GUEST_PID, GUEST_PPID } from "./abi.ts";
import { E, fail } from "./errno.ts";
import type { Process } from "./process.ts";
import { SIG_IGN, SIGCHLD, type SigInfo } from "./signals.ts";

/** Guest processes alive at once at most (fork beyond it is EAGAIN, as at RLIMIT_NPROC). */
export const MAX_PROCESSES = 64;
/**
 * Guest mappings all live processes may have together (mmap, brk and fork beyond are ENOMEM): one
 * process's whole 3 GiB and 1 GiB more, so a fork bomb cannot make the VMM hold 64 address spaces.
 */
export const MAX_MAPPED_BYTES = 4 * 2 ** 30;
/** sa_flags bit: children of this process leave no zombies. */
const SA_NOCLDWAIT = 2;
/** SIGCHLD's si_code: the child exited, or a signal killed it. */
export const CLD_EXITED = 1, CLD_KILLED = 2;

/** A wait status word: the signal that ended a process, else its exit code in bits 8-15. */
export const waitStatus = (exitCode: number, signal: number): number => (signal ? signal : (exitCode & 0xff) << 8);

/** How a wait status word reads in a siginfo (SIGCHLD's, waitid's): si_code and si_status. */
export function childEnd(status: number): { code: number; value: number } {
  const signal = status & 0x7f;
  return signal ? { code: CLD_KILLED, value: signal } : { code: CLD_EXITED, value: (status >> 8) & 0xff };
}

/** An ended process until its parent waits for it. */
export interface Zombie {
  readonly pid: number;
  ppid: number;
  readonly pgid: number;
  /** The wait status word: (code << 8) for an exit, the signal number for a death by signal. */
  readonly status: number;
}

export class Kernel {
  /** Live processes by pid, in creation order. */
  readonly live = new Map<number, Process>();
  readonly zombies = new Map<number, Zombie>();
  /** Called when fork or clone has made a process: the scheduler gives it a machine to run on. */
  onSpawn: (child: Process) => void = () => {};
  private nextPid = GUEST_PID;

  /** A pid for a new process (the first is GUEST_PID); EAGAIN when MAX_PROCESSES are alive. */
  newPid(): number {
    if (this.live.size >= MAX_PROCESSES) fail(E.EAGAIN);
    while (this.live.has(this.nextPid) || this.zombies.has(this.nextPid)) this.nextPid++;
    return this.nextPid++;
  }

  add(p: Process): void {
    this.live.set(p.pid, p);
  }

  /** A new program in place of the process with the same pid (execve). */
  replace(p: Process): void {
    this.live.set(p.pid, p);
  }

  /** Bytes mapped by all live processes. */
  mappedBytes(): number {
    let pages = 0;
    for (const p of this.live.values()) pages += p.mem.mappedPages;
    return pages * PAGE_SIZE;
  }

  /** Whether another process could still do something a blocked call waits for. */
  get shared(): boolean {
    return this.live.size > 1;
  }

  /**
   * The process ends with wait status `status`: it becomes a zombie for its parent (which gets
   * SIGCHLD) unless the parent reaps at once (no guest parent, SIGCHLD ignored, SA_NOCLDWAIT),
   * and its children pass to GUEST_PPID, which reaps their zombies.
   */
  exit(p: Process, status: number): void {
    this.live.delete(p.pid);
    for (const c of this.live.values()) if (c.ppid === p.pid) c.ppid = GUEST_PPID;
    for (const z of [...this.zombies.values()]) if (z.ppid === p.pid) this.zombies.delete(z.pid);
    const parent = this.live.get(p.ppid);
    if (!parent) return;
    const act = parent.signals.actions[SIGCHLD];
    if (act.handler >>> 0 !== SIG_IGN && !(act.flags & SA_NOCLDWAIT)) this.zombies.set(p.pid, { pid: p.pid, ppid: p.ppid, pgid: p.pgid, status });
    const end = childEnd(status);
    if (p.exitSignal) this.signal(parent, p.exitSignal, { code: end.code, pid: p.pid, uid: p.uid, status: end.value });
  }

  /** The live children and zombies of parent that wait4's pid argument selects. */
  waitable(parent: Process, pid: number): { live: Process[]; zombies: Zombie[] } {
    const pick = (c: { pid: number; ppid: number; pgid: number }) => c.ppid === parent.pid
      && (pid === -1 || (pid > 0 ? c.pid === pid : c.pgid === (pid === 0 ? parent.pgid : -pid)));
    return { live: [...this.live.values()].filter(pick), zombies: [...this.zombies.values()].filter(pick) };
  }

  /**
   * Sends sig to another process: a default action that ends it is recorded (the scheduler ends
   * the process before it runs again); a handler is entered when it next runs.
   */
  signal(target: Process, sig: number, info?: SigInfo): void {
    try {
      target.signals.raise(sig, info);
    } catch (e) {
      if (!(e instanceof GuestExit)) throw e;
      target.killed ??= e;
    }
  }

  /** The processes kill(pid, …) reaches from sender: ESRCH when none. */
  targets(sender: Process, pid: number): Process[] {
    const all = [...this.live.values()];
    const hit = pid > 0 ? all.filter((p) => p.pid === pid)
      : pid === 0 ? all.filter((p) => p.pgid === sender.pgid)
        : pid === -1 ? all.filter((p) => p !== sender)
          : all.filter((p) => p.pgid === -pid);
    return hit.length ? hit : fail(E.ESRCH);
  }

  /** Whether a process group with id pgid exists (in session sid, when given). */
  hasGroup(pgid: number, sid?: number): boolean {
    for (const p of this.live.values()) if (p.pgid === pgid && (sid === undefined || p.sid === sid)) return true;
    return false;
  }
}
