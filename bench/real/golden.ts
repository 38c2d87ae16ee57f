/**
 * Writes bench/real/suite.json — the real-software suite's manifest — from
 * native runs of the hand-written bench/real/catalog.json. Run through
 * bench/real/golden.sh, which fetches the packages and generates the inputs
 * first; never edit suite.json by hand.
 *
 *   npx tsx bench/real/golden.ts CACHE_DIR [--runs N] [--check-qemu]
 *
 * Every benchmark runs N times (default 3) per size natively, through the
 * same command line the harness builds (suite.ts commandLine: the loader
 * form for dynamic programs), with an empty environment, a scratch working
 * directory, stdin from its file or /dev/null, and stdout to a file. The N
 * outputs must be identical (a workload that is not deterministic is an
 * error here, not a flaky failure later); the manifest records their
 * SHA-256 and length, the exit status and the median wall time.
 * --check-qemu also runs each once under qemu-i386 and requires the same
 * output and status.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { commandLine, sha256File, sha256Hex, type BenchmarkSpec, type Suite, type SuiteContext, type SysrootSpec } from "../../src/bench/suite.ts";
// @ts-expect-error: a plain-JavaScript module shared with the harness (no type declarations)
import { INPUTS_VERSION, inputHashes, stampFile } from "./inputs.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SIZES = ["small", "ref"];

interface CatalogEntry { name: string; category: string; description: string; binary: string; form: "direct" | "loader"; notes?: string; sizes: Record<string, { args: string[]; stdin?: string; expectedStatus?: number }> }
interface Catalog { loader: string; libraryPath: string[]; benchmarks: CatalogEntry[] }

function main(): void {
  const argv = process.argv.slice(2);
  const cacheDir = argv[0];
  if (!cacheDir || !fs.existsSync(path.join(cacheDir, "sysroot"))) throw new Error("usage: golden.ts CACHE_DIR [--runs N] [--check-qemu] (run bash bench/real/golden.sh)");
  const runsAt = argv.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
  const checkQemu = argv.includes("--check-qemu");
  const ctx: SuiteContext = { sysroot: path.join(cacheDir, "sysroot"), inputs: path.join(cacheDir, "inputs"), workloads: path.join(HERE, "workloads") };
  for (const size of SIZES) {
    const stamp = stampFile(ctx.inputs!, size) as string;
    if (!fs.existsSync(stamp) || fs.readFileSync(stamp, "utf8").trim() !== INPUTS_VERSION) throw new Error(`${size} inputs in ${ctx.inputs} are missing or stale (run bash bench/real/golden.sh)`);
  }

  const catalog = JSON.parse(fs.readFileSync(path.join(HERE, "catalog.json"), "utf8")) as Catalog;
  const pins = fs.readFileSync(path.join(HERE, "packages.txt"), "utf8");
  const packages: Record<string, string> = {};
  for (const line of pins.split("\n")) {
    const m = /^([^#\s]\S*)\s+(\S+)\s+[0-9a-f]{64}\s*$/.exec(line);
    if (m) packages[m[1]] = m[2];
  }
  const sysroot: SysrootSpec & { packages: Record<string, string> } = {
    pinset: sha256Hex(pins).slice(0, 16),
    loader: catalog.loader, libraryPath: catalog.libraryPath,
    fetch: "fetch.sh", inputsScript: "inputs.mjs", inputsVersion: INPUTS_VERSION,
    inputs: Object.fromEntries(SIZES.map((size) => [size, inputHashes(ctx.inputs!, size)])), packages,
  };
  if (path.basename(cacheDir) !== sysroot.pinset) throw new Error(`${cacheDir} is not the cache of packages.txt's pin set ${sysroot.pinset}`);
  const suite: Suite = { name: "real", file: path.join(HERE, "suite.json"), dir: HERE, benchmarks: [], sysroot };
  const qemu = ["/usr/bin/qemu-i386", "/usr/local/bin/qemu-i386"].find((q) => fs.existsSync(q));
  if (checkQemu && !qemu) throw new Error("--check-qemu: qemu-i386 not found");

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-golden-"));
  const cwd = path.join(scratch, "cwd"), outFile = path.join(scratch, "stdout");
  fs.mkdirSync(cwd);
  const run = (cmd: string[], stdin: string | undefined) => {
    const inFd = fs.openSync(stdin ?? "/dev/null", "r"), outFd = fs.openSync(outFile, "w");
    const t0 = process.hrtime.bigint();
    let r;
    try { r = spawnSync(cmd[0], cmd.slice(1), { cwd, env: {}, stdio: [inFd, outFd, "pipe"], maxBuffer: 1 << 24 }); } finally { fs.closeSync(inFd); fs.closeSync(outFd); }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw r.error;
    const status = r.status ?? 128 + (r.signal ? os.constants.signals[r.signal] : 0);
    return { status, seconds, stderr: r.stderr.toString(), ...sha256File(outFile) };
  };

  const benchmarks: BenchmarkSpec[] = [];
  try {
    for (const c of catalog.benchmarks) {
      const entry: BenchmarkSpec = { name: c.name, category: c.category, description: c.description, binary: c.binary, form: c.form, sizes: {}, ...(c.notes ? { notes: c.notes } : {}) };
      for (const size of SIZES) {
        const want = c.sizes[size];
        if (!want) throw new Error(`${c.name}: catalog has no size ${size}`);
        // A provisional spec so commandLine can build the command; the expectations are filled in below.
        entry.sizes[size] = { args: want.args, ...(want.stdin ? { stdin: want.stdin } : {}), expectedStatus: want.expectedStatus ?? 0, expectedStdoutSha256: "", expectedStdoutBytes: 0 };
        const cl = commandLine(suite, entry, size, ctx);
        const results = [];
        for (let i = 0; i < runs; i++) results.push(run([cl.program, ...cl.args], cl.stdin));
        const first = results[0];
        for (const r of results) {
          if (r.status !== (want.expectedStatus ?? 0)) throw new Error(`${c.name} ${size}: native exit status ${r.status}: ${r.stderr.trim().slice(0, 300)}`);
          if (r.sha256 !== first.sha256 || r.bytes !== first.bytes) throw new Error(`${c.name} ${size}: output differs between native runs (not deterministic)`);
        }
        if (checkQemu) {
          const q = run([qemu!, cl.program, ...cl.args], cl.stdin);
          if (q.status !== first.status || q.sha256 !== first.sha256) throw new Error(`${c.name} ${size}: qemu-i386 gives status ${q.status}, ${q.bytes} bytes (native: ${first.status}, ${first.bytes} bytes)`);
        }
        const secs = results.map((r) => r.seconds).sort((a, b) => a - b)[Math.floor(results.length / 2)];
        entry.sizes[size] = { args: want.args, ...(want.stdin ? { stdin: want.stdin } : {}), expectedStdoutSha256: first.sha256, expectedStdoutBytes: first.bytes, expectedStatus: first.status, nativeSeconds: Math.round(secs * 1000) / 1000 };
        process.stderr.write(`  ${c.name.padEnd(20)} ${size.padEnd(5)} ${secs.toFixed(3)} s  ${String(first.bytes).padStart(9)} bytes${checkQemu ? "  (qemu agrees)" : ""}\n`);
      }
      benchmarks.push(entry);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const manifest = {
    version: 2, suite: "real", generatedBy: "bench/real/golden.sh (from catalog.json; do not edit)", sizes: SIZES,
    sysroot, benchmarks,
  };
  fs.writeFileSync(suite.file, JSON.stringify(manifest, null, 2) + "\n");
  process.stderr.write(`bench/real/golden.ts: wrote suite.json (${benchmarks.length} benchmarks)\n`);
}

main();
