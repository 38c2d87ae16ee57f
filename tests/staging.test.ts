/**
 * Adaptive staging's rule (src/vmm/staging.ts): when a hot block is worth
 * translating, from what the run has measured.
 */
import { describe, expect, it } from "vitest";
import { stagingOf, type Measured } from "../src/vmm/staging.ts";

const M = 1 << 20;
const entriesToTranslate = (m: Measured, floor: number) => stagingOf(m, floor).entries;
const run = (o: Partial<Measured>): Measured => ({ interpMs: 1000, interpInsns: 100 * M, translatedMs: 0, translatedInsns: 0, costNs: undefined, ...o });

describe("adaptive staging", () => {
  it("waits cost / gain entries once translated code's speed is measured", () => {
    // Interpreter ~9.5 ns per instruction, translated ~0.95 ns, translation 20 µs per instruction.
    const n = entriesToTranslate(run({ translatedMs: 100, translatedInsns: 100 * M, costNs: 20_000 }), 50);
    expect(n).toBeCloseTo(20_000 / ((1e9 / (100 * M)) * 0.9), 0);
  });

  it("never goes below the --bbt-threshold floor", () => {
    expect(entriesToTranslate(run({ translatedMs: 1, translatedInsns: 100 * M, costNs: 1 }), 50)).toBe(50);
  });

  it("translates nothing more where translated code is no faster than the interpreter", () => {
    expect(entriesToTranslate(run({ translatedMs: 1000, translatedInsns: 100 * M, costNs: 20_000 }), 50)).toBe(Infinity);
    expect(entriesToTranslate(run({ translatedMs: 2000, translatedInsns: 100 * M, costNs: 20_000 }), 50)).toBe(Infinity);
  });

  it("uses the priors until translated code has run enough to be measured", () => {
    // Too few translated instructions to trust: translated code is assumed 4x faster, translation 30 µs.
    const interpNs = 1e9 / (100 * M);
    expect(entriesToTranslate(run({ translatedMs: 1000, translatedInsns: 1000 }), 50)).toBeCloseTo(30_000 / (interpNs * 0.75), 0);
  });
});
