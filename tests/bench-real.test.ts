/**
 * The real-software suite (bench/real/): unit tests of the manifest, the
 * placeholders, the command lines and the output hashes (no packages
 * needed), the committed manifest's consistency with packages.txt and
 * inputs.mjs, and a smoke run of four Debian programs at size small under
 * interp and staged — correctness only, never a timing assertion. The smoke
 * run fetches the pinned packages with bench/real/fetch.sh first, and is
 * skipped with a notice when that cannot be done (no apt, no network, a
 * pinned version no longer served).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Progress, outcomeOfRuns, summarize, suiteFiles } from "../src/bench/harness.ts";
import type { RunRow } from "../src/bench/results.ts";
import { parseConfigList } from "../src/bench/configs.ts";
import { checkStdout, commandLine, expandPlaceholders, loadSuite, sha256File, sha256Hex, toPlaceholders, type SuiteContext } from "../src/bench/suite.ts";
import { cdvm, ROOT } from "./support/cli.ts";
import { fetchReal, REAL } from "./support/real.ts";
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-bench-real-"));

function writeManifest(dir: string, body: object): string {
  const f = path.join(dir, "suite.json");
  fs.writeFileSync(f, JSON.stringify(body));
  return f;
}
const SYSROOT = { pinset: "0123456789abcdef", loader: "lib/ld-linux.so.2", libraryPath: ["lib/i386-linux-gnu", "usr/lib/i386-linux-gnu"], fetch: "fetch.sh", inputsScript: "inputs.mjs", inputsVersion: "x", inputs: {} };
const hashed = (args: string[], extra: object = {}) => ({ args, expectedStdoutSha256: sha256Hex("hi\n"), expectedStdoutBytes: 3, expectedStatus: 0, ...extra });

describe("real-suite manifests and command lines", () => {
  const ctx: SuiteContext = { sysroot: "/cache/sysroot", inputs: "/cache/inputs", workloads: "/repo/bench/real/workloads" };

  it("expands {sysroot}, {inputs} and {workloads}, and rejects any other placeholder", () => {
    expect(expandPlaceholders("{inputs}/text-small.txt", ctx)).toBe("/cache/inputs/text-small.txt");
    expect(expandPlaceholders(".read {workloads}/q.sql", ctx)).toBe(".read /repo/bench/real/workloads/q.sql");
    expect(expandPlaceholders("s/a{2}/b/", ctx)).toBe("s/a{2}/b/");
    expect(expandPlaceholders("plain", ctx)).toBe("plain");
    expect(() => expandPlaceholders("{input}/x", ctx)).toThrow(/unknown placeholder \{input\}/);
    expect(() => expandPlaceholders("{sysroot}/x", { workloads: "/w" })).toThrow(/no value/);
    expect(toPlaceholders("/cache/inputs/a.csv /repo/bench/real/workloads/x.awk", ctx)).toBe("{inputs}/a.csv {workloads}/x.awk");
  });

  it("builds the loader form and the direct form of a command line", () => {
    const dir = tmp();
    try {
      const f = writeManifest(dir, { suite: "real", sysroot: SYSROOT, benchmarks: [
        { name: "lua", category: "interpreter", binary: "usr/bin/lua5.4", form: "loader", sizes: { small: hashed(["{workloads}/bench.lua", "10"]) } },
        { name: "bb", category: "hashing", binary: "bin/busybox", form: "direct", sizes: { small: hashed(["gzip", "-c"], { stdin: "{inputs}/text-small.txt" }) } },
      ] });
      const s = loadSuite(f);
      expect(s.name).toBe("real");
      const lua = commandLine(s, s.benchmarks[0], "small", ctx);
      expect(lua).toEqual({ program: "/cache/sysroot/lib/ld-linux.so.2", binary: "/cache/sysroot/usr/bin/lua5.4", form: "loader",
        args: ["--library-path", "/cache/sysroot/lib/i386-linux-gnu:/cache/sysroot/usr/lib/i386-linux-gnu", "/cache/sysroot/usr/bin/lua5.4", "/repo/bench/real/workloads/bench.lua", "10"] });
      const bb = commandLine(s, s.benchmarks[1], "small", ctx);
      expect(bb).toEqual({ program: "/cache/sysroot/bin/busybox", binary: "/cache/sysroot/bin/busybox", form: "direct", args: ["gzip", "-c"], stdin: "/cache/inputs/text-small.txt" });
      expect(() => commandLine(s, s.benchmarks[0], "ref", ctx)).toThrow(/no size 'ref'/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("rejects malformed manifests", () => {
    const dir = tmp();
    const bad = (benchmarks: object[], extra: object = { sysroot: SYSROOT }) => () => loadSuite(writeManifest(dir, { suite: "real", ...extra, benchmarks }));
    try {
      const ok = { name: "a", category: "c", binary: "bin/a", sizes: { small: hashed([]) } };
      expect(bad([ok])).not.toThrow();
      expect(bad([ok, ok])).toThrow(/appears twice/);
      expect(bad([{ ...ok, form: "static" }])).toThrow(/form must be/);
      expect(bad([{ ...ok, form: "loader" }], {})).toThrow(/needs a manifest with a sysroot/);
      expect(bad([{ ...ok, sizes: { small: { args: [], expectedStatus: 0 } } }])).toThrow(/exactly one of/);
      expect(bad([{ ...ok, sizes: { small: { ...hashed([]), expectedStdout: "hi\n" } } }])).toThrow(/exactly one of/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("checks stdout by SHA-256 and length, or as text", () => {
    const dir = tmp();
    try {
      const out = path.join(dir, "out");
      fs.writeFileSync(out, "hi\n");
      expect(sha256File(out)).toEqual({ sha256: sha256Hex("hi\n"), bytes: 3 });
      expect(checkStdout(hashed([]), out)).toEqual({ ok: true });
      expect(checkStdout({ args: [], expectedStdout: "hi\n", expectedStatus: 0 }, out)).toEqual({ ok: true });
      fs.writeFileSync(out, "ho\n");
      const bad = checkStdout(hashed([]), out);
      expect(bad.ok).toBe(false);
      expect(bad.why).toMatch(/3 bytes, sha256 .* \(expected 3 bytes/);
      expect(checkStdout({ args: [], expectedStdout: "hi\n", expectedStatus: 0 }, out).why).toMatch(/line 1: got "ho"/);
      const big = Buffer.alloc(3 << 20, 7);
      fs.writeFileSync(out, big);
      expect(sha256File(out)).toEqual({ sha256: sha256Hex(big), bytes: big.length });
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("names suites: kernels, real, all, or a manifest path", () => {
    expect(suiteFiles("kernels")).toEqual([path.join(ROOT, "bench/suite.json")]);
    expect(suiteFiles("real")).toEqual([path.join(ROOT, "bench/real/suite.json")]);
    expect(suiteFiles("all")).toEqual([path.join(ROOT, "bench/suite.json"), path.join(ROOT, "bench/real/suite.json")]);
    expect(suiteFiles("bench/suite.json")).toEqual([path.join(process.cwd(), "bench/suite.json")]);
    expect(() => suiteFiles("realz")).toThrow(/unknown suite 'realz'/);
  });

  it("tells a wrong answer from a timeout from a run never made", () => {
    const row = (ok: boolean, timedOut = false, config = "staged"): RunRow => ({ suite: "real", benchmark: "b", category: "c", size: "small", config, kind: config === "native" ? "native" : "cdvm", purpose: "measure", run: 1, ok, timedOut, status: ok ? 0 : null, wallSeconds: 1, peakRssKb: null, guestInstructions: null, mips: null, vmSeconds: null, ...(ok ? {} : { failure: timedOut ? "timed out" : "wrong output" }) });
    expect(outcomeOfRuns([row(true), row(true)])).toBe("ok");
    expect(outcomeOfRuns([row(true), row(false, true)])).toBe("timeout");
    expect(outcomeOfRuns([row(false, true), row(false)])).toBe("fail");
    expect(outcomeOfRuns([])).toBe("not-run");
    const [staged, native, qemu] = parseConfigList("staged,native,qemu");
    const bench = { name: "b", category: "c", binary: "bin/b", sizes: { small: hashed([]) } };
    const s = summarize([row(false, true), row(true, false, "native")], [staged, native], [bench], "small", "real", [qemu]);
    expect(s.map((x) => [x.suite, x.config, x.outcome, x.medianSeconds])).toEqual([["real", "staged", "timeout", null], ["real", "native", "ok", 1], ["real", "qemu", "not-run", null]]);
  });

  it("shows progress as plain lines off a terminal and in place, with elapsed and remaining time, on one", () => {
    const plain: string[] = [];
    const p = new Progress(3, false, (s) => plain.push(s));
    p.show("sha256 staged run 1/3"); p.step(); p.show("sha256 staged run 2/3");
    expect(plain).toEqual(["[1/3] sha256 staged run 1/3\n", "[2/3] sha256 staged run 2/3\n"]);
    const tty: string[] = [];
    const q = new Progress(3, true, (s) => tty.push(s));
    q.show("a interp run 1/1"); q.step(); q.show("a staged run 1/1"); q.end();
    expect(tty[0]).toMatch(/^\r\x1b\[K\[1\/3\] a interp run 1\/1 {2}elapsed /);
    expect(tty[1]).toMatch(/^\r\x1b\[K\[2\/3\] a staged run 1\/1 {2}elapsed .* {2}remaining ~/);
    expect(tty[2]).toBe("\r\x1b[K");
  });
});

describe("bench/real/suite.json", () => {
  const suite = loadSuite(path.join(REAL, "suite.json"));
  const sr = suite.sysroot!;

  it("was generated from the committed packages.txt, catalog.json and inputs.mjs", () => {
    const pins = fs.readFileSync(path.join(REAL, "packages.txt"), "utf8");
    expect(sr.pinset).toBe(sha256Hex(pins).slice(0, 16));
    for (const line of pins.split("\n").filter((l) => l && !l.startsWith("#"))) expect(line).toMatch(/^[a-z0-9][a-z0-9.+-]+ [0-9][A-Za-z0-9.+~:-]* [0-9a-f]{64}$/);
    expect(sr.inputsVersion).toBe(sha256Hex(fs.readFileSync(path.join(REAL, "inputs.mjs"))).slice(0, 16));
    const catalog = JSON.parse(fs.readFileSync(path.join(REAL, "catalog.json"), "utf8")) as { benchmarks: { name: string; binary: string; form: string; sizes: Record<string, { args: string[]; stdin?: string }> }[] };
    expect(suite.benchmarks.map((b) => b.name)).toEqual(catalog.benchmarks.map((b) => b.name));
    for (const c of catalog.benchmarks) {
      const b = suite.benchmarks.find((x) => x.name === c.name)!;
      expect([b.binary, b.form]).toEqual([c.binary, c.form]);
      for (const size of ["small", "ref"]) {
        expect(b.sizes[size].args).toEqual(c.sizes[size].args);
        expect(b.sizes[size].stdin).toEqual(c.sizes[size].stdin);
      }
    }
  });

  it("holds at least 12 programs, each at small and ref, with hashed outputs and placeholders only", () => {
    expect(suite.name).toBe("real");
    expect(new Set(suite.benchmarks.map((b) => b.binary)).size).toBeGreaterThanOrEqual(12);
    const ctx: SuiteContext = { sysroot: "/S", inputs: "/I", workloads: "/W" };
    for (const b of suite.benchmarks) {
      expect(["direct", "loader"]).toContain(b.form);
      for (const size of ["small", "ref"]) {
        const s = b.sizes[size];
        expect(s.expectedStdoutSha256, `${b.name} ${size}`).toMatch(/^[0-9a-f]{64}$/);
        expect(s.expectedStdoutBytes).toBeGreaterThan(0);
        expect(s.nativeSeconds).toBeGreaterThan(0);
        const cl = commandLine(suite, b, size, ctx);
        for (const a of [...cl.args, cl.stdin ?? ""]) expect(a, `${b.name}: a machine's own path leaked into the manifest`).not.toMatch(/\/(root|home|tmp)\/|\.cache/);
        for (const a of [...cl.args, cl.stdin ?? ""].filter((x) => x.startsWith("/I/"))) expect(Object.keys(sr.inputs[size])).toContain(a.slice(3));
        for (const a of cl.args.filter((x) => x.startsWith("/W/"))) expect(fs.existsSync(path.join(REAL, "workloads", a.slice(3))), a).toBe(true);
      }
    }
  });
});

const whyNot = fetchReal();
if (whyNot) process.stderr.write(`notice: tests/bench-real.test.ts: skipping the real-software smoke run: ${whyNot}\n`);

describe.skipIf(!!whyNot)("cdvm bench --suite real (smoke)", () => {
  it("verifies four Debian programs at size small under interp and staged", async () => {
    const out = tmp();
    try {
      const only = ["bb_sha256sum", "lua_bench", "py_startup", "coreutils_sort"];
      const b = await cdvm(["bench", "--suite", "real", "--size", "small", "--only", only.join(","), "--configs", "interp,staged", "--runs", "1", "--out", out]);
      expect(b.status, b.stderr).toBe(0);
      expect(b.stderr).toContain("8/8 runs verified");
      expect(b.stderr).toMatch(/\[8\/8\] coreutils_sort staged run 1\/1/);
      const res = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
      expect(res.schema).toBe("cdvm-bench-results/2");
      expect(res.suite).toBe("real");
      expect(res.manifests[0]).toMatchObject({ suite: "real", file: "bench/real/suite.json" });
      expect(res.benchmarks.map((x: { name: string; form: string }) => `${x.name}:${x.form}`)).toEqual(["bb_sha256sum:direct", "lua_bench:loader", "py_startup:loader", "coreutils_sort:loader"]);
      for (const r of res.rows) {
        expect(r.ok, `${r.benchmark} ${r.config}: ${r.failure}`).toBe(true);
        expect([r.suite, r.timedOut]).toEqual(["real", false]);
        expect(r.guestInstructions).toBeGreaterThan(1_000_000);
      }
      for (const s of res.summary) expect(s.outcome).toBe("ok");
      expect(b.stdout.toString()).toMatch(/\| real +\| small +\| staged/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
