/**
 * `npm run fuzz -- [--elf] [--syscalls] [--blocks] [--seed N[,N...]] [--cases M]
 *                  [--case K [--write FILE]] [--exclude NAME,...] [--jobs J]`
 *
 * The fuzzers CI runs in small doses (tests/fuzz-elf.test.ts,
 * tests/fuzz-syscalls.test.ts, tests/translator-diff.test.ts), for as long
 * as you like, on any seeds — for nightly runs and for chasing a failure:
 *
 *   --elf       malformed ELF mutants (tests/fuzz/elf-mutants.ts): all through
 *               the loader in process, every accepted one and every 4th refused
 *               one through `bin/cdvm run` (default 2000 cases per seed);
 *   --syscalls  random-syscall programs (tests/fuzz/syscall-programs.ts), each
 *               in --mode interp and every 4th in staged (default 200 per seed);
 *   --blocks    translator-vs-interpreter random blocks under all 32 pass
 *               configurations (tests/fuzz/blocks.ts; default 2048 per seed).
 * With none of the three, all run. The seed defaults to one drawn from the
 * clock and printed first. --case K runs case K alone; with --write FILE it
 * only writes that case's file (for --syscalls also FILE.root, the --root of
 * the run) and prints how to run it. --exclude leaves syscalls (by name) out
 * of generated programs, to look past a known failure while its fix is
 * pending. Each failure prints its reproducer line; the exit status is 1 if
 * any case failed, 2 for a bad command line.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { SYSCALL_NAMES, syscallName } from "../src/linux/syscall-names.ts";
import { fuzzBlocks } from "../tests/fuzz/blocks.ts";
import { elfReproducer, fuzzElf, writeMutant } from "../tests/fuzz/elf-check.ts";
import { mutant } from "../tests/fuzz/elf-mutants.ts";
import { inParallel } from "../tests/fuzz/spawn.ts";
import { runSyscallCase, syscallArgs, syscallReproducer, writeProgram } from "../tests/fuzz/syscall-check.ts";
import { syscallProgram } from "../tests/fuzz/syscall-programs.ts";

/** Synchronous, so nothing is lost at process.exit when stdout is a pipe. */
const out = (s: string) => fs.writeSync(1, s);

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

const { values: o } = (() => {
  try {
    return parseArgs({
      options: {
        elf: { type: "boolean" }, syscalls: { type: "boolean" }, blocks: { type: "boolean" },
        seed: { type: "string" }, cases: { type: "string" }, case: { type: "string" }, write: { type: "string" },
        exclude: { type: "string" }, jobs: { type: "string", default: "2" },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
})();

const whole = (v: string, what: string) => (/^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) >>> 0 : usage(`${what} expects a whole number, got '${v}'`));
const seeds = (o.seed ?? String((Date.now() ^ (process.pid << 16)) >>> 0)).split(",").map((s) => whole(s, "--seed"));
const only = o.case === undefined ? undefined : whole(o.case, "--case");
const jobs = whole(o.jobs, "--jobs");
const byName = new Map([...SYSCALL_NAMES].map(([nr, name]) => [name, nr]));
const exclude = new Set((o.exclude ?? "").split(",").filter(Boolean).map((n) => byName.get(n) ?? usage(`--exclude: no i386 syscall named '${n}'`)));
const kinds = o.elf || o.syscalls || o.blocks ? { elf: !!o.elf, syscalls: !!o.syscalls, blocks: !!o.blocks } : { elf: true, syscalls: true, blocks: true };
const range = (dflt: number) => (only !== undefined ? { first: only, count: 1 } : { first: 0, count: o.cases ? whole(o.cases, "--cases") : dflt });

if (o.write !== undefined) {
  if (only === undefined || Number(!!o.elf) + Number(!!o.syscalls) !== 1 || seeds.length !== 1) usage("--write needs --case and exactly one of --elf, --syscalls and one --seed");
  if (o.elf) {
    const m = mutant(seeds[0], only);
    writeMutant(m, o.write);
    out(`${o.write}: ${m.bytes.length} bytes, base ${m.base.name}; ${m.steps.join("; ")}\n` +
      `run: bin/cdvm run ${o.write}${m.base.args.map((a) => " " + a).join("")}\n`);
  } else {
    const p = syscallProgram(seeds[0], only, undefined, exclude);
    writeProgram(p, o.write);
    out(p.calls.map((c, i) => `${i}: ${syscallName(c.nr)}(${c.args.map((a) => "0x" + a.toString(16)).join(", ")})\n`).join("") +
      `run: bin/cdvm ${syscallArgs("interp", o.write + ".root", o.write, ["--strace"]).join(" ")}\n`);
  }
  process.exit(0);
}

let failed = 0;
const report = (what: string, failures: string[], summary: string) => {
  failed += failures.length;
  out(`${what}: ${summary}, ${failures.length} failures\n`);
  for (const f of failures) out(`FAIL ${f}\n`);
};
const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

for (const seed of seeds) {
  if (kinds.elf) {
    const t0 = performance.now(), { first, count } = range(2000);
    const r = await fuzzElf({ seed, first, cases: count, spawnAccepted: Infinity, spawnRefusedEvery: 4, jobs });
    report(`elf seed ${seed}`, r.failures, `${r.tried} mutants, ${r.accepted} loaded, ${r.spawned} run through the CLI (${secs(t0)})`);
    if (only !== undefined && !r.failures.length) out(`  ${elfReproducer(seed, only, mutant(seed, only), "interp")}\n`);
  }
  if (kinds.syscalls) {
    const t0 = performance.now(), { first, count } = range(200);
    const runs = Array.from({ length: count }, (_, i) => first + i).flatMap((k) => (k % 4 === 0 ? [{ k, mode: "interp" }, { k, mode: "staged" }] : [{ k, mode: "interp" }]));
    const failures: string[] = [], statuses = new Map<number, number>();
    let peak = 0;
    await inParallel(runs, jobs, async ({ k, mode }) => {
      const r = await runSyscallCase(seed, k, mode, exclude);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      peak = Math.max(peak, r.peakMiB ?? 0);
      if (r.problems.length) failures.push(`${mode}: ${r.problems.join("; ")}\n  ${syscallReproducer(seed, k, mode, exclude)}`);
    });
    const hist = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(", ");
    report(`syscalls seed ${seed}`, failures, `${runs.length} runs of ${count} programs (statuses ${hist}; peak RSS ${peak.toFixed(0)} MiB; ${secs(t0)})`);
  }
  if (kinds.blocks) {
    const t0 = performance.now(), { first, count } = range(2048);
    const r = await fuzzBlocks(seed, first, count);
    report(`blocks seed ${seed}`, r.failures, `${r.cases} cases, ${r.runs} translated runs (${secs(t0)})`);
  }
}
out(failed ? `${failed} failures\n` : "no failures\n");
process.exit(failed ? 1 : 0);
