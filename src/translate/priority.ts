/**
 * Translation as background work. Once the backend worker exists, every
 * thread of the VMM's process but the guest's — the worker, and V8's helper
 * threads, which compile the worker's JavaScript and the translations'
 * WebAssembly — runs NICE steps below the guest's thread (a higher nice
 * value), as a JVM may run its compiler threads below the application's.
 * On a machine with fewer free cores than busy threads the guest then keeps
 * its core and translation takes what is left; with cores to spare nothing
 * changes. The helper threads also compile and collect for the guest's own
 * isolate; those jobs then wait for a free core too.
 *
 * Why (papers/lab-notes.md, "Translation at a lower priority"): on two cores
 * the worker and V8's compilers kept python3's start-up waiting in the run
 * queue for 0.5-0.85 s of a 2.4-2.9 s run; 0.14-0.23 s at nice 10.
 *
 * Linux only (threads are listed in /proc/self/task, and setpriority on a
 * thread id sets that thread's nice value); elsewhere nothing changes.
 * Threads made later (a guest's child process's worker) are lowered when
 * their own worker starts.
 */
import * as fs from "node:fs";
import * as os from "node:os";

/** The highest nice value (the lowest priority) Linux has. */
const NICE_MAX = 19;

/** Lowers every thread of the process but the calling one to nice steps below it; returns how many it lowered. */
export function lowerOtherThreads(nice: number): number {
  if (nice <= 0 || process.platform !== "linux") return 0;
  let self: number, tids: number[];
  try {
    self = Number(fs.readFileSync("/proc/thread-self/stat", "latin1").split(" ", 1)[0]);
    tids = fs.readdirSync("/proc/self/task").map(Number);
  } catch {
    return 0;
  }
  const target = Math.min(NICE_MAX, os.getPriority(self) + nice);
  let lowered = 0;
  for (const tid of tids) {
    if (tid === self) continue;
    try {
      // Never raise one: a thread already lower (a nice the user chose) keeps its value.
      if (os.getPriority(tid) < target) { os.setPriority(tid, target); lowered++; }
    } catch {
      // The thread ended meanwhile.
    }
  }
  return lowered;
}
