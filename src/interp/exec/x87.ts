/**
 * x87 executors (escape opcodes d8-df, plus fxsave/fxrstor). State lives in
 * fpu.ts; exact extended arithmetic in float80.ts. Every non-control
 * instruction first raises SIGFPE if an unmasked exception is pending, records
 * FIP/FOP/FDP, runs with fresh exception flags, and then merges the flags and
 * C1 into the status word (see finish()).
 */
import type { Insn } from "../../isa/decode.ts";
import { K_ST0 } from "../../isa/table.ts";
import type { Machine } from "../machine.ts";
import { condition, AF, CF, OF, PF, SF as EF_SF, ZF, updateFlags } from "../flags.ts";
import { GuestFault, SIGFPE } from "../../vmm/fault.ts";
import { S_SEL } from "../../vmm/layout.ts";
import {
  atan2, exp2m1, ylog2x, add, BIAS, cls, CLS_BAD, CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN, CLS_ZERO, compare, DBL_EMAX, DBL_EMIN, div, EXT_EMAX,
  EXT_EMIN, FLT_EMAX, FLT_EMIN, fromBigInt, fromF32Bits, fromF64Bits, fromNumber, IE, INDEFINITE, mul, norm, nm, nq,
  precisionBits, prem, propagateNaN, quiet, round, roundInt, sqrt, status, toF32Bits, toF64Bits, toInt, toNumber, ZE,
  type F80, PE, SF, RC_UP, RC_DOWN,
} from "../float80.ts";
import { C0, C1, C2, C3, FCS, FDP, FDS, FIP, FOP, Fpu, fpuOf, fxamClass } from "../fpu.ts";

type X = (m: Machine, i: Insn) => void;

/** Starts a non-control instruction: pending unmasked exception check, pointers, fresh flags. */
function begin(m: Machine, i: Insn): Fpu {
  const f = fpuOf(m);
  if (f.sw & ~f.cw & 0x3f) throw new GuestFault(SIGFPE, i.addr, "x87 floating-point exception");
  f.i32[FIP >> 2] = i.addr;
  f.u16[FCS >> 1] = m.s[S_SEL + 1];
  f.u16[FOP >> 1] = ((i.row.opcode & 7) << 8) | (i.mod << 6) | (i.reg << 3) | i.rm;
  if (i.mod !== 3 && i.hasModrm) { f.i32[FDP >> 2] = m.ea(i); f.u16[FDS >> 1] = m.s[S_SEL + 3]; }
  status.exc = 0;
  status.up = false;
  return f;
}

/** Merges the flags of the instruction into the status word; C1 = rounded up or stack overflow. */
function finish(f: Fpu): void {
  const sw = f.sw | status.exc;
  f.sw = status.up ? sw | C1 : sw & ~C1;
}

const rc = (f: Fpu) => (f.cw >> 10) & 3;
const pc = (f: Fpu) => precisionBits(f.cw);

// ---- memory operands -------------------------------------------------------

function readF32(m: Machine, a: number): F80 { return fromF32Bits(m.mem.read32(a) >>> 0); }
function readF64(m: Machine, a: number): F80 { return fromF64Bits(m.mem.read32(a + 4), m.mem.read32(a)); }
function readF80(m: Machine, a: number): F80 {
  const lo = m.mem.read32(a) >>> 0, hi = m.mem.read32(a + 4) >>> 0, se = m.mem.read16(a + 8);
  return { s: se >>> 15, e: se & 0x7fff, m: (BigInt(hi) << 32n) | BigInt(lo) };
}
function writeF80(m: Machine, a: number, v: F80): void {
  m.mem.write16(a + 8, (v.s << 15) | v.e); // highest byte first: a fault leaves memory untouched
  m.mem.write32(a + 4, Number(v.m >> 32n));
  m.mem.write32(a, Number(v.m & 0xffffffffn));
}

/** SNaN loaded from m32/m64 raises IE and becomes a QNaN; denormals raise DE. */
function loadConv(v: F80): F80 {
  const c = cls(v);
  if (c === CLS_SNAN) { status.exc |= IE; return quiet(v); }
  if (c === CLS_FINITE && v.e === 0) status.exc |= 2;
  return v;
}

