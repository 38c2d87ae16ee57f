/**
 * The interval timer's reading (src/linux/itimer.ts): an armed timer whose
 * time has come but which the dispatcher has not expired yet still reads as
 * armed, as Linux reads one about to fire; once expired, a periodic timer
 * reads its next time and a one-shot one reads 0.
 */
import { describe, expect, it } from "vitest";
import { RealTimer } from "../src/linux/itimer.ts";

describe("the real-time interval timer", () => {
  it("reads as armed past its time until it expires", () => {
    for (const intervalMs of [0, 10]) {
      const t = new RealTimer();
      t.set(0, { valueMs: 10, intervalMs });
      expect(t.get(4).valueMs).toBe(6);
      expect(t.get(25).valueMs, `interval ${intervalMs}`).toBeGreaterThan(0);
      expect(t.set(25, { valueMs: 0, intervalMs: 0 }).valueMs, `interval ${intervalMs}`).toBeGreaterThan(0);
    }
  });

  it("once expired, reloads a periodic timer and disarms a one-shot one", () => {
    const periodic = new RealTimer(), once = new RealTimer();
    periodic.set(0, { valueMs: 10, intervalMs: 10 });
    once.set(0, { valueMs: 10, intervalMs: 0 });
    expect([periodic.expire(12), once.expire(12)]).toEqual([true, true]);
    expect(periodic.get(12)).toEqual({ valueMs: 8, intervalMs: 10 });
    expect(once.get(12)).toEqual({ valueMs: 0, intervalMs: 0 });
  });
});
