/**
 * The dispatch loop: runs the guest until it exits, choosing per block
 * between the tiers, and turns what ends the run — exit, fatal fault,
 * --max-insns, --timeout — into a status and at most one line on stderr. A
 * fault the guest has a handler for is not fatal: the process enters the
 * handler (linux/sigframe.ts) and the loop goes on there.
 *
 * Modes:
 *   interp  every block runs in the interpreter;
 *   bbt     every block is translated before its first execution (blocks the
 *           lifter cannot start are interpreted) — the exhaustive test mode;
 *   staged  the interpreter runs and profiles block entries (counters in
 *           concealed memory at PROFILE_OFF); a block entered --bbt-threshold
 *           times, and every 1024 entries after, is queued for translation
 *           with its region once its entries reach what translating pays
 *           for (staging.ts). The backend worker starts at the first hot
 *           block, on another thread: the guest never waits for it, and
 *           short programs never start it — unless the persistent
 *           translation cache has a file for the run: then it starts with
 *           the guest, and each block is recalled from the file at its
 *           first entry.
 * Translated code chains inside WebAssembly (backend.ts run()); it comes back
 * here on a directory miss, a bail-out (S_EXIT = 1: the interpreter re-runs
 * the bailing instruction's block, faulting precisely if it must), or after
 * a budget of transitions so the limits below are checked (near --max-insns
 * the budgets shrink, so a run stops within a block or so of its limit).
 */
import { GuestExit, GuestFault, GuestPause, SIGSEGV, SIGXCPU } from "../core/fault.ts";
import { LINK_BUDGET, PROFILE_OFF, PROFILE_SIZE, S_EIP, S_EXIT, S_LINK_BUDGET } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import { EXIT_INSN_LIMIT } from "../core/status.ts";
import type { Interpreter } from "../interp/interpreter.ts";
import { signalName } from "../interp/signals.ts";
import { MAX_BLOCK_INSNS } from "../isa/block.ts";
import { InterpSamples, stagingOf, type Staging } from "./staging.ts";

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, "0");
/** Block transitions per call into the WebAssembly dispatcher before limits are checked. */
const CHAIN_BUDGET = 4096;
/** Dispatch iterations between polls for finished translations. */
const POLL_EVERY = 255;
/** A call into translated code at least this long (ms) is followed by a poll at once. */
const PUMP_AFTER_MS = 0.5;
const PROFILE_ENTRIES = PROFILE_SIZE / 4, PROFILE_BITS = Math.log2(PROFILE_ENTRIES);
const profileSlot = (eip: number) => Math.imul(eip, 0x9e3779b1) >>> (32 - PROFILE_BITS);
/**
 * Staged mode times the interpreter on each block it looks at (staging's
 * measure of the interpreter); a sample longer than SAMPLE_MAX_MS was
 * preempted (a block runs at most MAX_BLOCK_INSNS instructions) and is dropped.
 */
const SAMPLE_MAX_MS = 0.2;
/** A clock reading longer than this (ms) was preempted too: the sample is dropped. */
const CLOCK_MAX_MS = 0.01;
/**
 * Staged mode starts the translation tier (its worker thread) only once the
 * guest has retired TIER_START_INSNS instructions — about 0.15 s of
 * interpreting integer code — or run for TIER_START_MS, whichever comes
 * first, so short programs (hello, busybox applets) never pay for starting
 * it, and x87 code, which the interpreter runs 20-40x slower per
 * instruction, does not wait seconds for it (papers/lab-notes.md, "Choosing defaults").
 */
export const TIER_START_INSNS = 1 << 24;
export const TIER_START_MS = 500;

export type Mode = "interp" | "bbt" | "staged";

/** What run() returns when the process pauses (a blocked call, execve, its time slice is up) rather than ends. */
export const PAUSED = -1;

