/**
 * The interpreter's execution context: CPU views, memory, and the
 * size-generic operand access every executor uses. Operand kinds come from
 * the ISA description (table.ts K_*), sizes are indices 0/1/2 = 8/16/32 bits.
 *
 * Values: 8- and 16-bit reads are zero-extended; 32-bit reads are int32.
 * Writes take any int and keep the low bits. An executor reads every source
 * before it writes anything, so a fault leaves the state as it was.
 */
import { K_ACC, K_CL, K_DX, K_E, K_FIXED_SREG, K_G, K_IMM, K_MOFFS, K_ONE, K_SREG, K_Z } from "../isa/table.ts";
import type { Insn } from "../isa/decode.ts";
import { PAGE_CODE, PROT_READ, PROT_WRITE, S_SEGBASE, S_SEL, R_ECX, R_EDX } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import type { Cpu } from "./cpu.ts";
import { Fpu } from "./fpu.ts";
import { Sse } from "./sse.ts";

/** Byte offset in the register file of 8-bit register r (AL CL DL BL AH CH DH BH). */
const BYTE_OFF = [0, 4, 8, 12, 1, 5, 9, 13];
const FIXED_SREG: Record<string, number> = { ES: 0, CS: 1, SS: 2, DS: 3, FS: 4, GS: 5 };
const WRITABLE = PROT_WRITE | PAGE_CODE;

declare module "../isa/decode.ts" {
  /** Executors run on the Machine: decode.ts's opaque executor context, made precise. */
  interface ExecContext extends Machine {}
}

export interface SyscallHost {
  syscall(): void;
  /**
   * A synchronous fault (signal sig, at data address addr for SIGSEGV/SIGBUS, EIP at the faulting
   * instruction): whether the guest's handler for it was entered; false when the fault ends the guest.
   */
  fault?(sig: number, addr: number): boolean;
  /** Between blocks, EIP the next one's (now: ms, performance.now): timers that have come due deliver their signals. */
  tick?(now: number): void;
}

export class Machine {
  readonly s: Int32Array;
  readonly b: Uint8Array;
  readonly w: Uint16Array;
  /** Address of the memory operand last read by get(), for the write of a read-modify-write. */
  addr = 0;
  /** EIP after the current instruction; branches overwrite it. */
  next = 0;
  /** Set when a store hit a page with cached code: the current block must end. */
  smc = false;
  host: SyscallHost = { syscall() {} };
  /** Milliseconds spent in system calls (int 0x80): work no tier can speed up, which adaptive staging leaves out. */
  syscallMs = 0;
  /** Direct views for the fast paths below (the memory never grows, so they stay valid). */
  readonly perm: Uint8Array;
  readonly dv: DataView;
  readonly u8: Uint8Array;
  /** The x87 and SSE state, views of the concealed register file like cpu's. */
  readonly fpu: Fpu;
  readonly sse: Sse;

  constructor(readonly cpu: Cpu, readonly mem: Memory) {
    this.s = cpu.s;
    this.b = cpu.b;
    this.w = cpu.w;
    this.perm = mem.perm;
    this.dv = mem.dv;
    this.u8 = mem.u8;
    this.fpu = new Fpu(mem.wasm.buffer);
    this.sse = new Sse(mem.wasm.buffer);
  }

  // ---- fixed-size guest accesses: an inline fast path for the common case
  // (readable/plainly writable page, no page crossing), Memory's checked
  // path for everything else (faults, page crossings, code-page stores) ----

  ld32(addr: number): number {
    const a = addr >>> 0;
    if ((a & 0xfff) <= 0xffc && (this.perm[a >>> 12] & PROT_READ) !== 0) return this.dv.getInt32(a, true);
    return this.mem.read32(a);
  }

  ld16(addr: number): number {
    const a = addr >>> 0;
    if ((a & 0xfff) <= 0xffe && (this.perm[a >>> 12] & PROT_READ) !== 0) return this.dv.getUint16(a, true);
    return this.mem.read16(a);
  }

  ld8(addr: number): number {
    const a = addr >>> 0;
    if ((this.perm[a >>> 12] & PROT_READ) !== 0) return this.u8[a];
    return this.mem.read8(a);
  }

