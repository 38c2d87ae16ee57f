/**
 * x87 extended precision (80-bit) arithmetic: exact, correctly rounded.
 *
 * A value is F80 {s, e, m}: sign bit, biased 15-bit exponent, 64-bit
 * significand with the explicit integer bit (the register format). Finite
 * operands are brought to m * 2^q with m normalized to 64 bits; add, sub,
 * mul, div, sqrt, fprem and integer conversion are computed exactly with
 * BigInt and rounded once by round(), which honours the rounding control
 * (RC_*), the precision (24/53/64 significand bits) and the target format's
 * exponent range, raising PE/UE/OE and noting "rounded up" for C1. The
 * arithmetic rounds into the register's exponent range unless given another
 * (SSE rounds straight into float or double, sse-math.ts).
 * The last section evaluates log2, 2^x - 1 and atan2 in BigInt fixed point
 * (>= 160 bits) for fyl2x/fyl2xp1/f2xm1/fpatan; fsin & co. are in x87.ts.
 */
export interface F80 { s: number; e: number; m: bigint }

export const IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32, SF = 64;
export const RC_NEAR = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
export const BIAS = 16383;
/** Exponent ranges [emin, emax] of the three IEEE formats the x87 reads and writes. */
export const EXT_EMIN = -16382, EXT_EMAX = 16383;
export const DBL_EMIN = -1022, DBL_EMAX = 1023;
export const FLT_EMIN = -126, FLT_EMAX = 127;

/** Exceptions raised and whether the last rounding went up in magnitude (C1); callers reset. */
export const status = { exc: 0, up: false };

const J = 1n << 63n;
export const INDEFINITE: F80 = { s: 1, e: 0x7fff, m: 0xc000000000000000n };
export const ZERO: F80 = { s: 0, e: 0, m: 0n };

/** Classes: CLS_ZERO, CLS_FINITE (normal or denormal), CLS_INF, CLS_QNAN, CLS_SNAN, CLS_BAD (unsupported encoding). */
export const CLS_ZERO = 0, CLS_FINITE = 1, CLS_INF = 2, CLS_QNAN = 3, CLS_SNAN = 4, CLS_BAD = 5;

export function cls(a: F80): number {
  if (a.e === 0x7fff) {
    if (!(a.m & J)) return CLS_BAD;
    if (a.m === J) return CLS_INF;
    return a.m & (1n << 62n) ? CLS_QNAN : CLS_SNAN;
  }
  if (a.e === 0) return a.m === 0n ? CLS_ZERO : CLS_FINITE;
  return a.m & J ? CLS_FINITE : CLS_BAD;
}

const f64 = new Float64Array(1), f64w = new Uint32Array(f64.buffer);

/** Number of significant bits of m >= 0. */
export function bitlen(m: bigint): number {
  if (m === 0n) return 0;
  f64[0] = Number(m);
  if (f64[0] === Infinity) { const h = m.toString(16); return h.length * 4 - Math.clz32(parseInt(h[0], 16)) + 28; }
  let n = (f64w[1] >>> 20) - 1022;
  if (m >> BigInt(n - 1) === 0n) n--;
  return n;
}

function shl(m: bigint, k: number): bigint {
  return k >= 0 ? m << BigInt(k) : m >> BigInt(-k);
}

/** A finite nonzero value as m * 2^q: m normalized to 64 bits (its top bit set), q the exponent of its LSB. */
export interface Normal { m: bigint; q: number }

export function norm(a: F80): Normal {
  if (a.e === 0 || !(a.m & J)) {
    const l = bitlen(a.m);
    return { m: a.m << BigInt(64 - l), q: 1 - BIAS - 63 - (64 - l) };
  }
  return { m: a.m, q: a.e - BIAS - 63 };
}

/**
 * Rounds (-1)^s * (m + sticky) * 2^q (sticky: nonzero bits below m's LSB) to p
 * significand bits in exponent range [emin, emax] (denormals below emin) and
 * returns it in register format. m must have at least p + 1 bits when sticky.
 */