export interface DispatchOptions {
  mode: Mode;
  threshold: number;
  maxInsns?: number;
  /**
   * Wall-clock limit in ms: checked between blocks, at most every POLL_EVERY
   * dispatches; past it the guest dies by SIGXCPU, as at RLIMIT_CPU's soft limit.
   */
  timeoutMs?: number;
  report: (line: string) => void;
  /** The guest's own end (an exit, a death by a signal) is not reported (a child process's); limits still are. */
  quietEnd?: boolean;
  /** The translation tier (bbt and staged), started when the mode says (vmm/tier.ts). */
  tier?: TierPort;
}

/** What the dispatcher asks of the translation tier. */
export interface TierPort {
  readonly started: boolean;
  /** Starts the tier: its backend worker begins loading Binaryen at once. */
  start(): void;
  /** Whether the persistent translation cache has translations for this run (then the tier starts with the guest). */
  readonly warm: boolean;
  /** Installs the persistent cache's translation of the block at eip, if it has one that matches (staged: at the block's first entry). */
  recall(eip: number): void;
  /** Blocks until the backend can translate (bbt). */
  waitReady(): void;
  /** The WebAssembly dispatcher, once the backend worker has delivered it. */
  readonly run: ((eip: number, budget: number) => number) | undefined;
  /** Whether a translation starts at eip. */
  has(eip: number): boolean;
  /** Queues the region at eip for translation (staged), unless it cannot be translated. */
  request(eip: number): void;
  /** Translates the region at eip and waits for it (bbt); false if eip stays with the interpreter. */
  translateNow(eip: number): boolean;
  /** Installs finished translations; makes run available when it arrives. */
  pump(): void;
  /** Instructions retired in translated code. */
  readonly translatedRetired: number;
  /** Translation time per guest instruction so far, both threads, in ns; undefined before any. */
  readonly translationNsPerInsn: number | undefined;
  /** Guest instructions of the regions asked for so far (translated or in flight). */
  readonly requestedInsns: number;
}

export interface TierTimeline {
  /** The tier (its backend worker) was started, after startInsns interpreted instructions. */
  startMs: number;
  startInsns: number;
  /** The worker delivered the WebAssembly dispatcher (Binaryen loaded). */
  readyMs: number;
  /** Translated code ran for the first time. */
  firstRunMs: number;
}

export class Dispatcher {
  bailouts = 0;
  directoryMisses = 0;
  /** Wall milliseconds spent inside translated code (for the MIPS of translated code). */
  translatedMs = 0;
  /** Staged mode: how often a hot block was looked at, how often it was worth translating, and the last decision (staging.ts). */
  hotLooks = 0;
  hotRequests = 0;
  staging: Staging | undefined;
  /** When the tier got going, in milliseconds since the run started: --stats' time to translated code. */
  readonly timeline: TierTimeline = { startMs: NaN, startInsns: 0, readyMs: NaN, firstRunMs: NaN };
  private readonly profile: Uint32Array;
  /** Staged mode with a persistent translation cache file: blocks are recalled from it at their first entry. */
  private recalling = false;
  /** When this process started (performance.now()): the timeline, and when the tier may start, count from it. */
  private readonly born = performance.now();
  /** When the run started: --timeout counts from it (all the run's processes share one). */
  runStarted = this.born;
  /** run() pauses at the first poll at or after this time (performance.now()): the scheduler's time slice. */
  yieldAt = Infinity;
  /** Instructions the run's other processes retired, which --max-insns counts too. */
  othersRetired = 0;
  /** The signal that ended the process (0: it exited), once run() has returned its status. */
  signal = 0;
  /** run() returned EXIT_INSN_LIMIT because --max-insns was reached (not the guest's own exit status 124). */
  limitReached = false;
  private begun = false;
  private tierDue = false;
  /** Staged mode's timed interpreted blocks (timedBlock). */
  private readonly samples = new InterpSamples();

  constructor(readonly interp: Interpreter, mem: Memory, readonly opts: DispatchOptions) {
    this.profile = new Uint32Array(mem.wasm.buffer, PROFILE_OFF, PROFILE_ENTRIES);
  }

  get translatedRetired(): number {
    return this.opts.tier?.translatedRetired ?? 0;
  }

  get retired(): number {
    return this.interp.retired + this.translatedRetired;
  }

