/**
 * A run killed by `cdvm bench --timeout` takes its whole process tree with
 * it: a program it started must not live on and write into the next run's
 * output (a timed-out cdvm under /usr/bin/time once did, and the next
 * benchmark failed with the first one's output). Two native "benchmarks" in
 * a scratch manifest: one times out leaving a child that writes late, the
 * next must still verify.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cdvm } from "./support/cli.ts";

describe("cdvm bench --timeout", () => {
  it("kills the timed-out run's process tree, so the next run's output is its own", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-bench-timeout-"));
    try {
      const script = (name: string, body: string) => {
        fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
        return name;
      };
      const bench = (name: string, binary: string, expectedStdout: string) =>
        ({ name, category: "test", binary, sizes: { small: { args: [], expectedStdout, expectedStatus: 0 } } });
      fs.writeFileSync(path.join(dir, "suite.json"), JSON.stringify({ benchmarks: [
        bench("hangs", script("hangs.sh", "(sleep 3.6; echo written-late-by-the-first) &\nsleep 30"), ""),
        bench("next", script("next.sh", "echo next; sleep 1.5"), "next\n"),
      ] }));
      const r = await cdvm(["bench", "--suite", path.join(dir, "suite.json"), "--configs", "native", "--timeout", "3", "--out", path.join(dir, "out")]);
      const res = JSON.parse(fs.readFileSync(path.join(dir, "out/results.json"), "utf8"));
      const [hangs, next] = res.rows;
      expect(hangs.timedOut, r.stderr).toBe(true);
      expect(next.ok, next.failure).toBe(true);
      expect(next.wallSeconds).toBeLessThan(10);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