/** Rounds a register value to float32/float64 format (NaN quieted with IE for SNaN). */
function toFormat(v: F80, p: number, emin: number, emax: number, r: number): F80 {
  const c = cls(v);
  if (c === CLS_FINITE) { norm(v); return round(v.s, nm, nq, false, p, emin, emax, r); }
  if (c === CLS_SNAN) { status.exc |= IE; return quiet(v); }
  if (c === CLS_BAD) { status.exc |= IE; return INDEFINITE; }
  return v;
}

function storeF64(m: Machine, a: number, v: F80, r: number): void {
  const b = toF64Bits(toFormat(v, 53, DBL_EMIN, DBL_EMAX, r));
  m.mem.write32(a + 4, Number(b >> 32n));
  m.mem.write32(a, Number(b & 0xffffffffn));
}

function storeF32(m: Machine, a: number, v: F80, r: number): void {
  m.mem.write32(a, toF32Bits(toFormat(v, 24, FLT_EMIN, FLT_EMAX, r)));
}

function readInt(m: Machine, a: number, bytes: number): F80 {
  if (bytes === 2) return fromBigInt(BigInt((m.mem.read16(a) << 16) >> 16));
  if (bytes === 4) return fromBigInt(BigInt(m.mem.read32(a)));
  return fromBigInt((BigInt(m.mem.read32(a + 4)) << 32n) | BigInt(m.mem.read32(a) >>> 0));
}

function writeInt(m: Machine, a: number, bytes: number, v: bigint | undefined): void {
  if (bytes === 2) m.mem.write16(a, v === undefined ? 0x8000 : Number(v & 0xffffn));
  else if (bytes === 4) m.mem.write32(a, v === undefined ? 0x80000000 : Number(v & 0xffffffffn));
  else {
    const u = v === undefined ? 1n << 63n : BigInt.asUintN(64, v);
    m.mem.write32(a + 4, Number(u >> 32n));
    m.mem.write32(a, Number(u & 0xffffffffn));
  }
}

/** Bytes of the memory operand from its form (Mw Md Mq Mt). */
function memBytes(i: Insn): number {
  switch (i.row.ops[0].charCodeAt(1)) {
    case 0x77: return 2;
    case 0x64: return 4;
    case 0x71: return 8;
  }
  return 10;
}

/** The arithmetic source operand of a d8/da/dc/de memory form. */
function memOperand(m: Machine, i: Insn): F80 {
  const a = m.ea(i);
  switch (i.row.opcode) {
    case 0xd8: return loadConv(readF32(m, a));
    case 0xdc: return loadConv(readF64(m, a));
    case 0xda: return readInt(m, a, 4);
  }
  return readInt(m, a, 2);
}

// ---- arithmetic ------------------------------------------------------------

type Op = (a: F80, b: F80, p: number, r: number) => F80;
const OPS: Record<string, Op> = {
  add: (a, b, p, r) => add(a, b, false, p, r),
  sub: (a, b, p, r) => add(a, b, true, p, r),
  subr: (a, b, p, r) => add(b, a, true, p, r),
  mul: (a, b, p, r) => mul(a, b, p, r),
  div: (a, b, p, r) => div(a, b, p, r),
  divr: (a, b, p, r) => div(b, a, p, r),
};

/** fop / fiop / fopp: dst = dst op src, dst = ST0 unless the form is "STi,ST". */
function arith(op: Op, popAfter: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    let d = 0, b: F80;
    if (i.mod !== 3) b = memOperand(m, i);
    else if (i.row.kinds[0] === K_ST0) b = f.st(i.rm, status);
    else { d = i.rm; b = f.st(0, status); }
    const a = d === 0 ? f.st(0, status) : f.st(d, status);
    f.set(d, op(a, b, pc(f), rc(f)));
    if (popAfter) f.pop();
    finish(f);
  };
}

// ---- comparisons -----------------------------------------------------------

/** DE for a denormal operand (the comparison and scaling paths raise it themselves). */
function denormalCheck(a: F80, b: F80): void {
  if (cls(a) >= CLS_QNAN || cls(b) >= CLS_QNAN) return;
  if ((a.e === 0 && a.m !== 0n) || (b.e === 0 && b.m !== 0n)) status.exc |= 2;
}

