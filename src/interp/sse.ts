/**
 * The SSE state and the operand access every SSE executor uses. The state
 * lives in the concealed register file at XMM_OFF so every tier sees it:
 *
 *   0x00  XMM0..XMM7, 16 bytes each, lanes little-endian (byte 0 = lane 0)
 *   0x80  MXCSR XOR 0x1f80 (u32): zero-filled memory reads as the reset value
 *
 * Executors take a 128-bit value as four dwords in a scratch Int32Array
 * (no allocation per instruction) and read every source before writing
 * anything, so a fault leaves the state as it was. Operand roles follow the SDM letters of the ISA rows:
 * V (ModRM.reg) is an XMM register, W/U an XMM register or memory (ModRM.rm),
 * G/E general registers or memory. The MMX forms of the same mnemonics (no
 * mandatory prefix, P/Q/N operands) use the MMX registers, which are the x87
 * registers' significands (getVec, putVec, loadSrc choose by the row).
 */
import type { Insn } from "../isa/decode.ts";
import { formatInsn } from "../isa/disasm.ts";
import { GuestFault, SIGSEGV } from "../core/fault.ts";
import { PAGE_CODE, PROT_WRITE, XMM_MXCSR as MXCSR, XMM_OFF, XMM_SIZE } from "../core/layout.ts";
import type { Fpu } from "./fpu.ts";
import type { Machine } from "./machine.ts";

const MXCSR_DEFAULT = 0x1f80;
/** MXCSR bits a guest may set (fxsave reports it as MXCSR_MASK); others make ldmxcsr fault. */
export const MXCSR_MASK = 0xffff;

export class Sse {
  /** The XMM registers and MXCSR as bytes and as a DataView (little-endian accessors). */
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** The XMM registers as dwords: XMM r is i32[4r .. 4r+3]. */
  readonly i32: Int32Array;

  constructor(buf: ArrayBufferLike) {
    this.u8 = new Uint8Array(buf, XMM_OFF, XMM_SIZE);
    this.dv = new DataView(buf, XMM_OFF, XMM_SIZE);
    this.i32 = new Int32Array(buf, XMM_OFF, XMM_SIZE >> 2);
  }

  get mxcsr(): number { return (this.dv.getUint32(MXCSR, true) ^ MXCSR_DEFAULT) >>> 0; }
  set mxcsr(v: number) { this.dv.setUint32(MXCSR, (v ^ MXCSR_DEFAULT) >>> 0, true); }
}

// ---- MMX registers -------------------------------------------------------------
// MMX register r is the 64-bit significand of x87 physical register r. An MMX instruction other
// than emms sets TOP to 0 and tags every register valid; writing one sets its exponent and sign
// (bits 64-79) to all ones, as the hardware does.

/** The state every MMX instruction but emms leaves the x87 unit in. */
export function enterMmx(f: Fpu): void {
  f.top = 0;
  for (let p = 0; p < 8; p++) f.setTag(p, true);
}

/** Copies MMX register r into the dwords d[0..1], zeroing d[2..3] (no allocation). */
export function getMm(f: Fpu, r: number, d: Int32Array): void {
  const x = f.i32, o = r << 2;
  d[0] = x[o]; d[1] = x[o + 1]; d[2] = 0; d[3] = 0;
}

/** Copies the dwords v[0..1] into MMX register r. */
export function putMm(f: Fpu, r: number, v: Int32Array): void {
  const x = f.i32, o = r << 2;
  x[o] = v[0]; x[o + 1] = v[1];
  f.u16[(r << 3) + 4] = 0xffff;
}

/** The destination register (P/V, ModRM.reg, or rm for the N/U,Ib shifts) into d: MMX or XMM by the row. */
export function getVec(m: Machine, i: Insn, r: number, d: Int32Array): void {
  if (i.row.mmx) getMm(m.fpu, r, d);
  else getXmm(m.sse, r, d);
}

/** Writes v to the destination register r; for MMX also the x87 state every MMX instruction leaves. */
export function putVec(m: Machine, i: Insn, r: number, v: Int32Array): void {
  if (!i.row.mmx) return putXmm(m.sse, r, v);
  putMm(m.fpu, r, v);
  enterMmx(m.fpu);
}

