/**
 * Assembles one guest run: the first Linux process (memory, CPU, ELF image,
 * stack), and for it and every process it forks a machine — the interpreter
 * bound to it, the translation tier when the mode asks for one, the
 * dispatcher — which the scheduler runs; and the statistics of the run. The CLI, the
 * benchmark harness and the tests all start guests through here.
 */
import { Process, type ProcessOptions } from "../linux/process.ts";
import { Machine } from "../interp/machine.ts";
import { setX87Model } from "../interp/fpu.ts";
import { DEFAULT_X87_MODEL, type X87ModelName } from "../interp/x87-model.ts";
import { Interpreter } from "../interp/interpreter.ts";
import { SharedBlocks } from "../interp/shared-blocks.ts";
import { Dispatcher, type Mode } from "./dispatcher.ts";
import { Scheduler, type Task } from "./scheduler.ts";
import { GUEST_PID } from "../linux/abi.ts";
import { Tier } from "./tier.ts";
import { type HostTimes, hostTimes } from "./hostcpu.ts";
import { selectPasses } from "../translate/passes/index.ts";
import { DEFAULT_TCACHE_SIZE, tcacheFile, tcacheKey } from "../translate/tcache.ts";
import type { RecallStats } from "../translate/recall.ts";

/**
 * Blocks a region takes at most. Staged regions grow hottest block first and only into blocks
 * nearly as hot as the first (pipeline.ts), so they seldom fill: 64 took 0.99x the time of 32 and
 * 128 1.00x over eight programs; grown breadth first, 32 split dijkstra's loop (papers/lab-notes.md,
 * "Regions grown from the profile"). bbt translates every block before its first run, so its
 * regions stay small.
 */
export const STAGED_REGION_BLOCKS = 64, BBT_REGION_BLOCKS = 8;
/** --region-blocks' largest value: a region is one WebAssembly function, and the passes scan it whole. */
export const MAX_REGION_BLOCKS = 256;

export const MODES: readonly Mode[] = ["interp", "bbt", "staged"];
export type { Mode };

/** Default staged threshold: block entries before a block is considered for translation (papers/lab-notes.md, "Choosing defaults" and "Threshold sweep under adaptive staging"). */
export const DEFAULT_THRESHOLD = 50;
export const DEFAULT_CODE_CACHE = 64 << 20;
/** Binaryen optimize level for translations: V8 optimizes hot WebAssembly itself, and Binaryen -O1 costs ~10x the translation time (papers/lab-notes.md, "Choosing defaults"). */
export const DEFAULT_BINARYEN_OPT = 0;
/** Default --translator-nice (translate/priority.ts; papers/lab-notes.md, "Translation at a lower priority"). */
export const DEFAULT_TRANSLATOR_NICE = 10;

export interface TranslationOptions {
  threshold?: number;
  /** IR passes to run (default: all); see translate/passes/index.ts. */
  passes?: string[];
  disablePasses?: string[];
  binaryenOpt?: number;
  binaryenPasses?: string[];
  codeCacheSize?: number;
  /** How far below the guest's thread translation's threads run (translate/priority.ts; default DEFAULT_TRANSLATOR_NICE). */
  translatorNice?: number;
  /** Blocks a region takes at most (--region-blocks; default STAGED_REGION_BLOCKS or BBT_REGION_BLOCKS by mode). */
  regionBlocks?: number;
  dumpTranslations?: string;
  /** The persistent translation cache's directory (none: not used), and its size cap in bytes. */
  tcache?: string;
  tcacheSize?: number;
}

export interface RunOptions extends ProcessOptions, TranslationOptions {
  mode?: Mode;
  maxInsns?: number;
  /** Wall-clock limit in ms (the dispatcher's timeoutMs). */
  timeoutMs?: number;
  /** x87 precision model (default f80, exact extended; see interp/x87-model.ts). */
  x87?: X87ModelName;
}