/** Sets C3 C2 C0 (C1 cleared) from a comparison; unordered raises IE unless quiet and no SNaN. */
function setCond(f: Fpu, a: F80, b: F80, unordered: boolean): void {
  denormalCheck(a, b);
  const r = compare(a, b);
  if (r === 2) {
    const ca = cls(a), cb = cls(b);
    if (!unordered || ca === CLS_SNAN || cb === CLS_SNAN || ca === CLS_BAD || cb === CLS_BAD) status.exc |= IE;
  }
  const c = r === 2 ? C3 | C2 | C0 : r === 0 ? C3 : r < 0 ? C0 : 0;
  status.up = false;
  f.sw = (f.sw & ~(C0 | C2 | C3)) | c;
}

function fcom(pops: number, unordered: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const b = i.mod !== 3 ? memOperand(m, i) : f.st(i.hasModrm && i.row.modrmByte < 0 ? i.rm : 1, status);
    setCond(f, f.st(0, status), b, unordered);
    for (let k = 0; k < pops; k++) f.pop();
    finish(f);
  };
}

function fcomi(pop: boolean, unordered: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const a = f.st(0, status), b = f.st(i.rm, status);
    denormalCheck(a, b);
    const r = compare(a, b);
    if (r === 2) {
      const ca = cls(a), cb = cls(b);
      if (!unordered || ca === CLS_SNAN || cb === CLS_SNAN || ca === CLS_BAD || cb === CLS_BAD) status.exc |= IE;
    }
    const fl = r === 2 ? ZF | PF | CF : r === 0 ? ZF : r < 0 ? CF : 0;
    updateFlags(m.s, ZF | PF | CF | OF | EF_SF | AF, fl);
    if (pop) f.pop();
    finish(f);
  };
}

/** DE for denormal operands unless the operation was invalid. */
function afterDenormal(a: F80, b: F80, r: F80): F80 {
  if (!(status.exc & (IE | ZE))) denormalCheck(a, b);
  return r;
}

// ---- loads and stores ------------------------------------------------------

function fld(m: Machine, i: Insn): void {
  const f = begin(m, i);
  let v: F80;
  if (i.mod === 3) v = f.st(i.rm, status);
  else {
    const a = m.ea(i), n = memBytes(i);
    v = n === 4 ? loadConv(readF32(m, a)) : n === 8 ? loadConv(readF64(m, a)) : readF80(m, a);
  }
  f.push(v, status);
  finish(f);
}

function fst(popAfter: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const v = f.st(0, status);
    if (i.mod === 3) f.set(i.rm, v);
    else {
      const a = m.ea(i), n = memBytes(i);
      if (n === 4) storeF32(m, a, v, rc(f));
      else if (n === 8) storeF64(m, a, v, rc(f));
      else writeF80(m, a, v);
    }
    if (popAfter) f.pop();
    finish(f);
  };
}

function fild(m: Machine, i: Insn): void {
  const f = begin(m, i);
  f.push(readInt(m, m.ea(i), memBytes(i)), status);
  finish(f);
}

function fist(popAfter: boolean, truncate: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const n = memBytes(i);
    const v = toInt(f.st(0, status), truncate ? 3 : rc(f), n * 8);
    writeInt(m, m.ea(i), n, v);
    if (popAfter) f.pop();
    finish(f);
  };
}

