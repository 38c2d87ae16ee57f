/**
 * `cdvm disasm`: Intel-syntax disassembly of a static i386 ELF, read from the
 * loaded image so addresses are the ones the guest runs at.
 */
import * as fs from "node:fs";
import { loadElf } from "../linux/elf.ts";
import { Memory } from "../vmm/memory.ts";
import { disassemble } from "../isa/disasm.ts";
import { PAGE_SHIFT, PROT_READ } from "../vmm/layout.ts";

export function disasmCommand(file: string, from: string | undefined, count: number): string[] {
  const mem = new Memory();
  const image = loadElf(mem, fs.readFileSync(file));
  const start = from === undefined ? image.entry : Number(from);
  if (!Number.isFinite(start)) throw new Error(`--from expects an address, got '${from}'`);
  const fetch = (a: number): number => {
    if (!(mem.perm[a >>> PAGE_SHIFT] & PROT_READ)) throw new RangeError("end of image");
    return mem.u8[a >>> 0];
  };
  return disassemble(fetch, start, count).map(({ addr, bytes, text }) =>
    `${addr.toString(16).padStart(8, "0")}:  ${bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ").padEnd(30)}${text}`);
}
