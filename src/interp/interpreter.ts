/**
 * The reference interpreter: runs guest code block by block from a cache of
 * decoded blocks. A block is a straight run of instructions ending at a
 * control transfer (isa/block.ts decodes it; a decode problem after its
 * first instruction ends it, and the next block reports it precisely).
 * Decoding happens once per block; a store into a page holding decoded
 * code (memory.ts PAGE_CODE) drops that page's blocks and ends the running
 * block after the storing instruction, so modified code is decoded afresh
 * before it runs.
 *
 * Faults unwind as GuestFault with EIP set to the faulting instruction and
 * the retired count excluding it; vmm/dispatcher.ts turns them into the
 * process's end.
 */
import { decodeBlock } from "../isa/block.ts";
import { DecodeError, type Exec, type Insn } from "../isa/decode.ts";
import { GuestExit, GuestFault, GuestPause, SIGILL, SIGSEGV } from "../core/fault.ts";
import { PAGE_CODE, PAGE_SHIFT, PROT_EXEC, S_EIP } from "../core/layout.ts";
import { executorFor } from "./dispatch.ts";
import { fuse, specialize } from "./fast.ts";
import type { Machine } from "./machine.ts";
import type { SharedBlocks } from "./shared-blocks.ts";

/** Direct-mapped front of the block map: blocks by start address modulo its size. */
const FRONT_BITS = 14, FRONT_MASK = (1 << FRONT_BITS) - 1;

/**
 * A decoded block: its instructions with their executors bound (specialized
 * by operand form where fast.ts has one), the EIP after its last instruction,
 * and the last two distinct successors seen, so that the usual path from one
 * block to the next needs no cache lookup. A successor is used only while
 * it is live (its pages have not been written since it was decoded).
 */
class Block {
  /** Executors; when the block ends in a fusable compare-and-branch, one fewer than the instructions. */
  readonly execs: Exec[];
  /** Instructions in the block (what a completed run retires). */
  readonly n: number;
  live = true;
  succA: Block | null = null;
  succB: Block | null = null;
  constructor(readonly start: number, readonly insns: Insn[], readonly end: number) {
    this.execs = insns.map((i) => i.exec!);
    this.n = insns.length;
    const fused = this.n >= 2 ? fuse(insns[this.n - 2], insns[this.n - 1]) : undefined;
    if (fused) {
      this.execs.pop();
      this.execs[this.n - 2] = fused;
    }
  }
}

export class Interpreter {
  private readonly blocks = new Map<number, Block>();
  private readonly pageBlocks = new Map<number, Block[]>();
  /** The block run last, whose successor links the next runBlock consults. */
  private last: Block | null = null;
  private readonly front: (Block | null)[] = new Array<Block | null>(1 << FRONT_BITS).fill(null);
  retired = 0;
  blocksDecoded = 0;
  /** Milliseconds spent decoding blocks: paid once per block whatever tier runs it later. */
  decodeMs = 0;
  invalidations = 0;

  /** shared: the run's blocks decoded by other processes, which this one may take (shared-blocks.ts). */
  constructor(readonly m: Machine, private readonly shared?: SharedBlocks) {
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
    const t0 = performance.now();
    const insns = (this.shared?.on && this.shared.find(this.m.mem, eip)) || this.decode(eip);
    const last = insns[insns.length - 1];
    const block = new Block(eip, insns, last.next);
    this.blocks.set(eip, block);
    this.decodeMs += performance.now() - t0;
    for (let p = eip >>> PAGE_SHIFT; p <= ((last.addr + last.len - 1) >>> PAGE_SHIFT); p++) {
      this.m.mem.perm[p] |= PAGE_CODE;
      const list = this.pageBlocks.get(p);
      if (list) list.push(block);
      else this.pageBlocks.set(p, [block]);
    }
    return block;
  }

  /** Decodes the block at eip and binds its executors; a decode problem at its first instruction is a fault. */
  private decode(eip: number): Insn[] {
    let insns: Insn[];
    try {
      insns = decodeBlock(this.fetch, eip);
    } catch (e) {
      if (e instanceof DecodeError) {
        const bytes = e.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
        throw new GuestFault(e.reason.startsWith("invalid opcode") ? SIGILL : SIGSEGV, eip, `${e.reason} (bytes ${bytes})`);
      }
      throw e;
    }
    for (const insn of insns) insn.exec = specialize(insn) ?? executorFor(insn.row);
    this.blocksDecoded++;
    if (this.shared?.on) this.shared.add(this.m.mem, eip, insns);
    return insns;
  }

  /** The instructions of the block decoded at eip, while its pages have not been written since. */
  liveInsns(eip: number): Insn[] | undefined {
    const b = this.blocks.get(eip);
    return b?.live ? b.insns : undefined;
  }

  /** Offers every live block decoded so far to the shared table (sharing has just started). */
  share(): void {
    for (const b of this.blocks.values()) if (b.live) this.shared?.add(this.m.mem, b.start, b.insns);
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
    const f = this.front[eip & FRONT_MASK];
    const block = f !== null && f.start === eip && f.live ? f : (this.blocks.get(eip) ?? this.build(eip));
    this.front[eip & FRONT_MASK] = block;
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
      const execs = block.execs, insns = block.insns, ne = execs.length;
      m.next = block.end;
      for (; k < ne; k++) {
        execs[k](m, insns[k]);
        if (m.smc) {
          // Only the last executor can stand for two instructions, and a fused pair never stores.
          m.smc = false;
          k++;
          if (k < block.n) m.next = insns[k].addr;
          this.retired += k;
          return m.next;
        }
      }
      this.retired += block.n;
      return m.next;
    } catch (e) {
      if (e instanceof GuestFault) {
        this.retired += k;
        m.s[S_EIP] = block?.insns[k]?.addr ?? eip;
      } else if (e instanceof GuestExit || e instanceof GuestPause) {
        this.retired += k + 1;
      }
      throw e;
    }
  }
}