  st32(addr: number, v: number): void {
    const a = addr >>> 0;
    if ((a & 0xfff) <= 0xffc && (this.perm[a >>> 12] & WRITABLE) === PROT_WRITE) this.dv.setInt32(a, v, true);
    else this.mem.write32(a, v);
  }

  st16(addr: number, v: number): void {
    const a = addr >>> 0;
    if ((a & 0xfff) <= 0xffe && (this.perm[a >>> 12] & WRITABLE) === PROT_WRITE) this.dv.setUint16(a, v, true);
    else this.mem.write16(a, v);
  }

  st8(addr: number, v: number): void {
    const a = addr >>> 0;
    if ((this.perm[a >>> 12] & WRITABLE) === PROT_WRITE) this.u8[a] = v;
    else this.mem.write8(a, v);
  }

  reg(sz: number, r: number): number {
    return sz === 2 ? this.s[r] : sz === 1 ? this.w[r << 1] : this.b[BYTE_OFF[r]];
  }

  setReg(sz: number, r: number, v: number): void {
    if (sz === 2) this.s[r] = v;
    else if (sz === 1) this.w[r << 1] = v;
    else this.b[BYTE_OFF[r]] = v;
  }

  load(sz: number, a: number): number {
    return sz === 2 ? this.ld32(a) : sz === 1 ? this.ld16(a) : this.ld8(a);
  }

  store(sz: number, a: number, v: number): void {
    if (sz === 2) this.st32(a, v);
    else if (sz === 1) this.st16(a, v);
    else this.st8(a, v);
  }

  /** Effective address of the ModRM memory operand, segment base included. */
  ea(i: Insn): number {
    let a = i.disp;
    if (i.base >= 0) a += this.s[i.base];
    if (i.index >= 0) a += this.s[i.index] << i.scale;
    if (i.asz16) a &= 0xffff;
    if (i.seg >= 4) a += this.s[S_SEGBASE + i.seg];
    return a | 0;
  }

  /** Reads operand n's value (kind k) at size sz; remembers a memory operand's address. */
  get(i: Insn, k: number, sz: number): number {
    switch (k) {
      case K_E:
        if (i.mod === 3) return this.reg(sz, i.rm);
        this.addr = this.ea(i);
        return this.load(sz, this.addr);
      case K_G: return this.reg(sz, i.reg);
      case K_Z: return this.reg(sz, i.rm);
      case K_ACC: return this.reg(sz, 0);
      case K_IMM: return i.imm;
      case K_MOFFS:
        this.addr = this.moffs(i);
        return this.load(sz, this.addr);
      case K_CL: return this.s[R_ECX] & 0xff;
      case K_ONE: return 1;
      case K_DX: return this.s[R_EDX] & 0xffff;
      case K_SREG: return this.s[S_SEL + i.reg] & 0xffff;
      case K_FIXED_SREG: return this.s[S_SEL + FIXED_SREG[i.row.ops[0]]] & 0xffff;
    }
    throw new Error(`operand kind ${k} has no value (${i.row.mnem})`);
  }

  /** Writes operand kind k; a memory operand is addressed afresh. */
  put(i: Insn, k: number, sz: number, v: number): void {
    if (k === K_E && i.mod !== 3) this.store(sz, this.ea(i), v);
    else if (k === K_MOFFS) this.store(sz, this.moffs(i), v);
    else this.update(i, k, sz, v);
  }

  /** Writes back operand kind k after get(): a memory operand reuses the address get() computed. */
  update(i: Insn, k: number, sz: number, v: number): void {
    switch (k) {
      case K_E:
        if (i.mod === 3) this.setReg(sz, i.rm, v);
        else this.store(sz, this.addr, v);
        return;
      case K_G: this.setReg(sz, i.reg, v); return;
      case K_Z: this.setReg(sz, i.rm, v); return;
      case K_ACC: this.setReg(sz, 0, v); return;
      case K_MOFFS: this.store(sz, this.addr, v); return;
    }
    throw new Error(`operand kind ${k} is not writable (${i.row.mnem})`);
  }

  private moffs(i: Insn): number {
    let a = i.asz16 ? i.disp & 0xffff : i.disp;
    if (i.seg >= 4) a += this.s[S_SEGBASE + i.seg];
    return a | 0;
  }
}