  /**
   * Runs the guest from S_EIP until it ends, returning its exit status, or pauses (PAUSED; S_EIP
   * is where it goes on when run again).
   */
  run(): number {
    const { interp, opts } = this;
    const tier = opts.tier;
    const s = interp.m.s;
    const limit = opts.maxInsns ?? Infinity;
    const staged = opts.mode === "staged", bbt = opts.mode === "bbt";
    const started = this.born, timeline = this.timeline;
    const startTier = (t: TierPort) => {
      timeline.startMs = performance.now() - started;
      timeline.startInsns = interp.retired;
      t.start();
    };
    // A fault the guest handles (a handler for its signal) resumes the loop in the handler.
    for (;;) {
      try {
        if (!this.begun) {
          this.begun = true;
          if (staged && tier!.warm) {
            startTier(tier!);
            this.recalling = true;
          }
          if (bbt) {
            startTier(tier!);
            tier!.waitReady();
            tier!.pump();
            timeline.readyMs = performance.now() - started;
          }
        }
        let eip = s[S_EIP] >>> 0;
        s[S_LINK_BUDGET] = LINK_BUDGET;
        for (let k = 0; ; k++) {
          if (tier?.run && tier.has(eip)) {
            const t0 = performance.now();
            if (Number.isNaN(timeline.firstRunMs)) timeline.firstRunMs = t0 - started;
            eip = tier.run(eip, limit === Infinity ? CHAIN_BUDGET : this.budgetFor(limit)) >>> 0;
            const t1 = performance.now();
            this.translatedMs += t1 - t0;
            // One call may run for 10^8 instructions: the deadline and the guest's timers are checked after each.
            this.checkDeadline(t1 - this.runStarted, eip);
            eip = this.tick(eip, t1);
            // A call may run for milliseconds: collect finished translations after a long one (short
            // ones, a directory miss after a few blocks, are many; the periodic poll below serves them).
            if (t1 - t0 > PUMP_AFTER_MS) tier.pump();
            if (s[S_EXIT]) {
              s[S_EXIT] = 0;
              this.bailouts++;
              eip = interp.runBlock(eip);
            } else if (!tier.has(eip)) this.directoryMisses++;
          } else if (bbt && tier!.translateNow(eip)) {
            continue;
          } else {
            const entries = staged ? this.hot(eip) : 0;
            if (entries && (tier!.started || this.tierDue)) {
              if (!tier!.started) startTier(tier!);
              this.hotLooks++;
              if (entries >= this.decide().entries) {
                this.hotRequests++;
                tier!.request(eip);
              }
            }
            eip = entries ? this.timedBlock(eip) : interp.runBlock(eip);
          }
          if ((k & POLL_EVERY) === 0) {
            tier?.pump();
            if (tier?.run && Number.isNaN(timeline.readyMs)) timeline.readyMs = performance.now() - started;
            const now = performance.now(), elapsed = now - started;
            this.tierDue ||= interp.retired >= TIER_START_INSNS || elapsed >= TIER_START_MS;
            this.checkDeadline(now - this.runStarted, eip);
            eip = this.tick(eip, now);
            if (now >= this.yieldAt) {
              s[S_EIP] = eip;
              return PAUSED;
            }
          }
          if (limit !== Infinity && this.othersRetired + this.retired >= limit) {
            s[S_EIP] = eip;
            opts.report(`cdvm: stopped after ${this.othersRetired + this.retired} guest instructions (--max-insns) at eip 0x${hex(eip)}`);
            this.limitReached = true;
            return EXIT_INSN_LIMIT;
          }
        }
      } catch (e) {
        if (e instanceof GuestFault && interp.m.host.fault?.(e.signal, e.addr)) continue;
        if (e instanceof GuestPause) return PAUSED;
        return this.end(e);
      }
    }
  }

  /** Past --timeout the guest dies by SIGXCPU, at eip. */
  private checkDeadline(elapsedMs: number, eip: number): void {
    if (elapsedMs < (this.opts.timeoutMs ?? Infinity)) return;
    this.interp.m.s[S_EIP] = eip;
    throw new GuestExit(128 + SIGXCPU, `cdvm: guest killed by SIGXCPU at eip 0x${hex(eip)}: --timeout reached after ${(elapsedMs / 1000).toFixed(1)} s`, SIGXCPU);
  }

