/**
 * Adaptive staging: how many entries make a hot block worth translating,
 * from what this run has measured so far. Translating a guest instruction
 * costs C (the tier's measured time per instruction, on both threads);
 * each later execution of it saves G = (interpreter's time per instruction)
 * − (translated code's). A block is translated once it has been entered
 * C / G times — the entries so far predict the entries to come, so a block
 * that never runs again costs at most what translating it earlier would
 * have saved (the ski-rental bound) — and never before the --bbt-threshold
 * floor. Where translated code is measured no faster than the interpreter
 * (G ≤ 0: python3's start-up, whose code runs mostly between calls into
 * cold code), nothing more is translated, so staged stays as fast as the
 * interpreter.
 *
 * The interpreter's time per instruction is timed on the blocks staging
 * looks at (Dispatcher.timedBlock), leaving out blocks that decode or make
 * system calls (they cost the same whatever runs the code) and samples the
 * host preempted. The run's wall time less everything
 * else would count the dispatcher, GC and, on a loaded machine, the time the
 * worker's own threads take from the guest's: python3's start-up measures
 * 62-103 ns per interpreted instruction that way, ~3x what the interpreter
 * takes, and would be translated that much too eagerly.
 *
 * Translation is paid from a budget: what it has cost so far (every
 * instruction asked for, at the measured cost) stays within BUDGET_SHARE of
 * the run's time plus what translated code has saved (its instructions times
 * the gain). A program whose hot code stays hot earns its translations back
 * at once; one whose code is hot only briefly (python3's start-up: a block
 * entered thousands of times while one module imports, never again) cannot
 * lose more than the share, whatever the entries predicted — the ski-rental
 * rule alone bounds the loss only to the interpreter's time again.
 *
 * Until there is a measurement the priors below stand in: translated code
 * PRIOR_SPEEDUP times the interpreter's speed, translation PRIOR_COST_NS per
 * instruction (papers/lab-notes.md, "Adaptive staging").
 */
const PRIOR_SPEEDUP = 4;
const PRIOR_COST_NS = 30_000;
/** Instructions of each kind after which its measured speed replaces the prior. */
const TRUST_INSNS = 1 << 20;
/** The share of the run's time translation may spend beyond what translated code has saved. */
const BUDGET_SHARE = 0.1;

/** What the run has measured (milliseconds and retired instructions). */
export interface Measured {
  /** The interpreter's time per instruction now, and the least it has been (InterpSamples; 0: nothing timed yet, and nothing is translated). */
  interpNs: number;
  interpLeastNs: number;
  translatedMs: number;
  translatedInsns: number;
  /** The tier's translation time per guest instruction so far, ns; undefined before any. */
  costNs: number | undefined;
  /** The run's time so far, and the guest instructions asked of the tier (translated or in flight). */
  elapsedMs: number;
  requestedInsns: number;
}

/** A decision and the figures it was made from (ns per guest instruction; priors where nothing was measured yet). */
export interface Staging {
  entries: number;
  interpNs: number;
  translatedNs: number;
  costNs: number;
  /** What translation has cost (requested instructions at costNs), and what it may cost now (ms). */
  spentMs: number;
  budgetMs: number;
}

/** Block entries at which translating a hot block pays (entries; Infinity: not now — no gain, or the budget is spent), at least floor. */
export function stagingOf(m: Measured, floor: number): Staging {
  const interpNs = m.interpNs;
  const translatedNs = m.translatedInsns >= TRUST_INSNS ? (m.translatedMs * 1e6) / m.translatedInsns : interpNs / PRIOR_SPEEDUP;
  const gain = interpNs - translatedNs, costNs = m.costNs ?? PRIOR_COST_NS;
  const spentMs = (m.requestedInsns * costNs) / 1e6;
  const budgetMs = BUDGET_SHARE * m.elapsedMs + (m.translatedInsns * Math.max(0, m.interpLeastNs - translatedNs)) / 1e6;
  const entries = gain > 0 && spentMs < budgetMs ? Math.max(floor, costNs / gain) : Infinity;
  return { entries, interpNs, translatedNs, costNs, spentMs, budgetMs };
}

/**
 * The interpreter's time per instruction, from timed blocks: a moving
 * average (both sums halve past WINDOW_INSNS sampled instructions, so it
 * follows V8 optimizing the interpreter: python3's start-up runs ~60 ns per
 * instruction in its first 0.2 s, ~30 after 1 s), and the least any window
 * has averaged. Translation's savings are counted at the least: with
 * translated code running, the interpreter measures slower — its hot blocks
 * are gone from the sample, and the worker and the translated code take the
 * cores and caches it had (python3's start-up: 60-110 ns against 35-38 with
 * no translation) — and that slowdown is a cost of translating, not a saving.
 */
export class InterpSamples {
  static readonly WINDOW_INSNS = 1 << 13;
  private ms = 0;
  private insns = 0;
  private leastWindowNs = Infinity;

  add(ms: number, insns: number): void {
    this.ms += ms;
    this.insns += insns;
    if (this.insns <= InterpSamples.WINDOW_INSNS) return;
    this.leastWindowNs = Math.min(this.leastWindowNs, this.ns);
    this.ms /= 2;
    this.insns /= 2;
  }

  /** Nanoseconds per instruction (0 before any sample). */
  get ns(): number {
    return this.insns ? (this.ms * 1e6) / this.insns : 0;
  }

  /** The least of the windows so far and the average now (0 before any sample). */
  get leastNs(): number {
    return Math.min(this.leastWindowNs, this.ns);
  }
}
