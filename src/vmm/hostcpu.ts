/**
 * What the host gave a run: the CPU time of all the VMM's threads (the
 * guest's, the translation worker, V8's compilers and collectors), and how
 * long the guest's thread waited for a core while it could have run (Linux's
 * schedstat run-queue time). A staged run whose guest thread waits much
 * longer than an interpreted one's lost its core to translation; a process
 * CPU time far above the wall time is work done beside the guest.
 */
import * as fs from "node:fs";

export interface HostTimes {
  /** User and system CPU of every thread of the process, seconds. */
  cpuSeconds: number;
  /** The calling thread's time runnable but not running, seconds (null: not Linux, or no schedstat). */
  waitSeconds: number | null;
}

function waitNs(): number | null {
  try {
    return Number(fs.readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[1]);
  } catch {
    return null;
  }
}

/** Starts measuring on the calling thread; the function returned gives what was spent since. */
export function hostTimes(): () => HostTimes {
  const cpu0 = process.cpuUsage(), wait0 = waitNs();
  return () => {
    const cpu = process.cpuUsage(cpu0), wait = waitNs();
    return { cpuSeconds: (cpu.user + cpu.system) / 1e6, waitSeconds: wait === null || wait0 === null ? null : (wait - wait0) / 1e9 };
  };
}
