/**
 * `cdvm run`: start an i386 Linux program under the VM. Every guest
 * problem ends as a one-line message and a defined status (core/status.ts);
 * the process's exit status is the guest's.
 *
 * Only a regular file of at most MAX_PROGRAM_BYTES is a program: anything
 * else (a device such as /dev/zero, a FIFO, a directory) is refused as
 * execve refuses it with EACCES, status EXIT_NOEXEC (126, what a shell
 * reports for EACCES), before a byte is read; the program is read with at
 * most its fstat size, so its reading is bounded whatever the file is.
 */
import * as fs from "node:fs";
import { MAX_REGION_BLOCKS, MODES, runGuest, type Mode, type RunStats } from "../vmm/vm.ts";
import type { RecallStats } from "../translate/recall.ts";
import { X87_MODEL_NAMES, type X87ModelName } from "../interp/x87-model.ts";
import { EXIT_NOEXEC, EXIT_NOTFOUND, UsageError } from "../core/status.ts";
import { PASS_NAMES } from "../translate/passes/index.ts";
import { reportProblem } from "./errors.ts";
import { defaultTCacheDir } from "../translate/tcache.ts";
import { armWatchdog } from "./watchdog.ts";

export interface RunCliOptions {
  mode: string;
  x87: string;
  stats?: boolean;
  statsJson?: string;
  maxInsns?: string;
  timeout?: string;
  maxMemory?: string;
  root?: string;
  strace?: boolean;
  strict?: boolean;
  warn?: boolean;
  env: string[];
  clearEnv?: boolean;
  argv0?: string;
  bbtThreshold?: string;
  passes?: string;
  disablePass: string[];
  binaryenOpt?: string;
  binaryenPasses?: string;
  codeCacheSize?: string;
  translatorNice?: string;
  regionBlocks?: string;
  dumpTranslations?: string;
  /** The directory; false: --no-tcache; undefined: the default directory. */
  tcache?: string | false;
  tcacheSize?: string;
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

function parseCount(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${what} expects a whole number, got '${v}'`);
  return Number(v);
}

/** Milliseconds since the guest started, or "never" for what did not happen before it ended. */
const ms = (v: number | null) => (v === null ? "never" : `${v.toFixed(0)} ms`);

function printStats(st: RunStats): void {
  const lines = [
    `cdvm: mode ${st.mode}: ${st.guestInstructions} guest instructions${st.processes > 1 ? ` of ${st.processes} processes` : ""} in ${st.wallSeconds.toFixed(3)} s ` +
      `(${st.mips.toFixed(1)} MIPS); ${st.blocksDecoded} blocks decoded (${st.decodeSeconds.toFixed(3)} s), ${st.codeInvalidations} code-page invalidations; ` +
      `${st.syscallSeconds.toFixed(3)} s in system calls; ${st.host.cpuSeconds.toFixed(3)} s of CPU on all threads` +
      (st.host.waitSeconds === null ? "" : `, the guest's thread ${st.host.waitSeconds.toFixed(3)} s waiting for a core`),
  ];
  const t = st.translation;
  if (t) {
    lines.push(
      `cdvm:   retired: ${st.interpretedInstructions} interpreted, ${st.translatedInstructions} translated ` +
        `(${t.translatedSeconds.toFixed(3)} s in translated code, ${t.translatedMips.toFixed(1)} MIPS there)`,
      `cdvm:   translated: ${t.blocksTranslated} blocks, ${t.guestInstructionsTranslated} guest instructions, ${t.modules} modules, ${t.wasmBytes} wasm bytes`,
      `cdvm:   translation time: ${t.totalMs.toFixed(1)} ms (${t.usPerGuestInstruction.toFixed(1)} us/guest instruction; ` +
        Object.entries(t.stageMs).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ") + ")",
      `cdvm:   code cache: ${t.codeCache.liveBytes} bytes live, ${t.codeCache.slots} slots, ${t.codeCache.flushes} flushes, ${t.codeCache.invalidations} invalidations`,
      `cdvm:   dispatch: ${t.linkedBranches} linked branches, ${t.chainTransitions} chained transitions (${t.directChains} direct), ${t.directoryLookups} directory lookups, ${t.directoryMisses} misses, ${t.bailouts} bail-outs`,
      `cdvm:   worker queue: ${t.modules} modules, ${(t.queue.waitMs / 1000).toFixed(3)} s from submission to installation in all, ${t.queue.maxWaitMs.toFixed(0)} ms at most; ` +
        `${t.priority.threadsLowered} threads at nice +${t.priority.nice}`,
      ...(t.staging ? [
        `cdvm:   staging: hot blocks looked at ${t.staging.looks} times, ${t.staging.requests} worth translating; last decision: ` +
          `${t.staging.entries === null ? "translation does not pay" : `translate at ${t.staging.entries} entries`} ` +
          `(interpreter ${t.staging.interpNs.toFixed(1)} ns/insn, translated code ${t.staging.translatedNs.toFixed(1)}, translation ${(t.staging.translationNs / 1000).toFixed(1)} us/insn; ` +
          `${t.staging.spentMs.toFixed(0)} of a ${t.staging.budgetMs.toFixed(0)} ms budget spent)`,
      ] : []),
      `cdvm:   tier timeline: started at ${ms(t.timeline.startMs)} (after ${t.timeline.startInsns} instructions); ` +
        `backend ready: ${ms(t.timeline.readyMs)}; translated code first ran: ${ms(t.timeline.firstRunMs)}`,
      ...(t.tcache ? [tcacheLine(t.tcache)] : []),
      `cdvm:   lifter stopped at: ${Object.entries(t.liftStops).map(([k, v]) => `${k} ${v}`).join(", ") || "nothing"}`,
    );
  }
  process.stderr.write(lines.join("\n") + "\n");
}

