/**
 * The free-page-run tree (core/pageruns.ts) against a plain array of page
 * states: random map and unmap operations, then highest() for random sizes
 * and ranges must find what a right-to-left scan finds, and usedRuns() the
 * runs of used pages a scan finds.
 */
import { describe, expect, it } from "vitest";
import { PageRuns } from "../src/core/pageruns.ts";
import { caseRng } from "./fuzz/rng.ts";

/** The highest run of need free pages inside [lo, hi) by scanning, or -1. */
function scan(free: Uint8Array, need: number, lo: number, hi: number): number {
  if (need <= 0) return -1;
  for (let end = hi, run = 0; end > lo; end--) {
    run = free[end - 1] ? run + 1 : 0;
    if (run >= need) return end - 1;
  }
  return -1;
}

describe("PageRuns", () => {
  it("finds the highest free run as a scan does, after random maps and unmaps", () => {
    const rng = caseRng(7, 0);
    const pages = 1 << 20, window = 1 << 12, base = pages - window - 64;
    const t = new PageRuns(), free = new Uint8Array(pages).fill(1);
    for (let step = 0; step < 400; step++) {
      const lo = base + rng.int(window), hi = Math.min(pages, lo + 1 + rng.int(300)), f = rng.chance(0.4);
      t.set(lo, hi, f);
      free.fill(f ? 1 : 0, lo, hi);
      for (let q = 0; q < 5; q++) {
        const qlo = base + rng.int(window), qhi = Math.min(pages, qlo + rng.int(window)), need = 1 + rng.int(400);
        expect(t.highest(need, qlo, qhi), `need ${need} in [${qlo}, ${qhi}) after step ${step}`).toBe(scan(free, need, qlo, qhi));
      }
    }
    expect(t.highest(base, 0, pages)).toBe(scan(free, base, 0, pages));
    const used: [number, number][] = [];
    for (let p = 0; p < pages; p++) {
      if (free[p]) continue;
      if (used.length && used[used.length - 1][1] === p) used[used.length - 1][1] = p + 1;
      else used.push([p, p + 1]);
    }
    expect(t.usedRuns()).toEqual(used);
  });
});
