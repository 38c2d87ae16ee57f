/**
 * `cdvm bench`: runs a benchmark suite under a list of configurations and
 * writes results.json and results.csv.
 *
 * Every run is a separate child process, timed here (hrtime around
 * spawnSync): native runs the binary, qemu runs it under qemu-i386, cdvm
 * configs run `node bin/cdvm run --stats-json TMP ...`. When /usr/bin/time
 * exists the child is wrapped in `/usr/bin/time -f "%e %M" -o FILE`, which
 * gives the child's peak RSS (getrusage ru_maxrss of the waited-for child);
 * without it peak RSS is recorded as null (Node's spawnSync reports no
 * rusage, and process.resourceUsage() covers this process only).
 * A run whose stdout or exit status differs from the manifest is a failure
 * and never contributes a time. Runs of one benchmark are interleaved
 * across configurations (run 1 of every config, then run 2, ...), so a
 * shared machine's load drifts over all configurations alike.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { UsageError } from "../core/status.ts";
import type { RunStats } from "../vmm/vm.ts";
import { cdvmRunArgs, parseConfigList, type BenchConfig } from "./configs.ts";
import { gitCommit, machineInfo, toolVersion } from "./machine.ts";
import { RESULTS_SCHEMA, toCsv, type Results, type RunRow, type SummaryRow } from "./results.ts";
import { fmtDuration, median } from "./stats.ts";
import { loadSuite, selectBenchmarks, type BenchmarkSpec } from "./suite.ts";

/** The project root: the nearest directory above this module holding src/cli/main.ts (this module may run from a bundle elsewhere). */
function projectRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "src/cli/main.ts")) && fs.existsSync(path.join(dir, "bin/cdvm"))) return dir;
    if (dir === path.dirname(dir)) return process.cwd();
  }
}
export const ROOT = projectRoot();
const CDVM_BIN = path.join(ROOT, "bin/cdvm");
const TIME_BIN = "/usr/bin/time";
const STARTUP_FRACTIONS = [0.02, 0.05, 0.1, 0.25, 0.5];

export interface BenchOptions {
  suite?: string;
  only?: string;
  configs?: string;
  runs?: string;
  size?: string;
  out?: string;
  timeout?: string;
  startup?: string;
  qemu?: string;
}

interface Spawned { status: number | null; stdout: Buffer; stderr: string; wallSeconds: number; peakRssKb: number | null; timedOut: boolean }

function findQemu(explicit?: string): string | undefined {
  const cands = explicit ? [explicit] : ["/usr/bin/qemu-i386", "/usr/local/bin/qemu-i386", "/usr/bin/qemu-i386-static"];
  return cands.find((c) => fs.existsSync(c));
}

function spawnTimed(cmd: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number, timeFile: string | undefined): Spawned {
  const argv = timeFile ? [TIME_BIN, "-f", "%e %M", "-o", timeFile, ...cmd] : cmd;
  if (timeFile) fs.rmSync(timeFile, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26, timeout: timeoutMs, killSignal: "SIGKILL" });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error && (r.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw r.error;
  let status: number | null = r.status ?? (r.signal ? 128 + (os.constants.signals[r.signal] ?? 0) : null);
  let peakRssKb: number | null = null;
  if (timeFile && fs.existsSync(timeFile)) {
    const lines = fs.readFileSync(timeFile, "utf8").trim().split("\n");
    const m = /^([\d.]+) (\d+)$/.exec(lines[lines.length - 1] ?? "");
    if (m) peakRssKb = Number(m[2]);
    // GNU time exits 128+N itself when the child dies by signal N, so the status above is already shell-like.
    const sig = /Command terminated by signal (\d+)/.exec(lines.join("\n"));
    if (sig) status = 128 + Number(sig[1]);
  }
  return { status, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? Buffer.alloc(0)).toString(), wallSeconds, peakRssKb, timedOut: r.signal === "SIGKILL" && wallSeconds * 1000 >= timeoutMs };
}