export interface RunStats {
  mode: Mode;
  status: number;
  /** Guest processes the run had (1 without fork; an execve keeps the count). Instruction and decode counts are all of theirs; translation statistics the first process's. */
  processes: number;
  guestInstructions: number;
  interpretedInstructions: number;
  translatedInstructions: number;
  wallSeconds: number;
  mips: number;
  blocksDecoded: number;
  codeInvalidations: number;
  /** Wall time decoding blocks (once per block, whatever tier runs it) and in system calls. */
  decodeSeconds: number;
  syscallSeconds: number;
  /** The CPU all the VMM's threads used, and how long the guest's thread waited for a core (hostcpu.ts). */
  host: HostTimes;
  translation?: {
    blocksTranslated: number;
    guestInstructionsTranslated: number;
    modules: number;
    wasmBytes: number;
    totalMs: number;
    usPerGuestInstruction: number;
    stageMs: Record<string, number>;
    codeCache: { liveBytes: number; slots: number; flushes: number; invalidations: number };
    /** Branches between blocks of one module, taken inside WebAssembly without the dispatcher (link-blocks). */
    linkedBranches: number;
    /** Transitions between translations without JavaScript, and those of them translated code made itself (direct-chain). */
    chainTransitions: number;
    directChains: number;
    directoryLookups: number;
    directoryMisses: number;
    bailouts: number;
    /** Wall time inside translated code, and the MIPS it ran at. */
    translatedSeconds: number;
    translatedMips: number;
    /** Modules' time from submission to the worker until installed: summed and at most (ms). */
    queue: { waitMs: number; maxWaitMs: number };
    /** How far below the guest's thread the worker and V8's helper threads ran (--translator-nice), and how many threads were lowered (translate/priority.ts). */
    priority: { nice: number; threadsLowered: number };
    /**
     * Staged mode's adaptive staging (staging.ts): how often hot blocks were looked at, how often
     * they were worth translating (asked of the tier, which ignores blocks already in flight), and
     * the last decision with its inputs (ns per guest instruction; entries null: translation did not pay,
     * or its budget was spent) and translation's budget then (ms: spent, and what it could spend).
     */
    staging?: { looks: number; requests: number; entries: number | null; interpNs: number; translatedNs: number; translationNs: number; spentMs: number; budgetMs: number };
    /** The ten commonest instructions blocks stopped at because the lifter does not cover them, with counts. */
    liftStops: Record<string, number>;
    /**
     * Milliseconds since the guest started: when the tier was started (after startInsns
     * interpreted instructions), when its worker had Binaryen loaded, when translated code
     * first ran (null: not before the guest ended).
     */
    timeline: { startMs: number; startInsns: number; readyMs: number | null; firstRunMs: number | null };
    /** The persistent translation cache (recall.ts), when the run used one. */
    tcache?: RecallStats;
  };
}

const orNull = (ms: number) => (Number.isNaN(ms) ? null : ms);

