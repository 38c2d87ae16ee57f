/**
 * The ELF fuzzer's two checks of one mutant (tests/fuzz/elf-mutants.ts):
 *
 * - in process, through the loader as `cdvm run` uses it (Process.create:
 *   loadElf, then the initial stack): it either refuses the file with a
 *   BadElf (or, for a PT_INTERP naming a file the empty root lacks, a
 *   MissingInterpreter), or the image it leaves is exactly what the file asks for —
 *   every PT_LOAD page mapped, each segment's bytes equal to the file's
 *   and its bss zero (nothing mapped later, such as the stack, may clobber
 *   them), the entry page executable, and no page at or above GUEST_LIMIT
 *   accessible. Any other exception is a loader bug;
 * - through `bin/cdvm run` (a sample, since a spawn costs ~0.25 s): a
 *   refused file gives status 126 (127: interpreter missing) and exactly the loader's message as one
 *   `cdvm:` line; an accepted one runs to a guest exit status (any: glibc's
 *   start-up exits 127 itself when a mutated PT_GNU_RELRO cannot be
 *   protected), or ends with one `cdvm:` line (signal, --max-insns, each
 *   status >= 128 that is not the guest's own); never status 125, a JavaScript
 *   exception, a hang or unbounded host memory.
 *
 * fuzzElf runs a range of cases both ways (all in process, a sample through
 * the CLI) for the test and for `npm run fuzz -- --elf`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BadElf, MissingInterpreter, PIE_BASE } from "../../src/linux/elf.ts";
import { Process } from "../../src/linux/process.ts";
import { GUEST_LIMIT, PAGE_MAPPED, PAGE_SHIFT, PAGE_SIZE, PROT_EXEC } from "../../src/core/layout.ts";
import { mutant, type Mutant } from "./elf-mutants.ts";
import { inParallel, lastLine, RSS_LIMIT_MIB, runCdvm, vmmProblems } from "./spawn.ts";

export type LoadVerdict = { accepted: false; message: string; status: number } | { accepted: true };

export interface LoadResult {
  verdict: LoadVerdict;
  problems: string[];
  ms: number;
}

/** Bytes of a bss tail checked at its start and at its end (a multi-GiB tail is not scanned whole). */
const TAIL_CHECK = 1 << 16;

/** Loads the mutant in process and checks the image it leaves. */
export function loadInProcess(m: Mutant, root: string): LoadResult {
  const t0 = performance.now();
  let proc: Process;
  try {
    proc = Process.create(m.bytes, ["/prog", ...m.base.args], [], { root, stderr: () => {} });
  } catch (e) {
    const ms = performance.now() - t0;
    if (e instanceof BadElf) return { verdict: { accepted: false, message: e.message, status: 126 }, problems: [], ms };
    if (e instanceof MissingInterpreter) return { verdict: { accepted: false, message: e.message, status: 127 }, problems: [], ms };
    return { verdict: { accepted: false, message: String(e), status: 126 }, problems: [`loader threw ${e instanceof Error ? e.stack?.split("\n").slice(0, 3).join(" | ") : e}`], ms };
  }
  return { verdict: { accepted: true }, problems: checkImage(m.bytes, proc), ms: performance.now() - t0 };
}

function checkImage(file: Uint8Array, proc: Process): string[] {
  const out: string[] = [];
  const { u8, perm } = proc.mem;
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const base = dv.getUint16(16, true) === 3 ? PIE_BASE : 0;
  const phoff = dv.getUint32(28, true), phnum = dv.getUint16(44, true);
  for (let i = 0; i < phnum; i++) {
    const o = phoff + 32 * i;
    if (dv.getUint32(o, true) !== 1) continue;
    const offset = dv.getUint32(o + 4, true), start = base + dv.getUint32(o + 8, true);
    const filesz = dv.getUint32(o + 16, true), memsz = dv.getUint32(o + 20, true);
    if (!memsz) continue;
    const what = `phdr ${i} (${hex(start)}+${hex(memsz)})`;
    if (start + memsz > GUEST_LIMIT) { out.push(`${what} accepted though it ends beyond ${hex(GUEST_LIMIT)}`); continue; }
    for (let pg = start >>> PAGE_SHIFT; pg < Math.ceil((start + memsz) / PAGE_SIZE); pg++) {
      if (!(perm[pg] & PAGE_MAPPED)) { out.push(`${what}: page ${hex(pg << PAGE_SHIFT)} not mapped`); break; }
    }
    const want = file.subarray(offset, offset + filesz), got = u8.subarray(start, start + filesz);
    const diff = want.findIndex((b, k) => got[k] !== b);
    if (diff >= 0) out.push(`${what}: byte ${hex(start + diff)} is ${got[diff]}, the file says ${want[diff]}`);
    const tail = (from: number, to: number) => {
      const nz = u8.subarray(from, to).findIndex((b) => b !== 0);
      if (nz >= 0) out.push(`${what}: bss byte ${hex(from + nz)} is not zero`);
    };
    tail(start + filesz, Math.min(start + memsz, start + filesz + TAIL_CHECK));
    tail(Math.max(start + filesz, start + memsz - TAIL_CHECK), start + memsz);
  }
  const entry = proc.cpu.eip >>> 0;
  if (!(perm[entry >>> PAGE_SHIFT] & PROT_EXEC)) out.push(`entry ${hex(entry)} is not in an executable page`);
  const concealed = perm.subarray(GUEST_LIMIT >>> PAGE_SHIFT).findIndex((f) => f !== 0);
  if (concealed >= 0) out.push(`concealed page ${hex(GUEST_LIMIT + concealed * PAGE_SIZE)} has permissions`);
  return out;
}

