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
import { decode, DecodeError, type Insn } from "../isa/decode.ts";
import { GuestExit, GuestFault, SIGILL, SIGSEGV } from "../vmm/fault.ts";
import { PAGE_CODE, PAGE_SHIFT, PROT_EXEC, S_EIP } from "../vmm/layout.ts";
import { executorFor } from "./dispatch.ts";
import type { Machine } from "./machine.ts";

const MAX_BLOCK = 64;

interface Block {
  readonly insns: Insn[];
}

export class Interpreter {
  private readonly blocks = new Map<number, Block>();
  private readonly pageBlocks = new Map<number, number[]>();
  retired = 0;
  blocksDecoded = 0;
  invalidations = 0;

  constructor(readonly m: Machine) {
    m.mem.onCodeWrite = (page) => this.invalidatePage(page);
  }

  private invalidatePage(page: number): void {
    for (const start of this.pageBlocks.get(page) ?? []) this.blocks.delete(start);
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
      insn.exec = executorFor(insn.row);
      insns.push(insn);
      a = insn.next;
      if (insn.row.attrs.has("stop") || insn.row.attrs.has("jump") || insn.row.attrs.has("call")) break;
    }
    const block = { insns };
    this.blocks.set(eip, block);
    this.blocksDecoded++;
    const last = insns[insns.length - 1];
    for (let p = eip >>> PAGE_SHIFT; p <= ((last.addr + last.len - 1) >>> PAGE_SHIFT); p++) {
      this.m.mem.perm[p] |= PAGE_CODE;
      const list = this.pageBlocks.get(p);
      if (list) list.push(eip);
      else this.pageBlocks.set(p, [eip]);
    }
    return block;
  }

  /**
   * Runs the block at eip once and returns the EIP after it. Retired counts
   * stay exact: a GuestFault leaves S_EIP at the faulting instruction and
   * excludes it; a GuestExit (from a syscall) includes the syscall.
   */
  runBlock(eip: number): number {
    const m = this.m;
    let insns: Insn[] | undefined;
    let k = 0;
    try {
      insns = (this.blocks.get(eip) ?? this.build(eip)).insns;
      const n = insns.length;
      for (; k < n; k++) {
        const ins = insns[k];
        m.next = ins.next;
        ins.exec!(m, ins);
        if (m.smc) { m.smc = false; k++; break; }
      }
      this.retired += k;
      return m.next;
    } catch (e) {
      if (e instanceof GuestFault) {
        this.retired += k;
        m.s[S_EIP] = insns?.[k]?.addr ?? eip;
      } else if (e instanceof GuestExit) {
        this.retired += k + 1;
      }
      throw e;
    }
  }
}
