/**
 * The x87 precision models (`cdvm run --x87 f80|f64`): what a register value
 * is and how the value-level operations compute it. The executors
 * (exec/x87.ts) are written once against X87Model — operand fetch, stack,
 * tags, status word, stack faults and the x87's special-case tables are
 * theirs — and take the machine's model from its Fpu (fpu.ts), chosen once
 * at start (setX87Model). Both models keep the register file in the 80-bit
 * format, so fnsave/fxsave, fnstenv and every tier see the same state.
 *
 *   f80  x87-f80.ts  values are F80 (float80.ts): exact extended arithmetic
 *                    with BigInt significands, RC and PC honoured (default)
 *   f64  x87-f64.ts  values are IEEE doubles computed with JS arithmetic
 *
 * fpu.ts's header says what each model does and where they differ.
 */
import { f80Model } from "./x87-f80.ts";
import { f64Model } from "./x87-f64.ts";

/**
 * Value-level operations of a model; V is its register value (the executors
 * only pass values between a model's operations). Conversions
 * and operations raise the IEEE flags in float80.ts's status.exc (and set
 * status.up for C1) as the instruction would. hi and lo are the high and low
 * 32 bits of a 64-bit significand or integer, se the sign|exponent word.
 */
export interface X87Model<V> {
  /** A register or m80 value from its 80-bit encoding (also the constants fld1, fldpi, ...). */
  fromBits(se: number, hi: number, lo: number): V;
  /** The 80-bit encoding of v: out[o] = low significand word, out[o + 1] = high, out[o + 2] = sign|exponent. */
  toBits(v: V, out: Int32Array, o: number): void;
  /** Loads of m32 and m64 (an SNaN raises IE and is quieted, a denormal raises DE). */
  fromF32(bits: number): V;
  fromF64(hi: number, lo: number): V;
  /** Loads of m16/m32 integers (any |n| < 2^53) and of m64 integers. */
  fromInt(n: number): V;
  fromI64(hi: number, lo: number): V;
  /** fbld's packed BCD value (at most 18 digits). */
  fromBigInt(n: bigint): V;
  /** Stores to m32 (the bits) and m64 (out[0] = low word, out[1] = high) with rounding control rc. */
  toF32(v: V, rc: number): number;
  toF64(v: V, rc: number, out: Int32Array): void;
  /** fist: v rounded per rc into a bits-wide integer (out[0] low word, out[1] high); false when invalid (IE raised). */
  toInt(v: V, rc: number, bits: number, out: Int32Array): boolean;
  /** fbstp: v rounded per rc to an integer, undefined when invalid (IE raised). */
  toBigInt(v: V, rc: number): bigint | undefined;

  /** float80.ts CLS_* class, sign bit, and whether v is an extended denormal (an operand that raises DE). */
  cls(v: V): number;
  sign(v: V): number;
  denormal(v: V): boolean;
  /** For finite v: -1, 0 or 1 as |v| is below, equal to or above 2^k. */
  cmpAbs(v: V, k: number): number;
  /** 0 equal, -1 a < b, 1 a > b, 2 unordered; raises nothing. */
  compare(a: V, b: V): number;
  zero(s: number): V;
  inf(s: number): V;
  readonly one: V;
  /** The default QNaN (invalid operations, stack faults). */
  readonly indefinite: V;
  /** The NaN result of NaN operand(s): quieted, the larger significand of two; an SNaN raises IE. */
  propagate(a: V, b?: V): V;

  /** The arithmetic of d8-de: a op b (subr: b - a, divr: b / a) at precision p (24/53/64 bits) and rounding control rc. */
  add(a: V, b: V, p: number, rc: number): V;
  sub(a: V, b: V, p: number, rc: number): V;
  subr(a: V, b: V, p: number, rc: number): V;
  mul(a: V, b: V, p: number, rc: number): V;
  div(a: V, b: V, p: number, rc: number): V;
  divr(a: V, b: V, p: number, rc: number): V;
  sqrt(v: V, p: number, rc: number): V;
  /** frndint. */
  roundInt(v: V, rc: number): V;
  chs(v: V): V;
  abs(v: V): V;
  /** fscale of a finite nonzero v by a finite or zero s1 (the executor handles the other classes). */
  scale(v: V, s1: V, rc: number): V;
  /** fxtract of a finite nonzero v: the unbiased exponent, and the significand with v's sign and exponent 0. */
  exponent(v: V): V;
  significand(v: V): V;
  /** fprem (nearest: fprem1) of any operands: the remainder, the quotient's low 3 bits and C2 (incomplete). */
  prem(a: V, b: V, nearest: boolean): { r: V; q: number; partial: boolean };
  /** fn(v) through a float64 Math function (fsin, fcos, fptan, fsincos); NaN in, NaN out; a NaN result is invalid. */
  viaMath(v: V, fn: (x: number) => number): V;
  /** 2^v - 1 for finite nonzero |v| <= 1 (f2xm1; the executor raises PE). */
  exp2m1(v: V, rc: number): V;
  /** y * log2(x) (plus1: log2(1 + x)) for non-NaN operands (fyl2x, fyl2xp1). */
  ylog2x(y: V, x: V, plus1: boolean, rc: number): V;
  /** atan2(y, x) for non-NaN operands (fpatan). */
  atan2(y: V, x: V, rc: number): V;
}

/** The models by name; `--x87` takes one of these. */
export const X87_MODELS: Record<"f80" | "f64", X87Model<unknown>> = { f80: f80Model, f64: f64Model };
export type X87ModelName = keyof typeof X87_MODELS;
export const X87_MODEL_NAMES = Object.keys(X87_MODELS) as X87ModelName[];
/** Fidelity to native comes first: the exact model is the default (papers/lab-notes.md, "x87 precision models"). */
export const DEFAULT_X87_MODEL: X87ModelName = "f80";
