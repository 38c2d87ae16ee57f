/**
 * Adaptive staging's rule (src/vmm/staging.ts): when a hot block is worth
 * translating, from what the run has measured, within translation's budget;
 * and the interpreter's measure from timed blocks.
 */
import { describe, expect, it } from "vitest";
import { InterpSamples, stagingOf, type Measured } from "../src/vmm/staging.ts";

const M = 1 << 20;
const entriesToTranslate = (m: Measured, floor: number) => stagingOf(m, floor).entries;
/** A run 10 s in whose interpreter takes 10 ns per instruction and which has asked for nothing yet. */
const run = (o: Partial<Measured>): Measured => ({
  interpNs: 10, interpLeastNs: 10, translatedMs: 0, translatedInsns: 0, costNs: undefined, elapsedMs: 10_000, requestedInsns: 0, ...o,
});

describe("adaptive staging", () => {
  it("waits cost / gain entries once translated code's speed is measured", () => {
    // Translated code 1 ns per instruction, translation 20 µs per instruction.
    expect(entriesToTranslate(run({ translatedMs: 100, translatedInsns: 100e6, costNs: 20_000 }), 50)).toBeCloseTo(20_000 / 9, 6);
  });

  it("never goes below the --bbt-threshold floor", () => {
    expect(entriesToTranslate(run({ translatedMs: 1, translatedInsns: 100 * M, costNs: 1 }), 50)).toBe(50);
  });

  it("translates nothing more where translated code is no faster than the interpreter", () => {
    expect(entriesToTranslate(run({ translatedMs: 1000, translatedInsns: 100e6, costNs: 20_000 }), 50)).toBe(Infinity);
    expect(entriesToTranslate(run({ translatedMs: 2000, translatedInsns: 100e6, costNs: 20_000 }), 50)).toBe(Infinity);
  });

  it("uses the priors until translated code has run enough to be measured", () => {
    // Too few translated instructions to trust: translated code is assumed 4x faster, translation 30 µs.
    expect(entriesToTranslate(run({ translatedMs: 1000, translatedInsns: 1000 }), 50)).toBeCloseTo(30_000 / 7.5, 6);
  });

  it("translates nothing before the interpreter has been timed", () => {
    expect(entriesToTranslate(run({ interpNs: 0, interpLeastNs: 0 }), 50)).toBe(Infinity);
  });

  it("spends at most 10 % of the run's time beyond what translated code saved, counted at the interpreter's least time", () => {
    // 10 s in: 1000 ms of budget; 40 000 instructions at 20 µs is 800 ms, 60 000 is 1200 ms.
    const at = (requestedInsns: number, o: Partial<Measured> = {}) => stagingOf(run({ costNs: 20_000, requestedInsns, ...o }), 50);
    expect(at(40_000).entries).toBeLessThan(Infinity);
    expect(at(60_000).entries).toBe(Infinity);
    expect(at(60_000).spentMs).toBeCloseTo(1200, 6);
    expect(at(60_000).budgetMs).toBeCloseTo(1000, 6);
    // 100 M instructions ran translated at 1 ns that the interpreter, at its least, took 3 ns for: 200 ms saved.
    const saved = { translatedMs: 100, translatedInsns: 100e6, interpNs: 30, interpLeastNs: 3 };
    expect(at(60_000, saved).budgetMs).toBeCloseTo(1200, 6);
    expect(at(55_000, saved).entries).toBeLessThan(Infinity);
    expect(at(65_000, saved).entries).toBe(Infinity);
  });
});

describe("the interpreter's measure", () => {
  it("averages timed instructions, follows a change within a few windows, and keeps the least window", () => {
    const s = new InterpSamples();
    expect(s.ns).toBe(0);
    expect(s.leastNs).toBe(0);
    for (let k = 0; k < 4 * InterpSamples.WINDOW_INSNS; k += 5) s.add(5 * 60e-6, 5);
    expect(s.ns).toBeCloseTo(60, 6);
    for (let k = 0; k < 8 * InterpSamples.WINDOW_INSNS; k += 5) s.add(5 * 30e-6, 5);
    expect(s.ns).toBeLessThan(31);
    for (let k = 0; k < 8 * InterpSamples.WINDOW_INSNS; k += 5) s.add(5 * 90e-6, 5);
    expect(s.ns).toBeGreaterThan(89);
    expect(s.leastNs).toBeLessThan(31);
  });
});
