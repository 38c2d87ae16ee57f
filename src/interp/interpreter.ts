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
 * the retired count excluding it; the process ends with 128+signal.
 */
import { decode, DecodeError, type Insn } from "../isa/decode.ts";
import { GuestExit, GuestFault, SIGILL, SIGSEGV } from "../vmm/fault.ts";
import { PAGE_CODE, PAGE_SHIFT, PROT_EXEC, S_EIP } from "../vmm/layout.ts";
import { EXIT_INSN_LIMIT } from "../vmm/status.ts";
import { executorFor } from "./dispatch.ts";
import type { Machine } from "./machine.ts";
import { signalName } from "./signals.ts";

const MAX_BLOCK = 64;

interface Block {
  readonly insns: Insn[];
}

export interface InterpreterOptions {
  maxInsns?: number;
  /** Where the one-line death report goes. */
  report?: (line: string) => void;
}

export class Interpreter {
  private readonly blocks = new Map<number, Block>();
  private readonly pageBlocks = new Map<number, number[]>();
  retired = 0;
  blocksDecoded = 0;
  invalidations = 0;

  constructor(readonly m: Machine, readonly opts: InterpreterOptions = {}) {
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

  /** Runs until the guest exits; returns its status (throws nothing the guest caused). */
  run(): number {
    const m = this.m, s = m.s;
    const limit = this.opts.maxInsns ?? Infinity;
    let eip = s[S_EIP] >>> 0;
    let insns: Insn[] = [];
    let k = 0;
    try {
      for (;;) {
        k = 0;
        insns = [];
        s[S_EIP] = eip;
        insns = (this.blocks.get(eip) ?? this.build(eip)).insns;
        const n = insns.length;
        for (; k < n; k++) {
          const ins = insns[k];
          m.next = ins.next;
          ins.exec!(m, ins);
          if (m.smc) { m.smc = false; k++; break; }
        }
        this.retired += k;
        eip = m.next;
        if (this.retired >= limit) {
          s[S_EIP] = eip;
          return this.die(EXIT_INSN_LIMIT, `cdvm: stopped after ${this.retired} guest instructions (--max-insns) at eip 0x${hex(eip)}`);
        }
      }
    } catch (e) {
      if (e instanceof GuestExit) {
        this.retired += k + 1;
        if (e.message) this.report(e.message);
        return e.status;
      }
      if (e instanceof GuestFault) {
        this.retired += k;
        const at = insns[k]?.addr ?? eip;
        s[S_EIP] = at;
        const where = e.signal === SIGSEGV ? `, address 0x${hex(e.addr)}` : "";
        return this.die(128 + e.signal, `cdvm: guest killed by ${signalName(e.signal)} at eip 0x${hex(at)}${where}: ${e.reason}`);
      }
      throw e;
    }
  }

  private die(status: number, line: string): number {
    this.report(line);
    return status;
  }

  private report(line: string): void {
    (this.opts.report ?? ((l: string) => process.stderr.write(l + "\n")))(line);
  }
}

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, "0");

