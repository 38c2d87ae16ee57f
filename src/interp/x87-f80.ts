/**
 * The f80 x87 precision model (the default): a register value is an F80,
 * the exact 80-bit extended value, and every operation is float80.ts's exact,
 * correctly rounded arithmetic under the control word's RC and PC, so results
 * and IEEE flags are the hardware's (fpu.ts describes the model and where it
 * is not bit-exact).
 */
import {
  add, atan2, BIAS, cls, CLS_BAD, CLS_FINITE, CLS_QNAN, CLS_SNAN, compare, DBL_EMAX, DBL_EMIN, div, exp2m1, EXT_EMAX, EXT_EMIN,
  FLT_EMAX, FLT_EMIN, fromBigInt, fromF32Bits, fromF64Bits, fromNumber, IE, INDEFINITE, mul, norm, PE, prem,
  propagateNaN, quiet, round, roundInt, sqrt, status, toF32Bits, toF64Bits, toInt, toNumber, ylog2x, type F80, DE,
} from "./float80.ts";
import type { X87Model } from "./x87-model.ts";

const J = 1n << 63n;

/** An m32/m64 load: an SNaN raises IE and is quieted, a denormal (of the memory format) raises DE. */
function loadConv(v: F80, denormal: boolean): F80 {
  if (cls(v) === CLS_SNAN) { status.exc |= IE; return quiet(v); }
  if (denormal) status.exc |= DE;
  return v;
}

/** Rounds a register value to float32/float64 format (NaN quieted with IE for SNaN). */
function toFormat(v: F80, p: number, emin: number, emax: number, r: number): F80 {
  const c = cls(v);
  if (c === CLS_FINITE) { const { m, q } = norm(v); return round(v.s, m, q, false, p, emin, emax, r); }
  if (c === CLS_SNAN) { status.exc |= IE; return quiet(v); }
  if (c === CLS_BAD) { status.exc |= IE; return INDEFINITE; }
  return v;
}

/** Low and high 32-bit words of a 64-bit integer. */
function words(v: bigint, out: Int32Array): void {
  out[0] = Number(BigInt.asIntN(32, v));
  out[1] = Number(BigInt.asIntN(32, v >> 32n));
}

export const f80Model: X87Model<F80> = {
  fromBits: (se, hi, lo) => ({ s: (se >>> 15) & 1, e: se & 0x7fff, m: (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0) }),
  toBits(v, out, o) {
    out[o] = Number(v.m & 0xffffffffn);
    out[o + 1] = Number(v.m >> 32n);
    out[o + 2] = (v.s << 15) | v.e;
  },
  fromF32: (bits) => loadConv(fromF32Bits(bits >>> 0), (bits & 0x7f800000) === 0 && (bits & 0x7fffff) !== 0),
  fromF64: (hi, lo) => loadConv(fromF64Bits(hi, lo), (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | lo) !== 0),
  fromInt: (n) => fromBigInt(BigInt(n)),
  fromI64: (hi, lo) => fromBigInt((BigInt(hi) << 32n) | BigInt(lo >>> 0)),
  fromBigInt,
  toF32: (v, rc) => toF32Bits(toFormat(v, 24, FLT_EMIN, FLT_EMAX, rc)),
  toF64: (v, rc, out) => words(toF64Bits(toFormat(v, 53, DBL_EMIN, DBL_EMAX, rc)), out),
  toInt(v, rc, bits, out) {
    const n = toInt(v, rc, bits);
    if (n === undefined) return false;
    words(n, out);
    return true;
  },
  toBigInt: (v, rc) => toInt(v, rc, 64),

  cls,
  sign: (v) => v.s,
  denormal: (v) => v.e === 0 && v.m !== 0n,
  cmpAbs(v, k) {
    const e = v.e === 0 ? -BIAS : v.e - BIAS;
    return e !== k ? (e > k ? 1 : -1) : v.m === J ? 0 : 1;
  },
  compare,
  zero: (s) => ({ s, e: 0, m: 0n }),
  inf: (s) => ({ s, e: 0x7fff, m: J }),
  one: { s: 0, e: BIAS, m: J },
  indefinite: INDEFINITE,
  propagate: propagateNaN,

  add: (a, b, p, r) => add(a, b, false, p, r),
  sub: (a, b, p, r) => add(a, b, true, p, r),
  subr: (a, b, p, r) => add(b, a, true, p, r),
  mul: (a, b, p, r) => mul(a, b, p, r),
  div: (a, b, p, r) => div(a, b, p, r),
  divr: (a, b, p, r) => div(b, a, p, r),
  sqrt: (v, p, rc) => sqrt(v, p, rc),
  roundInt,
  chs: (v) => ({ s: v.s ^ 1, e: v.e, m: v.m }),
  abs: (v) => ({ s: 0, e: v.e, m: v.m }),
  scale(v, s1, rc) {
    let k = 0;
    if (cls(s1) === CLS_FINITE) {
      const { m, q } = norm(s1);
      k = q >= 0 ? 1 << 20 : Number(m >> BigInt(Math.min(-q, 64)));
      if (q >= 0 || k > 1 << 20) k = 1 << 20;
      if (s1.s) k = -k;
    }
    const { m, q } = norm(v);
    return round(v.s, m, q + k, false, 64, EXT_EMIN, EXT_EMAX, rc);
  },
  exponent: (v) => fromBigInt(BigInt(norm(v).q + 63)),
  significand: (v) => ({ s: v.s, e: BIAS, m: norm(v).m }),
  prem,
  viaMath(v, fn) {
    const c = cls(v);
    if (c === CLS_QNAN || c === CLS_SNAN) return propagateNaN(v);
    if (c === CLS_BAD) { status.exc |= IE; return INDEFINITE; }
    const x = fn(toNumber(v));
    if (Number.isNaN(x)) { status.exc |= IE; return INDEFINITE; }
    status.exc |= PE;
    return fromNumber(x);
  },
  exp2m1,
  ylog2x,
  atan2,
};