export function round(s: number, m: bigint, q: number, sticky: boolean, p: number, emin: number, emax: number, rc: number): F80 {
  if (sticky) { m = (m << 2n) | 1n; q -= 2; }
  const m0 = m, L = bitlen(m);
  if (L === 0) return { s, e: 0, m: 0n };
  const E = q + L - 1;
  const keep = E < emin ? p - (emin - E) : p;
  const drop = L - keep;
  let inexact = false;
  if (drop > 0) {
    const bd = BigInt(drop);
    let mk = m >> bd;
    const rem = m - (mk << bd);
    if (rem !== 0n) {
      inexact = true;
      let up: boolean;
      if (rc === RC_NEAR) {
        const half = 1n << (bd - 1n);
        up = rem > half || (rem === half && (mk & 1n) === 1n);
      } else up = rc === RC_UP ? s === 0 : rc === RC_DOWN ? s === 1 : false;
      if (up) { mk += 1n; status.up = true; }
    }
    m = mk;
    q += drop;
  }
  if (inexact) status.exc |= PE;
  if (m === 0n) {
    if (inexact) status.exc |= UE;
    return { s, e: 0, m: 0n };
  }
  const L2 = bitlen(m), E2 = q + L2 - 1;
  if (E2 > emax) {
    status.exc |= OE | PE;
    const inf = rc === RC_NEAR || (rc === RC_UP && s === 0) || (rc === RC_DOWN && s === 1);
    if (inf) { status.up = true; return { s, e: 0x7fff, m: J }; }
    status.up = false;
    return { s, e: emax + BIAS, m: ((1n << BigInt(p)) - 1n) << BigInt(64 - p) };
  }
  if (inexact && (E < emin - 1 || (E === emin - 1 && !carriesOut(s, m0, L, p, rc)))) status.exc |= UE;
  const e = E2 + BIAS;
  if (e >= 1) return { s, e, m: shl(m, 63 - (L2 - 1)) };
  return { s, e: 0, m: shl(m, q - (1 - BIAS - 63)) };
}

/**
 * Whether rounding m (L bits) to p bits carries into a new leading bit: the
 * x87 detects tininess after rounding to p bits with an unbounded exponent.
 */
function carriesOut(s: number, m: bigint, L: number, p: number, rc: number): boolean {
  const drop = L - p;
  if (drop <= 0) return false;
  const bd = BigInt(drop), mk = m >> bd, rem = m - (mk << bd);
  if (mk !== (1n << BigInt(p)) - 1n || rem === 0n) return false;
  if (rc === RC_NEAR) return rem >= 1n << (bd - 1n);
  return rc === RC_UP ? s === 0 : rc === RC_DOWN ? s === 1 : false;
}

/** An exponent range to round into: the register's, or a memory format's (SSE rounds to those directly). */
export interface Range { emin: number; emax: number }
const EXT: Range = { emin: EXT_EMIN, emax: EXT_EMAX };

/** Rounds an exact value to precision p (24, 53 or 64 bits) in exponent range r (default: the register's). */
function rnd(s: number, m: bigint, q: number, sticky: boolean, p: number, rc: number, r: Range): F80 {
  return round(s, m, q, sticky, p, r.emin, r.emax, rc);
}

export function quiet(a: F80): F80 {
  return { s: a.s, e: a.e, m: a.m | (1n << 62n) };
}

/** NaN operand(s) -> result NaN (SNaN raises IE). */
export function propagateNaN(a: F80, b?: F80): F80 {
  const ca = cls(a), cb = b ? cls(b) : CLS_ZERO;
  if (ca === CLS_SNAN || cb === CLS_SNAN) status.exc |= IE;
  const an = ca === CLS_QNAN || ca === CLS_SNAN, bn = cb === CLS_QNAN || cb === CLS_SNAN;
  if (an && bn && b) {
    const qa = quiet(a), qb = quiet(b);
    return qa.m > qb.m || (qa.m === qb.m && a.s === 0) ? qa : qb;
  }
  return quiet(an ? a : b!);
}

function invalid(): F80 {
  status.exc |= IE;
  return INDEFINITE;
}

function isNaNish(c: number): boolean { return c >= CLS_QNAN; }

/** Handles NaN and unsupported operands; returns undefined when both are numbers (or infinities). */
function special2(a: F80, b: F80, ca: number, cb: number): F80 | undefined {
  if (ca === CLS_BAD || cb === CLS_BAD) return invalid();
  if (isNaNish(ca) || isNaNish(cb)) return propagateNaN(a, b);
  if ((ca === CLS_FINITE && a.e === 0) || (cb === CLS_FINITE && b.e === 0)) status.exc |= DE;
  return undefined;
}