function firstDifference(got: string, want: string): string {
  const g = got.split("\n"), w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) return `line ${i + 1}: got ${JSON.stringify((g[i] ?? "<eof>").slice(0, 120))}, expected ${JSON.stringify((w[i] ?? "<eof>").slice(0, 120))}`;
  }
  return "outputs differ";
}

class Progress {
  private readonly tty = !!process.stderr.isTTY;
  private readonly t0 = Date.now();
  private done = 0;
  constructor(private total: number) {}
  show(label: string): void {
    if (!this.tty) return;
    const el = (Date.now() - this.t0) / 1000;
    const eta = this.done ? (el / this.done) * (this.total - this.done) : NaN;
    const line = `[${this.done + 1}/${this.total}] ${label}  elapsed ${fmtDuration(el)}${Number.isFinite(eta) ? `  ETA ${fmtDuration(eta)}` : ""}`;
    process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
  }
  step(): void { this.done++; }
  addTotal(n: number): void { this.total += n; }
  message(text: string): void { process.stderr.write(`${this.tty ? "\r\x1b[K" : ""}${text}\n`); }
  end(): void { if (this.tty) process.stderr.write("\r\x1b[K"); }
}

export function runBench(o: BenchOptions): number {
  const suiteFile = o.suite ?? path.join(ROOT, "bench/suite.json");
  if (!fs.existsSync(suiteFile)) throw new UsageError(`no suite manifest at ${suiteFile} (run bash bench/build.sh)`);
  const suite = loadSuite(suiteFile);
  const size = o.size ?? "small";
  const runs = Number(o.runs ?? "1");
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs expects a positive whole number, got '${o.runs}'`);
  const timeoutMs = Number(o.timeout ?? "1800") * 1000;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout expects seconds, got '${o.timeout}'`);
  let benches: BenchmarkSpec[];
  let configs: BenchConfig[];
  try {
    benches = selectBenchmarks(suite, o.only);
    configs = parseConfigList(o.configs ?? "default");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const b of benches) if (!b.sizes[size]) throw new UsageError(`benchmark ${b.name} has no size '${size}' (has: ${Object.keys(b.sizes).join(", ")})`);
  const outDir = path.resolve(o.out ?? path.join(ROOT, "out/bench", new Date().toISOString().replace(/[:.]/g, "-")));
  fs.mkdirSync(outDir, { recursive: true });

  const skipped: Results["skipped"] = [];
  const qemu = findQemu(o.qemu);
  if (configs.some((c) => c.kind === "qemu") && !qemu) {
    process.stderr.write("cdvm bench: qemu-i386 not found; skipping the qemu configuration\n");
    skipped.push({ config: "qemu", reason: "qemu-i386 not found" });
    configs = configs.filter((c) => c.kind !== "qemu");
  }
  if (!configs.length) throw new UsageError("no configuration left to run");
  let startupBench: BenchmarkSpec | undefined;
  if (o.startup) {
    startupBench = benches.find((b) => b.name === o.startup);
    if (!startupBench) throw new UsageError(`--startup ${o.startup}: not among the selected benchmarks`);
  }

  const hasTime = fs.existsSync(TIME_BIN);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-bench-"));
  const timeFile = hasTime ? path.join(scratch, "time.txt") : undefined;
  const statsFile = path.join(scratch, "stats.json");
  const cwd = path.join(scratch, "cwd");
  fs.mkdirSync(cwd);
  const rows: RunRow[] = [];
  const progress = new Progress(benches.length * configs.length * runs);

  const runOne = (b: BenchmarkSpec, c: BenchConfig, run: number, maxInsns?: number): RunRow => {
    const spec = b.sizes[size];
    const bin = path.resolve(suite.dir, b.binary);
    let cmd: string[], env: NodeJS.ProcessEnv = {};
    if (c.kind === "native") cmd = [bin, ...spec.args];
    else if (c.kind === "qemu") cmd = [qemu!, bin, ...spec.args];
    else {
      cmd = [process.execPath, CDVM_BIN, "run", ...cdvmRunArgs(c), "--clear-env", "--stats-json", statsFile,
        ...(maxInsns !== undefined ? ["--max-insns", String(maxInsns)] : []), "--argv0", path.basename(b.binary), bin, ...spec.args];
      env = { PATH: process.env.PATH, HOME: process.env.HOME };
      fs.rmSync(statsFile, { force: true });
    }
    const r = spawnTimed(cmd, env, cwd, timeoutMs, timeFile);
    let stats: RunStats | undefined;
    if (c.kind === "cdvm" && fs.existsSync(statsFile)) {
      try { stats = JSON.parse(fs.readFileSync(statsFile, "utf8")) as RunStats; } catch { stats = undefined; }
    }
    let failure: string | undefined;
    const stdout = r.stdout.toString("utf8");
    if (r.timedOut) failure = `timed out after ${timeoutMs / 1000} s`;
    else if (maxInsns !== undefined) {
      if (r.status !== 124 && r.status !== spec.expectedStatus) failure = `exit status ${r.status} (expected 124 or ${spec.expectedStatus})`;
    } else if (r.status !== spec.expectedStatus) {
      const why = r.stderr.trim().split("\n").filter(Boolean).pop() ?? "";
      failure = `exit status ${r.status} (expected ${spec.expectedStatus})${why ? `: ${why.slice(0, 200)}` : ""}`;
    } else if (stdout !== spec.expectedStdout) failure = `wrong output: ${firstDifference(stdout, spec.expectedStdout)}`;
    if (!failure && c.kind === "cdvm" && !stats) failure = "no --stats-json written";
    const insns = stats?.guestInstructions ?? null;
    return {
      benchmark: b.name, category: b.category, size, config: c.name, kind: c.kind,
      purpose: maxInsns !== undefined ? "startup" : "measure", run, ok: !failure, ...(failure ? { failure } : {}),
      status: r.status, wallSeconds: r.wallSeconds, peakRssKb: r.peakRssKb,
      guestInstructions: insns, mips: insns !== null ? insns / r.wallSeconds / 1e6 : null,
      vmSeconds: stats?.wallSeconds ?? null, ...(maxInsns !== undefined ? { maxInsns } : {}), ...(stats ? { stats } : {}),
    };
  };

  try {
    for (const b of benches) {
      for (let run = 1; run <= runs; run++) {
        for (const c of configs) {
          progress.show(`${b.name} ${c.name} run ${run}/${runs}`);
          const row = runOne(b, c, run);
          rows.push(row);
          progress.step();
          if (!row.ok) progress.message(`cdvm bench: FAIL ${b.name} [${c.name}] run ${run}: ${row.failure}`);
        }
      }
    }
    if (startupBench) {
      const total = median(rows.filter((r) => r.benchmark === startupBench!.name && r.ok && r.guestInstructions).map((r) => r.guestInstructions!));
      const cdvmConfigs = configs.filter((c) => c.kind === "cdvm");
      if (Number.isFinite(total)) {
        progress.addTotal(cdvmConfigs.length * STARTUP_FRACTIONS.length);
        for (const f of STARTUP_FRACTIONS) {
          for (const c of cdvmConfigs) {
            progress.show(`startup ${startupBench.name} ${c.name} ${Math.round(f * 100)}%`);
            const row = runOne(startupBench, c, 1, Math.max(1, Math.round(total * f)));
            rows.push(row);
            progress.step();
            if (!row.ok) progress.message(`cdvm bench: FAIL startup ${startupBench.name} [${c.name}] at ${row.maxInsns}: ${row.failure}`);
          }
        }
      } else progress.message(`cdvm bench: no verified cdvm run of ${startupBench.name}; startup curve skipped`);
    }
  } finally {
    progress.end();
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const summary = summarize(rows, configs, benches, size);
  const results: Results = {
    schema: RESULTS_SCHEMA,
    createdAt: new Date().toISOString(),
    command: ["cdvm", ...process.argv.slice(2)].join(" "),
    machine: machineInfo(),
    node: process.version,
    ...(qemu && configs.some((c) => c.kind === "qemu") ? { qemu: toolVersion(qemu, ["--version"]) ?? qemu } : {}),
    git: gitCommit(ROOT),
    suite: path.relative(ROOT, suite.file) || suite.file,
    size, runs,
    timing: hasTime
      ? "wall: hrtime around spawnSync of the child; peak RSS: /usr/bin/time -f %M (child's ru_maxrss, KiB)"
      : "wall: hrtime around spawnSync of the child; peak RSS unavailable (/usr/bin/time missing)",
    configs, skipped,
    benchmarks: benches.map((b) => ({ name: b.name, category: b.category, ...(b.notes ? { notes: b.notes } : {}) })),
    rows, summary,
  };
  fs.writeFileSync(path.join(outDir, "results.json"), JSON.stringify(results, null, 1) + "\n");
  fs.writeFileSync(path.join(outDir, "results.csv"), toCsv(rows));
  printSummary(summary, configs);
  const failed = rows.filter((r) => !r.ok).length;
  process.stderr.write(`cdvm bench: ${rows.length - failed}/${rows.length} runs verified; results in ${outDir}/results.json and results.csv\n`);
  return failed ? 1 : 0;
}

