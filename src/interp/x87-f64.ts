/**
 * The f64 x87 precision model (`cdvm run --x87 f64`): every register value is
 * an IEEE double, what an FPU with 64-bit registers would hold, and the
 * arithmetic is JavaScript's (round to nearest even) — no BigInt anywhere.
 * Registers keep the 80-bit format: a double goes in as its exact extended
 * encoding and comes out by plain integer work on the words (a value that is
 * not a double, from frstor or an m80 load, is rounded to nearest).
 *
 * RC and PC are not honoured by the arithmetic (nor by fst to m32, which
 * rounds to nearest); RC is by frndint and fist/fistp/fisttp, as C casts and
 * rint depend on it. Flags: IE (invalid operations, SNaN operands), ZE, and
 * OE/UE/PE and C1 (rounded up) relative to the double result — inexactness
 * is found from the exact error of the rounding (TwoSum for sums, Dekker's
 * product for mul/div/sqrt, on significands scaled to [1, 2) near the ends
 * of the exponent range). DE is raised only
 * by m32/m64 denormal loads: a register never holds an extended denormal.
 * Transcendentals come from Math (about 1 ulp of a double) and raise PE.
 */
import { CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN, CLS_ZERO, DE, IE, OE, PE, RC_DOWN, RC_NEAR, RC_UP, status, UE, ZE } from "./float80.ts";
import type { X87Model } from "./x87-model.ts";

// Scratch views between a number and its bits (little-endian host: w[0] is the low word).
const d = new Float64Array(1), w = new Uint32Array(d.buffer);
const f = new Float32Array(1), fw = new Uint32Array(f.buffer);

const TWO32 = 2 ** 32, TWO64 = 2 ** 64, MIN_NORMAL = 2 ** -1022, MIN_NORMAL32 = 2 ** -126, SPLIT = 2 ** 27 + 1;

function fromWords(hi: number, lo: number): number {
  w[1] = hi;
  w[0] = lo;
  return d[0];
}

function highWord(x: number): number {
  d[0] = x;
  return w[1];
}

const INDEFINITE = fromWords(0xfff80000, 0);

/** 2^k for -1022 <= k <= 1023. */
function pow2(k: number): number { return fromWords((k + 1023) << 20, 0); }

/** x * 2^k in two steps (|k| <= 2044): exact when x * 2^(k/2) and the result are representable. */
function scale(x: number, k: number): number {
  const h = k >> 1;
  return x * pow2(h) * pow2(k - h);
}

// |x| = significandOf(x) * 2^exponentOf(x) for finite nonzero x, the significand in [1, 2).

