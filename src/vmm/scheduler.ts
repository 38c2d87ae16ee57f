/**
 * Runs a guest's processes (linux/kernel.ts) on the VMM's one thread. Each
 * process has a machine of its own — memory, interpreter, translation tier,
 * dispatcher: a Task — and runs until it ends, pauses (a call waiting for
 * another process, execve), or its time slice is up; then the next one
 * runs, round robin in creation order. A paused call is made again at the
 * process's next turn. The run ends when its first process ends (the others
 * are killed), or when every process waits for another (a deadlock, which
 * would hang on Linux: one line and EXIT_VMM).
 *
 * Invariant: tasks holds exactly the live processes' machines, so an ended
 * process's memory and worker are released at once; totals keeps its counts.
 */
import { GuestExit, GuestPause, SIGXCPU } from "../core/fault.ts";
import { EXIT_VMM } from "../core/status.ts";
import type { Interpreter } from "../interp/interpreter.ts";
import { GUEST_PID } from "../linux/abi.ts";
import { sleepMs } from "../linux/fdtable.ts";
import { type Kernel, waitStatus } from "../linux/kernel.ts";
import type { Process } from "../linux/process.ts";
import { SIGKILL } from "../linux/signals.ts";
import { type Dispatcher, PAUSED } from "./dispatcher.ts";
import type { Tier } from "./tier.ts";

/** How long a process runs while others could (ms). */
export const SLICE_MS = 20;

export interface Task {
  readonly proc: Process;
  readonly interp: Interpreter;
  readonly tier: Tier | undefined;
  readonly dispatcher: Dispatcher;
}

/** Counts of the machines of ended processes (and, at the end, of all), for the run's statistics. */
export interface Totals {
  processes: number;
  retired: number;
  interpreted: number;
  translated: number;
  blocksDecoded: number;
  invalidations: number;
  decodeMs: number;
  syscallMs: number;
}


export class Scheduler {
  private tasks: Task[] = [];
  readonly totals: Totals = { processes: 0, retired: 0, interpreted: 0, translated: 0, blocksDecoded: 0, invalidations: 0, decodeMs: 0, syscallMs: 0 };
  /** The first process's machine (after an execve, its new program's): the run's translation statistics are its. */
  main: Task | undefined;
  private readonly started = performance.now();

  /** machineFor gives a process its machine (vm.ts); report prints a VMM line; timeoutMs is --timeout. */
  constructor(
    readonly kernel: Kernel,
    private readonly machineFor: (p: Process) => Task,
    private readonly report: (line: string) => void,
    private readonly timeoutMs?: number,
  ) {
    kernel.onSpawn = (child) => this.add(child);
  }

  /** The machines of the processes alive. */
  get alive(): readonly Task[] {
    return this.tasks;
  }

  /** Runs the processes until the first one ends; returns its exit status. */
  run(first: Process): number {
    this.add(first);
    for (;;) {
      let progressed = false;
      for (const t of [...this.tasks]) {
        const { status, ran } = this.step(t);
        progressed ||= ran;
        if (status === undefined) continue;
        if (t.proc.pid === GUEST_PID || t.dispatcher.limitReached) return this.finish(status);
      }
      if (progressed) continue;
      try {
        if (this.idle()) continue;
      } catch (e) {
        if (!(e instanceof GuestExit)) throw e;
        this.report(e.message!);
        return this.finish(e.status);
      }
      this.report("cdvm: every guest process is waiting for another (a deadlock)");
      return this.finish(EXIT_VMM);
    }
  }

  private add(p: Process): void {
    const t = this.machineFor(p);
    t.dispatcher.runStarted = this.started;
    this.tasks.push(t);
    if (p.pid === GUEST_PID) this.main = t;
    this.totals.processes++;
  }

  /**
   * One turn of t's process: its exit status when it ended; ran says whether it got anywhere (ran
   * instructions, or its waiting call went through).
   */
  private step(t: Task): { status?: number; ran: boolean } {
    const p = t.proc, d = t.dispatcher, before = d.retired, waited = p.waiting;
    let status: number;
    try {
      p.resume(performance.now());
      d.yieldAt = this.kernel.shared ? performance.now() + SLICE_MS : Infinity;
      d.othersRetired = this.totals.retired + this.tasks.reduce((n, o) => (o === t ? n : n + o.dispatcher.retired), 0);
      status = d.run();
    } catch (e) {
      if (e instanceof GuestPause) status = PAUSED;
      else if (e instanceof GuestExit) {
        if (e.message && !d.opts.quietEnd) d.opts.report(e.message);
        d.signal = e.signal;
        status = e.status;
      } else throw e;
    }
    const ran = !waited || !p.waiting || d.retired !== before;
    if (status !== PAUSED) {
      this.retire(t);
      p.end(waitStatus(status, d.signal));
      if (p.pid !== GUEST_PID) p.mem.release(!!t.tier?.started);
      return { status, ran: true };
    }
    const next = this.kernel.live.get(p.pid);
    if (next !== p) {
      // execve: the process runs its new program on a machine made for it.
      this.retire(t);
      p.mem.release(!!t.tier?.started);
      this.totals.processes--;
      this.add(next!);
    }
    return { ran };
  }

  /** Ends the run: the processes still alive are killed. */
  private finish(status: number): number {
    for (const t of [...this.tasks]) {
      this.retire(t);
      t.proc.end(SIGKILL);
    }
    return status;
  }

  /**
   * Nobody ran: when a waiting process has a timer or a sleep coming due, the VMM sleeps until
   * then and returns true; false when nothing could ever wake them. Past --timeout the guest dies
   * by SIGXCPU here, as a running one does in its dispatcher.
   */
  private idle(): boolean {
    const due = Math.min(...this.tasks.map((t) => t.proc.wakeAt));
    if (due === Infinity) return false;
    const deadline = this.started + (this.timeoutMs ?? Infinity);
    sleepMs(Math.max(0, Math.min(due, deadline) - performance.now()));
    const now = performance.now();
    if (now >= deadline) {
      throw new GuestExit(128 + SIGXCPU, `cdvm: guest killed by SIGXCPU: --timeout reached after ${((now - this.started) / 1000).toFixed(1)} s while every process waited`, SIGXCPU);
    }
    return true;
  }

  /** Takes t out of the run: its counts go to the totals, its tier's worker stops. */
  private retire(t: Task): void {
    this.tasks = this.tasks.filter((o) => o !== t);
    const tot = this.totals, i = t.interp;
    tot.retired += t.dispatcher.retired;
    tot.interpreted += i.retired;
    tot.translated += t.dispatcher.translatedRetired;
    tot.blocksDecoded += i.blocksDecoded;
    tot.invalidations += i.invalidations;
    tot.decodeMs += i.decodeMs;
    tot.syscallMs += i.m.syscallMs;
    t.tier?.close();
  }
}
