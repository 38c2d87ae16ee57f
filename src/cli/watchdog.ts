/**
 * The backstop behind --timeout. The dispatcher ends a guest that runs past
 * its deadline (SIGXCPU, status 152), but it only looks between blocks: a
 * guest blocked in a host call (a read from a terminal, a long nanosleep)
 * never gets there. A worker thread, whose timer fires whatever the main
 * thread is doing, then ends the whole process as Linux ends a process at
 * RLIMIT_CPU's hard limit: one line, then SIGKILL (status 137).
 */
import { Worker } from "node:worker_threads";

/** Grace after the deadline for the dispatcher to end the run itself. */
export const WATCHDOG_GRACE_MS = 1000;

/** Arms the watchdog for deadlineMs from now; the returned function disarms it. */
export function armWatchdog(deadlineMs: number): () => void {
  const line = `cdvm: guest killed by SIGKILL: --timeout reached while it waited in a host call\n`;
  const worker = new Worker(
    `const { workerData: w } = require("node:worker_threads");
     setTimeout(() => { require("node:fs").writeSync(2, w.line); process.kill(w.pid, "SIGKILL"); }, w.ms);`,
    { eval: true, workerData: { line, pid: process.pid, ms: deadlineMs + WATCHDOG_GRACE_MS } },
  );
  worker.unref();
  return () => void worker.terminate();
}