const hex = (v: number) => "0x" + (v >>> 0).toString(16);

/** Runs the mutant (already written to file) through `bin/cdvm run` and checks the outcome against the in-process verdict. */
export async function checkCli(m: Mutant, file: string, root: string, mode: string, verdict: LoadVerdict): Promise<string[]> {
  const r = await runCdvm(["run", "--mode", mode, "--max-insns", "5000000", "--clear-env", "--root", root, file, ...m.base.args], 30_000);
  const out = vmmProblems(r, RSS_LIMIT_MIB);
  if (r.timedOut || r.status === 125) return out;
  if (!verdict.accepted) {
    const want = `cdvm: ${file}: ${verdict.message}`;
    if (r.status !== verdict.status || r.stderr !== want + "\n") out.push(`refused in process (${verdict.message}) but the CLI gave status ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`);
  } else if (r.stderr.startsWith(`cdvm: ${file}: `)) {
    out.push(`loaded in process but the CLI refused it: status ${r.status}, ${lastLine(r.stderr)}`);
  } else {
    const vmmLines = r.stderr.split("\n").filter((l) => l.startsWith("cdvm: "));
    const ending = r.status === 124 || r.status >= 128;
    if (vmmLines.length > 1 || (vmmLines.length === 1 && (!ending || lastLine(r.stderr) !== vmmLines[0]))) {
      out.push(`status ${r.status} with stderr ${JSON.stringify(r.stderr.slice(0, 300))}: wants the guest's own status, or one last "cdvm:" line ending the run`);
    }
  }
  return out;
}

/** The command that rewrites mutant k of seed s and runs it as the fuzzer did. */
export function elfReproducer(seed: number, k: number, m: Mutant, mode: string): string {
  const file = `/tmp/cdvm-elf-${seed}-${k}`;
  return `seed ${seed} case ${k} (base ${m.base.name}; ${m.steps.join("; ")}): ` +
    `npm run fuzz -- --elf --seed ${seed} --case ${k} --write ${file} && mkdir -p /tmp/cdvm-empty-root && ` +
    `bin/cdvm run --mode ${mode} --max-insns 5000000 --clear-env --root /tmp/cdvm-empty-root ${file}${m.base.args.map((a) => " " + a).join("")}`;
}

/** Writes the mutant as an executable file. */
export function writeMutant(m: Mutant, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, m.bytes, { mode: 0o755 });
}

export interface ElfFuzzOptions {
  seed: number;
  /** Cases first..first+cases-1 (first defaults to 0). */
  first?: number;
  cases: number;
  /** Accepted mutants run through the CLI, at most (every accepted one runs guest code). */
  spawnAccepted: number;
  /** Every this many refused mutants, one runs through the CLI too. */
  spawnRefusedEvery: number;
  jobs: number;
}

export interface ElfFuzzReport {
  tried: number;
  accepted: number;
  spawned: number;
  /** One entry per failing case: its problems, then its reproducer line. */
  failures: string[];
  /** How often each refusal message (numbers elided) came up. */
  refusals: Map<string, number>;
}

/** The cases of seed: all in process, a sample through `bin/cdvm run`. */
export async function fuzzElf(o: ElfFuzzOptions): Promise<ElfFuzzReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-fuzz-elf-"));
  const root = path.join(dir, "root");
  fs.mkdirSync(root);
  const report: ElfFuzzReport = { tried: 0, accepted: 0, spawned: 0, failures: [], refusals: new Map() };
  const toSpawn: { k: number; m: Mutant; verdict: LoadVerdict; mode: string }[] = [];
  try {
    const first = o.first ?? 0;
    for (let k = first; k < first + o.cases; k++) {
      const m = mutant(o.seed, k);
      const r = loadInProcess(m, root);
      report.tried++;
      if (r.problems.length) report.failures.push(`${r.problems.join("; ")}\n  ${elfReproducer(o.seed, k, m, "interp")}`);
      if (r.verdict.accepted) {
        report.accepted++;
        const n = toSpawn.filter((s) => s.verdict.accepted).length;
        // Every 8th runs in bbt, which translates each block first (seconds for the real binary: only the small ones).
        const bbt = n % 8 === 7 && m.bytes.length < 1 << 16;
        if (n < o.spawnAccepted) toSpawn.push({ k, m, verdict: r.verdict, mode: bbt ? "bbt" : n % 2 ? "staged" : "interp" });
      } else {
        const key = r.verdict.message.replace(/0x[0-9a-f]+|\d+/g, "N");
        report.refusals.set(key, (report.refusals.get(key) ?? 0) + 1);
        if ((k - first) % o.spawnRefusedEvery === 0) toSpawn.push({ k, m, verdict: r.verdict, mode: "interp" });
      }
    }
    await inParallel(toSpawn, o.jobs, async ({ k, m, verdict, mode }) => {
      const file = path.join(dir, `elf-${k}`);
      writeMutant(m, file);
      const problems = await checkCli(m, file, root, mode, verdict);
      report.spawned++;
      if (problems.length) report.failures.push(`${problems.join("; ")}\n  ${elfReproducer(o.seed, k, m, mode)}`);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}