/** Packed BCD: 9 bytes of two digits each, sign in bit 7 of byte 9. */
function fbld(m: Machine, i: Insn): void {
  const f = begin(m, i);
  const a = m.ea(i);
  let v = 0n;
  for (let k = 8; k >= 0; k--) {
    const b = m.mem.read8(a + k);
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  const r = fromBigInt(v);
  if (m.mem.read8(a + 9) & 0x80) r.s = 1;
  f.push(r, status);
  finish(f);
}

function fbstp(m: Machine, i: Insn): void {
  const f = begin(m, i);
  const src = f.st(0, status), a = m.ea(i);
  const v = toInt(src, rc(f), 64);
  const bytes = new Uint8Array(10);
  if (v === undefined || v >= 10n ** 18n || v <= -(10n ** 18n)) {
    status.exc |= IE;
    bytes.set([0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff]);
  } else {
    let u = v < 0n ? -v : v;
    for (let k = 0; k < 9; k++) {
      const d = Number(u % 100n);
      u /= 100n;
      bytes[k] = ((d / 10) << 4) | (d % 10);
    }
    bytes[9] = src.s ? 0x80 : 0;
  }
  for (let k = 9; k >= 0; k--) m.mem.write8(a + k, bytes[k]);
  f.pop();
  finish(f);
}

// ---- constants ---------------------------------------------------------------

/** 64-bit significand rounded to nearest; dir: +1 rounded up, -1 rounded down, 0 exact (RC adjusts). */
function constant(e: number, mant: bigint, dir: number): X {
  return (m, i) => {
    const f = begin(m, i);
    const r = rc(f);
    let v = mant;
    if (dir > 0 && (r === RC_DOWN || r === 3)) v -= 1n;
    if (dir < 0 && r === RC_UP) v += 1n;
    f.push({ s: 0, e, m: v }, status);
    finish(f);
  };
}

// ---- one-operand ST0 operations ---------------------------------------------

function unary(fn: (v: F80, f: Fpu) => F80): X {
  return (m, i) => {
    const f = begin(m, i);
    const v = f.st(0, status);
    f.set(0, fn(v, f));
    finish(f);
  };
}

/** ST0 -> fn(ST0) computed in float64 (transcendentals); NaN/inf handled by the caller's checks. */
function viaFloat64(v: F80, fn: (x: number) => number): F80 {
  const c = cls(v);
  if (c === CLS_QNAN || c === CLS_SNAN) return propagateNaN(v);
  if (c === CLS_BAD) { status.exc |= IE; return INDEFINITE; }
  const x = fn(toNumber(v));
  if (Number.isNaN(x)) { status.exc |= IE; return INDEFINITE; }
  status.exc |= PE;
  return fromNumber(x);
}

/** fsin/fcos/fptan/fsincos operand out of range (|x| >= 2^63): C2 = 1 and ST0 unchanged. */
function trigOutOfRange(f: Fpu, v: F80): boolean {
  const c = cls(v);
  if (c === CLS_INF) { status.exc |= IE; f.set(0, INDEFINITE); return true; }
  const big = c === CLS_FINITE && v.e - BIAS >= 63;
  f.sw = big ? f.sw | C2 : f.sw & ~C2;
  return big;
}

function trig(which: "sin" | "cos" | "tan" | "sincos"): X {
  return (m, i) => {
    const f = begin(m, i);
    const v = f.st(0, status);
    if (!trigOutOfRange(f, v)) {
      const c = cls(v);
      if (c === CLS_ZERO && which !== "cos") {
        if (which === "tan") f.push({ s: 0, e: BIAS, m: 1n << 63n }, status);
        if (which === "sincos") { f.set(0, v); f.push({ s: 0, e: BIAS, m: 1n << 63n }, status); }
      } else if (which === "sin") f.set(0, viaFloat64(v, Math.sin));
      else if (which === "cos") f.set(0, viaFloat64(v, Math.cos));
      else if (which === "tan") { f.set(0, viaFloat64(v, Math.tan)); f.push({ s: 0, e: BIAS, m: 1n << 63n }, status); }
      else {
        const s = viaFloat64(v, Math.sin), co = viaFloat64(v, Math.cos);
        f.set(0, s);
        f.push(co, status);
      }
    }
    finish(f);
  };
}

/** ST1 = fn(ST1, ST0), then pop (fpatan, fyl2x, fyl2xp1). */
function binaryPop(fn: (y: F80, x: F80, f: Fpu) => F80): X {
  return (m, i) => {
    const f = begin(m, i);
    const x = f.st(0, status), y = f.st(1, status);
    f.set(1, fn(y, x, f));
    f.pop();
    finish(f);
  };
}

function nanOf(a: F80, b: F80): F80 | undefined {
  const ca = cls(a), cb = cls(b);
  if (ca === CLS_BAD || cb === CLS_BAD) { status.exc |= IE; return INDEFINITE; }
  if (ca >= CLS_QNAN || cb >= CLS_QNAN) return propagateNaN(a, b);
  return undefined;
}

/** y * log2(x) (plus1: log2(x + 1)), computed to ~2^-100 and rounded once. */
function ylog2(plus1: boolean) {
  return (y: F80, x: F80, f: Fpu): F80 => nanOf(y, x) ?? afterDenormal(y, x, ylog2x(y, x, plus1, rc(f)));
}

function fscale(v: F80, f: Fpu): F80 {
  const s1 = f.st(1, status);
  const n = nanOf(v, s1);
  if (n) return n;
  const c0 = cls(v), c1 = cls(s1);
  denormalCheck(v, s1);
  if (c1 === CLS_INF) {
    if (s1.s && c0 === CLS_INF) { status.exc |= IE; return INDEFINITE; }
    if (!s1.s && c0 === CLS_ZERO) { status.exc |= IE; return INDEFINITE; }
    if (c0 === CLS_ZERO || c0 === CLS_INF) return v;
    return s1.s ? { s: v.s, e: 0, m: 0n } : { s: v.s, e: 0x7fff, m: 1n << 63n };
  }
  if (c0 !== CLS_FINITE) return v;
  let k = 0;
  if (c1 === CLS_FINITE) {
    norm(s1);
    k = nq >= 0 ? 1 << 20 : Number(nm >> BigInt(Math.min(-nq, 64)));
    if (nq >= 0 || k > 1 << 20) k = 1 << 20;
    if (s1.s) k = -k;
  }
  norm(v);
  return round(v.s, nm, nq + k, false, 64, EXT_EMIN, EXT_EMAX, rc(f));
}

function fxtract(m: Machine, i: Insn): void {
  const f = begin(m, i);
  const v = f.st(0, status), c = cls(v);
  if (c === CLS_ZERO) {
    status.exc |= ZE;
    f.set(0, { s: 1, e: 0x7fff, m: 1n << 63n });
    f.push(v, status);
  } else if (c === CLS_FINITE) {
    if (v.e === 0) status.exc |= 2;
    norm(v);
    f.set(0, fromBigInt(BigInt(nq + 63)));
    f.push({ s: v.s, e: BIAS, m: nm }, status);
  } else if (c === CLS_INF) {
    f.set(0, { s: 0, e: 0x7fff, m: 1n << 63n });
    f.push(v, status);
  } else {
    const n = c === CLS_BAD ? (status.exc |= IE, INDEFINITE) : propagateNaN(v);
    f.set(0, n);
    f.push(n, status);
  }
  finish(f);
}

function fpremX(nearest: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const { r, q, partial } = prem(f.st(0, status), f.st(1, status), nearest);
    f.set(0, r);
    let sw = f.sw & ~(C0 | C1 | C2 | C3);
    if (partial) sw |= C2;
    else sw |= (q & 4 ? C0 : 0) | (q & 2 ? C3 : 0) | (q & 1 ? C1 : 0);
    f.sw = sw | status.exc;
  };
}

