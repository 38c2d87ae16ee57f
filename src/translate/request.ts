/**
 * A translation request's bytes, as the translator writes them into the
 * request slot (channel.ts) and the worker reads them: the regions to
 * translate as their blocks' guest code, nothing lifted. Per region, per
 * block: start, instruction count, jump-table targets and code bytes. The
 * worker decodes the bytes again (pipeline.ts decodeCode) and checks it gets
 * the same instruction count, so both threads agree on what a block holds.
 *
 * Layout, little-endian u32 unless noted: regions; then per region: blocks;
 * then per block: start, insns, code length, jump-table entries, the
 * entries, the code bytes (u8).
 */
import { decodeCode, type FormedBlock } from "./pipeline.ts";

export type RequestBlock = Pick<FormedBlock, "start" | "insns" | "code" | "jumpTable">;

export function encodeRequest(regions: readonly (readonly RequestBlock[])[]): Uint8Array {
  let size = 4;
  for (const r of regions) for (const b of r) size += 16 + 4 * (b.jumpTable?.length ?? 0) + b.code.length;
  size += 4 * regions.length;
  const out = new Uint8Array(size), dv = new DataView(out.buffer);
  let at = 0;
  const u32 = (v: number) => { dv.setUint32(at, v, true); at += 4; };
  u32(regions.length);
  for (const r of regions) {
    u32(r.length);
    for (const b of r) {
      u32(b.start);
      u32(b.insns.length);
      u32(b.code.length);
      u32(b.jumpTable?.length ?? 0);
      for (const t of b.jumpTable ?? []) u32(t);
      out.set(b.code, at);
      at += b.code.length;
    }
  }
  return out;
}

/** The regions of a request, each block's instructions decoded from its bytes. */
export function decodeRequest(bytes: Uint8Array): Pick<FormedBlock, "start" | "insns" | "jumpTable">[][] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 0;
  const u32 = () => { const v = dv.getUint32(at, true); at += 4; return v; };
  const regions = [];
  for (let r = u32(); r > 0; r--) {
    const blocks = [];
    for (let n = u32(); n > 0; n--) {
      const start = u32(), count = u32(), length = u32(), entries = u32();
      const jumpTable = entries ? Array.from({ length: entries }, u32) : undefined;
      const insns = decodeCode(start, bytes.subarray(at, at + length));
      at += length;
      if (insns.length !== count) throw new Error(`block 0x${start.toString(16)} decoded to ${insns.length} instructions on the worker, ${count} on the guest's thread`);
      blocks.push({ start, insns, jumpTable });
    }
    regions.push(blocks);
  }
  return regions;
}
