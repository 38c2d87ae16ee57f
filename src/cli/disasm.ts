/**
 * `cdvm disasm`: Intel-syntax disassembly of a static i386 ELF, read from the
 * loaded image so addresses are the ones the guest runs at.
 */
import * as fs from "node:fs";
import { loadElf } from "../linux/elf.ts";
import { Memory } from "../core/memory.ts";
import { disassemble } from "../isa/disasm.ts";
import { PAGE_SHIFT, PROT_READ } from "../core/layout.ts";
import { EXIT_NOTFOUND, UsageError } from "../core/status.ts";
import { reportProblem } from "./errors.ts";

export function disasmCommand(file: string, from: string | undefined, count: number): string[] {
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count expects a positive whole number, got '${count}'`);
  const start = from === undefined ? undefined : Number(from);
  if (start !== undefined && (from!.trim() === "" || !Number.isInteger(start) || start < 0 || start > 0xffffffff)) {
    throw new UsageError(`--from expects an address, got '${from}'`);
  }
  const mem = new Memory();
  const image = loadElf(mem, fs.readFileSync(file));
  const readable = (a: number) => (mem.perm[a >>> PAGE_SHIFT] & PROT_READ) !== 0;
  const addr = start ?? image.entry;
  if (!readable(addr)) throw new UsageError(`address 0x${addr.toString(16)} is not in the loaded image`);
  const fetch = (a: number): number => {
    if (!readable(a)) throw new RangeError("end of image");
    return mem.u8[a >>> 0];
  };
  return disassemble(fetch, addr, count).map(({ addr, bytes, text }) =>
    `${addr.toString(16).padStart(8, "0")}:  ${bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ").padEnd(30)}${text}`);
}

/** Runs `cdvm disasm` and returns the process status; problems are one line on stderr. */
export function disasmMain(file: string, from: string | undefined, count: string): number {
  try {
    if (!/^\d+$/.test(count)) throw new UsageError(`--count expects a positive whole number, got '${count}'`);
    process.stdout.write(disasmCommand(file, from, Number(count)).join("\n") + "\n");
    return 0;
  } catch (e) {
    const status = reportProblem(e, file);
    if (status !== undefined) return status;
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string") {
      process.stderr.write(`cdvm: cannot read '${file}': ${code}\n`);
      return EXIT_NOTFOUND;
    }
    throw e;
  }
}