// ---- environment -------------------------------------------------------------

function control(fn: (f: Fpu, m: Machine, i: Insn) => void): X {
  return (m, i) => fn(fpuOf(m), m, i);
}

/** The 28-byte protected-mode environment image. */
function storeEnv(f: Fpu, m: Machine, a: number): void {
  const words = [
    0xffff0000 | f.cw, 0xffff0000 | f.status, 0xffff0000 | f.tagWord(), f.i32[FIP >> 2],
    f.u16[FCS >> 1] | (f.u16[FOP >> 1] << 16), f.i32[FDP >> 2], 0xffff0000 | f.u16[FDS >> 1],
  ];
  for (let k = 6; k >= 0; k--) m.mem.write32(a + 4 * k, words[k]);
}

function loadEnv(f: Fpu, m: Machine, a: number): void {
  const w = [0, 1, 2, 3, 4, 5, 6].map((k) => m.mem.read32(a + 4 * k));
  f.cw = w[0];
  f.status = w[1];
  f.setTagWord(w[2]);
  f.i32[FIP >> 2] = w[3];
  f.u16[FCS >> 1] = w[4];
  f.u16[FOP >> 1] = (w[4] >>> 16) & 0x7ff;
  f.i32[FDP >> 2] = w[5];
  f.u16[FDS >> 1] = w[6];
}

