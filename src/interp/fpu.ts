/**
 * The x87 FPU state, kept in the concealed register file at FPU_OFF so that
 * every tier sees the same state. Byte layout from FPU_OFF:
 *
 *   0x00  R0..R7, the physical data registers, 16 bytes each: significand
 *         low u32, significand high u32, sign|exponent u16 (80-bit format)
 *   0x80  control word XOR 0x037f (u16): zero-filled memory reads as 0x037f
 *   0x84  status word without TOP (u16): IE DE ZE OE UE PE SF, C0-C3; ES and
 *         B are derived when read (ES = an unmasked exception is pending)
 *   0x88  TOP (u32)
 *   0x8c  tags, one byte per physical register: 0 empty, 1 in use; the
 *         2-bit tag word of fnstenv is derived from the register contents
 *   0x94  FIP (last non-control instruction), 0x98 FCS u16, 0x9a FOP u16
 *         (11-bit opcode), 0x9c FDP (its memory operand), 0xa0 FDS u16
 *
 * All-zero memory is exactly the fninit state (CW 0x037f, TOP 0, all empty),
 * which is what Linux gives a new process.
 *
 * Precision model: values are true 80-bit extended; add/sub/mul/div/sqrt,
 * fprem, frndint, fscale, integer and format conversions are exact and
 * correctly rounded per the control word's RC and PC (float80.ts, BigInt
 * significands), with the IEEE status flags and C1 (rounded up) as hardware
 * sets them. Loads and stores of m32/m64/m80 and integers are bit-exact.
 * f2xm1, fyl2x, fyl2xp1 and fpatan are evaluated in >= 160-bit fixed point
 * and rounded once (so glibc's x87 exp/log/pow/atan2 match native bit for
 * bit in the tests); the x87 itself is not always correctly rounded there,
 * so a 64-bit result can differ from hardware by 1 ulp (a few percent of
 * operands in the x87_ops sweep; none of them visible after rounding to double).
 * Out-of-domain inputs reproduce what the hardware does (f2xm1 |x| > 1
 * leaves x; fyl2xp1 x < -1 leaves x). fsin fcos fsincos fptan use float64
 * Math (about 2^-53 relative instead of 2^-63; glibc's sin/cos/tan do not
 * use them, sinl/cosl/tanl do). Exceptions are flagged as if masked; an unmasked one
 * raises SIGFPE at the next x87 instruction (or fwait), as #MF would.
 */
import { FPU_OFF } from "../vmm/layout.ts";
import type { Machine } from "./machine.ts";
import { cls, CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN, CLS_ZERO, INDEFINITE, IE, SF, type F80 } from "./float80.ts";

const CW = 0x80, SW = 0x84, TOP = 0x88, TAG = 0x8c;
export const FIP = 0x94, FCS = 0x98, FOP = 0x9a, FDP = 0x9c, FDS = 0xa0;
export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
export const CW_DEFAULT = 0x037f;

export class Fpu {
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;

  constructor(buf: ArrayBufferLike) {
    this.i32 = new Int32Array(buf, FPU_OFF, 64);
    this.u16 = new Uint16Array(buf, FPU_OFF, 128);
    this.u8 = new Uint8Array(buf, FPU_OFF, 256);
  }

  get cw(): number { return this.u16[CW >> 1] ^ CW_DEFAULT; }
  set cw(v: number) { this.u16[CW >> 1] = (v & 0x1f7f | 0x40) ^ CW_DEFAULT; }
  /** Status word bits other than TOP, ES and B. */
  get sw(): number { return this.u16[SW >> 1]; }
  set sw(v: number) { this.u16[SW >> 1] = v & 0x477f; }
  get top(): number { return this.i32[TOP >> 2]; }
  set top(v: number) { this.i32[TOP >> 2] = v & 7; }

  /** The architectural status word (fnstsw). */
  get status(): number {
    const sw = this.sw, es = sw & ~this.cw & 0x3f ? 0x8080 : 0;
    return (sw & 0x477f) | (this.top << 11) | es;
  }
  set status(v: number) {
    this.sw = v;
    this.top = (v >> 11) & 7;
  }

