/**
 * Lazy EFLAGS. An instruction that sets the arithmetic flags records what it
 * did (kind and operand size) and its operands; a flag is computed only when
 * something reads it (jcc, setcc, pushf, adc, ...). Instructions whose flag
 * effects are irregular (rotates, bt, bsf, ...) materialize the flags eagerly
 * and leave kind NONE, meaning S_EFLAGS holds them all.
 *
 * Stored values are masked to the operand size. For shifts B is the count;
 * for INC/DEC, LAZY_CF is the carry flag they preserve; for ADC/SBB the carry in.
 */
import { S_EFLAGS, S_LAZY_A, S_LAZY_B, S_LAZY_CF, S_LAZY_OP, S_LAZY_RES } from "../core/layout.ts";

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;
/** Bits a user-mode popf may change (ID and AC included, so CPUID detection works). */
export const POPF_MASK = ARITH | TF | DF | 0x40000 | 0x200000;

export const K_NONE = 0, K_ADD = 1, K_ADC = 2, K_SUB = 3, K_SBB = 4, K_LOGIC = 5, K_INC = 6, K_DEC = 7,
  K_SHL = 8, K_SHR = 9, K_SAR = 10, K_MUL = 11;

/** Lazy-op words (kind << 2 | size) of the common 32-bit cases, for fast paths. */
export const OP_ADD32 = (K_ADD << 2) | 2, OP_SUB32 = (K_SUB << 2) | 2, OP_LOGIC32 = (K_LOGIC << 2) | 2,
  OP_INC32 = (K_INC << 2) | 2, OP_DEC32 = (K_DEC << 2) | 2;

/** Size index: 0 = 8 bits, 1 = 16, 2 = 32. */
export const SIZE_BITS = [8, 16, 32];
export const SIZE_MASK = [0xff, 0xffff, 0xffffffff];
const SIGN = [0x80, 0x8000, 0x80000000];

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = i; b; b >>= 1) p ^= b & 1;
  PARITY[i] = p ? PF : 0;
}

export function setLazy(s: Int32Array, kind: number, sz: number, res: number, a: number, b: number): void {
  s[S_LAZY_OP] = (kind << 2) | sz;
  s[S_LAZY_RES] = res;
  s[S_LAZY_A] = a;
  s[S_LAZY_B] = b;
}

export function carry(s: Int32Array): number {
  const op = s[S_LAZY_OP];
  // The common cases first, without masking (32-bit values are already exact).
  if (op === OP_SUB32) return (s[S_LAZY_A] >>> 0) < (s[S_LAZY_B] >>> 0) ? 1 : 0;
  if (op === OP_ADD32) return (s[S_LAZY_RES] >>> 0) < (s[S_LAZY_A] >>> 0) ? 1 : 0;
  if (op === OP_LOGIC32) return 0;
  if (op === OP_INC32 || op === OP_DEC32) return s[S_LAZY_CF] & 1;
  const sz = op & 3, m = SIZE_MASK[sz];
  const res = (s[S_LAZY_RES] & m) >>> 0, a = (s[S_LAZY_A] & m) >>> 0, b = (s[S_LAZY_B] & m) >>> 0;
  switch (op >> 2) {
    case K_NONE: return s[S_EFLAGS] & CF;
    case K_ADD: return res < a ? 1 : 0;
    case K_ADC: return (s[S_LAZY_CF] ? res <= a : res < a) ? 1 : 0;
    case K_SUB: return a < b ? 1 : 0;
    case K_SBB: return (s[S_LAZY_CF] ? a <= b : a < b) ? 1 : 0;
    case K_LOGIC: return 0;
    case K_INC: case K_DEC: return s[S_LAZY_CF] & 1;
    case K_SHL: return b > SIZE_BITS[sz] ? 0 : (a >>> (SIZE_BITS[sz] - b)) & 1;
    case K_SHR: return b > SIZE_BITS[sz] ? 0 : (a >>> (b - 1)) & 1;
    case K_SAR: return b >= SIZE_BITS[sz] ? (a & SIGN[sz] ? 1 : 0) : (a >>> (b - 1)) & 1;
    case K_MUL: return a & 1;
  }
  return 0;
}

export function overflow(s: Int32Array): number {
  const op = s[S_LAZY_OP];
  const sz = op & 3, sign = SIGN[sz];
  const res = s[S_LAZY_RES], a = s[S_LAZY_A], b = s[S_LAZY_B];
  switch (op >> 2) {
    case K_NONE: return (s[S_EFLAGS] >> 11) & 1;
    case K_ADD: case K_ADC: return ((a ^ res) & (b ^ res) & sign) ? 1 : 0;
    case K_SUB: case K_SBB: return ((a ^ b) & (a ^ res) & sign) ? 1 : 0;
    case K_LOGIC: return 0;
    case K_INC: return ((res & SIZE_MASK[sz]) >>> 0) === sign ? 1 : 0;
    case K_DEC: return ((res & SIZE_MASK[sz]) >>> 0) === sign - 1 ? 1 : 0;
    case K_SHL: return ((res & sign) ? 1 : 0) ^ carry(s);
    case K_SHR: return (a & sign) ? 1 : 0;
    case K_SAR: return 0;
    case K_MUL: return a & 1;
  }
  return 0;
}