export function summarize(rows: RunRow[], configs: BenchConfig[], benches: BenchmarkSpec[], size: string): SummaryRow[] {
  const out: SummaryRow[] = [];
  for (const b of benches) {
    const cdvmInsns = median(rows.filter((r) => r.benchmark === b.name && r.purpose === "measure" && r.ok && r.guestInstructions !== null).map((r) => r.guestInstructions!));
    for (const c of configs) {
      const rs = rows.filter((r) => r.benchmark === b.name && r.config === c.name && r.purpose === "measure");
      const ok = rs.filter((r) => r.ok);
      const times = ok.map((r) => r.wallSeconds);
      const own = ok.filter((r) => r.guestInstructions !== null).map((r) => r.guestInstructions!);
      const insns = own.length ? median(own) : Number.isFinite(cdvmInsns) ? cdvmInsns : null;
      const med = times.length ? median(times) : null;
      const tms = ok.map((r) => r.stats?.translation?.totalMs).filter((x): x is number => x !== undefined);
      const rss = ok.map((r) => r.peakRssKb).filter((x): x is number => x !== null);
      const vm = ok.map((r) => r.vmSeconds).filter((x): x is number => x !== null);
      out.push({
        benchmark: b.name, category: b.category, size, config: c.name, kind: c.kind,
        runs: rs.length, okRuns: ok.length, verified: rs.length > 0 && ok.length === rs.length,
        medianSeconds: med, minSeconds: times.length ? Math.min(...times) : null, maxSeconds: times.length ? Math.max(...times) : null,
        medianVmSeconds: vm.length ? median(vm) : null,
        guestInstructions: insns, instructionsFromCdvm: !own.length && insns !== null,
        mips: insns !== null && med ? insns / med / 1e6 : null,
        peakRssKb: rss.length ? Math.max(...rss) : null,
        translationMs: tms.length ? median(tms) : null,
      });
    }
  }
  return out;
}

function printSummary(summary: SummaryRow[], configs: BenchConfig[]): void {
  const names = configs.map((c) => c.name);
  const benches = [...new Set(summary.map((s) => s.benchmark))];
  const w = Math.max(10, ...names.map((n) => n.length + 1));
  const lines = ["benchmark".padEnd(12) + names.map((n) => n.padStart(w)).join("")];
  for (const b of benches) {
    lines.push(b.padEnd(12) + names.map((n) => {
      const s = summary.find((x) => x.benchmark === b && x.config === n);
      const v = !s || s.medianSeconds === null ? "FAIL" : `${s.medianSeconds.toFixed(3)}s`;
      return v.padStart(w);
    }).join(""));
  }
  process.stdout.write(lines.join("\n") + "\n");
}
