/**
 * Which blocks a region takes (src/translate/pipeline.ts formRegion): breadth
 * first without a profile (bbt, the differential tests), hottest first and
 * only blocks entered at least 1/32 as often as the first with one (staged),
 * so a full region keeps a loop's hot blocks and leaves its cold exits out.
 */
import { describe, expect, it } from "vitest";
import { Memory } from "../src/core/memory.ts";
import { PAGE_SIZE, PROT_EXEC, PROT_READ } from "../src/core/layout.ts";
import { formRegion } from "../src/translate/pipeline.ts";

const BASE = 0x08048000;
// 0x00 test eax, eax; jz 0x08   0x04 inc ebx; jmp 0x00   0x07 (int3, never reached)   0x08 inc ecx; jmp 0x00
const CODE = [0x85, 0xc0, 0x74, 0x04, 0x43, 0xeb, 0xf9, 0xcc, 0x41, 0xeb, 0xf5];

function memory(): Memory {
  const mem = new Memory();
  mem.map(BASE, PAGE_SIZE, PROT_READ | PROT_EXEC);
  mem.u8.set(CODE, BASE);
  return mem;
}

/** The offsets of the blocks formRegion takes from offset 0, given the blocks' entries (none: no profile). */
function grown(maxBlocks: number, entries?: Record<number, number>): number[] {
  const heat = entries && ((eip: number) => entries[eip - BASE] ?? 0);
  return formRegion(memory(), BASE, { maxBlocks, heat }).map((b) => b.start - BASE);
}

describe("region growth", () => {
  it("goes breadth first without a profile: the jz's target before its fall-through", () => {
    expect(grown(2)).toEqual([0, 8]);
    expect(grown(3)).toEqual([0, 8, 4]);
  });

  it("takes the hottest block next with a profile, whatever the branch's order", () => {
    expect(grown(2, { 0: 500, 4: 499, 8: 16 })).toEqual([0, 4]);
    expect(grown(3, { 0: 500, 4: 499, 8: 16 })).toEqual([0, 4, 8]);
  });

  it("leaves out blocks entered less than 1/32 as often as the first, or never", () => {
    expect(grown(3, { 0: 500, 4: 499, 8: 15 })).toEqual([0, 4]);
    expect(grown(3, { 0: 500, 8: 400 })).toEqual([0, 8]);
    expect(grown(3, { 0: 20, 4: 1 })).toEqual([0, 4]);
  });

  it("keeps breadth-first order among equals", () => {
    expect(grown(3, { 0: 50, 4: 7, 8: 7 })).toEqual([0, 8, 4]);
  });
});
