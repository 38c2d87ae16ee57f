/**
 * The fuzzers' random streams: case k of seed s draws from its own mulberry32
 * stream (tests/support/diff.ts's Rng), independent of every other case, so
 * a reproducer needs only (s, k) and a case regenerates alone.
 */
import { Rng } from "../support/diff.ts";

export { Rng };

export function caseRng(seed: number, k: number): Rng {
  return new Rng((seed ^ Math.imul(k + 1, 0x9e3779b1)) >>> 0);
}
