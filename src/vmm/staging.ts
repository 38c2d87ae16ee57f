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
 * The interpreter's time is what the run has not spent in translated code,
 * translating, decoding blocks or in system calls: decoding and system calls
 * cost the same whatever runs the code (python3's start-up, dominated by
 * them, measured ~370 ns per interpreted instruction with them counted,
 * against ~40 for the interpreter itself).
 *
 * Until there is a measurement the priors below stand in: translated code
 * PRIOR_SPEEDUP times the interpreter's speed, translation PRIOR_COST_NS per
 * instruction (papers/lab-notes.md, "Adaptive staging").
 */
const PRIOR_SPEEDUP = 4;
const PRIOR_COST_NS = 30_000;
/** Instructions of each kind after which its measured speed replaces the prior. */
const TRUST_INSNS = 1 << 20;

/** What the run has measured (milliseconds and retired instructions). */
export interface Measured {
  interpMs: number;
  interpInsns: number;
  translatedMs: number;
  translatedInsns: number;
  /** The tier's translation time per guest instruction so far, ns; undefined before any. */
  costNs: number | undefined;
}

/** A decision and the figures it was made from (ns per guest instruction; priors where nothing was measured yet). */
export interface Staging {
  entries: number;
  interpNs: number;
  translatedNs: number;
  costNs: number;
}

/** Block entries at which translating a hot block pays (entries; Infinity: not now), at least floor. */
export function stagingOf(m: Measured, floor: number): Staging {
  const interpNs = (m.interpMs * 1e6) / Math.max(1, m.interpInsns);
  const translatedNs = m.translatedInsns >= TRUST_INSNS ? (m.translatedMs * 1e6) / m.translatedInsns : interpNs / PRIOR_SPEEDUP;
  const gain = interpNs - translatedNs, costNs = m.costNs ?? PRIOR_COST_NS;
  return { entries: gain > 0 ? Math.max(floor, costNs / gain) : Infinity, interpNs, translatedNs, costNs };
}
