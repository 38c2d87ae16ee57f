/**
 * Multiplication and division. One-operand forms use the accumulator pair
 * (AX, DX:AX, EDX:EAX); imul also has two- and three-operand forms whose
 * product is truncated. #DE (zero divisor or quotient overflow) is SIGFPE.
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { K_MUL, setLazy, SIZE_BITS, SIZE_MASK } from "../flags.ts";
import { GuestFault, SIGFPE } from "../../core/fault.ts";
import { R_EAX, R_EDX } from "../../core/layout.ts";

const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

/** Unsigned 32x32 -> 64 multiply: [low int32, high uint32]. */
export function umul32(a: number, b: number): [number, number] {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (p00 & 0xffff) | (mid << 16);
  const hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
  return [lo, hi];
}

/** Signed 32x32 -> 64: [low int32, high int32]. */
export function imul32(a: number, b: number): [number, number] {
  const [lo, hi] = umul32(a, b);
  return [lo, (hi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0];
}

function divideError(i: Insn): never {
  throw new GuestFault(SIGFPE, i.addr, "divide error");
}

function mulAcc(signed: boolean) {
  return (m: Machine, i: Insn): void => {
    const sz = i.sz, bits = SIZE_BITS[sz];
    const src = m.get(i, i.k0, sz), acc = m.reg(sz, R_EAX);
    let lo: number, hi: number, overflow: boolean;
    if (sz === 2) {
      [lo, hi] = signed ? imul32(acc, src) : umul32(acc, src);
      overflow = signed ? hi !== lo >> 31 : hi !== 0;
    } else {
      const p = signed ? sext(acc, bits) * sext(src, bits) : acc * src;
      lo = p & SIZE_MASK[sz];
      hi = (p >> bits) & SIZE_MASK[sz];
      overflow = signed ? p !== sext(lo, bits) : hi !== 0;
    }
    if (sz === 0) m.w[0] = (hi << 8) | lo;
    else { m.setReg(sz, R_EAX, lo); m.setReg(sz, R_EDX, hi); }
    setLazy(m.s, K_MUL, sz, lo, overflow ? 1 : 0, 0);
  };
}

function divAcc(signed: boolean) {
  return (m: Machine, i: Insn): void => {
    const sz = i.sz, bits = SIZE_BITS[sz];
    const d = m.get(i, i.k0, sz);
    if ((d & SIZE_MASK[sz]) === 0) divideError(i);
    let q: number, r: number;
    if (sz === 2) {
      const n = (BigInt(m.s[R_EDX] >>> 0) << 32n) | BigInt(m.s[R_EAX] >>> 0);
      const num = signed ? BigInt.asIntN(64, n) : n, den = signed ? BigInt(d | 0) : BigInt(d >>> 0);
      const bq = num / den;
      if (signed ? bq !== BigInt.asIntN(32, bq) : bq > 0xffffffffn) divideError(i);
      q = Number(BigInt.asIntN(32, bq));
      r = Number(BigInt.asIntN(32, num - bq * den));
    } else {
      const hiReg = sz === 0 ? (m.w[0] >>> 8) : m.w[R_EDX << 1];
      const loReg = sz === 0 ? m.b[0] : m.w[0];
      const raw = hiReg * 2 ** bits + loReg;
      const num = signed ? sext(raw, bits * 2) : raw, den = signed ? sext(d, bits) : d;
      q = Math.trunc(num / den);
      r = num - q * den;
      if (signed ? q !== sext(q, bits) : q > SIZE_MASK[sz]) divideError(i);
    }
    if (sz === 0) m.w[0] = ((r & 0xff) << 8) | (q & 0xff);
    else { m.setReg(sz, R_EAX, q); m.setReg(sz, R_EDX, r); }
  };
}

/** imul with two or three operands: dest = src1 * src2 truncated. */
function imulTruncating(m: Machine, i: Insn): void {
  const sz = i.sz, bits = SIZE_BITS[sz];
  const a = i.k2 ? m.get(i, i.k1, sz) : m.get(i, i.k0, sz);
  const b = i.k2 ? m.get(i, i.k2, sz) : m.get(i, i.k1, sz);
  let r: number, overflow: boolean;
  if (sz === 2) {
    const [lo, hi] = imul32(a, b);
    r = lo;
    overflow = hi !== lo >> 31;
  } else {
    const p = sext(a, bits) * sext(b, bits);
    r = p & SIZE_MASK[sz];
    overflow = p !== sext(r, bits);
  }
  m.put(i, i.k0, sz, r);
  setLazy(m.s, K_MUL, sz, r, overflow ? 1 : 0, 0);
}

export const muldivExecutors = {
  mul: mulAcc(false),
  imul: (m: Machine, i: Insn) => (i.k1 ? imulTruncating(m, i) : imulOne(m, i)),
  div: divAcc(false),
  idiv: divAcc(true),
};
const imulOne = mulAcc(true);
