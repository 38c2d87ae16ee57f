/**
 * SSE floating-point numerics: the lane formats (float, double), the MXCSR
 * state of the running instruction, and the lane operations the executors
 * (exec/sse-float.ts, exec/sse-convert.ts) apply to vectors.
 *
 * Precision and rounding model. Results are bit-exact with hardware: rounded
 * per MXCSR.RC, NaNs by the SSE rules (the first source's NaN quieted, else
 * the second's; an invalid operation gives the default NaN, the negative
 * QNaN), the six exception flags as the SDM specifies them — tininess
 * detected after rounding, DE not raised when the lane's result is a NaN or
 * a division by zero.
 *  - Fast path, taken when MXCSR is the default (round to nearest, all
 *    exceptions masked, no FTZ/DAZ; the flags may be anything): JS doubles.
 *    A float result is the double result rounded by Math.fround, which is
 *    correctly rounded for + - * / sqrt because 53 >= 2*24 + 2 makes the
 *    double rounding innocuous; inexactness comes from error-free transforms
 *    (TwoSum; a float product is exact in a double; Dekker's product for
 *    doubles), tininess of a float from rounding the scaled double. Double
 *    operations whose exactness those cannot decide safely (tiny or huge
 *    operands and results) take the exact path.
 *  - Exact path (every other MXCSR): float80.ts's BigInt add/mul/div/sqrt,
 *    rounding straight into the float/double format with RC; DAZ reads
 *    denormal sources as signed zeros, FTZ turns tiny results into zeros
 *    with UE and PE, and an unmasked UE traps on exact tiny results too.
 * Unmasked exceptions set their flags and raise SIGFPE (#XM) before the
 * destination is written. rcp/rsqrt: see approxLane().
 */
import type { Insn } from "../isa/decode.ts";
import { GuestFault, SIGFPE } from "../core/fault.ts";
import {
  add, BIAS, cls, CLS_FINITE, DBL_EMAX, DBL_EMIN, DE, div, FLT_EMAX, FLT_EMIN, fromBigInt, fromF32Bits, fromF64Bits,
  fromNumber, IE, INDEFINITE, mul, norm, OE, PE, quiet, type F80, type Range, RC_DOWN, RC_NEAR, RC_UP, RC_ZERO,
  round, sqrt, status, toF32Bits, toF64Bits, UE, ZE,
} from "./float80.ts";
import type { Sse } from "./sse.ts";

const DAZ = 0x40, UM = 0x800, FTZ = 0x8000;
/** MXCSR without its flags on the fast path: RC nearest, all masked, no FTZ/DAZ. */
const FAST = 0x1f80;

/** The running instruction: its MXCSR, the controls derived from it, and the flags raised so far. */
const st = { mx: FAST, rc: RC_NEAR, daz: false, fast: true, exc: 0 };

/** Starts an SSE floating-point instruction. */
export function begin(sse: Sse): void {
  const mx = sse.mxcsr;
  st.mx = mx;
  st.rc = (mx >> 13) & 3;
  st.daz = (mx & DAZ) !== 0;
  st.fast = (mx & 0xffc0) === FAST;
  st.exc = 0;
}

/** Ends it: merges the flags raised into MXCSR; an unmasked one raises SIGFPE (#XM) so the destination stays. */
export function commit(sse: Sse, i: Insn): void {
  if (st.exc === 0) return;
  sse.mxcsr = st.mx | st.exc;
  const unmasked = st.exc & ~(st.mx >> 7) & 0x3f;
  if (unmasked) throw new GuestFault(SIGFPE, i.addr, `SIMD floating-point exception (MXCSR flags 0x${unmasked.toString(16)} unmasked)`);
}

// ---- lane formats ----------------------------------------------------------

/** Lane classes: zero, normal or infinity; denormal; quiet and signaling NaN. */
const NUM = 0, DEN = 1, QNAN = 2, SNAN = 3;

export interface Fmt {
  /** Lane width in bytes. */
  readonly w: 4 | 8;
  /** Significand bits and exponent range. */
  readonly p: number;
  readonly range: Range;
  kind(d: DataView, o: number): number;
  get(d: DataView, o: number): number;
  set(d: DataView, o: number, x: number): void;
  f80(d: DataView, o: number): F80;
  setF80(d: DataView, o: number, v: F80): void;
}

export const F32: Fmt = {
  w: 4, p: 24, range: { emin: FLT_EMIN, emax: FLT_EMAX },
  kind(d, o) {
    const a = d.getUint32(o, true) & 0x7fffffff;
    if (a > 0x7f800000) return a & 0x400000 ? QNAN : SNAN;
    return a !== 0 && a < 0x800000 ? DEN : NUM;
  },
  get: (d, o) => d.getFloat32(o, true),
  set: (d, o, x) => d.setFloat32(o, x, true),
  f80: (d, o) => fromF32Bits(d.getUint32(o, true)),
  setF80: (d, o, v) => d.setUint32(o, toF32Bits(v), true),
};

