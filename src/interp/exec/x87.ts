/**
 * x87 executors (escape opcodes d8-df, plus fxsave/fxrstor, whose image
 * also holds MXCSR and the XMM registers of sse.ts). State lives in fpu.ts;
 * register values and their arithmetic belong to the machine's precision
 * model (x87-model.ts: f80, exact extended, or f64, IEEE double), reached
 * through the Fpu and never looked into here; the x87's stack, tags, status
 * word and special cases are the same in both. Every non-control instruction
 * first raises SIGFPE if an unmasked exception is pending, records
 * FIP/FOP/FDP, runs with fresh exception flags, and then merges the flags and
 * C1 into the status word (see finish()).
 */
import type { Insn } from "../../isa/decode.ts";
import { K_ST0 } from "../../isa/table.ts";
import type { Machine } from "../machine.ts";
import { condition, AF, CF, OF, PF, SF as EF_SF, ZF, updateFlags } from "../flags.ts";
import { GuestFault, SIGFPE, SIGSEGV } from "../../core/fault.ts";
import { S_SEL } from "../../core/layout.ts";
import {
  CLS_BAD, CLS_FINITE, CLS_INF, CLS_QNAN, CLS_SNAN, CLS_ZERO, DE, IE, PE, precisionBits, RC_DOWN, RC_UP, RC_ZERO, SF, status, ZE,
} from "../float80.ts";
import { C0, C1, C2, C3, Fpu, fxamClass, type Value } from "../fpu.ts";
import { FPU_FCS as FCS, FPU_FDP as FDP, FPU_FDS as FDS, FPU_FIP as FIP, FPU_FOP as FOP } from "../../core/layout.ts";
import type { X87Model } from "../x87-model.ts";
import { loadBytes, MXCSR_MASK, type Sse, storeBytes } from "../sse.ts";

type X = (m: Machine, i: Insn) => void;
type Model = X87Model<Value>;