export function add(a: F80, b: F80, negB: boolean, p: number, rc: number, r: Range = EXT): F80 {
  const ca = cls(a), cb = cls(b);
  const sp = special2(a, b, ca, cb);
  if (sp) return sp;
  const sb = negB ? b.s ^ 1 : b.s;
  if (ca === CLS_INF || cb === CLS_INF) {
    if (ca === CLS_INF && cb === CLS_INF) return a.s === sb ? a : invalid();
    return ca === CLS_INF ? a : { s: sb, e: 0x7fff, m: J };
  }
  if (ca === CLS_ZERO && cb === CLS_ZERO) return { s: a.s === sb ? a.s : rc === RC_DOWN ? 1 : 0, e: 0, m: 0n };
  if (cb === CLS_ZERO) { const n = norm(a); return rnd(a.s, n.m, n.q, false, p, rc, r); }
  if (ca === CLS_ZERO) { const n = norm(b); return rnd(sb, n.m, n.q, false, p, rc, r); }
  let { m: ma, q: qa } = norm(a), { m: mb, q: qb } = norm(b);
  // A far smaller operand only matters as a sticky bit: keep it tiny but nonzero.
  if (qa - qb > 160) { mb = 1n; qb = qa - 160; }
  else if (qb - qa > 160) { ma = 1n; qa = qb - 160; }
  const q = Math.min(qa, qb);
  let sum = (a.s ? -ma : ma) << BigInt(qa - q);
  sum += (sb ? -mb : mb) << BigInt(qb - q);
  if (sum === 0n) return { s: rc === RC_DOWN ? 1 : 0, e: 0, m: 0n };
  return sum < 0n ? rnd(1, -sum, q, false, p, rc, r) : rnd(0, sum, q, false, p, rc, r);
}

export function mul(a: F80, b: F80, p: number, rc: number, r: Range = EXT): F80 {
  const ca = cls(a), cb = cls(b);
  const sp = special2(a, b, ca, cb);
  if (sp) return sp;
  const s = a.s ^ b.s;
  if (ca === CLS_INF || cb === CLS_INF) {
    if (ca === CLS_ZERO || cb === CLS_ZERO) return invalid();
    return { s, e: 0x7fff, m: J };
  }
  if (ca === CLS_ZERO || cb === CLS_ZERO) return { s, e: 0, m: 0n };
  const na = norm(a), nb = norm(b);
  return rnd(s, na.m * nb.m, na.q + nb.q, false, p, rc, r);
}

export function div(a: F80, b: F80, p: number, rc: number, r: Range = EXT): F80 {
  const ca = cls(a), cb = cls(b);
  const sp = special2(a, b, ca, cb);
  if (sp) return sp;
  const s = a.s ^ b.s;
  if (ca === CLS_INF) return cb === CLS_INF ? invalid() : { s, e: 0x7fff, m: J };
  if (cb === CLS_INF) return { s, e: 0, m: 0n };
  if (cb === CLS_ZERO) {
    if (ca === CLS_ZERO) return invalid();
    status.exc = (status.exc & ~DE) | ZE;
    return { s, e: 0x7fff, m: J };
  }
  if (ca === CLS_ZERO) return { s, e: 0, m: 0n };
  const na = norm(a), nb = norm(b);
  const ma = na.m << 68n, quo = ma / nb.m;
  return rnd(s, quo, na.q - 68 - nb.q, quo * nb.m !== ma, p, rc, r);
}

