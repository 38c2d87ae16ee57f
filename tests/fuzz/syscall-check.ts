/**
 * Runs one generated syscall program (tests/fuzz/syscall-programs.ts)
 * through `bin/cdvm run` in a fresh temporary --root and names what went
 * wrong: the VMM's own failures (status 125, a JavaScript exception, a
 * hang, host memory beyond RSS_LIMIT_MIB), a register other than EAX
 * changed by a syscall (the program's CLOBBER_STATUS exits), or running out
 * of --max-insns (the programs are straight-line code far below it). Death
 * by a signal, including one the program sent itself, is a legitimate end.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { syscallName } from "../../src/linux/syscall-names.ts";
import { lastLine, RSS_LIMIT_MIB, runCdvm, vmmProblems } from "./spawn.ts";
import { CLOBBER_STATUS, makeRoot, REG_NAMES, syscallProgram, type SyscallProgram } from "./syscall-programs.ts";

const MAX_INSNS = 1_000_000;
const TIMEOUT_MS = 30_000;

export interface SyscallOutcome {
  status: number;
  problems: string[];
  ms: number;
  peakMiB: number | null;
}

/** The run's command line for program file prog with root directory root. */
export function syscallArgs(mode: string, root: string, prog: string, extra: string[] = []): string[] {
  return ["run", "--mode", mode, "--clear-env", "--max-insns", String(MAX_INSNS), "--root", root, ...extra, prog];
}

/** Writes program p to file and its root to file + ".root" (replacing an old one). */
export function writeProgram(p: SyscallProgram, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, p.elf, { mode: 0o755 });
  fs.rmSync(file + ".root", { recursive: true, force: true });
  fs.mkdirSync(file + ".root");
  makeRoot(file + ".root");
}

export async function runSyscallCase(seed: number, k: number, mode: string, exclude?: ReadonlySet<number>): Promise<SyscallOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-fuzz-sys-"));
  try {
    const prog = path.join(dir, "prog");
    writeProgram(syscallProgram(seed, k, undefined, exclude), prog);
    const r = await runCdvm(syscallArgs(mode, prog + ".root", prog), TIMEOUT_MS);
    const problems = vmmProblems(r, RSS_LIMIT_MIB);
    const reg = r.status - CLOBBER_STATUS;
    if (!r.timedOut && reg >= 0 && reg < REG_NAMES.length) problems.push(`a syscall changed ${REG_NAMES[reg]} (exit status ${r.status})`);
    if (!r.timedOut && r.status === 124) problems.push(`ran out of ${MAX_INSNS} instructions: ${lastLine(r.stderr)}`);
    return { status: r.status, problems, ms: r.ms, peakMiB: r.peakMiB };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The reproducer line: regenerate the program and its root, then run it as the fuzzer did (--strace shows the culprit). */
export function syscallReproducer(seed: number, k: number, mode: string, excluded: ReadonlySet<number> = new Set()): string {
  const file = `/tmp/cdvm-sys-${seed}-${k}`;
  const ex = excluded.size ? ` --exclude ${[...excluded].map(syscallName).join(",")}` : "";
  return `seed ${seed} case ${k}: npm run fuzz -- --syscalls --seed ${seed} --case ${k}${ex} --write ${file} && ` +
    `bin/cdvm ${syscallArgs(mode, file + ".root", file, ["--strace"]).join(" ")}`;
}