/**
 * The source (W/Q, ModRM.rm) into d: a register, or n bytes of memory zero-extended (an MMX
 * source is 8 bytes and never alignment-checked; align: see loadBytes).
 */
export function loadSrc(m: Machine, i: Insn, d: Int32Array, n: number, align = false): void {
  if (!i.row.mmx) return loadW(m, m.sse, i, d, n, align);
  if (i.mod === 3) return getMm(m.fpu, i.rm, d);
  d.fill(0);
  loadDwords(m, i, m.ea(i), d, 0, Math.min(n, 8));
}

/** The #GP (SIGSEGV) of a 16-byte operand that must be aligned and is not. */
export function checkAlign(i: Insn, a: number): void {
  if ((a & 15) !== 0) throw new GuestFault(SIGSEGV, a, `misaligned 16-byte operand of '${formatInsn(i)}'`);
}

/** Reads n bytes of guest memory at a, faulting like the hardware (SIGSEGV; #GP when align and a is misaligned). */
export function loadBytes(m: Machine, i: Insn, a: number, n: number, align = false): Uint8Array {
  if (align) checkAlign(i, a);
  const b = m.mem.readBytes(a, n);
  if (!b) throw new GuestFault(SIGSEGV, a, "SSE load");
  return b;
}

/** Writes bytes to guest memory at a (SIGSEGV when not writable; #GP when align and a is misaligned). */
export function storeBytes(m: Machine, i: Insn, a: number, data: Uint8Array, align = false): void {
  if (align) checkAlign(i, a);
  if (!m.mem.writeBytes(a, data)) throw new GuestFault(SIGSEGV, a, "SSE store"); // invalidates code it overwrites
}

/** Loads n bytes (4, 8 or 16) of guest memory at a into the dwords d[o ..] without allocating (align: see loadBytes). */
export function loadDwords(m: Machine, i: Insn, a: number, d: Int32Array, o: number, n: number, align = false): void {
  if (align) checkAlign(i, a);
  const x = m.ld32(a), y = n > 4 ? m.ld32(a + 4) : 0; // every load before any write
  if (n > 8) {
    const z = m.ld32(a + 8), w = m.ld32(a + 12);
    d[o + 2] = z; d[o + 3] = w;
  }
  d[o] = x;
  if (n > 4) d[o + 1] = y;
}

/** Stores the dwords s[o ..] as n bytes (4, 8 or 16) at a, all or nothing (align: see storeBytes). */
export function storeDwords(m: Machine, i: Insn, a: number, s: Int32Array, o: number, n: number, align = false): void {
  if (align) checkAlign(i, a);
  const p = a >>> 0;
  if ((p & 0xfff) <= 0x1000 - n && (m.perm[p >>> 12] & (PROT_WRITE | PAGE_CODE)) === PROT_WRITE) {
    for (let k = 0; k < n >> 2; k++) m.dv.setInt32(p + 4 * k, s[o + k], true);
  } else storeBytes(m, i, a, new Uint8Array(s.buffer, s.byteOffset + 4 * o, n));
}

/** Copies XMM register r into the dwords d (no allocation). */
export function getXmm(s: Sse, r: number, d: Int32Array): void {
  const x = s.i32, o = r << 2;
  d[0] = x[o]; d[1] = x[o + 1]; d[2] = x[o + 2]; d[3] = x[o + 3];
}

/** Copies the dwords v into XMM register r. */
export function putXmm(s: Sse, r: number, v: Int32Array): void {
  const x = s.i32, o = r << 2;
  x[o] = v[0]; x[o + 1] = v[1]; x[o + 2] = v[2]; x[o + 3] = v[3];
}

/** The W/U (ModRM.rm) source into the dwords d: the whole register, or n bytes of memory zero-extended (align: see loadBytes). */
export function loadW(m: Machine, s: Sse, i: Insn, d: Int32Array, n: number, align = false): void {
  if (i.mod === 3) return getXmm(s, i.rm, d);
  if (n < 16) d.fill(0);
  loadDwords(m, i, m.ea(i), d, 0, n, align);
}
