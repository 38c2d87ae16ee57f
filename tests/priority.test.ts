/**
 * Translation's threads below the guest's (src/translate/priority.ts): every other thread of the
 * process is lowered by the given steps, the calling thread never, and a thread already lower keeps
 * its value. Linux only, as the module is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { lowerOtherThreads } from "../src/translate/priority.ts";

const selfTid = () => Number(fs.readFileSync("/proc/thread-self/stat", "latin1").split(" ", 1)[0]);

/** A worker thread that reports its thread id and then idles until terminated. */
async function idleThread(): Promise<{ tid: number; stop: () => Promise<number> }> {
  const w = new Worker(
    `const { parentPort } = require("node:worker_threads");
     parentPort.postMessage(Number(require("node:fs").readFileSync("/proc/thread-self/stat", "latin1").split(" ", 1)[0]));
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  const tid = await new Promise<number>((resolve) => w.once("message", resolve));
  return { tid, stop: () => w.terminate() };
}

describe.runIf(process.platform === "linux")("translation's thread priority", () => {
  it("lowers the other threads by the given steps, never the calling thread, never raises one", async () => {
    const a = await idleThread(), b = await idleThread();
    try {
      const base = os.getPriority(selfTid());
      os.setPriority(b.tid, Math.min(19, base + 15));
      expect(lowerOtherThreads(0)).toBe(0);
      expect(os.getPriority(a.tid)).toBe(base);
      expect(lowerOtherThreads(4)).toBeGreaterThan(0);
      expect(os.getPriority(selfTid())).toBe(base);
      expect(os.getPriority(a.tid)).toBe(Math.min(19, base + 4));
      expect(os.getPriority(b.tid)).toBe(Math.min(19, base + 15));
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
