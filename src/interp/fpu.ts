/**
 * The x87 FPU state, kept in the concealed register file at FPU_OFF so that
 * every tier sees the same state. Byte layout from FPU_OFF (the offsets are
 * core/layout.ts's FPU_*):
 *
 *   0x00  R0..R7, the physical data registers, 16 bytes each: significand
 *         low u32, significand high u32, sign|exponent u16 (80-bit format;
 *         bytes 10-15 are zero)
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
 * Precision models (x87-model.ts; `cdvm run --x87 f80|f64`, chosen once per
 * run by setX87Model). The registers hold 80-bit encodings in both, so
 * fnsave/frstor, fxsave/fxrstor and fnstenv, tags, fxam, comparisons, the
 * status and control words, stack faults and SIGFPE work the same way (the
 * executors are shared); the models differ in what a value is and how it is
 * computed.
 *
 * f80, the default because fidelity to native comes first: values are true
 * 80-bit extended; add/sub/mul/div/sqrt, fprem, frndint, fscale, integer
 * and format conversions are exact and correctly rounded per the control
 * word's RC and PC (float80.ts, BigInt significands), with the IEEE status
 * flags and C1 (rounded up) as hardware sets them. Loads and stores of
 * m32/m64/m80 and integers are bit-exact.
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
 * Translated code computes the common cases of either model itself, with
 * the same results, flags and state (translate/backend-x87.ts).
 *
 * f64 (x87-f64.ts): every value is an IEEE double, as on an FPU with 64-bit
 * registers, computed with JavaScript arithmetic and no BigInt. Loads of
 * m32, m64 and 16/32-bit integers are exact; m80 loads (and 64-bit integers
 * beyond 2^53) round to nearest; stores to m80 write the double's exact
 * extended encoding. The arithmetic rounds to nearest: RC and PC are not
 * honoured (nor by fst to m32), except that frndint and fist/fistp/fisttp
 * round per RC, as C casts and rint need. IE, ZE, OE, UE, PE and C1 are
 * those of the double operation; DE comes only from denormal m32/m64 loads.
 * Transcendentals are Math's. It costs about a third of f80's CPU time on
 * x87-heavy programs and differs from native wherever a program relies on
 * extended intermediates (long double, glibc's exp/pow/cbrt/hyperbolics,
 * `seq 0.1 0.1 1`): papers/lab-notes.md, "x87 precision models", has the measurements
 * and tests/x87-models.test.ts records every divergence in the FP tests.
 */
import { FPU_CW as CW, FPU_FDS as FDS, FPU_OFF, FPU_SW as SW, FPU_TAG as TAG, FPU_TOP as TOP } from "../core/layout.ts";
import type { Machine } from "./machine.ts";
import { CLS_BAD, CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN, CLS_ZERO, IE, SF } from "./float80.ts";
import { DEFAULT_X87_MODEL, X87_MODELS, type X87Model, type X87ModelName } from "./x87-model.ts";

export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
export const CW_DEFAULT = 0x037f;

/** A register value of the machine's model (an F80 or a number): only the model looks inside. */
export type Value = unknown;

export class Fpu {
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
  /** The precision model register values are read, computed and written in. */
  model: X87Model<Value> = X87_MODELS[DEFAULT_X87_MODEL];

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

  /** Physical register p's value. */
  read(p: number): Value {
    return this.model.fromBits(this.u16[(p << 3) + 4], this.i32[(p << 2) + 1], this.i32[p << 2]);
  }

  /** Writes v to physical register p (bytes 10-11 of its slot become 0). */
  write(p: number, v: Value): void {
    this.model.toBits(v, this.i32, p << 2);
  }

  /** CLS_* class of physical register p, from its encoding. */
  physClass(p: number): number {
    const e = this.u16[(p << 3) + 4] & 0x7fff, hi = this.i32[(p << 2) + 1], lo = this.i32[p << 2];
    if (e === 0x7fff) {
      if (hi >= 0) return CLS_BAD;
      if (hi === (0x80000000 | 0) && lo === 0) return CLS_INF;
      return hi & 0x40000000 ? CLS_QNAN : CLS_SNAN;
    }
    if (e === 0) return hi === 0 && lo === 0 ? CLS_ZERO : CLS_FINITE;
    return hi < 0 ? CLS_FINITE : CLS_BAD;
  }

  /** ST(i); an empty register is a stack underflow (IE|SF, C1=0) and reads as the indefinite QNaN. */
  st(i: number, fx: { exc: number }): Value {
    const p = (this.top + i) & 7;
    if (this.u8[TAG + p] === 0) { fx.exc |= IE | SF; return this.model.indefinite; }
    return this.read(p);
  }

  set(i: number, v: Value): void {
    const p = (this.top + i) & 7;
    this.write(p, v);
    this.u8[TAG + p] = 1;
  }

  /** Pushes v; pushing onto a used register is a stack overflow (IE|SF, C1=1) and pushes the indefinite. */
  push(v: Value, fx: { exc: number; up: boolean }): void {
    const t = (this.top - 1) & 7;
    this.top = t;
    if (this.u8[TAG + t] !== 0) { fx.exc |= IE | SF; fx.up = true; v = this.model.indefinite; }
    this.write(t, v);
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
    const c = this.physClass(p);
    if (c === CLS_ZERO) return 1;
    if (c === CLS_FINITE && (this.u16[(p << 3) + 4] & 0x7fff) !== 0) return 0;
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
  const p = f.phys(0);
  switch (f.physClass(p)) {
    case CLS_ZERO: return C3;
    case CLS_INF: return C2 | C0;
    case CLS_QNAN: case CLS_SNAN: return C0;
    case CLS_FINITE: return (f.u16[(p << 3) + 4] & 0x7fff) === 0 ? C3 | C2 : C2;
  }
  return 0;
}

/** Chooses the machine's precision model; a run does it once, before the guest starts. */
export function setX87Model(m: Machine, name: X87ModelName): void {
  m.fpu.model = X87_MODELS[name];
}

/** The name of the machine's precision model (the translator's native x87 code computes in the same model). */
export function x87ModelOf(m: Machine): X87ModelName {
  const model = m.fpu.model;
  return (Object.keys(X87_MODELS) as X87ModelName[]).find((n) => X87_MODELS[n] === model)!;
}