function fxsave(f: Fpu, m: Machine, a: number): void {
  const img = new Uint8Array(512), dv = new DataView(img.buffer);
  dv.setUint16(0, f.cw, true);
  dv.setUint16(2, f.status, true);
  let ftw = 0;
  for (let p = 0; p < 8; p++) if (!f.physEmpty(p)) ftw |= 1 << p;
  img[4] = ftw;
  dv.setUint16(6, f.u16[FOP >> 1], true);
  dv.setUint32(8, f.i32[FIP >> 2], true);
  dv.setUint16(12, f.u16[FCS >> 1], true);
  dv.setUint32(16, f.i32[FDP >> 2], true);
  dv.setUint16(20, f.u16[FDS >> 1], true);
  dv.setUint32(24, 0x1f80, true);
  dv.setUint32(28, 0xffff, true);
  for (let k = 0; k < 8; k++) img.set(f.u8.subarray(f.phys(k) * 16, f.phys(k) * 16 + 10), 32 + 16 * k);
  if (!m.mem.writeBytes(a, img)) throw new GuestFault(11, a, "fxsave");
}

function fxrstor(f: Fpu, m: Machine, a: number): void {
  const img = m.mem.readBytes(a, 512);
  if (!img) throw new GuestFault(11, a, "fxrstor");
  const dv = new DataView(img.buffer, img.byteOffset, 512);
  f.cw = dv.getUint16(0, true);
  f.status = dv.getUint16(2, true);
  const top = f.top;
  for (let p = 0; p < 8; p++) f.setTag(p, ((img[4] >> p) & 1) === 1);
  f.u16[FOP >> 1] = dv.getUint16(6, true) & 0x7ff;
  f.i32[FIP >> 2] = dv.getUint32(8, true);
  f.u16[FCS >> 1] = dv.getUint16(12, true);
  f.i32[FDP >> 2] = dv.getUint32(16, true);
  f.u16[FDS >> 1] = dv.getUint16(20, true);
  for (let k = 0; k < 8; k++) f.u8.set(img.subarray(32 + 16 * k, 42 + 16 * k), ((top + k) & 7) * 16);
}

// ---- executors ---------------------------------------------------------------