export const F64: Fmt = {
  w: 8, p: 53, range: { emin: DBL_EMIN, emax: DBL_EMAX },
  kind(d, o) {
    const h = d.getUint32(o + 4, true) & 0x7fffffff, l = d.getUint32(o, true);
    if (h > 0x7ff00000 || (h === 0x7ff00000 && l !== 0)) return h & 0x80000 ? QNAN : SNAN;
    return h < 0x100000 && (h | l) !== 0 ? DEN : NUM;
  },
  get: (d, o) => d.getFloat64(o, true),
  set: (d, o, x) => d.setFloat64(o, x, true),
  f80: (d, o) => fromF64Bits(d.getUint32(o + 4, true), d.getUint32(o, true)),
  setF80(d, o, v) {
    const b = toF64Bits(v);
    d.setUint32(o, Number(b & 0xffffffffn), true);
    d.setUint32(o + 4, Number(b >> 32n), true);
  },
};

/** The value of a non-NaN lane of class k: a denormal reads as a signed zero under DAZ. */
function val(f: Fmt, d: DataView, o: number, k: number): number {
  const x = f.get(d, o);
  return k === DEN && st.daz ? (x < 0 ? -0 : 0) : x;
}

/** Whether sources of classes ka, kb read a denormal (DE, unless the lane's outcome is a NaN or ZE): not under DAZ. */
function denormal(ka: number, kb = NUM): boolean {
  return (ka === DEN || kb === DEN) && !st.daz;
}

/** Writes the quieted NaN of lane s@o into d@o. */
function nanTo(f: Fmt, d: DataView, s: DataView, o: number): void {
  f.setF80(d, o, quiet(f.f80(s, o)));
}

/** A finite nonzero exact value rounded into format f per MXCSR.RC (flags in float80's status). */
function roundTo(v: F80, f: Fmt): F80 {
  const { m, q } = norm(v);
  return round(v.s, m, q, false, f.p, f.range.emin, f.range.emax, st.rc);
}

// ---- arithmetic ------------------------------------------------------------

/**
 * One arithmetic operation: the fast path (undefined: undecided, before it
 * raises anything) and the exact one. Both raise the lane's flags in
 * float80.ts's status.exc, which compute() clears for each lane.
 */
export interface Arith {
  fast(x: number, y: number, single: boolean): number | undefined;
  exact(a: F80, b: F80, p: number, rc: number, r: Range): F80;
}

const MIN32 = 2 ** -126, SCALE = 2 ** 200, SAFE_LO = 2 ** -960, SAFE_HI = 2 ** 995, SPLIT = 2 ** 27 + 1;

