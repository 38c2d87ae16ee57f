/**
 * The process model (vmm/scheduler.ts, linux/kernel.ts) beyond what the
 * guest programs' goldens show: a thousand short pipelines of Debian's
 * busybox leave no host fd, thread or guest process behind; a deadlock
 * among guest processes ends the run with one line, and --timeout a run
 * whose processes all wait; --strace marks lines with the pid; --max-insns
 * counts every process's instructions, and its line prints whichever process
 * reaches it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { bundle } from "../bin/bundle.mjs";
import { cdvm, GUEST_BIN, oneLine, tempDir } from "./support/cli.ts";
import { GUEST_TESTS } from "./support/guest.ts";

const BUSYBOX = path.join(GUEST_TESTS, "busybox/busybox");
const present = fs.existsSync(BUSYBOX);
const count = (dir: string) => fs.readdirSync(dir).length;

/** Waits until f() is want (a terminated worker thread releases its fds as it exits), up to 10 s; returns the last value. */
async function settle(f: () => number, want: number): Promise<number> {
  for (let i = 0; i < 100 && f() !== want; i++) await new Promise((r) => setTimeout(r, 100));
  return f();
}

describe.skipIf(!present)("processes: busybox pipelines", () => {
  it("a thousand pipelines leave no host fd, thread or guest process behind", async () => {
    // The bundle bin/cdvm runs: vitest's module transform makes every call into an imported function slower.
    const { runGuest } = (await import(pathToFileURL(bundle("src/vmm/vm.ts")).href)) as typeof import("../src/vmm/vm.ts");
    const fds = count("/proc/self/fd"), threads = count("/proc/self/task");
    const lines: string[] = [];
    const script = "i=0; while [ $i -lt 1000 ]; do echo x | cat > /dev/null; i=$((i+1)); done";
    const st = runGuest(fs.readFileSync(BUSYBOX), ["busybox", "sh", "-c", script], [], { mode: "staged", execfn: BUSYBOX, stderr: (l) => lines.push(l) });
    expect(lines).toEqual([]);
    expect(st.status).toBe(0);
    expect(st.processes).toBe(2001);
    expect(await settle(() => count("/proc/self/fd"), fds)).toBe(fds);
    expect(await settle(() => count("/proc/self/task"), threads)).toBe(threads);
  }, 300_000);

  it("--timeout ends a run whose processes all wait (a sleep, a pipe, a child) by SIGXCPU", async () => {
    const r = await cdvm(["run", "--timeout", "1", "--argv0", "busybox", BUSYBOX, "sh", "-c", "sleep 5 | cat; echo done"]);
    expect(r.status).toBe(152);
    expect(oneLine(r)).toMatch(/^cdvm: guest killed by SIGXCPU: --timeout reached after 1\.\d s while every process waited$/);
    expect(r.stdout.toString()).toBe("");
  });

  it("--max-insns reached in a child, while its parent waits, ends the run with the limit's line", async () => {
    // The shell has retired ~90 k instructions when it forks the subshell and waits for it; the
    // limit is checked between blocks, so the count may pass it by a few.
    const loop = "(i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done); echo done";
    const r = await cdvm(["run", "--max-insns", "1000000", "--argv0", "busybox", BUSYBOX, "sh", "-c", loop]);
    expect(r.status).toBe(124);
    expect(oneLine(r)).toMatch(/^cdvm: stopped after 100\d{4} guest instructions \(--max-insns\) at eip 0x[0-9a-f]{8}$/);
    expect(r.stdout.toString()).toBe("");
  });
});

describe("processes: the scheduler", () => {
  const pipes = path.join(GUEST_BIN, "pipes");

  it("ends a deadlock among guest processes with one line and status 125", async () => {
    const r = await cdvm(["run", "--argv0", "pipes", pipes, "deadlock"]);
    expect(r.status).toBe(125);
    expect(oneLine(r)).toBe("cdvm: every guest process is waiting for another (a deadlock)");
  });

  it("marks strace lines with the pid once there is a second process", async () => {
    const r = await cdvm(["run", "--strace", "--argv0", "pipes", pipes, "deadlock"]);
    expect(r.stderr).toMatch(/^pipe2\(/m);
    expect(r.stderr).toMatch(/^\[pid 1000\] clone\(.*\) = 1001$/m);
    expect(r.stderr).toMatch(/^\[pid 1001\] \w+\(/m);
  });

  it("counts every process's instructions against --max-insns", async () => {
    const t = tempDir("cdvm-procs-");
    try {
      const json = path.join(t.dir, "stats.json");
      const full = await cdvm(["run", "--stats", "--stats-json", json, "--argv0", "pipes", pipes], { cwd: t.dir });
      expect(full.status).toBe(0);
      const st = JSON.parse(fs.readFileSync(json, "utf8"));
      expect(st.processes).toBe(10);
      expect(full.stderr).toMatch(new RegExp(`^cdvm: mode staged: ${st.guestInstructions} guest instructions of 10 processes in `, "m"));
      // The first process alone retires a small part of the run's instructions.
      const r = await cdvm(["run", "--max-insns", String(Math.floor(st.guestInstructions / 2)), "--argv0", "pipes", pipes], { cwd: t.dir });
      expect(r.status, r.stderr).toBe(124);
      expect(r.stderr).toMatch(/cdvm: stopped after \d+ guest instructions \(--max-insns\)/);
    } finally {
      t.cleanup();
    }
  });
});