export const x87Executors: Record<string, X> = {
  fwait: (m, i) => { const f = fpuOf(m); if (f.sw & ~f.cw & 0x3f) throw new GuestFault(SIGFPE, i.addr, "x87 floating-point exception"); },
  fnop: (m, i) => finish(begin(m, i)),
  fld, fild, fbld, fbstp,
  fst: fst(false), fstp: fst(true),
  fist: fist(false, false), fistp: fist(true, false), fisttp: fist(true, true),
  fld1: constant(BIAS, 1n << 63n, 0),
  fldz: constant(0, 0n, 0),
  fldpi: constant(BIAS + 1, 0xc90fdaa22168c235n, 1),
  fldl2e: constant(BIAS, 0xb8aa3b295c17f0bcn, 1),
  fldl2t: constant(BIAS + 1, 0xd49a784bcd1b8afen, -1),
  fldlg2: constant(BIAS - 2, 0x9a209a84fbcff799n, 1),
  fldln2: constant(BIAS - 1, 0xb17217f7d1cf79acn, 1),
  fcom: fcom(0, false), fcomp: fcom(1, false), fcompp: fcom(2, false),
  fucom: fcom(0, true), fucomp: fcom(1, true), fucompp: fcom(2, true),
  ficom: fcom(0, false), ficomp: fcom(1, false),
  fcomi: fcomi(false, false), fcomip: fcomi(true, false), fucomi: fcomi(false, true), fucomip: fcomi(true, true),
  ftst: (m, i) => { const f = begin(m, i); setCond(f, f.st(0, status), { s: 0, e: 0, m: 0n }, false); finish(f); },
  fxam: (m, i) => {
    const f = begin(m, i);
    const p = f.phys(0), sign = f.u16[(p << 3) + 4] >> 15;
    f.sw = (f.sw & ~(C0 | C1 | C2 | C3)) | fxamClass(f) | (sign ? C1 : 0);
  },
  fxch: (m, i) => {
    const f = begin(m, i);
    const a = f.st(0, status), b = f.st(i.rm, status);
    f.set(0, b);
    f.set(i.rm, a);
    finish(f);
  },
  ffree: (m, i) => { const f = begin(m, i); f.setTag(f.phys(i.rm), false); },
  ffreep: (m, i) => { const f = begin(m, i); f.setTag(f.phys(i.rm), false); f.pop(); },
  fchs: unary((v) => ({ s: v.s ^ 1, e: v.e, m: v.m })),
  fabs: unary((v) => ({ s: 0, e: v.e, m: v.m })),
  fsqrt: unary((v, f) => sqrt(v, pc(f), rc(f))),
  frndint: unary((v, f) => roundInt(v, rc(f))),
  fscale: unary(fscale),
  fxtract,
  fprem: fpremX(false), fprem1: fpremX(true),
  fsin: trig("sin"), fcos: trig("cos"), fptan: trig("tan"), fsincos: trig("sincos"),
  f2xm1: unary((v, f) => {
    const c = cls(v);
    if (c === CLS_ZERO) return v;
    if (c === CLS_INF) return v.s ? { s: 1, e: BIAS, m: 1n << 63n } : v;
    if (c !== CLS_FINITE) return viaFloat64(v, (x) => x);
    if (v.e > BIAS || (v.e === BIAS && v.m !== 1n << 63n)) { status.exc |= PE; return v; } // |x| > 1: left as is
    status.exc |= PE | (v.e === 0 ? 2 : 0);
    return exp2m1(v, rc(f));
  }),
  fpatan: binaryPop((y, x, f) => nanOf(y, x) ?? afterDenormal(y, x, atan2(y, x, rc(f)))),
  fyl2x: binaryPop(ylog2(false)),
  fyl2xp1: binaryPop(ylog2(true)),
  fdecstp: (m, i) => { const f = begin(m, i); f.top = f.top - 1; f.sw &= ~C1; },
  fincstp: (m, i) => { const f = begin(m, i); f.top = f.top + 1; f.sw &= ~C1; },
  fninit: control((f) => f.init()),
  fnclex: control((f) => { f.sw &= ~0xff; }),
  fnstsw: control((f, m, i) => {
    if (i.mod === 3 || !i.hasModrm) m.w[0] = f.status;
    else m.mem.write16(m.ea(i), f.status);
  }),
  fnstcw: control((f, m, i) => m.mem.write16(m.ea(i), f.cw)),
  fldcw: control((f, m, i) => { f.cw = m.mem.read16(m.ea(i)); }),
  fnstenv: control((f, m, i) => { storeEnv(f, m, m.ea(i)); f.cw = f.cw | 0x3f; }),
  fldenv: control((f, m, i) => loadEnv(f, m, m.ea(i))),
  fnsave: control((f, m, i) => {
    const a = m.ea(i);
    for (let k = 7; k >= 0; k--) writeF80(m, a + 28 + 10 * k, f.readPhys(f.phys(k)));
    storeEnv(f, m, a);
    f.init();
  }),
  frstor: control((f, m, i) => {
    const a = m.ea(i);
    loadEnv(f, m, a);
    for (let k = 0; k < 8; k++) f.writePhys(f.phys(k), readF80(m, a + 28 + 10 * k));
  }),
  fxsave: control((f, m, i) => fxsave(f, m, m.ea(i))),
  fxrstor: control((f, m, i) => fxrstor(f, m, m.ea(i))),
};

for (const [name, op] of Object.entries(OPS)) {
  x87Executors[`f${name}`] = arith(op, false);
  x87Executors[`f${name}p`] = arith(op, true);
  x87Executors[`fi${name}`] = arith(op, false);
}

/** fcmovcc: ST0 = STi when the EFLAGS condition holds (cc as in jcc). */
const FCMOV: Record<string, number> = { fcmovb: 2, fcmovnb: 3, fcmove: 4, fcmovne: 5, fcmovbe: 6, fcmovnbe: 7, fcmovu: 10, fcmovnu: 11 };
for (const [name, cc] of Object.entries(FCMOV)) {
  x87Executors[name] = (m, i) => {
    const f = begin(m, i);
    if (condition(m.s, cc)) f.set(0, f.st(i.rm, status));
    else if (f.isEmpty(i.rm) || f.isEmpty(0)) { status.exc |= IE | SF; f.set(0, INDEFINITE); }
    finish(f);
  };
}