export function runGuest(bytes: Uint8Array, argv: string[], env: string[], opts: RunOptions = {}): RunStats {
  const t0 = process.hrtime.bigint(), host = hostTimes();
  const mode = opts.mode ?? "interp";
  const passes = selectPasses(opts.passes, opts.disablePasses);
  const first = Process.create(bytes, argv, env, opts);
  const x87 = opts.x87 ?? DEFAULT_X87_MODEL, optLevel = opts.binaryenOpt ?? DEFAULT_BINARYEN_OPT;
  const report = opts.stderr ?? ((line: string) => process.stderr.write(line + "\n"));
  const regionBlocks = opts.regionBlocks ?? (mode === "bbt" ? BBT_REGION_BLOCKS : STAGED_REGION_BLOCKS);
  // Dumps show every translation made, so a run that dumps makes them all.
  const useTCache = opts.tcache !== undefined && mode !== "interp" && !opts.dumpTranslations;
  const key = useTCache ? tcacheKey(bytes, { mode, passes: passes.map((p) => p.name), x87, optLevel, binaryenPasses: opts.binaryenPasses ?? null, regionBlocks }) : "";
  const verbose = !!(opts.warn || opts.strace);
  const shared = new SharedBlocks();

  /**
   * A process's machine. The persistent translation cache and dumps serve the program the run
   * started (its first process): the cache's key is that program's bytes.
   */
  const machineFor = (proc: Process): Task => {
    if (proc.pid !== GUEST_PID && !shared.on) {
      shared.on = true;
      for (const t of scheduler.alive) t.interp.share();
    }
    const m = new Machine(proc.cpu, proc.mem);
    m.host = proc;
    setX87Model(m, x87);
    const interp = new Interpreter(m, shared);
    const own = proc === first;
    const tier = mode === "interp" ? undefined : new Tier(proc.mem, m, {
      passes, optLevel, binaryenPasses: opts.binaryenPasses, regionBlocks, dumpDir: own ? opts.dumpTranslations : undefined,
      tcache: useTCache && own ? { file: tcacheFile(opts.tcache!, key), key, dirCap: opts.tcacheSize ?? DEFAULT_TCACHE_SIZE } : undefined,
      codeCacheSize: opts.codeCacheSize ?? DEFAULT_CODE_CACHE, nice: opts.translatorNice ?? DEFAULT_TRANSLATOR_NICE,
      heat: mode === "staged" ? (eip: number) => dispatcher.heat(eip) : undefined,
      decoded: (eip: number) => interp.liveInsns(eip),
    });
    // Installed once, before any guest code runs: replacing Memory.onCodeWrite when the tier
    // started made V8 deoptimize the interpreter's compiled stores (node --trace-deopt shows it).
    const interpWrite = proc.mem.onCodeWrite;
    proc.mem.onCodeWrite = (page, remapped) => { interpWrite(page, remapped); tier?.onCodeWrite(page, remapped); };
    // Another process's end is its parent's business, as on Linux (quietEnd); the first one's is
    // the run's. A limit reached in any process ends the run, so its line always prints.
    const childReport = verbose ? (line: string) => report(`[pid ${proc.pid}] ${line}`) : report;
    const dispatcher: Dispatcher = new Dispatcher(interp, proc.mem, {
      mode, threshold: opts.threshold ?? DEFAULT_THRESHOLD, maxInsns: opts.maxInsns, timeoutMs: opts.timeoutMs,
      report: proc.pid === GUEST_PID ? report : childReport, quietEnd: proc.pid !== GUEST_PID && !verbose, tier,
    });
    return { proc, interp, tier, dispatcher };
  };
  const scheduler = new Scheduler(first.kernel, machineFor, report, opts.timeoutMs);
  const status = scheduler.run(first);
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const tot = scheduler.totals;
  const { dispatcher, tier } = scheduler.main!;
  const stats: RunStats = {
    mode, status,
    processes: tot.processes,
    guestInstructions: tot.retired,
    interpretedInstructions: tot.interpreted,
    translatedInstructions: tot.translated,
    wallSeconds,
    mips: tot.retired / wallSeconds / 1e6,
    blocksDecoded: tot.blocksDecoded,
    codeInvalidations: tot.invalidations,
    decodeSeconds: tot.decodeMs / 1000,
    syscallSeconds: tot.syscallMs / 1000,
    host: host(),
  };
  if (tier?.translator && tier.cache) {
    const ts = tier.translator.stats, cache = tier.cache;
    const totalMs = Object.values(ts.ms).reduce((a, b) => a + b, 0);
    stats.translation = {
      blocksTranslated: ts.blocksTranslated,
      guestInstructionsTranslated: ts.guestInsnsTranslated,
      modules: ts.modules,
      wasmBytes: ts.wasmBytes,
      totalMs,
      usPerGuestInstruction: ts.guestInsnsTranslated ? (totalMs * 1000) / ts.guestInsnsTranslated : 0,
      stageMs: { ...ts.ms },
      codeCache: { liveBytes: Math.round(cache.liveBytes), slots: cache.slotsUsed, flushes: cache.flushes, invalidations: cache.invalidations },
      linkedBranches: tier.linkedBranches,
      chainTransitions: tier.chainTransitions,
      directChains: tier.directChains,
      directoryLookups: tier.directoryLookups,
      directoryMisses: dispatcher.directoryMisses,
      bailouts: dispatcher.bailouts,
      translatedSeconds: dispatcher.translatedMs / 1000,
      translatedMips: dispatcher.translatedMs ? dispatcher.translatedRetired / dispatcher.translatedMs / 1000 : 0,
      queue: { waitMs: ts.waitMs, maxWaitMs: ts.maxWaitMs },
      priority: { nice: tier.opts.nice, threadsLowered: tier.translator.threadsLowered },
      ...(dispatcher.staging ? {
        staging: {
          looks: dispatcher.hotLooks, requests: dispatcher.hotRequests,
          entries: Number.isFinite(dispatcher.staging.entries) ? Math.round(dispatcher.staging.entries) : null,
          interpNs: dispatcher.staging.interpNs, translatedNs: dispatcher.staging.translatedNs, translationNs: dispatcher.staging.costNs,
          spentMs: dispatcher.staging.spentMs, budgetMs: dispatcher.staging.budgetMs,
        },
      } : {}),
      liftStops: Object.fromEntries([...ts.liftStops].sort((a, b) => b[1] - a[1]).slice(0, 10)),
      timeline: { ...dispatcher.timeline, readyMs: orNull(dispatcher.timeline.readyMs), firstRunMs: orNull(dispatcher.timeline.firstRunMs) },
      ...(tier.translator.recall ? { tcache: tier.translator.recall.stats } : {}),
    };
  }
  return stats;
}