function exponentOf(x: number): number {
  d[0] = x;
  const e = (w[1] >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  d[0] = x * TWO64; // a denormal: its exponent from the normal it scales to
  return ((w[1] >>> 20) & 0x7ff) - 64 - 1023;
}

function significandOf(x: number): number {
  d[0] = x;
  if ((w[1] & 0x7ff00000) === 0) d[0] = x * TWO64;
  w[1] = (w[1] & 0xfffff) | 0x3ff00000;
  return d[0];
}

// ---- NaNs: JavaScript's own NaN bits are unspecified, so every NaN result is built from bits ----

const signaling = (nan: number) => (highWord(nan) & 0x80000) === 0;

function quiet(nan: number): number {
  d[0] = nan;
  w[1] |= 0x80000;
  return d[0];
}

function invalid(): number {
  status.exc |= IE;
  return INDEFINITE;
}

function propagate(a: number, b?: number): number {
  const an = a !== a, bn = b !== undefined && b !== b;
  if ((an && signaling(a)) || (bn && signaling(b))) status.exc |= IE;
  if (!an || !bn) return quiet(an ? a : b!);
  d[0] = a;
  const ah = w[1] & 0xfffff, al = w[0], as = w[1] >>> 31;
  d[0] = b!;
  const bh = w[1] & 0xfffff, bl = w[0];
  return quiet(ah > bh || (ah === bh && (al > bl || (al === bl && as === 0))) ? a : b!);
}

// ---- arithmetic with its flags ----------------------------------------------

/** A NaN or infinite result r of a op b: NaN propagation or invalid, overflow when both were finite. */
function special(r: number, a: number, b: number): number {
  if (r !== r) return a !== a || b !== b ? propagate(a, b) : invalid();
  if (a - a === 0 && b - b === 0) {
    status.exc |= OE | PE;
    status.up = true;
  }
  return r;
}

/** Flags of the finite rounded sum r = a + b from its exact error (TwoSum); sums never underflow inexactly. */
function sumFlags(r: number, a: number, b: number): number {
  const bv = r - a, err = (a - (r - bv)) + (b - bv);
  if (err !== 0) {
    status.exc |= PE;
    if (err < 0 === r > 0) status.up = true;
  }
  return r;
}

/** The sign of x * y - z, exactly (Dekker's product), for x, y, z where neither x * y nor its error under- or overflows. */
function residual(x: number, y: number, z: number): number {
  const p = x * y;
  const cx = SPLIT * x, xh = cx - (cx - x), xl = x - xh;
  const cy = SPLIT * y, yh = cy - (cy - y), yl = y - yh;
  return (p - z) + (((xh * yh - p) + xh * yl + xl * yh) + xl * yl);
}

/** Operands this far from both ends of the exponent range need no scaling for residual(). */
function safe(x: number): boolean {
  const a = Math.abs(x);
  return a < 2 ** 400 && a > 2 ** -400;
}

/** Flags of a finite result r whose magnitude is below the exact one by (the sign of) below. */
function rounded(r: number, below: number): number {
  if (below !== 0) {
    status.exc |= Math.abs(r) < MIN_NORMAL ? PE | UE : PE;
    if (below < 0) status.up = true;
  }
  return r;
}

function add(a: number, b: number): number {
  const r = a + b;
  return r - r === 0 ? sumFlags(r, a, b) : special(r, a, b);
}

function sub(a: number, b: number): number {
  const r = a - b;
  return r - r === 0 ? sumFlags(r, a, -b) : special(r, a, b);
}

function mul(a: number, b: number): number {
  const r = a * b;
  if (r - r !== 0) return special(r, a, b);
  if (a === 0 || b === 0) return r;
  if (safe(a) && safe(b)) return rounded(r, r > 0 ? residual(a, b, r) : -residual(a, b, r));
  // near the ends of the range: on significands in [1, 2), the result scaled back
  return rounded(r, residual(significandOf(a), significandOf(b), r === 0 ? 0 : scale(Math.abs(r), -(exponentOf(a) + exponentOf(b)))));
}

function div(a: number, b: number): number {
  const r = a / b;
  if (r - r !== 0) {
    if (b === 0 && a - a === 0 && r === r) {
      status.exc |= ZE;
      return r;
    }
    return special(r, a, b);
  }
  if (a === 0 || b - b !== 0) return r;
  if (safe(a) && safe(b)) return rounded(r, a > 0 ? -residual(r, b, a) : residual(r, b, a));
  return rounded(r, -residual(r === 0 ? 0 : scale(Math.abs(r), exponentOf(b) - exponentOf(a)), significandOf(b), significandOf(a)));
}

function sqrt(v: number): number {
  if (v !== v) return propagate(v);
  if (v < 0) return invalid();
  const r = Math.sqrt(v);
  if (v === 0 || r === Infinity) return r;
  if (safe(v)) return rounded(r, -residual(r, r, v));
  let e = exponentOf(v), m = significandOf(v);
  if (e & 1) { m *= 2; e -= 1; }
  const t = scale(r, -(e >> 1));
  return rounded(r, -residual(t, t, m));
}

/** Round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** v rounded to an integer per rc, with PE and C1. */
function roundRc(v: number, rc: number): number {
  const r = rc === RC_NEAR ? rint(v) : rc === RC_DOWN ? Math.floor(v) : rc === RC_UP ? Math.ceil(v) : Math.trunc(v);
  if (r !== v) {
    status.exc |= PE;
    if (Math.abs(r) > Math.abs(v)) status.up = true;
  }
  return r;
}

/** fist's integer: v rounded per rc, or undefined (IE) for NaN, infinity or out of the bits-wide range. */
function integer(v: number, rc: number, bits: number): number | undefined {
  if (v - v !== 0) {
    status.exc |= IE;
    return undefined;
  }
  const r = roundRc(v, rc), lim = 2 ** (bits - 1);
  if (r >= lim || r < -lim) {
    status.exc = (status.exc | IE) & ~PE;
    return undefined;
  }
  return r;
}

/** A transcendental's finite operands gave r: inexact, or an overflow. */
function transcendental(r: number): number {
  status.exc |= r - r === 0 ? PE : OE | PE;
  return r;
}

function cls(v: number): number {
  if (v === 0) return CLS_ZERO;
  if (v - v === 0) return CLS_FINITE;
  if (v !== v) return signaling(v) ? CLS_SNAN : CLS_QNAN;
  return CLS_INF;
}

const sign = (v: number) => highWord(v) >>> 31;
const inf = (s: number) => (s ? -Infinity : Infinity);
const zero = (s: number) => (s ? -0 : 0);

function ylog2x(y: number, x: number, plus1: boolean): number {
  if (plus1) {
    if (x === 0) return mul(y, x);
    if (x < -1) { // outside the domain: the x87 leaves x (or -y for y = 0 or infinity)
      if (x === -Infinity) return invalid();
      if (y === 0 || y - y !== 0) return -y;
      status.exc |= PE;
      return x;
    }
    if (x === Infinity) return y === 0 ? invalid() : inf(sign(y));
    if (y === 0 || y - y !== 0) return x < 0 ? -y : y;
    if (x === -1) {
      status.exc |= ZE;
      return inf(sign(y) ^ 1);
    }
    return transcendental(y * (Math.log1p(x) * Math.LOG2E));
  }
  if (x < 0) return invalid();
  if (x === 0) {
    if (y === 0) return invalid();
    if (y - y === 0) status.exc |= ZE;
    return inf(sign(y) ^ 1);
  }
  if (x === Infinity) return y === 0 ? invalid() : inf(sign(y));
  const l = Math.log2(x), neg = l < 0 ? 1 : 0;
  if (y - y !== 0) return l === 0 ? invalid() : inf(sign(y) ^ neg);
  if (l === 0 || y === 0) return zero(sign(y) ^ neg);
  return transcendental(y * l);
}

// ---- the 80-bit register format ----------------------------------------------

/** hi:lo (hi's top bit set) shifted right by n (11..64) and rounded to nearest even. */
function shiftRound(hi: number, lo: number, n: number): number {
  let q: number, half: boolean, rest: boolean;
  if (n <= 32) {
    q = hi * 2 ** (32 - n) + (n === 32 ? 0 : lo >>> n);
    half = ((lo >>> (n - 1)) & 1) !== 0;
    rest = (lo & ((1 << (n - 1)) - 1)) !== 0;
  } else {
    const k = n - 32;
    q = k === 32 ? 0 : hi >>> k;
    half = ((hi >>> (k - 1)) & 1) !== 0;
    rest = (hi & ((1 << (k - 1)) - 1)) !== 0 || lo !== 0;
  }
  return half && (rest || q % 2 === 1) ? q + 1 : q;
}

/** The nearest double of any 80-bit encoding (hi, lo unsigned); unsupported encodings read as the indefinite. */
function fromExtended(se: number, hi: number, lo: number): number {
  const neg = (se & 0x8000) !== 0, e = se & 0x7fff;
  if (e === 0x7fff) {
    if (hi < 0x80000000) return INDEFINITE;
    const h = (hi >>> 11) & 0xfffff, l = ((hi << 21) | (lo >>> 11)) >>> 0;
    if ((hi & 0x7fffffff) === 0 && lo === 0) return inf(neg ? 1 : 0);
    // a NaN keeps the top of its payload (and stays a NaN when only the dropped bits were set)
    return fromWords((neg ? 0x80000000 : 0) | 0x7ff00000 | h, h === 0 && l === 0 ? 1 : l);
  }
  if (e !== 0 && hi < 0x80000000) return INDEFINITE;
  if (hi === 0 && lo === 0) return zero(neg ? 1 : 0);
  const lz = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
  const top = Math.max(e, 1) - 16383 - lz; // exponent of the leading bit
  if (top > 1023) return inf(neg ? 1 : 0);
  if (top < -1075) return zero(neg ? 1 : 0);
  if (lz >= 32) {
    hi = (lo << (lz - 32)) >>> 0;
    lo = 0;
  } else if (lz > 0) {
    hi = ((hi << lz) | (lo >>> (32 - lz))) >>> 0;
    lo = (lo << lz) >>> 0;
  }
  const keep = top >= -1022 ? 53 : top + 1075; // significand bits a double has there
  const x = scale(shiftRound(hi, lo, 64 - keep), top - keep + 1);
  return neg ? -x : x;
}

export const f64Model: X87Model<number> = {
  fromBits(se, hi, lo) {
    const e = (se & 0x7fff) - 15360; // the double's biased exponent
    if ((hi | 0) < 0 && (lo & 0x7ff) === 0 && e > 0 && e < 0x7ff) {
      return fromWords(((se & 0x8000) << 16) | (e << 20) | ((hi >>> 11) & 0xfffff), (hi << 21) | (lo >>> 11));
    }
    return fromExtended(se, hi >>> 0, lo >>> 0);
  },
  toBits(v, out, o) {
    d[0] = v;
    let e = (w[1] >>> 20) & 0x7ff;
    const s = (w[1] >>> 16) & 0x8000;
    if (e === 0) {
      if (((w[1] & 0xfffff) | w[0]) === 0) {
        out[o] = out[o + 1] = 0;
        out[o + 2] = s;
        return;
      }
      d[0] = v * TWO64;
      e = ((w[1] >>> 20) & 0x7ff) - 64;
    }
    out[o] = w[0] << 11;
    out[o + 1] = 0x80000000 | ((w[1] & 0xfffff) << 11) | (w[0] >>> 21);
    out[o + 2] = s | (e === 0x7ff ? 0x7fff : e + 15360);
  },
  fromF32(bits) {
    const ex = bits & 0x7f800000, frac = bits & 0x7fffff;
    if (ex === 0x7f800000 && frac !== 0) {
      if (!(frac & 0x400000)) status.exc |= IE;
      return fromWords((bits & 0x80000000) | 0x7ff80000 | (frac >>> 3), frac << 29);
    }
    if (ex === 0 && frac !== 0) status.exc |= DE;
    fw[0] = bits;
    return f[0];
  },
  fromF64(hi, lo) {
    const ex = hi & 0x7ff00000;
    if (ex === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0 && !(hi & 0x80000)) {
      status.exc |= IE;
      hi |= 0x80000;
    } else if (ex === 0 && ((hi & 0xfffff) | lo) !== 0) status.exc |= DE;
    return fromWords(hi, lo);
  },
  fromInt: (n) => n,
  fromI64: (hi, lo) => hi * TWO32 + (lo >>> 0),
  fromBigInt: (n) => Number(n),
  toF32(v) {
    if (v !== v) {
      d[0] = v;
      if (!(w[1] & 0x80000)) status.exc |= IE;
      return ((w[1] & 0x80000000) | 0x7fc00000 | ((w[1] & 0x7ffff) << 3) | (w[0] >>> 29)) >>> 0;
    }
    f[0] = v;
    const r = f[0];
    if (r !== v) {
      status.exc |= r - r !== 0 ? OE | PE : Math.abs(r) < MIN_NORMAL32 ? UE | PE : PE;
      if (Math.abs(r) > Math.abs(v)) status.up = true;
    }
    return fw[0];
  },
  toF64(v, _rc, out) {
    d[0] = v;
    out[0] = w[0];
    out[1] = w[1];
    if (v !== v && !(w[1] & 0x80000)) {
      status.exc |= IE;
      out[1] |= 0x80000;
    }
  },
  toInt(v, rc, bits, out) {
    const r = integer(v, rc, bits);
    if (r === undefined) return false;
    const hi = Math.floor(r / TWO32);
    out[0] = r - hi * TWO32;
    out[1] = hi;
    return true;
  },
  toBigInt(v, rc) {
    const r = integer(v, rc, 64);
    return r === undefined ? undefined : BigInt(r);
  },

  cls,
  sign,
  denormal: () => false,
  cmpAbs(v, k) {
    const a = Math.abs(v), p = 2 ** k;
    return a > p ? 1 : a < p ? -1 : 0;
  },
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : a === b ? 0 : 2),
  zero,
  inf,
  one: 1,
  indefinite: INDEFINITE,
  propagate,

  add: (a, b) => add(a, b),
  sub: (a, b) => sub(a, b),
  subr: (a, b) => sub(b, a),
  mul: (a, b) => mul(a, b),
  div: (a, b) => div(a, b),
  divr: (a, b) => div(b, a),
  sqrt: (v) => sqrt(v),
  roundInt(v, rc) {
    if (v !== v) return propagate(v);
    return v === 0 || v - v !== 0 ? v : roundRc(v, rc);
  },
  chs: (v) => (v === v ? -v : fromWords(highWord(v) ^ 0x80000000, w[0])),
  abs: (v) => (v === v ? Math.abs(v) : fromWords(highWord(v) & 0x7fffffff, w[0])),
  scale(v, s1) {
    const k = Math.min(Math.trunc(Math.abs(s1)), 2 ** 20) * (s1 < 0 ? -1 : 1);
    const sig = significandOf(v), n = exponentOf(v) + k, m = v < 0 ? -sig : sig;
    if (n > 1023) {
      status.exc |= OE | PE;
      status.up = true;
      return m * Infinity;
    }
    if (n >= -1022) return m * pow2(n);
    // below the normal range: one rounding, by the last multiplication
    const r = n < -2044 ? m * 0 : m * pow2(n + 1022) * MIN_NORMAL;
    return rounded(r, sig - (r === 0 ? 0 : scale(Math.abs(r), -n)));
  },
  exponent: exponentOf,
  significand: (v) => (v < 0 ? -significandOf(v) : significandOf(v)),
  prem(a, b, nearest) {
    const ca = cls(a), cb = cls(b);
    if ((ca === CLS_INF && cb <= CLS_INF) || (cb === CLS_ZERO && ca <= CLS_INF)) return { r: invalid(), q: 0, partial: false };
    if (a !== a || b !== b) return { r: propagate(a, b), q: 0, partial: false };
    if (ca === CLS_ZERO || cb === CLS_INF) return { r: a, q: 0, partial: false };
    const A = Math.abs(a), B = Math.abs(b), eb = exponentOf(b), diff = exponentOf(a) - eb;
    if (diff >= 64) {
      // as the x87: reduce by b * 2^(diff - n), n in 32..63, and report the reduction incomplete
      const r = A % scale(significandOf(b), eb + diff - ((diff & 31) | 32));
      return { r: a < 0 ? -r : r, q: 0, partial: true };
    }
    let r = A % B, q = Math.round((A % (8 * B) - r) / B), neg = a < 0;
    if (nearest && (2 * r > B || (2 * r === B && (q & 1) === 1))) {
      q += 1;
      r = B - r;
      neg = !neg;
    }
    return { r: r === 0 ? zero(a < 0 ? 1 : 0) : neg ? -r : r, q: q & 7, partial: false };
  },
  viaMath(v, fn) {
    if (v !== v) return propagate(v);
    const x = fn(v);
    if (x !== x) return invalid();
    status.exc |= PE;
    return x;
  },
  exp2m1: (v) => (v === 1 ? 1 : v === -1 ? -0.5 : Math.expm1(v * Math.LN2)),
  ylog2x: (y, x, plus1) => ylog2x(y, x, plus1),
  atan2(y, x) {
    const r = Math.atan2(y, x);
    if (r !== 0) status.exc |= PE;
    return r;
  },
};
