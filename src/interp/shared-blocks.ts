/**
 * Decoded blocks shared by the processes of one run. A forked child runs the
 * code its parent has decoded, and a shell's every command execs a program
 * another process has run before; decoding it again was a third of what a
 * short pipeline cost. An entry keeps the bytes it was decoded from, and a
 * process takes it only where its own memory holds the same bytes on
 * executable pages: another program, a changed page or rewritten code is
 * decoded afresh (the instructions of a block depend on nothing else).
 * Sharing starts at a run's first fork (until then a lone process would
 * only pay for keeping the bytes: 6 % of python3's start-up), when the
 * processes alive offer the blocks they have decoded (Interpreter.share).
 *
 * Invariants: an entry's instructions are what decodeBlock gives for its
 * bytes at its address, with their executors bound, and nobody changes them
 * (each process makes its own Block around them); at most MAX_ENTRIES
 * entries, MAX_VARIANTS per address: a full table starts over.
 */
import type { Insn } from "../isa/decode.ts";
import { PAGE_SHIFT, PROT_EXEC } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";

interface Entry {
  readonly bytes: Uint8Array;
  readonly insns: Insn[];
}

const MAX_ENTRIES = 1 << 16, MAX_VARIANTS = 4;

export class SharedBlocks {
  /** Whether the run has more than one process yet: until then find and add are not called. */
  on = false;
  private readonly byStart = new Map<number, Entry[]>();
  private entries = 0;

  /** The instructions of a block decoded at eip from the bytes mem holds there, if an entry has them. */
  find(mem: Memory, eip: number): Insn[] | undefined {
    const list = this.byStart.get(eip);
    if (!list) return undefined;
    for (const e of list) {
      const end = eip + e.bytes.length;
      if (executable(mem, eip, end) && Buffer.compare(mem.u8.subarray(eip, end), e.bytes) === 0) return e.insns;
    }
    return undefined;
  }

  /** Keeps a block just decoded at eip from mem. */
  add(mem: Memory, eip: number, insns: Insn[]): void {
    const last = insns[insns.length - 1];
    if (this.entries >= MAX_ENTRIES) {
      this.byStart.clear();
      this.entries = 0;
    }
    let list = this.byStart.get(eip);
    if (!list) this.byStart.set(eip, (list = []));
    if (list.length >= MAX_VARIANTS) list.shift();
    else this.entries++;
    list.push({ bytes: mem.u8.slice(eip, last.addr + last.len), insns });
  }
}

function executable(mem: Memory, start: number, end: number): boolean {
  for (let p = start >>> PAGE_SHIFT; p <= (end - 1) >>> PAGE_SHIFT; p++) if (!(mem.perm[p] & PROT_EXEC)) return false;
  return true;
}
