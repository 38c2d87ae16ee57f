/**
 * Runs `bin/cdvm` for the fuzzers with a wall-clock limit and the child's
 * peak resident memory, and names what no guest may ever make the VMM do:
 * status 125, a JavaScript exception on stderr, a hang, or host memory
 * beyond a bound.
 *
 * Peak memory is the child's VmHWM from /proc/<pid>/status, polled every
 * POLL_MS: no wrapper process (GNU time is not on every CI image), and a
 * high-water mark cannot fall, so only growth in the last POLL_MS before
 * exit is missed — far less than the time it takes to touch 1.5 GiB. Off
 * Linux, peakMiB is null and the bound is not checked.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../support/guest.ts";

export const CDVM = path.join(ROOT, "bin/cdvm");
/** Host memory one run may use: the VMM's own ~85 MiB plus what a guest may legitimately make it hold. */
export const RSS_LIMIT_MIB = 1536;
const POLL_MS = 20;
/** stderr kept for the checks: its start and its end (where the VMM's own last line is). */
const STDERR_KEEP = 256 << 10;

export interface FuzzRun {
  status: number;
  stderr: string;
  stdoutBytes: number;
  /** Peak resident set of the cdvm process in MiB, or null where /proc is unavailable. */
  peakMiB: number | null;
  timedOut: boolean;
  ms: number;
}

function vmHwmMiB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "latin1"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs `node bin/cdvm ...args` with stdin a closed pipe, killing it after timeoutMs. */
export function runCdvm(args: string[], timeoutMs: number): Promise<FuzzRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CDVM, ...args], { cwd: ROOT, stdio: "pipe" });
    let stdoutBytes = 0, head = "", tail = "", peakMiB: number | null = null, timedOut = false;
    const poll = () => {
      const v = child.pid !== undefined ? vmHwmMiB(child.pid) : null;
      if (v !== null) peakMiB = Math.max(peakMiB ?? 0, v);
    };
    const poller = setInterval(poll, POLL_MS);
    const killer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeoutMs);
    child.stdout.on("data", (d: Buffer) => { stdoutBytes += d.length; });
    child.stderr.on("data", (d: Buffer) => {
      const s = d.toString("latin1");
      if (head.length < STDERR_KEEP) head += s;
      else tail = (tail + s).slice(-STDERR_KEEP);
    });
    child.on("error", reject);
    child.on("exit", poll);
    child.on("close", (code, signal) => {
      clearInterval(poller);
      clearTimeout(killer);
      const stderr = tail ? `${head}\n[... stderr cut ...]\n${tail}` : head;
      resolve({ status: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stderr, stdoutBytes, peakMiB, timedOut, ms: performance.now() - t0 });
    });
    child.stdin.on("error", () => {});
    child.stdin.end();
  });
}

/** Text that only a JavaScript exception puts on stderr. */
const JS_ERROR = /^ {4}at |\b(TypeError|RangeError|ReferenceError|SyntaxError)\b|Maximum call stack/m;

/** What this run did that no guest may make the VMM do; empty when nothing. */
export function vmmProblems(r: FuzzRun, limitMiB: number): string[] {
  const out: string[] = [];
  if (r.timedOut) out.push(`hang: killed after ${r.ms.toFixed(0)} ms`);
  else if (r.status === 125) out.push(`status 125: ${lastLine(r.stderr)}`);
  const js = JS_ERROR.exec(r.stderr);
  if (js) out.push(`JavaScript exception on stderr: ${JSON.stringify(lineAround(r.stderr, js.index))}`);
  if (r.peakMiB !== null && r.peakMiB > limitMiB) out.push(`host memory: peak RSS ${r.peakMiB.toFixed(0)} MiB > ${limitMiB} MiB`);
  return out;
}

export function lastLine(s: string): string {
  return s.trimEnd().split("\n").at(-1) ?? "";
}

function lineAround(s: string, at: number): string {
  const start = s.lastIndexOf("\n", at) + 1, end = s.indexOf("\n", at);
  return s.slice(start, end < 0 ? undefined : end).slice(0, 200);
}

/** Runs fn over items with at most jobs calls in flight. */
export async function inParallel<T>(items: T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
}