function tcacheLine(c: RecallStats): string {
  const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
  const read = c.refused ? `ignored its file (${c.refused})`
    : `loaded ${c.loaded.modules} modules (${c.loaded.regions} regions, ${mb(c.loaded.bytes)}) in ${c.loaded.ms.toFixed(1)} ms, compiled in ${c.compileMs.toFixed(1)} ms`;
  const wrote = c.written ? `wrote ${c.written.modules} modules (${mb(c.written.bytes)}) in ${c.written.ms.toFixed(1)} ms`
    : c.writeError ? `could not write (${c.writeError})` : "wrote nothing new";
  return `cdvm:   tcache: ${c.file}: ${read}; installed ${c.installed.regions} regions (${c.installed.guestInsns} guest instructions), ` +
    `${c.mismatched} did not match the guest's code; ${wrote}`;
}

function parseList(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(",").map((x) => x.trim()).filter(Boolean);
}

/**
 * Largest program file cdvm reads: a static i386 program's segments share a
 * 3 GiB address space with its heap and stack, and real ones are megabytes;
 * a bigger file would only cost the host its size in memory.
 */
const MAX_PROGRAM_BYTES = 1 << 30;

/** The program's bytes, or the exit status after a one-line report of why it cannot be run. */
function readProgram(program: string): Uint8Array | number {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
    fd = fs.openSync(program, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    process.stderr.write(`cdvm: cannot read '${program}': ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return EXIT_NOTFOUND;
  }
  try {
    const st = fs.fstatSync(fd);
    const why = !st.isFile() ? "not a regular file (EACCES)"
      : st.size > MAX_PROGRAM_BYTES ? `larger than ${MAX_PROGRAM_BYTES >> 20} MiB` : null;
    if (why) {
      process.stderr.write(`cdvm: cannot execute '${program}': ${why}\n`);
      return EXIT_NOEXEC;
    }
    const bytes = new Uint8Array(st.size);
    let n = 0;
    while (n < bytes.length) {
      const got = fs.readSync(fd, bytes, n, bytes.length - n, n);
      if (got === 0) break; // truncated since the fstat
      n += got;
    }
    return bytes.subarray(0, n);
  } catch (e) {
    process.stderr.write(`cdvm: cannot read '${program}': ${(e as NodeJS.ErrnoException).code ?? e}\n`);
    return EXIT_NOTFOUND;
  } finally {
    fs.closeSync(fd);
  }
}

export function runCommand(program: string, args: string[], o: RunCliOptions): number {
  try {
    if (!(MODES as readonly string[]).includes(o.mode)) throw new UsageError(`unknown --mode '${o.mode}' (available: ${MODES.join(", ")})`);
    if (!(X87_MODEL_NAMES as string[]).includes(o.x87)) throw new UsageError(`unknown --x87 '${o.x87}' (available: ${X87_MODEL_NAMES.join(", ")})`);
    const maxInsns = parseCount(o.maxInsns, "--max-insns");
    const maxMemory = parseCount(o.maxMemory, "--max-memory");
    if (o.timeout !== undefined && !(Number(o.timeout) > 0)) throw new UsageError(`--timeout expects a positive number of seconds, got '${o.timeout}'`);
    const timeoutMs = o.timeout === undefined ? undefined : Number(o.timeout) * 1000;
    const threshold = parseCount(o.bbtThreshold, "--bbt-threshold");
    const binaryenOpt = parseCount(o.binaryenOpt, "--binaryen-opt");
    if (binaryenOpt !== undefined && binaryenOpt > 4) throw new UsageError("--binaryen-opt takes 0 to 4");
    const codeCacheSize = parseCount(o.codeCacheSize, "--code-cache-size");
    const translatorNice = parseCount(o.translatorNice, "--translator-nice");
    if (translatorNice !== undefined && translatorNice > 19) throw new UsageError("--translator-nice takes 0 to 19");
    const regionBlocks = parseCount(o.regionBlocks, "--region-blocks");
    if (regionBlocks !== undefined && !(regionBlocks >= 1 && regionBlocks <= MAX_REGION_BLOCKS)) throw new UsageError(`--region-blocks takes 1 to ${MAX_REGION_BLOCKS}`);
    const tcacheSize = parseCount(o.tcacheSize, "--tcache-size");
    const tcache = o.tcache === false ? undefined : o.tcache ?? defaultTCacheDir();
    const passes = parseList(o.passes), disablePasses = o.disablePass.flatMap((p) => parseList(p) ?? []);
    for (const n of [...(passes ?? []), ...disablePasses]) if (!PASS_NAMES.includes(n)) throw new UsageError(`unknown pass '${n}' (see cdvm passes)`);
    if (o.root !== undefined && !fs.statSync(o.root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--root '${o.root}' is not a directory`);
    const env = guestEnvironment(o.env, !!o.clearEnv);
    const bytes = readProgram(program);
    if (typeof bytes === "number") return bytes;
    // Opened before the run, as a shell opens a redirection, so a bad path is a usage error, not a lost run.
    let statsFd: number | undefined;
    if (o.statsJson !== undefined) {
      try {
        statsFd = fs.openSync(o.statsJson, "w");
      } catch (e) {
        throw new UsageError(`cannot write --stats-json '${o.statsJson}': ${(e as NodeJS.ErrnoException).code ?? e}`);
      }
    }
    let st: RunStats;
    const disarm = timeoutMs === undefined ? undefined : armWatchdog(timeoutMs);
    try {
      st = runGuest(bytes, [o.argv0 ?? program, ...args], env, {
        mode: o.mode as Mode, x87: o.x87 as X87ModelName, maxInsns, timeoutMs, maxMemory, root: o.root, strace: o.strace,
        strict: o.strict, warn: o.warn || o.stats, execfn: program, threshold, passes, disablePasses, binaryenOpt,
        binaryenPasses: parseList(o.binaryenPasses), codeCacheSize, dumpTranslations: o.dumpTranslations, tcache, tcacheSize,
        translatorNice, regionBlocks,
      });
    } catch (e) {
      if (statsFd !== undefined) { fs.closeSync(statsFd); fs.rmSync(o.statsJson!, { force: true }); }
      throw e;
    } finally {
      disarm?.();
    }
    if (o.stats) printStats(st);
    if (statsFd !== undefined) {
      fs.writeFileSync(statsFd, JSON.stringify(st, null, 2) + "\n");
      fs.closeSync(statsFd);
    }
    return st.status;
  } catch (e) {
    const status = reportProblem(e, program);
    if (status === undefined) throw e;
    return status;
  }
}