/** floor(sqrt(n)) for n > 0. */
export function isqrt(n: bigint): bigint {
  const l = bitlen(n);
  let x = l > 1000 ? 1n << BigInt((l >> 1) + 1) : BigInt(Math.ceil(Math.sqrt(Number(n)) * (1 + 2 ** -40))) + 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(a: F80, p: number, rc: number, r: Range = EXT): F80 {
  const ca = cls(a);
  if (ca === CLS_BAD) return invalid();
  if (isNaNish(ca)) return propagateNaN(a);
  if (ca === CLS_ZERO) return a;
  if (a.s) return invalid();
  if (ca === CLS_INF) return a;
  if (a.e === 0) status.exc |= DE;
  const { m, q } = norm(a);
  const k = (q & 1) ? 71 : 70;
  const n = m << BigInt(k), root = isqrt(n);
  return rnd(0, root, (q - k) / 2, root * root !== n, p, rc, r);
}

/** Compare: 0 equal, -1 a < b, 1 a > b, 2 unordered. Raises nothing (callers decide IE). */
export function compare(a: F80, b: F80): number {
  const ca = cls(a), cb = cls(b);
  if (isNaNish(ca) || isNaNish(cb) || ca === CLS_BAD || cb === CLS_BAD) return 2;
  if (ca === CLS_ZERO && cb === CLS_ZERO) return 0;
  if (a.s !== b.s) return a.s ? -1 : 1;
  let r: number;
  if (ca === CLS_ZERO) r = -1;
  else if (cb === CLS_ZERO) r = 1;
  else {
    const ea = a.e === 0 ? 1 : a.e, eb = b.e === 0 ? 1 : b.e;
    r = ea !== eb ? (ea < eb ? -1 : 1) : a.m === b.m ? 0 : a.m < b.m ? -1 : 1;
  }
  return a.s ? -r : r;
}

/** Rounds a finite value to an integer per rc, as an exact F80 (frndint). */
export function roundInt(a: F80, rc: number): F80 {
  const ca = cls(a);
  if (ca === CLS_BAD) return invalid();
  if (isNaNish(ca)) return propagateNaN(a);
  if (ca !== CLS_FINITE) return a;
  if (a.e === 0) status.exc |= DE;
  const { m, q } = norm(a);
  if (q >= 0) return a;
  const mag = roundShift(a.s, m, -q, rc);
  if (mag === 0n) return { s: a.s, e: 0, m: 0n };
  return round(a.s, mag, 0, false, 64, EXT_EMIN, EXT_EMAX, rc);
}

/** m >> k rounded per rc for a value of sign s; raises PE when bits are lost. */
function roundShift(s: number, m: bigint, k: number, rc: number): bigint {
  if (k > 70) { m = m !== 0n ? 1n : 0n; k = 3; }
  const bk = BigInt(k), r = m >> bk, rem = m - (r << bk);
  if (rem === 0n) return r;
  status.exc |= PE;
  let up: boolean;
  if (rc === RC_NEAR) {
    const half = 1n << (bk - 1n);
    up = rem > half || (rem === half && (r & 1n) === 1n);
  } else up = rc === RC_UP ? s === 0 : rc === RC_DOWN ? s === 1 : false;
  if (up) { status.up = true; return r + 1n; }
  return r;
}

/** Integer conversion for fist/fistp/fisttp: the value, or undefined for invalid (IE raised). */
export function toInt(a: F80, rc: number, bits: number): bigint | undefined {
  const ca = cls(a);
  if (ca === CLS_ZERO) return 0n;
  if (ca !== CLS_FINITE) { status.exc |= IE; return undefined; }
  const { m, q } = norm(a);
  if (q > 64) { status.exc |= IE; return undefined; }
  const mag = q >= 0 ? m << BigInt(q) : roundShift(a.s, m, -q, rc);
  const v = a.s ? -mag : mag;
  const lim = 1n << BigInt(bits - 1);
  if (v >= lim || v < -lim) { status.exc |= IE; status.exc &= ~PE; return undefined; }
  return v;
}

/** Exact conversion of an integer. */
export function fromBigInt(v: bigint): F80 {
  if (v === 0n) return { s: 0, e: 0, m: 0n };
  const s = v < 0n ? 1 : 0, mag = s ? -v : v;
  const l = bitlen(mag);
  return { s, e: BIAS + l - 1, m: mag << BigInt(64 - l) };
}

/** Exact F80 from a JS number (float64); NaN becomes the default QNaN with the sign kept. */
export function fromNumber(x: number): F80 {
  f64[0] = x;
  return fromF64Bits(f64w[1], f64w[0]);
}

/**
 * Exact F80 of an IEEE binary value given as sign, biased exponent ex and
 * fraction (fbits bits; exponent all-ones emax, bias ebias): denormals are
 * normalized, infinities and NaNs keep their fraction bits.
 */
function fromIeee(s: number, ex: number, frac: bigint, fbits: number, emax: number, ebias: number): F80 {
  const shift = BigInt(63 - fbits);
  if (ex === emax) return { s, e: 0x7fff, m: J | (frac << shift) };
  if (ex === 0) {
    if (frac === 0n) return { s, e: 0, m: 0n };
    const l = bitlen(frac);
    return { s, e: BIAS - (ebias - 1) - (fbits + 1 - l), m: frac << BigInt(64 - l) };
  }
  return { s, e: ex - ebias + BIAS, m: J | (frac << shift) };
}

export function fromF64Bits(hi: number, lo: number): F80 {
  return fromIeee(hi >>> 31, (hi >>> 20) & 0x7ff, (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0), 52, 0x7ff, 1023);
}

/** Nearest float64 of a register value (for the float64 transcendental paths). */
export function toNumber(a: F80): number {
  const c = cls(a);
  if (c === CLS_ZERO) return a.s ? -0 : 0;
  if (c === CLS_INF) return a.s ? -Infinity : Infinity;
  if (c !== CLS_FINITE) return NaN;
  const saved = status.exc, up = status.up;
  const { m, q } = norm(a);
  const r = round(a.s, m, q, false, 53, DBL_EMIN, DBL_EMAX, RC_NEAR);
  status.exc = saved;
  status.up = up;
  const bits = toF64Bits(r);
  f64w[0] = Number(bits & 0xffffffffn);
  f64w[1] = Number(bits >> 32n);
  return f64[0];
}

/** Raw bits of a float64 store (already rounded to double range/precision by the caller, or special). */
export function toF64Bits(a: F80): bigint {
  const sign = BigInt(a.s) << 63n;
  if (a.e === 0x7fff) return sign | (0x7ffn << 52n) | ((a.m >> 11n) & 0xfffffffffffffn);
  if (a.m === 0n) return sign;
  const { m, q } = norm(a);
  const de = q + 63 + 1023;
  if (de >= 1) return sign | (BigInt(de) << 52n) | ((m >> 11n) & 0xfffffffffffffn);
  return sign | (m >> BigInt(12 - de));
}

export function toF32Bits(a: F80): number {
  const sign = a.s << 31;
  if (a.e === 0x7fff) return (sign | 0x7f800000 | Number((a.m >> 40n) & 0x7fffffn)) >>> 0;
  if (a.m === 0n) return sign >>> 0;
  const { m, q } = norm(a);
  const de = q + 63 + 127;
  if (de >= 1) return (sign | (de << 23) | Number((m >> 40n) & 0x7fffffn)) >>> 0;
  return (sign | Number(m >> BigInt(41 - de))) >>> 0;
}

export function fromF32Bits(v: number): F80 {
  return fromIeee(v >>> 31, (v >>> 23) & 0xff, BigInt(v & 0x7fffff), 23, 0xff, 127);
}

/**
 * Partial remainder (fprem: truncated quotient, fprem1: round-to-nearest).
 * Returns the new ST0, the quotient's low three bits and whether the
 * reduction is incomplete (C2), as the x87 does when exponents differ by 64+.
 */
export function prem(a: F80, b: F80, nearest: boolean): { r: F80; q: number; partial: boolean } {
  const ca = cls(a), cb = cls(b);
  if ((ca === CLS_INF && cb <= CLS_INF) || (cb === CLS_ZERO && ca <= CLS_INF)) return { r: invalid(), q: 0, partial: false };
  const sp = special2(a, b, ca, cb);
  if (sp) return { r: sp, q: 0, partial: false };
  if (ca === CLS_ZERO || cb === CLS_INF) return { r: a, q: 0, partial: false };
  const { m: ma, q: qa } = norm(a), { m: mb, q: qb } = norm(b);
  const d = qa - qb;
  if (d >= 64) {
    const n = (d & 31) | 32;
    const A = ma << BigInt(n), Q = A / mb, R = A - Q * mb;
    const r = R === 0n ? { s: a.s, e: 0, m: 0n } : round(a.s, R, qa - n, false, 64, EXT_EMIN, EXT_EMAX, RC_NEAR);
    return { r, q: Number(Q & 7n), partial: true };
  }
  let A: bigint, B: bigint, q: number;
  if (d >= 0) { A = ma << BigInt(d); B = mb; q = qb; } else { A = ma; B = mb << BigInt(-d); q = qa; }
  let Q = A / B, R = A - Q * B, s = a.s;
  if (nearest && (2n * R > B || (2n * R === B && (Q & 1n) === 1n))) { Q += 1n; R = B - R; s ^= 1; }
  const r = R === 0n ? { s: a.s, e: 0, m: 0n } : round(s, R, q, false, 64, EXT_EMIN, EXT_EMAX, RC_NEAR);
  return { r, q: Number(Q & 7n), partial: false };
}

/** Precision in bits selected by the control word's PC field. */
export function precisionBits(cw: number): number {
  const pc = (cw >> 8) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}

// ---- transcendentals in fixed point (value = N / 2^F), correctly rounded but for ~2^-100 ties ----

const F0 = 600;
/** atanh series sum z + z^3/3 + ... (alt: atan, alternating signs) for fixed-point |z| < 1. */
function oddSeries(z: bigint, F: number, alt: boolean): bigint {
  if (z < 0n) return -oddSeries(-z, F, alt);
  const bf = BigInt(F), z2 = (z * z) >> bf;
  let term = z, sum = 0n, k = 1n, neg = false;
  while (term !== 0n) {
    sum += neg ? -(term / k) : term / k;
    term = (term * z2) >> bf;
    k += 2n;
    if (alt) neg = !neg;
  }
  return sum;
}
const ONE0 = 1n << BigInt(F0);
const LN2_0 = 2n * oddSeries(ONE0 / 3n, F0, false);
const PI_0 = 16n * oddSeries(ONE0 / 5n, F0, true) - 4n * oddSeries(ONE0 / 239n, F0, true);
const at = (c: bigint, F: number) => shl(c, F - F0);

/** Fixed-point (F bits) value of a finite F80, truncated. */
function fixed(a: F80, F: number): bigint {
  if (a.m === 0n) return 0n;
  const { m, q } = norm(a);
  const v = shl(m, q + F);
  return a.s ? -v : v;
}

function fromFixed(v: bigint, F: number, exact: boolean, rc: number): F80 {
  if (v === 0n) return { s: 0, e: 0, m: 0n };
  return v < 0n ? round(1, -v, -F, !exact, 64, EXT_EMIN, EXT_EMAX, rc) : round(0, v, -F, !exact, 64, EXT_EMIN, EXT_EMAX, rc);
}

/** Working precision: 160 bits, more for tiny arguments so the relative error stays below 2^-100. */
function workBits(a: F80): number {
  if (a.m === 0n) return 160;
  return 160 + Math.max(0, -(norm(a).q + 63));
}

/** log2 of m * 2^q (m > 0, any length), fixed point F. */
function log2Fixed(m: bigint, q: number, F: number): bigint {
  const L = bitlen(m);
  let k = q + L - 1, T = shl(m, F - (L - 1));
  const one = 1n << BigInt(F);
  if (T > (one * 0xb504f333f9de6484n) >> 63n) { T >>= 1n; k += 1; }
  const z = ((T - one) << BigInt(F)) / (T + one);
  const ln = 2n * oddSeries(z, F, false);
  return (BigInt(k) << BigInt(F)) + (ln << BigInt(F)) / at(LN2_0, F);
}

const INF = (s: number): F80 => ({ s, e: 0x7fff, m: J });

/** y * log2(x) (fyl2x); plus1: y * log2(1 + x) (fyl2xp1). NaN operands are handled by the caller. */
export function ylog2x(y: F80, x: F80, plus1: boolean, rc: number): F80 {
  const cx = cls(x), cy = cls(y);
  if (plus1) {
    if (cx === CLS_ZERO) return mul(y, x, 64, rc);
    if (x.s && (x.e > BIAS || (x.e === BIAS && x.m > J))) {
      // x < -1 is outside the instruction's domain: the x87 leaves x (or y * -1 for y = 0 or infinity)
      if (cx === CLS_INF) return invalid();
      if (cy === CLS_ZERO || cy === CLS_INF) return { s: y.s ^ 1, e: y.e, m: y.m };
      status.exc |= PE;
      return x;
    }
    if (cx === CLS_INF) return cy === CLS_ZERO ? invalid() : INF(y.s);
    if (x.e >= BIAS - 1) {
      if (cy === CLS_INF) return INF(y.s ^ x.s);
      if (cy === CLS_ZERO) return { s: y.s ^ x.s, e: 0, m: 0n };
      const nx = norm(x);
      const q = Math.min(nx.q, 0), sum = (x.s ? -nx.m : nx.m) * (1n << BigInt(nx.q - q)) + (1n << BigInt(-q));
      if (sum === 0n) { status.exc |= ZE; return INF(y.s ^ 1); }
      const F = 160, L = log2Fixed(sum, q, F);
      const ny = norm(y);
      return fromFixed(y.s ? -ny.m * L : ny.m * L, F - ny.q, false, rc);
    }
    if (cy === CLS_INF) return INF(y.s ^ x.s);
    if (cy === CLS_ZERO) return { s: y.s ^ x.s, e: 0, m: 0n };
    const F = workBits(x), one = 1n << BigInt(F), X = fixed(x, F);
    const z = (X << BigInt(F)) / (2n * one + X);
    const L = ((2n * oddSeries(z, F, false)) << BigInt(F)) / at(LN2_0, F);
    const ny = norm(y);
    return fromFixed(y.s ? -ny.m * L : ny.m * L, F - ny.q, false, rc);
  }
  if (x.s && cx !== CLS_ZERO) return invalid();
  if (cx === CLS_ZERO) {
    if (cy === CLS_ZERO) return invalid();
    if (cy !== CLS_INF) status.exc |= ZE;
    return INF(y.s ^ 1);
  }
  if (cx === CLS_INF) return cy === CLS_ZERO ? invalid() : INF(y.s);
  const nx = norm(x);
  const F = 160, L = log2Fixed(nx.m, nx.q, F);
  if (cy === CLS_INF) return L === 0n ? invalid() : INF(y.s ^ (L < 0n ? 1 : 0));
  if (L === 0n || cy === CLS_ZERO) return { s: y.s ^ (L < 0n ? 1 : 0), e: 0, m: 0n };
  const ny = norm(y);
  return fromFixed(y.s ? -ny.m * L : ny.m * L, F - ny.q, false, rc); // the x87 reports PE even for exact powers of two
}

/** 2^x - 1 (f2xm1), x finite and nonzero. */
export function exp2m1(x: F80, rc: number): F80 {
  const F = workBits(x) + 8, bf = BigInt(F);
  const X = fixed(x, F);
  if (X === 1n << bf) return { s: 0, e: BIAS, m: J };
  if (X === -(1n << bf)) return { s: 1, e: BIAS - 1, m: J };
  const W = (X * at(LN2_0, F)) >> bf;
  let term = W, sum = 0n, n = 1n;
  while (term !== 0n) {
    sum += term;
    n += 1n;
    term = ((term * W) >> bf) / n;
  }
  return fromFixed(sum, F, false, rc);
}

/** atan2(y, x) (fpatan); NaN operands are handled by the caller. */
export function atan2(y: F80, x: F80, rc: number): F80 {
  const cy = cls(y), cx = cls(x);
  let F = 160, r: bigint;
  if (cy === CLS_ZERO) {
    if (!x.s) return { s: y.s, e: 0, m: 0n };
    r = at(PI_0, F);
  } else if (cx === CLS_ZERO) r = at(PI_0, F) / 2n;
  else if (cy === CLS_INF) r = cx === CLS_INF ? (x.s ? (3n * at(PI_0, F)) / 4n : at(PI_0, F) / 4n) : at(PI_0, F) / 2n;
  else if (cx === CLS_INF) {
    if (!x.s) return { s: y.s, e: 0, m: 0n };
    r = at(PI_0, F);
  } else {
    const { m: my, q: qy } = norm(y), { m: mx, q: qx } = norm(x);
    const swap = qy > qx || (qy === qx && my > mx);
    // z = small / large <= 1, with extra bits so a tiny quotient keeps its relative precision
    F += Math.max(0, Math.abs(qy - qx) - 4);
    const bf = BigInt(F), one = 1n << bf, pi = at(PI_0, F);
    let t = swap ? shl(mx, qx - qy + F) / my : shl(my, qy - qx + F) / mx;
    for (let k = 0; k < 2; k++) t = (t << bf) / (one + isqrt((one << bf) + t * t));
    const a = oddSeries(t, F, true) << 2n;
    r = swap ? pi / 2n - a : a;
    if (x.s) r = pi - r;
  }
  return fromFixed(y.s ? -r : r, F, false, rc);
}