  phys(i: number): number { return (this.top + i) & 7; }
  isEmpty(i: number): boolean { return this.u8[TAG + ((this.top + i) & 7)] === 0; }
  physEmpty(p: number): boolean { return this.u8[TAG + p] === 0; }
  setTag(p: number, used: boolean): void { this.u8[TAG + p] = used ? 1 : 0; }

  /** Physical register p as F80. */
  readPhys(p: number): F80 {
    const o = p << 2, se = this.u16[(p << 3) + 4];
    const m = (BigInt(this.i32[o + 1] >>> 0) << 32n) | BigInt(this.i32[o] >>> 0);
    return { s: se >>> 15, e: se & 0x7fff, m };
  }

  writePhys(p: number, v: F80): void {
    const o = p << 2;
    this.i32[o] = Number(v.m & 0xffffffffn);
    this.i32[o + 1] = Number(v.m >> 32n);
    this.u16[(p << 3) + 4] = (v.s << 15) | v.e;
  }

  /** ST(i); an empty register is a stack underflow (IE|SF, C1=0) and reads as the indefinite QNaN. */
  st(i: number, fx: { exc: number }): F80 {
    const p = (this.top + i) & 7;
    if (this.u8[TAG + p] === 0) { fx.exc |= IE | SF; return INDEFINITE; }
    return this.readPhys(p);
  }

  set(i: number, v: F80): void {
    const p = (this.top + i) & 7;
    this.writePhys(p, v);
    this.u8[TAG + p] = 1;
  }

  /** Pushes v; pushing onto a used register is a stack overflow (IE|SF, C1=1) and pushes the indefinite. */
  push(v: F80, fx: { exc: number; up: boolean }): void {
    const t = (this.top - 1) & 7;
    this.top = t;
    if (this.u8[TAG + t] !== 0) { fx.exc |= IE | SF; fx.up = true; v = INDEFINITE; }
    this.writePhys(t, v);
    this.u8[TAG + t] = 1;
  }

  pop(): void {
    const t = this.top;
    this.u8[TAG + t] = 0;
    this.top = t + 1;
  }

  /** fninit: default control word, everything else cleared, all registers empty. */
  init(): void {
    this.u16.fill(0, CW >> 1, (FDS >> 1) + 1);
    this.u8.fill(0, TAG, TAG + 8);
  }

  /** The 2-bit tag of physical register p: 0 valid, 1 zero, 2 special, 3 empty. */
  fullTag(p: number): number {
    if (this.physEmpty(p)) return 3;
    const v = this.readPhys(p), c = cls(v);
    if (c === CLS_ZERO) return 1;
    if (c === CLS_FINITE && v.e !== 0) return 0;
    return 2;
  }

  tagWord(): number {
    let tw = 0;
    for (let p = 0; p < 8; p++) tw |= this.fullTag(p) << (2 * p);
    return tw;
  }

  /** Loads a full tag word: only "empty" versus "in use" is kept. */
  setTagWord(tw: number): void {
    for (let p = 0; p < 8; p++) this.setTag(p, ((tw >> (2 * p)) & 3) !== 3);
  }
}

/** fxam class bits: C3 C2 C0 (C1 = sign is added by the caller). */
export function fxamClass(f: Fpu): number {
  if (f.isEmpty(0)) return C3 | C0;
  const v = f.readPhys(f.phys(0));
  switch (cls(v)) {
    case CLS_ZERO: return C3;
    case CLS_INF: return C2 | C0;
    case CLS_QNAN: case CLS_SNAN: return C0;
    case CLS_FINITE: return v.e === 0 ? C3 | C2 : C2;
  }
  return 0;
}

interface WithFpu { fpu?: Fpu }

/** The FPU view of a machine (created on first use). */
export function fpuOf(m: Machine): Fpu {
  const w = m as unknown as WithFpu;
  return w.fpu ?? (w.fpu = new Fpu(m.mem.wasm.buffer));
}