/** Starts a non-control instruction: pending unmasked exception check, pointers, fresh flags. */
function begin(m: Machine, i: Insn): Fpu {
  const f = m.fpu;
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

/** Scratch words of a value on its way to memory: low, high, sign|exponent. */
const W = new Int32Array(3);

/** A float operand of n bytes (m32, m64, m80). */
function loadFloat(md: Model, m: Machine, a: number, n: number): Value {
  if (n === 4) return md.fromF32(m.ld32(a));
  if (n === 8) {
    const hi = m.ld32(a + 4);
    return md.fromF64(hi, m.ld32(a));
  }
  const lo = m.ld32(a), hi = m.ld32(a + 4);
  return md.fromBits(m.ld16(a + 8), hi, lo);
}

/** An integer operand of n bytes (m16, m32, m64). */
function loadInt(md: Model, m: Machine, a: number, n: number): Value {
  if (n === 2) return md.fromInt((m.ld16(a) << 16) >> 16);
  if (n === 4) return md.fromInt(m.ld32(a));
  const hi = m.ld32(a + 4);
  return md.fromI64(hi, m.ld32(a));
}

/** Stores v as an n-byte float rounded per r, highest part first: a fault leaves memory untouched. */
function storeFloat(md: Model, m: Machine, a: number, n: number, v: Value, r: number): void {
  if (n === 4) m.st32(a, md.toF32(v, r));
  else if (n === 8) {
    md.toF64(v, r, W);
    m.st32(a + 4, W[1]);
    m.st32(a, W[0]);
  } else {
    md.toBits(v, W, 0);
    m.st16(a + 8, W[2]);
    m.st32(a + 4, W[1]);
    m.st32(a, W[0]);
  }
}

/** fist: v as an n-byte integer rounded per r; an invalid conversion stores the integer indefinite. */
function storeInt(md: Model, m: Machine, a: number, n: number, v: Value, r: number): void {
  const ok = md.toInt(v, r, n * 8, W);
  if (n === 2) m.st16(a, ok ? W[0] : 0x8000);
  else if (n === 4) m.st32(a, ok ? W[0] : 0x80000000);
  else {
    m.st32(a + 4, ok ? W[1] : 0x80000000);
    m.st32(a, ok ? W[0] : 0);
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
function memOperand(md: Model, m: Machine, i: Insn): Value {
  const a = m.ea(i);
  switch (i.row.opcode) {
    case 0xd8: return loadFloat(md, m, a, 4);
    case 0xdc: return loadFloat(md, m, a, 8);
    case 0xda: return loadInt(md, m, a, 4);
  }
  return loadInt(md, m, a, 2);
}

// ---- arithmetic ------------------------------------------------------------

type Op = (md: Model, a: Value, b: Value, p: number, r: number) => Value;
const OPS: Record<string, Op> = {
  add: (md, a, b, p, r) => md.add(a, b, p, r),
  sub: (md, a, b, p, r) => md.sub(a, b, p, r),
  subr: (md, a, b, p, r) => md.subr(a, b, p, r),
  mul: (md, a, b, p, r) => md.mul(a, b, p, r),
  div: (md, a, b, p, r) => md.div(a, b, p, r),
  divr: (md, a, b, p, r) => md.divr(a, b, p, r),
};

/** fop / fiop / fopp: dst = dst op src, dst = ST0 unless the form is "STi,ST". */
function arith(op: Op, popAfter: boolean): X {
  return (m, i) => {
    const f = begin(m, i), md = f.model;
    let d = 0, b: Value;
    if (i.mod !== 3) b = memOperand(md, m, i);
    else if (i.row.kinds[0] === K_ST0) b = f.st(i.rm, status);
    else { d = i.rm; b = f.st(0, status); }
    const a = d === 0 ? f.st(0, status) : f.st(d, status);
    f.set(d, op(md, a, b, pc(f), rc(f)));
    if (popAfter) f.pop();
    finish(f);
  };
}

// ---- comparisons -----------------------------------------------------------

/** DE for a denormal operand (the comparison and scaling paths raise it themselves). */
function denormalCheck(md: Model, a: Value, b: Value): void {
  if (md.cls(a) >= CLS_QNAN || md.cls(b) >= CLS_QNAN) return;
  if (md.denormal(a) || md.denormal(b)) status.exc |= DE;
}

/** Compares a with b: 0 equal, -1 less, 1 greater, 2 unordered, which raises IE unless quiet and no SNaN. */
function compareOperands(md: Model, a: Value, b: Value, unordered: boolean): number {
  denormalCheck(md, a, b);
  const r = md.compare(a, b);
  if (r === 2) {
    const ca = md.cls(a), cb = md.cls(b);
    if (!unordered || ca === CLS_SNAN || cb === CLS_SNAN || ca === CLS_BAD || cb === CLS_BAD) status.exc |= IE;
  }
  return r;
}

/** Sets C3 C2 C0 (C1 cleared) from a comparison's result. */
function setCond(f: Fpu, r: number): void {
  const c = r === 2 ? C3 | C2 | C0 : r === 0 ? C3 : r < 0 ? C0 : 0;
  status.up = false;
  f.sw = (f.sw & ~(C0 | C2 | C3)) | c;
}

function fcom(pops: number, unordered: boolean): X {
  return (m, i) => {
    const f = begin(m, i), md = f.model;
    const b = i.mod !== 3 ? memOperand(md, m, i) : f.st(i.hasModrm && i.row.modrmByte < 0 ? i.rm : 1, status);
    setCond(f, compareOperands(md, f.st(0, status), b, unordered));
    for (let k = 0; k < pops; k++) f.pop();
    finish(f);
  };
}

function fcomi(pop: boolean, unordered: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const a = f.st(0, status), b = f.st(i.rm, status);
    const r = compareOperands(f.model, a, b, unordered);
    const fl = r === 2 ? ZF | PF | CF : r === 0 ? ZF : r < 0 ? CF : 0;
    updateFlags(m.s, ZF | PF | CF | OF | EF_SF | AF, fl);
    if (pop) f.pop();
    finish(f);
  };
}

/** DE for denormal operands unless the operation was invalid. */
function afterDenormal(md: Model, a: Value, b: Value, r: Value): Value {
  if (!(status.exc & (IE | ZE))) denormalCheck(md, a, b);
  return r;
}

// ---- loads and stores ------------------------------------------------------

function fld(m: Machine, i: Insn): void {
  const f = begin(m, i);
  f.push(i.mod === 3 ? f.st(i.rm, status) : loadFloat(f.model, m, m.ea(i), memBytes(i)), status);
  finish(f);
}

function fst(popAfter: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const v = f.st(0, status);
    if (i.mod === 3) f.set(i.rm, v);
    else storeFloat(f.model, m, m.ea(i), memBytes(i), v, rc(f));
    if (popAfter) f.pop();
    finish(f);
  };
}

function fild(m: Machine, i: Insn): void {
  const f = begin(m, i);
  f.push(loadInt(f.model, m, m.ea(i), memBytes(i)), status);
  finish(f);
}

function fist(popAfter: boolean, truncate: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    storeInt(f.model, m, m.ea(i), memBytes(i), f.st(0, status), truncate ? RC_ZERO : rc(f));
    if (popAfter) f.pop();
    finish(f);
  };
}