export function zero(s: Int32Array): number {
  const op = s[S_LAZY_OP];
  if (op >> 2 === K_NONE) return (s[S_EFLAGS] >> 6) & 1;
  return (s[S_LAZY_RES] & SIZE_MASK[op & 3]) === 0 ? 1 : 0;
}

export function sign(s: Int32Array): number {
  const op = s[S_LAZY_OP];
  if (op >> 2 === K_NONE) return (s[S_EFLAGS] >> 7) & 1;
  return s[S_LAZY_RES] & SIGN[op & 3] ? 1 : 0;
}

export function parity(s: Int32Array): number {
  const op = s[S_LAZY_OP];
  if (op >> 2 === K_NONE) return (s[S_EFLAGS] >> 2) & 1;
  return PARITY[s[S_LAZY_RES] & 0xff] ? 1 : 0;
}

function adjust(s: Int32Array): number {
  const op = s[S_LAZY_OP];
  switch (op >> 2) {
    case K_NONE: return (s[S_EFLAGS] >> 4) & 1;
    case K_ADD: case K_ADC: case K_SUB: case K_SBB: case K_INC: case K_DEC:
      return ((s[S_LAZY_A] ^ s[S_LAZY_B] ^ s[S_LAZY_RES]) >> 4) & 1;
  }
  return 0;
}

/** Condition codes (as bits) a 32-bit cmp/sub decides from its operands alone: all but o, no, p, np. */
export const SUB32_CCS = 0xf3fc;

/** Whether condition cc holds after a 32-bit cmp/sub of a and b (cc in SUB32_CCS). */
export function sub32Taken(cc: number, a: number, b: number): boolean {
  switch (cc) {
    case 2: return (a >>> 0) < (b >>> 0);
    case 3: return (a >>> 0) >= (b >>> 0);
    case 4: return a === b;
    case 5: return a !== b;
    case 6: return (a >>> 0) <= (b >>> 0);
    case 7: return (a >>> 0) > (b >>> 0);
    case 8: return ((a - b) | 0) < 0;
    case 9: return ((a - b) | 0) >= 0;
    case 12: return a < b;
    case 13: return a >= b;
    case 14: return a <= b;
    default: return a > b;
  }
}

/** Whether condition cc holds after a 32-bit logic op (CF = OF = 0) with result r (cc in SUB32_CCS). */
export function logic32Taken(cc: number, r: number): boolean {
  switch (cc) {
    case 2: return false;
    case 3: return true;
    case 4: case 6: return r === 0;
    case 5: case 7: return r !== 0;
    case 8: case 12: return r < 0;
    case 9: case 13: return r >= 0;
    case 14: return r <= 0;
    default: return r > 0;
  }
}

/** Evaluates condition code cc (the low nibble of jcc/setcc/cmovcc opcodes). */
export function condition(s: Int32Array, cc: number): boolean {
  const op = s[S_LAZY_OP];
  if ((SUB32_CCS >> cc) & 1) {
    if (op === OP_SUB32) return sub32Taken(cc, s[S_LAZY_A], s[S_LAZY_B]);
    if (op === OP_LOGIC32) return logic32Taken(cc, s[S_LAZY_RES]);
  }
  if ((op & 3) === 2 && op > 3) {
    // Any lazy 32-bit kind: ZF and SF come straight from the result.
    const res = s[S_LAZY_RES];
    switch (cc) {
      case 4: return res === 0;
      case 5: return res !== 0;
      case 8: return res < 0;
      case 9: return res >= 0;
    }
  }
  return conditionSlow(s, cc);
}

function conditionSlow(s: Int32Array, cc: number): boolean {
  let r: number;
  switch (cc >> 1) {
    case 0: r = overflow(s); break;
    case 1: r = carry(s); break;
    case 2: r = zero(s); break;
    case 3: r = carry(s) | zero(s); break;
    case 4: r = sign(s); break;
    case 5: r = parity(s); break;
    case 6: r = sign(s) ^ overflow(s); break;
    default: r = (sign(s) ^ overflow(s)) | zero(s); break;
  }
  return (r ^ (cc & 1)) !== 0;
}

export function materializeFlags(s: Int32Array): number {
  if (s[S_LAZY_OP] >> 2 === K_NONE) return s[S_EFLAGS] >>> 0;
  return ((s[S_EFLAGS] & ~ARITH) | carry(s) | (parity(s) << 2) | (adjust(s) << 4) |
    (zero(s) << 6) | (sign(s) << 7) | (overflow(s) << 11)) >>> 0;
}

/** Replaces EFLAGS wholesale (bit 1 is always set); the lazy state becomes NONE. */
export function setFlagsFrom(s: Int32Array, v: number): void {
  s[S_EFLAGS] = (v & ~0x8) | 0x2;
  s[S_LAZY_OP] = K_NONE;
}

/** Sets or clears the bits in mask after materializing, e.g. CF for stc/rotates. */
export function updateFlags(s: Int32Array, mask: number, bits: number): void {
  setFlagsFrom(s, (materializeFlags(s) & ~mask) | (bits & mask));
}

/** INC/DEC keep CF: capture it before recording the new operation. */
export function setIncDec(s: Int32Array, kind: number, sz: number, res: number, a: number): void {
  const cf = carry(s);
  s[S_LAZY_CF] = cf;
  setLazy(s, kind, sz, res, a, 1);
}
