/**
 * A translation request's bytes (src/translate/request.ts): what the guest's
 * thread writes is what the worker reads, and a block whose bytes decode to
 * another instruction count than the guest's thread saw is refused.
 */
import { describe, expect, it } from "vitest";
import { decodeCode } from "../src/translate/pipeline.ts";
import { decodeRequest, encodeRequest } from "../src/translate/request.ts";

// mov eax, 1; add eax, [ebx+4]; jmp [0x8049000 + eax*4]  /  inc ecx; ret
const A = Uint8Array.from([0xb8, 1, 0, 0, 0, 0x03, 0x43, 0x04, 0xff, 0x24, 0x85, 0x00, 0x90, 0x04, 0x08]);
const B = Uint8Array.from([0x41, 0xc3]);
const block = (start: number, code: Uint8Array, jumpTable?: number[]) => ({ start, insns: decodeCode(start, code), code, jumpTable });

describe("translation requests", () => {
  it("carry regions of blocks, their jump tables and instructions across", () => {
    const regions = [[block(0x8048000, A, [0x8048100, 0x8048200]), block(0x8048100, B)], [block(0xb7f00000, B)]];
    const back = decodeRequest(encodeRequest(regions));
    expect(back.map((r) => r.map((b) => [b.start, b.insns.map((i) => i.addr), b.jumpTable]))).toEqual(
      regions.map((r) => r.map((b) => [b.start, b.insns.map((i) => i.addr), b.jumpTable])),
    );
    expect(back[0][0].insns.map((i) => i.mnem)).toEqual(["mov", "add", "jmp"]);
  });

  it("refuse a block the worker decodes differently", () => {
    const bytes = encodeRequest([[block(0x8048000, A)]]);
    new DataView(bytes.buffer).setUint32(12, 2, true); // the block's instruction count: 3 -> 2
    expect(() => decodeRequest(bytes)).toThrow(/decoded to 3 instructions on the worker, 2 on the guest's thread/);
  });
});
