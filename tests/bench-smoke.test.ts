/**
 * Smoke test of the benchmark harness and the report: two fast benchmarks
 * of bench/suite.json at size small under interp and bbt (at this size
 * staged runs end before the translation tier starts), one run each,
 * then `cdvm report` on the result. Correctness only — no timing assertions.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cdvm, ROOT } from "./support/cli.ts";

const haveSuite = fs.existsSync(path.join(ROOT, "bench/suite.json")) && fs.existsSync(path.join(ROOT, "bench/bin/benchprogs"));

describe.skipIf(!haveSuite)("cdvm bench + cdvm report", () => {
  it("runs, verifies, writes results.json/csv and a report with SVG charts", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-bench-smoke-"));
    try {
      const b = await cdvm(["bench", "--size", "small", "--only", "recursion,sha256", "--configs", "interp,bbt", "--runs", "1", "--out", out]);
      expect(b.stderr).toContain("4/4 runs verified");
      expect(b.status).toBe(0);
      const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
      expect(res.schema).toBe("cdvm-bench-results/2");
      expect(res.suite).toBe("kernels");
      expect(res.benchmarks.map((b: { form: string }) => b.form)).toEqual(["direct", "direct"]);
      expect(typeof res.machine.cpuModel).toBe("string");
      expect(res.machine.cores).toBeGreaterThan(0);
      expect(res.machine.memoryBytes).toBeGreaterThan(0);
      expect(res.node).toMatch(/^v\d+/);
      expect(typeof res.git.commit).toBe("string");
      expect(res.size).toBe("small");
      expect(res.configs.map((c: { name: string }) => c.name)).toEqual(["interp", "bbt"]);
      expect(res.rows).toHaveLength(4);
      for (const r of res.rows) {
        expect(r.ok, `${r.benchmark} ${r.config}: ${r.failure}`).toBe(true);
        expect(r.suite).toBe("kernels");
        expect(r.timedOut).toBe(false);
        expect(r.status).toBe(0);
        expect(r.wallSeconds).toBeGreaterThan(0);
        expect(r.guestInstructions).toBeGreaterThan(1_000_000);
        expect(r.stats.mode).toBe(r.config);
      }
      expect(res.rows.find((r: { config: string }) => r.config === "bbt").stats.translation).toBeDefined();
      expect(res.summary).toHaveLength(4);
      for (const s of res.summary) expect([s.verified, s.outcome, s.suite]).toEqual([true, "ok", "kernels"]);
      const csv = fs.readFileSync(path.join(out, "results.csv"), "utf8").trim().split("\n");
      expect(csv).toHaveLength(5);
      expect(csv[0].split(",").slice(0, 5)).toEqual(["suite", "benchmark", "category", "size", "config"]);

      const rep = await cdvm(["report", path.join(out, "results.json"), "--out", path.join(out, "report")]);
      expect(rep.status, rep.stderr).toBe(0);
      const html = fs.readFileSync(path.join(out, "report/report.html"), "utf8");
      expect((html.match(/<svg[\s>]/g) ?? []).length).toBeGreaterThanOrEqual(2);
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      const md = fs.readFileSync(path.join(out, "report/report.md"), "utf8");
      expect(md).toContain("Speedup over the interpreter");
      expect(md).toContain("Machine:");
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 90_000);

  it("rejects an unknown configuration with status 2", async () => {
    const r = await cdvm(["bench", "--configs", "staged:-no-such-pass", "--only", "sha256"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown pass");
  });
});
