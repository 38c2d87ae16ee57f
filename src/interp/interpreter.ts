/**
 * The reference interpreter: runs guest code block by block from a cache of
 * decoded blocks. A block is a straight run of instructions ending at a
 * control transfer (or a decode problem, which the next block reports
 * precisely). Decoding happens once per block; a store into a page holding
 * decoded code (memory.ts PAGE_CODE) drops that page's blocks and ends the
 * running block after the storing instruction, so modified code is decoded
 * afresh before it runs.
 *
 * Faults unwind as GuestFault with EIP set to the faulting instruction and
 * the retired count excluding it; vmm/dispatcher.ts turns them into the
 * process's end.
 */
import { decode, DecodeError, type Exec, type Insn } from "../isa/decode.ts";
import { GuestExit, GuestFault, SIGILL, SIGSEGV } from "../vmm/fault.ts";
import { PAGE_CODE, PAGE_SHIFT, PROT_EXEC, S_EIP } from "../vmm/layout.ts";
import { executorFor } from "./dispatch.ts";
import { specialize } from "./fast.ts";
import type { Machine } from "./machine.ts";

const MAX_BLOCK = 64;

/**
 * A decoded block: its instructions with their executors bound (specialized
 * by operand form where fast.ts has one), the EIP after its last instruction,
 * and the last two distinct successors seen, so that the usual path from one
 * block to the next needs no cache lookup. A successor is used only while
 * it is live (its pages have not been written since it was decoded).
 */
class Block {
  readonly execs: Exec[];
  readonly n: number;
  live = true;
  succA: Block | null = null;
  succB: Block | null = null;
  constructor(readonly start: number, readonly insns: Insn[], readonly end: number) {
    this.execs = insns.map((i) => i.exec!);
    this.n = insns.length;
  }
}

export class Interpreter {
  private readonly blocks = new Map<number, Block>();
  private readonly pageBlocks = new Map<number, Block[]>();
  /** The block run last, whose successor links the next runBlock consults. */
  private last: Block | null = null;
  retired = 0;
  blocksDecoded = 0;
  invalidations = 0;

  constructor(readonly m: Machine) {
    m.mem.onCodeWrite = (page) => this.invalidatePage(page);
  }

  private invalidatePage(page: number): void {
    for (const b of this.pageBlocks.get(page) ?? []) {
      b.live = false;
      if (this.blocks.get(b.start) === b) this.blocks.delete(b.start);
    }
    this.pageBlocks.delete(page);
    this.invalidations++;
    this.m.smc = true;
  }

  private fetch = (a: number): number => {
    const mem = this.m.mem;
    if (!(mem.perm[a >>> PAGE_SHIFT] & PROT_EXEC)) mem.fault(a, "instruction fetch");
    return mem.u8[a >>> 0];
  };

  private build(eip: number): Block {
    const insns: Insn[] = [];
    for (let a = eip; insns.length < MAX_BLOCK; ) {
      let insn: Insn;
      try {
        insn = decode(this.fetch, a);
      } catch (e) {
        if (insns.length) break;
        if (e instanceof DecodeError) {
          const bytes = e.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
          throw new GuestFault(e.reason === "invalid opcode" ? SIGILL : SIGSEGV, a, `${e.reason} (bytes ${bytes})`);
        }
        throw e;
      }
      insn.exec = specialize(insn) ?? executorFor(insn.row);
      insns.push(insn);
      a = insn.next;
      if (insn.row.attrs.has("stop") || insn.row.attrs.has("jump") || insn.row.attrs.has("call")) break;
    }
    const last = insns[insns.length - 1];
    const block = new Block(eip, insns, last.next);
    this.blocks.set(eip, block);
    this.blocksDecoded++;
    for (let p = eip >>> PAGE_SHIFT; p <= ((last.addr + last.len - 1) >>> PAGE_SHIFT); p++) {
      this.m.mem.perm[p] |= PAGE_CODE;
      const list = this.pageBlocks.get(p);
      if (list) list.push(block);
      else this.pageBlocks.set(p, [block]);
    }
    return block;
  }

  /** The block at eip: a live successor link of the previous block, else the cache, else a fresh decoding. */
  private lookup(eip: number): Block {
    const prev = this.last;
    if (prev !== null) {
      const a = prev.succA;
      if (a !== null && a.start === eip && a.live) return a;
      const b = prev.succB;
      if (b !== null && b.start === eip && b.live) return b;
    }
    const block = this.blocks.get(eip) ?? this.build(eip);
    if (prev !== null) {
      if (prev.succA === null || !prev.succA.live) prev.succA = block;
      else prev.succB = block;
    }
    return block;
  }

  /**
   * Runs the block at eip once and returns the EIP after it. Retired counts
   * stay exact: a GuestFault leaves S_EIP at the faulting instruction and
   * excludes it; a GuestExit (from a syscall) includes the syscall.
   *
   * Only control transfers write m.next, and they end their block, so it is
   * set once to the fall-through EIP of the block's last instruction.
   */
  runBlock(eip: number): number {
    const m = this.m;
    let block: Block | null = null;
    let k = 0;
    try {
      block = this.lookup(eip);
      this.last = block;
      const execs = block.execs, insns = block.insns, n = block.n;
      m.next = block.end;
      for (; k < n; k++) {
        execs[k](m, insns[k]);
        if (m.smc) {
          m.smc = false;
          k++;
          if (k < n) m.next = insns[k].addr;
          break;
        }
      }
      this.retired += k;
      return m.next;
    } catch (e) {
      if (e instanceof GuestFault) {
        this.retired += k;
        m.s[S_EIP] = block?.insns[k]?.addr ?? eip;
      } else if (e instanceof GuestExit) {
        this.retired += k + 1;
      }
      throw e;
    }
  }
}