  /** The guest's timers that are due by now may enter a signal handler (SyscallHost.tick): returns the EIP to go on at. */
  private tick(eip: number, now: number): number {
    const host = this.interp.m.host, s = this.interp.m.s;
    if (!host.tick) return eip;
    s[S_EIP] = eip;
    host.tick(now);
    return s[S_EIP] >>> 0;
  }

  /**
   * Near --max-insns, budgets that keep translated code from running far past
   * the limit: a call into it runs at most chains * (links + 1) blocks of at
   * most MAX_BLOCK_INSNS instructions. Sets the link budget; returns the chain budget.
   */
  private budgetFor(limit: number): number {
    const blocks = Math.max(1, Math.floor((limit - this.othersRetired - this.retired) / MAX_BLOCK_INSNS));
    const chains = Math.min(CHAIN_BUDGET, blocks);
    this.interp.m.s[S_LINK_BUDGET] = Math.min(LINK_BUDGET, Math.floor(blocks / chains) - 1);
    return chains;
  }

  /** Counts a block entry; returns the block's entries when it is due for a look (at the threshold, then every 1024), else 0. */
  private hot(eip: number): number {
    const h = profileSlot(eip), n = ++this.profile[h];
    if (n === 1 && this.recalling) this.opts.tier!.recall(eip);
    return n === this.opts.threshold || (n > this.opts.threshold && (n & 1023) === 0) ? n : 0;
  }

  /**
   * Runs the block at eip in the interpreter and times it: a sample of the
   * interpreter's time per instruction on the hot blocks translation would
   * replace, unless the block was decoded, made a system call or was preempted
   * (those cost the same whichever tier runs the code, or nothing of the
   * interpreter's). The blocks staging looks at, rather than any: once hot
   * code is translated, the blocks left to the interpreter are the cold tail,
   * which python3's start-up measured 2-3x slower per instruction.
   */
  private timedBlock(eip: number): number {
    const i = this.interp, decoded = i.decodeMs, syscalls = i.m.syscallMs, retired = i.retired;
    const t0 = performance.now();
    const next = i.runBlock(eip);
    const t1 = performance.now();
    // What reading the clock adds to an interval, timed at once in the same state of V8 (and taken off unclamped: the sum stays unbiased).
    const clock = performance.now() - t1;
    if (i.decodeMs === decoded && i.m.syscallMs === syscalls && t1 - t0 < SAMPLE_MAX_MS && clock < CLOCK_MAX_MS) {
      this.samples.add(t1 - t0 - clock, i.retired - retired);
    }
    return next;
  }

  /** The entries at which a hot block is worth translating now (staging.ts), from this run's measurements; kept in staging. */
  private decide(): Staging {
    const tier = this.opts.tier!;
    return (this.staging = stagingOf({
      interpNs: this.samples.ns, interpLeastNs: this.samples.leastNs,
      translatedMs: this.translatedMs, translatedInsns: tier.translatedRetired, costNs: tier.translationNsPerInsn,
      elapsedMs: performance.now() - this.born, requestedInsns: tier.requestedInsns,
    }, this.opts.threshold));
  }

  /** The interpreter's entries of the block at eip (staged mode's profile; a hash collision adds another block's). */
  heat(eip: number): number {
    return this.profile[profileSlot(eip)];
  }

  private end(e: unknown): number {
    const s = this.interp.m.s;
    if (e instanceof GuestExit) {
      if (e.message && !this.opts.quietEnd) this.opts.report(e.message);
      this.signal = e.signal;
      return e.status;
    }
    if (e instanceof GuestFault) {
      const at = s[S_EIP];
      const where = e.signal === SIGSEGV ? `, address 0x${hex(e.addr)}` : "";
      if (!this.opts.quietEnd) this.opts.report(`cdvm: guest killed by ${signalName(e.signal)} at eip 0x${hex(at)}${where}: ${e.reason}`);
      this.signal = e.signal;
      return 128 + e.signal;
    }
    throw e;
  }
}