/** The rounding error of the double product p = x * y (Dekker; needs |x|, |y| < 2^995 and |p| >= 2^-960). */
function productError(x: number, y: number, p: number): number {
  let t = SPLIT * x;
  const xh = t - (t - x), xl = x - xh;
  t = SPLIT * y;
  const yh = t - (t - y), yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

/** Flags an inexact float result r of value v (v exact, or a double that rounds to r as the exact value would). */
function inexact32(v: number, r: number): void {
  status.exc |= PE;
  // tiny after rounding to 24 bits with an unbounded exponent: round v scaled into the normal range
  if (Math.abs(r) <= MIN32 && Math.abs(Math.fround(v * SCALE)) < MIN32 * SCALE) status.exc |= UE;
}

/** Overflow of finite operands to an infinite result. */
function overflow(r: number, x: number, y: number): number {
  if (Number.isFinite(x) && Number.isFinite(y)) status.exc |= OE | PE;
  return r;
}

function fastAdd(x: number, y: number, single: boolean): number {
  const s = x + y;
  if (s !== s) { status.exc |= IE; return s; }
  const r = single ? Math.fround(s) : s;
  if (!Number.isFinite(r)) return overflow(r, x, y);
  const bb = s - x; // TwoSum: the exact sum is s + err
  if (x - (s - bb) + (y - bb) !== 0 || r !== s) status.exc |= PE; // tiny sums are exact
  return r;
}

function fastMul(x: number, y: number, single: boolean): number | undefined {
  const p = x * y;
  if (p !== p) { status.exc |= IE; return p; }
  if (single) {
    const r = Math.fround(p); // p is exact: 48 significand bits within the double range
    if (!Number.isFinite(r)) return overflow(r, x, y);
    if (r !== p) inexact32(p, r);
    return r;
  }
  if (!Number.isFinite(p)) return overflow(p, x, y);
  if (x === 0 || y === 0 || !Number.isFinite(x) || !Number.isFinite(y)) return p;
  if (Math.abs(p) < SAFE_LO || Math.abs(x) >= SAFE_HI || Math.abs(y) >= SAFE_HI) return undefined;
  if (productError(x, y, p) !== 0) status.exc |= PE;
  return p;
}

function fastDiv(x: number, y: number, single: boolean): number | undefined {
  const q = x / y;
  if (q !== q) { status.exc |= IE; return q; }
  if (y === 0) { if (Number.isFinite(x)) status.exc |= ZE; return q; }
  const r = single ? Math.fround(q) : q;
  if (!Number.isFinite(y) || x === 0) return r;
  if (!Number.isFinite(r)) return overflow(r, x, y);
  if (single) {
    if (r * y !== x) inexact32(q, r); // r * y is exact
    return r;
  }
  const aq = Math.abs(q);
  if (aq < SAFE_LO || aq >= SAFE_HI || Math.abs(y) >= SAFE_HI || Math.abs(x) < SAFE_LO) return undefined;
  const p = q * y;
  if (p !== x || productError(q, y, p) !== 0) status.exc |= PE;
  return q;
}

function fastSqrt(x: number, _y: number, single: boolean): number | undefined {
  if (x < 0) { status.exc |= IE; return NaN; }
  const s = Math.sqrt(x);
  if (single) {
    const r = Math.fround(s);
    if (r * r !== x) status.exc |= PE; // r * r is exact
    return r;
  }
  if (x === 0 || x === Infinity) return s;
  if (x < SAFE_LO) return undefined;
  const p = s * s;
  if (p !== x || productError(s, s, p) !== 0) status.exc |= PE;
  return s;
}

export const ARITH: Record<string, Arith> = {
  add: { fast: fastAdd, exact: (a, b, p, rc, r) => add(a, b, false, p, rc, r) },
  sub: { fast: (x, y, single) => fastAdd(x, -y, single), exact: (a, b, p, rc, r) => add(a, b, true, p, rc, r) },
  mul: { fast: fastMul, exact: mul },
  div: { fast: fastDiv, exact: div },
  sqrt: { fast: fastSqrt, exact: (a, _b, p, rc, r) => sqrt(a, p, rc, r) },
};

/** FTZ and unmasked UE for a result of the exact path that is tiny (UE raised, or an exact denormal). */
function tiny(f: Fmt, r: F80): F80 {
  if (!(status.exc & UE) && !(cls(r) === CLS_FINITE && r.e - BIAS < f.range.emin)) return r;
  if (!(st.mx & UM)) status.exc |= UE;
  else if (st.mx & FTZ) { status.exc |= UE | PE; return { s: r.s, e: 0, m: 0n }; }
  return r;
}

/** Computes lane d@o = op(x, y) in format f from non-NaN source values (den: a source was a denormal). */
function compute(op: Arith, f: Fmt, d: DataView, o: number, x: number, y: number, den: boolean): void {
  status.exc = 0;
  const r = st.fast ? op.fast(x, y, f.w === 4) : undefined;
  if (r === undefined) f.setF80(d, o, tiny(f, op.exact(fromNumber(x), fromNumber(y), f.p, st.rc, f.range)));
  else if (r !== r) f.setF80(d, o, INDEFINITE);
  else f.set(d, o, r);
  if (den && !(status.exc & (IE | ZE))) status.exc |= DE;
  st.exc |= status.exc;
}

/** d@o = d@o op s@o. */
export function binaryLane(op: Arith, f: Fmt, d: DataView, s: DataView, o: number): void {
  const ka = f.kind(d, o), kb = f.kind(s, o);
  if (ka >= QNAN || kb >= QNAN) {
    if (ka === SNAN || kb === SNAN) st.exc |= IE;
    nanTo(f, d, ka >= QNAN ? d : s, o);
    return;
  }
  compute(op, f, d, o, val(f, d, o, ka), val(f, s, o, kb), denormal(ka, kb));
}

/** d@o = op(s@o) (sqrt). */
export function unaryLane(op: Arith, f: Fmt, d: DataView, s: DataView, o: number): void {
  const k = f.kind(s, o);
  if (k >= QNAN) {
    if (k === SNAN) st.exc |= IE;
    nanTo(f, d, s, o);
    return;
  }
  compute(op, f, d, o, val(f, s, o, k), 0, denormal(k));
}

/** min/max: the first source when it is strictly less (greater), else the second, also for NaNs (IE) and zeros. */
export function minMaxLane(max: boolean, f: Fmt, d: DataView, s: DataView, o: number): void {
  const ka = f.kind(d, o), kb = f.kind(s, o);
  if (ka >= QNAN || kb >= QNAN) {
    st.exc |= IE;
    if (kb >= QNAN) f.setF80(d, o, f.f80(s, o));
    else f.set(d, o, val(f, s, o, kb));
    return;
  }
  const x = val(f, d, o, ka), y = val(f, s, o, kb);
  if (denormal(ka, kb)) st.exc |= DE;
  f.set(d, o, (max ? x > y : x < y) ? x : y);
}

/**
 * Compares lanes d@o and s@o: -1 less, 0 equal, 1 greater, 2 unordered. IE for
 * a signaling NaN, or any NaN when signaling; DE for a denormal when ordered.
 */
export function compareLane(f: Fmt, d: DataView, s: DataView, o: number, signaling: boolean): number {
  const ka = f.kind(d, o), kb = f.kind(s, o);
  if (ka >= QNAN || kb >= QNAN) {
    if (signaling || ka === SNAN || kb === SNAN) st.exc |= IE;
    return 2;
  }
  const x = val(f, d, o, ka), y = val(f, s, o, kb);
  if (denormal(ka, kb)) st.exc |= DE;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * rcp/rsqrt (no flags, as hardware): the architecture only bounds the relative
 * error by 1.5 * 2^-12, and implementations differ in the bits; cdvm returns
 * the correctly rounded float of 1/x (1/sqrt(x)). Like hardware, a denormal
 * source counts as a signed zero and a tiny result is flushed to zero.
 */
export function approxLane(rsqrt: boolean, d: DataView, s: DataView, o: number): void {
  const k = F32.kind(s, o);
  if (k >= QNAN) { nanTo(F32, d, s, o); return; }
  let x = F32.get(s, o);
  if (k === DEN) x = x < 0 ? -0 : 0;
  if (rsqrt && x < 0) { F32.setF80(d, o, INDEFINITE); return; }
  const r = Math.fround(1 / (rsqrt ? Math.sqrt(x) : x));
  F32.set(d, o, Math.abs(r) < MIN32 ? r * 0 : r); // keeps the sign of zero
}

// ---- conversions -------------------------------------------------------------

const INT_MIN = -2147483648;

/** x rounded to an integer per rc (nearest: ties to even). */
function roundInt(x: number, rc: number): number {
  if (rc === RC_DOWN) return Math.floor(x);
  if (rc === RC_UP) return Math.ceil(x);
  if (rc === RC_ZERO) return Math.trunc(x);
  const f = Math.floor(x), frac = x - f;
  return frac > 0.5 || (frac === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** Float lane s@o to int32 (per MXCSR.RC, or truncated); NaN and out-of-range give 0x80000000 with IE. */
export function toInt32(f: Fmt, s: DataView, o: number, truncate: boolean): number {
  const k = f.kind(s, o);
  if (k >= QNAN) { st.exc |= IE; return INT_MIN; }
  const x = val(f, s, o, k); // conversions to integer never raise DE
  const r = roundInt(x, truncate ? RC_ZERO : st.rc);
  if (!(r >= INT_MIN && r <= 2147483647)) { st.exc |= IE; return INT_MIN; }
  if (r !== x) st.exc |= PE;
  return r;
}

/** Integer v to lane d@o of format f, rounded per MXCSR.RC (exact for double). */
export function fromInt32(f: Fmt, d: DataView, o: number, v: number): void {
  const r = f.w === 8 ? v : Math.fround(v);
  if (r !== v) st.exc |= PE;
  if (r === v || st.rc === RC_NEAR) f.set(d, o, r);
  else f.setF80(d, o, roundTo(fromBigInt(BigInt(v)), f));
}

/** Lane s@so of format from to lane d@dof of format to: widening is exact, narrowing rounds per MXCSR. */
export function convertLane(from: Fmt, to: Fmt, d: DataView, dof: number, s: DataView, so: number): void {
  const k = from.kind(s, so);
  if (k >= QNAN) {
    if (k === SNAN) st.exc |= IE;
    to.setF80(d, dof, quiet(from.f80(s, so)));
    return;
  }
  status.exc = 0;
  const x = val(from, s, so, k);
  if (to.w === 8) to.set(d, dof, x);
  else if (st.fast) {
    const r = Math.fround(x);
    if (!Number.isFinite(r)) overflow(r, x, 0);
    else if (r !== x) inexact32(x, r);
    to.set(d, dof, r);
  } else to.setF80(d, dof, tiny(to, x === 0 || !Number.isFinite(x) ? fromNumber(x) : roundTo(fromNumber(x), to)));
  if (denormal(k)) status.exc |= DE;
  st.exc |= status.exc;
}
