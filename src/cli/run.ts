/**
 * `cdvm run`: start a static i386 Linux program under the VM. Every guest
 * problem ends as a one-line message and a defined status (vmm/status.ts);
 * the process's exit status is the guest's.
 */
import * as fs from "node:fs";
import { BadElf } from "../linux/elf.ts";
import { MODES, runGuest, type Mode, type RunStats } from "../vmm/vm.ts";
import { EXIT_NOEXEC, EXIT_NOTFOUND, EXIT_USAGE } from "../vmm/status.ts";

export interface RunCliOptions {
  mode: string;
  stats?: boolean;
  statsJson?: string;
  maxInsns?: string;
  root?: string;
  strace?: boolean;
  strict?: boolean;
  env: string[];
  clearEnv?: boolean;
  argv0?: string;
}

export function guestEnvironment(vars: string[], clear: boolean): string[] {
  const env = new Map<string, string>(clear ? [] : Object.entries(process.env).map(([k, v]) => [k, v ?? ""]));
  for (const v of vars) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`-E expects VAR=VALUE, got '${v}'`);
    env.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

export class UsageError extends Error {}

function parseCount(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${what} expects a whole number, got '${v}'`);
  return Number(v);
}

function printStats(st: RunStats): void {
  process.stderr.write(
    `cdvm: mode ${st.mode}: ${st.guestInstructions} guest instructions in ${st.wallSeconds.toFixed(3)} s ` +
      `(${st.mips.toFixed(1)} MIPS); ${st.blocksDecoded} blocks decoded, ${st.codeInvalidations} code-page invalidations\n`,
  );
}

export function runCommand(program: string, args: string[], o: RunCliOptions): number {
  try {
    if (!(MODES as readonly string[]).includes(o.mode)) throw new UsageError(`unknown --mode '${o.mode}' (available: ${MODES.join(", ")})`);
    const maxInsns = parseCount(o.maxInsns, "--max-insns");
    if (o.root !== undefined && !fs.statSync(o.root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--root '${o.root}' is not a directory`);
    const env = guestEnvironment(o.env, !!o.clearEnv);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(program);
    } catch (e) {
      process.stderr.write(`cdvm: cannot read '${program}': ${(e as NodeJS.ErrnoException).code ?? e}\n`);
      return EXIT_NOTFOUND;
    }
    const st = runGuest(bytes, [o.argv0 ?? program, ...args], env, {
      mode: o.mode as Mode, maxInsns, root: o.root, strace: o.strace, strict: o.strict, execfn: program,
    });
    if (o.stats) printStats(st);
    if (o.statsJson) fs.writeFileSync(o.statsJson, JSON.stringify(st, null, 2) + "\n");
    return st.status;
  } catch (e) {
    if (e instanceof BadElf) {
      process.stderr.write(`cdvm: ${program}: ${e.message}\n`);
      return EXIT_NOEXEC;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`cdvm: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