/** Packed BCD: 9 bytes of two digits each, sign in bit 7 of byte 9. */
function fbld(m: Machine, i: Insn): void {
  const f = begin(m, i), md = f.model;
  const a = m.ea(i);
  let v = 0n;
  for (let k = 8; k >= 0; k--) {
    const b = m.mem.read8(a + k);
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  const r = md.fromBigInt(v);
  f.push(m.mem.read8(a + 9) & 0x80 ? md.chs(r) : r, status);
  finish(f);
}

function fbstp(m: Machine, i: Insn): void {
  const f = begin(m, i), md = f.model;
  const src = f.st(0, status), a = m.ea(i);
  const v = md.toBigInt(src, rc(f));
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
    bytes[9] = md.sign(src) ? 0x80 : 0;
  }
  for (let k = 9; k >= 0; k--) m.mem.write8(a + k, bytes[k]);
  f.pop();
  finish(f);
}

/** Physical register p to and from its 10-byte memory image (fnsave, frstor): the bits, in either model. */
function saveReg(f: Fpu, m: Machine, p: number, a: number): void {
  m.st16(a + 8, f.u16[(p << 3) + 4]);
  m.st32(a + 4, f.i32[(p << 2) + 1]);
  m.st32(a, f.i32[p << 2]);
}

function restoreReg(f: Fpu, m: Machine, p: number, a: number): void {
  const lo = m.ld32(a), hi = m.ld32(a + 4);
  f.u16[(p << 3) + 4] = m.ld16(a + 8);
  f.i32[(p << 2) + 1] = hi;
  f.i32[p << 2] = lo;
}

// ---- constants ---------------------------------------------------------------

/** A constant's 64-bit significand hi:lo, rounded to nearest; dir: +1 rounded up, -1 rounded down, 0 exact (RC adjusts). */
function constant(se: number, hi: number, lo: number, dir: number): X {
  return (m, i) => {
    const f = begin(m, i);
    const r = rc(f);
    let l = lo;
    if (dir > 0 && (r === RC_DOWN || r === RC_ZERO)) l -= 1;
    if (dir < 0 && r === RC_UP) l += 1;
    f.push(f.model.fromBits(se, hi, l), status);
    finish(f);
  };
}

// ---- one-operand ST0 operations ---------------------------------------------

function unary(fn: (md: Model, v: Value, f: Fpu) => Value): X {
  return (m, i) => {
    const f = begin(m, i);
    const v = f.st(0, status);
    f.set(0, fn(f.model, v, f));
    finish(f);
  };
}

/** fsin/fcos/fptan/fsincos operand out of range (|x| >= 2^63): C2 = 1 and ST0 unchanged. */
function trigOutOfRange(f: Fpu, md: Model, v: Value): boolean {
  const c = md.cls(v);
  if (c === CLS_INF) { status.exc |= IE; f.set(0, md.indefinite); return true; }
  const big = c === CLS_FINITE && md.cmpAbs(v, 63) >= 0;
  f.sw = big ? f.sw | C2 : f.sw & ~C2;
  return big;
}

function trig(which: "sin" | "cos" | "tan" | "sincos"): X {
  return (m, i) => {
    const f = begin(m, i), md = f.model;
    const v = f.st(0, status);
    if (!trigOutOfRange(f, md, v)) {
      if (md.cls(v) === CLS_ZERO && which !== "cos") {
        if (which === "tan") f.push(md.one, status);
        if (which === "sincos") { f.set(0, v); f.push(md.one, status); }
      } else if (which === "sin") f.set(0, md.viaMath(v, Math.sin));
      else if (which === "cos") f.set(0, md.viaMath(v, Math.cos));
      else if (which === "tan") { f.set(0, md.viaMath(v, Math.tan)); f.push(md.one, status); }
      else {
        const s = md.viaMath(v, Math.sin), co = md.viaMath(v, Math.cos);
        f.set(0, s);
        f.push(co, status);
      }
    }
    finish(f);
  };
}

/** ST1 = fn(ST1, ST0), then pop (fpatan, fyl2x, fyl2xp1). */
function binaryPop(fn: (md: Model, y: Value, x: Value, f: Fpu) => Value): X {
  return (m, i) => {
    const f = begin(m, i);
    const x = f.st(0, status), y = f.st(1, status);
    f.set(1, fn(f.model, y, x, f));
    f.pop();
    finish(f);
  };
}

function nanOf(md: Model, a: Value, b: Value): Value | undefined {
  const ca = md.cls(a), cb = md.cls(b);
  if (ca === CLS_BAD || cb === CLS_BAD) { status.exc |= IE; return md.indefinite; }
  if (ca >= CLS_QNAN || cb >= CLS_QNAN) return md.propagate(a, b);
  return undefined;
}

/** y * log2(x) (plus1: log2(x + 1)); the f80 model computes it to ~2^-100 and rounds once. */
function ylog2(plus1: boolean) {
  return (md: Model, y: Value, x: Value, f: Fpu): Value => nanOf(md, y, x) ?? afterDenormal(md, y, x, md.ylog2x(y, x, plus1, rc(f)));
}

function fscale(md: Model, v: Value, f: Fpu): Value {
  const s1 = f.st(1, status);
  const n = nanOf(md, v, s1);
  if (n !== undefined) return n;
  const c0 = md.cls(v), c1 = md.cls(s1);
  denormalCheck(md, v, s1);
  if (c1 === CLS_INF) {
    const neg = md.sign(s1);
    if (neg && c0 === CLS_INF) { status.exc |= IE; return md.indefinite; }
    if (!neg && c0 === CLS_ZERO) { status.exc |= IE; return md.indefinite; }
    if (c0 === CLS_ZERO || c0 === CLS_INF) return v;
    return neg ? md.zero(md.sign(v)) : md.inf(md.sign(v));
  }
  if (c0 !== CLS_FINITE) return v;
  return md.scale(v, s1, rc(f));
}

function fxtract(m: Machine, i: Insn): void {
  const f = begin(m, i), md = f.model;
  const v = f.st(0, status), c = md.cls(v);
  if (c === CLS_ZERO) {
    status.exc |= ZE;
    f.set(0, md.inf(1));
    f.push(v, status);
  } else if (c === CLS_FINITE) {
    if (md.denormal(v)) status.exc |= DE;
    f.set(0, md.exponent(v));
    f.push(md.significand(v), status);
  } else if (c === CLS_INF) {
    f.set(0, md.inf(0));
    f.push(v, status);
  } else {
    const n = c === CLS_BAD ? (status.exc |= IE, md.indefinite) : md.propagate(v);
    f.set(0, n);
    f.push(n, status);
  }
  finish(f);
}

function fpremX(nearest: boolean): X {
  return (m, i) => {
    const f = begin(m, i);
    const { r, q, partial } = f.model.prem(f.st(0, status), f.st(1, status), nearest);
    f.set(0, r);
    let sw = f.sw & ~(C0 | C1 | C2 | C3);
    if (partial) sw |= C2;
    else sw |= (q & 4 ? C0 : 0) | (q & 2 ? C3 : 0) | (q & 1 ? C1 : 0);
    f.sw = sw | status.exc;
  };
}

// ---- environment -------------------------------------------------------------

function control(fn: (f: Fpu, m: Machine, i: Insn) => void): X {
  return (m, i) => fn(m.fpu, m, i);
}

/** The 28-byte protected-mode environment image. */
/** The 28-byte protected-mode environment of fnstenv and fnsave, as seven words. */
export function envWords(f: Fpu): number[] {
  return [
    0xffff0000 | f.cw, 0xffff0000 | f.status, 0xffff0000 | f.tagWord(), f.i32[FIP >> 2],
    f.u16[FCS >> 1] | (f.u16[FOP >> 1] << 16), f.i32[FDP >> 2], 0xffff0000 | f.u16[FDS >> 1],
  ];
}

function storeEnv(f: Fpu, m: Machine, a: number): void {
  const words = envWords(f);
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

/** The 512-byte fxsave image: x87 state, MXCSR and its mask (24, 28), ST0-7 (32), XMM0-7 (160). */
export function fxsaveImage(f: Fpu, sse: Sse): Uint8Array {
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
  dv.setUint32(24, sse.mxcsr, true);
  dv.setUint32(28, MXCSR_MASK, true);
  for (let k = 0; k < 8; k++) img.set(f.u8.subarray(f.phys(k) * 16, f.phys(k) * 16 + 10), 32 + 16 * k);
  img.set(sse.u8.subarray(0, 128), 160);
  return img;
}

/** Loads an fxsave image (fxrstor, sigreturn); false, changing nothing, when it sets reserved MXCSR bits. */
export function fxrstorImage(f: Fpu, sse: Sse, img: Uint8Array): boolean {
  const dv = new DataView(img.buffer, img.byteOffset, 512), mxcsr = dv.getUint32(24, true);
  if (mxcsr & ~MXCSR_MASK) return false;
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
  sse.mxcsr = mxcsr;
  sse.u8.set(img.subarray(160, 288), 0);
  return true;
}

function fxsave(f: Fpu, m: Machine, i: Insn): void {
  storeBytes(m, i, m.ea(i), fxsaveImage(f, m.sse), true);
}

function fxrstor(f: Fpu, m: Machine, i: Insn): void {
  const img = loadBytes(m, i, m.ea(i), 512, true);
  if (!fxrstorImage(f, m.sse, img)) {
    const mxcsr = new DataView(img.buffer, img.byteOffset, 512).getUint32(24, true);
    throw new GuestFault(SIGSEGV, i.addr, `fxrstor: reserved MXCSR bits in 0x${mxcsr.toString(16)}`);
  }
}

// ---- executors ---------------------------------------------------------------

export const x87Executors: Record<string, X> = {
  fwait: (m, i) => { const f = m.fpu; if (f.sw & ~f.cw & 0x3f) throw new GuestFault(SIGFPE, i.addr, "x87 floating-point exception"); },
  fnop: (m, i) => finish(begin(m, i)),
  fld, fild, fbld, fbstp,
  fst: fst(false), fstp: fst(true),
  fist: fist(false, false), fistp: fist(true, false), fisttp: fist(true, true),
  fld1: constant(0x3fff, 0x80000000, 0, 0),
  fldz: constant(0, 0, 0, 0),
  fldpi: constant(0x4000, 0xc90fdaa2, 0x2168c235, 1),
  fldl2e: constant(0x3fff, 0xb8aa3b29, 0x5c17f0bc, 1),
  fldl2t: constant(0x4000, 0xd49a784b, 0xcd1b8afe, -1),
  fldlg2: constant(0x3ffd, 0x9a209a84, 0xfbcff799, 1),
  fldln2: constant(0x3ffe, 0xb17217f7, 0xd1cf79ac, 1),
  fcom: fcom(0, false), fcomp: fcom(1, false), fcompp: fcom(2, false),
  fucom: fcom(0, true), fucomp: fcom(1, true), fucompp: fcom(2, true),
  ficom: fcom(0, false), ficomp: fcom(1, false),
  fcomi: fcomi(false, false), fcomip: fcomi(true, false), fucomi: fcomi(false, true), fucomip: fcomi(true, true),
  ftst: (m, i) => { const f = begin(m, i); setCond(f, compareOperands(f.model, f.st(0, status), f.model.zero(0), false)); finish(f); },
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
  fchs: unary((md, v) => md.chs(v)),
  fabs: unary((md, v) => md.abs(v)),
  fsqrt: unary((md, v, f) => md.sqrt(v, pc(f), rc(f))),
  frndint: unary((md, v, f) => md.roundInt(v, rc(f))),
  fscale: unary(fscale),
  fxtract,
  fprem: fpremX(false), fprem1: fpremX(true),
  fsin: trig("sin"), fcos: trig("cos"), fptan: trig("tan"), fsincos: trig("sincos"),
  f2xm1: unary((md, v, f) => {
    const c = md.cls(v);
    if (c === CLS_ZERO) return v;
    if (c === CLS_INF) return md.sign(v) ? md.chs(md.one) : v;
    if (c !== CLS_FINITE) return md.viaMath(v, (x) => x);
    if (md.cmpAbs(v, 0) > 0) { status.exc |= PE; return v; } // |x| > 1: left as is
    status.exc |= PE | (md.denormal(v) ? DE : 0);
    return md.exp2m1(v, rc(f));
  }),
  fpatan: binaryPop((md, y, x, f) => nanOf(md, y, x) ?? afterDenormal(md, y, x, md.atan2(y, x, rc(f)))),
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
    for (let k = 7; k >= 0; k--) saveReg(f, m, f.phys(k), a + 28 + 10 * k);
    storeEnv(f, m, a);
    f.init();
  }),
  frstor: control((f, m, i) => {
    const a = m.ea(i);
    loadEnv(f, m, a);
    for (let k = 0; k < 8; k++) restoreReg(f, m, f.phys(k), a + 28 + 10 * k);
  }),
  fxsave: control(fxsave),
  fxrstor: control(fxrstor),
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
    else if (f.isEmpty(i.rm) || f.isEmpty(0)) { status.exc |= IE | SF; f.set(0, f.model.indefinite); }
    finish(f);
  };
}
